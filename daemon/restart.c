/*
 * Graceful restart, both sides (restart.h, docs/restart.md).
 *
 * The old process freezes (no socket read, no timer acts, nothing sent),
 * writes the state to a memfd, clears FD_CLOEXEC on what it passes in a
 * forked child and executes the binary there with --handover.  It keeps
 * its loop running (control clients are served; the frozen timers wait)
 * and reads a pipe: "ready" and it exits without closing anything, or
 * an error, end of file (the new process died) or 10 s of silence and
 * it thaws and carries on, saying why.
 */
#include <config.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/cmd.h"
#include "daemon/control.h"
#include "daemon/handover.h"
#include "daemon/log.h"
#include "daemon/priv.h"
#include "daemon/restart.h"
#include "daemon/tunnel.h"
#include "proto/ctlproto.h"

#define RESTART_READY_TIMEOUT_S 10
/* After "ready": time for the command's answer to leave. */
#define RESTART_EXIT_DELAY_MS 100
#define RESTART_ARGS_MAX 64
#define RESTART_MSG_MAX 512
/* Tests only: the state's version is written as this instead. */
#define RESTART_VERSION_ENV "L2TPV3D_TEST_HANDOVER_VERSION"

static struct {
	struct event_base *base;
	char exe[PATH_MAX];
	char *argv[RESTART_ARGS_MAX + 4];
	int argc;
	int pid_fd;
	int ctl_lock_fd;
	/* A restart under way. */
	int busy;
	pid_t child;
	int ready_fd;
	struct event *ev_ready;
	struct timespec started;
	char msg[RESTART_MSG_MAX];
	size_t msglen;
	struct control_later *later;
	/* The new process's side. */
	int handover_ready_fd;
} rs = {
	.pid_fd = -1, .ctl_lock_fd = -1, .ready_fd = -1, .handover_ready_fd = -1
};

void
restart_init(struct event_base *base, int argc, char *const argv[], int pid_fd,
    int ctl_lock_fd)
{
	int i;

	rs.base = base;
	rs.pid_fd = pid_fd;
	rs.ctl_lock_fd = ctl_lock_fd;
	if (realpath("/proc/self/exe", rs.exe) == NULL)
		snprintf(rs.exe, sizeof(rs.exe), "%s", argv[0]);
	/* Our own arguments, less a --handover of ours. */
	rs.argc = 0;
	for (i = 0; i < argc && rs.argc < RESTART_ARGS_MAX; i++) {
		if (strcmp(argv[i], "--handover") == 0 && i + 1 < argc) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--handover=", 11) == 0)
			continue;
		rs.argv[rs.argc++] = argv[i];
	}
}

static uint64_t
elapsed_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - rs.started.tv_sec) * 1000 +
	    (uint64_t)((now.tv_nsec - rs.started.tv_nsec) / 1000000);
}

static void
exit_now(evutil_socket_t fd, short what, void *arg)
{
	log_info("graceful restart: exiting, pid %ld has taken over",
	    (long)rs.child);
	/* Nothing is closed, sent or unlinked: it is all the new one's. */
	_exit(0);
}

static void
answer(int ok, const char *text)
{
	char out[RESTART_MSG_MAX + 256];

	if (rs.later == NULL)
		return;
	snprintf(out, sizeof(out), "%s\n", text);
	control_answer_later(rs.later, ok ? CTL_STATUS_OK : CTL_STATUS_ERROR,
	    ok ? out : NULL, ok ? NULL : text);
	rs.later = NULL;
}

static void
finish(int ok, const char *why)
{
	struct timeval tv = { 0, RESTART_EXIT_DELAY_MS * 1000 };
	char text[RESTART_MSG_MAX + 128];

	event_free(rs.ev_ready);
	rs.ev_ready = NULL;
	close(rs.ready_fd);
	rs.ready_fd = -1;
	if (ok) {
		snprintf(text, sizeof(text),
		    "graceful restart: pid %ld has taken over in %llu ms",
		    (long)rs.child, (unsigned long long)elapsed_ms());
		log_info("%s", text);
		answer(1, text);
		if (event_base_once(
			rs.base, -1, EV_TIMEOUT, exit_now, NULL, &tv) == -1)
			exit_now(-1, 0, NULL);
		return;
	}
	snprintf(text, sizeof(text), "graceful restart failed, carrying on: %s",
	    why);
	log_warnx("%s", text);
	if (rs.child > 0) {
		(void)kill(rs.child, SIGKILL);
		/* SIGCHLD's handler reaps it. */
	}
	tunnels_freeze(0);
	control_pause(0);
	rs.busy = 0;
	answer(0, text);
}

static void
on_ready(evutil_socket_t fd, short what, void *arg)
{
	ssize_t n;
	char *nl;

	if (what & EV_TIMEOUT) {
		finish(0, "the new process was not ready within 10 s");
		return;
	}
	n = read(fd, rs.msg + rs.msglen, sizeof(rs.msg) - 1 - rs.msglen);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n > 0) {
		rs.msglen += (size_t)n;
		rs.msg[rs.msglen] = '\0';
		if ((nl = strchr(rs.msg, '\n')) == NULL &&
		    rs.msglen < sizeof(rs.msg) - 1)
			return;
		if (nl != NULL)
			*nl = '\0';
		if (strcmp(rs.msg, "ready") == 0)
			finish(1, NULL);
		else
			finish(0,
			    strncmp(rs.msg, "error: ", 7) == 0 ? rs.msg + 7
							       : rs.msg);
		return;
	}
	finish(0, "the new process exited before it was ready (see its log)");
}

static void
fd_inherit(int fd, int on)
{
	int fl;

	if (fd < 0 || (fl = fcntl(fd, F_GETFD)) == -1)
		return;
	(void)fcntl(fd, F_SETFD, on ? fl & ~FD_CLOEXEC : fl | FD_CLOEXEC);
}

static void
state_fds_inherit(const struct ho_state *st, int on)
{
	size_t i;

	fd_inherit(st->pid_fd, on);
	fd_inherit(st->ctl_lock_fd, on);
	for (i = 0; i < st->nctl; i++)
		fd_inherit(st->ctl[i].fd, on);
	for (i = 0; i < st->nlisteners; i++)
		fd_inherit(st->listeners[i].fd, on);
	for (i = 0; i < st->ntunnels; i++)
		fd_inherit(st->tunnels[i].fd, on);
}

/* The state in a memfd; -1 with err. */
static int
state_write(const struct ho_state *st, char *err, size_t errlen)
{
	uint8_t *buf;
	size_t len, off = 0;
	ssize_t n;
	int fd;

	if (ho_encode(st, &buf, &len) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((fd = memfd_create("l2tpv3d-handover", 0)) == -1) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		free(buf);
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, buf + off, len - off)) <= 0) {
			snprintf(err, errlen, "state: %s", strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	free(buf);
	(void)lseek(fd, 0, SEEK_SET);
	return fd;
}

static void __attribute__((noreturn))
child_exec(const struct ho_state *st, int state_fd, int ready_fd)
{
	char arg[64], msg[RESTART_MSG_MAX];
	char *argv[RESTART_ARGS_MAX + 4];
	int i, n;

	state_fds_inherit(st, 1);
	fd_inherit(state_fd, 1);
	fd_inherit(ready_fd, 1);
	snprintf(arg, sizeof(arg), "%d,%d", state_fd, ready_fd);
	argv[0] = rs.exe;
	for (i = 1; i < rs.argc; i++)
		argv[i] = rs.argv[i];
	argv[i++] = "--handover";
	argv[i++] = arg;
	argv[i] = NULL;
	execv(rs.exe, argv);
	n = snprintf(
	    msg, sizeof(msg), "error: exec %s: %s\n", rs.exe, strerror(errno));
	(void)!write(ready_fd, msg, (size_t)n);
	_exit(127);
}

/* Freeze, write, fork and exec; -1 with err (thawed again). */
static int
handover_start(char *err, size_t errlen)
{
	struct ho_state st;
	const char *paths[HO_CTL_MAX];
	int fds[HO_CTL_MAX], p[2], state_fd;
	const char *v;
	size_t i, n;

	memset(&st, 0, sizeof(st));
	st.version = HO_VERSION;
	if ((v = getenv(RESTART_VERSION_ENV)) != NULL)
		st.version = (uint32_t)strtoul(v, NULL, 10);
	st.pid_fd = rs.pid_fd;
	st.ctl_lock_fd = rs.ctl_lock_fd;
	st.nctl = control_sockets(paths, fds, HO_CTL_MAX);
	for (i = 0; i < st.nctl; i++) {
		snprintf(
		    st.ctl[i].path, sizeof(st.ctl[i].path), "%s", paths[i]);
		st.ctl[i].fd = fds[i];
	}
	if (tunnels_handover_export(&st, err, errlen) == -1 ||
	    (state_fd = state_write(&st, err, errlen)) == -1) {
		ho_state_free(&st);
		return -1;
	}
	if (pipe2(p, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		close(state_fd);
		ho_state_free(&st);
		return -1;
	}
	switch (rs.child = fork()) {
	case -1:
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		close(state_fd);
		ho_state_free(&st);
		return -1;
	case 0:
		close(p[0]);
		(void)fcntl(p[1], F_SETFL, 0);
		child_exec(&st, state_fd, p[1]);
	}
	for (i = 0, n = 0; i < st.ntunnels; i++)
		n += st.tunnels[i].rl.in_flight;
	log_info("graceful restart: %zu connection%s (%zu unacknowledged "
		 "message%s) to pid %ld (%s)",
	    st.ntunnels, st.ntunnels == 1 ? "" : "s", n, n == 1 ? "" : "s",
	    (long)rs.child, rs.exe);
	ho_state_free(&st);
	close(state_fd);
	close(p[1]);
	rs.ready_fd = p[0];
	rs.msglen = 0;
	return 0;
}

int
restart_graceful(char *err, size_t errlen)
{
	struct timeval tv = { RESTART_READY_TIMEOUT_S, 0 };

	if (rs.busy) {
		snprintf(err, errlen, "a graceful restart is under way");
		return -1;
	}
	if (priv_active()) {
		snprintf(err, errlen,
		    "graceful restart needs the non-separated mode (user = "
		    "root): a separated engine cannot execute a new "
		    "privileged parent");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &rs.started);
	tunnels_freeze(1);
	control_pause(1);
	if (handover_start(err, errlen) == -1) {
		tunnels_freeze(0);
		control_pause(0);
		return -1;
	}
	rs.ev_ready = event_new(
	    rs.base, rs.ready_fd, EV_READ | EV_PERSIST, on_ready, NULL);
	if (rs.ev_ready == NULL || event_add(rs.ev_ready, &tv) == -1) {
		/* Without the pipe watched there is no telling: stop it. */
		(void)kill(rs.child, SIGKILL);
		if (rs.ev_ready != NULL)
			event_free(rs.ev_ready);
		rs.ev_ready = NULL;
		close(rs.ready_fd);
		rs.ready_fd = -1;
		tunnels_freeze(0);
		control_pause(0);
		snprintf(err, errlen, "cannot watch the new process");
		return -1;
	}
	rs.busy = 1;
	return 0;
}

int
restart_busy(void)
{
	return rs.busy;
}

int
restart_child_exited(pid_t pid, int status)
{
	if (pid <= 0 || pid != rs.child)
		return 0;
	rs.child = 0;
	if (WIFEXITED(status))
		log_info("graceful restart: the new process exited with "
			 "status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_info("graceful restart: the new process was killed by "
			 "signal %d",
		    WTERMSIG(status));
	return 1;
}

int
cmd_restart_graceful(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	char err[RESTART_MSG_MAX];

	(void)m;
	if (restart_graceful(err, sizeof(err)) == -1) {
		sbuf_printf(req->err, "%% %s", err);
		return CTL_STATUS_ERROR;
	}
	if ((rs.later = control_defer(req)) == NULL)
		sbuf_puts(req->out, "graceful restart started\n");
	return CTL_STATUS_OK;
}

/* --- the new process ---------------------------------------------- */

void
restart_handover_fail(const char *fmt, ...)
{
	char msg[RESTART_MSG_MAX];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "error: ");
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	log_warnx("graceful restart refused: %s", msg + n);
	n = (int)strlen(msg);
	msg[n++] = '\n';
	if (rs.handover_ready_fd != -1)
		(void)!write(rs.handover_ready_fd, msg, (size_t)n);
	/* Nothing of ours to undo; what we inherited is the old one's. */
	_exit(1);
}

void
restart_handover_load(const char *arg, struct ho_state *st)
{
	char err[RESTART_MSG_MAX], *end;
	struct stat sb;
	uint8_t *buf;
	long sfd, rfd;
	ssize_t n;
	size_t off = 0;

	sfd = strtol(arg, &end, 10);
	rfd = *end == ',' ? strtol(end + 1, &end, 10) : -1;
	if (*end != '\0' || sfd < 0 || rfd < 0 || sfd > INT_MAX ||
	    rfd > INT_MAX) {
		fprintf(stderr, "l2tpv3d: --handover STATEFD,READYFD\n");
		exit(1);
	}
	rs.handover_ready_fd = (int)rfd;
	fd_inherit((int)rfd, 0);
	fd_inherit((int)sfd, 0);
	if (fstat((int)sfd, &sb) == -1 || sb.st_size <= 0 ||
	    (buf = malloc((size_t)sb.st_size)) == NULL)
		restart_handover_fail("cannot read the state");
	while (off < (size_t)sb.st_size) {
		n = pread(
		    (int)sfd, buf + off, (size_t)sb.st_size - off, (off_t)off);
		if (n <= 0)
			restart_handover_fail("cannot read the state");
		off += (size_t)n;
	}
	close((int)sfd);
	if (ho_decode(buf, off, st, err, sizeof(err)) == -1)
		restart_handover_fail("%s", err);
	free(buf);
	state_fds_inherit(st, 0);
}

void
restart_handover_ready(void)
{
	if (rs.handover_ready_fd == -1)
		return;
	(void)!write(rs.handover_ready_fd, "ready\n", 6);
	close(rs.handover_ready_fd);
	rs.handover_ready_fd = -1;
}

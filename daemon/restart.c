/*
 * Graceful restart, both sides (restart.h, docs/restart.md).
 *
 * The old process forks and executes the binary with --handover and one
 * end of a socket pair (separated, its root parent does: PRIV_RESTART),
 * sends at once what cannot change meanwhile (locks, control sockets,
 * listeners) and carries on serving while the new process loads its
 * configuration and sets its tunnels up (seconds at 10 000 tunnels).
 * When the new one says "loaded", the old freezes (no socket read, no
 * timer acts, nothing sent), writes the connections to a memfd and sends
 * it and their sockets over the pair (SCM_RIGHTS).  It keeps
 * its loop running (control clients are served; the frozen timers wait)
 * and reads the pair: "ready" and it exits without closing anything, or
 * an error, end of file (the new process died) or a time-out and it
 * thaws (if frozen) and carries on, saying why.
 */
#include <config.h>

#include <sys/mman.h>
#include <sys/socket.h>
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
#include "daemon/metrics.h"
#include "daemon/optlib.h"
#include "daemon/priv.h"
#include "daemon/restart.h"
#include "daemon/tunnel.h"
#include "proto/ctlproto.h"

/* From the request to "loaded": the old one serves meanwhile. */
#define RESTART_LOAD_TIMEOUT_S 60
/* From the freeze to "ready". */
#define RESTART_READY_TIMEOUT_S 10
/* Descriptors per message (the kernel's SCM_MAX_FD is 253). */
#define RESTART_FDS_PER_MSG 250
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
	/* A restart under way; frozen once the new one has loaded. */
	int busy;
	int frozen;
	pid_t child; /* ours to kill; 0 when the parent's (separated) */
	pid_t newpid; /* its main pid, as "ready" says */
	int ready_fd;
	struct event *ev_ready;
	struct timespec started;
	struct timespec froze;
	char msg[RESTART_MSG_MAX];
	struct control_later *later;
	/* The new process's side. */
	int handover_ready_fd;
	struct timespec loaded; /* when it said "loaded" */
	char marks[RESTART_MSG_MAX]; /* "step N ms, ..." since then */
} rs = {
	.pid_fd = -1, .ctl_lock_fd = -1, .ready_fd = -1, .handover_ready_fd = -1
};

void
restart_init(struct event_base *base, int pid_fd, int ctl_lock_fd)
{
	rs.base = base;
	rs.pid_fd = pid_fd;
	rs.ctl_lock_fd = ctl_lock_fd;
}

void
restart_args(int argc, char *const argv[])
{
	int i;

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
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - since->tv_sec) * 1000 +
	    (uint64_t)((now.tv_nsec - since->tv_nsec) / 1000000);
}

static void
exit_now(evutil_socket_t fd, short what, void *arg)
{
	log_info("graceful restart: exiting, pid %ld has taken over",
	    (long)rs.newpid);
	/* systemd's main process names its successor; separated, that is
	 * our parent, which does it when we exit (priv.c). */
	if (!priv_active())
		(void)optlib_sd_main_pid((long)rs.newpid);
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
		    "graceful restart: pid %ld has taken over in %llu ms "
		    "(sockets unread for %llu ms)",
		    (long)rs.newpid,
		    (unsigned long long)elapsed_ms(&rs.started),
		    (unsigned long long)elapsed_ms(&rs.froze));
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
	if (rs.frozen) {
		tunnels_freeze(0);
		control_pause(0);
	}
	rs.frozen = 0;
	rs.busy = 0;
	answer(0, text);
}

static int handover_send(char *err, size_t errlen);

/* "loaded": freeze and send everything; -1 with err (thawed). */
static int
on_loaded(char *err, size_t errlen)
{
	struct timeval tv = { RESTART_READY_TIMEOUT_S, 0 };

	clock_gettime(CLOCK_MONOTONIC, &rs.froze);
	tunnels_freeze(1);
	control_pause(1);
	rs.frozen = 1;
	if (handover_send(err, errlen) == -1)
		return -1;
	/* Now the time-out counts from the freeze. */
	if (event_add(rs.ev_ready, &tv) == -1) {
		snprintf(err, errlen, "cannot watch the new process");
		return -1;
	}
	return 0;
}

static void
on_ready(evutil_socket_t fd, short what, void *arg)
{
	char err[RESTART_MSG_MAX];
	ssize_t n;

	if (what & EV_TIMEOUT) {
		finish(0,
		    rs.frozen ? "the new process was not ready within "
				"10 s of the freeze"
			      : "the new process did not load its "
				"configuration within 60 s");
		return;
	}
	n = recv(fd, rs.msg, sizeof(rs.msg) - 1, MSG_DONTWAIT);
	/* A new process that exits with our state unread resets the pair:
	 * the error comes first, what it said before still waits. */
	if (n == -1 && errno == ECONNRESET)
		n = recv(fd, rs.msg, sizeof(rs.msg) - 1, MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		finish(0,
		    "the new process exited before it was ready (see "
		    "its log)");
		return;
	}
	rs.msg[n] = '\0';
	rs.msg[strcspn(rs.msg, "\n")] = '\0';
	if (!rs.frozen && strcmp(rs.msg, "loaded") == 0) {
		if (on_loaded(err, sizeof(err)) == -1)
			finish(0, err);
	} else if (rs.frozen && strncmp(rs.msg, "ready ", 6) == 0) {
		rs.newpid = (pid_t)strtol(rs.msg + 6, NULL, 10);
		finish(1, NULL);
	} else
		finish(0,
		    strncmp(rs.msg, "error: ", 7) == 0 ? rs.msg + 7 : rs.msg);
}

static void
fd_inherit(int fd, int on)
{
	int fl;

	if (fd < 0 || (fl = fcntl(fd, F_GETFD)) == -1)
		return;
	(void)fcntl(fd, F_SETFD, on ? fl & ~FD_CLOEXEC : fl | FD_CLOEXEC);
}

/* A memfd of cap bytes, mapped (pages cost only once written); its
 * descriptor, or -1 with err. */
static int
memfd_map(size_t cap, void **map, char *err, size_t errlen)
{
	int fd;

	if ((fd = memfd_create("l2tpv3d-handover", MFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return -1;
	}
	if (ftruncate(fd, (off_t)cap) == -1 ||
	    (*map = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0)) == MAP_FAILED) {
		snprintf(err, errlen, "state: %s", strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Unmapped and cut to the len bytes written (rc 0), or closed (rc -1):
 * the descriptor, or -1 with err. */
static int
memfd_done(
    int fd, void *map, size_t cap, size_t len, int rc, char *err, size_t errlen)
{
	(void)munmap(map, cap);
	if (rc == 0 && ftruncate(fd, (off_t)len) == -1) {
		snprintf(err, errlen, "state: %s", strerror(errno));
		rc = -1;
	}
	if (rc == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The state in a memfd, encoded straight into it (mapped); -1 with
 * err. */
static int
state_write(const struct ho_state *st, char *err, size_t errlen)
{
	size_t cap = ho_encode_bound(st), len = 0;
	void *map;
	int fd, rc;

	if ((fd = memfd_map(cap, &map, err, errlen)) == -1)
		return -1;
	if ((rc = ho_encode_to(st, map, cap, &len)) == -1)
		snprintf(err, errlen, "state: larger than its bound");
	return memfd_done(fd, map, cap, len, rc, err, errlen);
}

/* systemd names the process it watches in WATCHDOG_PID: when that is
 * the process we are forked from, the one we become takes its place
 * (it pings for the service once it is the main process). */
static void
watchdog_pid_follow(void)
{
	const char *v = getenv("WATCHDOG_PID");
	char pid[24];

	if (v == NULL || strtol(v, NULL, 10) != (long)getppid())
		return;
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	(void)setenv("WATCHDOG_PID", pid, 1);
}

static void __attribute__((noreturn)) child_exec(int sock)
{
	char arg[32], msg[RESTART_MSG_MAX];
	char *argv[RESTART_ARGS_MAX + 4];
	int i, n;

	fd_inherit(sock, 1);
	watchdog_pid_follow();
	snprintf(arg, sizeof(arg), "%d", sock);
	argv[0] = rs.exe;
	for (i = 1; i < rs.argc; i++)
		argv[i] = rs.argv[i];
	argv[i++] = "--handover";
	argv[i++] = arg;
	argv[i] = NULL;
	execv(rs.exe, argv);
	n = snprintf(
	    msg, sizeof(msg), "error: exec %s: %s\n", rs.exe, strerror(errno));
	(void)!send(sock, msg, (size_t)n, MSG_NOSIGNAL);
	_exit(127);
}

union fd_cmsg {
	struct cmsghdr h;
	char buf[CMSG_SPACE(RESTART_FDS_PER_MSG * sizeof(int))];
};

/* n descriptors, RESTART_FDS_PER_MSG a message, each saying how many
 * there are in all; -1 with errno. */
static int
fds_send(int sock, const int *fds, size_t n)
{
	union fd_cmsg cm;
	struct cmsghdr *c;
	struct msghdr mh;
	struct iovec iov;
	char head[32];
	size_t off = 0, k;

	snprintf(head, sizeof(head), "state %zu", n);
	while (off < n) {
		k = n - off > RESTART_FDS_PER_MSG ? RESTART_FDS_PER_MSG
						  : n - off;
		iov.iov_base = head;
		iov.iov_len = strlen(head);
		memset(&mh, 0, sizeof(mh));
		memset(&cm, 0, sizeof(cm));
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.buf;
		mh.msg_controllen = CMSG_SPACE(k * sizeof(int));
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(k * sizeof(int));
		memcpy(CMSG_DATA(c), fds + off, k * sizeof(int));
		if (sendmsg(sock, &mh, MSG_NOSIGNAL) == -1)
			return -1;
		off += k;
	}
	return 0;
}

/* A state to fill: the version, no descriptor yet. */
static void
state_init(struct ho_state *st)
{
	const char *v;

	memset(st, 0, sizeof(*st));
	st->version = HO_VERSION;
	if ((v = getenv(RESTART_VERSION_ENV)) != NULL)
		st->version = (uint32_t)strtoul(v, NULL, 10);
	st->pid_fd = st->ctl_lock_fd = st->metrics_fd = -1;
}

/* st in a memfd and the descriptors it names, over the pair; -1 with
 * err.  *t_state: ms from the freeze when the memfd was written. */
static int
state_send(struct ho_state *st, uint64_t *t_state, char *err, size_t errlen)
{
	int32_t **ptrs = NULL;
	int *fds = NULL, ret = -1, state_fd;
	size_t i, nfds;

	if ((state_fd = state_write(st, err, errlen)) == -1)
		return -1;
	*t_state = elapsed_ms(&rs.froze);
	nfds = ho_state_fds(st, NULL, 0);
	ptrs = calloc(nfds + 1, sizeof(*ptrs));
	fds = calloc(nfds + 1, sizeof(*fds));
	if (ptrs == NULL || fds == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	(void)ho_state_fds(st, ptrs, nfds);
	fds[0] = state_fd;
	for (i = 0; i < nfds; i++)
		fds[i + 1] = *ptrs[i];
	if (fds_send(rs.ready_fd, fds, nfds + 1) == -1) {
		snprintf(
		    err, errlen, "passing the sockets: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(ptrs);
	free(fds);
	close(state_fd);
	return ret;
}

/*
 * What does not change while the new process loads (a reload waits for
 * the restart): the locks, the control and metrics sockets, the
 * listeners.  Sent at once, so that the new process sets up its tunnels
 * before it says "loaded"; a state version it cannot read is refused
 * before anything freezes.
 */
static int
handover_send_base(char *err, size_t errlen)
{
	struct ho_state st;
	const char *paths[HO_CTL_MAX];
	int cfds[HO_CTL_MAX], ret;
	uint64_t t;
	size_t i;

	state_init(&st);
	st.pid_fd = rs.pid_fd;
	st.ctl_lock_fd = rs.ctl_lock_fd;
	st.metrics_fd = metrics_http_fd();
	st.nctl = control_sockets(paths, cfds, HO_CTL_MAX);
	for (i = 0; i < st.nctl; i++) {
		snprintf(
		    st.ctl[i].path, sizeof(st.ctl[i].path), "%s", paths[i]);
		st.ctl[i].fd = cfds[i];
	}
	ret = tunnels_handover_listeners(&st, err, errlen);
	if (ret == 0)
		ret = state_send(&st, &t, err, errlen);
	ho_state_free(&st);
	return ret;
}

/*
 * The connections and their sockets (frozen already); -1 with err.
 * Streamed: the memfd is sized from counts, and each connection is
 * exported into one reused struct and encoded into it at once (its
 * queued messages pointed at, not copied), its socket collected in the
 * same pass; no whole state is built.
 */
static int
handover_send(char *err, size_t errlen)
{
	struct ho_state head;
	struct ho_writer w;
	size_t cap, ntunnels, nfds = 0, len = 0;
	uint64_t t_state;
	int32_t *fds;
	void *map;
	int rc, sfd;

	state_init(&head);
	cap = ho_head_bound(&head) + tunnels_handover_bound(&ntunnels);
	if ((fds = calloc(ntunnels + 1, sizeof(*fds))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if ((sfd = memfd_map(cap, &map, err, errlen)) == -1) {
		free(fds);
		return -1;
	}
	ho_write_begin(&w, map, cap, &head);
	rc = tunnels_handover_export(&w, fds + 1, ntunnels, &nfds, err, errlen);
	if (rc == 0 && (rc = ho_write_end(&w, &len)) == -1)
		snprintf(err, errlen, "state: larger than its bound");
	if ((sfd = memfd_done(sfd, map, cap, len, rc, err, errlen)) == -1) {
		free(fds);
		return -1;
	}
	t_state = elapsed_ms(&rs.froze);
	fds[0] = sfd;
	rc = fds_send(rs.ready_fd, fds, nfds + 1);
	if (rc == -1)
		snprintf(
		    err, errlen, "passing the sockets: %s", strerror(errno));
	else
		log_info("graceful restart: %zu connection%s (%zu "
			 "unacknowledged message%s, %zu bytes) passed on %llu "
			 "ms after the freeze (exported and written %llu ms)",
		    w.ntunnels, w.ntunnels == 1 ? "" : "s", w.in_flight,
		    w.in_flight == 1 ? "" : "s", len,
		    (unsigned long long)elapsed_ms(&rs.froze),
		    (unsigned long long)t_state);
	close(sfd);
	free(fds);
	return rc;
}

/* The base state to the new process just started; if that fails it is
 * called off (killed, or the pair closed). */
static int
handover_base_or_stop(char *err, size_t errlen)
{
	if (handover_send_base(err, errlen) == 0)
		return 0;
	if (rs.child > 0)
		(void)kill(rs.child, SIGKILL);
	close(rs.ready_fd);
	rs.ready_fd = -1;
	return -1;
}

/* Fork and exec the new process with one end of a socket pair; -1 with
 * err.  Nothing is frozen yet. */
static int
handover_start(char *err, size_t errlen)
{
	struct timeval snd = { 5, 0 };
	int p[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) == -1) {
		snprintf(err, errlen, "socketpair: %s", strerror(errno));
		return -1;
	}
	/* A new process that stops reading must not hold us frozen. */
	(void)setsockopt(p[0], SOL_SOCKET, SO_SNDTIMEO, &snd, sizeof(snd));
	rs.ready_fd = p[0];
	if (priv_active()) {
		/* Separated: the root parent executes the new binary (a new
		 * parent and engine); we cannot signal it, closing the pair
		 * is how we call it off. */
		rs.child = 0;
		if (priv_restart(p[1], err, errlen) == -1) {
			close(p[0]);
			close(p[1]);
			rs.ready_fd = -1;
			return -1;
		}
		close(p[1]);
		log_info("graceful restart: the privileged parent executes "
			 "%s",
		    rs.exe);
		return handover_base_or_stop(err, errlen);
	}
	switch (rs.child = fork()) {
	case -1:
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		rs.ready_fd = -1;
		return -1;
	case 0:
		close(p[0]);
		child_exec(p[1]);
	}
	close(p[1]);
	log_info("graceful restart: pid %ld (%s) loads its configuration",
	    (long)rs.child, rs.exe);
	return handover_base_or_stop(err, errlen);
}

int
restart_graceful(char *err, size_t errlen)
{
	struct timeval tv = { RESTART_LOAD_TIMEOUT_S, 0 };

	if (rs.busy) {
		snprintf(err, errlen, "a graceful restart is under way");
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &rs.started);
	rs.froze = rs.started;
	rs.frozen = 0;
	if (handover_start(err, errlen) == -1)
		return -1;
	rs.ev_ready = event_new(
	    rs.base, rs.ready_fd, EV_READ | EV_PERSIST, on_ready, NULL);
	if (rs.ev_ready == NULL || event_add(rs.ev_ready, &tv) == -1) {
		/* Without the pair watched there is no telling: stop it. */
		(void)kill(rs.child, SIGKILL);
		if (rs.ev_ready != NULL)
			event_free(rs.ev_ready);
		rs.ev_ready = NULL;
		close(rs.ready_fd);
		rs.ready_fd = -1;
		snprintf(err, errlen, "cannot watch the new process");
		return -1;
	}
	rs.busy = 1;
	return 0;
}

pid_t
restart_exec(int sock)
{
	sigset_t none;
	pid_t pid;

	if ((pid = fork()) == -1) {
		log_warn("graceful restart: fork");
		return 0;
	}
	if (pid == 0) {
		/* The parent's loop blocks its signals (signalfd): the new
		 * process must not start with them blocked. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		child_exec(sock);
	}
	log_info("graceful restart: pid %ld (%s) loads its configuration",
	    (long)pid, rs.exe);
	rs.child = pid;
	return pid;
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
	if (rs.handover_ready_fd != -1) {
		(void)!send(rs.handover_ready_fd, msg, (size_t)n, MSG_NOSIGNAL);
		/* What it sent and we did not read would reset the pair at
		 * our exit, ahead of the error: read it (and let the exit
		 * close the descriptors). */
		while (recv(rs.handover_ready_fd, msg, sizeof(msg),
			   MSG_DONTWAIT | MSG_CMSG_CLOEXEC) > 0)
			;
	}
	/* Nothing of ours to undo; what we inherited is the old one's. */
	_exit(1);
}

void
restart_handover_begin(const char *arg)
{
	char *end;
	long fd;

	fd = strtol(arg, &end, 10);
	if (end == arg || *end != '\0' || fd < 0 || fd > INT_MAX) {
		fprintf(stderr, "l2tpv3d: --handover FD\n");
		exit(1);
	}
	rs.handover_ready_fd = (int)fd;
	fd_inherit((int)fd, 0);
}

/* Append the descriptors of one message to fds (want in all). */
static size_t
fds_take(struct msghdr *mh, int *fds, size_t got, size_t want)
{
	struct cmsghdr *c;
	size_t k;

	for (c = CMSG_FIRSTHDR(mh); c != NULL; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (k > want - got)
			restart_handover_fail(
			    "more descriptors than announced");
		memcpy(fds + got, CMSG_DATA(c), k * sizeof(int));
		got += k;
	}
	return got;
}

/* Every descriptor the old process sends, in its order (close-on-exec
 * set); their number in *n. */
static int *
fds_recv(int sock, size_t *n)
{
	union fd_cmsg cm;
	struct msghdr mh;
	struct iovec iov;
	char head[32];
	size_t want = 0, got = 0, total;
	int *fds = NULL;
	ssize_t r;

	do {
		memset(&mh, 0, sizeof(mh));
		iov.iov_base = head;
		iov.iov_len = sizeof(head) - 1;
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		if ((r = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) <= 0)
			restart_handover_fail("the old process gave up");
		if (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
			restart_handover_fail("descriptors lost in passing "
					      "(open file limit?)");
		head[r] = '\0';
		if (sscanf(head, "state %zu", &total) != 1 || total == 0 ||
		    total > HO_FDS_MAX || (fds != NULL && total != want))
			restart_handover_fail("a bad hand-over message");
		if (fds == NULL) {
			want = total;
			if ((fds = calloc(want, sizeof(*fds))) == NULL)
				restart_handover_fail("out of memory");
		}
		got = fds_take(&mh, fds, got, want);
	} while (got < want);
	*n = want;
	return fds;
}

/* The memfd's bytes, mapped (not copied; its size in *size); the
 * memfd is closed. */
static void *
state_map(int sfd, size_t *size)
{
	struct stat sb;
	void *map;

	if (fstat(sfd, &sb) == -1 || sb.st_size <= 0 ||
	    (map = mmap(NULL, (size_t)sb.st_size, PROT_READ,
		 MAP_PRIVATE | MAP_POPULATE, sfd, 0)) == MAP_FAILED)
		restart_handover_fail("cannot read the state");
	close(sfd);
	*size = (size_t)sb.st_size;
	return map;
}

/* The memfd's bytes decoded into st; the memfd is closed. */
static void
state_read(int sfd, struct ho_state *st)
{
	char err[RESTART_MSG_MAX];
	size_t size;
	void *map;
	int rc;

	map = state_map(sfd, &size);
	rc = ho_decode(map, size, st, err, sizeof(err));
	(void)munmap(map, size);
	if (rc == -1)
		restart_handover_fail("%s", err);
}

/* A state and its descriptors from the old process: ours in their
 * place. */
static void
state_recv(struct ho_state *st)
{
	int32_t **ptrs;
	size_t i, n, m;
	int *fds;

	fds = fds_recv(rs.handover_ready_fd, &n);
	state_read(fds[0], st);
	/* The state names the old one's numbers: put ours in their place. */
	m = ho_state_fds(st, NULL, 0);
	if (m != n - 1)
		restart_handover_fail("the state names %zu descriptors, %zu "
				      "were passed",
		    m, n - 1);
	if ((ptrs = calloc(m + 1, sizeof(*ptrs))) == NULL)
		restart_handover_fail("out of memory");
	(void)ho_state_fds(st, ptrs, m);
	for (i = 0; i < m; i++)
		*ptrs[i] = fds[i + 1];
	free(ptrs);
	free(fds);
}

void
restart_handover_base(struct ho_state *st)
{
	state_recv(st);
}

/*
 * "loaded", then the connections: each decoded from the mapped memfd
 * into one reused struct and imported at once (no whole state built),
 * its socket the next one passed.  Any failure is restart_handover_fail.
 */
void
restart_handover_load(void)
{
	char err[RESTART_MSG_MAX];
	struct ho_reader rd;
	struct ho_state head;
	size_t n, size;
	int *fds;
	void *map;

	clock_gettime(CLOCK_MONOTONIC, &rs.loaded);
	if (send(rs.handover_ready_fd, "loaded\n", 7, MSG_NOSIGNAL) != 7)
		restart_handover_fail("the old process went away");
	fds = fds_recv(rs.handover_ready_fd, &n);
	map = state_map(fds[0], &size);
	if (ho_read_begin(&rd, map, size, &head, err, sizeof(err)) == -1)
		restart_handover_fail("%s", err);
	/* Only tunnels' sockets: the rest came with the base state. */
	if (ho_state_fds(&head, NULL, 0) != 0)
		restart_handover_fail("the connections' state names other "
				      "descriptors");
	ho_read_fds(&rd, fds + 1, n - 1);
	restart_handover_mark("received");
	if (tunnels_handover_import(&rd, err, sizeof(err)) == -1)
		restart_handover_fail("%s", err);
	restart_handover_mark("imported");
	ho_read_free(&rd);
	ho_state_free(&head);
	(void)munmap(map, size);
	free(fds);
}

void
restart_handover_mark(const char *step)
{
	size_t len = strlen(rs.marks);

	if (rs.handover_ready_fd == -1)
		return;
	snprintf(rs.marks + len, sizeof(rs.marks) - len, "%s%s %llu ms",
	    len > 0 ? ", " : "", step,
	    (unsigned long long)elapsed_ms(&rs.loaded));
}

void
restart_handover_ready(void)
{
	char msg[32];
	int n;

	if (rs.handover_ready_fd == -1)
		return;
	restart_handover_mark("ready");
	/* Where the frozen time went, from our side. */
	log_info("graceful restart: since loaded: %s", rs.marks);
	n = snprintf(msg, sizeof(msg), "ready %ld\n", priv_main_pid());
	(void)!send(rs.handover_ready_fd, msg, (size_t)n, MSG_NOSIGNAL);
	restart_handover_close();
}

void
restart_handover_close(void)
{
	if (rs.handover_ready_fd == -1)
		return;
	close(rs.handover_ready_fd);
	rs.handover_ready_fd = -1;
}

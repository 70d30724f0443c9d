/*
 * Least privilege: see priv.h and docs/security.md ("On the host").
 *
 * The parent is a plain poll loop over a signalfd and two SOCK_SEQPACKET
 * socketpairs (one message per request, never split or merged):
 *
 *   main channel  engine -> parent  PRIV_SCRIPT (no answer)
 *                                   PRIV_NOTIFY (no answer)
 *                                   PRIV_RELOAD -> answer + memfd
 *                                   PRIV_RESTART + socket (no answer)
 *   save channel  engine -> parent  PRIV_SAVE + memfd -> answer
 *
 * The save channel is used only by conf_save's thread, the main one only
 * by the event loop, so an answer is never read by the wrong reader.
 * Every request has a fixed size and every string in it must be
 * NUL-terminated within its field; anything else ends the engine (a
 * request that does not parse comes from a compromised engine).  The
 * parent trusts no path from the engine: a script must be one of those
 * its own copy of the configuration names, and it saves and reloads
 * only the file it was started with.
 */
#include <config.h>

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cap-ng.h>

#include "daemon/conf_save.h"
#include "daemon/log.h"
#include "daemon/optlib.h"
#include "daemon/priv.h"
#include "daemon/transport.h"

/* restart.c's part, from main() (priv_set_restart_ops()). */
static const struct priv_restart_ops *restart_ops;

#define PRIV_SCRIPT 1
#define PRIV_RELOAD 2
#define PRIV_SAVE 3
#define PRIV_NOTIFY 4
/* Graceful restart: the parent executes the new binary (restart.c),
 * which talks to the engine over the socket passed. */
#define PRIV_RESTART 5

#define PRIV_ENV_MAX 24
#define PRIV_ENV_LEN 160
#define PRIV_MSG_LEN 512
/* A configuration larger than this is not saved (the loader's own
 * limit is lower). */
#define PRIV_TEXT_MAX (64u << 20)

/* Every request has this size; PRIV_SCRIPT uses the fields, PRIV_NOTIFY
 * only path (the notification's text). */
struct priv_req {
	uint32_t type;
	char path[CONF_PATH_MAX];
	char action[8];
	uint32_t nenv;
	char env[PRIV_ENV_MAX][PRIV_ENV_LEN];
};

struct priv_answer {
	int32_t status; /* 0 or -1 */
	char msg[PRIV_MSG_LEN];
};

struct priv_user {
	char name[CONF_NAME_MAX];
	uid_t uid;
	gid_t gid;
};

static struct {
	int separate; /* priv_setup() chose a parent and a child */
	int active; /* in the child, after priv_fork() */
	int verbose;
	struct priv_user user;
	struct priv_user script; /* uid 0: root */
	char conf_path[PATH_MAX];
	pid_t parent;
	int chan; /* engine side of the main channel */
	int save_chan;
} priv = { .chan = -1, .save_chan = -1 };

int
priv_active(void)
{
	return priv.active;
}

uid_t
priv_engine_uid(void)
{
	return priv.separate ? priv.user.uid : geteuid();
}

long
priv_main_pid(void)
{
	return priv.active ? (long)priv.parent : (long)getpid();
}

/* --- files we trust ------------------------------------------------- */

static int
owner_ok(const struct stat *st)
{
	return st->st_uid == 0 || st->st_uid == geteuid();
}

int
priv_file_ok(const char *path, const char *what, char *err, size_t len)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (stat(path, &st) == -1) {
		snprintf(err, len, "%s %s: %s", what, path, strerror(errno));
		return -1;
	}
	if (!owner_ok(&st) || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
		snprintf(err, len,
		    "%s %s: refused: it must be owned by root and not "
		    "writable by group or others (owner uid %ld, mode %04o)",
		    what, path, (long)st.st_uid, st.st_mode & 07777);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir ? 1 : 0] = '\0';
	if (stat(dir, &st) == -1) {
		snprintf(err, len, "%s %s: %s", what, dir, strerror(errno));
		return -1;
	}
	/* Whoever may write the directory may replace the file; a sticky
	 * directory (/tmp) lets nobody else replace ours. */
	if (!owner_ok(&st) ||
	    ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
		(st.st_mode & S_ISVTX) == 0)) {
		snprintf(err, len,
		    "%s %s: refused: its directory %s must be owned by root "
		    "and not writable by group or others (mode %04o)",
		    what, path, dir, st.st_mode & 07777);
		return -1;
	}
	return 0;
}

int
priv_scripts_ok(const struct daemon_conf *conf, char *err, size_t len)
{
	const struct tunnel_conf *t;
	const struct session_conf *s;

	TAILQ_FOREACH(t, &conf->tunnels, entry)
		TAILQ_FOREACH(s, &t->sessions, entry) {
			if (s->up_script != NULL &&
			    priv_file_ok(s->up_script, "up-script", err, len) ==
				-1)
				return -1;
			if (s->down_script != NULL &&
			    priv_file_ok(
				s->down_script, "down-script", err, len) == -1)
				return -1;
		}
	return 0;
}

/* --- who we become -------------------------------------------------- */

static int
lookup_user(const char *name, struct priv_user *u)
{
	struct passwd *pw;

	if ((pw = getpwnam(name)) == NULL)
		return -1;
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int
priv_setup(const struct daemon_conf *conf, const char *conf_path,
    const char *user_opt, int verbose, char *err, size_t len)
{
	const char *name = user_opt;
	const char *sname =
	    conf->script_user[0] != '\0' ? conf->script_user : "root";

	if (name == NULL && conf->user[0] != '\0')
		name = conf->user;
	priv.verbose = verbose;
	if (lookup_user(sname, &priv.script) == -1) {
		snprintf(err, len, "script-user %s does not exist", sname);
		return -1;
	}
	if (name == NULL && lookup_user(CONF_USER_DEFAULT, &priv.user) == -1) {
		if (geteuid() == 0)
			log_warnx("user %s does not exist: running as root "
				  "(create it, or set user = \"root\" to say "
				  "so; see l2tpv3d.conf(5))",
			    CONF_USER_DEFAULT);
		return 0;
	}
	if (name != NULL && lookup_user(name, &priv.user) == -1) {
		snprintf(err, len, "user %s does not exist", name);
		return -1;
	}
	if (geteuid() != 0) {
		if (priv.user.uid != geteuid())
			log_info("not started as root: staying uid %ld",
			    (long)geteuid());
		return 0;
	}
	if (priv.user.uid == 0) {
		log_warnx("running as root (user = %s)", priv.user.name);
		return 0;
	}
	if (strlen(conf_path) >= sizeof(priv.conf_path) ||
	    (conf_path[0] != '/' &&
		realpath(conf_path, priv.conf_path) == NULL)) {
		snprintf(err, len, "%s: cannot resolve its path", conf_path);
		return -1;
	}
	if (conf_path[0] == '/')
		snprintf(
		    priv.conf_path, sizeof(priv.conf_path), "%s", conf_path);
	priv.separate = 1;
	return 0;
}

/* --- the parent ----------------------------------------------------- */

struct parent {
	pid_t engine;
	struct daemon_conf *conf; /* its own copy: the scripts it trusts */
	const char *pid_path;
	const char *const *sockets; /* the control sockets' paths */
	int chan, save_chan, sigfd;
	pid_t restart; /* the new process of a graceful restart */
};

static int
send_fd_msg(int sock, const void *buf, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { (void *)(uintptr_t)buf, len };
	struct msghdr mh;
	ssize_t n;

	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd != -1) {
		memset(&cm, 0, sizeof(cm));
		mh.msg_control = cm.buf;
		mh.msg_controllen = sizeof(cm.buf);
		CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), &fd, sizeof(int));
	}
	while ((n = sendmsg(sock, &mh, MSG_NOSIGNAL)) == -1 && errno == EINTR)
		;
	return n == (ssize_t)len ? 0 : -1;
}

/* One message of exactly len bytes (and at most one fd, else -1 in
 * *fd).  1, 0 at EOF, -1 for anything malformed. */
static int
recv_fd_msg(int sock, void *buf, size_t len, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { buf, len };
	struct cmsghdr *c;
	struct msghdr mh;
	ssize_t n;

	*fd = -1;
	memset(&mh, 0, sizeof(mh));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.buf;
	mh.msg_controllen = sizeof(cm.buf);
	while (
	    (n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) == -1 && errno == EINTR)
		;
	if (n == 0)
		return 0;
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)) && *fd == -1)
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	if (n != (ssize_t)len || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (*fd != -1)
			close(*fd);
		*fd = -1;
		return -1;
	}
	return 1;
}

static int
field_ok(const char *s, size_t len)
{
	return memchr(s, '\0', len) != NULL;
}

static int
script_known(const struct daemon_conf *conf, const char *path)
{
	const struct tunnel_conf *t;
	const struct session_conf *s;

	TAILQ_FOREACH(t, &conf->tunnels, entry)
		TAILQ_FOREACH(s, &t->sessions, entry) {
			if ((s->up_script != NULL &&
				strcmp(s->up_script, path) == 0) ||
			    (s->down_script != NULL &&
				strcmp(s->down_script, path) == 0))
				return 1;
		}
	return 0;
}

/* Every script of candidate is one the parent's configuration names. */
static int
scripts_known(const struct daemon_conf *have,
    const struct daemon_conf *candidate, char *err, size_t len)
{
	const struct tunnel_conf *t;
	const struct session_conf *s;

	TAILQ_FOREACH(t, &candidate->tunnels, entry)
		TAILQ_FOREACH(s, &t->sessions, entry) {
			if (s->up_script != NULL &&
			    !script_known(have, s->up_script)) {
				snprintf(err, len,
				    "%% up-script %s is not in %s",
				    s->up_script, have->path);
				return -1;
			}
			if (s->down_script != NULL &&
			    !script_known(have, s->down_script)) {
				snprintf(err, len,
				    "%% down-script %s is not in %s",
				    s->down_script, have->path);
				return -1;
			}
		}
	return 0;
}

static void __attribute__((noreturn)) script_exec(const struct priv_req *r)
{
	char *argv[3], *envp[PRIV_ENV_MAX + 2];
	sigset_t none;
	uint32_t i, n = 0;
	int fd;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	if ((fd = open("/dev/null", O_RDONLY)) != -1) {
		dup2(fd, STDIN_FILENO);
		if (fd != STDIN_FILENO)
			close(fd);
	}
	if (priv.script.uid != 0 &&
	    (setgroups(0, NULL) == -1 || setgid(priv.script.gid) == -1 ||
		setuid(priv.script.uid) == -1))
		_exit(126);
	envp[n++] = (char *)(uintptr_t) "PATH=/usr/local/sbin:/usr/local/bin:"
					"/usr/sbin:/usr/bin:/sbin:/bin";
	for (i = 0; i < r->nenv; i++)
		envp[n++] = (char *)(uintptr_t)r->env[i];
	envp[n] = NULL;
	argv[0] = (char *)(uintptr_t)r->path;
	argv[1] = (char *)(uintptr_t)r->action;
	argv[2] = NULL;
	execve(r->path, argv, envp);
	_exit(127);
}

int
priv_env_ok(const char *e)
{
	const char *p;

	if (strncmp(e, "L2TP_", 5) != 0)
		return 0;
	for (p = e + 5; *p != '='; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			*p == '_'))
			return 0;
	return 1;
}

/* One line of a service notification the engine may send. */
static int
notify_line_ok(const char *l, size_t n)
{
	static const char *const fixed[] = { "READY=1", "RELOADING=1",
		"STOPPING=1", "WATCHDOG=1" };
	size_t i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (n == strlen(fixed[i]) && memcmp(l, fixed[i], n) == 0)
			return 1;
	return n > 7 && memcmp(l, "STATUS=", 7) == 0;
}

/*
 * systemd takes notifications only from the main process (the parent,
 * here) unless told NotifyAccess=all: the engine's come through the
 * parent, which passes on only the assignments service.c sends.
 */
static int
parent_notify(const struct priv_req *r)
{
	const char *l, *e;
	int rc = 0;

	if (!field_ok(r->path, sizeof(r->path)) || r->path[0] == '\0')
		return -1;
	for (l = r->path; *l != '\0'; l = *e == '\0' ? e : e + 1) {
		e = strchr(l, '\n');
		if (e == NULL)
			e = l + strlen(l);
		if (!notify_line_ok(l, (size_t)(e - l)))
			return -1;
	}
	rc = optlib_sd_notify(r->path);
	if (rc < 0)
		log_debug("privileged parent: sd_notify: %s", strerror(-rc));
	return 0;
}

static int
parent_script(struct parent *p, const struct priv_req *r)
{
	char err[PATH_MAX + 160];
	uint32_t i;
	pid_t pid;

	if (!field_ok(r->path, sizeof(r->path)) ||
	    !field_ok(r->action, sizeof(r->action)) || r->nenv > PRIV_ENV_MAX ||
	    (strcmp(r->action, "up") != 0 && strcmp(r->action, "down") != 0))
		return -1;
	for (i = 0; i < r->nenv; i++)
		if (!field_ok(r->env[i], PRIV_ENV_LEN) ||
		    !priv_env_ok(r->env[i]))
			return -1;
	if (!script_known(p->conf, r->path)) {
		log_warnx("privileged parent: refused to run %s: not a script "
			  "of %s",
		    r->path, p->conf->path);
		return 0;
	}
	if (priv_file_ok(r->path, "script", err, sizeof(err)) == -1) {
		log_warnx("privileged parent: %s", err);
		return 0;
	}
	if ((pid = fork()) == -1) {
		log_warn("privileged parent: %s-script %s", r->action, r->path);
		return 0;
	}
	if (pid == 0)
		script_exec(r);
	log_info("%s-script %s started as %s (pid %ld)", r->action, r->path,
	    priv.script.name, (long)pid);
	return 0;
}

/*
 * A copy of the file in a memfd: the engine may not open the file
 * itself (root's, 0600 or 0640), and may reopen a memfd through
 * /proc/self/fd as config_load() does.
 */
static int
file_copy(const char *path, char *err, size_t len)
{
	char buf[16384];
	ssize_t n = 0;
	int in, out;

	if ((in = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, len, "%.300s: %s", path, strerror(errno));
		return -1;
	}
	if ((out = memfd_create("l2tpv3d-conf", MFD_CLOEXEC)) == -1) {
		snprintf(err, len, "memfd: %s", strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			n = -1;
			break;
		}
	close(in);
	if (n == -1) {
		snprintf(err, len, "%.300s: %s", path, strerror(errno));
		close(out);
		return -1;
	}
	return out;
}

/* The configuration file as a sealed memfd, checked as at start. */
static int
parent_reload(struct parent *p, struct priv_answer *a)
{
	struct daemon_conf *nc;
	char err[PRIV_MSG_LEN];
	int fd;

	if (priv_file_ok(priv.conf_path, "configuration file", a->msg,
		sizeof(a->msg)) == -1)
		return -1;
	if ((nc = config_load(priv.conf_path, a->msg, sizeof(a->msg))) == NULL)
		return -1;
	if (priv_scripts_ok(nc, err, sizeof(err)) == -1) {
		snprintf(a->msg, sizeof(a->msg), "%s", err);
		config_free(nc);
		return -1;
	}
	if ((fd = file_copy(priv.conf_path, a->msg, sizeof(a->msg))) == -1) {
		config_free(nc);
		return -1;
	}
	config_free(p->conf);
	p->conf = nc;
	return fd;
}

/* The text in a memfd the engine filled: sealed first, so it cannot
 * change between the check and the write.  NULL on failure. */
static char *
sealed_text(int fd, char *err, size_t len)
{
	const int seals =
	    F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	struct stat st;
	size_t done = 0;
	ssize_t n;
	char *text;

	if (fcntl(fd, F_ADD_SEALS, seals) == -1 ||
	    (fcntl(fd, F_GET_SEALS) & seals) != seals || fstat(fd, &st) == -1 ||
	    st.st_size < 0 || (uint64_t)st.st_size > PRIV_TEXT_MAX) {
		snprintf(err, len, "%% write memory: bad request");
		return NULL;
	}
	if ((text = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, len, "%% write memory: %s", strerror(errno));
		return NULL;
	}
	while (done < (size_t)st.st_size &&
	    (n = pread(
		 fd, text + done, (size_t)st.st_size - done, (off_t)done)) > 0)
		done += (size_t)n;
	text[done] = '\0';
	if (done != (size_t)st.st_size || strlen(text) != done) {
		snprintf(err, len, "%% write memory: bad request");
		free(text);
		return NULL;
	}
	return text;
}

static void
parent_save(struct parent *p, int fd, struct priv_answer *a)
{
	struct daemon_conf *nc;
	char path[64], msg[PRIV_MSG_LEN];
	char *text;

	a->status = -1;
	if ((text = sealed_text(fd, a->msg, sizeof(a->msg))) == NULL)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((nc = config_load(path, msg, sizeof(msg))) == NULL) {
		snprintf(
		    a->msg, sizeof(a->msg), "%% write memory: %.400s", msg);
		free(text);
		return;
	}
	if (scripts_known(p->conf, nc, a->msg, sizeof(a->msg)) == 0 &&
	    conf_save_file(priv.conf_path, text, a->msg, sizeof(a->msg)) == 0)
		a->status = 0;
	config_free(nc);
	free(text);
}

/* A request on the main channel.  0, or -1: malformed, end the engine. */
static int
parent_main_request(struct parent *p)
{
	static struct priv_req r;
	struct priv_answer a;
	int fd, rc, out;

	if ((rc = recv_fd_msg(p->chan, &r, sizeof(r), &fd)) == 0) {
		close(p->chan);
		p->chan = -1;
		return 0;
	}
	if (rc == 1 && r.type == PRIV_RESTART && fd != -1 &&
	    restart_ops != NULL) {
		/* Its outcome reaches the engine over that socket. */
		p->restart = restart_ops->exec(fd);
		close(fd);
		return 0;
	}
	if (rc == -1 || fd != -1) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (r.type == PRIV_SCRIPT)
		return parent_script(p, &r);
	if (r.type == PRIV_NOTIFY)
		return parent_notify(&r);
	if (r.type != PRIV_RELOAD)
		return -1;
	memset(&a, 0, sizeof(a));
	out = parent_reload(p, &a);
	a.status = out == -1 ? -1 : 0;
	(void)send_fd_msg(p->chan, &a, sizeof(a), out);
	if (out != -1)
		close(out);
	return 0;
}

/* A request on the save channel (conf_save's thread). */
static int
parent_save_request(struct parent *p)
{
	static struct priv_req r;
	struct priv_answer a;
	int fd, rc;

	if ((rc = recv_fd_msg(p->save_chan, &r, sizeof(r), &fd)) == 0) {
		close(p->save_chan);
		p->save_chan = -1;
		return 0;
	}
	if (rc == -1 || fd == -1 || r.type != PRIV_SAVE) {
		if (fd != -1)
			close(fd);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	parent_save(p, fd, &a);
	close(fd);
	(void)send_fd_msg(p->save_chan, &a, sizeof(a), -1);
	return 0;
}

static void
remove_pidfile(const char *path)
{
	char buf[32];
	ssize_t n;
	int fd;

	if (path == NULL || (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		if (strtol(buf, NULL, 10) == (long)getpid())
			(void)unlink(path);
	}
}

/* The engine may not unlink its control sockets (root's directory):
 * the parent does, unless something answers there now. */
static void
remove_sockets(const char *const *paths)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd, alive;

	for (; paths != NULL && *paths != NULL; paths++) {
		if (lstat(*paths, &st) == -1 || !S_ISSOCK(st.st_mode) ||
		    strlen(*paths) >= sizeof(sun.sun_path))
			continue;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, *paths, strlen(*paths));
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
			continue;
		alive = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
		close(fd);
		if (!alive)
			(void)unlink(*paths);
	}
}

static void __attribute__((noreturn)) parent_exit(struct parent *p, int status)
{
	int code = 1;

	/* Down-scripts asked for at the engine's exit still run. */
	while (p->chan != -1 && parent_main_request(p) == 0)
		;
	if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else if (WIFSIGNALED(status)) {
		log_warnx("the protocol engine was killed by signal %d%s",
		    WTERMSIG(status),
		    WTERMSIG(status) == SIGSYS
			? " (a system call outside the seccomp filter; "
			  "run with -d to see which)"
			: "");
		code = 128 + WTERMSIG(status);
	}
	/* An engine that exits 0 while the process it had us execute runs
	 * has handed over (a failed restart abandons that process first,
	 * and SIGTERM waits for the restart): as systemd's main process we
	 * name the new parent, and wait until systemd has taken it. */
	if (code == 0 && p->restart > 0 && kill(p->restart, 0) == 0)
		(void)optlib_sd_main_pid((long)p->restart);
	/* A pid file left behind tells the next start that this run did
	 * not end cleanly. */
	if (code == 0)
		remove_pidfile(p->pid_path);
	remove_sockets(p->sockets);
	exit(code);
}

static void
parent_reap(struct parent *p)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == p->engine)
			parent_exit(p, status);
		if (pid == p->restart) {
			/* It stays the new parent if it takes over. */
			p->restart = 0;
			(void)restart_ops->child_exited(pid, status);
			continue;
		}
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			log_debug("script (pid %ld) exited", (long)pid);
		else if (WIFEXITED(status))
			log_warnx("script (pid %ld) exited with status %d",
			    (long)pid, WEXITSTATUS(status));
		else if (WIFSIGNALED(status))
			log_warnx("script (pid %ld) killed by signal %d",
			    (long)pid, WTERMSIG(status));
	}
}

static void
parent_signal(struct parent *p)
{
	struct signalfd_siginfo si;

	while (read(p->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			parent_reap(p);
		else
			(void)kill(p->engine, (int)si.ssi_signo);
	}
}

static void __attribute__((noreturn)) parent_loop(struct parent *p)
{
	struct pollfd pfd[3];
	int n;

	for (;;) {
		pfd[0] = (struct pollfd){ p->sigfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ p->chan, POLLIN, 0 };
		pfd[2] = (struct pollfd){ p->save_chan, POLLIN, 0 };
		/* Started by a graceful restart: held notifications go
		 * once the old parent is gone (optlib.h). */
		if ((n = poll(pfd, 3,
			 optlib_sd_gate_poll() ? OPTLIB_GATE_POLL_MS : -1)) ==
			-1 &&
		    errno != EINTR)
			fatal("privileged parent: poll");
		if (n <= 0)
			continue;
		if (pfd[0].revents & POLLIN)
			parent_signal(p);
		if ((pfd[1].revents & (POLLIN | POLLHUP)) &&
		    parent_main_request(p) == -1) {
			log_warnx("privileged parent: malformed request: "
				  "ending the protocol engine");
			(void)kill(p->engine, SIGKILL);
		}
		if ((pfd[2].revents & (POLLIN | POLLHUP)) &&
		    parent_save_request(p) == -1) {
			log_warnx("privileged parent: malformed request: "
				  "ending the protocol engine");
			(void)kill(p->engine, SIGKILL);
		}
	}
}

void
priv_set_restart_ops(const struct priv_restart_ops *ops)
{
	restart_ops = ops;
}

void
priv_fork(const char *pid_path, const char *const *sockets)
{
	struct parent p;
	char err[PRIV_MSG_LEN];
	int main_sv[2], save_sv[2];
	sigset_t set;
	pid_t pid;

	if (!priv.separate)
		return;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, main_sv) ==
		-1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, save_sv) ==
		-1)
		fatal("privilege separation: socketpair");
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Graceful restart: the engine says it cannot (restart.c). */
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGCHLD);
	/* Blocked before the fork: a signal cannot fall between. */
	sigprocmask(SIG_BLOCK, &set, NULL);
	if ((pid = fork()) == -1)
		fatal("privilege separation: fork");
	if (pid == 0) {
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		/* Our parent dies: so do we, at once.  A parent killed with
		 * -9 is a crashed daemon; an engine lingering on (holding
		 * the pid file's lock and the port) would keep its restart
		 * out, and it can run no script nor save anything alone. */
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* A terminal's ^C reaches the parent only, which passes it
		 * on once: a second SIGINT would mean "stop waiting". */
		(void)setpgid(0, 0);
		close(main_sv[0]);
		close(save_sv[0]);
		priv.parent = getppid();
		priv.chan = main_sv[1];
		priv.save_chan = save_sv[1];
		priv.active = 1;
		conf_save_set_writer(priv_save);
		return;
	}
	close(main_sv[1]);
	close(save_sv[1]);
	/* A graceful restart's socket is the engine's alone: held here, the
	 * old process would not see the engine's end. */
	if (restart_ops != NULL)
		restart_ops->handover_close();
	memset(&p, 0, sizeof(p));
	p.engine = pid;
	p.pid_path = pid_path;
	p.sockets = sockets;
	p.chan = main_sv[0];
	p.save_chan = save_sv[0];
	if ((p.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK)) == -1)
		fatal("privileged parent: signalfd");
	if ((p.conf = config_load(priv.conf_path, err, sizeof(err))) == NULL)
		fatalx("privileged parent: %s", err);
	log_info("privilege separation: parent %ld (root), protocol engine "
		 "%ld (%s)",
	    (long)getpid(), (long)pid, priv.user.name);
	parent_loop(&p);
}

/* --- the engine's side ---------------------------------------------- */

void
priv_run_script(const char *path, const char *action, char *const envp[])
{
	static struct priv_req r;
	size_t i;

	memset(&r, 0, sizeof(r));
	r.type = PRIV_SCRIPT;
	snprintf(r.path, sizeof(r.path), "%s", path);
	snprintf(r.action, sizeof(r.action), "%s", action);
	for (i = 0; envp[i] != NULL && r.nenv < PRIV_ENV_MAX; i++)
		if (priv_env_ok(envp[i]))
			snprintf(r.env[r.nenv++], PRIV_ENV_LEN, "%s", envp[i]);
	if (send_fd_msg(priv.chan, &r, sizeof(r), -1) == -1)
		log_warn("%s-script %s: privileged parent", action, path);
	else
		log_info("%s-script %s: asked the privileged parent to run it",
		    action, path);
}

int
priv_notify(const char *msg)
{
	static struct priv_req r;

	if (!priv.active)
		return -1;
	memset(&r, 0, sizeof(r));
	r.type = PRIV_NOTIFY;
	if (strlen(msg) >= sizeof(r.path))
		return -1;
	memcpy(r.path, msg, strlen(msg));
	if (send_fd_msg(priv.chan, &r, sizeof(r), -1) == -1)
		log_debug("service notification: privileged parent: %s",
		    strerror(errno));
	return 0;
}

int
priv_restart(int sock, char *err, size_t len)
{
	static struct priv_req r;

	memset(&r, 0, sizeof(r));
	r.type = PRIV_RESTART;
	if (send_fd_msg(priv.chan, &r, sizeof(r), sock) == -1) {
		snprintf(err, len, "privileged parent: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* A request and its answer (and fd) on chan.  0 or -1 (err filled). */
static int
ask(int chan, uint32_t type, int fd_out, int *fd_in, char *err, size_t len)
{
	static struct priv_req r;
	struct priv_answer a;
	int fd;

	memset(&r, 0, sizeof(r));
	r.type = type;
	if (send_fd_msg(chan, &r, sizeof(r), fd_out) == -1 ||
	    recv_fd_msg(chan, &a, sizeof(a), &fd) != 1) {
		snprintf(err, len, "privileged parent: %s", strerror(errno));
		return -1;
	}
	a.msg[sizeof(a.msg) - 1] = '\0';
	if (a.status != 0) {
		snprintf(err, len, "%s", a.msg);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (fd_in != NULL)
		*fd_in = fd;
	else if (fd != -1)
		close(fd);
	return 0;
}

int
priv_reload_open(const char *path, int *fd, char *err, size_t len)
{
	*fd = -1;
	if (!priv.active)
		return 0;
	if (ask(priv.chan, PRIV_RELOAD, -1, fd, err, len) == -1)
		return -1;
	if (*fd == -1) {
		snprintf(err, len, "privileged parent: no file");
		return -1;
	}
	return 0;
}

struct daemon_conf *
priv_reload_load(const char *path, int fd, char *err, size_t len)
{
	struct daemon_conf *nc;
	char fdpath[64];

	if (fd == -1) {
		if (priv_file_ok(path, "configuration file", err, len) == -1 ||
		    (nc = config_load(path, err, len)) == NULL)
			return NULL;
		if (priv_scripts_ok(nc, err, len) == -1) {
			config_free(nc);
			return NULL;
		}
		return nc;
	}
	/* The parent opened it for us: we may not. */
	snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
	nc = config_load(fdpath, err, len);
	close(fd);
	if (nc != NULL)
		snprintf(nc->path, sizeof(nc->path), "%s", path);
	return nc;
}

int
priv_save(const char *path, const char *text, char *err, size_t len)
{
	size_t n = strlen(text), done = 0;
	ssize_t w;
	int fd, rc;

	fd = memfd_create("l2tpv3d-save", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd == -1) {
		snprintf(err, len, "%% write memory: %s", strerror(errno));
		return -1;
	}
	while (done < n && (w = write(fd, text + done, n - done)) > 0)
		done += (size_t)w;
	if (done != n) {
		snprintf(err, len, "%% write memory: %s", strerror(errno));
		close(fd);
		return -1;
	}
	rc = ask(priv.save_chan, PRIV_SAVE, fd, NULL, err, len);
	close(fd);
	return rc;
}

/* --- dropping ------------------------------------------------------- */

/* Ports below this need CAP_NET_BIND_SERVICE (1024 unless changed). */
static unsigned int
unprivileged_port_start(void)
{
	unsigned int v = 1024;
	FILE *fp;

	if ((fp = fopen("/proc/sys/net/ipv4/ip_unprivileged_port_start",
		 "re")) != NULL) {
		if (fscanf(fp, "%u", &v) != 1)
			v = 1024;
		fclose(fp);
	}
	return v;
}

/*
 * The tunnels bind a socket of their own when they start (after the
 * drop), on the listening port or their local-port: a port below the
 * unprivileged start needs CAP_NET_BIND_SERVICE.  IP encapsulation
 * without the kernel's l2tp_ip falls back to raw sockets: CAP_NET_RAW.
 */
static void
needed_caps(const struct daemon_conf *conf, int *bind, int *raw)
{
	const struct tunnel_conf *t;
	unsigned int low = unprivileged_port_start(), port;
	size_t i;

	*bind = conf->port < low;
	*raw = 0;
	for (i = 0; i < conf->nlisten; i++)
		if ((port = addr_port(&conf->listen[i])) != 0 && port < low)
			*bind = 1;
	TAILQ_FOREACH(t, &conf->tunnels, entry) {
		if (t->encap == L2TP_ENCAP_IP)
			*raw = 1;
		else if ((port = addr_port(&t->local)) != 0 && port < low)
			*bind = 1;
	}
}

static void
drop_user(const struct daemon_conf *conf, int dataplane)
{
	int bind, raw;

	needed_caps(conf, &bind, &raw);
	capng_clear(CAPNG_SELECT_BOTH);
	if (dataplane)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_NET_ADMIN);
	if (raw)
		capng_update(
		    CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_RAW);
	if (bind)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
		    CAP_NET_BIND_SERVICE);
	if (capng_change_id((int)priv.user.uid, (int)priv.user.gid,
		CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING) != 0)
		fatalx(
		    "cannot become user %s (capng_change_id)", priv.user.name);
	if (getuid() != priv.user.uid || geteuid() != priv.user.uid ||
	    setuid(0) != -1)
		fatalx("still root after dropping to %s", priv.user.name);
	log_info("running as %s with%s%s%s%s", priv.user.name,
	    dataplane ? " CAP_NET_ADMIN" : "", raw ? " CAP_NET_RAW" : "",
	    bind ? " CAP_NET_BIND_SERVICE" : "",
	    dataplane || raw || bind ? "" : " no capabilities");
}

void
priv_drop(const struct daemon_conf *conf, int dataplane)
{
	if (!priv.active)
		return;
	drop_user(conf, dataplane);
	/* Changing the uid cleared the parent-death signal: set it again,
	 * and go if the parent is gone already. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		fatal("PR_SET_PDEATHSIG");
	if (getppid() != priv.parent)
		fatalx("the privileged parent is gone");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		fatal("PR_SET_NO_NEW_PRIVS");
	if (priv_seccomp(priv.verbose > 0) == -1)
		fatalx("cannot load the seccomp filter");
}

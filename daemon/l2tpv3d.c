/*
 * l2tpv3d: an L2TPv3 (RFC 3931) control-plane daemon.
 *
 * main() parses the command line and the configuration, daemonises,
 * opens the sockets and runs the libevent loop.  SIGTERM/SIGINT close
 * every control connection with StopCCN and wait (bounded) for the
 * acknowledgements; SIGHUP reloads the configuration; SIGUSR2 hands
 * everything to a freshly executed binary (restart.c).  Started with
 * --handover (by that hand-over, never by hand), it takes the previous
 * process's sockets and state instead of opening its own.
 */
#include <config.h>

#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "daemon/conf_diff.h"
#include "daemon/conf_load.h"
#include "daemon/conf_save.h"
#include "daemon/control.h"
#include "daemon/handover.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/optlib.h"
#include "daemon/priv.h"
#include "daemon/pw.h"
#include "daemon/restart.h"
#include "daemon/service.h"
#include "daemon/tunnel.h"

#define L2TPV3D_CONF SYSCONFDIR "/l2tpv3d/l2tpv3d.conf"
#define L2TPV3D_PIDFILE RUNSTATEDIR "/l2tpv3d/l2tpv3d.pid"
/* How long shutdown waits for StopCCNs to be acknowledged. */
#define SHUTDOWN_WAIT_MS 3000

struct daemon {
	struct event_base *base;
	const char *conf_path;
	const char *sock_path;
	const char *ro_sock_path; /* -R: `show` commands only */
	const char *group; /* -G; NULL: "l2tp" if it exists */
	const char *user; /* -u; NULL: the configuration's */
	/* The configuration's values, copied: a reload frees the config. */
	char conf_group[CONF_NAME_MAX];
	char conf_ro_sock[108];
	char conf_ro_group[CONF_NAME_MAX];
	struct control_sock_opts rw, ro;
	const char *pid_path;
	int pid_fd; /* locked for our lifetime, or -1 */
	int pid_written;
	int stopping;
};

static void __attribute__((noreturn)) usage(void)
{
	fprintf(stderr,
	    "usage: l2tpv3d [-dfn] [-c file] [-S socket] [-R read-only-socket]\n"
	    "               [-G group] [-p pidfile] [-u user]\n");
	exit(1);
}

/* The configuration's control-group and control-socket-readonly, unless
 * -G or -R said otherwise.  The default group stays optional (NULL). */
static void
control_options(struct daemon *d, const struct daemon_conf *conf)
{
	if (d->group == NULL &&
	    strcmp(conf->control_group, CONTROL_GROUP_DEFAULT) != 0) {
		snprintf(d->conf_group, sizeof(d->conf_group), "%s",
		    conf->control_group);
		d->group = d->conf_group;
	}
	if (d->ro_sock_path == NULL && conf->control_socket_ro[0] != '\0') {
		snprintf(d->conf_ro_sock, sizeof(d->conf_ro_sock), "%s",
		    conf->control_socket_ro);
		d->ro_sock_path = d->conf_ro_sock;
	}
	d->rw = (struct control_sock_opts){ d->group, 0660, 0,
		(int)conf->control_max_clients,
		(int)conf->control_idle_timeout };
	d->ro = (struct control_sock_opts){ d->group,
		(unsigned int)conf->control_ro_mode, 1,
		(int)conf->control_ro_max_clients,
		(int)conf->control_idle_timeout };
	if (conf->control_ro_group[0] != '\0') {
		snprintf(d->conf_ro_group, sizeof(d->conf_ro_group), "%s",
		    conf->control_ro_group);
		d->ro.group = d->conf_ro_group;
	}
}

static void
raise_fd_limit(void)
{
	struct rlimit rl;

	/* A socket per tunnel: 10 000 tunnels need the hard limit. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/*
 * Parsing a large configuration (libconfuse keeps a node per option per
 * section) leaves the heap several times larger than what stays in use,
 * and glibc keeps freed pages resident: 10 000 tunnels would hold ~120
 * MB where ~35 MB is live.  Hand the freed pages back once the parse is
 * over (see docs/performance.md).
 */
static void
release_parser_memory(void)
{
#if defined(__GLIBC__)
	(void)malloc_trim(0);
#endif
}

/*
 * glibc gives the free memory at the top of the heap back to the system
 * once there is more than M_TRIM_THRESHOLD (128 KiB) of it -- until a
 * block large enough to have a mapping of its own is freed: then it
 * raises that threshold to twice the block's size (up to 64 MiB).  The
 * configuration load frees such blocks of several MB (the file alone:
 * up to 16 MiB), after which the bursts of temporary memory that
 * follow, at the top of the heap (messages queued for thousands of new
 * sessions, large `show` answers), stayed resident: 160 bytes per
 * session (docs/performance.md).  Setting the thresholds turns that
 * adjustment off; the values are glibc's defaults.
 */
static void
fix_malloc_thresholds(void)
{
#if defined(__GLIBC__)
	(void)mallopt(M_TRIM_THRESHOLD, 128 * 1024);
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
}

/* Scripts run as children; their exits are logged here. */
static void
on_sigchld(evutil_socket_t sig, short what, void *arg)
{
	pid_t pid;
	int status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (!restart_child_exited(pid, status))
			pw_child_exited(pid, status);
}

static void
shutdown_done(void *arg)
{
	struct daemon *d = arg;

	event_base_loopexit(d->base, NULL);
}

/* What the privileged parent does for a graceful restart. */
static const struct priv_restart_ops restart_parent_ops = {
	restart_exec,
	restart_child_exited,
	restart_handover_close,
};

static void
on_sigterm(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	if (restart_busy()) {
		log_warnx("a graceful restart is under way: %s ignored",
		    sig == SIGINT ? "SIGINT" : "SIGTERM");
		return;
	}
	if (d->stopping) {
		/* A second signal: stop waiting for acknowledgements. */
		event_base_loopexit(d->base, NULL);
		return;
	}
	d->stopping = 1;
	service_stopping();
	log_info("received %s, closing every control connection",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	tunnels_shutdown(SHUTDOWN_WAIT_MS, shutdown_done, d);
}

static void
on_sigusr2(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	char err[512];

	if (d->stopping)
		return;
	log_info("received SIGUSR2: graceful restart");
	if (restart_graceful(err, sizeof(err)) == -1)
		log_warnx("graceful restart: %s", err);
}

/* The new process of a graceful restart: what the old one passed. */
static void
handover_inherit(const struct ho_state *st)
{
	size_t i;

	for (i = 0; i < st->nlisteners; i++)
		(void)tp_inherit(&st->listeners[i].addr,
		    (enum l2tp_encap)st->listeners[i].encap,
		    (enum tp_kind)st->listeners[i].kind, st->listeners[i].fd);
	for (i = 0; i < st->nctl; i++)
		(void)control_inherit(st->ctl[i].path, st->ctl[i].fd);
	metrics_http_inherit(st->metrics_fd);
}

/*
 * A reload: the file is opened on the loop (the privileged parent may
 * be asked), parsed and validated on conf_load.c's worker, applied on
 * the loop.
 */
struct reload_job {
	char path[CONF_PATH_MAX];
	int fd;
	struct daemon_conf *nc;
	char err[512];
	struct sbuf what; /* conf_diff()'s */
};

static void
reload_work(void *arg)
{
	struct reload_job *j = arg;

	j->nc = priv_reload_load(j->path, j->fd, j->err, sizeof(j->err));
	if (j->nc != NULL)
		(void)conf_diff(tunnels_conf(), j->nc, NULL, &j->what);
}

static void
reload_done(void *arg)
{
	struct reload_job *j = arg;
	struct timespec t0, t1;

	if (j->nc == NULL)
		log_warnx(
		    "reload failed, keeping the running configuration: %s",
		    j->err);
	else {
		log_info("reloading %s", j->path);
		log_set_facility(j->nc->log_facility);
		conf_apply(j->nc, j->what.s);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		release_parser_memory();
		clock_gettime(CLOCK_MONOTONIC, &t1);
		log_info("reload: memory given back in %.1f ms",
		    (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	sbuf_free(&j->what);
	free(j);
	service_reloaded();
}

static void
on_sighup(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;
	struct reload_job *j;

	if (d->stopping || restart_busy())
		return;
	service_reloading();
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		log_warnx("reload: out of memory");
		service_reloaded();
		return;
	}
	snprintf(j->path, sizeof(j->path), "%s", d->conf_path);
	sbuf_init(&j->what);
	if (priv_reload_open(j->path, &j->fd, j->err, sizeof(j->err)) == -1 ||
	    conf_load_queue(d->base, reload_work, reload_done, j) == -1) {
		if (j->fd != -1)
			close(j->fd);
		log_warnx(
		    "reload failed, keeping the running configuration: %s",
		    j->err[0] != '\0' ? j->err : "out of memory");
		free(j);
		service_reloaded();
	}
}

/*
 * Under systemd, standard error is a stream to the journal
 * ($JOURNAL_STREAM names it): log through syslog(3) instead, which the
 * journal also receives, so that each line keeps its priority and the
 * configured facility and carries no second timestamp.
 */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(STDERR_FILENO, &st) == -1)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino;
}

/*
 * One daemon per pid file and per control socket: each is locked
 * (flock, held until exit, inherited across daemon()) before any socket
 * is opened, so a second instance stops with a clear message instead of
 * taking the control socket or the peers over.  The control socket's
 * lock is a file beside it, since a socket cannot be locked.  Returns
 * the locked descriptor; exits when another process holds the lock.
 */
#define LOCK_TRIES 40 /* of 50 ms */

static int
lock_file(const char *path, const char *what)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	char buf[32];
	ssize_t n;
	int fd, tries;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd == -1) {
		fprintf(stderr, "l2tpv3d: %s %s: %s\n", what, path,
		    strerror(errno));
		exit(1);
	}
	/* A daemon killed a moment ago may still be exiting (its protocol
	 * engine dies with it, but not at once): give it 2 s. */
	for (tries = 0; flock(fd, LOCK_EX | LOCK_NB) == -1 &&
	     errno == EWOULDBLOCK && tries < LOCK_TRIES;
	     tries++)
		(void)nanosleep(&pause, NULL);
	if (tries == LOCK_TRIES) {
		n = pread(fd, buf, sizeof(buf) - 1, 0);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		fprintf(stderr,
		    "l2tpv3d: another l2tpv3d%s%s%s is running with %s %s\n",
		    buf[0] ? " (pid " : "", buf, buf[0] ? ")" : "", what, path);
		exit(1);
	}
	return fd;
}

static void
mkdir_of(const char *path)
{
	char *dir, *slash;

	if ((dir = strdup(path)) != NULL) {
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			(void)mkdir(dir, 0755);
		}
		free(dir);
	}
}

static void
lock_instance(struct daemon *d, int pidfile, int *ctl_fd)
{
	char path[PATH_MAX];

	d->pid_fd = -1;
	if (pidfile) {
		mkdir_of(d->pid_path);
		d->pid_fd = lock_file(d->pid_path, "pid file");
	}
	if ((size_t)snprintf(path, sizeof(path), "%s.lock", d->sock_path) <
	    sizeof(path))
		*ctl_fd = lock_file(path, "control socket");
}

static void
write_pidfile(struct daemon *d)
{
	char buf[32];
	int n;

	if (d->pid_fd == -1)
		return;
	/* Separated, the parent's: it stays root, removes the file at a
	 * clean exit, and passes signals on to the engine. */
	n = snprintf(buf, sizeof(buf), "%ld\n", priv_main_pid());
	if (ftruncate(d->pid_fd, 0) == -1 ||
	    pwrite(d->pid_fd, buf, (size_t)n, 0) != n) {
		log_warn("pid file %s", d->pid_path);
		return;
	}
	d->pid_written = 1;
}

static struct event *
add_signal(struct daemon *d, int sig, event_callback_fn cb)
{
	struct event *ev = evsignal_new(d->base, sig, cb, d);

	if (ev == NULL || event_add(ev, NULL) == -1)
		fatalx("cannot watch signal %d", sig);
	return ev;
}

int
main(int argc, char *argv[])
{
	struct daemon d;
	struct daemon_conf *conf;
	struct event *sigs[5];
	static const struct option longopts[] = {
		{ "handover", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct ho_state st;
	const char *handover = NULL;
	const char *socks[3];
	char err[512];
	int ch, foreground = 0, verbose = 0, check = 0, pid_opt = 0;
	int ctl_lock = -1, unclean;
	size_t i;

	fix_malloc_thresholds();
	memset(&d, 0, sizeof(d));
	d.conf_path = L2TPV3D_CONF;
	d.sock_path = CONTROL_SOCKET_DEFAULT;
	d.pid_path = L2TPV3D_PIDFILE;
	memset(&st, 0, sizeof(st));
	while ((ch = getopt_long(
		    argc, argv, "c:dfG:np:R:S:u:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'H':
			handover = optarg;
			break;
		case 'c':
			d.conf_path = optarg;
			break;
		case 'd':
			verbose++;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'p':
			d.pid_path = optarg;
			pid_opt = 1;
			break;
		case 'S':
			d.sock_path = optarg;
			break;
		case 'R':
			d.ro_sock_path = optarg;
			break;
		case 'G':
			d.group = optarg;
			break;
		case 'u':
			d.user = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	log_init(1, verbose, "l2tpv3d");
	if (handover != NULL)
		restart_handover_begin(handover);
	if ((conf = config_load(d.conf_path, err, sizeof(err))) == NULL) {
		if (handover != NULL)
			restart_handover_fail("%s", err);
		fprintf(stderr, "l2tpv3d: %s\n", err);
		return 1;
	}
	if (check) {
		config_print(conf, stdout);
		config_free(conf);
		return 0;
	}
	metrics_init();
	log_set_facility(conf->log_facility);
	if (priv_file_ok(d.conf_path, "configuration file", err, sizeof(err)) ==
		-1 ||
	    priv_scripts_ok(conf, err, sizeof(err)) == -1 ||
	    priv_setup(conf, d.conf_path, d.user, verbose, err, sizeof(err)) ==
		-1) {
		if (handover != NULL)
			restart_handover_fail("%s", err);
		fprintf(stderr, "l2tpv3d: %s\n", err);
		return 1;
	}
	tp_set_owner(priv_engine_uid());
	/* Our pid file outlives only a run that did not end cleanly (it is
	 * created when locked: look first). */
	unclean = handover == NULL && (!foreground || pid_opt) &&
	    access(d.pid_path, F_OK) == 0;
	/* Before the fork: the parent and the engine hold the locks (in a
	 * graceful restart the engine receives the ones passed, still
	 * locked, below). */
	if (handover == NULL)
		lock_instance(&d, !foreground || pid_opt, &ctl_lock);
	if (handover != NULL) {
		/* Detached already, by the first process. */
		if (!foreground)
			log_init(0, verbose, "l2tpv3d");
	} else if (!foreground) {
		if (daemon(0, 0) == -1)
			fatal("daemon");
		log_init(0, verbose, "l2tpv3d");
	} else if (stderr_is_journal())
		log_init(0, verbose, "l2tpv3d");
	control_options(&d, conf);
	socks[0] = d.sock_path;
	socks[1] = d.ro_sock_path;
	socks[2] = NULL;
	/* Both processes notify systemd (the parent for the engine). */
	optlib_systemd_open();
	if (handover != NULL)
		optlib_sd_hold_until_parent_exits();
	/* Before anything is opened: the parent holds no socket. */
	restart_args(argc, argv);
	priv_set_restart_ops(&restart_parent_ops);
	priv_fork(d.pid_path, socks);
	/* The old process's locks and listening sockets (to the engine,
	 * when separated). */
	if (handover != NULL) {
		restart_handover_base(&st);
		d.pid_fd = st.pid_fd;
		ctl_lock = st.ctl_lock_fd;
	}
	signal(SIGPIPE, SIG_IGN);
	raise_fd_limit();
	conf_save_clean_stale(d.conf_path);
	if ((d.base = event_base_new()) == NULL)
		fatalx("cannot create the event loop");
	/* Three priorities, everything in the middle one but the SCCRQ
	 * listeners (transport.c), which wait while tunnels, timers and
	 * the control socket have work: a flood of SCCRQs must not delay
	 * a hello's acknowledgement. */
	if (event_base_priority_init(d.base, 3) == -1)
		log_warnx("cannot set event priorities");
	sigs[0] = add_signal(&d, SIGTERM, on_sigterm);
	sigs[1] = add_signal(&d, SIGINT, on_sigterm);
	sigs[2] = add_signal(&d, SIGHUP, on_sighup);
	sigs[3] = add_signal(&d, SIGCHLD, on_sigchld);
	sigs[4] = add_signal(&d, SIGUSR2, on_sigusr2);
	restart_init(d.base, d.pid_fd, ctl_lock);
	handover_inherit(&st);
	/* Before the tunnels: static ones are created at start. */
	pw_init(d.base, conf);
	if (tunnels_init(d.base, conf) == -1)
		fatalx("cannot start: no usable listening socket");
	/* Loaded and set up: only now does the old process freeze and
	 * pass its connections. */
	if (handover != NULL)
		restart_handover_load();
	if (unclean)
		tunnels_recover();
	/* Handing over, the sockets go unread until we are ready: this
	 * waits until then. */
	if (handover == NULL)
		release_parser_memory();
	control_set_dispatch(control_dispatch, control_cli_gone);
	if (control_listen_opts(d.base, d.sock_path, &d.rw) == -1)
		fatalx("cannot open the control socket %s", d.sock_path);
	if (d.ro_sock_path != NULL &&
	    control_listen_opts(d.base, d.ro_sock_path, &d.ro) == -1)
		fatalx("cannot open the control socket %s", d.ro_sock_path);
	/* What the previous process had and we no longer use. */
	tp_inherited_close();
	control_inherited_close();
	if (metrics_http_start(d.base, tunnels_conf()) == -1)
		fatalx("cannot serve metrics-listen");
	write_pidfile(&d);
	priv_drop(tunnels_conf(), pw_active());
	log_info("l2tpv3d %s started%s", PACKAGE_VERSION,
	    handover != NULL ? " (graceful restart)" : "");
	ho_state_free(&st);
	restart_handover_ready();
	if (handover != NULL)
		release_parser_memory();
	service_init(d.base);

	event_base_dispatch(d.base);

	metrics_http_stop();
	service_free();
	control_shutdown();
	conf_load_shutdown();
	conf_save_shutdown();
	tunnels_free();
	pw_free();
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		event_free(sigs[i]);
	event_base_free(d.base);
	/* Separated, the parent removes it: it is root's. */
	if (d.pid_written && !priv_active())
		(void)unlink(d.pid_path);
	if (d.pid_fd != -1)
		close(d.pid_fd);
	if (ctl_lock != -1)
		close(ctl_lock);
	log_info("l2tpv3d exiting");
	return 0;
}

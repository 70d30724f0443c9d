/*
 * Least privilege (docs/security.md, "On the host").
 *
 * Started as root with an unprivileged `user`, l2tpv3d forks before it
 * opens anything: the parent keeps root, reads no network input and
 * only serves the child's requests over two socketpairs with fixed
 * message formats (run an up/down script that its own configuration
 * names, as script-user; write the configuration file for `write
 * memory`; read it again for a reload).  The child, the protocol
 * engine, opens its sockets, then drops to the user with only the
 * capabilities it needs, NoNewPrivs and a seccomp filter.
 *
 * Started as root with user = root (or the default user l2tp missing),
 * or started by another user, there is one process and nothing is
 * dropped; scripts are run by the daemon itself.
 */
#ifndef L2TP_DAEMON_PRIV_H
#define L2TP_DAEMON_PRIV_H

#include <sys/types.h>

#include <stddef.h>

#include "daemon/config.h"

/*
 * Decide who runs what: user_opt is -u (NULL: the configuration's user,
 * else CONF_USER_DEFAULT).  A named user that does not exist is an
 * error; the default one missing means running as root, with a warning.
 * 0, or -1 with err filled.
 */
int priv_setup(const struct daemon_conf *, const char *conf_path,
    const char *user_opt, int verbose, char *err, size_t len);
/*
 * Fork the privileged parent when priv_setup() chose separation.  Only
 * the child returns; the parent serves it and exits with its status,
 * removing pid_path if it holds the parent's pid and the control
 * sockets (NULL-terminated) if nothing answers there.
 */
void priv_fork(const char *pid_path, const char *const *sockets);
/*
 * The parent's part in a graceful restart (restart.c's functions),
 * handed over by main() before priv_fork() so that this file does not
 * call restart.c by name (restart.c calls this file).  Unset, the
 * parent refuses PRIV_RESTART.
 */
struct priv_restart_ops {
	pid_t (*exec)(int sock); /* run the new binary with sock */
	int (*child_exited)(pid_t, int status);
	void (*handover_close)(void); /* the engine's socket, not ours */
};
void priv_set_restart_ops(const struct priv_restart_ops *);
/* 1 in the separated child. */
int priv_active(void);
/* In the separated child: pass a service notification (sd_notify's
 * text) to the parent, the process systemd watches; 0.  -1 when not
 * separated (notify directly) or the text is too long. */
int priv_notify(const char *msg);
/* The pid that signals go to: the parent when separated. */
long priv_main_pid(void);
/* The user the protocol engine runs as once started (the caller's when
 * it does not drop privileges). */
uid_t priv_engine_uid(void);
/* In the child, once every socket is open: become the user, keep only
 * the capabilities needed (CAP_NET_ADMIN with the kernel dataplane, the
 * others as docs/security.md says), set NoNewPrivs and load the seccomp
 * filter.  Exits on failure. */
void priv_drop(const struct daemon_conf *, int dataplane);

/* A script or configuration file we may trust: owned by root (or by the
 * user we run as) and not writable by group or others, in a directory
 * of which the same holds (or that is sticky).  0, or -1 with err. */
int priv_file_ok(const char *path, const char *what, char *err, size_t len);
/* Every script of conf passes priv_file_ok().  0 or -1. */
int priv_scripts_ok(const struct daemon_conf *, char *err, size_t len);

/* 1 for an environment entry a script may get from the engine: only
 * L2TP_NAME=value, nothing that changes how it runs (LD_PRELOAD, PATH,
 * IFS...). */
int priv_env_ok(const char *);
/* Run path with argv {path, action} and envp, as script-user: through
 * the parent when separated.  Returns at once. */
void priv_run_script(const char *path, const char *action, char *const envp[]);
/* The same in two halves: the file opened (by the parent when
 * separated: *fd; else -1), on the event loop; then loaded, on any
 * thread (priv_reload_load() closes fd). */
int priv_reload_open(const char *path, int *fd, char *err, size_t len);
struct daemon_conf *
priv_reload_load(const char *path, int fd, char *err, size_t len);
/* Graceful restart separated: the parent executes the new binary with
 * sock (restart.c says the rest).  0, or -1 with err. */
int priv_restart(int sock, char *err, size_t len);
/* `write memory` through the parent (conf_save's writer). */
int priv_save(const char *path, const char *text, char *err, size_t len);

/* sandbox.c: load the engine's seccomp filter; log_denied: a denied
 * call is reported on stderr before the process dies (-d), instead of
 * only killing it.  0 or -1. */
int priv_seccomp(int log_denied);

#endif

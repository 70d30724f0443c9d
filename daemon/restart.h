/*
 * Graceful restart (docs/restart.md): the daemon hands its sockets and
 * protocol state to a freshly executed binary and exits without a
 * StopCCN or CDN; the kernel objects stay.  restart.c runs the hand-over
 * on both sides; the state's format is handover.c's, the tunnels' part
 * tunnel.c's.
 */
#ifndef L2TP_DAEMON_RESTART_H
#define L2TP_DAEMON_RESTART_H

#include <sys/types.h>

#include <event2/event.h>

struct ho_state;
struct cmd_match;

/* At start, before anything changes the current directory and before
 * the privileged parent forks: what to execute (/proc/self/exe resolved
 * now, so an upgrade in place runs the new file), with which arguments. */
void restart_args(int argc, char *const argv[]);
/* The engine's loop, and the locked pid file and control socket lock
 * (-1 for none) to pass on. */
void restart_init(struct event_base *, int pid_fd, int ctl_lock_fd);
/* The privileged parent (separated): fork and execute the new binary
 * with sock, the engine's end of the pair; its pid, or 0. */
pid_t restart_exec(int sock);
/* Start a graceful restart (SIGUSR2, `restart graceful`); 0, or -1 with
 * the reason in err when it cannot start (then nothing changed).  The
 * outcome is logged; the old process exits soon after a success. */
int restart_graceful(char *err, size_t errlen);
/* SIGCHLD: 1 when pid was the new process of a graceful restart (then
 * its exit is logged here). */
int restart_child_exited(pid_t pid, int status);
/* A hand-over is under way (then the old process must neither stop nor
 * reload: its state is no longer its own). */
int restart_busy(void);
/* `restart graceful`: answers when the new process is ready or has
 * failed. */
int cmd_restart_graceful(const struct cmd_match *, void *);

/* The new process.  arg is --handover's FD, its end of the socket pair
 * to the old process: taken at start.  restart_handover_base() reads
 * what the old process sends at once (the locks, the control, metrics
 * and listening sockets); once the configuration is loaded and the
 * tunnels are set up, restart_handover_load() says "loaded", the old
 * process freezes and sends the connections and their sockets, which
 * it imports one at a time as it decodes them (tunnels.c), with our
 * descriptor numbers (close-on-exec).  restart_handover_base() decodes
 * into st, with ours too.  On any
 * failure restart_handover_fail() tells the old process why and exits
 * without touching anything. */
void restart_handover_begin(const char *arg);
void restart_handover_base(struct ho_state *st);
void restart_handover_load(void);
void restart_handover_fail(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
/* Logged with the time since "loaded" when ready (where the frozen
 * time goes). */
void restart_handover_mark(const char *step);
/* Everything taken up: the old process may go. */
void restart_handover_ready(void);
/* The privileged parent of a new process: the pair is the engine's. */
void restart_handover_close(void);

#endif

/*
 * Loading a configuration off the event loop (issue 12: "nothing blocks
 * the loop").  A SIGHUP reload, a commit and each edit of a candidate
 * configuration parse and validate the whole file with config_load():
 * at 10 000 tunnels that takes a second.  A job's work runs on a worker
 * thread, and its done callback on the loop once the work is over; the
 * loop serves clients and timers meanwhile.  libconfuse's lexer is
 * global, so jobs run one at a time, in the order they were queued.
 */
#ifndef L2TP_DAEMON_CONF_LOAD_H
#define L2TP_DAEMON_CONF_LOAD_H

#include <event2/event.h>

#include "daemon/config.h"

/* work: on the worker thread; it may call config_load() and touch only
 * what arg owns.  done: on the loop, after work, always called once. */
typedef void conf_load_work_fn(void *arg);
typedef void conf_load_done_fn(void *arg);

/* Queue a job; 0, or -1 (out of memory: nothing was queued). */
int conf_load_queue(struct event_base *, conf_load_work_fn *work,
    conf_load_done_fn *done, void *arg);
/* At exit: wait for the running job, then run the queued ones here;
 * every done callback is called, and conf_apply() applies nothing
 * more. */
void conf_load_shutdown(void);

/*
 * Make nc the running configuration (tunnels_reload(), which takes it
 * over); what: what changes, from conf_diff(), one line each, logged.
 * Only from a job's done callback: the running configuration is then
 * never replaced while a job's work reads it (conf_diff() on the
 * worker).  At exit (conf_load_shutdown()) nc is freed instead.
 * Candidates begun from the running configuration before are stale.
 */
void conf_apply(struct daemon_conf *nc, const char *what);
/* Counts conf_apply()s. */
unsigned long conf_generation(void);

#endif

/*
 * The service manager's view of the daemon (systemd's sd_notify):
 * READY=1 once the daemon answers, STATUS= with the tunnel and session
 * counts, RELOADING=1/STOPPING=1, and WATCHDOG=1 pings.  Without
 * libsystemd, or when not started by systemd (no NOTIFY_SOCKET), every
 * call is a no-op.
 */
#ifndef L2TP_DAEMON_SERVICE_H
#define L2TP_DAEMON_SERVICE_H

#include <stddef.h>

#include <event2/event.h>

struct tunnel;
struct session;

/* Up: a control connection or call established, or a static tunnel or
 * session whose kernel object exists.  STATUS= and the metrics agree. */
int service_tunnel_up(const struct tunnel *);
int service_session_up(const struct session *);

/* Counts over every primary tunnel (a walk: not for hot paths). */
struct service_counts {
	size_t tunnels; /* configured */
	size_t tunnels_up; /* established */
	size_t sessions_up; /* calls up */
};
void service_count(struct service_counts *);

/* Starts the watchdog timer (half of WATCHDOG_USEC) and, once the loop
 * runs its first events, sends READY=1: the configuration is loaded,
 * the listeners and control sockets exist and the loop accepts. */
void service_init(struct event_base *);
void service_reloading(void);
void service_reloaded(void);
void service_stopping(void);
/* A tunnel or session changed state: STATUS= is refreshed within a
 * second (one walk per second at most, however many changes). */
void service_changed(void);
void service_free(void);

#endif

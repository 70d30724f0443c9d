/*
 * sd_notify for systemd's Type=notify (daemon/service.h).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/log.h"
#include "daemon/optlib.h"
#include "daemon/priv.h"
#include "daemon/service.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"

#define STATUS_DELAY_MS 1000

static struct {
	struct event_base *base;
	struct event *ev_ready;
	struct event *ev_status;
	struct event *ev_watchdog;
	struct event *ev_gate;
	int enabled; /* NOTIFY_SOCKET was set */
	int ready;
	char last[128]; /* the last STATUS= sent */
} svc;

int
service_tunnel_up(const struct tunnel *t)
{
	return t->state == CC_ESTABLISHED ||
	    (t->state == CC_STATIC && t->dp_up);
}

int
service_session_up(const struct session *s)
{
	return s->state == SS_ESTABLISHED ||
	    (s->state == SS_STATIC && s->dp_up);
}

void
service_count(struct service_counts *c)
{
	struct tunnel *t;
	const struct session *s;

	memset(c, 0, sizeof(*c));
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (!t->primary)
			continue;
		c->tunnels++;
		if (!service_tunnel_up(t))
			continue;
		c->tunnels_up++;
		for (s = session_first(t); s != NULL; s = session_next(s))
			c->sessions_up += service_session_up(s);
	}
}

static void
notify(const char *msg)
{
#ifdef HAVE_LIBSYSTEMD
	int rc;

	if (!svc.enabled || priv_notify(msg) == 0)
		return;
	if ((rc = optlib_sd_notify(msg)) < 0)
		log_debug("sd_notify: %s", strerror(-rc));
#else
	(void)msg;
#endif
}

/* STATUS= and, the first time, READY=1 in the same datagram. */
static void
send_status(int ready)
{
	struct service_counts c;
	char msg[sizeof(svc.last) + 16];
	char status[sizeof(svc.last)];

	service_count(&c);
	snprintf(status, sizeof(status),
	    "%zu of %zu tunnels established, %zu sessions", c.tunnels_up,
	    c.tunnels, c.sessions_up);
	if (!ready && strcmp(status, svc.last) == 0)
		return;
	memcpy(svc.last, status, sizeof(svc.last));
	snprintf(
	    msg, sizeof(msg), "%sSTATUS=%s", ready ? "READY=1\n" : "", status);
	notify(msg);
}

static void
on_ready(evutil_socket_t fd, short what, void *arg)
{
	svc.ready = 1;
	send_status(1);
}

static void
on_status(evutil_socket_t fd, short what, void *arg)
{
	send_status(0);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	notify("WATCHDOG=1");
}

/* Started by a graceful restart: what was held goes once the old
 * process has exited (optlib.h). */
static void
on_gate(evutil_socket_t fd, short what, void *arg)
{
	if (!optlib_sd_gate_poll())
		event_del(svc.ev_gate);
}

static void
gate_start(void)
{
	struct timeval tv = { 0, OPTLIB_GATE_POLL_MS * 1000 };

	/* Separated, the parent sends and holds. */
	if (priv_active() || !optlib_sd_gate_poll())
		return;
	svc.ev_gate = event_new(svc.base, -1, EV_PERSIST, on_gate, NULL);
	if (svc.ev_gate == NULL || event_add(svc.ev_gate, &tv) == -1)
		fatalx("cannot create the service notification timers");
}

#ifdef HAVE_LIBSYSTEMD
/*
 * The watchdog period systemd asks for, or 0.  Under privilege
 * separation WATCHDOG_PID names the parent, the process systemd
 * started, and the engine's pings reach systemd through it
 * (priv_notify), so that pid is the engine's parent's.
 */
static uint64_t
watchdog_usec(void)
{
	uint64_t usec = 0;
	const char *pid, *u;
	char *end;

	if (optlib_sd_watchdog_enabled(&usec) > 0)
		return usec;
	if (!priv_active() || (pid = getenv("WATCHDOG_PID")) == NULL ||
	    (u = getenv("WATCHDOG_USEC")) == NULL ||
	    strtol(pid, &end, 10) != (long)getppid() || *end != '\0')
		return 0;
	usec = strtoull(u, &end, 10);
	return *end == '\0' ? usec : 0;
}
#endif

static void
watchdog_start(void)
{
#ifdef HAVE_LIBSYSTEMD
	uint64_t usec = 0;
	struct timeval tv;

	if ((usec = watchdog_usec()) == 0)
		return;
	usec /= 2;
	tv.tv_sec = (time_t)(usec / 1000000);
	tv.tv_usec = (suseconds_t)(usec % 1000000);
	svc.ev_watchdog =
	    event_new(svc.base, -1, EV_PERSIST, on_watchdog, NULL);
	if (svc.ev_watchdog == NULL || event_add(svc.ev_watchdog, &tv) == -1)
		fatalx("cannot start the watchdog timer");
	log_debug("watchdog: a ping every %llu ms",
	    (unsigned long long)(usec / 1000));
#endif
}

static void
tunnel_changed(struct tunnel *t)
{
	(void)t;
	service_changed();
}

static void
session_changed(struct session *s)
{
	(void)s;
	service_changed();
}

/* Told of state changes as an observer (tunnel.h, session.h), so that
 * tunnel.c and session.c do not call this file by name. */
static const struct tunnel_observer tunnel_events = {
	.changed = tunnel_changed,
};
static const struct session_observer session_events = {
	.changed = session_changed,
};

void
service_init(struct event_base *base)
{
	struct timeval zero = { 0, 0 };

	tunnels_observe(&tunnel_events);
	sessions_observe(&session_events);
	memset(&svc, 0, sizeof(svc));
	svc.base = base;
#ifdef HAVE_LIBSYSTEMD
	svc.enabled = getenv("NOTIFY_SOCKET") != NULL;
#endif
	if (!svc.enabled)
		return;
	/* The first callbacks run once the loop dispatches: by then every
	 * socket is open and the control socket's accept is watched. */
	svc.ev_ready = evtimer_new(base, on_ready, NULL);
	svc.ev_status = evtimer_new(base, on_status, NULL);
	if (svc.ev_ready == NULL || svc.ev_status == NULL ||
	    evtimer_add(svc.ev_ready, &zero) == -1)
		fatalx("cannot create the service notification timers");
	watchdog_start();
	gate_start();
}

void
service_changed(void)
{
	struct timeval tv = { STATUS_DELAY_MS / 1000,
		(STATUS_DELAY_MS % 1000) * 1000 };

	if (!svc.enabled || !svc.ready || evtimer_pending(svc.ev_status, NULL))
		return;
	evtimer_add(svc.ev_status, &tv);
}

void
service_reloading(void)
{
	notify("RELOADING=1");
}

void
service_reloaded(void)
{
	if (svc.enabled && svc.ready)
		send_status(1);
}

void
service_stopping(void)
{
	notify("STOPPING=1");
}

void
service_free(void)
{
	if (svc.ev_ready != NULL)
		event_free(svc.ev_ready);
	if (svc.ev_status != NULL)
		event_free(svc.ev_status);
	if (svc.ev_watchdog != NULL)
		event_free(svc.ev_watchdog);
	if (svc.ev_gate != NULL)
		event_free(svc.ev_gate);
	memset(&svc, 0, sizeof(svc));
}

/*
 * The daemon's counters in the Prometheus text exposition format
 * (version 0.0.4): `show metrics` prints them and `metrics-listen`
 * serves them as GET /metrics (metrics_http.c).  Names follow
 * Prometheus conventions: l2tpv3d_ prefix, base units, counters end in
 * _total; per-tunnel series are labelled tunnel and peer, per-session
 * ones tunnel and session.
 */
#ifndef L2TP_DAEMON_METRICS_H
#define L2TP_DAEMON_METRICS_H

#include <event2/event.h>

#include "daemon/config.h"
#include "proto/sbuf.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Note the start time (for l2tpv3d_uptime_seconds). */
void metrics_init(void);
/* Append every metric to out.  Renders in the loop, from the live
 * objects: a walk over the tunnels per metric family. */
void metrics_render(struct sbuf *out);

/* The HTTP endpoint (libmicrohttpd), when the configuration has
 * metrics-listen: 0, or -1 (logged) when it cannot be opened or the
 * build has no libmicrohttpd. */
int metrics_http_start(struct event_base *, const struct daemon_conf *);
void metrics_http_stop(void);

#endif

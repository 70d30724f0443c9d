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
/*
 * A scrape, written in slices so that the event loop runs between them
 * (metrics.c says how): _new() copies the counters out of the tunnels
 * and sessions (NULL when out of memory); _more() appends the next
 * slice, about METRICS_SLICE bytes, and returns 1 while more follows,
 * 0 after the last one, -1 when out of memory.
 */
#define METRICS_SLICE (32 * 1024)
struct metrics_scrape;
struct metrics_scrape *metrics_scrape_new(void);
int metrics_scrape_more(struct metrics_scrape *, struct sbuf *out);
void metrics_scrape_free(struct metrics_scrape *);
/* The whole page at once (out->failed set when out of memory). */
void metrics_render(struct sbuf *out);

/* The HTTP endpoint (libmicrohttpd), when the configuration has
 * metrics-listen: 0, or -1 (logged) when it cannot be opened or the
 * build has no libmicrohttpd. */
int metrics_http_start(struct event_base *, const struct daemon_conf *);
void metrics_http_stop(void);

#endif

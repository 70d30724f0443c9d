/*
 * Logging, in the OpenBSD daemons' vocabulary: log_warn appends
 * strerror(errno), log_warnx does not; fatal/fatalx log and exit(1).
 * Messages go to stderr (foreground) or syslog, and every line is also
 * kept in a ring buffer that `show log` reads.
 */
#ifndef L2TP_DAEMON_LOG_H
#define L2TP_DAEMON_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/sbuf.h"

#define LOG_RING_LINES 1024

void log_init(int to_stderr, int verbose, const char *ident);
/* syslog's facility (LOG_DAEMON by default); takes effect at once. */
void log_set_facility(int facility);
void log_setverbose(int);
int log_getverbose(void);
void log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Debug output that is printed even when global debug is off: used for
 * per-tunnel debugging switched on at run time. */
void log_debug_forced(const char *, ...) __attribute__((format(printf, 1, 2)));
void fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void vlog(int pri, const char *, va_list);

/*
 * Rate-limited logging for what a peer can make happen at will (SCCRQs
 * from unknown addresses, refusals, control-socket refusals): one line
 * per second per reason, the reason being one static struct log_rate
 * (zeroed) per call site.  The line that passes after a quiet spell
 * says how many were suppressed before it.
 */
struct log_rate {
	uint64_t last_ms; /* monotonic time of the last line; 0: none */
	uint64_t suppressed; /* since the last line */
};
#define LOG_RATE_INTERVAL_MS 1000
/* The decision alone, on an explicit clock (tests): 1 to log, with
 * *suppressed the count to report; 0 to suppress (counted). */
int log_rate_pass(struct log_rate *, uint64_t now_ms, uint64_t *suppressed);
/* pri is a syslog priority (LOG_ERR, LOG_INFO...). */
void log_ratelimited(struct log_rate *, int pri, const char *, ...)
    __attribute__((format(printf, 3, 4)));
/* Append the last n lines of the ring (all when n == 0), oldest first. */
void log_ring_dump(struct sbuf *, size_t n);

#endif

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
/* Append the last n lines of the ring (all when n == 0), oldest first. */
void log_ring_dump(struct sbuf *, size_t n);

#endif

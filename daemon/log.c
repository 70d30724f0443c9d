/*
 * Logging with OpenBSD bgpd's semantics.  Every line that is emitted is
 * also copied into a ring of fixed-size slots, so `show log` can answer
 * from memory and the daemon's footprint does not grow with its uptime.
 *
 * Logging state is process-wide by nature (syslog itself is), hence the
 * file-scope variables; the daemon is single-threaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "daemon/log.h"

#define LOG_LINE_MAX 1024 /* one formatted message */
#define LOG_SLOT_LEN 256 /* what the ring keeps of it */

static int log_to_stderr = 1;
static int log_verbose;
static int log_facility = LOG_DAEMON;
static const char *log_ident = "l2tpv3d";

static struct {
	char slot[LOG_RING_LINES][LOG_SLOT_LEN];
	size_t next; /* slot the next line goes to */
	size_t count; /* lines held, at most LOG_RING_LINES */
} ring;

void
log_init(int to_stderr, int verbose, const char *ident)
{
	log_to_stderr = to_stderr;
	log_verbose = verbose;
	log_ident = ident;
	if (!to_stderr)
		openlog(ident, LOG_PID | LOG_NDELAY, log_facility);
	tzset();
}

void
log_set_facility(int facility)
{
	if (facility == log_facility)
		return;
	log_facility = facility;
	if (!log_to_stderr) {
		closelog();
		openlog(log_ident, LOG_PID | LOG_NDELAY, log_facility);
	}
}

void
log_setverbose(int verbose)
{
	log_verbose = verbose;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static const char *
pri_name(int pri)
{
	switch (pri) {
	case LOG_EMERG:
	case LOG_ALERT:
	case LOG_CRIT:
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

static void
ring_add(const char *stamp, int pri, const char *msg)
{
	char *slot = ring.slot[ring.next];

	/* A line longer than its slot is cut and marked as cut. */
	if (snprintf(slot, LOG_SLOT_LEN, "%s %s: %s", stamp, pri_name(pri),
		msg) >= LOG_SLOT_LEN)
		memcpy(slot + LOG_SLOT_LEN - 4, "...", 4);
	ring.next = (ring.next + 1) % LOG_RING_LINES;
	if (ring.count < LOG_RING_LINES)
		ring.count++;
}

void
vlog(int pri, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX], stamp[32];
	struct tm tm;
	time_t now;
	int saved_errno = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	now = time(NULL);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "-");
	ring_add(stamp, pri, msg);

	if (log_to_stderr)
		fprintf(stderr, "%s %s\n", stamp, msg);
	else
		syslog(pri, "%s", msg);
	errno = saved_errno;
}

static void
logit(int pri, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
logit(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(pri, fmt, ap);
	va_end(ap);
}

/* "fmt: strerror(errno)", or only strerror when fmt is NULL. */
static void
vlog_errno(int pri, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved_errno = errno;

	if (fmt == NULL) {
		logit(pri, "%s", strerror(saved_errno));
	} else {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		logit(pri, "%s: %s", msg, strerror(saved_errno));
	}
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	/* Checked before any formatting: debug calls sit on hot paths. */
	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
log_debug_forced(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static void __attribute__((noreturn))
vfatal(int with_errno, const char *fmt, va_list ap)
{
	char msg[LOG_LINE_MAX];
	int saved_errno = errno;

	if (fmt == NULL)
		msg[0] = '\0';
	else
		vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno && saved_errno != 0)
		logit(LOG_CRIT, "fatal: %s: %s", msg, strerror(saved_errno));
	else
		logit(LOG_CRIT, "fatal: %s", msg);
	exit(1);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal(1, fmt, ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfatal(0, fmt, ap);
}

int
log_rate_pass(struct log_rate *lr, uint64_t now_ms, uint64_t *suppressed)
{
	/* now_ms of 0 would read as "never logged": count from 1. */
	if (now_ms == 0)
		now_ms = 1;
	if (lr->last_ms != 0 && now_ms - lr->last_ms < LOG_RATE_INTERVAL_MS) {
		lr->suppressed++;
		return 0;
	}
	*suppressed = lr->suppressed;
	lr->suppressed = 0;
	lr->last_ms = now_ms;
	return 1;
}

void
log_ratelimited(struct log_rate *lr, int pri, const char *fmt, ...)
{
	char msg[LOG_LINE_MAX];
	struct timespec ts;
	uint64_t suppressed;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (pri == LOG_DEBUG && log_verbose < 1)
		return;
	if (!log_rate_pass(lr,
		(uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000,
		&suppressed))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (suppressed > 0)
		logit(pri, "%s (%llu similar suppressed)", msg,
		    (unsigned long long)suppressed);
	else
		logit(pri, "%s", msg);
}

void
log_ring_dump(struct sbuf *sb, size_t n)
{
	size_t i, first;

	if (n == 0 || n > ring.count)
		n = ring.count;
	first = (ring.next + LOG_RING_LINES - n) % LOG_RING_LINES;
	for (i = 0; i < n; i++) {
		sbuf_puts(sb, ring.slot[(first + i) % LOG_RING_LINES]);
		sbuf_putc(sb, '\n');
	}
}

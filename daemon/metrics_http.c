/*
 * GET /metrics over HTTP (metrics-listen), served by libmicrohttpd in
 * the daemon's own loop: MHD runs without threads of its own, in epoll
 * mode, and its one epoll descriptor is watched by libevent.  When it
 * is readable, or MHD's timeout (idle connections) expires, MHD_run()
 * does the work that is ready, without blocking.  The page is written
 * in slices (metrics_scrape_more()) as MHD asks for more of it, that is
 * as the client reads, so one scrape of 100 000 sessions never holds the
 * loop for more than a slice.
 */
#include <config.h>

#include <sys/socket.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBMICROHTTPD
#include <microhttpd.h>
#endif

#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/optlib.h"
#include "daemon/transport.h"

/* A graceful restart's listening socket, taken over (or -1). */
static int inherited_fd = -1;

void
metrics_http_inherit(int fd)
{
	inherited_fd = fd;
}

/*
 * The inherited socket, if it listens where conf says; otherwise it is
 * closed (the new configuration moved or dropped metrics-listen) and
 * -1 returned: the server binds afresh.
 */
static int
take_inherited(const struct sockaddr_storage *want)
{
	struct sockaddr_storage have;
	socklen_t len = sizeof(have);
	int fd = inherited_fd;

	inherited_fd = -1;
	if (fd < 0)
		return -1;
	memset(&have, 0, sizeof(have));
	if (want->ss_family != AF_UNSPEC &&
	    getsockname(fd, (struct sockaddr *)&have, &len) == 0 &&
	    tp_addr_equal(&have, want) && tp_port(&have) == tp_port(want))
		return fd;
	close(fd);
	return -1;
}

#ifdef HAVE_LIBMICROHTTPD

#define HTTP_CLIENTS_MAX 8 /* a scraper or two, and someone's curl */
#define HTTP_IDLE_S 10

static const struct optlib_mhd *M; /* libmicrohttpd, opened at start */

static struct {
	struct MHD_Daemon *mhd;
	struct event *ev_fd;
	struct event *ev_timer;
} mh;

/* A short fixed answer (404, 405). */
static enum MHD_Result
reply(struct MHD_Connection *c, unsigned int code, const char *body)
{
	struct MHD_Response *r;
	enum MHD_Result rc;

	r = M->MHD_create_response_from_buffer(
	    strlen(body), (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	(void)M->MHD_add_response_header(
	    r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain");
	if (code == MHD_HTTP_METHOD_NOT_ALLOWED)
		(void)M->MHD_add_response_header(
		    r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = M->MHD_queue_response(c, code, r);
	M->MHD_destroy_response(r);
	return rc;
}

/* A page being sent: the slice in hand and what is left to write. */
struct page {
	struct metrics_scrape *sc;
	struct sbuf slice;
	size_t off;
	int last; /* the slice in hand is the last */
};

/* MHD's content reader: up to max bytes at pos (always where the last
 * call ended: the response is not seekable). */
static ssize_t
page_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct page *p = cls;
	size_t n;
	int rc;

	while (p->off == p->slice.len) {
		if (p->last)
			return MHD_CONTENT_READER_END_OF_STREAM;
		sbuf_reset(&p->slice);
		p->off = 0;
		if ((rc = metrics_scrape_more(p->sc, &p->slice)) == -1)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		p->last = rc == 0;
	}
	n = p->slice.len - p->off;
	if (n > max)
		n = max;
	memcpy(buf, p->slice.s + p->off, n);
	p->off += n;
	return (ssize_t)n;
}

static void
page_free(void *cls)
{
	struct page *p = cls;

	metrics_scrape_free(p->sc);
	sbuf_free(&p->slice);
	free(p);
}

static enum MHD_Result
metrics_reply(struct MHD_Connection *c)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	struct page *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return MHD_NO;
	sbuf_init(&p->slice);
	if ((p->sc = metrics_scrape_new()) == NULL) {
		page_free(p);
		return MHD_NO; /* out of memory: close the connection */
	}
	r = M->MHD_create_response_from_callback(
	    MHD_SIZE_UNKNOWN, METRICS_SLICE, page_read, p, page_free);
	if (r == NULL) {
		page_free(p);
		return MHD_NO;
	}
	(void)M->MHD_add_response_header(
	    r, MHD_HTTP_HEADER_CONTENT_TYPE, METRICS_CONTENT_TYPE);
	rc = M->MHD_queue_response(c, MHD_HTTP_OK, r);
	M->MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_len, void **state)
{
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply(
		    c, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (strcmp(url, "/metrics") != 0)
		return reply(
		    c, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n");
	return metrics_reply(c);
}

/* MHD's next deadline, if it has one, as a libevent timer. */
static void
rearm(void)
{
	MHD_UNSIGNED_LONG_LONG ms;
	struct timeval tv;

	evtimer_del(mh.ev_timer);
	if (M->MHD_get_timeout(mh.mhd, &ms) != MHD_YES)
		return;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)(ms % 1000) * 1000;
	evtimer_add(mh.ev_timer, &tv);
}

static void
on_mhd(evutil_socket_t fd, short what, void *arg)
{
	(void)M->MHD_run(mh.mhd);
	rearm();
}

static void
mhd_log(void *arg, const char *fmt, va_list ap)
{
	char msg[256];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	log_warnx("metrics: %s", msg);
}

int
metrics_http_start(struct event_base *base, const struct daemon_conf *conf)
{
	const struct sockaddr_storage *ss = &conf->metrics_listen;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
	char a[64], err[256];

	int fd = take_inherited(ss);

	if (ss->ss_family == AF_UNSPEC)
		return 0;
	if ((M = optlib_mhd_open(err, sizeof(err))) == NULL) {
		log_warnx("metrics-listen: %s", err);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* A graceful restart's socket is already bound and listening: the
	 * old process still holds the address, so it cannot be bound. */
	if (fd >= 0)
		mh.mhd = M->MHD_start_daemon(flags, tp_port(ss), NULL, NULL,
		    on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CLIENTS_MAX,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_S,
		    MHD_OPTION_END);
	else
		mh.mhd = M->MHD_start_daemon(flags, tp_port(ss), NULL, NULL,
		    on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
		    MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)ss,
		    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)HTTP_CLIENTS_MAX,
		    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_IDLE_S,
		    MHD_OPTION_END);
	if (mh.mhd == NULL) {
		log_warnx("metrics: cannot listen on %s port %u",
		    tp_addr_str(ss, a, sizeof(a)), tp_port(ss));
		return -1;
	}
	info = M->MHD_get_daemon_info(mh.mhd, MHD_DAEMON_INFO_EPOLL_FD);
	mh.ev_fd = info != NULL ? event_new(base, info->epoll_fd,
				      EV_READ | EV_PERSIST, on_mhd, NULL)
				: NULL;
	mh.ev_timer = evtimer_new(base, on_mhd, NULL);
	if (mh.ev_fd == NULL || mh.ev_timer == NULL ||
	    event_add(mh.ev_fd, NULL) == -1) {
		log_warnx("metrics: cannot watch the HTTP server");
		metrics_http_stop();
		return -1;
	}
	rearm();
	log_info("metrics on http://%s%s%s:%u/metrics",
	    ss->ss_family == AF_INET6 ? "[" : "", tp_addr_str(ss, a, sizeof(a)),
	    ss->ss_family == AF_INET6 ? "]" : "", tp_port(ss));
	return 0;
}

void
metrics_http_stop(void)
{
	if (mh.ev_fd != NULL)
		event_free(mh.ev_fd);
	if (mh.ev_timer != NULL)
		event_free(mh.ev_timer);
	if (mh.mhd != NULL)
		M->MHD_stop_daemon(mh.mhd);
	memset(&mh, 0, sizeof(mh));
}

int
metrics_http_fd(void)
{
	const union MHD_DaemonInfo *info;

	if (mh.mhd == NULL ||
	    (info = M->MHD_get_daemon_info(
		 mh.mhd, MHD_DAEMON_INFO_LISTEN_FD)) == NULL)
		return -1;
	return (int)info->listen_fd;
}

#else /* !HAVE_LIBMICROHTTPD */

int
metrics_http_fd(void)
{
	return -1;
}

int
metrics_http_start(struct event_base *base, const struct daemon_conf *conf)
{
	(void)take_inherited(&conf->metrics_listen);
	if (conf->metrics_listen.ss_family == AF_UNSPEC)
		return 0;
	log_warnx("metrics-listen: this l2tpv3d was built without "
		  "libmicrohttpd (`show metrics` still works)");
	return -1;
}

void
metrics_http_stop(void)
{
}

#endif

/*
 * The control socket server.
 *
 * Every client is a bufferevent.  Input is bounded by the read high
 * watermark (one maximal frame), so a client cannot make the daemon
 * buffer more than that.  Requests are handled one at a time per client:
 * while an answer is being sent, further requests wait in the input
 * buffer.  An answer is produced in one piece by control_dispatch() into
 * an sbuf, then streamed as CTL_DATA frames only as fast as the client
 * reads (the write low watermark calls us back for more), so a slow or
 * stuck client costs memory for its own answer but never blocks the loop.
 * A command may instead produce its answer in slices (control_stream()),
 * each written when the previous one has been queued.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "daemon/control.h"
#include "daemon/log.h"

/* What a secret is logged as; config.h's CONF_SECRET_HIDDEN. */
#define CONTROL_SECRET_HIDDEN "<hidden>"
/* A request line is split into at most this many words. */
#define CONTROL_MAX_WORDS 256
/* Input never holds more than one maximal frame. */
#define CONTROL_INPUT_MAX (CTL_HDR_LEN + CTL_MAX_PAYLOAD)
/* Refill the output when it drains below LOW, up to about HIGH. */
#define CONTROL_OUTPUT_LOW (2 * CTL_MAX_PAYLOAD)
#define CONTROL_OUTPUT_HIGH (4 * CTL_MAX_PAYLOAD)
/* After accept() fails for lack of descriptors, pause this long. */
#define CONTROL_ACCEPT_PAUSE_SEC 1

struct ctl_listener {
	TAILQ_ENTRY(ctl_listener) entry;
	struct evconnlistener *evl;
	struct event *resume; /* re-enables accept after EMFILE */
	char *path;
	ino_t ino; /* unlink only the socket we created */
	int readonly;
	int max_clients;
	int nclients; /* connected to this socket */
	struct timeval idle; /* {0, 0}: no idle timeout */
};

struct ctl_client {
	TAILQ_ENTRY(ctl_client) entry;
	struct bufferevent *bev;
	struct ctl_listener *listener;
	int answering; /* an answer is being streamed */
	int closing; /* close once the output has drained */
	int eof; /* the client will send nothing more */
	struct control_later *later; /* its answer is being prepared */
	struct control_stream *stream; /* the rest of the answer, if sliced */
	struct control_cli cli;
	struct sbuf ans;
	size_t sent;
	uint32_t status;
	char *msg;
};

struct control_later {
	struct ctl_client *client; /* NULL once the client has gone */
};

struct control_stream {
	int (*more)(void *, struct sbuf *);
	void (*done)(void *);
	void *arg;
};

struct cmdline {
	char *buf;
	int argc;
	char *argv[CONTROL_MAX_WORDS + 1];
};

/* The command layer (control_set_dispatch()). */
static int (*dispatcher)(struct control_req *);
static void (*cli_gone)(struct control_cli *, int);

void
control_set_dispatch(int (*fn)(struct control_req *),
    void (*gone)(struct control_cli *, int commit))
{
	dispatcher = fn;
	cli_gone = gone;
}

static int
dispatch(struct control_req *req)
{
	if (dispatcher == NULL) {
		sbuf_puts(req->err, "% no command layer");
		return CTL_STATUS_UNKNOWN;
	}
	return dispatcher(req);
}

static TAILQ_HEAD(, ctl_listener) listeners = TAILQ_HEAD_INITIALIZER(listeners);
static TAILQ_HEAD(, ctl_client) clients = TAILQ_HEAD_INITIALIZER(clients);
static int nclients;
static int shutting_down; /* control_shutdown(): clients commit nothing */

static void client_run(struct ctl_client *);

int
control_nclients(void)
{
	return nclients;
}

static void
stream_free(struct control_stream *st)
{
	if (st == NULL)
		return;
	st->done(st->arg);
	free(st);
}

static void
answer_clear(struct ctl_client *c)
{
	stream_free(c->stream);
	c->stream = NULL;
	sbuf_free(&c->ans);
	free(c->msg);
	c->msg = NULL;
	c->sent = 0;
	c->status = CTL_STATUS_OK;
	c->answering = 0;
}

static void
client_free(struct ctl_client *c)
{
	if (c->later != NULL)
		c->later->client = NULL;
	if (cli_gone != NULL)
		cli_gone(&c->cli, !shutting_down);
	TAILQ_REMOVE(&clients, c, entry);
	nclients--;
	c->listener->nclients--;
	bufferevent_free(c->bev);
	answer_clear(c);
	free(c);
}

static int
client_put_frame(
    struct ctl_client *c, uint16_t type, const void *payload, size_t len)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	uint8_t hdr[CTL_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, hdr, sizeof(hdr));
	if (ctl_put_hdr(&w, type, (uint32_t)len) == -1)
		return -1;
	if (evbuffer_add(out, wbuf_data(&w), wbuf_len(&w)) == -1)
		return -1;
	if (len > 0 && evbuffer_add(out, payload, len) == -1)
		return -1;
	return 0;
}

static int
client_put_end(struct ctl_client *c, uint32_t status, const char *msg)
{
	size_t mlen = msg == NULL ? 0 : strlen(msg);
	struct wbuf w;
	uint8_t *frame;
	int rc = -1;

	if (mlen > CTL_MAX_PAYLOAD - 4)
		mlen = CTL_MAX_PAYLOAD - 4;
	if ((frame = malloc(CTL_HDR_LEN + 4 + mlen)) == NULL)
		return -1;
	wbuf_init(&w, frame, CTL_HDR_LEN + 4 + mlen);
	if (ctl_put_end(&w, status, msg) == 0 &&
	    evbuffer_add(bufferevent_get_output(c->bev), wbuf_data(&w),
		wbuf_len(&w)) == 0)
		rc = 0;
	free(frame);
	return rc;
}

/* The answer's next slice, when it comes in slices.  After the last
 * one, or a failure, the stream is freed; a failure ends the answer
 * with an error (what was sent stays sent). */
static void
stream_next(struct ctl_client *c)
{
	int rc;

	sbuf_reset(&c->ans);
	c->sent = 0;
	rc = c->stream->more(c->stream->arg, &c->ans);
	if (rc == 1 && !c->ans.failed)
		return;
	stream_free(c->stream);
	c->stream = NULL;
	if (rc == 0 && !c->ans.failed)
		return;
	sbuf_reset(&c->ans);
	c->status = CTL_STATUS_ERROR;
	free(c->msg);
	c->msg = strdup("out of memory: answer truncated");
}

/*
 * Queue DATA frames until the output holds about CONTROL_OUTPUT_HIGH
 * bytes, and the END frame once the whole answer is queued.
 */
static int
client_pump(struct ctl_client *c)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	size_t n;

	while (evbuffer_get_length(out) < CONTROL_OUTPUT_HIGH) {
		n = c->ans.len - c->sent;
		if (n == 0 && c->stream != NULL) {
			stream_next(c);
			continue;
		}
		if (n == 0) {
			if (client_put_end(c, c->status, c->msg) == -1)
				return -1;
			answer_clear(c);
			return 0;
		}
		if (n > CTL_MAX_PAYLOAD)
			n = CTL_MAX_PAYLOAD;
		if (client_put_frame(c, CTL_DATA, c->ans.s + c->sent, n) == -1)
			return -1;
		c->sent += n;
	}
	return 0;
}

/* Start an answer; takes over *out (may be NULL for none). */
static void
answer_start(
    struct ctl_client *c, struct sbuf *out, uint32_t status, const char *msg)
{
	answer_clear(c);
	if (out != NULL) {
		c->ans = *out;
		sbuf_init(out);
	}
	c->status = status;
	if (msg == NULL && status != CTL_STATUS_OK)
		msg = ctl_status_str(status);
	if (msg != NULL && (c->msg = strdup(msg)) == NULL) {
		/* Better a bare status than no answer at all. */
		log_warn("control: answer message");
	}
	c->answering = 1;
}

/* An error that ends the conversation: answer, then close. */
static void
client_fail(struct ctl_client *c, uint32_t status, const char *msg)
{
	log_debug("control: closing client: %s", msg);
	answer_start(c, NULL, status, msg);
	c->closing = 1;
}

static int
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Split a line into words at white space.  Double quotes group words
 * ("a b" is one word, a"b c" too); inside them \" and \\ stand for
 * themselves.  0, or -1 with *why set.  The words live in cl->buf, which
 * needs at most len + 1 bytes: every word is followed by a separator or
 * the end of the line, whose place its NUL takes.
 */
static int
cmdline_split(
    struct cmdline *cl, const char *line, size_t len, const char **why)
{
	size_t i = 0, o = 0;
	int quoted;
	char ch;

	cl->argc = 0;
	cl->argv[0] = NULL;
	if ((cl->buf = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	for (;;) {
		while (i < len && is_space(line[i]))
			i++;
		if (i == len)
			break;
		if (cl->argc == CONTROL_MAX_WORDS) {
			*why = "too many words in command";
			return -1;
		}
		cl->argv[cl->argc++] = &cl->buf[o];
		for (quoted = 0; i < len && (quoted || !is_space(line[i]));
		     i++) {
			ch = line[i];
			if (ch == '"') {
				quoted = !quoted;
				continue;
			}
			if (quoted && ch == '\\' && i + 1 < len &&
			    (line[i + 1] == '"' || line[i + 1] == '\\'))
				ch = line[++i];
			cl->buf[o++] = ch;
		}
		if (quoted) {
			*why = "unterminated quote in command";
			return -1;
		}
		cl->buf[o++] = '\0';
	}
	cl->argv[cl->argc] = NULL;
	return 0;
}

/* "show" or a prefix of it that nothing else at the top level shares. */
static int
is_show(const char *word)
{
	size_t n = strlen(word);

	return n >= 2 && n <= 4 && strncmp(word, "show", n) == 0;
}

static void
client_dispatch(struct ctl_client *c, struct cmdline *cl, int kind, int open)
{
	struct control_req req;
	struct sbuf out, err;
	int status;

	sbuf_init(&out);
	sbuf_init(&err);
	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.cli = &c->cli;
	req.partial = "";
	req.argc = cl->argc;
	req.argv = cl->argv;
	req.readonly = c->listener->readonly;
	req.out = &out;
	req.err = &err;
	req.client = c;
	/* Completion and help work on the word being typed, if any. */
	if (kind != CTL_REQUEST && kind != CTL_STATE && open && req.argc > 0) {
		req.partial = req.argv[--req.argc];
		req.argv[req.argc] = NULL;
	}
	if (kind == CTL_REQUEST && req.argc > 0 &&
	    strcmp(req.argv[req.argc - 1], "json") == 0) {
		req.json = 1;
		req.argv[--req.argc] = NULL;
	}
	if (kind != CTL_REQUEST)
		status = dispatch(&req);
	else if (req.argc == 0)
		status = CTL_STATUS_OK;
	else if (req.readonly && !is_show(req.argv[0])) {
		status = CTL_STATUS_DENIED;
		sbuf_puts(&err, "denied: read-only socket");
	} else
		status = dispatch(&req);

	if (req.later != NULL) {
		/* The command answers later; drop whatever it wrote. */
		c->later = req.later;
		stream_free(req.stream);
		sbuf_free(&out);
		sbuf_free(&err);
		return;
	}
	if (out.failed || err.failed || status != CTL_STATUS_OK) {
		stream_free(req.stream);
		req.stream = NULL;
	}
	if (out.failed || err.failed) {
		status = CTL_STATUS_ERROR;
		sbuf_reset(&err);
		sbuf_puts(&err, "out of memory: answer truncated");
	}
	answer_start(c, &out, (uint32_t)status, err.len > 0 ? err.s : NULL);
	c->stream = req.stream;
	sbuf_free(&out);
	sbuf_free(&err);
}

int
control_stream(struct control_req *req, int (*more)(void *, struct sbuf *),
    void (*done)(void *), void *arg)
{
	struct control_stream *st;

	if (req->client == NULL || req->kind != CTL_REQUEST ||
	    req->stream != NULL || (st = malloc(sizeof(*st))) == NULL)
		return -1;
	st->more = more;
	st->done = done;
	st->arg = arg;
	req->stream = st;
	return 0;
}

/*
 * `secret VALUE` (or an abbreviation of it): the log, which the
 * read-only socket's `show log` shows, must not carry the value.
 */
static int
sets_secret(const char *line)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t");
	return n >= 3 && n <= 6 && strncmp(line, "secret", n) == 0;
}

static void
client_request(struct ctl_client *c, int kind, const char *line, size_t len)
{
	struct cmdline cl;
	const char *why;

	if (memchr(line, '\0', len) != NULL) {
		answer_start(
		    c, NULL, CTL_STATUS_ERROR, "command contains a NUL byte");
		return;
	}
	if (kind == CTL_REQUEST)
		log_debug("control: request \"%s\"%s",
		    sets_secret(line) ? "secret " CONTROL_SECRET_HIDDEN : line,
		    c->listener->readonly ? " (read-only)" : "");
	if (cmdline_split(&cl, line, len, &why) == -1)
		answer_start(c, NULL, CTL_STATUS_ERROR, why);
	else
		client_dispatch(
		    c, &cl, kind, len > 0 && !is_space(line[len - 1]));
	free(cl.buf);
}

/* 1: a frame was consumed or refused, 0: it is not complete yet,
 * -1: drop the client. */
static int
client_next_frame(struct ctl_client *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	uint8_t hdrbytes[CTL_HDR_LEN];
	struct ctl_frame_hdr h;
	struct rbuf r;
	char why[96];
	char *line;

	if (evbuffer_copyout(in, hdrbytes, sizeof(hdrbytes)) !=
	    (ev_ssize_t)sizeof(hdrbytes))
		return 0;
	rbuf_init(&r, hdrbytes, sizeof(hdrbytes));
	if (ctl_get_hdr(&r, &h) == -1)
		return 0;
	if (h.version != CTL_VERSION) {
		snprintf(why, sizeof(why),
		    "unsupported control protocol version %u (l2tpv3d speaks %u)",
		    h.version, CTL_VERSION);
		client_fail(c, CTL_STATUS_VERSION, why);
		return 1;
	}
	if (h.len > CTL_MAX_PAYLOAD) {
		snprintf(why, sizeof(why), "frame too large (%u > %u bytes)",
		    h.len, CTL_MAX_PAYLOAD);
		client_fail(c, CTL_STATUS_ERROR, why);
		return 1;
	}
	if (h.type != CTL_REQUEST && h.type != CTL_COMPLETE &&
	    h.type != CTL_DESCRIBE && h.type != CTL_STATE) {
		snprintf(why, sizeof(why), "unexpected frame type %u", h.type);
		client_fail(c, CTL_STATUS_ERROR, why);
		return 1;
	}
	if (evbuffer_get_length(in) < CTL_HDR_LEN + (size_t)h.len)
		return 0;
	if ((line = malloc((size_t)h.len + 1)) == NULL) {
		log_warn("control: request");
		return -1;
	}
	evbuffer_drain(in, CTL_HDR_LEN);
	if (evbuffer_remove(in, line, h.len) != (int)h.len) {
		free(line);
		return -1;
	}
	line[h.len] = '\0';
	client_request(c, h.type, line, h.len);
	free(line);
	return 1;
}

/*
 * Move the conversation on as far as it goes: stream the current answer,
 * then take the next complete request, until the output is full or the
 * input runs dry.  Called from every bufferevent callback.
 */
static void
client_run(struct ctl_client *c)
{
	int rc;

	for (;;) {
		if (c->later != NULL)
			return; /* control_answer_later() resumes */
		if (c->answering) {
			if (client_pump(c) == -1)
				goto drop;
			if (c->answering)
				return; /* the write callback resumes */
		}
		if (c->closing)
			break;
		if ((rc = client_next_frame(c)) == -1)
			goto drop;
		if (rc == 0)
			break;
	}
	if (c->closing || c->eof) {
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			goto drop;
		c->closing = 1;
		bufferevent_disable(c->bev, EV_READ);
	}
	return;
drop:
	client_free(c);
}

static void
client_readcb(struct bufferevent *bev, void *arg)
{
	client_run(arg);
}

static void
client_writecb(struct bufferevent *bev, void *arg)
{
	client_run(arg);
}

/*
 * A read timeout while the client waits for its own answer (a long one
 * streamed to a slow reader, or a deferred `write memory`) is not
 * idleness; a write timeout is a reader that stopped reading.
 */
static int
client_idle(const struct ctl_client *c, short what)
{
	if (what & BEV_EVENT_WRITING)
		return 1;
	return !c->answering && c->later == NULL;
}

static void
client_eventcb(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	if ((what & BEV_EVENT_TIMEOUT) && !client_idle(c, what)) {
		/* libevent disabled reading when the timeout fired. */
		bufferevent_enable(c->bev, EV_READ);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		log_debug("control: closing a client idle for %ld s on %s",
		    (long)c->listener->idle.tv_sec, c->listener->path);
		client_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* Half-closed: answer what was asked, then close. */
		c->eof = 1;
		client_run(c);
		return;
	}
	if (what & BEV_EVENT_ERROR)
		log_debug("control: client gone: %s",
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
	client_free(c);
}

struct control_later *
control_defer(struct control_req *req)
{
	struct control_later *l;

	if (req->client == NULL || (l = calloc(1, sizeof(*l))) == NULL)
		return NULL;
	l->client = req->client;
	req->later = l;
	return l;
}

struct control_cli *
control_later_cli(const struct control_later *l)
{
	return l->client != NULL ? &l->client->cli : NULL;
}

void
control_answer_later(
    struct control_later *l, int status, const char *out, const char *err)
{
	struct ctl_client *c = l->client;
	struct sbuf ans;

	free(l);
	if (c == NULL)
		return;
	c->later = NULL;
	sbuf_init(&ans);
	if (out != NULL)
		sbuf_puts(&ans, out);
	if (ans.failed) {
		status = CTL_STATUS_ERROR;
		err = "out of memory: answer truncated";
	}
	answer_start(c, &ans, (uint32_t)status, err);
	sbuf_free(&ans);
	client_run(c);
}

/* Best effort: the socket is new, so one small frame fits its buffer. */
static void
control_refuse(evutil_socket_t fd, const char *msg)
{
	uint8_t frame[CTL_HDR_LEN + 4 + 64];
	struct wbuf w;

	wbuf_init(&w, frame, sizeof(frame));
	if (ctl_put_end(&w, CTL_STATUS_ERROR, msg) == 0)
		(void)send(fd, wbuf_data(&w), wbuf_len(&w),
		    MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void
control_accept(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	static struct log_rate lr;
	struct ctl_listener *l = arg;
	struct ctl_client *c;

	if (l->nclients >= l->max_clients) {
		log_ratelimited(
		    &lr, LOG_ERR, "control: too many clients on %s", l->path);
		control_refuse(fd, "too many clients");
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		log_warn("control: client");
		close(fd);
		return;
	}
	c->bev = bufferevent_socket_new(
	    evconnlistener_get_base(evl), fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		log_warnx("control: cannot create a bufferevent");
		close(fd);
		free(c);
		return;
	}
	c->listener = l;
	sbuf_init(&c->ans);
	bufferevent_setcb(
	    c->bev, client_readcb, client_writecb, client_eventcb, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, CONTROL_INPUT_MAX);
	bufferevent_setwatermark(c->bev, EV_WRITE, CONTROL_OUTPUT_LOW, 0);
	if (l->idle.tv_sec > 0)
		bufferevent_set_timeouts(c->bev, &l->idle, &l->idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&clients, c, entry);
	nclients++;
	l->nclients++;
	log_debug("control: client connected on %s (%d there, %d in all)",
	    l->path, l->nclients, nclients);
}

static void
control_resume(evutil_socket_t fd, short what, void *arg)
{
	struct ctl_listener *l = arg;

	evconnlistener_enable(l->evl);
}

/* Out of descriptors: accept() would fail again at once, so pause. */
static void
control_accept_error(struct evconnlistener *evl, void *arg)
{
	struct ctl_listener *l = arg;
	struct timeval tv = { CONTROL_ACCEPT_PAUSE_SEC, 0 };
	int err = EVUTIL_SOCKET_ERROR();

	static struct log_rate lr;

	log_ratelimited(
	    &lr, LOG_ERR, "control: accept on %s: %s", l->path, strerror(err));
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		evconnlistener_disable(evl);
		evtimer_add(l->resume, &tv);
	}
}

/* mkdir -p for the directories above path. */
static int
make_parent_dirs(const char *path)
{
	char *dir, *slash;
	int rc = 0;

	if ((dir = strdup(path)) == NULL)
		return -1;
	for (slash = strchr(dir + 1, '/'); slash != NULL;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
			log_warn("control: mkdir %s", dir);
			rc = -1;
			break;
		}
		*slash = '/';
	}
	free(dir);
	return rc;
}

static int
sockaddr_for(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		log_warnx("control: socket path too long: %s", path);
		return -1;
	}
	strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
	return 0;
}

/* 1 if something answers on path, 0 if the socket is stale, -1 error. */
static int
socket_in_use(const struct sockaddr_un *sun)
{
	int fd, rc, err;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	err = errno;
	close(fd);
	if (rc == 0 || err == EAGAIN)
		return 1; /* EAGAIN: alive, with a full backlog */
	if (err == ECONNREFUSED || err == ENOENT)
		return 0;
	errno = err;
	return -1;
}

/* Remove a stale socket; refuse to touch a live one or a non-socket. */
static int
clear_path(const struct sockaddr_un *sun)
{
	const char *path = sun->sun_path;
	struct stat st;

	if (lstat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		log_warn("control: %s", path);
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		log_warnx("control: %s exists and is not a socket", path);
		return -1;
	}
	switch (socket_in_use(sun)) {
	case 1:
		log_warnx("another l2tpv3d is running on %s", path);
		return -1;
	case -1:
		log_warn("control: cannot probe %s", path);
		return -1;
	}
	if (unlink(path) == -1 && errno != ENOENT) {
		log_warn("control: unlink %s", path);
		return -1;
	}
	return 0;
}

static void
set_group(const char *path, const char *group)
{
	const char *name = group != NULL ? group : CONTROL_GROUP_DEFAULT;
	struct group *gr;

	if ((gr = getgrnam(name)) == NULL) {
		/* The default group is optional; a configured one is not. */
		if (group != NULL)
			log_warnx("control: group %s does not exist", name);
		return;
	}
	if (chown(path, (uid_t)-1, gr->gr_gid) == -1)
		log_warn("control: chown %s to group %s", path, name);
}

/* A bound, listening socket at path with o's mode and group, or -1. */
static int
open_socket(const struct sockaddr_un *sun, const struct control_sock_opts *o,
    ino_t *ino)
{
	const char *path = sun->sun_path;
	struct stat st;
	mode_t omask;
	int fd, rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		log_warn("control: socket");
		return -1;
	}
	/* Born 0660, so there is no moment when others may connect that
	 * the operator did not ask for (0666). */
	omask = umask(S_IXUSR | S_IXGRP | S_IRWXO);
	rc = bind(fd, (const struct sockaddr *)sun, sizeof(*sun));
	umask(omask);
	if (rc == -1) {
		log_warn("control: bind %s", path);
		goto fail;
	}
	if (chmod(path, (mode_t)o->mode) == -1 || stat(path, &st) == -1) {
		log_warn("control: chmod %s", path);
		goto fail_unlink;
	}
	*ino = st.st_ino;
	set_group(path, o->group);
	if (listen(fd, o->max_clients) == -1) {
		log_warn("control: listen %s", path);
		goto fail_unlink;
	}
	return fd;
fail_unlink:
	unlink(path);
fail:
	close(fd);
	return -1;
}

/* Graceful restart: listening sockets the previous process passed. */
#define CONTROL_INHERIT_MAX 2
static struct {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
} inherited[CONTROL_INHERIT_MAX];
static size_t ninherited;

int
control_inherit(const char *path, int fd)
{
	if (ninherited == CONTROL_INHERIT_MAX ||
	    strlen(path) >= sizeof(inherited[0].path))
		return -1;
	snprintf(
	    inherited[ninherited].path, sizeof(inherited[0].path), "%s", path);
	inherited[ninherited++].fd = fd;
	return 0;
}

static int
inherited_take(const char *path)
{
	size_t i;
	int fd;

	for (i = 0; i < ninherited; i++)
		if (strcmp(inherited[i].path, path) == 0) {
			fd = inherited[i].fd;
			inherited[i] = inherited[--ninherited];
			return fd;
		}
	return -1;
}

void
control_inherited_close(void)
{
	while (ninherited > 0)
		close(inherited[--ninherited].fd);
}

size_t
control_sockets(const char **paths, int *fds, size_t max)
{
	struct ctl_listener *l;
	size_t n = 0;

	TAILQ_FOREACH(l, &listeners, entry) {
		if (n == max)
			break;
		paths[n] = l->path;
		fds[n++] = evconnlistener_get_fd(l->evl);
	}
	return n;
}

void
control_pause(int paused)
{
	struct ctl_listener *l;

	TAILQ_FOREACH(l, &listeners, entry) {
		if (paused)
			(void)evconnlistener_disable(l->evl);
		else
			(void)evconnlistener_enable(l->evl);
	}
}

int
control_listen(
    struct event_base *base, const char *path, const char *group, int readonly)
{
	struct control_sock_opts o = { group, 0660, readonly,
		CONTROL_MAX_CLIENTS, CONTROL_IDLE_TIMEOUT };

	return control_listen_opts(base, path, &o);
}

int
control_listen_opts(struct event_base *base, const char *path,
    const struct control_sock_opts *o)
{
	struct sockaddr_un sun;
	struct ctl_listener *l;
	struct stat st;
	int fd;

	if ((fd = inherited_take(path)) != -1)
		; /* bound and listening: the previous process's */
	else if (sockaddr_for(&sun, path) == -1 ||
	    make_parent_dirs(path) == -1 || clear_path(&sun) == -1)
		return -1;
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->path = strdup(path)) == NULL) {
		log_warn("control: listener");
		free(l);
		return -1;
	}
	l->readonly = o->readonly;
	l->max_clients = o->max_clients > 0 ? o->max_clients : 1;
	l->idle.tv_sec = o->idle_timeout;
	if (fd != -1) {
		if (stat(path, &st) == 0)
			l->ino = st.st_ino;
	} else if ((fd = open_socket(&sun, o, &l->ino)) == -1)
		goto fail;
	l->evl = evconnlistener_new(base, control_accept, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
	if (l->evl == NULL) {
		log_warnx("control: cannot listen on %s", path);
		unlink(path);
		close(fd);
		goto fail;
	}
	evconnlistener_set_error_cb(l->evl, control_accept_error);
	if ((l->resume = evtimer_new(base, control_resume, l)) == NULL) {
		log_warnx("control: cannot create a timer");
		evconnlistener_free(l->evl);
		unlink(path);
		goto fail;
	}
	TAILQ_INSERT_TAIL(&listeners, l, entry);
	log_info("control socket %s%s, mode %04o, at most %d clients", path,
	    o->readonly ? " (read-only)" : "", o->mode, l->max_clients);
	return 0;
fail:
	free(l->path);
	free(l);
	return -1;
}

void
control_shutdown(void)
{
	struct ctl_listener *l;
	struct ctl_client *c;
	struct stat st;

	shutting_down = 1;
	while ((c = TAILQ_FIRST(&clients)) != NULL)
		client_free(c);
	shutting_down = 0;
	while ((l = TAILQ_FIRST(&listeners)) != NULL) {
		TAILQ_REMOVE(&listeners, l, entry);
		evconnlistener_free(l->evl);
		event_free(l->resume);
		/* Someone may have replaced it since; that one is theirs. */
		if (lstat(l->path, &st) == 0 && st.st_ino == l->ino)
			unlink(l->path);
		free(l->path);
		free(l);
	}
}

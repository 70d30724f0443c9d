/*
 * The control socket server (daemon/control.c) and l2tpsh, end to end.
 *
 * The server runs in this process's libevent loop with a fake command
 * table (control_dispatch below).  Clients are real: raw-frame clients
 * run in a second thread on blocking sockets and only record what they
 * see (cmocka's asserts belong to the main thread); l2tpsh runs as a
 * child process.  Meanwhile the main thread turns the loop.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <event2/event.h>

#include "daemon/control.h"
#include "daemon/log.h"
#include "proto/buf.h"
#include "proto/ctlproto.h"
#include "proto/sbuf.h"

extern char **environ;

#define MAX_REQS 16
#define MAX_CALLS 64
#define CLIENT_TIMEOUT_SEC 10
#define LOOP_TIMEOUT_SEC 20

/* ---- the fake command table ---- */

static struct {
	int calls;
	int json[MAX_CALLS];
	int readonly[MAX_CALLS];
} seen;

static void
big_answer(struct sbuf *out, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		sbuf_putc(out, (char)('a' + i % 26));
}

int
control_dispatch(struct control_req *req)
{
	int i;

	if (seen.calls < MAX_CALLS) {
		seen.json[seen.calls] = req->json;
		seen.readonly[seen.calls] = req->readonly;
	}
	seen.calls++;
	if (strcmp(req->argv[0], "echo") == 0) {
		for (i = 1; i < req->argc; i++)
			sbuf_printf(
			    req->out, "%s%s", i > 1 ? " " : "", req->argv[i]);
		sbuf_putc(req->out, '\n');
		return CTL_STATUS_OK;
	}
	if (strcmp(req->argv[0], "words") == 0) {
		for (i = 1; i < req->argc; i++)
			sbuf_printf(req->out, "[%s]", req->argv[i]);
		sbuf_printf(req->out, "%d\n", req->argc);
		return CTL_STATUS_OK;
	}
	if (strcmp(req->argv[0], "big") == 0 && req->argc == 2) {
		big_answer(req->out, strtoul(req->argv[1], NULL, 10));
		return CTL_STATUS_OK;
	}
	if (strcmp(req->argv[0], "fail") == 0) {
		sbuf_puts(req->out, "partial\n");
		sbuf_puts(req->err, "it failed on purpose");
		return CTL_STATUS_ERROR;
	}
	if (strcmp(req->argv[0], "show") == 0 ||
	    strcmp(req->argv[0], "sh") == 0) {
		sbuf_puts(req->out, "shown\n");
		return CTL_STATUS_OK;
	}
	return CTL_STATUS_UNKNOWN; /* no message: the server supplies one */
}

/* ---- the loop, and waiting on it ---- */

static struct {
	char dir[64];
	char rw[128];
	char ro[128];
	struct event_base *base;
} fx;

static void
timed_out_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

/* Turn the loop until cond holds; 0 if it did in time. */
static int
loop_until(int (*cond)(void *), void *arg)
{
	struct timeval tv = { LOOP_TIMEOUT_SEC, 0 };
	struct event *timer;
	int timed_out = 0;

	timer = evtimer_new(fx.base, timed_out_cb, &timed_out);
	evtimer_add(timer, &tv);
	while (!cond(arg) && !timed_out)
		event_base_loop(fx.base, EVLOOP_ONCE);
	event_free(timer);
	return timed_out ? -1 : 0;
}

static int
no_clients(void *arg)
{
	return control_nclients() == 0;
}

static int
one_client(void *arg)
{
	return control_nclients() == 1;
}

static int
flag_set(void *arg)
{
	return *(int *)arg;
}

static void
path_join(char *dst, size_t len, const char *dir, const char *name)
{
	int n = snprintf(dst, len, "%s/%s", dir, name);

	assert_true(n > 0 && (size_t)n < len);
}

static int
setup(void **state)
{
	strcpy(fx.dir, "/tmp/test_control.XXXXXX");
	assert_non_null(mkdtemp(fx.dir));
	path_join(fx.rw, sizeof(fx.rw), fx.dir, "l2tpv3d.sock");
	path_join(fx.ro, sizeof(fx.ro), fx.dir, "l2tpv3d-ro.sock");
	assert_non_null(fx.base = event_base_new());
	control_set_dispatch(control_dispatch, NULL);
	assert_int_equal(control_listen(fx.base, fx.rw, NULL, 0), 0);
	assert_int_equal(control_listen(fx.base, fx.ro, NULL, 1), 0);
	memset(&seen, 0, sizeof(seen));
	return 0;
}

static int
teardown(void **state)
{
	control_shutdown();
	event_base_free(fx.base);
	fx.base = NULL;
	/* Fails if control_shutdown left a socket behind. */
	assert_int_equal(rmdir(fx.dir), 0);
	return 0;
}

/* ---- a raw client, run in a thread ---- */

struct answer {
	struct sbuf data;
	int ndata;
	size_t maxframe;
	long status; /* -1: no END frame came */
	char msg[256];
};

static int
cli_connect(const char *path)
{
	struct timeval tv = { CLIENT_TIMEOUT_SEC, 0 };
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
cli_write(int fd, const void *p, size_t len)
{
	const uint8_t *bytes = p;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = send(fd, &bytes[done], len - done, MSG_NOSIGNAL);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int
cli_read(int fd, void *p, size_t len)
{
	uint8_t *bytes = p;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, &bytes[done], len - done);
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/*
 * A frame header with any version and length, then len payload bytes, in
 * one write: the server may answer a bad header and close at once, and
 * must not find the payload still unread then.
 */
static int
cli_send_frame(int fd, uint16_t version, uint16_t type, uint32_t hdrlen,
    const void *payload, size_t len)
{
	struct wbuf w;
	uint8_t *frame;
	int rc = -1;

	if ((frame = malloc(CTL_HDR_LEN + len)) == NULL)
		return -1;
	wbuf_init(&w, frame, CTL_HDR_LEN + len);
	wbuf_put_u32(&w, hdrlen);
	wbuf_put_u16(&w, version);
	wbuf_put_u16(&w, type);
	wbuf_put_bytes(&w, payload, len);
	if (wbuf_ok(&w))
		rc = cli_write(fd, wbuf_data(&w), wbuf_len(&w));
	free(frame);
	return rc;
}

static int
cli_request(int fd, const char *line)
{
	size_t len = strlen(line);

	return cli_send_frame(
	    fd, CTL_VERSION, CTL_REQUEST, (uint32_t)len, line, len);
}

/* Read frames up to and including END; -1 on a broken stream. */
static int
cli_answer(int fd, struct answer *a)
{
	static uint8_t frame[CTL_MAX_PAYLOAD];
	struct ctl_frame_hdr h;
	uint8_t hdr[CTL_HDR_LEN];
	struct rbuf r;
	uint32_t status;
	size_t mlen;

	sbuf_init(&a->data);
	a->status = -1;
	for (;;) {
		if (cli_read(fd, hdr, sizeof(hdr)) == -1)
			return -1;
		rbuf_init(&r, hdr, sizeof(hdr));
		if (ctl_get_hdr(&r, &h) == -1 || h.version != CTL_VERSION ||
		    h.len > CTL_MAX_PAYLOAD || cli_read(fd, frame, h.len) == -1)
			return -1;
		rbuf_init(&r, frame, h.len);
		if (h.type == CTL_DATA) {
			a->ndata++;
			if (h.len > a->maxframe)
				a->maxframe = h.len;
			sbuf_putn(&a->data, (const char *)frame, h.len);
			continue;
		}
		if (h.type != CTL_END || ctl_get_end(&r, &status) == -1)
			return -1;
		a->status = status;
		mlen = rbuf_left(&r);
		if (mlen >= sizeof(a->msg))
			mlen = sizeof(a->msg) - 1;
		rbuf_get_bytes(&r, a->msg, mlen);
		a->msg[mlen] = '\0';
		return 0;
	}
}

/* 1 if the server closes the connection (after our half-close). */
static int
cli_closed(int fd)
{
	uint8_t byte;

	ssize_t n;

	shutdown(fd, SHUT_WR);
	n = read(fd, &byte, 1);
	/* A reset too: the server may close before reading all we sent. */
	return n == 0 || (n == -1 && errno == ECONNRESET);
}

/* A conversation: requests in order, their answers, and whether the
 * server closed the connection at the end. */
struct convo {
	const char *path;
	const char *reqs[MAX_REQS];
	int pipelined; /* all requests in one go, then the answers */
	struct answer ans[MAX_REQS];
	int closed;
	int error;
};

struct job {
	void (*fn)(void *);
	void *arg;
	int pipe[2];
	int done;
	struct event *ev;
	pthread_t tid;
};

/* Close-on-exec, so a spawned l2tpsh holds no stray pipe ends. */
static int
make_pipe(int fds[2])
{
	if (pipe(fds) == -1)
		return -1;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static void *
job_thread(void *arg)
{
	struct job *j = arg;
	char byte = 1;

	j->fn(j->arg);
	if (write(j->pipe[1], &byte, 1) != 1)
		abort();
	return NULL;
}

static void
job_done_cb(evutil_socket_t fd, short what, void *arg)
{
	*(int *)arg = 1;
}

/* Run fn(arg) in a thread while the loop serves it. */
static void
run_job(void (*fn)(void *), void *arg)
{
	struct job j;

	memset(&j, 0, sizeof(j));
	j.fn = fn;
	j.arg = arg;
	assert_int_equal(make_pipe(j.pipe), 0);
	j.ev = event_new(fx.base, j.pipe[0], EV_READ, job_done_cb, &j.done);
	event_add(j.ev, NULL);
	assert_int_equal(pthread_create(&j.tid, NULL, job_thread, &j), 0);
	assert_int_equal(loop_until(flag_set, &j.done), 0);
	pthread_join(j.tid, NULL);
	event_free(j.ev);
	close(j.pipe[0]);
	close(j.pipe[1]);
}

static void
convo_run(void *arg)
{
	struct convo *cv = arg;
	int fd, i, n;

	if ((fd = cli_connect(cv->path)) == -1) {
		cv->error = errno;
		return;
	}
	for (n = 0; n < MAX_REQS && cv->reqs[n] != NULL; n++)
		if (cv->pipelined && cli_request(fd, cv->reqs[n]) == -1)
			cv->error = -1;
	for (i = 0; i < n && !cv->error; i++) {
		if (!cv->pipelined && cli_request(fd, cv->reqs[i]) == -1)
			cv->error = -1;
		else if (cli_answer(fd, &cv->ans[i]) == -1)
			cv->error = -2;
	}
	cv->closed = cli_closed(fd);
	close(fd);
}

static void
convo_free(struct convo *cv)
{
	int i;

	for (i = 0; i < MAX_REQS; i++)
		sbuf_free(&cv->ans[i].data);
}

static void
assert_answer(
    const struct answer *a, long status, const char *data, const char *msg)
{
	assert_int_equal(a->status, status);
	assert_string_equal(a->data.s != NULL ? a->data.s : "", data);
	assert_string_equal(a->msg, msg);
}

/* ---- tests ---- */

static void
test_commands(void **state)
{
	struct convo cv = { .path = fx.rw,
		.reqs = { "echo hello   world",
		    "words a \"b c\" d\"e f\"g \"\" \"x\\\"y\\\\\"",
		    "echo x json", "", "words \"open", "nonsense", "fail",
		    "echo still here" } };

	run_job(convo_run, &cv);
	assert_int_equal(cv.error, 0);
	assert_answer(&cv.ans[0], CTL_STATUS_OK, "hello world\n", "");
	assert_answer(
	    &cv.ans[1], CTL_STATUS_OK, "[a][b c][de fg][][x\"y\\]6\n", "");
	assert_answer(&cv.ans[2], CTL_STATUS_OK, "x\n", "");
	assert_answer(&cv.ans[3], CTL_STATUS_OK, "", "");
	assert_answer(
	    &cv.ans[4], CTL_STATUS_ERROR, "", "unterminated quote in command");
	assert_answer(&cv.ans[5], CTL_STATUS_UNKNOWN, "", "unknown command");
	assert_answer(
	    &cv.ans[6], CTL_STATUS_ERROR, "partial\n", "it failed on purpose");
	assert_answer(&cv.ans[7], CTL_STATUS_OK, "still here\n", "");
	assert_int_equal(cv.closed, 1);
	/* Neither the empty line nor the bad quote reached the table. */
	assert_int_equal(seen.calls, 6);
	assert_int_equal(seen.json[0], 0);
	assert_int_equal(seen.json[2], 1);
	assert_int_equal(seen.readonly[0], 0);
	convo_free(&cv);
}

static void
test_pipelined(void **state)
{
	struct convo cv = { .path = fx.rw,
		.pipelined = 1,
		.reqs = { "echo one", "big 200000", "fail", "echo three" } };

	run_job(convo_run, &cv);
	assert_int_equal(cv.error, 0);
	assert_answer(&cv.ans[0], CTL_STATUS_OK, "one\n", "");
	assert_int_equal(cv.ans[1].data.len, 200000);
	assert_answer(
	    &cv.ans[2], CTL_STATUS_ERROR, "partial\n", "it failed on purpose");
	assert_answer(&cv.ans[3], CTL_STATUS_OK, "three\n", "");
	assert_int_equal(cv.closed, 1);
	convo_free(&cv);
}

static void
test_big_answer_streams(void **state)
{
	struct convo cv = { .path = fx.rw,
		.reqs = { "big 1048576", "echo after" } };
	const struct answer *a = &cv.ans[0];
	size_t i;

	run_job(convo_run, &cv);
	assert_int_equal(cv.error, 0);
	assert_int_equal(a->status, CTL_STATUS_OK);
	assert_int_equal(a->data.len, 1048576);
	for (i = 0; i < a->data.len; i++)
		if (a->data.s[i] != (char)('a' + i % 26))
			fail_msg("byte %zu of the answer is wrong", i);
	assert_true(a->maxframe <= CTL_MAX_PAYLOAD);
	assert_true(a->ndata >= 1048576 / CTL_MAX_PAYLOAD);
	assert_answer(&cv.ans[1], CTL_STATUS_OK, "after\n", "");
	convo_free(&cv);
}

static void
test_readonly_socket(void **state)
{
	struct convo ro = { .path = fx.ro,
		.reqs = { "show tunnel", "sh tunnel json", "configure terminal",
		    "shutdown", "s", "" } };
	struct convo rw = { .path = fx.rw, .reqs = { "show tunnel" } };

	run_job(convo_run, &ro);
	assert_int_equal(ro.error, 0);
	assert_answer(&ro.ans[0], CTL_STATUS_OK, "shown\n", "");
	assert_answer(&ro.ans[1], CTL_STATUS_OK, "shown\n", "");
	assert_answer(
	    &ro.ans[2], CTL_STATUS_DENIED, "", "denied: read-only socket");
	assert_answer(
	    &ro.ans[3], CTL_STATUS_DENIED, "", "denied: read-only socket");
	assert_answer(
	    &ro.ans[4], CTL_STATUS_DENIED, "", "denied: read-only socket");
	assert_answer(&ro.ans[5], CTL_STATUS_OK, "", "");
	/* Denied commands never reach the command table. */
	assert_int_equal(seen.calls, 2);
	assert_int_equal(seen.readonly[0], 1);
	assert_int_equal(seen.json[1], 1);
	assert_int_equal(seen.readonly[1], 1);

	run_job(convo_run, &rw);
	assert_answer(&rw.ans[0], CTL_STATUS_OK, "shown\n", "");
	assert_int_equal(seen.readonly[2], 0);
	convo_free(&ro);
	convo_free(&rw);
}

/* One malformed frame and what the server must do about it. */
struct bad_case {
	const char *name;
	uint16_t version;
	uint16_t type;
	uint32_t hdrlen;
	const char *payload;
	size_t len;
	long status;
	const char *msg_part;
	int closes;
};

struct bad_run {
	const struct bad_case *bc;
	struct answer ans;
	struct answer next; /* "echo ok" afterwards, if the link stays */
	int closed;
	int error;
};

static void
bad_frame_run(void *arg)
{
	struct bad_run *b = arg;
	const struct bad_case *bc = b->bc;
	int fd;

	if ((fd = cli_connect(fx.rw)) == -1) {
		b->error = errno;
		return;
	}
	if (cli_send_frame(fd, bc->version, bc->type, bc->hdrlen, bc->payload,
		bc->len) == -1 ||
	    cli_answer(fd, &b->ans) == -1)
		b->error = -1;
	else if (!bc->closes &&
	    (cli_request(fd, "echo ok") == -1 ||
		cli_answer(fd, &b->next) == -1))
		b->error = -2;
	b->closed = cli_closed(fd);
	close(fd);
}

static void
test_bad_frames(void **state)
{
	static const struct bad_case cases[] = {
		{ "version 2", 2, CTL_REQUEST, 4, "echo", 4, CTL_STATUS_VERSION,
		    "version 2", 1 },
		{ "version 0", 0, CTL_REQUEST, 0, NULL, 0, CTL_STATUS_VERSION,
		    "version 0", 1 },
		{ "oversize", CTL_VERSION, CTL_REQUEST, CTL_MAX_PAYLOAD + 1,
		    NULL, 0, CTL_STATUS_ERROR, "too large", 1 },
		{ "huge", CTL_VERSION, CTL_REQUEST, 0xffffffffu, NULL, 0,
		    CTL_STATUS_ERROR, "too large", 1 },
		{ "data frame", CTL_VERSION, CTL_DATA, 4, "echo", 4,
		    CTL_STATUS_ERROR, "frame type 2", 1 },
		{ "end frame", CTL_VERSION, CTL_END, 0, NULL, 0,
		    CTL_STATUS_ERROR, "frame type 3", 1 },
		{ "nul byte", CTL_VERSION, CTL_REQUEST, 8, "echo a\0b", 8,
		    CTL_STATUS_ERROR, "NUL", 0 },
	};
	struct bad_run b;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&b, 0, sizeof(b));
		b.bc = &cases[i];
		run_job(bad_frame_run, &b);
		if (b.error != 0)
			fail_msg("%s: client error %d", b.bc->name, b.error);
		if (b.ans.status != b.bc->status ||
		    strstr(b.ans.msg, b.bc->msg_part) == NULL)
			fail_msg("%s: got %ld \"%s\"", b.bc->name, b.ans.status,
			    b.ans.msg);
		assert_int_equal(b.ans.ndata, 0);
		assert_int_equal(b.closed, 1);
		if (!b.bc->closes)
			assert_answer(&b.next, CTL_STATUS_OK, "ok\n", "");
		sbuf_free(&b.ans.data);
		sbuf_free(&b.next.data);
	}
	assert_int_equal(seen.calls, 1); /* only the "echo ok" */
	assert_int_equal(loop_until(no_clients, NULL), 0);
}

/* A frame that arrives a byte at a time is still one request. */
static void
dribble_run(void *arg)
{
	struct convo *cv = arg;
	uint8_t frame[CTL_HDR_LEN + 8];
	struct wbuf w;
	size_t i;
	int fd;

	if ((fd = cli_connect(cv->path)) == -1) {
		cv->error = errno;
		return;
	}
	wbuf_init(&w, frame, sizeof(frame));
	ctl_put_hdr(&w, CTL_REQUEST, 8);
	wbuf_put_bytes(&w, "echo abc", 8);
	for (i = 0; i < wbuf_len(&w); i++) {
		if (cli_write(fd, &frame[i], 1) == -1)
			cv->error = -1;
		usleep(2000);
	}
	if (cli_answer(fd, &cv->ans[0]) == -1)
		cv->error = -2;
	cv->closed = cli_closed(fd);
	close(fd);
}

static void
test_dribbled_frame(void **state)
{
	struct convo cv = { .path = fx.rw };

	run_job(dribble_run, &cv);
	assert_int_equal(cv.error, 0);
	assert_answer(&cv.ans[0], CTL_STATUS_OK, "abc\n", "");
	assert_int_equal(cv.closed, 1);
	convo_free(&cv);
}

#define NCLIENTS 20

struct crowd {
	int n;
	struct answer ans[CONTROL_MAX_CLIENTS + 1];
	int error;
	int connected_seen;
};

/* Every client connects and asks before any answer is read. */
static void
crowd_run(void *arg)
{
	struct crowd *cr = arg;
	char line[32];
	int fd[NCLIENTS], i;

	for (i = 0; i < cr->n; i++)
		if ((fd[i] = cli_connect(fx.rw)) == -1)
			cr->error = -1;
	for (i = 0; i < cr->n && !cr->error; i++) {
		snprintf(line, sizeof(line), "echo client %d", i);
		if (cli_request(fd[i], line) == -1)
			cr->error = -2;
	}
	for (i = cr->n - 1; i >= 0 && !cr->error; i--)
		if (cli_answer(fd[i], &cr->ans[i]) == -1)
			cr->error = -3;
	for (i = 0; i < cr->n; i++)
		if (fd[i] != -1)
			close(fd[i]);
}

static void
test_many_clients(void **state)
{
	struct crowd cr = { .n = NCLIENTS };
	char expect[32];
	int i;

	run_job(crowd_run, &cr);
	assert_int_equal(cr.error, 0);
	for (i = 0; i < NCLIENTS; i++) {
		snprintf(expect, sizeof(expect), "client %d\n", i);
		assert_answer(&cr.ans[i], CTL_STATUS_OK, expect, "");
		sbuf_free(&cr.ans[i].data);
	}
	assert_int_equal(loop_until(no_clients, NULL), 0);
}

/* One client more than the limit is told so and closed. */
static void
limit_run(void *arg)
{
	struct crowd *cr = arg;
	int fd[CONTROL_MAX_CLIENTS + 1], i;
	uint8_t byte;

	for (i = 0; i <= CONTROL_MAX_CLIENTS; i++)
		if ((fd[i] = cli_connect(fx.rw)) == -1)
			cr->error = -1;
	if (!cr->error) {
		if (cli_answer(fd[CONTROL_MAX_CLIENTS], &cr->ans[1]) == -1 ||
		    read(fd[CONTROL_MAX_CLIENTS], &byte, 1) != 0)
			cr->error = -2;
		else if (cli_request(fd[0], "echo first") == -1 ||
		    cli_answer(fd[0], &cr->ans[0]) == -1)
			cr->error = -3;
	}
	for (i = 0; i <= CONTROL_MAX_CLIENTS; i++)
		if (fd[i] != -1)
			close(fd[i]);
}

static void
test_client_limit(void **state)
{
	struct crowd cr = { .n = CONTROL_MAX_CLIENTS + 1 };

	run_job(limit_run, &cr);
	assert_int_equal(cr.error, 0);
	assert_answer(&cr.ans[1], CTL_STATUS_ERROR, "", "too many clients");
	assert_answer(&cr.ans[0], CTL_STATUS_OK, "first\n", "");
	sbuf_free(&cr.ans[0].data);
	sbuf_free(&cr.ans[1].data);
	assert_int_equal(loop_until(no_clients, NULL), 0);
}

/*
 * A client that asks for 8 MB and stops reading must not hold up
 * another; a client that leaves mid-answer is freed.
 */
struct stall {
	int stalled_fd;
	struct answer other;
	long first_bytes;
	int error;
};

static void
stall_run(void *arg)
{
	struct stall *st = arg;
	uint8_t buf[100];
	int quitter, other;

	st->stalled_fd = cli_connect(fx.rw);
	quitter = cli_connect(fx.rw);
	other = cli_connect(fx.rw);
	if (st->stalled_fd == -1 || quitter == -1 || other == -1) {
		st->error = -1;
		return;
	}
	if (cli_request(st->stalled_fd, "big 8000000") == -1 ||
	    cli_request(quitter, "big 8000000") == -1 ||
	    cli_read(quitter, buf, sizeof(buf)) == -1)
		st->error = -2;
	st->first_bytes = sizeof(buf);
	close(quitter);
	if (cli_request(other, "echo not blocked") == -1 ||
	    cli_answer(other, &st->other) == -1)
		st->error = -3;
	close(other);
	/* The stalled one is closed by the main thread, later. */
}

static void
test_stalled_and_vanishing_clients(void **state)
{
	struct stall st = { .stalled_fd = -1 };

	run_job(stall_run, &st);
	assert_int_equal(st.error, 0);
	assert_answer(&st.other, CTL_STATUS_OK, "not blocked\n", "");
	sbuf_free(&st.other.data);
	/* The others go; the stalled answer is still pending. */
	assert_int_equal(loop_until(one_client, NULL), 0);
	close(st.stalled_fd);
	assert_int_equal(loop_until(no_clients, NULL), 0);
}

static int
log_has(const char *needle)
{
	struct sbuf sb;
	int found;

	sbuf_init(&sb);
	log_ring_dump(&sb, 0);
	found = sb.s != NULL && strstr(sb.s, needle) != NULL;
	sbuf_free(&sb);
	return found;
}

static void
test_socket_file(void **state)
{
	char deep[192], stale[128], plain[128], expect[256];
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	/* The daemon's own socket: a 0660 socket, a live one refused. */
	assert_int_equal(stat(fx.rw, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(stat(fx.ro, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0660);
	assert_int_equal(control_listen(fx.base, fx.rw, NULL, 0), -1);
	snprintf(
	    expect, sizeof(expect), "another l2tpv3d is running on %s", fx.rw);
	assert_true(log_has(expect));
	assert_int_equal(stat(fx.rw, &st), 0); /* still there */

	/* Missing parent directories are made, 0755. */
	snprintf(deep, sizeof(deep), "%s/run/l2tpv3d/ctl.sock", fx.dir);
	assert_int_equal(
	    control_listen(fx.base, deep, "no-such-group-xyz", 0), 0);
	snprintf(expect, sizeof(expect), "%s/run/l2tpv3d", fx.dir);
	assert_int_equal(stat(expect, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_true(log_has("group no-such-group-xyz does not exist"));

	/* A socket nobody listens on is stale and replaced. */
	path_join(stale, sizeof(stale), fx.dir, "stale.sock");
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, stale);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	assert_int_equal(control_listen(fx.base, stale, NULL, 0), 0);

	/* Anything else at the path is left alone. */
	path_join(plain, sizeof(plain), fx.dir, "plain");
	assert_true((fd = open(plain, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);
	assert_int_equal(control_listen(fx.base, plain, NULL, 0), -1);
	assert_int_equal(stat(plain, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(unlink(plain), 0);

	/* Shutdown unlinks every socket it made. */
	control_shutdown();
	assert_int_equal(stat(deep, &st), -1);
	assert_int_equal(stat(stale, &st), -1);
	assert_int_equal(stat(fx.rw, &st), -1);
	snprintf(expect, sizeof(expect), "%s/run/l2tpv3d", fx.dir);
	assert_int_equal(rmdir(expect), 0);
	snprintf(expect, sizeof(expect), "%s/run", fx.dir);
	assert_int_equal(rmdir(expect), 0);
}

/* ---- l2tpsh as a child process ---- */

struct child {
	struct sbuf out, err;
	int open; /* output pipes not yet at EOF */
	struct event *ev[2];
	int status;
};

static void
child_read_cb(evutil_socket_t fd, short what, void *arg)
{
	struct child *ch = arg;
	char buf[4096];
	ssize_t n;

	n = read(fd, buf, sizeof(buf));
	if (n > 0) {
		sbuf_putn(fd == event_get_fd(ch->ev[0]) ? &ch->out : &ch->err,
		    buf, (size_t)n);
		return;
	}
	event_del(fd == event_get_fd(ch->ev[0]) ? ch->ev[0] : ch->ev[1]);
	ch->open--;
}

static int
child_finished(void *arg)
{
	return ((struct child *)arg)->open == 0;
}

/*
 * Run l2tpsh with args (NULL-terminated), stdin from `input` (NULL:
 * /dev/null), and env L2TPSH_SOCKET set to `envsock` or unset.
 */
static void
run_l2tpsh(struct child *ch, const char *input, const char *envsock,
    const char *const *args)
{
	char prog[512], *argv[16];
	const char *top = getenv("top_builddir");
	posix_spawn_file_actions_t fa;
	int out[2], err[2], in[2], i;
	pid_t pid;

	snprintf(prog, sizeof(prog), "%s/cli/l2tpsh", top != NULL ? top : ".");
	if (access(prog, X_OK) != 0)
		fail_msg("%s not built (set top_builddir)", prog);
	argv[0] = prog;
	for (i = 0; args[i] != NULL && i < 14; i++)
		argv[i + 1] = (char *)args[i];
	argv[i + 1] = NULL;

	assert_int_equal(make_pipe(out), 0);
	assert_int_equal(make_pipe(err), 0);
	assert_int_equal(make_pipe(in), 0);
	if (input != NULL)
		assert_int_equal(
		    write(in[1], input, strlen(input)), (ssize_t)strlen(input));
	close(in[1]);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	if (envsock != NULL)
		setenv("L2TPSH_SOCKET", envsock, 1);
	else
		unsetenv("L2TPSH_SOCKET");
	assert_int_equal(posix_spawn(&pid, prog, &fa, NULL, argv, environ), 0);
	unsetenv("L2TPSH_SOCKET");
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	close(err[1]);

	sbuf_init(&ch->out);
	sbuf_init(&ch->err);
	ch->open = 2;
	ch->ev[0] =
	    event_new(fx.base, out[0], EV_READ | EV_PERSIST, child_read_cb, ch);
	ch->ev[1] =
	    event_new(fx.base, err[0], EV_READ | EV_PERSIST, child_read_cb, ch);
	event_add(ch->ev[0], NULL);
	event_add(ch->ev[1], NULL);
	assert_int_equal(loop_until(child_finished, ch), 0);
	event_free(ch->ev[0]);
	event_free(ch->ev[1]);
	close(out[0]);
	close(err[0]);
	assert_int_equal(waitpid(pid, &ch->status, 0), pid);
	assert_true(WIFEXITED(ch->status));
	ch->status = WEXITSTATUS(ch->status);
}

static void
child_free(struct child *ch)
{
	sbuf_free(&ch->out);
	sbuf_free(&ch->err);
}

static const char *
str(const struct sbuf *sb)
{
	return sb->s != NULL ? sb->s : "";
}

static void
test_l2tpsh_commands(void **state)
{
	struct child ch;
	const char *ok[] = { "-S", fx.rw, "-c", "echo hello", "-c",
		"echo   world json", NULL };
	const char *failing[] = { "-S", fx.rw, "-c", "echo a", "-c", "fail",
		"-c", "echo b", NULL };
	const char *unknown[] = { "-S", fx.rw, "-c", "bogus", NULL };
	const char *big[] = { "-S", fx.rw, "-c", "big 300000", NULL };

	run_l2tpsh(&ch, NULL, NULL, ok);
	assert_int_equal(ch.status, 0);
	assert_string_equal(str(&ch.out), "hello\nworld\n");
	assert_string_equal(str(&ch.err), "");
	assert_int_equal(seen.json[1], 1);
	child_free(&ch);

	run_l2tpsh(&ch, NULL, NULL, failing);
	assert_int_equal(ch.status, 1);
	assert_string_equal(str(&ch.out), "a\npartial\nb\n");
	assert_string_equal(str(&ch.err), "it failed on purpose\n");
	child_free(&ch);

	run_l2tpsh(&ch, NULL, NULL, unknown);
	assert_int_equal(ch.status, 1);
	assert_string_equal(str(&ch.err), "unknown command\n");
	child_free(&ch);

	run_l2tpsh(&ch, NULL, NULL, big);
	assert_int_equal(ch.status, 0);
	assert_int_equal(ch.out.len, 300000);
	assert_int_equal(ch.out.s[299999], 'a' + 299999 % 26);
	child_free(&ch);
}

static void
test_l2tpsh_stdin_and_env(void **state)
{
	struct child ch;
	const char *none[] = { NULL };
	const char *ro[] = { "-S", fx.ro, "-c", "configure terminal", NULL };

	/* Commands on stdin; the socket from the environment. */
	run_l2tpsh(
	    &ch, "# a comment\n\n   \n  echo one\necho two\r\n", fx.rw, none);
	assert_int_equal(ch.status, 0);
	assert_string_equal(str(&ch.out), "one\ntwo\n");
	assert_int_equal(seen.calls, 2);
	child_free(&ch);

	run_l2tpsh(&ch, "echo x\nfail\n", fx.rw, none);
	assert_int_equal(ch.status, 1);
	assert_string_equal(str(&ch.out), "x\npartial\n");
	child_free(&ch);

	run_l2tpsh(&ch, NULL, NULL, ro);
	assert_int_equal(ch.status, 1);
	assert_string_equal(str(&ch.err), "denied: read-only socket\n");
	child_free(&ch);
}

static void
test_l2tpsh_no_daemon(void **state)
{
	struct child ch;
	char nosock[128], expect[256];
	const char *args[] = { "-S", nosock, "-c", "echo x", NULL };
	const char *help[] = { "-h", NULL };
	const char *bad[] = { "-x", NULL };

	path_join(nosock, sizeof(nosock), fx.dir, "nothing.sock");
	run_l2tpsh(&ch, NULL, NULL, args);
	assert_int_equal(ch.status, 2);
	assert_string_equal(str(&ch.out), "");
	snprintf(expect, sizeof(expect),
	    "l2tpsh: cannot connect to %s: No such file or directory "
	    "(is l2tpv3d running?)\n",
	    nosock);
	assert_string_equal(str(&ch.err), expect);
	child_free(&ch);

	run_l2tpsh(&ch, NULL, NULL, help);
	assert_int_equal(ch.status, 0);
	assert_non_null(strstr(str(&ch.out), "usage: l2tpsh"));
	child_free(&ch);

	run_l2tpsh(&ch, NULL, NULL, bad);
	assert_int_equal(ch.status, 2);
	assert_non_null(strstr(str(&ch.err), "usage: l2tpsh"));
	child_free(&ch);
	assert_int_equal(seen.calls, 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_commands),
		T(test_pipelined),
		T(test_big_answer_streams),
		T(test_readonly_socket),
		T(test_bad_frames),
		T(test_dribbled_frame),
		T(test_many_clients),
		T(test_client_limit),
		T(test_stalled_and_vanishing_clients),
		T(test_socket_file),
		T(test_l2tpsh_commands),
		T(test_l2tpsh_stdin_and_env),
		T(test_l2tpsh_no_daemon),
	};

	/* As in the daemon: a vanished client is an error, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	umask(022);
	log_init(1, 0, "test_control");
	return cmocka_run_group_tests(tests, NULL, NULL);
}

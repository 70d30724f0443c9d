/*
 * The graceful-restart state format (daemon/handover.c): a state
 * survives encode/decode exactly; another format version, a wrong
 * magic, every truncation and every single-byte corruption are refused
 * (or decoded into something bounded) without a crash or a leak (ASan).
 * The streaming writer and reader (what a graceful restart uses), over a
 * table of states: the same bytes as ho_encode, the same tunnels as
 * ho_decode, input cut at every tunnel boundary (and a byte either side)
 * refused cleanly, a writer out of room failing, the descriptors passed
 * put in place in order and their count checked.
 * Also rl_export/rl_import: a layer carried over keeps its sequence
 * numbers and send queue.
 */
#include <netinet/in.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/handover.h"
#include "daemon/reliable.h"

static uint8_t *
dup_bytes(const char *s)
{
	uint8_t *p = malloc(strlen(s));

	assert_non_null(p);
	memcpy(p, s, strlen(s));
	return p;
}

static void
sample(struct ho_state *st)
{
	struct sockaddr_in *a;
	struct ho_tunnel *t;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->version = HO_VERSION;
	st->pid_fd = 3;
	st->ctl_lock_fd = 4;
	st->metrics_fd = 9;
	st->nctl = 1;
	snprintf(st->ctl[0].path, sizeof(st->ctl[0].path), "/run/x.sock");
	st->ctl[0].fd = 5;
	st->listeners = calloc(1, sizeof(*st->listeners));
	st->nlisteners = 1;
	st->listeners[0].encap = 1;
	st->listeners[0].fd = 6;
	a = (struct sockaddr_in *)&st->listeners[0].addr;
	a->sin_family = AF_INET;
	a->sin_port = htons(1701);
	st->tunnels = calloc(1, sizeof(*st->tunnels));
	st->ntunnels = 1;
	t = &st->tunnels[0];
	snprintf(t->name, sizeof(t->name), "t1");
	t->local_ccid = 0xdeadbeef;
	t->peer_ccid = 7;
	t->state = 8;
	t->fd = 9;
	a = (struct sockaddr_in *)&t->peer;
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(0x0a000001);
	a->sin_port = htons(1701);
	t->local_nonce_len = 16;
	memset(t->local_nonce, 0xab, 16);
	t->hello_deadline = 123456789;
	t->rl.tx_una = 65535;
	t->rl.tx_ns = 1;
	t->rl.in_flight = 1;
	t->rl.rx_nr = 42;
	t->rl.stats.rx_msgs = 99;
	t->msgs = calloc(2, sizeof(*t->msgs));
	t->nmsgs = 2;
	t->msgs[0].data = dup_bytes("hello");
	t->msgs[0].len = 5;
	t->msgs[1].data = dup_bytes("icrq!!");
	t->msgs[1].len = 6;
	t->nctr = 71;
	for (i = 0; i < t->nctr; i++)
		t->ctr[i] = i * 1000;
	t->sessions = calloc(2, sizeof(*t->sessions));
	t->nsessions = 2;
	snprintf(t->sessions[0].name, sizeof(t->sessions[0].name), "pw1");
	t->sessions[0].local_id = 11;
	t->sessions[0].local_cookie_len = 8;
	memset(t->sessions[0].local_cookie, 0x5a, 8);
	snprintf(t->sessions[1].name, sizeof(t->sessions[1].name), "pw2");
	snprintf(t->sessions[1].ifname, sizeof(t->sessions[1].ifname), "l2e0");
}

static void
test_roundtrip(void **state)
{
	struct ho_state in, out;
	uint8_t *buf, *buf2;
	size_t len, len2;
	char err[256];

	(void)state;
	sample(&in);
	assert_int_equal(ho_encode(&in, &buf, &len), 0);
	assert_int_equal(ho_decode(buf, len, &out, err, sizeof(err)), 0);
	assert_int_equal(out.ntunnels, 1);
	assert_int_equal(out.tunnels[0].local_ccid, 0xdeadbeef);
	assert_int_equal(out.tunnels[0].rl.tx_una, 65535);
	assert_int_equal(out.tunnels[0].rl.rx_nr, 42);
	assert_int_equal(out.tunnels[0].nmsgs, 2);
	assert_memory_equal(out.tunnels[0].msgs[1].data, "icrq!!", 6);
	assert_int_equal(out.tunnels[0].ctr[70], 70000);
	assert_int_equal(out.tunnels[0].nsessions, 2);
	assert_string_equal(out.tunnels[0].sessions[1].ifname, "l2e0");
	assert_int_equal(out.ctl[0].fd, 5);
	assert_int_equal(
	    ntohs(((struct sockaddr_in *)&out.tunnels[0].peer)->sin_port),
	    1701);
	/* Encoding what was decoded gives the same bytes. */
	assert_int_equal(ho_encode(&out, &buf2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(buf, buf2, len);
	free(buf);
	free(buf2);
	ho_state_free(&in);
	ho_state_free(&out);
}

/* The descriptors go in one fixed order, -1 left out, so that the new
 * process can put what it received back where the old one's were. */
static void
test_fds_order(void **state)
{
	static const struct {
		int metrics_fd, listener_fd, tunnel_fd;
		size_t n;
		int32_t want[6];
	} cases[] = {
		{ 9, 6, 12, 6, { 3, 4, 9, 5, 6, 12 } },
		{ -1, 6, 12, 5, { 3, 4, 5, 6, 12 } },
		{ -1, -1, -1, 3, { 3, 4, 5 } },
		{ 9, -1, 12, 5, { 3, 4, 9, 5, 12 } },
	};
	struct ho_state st;
	int32_t *ptrs[8];
	size_t c, i, n;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		sample(&st);
		st.metrics_fd = cases[c].metrics_fd;
		st.listeners[0].fd = cases[c].listener_fd;
		st.tunnels[0].fd = cases[c].tunnel_fd;
		assert_int_equal(ho_state_fds(&st, NULL, 0), cases[c].n);
		/* A short array: the count is still the whole. */
		assert_int_equal(ho_state_fds(&st, ptrs, 2), cases[c].n);
		n = ho_state_fds(&st, ptrs, 8);
		assert_int_equal(n, cases[c].n);
		for (i = 0; i < n; i++) {
			assert_int_equal(*ptrs[i], cases[c].want[i]);
			*ptrs[i] = (int32_t)(100 + i);
		}
		/* The pointers are the state's own fields. */
		assert_int_equal(st.pid_fd, 100);
		assert_int_equal(st.tunnels[0].fd,
		    cases[c].tunnel_fd == -1 ? -1 : (int32_t)(100 + n - 1));
		ho_state_free(&st);
	}
}

static void
test_version_refused(void **state)
{
	struct ho_state in, out;
	uint8_t *buf;
	size_t len;
	char err[256], want[96];

	(void)state;
	sample(&in);
	in.version = HO_VERSION + 1;
	assert_int_equal(ho_encode(&in, &buf, &len), 0);
	assert_int_equal(ho_decode(buf, len, &out, err, sizeof(err)), -1);
	snprintf(want, sizeof(want),
	    "format version %d, this build reads version %d only",
	    HO_VERSION + 1, HO_VERSION);
	assert_non_null(strstr(err, want));
	assert_int_equal(out.ntunnels, 0);
	buf[0] = 'X';
	assert_int_equal(ho_decode(buf, len, &out, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "magic"));
	free(buf);
	ho_state_free(&in);
}

static void
test_truncated_and_corrupt(void **state)
{
	struct ho_state in, out;
	uint8_t *buf, *copy;
	size_t len, i;
	char err[256];
	int ok = 0;

	(void)state;
	sample(&in);
	assert_int_equal(ho_encode(&in, &buf, &len), 0);
	for (i = 0; i < len; i++) {
		copy = malloc(i + 1);
		memcpy(copy, buf, i);
		assert_int_equal(
		    ho_decode(copy, i, &out, err, sizeof(err)), -1);
		free(copy);
	}
	/* One byte trailing: refused too. */
	copy = malloc(len + 1);
	memcpy(copy, buf, len);
	copy[len] = 0;
	assert_int_equal(ho_decode(copy, len + 1, &out, err, sizeof(err)), -1);
	free(copy);
	for (i = 0; i < len; i++) {
		copy = malloc(len);
		memcpy(copy, buf, len);
		copy[i] ^= 0xff;
		if (ho_decode(copy, len, &out, err, sizeof(err)) == 0) {
			ok++;
			ho_state_free(&out);
		}
		free(copy);
	}
	/* Most corruptions land in values, not in the structure. */
	assert_true(ok > 0);
	free(buf);
	ho_state_free(&in);
}

/* --- streaming ----------------------------------------------------- */

#define SC_MAX 6

/* A state of n tunnels: tunnel i has nmsgs[i] queued messages (lengths
 * 1 + 7i + j), nsess[i] sessions, socket fd[i] (-1: none). */
struct scase {
	const char *what;
	size_t n;
	size_t nmsgs[SC_MAX];
	size_t nsess[SC_MAX];
	int32_t fd[SC_MAX];
};

static const struct scase scases[] = {
	{ "no tunnel", 0, { 0 }, { 0 }, { 0 } },
	{ "one bare tunnel", 1, { 0 }, { 0 }, { 7 } },
	{ "one with queue and sessions", 1, { 3 }, { 10 }, { 7 } },
	{ "IP tunnel without socket", 2, { 1, 0 }, { 2, 0 }, { -1, 8 } },
	{ "growing then shrinking", 4, { 0, 5, 1, 0 }, { 1, 40, 0, 3 },
	    { 5, 6, -1, 7 } },
	{ "six", 6, { 2, 2, 2, 0, 0, 9 }, { 0, 1, 2, 3, 4, 5 },
	    { 10, 11, 12, 13, 14, 15 } },
};

static void
sc_build(struct ho_state *st, const struct scase *c)
{
	struct ho_tunnel *t;
	uint8_t *p;
	size_t i, j;

	memset(st, 0, sizeof(*st));
	st->version = HO_VERSION;
	st->pid_fd = st->ctl_lock_fd = st->metrics_fd = -1;
	st->tunnels = calloc(c->n + 1, sizeof(*st->tunnels));
	assert_non_null(st->tunnels);
	st->ntunnels = c->n;
	for (i = 0; i < c->n; i++) {
		t = &st->tunnels[i];
		snprintf(t->name, sizeof(t->name), "t%zu", i);
		t->local_ccid = 100 + (uint32_t)i;
		t->fd = c->fd[i];
		t->nctr = i * 10;
		t->ctr[0] = i;
		t->rl.tx_ns = (uint16_t)c->nmsgs[i];
		t->msgs = calloc(c->nmsgs[i] + 1, sizeof(*t->msgs));
		t->nmsgs = c->nmsgs[i];
		for (j = 0; j < c->nmsgs[i]; j++) {
			t->msgs[j].len = 1 + 7 * i + j;
			p = malloc(t->msgs[j].len);
			assert_non_null(p);
			memset(p, (int)(i * 16 + j), t->msgs[j].len);
			t->msgs[j].data = p;
		}
		t->sessions = calloc(c->nsess[i] + 1, sizeof(*t->sessions));
		t->nsessions = c->nsess[i];
		for (j = 0; j < c->nsess[i]; j++) {
			snprintf(t->sessions[j].name,
			    sizeof(t->sessions[j].name), "s%zu.%zu", i, j);
			t->sessions[j].local_id = (uint32_t)(i * 1000 + j);
		}
	}
}

/* The stream writer's bytes of st, and where each tunnel ends
 * (ends[0]: the head and count; ends[i + 1]: tunnel i). */
static uint8_t *
sc_write(const struct ho_state *st, size_t *len, size_t *ends)
{
	struct ho_writer w;
	size_t cap = ho_encode_bound(st), i;
	uint8_t *buf = malloc(cap);

	assert_non_null(buf);
	ho_write_begin(&w, buf, cap, st);
	ends[0] = wbuf_len(&w.w);
	for (i = 0; i < st->ntunnels; i++) {
		ho_write_tunnel(&w, &st->tunnels[i]);
		ends[i + 1] = wbuf_len(&w.w);
	}
	assert_int_equal(ho_write_end(&w, len), 0);
	assert_int_equal(w.ntunnels, st->ntunnels);
	return buf;
}

static void
sc_same(const struct ho_tunnel *a, const struct ho_tunnel *b)
{
	size_t j;

	assert_string_equal(a->name, b->name);
	assert_int_equal(a->local_ccid, b->local_ccid);
	assert_int_equal(a->nctr, b->nctr);
	assert_int_equal(a->nmsgs, b->nmsgs);
	for (j = 0; j < a->nmsgs; j++) {
		assert_int_equal(a->msgs[j].len, b->msgs[j].len);
		assert_memory_equal(
		    a->msgs[j].data, b->msgs[j].data, a->msgs[j].len);
	}
	assert_int_equal(a->nsessions, b->nsessions);
	for (j = 0; j < a->nsessions; j++) {
		assert_string_equal(a->sessions[j].name, b->sessions[j].name);
		assert_int_equal(
		    a->sessions[j].local_id, b->sessions[j].local_id);
	}
}

/* Read buf (len bytes) with the stream reader; the tunnels read in *n,
 * each checked against want's; the reader's last result. */
static int
sc_read(const uint8_t *buf, size_t len, const struct ho_state *want,
    const int32_t *fds, size_t nfds, size_t *n, char *err, size_t errlen)
{
	struct ho_reader rd;
	struct ho_state head;
	struct ho_tunnel *t;
	int rc;

	*n = 0;
	if (ho_read_begin(&rd, buf, len, &head, err, errlen) == -1)
		return -1;
	assert_int_equal(head.ntunnels, 0);
	if (fds != NULL)
		ho_read_fds(&rd, fds, nfds);
	while ((rc = ho_read_tunnel(&rd, &t, err, errlen)) == 1) {
		assert_true(*n < want->ntunnels);
		sc_same(t, &want->tunnels[*n]);
		if (fds == NULL)
			assert_int_equal(t->fd, want->tunnels[*n].fd);
		(*n)++;
	}
	ho_read_free(&rd);
	ho_state_free(&head);
	return rc;
}

static void
test_stream_roundtrip(void **state)
{
	size_t c, len, len2, n, ends[SC_MAX + 1];
	struct ho_state st, out;
	uint8_t *buf, *buf2;
	char err[256];

	(void)state;
	for (c = 0; c < sizeof(scases) / sizeof(scases[0]); c++) {
		print_message("%s\n", scases[c].what);
		sc_build(&st, &scases[c]);
		buf = sc_write(&st, &len, ends);
		/* The whole-state encoder writes the same bytes. */
		assert_int_equal(ho_encode(&st, &buf2, &len2), 0);
		assert_int_equal(len, len2);
		assert_memory_equal(buf, buf2, len);
		assert_int_equal(ends[st.ntunnels], len);
		/* The reader reads what ho_decode does. */
		assert_int_equal(
		    ho_decode(buf, len, &out, err, sizeof(err)), 0);
		assert_int_equal(out.ntunnels, st.ntunnels);
		assert_int_equal(
		    sc_read(buf, len, &out, NULL, 0, &n, err, sizeof(err)), 0);
		assert_int_equal(n, st.ntunnels);
		free(buf);
		free(buf2);
		ho_state_free(&out);
		ho_state_free(&st);
	}
}

/* Cut at every tunnel boundary, and a byte either side: the reader
 * reads no more than the whole tunnels before the cut, then fails
 * (never a clean end), and ho_decode refuses it. */
static void
test_stream_truncated(void **state)
{
	size_t c, i, len, n, cut, ends[SC_MAX + 1];
	struct ho_state st, out;
	uint8_t *buf, *copy;
	char err[256];
	int d;

	(void)state;
	for (c = 0; c < sizeof(scases) / sizeof(scases[0]); c++) {
		sc_build(&st, &scases[c]);
		buf = sc_write(&st, &len, ends);
		for (i = 0; i <= st.ntunnels; i++)
			for (d = -1; d <= 1; d++) {
				cut = ends[i] + (size_t)d;
				if (cut >= len)
					continue;
				copy = malloc(cut + 1);
				memcpy(copy, buf, cut);
				err[0] = '\0';
				assert_int_equal(sc_read(copy, cut, &st, NULL,
						     0, &n, err, sizeof(err)),
				    -1);
				assert_non_null(strstr(err, "truncated"));
				/* At most the tunnels wholly before the cut
				 * (the count is checked against the bytes
				 * left first: 64 a tunnel). */
				assert_true(
				    n <= (d >= 0 ? i : (i > 0 ? i - 1 : 0)));
				assert_int_equal(ho_decode(copy, cut, &out, err,
						     sizeof(err)),
				    -1);
				assert_null(out.tunnels);
				free(copy);
			}
		free(buf);
		ho_state_free(&st);
	}
}

/* A writer out of room fails at its end, wherever it ran out. */
static void
test_stream_no_room(void **state)
{
	size_t c, i, len, len2, ends[SC_MAX + 1];
	struct ho_writer w;
	struct ho_state st;
	uint8_t *buf, *small;

	(void)state;
	for (c = 0; c < sizeof(scases) / sizeof(scases[0]); c++) {
		sc_build(&st, &scases[c]);
		buf = sc_write(&st, &len, ends);
		for (i = 0; i <= st.ntunnels; i++) {
			small = malloc(ends[i]);
			ho_write_begin(&w, small, ends[i] - 1, &st);
			for (size_t j = 0; j < st.ntunnels; j++)
				ho_write_tunnel(&w, &st.tunnels[j]);
			assert_int_equal(ho_write_end(&w, &len2), -1);
			free(small);
		}
		free(buf);
		ho_state_free(&st);
	}
}

/* The descriptors passed go in place of the state's numbers, in order,
 * and their count must be exactly the state's. */
static void
test_stream_fds(void **state)
{
	static const int32_t fds[] = { 40, 41, 42, 43, 44, 45, 46 };
	static const struct {
		size_t scase, nfds;
		int ok;
		const char *err;
	} cases[] = {
		{ 1, 1, 1, NULL },
		{ 1, 0, 0, "more tunnel descriptors than the 0 passed" },
		{ 1, 2, 0, "names 1 tunnel descriptors, 2 were passed" },
		{ 0, 0, 1, NULL },
		{ 0, 1, 0, "names 0 tunnel descriptors, 1 were passed" },
		{ 3, 1, 1, NULL },
		{ 4, 3, 1, NULL },
		{ 4, 2, 0, "more tunnel descriptors than the 2 passed" },
		{ 5, 6, 1, NULL },
		{ 5, 7, 0, "names 6 tunnel descriptors, 7 were passed" },
	};
	size_t c, len, k, ends[SC_MAX + 1];
	struct ho_reader rd;
	struct ho_state st, head;
	struct ho_tunnel *t;
	uint8_t *buf;
	char err[256];
	int rc;

	(void)state;
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		sc_build(&st, &scases[cases[c].scase]);
		buf = sc_write(&st, &len, ends);
		assert_int_equal(
		    ho_read_begin(&rd, buf, len, &head, err, sizeof(err)), 0);
		ho_read_fds(&rd, fds, cases[c].nfds);
		k = 0;
		while ((rc = ho_read_tunnel(&rd, &t, err, sizeof(err))) == 1)
			if (t->fd >= 0)
				assert_int_equal(t->fd, fds[k++]);
			else
				assert_int_equal(
				    st.tunnels[rd.nread - 1].fd, -1);
		assert_int_equal(rc, cases[c].ok ? 0 : -1);
		if (!cases[c].ok) {
			assert_non_null(strstr(err, cases[c].err));
			/* A failure sticks. */
			assert_int_equal(
			    ho_read_tunnel(&rd, &t, err, sizeof(err)), -1);
		}
		ho_read_free(&rd);
		ho_state_free(&head);
		free(buf);
		ho_state_free(&st);
	}
}

static void
nop_tx(void *a, uint8_t *d, size_t l, int r)
{
	(*(int *)a)++;
}

static void
nop_deliver(void *a, const uint8_t *d, size_t l)
{
}

static void
nop_ack(void *a)
{
}

static void
nop_dead(void *a)
{
}

static void
collect(void *arg, const uint8_t *d, size_t l)
{
	size_t *n = arg;

	(*n)++;
}

static void
test_rl_carried_over(void **state)
{
	const struct rl_ops ops = { nop_tx, nop_deliver, nop_ack, nop_dead };
	struct rl_snapshot s;
	uint8_t *dg[3];
	size_t lens[3], n = 0, i;
	struct rl *a, *b;
	int tx = 0;

	(void)state;
	a = rl_new(NULL, &ops, &tx);
	for (i = 0; i < 3; i++)
		rl_send(a, dup_bytes("msg"), 3, 1000);
	/* Window 1 (slow start): one in flight, two waiting. */
	rl_export(a, &s, collect, &n);
	assert_int_equal(n, 3);
	assert_int_equal(s.in_flight, 1);
	assert_int_equal(s.tx_ns, 3);
	for (i = 0; i < 3; i++) {
		dg[i] = dup_bytes("msg");
		lens[i] = 3;
	}
	b = rl_import(&s, dg, lens, 3, &ops, &tx);
	assert_non_null(b);
	assert_int_equal(rl_next_ns(b), 3);
	assert_int_equal(rl_in_flight(b), 1);
	assert_int_equal(rl_next_timeout(b), rl_next_timeout(a));
	/* The ack for Ns 0 opens the window (slow start: 2): both waiting
	 * ones go. */
	tx = 0;
	assert_int_equal(rl_recv(b, 0, 1, 1, NULL, 0, 1100), 0);
	assert_int_equal(tx, 2);
	/* A queue that does not match the sequence numbers: refused. */
	for (i = 0; i < 2; i++) {
		dg[i] = dup_bytes("msg");
		lens[i] = 3;
	}
	assert_null(rl_import(&s, dg, lens, 2, &ops, &tx));
	rl_free(a);
	rl_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fds_order),
		cmocka_unit_test(test_version_refused),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_stream_roundtrip),
		cmocka_unit_test(test_stream_truncated),
		cmocka_unit_test(test_stream_no_room),
		cmocka_unit_test(test_stream_fds),
		cmocka_unit_test(test_rl_carried_over),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

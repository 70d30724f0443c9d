/*
 * Fuzz target for the graceful-restart state decoder (daemon/handover.c):
 * the bytes a new process maps from the old one's memfd.  Pure.
 *
 * Input: a state as the old process writes it (magic, version, head,
 * tunnels).  Invariants: the whole-state decoder (ho_decode) and the
 * streaming reader (what a graceful restart uses) accept and refuse the
 * same inputs and read the same tunnels; the reader puts only passed
 * descriptors in place and never more than were passed; a state that
 * decodes encodes within its bound, and decoding and encoding that again
 * gives the same bytes; nothing leaks (LSan) or reads past the input
 * (ASan).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/handover.h"
#include "tests/fuzz/fuzz_check.h"

#define FDS 4
#define FD_BASE 1000

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
same_tunnel(const struct ho_tunnel *a, const struct ho_tunnel *b)
{
	size_t i;

	CHECK(strcmp(a->name, b->name) == 0);
	CHECK(a->local_ccid == b->local_ccid);
	CHECK(a->hello_deadline == b->hello_deadline);
	CHECK(a->rl.tx_ns == b->rl.tx_ns);
	CHECK(a->nctr == b->nctr);
	CHECK(a->nmsgs == b->nmsgs);
	for (i = 0; i < a->nmsgs; i++) {
		CHECK(a->msgs[i].len == b->msgs[i].len);
		CHECK(memcmp(a->msgs[i].data, b->msgs[i].data,
			  a->msgs[i].len) == 0);
	}
	CHECK(a->nsessions == b->nsessions);
	/* Field by field: the padding of a reused array is not the
	 * state's. */
	for (i = 0; i < a->nsessions; i++) {
		CHECK(strcmp(a->sessions[i].name, b->sessions[i].name) == 0);
		CHECK(a->sessions[i].local_id == b->sessions[i].local_id);
		CHECK(a->sessions[i].remote_id == b->sessions[i].remote_id);
		CHECK(a->sessions[i].state == b->sessions[i].state);
		CHECK(a->sessions[i].peer_cookie_len ==
		    b->sessions[i].peer_cookie_len);
		CHECK(memcmp(a->sessions[i].peer_cookie,
			  b->sessions[i].peer_cookie, HO_COOKIE_MAX) == 0);
		CHECK(
		    strcmp(a->sessions[i].ifname, b->sessions[i].ifname) == 0);
	}
}

/* The streaming reader over the input, against the whole state (when
 * it decoded); its result (0 or -1). */
static int
stream(const uint8_t *data, size_t size, const struct ho_state *whole,
    int with_fds)
{
	static const int32_t fds[FDS] = { FD_BASE, FD_BASE + 1, FD_BASE + 2,
		FD_BASE + 3 };
	struct ho_reader rd;
	struct ho_state head;
	struct ho_tunnel *t;
	char err[256];
	size_t n = 0, named = 0;
	int rc;

	if (ho_read_begin(&rd, data, size, &head, err, sizeof(err)) == -1)
		return -1;
	CHECK(head.ntunnels == 0 && head.tunnels == NULL);
	if (with_fds)
		ho_read_fds(&rd, fds, FDS);
	while ((rc = ho_read_tunnel(&rd, &t, err, sizeof(err))) == 1) {
		CHECK(n < rd.ntunnels);
		if (whole != NULL) {
			CHECK(n < whole->ntunnels);
			if (with_fds && t->fd >= 0) {
				/* The next one passed, in order. */
				CHECK(t->fd == FD_BASE + (int32_t)named);
				CHECK(whole->tunnels[n].fd >= 0);
				named++;
			} else if (!with_fds)
				CHECK(t->fd == whole->tunnels[n].fd);
			same_tunnel(t, &whole->tunnels[n]);
		}
		n++;
	}
	/* A failure sticks. */
	if (rc == -1)
		CHECK(ho_read_tunnel(&rd, &t, err, sizeof(err)) == -1);
	if (rc == 0)
		CHECK(n == rd.ntunnels);
	if (rc == 0 && with_fds)
		CHECK(named == FDS);
	ho_read_free(&rd);
	ho_state_free(&head);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ho_state st, st2;
	uint8_t *buf, *buf2;
	size_t len, len2, i, nfds = 0;
	char err[256];
	int whole;

	whole = ho_decode(data, size, &st, err, sizeof(err));
	CHECK(stream(data, size, whole == 0 ? &st : NULL, 0) == whole);
	if (whole == -1) {
		CHECK(st.ntunnels == 0 && st.tunnels == NULL);
		CHECK(st.listeners == NULL);
		return 0;
	}
	/* Exactly FDS tunnel descriptors passed: accepted only when the
	 * state names that many. */
	for (i = 0; i < st.ntunnels; i++)
		nfds += st.tunnels[i].fd >= 0;
	CHECK((stream(data, size, &st, 1) == 0) == (nfds == FDS));
	CHECK(ho_encode(&st, &buf, &len) == 0);
	CHECK(len <= ho_encode_bound(&st));
	CHECK(ho_decode(buf, len, &st2, err, sizeof(err)) == 0);
	CHECK(ho_encode(&st2, &buf2, &len2) == 0);
	CHECK(len == len2 && memcmp(buf, buf2, len) == 0);
	free(buf);
	free(buf2);
	ho_state_free(&st2);
	ho_state_free(&st);
	return 0;
}

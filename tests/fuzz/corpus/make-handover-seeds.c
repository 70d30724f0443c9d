/*
 * The fuzz_handover seeds: a few states encoded with ho_encode (the
 * writer a graceful restart uses), written to corpus/handover/.  Built
 * by hand when the format changes (from the top of the tree, after a
 * build in build/dev):
 *
 *   cc -Wall -I. -Ibuild/dev -o /tmp/mkseeds \
 *       tests/fuzz/corpus/make-handover-seeds.c daemon/handover.c \
 *       proto/buf.c && /tmp/mkseeds tests/fuzz/corpus/handover
 */
#include <netinet/in.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/handover.h"

static const uint8_t hello[] = { 0xc8, 0x03, 0x00, 0x14, 0, 0, 0, 7, 0, 1, 0, 2,
	0x80, 0x08, 0, 0, 0, 0, 0, 6 };
static uint8_t big[600];

static void
tunnel(struct ho_tunnel *t, size_t i, int fd, size_t nmsgs, size_t nsess)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&t->peer;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&t->peer;
	size_t j;

	snprintf(t->name, sizeof(t->name), "tunnel-%zu", i);
	t->local_ccid = 1000 + (uint32_t)i;
	t->peer_ccid = 2000 + (uint32_t)i;
	t->state = 4;
	t->fd = fd;
	if (i % 2 == 0) {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(0x0a000001 + (uint32_t)i);
		a4->sin_port = htons(1701);
	} else {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr.s6_addr[15] = (uint8_t)i;
	}
	snprintf(t->peer_hostname, sizeof(t->peer_hostname), "lns%zu", i);
	snprintf(t->peer_vendor, sizeof(t->peer_vendor), "Cisco");
	t->digest = i % 3;
	t->local_nonce_len = 16;
	memset(t->local_nonce, 0xa5, 16);
	t->hello_deadline = 5000 + i;
	t->rl.tx_una = 65534;
	t->rl.tx_ns = (uint16_t)(65534 + nmsgs);
	t->rl.in_flight = nmsgs > 0 ? 1 : 0;
	t->msgs = calloc(nmsgs + 1, sizeof(*t->msgs));
	t->nmsgs = nmsgs;
	for (j = 0; j < nmsgs; j++) {
		uint8_t *p = malloc(j == 1 ? sizeof(big) : sizeof(hello));

		memcpy(p, j == 1 ? big : hello,
		    j == 1 ? sizeof(big) : sizeof(hello));
		t->msgs[j].data = p;
		t->msgs[j].len = j == 1 ? sizeof(big) : sizeof(hello);
	}
	t->nctr = 71;
	for (j = 0; j < t->nctr; j++)
		t->ctr[j] = j;
	t->sessions = calloc(nsess + 1, sizeof(*t->sessions));
	t->nsessions = nsess;
	for (j = 0; j < nsess; j++) {
		snprintf(t->sessions[j].name, sizeof(t->sessions[j].name),
		    "pw-%zu", j);
		t->sessions[j].local_id = 100 + (uint32_t)j;
		t->sessions[j].state = 3;
		t->sessions[j].peer_cookie_len = j % 2 ? 8 : 4;
		memset(t->sessions[j].peer_cookie, 0x42, 8);
		snprintf(t->sessions[j].ifname, sizeof(t->sessions[j].ifname),
		    "l2tpeth%u", (unsigned)(j % 100));
	}
}

static void
write_seed(const char *dir, const char *name, struct ho_state *st)
{
	char path[512];
	uint8_t *buf;
	size_t len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (ho_encode(st, &buf, &len) == -1 ||
	    (f = fopen(path, "wb")) == NULL || fwrite(buf, 1, len, f) != len ||
	    fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	free(buf);
	ho_state_free(st);
}

static void
head(struct ho_state *st, size_t ntunnels)
{
	memset(st, 0, sizeof(*st));
	st->version = HO_VERSION;
	st->pid_fd = st->ctl_lock_fd = st->metrics_fd = -1;
	st->tunnels = calloc(ntunnels + 1, sizeof(*st->tunnels));
	st->ntunnels = ntunnels;
}

int
main(int argc, char *argv[])
{
	struct ho_state st;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: make-handover-seeds DIR\n");
		return 1;
	}
	memset(big, 0x5c, sizeof(big));
	/* The base state: locks, control sockets, listeners, no tunnel. */
	head(&st, 0);
	st.pid_fd = 3;
	st.ctl_lock_fd = 4;
	st.metrics_fd = 7;
	st.nctl = 2;
	snprintf(st.ctl[0].path, sizeof(st.ctl[0].path), "/run/l2tpv3d.sock");
	st.ctl[0].fd = 5;
	snprintf(st.ctl[1].path, sizeof(st.ctl[1].path), "/run/ro.sock");
	st.ctl[1].fd = 6;
	st.listeners = calloc(2, sizeof(*st.listeners));
	st.nlisteners = 2;
	st.listeners[0].encap = 1;
	st.listeners[0].fd = 8;
	st.listeners[0].addr.ss_family = AF_INET;
	st.listeners[1].fd = 9;
	st.listeners[1].addr.ss_family = AF_INET6;
	write_seed(argv[1], "base", &st);
	/* The connections' state: four sockets (what the target passes),
	 * one IP-encapsulated tunnel without one. */
	head(&st, 5);
	for (i = 0; i < 5; i++)
		tunnel(
		    &st.tunnels[i], i, i == 2 ? -1 : 20 + (int)i, i % 3, i * 2);
	write_seed(argv[1], "tunnels-4fds", &st);
	/* Two tunnels, one with queued messages and many sessions. */
	head(&st, 2);
	tunnel(&st.tunnels[0], 0, 10, 3, 10);
	tunnel(&st.tunnels[1], 1, 11, 0, 0);
	write_seed(argv[1], "tunnels-2", &st);
	/* Another format version: refused whole. */
	head(&st, 1);
	st.version = HO_VERSION + 1;
	tunnel(&st.tunnels[0], 0, 10, 1, 1);
	write_seed(argv[1], "version-next", &st);
	return 0;
}

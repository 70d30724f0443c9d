/*
 * udpblast: the UDP ceiling of this machine, for the benchmarks to be
 * read against.  One process sends datagrams of a fixed size as fast as
 * the kernel takes them, another counts what arrives; the count per
 * second at the receiver is the ceiling (what is sent but dropped on the
 * way does not count).
 *
 *   udpblast -r ADDR:PORT [-t SECONDS] [-c N] [-p PEER:PORT]
 *   udpblast -s ADDR:PORT [-t SECONDS] [-l LEN] [-p SRC:PORT]
 *
 * The receiver starts its clock at the first datagram and prints one
 * line: "received N datagrams in S s: R/s".  Batching (sendmmsg and
 * recvmmsg) keeps the system-call cost out of the way, as a daemon
 * serving many tunnels could not, so this is an upper bound.
 *
 * With -c N the receiver first opens N more sockets on the same address
 * and port, each connected to its own peer (10.78.0.1, 10.78.0.2, ...),
 * as l2tpv3d's tunnel sockets are on port 1701: the kernel's per-datagram
 * socket lookup then has N sockets to consider, which is what an LNS
 * with N tunnels pays on every datagram (docs/performance.md).
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <err.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench/bench_clock.h"

#define BATCH 64
#define LEN_MAX 1472
#define SOCKBUF (8 * 1024 * 1024)

static void
usage(void)
{
	fprintf(stderr,
	    "usage: udpblast -r ADDR:PORT [-t SECONDS] [-c N] [-p PEER:PORT]\n"
	    "       udpblast -s ADDR:PORT [-t SECONDS] [-l LEN] "
	    "[-p SRC:PORT]\n");
	exit(2);
}

/* "10.0.0.1:9000" into sin. */
static void
parse_addr(const char *s, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t n;

	if (colon == NULL || (n = (size_t)(colon - s)) >= sizeof(host))
		errx(2, "bad address %s (want ADDR:PORT)", s);
	memcpy(host, s, n);
	host[n] = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
		errx(2, "bad address %s", host);
}

static int
udp_socket(int bufopt)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int size = SOCKBUF;

	if (fd == -1)
		err(1, "socket");
	/* The forced variant passes rmem_max/wmem_max; we are root. */
	if (setsockopt(fd, SOL_SOCKET, bufopt, &size, sizeof(size)) == -1)
		(void)setsockopt(fd, SOL_SOCKET,
		    bufopt == SO_RCVBUFFORCE ? SO_RCVBUF : SO_SNDBUF, &size,
		    sizeof(size));
	return fd;
}

/* N sockets sharing sin's address and port, connected to 10.78.0.0+i. */
static void
crowd_port(const struct sockaddr_in *sin, int n)
{
	struct sockaddr_in peer;
	int i, fd, one = 1;

	memset(&peer, 0, sizeof(peer));
	peer.sin_family = AF_INET;
	peer.sin_port = htons(1701);
	for (i = 0; i < n; i++) {
		peer.sin_addr.s_addr = htonl(0x0a4e0000u + 1 + (uint32_t)i);
		if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
			err(1, "socket %d", i);
		(void)setsockopt(
		    fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) ==
			-1 ||
		    connect(fd, (const struct sockaddr *)&peer, sizeof(peer)) ==
			-1)
			err(1, "crowd socket %d", i);
	}
}

static int
receive(const struct sockaddr_in *sin, double seconds, int crowd,
    const struct sockaddr_in *peer)
{
	static char bufs[BATCH][LEN_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	struct pollfd pfd;
	unsigned long long count = 0;
	double start = 0, end, left;
	int fd = udp_socket(SO_RCVBUFFORCE), i, n, one = 1;

	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	crowd_port(sin, crowd);
	if (bind(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		err(1, "bind");
	if (peer->sin_family == AF_INET &&
	    connect(fd, (const struct sockaddr *)peer, sizeof(*peer)) == -1)
		err(1, "connect");
	for (i = 0; i < BATCH; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = LEN_MAX;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	printf("ready\n");
	fflush(stdout);
	pfd.fd = fd;
	pfd.events = POLLIN;
	for (;;) {
		left = start == 0 ? 30 : start + seconds - bench_now();
		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			break;
		n = recvmmsg(fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		if (start == 0)
			start = bench_now();
		count += (unsigned long long)n;
	}
	end = bench_now();
	if (start == 0)
		errx(1, "nothing received");
	printf("received %llu datagrams in %.3f s: %.0f/s\n", count,
	    end - start, (double)count / (end - start));
	return 0;
}

static int
send_flood(const struct sockaddr_in *sin, double seconds, size_t len,
    const struct sockaddr_in *src)
{
	static char payload[LEN_MAX];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	unsigned long long sent = 0;
	double deadline = bench_now() + seconds;
	int fd = udp_socket(SO_SNDBUFFORCE), i, n;

	if (src->sin_family == AF_INET &&
	    bind(fd, (const struct sockaddr *)src, sizeof(*src)) == -1)
		err(1, "bind");
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1)
		err(1, "connect");
	memset(payload, 0xa5, sizeof(payload));
	iov.iov_base = payload;
	iov.iov_len = len;
	for (i = 0; i < BATCH; i++) {
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (bench_now() < deadline) {
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n > 0)
			sent += (unsigned long long)n;
		else if (errno != ENOBUFS && errno != EAGAIN &&
		    errno != ECONNREFUSED)
			err(1, "sendmmsg");
	}
	printf("sent %llu datagrams in %.3f s\n", sent, seconds);
	return 0;
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin, peer;
	const char *addr = NULL;
	double seconds = 3;
	size_t len = 100;
	int ch, recv_mode = -1, crowd = 0;

	memset(&peer, 0, sizeof(peer)); /* family 0: no -p */

	while ((ch = getopt(argc, argv, "c:p:r:s:t:l:")) != -1) {
		switch (ch) {
		case 'r':
		case 's':
			recv_mode = ch == 'r';
			addr = optarg;
			break;
		case 't':
			seconds = atof(optarg);
			break;
		case 'p':
			parse_addr(optarg, &peer);
			break;
		case 'c':
			crowd = atoi(optarg);
			break;
		case 'l':
			len = (size_t)atoi(optarg);
			break;
		default:
			usage();
		}
	}
	if (addr == NULL || seconds <= 0 || len == 0 || len > LEN_MAX ||
	    crowd < 0 || crowd > 60000)
		usage();
	parse_addr(addr, &sin);
	return recv_mode ? receive(&sin, seconds, crowd, &peer)
			 : send_flood(&sin, seconds, len, &peer);
}

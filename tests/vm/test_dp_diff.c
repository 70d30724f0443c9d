/*
 * The pure parts of daemon/dataplane.c, on this machine (no kernel
 * needed): what makes a kernel tunnel or session "different" when the
 * daemon decides to adopt or replace it, and cookie parsing.  The netlink
 * parts are tested against a real kernel in the VM tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "daemon/dataplane.h"

static void
base_tunnel(struct dp_tunnel_cfg *c, sa_family_t family)
{
	dp_tunnel_cfg_init(c);
	c->tunnel_id = 501;
	c->peer_tunnel_id = 101;
	c->local.family = c->peer.family = family;
	if (family == AF_INET) {
		inet_pton(AF_INET, "192.168.22.198", &c->local.u.v4);
		inet_pton(AF_INET, "192.168.22.196", &c->peer.u.v4);
	} else {
		inet_pton(AF_INET6, "fd00:22::198", &c->local.u.v6);
		inet_pton(AF_INET6, "fd00:22::196", &c->peer.u.v6);
	}
	c->local_port = 6000;
	c->peer_port = 5000;
}

struct tunnel_case {
	const char *name;
	sa_family_t family;
	void (*mutate)(struct dp_tunnel_cfg *);
	int differs;
	const char *why; /* a word the reason must contain */
};

static void
m_none(struct dp_tunnel_cfg *c)
{
	(void)c;
}

static void
m_peer_id(struct dp_tunnel_cfg *c)
{
	c->peer_tunnel_id = 102;
}

static void
m_encap(struct dp_tunnel_cfg *c)
{
	c->encap = DP_ENCAP_IP;
}

static void
m_foreign(struct dp_tunnel_cfg *c)
{
	c->encap = DP_ENCAP_OTHER;
}

static void
m_local(struct dp_tunnel_cfg *c)
{
	inet_pton(AF_INET, "192.168.22.199", &c->local.u.v4);
}

static void
m_remote6(struct dp_tunnel_cfg *c)
{
	inet_pton(AF_INET6, "fd00:22::197", &c->peer.u.v6);
}

static void
m_family(struct dp_tunnel_cfg *c)
{
	c->peer.family = AF_INET6;
}

static void
m_sport(struct dp_tunnel_cfg *c)
{
	c->local_port = 6001;
}

static void
m_dport(struct dp_tunnel_cfg *c)
{
	c->peer_port = 5001;
}

static void
m_csum(struct dp_tunnel_cfg *c)
{
	c->udp_csum = 1;
}

static void
m_csum6_tx(struct dp_tunnel_cfg *c)
{
	c->udp6_csum_tx = 0;
}

static void
m_csum6_rx(struct dp_tunnel_cfg *c)
{
	c->udp6_csum_rx = 0;
}

static const struct tunnel_case tunnel_cases[] = {
	{ "identical", AF_INET, m_none, 0, NULL },
	{ "identical v6", AF_INET6, m_none, 0, NULL },
	{ "peer tunnel", AF_INET, m_peer_id, 1, "peer tunnel" },
	{ "encap", AF_INET, m_encap, 1, "encapsulation" },
	{ "L2TPv2 or unknown", AF_INET, m_foreign, 1, "encapsulation" },
	{ "local address", AF_INET, m_local, 1, "local address" },
	{ "remote v6 address", AF_INET6, m_remote6, 1, "remote address" },
	{ "address family", AF_INET, m_family, 1, "remote address" },
	{ "source port", AF_INET, m_sport, 1, "source port" },
	{ "destination port", AF_INET, m_dport, 1, "destination port" },
	{ "v4 checksum", AF_INET, m_csum, 1, "checksum" },
	{ "v4 checksum flag on v6 is moot", AF_INET6, m_csum, 0, NULL },
	{ "v6 tx checksum", AF_INET6, m_csum6_tx, 1, "UDP6" },
	{ "v6 rx checksum", AF_INET6, m_csum6_rx, 1, "UDP6" },
	{ "v6 checksum flags on v4 are moot", AF_INET, m_csum6_rx, 0, NULL },
};

static void
test_tunnel_diff(void **state)
{
	struct dp_tunnel_cfg want, have;
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(tunnel_cases) / sizeof(tunnel_cases[0]); i++) {
		const struct tunnel_case *tc = &tunnel_cases[i];

		base_tunnel(&want, tc->family);
		base_tunnel(&have, tc->family);
		tc->mutate(&have);
		why[0] = '\0';
		if (dp_tunnel_diff(&want, &have, why, sizeof(why)) !=
		    tc->differs)
			fail_msg(
			    "%s: diff should be %d", tc->name, tc->differs);
		if (tc->why != NULL && strstr(why, tc->why) == NULL)
			fail_msg("%s: reason '%s' lacks '%s'", tc->name, why,
			    tc->why);
	}
}

/* Over IP there are no ports; a managed tunnel's addressing is its
 * socket's. */
static void
test_tunnel_diff_ignores(void **state)
{
	struct dp_tunnel_cfg want, have;

	(void)state;
	base_tunnel(&want, AF_INET);
	base_tunnel(&have, AF_INET);
	want.encap = have.encap = DP_ENCAP_IP;
	have.local_port = have.peer_port = 0;
	assert_int_equal(dp_tunnel_diff(&want, &have, NULL, 0), 0);

	base_tunnel(&want, AF_INET);
	base_tunnel(&have, AF_INET);
	want.fd = 7;
	m_local(&have);
	have.peer_port = 1701;
	assert_int_equal(dp_tunnel_diff(&want, &have, NULL, 0), 0);
	m_peer_id(&have);
	assert_int_equal(dp_tunnel_diff(&want, &have, NULL, 0), 1);
}

static void
base_session(struct dp_session_cfg *c)
{
	dp_session_cfg_init(c);
	c->tunnel_id = 501;
	c->peer_tunnel_id = 101;
	c->session_id = 5001;
	c->peer_session_id = 1001;
	memcpy(c->cookie, "\x11\x12\x13\x14\x15\x16\x17\x18", 8);
	c->cookie_len = 8;
	memcpy(c->peer_cookie, "\x0a\x0b\x0c\x0d", 4);
	c->peer_cookie_len = 4;
}

struct session_case {
	const char *name;
	void (*mutate)(struct dp_session_cfg *);
	int differs;
	const char *why;
};

static void
s_none(struct dp_session_cfg *c)
{
	(void)c;
}

static void
s_peer_session(struct dp_session_cfg *c)
{
	c->peer_session_id = 1002;
}

static void
s_peer_tunnel(struct dp_session_cfg *c)
{
	c->peer_tunnel_id = 102;
}

static void
s_pw(struct dp_session_cfg *c)
{
	c->pw_type = DP_PW_ETH_VLAN;
}

static void
s_cookie_byte(struct dp_session_cfg *c)
{
	c->cookie[7] ^= 1;
}

static void
s_cookie_len(struct dp_session_cfg *c)
{
	c->cookie_len = 4;
}

static void
s_cookies_swapped(struct dp_session_cfg *c)
{
	uint8_t tmp[DP_COOKIE_MAX];
	size_t len = c->cookie_len;

	memcpy(tmp, c->cookie, sizeof(tmp));
	memcpy(c->cookie, c->peer_cookie, sizeof(tmp));
	c->cookie_len = c->peer_cookie_len;
	memcpy(c->peer_cookie, tmp, sizeof(tmp));
	c->peer_cookie_len = len;
}

static void
s_peer_cookie_gone(struct dp_session_cfg *c)
{
	c->peer_cookie_len = 0;
}

static void
s_send_seq(struct dp_session_cfg *c)
{
	c->send_seq = 1;
}

static void
s_recv_seq(struct dp_session_cfg *c)
{
	c->recv_seq = 1;
}

static void
s_reorder(struct dp_session_cfg *c)
{
	c->reorder_timeout_ms = 100;
}

static void
s_ifname(struct dp_session_cfg *c)
{
	strcpy(c->ifname, "l2tpeth7");
}

/* The kernel does not report it, so it cannot count. */
static void
s_l2spec(struct dp_session_cfg *c)
{
	c->l2spec = DP_L2SPEC_NONE;
}

static const struct session_case session_cases[] = {
	{ "identical", s_none, 0, NULL },
	{ "peer session", s_peer_session, 1, "peer session" },
	{ "peer tunnel", s_peer_tunnel, 1, "peer tunnel" },
	{ "pseudowire", s_pw, 1, "pseudowire" },
	{ "cookie value", s_cookie_byte, 1, "cookie sent differs" },
	{ "cookie length", s_cookie_len, 1, "cookie" },
	{ "cookies swapped", s_cookies_swapped, 1, "cookie" },
	{ "peer cookie removed", s_peer_cookie_gone, 1, "peer cookie differs" },
	{ "send seq", s_send_seq, 1, "send" },
	{ "recv seq", s_recv_seq, 1, "receive" },
	{ "reorder timeout", s_reorder, 1, "reorder" },
	{ "kernel's interface name when none wanted", s_ifname, 0, NULL },
	{ "l2spec (not reported)", s_l2spec, 0, NULL },
};

static void
test_session_diff(void **state)
{
	struct dp_session_cfg want, have;
	char why[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(session_cases) / sizeof(session_cases[0]); i++) {
		const struct session_case *sc = &session_cases[i];

		base_session(&want);
		base_session(&have);
		sc->mutate(&have);
		why[0] = '\0';
		if (dp_session_diff(&want, &have, why, sizeof(why)) !=
		    sc->differs)
			fail_msg(
			    "%s: diff should be %d", sc->name, sc->differs);
		if (sc->why != NULL && strstr(why, sc->why) == NULL)
			fail_msg("%s: reason '%s' lacks '%s'", sc->name, why,
			    sc->why);
	}
	/* A wanted interface name must match. */
	base_session(&want);
	base_session(&have);
	strcpy(want.ifname, "pw0");
	strcpy(have.ifname, "l2tpeth0");
	assert_int_equal(dp_session_diff(&want, &have, why, sizeof(why)), 1);
	assert_non_null(strstr(why, "interface"));
}

static void
test_defaults(void **state)
{
	struct dp_tunnel_cfg t;
	struct dp_session_cfg s;

	(void)state;
	/* iproute2's defaults, which a hand-configured peer gets. */
	dp_tunnel_cfg_init(&t);
	assert_int_equal(t.encap, DP_ENCAP_UDP);
	assert_int_equal(t.fd, -1);
	assert_int_equal(t.udp_csum, 0);
	assert_int_equal(t.udp6_csum_tx, 1);
	assert_int_equal(t.udp6_csum_rx, 1);
	dp_session_cfg_init(&s);
	assert_int_equal(s.pw_type, DP_PW_ETH);
	assert_int_equal(s.l2spec, DP_L2SPEC_DEFAULT);
	assert_int_equal(s.cookie_len, 0);
	assert_int_equal(s.peer_cookie_len, 0);
}

struct cookie_case {
	const char *text;
	int ok;
	size_t len;
	const char *bytes;
};

static const struct cookie_case cookie_cases[] = {
	{ "0a0b0c0d", 1, 4, "\x0a\x0b\x0c\x0d" },
	{ "1112131415161718", 1, 8, "\x11\x12\x13\x14\x15\x16\x17\x18" },
	{ "DEADbeef", 1, 4, "\xde\xad\xbe\xef" },
	{ "", 0, 0, NULL },
	{ "0a0b0c", 0, 0, NULL },
	{ "0a0b0c0d0e", 0, 0, NULL },
	{ "0a0b0c0d0e0f101112", 0, 0, NULL },
	{ "0a0b0c0g", 0, 0, NULL },
	{ "0x0b0c0d", 0, 0, NULL },
	{ " a0b0c0d", 0, 0, NULL },
};

static void
test_cookie_parse(void **state)
{
	uint8_t cookie[DP_COOKIE_MAX];
	size_t i, len;

	(void)state;
	for (i = 0; i < sizeof(cookie_cases) / sizeof(cookie_cases[0]); i++) {
		const struct cookie_case *cc = &cookie_cases[i];
		int rc;

		len = 99;
		rc = dp_cookie_parse(cc->text, cookie, &len);
		if ((rc == 0) != cc->ok)
			fail_msg("'%s': parse gave %d", cc->text, rc);
		if (!cc->ok) {
			if (len != 99)
				fail_msg(
				    "'%s': length set on failure", cc->text);
			continue;
		}
		assert_int_equal(len, cc->len);
		assert_memory_equal(cookie, cc->bytes, cc->len);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnel_diff),
		cmocka_unit_test(test_tunnel_diff_ignores),
		cmocka_unit_test(test_session_diff),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_cookie_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * daemon/config.c beyond what the golden tests see in config_print: the
 * values in struct session_conf (cookie direction, addresses as bytes,
 * defaults), session lookup and ICRQ matching by Remote End ID, shared
 * session configurations that outlive their configuration, names at
 * their exact length, and messages cut to a small buffer.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/config.h"

/* Load text through a temporary file, as config_load wants a path. */
static struct daemon_conf *
load_text(const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/test_config.XXXXXX";
	struct daemon_conf *conf;
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	assert_true(fd != -1);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	conf = config_load(path, err, errlen);
	unlink(path);
	return conf;
}

static struct daemon_conf *
load_ok(const char *text)
{
	struct daemon_conf *conf;
	char err[512];

	conf = load_text(text, err, sizeof(err));
	if (conf == NULL)
		fail_msg("%s", err);
	return conf;
}

static void
assert_v4(const struct conf_prefix *p, const char *addr, unsigned int len)
{
	struct in_addr want;

	assert_int_equal(inet_pton(AF_INET, addr, &want), 1);
	assert_int_equal(p->family, AF_INET);
	assert_int_equal(p->len, len);
	assert_memory_equal(&p->addr.v4, &want, sizeof(want));
}

static const char static_conf[] =
    "hostname = h\nrouter-id = 1\n"
    "tunnel st {\n"
    "  mode = static\n  local = 192.0.2.1\n  remote = 192.0.2.2\n"
    "  local-tunnel-id = 101\n  remote-tunnel-id = 501\n"
    "  keep-on-exit = yes\n"
    "  session s {\n"
    "    local-session-id = 1001\n    remote-session-id = 5001\n"
    "    local-cookie = 0a0b0c0d\n    peer-cookie = 1122334455667788\n"
    "    address = { \"10.42.1.1 peer 10.42.1.2\", \"fd00::1/64\" }\n"
    "    route = \"192.168.0.0/24 via 10.42.1.2\"\n"
    "  }\n"
    "}\n";

/* local-cookie is what we send (L2TP_ATTR_COOKIE), peer-cookie what we
 * expect: swapped, a test with equal cookies would not notice. */
static void
test_static_values(void **state)
{
	static const uint8_t sent[] = { 0x0a, 0x0b, 0x0c, 0x0d };
	static const uint8_t expected[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66,
		0x77, 0x88 };
	struct daemon_conf *conf = load_ok(static_conf);
	struct tunnel_conf *t = config_find_tunnel(conf, "st");
	struct session_conf *s;

	(void)state;
	assert_non_null(t);
	assert_true(t->keep_on_exit);
	s = config_find_session(t, "s");
	assert_non_null(s);
	assert_int_equal(s->local_session_id, 1001);
	assert_int_equal(s->remote_session_id, 5001);
	assert_int_equal(s->cookie.len, sizeof(sent));
	assert_memory_equal(s->cookie.bytes, sent, sizeof(sent));
	assert_int_equal(s->peer_cookie.len, sizeof(expected));
	assert_memory_equal(s->peer_cookie.bytes, expected, sizeof(expected));
	assert_int_equal(s->pw_type, L2TP_PW_ETH);
	assert_int_equal(s->l2spec, L2TP_L2SS_DEFAULT);
	/* 1500 - IPv4 20 - UDP 8 - L2TPv3 8 - cookie 4 - L2SS 4 - Eth 14 */
	assert_int_equal(s->mtu, 1442);

	assert_int_equal(s->naddrs, 2);
	assert_v4(&s->addrs[0].local, "10.42.1.1", 32);
	assert_v4(&s->addrs[0].peer, "10.42.1.2", 32);
	assert_int_equal(s->addrs[1].local.family, AF_INET6);
	assert_int_equal(s->addrs[1].local.len, 64);
	assert_int_equal(s->addrs[1].peer.family, 0);
	assert_int_equal(s->nroutes, 1);
	assert_v4(&s->routes[0].dst, "192.168.0.0", 24);
	assert_v4(&s->routes[0].via, "10.42.1.2", 32);

	assert_null(config_find_session(t, "S"));
	assert_null(config_find_session(t, ""));
	config_free(conf);
}

static const char dynamic_conf[] =
    "hostname = h\nrouter-id = 1\n"
    "tunnel d {\n  remote = 192.0.2.2\n  initiate = no\n  debug = yes\n"
    "  session vc101 { remote-end-id = \"101\"\n  cookie-length = 8 }\n"
    "  session vc10 { remote-end-id = \"10\"\n  initiate = yes }\n"
    "  session any { debug = no }\n"
    "}\n"
    "tunnel strict {\n  remote = 192.0.2.3\n"
    "  session vc7 { remote-end-id = \"7\" }\n"
    "}\n";

static void
test_dynamic_defaults(void **state)
{
	struct daemon_conf *conf = load_ok(dynamic_conf);
	struct tunnel_conf *t = config_find_tunnel(conf, "d");
	struct session_conf *s;

	(void)state;
	assert_non_null(t);
	s = config_find_session(t, "vc101");
	assert_non_null(s);
	assert_int_equal(s->cookie_len, 8);
	assert_int_equal(s->cookie.len, 0); /* learnt from the peer */
	assert_int_equal(s->l2spec, CONF_L2SS_AUTO);
	assert_int_equal(s->local_session_id, 0);
	assert_false(s->initiate); /* the tunnel's */
	assert_true(s->debug);
	/* 1500 - IPv4 20 - UDP 8 - L2TPv3 8 - cookie 8 - Eth 14 */
	assert_int_equal(s->mtu, 1442);
	assert_true(config_find_session(t, "vc10")->initiate);
	assert_false(config_find_session(t, "any")->debug);
	config_free(conf);
}

static void
test_match(void **state)
{
	struct daemon_conf *conf = load_ok(dynamic_conf);
	struct tunnel_conf *t = config_find_tunnel(conf, "d");
	struct tunnel_conf *strict = config_find_tunnel(conf, "strict");
	struct session_conf *any = config_find_session(t, "any");

	(void)state;
	assert_ptr_equal(config_match_session(t, (const uint8_t *)"101", 3),
	    config_find_session(t, "vc101"));
	assert_ptr_equal(config_match_session(t, (const uint8_t *)"10", 2),
	    config_find_session(t, "vc10"));
	/* Prefixes and extensions are other IDs: the catch-all takes them. */
	assert_ptr_equal(config_match_session(t, (const uint8_t *)"1", 1), any);
	assert_ptr_equal(
	    config_match_session(t, (const uint8_t *)"1010", 4), any);
	assert_ptr_equal(config_match_session(t, NULL, 0), any);
	/* An ID need not be a C string: a NUL inside never matches. */
	assert_ptr_equal(
	    config_match_session(t, (const uint8_t *)"101\0", 4), any);
	/* Without a catch-all, a mismatch is no session (CDN). */
	assert_non_null(config_match_session(strict, (const uint8_t *)"7", 1));
	assert_null(config_match_session(strict, (const uint8_t *)"8", 1));
	assert_null(config_match_session(strict, NULL, 0));
	config_free(conf);
}

/* A tunnel's copy holds its own settings; a session's configuration is
 * shared and outlives the configuration it came from while referenced
 * (ASan builds catch a use after free here). */
static void
test_dup_and_refs(void **state)
{
	struct daemon_conf *conf = load_ok(static_conf);
	struct tunnel_conf *copy;
	struct session_conf *s;

	(void)state;
	copy = config_tunnel_dup(config_find_tunnel(conf, "st"));
	assert_non_null(copy);
	s = config_find_session(config_find_tunnel(conf, "st"), "s");
	assert_non_null(s);
	assert_int_equal(s->refs, 1);
	assert_ptr_equal(config_session_ref(s), s);
	config_free(conf);
	assert_string_equal(copy->name, "st");
	assert_int_equal(copy->local_tunnel_id, 101);
	assert_true(TAILQ_EMPTY(&copy->sessions));
	assert_int_equal(s->refs, 1);
	assert_string_equal(s->name, "s");
	assert_string_equal(s->remote_end_id, "");
	assert_int_equal(s->local_session_id, 1001);
	assert_int_equal(s->naddrs, 2);
	assert_v4(&s->addrs[0].peer, "10.42.1.2", 32);
	assert_int_equal(s->nroutes, 1);
	config_session_unref(s);
	config_session_unref(NULL);
	config_tunnel_free(copy);
	config_tunnel_free(NULL);
}

/* Names are kept at their exact length, up to the longest allowed;
 * config_session_same() compares them by value. */
static void
test_names(void **state)
{
	char text[512], name[CONF_NAME_MAX], id[CONF_NAME_MAX];
	struct daemon_conf *a, *b;
	struct session_conf *sa, *sb, *other;

	(void)state;
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memset(id, '7', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	snprintf(text, sizeof(text),
	    "tunnel d {\n remote = 192.0.2.2\n"
	    " session %s { remote-end-id = \"%s\" }\n"
	    " session x { remote-end-id = \"%.62s\" }\n}\n",
	    name, id, id);
	a = load_ok(text);
	b = load_ok(text);
	sa = config_find_session(config_find_tunnel(a, "d"), name);
	sb = config_find_session(config_find_tunnel(b, "d"), name);
	other = config_find_session(config_find_tunnel(a, "d"), "x");
	assert_non_null(sa);
	assert_non_null(sb);
	assert_non_null(other);
	assert_string_equal(sa->name, name);
	assert_string_equal(sa->remote_end_id, id);
	assert_int_equal(strlen(other->remote_end_id), CONF_NAME_MAX - 2);
	assert_true(config_session_same(sa, sb));
	assert_false(config_session_same(sa, other));
	assert_true(config_end_id_equal(sa, (const uint8_t *)id, strlen(id)));
	assert_false(
	    config_end_id_equal(other, (const uint8_t *)id, strlen(id)));
	config_free(a);
	config_free(b);
	/* One more character is refused. */
	snprintf(text, sizeof(text),
	    "tunnel d {\n remote = 192.0.2.2\n"
	    " session s { remote-end-id = \"%s7\" }\n}\n",
	    id);
	assert_null(load_text(text, NULL, 0));
}

/* An error longer than the buffer is cut, never overrun. */
static void
test_error_truncated(void **state)
{
	char err[40], full[512];

	(void)state;
	memset(err, 'x', sizeof(err));
	assert_null(load_text("tunnel t {\n remote = 192.0.2.2\n"
			      " session s { mtu = 1 }\n}\n",
	    err, 24));
	assert_int_equal(strlen(err), 23);
	assert_int_equal(err[30], 'x');
	assert_null(load_text("tunnel t {\n remote = 192.0.2.2\n"
			      " session s { mtu = 1 }\n}\n",
	    full, sizeof(full)));
	assert_non_null(strstr(full,
	    ":3: tunnel \"t\": session \"s\": option 'mtu': 1 is out of "
	    "range 68..65535"));
	assert_memory_equal(err, "/tmp/test_config.", 17);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_static_values),
		cmocka_unit_test(test_dynamic_defaults),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_dup_and_refs),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_error_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

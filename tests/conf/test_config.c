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

/*
 * config_session_mac: the interface address is derived from values that
 * survive a restart, differs between the two ends of one pseudowire and
 * between sessions, is unicast and locally administered, and stays what
 * it is across versions (a change renumbers every interface: the value
 * is pinned); mac-address overrides it.
 */
static const char mac_conf[] =
    "tunnel a { mode = static\n local = 192.0.2.1\n remote = 192.0.2.2\n"
    " local-tunnel-id = 101\n remote-tunnel-id = 501\n"
    " session s { local-session-id = 1001\n remote-session-id = 5001 }\n"
    " session t { local-session-id = 1002\n remote-session-id = 5002 }\n"
    " session m { local-session-id = 1003\n remote-session-id = 5003\n"
    "  mac-address = 02:11:22:33:44:55 }\n}\n"
    /* The other end of tunnel a, as that peer configures it. */
    "tunnel b { mode = static\n local = 192.0.2.2\n remote = 192.0.2.1\n"
    " local-tunnel-id = 501\n remote-tunnel-id = 101\n"
    " session s { local-session-id = 5001\n remote-session-id = 1001 }\n"
    "}\n"
    "tunnel d { remote = 192.0.2.3\n"
    " session s { remote-end-id = \"1\" }\n"
    " session t { remote-end-id = \"2\" }\n}\n";

static void
session_mac(struct daemon_conf *conf, const char *tn, const char *sn,
    uint8_t mac[CONF_MAC_LEN])
{
	struct tunnel_conf *t = config_find_tunnel(conf, tn);

	assert_non_null(t);
	assert_non_null(config_find_session(t, sn));
	config_session_mac(t, config_find_session(t, sn), mac);
}

static void
test_session_mac(void **state)
{
	static const uint8_t pinned[CONF_MAC_LEN] = { 0x0a, 0xde, 0x52, 0xad,
		0xd1, 0xa1 };
	static const uint8_t given[CONF_MAC_LEN] = { 0x02, 0x11, 0x22, 0x33,
		0x44, 0x55 };
	struct daemon_conf *conf = load_ok(mac_conf), *again;
	uint8_t as[6], at[6], bs[6], ds[6], dt[6], m[6], x[6];
	const uint8_t *all[] = { as, at, bs, ds, dt };
	size_t i, j;

	(void)state;
	session_mac(conf, "a", "s", as);
	session_mac(conf, "a", "t", at);
	session_mac(conf, "b", "s", bs);
	session_mac(conf, "d", "s", ds);
	session_mac(conf, "d", "t", dt);
	session_mac(conf, "a", "m", m);
	assert_memory_equal(m, given, CONF_MAC_LEN);
	for (i = 0; i < 5; i++) {
		assert_int_equal(all[i][0] & 0x03, 0x02);
		for (j = 0; j < i; j++)
			assert_memory_not_equal(all[i], all[j], CONF_MAC_LEN);
	}
	again = load_ok(mac_conf);
	session_mac(again, "a", "s", x);
	assert_memory_equal(x, as, CONF_MAC_LEN);
	assert_memory_equal(as, pinned, CONF_MAC_LEN);
	config_free(again);
	config_free(conf);
}

/* --- the option table (issue 12) ----------------------------------- */

/* A configuration around one option: its scope's section, what its
 * flags and `needs` want, and "name = value" unless value is NULL. */
static void
option_text(char *buf, size_t len, enum conf_scope sc,
    const struct conf_optinfo *o, const char *value)
{
	int stat = o->flags & CONF_OPT_STATIC;
	char line[256] = "";
	size_t n = 0;

	/* Without the option, without what it needs either. */
	if (value != NULL)
		snprintf(line, sizeof(line), "%s = \"%s\"\n%s", o->name, value,
		    o->needs != NULL ? o->needs : "");
	if (sc == CONF_SCOPE_GLOBAL) {
		snprintf(buf, len, "%s\n", line);
		return;
	}
	n += (size_t)snprintf(buf + n, len - n, "tunnel t {\n%s%s%s\n",
	    strcmp(o->name, "remote") == 0 ? "" : "remote = 192.0.2.9\n",
	    stat ? "mode = static\nlocal = 192.0.2.1\n" : "",
	    stat && strcmp(o->name, "remote-tunnel-id") != 0
		? "remote-tunnel-id = 7\n"
		: "");
	if (o->flags & CONF_OPT_DIGEST)
		n += (size_t)snprintf(
		    buf + n, len - n, "digest = md5\nsecret = \"x\"\n");
	if (sc == CONF_SCOPE_SESSION)
		n += (size_t)snprintf(buf + n, len - n, "session s {\n%s",
		    stat ? "local-session-id = 11\nremote-session-id = 12\n"
			 : "");
	if (stat && sc == CONF_SCOPE_SESSION &&
	    strstr(o->name, "session-id") != NULL)
		snprintf(buf + n - strlen("remote-session-id = 12\n"),
		    len - n + strlen("remote-session-id = 12\n"),
		    "%s-session-id = %s\n",
		    o->name[0] == 'l' ? "remote" : "local",
		    o->name[0] == 'l' ? "12" : "11");
	n = strlen(buf);
	snprintf(buf + n, len - n, "%s\n%s}\n", line,
	    sc == CONF_SCOPE_SESSION ? "}\n" : "");
}

/* "name = " at the start of a line of the set form. */
static int
set_form_has(const struct daemon_conf *conf, const char *name)
{
	char *text = NULL, needle[128];
	size_t len;
	FILE *fp;
	int found;

	fp = open_memstream(&text, &len);
	assert_non_null(fp);
	config_print_flags(conf, fp, 0);
	assert_int_equal(fclose(fp), 0);
	snprintf(needle, sizeof(needle), "\n%s = ", name);
	found = strstr(text, needle) != NULL;
	if (!found) {
		/* indented: in a tunnel or session */
		snprintf(needle, sizeof(needle), "\t%s = ", name);
		found = strstr(text, needle) != NULL;
	}
	free(text);
	return found;
}

/* What a value one past the range is, or NULL when there is none. */
static const char *
out_of_range(const struct conf_optinfo *o, char *buf, size_t len)
{
	unsigned long lo, hi;

	if (o->arg[0] == '(' && o->range[0] != '\0')
		return "bogus";
	if (sscanf(o->range, "%lu..%lu", &lo, &hi) != 2)
		return NULL;
	if (hi < UINT32_MAX)
		snprintf(buf, len, "%lu", hi + 1);
	else if (lo > 0)
		snprintf(buf, len, "%lu", lo - 1);
	else
		return NULL;
	return buf;
}

static char *
man_page(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp;

	fp = fopen(TOP_SRCDIR "/docs/l2tpv3d.conf.5.in", "r");
	assert_non_null(fp);
	assert_true(getdelim(&text, &len, '\0', fp) > 0);
	fclose(fp);
	return text;
}

/* The option as an mdoc item: ".It Ic NAME" or ", Ic NAME" in an
 * item's list of names. */
static int
man_has(const char *man, const char *name)
{
	const char *p;
	size_t n = strlen(name);

	for (p = man; (p = strstr(p, "Ic ")) != NULL; p++) {
		if (strncmp(p + 3, name, n) == 0 &&
		    strchr(" ,\n", p[3 + n]) != NULL && p[3 + n] != '\0')
			return 1;
	}
	return 0;
}

/*
 * Every option of the table: loads from a file with its example, prints
 * in the set form then and only then, is in the man page, and a value
 * out of its range is refused with the range in the message.  The
 * shell's half is tests/shell/options.sh.
 */
static void
test_option_table(void **state)
{
	struct daemon_conf *conf;
	struct conf_optinfo o;
	char text[2048], err[512], bad[32], *man = man_page();
	const char *v;
	size_t i, total = 0;
	int sc;

	(void)state;
	for (sc = CONF_SCOPE_GLOBAL; sc <= CONF_SCOPE_SESSION; sc++) {
		for (i = 0; config_opt(sc, i, &o); i++, total++) {
			if (!man_has(man, o.name))
				fail_msg("%s: not in l2tpv3d.conf(5)", o.name);
			assert_non_null(o.example);
			assert_true(o.help[0] != '\0' && o.arg[0] != '\0');
			option_text(text, sizeof(text), sc, &o, o.example);
			if ((conf = load_text(text, err, sizeof(err))) == NULL)
				fail_msg("%s = %s: %s\n%s", o.name, o.example,
				    err, text);
			if (!set_form_has(conf, o.name))
				fail_msg("%s: set, but not printed", o.name);
			config_free(conf);
			/* Without it (where it is not required). */
			option_text(text, sizeof(text), sc, &o, NULL);
			if (strcmp(o.name, "remote") != 0 &&
			    strcmp(o.name, "remote-tunnel-id") != 0 &&
			    strstr(o.name, "session-id") == NULL &&
			    strstr(o.name, "cookie") == NULL) {
				if ((conf = load_text(
					 text, err, sizeof(err))) == NULL)
					fail_msg("without %s: %s", o.name, err);
				if (set_form_has(conf, o.name))
					fail_msg(
					    "%s: printed, not set", o.name);
				config_free(conf);
			}
			if ((v = out_of_range(&o, bad, sizeof(bad))) == NULL)
				continue;
			option_text(text, sizeof(text), sc, &o, v);
			if ((conf = load_text(text, err, sizeof(err))) != NULL)
				fail_msg("%s = %s: accepted", o.name, v);
			if (strstr(err, o.range) == NULL)
				fail_msg("%s = %s: '%s' lacks %s", o.name, v,
				    err, o.range);
		}
	}
	free(man);
	assert_true(total > 60);
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
		cmocka_unit_test(test_session_mac),
		cmocka_unit_test(test_option_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

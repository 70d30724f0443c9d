/*
 * Dumps: the exact text of the one-line and full renderings, every value
 * format in text and JSON, and JSON that stays valid (checked by Python's
 * json module) whatever bytes a peer puts in a value.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "proto/dump.h"
#include "proto/msg.h"
#include "proto/sbuf.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static struct l2tp_msg msg; /* large: keep it off the stack */
static uint8_t pkt[L2TP_MSG_MAX_LEN];

/* Decode what the writer built; the message's AVPs point into pkt. */
static void
finish(struct l2tp_msg_writer *mw, enum l2tp_encap encap)
{
	struct l2tp_decode_err derr;
	size_t len;

	assert_int_equal(l2tp_mw_end(mw, &len), 0);
	if (l2tp_ctrl_decode(pkt, len, encap, &msg, &derr) == -1)
		fail_msg("decode: %s", l2tp_strerror(derr.code));
}

static void
start(struct l2tp_msg_writer *mw, struct wbuf *w, enum l2tp_encap encap,
    uint32_t ccid, uint16_t ns, uint16_t nr, uint16_t type)
{
	wbuf_init(w, pkt, sizeof(pkt));
	assert_int_equal(l2tp_mw_begin(mw, w, encap, ccid, ns, nr), 0);
	assert_int_equal(l2tp_mw_msgtype(mw, 0, type), 0);
}

static void
build_sccrq(void)
{
	static const uint16_t caps[] = { L2TP_PW_ETH, L2TP_PW_ETH_VLAN };
	struct l2tp_msg_writer mw;
	struct wbuf w;

	start(&mw, &w, L2TP_ENCAP_UDP, 0, 0, 0, L2TP_MT_SCCRQ);
	l2tp_mw_avp_str(&mw, 0, L2TP_AVP_HOST_NAME, 1, "lac1");
	l2tp_mw_avp_str(&mw, 0, L2TP_AVP_VENDOR_NAME, 0, "l2tpv3d");
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ROUTER_ID, 1, 0x0a000001);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, 4660);
	l2tp_mw_avp_u16_list(&mw, 0, L2TP_AVP_PW_CAPS, 1, caps, 2);
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_RECV_WINDOW, 1, 64);
	finish(&mw, L2TP_ENCAP_UDP);
}

static void
build_stopccn(void)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	start(&mw, &w, L2TP_ENCAP_IP, 9, 3, 4, L2TP_MT_STOPCCN);
	l2tp_mw_digest(&mw, 0, L2TP_DIGEST_TYPE_MD5);
	l2tp_mw_avp_result(
	    &mw, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_UNKNOWN_M_AVP, "bad");
	l2tp_mw_avp_u32(&mw, 9, L2TP_CISCO_ASSIGNED_CCID, 1, 0xcafe);
	finish(&mw, L2TP_ENCAP_IP);
}

/* What Cisco's IETF-mode ICRQ looks like, with the odd ones. */
static void
build_icrq(void)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	start(&mw, &w, L2TP_ENCAP_IP, 0xbca70a2d, 2, 1, L2TP_MT_ICRQ);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_CALL_SERIAL, 1, 7);
	l2tp_mw_avp(&mw, 0, L2TP_AVP_SEQUENCING_REQUIRED, 1, NULL, 0);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_LOCAL_SESSION_ID, 0, 0x4aa0f134);
	l2tp_mw_avp_u32(&mw, 0, L2TP_AVP_REMOTE_SESSION_ID, 0, 0);
	l2tp_mw_avp_str(&mw, 0, L2TP_AVP_REMOTE_END_ID, 1, "101");
	l2tp_mw_avp_u16(&mw, 0, L2TP_AVP_CIRCUIT_STATUS, 0, 3);
	l2tp_mw_avp_u16(&mw, 9, L2TP_CISCO_PW_TYPE, 1, L2TP_PW_ETH);
	l2tp_mw_avp_u32(&mw, 9, 115, 0, 0x101);
	l2tp_mw_avp_u32(&mw, 4491, 2, 1, 0);
	finish(&mw, L2TP_ENCAP_IP);
}

static void
build_hidden(void)
{
	static const uint8_t rv[16] = "0123456789abcde";
	static const uint8_t id[4] = { 0, 0, 0x12, 0x34 };
	struct l2tp_msg_writer mw;
	struct wbuf w;

	start(&mw, &w, L2TP_ENCAP_UDP, 0, 0, 0, L2TP_MT_SCCRQ);
	l2tp_mw_avp(&mw, 0, L2TP_AVP_RANDOM_VECTOR, 1, rv, sizeof(rv));
	l2tp_mw_avp_hidden(&mw, 0, L2TP_AVP_ASSIGNED_CCID, 1, id, sizeof(id),
	    "secret", 6, rv, sizeof(rv));
	finish(&mw, L2TP_ENCAP_UDP);
}

/* Every byte a string AVP could hold, quotes and backslashes included. */
static const char garbage[] = "a\"b\\c\n\x01\x7f\x80\xff/";

static void
build_garbage(void)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	start(&mw, &w, L2TP_ENCAP_UDP, 0, 0, 0, L2TP_MT_SCCRQ);
	l2tp_mw_avp(
	    &mw, 0, L2TP_AVP_HOST_NAME, 1, garbage, sizeof(garbage) - 1);
	l2tp_mw_avp(&mw, 0, L2TP_AVP_VENDOR_NAME, 0, "\0\0", 2);
	l2tp_mw_avp(&mw, 0xffff, 0xffff, 1, garbage, sizeof(garbage) - 1);
	finish(&mw, L2TP_ENCAP_UDP);
}

typedef int (*dump_fn)(const struct l2tp_msg *, struct sbuf *);

static void
assert_dump(dump_fn fn, const char *want)
{
	struct sbuf sb;

	sbuf_init(&sb);
	assert_int_equal(fn(&msg, &sb), 0);
	assert_string_equal(sb.s, want);
	sbuf_free(&sb);
}

static void
test_line(void **state)
{
	(void)state;
	build_sccrq();
	assert_dump(l2tp_msg_dump_line,
	    "SCCRQ ccid=0 ns=0 nr=0 host=\"lac1\" assigned-ccid=4660");
	build_stopccn();
	assert_dump(l2tp_msg_dump_line,
	    "StopCCN ccid=9 ns=3 nr=4 assigned-ccid=51966 result=2/8 auth=md5");
	build_icrq();
	assert_dump(l2tp_msg_dump_line,
	    "ICRQ ccid=3165063725 ns=2 nr=1 local-sid=1252061492 "
	    "remote-sid=0");
	build_hidden();
	assert_dump(l2tp_msg_dump_line,
	    "SCCRQ ccid=0 ns=0 nr=0 assigned-ccid=<hidden>");
}

static void
test_full(void **state)
{
	(void)state;
	build_sccrq();
	assert_dump(l2tp_msg_dump_full,
	    "SCCRQ ccid=0 ns=0 nr=0 length=81\n"
	    "  Message Type (0) M: SCCRQ (1)\n"
	    "  Host Name (7) M: \"lac1\"\n"
	    "  Vendor Name (8): \"l2tpv3d\"\n"
	    "  Router ID (60) M: 10.0.0.1\n"
	    "  Assigned Control Connection ID (61) M: 4660\n"
	    "  Pseudowire Capabilities List (62) M: 5 (Ethernet), "
	    "4 (Ethernet VLAN)\n"
	    "  Receive Window Size (10) M: 64\n");
	build_stopccn();
	assert_dump(l2tp_msg_dump_full,
	    "StopCCN ccid=9 ns=3 nr=4 length=66\n"
	    "  Message Type (0) M: StopCCN (4)\n"
	    "  Message Digest (59) M: HMAC-MD5 "
	    "0x00000000000000000000000000000000\n"
	    "  Result Code (1) M: 2 (General error) error=8 "
	    "(Unknown mandatory AVP) \"bad\"\n"
	    "  Cisco Assigned Connection ID (9:1) M: 51966\n");
	build_icrq();
	assert_dump(l2tp_msg_dump_full,
	    "ICRQ ccid=3165063725 ns=2 nr=1 length=101\n"
	    "  Message Type (0) M: ICRQ (10)\n"
	    "  Call Serial Number (15) M: 7\n"
	    "  Sequencing Required (39) M\n"
	    "  Local Session ID (63): 1252061492\n"
	    "  Remote Session ID (64): 0\n"
	    "  Remote End ID (66) M: \"101\"\n"
	    "  Circuit Status (71): 3 (active, new)\n"
	    "  Cisco Pseudowire Type (9:7) M: 5 (Ethernet)\n"
	    "  Unknown (9:115): 0x00000101\n"
	    "  Unknown (4491:2) M: 0x00000000\n");
	build_hidden();
	assert_dump(l2tp_msg_dump_full,
	    "SCCRQ ccid=0 ns=0 nr=0 length=64\n"
	    "  Message Type (0) M: SCCRQ (1)\n"
	    "  Random Vector (36) M: 0x30313233343536373839616263646500\n"
	    "  Assigned Control Connection ID (61) MH: <hidden, 16 bytes>\n");
	build_garbage();
	assert_dump(l2tp_msg_dump_full,
	    "SCCRQ ccid=0 ns=0 nr=0 length=62\n"
	    "  Message Type (0) M: SCCRQ (1)\n"
	    "  Host Name (7) M: \"a\\\"b\\\\c\\x0a\\x01\\x7f\\x80\\xff/\"\n"
	    "  Vendor Name (8): \"\\x00\\x00\"\n"
	    "  Unknown (65535:65535) M: 0x6122625c630a017f80ff2f\n");
}

static void
test_json_exact(void **state)
{
	(void)state;
	build_stopccn();
	assert_dump(l2tp_msg_dump_json,
	    "{\"type\":\"StopCCN\",\"typeCode\":4,\"encap\":\"ip\",\"ccid\":9,"
	    "\"ns\":3,\"nr\":4,\"length\":66,\"avps\":["
	    "{\"vendor\":0,\"type\":0,\"name\":\"messageType\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":2,\"value\":4},"
	    "{\"vendor\":0,\"type\":59,\"name\":\"messageDigest\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":17,\"value\":"
	    "{\"digestType\":0,"
	    "\"digest\":\"00000000000000000000000000000000\"}},"
	    "{\"vendor\":0,\"type\":1,\"name\":\"resultCode\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":7,\"value\":"
	    "{\"result\":2,\"error\":8,\"message\":\"bad\"}},"
	    "{\"vendor\":9,\"type\":1,\"name\":\"ciscoAssignedConnectionId\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":4,"
	    "\"value\":51966}]}");
	build_hidden();
	assert_dump(l2tp_msg_dump_json,
	    "{\"type\":\"SCCRQ\",\"typeCode\":1,\"encap\":\"udp\",\"ccid\":0,"
	    "\"ns\":0,\"nr\":0,\"length\":64,\"avps\":["
	    "{\"vendor\":0,\"type\":0,\"name\":\"messageType\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":2,\"value\":1},"
	    "{\"vendor\":0,\"type\":36,\"name\":\"randomVector\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":16,"
	    "\"value\":\"30313233343536373839616263646500\"},"
	    "{\"vendor\":0,\"type\":61,"
	    "\"name\":\"assignedControlConnectionId\",\"mandatory\":true,"
	    "\"hidden\":true,\"length\":16,\"value\":null}]}");
}

static void
test_zlb(void **state)
{
	struct l2tp_decode_err derr;
	struct wbuf w;
	size_t len;

	(void)state;
	wbuf_init(&w, pkt, sizeof(pkt));
	assert_int_equal(l2tp_build_zlb(&w, L2TP_ENCAP_UDP, 5, 1, 2, &len), 0);
	assert_int_equal(
	    l2tp_ctrl_decode(pkt, len, L2TP_ENCAP_UDP, &msg, &derr), 0);
	assert_dump(l2tp_msg_dump_line, "ZLB ccid=5 ns=1 nr=2");
	assert_dump(l2tp_msg_dump_full, "ZLB ccid=5 ns=1 nr=2 length=12\n");
	assert_dump(l2tp_msg_dump_json,
	    "{\"type\":\"ZLB\",\"typeCode\":null,\"encap\":\"udp\",\"ccid\":5,"
	    "\"ns\":1,\"nr\":2,\"length\":12,\"avps\":[]}");
}

static void
test_unknown_type(void **state)
{
	struct l2tp_msg_writer mw;
	struct wbuf w;

	(void)state;
	start(&mw, &w, L2TP_ENCAP_UDP, 7, 1, 1, 99);
	finish(&mw, L2TP_ENCAP_UDP);
	assert_dump(l2tp_msg_dump_line, "unknown(99) ccid=7 ns=1 nr=1");
	assert_dump(l2tp_msg_dump_json,
	    "{\"type\":\"unknown\",\"typeCode\":99,\"encap\":\"udp\","
	    "\"ccid\":7,\"ns\":1,\"nr\":1,\"length\":20,\"avps\":["
	    "{\"vendor\":0,\"type\":0,\"name\":\"messageType\","
	    "\"mandatory\":true,\"hidden\":false,\"length\":2,"
	    "\"value\":99}]}");
}

/* One value, by the dictionary's format, in text and JSON. */
struct fmt_case {
	uint16_t vendor;
	uint16_t type;
	const char *value;
	size_t len;
	const char *text;
	const char *json;
};

#define V(s) (s), sizeof(s) - 1

static const struct fmt_case fmt_cases[] = {
	{ 0, L2TP_AVP_RECV_WINDOW, V("\x04\x00"), "1024", "1024" },
	{ 0, L2TP_AVP_FRAMING_CAPS, V("\0\0\0\3"), "3", "3" },
	{ 0, L2TP_AVP_TX_CONNECT_SPEED, V("\0\0\0\0\x3b\x9a\xca\0"),
	    "1000000000", "1000000000" },
	{ 0, L2TP_AVP_HOST_NAME, V("lac1"), "\"lac1\"", "\"lac1\"" },
	{ 0, L2TP_AVP_TIE_BREAKER, V("\1\2\3\4\5\6\7\x08"),
	    "0x0102030405060708", "\"0102030405060708\"" },
	{ 0, L2TP_AVP_MESSAGE_TYPE, V("\0\x0a"), "ICRQ (10)", "10" },
	{ 9, L2TP_CISCO_MESSAGE_TYPE, V("\0\x66"), "ACK (102)", "102" },
	{ 0, L2TP_AVP_RESULT_CODE, V("\0\2\0\x08"),
	    "2 (General error) error=8 (Unknown mandatory AVP)",
	    "{\"result\":2,\"error\":8}" },
	{ 0, L2TP_AVP_RESULT_CODE, V("\0\1"), "1", "{\"result\":1}" },
	{ 0, L2TP_AVP_RESULT_CODE, V("\0\1\0\6Admin Action"),
	    "1 error=6 (Vendor-specific error) \"Admin Action\"",
	    "{\"result\":1,\"error\":6,\"message\":\"Admin Action\"}" },
	{ 0, L2TP_AVP_RESULT_CODE, V("\0\2\0"), "0x000200", "\"000200\"" },
	{ 0, L2TP_AVP_PROTOCOL_VERSION, V("\1\0"), "1.0",
	    "{\"version\":1,\"revision\":0}" },
	{ 0, L2TP_AVP_PW_CAPS, V("\0\5\0\4\0\x63"),
	    "5 (Ethernet), 4 (Ethernet VLAN), 99", "[5,4,99]" },
	{ 0, L2TP_AVP_PW_TYPE, V("\0\x0d"), "13 (DEPI PSP)", "13" },
	{ 9, L2TP_CISCO_MESSAGE_DIGEST,
	    V("\1\x01\x23\x45\x67\x89\xab\xcd\xef\x01\x23\x45\x67\x89\xab\xcd"
	      "\xef\x01\x23\x45\x67"),
	    "HMAC-SHA-1 0x0123456789abcdef0123456789abcdef01234567",
	    "{\"digestType\":1,"
	    "\"digest\":\"0123456789abcdef0123456789abcdef01234567\"}" },
	{ 0, L2TP_AVP_CIRCUIT_STATUS, V("\0\1"), "1 (active)",
	    "{\"value\":1,\"active\":true,\"new\":false}" },
	{ 0, L2TP_AVP_CIRCUIT_STATUS, V("\0\2"), "2 (inactive, new)",
	    "{\"value\":2,\"active\":false,\"new\":true}" },
	{ 0, L2TP_AVP_Q931_CAUSE, V("\0\x10\1"), "cause=16 msg=1",
	    "{\"cause\":16,\"messageType\":1}" },
	{ 0, L2TP_AVP_Q931_CAUSE, V("\0\x10\1busy"), "cause=16 msg=1 \"busy\"",
	    "{\"cause\":16,\"messageType\":1,\"advisory\":\"busy\"}" },
	{ 0, L2TP_AVP_ROUTER_ID, V("\xc0\xa8\x16\xc4"), "192.168.22.196",
	    "\"192.168.22.196\"" },
	{ 0, L2TP_AVP_CALL_ERRORS,
	    V("\0\0\0\0\0\1\0\0\0\2\0\0\0\3\0\0\0\4\0\0\0\5\0\0\0\6"),
	    "crc=1 framing=2 hardware-overruns=3 buffer-overruns=4 "
	    "timeouts=5 alignment=6",
	    "{\"crc\":1,\"framing\":2,\"hardwareOverruns\":3,"
	    "\"bufferOverruns\":4,\"timeouts\":5,\"alignment\":6}" },
	{ 0, L2TP_AVP_ACCM, V("\0\0\xff\xff\xff\xff\0\0\0\0"),
	    "send=0xffffffff recv=0x00000000",
	    "{\"send\":4294967295,\"recv\":0}" },
	{ 0, L2TP_AVP_SEQUENCING_REQUIRED, V(""), "", "null" },
	{ 0, L2TP_AVP_SEQUENCING_REQUIRED, V("x"), "0x78", "\"78\"" },
	{ 9, 115, V("\0\0\1\1"), "0x00000101", "\"00000101\"" },
	{ 0, L2TP_AVP_RECV_WINDOW, V("\1\2\3"), "0x010203", "\"010203\"" },
	{ 0, L2TP_AVP_HOST_NAME, V(""), "0x", "\"\"" },
};

static struct l2tp_avp
mkavp(uint16_t vendor, uint16_t type, const void *value, size_t len)
{
	struct l2tp_avp a;

	memset(&a, 0, sizeof(a));
	a.vendor = vendor;
	a.type = type;
	a.len = (uint16_t)len;
	a.value = value;
	a.rv_index = -1;
	a.def = avp_lookup(vendor, type);
	return a;
}

static void
test_formats(void **state)
{
	const struct fmt_case *c;
	struct l2tp_avp a;
	struct sbuf sb;
	size_t i;

	(void)state;
	sbuf_init(&sb);
	for (i = 0; i < nitems(fmt_cases); i++) {
		c = &fmt_cases[i];
		a = mkavp(c->vendor, c->type, c->value, c->len);
		sbuf_reset(&sb);
		assert_int_equal(l2tp_avp_format(&a, &sb), 0);
		if (strcmp(sb.s, c->text) != 0)
			fail_msg("%u:%u text \"%s\", want \"%s\"", c->vendor,
			    c->type, sb.s, c->text);
		sbuf_reset(&sb);
		assert_int_equal(l2tp_avp_format_json(&a, &sb), 0);
		if (strcmp(sb.s, c->json) != 0)
			fail_msg("%u:%u json %s, want %s", c->vendor, c->type,
			    sb.s, c->json);
	}
	a = mkavp(0, L2TP_AVP_HOST_NAME, "0123456789abcdef", 16);
	a.flags = L2TP_AVP_F_M | L2TP_AVP_F_H;
	a.hidden = 1;
	sbuf_reset(&sb);
	l2tp_avp_format(&a, &sb);
	assert_string_equal(sb.s, "<hidden, 16 bytes>");
	sbuf_free(&sb);
}

/* Feed a document to Python's json module, with an optional check. */
static int
python_json_ok(const char *doc, const char *check, int quiet)
{
	const char *py = getenv("PYTHON3");
	char cmd[1024];
	FILE *p;

	if (py == NULL || *py == '\0')
		py = "python3";
	snprintf(cmd, sizeof(cmd),
	    "%s -c 'import json,sys; d = json.load(sys.stdin); %s'%s", py,
	    check != NULL ? check : "pass", quiet ? " 2>/dev/null" : "");
	if ((p = popen(cmd, "w")) == NULL)
		return 0;
	fputs(doc, p);
	return pclose(p) == 0;
}

static void
append_json(struct sbuf *doc, void (*build)(void))
{
	if (doc->len > 1)
		sbuf_putc(doc, ',');
	build();
	assert_int_equal(l2tp_msg_dump_json(&msg, doc), 0);
}

static void
test_json_parses(void **state)
{
	struct sbuf doc;
	struct l2tp_avp a;
	char check[128];
	size_t i;

	(void)state;
	sbuf_init(&doc);
	sbuf_putc(&doc, '[');
	append_json(&doc, build_sccrq);
	append_json(&doc, build_stopccn);
	append_json(&doc, build_icrq);
	append_json(&doc, build_hidden);
	append_json(&doc, build_garbage);
	for (i = 0; i < nitems(fmt_cases); i++) {
		a = mkavp(fmt_cases[i].vendor, fmt_cases[i].type,
		    fmt_cases[i].value, fmt_cases[i].len);
		sbuf_putc(&doc, ',');
		l2tp_avp_format_json(&a, &doc);
	}
	sbuf_putc(&doc, ']');
	assert_false(doc.failed);
	snprintf(check, sizeof(check),
	    "assert len(d) == %zu; assert d[0][\"avps\"][1][\"value\"] == "
	    "\"lac1\"",
	    5 + nitems(fmt_cases));
	assert_true(python_json_ok(doc.s, check, 0));
	/* Garbage in a Host Name comes out as the same characters. */
	assert_true(python_json_ok(doc.s,
	    "assert d[4][\"avps\"][1][\"value\"] == "
	    "\"a\\\"b\\\\c\\n\\x01\\x7f\\x80\\xff/\"",
	    0));
	/* And a broken document is caught: the checker can fail. */
	assert_false(python_json_ok("{\"a\":", NULL, 1));
	sbuf_free(&doc);
}

/* Peer text for logs and text output: a forged log line (newline) and
 * a terminal escape come out as visible escapes; a fixed buffer is cut
 * at a whole escape. */
static void
test_vis(void **state)
{
	static const char evil[] =
	    "r1\n2026-01-01 00:00:00 forged\x1b[2J\"\\\xff";
	char small[6], big[STR_VIS_SIZE(sizeof(evil))];
	struct sbuf sb;

	(void)state;
	assert_string_equal(str_vis(big, sizeof(big), evil),
	    "r1\\x0a2026-01-01 00:00:00 forged\\x1b[2J\\\"\\\\\\xff");
	assert_string_equal(str_vis(small, sizeof(small), "a\ncd"), "a\\x0a");
	assert_string_equal(str_vis(small, sizeof(small), "abc\n"), "abc");
	assert_string_equal(str_vis(small, sizeof(small), "plain"), "plain");
	/* A Remote End ID with NULs in it (VECTOR CCS): all of it shows. */
	assert_string_equal(str_visn(big, sizeof(big), "\0\0\0\3\0\0", 6),
	    "\\x00\\x00\\x00\\x03\\x00\\x00");
	sbuf_init(&sb);
	assert_int_equal(sbuf_vis(&sb, "a\0b\r", 4), 0);
	assert_string_equal(sb.s, "a\\x00b\\x0d");
	sbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_json_exact),
		cmocka_unit_test(test_zlb),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_json_parses),
		cmocka_unit_test(test_vis),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Text and JSON renderings of control messages.
 *
 * Every AVP name and value format comes from the dictionary (avp.h); this
 * file only knows how to print each format.  A value is parsed completely
 * before anything is printed, and a value that does not fit its format
 * (hidden, unknown, or malformed) is printed as hex, so any byte string a
 * peer sends renders as one line of text and as valid JSON.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "proto/dump.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* No message context: Result Code names that mean the same everywhere. */
#define MT_NONE 0

enum out_mode {
	OUT_TEXT,
	OUT_JSON,
};

struct name_entry {
	uint16_t code;
	const char *name;
};

/* RFC 3931 section 5.4.2 and RFC 2661 section 4.4.2: StopCCN and CDN
 * give the same Result Code numbers different meanings. */
static const struct name_entry stopccn_results[] = {
	{ L2TP_STOPCCN_GENERAL_CLEAR, "General request to clear" },
	{ L2TP_STOPCCN_GENERAL_ERROR, "General error" },
	{ L2TP_STOPCCN_ALREADY_EXISTS, "Control connection already exists" },
	{ L2TP_STOPCCN_NOT_AUTHORIZED, "Requester not authorized" },
	{ L2TP_STOPCCN_BAD_PROTOCOL, "Protocol version not supported" },
	{ L2TP_STOPCCN_SHUTTING_DOWN, "Requester shutting down" },
	{ L2TP_STOPCCN_FSM_ERROR, "Finite state machine error" },
};

static const struct name_entry cdn_results[] = {
	{ L2TP_CDN_LOST_CARRIER, "Lost carrier" },
	{ L2TP_CDN_GENERAL_ERROR, "General error" },
	{ L2TP_CDN_ADMIN, "Administrative disconnect" },
	{ L2TP_CDN_NO_FACILITIES_TEMP, "No facilities (temporary)" },
	{ L2TP_CDN_NO_FACILITIES_PERM, "No facilities (permanent)" },
	{ L2TP_CDN_LOST_TIE_BREAKER, "Lost tie breaker" },
	{ L2TP_CDN_PW_TYPE_UNSUPPORTED, "Pseudowire type not supported" },
	{ L2TP_CDN_SEQ_WITHOUT_L2SS,
	    "Sequencing without L2-Specific Sublayer" },
	{ L2TP_CDN_FSM_ERROR, "Finite state machine error" },
};

static const struct name_entry generic_results[] = {
	{ 2, "General error" },
};

static const struct name_entry error_codes[] = {
	{ L2TP_ERR_NONE, "No error" },
	{ L2TP_ERR_NO_CONTROL_CONN, "No control connection" },
	{ L2TP_ERR_BAD_LENGTH, "Bad length" },
	{ L2TP_ERR_BAD_VALUE, "Bad value" },
	{ L2TP_ERR_NO_RESOURCES, "No resources" },
	{ L2TP_ERR_BAD_SESSION_ID, "Invalid session ID" },
	{ L2TP_ERR_VENDOR, "Vendor-specific error" },
	{ L2TP_ERR_TRY_ANOTHER, "Try another" },
	{ L2TP_ERR_UNKNOWN_M_AVP, "Unknown mandatory AVP" },
};

/* IANA L2TPv3 pseudowire types (12 and 13: DOCSIS DEPI). */
static const struct name_entry pw_types[] = {
	{ L2TP_PW_FR_DLCI, "Frame Relay DLCI" },
	{ L2TP_PW_ATM_AAL5, "ATM AAL5" },
	{ L2TP_PW_ATM_CELL_PORT, "ATM cell port" },
	{ L2TP_PW_ETH_VLAN, "Ethernet VLAN" },
	{ L2TP_PW_ETH, "Ethernet" },
	{ L2TP_PW_HDLC, "HDLC" },
	{ L2TP_PW_PPP, "PPP" },
	{ L2TP_PW_ATM_CELL_VCC, "ATM cell VCC" },
	{ L2TP_PW_ATM_CELL_VPC, "ATM cell VPC" },
	{ L2TP_PW_IP, "IP" },
	{ 12, "DEPI MPT" },
	{ 13, "DEPI PSP" },
};

static const char *
code_name(const struct name_entry *t, size_t n, uint16_t code)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static const char *
result_name(uint16_t msg_type, uint16_t result)
{
	if (msg_type == L2TP_MT_STOPCCN)
		return code_name(
		    stopccn_results, nitems(stopccn_results), result);
	if (msg_type == L2TP_MT_CDN)
		return code_name(cdn_results, nitems(cdn_results), result);
	return code_name(generic_results, nitems(generic_results), result);
}

/* Text: "name" in quotes, escaped by sbuf_vis() so a peer's bytes
 * cannot break a log line. */
static int
put_text_str(struct sbuf *sb, const uint8_t *p, size_t n)
{
	sbuf_putc(sb, '"');
	sbuf_vis(sb, (const char *)p, n);
	return sbuf_putc(sb, '"');
}

static int
put_str(struct sbuf *sb, enum out_mode mode, const uint8_t *p, size_t n)
{
	if (mode == OUT_JSON)
		return sbuf_json_strn(sb, (const char *)p, n);
	return put_text_str(sb, p, n);
}

static int
put_hex(struct sbuf *sb, enum out_mode mode, const uint8_t *p, size_t n)
{
	sbuf_puts(sb, mode == OUT_JSON ? "\"" : "0x");
	sbuf_hex(sb, p, n);
	return mode == OUT_JSON ? sbuf_putc(sb, '"') : 0;
}

static int
put_bool(struct sbuf *sb, int b)
{
	return sbuf_puts(sb, b ? "true" : "false");
}

/*
 * Value formatters.  Each parses the whole value through an rbuf first and
 * returns 1 without printing when it does not fit, so the caller can fall
 * back to hex; otherwise 0, or -1 when the sbuf failed.
 */
struct fmt_ctx {
	const struct l2tp_avp *a;
	uint16_t msg_type;
	enum out_mode mode;
	struct sbuf *sb;
};

static int
sb_status(const struct sbuf *sb)
{
	return sb->failed ? -1 : 0;
}

static int
fmt_uint(const struct fmt_ctx *c)
{
	uint64_t v;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8;

	switch (c->a->def->format) {
	case AVP_FMT_U8:
		if (avp_get_u8(c->a, &v8) == -1)
			return 1;
		v = v8;
		break;
	case AVP_FMT_U16:
		if (avp_get_u16(c->a, &v16) == -1)
			return 1;
		v = v16;
		break;
	case AVP_FMT_U32:
		if (avp_get_u32(c->a, &v32) == -1)
			return 1;
		v = v32;
		break;
	default:
		if (avp_get_u64(c->a, &v) == -1)
			return 1;
		break;
	}
	sbuf_printf(c->sb, "%" PRIu64, v);
	return sb_status(c->sb);
}

static int
fmt_msg_type(const struct fmt_ctx *c)
{
	uint16_t t;

	if (avp_get_u16(c->a, &t) == -1)
		return 1;
	if (c->mode == OUT_JSON)
		sbuf_printf(c->sb, "%u", t);
	else if (c->a->vendor == L2TP_VENDOR_CISCO)
		sbuf_printf(c->sb, "%s (%u)",
		    t == L2TP_CISCO_MT_ACK ? "ACK" : "unknown", t);
	else
		sbuf_printf(c->sb, "%s (%u)", l2tp_msg_type_name(t), t);
	return sb_status(c->sb);
}

/* u16 result [u16 error [message]] */
static int
fmt_result(const struct fmt_ctx *c)
{
	struct rbuf r;
	const uint8_t *text = NULL;
	const char *rname, *ename = NULL;
	uint16_t result, error = 0;
	size_t tlen = 0;
	int has_error;

	avp_reader(c->a, &r);
	if (rbuf_get_u16(&r, &result) == -1 || rbuf_left(&r) == 1)
		return 1;
	has_error = rbuf_get_u16(&r, &error) == 0;
	tlen = rbuf_left(&r);
	if (tlen > 0 && rbuf_view(&r, tlen, &text) == -1)
		return 1;
	if (c->mode == OUT_JSON) {
		sbuf_printf(c->sb, "{\"result\":%u", result);
		if (has_error)
			sbuf_printf(c->sb, ",\"error\":%u", error);
		if (tlen > 0) {
			sbuf_puts(c->sb, ",\"message\":");
			sbuf_json_strn(c->sb, (const char *)text, tlen);
		}
		sbuf_putc(c->sb, '}');
		return sb_status(c->sb);
	}
	sbuf_printf(c->sb, "%u", result);
	if ((rname = result_name(c->msg_type, result)) != NULL)
		sbuf_printf(c->sb, " (%s)", rname);
	if (has_error) {
		sbuf_printf(c->sb, " error=%u", error);
		ename = code_name(error_codes, nitems(error_codes), error);
		if (ename != NULL)
			sbuf_printf(c->sb, " (%s)", ename);
	}
	if (tlen > 0) {
		sbuf_putc(c->sb, ' ');
		put_text_str(c->sb, text, tlen);
	}
	return sb_status(c->sb);
}

static int
fmt_proto_ver(const struct fmt_ctx *c)
{
	struct rbuf r;
	uint8_t ver, rev;

	avp_reader(c->a, &r);
	if (rbuf_get_u8(&r, &ver) == -1 || rbuf_get_u8(&r, &rev) == -1 ||
	    rbuf_left(&r) != 0)
		return 1;
	if (c->mode == OUT_JSON)
		sbuf_printf(
		    c->sb, "{\"version\":%u,\"revision\":%u}", ver, rev);
	else
		sbuf_printf(c->sb, "%u.%u", ver, rev);
	return sb_status(c->sb);
}

static void
put_pw_type(const struct fmt_ctx *c, uint16_t pw)
{
	const char *name = code_name(pw_types, nitems(pw_types), pw);

	if (c->mode == OUT_JSON || name == NULL)
		sbuf_printf(c->sb, "%u", pw);
	else
		sbuf_printf(c->sb, "%u (%s)", pw, name);
}

static int
fmt_pw_type(const struct fmt_ctx *c)
{
	uint16_t pw;

	if (avp_get_u16(c->a, &pw) == -1)
		return 1;
	put_pw_type(c, pw);
	return sb_status(c->sb);
}

static int
fmt_u16_list(const struct fmt_ctx *c)
{
	struct rbuf r;
	uint16_t v;
	int first = 1;

	if (c->a->len % 2 != 0)
		return 1;
	avp_reader(c->a, &r);
	if (c->mode == OUT_JSON)
		sbuf_putc(c->sb, '[');
	while (rbuf_get_u16(&r, &v) == 0) {
		if (!first)
			sbuf_puts(c->sb, c->mode == OUT_JSON ? "," : ", ");
		put_pw_type(c, v);
		first = 0;
	}
	if (c->mode == OUT_JSON)
		sbuf_putc(c->sb, ']');
	return sb_status(c->sb);
}

/* u8 digest type, then the digest itself. */
static int
fmt_digest(const struct fmt_ctx *c)
{
	struct rbuf r;
	const uint8_t *d;
	size_t dlen;
	uint8_t dtype;

	avp_reader(c->a, &r);
	if (rbuf_get_u8(&r, &dtype) == -1)
		return 1;
	dlen = rbuf_left(&r);
	if (rbuf_view(&r, dlen, &d) == -1)
		return 1;
	if (c->mode == OUT_JSON) {
		sbuf_printf(c->sb, "{\"digestType\":%u,\"digest\":", dtype);
		put_hex(c->sb, OUT_JSON, d, dlen);
		sbuf_putc(c->sb, '}');
		return sb_status(c->sb);
	}
	if (dtype == L2TP_DIGEST_TYPE_MD5)
		sbuf_puts(c->sb, "HMAC-MD5 ");
	else if (dtype == L2TP_DIGEST_TYPE_SHA1)
		sbuf_puts(c->sb, "HMAC-SHA-1 ");
	else
		sbuf_printf(c->sb, "type %u ", dtype);
	put_hex(c->sb, OUT_TEXT, d, dlen);
	return sb_status(c->sb);
}

/* RFC 3931 A bit (active) and RFC 5641 N bit (new). */
static int
fmt_circuit(const struct fmt_ctx *c)
{
	uint16_t v;
	int active, fresh;

	if (avp_get_u16(c->a, &v) == -1)
		return 1;
	active = (v & L2TP_CS_ACTIVE) != 0;
	fresh = (v & L2TP_CS_NEW) != 0;
	if (c->mode == OUT_JSON) {
		sbuf_printf(c->sb, "{\"value\":%u,\"active\":", v);
		put_bool(c->sb, active);
		sbuf_puts(c->sb, ",\"new\":");
		put_bool(c->sb, fresh);
		sbuf_putc(c->sb, '}');
	} else
		sbuf_printf(c->sb, "%u (%s%s)", v,
		    active ? "active" : "inactive", fresh ? ", new" : "");
	return sb_status(c->sb);
}

/* u16 cause code, u8 message type, optional advisory text. */
static int
fmt_q931(const struct fmt_ctx *c)
{
	struct rbuf r;
	const uint8_t *adv = NULL;
	uint16_t cause;
	uint8_t mtype;
	size_t alen;

	avp_reader(c->a, &r);
	if (rbuf_get_u16(&r, &cause) == -1 || rbuf_get_u8(&r, &mtype) == -1)
		return 1;
	alen = rbuf_left(&r);
	if (alen > 0 && rbuf_view(&r, alen, &adv) == -1)
		return 1;
	if (c->mode == OUT_JSON) {
		sbuf_printf(
		    c->sb, "{\"cause\":%u,\"messageType\":%u", cause, mtype);
		if (alen > 0) {
			sbuf_puts(c->sb, ",\"advisory\":");
			sbuf_json_strn(c->sb, (const char *)adv, alen);
		}
		sbuf_putc(c->sb, '}');
		return sb_status(c->sb);
	}
	sbuf_printf(c->sb, "cause=%u msg=%u", cause, mtype);
	if (alen > 0) {
		sbuf_putc(c->sb, ' ');
		put_text_str(c->sb, adv, alen);
	}
	return sb_status(c->sb);
}

static int
fmt_ipv4(const struct fmt_ctx *c)
{
	struct rbuf r;
	uint8_t o[4];

	avp_reader(c->a, &r);
	if (rbuf_get_bytes(&r, o, sizeof(o)) == -1 || rbuf_left(&r) != 0)
		return 1;
	sbuf_printf(c->sb,
	    c->mode == OUT_JSON ? "\"%u.%u.%u.%u\"" : "%u.%u.%u.%u", o[0], o[1],
	    o[2], o[3]);
	return sb_status(c->sb);
}

/* Reserved u16, then six u32 counters (RFC 2661 Call Errors, RFC 3931
 * Circuit Errors). */
static int
fmt_call_errors(const struct fmt_ctx *c)
{
	static const char *const text[] = { "crc", "framing",
		"hardware-overruns", "buffer-overruns", "timeouts",
		"alignment" };
	static const char *const json[] = { "crc", "framing",
		"hardwareOverruns", "bufferOverruns", "timeouts", "alignment" };
	struct rbuf r;
	uint32_t n[6];
	size_t i;

	avp_reader(c->a, &r);
	if (rbuf_skip(&r, 2) == -1)
		return 1;
	for (i = 0; i < nitems(n); i++)
		if (rbuf_get_u32(&r, &n[i]) == -1)
			return 1;
	if (c->mode == OUT_JSON)
		sbuf_putc(c->sb, '{');
	for (i = 0; i < nitems(n); i++) {
		if (c->mode == OUT_JSON)
			sbuf_printf(c->sb, "%s\"%s\":%" PRIu32, i ? "," : "",
			    json[i], n[i]);
		else
			sbuf_printf(c->sb, "%s%s=%" PRIu32, i ? " " : "",
			    text[i], n[i]);
	}
	if (c->mode == OUT_JSON)
		sbuf_putc(c->sb, '}');
	return sb_status(c->sb);
}

/* Reserved u16, send ACCM, receive ACCM. */
static int
fmt_accm(const struct fmt_ctx *c)
{
	struct rbuf r;
	uint32_t send, recv;

	avp_reader(c->a, &r);
	if (rbuf_skip(&r, 2) == -1 || rbuf_get_u32(&r, &send) == -1 ||
	    rbuf_get_u32(&r, &recv) == -1)
		return 1;
	if (c->mode == OUT_JSON)
		sbuf_printf(c->sb,
		    "{\"send\":%" PRIu32 ",\"recv\":%" PRIu32 "}", send, recv);
	else
		sbuf_printf(c->sb, "send=0x%08" PRIx32 " recv=0x%08" PRIx32,
		    send, recv);
	return sb_status(c->sb);
}

static int
fmt_string(const struct fmt_ctx *c)
{
	put_str(c->sb, c->mode, c->a->value, c->a->len);
	return sb_status(c->sb);
}

static int
fmt_none(const struct fmt_ctx *c)
{
	if (c->a->len != 0)
		return 1;
	if (c->mode == OUT_JSON)
		sbuf_puts(c->sb, "null");
	return sb_status(c->sb);
}

static int
fmt_known(const struct fmt_ctx *c)
{
	switch (c->a->def->format) {
	case AVP_FMT_NONE:
		return fmt_none(c);
	case AVP_FMT_U8:
	case AVP_FMT_U16:
	case AVP_FMT_U32:
	case AVP_FMT_U64:
		return fmt_uint(c);
	case AVP_FMT_STRING:
		return fmt_string(c);
	case AVP_FMT_MSG_TYPE:
		return fmt_msg_type(c);
	case AVP_FMT_RESULT:
		return fmt_result(c);
	case AVP_FMT_PROTO_VER:
		return fmt_proto_ver(c);
	case AVP_FMT_U16_LIST:
		return fmt_u16_list(c);
	case AVP_FMT_PW_TYPE:
		return fmt_pw_type(c);
	case AVP_FMT_DIGEST:
		return fmt_digest(c);
	case AVP_FMT_CIRCUIT:
		return fmt_circuit(c);
	case AVP_FMT_Q931:
		return fmt_q931(c);
	case AVP_FMT_IPV4:
		return fmt_ipv4(c);
	case AVP_FMT_CALL_ERRORS:
		return fmt_call_errors(c);
	case AVP_FMT_ACCM:
		return fmt_accm(c);
	case AVP_FMT_BYTES:
		break;
	}
	return 1;
}

static int
format_value(const struct l2tp_avp *a, uint16_t msg_type, enum out_mode mode,
    struct sbuf *sb)
{
	struct fmt_ctx c = { a, msg_type, mode, sb };
	int rc;

	if (a->hidden) {
		if (mode == OUT_JSON)
			sbuf_puts(sb, "null");
		else
			sbuf_printf(sb, "<hidden, %u bytes>", a->len);
		return sb_status(sb);
	}
	if (a->def != NULL && avp_check_len(a) == 0 &&
	    (rc = fmt_known(&c)) != 1)
		return rc;
	put_hex(sb, mode, a->value, a->len);
	return sb_status(sb);
}

int
l2tp_avp_format(const struct l2tp_avp *a, struct sbuf *sb)
{
	return format_value(a, MT_NONE, OUT_TEXT, sb);
}

int
l2tp_avp_format_json(const struct l2tp_avp *a, struct sbuf *sb)
{
	return format_value(a, MT_NONE, OUT_JSON, sb);
}

/* "SCCRQ ccid=0 ns=0 nr=0": the start of both text dumps. */
static void
put_header(const struct l2tp_msg *m, struct sbuf *sb)
{
	const char *name = l2tp_msg_type_name(m->type);

	if (strcmp(name, "unknown") == 0)
		sbuf_printf(sb, "unknown(%u)", m->type);
	else
		sbuf_puts(sb, name);
	sbuf_printf(sb, " ccid=%" PRIu32 " ns=%u nr=%u", m->hdr.ccid, m->hdr.ns,
	    m->hdr.nr);
}

static void
line_u32(const struct l2tp_msg *m, uint16_t ietf, uint16_t cisco,
    const char *key, struct sbuf *sb)
{
	const struct l2tp_avp *a = l2tp_msg_find_alias(m, ietf, cisco);
	uint32_t v;

	if (a == NULL)
		return;
	if (a->hidden)
		sbuf_printf(sb, " %s=<hidden>", key);
	else if (avp_get_u32(a, &v) == 0)
		sbuf_printf(sb, " %s=%" PRIu32, key, v);
}

static void
line_host(const struct l2tp_msg *m, struct sbuf *sb)
{
	const struct l2tp_avp *a;

	a = l2tp_msg_find(m, L2TP_VENDOR_IETF, L2TP_AVP_HOST_NAME);
	if (a == NULL)
		return;
	sbuf_puts(sb, " host=");
	if (a->hidden)
		sbuf_puts(sb, "<hidden>");
	else
		put_text_str(sb, a->value, a->len);
}

static void
line_result(const struct l2tp_msg *m, struct sbuf *sb)
{
	const struct l2tp_avp *a;
	struct rbuf r;
	uint16_t result, error;

	a = l2tp_msg_find(m, L2TP_VENDOR_IETF, L2TP_AVP_RESULT_CODE);
	if (a == NULL || a->hidden)
		return;
	avp_reader(a, &r);
	if (rbuf_get_u16(&r, &result) == -1)
		return;
	sbuf_printf(sb, " result=%u", result);
	if (rbuf_get_u16(&r, &error) == 0)
		sbuf_printf(sb, "/%u", error);
}

/* " auth=md5" / " auth=sha1": which digest protects the message, so a
 * checker's verdict ("digest ok") can follow without repeating a word. */
static void
line_digest(const struct l2tp_msg *m, struct sbuf *sb)
{
	const struct l2tp_avp *a;
	uint8_t dtype;

	a = l2tp_msg_find_alias(
	    m, L2TP_AVP_MESSAGE_DIGEST, L2TP_CISCO_MESSAGE_DIGEST);
	if (a == NULL)
		return;
	if (a->len < 1 || a->hidden)
		sbuf_puts(sb, " auth=?");
	else {
		dtype = a->value[0];
		sbuf_puts(sb,
		    dtype == L2TP_DIGEST_TYPE_MD5	 ? " auth=md5"
			: dtype == L2TP_DIGEST_TYPE_SHA1 ? " auth=sha1"
							 : " auth=?");
	}
}

int
l2tp_msg_dump_line(const struct l2tp_msg *m, struct sbuf *sb)
{
	put_header(m, sb);
	line_host(m, sb);
	line_u32(m, L2TP_AVP_ASSIGNED_CCID, L2TP_CISCO_ASSIGNED_CCID,
	    "assigned-ccid", sb);
	line_u32(m, L2TP_AVP_LOCAL_SESSION_ID, L2TP_CISCO_LOCAL_SESSION_ID,
	    "local-sid", sb);
	line_u32(m, L2TP_AVP_REMOTE_SESSION_ID, L2TP_CISCO_REMOTE_SESSION_ID,
	    "remote-sid", sb);
	line_result(m, sb);
	line_digest(m, sb);
	return sb_status(sb);
}

/* "  Host Name (7) M: \"lac1\"" */
static int
has_no_value(const struct l2tp_avp *a)
{
	return a->def != NULL && a->def->format == AVP_FMT_NONE &&
	    a->len == 0 && !a->hidden;
}

static void
full_avp(const struct l2tp_msg *m, const struct l2tp_avp *a, struct sbuf *sb)
{
	sbuf_printf(sb, "  %s (", a->def != NULL ? a->def->name : "Unknown");
	if (a->vendor != L2TP_VENDOR_IETF)
		sbuf_printf(sb, "%u:", a->vendor);
	sbuf_printf(sb, "%u)", a->type);
	if (a->flags & (L2TP_AVP_F_M | L2TP_AVP_F_H))
		sbuf_printf(sb, " %s%s", a->flags & L2TP_AVP_F_M ? "M" : "",
		    a->flags & L2TP_AVP_F_H ? "H" : "");
	/* A value-less AVP (Sequencing Required) ends at its flags. */
	if (!has_no_value(a)) {
		sbuf_puts(sb, ": ");
		format_value(a, m->type, OUT_TEXT, sb);
	}
	sbuf_putc(sb, '\n');
}

int
l2tp_msg_dump_full(const struct l2tp_msg *m, struct sbuf *sb)
{
	size_t i;

	put_header(m, sb);
	sbuf_printf(sb, " length=%u\n", m->hdr.length);
	for (i = 0; i < m->navps; i++)
		full_avp(m, &m->avps[i], sb);
	return sb_status(sb);
}

static void
json_avp(const struct l2tp_msg *m, const struct l2tp_avp *a, struct sbuf *sb)
{
	sbuf_printf(
	    sb, "{\"vendor\":%u,\"type\":%u,\"name\":", a->vendor, a->type);
	if (a->def != NULL)
		sbuf_json_str(sb, a->def->json_name);
	else
		sbuf_puts(sb, "null");
	sbuf_puts(sb, ",\"mandatory\":");
	put_bool(sb, (a->flags & L2TP_AVP_F_M) != 0);
	sbuf_puts(sb, ",\"hidden\":");
	put_bool(sb, a->hidden);
	sbuf_printf(sb, ",\"length\":%u,\"value\":", a->len);
	format_value(a, m->type, OUT_JSON, sb);
	sbuf_putc(sb, '}');
}

int
l2tp_msg_dump_json(const struct l2tp_msg *m, struct sbuf *sb)
{
	size_t i;

	sbuf_puts(sb, "{\"type\":");
	if (m->type == L2TP_MT_ZLB) {
		sbuf_puts(sb, "\"ZLB\",\"typeCode\":null");
	} else {
		sbuf_json_str(sb, l2tp_msg_type_name(m->type));
		sbuf_printf(sb, ",\"typeCode\":%u", m->type);
	}
	sbuf_printf(sb,
	    ",\"encap\":\"%s\",\"ccid\":%" PRIu32
	    ",\"ns\":%u,\"nr\":%u,\"length\":%u,\"avps\":[",
	    m->encap == L2TP_ENCAP_IP ? "ip" : "udp", m->hdr.ccid, m->hdr.ns,
	    m->hdr.nr, m->hdr.length);
	for (i = 0; i < m->navps; i++) {
		if (i > 0)
			sbuf_putc(sb, ',');
		json_avp(m, &m->avps[i], sb);
	}
	sbuf_puts(sb, "]}");
	return sb_status(sb);
}

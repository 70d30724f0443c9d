/*
 * The AVP dictionary, typed getters, length checks and hidden AVPs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "proto/avp.h"
#include "proto/l2tp.h"

static int
is_camel_case(const char *s)
{
	if (s == NULL || *s < 'a' || *s > 'z')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static void
test_dict_sane(void **state)
{
	size_t i, j, n = avp_dict_size();

	assert_true(n >= 90);
	assert_null(avp_dict_entry(n));
	for (i = 0; i < n; i++) {
		const struct avp_def *d = avp_dict_entry(i);

		assert_non_null(d);
		assert_non_null(d->name);
		assert_true(d->name[0] != '\0');
		assert_true(is_camel_case(d->json_name));
		assert_true(d->min_len <= d->max_len);
		assert_true(d->max_len <= L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN);
		/* Fixed-width formats must say so in their lengths. */
		if (d->format == AVP_FMT_U16 || d->format == AVP_FMT_MSG_TYPE)
			assert_true(d->min_len == 2 && d->max_len == 2);
		if (d->format == AVP_FMT_U32)
			assert_true(d->min_len == 4 && d->max_len == 4);
		if (d->format == AVP_FMT_U64)
			assert_true(d->min_len == 8 && d->max_len == 8);
		/* The table entry is what the lookup returns. */
		assert_ptr_equal(avp_lookup(d->vendor, d->type), d);
		for (j = i + 1; j < n; j++) {
			const struct avp_def *e = avp_dict_entry(j);

			assert_false(
			    d->vendor == e->vendor && d->type == e->type);
			assert_string_not_equal(d->json_name, e->json_name);
		}
	}
}

/* What the brief and the RFCs pin down, spot-checked. */
static const struct dict_case {
	uint16_t vendor, type;
	enum avp_format format;
	uint16_t min_len, max_len;
	uint8_t flags_set;
} dict_cases[] = {
	{ 0, L2TP_AVP_MESSAGE_TYPE, AVP_FMT_MSG_TYPE, 2, 2, AVP_DEF_MANDATORY },
	{ 0, L2TP_AVP_PROTOCOL_VERSION, AVP_FMT_PROTO_VER, 2, 2,
	    AVP_DEF_V2_ONLY },
	{ 0, L2TP_AVP_FRAMING_CAPS, AVP_FMT_U32, 4, 4, AVP_DEF_V2_ONLY },
	{ 0, L2TP_AVP_TIE_BREAKER, AVP_FMT_BYTES, 8, 8, 0 },
	{ 0, L2TP_AVP_FIRMWARE_REV, AVP_FMT_U16, 2, 2, 0 },
	{ 0, L2TP_AVP_CHALLENGE, AVP_FMT_BYTES, 1, 1017, 0 },
	{ 0, L2TP_AVP_CALL_SERIAL, AVP_FMT_U32, 4, 4, 0 },
	{ 0, L2TP_AVP_FRAMING_TYPE, AVP_FMT_U32, 4, 4, 0 },
	{ 0, L2TP_AVP_CONNECT_SPEED, AVP_FMT_U32, 4, 4, 0 },
	{ 0, L2TP_AVP_SEQUENCING_REQUIRED, AVP_FMT_NONE, 0, 0, 0 },
	{ 0, L2TP_AVP_PPP_DISCONNECT_CAUSE, AVP_FMT_BYTES, 5, 1017, 0 },
	{ 0, L2TP_AVP_MESSAGE_DIGEST, AVP_FMT_DIGEST, 17, 21, 0 },
	{ 0, L2TP_AVP_ROUTER_ID, AVP_FMT_IPV4, 4, 4, AVP_DEF_HIDEABLE },
	{ 0, L2TP_AVP_ASSIGNED_CCID, AVP_FMT_U32, 4, 4, AVP_DEF_HIDEABLE },
	{ 0, L2TP_AVP_PW_CAPS, AVP_FMT_U16_LIST, 2, 1016, 0 },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, AVP_FMT_BYTES, 1, 8, 0 },
	{ 0, L2TP_AVP_PW_TYPE, AVP_FMT_PW_TYPE, 2, 2, 0 },
	{ 0, L2TP_AVP_CIRCUIT_STATUS, AVP_FMT_CIRCUIT, 2, 2, 0 },
	{ 0, L2TP_AVP_CTRL_AUTH_NONCE, AVP_FMT_BYTES, 1, 64, 0 },
	{ 0, L2TP_AVP_TX_CONNECT_SPEED, AVP_FMT_U64, 8, 8, 0 },
	{ 0, L2TP_AVP_RX_CONNECT_SPEED_V3, AVP_FMT_U64, 8, 8, 0 },
	{ 0, L2TP_AVP_ATTACHMENT_GROUP_ID, AVP_FMT_BYTES, 0, 1017, 0 },
	{ 0, L2TP_AVP_INTERFACE_MTU, AVP_FMT_U16, 2, 2, 0 },
	{ 9, L2TP_CISCO_MESSAGE_TYPE, AVP_FMT_MSG_TYPE, 2, 2, 0 },
	{ 9, L2TP_CISCO_ASSIGNED_CCID, AVP_FMT_U32, 4, 4, 0 },
	{ 9, L2TP_CISCO_PW_CAPS, AVP_FMT_U16_LIST, 2, 1016, 0 },
	{ 9, L2TP_CISCO_ASSIGNED_COOKIE, AVP_FMT_BYTES, 1, 8, 0 },
	{ 9, L2TP_CISCO_REMOTE_END_ID, AVP_FMT_STRING, 1, 1017, 0 },
	{ 9, L2TP_CISCO_SESSION_TIE_BREAKER, AVP_FMT_BYTES, 8, 8, 0 },
	{ 9, L2TP_CISCO_DRAFT_AVP_VERSION, AVP_FMT_U16, 2, 2, 0 },
	{ 9, L2TP_CISCO_MESSAGE_DIGEST, AVP_FMT_DIGEST, 17, 21, 0 },
	{ 9, L2TP_CISCO_INTERFACE_MTU, AVP_FMT_U16, 2, 2, 0 },
};

static void
test_dict_entries(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(dict_cases) / sizeof(dict_cases[0]); i++) {
		const struct dict_case *c = &dict_cases[i];
		const struct avp_def *d = avp_lookup(c->vendor, c->type);

		assert_non_null(d);
		assert_int_equal(d->vendor, c->vendor);
		assert_int_equal(d->type, c->type);
		assert_int_equal(d->format, c->format);
		assert_int_equal(d->min_len, c->min_len);
		assert_int_equal(d->max_len, c->max_len);
		assert_int_equal(d->flags & c->flags_set, c->flags_set);
	}
}

static void
test_dict_covers_ranges(void **state)
{
	uint16_t t;

	/* Every IETF type 0..75 but the reserved 20 is known. */
	for (t = 0; t <= 75; t++)
		if (t != 20)
			assert_non_null(avp_lookup(0, t));
	assert_null(avp_lookup(0, 20));
	for (t = 89; t <= 91; t++)
		assert_non_null(avp_lookup(0, t));
	for (t = 0; t <= 14; t++)
		if (t != 11)
			assert_non_null(avp_lookup(9, t));
}

static const struct {
	uint16_t vendor, type;
} unknown_avps[] = {
	{ 0, 20 },
	{ 0, 76 },
	{ 0, 127 },
	{ 0, 128 },
	{ 0, 0xffff },
	{ 9, 11 },
	{ 9, 15 },
	{ 9, 31 },
	{ 9, 32 },
	{ 9, 105 },
	{ 9, 114 },
	{ 9, 115 },
	{ L2TP_VENDOR_CABLELABS, 0 },
	{ L2TP_VENDOR_CABLELABS, 1 },
	{ 1, 0 },
	{ 0xffff, 0xffff },
};

static void
test_lookup_unknown(void **state)
{
	size_t i;
	char buf[32];

	for (i = 0; i < sizeof(unknown_avps) / sizeof(unknown_avps[0]); i++)
		assert_null(
		    avp_lookup(unknown_avps[i].vendor, unknown_avps[i].type));
	assert_string_equal(
	    avp_name(9, 105, buf, sizeof(buf)), "vendor 9 AVP 105");
	assert_string_equal(avp_name(0, 20, buf, sizeof(buf)), "AVP 20");
	assert_string_equal(avp_name(0, 7, buf, sizeof(buf)), "Host Name");
	/* A name that does not fit is cut, never overrun. */
	assert_string_equal(avp_name(4491, 1, buf, 8), "vendor ");
}

static struct l2tp_avp
mkavp(uint16_t vendor, uint16_t type, const void *value, size_t len)
{
	struct l2tp_avp a = { 0 };

	a.vendor = vendor;
	a.type = type;
	a.len = (uint16_t)len;
	a.value = value;
	a.rv_index = -1;
	a.def = avp_lookup(vendor, type);
	return a;
}

static void
test_getters(void **state)
{
	static const uint8_t v[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
		0x08, 0x09 };
	struct l2tp_avp a;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;
	size_t len;
	uint8_t out[9];
	char s[5];

	a = mkavp(0, 1000, v, 1);
	assert_int_equal(avp_get_u8(&a, &u8), 0);
	assert_int_equal(u8, 1);
	assert_int_equal(avp_get_u16(&a, &u16), -1);
	a.len = 2;
	assert_int_equal(avp_get_u16(&a, &u16), 0);
	assert_int_equal(u16, 0x0102);
	assert_int_equal(avp_get_u8(&a, &u8), -1);
	assert_int_equal(avp_get_u32(&a, &u32), -1);
	a.len = 4;
	assert_int_equal(avp_get_u32(&a, &u32), 0);
	assert_int_equal(u32, 0x01020304);
	assert_int_equal(avp_get_u64(&a, &u64), -1);
	a.len = 8;
	assert_int_equal(avp_get_u64(&a, &u64), 0);
	assert_true(u64 == 0x0102030405060708ULL);
	a.len = 3;
	assert_int_equal(avp_get_u32(&a, &u32), -1);
	assert_int_equal(avp_get_u16(&a, &u16), -1);

	a = mkavp(0, 7, "lac1", 4);
	assert_int_equal(avp_get_string(&a, s, sizeof(s)), 0);
	assert_string_equal(s, "lac1");
	assert_int_equal(avp_get_string(&a, s, 4), -1);
	assert_string_equal(s, "lac");
	assert_int_equal(avp_get_string(&a, s, 0), -1);

	a = mkavp(0, 11, v, 9);
	assert_int_equal(avp_get_bytes(&a, out, sizeof(out), &len), 0);
	assert_int_equal(len, 9);
	assert_memory_equal(out, v, 9);
	assert_int_equal(avp_get_bytes(&a, out, 8, &len), -1);
	assert_int_equal(len, 9);
}

/* avp_check_len against the dictionary: value length -> verdict. */
static const struct len_case {
	uint16_t vendor, type;
	uint16_t len;
	int want;
} len_cases[] = {
	{ 0, L2TP_AVP_MESSAGE_TYPE, 2, 0 },
	{ 0, L2TP_AVP_MESSAGE_TYPE, 1, -1 },
	{ 0, L2TP_AVP_MESSAGE_TYPE, 3, -1 },
	{ 0, L2TP_AVP_RESULT_CODE, 1, -1 },
	{ 0, L2TP_AVP_RESULT_CODE, 2, 0 },
	/* An Error Code is two octets or absent: one octet is malformed. */
	{ 0, L2TP_AVP_RESULT_CODE, 3, -1 },
	{ 0, L2TP_AVP_RESULT_CODE, 4, 0 },
	{ 0, L2TP_AVP_RESULT_CODE, 40, 0 },
	{ 0, L2TP_AVP_TIE_BREAKER, 8, 0 },
	{ 0, L2TP_AVP_TIE_BREAKER, 7, -1 },
	{ 0, L2TP_AVP_HOST_NAME, 0, -1 },
	{ 0, L2TP_AVP_HOST_NAME, 1017, 0 },
	{ 0, L2TP_AVP_SEQUENCING_REQUIRED, 0, 0 },
	{ 0, L2TP_AVP_SEQUENCING_REQUIRED, 1, -1 },
	{ 0, L2TP_AVP_MESSAGE_DIGEST, 17, 0 },
	{ 0, L2TP_AVP_MESSAGE_DIGEST, 21, 0 },
	{ 0, L2TP_AVP_MESSAGE_DIGEST, 19, -1 },
	{ 0, L2TP_AVP_MESSAGE_DIGEST, 16, -1 },
	{ 0, L2TP_AVP_PW_CAPS, 6, 0 },
	{ 0, L2TP_AVP_PW_CAPS, 5, -1 },
	{ 0, L2TP_AVP_PW_CAPS, 0, -1 },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, 4, 0 },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, 8, 0 },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, 9, -1 },
	{ 0, L2TP_AVP_ASSIGNED_COOKIE, 0, -1 },
	{ 0, L2TP_AVP_TX_CONNECT_SPEED, 8, 0 },
	{ 0, L2TP_AVP_TX_CONNECT_SPEED, 4, -1 },
	{ 0, L2TP_AVP_CALL_ERRORS, 26, 0 },
	{ 0, L2TP_AVP_ACCM, 10, 0 },
	{ 0, L2TP_AVP_ACCM, 8, -1 },
	{ 9, L2TP_CISCO_MESSAGE_DIGEST, 17, 0 },
	{ 9, L2TP_CISCO_MESSAGE_DIGEST, 18, -1 },
	{ 9, L2TP_CISCO_ASSIGNED_CCID, 2, -1 },
	{ 9, 105, 0, 0 }, /* unknown: any length */
	{ 9, 105, 1017, 0 },
	{ 4491, 5, 3, 0 },
};

static void
test_check_len(void **state)
{
	static const uint8_t zero[1017];
	size_t i;

	for (i = 0; i < sizeof(len_cases) / sizeof(len_cases[0]); i++) {
		const struct len_case *c = &len_cases[i];
		struct l2tp_avp a = mkavp(c->vendor, c->type, zero, c->len);

		if (avp_check_len(&a) != c->want)
			fail_msg("AVP %u:%u len %u: want %d", c->vendor,
			    c->type, c->len, c->want);
	}
}

/*
 * Known answers, computed independently with Python's hashlib:
 *
 *   def hide(t, secret, rv, plain, pad):
 *       sub = len(plain).to_bytes(2, 'big') + plain + b'\0' * pad
 *       out = b''
 *       for i in range(0, len(sub), 16):
 *           if i == 0:
 *               k = md5(t.to_bytes(2, 'big') + secret + rv).digest()
 *           else:
 *               k = md5(secret + out[i - 16:i]).digest()
 *           out += bytes(a ^ b for a, b in zip(sub[i:i + 16], k))
 *       return out
 *
 *   hide(61, b"s3cr3t", bytes(range(16)), bytes.fromhex("12345678"), 0)
 *   hide(7, b"another secret", bytes.fromhex("a1b2c3d4e5f6"),
 *        b"a host name longer than one block", 14)
 */
static const uint8_t kat1_rv[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
	13, 14, 15 };
static const uint8_t kat1_plain[] = { 0x12, 0x34, 0x56, 0x78 };
static const uint8_t kat1_cipher[] = { 0xf7, 0x72, 0x20, 0xe3, 0x5b, 0x23 };

static const uint8_t kat2_rv[] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6 };
static const char kat2_plain[] = "a host name longer than one block";
static const uint8_t kat2_cipher[] = { 0x85, 0x40, 0x02, 0xea, 0xcf, 0x7e, 0xc0,
	0x8c, 0x1a, 0xf7, 0xab, 0xf8, 0xfd, 0x12, 0x6a, 0x63, 0x6b, 0xdc, 0xc1,
	0xf3, 0x8c, 0x12, 0xa1, 0xb1, 0x48, 0x94, 0x13, 0xd7, 0x29, 0xbf, 0x71,
	0x37, 0x28, 0xca, 0x2c, 0x6f, 0x76, 0x31, 0x48, 0xa5, 0xd8, 0x47, 0xd3,
	0xae, 0xb2, 0x24, 0x93, 0x47, 0xe9 };

static const struct hide_case {
	uint16_t type;
	const char *secret;
	const uint8_t *rv;
	size_t rv_len;
	const uint8_t *plain;
	size_t plain_len;
	size_t pad;
	const uint8_t *cipher;
	size_t cipher_len;
} hide_cases[] = {
	{ 61, "s3cr3t", kat1_rv, sizeof(kat1_rv), kat1_plain,
	    sizeof(kat1_plain), 0, kat1_cipher, sizeof(kat1_cipher) },
	{ 7, "another secret", kat2_rv, sizeof(kat2_rv),
	    (const uint8_t *)kat2_plain, sizeof(kat2_plain) - 1, 14,
	    kat2_cipher, sizeof(kat2_cipher) },
};

static void
test_hide_known_answers(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(hide_cases) / sizeof(hide_cases[0]); i++) {
		const struct hide_case *c = &hide_cases[i];
		uint8_t out[128];
		size_t n = 0;

		assert_int_equal(avp_hide(c->type, c->secret, strlen(c->secret),
				     c->rv, c->rv_len, c->plain, c->plain_len,
				     c->pad, out, sizeof(out), &n),
		    0);
		assert_int_equal(n, c->cipher_len);
		assert_memory_equal(out, c->cipher, n);

		memset(out, 0, sizeof(out));
		assert_int_equal(
		    avp_unhide(c->type, c->secret, strlen(c->secret), c->rv,
			c->rv_len, c->cipher, c->cipher_len, out, sizeof(out),
			&n),
		    0);
		assert_int_equal(n, c->plain_len);
		assert_memory_equal(out, c->plain, n);
	}
}

static void
test_hide_round_trip(void **state)
{
	static const uint8_t rv[20] = { 0x55 };
	uint8_t plain[300], cipher[400], back[300];
	size_t len, pad, n, m;

	for (len = 0; len < sizeof(plain); len += 37) {
		for (n = 0; n < len; n++)
			plain[n] = (uint8_t)(n * 7 + len);
		for (pad = 0; pad < 40; pad += 13) {
			assert_int_equal(avp_hide(L2TP_AVP_REMOTE_END_ID, "k",
					     1, rv, sizeof(rv), plain, len, pad,
					     cipher, sizeof(cipher), &n),
			    0);
			assert_int_equal(n, 2 + len + pad);
			assert_int_equal(
			    avp_unhide(L2TP_AVP_REMOTE_END_ID, "k", 1, rv,
				sizeof(rv), cipher, n, back, sizeof(back), &m),
			    0);
			assert_int_equal(m, len);
			assert_memory_equal(back, plain, len);
		}
	}
}

static void
test_unhide_bad(void **state)
{
	uint8_t out[64], cipher[sizeof(kat1_cipher)];
	size_t n;

	/* Cut short: the hidden length (4) exceeds the 2 bytes left. */
	assert_int_equal(avp_unhide(61, "s3cr3t", 6, kat1_rv, 16, kat1_cipher,
			     4, out, sizeof(out), &n),
	    -1);
	/* Too short to hold the length at all. */
	assert_int_equal(avp_unhide(61, "s3cr3t", 6, kat1_rv, 16, kat1_cipher,
			     1, out, sizeof(out), &n),
	    -1);
	/* A flipped bit in the length octet gives an impossible length. */
	memcpy(cipher, kat1_cipher, sizeof(cipher));
	cipher[0] ^= 0x80;
	assert_int_equal(avp_unhide(61, "s3cr3t", 6, kat1_rv, 16, cipher,
			     sizeof(cipher), out, sizeof(out), &n),
	    -1);
	/* Right data, output too small for it. */
	assert_int_equal(avp_unhide(61, "s3cr3t", 6, kat1_rv, 16, kat1_cipher,
			     sizeof(kat1_cipher), out, 3, &n),
	    -1);
	/* No secret or no Random Vector: nothing to derive a key from. */
	assert_int_equal(avp_unhide(61, "", 0, kat1_rv, 16, kat1_cipher,
			     sizeof(kat1_cipher), out, sizeof(out), &n),
	    -1);
	assert_int_equal(avp_unhide(61, "s3cr3t", 6, kat1_rv, 0, kat1_cipher,
			     sizeof(kat1_cipher), out, sizeof(out), &n),
	    -1);
	/* Hiding into a buffer too small fails too. */
	assert_int_equal(avp_hide(61, "s3cr3t", 6, kat1_rv, 16, kat1_plain, 4,
			     0, out, 5, &n),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dict_sane),
		cmocka_unit_test(test_dict_entries),
		cmocka_unit_test(test_dict_covers_ranges),
		cmocka_unit_test(test_lookup_unknown),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_check_len),
		cmocka_unit_test(test_hide_known_answers),
		cmocka_unit_test(test_hide_round_trip),
		cmocka_unit_test(test_unhide_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

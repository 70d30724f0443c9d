/*
 * Typed access to decoded AVP values and the dictionary length check.
 * Every getter insists on the exact length of its type, so a value that
 * passed the decoder but is read as the wrong type fails instead of
 * yielding half a number.
 */
#include <stdio.h>
#include <string.h>

#include "proto/avp.h"
#include "proto/l2tp.h"

const char *
avp_name(uint16_t vendor, uint16_t type, char *buf, size_t len)
{
	const struct avp_def *d;

	if ((d = avp_lookup(vendor, type)) != NULL)
		return d->name;
	if (buf == NULL || len == 0)
		return "unknown AVP";
	if (vendor == L2TP_VENDOR_IETF)
		snprintf(buf, len, "AVP %u", type);
	else
		snprintf(buf, len, "vendor %u AVP %u", vendor, type);
	return buf;
}

void
avp_reader(const struct l2tp_avp *a, struct rbuf *r)
{
	rbuf_init(r, a->value, a->len);
}

int
avp_get_u8(const struct l2tp_avp *a, uint8_t *v)
{
	struct rbuf r;

	if (a->len != 1)
		return -1;
	avp_reader(a, &r);
	return rbuf_get_u8(&r, v);
}

int
avp_get_u16(const struct l2tp_avp *a, uint16_t *v)
{
	struct rbuf r;

	if (a->len != 2)
		return -1;
	avp_reader(a, &r);
	return rbuf_get_u16(&r, v);
}

int
avp_get_u32(const struct l2tp_avp *a, uint32_t *v)
{
	struct rbuf r;

	if (a->len != 4)
		return -1;
	avp_reader(a, &r);
	return rbuf_get_u32(&r, v);
}

int
avp_get_u64(const struct l2tp_avp *a, uint64_t *v)
{
	struct rbuf r;

	if (a->len != 8)
		return -1;
	avp_reader(a, &r);
	return rbuf_get_u64(&r, v);
}

int
avp_get_string(const struct l2tp_avp *a, char *s, size_t n)
{
	struct rbuf r;
	size_t take;

	if (n == 0)
		return -1;
	take = a->len < n - 1 ? a->len : n - 1;
	avp_reader(a, &r);
	if (rbuf_get_bytes(&r, s, take) == -1)
		return -1;
	s[take] = '\0';
	return take == a->len ? 0 : -1;
}

int
avp_get_bytes(const struct l2tp_avp *a, void *out, size_t n, size_t *outlen)
{
	struct rbuf r;

	if (outlen != NULL)
		*outlen = a->len;
	if (a->len > n)
		return -1;
	avp_reader(a, &r);
	return rbuf_get_bytes(&r, out, a->len);
}

int
avp_check_len(const struct l2tp_avp *a)
{
	const struct avp_def *d = a->def;

	if (d == NULL)
		return 0; /* unknown: nothing to hold it to */
	if (a->len < d->min_len || a->len > d->max_len)
		return -1;
	switch (d->format) {
	case AVP_FMT_U16_LIST:
		return a->len % 2 == 0 ? 0 : -1;
	case AVP_FMT_RESULT:
		/* Result Code, then a whole Error Code or none (RFC 3931
		 * 5.4.2): three octets leave half an Error Code. */
		return a->len != 3 ? 0 : -1;
	case AVP_FMT_DIGEST:
		/* Digest type octet, then an MD5 (16) or SHA-1 (20) value. */
		return a->len == 17 || a->len == 21 ? 0 : -1;
	default:
		return 0;
	}
}

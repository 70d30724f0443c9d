/*
 * Bounded buffers.  See buf.h for the contract; the short-data checks here
 * are what keeps every decoder in the project memory-safe.
 */
#include <string.h>

#include "proto/buf.h"

void
rbuf_init(struct rbuf *r, const void *data, size_t len)
{
	r->data = data;
	r->len = data == NULL ? 0 : len;
	r->pos = 0;
}

size_t
rbuf_left(const struct rbuf *r)
{
	return r->len - r->pos;
}

size_t
rbuf_pos(const struct rbuf *r)
{
	return r->pos;
}

int
rbuf_get_u8(struct rbuf *r, uint8_t *v)
{
	if (rbuf_left(r) < 1)
		return -1;
	*v = r->data[r->pos++];
	return 0;
}

int
rbuf_get_u16(struct rbuf *r, uint16_t *v)
{
	if (rbuf_peek_u16(r, 0, v) == -1)
		return -1;
	r->pos += 2;
	return 0;
}

int
rbuf_get_u32(struct rbuf *r, uint32_t *v)
{
	if (rbuf_peek_u32(r, 0, v) == -1)
		return -1;
	r->pos += 4;
	return 0;
}

int
rbuf_get_u64(struct rbuf *r, uint64_t *v)
{
	uint32_t hi, lo;

	if (rbuf_left(r) < 8)
		return -1;
	rbuf_get_u32(r, &hi);
	rbuf_get_u32(r, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

int
rbuf_get_bytes(struct rbuf *r, void *out, size_t n)
{
	if (rbuf_left(r) < n)
		return -1;
	if (n > 0)
		memcpy(out, r->data + r->pos, n);
	r->pos += n;
	return 0;
}

int
rbuf_skip(struct rbuf *r, size_t n)
{
	if (rbuf_left(r) < n)
		return -1;
	r->pos += n;
	return 0;
}

int
rbuf_sub(struct rbuf *r, size_t n, struct rbuf *sub)
{
	if (rbuf_left(r) < n)
		return -1;
	rbuf_init(sub, r->data + r->pos, n);
	r->pos += n;
	return 0;
}

int
rbuf_view(struct rbuf *r, size_t n, const uint8_t **view)
{
	if (rbuf_left(r) < n)
		return -1;
	*view = r->data + r->pos;
	r->pos += n;
	return 0;
}

int
rbuf_peek_u16(const struct rbuf *r, size_t off, uint16_t *v)
{
	const uint8_t *p;

	if (rbuf_left(r) < 2 || rbuf_left(r) - 2 < off)
		return -1;
	p = r->data + r->pos + off;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return 0;
}

int
rbuf_peek_u32(const struct rbuf *r, size_t off, uint32_t *v)
{
	const uint8_t *p;

	if (rbuf_left(r) < 4 || rbuf_left(r) - 4 < off)
		return -1;
	p = r->data + r->pos + off;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	    p[3];
	return 0;
}

void
wbuf_init(struct wbuf *w, void *mem, size_t cap)
{
	w->data = mem;
	w->cap = mem == NULL ? 0 : cap;
	w->len = 0;
	w->overflow = 0;
}

void
wbuf_wrap(struct wbuf *w, void *mem, size_t n)
{
	wbuf_init(w, mem, n);
	w->len = w->cap;
}

size_t
wbuf_len(const struct wbuf *w)
{
	return w->len;
}

const uint8_t *
wbuf_data(const struct wbuf *w)
{
	return w->data;
}

int
wbuf_ok(const struct wbuf *w)
{
	return !w->overflow;
}

/* Claim n bytes at the end; on failure remember it so callers may batch. */
static uint8_t *
wbuf_claim(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->overflow || w->cap - w->len < n) {
		w->overflow = 1;
		return NULL;
	}
	p = w->data + w->len;
	w->len += n;
	return p;
}

int
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *p;

	if ((p = wbuf_claim(w, 1)) == NULL)
		return -1;
	p[0] = v;
	return 0;
}

int
wbuf_put_u16(struct wbuf *w, uint16_t v)
{
	if (wbuf_claim(w, 2) == NULL)
		return -1;
	return wbuf_patch_u16(w, w->len - 2, v);
}

int
wbuf_put_u32(struct wbuf *w, uint32_t v)
{
	if (wbuf_claim(w, 4) == NULL)
		return -1;
	return wbuf_patch_u32(w, w->len - 4, v);
}

int
wbuf_put_u64(struct wbuf *w, uint64_t v)
{
	/* Claim all 8 bytes first, so a short buffer gets no half value. */
	if (wbuf_claim(w, 8) == NULL)
		return -1;
	wbuf_patch_u32(w, w->len - 8, (uint32_t)(v >> 32));
	return wbuf_patch_u32(w, w->len - 4, (uint32_t)v);
}

int
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *p;

	if ((p = wbuf_claim(w, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(p, src, n);
	return 0;
}

int
wbuf_put_zero(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if ((p = wbuf_claim(w, n)) == NULL)
		return -1;
	memset(p, 0, n);
	return 0;
}

int
wbuf_reserve(struct wbuf *w, size_t n, size_t *off)
{
	if (wbuf_put_zero(w, n) == -1)
		return -1;
	*off = w->len - n;
	return 0;
}

int
wbuf_patch_u8(struct wbuf *w, size_t off, uint8_t v)
{
	if (off >= w->len)
		return -1;
	w->data[off] = v;
	return 0;
}

int
wbuf_patch_u16(struct wbuf *w, size_t off, uint16_t v)
{
	if (w->len < 2 || off > w->len - 2)
		return -1;
	w->data[off] = (uint8_t)(v >> 8);
	w->data[off + 1] = (uint8_t)v;
	return 0;
}

int
wbuf_patch_u32(struct wbuf *w, size_t off, uint32_t v)
{
	if (w->len < 4 || off > w->len - 4)
		return -1;
	w->data[off] = (uint8_t)(v >> 24);
	w->data[off + 1] = (uint8_t)(v >> 16);
	w->data[off + 2] = (uint8_t)(v >> 8);
	w->data[off + 3] = (uint8_t)v;
	return 0;
}

int
wbuf_patch_bytes(struct wbuf *w, size_t off, const void *src, size_t n)
{
	if (n > w->len || off > w->len - n)
		return -1;
	if (n > 0)
		memcpy(w->data + off, src, n);
	return 0;
}

int
wbuf_reader(const struct wbuf *w, size_t off, size_t n, struct rbuf *r)
{
	if (n > w->len || off > w->len - n)
		return -1;
	rbuf_init(r, w->data + off, n);
	return 0;
}

void
wbuf_truncate(struct wbuf *w, size_t off)
{
	if (off < w->len)
		w->len = off;
	w->overflow = 0;
}

/*
 * Bounded buffers: the only way packet bytes are read or written.
 *
 * A reader walks a const byte range; every getter checks the remaining
 * length first and returns -1 (leaving the reader unchanged) when the data
 * is short, so decoders never read past a datagram.  A writer fills a
 * caller-supplied array; a put that does not fit returns -1 and marks the
 * writer overflowed, so a builder may do a run of puts and check once.
 * Length fields are written by reserving space and patching it later.
 */
#ifndef L2TP_PROTO_BUF_H
#define L2TP_PROTO_BUF_H

#include <stddef.h>
#include <stdint.h>

struct rbuf {
	const uint8_t *data;
	size_t len;
	size_t pos;
};

struct wbuf {
	uint8_t *data;
	size_t cap;
	size_t len;
	int overflow;
};

void rbuf_init(struct rbuf *, const void *, size_t);
size_t rbuf_left(const struct rbuf *);
size_t rbuf_pos(const struct rbuf *);
int rbuf_get_u8(struct rbuf *, uint8_t *);
int rbuf_get_u16(struct rbuf *, uint16_t *);
int rbuf_get_u32(struct rbuf *, uint32_t *);
int rbuf_get_u64(struct rbuf *, uint64_t *);
int rbuf_get_bytes(struct rbuf *, void *, size_t);
int rbuf_skip(struct rbuf *, size_t);
/* Carve the next n bytes off as an independent reader and skip them. */
int rbuf_sub(struct rbuf *, size_t, struct rbuf *);
/* Borrow the next n bytes without copying; the view lives as the source. */
int rbuf_view(struct rbuf *, size_t, const uint8_t **);
/* Look without consuming. */
int rbuf_peek_u16(const struct rbuf *, size_t off, uint16_t *);
int rbuf_peek_u32(const struct rbuf *, size_t off, uint32_t *);

void wbuf_init(struct wbuf *, void *, size_t);
/* A writer over n bytes already in place (to patch a built datagram). */
void wbuf_wrap(struct wbuf *, void *, size_t n);
size_t wbuf_len(const struct wbuf *);
const uint8_t *wbuf_data(const struct wbuf *);
int wbuf_ok(const struct wbuf *);
int wbuf_put_u8(struct wbuf *, uint8_t);
int wbuf_put_u16(struct wbuf *, uint16_t);
int wbuf_put_u32(struct wbuf *, uint32_t);
int wbuf_put_u64(struct wbuf *, uint64_t);
int wbuf_put_bytes(struct wbuf *, const void *, size_t);
int wbuf_put_zero(struct wbuf *, size_t);
/* Reserve n bytes (zeroed) and return their offset through *off. */
int wbuf_reserve(struct wbuf *, size_t, size_t *off);
int wbuf_patch_u8(struct wbuf *, size_t off, uint8_t);
int wbuf_patch_u16(struct wbuf *, size_t off, uint16_t);
int wbuf_patch_u32(struct wbuf *, size_t off, uint32_t);
int wbuf_patch_bytes(struct wbuf *, size_t off, const void *, size_t);
/* Read back bytes already written (for digests over a built message). */
int wbuf_reader(const struct wbuf *, size_t off, size_t n, struct rbuf *);
/* Drop everything after off (undo a partly written element). */
void wbuf_truncate(struct wbuf *, size_t off);

#endif

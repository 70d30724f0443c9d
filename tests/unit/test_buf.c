/*
 * Bounded buffers: every getter on exact and short data, sub-buffers and
 * views, peeks, every putter at and past capacity, reserve-then-patch and
 * the overflow latch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "proto/buf.h"

static const uint8_t seq[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x09 };

/* Each getter reads its width from the front of seq, or fails on data one
 * byte too short and leaves the reader where it was. */
enum getter { G_U8, G_U16, G_U32, G_U64 };

static const struct getter_case {
	enum getter g;
	size_t width;
	uint64_t want;
} getter_cases[] = {
	{ G_U8, 1, 0x01 },
	{ G_U16, 2, 0x0102 },
	{ G_U32, 4, 0x01020304 },
	{ G_U64, 8, 0x0102030405060708ULL },
};

static int
get(struct rbuf *r, enum getter g, uint64_t *out)
{
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;
	int rc = -1;

	switch (g) {
	case G_U8:
		rc = rbuf_get_u8(r, &v8);
		*out = v8;
		break;
	case G_U16:
		rc = rbuf_get_u16(r, &v16);
		*out = v16;
		break;
	case G_U32:
		rc = rbuf_get_u32(r, &v32);
		*out = v32;
		break;
	case G_U64:
		rc = rbuf_get_u64(r, out);
		break;
	}
	return rc;
}

static void
test_getters(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(getter_cases) / sizeof(getter_cases[0]); i++) {
		const struct getter_case *c = &getter_cases[i];
		struct rbuf r;
		uint64_t v = 0;

		rbuf_init(&r, seq, c->width);
		assert_int_equal(get(&r, c->g, &v), 0);
		assert_true(v == c->want);
		assert_int_equal(rbuf_left(&r), 0);
		assert_int_equal(rbuf_pos(&r), c->width);
		/* Now empty: the next read fails. */
		assert_int_equal(get(&r, c->g, &v), -1);

		rbuf_init(&r, seq, c->width - 1);
		assert_int_equal(get(&r, c->g, &v), -1);
		assert_int_equal(rbuf_pos(&r), 0);
		assert_int_equal(rbuf_left(&r), c->width - 1);
	}
}

static void
test_get_bytes_skip(void **state)
{
	struct rbuf r;
	uint8_t out[4];

	rbuf_init(&r, seq, sizeof(seq));
	assert_int_equal(rbuf_skip(&r, 2), 0);
	assert_int_equal(rbuf_get_bytes(&r, out, 3), 0);
	assert_memory_equal(out, "\x03\x04\x05", 3);
	assert_int_equal(rbuf_left(&r), 4);
	assert_int_equal(rbuf_get_bytes(&r, out, 5), -1);
	assert_int_equal(rbuf_skip(&r, 5), -1);
	assert_int_equal(rbuf_pos(&r), 5);
	assert_int_equal(rbuf_get_bytes(&r, out, 0), 0);
	assert_int_equal(rbuf_skip(&r, 4), 0);
	assert_int_equal(rbuf_left(&r), 0);
}

static void
test_null_reader(void **state)
{
	struct rbuf r;
	uint8_t v;

	/* A NULL range is an empty one, whatever length came with it. */
	rbuf_init(&r, NULL, 100);
	assert_int_equal(rbuf_left(&r), 0);
	assert_int_equal(rbuf_get_u8(&r, &v), -1);
}

static void
test_sub_and_view(void **state)
{
	struct rbuf r, sub;
	const uint8_t *view;
	uint16_t v16;
	uint8_t v8;

	rbuf_init(&r, seq, sizeof(seq));
	assert_int_equal(rbuf_sub(&r, 3, &sub), 0);
	assert_int_equal(rbuf_pos(&r), 3);
	/* The sub-reader is bounded by its own length, not the parent's. */
	assert_int_equal(rbuf_get_u16(&sub, &v16), 0);
	assert_int_equal(v16, 0x0102);
	assert_int_equal(rbuf_get_u16(&sub, &v16), -1);
	assert_int_equal(rbuf_get_u8(&sub, &v8), 0);
	assert_int_equal(v8, 0x03);
	assert_int_equal(rbuf_get_u8(&sub, &v8), -1);

	assert_int_equal(rbuf_view(&r, 2, &view), 0);
	assert_ptr_equal(view, &seq[3]);
	assert_int_equal(rbuf_pos(&r), 5);
	assert_int_equal(rbuf_view(&r, 5, &view), -1);
	assert_int_equal(rbuf_sub(&r, 5, &sub), -1);
	assert_int_equal(rbuf_pos(&r), 5);
	assert_int_equal(rbuf_sub(&r, 4, &sub), 0);
	assert_int_equal(rbuf_left(&sub), 4);
	assert_int_equal(rbuf_left(&r), 0);
}

static void
test_peek(void **state)
{
	struct rbuf r;
	uint16_t v16;
	uint32_t v32;

	rbuf_init(&r, seq, 6);
	assert_int_equal(rbuf_skip(&r, 1), 0);
	assert_int_equal(rbuf_peek_u16(&r, 0, &v16), 0);
	assert_int_equal(v16, 0x0203);
	assert_int_equal(rbuf_peek_u16(&r, 3, &v16), 0);
	assert_int_equal(v16, 0x0506);
	assert_int_equal(rbuf_peek_u16(&r, 4, &v16), -1);
	assert_int_equal(rbuf_peek_u32(&r, 1, &v32), 0);
	assert_int_equal(v32, 0x03040506);
	assert_int_equal(rbuf_peek_u32(&r, 2, &v32), -1);
	/* An offset that would wrap around must not. */
	assert_int_equal(rbuf_peek_u16(&r, SIZE_MAX, &v16), -1);
	assert_int_equal(rbuf_peek_u32(&r, SIZE_MAX - 1, &v32), -1);
	assert_int_equal(rbuf_pos(&r), 1);
}

/* Each putter at exactly its width fits; with one byte less it fails and
 * latches the overflow. */
enum putter { P_U8, P_U16, P_U32, P_U64, P_BYTES, P_ZERO };

static const struct putter_case {
	enum putter p;
	size_t width;
	uint8_t want[8];
} putter_cases[] = {
	{ P_U8, 1, { 0xab } },
	{ P_U16, 2, { 0xab, 0xcd } },
	{ P_U32, 4, { 0xab, 0xcd, 0xef, 0x01 } },
	{ P_U64, 8, { 0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89 } },
	{ P_BYTES, 3, { 0x01, 0x02, 0x03 } },
	{ P_ZERO, 5, { 0 } },
};

static int
put(struct wbuf *w, enum putter p)
{
	switch (p) {
	case P_U8:
		return wbuf_put_u8(w, 0xab);
	case P_U16:
		return wbuf_put_u16(w, 0xabcd);
	case P_U32:
		return wbuf_put_u32(w, 0xabcdef01);
	case P_U64:
		return wbuf_put_u64(w, 0xabcdef0123456789ULL);
	case P_BYTES:
		return wbuf_put_bytes(w, seq, 3);
	case P_ZERO:
		return wbuf_put_zero(w, 5);
	}
	return -1;
}

static void
test_putters(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(putter_cases) / sizeof(putter_cases[0]); i++) {
		const struct putter_case *c = &putter_cases[i];
		uint8_t mem[8];
		struct wbuf w;

		memset(mem, 0xee, sizeof(mem));
		wbuf_init(&w, mem, c->width);
		assert_int_equal(put(&w, c->p), 0);
		assert_true(wbuf_ok(&w));
		assert_int_equal(wbuf_len(&w), c->width);
		assert_memory_equal(wbuf_data(&w), c->want, c->width);

		memset(mem, 0xee, sizeof(mem));
		wbuf_init(&w, mem, c->width - 1);
		assert_int_equal(put(&w, c->p), -1);
		assert_false(wbuf_ok(&w));
		assert_int_equal(wbuf_len(&w), 0);
		/* Nothing was written past (or into) the short buffer. */
		assert_int_equal(mem[0], 0xee);
	}
}

static void
test_overflow_latch(void **state)
{
	uint8_t mem[4];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	assert_int_equal(wbuf_put_u16(&w, 0x1122), 0);
	assert_int_equal(wbuf_put_u32(&w, 0x33445566), -1);
	/* Latched: even a put that would fit now fails, so a builder may
	 * check once at the end. */
	assert_int_equal(wbuf_put_u8(&w, 0x77), -1);
	assert_false(wbuf_ok(&w));
	assert_int_equal(wbuf_len(&w), 2);
	/* Truncating undoes the partial element and clears the latch. */
	wbuf_truncate(&w, 1);
	assert_true(wbuf_ok(&w));
	assert_int_equal(wbuf_len(&w), 1);
	assert_int_equal(wbuf_put_u8(&w, 0x77), 0);
	assert_memory_equal(mem, "\x11\x77", 2);
	/* Truncating beyond the end changes nothing. */
	wbuf_truncate(&w, 10);
	assert_int_equal(wbuf_len(&w), 2);
}

static void
test_null_writer(void **state)
{
	struct wbuf w;

	wbuf_init(&w, NULL, 64);
	assert_int_equal(wbuf_put_u8(&w, 1), -1);
	assert_false(wbuf_ok(&w));
}

static void
test_reserve_patch(void **state)
{
	uint8_t mem[16];
	struct wbuf w;
	size_t off;

	memset(mem, 0xee, sizeof(mem));
	wbuf_init(&w, mem, sizeof(mem));
	assert_int_equal(wbuf_put_u8(&w, 0xaa), 0);
	assert_int_equal(wbuf_reserve(&w, 7, &off), 0);
	assert_int_equal(off, 1);
	assert_memory_equal(mem + 1, "\0\0\0\0\0\0\0", 7);
	assert_int_equal(wbuf_patch_u8(&w, 1, 0x01), 0);
	assert_int_equal(wbuf_patch_u16(&w, 2, 0x0203), 0);
	assert_int_equal(wbuf_patch_u32(&w, 4, 0x04050607), 0);
	assert_memory_equal(mem, "\xaa\x01\x02\x03\x04\x05\x06\x07", 8);
	assert_int_equal(wbuf_patch_bytes(&w, 6, "\x10\x20", 2), 0);
	assert_memory_equal(mem + 6, "\x10\x20", 2);

	/* Patches only rewrite what was written, never beyond. */
	assert_int_equal(wbuf_patch_u8(&w, 8, 1), -1);
	assert_int_equal(wbuf_patch_u16(&w, 7, 1), -1);
	assert_int_equal(wbuf_patch_u32(&w, 5, 1), -1);
	assert_int_equal(wbuf_patch_bytes(&w, 7, "\x01\x02", 2), -1);
	assert_int_equal(wbuf_patch_u16(&w, SIZE_MAX, 1), -1);
	assert_int_equal(wbuf_patch_bytes(&w, SIZE_MAX, "\x01", 1), -1);
	assert_int_equal(mem[8], 0xee);
	assert_true(wbuf_ok(&w));

	assert_int_equal(wbuf_reserve(&w, 9, &off), -1);
	assert_false(wbuf_ok(&w));
}

static void
test_patch_empty(void **state)
{
	uint8_t mem[4];
	struct wbuf w;

	wbuf_init(&w, mem, sizeof(mem));
	assert_int_equal(wbuf_patch_u8(&w, 0, 1), -1);
	assert_int_equal(wbuf_patch_u16(&w, 0, 1), -1);
	assert_int_equal(wbuf_patch_u32(&w, 0, 1), -1);
}

static void
test_wbuf_reader(void **state)
{
	uint8_t mem[8];
	struct wbuf w;
	struct rbuf r;
	uint32_t v;

	wbuf_init(&w, mem, sizeof(mem));
	wbuf_put_u16(&w, 0xdead);
	wbuf_put_u32(&w, 0xbeef0102);
	assert_int_equal(wbuf_reader(&w, 2, 4, &r), 0);
	assert_int_equal(rbuf_get_u32(&r, &v), 0);
	assert_int_equal(v, 0xbeef0102);
	assert_int_equal(rbuf_left(&r), 0);
	/* Only bytes already written can be read back. */
	assert_int_equal(wbuf_reader(&w, 2, 5, &r), -1);
	assert_int_equal(wbuf_reader(&w, 7, 0, &r), -1);
	assert_int_equal(wbuf_reader(&w, SIZE_MAX, 1, &r), -1);
}

static void
test_wrap(void **state)
{
	uint8_t mem[6] = { 1, 2, 3, 4, 5, 6 };
	struct wbuf w;

	/* Wrapping keeps the bytes in place and allows patching them. */
	wbuf_wrap(&w, mem, sizeof(mem));
	assert_int_equal(wbuf_len(&w), 6);
	assert_int_equal(wbuf_patch_u16(&w, 4, 0xa0b0), 0);
	assert_memory_equal(mem, "\x01\x02\x03\x04\xa0\xb0", 6);
	assert_int_equal(wbuf_patch_u16(&w, 5, 0), -1);
	/* It is full: nothing more fits. */
	assert_int_equal(wbuf_put_u8(&w, 7), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_get_bytes_skip),
		cmocka_unit_test(test_null_reader),
		cmocka_unit_test(test_sub_and_view),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_putters),
		cmocka_unit_test(test_overflow_latch),
		cmocka_unit_test(test_null_writer),
		cmocka_unit_test(test_reserve_patch),
		cmocka_unit_test(test_patch_empty),
		cmocka_unit_test(test_wbuf_reader),
		cmocka_unit_test(test_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

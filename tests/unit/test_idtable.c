/*
 * The ID hash table (daemon/idtable.c): lookups, duplicates, removal,
 * growth under 100 000 entries, and random ID allocation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "daemon/idtable.h"

struct obj {
	int value;
	struct idt_node node;
};

static void
test_insert_find_remove(void **state)
{
	struct idtable t;
	struct obj a = { 1, { 0 } }, b = { 2, { 0 } };
	struct idt_node *n;

	assert_int_equal(idt_init(&t, 4), 0);
	assert_null(idt_find(&t, 7));
	idt_insert(&t, &a.node, 7);
	idt_insert(&t, &b.node, 9);
	assert_int_equal(idt_count(&t), 2);
	n = idt_find(&t, 7);
	assert_non_null(n);
	assert_int_equal(idt_entry(n, struct obj, node)->value, 1);
	assert_int_equal(
	    idt_entry(idt_find(&t, 9), struct obj, node)->value, 2);
	idt_remove(&t, &a.node);
	assert_null(idt_find(&t, 7));
	assert_non_null(idt_find(&t, 9));
	assert_int_equal(idt_count(&t), 1);
	idt_destroy(&t);
}

static void
test_duplicates(void **state)
{
	struct idtable t;
	struct obj o[3] = { { 0, { 0 } }, { 1, { 0 } }, { 2, { 0 } } };
	struct idt_node *n;
	int seen = 0, count = 0;

	assert_int_equal(idt_init(&t, 4), 0);
	idt_insert(&t, &o[0].node, 42);
	idt_insert(&t, &o[1].node, 43);
	idt_insert(&t, &o[2].node, 42);
	for (n = idt_find(&t, 42); n != NULL; n = idt_find_next(n)) {
		seen |= 1 << idt_entry(n, struct obj, node)->value;
		count++;
	}
	assert_int_equal(count, 2);
	assert_int_equal(seen, (1 << 0) | (1 << 2));
	idt_remove(&t, &o[2].node);
	n = idt_find(&t, 42);
	assert_ptr_equal(n, &o[0].node);
	assert_null(idt_find_next(n));
	idt_destroy(&t);
}

/* The table grows: 100 000 entries stay findable, removal of half of
 * them leaves exactly the other half. */
static void
test_growth(void **state)
{
	enum { N = 100000 };
	struct idtable t;
	struct obj *o = calloc(N, sizeof(*o));
	uint32_t i;

	assert_non_null(o);
	assert_int_equal(idt_init(&t, 4), 0);
	for (i = 0; i < N; i++) {
		o[i].value = (int)i;
		/* Sequential IDs are the worst case for a low-bits hash. */
		idt_insert(&t, &o[i].node, i + 1);
	}
	assert_true(t.bits >= 17);
	for (i = 0; i < N; i++)
		assert_ptr_equal(idt_find(&t, i + 1), &o[i].node);
	for (i = 0; i < N; i += 2)
		idt_remove(&t, &o[i].node);
	assert_int_equal(idt_count(&t), N / 2);
	for (i = 0; i < N; i++) {
		if (i % 2 == 0)
			assert_null(idt_find(&t, i + 1));
		else
			assert_ptr_equal(idt_find(&t, i + 1), &o[i].node);
	}
	idt_destroy(&t);
	free(o);
}

static void
test_alloc_unique(void **state)
{
	enum { N = 20000 };
	struct idtable t;
	struct obj *o = calloc(N, sizeof(*o));
	uint32_t i, id;

	assert_non_null(o);
	assert_int_equal(idt_init(&t, 4), 0);
	for (i = 0; i < N; i++) {
		id = idt_alloc_id(&t);
		assert_int_not_equal(id, 0);
		assert_null(idt_find(&t, id));
		idt_insert(&t, &o[i].node, id);
	}
	assert_int_equal(idt_count(&t), N);
	idt_destroy(&t);
	free(o);
}

static void
test_hash_bytes(void **state)
{
	/* FNV-1a reference values. */
	assert_int_equal(idt_hash_bytes("", 0), 0x811c9dc5u);
	assert_int_equal(idt_hash_bytes("a", 1), 0xe40c292cu);
	assert_int_equal(idt_hash_bytes("foobar", 6), 0xbf9cf968u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_find_remove),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_alloc_unique),
		cmocka_unit_test(test_hash_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Waiters (daemon/pw_wait.c): what a static tunnel or a session waits
 * for.  Waking one key wakes exactly its waiters, of that kind, once;
 * a woken owner may wait again from its callback; cancel and replace;
 * many waiters on one key; waking all of a kind; nothing left behind
 * (ASan would see a leak).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/pw_wait.h"

#define NOBJ 1000

static int woken[NOBJ + 1];
static int objs[NOBJ + 1];
static const unsigned char a1[4] = { 10, 0, 0, 1 };
static const unsigned char a2[4] = { 10, 0, 0, 2 };

static void
on_wake(void *owner)
{
	woken[(int *)owner - objs]++;
}

/* Wakes and waits again for the same key: not woken twice in one go. */
static void
on_wake_again(void *owner)
{
	on_wake(owner);
	assert_int_equal(
	    pw_wait_add(owner, PW_WAIT_BRIDGE, "br0", 3, "bridge br0"), 0);
}

static void
reset(void)
{
	memset(woken, 0, sizeof(woken));
}

static void
test_wake_one_key(void **state)
{
	(void)state;
	reset();
	assert_int_equal(pw_wait_add(&objs[1], PW_WAIT_ADDR, a1, 4,
			     "local address 10.0.0.1"),
	    0);
	assert_int_equal(pw_wait_add(&objs[2], PW_WAIT_ADDR, a2, 4, "a2"), 0);
	assert_int_equal(
	    pw_wait_add(&objs[3], PW_WAIT_BRIDGE, "br0", 3, "b"), 0);
	/* A bridge called like the address bytes is another key. */
	assert_int_equal(pw_wait_wake(PW_WAIT_BRIDGE, a1, 4, on_wake), 0);
	assert_string_equal(pw_wait_what(&objs[1]), "local address 10.0.0.1");
	assert_int_equal(pw_wait_wake(PW_WAIT_ADDR, a1, 4, on_wake), 1);
	assert_int_equal(woken[1], 1);
	assert_int_equal(woken[2] + woken[3], 0);
	assert_null(pw_wait_what(&objs[1]));
	assert_int_equal(pw_wait_wake(PW_WAIT_ADDR, a1, 4, on_wake), 0);
	assert_int_equal(pw_wait_count(), 2);
	/* Prefix of a longer key: no match. */
	assert_int_equal(pw_wait_wake(PW_WAIT_BRIDGE, "br", 2, on_wake), 0);
	assert_int_equal(pw_wait_wake(PW_WAIT_BRIDGE, "br0", 3, on_wake), 1);
	assert_int_equal(pw_wait_wake(PW_WAIT_ADDR, a2, 4, on_wake), 1);
	assert_int_equal(pw_wait_count(), 0);
	pw_wait_clear();
}

static void
test_cancel_replace(void **state)
{
	(void)state;
	reset();
	assert_int_equal(pw_wait_add(&objs[1], PW_WAIT_ADDR, a1, 4, "x"), 0);
	/* One thing at a time: the second replaces the first. */
	assert_int_equal(
	    pw_wait_add(&objs[1], PW_WAIT_BRIDGE, "br1", 3, "y"), 0);
	assert_int_equal(pw_wait_count(), 1);
	assert_string_equal(pw_wait_what(&objs[1]), "y");
	assert_int_equal(pw_wait_wake(PW_WAIT_ADDR, a1, 4, on_wake), 0);
	pw_wait_cancel(&objs[1]);
	pw_wait_cancel(&objs[1]);
	pw_wait_cancel(&objs[2]);
	assert_int_equal(pw_wait_wake(PW_WAIT_BRIDGE, "br1", 3, on_wake), 0);
	assert_int_equal(pw_wait_count(), 0);
	assert_null(pw_wait_what(&objs[1]));
	/* Too long a key is refused, not truncated. */
	assert_int_equal(
	    pw_wait_add(&objs[1], PW_WAIT_BRIDGE, "0123456789abcdefg", 17, "z"),
	    -1);
	pw_wait_clear();
}

static void
test_many_on_one_key(void **state)
{
	int i;

	(void)state;
	reset();
	for (i = 1; i <= NOBJ; i++)
		assert_int_equal(
		    pw_wait_add(&objs[i], PW_WAIT_BRIDGE, "br0", 3, "b"), 0);
	/* Cancel every other one, from the middle of the key's list. */
	for (i = 2; i <= NOBJ; i += 2)
		pw_wait_cancel(&objs[i]);
	assert_int_equal(pw_wait_count(), NOBJ / 2);
	assert_int_equal(
	    pw_wait_wake(PW_WAIT_BRIDGE, "br0", 3, on_wake_again), NOBJ / 2);
	for (i = 1; i <= NOBJ; i++)
		assert_int_equal(woken[i], i % 2);
	/* They wait again, and a second wake finds them. */
	assert_int_equal(pw_wait_count(), NOBJ / 2);
	assert_int_equal(
	    pw_wait_wake(PW_WAIT_BRIDGE, "br0", 3, on_wake), NOBJ / 2);
	assert_int_equal(pw_wait_count(), 0);
	pw_wait_clear();
}

static void
test_wake_all(void **state)
{
	(void)state;
	reset();
	assert_int_equal(pw_wait_add(&objs[1], PW_WAIT_ADDR, a1, 4, "x"), 0);
	assert_int_equal(pw_wait_add(&objs[2], PW_WAIT_ADDR, a2, 4, "x"), 0);
	assert_int_equal(pw_wait_add(&objs[3], PW_WAIT_BRIDGE, "b", 1, "x"), 0);
	assert_int_equal(pw_wait_wake_all(PW_WAIT_ADDR, on_wake), 2);
	assert_int_equal(woken[1] + woken[2], 2);
	assert_int_equal(woken[3], 0);
	assert_int_equal(pw_wait_count(), 1);
	/* Cleared with a waiter left: ASan checks it is freed. */
	pw_wait_clear();
	assert_int_equal(pw_wait_count(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wake_one_key),
		cmocka_unit_test(test_cancel_replace),
		cmocka_unit_test(test_many_on_one_key),
		cmocka_unit_test(test_wake_all),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

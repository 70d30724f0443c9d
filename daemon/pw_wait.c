/*
 * Waiters (see pw_wait.h): one allocation per waiting owner, in a hash
 * table by owner, in its key's list and in one list of all for
 * pw_wait_wake_all().  Keys (one allocation per distinct key waited
 * for: a few addresses and bridges) are in a hash table by (kind, key).
 * Many waiters share a key (every session of a bridge), so each key
 * keeps its waiters in a list of its own: a cancel is O(1), not a walk
 * along a hash chain of equal keys.
 */
#include <config.h>

#include <sys/queue.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/idtable.h"
#include "daemon/pw_wait.h"

struct wait_key;

struct waiter {
	struct idt_node by_owner;
	TAILQ_ENTRY(waiter) entry; /* all, or a list being woken */
	TAILQ_ENTRY(waiter) same_key;
	struct wait_key *k;
	const void *owner;
	char what[PW_WAIT_TEXT_MAX];
};
TAILQ_HEAD(waiter_list, waiter);

struct wait_key {
	struct idt_node by_key;
	struct waiter_list waiters; /* through same_key */
	enum pw_wait_kind kind;
	size_t keylen;
	unsigned char key[PW_WAIT_KEY_MAX];
};

static struct {
	struct idtable by_owner, by_key;
	struct waiter_list all;
	int ready;
} pww;

static uint32_t
owner_hash(const void *owner)
{
	return idt_hash_bytes(&owner, sizeof(owner));
}

static uint32_t
key_hash(enum pw_wait_kind kind, const void *key, size_t keylen)
{
	return idt_hash_bytes(key, keylen) ^ (uint32_t)kind;
}

static int
ready(void)
{
	if (pww.ready)
		return 0;
	if (idt_init(&pww.by_owner, 4) == -1)
		return -1;
	if (idt_init(&pww.by_key, 4) == -1) {
		idt_destroy(&pww.by_owner);
		return -1;
	}
	TAILQ_INIT(&pww.all);
	pww.ready = 1;
	return 0;
}

static struct waiter *
find_owner(const void *owner)
{
	struct idt_node *n;
	struct waiter *w;

	if (!pww.ready)
		return NULL;
	for (n = idt_find(&pww.by_owner, owner_hash(owner)); n != NULL;
	     n = idt_find_next(n)) {
		w = idt_entry(n, struct waiter, by_owner);
		if (w->owner == owner)
			return w;
	}
	return NULL;
}

static struct wait_key *
find_key(enum pw_wait_kind kind, const void *key, size_t keylen)
{
	struct idt_node *n;
	struct wait_key *k;

	for (n = idt_find(&pww.by_key, key_hash(kind, key, keylen)); n != NULL;
	     n = idt_find_next(n)) {
		k = idt_entry(n, struct wait_key, by_key);
		if (k->kind == kind && k->keylen == keylen &&
		    memcmp(k->key, key, keylen) == 0)
			return k;
	}
	return NULL;
}

static struct wait_key *
get_key(enum pw_wait_kind kind, const void *key, size_t keylen)
{
	struct wait_key *k;

	if ((k = find_key(kind, key, keylen)) != NULL)
		return k;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return NULL;
	TAILQ_INIT(&k->waiters);
	k->kind = kind;
	k->keylen = keylen;
	memcpy(k->key, key, keylen);
	idt_insert(&pww.by_key, &k->by_key, key_hash(kind, key, keylen));
	return k;
}

/* Out of the tables and its key's list (a key left empty goes); still
 * in pww.all or a list being woken. */
static void
unlink_waiter(struct waiter *w)
{
	struct wait_key *k = w->k;

	idt_remove(&pww.by_owner, &w->by_owner);
	TAILQ_REMOVE(&k->waiters, w, same_key);
	if (TAILQ_EMPTY(&k->waiters)) {
		idt_remove(&pww.by_key, &k->by_key);
		free(k);
	}
}

int
pw_wait_add(void *owner, enum pw_wait_kind kind, const void *key, size_t keylen,
    const char *what)
{
	struct waiter *w;

	struct wait_key *k;

	if (keylen > PW_WAIT_KEY_MAX || ready() == -1)
		return -1;
	pw_wait_cancel(owner);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return -1;
	if ((k = get_key(kind, key, keylen)) == NULL) {
		free(w);
		return -1;
	}
	w->owner = owner;
	w->k = k;
	snprintf(w->what, sizeof(w->what), "%s", what);
	idt_insert(&pww.by_owner, &w->by_owner, owner_hash(owner));
	TAILQ_INSERT_TAIL(&k->waiters, w, same_key);
	TAILQ_INSERT_TAIL(&pww.all, w, entry);
	return 0;
}

void
pw_wait_cancel(const void *owner)
{
	struct waiter *w;

	if ((w = find_owner(owner)) == NULL)
		return;
	unlink_waiter(w);
	TAILQ_REMOVE(&pww.all, w, entry);
	free(w);
}

const char *
pw_wait_what(const void *owner)
{
	struct waiter *w = find_owner(owner);

	return w != NULL ? w->what : NULL;
}

/* Take the waiters out first, then call fn: fn may add waiters. */
static size_t
wake_list(struct waiter_list *woken, void (*fn)(void *))
{
	struct waiter *w;
	void *owner;
	size_t n = 0;

	while ((w = TAILQ_FIRST(woken)) != NULL) {
		TAILQ_REMOVE(woken, w, entry);
		owner = (void *)(uintptr_t)w->owner;
		free(w);
		fn(owner);
		n++;
	}
	return n;
}

size_t
pw_wait_wake(enum pw_wait_kind kind, const void *key, size_t keylen,
    void (*fn)(void *owner))
{
	struct waiter_list woken = TAILQ_HEAD_INITIALIZER(woken);
	struct wait_key *k;
	struct waiter *w;
	int last;

	if (!pww.ready || keylen > PW_WAIT_KEY_MAX ||
	    (k = find_key(kind, key, keylen)) == NULL)
		return 0;
	do {
		w = TAILQ_FIRST(&k->waiters);
		last = TAILQ_NEXT(w, same_key) == NULL;
		TAILQ_REMOVE(&pww.all, w, entry);
		TAILQ_INSERT_TAIL(&woken, w, entry);
		unlink_waiter(w); /* the last one frees k */
	} while (!last);
	return wake_list(&woken, fn);
}

size_t
pw_wait_wake_all(enum pw_wait_kind kind, void (*fn)(void *owner))
{
	struct waiter_list woken = TAILQ_HEAD_INITIALIZER(woken);
	struct waiter *w, *next;

	if (!pww.ready)
		return 0;
	for (w = TAILQ_FIRST(&pww.all); w != NULL; w = next) {
		next = TAILQ_NEXT(w, entry);
		if (w->k->kind != kind)
			continue;
		unlink_waiter(w);
		TAILQ_REMOVE(&pww.all, w, entry);
		TAILQ_INSERT_TAIL(&woken, w, entry);
	}
	return wake_list(&woken, fn);
}

size_t
pw_wait_count(void)
{
	return pww.ready ? idt_count(&pww.by_owner) : 0;
}

void
pw_wait_clear(void)
{
	struct waiter *w;

	if (!pww.ready)
		return;
	while ((w = TAILQ_FIRST(&pww.all)) != NULL) {
		unlink_waiter(w);
		TAILQ_REMOVE(&pww.all, w, entry);
		free(w);
	}
	idt_destroy(&pww.by_owner);
	idt_destroy(&pww.by_key);
	pww.ready = 0;
}

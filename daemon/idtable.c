/*
 * Chained hash table with power-of-two buckets.  IDs picked by peers are
 * not trusted to be random, so the bucket index comes from a
 * multiplicative hash of the key rather than its low bits.
 */
#include <config.h>

#include <stdlib.h>

#include "daemon/idtable.h"

#define IDT_MAX_BITS 24

static unsigned int
idt_bucket(uint32_t key, unsigned int bits)
{
	return (uint32_t)(key * 0x9e3779b1u) >> (32 - bits);
}

int
idt_init(struct idtable *t, unsigned int initial_bits)
{
	if (initial_bits < 4)
		initial_bits = 4;
	if (initial_bits > IDT_MAX_BITS)
		initial_bits = IDT_MAX_BITS;
	t->buckets = calloc((size_t)1 << initial_bits, sizeof(*t->buckets));
	if (t->buckets == NULL)
		return -1;
	t->bits = initial_bits;
	t->count = 0;
	return 0;
}

void
idt_destroy(struct idtable *t)
{
	free(t->buckets);
	t->buckets = NULL;
	t->count = 0;
}

/* Double the bucket array.  When memory is short the table keeps its
 * size: lookups get slower, nothing breaks. */
static void
idt_grow(struct idtable *t)
{
	unsigned int nbits = t->bits + 1;
	size_t i, oldn = (size_t)1 << t->bits;
	struct idt_node **nb, *n, *next;

	if (nbits > IDT_MAX_BITS)
		return;
	nb = calloc((size_t)1 << nbits, sizeof(*nb));
	if (nb == NULL)
		return;
	for (i = 0; i < oldn; i++) {
		for (n = t->buckets[i]; n != NULL; n = next) {
			unsigned int b = idt_bucket(n->key, nbits);

			next = n->next;
			n->next = nb[b];
			nb[b] = n;
		}
	}
	free(t->buckets);
	t->buckets = nb;
	t->bits = nbits;
}

void
idt_insert(struct idtable *t, struct idt_node *n, uint32_t key)
{
	unsigned int b;

	if (t->count >= ((size_t)1 << t->bits))
		idt_grow(t);
	b = idt_bucket(key, t->bits);
	n->key = key;
	n->next = t->buckets[b];
	t->buckets[b] = n;
	t->count++;
}

void
idt_remove(struct idtable *t, struct idt_node *n)
{
	struct idt_node **pp = &t->buckets[idt_bucket(n->key, t->bits)];

	for (; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == n) {
			*pp = n->next;
			n->next = NULL;
			t->count--;
			return;
		}
	}
}

struct idt_node *
idt_find(const struct idtable *t, uint32_t key)
{
	struct idt_node *n = t->buckets[idt_bucket(key, t->bits)];

	while (n != NULL && n->key != key)
		n = n->next;
	return n;
}

struct idt_node *
idt_find_next(const struct idt_node *n)
{
	uint32_t key = n->key;

	for (n = n->next; n != NULL; n = n->next)
		if (n->key == key)
			return (struct idt_node *)n;
	return NULL;
}

size_t
idt_count(const struct idtable *t)
{
	return t->count;
}

uint32_t
idt_alloc_id(const struct idtable *t)
{
	uint32_t id;

	do
		id = arc4random();
	while (id == 0 || idt_find(t, id) != NULL);
	return id;
}

uint32_t
idt_hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

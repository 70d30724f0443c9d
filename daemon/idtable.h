/*
 * An intrusive hash table keyed by 32-bit IDs (control connection IDs,
 * session IDs, address hashes).  Objects embed a struct idt_node; lookup,
 * insert and remove are O(1) on average and the bucket array doubles as
 * the table fills, so 100 000 entries cost no walk.  Keys may repeat
 * (idt_find_next walks the equals); idt_alloc_id() hands out random,
 * non-zero keys that are not in the table.
 */
#ifndef L2TP_DAEMON_IDTABLE_H
#define L2TP_DAEMON_IDTABLE_H

#include <stddef.h>
#include <stdint.h>

struct idt_node {
	struct idt_node *next;
	uint32_t key;
};

struct idtable {
	struct idt_node **buckets;
	unsigned int bits; /* log2 of the number of buckets */
	size_t count;
};

#define idt_entry(node, type, member) \
	((type *)(void *)((char *)(node)-offsetof(type, member)))

/* 0, or -1 when the first bucket array cannot be allocated. */
int idt_init(struct idtable *, unsigned int initial_bits);
/* Frees the bucket array; the objects belong to the caller. */
void idt_destroy(struct idtable *);
void idt_insert(struct idtable *, struct idt_node *, uint32_t key);
/* The node must be in the table. */
void idt_remove(struct idtable *, struct idt_node *);
struct idt_node *idt_find(const struct idtable *, uint32_t key);
/* The next node after this one with the same key, or NULL. */
struct idt_node *idt_find_next(const struct idt_node *);
size_t idt_count(const struct idtable *);
/* A random key, never 0, not present in the table. */
uint32_t idt_alloc_id(const struct idtable *);
/* FNV-1a over bytes, for keys derived from addresses and names. */
uint32_t idt_hash_bytes(const void *, size_t);

#endif

/*
 * A short list of observers: tables of function pointers that another
 * file hands in (tunnels_observe(), sessions_observe()) so that the file
 * they observe tells them of changes without calling them by name, and
 * calls between files go one way (docs/architecture.md).
 */
#ifndef L2TP_DAEMON_OBSERVERS_H
#define L2TP_DAEMON_OBSERVERS_H

#include <stddef.h>

#define OBSERVERS_MAX 4

struct observers {
	const void *v[OBSERVERS_MAX];
	size_t n;
};

/* Add o (once): 0, or -1 when the list is full. */
static inline int
observers_add(struct observers *l, const void *o)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i] == o)
			return 0;
	if (l->n == OBSERVERS_MAX)
		return -1;
	l->v[l->n++] = o;
	return 0;
}

/* Call member fn, where it is not NULL, of every observer (of `type`)
 * in list l, with the arguments given. */
#define OBSERVERS_NOTIFY(l, type, fn, ...) \
	do { \
		size_t i_; \
		const type *o_; \
		for (i_ = 0; i_ < (l)->n; i_++) { \
			o_ = (l)->v[i_]; \
			if (o_->fn != NULL) \
				(void)o_->fn(__VA_ARGS__); \
		} \
	} while (0)

#endif

/*
 * What a static tunnel or a pseudowire is waiting for before its kernel
 * objects can be complete: a local address (the kernel binds a static
 * tunnel's socket to it) or a bridge (the session's interface joins it).
 *
 * pw.c adds a waiter when the kernel says the thing is missing and wakes
 * the waiters of one key when an address or link event names it: one
 * hash lookup per event, never a walk over tunnels or sessions.  Memory
 * is spent only on what waits.  An owner (a struct tunnel or struct
 * session) waits for one thing at a time and must cancel before it is
 * freed.
 */
#ifndef L2TP_DAEMON_PW_WAIT_H
#define L2TP_DAEMON_PW_WAIT_H

#include <stddef.h>

enum pw_wait_kind {
	PW_WAIT_ADDR, /* key: 4 or 16 address bytes */
	PW_WAIT_BRIDGE, /* key: the interface name, without its NUL */
};

#define PW_WAIT_KEY_MAX 16
#define PW_WAIT_TEXT_MAX 64

/* Wait (replacing what owner waited for); what: for `show`, e.g.
 * "local address 10.0.0.1".  0, or -1 when out of memory. */
int pw_wait_add(void *owner, enum pw_wait_kind, const void *key, size_t keylen,
    const char *what);
/* No longer waiting (nothing when it was not). */
void pw_wait_cancel(const void *owner);
/* What owner waits for, or NULL. */
const char *pw_wait_what(const void *owner);
/*
 * Every waiter of that key stops waiting and fn(owner) runs for each; fn
 * may make it wait again (for the same key or another).  Returns how
 * many were woken.
 */
size_t pw_wait_wake(
    enum pw_wait_kind, const void *key, size_t keylen, void (*fn)(void *owner));
/* Every waiter of that kind (after lost events). */
size_t pw_wait_wake_all(enum pw_wait_kind, void (*fn)(void *owner));
size_t pw_wait_count(void);
/* Forget every waiter (the daemon's end). */
void pw_wait_clear(void);

#endif

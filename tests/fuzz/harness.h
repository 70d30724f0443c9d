/*
 * A whole daemon without sockets, for the fuzz targets that drive the
 * tunnels, sessions and commands (harness.c).
 *
 * The daemon's own code runs unchanged: tunnel.c's calls into
 * transport.c's socket functions are redirected at link time
 * (-Wl,--wrap=tp_listen,... see tests/tests.mk) to a capture stub;
 * clock_gettime(CLOCK_MONOTONIC) is a fake clock that only the input
 * moves, so libevent's timers and the reliable layer fire when the input
 * says; arc4random is a seeded generator, so every input replays the
 * same way.  Log lines go to the ring only (FUZZ_VERBOSE=1: stderr too).
 *
 * An input is a conversation: one selector byte, then records (fz_run).
 */
#ifndef L2TP_TESTS_FUZZ_HARNESS_H
#define L2TP_TESTS_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

struct tunnel;

/* Record opcodes.  Below 0x80: a message from the peer, u16 length and
 * the bytes; the bits say what the harness fixes up first. */
#define FZ_PATCH_CCID 0x01 /* header CCID := our CCID */
#define FZ_PATCH_NS 0x02 /* Ns := what we expect next */
#define FZ_PATCH_NR 0x04 /* Nr := acknowledges all we sent */
#define FZ_PATCH_SID 0x08 /* Remote Session ID k (1..15) := k-th call's */
#define FZ_SIGN 0x10 /* digest signed as the peer would */
#define FZ_SPOOF 0x20 /* from the peer's address, another port */
#define FZ_MSG_MAX 0x7f
/* 0x80..0x8f: the clock moves by fz_advance_ms[op & 15], timers run. */
#define FZ_OP_ADVANCE 0x80
#define FZ_OP_CLEAR_TUNNEL 0x90
#define FZ_OP_CLEAR_SESSION 0x91 /* the first call that exists */
#define FZ_OP_RELOAD 0x92 /* the same configuration again */
#define FZ_OP_CIRCUIT_DOWN 0x93 /* of the first call */
#define FZ_OP_CIRCUIT_UP 0x94

/* The configurations an input may pick (selector byte % count). */
size_t fz_nconfs(void);
const char *fz_conf_text(size_t);

/* A daemon with configuration i, nothing open yet; 0 or -1. */
int fz_start(size_t conf);
/* Every record of the input (after the selector byte). */
void fz_run(const uint8_t *, size_t);
/* One record's worth: a message as the peer sends it. */
void fz_peer_msg(uint8_t flags, const uint8_t *, size_t);
/* The clock moves by ms; due timers run. */
void fz_advance(uint64_t ms);
/* Tear everything down (sanitizers then see any leak). */
void fz_stop(void);
/* The invariants; any broken one aborts. */
void fz_check(void);
/* The configured tunnel's object (primary), or NULL. */
struct tunnel *fz_primary(void);
/* The fake clock on (1) or off: a target that keeps one daemon across
 * inputs turns it off between them, libFuzzer's own timing being real. */
void fz_clock(int on);
/* Datagrams the daemon sent so far in this input. */
unsigned long fz_sent(void);

/* Build the peer's side of an established tunnel (a responder's
 * SCCRQ and SCCCN; cisco: in Cisco's draft dialect) into buf as
 * records; returns the length, 0 when it does not fit. */
size_t fz_prologue(int cisco, uint8_t *buf, size_t cap);

#endif

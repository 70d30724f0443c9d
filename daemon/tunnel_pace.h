/*
 * Opening pace: SCCRQs in flight per peer address, a window that grows
 * with answers and shrinks with failures (tunnel_pace.c).
 */
#ifndef L2TPV3D_TUNNEL_PACE_H
#define L2TPV3D_TUNNEL_PACE_H

struct tunnel;

/* 1: t may send its SCCRQ now (it holds a slot until
 * tunnel_pace_done); 0: it waits its turn, and its state timer fires
 * when a slot is its. */
int tunnel_pace_admit(struct tunnel *t);
/* t's opening ended: established (ok) or not. */
void tunnel_pace_done(struct tunnel *t, int ok);
/* t no longer opens (freed, or busy otherwise): its slot or its place
 * in the queue goes, without a verdict on the peer. */
void tunnel_pace_forget(struct tunnel *t);
/* 1 while t's peer has not answered an opening since its last
 * failure (or t is not paced). */
int tunnel_pace_probing(const struct tunnel *t);

#endif

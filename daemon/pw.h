/*
 * Pseudowire plumbing: from a control connection or call reaching
 * "established" to the kernel objects that carry its traffic, and back.
 *
 *   tunnel established   -> managed kernel tunnel on the tunnel's socket
 *   session established  -> kernel session (l2tpethN), link up, MTU,
 *                           bridge or addresses and routes, up-script
 *   session ends         -> down-script, kernel session deleted
 *   tunnel ends          -> its sessions as above, kernel tunnel deleted
 *   static tunnel        -> created (or adopted when identical) at start,
 *                           removed at stop unless keep-on-exit
 *   peer's SLI           -> carrier of the session's interface
 *   our circuit (links)  -> SLI to the peer (rtnetlink link events)
 *
 * With `dataplane = none`, or a kernel without L2TP, every call here is
 * a no-op and the daemon runs the control plane only.
 */
#ifndef L2TP_DAEMON_PW_H
#define L2TP_DAEMON_PW_H

#include <sys/types.h>

#include <event2/event.h>

#include "daemon/config.h"
#include "proto/sbuf.h"

struct tunnel;
struct session;

/* Subscribe to tunnels' and sessions' state changes (the functions
 * below; static tunnels are started and stopped through them too), and
 * open the kernel dataplane when the configuration asks for it; without
 * L2TP in the kernel, log one line and carry on without it. */
void pw_init(struct event_base *, const struct daemon_conf *);
void pw_free(void);
/* 1 when the kernel dataplane is in use. */
int pw_active(void);

void pw_tunnel_up(struct tunnel *);
void pw_tunnel_down(struct tunnel *);
void pw_session_up(struct session *);
/* Graceful restart: take up the kernel tunnel (session) the previous
 * process left, as it is, or create it when it is gone; nothing when
 * the previous process had none. */
void pw_handover_tunnel(struct tunnel *, int had_kernel_tunnel);
void pw_handover_session(struct session *, int had_kernel_session);
void pw_session_down(struct session *);
/* The peer's circuit status changed (s->remote_down). */
void pw_session_remote_circuit(struct session *);

/* Static tunnels: bring the kernel objects in line with t's
 * configuration (create, adopt or replace).  0, or -1 (logged). */
int pw_static_start(struct tunnel *);
/*
 * Stop a static tunnel.  keep: leave its kernel objects (keep-on-exit);
 * next: the configuration that takes over (a reload), whose tunnel and
 * sessions with the same IDs are left for it to adopt; NULL if none.
 */
void pw_static_stop(struct tunnel *, int keep, const struct tunnel_conf *next);

/*
 * What a static tunnel (s NULL) or a session waits for before its kernel
 * objects are complete ("local address 10.0.0.1", "bridge br0"; a static
 * tunnel's sessions wait with it), or NULL.  Each comes up by itself
 * when the address or the bridge appears (address and link events).
 */
const char *pw_waiting_for(const struct tunnel *, const struct session *);

/* A child (script) was reaped. */
void pw_child_exited(pid_t, int status);

/* The kernel's view of a session (`show session`, metrics): its
 * configuration (have, may be NULL) and counters; 0, or -1 when it has
 * no kernel session.  A netlink round trip each. */
struct dp_session_cfg;
struct dp_session_stats;
int pw_session_stats(const struct session *, struct dp_session_cfg *have,
    struct dp_session_stats *);
/* The interface of the attachment circuit: the session's own, or for an
 * Ethernet VLAN pseudowire the VLAN interface on top of it. */
const char *pw_ac_ifname(const struct session *, char *buf, size_t len);

#endif

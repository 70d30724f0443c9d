/*
 * Pseudowire plumbing between the control plane (tunnel.c, session.c)
 * and the kernel dataplane (dataplane.c).  See pw.h for what happens
 * when.
 *
 * Kernel requests are blocking (dataplane.c); they happen when a tunnel
 * or a call changes state, never per packet.  Scripts run as children
 * that the daemon reaps on SIGCHLD, so a slow script never holds the
 * event loop.  Link events come from an rtnetlink socket subscribed to
 * RTNLGRP_LINK and keep a cache of the links up to date (libnl's cache
 * manager applies each one; a full dump happens only at the start and
 * when events were lost): any event makes us recompute every
 * pseudowire's local circuit from that cache once the burst is over.
 * A dump per burst instead cost O(links) each time, O(n^2) while n
 * sessions come up.
 */
#include <config.h>

#include <sys/socket.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>

#include "daemon/dataplane.h"
#include "daemon/log.h"
#include "daemon/priv.h"
#include "daemon/pw.h"
#include "daemon/pw_wait.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"

/* net/if.h (via libnl) lacks it; linux/if.h would clash with it. */
#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000
#endif
#define PW_ENV_MAX 24
#define PW_ENV_LEN 160
/* Link events arrive in bursts (a bridge port flapping, our own
 * changes): evaluate once after the burst. */
#define PW_LINK_SETTLE_MS 50
/* A static tunnel whose kernel IDs are still being freed is programmed
 * again this often, this many times (about 2 s in all). */
#define PW_BUSY_RETRY_MS 50
#define PW_BUSY_RETRIES 40
#define PW_ADDR_RECHECKS 20 /* 1 s of looks after an address event */
#define PW_LINK_RCVBUF (8 * 1024 * 1024)

static struct {
	struct dataplane *dp;
	struct event_base *base;
	struct nl_cache_mngr *mngr; /* RTNLGRP_LINK into links */
	struct nl_cache *links; /* every link, kept current by mngr */
	struct nl_sock *query; /* a dump when events were lost */
	struct event *ev_links;
	struct event *ev_eval;
	int evaluating; /* links_evaluate() is applying queued events */
	struct nl_sock *addr_sk; /* RTNLGRP_IPV4/IPV6_IFADDR: waiters */
	struct event *ev_addrs;
} pw;

int
pw_active(void)
{
	return pw.dp != NULL;
}

static const char *
tname(const struct tunnel *t)
{
	return t->conf->name;
}

/*
 * The interface of the attachment circuit: the session's own, or for an
 * Ethernet VLAN pseudowire the VLAN interface on top of it, which tags
 * what goes into the pseudowire and takes in only frames of its VLAN.
 * Named "<interface>.<vlan-id>", the first part shortened to fit.
 */
const char *
pw_ac_ifname(const struct session *s, char *buf, size_t len)
{
	char vid[8];
	int n;

	if (s->conf->pw_type != L2TP_PW_ETH_VLAN)
		return s->dp_ifname;
	n = snprintf(vid, sizeof(vid), ".%u", s->conf->vlan_id);
	snprintf(buf, len, "%.*s%s", (int)len - 1 - n, s->dp_ifname, vid);
	return buf;
}

/* --- scripts ------------------------------------------------------ */

struct pw_env {
	char text[PW_ENV_MAX][PW_ENV_LEN];
	char *vec[PW_ENV_MAX + 1];
	size_t n;
};

static void env_add(struct pw_env *e, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
env_add(struct pw_env *e, const char *name, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (e->n == PW_ENV_MAX)
		return;
	w = snprintf(e->text[e->n], PW_ENV_LEN, "%s=", name);
	va_start(ap, fmt);
	vsnprintf(e->text[e->n] + w, PW_ENV_LEN - (size_t)w, fmt, ap);
	va_end(ap);
	e->vec[e->n] = e->text[e->n];
	e->vec[++e->n] = NULL;
}

static void
session_env(const struct session *s, const char *action, struct pw_env *e)
{
	const struct tunnel *t = s->tunnel;
	char a[64], ac[IFNAMSIZ];

	e->n = 0;
	e->vec[0] = NULL;
	env_add(e, "PATH", "%s",
	    "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	    "/usr/bin:/sbin:/bin");
	env_add(e, "L2TP_ACTION", "%s", action);
	env_add(e, "L2TP_TUNNEL", "%s", tname(t));
	env_add(e, "L2TP_SESSION", "%s", s->conf->name);
	env_add(e, "L2TP_MODE", "%s",
	    t->conf->mode == TUNNEL_STATIC ? "static" : "dynamic");
	env_add(e, "L2TP_IFNAME", "%s", s->dp_ifname);
	env_add(e, "L2TP_MTU", "%u", session_mtu(s));
	env_add(e, "L2TP_BRIDGE", "%s", s->conf->bridge);
	env_add(e, "L2TP_PW_TYPE", "%s", pw_type_name(s->conf->pw_type));
	if (s->conf->pw_type == L2TP_PW_ETH_VLAN) {
		env_add(e, "L2TP_VLAN_ID", "%u", s->conf->vlan_id);
		env_add(e, "L2TP_VLAN_IFNAME", "%s",
		    pw_ac_ifname(s, ac, sizeof(ac)));
	}
	env_add(e, "L2TP_LOCAL_TUNNEL_ID", "%u", t->local_ccid);
	env_add(e, "L2TP_PEER_TUNNEL_ID", "%u", t->peer_ccid);
	env_add(e, "L2TP_LOCAL_SESSION_ID", "%u", s->local_id);
	env_add(e, "L2TP_PEER_SESSION_ID", "%u", s->remote_id);
	env_add(e, "L2TP_REMOTE_END_ID", "%s", s->conf->remote_end_id);
	env_add(e, "L2TP_ENCAP", "%s",
	    t->conf->encap == L2TP_ENCAP_IP ? "ip" : "udp");
	env_add(e, "L2TP_PEER_ADDRESS", "%s",
	    addr_str(
		t->conf->mode == TUNNEL_STATIC ? &t->conf->remote : &t->peer, a,
		sizeof(a)));
	env_add(e, "L2TP_LOCAL_ADDRESS", "%s",
	    addr_str(
		t->conf->mode == TUNNEL_STATIC ? &t->conf->local : &t->local, a,
		sizeof(a)));
}

/* Scripts still running, so that their exit is logged with the session
 * they ran for; one more than fits is logged by pid alone. */
#define PW_SCRIPTS_MAX 64
static struct {
	pid_t pid; /* 0: free */
	char who[2 * CONF_NAME_MAX + 16]; /* "session T/S: up-script" */
} scripts[PW_SCRIPTS_MAX];

static void
script_started(pid_t pid, const struct session *s, const char *action)
{
	size_t i;

	for (i = 0; i < PW_SCRIPTS_MAX; i++)
		if (scripts[i].pid == 0) {
			scripts[i].pid = pid;
			snprintf(scripts[i].who, sizeof(scripts[i].who),
			    "session %s/%s: %s-script", tname(s->tunnel),
			    s->conf->name, action);
			return;
		}
}

/* "session T/S: up-script" of a child, or "script" when not known. */
static const char *
script_ended(pid_t pid, char *buf, size_t len)
{
	size_t i;

	snprintf(buf, len, "script");
	for (i = 0; i < PW_SCRIPTS_MAX; i++)
		if (scripts[i].pid == pid) {
			snprintf(buf, len, "%s", scripts[i].who);
			scripts[i].pid = 0;
			break;
		}
	return buf;
}

static void
run_script(const struct session *s, const char *path, const char *action)
{
	struct pw_env env;
	char *argv[3], why[CONF_PATH_MAX + 200];
	pid_t pid;
	int fd;

	if (path == NULL || path[0] == '\0')
		return;
	session_env(s, action, &env);
	if (priv_active()) {
		priv_run_script(path, action, env.vec);
		return;
	}
	if (priv_file_ok(path, "script", why, sizeof(why)) == -1) {
		log_warnx(
		    "session %s/%s: %s", tname(s->tunnel), s->conf->name, why);
		return;
	}
	argv[0] = (char *)(uintptr_t)path;
	argv[1] = (char *)(uintptr_t)action;
	argv[2] = NULL;
	if ((pid = fork()) == -1) {
		log_warn("session %s/%s: %s-script %s", tname(s->tunnel),
		    s->conf->name, action, path);
		return;
	}
	if (pid == 0) {
		/* The daemon ignores SIGPIPE; the script should not. */
		signal(SIGPIPE, SIG_DFL);
		if ((fd = open("/dev/null", O_RDONLY)) != -1) {
			dup2(fd, STDIN_FILENO);
			if (fd != STDIN_FILENO)
				close(fd);
		}
		execve(path, argv, env.vec);
		_exit(127);
	}
	log_info("session %s/%s: %s-script %s started (pid %ld)",
	    tname(s->tunnel), s->conf->name, action, path, (long)pid);
	script_started(pid, s, action);
}

void
pw_child_exited(pid_t pid, int status)
{
	char who[sizeof(scripts[0].who)];

	script_ended(pid, who, sizeof(who));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		log_debug("%s (pid %ld) exited", who, (long)pid);
	else if (WIFEXITED(status))
		log_warnx("%s (pid %ld) exited with status %d", who, (long)pid,
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		log_warnx("%s (pid %ld) killed by signal %d", who, (long)pid,
		    WTERMSIG(status));
}

/* --- tunnels ------------------------------------------------------ */

static enum dp_encap
dp_encap_of(enum l2tp_encap encap)
{
	return encap == L2TP_ENCAP_IP ? DP_ENCAP_IP : DP_ENCAP_UDP;
}

void
pw_tunnel_up(struct tunnel *t)
{
	struct dp_tunnel_cfg c;

	if (pw.dp == NULL || t->dp_up)
		return;
	if (t->fd == -1) {
		/* Raw IP sockets are shared; the kernel needs one of its
		 * own L2TP/IP sockets (module l2tp_ip) per tunnel. */
		log_warnx("tunnel %s: no kernel L2TP/IP socket (l2tp_ip "
			  "not loaded?): no dataplane for this tunnel",
		    tname(t));
		return;
	}
	dp_tunnel_cfg_init(&c);
	snprintf(c.owner, sizeof(c.owner), "tunnel %s", tname(t));
	c.tunnel_id = t->local_ccid;
	c.peer_tunnel_id = t->peer_ccid;
	c.encap = dp_encap_of(t->conf->encap);
	c.fd = t->fd;
	if (dp_tunnel_create(pw.dp, &c) == -1)
		return;
	t->dp_up = 1;
	log_info("tunnel %s: kernel tunnel %u created (peer %u, %s)", tname(t),
	    c.tunnel_id, c.peer_tunnel_id,
	    c.encap == DP_ENCAP_IP ? "ip" : "udp");
}

void
pw_tunnel_down(struct tunnel *t)
{
	struct session *s;

	/* Static tunnels outlive their objects' owner: pw_static_stop(). */
	if (!t->dp_up || t->conf->mode == TUNNEL_STATIC)
		return;
	/* Sessions first: their down-scripts see them as they were. */
	for (s = session_first(t); s != NULL; s = session_next(s))
		pw_session_down(s);
	t->dp_up = 0;
	if (dp_tunnel_delete(pw.dp, t->local_ccid) == 0)
		log_info("tunnel %s: kernel tunnel %u deleted", tname(t),
		    t->local_ccid);
}

/* --- links -------------------------------------------------------- */

static void
prefix_str(const struct conf_prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family, &p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	snprintf(buf, len, "%s/%u", a, p->len);
}

/* MTU and up; -1 when either fails. */
static int
link_mtu_up(const char *ifn, unsigned mtu, int ipv6_ll)
{
	return dp_link_set_mtu_up(pw.dp, ifn, mtu, ipv6_ll);
}

/*
 * Whether the attachment interface gets an IPv6 link-local address.  A
 * pseudowire that only carries the customer's frames (bridged, or with
 * no addresses of ours) must not put the PE's own DAD, router
 * solicitations and MLD reports into the customer's circuit; an
 * interface with addresses is an IP interface and gets one.  The
 * session's ipv6-link-local option decides; auto is that rule.
 */
static int
session_ipv6_ll(const struct session_conf *sc)
{
	if (sc->ipv6_ll != CONF_IPV6_LL_AUTO)
		return sc->ipv6_ll == CONF_IPV6_LL_YES;
	return sc->naddrs > 0;
}

static struct rtnl_link *link_by_name(struct nl_cache *, const char *);

/*
 * The kernel applies a link's IPv6 address generation mode only when the
 * link comes up, so an interface that is up already (an adopted kernel
 * session after a reload or restart) keeps the link-local state it came
 * up with.  When that differs from what the session wants, set the mode
 * and take the link down: link_mtu_up() brings it up the right way.
 */
static void
link_ipv6_ll_sync(const char *ifn, int want)
{
	struct rtnl_link *l;
	uint8_t mode;

	if (pw.links == NULL || (l = link_by_name(pw.links, ifn)) == NULL ||
	    (rtnl_link_get_flags(l) & IFF_UP) == 0 ||
	    rtnl_link_inet6_get_addr_gen_mode(l, &mode) < 0 ||
	    (mode != IN6_ADDR_GEN_MODE_NONE) == (want != 0))
		return;
	log_info("dataplane: %s: IPv6 link-local %s: taking the link down "
		 "and up",
	    ifn, want ? "on" : "off");
	if (dp_link_set_addr_gen_mode(pw.dp, ifn,
		want ? IN6_ADDR_GEN_MODE_EUI64 : IN6_ADDR_GEN_MODE_NONE) == 0)
		(void)dp_link_set_up(pw.dp, ifn, 0);
}

static void session_bridge_appeared(void *);

/*
 * Put the attachment interface in its bridge.  A bridge that does not
 * exist (yet) is waited for: the link event that announces it wakes the
 * session (session_bridge_appeared), and until then `show session` says
 * so and a bridged circuit counts as down.  0 when in the bridge or
 * waiting for it.
 */
static int
link_bridge(struct session *s, const char *ifn)
{
	const char *br = s->conf->bridge;
	char what[PW_WAIT_TEXT_MAX];

	if (if_nametoindex(br) != 0) {
		pw_wait_cancel(s);
		return dp_link_enslave(pw.dp, ifn, br);
	}
	snprintf(what, sizeof(what), "bridge %s", br);
	if (pw_wait_what(s) == NULL)
		log_info("session %s/%s: waiting for bridge %s",
		    tname(s->tunnel), s->conf->name, br);
	return pw_wait_add(s, PW_WAIT_BRIDGE, br, strlen(br), what);
}

static void
session_bridge_appeared(void *arg)
{
	struct session *s = arg;
	char vbuf[IFNAMSIZ];

	if (!s->dp_up || s->dp_ifname[0] == '\0')
		return;
	if (link_bridge(s, pw_ac_ifname(s, vbuf, sizeof(vbuf))) == 0 &&
	    pw_wait_what(s) == NULL)
		log_info("session %s/%s: %s joined bridge %s", tname(s->tunnel),
		    s->conf->name, pw_ac_ifname(s, vbuf, sizeof(vbuf)),
		    s->conf->bridge);
}

/*
 * The session's interface gets the address config_session_mac() gives
 * (stable across restarts: a peer's neighbour cache stays right).  The
 * kernel made it with a random one; an adopted interface that has the
 * right one already is left alone, since changing it may need the link
 * down.  Before link_mtu_up(): a fresh link is still down.
 */
static int
link_mac(struct session *s, int adopted)
{
	uint8_t mac[CONF_MAC_LEN];
	struct rtnl_link *l;
	struct nl_addr *have;

	config_session_mac(s->tunnel->conf, s->conf, mac);
	if (adopted && pw.links != NULL &&
	    (l = link_by_name(pw.links, s->dp_ifname)) != NULL &&
	    (have = rtnl_link_get_addr(l)) != NULL &&
	    nl_addr_get_len(have) == CONF_MAC_LEN &&
	    memcmp(nl_addr_get_binary_addr(have), mac, CONF_MAC_LEN) == 0)
		return 0;
	return dp_link_set_mac(pw.dp, s->dp_ifname, mac);
}

/* The session's addresses on ifn; -1 when one fails. */
static int
link_addrs(const struct session_conf *sc, const char *ifn)
{
	char l[64], p[64];
	size_t i;
	int rc = 0;

	for (i = 0; i < sc->naddrs; i++) {
		prefix_str(&sc->addrs[i].local, l, sizeof(l));
		if (sc->addrs[i].peer.family != 0)
			prefix_str(&sc->addrs[i].peer, p, sizeof(p));
		if (dp_link_add_addr(pw.dp, ifn, l,
			sc->addrs[i].peer.family != 0 ? p : NULL) == -1)
			rc = -1;
	}
	return rc;
}

static int
link_routes(const struct session_conf *sc, const char *ifn)
{
	char l[64], p[64];
	size_t i;
	int rc = 0;

	for (i = 0; i < sc->nroutes; i++) {
		prefix_str(&sc->routes[i].dst, l, sizeof(l));
		if (sc->routes[i].via.family != 0)
			prefix_str(&sc->routes[i].via, p, sizeof(p));
		if (dp_route_add(pw.dp, l,
			sc->routes[i].via.family != 0 ? p : NULL, ifn) == -1)
			rc = -1;
	}
	return rc;
}

/*
 * The Ethernet address, the VLAN interface for an Ethernet VLAN
 * pseudowire, the addresses, MTU and up, then the bridge or the routes
 * on the attachment interface.  Every step is tried; the result is -1
 * when one failed.  adopted: the interfaces were there already (a kept
 * kernel session).
 *
 * Addresses go on before the link comes up, with arp_notify and
 * ndisc_notify set: coming up, the kernel announces them (gratuitous
 * ARP; an unsolicited NA once IPv6 DAD is over), so a peer that knew
 * another Ethernet address for them learns ours at once.  Routes need
 * the link up.
 */
static int
link_setup(struct session *s, int adopted)
{
	const struct session_conf *sc = s->conf;
	char vbuf[IFNAMSIZ];
	const char *ifn = pw_ac_ifname(s, vbuf, sizeof(vbuf));
	int rc, trunk_ll;

	/* Under a VLAN interface the session's own link is a trunk: no
	 * addresses ever, so no link-local either. */
	trunk_ll = ifn == s->dp_ifname && session_ipv6_ll(sc);
	if (adopted)
		link_ipv6_ll_sync(s->dp_ifname, trunk_ll);
	rc = link_mac(s, adopted);
	if (ifn != s->dp_ifname) {
		if (link_mtu_up(s->dp_ifname, session_mtu(s), 0) == -1)
			rc = -1;
		/* Deleted by the kernel with the session's interface; it
		 * takes the Ethernet address of its parent. */
		if (dp_vlan_ensure(pw.dp, s->dp_ifname, ifn, sc->vlan_id) == -1)
			return -1;
		if (adopted)
			link_ipv6_ll_sync(ifn, session_ipv6_ll(sc));
	}
	if (sc->naddrs > 0 &&
	    (dp_link_set_notify(pw.dp, ifn) == -1 || link_addrs(sc, ifn) == -1))
		rc = -1;
	if (link_mtu_up(ifn, session_mtu(s), session_ipv6_ll(sc)) == -1)
		rc = -1;
	if (sc->bridge[0] != '\0' && link_bridge(s, ifn) == -1)
		rc = -1;
	if (link_routes(sc, ifn) == -1)
		rc = -1;
	return rc;
}

/* --- sessions ----------------------------------------------------- */

static void
session_cfg(const struct session *s, struct dp_session_cfg *c)
{
	const struct session_conf *sc = s->conf;

	dp_session_cfg_init(c);
	snprintf(c->owner, sizeof(c->owner), "session %s/%s", tname(s->tunnel),
	    sc->name);
	c->tunnel_id = s->tunnel->local_ccid;
	c->peer_tunnel_id = s->tunnel->peer_ccid;
	c->session_id = s->local_id;
	c->peer_session_id = s->remote_id;
	/* The kernel has no driver for type 4 (ethernet-vlan): an l2tpeth
	 * session carries the tagged frames of link_setup()'s VLAN
	 * interface; only the control connection says 4. */
	c->pw_type = DP_PW_ETH;
	/* The kernel sends COOKIE and checks PEER_COOKIE: the peer's
	 * Assigned Cookie goes out, ours is what must come in. */
	c->cookie_len = s->peer_cookie_len;
	memcpy(c->cookie, s->peer_cookie, s->peer_cookie_len);
	c->peer_cookie_len = s->local_cookie_len;
	memcpy(c->peer_cookie, s->local_cookie, s->local_cookie_len);
	c->l2spec =
	    session_l2ss_default(s) ? DP_L2SPEC_DEFAULT : DP_L2SPEC_NONE;
	/* RFC 3931 5.4.4: a peer that asks for sequencing gets it.  The
	 * sequence numbers travel in the default L2-Specific Sublayer,
	 * which the configuration and check_call() insist on. */
	c->send_seq = (sc->seq & SEQ_SEND) != 0 || s->peer_seq;
	c->recv_seq = (sc->seq & SEQ_RECV) != 0;
	/* A side that requires sequence numbers sends them too.  The
	 * kernel (not in LNS mode, as ip l2tp leaves it) turns a session's
	 * sending off when a packet without them arrives, and on when one
	 * with them does: were we to send none, the first packet of ours
	 * that the peer saw (an ARP announcement at link up, say) would
	 * stop the peer sending what we require, and the pseudowire would
	 * drop everything. */
	if (c->recv_seq && s->tunnel->conf->mode == TUNNEL_DYNAMIC)
		c->send_seq = 1;
	c->reorder_timeout_ms = sc->reorder_timeout;
	snprintf(c->ifname, sizeof(c->ifname), "%s", sc->ifname);
}

/* After the kernel session exists: learn its interface, set the link
 * up, run the up-script.  run_up: not for an adopted session. */
static void
session_attached(struct session *s, int run_up)
{
	struct dp_session_cfg have;

	s->dp_up = 1;
	/* A configured name is the interface's (an adopted session with
	 * another name was replaced); only the kernel's l2tpethN needs
	 * asking for. */
	if (s->conf->ifname[0] != '\0')
		snprintf(
		    s->dp_ifname, sizeof(s->dp_ifname), "%s", s->conf->ifname);
	else if (dp_session_get(pw.dp, s->tunnel->local_ccid, s->local_id,
		     &have, NULL) == 1)
		snprintf(s->dp_ifname, sizeof(s->dp_ifname), "%s", have.ifname);
	if (s->dp_ifname[0] == '\0') {
		log_warnx("session %s/%s: the kernel session has no "
			  "interface",
		    tname(s->tunnel), s->conf->name);
		return;
	}
	(void)link_setup(s, !run_up);
	if (s->remote_down)
		pw_session_remote_circuit(s);
	log_info("session %s/%s: kernel session %u/%u on %s", tname(s->tunnel),
	    s->conf->name, s->local_id, s->remote_id, s->dp_ifname);
	if (run_up)
		run_script(s, s->conf->up_script, "up");
}

void
pw_session_up(struct session *s)
{
	struct dp_session_cfg c;

	if (pw.dp == NULL || s->dp_up || !s->tunnel->dp_up)
		return;
	session_cfg(s, &c);
	if (dp_session_create(pw.dp, &c) == -1)
		return;
	session_attached(s, 1);
}

void
pw_handover_tunnel(struct tunnel *t, int had)
{
	struct dp_tunnel_cfg have;

	if (pw.dp == NULL || !had || t->dp_up)
		return;
	dp_tunnel_cfg_init(&have);
	if (dp_tunnel_get(pw.dp, t->local_ccid, &have) != 1) {
		pw_tunnel_up(t);
		return;
	}
	t->dp_up = 1;
	log_info(
	    "tunnel %s: kernel tunnel %u taken over", tname(t), t->local_ccid);
}

void
pw_handover_session(struct session *s, int had)
{
	if (pw.dp == NULL || !had || s->dp_up || !s->tunnel->dp_up)
		return;
	if (dp_session_get(
		pw.dp, s->tunnel->local_ccid, s->local_id, NULL, NULL) != 1) {
		pw_session_up(s);
		return;
	}
	session_attached(s, 0);
}

void
pw_session_down(struct session *s)
{
	/* Every path that frees a session comes here (call_end()). */
	pw_wait_cancel(s);
	if (!s->dp_up)
		return;
	run_script(s, s->conf->down_script, "down");
	s->dp_up = 0;
	if (dp_session_delete(pw.dp, s->tunnel->local_ccid, s->local_id) == 0)
		log_info("session %s/%s: kernel session %u deleted (%s)",
		    tname(s->tunnel), s->conf->name, s->local_id, s->dp_ifname);
	s->dp_ifname[0] = '\0';
}

void
pw_session_remote_circuit(struct session *s)
{
	if (!s->dp_up || s->dp_ifname[0] == '\0')
		return;
	(void)dp_link_set_carrier(pw.dp, s->dp_ifname, !s->remote_down);
}

/* --- static tunnels ---------------------------------------------- */

static void
static_tunnel_cfg(const struct tunnel *t, struct dp_tunnel_cfg *c)
{
	const struct tunnel_conf *tc = t->conf;

	dp_tunnel_cfg_init(c);
	snprintf(c->owner, sizeof(c->owner), "tunnel %s", tname(t));
	c->tunnel_id = t->local_ccid;
	c->peer_tunnel_id = t->peer_ccid;
	c->encap = dp_encap_of(tc->encap);
	c->local.family = c->peer.family = (sa_family_t)tc->family;
	if (tc->family == AF_INET6) {
		c->local.u.v6 =
		    ((const struct sockaddr_in6 *)&tc->local)->sin6_addr;
		c->peer.u.v6 =
		    ((const struct sockaddr_in6 *)&tc->remote)->sin6_addr;
	} else {
		c->local.u.v4 =
		    ((const struct sockaddr_in *)&tc->local)->sin_addr;
		c->peer.u.v4 =
		    ((const struct sockaddr_in *)&tc->remote)->sin_addr;
	}
	if (tc->encap == L2TP_ENCAP_UDP) {
		c->local_port = addr_port(&tc->local);
		c->peer_port = addr_port(&tc->remote);
	}
}

/* A static session's IDs and cookies, from its configuration. */
static void
static_session_init(struct session *s)
{
	const struct session_conf *sc = s->conf;

	/* Static IDs are the configuration's, never in the dynamic
	 * session table. */
	s->local_id = sc->local_session_id;
	s->remote_id = sc->remote_session_id;
	s->peer_cookie_len = sc->cookie.len; /* sent */
	memcpy(s->peer_cookie, sc->cookie.bytes, sc->cookie.len);
	s->local_cookie_len = sc->peer_cookie.len; /* expected */
	memcpy(s->local_cookie, sc->peer_cookie.bytes, sc->peer_cookie.len);
	s->dp_failed = 0;
	ssfsm_event(s, SSE_STATIC_UP);
}

/* -1: refused, 0: in the kernel, DP_BUSY: try again shortly. */
static int
static_session_program(struct session *s)
{
	struct dp_session_cfg c;
	int rc;

	session_cfg(s, &c);
	if ((rc = dp_session_ensure(pw.dp, &c)) == DP_BUSY)
		return DP_BUSY;
	if (rc == -1) {
		s->dp_failed = 1;
		return -1;
	}
	session_attached(s, rc != DP_ADOPTED);
	return 0;
}

static int static_program(struct tunnel *);
static int static_retry_soon(struct tunnel *);

static void
static_busy_cb(evutil_socket_t fd, short what, void *arg)
{
	struct tunnel *t = arg;

	(void)fd;
	(void)what;
	(void)static_program(t);
	/* Still no local address after its event (static_addr_appeared):
	 * a few more looks, then only events again. */
	if (!t->dp_up && pw_wait_what(t) != NULL &&
	    t->dp_busy_tries < PW_ADDR_RECHECKS)
		(void)static_retry_soon(t);
}

/*
 * The kernel still holds an ID for a tunnel or session it is freeing
 * (after a replacement or a reload): program again in a moment, from
 * the event loop, rather than sleep in it.  Gives up after about 2 s.
 */
static int
static_busy(struct tunnel *t)
{
	if (t->dp_busy_tries >= PW_BUSY_RETRIES) {
		log_warnx("tunnel %s: the kernel still holds its IDs after "
			  "%d ms; not programmed",
		    tname(t), PW_BUSY_RETRY_MS * PW_BUSY_RETRIES);
		return -1;
	}
	return static_retry_soon(t);
}

/* static_program() again in PW_BUSY_RETRY_MS, from the loop. */
static int
static_retry_soon(struct tunnel *t)
{
	struct timeval tv = { 0, PW_BUSY_RETRY_MS * 1000 };

	t->dp_busy_tries++;
	if (t->ev_dp_busy == NULL &&
	    (t->ev_dp_busy = evtimer_new(tunnels_base(), static_busy_cb, t)) ==
		NULL) {
		log_warn("tunnel %s: retry timer", tname(t));
		return -1;
	}
	evtimer_add(t->ev_dp_busy, &tv);
	return 0;
}

/*
 * Whether this host has the address (bind() to it works): the kernel
 * binds a static tunnel's socket to its local address and refuses
 * without it, like an IPv6 address whose DAD is not over.  Cheap and
 * local: one socket, no packet.
 */
static int
addr_is_local(const struct sockaddr_storage *ss)
{
	struct sockaddr_storage a = *ss;
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
						  : sizeof(struct sockaddr_in);
	int fd, ok;

	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a)->sin6_port = 0;
	else
		((struct sockaddr_in *)&a)->sin_port = 0;
	if ((fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 1; /* cannot tell: let the kernel say */
	ok =
	    bind(fd, (struct sockaddr *)&a, len) == 0 || errno != EADDRNOTAVAIL;
	close(fd);
	return ok;
}

static void static_addr_appeared(void *);

/*
 * A static tunnel whose local address is missing waits for it: the
 * address event wakes it (static_addr_appeared).  0 when it waits.
 */
static int
static_wait_addr(struct tunnel *t)
{
	const struct sockaddr_storage *ss = &t->conf->local;
	char a[INET6_ADDRSTRLEN], what[PW_WAIT_TEXT_MAX];
	const void *key;
	size_t len;

	if (ss->ss_family == AF_INET6) {
		key = &((const struct sockaddr_in6 *)ss)->sin6_addr;
		len = sizeof(struct in6_addr);
	} else {
		key = &((const struct sockaddr_in *)ss)->sin_addr;
		len = sizeof(struct in_addr);
	}
	inet_ntop(ss->ss_family, key, a, sizeof(a));
	snprintf(what, sizeof(what), "local address %s", a);
	if (pw_wait_what(t) == NULL)
		log_info(
		    "tunnel %s: waiting for local address %s", tname(t), a);
	return pw_wait_add(t, PW_WAIT_ADDR, key, len, what);
}

/* The kernel part of a static tunnel: the tunnel, then every session
 * not there yet. */
static int
static_program(struct tunnel *t)
{
	struct dp_tunnel_cfg c;
	struct session *s;
	int rc = 0, r;

	if (!t->dp_up) {
		if (!addr_is_local(&t->conf->local))
			return static_wait_addr(t);
		pw_wait_cancel(t);
		static_tunnel_cfg(t, &c);
		if ((r = dp_tunnel_ensure(pw.dp, &c)) == DP_BUSY)
			return static_busy(t);
		if (r == -1) {
			log_warnx(
			    "tunnel %s: static tunnel not created", tname(t));
			return -1;
		}
		t->dp_up = 1;
		for (s = session_first(t); s != NULL; s = session_next(s))
			static_session_init(s);
	}
	for (s = session_first(t); s != NULL; s = session_next(s)) {
		if (s->dp_up || s->dp_failed)
			continue;
		if ((r = static_session_program(s)) == DP_BUSY)
			return static_busy(t);
		if (r == -1)
			rc = -1;
	}
	return rc;
}

static void
static_addr_appeared(void *arg)
{
	struct tunnel *t = arg;

	if (t->dp_up)
		return;
	t->dp_busy_tries = 0;
	if (static_program(t) == 0 && t->dp_up)
		log_info("tunnel %s: local address present: kernel tunnel %u "
			 "programmed",
		    tname(t), t->local_ccid);
	else if (!t->dp_up && pw_wait_what(t) != NULL)
		/* The kernel announces a new IPv4 address before it adds
		 * the address's local route, so bind() can still fail just
		 * after the event.  Look again shortly (it still waits for
		 * events if the address really went away again). */
		(void)static_retry_soon(t);
}

int
pw_static_start(struct tunnel *t)
{
	struct session *s;

	t->local_ccid = t->conf->local_tunnel_id;
	while (t->local_ccid == 0)
		t->local_ccid = arc4random();
	t->peer_ccid = t->conf->remote_tunnel_id;
	t->local = t->conf->local;
	t->peer = t->conf->remote;
	ccfsm_event(t, CCE_STATIC_UP);
	if (pw.dp == NULL) {
		log_info(
		    "tunnel %s: static, without a kernel dataplane", tname(t));
		for (s = session_first(t); s != NULL; s = session_next(s))
			static_session_init(s);
		return 0;
	}
	t->dp_busy_tries = 0;
	return static_program(t);
}

/* Is there, in next, a session with this local ID? */
static int
next_has_session(const struct tunnel_conf *next, uint32_t id)
{
	const struct session_conf *sc;

	TAILQ_FOREACH(sc, &next->sessions, entry)
		if (sc->local_session_id == id)
			return 1;
	return 0;
}

void
pw_static_stop(struct tunnel *t, int keep, const struct tunnel_conf *next)
{
	struct session *s;
	int same_tunnel = next != NULL && next->mode == TUNNEL_STATIC &&
	    next->local_tunnel_id == t->local_ccid;

	if (t->ev_dp_busy != NULL) {
		event_free(t->ev_dp_busy);
		t->ev_dp_busy = NULL;
	}
	pw_wait_cancel(t);
	for (s = session_first(t); s != NULL; s = session_next(s)) {
		pw_wait_cancel(s);
		if (!s->dp_up)
			continue;
		if (keep ||
		    (same_tunnel && next_has_session(next, s->local_id)))
			s->dp_up = 0; /* left for the next one to adopt */
		else
			pw_session_down(s);
	}
	if (t->dp_up && !keep && !same_tunnel &&
	    dp_tunnel_delete(pw.dp, t->local_ccid) == 0)
		log_info("tunnel %s: kernel tunnel %u deleted", tname(t),
		    t->local_ccid);
	else if (t->dp_up && keep)
		log_info("tunnel %s: kernel tunnel %u kept (keep-on-exit)",
		    tname(t), t->local_ccid);
	t->dp_up = 0;
}

/* --- our attachment circuits ------------------------------------- */

/* The cache's link with this index and family, or NULL (a hash lookup). */
static struct rtnl_link *
link_by_index(struct nl_cache *links, int ifindex, int family)
{
	struct rtnl_link *needle, *l;

	if ((needle = rtnl_link_alloc()) == NULL)
		return NULL;
	rtnl_link_set_family(needle, family);
	rtnl_link_set_ifindex(needle, ifindex);
	l = (struct rtnl_link *)nl_cache_search(links, OBJ_CAST(needle));
	rtnl_link_put(needle);
	if (l != NULL)
		rtnl_link_put(l); /* the cache keeps its own reference */
	return l;
}

/*
 * The cache's link named `name`: the kernel gives its index (one
 * ioctl), the cache finds that in its hash table.  A walk over the
 * cache per session would make every burst of link events cost
 * sessions x links.  The cache holds a link once per family it was
 * announced in; a bridge can be left with only its AF_BRIDGE entry (a
 * bridge created before the daemon started, here), which carries the
 * same name and flags.  NULL when neither is known (yet).
 */
static struct rtnl_link *
link_by_name(struct nl_cache *links, const char *name)
{
	struct rtnl_link *l;
	unsigned int idx;

	if ((idx = if_nametoindex(name)) == 0)
		return NULL;
	if ((l = link_by_index(links, (int)idx, AF_UNSPEC)) == NULL)
		l = link_by_index(links, (int)idx, AF_BRIDGE);
	return l;
}

static int
link_carries(const struct rtnl_link *l)
{
	return (rtnl_link_get_flags((struct rtnl_link *)l) &
		   (IFF_UP | IFF_LOWER_UP)) == (IFF_UP | IFF_LOWER_UP);
}

/*
 * For one evaluation: how many ports of each bridge carry traffic, from
 * one pass over the cache, so a bridged session costs a lookup rather
 * than a walk.  Open addressing on the bridge's ifindex.
 */
struct bridge_ports {
	int *ifindex; /* 0: empty slot */
	int *carrying;
	size_t size; /* a power of two */
};

static int *
bridge_ports_slot(struct bridge_ports *bp, int ifindex)
{
	size_t i = ((unsigned int)ifindex * 2654435761u) & (bp->size - 1);

	while (bp->ifindex[i] != 0 && bp->ifindex[i] != ifindex)
		i = (i + 1) & (bp->size - 1);
	bp->ifindex[i] = ifindex;
	return &bp->carrying[i];
}

static int
bridge_ports_count(struct bridge_ports *bp, struct nl_cache *links)
{
	struct nl_object *o;
	struct rtnl_link *l;
	int master, family;

	for (bp->size = 16; bp->size < 2 * (size_t)nl_cache_nitems(links) + 2;)
		bp->size *= 2;
	bp->ifindex = calloc(bp->size, sizeof(*bp->ifindex));
	bp->carrying = calloc(bp->size, sizeof(*bp->carrying));
	if (bp->ifindex == NULL || bp->carrying == NULL)
		return -1;
	for (o = nl_cache_get_first(links); o != NULL;
	     o = nl_cache_get_next(o)) {
		l = (struct rtnl_link *)o;
		/* A port once: its AF_UNSPEC entry, else its AF_BRIDGE one. */
		family = rtnl_link_get_family(l);
		if (family != AF_UNSPEC && family != AF_BRIDGE)
			continue;
		if (family == AF_BRIDGE &&
		    link_by_index(links, rtnl_link_get_ifindex(l), AF_UNSPEC) !=
			NULL)
			continue;
		if ((master = rtnl_link_get_master(l)) > 0 && link_carries(l))
			(*bridge_ports_slot(bp, master))++;
	}
	return 0;
}

static void
bridge_ports_free(struct bridge_ports *bp)
{
	free(bp->ifindex);
	free(bp->carrying);
}

/*
 * 1 when the session's attachment circuit is up, 0 when down, -1 when
 * unknown.  Bridged: up while another port of its bridge carries
 * traffic.
 */
static int
circuit_state(
    struct nl_cache *links, struct bridge_ports *bp, const struct session *s)
{
	struct rtnl_link *l, *br;
	char vbuf[IFNAMSIZ];
	const char *ac = pw_ac_ifname(s, vbuf, sizeof(vbuf));
	int bridx, others;

	if (s->conf->bridge[0] == '\0') {
		if (s->remote_down || (l = link_by_name(links, ac)) == NULL)
			return -1;
		return (rtnl_link_get_flags(l) & IFF_UP) != 0;
	}
	/* No bridge (waited for): nothing to carry the circuit. */
	if (pw_wait_what(s) != NULL)
		return 0;
	if ((br = link_by_name(links, s->conf->bridge)) == NULL)
		return -1;
	bridx = rtnl_link_get_ifindex(br);
	others = *bridge_ports_slot(bp, bridx);
	/* Our own interface, a port itself, does not count. */
	if ((l = link_by_name(links, ac)) != NULL &&
	    rtnl_link_get_master(l) == bridx && link_carries(l))
		others--;
	return others > 0;
}

static void links_readable(evutil_socket_t, short, void *);

static void
links_evaluate(evutil_socket_t fd, short what, void *arg)
{
	struct nl_cache *links = pw.links;
	struct bridge_ports bp = { NULL, NULL, 0 };
	struct tunnel *t;
	struct session *s;
	int up;

	/*
	 * Apply the events still queued first.  After a busy stretch (a
	 * burst of sessions set up back to back) this timer and the
	 * socket are ready together; evaluated first, a new interface
	 * whose "up" event is queued would read as down, and its session
	 * would signal its circuit down to the peer and up again.
	 */
	pw.evaluating = 1;
	links_readable(nl_cache_mngr_get_fd(pw.mngr), EV_READ, NULL);
	pw.evaluating = 0;
	if (bridge_ports_count(&bp, links) == -1) {
		log_warn("evaluating attachment circuits");
		bridge_ports_free(&bp);
		return;
	}
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t)) {
		if (t->state != CC_ESTABLISHED)
			continue;
		for (s = session_first(t); s != NULL; s = session_next(s)) {
			if (!s->dp_up || s->state != SS_ESTABLISHED)
				continue;
			if ((up = circuit_state(links, &bp, s)) < 0 ||
			    up == !s->local_down)
				continue;
			log_info("session %s/%s: local circuit %s", tname(t),
			    s->conf->name, up ? "up" : "down");
			session_set_local_circuit(s, up);
		}
	}
	bridge_ports_free(&bp);
}

static void
schedule_evaluation(void)
{
	struct timeval tv = { 0, PW_LINK_SETTLE_MS * 1000 };

	if (!pw.evaluating && !evtimer_pending(pw.ev_eval, NULL))
		evtimer_add(pw.ev_eval, &tv);
}

static void
on_link_change(struct nl_cache *c, struct nl_object *o, int action, void *arg)
{
	const char *name;

	/* A bridge some session waits for: one lookup by its name. */
	if ((action == NL_ACT_NEW || action == NL_ACT_CHANGE) &&
	    pw_wait_count() > 0 &&
	    (name = rtnl_link_get_name((struct rtnl_link *)o)) != NULL)
		(void)pw_wait_wake(PW_WAIT_BRIDGE, name, strlen(name),
		    session_bridge_appeared);
	schedule_evaluation();
}

static void
links_readable(evutil_socket_t fd, short what, void *arg)
{
	int err;

	/* Nonblocking: applies what is queued and returns. */
	err = nl_cache_mngr_data_ready(pw.mngr);
	if (err >= 0 || err == -NLE_AGAIN)
		return;
	/*
	 * Events were lost (ENOBUFS) or garbled: read the links afresh,
	 * but only after what is still queued.  Those events are older
	 * than the ones lost; applied after the dump they would put back
	 * a link's earlier state (down) over the current one.
	 */
	log_debug("link events: %s; reading the interfaces", nl_geterror(err));
	while ((err = nl_cache_mngr_data_ready(pw.mngr)) > 0)
		;
	if (nl_cache_refill(pw.query, pw.links) < 0)
		log_warnx("cannot read the interfaces");
	/* A bridge may have come in the events lost. */
	(void)pw_wait_wake_all(PW_WAIT_BRIDGE, session_bridge_appeared);
	schedule_evaluation();
}

static void
links_watch(void)
{
	/* The manager's socket is nonblocking and subscribed to the
	 * cache's group (RTNLGRP_LINK); adding the cache dumps it once. */
	if ((pw.query = nl_socket_alloc()) == NULL ||
	    nl_connect(pw.query, NETLINK_ROUTE) < 0 ||
	    nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, 0, &pw.mngr) < 0 ||
	    nl_cache_mngr_add(
		pw.mngr, "route/link", on_link_change, NULL, &pw.links) < 0)
		goto fail;
	/* Every new pseudowire interface makes a few link events of 1-2
	 * KB, all sent while the daemon sets up sessions back to back; the
	 * default buffer overflows after ~100 of them, and each overflow
	 * costs a dump of every link. */
	tp_set_rcvbuf(nl_cache_mngr_get_fd(pw.mngr), PW_LINK_RCVBUF);
	pw.ev_eval = evtimer_new(pw.base, links_evaluate, NULL);
	pw.ev_links = event_new(pw.base, nl_cache_mngr_get_fd(pw.mngr),
	    EV_READ | EV_PERSIST, links_readable, NULL);
	if (pw.ev_eval == NULL || pw.ev_links == NULL ||
	    event_add(pw.ev_links, NULL) == -1)
		goto fail;
	return;
fail:
	log_warnx("cannot watch interfaces: attachment circuit changes "
		  "will not be signalled to peers");
	if (pw.ev_links != NULL)
		event_free(pw.ev_links);
	if (pw.ev_eval != NULL)
		event_free(pw.ev_eval);
	if (pw.mngr != NULL)
		nl_cache_mngr_free(pw.mngr); /* and the cache it manages */
	nl_socket_free(pw.query);
	pw.ev_links = pw.ev_eval = NULL;
	pw.mngr = NULL;
	pw.links = NULL;
	pw.query = NULL;
}

/* --- addresses: what static tunnels wait for ----------------------- */

/* One address message: a new address wakes the tunnels waiting for it. */
static int
on_addr_msg(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	uint32_t flags;
	int i, len;
	static const int attrs[] = { IFA_LOCAL, IFA_ADDRESS };

	if (h->nlmsg_type != RTM_NEWADDR || pw_wait_count() == 0 ||
	    nlmsg_parse(h, sizeof(*ifa), tb, IFA_MAX, NULL) < 0)
		return NL_OK;
	ifa = nlmsg_data(h);
	len = ifa->ifa_family == AF_INET6 ? 16 : 4;
	flags =
	    tb[IFA_FLAGS] != NULL ? nla_get_u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
	/* Not bindable until DAD is over: the kernel says RTM_NEWADDR
	 * again then. */
	if (flags & (IFA_F_TENTATIVE | IFA_F_DADFAILED))
		return NL_OK;
	/* IPv4 names the local address IFA_LOCAL (IFA_ADDRESS is the
	 * peer's on a point-to-point link); IPv6 only IFA_ADDRESS. */
	for (i = 0; i < 2; i++)
		if (tb[attrs[i]] != NULL && nla_len(tb[attrs[i]]) == len)
			(void)pw_wait_wake(PW_WAIT_ADDR, nla_data(tb[attrs[i]]),
			    (size_t)len, static_addr_appeared);
	return NL_OK;
}

static void
addrs_readable(evutil_socket_t fd, short what, void *arg)
{
	int err;

	/* Nonblocking: what is queued, then NLE_AGAIN. */
	while ((err = nl_recvmsgs_default(pw.addr_sk)) >= 0)
		;
	if (err == -NLE_AGAIN)
		return;
	/* Events lost (ENOBUFS while thousands of sessions get their
	 * addresses): look again for every address waited for. */
	log_debug("address events: %s; checking the waiting tunnels",
	    nl_geterror(err));
	(void)pw_wait_wake_all(PW_WAIT_ADDR, static_addr_appeared);
}

/*
 * A socket of its own, without a cache: the daemon needs the events
 * only for the few addresses waited for, and a cache of every address
 * would cost memory per session that has addresses.
 */
static void
addrs_watch(void)
{
	if ((pw.addr_sk = nl_socket_alloc()) == NULL)
		goto fail;
	nl_socket_disable_seq_check(pw.addr_sk);
	nl_socket_modify_cb(
	    pw.addr_sk, NL_CB_VALID, NL_CB_CUSTOM, on_addr_msg, NULL);
	if (nl_connect(pw.addr_sk, NETLINK_ROUTE) < 0 ||
	    nl_socket_add_memberships(
		pw.addr_sk, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0) < 0 ||
	    nl_socket_set_nonblocking(pw.addr_sk) < 0)
		goto fail;
	pw.ev_addrs = event_new(pw.base, nl_socket_get_fd(pw.addr_sk),
	    EV_READ | EV_PERSIST, addrs_readable, NULL);
	if (pw.ev_addrs == NULL || event_add(pw.ev_addrs, NULL) == -1)
		goto fail;
	return;
fail:
	log_warnx("cannot watch addresses: a static tunnel whose local "
		  "address is missing will wait for a reload");
	if (pw.ev_addrs != NULL)
		event_free(pw.ev_addrs);
	nl_socket_free(pw.addr_sk);
	pw.ev_addrs = NULL;
	pw.addr_sk = NULL;
}

/* --- life --------------------------------------------------------- */

/* pw.c hears of tunnels and sessions as an observer (tunnel.h,
 * session.h): they do not call it by name. */
static const struct tunnel_observer tunnel_events = {
	.up = pw_tunnel_up,
	.down = pw_tunnel_down,
	.static_start = pw_static_start,
	.static_stop = pw_static_stop,
	.handover = pw_handover_tunnel,
};
static const struct session_observer session_events = {
	.up = pw_session_up,
	.down = pw_session_down,
	.remote_circuit = pw_session_remote_circuit,
	.handover = pw_handover_session,
};

void
pw_init(struct event_base *base, const struct daemon_conf *conf)
{
	tunnels_observe(&tunnel_events);
	sessions_observe(&session_events);
	pw.base = base;
	if (conf->dataplane != DATAPLANE_KERNEL)
		return;
	/* dp_open says why in one line when the kernel lacks L2TP. */
	if ((pw.dp = dp_open()) == NULL)
		return;
	links_watch();
	addrs_watch();
}

void
pw_free(void)
{
	if (pw.ev_links != NULL)
		event_free(pw.ev_links);
	if (pw.ev_eval != NULL)
		event_free(pw.ev_eval);
	if (pw.mngr != NULL)
		nl_cache_mngr_free(pw.mngr);
	nl_socket_free(pw.query);
	if (pw.ev_addrs != NULL)
		event_free(pw.ev_addrs);
	nl_socket_free(pw.addr_sk);
	pw_wait_clear();
	dp_close(pw.dp);
	memset(&pw, 0, sizeof(pw));
}

/* --- the kernel's view of a session -------------------------------- */

int
pw_session_stats(const struct session *s, struct dp_session_cfg *have,
    struct dp_session_stats *st)
{
	if (!s->dp_up)
		return -1;
	return dp_session_get(
		   pw.dp, s->tunnel->local_ccid, s->local_id, have, st) == 1
	    ? 0
	    : -1;
}

const char *
pw_waiting_for(const struct tunnel *t, const struct session *s)
{
	const char *what;

	if (s != NULL && (what = pw_wait_what(s)) != NULL)
		return what;
	/* A static tunnel's sessions wait with it. */
	if (s != NULL && t->conf->mode != TUNNEL_STATIC)
		return NULL;
	return pw_wait_what(t);
}

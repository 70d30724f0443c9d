/*
 * The kernel L2TP dataplane over generic netlink and rtnetlink.
 *
 * Requests are blocking: each one is sent and its answer awaited before
 * the call returns.  That is fine for a handful of tunnels; batching
 * requests and reading answers from the event loop is for the scale
 * work.  One socket per purpose (l2tp genl, rtnetlink) lives as long as
 * the handle.
 *
 * The attributes and their defaults are those iproute2's `ip l2tp`
 * sends (ip/ipl2tp.c) as the kernel reads them (net/l2tp/l2tp_netlink.c):
 * a static tunnel configured here and one configured by hand with the
 * mirrored arguments are the same kernel objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* netinet/in.h before linux/in.h (via l2tp.h), or they collide. */
#include <net/if.h>
#include <netinet/in.h>
#include <linux/l2tp.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vlan.h>
#include <netlink/route/route.h>

#include "daemon/dataplane.h"
#include "daemon/log.h"

extern char **environ;

struct dataplane {
	struct nl_sock *genl; /* generic netlink, family "l2tp" */
	struct nl_sock *rtnl; /* rtnetlink: links, addresses, routes */
	int family; /* the "l2tp" family's id */
	int kerr; /* errno of the last NLMSG_ERROR the kernel sent */
};

/* Attribute checks for what the kernel sends back (TUNNEL/SESSION_GET). */
static const struct nla_policy l2tp_policy[L2TP_ATTR_MAX + 1] = {
	[L2TP_ATTR_PW_TYPE] = { .type = NLA_U16 },
	[L2TP_ATTR_ENCAP_TYPE] = { .type = NLA_U16 },
	[L2TP_ATTR_PROTO_VERSION] = { .type = NLA_U8 },
	[L2TP_ATTR_IFNAME] = { .type = NLA_STRING, .maxlen = IFNAMSIZ },
	[L2TP_ATTR_CONN_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_PEER_CONN_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_SESSION_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_PEER_SESSION_ID] = { .type = NLA_U32 },
	[L2TP_ATTR_UDP_CSUM] = { .type = NLA_U8 },
	[L2TP_ATTR_COOKIE] = { .type = NLA_UNSPEC, .maxlen = DP_COOKIE_MAX },
	[L2TP_ATTR_PEER_COOKIE] = { .type = NLA_UNSPEC,
	    .maxlen = DP_COOKIE_MAX },
	[L2TP_ATTR_RECV_SEQ] = { .type = NLA_U8 },
	[L2TP_ATTR_SEND_SEQ] = { .type = NLA_U8 },
	[L2TP_ATTR_RECV_TIMEOUT] = { .type = NLA_U64 },
	[L2TP_ATTR_IP_SADDR] = { .type = NLA_U32 },
	[L2TP_ATTR_IP_DADDR] = { .type = NLA_U32 },
	[L2TP_ATTR_UDP_SPORT] = { .type = NLA_U16 },
	[L2TP_ATTR_UDP_DPORT] = { .type = NLA_U16 },
	[L2TP_ATTR_STATS] = { .type = NLA_NESTED },
	[L2TP_ATTR_IP6_SADDR] = { .type = NLA_UNSPEC,
	    .minlen = sizeof(struct in6_addr) },
	[L2TP_ATTR_IP6_DADDR] = { .type = NLA_UNSPEC,
	    .minlen = sizeof(struct in6_addr) },
	[L2TP_ATTR_UDP_ZERO_CSUM6_TX] = { .type = NLA_FLAG },
	[L2TP_ATTR_UDP_ZERO_CSUM6_RX] = { .type = NLA_FLAG },
};

static const struct nla_policy stats_policy[L2TP_ATTR_STATS_MAX + 1] = {
	[L2TP_ATTR_TX_PACKETS] = { .type = NLA_U64 },
	[L2TP_ATTR_TX_BYTES] = { .type = NLA_U64 },
	[L2TP_ATTR_TX_ERRORS] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_PACKETS] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_BYTES] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_SEQ_DISCARDS] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_OOS_PACKETS] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_ERRORS] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_COOKIE_DISCARDS] = { .type = NLA_U64 },
	[L2TP_ATTR_RX_INVALID] = { .type = NLA_U64 },
};

/* The modules the dataplane needs, as named in the log and to modprobe. */
#define DP_MODULES "l2tp_core, l2tp_netlink, l2tp_eth, l2tp_ip, l2tp_ip6"

/*
 * libnl folds kernel errnos into its own codes and loses some on the way
 * (EPROTONOSUPPORT, the sign of a missing l2tp_eth/l2tp_ip, among them):
 * keep the kernel's own errno.
 */
static int
on_kernel_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct dataplane *dp = arg;

	dp->kerr = -e->error;
	return NL_STOP;
}

static const char *
dp_strerror(struct dataplane *dp, int nlerr)
{
	if (dp->kerr != 0)
		return strerror(dp->kerr);
	return nl_geterror(nlerr);
}

/* What to tell an operator about an errno from the l2tp family. */
static const char *
l2tp_hint(int kerr, int creating_session, enum dp_encap encap)
{
	if (kerr == EPROTONOSUPPORT && creating_session)
		return " (is the l2tp_eth module loaded?)";
	if (kerr == EPROTONOSUPPORT && encap == DP_ENCAP_IP)
		return " (are the l2tp_ip and l2tp_ip6 modules loaded?)";
	if (kerr == EPROTONOSUPPORT || kerr == EAFNOSUPPORT)
		return " (the kernel lacks this L2TP feature)";
	if (kerr == EEXIST)
		return " (ID already in use)";
	return "";
}

static struct nl_sock *
open_socket(struct dataplane *dp, int protocol)
{
	struct nl_sock *sk;
	int err;

	if ((sk = nl_socket_alloc()) == NULL) {
		log_warnx("dataplane: out of memory for a netlink socket");
		return NULL;
	}
	if ((err = nl_connect(sk, protocol)) < 0) {
		log_warnx("dataplane: netlink: %s", nl_geterror(err));
		nl_socket_free(sk);
		return NULL;
	}
	nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, on_kernel_error, dp);
	return sk;
}

/*
 * List in missing[] the modules the dataplane needs that do not show in
 * /sys/module (built-in ones show there too); returns how many.
 */
static int
missing_modules(char *missing, size_t len)
{
	static const char *const mods[] = { "l2tp_core", "l2tp_netlink",
		"l2tp_eth", "l2tp_ip", "l2tp_ip6" };
	char path[64];
	size_t i, used = 0;
	int n = 0, w;

	missing[0] = '\0';
	for (i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
		if (access(path, F_OK) == 0)
			continue;
		w = snprintf(missing + used, len - used, "%s%s",
		    n++ > 0 ? ", " : "", mods[i]);
		if (w < 0 || (size_t)w >= len - used)
			break;
		used += (size_t)w;
	}
	return n;
}

/* Run `modprobe -a` once, quietly; its failure is judged by the caller
 * looking for the family again. */
static void
try_modprobe(void)
{
	char *argv[] = { "modprobe", "-q", "-a", "l2tp_eth", "l2tp_ip",
		"l2tp_ip6", NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "modprobe", &fa, NULL, argv, environ) == 0)
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
	posix_spawn_file_actions_destroy(&fa);
}

struct dataplane *
dp_open(void)
{
	char missing[128];
	struct dataplane *dp;

	if ((dp = calloc(1, sizeof(*dp))) == NULL) {
		log_warn("dataplane");
		return NULL;
	}
	if ((dp->genl = open_socket(dp, NETLINK_GENERIC)) == NULL ||
	    (dp->rtnl = open_socket(dp, NETLINK_ROUTE)) == NULL) {
		dp_close(dp);
		return NULL;
	}
	if (missing_modules(missing, sizeof(missing)) > 0)
		try_modprobe();
	dp->family = genl_ctrl_resolve(dp->genl, L2TP_GENL_NAME);
	if (dp->family < 0) {
		log_warnx(
		    "kernel L2TP dataplane unavailable: no generic "
		    "netlink family \"l2tp\" (load the modules " DP_MODULES
		    "); running the control plane only");
		dp_close(dp);
		return NULL;
	}
	if (missing_modules(missing, sizeof(missing)) > 0)
		log_warnx("kernel L2TP: %s not loaded; sessions or IP "
			  "encapsulation may fail",
		    missing);
	return dp;
}

void
dp_close(struct dataplane *dp)
{
	if (dp == NULL)
		return;
	nl_socket_free(dp->genl);
	nl_socket_free(dp->rtnl);
	free(dp);
}

/* The prefix of a log line about a configuration's kernel object. */
static const char *
owner(const char *name)
{
	return name[0] != '\0' ? name : "dataplane";
}

void
dp_tunnel_cfg_init(struct dp_tunnel_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->encap = DP_ENCAP_UDP;
	c->fd = -1;
	c->udp6_csum_tx = 1;
	c->udp6_csum_rx = 1;
}

void
dp_session_cfg_init(struct dp_session_cfg *c)
{
	memset(c, 0, sizeof(*c));
	c->pw_type = DP_PW_ETH;
	c->l2spec = DP_L2SPEC_DEFAULT;
}

static struct nl_msg *
l2tp_msg(struct dataplane *dp, uint8_t cmd)
{
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc()) == NULL)
		return NULL;
	if (genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, dp->family, 0, 0, cmd,
		L2TP_GENL_VERSION) == NULL) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* Send a request that changes state and wait for the kernel's answer.
 * Returns 0 or the kernel's errno (EMSGSIZE if the message failed). */
static int
l2tp_do(struct dataplane *dp, struct nl_msg *msg, int build_failed)
{
	int err;

	if (build_failed) {
		nlmsg_free(msg);
		return EMSGSIZE;
	}
	dp->kerr = 0;
	err = nl_send_sync(dp->genl, msg); /* frees msg */
	if (err >= 0)
		return 0;
	return dp->kerr != 0 ? dp->kerr : EIO;
}

struct get_ctx {
	int (*parse)(struct nlattr **, void *);
	void *arg;
	int found;
	int acked;
};

static int
on_get_ack(struct nl_msg *msg, void *arg)
{
	struct get_ctx *ctx = arg;

	ctx->acked = 1;
	return NL_STOP;
}

static int
on_get_reply(struct nl_msg *msg, void *arg)
{
	struct get_ctx *ctx = arg;
	struct nlattr *tb[L2TP_ATTR_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, L2TP_ATTR_MAX, l2tp_policy) <
	    0)
		return NL_SKIP;
	if (ctx->parse(tb, ctx->arg) == 0)
		ctx->found = 1;
	return NL_OK;
}

/*
 * A GET for one object: 1 when the kernel answered with it (parsed into
 * arg), 0 when it has no such object (ENODEV), -1 with *kerr set.
 */
static int
l2tp_get(struct dataplane *dp, struct nl_msg *msg,
    int (*parse)(struct nlattr **, void *), void *arg, int *kerr)
{
	struct get_ctx ctx = { parse, arg, 0, 0 };
	struct nl_cb *sock_cb, *cb;
	int err;

	*kerr = 0;
	dp->kerr = 0;
	err = nl_send_auto(dp->genl, msg);
	nlmsg_free(msg);
	if (err < 0) {
		*kerr = EIO;
		return -1;
	}
	/* nl_socket_get_cb() takes a reference: drop it after cloning. */
	sock_cb = nl_socket_get_cb(dp->genl);
	cb = nl_cb_clone(sock_cb);
	nl_cb_put(sock_cb);
	if (cb == NULL) {
		*kerr = ENOMEM;
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_get_reply, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_get_ack, &ctx);
	/*
	 * The answer and the acknowledgement (or the error in its place)
	 * come as separate datagrams: read up to the acknowledgement, or
	 * it would be taken for the answer to the next request.
	 */
	do
		err = nl_recvmsgs(dp->genl, cb);
	while (err >= 0 && !ctx.acked && dp->kerr == 0);
	nl_cb_put(cb);
	if (err < 0 && dp->kerr == ENODEV)
		return 0;
	if (err < 0) {
		*kerr = dp->kerr != 0 ? dp->kerr : EIO;
		return -1;
	}
	if (!ctx.found) {
		*kerr = EBADMSG;
		return -1;
	}
	return 1;
}

static int
put_addr(struct nl_msg *msg, int v4type, int v6type, const struct dp_addr *a)
{
	if (a->family == AF_INET)
		return nla_put(msg, v4type, sizeof(a->u.v4), &a->u.v4);
	if (a->family == AF_INET6)
		return nla_put(msg, v6type, sizeof(a->u.v6), &a->u.v6);
	return -1;
}

/* The addressing of a static tunnel, as `ip l2tp add tunnel` sends it. */
static int
put_static_tunnel(struct nl_msg *msg, const struct dp_tunnel_cfg *c)
{
	int bad = 0;

	bad |=
	    put_addr(msg, L2TP_ATTR_IP_SADDR, L2TP_ATTR_IP6_SADDR, &c->local);
	bad |= put_addr(msg, L2TP_ATTR_IP_DADDR, L2TP_ATTR_IP6_DADDR, &c->peer);
	if (c->encap != DP_ENCAP_UDP)
		return bad;
	bad |= nla_put_u16(msg, L2TP_ATTR_UDP_SPORT, c->local_port);
	bad |= nla_put_u16(msg, L2TP_ATTR_UDP_DPORT, c->peer_port);
	/* The kernel reads UDP_CSUM as a flag; iproute2 sends a u8 1. */
	if (c->udp_csum)
		bad |= nla_put_u8(msg, L2TP_ATTR_UDP_CSUM, 1);
	if (c->local.family == AF_INET6 && !c->udp6_csum_tx)
		bad |= nla_put_flag(msg, L2TP_ATTR_UDP_ZERO_CSUM6_TX);
	if (c->local.family == AF_INET6 && !c->udp6_csum_rx)
		bad |= nla_put_flag(msg, L2TP_ATTR_UDP_ZERO_CSUM6_RX);
	return bad;
}

static int
check_tunnel_cfg(const struct dp_tunnel_cfg *c)
{
	if (c->tunnel_id == 0 || c->peer_tunnel_id == 0)
		return -1;
	if (c->encap != DP_ENCAP_UDP && c->encap != DP_ENCAP_IP)
		return -1;
	if (c->fd >= 0)
		return 0;
	if (c->local.family != c->peer.family ||
	    (c->local.family != AF_INET && c->local.family != AF_INET6))
		return -1;
	return 0;
}

/* The kernel's errno (0: created), without logging it. */
static int
tunnel_create_quiet(struct dataplane *dp, const struct dp_tunnel_cfg *c)
{
	struct nl_msg *msg;
	int bad = 0;

	if ((msg = l2tp_msg(dp, L2TP_CMD_TUNNEL_CREATE)) == NULL)
		return ENOMEM;
	bad |= nla_put_u32(msg, L2TP_ATTR_CONN_ID, c->tunnel_id);
	bad |= nla_put_u32(msg, L2TP_ATTR_PEER_CONN_ID, c->peer_tunnel_id);
	bad |= nla_put_u8(msg, L2TP_ATTR_PROTO_VERSION, 3);
	bad |= nla_put_u16(msg, L2TP_ATTR_ENCAP_TYPE, c->encap);
	if (c->fd >= 0)
		bad |= nla_put_u32(msg, L2TP_ATTR_FD, (uint32_t)c->fd);
	else
		bad |= put_static_tunnel(msg, c);
	return l2tp_do(dp, msg, bad != 0);
}

static void
tunnel_create_failed(const struct dp_tunnel_cfg *c, int kerr)
{
	log_warnx("%s: cannot create kernel tunnel %u: %s%s", owner(c->owner),
	    c->tunnel_id, strerror(kerr), l2tp_hint(kerr, 0, c->encap));
}

int
dp_tunnel_create(struct dataplane *dp, const struct dp_tunnel_cfg *c)
{
	int kerr;

	if (check_tunnel_cfg(c) < 0) {
		log_warnx("%s: kernel tunnel %u: incomplete configuration",
		    owner(c->owner), c->tunnel_id);
		return -1;
	}
	if ((kerr = tunnel_create_quiet(dp, c)) != 0) {
		tunnel_create_failed(c, kerr);
		return -1;
	}
	return 0;
}

/* Delete a kernel tunnel; 0, or the kernel's errno. */
static int
tunnel_delete(struct dataplane *dp, uint32_t tunnel_id)
{
	struct nl_msg *msg;
	int bad;

	if ((msg = l2tp_msg(dp, L2TP_CMD_TUNNEL_DELETE)) == NULL)
		return ENOMEM;
	bad = nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id);
	return l2tp_do(dp, msg, bad != 0);
}

int
dp_tunnel_delete(struct dataplane *dp, uint32_t tunnel_id)
{
	int kerr;

	if ((kerr = tunnel_delete(dp, tunnel_id)) != 0) {
		log_warnx("dataplane: cannot delete tunnel %u: %s", tunnel_id,
		    strerror(kerr));
		return -1;
	}
	return 0;
}

static void
get_addr(struct nlattr **tb, int v4type, int v6type, struct dp_addr *a)
{
	if (tb[v4type] != NULL) {
		a->family = AF_INET;
		nla_memcpy(&a->u.v4, tb[v4type], sizeof(a->u.v4));
	} else if (tb[v6type] != NULL) {
		a->family = AF_INET6;
		nla_memcpy(&a->u.v6, tb[v6type], sizeof(a->u.v6));
	}
}

static int
parse_tunnel(struct nlattr **tb, void *arg)
{
	struct dp_tunnel_cfg *c = arg;

	if (tb[L2TP_ATTR_CONN_ID] == NULL || tb[L2TP_ATTR_PEER_CONN_ID] == NULL)
		return -1;
	dp_tunnel_cfg_init(c);
	c->tunnel_id = nla_get_u32(tb[L2TP_ATTR_CONN_ID]);
	c->peer_tunnel_id = nla_get_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	if (tb[L2TP_ATTR_ENCAP_TYPE] != NULL)
		c->encap = nla_get_u16(tb[L2TP_ATTR_ENCAP_TYPE]);
	/* An L2TPv2 tunnel is never one of ours, whatever its IDs. */
	if (tb[L2TP_ATTR_PROTO_VERSION] != NULL &&
	    nla_get_u8(tb[L2TP_ATTR_PROTO_VERSION]) != 3)
		c->encap = DP_ENCAP_OTHER;
	if (c->encap != DP_ENCAP_UDP && c->encap != DP_ENCAP_IP)
		c->encap = DP_ENCAP_OTHER;
	get_addr(tb, L2TP_ATTR_IP_SADDR, L2TP_ATTR_IP6_SADDR, &c->local);
	get_addr(tb, L2TP_ATTR_IP_DADDR, L2TP_ATTR_IP6_DADDR, &c->peer);
	if (tb[L2TP_ATTR_UDP_SPORT] != NULL)
		c->local_port = nla_get_u16(tb[L2TP_ATTR_UDP_SPORT]);
	if (tb[L2TP_ATTR_UDP_DPORT] != NULL)
		c->peer_port = nla_get_u16(tb[L2TP_ATTR_UDP_DPORT]);
	if (tb[L2TP_ATTR_UDP_CSUM] != NULL)
		c->udp_csum = nla_get_u8(tb[L2TP_ATTR_UDP_CSUM]) != 0;
	c->udp6_csum_tx = tb[L2TP_ATTR_UDP_ZERO_CSUM6_TX] == NULL;
	c->udp6_csum_rx = tb[L2TP_ATTR_UDP_ZERO_CSUM6_RX] == NULL;
	return 0;
}

int
dp_tunnel_get(
    struct dataplane *dp, uint32_t tunnel_id, struct dp_tunnel_cfg *out)
{
	struct dp_tunnel_cfg scratch;
	struct nl_msg *msg;
	int rc, kerr;

	if ((msg = l2tp_msg(dp, L2TP_CMD_TUNNEL_GET)) == NULL ||
	    nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id) < 0) {
		nlmsg_free(msg);
		log_warnx("dataplane: out of memory");
		return -1;
	}
	rc = l2tp_get(
	    dp, msg, parse_tunnel, out != NULL ? out : &scratch, &kerr);
	if (rc < 0)
		log_warnx("dataplane: cannot read tunnel %u: %s", tunnel_id,
		    strerror(kerr));
	return rc;
}

static int
addr_equal(const struct dp_addr *a, const struct dp_addr *b)
{
	if (a->family != b->family)
		return 0;
	if (a->family == AF_INET)
		return a->u.v4.s_addr == b->u.v4.s_addr;
	return memcmp(&a->u.v6, &b->u.v6, sizeof(a->u.v6)) == 0;
}

/* Record the first difference found; always returns 1. */
static int
differ(char *why, size_t whylen, const char *what, unsigned long want,
    unsigned long have)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s is %lu, want %lu", what, have, want);
	return 1;
}

static int
differ_text(char *why, size_t whylen, const char *what)
{
	if (why != NULL && whylen > 0)
		snprintf(why, whylen, "%s", what);
	return 1;
}

int
dp_tunnel_diff(const struct dp_tunnel_cfg *want,
    const struct dp_tunnel_cfg *have, char *why, size_t whylen)
{
	if (want->peer_tunnel_id != have->peer_tunnel_id)
		return differ(why, whylen, "peer tunnel ID",
		    want->peer_tunnel_id, have->peer_tunnel_id);
	if (want->encap != have->encap)
		return differ(why, whylen, "encapsulation (0 udp, 1 ip)",
		    want->encap, have->encap);
	/* A managed tunnel's addressing is its socket's, not ours to check. */
	if (want->fd >= 0)
		return 0;
	if (!addr_equal(&want->local, &have->local))
		return differ_text(why, whylen, "the local address differs");
	if (!addr_equal(&want->peer, &have->peer))
		return differ_text(why, whylen, "the remote address differs");
	if (want->encap != DP_ENCAP_UDP)
		return 0;
	if (want->local_port != have->local_port)
		return differ(why, whylen, "UDP source port", want->local_port,
		    have->local_port);
	if (want->peer_port != have->peer_port)
		return differ(why, whylen, "UDP destination port",
		    want->peer_port, have->peer_port);
	if (want->local.family == AF_INET && !want->udp_csum != !have->udp_csum)
		return differ(why, whylen, "UDP checksum", !!want->udp_csum,
		    !!have->udp_csum);
	if (want->local.family == AF_INET6 &&
	    (!want->udp6_csum_tx != !have->udp6_csum_tx ||
		!want->udp6_csum_rx != !have->udp6_csum_rx))
		return differ(why, whylen, "UDP6 checksums (tx*2+rx)",
		    !!want->udp6_csum_tx * 2 + !!want->udp6_csum_rx,
		    !!have->udp6_csum_tx * 2 + !!have->udp6_csum_rx);
	return 0;
}

/*
 * Create, or DP_BUSY when the kernel says the ID is taken although no
 * such object is visible or one was just deleted: a deleted tunnel is
 * freed from a work queue, and its ID stays taken until then.
 */
static int
tunnel_create_or_busy(
    struct dataplane *dp, const struct dp_tunnel_cfg *want, int done)
{
	int kerr;

	if (check_tunnel_cfg(want) < 0)
		return dp_tunnel_create(dp, want) < 0 ? -1 : done; /* logs */
	if ((kerr = tunnel_create_quiet(dp, want)) == 0)
		return done;
	if (kerr == EEXIST) {
		log_debug("dataplane: tunnel %u: the kernel is still freeing "
			  "the old one",
		    want->tunnel_id);
		return DP_BUSY;
	}
	tunnel_create_failed(want, kerr);
	return -1;
}

int
dp_tunnel_ensure(struct dataplane *dp, const struct dp_tunnel_cfg *want)
{
	struct dp_tunnel_cfg have;
	char why[128];
	int rc;

	if ((rc = dp_tunnel_get(dp, want->tunnel_id, &have)) < 0)
		return -1;
	if (rc == 0)
		return tunnel_create_or_busy(dp, want, DP_CREATED);
	if (dp_tunnel_diff(want, &have, why, sizeof(why)) == 0) {
		log_info("%s: adopting kernel tunnel %u", owner(want->owner),
		    want->tunnel_id);
		return DP_ADOPTED;
	}
	log_info("%s: replacing kernel tunnel %u: %s", owner(want->owner),
	    want->tunnel_id, why);
	/* ENODEV: the kernel still listed a tunnel it was freeing (an
	 * earlier delete, not yet done), and it is gone now: create. */
	if ((rc = tunnel_delete(dp, want->tunnel_id)) != 0 && rc != ENODEV) {
		log_warnx("dataplane: cannot delete tunnel %u: %s",
		    want->tunnel_id, strerror(rc));
		return -1;
	}
	return tunnel_create_or_busy(dp, want, DP_REPLACED);
}

static int
check_session_cfg(const struct dp_session_cfg *c)
{
	if (c->tunnel_id == 0 || c->session_id == 0 || c->peer_session_id == 0)
		return -1;
	if (c->cookie_len != 0 && c->cookie_len != 4 && c->cookie_len != 8)
		return -1;
	if (c->peer_cookie_len != 0 && c->peer_cookie_len != 4 &&
	    c->peer_cookie_len != 8)
		return -1;
	return 0;
}

static int
put_session(struct nl_msg *msg, const struct dp_session_cfg *c)
{
	int bad = 0;

	bad |= nla_put_u32(msg, L2TP_ATTR_CONN_ID, c->tunnel_id);
	bad |= nla_put_u32(msg, L2TP_ATTR_PEER_CONN_ID, c->peer_tunnel_id);
	bad |= nla_put_u32(msg, L2TP_ATTR_SESSION_ID, c->session_id);
	bad |= nla_put_u32(msg, L2TP_ATTR_PEER_SESSION_ID, c->peer_session_id);
	bad |= nla_put_u16(msg, L2TP_ATTR_PW_TYPE, c->pw_type);
	bad |= nla_put_u8(msg, L2TP_ATTR_L2SPEC_TYPE,
	    c->l2spec == DP_L2SPEC_NONE ? L2TP_L2SPECTYPE_NONE
					: L2TP_L2SPECTYPE_DEFAULT);
	/* Unused by the kernel; sent because iproute2 sends it. */
	bad |= nla_put_u8(
	    msg, L2TP_ATTR_L2SPEC_LEN, c->l2spec == DP_L2SPEC_NONE ? 0 : 4);
	if (c->recv_seq)
		bad |= nla_put_u8(msg, L2TP_ATTR_RECV_SEQ, 1);
	if (c->send_seq)
		bad |= nla_put_u8(msg, L2TP_ATTR_SEND_SEQ, 1);
	if (c->reorder_timeout_ms != 0)
		bad |= nla_put_u64(
		    msg, L2TP_ATTR_RECV_TIMEOUT, c->reorder_timeout_ms);
	if (c->cookie_len != 0)
		bad |= nla_put(
		    msg, L2TP_ATTR_COOKIE, (int)c->cookie_len, c->cookie);
	if (c->peer_cookie_len != 0)
		bad |= nla_put(msg, L2TP_ATTR_PEER_COOKIE,
		    (int)c->peer_cookie_len, c->peer_cookie);
	if (c->ifname[0] != '\0')
		bad |= nla_put_string(msg, L2TP_ATTR_IFNAME, c->ifname);
	return bad;
}

/* SESSION_CREATE without logging a kernel refusal: 0 or the errno. */
static int
session_create_quiet(struct dataplane *dp, const struct dp_session_cfg *c)
{
	struct nl_msg *msg;

	if ((msg = l2tp_msg(dp, L2TP_CMD_SESSION_CREATE)) == NULL)
		return ENOMEM;
	return l2tp_do(dp, msg, put_session(msg, c) != 0);
}

static void
session_create_failed(const struct dp_session_cfg *c, int kerr)
{
	log_warnx("%s: cannot create kernel session %u in tunnel %u: %s%s",
	    owner(c->owner), c->session_id, c->tunnel_id, strerror(kerr),
	    l2tp_hint(kerr, 1, DP_ENCAP_UDP));
}

int
dp_session_create(struct dataplane *dp, const struct dp_session_cfg *c)
{
	int kerr;

	if (check_session_cfg(c) < 0) {
		log_warnx("%s: kernel session %u/%u: bad configuration",
		    owner(c->owner), c->tunnel_id, c->session_id);
		return -1;
	}
	if ((kerr = session_create_quiet(dp, c)) != 0) {
		session_create_failed(c, kerr);
		return -1;
	}
	return 0;
}

int
dp_session_delete(struct dataplane *dp, uint32_t tunnel_id, uint32_t session_id)
{
	struct nl_msg *msg;
	int bad = 0, kerr;

	if ((msg = l2tp_msg(dp, L2TP_CMD_SESSION_DELETE)) == NULL) {
		log_warnx("dataplane: out of memory");
		return -1;
	}
	bad |= nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id);
	bad |= nla_put_u32(msg, L2TP_ATTR_SESSION_ID, session_id);
	if ((kerr = l2tp_do(dp, msg, bad != 0)) != 0) {
		log_warnx(
		    "dataplane: cannot delete session %u in tunnel %u: %s",
		    session_id, tunnel_id, strerror(kerr));
		return -1;
	}
	return 0;
}

struct session_reply {
	struct dp_session_cfg *cfg;
	struct dp_session_stats *stats;
};

static uint64_t
stat_get(struct nlattr **st, int type)
{
	return st[type] != NULL ? nla_get_u64(st[type]) : 0;
}

static int
parse_stats(struct nlattr *nest, struct dp_session_stats *s)
{
	struct nlattr *st[L2TP_ATTR_STATS_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (nest == NULL ||
	    nla_parse_nested(st, L2TP_ATTR_STATS_MAX, nest, stats_policy) < 0)
		return -1;
	s->tx_packets = stat_get(st, L2TP_ATTR_TX_PACKETS);
	s->tx_bytes = stat_get(st, L2TP_ATTR_TX_BYTES);
	s->tx_errors = stat_get(st, L2TP_ATTR_TX_ERRORS);
	s->rx_packets = stat_get(st, L2TP_ATTR_RX_PACKETS);
	s->rx_bytes = stat_get(st, L2TP_ATTR_RX_BYTES);
	s->rx_errors = stat_get(st, L2TP_ATTR_RX_ERRORS);
	s->rx_seq_discards = stat_get(st, L2TP_ATTR_RX_SEQ_DISCARDS);
	s->rx_oos_packets = stat_get(st, L2TP_ATTR_RX_OOS_PACKETS);
	s->rx_cookie_discards = stat_get(st, L2TP_ATTR_RX_COOKIE_DISCARDS);
	s->rx_invalid = stat_get(st, L2TP_ATTR_RX_INVALID);
	return 0;
}

static size_t
get_cookie(struct nlattr *a, uint8_t *cookie)
{
	if (a == NULL)
		return 0;
	return (size_t)nla_memcpy(cookie, a, DP_COOKIE_MAX);
}

/* L2SPEC_TYPE is not reported by the kernel: it stays as initialised. */
static int
parse_session(struct nlattr **tb, void *arg)
{
	struct session_reply *r = arg;
	struct dp_session_cfg *c = r->cfg;

	if (tb[L2TP_ATTR_CONN_ID] == NULL || tb[L2TP_ATTR_SESSION_ID] == NULL)
		return -1;
	dp_session_cfg_init(c);
	c->tunnel_id = nla_get_u32(tb[L2TP_ATTR_CONN_ID]);
	c->session_id = nla_get_u32(tb[L2TP_ATTR_SESSION_ID]);
	if (tb[L2TP_ATTR_PEER_CONN_ID] != NULL)
		c->peer_tunnel_id = nla_get_u32(tb[L2TP_ATTR_PEER_CONN_ID]);
	if (tb[L2TP_ATTR_PEER_SESSION_ID] != NULL)
		c->peer_session_id = nla_get_u32(tb[L2TP_ATTR_PEER_SESSION_ID]);
	if (tb[L2TP_ATTR_PW_TYPE] != NULL)
		c->pw_type = nla_get_u16(tb[L2TP_ATTR_PW_TYPE]);
	c->cookie_len = get_cookie(tb[L2TP_ATTR_COOKIE], c->cookie);
	c->peer_cookie_len =
	    get_cookie(tb[L2TP_ATTR_PEER_COOKIE], c->peer_cookie);
	if (tb[L2TP_ATTR_RECV_SEQ] != NULL)
		c->recv_seq = nla_get_u8(tb[L2TP_ATTR_RECV_SEQ]) != 0;
	if (tb[L2TP_ATTR_SEND_SEQ] != NULL)
		c->send_seq = nla_get_u8(tb[L2TP_ATTR_SEND_SEQ]) != 0;
	if (tb[L2TP_ATTR_RECV_TIMEOUT] != NULL)
		c->reorder_timeout_ms = nla_get_u64(tb[L2TP_ATTR_RECV_TIMEOUT]);
	if (tb[L2TP_ATTR_IFNAME] != NULL)
		nla_strlcpy(c->ifname, tb[L2TP_ATTR_IFNAME], sizeof(c->ifname));
	if (parse_stats(tb[L2TP_ATTR_STATS], r->stats) < 0)
		memset(r->stats, 0, sizeof(*r->stats));
	return 0;
}

int
dp_session_get(struct dataplane *dp, uint32_t tunnel_id, uint32_t session_id,
    struct dp_session_cfg *out, struct dp_session_stats *stats)
{
	struct dp_session_cfg cfg_scratch;
	struct dp_session_stats stats_scratch;
	struct session_reply r = { out != NULL ? out : &cfg_scratch,
		stats != NULL ? stats : &stats_scratch };
	struct nl_msg *msg;
	int rc, kerr;

	if ((msg = l2tp_msg(dp, L2TP_CMD_SESSION_GET)) == NULL ||
	    nla_put_u32(msg, L2TP_ATTR_CONN_ID, tunnel_id) < 0 ||
	    nla_put_u32(msg, L2TP_ATTR_SESSION_ID, session_id) < 0) {
		nlmsg_free(msg);
		log_warnx("dataplane: out of memory");
		return -1;
	}
	rc = l2tp_get(dp, msg, parse_session, &r, &kerr);
	if (rc < 0)
		log_warnx("dataplane: cannot read session %u in tunnel %u: %s",
		    session_id, tunnel_id, strerror(kerr));
	return rc;
}

static int
cookie_equal(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

int
dp_session_diff(const struct dp_session_cfg *want,
    const struct dp_session_cfg *have, char *why, size_t whylen)
{
	if (want->peer_tunnel_id != have->peer_tunnel_id)
		return differ(why, whylen, "peer tunnel ID",
		    want->peer_tunnel_id, have->peer_tunnel_id);
	if (want->peer_session_id != have->peer_session_id)
		return differ(why, whylen, "peer session ID",
		    want->peer_session_id, have->peer_session_id);
	if (want->pw_type != have->pw_type)
		return differ(why, whylen, "pseudowire type", want->pw_type,
		    have->pw_type);
	if (!cookie_equal(
		want->cookie, want->cookie_len, have->cookie, have->cookie_len))
		return differ_text(why, whylen, "the cookie sent differs");
	if (!cookie_equal(want->peer_cookie, want->peer_cookie_len,
		have->peer_cookie, have->peer_cookie_len))
		return differ_text(why, whylen, "the peer cookie differs");
	if (!want->send_seq != !have->send_seq)
		return differ(why, whylen, "send sequencing", !!want->send_seq,
		    !!have->send_seq);
	if (!want->recv_seq != !have->recv_seq)
		return differ(why, whylen, "receive sequencing",
		    !!want->recv_seq, !!have->recv_seq);
	if (want->reorder_timeout_ms != have->reorder_timeout_ms)
		return differ(why, whylen, "reorder timeout (ms)",
		    want->reorder_timeout_ms, have->reorder_timeout_ms);
	if (want->ifname[0] != '\0' && strcmp(want->ifname, have->ifname) != 0)
		return differ_text(why, whylen, "the interface name differs");
	return 0;
}

/*
 * Create first and look only when the kernel says the ID is taken: a
 * daemon starting afresh finds nothing, and a GET before every create
 * would be a round trip per session for nothing.
 */
int
dp_session_ensure(struct dataplane *dp, const struct dp_session_cfg *want)
{
	struct dp_session_cfg have;
	char why[128];
	int rc, kerr;

	if (check_session_cfg(want) < 0)
		return dp_session_create(dp, want); /* logs why */
	if ((kerr = session_create_quiet(dp, want)) == 0)
		return DP_CREATED;
	if (kerr != EEXIST) {
		session_create_failed(want, kerr);
		return -1;
	}
	rc = dp_session_get(dp, want->tunnel_id, want->session_id, &have, NULL);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		/* Not the session ID: its interface name is taken. */
		session_create_failed(want, kerr);
		return -1;
	}
	if (dp_session_diff(want, &have, why, sizeof(why)) == 0) {
		log_info("%s: adopting kernel session %u/%u",
		    owner(want->owner), want->tunnel_id, want->session_id);
		return DP_ADOPTED;
	}
	log_info("%s: replacing kernel session %u/%u: %s", owner(want->owner),
	    want->tunnel_id, want->session_id, why);
	if (dp_session_delete(dp, want->tunnel_id, want->session_id) < 0)
		return -1;
	if ((kerr = session_create_quiet(dp, want)) == 0)
		return DP_REPLACED;
	if (kerr == EEXIST)
		return DP_BUSY;
	session_create_failed(want, kerr);
	return -1;
}

/* Links. */

static struct rtnl_link *
link_get(struct dataplane *dp, const char *ifname)
{
	struct rtnl_link *link = NULL;
	int err;

	dp->kerr = 0;
	if ((err = rtnl_link_get_kernel(dp->rtnl, 0, ifname, &link)) < 0) {
		log_warnx("dataplane: no interface %s: %s", ifname,
		    dp_strerror(dp, err));
		return NULL;
	}
	return link;
}

/* Apply `change` to the link named ifname. */
static int
link_change(struct dataplane *dp, const char *ifname, struct rtnl_link *change,
    const char *what)
{
	struct rtnl_link *link;
	int err;

	if ((link = link_get(dp, ifname)) == NULL)
		return -1;
	dp->kerr = 0;
	err = rtnl_link_change(dp->rtnl, link, change, 0);
	rtnl_link_put(link);
	if (err < 0) {
		log_warnx("dataplane: %s: cannot set %s: %s", ifname, what,
		    dp_strerror(dp, err));
		return -1;
	}
	return 0;
}

int
dp_link_set_up(struct dataplane *dp, const char *ifname, int up)
{
	struct rtnl_link *change;
	int rc;

	if ((change = rtnl_link_alloc()) == NULL)
		return -1;
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	rc = link_change(dp, ifname, change, up ? "up" : "down");
	rtnl_link_put(change);
	return rc;
}

int
dp_link_set_mtu(struct dataplane *dp, const char *ifname, unsigned mtu)
{
	struct rtnl_link *change;
	int rc;

	if ((change = rtnl_link_alloc()) == NULL)
		return -1;
	rtnl_link_set_mtu(change, mtu);
	rc = link_change(dp, ifname, change, "MTU");
	rtnl_link_put(change);
	return rc;
}

/*
 * One RTM_NEWLINK that names the link (ifi_index 0: the kernel looks it
 * up by IFLA_IFNAME) and sets MTU and IFF_UP together: one round trip
 * where the separate calls take four (a GETLINK for the index, then a
 * change, for each).  No NLM_F_CREATE: a missing link is ENODEV.
 *
 * gen_mode (unless -1): the link's IPv6 address generation mode
 * (IFLA_INET6_ADDR_GEN_MODE); with none it comes up without a link-local
 * address and sends no DAD, router solicitation or MLD of its own.  The
 * kernel applies IFLA_AF_SPEC after the flags, and the mode only when a
 * link comes up, so the mode goes first, in its own request, with the
 * MTU; then up.
 */
static int
link_newlink(struct dataplane *dp, const char *ifname, unsigned mtu, int up,
    int gen_mode)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC,
		.ifi_flags = up ? IFF_UP : 0,
		.ifi_change = up ? IFF_UP : 0 };
	struct nlattr *af, *in6;
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST)) == NULL)
		return -1;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, ifname) < 0 ||
	    (mtu != 0 && nla_put_u32(msg, IFLA_MTU, mtu) < 0))
		goto fail;
	if (gen_mode >= 0) {
		if ((af = nla_nest_start(msg, IFLA_AF_SPEC)) == NULL ||
		    (in6 = nla_nest_start(msg, AF_INET6)) == NULL ||
		    nla_put_u8(
			msg, IFLA_INET6_ADDR_GEN_MODE, (uint8_t)gen_mode) < 0)
			goto fail;
		nla_nest_end(msg, in6);
		nla_nest_end(msg, af);
	}
	dp->kerr = 0;
	return nl_send_sync(dp->rtnl, msg) < 0 ? -1 : 0; /* frees msg */
fail:
	nlmsg_free(msg);
	return -1;
}

static int
link_mtu_up_once(
    struct dataplane *dp, const char *ifname, unsigned mtu, int ipv6_ll)
{
	if (ipv6_ll)
		return link_newlink(dp, ifname, mtu, 1, -1);
	/* Without IPv6 in the kernel (or on a link whose MTU is below
	 * IPv6's 1280) there is nothing to turn off: go on. */
	if (link_newlink(dp, ifname, mtu, 0, IN6_ADDR_GEN_MODE_NONE) == -1) {
		log_debug("dataplane: %s: IPv6 link-local not turned off: %s",
		    ifname, strerror(dp->kerr));
		if (mtu != 0 && link_newlink(dp, ifname, mtu, 0, -1) == -1)
			return -1;
	}
	return link_newlink(dp, ifname, 0, 1, -1);
}

int
dp_link_set_addr_gen_mode(struct dataplane *dp, const char *ifname, int mode)
{
	if (link_newlink(dp, ifname, 0, 0, mode) == 0)
		return 0;
	log_warnx("dataplane: %s: IPv6 address generation mode %d: %s", ifname,
	    mode, strerror(dp->kerr));
	return -1;
}

int
dp_link_set_mtu_up(
    struct dataplane *dp, const char *ifname, unsigned mtu, int ipv6_ll)
{
	int rc = 0;

	if (link_mtu_up_once(dp, ifname, mtu, ipv6_ll) == 0)
		return 0;
	if (mtu != 0 && dp_link_set_mtu(dp, ifname, mtu) == -1)
		rc = -1;
	if (dp_link_set_up(dp, ifname, 1) == -1)
		rc = -1;
	return rc;
}

/* One RTM_NEWLINK naming the link and setting its IFLA_ADDRESS. */
static int
link_set_addr_once(
    struct dataplane *dp, const char *ifname, const uint8_t mac[DP_MAC_LEN])
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;

	if ((msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_REQUEST)) == NULL)
		return -1;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, IFLA_IFNAME, ifname) < 0 ||
	    nla_put(msg, IFLA_ADDRESS, DP_MAC_LEN, mac) < 0) {
		nlmsg_free(msg);
		return -1;
	}
	dp->kerr = 0;
	return nl_send_sync(dp->rtnl, msg) < 0 ? -1 : 0; /* frees msg */
}

int
dp_link_set_mac(
    struct dataplane *dp, const char *ifname, const uint8_t mac[DP_MAC_LEN])
{
	if (link_set_addr_once(dp, ifname, mac) == 0)
		return 0;
	/* A driver without IFF_LIVE_ADDR_CHANGE refuses while up. */
	if (dp->kerr == EBUSY && dp_link_set_up(dp, ifname, 0) == 0 &&
	    link_set_addr_once(dp, ifname, mac) == 0)
		return 0;
	log_warnx("dataplane: %s: cannot set the Ethernet address: %s", ifname,
	    strerror(dp->kerr != 0 ? dp->kerr : EINVAL));
	return -1;
}

/* Write "1" to a per-interface sysctl; 0, or the errno. */
static int
sysctl_on(const char *fmt, const char *ifname)
{
	char path[128];
	int fd, err = 0;

	snprintf(path, sizeof(path), fmt, ifname);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return errno;
	if (write(fd, "1\n", 2) != 2)
		err = errno;
	close(fd);
	return err;
}

int
dp_link_set_notify(struct dataplane *dp, const char *ifname)
{
	int err;

	(void)dp;
	if ((err = sysctl_on(
		 "/proc/sys/net/ipv4/conf/%s/arp_notify", ifname)) != 0) {
		log_warnx(
		    "dataplane: %s: arp_notify: %s", ifname, strerror(err));
		return -1;
	}
	/* Without IPv6 (disabled, or the MTU below 1280) there is no
	 * ndisc_notify, nor any IPv6 address to announce. */
	if ((err = sysctl_on(
		 "/proc/sys/net/ipv6/conf/%s/ndisc_notify", ifname)) != 0)
		log_debug(
		    "dataplane: %s: ndisc_notify: %s", ifname, strerror(err));
	return 0;
}

int
dp_link_set_carrier(struct dataplane *dp, const char *ifname, int on)
{
	struct rtnl_link *link, *change;
	int err;

	if ((link = link_get(dp, ifname)) == NULL)
		return -1;
	if ((change = rtnl_link_alloc()) == NULL) {
		rtnl_link_put(link);
		return -1;
	}
	rtnl_link_set_carrier(change, on ? 1 : 0);
	dp->kerr = 0;
	err = rtnl_link_change(dp->rtnl, link, change, 0);
	rtnl_link_put(change);
	rtnl_link_put(link);
	if (err >= 0)
		return 0;
	log_debug("dataplane: %s: no carrier control (%s), setting it %s",
	    ifname, dp_strerror(dp, err), on ? "up" : "down");
	return dp_link_set_up(dp, ifname, on);
}

int
dp_link_enslave(struct dataplane *dp, const char *ifname, const char *bridge)
{
	struct rtnl_link *link, *master;
	int err;

	if ((link = link_get(dp, ifname)) == NULL)
		return -1;
	if ((master = link_get(dp, bridge)) == NULL) {
		rtnl_link_put(link);
		return -1;
	}
	dp->kerr = 0;
	err = rtnl_link_enslave_ifindex(dp->rtnl, rtnl_link_get_ifindex(master),
	    rtnl_link_get_ifindex(link));
	rtnl_link_put(master);
	rtnl_link_put(link);
	if (err < 0) {
		log_warnx("dataplane: cannot add %s to bridge %s: %s", ifname,
		    bridge, dp_strerror(dp, err));
		return -1;
	}
	return 0;
}

static int
link_index(struct dataplane *dp, const char *ifname)
{
	struct rtnl_link *link;
	int ifindex;

	if ((link = link_get(dp, ifname)) == NULL)
		return -1;
	ifindex = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return ifindex;
}

/* Is `link` an 802.1Q VLAN `vid` on top of the interface `parent`? */
static int
is_vlan_of(struct rtnl_link *link, int parent, uint16_t vid)
{
	return rtnl_link_is_vlan(link) && rtnl_link_get_link(link) == parent &&
	    rtnl_link_vlan_get_id(link) == vid;
}

int
dp_vlan_ensure(
    struct dataplane *dp, const char *parent, const char *ifname, uint16_t vid)
{
	struct rtnl_link *link;
	int pidx, err;

	if ((pidx = link_index(dp, parent)) == -1)
		return -1;
	/* Adopted kernel sessions keep their VLAN interface. */
	if (rtnl_link_get_kernel(dp->rtnl, 0, ifname, &link) >= 0) {
		err = is_vlan_of(link, pidx, vid) ? 0 : -1;
		rtnl_link_put(link);
		if (err == -1)
			log_warnx("dataplane: %s exists and is not VLAN %u "
				  "of %s",
			    ifname, vid, parent);
		return err;
	}
	if ((link = rtnl_link_vlan_alloc()) == NULL)
		return -1;
	rtnl_link_set_name(link, ifname);
	rtnl_link_set_link(link, pidx);
	dp->kerr = 0;
	if ((err = rtnl_link_vlan_set_id(link, vid)) >= 0)
		err = rtnl_link_add(dp->rtnl, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(link);
	if (err < 0) {
		log_warnx("dataplane: cannot create VLAN %u interface %s on "
			  "%s: %s%s",
		    vid, ifname, parent, dp_strerror(dp, err),
		    dp->kerr == EOPNOTSUPP ? " (is the 8021q module loaded?)"
					   : "");
		return -1;
	}
	return 0;
}

static int
parse_nladdr(const char *text, struct nl_addr **out)
{
	/* AF_UNSPEC would also take MAC addresses and odd numbers. */
	if (nl_addr_parse(text, AF_INET, out) < 0 &&
	    nl_addr_parse(text, AF_INET6, out) < 0) {
		log_warnx("dataplane: bad address %s", text);
		return -1;
	}
	return 0;
}

int
dp_link_add_addr(struct dataplane *dp, const char *ifname, const char *local,
    const char *peer)
{
	struct nl_addr *l = NULL, *p = NULL;
	struct rtnl_addr *a = NULL;
	int ifindex, err = -1, rc = -1;

	if ((ifindex = link_index(dp, ifname)) < 0 ||
	    parse_nladdr(local, &l) < 0 ||
	    (peer != NULL && parse_nladdr(peer, &p) < 0) ||
	    (a = rtnl_addr_alloc()) == NULL)
		goto out;
	rtnl_addr_set_ifindex(a, ifindex);
	if (rtnl_addr_set_local(a, l) < 0 ||
	    (p != NULL && rtnl_addr_set_peer(a, p) < 0)) {
		log_warnx("dataplane: %s: address %s%s%s: families differ",
		    ifname, local, p != NULL ? " peer " : "",
		    p != NULL ? peer : "");
		goto out;
	}
	dp->kerr = 0;
	err = rtnl_addr_add(dp->rtnl, a, 0);
	if (err >= 0 || dp->kerr == EEXIST)
		rc = 0;
	else
		log_warnx("dataplane: %s: cannot add address %s: %s", ifname,
		    local, dp_strerror(dp, err));
out:
	rtnl_addr_put(a);
	nl_addr_put(l);
	nl_addr_put(p);
	return rc;
}

int
dp_route_add(
    struct dataplane *dp, const char *dst, const char *gw, const char *ifname)
{
	struct nl_addr *d = NULL, *g = NULL;
	struct rtnl_route *r = NULL;
	struct rtnl_nexthop *nh;
	int ifindex, err, rc = -1;

	if ((ifindex = link_index(dp, ifname)) < 0 ||
	    parse_nladdr(dst, &d) < 0 ||
	    (gw != NULL && parse_nladdr(gw, &g) < 0) ||
	    (r = rtnl_route_alloc()) == NULL ||
	    (nh = rtnl_route_nh_alloc()) == NULL)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	if (g != NULL)
		rtnl_route_nh_set_gateway(nh, g);
	rtnl_route_add_nexthop(r, nh);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, g != NULL ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (rtnl_route_set_dst(r, d) < 0) {
		log_warnx("dataplane: route %s: bad destination", dst);
		goto out;
	}
	dp->kerr = 0;
	/* Replace: the route to this destination is ours to define. */
	if ((err = rtnl_route_add(dp->rtnl, r, NLM_F_REPLACE)) < 0)
		log_warnx("dataplane: cannot add route %s via %s dev %s: %s",
		    dst, gw != NULL ? gw : "-", ifname, dp_strerror(dp, err));
	else
		rc = 0;
out:
	rtnl_route_put(r);
	nl_addr_put(d);
	nl_addr_put(g);
	return rc;
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
dp_cookie_parse(const char *hex, uint8_t *cookie, size_t *len)
{
	size_t n = strlen(hex), i;
	int hi, lo;

	if (n != 8 && n != 16)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if ((hi = hexval(hex[2 * i])) < 0 ||
		    (lo = hexval(hex[2 * i + 1])) < 0)
			return -1;
		cookie[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

/*
 * Configuration.  libconfuse tokenises the file and checks its grammar;
 * everything it holds is a string, and this file turns the strings into
 * struct daemon_conf with one set of rules and one style of message:
 *
 *	FILE:LINE: tunnel "pe1": option 'receive-window': 2000 is out of range 1..1024
 *
 * Each section type is a table of options (struct optdef) plus a builder.
 * The libconfuse option arrays are generated from the tables, so an option
 * exists in exactly one place.  Adding a section type (as sessions inside
 * tunnels were) means one more table, one more builder, and listing the
 * table in its parent's `subs`.  Messages name every enclosing section:
 *
 *	FILE:LINE: tunnel "pe1": session "vc101": option 'mtu': ...
 *
 * libconfuse keeps no line number per option, so a validation callback on
 * every option records the line while the lexer is still on it; the values
 * are checked after parsing, against those lines.
 */
#include <sys/types.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <confuse.h>

#include "daemon/addr.h"
#include "daemon/config.h"

#define DEFAULT_PORT 1701
#define DEFAULT_VENDOR "l2tpv3d"
#define DEFAULT_CONTROL_GROUP "l2tp"
/* A peer answers an SCCRP within a round trip; more than a few
 * unanswered at once from one address is a replay or a flood. */
#define DEFAULT_HALF_OPEN_PER_PEER 4
/* Each costs about 5 KB and no socket: 4096 is 20 MB at worst. */
#define DEFAULT_HALF_OPEN_MAX 4096
/* The control socket's defaults (daemon/control.h has the same). */
#define DEFAULT_CONTROL_MODE 0660
#define DEFAULT_CONTROL_MAX_CLIENTS 64
#define DEFAULT_CONTROL_IDLE_TIMEOUT 600
#define CONF_OPTS_MAX 32 /* options per section type */
/* Lines kept per list element: enough for the longest list, plus the
 * element that is one too many. */
#define LIST_LINES (CONF_MAX_ROUTES + 1)
_Static_assert(CONF_MAX_LISTEN < LIST_LINES, "LIST_LINES");
_Static_assert(CONF_MAX_ADDRS < LIST_LINES, "LIST_LINES");

#define FIELD_SIZE(type, member) sizeof(((type *)0)->member)

/* Constraints that depend on other options of the same tunnel (for a
 * session: of its tunnel). */
#define OPT_DYNAMIC CONF_OPT_DYNAMIC
#define OPT_STATIC CONF_OPT_STATIC
#define OPT_UDP CONF_OPT_UDP
#define OPT_DIGEST CONF_OPT_DIGEST
#define OPT_LIST CONF_OPT_LIST
#define OPT_FILE CONF_OPT_FILE_ONLY
_Static_assert(CONF_OPTS_MAX <= 32, "one set bit per option");

/* A keyword value; help NULL: an alias the shell does not offer. */
struct keyword {
	const char *name;
	int value;
	const char *help;
};

/* Where an option was set: the last time for a scalar, per element for a
 * list. */
struct opt_rec {
	int line;
	unsigned int nelem;
	int *elem_line; /* LIST_LINES of them; only for a list that is set */
};

/* One section instance as the parser saw it. */
struct sec_rec {
	cfg_t *sec;
	cfg_t *parent; /* the enclosing section, NULL for the root */
	int line; /* of its opening brace */
	struct opt_rec opt[CONF_OPTS_MAX];
	struct sec_rec *next;
};

/*
 * What a session must not share with any session before it: its tunnel's
 * Remote End IDs (dynamic mode), interface names, bridges, static Session
 * IDs.  One entry per key taken, pointing at the first session (in file
 * order) that took it.
 */
enum uniq_kind {
	UNIQ_END_ID, /* scoped to one tunnel */
	UNIQ_IFNAME,
	UNIQ_BRIDGE,
	UNIQ_SESSION_ID,
};

struct uniq_ent {
	const char *str; /* the key, inside the session; NULL: num is */
	const struct tunnel_conf *t; /* UNIQ_END_ID: also the key's scope */
	const struct session_conf *s;
	uint32_t num;
	uint32_t hash; /* 0: a free slot */
	uint32_t order; /* of the session in the file */
	enum uniq_kind kind;
};

struct load_ctx {
	const char *path;
	cfg_t *root;
	struct sec_rec *recs;
	struct sec_rec **rec_tab; /* recs by section: open addressing */
	size_t rec_cap; /* a power of two, at least twice nrecs */
	size_t nrecs;
	struct uniq_ent *uniq_tab; /* names and IDs taken: open addressing */
	size_t uniq_cap; /* a power of two, at least twice nuniq */
	size_t nuniq;
	size_t nsessions; /* built so far: the next one's place in the file */
	struct daemon_conf *conf;
	char *err;
	size_t errlen;
	int failed;
};

struct optdef;

/* One value being applied to the struct under construction. */
struct optref {
	struct load_ctx *ctx;
	cfg_t *sec;
	const struct optdef *def;
	int line;
	void *obj;
};

/* One value being printed: obj is the daemon_conf, tunnel_conf or
 * session_conf (the build structs begin with them). */
struct printref {
	FILE *fp;
	const struct optdef *def;
	const void *obj;
	const char *indent;
	int flags; /* CONF_PRINT_* */
};

/*
 * The option table's row: how the loader parses and checks the value
 * (set, min/max or kw), how the printers write it (print), and what the
 * shell offers (arg, help) and says a change does (apply).  NUM and KW
 * rows derive arg and the range from min/max and kw.
 */
struct optdef {
	const char *name;
	int (*set)(const struct optref *, const char *);
	size_t off; /* of the target field in obj */
	size_t size; /* of the target field */
	uint32_t min, max;
	const struct keyword *kw;
	int flags;
	void (*print)(const struct printref *);
	const char *arg; /* the shell's grammar for the value; NULL: derived */
	const char *help; /* the option, then one line per token of arg */
	const char *example; /* valid, not the default: for tests */
	const char *needs; /* lines the example needs in its section */
	enum conf_apply apply;
};

struct section_def {
	const char *name; /* NULL for the file's top level */
	const struct optdef *opts;
	const struct section_def *const *subs;
};

/* A tunnel under construction: ports are kept apart until the address
 * family is known, then folded into the sockaddrs. */
struct tunnel_build {
	struct tunnel_conf t;
	uint16_t local_port;
	uint16_t remote_port;
};

/* A session under construction: its names in buffers of the longest
 * length allowed, where s.name and s.remote_end_id point until
 * session_finish() copies them at their exact length. */
struct session_build {
	struct session_conf s;
	char name[CONF_NAME_MAX];
	char remote_end_id[CONF_NAME_MAX];
};

/*
 * libconfuse hands its callbacks no user pointer, so the load in
 * progress is found here, one per thread (loads run on conf_load.c's
 * worker, and at start on the main thread).  Its lexer is global state,
 * so parses take turns (parse_lock).
 */
static _Thread_local struct load_ctx *loading;
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct keyword kw_bool[] = {
	{ "yes", 1, "Yes" },
	{ "no", 0, "No" },
	{ "true", 1, NULL },
	{ "false", 0, NULL },
	{ "on", 1, NULL },
	{ "off", 0, NULL },
	{ NULL, 0, NULL },
};
static const struct keyword kw_mode[] = {
	{ "dynamic", TUNNEL_DYNAMIC, "Control connection (RFC 3931)" },
	{ "static", TUNNEL_STATIC, "No control connection, like ip l2tp" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_encap[] = {
	{ "udp", L2TP_ENCAP_UDP, "UDP" },
	{ "ip", L2TP_ENCAP_IP, "IP protocol 115" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_sock_mode[] = {
	{ "0660", 0660, "Owner and group" },
	{ "0666", 0666, "Every local user" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_dataplane[] = {
	{ "kernel", DATAPLANE_KERNEL, "Linux's l2tp modules" },
	{ "none", DATAPLANE_NONE, "Control plane only" },
	{ NULL, 0, NULL },
};
/* syslog facilities an operator may pick (syslog.h's values). */
static const struct keyword kw_facility[] = {
	{ "daemon", LOG_DAEMON, "LOG_DAEMON" },
	{ "user", LOG_USER, "LOG_USER" },
	{ "local0", LOG_LOCAL0, "LOG_LOCAL0" },
	{ "local1", LOG_LOCAL1, "LOG_LOCAL1" },
	{ "local2", LOG_LOCAL2, "LOG_LOCAL2" },
	{ "local3", LOG_LOCAL3, "LOG_LOCAL3" },
	{ "local4", LOG_LOCAL4, "LOG_LOCAL4" },
	{ "local5", LOG_LOCAL5, "LOG_LOCAL5" },
	{ "local6", LOG_LOCAL6, "LOG_LOCAL6" },
	{ "local7", LOG_LOCAL7, "LOG_LOCAL7" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_dialect[] = {
	{ "auto", DIALECT_AUTO, "As the peer speaks" },
	{ "ietf", DIALECT_IETF, "RFC 3931" },
	{ "cisco", DIALECT_CISCO, "Cisco draft mode" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_digest[] = {
	{ "none", L2TP_DIGEST_NONE, "No authentication" },
	{ "md5", L2TP_DIGEST_MD5, "HMAC-MD5" },
	{ "sha1", L2TP_DIGEST_SHA1, "HMAC-SHA-1" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_kdf[] = {
	{ "md5", L2TP_KDF_MD5, "HMAC-MD5 (Wireshark's)" },
	{ "same-hash", L2TP_KDF_SAME_HASH, "The digest's own hash" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_pw_type[] = {
	{ "ethernet", L2TP_PW_ETH, "Ethernet (5)" },
	{ "ethernet-vlan", L2TP_PW_ETH_VLAN, "Ethernet VLAN (4)" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_l2spec[] = {
	{ "none", L2TP_L2SS_NONE, "None" },
	{ "default", L2TP_L2SS_DEFAULT, "Default (RFC 3931)" },
	{ "auto", CONF_L2SS_AUTO, "What the peer asks for" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_ipv6_ll[] = {
	{ "auto", CONF_IPV6_LL_AUTO, "Only with addresses of ours" },
	{ "yes", CONF_IPV6_LL_YES, "Always" },
	{ "no", CONF_IPV6_LL_NO, "Never" },
	{ NULL, 0, NULL },
};
static const struct keyword kw_seq[] = {
	{ "none", SEQ_NONE, "None" },
	{ "send", SEQ_SEND, "Send sequence numbers" },
	{ "recv", SEQ_RECV, "Require them" },
	{ "both", SEQ_BOTH, "Both" },
	{ NULL, 0, NULL },
};

_Static_assert(sizeof(enum tunnel_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum l2tp_encap) == sizeof(int), "enum size");
_Static_assert(sizeof(enum l2tp_digest_alg) == sizeof(int), "enum size");
_Static_assert(sizeof(enum l2tp_kdf) == sizeof(int), "enum size");
_Static_assert(sizeof(enum peer_dialect) == sizeof(int), "enum size");
_Static_assert(sizeof(enum dataplane_mode) == sizeof(int), "enum size");
_Static_assert(sizeof(enum l2tp_pw_type) == sizeof(int), "enum size");
_Static_assert(sizeof(enum l2tp_l2ss) == sizeof(int), "enum size");
_Static_assert(sizeof(enum session_seq) == sizeof(int), "enum size");

static const char *
kw_name(const struct keyword *kw, int value)
{
	for (; kw->name != NULL; kw++)
		if (kw->value == value)
			return kw->name;
	return "?";
}

const char *
dialect_name(enum peer_dialect d)
{
	return kw_name(kw_dialect, d);
}

const char *
digest_name(enum l2tp_digest_alg alg)
{
	return kw_name(kw_digest, alg);
}

const char *
pw_type_name(enum l2tp_pw_type type)
{
	return kw_name(kw_pw_type, type);
}

const char *
l2spec_name(enum l2tp_l2ss l2spec)
{
	return kw_name(kw_l2spec, l2spec);
}

const char *
seq_name(enum session_seq seq)
{
	return kw_name(kw_seq, seq);
}

/* Error reporting */

/* A message being assembled in the caller's buffer; never overflows. */
struct msgbuf {
	char *p;
	size_t len;
	size_t used;
};

static void msg_add(struct msgbuf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
msg_vadd(struct msgbuf *m, const char *fmt, va_list ap)
{
	int n;

	if (m->used >= m->len)
		return;
	n = vsnprintf(m->p + m->used, m->len - m->used, fmt, ap);
	if (n > 0)
		m->used += (size_t)n;
}

static void
msg_add(struct msgbuf *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vadd(m, fmt, ap);
	va_end(ap);
}

/* Records are found through a hash of the section's address, so that a
 * file with thousands of sessions loads in linear time. */
static size_t
rec_slot(const struct load_ctx *ctx, const cfg_t *sec)
{
	uint64_t h = (uint64_t)(uintptr_t)sec;

	h ^= h >> 29;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (ctx->rec_cap - 1);
}

static struct sec_rec *
rec_find(struct load_ctx *ctx, cfg_t *sec)
{
	struct sec_rec *r;
	size_t i;

	if (ctx->rec_cap == 0)
		return NULL;
	for (i = rec_slot(ctx, sec); (r = ctx->rec_tab[i]) != NULL;
	     i = (i + 1) & (ctx->rec_cap - 1))
		if (r->sec == sec)
			return r;
	return NULL;
}

static void
rec_tab_put(struct load_ctx *ctx, struct sec_rec *r)
{
	size_t i;

	for (i = rec_slot(ctx, r->sec); ctx->rec_tab[i] != NULL;
	     i = (i + 1) & (ctx->rec_cap - 1))
		;
	ctx->rec_tab[i] = r;
}

/* Room for one more record, growing the table at half load. */
static int
rec_tab_reserve(struct load_ctx *ctx)
{
	struct sec_rec **old = ctx->rec_tab, *r;
	size_t cap = ctx->rec_cap != 0 ? 2 * ctx->rec_cap : 64;

	if (2 * (ctx->nrecs + 1) <= ctx->rec_cap)
		return 0;
	if ((ctx->rec_tab = calloc(cap, sizeof(*ctx->rec_tab))) == NULL) {
		ctx->rec_tab = old;
		return -1;
	}
	ctx->rec_cap = cap;
	for (r = ctx->recs; r != NULL; r = r->next)
		rec_tab_put(ctx, r);
	free(old);
	return 0;
}

/*
 * The section that encloses sec while the parser is inside sec: libconfuse
 * appends a section to its list when it opens it, so the open sections are
 * the last of each list, one level after the other.
 */
static cfg_t *
open_parent(cfg_t *in, cfg_t *sec)
{
	cfg_t *last, *found;
	unsigned int n;
	size_t i;

	for (i = 0; in->opts[i].name != NULL; i++) {
		if (in->opts[i].type != CFGT_SEC ||
		    (n = cfg_opt_size(&in->opts[i])) == 0)
			continue;
		last = cfg_opt_getnsec(&in->opts[i], n - 1);
		if (last == sec)
			return in;
		if ((found = open_parent(last, sec)) != NULL)
			return found;
	}
	return NULL;
}

/* Recorded once a section has a record; found while it is open. */
static cfg_t *
sec_parent(struct load_ctx *ctx, cfg_t *sec)
{
	struct sec_rec *r;

	if (sec == ctx->root)
		return NULL;
	if ((r = rec_find(ctx, sec)) != NULL && r->parent != NULL)
		return r->parent;
	return open_parent(ctx->root, sec);
}

/* `tunnel "pe1": session "vc101": ` for sec and every section around it. */
static void
msg_add_path(struct msgbuf *m, struct load_ctx *ctx, cfg_t *sec)
{
	if (sec == NULL || sec == ctx->root)
		return;
	msg_add_path(m, ctx, sec_parent(ctx, sec));
	msg_add(m, "%s \"%s\": ", cfg_name(sec),
	    cfg_title(sec) ? cfg_title(sec) : "");
}

static void
ctx_verror(struct load_ctx *ctx, cfg_t *sec, int line, const char *opt,
    const char *fmt, va_list ap)
{
	struct msgbuf m = { ctx->err, ctx->errlen, 0 };

	if (ctx->failed++)
		return; /* the first error is the one that matters */
	if (line > 0)
		msg_add(&m, "%s:%d: ", ctx->path, line);
	else
		msg_add(&m, "%s: ", ctx->path);
	msg_add_path(&m, ctx, sec);
	if (opt != NULL)
		msg_add(&m, "option '%s': ", opt);
	msg_vadd(&m, fmt, ap);
}

static int
ctx_error(struct load_ctx *ctx, cfg_t *sec, int line, const char *opt,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int
ctx_error(struct load_ctx *ctx, cfg_t *sec, int line, const char *opt,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctx_verror(ctx, sec, line, opt, fmt, ap);
	va_end(ap);
	return -1;
}

/* An error about the value being applied. */
static int ref_error(const struct optref *ref, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
ref_error(const struct optref *ref, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctx_verror(ref->ctx, ref->sec, ref->line, ref->def->name, fmt, ap);
	va_end(ap);
	return -1;
}

static struct sec_rec *
rec_new(struct load_ctx *ctx, cfg_t *sec, cfg_t *parent, int line)
{
	struct sec_rec *r;

	if (rec_tab_reserve(ctx) == -1 || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->sec = sec;
	r->parent = parent;
	r->line = line;
	r->next = ctx->recs;
	ctx->recs = r;
	ctx->nrecs++;
	rec_tab_put(ctx, r);
	return r;
}

/*
 * The record of a section the parser is inside.  While a section's body is
 * parsed, its parent's line counter stays on the section's opening brace:
 * that is the section's line.  The parent's record is made first, so that
 * it too gets its line from its own parent (a tunnel whose first lines are
 * a session still gets the line of `tunnel NAME {`).
 */
static struct sec_rec *
rec_open(struct load_ctx *ctx, cfg_t *sec)
{
	struct sec_rec *r;
	cfg_t *parent;

	if ((r = rec_find(ctx, sec)) != NULL)
		return r;
	if (sec == ctx->root)
		return rec_new(ctx, sec, NULL, 0);
	if ((parent = open_parent(ctx->root, sec)) == NULL)
		parent = ctx->root; /* cannot happen: sec is open */
	if (parent != ctx->root && rec_open(ctx, parent) == NULL)
		return NULL;
	return rec_new(ctx, sec, parent, parent->line);
}

/* The record of cfg's subsection that has this title, and its kind. */
static struct sec_rec *
find_titled(
    struct load_ctx *ctx, cfg_t *cfg, const char *title, const char **kind)
{
	cfg_t *sec;
	size_t i;

	for (i = 0; cfg->opts[i].name != NULL; i++) {
		if (cfg->opts[i].type != CFGT_SEC)
			continue;
		*kind = cfg->opts[i].name;
		if ((sec = cfg_opt_gettsec(&cfg->opts[i], title)) != NULL)
			return rec_find(ctx, sec);
	}
	return NULL;
}

/* libconfuse's own complaints: syntax, unknown options, duplicate titles. */
static void
confuse_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	struct load_ctx *ctx = loading;
	struct sec_rec *first;
	const char *title, *kind = "section";

	if (ctx == NULL)
		return;
	if (strcmp(fmt, "found duplicate title '%s'") == 0) {
		/* cfg is the section that holds both. */
		title = va_arg(ap, const char *);
		if ((first = find_titled(ctx, cfg, title, &kind)) != NULL)
			ctx_error(ctx, cfg, cfg->line, NULL,
			    "%s \"%s\": duplicate name, first defined at "
			    "line %d",
			    kind, title, first->line);
		else
			ctx_error(ctx, cfg, cfg->line, NULL,
			    "%s \"%s\": duplicate name", kind, title);
		return;
	}
	ctx_verror(ctx, cfg, cfg->line, NULL, fmt, ap);
}

/*
 * Called by libconfuse right after each value is stored, while the lexer
 * is still on its line.  Records the line; checks come later.
 */
static int
record_option(cfg_t *cfg, cfg_opt_t *opt)
{
	struct load_ctx *ctx = loading;
	struct sec_rec *r;
	struct opt_rec *o;
	long idx = opt - cfg->opts;

	if ((r = rec_open(ctx, cfg)) == NULL) {
		ctx_error(ctx, NULL, cfg->line, NULL, "out of memory");
		return -1;
	}
	if (idx < 0 || idx >= CONF_OPTS_MAX)
		return 0;
	o = &r->opt[idx];
	o->line = cfg->line;
	if ((opt->flags & CFGF_LIST) && cfg_opt_size(opt) > o->nelem) {
		if (o->elem_line == NULL &&
		    (o->elem_line = calloc(LIST_LINES, sizeof(int))) == NULL) {
			ctx_error(ctx, NULL, cfg->line, NULL, "out of memory");
			return -1;
		}
		o->nelem = cfg_opt_size(opt);
		if (o->nelem <= LIST_LINES)
			o->elem_line[o->nelem - 1] = cfg->line;
	}
	return 0;
}

/* After a section closes: an empty section has no record yet, and gets
 * the line of its closing brace. */
static int
record_section(cfg_t *cfg, cfg_opt_t *opt)
{
	struct load_ctx *ctx = loading;
	cfg_t *sec;

	sec = cfg_opt_getnsec(opt, cfg_opt_size(opt) - 1);
	if (sec == NULL || rec_find(ctx, sec) != NULL)
		return 0;
	if (rec_open(ctx, cfg) == NULL ||
	    rec_new(ctx, sec, cfg, cfg->line) == NULL) {
		ctx_error(ctx, NULL, cfg->line, NULL, "out of memory");
		return -1;
	}
	return 0;
}

/* Value parsers */

static int
parse_u32(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	const char *p;

	if (*s == '\0' || strlen(s) > 10)
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int
parse_keyword(const struct keyword *kw, const char *s, int *out)
{
	for (; kw->name != NULL; kw++) {
		if (strcmp(kw->name, s) == 0) {
			*out = kw->value;
			return 0;
		}
	}
	return -1;
}

/* "a, b or c" for messages */
static void
keyword_list(const struct keyword *kw, char *buf, size_t len)
{
	size_t used = 0;
	int n, i, count;

	/* Aliases (no help) are not suggested: yes and no, not on. */
	for (count = 0; kw[count].name != NULL && kw[count].help != NULL;
	     count++)
		;
	buf[0] = '\0';
	for (i = 0; i < count && used < len; i++) {
		n = snprintf(buf + used, len - used, "%s%s",
		    i == 0 ? "" : (i == count - 1 ? " or " : ", "), kw[i].name);
		used += n > 0 ? (size_t)n : 0;
	}
}

static const char *
family_name(int af)
{
	return af == AF_INET6 ? "IPv6" : "IPv4";
}

/* Setters: one per kind of value.  The target is obj + def->off. */

static void *
ref_target(const struct optref *ref)
{
	return (char *)ref->obj + ref->def->off;
}

static int
set_uint(const struct optref *ref, const char *s)
{
	const struct optdef *def = ref->def;
	uint32_t v;

	if (parse_u32(s, &v) == -1)
		return ref_error(ref, "'%s' is not a number", s);
	if (v < def->min || v > def->max)
		return ref_error(
		    ref, "%s is out of range %u..%u", s, def->min, def->max);
	if (def->size == sizeof(uint16_t))
		*(uint16_t *)ref_target(ref) = (uint16_t)v;
	else
		*(uint32_t *)ref_target(ref) = v;
	return 0;
}

static int
set_keyword(const struct optref *ref, const char *s)
{
	char choices[128];
	int v;

	if (parse_keyword(ref->def->kw, s, &v) == -1) {
		keyword_list(ref->def->kw, choices, sizeof(choices));
		return ref_error(ref, "'%s' is not %s", s, choices);
	}
	*(int *)ref_target(ref) = v;
	return 0;
}

static int
check_text(const struct optref *ref, const char *s, size_t max)
{
	const unsigned char *p;

	if (*s == '\0')
		return ref_error(ref, "must not be empty");
	if (strlen(s) > max)
		return ref_error(ref, "longer than %zu characters", max);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7f)
			return ref_error(ref, "contains a control character");
	return 0;
}

static int
set_text(const struct optref *ref, const char *s)
{
	if (check_text(ref, s, ref->def->size - 1) == -1)
		return -1;
	memcpy(ref_target(ref), s, strlen(s) + 1);
	return 0;
}

static int
set_router_id(const struct optref *ref, const char *s)
{
	struct in_addr in;
	uint32_t v;

	if (inet_pton(AF_INET, s, &in) == 1)
		v = ntohl(in.s_addr);
	else if (parse_u32(s, &v) == -1)
		return ref_error(
		    ref, "'%s' is neither a dotted quad nor a number", s);
	if (v == 0)
		return ref_error(ref, "must not be 0");
	*(uint32_t *)ref_target(ref) = v;
	return 0;
}

static int
set_listen(const struct optref *ref, const char *s)
{
	struct daemon_conf *conf = ref->obj;
	struct sockaddr_storage ss;
	size_t i;

	if (addr_parse_hostport(s, conf->port, &ss) == -1)
		return ref_error(
		    ref, "'%s' is not ADDR, ADDR:PORT or [IPV6]:PORT", s);
	if (conf->nlisten == CONF_MAX_LISTEN)
		return ref_error(
		    ref, "more than %d addresses", CONF_MAX_LISTEN);
	for (i = 0; i < conf->nlisten; i++)
		if (addr_same(&conf->listen[i], &ss))
			return ref_error(ref, "'%s' is listed twice", s);
	conf->listen[conf->nlisten++] = ss;
	return 0;
}

/* metrics-listen: one ADDR:PORT or [IPV6]:PORT, the port required. */
static int
set_metrics_listen(const struct optref *ref, const char *s)
{
	struct sockaddr_storage *ss = ref_target(ref);

	if (addr_parse_hostport(s, 0, ss) == -1 || addr_port(ss) == 0)
		return ref_error(
		    ref, "'%s' is not ADDR:PORT or [IPV6]:PORT", s);
	return 0;
}

static int
set_addr(const struct optref *ref, const char *s)
{
	struct sockaddr_storage *ss = ref_target(ref);

	if (addr_parse(s, ss) == -1)
		return ref_error(ref, "'%s' is not an IPv4 or IPv6 address", s);
	return 0;
}

static int
set_local(const struct optref *ref, const char *s)
{
	struct tunnel_build *b = ref->obj;

	if (set_addr(ref, s) == -1)
		return -1;
	b->t.has_local = 1;
	return 0;
}

static int
set_remote(const struct optref *ref, const char *s)
{
	struct tunnel_build *b = ref->obj;

	if (set_addr(ref, s) == -1)
		return -1;
	if (addr_is_unspecified(&b->t.remote))
		return ref_error(ref, "%s is not a peer address", s);
	return 0;
}

static int
set_secret(const struct optref *ref, const char *s)
{
	struct tunnel_build *b = ref->obj;

	if (check_text(ref, s, sizeof(b->t.secret) - 1) == -1)
		return -1;
	memcpy(b->t.secret, s, strlen(s) + 1);
	b->t.secret_len = strlen(s);
	return 0;
}

/* Session values */

static int
set_cookie_len(const struct optref *ref, const char *s)
{
	uint32_t v;

	if (parse_u32(s, &v) == -1 || (v != 0 && v != 4 && v != 8))
		return ref_error(ref, "'%s' is not 0, 4 or 8", s);
	*(uint8_t *)ref_target(ref) = (uint8_t)v;
	return 0;
}

static int
hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0a0b0c0d" or 16 digits: the form `ip l2tp` takes. */
static int
set_cookie(const struct optref *ref, const char *s)
{
	struct conf_cookie *c = ref_target(ref);
	size_t n = strlen(s), i;
	int hi, lo;

	if (n != 8 && n != 16)
		return ref_error(
		    ref, "'%s' is not 4 or 8 bytes in hex (8 or 16 digits)", s);
	for (i = 0; i < n / 2; i++) {
		if ((hi = hex_digit(s[2 * i])) == -1 ||
		    (lo = hex_digit(s[2 * i + 1])) == -1)
			return ref_error(ref, "'%s' is not hexadecimal", s);
		c->bytes[i] = (uint8_t)(hi << 4 | lo);
	}
	c->len = (uint8_t)(n / 2);
	return 0;
}

/*
 * "02:00:5e:10:00:01" (or with '-'): six bytes in hex.  A multicast
 * address or all zeros is no interface's address; the kernel would
 * refuse it when the link is set up, far from the file's line.
 */
static int
set_mac(const struct optref *ref, const char *s)
{
	struct conf_mac *m = ref_target(ref);
	size_t i;
	int hi, lo;

	if (strlen(s) != 3 * CONF_MAC_LEN - 1)
		goto bad;
	for (i = 0; i < CONF_MAC_LEN; i++) {
		if ((hi = hex_digit(s[3 * i])) == -1 ||
		    (lo = hex_digit(s[3 * i + 1])) == -1 ||
		    (i + 1 < CONF_MAC_LEN && s[3 * i + 2] != ':' &&
			s[3 * i + 2] != '-') ||
		    (i > 0 && s[3 * i - 1] != s[2]))
			goto bad;
		m->addr[i] = (uint8_t)(hi << 4 | lo);
	}
	if (m->addr[0] & 0x01)
		return ref_error(ref, "'%s' is a multicast address", s);
	if (memcmp(m->addr, "\0\0\0\0\0\0", CONF_MAC_LEN) == 0)
		return ref_error(ref, "'%s' is not an interface address", s);
	m->set = 1;
	return 0;
bad:
	return ref_error(ref,
	    "'%s' is not an Ethernet address (six hex bytes: "
	    "02:00:00:00:00:01)",
	    s);
}

/* What the kernel accepts as a link name, narrowed to a safe alphabet. */
static int
set_ifname(const struct optref *ref, const char *s)
{
	size_t n = strlen(s);

	if (n >= CONF_IFNAME_MAX)
		return ref_error(ref, "'%s' is longer than %d characters", s,
		    CONF_IFNAME_MAX - 1);
	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
	    strspn(s,
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789_.-") != n)
		return ref_error(ref,
		    "'%s' is not an interface name: use 1 to %d of "
		    "A-Z a-z 0-9 _ . -",
		    s, CONF_IFNAME_MAX - 1);
	memcpy(ref_target(ref), s, n + 1);
	return 0;
}

static int
set_path(const struct optref *ref, const char *s)
{
	if (check_text(ref, s, ref->def->size - 1) == -1)
		return -1;
	if (s[0] != '/')
		return ref_error(ref, "'%s' is not an absolute path", s);
	memcpy(ref_target(ref), s, strlen(s) + 1);
	return 0;
}

/* A script path: absolute, kept out of line (see struct session_conf). */
static int
set_script(const struct optref *ref, const char *s)
{
	char **dst = ref_target(ref);

	if (check_text(ref, s, CONF_PATH_MAX - 1) == -1)
		return -1;
	if (s[0] != '/')
		return ref_error(ref, "'%s' is not an absolute path", s);
	free(*dst);
	if ((*dst = strdup(s)) == NULL)
		return ref_error(ref, "out of memory");
	return 0;
}

static uint8_t
prefix_max(int family)
{
	return family == AF_INET6 ? 128 : 32;
}

static int
prefix_is_unspecified(const struct conf_prefix *p)
{
	if (p->family == AF_INET)
		return p->addr.v4.s_addr == htonl(INADDR_ANY);
	return IN6_IS_ADDR_UNSPECIFIED(&p->addr.v6);
}

/* parse_prefix() zeroes the union's unused bytes, so memcmp is exact. */
static int
prefix_same_addr(const struct conf_prefix *a, const struct conf_prefix *b)
{
	return a->family == b->family &&
	    memcmp(&a->addr, &b->addr, sizeof(a->addr)) == 0;
}

static int
prefix_equal(const struct conf_prefix *a, const struct conf_prefix *b)
{
	return a->len == b->len && prefix_same_addr(a, b);
}

/* Whether bits beyond the prefix length are set (192.168.0.1/24). */
static int
prefix_has_host_bits(const struct conf_prefix *p)
{
	const uint8_t *b;
	size_t nbytes, i;

	if (p->family == AF_INET) {
		b = (const uint8_t *)&p->addr.v4;
		nbytes = sizeof(p->addr.v4);
	} else {
		b = (const uint8_t *)&p->addr.v6;
		nbytes = sizeof(p->addr.v6);
	}
	for (i = 0; i < nbytes; i++) {
		if (8 * (i + 1) <= p->len)
			continue;
		if (8 * i >= p->len ? b[i] != 0
				    : (b[i] & (0xff >> (p->len - 8 * i))) != 0)
			return 1;
	}
	return 0;
}

/*
 * "ADDR" or "ADDR/LEN" when with_len; a missing length is the host's.
 * Returns -1 for a malformed string, -2 for a length out of range.
 */
static int
parse_prefix(const char *s, int with_len, struct conf_prefix *p)
{
	char host[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	size_t hlen = slash != NULL ? (size_t)(slash - s) : strlen(s);
	uint32_t len;

	if (hlen >= sizeof(host) || (slash != NULL && !with_len))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, host, &p->addr.v4) == 1)
		p->family = AF_INET;
	else if (inet_pton(AF_INET6, host, &p->addr.v6) == 1)
		p->family = AF_INET6;
	else
		return -1;
	p->len = prefix_max(p->family);
	if (slash == NULL)
		return 0;
	if (parse_u32(slash + 1, &len) == -1)
		return -1;
	if (len > prefix_max(p->family))
		return -2;
	p->len = (uint8_t)len;
	return 0;
}

/* Split s at blanks into at most nw words in buf; the number of words,
 * or -1 when there are more. */
static int
split_words(const char *s, char *buf, size_t len, char **w, int nw)
{
	char *p, *save = NULL;
	int n = 0;

	if (strlen(s) >= len)
		return -1;
	memcpy(buf, s, strlen(s) + 1);
	for (p = strtok_r(buf, " \t", &save); p != NULL;
	     p = strtok_r(NULL, " \t", &save)) {
		if (n == nw)
			return -1;
		w[n++] = p;
	}
	return n;
}

static int
prefix_error(const struct optref *ref, const char *s, int rc,
    const struct conf_prefix *p, const char *syntax)
{
	if (rc == -2)
		return ref_error(ref, "'%s': prefix length out of range 0..%u",
		    s, prefix_max(p->family));
	return ref_error(ref, "'%s' is not %s", s, syntax);
}

/* "ADDR[/LEN]" or "ADDR peer PEER[/LEN]", as `ip addr add` takes them. */
static int
set_ifaddr(const struct optref *ref, const char *s)
{
	static const char syntax[] = "ADDR[/LEN] or ADDR peer PEER[/LEN]";
	struct session_conf *ss = &((struct session_build *)ref->obj)->s;
	struct conf_ifaddr a;
	char buf[128], *w[3];
	size_t i;
	int n, rc;

	memset(&a, 0, sizeof(a));
	n = split_words(s, buf, sizeof(buf), w, 3);
	if (n != 1 && !(n == 3 && strcmp(w[1], "peer") == 0))
		return ref_error(ref, "'%s' is not %s", s, syntax);
	if ((rc = parse_prefix(w[0], n == 1, &a.local)) != 0)
		return prefix_error(ref, s, rc, &a.local, syntax);
	if (n == 3) {
		if ((rc = parse_prefix(w[2], 1, &a.peer)) != 0)
			return prefix_error(ref, s, rc, &a.peer, syntax);
		if (a.peer.family != a.local.family)
			return ref_error(ref,
			    "'%s': the peer is not of the address's family", s);
		if (prefix_is_unspecified(&a.peer))
			return ref_error(
			    ref, "'%s': the peer is unspecified", s);
	}
	if (prefix_is_unspecified(&a.local))
		return ref_error(ref, "'%s': the address is unspecified", s);
	if (ss->naddrs == CONF_MAX_ADDRS)
		return ref_error(ref, "more than %d addresses", CONF_MAX_ADDRS);
	for (i = 0; i < ss->naddrs; i++)
		if (prefix_same_addr(&ss->addrs[i].local, &a.local))
			return ref_error(
			    ref, "'%s': the address is listed twice", s);
	if (ss->addrs == NULL &&
	    (ss->addrs = calloc(CONF_MAX_ADDRS, sizeof(*ss->addrs))) == NULL)
		return ref_error(ref, "out of memory");
	ss->addrs[ss->naddrs++] = a;
	return 0;
}

/* "PREFIX[/LEN] [via GATEWAY]", as `ip route add` takes it. */
static int
set_route(const struct optref *ref, const char *s)
{
	static const char syntax[] = "PREFIX[/LEN] [via GATEWAY]";
	struct session_conf *ss = &((struct session_build *)ref->obj)->s;
	struct conf_route r;
	char buf[128], *w[3];
	size_t i;
	int n, rc;

	memset(&r, 0, sizeof(r));
	n = split_words(s, buf, sizeof(buf), w, 3);
	if (n != 1 && !(n == 3 && strcmp(w[1], "via") == 0))
		return ref_error(ref, "'%s' is not %s", s, syntax);
	if ((rc = parse_prefix(w[0], 1, &r.dst)) != 0)
		return prefix_error(ref, s, rc, &r.dst, syntax);
	if (prefix_has_host_bits(&r.dst))
		return ref_error(ref, "'%s': %s has bits set beyond /%u", s,
		    w[0], r.dst.len);
	if (n == 3) {
		if ((rc = parse_prefix(w[2], 0, &r.via)) != 0)
			return prefix_error(ref, s, rc, &r.via, syntax);
		if (r.via.family != r.dst.family)
			return ref_error(ref,
			    "'%s': the gateway is not of the prefix's family",
			    s);
		if (prefix_is_unspecified(&r.via))
			return ref_error(
			    ref, "'%s': the gateway is unspecified", s);
	}
	if (ss->nroutes == CONF_MAX_ROUTES)
		return ref_error(ref, "more than %d routes", CONF_MAX_ROUTES);
	for (i = 0; i < ss->nroutes; i++)
		if (prefix_equal(&ss->routes[i].dst, &r.dst))
			return ref_error(ref,
			    "'%s': a route to %s is listed "
			    "already",
			    s, w[0]);
	if (ss->routes == NULL &&
	    (ss->routes = calloc(CONF_MAX_ROUTES, sizeof(*ss->routes))) == NULL)
		return ref_error(ref, "out of memory");
	ss->routes[ss->nroutes++] = r;
	return 0;
}

/* Printing one option: "INDENT NAME = VALUE", in the file's own syntax.
 * A printer writes nothing when the option has no value to show. */

static void
print_quoted(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; *s != '\0'; s++) {
		/* `$` too: libconfuse expands ${VAR} inside double quotes. */
		if (*s == '"' || *s == '\\' || *s == '$')
			fputc('\\', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

static void
print_hostport(FILE *fp, const struct sockaddr_storage *ss)
{
	char a[INET6_ADDRSTRLEN];

	addr_str(ss, a, sizeof(a));
	if (ss->ss_family == AF_INET6)
		fprintf(fp, "\"[%s]:%u\"", a, addr_port(ss));
	else
		fprintf(fp, "\"%s:%u\"", a, addr_port(ss));
}

static void
print_prefix(FILE *fp, const struct conf_prefix *p)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(p->family, &p->addr, a, sizeof(a)) == NULL)
		snprintf(a, sizeof(a), "?");
	fprintf(fp, "%s", a);
	if (p->len != prefix_max(p->family))
		fprintf(fp, "/%u", p->len);
}

static const void *
pr_field(const struct printref *pr)
{
	return (const char *)pr->obj + pr->def->off;
}

static FILE *
pr_begin(const struct printref *pr)
{
	fprintf(pr->fp, "%s%s = ", pr->indent, pr->def->name);
	return pr->fp;
}

static void
pr_uint(const struct printref *pr)
{
	const void *p = pr_field(pr);
	uint32_t v;

	if (pr->def->size == sizeof(uint8_t))
		v = *(const uint8_t *)p;
	else if (pr->def->size == sizeof(uint16_t))
		v = *(const uint16_t *)p;
	else
		v = *(const uint32_t *)p;
	fprintf(pr_begin(pr), "%u\n", v);
}

static void
pr_kw(const struct printref *pr)
{
	fprintf(pr_begin(pr), "%s\n",
	    kw_name(pr->def->kw, *(const int *)pr_field(pr)));
}

static void
pr_string(const struct printref *pr, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return;
	print_quoted(pr_begin(pr), v);
	fputc('\n', pr->fp);
}

static void
pr_text(const struct printref *pr)
{
	pr_string(pr, pr_field(pr));
}

static void
pr_router_id(const struct printref *pr)
{
	uint32_t id = *(const uint32_t *)pr_field(pr);

	fprintf(pr_begin(pr), "%u.%u.%u.%u\n", id >> 24, (id >> 16) & 0xff,
	    (id >> 8) & 0xff, id & 0xff);
}

static void
pr_listen(const struct printref *pr)
{
	const struct daemon_conf *conf = pr->obj;
	size_t i;

	fprintf(pr_begin(pr), "{ ");
	for (i = 0; i < conf->nlisten; i++) {
		if (i > 0)
			fprintf(pr->fp, ", ");
		print_hostport(pr->fp, &conf->listen[i]);
	}
	fprintf(pr->fp, " }\n");
}

static void
pr_metrics_listen(const struct printref *pr)
{
	const struct sockaddr_storage *ss = pr_field(pr);

	if (ss->ss_family == AF_UNSPEC)
		return;
	print_hostport(pr_begin(pr), ss);
	fputc('\n', pr->fp);
}

static void
pr_local(const struct printref *pr)
{
	const struct tunnel_conf *t = pr->obj;
	char a[INET6_ADDRSTRLEN];

	if (t->has_local)
		fprintf(
		    pr_begin(pr), "%s\n", addr_str(&t->local, a, sizeof(a)));
}

static void
pr_remote(const struct printref *pr)
{
	const struct tunnel_conf *t = pr->obj;
	char a[INET6_ADDRSTRLEN];

	fprintf(pr_begin(pr), "%s\n", addr_str(&t->remote, a, sizeof(a)));
}

/* The ports live in the addresses once loaded. */
static void
pr_local_port(const struct printref *pr)
{
	fprintf(pr_begin(pr), "%u\n",
	    addr_port(&((const struct tunnel_conf *)pr->obj)->local));
}

static void
pr_remote_port(const struct printref *pr)
{
	fprintf(pr_begin(pr), "%u\n",
	    addr_port(&((const struct tunnel_conf *)pr->obj)->remote));
}

static void
pr_secret(const struct printref *pr)
{
	const struct tunnel_conf *t = pr->obj;

	if (t->secret_len > 0)
		pr_string(pr,
		    pr->flags & CONF_PRINT_HIDE ? CONF_SECRET_HIDDEN
						: t->secret);
}

static void
pr_end_id(const struct printref *pr)
{
	pr_string(pr, ((const struct session_conf *)pr->obj)->remote_end_id);
}

static void
pr_cookie(const struct printref *pr)
{
	const struct conf_cookie *c = pr_field(pr);
	size_t i;

	if (c->len == 0)
		return;
	fprintf(pr_begin(pr), "\"");
	for (i = 0; i < c->len; i++)
		fprintf(pr->fp, "%02x", c->bytes[i]);
	fprintf(pr->fp, "\"\n");
}

/* 0: none (local-tunnel-id: a random one). */
static void
pr_nonzero(const struct printref *pr)
{
	if (*(const uint32_t *)pr_field(pr) != 0)
		pr_uint(pr);
}

/* Shown in the full form only where it applies. */
static void
pr_vlan(const struct printref *pr)
{
	if (((const struct session_conf *)pr->obj)->pw_type == L2TP_PW_ETH_VLAN)
		pr_uint(pr);
}

static void
pr_reorder(const struct printref *pr)
{
	if (((const struct session_conf *)pr->obj)->seq & SEQ_RECV)
		pr_uint(pr);
}

static void
pr_mtu(const struct printref *pr)
{
	const struct session_conf *s = pr->obj;

	/* auto: the MTU is the call's (session_mtu()); one printed here
	 * would freeze it when read back. */
	if (s->mtu_set || s->l2spec != CONF_L2SS_AUTO)
		pr_uint(pr);
}

static void
pr_mac(const struct printref *pr)
{
	const struct conf_mac *m = pr_field(pr);

	/* Only when set: the derived address is not configuration. */
	if (m->set)
		fprintf(pr_begin(pr), "\"%02x:%02x:%02x:%02x:%02x:%02x\"\n",
		    m->addr[0], m->addr[1], m->addr[2], m->addr[3], m->addr[4],
		    m->addr[5]);
}

/* One element of address or route: "A[/LEN]" or "A[/LEN] WORD B[/LEN]". */
static void
pr_prefix_pair(const struct printref *pr, size_t i, const struct conf_prefix *a,
    const char *word, const struct conf_prefix *b)
{
	fprintf(i == 0 ? pr_begin(pr) : pr->fp, "%s\"", i > 0 ? ", " : "{ ");
	print_prefix(pr->fp, a);
	if (b->family != 0) {
		fprintf(pr->fp, " %s ", word);
		print_prefix(pr->fp, b);
	}
	fprintf(pr->fp, "\"");
}

static void
pr_addrs(const struct printref *pr)
{
	const struct session_conf *s = pr->obj;
	size_t i;

	for (i = 0; i < s->naddrs; i++)
		pr_prefix_pair(
		    pr, i, &s->addrs[i].local, "peer", &s->addrs[i].peer);
	if (s->naddrs > 0)
		fprintf(pr->fp, " }\n");
}

static void
pr_routes(const struct printref *pr)
{
	const struct session_conf *s = pr->obj;
	size_t i;

	for (i = 0; i < s->nroutes; i++)
		pr_prefix_pair(
		    pr, i, &s->routes[i].dst, "via", &s->routes[i].via);
	if (s->nroutes > 0)
		fprintf(pr->fp, " }\n");
}

static void
pr_script(const struct printref *pr)
{
	pr_string(pr, *(char *const *)pr_field(pr));
}

/*
 * Option tables: the one place an option is described (issue 12).  The
 * loader, the printers, the shell's grammar (cmd_table.c) and the tests
 * (tests/conf/test_config.c walks them) all read these rows.
 */

#define OPT_ROW(name, fn, pr, type, member, lo, hi, kw, flags) \
	name, fn, offsetof(type, member), FIELD_SIZE(type, member), lo, hi, \
	    kw, flags, pr
/* name, type, member, lo, hi, flags, apply, help, example, needs */
#define OPT_NUM(name, type, member, lo, hi, flags, apply, help, ex, needs) \
	{ \
		OPT_ROW(name, set_uint, pr_uint, type, member, lo, hi, NULL, \
		    flags), \
		    NULL, help, ex, needs, apply \
	}
#define OPT_KW(name, type, member, table, flags, apply, help, ex, needs) \
	{ \
		OPT_ROW(name, set_keyword, pr_kw, type, member, 0, 0, table, \
		    flags), \
		    NULL, help, ex, needs, apply \
	}
/* A value of its own syntax: its parser, printer and shell grammar. */
#define OPT_FN(name, fn, pr, arg, type, member, flags, apply, help, ex, needs) \
	{ \
		OPT_ROW(name, fn, pr, type, member, 0, 0, NULL, flags), arg, \
		    help, ex, needs, apply \
	}
#define OPT_END \
	{ \
		NULL, NULL, 0, 0, 0, 0, NULL, 0, NULL, NULL, NULL, NULL, NULL, \
		    CONF_APPLY_IN_PLACE \
	}
#define IN_PLACE CONF_APPLY_IN_PLACE
#define RESTART_SESSION CONF_APPLY_SESSION
#define RESTART_TUNNEL CONF_APPLY_TUNNEL
#define NEXT_START CONF_APPLY_START

/* Timers exist globally and per tunnel, with the same names and ranges;
 * they change in place (tunnel_reload_timers). */
#define TIMER_OPTS(type, t, flags) \
	OPT_NUM("hello-interval", type, t.hello_interval, 0, 86400, flags, \
	    IN_PLACE, "HELLO after this much silence\nSeconds, 0 = never", \
	    "45", NULL), \
	    OPT_NUM("receive-window", type, t.rx_window, 1, 1024, flags, \
		IN_PLACE, "Our receive window\nMessages", "16", NULL), \
	    OPT_NUM("retransmit-initial", type, t.retransmit_initial, 100, \
		60000, flags, IN_PLACE, \
		"First retransmission timeout\nMilliseconds", "500", NULL), \
	    OPT_NUM("retransmit-cap", type, t.retransmit_cap, 100, 600000, \
		flags, IN_PLACE, \
		"Longest retransmission timeout\nMilliseconds", "16000", \
		NULL), \
	    OPT_NUM("retries", type, t.retries, 1, 100, flags, IN_PLACE, \
		"Retransmissions before giving up\nCount", "7", NULL), \
	    OPT_NUM("retry-interval", type, t.retry_interval, 1, 86400, flags, \
		IN_PLACE, "Persistent re-establishment base\nSeconds", "30", \
		NULL)

#define TB struct tunnel_build
static const struct optdef tunnel_opts[] = {
	OPT_KW("mode", TB, t.mode, kw_mode, 0, RESTART_TUNNEL,
	    "Signalling mode", "static",
	    "remote-tunnel-id = 7\nlocal = 192.0.2.1"),
	OPT_KW("encap", TB, t.encap, kw_encap, 0, RESTART_TUNNEL,
	    "Encapsulation", "ip", NULL),
	OPT_FN("local", set_local, pr_local, "ADDRESS", TB, t.local, 0,
	    RESTART_TUNNEL, "Local address\nIPv4 or IPv6 address", "192.0.2.1",
	    NULL),
	OPT_FN("remote", set_remote, pr_remote, "ADDRESS", TB, t.remote, 0,
	    RESTART_TUNNEL, "Peer address\nIPv4 or IPv6 address", "192.0.2.9",
	    NULL),
	/* The ports are kept apart while loading, in the addresses after. */
	{ OPT_ROW("local-port", set_uint, pr_local_port, TB, local_port, 1,
	      65535, NULL, OPT_UDP),
	    NULL, "Local UDP port\nPort", "1702", NULL, RESTART_TUNNEL },
	{ OPT_ROW("remote-port", set_uint, pr_remote_port, TB, remote_port, 1,
	      65535, NULL, OPT_UDP),
	    NULL, "Peer UDP port\nPort", "1703", NULL, RESTART_TUNNEL },
	OPT_FN("peer-hostname", set_text, pr_text, "HOSTNAME", TB,
	    t.peer_hostname, OPT_DYNAMIC, RESTART_TUNNEL,
	    "Accept SCCRQs only with this Host Name\nHost Name", "pe2", NULL),
	OPT_KW("initiate", TB, t.initiate, kw_bool, OPT_DYNAMIC, RESTART_TUNNEL,
	    "Send the SCCRQ", "no", NULL),
	OPT_KW("persist", TB, t.persist, kw_bool, OPT_DYNAMIC, RESTART_TUNNEL,
	    "Re-establish after failures", "no", NULL),
	OPT_KW("peer-dialect", TB, t.dialect, kw_dialect, OPT_DYNAMIC,
	    RESTART_TUNNEL, "AVP dialect toward the peer", "cisco", NULL),
	OPT_KW("digest", TB, t.digest, kw_digest, OPT_DYNAMIC, RESTART_TUNNEL,
	    "Message Digest", "sha1", "secret = \"s3cret\""),
	OPT_KW("digest-key", TB, t.digest_kdf, kw_kdf, OPT_DYNAMIC | OPT_DIGEST,
	    RESTART_TUNNEL, "Digest key derivation", "same-hash",
	    "secret = \"s3cret\""),
	OPT_FN("secret", set_secret, pr_secret, "SECRET", TB, t.secret,
	    OPT_DYNAMIC, RESTART_TUNNEL,
	    "Shared secret (alone: digest md5)\nThe secret", "s3cret", NULL),
	TIMER_OPTS(TB, t.timers, OPT_DYNAMIC),
	{ OPT_ROW("local-tunnel-id", set_uint, pr_nonzero, TB,
	      t.local_tunnel_id, 1, UINT32_MAX, NULL, OPT_STATIC),
	    NULL, "Static mode: our tunnel ID (default: random)\nID", "5", NULL,
	    RESTART_TUNNEL },
	OPT_NUM("remote-tunnel-id", TB, t.remote_tunnel_id, 1, UINT32_MAX,
	    OPT_STATIC, RESTART_TUNNEL, "Static mode: the peer's tunnel ID\nID",
	    "6", NULL),
	OPT_KW("keep-on-exit", TB, t.keep_on_exit, kw_bool, OPT_STATIC,
	    IN_PLACE, "Static mode: leave it in the kernel at exit", "yes",
	    NULL),
	OPT_KW("debug", TB, t.debug, kw_bool, 0, IN_PLACE,
	    "Debug logging for this tunnel", "yes", NULL),
	OPT_END,
};
#undef TB

/* Table order is the order of checks and of config_print's output. */
#define SB struct session_build
static const struct optdef session_opts[] = {
	OPT_KW("pw-type", SB, s.pw_type, kw_pw_type, 0, RESTART_SESSION,
	    "Pseudowire type", "ethernet-vlan", "vlan-id = 10"),
	{ OPT_ROW(
	      "vlan-id", set_uint, pr_vlan, SB, s.vlan_id, 1, 4094, NULL, 0),
	    NULL, "VLAN (alone: pw-type ethernet-vlan)\nID", "10", NULL,
	    RESTART_SESSION },
	OPT_FN("remote-end-id", set_text, pr_end_id, "ID", SB, remote_end_id,
	    OPT_DYNAMIC, RESTART_SESSION, "Remote End ID (Cisco VC ID)\nThe ID",
	    "100", NULL),
	OPT_NUM("local-session-id", SB, s.local_session_id, 1, UINT32_MAX,
	    OPT_STATIC, RESTART_SESSION, "Static mode: our session ID\nID",
	    "11", NULL),
	OPT_NUM("remote-session-id", SB, s.remote_session_id, 1, UINT32_MAX,
	    OPT_STATIC, RESTART_SESSION,
	    "Static mode: the peer's session ID\nID", "12", NULL),
	OPT_FN("cookie-length", set_cookie_len, pr_uint, "(0|4|8)", SB,
	    s.cookie_len, OPT_DYNAMIC, RESTART_SESSION,
	    "Length of the cookie we assign\nNo cookie\n4 bytes\n8 bytes", "8",
	    NULL),
	OPT_FN("local-cookie", set_cookie, pr_cookie, "HEX", SB, s.cookie,
	    OPT_STATIC, RESTART_SESSION,
	    "Static mode: cookie we send\nHex bytes", "0a0b0c0d",
	    "peer-cookie = \"01020304\""),
	OPT_FN("peer-cookie", set_cookie, pr_cookie, "HEX", SB, s.peer_cookie,
	    OPT_STATIC, RESTART_SESSION,
	    "Static mode: cookie we expect\nHex bytes", "01020304",
	    "local-cookie = \"0a0b0c0d\""),
	OPT_KW("l2spec", SB, s.l2spec, kw_l2spec, 0, RESTART_SESSION,
	    "L2-Specific Sublayer", "none", NULL),
	OPT_KW("sequencing", SB, s.seq, kw_seq, 0, RESTART_SESSION,
	    "Data sequencing", "send", NULL),
	{ OPT_ROW("reorder-timeout", set_uint, pr_reorder, SB,
	      s.reorder_timeout, 0, 60000, NULL, 0),
	    NULL, "Reordering wait\nMilliseconds", "50", "sequencing = both",
	    RESTART_SESSION },
	OPT_FN("interface", set_ifname, pr_text, "IFNAME", SB, s.ifname, 0,
	    RESTART_SESSION, "Interface name\nName", "pw7", NULL),
	{ OPT_ROW("mtu", set_uint, pr_mtu, SB, s.mtu, 68, 65535, NULL, 0), NULL,
	    "Interface MTU (default: derived)\nBytes", "1400", NULL,
	    RESTART_SESSION },
	OPT_FN("bridge", set_ifname, pr_text, "IFNAME", SB, s.bridge, 0,
	    RESTART_SESSION, "Bridge to enslave the interface to\nName", "br7",
	    NULL),
	OPT_FN("mac-address", set_mac, pr_mac, "MAC", SB, s.mac, 0,
	    RESTART_SESSION,
	    "Ethernet address of the interface (default: derived)\n"
	    "Six hex bytes, 02:00:00:00:00:01",
	    "02:00:00:00:00:07", NULL),
	OPT_FN("address", set_ifaddr, pr_addrs, "PREFIX [peer PEER]", SB,
	    s.addrs, OPT_LIST, RESTART_SESSION,
	    "Add an address to the interface\nADDR[/LEN]\nPoint to point\n"
	    "The peer's ADDR[/LEN]",
	    "10.7.0.1/30", NULL),
	OPT_FN("route", set_route, pr_routes, "PREFIX [via GATEWAY]", SB,
	    s.routes, OPT_LIST, RESTART_SESSION,
	    "Add a route through the interface\nDST/LEN\nThrough a gateway\n"
	    "Gateway address",
	    "10.8.0.0/16", "address = \"10.7.0.1/30\""),
	OPT_KW("ipv6-link-local", SB, s.ipv6_ll, kw_ipv6_ll, 0, RESTART_SESSION,
	    "IPv6 link-local address on the interface", "no", NULL),
	/* Scripts run as script-user: the file only (docs/security.md). */
	OPT_FN("up-script", set_script, pr_script, "PATH", SB, s.up_script,
	    OPT_FILE, IN_PLACE, "Run when the session comes up\nPath",
	    "/bin/true", NULL),
	OPT_FN("down-script", set_script, pr_script, "PATH", SB, s.down_script,
	    OPT_FILE, IN_PLACE, "Run when the session goes down\nPath",
	    "/bin/true", NULL),
	OPT_KW("initiate", SB, s.initiate, kw_bool, OPT_DYNAMIC,
	    RESTART_SESSION, "Send the ICRQ", "no", NULL),
	OPT_KW("debug", SB, s.debug, kw_bool, 0, IN_PLACE,
	    "Debug logging for this session", "yes", NULL),
	OPT_END,
};
#undef SB

static const struct section_def session_section = {
	"session",
	session_opts,
	NULL,
};

static const struct section_def *const tunnel_subs[] = {
	&session_section,
	NULL,
};

static const struct section_def tunnel_section = {
	"tunnel",
	tunnel_opts,
	tunnel_subs,
};

/* Order matters where one value is the default of another: `port` is
 * applied before `listen`. */
#define DC struct daemon_conf
static const struct optdef global_opts[] = {
	OPT_FN("hostname", set_text, pr_text, "NAME", DC, hostname, 0, IN_PLACE,
	    "Our Host Name (AVP 7; default: the system's)\nName", "pe7", NULL),
	OPT_FN("router-id", set_router_id, pr_router_id, "ID", DC, router_id, 0,
	    IN_PLACE,
	    "Our Router ID (AVP 60; default: from the Host Name)\n"
	    "Dotted quad or number",
	    "10.0.0.7", NULL),
	OPT_NUM("port", DC, port, 1, 65535, 0, RESTART_TUNNEL,
	    "Default UDP port\nPort", "1801", NULL),
	OPT_FN("listen", set_listen, pr_listen, "ADDRESS", DC, listen, OPT_LIST,
	    IN_PLACE,
	    "Add a UDP address to listen on\nADDR, ADDR:PORT or [IPV6]:PORT",
	    "127.0.0.1", NULL),
	OPT_KW("dataplane", DC, dataplane, kw_dataplane, 0, NEXT_START,
	    "Where the data packets go", "none", NULL),
	OPT_FN("vendor-name", set_text, pr_text, "NAME", DC, vendor_name, 0,
	    IN_PLACE, "Our Vendor Name (AVP 8)\nName", "acme", NULL),
	OPT_FN("control-group", set_text, pr_text, "GROUP", DC, control_group,
	    0, NEXT_START, "Group of the control socket\nGroup", "wheel", NULL),
	OPT_FN("control-socket-readonly", set_path, pr_text, "PATH", DC,
	    control_socket_ro, 0, NEXT_START, "Read-only control socket\nPath",
	    "/run/l2tpv3d-ro.sock", NULL),
	OPT_NUM("max-half-open-per-peer", DC, half_open_per_peer, 1, 65535, 0,
	    IN_PLACE, "Connections answered, not established, per peer\nCount",
	    "8", NULL),
	OPT_NUM("max-half-open", DC, half_open_max, 1, 1000000, 0, IN_PLACE,
	    "Connections answered, not established, in all\nCount", "100",
	    NULL),
	OPT_FN("control-readonly-group", set_text, pr_text, "GROUP", DC,
	    control_ro_group, 0, NEXT_START,
	    "Group of the read-only socket\nGroup", "adm", NULL),
	OPT_KW("control-readonly-mode", DC, control_ro_mode, kw_sock_mode, 0,
	    NEXT_START, "Mode of the read-only socket", "0666", NULL),
	OPT_NUM("control-max-clients", DC, control_max_clients, 1, 1024, 0,
	    NEXT_START, "Clients of the control socket\nCount", "16", NULL),
	OPT_NUM("control-readonly-max-clients", DC, control_ro_max_clients, 1,
	    1024, 0, NEXT_START, "Clients of the read-only socket\nCount", "16",
	    NULL),
	OPT_NUM("control-idle-timeout", DC, control_idle_timeout, 0, 86400, 0,
	    NEXT_START, "Idle control clients are closed\nSeconds, 0 = never",
	    "60", NULL),
	OPT_FN("user", set_text, pr_text, "USER", DC, user, 0, NEXT_START,
	    "User the daemon runs as\nUser", "nobody", NULL),
	OPT_FN("script-user", set_text, pr_text, "USER", DC, script_user,
	    OPT_FILE, NEXT_START, "User the scripts run as\nUser", "nobody",
	    NULL),
	OPT_KW("log-facility", DC, log_facility, kw_facility, 0, NEXT_START,
	    "syslog facility", "local3", NULL),
	OPT_FN("metrics-listen", set_metrics_listen, pr_metrics_listen,
	    "ADDRESS", DC, metrics_listen, 0, NEXT_START,
	    "GET /metrics over HTTP\nADDR:PORT or [IPV6]:PORT",
	    "127.0.0.1:9101", NULL),
	TIMER_OPTS(DC, timers, 0),
	OPT_END,
};
#undef DC

static const struct section_def *const global_subs[] = {
	&tunnel_section,
	NULL,
};

static const struct section_def global_section = {
	NULL,
	global_opts,
	global_subs,
};

static size_t count_opts(const struct optdef *);

static const struct optdef *
scope_opts(enum conf_scope scope)
{
	switch (scope) {
	case CONF_SCOPE_TUNNEL:
		return tunnel_opts;
	case CONF_SCOPE_SESSION:
		return session_opts;
	default:
		return global_opts;
	}
}

int
config_opt_find(enum conf_scope scope, const char *name)
{
	const struct optdef *d = scope_opts(scope);
	int i;

	for (i = 0; d[i].name != NULL; i++)
		if (strcmp(d[i].name, name) == 0)
			return i;
	return -1;
}

/* "(a|b|c)" of the keywords the shell offers; "a, b or c" is
 * keyword_list()'s. */
static void
keyword_grammar(const struct keyword *kw, char *buf, size_t len)
{
	size_t used;
	int i;

	used = (size_t)snprintf(buf, len, "(");
	for (i = 0; kw[i].name != NULL && kw[i].help != NULL && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
		    i > 0 ? "|" : "", kw[i].name);
	if (used < len)
		snprintf(buf + used, len - used, ")");
}

/* The help lines of keyword_grammar()'s tokens, after the option's. */
static void
keyword_help(const struct keyword *kw, char *buf, size_t len)
{
	size_t used = strlen(buf);
	int i;

	for (i = 0; kw[i].name != NULL && kw[i].help != NULL && used < len; i++)
		used += (size_t)snprintf(
		    buf + used, len - used, "\n%s", kw[i].help);
}

int
config_opt(enum conf_scope scope, size_t i, struct conf_optinfo *info)
{
	const struct optdef *d = scope_opts(scope);
	size_t n = count_opts(d);

	if (i >= n)
		return 0;
	d += i;
	memset(info, 0, sizeof(*info));
	info->name = d->name;
	snprintf(info->help, sizeof(info->help), "%s", d->help);
	info->example = d->example;
	info->needs = d->needs;
	info->apply = d->apply;
	info->flags = d->flags;
	if (d->kw != NULL) {
		keyword_grammar(d->kw, info->arg, sizeof(info->arg));
		keyword_help(d->kw, info->help, sizeof(info->help));
		keyword_list(d->kw, info->range, sizeof(info->range));
	} else if (d->set == set_uint) {
		snprintf(
		    info->arg, sizeof(info->arg), "<%u-%u>", d->min, d->max);
		snprintf(
		    info->range, sizeof(info->range), "%u..%u", d->min, d->max);
	} else
		snprintf(info->arg, sizeof(info->arg), "%s", d->arg);
	return 1;
}

/* libconfuse option arrays, generated from the tables above */

static void
free_opts(cfg_opt_t *opts)
{
	size_t i;

	if (opts == NULL)
		return;
	for (i = 0; opts[i].name != NULL; i++)
		if (opts[i].type == CFGT_SEC)
			free_opts(opts[i].subopts);
	free(opts);
}

static size_t
count_opts(const struct optdef *defs)
{
	size_t n;

	for (n = 0; defs[n].name != NULL; n++)
		;
	return n;
}

static cfg_opt_t *
build_opts(const struct section_def *sd)
{
	cfg_opt_t *opts, end = CFG_END();
	size_t nopt = count_opts(sd->opts), nsub = 0, i;

	while (sd->subs != NULL && sd->subs[nsub] != NULL)
		nsub++;
	if (nopt > CONF_OPTS_MAX)
		abort(); /* raise CONF_OPTS_MAX */
	if ((opts = calloc(nopt + nsub + 1, sizeof(*opts))) == NULL)
		return NULL;
	for (i = 0; i < nopt; i++) {
		cfg_opt_t str = CFG_STR(sd->opts[i].name, NULL, CFGF_NODEFAULT);
		cfg_opt_t list =
		    CFG_STR_LIST(sd->opts[i].name, NULL, CFGF_NODEFAULT);

		opts[i] = (sd->opts[i].flags & OPT_LIST) ? list : str;
		opts[i].validcb = record_option;
	}
	for (i = 0; i < nsub; i++) {
		cfg_opt_t sec = CFG_SEC(sd->subs[i]->name, NULL,
		    CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);

		opts[nopt + i] = sec;
		opts[nopt + i].validcb = record_section;
		if ((opts[nopt + i].subopts = build_opts(sd->subs[i])) ==
		    NULL) {
			free_opts(opts);
			return NULL;
		}
	}
	opts[nopt + nsub] = end;
	return opts;
}

/* Apply every option the section sets, in table order. */
static int
apply_opts(struct load_ctx *ctx, cfg_t *sec, const struct optdef *defs,
    const struct sec_rec *rec, void *obj, uint32_t *set)
{
	struct optref ref;
	cfg_opt_t *opt;
	unsigned int i, n;
	size_t k;

	for (k = 0; defs[k].name != NULL; k++) {
		/* build_opts() put the options in table order: no lookup by
		 * name, which walks them all, for every option of 100 000
		 * sessions. */
		opt = &sec->opts[k];
		if (opt->name == NULL || strcmp(opt->name, defs[k].name) != 0)
			opt = cfg_getopt(sec, defs[k].name);
		n = cfg_opt_size(opt);
		ref.ctx = ctx;
		ref.sec = sec;
		ref.def = &defs[k];
		ref.obj = obj;
		if (n > 0)
			*set |= 1u << k;
		for (i = 0; i < n; i++) {
			ref.line = rec != NULL ? rec->opt[k].line : 0;
			if (rec != NULL && i < LIST_LINES &&
			    rec->opt[k].elem_line != NULL &&
			    rec->opt[k].elem_line[i] != 0)
				ref.line = rec->opt[k].elem_line[i];
			if (defs[k].set(&ref, cfg_opt_getnstr(opt, i)) == -1)
				return -1;
		}
	}
	return 0;
}

static int
opt_line(const struct sec_rec *rec, const struct optdef *defs, const char *name)
{
	size_t k;

	for (k = 0; defs[k].name != NULL; k++)
		if (strcmp(defs[k].name, name) == 0)
			return rec != NULL ? rec->opt[k].line : 0;
	return 0;
}

/* Defaults */

/* FNV-1a: a stable, non-zero Router ID from the host name. */
static uint32_t
hash_router_id(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h != 0 ? h : 1;
}

/*
 * RFC 3931 wants a Router ID unique among the peers; the first
 * non-loopback IPv4 address is what routers conventionally use, and a
 * hash of the host name is the stable fallback.
 */
static uint32_t
default_router_id(const char *hostname)
{
	struct ifaddrs *ifa, *i;
	uint32_t id = 0, a;

	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL && id == 0; i = i->ifa_next) {
			if (i->ifa_addr == NULL ||
			    i->ifa_addr->sa_family != AF_INET ||
			    (i->ifa_flags & IFF_LOOPBACK))
				continue;
			a = ntohl(((struct sockaddr_in *)(void *)i->ifa_addr)
				      ->sin_addr.s_addr);
			if (a != 0 && (a >> 24) != 127)
				id = a;
		}
		freeifaddrs(ifa);
	}
	return id != 0 ? id : hash_router_id(hostname);
}

static void
default_hostname(char *buf, size_t len)
{
	if (gethostname(buf, len) == -1 || buf[0] == '\0')
		snprintf(buf, len, "%s", DEFAULT_VENDOR);
	buf[len - 1] = '\0';
}

static void
default_listen(struct daemon_conf *conf)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&conf->listen[0];
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&conf->listen[1];

	memset(conf->listen, 0, 2 * sizeof(conf->listen[0]));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(conf->port);
	sin->sin_addr.s_addr = htonl(INADDR_ANY);
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(conf->port);
	sin6->sin6_addr = in6addr_any;
	conf->nlisten = 2;
}

static void
default_timers(struct timer_conf *t)
{
	t->hello_interval = 60;
	t->rx_window = 64;
	t->retransmit_initial = 1000;
	t->retransmit_cap = 8000;
	t->retries = 5;
	t->retry_interval = 10;
}

/* Everything but the defaults derived from other values. */
static struct daemon_conf *
conf_new(void)
{
	struct daemon_conf *conf;

	if ((conf = calloc(1, sizeof(*conf))) == NULL)
		return NULL;
	TAILQ_INIT(&conf->tunnels);
	default_hostname(conf->hostname, sizeof(conf->hostname));
	conf->port = DEFAULT_PORT;
	conf->dataplane = DATAPLANE_KERNEL;
	snprintf(
	    conf->vendor_name, sizeof(conf->vendor_name), "%s", DEFAULT_VENDOR);
	snprintf(conf->control_group, sizeof(conf->control_group), "%s",
	    DEFAULT_CONTROL_GROUP);
	conf->half_open_per_peer = DEFAULT_HALF_OPEN_PER_PEER;
	conf->half_open_max = DEFAULT_HALF_OPEN_MAX;
	conf->control_ro_mode = DEFAULT_CONTROL_MODE;
	conf->control_max_clients = DEFAULT_CONTROL_MAX_CLIENTS;
	conf->control_ro_max_clients = DEFAULT_CONTROL_MAX_CLIENTS;
	conf->control_idle_timeout = DEFAULT_CONTROL_IDLE_TIMEOUT;
	conf->log_facility = LOG_DAEMON;
	default_timers(&conf->timers);
	return conf;
}

struct daemon_conf *
config_default(void)
{
	struct daemon_conf *conf;

	if ((conf = conf_new()) == NULL)
		return NULL;
	conf->router_id = default_router_id(conf->hostname);
	default_listen(conf);
	return conf;
}

void
config_tunnel_free(struct tunnel_conf *t)
{
	struct session_conf *s;

	if (t == NULL)
		return;
	while ((s = TAILQ_FIRST(&t->sessions)) != NULL) {
		TAILQ_REMOVE(&t->sessions, s, entry);
		config_session_unref(s);
	}
	explicit_bzero(t->secret, sizeof(t->secret));
	free(t);
}

void
config_free(struct daemon_conf *conf)
{
	struct tunnel_conf *t;

	if (conf == NULL)
		return;
	while ((t = TAILQ_FIRST(&conf->tunnels)) != NULL) {
		TAILQ_REMOVE(&conf->tunnels, t, entry);
		config_tunnel_free(t);
	}
	free(conf);
}

/* The out-of-line parts of a session's configuration. */
static void
session_extras_free(struct session_conf *s)
{
	free(s->addrs);
	free(s->routes);
	free(s->up_script);
	free(s->down_script);
	s->addrs = NULL;
	s->routes = NULL;
	s->up_script = s->down_script = NULL;
}

struct session_conf *
config_session_ref(struct session_conf *s)
{
	s->refs++;
	return s;
}

void
config_session_unref(struct session_conf *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	session_extras_free(s);
	free(s);
}

struct tunnel_conf *
config_tunnel_dup(const struct tunnel_conf *t)
{
	struct tunnel_conf *d;

	if ((d = malloc(sizeof(*d))) == NULL)
		return NULL;
	*d = *t;
	memset(&d->entry, 0, sizeof(d->entry));
	TAILQ_INIT(&d->sessions);
	return d;
}

/*
 * A reload looks every running tunnel up in the new configuration, in
 * the order of the old one, which is mostly the new one's too: the tunnel
 * after the last one found is tried first, so that 10 000 tunnels take
 * 10 000 comparisons, not 50 million.
 */
struct tunnel_conf *
config_find_tunnel(struct daemon_conf *conf, const char *name)
{
	struct tunnel_conf *t = conf->find_hint;

	if (t != NULL && (t = TAILQ_NEXT(t, entry)) != NULL &&
	    strcmp(t->name, name) == 0)
		return conf->find_hint = t;
	TAILQ_FOREACH(t, &conf->tunnels, entry)
		if (strcmp(t->name, name) == 0)
			return conf->find_hint = t;
	return NULL;
}

struct session_conf *
config_find_session(struct tunnel_conf *t, const char *name)
{
	struct session_conf *s;

	TAILQ_FOREACH(s, &t->sessions, entry)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

static int
cookie_same(const struct conf_cookie *a, const struct conf_cookie *b)
{
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

static int
mac_same(const struct conf_mac *a, const struct conf_mac *b)
{
	return a->set == b->set &&
	    (!a->set || memcmp(a->addr, b->addr, CONF_MAC_LEN) == 0);
}

static int
addrs_same(const struct session_conf *a, const struct session_conf *b)
{
	size_t i;

	if (a->naddrs != b->naddrs || a->nroutes != b->nroutes)
		return 0;
	for (i = 0; i < a->naddrs; i++)
		if (!prefix_equal(&a->addrs[i].local, &b->addrs[i].local) ||
		    !prefix_equal(&a->addrs[i].peer, &b->addrs[i].peer))
			return 0;
	for (i = 0; i < a->nroutes; i++)
		if (!prefix_equal(&a->routes[i].dst, &b->routes[i].dst) ||
		    !prefix_equal(&a->routes[i].via, &b->routes[i].via))
			return 0;
	return 1;
}

int
config_session_same(const struct session_conf *a, const struct session_conf *b)
{
	return a->pw_type == b->pw_type && a->vlan_id == b->vlan_id &&
	    strcmp(a->remote_end_id, b->remote_end_id) == 0 &&
	    a->cookie_len == b->cookie_len &&
	    cookie_same(&a->cookie, &b->cookie) &&
	    cookie_same(&a->peer_cookie, &b->peer_cookie) &&
	    a->l2spec == b->l2spec && a->seq == b->seq &&
	    a->reorder_timeout == b->reorder_timeout &&
	    strcmp(a->ifname, b->ifname) == 0 && a->mtu == b->mtu &&
	    a->mtu_set == b->mtu_set && strcmp(a->bridge, b->bridge) == 0 &&
	    addrs_same(a, b) && a->ipv6_ll == b->ipv6_ll &&
	    mac_same(&a->mac, &b->mac) &&
	    a->local_session_id == b->local_session_id &&
	    a->remote_session_id == b->remote_session_id &&
	    a->initiate == b->initiate;
}

/* FNV-1a, 64 bits: config_session_mac()'s hash. */
static uint64_t
mac_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n-- > 0)
		h = (h ^ *b++) * 0x100000001b3ULL;
	return h;
}

static uint64_t
mac_hash_u32(uint64_t h, uint32_t v)
{
	uint8_t be[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
		(uint8_t)(v >> 8), (uint8_t)v };

	return mac_hash(h, be, sizeof(be));
}

/* The address alone (no port), in a fixed form; unset is all zeros. */
static uint64_t
mac_hash_addr(uint64_t h, const struct sockaddr_storage *ss)
{
	uint8_t a[17] = { 0 };

	if (ss->ss_family == AF_INET) {
		a[0] = 4;
		memcpy(a + 1, &((const struct sockaddr_in *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		a[0] = 6;
		memcpy(
		    a + 1, &((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	}
	return mac_hash(h, a, sizeof(a));
}

void
config_session_mac(const struct tunnel_conf *t, const struct session_conf *s,
    uint8_t mac[CONF_MAC_LEN])
{
	static const char tag[] = "l2tpv3d interface address 1";
	uint64_t h = 0xcbf29ce484222325ULL;
	int i;

	if (s->mac.set) {
		memcpy(mac, s->mac.addr, CONF_MAC_LEN);
		return;
	}
	/* The form of this input is part of the daemon's interface: a
	 * change gives every interface a new address after an upgrade. */
	h = mac_hash(h, tag, sizeof(tag));
	h = mac_hash_u32(h, (uint32_t)t->mode);
	h = mac_hash_addr(h, &t->local);
	h = mac_hash_addr(h, &t->remote);
	if (t->mode == TUNNEL_STATIC) {
		h = mac_hash_u32(h, t->local_tunnel_id);
		h = mac_hash_u32(h, t->remote_tunnel_id);
		h = mac_hash_u32(h, s->local_session_id);
		h = mac_hash_u32(h, s->remote_session_id);
	} else {
		h = mac_hash(h, t->name, strlen(t->name) + 1);
		h = mac_hash(h, s->name, strlen(s->name) + 1);
	}
	/* FNV's low bits mix poorly; a finaliser spreads every input bit
	 * over the 46 that end up in the address. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	for (i = 0; i < CONF_MAC_LEN; i++)
		mac[i] = (uint8_t)(h >> (8 * i));
	/* Locally administered (bit 1), unicast (bit 0 clear). */
	mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
}

int
config_end_id_equal(const struct session_conf *s, const uint8_t *id, size_t len)
{
	return id != NULL && s->remote_end_id[0] != '\0' &&
	    len == strlen(s->remote_end_id) &&
	    memcmp(s->remote_end_id, id, len) == 0;
}

struct session_conf *
config_match_session(struct tunnel_conf *t, const uint8_t *id, size_t len)
{
	struct session_conf *s, *catchall = NULL;

	TAILQ_FOREACH(s, &t->sessions, entry) {
		if (s->remote_end_id[0] == '\0')
			catchall = s;
		else if (config_end_id_equal(s, id, len))
			return s;
	}
	return catchall;
}

/* Building the configuration from the parsed file */

static int
build_globals(struct load_ctx *ctx)
{
	struct daemon_conf *conf = ctx->conf;
	struct sec_rec *rec = rec_find(ctx, ctx->root);

	conf->nlisten = 0;
	if (apply_opts(ctx, ctx->root, global_opts, rec, conf, &conf->set) ==
	    -1)
		return -1;
	if (conf->router_id == 0)
		conf->router_id = default_router_id(conf->hostname);
	if (conf->nlisten == 0)
		default_listen(conf);
	if (conf->timers.retransmit_cap < conf->timers.retransmit_initial)
		return ctx_error(ctx, NULL,
		    opt_line(rec, global_opts, "retransmit-cap"),
		    "retransmit-cap", "%u is less than retransmit-initial %u",
		    conf->timers.retransmit_cap,
		    conf->timers.retransmit_initial);
	return 0;
}

static int
valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CONF_NAME_MAX)
		return 0;
	return strspn(s,
		   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789_.-") == n;
}

static const char *
unmet_reason(int flag)
{
	switch (flag) {
	case OPT_DYNAMIC:
		return "only applies with mode = dynamic";
	case OPT_STATIC:
		return "only applies with mode = static";
	case OPT_UDP:
		return "only applies with encap = udp";
	default:
		return "only applies with a digest (md5 or sha1)";
	}
}

/* Options set in the file that the tunnel's mode, encap or digest rule
 * out: refused rather than silently ignored. */
static int
check_applicable(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    const struct optdef *defs, int unmet)
{
	size_t k;
	int bad;

	for (k = 0; defs[k].name != NULL; k++) {
		bad = defs[k].flags & unmet;
		if (rec == NULL || rec->opt[k].line == 0 || bad == 0)
			continue;
		return ctx_error(ctx, sec, rec->opt[k].line, defs[k].name, "%s",
		    unmet_reason(bad & -bad));
	}
	return 0;
}

/* Secret without digest means md5; digest without secret is an error. */
static int
check_digest(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    struct tunnel_conf *t)
{
	int digest_line = opt_line(rec, tunnel_opts, "digest");

	if (t->secret_len > 0 && t->digest == L2TP_DIGEST_NONE) {
		if (digest_line == 0)
			t->digest = L2TP_DIGEST_MD5;
		else
			return ctx_error(ctx, sec,
			    opt_line(rec, tunnel_opts, "secret"), "secret",
			    "set, but digest is none");
	}
	if (t->secret_len == 0 && t->digest != L2TP_DIGEST_NONE)
		return ctx_error(ctx, sec, digest_line, "digest",
		    "%s needs a secret", digest_name(t->digest));
	return 0;
}

static int
check_addresses(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    struct tunnel_build *b)
{
	struct tunnel_conf *t = &b->t;
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];

	if (t->remote.ss_family == 0)
		return ctx_error(
		    ctx, sec, rec->line, NULL, "option 'remote' is required");
	t->family = t->remote.ss_family;
	if (!t->has_local) {
		if (t->mode == TUNNEL_STATIC)
			return ctx_error(ctx, sec, rec->line, NULL,
			    "option 'local' is required with mode = static");
		t->local.ss_family = (sa_family_t)t->family;
		if (t->family == AF_INET6)
			((struct sockaddr_in6 *)&t->local)->sin6_addr =
			    in6addr_any;
	} else if (t->local.ss_family != t->remote.ss_family) {
		return ctx_error(ctx, sec, opt_line(rec, tunnel_opts, "local"),
		    "local", "%s is %s but remote %s is %s",
		    addr_str(&t->local, l, sizeof(l)),
		    family_name(t->local.ss_family),
		    addr_str(&t->remote, r, sizeof(r)),
		    family_name(t->remote.ss_family));
	}
	if (t->encap == L2TP_ENCAP_UDP) {
		addr_set_port(&t->local, b->local_port);
		addr_set_port(&t->remote, b->remote_port);
	}
	return 0;
}

/*
 * The default MTU lets the carried frame fit a 1500-byte path without
 * fragmentation: 1500 less the outer IP header, UDP and the L2TPv3 data
 * header (or, over IP, the Session ID), the cookie, the L2-Specific
 * Sublayer and the frame's own Ethernet header.  For UDP over IPv4 with
 * the default sublayer that is 1446, the reference scenario's L2 value.
 * A dynamic session cannot know the peer's cookie (the one we send) in
 * advance and assumes it is as long as ours.
 */
#define BASE_MTU 1500
#define IPV4_HDR 20
#define IPV6_HDR 40
#define UDP_HDR 8
#define L2TP_UDP_DATA_HDR 8 /* T/ver word and Session ID */
#define L2TP_IP_DATA_HDR 4 /* Session ID */
#define L2SPEC_HDR 4
#define ETH_HDR 14
#define VLAN_TAG 4

static uint32_t
default_mtu(const struct tunnel_conf *t, const struct session_conf *s)
{
	uint32_t overhead = ETH_HDR;

	if (s->pw_type == L2TP_PW_ETH_VLAN)
		overhead += VLAN_TAG;
	overhead += t->family == AF_INET6 ? IPV6_HDR : IPV4_HDR;
	if (t->encap == L2TP_ENCAP_UDP)
		overhead += UDP_HDR + L2TP_UDP_DATA_HDR;
	else
		overhead += L2TP_IP_DATA_HDR;
	overhead += t->mode == TUNNEL_STATIC ? s->cookie.len : s->cookie_len;
	/* auto: without the sublayer; pw.c takes its 4 bytes off a derived
	 * MTU when the peer asks for it. */
	if (s->l2spec == L2TP_L2SS_DEFAULT)
		overhead += L2SPEC_HDR;
	return BASE_MTU - overhead;
}

/* Options that depend on each other within one session. */
static int
check_session(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    const struct tunnel_conf *t, const struct session_conf *s)
{
	const struct optdef *d = session_opts;
	int vlan_line = opt_line(rec, d, "vlan-id");

	if (s->pw_type == L2TP_PW_ETH_VLAN && vlan_line == 0)
		return ctx_error(ctx, sec, rec->line, NULL,
		    "option 'vlan-id' is required with pw-type = "
		    "ethernet-vlan");
	if (s->pw_type != L2TP_PW_ETH_VLAN && vlan_line != 0)
		return ctx_error(ctx, sec, vlan_line, "vlan-id",
		    "only applies with pw-type = ethernet-vlan");
	/* The kernel carries sequence numbers in the sublayer only. */
	if (s->seq != SEQ_NONE && s->l2spec != L2TP_L2SS_DEFAULT)
		return ctx_error(ctx, sec, opt_line(rec, d, "sequencing"),
		    "sequencing", "needs l2spec = default");
	if (t->mode == TUNNEL_STATIC && s->l2spec == CONF_L2SS_AUTO)
		return ctx_error(ctx, sec, opt_line(rec, d, "l2spec"), "l2spec",
		    "auto needs mode = dynamic (a static session negotiates "
		    "nothing)");
	if (!(s->seq & SEQ_RECV) && opt_line(rec, d, "reorder-timeout") != 0)
		return ctx_error(ctx, sec, opt_line(rec, d, "reorder-timeout"),
		    "reorder-timeout",
		    "only applies with sequencing = recv or both");
	if (t->mode == TUNNEL_STATIC && s->local_session_id == 0)
		return ctx_error(ctx, sec, rec->line, NULL,
		    "option 'local-session-id' is required with mode = "
		    "static");
	if (t->mode == TUNNEL_STATIC && s->remote_session_id == 0)
		return ctx_error(ctx, sec, rec->line, NULL,
		    "option 'remote-session-id' is required with mode = "
		    "static");
	if (s->cookie.len != 0 && s->peer_cookie.len == 0)
		return ctx_error(ctx, sec, opt_line(rec, d, "local-cookie"),
		    "local-cookie",
		    "set, but peer-cookie is not: give both "
		    "or neither");
	if (s->cookie.len == 0 && s->peer_cookie.len != 0)
		return ctx_error(ctx, sec, opt_line(rec, d, "peer-cookie"),
		    "peer-cookie",
		    "set, but local-cookie is not: give both "
		    "or neither");
	if (s->bridge[0] != '\0' && s->naddrs > 0)
		return ctx_error(ctx, sec, opt_line(rec, d, "address"),
		    "address",
		    "not with bridge (line %d): a bridged "
		    "interface has no addresses of its own",
		    opt_line(rec, d, "bridge"));
	if (s->bridge[0] != '\0' && s->nroutes > 0)
		return ctx_error(ctx, sec, opt_line(rec, d, "route"), "route",
		    "not with bridge (line %d): a bridged interface has no "
		    "routes of its own",
		    opt_line(rec, d, "bridge"));
	if (s->bridge[0] != '\0' && strcmp(s->bridge, s->ifname) == 0)
		return ctx_error(ctx, sec, opt_line(rec, d, "bridge"), "bridge",
		    "'%s' is the session's own interface", s->bridge);
	return 0;
}

/* Hash sets of what sessions already hold */

/* FNV-1a over the key; never 0, which marks a free slot. */
static uint32_t
uniq_hash(const struct uniq_ent *key)
{
	uintptr_t scope = key->kind == UNIQ_END_ID ? (uintptr_t)key->t : 0;
	uint32_t h = 2166136261u, num = key->num;
	const char *p;
	size_t i;

	h = (h ^ (uint32_t)key->kind) * 16777619u;
	for (i = 0; i < sizeof(scope); i++, scope >>= 8)
		h = (h ^ (uint32_t)(scope & 0xff)) * 16777619u;
	if (key->str != NULL)
		for (p = key->str; *p != '\0'; p++)
			h = (h ^ (unsigned char)*p) * 16777619u;
	else
		for (i = 0; i < sizeof(num); i++, num >>= 8)
			h = (h ^ (num & 0xff)) * 16777619u;
	return h != 0 ? h : 1;
}

static struct uniq_ent
uniq_key(enum uniq_kind kind, const struct tunnel_conf *scope, const char *str,
    uint32_t num)
{
	struct uniq_ent key;

	memset(&key, 0, sizeof(key));
	key.kind = kind;
	key.t = scope;
	key.str = str;
	key.num = num;
	key.hash = uniq_hash(&key);
	return key;
}

static int
uniq_match(const struct uniq_ent *e, const struct uniq_ent *key)
{
	if (e->hash != key->hash || e->kind != key->kind)
		return 0;
	if (key->kind == UNIQ_END_ID && e->t != key->t)
		return 0;
	if (key->str == NULL)
		return e->num == key->num;
	return strcmp(e->str, key->str) == 0;
}

/* The key's entry, or the free slot where it belongs. */
static struct uniq_ent *
uniq_slot(struct load_ctx *ctx, const struct uniq_ent *key)
{
	size_t mask = ctx->uniq_cap - 1, i;
	struct uniq_ent *e;

	for (i = key->hash & mask; (e = &ctx->uniq_tab[i])->hash != 0;
	     i = (i + 1) & mask)
		if (uniq_match(e, key))
			break;
	return e;
}

static const struct uniq_ent *
uniq_find(struct load_ctx *ctx, struct uniq_ent key)
{
	const struct uniq_ent *e;

	if (ctx->uniq_cap == 0)
		return NULL;
	e = uniq_slot(ctx, &key);
	return e->hash != 0 ? e : NULL;
}

/* Room for one more key, growing the table at half load. */
static int
uniq_reserve(struct load_ctx *ctx)
{
	struct uniq_ent *old = ctx->uniq_tab;
	size_t oldcap = ctx->uniq_cap, cap = oldcap != 0 ? 2 * oldcap : 256;
	size_t i;

	if (2 * (ctx->nuniq + 1) <= ctx->uniq_cap)
		return 0;
	if ((ctx->uniq_tab = calloc(cap, sizeof(*ctx->uniq_tab))) == NULL) {
		ctx->uniq_tab = old;
		return -1;
	}
	ctx->uniq_cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].hash != 0)
			*uniq_slot(ctx, &old[i]) = old[i];
	free(old);
	return 0;
}

/* s takes the key, unless an earlier session holds it (as sessions
 * sharing a bridge do): messages name the first holder. */
static int
uniq_add(struct load_ctx *ctx, struct uniq_ent key, const struct tunnel_conf *t,
    const struct session_conf *s)
{
	struct uniq_ent *e;

	if (uniq_reserve(ctx) == -1)
		return -1;
	if ((e = uniq_slot(ctx, &key))->hash != 0)
		return 0;
	key.t = t;
	key.s = s;
	key.order = (uint32_t)ctx->nsessions;
	*e = key;
	ctx->nuniq++;
	return 0;
}

/* Once s is part of the configuration: what later sessions must avoid. */
static int
uniq_take(struct load_ctx *ctx, const struct tunnel_conf *t,
    const struct session_conf *s)
{
	if (t->mode == TUNNEL_DYNAMIC &&
	    uniq_add(
		ctx, uniq_key(UNIQ_END_ID, t, s->remote_end_id, 0), t, s) == -1)
		return -1;
	if (s->ifname[0] != '\0' &&
	    uniq_add(ctx, uniq_key(UNIQ_IFNAME, NULL, s->ifname, 0), t, s) ==
		-1)
		return -1;
	if (s->bridge[0] != '\0' &&
	    uniq_add(ctx, uniq_key(UNIQ_BRIDGE, NULL, s->bridge, 0), t, s) ==
		-1)
		return -1;
	if (s->local_session_id != 0 &&
	    uniq_add(ctx,
		uniq_key(UNIQ_SESSION_ID, NULL, NULL, s->local_session_id), t,
		s) == -1)
		return -1;
	ctx->nsessions++;
	return 0;
}

/* Two sessions of a tunnel whose ICRQs could not be told apart. */
static int
end_id_clash(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    const struct session_conf *s, const struct session_conf *o)
{
	if (s->remote_end_id[0] == '\0')
		return ctx_error(ctx, sec, rec->line, NULL,
		    "needs a remote-end-id: session \"%s\" (line %d) has "
		    "none either, and incoming calls could not be told apart",
		    o->name, o->line);
	return ctx_error(ctx, sec, opt_line(rec, session_opts, "remote-end-id"),
	    "remote-end-id", "'%s' is also session \"%s\"'s (line %d)",
	    s->remote_end_id, o->name, o->line);
}

static int
used_by(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    const char *opt, const char *value, const struct tunnel_conf *ot,
    const struct session_conf *o)
{
	return ctx_error(ctx, sec, opt_line(rec, session_opts, opt), opt,
	    "'%s' is already used by tunnel \"%s\" session \"%s\" (line %d)",
	    value, ot->name, o->name, o->line);
}

/* Keeps the clash with the session that comes first in the file; for the
 * same session, the check made first. */
static void
earliest(const struct uniq_ent **best, enum uniq_kind *why,
    const struct uniq_ent *e, enum uniq_kind this)
{
	if (e != NULL && (*best == NULL || e->order < (*best)->order)) {
		*best = e;
		*why = this;
	}
}

/*
 * Names and IDs that must be unique in the whole configuration (Remote End
 * IDs: in the tunnel).  The message names the first session in the file
 * that s collides with, as a walk over all sessions before it would.
 */
static int
check_unique(struct load_ctx *ctx, cfg_t *sec, const struct sec_rec *rec,
    const struct tunnel_conf *t, const struct session_conf *s)
{
	const struct uniq_ent *o = NULL;
	enum uniq_kind why = UNIQ_END_ID;
	char id[16];

	if (t->mode == TUNNEL_DYNAMIC)
		earliest(&o, &why,
		    uniq_find(
			ctx, uniq_key(UNIQ_END_ID, t, s->remote_end_id, 0)),
		    UNIQ_END_ID);
	if (s->ifname[0] != '\0') {
		earliest(&o, &why,
		    uniq_find(ctx, uniq_key(UNIQ_IFNAME, NULL, s->ifname, 0)),
		    UNIQ_IFNAME);
		earliest(&o, &why,
		    uniq_find(ctx, uniq_key(UNIQ_BRIDGE, NULL, s->ifname, 0)),
		    UNIQ_IFNAME);
	}
	if (s->bridge[0] != '\0')
		earliest(&o, &why,
		    uniq_find(ctx, uniq_key(UNIQ_IFNAME, NULL, s->bridge, 0)),
		    UNIQ_BRIDGE);
	/* The kernel finds L2TPv3 sessions by ID alone. */
	if (s->local_session_id != 0)
		earliest(&o, &why,
		    uniq_find(ctx,
			uniq_key(
			    UNIQ_SESSION_ID, NULL, NULL, s->local_session_id)),
		    UNIQ_SESSION_ID);
	if (o == NULL)
		return 0;
	switch (why) {
	case UNIQ_END_ID:
		return end_id_clash(ctx, sec, rec, s, o->s);
	case UNIQ_IFNAME:
		return used_by(
		    ctx, sec, rec, "interface", s->ifname, o->t, o->s);
	case UNIQ_BRIDGE:
		return used_by(ctx, sec, rec, "bridge", s->bridge, o->t, o->s);
	case UNIQ_SESSION_ID:
		break;
	}
	snprintf(id, sizeof(id), "%u", s->local_session_id);
	return used_by(ctx, sec, rec, "local-session-id", id, o->t, o->s);
}

/* Options, defaults and checks of one session; on failure the caller
 * frees what the options allocated (session_extras_free). */
static int
session_fill(struct load_ctx *ctx, cfg_t *sec, struct sec_rec *rec,
    struct tunnel_conf *t, struct session_build *sb)
{
	struct session_conf *b = &sb->s;
	int unmet;

	if (apply_opts(ctx, sec, session_opts, rec, sb, &sb->s.set) == -1)
		return -1;
	unmet = t->mode == TUNNEL_STATIC ? OPT_DYNAMIC : OPT_STATIC;
	if (check_applicable(ctx, sec, rec, session_opts, unmet) == -1)
		return -1;
	/* A VLAN alone implies its pseudowire type, as a secret alone
	 * implies md5: either can then be set first from the shell. */
	if (opt_line(rec, session_opts, "vlan-id") != 0 &&
	    opt_line(rec, session_opts, "pw-type") == 0)
		b->pw_type = L2TP_PW_ETH_VLAN;
	/* iproute2's default for static sessions; dynamic ones take what
	 * the peer asks for (none, Cisco's default, when it asks nothing);
	 * sequencing has its numbers in the default sublayer. */
	if (opt_line(rec, session_opts, "l2spec") == 0)
		b->l2spec = t->mode == TUNNEL_STATIC || b->seq != SEQ_NONE
		    ? L2TP_L2SS_DEFAULT
		    : CONF_L2SS_AUTO;
	if (check_session(ctx, sec, rec, t, b) == -1)
		return -1;
	if (opt_line(rec, session_opts, "mtu") == 0)
		b->mtu = default_mtu(t, b);
	else
		b->mtu_set = 1;
	if (check_unique(ctx, sec, rec, t, b) == -1)
		return -1;
	return 0;
}

/* The session as the configuration keeps it: one allocation, the names
 * copied behind the struct at their exact length.  It owns what the
 * options allocated; NULL when out of memory. */
static struct session_conf *
session_finish(const struct session_build *b)
{
	size_t name_len = strlen(b->name) + 1;
	size_t end_id_len = strlen(b->remote_end_id) + 1;
	struct session_conf *s;
	char *text;

	if ((s = malloc(sizeof(*s) + name_len + end_id_len)) == NULL)
		return NULL;
	*s = b->s;
	text = (char *)(s + 1);
	memcpy(text, b->name, name_len);
	memcpy(text + name_len, b->remote_end_id, end_id_len);
	s->name = text;
	s->remote_end_id = text + name_len;
	s->refs = 1; /* the configuration's */
	return s;
}

static int
build_session(struct load_ctx *ctx, cfg_t *sec, struct tunnel_conf *t)
{
	struct sec_rec *rec = rec_find(ctx, sec);
	struct session_build b;
	struct session_conf *s;

	if (rec == NULL)
		return ctx_error(ctx, sec, 0, NULL, "internal: no line record");
	if (!valid_name(cfg_title(sec)))
		return ctx_error(ctx, sec, rec->line, NULL,
		    "invalid name: use 1 to %d of A-Z a-z 0-9 _ . -",
		    CONF_NAME_MAX - 1);
	memset(&b, 0, sizeof(b));
	snprintf(b.name, sizeof(b.name), "%s", cfg_title(sec));
	b.s.name = b.name;
	b.s.remote_end_id = b.remote_end_id;
	b.s.line = rec->line;
	b.s.pw_type = L2TP_PW_ETH;
	b.s.seq = SEQ_NONE;
	b.s.initiate = t->initiate;
	b.s.debug = t->debug;
	if (session_fill(ctx, sec, rec, t, &b) == -1) {
		session_extras_free(&b.s);
		return -1;
	}
	if ((s = session_finish(&b)) == NULL) {
		session_extras_free(&b.s);
		return ctx_error(ctx, sec, rec->line, NULL, "out of memory");
	}
	TAILQ_INSERT_TAIL(&t->sessions, s, entry);
	if (uniq_take(ctx, t, s) == -1)
		return ctx_error(ctx, sec, rec->line, NULL, "out of memory");
	return 0;
}

static int
build_tunnel(struct load_ctx *ctx, cfg_t *sec)
{
	struct daemon_conf *conf = ctx->conf;
	struct sec_rec *rec = rec_find(ctx, sec);
	struct tunnel_build b;
	struct tunnel_conf *t;
	int line = rec != NULL ? rec->line : 0, unmet;
	unsigned int i, n;

	if (rec == NULL)
		return ctx_error(ctx, sec, 0, NULL, "internal: no line record");
	if (!valid_name(cfg_title(sec)))
		return ctx_error(ctx, sec, line, NULL,
		    "invalid name: use 1 to %d of A-Z a-z 0-9 _ . -",
		    CONF_NAME_MAX - 1);
	memset(&b, 0, sizeof(b));
	snprintf(b.t.name, sizeof(b.t.name), "%s", cfg_title(sec));
	b.t.line = line;
	b.t.mode = TUNNEL_DYNAMIC;
	b.t.encap = L2TP_ENCAP_UDP;
	b.t.initiate = 1;
	b.t.persist = 1;
	b.t.dialect = DIALECT_AUTO;
	b.t.digest = L2TP_DIGEST_NONE;
	b.t.digest_kdf = L2TP_KDF_MD5;
	b.t.timers = conf->timers;
	b.local_port = conf->port;
	b.remote_port = conf->port;
	if (apply_opts(ctx, sec, tunnel_opts, rec, &b, &b.t.set) == -1)
		return -1;
	unmet = b.t.mode == TUNNEL_STATIC ? OPT_DYNAMIC : OPT_STATIC;
	if (b.t.encap != L2TP_ENCAP_UDP)
		unmet |= OPT_UDP;
	if (check_applicable(ctx, sec, rec, tunnel_opts, unmet) == -1)
		return -1;
	/* Only now is the digest known: a secret alone implies md5. */
	if (check_digest(ctx, sec, rec, &b.t) == -1)
		return -1;
	if (b.t.digest == L2TP_DIGEST_NONE &&
	    check_applicable(ctx, sec, rec, tunnel_opts, OPT_DIGEST) == -1)
		return -1;
	if (check_addresses(ctx, sec, rec, &b) == -1)
		return -1;
	if (b.t.mode == TUNNEL_STATIC && b.t.remote_tunnel_id == 0)
		return ctx_error(ctx, sec, line, NULL,
		    "option 'remote-tunnel-id' is required with mode = static");
	if (b.t.timers.retransmit_cap < b.t.timers.retransmit_initial)
		return ctx_error(ctx, sec,
		    opt_line(rec, tunnel_opts, "retransmit-cap") != 0
			? opt_line(rec, tunnel_opts, "retransmit-cap")
			: opt_line(rec, tunnel_opts, "retransmit-initial"),
		    "retransmit-cap", "%u is less than retransmit-initial %u",
		    b.t.timers.retransmit_cap, b.t.timers.retransmit_initial);

	if ((t = malloc(sizeof(*t))) == NULL)
		return ctx_error(ctx, sec, line, NULL, "out of memory");
	*t = b.t;
	explicit_bzero(&b, sizeof(b));
	TAILQ_INIT(&t->sessions);
	TAILQ_INSERT_TAIL(&conf->tunnels, t, entry);

	n = cfg_size(sec, session_section.name);
	for (i = 0; i < n; i++)
		if (build_session(ctx,
			cfg_getnsec(sec, session_section.name, i), t) == -1)
			return -1;
	return 0;
}

static int
build_conf(struct load_ctx *ctx)
{
	unsigned int i, n;

	if (build_globals(ctx) == -1)
		return -1;
	n = cfg_size(ctx->root, tunnel_section.name);
	for (i = 0; i < n; i++)
		if (build_tunnel(ctx,
			cfg_getnsec(ctx->root, tunnel_section.name, i)) == -1)
			return -1;
	return 0;
}

/*
 * libconfuse 3.3 miscounts lines after comments and fails on a comment
 * inside a list, so comments are blanked out before it sees the text:
 * every character of a comment but its newlines becomes a space, which
 * keeps line numbers exact.  Quoting rules follow libconfuse's lexer.
 * An unterminated string or comment is reported here, at the line where
 * it starts, rather than as libconfuse's "premature end of file".  So is
 * a section left open at the end of the file, which libconfuse accepts
 * silently.
 */
#define BRACE_LINES 8

/*
 * libconfuse replaces ${VAR} inside double quotes with the variable's
 * value, and an unset VAR with nothing: `secret = "abc${NOPE}def"` would
 * quietly become "abcdef".  An unset variable (without a :-default) is
 * an error instead.  ref points after the "${".
 */
static int
check_env_ref(struct load_ctx *ctx, const char *ref, int line)
{
	char name[128];
	size_t n = strcspn(ref, "}:\"\n");

	if (ref[n] == ':' && ref[n + 1] == '-')
		return 0; /* ${VAR:-default} */
	if (n == 0 || n >= sizeof(name))
		return 0; /* libconfuse's to judge */
	memcpy(name, ref, n);
	name[n] = '\0';
	if (getenv(name) != NULL)
		return 0;
	return ctx_error(ctx, NULL, line, NULL,
	    "${%s} is not set in the environment (write \\$ for a literal $)",
	    name);
}

static int
blank_comments(struct load_ctx *ctx, char *s)
{
	char quote = 0;
	int line = 1, start = 0, depth = 0;
	int open_line[BRACE_LINES]; /* of the innermost open braces */

	for (; *s != '\0'; s++) {
		if (*s == '\n')
			line++;
		if (quote == '"') {
			if (*s == '\\' && s[1] != '\0')
				line += *++s == '\n';
			else if (*s == '"')
				quote = 0;
			else if (s[0] == '$' && s[1] == '{' &&
			    check_env_ref(ctx, s + 2, line) == -1)
				return -1;
		} else if (quote == '\'') {
			if (*s == '\\' && (s[1] == '\\' || s[1] == '\''))
				s++;
			else if (*s == '\'')
				quote = 0;
		} else if (*s == '"' || *s == '\'') {
			quote = *s;
			start = line;
		} else if (*s == '{') {
			if (depth++ < BRACE_LINES)
				open_line[depth - 1] = line;
		} else if (*s == '}') {
			/* One too many is libconfuse's to report. */
			if (depth > 0)
				depth--;
		} else if (*s == '#' || (s[0] == '/' && s[1] == '/')) {
			for (; s[1] != '\0' && s[1] != '\n'; s++)
				*s = ' ';
			*s = ' ';
		} else if (s[0] == '/' && s[1] == '*') {
			for (start = line;
			     *s != '\0' && !(s[0] == '*' && s[1] == '/'); s++) {
				if (*s == '\n')
					line++;
				else
					*s = ' ';
			}
			if (*s == '\0')
				return ctx_error(ctx, NULL, start, NULL,
				    "unterminated comment");
			s[0] = s[1] = ' ';
			s++;
		}
	}
	if (quote != 0)
		return ctx_error(ctx, NULL, start, NULL, "unterminated string");
	if (depth > 0)
		return ctx_error(ctx, NULL,
		    open_line[(depth < BRACE_LINES ? depth : BRACE_LINES) - 1],
		    NULL, "'{' is never closed");
	return 0;
}

/* A provider edge's file: 100 000 sessions take ~4 MB. */
#define CONF_FILE_MAX (16 * 1024 * 1024)

/* First read; the buffer doubles while the file goes on. */
#define CONF_READ_CHUNK (64 * 1024)

/*
 * The whole file, NUL-terminated, or NULL with the reason reported.  The
 * buffer grows with the file rather than being CONF_FILE_MAX from the
 * start: a reload of a small file does not ask for 16 MB.
 */
static char *
read_file(struct load_ctx *ctx)
{
	size_t cap = CONF_READ_CHUNK, n = 0;
	char *buf = NULL, *nbuf;
	FILE *fp;

	if ((fp = fopen(ctx->path, "r")) == NULL) {
		ctx_error(ctx, NULL, 0, NULL, "%s", strerror(errno));
		return NULL;
	}
	for (;;) {
		if ((nbuf = realloc(buf, cap + 1)) == NULL) {
			ctx_error(ctx, NULL, 0, NULL, "out of memory");
			break;
		}
		buf = nbuf;
		n += fread(buf + n, 1, cap - n, fp);
		if (n < cap || cap > CONF_FILE_MAX)
			break;
		cap = cap * 2 > CONF_FILE_MAX ? CONF_FILE_MAX + 1 : cap * 2;
	}
	if (!ctx->failed) {
		if (ferror(fp))
			ctx_error(ctx, NULL, 0, NULL, "%s", strerror(errno));
		else if (n > CONF_FILE_MAX)
			ctx_error(ctx, NULL, 0, NULL, "larger than %d bytes",
			    CONF_FILE_MAX);
		else if (memchr(buf, '\0', n) != NULL)
			ctx_error(ctx, NULL, 0, NULL, "contains a NUL byte");
	}
	fclose(fp);
	if (ctx->failed) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/*
 * libconfuse's parse tree is several times the size of the configuration
 * built from it (~4 KB per session: a node for every option of every
 * section), and it is freed once the configuration is built.  Allocated
 * by a thread of its own, it goes to a malloc arena of that thread's
 * (glibc's), given back to the system once freed.  In the main heap it
 * would leave a hole of hundreds of MB below the configuration, where
 * glibc gives no memory back but by malloc_trim(), and every allocation that
 * lands in it (a `show session json` answer of 40 MB growing in place,
 * bursts of queued messages) faults its pages in for good: 400 bytes per
 * session of RSS, measured (issue 6).  When no thread can be created,
 * the parse runs here.
 */
struct parse_job {
	struct load_ctx *ctx;
	char *text;
	int rc;
};

/* On the parse thread: its callbacks find the load there. */
static void *
parse_job_run(void *arg)
{
	struct parse_job *job = arg;

	loading = job->ctx;
	job->rc = cfg_parse_buf(job->ctx->root, job->text);
	loading = NULL;
	return NULL;
}

static int
parse_apart(struct load_ctx *ctx, char *text)
{
	struct parse_job job = { ctx, text, CFG_PARSE_ERROR };
	sigset_t all, old;
	pthread_t th;
	int rc;

	/* Signals stay with the thread that handles them. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&th, NULL, parse_job_run, &job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		parse_job_run(&job);
		return job.rc;
	}
	pthread_join(th, NULL);
	return job.rc;
}

static void
ctx_cleanup(struct load_ctx *ctx)
{
	struct sec_rec *r;
	size_t k;

	while ((r = ctx->recs) != NULL) {
		ctx->recs = r->next;
		for (k = 0; k < CONF_OPTS_MAX; k++)
			free(r->opt[k].elem_line);
		free(r);
	}
	free(ctx->rec_tab);
	ctx->rec_tab = NULL;
	ctx->rec_cap = ctx->nrecs = 0;
	free(ctx->uniq_tab);
	ctx->uniq_tab = NULL;
	ctx->uniq_cap = ctx->nuniq = ctx->nsessions = 0;
	if (ctx->root != NULL)
		cfg_free(ctx->root);
	ctx->root = NULL;
}

struct daemon_conf *
config_load(const char *path, char *errbuf, size_t len)
{
	struct load_ctx ctx;
	cfg_opt_t *opts;
	char dummy[1], *text;
	int rc;

	if (errbuf == NULL || len == 0) {
		errbuf = dummy;
		len = sizeof(dummy);
	}
	errbuf[0] = '\0';
	memset(&ctx, 0, sizeof(ctx));
	ctx.path = path;
	ctx.err = errbuf;
	ctx.errlen = len;
	if ((ctx.conf = conf_new()) == NULL ||
	    (opts = build_opts(&global_section)) == NULL) {
		snprintf(errbuf, len, "%s: out of memory", path);
		config_free(ctx.conf);
		return NULL;
	}
	snprintf(ctx.conf->path, sizeof(ctx.conf->path), "%s", path);
	ctx.root = cfg_init(opts, CFGF_NONE);
	free_opts(opts);
	if (ctx.root == NULL) {
		snprintf(errbuf, len, "%s: out of memory", path);
		config_free(ctx.conf);
		return NULL;
	}
	cfg_set_error_function(ctx.root, confuse_error);

	if ((text = read_file(&ctx)) != NULL &&
	    blank_comments(&ctx, text) == 0) {
		pthread_mutex_lock(&parse_lock);
		rc = parse_apart(&ctx, text);
		pthread_mutex_unlock(&parse_lock);
		if (rc != CFG_SUCCESS)
			ctx_error(&ctx, NULL, 0, NULL, "parse error");
		else
			build_conf(&ctx);
	}
	free(text);
	ctx_cleanup(&ctx);
	if (ctx.failed) {
		config_free(ctx.conf);
		return NULL;
	}
	return ctx.conf;
}

/* Printing: the file's own syntax, driven by the option tables. */

/* The options of defs that apply (unmet: CONF_OPT_* the section lacks),
 * each where it was set, or every one with CONF_PRINT_ALL. */
static void
print_opts(FILE *fp, const struct optdef *defs, const void *obj, uint32_t set,
    int unmet, const char *indent, int flags)
{
	struct printref pr = { fp, NULL, obj, indent, flags };
	size_t k;

	for (k = 0; defs[k].name != NULL; k++) {
		if (defs[k].flags & unmet)
			continue;
		if (!(flags & CONF_PRINT_ALL) && !(set & (1u << k)))
			continue;
		pr.def = &defs[k];
		defs[k].print(&pr);
	}
}

/* What a tunnel's options need that it lacks (check_applicable's). */
static int
tunnel_unmet(const struct tunnel_conf *t)
{
	int unmet = t->mode == TUNNEL_STATIC ? OPT_DYNAMIC : OPT_STATIC;

	if (t->encap != L2TP_ENCAP_UDP)
		unmet |= OPT_UDP;
	if (t->digest == L2TP_DIGEST_NONE)
		unmet |= OPT_DIGEST;
	return unmet;
}

static void
print_tunnel(const struct tunnel_conf *t, FILE *fp, int flags)
{
	const struct session_conf *s;
	int unmet = tunnel_unmet(t);

	fprintf(fp, "\ntunnel \"%s\" {\n", t->name);
	print_opts(fp, tunnel_opts, t, t->set, unmet, "\t", flags);
	TAILQ_FOREACH(s, &t->sessions, entry) {
		fprintf(fp, "\n\tsession \"%s\" {\n", s->name);
		print_opts(fp, session_opts, s, s->set, unmet & ~OPT_DIGEST,
		    "\t\t", flags);
		fprintf(fp, "\t}\n");
	}
	fprintf(fp, "}\n");
}

void
config_print_section(const struct daemon_conf *conf,
    const struct tunnel_conf *t, const struct session_conf *s, FILE *fp,
    int flags)
{
	if (t == NULL)
		print_opts(fp, global_opts, conf, conf->set, 0, "", flags);
	else if (s == NULL)
		print_opts(
		    fp, tunnel_opts, t, t->set, tunnel_unmet(t), "\t", flags);
	else
		print_opts(fp, session_opts, s, s->set,
		    tunnel_unmet(t) & ~OPT_DIGEST, "\t\t", flags);
}

char *
config_text(const struct daemon_conf *conf, int flags)
{
	char *text = NULL;
	size_t len;
	FILE *fp;

	if ((fp = open_memstream(&text, &len)) == NULL)
		return NULL;
	config_print_flags(conf, fp, flags);
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

void
config_print_flags(const struct daemon_conf *conf, FILE *fp, int flags)
{
	const struct tunnel_conf *t;

	/* conf_save.h's CONF_SAVE_HEADER: what a save wrote starts so. */
	fprintf(fp, "# l2tpv3d configuration%s\n",
	    flags & CONF_PRINT_ALL ? ", normalised" : "");
	print_opts(fp, global_opts, conf, conf->set, 0, "", flags);
	TAILQ_FOREACH(t, &conf->tunnels, entry)
		print_tunnel(t, fp, flags);
}

void
config_print(const struct daemon_conf *conf, FILE *fp)
{
	config_print_flags(conf, fp, CONF_PRINT_ALL);
}

void
config_print_hidden(const struct daemon_conf *conf, FILE *fp)
{
	config_print_flags(conf, fp, CONF_PRINT_ALL | CONF_PRINT_HIDE);
}

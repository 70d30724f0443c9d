/*
 * The difference between two configurations: see conf_diff.h.
 *
 * Each object (the globals, a tunnel's own options, a session) is
 * printed by config_print_section() from both sides: the set-only form
 * gives the lines shown, the every-value form (CONF_PRINT_ALL) which
 * values in effect changed, so that a derived change counts too (a
 * global hello-interval that a tunnel inherits, an MTU that follows the
 * cookie length).  Each changed value's option name is looked up in the
 * option table for how its change applies.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/conf_diff.h"

#define DIFF_MAX_LINES 256 /* per object; an object has ~40 options */

/* An object's option lines, and the option each belongs to. */
struct lines {
	char *text;
	char *line[DIFF_MAX_LINES];
	char name[DIFF_MAX_LINES][40];
	int n;
};

/* Which classes of change an object has, and the options of each. */
struct effect {
	int any;
	char names[4][160]; /* by enum conf_apply */
};

static int
lines_get(struct lines *l, const struct daemon_conf *c,
    const struct tunnel_conf *t, const struct session_conf *s, int flags)
{
	size_t len, n;
	char *p, *nl, cur[40] = "";
	FILE *fp;

	memset(l, 0, sizeof(*l));
	if (c == NULL)
		return 0; /* the object is not there: no lines */
	if ((fp = open_memstream(&l->text, &len)) == NULL)
		return -1;
	config_print_section(c, t, s, fp, flags);
	if (fclose(fp) != 0)
		return -1;
	for (p = l->text; *p != '\0' && l->n < DIFF_MAX_LINES; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		/* "\tname = v" or "\tname += v"; a list's later lines are
		 * its option's too. */
		n = strspn(p, "\t");
		if (strstr(p, " = ") != NULL || strstr(p, " += ") != NULL)
			snprintf(cur, sizeof(cur), "%.*s",
			    (int)strcspn(p + n, " "), p + n);
		l->line[l->n] = p;
		snprintf(l->name[l->n], sizeof(l->name[0]), "%s", cur);
		l->n++;
	}
	return 0;
}

static int
lines_has(const struct lines *l, const char *line)
{
	int i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->line[i], line) == 0)
			return 1;
	return 0;
}

static void
effect_add(struct effect *e, enum conf_scope scope, const char *name)
{
	struct conf_optinfo info;
	int idx = config_opt_find(scope, name);
	enum conf_apply how = CONF_APPLY_TUNNEL; /* unknown: the safe guess */
	char *dst;

	if (idx != -1 && config_opt(scope, (size_t)idx, &info))
		how = info.apply;
	dst = e->names[how];
	if (strstr(dst, name) != NULL)
		return;
	if (strlen(dst) + strlen(name) + 3 < sizeof(e->names[0]))
		snprintf(dst + strlen(dst), sizeof(e->names[0]) - strlen(dst),
		    "%s%s", *dst != '\0' ? ", " : "", name);
	e->any = 1;
}

/* The options whose values in effect differ, into e. */
static int
object_effect(struct effect *e, enum conf_scope scope,
    const struct daemon_conf *a, const struct tunnel_conf *ta,
    const struct session_conf *sa, const struct daemon_conf *b,
    const struct tunnel_conf *tb, const struct session_conf *sb)
{
	struct lines la, lb;
	int i, rc = -1;

	memset(e, 0, sizeof(*e));
	if (lines_get(&la, a, ta, sa, CONF_PRINT_ALL) == 0 &&
	    lines_get(&lb, b, tb, sb, CONF_PRINT_ALL) == 0) {
		for (i = 0; i < la.n; i++)
			if (!lines_has(&lb, la.line[i]))
				effect_add(e, scope, la.name[i]);
		for (i = 0; i < lb.n; i++)
			if (!lines_has(&la, lb.line[i]))
				effect_add(e, scope, lb.name[i]);
		rc = 0;
	}
	free(la.text);
	free(lb.text);
	return rc;
}

/* The set-only lines that differ, "-" a's, "+" b's, onto diff. */
static void
object_diff(struct sbuf *diff, const struct daemon_conf *a,
    const struct tunnel_conf *ta, const struct session_conf *sa,
    const struct daemon_conf *b, const struct tunnel_conf *tb,
    const struct session_conf *sb)
{
	struct lines la, lb;
	int i;

	if (lines_get(&la, a, ta, sa, 0) == 0 &&
	    lines_get(&lb, b, tb, sb, 0) == 0) {
		for (i = 0; i < la.n; i++)
			if (!lines_has(&lb, la.line[i]))
				sbuf_printf(diff, "-%s\n", la.line[i]);
		for (i = 0; i < lb.n; i++)
			if (!lines_has(&la, lb.line[i]))
				sbuf_printf(diff, "+%s\n", lb.line[i]);
	}
	free(la.text);
	free(lb.text);
}

/* "what: in place (x, y)" and the other classes, one line each. */
static void
effect_say(struct sbuf *what, const char *obj, const struct effect *e,
    const char *restart_what)
{
	if (what == NULL || !e->any)
		return;
	if (e->names[CONF_APPLY_TUNNEL][0] != '\0')
		sbuf_printf(what, "%s: restarts %s (StopCCN): %s\n", obj,
		    restart_what, e->names[CONF_APPLY_TUNNEL]);
	else if (e->names[CONF_APPLY_SESSION][0] != '\0')
		sbuf_printf(what, "%s: restarts %s (CDN): %s\n", obj,
		    restart_what, e->names[CONF_APPLY_SESSION]);
	if (e->names[CONF_APPLY_IN_PLACE][0] != '\0')
		sbuf_printf(what, "%s: in place: %s\n", obj,
		    e->names[CONF_APPLY_IN_PLACE]);
	if (e->names[CONF_APPLY_START][0] != '\0')
		sbuf_printf(what, "%s: at the next start: %s\n", obj,
		    e->names[CONF_APPLY_START]);
}

/* The tunnel of c named like t, the next one of c after prev first:
 * both configurations mostly list their tunnels in the same order. */
static const struct tunnel_conf *
match_tunnel(const struct daemon_conf *c, const struct tunnel_conf **prev,
    const char *name)
{
	const struct tunnel_conf *t;

	t = *prev != NULL ? TAILQ_NEXT(*prev, entry) : TAILQ_FIRST(&c->tunnels);
	if (t != NULL && strcmp(t->name, name) == 0)
		return *prev = t;
	/* Not config_find_tunnel(): it writes its hint into c, which the
	 * loop may read meanwhile (this runs on the worker). */
	TAILQ_FOREACH(t, &c->tunnels, entry)
		if (strcmp(t->name, name) == 0)
			return *prev = t;
	return NULL;
}

/* A block: its header and closing line marked with c (' ', '-', '+'),
 * around body, when body has lines or the block comes or goes. */
static void
block_out(struct sbuf *diff, char c, const char *indent, const char *kind,
    const char *name, const struct sbuf *body)
{
	if (c == ' ' && body->len == 0)
		return;
	sbuf_printf(diff, "%c%s%s \"%s\" {\n", c, indent, kind, name);
	if (body->len > 0)
		sbuf_putn(diff, body->s, body->len);
	sbuf_printf(diff, "%c%s}\n", c, indent);
}

/* One session of a (sa), of b (sb), or of both. */
static int
diff_session(const struct daemon_conf *a, const struct tunnel_conf *ta,
    const struct session_conf *sa, const struct daemon_conf *b,
    const struct tunnel_conf *tb, const struct session_conf *sb,
    struct sbuf *body, struct sbuf *what, int tunnel_restarts)
{
	const char *name = sa != NULL ? sa->name : sb->name;
	char obj[2 * CONF_NAME_MAX + 16];
	struct effect e;
	struct sbuf sub;

	sbuf_init(&sub);
	object_diff(
	    &sub, sa != NULL ? a : NULL, ta, sa, sb != NULL ? b : NULL, tb, sb);
	block_out(body,
	    sa == NULL	     ? '+'
		: sb == NULL ? '-'
			     : ' ',
	    "\t", "session", name, &sub);
	sbuf_free(&sub);
	snprintf(obj, sizeof(obj), "session %s/%s",
	    ta != NULL ? ta->name : tb->name, name);
	if (sa == NULL || sb == NULL) {
		if (!tunnel_restarts)
			sbuf_printf(what, "%s: %s\n", obj,
			    sa == NULL ? "added" : "removed (CDN)");
		return 1;
	}
	if (object_effect(&e, CONF_SCOPE_SESSION, a, ta, sa, b, tb, sb) == -1 ||
	    !e.any)
		return 0;
	if (!tunnel_restarts)
		effect_say(what, obj, &e, obj);
	return 1;
}

/* One tunnel of a (ta), of b (tb), or of both, with its sessions. */
static int
diff_tunnel(const struct daemon_conf *a, const struct tunnel_conf *ta,
    const struct daemon_conf *b, const struct tunnel_conf *tb,
    struct sbuf *diff, struct sbuf *what, int *restart)
{
	const char *name = ta != NULL ? ta->name : tb->name;
	const struct session_conf *s;
	char obj[CONF_NAME_MAX + 16];
	struct effect e;
	struct sbuf body;
	int n = 0, restarts = ta == NULL || tb == NULL;

	memset(&e, 0, sizeof(e));
	snprintf(obj, sizeof(obj), "tunnel %s", name);
	if (ta != NULL && tb != NULL) {
		/* Out of memory: unknown, so it restarts (the safe side). */
		if (object_effect(
			&e, CONF_SCOPE_TUNNEL, a, ta, NULL, b, tb, NULL) == -1)
			restarts = 1;
		else if (e.any) {
			n = 1;
			restarts = e.names[CONF_APPLY_TUNNEL][0] != '\0';
			effect_say(what, obj, &e, obj);
		}
	} else {
		n = 1;
		sbuf_printf(what, "%s: %s\n", obj,
		    ta == NULL ? "added (starts)" : "removed (StopCCN)");
	}
	sbuf_init(&body);
	object_diff(&body, ta != NULL ? a : NULL, ta, NULL,
	    tb != NULL ? b : NULL, tb, NULL);
	if (ta != NULL)
		TAILQ_FOREACH(s, &ta->sessions, entry)
			n += diff_session(a, ta, s, b, tb,
			    tb != NULL ? config_find_session(
					     (struct tunnel_conf *)tb, s->name)
				       : NULL,
			    &body, what, restarts);
	if (tb != NULL)
		TAILQ_FOREACH(s, &tb->sessions, entry)
			if (ta == NULL ||
			    config_find_session(
				(struct tunnel_conf *)ta, s->name) == NULL)
				n += diff_session(a, ta, NULL, b, tb, s, &body,
				    what, restarts);
	*restart = restarts;
	if (diff != NULL)
		block_out(diff,
		    ta == NULL	     ? '+'
			: tb == NULL ? '-'
				     : ' ',
		    "", "tunnel", name, &body);
	sbuf_free(&body);
	return n;
}

int
conf_diff(const struct daemon_conf *a, struct daemon_conf *b, struct sbuf *diff,
    struct sbuf *what)
{
	const struct tunnel_conf *t, *tb, *prev = NULL;
	struct sbuf scratch;
	struct effect e;
	int n = 0, restart;

	sbuf_init(&scratch);
	if (what == NULL)
		what = &scratch;
	if (diff != NULL)
		object_diff(diff, a, NULL, NULL, b, NULL, NULL);
	if (object_effect(
		&e, CONF_SCOPE_GLOBAL, a, NULL, NULL, b, NULL, NULL) == 0 &&
	    e.any) {
		n++;
		effect_say(what, "global", &e, "the tunnels that use it");
	}
	TAILQ_FOREACH(t, &a->tunnels, entry) {
		tb = match_tunnel(b, &prev, t->name);
		n += diff_tunnel(a, t, b, tb, diff, what, &restart);
		/* b's own tunnel, found through a const walk. */
		if (tb != NULL)
			((struct tunnel_conf *)tb)->reload =
			    restart ? CONF_RELOAD_RESTART : CONF_RELOAD_KEEP;
	}
	prev = NULL;
	TAILQ_FOREACH(t, &b->tunnels, entry)
		if (match_tunnel(a, &prev, t->name) == NULL)
			n += diff_tunnel(a, NULL, b, t, diff, what, &restart);
	sbuf_free(&scratch);
	return n;
}

/*
 * config_print_flags()'s text to JSON (conf_json.h).  The text has a
 * fixed shape: a comment line, then "NAME = VALUE" lines and the blocks
 * `tunnel "T" {` and `session "S" {`, each closed by "}" alone, one
 * thing a line, with VALUE a word, a quoted string or
 * `{ "A", "B" }`.
 */
#include <config.h>

#include <ctype.h>
#include <string.h>

#include "daemon/conf_json.h"

enum cj_level {
	CJ_GLOBAL,
	CJ_TUNNEL,
	CJ_SESSION,
};

struct cj {
	struct sbuf *out;
	enum cj_level level;
	int first; /* no member yet in the object open at this level */
	int had_tunnel; /* "tunnels" is open */
	int had_session; /* this tunnel's "sessions" is open */
};

/* A quoted string at *p, as a JSON string; *p moves past it. */
static int
cj_quoted(struct cj *c, const char **p)
{
	struct sbuf s;
	const char *q = *p + 1;
	int rc;

	sbuf_init(&s);
	for (; *q != '"'; q++) {
		if (*q == '\0' || *q == '\n') {
			sbuf_free(&s);
			return -1;
		}
		if (*q == '\\' && q[1] != '\0')
			q++;
		sbuf_putc(&s, *q);
	}
	rc = s.failed ? -1 : 0;
	if (rc == 0)
		sbuf_json_str(c->out, s.s != NULL ? s.s : "");
	sbuf_free(&s);
	*p = q + 1;
	return rc;
}

static int
cj_number(const char *v, size_t n)
{
	size_t i;

	if (n == 0 || n > 10 || (n > 1 && v[0] == '0'))
		return 0;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)v[i]))
			return 0;
	return 1;
}

/* VALUE up to the end of the line (at *p); *p moves past it. */
static int
cj_value(struct cj *c, const char **p)
{
	const char *v = *p, *e = strchr(v, '\n');
	size_t n = e != NULL ? (size_t)(e - v) : strlen(v);
	int first = 1;

	if (*v == '"')
		return cj_quoted(c, p);
	if (*v == '{') {
		sbuf_putc(c->out, '[');
		for (v++;;) {
			while (*v == ' ' || *v == ',')
				v++;
			if (*v == '}')
				break;
			if (*v != '"')
				return -1;
			if (!first)
				sbuf_putc(c->out, ',');
			first = 0;
			if (cj_quoted(c, &v) == -1)
				return -1;
		}
		sbuf_putc(c->out, ']');
		*p = v + 1;
		return 0;
	}
	if (n == 3 && strncmp(v, "yes", 3) == 0)
		sbuf_puts(c->out, "true");
	else if (n == 2 && strncmp(v, "no", 2) == 0)
		sbuf_puts(c->out, "false");
	else if (cj_number(v, n))
		sbuf_putn(c->out, v, n);
	else
		sbuf_json_strn(c->out, v, n);
	*p = v + n;
	return 0;
}

static void
cj_member(struct cj *c, const char *name, size_t n)
{
	if (!c->first)
		sbuf_putc(c->out, ',');
	c->first = 0;
	sbuf_json_strn(c->out, name, n);
	sbuf_putc(c->out, ':');
}

/* `tunnel "T" {` or `session "S" {` at *p. */
static int
cj_open(struct cj *c, const char **p)
{
	int tunnel = strncmp(*p, "tunnel \"", 8) == 0;

	if (tunnel ? c->level != CJ_GLOBAL : c->level != CJ_TUNNEL)
		return -1;
	*p += tunnel ? 7 : 8;
	if (tunnel) {
		/* The globals' object closes; "tunnels" opens once. */
		sbuf_puts(c->out, c->had_tunnel ? "," : "},\"tunnels\":{");
		c->had_tunnel = 1;
		c->had_session = 0;
	} else {
		if (!c->had_session) {
			cj_member(c, "sessions", 8);
			sbuf_putc(c->out, '{');
		} else
			sbuf_putc(c->out, ',');
		c->had_session = 1;
	}
	if (cj_quoted(c, p) == -1 || strncmp(*p, " {", 2) != 0)
		return -1;
	*p += 2;
	sbuf_puts(c->out, ":{");
	c->level = tunnel ? CJ_TUNNEL : CJ_SESSION;
	c->first = 1;
	return 0;
}

static int
cj_close(struct cj *c)
{
	if (c->level == CJ_SESSION) {
		c->level = CJ_TUNNEL;
		c->first = 0;
	} else if (c->level == CJ_TUNNEL) {
		if (c->had_session)
			sbuf_putc(c->out, '}');
		c->level = CJ_GLOBAL;
	} else
		return -1;
	sbuf_putc(c->out, '}');
	return 0;
}

/* One line at *p (indent skipped); *p moves to the next. */
static int
cj_line(struct cj *c, const char **p)
{
	const char *l = *p, *eq;
	int rc = 0;

	if (*l == '#' || *l == '\n' || *l == '\0')
		;
	else if (*l == '}')
		rc = cj_close(c), l++;
	else if (strncmp(l, "tunnel \"", 8) == 0 ||
	    strncmp(l, "session \"", 9) == 0)
		rc = cj_open(c, &l);
	else if (c->level == CJ_TUNNEL && c->had_session)
		rc = -1; /* the printer puts sessions last */
	else if ((eq = strstr(l, " = ")) != NULL &&
	    (strchr(l, '\n') == NULL || eq < strchr(l, '\n'))) {
		cj_member(c, l, (size_t)(eq - l));
		l = eq + 3;
		rc = cj_value(c, &l);
	} else
		rc = -1;
	if (rc == -1)
		return -1;
	l += strcspn(l, "\n");
	*p = *l == '\n' ? l + 1 : l;
	return 0;
}

int
conf_json(struct sbuf *out, const char *text)
{
	struct cj c = { out, CJ_GLOBAL, 1, 0, 0 };
	const char *p = text;

	sbuf_puts(out, "{\"global\":{");
	while (*p != '\0') {
		while (*p == '\t' || *p == ' ')
			p++;
		if (cj_line(&c, &p) == -1)
			return -1;
	}
	if (c.level != CJ_GLOBAL)
		return -1;
	sbuf_puts(out, c.had_tunnel ? "}}" : "},\"tunnels\":{}}");
	return out->failed ? -1 : 0;
}

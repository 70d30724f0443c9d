/*
 * The objects a command's words name: a tunnel, a session.  Every
 * command looks them up here, so `show` and `clear` accept the same
 * words, and a word that names nothing is refused in the grammar's own
 * style: the line, a caret under the word, and what it may be.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd_impl.h"
#include "daemon/session.h"
#include "daemon/tunnel.h"

#define EXPECT_NAMES 8 /* names listed in an error, at most */

/* A name for expect_names(), unless it is there already (sessions of
 * two tunnels may share one). */
static void
expect_add(const char **names, size_t *n, int *more, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp(names[i], name) == 0)
			return;
	if (*n < EXPECT_NAMES)
		names[(*n)++] = name;
	else
		*more = 1;
}

/* " (a | b | ...)": the names a word could have been, or some. */
static void
expect_names(struct sbuf *err, const char *const *names, size_t n, int more)
{
	size_t i;

	if (n == 0) {
		sbuf_puts(err, " (there is none)");
		return;
	}
	for (i = 0; i < n; i++)
		sbuf_printf(err, "%s%s", i > 0 ? " | " : " (", names[i]);
	sbuf_puts(err, more ? " | ...)" : ")");
}

struct tunnel *
cmd_tunnel(struct control_req *req, const struct cmd_match *m, const char *var)
{
	const char *word = cmd_arg(m, var), *names[EXPECT_NAMES];
	struct tunnel *t;
	unsigned long id;
	size_t n = 0;
	int more = 0;
	char *end;

	if ((t = tunnel_find(word)) != NULL)
		return t;
	errno = 0;
	id = strtoul(word, &end, 10);
	if (errno == 0 && *word != '\0' && *end == '\0' && id != 0 &&
	    id <= UINT32_MAX && (t = tunnel_by_ccid((uint32_t)id)) != NULL &&
	    t->primary)
		return t;
	cmd_err_word(m, var, "No such tunnel", req->err);
	sbuf_puts(req->err, "\n% expected: a tunnel name");
	for (t = tunnel_first(); t != NULL; t = tunnel_next(t))
		if (t->primary)
			expect_add(names, &n, &more, t->conf->name);
	expect_names(req->err, names, n, more);
	sbuf_puts(req->err, " or local CCID");
	return NULL;
}

struct session *
cmd_session_first(const struct tunnel *t, const char *sel)
{
	struct session *s;

	for (s = session_first(t); s != NULL; s = session_next(s))
		if (session_selected(s, sel))
			return s;
	return NULL;
}

struct session *
cmd_session(struct control_req *req, const struct cmd_match *m, const char *var,
    struct tunnel *in)
{
	const char *word = cmd_arg(m, var);
	struct tunnel *t;
	struct session *s;
	unsigned long id;
	char *end;

	/* An ID is one hash lookup; a name is looked for in each tunnel. */
	errno = 0;
	id = strtoul(word, &end, 10);
	if (errno == 0 && *word != '\0' && *end == '\0' && id != 0 &&
	    id <= UINT32_MAX && (s = session_by_id((uint32_t)id)) != NULL &&
	    s->tunnel->primary && (in == NULL || s->tunnel == in))
		return s;
	for (t = in != NULL ? in : tunnel_first(); t != NULL;
	     t = in != NULL ? NULL : tunnel_next(t))
		if (t->primary && (s = cmd_session_first(t, word)) != NULL)
			return s;
	cmd_no_such_session(req, m, var, in);
	return NULL;
}

void
cmd_no_such_session(struct control_req *req, const struct cmd_match *m,
    const char *var, struct tunnel *in)
{
	const char *names[EXPECT_NAMES];
	struct tunnel *t;
	const struct session *s;
	size_t n = 0;
	int more = 0;

	cmd_err_word(m, var, "No such session", req->err);
	sbuf_puts(req->err, "\n% expected: a session name");
	for (t = in != NULL ? in : tunnel_first(); t != NULL;
	     t = in != NULL ? NULL : tunnel_next(t)) {
		if (!t->primary)
			continue;
		for (s = session_first(t); s != NULL; s = session_next(s))
			expect_add(names, &n, &more, s->conf->name);
	}
	expect_names(req->err, names, n, more);
	sbuf_puts(req->err, " or local session ID");
	if (in != NULL)
		sbuf_printf(req->err, " of tunnel %s", in->conf->name);
}

/*
 * `configure terminal` and its nodes: run-time changes to tunnels and
 * sessions, and `write memory`.
 *
 * A change is made on the text of what the operator set, as
 * config_print_flags() writes it (one "option = value" a line, every
 * tunnel and session a block, no defaults: values derived from others,
 * such as the MTU, are derived again), and the result is loaded by
 * config_load() exactly as a file would be: the same validation, the
 * same messages, and what runs is by construction what `write memory`
 * saves and a restart loads.  Which options exist, in which node, and
 * their grammar come from config.c's option table (cmd_table.c).  The
 * new configuration goes to tunnels_reload(), which restarts the tunnels
 * whose settings changed and leaves the others alone.
 *
 * A new tunnel usually cannot start from its name alone (it needs a
 * remote address), so its lines are kept with the client's node state
 * until the tunnel loads; then it starts.
 */
#include <config.h>

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/cmd_impl.h"
#include "daemon/conf_save.h"
#include "daemon/log.h"
#include "daemon/tunnel.h"

/* --- the configuration as text --------------------------------------- */

/* Where a block starts (its header line) and ends (after its closing
 * line), searching [from, to).  0, or -1 if there is none. */
static int
find_block(const char *text, size_t from, size_t to, const char *hdr,
    const char *close, size_t *start, size_t *end)
{
	const char *p = text + from, *c;

	for (; (p = strstr(p, hdr)) != NULL && (size_t)(p - text) < to; p++) {
		if (p != text && p[-1] != '\n')
			continue;
		for (c = p + strlen(hdr); (c = strstr(c, close)) != NULL; c++)
			if (c[-1] == '\n')
				break;
		if (c == NULL || (size_t)(c - text) >= to)
			return -1;
		*start = (size_t)(p - text);
		*end = (size_t)(c - text) + strlen(close);
		return 0;
	}
	return -1;
}

/* text[0, at) + ins + text[at + cut, ...), as a new string. */
static char *
text_splice(const char *text, size_t at, size_t cut, const char *ins)
{
	struct sbuf sb;

	sbuf_init(&sb);
	sbuf_putn(&sb, text, at);
	sbuf_puts(&sb, ins);
	sbuf_puts(&sb, text + at + cut);
	if (sb.failed) {
		sbuf_free(&sb);
		return NULL;
	}
	return sbuf_take(&sb);
}

/* Remove the lines "INDENT OPT = ..." of [start, *end); *end follows. */
static int
remove_option(
    char **text, size_t start, size_t *end, const char *indent, const char *opt)
{
	char prefix[128], *p, *nl, *next;
	size_t at, len;

	snprintf(prefix, sizeof(prefix), "%s%s = ", indent, opt);
	for (at = start; at < *end;) {
		p = *text + at;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) + 1 : strlen(p);
		if (strncmp(p, prefix, strlen(prefix)) != 0) {
			at += len;
			continue;
		}
		if ((next = text_splice(*text, at, len, "")) == NULL)
			return -1;
		free(*text);
		*text = next;
		*end -= len;
	}
	return 0;
}

/* "INDENT OPT OP "VALUE"\n", quoted as config_print quotes. */
static void
option_assign(struct sbuf *sb, const char *indent, const char *opt,
    const char *op, const char *value)
{
	const char *s;

	sbuf_printf(sb, "%s%s %s \"", indent, opt, op);
	for (s = value; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\' || *s == '$')
			sbuf_putc(sb, '\\');
		sbuf_putc(sb, *s);
	}
	sbuf_puts(sb, "\"\n");
}

static void
option_line(
    struct sbuf *sb, const char *indent, const char *opt, const char *value)
{
	option_assign(sb, indent, opt, "=", value);
}

/* "INDENT OPT OP "VALUE"" inserted at `at` (OP "+=": a list element). */
static int
insert_option(char **text, size_t at, const char *indent, const char *opt,
    const char *op, const char *value)
{
	struct sbuf line;
	char *next;

	sbuf_init(&line);
	option_assign(&line, indent, opt, op, value);
	next = line.failed ? NULL : text_splice(*text, at, 0, line.s);
	sbuf_free(&line);
	if (next == NULL)
		return -1;
	free(*text);
	*text = next;
	return 0;
}

/* Set (value != NULL) or remove an option right inside a block. */
static int
edit_option(char **text, size_t start, size_t end, const char *indent,
    const char *opt, const char *value)
{
	char *nl;
	size_t at;

	if (remove_option(text, start, &end, indent, opt) == -1)
		return -1;
	if (value == NULL)
		return 0;
	/* After the header line; the globals have none. */
	at = start;
	if (*indent != '\0' && (nl = strchr(*text + start, '\n')) != NULL)
		at = (size_t)(nl - *text) + 1;
	return insert_option(text, at, indent, opt, "=", value);
}

/* --- loading and applying -------------------------------------------- */

/* "/proc/self/fd/7:12: option 'x': why" -> "option 'x': why". */
static const char *
strip_location(const char *msg, const char *path)
{
	size_t n = strlen(path);
	const char *p;

	if (strncmp(msg, path, n) != 0 || msg[n] != ':')
		return msg;
	p = msg + n + 1;
	p += strspn(p, "0123456789");
	if (*p == ':')
		p++;
	return p + strspn(p, " ");
}

/*
 * Load a configuration from text as from its file: through a memfd, so
 * nothing touches the disk.  NULL and err filled on failure.
 */
static struct daemon_conf *
load_text(const char *text, struct sbuf *err)
{
	char path[64], msg[512];
	struct daemon_conf *dc;
	size_t len = strlen(text), done = 0;
	ssize_t n;
	int fd;

	if ((fd = memfd_create("l2tpv3d-candidate", MFD_CLOEXEC)) == -1) {
		sbuf_printf(
		    err, "%% cannot check the change: %s", strerror(errno));
		return NULL;
	}
	while (done < len) {
		if ((n = write(fd, text + done, len - done)) <= 0) {
			sbuf_printf(err, "%% cannot check the change: %s",
			    strerror(errno));
			close(fd);
			return NULL;
		}
		done += (size_t)n;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dc = config_load(path, msg, sizeof(msg));
	close(fd);
	if (dc == NULL)
		sbuf_printf(err, "%% %s", strip_location(msg, path));
	return dc;
}

/* Run the configuration in text: only if it loads. */
static int
apply_text(struct control_req *req, const char *text)
{
	struct daemon_conf *dc;

	if ((dc = load_text(text, req->err)) == NULL)
		return CTL_STATUS_ERROR;
	snprintf(dc->path, sizeof(dc->path), "%s", tunnels_conf()->path);
	tunnels_reload(dc);
	return CTL_STATUS_OK;
}

static char *
running(struct control_req *req)
{
	size_t len;
	char *text;

	if ((text = cmd_running_text(&len, 0)) == NULL)
		sbuf_puts(req->err, "% out of memory");
	return text;
}

static int
tunnel_block(const char *text, const char *name, size_t *start, size_t *end)
{
	char hdr[CONF_NAME_MAX + 16];

	snprintf(hdr, sizeof(hdr), "tunnel \"%s\" {\n", name);
	return find_block(text, 0, strlen(text), hdr, "}\n", start, end);
}

static int
session_block(const char *text, const char *tunnel, const char *name,
    size_t *start, size_t *end)
{
	char hdr[CONF_NAME_MAX + 16];
	size_t ts, te;

	if (tunnel_block(text, tunnel, &ts, &te) == -1)
		return -1;
	snprintf(hdr, sizeof(hdr), "\tsession \"%s\" {\n", name);
	return find_block(text, ts, te, hdr, "\t}\n", start, end);
}

static int
tunnel_exists(const char *name)
{
	return config_find_tunnel((struct daemon_conf *)tunnels_conf(), name) !=
	    NULL;
}

/* "option 'X': only applies with ..." about an option other than opt:
 * X in other.  A change of mode, encap or digest leaves such lines. */
static int
inapplicable(const char *why, const char *opt, char *other, size_t len)
{
	const char *p, *q;

	if (why == NULL || (p = strstr(why, "option '")) == NULL)
		return 0;
	p += strlen("option '");
	if ((q = strchr(p, '\'')) == NULL || (size_t)(q - p) >= len ||
	    strncmp(q, "': only applies with", 20) != 0)
		return 0;
	memcpy(other, p, (size_t)(q - p));
	other[q - p] = '\0';
	return strcmp(other, opt) != 0;
}

/*
 * Apply an edited configuration; options of the node's block that the
 * change made inapplicable (local-port after `encap ip`) are dropped,
 * as a router drops them when the mode changes.
 */
static int
apply_edit(struct control_req *req, char **text, const char *opt)
{
	struct control_cli *cli = req->cli;
	struct daemon_conf *dc;
	char other[64];
	struct sbuf why;
	size_t start, end;
	int i, sess = cli->node == CMD_NODE_SESSION, found;

	for (i = 0; i < 32; i++) {
		sbuf_init(&why);
		if ((dc = load_text(*text, &why)) != NULL) {
			sbuf_free(&why);
			snprintf(dc->path, sizeof(dc->path), "%s",
			    tunnels_conf()->path);
			tunnels_reload(dc);
			return CTL_STATUS_OK;
		}
		found = sess ? session_block(*text, cli->tunnel, cli->session,
				   &start, &end)
			     : tunnel_block(*text, cli->tunnel, &start, &end);
		if (!inapplicable(why.s, opt, other, sizeof(other)) ||
		    found == -1 ||
		    remove_option(
			text, start, &end, sess ? "\t\t" : "\t", other) == -1)
			break;
		sbuf_free(&why);
	}
	sbuf_puts(req->err, why.s != NULL ? why.s : "% cannot apply");
	sbuf_free(&why);
	return CTL_STATUS_ERROR;
}

/* --- a new tunnel, kept until it loads -------------------------------- */

/* The running configuration plus the pending tunnel's block. */
static char *
with_pending(struct control_req *req)
{
	struct sbuf sb;
	char *text;

	if ((text = running(req)) == NULL)
		return NULL;
	sbuf_init(&sb);
	sbuf_puts(&sb, text);
	sbuf_printf(&sb, "\ntunnel \"%s\" {\n%s}\n", req->cli->tunnel,
	    req->cli->pending);
	free(text);
	if (sb.failed) {
		sbuf_free(&sb);
		sbuf_puts(req->err, "% out of memory");
		return NULL;
	}
	return sbuf_take(&sb);
}

/* Start the pending tunnel if it is complete; else say what it lacks. */
static int
try_pending(struct control_req *req, const char *opt)
{
	struct daemon_conf *dc;
	struct sbuf why;
	char needle[96], *text;

	if ((text = with_pending(req)) == NULL)
		return CTL_STATUS_ERROR;
	sbuf_init(&why);
	dc = load_text(text, &why);
	free(text);
	if (dc != NULL) {
		snprintf(
		    dc->path, sizeof(dc->path), "%s", tunnels_conf()->path);
		tunnels_reload(dc);
		req->cli->pending[0] = '\0';
		sbuf_free(&why);
		return CTL_STATUS_OK;
	}
	snprintf(needle, sizeof(needle), "option '%s'", opt != NULL ? opt : "");
	if (opt != NULL && why.s != NULL && strstr(why.s, needle) != NULL) {
		sbuf_puts(req->err, why.s);
		sbuf_free(&why);
		return CTL_STATUS_ERROR;
	}
	sbuf_printf(req->out, "%% tunnel %s is not started yet: %s\n",
	    req->cli->tunnel, why.s != NULL ? why.s + 2 : "incomplete");
	sbuf_free(&why);
	return CTL_STATUS_OK;
}

/* The pending block with opt's line replaced (value) or removed. */
static char *
pending_with(const char *pending, const char *opt, const char *value)
{
	struct sbuf sb;
	char *text;
	size_t end;

	if ((text = strdup(pending)) == NULL)
		return NULL;
	end = strlen(text);
	if (edit_option(&text, 0, end, "\t", opt, NULL) == -1) {
		free(text);
		return NULL;
	}
	sbuf_init(&sb);
	sbuf_puts(&sb, text);
	free(text);
	if (value != NULL)
		option_line(&sb, "\t", opt, value);
	if (sb.failed) {
		sbuf_free(&sb);
		return NULL;
	}
	return sbuf_take(&sb);
}

/* Change a line of the pending block; the old text comes back on error. */
static int
pending_edit(struct control_req *req, const char *opt, const char *value)
{
	struct control_cli *cli = req->cli;
	char saved[CONTROL_PENDING_MAX], *text;
	int rc;

	if ((text = pending_with(cli->pending, opt, value)) == NULL) {
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	if (strlen(text) >= sizeof(cli->pending)) {
		free(text);
		sbuf_puts(req->err, "% too many options for a new tunnel");
		return CTL_STATUS_ERROR;
	}
	memcpy(saved, cli->pending, sizeof(saved));
	memcpy(cli->pending, text, strlen(text) + 1);
	free(text);
	if ((rc = try_pending(req, value != NULL ? opt : NULL)) !=
	    CTL_STATUS_OK)
		memcpy(cli->pending, saved, sizeof(saved));
	return rc;
}

void
cmd_config_leave(struct control_req *req)
{
	struct control_cli *cli = req->cli;

	if (cli->tunnel[0] != '\0' && !tunnel_exists(cli->tunnel))
		sbuf_printf(req->out,
		    "%% tunnel %s was never complete: discarded\n",
		    cli->tunnel);
	cli->pending[0] = '\0';
}

/* --- commands --------------------------------------------------------- */

int
cmd_configure(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;

	req->cli->node = CMD_NODE_CONFIG;
	return CTL_STATUS_OK;
}

int
cmd_tunnel_enter(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct control_cli *cli = req->cli;
	const char *name = cmd_arg(m, "TUNNEL");

	if (strlen(name) >= sizeof(cli->tunnel)) {
		sbuf_puts(req->err, "% tunnel name too long");
		return CTL_STATUS_ERROR;
	}
	if (cli->node & (CMD_NODE_TUNNEL | CMD_NODE_SESSION))
		cmd_config_leave(req);
	snprintf(cli->tunnel, sizeof(cli->tunnel), "%s", name);
	cli->session[0] = cli->pending[0] = '\0';
	cli->node = CMD_NODE_TUNNEL;
	if (tunnel_exists(name))
		return CTL_STATUS_OK;
	return try_pending(req, NULL);
}

int
cmd_tunnel_delete(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *name = cmd_arg(m, "TUNNEL");
	size_t start, end;
	char *text, *next;
	int rc;

	if ((text = running(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (tunnel_block(text, name, &start, &end) == -1) {
		free(text);
		sbuf_printf(req->err, "%% no such tunnel: %s", name);
		return CTL_STATUS_ERROR;
	}
	if ((next = text_splice(text, start, end - start, "")) == NULL) {
		free(text);
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	rc = apply_text(req, next);
	free(text);
	free(next);
	return rc;
}

int
cmd_session_enter(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct control_cli *cli = req->cli;
	const char *name = cmd_arg(m, "SESSION");
	size_t start, end;
	char block[CONF_NAME_MAX + 32], *text, *next;
	int rc = CTL_STATUS_OK;

	if (!tunnel_exists(cli->tunnel)) {
		sbuf_printf(req->err,
		    "%% tunnel %s must be complete before its sessions",
		    cli->tunnel);
		return CTL_STATUS_ERROR;
	}
	if (strlen(name) >= sizeof(cli->session)) {
		sbuf_puts(req->err, "% session name too long");
		return CTL_STATUS_ERROR;
	}
	if ((text = running(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (session_block(text, cli->tunnel, name, &start, &end) == -1) {
		/* New: an empty block before the tunnel's closing brace. */
		if (tunnel_block(text, cli->tunnel, &start, &end) == -1)
			rc = CTL_STATUS_ERROR;
		snprintf(
		    block, sizeof(block), "\n\tsession \"%s\" {\n\t}\n", name);
		next = rc == CTL_STATUS_OK
		    ? text_splice(text, end - 2, 0, block)
		    : NULL;
		rc = next != NULL ? apply_text(req, next) : CTL_STATUS_ERROR;
		free(next);
	}
	free(text);
	if (rc == CTL_STATUS_OK) {
		snprintf(cli->session, sizeof(cli->session), "%s", name);
		cli->node = CMD_NODE_SESSION;
	}
	return rc;
}

int
cmd_session_delete(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *name = cmd_arg(m, "SESSION");
	size_t start, end;
	char *text, *next = NULL;
	int rc = CTL_STATUS_ERROR;

	if ((text = running(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (session_block(text, req->cli->tunnel, name, &start, &end) == -1)
		sbuf_printf(req->err, "%% no such session: %s", name);
	else if ((next = text_splice(text, start, end - start, "")) == NULL)
		sbuf_puts(req->err, "% out of memory");
	else
		rc = apply_text(req, next);
	free(text);
	free(next);
	return rc;
}

/* Where the node's options are in text: [*start, *end), their indent,
 * and where a list element goes (before the block's closing line). */
static int
node_region(struct control_req *req, const char *text, size_t *start,
    size_t *end, size_t *append_at, const char **indent)
{
	struct control_cli *cli = req->cli;
	const char *first;

	switch (cli->node) {
	case CMD_NODE_CONFIG:
		/* The globals: everything before the first tunnel. */
		first = strstr(text, "\ntunnel \"");
		*start = 0;
		*end =
		    first != NULL ? (size_t)(first - text) + 1 : strlen(text);
		*append_at = *end;
		*indent = "";
		return 0;
	case CMD_NODE_SESSION:
		*indent = "\t\t";
		if (session_block(
			text, cli->tunnel, cli->session, start, end) == -1)
			break;
		*append_at = *end - strlen("\t}\n");
		return 0;
	default:
		*indent = "\t";
		if (tunnel_block(text, cli->tunnel, start, end) == -1)
			break;
		*append_at = *end - strlen("}\n");
		return 0;
	}
	sbuf_printf(req->err, "%% %s %s no longer exists",
	    cli->node == CMD_NODE_SESSION ? "session" : "tunnel",
	    cli->node == CMD_NODE_SESSION ? cli->session : cli->tunnel);
	return -1;
}

static enum conf_scope
node_scope(const struct control_req *req)
{
	switch (req->cli->node) {
	case CMD_NODE_CONFIG:
		return CONF_SCOPE_GLOBAL;
	case CMD_NODE_SESSION:
		return CONF_SCOPE_SESSION;
	}
	return CONF_SCOPE_TUNNEL;
}

/* An option of the node (the globals, a tunnel or a session), set or
 * back to its default; a list option's value is one more element. */
static int
node_option(struct control_req *req, const char *opt, const char *value)
{
	struct control_cli *cli = req->cli;
	struct conf_optinfo info;
	enum conf_scope scope = node_scope(req);
	const char *indent;
	size_t start, end, at;
	char *text;
	int rc, idx = config_opt_find(scope, opt), list;

	if (idx == -1 || !config_opt(scope, (size_t)idx, &info)) {
		sbuf_printf(req->err, "%% unknown option %s", opt);
		return CTL_STATUS_ERROR;
	}
	list = value != NULL && (info.flags & CONF_OPT_LIST);
	if (cli->node == CMD_NODE_TUNNEL && !tunnel_exists(cli->tunnel))
		return pending_edit(req, opt, value);
	if ((text = running(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (node_region(req, text, &start, &end, &at, &indent) == -1) {
		free(text);
		return CTL_STATUS_ERROR;
	}
	if ((list ? insert_option(&text, at, indent, opt, "+=", value)
		  : edit_option(&text, start, end, indent, opt, value)) == -1) {
		free(text);
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	rc = scope == CONF_SCOPE_GLOBAL ? apply_text(req, text)
					: apply_edit(req, &text, opt);
	free(text);
	if (rc == CTL_STATUS_OK && info.apply == CONF_APPLY_START)
		sbuf_printf(req->out,
		    "%% %s: in the running configuration; it takes effect at "
		    "the next start\n",
		    opt);
	return rc;
}

/* The value the words after the option's name spell: keywords in full
 * ("dyn" is dynamic), the rest as typed. */
int
cmd_set_option(const struct cmd_match *m, void *arg)
{
	struct sbuf v;
	int i, rc;

	sbuf_init(&v);
	for (i = 1; i < m->nwords; i++)
		sbuf_printf(&v, "%s%s", i > 1 ? " " : "",
		    m->tok[i]->kind == CMD_TOK_KEYWORD ? m->tok[i]->text
						       : m->words[i]);
	if (v.failed) {
		sbuf_free(&v);
		sbuf_puts(((struct control_req *)arg)->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	rc = node_option(arg, m->tok[0]->text, v.s != NULL ? v.s : "");
	sbuf_free(&v);
	return rc;
}

int
cmd_unset_option(const struct cmd_match *m, void *arg)
{
	return node_option(arg, m->tok[1]->text, NULL);
}

/* --- write memory ----------------------------------------------------- */

/* The file is written off the event loop (conf_save.c); the client's
 * answer waits for it. */
struct write_memory {
	struct control_later *later;
	char path[CONF_PATH_MAX];
};

static void
write_memory_done(void *arg, const char *err)
{
	struct write_memory *w = arg;
	char ok[CONF_PATH_MAX + 32];

	if (err != NULL)
		log_warnx("write memory: %s", err + 2);
	else
		log_info("configuration written to %s", w->path);
	snprintf(ok, sizeof(ok), "Configuration saved to %s\n", w->path);
	if (w->later != NULL)
		control_answer_later(w->later,
		    err != NULL ? CTL_STATUS_ERROR : CTL_STATUS_OK,
		    err != NULL ? NULL : ok, err);
	free(w);
}

int
cmd_write_memory(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *path = tunnels_conf()->path;
	struct write_memory *w;
	char *text, err[CONF_PATH_MAX + 128];

	(void)m;
	if ((text = running(req)) == NULL)
		return CTL_STATUS_ERROR;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		free(text);
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	snprintf(w->path, sizeof(w->path), "%s", path);
	if (conf_save_start(tunnels_base(), path, text, write_memory_done, w,
		err, sizeof(err)) == -1) {
		free(w);
		sbuf_puts(req->err, err);
		return CTL_STATUS_ERROR;
	}
	/* Without a handle (out of memory) the answer cannot wait: say the
	 * write has started; the log says how it ended. */
	if ((w->later = control_defer(req)) == NULL)
		sbuf_printf(
		    req->out, "Writing the configuration to %s\n", path);
	return CTL_STATUS_OK;
}

/*
 * `configure terminal` and its nodes: run-time changes to tunnels and
 * sessions, `commit`, `abort`, `show configuration diff`, and `write
 * memory`.
 *
 * Each client in configure mode edits a candidate configuration of its
 * own (control_cli.candidate): a struct daemon_conf, validated at every
 * edit; what runs changes only at `commit` (or on leaving configure
 * mode, or when the client goes), which applies the difference through
 * conf_apply() -> tunnels_reload(): only the objects that changed, each
 * the least disruptive way (conf_diff.h says which, from the option
 * table).
 *
 * An edit is made on the candidate's text, as config_print_flags()
 * writes it (one "option = value" a line, every tunnel and session a
 * block, no defaults: values derived from others, such as the MTU, are
 * derived again), and the result is loaded by config_load() exactly as a
 * file would be: the same validation, the same messages.  That is, the
 * candidate is held structured but goes through the printer and the
 * loader at each edit, to have one validator.  The load runs on
 * conf_load.c's worker thread; the client's answer waits for it
 * (control_defer) while the loop serves everyone else.  Which options
 * exist, in which node, and their grammar come from config.c's option
 * table (cmd_table.c).
 *
 * A new tunnel usually cannot be valid from its name alone (it needs a
 * remote address), so its lines are kept with the client's node state
 * until they load; then the tunnel is in the candidate.
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
#include "daemon/conf_diff.h"
#include "daemon/conf_load.h"
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

/* --- the candidate ----------------------------------------------------- */

/* What the client's edits start from: its candidate, else what runs. */
static struct daemon_conf *
cand_conf(const struct control_cli *cli)
{
	return cli->candidate != NULL ? cli->candidate
				      : (struct daemon_conf *)tunnels_conf();
}

static char *
cand_text(struct control_req *req)
{
	char *text;

	if ((text = config_text(cand_conf(req->cli), 0)) == NULL)
		sbuf_puts(req->err, "% out of memory");
	return text;
}

static int
tunnel_exists(const struct control_cli *cli, const char *name)
{
	return config_find_tunnel(cand_conf(cli), name) != NULL;
}

/* Running changed since the candidate began: its commit would undo that
 * change (another client's commit, a SIGHUP), so it is refused. */
#define STALE_MSG \
	"% the running configuration changed since this candidate began " \
	"(a commit or a reload): abort, then make the change again"

static void
cand_drop(struct control_cli *cli)
{
	config_free(cli->candidate);
	cli->candidate = NULL;
	cli->pending[0] = '\0';
}

/*
 * What a commit does is found off the loop too: conf_diff() prints every
 * tunnel of both configurations, 200 ms at 10 000 tunnels.  A diff job
 * takes the candidate from its client while the worker reads it (the
 * client is deferred meanwhile); the running configuration is only ever
 * replaced by a job's done callback (conf_apply()), so it stays as it is
 * while a job works.
 */
enum diff_kind {
	DIFF_SHOW, /* show configuration diff */
	DIFF_CHECK, /* commit check */
	DIFF_COMMIT, /* commit */
	DIFF_LEAVE, /* commit, then the top node (end, exit) */
	DIFF_GONE, /* commit: the client has gone */
};

struct diff_job {
	struct control_later *later; /* NULL: DIFF_GONE */
	enum diff_kind kind;
	struct daemon_conf *cand;
	unsigned long gen; /* the candidate's base */
	struct sbuf diff;
	struct sbuf what;
	int changes;
};

static void
diff_work(void *arg)
{
	struct diff_job *j = arg;

	j->changes = conf_diff(tunnels_conf(), j->cand,
	    j->kind == DIFF_SHOW ? &j->diff : NULL, &j->what);
}

/* The answer of show/check/commit: the lines, then what it does. */
static void
diff_answer(struct diff_job *j, struct control_cli *cli, struct sbuf *out)
{
	if (j->kind == DIFF_SHOW && j->diff.len > 0)
		sbuf_putn(out, j->diff.s, j->diff.len);
	if (j->changes == 0)
		sbuf_puts(out, "% no changes\n");
	else {
		if (j->kind == DIFF_SHOW || j->kind == DIFF_CHECK)
			sbuf_puts(out, "% what a commit does:\n");
		sbuf_putn(out, j->what.s, j->what.len);
	}
	if (cli->pending[0] != '\0')
		sbuf_printf(out,
		    "%% tunnel %s is not complete: not in the candidate\n",
		    cli->tunnel);
}

static void
diff_done(void *arg)
{
	struct diff_job *j = arg;
	struct control_cli *cli =
	    j->later != NULL ? control_later_cli(j->later) : NULL;
	int stale = j->gen != conf_generation(), status = CTL_STATUS_OK;
	int apply = j->kind >= DIFF_COMMIT || cli == NULL;
	const char *err = NULL;
	struct sbuf out;

	sbuf_init(&out);
	if (cli != NULL)
		diff_answer(j, cli, &out);
	if (apply && !stale) {
		conf_apply(j->cand, j->what.s);
		j->cand = NULL;
		if (cli != NULL && j->kind == DIFF_LEAVE) {
			cli->node = CMD_NODE_VIEW;
			cli->tunnel[0] = cli->session[0] = '\0';
			cli->pending[0] = '\0';
		}
	} else if (apply && cli == NULL)
		log_warnx("a control client left with a candidate "
			  "configuration: %s",
		    &STALE_MSG[2]);
	if (cli != NULL && (stale || !apply)) {
		/* Back to its client. */
		cli->candidate = j->cand;
		j->cand = NULL;
		if (stale && j->kind != DIFF_SHOW) {
			status = CTL_STATUS_ERROR;
			err = STALE_MSG;
		} else if (stale)
			sbuf_printf(&out, "%s\n", STALE_MSG);
		else if (j->kind == DIFF_CHECK)
			sbuf_puts(&out, "% the candidate is valid\n");
	}
	if (j->later != NULL)
		control_answer_later(
		    j->later, status, out.len > 0 ? out.s : NULL, err);
	sbuf_free(&out);
	config_free(j->cand);
	sbuf_free(&j->diff);
	sbuf_free(&j->what);
	free(j);
}

/*
 * Queue a diff job of the client's candidate (req NULL: the client is
 * going, cli is its state).  CTL_STATUS_OK when the answer will come
 * later; an error status (req->err filled) otherwise.
 */
static int
diff_start(
    struct control_req *req, struct control_cli *cli, enum diff_kind kind)
{
	struct diff_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (req != NULL && (j->later = control_defer(req)) == NULL)) {
		free(j);
		if (req != NULL)
			sbuf_puts(req->err, "% out of memory");
		else
			log_warnx("a control client left with a candidate "
				  "configuration: out of memory");
		return CTL_STATUS_ERROR;
	}
	j->kind = kind;
	j->cand = cli->candidate;
	j->gen = cli->cand_gen;
	cli->candidate = NULL;
	sbuf_init(&j->diff);
	sbuf_init(&j->what);
	if (conf_load_queue(tunnels_base(), diff_work, diff_done, j) == -1) {
		j->changes = -1;
		sbuf_puts(&j->what, "% out of memory: not applied\n");
		j->kind = DIFF_SHOW; /* the candidate goes back */
		diff_done(j);
	}
	return CTL_STATUS_OK;
}

void
control_cli_gone(struct control_cli *cli, int commit)
{
	/* Leaving configure mode commits; so does going away. */
	if (commit && cli->candidate != NULL &&
	    diff_start(NULL, cli, DIFF_GONE) == CTL_STATUS_OK)
		cli->candidate = NULL;
	cand_drop(cli);
}

/* --- edits, validated off the loop --------------------------------------- */

/*
 * One edit's validation: the candidate's text with the change, loaded on
 * the worker (edit_work), the outcome handed to the client on the loop
 * (edit_done).  Everything the worker reads is the job's own.
 */
struct edit_job {
	struct control_later *later;
	char *text; /* the candidate with the change */
	char opt[64]; /* the option set ("": none) */
	int value; /* opt was given a value (not `no`) */
	int drop_inapplicable; /* drop what the change made inapplicable */
	int sess; /* the node is a session: its block, else the tunnel's */
	int pending; /* text carries a new tunnel's lines */
	char tunnel[CONTROL_NAME_MAX];
	char session[CONTROL_NAME_MAX];
	char enter_session[CONTROL_NAME_MAX]; /* enter it once valid */
	char new_pending[CONTROL_PENDING_MAX];
	char note[160]; /* said on success */
	unsigned long base_gen;
	/* From the worker. */
	struct daemon_conf *dc;
	struct sbuf why;
};

/*
 * Options of the node's block that the change made inapplicable
 * (local-port after `encap ip`) are dropped, as a router drops them when
 * the mode changes; each drop is one more load.
 */
static void
edit_work(void *arg)
{
	struct edit_job *j = arg;
	char other[64];
	size_t start, end;
	int i, found;

	for (i = 0; i < 32; i++) {
		sbuf_reset(&j->why);
		if ((j->dc = load_text(j->text, &j->why)) != NULL)
			return;
		if (!j->drop_inapplicable ||
		    !inapplicable(j->why.s, j->opt, other, sizeof(other)))
			return;
		found = j->sess
		    ? session_block(
			  j->text, j->tunnel, j->session, &start, &end)
		    : tunnel_block(j->text, j->tunnel, &start, &end);
		if (found == -1 ||
		    remove_option(&j->text, start, &end,
			j->sess ? "\t\t" : "\t", other) == -1)
			return;
	}
}

static void
edit_free(struct edit_job *j)
{
	config_free(j->dc);
	sbuf_free(&j->why);
	free(j->text);
	free(j);
}

/* A new tunnel that does not load yet: why, unless the option just set
 * is what is wrong (then its message, as an error). */
static int
pending_outcome(struct edit_job *j, struct control_cli *cli, struct sbuf *out,
    const char **err)
{
	char needle[96];

	snprintf(needle, sizeof(needle), "option '%s'", j->opt);
	if (j->value && j->opt[0] != '\0' && j->why.s != NULL &&
	    strstr(j->why.s, needle) != NULL) {
		*err = j->why.s;
		return CTL_STATUS_ERROR;
	}
	snprintf(cli->pending, sizeof(cli->pending), "%s", j->new_pending);
	sbuf_printf(out, "%% tunnel %s is not started yet: %s\n", j->tunnel,
	    j->why.s != NULL ? j->why.s + 2 : "incomplete");
	return CTL_STATUS_OK;
}

static void
edit_done(void *arg)
{
	struct edit_job *j = arg;
	struct control_cli *cli = control_later_cli(j->later);
	const char *err = NULL;
	struct sbuf out;
	int status = CTL_STATUS_OK;

	sbuf_init(&out);
	if (cli == NULL) {
		/* The client went before the answer: it commits as it
		 * leaves, what it set last included. */
		if (j->dc != NULL) {
			struct control_cli gone = { 0 };

			snprintf(j->dc->path, sizeof(j->dc->path), "%s",
			    tunnels_conf()->path);
			gone.candidate = j->dc;
			gone.cand_gen = j->base_gen;
			j->dc = NULL;
			control_cli_gone(&gone, 1);
		}
	} else if (j->dc != NULL) {
		if (cli->candidate == NULL)
			cli->cand_gen = j->base_gen;
		/* It came from a memfd; it is the file's. */
		snprintf(j->dc->path, sizeof(j->dc->path), "%s",
		    tunnels_conf()->path);
		config_free(cli->candidate);
		cli->candidate = j->dc;
		j->dc = NULL;
		if (j->pending)
			cli->pending[0] = '\0';
		if (j->enter_session[0] != '\0') {
			snprintf(cli->session, sizeof(cli->session), "%s",
			    j->enter_session);
			cli->node = CMD_NODE_SESSION;
		}
		sbuf_puts(&out, j->note);
	} else if (j->pending)
		status = pending_outcome(j, cli, &out, &err);
	else {
		status = CTL_STATUS_ERROR;
		err = j->why.s != NULL ? j->why.s : "% cannot apply";
	}
	control_answer_later(j->later, status, out.len > 0 ? out.s : NULL, err);
	sbuf_free(&out);
	edit_free(j);
}

static struct edit_job *
edit_new(struct control_req *req, char *text)
{
	struct edit_job *j;

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		free(text);
		sbuf_puts(req->err, "% out of memory");
		return NULL;
	}
	j->text = text;
	sbuf_init(&j->why);
	j->base_gen = req->cli->candidate != NULL ? req->cli->cand_gen
						  : conf_generation();
	snprintf(j->tunnel, sizeof(j->tunnel), "%s", req->cli->tunnel);
	snprintf(j->session, sizeof(j->session), "%s", req->cli->session);
	return j;
}

/* Validate the job's text on the worker; the answer waits for it. */
static int
edit_start(struct control_req *req, struct edit_job *j)
{
	if ((j->later = control_defer(req)) == NULL) {
		edit_free(j);
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	if (conf_load_queue(tunnels_base(), edit_work, edit_done, j) == -1) {
		/* The answer is the job's to give, now. */
		sbuf_puts(&j->why, "% out of memory");
		edit_done(j);
	}
	return CTL_STATUS_OK;
}

/* The candidate becomes text, whole (takes text over). */
static int
edit_text(struct control_req *req, char *text)
{
	struct edit_job *j;

	if ((j = edit_new(req, text)) == NULL)
		return CTL_STATUS_ERROR;
	return edit_start(req, j);
}

/* --- a new tunnel, kept until it loads -------------------------------- */

/* The candidate plus the new tunnel's lines. */
static char *
with_pending(struct control_req *req, const char *pending)
{
	struct sbuf sb;
	char *text;

	if ((text = cand_text(req)) == NULL)
		return NULL;
	sbuf_init(&sb);
	sbuf_puts(&sb, text);
	sbuf_printf(&sb, "\ntunnel \"%s\" {\n%s}\n", req->cli->tunnel, pending);
	free(text);
	if (sb.failed) {
		sbuf_free(&sb);
		sbuf_puts(req->err, "% out of memory");
		return NULL;
	}
	return sbuf_take(&sb);
}

/* Put the new tunnel in the candidate if it is complete; else say what
 * it lacks.  opt: the option just set, if any. */
static int
try_pending(struct control_req *req, const char *pending, const char *opt)
{
	struct edit_job *j;
	char *text;

	if ((text = with_pending(req, pending)) == NULL ||
	    (j = edit_new(req, text)) == NULL)
		return CTL_STATUS_ERROR;
	j->pending = 1;
	j->value = opt != NULL;
	snprintf(j->opt, sizeof(j->opt), "%s", opt != NULL ? opt : "");
	snprintf(j->new_pending, sizeof(j->new_pending), "%s", pending);
	return edit_start(req, j);
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

/* Change a line of the pending block; it stays as it was on error. */
static int
pending_edit(struct control_req *req, const char *opt, const char *value)
{
	char *text;
	int rc;

	if ((text = pending_with(req->cli->pending, opt, value)) == NULL) {
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	if (strlen(text) >= sizeof(req->cli->pending)) {
		free(text);
		sbuf_puts(req->err, "% too many options for a new tunnel");
		return CTL_STATUS_ERROR;
	}
	rc = try_pending(req, text, value != NULL ? opt : NULL);
	free(text);
	return rc;
}

void
cmd_config_leave(struct control_req *req)
{
	struct control_cli *cli = req->cli;

	if (cli->tunnel[0] != '\0' && !tunnel_exists(cli, cli->tunnel))
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
	if (tunnel_exists(cli, name))
		return CTL_STATUS_OK;
	return try_pending(req, "", NULL);
}

int
cmd_tunnel_delete(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *name = cmd_arg(m, "TUNNEL");
	size_t start, end;
	char *text, *next;

	if ((text = cand_text(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (tunnel_block(text, name, &start, &end) == -1) {
		free(text);
		sbuf_printf(req->err, "%% no such tunnel: %s", name);
		return CTL_STATUS_ERROR;
	}
	next = text_splice(text, start, end - start, "");
	free(text);
	if (next == NULL) {
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	return edit_text(req, next);
}

int
cmd_session_enter(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct control_cli *cli = req->cli;
	const char *name = cmd_arg(m, "SESSION");
	size_t start, end;
	char block[CONF_NAME_MAX + 32], *text, *next;
	struct edit_job *j;

	if (!tunnel_exists(cli, cli->tunnel)) {
		sbuf_printf(req->err,
		    "%% tunnel %s must be complete before its sessions",
		    cli->tunnel);
		return CTL_STATUS_ERROR;
	}
	if (strlen(name) >= sizeof(cli->session)) {
		sbuf_puts(req->err, "% session name too long");
		return CTL_STATUS_ERROR;
	}
	if ((text = cand_text(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (session_block(text, cli->tunnel, name, &start, &end) == 0) {
		free(text);
		snprintf(cli->session, sizeof(cli->session), "%s", name);
		cli->node = CMD_NODE_SESSION;
		return CTL_STATUS_OK;
	}
	/* New: an empty block before the tunnel's closing brace. */
	next = NULL;
	if (tunnel_block(text, cli->tunnel, &start, &end) == 0) {
		snprintf(
		    block, sizeof(block), "\n\tsession \"%s\" {\n\t}\n", name);
		next = text_splice(text, end - 2, 0, block);
	}
	free(text);
	if (next == NULL) {
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
	if ((j = edit_new(req, next)) == NULL)
		return CTL_STATUS_ERROR;
	snprintf(j->enter_session, sizeof(j->enter_session), "%s", name);
	return edit_start(req, j);
}

int
cmd_session_delete(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	const char *name = cmd_arg(m, "SESSION");
	size_t start, end;
	char *text, *next = NULL;

	if ((text = cand_text(req)) == NULL)
		return CTL_STATUS_ERROR;
	if (session_block(text, req->cli->tunnel, name, &start, &end) == -1)
		sbuf_printf(req->err, "%% no such session: %s", name);
	else if ((next = text_splice(text, start, end - start, "")) == NULL)
		sbuf_puts(req->err, "% out of memory");
	free(text);
	return next != NULL ? edit_text(req, next) : CTL_STATUS_ERROR;
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
	struct edit_job *j;
	const char *indent;
	size_t start, end, at;
	char *text;
	int idx = config_opt_find(scope, opt), list;

	if (idx == -1 || !config_opt(scope, (size_t)idx, &info)) {
		sbuf_printf(req->err, "%% unknown option %s", opt);
		return CTL_STATUS_ERROR;
	}
	list = value != NULL && (info.flags & CONF_OPT_LIST);
	if (cli->node == CMD_NODE_TUNNEL && !tunnel_exists(cli, cli->tunnel))
		return pending_edit(req, opt, value);
	if ((text = cand_text(req)) == NULL)
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
	if ((j = edit_new(req, text)) == NULL)
		return CTL_STATUS_ERROR;
	snprintf(j->opt, sizeof(j->opt), "%s", opt);
	j->value = value != NULL;
	j->drop_inapplicable = scope != CONF_SCOPE_GLOBAL;
	j->sess = cli->node == CMD_NODE_SESSION;
	if (info.apply == CONF_APPLY_START)
		snprintf(j->note, sizeof(j->note),
		    "%% %s: read at start only: once committed, it takes "
		    "effect at the next start\n",
		    opt);
	return edit_start(req, j);
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

/* --- commit, abort, the difference --------------------------------- */

/* A diff job of the candidate, or the answer when there is none. */
static int
cand_diff(struct control_req *req, enum diff_kind kind)
{
	struct control_cli *cli = req->cli;

	if (cli->candidate != NULL)
		return diff_start(req, cli, kind);
	sbuf_puts(req->out, "% no changes\n");
	if (cli->pending[0] != '\0')
		sbuf_printf(req->out,
		    "%% tunnel %s is not complete: not in the candidate\n",
		    cli->tunnel);
	return CTL_STATUS_OK;
}

int
cmd_show_candidate(const struct cmd_match *m, void *arg)
{
	(void)m;
	return cand_diff(arg, DIFF_SHOW);
}

int
cmd_commit(const struct cmd_match *m, void *arg)
{
	/* Every edit was validated as it was made: the candidate loads;
	 * what check adds is whether it may still run. */
	return cand_diff(
	    arg, m != NULL && m->nwords > 1 ? DIFF_CHECK : DIFF_COMMIT);
}

int
cmd_config_commit_leave(struct control_req *req)
{
	if (req->cli->candidate == NULL)
		return 0;
	return diff_start(req, req->cli, DIFF_LEAVE) == CTL_STATUS_OK ? 1 : -1;
}

int
cmd_abort(const struct cmd_match *m, void *arg)
{
	struct control_req *req = arg;
	struct control_cli *cli = req->cli;

	(void)m;
	sbuf_puts(req->out,
	    cli->candidate != NULL || cli->pending[0] != '\0'
		? "% candidate dropped\n"
		: "% no changes\n");
	cand_drop(cli);
	cli->node = CMD_NODE_VIEW;
	cli->tunnel[0] = cli->session[0] = '\0';
	return CTL_STATUS_OK;
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
	if ((text = config_text(tunnels_conf(), 0)) == NULL) {
		sbuf_puts(req->err, "% out of memory");
		return CTL_STATUS_ERROR;
	}
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

/*
 * The command grammar (see cmd.h).
 *
 * A syntax string is split into lexemes, its words become tokens (each
 * with its help line), and the brackets are expanded into every token
 * sequence they allow: "show tunnel [T] [detail]" gives four.  A table of
 * a few dozen commands yields a few hundred short sequences, so a linear
 * walk over them answers a request in microseconds, and one walk serves
 * matching, completion and help alike.
 *
 * Matching scores each word against its token: an exact keyword beats a
 * variable naming a live object, which beats a keyword prefix, which
 * beats any other variable.  The best score vector (compared word by
 * word) wins; equal best scores from two commands are ambiguous, and so
 * is a prefix that two keywords share at the same place ("c" for clear
 * and configure), as on a router.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd.h"

#define SCORE_NONE 0
#define SCORE_VAR 1
#define SCORE_PREFIX 2
#define SCORE_LIVE 3
#define SCORE_EXACT 4

/* Expansion may not explode: a table bug, reported at build time. */
#define CMD_MAX_SEQS_PER_DEF 4096
#define CMD_MAX_LEX 128

struct cmd_seq {
	const struct cmd_def *def;
	int ntok;
	const struct cmd_tok *tok[CMD_MAX_TOKENS];
};

struct cmd_tree {
	struct cmd_tok **toks;
	size_t ntoks;
	struct cmd_seq *seqs;
	size_t nseqs, capseqs;
};

/* --- compiling ------------------------------------------------------- */

struct lexeme {
	char punct; /* one of "[]()|", or 0 for a word */
	struct cmd_tok *tok;
};

/* A list of partial sequences during expansion. */
struct slist {
	struct cmd_seq *v;
	size_t n, cap;
};

struct compiler {
	struct lexeme lex[CMD_MAX_LEX];
	int nlex;
	int pos;
	char *why;
	size_t whylen;
	const struct cmd_def *def;
};

static int
compile_error(struct compiler *c, const char *what)
{
	snprintf(c->why, c->whylen, "command \"%s\": %s", c->def->syntax, what);
	return -1;
}

static int
slist_push(struct slist *l, const struct cmd_seq *s)
{
	struct cmd_seq *v;
	size_t cap;

	if (l->n == l->cap) {
		cap = l->cap == 0 ? 8 : l->cap * 2;
		if (cap > CMD_MAX_SEQS_PER_DEF)
			return -1;
		if ((v = realloc(l->v, cap * sizeof(*v))) == NULL)
			return -1;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = *s;
	return 0;
}

static void
slist_free(struct slist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int
range_parse(struct cmd_tok *t)
{
	char *end;

	errno = 0;
	t->lo = strtoul(t->text + 1, &end, 10);
	if (errno != 0 || *end != '-')
		return -1;
	t->hi = strtoul(end + 1, &end, 10);
	if (errno != 0 || strcmp(end, ">") != 0 || t->hi < t->lo)
		return -1;
	return 0;
}

static struct cmd_tok *
tok_new(struct cmd_tree *tree, const char *text, size_t len)
{
	struct cmd_tok **v, *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->text = strndup(text, len)) == NULL) {
		free(t);
		return NULL;
	}
	if (t->text[0] == '<')
		t->kind = CMD_TOK_RANGE;
	else if (isupper((unsigned char)t->text[0]))
		t->kind = CMD_TOK_VAR;
	else
		t->kind = CMD_TOK_KEYWORD;
	if ((v = realloc(tree->toks, (tree->ntoks + 1) * sizeof(*v))) == NULL) {
		free(t->text);
		free(t);
		return NULL;
	}
	tree->toks = v;
	tree->toks[tree->ntoks++] = t;
	return t;
}

/* Split the syntax into lexemes and give each word its help line. */
static int
lex_syntax(struct compiler *c, struct cmd_tree *tree)
{
	const char *s = c->def->syntax, *help = c->def->help, *nl;
	struct cmd_tok *t;
	size_t len;

	for (c->nlex = 0; *s != '\0';) {
		if (*s == ' ') {
			s++;
			continue;
		}
		if (c->nlex == CMD_MAX_LEX)
			return compile_error(c, "too long");
		if (strchr("[]()|", *s) != NULL) {
			c->lex[c->nlex].tok = NULL;
			c->lex[c->nlex++].punct = *s++;
			continue;
		}
		len = *s == '<' ? strcspn(s, ">") + 1 : strcspn(s, " []()|");
		if ((t = tok_new(tree, s, len)) == NULL)
			return compile_error(c, "out of memory");
		if (t->kind == CMD_TOK_RANGE && range_parse(t) == -1)
			return compile_error(c, "bad range");
		if (help == NULL || *help == '\0')
			return compile_error(c, "a token has no help line");
		nl = strchr(help, '\n');
		len = nl != NULL ? (size_t)(nl - help) : strlen(help);
		if ((t->help = strndup(help, len)) == NULL)
			return compile_error(c, "out of memory");
		help = nl != NULL ? nl + 1 : help + len;
		c->lex[c->nlex].punct = 0;
		c->lex[c->nlex++].tok = t;
		s += strlen(t->text);
	}
	if (help != NULL && *help != '\0')
		return compile_error(c, "more help lines than tokens");
	return 0;
}

static int parse_alts(struct compiler *, struct slist *);

/* Every concatenation of a sequence of cur with one of add. */
static int
cross(struct compiler *c, struct slist *cur, const struct slist *add)
{
	struct slist out = { NULL, 0, 0 };
	struct cmd_seq s;
	size_t i, j;
	int k;

	for (i = 0; i < cur->n; i++) {
		for (j = 0; j < add->n; j++) {
			s = cur->v[i];
			if (s.ntok + add->v[j].ntok > CMD_MAX_TOKENS) {
				slist_free(&out);
				return compile_error(c, "too many tokens");
			}
			for (k = 0; k < add->v[j].ntok; k++)
				s.tok[s.ntok++] = add->v[j].tok[k];
			if (slist_push(&out, &s) == -1) {
				slist_free(&out);
				return compile_error(c, "expands too much");
			}
		}
	}
	slist_free(cur);
	*cur = out;
	return 0;
}

/* Append one word to every sequence of out. */
static int
append_word(struct compiler *c, struct slist *out, const struct cmd_tok *t)
{
	size_t i;

	for (i = 0; i < out->n; i++) {
		if (out->v[i].ntok == CMD_MAX_TOKENS)
			return compile_error(c, "too many tokens");
		out->v[i].tok[out->v[i].ntok++] = t;
	}
	return 0;
}

/* A bracketed group: its alternatives, and nothing when optional. */
static int
parse_group(struct compiler *c, struct slist *out)
{
	struct cmd_seq empty = { c->def, 0, { NULL } };
	struct slist sub = { NULL, 0, 0 };
	char open = c->lex[c->pos++].punct;
	char close = open == '[' ? ']' : ')';
	int rc = -1;

	if (parse_alts(c, &sub) == -1)
		goto done;
	if (c->pos >= c->nlex || c->lex[c->pos].punct != close) {
		compile_error(c, "unbalanced brackets");
		goto done;
	}
	c->pos++;
	if (open == '[' && slist_push(&sub, &empty) == -1) {
		compile_error(c, "expands too much");
		goto done;
	}
	rc = cross(c, out, &sub);
done:
	slist_free(&sub);
	return rc;
}

/* A sequence of items up to '|', ']', ')' or the end. */
static int
parse_seq(struct compiler *c, struct slist *out)
{
	struct cmd_seq empty = { c->def, 0, { NULL } };
	char p;

	if (slist_push(out, &empty) == -1)
		return compile_error(c, "out of memory");
	while (c->pos < c->nlex) {
		p = c->lex[c->pos].punct;
		if (p == '|' || p == ']' || p == ')')
			return 0;
		if (p == 0) {
			if (append_word(c, out, c->lex[c->pos++].tok) == -1)
				return -1;
		} else if (parse_group(c, out) == -1)
			return -1;
	}
	return 0;
}

static int
parse_alts(struct compiler *c, struct slist *out)
{
	struct slist alt = { NULL, 0, 0 };
	size_t i;

	if (parse_seq(c, out) == -1)
		return -1;
	while (c->pos < c->nlex && c->lex[c->pos].punct == '|') {
		c->pos++;
		alt.n = 0;
		if (parse_seq(c, &alt) == -1)
			goto fail;
		for (i = 0; i < alt.n; i++)
			if (slist_push(out, &alt.v[i]) == -1)
				goto fail;
	}
	slist_free(&alt);
	return 0;
fail:
	slist_free(&alt);
	return compile_error(c, "expands too much");
}

static int
tree_add(struct cmd_tree *tree, const struct slist *l)
{
	struct cmd_seq *v;
	size_t cap, i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i].ntok == 0)
			continue; /* "[x]" alone would match an empty line */
		if (tree->nseqs == tree->capseqs) {
			cap = tree->capseqs == 0 ? 64 : tree->capseqs * 2;
			if ((v = realloc(tree->seqs, cap * sizeof(*v))) == NULL)
				return -1;
			tree->seqs = v;
			tree->capseqs = cap;
		}
		tree->seqs[tree->nseqs++] = l->v[i];
	}
	return 0;
}

struct cmd_tree *
cmd_tree_new(const struct cmd_def *defs, size_t n, char *why, size_t whylen)
{
	struct cmd_tree *tree;
	struct compiler c;
	struct slist l = { NULL, 0, 0 };
	size_t i;

	if ((tree = calloc(1, sizeof(*tree))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		memset(&c, 0, sizeof(c));
		c.why = why;
		c.whylen = whylen;
		c.def = &defs[i];
		l.n = 0;
		if (lex_syntax(&c, tree) == -1 || parse_alts(&c, &l) == -1)
			goto fail;
		if (c.pos != c.nlex) {
			compile_error(&c, "unbalanced brackets");
			goto fail;
		}
		if (tree_add(tree, &l) == -1) {
			compile_error(&c, "out of memory");
			goto fail;
		}
	}
	slist_free(&l);
	return tree;
fail:
	slist_free(&l);
	cmd_tree_free(tree);
	return NULL;
}

void
cmd_tree_free(struct cmd_tree *tree)
{
	size_t i;

	if (tree == NULL)
		return;
	for (i = 0; i < tree->ntoks; i++) {
		free(tree->toks[i]->text);
		free(tree->toks[i]->help);
		free(tree->toks[i]);
	}
	free(tree->toks);
	free(tree->seqs);
	free(tree);
}

/* --- live names ------------------------------------------------------ */

struct live_probe {
	const char *word;
	int found;
};

static void
probe_add(void *arg, const char *name)
{
	struct live_probe *p = arg;

	if (strcmp(p->word, name) == 0)
		p->found = 1;
}

/* Scores of words against the sequence being looked at, with a context
 * of what the earlier words bound to (session names depend on the
 * tunnel). */
struct walk {
	const struct cmd_vars *vars;
	int argc;
	char **argv;
	struct cmd_match ctx;
};

static void
walk_bind(struct walk *w, const struct cmd_seq *s, int upto)
{
	int i;

	w->ctx.def = s->def;
	w->ctx.nwords = upto;
	for (i = 0; i < upto; i++) {
		w->ctx.words[i] = w->argv[i];
		w->ctx.tok[i] = s->tok[i];
	}
}

static int
is_live(struct walk *w, const struct cmd_seq *s, int i)
{
	struct live_probe p = { w->argv[i], 0 };

	if (w->vars == NULL || w->vars->list == NULL)
		return 0;
	walk_bind(w, s, i);
	w->vars->list(w->vars->arg, s->tok[i]->text, &w->ctx, probe_add, &p);
	return p.found;
}

static int
range_ok(const struct cmd_tok *t, const char *word)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)word[0]))
		return 0;
	errno = 0;
	v = strtoul(word, &end, 10);
	return errno == 0 && *end == '\0' && v >= t->lo && v <= t->hi;
}

static int
score(struct walk *w, const struct cmd_seq *s, int i)
{
	const struct cmd_tok *t = s->tok[i];
	const char *word = w->argv[i];

	switch (t->kind) {
	case CMD_TOK_KEYWORD:
		if (strcmp(word, t->text) == 0)
			return SCORE_EXACT;
		if (word[0] != '\0' &&
		    strncmp(word, t->text, strlen(word)) == 0)
			return SCORE_PREFIX;
		return SCORE_NONE;
	case CMD_TOK_RANGE:
		return range_ok(t, word) ? SCORE_VAR : SCORE_NONE;
	case CMD_TOK_VAR:
		return is_live(w, s, i) ? SCORE_LIVE : SCORE_VAR;
	}
	return SCORE_NONE;
}

/* How many leading words match the sequence; their scores in sc. */
static int
seq_scores(struct walk *w, const struct cmd_seq *s, int n, int *sc)
{
	int i;

	for (i = 0; i < n && i < s->ntok; i++)
		if ((sc[i] = score(w, s, i)) == SCORE_NONE)
			return i;
	return i;
}

/* --- matching -------------------------------------------------------- */

static void
line_of(struct sbuf *sb, int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		sbuf_printf(sb, "%s%s", i > 0 ? " " : "", argv[i]);
}

/* "% Unknown command: show tunel" and a caret under the bad word. */
static void
err_caret(struct sbuf *err, const char *what, int argc, char **argv, int bad)
{
	size_t col = strlen(what);
	int i;

	sbuf_puts(err, what);
	line_of(err, argc, argv);
	for (i = 0; i < bad; i++)
		col += strlen(argv[i]) + 1;
	sbuf_printf(err, "\n%*s^", (int)col, "");
}

struct candidates {
	char *v[64];
	int n;
};

static void
cand_add(struct candidates *c, const char *s)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return;
	if (c->n < (int)(sizeof(c->v) / sizeof(c->v[0])))
		c->v[c->n++] = (char *)s;
}

static int
cand_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keywords a prefix at word i could mean, given the words before. */
static void
prefix_meanings(const struct cmd_tree *tree, unsigned int node, struct walk *w,
    int i, struct candidates *c)
{
	const struct cmd_seq *s;
	const char *word = w->argv[i];
	int sc[CMD_MAX_WORDS];
	size_t k;

	c->n = 0;
	for (k = 0; k < tree->nseqs; k++) {
		s = &tree->seqs[k];
		if (!(s->def->nodes & node) || s->ntok <= i ||
		    s->tok[i]->kind != CMD_TOK_KEYWORD)
			continue;
		if (seq_scores(w, s, i, sc) < i)
			continue;
		if (strncmp(word, s->tok[i]->text, strlen(word)) == 0)
			cand_add(c, s->tok[i]->text);
	}
	qsort(c->v, (size_t)c->n, sizeof(c->v[0]), cand_cmp);
}

/* 1 (and err filled) when a keyword prefix of the best reading means
 * several keywords at its place. */
static int
check_ambiguous(const struct cmd_tree *tree, unsigned int node, struct walk *w,
    const int *sc, int n, struct sbuf *err)
{
	struct candidates c;
	int i, j;

	for (i = 0; i < n; i++) {
		if (sc[i] != SCORE_PREFIX)
			continue;
		prefix_meanings(tree, node, w, i, &c);
		if (c.n < 2)
			continue;
		sbuf_puts(err, "% Ambiguous command: ");
		line_of(err, w->argc, w->argv);
		sbuf_printf(err, "\n%% '%s' could be:", w->argv[i]);
		for (j = 0; j < c.n; j++)
			sbuf_printf(err, " %s", c.v[j]);
		return 1;
	}
	return 0;
}

/* What may follow the words (keywords and variables, for messages). */
static void
next_tokens(const struct cmd_tree *tree, unsigned int node, struct walk *w,
    struct candidates *c)
{
	const struct cmd_seq *s;
	int sc[CMD_MAX_WORDS];
	size_t k;

	c->n = 0;
	for (k = 0; k < tree->nseqs; k++) {
		s = &tree->seqs[k];
		if ((s->def->nodes & node) && s->ntok > w->argc &&
		    seq_scores(w, s, w->argc, sc) == w->argc)
			cand_add(c, s->tok[w->argc]->text);
	}
	qsort(c->v, (size_t)c->n, sizeof(c->v[0]), cand_cmp);
}

/* A first word that is a command of another node: say where it lives
 * (`hello-interval 30` typed at the top: a configuration command). */
static void
other_node(const struct cmd_tree *tree, unsigned int node, const char *word,
    struct sbuf *err)
{
	const struct cmd_seq *s;
	unsigned int where = 0;
	size_t k;

	for (k = 0; k < tree->nseqs; k++) {
		s = &tree->seqs[k];
		if (!(s->def->nodes & node) && s->ntok > 0 &&
		    s->tok[0]->kind == CMD_TOK_KEYWORD &&
		    strncmp(word, s->tok[0]->text, strlen(word)) == 0)
			where |= s->def->nodes;
	}
	if (where & CMD_NODE_VIEW)
		sbuf_printf(err,
		    "\n%% '%s' is a command of the top node: "
		    "do %s ...",
		    word, word);
	else if (where & CMD_NODE_ANY_CONFIG)
		sbuf_printf(err,
		    "\n%% '%s' is a configuration command: "
		    "configure terminal first",
		    word);
}

/*
 * The word at `bad` matches nothing: after a command's first word, a
 * value that is not what the command takes, so say what it takes
 * (`hello-interval 99999`: "% Out of range", "% expected: <0-86400>").
 */
static void
err_unknown(const struct cmd_tree *tree, unsigned int node, struct walk *w,
    int bad, struct sbuf *err)
{
	struct candidates c;
	const char *word = w->argv[bad];
	int argc = w->argc, i, range = 0;

	if (bad == 0) {
		err_caret(err, "% Unknown command: ", argc, w->argv, bad);
		other_node(tree, node, word, err);
		return;
	}
	w->argc = bad;
	next_tokens(tree, node, w, &c);
	w->argc = argc;
	for (i = 0; i < c.n; i++)
		range |= c.v[i][0] == '<';
	err_caret(err,
	    range && word[strspn(word, "0123456789")] == '\0'
		? "% Out of range: "
		: "% Unknown command: ",
	    argc, w->argv, bad);
	sbuf_puts(err, "\n% expected:");
	for (i = 0; i < c.n; i++)
		sbuf_printf(err, "%s %s", i > 0 ? " |" : "", c.v[i]);
}

/* >0 when a beats b, word by word. */
static int
scores_cmp(const int *a, const int *b, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] - b[i];
	return 0;
}

struct best {
	const struct cmd_seq *seq;
	int sc[CMD_MAX_WORDS];
	const struct cmd_def *tie; /* another command, equally good */
};

static void
best_offer(struct best *b, const struct cmd_seq *s, const int *sc, int n)
{
	int d;

	if (b->seq != NULL) {
		d = scores_cmp(sc, b->sc, n);
		if (d < 0)
			return;
		if (d == 0) {
			if (s->def != b->seq->def && b->tie == NULL)
				b->tie = s->def;
			return;
		}
	}
	b->seq = s;
	b->tie = NULL;
	memcpy(b->sc, sc, sizeof(int) * (size_t)n);
}

enum cmd_status
cmd_match(const struct cmd_tree *tree, unsigned int node, int argc, char **argv,
    const struct cmd_vars *vars, struct cmd_match *m, struct sbuf *err)
{
	struct walk w = { vars, argc, argv, { 0 } };
	struct best full = { 0 }, part = { 0 };
	struct candidates c;
	const struct cmd_seq *s;
	int sc[CMD_MAX_WORDS], k, maxk = 0, i;
	size_t j;

	if (argc <= 0 || argc > CMD_MAX_WORDS) {
		sbuf_puts(err,
		    argc <= 0 ? "% Empty command"
			      : "% Too many words in command");
		return CMD_UNKNOWN;
	}
	for (j = 0; j < tree->nseqs; j++) {
		s = &tree->seqs[j];
		if (!(s->def->nodes & node))
			continue;
		k = seq_scores(&w, s, argc, sc);
		if (k > maxk)
			maxk = k;
		if (k < argc)
			continue;
		best_offer(s->ntok == argc ? &full : &part, s, sc, argc);
	}
	/* A better reading that needs more words wins: "show session tun"
	 * is the keyword "tunnel", not a session named "tun". */
	if (full.seq != NULL && part.seq != NULL &&
	    scores_cmp(part.sc, full.sc, argc) > 0)
		full.seq = NULL;
	if (full.seq != NULL) {
		if (check_ambiguous(tree, node, &w, full.sc, argc, err))
			return CMD_AMBIGUOUS;
		if (full.tie != NULL) {
			sbuf_puts(err, "% Ambiguous command: ");
			line_of(err, argc, argv);
			sbuf_printf(err, "\n%% could be: %s\n%%       or: %s",
			    full.seq->def->syntax, full.tie->syntax);
			return CMD_AMBIGUOUS;
		}
		memset(m, 0, sizeof(*m));
		m->def = full.seq->def;
		m->nwords = argc;
		for (i = 0; i < argc; i++) {
			m->words[i] = argv[i];
			m->tok[i] = full.seq->tok[i];
		}
		return CMD_OK;
	}
	if (part.seq != NULL) {
		if (check_ambiguous(tree, node, &w, part.sc, argc, err))
			return CMD_AMBIGUOUS;
		next_tokens(tree, node, &w, &c);
		sbuf_puts(err, "% Incomplete command: ");
		line_of(err, argc, argv);
		sbuf_puts(err, "\n% next:");
		for (i = 0; i < c.n; i++)
			sbuf_printf(err, " %s", c.v[i]);
		return CMD_INCOMPLETE;
	}
	err_unknown(tree, node, &w, maxk, err);
	return CMD_UNKNOWN;
}

/* --- completion and help --------------------------------------------- */

struct names {
	const char *prefix;
	struct candidates *c;
	char *copies[64]; /* live names are copied: lists may be transient */
	int ncopies;
};

static void
names_add(void *arg, const char *name)
{
	struct names *nm = arg;
	char *copy;

	if (strncmp(name, nm->prefix, strlen(nm->prefix)) != 0 ||
	    nm->ncopies == (int)(sizeof(nm->copies) / sizeof(nm->copies[0])))
		return;
	if ((copy = strdup(name)) == NULL)
		return;
	nm->copies[nm->ncopies++] = copy;
	cand_add(nm->c, copy);
}

/*
 * Sequences (in node) whose first argc tokens accept argv in the best
 * way they can be read: "show session tunnel" reads "tunnel" as the
 * keyword, so a session named "tunnel" adds nothing to what may follow.
 */
static int
seq_follows(
    struct walk *w, const struct cmd_seq *s, unsigned int node, const int *best)
{
	int sc[CMD_MAX_WORDS];

	return (s->def->nodes & node) && s->ntok >= w->argc &&
	    seq_scores(w, s, w->argc, sc) == w->argc &&
	    (best == NULL || scores_cmp(sc, best, w->argc) == 0);
}

/* The best reading of the words so far, for seq_follows(). */
static void
best_reading(
    const struct cmd_tree *tree, unsigned int node, struct walk *w, int *best)
{
	int sc[CMD_MAX_WORDS], found = 0;
	size_t j;

	for (j = 0; j < tree->nseqs; j++) {
		if (!seq_follows(w, &tree->seqs[j], node, NULL))
			continue;
		(void)seq_scores(w, &tree->seqs[j], w->argc, sc);
		if (!found || scores_cmp(sc, best, w->argc) > 0)
			memcpy(best, sc, sizeof(int) * (size_t)w->argc);
		found = 1;
	}
}

static int
kw_prefixed(const struct cmd_tok *t, const char *partial)
{
	return strncmp(t->text, partial, strlen(partial)) == 0;
}

void
cmd_complete(const struct cmd_tree *tree, unsigned int node, int argc,
    char **argv, const char *partial, const struct cmd_vars *vars,
    struct sbuf *out)
{
	struct walk w = { vars, argc, argv, { 0 } };
	struct candidates c = { { NULL }, 0 };
	struct names nm = { partial, &c, { NULL }, 0 };
	const struct cmd_seq *s;
	const struct cmd_tok *t;
	int best[CMD_MAX_WORDS], i;
	size_t j;

	if (argc < 0 || argc >= CMD_MAX_WORDS)
		return;
	best_reading(tree, node, &w, best);
	for (j = 0; j < tree->nseqs; j++) {
		s = &tree->seqs[j];
		if (!seq_follows(&w, s, node, best) || s->ntok == argc)
			continue;
		t = s->tok[argc];
		if (t->kind == CMD_TOK_KEYWORD && kw_prefixed(t, partial))
			cand_add(&c, t->text);
		else if (t->kind == CMD_TOK_VAR && vars != NULL &&
		    vars->list != NULL) {
			walk_bind(&w, s, argc);
			vars->list(vars->arg, t->text, &w.ctx, names_add, &nm);
		}
	}
	qsort(c.v, (size_t)c.n, sizeof(c.v[0]), cand_cmp);
	for (i = 0; i < c.n; i++)
		sbuf_printf(out, "%s\n", c.v[i]);
	for (i = 0; i < nm.ncopies; i++)
		free(nm.copies[i]);
}

static int
help_cmp(const void *a, const void *b)
{
	const struct cmd_tok *x = *(const struct cmd_tok *const *)a;
	const struct cmd_tok *y = *(const struct cmd_tok *const *)b;

	/* Keywords first, then variables and ranges. */
	if ((x->kind == CMD_TOK_KEYWORD) != (y->kind == CMD_TOK_KEYWORD))
		return x->kind == CMD_TOK_KEYWORD ? -1 : 1;
	return strcmp(x->text, y->text);
}

void
cmd_describe(const struct cmd_tree *tree, unsigned int node, int argc,
    char **argv, const char *partial, const struct cmd_vars *vars,
    struct sbuf *out)
{
	struct walk w = { vars, argc, argv, { 0 } };
	const struct cmd_tok *toks[128];
	const struct cmd_seq *s;
	const struct cmd_tok *t;
	size_t j, ntoks = 0, k;
	int best[CMD_MAX_WORDS], cr = 0;

	if (argc < 0 || argc >= CMD_MAX_WORDS)
		return;
	best_reading(tree, node, &w, best);
	for (j = 0; j < tree->nseqs; j++) {
		s = &tree->seqs[j];
		if (!seq_follows(&w, s, node, best))
			continue;
		if (s->ntok == argc) {
			cr = 1;
			continue;
		}
		t = s->tok[argc];
		if (t->kind == CMD_TOK_KEYWORD && !kw_prefixed(t, partial))
			continue;
		if (t->kind == CMD_TOK_RANGE && partial[0] != '\0' &&
		    !isdigit((unsigned char)partial[0]))
			continue;
		for (k = 0; k < ntoks; k++)
			if (strcmp(toks[k]->text, t->text) == 0)
				break;
		if (k == ntoks && ntoks < sizeof(toks) / sizeof(toks[0]))
			toks[ntoks++] = t;
	}
	qsort(toks, ntoks, sizeof(toks[0]), help_cmp);
	for (k = 0; k < ntoks; k++)
		sbuf_printf(out, "%s\t%s\n", toks[k]->text, toks[k]->help);
	if (cr && partial[0] == '\0')
		sbuf_puts(out, "<cr>\t\n");
}

/* --- results --------------------------------------------------------- */

void
cmd_err_word(const struct cmd_match *m, const char *name, const char *what,
    struct sbuf *err)
{
	char prefix[64];
	int i;

	for (i = 0; i < m->nwords && strcmp(m->tok[i]->text, name) != 0; i++)
		;
	snprintf(prefix, sizeof(prefix), "%% %s: ", what);
	err_caret(err, prefix, m->nwords, (char **)m->words,
	    i < m->nwords ? i : m->nwords - 1);
}

const char *
cmd_arg(const struct cmd_match *m, const char *name)
{
	int i;

	for (i = 0; i < m->nwords; i++) {
		if (strcmp(m->tok[i]->text, name) != 0)
			continue;
		return m->tok[i]->kind == CMD_TOK_KEYWORD ? m->tok[i]->text
							  : m->words[i];
	}
	return NULL;
}

int
cmd_has(const struct cmd_match *m, const char *name)
{
	return cmd_arg(m, name) != NULL;
}

void
cmd_canonical(const struct cmd_match *m, struct sbuf *sb)
{
	int i;

	for (i = 0; i < m->nwords; i++)
		sbuf_printf(sb, "%s%s", i > 0 ? " " : "",
		    m->tok[i]->kind == CMD_TOK_KEYWORD ? m->tok[i]->text
						       : m->words[i]);
}

/*
 * The command grammar, FRR/tmux style: every command is declared once
 * with one string that is both its grammar and its help,
 *
 *	{ "show tunnel [TUNNEL] [detail] [json]",
 *	  "Show running state\nTunnels\nTunnel name or ID\n"
 *	  "More detail\nJSON output", ... }
 *
 * one help line per token, in the order the tokens appear.  Syntax:
 *	word		a keyword; any unique prefix matches ("sh tun")
 *	UPPER		a variable: any word (TUNNEL, SESSION: live names,
 *			completed by the caller's cmd_vars)
 *	<lo-hi>		a decimal number in that range
 *	[a|b c]		optional: one of the alternatives, or nothing
 *	(a|b)		one of the alternatives
 *
 * A table of commands is compiled into the set of every token sequence
 * it allows (a flattened token tree); matching, completion and help
 * (`?`) all walk that set, so the three can never disagree.
 */
#ifndef L2TP_DAEMON_CMD_H
#define L2TP_DAEMON_CMD_H

#include <stddef.h>

#include "proto/sbuf.h"

#define CMD_MAX_TOKENS 16 /* in one sequence */
#define CMD_MAX_WORDS 32 /* in one command line */

/* CLI nodes, as bits so a command can live in several. */
enum cmd_node {
	CMD_NODE_VIEW = 0x1,
	CMD_NODE_CONFIG = 0x2,
	CMD_NODE_TUNNEL = 0x4,
	CMD_NODE_SESSION = 0x8,
};
#define CMD_NODE_ANY_CONFIG \
	(CMD_NODE_CONFIG | CMD_NODE_TUNNEL | CMD_NODE_SESSION)

enum cmd_status {
	CMD_OK,
	CMD_UNKNOWN, /* a word matches nothing */
	CMD_AMBIGUOUS, /* a prefix matches several keywords */
	CMD_INCOMPLETE, /* more words are needed */
	CMD_BADSYNTAX, /* the table itself is wrong (a bug) */
};

struct cmd_match;

struct cmd_def {
	const char *syntax;
	const char *help; /* one line per token */
	unsigned int nodes; /* enum cmd_node bits */
	unsigned int flags; /* for the caller (e.g. allowed read-only) */
	int (*run)(const struct cmd_match *, void *arg);
};

enum cmd_tok_kind {
	CMD_TOK_KEYWORD,
	CMD_TOK_VAR,
	CMD_TOK_RANGE,
};

struct cmd_tok {
	enum cmd_tok_kind kind;
	char *text; /* keyword, variable name, or "<lo-hi>" */
	char *help;
	unsigned long lo, hi;
};

/* Live values for variables: the caller adds the names that exist. */
struct cmd_vars {
	void (*list)(void *arg, const char *var, struct cmd_match *ctx,
	    void (*add)(void *, const char *), void *addarg);
	void *arg;
};

struct cmd_tree;

/* A successful match: which command, and what each word bound to. */
struct cmd_match {
	const struct cmd_def *def;
	int nwords;
	char *words[CMD_MAX_WORDS];
	const struct cmd_tok *tok[CMD_MAX_WORDS];
};

/* Compile a table; NULL (and why) when a syntax string is malformed. */
struct cmd_tree *
cmd_tree_new(const struct cmd_def *, size_t n, char *why, size_t whylen);
void cmd_tree_free(struct cmd_tree *);

/*
 * Match a command line's words in a node.  CMD_OK fills *m; otherwise
 * err gets one precise line ("% Unknown command: ...").
 */
enum cmd_status
cmd_match(const struct cmd_tree *, unsigned int node, int argc, char **argv,
    const struct cmd_vars *, struct cmd_match *m, struct sbuf *err);
/*
 * The words that may replace `partial` after argv: keywords and live
 * names starting with it, one a line, sorted, no duplicates.
 */
void
cmd_complete(const struct cmd_tree *, unsigned int node, int argc, char **argv,
    const char *partial, const struct cmd_vars *, struct sbuf *out);
/*
 * What may come next (`?`): "TOKEN\tHELP" lines, sorted, "<cr>" last
 * when the words so far are already a complete command.
 */
void
cmd_describe(const struct cmd_tree *, unsigned int node, int argc, char **argv,
    const char *partial, const struct cmd_vars *, struct sbuf *out);

/* The word bound to variable (or keyword) `name`, or NULL. */
const char *cmd_arg(const struct cmd_match *, const char *name);
/* 1 when keyword or variable `name` took part in the match. */
int cmd_has(const struct cmd_match *, const char *name);
/*
 * An error about the word bound to `name`, in the grammar's own style:
 * "% WHAT: the command line", then a caret under that word.  The caller
 * adds "\n% expected: ..." (what the word may be).
 */
void cmd_err_word(const struct cmd_match *, const char *name, const char *what,
    struct sbuf *err);
/* The command line in canonical form: keywords spelled out. */
void cmd_canonical(const struct cmd_match *, struct sbuf *);

#endif

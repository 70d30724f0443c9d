/*
 * daemon/cmd.c, the command grammar: unique prefixes, ambiguity at one
 * place, variables (live names preferred), ranges, optional and
 * alternative groups, nodes, completion of keywords and live names, help
 * lines, and tables that are malformed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daemon/cmd.h"

static int
run_nothing(const struct cmd_match *m, void *arg)
{
	return 0;
}

static const struct cmd_def defs[] = {
	{ "show tunnel [TUNNEL] [detail] [json]",
	    "Show state\nTunnels\nTunnel name or ID\nMore detail\nJSON output",
	    CMD_NODE_VIEW, 0, run_nothing },
	{ "show tech", "Show state\nEverything", CMD_NODE_VIEW, 0,
	    run_nothing },
	{ "show session [tunnel TUNNEL] [SESSION] [json]",
	    "Show state\nSessions\nIn one tunnel\nTunnel name\nSession name\n"
	    "JSON output",
	    CMD_NODE_VIEW, 0, run_nothing },
	{ "show log [<1-1024>]", "Show state\nLog lines\nHow many",
	    CMD_NODE_VIEW, 0, run_nothing },
	{ "clear statistics", "Reset\nCounters", CMD_NODE_VIEW, 0,
	    run_nothing },
	{ "configure terminal", "Configure\nFrom this terminal", CMD_NODE_VIEW,
	    0, run_nothing },
	{ "debug tunnel TUNNEL [(packets|fsm|all)]",
	    "Debugging\nOf a tunnel\nTunnel name\nMessages\nTransitions\n"
	    "Both",
	    CMD_NODE_VIEW, 0, run_nothing },
	{ "tunnel TUNNEL", "Configure a tunnel\nTunnel name", CMD_NODE_CONFIG,
	    0, run_nothing },
	{ "encap (udp|ip)", "Encapsulation\nUDP\nIP protocol 115",
	    CMD_NODE_TUNNEL, 0, run_nothing },
	{ "exit", "Leave this node", CMD_NODE_ANY_CONFIG, 0, run_nothing },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static const char *const tunnels[] = { "alpha", "beta", "d", NULL };
static const char *const sessions[] = { "pw1", "pw2", NULL };

static void
list_vars(void *arg, const char *var, struct cmd_match *ctx,
    void (*add)(void *, const char *), void *addarg)
{
	const char *const *v = NULL;

	if (strcmp(var, "TUNNEL") == 0)
		v = tunnels;
	else if (strcmp(var, "SESSION") == 0)
		v = sessions;
	for (; v != NULL && *v != NULL; v++)
		add(addarg, *v);
}

static const struct cmd_vars vars = { list_vars, NULL };

static int
setup(void **state)
{
	char why[256];

	*state = cmd_tree_new(defs, NDEFS, why, sizeof(why));
	if (*state == NULL)
		fprintf(stderr, "%s\n", why);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	cmd_tree_free(*state);
	return 0;
}

/* Split at spaces into a static array (test lines are short). */
static int
words(const char *line, char **argv, char *buf, size_t len)
{
	int argc = 0;
	char *save, *w;

	snprintf(buf, len, "%s", line);
	for (w = strtok_r(buf, " ", &save); w != NULL;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	return argc;
}

struct match_case {
	const char *line;
	unsigned int node;
	enum cmd_status status;
	const char *syntax; /* of the command matched */
	const char *canonical;
	const char *err_part; /* somewhere in the message */
};

static const struct match_case match_cases[] = {
	{ "show tunnel", CMD_NODE_VIEW, CMD_OK,
	    "show tunnel [TUNNEL] [detail] [json]", "show tunnel", NULL },
	{ "sh tun", CMD_NODE_VIEW, CMD_OK,
	    "show tunnel [TUNNEL] [detail] [json]", "show tunnel", NULL },
	{ "sh tun alpha det js", CMD_NODE_VIEW, CMD_OK,
	    "show tunnel [TUNNEL] [detail] [json]",
	    "show tunnel alpha detail json", NULL },
	/* a keyword prefix beats an unknown name */
	{ "sh tun de", CMD_NODE_VIEW, CMD_OK,
	    "show tunnel [TUNNEL] [detail] [json]", "show tunnel detail",
	    NULL },
	/* a live name beats a keyword prefix */
	{ "sh tun d", CMD_NODE_VIEW, CMD_OK,
	    "show tunnel [TUNNEL] [detail] [json]", "show tunnel d", NULL },
	{ "sh tun nosuch", CMD_NODE_VIEW, CMD_OK,
	    "show tunnel [TUNNEL] [detail] [json]", "show tunnel nosuch",
	    NULL },
	{ "sh t", CMD_NODE_VIEW, CMD_AMBIGUOUS, NULL, NULL,
	    "'t' could be: tech tunnel" },
	{ "c t", CMD_NODE_VIEW, CMD_AMBIGUOUS, NULL, NULL,
	    "'c' could be: clear configure" },
	{ "conf t", CMD_NODE_VIEW, CMD_OK, "configure terminal",
	    "configure terminal", NULL },
	{ "show", CMD_NODE_VIEW, CMD_INCOMPLETE, NULL, NULL,
	    "next: log session tech tunnel" },
	{ "debug tunnel", CMD_NODE_VIEW, CMD_INCOMPLETE, NULL, NULL,
	    "next: TUNNEL" },
	{ "show tunel", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL,
	    "% Unknown command: show tunel\n"
	    "                        ^" },
	{ "show tunnel a b c", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL,
	    "                                 ^" },
	{ "frob", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL,
	    "Unknown command: frob" },
	{ "show session tunnel alpha pw1 json", CMD_NODE_VIEW, CMD_OK,
	    "show session [tunnel TUNNEL] [SESSION] [json]",
	    "show session tunnel alpha pw1 json", NULL },
	/* "tunnel" is a keyword here, not a session name */
	{ "show session tun", CMD_NODE_VIEW, CMD_INCOMPLETE, NULL, NULL,
	    "next: TUNNEL" },
	{ "show log 20", CMD_NODE_VIEW, CMD_OK, "show log [<1-1024>]",
	    "show log 20", NULL },
	{ "show log 0", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL, "^" },
	{ "show log 1025", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL, "^" },
	/* a bad value names what the command takes (issue 12) */
	{ "show log 1025", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL,
	    "% Out of range: show log 1025\n"
	    "                         ^\n"
	    "% expected: <1-1024>" },
	{ "show log x", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL, "^" },
	{ "debug tunnel beta f", CMD_NODE_VIEW, CMD_OK,
	    "debug tunnel TUNNEL [(packets|fsm|all)]", "debug tunnel beta fsm",
	    NULL },
	/* nodes: tunnel is a config command, encap a tunnel-node one */
	{ "tunnel alpha", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL, "^" },
	/* a command of another node says where it lives (issue 12) */
	{ "tunnel alpha", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL,
	    "% Unknown command: tunnel alpha\n"
	    "                   ^\n"
	    "% 'tunnel' is a configuration command: configure terminal "
	    "first" },
	{ "show tunnel", CMD_NODE_TUNNEL, CMD_UNKNOWN, NULL, NULL,
	    "% 'show' is a command of the top node: do show ..." },
	{ "tunnel alpha", CMD_NODE_CONFIG, CMD_OK, "tunnel TUNNEL",
	    "tunnel alpha", NULL },
	{ "enc ip", CMD_NODE_TUNNEL, CMD_OK, "encap (udp|ip)", "encap ip",
	    NULL },
	{ "encap gre", CMD_NODE_TUNNEL, CMD_UNKNOWN, NULL, NULL,
	    "^\n% expected: ip | udp" },
	{ "encap", CMD_NODE_TUNNEL, CMD_INCOMPLETE, NULL, NULL,
	    "next: ip udp" },
	{ "ex", CMD_NODE_SESSION, CMD_OK, "exit", "exit", NULL },
	{ "ex", CMD_NODE_VIEW, CMD_UNKNOWN, NULL, NULL, "^" },
};

static void
test_match(void **state)
{
	const struct cmd_tree *tree = *state;
	const struct match_case *c;
	struct cmd_match m;
	struct sbuf err, canon;
	char buf[256], *argv[CMD_MAX_WORDS];
	enum cmd_status st;
	size_t i;
	int argc;

	for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
		c = &match_cases[i];
		sbuf_init(&err);
		sbuf_init(&canon);
		argc = words(c->line, argv, buf, sizeof(buf));
		st = cmd_match(tree, c->node, argc, argv, &vars, &m, &err);
		if (st != c->status)
			fail_msg("\"%s\": status %d, want %d (%s)", c->line, st,
			    c->status, err.s != NULL ? err.s : "");
		if (st == CMD_OK) {
			assert_string_equal(m.def->syntax, c->syntax);
			cmd_canonical(&m, &canon);
			assert_string_equal(canon.s, c->canonical);
		} else if (err.s == NULL || strstr(err.s, c->err_part) == NULL)
			fail_msg("\"%s\": message \"%s\" lacks \"%s\"", c->line,
			    err.s != NULL ? err.s : "", c->err_part);
		sbuf_free(&err);
		sbuf_free(&canon);
	}
}

static void
test_args(void **state)
{
	const struct cmd_tree *tree = *state;
	struct cmd_match m;
	struct sbuf err;
	char buf[256], *argv[CMD_MAX_WORDS];
	int argc;

	sbuf_init(&err);
	argc = words("sh sess tun beta pw2", argv, buf, sizeof(buf));
	assert_int_equal(
	    cmd_match(tree, CMD_NODE_VIEW, argc, argv, &vars, &m, &err),
	    CMD_OK);
	assert_string_equal(cmd_arg(&m, "TUNNEL"), "beta");
	assert_string_equal(cmd_arg(&m, "SESSION"), "pw2");
	assert_string_equal(cmd_arg(&m, "tunnel"), "tunnel");
	assert_true(cmd_has(&m, "session"));
	assert_false(cmd_has(&m, "json"));
	assert_null(cmd_arg(&m, "detail"));
	sbuf_free(&err);
}

struct list_case {
	const char *line; /* complete words */
	const char *partial;
	unsigned int node;
	const char *want;
};

static const struct list_case complete_cases[] = {
	{ "", "", CMD_NODE_VIEW, "clear\nconfigure\ndebug\nshow\n" },
	{ "", "c", CMD_NODE_VIEW, "clear\nconfigure\n" },
	{ "show", "t", CMD_NODE_VIEW, "tech\ntunnel\n" },
	/* live tunnel names and keywords at the same place */
	{ "show tunnel", "", CMD_NODE_VIEW, "alpha\nbeta\nd\ndetail\njson\n" },
	{ "sh tun", "d", CMD_NODE_VIEW, "d\ndetail\n" },
	{ "sh tun", "al", CMD_NODE_VIEW, "alpha\n" },
	{ "show tunnel alpha", "", CMD_NODE_VIEW, "detail\njson\n" },
	{ "show tunnel alpha detail json", "", CMD_NODE_VIEW, "" },
	{ "show session tunnel", "", CMD_NODE_VIEW, "alpha\nbeta\nd\n" },
	{ "show session", "p", CMD_NODE_VIEW, "pw1\npw2\n" },
	{ "show log", "", CMD_NODE_VIEW, "" },
	{ "frob", "", CMD_NODE_VIEW, "" },
	{ "", "", CMD_NODE_TUNNEL, "encap\nexit\n" },
};

static void
check_lists(const struct cmd_tree *tree, const struct list_case *cases,
    size_t n, int describe)
{
	char buf[256], *argv[CMD_MAX_WORDS];
	struct sbuf out;
	size_t i;
	int argc;

	for (i = 0; i < n; i++) {
		sbuf_init(&out);
		argc = words(cases[i].line, argv, buf, sizeof(buf));
		if (describe)
			cmd_describe(tree, cases[i].node, argc, argv,
			    cases[i].partial, &vars, &out);
		else
			cmd_complete(tree, cases[i].node, argc, argv,
			    cases[i].partial, &vars, &out);
		if (strcmp(out.s != NULL ? out.s : "", cases[i].want) != 0)
			fail_msg("\"%s\" + \"%s\": got\n%s\nwant\n%s",
			    cases[i].line, cases[i].partial,
			    out.s != NULL ? out.s : "", cases[i].want);
		sbuf_free(&out);
	}
}

static void
test_complete(void **state)
{
	check_lists(*state, complete_cases,
	    sizeof(complete_cases) / sizeof(complete_cases[0]), 0);
}

static const struct list_case describe_cases[] = {
	{ "show", "", CMD_NODE_VIEW,
	    "log\tLog lines\nsession\tSessions\ntech\tEverything\n"
	    "tunnel\tTunnels\n" },
	{ "show tunnel", "", CMD_NODE_VIEW,
	    "detail\tMore detail\njson\tJSON output\n"
	    "TUNNEL\tTunnel name or ID\n<cr>\t\n" },
	{ "show tunnel", "d", CMD_NODE_VIEW,
	    "detail\tMore detail\nTUNNEL\tTunnel name or ID\n" },
	{ "show log", "", CMD_NODE_VIEW, "<1-1024>\tHow many\n<cr>\t\n" },
	{ "debug tunnel alpha", "", CMD_NODE_VIEW,
	    "all\tBoth\nfsm\tTransitions\npackets\tMessages\n<cr>\t\n" },
	{ "configure terminal", "", CMD_NODE_VIEW, "<cr>\t\n" },
	{ "configure", "x", CMD_NODE_VIEW, "" },
};

static void
test_describe(void **state)
{
	check_lists(*state, describe_cases,
	    sizeof(describe_cases) / sizeof(describe_cases[0]), 1);
}

static void
test_bad_tables(void **state)
{
	static const struct cmd_def bad[][1] = {
		{ { "show [tunnel", "a\nb", CMD_NODE_VIEW, 0, run_nothing } },
		{ { "show tunnel)", "a\nb", CMD_NODE_VIEW, 0, run_nothing } },
		{ { "show tunnel", "only one", CMD_NODE_VIEW, 0,
		    run_nothing } },
		{ { "show", "one\ntwo", CMD_NODE_VIEW, 0, run_nothing } },
		{ { "show log <9-1>", "a\nb\nc", CMD_NODE_VIEW, 0,
		    run_nothing } },
		{ { "a [b] [c] [d] [e] [f] [g] [h] [i] [j] [k] [l] [m] [n] [o] "
		    "[p] [q]",
		    "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17",
		    CMD_NODE_VIEW, 0, run_nothing } },
	};
	struct cmd_tree *tree;
	char why[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		tree = cmd_tree_new(bad[i], 1, why, sizeof(why));
		if (tree != NULL)
			fail_msg("\"%s\" compiled", bad[i][0].syntax);
		assert_non_null(strstr(why, bad[i][0].syntax));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_describe, setup, teardown),
		cmocka_unit_test(test_bad_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

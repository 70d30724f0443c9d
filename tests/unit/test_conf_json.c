/*
 * daemon/conf_json.c: config_print_flags()'s text as JSON, table-driven,
 * and a file loaded and printed both ways.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/conf_json.h"
#include "daemon/config.h"

struct case_json {
	const char *text;
	const char *json; /* NULL: refused */
};

static const struct case_json cases[] = {
	{ "# l2tpv3d configuration\n", "{\"global\":{},\"tunnels\":{}}" },
	{ "# c\nhostname = \"pe \\\"1\\\"\"\nport = 1701\n",
	    "{\"global\":{\"hostname\":\"pe \\\"1\\\"\",\"port\":1701},"
	    "\"tunnels\":{}}" },
	/* Leading zero: a mode, not a number; yes/no as booleans. */
	{ "control-readonly-mode = 0660\nx = yes\ny = no\nz = 0\n",
	    "{\"global\":{\"control-readonly-mode\":\"0660\",\"x\":true,"
	    "\"y\":false,\"z\":0},\"tunnels\":{}}" },
	{ "listen = { \"127.0.0.1:1701\", \"[::1]:1701\" }\n",
	    "{\"global\":{\"listen\":[\"127.0.0.1:1701\",\"[::1]:1701\"]},"
	    "\"tunnels\":{}}" },
	{ "hostname = \"a\"\n\ntunnel \"t1\" {\n\tremote = 10.0.0.1\n"
	  "\n\tsession \"s1\" {\n\t\tcookie-length = 8\n\t}\n"
	  "\n\tsession \"s2\" {\n\t}\n}\n\ntunnel \"t2\" {\n}\n",
	    "{\"global\":{\"hostname\":\"a\"},\"tunnels\":{\"t1\":{"
	    "\"remote\":\"10.0.0.1\",\"sessions\":{\"s1\":{\"cookie-length\":8},"
	    "\"s2\":{}}},\"t2\":{}}}" },
	/* Not the printer's shape. */
	{ "tunnel \"t1\" {\n", NULL },
	{ "}\n", NULL },
	{ "session \"s\" {\n}\n", NULL },
	{ "hostname \"x\"\n", NULL },
	{ "hostname = \"x\n", NULL },
	{ "listen = { \"a\", b }\n", NULL },
	{ "tunnel \"t\" {\n\tsession \"s\" {\n\t}\n\tmode = static\n}\n",
	    NULL },
	{ "tunnel \"t\" {\n\ttunnel \"u\" {\n\t}\n}\n", NULL },
};

static void
test_cases(void **state)
{
	struct sbuf sb;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sbuf_init(&sb);
		rc = conf_json(&sb, cases[i].text);
		if (cases[i].json == NULL) {
			if (rc != -1)
				fail_msg("case %zu accepted: %s", i, sb.s);
		} else {
			if (rc != 0)
				fail_msg("case %zu refused", i);
			if (strcmp(sb.s, cases[i].json) != 0)
				fail_msg("case %zu:\n got %s\nwant %s", i, sb.s,
				    cases[i].json);
		}
		sbuf_free(&sb);
	}
}

/* Every option of a loaded file, set-only and all, converts. */
static void
test_loaded(void **state)
{
	static const char file[] = "hostname = \"pe\"\n"
				   "listen = { \"127.0.0.1\" }\n"
				   "tunnel t1 {\n"
				   "\tremote = 10.0.0.1\n"
				   "\thello-interval = 45\n"
				   "\tsession s1 {\n"
				   "\t\taddress = { \"10.1.1.1/24\" }\n"
				   "\t\tcookie-length = 8\n"
				   "\t}\n"
				   "}\n";
	char path[] = "/tmp/test_conf_json.XXXXXX", err[512], *text;
	struct daemon_conf *conf;
	struct sbuf sb;
	size_t len;
	FILE *fp;
	int fd, flags;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_true(
	    write(fd, file, sizeof(file) - 1) == (ssize_t)sizeof(file) - 1);
	close(fd);
	conf = config_load(path, err, sizeof(err));
	unlink(path);
	if (conf == NULL)
		fail_msg("%s", err);
	for (flags = 0; flags <= CONF_PRINT_ALL; flags += CONF_PRINT_ALL) {
		assert_non_null(fp = open_memstream(&text, &len));
		config_print_flags(conf, fp, flags);
		fclose(fp);
		sbuf_init(&sb);
		assert_int_equal(conf_json(&sb, text), 0);
		assert_non_null(strstr(sb.s, "\"hello-interval\":45"));
		assert_non_null(strstr(sb.s, "\"sessions\":{\"s1\":{"));
		assert_non_null(strstr(sb.s, "\"address\":[\"10.1.1.1/24\"]"));
		if (flags & CONF_PRINT_ALL)
			assert_non_null(strstr(sb.s, "\"retries\":5"));
		else
			assert_null(strstr(sb.s, "\"retries\""));
		sbuf_free(&sb);
		free(text);
	}
	config_free(conf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_loaded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

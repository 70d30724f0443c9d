/*
 * conf_diff(): what a change of configuration does, per object, from the
 * option table's apply field, and the set-only lines it shows.  Table
 * driven: a running configuration, a candidate, the "what" lines wanted
 * and a line the diff must hold.
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/conf_diff.h"

#define BASE \
	"dataplane = none\n" \
	"tunnel t {\n remote = 192.0.2.1\n hello-interval = 30\n" \
	" session pw { remote-end-id = \"1\" }\n}\n" \
	"tunnel u {\n remote = 192.0.2.2\n}\n"

static const struct {
	const char *name;
	const char *cand; /* the globals of BASE, then what follows */
	const char *what; /* conf_diff's what, whole */
	const char *diff_line; /* a line the diff holds, or NULL */
} cases[] = {
	{ "no change", BASE, "", NULL },
	{ "timer in place",
	    "dataplane = none\n"
	    "tunnel t {\n remote = 192.0.2.1\n hello-interval = 45\n"
	    " retries = 7\n session pw { remote-end-id = \"1\" }\n}\n"
	    "tunnel u {\n remote = 192.0.2.2\n}\n",
	    "tunnel t: in place: hello-interval, retries\n",
	    "+\thello-interval = 45\n" },
	{ "remote restarts its tunnel only",
	    "dataplane = none\n"
	    "tunnel t {\n remote = 192.0.2.1\n hello-interval = 30\n"
	    " session pw { remote-end-id = \"1\" }\n}\n"
	    "tunnel u {\n remote = 192.0.2.3\n}\n",
	    "tunnel u: restarts tunnel u (StopCCN): remote\n",
	    "-\tremote = 192.0.2.2\n" },
	{ "session debug in place",
	    "dataplane = none\n"
	    "tunnel t {\n remote = 192.0.2.1\n hello-interval = 30\n"
	    " session pw { remote-end-id = \"1\" debug = yes }\n}\n"
	    "tunnel u {\n remote = 192.0.2.2\n}\n",
	    "session t/pw: in place: debug\n", "+\t\tdebug = yes\n" },
	{ "cookie-length restarts the session",
	    "dataplane = none\n"
	    "tunnel t {\n remote = 192.0.2.1\n hello-interval = 30\n"
	    " session pw { remote-end-id = \"1\" cookie-length = 8 }\n}\n"
	    "tunnel u {\n remote = 192.0.2.2\n}\n",
	    "session t/pw: restarts session t/pw (CDN): cookie-length\n",
	    NULL },
	{ "a global timer reaches the tunnels that inherit it",
	    "dataplane = none\nretries = 9\n"
	    "tunnel t {\n remote = 192.0.2.1\n hello-interval = 30\n"
	    " session pw { remote-end-id = \"1\" }\n}\n"
	    "tunnel u {\n remote = 192.0.2.2\n}\n",
	    "global: in place: retries\n"
	    "tunnel t: in place: retries\n"
	    "tunnel u: in place: retries\n",
	    "+retries = 9\n" },
	{ "tunnel and session added and removed",
	    "dataplane = none\n"
	    "tunnel t {\n remote = 192.0.2.1\n hello-interval = 30\n"
	    " session pw2 { remote-end-id = \"2\" }\n}\n"
	    "tunnel v {\n remote = 192.0.2.4\n}\n",
	    "session t/pw: removed (CDN)\n"
	    "session t/pw2: added\n"
	    "tunnel u: removed (StopCCN)\n"
	    "tunnel v: added (starts)\n",
	    "+tunnel \"v\" {\n" },
};

static struct daemon_conf *
load(const char *text)
{
	char path[] = "/tmp/test_conf_diff.XXXXXX", err[512];
	struct daemon_conf *c;
	int fd = mkstemp(path);

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	c = config_load(path, err, sizeof(err));
	unlink(path);
	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

static void
test_cases(void **state)
{
	struct daemon_conf *a, *b;
	struct sbuf diff, what;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = load(BASE);
		b = load(cases[i].cand);
		sbuf_init(&diff);
		sbuf_init(&what);
		conf_diff(a, b, &diff, &what);
		if (strcmp(what.s != NULL ? what.s : "", cases[i].what) != 0)
			fail_msg("%s: what is\n%s\nwant\n%s", cases[i].name,
			    what.s != NULL ? what.s : "", cases[i].what);
		if (cases[i].diff_line != NULL &&
		    (diff.s == NULL ||
			strstr(diff.s, cases[i].diff_line) == NULL))
			fail_msg("%s: the diff lacks %s:\n%s", cases[i].name,
			    cases[i].diff_line, diff.s != NULL ? diff.s : "");
		sbuf_free(&diff);
		sbuf_free(&what);
		config_free(a);
		config_free(b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * Least privilege (daemon/priv.c): which files the daemon trusts as its
 * configuration or a script, and which environment entries a script
 * may get from the protocol engine.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/priv.h"

static void
test_env(void **state)
{
	static const struct {
		const char *entry;
		int ok;
	} cases[] = {
		{ "L2TP_TUNNEL=t1", 1 },
		{ "L2TP_LOCAL_SESSION_ID=42", 1 },
		{ "L2TP_BRIDGE=", 1 },
		{ "L2TP_X=a=b c", 1 },
		{ "PATH=/tmp", 0 },
		{ "LD_PRELOAD=/tmp/x.so", 0 },
		{ "IFS=x", 0 },
		{ "L2TP_=x", 1 },
		{ "L2TP_a=x", 0 },
		{ "L2TP_X-Y=x", 0 },
		{ "L2TP_X", 0 },
		{ "l2tp_tunnel=t1", 0 },
		{ "", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (priv_env_ok(cases[i].entry) != cases[i].ok)
			fail_msg("'%s': want %d", cases[i].entry, cases[i].ok);
}

/* A file of mode fmode in a directory of mode dmode (owner: us, or
 * nobody); priv_file_ok() must say ok. */
static void
file_case(mode_t dmode, mode_t fmode, int nobody, int ok)
{
	char dir[] = "/tmp/test_priv.XXXXXX", path[64], err[512];
	int fd, rc;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
	assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) != -1);
	close(fd);
	assert_int_equal(chmod(path, fmode), 0);
	if (nobody)
		assert_int_equal(chown(path, 65534, 65534), 0);
	assert_int_equal(chmod(dir, dmode), 0);
	err[0] = '\0';
	rc = priv_file_ok(path, "script", err, sizeof(err));
	if ((rc == 0) != ok)
		fail_msg("dir %04o file %04o%s: got %d (%s)", dmode, fmode,
		    nobody ? " nobody's" : "", rc, err);
	if (!ok)
		assert_non_null(strstr(err, "refused"));
	unlink(path);
	rmdir(dir);
}

static void
test_files(void **state)
{
	char err[512];

	file_case(0700, 0600, 0, 1);
	file_case(0755, 0755, 0, 1);
	file_case(0755, 0644, 0, 1);
	file_case(0755, 0664, 0, 0); /* group may write the file */
	file_case(0755, 0646, 0, 0); /* others may */
	file_case(0775, 0644, 0, 0); /* group may replace it */
	file_case(0777, 0644, 0, 0);
	file_case(01777, 0644, 0, 1); /* sticky: nobody else may */
	if (geteuid() == 0)
		file_case(0755, 0644, 1, 0); /* not root's */
	assert_int_equal(priv_file_ok("/nonexistent/l2tpv3d-test", "script",
			     err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "No such file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * daemon/log.c: the ring keeps the newest LOG_RING_LINES lines in order,
 * truncates long lines to a fixed slot, log_warn appends strerror and
 * keeps errno, and suppressed debug lines never reach the ring.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <syslog.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/log.h"

/* The ring's text without the timestamps: "level: message" per line. */
static char *
ring_text(size_t n)
{
	struct sbuf sb, out;
	char *line, *save, *p;

	sbuf_init(&sb);
	sbuf_init(&out);
	log_ring_dump(&sb, n);
	if (sb.s == NULL)
		return strdup("");
	for (line = strtok_r(sb.s, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		/* skip "YYYY-mm-dd HH:MM:SS " */
		p = strchr(line, ' ');
		assert_non_null(p);
		p = strchr(p + 1, ' ');
		assert_non_null(p);
		sbuf_puts(&out, p + 1);
		sbuf_putc(&out, '\n');
	}
	sbuf_free(&sb);
	return out.s != NULL ? sbuf_take(&out) : strdup("");
}

static int saved_stderr = -1;

/* Log lines also go to stderr; keep them out of the test's report, but
 * only while logging, so cmocka's own messages still show. */
static void
quiet(void)
{
	int fd;

	fflush(stderr);
	saved_stderr = dup(2);
	if ((fd = open("/dev/null", O_WRONLY)) != -1) {
		dup2(fd, 2);
		close(fd);
	}
}

static void
loud(void)
{
	fflush(stderr);
	if (saved_stderr != -1) {
		dup2(saved_stderr, 2);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

/* The ring is process-wide: fill it with markers to forget older tests. */
static void
flush_ring(void)
{
	size_t i;

	for (i = 0; i < LOG_RING_LINES; i++)
		log_info("flush");
}

static int
setup(void **state)
{
	(void)state;
	log_init(1, 0, "test_log");
	quiet();
	flush_ring();
	loud();
	return 0;
}

static void
test_order_and_last_n(void **state)
{
	char *s;

	(void)state;
	quiet();
	log_info("one %d", 1);
	log_warnx("two");
	log_info("three");
	loud();
	s = ring_text(3);
	assert_string_equal(s, "info: one 1\nerror: two\ninfo: three\n");
	free(s);
	s = ring_text(1);
	assert_string_equal(s, "info: three\n");
	free(s);
}

static void
test_wraps_keeping_newest(void **state)
{
	char *s, want[64];
	size_t i;

	(void)state;
	quiet();
	for (i = 0; i < LOG_RING_LINES + 10; i++)
		log_info("line %zu", i);
	loud();
	s = ring_text(0);
	/* Exactly LOG_RING_LINES lines, the oldest being number 10. */
	snprintf(want, sizeof(want), "info: line 10\n");
	assert_memory_equal(s, want, strlen(want));
	snprintf(want, sizeof(want), "info: line %d\n", LOG_RING_LINES + 9);
	assert_string_equal(s + strlen(s) - strlen(want), want);
	i = 0;
	for (char *p = s; *p != '\0'; p++)
		i += *p == '\n';
	assert_int_equal(i, LOG_RING_LINES);
	free(s);
}

static void
test_long_line_truncated(void **state)
{
	char big[4000], *s;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	quiet();
	log_info("%s", big);
	log_info("after");
	loud();
	s = ring_text(2);
	/* A slot is bounded, and the next line is intact. */
	assert_true(strlen(s) < 300);
	assert_non_null(strstr(s, "info: xxxx"));
	assert_non_null(strstr(s, "x...\n")); /* marked as cut */
	assert_non_null(strstr(s, "\ninfo: after\n"));
	free(s);
}

static void
test_warn_appends_strerror_keeps_errno(void **state)
{
	char *s, want[128];

	int e1, e2;

	(void)state;
	quiet();
	errno = ENOENT;
	log_warn("open %s", "/nonexistent");
	e1 = errno;
	errno = EACCES;
	log_warn(NULL);
	e2 = errno;
	loud();
	assert_int_equal(e1, ENOENT);
	assert_int_equal(e2, EACCES);
	s = ring_text(2);
	snprintf(want, sizeof(want),
	    "error: open /nonexistent: %s\nerror: %s\n", strerror(ENOENT),
	    strerror(EACCES));
	assert_string_equal(s, want);
	free(s);
}

static void
test_debug_only_when_verbose(void **state)
{
	char *s;

	int v;

	(void)state;
	quiet();
	log_setverbose(0);
	log_info("before");
	log_debug("hidden");
	log_debug_forced("forced");
	log_setverbose(1);
	v = log_getverbose();
	log_debug("shown");
	log_setverbose(0);
	loud();
	assert_int_equal(v, 1);
	s = ring_text(3);
	assert_string_equal(s, "info: before\ndebug: forced\ndebug: shown\n");
	free(s);
}

static void
test_fatalx_exits_1(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	if ((pid = fork()) == 0) {
		quiet();
		fatalx("cannot go on");
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 1);
}

/* One line per second per reason, on a fake clock; the line after a
 * suppressed burst counts it. */
static void
test_rate_pass_fake_clock(void **state)
{
	struct log_rate lr = { 0, 0 };
	uint64_t sup = 99;
	int i;

	(void)state;
	assert_int_equal(log_rate_pass(&lr, 5000, &sup), 1);
	assert_int_equal(sup, 0);
	for (i = 0; i < 1000; i++)
		assert_int_equal(
		    log_rate_pass(&lr, 5000 + (uint64_t)i, &sup), 0);
	assert_int_equal(log_rate_pass(&lr, 5999, &sup), 0);
	assert_int_equal(log_rate_pass(&lr, 6000, &sup), 1);
	assert_int_equal(sup, 1001);
	/* A quiet reason logs at once, with nothing to report. */
	assert_int_equal(log_rate_pass(&lr, 60000, &sup), 1);
	assert_int_equal(sup, 0);
	/* A clock at 0 is still a time, not "never". */
	memset(&lr, 0, sizeof(lr));
	assert_int_equal(log_rate_pass(&lr, 0, &sup), 1);
	assert_int_equal(log_rate_pass(&lr, 0, &sup), 0);
}

/* A burst through the real clock reaches the ring once per reason. */
static void
test_ratelimited_burst(void **state)
{
	static struct log_rate a, b;
	char *s;
	int i;

	(void)state;
	quiet();
	flush_ring();
	for (i = 0; i < 500; i++) {
		log_ratelimited(&a, LOG_INFO, "flood a %d", i);
		log_ratelimited(&b, LOG_ERR, "flood b %d", i);
	}
	loud();
	s = ring_text(3);
	assert_string_equal(
	    s, "info: flush\ninfo: flood a 0\nerror: flood b 0\n");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_and_last_n),
		cmocka_unit_test(test_wraps_keeping_newest),
		cmocka_unit_test(test_long_line_truncated),
		cmocka_unit_test(test_warn_appends_strerror_keeps_errno),
		cmocka_unit_test(test_debug_only_when_verbose),
		cmocka_unit_test(test_fatalx_exits_1),
		cmocka_unit_test(test_rate_pass_fake_clock),
		cmocka_unit_test(test_ratelimited_burst),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}

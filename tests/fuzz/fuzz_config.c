/*
 * Fuzz target for the configuration loader (config.c over libconfuse):
 * the input is the text of a configuration file.  Whatever loads must
 * print (config_print) to a text that loads again and prints the same
 * -- the promise `write memory` and `l2tpv3d -n` rest on -- and every
 * tunnel and session must be found by its name.  Loading failures must
 * come with a message.
 *
 * The text goes to the loader through a memfd (config_load wants a
 * path): in-process, no disk, nothing left behind.  The loader parses in
 * a thread of its own (see config.c, parse_apart), which is joined before
 * it returns, so each input is complete when config_load is.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/config.h"
#include "daemon/log.h"
#include "tests/fuzz/fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct daemon_conf *
load(const void *text, size_t len, char *err, size_t errlen)
{
	static int fd = -1;
	char path[64];

	if (fd == -1)
		CHECK((fd = memfd_create("fuzz-config", MFD_CLOEXEC)) != -1);
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(len == 0 || pwrite(fd, text, len, 0) == (ssize_t)len);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	return config_load(path, err, errlen);
}

static char *
print(const struct daemon_conf *c, size_t *len)
{
	char *s = NULL;
	FILE *fp;

	CHECK((fp = open_memstream(&s, len)) != NULL);
	config_print(c, fp);
	CHECK(fclose(fp) == 0);
	return s;
}

static void
check_names(struct daemon_conf *c)
{
	struct tunnel_conf *tc;
	struct session_conf *sc;

	TAILQ_FOREACH(tc, &c->tunnels, entry) {
		CHECK(memchr(tc->name, '\0', sizeof(tc->name)) != NULL);
		CHECK(config_find_tunnel(c, tc->name) == tc);
		CHECK(tc->secret_len <= sizeof(tc->secret));
		TAILQ_FOREACH(sc, &tc->sessions, entry)
			CHECK(config_find_session(tc, sc->name) == sc);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int logged;
	struct daemon_conf *c, *again;
	char err[512], *p1, *p2;
	size_t n1, n2;

	if (!logged) {
		log_init(0, 0, "fuzz");
		logged = 1;
	}
	memset(err, 0, sizeof(err));
	if ((c = load(data, size, err, sizeof(err))) == NULL) {
		CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
		return 0;
	}
	check_names(c);
	p1 = print(c, &n1);
	if ((again = load(p1, n1, err, sizeof(err))) == NULL) {
		fprintf(stderr, "printed configuration does not load: %s\n%s",
		    err, p1);
		CHECK(0);
	}
	p2 = print(again, &n2);
	if (n1 != n2 || memcmp(p1, p2, n1) != 0) {
		fprintf(stderr, "printed twice, differs:\n%s\n---\n%s", p1, p2);
		CHECK(0);
	}
	free(p1);
	free(p2);
	config_free(again);
	config_free(c);
	return 0;
}

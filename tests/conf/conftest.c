/*
 * Load a configuration file and print it normalised, as `l2tpv3d -n`
 * does, without the rest of the daemon: the golden tests use it.
 * Exit 0 and the configuration on stdout, or 1 and the error on stderr.
 *
 *	conftest FILE		every value (CONF_PRINT_ALL)
 *	conftest -s FILE	what the file set (show running-config)
 *	conftest -O		the option table, one option a line:
 *				SCOPE NAME FLAGS EXAMPLE NEEDS (tab-separated,
 *				NEEDS's newlines as \n)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/config.h"

/* NEEDS has a line per option: "\n" stands for the newline. */
static void
print_escaped(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (*s == '\n')
			fputs("\\n", stdout);
		else
			putchar(*s);
}

static void
print_table(void)
{
	static const char *const scopes[] = { "global", "tunnel", "session" };
	struct conf_optinfo o;
	size_t i;
	int sc;

	for (sc = CONF_SCOPE_GLOBAL; sc <= CONF_SCOPE_SESSION; sc++)
		for (i = 0; config_opt(sc, i, &o); i++) {
			printf("%s\t%s\t%d\t%s\t", scopes[sc], o.name, o.flags,
			    o.example);
			print_escaped(o.needs);
			putchar('\n');
		}
}

int
main(int argc, char *argv[])
{
	struct daemon_conf *conf;
	char err[512];
	int flags = CONF_PRINT_ALL;

	if (argc == 2 && strcmp(argv[1], "-O") == 0) {
		print_table();
		return fflush(stdout) == 0 ? 0 : 1;
	}
	if (argc == 3 && strcmp(argv[1], "-s") == 0) {
		flags = 0;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: conftest [-s] FILE | -O\n");
		return 2;
	}
	if ((conf = config_load(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	config_print_flags(conf, stdout, flags);
	config_free(conf);
	return fflush(stdout) == 0 ? 0 : 1;
}

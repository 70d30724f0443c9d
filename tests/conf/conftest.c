/*
 * Load a configuration file and print it normalised, as `l2tpv3d -n`
 * does, without the rest of the daemon: the golden tests use it.
 * Exit 0 and the configuration on stdout, or 1 and the error on stderr.
 */
#include <stdio.h>
#include <stdlib.h>

#include "daemon/config.h"

int
main(int argc, char *argv[])
{
	struct daemon_conf *conf;
	char err[512];

	if (argc != 2) {
		fprintf(stderr, "usage: conftest FILE\n");
		return 2;
	}
	if ((conf = config_load(argv[1], err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	config_print(conf, stdout);
	config_free(conf);
	return fflush(stdout) == 0 ? 0 : 1;
}

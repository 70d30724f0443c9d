/*
 * The fuzz targets' invariant check: a broken invariant aborts, which is
 * what libFuzzer (and the corpus replayer) report as a crash.
 */
#ifndef L2TP_TESTS_FUZZ_CHECK_H
#define L2TP_TESTS_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", \
			    __FILE__, __LINE__, #cond); \
			abort(); \
		} \
	} while (0)

#endif

/*
 * The benchmarks' clock: monotonic seconds, as a double.  Shared by the
 * programs in bench/ so they time the same way.
 */
#ifndef L2TP_BENCH_CLOCK_H
#define L2TP_BENCH_CLOCK_H

#include <time.h>

static inline double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif

/*
 * Test shim, preloaded into l2tpv3d by tests/shell/write-nonblocking.sh:
 * fsync() sleeps L2TP_TEST_FSYNC_DELAY_MS first, like a disk that is
 * slow to flush, so the test can see whether `write memory` holds up
 * the event loop.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

int fsync(int);

int
fsync(int fd)
{
	static int (*real_fsync)(int);
	const char *ms = getenv("L2TP_TEST_FSYNC_DELAY_MS");
	struct timespec pause;
	long delay;

	if (real_fsync == NULL)
		real_fsync = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (ms != NULL && (delay = strtol(ms, NULL, 10)) > 0) {
		pause.tv_sec = delay / 1000;
		pause.tv_nsec = (delay % 1000) * 1000000L;
		nanosleep(&pause, NULL);
	}
	return real_fsync(fd);
}

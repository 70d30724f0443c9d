/*
 * What the fuzz targets that run daemon code replace of the world around
 * it.
 *
 * log.c sends its lines to syslog unless it logs to stderr, and millions
 * of inputs must not fill the system's journal: these definitions take
 * the place of the C library's, so the lines stay in log.c's ring (`show
 * log`) only.
 *
 * config.c parses in a thread of its own (parse_apart) and parses in the
 * calling thread when none can be created.  A thread per input costs the
 * fuzzer most of its speed (a fresh allocator cache each time under
 * ASan), so the targets compile config.c with
 * -Dpthread_create=fuzz_pthread_create (tests/tests.mk): the parse runs
 * in-process, on the fallback path, with the same parser.
 */
#include <errno.h>
#include <pthread.h>
#include <syslog.h>

int fuzz_pthread_create(
    pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

void
openlog(const char *ident, int option, int facility)
{
}

void
syslog(int pri, const char *fmt, ...)
{
}

int
fuzz_pthread_create(
    pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	return EAGAIN;
}

/*
 * Configuration loads on a worker thread: see conf_load.h.
 *
 * One thread per job (a load is rare and long, a thread's start is
 * cheap next to it); the thread writes one byte to a pipe when the work
 * is over, and the loop joins it and calls done.  The thread blocks
 * every signal, so they stay with the loop's handlers.
 */
#include <config.h>

#include <sys/queue.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon/conf_diff.h"
#include "daemon/conf_load.h"
#include "daemon/log.h"
#include "daemon/tunnel.h"

struct conf_job {
	TAILQ_ENTRY(conf_job) entry;
	conf_load_work_fn *work;
	conf_load_done_fn *done;
	void *arg;
};

static struct {
	TAILQ_HEAD(, conf_job) queue;
	int init;
	int closing; /* conf_load_shutdown(): nothing more is applied */
	struct event_base *base;
	struct conf_job *running;
	pthread_t thread;
	int pipe[2];
	struct event *ev_done;
} cl = { .pipe = { -1, -1 } };

#define CONF_APPLY_LOG_MAX 32 /* lines of what a change does */

static unsigned long generation;

static void job_start_next(void);

static void *
job_thread(void *arg)
{
	struct conf_job *j = arg;
	char one = 1;

	j->work(j->arg);
	while (write(cl.pipe[1], &one, 1) == -1 && errno == EINTR)
		;
	return NULL;
}

/* The running job is over (or about to be): join it, report. */
static void
job_finish(void)
{
	struct conf_job *j = cl.running;

	pthread_join(cl.thread, NULL);
	cl.running = NULL;
	j->done(j->arg);
	free(j);
}

static void
job_done_cb(evutil_socket_t fd, short what, void *arg)
{
	char buf[16];

	(void)what;
	(void)arg;
	while (read(fd, buf, sizeof(buf)) == -1 && errno == EINTR)
		;
	if (cl.running != NULL)
		job_finish();
	job_start_next();
}

static int
jobs_init(struct event_base *base)
{
	if (cl.init)
		return 0;
	TAILQ_INIT(&cl.queue);
	if (pipe2(cl.pipe, O_CLOEXEC) == -1)
		return -1;
	cl.ev_done = event_new(
	    base, cl.pipe[0], EV_READ | EV_PERSIST, job_done_cb, NULL);
	if (cl.ev_done == NULL || event_add(cl.ev_done, NULL) == -1) {
		if (cl.ev_done != NULL)
			event_free(cl.ev_done);
		cl.ev_done = NULL;
		close(cl.pipe[0]);
		close(cl.pipe[1]);
		cl.pipe[0] = cl.pipe[1] = -1;
		return -1;
	}
	cl.base = base;
	cl.init = 1;
	return 0;
}

/* Start the next queued job; without a thread, its work runs here. */
static void
job_start_next(void)
{
	struct conf_job *j;
	sigset_t all, old;
	int rc;

	while (cl.running == NULL && (j = TAILQ_FIRST(&cl.queue)) != NULL) {
		TAILQ_REMOVE(&cl.queue, j, entry);
		cl.running = j;
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		rc = pthread_create(&cl.thread, NULL, job_thread, j);
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (rc == 0)
			return;
		log_warnx("configuration load: no thread (%s): on the loop",
		    strerror(rc));
		cl.running = NULL;
		j->work(j->arg);
		j->done(j->arg);
		free(j);
	}
}

int
conf_load_queue(struct event_base *base, conf_load_work_fn *work,
    conf_load_done_fn *done, void *arg)
{
	struct conf_job *j;

	if (jobs_init(base) == -1 || (j = calloc(1, sizeof(*j))) == NULL)
		return -1;
	j->work = work;
	j->done = done;
	j->arg = arg;
	TAILQ_INSERT_TAIL(&cl.queue, j, entry);
	job_start_next();
	return 0;
}

void
conf_load_shutdown(void)
{
	struct conf_job *j;

	if (!cl.init)
		return;
	cl.closing = 1;
	if (cl.running != NULL)
		job_finish();
	while ((j = TAILQ_FIRST(&cl.queue)) != NULL) {
		TAILQ_REMOVE(&cl.queue, j, entry);
		j->work(j->arg);
		j->done(j->arg);
		free(j);
	}
	event_free(cl.ev_done);
	cl.ev_done = NULL;
	close(cl.pipe[0]);
	close(cl.pipe[1]);
	cl.pipe[0] = cl.pipe[1] = -1;
	cl.init = 0;
}

unsigned long
conf_generation(void)
{
	return generation;
}

static uint64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void
conf_apply(struct daemon_conf *nc, const char *what)
{
	const struct tunnel_conf *t;
	const char *line, *nl;
	uint64_t t0;
	size_t n = 0, nlines = 0;

	if (cl.closing) {
		/* The daemon is exiting: a load that ends now is dropped. */
		config_free(nc);
		return;
	}
	for (line = what; line != NULL && *line != '\0'; line = nl + 1) {
		if ((nl = strchr(line, '\n')) == NULL)
			break;
		/* A file of 10 000 new tunnels is not 10 000 lines. */
		if (++nlines <= CONF_APPLY_LOG_MAX)
			log_info("configuration: %.*s", (int)(nl - line), line);
	}
	if (nlines > CONF_APPLY_LOG_MAX)
		log_info("configuration: and %zu more changes",
		    nlines - CONF_APPLY_LOG_MAX);
	generation++;
	TAILQ_FOREACH(t, &nc->tunnels, entry)
		n++;
	t0 = mono_us();
	tunnels_reload(nc);
	/* On the loop: what it costs at scale holds everything else up
	 * (docs/performance.md). */
	log_info("configuration applied: %zu tunnels, reload %.1f ms", n,
	    (double)(mono_us() - t0) / 1000.0);
}

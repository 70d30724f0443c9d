/*
 * Optional libraries are opened with dlopen(3) when a feature uses them,
 * not linked.  Linked, libsystemd and libmicrohttpd bring 17 of the
 * daemon's 28 shared objects (GnuTLS and its crypto and PKCS#11 stack
 * come with libmicrohttpd, compression and gcrypt with libsystemd), and
 * every one is mapped, relocated and initialised at each start whether
 * the feature is used or not: time during which a static daemon
 * restarted without keep-on-exit has no interface (issue 10), and code
 * in the address space of a daemon that never serves HTTP.  Measured once
 * in the test VM on a loaded machine (not a benchmark): an empty program
 * linked with all 28 started 0.2-0.5 s slower than one linked with the
 * other 11.  They are opened before the
 * sandbox (seccomp, dropped privileges), by the SONAME the build was
 * checked against (configure.ac's L2TP_SONAME).
 */
#include <config.h>

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "daemon/log.h"
#include "daemon/optlib.h"

#ifdef HAVE_LIBSYSTEMD
static struct {
	__typeof__(sd_notify) *notify;
	__typeof__(sd_watchdog_enabled) *watchdog_enabled;
	__typeof__(sd_notify_barrier) *notify_barrier; /* systemd >= 246 */
} sd;
#endif

/*
 * The new process of a graceful restart is a child of the old main
 * process, and systemd (NotifyAccess=main) takes its notifications only
 * once the old one has named it (MAINPID=) and exited: until its parent
 * changes, what it would send is held, the last of each kind.
 */
#define GATE_LINES 5
#define GATE_LINE_MAX 160
static struct {
	pid_t old_main; /* 0: not held */
	size_t n;
	char line[GATE_LINES][GATE_LINE_MAX];
} gate;

void
optlib_systemd_open(void)
{
#ifdef HAVE_LIBSYSTEMD
	void *h;

	if (sd.notify != NULL || getenv("NOTIFY_SOCKET") == NULL)
		return;
	if ((h = dlopen(LIBSYSTEMD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		log_warnx("systemd supervises us but %s cannot be opened (%s): "
			  "no readiness or watchdog notifications",
		    LIBSYSTEMD_SONAME, dlerror());
		return;
	}
	sd.notify = (__typeof__(sd_notify) *)dlsym(h, "sd_notify");
	sd.watchdog_enabled =
	    (__typeof__(sd_watchdog_enabled) *)dlsym(h, "sd_watchdog_enabled");
	sd.notify_barrier =
	    (__typeof__(sd_notify_barrier) *)dlsym(h, "sd_notify_barrier");
	if (sd.notify == NULL || sd.watchdog_enabled == NULL) {
		log_warnx("%s lacks sd_notify: no readiness or watchdog "
			  "notifications",
		    LIBSYSTEMD_SONAME);
		memset(&sd, 0, sizeof(sd));
	}
#endif
}

#ifdef HAVE_LIBSYSTEMD
/* One assignment into the held ones: it replaces one of its kind (the
 * text up to '='). */
static void
gate_hold_line(const char *l, size_t n)
{
	size_t i, key;

	if (n == 0 || n >= GATE_LINE_MAX)
		return;
	key = strcspn(l, "=");
	for (i = 0; i < gate.n; i++)
		if (strncmp(gate.line[i], l, key + 1) == 0)
			break;
	if (i == gate.n) {
		if (gate.n == GATE_LINES)
			return;
		gate.n++;
	}
	memcpy(gate.line[i], l, n);
	gate.line[i][n] = '\0';
}

static void
gate_hold(const char *state)
{
	const char *e;

	for (; *state != '\0'; state = *e == '\0' ? e : e + 1) {
		e = state + strcspn(state, "\n");
		gate_hold_line(state, (size_t)(e - state));
	}
}

/* What was held, in one datagram; the gate opens. */
static int
gate_release(void)
{
	char msg[GATE_LINES * GATE_LINE_MAX];
	size_t i, len = 0;

	gate.old_main = 0;
	if (gate.n == 0)
		return 0;
	for (i = 0; i < gate.n; i++)
		len += (size_t)snprintf(msg + len, sizeof(msg) - len, "%s%s",
		    i > 0 ? "\n" : "", gate.line[i]);
	gate.n = 0;
	return sd.notify(0, msg);
}
#endif

void
optlib_sd_hold_until_parent_exits(void)
{
	gate.old_main = getppid();
	gate.n = 0;
}

int
optlib_sd_gate_poll(void)
{
#ifdef HAVE_LIBSYSTEMD
	if (gate.old_main == 0)
		return 0;
	if (getppid() != gate.old_main) {
		if (sd.notify != NULL)
			(void)gate_release();
		gate.old_main = 0;
		return 0;
	}
	return 1;
#else
	return 0;
#endif
}

int
optlib_sd_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	if (sd.notify == NULL)
		return 0;
	if (optlib_sd_gate_poll()) {
		gate_hold(state);
		return 0;
	}
	return sd.notify(0, state);
#else
	(void)state;
	return 0;
#endif
}

int
optlib_sd_main_pid(long pid)
{
#ifdef HAVE_LIBSYSTEMD
	char msg[32];
	int rc;

	if (sd.notify == NULL)
		return 0;
	snprintf(msg, sizeof(msg), "MAINPID=%ld", pid);
	if ((rc = sd.notify(0, msg)) <= 0 || sd.notify_barrier == NULL)
		return rc;
	/* Processed before our exit, or systemd would take that exit for
	 * the service's. */
	return sd.notify_barrier(0, OPTLIB_BARRIER_USEC);
#else
	(void)pid;
	return 0;
#endif
}

int
optlib_sd_watchdog_enabled(uint64_t *usec)
{
#ifdef HAVE_LIBSYSTEMD
	if (sd.watchdog_enabled != NULL)
		return sd.watchdog_enabled(0, usec);
#else
	(void)usec;
#endif
	return 0;
}

#ifdef HAVE_LIBMICROHTTPD
static struct optlib_mhd mhd;

const struct optlib_mhd *
optlib_mhd_open(char *err, size_t len)
{
	void *h;

	if (mhd.MHD_start_daemon != NULL)
		return &mhd;
	if ((h = dlopen(LIBMHD_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		snprintf(
		    err, len, "cannot open %s: %s", LIBMHD_SONAME, dlerror());
		return NULL;
	}
#define OPTLIB_MHD_SYM(f) \
	if ((mhd.f = (__typeof__(f) *)dlsym(h, #f)) == NULL) { \
		snprintf(err, len, "%s has no %s", LIBMHD_SONAME, #f); \
		memset(&mhd, 0, sizeof(mhd)); \
		dlclose(h); \
		return NULL; \
	}
	OPTLIB_MHD_FUNCS(OPTLIB_MHD_SYM)
#undef OPTLIB_MHD_SYM
	return &mhd;
}
#endif

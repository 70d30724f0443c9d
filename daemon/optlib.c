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

#ifdef HAVE_LIBSYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "daemon/log.h"
#include "daemon/optlib.h"

#ifdef HAVE_LIBSYSTEMD
static struct {
	__typeof__(sd_notify) *notify;
	__typeof__(sd_watchdog_enabled) *watchdog_enabled;
} sd;
#endif

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
	if (sd.notify == NULL || sd.watchdog_enabled == NULL) {
		log_warnx("%s lacks sd_notify: no readiness or watchdog "
			  "notifications",
		    LIBSYSTEMD_SONAME);
		memset(&sd, 0, sizeof(sd));
	}
#endif
}

int
optlib_sd_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
	if (sd.notify != NULL)
		return sd.notify(0, state);
#else
	(void)state;
#endif
	return 0;
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

/*
 * Optional libraries, mapped only when a feature uses them (optlib.c
 * says why): libsystemd when systemd supervises the daemon, and
 * libmicrohttpd when metrics-listen is set.
 */
#ifndef L2TP_DAEMON_OPTLIB_H
#define L2TP_DAEMON_OPTLIB_H

#include <stddef.h>
#include <stdint.h>

#ifdef HAVE_LIBMICROHTTPD
#include <microhttpd.h>
#endif

/* Open libsystemd when NOTIFY_SOCKET is set; before the sandbox. */
void optlib_systemd_open(void);
/* sd_notify(0, state); 0 (nothing sent) when libsystemd is not open. */
int optlib_sd_notify(const char *state);
/* sd_watchdog_enabled(0, usec); 0 when libsystemd is not open. */
int optlib_sd_watchdog_enabled(uint64_t *usec);
/*
 * Graceful restart.  The old main process names its successor
 * (MAINPID=pid) and waits until systemd has taken it (a barrier, at
 * most OPTLIB_BARRIER_USEC) before it exits.  The new process, a child
 * of the old one, holds its notifications until its parent is gone
 * (optlib.c says why): optlib_sd_gate_poll() sends what was held once
 * it is, and says whether it still holds (poll again, every
 * OPTLIB_GATE_POLL_MS).
 */
#define OPTLIB_BARRIER_USEC 5000000
#define OPTLIB_GATE_POLL_MS 50
int optlib_sd_main_pid(long pid);
void optlib_sd_hold_until_parent_exits(void);
int optlib_sd_gate_poll(void);

#ifdef HAVE_LIBMICROHTTPD
/* The libmicrohttpd functions metrics_http.c calls. */
#define OPTLIB_MHD_FUNCS(X) \
	X(MHD_start_daemon) \
	X(MHD_stop_daemon) \
	X(MHD_run) \
	X(MHD_get_daemon_info) \
	X(MHD_get_timeout) \
	X(MHD_create_response_from_buffer) \
	X(MHD_create_response_from_callback) \
	X(MHD_add_response_header) \
	X(MHD_queue_response) \
	X(MHD_destroy_response)
struct optlib_mhd {
#define OPTLIB_MHD_MEMBER(f) __typeof__(f) *f;
	OPTLIB_MHD_FUNCS(OPTLIB_MHD_MEMBER)
#undef OPTLIB_MHD_MEMBER
};
/* libmicrohttpd's functions, or NULL with the reason in err. */
const struct optlib_mhd *optlib_mhd_open(char *err, size_t len);
#endif

#endif

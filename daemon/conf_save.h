/*
 * Saving the configuration file without blocking the event loop.
 *
 * `write memory` must survive a crash (temp file, fsync, rename, fsync of
 * the directory), and fsync can take seconds on a busy disk.  The daemon
 * answers hellos meanwhile, so the file is written by a worker thread;
 * the loop learns of the end through a pipe and calls the caller back.
 * The thread touches nothing but its own copy of the text and the path.
 */
#ifndef L2TP_DAEMON_CONF_SAVE_H
#define L2TP_DAEMON_CONF_SAVE_H

#include <event2/event.h>

/* Called from the event loop when the file is saved (err NULL) or not
 * (err says which step failed and why). */
typedef void conf_save_done_fn(void *arg, const char *err);

/* The first line of what a save writes (config_print_flags()'s): a file
 * without it is the operator's, kept as path.orig by the first save. */
#define CONF_SAVE_HEADER "# l2tpv3d configuration\n"

/*
 * Write text to path atomically, keeping the old file as path.bak, and
 * the operator's own file, the first time, as path.orig.
 * Takes over text (malloc'd) in every case.  0 when the save started
 * (done runs later, never from inside this call); -1 with err filled
 * when it could not start (another save still running, out of memory).
 */
int conf_save_start(struct event_base *, const char *path, char *text,
    conf_save_done_fn *done, void *arg, char *err, size_t errlen);
/*
 * Where the thread writes instead of the file itself (the privileged
 * parent, when the daemon runs unprivileged): 0, or -1 with err filled
 * with the whole message ("% ...").  NULL: write the file here.
 */
typedef int conf_save_writer_fn(
    const char *path, const char *text, char *err, size_t errlen);
void conf_save_set_writer(conf_save_writer_fn *);
/* The same steps as a save, synchronously (the privileged parent). */
int
conf_save_file(const char *path, const char *text, char *err, size_t errlen);
/* At exit: wait for a running save to end; its callback is called
 * (with the outcome) so the caller can release what it holds. */
void conf_save_shutdown(void);
/* At start: remove the PATH.tmpXXXXXX files (ours, regular) that a save
 * killed half-way left beside path. */
void conf_save_clean_stale(const char *path);

#endif

/*
 * The configuration file, saved by a worker thread: see conf_save.h.
 *
 * One save at a time.  The thread gets the path and the text and gives
 * back a step name and an errno; the message is formatted in the event
 * loop, so nothing in the thread needs to be thread-safe but open,
 * write, fsync, link and rename.
 */
#include <config.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon/conf_save.h"
#include "daemon/log.h"

#define SAVE_PATH_MAX 4096

struct conf_save {
	/* Given to the thread, read-only there. */
	char path[SAVE_PATH_MAX];
	char *text;
	/* Written by the thread, read after it is joined. */
	char tmp[SAVE_PATH_MAX + 16];
	const char *failed_step; /* NULL: saved */
	const char *failed_file;
	int failed_errno;
	char failed_msg[SAVE_PATH_MAX + 128]; /* from the writer */
	/* Event-loop side. */
	pthread_t thread;
	int pipe[2]; /* the thread writes one byte when it ends */
	struct event *ev_done;
	conf_save_done_fn *done;
	void *arg;
};

static struct conf_save *running_save;
static conf_save_writer_fn *writer;

void
conf_save_set_writer(conf_save_writer_fn *fn)
{
	writer = fn;
}

static int
write_all(int fd, const char *s, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = write(fd, s, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
save_fail(struct conf_save *s, const char *step, const char *file)
{
	s->failed_step = step;
	s->failed_file = file;
	s->failed_errno = errno;
}

/* mkstemp's template: the six X become random characters. */
#define SAVE_TMP_SUFFIX ".tmpXXXXXX"

/* The directory of the file, synced so the rename survives a crash. */
static void
sync_dir(const char *path)
{
	char dir[SAVE_PATH_MAX];
	char *slash;
	int fd;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

/*
 * The temporary file beside the target, written and synced.  0 or -1.
 * It holds the secrets: it is 0600 (mkstemp's mode) while being
 * written, and gets the file's own mode only once complete, so a save
 * killed half-way leaves nothing readable by others (and the next start
 * removes it: conf_save_clean_stale()).
 */
static int
write_tmp(struct conf_save *s)
{
	struct stat st;
	mode_t mode = 0640;
	int fd;

	snprintf(s->tmp, sizeof(s->tmp), "%s" SAVE_TMP_SUFFIX, s->path);
	if (stat(s->path, &st) == 0)
		mode = st.st_mode & 0777;
	if ((fd = mkstemp(s->tmp)) == -1) {
		save_fail(s, "create", s->tmp);
		return -1;
	}
	if (write_all(fd, s->text, strlen(s->text)) == -1 || fsync(fd) == -1 ||
	    fchmod(fd, mode) == -1) {
		save_fail(s, "write", s->tmp);
		close(fd);
		unlink(s->tmp);
		return -1;
	}
	close(fd);
	return 0;
}

/* 1 when the file at path was written by a save: it begins with the
 * header config_print_flags() writes (CONF_SAVE_HEADER). */
static int
saved_by_us(const char *path)
{
	char head[sizeof(CONF_SAVE_HEADER)];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	return n == (ssize_t)sizeof(head) - 1 &&
	    memcmp(head, CONF_SAVE_HEADER, sizeof(head) - 1) == 0;
}

/*
 * The operator's own file (comments, layout), kept as FILE.orig by the
 * first save over a file no save wrote; never replaced after that, so
 * two saves in a row cannot lose it (FILE.bak is only the last one).
 */
static int
keep_orig(struct conf_save *s)
{
	char orig[SAVE_PATH_MAX + 8];

	snprintf(orig, sizeof(orig), "%s.orig", s->path);
	if (access(orig, F_OK) == 0 || saved_by_us(s->path))
		return 0;
	if (link(s->path, orig) == -1 && errno != ENOENT) {
		save_fail(s, "keep the original as", orig);
		return -1;
	}
	return 0;
}

/*
 * Temp file, the operator's original kept as FILE.orig (once), the old
 * file kept as FILE.bak (a hard link, so FILE itself is never missing),
 * rename over FILE, sync the directory.
 */
static void
save_file(struct conf_save *s)
{
	char bak[SAVE_PATH_MAX + 8];

	if (write_tmp(s) == -1)
		return;
	if (keep_orig(s) == -1) {
		unlink(s->tmp);
		return;
	}
	snprintf(bak, sizeof(bak), "%s.bak", s->path);
	if ((unlink(bak) == -1 && errno != ENOENT) ||
	    (link(s->path, bak) == -1 && errno != ENOENT)) {
		save_fail(s, "backup", s->path);
		unlink(s->tmp);
		return;
	}
	if (rename(s->tmp, s->path) == -1) {
		save_fail(s, "rename", s->path);
		unlink(s->tmp);
		return;
	}
	sync_dir(s->path);
}

static void *
save_thread(void *arg)
{
	struct conf_save *s = arg;
	char one = 1;

	if (writer == NULL)
		save_file(s);
	else if (writer(s->path, s->text, s->failed_msg,
		     sizeof(s->failed_msg)) == -1)
		s->failed_step = "write";
	while (write(s->pipe[1], &one, 1) == -1 && errno == EINTR)
		;
	return NULL;
}

static void
save_free(struct conf_save *s)
{
	if (s->ev_done != NULL)
		event_free(s->ev_done);
	if (s->pipe[0] != -1)
		close(s->pipe[0]);
	if (s->pipe[1] != -1)
		close(s->pipe[1]);
	free(s->text);
	free(s);
}

static void
save_message(const struct conf_save *s, char *msg, size_t len)
{
	if (s->failed_msg[0] != '\0')
		snprintf(msg, len, "%s", s->failed_msg);
	else if (s->failed_step != NULL)
		snprintf(msg, len, "%% %s %s: %s", s->failed_step,
		    s->failed_file, strerror(s->failed_errno));
}

int
conf_save_file(const char *path, const char *text, char *err, size_t errlen)
{
	struct conf_save *s;
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "%% write memory: %s", strerror(errno));
		return -1;
	}
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->text = (char *)(uintptr_t)text;
	save_file(s);
	rc = s->failed_step != NULL ? -1 : 0;
	if (rc == -1)
		save_message(s, err, errlen);
	free(s);
	return rc;
}

/* The thread has ended (or is about to): join it and report. */
static void
save_finish(struct conf_save *s)
{
	char msg[SAVE_PATH_MAX + 128];

	pthread_join(s->thread, NULL);
	running_save = NULL;
	save_message(s, msg, sizeof(msg));
	s->done(s->arg, s->failed_step != NULL ? msg : NULL);
	save_free(s);
}

static void
save_done_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	save_finish(arg);
}

static struct conf_save *
save_new(struct event_base *base, const char *path, char *text)
{
	struct conf_save *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->text = text;
	s->pipe[0] = s->pipe[1] = -1;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if (pipe2(s->pipe, O_CLOEXEC) == -1 ||
	    (s->ev_done = event_new(
		 base, s->pipe[0], EV_READ, save_done_cb, s)) == NULL ||
	    event_add(s->ev_done, NULL) == -1) {
		int saved = errno;

		save_free(s);
		errno = saved;
		return NULL;
	}
	return s;
}

int
conf_save_start(struct event_base *base, const char *path, char *text,
    conf_save_done_fn *done, void *arg, char *err, size_t errlen)
{
	struct conf_save *s;
	int rc;

	if (running_save != NULL) {
		free(text);
		snprintf(err, errlen,
		    "%% the configuration is being written; try again");
		return -1;
	}
	if (strlen(path) >= SAVE_PATH_MAX) {
		free(text);
		snprintf(err, errlen, "%% %s: path too long", path);
		return -1;
	}
	if ((s = save_new(base, path, text)) == NULL) {
		snprintf(err, errlen, "%% write memory: %s", strerror(errno));
		free(text);
		return -1;
	}
	s->done = done;
	s->arg = arg;
	if ((rc = pthread_create(&s->thread, NULL, save_thread, s)) != 0) {
		snprintf(err, errlen, "%% write memory: %s", strerror(rc));
		save_free(s);
		return -1;
	}
	running_save = s;
	return 0;
}

void
conf_save_shutdown(void)
{
	struct conf_save *s = running_save;

	if (s == NULL)
		return;
	log_info("waiting for the configuration file to be written");
	save_finish(s);
}

/* FILE.tmpXXXXXX, as write_tmp() names them: name is base + that. */
static int
is_stale_tmp(const char *name, const char *base)
{
	size_t blen = strlen(base), slen = strlen(SAVE_TMP_SUFFIX);

	return strlen(name) == blen + slen && strncmp(name, base, blen) == 0 &&
	    strncmp(name + blen, SAVE_TMP_SUFFIX, slen - 6) == 0;
}

void
conf_save_clean_stale(const char *path)
{
	char dir[SAVE_PATH_MAX], file[SAVE_PATH_MAX + 16];
	const char *base;
	struct dirent *de;
	struct stat st;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((base = strrchr(path, '/')) == NULL) {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		dir[base - path == 0 ? 1 : base - path] = '\0';
		base++;
	}
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (!is_stale_tmp(de->d_name, base))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		/* Only a file of ours: never follow a link planted there. */
		if (lstat(file, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_uid != geteuid())
			continue;
		if (unlink(file) == 0)
			log_info("removed %s, left by an interrupted write "
				 "memory",
			    file);
	}
	closedir(dp);
}

/*
 * l2tpsh: talk to l2tpv3d over its control socket.
 *
 * One connection carries every command of a run; each command is one
 * CTL_REQUEST frame and its answer is streamed back as CTL_DATA frames,
 * closed by a CTL_END frame with a status.  The connection has a CLI
 * node in the daemon (view, config, config-tunnel, config-session), so
 * `configure terminal` followed by `tunnel X` works from -c, stdin or a
 * terminal alike.
 *
 * On a terminal the shell edits lines with libedit: history in
 * ~/.l2tpsh_history, TAB asks the daemon to complete (CTL_COMPLETE),
 * `?` asks what may come next (CTL_DESCRIBE), the prompt comes from the
 * daemon (CTL_STATE), and long answers go through a pager.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <sys/ioctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <histedit.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/outfilter.h"
#include "proto/buf.h"
#include "proto/ctlproto.h"
#include "proto/sbuf.h"

/* Exit statuses: every command succeeded, one failed, no daemon. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_NODAEMON 2

#define HISTORY_FILE ".l2tpsh_history"
#define HISTORY_SIZE 1000
#define PAGER_DEFAULT "less -FRX"

struct shell {
	const char *sockpath;
	int fd;
	uint8_t *frame; /* one received frame: header and payload */
	int failed; /* some command failed */
	/* Interactive only: */
	struct sbuf *capture; /* answers collected here, not printed */
	char prompt[256];
	int view; /* in the top node: exit leaves the shell */
	int pager; /* the daemon's `terminal length` allows one */
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: l2tpsh [-h] [-S socket] [-c command ...]\n"
	    "  -c command  run the command and exit (repeatable)\n"
	    "  -S socket   control socket (default %s,\n"
	    "              or $L2TPSH_SOCKET)\n"
	    "Without -c, commands are read from stdin, one per line;\n"
	    "on a terminal, at a prompt.\n",
	    CTL_SOCKET_DEFAULT);
}

/*
 * Why the daemon could not be reached, in words that lead to the fix:
 * a refusal names the group that grants access (the socket's), or the
 * directory that cannot be entered; only a missing or dead socket asks
 * whether l2tpv3d runs.
 */
static void
connect_error(const char *path, int err)
{
	struct stat st;
	struct group *gr;
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)], *slash;

	if (err != EACCES && err != EPERM) {
		fprintf(stderr,
		    "l2tpsh: cannot connect to %s: %s (is l2tpv3d running?)\n",
		    path, strerror(err));
		return;
	}
	if (stat(path, &st) == -1) {
		snprintf(dir, sizeof(dir), "%s", path);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir)
			*slash = '\0';
		fprintf(stderr,
		    "l2tpsh: cannot connect to %s: %s (the directory %s is "
		    "not open to you)\n",
		    path, strerror(err), dir);
		return;
	}
	gr = getgrgid(st.st_gid);
	if (gr != NULL)
		fprintf(stderr,
		    "l2tpsh: cannot connect to %s: %s (members of group %s "
		    "have access: usermod -a -G %s USER, then log in again)\n",
		    path, strerror(err), gr->gr_name, gr->gr_name);
	else
		fprintf(stderr,
		    "l2tpsh: cannot connect to %s: %s (members of group %ld "
		    "have access)\n",
		    path, strerror(err), (long)st.st_gid);
}

static int
shell_connect(struct shell *sh)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sh->sockpath) >= sizeof(sun.sun_path)) {
		fprintf(
		    stderr, "l2tpsh: socket path too long: %s\n", sh->sockpath);
		return -1;
	}
	strncpy(sun.sun_path, sh->sockpath, sizeof(sun.sun_path) - 1);
	sh->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (sh->fd == -1 ||
	    connect(sh->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		connect_error(sh->sockpath, errno);
		return -1;
	}
	return 0;
}

static int
write_full(int fd, const void *p, size_t len)
{
	const uint8_t *bytes = p;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		/* MSG_NOSIGNAL: a vanished daemon is an error, not a kill. */
		n = send(fd, &bytes[done], len - done, MSG_NOSIGNAL);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

/* 0 when all len bytes arrived, -1 on error or end of stream. */
static int
read_full(int fd, void *p, size_t len)
{
	uint8_t *bytes = p;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, &bytes[done], len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

static int
send_request(struct shell *sh, uint16_t type, const char *line, size_t len)
{
	uint8_t hdr[CTL_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, hdr, sizeof(hdr));
	if (ctl_put_hdr(&w, type, (uint32_t)len) == -1)
		return -1;
	if (write_full(sh->fd, wbuf_data(&w), wbuf_len(&w)) == -1 ||
	    write_full(sh->fd, line, len) == -1)
		return -1;
	return 0;
}

/* Receive one frame into sh->frame; the payload is left in *payload. */
static int
recv_frame(struct shell *sh, struct ctl_frame_hdr *h, struct rbuf *payload)
{
	struct rbuf r;

	if (read_full(sh->fd, sh->frame, CTL_HDR_LEN) == -1)
		return -1;
	rbuf_init(&r, sh->frame, CTL_HDR_LEN);
	if (ctl_get_hdr(&r, h) == -1)
		return -1;
	if (h->version != CTL_VERSION) {
		fprintf(stderr,
		    "l2tpsh: l2tpv3d speaks control protocol version %u, "
		    "l2tpsh speaks %u\n",
		    h->version, CTL_VERSION);
		return -1;
	}
	if (h->len > CTL_MAX_PAYLOAD) {
		fprintf(stderr, "l2tpsh: oversized frame from l2tpv3d\n");
		return -1;
	}
	if (read_full(sh->fd, sh->frame, h->len) == -1)
		return -1;
	rbuf_init(payload, sh->frame, h->len);
	return 0;
}

static void
print_end(uint32_t status, struct rbuf *msg)
{
	size_t len = rbuf_left(msg);
	const uint8_t *text;

	if (status == CTL_STATUS_OK)
		return;
	fflush(stdout);
	if (len == 0 || rbuf_view(msg, len, &text) == -1) {
		fprintf(stderr, "%% %s\n", ctl_status_str(status));
		return;
	}
	fwrite(text, 1, len, stderr);
	if (text[len - 1] != '\n')
		fputc('\n', stderr);
}

/*
 * Run one command line.  Its status (enum ctl_status) once the answer is
 * complete; -1 when the conversation with the daemon broke down.
 */
static int
shell_ask(struct shell *sh, uint16_t type, const char *line)
{
	struct ctl_frame_hdr h;
	struct rbuf payload;
	const uint8_t *bytes;
	uint32_t status;
	size_t len = strlen(line);

	if (len > CTL_MAX_PAYLOAD) {
		fprintf(stderr, "%% command too long (%zu bytes)\n", len);
		return CTL_STATUS_ERROR;
	}
	if (send_request(sh, type, line, len) == -1)
		goto lost;
	for (;;) {
		if (recv_frame(sh, &h, &payload) == -1)
			goto lost;
		switch (h.type) {
		case CTL_DATA:
			if (h.len == 0 ||
			    rbuf_view(&payload, h.len, &bytes) == -1)
				break;
			if (sh->capture != NULL)
				sbuf_putn(
				    sh->capture, (const char *)bytes, h.len);
			else
				fwrite(bytes, 1, h.len, stdout);
			break;
		case CTL_END:
			if (ctl_get_end(&payload, &status) == -1)
				goto lost;
			print_end(status, &payload);
			fflush(stdout);
			return (int)status;
		default:
			fprintf(stderr, "l2tpsh: unexpected frame type %u\n",
			    h.type);
			goto lost;
		}
	}
lost:
	fflush(stdout);
	fprintf(stderr, "l2tpsh: lost the connection to %s\n", sh->sockpath);
	return -1;
}

static int shell_collect(struct shell *, uint16_t, const char *, struct sbuf *);

/*
 * Run a command line, its output filters (`| include RE`...) applied;
 * the output goes to out, or to stdout when out is NULL.  The line is
 * cut at the filters.  Its status, or -1 when the link is gone.
 */
static int
shell_filtered(struct shell *sh, char *line, struct sbuf *out)
{
	struct outfilter *of;
	struct sbuf raw, filtered;
	char err[256];
	int status;

	if (outfilter_parse(line, &of, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		return CTL_STATUS_ERROR;
	}
	if (of == NULL)
		return out != NULL ? shell_collect(sh, CTL_REQUEST, line, out)
				   : shell_ask(sh, CTL_REQUEST, line);
	sbuf_init(&raw);
	sbuf_init(&filtered);
	status = shell_collect(sh, CTL_REQUEST, line, &raw);
	outfilter_apply(of, raw.s != NULL ? raw.s : "", raw.len,
	    out != NULL ? out : &filtered);
	if (out == NULL && filtered.len > 0) {
		fwrite(filtered.s, 1, filtered.len, stdout);
		fflush(stdout);
	}
	sbuf_free(&raw);
	sbuf_free(&filtered);
	outfilter_free(of);
	return status;
}

static int
shell_exec(struct shell *sh, char *line)
{
	return shell_filtered(sh, line, NULL);
}

/* Run a line unless it is blank or a comment; -1 if the link is gone. */
static int
shell_line(struct shell *sh, char *line)
{
	size_t len = strlen(line);
	int status;

	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	line += strspn(line, " \t");
	if (*line == '\0' || *line == '#')
		return 0;
	if ((status = shell_exec(sh, line)) == -1)
		return -1;
	if (status != CTL_STATUS_OK)
		sh->failed = 1;
	return 0;
}

static int
run_file(struct shell *sh, FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;

	while (getline(&line, &cap, in) != -1) {
		if ((rc = shell_line(sh, line)) == -1)
			break;
	}
	free(line);
	return rc;
}

/* Is the line's first word a prefix (2+ letters) of w, and alone? */
static int
is_word(const char *line, const char *w)
{
	size_t n;

	line += strspn(line, " \t");
	n = strcspn(line, " \t\r\n");
	if (n < 2 || n > strlen(w) || strncmp(line, w, n) != 0)
		return 0;
	line += n;
	return line[strspn(line, " \t\r\n")] == '\0';
}

/* An answer collected rather than printed; its status, or -1. */
static int
shell_collect(
    struct shell *sh, uint16_t type, const char *line, struct sbuf *out)
{
	int status;

	sh->capture = out;
	status = shell_ask(sh, type, line);
	sh->capture = NULL;
	return status;
}

/* The prompt and the pager setting, from the daemon (CTL_STATE). */
static int
shell_state(struct shell *sh)
{
	struct sbuf out;
	char *line, *save;
	int status;

	sbuf_init(&out);
	if ((status = shell_collect(sh, CTL_STATE, "", &out)) != 0 ||
	    out.s == NULL) {
		sbuf_free(&out);
		return status == 0 ? -1 : status;
	}
	for (line = strtok_r(out.s, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "prompt=", 7) == 0)
			snprintf(
			    sh->prompt, sizeof(sh->prompt), "%s", line + 7);
		else if (strncmp(line, "node=", 5) == 0)
			sh->view = strcmp(line + 5, "view") == 0;
		else if (strncmp(line, "pager=", 6) == 0)
			sh->pager = strcmp(line + 6, "on") == 0;
	}
	/* strtok_r ate the prompt's trailing space: put it back. */
	if (sh->prompt[0] != '\0' &&
	    strlen(sh->prompt) + 1 < sizeof(sh->prompt) &&
	    sh->prompt[strlen(sh->prompt) - 1] != ' ')
		strcat(sh->prompt, " ");
	sbuf_free(&out);
	return 0;
}

static struct shell *
el_shell(EditLine *el)
{
	void *sh = NULL;

	el_get(el, EL_CLIENTDATA, &sh);
	return sh;
}

static char *
prompt_cb(EditLine *el)
{
	return el_shell(el)->prompt;
}

/* The line up to the cursor. */
static char *
line_to_cursor(EditLine *el)
{
	const LineInfo *li = el_line(el);

	return strndup(li->buffer, (size_t)(li->cursor - li->buffer));
}

/* The word being typed: after the last blank. */
static const char *
last_word(const char *text)
{
	const char *p = text + strlen(text);

	while (p > text && p[-1] != ' ' && p[-1] != '\t')
		p--;
	return p;
}

static size_t
common_prefix(char **v, size_t n)
{
	size_t len, i, k;

	if (n == 0)
		return 0;
	len = strlen(v[0]);
	for (i = 1; i < n; i++) {
		for (k = 0; k < len && v[i][k] == v[0][k]; k++)
			;
		len = k;
	}
	return len;
}

static void
print_columns(char **v, size_t n)
{
	size_t i, w = 0;

	for (i = 0; i < n; i++)
		if (strlen(v[i]) > w)
			w = strlen(v[i]);
	fputc('\n', stdout);
	for (i = 0; i < n; i++)
		printf("%-*s%s", (int)w + 2, v[i],
		    (i + 1) % (w + 2 > 38 ? 1 : 76 / (w + 2)) == 0 ? "\n" : "");
	if (n % (w + 2 > 38 ? 1 : 76 / (w + 2)) != 0)
		fputc('\n', stdout);
}

/* TAB: complete the word at the cursor from the daemon's candidates. */
static unsigned char
complete_cb(EditLine *el, int ch)
{
	struct shell *sh = el_shell(el);
	struct sbuf out;
	char *text, *v[256], *line, *save;
	const char *partial;
	size_t n = 0, plen, common;
	unsigned char rc = CC_ERROR;

	if ((text = line_to_cursor(el)) == NULL)
		return CC_ERROR;
	sbuf_init(&out);
	if (shell_collect(sh, CTL_COMPLETE, text, &out) == 0 && out.s != NULL)
		for (line = strtok_r(out.s, "\n", &save);
		     line != NULL && n < sizeof(v) / sizeof(v[0]);
		     line = strtok_r(NULL, "\n", &save))
			v[n++] = line;
	partial = last_word(text);
	plen = strlen(partial);
	common = common_prefix(v, n);
	if (n == 1) {
		el_insertstr(el, v[0] + plen);
		el_insertstr(el, " ");
		rc = CC_REFRESH;
	} else if (n > 1 && common > plen) {
		v[0][common] = '\0';
		el_insertstr(el, v[0] + plen);
		rc = CC_REFRESH;
	} else if (n > 1) {
		print_columns(v, n);
		rc = CC_REDISPLAY;
	}
	sbuf_free(&out);
	free(text);
	return rc;
}

/* `?`: what may come next, with one-line help; the line stays. */
static unsigned char
describe_cb(EditLine *el, int ch)
{
	struct shell *sh = el_shell(el);
	struct sbuf out;
	char *text, *line, *save, *tab;
	int status;

	if ((text = line_to_cursor(el)) == NULL)
		return CC_ERROR;
	sbuf_init(&out);
	status = shell_collect(sh, CTL_DESCRIBE, text, &out);
	fputc('\n', stdout);
	if (status != 0 || out.s == NULL)
		printf("%% There is no matched command.\n");
	else
		for (line = strtok_r(out.s, "\n", &save); line != NULL;
		     line = strtok_r(NULL, "\n", &save)) {
			if ((tab = strchr(line, '\t')) != NULL)
				*tab++ = '\0';
			printf("  %-24s %s\n", line, tab != NULL ? tab : "");
		}
	sbuf_free(&out);
	free(text);
	return CC_REDISPLAY;
}

static int
terminal_rows(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == -1 || ws.ws_row == 0)
		return 24;
	return ws.ws_row;
}

/* Print an answer; through $PAGER (or less -FRX) when it is long. */
static void
page(struct shell *sh, const char *text, size_t len)
{
	const char *pager = getenv("PAGER");
	size_t lines = 0, i;
	FILE *p;

	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (sh->pager && lines >= (size_t)terminal_rows() - 1) {
		if (pager == NULL || *pager == '\0')
			pager = PAGER_DEFAULT;
		fflush(stdout);
		if ((p = popen(pager, "w")) != NULL) {
			fwrite(text, 1, len, p);
			pclose(p);
			return;
		}
	}
	fwrite(text, 1, len, stdout);
	fflush(stdout);
}

/* One interactive command: -1 when the daemon is gone. */
static int
interactive_line(struct shell *sh, const char *line)
{
	struct sbuf out;
	char *copy;
	int status;

	if ((copy = strdup(line)) == NULL)
		return 0;
	sbuf_init(&out);
	status = shell_filtered(sh, copy, &out);
	free(copy);
	if (out.len > 0)
		page(sh, out.s, out.len);
	sbuf_free(&out);
	if (status == -1)
		return -1;
	return shell_state(sh) == -1 ? -1 : 0;
}

static void
history_path(char *buf, size_t len)
{
	const char *home = getenv("HOME");

	buf[0] = '\0';
	if (home != NULL && *home != '\0')
		snprintf(buf, len, "%s/%s", home, HISTORY_FILE);
}

static int
run_interactive(struct shell *sh)
{
	char hist_file[PATH_MAX], *line;
	const char *buf;
	HistEvent ev;
	History *hist;
	EditLine *el;
	int n, rc = 0;

	if (shell_state(sh) == -1)
		return -1;
	if ((el = el_init("l2tpsh", stdin, stdout, stderr)) == NULL ||
	    (hist = history_init()) == NULL) {
		fprintf(stderr, "l2tpsh: cannot set up line editing\n");
		return -1;
	}
	history(hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(hist, &ev, H_SETUNIQUE, 1);
	history_path(hist_file, sizeof(hist_file));
	if (hist_file[0] != '\0')
		history(hist, &ev, H_LOAD, hist_file);
	el_set(el, EL_CLIENTDATA, sh);
	el_set(el, EL_EDITOR, "emacs");
	el_set(el, EL_PROMPT, prompt_cb);
	el_set(el, EL_HIST, history, hist);
	el_set(el, EL_ADDFN, "l2tpsh-complete", "Complete a word", complete_cb);
	el_set(
	    el, EL_ADDFN, "l2tpsh-describe", "What may come next", describe_cb);
	el_set(el, EL_BIND, "^I", "l2tpsh-complete", NULL);
	el_set(el, EL_BIND, "?", "l2tpsh-describe", NULL);
	el_source(el, NULL);
	for (;;) {
		if ((buf = el_gets(el, &n)) == NULL || n == 0) {
			fputc('\n', stdout); /* Ctrl-D */
			break;
		}
		if ((line = strdup(buf)) == NULL)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[strspn(line, " \t")] != '\0')
			history(hist, &ev, H_ENTER, line);
		if (sh->view &&
		    (is_word(line, "exit") || is_word(line, "quit") ||
			is_word(line, "end"))) {
			free(line);
			break;
		}
		if (line[strspn(line, " \t")] != '\0' &&
		    interactive_line(sh, line) == -1) {
			free(line);
			rc = -1;
			break;
		}
		free(line);
	}
	if (hist_file[0] != '\0')
		history(hist, &ev, H_SAVE, hist_file);
	history_end(hist);
	el_end(el);
	return rc;
}

int
main(int argc, char **argv)
{
	struct shell sh;
	char **cmds;
	int ch, i, ncmds = 0, rc = 0;

	memset(&sh, 0, sizeof(sh));
	sh.fd = -1;
	if ((sh.sockpath = getenv("L2TPSH_SOCKET")) == NULL ||
	    *sh.sockpath == '\0')
		sh.sockpath = CTL_SOCKET_DEFAULT;
	if ((cmds = calloc((size_t)argc + 1, sizeof(*cmds))) == NULL) {
		perror("l2tpsh");
		return EXIT_FAILED;
	}
	while ((ch = getopt(argc, argv, "c:hS:")) != -1) {
		switch (ch) {
		case 'c':
			cmds[ncmds++] = optarg;
			break;
		case 'S':
			sh.sockpath = optarg;
			break;
		case 'h':
			usage(stdout);
			free(cmds);
			return EXIT_OK;
		default:
			usage(stderr);
			free(cmds);
			return EXIT_NODAEMON;
		}
	}
	if (optind != argc) {
		usage(stderr);
		free(cmds);
		return EXIT_NODAEMON;
	}
	if ((sh.frame = malloc(CTL_HDR_LEN + CTL_MAX_PAYLOAD)) == NULL) {
		perror("l2tpsh");
		free(cmds);
		return EXIT_FAILED;
	}
	if (shell_connect(&sh) == -1)
		rc = -1;
	else if (ncmds > 0) {
		for (i = 0; i < ncmds && rc == 0; i++)
			rc = shell_line(&sh, cmds[i]);
	} else if (isatty(STDIN_FILENO))
		rc = run_interactive(&sh);
	else
		rc = run_file(&sh, stdin);

	if (sh.fd != -1)
		close(sh.fd);
	free(sh.frame);
	free(cmds);
	if (rc == -1)
		return EXIT_NODAEMON;
	return sh.failed ? EXIT_FAILED : EXIT_OK;
}

/*
 * l2tpsh: talk to l2tpv3d over its control socket.
 *
 * One connection carries every command of a run; each command is one
 * CTL_REQUEST frame and its answer is streamed back as CTL_DATA frames,
 * printed as they arrive, closed by a CTL_END frame with a status.
 *
 * Commands come from -c options, from stdin when it is not a terminal, or
 * from a minimal prompt loop on a terminal.  Every source ends in
 * shell_exec(), so line editing and completion can later replace the
 * prompt loop without touching the rest.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/buf.h"
#include "proto/ctlproto.h"

/* Exit statuses: every command succeeded, one failed, no daemon. */
#define EXIT_OK 0
#define EXIT_FAILED 1
#define EXIT_NODAEMON 2

struct shell {
	const char *sockpath;
	int fd;
	uint8_t *frame; /* one received frame: header and payload */
	int failed; /* some command failed */
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
		fprintf(stderr,
		    "l2tpsh: cannot connect to %s: %s (is l2tpv3d running?)\n",
		    sh->sockpath, strerror(errno));
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
send_request(struct shell *sh, const char *line, size_t len)
{
	uint8_t hdr[CTL_HDR_LEN];
	struct wbuf w;

	wbuf_init(&w, hdr, sizeof(hdr));
	if (ctl_put_hdr(&w, CTL_REQUEST, (uint32_t)len) == -1)
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
shell_exec(struct shell *sh, const char *line)
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
	if (send_request(sh, line, len) == -1)
		goto lost;
	for (;;) {
		if (recv_frame(sh, &h, &payload) == -1)
			goto lost;
		switch (h.type) {
		case CTL_DATA:
			if (h.len > 0 &&
			    rbuf_view(&payload, h.len, &bytes) == 0)
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

/* Is the line's first word w, and nothing else? */
static int
is_word(const char *line, const char *w)
{
	size_t n = strlen(w);

	line += strspn(line, " \t");
	if (strncmp(line, w, n) != 0)
		return 0;
	line += n;
	return line[strspn(line, " \t\r\n")] == '\0';
}

/* A stand-in until the full shell (libedit, completion, `?`) exists. */
static int
run_prompt(struct shell *sh)
{
	char host[HOST_NAME_MAX + 1], line[4096];

	if (gethostname(host, sizeof(host)) == -1)
		strcpy(host, "l2tpv3d");
	host[sizeof(host) - 1] = '\0';
	for (;;) {
		printf("%s# ", host);
		fflush(stdout);
		if (fgets(line, sizeof(line), stdin) == NULL) {
			putchar('\n');
			return 0;
		}
		if (is_word(line, "exit") || is_word(line, "quit") ||
		    is_word(line, "end"))
			return 0;
		if (shell_line(sh, line) == -1)
			return -1;
	}
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
		rc = run_prompt(&sh);
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

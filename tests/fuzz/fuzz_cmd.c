/*
 * Fuzz target for the control-socket command layer: the grammar
 * (cmd.c over cmd_table.c's table) matching, completing and describing
 * arbitrary command lines in every CLI node, and the read-only commands
 * (show ..., list, terminal, exit) run against a small fixed daemon: the
 * harness's responder with its tunnel established and a call placed.
 *
 * Input: a selector byte -- bits 0-1: the request kind (run, complete,
 * describe, state), bits 2-3: the node (view, configure, tunnel t1,
 * session t1/s1) -- then command lines separated by newlines, each split
 * at blanks.  A line ending in '?' is a describe request and one ending
 * in a tab a completion, as l2tpsh sends them.  Every request runs as on
 * the read-only socket: commands that would change the daemon are
 * matched, then refused, so every input meets the same state.  Answers
 * must be complete (no truncation) and every JSON answer must parse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/cmd.h"
#include "daemon/control.h"
#include "proto/buf.h"
#include "proto/ctlproto.h"
#include "proto/sbuf.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/harness.h"
#include "tests/fuzz/json_check.h"

#define LINE_MAX_LEN 4096
#define MAX_WORDS 40 /* more than the daemon takes: it must refuse */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned int nodes[] = { 0, CMD_NODE_CONFIG, CMD_NODE_TUNNEL,
	CMD_NODE_SESSION };

static void
setup_once(void)
{
	static int done;
	uint8_t pro[512];
	size_t n;

	if (done)
		return;
	CHECK(fz_start(0) == 0);
	n = fz_prologue(0, pro, sizeof(pro));
	CHECK(n > 0);
	fz_run(pro, n);
	done = 1;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static void
run_line(struct control_cli *cli, int kind, char *line, size_t len)
{
	char *argv[MAX_WORDS + 1];
	struct control_req req;
	struct sbuf out, err;
	int argc = 0, open, status;
	size_t i = 0;

	if (len > 0 && line[len - 1] == '?') {
		kind = CTL_DESCRIBE;
		line[--len] = '\0';
	} else if (len > 0 && line[len - 1] == '\t') {
		kind = CTL_COMPLETE;
	}
	open = len > 0 && !is_blank(line[len - 1]);
	while (i < len && argc < MAX_WORDS) {
		while (i < len && is_blank(line[i]))
			line[i++] = '\0';
		if (i == len)
			break;
		argv[argc++] = &line[i];
		while (i < len && !is_blank(line[i]))
			i++;
	}
	if (i < len)
		line[i] = '\0';
	argv[argc] = NULL;

	sbuf_init(&out);
	sbuf_init(&err);
	memset(&req, 0, sizeof(req));
	req.kind = kind;
	req.cli = cli;
	req.partial = "";
	req.argc = argc;
	req.argv = argv;
	req.readonly = 1;
	req.out = &out;
	req.err = &err;
	if ((kind == CTL_COMPLETE || kind == CTL_DESCRIBE) && open &&
	    argc > 0) {
		req.partial = argv[--req.argc];
		argv[req.argc] = NULL;
	}
	if (kind == CTL_REQUEST && req.argc > 0 &&
	    strcmp(argv[req.argc - 1], "json") == 0) {
		req.json = 1;
		argv[--req.argc] = NULL;
	}
	status = control_dispatch(&req);
	CHECK(status >= CTL_STATUS_OK && status <= CTL_STATUS_INCOMPLETE);
	CHECK(req.later == NULL);
	CHECK(!out.failed && !err.failed);
	if (req.json && status == CTL_STATUS_OK && out.s != NULL && out.len > 0)
		CHECK(json_valid(out.s));
	sbuf_free(&out);
	sbuf_free(&err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int kinds[] = { CTL_REQUEST, CTL_COMPLETE, CTL_DESCRIBE,
		CTL_STATE };
	static char line[LINE_MAX_LEN + 1];
	struct control_cli cli;
	const uint8_t *text;
	size_t i, start, len;
	uint8_t sel;
	struct rbuf r;

	rbuf_init(&r, data, size);
	if (rbuf_get_u8(&r, &sel) == -1)
		return 0;
	len = rbuf_left(&r);
	if (rbuf_view(&r, len, &text) == -1)
		return 0;
	setup_once();
	fz_clock(1);
	memset(&cli, 0, sizeof(cli));
	cli.node = nodes[(sel >> 2) & 3];
	if (cli.node & (CMD_NODE_TUNNEL | CMD_NODE_SESSION))
		strcpy(cli.tunnel, "t1");
	if (cli.node & CMD_NODE_SESSION)
		strcpy(cli.session, "s1");
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && text[i] != '\n')
			continue;
		if (i - start <= LINE_MAX_LEN &&
		    memchr(&text[start], '\0', i - start) == NULL) {
			memcpy(line, &text[start], i - start);
			line[i - start] = '\0';
			run_line(&cli, kinds[sel & 3], line, i - start);
		}
		start = i + 1;
	}
	fz_check();
	fz_clock(0);
	return 0;
}

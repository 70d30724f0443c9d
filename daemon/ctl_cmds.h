/*
 * The control socket's command table: control_dispatch() (declared in
 * control.h) matches a request's words against it, unique prefixes
 * accepted ("sh tun"), and runs the command.  Each command writes text
 * or, when the request ended in "json", JSON with camelCase keys
 * (docs/control-json.md).
 */
#ifndef L2TP_DAEMON_CTL_CMDS_H
#define L2TP_DAEMON_CTL_CMDS_H

#include "daemon/control.h"

/* The usage lines of every command, one per line (for help output). */
void ctl_cmds_usage(struct sbuf *);
/*
 * Run a request through this table: the `show` answers that the command
 * grammar (cmd_table.c, which owns control_dispatch) wraps.  The words
 * are canonical (keywords spelled out), so only the table's own words
 * and its arguments arrive here.
 */
int ctl_cmds_run(struct control_req *);
/* The daemon-wide counters (tunnel_global_fields), as text or JSON. */
void ctl_global_stats(struct sbuf *, int json);

#endif

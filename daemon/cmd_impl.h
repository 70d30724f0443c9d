/*
 * The daemon's command layer, inside: the grammar table (cmd_table.c)
 * and the commands it names, one file per group (cmd_show.c,
 * cmd_config.c, cmd_ops.c).  Every command runs with the request it
 * answers; output goes to req->out, a failure's message to req->err.
 */
#ifndef L2TP_DAEMON_CMD_IMPL_H
#define L2TP_DAEMON_CMD_IMPL_H

#include <sys/socket.h>
#include <stdint.h>

#include "daemon/cmd.h"
#include "daemon/control.h"

/* cmd_def.flags */
#define CMD_F_READONLY 0x1 /* allowed on the read-only socket */

struct tunnel;
struct session;

/*
 * The objects a command's words name (cmd_lookup.c).  A tunnel by name,
 * else by local CCID; a session by name, else by local session ID, in
 * tunnel `in` or (NULL) in any.  When there is none, NULL, and req->err
 * says so in the grammar's style: the line, a caret under the word, and
 * what it may be.
 */
struct tunnel *
cmd_tunnel(struct control_req *, const struct cmd_match *, const char *var);
struct session *cmd_session(struct control_req *, const struct cmd_match *,
    const char *var, struct tunnel *in);
/* The first session of t that sel (name or ID; NULL: any) selects. */
struct session *cmd_session_first(const struct tunnel *, const char *sel);
/* cmd_session()'s error alone (a selector that matched nothing). */
void cmd_no_such_session(struct control_req *, const struct cmd_match *,
    const char *var, struct tunnel *in);

/* cmd_show.c */
/* Where the tunnel talks: the live connection's addresses, else the
 * configured ones. */
void
cmd_tunnel_addrs(const struct tunnel *, const struct sockaddr_storage **local,
    const struct sockaddr_storage **peer);
/* "01:02:03", or "2d03h" from a day on. */
void cmd_uptime_str(uint64_t seconds, char *buf, size_t len);
/* What keeps an object from the kernel (pw_waiting_for()): a JSON
 * member `,"waitingFor":...` (null when nothing), or a text line. */
void cmd_waiting_json(struct sbuf *, const char *what);
void cmd_waiting_text(struct sbuf *, const char *what);
int cmd_show_version(const struct cmd_match *, void *);
int cmd_show_running(const struct cmd_match *, void *);
int cmd_show_tunnel(const struct cmd_match *, void *);
int cmd_show_statistics(const struct cmd_match *, void *);
int cmd_show_statistics_daemon(const struct cmd_match *, void *);
int cmd_show_peer(const struct cmd_match *, void *);
int cmd_show_log(const struct cmd_match *, void *);
int cmd_show_metrics(const struct cmd_match *, void *);

/* cmd_show_session.c */
int cmd_show_session(const struct cmd_match *, void *);
int cmd_show_wireshark(const struct cmd_match *, void *);

/* cmd_config.c */
int cmd_configure(const struct cmd_match *, void *);
int cmd_tunnel_enter(const struct cmd_match *, void *);
int cmd_tunnel_delete(const struct cmd_match *, void *);
int cmd_session_enter(const struct cmd_match *, void *);
int cmd_session_delete(const struct cmd_match *, void *);
int cmd_set_option(const struct cmd_match *, void *);
int cmd_unset_option(const struct cmd_match *, void *);
int cmd_write_memory(const struct cmd_match *, void *);
/* Leaving a tunnel node whose new tunnel never became complete. */
void cmd_config_leave(struct control_req *);
/* `commit [check]`, `abort`, `show configuration diff`. */
int cmd_commit(const struct cmd_match *, void *);
int cmd_abort(const struct cmd_match *, void *);
int cmd_show_candidate(const struct cmd_match *, void *);
/* Leaving configure mode: 0 when there is nothing to commit (leave
 * now), 1 when the commit's answer comes later and leaves the node on
 * success, -1 on failure (req->err says why). */
int cmd_config_commit_leave(struct control_req *);

/* cmd_ops.c */
int cmd_clear_tunnel(const struct cmd_match *, void *);
int cmd_clear_session(const struct cmd_match *, void *);
int cmd_clear_statistics(const struct cmd_match *, void *);
int cmd_debug_tunnel(const struct cmd_match *, void *);

#endif

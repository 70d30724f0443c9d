/*
 * The control socket: a Unix stream socket (0660) that speaks the framed
 * protocol of proto/ctlproto.h.  Each client is a libevent bufferevent, so
 * a slow reader never blocks the daemon.  Requests are command lines; the
 * command table (ctl_cmds.c) turns one into an answer.
 */
#ifndef L2TP_DAEMON_CONTROL_H
#define L2TP_DAEMON_CONTROL_H

#include <sys/types.h>

#include <event2/event.h>

#include "proto/ctlproto.h"
#include "proto/sbuf.h"

#define CONTROL_SOCKET_DEFAULT CTL_SOCKET_DEFAULT
#define CONTROL_GROUP_DEFAULT "l2tp"
/* Connected clients over all sockets; one more is told "too many". */
#define CONTROL_MAX_CLIENTS 64

/*
 * What a client's conversation remembers between requests (the CLI node
 * it is in, like a router's "config-tunnel" mode).  The command layer
 * owns its meaning; control.c only keeps one per client, zeroed.
 */
#define CONTROL_NAME_MAX 64
#define CONTROL_PENDING_MAX 2048
struct control_cli {
	unsigned int node; /* enum cmd_node; 0 is the view node */
	char tunnel[CONTROL_NAME_MAX]; /* being configured */
	char session[CONTROL_NAME_MAX];
	/* Lines of a tunnel that does not exist yet, kept until it is
	 * complete enough to start. */
	char pending[CONTROL_PENDING_MAX];
	int nopager; /* `terminal length 0` */
};

struct ctl_client;
struct control_later;

struct control_req {
	int kind; /* CTL_REQUEST, CTL_COMPLETE, CTL_DESCRIBE, CTL_STATE */
	const char *partial; /* COMPLETE/DESCRIBE: the word being typed */
	struct control_cli *cli; /* this connection's state */
	int argc;
	char **argv; /* the words of the command line; argv[argc] is NULL */
	int readonly; /* arrived on the read-only socket */
	int json; /* CTL_REQUEST: last word was "json" (removed from argv) */
	struct sbuf *out; /* the answer */
	struct sbuf *err; /* message carried in CTL_END on failure */
	struct ctl_client *client; /* private to control.c */
	struct control_later *later; /* set by control_defer() */
};

/*
 * A command whose answer comes later (e.g. `write memory`, whose file is
 * written off the event loop) calls control_defer() and returns; the
 * client gets nothing more until control_answer_later(), and its next
 * requests wait.  If the client goes away first, the answer is dropped.
 * NULL when out of memory (then answer at once).
 */
struct control_later *control_defer(struct control_req *);
/* The deferred answer: status, the output text (NULL for none) and the
 * error message (NULL for none).  Frees the handle. */
void control_answer_later(
    struct control_later *, int status, const char *out, const char *err);

/* Implemented by the command table: returns an enum ctl_status. */
int control_dispatch(struct control_req *);

/* Create the socket (parent directory too), mode 0660, group if it
 * exists (NULL means CONTROL_GROUP_DEFAULT); readonly sockets accept only
 * `show` commands.  0, or -1 after logging why.  The caller ignores
 * SIGPIPE: a client may vanish while its answer is being written. */
int control_listen(
    struct event_base *, const char *path, const char *group, int readonly);
/* Close every listener and client, unlink the socket paths. */
void control_shutdown(void);
/* Clients connected right now (for tests and `show` commands). */
int control_nclients(void);

#endif

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

#define CONTROL_SOCKET_DEFAULT "/run/l2tpv3d/l2tpv3d.sock"

struct control_req {
	int argc;
	char **argv;            /* the command line split into words */
	int readonly;           /* arrived on the read-only socket */
	int json;               /* last word was "json" (removed from argv) */
	struct sbuf *out;       /* the answer */
	struct sbuf *err;       /* message carried in CTL_END on failure */
};

/* Implemented by the command table: returns an enum ctl_status. */
int control_dispatch(struct control_req *);

/* Create the socket (parent directory too), mode 0660, group if it
 * exists; readonly sockets accept only `show` commands. */
int control_listen(struct event_base *, const char *path, const char *group,
    int readonly);
/* Close every listener and client, unlink the socket paths. */
void control_shutdown(void);

#endif

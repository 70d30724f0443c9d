/*
 * The control socket: a Unix stream socket (0660) that speaks the framed
 * protocol of proto/ctlproto.h.  Each client is a libevent bufferevent, so
 * a slow reader never blocks the daemon.  Requests are command lines; the
 * command grammar (cmd_table.c, control_dispatch()) turns one into an
 * answer.
 */
#ifndef L2TP_DAEMON_CONTROL_H
#define L2TP_DAEMON_CONTROL_H

#include <sys/types.h>

#include <event2/event.h>

#include "proto/ctlproto.h"
#include "proto/sbuf.h"

#define CONTROL_SOCKET_DEFAULT CTL_SOCKET_DEFAULT
#define CONTROL_GROUP_DEFAULT "l2tp"
/* Default limit of connected clients per socket; one more is told "too
 * many".  Each socket has its own, so a crowd on the read-only socket
 * never locks an administrator out of the read-write one. */
#define CONTROL_MAX_CLIENTS 64
/* Default idle timeout (s): a client that neither asks nor reads for
 * this long is closed.  0: none. */
#define CONTROL_IDLE_TIMEOUT 600

/*
 * What a client's conversation remembers between requests (the CLI node
 * it is in, like a router's "config-tunnel" mode).  The command layer
 * owns its meaning; control.c only keeps one per client, zeroed.
 */
struct daemon_conf;

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
	/* configure mode's edits, not yet committed (NULL: none), and the
	 * generation of the running configuration it began from
	 * (conf_generation()). */
	struct daemon_conf *candidate;
	unsigned long cand_gen;
};

struct ctl_client;
struct control_later;
struct control_stream;

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
	struct control_stream *stream; /* set by control_stream() */
};

/*
 * A long answer written in slices as the client reads (`show metrics`
 * of 100 000 sessions), so that the loop runs between slices: once
 * req->out has been sent, more() appends the next slice to out and
 * returns 1 while more follows, 0 after the last, -1 on failure (the
 * answer ends with an error).  done() frees arg, when the answer is
 * complete or the client has gone.  0, or -1 (done() not called) when
 * this request cannot stream: then write the answer whole.
 */
int control_stream(struct control_req *, int (*more)(void *, struct sbuf *),
    void (*done)(void *), void *arg);

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

/* Implemented by the command table (cmd_table.c): returns an enum
 * ctl_status. */
int control_dispatch(struct control_req *);
/* Implemented by the command layer (cmd_config.c): the client is going;
 * what its control_cli holds is released, a candidate committed first
 * when commit (leaving configure mode commits; the daemon's exit does
 * not). */
void control_cli_gone(struct control_cli *, int commit);
/* Who answers requests and is told of a client going: control_dispatch()
 * and control_cli_gone(), handed over by main() so that this file does
 * not call the command layer by name (the commands call this file).
 * Until then every request is an unknown command. */
void control_set_dispatch(int (*)(struct control_req *),
    void (*gone)(struct control_cli *, int commit));
/* The client of a deferred answer, or NULL once it has gone. */
struct control_cli *control_later_cli(const struct control_later *);

/* How one socket is created and who may use it. */
struct control_sock_opts {
	const char *group; /* NULL means CONTROL_GROUP_DEFAULT, if it exists */
	unsigned int mode; /* 0660 or 0666 */
	int readonly; /* `show` commands only, and no secrets in answers */
	int max_clients; /* connected at once on this socket */
	int idle_timeout; /* seconds; 0: none */
};

/* Create the socket (parent directory too) with o's mode and group;
 * readonly sockets accept only `show` commands.  0, or -1 after logging
 * why.  The caller ignores SIGPIPE: a client may vanish while its answer
 * is being written. */
int control_listen_opts(
    struct event_base *, const char *path, const struct control_sock_opts *);
/* The same with mode 0660, CONTROL_MAX_CLIENTS and CONTROL_IDLE_TIMEOUT. */
int control_listen(
    struct event_base *, const char *path, const char *group, int readonly);
/* Graceful restart (docs/restart.md).  A listening socket the previous
 * process passed: control_listen_opts() of that path takes it as it is
 * (control_inherited_close() closes those nothing took).  Our listening
 * sockets (path and descriptor, at most max); accepting paused or not
 * (the clients connected go on being served). */
int control_inherit(const char *path, int fd);
void control_inherited_close(void);
size_t control_sockets(const char **paths, int *fds, size_t max);
void control_pause(int paused);
/* Close every listener and client, unlink the socket paths. */
void control_shutdown(void);
/* Clients connected right now (for tests and `show` commands). */
int control_nclients(void);

#endif

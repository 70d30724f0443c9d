/*
 * Configuration: libconfuse parsing into plain structs, validation with
 * messages that name file, line and option, and a printer that writes the
 * normalised form (used by `l2tpv3d -n` and, later, running-config).
 */
#ifndef L2TP_DAEMON_CONFIG_H
#define L2TP_DAEMON_CONFIG_H

#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>

#include "proto/digest.h"
#include "proto/msg.h"

#define CONF_NAME_MAX 64
#define CONF_SECRET_MAX 128
#define CONF_MAX_LISTEN 8

enum dataplane_mode {
	DATAPLANE_KERNEL,
	DATAPLANE_NONE,
};

enum peer_dialect {
	DIALECT_AUTO,
	DIALECT_IETF,
	DIALECT_CISCO,
};

enum tunnel_mode {
	TUNNEL_DYNAMIC,
	TUNNEL_STATIC,
};

/* Timers and limits that have a global default and a per-tunnel value. */
struct timer_conf {
	uint32_t hello_interval;        /* s; 0 disables hellos */
	uint16_t rx_window;             /* our Receive Window Size, 1..1024 */
	uint32_t retransmit_initial;    /* ms, first retransmission timeout */
	uint32_t retransmit_cap;        /* ms, backoff cap */
	uint32_t retries;               /* before the peer is declared dead */
	uint32_t retry_interval;        /* s, persistent re-establish base */
};

struct tunnel_conf {
	TAILQ_ENTRY(tunnel_conf) entry;
	char name[CONF_NAME_MAX];
	int line;                       /* where it was defined, for messages */
	enum tunnel_mode mode;
	enum l2tp_encap encap;
	int family;                     /* AF_INET or AF_INET6 */
	struct sockaddr_storage local;  /* port included (UDP) */
	int has_local;
	struct sockaddr_storage remote; /* port included (UDP) */
	char peer_hostname[CONF_NAME_MAX]; /* optional match on SCCRQ */
	int initiate;                   /* send SCCRQ (else only answer) */
	int persist;
	enum peer_dialect dialect;
	enum l2tp_digest_alg digest;
	enum l2tp_kdf digest_kdf;
	char secret[CONF_SECRET_MAX];
	size_t secret_len;
	struct timer_conf timers;
	uint32_t local_tunnel_id;       /* static mode; 0 = random */
	uint32_t remote_tunnel_id;      /* static mode */
	int debug;                      /* debug logging for this tunnel */
};
TAILQ_HEAD(tunnel_conf_list, tunnel_conf);

struct daemon_conf {
	char path[256];                 /* file it came from */
	char hostname[CONF_NAME_MAX];
	uint32_t router_id;             /* host order */
	struct sockaddr_storage listen[CONF_MAX_LISTEN]; /* port included */
	size_t nlisten;
	uint16_t port;                  /* default UDP port */
	enum dataplane_mode dataplane;
	struct timer_conf timers;       /* defaults for tunnels */
	char vendor_name[CONF_NAME_MAX];
	struct tunnel_conf_list tunnels;
};

/* Load and validate.  On error returns NULL and puts "FILE:LINE: option
 * 'x': why" in errbuf. */
struct daemon_conf *config_load(const char *path, char *errbuf, size_t len);
/* A configuration with every default and no tunnels. */
struct daemon_conf *config_default(void);
void config_free(struct daemon_conf *);
struct tunnel_conf *config_find_tunnel(struct daemon_conf *, const char *);
/* The normalised configuration, in the file's own syntax; loading this
 * output gives the same configuration back. */
void config_print(const struct daemon_conf *, FILE *);
const char *dialect_name(enum peer_dialect);
const char *digest_name(enum l2tp_digest_alg);

#endif

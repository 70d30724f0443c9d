/*
 * Socket addresses (struct sockaddr_storage holding IPv4 or IPv6, with or
 * without a port): the one module for parsing, printing, comparing and
 * hashing them, used by the configuration (config.c) and the transport
 * (transport.c) alike, with one semantics.  AF_UNSPEC is "no address":
 * unspecified, printed "-", port 0.
 */
#ifndef L2TP_DAEMON_ADDR_H
#define L2TP_DAEMON_ADDR_H

#include <sys/socket.h>
#include <stdint.h>

/* "192.0.2.1" or "2001:db8::1", no port: 0, or -1 (ss zeroed). */
int addr_parse(const char *, struct sockaddr_storage *);
/*
 * "ADDR", "ADDR:PORT", "[V6]", "[V6]:PORT", or a bare IPv6 address
 * (which cannot carry a port: its colons would be ambiguous); defport
 * when none is given.  0, or -1.
 */
int
addr_parse_hostport(const char *, uint16_t defport, struct sockaddr_storage *);
/* "10.0.0.1", "fd00::1"; "-" for no address. */
const char *addr_str(const struct sockaddr_storage *, char *, size_t);
socklen_t addr_len(const struct sockaddr_storage *);
uint16_t addr_port(const struct sockaddr_storage *);
void addr_set_port(struct sockaddr_storage *, uint16_t);
/* Same family and IP address (ports ignored). */
int
addr_equal(const struct sockaddr_storage *, const struct sockaddr_storage *);
/* Same family, IP address and port. */
int addr_same(const struct sockaddr_storage *, const struct sockaddr_storage *);
/* Of the IP address alone (consistent with addr_equal()). */
uint32_t addr_hash(const struct sockaddr_storage *);
/* 0.0.0.0, ::, or no address at all. */
int addr_is_unspecified(const struct sockaddr_storage *);

#endif

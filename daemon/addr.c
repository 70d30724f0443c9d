/*
 * Socket addresses (addr.h).  Before this file, config.c and transport.c
 * each had their own helpers, which differed: config.c printed "?" for
 * an address it could not print (and for no address) where transport.c
 * printed "-", and its equality compared ports too where transport.c's
 * ignored them.  Now "-" everywhere, and the two equalities have two
 * names: addr_equal() (address only) and addr_same() (with the port).
 */
#include <config.h>

#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/addr.h"
#include "daemon/idtable.h"

socklen_t
addr_len(const struct sockaddr_storage *ss)
{
	return ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					 : sizeof(struct sockaddr_in);
}

uint16_t
addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return 0;
}

void
addr_set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
	else if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
}

int
addr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		    ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			   &((const struct sockaddr_in6 *)b)->sin6_addr,
			   sizeof(struct in6_addr)) == 0;
	return 0;
}

int
addr_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return addr_equal(a, b) && addr_port(a) == addr_port(b);
}

uint32_t
addr_hash(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return idt_hash_bytes(
		    &((const struct sockaddr_in *)ss)->sin_addr,
		    sizeof(struct in_addr));
	if (ss->ss_family == AF_INET6)
		return idt_hash_bytes(
		    &((const struct sockaddr_in6 *)ss)->sin6_addr,
		    sizeof(struct in6_addr));
	return 0;
}

int
addr_is_unspecified(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)ss)->sin_addr.s_addr ==
		    htonl(INADDR_ANY);
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(
		    &((const struct sockaddr_in6 *)ss)->sin6_addr);
	return 1;
}

const char *
addr_str(const struct sockaddr_storage *ss, char *buf, size_t len)
{
	const void *a;

	if (ss->ss_family == AF_INET)
		a = &((const struct sockaddr_in *)ss)->sin_addr;
	else if (ss->ss_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
	else
		a = NULL;
	if (a == NULL || inet_ntop(ss->ss_family, a, buf, len) == NULL)
		snprintf(buf, len, "-");
	return buf;
}

int
addr_parse(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	return -1;
}

/* A decimal port, 1 to 65535. */
static int
parse_port(const char *s, uint32_t *port)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > 65535)
		return -1;
	*port = (uint32_t)v;
	return 0;
}

int
addr_parse_hostport(
    const char *s, uint16_t defport, struct sockaddr_storage *ss)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *colon, *end, *portstr = NULL;
	uint32_t port = defport;
	size_t hlen;
	int bracketed = s[0] == '[';

	if (bracketed) {
		if ((end = strchr(s, ']')) == NULL)
			return -1;
		hlen = (size_t)(end - s - 1);
		if (end[1] == ':')
			portstr = end + 2;
		else if (end[1] != '\0')
			return -1;
		s++;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		hlen = (size_t)(colon - s);
		portstr = colon + 1;
	} else {
		hlen = strlen(s);
	}
	if (hlen >= sizeof(host))
		return -1;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (portstr != NULL && parse_port(portstr, &port) == -1)
		return -1;
	if (addr_parse(host, ss) == -1)
		return -1;
	if (bracketed && ss->ss_family != AF_INET6)
		return -1;
	addr_set_port(ss, (uint16_t)port);
	return 0;
}

/* SPDX-License-Identifier: ISC */
#ifndef mailports_RESOLVE_H
#define mailports_RESOLVE_H

#include <sys/socket.h>
#include <stddef.h>

struct evloop;
struct resolve;

/* One resolved address. */
struct resolve_addr {
	struct sockaddr_storage	 addr;		/* port 0 */
	socklen_t		 addrlen;	/* its length */
};

/* Result callback: n addresses (IPv4 first, then IPv6) or, when n is 0,
 * err says why in words ("no such domain").  Called once, from the loop. */
typedef void (*resolve_cb)(const struct resolve_addr *, size_t n,
    const char *err, void *arg);

/* c-ares inside the event loop: sockets and timeouts are evloop watchers,
 * never a blocking lookup. */
struct resolve	*resolve_new(struct evloop *, char **err);
void		 resolve_free(struct resolve *);
/* Look up A and/or AAAA (family AF_UNSPEC, AF_INET, AF_INET6). */
void		 resolve_lookup(struct resolve *, const char *host,
		    int family, resolve_cb, void *arg);

#endif

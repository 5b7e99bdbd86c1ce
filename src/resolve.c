/* SPDX-License-Identifier: ISC */
/*
 * Name lookups with c-ares inside the event loop: c-ares tells which
 * sockets to watch (sock_state_cb) and when to retry (ares_timeout); the
 * loop calls ares_process_fd().  Never a blocking getaddrinfo().
 */
#include "config.h"

#include "resolve.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "evloop.h"
#include "xmalloc.h"

#define RESOLVE_ADDRS_MAX	16	/* addresses kept per name */

struct resolve {
	struct evloop	*ev;		/* the loop */
	ares_channel	 ch;		/* c-ares channel */
	uint64_t	 timer;		/* retry timer id, 0 if none */
	unsigned	 pending;	/* lookups in flight */
};

struct resolve_job {
	struct resolve	*r;		/* owner */
	resolve_cb	 cb;		/* result callback */
	void		*arg;		/* its argument */
};

static int	resolve_library_users;

static void	resolve_rearm(struct resolve *);

static void
resolve_io(int fd, short revents, void *arg)
{
	struct resolve	*r = arg;
	ares_socket_t	 rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;

	if (revents & (POLLIN | POLLERR | POLLHUP))
		rfd = fd;
	if (revents & POLLOUT)
		wfd = fd;
	ares_process_fd(r->ch, rfd, wfd);
	resolve_rearm(r);
}

static void
resolve_sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolve	*r = data;
	short		 ev = 0;

	if (readable)
		ev |= POLLIN;
	if (writable)
		ev |= POLLOUT;
	if (ev == 0)
		evloop_io_del(r->ev, fd);
	else
		evloop_io_set(r->ev, fd, ev, resolve_io, r);
}

static void
resolve_timeout(void *arg)
{
	struct resolve	*r = arg;

	r->timer = 0;
	ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	resolve_rearm(r);
}

static void
resolve_rearm(struct resolve *r)
{
	struct timeval	tv, *tvp;

	evloop_timer_cancel(r->ev, r->timer);
	r->timer = 0;
	if (r->pending == 0)
		return;
	tvp = ares_timeout(r->ch, NULL, &tv);
	if (tvp == NULL)
		return;
	r->timer = evloop_timer_at(r->ev, evloop_clock_us() +
	    (uint64_t)tvp->tv_sec * 1000000u + (uint64_t)tvp->tv_usec,
	    resolve_timeout, r);
}

struct resolve *
resolve_new(struct evloop *ev, char **err)
{
	struct resolve		*r;
	struct ares_options	 o;
	int			 rc;

	*err = NULL;
	if (resolve_library_users++ == 0) {
		rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS) {
			resolve_library_users--;
			xasprintf(err, "DNS library: %s", ares_strerror(rc));
			return NULL;
		}
	}
	r = xcalloc(1, sizeof *r);
	r->ev = ev;
	memset(&o, 0, sizeof o);
	o.sock_state_cb = resolve_sock_state;
	o.sock_state_cb_data = r;
	o.timeout = 2000;		/* ms per try */
	o.tries = 3;
	rc = ares_init_options(&r->ch, &o, ARES_OPT_SOCK_STATE_CB |
	    ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES);
	if (rc != ARES_SUCCESS) {
		xasprintf(err, "DNS resolver: %s", ares_strerror(rc));
		free(r);
		if (--resolve_library_users == 0)
			ares_library_cleanup();
		return NULL;
	}
	return r;
}

void
resolve_free(struct resolve *r)
{
	if (r == NULL)
		return;
	/* Cancels pending lookups: their callbacks run with an error and
	 * must not touch freed owners (the run frees probes after us). */
	ares_destroy(r->ch);
	evloop_timer_cancel(r->ev, r->timer);
	free(r);
	if (--resolve_library_users == 0)
		ares_library_cleanup();
}

static const char *
resolve_words(int status)
{
	switch (status) {
	case ARES_ENOTFOUND:
	case ARES_ENONAME:
		return "no such host (NXDOMAIN or no address)";
	case ARES_ENODATA:
		return "the name has no address of the asked family";
	case ARES_ETIMEOUT:
		return "DNS lookup timed out";
	case ARES_ECONNREFUSED:
		return "DNS server refused the query";
	case ARES_ESERVFAIL:
		return "DNS server failure (SERVFAIL)";
	case ARES_EREFUSED:
		return "DNS query refused";
	case ARES_ECANCELLED:
	case ARES_EDESTRUCTION:
		return "lookup cancelled";
	default:
		return ares_strerror(status);
	}
}

static void
resolve_done(void *arg, int status, int timeouts,
    struct ares_addrinfo *res)
{
	struct resolve_job		*j = arg;
	struct resolve_addr		 addrs[RESOLVE_ADDRS_MAX];
	struct ares_addrinfo_node	*n;
	size_t				 count = 0, i, k;
	int				 pass;

	j->r->pending--;
	if (status == ARES_SUCCESS && res != NULL) {
		/* IPv4 first, then IPv6, each in the resolver's order. */
		for (pass = 0; pass < 2; pass++) {
			for (n = res->nodes; n != NULL; n = n->ai_next) {
				if (count == RESOLVE_ADDRS_MAX)
					break;
				if (n->ai_family != (pass == 0 ? AF_INET :
				    AF_INET6) || n->ai_addrlen >
				    sizeof addrs[0].addr)
					continue;
				memset(&addrs[count], 0, sizeof addrs[count]);
				memcpy(&addrs[count].addr, n->ai_addr,
				    n->ai_addrlen);
				addrs[count].addrlen = n->ai_addrlen;
				for (k = 0; k < count; k++) {
					if (addrs[k].addrlen ==
					    addrs[count].addrlen &&
					    memcmp(&addrs[k].addr,
					    &addrs[count].addr,
					    addrs[k].addrlen) == 0)
						break;
				}
				if (k == count)
					count++;
			}
		}
		/* The port is set per probe. */
		for (i = 0; i < count; i++) {
			if (addrs[i].addr.ss_family == AF_INET)
				((struct sockaddr_in *)&addrs[i].addr)->
				    sin_port = 0;
			else
				((struct sockaddr_in6 *)&addrs[i].addr)->
				    sin6_port = 0;
		}
	}
	if (res != NULL)
		ares_freeaddrinfo(res);
	if (status != ARES_EDESTRUCTION) {
		if (count > 0)
			j->cb(addrs, count, NULL, j->arg);
		else
			j->cb(NULL, 0, status == ARES_SUCCESS ?
			    "the name has no address" : resolve_words(status),
			    j->arg);
	}
	free(j);
}

void
resolve_lookup(struct resolve *r, const char *host, int family,
    resolve_cb cb, void *arg)
{
	struct ares_addrinfo_hints	 hints;
	struct resolve_job		*j;

	j = xcalloc(1, sizeof *j);
	j->r = r;
	j->cb = cb;
	j->arg = arg;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	r->pending++;
	ares_getaddrinfo(r->ch, host, NULL, &hints, resolve_done, j);
	resolve_rearm(r);
}

/* SPDX-License-Identifier: ISC */
/*
 * Where `mailports --demo` puts its three providers: one loopback address
 * each, one set of port numbers for all (so that one matrix of rows fits
 * every provider), standard numbers when they may be bound, else shifted
 * by a multiple of 10000.  Every port of every provider is bound, the
 * closed ones too, so that no other program on this machine answers in
 * the demo's place.  No printing; main reads the choice back.
 */
#include "config.h"

#include "lab_demo.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab.h"
#include "target.h"
#include "xmalloc.h"

#define LAB_DEMO_NETS		32	/* 127.0.N.x tried, N = 1..32 */
#define LAB_DEMO_PORTS_MAX	8	/* services per provider */
#define LAB_DEMO_SETTINGS_MAX	8	/* --setting examples */

static const unsigned lab_demo_offsets[] = { 0, 10000, 20000, 30000,
    40000, 50000 };

struct lab_demo {
	struct lab			*lab;		/* the servers */
	const struct lab_personality	*pers[LAB_DEMO_PROVIDERS];
	char				 addr[LAB_DEMO_PROVIDERS][16];
	unsigned			 offset;	/* added to ports */
	char				*settings[LAB_DEMO_SETTINGS_MAX + 1];
};

static void
lab_demo_sin(struct sockaddr_in *sin, unsigned net, unsigned host,
    uint16_t port)
{
	memset(sin, 0, sizeof *sin);
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	sin->sin_addr.s_addr = htonl(0x7f000000u | (net << 8) | host);
}

static void
lab_demo_close(int fds[][LAB_DEMO_PORTS_MAX])
{
	size_t	i, j;

	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		for (j = 0; j < LAB_DEMO_PORTS_MAX; j++) {
			if (fds[i][j] != -1)
				close(fds[i][j]);
			fds[i][j] = -1;
		}
	}
}

/* Bind every port of every provider on 127.0.net.1-3 at offset.  Returns
 * 0, or the errno of the first bind that failed (all closed again). */
static int
lab_demo_try(struct lab_demo *d, unsigned net, unsigned offset,
    int fds[][LAB_DEMO_PORTS_MAX])
{
	struct sockaddr_in	 sin;
	const struct lab_personality *p;
	size_t			 i, j;
	int			 e;

	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		p = d->pers[i];
		for (j = 0; j < p->nports; j++) {
			lab_demo_sin(&sin, net, (unsigned)i + 1,
			    (uint16_t)(lab_service_port(p->ports[j].service) +
			    offset));
			fds[i][j] = lab_bind((struct sockaddr *)&sin,
			    sizeof sin);
			if (fds[i][j] == -1) {
				e = errno;
				lab_demo_close(fds);
				return e;
			}
		}
	}
	return 0;
}

/* "pop3:110:ssl" with the port moved by offset. */
static char *
lab_demo_setting(const char *s, unsigned offset)
{
	const char	*a, *b;
	char		*out;
	unsigned long	 port;

	a = strchr(s, ':');
	b = a != NULL ? strchr(a + 1, ':') : NULL;
	if (b == NULL)
		return xstrdup(s);
	port = strtoul(a + 1, NULL, 10) + offset;
	xasprintf(&out, "%.*s:%lu%s", (int)(a - s), s, port, b);
	return out;
}

struct lab_demo *
lab_demo_new(struct evloop *ev, char **err)
{
	struct lab_demo	*d;
	int		 fds[LAB_DEMO_PROVIDERS][LAB_DEMO_PORTS_MAX];
	size_t		 i, j, k, n = 0;
	unsigned	 net = 0, offset = 0;
	int		 e = 0;
	bool		 found = false;

	*err = NULL;
	d = xcalloc(1, sizeof *d);
	for (i = 0; i < lab_personality_count() && n < LAB_DEMO_PROVIDERS;
	    i++) {
		if (lab_personality_get(i)->demo)
			d->pers[n++] = lab_personality_get(i);
	}
	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		for (j = 0; j < LAB_DEMO_PORTS_MAX; j++)
			fds[i][j] = -1;
	}
	for (k = 0; !found && k < sizeof lab_demo_offsets /
	    sizeof lab_demo_offsets[0]; k++) {
		offset = lab_demo_offsets[k];
		for (net = 1; net <= LAB_DEMO_NETS; net++) {
			e = lab_demo_try(d, net, offset, fds);
			if (e == 0) {
				found = true;
				break;
			}
			/* Not ours to take below 1024: the next offset. */
			if (e == EACCES || e == EPERM)
				break;
			if (e != EADDRINUSE)
				break;
		}
		if (!found && e != 0 && e != EACCES && e != EPERM &&
		    e != EADDRINUSE)
			break;
	}
	if (!found) {
		xasprintf(err, "--demo: no free loopback addresses and ports "
		    "for the demo servers (127.0.N.1-3, N up to %d): %s",
		    LAB_DEMO_NETS, strerror(e));
		free(d);
		return NULL;
	}
	d->offset = offset;
	d->lab = lab_new(ev);
	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		snprintf(d->addr[i], sizeof d->addr[i], "127.0.%u.%zu", net,
		    i + 1);
		for (j = 0; j < d->pers[i]->nports; j++) {
			e = lab_serve(d->lab, d->pers[i], &d->pers[i]->ports[j],
			    fds[i][j], err);
			fds[i][j] = -1;
			if (e == -1) {
				lab_demo_close(fds);
				lab_demo_free(d);
				return NULL;
			}
		}
	}
	/* The CA is made even if no provider spoke TLS. */
	if (lab_ca_pem(d->lab, err) == NULL) {
		lab_demo_free(d);
		return NULL;
	}
	n = 0;
	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		for (j = 0; d->pers[i]->settings != NULL &&
		    d->pers[i]->settings[j] != NULL &&
		    n < LAB_DEMO_SETTINGS_MAX; j++)
			d->settings[n++] = lab_demo_setting(
			    d->pers[i]->settings[j], offset);
	}
	return d;
}

void
lab_demo_free(struct lab_demo *d)
{
	size_t	i;

	if (d == NULL)
		return;
	lab_free(d->lab);
	for (i = 0; d->settings[i] != NULL; i++)
		free(d->settings[i]);
	free(d);
}

unsigned
lab_demo_offset(const struct lab_demo *d)
{
	return d->offset;
}

const struct lab_personality *
lab_demo_provider(const struct lab_demo *d, size_t i, const char **addr)
{
	if (i >= LAB_DEMO_PROVIDERS)
		return NULL;
	if (addr != NULL)
		*addr = d->addr[i];
	return d->pers[i];
}

const char *
lab_demo_ca_pem(const struct lab_demo *d)
{
	char		*err = NULL;
	const char	*pem;

	/* Made in lab_demo_new(): this only reads it back. */
	pem = lab_ca_pem(d->lab, &err);
	free(err);
	return pem;
}

char *const *
lab_demo_settings(const struct lab_demo *d)
{
	return d->settings;
}

struct lab *
lab_demo_lab(const struct lab_demo *d)
{
	return d->lab;
}

void
lab_demo_targets(const struct lab_demo *d, char ***hosts, size_t *nhosts,
    struct port_row **rows, size_t *nrows, struct resolve_override **ov,
    size_t *nov)
{
	struct sockaddr_in	 sin;
	size_t			 i;

	*hosts = xcalloc(LAB_DEMO_PROVIDERS + 1, sizeof **hosts);
	*ov = xcalloc(LAB_DEMO_PROVIDERS, sizeof **ov);
	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		(*hosts)[i] = xstrdup(d->pers[i]->host);
		memset(&sin, 0, sizeof sin);
		sin.sin_family = AF_INET;
		(void)inet_pton(AF_INET, d->addr[i], &sin.sin_addr);
		memcpy(&(*ov)[i].addr, &sin, sizeof sin);
		(*ov)[i].addrlen = sizeof sin;
		(*ov)[i].host = xstrdup(d->pers[i]->host);
	}
	*nhosts = LAB_DEMO_PROVIDERS;
	*nov = LAB_DEMO_PROVIDERS;
	/* The default rows with the demo's numbers. */
	target_default_rows(rows, nrows);
	for (i = 0; i < *nrows; i++)
		(*rows)[i].port = (uint16_t)((*rows)[i].port + d->offset);
}

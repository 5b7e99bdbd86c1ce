/* SPDX-License-Identifier: ISC */
/*
 * What to probe: the default matrix rows, --ports lists (standard ports
 * and SERVICE=PORT bindings), --resolve overrides and host names given on
 * the command line.  Parsing only: no lookups, no sockets.
 */
#include "config.h"

#include "target.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "xmalloc.h"

#define TARGET_ROWS_MAX	64		/* rows in one matrix */

static void
target_add_row(struct port_row **rows, size_t *n, const char *service,
    const struct dialect *d, uint16_t port, enum probe_mode native)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if ((*rows)[i].port == port && (*rows)[i].dialect == d)
			return;
	}
	*rows = xreallocarray(*rows, *n + 1, sizeof **rows);
	(*rows)[*n].service = service;
	(*rows)[*n].dialect = d;
	(*rows)[*n].port = port;
	(*rows)[*n].native = native;
	(*n)++;
}

void
target_default_rows(struct port_row **rows, size_t *n)
{
	const struct dialect_service	*s;
	size_t				 i;

	*rows = NULL;
	*n = 0;
	for (i = 0; dialect_all[i] != NULL; i++) {
		for (s = dialect_all[i]->services; s->name != NULL; s++)
			target_add_row(rows, n, s->name, dialect_all[i],
			    s->port, s->native);
	}
}

static int
target_row_cmp(const void *a, const void *b)
{
	const struct port_row	*x = a, *y = b;
	size_t			 i, dx = 0, dy = 0;

	for (i = 0; dialect_all[i] != NULL; i++) {
		if (dialect_all[i] == x->dialect)
			dx = i;
		if (dialect_all[i] == y->dialect)
			dy = i;
	}
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return (int)x->port - (int)y->port;
}

static int
target_port(const char *s, uint16_t *port)
{
	char		*end;
	unsigned long	 v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
target_parse_ports(const char *spec, struct port_row **rows, size_t *n,
    char **err)
{
	const struct dialect_service	*s;
	const struct dialect		*d;
	char				*copy, *item, *save, *eq;
	uint16_t			 port;
	int				 rc = -1;

	*rows = NULL;
	*n = 0;
	*err = NULL;
	if (*spec == '+') {
		target_default_rows(rows, n);
		spec++;
	}
	copy = xstrdup(spec);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ')
			item++;
		eq = strchr(item, '=');
		if (eq != NULL) {
			*eq = '\0';
			s = dialect_service_by_name(item, &d);
			if (s == NULL) {
				xasprintf(err, "unknown service '%s' in "
				    "--ports (try smtp, submission, "
				    "submissions, pop3, pop3s, imap, imaps)",
				    item);
				goto out;
			}
			if (target_port(eq + 1, &port) == -1) {
				xasprintf(err, "bad port '%s' for %s in "
				    "--ports (1-65535)", eq + 1, item);
				goto out;
			}
		} else {
			if (target_port(item, &port) == 0)
				s = dialect_service_by_port(port, &d);
			else
				s = dialect_service_by_name(item, &d);
			if (s == NULL) {
				xasprintf(err, "'%s' in --ports is not a "
				    "standard mail port or service; bind it "
				    "with SERVICE=PORT, e.g. smtp=%s", item,
				    item);
				goto out;
			}
			if (!isdigit((unsigned char)*item))
				port = s->port;
		}
		if (*n >= TARGET_ROWS_MAX) {
			xasprintf(err, "too many ports in --ports (at most %d)",
			    TARGET_ROWS_MAX);
			goto out;
		}
		target_add_row(rows, n, s->name, d, port, s->native);
	}
	if (*n == 0) {
		xasprintf(err, "--ports lists no port");
		goto out;
	}
	qsort(*rows, *n, sizeof **rows, target_row_cmp);
	rc = 0;
out:
	free(copy);
	if (rc == -1) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc;
}

int
target_parse_literal(const char *s, struct sockaddr_storage *ss,
    socklen_t *len)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 buf[INET6_ADDRSTRLEN + 2];
	size_t			 n = strlen(s);

	memset(ss, 0, sizeof *ss);
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']' && n - 2 < sizeof buf) {
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		s = buf;
	}
	if (inet_pton(AF_INET, s, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof *sin;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		*len = sizeof *sin6;
		return 0;
	}
	return -1;
}

int
target_check_host(const char *h, char **err)
{
	struct sockaddr_storage	ss;
	socklen_t		len;
	size_t			i, n = strlen(h), label = 0;

	*err = NULL;
	if (target_parse_literal(h, &ss, &len) == 0)
		return 0;
	if (n == 0 || n > 253) {
		xasprintf(err, "'%s' is not a valid host name", h);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (h[i] == '.') {
			if (label == 0 && !(i == n - 1 && n > 1))
				goto bad;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)h[i]) && h[i] != '-' &&
		    h[i] != '_')
			goto bad;
		if (++label > 63)
			goto bad;
	}
	return 0;
bad:
	xasprintf(err, "'%s' is not a valid host name or address", h);
	return -1;
}

int
target_parse_resolve(const char *arg, struct resolve_override *o,
    char **err)
{
	const char	*colon, *addr, *p;
	uint16_t	 port;
	char		*host, *portstr;
	size_t		 i;

	*err = NULL;
	memset(o, 0, sizeof *o);
	colon = strchr(arg, ':');
	if (colon == NULL || colon == arg) {
		xasprintf(err, "--resolve wants HOST:ADDRESS, not '%s'", arg);
		return -1;
	}
	host = xmemdup0(arg, (size_t)(colon - arg));
	addr = colon + 1;
	/* curl's HOST:PORT:ADDRESS: the port is accepted and ignored,
	 * since every port of the matrix goes to the same address. */
	p = strchr(addr, ':');
	if (p != NULL && p > addr && *addr != '[') {
		portstr = xmemdup0(addr, (size_t)(p - addr));
		if (target_port(portstr, &port) == 0 || strcmp(portstr,
		    "*") == 0) {
			if (target_parse_literal(p + 1, &o->addr,
			    &o->addrlen) == 0)
				addr = p + 1;
		}
		free(portstr);
	}
	if (o->addrlen == 0 && target_parse_literal(addr, &o->addr,
	    &o->addrlen) == -1) {
		xasprintf(err, "--resolve %s: '%s' is not an IP address",
		    arg, addr);
		free(host);
		return -1;
	}
	for (i = 0; host[i] != '\0'; i++)
		host[i] = (char)tolower((unsigned char)host[i]);
	o->host = host;
	return 0;
}

/* SPDX-License-Identifier: ISC */
/*
 * What to probe: the default matrix rows, --ports lists (standard ports
 * and SERVICE=PORT bindings), --resolve overrides and host names given on
 * the command line.  Parsing only: no lookups, no sockets.
 */
#include "config.h"

#include "target.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"
#include "sanitize.h"
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

/* Letters, digits, hyphen (RFC 1123 2.1), and '_' as in service names;
 * ASCII only, whatever the locale says. */
static bool
target_ldh(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Room for '%' and a zone (an interface name or number) after an IPv6
 * address, with the NUL. */
#define TARGET_SCOPE_MAX	(IF_NAMESIZE + 2)

/*
 * An IPv4 or IPv6 literal, bracketed or not; IPv6 may carry a zone
 * ("fe80::1%eth0", "fe80::1%2", RFC 4007 11.2), which becomes the scope
 * id.  Returns 0, 1 when s is no literal at all, or -1 with *err set when
 * it is a literal with a bad zone.
 */
static int
target_literal(const char *s, struct sockaddr_storage *ss, socklen_t *len,
    char **err)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 buf[INET6_ADDRSTRLEN + TARGET_SCOPE_MAX];
	char			*pct, *zone, *end, *q;
	unsigned long		 id;
	size_t			 n = strlen(s), i;

	memset(ss, 0, sizeof *ss);
	*err = NULL;
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n >= sizeof buf)
		return 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	pct = strchr(buf, '%');
	if (pct != NULL)
		*pct = '\0';
	if (pct == NULL && inet_pton(AF_INET, buf, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		*len = sizeof *sin;
		return 0;
	}
	if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1) {
		memset(ss, 0, sizeof *ss);
		return 1;
	}
	sin6->sin6_family = AF_INET6;
	*len = sizeof *sin6;
	if (pct == NULL)
		return 0;
	zone = pct + 1;
	for (i = 0; zone[i] != '\0'; i++) {
		if (!target_ldh(zone[i]) && zone[i] != '.')
			break;
	}
	if (i == 0 || zone[i] != '\0' || i >= IF_NAMESIZE) {
		q = sanitize_dup(s, n, sanitize_locale_flags(), 80);
		xasprintf(err, "'%s': the zone after '%%' must be an "
		    "interface name or number", q);
		free(q);
		goto bad;
	}
	if (zone[0] >= '0' && zone[0] <= '9') {
		errno = 0;
		id = strtoul(zone, &end, 10);
		if (errno == 0 && *end == '\0' && id > 0 &&
		    id <= UINT32_MAX) {
			sin6->sin6_scope_id = (uint32_t)id;
			return 0;
		}
	}
	/* if_nametoindex(3) asks the kernel; it never waits on the net. */
	id = if_nametoindex(zone);
	if (id == 0) {
		q = sanitize_dup(s, n, sanitize_locale_flags(), 80);
		xasprintf(err, "'%s': no network interface '%s'", q, zone);
		free(q);
		goto bad;
	}
	sin6->sin6_scope_id = (uint32_t)id;
	return 0;
bad:
	memset(ss, 0, sizeof *ss);
	*len = 0;
	return -1;
}

int
target_parse_literal(const char *s, struct sockaddr_storage *ss,
    socklen_t *len)
{
	char	*err;
	int	 rc;

	rc = target_literal(s, ss, len, &err);
	free(err);
	return rc == 0 ? 0 : -1;
}

/* The error for a host that is neither a name nor an address: the input
 * quoted through the sanitiser (it goes to a terminal) and the reason. */
static int
target_bad_host(const char *h, char **err, const char *why)
{
	char	*q;

	q = sanitize_dup(h, strlen(h), sanitize_locale_flags(), 80);
	xasprintf(err, "'%s' is not a host name or address: %s", q, why);
	free(q);
	return -1;
}

int
target_check_host(const char *h, char **err)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	size_t			 i, n = strlen(h), label = 0, start = 0;
	size_t			 last = 0;
	int			 rc;

	*err = NULL;
	rc = target_literal(h, &ss, &len, err);
	if (rc != 1)
		return rc;
	if (n == 0)
		return target_bad_host(h, err, "it is empty");
	if (n == 1 && h[0] == '.')
		return target_bad_host(h, err, "the root alone is no host");
	if (h[n - 1] == '.')
		n--;		/* the root label of an absolute name */
	if (n > 253)
		return target_bad_host(h, err, "longer than 253 bytes");
	for (i = 0; i <= n; i++) {
		if (i == n || h[i] == '.') {
			if (label == 0)
				return target_bad_host(h, err,
				    "it has an empty label");
			if (h[start] == '-' || h[i - 1] == '-')
				return target_bad_host(h, err, "a label "
				    "starts or ends with '-'");
			last = start;
			label = 0;
			start = i + 1;
			continue;
		}
		if ((unsigned char)h[i] <= ' ' || h[i] == 0x7f)
			return target_bad_host(h, err, "it holds a space or "
			    "a control byte");
		if ((unsigned char)h[i] >= 0x80)
			return target_bad_host(h, err, "give an "
			    "international name in its xn-- form");
		if (!target_ldh(h[i]))
			return target_bad_host(h, err, "only letters, digits, "
			    "'-', '_' and '.' make a name");
		if (++label > 63)
			return target_bad_host(h, err, "a label is longer "
			    "than 63 bytes");
	}
	/* The last label decides: all digits is no top-level domain
	 * (RFC 3696 2), so "1.2.3.4.5" is a mistyped address, not a name. */
	for (i = last; i < n && h[i] >= '0' && h[i] <= '9'; i++)
		;
	if (i == n)
		return target_bad_host(h, err, "all digits, yet no IPv4 or "
		    "IPv6 address");
	return 0;
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

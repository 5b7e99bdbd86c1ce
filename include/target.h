/* SPDX-License-Identifier: ISC */
#ifndef mailports_TARGET_H
#define mailports_TARGET_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"

struct dialect;

/* One row of the matrix: a service on a port. */
struct port_row {
	const char		*service;	/* "submission" */
	const struct dialect	*dialect;	/* its protocol */
	uint16_t		 port;		/* TCP port */
	enum probe_mode		 native;	/* the port's intended mode */
};

/* --resolve HOST:ADDRESS */
struct resolve_override {
	char			*host;		/* name, lower case */
	struct sockaddr_storage	 addr;		/* address (port 0) */
	socklen_t		 addrlen;	/* its length */
};

/* The default rows: SMTP 25, 465, 587; POP3 110, 995; IMAP 143, 993. */
void	target_default_rows(struct port_row **, size_t *);
/* Parse --ports: a comma list of standard port numbers and SERVICE=PORT
 * entries; a leading "+" adds to the defaults.  Rows are sorted by
 * protocol then port and deduplicated.  Returns 0, or -1 with *err set to
 * a sentence (caller frees). */
int	target_parse_ports(const char *, struct port_row **, size_t *,
	    char **err);
/* Parse HOST:ADDRESS (also curl's HOST:PORT:ADDRESS, and [v6]). */
int	target_parse_resolve(const char *, struct resolve_override *,
	    char **err);
/* Check a host given on the command line before any lookup: an IPv4 or
 * IPv6 literal (bracketed or not, IPv6 with a %zone), or a name of
 * letters, digits, '-' and '_' in labels of 1-63 bytes, at most 253 in
 * all, no label starting or ending with '-', the last not all digits.
 * Returns 0, or -1 with *err set to one sanitised sentence (caller
 * frees). */
int	target_check_host(const char *, char **err);
/* Fill sa from an IPv4/IPv6 literal ("[::1]", "fe80::1%eth0" with its
 * scope id); returns 0, or -1 when it is none or its zone is unknown. */
int	target_parse_literal(const char *, struct sockaddr_storage *,
	    socklen_t *);

#endif

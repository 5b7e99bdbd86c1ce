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
/* Check a host name or address literal given on the command line. */
int	target_check_host(const char *, char **err);
/* Fill sa from an IPv4/IPv6 literal; returns 0 or -1. */
int	target_parse_literal(const char *, struct sockaddr_storage *,
	    socklen_t *);

#endif

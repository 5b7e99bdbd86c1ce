/* SPDX-License-Identifier: ISC */
#ifndef mailports_LAB_H
#define mailports_LAB_H

#include <sys/socket.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlswrap.h"

/*
 * The built-in lab servers: SMTP, POP3 and IMAP, each plain, STARTTLS or
 * implicit TLS, on the program's event loop.  What a server says is data:
 * a personality is a list of ports, each with its mode, flags and
 * certificate (src/lab_pers.c).  Nothing here prints or exits.
 */

struct evloop;
struct lab;

/* What a port speaks. */
enum lab_speak {
	LAB_PLAIN,		/* plaintext, STARTTLS not offered */
	LAB_STARTTLS,		/* plaintext, STARTTLS offered */
	LAB_TLS,		/* implicit TLS from the first byte */
	LAB_CLOSED		/* bound but not listening: refused */
};

#define LAB_F_AUTH_PLAIN	0x01	/* password login offered before TLS
					 * (SMTP AUTH, POP3 USER, IMAP
					 * without LOGINDISABLED) */
#define LAB_F_STARTTLS_FAIL	0x02	/* STARTTLS advertised, then refused
					 * (454, -ERR, NO) */
#define LAB_F_NO_CAPA		0x04	/* POP3: no CAPA command */

/* One service of a personality. */
struct lab_port {
	const char		*service;	/* IANA service: "imaps" */
	enum lab_speak		 speak;		/* what the port speaks */
	unsigned		 flags;		/* LAB_F_* */
	enum tlswrap_cred_kind	 cert;		/* certificate kind */
	enum tlswrap_key	 key;		/* its key type */
	const char		*cert_name;	/* name in the certificate;
						 * NULL: the host */
	struct tlswrap_srv_opts	 tls;		/* versions, signatures,
						 * tickets, misbehaviour */
	unsigned		 greet_delay_ms; /* pause before greeting */
};

/* A provider or a scenario. */
struct lab_personality {
	const char		*name;		/* "good", "tls-expired" */
	const char		*host;		/* its name: mail.good.demo */
	const char		*about;		/* one line for people */
	const struct lab_port	*ports;		/* its services */
	size_t			 nports;	/* number of services */
	const char *const	*settings;	/* --setting examples with
						 * standard ports ("pop3:110:
						 * ssl"), NULL-terminated */
	bool			 demo;		/* one of the --demo three */
};

/* The table of personalities (src/lab_pers.c). */
size_t				 lab_personality_count(void);
const struct lab_personality	*lab_personality_get(size_t);
/* NAME or NAME:SERVICE; *port gets the service (NULL when only NAME was
 * given).  NULL when unknown. */
const struct lab_personality	*lab_personality_find(const char *,
				    const struct lab_port **port);
/* The service of a personality whose standard port is port, or NULL. */
const struct lab_port		*lab_port_by_number(
				    const struct lab_personality *, uint16_t);
/* The standard port of a service name (0 when unknown). */
uint16_t			 lab_service_port(const char *);

struct lab	*lab_new(struct evloop *);
/* Closes every listener and connection. */
void		 lab_free(struct lab *);
/* The demo root CA in PEM (borrowed); makes the PKI on first use.  NULL
 * with *err (caller frees) when it cannot be made. */
const char	*lab_ca_pem(struct lab *, char **err);

/* A TCP socket bound (SO_REUSEADDR) to sa, not yet listening.  Returns
 * the descriptor, or -1 with errno set (EADDRINUSE, EACCES). */
int		 lab_bind(const struct sockaddr *, socklen_t);
/* Serve port pt of personality p on the bound socket fd (owned from now
 * on, also on failure): listen, accept, answer.  LAB_CLOSED keeps it
 * bound without listening.  Returns 0, or -1 with *err set. */
int		 lab_serve(struct lab *, const struct lab_personality *,
		    const struct lab_port *, int fd, char **err);
/* Connections accepted so far, and open now (for tests and the demo). */
size_t		 lab_accepted(const struct lab *);
size_t		 lab_open(const struct lab *);

#endif

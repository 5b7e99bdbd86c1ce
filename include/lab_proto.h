/* SPDX-License-Identifier: ISC */
#ifndef mailports_LAB_PROTO_H
#define mailports_LAB_PROTO_H

#include <stdbool.h>
#include <stddef.h>

struct buf;
struct lab_port;

/* What the connection does once the reply has been written. */
enum lab_act {
	LAB_ACT_NONE,		/* read the next command */
	LAB_ACT_STARTTLS,	/* drop buffered input, start the handshake */
	LAB_ACT_CLOSE		/* close the connection */
};

enum lab_dproto {
	LAB_SMTP,
	LAB_POP3,
	LAB_IMAP
};

/* The server's side of one dialogue. */
struct lab_dialogue {
	const struct lab_port	*port;		/* behaviour */
	enum lab_dproto		 proto;		/* which protocol */
	const char		*host;		/* name in the greeting */
	bool			 tls;		/* inside TLS now */
	bool			 pop3_user;	/* POP3: USER accepted */
};

#define LAB_LINE_MAX	1000	/* command line, CRLF excluded (RFC 5321
				 * 4.5.3.1.4 allows 512; IMAP needs more) */

/* Set up d for port pt; returns -1 when the service is unknown. */
int		lab_proto_init(struct lab_dialogue *, const struct lab_port *,
		    const char *host);
/* Append the greeting to out. */
void		lab_proto_greeting(struct lab_dialogue *, struct buf *out);
/* Answer one command line (without CRLF) into out. */
enum lab_act	lab_proto_line(struct lab_dialogue *, const char *line,
		    size_t len, struct buf *out);
/* The last words before closing a connection that broke a limit (a line
 * too long, too many commands, too slow). */
void		lab_proto_bye(struct lab_dialogue *, const char *why,
		    struct buf *out);

#endif

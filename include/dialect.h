/* SPDX-License-Identifier: ISC */
#ifndef mailports_DIALECT_H
#define mailports_DIALECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"

/* The commands of a dialogue; each dialect says what they are on the wire.
 * The probe holds no protocol strings. */
enum dialect_cmd {
	DC_GREETING,		/* nothing sent: the server speaks first */
	DC_CAPA,		/* EHLO, CAPA, CAPABILITY */
	DC_HELO,		/* SMTP fallback when EHLO is refused */
	DC_STARTTLS,		/* STARTTLS, STLS */
	DC_QUIT,		/* QUIT, LOGOUT */
	DC_LAST
};

/* How a complete reply came out. */
enum dialect_outcome {
	DO_POSITIVE,		/* the go-ahead this command expects: 220
				 * greeting, 250 to EHLO, +OK, tagged OK */
	DO_INTERMEDIATE,	/* 3xx, IMAP "+ " continuation */
	DO_NEGATIVE,		/* 4xx/5xx, -ERR, NO, BAD */
	DO_BYE,			/* a closing notice: SMTP 421, IMAP * BYE */
	DO_PREAUTH,		/* IMAP * PREAUTH greeting */
	DO_UNEXPECTED,		/* positive, but not what this command
				 * expects (250 to STARTTLS, 220 to EHLO) */
	DO_MIXED,		/* SMTP: the lines of one reply carry
				 * different codes (RFC 5321 4.2.1) */
	DO_UNSOLICITED,		/* IMAP: a tagged reply whose tag we never
				 * sent */
	DO_MALFORMED		/* not a reply of this protocol */
};

/* What a line is that arrived before the command it would answer (bytes
 * already received when we send a command). */
enum dialect_early {
	DE_ALLOWED,		/* may come at any time (IMAP untagged data) */
	DE_CLOSING,		/* a closing notice: SMTP 421, IMAP * BYE */
	DE_UNSOLICITED		/* a reply nobody asked for */
};

/* What the judge says of one line. */
enum dialect_line {
	DL_MORE,		/* part of the reply; more lines follow */
	DL_FINAL,		/* this line completes the reply */
	DL_LITERAL		/* IMAP: *literal bytes follow this line */
};

#define DIALECT_TAG_RANDOM	6	/* random letters in an IMAP tag */

/* Per-connection dialogue state (IMAP tags). */
struct dialect_state {
	unsigned	 seq;		/* commands sent */
	char		 tag_prefix[12]; /* IMAP: "mp" + random letters, per
					 * connection, so tags cannot be
					 * guessed in advance */
	char		 tag[24];	/* tag of the command in flight */
	int		 code;		/* SMTP: code of the first line */
	int		 code2;		/* SMTP: first code that differed from
					 * it in the same reply, else 0 */
	bool		 first_line;	/* no line of this reply seen yet */
	bool		 in_multi;	/* POP3: inside a multi-line body */
	bool		 literal_cont;	/* IMAP: next segment continues a
					 * line after a literal */
};

/* Capabilities pulled out of a reply. */
struct dialect_caps {
	struct mstr_list caps;		/* raw capability entries */
	struct mstr_list auth;		/* raw SASL mechanism names */
	bool		 starttls;	/* STARTTLS/STLS advertised */
	bool		 login_disabled; /* IMAP LOGINDISABLED */
	bool		 found;		/* the reply carried capabilities */
};

struct dialect_service {
	const char	*name;		/* IANA service name: "submission" */
	uint16_t	 port;		/* standard port */
	enum probe_mode	 native;	/* mode the port is meant for */
};

/* One command of a dialect, indexed by enum dialect_cmd. */
struct dialect_command {
	const char	*word;		/* "EHLO", "STLS"; NULL: not sent */
	int		 code;		/* SMTP: the positive code that answers
					 * it (RFC 5321 4.3.2); 0: any */
};

struct dialect {
	const char	*name;		/* "smtp" */
	const char	*label;		/* "SMTP" */
	const struct dialect_service *services; /* ends with name NULL */
	size_t		 line_max;	/* longest line accepted */
	size_t		 lines_max;	/* most lines per reply */
	size_t		 reply_max;	/* most bytes per reply */
	const char	*starttls_name;	/* capability: "STARTTLS", "STLS" */
	const char	*preauth_word;	/* IMAP: "PREAUTH", the greeting of a
					 * session already logged in; NULL:
					 * the dialect has none */
	const struct dialect_command *cmds; /* DC_LAST entries: words and
					 * expected codes */
	bool		 has_helo;	/* SMTP: HELO when EHLO is refused */
	bool		 login_builtin;	/* IMAP: LOGIN exists unless
					 * LOGINDISABLED is advertised */
	const char	*login_cap;	/* POP3: "USER" means USER/PASS */

	/* Write the command line for cmd (without CRLF) into buf; returns
	 * its length, 0 when cmd sends nothing, -1 when not supported. */
	int		(*format)(enum dialect_cmd, struct dialect_state *,
			    const char *ehlo_name, char *buf, size_t size);
	/* Judge one line (without its terminator) of the reply to cmd;
	 * sets *outcome on DL_FINAL, *literal on DL_LITERAL. */
	enum dialect_line (*judge)(enum dialect_cmd, struct dialect_state *,
			    const char *line, size_t len,
			    enum dialect_outcome *outcome, uint64_t *literal);
	/* Pull capabilities out of the lines of a complete reply to cmd
	 * (also the greeting, for IMAP [CAPABILITY ...]). */
	void		(*caps)(enum dialect_cmd, const struct mstr *lines,
			    size_t nlines, struct dialect_caps *);
	/* What a line (without its terminator; possibly only the start of
	 * one) is when it arrived before the command it would answer. */
	enum dialect_early (*early)(const char *line, size_t len);
	/* IMAP: does the line announce a literal ("{n}"), *size bytes
	 * (UINT64_MAX on overflow)?  NULL: the dialect has none. */
	bool		(*literal)(const char *line, size_t len,
			    uint64_t *size);
};

#define DIALECT_CAPS_MAX	128	/* capability entries kept */
#define DIALECT_CAP_LEN_MAX	256	/* bytes kept per capability */

extern const struct dialect dialect_smtp;
extern const struct dialect dialect_pop3;
extern const struct dialect dialect_imap;

/* Look up a dialect by name ("smtp"), or a service by IANA name or alias
 * ("submissions", "smtps", "imaps") or by standard port.  NULL if unknown.
 * *d receives the service's dialect. */
const struct dialect		*dialect_by_name(const char *);
const struct dialect_service	*dialect_service_by_name(const char *,
				    const struct dialect **d);
const struct dialect_service	*dialect_service_by_port(uint16_t,
				    const struct dialect **d);
/* All dialects, NULL-terminated, in display order. */
extern const struct dialect *const dialect_all[];

void	 dialect_caps_clear(struct dialect_caps *);
/* Add each space-separated token of the n bytes at p from pos on to
 * c->auth as a SASL mechanism (capped at DIALECT_CAPS_MAX). */
void	 dialect_caps_add_auth(struct dialect_caps *c, const char *p,
	    size_t n, size_t pos);
/* A fresh dialogue state with a random IMAP tag prefix (getrandom(2)). */
void	 dialect_state_init(struct dialect_state *);
/* The word of cmd on the wire ("EHLO", "CAPA"), or "?" */
const char *dialect_cmd_word(const struct dialect *, enum dialect_cmd);
/* The next token of the n bytes at p from *pos on: skips spaces, then
 * returns the token's start with its length in *len and *pos just past it.
 * A token ends at a space, a byte of stops (NULL: none) or the end.
 * Returns NULL when nothing is left or a stop byte comes first; *pos then
 * points at that byte (or n).  Reads nothing beyond p[n - 1]. */
const char *dialect_next_token(const char *p, size_t n, size_t *pos,
	    const char *stops, size_t *len);

#endif

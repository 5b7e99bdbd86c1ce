/* SPDX-License-Identifier: ISC */
#ifndef mailports_ADVICE_H
#define mailports_ADVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"

/* The answer (issue 8): which settings to type into a mail program, why
 * the user's own setting fails, and findings with fixes.  A pure function
 * of the cells' facts: no I/O, no clock, no printing.  Every string is in
 * our own words except those marked "raw" (names from certificates),
 * which outputs must pass through sanitize_*().  Sentences start in lower
 * case without a final full stop ("port 110 speaks plaintext and
 * STARTTLS; ..."), so an output can place them after a label. */

struct run;

/* The three mail protocols, in display order: incoming IMAP, incoming
 * POP3, outgoing SMTP. */
enum advice_proto {
	ADVICE_IMAP,		/* "imap" */
	ADVICE_POP3,		/* "pop3" */
	ADVICE_SMTP,		/* "smtp" (submission; 25 is relay) */
	ADVICE_PROTO_LAST
};

/* Can a mail program log in on a setting (after TLS for TLS settings)? */
enum advice_login {
	ADVICE_LOGIN_OFFERED,	/* AUTH / IMAP LOGIN / POP3 USER or SASL */
	ADVICE_LOGIN_NOT_OFFERED, /* capabilities known, no login in them */
	ADVICE_LOGIN_UNKNOWN	/* capabilities were not obtained */
};

/* Finding ids (stable; docs/findings.md), default severity, in the order
 * used when severities are equal. */
#define ADVICE_FINDINGS(X)						\
	X(ADVICE_F_CERT_EXPIRED, "certificate_expired", ADVICE_CRITICAL)	\
	X(ADVICE_F_CERT_NOT_YET_VALID, "certificate_not_yet_valid",	\
	    ADVICE_CRITICAL)						\
	X(ADVICE_F_CERT_HOSTNAME_MISMATCH, "certificate_hostname_mismatch",\
	    ADVICE_CRITICAL)						\
	X(ADVICE_F_CERT_SELF_SIGNED, "certificate_self_signed",		\
	    ADVICE_CRITICAL)						\
	X(ADVICE_F_CERT_UNTRUSTED, "certificate_untrusted", ADVICE_CRITICAL)\
	X(ADVICE_F_NO_ENCRYPTION, "no_encryption", ADVICE_CRITICAL)	\
	X(ADVICE_F_STARTTLS_BROKEN, "starttls_broken", ADVICE_CRITICAL)	\
	X(ADVICE_F_IMPLICIT_TLS_PORT_PLAINTEXT,				\
	    "implicit_tls_port_plaintext", ADVICE_CRITICAL)		\
	X(ADVICE_F_TLS_LEGACY, "tls_legacy", ADVICE_CRITICAL)		\
	X(ADVICE_F_PROTOCOL_VIOLATION, "protocol_violation", ADVICE_WARNING)\
	X(ADVICE_F_LOGIN_BEFORE_TLS, "login_before_tls", ADVICE_WARNING)	\
	X(ADVICE_F_STARTTLS_MISSING, "starttls_missing", ADVICE_WARNING)	\
	X(ADVICE_F_CERT_EXPIRING_SOON, "certificate_expiring_soon",	\
	    ADVICE_WARNING)						\
	X(ADVICE_F_ADDRESS_MISMATCH, "address_mismatch", ADVICE_WARNING)	\
	X(ADVICE_F_SLOW_SERVICE, "slow_service", ADVICE_WARNING)		\
	X(ADVICE_F_PORT25_BLOCKED, "port25_blocked", ADVICE_INFO)

enum advice_severity {
	ADVICE_INFO,		/* worth knowing; nothing breaks */
	ADVICE_WARNING,		/* works, with a risk or a nuisance */
	ADVICE_CRITICAL		/* a mail program fails or is unsafe */
};

enum advice_finding_id {
#define X(e, id, sev) e,
	ADVICE_FINDINGS(X)
#undef X
	ADVICE_F_LAST
};

#define ADVICE_EXPIRING_DAYS	14	/* certificate_expiring_soon below */
#define ADVICE_SLOW_MS		5000	/* slow_service above (findings.md) */

/* One probed cell, as the caller sees it; everything borrowed for the
 * duration of advice_new(). */
struct advice_cell {
	const char		*host;		/* name asked about */
	const char		*address;	/* "192.0.2.1", "::1", "-" */
	int			 family;	/* AF_INET, AF_INET6, AF_UNSPEC */
	uint16_t		 port;		/* TCP port */
	const char		*service;	/* "submission"; NULL: by port */
	const char		*protocol;	/* "smtp", "pop3", "imap" */
	enum probe_mode		 mode;		/* plain, starttls, tls */
	const struct probe_facts *facts;	/* the cell's verdict */
};

/* A setting as the user gives it: --setting PROTOCOL:PORT:SECURITY. */
struct advice_given {
	enum advice_proto	 proto;		/* protocol */
	uint16_t		 port;		/* TCP port */
	enum probe_mode		 security;	/* MODE_PLAIN = "None" */
	char			 text[96];	/* as given, sanitised, cut */
};

struct advice_input {
	const struct advice_cell *cells;	/* every cell of every host,
						 * hosts in the order given */
	size_t			 ncells;	/* number of cells */
	const struct advice_given *given;	/* --setting, in order */
	size_t			 ngiven;	/* number of settings */
	int64_t			 now;		/* Unix time of the probes;
						 * 0: use facts' days_left */
	int			 expiring_days;	/* 0: ADVICE_EXPIRING_DAYS */
	unsigned		 slow_ms;	/* 0: ADVICE_SLOW_MS */
};

/* A setting to type into a mail program (JSON SETTING). */
struct advice_setting {
	const char		*server;	/* host name to type */
	enum advice_proto	 proto;		/* protocol */
	uint16_t		 port;		/* TCP port */
	enum probe_mode		 security;	/* SSL/TLS, STARTTLS, None */
	bool			 secure;	/* TLS, verified on every
						 * address */
	bool			 relay;		/* SMTP port 25: server to
						 * server; last resort only */
	bool			 native;	/* the port is meant for this
						 * security (465 SSL/TLS, 587
						 * STARTTLS) */
	enum advice_login	 login;		/* login offered there */
	unsigned		 problems;	/* TLS_PROB_BIT() over all
						 * addresses */
	char			*why;		/* one sentence */
};

/* The answer for one protocol (JSON REC): v[0] is the best setting, the
 * rest are the working alternatives, best first. */
struct advice_rec {
	struct advice_setting	*v;		/* recommended, best first */
	size_t			 n;		/* number recommended */
	struct advice_setting	*excluded;	/* work on some address but
						 * are not recommended (no
						 * login, an address fails,
						 * relay); why says why */
	size_t			 nexcluded;	/* number excluded */
	char			*why;		/* n == 0: why nothing is
						 * recommended, else NULL */
};

/* A cell a finding is about. */
struct advice_cellref {
	size_t			 cell;		/* index into input cells */
	char			 address[64];	/* address text */
	int			 family;	/* AF_INET, AF_INET6 or
						 * AF_UNSPEC (no address) */
	enum advice_proto	 proto;		/* protocol */
	uint16_t		 port;		/* TCP port */
	enum probe_mode		 mode;		/* mode probed */
};

/* A problem with its fix (JSON FINDING); at most one per id per host. */
struct advice_finding {
	enum advice_finding_id	 id;		/* stable id */
	enum advice_severity	 severity;	/* critical, warning, info */
	struct advice_cellref	*cells;		/* cells it is about */
	size_t			 ncells;	/* number of cells */
	char			*text;		/* one sentence */
	char			*fix;		/* one sentence */
	struct mstr_list	 names;		/* raw: the names the certificate
						 * carries (hostname mismatch
						 * only); sanitise */
	int64_t			 days;		/* expired / expiring: days
						 * left of the soonest (< 0:
						 * expired that long ago) */
	bool			 missing_intermediate; /* untrusted: the
						 * server does not send its
						 * intermediate */
};

/* The verdict on a setting the user gave (JSON CHECK). */
struct advice_check {
	struct advice_given	 given;		/* what was checked */
	bool			 works;		/* a mail program gets in */
	const char		*status;	/* "ok", "not_probed",
						 * "no_login",
						 * "certificate_problem" or a
						 * facts_status_name() */
	char			*why;		/* one sentence */
	char			*change;	/* what to change, one sentence;
						 * NULL: nothing to change */
	const struct advice_setting **instead;	/* better settings, best
						 * first (borrowed from the
						 * rec) */
	size_t			 ninstead;	/* number of those */
};

struct advice_host {
	char			*host;		/* as given */
	bool			 complete;	/* every cell has its verdict */
	struct advice_rec	 rec[ADVICE_PROTO_LAST]; /* by protocol */
	struct advice_check	*checks;	/* one per given setting */
	size_t			 nchecks;	/* number of checks */
	struct advice_finding	*findings;	/* most severe first */
	size_t			 nfindings;	/* number of findings */
};

struct advice;

/* Build the advice for every host of the cells, in the order hosts first
 * appear.  Nothing of the input is kept.  Free with advice_free(). */
struct advice	*advice_new(const struct advice_input *);
void		 advice_free(struct advice *);
size_t		 advice_host_count(const struct advice *);
/* Borrowed; valid until advice_free(). */
const struct advice_host *advice_get_host(const struct advice *, size_t);
/* The best setting of a rec, or NULL. */
const struct advice_setting *advice_rec_best(const struct advice_rec *);
/* The most severe finding's severity of a host; -1 when it has none. */
int		 advice_host_worst(const struct advice_host *);

/* The cells of a run (every address, row and selected mode) as advice
 * input; the pointers are borrowed from the run and valid until its next
 * change.  The caller frees the array.  *n receives the count. */
struct advice_cell *advice_cells_dup(const struct run *, size_t *n);
/* Whether the run probed any port of protocol p. */
bool		 advice_run_probed(const struct run *, enum advice_proto p);

/* Parse PROTOCOL:PORT:SECURITY (protocol smtp/pop3/imap; port a number or
 * a service name such as submission or imaps; security none, starttls,
 * ssl, tls or ssl/tls, any case).  Returns 0, or -1 with *err set to one
 * sanitised line (caller frees). */
int		 advice_parse_setting(const char *, struct advice_given *,
		    char **err);

const char	*advice_proto_name(enum advice_proto);	/* "imap" */
const char	*advice_proto_label(enum advice_proto);	/* "IMAP" */
int		 advice_proto_from_name(const char *);	/* -1: unknown */
const char	*advice_security_id(enum probe_mode);	/* "ssl_tls" */
const char	*advice_security_words(enum probe_mode); /* "SSL/TLS" */
const char	*advice_login_name(enum advice_login);	/* "not_offered" */
const char	*advice_finding_name(enum advice_finding_id);
const char	*advice_severity_name(enum advice_severity); /* "warning" */

#endif

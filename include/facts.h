/* SPDX-License-Identifier: ISC */
#ifndef mailports_FACTS_H
#define mailports_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The plain data model of one probe (one cell of the matrix): everything
 * the UI, the text and JSON reports and later the advice need.  Strings
 * marked "raw" hold server bytes and must go through sanitize_*() before
 * any output.  Filled only by the engine; outputs read it. */

/* Raw bytes from the server, NUL-terminated for convenience, but possibly
 * holding NUL bytes: always use n. p == NULL means absent. */
struct mstr {
	char	*p;		/* raw bytes + NUL */
	size_t	 n;		/* number of bytes */
};

struct mstr_list {
	struct mstr	*v;	/* entries */
	size_t		 n;	/* number of entries */
};

/* Security modes: where the TLS step sits (RFC 8314, 3207, 2595). */
#define PROBE_MODES(X)							\
	X(MODE_PLAIN, "plain", "None", "plain")				\
	X(MODE_STARTTLS, "starttls", "STARTTLS", "STARTTLS")		\
	X(MODE_TLS, "tls", "SSL/TLS", "TLS")

enum probe_mode {
#define X(e, name, client, label) e,
	PROBE_MODES(X)
#undef X
	MODE_LAST
};

/* Final (or current) status of a cell; see docs/json.md. */
#define PROBE_STATUSES(X)						\
	X(ST_PENDING, "pending", "probing")				\
	X(ST_OK, "ok", "works")						\
	X(ST_REFUSED, "refused", "connection refused")			\
	X(ST_TIMEOUT, "timeout", "timed out")				\
	X(ST_UNREACHABLE, "unreachable", "unreachable")			\
	X(ST_RESOLVE_FAILED, "resolve_failed", "name not resolved")	\
	X(ST_WRONG_MODE, "wrong_mode", "wrong mode")			\
	X(ST_STARTTLS_NOT_OFFERED, "starttls_not_offered",		\
	    "STARTTLS not offered")					\
	X(ST_STARTTLS_REJECTED, "starttls_rejected", "STARTTLS rejected")\
	X(ST_TLS_FAILED, "tls_failed", "TLS failed")			\
	X(ST_PROTOCOL_ERROR, "protocol_error", "protocol error")	\
	X(ST_SERVICE_REFUSED, "service_refused", "service refused")

enum probe_status {
#define X(e, name, words) e,
	PROBE_STATUSES(X)
#undef X
	ST_LAST
};

/* Probe states (STYLE.md 2).  The phase of a failure is the state it
 * failed in. */
#define PROBE_STATES(X)							\
	X(PS_QUEUED, "queued")						\
	X(PS_RESOLVING, "resolve")					\
	X(PS_CONNECTING, "connect")					\
	X(PS_TLS_HANDSHAKE, "tls_handshake")				\
	X(PS_GREETING, "greeting")					\
	X(PS_CAPA, "capabilities")					\
	X(PS_HELO, "helo")						\
	X(PS_STARTTLS, "starttls")					\
	X(PS_TLS_UPGRADE, "tls_upgrade")				\
	X(PS_CAPA_TLS, "capabilities_tls")				\
	X(PS_QUIT, "quit")						\
	X(PS_DONE, "done")						\
	X(PS_FAILED, "failed")

enum probe_state {
#define X(e, name) e,
	PROBE_STATES(X)
#undef X
	PS_LAST
};

/* Certificate problems, a fixed vocabulary (docs/json.md). */
#define TLS_PROBLEMS(X)							\
	X(TLS_PROB_EXPIRED, "expired", "expired")			\
	X(TLS_PROB_NOT_YET_VALID, "not_yet_valid", "not yet valid")	\
	X(TLS_PROB_HOSTNAME_MISMATCH, "hostname_mismatch",		\
	    "name does not match")					\
	X(TLS_PROB_UNTRUSTED, "untrusted", "issuer not trusted")	\
	X(TLS_PROB_SELF_SIGNED, "self_signed", "self-signed")		\
	X(TLS_PROB_REVOKED, "revoked", "revoked")			\
	X(TLS_PROB_WEAK_KEY, "weak_key", "weak key")			\
	X(TLS_PROB_WEAK_SIGNATURE, "weak_signature",			\
	    "weak signature algorithm")					\
	X(TLS_PROB_BAD_USAGE, "bad_usage", "not for server use")	\
	X(TLS_PROB_NO_CERTIFICATE, "no_certificate", "no certificate")	\
	X(TLS_PROB_OTHER, "other", "verification failed")

enum tls_problem {
#define X(e, name, words) e,
	TLS_PROBLEMS(X)
#undef X
	TLS_PROB_LAST
};
#define TLS_PROB_BIT(p)	(1u << (p))

/* One certificate of the chain the server sent (leaf first). */
struct cert_info {
	struct mstr	 subject;	/* raw: distinguished name */
	struct mstr	 issuer;	/* raw: distinguished name */
	struct mstr_list san;		/* raw: DNS names and IP addresses */
	int64_t		 not_before;	/* Unix time */
	int64_t		 not_after;	/* Unix time */
	int64_t		 days_left;	/* whole days from probe to not_after */
	char		 key_type[16];	/* "RSA", "EC" */
	int		 key_bits;	/* key size */
	char		 sig_alg[48];	/* "RSA with SHA-256" */
	char		 serial[80];	/* hex */
	bool		 self_issued;	/* subject equals issuer */
};

#define TLS_CHAIN_MAX	10	/* certificates kept per chain */

struct tls_facts {
	bool		 attempted;	/* a handshake was started */
	bool		 established;	/* the handshake completed */
	char		 version[16];	/* "TLSv1.3" */
	char		 cipher[80];	/* IANA-style suite name */
	char		 group[32];	/* key exchange group, if known */
	char		 signature[40];	/* handshake signature scheme
					 * ("rsa_pss_rsae_sha256"); TLS 1.2
					 * only, "" when unknown */
	char		 close[24];	/* how the server ended the TLS
					 * session after our goodbye:
					 * "close_notify",
					 * "close_notify_then_data",
					 * "no_close_notify"; "" if not seen
					 * (RFC 8446 6.1) */
	bool		 verified;	/* chain and name verified */
	unsigned	 problems;	/* TLS_PROB_BIT() set */
	uint32_t	 verify_flags;	/* mbedTLS verification flags */
	struct cert_info chain[TLS_CHAIN_MAX]; /* leaf first */
	size_t		 chain_len;	/* certificates in chain */
	size_t		 chain_sent;	/* certificates the server sent */
	bool		 client_cert_requested; /* server asked for one */
	char		*failure;	/* our words when the handshake failed */
	int		 error;		/* mbedTLS error code, 0 if none */
	bool		 legacy_suspected; /* fails like a TLS 1.0/1.1-only
					    * server */
	bool		 server_spoke_tls; /* the server answered with TLS
					    * records (even if it failed) */
};

/* The phase timings, one table that JSON, the text report and the screen
 * all read [mtr data_fields]: field, JSON key under timing_ms, text-report
 * name, screen label. */
#define PROBE_TIMINGS(X)						\
	X(connect_us, "connect", "connect", "connect")			\
	X(tls_us, "tls", "tls", "TLS")					\
	X(greeting_us, "greeting", "greeting", "greeting")		\
	X(capa_us, "capabilities", "capa", "caps")			\
	X(starttls_us, "starttls", "starttls", "STARTTLS")		\
	X(tls_upgrade_us, "tls_upgrade", "upgrade", "TLS upgrade")	\
	X(capa_tls_us, "capabilities_tls", "capa_tls", "caps (TLS)")	\
	X(total_us, "total", "total", "total")

/* Phase timings in microseconds; -1 when the phase was not reached. */
struct probe_timing {
	int64_t	 connect_us;	/* TCP connect */
	int64_t	 tls_us;	/* implicit TLS handshake */
	int64_t	 greeting_us;	/* from connected (or TLS) to greeting */
	int64_t	 capa_us;	/* EHLO/CAPA/CAPABILITY round trip */
	int64_t	 starttls_us;	/* STARTTLS command round trip */
	int64_t	 tls_upgrade_us; /* handshake after STARTTLS */
	int64_t	 capa_tls_us;	/* capabilities again over TLS */
	int64_t	 total_us;	/* start to finish */
};

struct probe_facts {
	enum probe_status status;	/* verdict of the cell */
	enum probe_state phase;		/* state the probe ended in */
	char		*reason;	/* one sentence; may quote raw server
					 * text: sanitise */
	struct mstr	 greeting;	/* raw: greeting reply, lines joined
					 * with LF */
	bool		 preauth;	/* IMAP PREAUTH greeting */
	bool		 helo_fallback;	/* SMTP: EHLO refused, HELO used */
	struct mstr_list caps_before;	/* raw: capabilities in plaintext */
	struct mstr_list caps_after;	/* raw: capabilities inside TLS */
	struct mstr_list auth_before;	/* raw: SASL mechanisms in plaintext */
	struct mstr_list auth_after;	/* raw: SASL mechanisms inside TLS */
	bool		 caps_before_known; /* capabilities were obtained */
	bool		 caps_after_known; /* capabilities were obtained */
	bool		 starttls_offered; /* advertised before TLS */
	bool		 login_disabled_before; /* IMAP LOGINDISABLED */
	bool		 login_disabled_after;	/* IMAP LOGINDISABLED */
	struct mstr	 starttls_reply; /* raw: reply to STARTTLS */
	struct mstr	 injected;	/* raw: bytes after the go-ahead */
	struct mstr	 non_tls_data;	/* raw: plaintext seen where a TLS
					 * record was due */
	int		 line_flags;	/* TR_F_* seen on server lines */
	bool		 wrong_mode_inferred; /* wrong_mode concluded from a
					       * sibling cell */
	bool		 login_in_clear; /* plaintext cell: the server offers
					  * a password login without TLS */
	bool		 implicit_port_plaintext; /* a port meant for implicit
						   * TLS (465/993/995) speaks
						   * plaintext */
	struct tls_facts tls;		/* handshake facts */
	struct probe_timing timing;	/* per-phase times */
};

const char	*facts_mode_name(enum probe_mode);	/* "starttls" */
const char	*facts_mode_client(enum probe_mode);	/* "STARTTLS" */
const char	*facts_mode_label(enum probe_mode);	/* column label */
int		 facts_mode_from_name(const char *);	/* -1 if unknown */
const char	*facts_status_name(enum probe_status);	/* "wrong_mode" */
const char	*facts_status_words(enum probe_status);	/* "wrong mode" */
const char	*facts_state_name(enum probe_state);	/* "greeting" */
const char	*facts_problem_name(enum tls_problem);	/* "expired" */
const char	*facts_problem_words(enum tls_problem);	/* "expired" */

/* One row of PROBE_TIMINGS. */
struct facts_timing {
	const char	*json;		/* key under timing_ms */
	const char	*text;		/* name in the text report */
	const char	*label;		/* label on the screen */
	size_t		 off;		/* offset in struct probe_timing */
};
extern const struct facts_timing facts_timings[];	/* PROBE_TIMINGS */
extern const size_t facts_ntimings;
/* The value of row i of facts_timings for t (-1: not reached). */
int64_t		 facts_timing_get(const struct probe_timing *, size_t i);

/* Storage helpers for the engine. */
void		 mstr_set(struct mstr *, const void *, size_t);
void		 mstr_clear(struct mstr *);
/* Append unless an equal entry exists or max entries are held. */
void		 mstr_list_add(struct mstr_list *, const void *, size_t,
		    size_t max);
bool		 mstr_list_has(const struct mstr_list *, const char *);
bool		 mstr_list_has_prefix(const struct mstr_list *, const char *);
void		 mstr_list_clear(struct mstr_list *);
void		 facts_init(struct probe_facts *);
void		 facts_clear(struct probe_facts *);

#endif

/* SPDX-License-Identifier: ISC */
#ifndef mailports_TLSWRAP_H
#define mailports_TLSWRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io.h"

struct tls_facts;
struct transcript;
struct tlswrap_config;
struct tlswrap;

/* Shared client configuration: psa_crypto_init() once, TLS 1.2 and 1.3,
 * VERIFY_OPTIONAL (the handshake completes so that every problem can be
 * reported), CA bundle from ca_file/ca_path or the system default.
 * Returns NULL with *err (caller frees) set to one sentence on failure. */
struct tlswrap_config	*tlswrap_config_new(const char *ca_file,
			    const char *ca_path, char **err);
void			 tlswrap_config_free(struct tlswrap_config *);
/* "Mbed TLS 3.6.7" of the library linked at run time. */
const char		*tlswrap_runtime_version(void);

/* A client session on the connected non-blocking fd (not owned).  host is
 * the name the user asked about: sent as SNI unless it is an IP literal,
 * and always the name verified against.  TLS events are added to tr with
 * times relative to t0_us (evloop_clock_us() base). */
struct tlswrap		*tlswrap_new(struct tlswrap_config *, int fd,
			    const char *host, struct transcript *tr,
			    uint64_t t0_us);
void			 tlswrap_free(struct tlswrap *);

/* Advance the handshake.  IO_DONE when established (facts are then
 * available), IO_WANT_READ/IO_WANT_WRITE, IO_EOF (closed during the
 * handshake), IO_ERR (see tlswrap_get_failure()). */
enum io_res		 tlswrap_handshake(struct tlswrap *);
/* Application data; NewSessionTicket and similar post-handshake messages
 * are absorbed (IO_WANT_READ).  IO_EOF on close_notify or TCP close. */
enum io_res		 tlswrap_read(struct tlswrap *, void *, size_t,
			    size_t *got);
enum io_res		 tlswrap_write(struct tlswrap *, const void *, size_t,
			    size_t *put);
/* Best effort close_notify; never blocks. */
void			 tlswrap_close_notify(struct tlswrap *);

/* Copy what is known (attempt, version, cipher, chain, verification, or
 * the failure) into f; safe after success and after failure.  now is the
 * Unix time for days_left. */
void			 tlswrap_get_facts(const struct tlswrap *,
			    struct tls_facts *f, int64_t now);
bool			 tlswrap_is_verified(const struct tlswrap *);
/* How the peer ended the session once it did: "close_notify",
 * "close_notify_then_data", "no_close_notify"; "" before. */
const char		*tlswrap_get_close(const struct tlswrap *);
/* After close_notify: read and drop what still arrives until the TCP
 * close; any byte makes the close "close_notify_then_data" (RFC 8446
 * 6.1: it is ignored).  IO_WANT_READ while open, IO_EOF at the close. */
enum io_res		 tlswrap_drain_closed(struct tlswrap *);
/* The name check of every session, on one DER certificate: 1 when host
 * (a DNS name, or an IPv4/IPv6 literal) matches it, 0 when not, -1 when
 * the certificate does not parse.  RFC 9525: wildcards only as a whole
 * left-most label over two or more labels that are not a known public
 * suffix; IP literals only against iPAddress entries; the CN only when
 * there is no dNSName (docs/hacking.md, "Name checks"). */
int			 tlswrap_check_name(const void *der, size_t len,
			    const char *host);

/* After a failure: one phrase in words ("protocol version not supported",
 * "handshake alert: handshake failure", "server sent non-TLS data",
 * "connection closed during handshake"). */
const char		*tlswrap_get_failure(const struct tlswrap *);
/* True when the first bytes from the server were not a TLS record (a
 * plaintext greeting where a ServerHello was due); p and n receive those
 * bytes (borrowed, at most 512). */
bool			 tlswrap_got_plaintext(const struct tlswrap *,
			    const char **p, size_t *n);

/*
 * Server side (built-in lab servers).  Implemented by L1, used by the lab
 * servers (L2); every mbedTLS call stays in tlswrap.c.  Nothing is read
 * from disk: the PKI is made at start-up with mbedTLS's writing functions.
 * Keys are made once per process and reused (RSA generation is slow).
 *
 * A server session is a struct tlswrap like a client one:
 * tlswrap_handshake(), tlswrap_read(), tlswrap_write(),
 * tlswrap_close_notify() and tlswrap_free() work on both sides.  The
 * misbehaviours of the configuration act inside them: ALERT_MID_HANDSHAKE
 * makes tlswrap_handshake() send the alert after the ClientHello and
 * return IO_ERR; CLOSE_NO_NOTIFY makes tlswrap_close_notify() send
 * nothing (the caller then closes the fd as usual); DATA_AFTER_NOTIFY
 * makes it send close_notify and then one more application record.
 */
struct tlswrap_pki;
struct tlswrap_cred;
struct tlswrap_srv_config;

enum tlswrap_key {
	TLSWRAP_KEY_ECDSA = 0,		/* ECDSA P-256 (the default) */
	TLSWRAP_KEY_RSA			/* RSA 2048 */
};

enum tlswrap_cred_kind {
	TLSWRAP_CRED_GOOD = 0,		/* leaf <- intermediate <- demo root;
					 * leaf and intermediate sent */
	TLSWRAP_CRED_EXPIRED,		/* as GOOD, notAfter in the past */
	TLSWRAP_CRED_NOT_YET_VALID,	/* as GOOD, notBefore in the future */
	TLSWRAP_CRED_WRONG_NAME,	/* as GOOD, but the SAN (and CN) is
					 * "wrong-name.invalid", never one of
					 * names */
	TLSWRAP_CRED_SELF_SIGNED,	/* leaf signed by its own key */
	TLSWRAP_CRED_MISSING_INTERMEDIATE, /* as GOOD, only the leaf sent */
	TLSWRAP_CRED_UNTRUSTED_ROOT	/* leaf <- the unrelated root; leaf
					 * and that root sent (a private CA,
					 * not a missing intermediate) */
};

struct tlswrap_cred_spec {
	const char *const	*names;	/* DNS SANs, NULL-terminated; the
					 * first is also the CN.  NULL or
					 * empty: "localhost" */
	enum tlswrap_cred_kind	 kind;
	enum tlswrap_key	 key;
	int			 days;	/* validity; 0: 365 */
};

enum tlswrap_sig {
	TLSWRAP_SIG_DEFAULT = 0,	/* mbedTLS's list */
	TLSWRAP_SIG_RSA_PSS,		/* TLS 1.2: rsa_pss_rsae_* only */
	TLSWRAP_SIG_PKCS1		/* TLS 1.2: rsa_pkcs1_* only */
};

enum tlswrap_misbehave {
	TLSWRAP_MIS_NONE = 0,
	TLSWRAP_MIS_ALERT_MID_HANDSHAKE, /* fatal alert after ClientHello */
	TLSWRAP_MIS_CLOSE_NO_NOTIFY,	/* close without close_notify */
	TLSWRAP_MIS_DATA_AFTER_NOTIFY	/* close_notify, then more data */
};

struct tlswrap_srv_opts {
	int			 tls_min;	/* 12 or 13; 0: 12 */
	int			 tls_max;	/* 12 or 13; 0: 13, or 12
						 * when sig is set */
	enum tlswrap_sig	 sig;		/* TLS 1.2 signature schemes;
						 * not DEFAULT: TLS 1.2 only
						 * and an RSA key */
	bool			 request_client_cert; /* optional, with the
						 * demo root as CA list */
	int			 tickets;	/* TLS 1.3 NewSessionTickets
						 * after the handshake, 0..8 */
	enum tlswrap_misbehave	 misbehave;
	int			 alert;		/* ALERT_MID_HANDSHAKE: the
						 * description; 0: 40,
						 * handshake_failure */
	const char		*after_notify;	/* DATA_AFTER_NOTIFY: bytes
						 * sent; NULL: a fixed line */
};

/* Demo root CA, an intermediate CA signed by it, an unrelated root. */
struct tlswrap_pki	*tlswrap_pki_new(char **err);
void			 tlswrap_pki_free(struct tlswrap_pki *);
/* The demo root in PEM (borrowed, NUL-terminated), for the client to
 * trust with tlswrap_config_new_pem(). */
const char		*tlswrap_pki_ca_pem(const struct tlswrap_pki *);
/* The intermediate CA in PEM (borrowed), for tests and for showing. */
const char		*tlswrap_pki_intermediate_pem(
			    const struct tlswrap_pki *);

/* A certificate and its key, with the chain the kind sends.  The pki
 * must outlive it. */
struct tlswrap_cred	*tlswrap_cred_new(struct tlswrap_pki *,
			    const struct tlswrap_cred_spec *, char **err);
void			 tlswrap_cred_free(struct tlswrap_cred *);
/* The leaf in PEM (borrowed), for tests and for showing. */
const char		*tlswrap_cred_pem(const struct tlswrap_cred *);

/* opts may be NULL (defaults).  The cred must outlive the config. */
struct tlswrap_srv_config *tlswrap_srv_config_new(const struct tlswrap_cred *,
			    const struct tlswrap_srv_opts *, char **err);
void			 tlswrap_srv_config_free(struct tlswrap_srv_config *);

/* A server session on an accepted non-blocking fd (not owned).  tr may be
 * NULL; its lines are written from the server's side. */
struct tlswrap		*tlswrap_srv_new(struct tlswrap_srv_config *, int fd,
			    struct transcript *tr, uint64_t t0_us);

/* A client configuration that trusts the CA certificates in ca_pem only
 * (never the system store), otherwise as tlswrap_config_new(). */
struct tlswrap_config	*tlswrap_config_new_pem(const char *ca_pem,
			    char **err);

#endif

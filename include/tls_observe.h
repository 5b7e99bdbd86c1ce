/* SPDX-License-Identifier: ISC */
#ifndef mailports_TLS_OBSERVE_H
#define mailports_TLS_OBSERVE_H

#include <stdbool.h>
#include <stddef.h>

/* A pure parser of the TLS bytes going past one client connection: the
 * record layer in both directions, the plaintext handshake messages of
 * the server, our own ClientHello.  No TLS library, no I/O, no transcript:
 * it keeps what it concluded (struct tls_observe_seen) and queues events
 * for the caller to log.  Every input byte is hostile; all state is
 * bounded. */

struct tls_observe;

#define TLS_OBSERVE_PLAIN_MAX	512	/* plaintext bytes kept */
#define TLS_OBSERVE_SNI_MAX	255	/* SNI bytes kept in an event */

/* What the bytes have shown so far.  Versions and groups are wire values
 * (0x0303 is TLS 1.2), 0 while unknown. */
struct tls_observe_seen {
	bool		 got_first;	/* the server sent a byte */
	bool		 plain;		/* its first byte was no TLS record
					 * type: it speaks plaintext */
	unsigned	 first_ver;	/* version of its first record */
	unsigned	 sh_version;	/* version its ServerHello chose
					 * (supported_versions counted) */
	bool		 legacy;	/* that version is SSL 3.0 to TLS 1.1 */
	unsigned	 group;		/* key exchange group (ServerHello
					 * key_share, TLS 1.2 ECDHE
					 * ServerKeyExchange) */
	unsigned	 signature;	/* signature scheme of a TLS 1.2
					 * ServerKeyExchange (RFC 5246 7.4.3,
					 * RFC 8422 5.4) */
	bool		 cert_req;	/* a client certificate was asked
					 * for */
	bool		 server_ccs;	/* server sent ChangeCipherSpec:
					 * later records are encrypted */
	int		 alert_level;	/* of alert_desc: 1 warning, 2 fatal */
	int		 alert_desc;	/* last plaintext alert, -1 */
	bool		 alert_hidden;	/* an encrypted record (possibly an
					 * alert) came after it */
	bool		 hs_split;	/* a server handshake record ended
					 * inside a message header, or was
					 * empty (RFC 8446 5.1) */
	size_t		 hs_split_len;	/* length of that record */
	unsigned	 hs_type;	/* last plaintext handshake message
					 * the server began */
	size_t		 hs_len;	/* its body length as declared */
	bool		 hs_partial;	/* its body has not all arrived */
	bool		 reneg;		/* a handshake record after a TLS 1.2
					 * handshake: HelloRequest */
	size_t		 out_enc_hs;	/* encrypted records we sent during
					 * the handshake */
	size_t		 events_dropped; /* events past the queue's cap */
};

/* What the caller logs, in the order seen. */
enum tls_observe_ev {
	TLS_OBS_CLIENT_HELLO,	/* our ClientHello went out */
	TLS_OBS_HELLO_RETRY,	/* HelloRetryRequest; value: group */
	TLS_OBS_LEGACY_HELLO,	/* ServerHello chose value, a version
				 * below TLS 1.2 */
	TLS_OBS_CERT_REQUEST,	/* server asked for a client certificate */
	TLS_OBS_ALERT		/* plaintext alert; level, value: the
				 * description */
};

struct tls_observe_event {
	enum tls_observe_ev	 type;		/* what happened */
	unsigned		 value;		/* group, version, alert */
	unsigned		 level;		/* alert level */
	bool			 parsed;	/* ClientHello: understood */
	bool			 has_sni;	/* ClientHello: server_name */
	size_t			 len;		/* ClientHello: bytes */
	unsigned char		 sni[TLS_OBSERVE_SNI_MAX]; /* its host name
						 * (raw bytes) */
	size_t			 sni_len;	/* bytes in sni */
};

struct tls_observe	*tls_observe_new(void);
void			 tls_observe_free(struct tls_observe *);

/* Bytes received from the server, in order, in any pieces.  Returns
 * false once the server has shown itself to speak plaintext (its first
 * byte is no record type, RFC 8446 5.1): from then on bytes are kept as
 * plaintext (tls_observe_get_plain()) until the first line or
 * TLS_OBSERVE_PLAIN_MAX bytes. */
bool			 tls_observe_in(struct tls_observe *,
			    const void *, size_t);
/* Bytes we sent, in order, in any pieces. */
void			 tls_observe_out(struct tls_observe *,
			    const void *, size_t);
/* The handshake completed with version (wire value): client bytes stop
 * mattering; a handshake record from a TLS 1.2 server is a renegotiation
 * request from now on.  For TLS 1.3, two or more encrypted records of
 * ours mean we answered a CertificateRequest (RFC 8446 4.4.2). */
void			 tls_observe_established(struct tls_observe *,
			    unsigned version);

/* Borrowed; valid until the next call on the observer. */
const struct tls_observe_seen *tls_observe_get_seen(
			    const struct tls_observe *);
/* The oldest queued event into *ev (false when there is none). */
bool			 tls_observe_next_event(struct tls_observe *,
			    struct tls_observe_event *ev);
/* The plaintext the server sent instead of TLS (borrowed, NUL-terminated
 * at n, at most TLS_OBSERVE_PLAIN_MAX bytes); false if it spoke TLS. */
bool			 tls_observe_get_plain(const struct tls_observe *,
			    const unsigned char **p, size_t *n);
/* Bytes of plaintext still wanted: 0 once a line ended or the buffer is
 * full (or the server speaks TLS). */
size_t			 tls_observe_plain_room(const struct tls_observe *);
/* The certificates of the server's last plaintext Certificate message
 * (TLS 1.2, RFC 5246 7.4.2; at most its first 64 KiB): start with *pos
 * 0; each call yields one DER certificate (borrowed) and false at the end
 * or at a length that does not fit. */
bool			 tls_observe_next_cert(const struct tls_observe *,
			    size_t *pos, const unsigned char **der,
			    size_t *len);

/* Words for wire values.  RFC 8446 6 alert descriptions ("handshake
 * failure"), NULL if unknown. */
const char		*tls_observe_alert_words(int);
/* "TLS 1.2", "SSL 3.0", "an unknown version". */
const char		*tls_observe_version_name(unsigned);
/* SSL 3.0, TLS 1.0 and TLS 1.1: what a legacy-only server chooses. */
bool			 tls_observe_is_legacy(unsigned);
/* IANA names ("x25519", "rsa_pss_rsae_sha256"), else "0x%04x". */
void			 tls_observe_group_name(unsigned, char *, size_t);
void			 tls_observe_signature_name(unsigned, char *, size_t);

#endif

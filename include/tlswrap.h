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

#endif

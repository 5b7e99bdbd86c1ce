/* SPDX-License-Identifier: ISC */
/*
 * mbedTLS client side: the shared configuration, one session per probe with
 * BIO callbacks onto a non-blocking socket, the handshake step and the TLS
 * facts.  Every mbedTLS call is here; the BIO callbacks feed the bytes
 * going past to the observer (tls_observe.c, a pure parser) and log what it
 * saw, so that failures can be named.  Never blocks, never prints, never
 * uses mbedtls_net_*.  The few reads of private mbedTLS fields (an encrypted
 * alert's description, the chain of a failed TLS 1.3 handshake, the size of
 * an oversized message, multi-valued RDNs) sit in one block compiled only
 * for the 3.6 layout they were checked against (TLSWRAP_36_LAYOUT).
 */
#include "config.h"

#include "tlswrap.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>	/* MBEDTLS_ERR_NET_* codes only */
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/rsa.h>
#include <mbedtls/ssl.h>
#include <mbedtls/ssl_ticket.h>
#include <mbedtls/version.h>
#include <mbedtls/x509.h>
#include <mbedtls/x509_crt.h>
#include <psa/crypto.h>

#include "facts.h"
#include "sock.h"
#include "tls_observe.h"
#include "transcript.h"
#include "xmalloc.h"

/* 3.6.6 rejects valid TLS 1.2 RSA-PSS handshakes (Mbed-TLS issue 10668) and
 * carries 16 CVEs fixed in 3.6.7; 4.x changes the API (docs/hacking.md,
 * "Moving to mbedTLS 4").  configure checks the same range. */
#if !defined(MBEDTLS_VERSION_NUMBER) || MBEDTLS_VERSION_NUMBER < 0x03060700
#error "mbedTLS 3.6.7 or later needed (3.6.6 fails TLS 1.2 RSA-PSS, 16 CVEs)"
#endif
#if MBEDTLS_VERSION_NUMBER >= 0x04000000
#error "mbedTLS 4.x is not supported yet (docs/hacking.md); use 3.6.7+"
#endif
/* The private fields read below were checked against the 3.6 LTS layout
 * (3.6.7).  Any other minor version gets the fallbacks: encrypted alerts
 * unnamed, no chain facts for a failed TLS 1.3 handshake, no size for an
 * oversized TLS 1.3 message, multi-valued RDNs shown as separate ones. */
#if MBEDTLS_VERSION_NUMBER >= 0x03060700 && MBEDTLS_VERSION_NUMBER < 0x03070000
#define TLSWRAP_36_LAYOUT	1
#endif

#define TLSWRAP_SAN_MAX		100	/* SAN entries kept per certificate */
#define TLSWRAP_RETRY		16	/* immediate retries per call */
#define TLSWRAP_DN_VALUE_MAX	256	/* bytes of one DN value kept */

/* Handshake message types and alert descriptions the failure words need
 * (RFC 8446 4, 6; RFC 5246 7.2, 7.4).  Everything else on the wire is
 * tls_observe.c's. */
#define HS_CERTIFICATE		11
#define ALERT_HANDSHAKE_FAILURE	40
#define ALERT_NO_CERTIFICATE	41
#define ALERT_BAD_CERTIFICATE	42
#define ALERT_PROTOCOL_VERSION	70
#define ALERT_CERT_REQUIRED	116

/* The random generator of a client or server configuration and of the
 * demo PKI: tlswrap_rng_init() and tlswrap_rng_free(). */
struct tlswrap_rng {
	mbedtls_entropy_context	 entropy;	/* seeds drbg */
	mbedtls_ctr_drbg_context drbg;		/* the generator */
};

struct tlswrap_config {
	mbedtls_ssl_config	 conf;		/* shared by all sessions */
	struct tlswrap_rng	 rng;		/* the RNG of conf */
	mbedtls_x509_crt	 ca;		/* trust anchors */
};

struct tlswrap {
	struct tlswrap_config	*cfg;		/* not owned; NULL for a
						 * server session */
	struct tlswrap_srv_config *scfg;	/* not owned; server only */
	mbedtls_ssl_context	 ssl;		/* the session */
	int			 fd;		/* not owned */
	char			*host;		/* as given */
	char			*vhost;		/* IP literal for verification,
						 * NULL for names */
	struct transcript	*tr;		/* not owned; may be NULL */
	uint64_t		 t0_us;		/* transcript time base */

	bool			 attempted;	/* handshake started */
	bool			 established;	/* handshake completed */
	bool			 failed;	/* fatal error seen */
	bool			 at_eof;	/* peer closed (EOF result) */
	const char		*close;		/* how the peer closed, for the
						 * facts (tls_facts.close) */
	int			 error;		/* mbedTLS code of failure */
	char			*failure;	/* words for the failure */
	bool			 legacy;	/* fails like a TLS 1.0/1.1-only
						 * server (also from how) */

	/* What the BIO callbacks see: the wire is followed by the
	 * observer, the socket errors are ours. */
	struct tls_observe	*obs;		/* records in both directions */
	int			 sys_errno;	/* of a failed recv/send */
	bool			 plain_done;	/* plaintext collection over */
	size_t			 ev_dropped;	/* observer events dropped that
						 * were noted */
	mbedtls_x509_crt	 fchain;	/* chain of a failed
						 * handshake */
	size_t			 fchain_n;	/* certificates received */

	/* Server sessions: the observer is fed the other way round (what
	 * the client sends goes in as "ours"), so that it keeps reading
	 * the connection from the client's side. */
	bool			 server;
	bool			 ch_seen;	/* ClientHello received */
	bool			 alert_sent;	/* misbehaviour done */
	bool			 req_cert;	/* a client certificate is
						 * asked for */
};

static bool	tlswrap_psa_ready;

static uint64_t
tlswrap_now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t
tlswrap_t(const struct tlswrap *tw)
{
	uint64_t	now = tlswrap_now_us();

	return now > tw->t0_us ? now - tw->t0_us : 0;
}

static void
tlswrap_note(struct tlswrap *tw, int flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One TR_TLS event; the transcript is optional. */
static void
tlswrap_note(struct tlswrap *tw, int flags, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 n;

	if (tw->tr == NULL)
		return;
	va_start(ap, fmt);
	n = xvasprintf(&s, fmt, ap);
	va_end(ap);
	transcript_add(tw->tr, tlswrap_t(tw), TR_TLS, TR_SEC_NONE, flags, s,
	    (size_t)n);
	free(s);
}

static void
tlswrap_strerror(int ret, char *buf, size_t len)
{
	mbedtls_strerror(ret, buf, len);
	if (buf[0] == '\0')
		snprintf(buf, len, "unknown error");
}

static void
tlswrap_set_err(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tlswrap_set_err(char **err, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	(void)xvasprintf(err, fmt, ap);
	va_end(ap);
}

/* Configuration. */

/* Why a CA file or directory gave no certificate, in our words (never
 * the library's "X509 - The CRT/CRL/CSR format is invalid"): ret is what
 * mbedtls_x509_crt_parse_file() or _path() returned.  An mbedTLS code is
 * a high-level part (PEM, X509, PK) plus a low-level one (ASN.1,
 * base64). */
static void
tlswrap_ca_err(char **err, const char *name, bool dir, int ret)
{
	static const struct {
		int		 code;
		const char	*part;
	} parts[] = {
		{ MBEDTLS_ERR_X509_INVALID_VERSION, "its version" },
		{ MBEDTLS_ERR_X509_INVALID_SERIAL, "its serial number" },
		{ MBEDTLS_ERR_X509_INVALID_ALG, "its algorithm" },
		{ MBEDTLS_ERR_X509_INVALID_NAME, "a name" },
		{ MBEDTLS_ERR_X509_INVALID_DATE, "a date" },
		{ MBEDTLS_ERR_X509_INVALID_SIGNATURE, "its signature" },
		{ MBEDTLS_ERR_X509_INVALID_EXTENSIONS, "an extension" },
		{ MBEDTLS_ERR_X509_UNKNOWN_VERSION, "its version" },
		{ MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, "its signature "
		    "algorithm" },
		{ MBEDTLS_ERR_X509_SIG_MISMATCH, "its signature algorithm" },
		{ MBEDTLS_ERR_X509_UNKNOWN_OID, "an unknown object "
		    "identifier" },
		{ MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE, "a feature this "
		    "build lacks" }
	};
	const char	*opt = dir ? "--ca-path" : "--ca-file";
	int		 high = ret < 0 ? -(-ret & 0xff80) : 0;
	int		 low = ret < 0 ? -(-ret & 0x007f) : 0;
	size_t		 i;

	if (ret >= 0 || high == MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT ||
	    high == MBEDTLS_ERR_X509_INVALID_FORMAT || (high == 0 &&
	    low != MBEDTLS_ERR_ASN1_ALLOC_FAILED)) {
		tlswrap_set_err(err, "%s %s: no certificate could be read%s "
		    "(not PEM or DER)", opt, name, dir ? " from its files" :
		    "");
		return;
	}
	if (high == MBEDTLS_ERR_X509_ALLOC_FAILED ||
	    high == MBEDTLS_ERR_PEM_ALLOC_FAILED ||
	    high == MBEDTLS_ERR_PK_ALLOC_FAILED ||
	    low == MBEDTLS_ERR_ASN1_ALLOC_FAILED) {
		tlswrap_set_err(err, "%s %s: out of memory reading the "
		    "certificates", opt, name);
		return;
	}
	if (high == MBEDTLS_ERR_X509_FILE_IO_ERROR ||
	    high == MBEDTLS_ERR_PK_FILE_IO_ERROR) {
		tlswrap_set_err(err, "%s %s: cannot be read", opt, name);
		return;
	}
	if (high == MBEDTLS_ERR_PEM_INVALID_DATA) {
		tlswrap_set_err(err, "%s %s: a PEM certificate block is "
		    "damaged (not valid base64, or cut short)", opt, name);
		return;
	}
	if (high <= MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT &&
	    high >= MBEDTLS_ERR_PEM_BAD_INPUT_DATA) {
		tlswrap_set_err(err, "%s %s: a PEM block cannot be read "
		    "(encrypted or malformed)", opt, name);
		return;
	}
	for (i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if (parts[i].code == high) {
			tlswrap_set_err(err, "%s %s: a certificate cannot be "
			    "parsed (%s is malformed or unsupported)", opt,
			    name, parts[i].part);
			return;
		}
	}
	tlswrap_set_err(err, "%s %s: no certificate could be read (mbedTLS "
	    "error -0x%04x)", opt, name, (unsigned)-ret);
}

/* Add the certificates of a CA file (dir false) or directory (dir true);
 * fine if at least one parses. */
static int
tlswrap_load(mbedtls_x509_crt *ca, const char *name, bool dir, char **err)
{
	int	ret;

	if (access(name, dir ? R_OK | X_OK : R_OK) != 0) {
		tlswrap_set_err(err, "%s %s: %s", dir ? "--ca-path" :
		    "--ca-file", name, strerror(errno));
		return -1;
	}
	/* > 0: that many certificates did not parse. */
	ret = dir ? mbedtls_x509_crt_parse_path(ca, name) :
	    mbedtls_x509_crt_parse_file(ca, name);
	if (ret < 0 || ca->version == 0) {
		tlswrap_ca_err(err, name, dir, ret);
		return -1;
	}
	return 0;
}

static int
tlswrap_load_file(mbedtls_x509_crt *ca, const char *file, char **err)
{
	return tlswrap_load(ca, file, false, err);
}

static int
tlswrap_load_path(mbedtls_x509_crt *ca, const char *path, char **err)
{
	return tlswrap_load(ca, path, true, err);
}

/* The usual places of the system trust store (Debian, Fedora, Alpine,
 * BSD); the first that yields a certificate wins. */
static int
tlswrap_load_system(mbedtls_x509_crt *ca, char **err)
{
	static const char *const files[] = {
		"/etc/ssl/certs/ca-certificates.crt",
		"/etc/pki/tls/certs/ca-bundle.crt",
		"/etc/ssl/cert.pem"
	};
	size_t	i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		if (access(files[i], R_OK) != 0)
			continue;
		if (mbedtls_x509_crt_parse_file(ca, files[i]) >= 0 &&
		    ca->version != 0)
			return 0;
		mbedtls_x509_crt_free(ca);
		mbedtls_x509_crt_init(ca);
	}
	if (access("/etc/ssl/certs", R_OK | X_OK) == 0 &&
	    mbedtls_x509_crt_parse_path(ca, "/etc/ssl/certs") >= 0 &&
	    ca->version != 0)
		return 0;
	tlswrap_set_err(err, "no system CA certificates found (tried "
	    "/etc/ssl/certs/ca-certificates.crt, "
	    "/etc/pki/tls/certs/ca-bundle.crt, /etc/ssl/cert.pem and "
	    "/etc/ssl/certs); give a CA file or directory.");
	return -1;
}

/* psa_crypto_init() once per process (TLS 1.3 and the PSA-backed
 * primitives need it). */
static int
tlswrap_psa_init(char **err)
{
	psa_status_t	st;

	if (tlswrap_psa_ready)
		return 0;
	st = psa_crypto_init();
	if (st != PSA_SUCCESS) {
		tlswrap_set_err(err, "cannot initialise PSA crypto (status "
		    "%d).", (int)st);
		return -1;
	}
	tlswrap_psa_ready = true;
	return 0;
}

/* A CTR-DRBG seeded from the system entropy, after PSA (which the
 * configurations and keys made with it need).  rng is always left safe
 * for tlswrap_rng_free(), also on failure (-1, *err set). */
static int
tlswrap_rng_init(struct tlswrap_rng *rng, char **err)
{
	static const unsigned char	pers[] = "mailports";
	char				ebuf[128];
	int				ret;

	mbedtls_entropy_init(&rng->entropy);
	mbedtls_ctr_drbg_init(&rng->drbg);
	if (tlswrap_psa_init(err) != 0)
		return -1;
	ret = mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func,
	    &rng->entropy, pers, sizeof pers - 1);
	if (ret != 0) {
		tlswrap_strerror(ret, ebuf, sizeof ebuf);
		tlswrap_set_err(err, "cannot seed the random generator: %s.",
		    ebuf);
		return -1;
	}
	return 0;
}

static void
tlswrap_rng_free(struct tlswrap_rng *rng)
{
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
}

/* The defaults of a client or server configuration (endpoint is
 * MBEDTLS_SSL_IS_*) with rng as its generator; -1 with *err set. */
static int
tlswrap_conf_defaults(mbedtls_ssl_config *conf, int endpoint,
    struct tlswrap_rng *rng, char **err)
{
	char	ebuf[128];
	int	ret;

	ret = mbedtls_ssl_config_defaults(conf, endpoint,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	if (ret != 0) {
		tlswrap_strerror(ret, ebuf, sizeof ebuf);
		tlswrap_set_err(err, "cannot set up TLS defaults: %s.", ebuf);
		return -1;
	}
	mbedtls_ssl_conf_rng(conf, mbedtls_ctr_drbg_random, &rng->drbg);
	return 0;
}

/* Everything of a client configuration but its trust anchors. */
static struct tlswrap_config *
tlswrap_config_base(char **err)
{
	struct tlswrap_config	*cfg;

	if (err != NULL)
		*err = NULL;
	cfg = xcalloc(1, sizeof *cfg);
	mbedtls_ssl_config_init(&cfg->conf);
	mbedtls_x509_crt_init(&cfg->ca);
	if (tlswrap_rng_init(&cfg->rng, err) != 0 ||
	    tlswrap_conf_defaults(&cfg->conf, MBEDTLS_SSL_IS_CLIENT,
	    &cfg->rng, err) != 0)
		goto fail;
	mbedtls_ssl_conf_min_tls_version(&cfg->conf,
	    MBEDTLS_SSL_VERSION_TLS1_2);
	mbedtls_ssl_conf_max_tls_version(&cfg->conf,
	    MBEDTLS_SSL_VERSION_TLS1_3);
	/* OPTIONAL: finish the handshake so every problem can be named;
	 * the verdict, not the handshake, decides trust. */
	mbedtls_ssl_conf_authmode(&cfg->conf, MBEDTLS_SSL_VERIFY_OPTIONAL);
#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_CLI_C)
	/* A probe never resumes: no TLS 1.2 tickets.  TLS 1.3
	 * NewSessionTicket signalling stays off (the 3.6 default), so the
	 * library drops them instead of returning RECEIVED_NEW_SESSION_TICKET
	 * (which is still absorbed if it ever comes). */
	mbedtls_ssl_conf_session_tickets(&cfg->conf,
	    MBEDTLS_SSL_SESSION_TICKETS_DISABLED);
#endif
	return cfg;

fail:
	tlswrap_config_free(cfg);
	return NULL;
}

struct tlswrap_config *
tlswrap_config_new(const char *ca_file, const char *ca_path, char **err)
{
	struct tlswrap_config	*cfg;

	cfg = tlswrap_config_base(err);
	if (cfg == NULL)
		return NULL;
	if (ca_file != NULL) {
		if (tlswrap_load_file(&cfg->ca, ca_file, err) != 0)
			goto fail;
	}
	if (ca_path != NULL) {
		if (tlswrap_load_path(&cfg->ca, ca_path, err) != 0)
			goto fail;
	}
	if (ca_file == NULL && ca_path == NULL) {
		if (tlswrap_load_system(&cfg->ca, err) != 0)
			goto fail;
	}
	mbedtls_ssl_conf_ca_chain(&cfg->conf, &cfg->ca, NULL);
	return cfg;

fail:
	tlswrap_config_free(cfg);
	return NULL;
}

struct tlswrap_config *
tlswrap_config_new_pem(const char *ca_pem, char **err)
{
	struct tlswrap_config	*cfg;
	int			 ret;

	cfg = tlswrap_config_base(err);
	if (cfg == NULL)
		return NULL;
	/* PEM input includes its terminating NUL for the parser. */
	ret = ca_pem == NULL ? -1 : mbedtls_x509_crt_parse(&cfg->ca,
	    (const unsigned char *)ca_pem, strlen(ca_pem) + 1);
	if (ret != 0 || cfg->ca.version == 0) {
		tlswrap_set_err(err, "the CA certificate given in memory "
		    "does not parse as PEM.");
		tlswrap_config_free(cfg);
		return NULL;
	}
	mbedtls_ssl_conf_ca_chain(&cfg->conf, &cfg->ca, NULL);
	return cfg;
}

void
tlswrap_config_free(struct tlswrap_config *cfg)
{
	if (cfg == NULL)
		return;
	mbedtls_ssl_config_free(&cfg->conf);
	mbedtls_x509_crt_free(&cfg->ca);
	tlswrap_rng_free(&cfg->rng);
	free(cfg);
}

const char *
tlswrap_runtime_version(void)
{
	static char	buf[64];

	if (buf[0] == '\0')
		mbedtls_version_get_string_full(buf);
	return buf;
}

/* A server session's observer reads the connection from the client's
 * side: its "ClientHello sent" is one we received, its alerts received
 * are ones we sent. */
static void
tlswrap_srv_event(struct tlswrap *tw, const struct tls_observe_event *ev)
{
	const char	*w;
	char		 name[32];

	switch (ev->type) {
	case TLS_OBS_CLIENT_HELLO:
		tw->ch_seen = true;
		if (ev->parsed && ev->has_sni)
			tlswrap_note(tw, 0, "ClientHello received, SNI %.*s",
			    (int)ev->sni_len, (const char *)ev->sni);
		else
			tlswrap_note(tw, 0, "ClientHello received (%zu bytes"
			    "%s)", ev->len, ev->parsed ? ", no SNI" : "");
		break;
	case TLS_OBS_HELLO_RETRY:
		tls_observe_group_name(ev->value, name, sizeof name);
		tlswrap_note(tw, 0, "HelloRetryRequest sent: group %s", name);
		break;
	case TLS_OBS_LEGACY_HELLO:
		break;
	case TLS_OBS_CERT_REQUEST:
		tlswrap_note(tw, 0, "client certificate requested");
		break;
	case TLS_OBS_ALERT:
		w = tls_observe_alert_words((int)ev->value);
		tlswrap_note(tw, 0, "alert sent: %s %s (%u)",
		    ev->level == 2 ? "fatal" : "warning",
		    w != NULL ? w : "unknown", ev->value);
		break;
	}
}

/* What the observer saw, into the transcript. */
static void
tlswrap_obs_events(struct tlswrap *tw)
{
	const struct tls_observe_seen	*seen;
	struct tls_observe_event	 ev;
	const char			*w;
	char				 name[32];

	while (tls_observe_next_event(tw->obs, &ev)) {
		if (tw->server) {
			tlswrap_srv_event(tw, &ev);
			continue;
		}
		switch (ev.type) {
		case TLS_OBS_CLIENT_HELLO:
			if (!ev.parsed)
				tlswrap_note(tw, 0, "ClientHello sent (%zu "
				    "bytes)", ev.len);
			else if (ev.has_sni)
				tlswrap_note(tw, 0, "ClientHello sent, SNI "
				    "%.*s", (int)ev.sni_len,
				    (const char *)ev.sni);
			else
				tlswrap_note(tw, 0, "ClientHello sent, no "
				    "SNI%s", tw->vhost != NULL ?
				    " (IP literal)" : "");
			break;
		case TLS_OBS_HELLO_RETRY:
			tls_observe_group_name(ev.value, name, sizeof name);
			tlswrap_note(tw, 0, "HelloRetryRequest: server wants "
			    "group %s", name);
			break;
		case TLS_OBS_LEGACY_HELLO:
			tlswrap_note(tw, TR_F_ERROR, "ServerHello: server "
			    "chose %s (legacy protocol)",
			    tls_observe_version_name(ev.value));
			break;
		case TLS_OBS_CERT_REQUEST:
			tlswrap_note(tw, 0, "server requested a client "
			    "certificate; none sent");
			break;
		case TLS_OBS_ALERT:
			w = tls_observe_alert_words((int)ev.value);
			tlswrap_note(tw, ev.level == 2 ? TR_F_ERROR : 0,
			    "alert received: %s %s (%u)",
			    ev.level == 2 ? "fatal" : "warning",
			    w != NULL ? w : "unknown", ev.value);
			break;
		}
	}
	seen = tls_observe_get_seen(tw->obs);
	if (seen->events_dropped > tw->ev_dropped) {
		tlswrap_note(tw, 0, "%zu more TLS events not shown",
		    seen->events_dropped - tw->ev_dropped);
		tw->ev_dropped = seen->events_dropped;
	}
}

/* BIO callbacks: the socket, and every byte past the observer. */

static int
tlswrap_bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tlswrap	*tw = ctx;
	ssize_t		 n;

	do {
		n = send(tw->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_WRITE;
		tw->sys_errno = errno;
		if (errno == ECONNRESET || errno == EPIPE)
			return MBEDTLS_ERR_NET_CONN_RESET;
		return MBEDTLS_ERR_NET_SEND_FAILED;
	}
	if (tw->server)
		(void)tls_observe_in(tw->obs, buf, (size_t)n);
	else
		tls_observe_out(tw->obs, buf, (size_t)n);
	tlswrap_obs_events(tw);
	return (int)n;
}

/* The plaintext into the transcript as server lines, the way pingpong
 * records them: without the line end, flagged like any other line; an
 * unterminated rest is marked cut. */
static void
tlswrap_plain_lines(struct tlswrap *tw)
{
	const unsigned char	*p, *end, *nl;
	size_t			 len, i, n;
	uint64_t		 t;
	int			 flags;

	if (tw->tr == NULL || !tls_observe_get_plain(tw->obs, &p, &n))
		return;
	t = tlswrap_t(tw);
	end = p + n;
	while (p < end) {
		flags = 0;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL) {
			len = (size_t)(end - p);
			flags |= TR_F_CUT;
		} else {
			len = (size_t)(nl - p);
			if (len > 0 && p[len - 1] == '\r')
				len--;
			else
				flags |= TR_F_BARE_LF;
		}
		for (i = 0; i < len; i++) {
			if (p[i] == '\0')
				flags |= TR_F_NUL;
			if (p[i] == '\r')
				flags |= TR_F_BARE_CR;
		}
		transcript_add(tw->tr, t, TR_SERVER, TR_SEC_PLAIN, flags, p,
		    len);
		p = nl == NULL ? end : nl + 1;
	}
}

/* The server answered a ClientHello with text: keep the first line (at
 * most TLS_OBSERVE_PLAIN_MAX bytes) to show, then fail the handshake. */
static int
tlswrap_plain_more(struct tlswrap *tw)
{
	unsigned char	buf[TLS_OBSERVE_PLAIN_MAX];
	size_t		room;
	ssize_t		n;

	while (!tw->plain_done &&
	    (room = tls_observe_plain_room(tw->obs)) > 0) {
		n = recv(tw->fd, buf, room, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return MBEDTLS_ERR_SSL_WANT_READ;
		if (n <= 0)
			break;
		(void)tls_observe_in(tw->obs, buf, (size_t)n);
	}
	if (!tw->plain_done) {
		tw->plain_done = true;
		tlswrap_plain_lines(tw);
	}
	return MBEDTLS_ERR_SSL_INVALID_RECORD;
}

static int
tlswrap_bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tlswrap	*tw = ctx;
	ssize_t		 n;
	bool		 tls;

	if (!tw->server && tls_observe_get_seen(tw->obs)->plain)
		return tlswrap_plain_more(tw);
	do {
		n = recv(tw->fd, buf, len, MSG_DONTWAIT);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return MBEDTLS_ERR_SSL_WANT_READ;
		tw->sys_errno = errno;
		if (errno == ECONNRESET)
			return MBEDTLS_ERR_NET_CONN_RESET;
		return MBEDTLS_ERR_NET_RECV_FAILED;
	}
	if (n == 0)
		return 0;
	sock_quickack(tw->fd);
	if (tw->server) {
		tls_observe_out(tw->obs, buf, (size_t)n);
		tlswrap_obs_events(tw);
		return (int)n;
	}
	tls = tls_observe_in(tw->obs, buf, (size_t)n);
	tlswrap_obs_events(tw);
	if (!tls)
		return tlswrap_plain_more(tw);
	return (int)n;
}

/* Name checks (RFC 9525 6.3, 6.4; OpenSSL's X509_check_host() and
 * X509_check_ip() where RFC 9525 leaves room), done here for every session
 * instead of by mbedTLS, whose 3.6 matcher lets "*.com" match "foo.com" and
 * compares an IP target with dNSName entries. */

/* Well-known public suffixes of more than one label: "*.co.uk" is refused
 * like "*.com".  Not the Public Suffix List (thousands of entries that
 * change), only the common second-level registries. */
static const char *const tlswrap_multi_suffixes[] = {
	"ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "org.uk",
	"plc.uk", "com.au", "net.au", "org.au", "edu.au", "gov.au",
	"co.nz", "net.nz", "org.nz", "co.jp", "ne.jp", "or.jp", "ac.jp",
	"go.jp", "co.kr", "or.kr", "co.in", "net.in", "org.in", "co.za",
	"org.za", "com.br", "net.br", "org.br", "com.cn", "net.cn", "org.cn",
	"com.mx", "com.ar", "com.tr", "com.tw", "com.hk", "com.sg", "com.my",
	"co.id", "co.il", "co.th", "com.ua", "com.pl", "com.es", "co.at",
	"or.at", "gv.at"
};

static bool
tlswrap_ieq(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t		i;
	unsigned char	x, y;

	for (i = 0; i < n; i++) {
		x = a[i];
		y = b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return false;
	}
	return true;
}

static bool
tlswrap_is_multi_suffix(const unsigned char *p, size_t n)
{
	size_t	i;

	for (i = 0; i < sizeof tlswrap_multi_suffixes /
	    sizeof tlswrap_multi_suffixes[0]; i++) {
		if (strlen(tlswrap_multi_suffixes[i]) == n &&
		    tlswrap_ieq(p, (const unsigned char *)
		    tlswrap_multi_suffixes[i], n))
			return true;
	}
	return false;
}

/* One presented DNS identifier (a dNSName, or a CN) against the reference
 * name host (no trailing dot, not empty).  A wildcard counts only as the
 * whole left-most label ("*.example.com"), stands for exactly one
 * non-empty label, and needs at least two labels after it that are not a
 * known public suffix; "f*.example.com", "xn--*.example.com" and "*.*"
 * never match (RFC 9525 6.3; OpenSSL accepts partial wildcards).  ASCII
 * case is ignored; bytes are compared, so an embedded NUL never matches. */
static bool
tlswrap_dns_match(const unsigned char *pat, size_t plen, const char *host)
{
	const unsigned char	*h = (const unsigned char *)host, *sfx;
	const unsigned char	*dot;
	size_t			 hlen = strlen(host), slen, i;

	if (plen == 0 || hlen == 0)
		return false;
	if (memchr(pat, '*', plen) == NULL)
		return plen == hlen && tlswrap_ieq(pat, h, plen);
	if (plen < 3 || pat[0] != '*' || pat[1] != '.')
		return false;
	sfx = pat + 2;
	slen = plen - 2;
	if (memchr(sfx, '*', slen) != NULL)
		return false;
	/* Two labels at least, none empty, no trailing dot. */
	dot = memchr(sfx, '.', slen);
	if (dot == NULL || dot == sfx || sfx[slen - 1] == '.')
		return false;
	for (i = 1; i < slen; i++) {
		if (sfx[i] == '.' && sfx[i - 1] == '.')
			return false;
	}
	if (tlswrap_is_multi_suffix(sfx, slen))
		return false;
	/* host = one non-empty label + "." + suffix. */
	dot = memchr(h, '.', hlen);
	if (dot == NULL || dot == h)
		return false;
	i = (size_t)(dot - h) + 1;
	return hlen - i == slen && tlswrap_ieq(h + i, sfx, slen);
}

/* The leaf against host, which is either a DNS name or (ip non-NULL) an
 * address of iplen 4 or 16 bytes.  IP targets match iPAddress entries
 * only, never a dNSName or the CN (RFC 9525 6.3); the CN is a fallback
 * only when no dNSName is present at all, as in OpenSSL. */
static bool
tlswrap_name_ok(const mbedtls_x509_crt *crt, const char *host,
    const unsigned char *ip, size_t iplen)
{
	const mbedtls_x509_sequence		*seq;
	const mbedtls_x509_name			*nm;
	mbedtls_x509_subject_alternative_name	 san;
	const mbedtls_x509_buf			*v;
	bool					 dns_seen = false;
	bool					 ok = false;

	for (seq = &crt->subject_alt_names; seq != NULL && seq->buf.p != NULL;
	    seq = seq->next) {
		memset(&san, 0, sizeof san);
		if (mbedtls_x509_parse_subject_alt_name(&seq->buf, &san) != 0)
			continue;
		v = &san.san.unstructured_name;
		if (san.type == MBEDTLS_X509_SAN_DNS_NAME) {
			dns_seen = true;
			if (ip == NULL && tlswrap_dns_match(v->p, v->len, host))
				ok = true;
		} else if (san.type == MBEDTLS_X509_SAN_IP_ADDRESS &&
		    ip != NULL && v->len == iplen &&
		    memcmp(v->p, ip, iplen) == 0)
			ok = true;
		mbedtls_x509_free_subject_alt_name(&san);
		if (ok)
			return true;
	}
	if (ip != NULL || dns_seen)
		return false;
	for (nm = &crt->subject; nm != NULL; nm = nm->next) {
		if (nm->oid.p != NULL &&
		    MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &nm->oid) == 0 &&
		    tlswrap_dns_match(nm->val.p, nm->val.len, host))
			return true;
	}
	return false;
}

/* host as an address: 4 or 16 bytes into a, else 0. */
static size_t
tlswrap_addr(const char *host, unsigned char *a)
{
	if (inet_pton(AF_INET, host, a) == 1)
		return 4;
	if (inet_pton(AF_INET6, host, a) == 1)
		return 16;
	return 0;
}

/* The verification callback of every session: at the leaf, replace
 * mbedTLS's name verdict (MBEDTLS_X509_BADCERT_CN_MISMATCH) by ours.
 * For an IP literal no SNI may be sent (RFC 6066 3), so the session has
 * no host name in mbedTLS and only this check runs. */
static int
tlswrap_verify(void *ctx, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
	struct tlswrap	*tw = ctx;
	unsigned char	 a[16];
	size_t		 alen = 0;
	bool		 ok;

	if (depth != 0)
		return 0;
	if (tw->vhost != NULL)
		alen = tlswrap_addr(tw->vhost, a);
	if (tw->vhost != NULL && alen == 0)
		ok = false;
	else
		ok = tlswrap_name_ok(crt, tw->host, alen > 0 ? a : NULL,
		    alen);
	if (ok)
		*flags &= ~(uint32_t)MBEDTLS_X509_BADCERT_CN_MISMATCH;
	else
		*flags |= MBEDTLS_X509_BADCERT_CN_MISMATCH;
	return 0;
}

int
tlswrap_check_name(const void *der, size_t len, const char *host)
{
	mbedtls_x509_crt	 crt;
	unsigned char		 a[16];
	char			*h;
	size_t			 n, alen;
	int			 ret;

	mbedtls_x509_crt_init(&crt);
	if (host == NULL || host[0] == '\0' ||
	    mbedtls_x509_crt_parse_der(&crt, der, len) != 0) {
		mbedtls_x509_crt_free(&crt);
		return -1;
	}
	h = xstrdup(host);
	n = strlen(h);
	if (n > 1 && h[n - 1] == '.' && h[n - 2] != '.')
		h[n - 1] = '\0';
	alen = tlswrap_addr(h, a);
	ret = tlswrap_name_ok(&crt, h, alen > 0 ? a : NULL, alen) ? 1 : 0;
	free(h);
	mbedtls_x509_crt_free(&crt);
	return ret;
}

/* "[::1]" and "fe80::1%eth0" are IP literals too; *out gets the address
 * as inet_pton(3) takes it. */
static bool
tlswrap_ip_literal(const char *host, char **out)
{
	unsigned char	 a[16];
	char		*s, *pct;
	size_t		 n;

	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
		s = xmemdup0(host + 1, n - 2);
	else
		s = xstrdup(host);
	pct = strchr(s, '%');
	if (pct != NULL)
		*pct = '\0';
	if (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1) {
		*out = s;
		return true;
	}
	free(s);
	return false;
}

/* A session's common part, client or server, before its setup. */
static struct tlswrap *
tlswrap_alloc(int fd, const char *host, struct transcript *tr,
    uint64_t t0_us)
{
	struct tlswrap	*tw;

	tw = xcalloc(1, sizeof *tw);
	tw->fd = fd;
	tw->tr = tr;
	tw->t0_us = t0_us;
	tw->obs = tls_observe_new();
	tw->host = xstrdup(host != NULL ? host : "");
	mbedtls_ssl_init(&tw->ssl);
	mbedtls_x509_crt_init(&tw->fchain);
	return tw;
}

/* A session that failed outside the library's handshake steps: words
 * (owned from here on) become its failure and a transcript error. */
static struct tlswrap *
tlswrap_set_failure(struct tlswrap *tw, int ret, char *words)
{
	free(tw->failure);
	tw->failure = words;
	tw->error = ret;
	tw->failed = true;
	tlswrap_note(tw, TR_F_ERROR, "%s", tw->failure);
	return tw;
}

/* The end of a session's setup: ret is what setting it up returned. */
static struct tlswrap *
tlswrap_setup_done(struct tlswrap *tw, int ret)
{
	char	*s;

	if (ret != 0) {
		xasprintf(&s, "TLS setup failed (mbedTLS error -0x%04x)",
		    (unsigned)-ret);
		return tlswrap_set_failure(tw, ret, s);
	}
	mbedtls_ssl_set_bio(&tw->ssl, tw, tlswrap_bio_send, tlswrap_bio_recv,
	    NULL);
	return tw;
}

struct tlswrap *
tlswrap_new(struct tlswrap_config *cfg, int fd, const char *host,
    struct transcript *tr, uint64_t t0_us)
{
	struct tlswrap	*tw;
	size_t		 n;
	int		 ret;

	tw = tlswrap_alloc(fd, host, tr, t0_us);
	tw->cfg = cfg;

	/* Without a name the certificate cannot be checked (rule: always
	 * verify against the name asked about). */
	if (tw->host[0] == '\0')
		return tlswrap_set_failure(tw, MBEDTLS_ERR_SSL_BAD_INPUT_DATA,
		    xstrdup("TLS setup failed: no host name to verify the "
		    "certificate against"));
	/* RFC 6066 3: HostName is sent without a trailing dot; certificates
	 * name hosts without one too. */
	n = strlen(tw->host);
	if (n > 1 && tw->host[n - 1] == '.' && tw->host[n - 2] != '.')
		tw->host[n - 1] = '\0';
	ret = mbedtls_ssl_setup(&tw->ssl, &cfg->conf);
	if (ret == 0) {
		if (tlswrap_ip_literal(tw->host, &tw->vhost))
			ret = mbedtls_ssl_set_hostname(&tw->ssl, NULL);
		else
			ret = mbedtls_ssl_set_hostname(&tw->ssl, tw->host);
		mbedtls_ssl_set_verify(&tw->ssl, tlswrap_verify, tw);
	}
	return tlswrap_setup_done(tw, ret);
}

void
tlswrap_free(struct tlswrap *tw)
{
	if (tw == NULL)
		return;
	mbedtls_ssl_free(&tw->ssl);
	mbedtls_x509_crt_free(&tw->fchain);
	tls_observe_free(tw->obs);
	free(tw->failure);
	free(tw->vhost);
	free(tw->host);
	free(tw);
}

/* Handshake. */

/* Private fields (see the top of the file): only for the 3.6 layout. */
#ifdef TLSWRAP_36_LAYOUT
/* The description of the alert that ended the session.  Plaintext alerts
 * come from the BIO; encrypted ones (TLS 1.3 after ServerHello, TLS 1.2
 * after ChangeCipherSpec) are only readable in the record mbedTLS just
 * decrypted.  3.6 has no getter for it, so the private field is read
 * (guarded by the record type); -1 when unknown. */
static int
tlswrap_last_alert(const struct tlswrap *tw)
{
	const mbedtls_ssl_context	*ssl = &tw->ssl;
	const struct tls_observe_seen	*seen = tls_observe_get_seen(tw->obs);

	if (seen->alert_desc >= 0 && !seen->alert_hidden)
		return seen->alert_desc;
	if (ssl->MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_ALERT &&
	    ssl->MBEDTLS_PRIVATE(in_msg) != NULL &&
	    ssl->MBEDTLS_PRIVATE(in_msglen) >= 2)
		return ssl->MBEDTLS_PRIVATE(in_msg)[1];
	return -1;
}

/* The chain of a handshake that failed: TLS 1.3 keeps it in the session
 * under negotiation (TLS 1.2 frees it; the BIO copy serves there). */
static const mbedtls_x509_crt *
tlswrap_pending_chain(const struct tlswrap *tw)
{
	const mbedtls_ssl_session	*s;

	s = tw->ssl.MBEDTLS_PRIVATE(session_negotiate);
	if (s == NULL)
		return NULL;
	return s->MBEDTLS_PRIVATE(peer_cert);
}

/* The size of the handshake message mbedTLS was reassembling (4-byte
 * header included), and whether it is the server's Certificate: 3.6
 * gathers the fragments after the sequence number and record header
 * slots at the start of in_buf (mbedtls_ssl_prepare_handshake_record). */
static size_t
tlswrap_pending_msg(const struct tlswrap *tw, bool *cert)
{
	const unsigned char	*b = tw->ssl.MBEDTLS_PRIVATE(in_buf);

	*cert = b != NULL && b[8 + 5] == HS_CERTIFICATE;
	return tw->ssl.MBEDTLS_PRIVATE(in_hslen);
}

/* Attributes of one RDN are linked by next_merged (RFC 4514 2.2 "+"). */
static bool
tlswrap_name_merged(const mbedtls_x509_name *nm)
{
	return nm->MBEDTLS_PRIVATE(next_merged) != 0;
}
#else
/* Fallbacks: plaintext alerts only, no TLS 1.3 failure chain, no size. */
static int
tlswrap_last_alert(const struct tlswrap *tw)
{
	const struct tls_observe_seen	*seen = tls_observe_get_seen(tw->obs);

	if (seen->alert_desc >= 0 && !seen->alert_hidden)
		return seen->alert_desc;
	return -1;
}

static const mbedtls_x509_crt *
tlswrap_pending_chain(const struct tlswrap *tw)
{
	(void)tw;
	return NULL;
}

static size_t
tlswrap_pending_msg(const struct tlswrap *tw, bool *cert)
{
	(void)tw;
	*cert = false;
	return 0;
}

static bool
tlswrap_name_merged(const mbedtls_x509_name *nm)
{
	(void)nm;
	return false;
}
#endif

/* After a CertificateRequest, these alerts mean "a client certificate is
 * required" (RFC 8446 4.4.2.4, RFC 5246 7.4.6), not their usual causes. */
static bool
tlswrap_cert_alert(const struct tlswrap *tw, int alert)
{
	return tls_observe_get_seen(tw->obs)->cert_req &&
	    (alert == ALERT_HANDSHAKE_FAILURE ||
	    alert == ALERT_NO_CERTIFICATE || alert == ALERT_BAD_CERTIFICATE ||
	    alert == ALERT_CERT_REQUIRED);
}

/* MBEDTLS_ERR_SSL_BAD_INPUT_DATA in a handshake: mbedTLS ran out of input
 * buffer while gathering a message ("requesting more data than fits"). */
static char *
tlswrap_too_large(const struct tlswrap *tw)
{
	const struct tls_observe_seen	*seen = tls_observe_get_seen(tw->obs);
	char				*s;
	size_t				 size = 0;
	bool				 cert = false;

	/* TLS 1.2: the message header went past in the clear. */
	if (!seen->server_ccs && seen->hs_partial) {
		size = seen->hs_len + 4;
		cert = seen->hs_type == HS_CERTIFICATE;
	} else
		size = tlswrap_pending_msg(tw, &cert);
	if (size > MBEDTLS_SSL_IN_CONTENT_LEN)
		xasprintf(&s, "%s message too large (%zu bytes, limit %d)",
		    cert ? "certificate" : "handshake", size,
		    MBEDTLS_SSL_IN_CONTENT_LEN);
	else
		xasprintf(&s, "server sent a handshake message larger than "
		    "mbedTLS's input buffer (limit %d bytes)",
		    MBEDTLS_SSL_IN_CONTENT_LEN);
	return s;
}

/* A signature check of the handshake failed (ServerKeyExchange or
 * CertificateVerify): the RSA, ECDSA or PSA code, possibly combined with
 * a high-level one. */
static bool
tlswrap_sig_failed(int ret)
{
	int	mid = -(-ret & 0xFF80);

	return ret == MBEDTLS_ERR_RSA_VERIFY_FAILED ||
	    ret == MBEDTLS_ERR_ECP_VERIFY_FAILED ||
	    mid == MBEDTLS_ERR_RSA_VERIFY_FAILED ||
	    mid == MBEDTLS_ERR_ECP_VERIFY_FAILED ||
	    ret == PSA_ERROR_INVALID_SIGNATURE;
}

/* What part of a certificate mbedTLS could not parse, from the high-level
 * X.509 code (the low bits carry the ASN.1 detail). */
static const char *
tlswrap_x509_words(int ret)
{
	static const struct {
		int		 code;
		const char	*words;
	} t[] = {
		{ MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE,
		    "it uses a feature mbedTLS does not support" },
		{ MBEDTLS_ERR_X509_UNKNOWN_OID, "an unknown algorithm or "
		    "extension" },
		{ MBEDTLS_ERR_X509_INVALID_FORMAT, "not a valid certificate" },
		{ MBEDTLS_ERR_X509_INVALID_VERSION, "bad version field" },
		{ MBEDTLS_ERR_X509_INVALID_SERIAL, "bad serial number" },
		{ MBEDTLS_ERR_X509_INVALID_ALG, "bad algorithm field" },
		{ MBEDTLS_ERR_X509_INVALID_NAME, "bad subject or issuer name" },
		{ MBEDTLS_ERR_X509_INVALID_DATE, "bad validity dates" },
		{ MBEDTLS_ERR_X509_INVALID_SIGNATURE, "bad signature field" },
		{ MBEDTLS_ERR_X509_INVALID_EXTENSIONS, "bad extensions" },
		{ MBEDTLS_ERR_X509_UNKNOWN_VERSION, "unknown version" },
		{ MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG, "unknown signature "
		    "algorithm" },
		{ MBEDTLS_ERR_X509_SIG_MISMATCH, "signature algorithms do not "
		    "match" },
		{ MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT, "unknown format" },
	};
	int	mid = -(-ret & 0xFF80);
	size_t	i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		if (t[i].code == mid)
			return t[i].words;
	}
	return NULL;
}

/* Our words for a failed handshake step; also sets legacy. */
static char *
tlswrap_words(struct tlswrap *tw, int ret)
{
	const struct tls_observe_seen	*seen = tls_observe_get_seen(tw->obs);
	char				*s;
	const char			*w;
	int				 alert;
	bool				 legacy_rec;

	if (seen->plain)
		return xstrdup("server sent plaintext instead of a TLS "
		    "handshake (this port does not speak implicit TLS)");
	legacy_rec = tls_observe_is_legacy(seen->first_ver);

	switch (ret) {
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		alert = tlswrap_last_alert(tw);
		if (tlswrap_cert_alert(tw, alert)) {
			xasprintf(&s, "handshake alert: %s (the server "
			    "requires a client certificate)",
			    tls_observe_alert_words(alert));
			return s;
		}
		if (alert == ALERT_PROTOCOL_VERSION) {
			tw->legacy = true;
			return xstrdup("protocol version not supported "
			    "(handshake alert: protocol version)");
		}
		if (alert == ALERT_HANDSHAKE_FAILURE) {
			if (legacy_rec)
				tw->legacy = true;
			return xstrdup("handshake alert: handshake failure "
			    "(no common cipher suite or version)");
		}
		if (alert < 0)
			return xstrdup("handshake alert (description not "
			    "readable)");
		w = tls_observe_alert_words(alert);
		if (w == NULL)
			xasprintf(&s, "handshake alert: unknown (%d)", alert);
		else
			xasprintf(&s, "handshake alert: %s", w);
		return s;
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		if (tls_observe_is_legacy(seen->sh_version)) {
			tw->legacy = true;
			xasprintf(&s, "protocol version not supported (server "
			    "chose %s)",
			    tls_observe_version_name(seen->sh_version));
			return s;
		}
		if (legacy_rec)
			tw->legacy = true;
		return xstrdup("protocol version not supported");
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		if (legacy_rec)
			tw->legacy = true;
		return xstrdup("handshake failure (no common cipher suite or "
		    "version)");
	case MBEDTLS_ERR_SSL_CONN_EOF:
		return xstrdup("connection closed during handshake");
	case MBEDTLS_ERR_NET_CONN_RESET:
		return xstrdup("connection reset during handshake");
	case MBEDTLS_ERR_NET_RECV_FAILED:
	case MBEDTLS_ERR_NET_SEND_FAILED:
		xasprintf(&s, "%s failed during handshake: %s",
		    ret == MBEDTLS_ERR_NET_RECV_FAILED ? "receive" : "send",
		    strerror(tw->sys_errno));
		return s;
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
		if (seen->hs_split && seen->hs_split_len == 0)
			return xstrdup("server sent an empty handshake record "
			    "(RFC 8446 5.1 forbids them)");
		if (seen->hs_split) {
			xasprintf(&s, "server split a handshake message header "
			    "across TLS records (a record of %zu byte%s); "
			    "mbedTLS 3.6 reassembles fragmented messages only "
			    "when the 4-byte header is in one record",
			    seen->hs_split_len,
			    seen->hs_split_len == 1 ? "" : "s");
			return s;
		}
		return xstrdup("server sent non-TLS data");
	case MBEDTLS_ERR_X509_FATAL_ERROR:
		/* Our verify callback never fails, so this is the chain
		 * walk giving up (x509_crt_verify_chain). */
		if (tw->fchain_n > MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1) {
			xasprintf(&s, "certificate chain too long (%zu "
			    "certificates, mbedTLS accepts at most %d: the "
			    "server's own and %d intermediates)", tw->fchain_n,
			    MBEDTLS_X509_MAX_INTERMEDIATE_CA + 1,
			    MBEDTLS_X509_MAX_INTERMEDIATE_CA);
			return s;
		}
		xasprintf(&s, "certificate chain too long: the path to a "
		    "trusted root has more than the %d intermediates mbedTLS "
		    "accepts (%zu certificates received)",
		    MBEDTLS_X509_MAX_INTERMEDIATE_CA, tw->fchain_n);
		return s;
	case MBEDTLS_ERR_SSL_BAD_INPUT_DATA:
		return tlswrap_too_large(tw);
	case MBEDTLS_ERR_SSL_ALLOC_FAILED:
	case MBEDTLS_ERR_X509_ALLOC_FAILED:
		return xstrdup("out of memory during the TLS handshake");
	case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
		return xstrdup("server sent an unexpected TLS message");
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
	case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
	case MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL:
		return xstrdup("server sent a malformed TLS message");
	case MBEDTLS_ERR_SSL_INVALID_MAC:
		return xstrdup("TLS record failed its integrity check (bad "
		    "record MAC)");
	case MBEDTLS_ERR_SSL_BAD_CERTIFICATE:
		return xstrdup("server sent a certificate that cannot be "
		    "parsed");
	}
	/* Never the library's own text ("X509 - ..."): a reason is ours. */
	if (tlswrap_sig_failed(ret))
		return xstrdup("the server's handshake signature does not "
		    "verify with the key of its certificate (a broken server, "
		    "or someone in between)");
	if (-ret >= 0x2000 && -ret <= 0x3000) {
		w = tlswrap_x509_words(ret);
		if (w != NULL)
			xasprintf(&s, "server certificate could not be "
			    "processed: %s (mbedTLS error -0x%04x)", w,
			    (unsigned)-ret);
		else
			xasprintf(&s, "server certificate could not be "
			    "processed (mbedTLS error -0x%04x)",
			    (unsigned)-ret);
	} else
		xasprintf(&s, "TLS handshake failed (mbedTLS error -0x%04x)",
		    (unsigned)-ret);
	return s;
}

/* The certificates a failed handshake received, into fchain: what mbedTLS
 * parsed (TLS 1.3), else the Certificate message the observer saw in the
 * clear (TLS 1.2). */
static void
tlswrap_keep_chain(struct tlswrap *tw)
{
	const mbedtls_x509_crt	*c;
	const unsigned char	*der;
	size_t			 pos = 0, len;

	if (tw->fchain_n > 0)
		return;
	for (c = tlswrap_pending_chain(tw); c != NULL && c->raw.p != NULL;
	    c = c->next) {
		(void)mbedtls_x509_crt_parse_der(&tw->fchain, c->raw.p,
		    c->raw.len);
		tw->fchain_n++;
	}
	if (tw->fchain_n > 0)
		return;
	while (tls_observe_next_cert(tw->obs, &pos, &der, &len)) {
		(void)mbedtls_x509_crt_parse_der(&tw->fchain, der, len);
		tw->fchain_n++;
	}
}

static void	tlswrap_note_chain(struct tlswrap *,
		    const mbedtls_x509_crt *);

static char	*tlswrap_srv_words(struct tlswrap *, int);

static enum io_res
tlswrap_fail(struct tlswrap *tw, int ret)
{
	free(tw->failure);
	if (tw->server) {
		/* The observer holds our own chain here: nothing to keep. */
		tw->failure = tlswrap_srv_words(tw, ret);
		tw->error = ret;
		tw->failed = true;
		tw->at_eof = ret == MBEDTLS_ERR_SSL_CONN_EOF;
		tlswrap_note(tw, TR_F_ERROR, "handshake failed: %s",
		    tw->failure);
		return tw->at_eof ? IO_EOF : IO_ERR;
	}
	tlswrap_keep_chain(tw);
	if (tw->fchain_n > 0) {
		tlswrap_note(tw, 0, "%zu certificate%s received before the "
		    "failure", tw->fchain_n, tw->fchain_n == 1 ? "" : "s");
		tlswrap_note_chain(tw, &tw->fchain);
	}
	tw->failure = tlswrap_words(tw, ret);
	tw->error = ret;
	tw->failed = true;
	tw->at_eof = ret == MBEDTLS_ERR_SSL_CONN_EOF &&
	    !tls_observe_get_seen(tw->obs)->plain;
	tlswrap_note(tw, TR_F_ERROR, "handshake failed: %s", tw->failure);
	return tw->at_eof ? IO_EOF : IO_ERR;
}

/* mbedTLS names "TLS-ECDHE-RSA-WITH-AES-128-GCM-SHA256" and
 * "TLS1-3-AES-256-GCM-SHA384"; IANA has underscores and plain "TLS_" for
 * TLS 1.3 suites (RFC 8446 B.4). */
static void
tlswrap_iana_suite(const char *name, char *buf, size_t len)
{
	size_t	i;

	if (strncmp(name, "TLS1-3-", 7) == 0)
		snprintf(buf, len, "TLS_%s", name + 7);
	else
		snprintf(buf, len, "%s", name);
	for (i = 0; buf[i] != '\0'; i++) {
		if (buf[i] == '-')
			buf[i] = '_';
	}
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian); avoids timegm(3)
 * and the TZ environment. */
static int64_t
tlswrap_days(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int64_t
tlswrap_unix_time(const mbedtls_x509_time *t)
{
	return tlswrap_days(t->year, t->mon, t->day) * 86400 +
	    t->hour * 3600 + t->min * 60 + t->sec;
}

static int64_t
tlswrap_days_left(int64_t not_after, int64_t now)
{
	int64_t	d = not_after - now;

	return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

static void
tlswrap_flags_text(uint32_t flags, char *buf, size_t len)
{
	static const struct {
		uint32_t	 bit;
		const char	*name;
	} map[] = {
		{ MBEDTLS_X509_BADCERT_EXPIRED, "expired" },
		{ MBEDTLS_X509_BADCERT_FUTURE, "not_yet_valid" },
		{ MBEDTLS_X509_BADCERT_CN_MISMATCH, "hostname_mismatch" },
		{ MBEDTLS_X509_BADCERT_NOT_TRUSTED, "untrusted" },
		{ MBEDTLS_X509_BADCERT_REVOKED, "revoked" },
		{ MBEDTLS_X509_BADCERT_BAD_KEY, "weak_key" },
		{ MBEDTLS_X509_BADCERT_BAD_MD, "weak_signature" },
		{ MBEDTLS_X509_BADCERT_BAD_PK, "weak_signature" },
		{ MBEDTLS_X509_BADCERT_KEY_USAGE, "bad_usage" },
		{ MBEDTLS_X509_BADCERT_EXT_KEY_USAGE, "bad_usage" },
		{ MBEDTLS_X509_BADCERT_NS_CERT_TYPE, "bad_usage" },
		{ MBEDTLS_X509_BADCERT_MISSING, "no_certificate" }
	};
	size_t		i, off = 0;
	uint32_t	known = 0;
	int		n;

	buf[0] = '\0';
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		known |= map[i].bit;
		if ((flags & map[i].bit) == 0)
			continue;
		if (strstr(buf, map[i].name) != NULL)
			continue;
		n = snprintf(buf + off, len - off, "%s%s", off ? ", " : "",
		    map[i].name);
		if (n < 0 || (size_t)n >= len - off)
			return;
		off += (size_t)n;
	}
	if ((flags & ~known) != 0)
		snprintf(buf + off, len - off, "%sother", off ? ", " : "");
}

/* Distinguished names rendered by us, attribute by attribute (RFC 4514
 * order of the encoding, as OpenSSL's -nameopt RFC2253 reversed): the
 * values keep their raw bytes so that the sanitiser decides how a NUL,
 * UTF-8 or an invalid byte is shown; mbedtls_x509_dn_gets() hex-escapes
 * UTF-8 and gives up on a NUL or a value over 256 bytes. */
struct tlswrap_buf {
	char	*p;		/* bytes, NUL-terminated */
	size_t	 n;		/* bytes used */
	size_t	 cap;		/* bytes allocated */
};

static void
tlswrap_buf_add(struct tlswrap_buf *b, const void *p, size_t n)
{
	while (b->n + n + 1 > b->cap) {
		b->cap = b->cap == 0 ? 256 : b->cap * 2;
		b->p = xreallocarray(b->p, 1, b->cap);
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void
tlswrap_buf_str(struct tlswrap_buf *b, const char *s)
{
	tlswrap_buf_add(b, s, strlen(s));
}

/* One code point as UTF-8 (BMPString, UniversalString); U+FFFD for
 * surrogates and values past U+10FFFF. */
static void
tlswrap_buf_utf8(struct tlswrap_buf *b, uint32_t c)
{
	unsigned char	u[4];
	size_t		n;

	if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		c = 0xfffd;
	if (c < 0x80) {
		u[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xc0 | c >> 6);
		u[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xe0 | c >> 12);
		u[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		u[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | c >> 18);
		u[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
		u[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		u[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	tlswrap_buf_add(b, u, n);
}

/* One attribute value: string types as their bytes (BMPString and
 * UniversalString converted to UTF-8), RFC 4514 2.4 specials escaped with
 * a backslash so that a value cannot fake another attribute; any other
 * type as "#" and hex.  Past TLSWRAP_DN_VALUE_MAX bytes the value is cut
 * (at a UTF-8 boundary) and "...[+N bytes]" says how much is missing. */
static void
tlswrap_dn_value(struct tlswrap_buf *b, const mbedtls_x509_buf *v)
{
	struct tlswrap_buf	 t = { NULL, 0, 0 };
	const unsigned char	*p = v->p;
	char			 hex[4], more[48];
	size_t			 i, n = v->len, keep;
	uint32_t		 c;
	int			 w;

	if (v->tag == MBEDTLS_ASN1_BMP_STRING ||
	    v->tag == MBEDTLS_ASN1_UNIVERSAL_STRING) {
		w = v->tag == MBEDTLS_ASN1_BMP_STRING ? 2 : 4;
		for (i = 0; i + (size_t)w <= n; i += (size_t)w) {
			c = w == 2 ? (uint32_t)p[i] << 8 | p[i + 1] :
			    (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 |
			    (uint32_t)p[i + 2] << 8 | p[i + 3];
			tlswrap_buf_utf8(&t, c);
		}
	} else if (MBEDTLS_ASN1_IS_STRING_TAG(v->tag) ||
	    v->tag == 0x1a /* VisibleString */ ||
	    v->tag == 0x12 /* NumericString */) {
		for (i = 0; i < n; i++) {
			if (strchr(",+\"\\<>;", p[i]) != NULL && p[i] != '\0')
				tlswrap_buf_str(&t, "\\");
			else if ((i == 0 && (p[i] == '#' || p[i] == ' ')) ||
			    (i == n - 1 && p[i] == ' '))
				tlswrap_buf_str(&t, "\\");
			tlswrap_buf_add(&t, p + i, 1);
		}
	} else {
		tlswrap_buf_str(&t, "#");
		for (i = 0; i < n; i++) {
			snprintf(hex, sizeof hex, "%02X", p[i]);
			tlswrap_buf_str(&t, hex);
		}
	}
	if (t.n <= TLSWRAP_DN_VALUE_MAX) {
		if (t.n > 0)
			tlswrap_buf_add(b, t.p, t.n);
		free(t.p);
		return;
	}
	keep = TLSWRAP_DN_VALUE_MAX;
	while (keep > 0 && ((unsigned char)t.p[keep] & 0xc0) == 0x80 &&
	    TLSWRAP_DN_VALUE_MAX - keep < 3)
		keep--;
	tlswrap_buf_add(b, t.p, keep);
	snprintf(more, sizeof more, "...[+%zu bytes]", t.n - keep);
	tlswrap_buf_str(b, more);
	free(t.p);
}

/* "CN=mail.example, O=Example" (RFC 4514 2.1: "," between RDNs, "+"
 * inside a multi-valued one); unknown attribute types as dotted OIDs. */
static void
tlswrap_dn(const mbedtls_x509_name *nm, struct mstr *out)
{
	struct tlswrap_buf	 b = { NULL, 0, 0 };
	const char		*sn;
	char			 oid[64];
	const char		*sep = "";

	for (; nm != NULL; nm = nm->next) {
		if (nm->oid.p == NULL)
			continue;
		tlswrap_buf_str(&b, sep);
		if (mbedtls_oid_get_attr_short_name(&nm->oid, &sn) == 0)
			tlswrap_buf_str(&b, sn);
		else if (mbedtls_oid_get_numeric_string(oid, sizeof oid,
		    &nm->oid) > 0)
			tlswrap_buf_str(&b, oid);
		else
			tlswrap_buf_str(&b, "?");
		tlswrap_buf_str(&b, "=");
		tlswrap_dn_value(&b, &nm->val);
		sep = tlswrap_name_merged(nm) ? "+" : ", ";
	}
	mstr_clear(out);
	if (b.p == NULL)
		tlswrap_buf_str(&b, "");
	out->p = b.p;
	out->n = b.n;
}

/* One TR_TLS line per certificate of the chain starting at crt, the names
 * as raw bytes (the transcript sanitises on read). */
static void
tlswrap_note_chain(struct tlswrap *tw, const mbedtls_x509_crt *crt)
{
	struct tlswrap_buf	 b = { NULL, 0, 0 };
	struct mstr		 subj = { NULL, 0 }, iss = { NULL, 0 };
	char			 tail[128], head[32];
	int64_t			 now, days;
	size_t			 i;

	if (tw->tr == NULL)
		return;
	now = (int64_t)time(NULL);
	for (i = 0; crt != NULL && i < TLS_CHAIN_MAX; crt = crt->next) {
		if (crt->version == 0)
			continue;
		tlswrap_dn(&crt->subject, &subj);
		tlswrap_dn(&crt->issuer, &iss);
		days = tlswrap_days_left(tlswrap_unix_time(&crt->valid_to),
		    now);
		b.n = 0;
		snprintf(head, sizeof head, "cert %zu: subject=", i);
		tlswrap_buf_str(&b, head);
		tlswrap_buf_add(&b, subj.p, subj.n);
		tlswrap_buf_str(&b, ", issuer=");
		tlswrap_buf_add(&b, iss.p, iss.n);
		snprintf(tail, sizeof tail,
		    ", %s %04d-%02d-%02d (%lld day%s%s)",
		    days < 0 ? "expired" : "expires", crt->valid_to.year,
		    crt->valid_to.mon, crt->valid_to.day,
		    (long long)(days < 0 ? -days : days),
		    (days == 1 || days == -1) ? "" : "s",
		    days < 0 ? " ago" : "");
		tlswrap_buf_str(&b, tail);
		transcript_add(tw->tr, tlswrap_t(tw), TR_TLS, TR_SEC_NONE, 0,
		    b.p, b.n);
		i++;
	}
	if (crt != NULL)
		tlswrap_note(tw, 0, "more certificates not shown");
	mstr_clear(&subj);
	mstr_clear(&iss);
	free(b.p);
}

static void
tlswrap_report_established(struct tlswrap *tw)
{
	const struct tls_observe_seen	*seen = tls_observe_get_seen(tw->obs);
	char				 suite[80], info[512], words[160];
	char				 lines[512], gname[48], sname[48];
	uint32_t			 flags;
	size_t				 off;
	char				*p, *line;
	int				 n;

	tlswrap_iana_suite(mbedtls_ssl_get_ciphersuite(&tw->ssl), suite,
	    sizeof suite);
	gname[0] = sname[0] = '\0';
	if (seen->group != 0) {
		snprintf(gname, sizeof gname, ", group ");
		tls_observe_group_name(seen->group, gname + 8,
		    sizeof gname - 8);
	}
	if (seen->signature != 0) {
		snprintf(sname, sizeof sname, ", signature ");
		tls_observe_signature_name(seen->signature, sname + 12,
		    sizeof sname - 12);
	}
	tlswrap_note(tw, 0, "handshake done: %s, %s%s%s",
	    mbedtls_ssl_get_version(&tw->ssl), suite, gname, sname);
	if (tw->server) {
		if (mbedtls_ssl_get_peer_cert(&tw->ssl) != NULL)
			tlswrap_note(tw, 0, "client sent a certificate");
		else if (tw->req_cert)
			tlswrap_note(tw, 0, "client sent no certificate");
		return;
	}

	tlswrap_note_chain(tw, mbedtls_ssl_get_peer_cert(&tw->ssl));

	flags = mbedtls_ssl_get_verify_result(&tw->ssl);
	if (flags == 0 && mbedtls_ssl_get_peer_cert(&tw->ssl) != NULL) {
		tlswrap_note(tw, 0, "verified");
		return;
	}
	tlswrap_flags_text(flags, words, sizeof words);
	if (mbedtls_x509_crt_verify_info(lines, sizeof lines, "", flags) < 0)
		lines[0] = '\0';
	/* One line per flag: join them with "; ". */
	info[0] = '\0';
	off = 0;
	for (line = lines; *line != '\0' && off < sizeof info; line = p) {
		p = strchr(line, '\n');
		if (p == NULL)
			p = line + strlen(line);
		n = snprintf(info + off, sizeof info - off, "%s%.*s",
		    off > 0 ? "; " : "", (int)(p - line), line);
		if (n < 0)
			break;
		off += (size_t)n;
		if (*p == '\n')
			p++;
	}
	tlswrap_note(tw, TR_F_ERROR, "NOT verified: %s%s%s%s", words,
	    info[0] != '\0' ? " (" : "", info, info[0] != '\0' ? ")" : "");
}

static void
tlswrap_on_established(struct tlswrap *tw)
{
	tw->established = true;
	/* mbedtls_ssl_protocol_version values are the wire versions. */
	tls_observe_established(tw->obs,
	    (unsigned)mbedtls_ssl_get_version_number(&tw->ssl));
	tlswrap_obs_events(tw);
	tlswrap_report_established(tw);
}

static enum io_res	tlswrap_srv_handshake(struct tlswrap *);

enum io_res
tlswrap_handshake(struct tlswrap *tw)
{
	int	ret, i;

	tw->attempted = true;
	if (tw->established)
		return IO_DONE;
	if (tw->failed)
		return tw->at_eof ? IO_EOF : IO_ERR;
	if (tw->server)
		return tlswrap_srv_handshake(tw);
	for (i = 0; i < TLSWRAP_RETRY; i++) {
		ret = mbedtls_ssl_handshake(&tw->ssl);
		switch (ret) {
		case 0:
			tlswrap_on_established(tw);
			return IO_DONE;
		case MBEDTLS_ERR_SSL_WANT_READ:
			return IO_WANT_READ;
		case MBEDTLS_ERR_SSL_WANT_WRITE:
			return IO_WANT_WRITE;
		case MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET:
		case MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS:
		case MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS:
			/* Not errors: call again. */
			continue;
		}
		return tlswrap_fail(tw, ret);
	}
	/* Still busy: come back on the next (immediate) POLLOUT rather than
	 * hold the loop. */
	return IO_WANT_WRITE;
}

/* Application data. */

static enum io_res
tlswrap_data_fail(struct tlswrap *tw, int ret, const char *what)
{
	const char	*w;
	int		 alert;

	free(tw->failure);
	if (tls_observe_get_seen(tw->obs)->reneg) {
		/* RFC 5246 7.4.1.1, RFC 5746: we never renegotiate (mbedTLS
		 * answers no_renegotiation); say why the session ends. */
		alert = ret == MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE ?
		    tlswrap_last_alert(tw) : -1;
		w = alert >= 0 ? tls_observe_alert_words(alert) : NULL;
		if (w != NULL)
			xasprintf(&tw->failure, "server asked to renegotiate "
			    "(TLS 1.2 HelloRequest after the handshake; "
			    "refused), then sent alert: %s", w);
		else
			tw->failure = xstrdup("server asked to renegotiate "
			    "(TLS 1.2 HelloRequest after the handshake; "
			    "refused)");
		ret = ret < 0 ? ret : MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE;
		goto out;
	}
	switch (ret) {
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		alert = tlswrap_last_alert(tw);
		w = alert >= 0 ? tls_observe_alert_words(alert) : NULL;
		if (w != NULL && tlswrap_cert_alert(tw, alert))
			xasprintf(&tw->failure, "alert from server after the "
			    "handshake: %s (the server requires a client "
			    "certificate)", w);
		else if (w != NULL)
			xasprintf(&tw->failure, "alert from server after the "
			    "handshake: %s", w);
		else if (alert >= 0)
			xasprintf(&tw->failure, "alert from server after the "
			    "handshake: unknown (%d)", alert);
		else
			tw->failure = xstrdup("alert from server after the "
			    "handshake");
		break;
	case MBEDTLS_ERR_NET_CONN_RESET:
		tw->failure = xstrdup("connection reset");
		break;
	case MBEDTLS_ERR_NET_RECV_FAILED:
	case MBEDTLS_ERR_NET_SEND_FAILED:
		xasprintf(&tw->failure, "%s failed: %s", what,
		    strerror(tw->sys_errno));
		break;
	default:
		xasprintf(&tw->failure, "TLS error during %s (mbedTLS error "
		    "-0x%04x)", what, (unsigned)-ret);
		break;
	}
out:
	tw->error = ret;
	tw->failed = true;
	tlswrap_note(tw, TR_F_ERROR, "%s", tw->failure);
	return IO_ERR;
}

/* RFC 8446 6.1: anything after close_notify is to be ignored; say so if
 * some is already queued (mbedTLS reads records exactly, so the socket
 * holds it). */
static void
tlswrap_after_close_notify(struct tlswrap *tw)
{
	unsigned char	buf[64];
	ssize_t		n;

	tlswrap_note(tw, 0, "close_notify received");
	tw->close = "close_notify";
	n = recv(tw->fd, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0) {
		tlswrap_note(tw, TR_F_ERROR, "data after close_notify "
		    "(ignored)");
		tw->close = "close_notify_then_data";
	}
}

/* Application data in one direction: mbedtls_ssl_read() or _write(). */
typedef int (*tlswrap_data_fn)(mbedtls_ssl_context *, unsigned char *,
    size_t);

static int
tlswrap_ssl_write(mbedtls_ssl_context *ssl, unsigned char *buf, size_t len)
{
	return mbedtls_ssl_write(ssl, buf, len);
}

/* Run fn until it moves bytes or needs to wait; post-handshake messages
 * (session tickets) are absorbed.  *done receives the bytes moved. */
static enum io_res
tlswrap_data(struct tlswrap *tw, tlswrap_data_fn fn, const char *what,
    unsigned char *buf, size_t len, size_t *done)
{
	int	ret, i;

	*done = 0;
	if (tw->at_eof && fn == mbedtls_ssl_read)
		return IO_EOF;
	if (tw->failed || !tw->established)
		return IO_ERR;
	if (len == 0)
		return IO_DONE;
	for (i = 0; i < TLSWRAP_RETRY; i++) {
		ret = fn(&tw->ssl, buf, len);
		if (ret > 0) {
			*done = (size_t)ret;
			return IO_DONE;
		}
		/* A HelloRequest is absorbed by mbedTLS (WANT_READ); it is a
		 * failure of its own, not a wait for a timeout. */
		if (tls_observe_get_seen(tw->obs)->reneg)
			return tlswrap_data_fail(tw, ret, what);
		switch (ret) {
		case MBEDTLS_ERR_SSL_WANT_READ:
			return IO_WANT_READ;
		case MBEDTLS_ERR_SSL_WANT_WRITE:
			return IO_WANT_WRITE;
		case MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET:
		case MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS:
		case MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS:
			continue;
		case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
			tw->at_eof = true;
			tlswrap_after_close_notify(tw);
			return IO_EOF;
		case 0:
		case MBEDTLS_ERR_SSL_CONN_EOF:
			if (!tw->at_eof) {
				tlswrap_note(tw, 0, "connection closed "
				    "without close_notify");
				tw->close = "no_close_notify";
			}
			tw->at_eof = true;
			return IO_EOF;
		}
		return tlswrap_data_fail(tw, ret, what);
	}
	return fn == mbedtls_ssl_read ? IO_WANT_READ : IO_WANT_WRITE;
}

enum io_res
tlswrap_read(struct tlswrap *tw, void *buf, size_t len, size_t *got)
{
	return tlswrap_data(tw, mbedtls_ssl_read, "read", buf, len, got);
}

enum io_res
tlswrap_write(struct tlswrap *tw, const void *buf, size_t len, size_t *put)
{
	/* mbedtls_ssl_write() takes const data; the cast only lets one
	 * function type serve both directions. */
	return tlswrap_data(tw, tlswrap_ssl_write, "write",
	    (unsigned char *)(uintptr_t)buf, len, put);
}

static bool	tlswrap_srv_close(struct tlswrap *);

void
tlswrap_close_notify(struct tlswrap *tw)
{
	if (tw == NULL || !tw->established || tw->failed)
		return;
	if (tw->server && tlswrap_srv_close(tw))
		return;
	/* One non-blocking attempt; WANT_WRITE leaves it unsent. */
	(void)mbedtls_ssl_close_notify(&tw->ssl);
}

/* Facts. */

static void
tlswrap_cert_info(const mbedtls_x509_crt *crt, struct cert_info *ci,
    int64_t now)
{
	const mbedtls_x509_sequence		*seq;
	mbedtls_x509_subject_alternative_name	 san;
	char					 ip[INET6_ADDRSTRLEN];
	const char				*desc, *name;
	size_t					 i, off;

	tlswrap_dn(&crt->subject, &ci->subject);
	tlswrap_dn(&crt->issuer, &ci->issuer);

	for (seq = &crt->subject_alt_names; seq != NULL && seq->buf.p != NULL;
	    seq = seq->next) {
		memset(&san, 0, sizeof san);
		if (mbedtls_x509_parse_subject_alt_name(&seq->buf, &san) != 0)
			continue;
		if (san.type == MBEDTLS_X509_SAN_DNS_NAME)
			mstr_list_add(&ci->san, san.san.unstructured_name.p,
			    san.san.unstructured_name.len, TLSWRAP_SAN_MAX);
		else if (san.type == MBEDTLS_X509_SAN_IP_ADDRESS &&
		    (san.san.unstructured_name.len == 4 ||
		    san.san.unstructured_name.len == 16) &&
		    inet_ntop(san.san.unstructured_name.len == 4 ? AF_INET :
		    AF_INET6, san.san.unstructured_name.p, ip,
		    sizeof ip) != NULL)
			mstr_list_add(&ci->san, ip, strlen(ip),
			    TLSWRAP_SAN_MAX);
		mbedtls_x509_free_subject_alt_name(&san);
	}

	ci->not_before = tlswrap_unix_time(&crt->valid_from);
	ci->not_after = tlswrap_unix_time(&crt->valid_to);
	ci->days_left = tlswrap_days_left(ci->not_after, now);

	name = mbedtls_pk_get_name(&crt->pk);
	snprintf(ci->key_type, sizeof ci->key_type, "%s",
	    name != NULL ? name : "unknown");
	ci->key_bits = (int)mbedtls_pk_get_bitlen(&crt->pk);

	if (mbedtls_oid_get_sig_alg_desc(&crt->sig_oid, &desc) == 0)
		snprintf(ci->sig_alg, sizeof ci->sig_alg, "%s", desc);
	else if (mbedtls_oid_get_numeric_string(ci->sig_alg,
	    sizeof ci->sig_alg, &crt->sig_oid) < 0)
		snprintf(ci->sig_alg, sizeof ci->sig_alg, "unknown");

	/* Hex without separators; cut with ".." past 38 bytes (RFC 5280
	 * allows 20). */
	off = 0;
	for (i = 0; i < crt->serial.len; i++) {
		if (off + 2 + 3 > sizeof ci->serial) {
			snprintf(ci->serial + off, sizeof ci->serial - off,
			    "..");
			break;
		}
		snprintf(ci->serial + off, sizeof ci->serial - off, "%02X",
		    crt->serial.p[i]);
		off += 2;
	}

	ci->self_issued = crt->subject_raw.len == crt->issuer_raw.len &&
	    memcmp(crt->subject_raw.p, crt->issuer_raw.p,
	    crt->subject_raw.len) == 0;
}

static unsigned
tlswrap_problems(uint32_t flags, bool self_signed)
{
	unsigned	p = 0;
	uint32_t	known;

	known = MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE |
	    MBEDTLS_X509_BADCERT_CN_MISMATCH |
	    MBEDTLS_X509_BADCERT_NOT_TRUSTED | MBEDTLS_X509_BADCERT_REVOKED |
	    MBEDTLS_X509_BADCERT_BAD_KEY | MBEDTLS_X509_BADCERT_BAD_MD |
	    MBEDTLS_X509_BADCERT_BAD_PK | MBEDTLS_X509_BADCERT_KEY_USAGE |
	    MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
	    MBEDTLS_X509_BADCERT_NS_CERT_TYPE | MBEDTLS_X509_BADCERT_MISSING;

	if (flags & MBEDTLS_X509_BADCERT_EXPIRED)
		p |= TLS_PROB_BIT(TLS_PROB_EXPIRED);
	if (flags & MBEDTLS_X509_BADCERT_FUTURE)
		p |= TLS_PROB_BIT(TLS_PROB_NOT_YET_VALID);
	if (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH)
		p |= TLS_PROB_BIT(TLS_PROB_HOSTNAME_MISMATCH);
	if (flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED) {
		p |= TLS_PROB_BIT(TLS_PROB_UNTRUSTED);
		if (self_signed)
			p |= TLS_PROB_BIT(TLS_PROB_SELF_SIGNED);
	}
	if (flags & MBEDTLS_X509_BADCERT_REVOKED)
		p |= TLS_PROB_BIT(TLS_PROB_REVOKED);
	if (flags & MBEDTLS_X509_BADCERT_BAD_KEY)
		p |= TLS_PROB_BIT(TLS_PROB_WEAK_KEY);
	if (flags & (MBEDTLS_X509_BADCERT_BAD_MD | MBEDTLS_X509_BADCERT_BAD_PK))
		p |= TLS_PROB_BIT(TLS_PROB_WEAK_SIGNATURE);
	if (flags & (MBEDTLS_X509_BADCERT_KEY_USAGE |
	    MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
	    MBEDTLS_X509_BADCERT_NS_CERT_TYPE))
		p |= TLS_PROB_BIT(TLS_PROB_BAD_USAGE);
	if (flags & MBEDTLS_X509_BADCERT_MISSING)
		p |= TLS_PROB_BIT(TLS_PROB_NO_CERTIFICATE);
	if (flags & ~known)
		p |= TLS_PROB_BIT(TLS_PROB_OTHER);
	return p;
}

/* f must be cleared (facts_init/facts_clear): its pointers are set, never
 * freed here, so a second call on a filled struct would leak failure
 * (subject, issuer and SANs are replaced or deduplicated). */
void
tlswrap_get_facts(const struct tlswrap *tw, struct tls_facts *f,
    int64_t now)
{
	const struct tls_observe_seen	*seen = tls_observe_get_seen(tw->obs);
	const mbedtls_x509_crt		*crt, *leaf;
	size_t				 n;
	uint32_t			 flags;

	f->attempted = tw->attempted;
	snprintf(f->close, sizeof f->close, "%s", tw->close != NULL ?
	    tw->close : "");
	f->client_cert_requested = seen->cert_req;
	f->legacy_suspected = tw->legacy || seen->legacy;
	f->server_spoke_tls = seen->got_first && !seen->plain;
	if (seen->group != 0)
		tls_observe_group_name(seen->group, f->group,
		    sizeof f->group);
	/* TLS 1.2 only: the TLS 1.3 CertificateVerify is encrypted and
	 * mbedTLS 3.6 has no getter for the scheme it checked. */
	if (seen->signature != 0)
		tls_observe_signature_name(seen->signature, f->signature,
		    sizeof f->signature);
	if (!tw->established) {
		if (tw->failure != NULL)
			f->failure = xstrdup(tw->failure);
		f->error = tw->error;
		/* What a failed handshake received (chain too long, say):
		 * shown, never verified. */
		n = 0;
		for (crt = &tw->fchain; crt != NULL; crt = crt->next) {
			if (crt->version == 0)
				continue;
			if (n < TLS_CHAIN_MAX)
				tlswrap_cert_info(crt, &f->chain[n], now);
			n++;
		}
		f->chain_len = n < TLS_CHAIN_MAX ? n : TLS_CHAIN_MAX;
		f->chain_sent = tw->fchain_n;
		return;
	}

	f->established = true;
	snprintf(f->version, sizeof f->version, "%s",
	    mbedtls_ssl_get_version(&tw->ssl));
	tlswrap_iana_suite(mbedtls_ssl_get_ciphersuite(&tw->ssl), f->cipher,
	    sizeof f->cipher);

	leaf = mbedtls_ssl_get_peer_cert(&tw->ssl);
	n = 0;
	for (crt = leaf; crt != NULL; crt = crt->next) {
		if (n < TLS_CHAIN_MAX)
			tlswrap_cert_info(crt, &f->chain[n], now);
		n++;
	}
	f->chain_sent = n;
	f->chain_len = n < TLS_CHAIN_MAX ? n : TLS_CHAIN_MAX;

	flags = mbedtls_ssl_get_verify_result(&tw->ssl);
	f->verify_flags = flags;
	f->verified = flags == 0 && leaf != NULL;
	f->problems = tlswrap_problems(flags, leaf != NULL && n == 1 &&
	    f->chain[0].self_issued);
	if (leaf == NULL)
		f->problems |= TLS_PROB_BIT(TLS_PROB_NO_CERTIFICATE);
}

enum io_res
tlswrap_drain_closed(struct tlswrap *tw)
{
	unsigned char	buf[4096];
	ssize_t		n;
	int		i;

	for (i = 0; i < TLSWRAP_RETRY; i++) {
		n = recv(tw->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n > 0) {
			if (tw->close == NULL ||
			    strcmp(tw->close, "close_notify") == 0) {
				tlswrap_note(tw, TR_F_ERROR, "data after "
				    "close_notify (ignored)");
				tw->close = "close_notify_then_data";
			}
			continue;
		}
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR))
			return IO_WANT_READ;
		return IO_EOF;
	}
	return IO_WANT_READ;
}

const char *
tlswrap_get_close(const struct tlswrap *tw)
{
	return tw->close != NULL ? tw->close : "";
}

bool
tlswrap_is_verified(const struct tlswrap *tw)
{
	return tw->established &&
	    mbedtls_ssl_get_verify_result(&tw->ssl) == 0 &&
	    mbedtls_ssl_get_peer_cert(&tw->ssl) != NULL;
}

const char *
tlswrap_get_failure(const struct tlswrap *tw)
{
	return tw->failure;
}

bool
tlswrap_got_plaintext(const struct tlswrap *tw, const char **p, size_t *n)
{
	const unsigned char	*b;
	size_t			 len;

	if (!tls_observe_get_plain(tw->obs, &b, &len))
		return false;
	if (p != NULL)
		*p = (const char *)b;
	if (n != NULL)
		*n = len;
	return true;
}

/*
 * Server side: the demo PKI and the sessions of the built-in lab servers.
 * Nothing is read from disk; every certificate is written here with
 * mbedTLS's x509write functions.
 */

#define TLSWRAP_DER_MAX		4096	/* one certificate or key, DER */
#define TLSWRAP_PEM_MAX		6144	/* one certificate, PEM */
#define TLSWRAP_DAY		86400
#define TLSWRAP_SAN_WRITE_MAX	16	/* DNS names per certificate */
#define TLSWRAP_TICKETS_MAX	8
#define TLSWRAP_DEMO_O		"mailports demo"

/* Leaf keys, made once per process and kept as DER: RSA 2048 generation
 * takes a good part of a second, and every leaf of one key type may as
 * well share its key.  Static storage: nothing to free at exit. */
static unsigned char	tlswrap_leaf_der[2][TLSWRAP_DER_MAX];
static size_t		tlswrap_leaf_len[2];

struct tlswrap_pki {
	struct tlswrap_rng	 rng;
	mbedtls_pk_context	 root_key;	/* demo root CA */
	mbedtls_pk_context	 inter_key;	/* intermediate, under root */
	mbedtls_pk_context	 other_key;	/* the unrelated root */
	unsigned char		*root_der;
	size_t			 root_len;
	unsigned char		*inter_der;
	size_t			 inter_len;
	unsigned char		*other_der;
	size_t			 other_len;
	char			*root_pem;
	char			*inter_pem;
	uint32_t		 serial;	/* of the next certificate */
	time_t			 now;		/* validity base */
};

struct tlswrap_cred {
	struct tlswrap_pki	*pki;		/* not owned */
	mbedtls_x509_crt	 chain;		/* as sent: leaf first */
	mbedtls_pk_context	 key;		/* the leaf's */
	enum tlswrap_key	 keytype;
	char			*pem;		/* the leaf */
};

struct tlswrap_srv_config {
	mbedtls_ssl_config	 conf;
	struct tlswrap_rng	 rng;
#if defined(MBEDTLS_SSL_TICKET_C)
	mbedtls_ssl_ticket_context ticket;	/* TLS 1.3 tickets */
#endif
	mbedtls_x509_crt	 ca;		/* client certificate CAs */
	mbedtls_pk_context	 pss_key;	/* RSA_PSS: the signer */
	const struct tlswrap_cred *cred;	/* not owned */
	struct tlswrap_srv_opts	 opts;
	char			*after_notify;	/* DATA_AFTER_NOTIFY bytes */
	uint16_t		 sig_algs[8];	/* PKCS1: the list offered */
	struct tlswrap		*signing;	/* session inside its
						 * handshake call */
};

static int
tlswrap_key_gen(mbedtls_pk_context *pk, enum tlswrap_key type,
    mbedtls_ctr_drbg_context *drbg)
{
	int	ret;

	ret = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(
	    type == TLSWRAP_KEY_RSA ? MBEDTLS_PK_RSA : MBEDTLS_PK_ECKEY));
	if (ret != 0)
		return ret;
	if (type == TLSWRAP_KEY_RSA)
		return mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk),
		    mbedtls_ctr_drbg_random, drbg, 2048, 65537);
	return mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
	    mbedtls_pk_ec(*pk), mbedtls_ctr_drbg_random, drbg);
}

/* The process's leaf key of this type into pk (made on first use). */
static int
tlswrap_leaf_key(mbedtls_pk_context *pk, enum tlswrap_key type,
    mbedtls_ctr_drbg_context *drbg)
{
	mbedtls_pk_context	 k;
	unsigned char		*d = tlswrap_leaf_der[type];
	int			 ret;

	if (tlswrap_leaf_len[type] == 0) {
		mbedtls_pk_init(&k);
		ret = tlswrap_key_gen(&k, type, drbg);
		if (ret == 0)
			ret = mbedtls_pk_write_key_der(&k, d, TLSWRAP_DER_MAX);
		mbedtls_pk_free(&k);
		if (ret <= 0)
			return ret < 0 ? ret : MBEDTLS_ERR_PK_BAD_INPUT_DATA;
		/* The writer fills the end of the buffer. */
		memmove(d, d + TLSWRAP_DER_MAX - ret, (size_t)ret);
		tlswrap_leaf_len[type] = (size_t)ret;
	}
	return mbedtls_pk_parse_key(pk, d, tlswrap_leaf_len[type], NULL, 0,
	    mbedtls_ctr_drbg_random, drbg);
}

/* A DNS name we put into a DN string and a SAN: letters, digits, '-',
 * '.', a '*' label; no DN syntax characters. */
static bool
tlswrap_name_valid(const char *n)
{
	size_t	i, len = strlen(n);

	if (len == 0 || len > 253)
		return false;
	for (i = 0; i < len; i++) {
		if (!((n[i] >= 'a' && n[i] <= 'z') ||
		    (n[i] >= 'A' && n[i] <= 'Z') ||
		    (n[i] >= '0' && n[i] <= '9') || n[i] == '-' ||
		    n[i] == '.' || n[i] == '*'))
			return false;
	}
	return true;
}

static void
tlswrap_x509_time(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y%m%d%H%M%S", &tm);
}

/* What one certificate says. */
struct tlswrap_crt_req {
	mbedtls_pk_context	*key;		/* subject's */
	const char		*subject;	/* DN string */
	mbedtls_pk_context	*issuer_key;
	const char		*issuer;
	bool			 ca;
	const char *const	*sans;		/* NULL-terminated, or NULL */
	time_t			 not_before;
	time_t			 not_after;
};

static int
tlswrap_crt_write(struct tlswrap_pki *pki, const struct tlswrap_crt_req *r,
    unsigned char **der, size_t *len)
{
	static const char	 eku_oid[] = MBEDTLS_OID_SERVER_AUTH;
	mbedtls_x509write_cert	 w;
	mbedtls_x509_san_list	 san[TLSWRAP_SAN_WRITE_MAX];
	mbedtls_asn1_sequence	 eku;
	unsigned char		 serial[8], *buf;
	unsigned int		 ku;
	char			 nb[16], na[16];
	size_t			 i, n = 0;
	int			 ret;

	mbedtls_x509write_crt_init(&w);
	buf = xmalloc(TLSWRAP_DER_MAX);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, r->key);
	mbedtls_x509write_crt_set_issuer_key(&w, r->issuer_key);

	/* A positive serial, unique within the process, random past it. */
	pki->serial++;
	serial[0] = 0x40 | (unsigned char)((pki->serial >> 16) & 0x3f);
	serial[1] = (unsigned char)(pki->serial >> 8);
	serial[2] = (unsigned char)pki->serial;
	if ((ret = mbedtls_ctr_drbg_random(&pki->rng.drbg, serial + 3,
	    sizeof serial - 3)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_serial_raw(&w, serial,
	    sizeof serial)) != 0)
		goto out;
	tlswrap_x509_time(r->not_before, nb, sizeof nb);
	tlswrap_x509_time(r->not_after, na, sizeof na);
	if ((ret = mbedtls_x509write_crt_set_validity(&w, nb, na)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_subject_name(&w,
	    r->subject)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_issuer_name(&w,
	    r->issuer)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_basic_constraints(&w,
	    r->ca ? 1 : 0, -1)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_subject_key_identifier(&w)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_authority_key_identifier(&w)) != 0)
		goto out;
	if (r->ca)
		ku = MBEDTLS_X509_KU_KEY_CERT_SIGN | MBEDTLS_X509_KU_CRL_SIGN;
	else if (mbedtls_pk_get_type(r->key) == MBEDTLS_PK_RSA)
		ku = MBEDTLS_X509_KU_DIGITAL_SIGNATURE |
		    MBEDTLS_X509_KU_KEY_ENCIPHERMENT;
	else
		ku = MBEDTLS_X509_KU_DIGITAL_SIGNATURE;
	if ((ret = mbedtls_x509write_crt_set_key_usage(&w, ku)) != 0)
		goto out;
	if (!r->ca) {
		memset(&eku, 0, sizeof eku);
		eku.buf.tag = MBEDTLS_ASN1_OID;
		eku.buf.p = (unsigned char *)(uintptr_t)eku_oid;
		eku.buf.len = sizeof eku_oid - 1;
		if ((ret = mbedtls_x509write_crt_set_ext_key_usage(&w,
		    &eku)) != 0)
			goto out;
	}
	for (i = 0; r->sans != NULL && r->sans[i] != NULL &&
	    n < TLSWRAP_SAN_WRITE_MAX; i++, n++) {
		memset(&san[n], 0, sizeof san[n]);
		san[n].node.type = MBEDTLS_X509_SAN_DNS_NAME;
		san[n].node.san.unstructured_name.p =
		    (unsigned char *)(uintptr_t)r->sans[i];
		san[n].node.san.unstructured_name.len = strlen(r->sans[i]);
		/* The writer works from the end of its buffer: link the
		 * list backwards so that the names come out in order. */
		san[n].next = n > 0 ? &san[n - 1] : NULL;
	}
	if (n > 0 && (ret = mbedtls_x509write_crt_set_subject_alternative_name(
	    &w, &san[n - 1])) != 0)
		goto out;

	ret = mbedtls_x509write_crt_der(&w, buf, TLSWRAP_DER_MAX,
	    mbedtls_ctr_drbg_random, &pki->rng.drbg);
	if (ret > 0) {
		*len = (size_t)ret;
		*der = xmalloc(*len);
		memcpy(*der, buf + TLSWRAP_DER_MAX - *len, *len);
		ret = 0;
	} else if (ret == 0)
		ret = MBEDTLS_ERR_X509_BAD_INPUT_DATA;
out:
	mbedtls_x509write_crt_free(&w);
	free(buf);
	return ret;
}

static char *
tlswrap_pem(const unsigned char *der, size_t len)
{
	unsigned char	*p;
	size_t		 olen;

	p = xmalloc(TLSWRAP_PEM_MAX);
	if (mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n",
	    "-----END CERTIFICATE-----\n", der, len, p, TLSWRAP_PEM_MAX,
	    &olen) != 0) {
		free(p);
		return NULL;
	}
	return (char *)p;
}

static void
tlswrap_make_err(char **err, const char *what, int ret)
{
	char	ebuf[128];

	tlswrap_strerror(ret, ebuf, sizeof ebuf);
	tlswrap_set_err(err, "cannot make the %s: %s.", what, ebuf);
}

struct tlswrap_pki *
tlswrap_pki_new(char **err)
{
	struct tlswrap_pki	*pki;
	struct tlswrap_crt_req	 r;
	const char		*root_dn = "CN=mailports demo root CA,O="
				    TLSWRAP_DEMO_O;
	const char		*inter_dn = "CN=mailports demo intermediate "
				    "CA,O=" TLSWRAP_DEMO_O;
	const char		*other_dn = "CN=Unrelated root CA,O=not the "
				    "demo";
	int			 ret;

	if (err != NULL)
		*err = NULL;
	pki = xcalloc(1, sizeof *pki);
	mbedtls_pk_init(&pki->root_key);
	mbedtls_pk_init(&pki->inter_key);
	mbedtls_pk_init(&pki->other_key);
	pki->now = time(NULL);
	if (tlswrap_rng_init(&pki->rng, err) != 0)
		goto fail;
	/* CA keys are ECDSA P-256: a millisecond each. */
	if ((ret = tlswrap_key_gen(&pki->root_key, TLSWRAP_KEY_ECDSA,
	    &pki->rng.drbg)) != 0 ||
	    (ret = tlswrap_key_gen(&pki->inter_key, TLSWRAP_KEY_ECDSA,
	    &pki->rng.drbg)) != 0 ||
	    (ret = tlswrap_key_gen(&pki->other_key, TLSWRAP_KEY_ECDSA,
	    &pki->rng.drbg)) != 0) {
		tlswrap_make_err(err, "demo CA keys", ret);
		goto fail;
	}

	memset(&r, 0, sizeof r);
	r.ca = true;
	r.not_before = pki->now - TLSWRAP_DAY;
	r.not_after = pki->now + 3650 * (time_t)TLSWRAP_DAY;
	r.key = r.issuer_key = &pki->root_key;
	r.subject = r.issuer = root_dn;
	if ((ret = tlswrap_crt_write(pki, &r, &pki->root_der,
	    &pki->root_len)) != 0) {
		tlswrap_make_err(err, "demo root CA", ret);
		goto fail;
	}
	r.key = &pki->inter_key;
	r.subject = inter_dn;
	if ((ret = tlswrap_crt_write(pki, &r, &pki->inter_der,
	    &pki->inter_len)) != 0) {
		tlswrap_make_err(err, "demo intermediate CA", ret);
		goto fail;
	}
	r.key = r.issuer_key = &pki->other_key;
	r.subject = r.issuer = other_dn;
	if ((ret = tlswrap_crt_write(pki, &r, &pki->other_der,
	    &pki->other_len)) != 0) {
		tlswrap_make_err(err, "unrelated root CA", ret);
		goto fail;
	}
	pki->root_pem = tlswrap_pem(pki->root_der, pki->root_len);
	pki->inter_pem = tlswrap_pem(pki->inter_der, pki->inter_len);
	if (pki->root_pem == NULL || pki->inter_pem == NULL) {
		tlswrap_set_err(err, "cannot write the demo CAs as PEM.");
		goto fail;
	}
	return pki;

fail:
	tlswrap_pki_free(pki);
	return NULL;
}

void
tlswrap_pki_free(struct tlswrap_pki *pki)
{
	if (pki == NULL)
		return;
	mbedtls_pk_free(&pki->root_key);
	mbedtls_pk_free(&pki->inter_key);
	mbedtls_pk_free(&pki->other_key);
	tlswrap_rng_free(&pki->rng);
	free(pki->root_der);
	free(pki->inter_der);
	free(pki->other_der);
	free(pki->root_pem);
	free(pki->inter_pem);
	free(pki);
}

const char *
tlswrap_pki_ca_pem(const struct tlswrap_pki *pki)
{
	return pki->root_pem;
}

const char *
tlswrap_pki_intermediate_pem(const struct tlswrap_pki *pki)
{
	return pki->inter_pem;
}

struct tlswrap_cred *
tlswrap_cred_new(struct tlswrap_pki *pki, const struct tlswrap_cred_spec *sp,
    char **err)
{
	static const char *const	 localhost[] = { "localhost", NULL };
	static const char *const	 wrong[] = { "wrong-name.invalid",
					    NULL };
	struct tlswrap_cred		*cr;
	struct tlswrap_crt_req		 r;
	const char *const		*names;
	const unsigned char		*up_der = NULL;
	unsigned char			*der = NULL;
	char				*dn = NULL, *idn = NULL;
	time_t				 days;
	size_t				 i, len, up_len = 0;
	int				 ret;

	if (err != NULL)
		*err = NULL;
	names = sp->names != NULL && sp->names[0] != NULL ? sp->names :
	    localhost;
	for (i = 0; names[i] != NULL; i++) {
		if (!tlswrap_name_valid(names[i])) {
			tlswrap_set_err(err, "certificate name %zu is not a "
			    "DNS name (letters, digits, '-', '.', '*').", i);
			return NULL;
		}
	}
	if (sp->kind == TLSWRAP_CRED_WRONG_NAME)
		names = wrong;
	days = sp->days > 0 ? sp->days : 365;

	cr = xcalloc(1, sizeof *cr);
	cr->pki = pki;
	cr->keytype = sp->key == TLSWRAP_KEY_RSA ? TLSWRAP_KEY_RSA :
	    TLSWRAP_KEY_ECDSA;
	mbedtls_x509_crt_init(&cr->chain);
	mbedtls_pk_init(&cr->key);
	if ((ret = tlswrap_leaf_key(&cr->key, cr->keytype,
	    &pki->rng.drbg)) != 0) {
		tlswrap_make_err(err, cr->keytype == TLSWRAP_KEY_RSA ?
		    "RSA 2048 key" : "ECDSA P-256 key", ret);
		goto fail;
	}

	memset(&r, 0, sizeof r);
	xasprintf(&dn, "CN=%s,O=%s", names[0], TLSWRAP_DEMO_O);
	r.key = &cr->key;
	r.subject = dn;
	r.sans = names;
	r.not_before = pki->now - TLSWRAP_DAY;
	r.not_after = pki->now + days * TLSWRAP_DAY;
	r.issuer_key = &pki->inter_key;
	xasprintf(&idn, "CN=mailports demo intermediate CA,O=%s",
	    TLSWRAP_DEMO_O);
	up_der = pki->inter_der;
	up_len = pki->inter_len;
	switch (sp->kind) {
	case TLSWRAP_CRED_EXPIRED:
		r.not_after = pki->now - 2 * TLSWRAP_DAY;
		r.not_before = r.not_after - days * TLSWRAP_DAY;
		break;
	case TLSWRAP_CRED_NOT_YET_VALID:
		r.not_before = pki->now + 2 * TLSWRAP_DAY;
		r.not_after = r.not_before + days * TLSWRAP_DAY;
		break;
	case TLSWRAP_CRED_SELF_SIGNED:
		r.issuer_key = &cr->key;
		free(idn);
		idn = xstrdup(dn);
		up_der = NULL;
		break;
	case TLSWRAP_CRED_MISSING_INTERMEDIATE:
		up_der = NULL;
		break;
	case TLSWRAP_CRED_UNTRUSTED_ROOT:
		r.issuer_key = &pki->other_key;
		free(idn);
		idn = xstrdup("CN=Unrelated root CA,O=not the demo");
		up_der = pki->other_der;
		up_len = pki->other_len;
		break;
	default:
		break;
	}
	r.issuer = idn;
	if ((ret = tlswrap_crt_write(pki, &r, &der, &len)) != 0) {
		tlswrap_make_err(err, "certificate", ret);
		goto fail;
	}
	if ((ret = mbedtls_x509_crt_parse_der(&cr->chain, der, len)) != 0 ||
	    (up_der != NULL && (ret = mbedtls_x509_crt_parse_der(&cr->chain,
	    up_der, up_len)) != 0)) {
		tlswrap_make_err(err, "certificate chain", ret);
		goto fail;
	}
	cr->pem = tlswrap_pem(der, len);
	if (cr->pem == NULL) {
		tlswrap_set_err(err, "cannot write the certificate as PEM.");
		goto fail;
	}
	free(der);
	free(dn);
	free(idn);
	return cr;

fail:
	free(der);
	free(dn);
	free(idn);
	tlswrap_cred_free(cr);
	return NULL;
}

void
tlswrap_cred_free(struct tlswrap_cred *cr)
{
	if (cr == NULL)
		return;
	mbedtls_x509_crt_free(&cr->chain);
	mbedtls_pk_free(&cr->key);
	free(cr->pem);
	free(cr);
}

const char *
tlswrap_cred_pem(const struct tlswrap_cred *cr)
{
	return cr->pem;
}

/* RSA_PSS: mbedTLS 3.6 signs a TLS 1.2 ServerKeyExchange with PKCS#1
 * v1.5 only (ssl_tls12_server.c writes the "rsa" SignatureAndHash bytes
 * itself).  A server that signs with RSA-PSS, as OpenSSL does by
 * default, is made by an RSA_ALT key whose signing function rewrites
 * those two bytes to rsa_pss_rsae_<hash> and signs with PSS: the message
 * is hashed into the transcript only after the signature is written, so
 * both sides see the same bytes.  The bytes are changed only when the
 * signature buffer sits exactly where the 3.6 layout puts it. */
static size_t
tlswrap_pss_keylen(void *ctx)
{
	struct tlswrap_srv_config	*sc = ctx;

	return mbedtls_rsa_get_len(mbedtls_pk_rsa(sc->cred->key));
}

static int
tlswrap_pss_decrypt(void *ctx, size_t *olen, const unsigned char *in,
    unsigned char *out, size_t max)
{
	struct tlswrap_srv_config	*sc = ctx;

	return mbedtls_rsa_pkcs1_decrypt(mbedtls_pk_rsa(sc->cred->key),
	    mbedtls_ctr_drbg_random, &sc->rng.drbg, olen, in, out, max);
}

static int
tlswrap_pss_sign(void *ctx, mbedtls_f_rng_t *f_rng, void *p_rng,
    mbedtls_md_type_t md, unsigned int hashlen, const unsigned char *hash,
    unsigned char *sig)
{
	struct tlswrap_srv_config	*sc = ctx;
	mbedtls_rsa_context		*rsa = mbedtls_pk_rsa(sc->cred->key);
#ifdef TLSWRAP_36_LAYOUT
	unsigned char			*m, code;
	mbedtls_md_type_t		 pmd;
	size_t				 n;
	int				 pad, ret;

	code = md == MBEDTLS_MD_SHA256 ? 0x04 : md == MBEDTLS_MD_SHA384 ?
	    0x05 : md == MBEDTLS_MD_SHA512 ? 0x06 : 0;
	if (sc->signing != NULL && code != 0) {
		m = sc->signing->ssl.MBEDTLS_PRIVATE(out_msg);
		n = sc->signing->ssl.MBEDTLS_PRIVATE(out_msglen);
		if (m != NULL && n >= 2 && sig == m + n + 2 &&
		    m[n - 1] == MBEDTLS_SSL_SIG_RSA) {
			m[n - 2] = 0x08;	/* RFC 8446 4.2.3 */
			m[n - 1] = code;
			/* PSS with MGF1 over the same hash, salt as long
			 * as the hash; the key is shared, so its PKCS#1
			 * v1.5 mode is put back at once. */
			pad = mbedtls_rsa_get_padding_mode(rsa);
			pmd = mbedtls_rsa_get_md_alg(rsa);
			ret = mbedtls_rsa_set_padding(rsa, MBEDTLS_RSA_PKCS_V21,
			    md);
			if (ret == 0)
				ret = mbedtls_rsa_rsassa_pss_sign_ext(rsa,
				    f_rng, p_rng, md, hashlen, hash,
				    (int)hashlen, sig);
			(void)mbedtls_rsa_set_padding(rsa, pad, pmd);
			return ret;
		}
	}
#endif
	return mbedtls_rsa_pkcs1_sign(rsa, f_rng, p_rng, md, hashlen, hash,
	    sig);
}

struct tlswrap_srv_config *
tlswrap_srv_config_new(const struct tlswrap_cred *cr,
    const struct tlswrap_srv_opts *o, char **err)
{
	static const struct tlswrap_srv_opts	 defaults;
	struct tlswrap_srv_config		*sc;
	mbedtls_pk_context			*key;
	int					 lo, hi, ret;

	if (err != NULL)
		*err = NULL;
	if (o == NULL)
		o = &defaults;
	lo = o->tls_min != 0 ? o->tls_min : 12;
	hi = o->tls_max != 0 ? o->tls_max :
	    o->sig != TLSWRAP_SIG_DEFAULT ? 12 : 13;
	if ((lo != 12 && lo != 13) || (hi != 12 && hi != 13) || lo > hi) {
		tlswrap_set_err(err, "TLS versions must be 1.2 or 1.3, the "
		    "lowest first (got %d and %d).", lo, hi);
		return NULL;
	}
	if (o->sig != TLSWRAP_SIG_DEFAULT && (hi != 12 ||
	    cr->keytype != TLSWRAP_KEY_RSA)) {
		tlswrap_set_err(err, "a choice of RSA signature needs TLS 1.2 "
		    "only and an RSA key (TLS 1.3 always signs with PSS).");
		return NULL;
	}
#ifndef TLSWRAP_36_LAYOUT
	if (o->sig == TLSWRAP_SIG_RSA_PSS) {
		tlswrap_set_err(err, "TLS 1.2 RSA-PSS signing is only "
		    "available with the mbedTLS 3.6 layout.");
		return NULL;
	}
#endif

	sc = xcalloc(1, sizeof *sc);
	sc->cred = cr;
	sc->opts = *o;
	sc->opts.after_notify = NULL;
	sc->after_notify = xstrdup(o->after_notify != NULL ?
	    o->after_notify : "* BYE data after close_notify\r\n");
	mbedtls_ssl_config_init(&sc->conf);
#if defined(MBEDTLS_SSL_TICKET_C)
	mbedtls_ssl_ticket_init(&sc->ticket);
#endif
	mbedtls_x509_crt_init(&sc->ca);
	mbedtls_pk_init(&sc->pss_key);
	if (tlswrap_rng_init(&sc->rng, err) != 0 ||
	    tlswrap_conf_defaults(&sc->conf, MBEDTLS_SSL_IS_SERVER,
	    &sc->rng, err) != 0)
		goto fail;
	mbedtls_ssl_conf_min_tls_version(&sc->conf, lo == 12 ?
	    MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3);
	mbedtls_ssl_conf_max_tls_version(&sc->conf, hi == 12 ?
	    MBEDTLS_SSL_VERSION_TLS1_2 : MBEDTLS_SSL_VERSION_TLS1_3);

	/* The library keeps pointers; the cred outlives the config. */
	key = (mbedtls_pk_context *)(uintptr_t)&cr->key;
	if (o->sig == TLSWRAP_SIG_RSA_PSS) {
		ret = mbedtls_pk_setup_rsa_alt(&sc->pss_key, sc,
		    tlswrap_pss_decrypt, tlswrap_pss_sign, tlswrap_pss_keylen);
		if (ret != 0) {
			tlswrap_make_err(err, "RSA-PSS signer", ret);
			goto fail;
		}
		key = &sc->pss_key;
	} else if (o->sig == TLSWRAP_SIG_PKCS1) {
		sc->sig_algs[0] = MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA256;
		sc->sig_algs[1] = MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA384;
		sc->sig_algs[2] = MBEDTLS_TLS1_3_SIG_RSA_PKCS1_SHA512;
		sc->sig_algs[3] = MBEDTLS_TLS1_3_SIG_NONE;
		mbedtls_ssl_conf_sig_algs(&sc->conf, sc->sig_algs);
	}
	ret = mbedtls_ssl_conf_own_cert(&sc->conf,
	    (mbedtls_x509_crt *)(uintptr_t)&cr->chain, key);
	if (ret != 0) {
		tlswrap_make_err(err, "server certificate setting", ret);
		goto fail;
	}

	if (o->request_client_cert) {
		/* Optional: the session goes on without one, the way a
		 * mail server asking for a certificate usually does. */
		ret = mbedtls_x509_crt_parse_der(&sc->ca, cr->pki->root_der,
		    cr->pki->root_len);
		if (ret != 0) {
			tlswrap_make_err(err, "client CA list", ret);
			goto fail;
		}
		mbedtls_ssl_conf_ca_chain(&sc->conf, &sc->ca, NULL);
		mbedtls_ssl_conf_authmode(&sc->conf,
		    MBEDTLS_SSL_VERIFY_OPTIONAL);
	} else
		mbedtls_ssl_conf_authmode(&sc->conf, MBEDTLS_SSL_VERIFY_NONE);

#if defined(MBEDTLS_SSL_SESSION_TICKETS) && defined(MBEDTLS_SSL_SRV_C) && \
    defined(MBEDTLS_SSL_TICKET_C) && defined(MBEDTLS_SSL_PROTO_TLS1_3)
	if (o->tickets > 0) {
		ret = mbedtls_ssl_ticket_setup(&sc->ticket,
		    mbedtls_ctr_drbg_random, &sc->rng.drbg,
		    MBEDTLS_CIPHER_AES_256_GCM, TLSWRAP_DAY);
		if (ret != 0) {
			tlswrap_make_err(err, "session ticket key", ret);
			goto fail;
		}
		mbedtls_ssl_conf_session_tickets_cb(&sc->conf,
		    mbedtls_ssl_ticket_write, mbedtls_ssl_ticket_parse,
		    &sc->ticket);
		mbedtls_ssl_conf_new_session_tickets(&sc->conf,
		    (uint16_t)(o->tickets < TLSWRAP_TICKETS_MAX ? o->tickets :
		    TLSWRAP_TICKETS_MAX));
	} else
		mbedtls_ssl_conf_new_session_tickets(&sc->conf, 0);
#else
	if (o->tickets > 0) {
		tlswrap_set_err(err, "this mbedTLS cannot send TLS 1.3 "
		    "session tickets.");
		goto fail;
	}
#endif
	return sc;

fail:
	tlswrap_srv_config_free(sc);
	return NULL;
}

void
tlswrap_srv_config_free(struct tlswrap_srv_config *sc)
{
	if (sc == NULL)
		return;
	mbedtls_ssl_config_free(&sc->conf);
#if defined(MBEDTLS_SSL_TICKET_C)
	mbedtls_ssl_ticket_free(&sc->ticket);
#endif
	mbedtls_x509_crt_free(&sc->ca);
	mbedtls_pk_free(&sc->pss_key);
	tlswrap_rng_free(&sc->rng);
	free(sc->after_notify);
	free(sc);
}

struct tlswrap *
tlswrap_srv_new(struct tlswrap_srv_config *sc, int fd, struct transcript *tr,
    uint64_t t0_us)
{
	struct tlswrap	*tw;

	tw = tlswrap_alloc(fd, NULL, tr, t0_us);
	tw->server = true;
	tw->scfg = sc;
	tw->req_cert = sc->opts.request_client_cert;
	return tlswrap_setup_done(tw, mbedtls_ssl_setup(&tw->ssl, &sc->conf));
}

/* The alert the client sent (plaintext or decrypted), -1 if unknown. */
static int
tlswrap_srv_in_alert(const struct tlswrap *tw)
{
#ifdef TLSWRAP_36_LAYOUT
	const mbedtls_ssl_context	*ssl = &tw->ssl;

	if (ssl->MBEDTLS_PRIVATE(in_msgtype) == MBEDTLS_SSL_MSG_ALERT &&
	    ssl->MBEDTLS_PRIVATE(in_msg) != NULL &&
	    ssl->MBEDTLS_PRIVATE(in_msglen) >= 2)
		return ssl->MBEDTLS_PRIVATE(in_msg)[1];
#else
	(void)tw;
#endif
	return -1;
}

/* A server's failure, for the lab server's log: the client's doing. */
static char *
tlswrap_srv_words(struct tlswrap *tw, int ret)
{
	const char	*w;
	char		*s;
	int		 alert;

	switch (ret) {
	case MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE:
		alert = tlswrap_srv_in_alert(tw);
		w = alert >= 0 ? tls_observe_alert_words(alert) : NULL;
		if (w != NULL)
			xasprintf(&s, "client sent alert: %s", w);
		else
			s = xstrdup("client sent a fatal alert");
		return s;
	case MBEDTLS_ERR_SSL_CONN_EOF:
		return xstrdup("client closed the connection during the "
		    "handshake");
	case MBEDTLS_ERR_NET_CONN_RESET:
		return xstrdup("client reset the connection during the "
		    "handshake");
	case MBEDTLS_ERR_NET_RECV_FAILED:
	case MBEDTLS_ERR_NET_SEND_FAILED:
		xasprintf(&s, "%s failed during handshake: %s",
		    ret == MBEDTLS_ERR_NET_RECV_FAILED ? "receive" : "send",
		    strerror(tw->sys_errno));
		return s;
	case MBEDTLS_ERR_SSL_BAD_PROTOCOL_VERSION:
		return xstrdup("no TLS version in common with the client");
	case MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE:
		return xstrdup("no cipher suite, group or signature scheme in "
		    "common with the client");
	case MBEDTLS_ERR_SSL_INVALID_RECORD:
	case MBEDTLS_ERR_SSL_DECODE_ERROR:
	case MBEDTLS_ERR_SSL_UNEXPECTED_RECORD:
	case MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE:
	case MBEDTLS_ERR_SSL_ILLEGAL_PARAMETER:
		return xstrdup("client sent something that is not a valid TLS "
		    "handshake");
	}
	xasprintf(&s, "TLS handshake failed (mbedTLS error -0x%04x)",
	    (unsigned)-ret);
	return s;
}

/* ALERT_MID_HANDSHAKE: the ClientHello has arrived; answer it with a
 * fatal alert instead of a ServerHello. */
static enum io_res
tlswrap_srv_alert(struct tlswrap *tw)
{
	const char	*w;
	char		*s;
	int		 desc, ret;

	desc = tw->scfg->opts.alert > 0 && tw->scfg->opts.alert < 256 ?
	    tw->scfg->opts.alert : ALERT_HANDSHAKE_FAILURE;
	/* A second call after WANT_WRITE only flushes the first. */
	ret = mbedtls_ssl_send_alert_message(&tw->ssl,
	    MBEDTLS_SSL_ALERT_LEVEL_FATAL, (unsigned char)desc);
	if (ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return IO_WANT_WRITE;
	tw->alert_sent = true;
	w = tls_observe_alert_words(desc);
	xasprintf(&s, "fatal alert %s (%d) sent after the ClientHello, as "
	    "configured", w != NULL ? w : "unknown", desc);
	(void)tlswrap_set_failure(tw, MBEDTLS_ERR_SSL_HANDSHAKE_FAILURE, s);
	return IO_ERR;
}

static enum io_res
tlswrap_srv_handshake(struct tlswrap *tw)
{
	struct tlswrap_srv_config	*sc = tw->scfg;
	bool				 alert;
	int				 ret, i;

	alert = sc->opts.misbehave == TLSWRAP_MIS_ALERT_MID_HANDSHAKE;
	for (i = 0; i < TLSWRAP_RETRY; i++) {
		if (alert && tw->ch_seen)
			return tlswrap_srv_alert(tw);
		/* Step by step when the alert must go out after the
		 * ClientHello and before anything else is written. */
		sc->signing = tw;
		ret = alert ? mbedtls_ssl_handshake_step(&tw->ssl) :
		    mbedtls_ssl_handshake(&tw->ssl);
		sc->signing = NULL;
		if (ret == 0 && mbedtls_ssl_is_handshake_over(&tw->ssl)) {
			tlswrap_on_established(tw);
			return IO_DONE;
		}
		switch (ret) {
		case 0:
		case MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS:
		case MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS:
			continue;
		case MBEDTLS_ERR_SSL_WANT_READ:
			if (alert && tw->ch_seen)
				continue;
			return IO_WANT_READ;
		case MBEDTLS_ERR_SSL_WANT_WRITE:
			return IO_WANT_WRITE;
		}
		return tlswrap_fail(tw, ret);
	}
	return IO_WANT_WRITE;
}

/* The close misbehaviours; true when close_notify was dealt with here. */
static bool
tlswrap_srv_close(struct tlswrap *tw)
{
	const char	*p = tw->scfg->after_notify;
	int		 ret;

	switch (tw->scfg->opts.misbehave) {
	case TLSWRAP_MIS_CLOSE_NO_NOTIFY:
		tlswrap_note(tw, 0, "no close_notify sent, as configured");
		return true;
	case TLSWRAP_MIS_DATA_AFTER_NOTIFY:
		(void)mbedtls_ssl_close_notify(&tw->ssl);
		ret = mbedtls_ssl_write(&tw->ssl, (const unsigned char *)p,
		    strlen(p));
		tlswrap_note(tw, 0, "close_notify sent, then %d bytes of "
		    "data, as configured", ret > 0 ? ret : 0);
		return true;
	default:
		return false;
	}
}

/* SPDX-License-Identifier: ISC */
/*
 * The TLS observer: follows the records of one client connection in both
 * directions and the server's plaintext handshake messages (ServerHello,
 * Certificate, ServerKeyExchange, CertificateRequest), our ClientHello's
 * SNI, alerts and plaintext where a record was due, so that tlswrap can
 * name a failure by its cause.  A pure parser of hostile bytes: no TLS
 * library, no I/O, no transcript (events are queued for the caller), and
 * every buffer has a cap.  tests/fuzz/fuzz_tls_observe.c fuzzes it.
 */
#include "config.h"

#include "tls_observe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define OBS_CH_MAX		4096	/* ClientHello bytes parsed for SNI */
#define OBS_SH_MAX		512	/* ServerHello bytes parsed */
#define OBS_SKE_MAX		4096	/* ServerKeyExchange bytes parsed */
#define OBS_CERTMSG_MAX		65536	/* TLS 1.2 Certificate bytes kept */
#define OBS_EVENTS		16	/* events queued */

/* TLS record content types and handshake message types (RFC 8446 5.1,
 * 4; RFC 5246 6.2.1, 7.4). */
#define REC_CCS			20
#define REC_ALERT		21
#define REC_HANDSHAKE		22
#define REC_APPDATA		23
#define HS_CLIENT_HELLO		1
#define HS_SERVER_HELLO		2
#define HS_CERTIFICATE		11
#define HS_SERVER_KEY_EXCHANGE	12
#define HS_CERTIFICATE_REQUEST	13
#define EXT_SERVER_NAME		0
#define EXT_SUPPORTED_VERSIONS	43
#define EXT_KEY_SHARE		51
#define VERSION_TLS12		0x0303
#define VERSION_TLS13		0x0304

/* Follows the record layer of one direction as a byte stream; records may
 * arrive in any number of pieces. */
struct recscan {
	unsigned char	 hdr[5];	/* record header being collected */
	size_t		 hdrlen;	/* 5: inside the record body */
	size_t		 left;		/* body bytes still to come */
	size_t		 nrec;		/* records started */
};

/* Follows handshake messages inside plaintext handshake records. */
struct hsscan {
	unsigned char	 hdr[4];	/* message header being collected */
	size_t		 hdrlen;	/* 4: inside the message body */
	size_t		 left;		/* body bytes still to come */
	size_t		 seen;		/* body bytes seen so far */
};

struct tls_observe {
	struct tls_observe_seen	 seen;		/* the conclusions */
	bool			 established;	/* handshake completed */
	unsigned		 version;	/* negotiated then */

	struct recscan		 in;		/* server -> client records */
	struct recscan		 out;		/* client -> server records */
	struct hsscan		 hs;		/* server handshake messages */
	unsigned char		 alert[2];	/* plaintext alert body */
	size_t			 alertlen;	/* bytes in alert */
	unsigned char		 sh[OBS_SH_MAX]; /* ServerHello body */
	size_t			 shlen;		/* bytes in sh */
	unsigned char		*ske;		/* ServerKeyExchange body */
	size_t			 skelen;	/* bytes in ske */
	unsigned char		*ch;		/* ClientHello being captured */
	size_t			 chlen;		/* bytes in ch */
	bool			 ch_cut;	/* ClientHello too long */
	bool			 ch_done;	/* ClientHello reported */
	unsigned char		*certmsg;	/* TLS 1.2 Certificate body */
	size_t			 certmsg_len;	/* bytes in certmsg */
	size_t			 certmsg_cap;	/* bytes kept at most */
	unsigned char		 plain[TLS_OBSERVE_PLAIN_MAX + 1]; /* + NUL */
	size_t			 plainlen;	/* bytes in plain */

	struct tls_observe_event ev[OBS_EVENTS]; /* ring of events */
	size_t			 ev_head;	/* oldest */
	size_t			 ev_n;		/* queued */
};

/* RFC 8446 6, RFC 5246 7.2: alert descriptions in words. */
static const struct {
	int		 code;
	const char	*words;
} obs_alerts[] = {
	{ 0, "close notify" },
	{ 10, "unexpected message" },
	{ 20, "bad record MAC" },
	{ 21, "decryption failed" },
	{ 22, "record overflow" },
	{ 30, "decompression failure" },
	{ 40, "handshake failure" },
	{ 41, "no certificate" },
	{ 42, "bad certificate" },
	{ 43, "unsupported certificate" },
	{ 44, "certificate revoked" },
	{ 45, "certificate expired" },
	{ 46, "certificate unknown" },
	{ 47, "illegal parameter" },
	{ 48, "unknown CA" },
	{ 49, "access denied" },
	{ 50, "decode error" },
	{ 51, "decrypt error" },
	{ 60, "export restriction" },
	{ 70, "protocol version" },
	{ 71, "insufficient security" },
	{ 80, "internal error" },
	{ 86, "inappropriate fallback" },
	{ 90, "user canceled" },
	{ 100, "no renegotiation" },
	{ 109, "missing extension" },
	{ 110, "unsupported extension" },
	{ 111, "certificate unobtainable" },
	{ 112, "unrecognized name" },
	{ 113, "bad certificate status response" },
	{ 114, "bad certificate hash value" },
	{ 115, "unknown PSK identity" },
	{ 116, "certificate required" },
	{ 120, "no application protocol" }
};

/* Named groups (IANA TLS Supported Groups registry). */
static const struct {
	unsigned	 id;
	const char	*name;
} obs_groups[] = {
	{ 0x0017, "secp256r1" },
	{ 0x0018, "secp384r1" },
	{ 0x0019, "secp521r1" },
	{ 0x001a, "brainpoolP256r1" },
	{ 0x001b, "brainpoolP384r1" },
	{ 0x001c, "brainpoolP512r1" },
	{ 0x001d, "x25519" },
	{ 0x001e, "x448" },
	{ 0x001f, "brainpoolP256r1tls13" },
	{ 0x0020, "brainpoolP384r1tls13" },
	{ 0x0021, "brainpoolP512r1tls13" },
	{ 0x0100, "ffdhe2048" },
	{ 0x0101, "ffdhe3072" },
	{ 0x0102, "ffdhe4096" },
	{ 0x0103, "ffdhe6144" },
	{ 0x0104, "ffdhe8192" },
	{ 0x11eb, "SecP256r1MLKEM768" },
	{ 0x11ec, "X25519MLKEM768" },
	{ 0x11ed, "SecP384r1MLKEM1024" }
};

/* Signature schemes (IANA TLS SignatureScheme registry; RFC 8446
 * 4.2.3).  In TLS 1.2 the same two bytes are a hash and a signature
 * algorithm (RFC 5246 7.4.1.4.1); the registry names them alike. */
static const struct {
	unsigned	 id;
	const char	*name;
} obs_sigs[] = {
	{ 0x0201, "rsa_pkcs1_sha1" },
	{ 0x0203, "ecdsa_sha1" },
	{ 0x0401, "rsa_pkcs1_sha256" },
	{ 0x0403, "ecdsa_secp256r1_sha256" },
	{ 0x0501, "rsa_pkcs1_sha384" },
	{ 0x0503, "ecdsa_secp384r1_sha384" },
	{ 0x0601, "rsa_pkcs1_sha512" },
	{ 0x0603, "ecdsa_secp521r1_sha512" },
	{ 0x0804, "rsa_pss_rsae_sha256" },
	{ 0x0805, "rsa_pss_rsae_sha384" },
	{ 0x0806, "rsa_pss_rsae_sha512" },
	{ 0x0807, "ed25519" },
	{ 0x0808, "ed448" },
	{ 0x0809, "rsa_pss_pss_sha256" },
	{ 0x080a, "rsa_pss_pss_sha384" },
	{ 0x080b, "rsa_pss_pss_sha512" },
	{ 0x081a, "ecdsa_brainpoolP256r1tls13_sha256" },
	{ 0x081b, "ecdsa_brainpoolP384r1tls13_sha384" },
	{ 0x081c, "ecdsa_brainpoolP512r1tls13_sha512" }
};

/* RFC 8446 4.1.3: the random of a HelloRetryRequest. */
static const unsigned char obs_hrr_random[32] = {
	0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
	0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
	0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
	0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
};

static unsigned
obs_u16(const unsigned char *b)
{
	return (unsigned)b[0] << 8 | b[1];
}

static size_t
obs_u24(const unsigned char *b)
{
	return (size_t)b[0] << 16 | (size_t)b[1] << 8 | b[2];
}

/* A new event at the end of the queue, or NULL when it is full (the
 * caller drains it after each feed, so only a flood of tiny records in
 * one piece gets there; they are counted). */
static struct tls_observe_event *
obs_event(struct tls_observe *o, enum tls_observe_ev type)
{
	struct tls_observe_event	*e;

	if (o->ev_n == OBS_EVENTS) {
		o->seen.events_dropped++;
		return NULL;
	}
	e = &o->ev[(o->ev_head + o->ev_n) % OBS_EVENTS];
	o->ev_n++;
	memset(e, 0, sizeof *e);
	e->type = type;
	return e;
}

static void
obs_event_value(struct tls_observe *o, enum tls_observe_ev type,
    unsigned value)
{
	struct tls_observe_event	*e;

	e = obs_event(o, type);
	if (e != NULL)
		e->value = value;
}

static void
obs_cert_req(struct tls_observe *o)
{
	if (o->seen.cert_req)
		return;
	o->seen.cert_req = true;
	(void)obs_event(o, TLS_OBS_CERT_REQUEST);
}

/* Walk the extensions block of a hello message that starts at b[i] (a
 * two-byte length, then type/length/body entries), never past n.  Each
 * call yields one extension: its type, body offset and length; false at
 * the end or on a length that does not fit. */
struct obs_exts {
	const unsigned char	*b;		/* the message */
	size_t			 i;		/* next entry */
	size_t			 end;		/* end of the block */
};

static void
obs_exts_init(struct obs_exts *x, const unsigned char *b, size_t i,
    size_t n)
{
	x->b = b;
	x->i = i;
	x->end = i;			/* nothing, unless the length fits */
	if (i > n || n - i < 2)
		return;
	x->end = i + 2 + obs_u16(b + i);
	if (x->end > n)
		x->end = n;
	x->i = i + 2;
}

static bool
obs_exts_next(struct obs_exts *x, unsigned *type, size_t *off, size_t *len)
{
	const unsigned char	*b = x->b;

	if (x->i > x->end || x->end - x->i < 4)
		return false;
	*type = obs_u16(b + x->i);
	*len = obs_u16(b + x->i + 2);
	*off = x->i + 4;
	if (*len > x->end - *off)
		return false;
	x->i = *off + *len;
	return true;
}

/* Server handshake message complete (or its first OBS_SH_MAX bytes):
 * RFC 8446 4.1.3 / RFC 5246 7.4.1.3. */
static void
obs_server_hello(struct tls_observe *o)
{
	const unsigned char	*b = o->sh;
	struct obs_exts		 x;
	size_t			 n = o->shlen, i, elen;
	unsigned		 version, group = 0, type;
	bool			 hrr;

	if (n < 35)
		return;
	version = obs_u16(b);
	hrr = memcmp(b + 2, obs_hrr_random, 32) == 0;
	i = 35 + b[34];			/* session id */
	i += 3;				/* cipher suite, compression */
	obs_exts_init(&x, b, i, n);
	while (obs_exts_next(&x, &type, &i, &elen)) {
		if (type == EXT_SUPPORTED_VERSIONS && elen == 2)
			version = obs_u16(b + i);
		if (type == EXT_KEY_SHARE && elen >= 2)
			group = obs_u16(b + i);
	}
	o->seen.sh_version = version;
	if (group != 0)
		o->seen.group = group;
	if (tls_observe_is_legacy(version))
		o->seen.legacy = true;
	if (hrr)
		obs_event_value(o, TLS_OBS_HELLO_RETRY, group);
	else if (tls_observe_is_legacy(version))
		obs_event_value(o, TLS_OBS_LEGACY_HELLO, version);
}

/* The signature_algorithm of a TLS 1.2 signed ServerKeyExchange: at b[i]
 * two bytes of scheme, then the signature with a two-byte length that
 * must end the message exactly (RFC 5246 7.4.3). */
static unsigned
obs_ske_sig_at(const unsigned char *b, size_t n, size_t i)
{
	if (i > n || n - i < 4)
		return 0;
	if (obs_u16(b + i + 2) != n - i - 4)
		return 0;
	return obs_u16(b + i);
}

/* The whole ServerKeyExchange body: ECDHE (RFC 8422 5.4: curve_type
 * named_curve(3), group, point<1..255>) or DHE (RFC 5246 7.4.3: p, g, Ys,
 * each <1..2^16-1>), then the signature.  PSK and anonymous exchanges
 * have none; the exact-length rule keeps them from being misread. */
static void
obs_server_key_exchange(struct tls_observe *o)
{
	const unsigned char	*b = o->ske;
	size_t			 n = o->skelen, i;
	unsigned		 sig = 0;
	int			 k;

	if (b == NULL || o->seen.sh_version != VERSION_TLS12)
		return;
	if (n >= 4 && b[0] == 3)
		sig = obs_ske_sig_at(b, n, 4 + (size_t)b[3]);
	if (sig == 0) {
		for (i = 0, k = 0; k < 3 && i <= n && n - i >= 2; k++)
			i += 2 + obs_u16(b + i);
		if (k == 3)
			sig = obs_ske_sig_at(b, n, i);
	}
	if (sig != 0)
		o->seen.signature = sig;
}

static void
obs_hs_start(struct tls_observe *o, unsigned type, size_t len)
{
	o->seen.hs_type = type;
	o->seen.hs_len = len;
	if (type == HS_SERVER_HELLO)
		o->shlen = 0;
	if (type == HS_SERVER_KEY_EXCHANGE) {
		if (o->ske == NULL)
			o->ske = xmalloc(OBS_SKE_MAX);
		o->skelen = 0;
	}
	/* TLS 1.2 sends the chain in the clear: kept so that a handshake
	 * that fails on it (chain too long) can still show it. */
	if (type == HS_CERTIFICATE) {
		free(o->certmsg);
		o->certmsg_cap = len < OBS_CERTMSG_MAX ? len : OBS_CERTMSG_MAX;
		o->certmsg = xmalloc(o->certmsg_cap + 1);
		o->certmsg_len = 0;
	}
	if (type == HS_CERTIFICATE_REQUEST)
		obs_cert_req(o);
}

static void
obs_keep(unsigned char *buf, size_t *len, size_t cap,
    const unsigned char *p, size_t n)
{
	size_t	k;

	if (*len >= cap)
		return;
	k = cap - *len;
	if (k > n)
		k = n;
	memcpy(buf + *len, p, k);
	*len += k;
}

static void
obs_hs_body(struct tls_observe *o, unsigned type, const unsigned char *p,
    size_t n)
{
	if (type == HS_CERTIFICATE && o->certmsg != NULL)
		obs_keep(o->certmsg, &o->certmsg_len, o->certmsg_cap, p, n);
	if (type == HS_SERVER_HELLO)
		obs_keep(o->sh, &o->shlen, sizeof o->sh, p, n);
	if (type == HS_SERVER_KEY_EXCHANGE && o->ske != NULL) {
		obs_keep(o->ske, &o->skelen, OBS_SKE_MAX, p, n);
		/* Known as soon as it arrives, should the message never
		 * complete. */
		if (o->skelen >= 3 && o->ske[0] == 3)
			o->seen.group = obs_u16(o->ske + 1);
	}
}

static void
obs_hs_end(struct tls_observe *o, unsigned type)
{
	if (type == HS_SERVER_HELLO)
		obs_server_hello(o);
	if (type == HS_SERVER_KEY_EXCHANGE && o->seen.hs_len <= OBS_SKE_MAX)
		obs_server_key_exchange(o);
}

/* Bytes of plaintext handshake records from the server. */
static void
obs_hs_feed(struct tls_observe *o, const unsigned char *p, size_t n)
{
	struct hsscan	*hs = &o->hs;
	size_t		 k;
	unsigned	 type;

	while (n > 0) {
		if (hs->hdrlen < 4) {
			hs->hdr[hs->hdrlen++] = *p++;
			n--;
			if (hs->hdrlen < 4)
				continue;
			hs->left = obs_u24(hs->hdr + 1);
			hs->seen = 0;
			obs_hs_start(o, hs->hdr[0], hs->left);
			if (hs->left == 0) {
				obs_hs_end(o, hs->hdr[0]);
				hs->hdrlen = 0;
			}
			continue;
		}
		type = hs->hdr[0];
		k = n < hs->left ? n : hs->left;
		obs_hs_body(o, type, p, k);
		hs->seen += k;
		hs->left -= k;
		p += k;
		n -= k;
		if (hs->left == 0) {
			obs_hs_end(o, type);
			hs->hdrlen = 0;
		}
	}
}

static void
obs_in_start(struct tls_observe *o, unsigned type, unsigned ver, size_t len)
{
	if (o->in.nrec == 1)
		o->seen.first_ver = ver;
	if (type == REC_ALERT)
		o->alertlen = 0;
	if (type == REC_CCS)
		o->seen.server_ccs = true;
	/* An alert inside an encrypted record cannot be read here. */
	if ((type == REC_ALERT && len != 2) || type == REC_APPDATA)
		o->seen.alert_hidden = true;
	/* RFC 5246 7.4.1.1: after a TLS 1.2 handshake the only handshake
	 * message a server may send is HelloRequest (TLS 1.3 hides record
	 * types and has no renegotiation). */
	if (type == REC_HANDSHAKE && o->established &&
	    o->version == VERSION_TLS12)
		o->seen.reneg = true;
	/* RFC 8446 5.1 forbids empty handshake records. */
	if (type == REC_HANDSHAKE && !o->established &&
	    !o->seen.server_ccs && len == 0 && !o->seen.hs_split) {
		o->seen.hs_split = true;
		o->seen.hs_split_len = 0;
	}
}

static void
obs_in_body(struct tls_observe *o, unsigned type, size_t len,
    const unsigned char *p, size_t n)
{
	if (type == REC_ALERT && len == 2)
		obs_keep(o->alert, &o->alertlen, sizeof o->alert, p, n);
	if (type == REC_HANDSHAKE && !o->seen.server_ccs)
		obs_hs_feed(o, p, n);
}

static void
obs_in_end(struct tls_observe *o, unsigned type, size_t len)
{
	struct tls_observe_event	*e;

	/* RFC 8446 5.1 lets a handshake message span records, and mbedTLS
	 * 3.6 reassembles it, but only with the 4-byte message header whole
	 * in one record: note a record that ends inside a header. */
	if (type == REC_HANDSHAKE && !o->established &&
	    !o->seen.server_ccs && o->hs.hdrlen > 0 && o->hs.hdrlen < 4 &&
	    !o->seen.hs_split) {
		o->seen.hs_split = true;
		o->seen.hs_split_len = len;
	}
	if (type != REC_ALERT || len != 2 || o->alertlen != 2)
		return;
	o->seen.alert_level = o->alert[0];
	o->seen.alert_desc = o->alert[1];
	o->seen.alert_hidden = false;
	e = obs_event(o, TLS_OBS_ALERT);
	if (e != NULL) {
		e->level = o->alert[0];
		e->value = o->alert[1];
	}
}

/* RFC 6066 3: find server_name in our own ClientHello (RFC 8446 4.1.2),
 * the first record we sent. */
static void
obs_client_hello(struct tls_observe *o)
{
	const unsigned char		*b = o->ch;
	struct tls_observe_event	*e;
	struct obs_exts			 x;
	size_t				 n = o->chlen, i, elen, nlen;
	unsigned			 type;

	o->ch_done = true;
	e = obs_event(o, TLS_OBS_CLIENT_HELLO);
	if (e == NULL)
		return;
	e->len = n;
	if (o->ch_cut || n < 5 + 4 + 35 || b[0] != REC_HANDSHAKE ||
	    b[5] != HS_CLIENT_HELLO)
		return;
	i = 9 + 34;
	i += 1 + b[i];				/* session id */
	if (i + 2 > n)
		return;
	i += 2 + obs_u16(b + i);		/* cipher suites */
	if (i + 1 > n)
		return;
	i += 1 + b[i];				/* compression */
	e->parsed = true;
	obs_exts_init(&x, b, i, n);
	while (obs_exts_next(&x, &type, &i, &elen)) {
		if (type == EXT_SERVER_NAME && elen >= 5) {
			nlen = obs_u16(b + i + 3);
			if (nlen > elen - 5)
				nlen = elen - 5;
			if (nlen > sizeof e->sni)
				nlen = sizeof e->sni;
			e->has_sni = true;
			memcpy(e->sni, b + i + 5, nlen);
			e->sni_len = nlen;
			return;
		}
	}
}

static void
obs_out_start(struct tls_observe *o, unsigned type, const unsigned char *hdr)
{
	if (o->out.nrec == 1 && type == REC_HANDSHAKE) {
		o->ch = xmalloc(OBS_CH_MAX);
		memcpy(o->ch, hdr, 5);
		o->chlen = 5;
	}
	/* TLS 1.3 handshake messages after ServerHello travel as
	 * application_data records (RFC 8446 5.2). */
	if (type == REC_APPDATA)
		o->seen.out_enc_hs++;
}

static void
obs_out_body(struct tls_observe *o, const unsigned char *p, size_t n)
{
	if (o->ch == NULL || o->ch_done)
		return;
	if (n > OBS_CH_MAX - o->chlen) {
		n = OBS_CH_MAX - o->chlen;
		o->ch_cut = true;
	}
	memcpy(o->ch + o->chlen, p, n);
	o->chlen += n;
}

static void
obs_out_end(struct tls_observe *o)
{
	if (o->ch != NULL && !o->ch_done) {
		obs_client_hello(o);
		free(o->ch);
		o->ch = NULL;
	}
}

/* Walk the records of one direction: dir 0 = from the server. */
static void
obs_scan(struct tls_observe *o, int dir, const unsigned char *p, size_t n)
{
	struct recscan	*rs = dir == 0 ? &o->in : &o->out;
	size_t		 k, len;
	unsigned	 type, ver;

	while (n > 0) {
		if (rs->hdrlen < 5) {
			k = 5 - rs->hdrlen;
			if (k > n)
				k = n;
			memcpy(rs->hdr + rs->hdrlen, p, k);
			rs->hdrlen += k;
			p += k;
			n -= k;
			if (rs->hdrlen < 5)
				continue;
			type = rs->hdr[0];
			ver = obs_u16(rs->hdr + 1);
			rs->left = obs_u16(rs->hdr + 3);
			rs->nrec++;
			if (dir == 0)
				obs_in_start(o, type, ver, rs->left);
			else
				obs_out_start(o, type, rs->hdr);
			if (rs->left == 0) {
				if (dir == 0)
					obs_in_end(o, type, 0);
				else
					obs_out_end(o);
				rs->hdrlen = 0;
			}
			continue;
		}
		type = rs->hdr[0];
		len = obs_u16(rs->hdr + 3);
		k = n < rs->left ? n : rs->left;
		if (dir == 0)
			obs_in_body(o, type, len, p, k);
		else
			obs_out_body(o, p, k);
		rs->left -= k;
		p += k;
		n -= k;
		if (rs->left == 0) {
			if (dir == 0)
				obs_in_end(o, type, len);
			else
				obs_out_end(o);
			rs->hdrlen = 0;
		}
	}
}

static void
obs_plain_add(struct tls_observe *o, const unsigned char *p, size_t n)
{
	obs_keep(o->plain, &o->plainlen, TLS_OBSERVE_PLAIN_MAX, p, n);
	o->plain[o->plainlen] = '\0';
}

struct tls_observe *
tls_observe_new(void)
{
	struct tls_observe	*o;

	o = xcalloc(1, sizeof *o);
	o->seen.alert_desc = -1;
	return o;
}

void
tls_observe_free(struct tls_observe *o)
{
	if (o == NULL)
		return;
	free(o->ske);
	free(o->ch);
	free(o->certmsg);
	free(o);
}

bool
tls_observe_in(struct tls_observe *o, const void *buf, size_t n)
{
	const unsigned char	*p = buf;

	if (o->seen.plain) {
		obs_plain_add(o, p, n);
		return false;
	}
	if (n == 0)
		return true;
	/* RFC 8446 5.1: a record starts with content type 20..23; anything
	 * else as the first byte is a greeting or other text. */
	if (!o->seen.got_first && !o->established &&
	    (p[0] < REC_CCS || p[0] > REC_APPDATA)) {
		o->seen.got_first = true;
		o->seen.plain = true;
		obs_plain_add(o, p, n);
		return false;
	}
	o->seen.got_first = true;
	/* Also after the handshake: only record headers matter then (a
	 * TLS 1.2 HelloRequest). */
	obs_scan(o, 0, p, n);
	o->seen.hs_partial = o->hs.hdrlen == 4 && o->hs.left > 0;
	return true;
}

void
tls_observe_out(struct tls_observe *o, const void *buf, size_t n)
{
	if (o->established)
		return;
	obs_scan(o, 1, buf, n);
}

void
tls_observe_established(struct tls_observe *o, unsigned version)
{
	o->established = true;
	o->version = version;
	free(o->ch);
	o->ch = NULL;
	/* TLS 1.3: the client's second flight is Finished alone, or an
	 * (empty) Certificate and Finished when the server sent a
	 * CertificateRequest; mbedTLS writes one record per message. */
	if (version == VERSION_TLS13 && o->seen.out_enc_hs >= 2)
		obs_cert_req(o);
}

const struct tls_observe_seen *
tls_observe_get_seen(const struct tls_observe *o)
{
	return &o->seen;
}

bool
tls_observe_next_event(struct tls_observe *o, struct tls_observe_event *ev)
{
	if (o->ev_n == 0)
		return false;
	*ev = o->ev[o->ev_head];
	o->ev_head = (o->ev_head + 1) % OBS_EVENTS;
	o->ev_n--;
	return true;
}

bool
tls_observe_get_plain(const struct tls_observe *o, const unsigned char **p,
    size_t *n)
{
	if (!o->seen.plain)
		return false;
	if (p != NULL)
		*p = o->plain;
	if (n != NULL)
		*n = o->plainlen;
	return true;
}

size_t
tls_observe_plain_room(const struct tls_observe *o)
{
	if (!o->seen.plain || o->plainlen >= TLS_OBSERVE_PLAIN_MAX ||
	    memchr(o->plain, '\n', o->plainlen) != NULL)
		return 0;
	return TLS_OBSERVE_PLAIN_MAX - o->plainlen;
}

bool
tls_observe_next_cert(const struct tls_observe *o, size_t *pos,
    const unsigned char **der, size_t *len)
{
	const unsigned char	*b = o->certmsg;
	size_t			 n = o->certmsg_len, i, end, l;

	if (b == NULL || n < 3)
		return false;
	end = 3 + obs_u24(b);
	if (end > n)
		end = n;
	i = *pos < 3 ? 3 : *pos;
	if (i > end || end - i < 3)
		return false;
	l = obs_u24(b + i);
	if (l > end - i - 3)
		return false;
	*der = b + i + 3;
	*len = l;
	*pos = i + 3 + l;
	return true;
}

const char *
tls_observe_alert_words(int code)
{
	size_t	i;

	for (i = 0; i < sizeof obs_alerts / sizeof obs_alerts[0]; i++) {
		if (obs_alerts[i].code == code)
			return obs_alerts[i].words;
	}
	return NULL;
}

const char *
tls_observe_version_name(unsigned v)
{
	switch (v) {
	case 0x0300:
		return "SSL 3.0";
	case 0x0301:
		return "TLS 1.0";
	case 0x0302:
		return "TLS 1.1";
	case 0x0303:
		return "TLS 1.2";
	case 0x0304:
		return "TLS 1.3";
	}
	return "an unknown version";
}

bool
tls_observe_is_legacy(unsigned v)
{
	return v >= 0x0300 && v < VERSION_TLS12;
}

void
tls_observe_group_name(unsigned id, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof obs_groups / sizeof obs_groups[0]; i++) {
		if (obs_groups[i].id == id) {
			snprintf(buf, len, "%s", obs_groups[i].name);
			return;
		}
	}
	snprintf(buf, len, "0x%04x", id);
}

void
tls_observe_signature_name(unsigned id, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof obs_sigs / sizeof obs_sigs[0]; i++) {
		if (obs_sigs[i].id == id) {
			snprintf(buf, len, "%s", obs_sigs[i].name);
			return;
		}
	}
	snprintf(buf, len, "0x%04x", id);
}

/* SPDX-License-Identifier: ISC */
/*
 * The TLS observer on hand-made records: ServerHello (TLS 1.3, HRR,
 * legacy), the TLS 1.2 ServerKeyExchange signature (ECDHE, DHE, PSK and
 * wrong lengths), alerts, plaintext where a record was due, handshake
 * headers split over records, renegotiation, our ClientHello's SNI, a
 * client-certificate request, the Certificate walk, the event cap, and
 * every case fed whole and one byte at a time.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tls_observe.h"

#define S(x)		(x), (sizeof(x) - 1)

/* A byte string under construction. */
struct bytes {
	unsigned char	 b[8192];	/* the bytes */
	size_t		 n;		/* used */
};

static void
put(struct bytes *x, const void *p, size_t n)
{
	if (n > sizeof x->b - x->n)
		abort();
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

static void
put8(struct bytes *x, unsigned v)
{
	unsigned char	c = (unsigned char)v;

	put(x, &c, 1);
}

static void
put16(struct bytes *x, unsigned v)
{
	put8(x, v >> 8);
	put8(x, v & 0xff);
}

static void
put24(struct bytes *x, size_t v)
{
	put8(x, (unsigned)(v >> 16) & 0xff);
	put16(x, (unsigned)v & 0xffff);
}

/* A record of type around body. */
static void
record(struct bytes *out, unsigned type, const struct bytes *body)
{
	put8(out, type);
	put16(out, 0x0303);
	put16(out, (unsigned)body->n);
	put(out, body->b, body->n);
}

/* A handshake message of type around body. */
static void
handshake(struct bytes *out, unsigned type, const struct bytes *body)
{
	put8(out, type);
	put24(out, body->n);
	put(out, body->b, body->n);
}

/* ServerHello body: version, random, no session id, a suite, then the
 * extensions given (already encoded, without the block length). */
static void
server_hello(struct bytes *out, unsigned version, const unsigned char *rnd,
    const struct bytes *exts)
{
	unsigned char	r[32];

	memset(r, 0x5a, sizeof r);
	put16(out, version);
	put(out, rnd != NULL ? rnd : r, 32);
	put8(out, 0);			/* session id */
	put16(out, 0x1301);		/* suite */
	put8(out, 0);			/* compression */
	if (exts != NULL) {
		put16(out, (unsigned)exts->n);
		put(out, exts->b, exts->n);
	}
}

/* Feed to a fresh observer whole (step 0) or step bytes at a time. */
static struct tls_observe *
feed(const struct bytes *in, size_t step)
{
	struct tls_observe	*o;
	size_t			 off, k;

	o = tls_observe_new();
	for (off = 0; off < in->n; off += k) {
		k = step == 0 || in->n - off < step ? in->n - off : step;
		(void)tls_observe_in(o, in->b + off, k);
	}
	return o;
}

static int
count_events(struct tls_observe *o, enum tls_observe_ev type,
    struct tls_observe_event *last)
{
	struct tls_observe_event	ev;
	int				n = 0;

	while (tls_observe_next_event(o, &ev)) {
		if (ev.type != type)
			continue;
		n++;
		if (last != NULL)
			*last = ev;
	}
	return n;
}

static void
test_server_hello(void)
{
	static const unsigned char hrr[32] = {
		0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11,
		0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
		0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e,
		0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c
	};
	struct bytes			 exts, sh, msg, rec;
	struct tls_observe		*o;
	const struct tls_observe_seen	*s;
	struct tls_observe_event	 ev;
	size_t				 step;

	for (step = 0; step <= 1; step++) {
		memset(&exts, 0, sizeof exts);
		put16(&exts, 43);		/* supported_versions */
		put16(&exts, 2);
		put16(&exts, 0x0304);
		put16(&exts, 51);		/* key_share */
		put16(&exts, 4);
		put16(&exts, 0x001d);
		put16(&exts, 0);
		memset(&sh, 0, sizeof sh);
		server_hello(&sh, 0x0303, NULL, &exts);
		memset(&msg, 0, sizeof msg);
		handshake(&msg, 2, &sh);
		memset(&rec, 0, sizeof rec);
		record(&rec, 22, &msg);
		o = feed(&rec, step);
		s = tls_observe_get_seen(o);
		tap_ok(s->got_first && !s->plain && s->first_ver == 0x0303 &&
		    s->sh_version == 0x0304 && s->group == 0x1d &&
		    !s->legacy && !s->hs_partial,
		    "TLS 1.3 ServerHello (step %zu): version from "
		    "supported_versions, group x25519", step);
		tap_ok(!tls_observe_next_event(o, &ev),
		    "TLS 1.3 ServerHello: no event");
		tls_observe_free(o);

		/* HelloRetryRequest asking for secp384r1. */
		memset(&exts, 0, sizeof exts);
		put16(&exts, 51);
		put16(&exts, 2);
		put16(&exts, 0x0018);
		memset(&sh, 0, sizeof sh);
		server_hello(&sh, 0x0303, hrr, &exts);
		memset(&msg, 0, sizeof msg);
		handshake(&msg, 2, &sh);
		memset(&rec, 0, sizeof rec);
		record(&rec, 22, &msg);
		o = feed(&rec, step);
		tap_ok(count_events(o, TLS_OBS_HELLO_RETRY, &ev) == 1 &&
		    ev.value == 0x18, "HelloRetryRequest (step %zu): one "
		    "event with group secp384r1", step);
		tls_observe_free(o);

		/* A TLS 1.0 server. */
		memset(&sh, 0, sizeof sh);
		server_hello(&sh, 0x0301, NULL, NULL);
		memset(&msg, 0, sizeof msg);
		handshake(&msg, 2, &sh);
		memset(&rec, 0, sizeof rec);
		record(&rec, 22, &msg);
		rec.b[1] = 3;
		rec.b[2] = 1;
		o = feed(&rec, step);
		s = tls_observe_get_seen(o);
		tap_ok(s->legacy && s->sh_version == 0x0301 &&
		    s->first_ver == 0x0301 &&
		    count_events(o, TLS_OBS_LEGACY_HELLO, &ev) == 1 &&
		    ev.value == 0x0301, "TLS 1.0 ServerHello (step %zu): "
		    "legacy, one event", step);
		tls_observe_free(o);
	}

	/* Extensions whose lengths run past the message: ignored. */
	memset(&exts, 0, sizeof exts);
	put16(&exts, 43);
	put16(&exts, 200);
	put16(&exts, 0x0304);
	memset(&sh, 0, sizeof sh);
	server_hello(&sh, 0x0303, NULL, &exts);
	memset(&msg, 0, sizeof msg);
	handshake(&msg, 2, &sh);
	memset(&rec, 0, sizeof rec);
	record(&rec, 22, &msg);
	o = feed(&rec, 0);
	tap_is_int(tls_observe_get_seen(o)->sh_version, 0x0303,
	    "an extension longer than its block is not read");
	tls_observe_free(o);
}

/* ServerHello TLS 1.2 then a ServerKeyExchange body, in one record. */
static struct tls_observe *
ske_case(const struct bytes *ske, unsigned version)
{
	struct bytes		 sh, msg, rec;

	memset(&sh, 0, sizeof sh);
	server_hello(&sh, version, NULL, NULL);
	memset(&msg, 0, sizeof msg);
	handshake(&msg, 2, &sh);
	handshake(&msg, 12, ske);
	memset(&rec, 0, sizeof rec);
	record(&rec, 22, &msg);
	return feed(&rec, 0);
}

static void
test_ske(void)
{
	struct bytes			 ske;
	struct tls_observe		*o;
	const struct tls_observe_seen	*s;
	unsigned char			 pt[65], sig[72];
	char				 name[48];

	memset(pt, 4, sizeof pt);
	memset(sig, 0x30, sizeof sig);
	memset(&ske, 0, sizeof ske);
	put8(&ske, 3);				/* named_curve */
	put16(&ske, 0x0017);
	put8(&ske, sizeof pt);
	put(&ske, pt, sizeof pt);
	put16(&ske, 0x0804);
	put16(&ske, sizeof sig);
	put(&ske, sig, sizeof sig);
	o = ske_case(&ske, 0x0303);
	s = tls_observe_get_seen(o);
	tls_observe_signature_name(s->signature, name, sizeof name);
	tap_ok(s->group == 0x17 && s->signature == 0x0804 &&
	    strcmp(name, "rsa_pss_rsae_sha256") == 0,
	    "TLS 1.2 ECDHE ServerKeyExchange: secp256r1, %s", name);
	tls_observe_free(o);

	o = ske_case(&ske, 0x0302);
	tap_is_int(tls_observe_get_seen(o)->signature, 0,
	    "no signature scheme unless TLS 1.2 was chosen");
	tls_observe_free(o);

	ske.n -= 1;				/* signature one byte short */
	o = ske_case(&ske, 0x0303);
	tap_is_int(tls_observe_get_seen(o)->signature, 0,
	    "a signature that does not end the message exactly: unknown");
	tls_observe_free(o);

	/* DHE: p, g, Ys, then rsa_pkcs1_sha256. */
	memset(&ske, 0, sizeof ske);
	put16(&ske, 8);
	put(&ske, pt, 8);
	put16(&ske, 1);
	put8(&ske, 2);
	put16(&ske, 8);
	put(&ske, pt, 8);
	put16(&ske, 0x0401);
	put16(&ske, 16);
	put(&ske, sig, 16);
	o = ske_case(&ske, 0x0303);
	tap_is_int(tls_observe_get_seen(o)->signature, 0x0401,
	    "TLS 1.2 DHE ServerKeyExchange: rsa_pkcs1_sha256");
	tls_observe_free(o);

	/* ECDHE_PSK: an identity hint, no signature. */
	memset(&ske, 0, sizeof ske);
	put16(&ske, 0);
	put8(&ske, 3);
	put16(&ske, 0x001d);
	put8(&ske, 32);
	put(&ske, pt, 32);
	o = ske_case(&ske, 0x0303);
	tap_is_int(tls_observe_get_seen(o)->signature, 0,
	    "ECDHE_PSK ServerKeyExchange: no signature read");
	tls_observe_free(o);
}

static void
test_alerts(void)
{
	struct bytes			 in, body;
	struct tls_observe		*o;
	const struct tls_observe_seen	*s;
	struct tls_observe_event	 ev;
	size_t				 step, i;

	for (step = 0; step <= 1; step++) {
		memset(&in, 0, sizeof in);
		put(&in, S("\x15\x03\x03\x00\x02\x02\x28"));
		o = feed(&in, step);
		s = tls_observe_get_seen(o);
		tap_ok(s->alert_desc == 40 && s->alert_level == 2 &&
		    !s->alert_hidden && count_events(o, TLS_OBS_ALERT, &ev) ==
		    1 && ev.level == 2 && ev.value == 40,
		    "fatal handshake_failure alert (step %zu)", step);
		memset(&in, 0, sizeof in);
		memset(&body, 0, sizeof body);
		put(&body, S("0123456789abcdef0123"));
		record(&in, 23, &body);
		for (i = 0; i < in.n; i++)
			(void)tls_observe_in(o, in.b + i, 1);
		s = tls_observe_get_seen(o);
		tap_ok(s->alert_hidden && s->alert_desc == 40,
		    "an encrypted record after it may hide another");
		tls_observe_free(o);
	}
	tap_is_str(tls_observe_alert_words(40), "handshake failure",
	    "alert 40 in words");
	tap_ok(tls_observe_alert_words(255) == NULL, "alert 255 unknown");

	/* A flood of alerts in one piece: 16 queued, the rest counted. */
	memset(&in, 0, sizeof in);
	for (i = 0; i < 20; i++)
		put(&in, S("\x15\x03\x03\x00\x02\x01\x00"));
	o = feed(&in, 0);
	tap_ok(count_events(o, TLS_OBS_ALERT, NULL) == 16 &&
	    tls_observe_get_seen(o)->events_dropped == 4,
	    "20 alerts at once: 16 events, 4 counted as dropped");
	tls_observe_free(o);
}

static void
test_plain(void)
{
	struct tls_observe	*o;
	const unsigned char	*p;
	unsigned char		 big[700];
	size_t			 n;

	o = tls_observe_new();
	tap_ok(!tls_observe_in(o, S("* OK IMAP4rev1 ready")),
	    "a greeting where a ServerHello was due: plaintext");
	tap_is_int((long long)tls_observe_plain_room(o),
	    TLS_OBSERVE_PLAIN_MAX - 20, "no line end yet: more wanted");
	tap_ok(!tls_observe_in(o, S("\r\nmore\r\n")), "still plaintext");
	tap_ok(tls_observe_get_plain(o, &p, &n) && n == 28 &&
	    memcmp(p, "* OK IMAP4rev1 ready\r\nmore\r\n", 28) == 0 &&
	    p[n] == '\0', "the bytes are kept, NUL-terminated");
	tap_is_int((long long)tls_observe_plain_room(o), 0,
	    "a line ended: nothing more wanted");
	tap_ok(tls_observe_get_seen(o)->plain &&
	    tls_observe_get_seen(o)->got_first, "seen: plain");
	tls_observe_free(o);

	o = tls_observe_new();
	memset(big, 'A', sizeof big);
	(void)tls_observe_in(o, big, sizeof big);
	(void)tls_observe_in(o, big, sizeof big);
	tap_ok(tls_observe_get_plain(o, &p, &n) && n == TLS_OBSERVE_PLAIN_MAX &&
	    tls_observe_plain_room(o) == 0, "plaintext capped at %d bytes",
	    TLS_OBSERVE_PLAIN_MAX);
	tls_observe_free(o);

	o = tls_observe_new();
	tap_ok(tls_observe_in(o, S("\x16\x03\x03\x00")) &&
	    !tls_observe_get_plain(o, NULL, NULL) &&
	    tls_observe_plain_room(o) == 0, "a record header: TLS");
	tls_observe_free(o);
}

static void
test_split(void)
{
	static const size_t	 frags[] = { 1, 3, 4 };
	struct bytes		 sh, msg, in, body;
	struct tls_observe	*o;
	size_t			 i, off, k;

	memset(&sh, 0, sizeof sh);
	server_hello(&sh, 0x0303, NULL, NULL);
	memset(&msg, 0, sizeof msg);
	handshake(&msg, 2, &sh);
	for (i = 0; i < sizeof frags / sizeof frags[0]; i++) {
		memset(&in, 0, sizeof in);
		for (off = 0; off < msg.n; off += k) {
			k = msg.n - off < frags[i] ? msg.n - off : frags[i];
			memset(&body, 0, sizeof body);
			put(&body, msg.b + off, k);
			record(&in, 22, &body);
		}
		o = feed(&in, 0);
		if (frags[i] < 4)
			tap_ok(tls_observe_get_seen(o)->hs_split &&
			    tls_observe_get_seen(o)->hs_split_len ==
			    frags[i] && tls_observe_get_seen(o)->sh_version ==
			    0x0303, "records of %zu bytes: header split "
			    "noted, message still read", frags[i]);
		else
			tap_ok(!tls_observe_get_seen(o)->hs_split &&
			    tls_observe_get_seen(o)->sh_version == 0x0303,
			    "records of 4 bytes: no split");
		tls_observe_free(o);
	}
	memset(&in, 0, sizeof in);
	put(&in, S("\x16\x03\x03\x00\x00"));
	o = feed(&in, 0);
	tap_ok(tls_observe_get_seen(o)->hs_split &&
	    tls_observe_get_seen(o)->hs_split_len == 0,
	    "an empty handshake record is noted");
	tls_observe_free(o);

	/* A Certificate declared at 20000 bytes, 10 arrived. */
	memset(&in, 0, sizeof in);
	put(&in, S("\x16\x03\x03\x00\x0e\x0b\x00\x4e\x20"
	    "0123456789"));
	o = feed(&in, 0);
	tap_ok(tls_observe_get_seen(o)->hs_partial &&
	    tls_observe_get_seen(o)->hs_type == 11 &&
	    tls_observe_get_seen(o)->hs_len == 20000,
	    "a message still arriving: its type and declared size");
	tls_observe_free(o);
}

static void
test_reneg(void)
{
	struct tls_observe	*o;

	o = tls_observe_new();
	tls_observe_established(o, 0x0303);
	(void)tls_observe_in(o, S("\x17\x03\x03\x00\x01" "x"));
	tap_ok(!tls_observe_get_seen(o)->reneg, "TLS 1.2 application data: "
	    "no renegotiation");
	(void)tls_observe_in(o, S("\x16\x03\x03\x00\x04\x00\x00\x00\x00"));
	tap_ok(tls_observe_get_seen(o)->reneg, "TLS 1.2 handshake record "
	    "after the handshake: renegotiation asked");
	tls_observe_free(o);

	o = tls_observe_new();
	tls_observe_established(o, 0x0304);
	(void)tls_observe_in(o, S("\x16\x03\x03\x00\x04\x00\x00\x00\x00"));
	tap_ok(!tls_observe_get_seen(o)->reneg, "TLS 1.3: never");
	tls_observe_free(o);
}

/* Our ClientHello with the given extensions block (or none). */
static void
client_hello(struct bytes *rec, const struct bytes *exts)
{
	struct bytes	body, msg;
	unsigned char	r[32];

	memset(r, 1, sizeof r);
	memset(&body, 0, sizeof body);
	put16(&body, 0x0303);
	put(&body, r, 32);
	put8(&body, 0);
	put16(&body, 2);
	put16(&body, 0x1301);
	put8(&body, 1);
	put8(&body, 0);
	if (exts != NULL) {
		put16(&body, (unsigned)exts->n);
		put(&body, exts->b, exts->n);
	}
	memset(&msg, 0, sizeof msg);
	handshake(&msg, 1, &body);
	record(rec, 22, &msg);
}

static void
test_client_hello(void)
{
	struct bytes			 exts, rec;
	struct tls_observe		*o;
	struct tls_observe_event	 ev;
	size_t				 i;

	memset(&exts, 0, sizeof exts);
	put16(&exts, 10);			/* supported_groups */
	put16(&exts, 4);
	put16(&exts, 2);
	put16(&exts, 0x001d);
	put16(&exts, 0);			/* server_name */
	put16(&exts, 5 + 12);
	put16(&exts, 3 + 12);
	put8(&exts, 0);
	put16(&exts, 12);
	put(&exts, S("mail.example"));
	memset(&rec, 0, sizeof rec);
	client_hello(&rec, &exts);
	o = tls_observe_new();
	for (i = 0; i < rec.n; i++)
		tls_observe_out(o, rec.b + i, 1);
	tap_ok(count_events(o, TLS_OBS_CLIENT_HELLO, &ev) == 1 &&
	    ev.parsed && ev.has_sni && ev.sni_len == 12 &&
	    memcmp(ev.sni, "mail.example", 12) == 0 && ev.len == rec.n,
	    "ClientHello byte by byte: SNI mail.example");
	tls_observe_out(o, rec.b, rec.n);
	tap_ok(!tls_observe_next_event(o, &ev), "only the first record is "
	    "a ClientHello");
	tls_observe_free(o);

	memset(&rec, 0, sizeof rec);
	client_hello(&rec, NULL);
	o = tls_observe_new();
	tls_observe_out(o, rec.b, rec.n);
	tap_ok(count_events(o, TLS_OBS_CLIENT_HELLO, &ev) == 1 &&
	    ev.parsed && !ev.has_sni, "ClientHello without extensions: no "
	    "SNI");
	tls_observe_free(o);

	o = tls_observe_new();
	tls_observe_out(o, S("\x16\x03\x01\x00\x03" "abc"));
	tap_ok(count_events(o, TLS_OBS_CLIENT_HELLO, &ev) == 1 &&
	    !ev.parsed && ev.len == 8, "a record too short to be one: its "
	    "size only");
	tls_observe_free(o);
}

static void
test_cert_req(void)
{
	struct tls_observe		*o;
	struct tls_observe_event	 ev;

	o = tls_observe_new();
	(void)tls_observe_in(o, S("\x16\x03\x03\x00\x08"
	    "\x0d\x00\x00\x00" "\x0d\x00\x00\x00"));
	tap_ok(tls_observe_get_seen(o)->cert_req &&
	    count_events(o, TLS_OBS_CERT_REQUEST, NULL) == 1,
	    "TLS 1.2 CertificateRequest (twice): one event");
	tls_observe_free(o);

	/* TLS 1.3: Certificate and Finished from us, encrypted. */
	o = tls_observe_new();
	tls_observe_out(o, S("\x17\x03\x03\x00\x01" "a"));
	tls_observe_out(o, S("\x17\x03\x03\x00\x01" "b"));
	tls_observe_established(o, 0x0304);
	tap_ok(tls_observe_get_seen(o)->cert_req &&
	    count_events(o, TLS_OBS_CERT_REQUEST, NULL) == 1,
	    "TLS 1.3: two encrypted records of ours mean a certificate was "
	    "asked for");
	tls_observe_free(o);

	o = tls_observe_new();
	tls_observe_out(o, S("\x17\x03\x03\x00\x01" "a"));
	tls_observe_established(o, 0x0304);
	tap_ok(!tls_observe_get_seen(o)->cert_req &&
	    !tls_observe_next_event(o, &ev), "TLS 1.3: Finished alone: no "
	    "request");
	tls_observe_free(o);
}

static void
test_certs(void)
{
	struct bytes		 list, body, msg, rec;
	struct tls_observe	*o;
	const unsigned char	*der;
	size_t			 pos = 0, len;

	memset(&list, 0, sizeof list);
	put24(&list, 5);
	put(&list, S("AAAAA"));
	put24(&list, 3);
	put(&list, S("BBB"));
	memset(&body, 0, sizeof body);
	put24(&body, list.n);
	put(&body, list.b, list.n);
	memset(&msg, 0, sizeof msg);
	handshake(&msg, 11, &body);
	memset(&rec, 0, sizeof rec);
	record(&rec, 22, &msg);
	o = feed(&rec, 1);
	tap_ok(tls_observe_next_cert(o, &pos, &der, &len) && len == 5 &&
	    memcmp(der, "AAAAA", 5) == 0, "first certificate");
	tap_ok(tls_observe_next_cert(o, &pos, &der, &len) && len == 3 &&
	    memcmp(der, "BBB", 3) == 0, "second certificate");
	tap_ok(!tls_observe_next_cert(o, &pos, &der, &len), "then the end");
	tls_observe_free(o);

	/* The second length runs past the list. */
	list.b[8 + 2] = 9;
	memset(&body, 0, sizeof body);
	put24(&body, list.n);
	put(&body, list.b, list.n);
	memset(&msg, 0, sizeof msg);
	handshake(&msg, 11, &body);
	memset(&rec, 0, sizeof rec);
	record(&rec, 22, &msg);
	o = feed(&rec, 0);
	pos = 0;
	tap_ok(tls_observe_next_cert(o, &pos, &der, &len) &&
	    !tls_observe_next_cert(o, &pos, &der, &len),
	    "a certificate longer than the list: the walk stops");
	tls_observe_free(o);
}

static void
test_names(void)
{
	char	buf[48];

	tls_observe_group_name(0x1d, buf, sizeof buf);
	tap_is_str(buf, "x25519", "group 0x001d");
	tls_observe_group_name(0x4242, buf, sizeof buf);
	tap_is_str(buf, "0x4242", "unknown group in hex");
	tls_observe_signature_name(0x0403, buf, sizeof buf);
	tap_is_str(buf, "ecdsa_secp256r1_sha256", "scheme 0x0403");
	tls_observe_signature_name(0x0101, buf, sizeof buf);
	tap_is_str(buf, "0x0101", "unknown scheme in hex");
	tap_is_str(tls_observe_version_name(0x0302), "TLS 1.1", "0x0302");
	tap_ok(tls_observe_is_legacy(0x0300) &&
	    tls_observe_is_legacy(0x0302) && !tls_observe_is_legacy(0x0303),
	    "SSL 3.0 to TLS 1.1 are legacy, TLS 1.2 is not");
}

int
main(void)
{
	test_server_hello();
	test_ske();
	test_alerts();
	test_plain();
	test_split();
	test_reneg();
	test_client_hello();
	test_cert_req();
	test_certs();
	test_names();
	tls_observe_free(NULL);
	return tap_done_testing();
}

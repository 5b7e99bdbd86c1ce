/* SPDX-License-Identifier: ISC */
/*
 * The JSON report: one document with every host, address and cell of the
 * run (schema in docs/json.md).  It only reads the model; every server
 * string goes through the sanitiser (json.c) and transcript events also
 * carry their exact bytes as base64.
 */
#include "config.h"

#include "report.h"

#include <sys/socket.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dialect.h"
#include "facts.h"
#include "json.h"
#include "out_advice.h"
#include "probe.h"
#include "run.h"
#include "target.h"
#include "tlswrap.h"
#include "transcript.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION	"0.1.0"
#endif

#define OJ_DEPTH_MAX	16	/* nesting the schema needs, with room */

/* Pretty-printer state: which levels have no member yet. */
struct oj {
	FILE	*fp;			/* output */
	int	 depth;			/* open objects and arrays */
	bool	 empty[OJ_DEPTH_MAX];	/* nothing written at this level */
};

/* Names of TR_F_* bits, in bit order, for "flags" and
 * "protocol_violations". */
static const struct {
	int		 bit;		/* TR_F_* */
	const char	*name;		/* JSON name */
} oj_tr_flags[] = {
	{ TR_F_BARE_LF, "bare_lf" },
	{ TR_F_BARE_CR, "bare_cr" },
	{ TR_F_NUL, "nul" },
	{ TR_F_CUT, "cut" },
	{ TR_F_TRUNCATED, "truncated" },
	{ TR_F_ERROR, "error" },
	{ TR_F_INJECTED, "injected" },
	{ TR_F_UNSOLICITED, "unsolicited" }
};

static const char *const oj_tones[] = {
	"pending",		/* TONE_PENDING */
	"good",			/* TONE_GOOD */
	"warn",			/* TONE_WARN */
	"neutral",		/* TONE_NEUTRAL */
	"bad"			/* TONE_BAD */
};

static void
oj_indent(struct oj *o)
{
	int	i;

	for (i = 0; i < o->depth; i++)
		fputs("  ", o->fp);
}

/* Start a member: a separator, a new line, indentation and the key (NULL
 * for an array element). */
static void
oj_key(struct oj *o, const char *key)
{
	if (!o->empty[o->depth])
		fputc(',', o->fp);
	o->empty[o->depth] = false;
	fputc('\n', o->fp);
	oj_indent(o);
	if (key != NULL)
		fprintf(o->fp, "\"%s\": ", key);
}

/* Open an object or array as the value just started. */
static void
oj_open(struct oj *o, char c)
{
	fputc(c, o->fp);
	if (o->depth + 1 < OJ_DEPTH_MAX)
		o->depth++;
	o->empty[o->depth] = true;
}

static void
oj_close(struct oj *o, char c)
{
	bool	empty = o->empty[o->depth];

	if (o->depth > 0)
		o->depth--;
	if (!empty) {
		fputc('\n', o->fp);
		oj_indent(o);
	}
	fputc(c, o->fp);
}

/* A NUL-terminated string, or null.  It goes through the sanitiser like
 * every string, so it may quote server text (a reason, a TLS failure). */
static void
oj_str(struct oj *o, const char *key, const char *s)
{
	oj_key(o, key);
	if (s == NULL)
		fputs("null", o->fp);
	else
		json_escape_str(o->fp, s, strlen(s), 0);
}

/* Our own words, where an empty buffer means "not known". */
static void
oj_str_or_null(struct oj *o, const char *key, const char *s)
{
	oj_str(o, key, s != NULL && s[0] != '\0' ? s : NULL);
}

/* Raw server bytes: sanitised text, or null when absent. */
static void
oj_mstr(struct oj *o, const char *key, const struct mstr *m, int flags)
{
	oj_key(o, key);
	if (m->p == NULL)
		fputs("null", o->fp);
	else
		json_escape_str(o->fp, m->p, m->n, flags);
}

/* The exact bytes of m as base64, or null when absent. */
static void
oj_mstr_b64(struct oj *o, const char *key, const struct mstr *m)
{
	oj_key(o, key);
	if (m->p == NULL)
		fputs("null", o->fp);
	else
		json_b64(o->fp, m->p, m->n);
}

static void
oj_bool(struct oj *o, const char *key, bool v)
{
	oj_key(o, key);
	fputs(v ? "true" : "false", o->fp);
}

static void
oj_int(struct oj *o, const char *key, long long v)
{
	oj_key(o, key);
	fprintf(o->fp, "%lld", v);
}

static void
oj_null(struct oj *o, const char *key)
{
	oj_key(o, key);
	fputs("null", o->fp);
}

/* Microseconds as milliseconds with 3 decimals; negative is null.  Done
 * in integers so that the locale's decimal point never matters. */
static void
oj_ms(struct oj *o, const char *key, int64_t us)
{
	oj_key(o, key);
	if (us < 0)
		fputs("null", o->fp);
	else
		fprintf(o->fp, "%" PRId64 ".%03" PRId64, us / 1000,
		    us % 1000);
}

/* A list of raw server strings on one line. */
static void
oj_mstr_list(struct oj *o, const char *key, const struct mstr_list *l)
{
	size_t	i;

	oj_key(o, key);
	fputc('[', o->fp);
	for (i = 0; i < l->n; i++) {
		if (i > 0)
			fputs(", ", o->fp);
		json_escape_str(o->fp, l->v[i].p, l->v[i].n, 0);
	}
	fputc(']', o->fp);
}

/* Names of the TR_F_* bits set in flags, on one line; mask picks which
 * bits count, and cut_name renames TR_F_CUT. */
static void
oj_flags(struct oj *o, const char *key, int flags, int mask,
    const char *cut_name)
{
	const char	*name;
	size_t		 i;
	bool		 first = true;

	oj_key(o, key);
	fputc('[', o->fp);
	for (i = 0; i < sizeof oj_tr_flags / sizeof oj_tr_flags[0]; i++) {
		if (!(flags & mask & oj_tr_flags[i].bit))
			continue;
		name = oj_tr_flags[i].bit == TR_F_CUT ? cut_name :
		    oj_tr_flags[i].name;
		fprintf(o->fp, "%s\"%s\"", first ? "" : ", ", name);
		first = false;
	}
	fputc(']', o->fp);
}

/* Unix time as ISO 8601 UTC, or null when it cannot be represented. */
static void
oj_time(struct oj *o, const char *key, int64_t v)
{
	time_t		 t = (time_t)v;
	struct tm	 tm;
	char		 buf[64];

	if ((int64_t)t != v || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
		oj_null(o, key);
		return;
	}
	oj_str(o, key, buf);
}

static void
oj_cert(struct oj *o, const struct cert_info *c)
{
	oj_key(o, NULL);
	oj_open(o, '{');
	oj_mstr(o, "subject", &c->subject, 0);
	oj_mstr(o, "issuer", &c->issuer, 0);
	oj_mstr_list(o, "san", &c->san);
	oj_time(o, "not_before", c->not_before);
	oj_time(o, "not_after", c->not_after);
	oj_int(o, "days_left", (long long)c->days_left);
	oj_str_or_null(o, "key_type", c->key_type);
	oj_int(o, "key_bits", c->key_bits);
	oj_str_or_null(o, "signature_algorithm", c->sig_alg);
	oj_str_or_null(o, "serial", c->serial);
	oj_bool(o, "self_issued", c->self_issued);
	oj_close(o, '}');
}

static void
oj_tls(struct oj *o, const struct tls_facts *t)
{
	size_t	i;
	bool	first = true;

	oj_key(o, "tls");
	if (!t->attempted) {
		fputs("null", o->fp);
		return;
	}
	oj_open(o, '{');
	oj_str_or_null(o, "version", t->version);
	oj_str_or_null(o, "cipher", t->cipher);
	oj_str_or_null(o, "group", t->group);
	oj_str_or_null(o, "signature", t->signature);
	oj_str_or_null(o, "close", t->close);
	oj_bool(o, "established", t->established);
	oj_bool(o, "verified", t->verified);
	oj_key(o, "problems");
	fputc('[', o->fp);
	for (i = 0; i < TLS_PROB_LAST; i++) {
		if (!(t->problems & TLS_PROB_BIT(i)))
			continue;
		fprintf(o->fp, "%s\"%s\"", first ? "" : ", ",
		    facts_problem_name((enum tls_problem)i));
		first = false;
	}
	fputc(']', o->fp);
	oj_int(o, "verify_flags", (long long)t->verify_flags);
	oj_str(o, "failure", t->failure);
	oj_int(o, "error", t->error);
	oj_bool(o, "legacy_suspected", t->legacy_suspected);
	oj_bool(o, "server_spoke_tls", t->server_spoke_tls);
	oj_bool(o, "client_cert_requested", t->client_cert_requested);
	oj_int(o, "chain_sent", (long long)t->chain_sent);
	oj_key(o, "chain");
	oj_open(o, '[');
	for (i = 0; i < t->chain_len && i < TLS_CHAIN_MAX; i++)
		oj_cert(o, &t->chain[i]);
	oj_close(o, ']');
	oj_close(o, '}');
}

static void
oj_timing(struct oj *o, const struct probe_timing *t)
{
	size_t	i;

	oj_key(o, "timing_ms");
	oj_open(o, '{');
	for (i = 0; i < facts_ntimings; i++)
		oj_ms(o, facts_timings[i].json, facts_timing_get(t, i));
	oj_close(o, '}');
}

static void
oj_transcript(struct oj *o, const struct transcript *tr)
{
	const struct tr_event	*e;
	size_t			 i, n;

	oj_key(o, "transcript");
	oj_open(o, '[');
	n = tr != NULL ? transcript_count(tr) : 0;
	for (i = 0; i < n; i++) {
		e = transcript_get(tr, i);
		if (e == NULL)
			continue;
		oj_key(o, NULL);
		oj_open(o, '{');
		oj_ms(o, "t_ms", e->t_us > INT64_MAX ? -1 : (int64_t)e->t_us);
		oj_str(o, "dir", transcript_dir_name(e->dir));
		oj_str(o, "sec", transcript_sec_name(e->sec));
		oj_flags(o, "flags", e->flags, ~0, "cut");
		oj_key(o, "text");
		json_escape_str(o->fp, e->data, e->data != NULL ?
		    transcript_event_text_len(e) : 0, 0);
		oj_key(o, "raw_b64");
		json_b64(o->fp, e->data, e->data != NULL ? e->len : 0);
		oj_close(o, '}');
	}
	oj_close(o, ']');
}

static const char *
oj_family(int family)
{
	if (family == AF_INET)
		return "ipv4";
	if (family == AF_INET6)
		return "ipv6";
	return NULL;
}

static void
oj_cell(struct oj *o, const struct run *run, const struct run_addr *a,
    const struct port_row *row, const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);
	const struct probe_spec		*spec = probe_get_spec(p);
	const struct run_host		*h = run_get_host(run, a->host);
	enum report_tone		 tone = report_cell_tone(p);
	char				 sum[64];

	oj_key(o, NULL);
	oj_open(o, '{');
	oj_str(o, "host", h != NULL ? h->name : spec->host);
	oj_str(o, "address", a->family == AF_UNSPEC ? NULL : a->text);
	oj_str(o, "family", oj_family(a->family));
	oj_int(o, "port", row->port);
	oj_str(o, "service", row->service);
	oj_str(o, "protocol", row->dialect != NULL ? row->dialect->name :
	    NULL);
	oj_str(o, "mode", facts_mode_name(spec->mode));
	oj_str(o, "native_mode", facts_mode_name(row->native));
	oj_bool(o, "done", probe_is_done(p));
	oj_str(o, "status", facts_status_name(f->status));
	if (f->status == ST_OK)
		oj_null(o, "phase");
	else if (f->status == ST_PENDING)
		oj_str(o, "phase", facts_state_name(probe_get_state(p)));
	else
		oj_str(o, "phase", facts_state_name(f->phase));
	oj_str(o, "summary", report_cell_summary(p, sum, sizeof sum));
	oj_str(o, "tone", (size_t)tone < sizeof oj_tones /
	    sizeof oj_tones[0] ? oj_tones[tone] : NULL);
	oj_str(o, "reason", f->reason);
	oj_ms(o, "elapsed_ms", probe_get_elapsed_us(p) > INT64_MAX ? -1 :
	    (int64_t)probe_get_elapsed_us(p));
	oj_timing(o, &f->timing);
	oj_mstr(o, "greeting", &f->greeting, JSON_LINES);
	oj_mstr_b64(o, "greeting_raw_b64", &f->greeting);
	oj_bool(o, "preauth", f->preauth);
	oj_bool(o, "helo_fallback", f->helo_fallback);
	oj_mstr_list(o, "capabilities_before_tls", &f->caps_before);
	oj_mstr_list(o, "capabilities_after_tls", &f->caps_after);
	oj_mstr_list(o, "auth_before_tls", &f->auth_before);
	oj_mstr_list(o, "auth_after_tls", &f->auth_after);
	oj_bool(o, "capabilities_before_tls_known", f->caps_before_known);
	oj_bool(o, "capabilities_after_tls_known", f->caps_after_known);
	oj_bool(o, "starttls_offered", f->starttls_offered);
	oj_bool(o, "login_disabled_before_tls", f->login_disabled_before);
	oj_bool(o, "login_disabled_after_tls", f->login_disabled_after);
	oj_mstr(o, "starttls_reply", &f->starttls_reply, JSON_LINES);
	oj_mstr_b64(o, "starttls_reply_raw_b64", &f->starttls_reply);
	oj_mstr(o, "injected", &f->injected, 0);
	oj_mstr_b64(o, "injected_raw_b64", &f->injected);
	oj_mstr(o, "non_tls_data", &f->non_tls_data, 0);
	oj_mstr_b64(o, "non_tls_data_raw_b64", &f->non_tls_data);
	oj_bool(o, "wrong_mode_inferred", f->wrong_mode_inferred);
	oj_bool(o, "login_in_clear", f->login_in_clear);
	oj_bool(o, "implicit_port_plaintext", f->implicit_port_plaintext);
	oj_flags(o, "protocol_violations", f->line_flags,
	    TR_F_BARE_LF | TR_F_BARE_CR | TR_F_NUL | TR_F_CUT, "line_cut");
	oj_tls(o, &f->tls);
	oj_transcript(o, probe_get_transcript(p));
	oj_close(o, '}');
}

static void
oj_hosts(struct oj *o, const struct run *run)
{
	const struct run_host	*h;
	const struct run_addr	*a;
	size_t			 i, j;
	bool			 first;

	oj_key(o, "hosts");
	oj_open(o, '[');
	for (i = 0; i < run_host_count(run); i++) {
		h = run_get_host(run, i);
		if (h == NULL)
			continue;
		oj_key(o, NULL);
		oj_open(o, '{');
		oj_str(o, "host", h->name);
		oj_bool(o, "resolved", h->resolved);
		oj_key(o, "addresses");
		fputc('[', o->fp);
		first = true;
		for (j = 0; j < run_addr_count(run); j++) {
			a = run_get_addr(run, j);
			if (a == NULL || a->host != i || a->family == AF_UNSPEC)
				continue;
			if (!first)
				fputs(", ", o->fp);
			json_escape_str(o->fp, a->text, strlen(a->text), 0);
			first = false;
		}
		fputc(']', o->fp);
		oj_str(o, "error", h->error);
		oj_close(o, '}');
	}
	oj_close(o, ']');
}

static void
oj_cells(struct oj *o, const struct run *run)
{
	const struct run_addr	*a;
	const struct port_row	*row;
	const struct probe	*p;
	unsigned		 modes = run_get_modes(run);
	size_t			 i, r;
	int			 m;

	oj_key(o, "cells");
	oj_open(o, '[');
	for (i = 0; i < run_addr_count(run); i++) {
		a = run_get_addr(run, i);
		if (a == NULL)
			continue;
		for (r = 0; r < run_row_count(run); r++) {
			row = run_get_row(run, r);
			if (row == NULL)
				continue;
			for (m = 0; m < MODE_LAST; m++) {
				if (!(modes & (1u << m)))
					continue;
				p = run_get_probe(run, i, r,
				    (enum probe_mode)m);
				if (p != NULL)
					oj_cell(o, run, a, row, p);
			}
		}
	}
	oj_close(o, ']');
}

void
out_json(FILE *fp, const struct run *run)
{
	struct oj	 o;
	size_t		 done, total;
	uint64_t	 el;
	char *const	*argv;
	char		 now[32];
	int		 m, argc, i;
	bool		 first = true;

	memset(&o, 0, sizeof o);
	o.fp = fp;
	o.empty[0] = true;
	run_get_counts(run, &done, &total);
	el = run_get_elapsed_us(run);

	oj_open(&o, '{');
	oj_key(&o, "mailports");
	oj_open(&o, '{');
	oj_str(&o, "version", PACKAGE_VERSION);
	oj_str(&o, "mbedtls", tlswrap_runtime_version());
	/* A saved report says when and how it was made. */
	oj_str(&o, "written", report_time_now(now, sizeof now));
	oj_key(&o, "arguments");
	oj_open(&o, '[');
	argv = report_get_args(&argc);
	for (i = 0; i < argc; i++)
		oj_str(&o, NULL, argv[i]);
	oj_close(&o, ']');
	oj_close(&o, '}');
	oj_ms(&o, "elapsed_ms", el > INT64_MAX ? -1 : (int64_t)el);
	oj_bool(&o, "complete", run_is_done(run));
	oj_int(&o, "cells_done", (long long)done);
	oj_int(&o, "cells_total", (long long)total);
	oj_key(&o, "modes");
	fputc('[', fp);
	for (m = 0; m < MODE_LAST; m++) {
		if (!(run_get_modes(run) & (1u << m)))
			continue;
		fprintf(fp, "%s\"%s\"", first ? "" : ", ",
		    facts_mode_name((enum probe_mode)m));
		first = false;
	}
	fputc(']', fp);
	oj_hosts(&o, run);
	oj_cells(&o, run);
	oj_key(&o, "advice");
	out_advice_json(fp, run, o.depth);
	oj_close(&o, '}');
	fputc('\n', fp);
	fflush(fp);
}

/* SPDX-License-Identifier: ISC */
/*
 * Cell summaries shared by the TUI, the text report and JSON: a short text
 * in our own words and a tone.  Pure functions of the probe's facts; no
 * server bytes ever reach these strings.  Also what every report records
 * of how it was made (the command line, the time).
 */
#include "config.h"

#include "report.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "facts.h"
#include "probe.h"

static int		 report_argc;	/* arguments after the program */
static char *const	*report_argv;	/* main's argv + 1, never freed */

/* Order of importance when several problems apply. */
static const enum tls_problem report_problem_order[] = {
	TLS_PROB_EXPIRED, TLS_PROB_HOSTNAME_MISMATCH, TLS_PROB_SELF_SIGNED,
	TLS_PROB_UNTRUSTED, TLS_PROB_NOT_YET_VALID, TLS_PROB_REVOKED,
	TLS_PROB_NO_CERTIFICATE, TLS_PROB_BAD_USAGE, TLS_PROB_WEAK_KEY,
	TLS_PROB_WEAK_SIGNATURE, TLS_PROB_OTHER
};

/* The problem in a few words, first in a cell (issue 7: "expired", not
 * "ok TLS1.3 exp..."). */
static const char *
report_problem_short(enum tls_problem p)
{
	switch (p) {
	case TLS_PROB_EXPIRED:
		return "expired";
	case TLS_PROB_HOSTNAME_MISMATCH:
		return "wrong name";
	case TLS_PROB_SELF_SIGNED:
		return "self-signed";
	case TLS_PROB_UNTRUSTED:
		return "untrusted";
	case TLS_PROB_NOT_YET_VALID:
		return "not yet valid";
	case TLS_PROB_REVOKED:
		return "revoked";
	case TLS_PROB_NO_CERTIFICATE:
		return "no certificate";
	case TLS_PROB_BAD_USAGE:
		return "wrong key usage";
	case TLS_PROB_WEAK_KEY:
		return "weak key";
	case TLS_PROB_WEAK_SIGNATURE:
		return "weak signature";
	default:
		return "unverified";
	}
}

static int
report_first_problem(const struct probe_facts *f)
{
	size_t	i;

	for (i = 0; i < sizeof report_problem_order /
	    sizeof report_problem_order[0]; i++) {
		if (f->tls.problems & TLS_PROB_BIT(report_problem_order[i]))
			return (int)report_problem_order[i];
	}
	return -1;
}

const char *
report_cert_problem(const struct probe *p)
{
	int	i = report_first_problem(probe_get_facts(p));

	return i == -1 ? NULL : facts_problem_words((enum tls_problem)i);
}

static const char *
report_version_short(const char *v)
{
	/* "TLSv1.3" -> "TLS1.3" to save a column where space is short. */
	if (strncmp(v, "TLSv", 4) == 0)
		return v + 4;
	return v;
}

const char *
report_cell_summary(const struct probe *p, char *buf, size_t size)
{
	const struct probe_facts	*f = probe_get_facts(p);
	int				 prob;

	switch (f->status) {
	case ST_PENDING:
		if (!probe_is_started(p))
			snprintf(buf, size, "queued");
		else
			snprintf(buf, size, "%s", facts_state_name(
			    probe_get_state(p)));
		break;
	case ST_OK:
		if (!f->tls.established) {
			/* The password outweighs the port: it is what a
			 * newcomer would lose. */
			if (f->login_in_clear)
				snprintf(buf, size, "password in clear");
			else if (f->implicit_port_plaintext)
				snprintf(buf, size, "plaintext on %u",
				    (unsigned)probe_get_spec(p)->port);
			else
				snprintf(buf, size, "ok plain");
			break;
		}
		prob = report_first_problem(f);
		if (prob == -1 && !f->tls.verified)
			prob = TLS_PROB_OTHER;
		if (prob == -1)
			snprintf(buf, size, "ok TLS%s",
			    report_version_short(f->tls.version));
		else
			snprintf(buf, size, "%s", report_problem_short(
			    (enum tls_problem)prob));
		break;
	case ST_TIMEOUT:
		snprintf(buf, size, "timeout");
		break;
	case ST_WRONG_MODE:
		snprintf(buf, size, "%s", probe_get_spec(p)->mode == MODE_TLS ?
		    "plaintext port" : "needs SSL/TLS");
		break;
	case ST_STARTTLS_NOT_OFFERED:
		snprintf(buf, size, "not offered");
		break;
	case ST_STARTTLS_REJECTED:
		snprintf(buf, size, "STARTTLS refused");
		break;
	case ST_TLS_FAILED:
		snprintf(buf, size, "%s", f->tls.legacy_suspected ?
		    "TLS too old" : "TLS failed");
		break;
	case ST_PROTOCOL_ERROR:
		snprintf(buf, size, "protocol error");
		break;
	case ST_SERVICE_REFUSED:
		snprintf(buf, size, "service refused");
		break;
	case ST_RESOLVE_FAILED:
		snprintf(buf, size, "no address");
		break;
	case ST_REFUSED:
		snprintf(buf, size, "refused");
		break;
	default:
		snprintf(buf, size, "%s", facts_status_words(f->status));
		break;
	}
	return buf;
}

const char *
report_cell_more(const struct probe *p, char *buf, size_t size)
{
	const struct probe_facts	*f = probe_get_facts(p);
	int				 prob;

	buf[0] = '\0';
	if (f->status == ST_TIMEOUT)
		snprintf(buf, size, "%s", f->phase == PS_CONNECTING ?
		    "connect" : f->phase == PS_GREETING ? "greeting" :
		    f->phase == PS_TLS_HANDSHAKE ||
		    f->phase == PS_TLS_UPGRADE ? "TLS" : "reply");
	else if (f->status == ST_OK && f->tls.established) {
		prob = report_first_problem(f);
		if (prob != -1 || !f->tls.verified)
			snprintf(buf, size, "TLS%s",
			    report_version_short(f->tls.version));
	}
	return buf;
}

const char *
report_cell_line(const struct probe *p, char *buf, size_t size,
    size_t width)
{
	char	more[32];
	size_t	n;

	report_cell_summary(p, buf, size);
	report_cell_more(p, more, sizeof more);
	n = strlen(buf);
	if (more[0] != '\0' && n + 1 + strlen(more) <= width)
		snprintf(buf + n, size - n, " %s", more);
	return buf;
}

enum report_tone
report_cell_tone(const struct probe *p)
{
	const struct probe_facts	*f = probe_get_facts(p);

	switch (f->status) {
	case ST_PENDING:
		return TONE_PENDING;
	case ST_OK:
		/* A password in clear, or plaintext where TLS was meant,
		 * never reads as a quiet ok (issue 7). */
		if (!f->tls.established)
			return f->login_in_clear ||
			    f->implicit_port_plaintext ? TONE_WARN :
			    TONE_NEUTRAL;
		return f->tls.verified ? TONE_GOOD : TONE_WARN;
	case ST_REFUSED:
	case ST_WRONG_MODE:
	case ST_STARTTLS_NOT_OFFERED:
	case ST_UNREACHABLE:
		return TONE_NEUTRAL;
	default:
		return TONE_BAD;
	}
}

void
report_set_args(int argc, char *const argv[])
{
	report_argc = argc > 1 ? argc - 1 : 0;
	report_argv = argc > 1 ? argv + 1 : NULL;
}

char *const *
report_get_args(int *argc)
{
	*argc = report_argc;
	return report_argv;
}

const char *
report_time_now(char *buf, size_t size)
{
	time_t		t = time(NULL);
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "?");
	return buf;
}

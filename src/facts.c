/* SPDX-License-Identifier: ISC */
/*
 * Names of the model's enumerations and storage helpers for the raw
 * strings it holds.  The X-macro lists in facts.h are the one source of
 * the names used by every output.
 */
#include "config.h"

#include "facts.h"

#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

static const char *const mode_names[] = {
#define X(e, name, client, label) name,
	PROBE_MODES(X)
#undef X
};
static const char *const mode_clients[] = {
#define X(e, name, client, label) client,
	PROBE_MODES(X)
#undef X
};
static const char *const mode_labels[] = {
#define X(e, name, client, label) label,
	PROBE_MODES(X)
#undef X
};
static const char *const status_names[] = {
#define X(e, name, words) name,
	PROBE_STATUSES(X)
#undef X
};
static const char *const status_words[] = {
#define X(e, name, words) words,
	PROBE_STATUSES(X)
#undef X
};
static const char *const state_names[] = {
#define X(e, name) name,
	PROBE_STATES(X)
#undef X
};
static const char *const problem_names[] = {
#define X(e, name, words) name,
	TLS_PROBLEMS(X)
#undef X
};
static const char *const problem_words[] = {
#define X(e, name, words) words,
	TLS_PROBLEMS(X)
#undef X
};

const char *
facts_mode_name(enum probe_mode m)
{
	return m < MODE_LAST ? mode_names[m] : "?";
}

const char *
facts_mode_client(enum probe_mode m)
{
	return m < MODE_LAST ? mode_clients[m] : "?";
}

const char *
facts_mode_label(enum probe_mode m)
{
	return m < MODE_LAST ? mode_labels[m] : "?";
}

int
facts_mode_from_name(const char *s)
{
	int	i;

	for (i = 0; i < MODE_LAST; i++) {
		if (strcasecmp(s, mode_names[i]) == 0)
			return i;
	}
	return -1;
}

const char *
facts_status_name(enum probe_status s)
{
	return s < ST_LAST ? status_names[s] : "?";
}

const char *
facts_status_words(enum probe_status s)
{
	return s < ST_LAST ? status_words[s] : "?";
}

const char *
facts_state_name(enum probe_state s)
{
	return s < PS_LAST ? state_names[s] : "?";
}

const char *
facts_problem_name(enum tls_problem p)
{
	return p < TLS_PROB_LAST ? problem_names[p] : "?";
}

const struct facts_timing facts_timings[] = {
#define X(f, json, text, label)						\
	{ json, text, label, offsetof(struct probe_timing, f) },
	PROBE_TIMINGS(X)
#undef X
};
const size_t facts_ntimings = sizeof facts_timings / sizeof facts_timings[0];

int64_t
facts_timing_get(const struct probe_timing *t, size_t i)
{
	int64_t	v;

	if (i >= facts_ntimings)
		return -1;
	memcpy(&v, (const char *)t + facts_timings[i].off, sizeof v);
	return v;
}

const char *
facts_problem_words(enum tls_problem p)
{
	return p < TLS_PROB_LAST ? problem_words[p] : "?";
}

void
mstr_set(struct mstr *m, const void *p, size_t n)
{
	free(m->p);
	m->p = xmemdup0(p, n);
	m->n = n;
}

void
mstr_clear(struct mstr *m)
{
	free(m->p);
	m->p = NULL;
	m->n = 0;
}

static bool
mstr_eq_ci(const struct mstr *m, const void *p, size_t n)
{
	return m->n == n && strncasecmp(m->p, p, n) == 0 &&
	    memchr(p, '\0', n) == NULL;
}

void
mstr_list_add(struct mstr_list *l, const void *p, size_t n, size_t max)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (mstr_eq_ci(&l->v[i], p, n))
			return;
	}
	if (l->n >= max)
		return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n].p = NULL;
	mstr_set(&l->v[l->n], p, n);
	l->n++;
}

bool
mstr_list_has(const struct mstr_list *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		if (mstr_eq_ci(&l->v[i], s, strlen(s)))
			return true;
	}
	return false;
}

bool
mstr_list_has_prefix(const struct mstr_list *l, const char *s)
{
	size_t	i, n = strlen(s);

	for (i = 0; i < l->n; i++) {
		if (l->v[i].n >= n && strncasecmp(l->v[i].p, s, n) == 0)
			return true;
	}
	return false;
}

void
mstr_list_clear(struct mstr_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].p);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
facts_init(struct probe_facts *f)
{
	memset(f, 0, sizeof *f);
	f->status = ST_PENDING;
	f->phase = PS_QUEUED;
	f->timing.connect_us = f->timing.tls_us = f->timing.greeting_us = -1;
	f->timing.capa_us = f->timing.starttls_us = -1;
	f->timing.tls_upgrade_us = f->timing.capa_tls_us = -1;
	f->timing.total_us = -1;
}

static void
facts_clear_tls(struct tls_facts *t)
{
	size_t	i;

	for (i = 0; i < t->chain_len && i < TLS_CHAIN_MAX; i++) {
		mstr_clear(&t->chain[i].subject);
		mstr_clear(&t->chain[i].issuer);
		mstr_list_clear(&t->chain[i].san);
	}
	free(t->failure);
	memset(t, 0, sizeof *t);
}

void
facts_clear(struct probe_facts *f)
{
	free(f->reason);
	mstr_clear(&f->greeting);
	mstr_list_clear(&f->caps_before);
	mstr_list_clear(&f->caps_after);
	mstr_list_clear(&f->auth_before);
	mstr_list_clear(&f->auth_after);
	mstr_clear(&f->starttls_reply);
	mstr_clear(&f->injected);
	mstr_clear(&f->non_tls_data);
	facts_clear_tls(&f->tls);
	facts_init(f);
}

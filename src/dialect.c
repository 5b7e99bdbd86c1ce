/* SPDX-License-Identifier: ISC */
/*
 * The dialect registry: lookup by protocol name, service name or standard
 * port, the per-connection dialogue state (random IMAP tag prefix) and the
 * one bounded tokenizer the capability parsers share.  Protocol knowledge
 * lives in the dialect_*.c tables, not here.
 */
#include "config.h"

#include "dialect.h"

#include <sys/random.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

const struct dialect *const dialect_all[] = {
	&dialect_smtp,
	&dialect_pop3,
	&dialect_imap,
	NULL
};

/* Names people use for the same services (RFC 8314 section 7). */
static const struct {
	const char	*alias;		/* what the user typed */
	const char	*name;		/* IANA service name */
} dialect_aliases[] = {
	{ "smtps", "submissions" },
	{ "ssmtp", "submissions" },
	{ "urd", "submissions" },
	{ "msa", "submission" },
	{ "pop", "pop3" },
	{ "pop3-starttls", "pop3" },
	{ "imap4", "imap" },
	{ "imap-starttls", "imap" },
	{ "smtp-starttls", "smtp" },
};

const struct dialect *
dialect_by_name(const char *name)
{
	size_t	i;

	for (i = 0; dialect_all[i] != NULL; i++) {
		if (strcasecmp(dialect_all[i]->name, name) == 0)
			return dialect_all[i];
	}
	return NULL;
}

const struct dialect_service *
dialect_service_by_name(const char *name, const struct dialect **d)
{
	const struct dialect_service	*s;
	size_t				 i;

	for (i = 0; i < sizeof dialect_aliases / sizeof dialect_aliases[0];
	    i++) {
		if (strcasecmp(dialect_aliases[i].alias, name) == 0) {
			name = dialect_aliases[i].name;
			break;
		}
	}
	for (i = 0; dialect_all[i] != NULL; i++) {
		for (s = dialect_all[i]->services; s->name != NULL; s++) {
			if (strcasecmp(s->name, name) == 0) {
				*d = dialect_all[i];
				return s;
			}
		}
	}
	return NULL;
}

const struct dialect_service *
dialect_service_by_port(uint16_t port, const struct dialect **d)
{
	const struct dialect_service	*s;
	size_t				 i;

	for (i = 0; dialect_all[i] != NULL; i++) {
		for (s = dialect_all[i]->services; s->name != NULL; s++) {
			if (s->port == port) {
				*d = dialect_all[i];
				return s;
			}
		}
	}
	return NULL;
}

void
dialect_caps_clear(struct dialect_caps *c)
{
	mstr_list_clear(&c->caps);
	mstr_list_clear(&c->auth);
	c->starttls = false;
	c->login_disabled = false;
	c->found = false;
}

void
dialect_caps_add_auth(struct dialect_caps *c, const char *p, size_t n,
    size_t pos)
{
	const char	*t;
	size_t		 tn;

	for (;;) {
		t = dialect_next_token(p, n, &pos, NULL, &tn);
		if (t == NULL)
			break;
		mstr_list_add(&c->auth, t, tn, DIALECT_CAPS_MAX);
	}
}

/* Random bytes for tags: getrandom(2) never blocks once the pool is
 * initialised; before that (early boot) a clock and pid mix is enough to
 * keep a server from guessing tags in advance (they are not secrets). */
static void
dialect_random(unsigned char *b, size_t n)
{
	struct timespec	ts;
	uint64_t	x;
	ssize_t		r;
	size_t		i;

	do
		r = getrandom(b, n, GRND_NONBLOCK);
	while (r == -1 && errno == EINTR);
	if (r == (ssize_t)n)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	x = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30) ^
	    ((uint64_t)getpid() << 16) ^ (uint64_t)(uintptr_t)b;
	for (i = 0; i < n; i++) {
		x ^= x << 13;	/* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		b[i] = (unsigned char)x;
	}
}

void
dialect_state_init(struct dialect_state *st)
{
	unsigned char	rnd[DIALECT_TAG_RANDOM];
	size_t		i;

	memset(st, 0, sizeof *st);
	st->first_line = true;
	dialect_random(rnd, sizeof rnd);
	st->tag_prefix[0] = 'm';
	st->tag_prefix[1] = 'p';
	for (i = 0; i < sizeof rnd; i++)
		st->tag_prefix[2 + i] = (char)('a' + rnd[i] % 26);
	st->tag_prefix[2 + sizeof rnd] = '\0';
}

const char *
dialect_cmd_word(const struct dialect *d, enum dialect_cmd cmd)
{
	if (d == NULL || d->cmds == NULL || (unsigned int)cmd >= DC_LAST ||
	    d->cmds[cmd].word == NULL)
		return "?";
	return d->cmds[cmd].word;
}

/* Only SP separates: it is the one separator of EHLO lines (RFC 5321
 * 4.1.1.1), CAPA lines (RFC 2449 5) and capability data (RFC 9051 9);
 * a tab or any other byte belongs to the token and reaches the outputs
 * (escaped) as the server sent it. */
static bool
dialect_is_stop(const char *stops, char ch)
{
	return stops != NULL && ch != '\0' && strchr(stops, ch) != NULL;
}

const char *
dialect_next_token(const char *p, size_t n, size_t *pos, const char *stops,
    size_t *len)
{
	size_t	i = *pos, start;

	*len = 0;
	while (i < n && p[i] == ' ')
		i++;
	start = i;
	while (i < n && p[i] != ' ' && !dialect_is_stop(stops, p[i]))
		i++;
	*pos = i;
	if (i == start)
		return NULL;
	*len = i - start;
	return p + start;
}

/* SPDX-License-Identifier: ISC */
/*
 * The dialect registry: lookup by protocol name, service name or standard
 * port.  Protocol knowledge lives in the dialect_*.c tables, not here.
 */
#include "config.h"

#include "dialect.h"

#include <string.h>
#include <strings.h>

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

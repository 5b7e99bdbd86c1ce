/* SPDX-License-Identifier: ISC */
/*
 * The personalities of the lab servers, as data: the three providers of
 * `mailports --demo` and one scenario per TLS line of the misbehaviour
 * catalogue (docs/hacking.md, "Built-in lab servers").  A new case is a
 * new row here, never new code in the servers.
 */
#include "config.h"

#include "lab.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialect.h"

#define LAB_N(a)	(sizeof (a) / sizeof (a)[0])

/* A port with a good ECDSA certificate. */
#define LAB_PORT(svc, sp, fl)						\
	{ .service = (svc), .speak = (sp), .flags = (fl),		\
	    .cert = TLSWRAP_CRED_GOOD, .key = TLSWRAP_KEY_ECDSA }

/* Well run: implicit TLS on 465/993/995, STARTTLS on 25/587/110/143,
 * logins only inside TLS, a certificate that verifies. */
static const struct lab_port lab_good[] = {
	LAB_PORT("smtp", LAB_STARTTLS, 0),
	LAB_PORT("submissions", LAB_TLS, 0),
	LAB_PORT("submission", LAB_STARTTLS, 0),
	LAB_PORT("pop3", LAB_STARTTLS, 0),
	LAB_PORT("pop3s", LAB_TLS, 0),
	LAB_PORT("imap", LAB_STARTTLS, 0),
	LAB_PORT("imaps", LAB_TLS, 0),
};

/* Plaintext only, passwords in the clear; the TLS ports are closed. */
static const struct lab_port lab_legacy[] = {
	LAB_PORT("smtp", LAB_PLAIN, LAB_F_AUTH_PLAIN),
	LAB_PORT("submissions", LAB_CLOSED, 0),
	LAB_PORT("submission", LAB_PLAIN, LAB_F_AUTH_PLAIN),
	LAB_PORT("pop3", LAB_PLAIN, LAB_F_AUTH_PLAIN),
	LAB_PORT("pop3s", LAB_CLOSED, 0),
	LAB_PORT("imap", LAB_PLAIN, LAB_F_AUTH_PLAIN),
	LAB_PORT("imaps", LAB_CLOSED, 0),
};

/* The classic mistakes: 465 speaking plaintext, an expired certificate
 * on 587, STARTTLS advertised but refused on 110, a password login
 * before TLS on 143, a self-signed certificate for another name on 993. */
static const struct lab_port lab_broken[] = {
	LAB_PORT("smtp", LAB_STARTTLS, 0),
	LAB_PORT("submissions", LAB_PLAIN, LAB_F_AUTH_PLAIN),
	{ .service = "submission", .speak = LAB_STARTTLS,
	    .cert = TLSWRAP_CRED_EXPIRED },
	LAB_PORT("pop3", LAB_STARTTLS, LAB_F_STARTTLS_FAIL),
	LAB_PORT("pop3s", LAB_TLS, 0),
	LAB_PORT("imap", LAB_STARTTLS, LAB_F_AUTH_PLAIN),
	{ .service = "imaps", .speak = LAB_TLS,
	    .cert = TLSWRAP_CRED_SELF_SIGNED,
	    .cert_name = "mail.other.demo" },
};

static const char *const lab_broken_settings[] = {
	"pop3:110:ssl", "smtp:465:ssl", NULL
};

/* One TLS line of the catalogue (hostile-servers.md 28-32, 38): IMAP with
 * implicit TLS first, SMTP submission with STARTTLS second. */
#define LAB_SCEN(name, ...)						\
static const struct lab_port name[] = {				\
	{ .service = "imaps", .speak = LAB_TLS, __VA_ARGS__ },		\
	{ .service = "submission", .speak = LAB_STARTTLS, __VA_ARGS__ },\
}

LAB_SCEN(lab_expired, .cert = TLSWRAP_CRED_EXPIRED);
LAB_SCEN(lab_not_yet, .cert = TLSWRAP_CRED_NOT_YET_VALID);
LAB_SCEN(lab_wrong_name, .cert = TLSWRAP_CRED_WRONG_NAME);
LAB_SCEN(lab_self_signed, .cert = TLSWRAP_CRED_SELF_SIGNED);
LAB_SCEN(lab_no_inter, .cert = TLSWRAP_CRED_MISSING_INTERMEDIATE);
LAB_SCEN(lab_untrusted, .cert = TLSWRAP_CRED_UNTRUSTED_ROOT);
LAB_SCEN(lab_alert, .tls = { .misbehave =
    TLSWRAP_MIS_ALERT_MID_HANDSHAKE });
LAB_SCEN(lab_no_notify, .tls = { .misbehave =
    TLSWRAP_MIS_CLOSE_NO_NOTIFY });
LAB_SCEN(lab_after_notify, .tls = { .misbehave =
    TLSWRAP_MIS_DATA_AFTER_NOTIFY });
LAB_SCEN(lab_tickets, .tls = { .tls_min = 13, .tickets = 4 });
LAB_SCEN(lab_client_cert, .tls = { .request_client_cert = true });
LAB_SCEN(lab_tls12_pss, .key = TLSWRAP_KEY_RSA, .tls = { .tls_min = 12,
    .tls_max = 12, .sig = TLSWRAP_SIG_RSA_PSS });
LAB_SCEN(lab_tls12_pkcs1, .key = TLSWRAP_KEY_RSA, .tls = { .tls_min = 12,
    .tls_max = 12, .sig = TLSWRAP_SIG_PKCS1 });

#define LAB_P(name, host, about, ports, settings, demo)			\
	{ name, host, about, ports, LAB_N(ports), settings, demo }

static const struct lab_personality lab_table[] = {
	LAB_P("good", "mail.good.demo", "a well-run provider: implicit TLS "
	    "on 465/993/995, STARTTLS on 25/587/110/143", lab_good, NULL,
	    true),
	LAB_P("legacy", "mail.legacy.demo", "a legacy provider: plaintext "
	    "only, passwords in the clear", lab_legacy, NULL,
	    true),
	LAB_P("broken", "mail.broken.demo", "a misconfigured provider: the "
	    "classic mistakes", lab_broken, lab_broken_settings, true),
	LAB_P("tls-expired", "mail.lab.demo", "an expired certificate",
	    lab_expired, NULL, false),
	LAB_P("tls-not-yet-valid", "mail.lab.demo", "a certificate not yet "
	    "valid", lab_not_yet, NULL, false),
	LAB_P("tls-wrong-name", "mail.lab.demo", "a certificate for another "
	    "name", lab_wrong_name, NULL, false),
	LAB_P("tls-self-signed", "mail.lab.demo", "a self-signed "
	    "certificate", lab_self_signed, NULL, false),
	LAB_P("tls-missing-intermediate", "mail.lab.demo", "the "
	    "intermediate CA is not sent", lab_no_inter, NULL, false),
	LAB_P("tls-untrusted-root", "mail.lab.demo", "signed by a root "
	    "nobody trusts", lab_untrusted, NULL, false),
	LAB_P("tls-alert", "mail.lab.demo", "a fatal alert after the "
	    "ClientHello", lab_alert, NULL, false),
	LAB_P("tls-close-no-notify", "mail.lab.demo", "closes without "
	    "close_notify", lab_no_notify, NULL, false),
	LAB_P("tls-data-after-notify", "mail.lab.demo", "sends data after "
	    "close_notify", lab_after_notify, NULL, false),
	LAB_P("tls13-tickets", "mail.lab.demo", "TLS 1.3 with four session "
	    "tickets", lab_tickets, NULL, false),
	LAB_P("tls-client-cert", "mail.lab.demo", "asks for a client "
	    "certificate", lab_client_cert, NULL, false),
	LAB_P("tls12-pss", "mail.lab.demo", "TLS 1.2 only, RSA key, RSA-PSS "
	    "signatures", lab_tls12_pss, NULL, false),
	LAB_P("tls12-pkcs1", "mail.lab.demo", "TLS 1.2 only, RSA key, "
	    "PKCS#1 signatures", lab_tls12_pkcs1, NULL, false),
};

size_t
lab_personality_count(void)
{
	return LAB_N(lab_table);
}

const struct lab_personality *
lab_personality_get(size_t i)
{
	return i < LAB_N(lab_table) ? &lab_table[i] : NULL;
}

const struct lab_personality *
lab_personality_find(const char *spec, const struct lab_port **port)
{
	const struct lab_personality	*p;
	const struct dialect		*d, *d2;
	const struct dialect_service	*s, *s2;
	const char			*colon;
	size_t				 i, j, n;

	*port = NULL;
	colon = strchr(spec, ':');
	n = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	for (i = 0; i < LAB_N(lab_table); i++) {
		p = &lab_table[i];
		if (strlen(p->name) != n || strncasecmp(p->name, spec, n) != 0)
			continue;
		if (colon == NULL)
			return p;
		/* Aliases too: "smtps" is "submissions". */
		s = dialect_service_by_name(colon + 1, &d);
		if (s == NULL)
			return NULL;
		for (j = 0; j < p->nports; j++) {
			s2 = dialect_service_by_name(p->ports[j].service, &d2);
			if (s2 == s) {
				*port = &p->ports[j];
				return p;
			}
		}
		return NULL;
	}
	return NULL;
}

uint16_t
lab_service_port(const char *service)
{
	const struct dialect_service	*s;
	const struct dialect		*d;

	s = dialect_service_by_name(service, &d);
	return s != NULL ? s->port : 0;
}

const struct lab_port *
lab_port_by_number(const struct lab_personality *p, uint16_t port)
{
	size_t	i;

	for (i = 0; i < p->nports; i++) {
		if (lab_service_port(p->ports[i].service) == port)
			return &p->ports[i];
	}
	return NULL;
}

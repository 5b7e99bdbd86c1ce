/* SPDX-License-Identifier: ISC */
/*
 * Host arguments before any lookup: names and address literals that are
 * accepted, inputs that are neither (each with a one-line, sanitised
 * reason), and scoped IPv6 literals parsed with their scope id.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "target.h"

/* A name of labels of the given lengths, joined by dots. */
static char *
make_name(size_t label, size_t count)
{
	char	*s;
	size_t	 i, k = 0;

	s = malloc(count * (label + 1) + 1);
	if (s == NULL)
		abort();
	for (i = 0; i < count; i++) {
		memset(s + k, 'a' + (int)(i % 26), label);
		k += label;
		s[k++] = '.';
	}
	s[k - 1] = '\0';	/* no trailing dot */
	return s;
}

static void
good(const char *h, const char *what)
{
	char	*err = NULL;
	int	 rc;

	rc = target_check_host(h, &err);
	if (!tap_ok(rc == 0 && err == NULL, "accepted: %s", what))
		tap_diag("error: %s", err != NULL ? err : "(none)");
	free(err);
}

/* Rejected with one printable line that mentions want. */
static void
bad(const char *h, const char *want, const char *what)
{
	char		*err = NULL;
	const char	*p;
	bool		 clean = true;
	int		 rc;

	rc = target_check_host(h, &err);
	for (p = err; p != NULL && *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			clean = false;
	}
	if (!tap_ok(rc == -1 && err != NULL && clean &&
	    strstr(err, want) != NULL, "rejected: %s", what))
		tap_diag("rc %d, error: %s", rc, err != NULL ? err : "(none)");
	free(err);
}

static void
literal(const char *s, int family, unsigned scope, const char *what)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len = 0;
	int			 rc;

	rc = target_parse_literal(s, &ss, &len);
	if (!tap_ok(rc == 0 && ss.ss_family == family && (family != AF_INET6 ||
	    (len == sizeof *sin6 && sin6->sin6_scope_id == scope)),
	    "literal %s", what))
		tap_diag("rc %d family %d scope %u", rc, ss.ss_family,
		    family == AF_INET6 ? sin6->sin6_scope_id : 0);
}

int
main(void)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len;
	unsigned		 lo;
	char			*n63, *n64, *n253, *n254;

	tap_plan(42);
	lo = if_nametoindex("lo");

	good("mail.example.com", "a dotted name");
	good("mail.example.com.", "an absolute name");
	good("localhost", "a single label");
	good("a-b.c_d.example", "'-' inside, '_' anywhere");
	good("xn--bcher-kva.example", "an IDN in xn-- form");
	good("123.example", "a digit label that is not the last");
	good("127.0.0.1", "IPv4");
	good("::1", "IPv6");
	good("[::1]", "bracketed IPv6");
	good("fe80::1%1", "IPv6 with a numeric zone");
	if (lo != 0) {
		good("fe80::1%lo", "IPv6 with an interface zone");
		good("[fe80::1%lo]", "bracketed IPv6 with a zone");
	} else
		tap_skip(2, "no interface 'lo'");

	/* A label of exactly 63 and a name of exactly 253 are fine. */
	n63 = make_name(63, 2);
	n64 = make_name(64, 2);
	n253 = make_name(63, 4);	/* 4 * 64 - 1 = 255 bytes */
	n253[253] = '\0';		/* the last label keeps 61 */
	n254 = make_name(63, 4);
	n254[254] = '\0';
	good(n63, "a 63-byte label");
	tap_is_int((long long)strlen(n253), 253, "the long name has 253 "
	    "bytes");
	good(n253, "a 253-byte name");

	bad("-", "starts or ends with '-'", "-");
	bad("-foo.example", "starts or ends with '-'", "-foo.example");
	bad("foo-.example", "starts or ends with '-'", "foo-.example");
	bad("1.2.3.4.5", "all digits", "1.2.3.4.5");
	bad("1.2.3", "all digits", "1.2.3 (no such IPv4 form)");
	bad("", "empty", "the empty string");
	bad(".", "root", "a bare '.'");
	bad("a..example", "empty label", "an empty label");
	bad(".example", "empty label", "a leading dot");
	bad("mail example.com", "space or a control", "a space");
	bad("mail\texample", "space or a control", "a tab");
	bad("evil\033[2J.example", "space or a control", "an escape "
	    "sequence, shown escaped");
	bad("a\177b", "space or a control", "DEL");
	bad("b\xc3\xbc" "cher.example", "xn--", "raw UTF-8");
	bad("mail/example", "only letters", "a slash");
	bad(n64, "longer than 63", "a 64-byte label");
	bad(n254, "longer than 253", "a 254-byte name");
	bad("fe80::1%nosuchif0", "no network interface", "an unknown zone");
	bad("fe80::1%", "zone", "an empty zone");
	bad("fe80::1%e\033th0", "zone", "a zone with a control byte");
	bad("1.2.3.4%lo", "only letters", "a zone on IPv4");

	literal("192.0.2.1", AF_INET, 0, "IPv4");
	literal("[2001:db8::1]", AF_INET6, 0, "bracketed IPv6, no zone");
	literal("fe80::1%7", AF_INET6, 7, "fe80::1%7: scope id 7");
	if (lo != 0) {
		literal("fe80::1%lo", AF_INET6, lo, "fe80::1%lo: lo's index");
		literal("[fe80::1%lo]", AF_INET6, lo, "[fe80::1%lo]: lo's "
		    "index");
	} else
		tap_skip(2, "no interface 'lo'");
	tap_is_int(target_parse_literal("fe80::1%nosuchif0", &ss, &len), -1,
	    "an unknown zone is no literal");

	free(n63);
	free(n64);
	free(n253);
	free(n254);
	return tap_done();
}

/* SPDX-License-Identifier: ISC */
/*
 * The certificate name check (tlswrap_check_name(), the same code as the
 * verify callback of every session) over a table of certificates made with
 * openssl x target names, with OpenSSL's verdict for the same pair
 * (openssl x509 -checkhost / -checkip) beside ours.  Ours is asserted;
 * OpenSSL must agree except on the rows marked stricter, where we refuse
 * on purpose what OpenSSL accepts (RFC 9525 6.3).  Without openssl: SKIP.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "tlswrap.h"

/* One certificate: file name, subject and subjectAltName (or ""). */
static const struct {
	const char	*name;
	const char	*subj;
	const char	*san;
} certs[] = {
	{ "com", "/CN=x", "DNS:*.com" },
	{ "tld", "/CN=x", "DNS:*.example" },
	{ "wild", "/CN=x", "DNS:*.example.com" },
	{ "partial", "/CN=x", "DNS:f*.example.com" },
	{ "xnpart", "/CN=x", "DNS:xn--*.example.com" },
	{ "xnwild", "/CN=x", "DNS:*.xn--bcher-kva.example" },
	{ "couk", "/CN=x", "DNS:*.co.uk" },
	{ "mid", "/CN=x", "DNS:mail.*.example.com" },
	{ "double", "/CN=x", "DNS:*.*.example.com" },
	{ "upper", "/CN=x", "DNS:MAIL.Example.COM" },
	{ "ipdns", "/CN=127.0.0.1", "DNS:127.0.0.1" },
	{ "ip", "/CN=x", "IP:127.0.0.1, IP:::1" },
	{ "cnonly", "/CN=mail.example.com", "" },
	{ "cnwild", "/CN=*.example.com", "" },
	{ "cnsan", "/CN=cn.example.com", "DNS:san.example.com" },
	{ "cnip", "/CN=mail.example.com", "IP:127.0.0.1" },
	{ "ipcn", "/CN=127.0.0.1", "" }
};

/* Target names per certificate; ours is what we must say. */
static const struct {
	const char	*cert;
	const char	*host;
	int		 ours;		/* 1 match, 0 no match */
	bool		 stricter;	/* OpenSSL says 1 on purpose */
	const char	*why;		/* for the stricter rows */
} rows[] = {
	{ "com", "foo.com", 0, false, NULL },
	{ "tld", "test.example", 0, false, NULL },
	{ "wild", "a.example.com", 1, false, NULL },
	{ "wild", "A.EXAMPLE.COM", 1, false, NULL },
	{ "wild", "example.com", 0, false, NULL },
	{ "wild", "a.b.example.com", 0, false, NULL },
	{ "wild", "a.example.org", 0, false, NULL },
	{ "partial", "foo.example.com", 0, true,
	    "partial-label wildcard (RFC 9525 6.3)" },
	{ "partial", "f.example.com", 0, true,
	    "partial-label wildcard (RFC 9525 6.3)" },
	{ "xnpart", "xn--bcher-kva.example.com", 0, false, NULL },
	{ "xnwild", "a.xn--bcher-kva.example", 1, false, NULL },
	{ "couk", "example.co.uk", 0, true,
	    "wildcard over the public suffix co.uk" },
	{ "mid", "mail.x.example.com", 0, false, NULL },
	{ "double", "a.b.example.com", 0, false, NULL },
	{ "upper", "mail.example.com", 1, false, NULL },
	{ "ipdns", "127.0.0.1", 0, false, NULL },
	{ "ip", "127.0.0.1", 1, false, NULL },
	{ "ip", "::1", 1, false, NULL },
	{ "ip", "127.0.0.2", 0, false, NULL },
	{ "ip", "0:0:0:0:0:0:0:1", 1, false, NULL },
	{ "cnonly", "mail.example.com", 1, false, NULL },
	{ "cnonly", "other.example.com", 0, false, NULL },
	{ "cnwild", "a.example.com", 1, false, NULL },
	{ "cnsan", "cn.example.com", 0, false, NULL },
	{ "cnsan", "san.example.com", 1, false, NULL },
	{ "cnip", "mail.example.com", 1, false, NULL },
	{ "cnip", "127.0.0.1", 1, false, NULL },
	{ "ipcn", "127.0.0.1", 0, false, NULL }
};

static char	tmpdir[256];

static bool
is_ip(const char *h)
{
	return strchr(h, ':') != NULL ||
	    strspn(h, "0123456789.") == strlen(h);
}

static int
sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

static int
make_cert(size_t i)
{
	char	cmd[1024], ext[300];

	ext[0] = '\0';
	if (certs[i].san[0] != '\0')
		snprintf(ext, sizeof ext, "-addext 'subjectAltName=%s'",
		    certs[i].san);
	snprintf(cmd, sizeof cmd, "cd '%s' && openssl req -x509 -newkey ec "
	    "-pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout %s.key "
	    "-days 30 -subj '%s' %s -out %s.pem >>gen.log 2>&1 && "
	    "openssl x509 -in %s.pem -outform der -out %s.der >>gen.log 2>&1",
	    tmpdir, certs[i].name, certs[i].subj, ext, certs[i].name,
	    certs[i].name, certs[i].name);
	return sh(cmd);
}

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE		*f;
	unsigned char	*p;
	long		 len;

	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	p = malloc((size_t)len);
	if (p != NULL && fread(p, 1, (size_t)len, f) != (size_t)len) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* OpenSSL's verdict: 1, 0, or -1 when it could not be asked. */
static int
openssl_says(const char *cert, const char *host)
{
	char	 cmd[700], line[512];
	FILE	*p;
	int	 v = -1;

	snprintf(cmd, sizeof cmd, "openssl x509 -in '%s/%s.pem' -noout %s "
	    "'%s' 2>/dev/null", tmpdir, cert, is_ip(host) ? "-checkip" :
	    "-checkhost", host);
	p = popen(cmd, "r");
	if (p == NULL)
		return -1;
	while (fgets(line, sizeof line, p) != NULL) {
		if (strstr(line, "does NOT match") != NULL)
			v = 0;
		else if (strstr(line, "does match") != NULL)
			v = 1;
	}
	pclose(p);
	return v;
}

int
main(void)
{
	struct tlswrap_config	*cfg;
	unsigned char		*der;
	char			 path[600], cmd[700], *err = NULL;
	size_t			 i, n;
	int			 ours, theirs;

	if (system("openssl version >/dev/null 2>&1") != 0)
		tap_skip_all("no openssl");
	snprintf(tmpdir, sizeof tmpdir, "%s/t_tlsname.XXXXXX",
	    getenv("TMPDIR") != NULL && *getenv("TMPDIR") != '\0' ?
	    getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		tap_skip_all("cannot make a temporary directory");
	for (i = 0; i < sizeof certs / sizeof certs[0]; i++) {
		if (make_cert(i) != 0) {
			snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
			(void)sh(cmd);
			tap_skip_all("openssl cannot make certificate %s",
			    certs[i].name);
		}
	}
	/* PSA crypto is set up by the first configuration. */
	snprintf(path, sizeof path, "%s/wild.pem", tmpdir);
	cfg = tlswrap_config_new(path, NULL, &err);
	tap_ok(cfg != NULL, "configuration (%s)", err != NULL ? err : "ok");
	free(err);

	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		snprintf(path, sizeof path, "%s/%s.der", tmpdir, rows[i].cert);
		der = slurp(path, &n);
		ours = der != NULL ? tlswrap_check_name(der, n, rows[i].host) :
		    -2;
		free(der);
		theirs = openssl_says(rows[i].cert, rows[i].host);
		tap_ok(ours == rows[i].ours,
		    "%-8s %-26s ours %s, OpenSSL %s%s%s", rows[i].cert, rows[i].host, ours == 1 ? "match" :
		    ours == 0 ? "no match" : "error", theirs == 1 ? "match" :
		    theirs == 0 ? "no match" : "unknown",
		    rows[i].stricter ? "; stricter on purpose: " : "",
		    rows[i].stricter ? rows[i].why : "");
		if (rows[i].stricter)
			tap_ok(theirs == 1, "%s %s: OpenSSL accepts what we "
			    "refuse", rows[i].cert, rows[i].host);
		else
			tap_ok(theirs == rows[i].ours, "%s %s: OpenSSL agrees",
			    rows[i].cert, rows[i].host);
	}

	/* The reference name's trailing dot is ignored (RFC 9525 6.3 compares
	 * names; we verify the name we send as SNI, RFC 6066 3).  openssl
	 * x509 -checkhost compares it literally, so no OpenSSL column. */
	snprintf(path, sizeof path, "%s/wild.der", tmpdir);
	der = slurp(path, &n);
	tap_ok(der != NULL && tlswrap_check_name(der, n, "a.example.com.") ==
	    1, "trailing dot of the target ignored");
	tap_ok(der != NULL && tlswrap_check_name(der, n, "") == -1 &&
	    tlswrap_check_name(der, n - 1, "a.example.com") == -1,
	    "empty name and truncated certificate: -1");
	free(der);

	tlswrap_config_free(cfg);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (sh(cmd) != 0)
		tap_diag("cannot remove %s", tmpdir);
	return tap_done_testing();
}

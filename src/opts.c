/* SPDX-License-Identifier: ISC */
/*
 * The option table and its parser: one row per option gives the name, the
 * argument, the default and the help text, and --help is generated from
 * it.  Bad input ends in one sentence on stderr and exit status 2.
 */
#include "config.h"

#include "opts.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialect.h"
#include "lab.h"
#include "sanitize.h"
#include "target.h"
#include "tlswrap.h"
#include "xmalloc.h"

#define OPTS_TIMEOUT_S		10	/* default per-phase deadline */
#define OPTS_JOBS		24	/* default connections per address */
#define OPTS_PER_PORT		3	/* default connections per port */
#define OPTS_STAGGER_MS		3	/* default gap between starts */
#define OPTS_CA_FILE_MAX	(64 << 20) /* bytes in a --ca-file */
#define OPTS_PEM_CERT		"-----BEGIN CERTIFICATE-----"

enum {
	O_TEXT = 256, O_JSON, O_TUI, O_PORTS, O_MODES, O_RESOLVE, O_CAFILE,
	O_CAPATH, O_TIMEOUT, O_CONNECT_TIMEOUT, O_STAGGER, O_PER_PORT, O_EHLO,
	O_NOCOLOR, O_ASCII, O_EXIT_DONE, O_WATCH, O_NOMOUSE, O_SETTING, O_CHECK,
	O_WARN_DAYS, O_CRIT_DAYS, O_EXPECT, O_DEMO, O_LAB, O_LISTEN
};

struct opt_def {
	const char	*name;		/* long name */
	int		 val;		/* short letter or O_* */
	const char	*arg;		/* argument name, NULL: none */
	const char	*help;		/* one line */
};

static const struct opt_def opt_defs[] = {
	{ "text", O_TEXT, NULL,
	    "line-mode report (default when stdout is not a terminal)" },
	{ "json", O_JSON, NULL, "one JSON document (docs/json.md)" },
	{ "tui", O_TUI, NULL, "full-screen view even if unsure" },
	{ "verbose", 'v', NULL,
	    "text: add each cell's details and transcript" },
	{ "ports", O_PORTS, "LIST",
	    "ports: 25,587 or SERVICE=PORT (smtp=2525); +LIST adds to the "
	    "default 25,465,587,110,995,143,993" },
	{ "modes", O_MODES, "LIST",
	    "security modes to probe: plain,starttls,tls (default all)" },
	{ "ipv4", '4', NULL, "IPv4 addresses only" },
	{ "ipv6", '6', NULL, "IPv6 addresses only" },
	{ "resolve", O_RESOLVE, "HOST:ADDR",
	    "use ADDR for HOST; certificates are still checked against HOST" },
	{ "ca-file", O_CAFILE, "FILE",
	    "trust the CA certificates in FILE (PEM or DER)" },
	{ "ca-path", O_CAPATH, "DIR",
	    "trust the CA certificates in the files of DIR" },
	{ "timeout", O_TIMEOUT, "SECONDS",
	    "deadline per phase: connect, greeting, each command, handshake "
	    "(default 10; a whole probe gets 3x)" },
	{ "connect-timeout", O_CONNECT_TIMEOUT, "SECONDS",
	    "deadline for the TCP connect (default: --timeout)" },
	{ "jobs", 'j', "N", "connections at once per address (default 24)" },
	{ "per-port", O_PER_PORT, "N",
	    "connections at once per port (default 3: every mode of a port "
	    "at once)" },
	{ "stagger", O_STAGGER, "MS",
	    "pause between connection starts per address (default 3)" },
	{ "ehlo", O_EHLO, "NAME", "name to send in EHLO (default: /etc/mailname, a dotted "
	    "host name, or our address literal)" },
	{ "setting", O_SETTING, "P:PORT:SEC",
	    "judge your mail program's setting, e.g. pop3:110:ssl (SEC: none, "
	    "starttls, ssl); repeatable" },
	{ "check", O_CHECK, NULL,
	    "monitoring plugin: one status line, perfdata, exit 0-3 "
	    "(docs/monitoring.md)" },
	{ "warn-days", O_WARN_DAYS, "N",
	    "warn when a certificate has fewer than N days left (default 14)" },
	{ "crit-days", O_CRIT_DAYS, "N",
	    "--check: critical below N days left (default 3)" },
	{ "expect", O_EXPECT, "LIST",
	    "--check: cells that must work, e.g. 993:tls,587:starttls "
	    "(default: the best settings, secure)" },
	{ "demo", O_DEMO, NULL,
	    "probe three built-in demo providers on loopback (no network, "
	    "no root)" },
	{ "lab", O_LAB, "NAME",
	    "run the built-in server NAME[:SERVICE] until Ctrl-C (good, "
	    "legacy, broken, tls-...)" },
	{ "listen", O_LISTEN, "ADDR:PORT",
	    "--lab: where to listen (default 127.0.0.1, port 0: any free)" },
	{ "no-color", O_NOCOLOR, NULL, "monochrome screen (also NO_COLOR)" },
	{ "ascii", O_ASCII, NULL, "ASCII glyphs and lines only" },
	{ "no-mouse", O_NOMOUSE, NULL,
	    "screen: leave the mouse to the terminal (select text as usual)" },
	{ "watch", O_WATCH, "SECONDS", "screen: re-probe every SECONDS" },
	{ "exit-when-done", O_EXIT_DONE, NULL,
	    "screen: quit when every probe has finished (for tests)" },
	{ "log", 'L', "FILE", "write a debug log to FILE" },
	{ "help", 'h', NULL, "show this help" },
	{ "version", 'V', NULL, "show the version" },
};
#define OPT_N	(sizeof opt_defs / sizeof opt_defs[0])

#define OPTS_HELP_COL	29	/* where descriptions start */
#define OPTS_HELP_WIDTH	79	/* --help fits an 80-column terminal */

/* "  --name ARG   description", the description wrapped at word
 * boundaries under its own column; a long left part gets a line of its
 * own. */
static void
opts_help_line(FILE *fp, const char *left, const char *help)
{
	const char	*p = help, *sp;
	size_t		 room = OPTS_HELP_WIDTH - OPTS_HELP_COL, n;
	bool		 first = true;

	if (strlen(left) > OPTS_HELP_COL - 3) {
		fprintf(fp, "  %s\n", left);
		first = false;
	}
	while (*p != '\0') {
		n = strlen(p);
		if (n > room) {
			/* The last space that fits, else the first one. */
			for (sp = p + room; sp > p && *sp != ' '; sp--)
				;
			if (sp == p)
				sp = strchr(p, ' ');
			n = sp != NULL ? (size_t)(sp - p) : strlen(p);
		}
		if (first)
			fprintf(fp, "  %-26s %.*s\n", left, (int)n, p);
		else
			fprintf(fp, "%*s%.*s\n", OPTS_HELP_COL, "", (int)n, p);
		first = false;
		p += n;
		while (*p == ' ')
			p++;
	}
}

void
opts_usage(FILE *fp)
{
	size_t	i;
	char	left[40];

	fprintf(fp, "usage: mailports [options] HOST...\n"
	    "       mailports [options] --demo\n"
	    "       mailports --lab NAME[:SERVICE] [--listen ADDR:PORT]\n"
	    "Probe every mail port of HOST in every security mode at once "
	    "and show\nwhich settings a mail program can use.\n\n");
	for (i = 0; i < OPT_N; i++) {
		if (opt_defs[i].val < 256)
			snprintf(left, sizeof left, "-%c, --%s%s%s",
			    opt_defs[i].val, opt_defs[i].name,
			    opt_defs[i].arg ? " " : "",
			    opt_defs[i].arg ? opt_defs[i].arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s",
			    opt_defs[i].name, opt_defs[i].arg ? " " : "",
			    opt_defs[i].arg ? opt_defs[i].arg : "");
		opts_help_line(fp, left, opt_defs[i].help);
	}
	fprintf(fp, "\nHOST is a name or an IPv4/IPv6 address ([::1], "
	    "fe80::1%%eth0).\nExit status: 0 when the probes ran, 2 on bad "
	    "usage or when no host resolved,\n1 when the report could not "
	    "be written.\nWith --check: 0 OK, 1 WARNING, 2 CRITICAL, "
	    "3 UNKNOWN (also for bad usage and\nnames that do not "
	    "resolve).\n");
}

static int
opts_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Errors quote what the user typed, which may hold control bytes (a
 * pasted escape sequence): the whole line goes through the sanitiser. */
static int
opts_error(const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024], *safe;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		buf[0] = '\0';
	safe = sanitize_dup(buf, strlen(buf), sanitize_locale_flags(), 400);
	fprintf(stderr, "mailports: %s (see mailports --help)\n", safe);
	free(safe);
	return -1;
}

/*
 * What the TLS library will make of a CA file: PEM when the marker
 * appears anywhere in it, else DER, which starts with a SEQUENCE (0x30).
 * Returns 1 if either could be there, 0 if neither, -1 on a read error.
 */
static int
opts_ca_looks_right(int fd)
{
	char		buf[8192 + sizeof OPTS_PEM_CERT];
	const size_t	keep = sizeof OPTS_PEM_CERT - 2;
	size_t		have = 0, i;
	ssize_t		n;
	bool		first = true;

	for (;;) {
		n = read(fd, buf + have, sizeof buf - 1 - have);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		if (first && (unsigned char)buf[0] == 0x30)
			return 1;
		first = false;
		have += (size_t)n;
		/* NULs would end strstr(): search byte by byte. */
		for (i = 0; i + keep + 1 <= have; i++) {
			if (memcmp(buf + i, OPTS_PEM_CERT, keep + 1) == 0)
				return 1;
		}
		/* Keep a tail in case the marker spans two reads. */
		if (have > keep) {
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
}

/*
 * --ca-file must name a readable, non-empty regular file and --ca-path a
 * readable directory, checked here because the TLS library reads a
 * directory given as a file as a file of 2^63 bytes and blocks forever on
 * a FIFO.  Only stat(2) and a non-blocking open: nothing here can hang.
 */
static int
opts_ca(const char *opt, const char *name, bool dir)
{
	struct stat	st;
	int		fd, saved;

	if (name[0] == '\0')
		return opts_error("%s wants a %s name", opt, dir ? "directory" :
		    "file");
	if (stat(name, &st) == -1)
		return opts_error("%s %s: %s", opt, name, strerror(errno));
	if (dir && S_ISREG(st.st_mode))
		return opts_error("%s %s: is a file; use --ca-file", opt,
		    name);
	if (dir && !S_ISDIR(st.st_mode))
		return opts_error("%s %s: is not a directory", opt, name);
	if (!dir && S_ISDIR(st.st_mode))
		return opts_error("%s %s: is a directory; use --ca-path", opt,
		    name);
	if (!dir && !S_ISREG(st.st_mode))
		return opts_error("%s %s: is not a regular file", opt, name);
	if (dir) {
		if (access(name, R_OK | X_OK) == -1)
			return opts_error("%s %s: %s", opt, name,
			    strerror(errno));
		return 0;
	}
	/* The name may have been swapped for a FIFO since stat(). */
	fd = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return opts_error("%s %s: %s", opt, name, strerror(errno));
	if (fstat(fd, &st) == -1) {
		saved = errno;
		close(fd);
		return opts_error("%s %s: %s", opt, name, strerror(saved));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return opts_error("%s %s: is not a regular file", opt, name);
	}
	if (st.st_size == 0) {
		close(fd);
		return opts_error("%s %s: is empty; want PEM or DER CA "
		    "certificates", opt, name);
	}
	if (st.st_size > OPTS_CA_FILE_MAX) {
		close(fd);
		return opts_error("%s %s: is larger than %d MiB; want a CA "
		    "bundle", opt, name, OPTS_CA_FILE_MAX >> 20);
	}
	saved = opts_ca_looks_right(fd);
	close(fd);
	if (saved == -1)
		return opts_error("%s %s: %s", opt, name, strerror(errno));
	if (saved == 0)
		return opts_error("%s %s: holds no certificate (neither PEM "
		    "\"%s\" nor DER)", opt, name, OPTS_PEM_CERT);
	return 0;
}

static int
opts_seconds(const char *s, const char *what, uint64_t *us)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v <= 0 || v > 3600)
		return opts_error("%s wants seconds between 0 and 3600, not "
		    "'%s'", what, s);
	*us = (uint64_t)(v * 1e6);
	if (*us < 1000)
		*us = 1000;
	return 0;
}

static int
opts_uint(const char *s, const char *what, unsigned lo, unsigned hi,
    unsigned *v)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || !isdigit((unsigned
	    char)*s) || n < lo || n > hi)
		return opts_error("%s wants a number from %u to %u, not '%s'",
		    what, lo, hi, s);
	*v = (unsigned)n;
	return 0;
}

static int
opts_modes(const char *s, unsigned *modes)
{
	char	*copy, *item, *save;
	int	 m, rc = 0;

	*modes = 0;
	copy = xstrdup(s);
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		m = facts_mode_from_name(item);
		if (m == -1) {
			rc = opts_error("unknown mode '%s' in --modes (plain, "
			    "starttls, tls)", item);
			break;
		}
		*modes |= 1u << m;
	}
	free(copy);
	if (rc == 0 && *modes == 0)
		rc = opts_error("--modes lists no mode");
	return rc;
}

/* Our name for EHLO: an FQDN if this host has one (RFC 5321 4.1.4), read
 * without any lookup: /etc/mailname (Debian), then gethostname() if it
 * holds a dot.  Otherwise empty: each probe then sends the address
 * literal of its own end of the connection, as the RFC asks. */
static void
opts_ehlo_default(char *buf, size_t size)
{
	FILE	*fp;
	char	 line[256], *err = NULL;
	size_t	 n, i;

	buf[0] = '\0';
	fp = fopen("/etc/mailname", "r");
	if (fp != NULL) {
		if (fgets(line, sizeof line, fp) == NULL)
			line[0] = '\0';
		fclose(fp);
		n = strcspn(line, "\r\n \t");
		line[n] = '\0';
		for (i = 0; i < n; i++) {
			if (!isalnum((unsigned char)line[i]) &&
			    line[i] != '.' && line[i] != '-')
				break;
		}
		if (n > 0 && i == n && strchr(line, '.') != NULL) {
			snprintf(buf, size, "%s", line);
			return;
		}
	}
	if (gethostname(line, sizeof line) == 0) {
		line[sizeof line - 1] = '\0';
		if (strchr(line, '.') == NULL)
			return;
		if (target_check_host(line, &err) == 0)
			snprintf(buf, size, "%s", line);
		free(err);
	}
}

/* --lab NAME[:SERVICE]: one of the table, else the names that exist. */
static int
opts_lab(const char *name)
{
	const struct lab_port	*pt;
	char			 list[1024];
	size_t			 i, n = 0;

	if (lab_personality_find(name, &pt) != NULL)
		return 0;
	list[0] = '\0';
	for (i = 0; i < lab_personality_count(); i++)
		n += (size_t)snprintf(list + n, n < sizeof list ?
		    sizeof list - n : 0, "%s%s", i > 0 ? ", " : "",
		    lab_personality_get(i)->name);
	return opts_error("--lab: no server '%s' (NAME or NAME:SERVICE; "
	    "NAME one of %s)", name, list);
}

/* --listen ADDR:PORT, [V6]:PORT, or PORT alone (on 127.0.0.1). */
static int
opts_listen(struct opts *o, const char *arg)
{
	char		*host, *colon;
	unsigned	 port;
	int		 rc = 0;

	colon = strrchr(arg, ':');
	if (colon != NULL && strchr(arg, ':') != colon && arg[0] != '[')
		return opts_error("--listen %s: write an IPv6 address as "
		    "[ADDR]:PORT", arg);
	host = xstrdup(colon != NULL ? arg : "127.0.0.1");
	if (colon != NULL)
		host[colon - arg] = '\0';
	if (opts_uint(colon != NULL ? colon + 1 : arg, "--listen", 0, 65535,
	    &port) == -1)
		rc = -1;
	else if (target_parse_literal(host, &o->listen, &o->listen_len) ==
	    -1)
		rc = opts_error("--listen %s: '%s' is not an IP address", arg,
		    host);
	else if (o->listen.ss_family == AF_INET)
		((struct sockaddr_in *)&o->listen)->sin_port =
		    htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&o->listen)->sin6_port =
		    htons((uint16_t)port);
	free(host);
	return rc;
}

int
opts_parse(struct opts *o, int argc, char **argv)
{
	struct option		 lo[OPT_N + 1];
	char			 so[OPT_N * 2 + 2];
	struct port_row		*rows;
	struct resolve_override	 ov;
	char			*err;
	size_t			 i, k = 0, n;
	int			 c, idx;
	unsigned		 u;
	uint64_t		 us;
	bool			 have_ports = false, connect_set = false;

	memset(o, 0, sizeof *o);
	o->run.modes = (1u << MODE_LAST) - 1;
	o->run.family = AF_UNSPEC;
	o->run.jobs = OPTS_JOBS;
	o->run.per_port = OPTS_PER_PORT;
	o->run.stagger_us = OPTS_STAGGER_MS * 1000u;
	o->run.limits.step_us = OPTS_TIMEOUT_S * 1000000u;
	o->run.limits.transcript_bytes = 256 * 1024;
	o->run.limits.transcript_events = 2000;
	if (getenv("NO_COLOR") != NULL && getenv("NO_COLOR")[0] != '\0')
		o->no_color = true;
	so[k++] = ':';		/* report missing arguments as ':'; options
				 * may follow the host (GNU permutation) */
	for (i = 0; i < OPT_N; i++) {
		lo[i].name = opt_defs[i].name;
		lo[i].has_arg = opt_defs[i].arg ? required_argument :
		    no_argument;
		lo[i].flag = NULL;
		lo[i].val = opt_defs[i].val;
		if (opt_defs[i].val < 256) {
			so[k++] = (char)opt_defs[i].val;
			if (opt_defs[i].arg)
				so[k++] = ':';
		}
	}
	memset(&lo[OPT_N], 0, sizeof lo[OPT_N]);
	so[k] = '\0';
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, so, lo, &idx)) != -1) {
		switch (c) {
		case O_TEXT:
			o->output = OUT_TEXT;
			break;
		case O_JSON:
			o->output = OUT_JSON;
			break;
		case O_TUI:
			o->output = OUT_TUI;
			break;
		case 'v':
			o->verbose++;
			break;
		case O_PORTS:
			if (target_parse_ports(optarg, &rows, &n, &err) == -1) {
				c = opts_error("%s", err);
				free(err);
				return c;
			}
			free(o->rows);
			o->rows = rows;
			o->nrows = n;
			have_ports = true;
			break;
		case O_MODES:
			if (opts_modes(optarg, &o->run.modes) == -1)
				return -1;
			break;
		case '4':
			o->run.family = AF_INET;
			break;
		case '6':
			o->run.family = AF_INET6;
			break;
		case O_RESOLVE:
			if (target_parse_resolve(optarg, &ov, &err) == -1) {
				c = opts_error("%s", err);
				free(err);
				return c;
			}
			o->overrides = xreallocarray(o->overrides,
			    o->noverrides + 1, sizeof *o->overrides);
			o->overrides[o->noverrides++] = ov;
			break;
		case O_CAFILE:
			if (opts_ca("--ca-file", optarg, false) == -1)
				return -1;
			o->run.ca_file = optarg;
			break;
		case O_CAPATH:
			if (opts_ca("--ca-path", optarg, true) == -1)
				return -1;
			o->run.ca_path = optarg;
			break;
		case O_TIMEOUT:
			if (opts_seconds(optarg, "--timeout", &us) == -1)
				return -1;
			o->run.limits.step_us = us;
			break;
		case O_CONNECT_TIMEOUT:
			if (opts_seconds(optarg, "--connect-timeout", &us) ==
			    -1)
				return -1;
			o->run.limits.connect_us = us;
			connect_set = true;
			break;
		case 'j':
			if (opts_uint(optarg, "--jobs", 1, 256, &u) == -1)
				return -1;
			o->run.jobs = u;
			break;
		case O_PER_PORT:
			if (opts_uint(optarg, "--per-port", 1, 64, &u) == -1)
				return -1;
			o->run.per_port = u;
			break;
		case O_STAGGER:
			if (opts_uint(optarg, "--stagger", 0, 10000, &u) == -1)
				return -1;
			o->run.stagger_us = (uint64_t)u * 1000u;
			break;
		case O_EHLO:
			/* A zone only means something on this host. */
			if (strchr(optarg, '%') != NULL)
				return opts_error("--ehlo: '%s' is no name "
				    "for another host to see", optarg);
			if (target_check_host(optarg, &err) == -1) {
				c = opts_error("--ehlo: %s", err);
				free(err);
				return c;
			}
			snprintf(o->ehlo, sizeof o->ehlo, "%s", optarg);
			break;
		case O_NOMOUSE:
			o->no_mouse = true;
			break;
		case O_SETTING:
		case O_CHECK:
		case O_WARN_DAYS:
		case O_CRIT_DAYS:
		case O_EXPECT:
			if (out_advice_opt(&o->advice, lo[idx].name, optarg,
			    &err) == -1) {
				c = opts_error("%s", err);
				free(err);
				return c;
			}
			break;
		case O_DEMO:
			o->demo = true;
			break;
		case O_LAB:
			if (opts_lab(optarg) == -1)
				return -1;
			o->lab = optarg;
			break;
		case O_LISTEN:
			if (opts_listen(o, optarg) == -1)
				return -1;
			break;
		case O_NOCOLOR:
			o->no_color = true;
			break;
		case O_ASCII:
			o->ascii = true;
			break;
		case O_WATCH:
			if (opts_uint(optarg, "--watch", 1, 86400, &u) == -1)
				return -1;
			o->watch_s = u;
			break;
		case O_EXIT_DONE:
			o->exit_when_done = true;
			break;
		case 'L':
			o->log_file = optarg;
			break;
		case 'h':
			opts_usage(stdout);
			return 1;
		case 'V':
			printf("mailports %s (%s)\n", PACKAGE_VERSION,
			    tlswrap_runtime_version());
			return 1;
		case ':':
			return opts_error("option %s needs an argument",
			    argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 256)
				return opts_error("unknown option -%c",
				    optopt);
			return opts_error("unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (o->lab != NULL && o->demo)
		return opts_error("--lab and --demo do not go together");
	if (o->listen_len > 0 && o->lab == NULL)
		return opts_error("--listen is for --lab");
	/* The lab server in the foreground needs nothing else. */
	if (o->lab != NULL) {
		if (optind < argc)
			return opts_error("--lab takes no host");
		if (o->listen_len == 0 && opts_listen(o, "127.0.0.1:0") == -1)
			return -1;
		return 0;
	}
	if (o->demo && optind < argc)
		return opts_error("--demo takes no host: it probes its own "
		    "servers");
	if (o->demo && (have_ports || o->noverrides > 0))
		return opts_error("--demo chooses its own ports and "
		    "addresses (no --ports or --resolve)");
	if (!o->demo && optind >= argc)
		return opts_error("no host given");
	if (!o->demo) {
		for (i = optind; i < (size_t)argc; i++) {
			if (target_check_host(argv[i], &err) == -1) {
				c = opts_error("%s", err);
				free(err);
				return c;
			}
		}
		if (!have_ports)
			target_default_rows(&o->rows, &o->nrows);
		if (opts_targets(o, NULL, 0, o->rows, o->nrows,
		    o->overrides, o->noverrides) == -1)
			return -1;
		o->hosts = argv + optind;
		o->nhosts = (size_t)(argc - optind);
		o->run.hosts = o->hosts;
		o->run.nhosts = o->nhosts;
	}
	if (o->advice.check)
		o->output = OUT_TEXT;
	if (!connect_set)
		o->run.limits.connect_us = o->run.limits.step_us;
	o->run.limits.total_us = o->run.limits.step_us * 3;
	if (o->run.limits.total_us < o->run.limits.connect_us +
	    o->run.limits.step_us)
		o->run.limits.total_us = o->run.limits.connect_us +
		    o->run.limits.step_us;
	if (o->ehlo[0] == '\0')
		opts_ehlo_default(o->ehlo, sizeof o->ehlo);
	o->run.ehlo_name = o->ehlo;
	return 0;
}

int
opts_targets(struct opts *o, char **hosts, size_t nhosts,
    struct port_row *rows, size_t nrows, struct resolve_override *ov,
    size_t nov)
{
	char	*err;
	int	 c;

	if (hosts != NULL) {
		o->own_hosts = hosts;
		o->hosts = hosts;
		o->nhosts = nhosts;
	}
	if (rows != o->rows)
		free(o->rows);
	o->rows = rows;
	o->nrows = nrows;
	if (ov != o->overrides) {
		for (c = 0; (size_t)c < o->noverrides; c++)
			free(o->overrides[c].host);
		free(o->overrides);
	}
	o->overrides = ov;
	o->noverrides = nov;
	/* --setting and --expect ports are probed too; --check is text. */
	if (out_advice_opts_finish(&o->advice, &o->rows, &o->nrows, &err) ==
	    -1) {
		c = opts_error("%s", err);
		free(err);
		return c;
	}
	o->run.hosts = o->hosts;
	o->run.nhosts = o->nhosts;
	o->run.rows = o->rows;
	o->run.nrows = o->nrows;
	o->run.overrides = o->overrides;
	o->run.noverrides = o->noverrides;
	return 0;
}

void
opts_free(struct opts *o)
{
	size_t	i;

	for (i = 0; i < o->noverrides; i++)
		free(o->overrides[i].host);
	free(o->overrides);
	free(o->rows);
	for (i = 0; o->own_hosts != NULL && i < o->nhosts; i++)
		free(o->own_hosts[i]);
	free(o->own_hosts);
	out_advice_opts_free(&o->advice);
}

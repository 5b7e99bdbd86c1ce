/* SPDX-License-Identifier: ISC */
/*
 * The command-line faces of the lab servers: `--lab NAME --listen
 * ADDR:PORT` in the foreground, and the setting-up and words of `--demo`.
 * Part of the program, not the engine: it prints.  The servers themselves
 * are in lab.c; nothing here touches a socket.
 */
#include "config.h"

#include "lab_cli.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "evloop.h"
#include "lab.h"
#include "lab_demo.h"
#include "opts.h"
#include "sanitize.h"
#include "sock.h"
#include "target.h"

static const char *const lab_cli_speak[] = {
	[LAB_PLAIN] = "plaintext",
	[LAB_STARTTLS] = "STARTTLS",
	[LAB_TLS] = "implicit TLS",
	[LAB_CLOSED] = "closed",
};

static const char *const lab_cli_cert[] = {
	[TLSWRAP_CRED_GOOD] = "valid",
	[TLSWRAP_CRED_EXPIRED] = "expired",
	[TLSWRAP_CRED_NOT_YET_VALID] = "not yet valid",
	[TLSWRAP_CRED_WRONG_NAME] = "for another name",
	[TLSWRAP_CRED_SELF_SIGNED] = "self-signed",
	[TLSWRAP_CRED_MISSING_INTERMEDIATE] = "without its intermediate",
	[TLSWRAP_CRED_UNTRUSTED_ROOT] = "from an untrusted root",
};

static void
lab_cli_signal(int signo, void *arg)
{
	(void)signo;
	evloop_break(arg);
}

/* Errors may quote what the user typed. */
static void
lab_cli_error(const char *msg)
{
	char	*safe;

	safe = sanitize_dup(msg, strlen(msg), sanitize_locale_flags(), 0);
	fprintf(stderr, "mailports: %s\n", safe);
	free(safe);
}

int
lab_cli_serve(const struct opts *o)
{
	const struct lab_personality	*p;
	const struct lab_port		*pt;
	struct sockaddr_storage		 ss;
	socklen_t			 len = sizeof ss;
	struct evloop			*ev;
	struct lab			*lab;
	const char			*pem;
	char				*err, addr[64];
	uint16_t			 port;
	int				 fd, status = 0;

	p = lab_personality_find(o->lab, &pt);
	if (p == NULL)
		return 2;
	port = ntohs(o->listen.ss_family == AF_INET ?
	    ((const struct sockaddr_in *)&o->listen)->sin_port :
	    ((const struct sockaddr_in6 *)&o->listen)->sin6_port);
	/* The service named, else the one whose standard port was asked
	 * for, else the personality's first. */
	if (pt == NULL)
		pt = lab_port_by_number(p, port);
	if (pt == NULL)
		pt = &p->ports[0];
	fd = lab_bind((const struct sockaddr *)&o->listen, o->listen_len);
	sock_addr_str((const struct sockaddr *)&o->listen, addr, sizeof addr);
	if (fd == -1) {
		fprintf(stderr, "mailports: --listen %s port %u: %s\n", addr,
		    port, strerror(errno));
		return 1;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		port = ntohs(ss.ss_family == AF_INET ?
		    ((struct sockaddr_in *)&ss)->sin_port :
		    ((struct sockaddr_in6 *)&ss)->sin6_port);
	ev = evloop_new();
	lab = lab_new(ev);
	if (lab_serve(lab, p, pt, fd, &err) == -1) {
		lab_cli_error(err);
		free(err);
		lab_free(lab);
		evloop_free(ev);
		return 1;
	}
	printf("mailports lab %s:%s (%s, %s) as %s listening on %s port "
	    "%u\n", p->name, pt->service, p->about, lab_cli_speak[pt->speak],
	    p->host, addr, port);
	if (pt->speak == LAB_TLS || pt->speak == LAB_STARTTLS) {
		pem = lab_ca_pem(lab, &err);
		printf("certificate %s for %s; the lab's CA (save it and "
		    "trust it with --ca-file):\n%s",
		    lab_cli_cert[pt->cert], pt->cert_name != NULL ?
		    pt->cert_name : p->host, pem != NULL ? pem : "");
		free(err);
	}
	printf("probe it: mailports --resolve %s:%s --ports %s=%u%s %s\n"
	    "stop with Ctrl-C\n", p->host, addr, pt->service, port,
	    pt->speak == LAB_TLS || pt->speak == LAB_STARTTLS ?
	    " --ca-file CA.pem" : "", p->host);
	if (fflush(stdout) != 0)
		status = 1;
	evloop_signal(ev, SIGINT, lab_cli_signal, ev);
	evloop_signal(ev, SIGTERM, lab_cli_signal, ev);
	evloop_signal(ev, SIGHUP, lab_cli_signal, ev);
	if (status == 0 && evloop_run(ev) == -1) {
		fprintf(stderr, "mailports: poll: %s\n", strerror(errno));
		status = 1;
	}
	lab_free(lab);
	evloop_free(ev);
	return status;
}

struct lab_demo *
lab_cli_demo(struct evloop *ev, struct opts *o)
{
	struct lab_demo		*d;
	struct port_row		*rows;
	struct resolve_override	*ov;
	char			**hosts, *err;
	char *const		*set;
	size_t			 nhosts, nrows, nov, i;
	bool			 own = o->advice.ngiven > 0;

	d = lab_demo_new(ev, &err);
	if (d == NULL) {
		lab_cli_error(err);
		free(err);
		return NULL;
	}
	/* Without settings of one's own, the demo judges its examples. */
	set = lab_demo_settings(d);
	for (i = 0; !own && set[i] != NULL; i++) {
		if (out_advice_opt(&o->advice, "setting", set[i], &err) ==
		    -1) {
			lab_cli_error(err);
			free(err);
			lab_demo_free(d);
			return NULL;
		}
	}
	lab_demo_targets(d, &hosts, &nhosts, &rows, &nrows, &ov, &nov);
	if (opts_targets(o, hosts, nhosts, rows, nrows, ov, nov) == -1) {
		lab_demo_free(d);
		return NULL;
	}
	o->run.ca_pem = lab_demo_ca_pem(d);
	return d;
}

void
lab_cli_demo_preface(FILE *fp, const struct lab_demo *d,
    const struct opts *o)
{
	const struct lab_personality	*p;
	const char			*addr;
	size_t				 i;

	fprintf(fp, "mailports --demo: three mail providers served by this "
	    "program on loopback\n");
	for (i = 0; i < LAB_DEMO_PROVIDERS; i++) {
		p = lab_demo_provider(d, i, &addr);
		fprintf(fp, "  %-17s %-10s %s\n", p->host, addr, p->about);
	}
	if (lab_demo_offset(d) != 0)
		fprintf(fp, "Ports: the standard numbers + %u (465 is %u): "
		    "they were taken or need root.\n", lab_demo_offset(d),
		    465 + lab_demo_offset(d));
	else
		fprintf(fp, "Ports: the standard numbers.\n");
	fprintf(fp, "The names exist only inside the demo, which trusts its "
	    "own CA and no other.\n");
	if (o->advice.ngiven > 0) {
		fprintf(fp, "Judged as a mail program's settings (the box "
		    "ticked, the port unchanged):\n ");
		for (i = 0; i < o->advice.ngiven; i++)
			fprintf(fp, " --setting %s", o->advice.given_args[i]);
		fprintf(fp, "\n");
	}
	fprintf(fp, "Real servers: mailports mail.example.com.  Real Postfix "
	    "and Dovecot: ./demo\n\n");
}

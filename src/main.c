/* SPDX-License-Identifier: ISC */
/*
 * The program: options -> run configuration; picks the screen, the text
 * report or JSON; runs the loop until every probe has ended; sets the exit
 * status.  The only place besides the outputs that prints.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "lab_cli.h"
#include "lab_demo.h"
#include "log.h"
#include "opts.h"
#include "out_check.h"
#include "report.h"
#include "run.h"
#include "sanitize.h"
#include "ui.h"

static volatile sig_atomic_t	main_interrupted;

static void
main_signal(int signo, void *arg)
{
	struct evloop	*ev = arg;

	main_interrupted = signo;
	evloop_break(ev);
}

static void
main_changed(void *arg)
{
	(void)arg;
}

/* --text with stderr on a terminal: a progress line while probes run,
 * redrawn every 250 ms (issue 7: not 10 s of nothing). */
struct main_progress {
	struct evloop	*ev;		/* the loop */
	struct run	*run;		/* the model */
	uint64_t	 timer;		/* next redraw, 0: none */
};

static void
main_progress_tick(void *arg)
{
	struct main_progress	*mp = arg;

	out_text_progress(stderr, mp->run, false);
	mp->timer = evloop_timer_at(mp->ev, evloop_clock_us() + 250000,
	    main_progress_tick, mp);
}

/* The screen is for people at a terminal that can show it. */
static bool
main_want_tui(const struct opts *o)
{
	const char	*term = getenv("TERM");

	if (o->output == OUT_TUI)
		return true;
	if (o->output != OUT_AUTO)
		return false;
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
		return false;
	return term != NULL && term[0] != '\0' && strcmp(term, "dumb") != 0;
}

/*
 * Descriptors 0-2 closed by whoever started us would be taken by the
 * first sockets, and the report would go to a server.  Hold them with
 * /dev/null; a closed stdout is remembered so the report can fail loudly.
 */
static bool
main_hold_stdio(void)
{
	bool	stdout_closed = false;
	int	fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (fd == STDOUT_FILENO)
			stdout_closed = true;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			break;
	}
	return stdout_closed;
}

/*
 * Did everything written to stdout get there?  Returns the exit status:
 * 0, 1 after one line on stderr (a full disk, a closed descriptor), or
 * 128 + SIGPIPE without a word when the reader has gone (`| head`): that
 * is how a filter killed by SIGPIPE ends, and the reader chose to stop.
 */
static int
main_stdout_check(const char *what, bool closed)
{
	int	err = 0;

	if (closed)
		err = EBADF;
	else if (fflush(stdout) != 0 || ferror(stdout))
		err = errno != 0 ? errno : EIO;
	if (err == 0)
		return 0;
	if (err == EPIPE)
		return 128 + SIGPIPE;
	fprintf(stderr, "mailports: cannot write %s: %s\n", what,
	    strerror(err));
	return 1;
}

/* Run the probes to the end without a screen; progress on stderr. */
static int
main_batch(struct evloop *ev, struct run *r, bool progress)
{
	struct main_progress	mp = { ev, r, 0 };
	int			rc = 0;

	evloop_signal(ev, SIGINT, main_signal, ev);
	evloop_signal(ev, SIGTERM, main_signal, ev);
	evloop_signal(ev, SIGHUP, main_signal, ev);
	run_start(r, main_changed, NULL);
	if (progress)
		main_progress_tick(&mp);
	/* The report waits for the goodbyes too (at most the QUIT
	 * deadline): how a TLS server closed is one of its facts. */
	while (!run_is_closed(r) && !evloop_is_broken(ev)) {
		if (evloop_run_once(ev, -1) == -1) {
			fprintf(stderr, "mailports: poll: %s\n",
			    strerror(errno));
			rc = -1;
			break;
		}
	}
	if (progress) {
		evloop_timer_cancel(ev, mp.timer);
		out_text_progress(stderr, r, true);
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct opts	 o;
	struct evloop	*ev;
	struct run	*r;
	struct lab_demo	*demo = NULL;
	char		*err;
	char		*safe;
	int		 rc, status = 0, out_status = 0;
	int		 check_status = OUT_CHECK_UNKNOWN;
	size_t		 i, failed = 0;
	bool		 tui, stdout_closed, progress;

	stdout_closed = main_hold_stdio();
	setlocale(LC_ALL, "");
	/* Socket and pipe writes report EPIPE instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	rc = opts_parse(&o, argc, argv);
	if (rc != 0) {
		opts_free(&o);
		if (rc == 1)
			return main_stdout_check("to standard output",
			    stdout_closed);
		/* A monitoring system reads bad usage as UNKNOWN. */
		if (out_check_wanted(argc, argv))
			return out_check_unknown(stdout, "bad usage (see "
			    "standard error)");
		return 2;
	}
	report_set_args(argc, argv);
	if (o.log_file != NULL && log_open(o.log_file) == -1) {
		rc = errno;
		safe = sanitize_dup(o.log_file, strlen(o.log_file),
		    sanitize_locale_flags(), 0);
		fprintf(stderr, "mailports: cannot open the log %s: %s\n",
		    safe, strerror(rc));
		free(safe);
		opts_free(&o);
		if (out_check_wanted(argc, argv))
			return out_check_unknown(stdout, "cannot open the log");
		return 2;
	}
	if (o.lab != NULL) {
		/* A built-in server in the foreground, no probes. */
		status = lab_cli_serve(&o);
		opts_free(&o);
		log_close();
		return status;
	}
	out_text_log_start();
	tui = main_want_tui(&o);
	if (tui && ui_check(&o, &err) == -1) {
		/* Not a terminal curses can drive: the line report. */
		log_debug("no screen: %s", err);
		free(err);
		tui = false;
	}
	ev = evloop_new();
	if (o.demo && (demo = lab_cli_demo(ev, &o)) == NULL) {
		evloop_free(ev);
		opts_free(&o);
		return 2;
	}
	r = run_new(ev, &o.run, &err);
	if (r == NULL) {
		/* It may quote a file name the user gave. */
		safe = sanitize_dup(err, strlen(err), sanitize_locale_flags(),
		    0);
		fprintf(stderr, "mailports: %s\n", safe);
		free(safe);
		free(err);
		lab_demo_free(demo);
		evloop_free(ev);
		opts_free(&o);
		if (out_check_wanted(argc, argv))
			return out_check_unknown(stdout, "cannot start the "
			    "probes (see standard error)");
		return 2;
	}
	progress = o.output != OUT_JSON && isatty(STDERR_FILENO);
	if (tui) {
		rc = ui_run(ev, r, &o);
		if (rc == -2) {
			/* The screen could not start: the line report. */
			tui = false;
			rc = main_batch(ev, r, progress);
		}
	} else
		rc = main_batch(ev, r, progress);
	out_text_log(r);
	for (i = 0; i < run_host_count(r); i++) {
		if (run_get_host(r, i)->error != NULL)
			failed++;
	}
	/* With no address at all a text report would be noise; JSON still
	 * says so for scripts. */
	if (!tui && rc == 0 && o.advice.check) {
		errno = 0;
		check_status = out_check(stdout, r, &o.advice);
		out_status = main_stdout_check("the report", stdout_closed);
	} else if (!tui && rc == 0 && (o.output == OUT_JSON ||
	    failed < run_host_count(r))) {
		errno = 0;
		if (o.output == OUT_JSON)
			out_json(stdout, r);
		else {
			if (demo != NULL)
				lab_cli_demo_preface(stdout, demo, &o);
			out_text(stdout, r, o.verbose > 0,
			    sanitize_locale_flags());
		}
		out_status = main_stdout_check("the report", stdout_closed);
	}
	fflush(stdout);
	for (i = 0; i < run_host_count(r); i++) {
		if (run_get_host(r, i)->error != NULL)
			fprintf(stderr, "mailports: %s\n",
			    run_get_host(r, i)->error);
	}
	if (rc == -1)
		status = 1;
	else if (failed > 0 && failed == run_host_count(r))
		status = 2;
	if (tui && ui_get_signal() != 0)
		main_interrupted = ui_get_signal();
	if (main_interrupted != 0 && status == 0)
		status = 128 + main_interrupted;
	/* A report that did not arrive is the first thing to know. */
	if (out_status != 0)
		status = out_status;
	/* --check: the plugin's status is the only one (0-3). */
	if (o.advice.check)
		status = out_status == 0 ? check_status : OUT_CHECK_UNKNOWN;
	run_free(r);
	lab_demo_free(demo);
	evloop_free(ev);
	opts_free(&o);
	log_close();
	return status;
}

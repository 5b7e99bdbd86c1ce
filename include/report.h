/* SPDX-License-Identifier: ISC */
#ifndef mailports_REPORT_H
#define mailports_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct probe;
struct run;

/* How a cell reads at a glance; the TUI maps tones to colours and glyphs,
 * the text report to words.  Shared so every output agrees [mtr]. */
enum report_tone {
	TONE_PENDING,		/* still probing */
	TONE_GOOD,		/* works, encrypted and verified */
	TONE_WARN,		/* works with a problem (unverified
				 * certificate, a password in clear,
				 * plaintext on an implicit-TLS port) */
	TONE_NEUTRAL,		/* works unencrypted, or not this mode here
				 * (refused, wrong mode, not offered) */
	TONE_BAD		/* broken: timeout, TLS failure, protocol
				 * error, service refused */
};

/* A cell in at most 17 columns of our own words, the problem first
 * ("expired", "wrong name", "password in clear", "plaintext on 465",
 * "timeout", "ok TLS1.3"); the matrix, the text report and JSON "summary"
 * all use it.  Pure; never holds server bytes.  Returns buf. */
const char	*report_cell_summary(const struct probe *, char *buf, size_t);
/* What may follow the summary where there is room: the TLS version after
 * a certificate problem, the phase after a timeout; "" otherwise. */
const char	*report_cell_more(const struct probe *, char *buf, size_t);
/* The summary, plus " " and the more part when the whole fits in width
 * columns (our text is ASCII: bytes are columns).  Returns buf. */
const char	*report_cell_line(const struct probe *, char *buf, size_t,
		    size_t width);
enum report_tone report_cell_tone(const struct probe *);
/* The most important certificate problem in words, or NULL. */
const char	*report_cert_problem(const struct probe *);

/* The command line, kept so that reports can record it (main sets it;
 * argv must live as long as the program). */
void		 report_set_args(int argc, char *const argv[]);
char *const	*report_get_args(int *argc);
/* Now in UTC, "2026-07-07T12:00:00Z"; returns buf. */
const char	*report_time_now(char *buf, size_t);

/* Line-oriented report: a matrix per address, then one line per cell with
 * its reason; verbose adds each cell's details and transcript.  Server
 * text goes through the sanitiser with san_flags. */
void		 out_text(FILE *, const struct run *, bool verbose,
		    int san_flags);
/* One JSON document (docs/json.md). */
void		 out_json(FILE *, const struct run *);
/* One progress line for a terminal on stderr ("\r...", no newline);
 * last: clear it again. */
void		 out_text_progress(FILE *, const struct run *, bool last);
/* To the debug log (-L), nothing when none is open: the version and the
 * arguments; then every cell, its reason and its transcript, all server
 * bytes sanitised. */
void		 out_text_log_start(void);
void		 out_text_log(const struct run *);

#endif

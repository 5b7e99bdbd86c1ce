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
				 * certificate, plaintext login) */
	TONE_NEUTRAL,		/* works unencrypted, or not this mode here
				 * (refused, wrong mode, not offered) */
	TONE_BAD		/* broken: timeout, TLS failure, protocol
				 * error, service refused */
};

/* A cell in at most 19 columns of our own words ("ok TLS1.3",
 * "ok TLS1.2 expired", "needs SSL/TLS", "timeout greeting").  Never holds
 * server bytes.  Returns buf. */
const char	*report_cell_short(const struct probe *, char *buf, size_t);
enum report_tone report_cell_tone(const struct probe *);
/* The most important certificate problem in words, or NULL. */
const char	*report_cert_problem(const struct probe *);

/* Line-oriented report: a matrix per address, then one line per cell with
 * its reason; verbose adds each cell's details and transcript.  Server
 * text goes through the sanitiser with san_flags. */
void		 out_text(FILE *, const struct run *, bool verbose,
		    int san_flags);
/* One JSON document (docs/json.md). */
void		 out_json(FILE *, const struct run *);

#endif

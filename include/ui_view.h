/* SPDX-License-Identifier: ISC */
#ifndef mailports_UI_VIEW_H
#define mailports_UI_VIEW_H

/*
 * Private interface of the full-screen view (ui*.c only): the UI state,
 * semantic colours and glyphs, line buffers with per-byte attributes, and
 * the views.  Include <curses.h> before this header.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "advice.h"
#include "facts.h"
#include "transcript.h"

struct advice;
struct evloop;
struct opts;
struct probe;
struct run;

/* Semantic screen elements; ui_draw.c maps each to attributes per scheme. */
enum ui_elem {
	UI_E_NORMAL,		/* plain text */
	UI_E_BAR,		/* header and footer bars */
	UI_E_BAR_KEY,		/* a key name in the footer */
	UI_E_TITLE,		/* block and section titles */
	UI_E_COLHEAD,		/* column headings */
	UI_E_LABEL,		/* row labels, field names */
	UI_E_DIM,		/* secondary text */
	UI_E_PENDING,		/* tone: still probing */
	UI_E_GOOD,		/* tone: encrypted and verified */
	UI_E_WARN,		/* tone: works with a problem */
	UI_E_NEUTRAL,		/* tone: plaintext, or not this mode here */
	UI_E_BAD,		/* tone: broken */
	UI_E_ESCAPE,		/* an escape standing for server bytes */
	UI_E_CLIENT,		/* transcript: our line */
	UI_E_SERVER,		/* transcript: the server's line */
	UI_E_TLS,		/* transcript: TLS event */
	UI_E_NET,		/* transcript: connect, close */
	UI_E_NOTE,		/* transcript: our observation */
	UI_E_STATE,		/* transcript: state change */
	UI_E_SEC_PLAIN,		/* provenance: plaintext */
	UI_E_SEC_TLS,		/* provenance: TLS, not verified */
	UI_E_SEC_VERIFIED,	/* provenance: TLS, verified */
	UI_E_MATCH,		/* a search match */
	UI_E_ADDED,		/* capability new after TLS */
	UI_E_REMOVED,		/* capability gone after TLS */
	UI_E_MSG_OK,		/* status line: success */
	UI_E_MSG_ERR,		/* status line: failure */
	UI_E_PROMPT,		/* prompt text */
	UI_E_LAST
};

/* Glyphs with a UTF-8 and an ASCII form (ui_draw.c). */
enum ui_glyph {
	UI_G_OK,		/* works */
	UI_G_WARN,		/* works, certificate problem */
	UI_G_NO,		/* not this mode here */
	UI_G_BAD,		/* broken */
	UI_G_QUEUED,		/* not started yet */
	UI_G_HLINE,		/* horizontal rule */
	UI_G_VLINE,		/* vertical rule */
	UI_G_SEP,		/* separator between header items */
	UI_G_MORE,		/* text continues past the edge */
	UI_G_VERIFIED,		/* provenance column: TLS verified */
	UI_G_ARROWS,		/* the arrow keys */
	UI_G_UPDOWN,		/* up and down arrow keys */
	UI_G_LEFTRIGHT,		/* left and right arrow keys */
	UI_G_UP,		/* more above */
	UI_G_DOWN,		/* more below */
	UI_G_LAST
};

/* Views and modes. */
enum ui_view {
	UI_VIEW_MATRIX,		/* the port x mode matrix and detail pane */
	UI_VIEW_TRANSCRIPT,	/* one cell's transcript, hex or chain */
	UI_VIEW_HELP,		/* key bindings and legend */
	UI_VIEW_ANSWER		/* the answer in full: settings, findings */
};

enum ui_tmode {
	UI_T_TEXT,		/* timestamped lines */
	UI_T_HEX,		/* raw bytes in hex */
	UI_T_CERT,		/* the certificate chain in full */
	UI_T_LAST
};

enum ui_prompt {
	UI_P_NONE,		/* no prompt */
	UI_P_SEARCH,		/* "/" in the transcript */
	UI_P_SAVE,		/* file name for the report */
	UI_P_OVERWRITE,		/* the file exists: y/n */
	UI_P_SETTING		/* "check my setting": three fields */
};

/* The fields of the setting prompt, in Tab order. */
enum ui_set_field {
	UI_SF_PROTO,		/* IMAP, POP3, SMTP */
	UI_SF_PORT,		/* a port number */
	UI_SF_SECURITY,		/* None, STARTTLS, SSL/TLS */
	UI_SF_LAST
};

/* Key handler results [htop HandlerResult]. */
#define UI_R_HANDLED	0x01	/* the key meant something */
#define UI_R_REDRAW	0x02	/* draw again */
#define UI_R_RELAYOUT	0x04	/* sizes changed: clear and lay out */
#define UI_R_QUIT	0x08	/* leave ui_run */

/* Dirty flags [tmux CLIENT_REDRAW*]. */
#define UI_D_SCREEN	0x01	/* something on screen changed */
#define UI_D_MODEL	0x02	/* the run changed: history, timers */
#define UI_D_CLEAR	0x04	/* repaint everything (resize, ^L) */

/* Actions a key asks for; the controller carries them out (ui.c), so
 * that handlers only change state. */
#define UI_A_REPROBE	0x01	/* probe the selected cell again */
#define UI_A_REPROBE_ALL 0x02	/* probe every cell again */
#define UI_A_SAVE	0x04	/* save the report to ui->input */
#define UI_A_OVERWRITE	0x08	/* with UI_A_SAVE: replace the file */

/* Scroll steps of the transcript and help. */
enum ui_scroll {
	UI_SC_LINE_UP,		/* a line up */
	UI_SC_LINE_DOWN,	/* a line down */
	UI_SC_PAGE_UP,		/* a page up */
	UI_SC_PAGE_DOWN,	/* a page down */
	UI_SC_TOP,		/* the first line */
	UI_SC_BOTTOM		/* the last page */
};

#define UI_HEX_PER_LINE	16	/* bytes per hex dump line */
#define UI_MIN_COLS	60	/* below: a one-line notice */
#define UI_MIN_LINES	12	/* below: a one-line notice */

/* Function keys are kept apart from Unicode code points. */
#define UI_FK(k)	(0x1000000 | (k))

/* Where a key works. */
#define UI_IN_MATRIX	0x01
#define UI_IN_TRANSCRIPT 0x02
#define UI_IN_HELP	0x04
#define UI_IN_ANSWER	0x08
#define UI_IN_ALL	0x0f

struct ui;
typedef int (*ui_key_cb)(struct ui *, int arg);

/* One row of the key table: dispatch, footer and help come from it. */
struct ui_key {
	unsigned	 where;		/* UI_IN_* */
	int		 keys[4];	/* codes, 0-terminated */
	const char	*names;		/* "Up k" for the help */
	const char	*foot_key;	/* footer key name, NULL: not shown */
	int		 foot_glyph;	/* or this glyph (-1: use foot_key) */
	const char	*foot;		/* footer word */
	const char	*help;		/* one line for the help */
	ui_key_cb	 fn;		/* handler */
	int		 arg;		/* its argument */
};

/* Per-cell history across re-probes (watch mode), keyed by (addr, row,
 * mode) [mtr]. */
struct ui_hist {
	const void	*seen;		/* last probe counted (never read) */
	uint64_t	 seen_start;	/* its start time */
	unsigned	 runs;		/* finished probes */
	unsigned	 fails;		/* runs that failed or had a problem
					 * (a certificate, a password in
					 * clear, refused); not a mode that
					 * is just not offered */
	char		 last_sum[24];	/* summary of the last run, shown
					 * while the cell probes again */
	char		 last_more[16];	/* its "more" part */
	int		 last_tone;	/* its tone (TONE_*) */
	int64_t		 last_total_us;	/* its time, -1: none */
	unsigned	 flips;		/* verdict differed from the run
					 * before */
	int		 last_status;	/* status of the last run, -1: none */
	unsigned	 ok_runs;	/* runs with a time */
	int64_t		 last_us;	/* last total time, -1: none */
	int64_t		 best_us;	/* best total time */
	int64_t		 worst_us;	/* worst total time */
	int64_t		 sum_us;	/* for the average */
};

/* Computed from LINES x COLS on every draw. */
struct ui_layout {
	int	 scr_lines, scr_cols;	/* screen size */
	bool	 too_small;		/* below the minimum */
	bool	 side;			/* detail pane beside the matrix */
	int	 mat_y, mat_x, mat_h, mat_w; /* matrix area */
	int	 ans_y, ans_x, ans_h, ans_w; /* answer pane, ans_h 0: none */
	int	 det_y, det_x, det_h, det_w; /* detail pane */
	int	 label_w;		/* row label column */
	int	 lead;			/* spaces before the label */
	int	 proto_w;		/* protocol column, 0: not shown */
	int	 port_w;		/* digits of the longest port */
	int	 svc_w;			/* service name width */
	int	 cell_w;		/* one mode column */
};

#define UI_HITS_MAX	256	/* screen lines remembered for the mouse */
#define UI_INPUT_MAX	1024	/* prompt input bytes */
#define UI_SEARCH_MAX	256	/* search pattern bytes */
#define UI_MSG_MAX	512	/* status message bytes */

struct ui {
	struct evloop		*ev;		/* the loop */
	struct run		*run;		/* the model */
	const struct opts	*opts;		/* command line */

	bool		 color;			/* colour scheme in use */
	bool		 utf8;			/* UTF-8 glyphs in use */
	int		 san_flags;		/* sanitizer flags for text */
	unsigned	 attr[UI_E_LAST];	/* attr_t per element */
	const char	*glyph[UI_G_LAST];	/* glyph per id */
	const char	*const *spinner;	/* spinner frames */
	unsigned	 nspinner;		/* their number */

	unsigned	 dirty;			/* UI_D_* */
	unsigned	 act;			/* UI_A_* asked for by keys */
	bool		 quit;			/* leave the loop */
	int		 signo;			/* signal that ended it */
	bool		 resize_pending;	/* SIGWINCH seen */
	bool		 key_pressed;		/* draw now, not capped */
	bool		 stdin_dead;		/* the terminal went away */
	unsigned	 empty_reads;		/* POLLIN without a key */
	uint64_t	 last_draw_us;		/* for the redraw cap */
	uint64_t	 redraw_timer;		/* capped redraw pending */
	uint64_t	 tick_timer;		/* spinner, countdown */
	uint64_t	 watch_timer;		/* next watch round */
	uint64_t	 hold_timer;		/* --exit-when-done hold */
	unsigned	 spin;			/* spinner frame */
	bool		 done_drawn;		/* final screen drawn */
	bool		 run_done;		/* run_is_done() last seen */
	uint64_t	 round_end_us;		/* when the last round ended */

	enum ui_view	 view;			/* current view */
	enum ui_view	 help_back;		/* view under the help */
	size_t		 sel_addr;		/* selected block */
	size_t		 sel_row;		/* selected row */
	size_t		 sel_col;		/* index into modes[] */
	enum probe_mode	 modes[MODE_LAST];	/* columns shown */
	size_t		 nmodes;		/* their number */
	int		 mat_top;		/* matrix scroll (lines) */
	int		 det_top;		/* detail pane scroll */
	int		 det_lines;		/* detail lines last drawn */

	/* Matrix lines as drawn, for mouse clicks. */
	int		 hit_y0;		/* screen line of hit[0] */
	int		 hit_n;			/* lines recorded */
	int		 hit_x0;		/* first cell column */
	long		 hit[UI_HITS_MAX];	/* addr * rows + row, -1 */

	enum ui_tmode	 tmode;			/* transcript sub-view */
	int		 t_top[UI_T_LAST];	/* scroll per sub-view */
	int		 t_hscroll[UI_T_LAST];	/* horizontal scroll */
	bool		 t_follow;		/* stick to the end */
	int		 t_lines;		/* lines last drawn */
	int		 t_page;		/* lines per page last drawn */
	char		 search[UI_SEARCH_MAX];	/* pattern */
	int		 match;			/* event of the current match,
						 * -1: none */
	char		 search_saved[UI_SEARCH_MAX]; /* restored on Esc */
	int		 top_saved;		/* restored on Esc */
	int		 match_saved;		/* restored on Esc */

	int		 h_top;			/* help scroll */
	int		 h_lines;		/* help lines last drawn */

	/* The answer (issue 8), computed only when the run changed. */
	struct advice	*answer;		/* out_advice_dup(), or NULL */
	uint64_t	 answer_changes;	/* run_get_changes() of it */
	struct advice	*mine_adv;		/* the check of ui->mine */
	uint64_t	 mine_changes;		/* run_get_changes() of it */
	bool		 mine_set;		/* the user checked a setting */
	struct advice_given mine;		/* that setting */
	int		 a_top;			/* answer view scroll */
	int		 a_lines;		/* answer view lines drawn */
	bool		 a_to_mine;		/* scroll to "Your settings" */
	enum ui_set_field set_field;		/* prompt: field with focus */
	enum advice_proto set_proto;		/* prompt: protocol */
	unsigned	 set_port;		/* prompt: port, 0: none */
	enum probe_mode	 set_mode;		/* prompt: security */
	bool		 set_typed;		/* prompt: digits typed since
						 * the port field got focus */

	enum ui_prompt	 prompt;		/* prompt in the last line */
	char		 input[UI_INPUT_MAX];	/* prompt input */
	size_t		 input_len;		/* its length */
	char		 msg[UI_MSG_MAX];	/* status message */
	bool		 msg_err;		/* it reports a failure */

	bool		 watch;			/* watch mode on */
	bool		 paused;		/* watch: no new rounds */
	unsigned	 watch_s;		/* its interval */
	unsigned	 rounds;		/* watch rounds started */

	struct ui_hist	*hist;			/* per cell */
	size_t		 hist_addrs;		/* blocks in hist */

	struct ui_layout lay;			/* last layout */
};

/* A line under construction: bytes (UTF-8 or ASCII) and an attribute per
 * byte (the first byte of a character decides). */
#define UI_LB_MAX	2048
struct ui_lbuf {
	char		 s[UI_LB_MAX];		/* text */
	unsigned	 a[UI_LB_MAX];		/* attr_t per byte */
	size_t		 n;			/* bytes used */
};

/* A scrolled area filled line by line; only visible lines are drawn. */
struct ui_doc {
	struct ui	*ui;			/* owner */
	int		 y, x, w, h;		/* screen area */
	int		 top;			/* first line shown */
	int		 line;			/* lines finished so far */
	int		 hscroll;		/* columns skipped */
	int		 indent;		/* continuation indent */
	struct ui_lbuf	 lb;			/* the current line */
};

/*
 * Who may call whom (checked by tests/tui/t_ui_layers.sh over the object
 * files): the controller (ui.c) calls everything below it; views
 * (ui_matrix, ui_detail, ui_transcript, ui_help, ui_answer) call
 * ui_blocks, chrome, keys (the table only), state and draw; chrome calls
 * keys (table), state and draw; ui_blocks calls state and draw; keys
 * call state; state calls draw.  Never upwards, never from one view to
 * another.
 */

/* ui_keys.c: the key table and its handlers.  Handlers change state and
 * ask for actions (ui->act); the controller carries the actions out. */
/* The key table (dispatch, footer, help all read it); *n gets its size. */
const struct ui_key	*ui_keys_table(size_t *n);
/* A key (a code point, or UI_FK(curses key)): UI_R_* bits. */
int			 ui_keys_dispatch(struct ui *, int key);

/* ui_state.c: what the screen shows: selection, scroll, history, watch. */
/* The probe of the selected cell (borrowed, valid until the next loop
 * iteration), or NULL before any address is known. */
const struct probe	*ui_state_selected(const struct ui *);
/* History of a cell, or NULL when the block is not known yet. */
struct ui_hist		*ui_state_hist(struct ui *, size_t addr, size_t row,
			    enum probe_mode);
/* After the run changed: count finished probes once each into the
 * history, follow the round's end, keep the selection valid. */
void			 ui_state_update(struct ui *);
/* Forget every cell's history (watch reset). */
void			 ui_state_hist_reset(struct ui *);
/* Arm or cancel the watch timer from ui->watch, ui->paused and the
 * run's state; a new interval re-arms it. */
void			 ui_state_watch_arm(struct ui *);
void			 ui_state_watch_set(struct ui *, unsigned seconds);
/* Seconds until the next watch round, or -1 when none is due. */
int			 ui_state_watch_left(const struct ui *);
void			 ui_state_msg(struct ui *, bool err, const char *,
			    ...) __attribute__((format(printf, 3, 4)));
/* Select the matrix cell drawn at (y, x); false when there is none. */
bool			 ui_state_hit(struct ui *, int y, int x);
/* Scroll the detail pane by lines (the wheel); false when it did not
 * move. */
bool			 ui_state_detail_scroll(struct ui *, int lines);
/* Clamp *top into [0, nlines - page] after a scroll step UI_SC_*. */
void			 ui_state_scroll(int *top, int nlines, int page,
			    int how);
/* The answer of the host of the selected cell (the first host before
 * any address is known), from the cache, recomputed only when the run
 * changed; NULL before the first cell exists.  Borrowed until the next
 * call.  *hostidx (may be NULL) gets the run's index of that host. */
const struct advice_host *ui_state_answer(struct ui *, size_t *hostidx);
/* The verdict on the setting checked from the keyboard for that host, or
 * NULL when none was checked. */
const struct advice_check *ui_state_answer_mine(struct ui *);
/* Check g from now on (replacing the last one). */
void			 ui_state_answer_check(struct ui *,
			    const struct advice_given *);
/* Whether cells of protocol p of host hostidx are still probing, and
 * whether the run has any row of p at all. */
bool			 ui_state_answer_pending(const struct ui *,
			    size_t hostidx, enum advice_proto);
bool			 ui_state_answer_probed(const struct ui *,
			    enum advice_proto);
/* Free the cached answers (the controller, when the screen ends). */
void			 ui_state_answer_free(struct ui *);
/* The setting prompt: its fields from the selected cell; a step of the
 * protocol, port (through the ports probed for that protocol) or
 * security field. */
void			 ui_state_setting_init(struct ui *);
void			 ui_state_setting_step(struct ui *, int dir);
/* Lines of the transcript sub-view; the line of event ev in it; the
 * event at its top; search from event from (inclusive) in direction dir,
 * wrapping (returns the event or -1); scroll so event ev shows. */
int			 ui_state_t_lines(const struct ui *,
			    const struct probe *);
int			 ui_state_t_line_of(const struct ui *,
			    const struct probe *, int ev);
int			 ui_state_t_top_event(const struct ui *);
int			 ui_state_t_find(const struct ui *, int from,
			    int dir);
void			 ui_state_t_show(struct ui *, int ev);
/* Is the event bytes on the wire (sent or received), not a note of ours?
 * Lines it takes in the hex view: a header and 16 bytes a line, none for
 * a note. */
bool			 ui_state_is_wire(const struct tr_event *);
int			 ui_state_hex_lines(const struct tr_event *);

/* ui_chrome.c: header, footer and titles shared by every view. */
/* The first line: targets and progress, or a view title. */
void		 ui_chrome_header(struct ui *, const char *title);
/* The last line: a prompt, a status message, or the keys of the view
 * (from the key table, dropped from the end when narrow) and right. */
void		 ui_chrome_footer(struct ui *, unsigned where,
		    const char *right);
/* "SMTP 587 submission | STARTTLS | 127.0.0.1" */
void		 ui_chrome_probe_title(struct ui *, struct ui_lbuf *,
		    size_t addr, size_t row, enum probe_mode, unsigned attr);
/* "-- title ------" from a line buffer, across w columns. */
void		 ui_chrome_rule(struct ui *, int y, int x, int w,
		    const struct ui_lbuf *title);
/* The one-line notice when the window is below the minimum. */
void		 ui_chrome_too_small(struct ui *, int min_cols,
		    int min_lines);

/* ui_draw.c: scheme, glyphs, text. */
/* Pick glyphs (UTF-8 or ASCII) and the colour or monochrome scheme;
 * after newterm(). */
void		 ui_draw_init(struct ui *);
unsigned	 ui_attr(const struct ui *, enum ui_elem);
const char	*ui_glyph(const struct ui *, enum ui_glyph);
/* Attribute and glyph of a report tone (TONE_*) or of a probe's cell. */
unsigned	 ui_tone_attr(const struct ui *, int tone);
const char	*ui_tone_glyph(const struct ui *, const struct probe *);
/* The glyph of a finished cell from its status and tone. */
const char	*ui_status_glyph(const struct ui *, int status, int tone);
/* Display columns of our own or sanitised text (wcwidth). */
int		 ui_str_width(const char *, size_t);
/* Append text we wrote ourselves (never server bytes); silently cut at
 * UI_LB_MAX on a character boundary. */
void		 ui_lb_add(struct ui_lbuf *, unsigned attr, const char *);
void		 ui_lb_addn(struct ui_lbuf *, unsigned attr, const char *,
		    size_t);
void		 ui_lb_printf(struct ui_lbuf *, unsigned attr, const char *,
		    ...) __attribute__((format(printf, 3, 4)));
/* Append server bytes: through the sanitizer, escapes in UI_E_ESCAPE
 * (reverse video); at most max_out bytes (0: half the buffer). */
void		 ui_lb_raw(const struct ui *, struct ui_lbuf *, unsigned attr,
		    const char *, size_t, int san_flags, size_t max_out);
/* Pad with spaces to width columns. */
void		 ui_lb_pad(struct ui_lbuf *, unsigned attr, int width);
int		 ui_lb_width(const struct ui_lbuf *);
/* Append src to dst (cut at UI_LB_MAX). */
void		 ui_lb_cat(struct ui_lbuf *, const struct ui_lbuf *);
/* Copy the text of a line buffer into a C string (cut to size). */
void		 ui_lb_cstr(const struct ui_lbuf *, char *, size_t);
/* OR attr into every case-insensitive occurrence of pat at or after
 * byte from; returns the number of matches. */
int		 ui_lb_mark(struct ui_lbuf *, size_t from, const char *pat,
		    unsigned attr);
/* Draw at (y, x) in w columns after skipping hscroll; fill the rest with
 * fill; a UI_G_MORE mark in the last column when text is cut. */
void		 ui_lb_draw(const struct ui *, int y, int x, int w,
		    const struct ui_lbuf *, int hscroll, unsigned fill,
		    bool more);
/* Our own text at (y, x), clipped to w columns. */
void		 ui_put(const struct ui *, int y, int x, int w, unsigned attr,
		    const char *);
/* "-- title ------" across w columns. */
void		 ui_rule(const struct ui *, int y, int x, int w, unsigned attr,
		    const char *title);
/* A duration for people ("4.2 ms", "2.4 s"; "-" when negative); returns
 * buf. */
const char	*ui_fmt_us(char *buf, size_t, int64_t us);
/* Case-insensitive (ASCII) substring search; *at gets the offset. */
bool		 ui_memcasemem(const char *, size_t, const char *, size_t,
		    size_t *at);
/* Transcript events: the attribute of a direction; the markers for what
 * sanitised text cannot show; the text of an event as the text view shows
 * it (sanitised, line terminators dropped, markers appended). */
unsigned	 ui_tr_attr(const struct ui *, enum tr_dir);
void		 ui_tr_flags(const struct ui *, struct ui_lbuf *, int flags);
void		 ui_tr_text(const struct ui *, struct ui_lbuf *,
		    const struct tr_event *);

/* A scrolled text area: begin, then add to d->lb and end each line. */
void		 ui_doc_begin(struct ui_doc *, struct ui *, int y, int x,
		    int w, int h, int top, int hscroll);
bool		 ui_doc_visible(const struct ui_doc *);
void		 ui_doc_end_line(struct ui_doc *);
/* Label column of a detail line; wrapped lines indent past it. */
void		 ui_doc_label(struct ui_doc *, const char *);
/* Append an item, wrapping to a new (indented) line when it does not
 * fit; sep goes between items on one line. */
void		 ui_doc_flow(struct ui_doc *, const struct ui_lbuf *item,
		    const char *sep);
/* Flow the words of a line buffer (reasons, subjects, help text). */
void		 ui_doc_words(struct ui_doc *, const struct ui_lbuf *);
/* One item of our own words, or of server bytes (sanitised). */
void		 ui_doc_item(struct ui_doc *, unsigned attr, const char *);
void		 ui_doc_rawitem(struct ui_doc *, unsigned attr,
		    const struct mstr *);
/* A labelled line of sanitised server text, wrapped at words. */
void		 ui_doc_rawline(struct ui_doc *, const char *label,
		    unsigned attr, const char *, size_t);

/* ui_blocks.c: blocks of facts shared by the detail pane and the
 * certificate view. */
/* "TLS  TLSv1.3 cipher group", or why the handshake failed. */
void		 ui_blocks_tls(struct ui_doc *, const struct tls_facts *);
/* "Verified  yes" or "NO: expired ...". */
void		 ui_blocks_verified(struct ui_doc *, const struct tls_facts *);
/* "Valid  2024-01-01 to 2024-04-01  (expired 3 days ago)". */
void		 ui_blocks_validity(struct ui_doc *, const struct cert_info *);
/* Subject, SANs, issuer, key; full adds the serial and the dates (the
 * detail pane shows them higher up, under the reason). */
void		 ui_blocks_cert(struct ui_doc *, const struct cert_info *,
		    bool full);
/* "2024-01-01" or with the time in UTC. */
void		 ui_blocks_date(char *, size_t, int64_t t, bool with_time);

/* Views. */
/* ui_matrix.c: compute ui->lay from LINES x COLS and the model; draw the
 * matrix (the detail pane is drawn by the controller in lay.det_*). */
void		 ui_matrix_layout(struct ui *);
void		 ui_matrix_draw(struct ui *);
/* ui_detail.c: everything known of the selected cell, with its title
 * rule, in the pane at (y, x) of h x w. */
void		 ui_detail_draw(struct ui *, int y, int x, int h, int w);
/* ui_transcript.c: the full-screen transcript, hex or certificate view
 * of the selected cell. */
void		 ui_transcript_draw(struct ui *);
/* ui_help.c: every key (from the key table) and a legend. */
void		 ui_help_draw(struct ui *);
/* ui_answer.c: the answer pane (incoming, outgoing, findings counted; a
 * line for the user's setting) at (y, x) of h x w, and the full answer
 * view (best settings and alternatives, the user's settings, every
 * finding with its cells and fix). */
void		 ui_answer_pane_draw(struct ui *, int y, int x, int h, int w);
void		 ui_answer_draw(struct ui *);

#endif

/* SPDX-License-Identifier: ISC */
/*
 * The transcript: events keep their own copy of the bytes, the byte and
 * event caps each end in exactly one truncation note, and the names come
 * from the X-macro table.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "transcript.h"

#define S(x)		(x), (sizeof(x) - 1)

static int
count_truncated(const struct transcript *t)
{
	const struct tr_event	*e;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < transcript_count(t); i++) {
		e = transcript_get(t, i);
		if (e->flags & TR_F_TRUNCATED)
			n++;
	}
	return n;
}

static void
test_basic(void)
{
	struct transcript	*t;
	const struct tr_event	*e;
	char			 line[] = "220 mx ESMTP\0x";

	t = transcript_new(4096, 100);
	transcript_add(t, 10, TR_SERVER, TR_SEC_PLAIN, TR_F_NUL, line,
	    sizeof line - 1);
	line[0] = 'X';
	transcript_add(t, 20, TR_CLIENT, TR_SEC_TLS_VERIFIED, 0, S("EHLO a"));
	transcript_addf(t, 30, TR_STATE, 0, "%s -> %s", "GREETING", "CAPA");
	transcript_add(t, 40, TR_NET, TR_SEC_NONE, 0, NULL, 0);

	tap_is_int((long long)transcript_count(t), 4, "four events");
	e = transcript_get(t, 0);
	tap_ok(e != NULL && e->t_us == 10 && e->dir == TR_SERVER &&
	    e->sec == TR_SEC_PLAIN && e->flags == TR_F_NUL,
	    "event 0 fields");
	tap_is_mem(e->data, e->len, S("220 mx ESMTP\0x"),
	    "raw bytes kept, NUL included, copied not borrowed");
	tap_ok(e->data[e->len] == '\0', "data is NUL-terminated");
	e = transcript_get(t, 1);
	tap_ok(e->sec == TR_SEC_TLS_VERIFIED && e->dir == TR_CLIENT,
	    "event 1 provenance");
	e = transcript_get(t, 2);
	tap_is_str(e->data, "GREETING -> CAPA", "addf formats");
	tap_ok(e->sec == TR_SEC_NONE && e->len == 16 && e->t_us == 30,
	    "addf event is TR_SEC_NONE");
	e = transcript_get(t, 3);
	tap_ok(e->len == 0 && e->data != NULL && e->data[0] == '\0',
	    "empty event has an empty string");
	tap_ok(transcript_get(t, 4) == NULL, "get past the end is NULL");
	tap_is_int((long long)transcript_bytes(t), 14 + 6 + 16,
	    "bytes counts event data");
	tap_is_int(count_truncated(t), 0, "no truncation below the caps");
	transcript_free(t);
	transcript_free(NULL);
}

static void
test_event_cap(void)
{
	struct transcript	*t;
	const struct tr_event	*e;
	int			 i;

	t = transcript_new(1000, 3);
	for (i = 0; i < 10; i++)
		transcript_add(t, (uint64_t)i, TR_SERVER, TR_SEC_PLAIN, 0,
		    S("250 OK"));
	for (i = 0; i < 10; i++)
		transcript_addf(t, 99, TR_NOTE, 0, "note %d", i);
	tap_is_int((long long)transcript_count(t), 4,
	    "event cap 3: three events and the note");
	tap_is_int(count_truncated(t), 1, "exactly one truncated event");
	e = transcript_get(t, 3);
	tap_ok(e->dir == TR_NOTE && e->flags == TR_F_TRUNCATED &&
	    e->sec == TR_SEC_NONE && e->t_us == 3,
	    "the note is last, TR_NOTE, at the time of the dropped add");
	tap_is_str(e->data, "transcript truncated: 1000 bytes / 3 events cap",
	    "note text");
	tap_is_int((long long)e->len, (long long)strlen(e->data),
	    "note length");
	transcript_free(t);
}

static void
test_byte_cap(void)
{
	struct transcript	*t;
	const struct tr_event	*e;
	int			 i;

	t = transcript_new(10, 100);
	transcript_add(t, 1, TR_SERVER, TR_SEC_TLS, 0, S("12345"));
	transcript_add(t, 2, TR_SERVER, TR_SEC_TLS, 0, S("67890"));
	tap_is_int((long long)transcript_count(t), 2,
	    "exactly the byte cap fits");
	transcript_add(t, 3, TR_SERVER, TR_SEC_TLS, 0, S("x"));
	for (i = 0; i < 1000; i++)
		transcript_add(t, 4, TR_SERVER, TR_SEC_TLS, 0, S("y"));
	transcript_addf(t, 5, TR_NOTE, 0, "z");
	tap_is_int((long long)transcript_count(t), 3,
	    "one byte past the cap: the note, then nothing");
	tap_is_int(count_truncated(t), 1, "exactly one truncated event");
	e = transcript_get(t, 2);
	tap_is_str(e->data, "transcript truncated: 10 bytes / 100 events cap",
	    "note text");
	transcript_free(t);

	t = transcript_new(10, 100);
	transcript_add(t, 1, TR_SERVER, TR_SEC_PLAIN, 0, S("0123456789A"));
	transcript_add(t, 2, TR_SERVER, TR_SEC_PLAIN, 0, S("0"));
	tap_ok(transcript_count(t) == 1 &&
	    transcript_get(t, 0)->flags == TR_F_TRUNCATED,
	    "a first event over the byte cap: only the note");
	transcript_free(t);

	t = transcript_new(10, 100);
	transcript_addf(t, 1, TR_NOTE, 0, "%s", "a long formatted note");
	tap_ok(transcript_count(t) == 1 && count_truncated(t) == 1,
	    "addf obeys the byte cap");
	transcript_free(t);
}

static void
test_names(void)
{
	tap_is_str(transcript_dir_name(TR_CLIENT), "client", "TR_CLIENT name");
	tap_is_str(transcript_dir_name(TR_SERVER), "server", "TR_SERVER name");
	tap_is_str(transcript_dir_name(TR_TLS), "tls", "TR_TLS name");
	tap_is_str(transcript_dir_name(TR_NET), "net", "TR_NET name");
	tap_is_str(transcript_dir_name(TR_NOTE), "note", "TR_NOTE name");
	tap_is_str(transcript_dir_name(TR_STATE), "state", "TR_STATE name");
	tap_is_str(transcript_dir_tag(TR_CLIENT), "C>", "TR_CLIENT tag");
	tap_is_str(transcript_dir_tag(TR_SERVER), "S<", "TR_SERVER tag");
	tap_is_str(transcript_dir_tag(TR_TLS), "TLS", "TR_TLS tag");
	tap_is_str(transcript_dir_tag(TR_NET), "NET", "TR_NET tag");
	tap_is_str(transcript_dir_tag(TR_NOTE), "--", "TR_NOTE tag");
	tap_is_str(transcript_dir_tag(TR_STATE), "..", "TR_STATE tag");
	tap_is_str(transcript_dir_name(TR_DIR_LAST), "?",
	    "out-of-range direction");
	tap_is_str(transcript_sec_name(TR_SEC_NONE), "none", "sec none");
	tap_is_str(transcript_sec_name(TR_SEC_PLAIN), "plain", "sec plain");
	tap_is_str(transcript_sec_name(TR_SEC_TLS), "tls", "sec tls");
	tap_is_str(transcript_sec_name(TR_SEC_TLS_VERIFIED), "tls_verified",
	    "sec tls_verified");
}

/* Lines keep their terminator; text views strip exactly that. */
static void
test_lines(void)
{
	struct transcript	*t;
	const struct tr_event	*e;

	t = transcript_new(4096, 100);
	transcript_add_line(t, 1, TR_SERVER, TR_SEC_PLAIN, 0,
	    S("220 mx\r\n"), 2);
	transcript_add_line(t, 2, TR_SERVER, TR_SEC_PLAIN, TR_F_BARE_LF,
	    S("250 ok\n"), 1);
	transcript_add_line(t, 3, TR_CLIENT, TR_SEC_PLAIN, 0,
	    S("QUIT\r\n"), 2);
	transcript_add_line(t, 4, TR_SERVER, TR_SEC_PLAIN,
	    TR_F_CUT | TR_F_UNSOLICITED, S("221 b"), 0);
	transcript_add_line(t, 5, TR_SERVER, TR_SEC_PLAIN, 0, S("x"), 9);
	transcript_add(t, 6, TR_NOTE, TR_SEC_NONE, 0, S("a note\r\n"));
	e = transcript_get(t, 0);
	tap_is_mem(e->data, e->len, S("220 mx\r\n"), "CRLF kept in data");
	tap_ok(e->term == 2 && transcript_event_text_len(e) == 6,
	    "CRLF line: text is 6 bytes");
	e = transcript_get(t, 1);
	tap_ok(e->len == 7 && e->term == 1 &&
	    transcript_event_text_len(e) == 6, "bare LF line: text 6 of 7");
	e = transcript_get(t, 2);
	tap_ok(e->dir == TR_CLIENT && transcript_event_text_len(e) == 4,
	    "our line: text 4 of 6");
	e = transcript_get(t, 3);
	tap_ok(e->term == 0 && transcript_event_text_len(e) == 5 &&
	    (e->flags & TR_F_UNSOLICITED), "cut line: no terminator");
	e = transcript_get(t, 4);
	tap_ok(e->term == 0 && transcript_event_text_len(e) == 1,
	    "a terminator longer than the data is ignored");
	e = transcript_get(t, 5);
	tap_ok(e->term == 0 && transcript_event_text_len(e) == 8,
	    "transcript_add keeps everything as text");
	tap_is_int((long long)transcript_bytes(t), 8 + 7 + 6 + 5 + 1 + 8,
	    "bytes count the terminators");
	tap_is_int((long long)transcript_event_text_len(NULL), 0,
	    "text length of no event is 0");
	transcript_free(t);
}

int
main(void)
{
	test_basic();
	test_event_cap();
	test_byte_cap();
	test_names();
	test_lines();
	return tap_done_testing();
}

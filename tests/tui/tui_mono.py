# SPDX-License-Identifier: ISC
# tui_mono.py: the schemes.  NO_COLOR and --no-color give a screen without
# a single colour attribute that still tells the cells apart (glyph, word,
# bold/reverse/underline); --ascii and a non-UTF-8 locale give a screen of
# ASCII characters only, even when the server sends emoji; and with
# colour, the cells are coloured as a second channel.
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (Tap, Term, FakeServer, base_env, free_port,  # noqa
                    mailports_args, require_binary, watchdog)

require_binary()
watchdog(150)
tap = Tap()

servers = [
    FakeServer("smtp", caps=[b"X-EMOJI \xf0\x9f\x98\x80 \xc3\xa9t\xc3\xa9",
                             b"SIZE 1000"],
               banner=b"220 caf\xc3\xa9 \xe2\x9c\x93 ESMTP\r\n"),
    FakeServer("pop3"),
    FakeServer("smtp", banner=b"554 5.3.2 go away\r\n"),
]
rows = ["smtp=%d" % servers[0].port, "pop3=%d" % servers[1].port,
        "imap=%d" % free_port(), "submission=%d" % servers[2].port]
TOTAL = "12/12 done"


def cells(t):
    for y in range(t.screen.lines):
        for x in range(t.screen.columns):
            yield t.screen.buffer[y][x]


def visit(t, check, name):
    """Check every view a person would open."""
    results = []
    t.settle()
    results.append(("matrix", check(t)))
    t.key("enter")
    results.append(("transcript", check(t)))
    t.send("/")
    t.send("EHLO")
    t.key("enter")
    results.append(("search", check(t)))
    t.send("x")
    results.append(("hex", check(t)))
    t.send("c")
    results.append(("certificates", check(t)))
    t.send("q")
    t.send("?")
    results.append(("help", check(t)))
    t.key("end")
    results.append(("help end", check(t)))
    t.send("q")
    bad = [v for v, ok in results if not ok]
    tap.ok(not bad, name, "failed in: %s\n%s" % (bad, t.text()))


def goto(t, service):
    """Down until the detail pane is about service."""
    for _ in range(8):
        rule = next((r for r in t.screen.display[1:]
                     if r.startswith(("\u2500\u2500 ", "-- "))), "")
        if (" %s " % service) in rule:
            return True
        t.key("down")
    return False


def no_colour(t):
    return all(c.fg == "default" and c.bg == "default" for c in cells(t))


def ascii_only(t):
    return all(ord(ch) < 128 for row in t.screen.display for ch in row)


def run(args, env_extra, fn):
    t = Term(mailports_args(rows, args), env=base_env(**env_extra))
    try:
        if not t.wait_text(TOTAL, 15):
            tap.ok(False, "cells finish", t.text())
            return
        fn(t)
        t.send("q", settle=0.05)
        rc = t.wait_exit(5)
        tap.ok(rc == 0 and t.sanitizer_report() == "",
               "%s: quits cleanly" % " ".join(args + ["%s=%s" % kv for kv
                                              in env_extra.items()]),
               "rc %r\n%s" % (rc, t.sanitizer_report()))
    finally:
        t.close()


def check_mono(t, what):
    visit(t, no_colour, "%s: no colour attribute in any view" % what)
    t.settle()
    attrs = [c for c in cells(t) if c.bold or c.reverse or c.underscore]
    tap.ok(len(attrs) > 0 and any(c.reverse for c in attrs),
           "%s: bold/reverse carry the emphasis (selection reversed)" %
           what, "")
    screen = t.text()
    tap.ok("ok plain" in screen and "not offered" in screen and
           "refused" in screen,
           "%s: every status still has its word" % what, screen)


run([], {"NO_COLOR": "1"}, lambda t: check_mono(t, "NO_COLOR=1"))
run(["--no-color"], {}, lambda t: check_mono(t, "--no-color"))


def check_ascii(t, what):
    visit(t, ascii_only, "%s: only ASCII on screen in every view" % what)
    t.settle()
    screen = t.text()
    tap.ok("+ ok plain" in screen and "- not offered" in screen and
           "- refused" in screen and "x service refused" in screen,
           "%s: ASCII glyphs + - x with the words" % what, screen)
    goto(t, "smtp")
    screen = t.text()
    tap.ok("caf\\xC3\\xA9 \\xE2\\x9C\\x93" in screen,
           "%s: non-ASCII server text escaped as \\xHH" % what, screen)


run(["--ascii"], {}, lambda t: check_ascii(t, "--ascii"))
run([], {"LANG": "C", "LC_ALL": "C"},
    lambda t: check_ascii(t, "LC_ALL=C (not UTF-8)"))


def check_colour(t):
    t.settle()
    fgs = set(c.fg for c in cells(t))
    tap.ok("red" in fgs and "cyan" in fgs,
           "with colour: cells coloured as a second channel", fgs)
    goto(t, "smtp")
    screen = t.text()
    tap.ok("\u2713 ok plain" in screen and "caf\u00e9 \u2713" in screen,
           "UTF-8: glyphs and valid server UTF-8 shown as such", screen)


run([], {}, check_colour)
for s in servers:
    s.close()
tap.done()

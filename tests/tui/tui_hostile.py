# SPDX-License-Identifier: ISC
# tui_hostile.py: a server whose banner and capabilities try to take over
# the terminal (hostile-servers.md rules 1 and 10, catalogue 16 and 17):
# OSC title and clipboard, clear screen, bidi override, invalid UTF-8,
# wide emoji, a flood of combining marks, an over-long capability.  The
# person must see the bytes escaped (in reverse video), the window title
# and the screen must stay as they were, and the layout must keep its
# width.
import os
import re
import sys

from wcwidth import wcswidth

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (Tap, Term, FakeServer, mailports_args,  # noqa
                    require_binary, watchdog)

require_binary()
watchdog(90)
tap = Tap()

BANNER = (b"220 evil\x1b]0;PWNED\x07\x1b[2J\x1b]52;c;Zm9v\x07"
          b"\x1b]8;;http://x.test/\x07link\x1b]8;;\x07\x1bP+q\x1b\\ ESMTP\r\n")
CAPS = [
    b"X-EMOJI \xf0\x9f\x98\x80\xf0\x9f\x98\x80 wide",
    b"X-BAD \xc0\xaf \xed\xa0\x80 cut\xe2\x82",
    b"X-BIDI \xe2\x80\xaeevil\xe2\x80\xac",
    b"X-LONG " + b"A" * 300,
    b"X-COMB e" + b"\xcc\x81" * 12,
]
evil = FakeServer("smtp", banner=BANNER, caps=CAPS)
term = Term(mailports_args(["smtp=%d" % evil.port]))
try:
    tap.ok(term.wait_text("3/3 done", 15), "the probes finish",
           term.text())
    term.settle()
    screen = term.text()
    raw = bytes(term.raw)
    tap.ok(term.screen.title == "", "window title unchanged (OSC 0)",
           repr(term.screen.title))
    tap.ok(b"\x1b]" not in raw and b"\x1bP" not in raw,
           "no OSC or DCS sequence ever reaches the terminal",
           raw[raw.find(b"\x1b]") - 20:raw.find(b"\x1b]") + 40]
           if b"\x1b]" in raw else raw[:0])
    tap.ok(b"\x1b[2J" not in raw, "the server's clear-screen is not sent",
           "")
    tap.ok(term.line(0).startswith(" mailports"),
           "the header is still there (screen not cleared)", term.line(0))
    greet = next((r for r in term.screen.display if "Greeting" in r), "")
    tap.ok("220 evil^[]0;PWNED^G^[[2J^[]52;c;Zm9v^G" in greet,
           "banner escapes shown as ^[ and ^G", greet)
    pos = term.find("^[]0;PWNED")
    tap.ok(pos is not None and term.attrs(pos[0], pos[1]).reverse and
           not term.attrs(pos[0], pos[1] + 2).reverse,
           "escapes in reverse video, the text itself not",
           pos)
    tap.ok("<U+202E>evil<U+202C>" in screen,
           "bidi override shown as <U+202E>", screen)
    tap.ok("\\xC0\\xAF \\xED\\xA0\\x80 cut\\xE2\\x82" in screen,
           "invalid and cut UTF-8 shown as \\xHH", screen)
    tap.ok("\U0001F600\U0001F600" in screen or "\U0001F600" in screen,
           "a valid wide emoji is shown as itself", screen)
    comb = next((r for r in term.screen.display if "X-COMB" in r), "")
    tap.ok(comb.count("<U+0301>") >= 5,
           "a flood of combining marks is escaped past two", comb)
    widths = [wcswidth(r) for r in term.screen.display]
    tap.ok(all(w == 80 for w in widths),
           "every line is exactly 80 columns wide", widths)
    hd = next((r for r in term.screen.display if "STARTTLS" in r and
               "None" in r), "")
    row = next((r for r in term.screen.display
                if re.match(r"^ SMTP +\d+ smtp", r)), "")
    tap.ok(hd and row and row.find("not offered") == hd.find("STARTTLS"),
           "matrix columns still aligned", hd + "\n" + row)
    timing = next((r for r in term.screen.display if "Timing" in r), "")
    tap.ok(timing.startswith(" Timing"),
           "detail labels stay in their column after the wide text",
           screen)

    term.key("enter")
    screen = term.text()
    line = next((r for r in term.screen.display if "220 evil" in r), "")
    tap.ok(re.search(r"S<\s+plain\s+220 evil\^\[\]0;PWNED\^G", line),
           "transcript line escaped, with direction and provenance", line)
    long_ = next((y for y, r in enumerate(term.screen.display)
                  if "X-LONG" in r), None)
    before = term.line(long_) if long_ is not None else ""
    for _ in range(6):
        term.key("right", settle=0.05)
    term.settle()
    after = term.line(long_) if long_ is not None else ""
    tap.ok(long_ is not None and "X-LONG" not in after and
           after[:20] == before[:20] and "AAAA" in after,
           "Right pans long lines, the time column stays", before +
           "\n" + after)
    term.send("x")
    tap.ok(re.search(r"1b 5d 30 3b 50 57 4e 45", term.text()) is not None
           or term.wait_for(lambda t: "1b 5d 30 3b" in t.text(), 1),
           "hex view shows the raw ESC ] 0 ; bytes", term.text())
    term.send("Q", settle=0.05)
    rc = term.wait_exit(5)
    tap.ok(rc == 0, "Q quits from the transcript", rc)
    tap.ok(term.screen.title == "", "title still unchanged at the end",
           term.screen.title)
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    evil.close()
tap.done()

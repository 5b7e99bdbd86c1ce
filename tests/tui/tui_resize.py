# SPDX-License-Identifier: ISC
# tui_resize.py: the layout follows the window: 80x24 (detail below),
# 200x60 (detail beside the matrix), 132x43, a window below the minimum
# (one-line notice), a SIGWINCH storm (hostile-servers.md 35) that ends in
# a consistent screen; and, once every probe has ended, the program is
# idle: no timers, no output, next to no CPU.
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (Tap, Term, FakeServer, mailports_args,  # noqa
                    require_binary, watchdog)

require_binary()
watchdog(120)
tap = Tap()

servers = [FakeServer("smtp"), FakeServer("smtp"), FakeServer("pop3"),
           FakeServer("imap")]
rows = ["smtp=%d" % servers[0].port, "submission=%d" % servers[1].port,
        "pop3=%d" % servers[2].port, "imap=%d" % servers[3].port]
VLINE = "\u2502"


def consistent(t, cols, rows_):
    """Header on the first line, footer on the last, nothing past."""
    d = t.screen.display
    return (len(d) == rows_ and d[0].startswith(" mailports") and
            "quit" in d[rows_ - 1] and "12/12 done" in d[0])


def detail_rule(t):
    """(y, x) of the detail pane's title rule."""
    for y, r in enumerate(t.screen.display):
        m = re.search("\u2500\u2500 (SMTP|POP3|IMAP) ", r)
        if m:
            return (y, m.start())
    return None


term = Term(mailports_args(rows), cols=80, rows=24)
try:
    tap.ok(term.wait_text("12/12 done", 15), "80x24: every cell done",
           term.text())
    term.settle()
    tap.ok(consistent(term, 80, 24), "80x24: header and footer in place",
           term.text())
    pos = detail_rule(term)
    tap.ok(pos is not None and pos[1] == 0 and pos[0] > 4,
           "80x24: detail pane below the matrix", pos)

    term.resize(200, 60)
    term.settle(0.4)
    tap.ok(consistent(term, 200, 60), "200x60: re-laid out",
           term.text())
    pos = detail_rule(term)
    vl = [r.find(VLINE) for r in term.screen.display[2:20]]
    tap.ok(pos is not None and pos[0] == 1 and pos[1] > 80 and
           len(set(vl)) == 1 and vl[0] > 80,
           "200x60: detail pane beside the matrix", (pos, vl))
    cell = next((r for r in term.screen.display
                 if re.match(r"^ SMTP +\d+ smtp ", r)), "")
    tap.ok("ok plain" in cell and re.search(r"\d ms", cell),
           "wide cells also show the time", cell)

    term.resize(132, 43)
    term.settle(0.4)
    pos = detail_rule(term)
    tap.ok(consistent(term, 132, 43) and pos is not None and pos[1] == 0,
           "132x43: re-laid out, detail below", term.text())

    term.resize(50, 10)
    term.settle(0.4)
    tap.ok("too small" in term.line(0) and
           all(r.strip() == "" for r in term.screen.display[1:]),
           "50x10: a one-line notice", term.text())
    tap.ok(term.line(0).rstrip().endswith("q quits") and
           "\u2026" not in term.line(0),
           "50x10: the notice itself fits, uncut", term.line(0))
    term.resize(30, 10)
    term.settle(0.4)
    tap.ok("60x12" in term.line(0) and "q quits" in term.line(0) and
           "\u2026" not in term.line(0),
           "30x10: a shorter notice, still whole", term.line(0))
    term.key("down")
    tap.ok(term.alive(), "keys while too small do no harm", "")

    term.resize(80, 24)
    term.settle(0.4)
    tap.ok(consistent(term, 80, 24), "back to 80x24", term.text())

    # A storm of window changes: the last size wins, nothing breaks.
    sizes = [(100, 30), (80, 24), (61, 12), (150, 50), (40, 5)] * 8
    for c, r in sizes:
        term.resize(c, r)
        time.sleep(0.005)
        term.pump(0)
    term.resize(90, 28)
    term.settle(0.5)
    tap.ok(term.alive() and consistent(term, 90, 28),
           "SIGWINCH storm: consistent at the final 90x28", term.text())
    tap.ok(all(r.find(VLINE) < 0 for r in term.screen.display),
           "no leftovers of the wide layout", term.text())

    # Idle: nothing pending, so no timer and no redraw.
    term.settle(0.6)
    n0 = len(term.raw)
    c0 = term.cpu_seconds()
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        term.pump(0.1)
    c1 = term.cpu_seconds()
    tap.ok(len(term.raw) == n0, "idle: no output for 2 s",
           bytes(term.raw[n0:])[:200])
    tap.ok(c1 - c0 <= 0.03, "idle: next to no CPU (%.2f s in 2 s)" %
           (c1 - c0), "")
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    for s in servers:
        s.close()
tap.done()

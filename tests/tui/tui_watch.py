# SPDX-License-Identifier: ISC
# tui_watch.py: watch mode (--watch N and the w key) re-probes every cell
# after each round and keeps per-cell history like mtr (runs, failures,
# last/avg/best/worst); turning it off stops the rounds.  The test seam
# --exit-when-done ends the program by itself once the final screen is
# drawn, optionally held MAILPORTS_HOLD_MS, with the terminal restored.
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (Tap, Term, FakeServer, base_env, free_port,  # noqa
                    mailports_args, require_binary, watchdog)

require_binary()
watchdog(120)
tap = Tap()
srv = FakeServer("smtp")
closed = free_port()
rows = ["smtp=%d" % srv.port, "submission=%d" % closed]


def history(t):
    d = t.screen.display
    y = next((i for i, r in enumerate(d) if r.startswith(" History")), None)
    row = d[y] + d[y + 1] if y is not None and y + 1 < len(d) else ""
    m = re.search(r"(\d+) runs?\s+(\d+) failed", row)
    return (int(m.group(1)), int(m.group(2)), row) if m else (0, 0, row)


def goto(t, service):
    t.key("home")
    for _ in range(4):
        rule = next((r for r in t.screen.display[1:]
                     if r.startswith("\u2500\u2500 ")), "")
        if (" %s " % service) in rule:
            return True
        t.key("down")
    return False


term = Term(mailports_args(rows, ["--watch", "1"]))
try:
    tap.ok(term.wait_text("6/6 done", 10), "first round done", term.text())
    tap.ok("watch 1s" in term.line(0), "--watch: indicator in the header",
           term.line(0))
    goto(term, "smtp")
    tap.ok(term.wait_for(lambda t: history(t)[0] >= 3, 15),
           "rounds go on: the detail pane counts 3 runs and more",
           term.text())
    runs, failed, row = history(term)
    tap.ok(failed == 0 and re.search(r"last .* avg .* best .* worst", row),
           "a working cell: 0 failed, last/avg/best/worst times", row)
    goto(term, "submission")
    runs, failed, row = history(term)
    tap.ok(runs >= 2 and failed == runs,
           "a refused cell: every run counted as failed", row)
    term.send("w")
    tap.ok("watch" not in term.line(0), "w turns watch off", term.line(0))
    term.wait_for(lambda t: "6/6 done" in t.line(0), 5)
    term.settle(0.3)
    n1 = history(term)[0]
    time.sleep(2.5)
    term.settle(0.3)
    n2 = history(term)[0]
    tap.ok(n1 == n2, "watch off: no more rounds (%d, %d)" % (n1, n2), "")
    term.send("w")
    tap.ok(term.wait_for(lambda t: history(t)[0] > n2, 6),
           "w again: rounds resume", term.text())
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()

for hold in (None, 800):
    extra = {"MAILPORTS_HOLD_MS": str(hold)} if hold else {}
    t0 = time.monotonic()
    term = Term(mailports_args(rows, ["--exit-when-done"]),
                env=base_env(**extra))
    try:
        done_at = None
        rc = None
        end = time.monotonic() + 15
        while time.monotonic() < end:
            term.pump(0.02)
            if done_at is None and "6/6 done" in term.line(0):
                done_at = time.monotonic()
            if term.proc.poll() is not None:
                rc = term.wait_exit(2)
                # The last frame may still sit in the pty: read it.
                term.pump(0.1)
                if done_at is None and "6/6 done" in term.line(0):
                    done_at = time.monotonic()
                break
        gone = time.monotonic()
        what = "--exit-when-done%s" % (" (hold %d ms)" % hold if hold
                                       else "")
        tap.ok(rc == 0 and done_at is not None,
               "%s: exits by itself with status 0 after the final "
               "screen" % what, "rc %r\n%s" % (rc, term.text()))
        if hold:
            tap.ok(done_at is not None and gone - done_at >= 0.6,
                   "%s: the final screen stays for the hold" % what,
                   gone - (done_at or gone))
        tap.ok(term.stty() == term.stty_before,
               "%s: terminal restored" % what, "")
    finally:
        term.close()
srv.close()
tap.done()

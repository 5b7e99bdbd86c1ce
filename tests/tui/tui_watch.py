# SPDX-License-Identifier: ISC
# tui_watch.py: watch mode (--watch N and the w key) re-probes every cell
# after each round and keeps per-cell history like mtr (runs, problems,
# last/avg/best/worst); each cell keeps its last verdict while it probes
# again; p pauses, + and - change the interval, z zeroes the history;
# turning it off stops the rounds.  The test seam
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
    m = re.search(r"(\d+) runs?\s+(\d+) with a problem", row)
    return (int(m.group(1)), int(m.group(2)), row) if m else (0, 0, row)


def matrix_row(t, service):
    return next((r for r in t.screen.display
                 if re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?\d+ %s(?![\w-])" %
                             service, r)), "")


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

# Like mtr: while a round runs, each cell keeps its last verdict with the
# spinner in front; p pauses, + and - change the interval, z zeroes the
# history.  A server that waits 0.8 s before greeting keeps each round
# running long enough to be seen.
slow = FakeServer("smtp", delay=0.8)
term = Term(mailports_args(["smtp=%d" % slow.port], ["--watch", "1",
                                                      "--modes", "plain"]))
try:
    tap.ok(term.wait_text("1/1 done", 10), "slow server: first round done",
           term.text())
    # The header can arrive in an earlier chunk than the rest of the
    # frame: let the frame finish before reading the row.
    term.settle(0.1)
    first = matrix_row(term, "smtp")
    tap.ok("\u2713 ok plain" in first, "first verdict: ok plain", first)

    def refreshing(t):
        return "0/1 done" in t.line(0)
    tap.ok(term.wait_for(refreshing, 6), "the next round starts by itself",
           term.text())
    # Let the frame that started the round arrive whole.
    end = time.monotonic() + 0.15
    while time.monotonic() < end:
        term.pump(0.02)
    r = matrix_row(term, "smtp")
    tap.ok("ok plain" in r and "greeting" not in r and "queued" not in r,
           "during the round the cell keeps its last verdict", r)
    tap.ok(re.search(r"[\u2800-\u28ff|/\\-]\u2713 ok plain", r) is not None,
           "... marked by the spinner in front", r)
    term.wait_text("1/1 done", 5)
    term.send("p")
    tap.ok("paused" in term.line(0), "p: the header says paused",
           term.line(0))
    n1 = history(term)[0]
    time.sleep(2.5)
    term.settle(0.3)
    tap.ok(history(term)[0] == n1 and "1/1 done" in term.line(0),
           "paused: no more rounds", term.text())
    term.send("+")
    tap.ok("watch 2s" in term.line(0), "+: a longer interval (2 s)",
           term.line(0))
    term.send("-")
    term.send("-")
    tap.ok("watch 1s" in term.line(0), "-: a shorter one, down to 1 s",
           term.line(0))
    term.send("z")
    tap.ok(history(term)[0] == 0, "z: the history starts from zero",
           term.text())
    term.send("p")
    tap.ok("paused" not in term.line(0) and
           term.wait_for(lambda t: history(t)[0] >= 1, 6),
           "p again: rounds resume and count anew", term.text())
    term.send("?")
    help_text = term.text()
    for _ in range(8):
        term.key("pgdn")
        help_text += term.text()
    tap.ok(all(k in help_text for k in ("pause the rounds",
                                        "longer interval",
                                        "shorter interval",
                                        "zero every cell")),
           "the help lists the watch keys", help_text)
    term.send("Q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "Q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    slow.close()

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

# SPDX-License-Identifier: ISC
# tui_lab_bad.py: the screen at 80x24 against the real "bad" lab
# (tests/real/lab.sh: Dovecot with an expired certificate, Postfix with
# one for another name, submissions without wrappermode): every TLS cell
# names its problem first and uncut, "! expired" and "! wrong name", never
# "! ok TLS1.3 exp..." (issue 7); the detail pane shows the expired
# certificate's dates without scrolling.  Then, at 100 columns in watch
# mode, the certificate problems count as problems in every round.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import Tap, Term, cell_uncut, require_binary, watchdog  # noqa

require_binary()
watchdog(120)
tap = Tap()
env = os.environ
name = env.get("LAB_NAME", "mail.test.example")
args = ["--resolve", "%s:127.0.0.1" % name, "--ca-file", env["LAB_CA"],
        "--ports", env["LAB_PORTS"], name]


def row(t, service):
    return next((r for r in t.screen.display
                 if re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?\d+ %s " %
                             service, r)), "")


term = Term(args)
try:
    tap.ok(term.wait_text("21/21 done", 40), "all 21 cells finish",
           term.text())
    term.settle()
    screen = term.text()
    for svc in ("imap", "pop3"):
        tap.ok(cell_uncut(row(term, svc), "!", "expired"),
               "%s STARTTLS (Dovecot, expired): '! expired' uncut" % svc,
               screen)
    for svc in ("imaps", "pop3s"):
        tap.ok(cell_uncut(row(term, svc), "!", "expired"),
               "%s SSL/TLS: '! expired' uncut" % svc, screen)
    for svc in ("smtp", "submission"):
        tap.ok(cell_uncut(row(term, svc), "!", "wrong name"),
               "%s STARTTLS (Postfix, other name): '! wrong name' uncut" %
               svc, screen)
    tap.ok("ok TLS" not in screen,
           "no TLS cell with a problem reads 'ok TLS'", screen)
    # Select the imap STARTTLS cell: its dates without scrolling.
    term.key("home")
    for _ in range(8):
        rule = next((l for l in term.screen.display[1:]
                     if l.startswith("\u2500\u2500 ")), "")
        if " imap " in rule:
            break
        term.key("down")
    term.key("right")
    screen = term.text()
    tap.ok(re.search(r" Valid +\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d +"
                     r"\(expired \d+ days? ago\)", screen) is not None,
           "detail pane: the dates and how long ago it expired, without "
           "scrolling", screen)
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
finally:
    term.close()

# Watch at 100 columns: problems/runs per cell, certificate problems
# counted, verdicts kept while a round runs.
term = Term(args + ["--watch", "1"], cols=100, rows=30)
try:
    def counts(t, svc, word):
        m = re.search(r"! %s(?: TLS1\.\d)? +(\d+)/(\d+)" % word,
                      row(t, svc))
        return (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    tap.ok(term.wait_for(lambda t: counts(t, "imaps", "expired")[1] >= 2,
                         30),
           "100 columns, watch: the expired cell shows problems/runs",
           term.text())
    p, n = counts(term, "imaps", "expired")
    tap.ok(p == n and n >= 2, "every round with an expired certificate "
           "counts as a problem (%d/%d)" % (p, n), row(term, "imaps"))
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
tap.done()

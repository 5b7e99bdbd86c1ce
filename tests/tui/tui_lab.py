# SPDX-License-Identifier: ISC
# tui_lab.py: the screen against the real "good" lab (Postfix + Dovecot,
# tests/real/lab.sh): the whole 7 x 3 matrix fills in, verified TLS cells
# carry the good glyph and colour, wrong modes are named, the detail pane
# shows what changed after STARTTLS, the transcript marks verified TLS
# lines, the chain view shows the real certificate.  With TUI_DOCS set,
# the 80x24 and 132x43 screens are written there for docs/.
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import Tap, Term, cell_uncut, require_binary, watchdog  # noqa

require_binary()
watchdog(150)
tap = Tap()
env = os.environ
name = env.get("LAB_NAME", "mail.test.example")
args = ["--resolve", "%s:127.0.0.1" % name, "--ca-file", env["LAB_CA"],
        "--ports", env["LAB_PORTS"], name]


def detail_title(t):
    for row in t.screen.display[1:]:
        if row.startswith("\u2500\u2500 ") and " \u00b7 " in row:
            return row
    return ""


def goto(t, service, mode):
    for _ in range(30):
        title = detail_title(t)
        if (" %s " % service) in title and ("\u00b7 %s \u00b7" % mode) in \
                title:
            return True
        if (" %s " % service) not in title:
            t.key("down")
            if (" %s " % service) not in detail_title(t) and \
                    "imap" in detail_title(t) and service.startswith("s"):
                t.key("home")
        else:
            t.key("right")
    return False


def capture(t):
    return "\n".join(r.rstrip() for r in t.screen.display) + "\n"


term = Term(args)
try:
    tap.ok(term.wait_text("21/21 done", 40), "all 21 cells finish",
           term.text())
    term.settle()
    screen = term.text()
    good = [(y, x) for y, r in enumerate(term.screen.display)
            for x in [m.start() for m in re.finditer("\u2713 ok TLS1.3", r)]]
    tap.ok(len(good) == 7, "seven verified TLS cells (4 STARTTLS, 3 "
           "implicit)", screen)
    tap.ok(all(term.attrs(y, x).fg == "green" for y, x in good),
           "verified cells are green as well", "")
    sub = next((r for r in term.screen.display if " submissions " in r), "")
    tap.ok(sub.count("needs SSL/TLS") == 2, "submissions: plaintext modes "
           "are the wrong mode", sub)
    tap.ok(goto(term, "submission", "STARTTLS"),
           "arrow keys reach submission STARTTLS", detail_title(term))
    screen = term.text()
    tap.ok("+AUTH PLAIN LOGIN" in screen and "-STARTTLS" in screen,
           "AUTH appears only after TLS, STARTTLS goes away", screen)
    if env.get("TUI_DOCS"):
        with open(os.path.join(env["TUI_DOCS"], "screen-80x24.txt"),
                  "w") as f:
            f.write(capture(term))
    term.key("pgdn")
    screen = term.text()
    tap.ok("yes: chain and name check out" in screen and
           "CN=mail.test.example" in screen,
           "detail pane: verified, subject", screen)
    term.key("pgup")
    term.key("enter")
    screen = term.text()
    term.key("end")
    screen += term.text()
    tap.ok(re.search(r"S<\s+tls\u2713\s+250", screen) is not None,
           "transcript: lines inside verified TLS marked tls\u2713", screen)
    term.send("c")
    screen = term.text()
    tap.ok("CN=mail.test.example" in screen and
           "mailports test CA" in screen and "Not after" in screen,
           "certificate view: the lab's certificate", screen)
    term.send("q")
    term.resize(132, 43)
    term.settle(0.5)
    tap.ok("21/21 done" in term.line(0) and "quit" in term.line(42),
           "132x43 layout", term.text())
    if env.get("TUI_DOCS"):
        with open(os.path.join(env["TUI_DOCS"], "screen-132x43.txt"),
                  "w") as f:
            f.write(capture(term))
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()

# Without the lab's CA the same certificates are not trusted: at 80x24
# every TLS cell says so first and uncut (issue 7).
term = Term(args[:2] + args[4:])
try:
    tap.ok(term.wait_text("21/21 done", 40), "without --ca-file: all 21 "
           "cells finish", term.text())
    term.settle()
    rows = [r for r in term.screen.display
            if re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?\d+ (submission|imaps) ",
                        r)]
    tap.ok(len(rows) == 2 and all(cell_uncut(r, "!", "untrusted")
                                  for r in rows),
           "an unknown CA: '! untrusted' uncut at 80 columns",
           term.text())
    tap.ok("ok TLS" not in term.text(), "no untrusted cell reads 'ok TLS'",
           term.text())
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
finally:
    term.close()
tap.done()

# SPDX-License-Identifier: ISC
# tui_answer.py: the answer pane and view (issue 8) at 80x24 against fake
# servers on 127.0.0.1: "..." while the cells that decide are probing, then
# a plaintext-only SMTP said plainly ("None x not encrypted - ask your
# provider") with its findings counted; the answer computed only when the
# run changed, not per frame (the -L log counts the computations); the
# "check my setting" prompt (fields, digits, Esc cancels, Enter gives the
# verdict of --setting); --setting in the pane; ASCII; the pane follows the
# selected host; the terminal is restored and no sanitizer speaks.
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (FakeServer, Tap, Term, base_env, mailports_args,  # noqa
                    require_binary, watchdog)

require_binary()
watchdog(150)
tap = Tap()


def pane(t, label):
    """The answer pane's line that starts with label, or ''."""
    return next((r for r in t.screen.display
                 if r.startswith(" %-9s " % label)), "")


def flat(text):
    """Screen text with runs of spaces and line ends as one space: a
    sentence wrapped under a label reads as one line again."""
    return " ".join(text.split())


def under_findings(t):
    """The screen line right under the pane's Findings line."""
    d = t.screen.display
    i = next((i for i, r in enumerate(d) if r.startswith(" Findings  ")), -1)
    return d[i + 1] if 0 <= i < len(d) - 1 else ""


def all_view_text(t, pages=8):
    """The answer view's text, page after page."""
    text = t.text()
    for _ in range(pages):
        t.key("pgdn")
        text += "\n" + t.text()
    return text


# A submission port that speaks only plaintext and offers AUTH there: the
# worst answer that still works.  Its greeting comes after 1.5 s, so the
# pane is seen while the cells are pending.
smtp = FakeServer("smtp", caps=[b"PIPELINING", b"AUTH PLAIN LOGIN"],
                  delay=1.5)
log = tempfile.NamedTemporaryFile(prefix="tui_answer.", suffix=".log",
                                  delete=False)
log.close()
term = Term(mailports_args(["submission=%d" % smtp.port],
                           ["-L", log.name]))
before = term.stty_before
try:
    seen = term.wait_for(lambda t: "SMTP \u2026" in pane(t, "Outgoing"), 5)
    tap.ok(seen, "while the cells probe, the pane says '\u2026' for SMTP",
           term.text())
    tap.ok(term.wait_text("3/3 done", 15), "the three cells finish",
           term.text())
    term.settle()
    out = pane(term, "Outgoing")
    tap.ok(("SMTP %d None \u2717 not encrypted - ask your provider" %
            smtp.port) in out, "nothing secure, said plainly", out)
    inc = pane(term, "Incoming")
    tap.ok("no IMAP or POP3 port probed" in inc,
           "incoming: nothing probed, said so", inc)
    fnd = pane(term, "Findings")
    tap.ok(re.search(r"\d+ critical", fnd) is not None and
           "a for details" in fnd and "\u2026" not in fnd,
           "findings counted by severity, the key named, nothing pending",
           fnd)
    tap.ok(under_findings(term).startswith("\u2500\u2500 SMTP") and
           term.text().index(" Outgoing  ") > term.text().index(
               " submission "),
           "matrix, answer, then the detail pane", term.text())

    # Redraws do not compute the answer again: only a change of the run.
    with open(log.name) as f:
        n0 = f.read().count("ui: answer computed")
    for k in ("right", "left", "right", "down", "up", "home"):
        term.key(k, settle=0.05)
    term.settle()
    with open(log.name) as f:
        n1 = f.read().count("ui: answer computed")
    tap.ok(n0 >= 1 and n1 == n0, "six key presses (six frames) after the "
           "run: no new computation (%d, then %d)" % (n0, n1), "")

    # The full view: the setting and every finding with its fix.
    term.send("a")
    view = all_view_text(term, 3)
    tap.ok("Outgoing mail: SMTP" in view and
           "port %d  None  \u2717 not encrypted" % smtp.port in view,
           "a: the view names the setting", view)
    tap.ok("no encryption at all" in view and "no_encryption" in view and
           "password in clear" in view and
           re.search(r" Fix +\S", view) is not None,
           "a: each finding in words with its id and fix", view)
    term.send("q")
    tap.ok(pane(term, "Incoming") != "", "q: back to the matrix",
           term.text())

    # Esc cancels the setting prompt.
    term.key("left")
    term.send("m")
    tap.ok(term.line(23).startswith("My setting: SMTP  port %d  None" %
                                    smtp.port),
           "m: the prompt starts from the selected cell", term.line(23))
    term.key("esc")
    tap.ok(not term.line(23).startswith("My setting") and
           pane(term, "Yours") == "" and "Answer for" not in term.text(),
           "Esc cancels: no prompt, no verdict, still the matrix",
           term.text())

    # Digits go to the port; Down changes the security; Enter: the
    # verdict of --setting.
    term.send("m")
    term.send("p")
    term.send("s")
    tap.ok(term.line(23).startswith("My setting: SMTP"),
           "p then s: the protocol field", term.line(23))
    term.send(str(smtp.port))
    term.key("tab")
    term.key("down")
    term.key("down")
    tap.ok(term.line(23).startswith("My setting: SMTP  port %d  SSL/TLS" %
                                    smtp.port),
           "digits type the port, Down steps to SSL/TLS", term.line(23))
    term.key("enter")
    view = flat(term.text())
    tap.ok(("smtp:%d:ssl" % smtp.port) in view and
           "does not work: wrong mode" in view and
           "waits for a TLS handshake that never comes" in view,
           "Enter: the verdict, why in one sentence", view)
    term.send("q")
    yours = pane(term, "Yours")
    tap.ok(("smtp:%d:ssl \u2717 wrong mode" % smtp.port) in yours,
           "the pane keeps the verdict on a fourth line", term.text())
    tap.ok(under_findings(term).startswith("\u2500\u2500 SMTP") and
           term.text().index(" Yours  ") < term.text().index(" Findings "),
           "the detail pane gives the line up", term.text())
    term.send("?")
    help_text = all_view_text(term, 6)
    tap.ok(re.search(r"\ba +the answer in full", help_text) is not None and
           re.search(r"\bm +check my setting", help_text) is not None and
           "Check my setting (m)" in help_text,
           "help lists a and m from the key table", help_text)
    term.send("q")
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.stty() == before, "terminal restored", term.stty())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    os.unlink(log.name)

# --setting from the command line shows in the pane; ASCII glyphs.
term = Term(mailports_args(["submission=%d" % smtp.port],
                           ["--ascii", "--setting",
                            "smtp:%d:none" % smtp.port]))
try:
    tap.ok(term.wait_text("3/3 done", 15), "--ascii: the cells finish",
           term.text())
    term.settle()
    out = pane(term, "Outgoing")
    tap.ok(("SMTP %d None x not encrypted - ask your provider" %
            smtp.port) in out, "--ascii: x for not encrypted", out)
    yours = pane(term, "Yours")
    tap.ok(("smtp:%d:none ! works, not encrypted" % smtp.port) in yours,
           "--setting: its verdict in the pane", term.text())
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
smtp.close()

# Two hosts: the pane follows the selected cell's host.  one.test is the
# fake server on 127.0.0.1; two.test is 127.0.0.2, where nothing listens.
imap = FakeServer("imap", caps=[b"IMAP4rev1", b"AUTH=PLAIN"])
args = ["--resolve", "one.test:127.0.0.1", "--resolve", "two.test:127.0.0.2",
        "--timeout", "3", "--ports", "imap=%d" % imap.port,
        "--modes", "plain", "one.test", "two.test"]
term = Term(args, cols=80, rows=24)
try:
    tap.ok(term.wait_text("2/2 done", 15), "two hosts: the cells finish",
           term.text())
    term.settle()
    fnd = pane(term, "Findings")
    inc = pane(term, "Incoming")
    tap.ok("(one.test)" in fnd and ("IMAP %d None" % imap.port) in inc,
           "the first host's answer, named", term.text())
    term.key("tab")
    fnd = pane(term, "Findings")
    inc = pane(term, "Incoming")
    tap.ok("(two.test)" in fnd and "nothing works" in inc,
           "Tab to the second host's block: its answer", term.text())
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
    imap.close()
tap.done()

# SPDX-License-Identifier: ISC
# tui_answer_lab.py: the answer at 80x24 against the real labs (issue 8).
# Good lab: the pane names IMAP, POP3 and SMTP on their implicit-TLS ports
# as "SSL/TLS ✓" uncut, beside the whole matrix and the detail pane; the
# "check my setting" prompt with POP3, the plaintext POP3 port and SSL/TLS
# gives the classic mistake in one sentence and its fix; Esc cancels.  Bad
# lab: the pane counts the critical findings as the JSON report does and
# the view lists the expired certificate and the one for another name,
# with the names it carries and the fixes.
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import (MAILPORTS, Tap, Term, base_env, require_binary,  # noqa
                    watchdog)

require_binary()
watchdog(200)
tap = Tap()


def lab_env(path):
    """The export lines of a lab.env as a dict."""
    env = {}
    with open(path) as f:
        for line in f:
            m = re.match(r"export (\w+)='?(.*?)'?$", line.strip())
            if m:
                env[m.group(1)] = m.group(2)
    return env


def lab_args(lab):
    name = lab.get("LAB_NAME", "mail.test.example")
    return ["--resolve", "%s:127.0.0.1" % name, "--ca-file", lab["LAB_CA"],
            "--ports", lab["LAB_PORTS"], name]


def pane(t, label):
    return next((r for r in t.screen.display
                 if r.startswith(" %-9s " % label)), "")


def flat(text):
    return " ".join(text.split())


def uncut(line, text):
    """text is on the line and what follows it is a space or the end, not
    the cut mark."""
    i = line.find(text)
    return i >= 0 and line[i + len(text):i + len(text) + 1] in ("", " ")


def matrix_rows(t):
    return [r for r in t.screen.display
            if re.match(r"^ ?(?:(SMTP|POP3|IMAP) +)?\d+ [a-z0-9]+ ", r)]


good = lab_env(os.environ["GOOD_ENV"])
bad = lab_env(os.environ["BAD_ENV"])

term = Term(lab_args(good))
before = term.stty_before
try:
    tap.ok(term.wait_text("21/21 done", 40), "good lab: 21 cells finish",
           term.text())
    term.settle()
    inc, out = pane(term, "Incoming"), pane(term, "Outgoing")
    tap.ok(uncut(inc, "IMAP %s SSL/TLS \u2713" % good["LAB_PORT_IMAPS"]),
           "good: IMAP on the imaps port, SSL/TLS, uncut", inc)
    tap.ok(uncut(inc, "POP3 %s SSL/TLS \u2713" % good["LAB_PORT_POP3S"]),
           "good: POP3 on the pop3s port, SSL/TLS, uncut", inc)
    tap.ok(uncut(out, "SMTP %s SSL/TLS \u2713 secure" %
                 good["LAB_PORT_SUBMISSIONS"]),
           "good: SMTP on the submissions port, SSL/TLS, uncut", out)
    tap.ok("(or %s STARTTLS)" % good["LAB_PORT_SUBMISSION"] in out,
           "good: STARTTLS on submission as the alternative", out)
    tap.ok(pane(term, "Findings").startswith(" Findings  none - a for "
                                             "details"),
           "good: no findings", pane(term, "Findings"))
    d = term.screen.display
    fi = next(i for i, r in enumerate(d) if r.startswith(" Findings  "))
    tap.ok(len(matrix_rows(term)) == 7 and d[fi + 1].startswith(
        "\u2500\u2500 ") and d[fi + 2].startswith(" Status ") and
        any(r.startswith(" Reason ") for r in d[fi + 3:fi + 6]),
           "80x24: the 7 rows, the answer and the detail pane all fit",
           term.text())

    # The classic mistake from the keyboard: POP3, port 110's plaintext
    # lab port, SSL/TLS.
    term.send("m")
    term.send("p")
    term.send(good["LAB_PORT_POP3"])
    term.key("tab")
    for _ in range(3):
        if term.line(23).startswith("My setting: POP3  port %s  SSL/TLS" %
                                    good["LAB_PORT_POP3"]):
            break
        term.key("down")
    tap.ok(term.line(23).startswith("My setting: POP3  port %s  SSL/TLS" %
                                    good["LAB_PORT_POP3"]),
           "the prompt holds POP3, the pop3 port, SSL/TLS", term.line(23))
    term.key("enter")
    view = flat(term.text())
    tap.ok(("port %s speaks plaintext and STARTTLS; a mail program set to "
            "SSL/TLS waits for a TLS handshake that never comes" %
            good["LAB_PORT_POP3"]) in view,
           "the classic mistake in one sentence", view)
    tap.ok(("Change use %s with SSL/TLS, or keep %s and choose STARTTLS" %
            (good["LAB_PORT_POP3S"], good["LAB_PORT_POP3"])) in view,
           "and its fix", view)
    term.send("q")
    yours = pane(term, "Yours")
    tap.ok(("pop3:%s:ssl \u2717 wrong mode: use %s with SSL/TLS" %
            (good["LAB_PORT_POP3"], good["LAB_PORT_POP3S"])) in yours,
           "the pane keeps the verdict", yours)

    # Esc cancels a second try.
    term.send("m")
    term.key("down")
    term.key("esc")
    tap.ok(not term.line(23).startswith("My setting") and
           ("pop3:%s:ssl" % good["LAB_PORT_POP3"]) in pane(term, "Yours"),
           "Esc cancels: the last verdict stays, nothing new checked",
           term.text())
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.stty() == before, "terminal restored", term.stty())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()

# The bad lab: the JSON report says what the pane must count.
res = subprocess.run([MAILPORTS, "--json"] + lab_args(bad),
                     capture_output=True, env=base_env(), timeout=60)
try:
    doc = json.loads(res.stdout.decode("utf-8", "replace"))
    findings = doc["advice"][0]["findings"]
except (ValueError, KeyError, IndexError):
    findings = []
crit = sum(1 for f in findings if f["severity"] == "critical")
ids = set(f["id"] for f in findings)
tap.ok(crit >= 2 and {"certificate_expired",
                      "certificate_hostname_mismatch"} <= ids,
       "bad lab, JSON: expired and wrong-name certificates, %d critical" %
       crit, res.stdout[-2000:])

term = Term(lab_args(bad))
try:
    tap.ok(term.wait_text("21/21 done", 40), "bad lab: 21 cells finish",
           term.text())
    term.settle()
    fnd = pane(term, "Findings")
    tap.ok(fnd.startswith(" Findings  %d critical" % crit) and
           "a for details" in fnd,
           "bad: the pane counts %d critical findings" % crit, fnd)
    tap.ok(uncut(pane(term, "Incoming"), "! expired"),
           "bad: incoming named by its problem",
           pane(term, "Incoming"))
    tap.ok(uncut(pane(term, "Outgoing"), "! wrong name"),
           "bad: outgoing named by its problem",
           pane(term, "Outgoing"))
    term.send("a")
    view = term.text()
    for _ in range(6):
        term.key("pgdn")
        view += "\n" + term.text()
    view = flat(view)
    tap.ok("critical certificate expired certificate_expired" in view and
           re.search(r"expired \d+ days? ago", view) is not None,
           "a: the expired certificate, in words, with how long ago", view)
    tap.ok("critical certificate for another name "
           "certificate_hostname_mismatch" in view and
           "Names other.test.example" in view,
           "a: the certificate for another name, with the name it carries",
           view)
    tap.ok(view.count(" Fix ") >= crit,
           "a: a fix for every finding", view)
    term.send("q")
    term.send("q", settle=0.05)
    tap.ok(term.wait_exit(5) == 0, "q quits", term.stderr())
    tap.ok(term.sanitizer_report() == "", "no sanitizer report",
           term.sanitizer_report())
finally:
    term.close()
tap.done()

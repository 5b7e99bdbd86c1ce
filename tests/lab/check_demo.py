#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""check_demo.py: the matrix, the answer and the findings of the three
`mailports --demo` providers, from one --json document.  Prints TAP lines
from number --first on (no plan: the calling script prints it) and
exits 0; the number of the last test goes to stdout's last line as
"# last N".

Usage: check_demo.py --first N FILE.json
"""

import argparse
import json
import sys

# Per provider, per service: (plain, starttls, tls) statuses, and what
# else a cell must show.
OK, WM, NO, REF = "ok", "wrong_mode", "starttls_not_offered", "refused"
STARTTLS_PORT = (OK, OK, WM)
TLS_PORT = (WM, WM, OK)
LEGACY_PLAIN = (OK, NO, WM)
MATRIX = {
    "mail.good.demo": {
        "smtp": STARTTLS_PORT, "submission": STARTTLS_PORT,
        "submissions": TLS_PORT, "pop3": STARTTLS_PORT,
        "pop3s": TLS_PORT, "imap": STARTTLS_PORT, "imaps": TLS_PORT,
    },
    "mail.legacy.demo": {
        "smtp": LEGACY_PLAIN, "submission": LEGACY_PLAIN,
        "submissions": (REF, REF, REF), "pop3": LEGACY_PLAIN,
        "pop3s": (REF, REF, REF), "imap": LEGACY_PLAIN,
        "imaps": (REF, REF, REF),
    },
    "mail.broken.demo": {
        "smtp": STARTTLS_PORT, "submissions": (OK, NO, WM),
        "submission": STARTTLS_PORT, "pop3": (OK, "starttls_rejected", WM),
        "pop3s": TLS_PORT, "imap": STARTTLS_PORT, "imaps": TLS_PORT,
    },
}
# (host, service, mode): the certificate problems of a TLS cell that
# worked ([] = verified).
TLS_PROBLEMS = {
    ("mail.broken.demo", "submission", "starttls"): ["expired"],
    ("mail.broken.demo", "imaps", "tls"): ["hostname_mismatch",
                                           "self_signed"],
    ("mail.broken.demo", "imap", "starttls"): [],
    ("mail.broken.demo", "pop3s", "tls"): [],
}
# (host, service, mode) cells where a password is offered in the clear.
LOGIN_IN_CLEAR = {
    ("mail.legacy.demo", s, "plain")
    for s in ("smtp", "submission", "pop3", "imap")
} | {("mail.broken.demo", "submissions", "plain"),
     ("mail.broken.demo", "imap", "plain")}
# The answer: protocol -> (service of the best port, security, secure,
# problems).
ANSWER = {
    "mail.good.demo": {
        "imap": ("imaps", "ssl_tls", True, []),
        "pop3": ("pop3s", "ssl_tls", True, []),
        "smtp": ("submissions", "ssl_tls", True, []),
    },
    "mail.legacy.demo": {
        "imap": ("imap", "none", False, []),
        "pop3": ("pop3", "none", False, []),
        "smtp": ("submission", "none", False, []),
    },
    "mail.broken.demo": {
        "imap": ("imap", "starttls", True, []),
        "pop3": ("pop3s", "ssl_tls", True, []),
        "smtp": ("submission", "starttls", False, ["expired"]),
    },
}
FINDINGS = {
    "mail.good.demo": set(),
    "mail.legacy.demo": {"no_encryption", "login_before_tls",
                         "starttls_missing"},
    "mail.broken.demo": {"certificate_expired",
                         "certificate_hostname_mismatch",
                         "certificate_self_signed", "starttls_broken",
                         "implicit_tls_port_plaintext",
                         "login_before_tls"},
}
# The demo's own --setting examples, judged on the broken provider.
SETTINGS = {("pop3", "pop3"): "wrong_mode", ("smtp", "submissions"):
            "wrong_mode"}


class Tap:
    def __init__(self, first):
        self.n = first - 1

    def ok(self, cond, desc, why=""):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if not cond and why:
            for line in str(why).splitlines()[:8]:
                print("# " + line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("file")
    a = ap.parse_args()
    t = Tap(a.first)
    try:
        with open(a.file) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        t.ok(False, "the demo's JSON parses", e)
        print("# last %d" % t.n)
        return 0
    t.ok(doc.get("complete") is True and
         doc.get("cells_done") == doc.get("cells_total") == 63,
         "the demo probed 3 providers x 7 ports x 3 modes to the end",
         "complete %s, %s of %s" % (doc.get("complete"),
                                    doc.get("cells_done"),
                                    doc.get("cells_total")))
    hosts = {h["host"]: h for h in doc.get("hosts", [])}
    addrs = [hosts.get(h, {}).get("addresses") for h in MATRIX]
    t.ok(all(x and len(x) == 1 and x[0].startswith("127.") for x in addrs)
         and len({x[0] for x in addrs}) == 3,
         "each provider has its own loopback address", addrs)
    # Every port number is the standard one plus the same offset.
    std = {"smtp": 25, "submissions": 465, "submission": 587, "pop3": 110,
           "pop3s": 995, "imap": 143, "imaps": 993}
    offs = {c["port"] - std[c["service"]] for c in doc.get("cells", [])}
    t.ok(len(offs) == 1 and next(iter(offs)) % 10000 == 0,
         "ports are the standard ones, or all shifted by N x 10000", offs)
    cells = {(c["host"], c["service"], c["mode"]): c
             for c in doc.get("cells", [])}
    for host, rows in MATRIX.items():
        bad = []
        for svc, want in rows.items():
            for mode, st in zip(("plain", "starttls", "tls"), want):
                c = cells.get((host, svc, mode))
                if c is None or c["status"] != st:
                    bad.append("%s %s: %s, want %s" % (
                        svc, mode, c and c["status"], st))
        t.ok(not bad, "%s: every cell's status" % host, "\n".join(bad))
    bad = []
    for (host, svc, mode), c in cells.items():
        if c["status"] != "ok" or mode == "plain":
            continue
        want = TLS_PROBLEMS.get((host, svc, mode), [])
        tls = c.get("tls") or {}
        got = sorted(p for p in tls.get("problems", [])
                     if p != "untrusted")
        if got != sorted(want) or tls.get("verified") != (not want):
            bad.append("%s %s %s: problems %s verified %s, want %s" % (
                host, svc, mode, tls.get("problems"), tls.get("verified"),
                want))
    t.ok(not bad, "TLS cells: verified with the demo CA, or exactly the "
         "certificate problem planted", "\n".join(bad))
    bad = ["%s %s %s: login_in_clear %s" % (k + (c["login_in_clear"],))
           for k, c in cells.items()
           if c["status"] == "ok" and c["login_in_clear"] !=
           (k in LOGIN_IN_CLEAR)]
    t.ok(not bad, "a password in clear exactly where it is offered",
         "\n".join(bad))
    c = cells.get(("mail.broken.demo", "submissions", "plain"), {})
    t.ok(c.get("implicit_port_plaintext") is True,
         "broken: 465 speaking plaintext is flagged", c.get("reason"))
    advice = {a["host"]: a for a in doc.get("advice", [])}
    for host, want in ANSWER.items():
        adv = advice.get(host, {})
        bad = []
        for proto, (svc, sec, secure, probs) in want.items():
            side = "outgoing" if proto == "smtp" else "incoming"
            best = (adv.get(side, {}).get(proto) or {}).get("best") or {}
            port = std[svc] + next(iter(offs))
            got = (best.get("port"), best.get("security"),
                   best.get("secure"), best.get("problems"))
            if got != (port, sec, secure, probs):
                bad.append("%s: %s, want %s" % (proto, got,
                                                (port, sec, secure, probs)))
        t.ok(not bad, "%s: the answer's best settings" % host,
             "\n".join(bad))
        got = {f["id"] for f in adv.get("findings", [])}
        t.ok(got == FINDINGS[host], "%s: the findings" % host,
             "got %s, want %s" % (sorted(got), sorted(FINDINGS[host])))
    sets = advice.get("mail.broken.demo", {}).get("settings", [])
    got = {}
    for s in sets:
        for (proto, svc), st in SETTINGS.items():
            if s["protocol"] == proto and s["port"] == std[svc] + \
                    next(iter(offs)):
                got[(proto, svc)] = (s["works"], s["status"])
    want = {k: (False, v) for k, v in SETTINGS.items()}
    t.ok(got == want, "broken: the demo's --setting examples show the "
         "mistake", "got %s, want %s" % (got, want))
    print("# last %d" % t.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())

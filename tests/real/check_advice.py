#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""check_advice.py: the answer (issue 8) end to end against a running lab:
the JSON `advice` (best settings, alternatives, findings), `--setting` for
every mode on every standard port, the text answer, and `--check` exit
codes and performance data.  Prints TAP.  Used by tests/real/t_advice_*.sh
(see advice_lab.sh), which start the lab and export its lab.env.

Usage: check_advice.py --kind good|plain|bad --mailports PATH --timeout S

The lab's ports come from the environment (LAB_PORT_SMTP ... LAB_PORTS,
LAB_CA, LAB_NAME).  The lab ports are high, so settings name the lab's
services (imap:imaps:ssl) or its port numbers; mailports binds service
names to the --ports mapping.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

ROLES = ("smtp", "submission", "submissions", "imap", "imaps", "pop3",
         "pop3s")
PROTO = {"smtp": "smtp", "submission": "smtp", "submissions": "smtp",
         "imap": "imap", "imaps": "imap", "pop3": "pop3", "pop3s": "pop3"}
# The standard port a role stands for, and the mode it is meant for.
NATIVE = {"smtp": "starttls", "submission": "starttls", "submissions": "tls",
          "imap": "starttls", "imaps": "tls", "pop3": "starttls",
          "pop3s": "tls"}
SEC_ID = {"none": "none", "starttls": "starttls", "ssl": "ssl_tls"}
SAN_RE = re.compile(r"ERROR: (Address|Leak)Sanitizer|runtime error:|"
                    r"SUMMARY: \w+Sanitizer")
# The lines of the text answer that start something (the rest continue).
LABEL_RE = re.compile(r"^\s*(or|why|change|fix|names in the certificate|"
                      r"Your setting \S+|Incoming \(\w+\)|"
                      r"Outgoing \(\w+\)|Findings|(critical|warning|info) "
                      r"\w+):")
PERF_RE = re.compile(r"^'([^'=]+)'=(-?[0-9]+(?:\.[0-9]+)?)(ms)?"
                     r"(?:;([^;]*))?(?:;([^;]*))?(?:;([^;]*))?(?:;([^;]*))?$")


class Tap:
    def __init__(self):
        self.n = 0

    def ok(self, cond, desc, got=None):
        self.n += 1
        desc = desc.replace("#", "\\#")
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if not cond and got is not None:
            for ln in str(got).splitlines() or [""]:
                print("# got %s" % ln[:400])
        sys.stdout.flush()
        return cond

    def diag(self, text):
        for ln in str(text).splitlines():
            print("# %s" % ln[:400])

    def done(self):
        print("1..%d" % self.n)


class Lab:
    def __init__(self, args):
        e = os.environ
        self.mp = args.mailports
        self.tmo = args.timeout
        self.name = e["LAB_NAME"]
        self.ca = e["LAB_CA"]
        self.ports = e["LAB_PORTS"]
        self.port = {r: int(e["LAB_PORT_" + r.upper()]) for r in ROLES}

    def base(self, ports=None):
        return ["--resolve", self.name + ":127.0.0.1", "--ca-file", self.ca,
                "--timeout", str(self.tmo), "--ports", ports or self.ports]

    def run(self, tap, args, what):
        """Run mailports; returns (status, stdout, stderr, seconds).  A
        sanitiser report on stderr is a failed test of its own."""
        t0 = time.monotonic()
        try:
            p = subprocess.run([self.mp] + args, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=self.tmo * 3 + 15)
            rc, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, out, err = None, e.stdout or b"", e.stderr or b""
        secs = time.monotonic() - t0
        err_s = err.decode("utf-8", "replace")
        san = [ln for ln in err_s.splitlines() if SAN_RE.search(ln)]
        tap.ok(rc is not None and not san,
               "%s: ended in time, no sanitiser report" % what,
               "exit %r after %.1f s\n%s" % (rc, secs, "\n".join(san[:10])))
        return rc, out.decode("utf-8", "replace"), err_s, secs

    def json(self, tap, extra, what, ports=None):
        rc, out, err, _ = self.run(tap, ["--json"] + self.base(ports) +
                                   extra + [self.name], what)
        try:
            doc = json.loads(out)
        except ValueError as e:
            doc = None
            out = "%s; %r" % (e, out[:300])
        tap.ok(rc == 0 and isinstance(doc, dict),
               "%s: exit 0 and one JSON document" % what,
               "exit %r; %s; stderr %s" % (rc, out if doc is None else "",
                                           err[-400:]))
        return doc if isinstance(doc, dict) else {}


def host_advice(tap, doc, name, what):
    adv = doc.get("advice")
    ok = (isinstance(adv, list) and len(adv) == 1 and
          isinstance(adv[0], dict) and adv[0].get("host") == name)
    tap.ok(ok, "%s: advice is one object for %s" % (what, name),
           json.dumps(adv)[:400])
    return adv[0] if ok else {}


def check_schema(tap, a, what):
    """The field names the issue fixes, at every level."""
    bad = []
    for k in ("host", "incoming", "outgoing", "settings", "findings"):
        if k not in a:
            bad.append("advice lacks %s" % k)
    recs = [("incoming", "imap"), ("incoming", "pop3"), ("outgoing", "smtp")]
    settings = []
    for side, proto in recs:
        rec = (a.get(side) or {}).get(proto)
        if not isinstance(rec, dict) or "best" not in rec or \
           not isinstance(rec.get("alternatives"), list):
            bad.append("%s.%s is no REC" % (side, proto))
            continue
        if rec["best"] is not None:
            settings.append(rec["best"])
        settings += rec["alternatives"]
    for c in a.get("settings") or []:
        for k in ("given", "protocol", "port", "security", "works", "status",
                  "why", "instead"):
            if k not in c:
                bad.append("CHECK lacks %s" % k)
        settings += c.get("instead") or []
    for s in settings:
        for k, t in (("server", str), ("port", int), ("security", str),
                     ("secure", bool), ("login", str), ("problems", list),
                     ("why", str)):
            if not isinstance(s.get(k), t):
                bad.append("SETTING %s is not %s: %r" % (k, t.__name__,
                                                         s.get(k)))
        if s.get("security") not in ("ssl_tls", "starttls", "none"):
            bad.append("SETTING security %r" % s.get("security"))
        if s.get("login") not in ("offered", "not_offered", "unknown"):
            bad.append("SETTING login %r" % s.get("login"))
        if s.get("security") == "none" and s.get("secure") is not False:
            bad.append("plaintext called secure: %r" % s)
    for f in a.get("findings") or []:
        for k in ("id", "severity", "cells", "text", "fix"):
            if k not in f:
                bad.append("FINDING lacks %s" % k)
        if f.get("severity") not in ("critical", "warning", "info"):
            bad.append("FINDING severity %r" % f.get("severity"))
        for c in f.get("cells") or []:
            if set(("address", "port", "mode")) - set(c):
                bad.append("FINDING cell %r" % c)
    tap.ok(not bad, "%s: advice has the schema's fields (docs/json.md)" % what,
           "\n".join(bad[:10]))


def brief(s):
    if s is None:
        return None
    return (s.get("port"), s.get("security"), s.get("secure"), s.get("login"),
            tuple(s.get("problems") or []))


def check_rec(tap, a, lab, proto, best, alts, what):
    side = "outgoing" if proto == "smtp" else "incoming"
    rec = (a.get(side) or {}).get(proto) or {}
    got_best = brief(rec.get("best"))
    want_best = None if best is None else (lab.port[best[0]],) + best[1:]
    tap.ok(got_best == want_best, "%s: %s best setting is %s" % (
        what, proto, want_best), "best=%r" % (got_best,))
    got_alts = [brief(s) for s in rec.get("alternatives") or []]
    want_alts = [(lab.port[x[0]],) + x[1:] for x in alts]
    tap.ok(got_alts == want_alts, "%s: %s alternatives are %s" % (
        what, proto, want_alts), "alternatives=%r" % (got_alts,))
    return rec


def findings_by_id(a):
    return {f.get("id"): f for f in a.get("findings") or []}


def cellset(f):
    return set((c.get("port"), c.get("mode")) for c in f.get("cells") or [])


def want_finding(tap, a, lab, fid, sev, cells, what):
    f = findings_by_id(a).get(fid)
    want = set((lab.port[r], m) for r, m in cells)
    tap.ok(f is not None and f.get("severity") == sev and
           want <= cellset(f) and f.get("text") and f.get("fix"),
           "%s: finding %s (%s) on %s" % (what, fid, sev, sorted(want)),
           json.dumps(f)[:600])
    return f or {}


# --setting on every port of the lab in every security.


def setting_expect(lab, role, sec):
    """(works, status, why fragment, change) a mail administrator would
    give for the good lab."""
    proto = PROTO[role]
    implicit = {"smtp": "submissions", "imap": "imaps", "pop3": "pop3s"}[proto]
    starttls = {"smtp": "submission", "imap": "imap", "pop3": "pop3"}[proto]
    p, pi, ps = lab.port[role], lab.port[implicit], lab.port[starttls]
    native = NATIVE[role]
    if native == "tls":
        if sec == "ssl":
            return True, "ok", "works: encrypted with a verified", None
        return (False, "wrong_mode", "speaks SSL/TLS from the first byte",
                "keep %d and choose SSL/TLS, or use %d with STARTTLS"
                % (p, ps))
    if role == "smtp":
        # Port 25 is relay: no AUTH even inside TLS in the lab.
        if sec == "ssl":
            return (False, "wrong_mode", "waits for a TLS handshake that "
                    "never comes", "use %d with SSL/TLS" % pi)
        return (False, "no_login", "offers no login there",
                "use %d with SSL/TLS" % pi)
    if sec == "starttls":
        return True, "ok", "works: encrypted with a verified", None
    if sec == "ssl":
        return (False, "wrong_mode", "port %d speaks plaintext and STARTTLS; "
                "a mail program set to SSL/TLS waits for a TLS handshake "
                "that never comes" % p,
                "use %d with SSL/TLS, or keep %d and choose STARTTLS"
                % (pi, p))
    return (False, "no_login", "offers no login there",
            "use %d with SSL/TLS, or keep %d and choose STARTTLS" % (pi, p))


def check_settings_matrix(tap, lab):
    what = "good --setting x21"
    given = []
    for role in ROLES:
        for sec in ("none", "starttls", "ssl"):
            given += ["--setting", "%s:%s:%s" % (PROTO[role], role, sec)]
    doc = lab.json(tap, given, what)
    a = host_advice(tap, doc, lab.name, what)
    check_schema(tap, a, what)
    checks = a.get("settings") or []
    tap.ok(len(checks) == 21, "%s: 21 checks, in order" % what,
           "%d checks" % len(checks))
    i = 0
    for role in ROLES:
        for sec in ("none", "starttls", "ssl"):
            c = checks[i] if i < len(checks) else {}
            i += 1
            works, status, why, change = setting_expect(lab, role, sec)
            label = "%s:%s:%s (port %d)" % (PROTO[role], role, sec,
                                            lab.port[role])
            ident = (c.get("given"), c.get("protocol"), c.get("port"),
                     c.get("security"))
            tap.ok(ident == ("%s:%s:%s" % (PROTO[role], role, sec),
                             PROTO[role], lab.port[role], SEC_ID[sec]),
                   "%s: given/protocol/port/security (service bound to "
                   "the --ports port)" % label, "%r" % (ident,))
            tap.ok(c.get("works") is works and c.get("status") == status and
                   why in (c.get("why") or ""),
                   "%s: works=%s status=%s, why says '%s'" % (
                       label, works, status, why),
                   "works=%r status=%r why=%r" % (
                       c.get("works"), c.get("status"), c.get("why")))
            if change is None:
                tap.ok(c.get("change") is None and c.get("instead") == [],
                       "%s: nothing to change" % label,
                       "change=%r instead=%r" % (c.get("change"),
                                                 c.get("instead")))
                continue
            inst = c.get("instead") or [{}]
            tap.ok(c.get("change") == change and
                   inst[0].get("secure") is True and
                   inst[0].get("security") == "ssl_tls",
                   "%s: change '%s', instead starts with a secure "
                   "SSL/TLS setting" % (label, change),
                   "change=%r instead[0]=%r" % (c.get("change"), inst[0]))


def check_text(tap, lab, lines_want, extra, what):
    rc, out, err, _ = lab.run(tap, ["--text"] + lab.base() + extra +
                              [lab.name], what)
    tap.ok(rc == 0, "%s: exit 0" % what, "exit %r; %s" % (rc, err[-300:]))
    lines = out.splitlines()
    start = [i for i, ln in enumerate(lines)
             if ln == "Answer for %s" % lab.name]
    ans = lines[start[-1]:] if start else []
    tap.ok(bool(ans) and start[-1] > 0,
           "%s: the answer comes at the end of the report" % what,
           out[-600:])
    wide = [ln for ln in ans if len(ln) > 80]
    tap.ok(not wide, "%s: the answer fits in 80 columns" % what,
           "\n".join(wide))
    # Continuation lines (deeper indentation) joined to their line.
    joined = []
    for ln in ans:
        ind = len(ln) - len(ln.lstrip(" "))
        if joined and ind >= 6 and not LABEL_RE.match(ln):
            joined[-1] += " " + ln.strip()
        else:
            joined.append(ln)
    text = "\n".join(joined)
    for want in lines_want:
        tap.ok(any(want in ln for ln in joined),
               "%s: says '%s'" % (what, want), text)
    return text


def perfdata(line):
    """The items after '|' of a plugin status line."""
    if " | " not in line:
        return None
    items = {}
    for it in re.findall(r"'[^']*'=\S+", line.split(" | ", 1)[1]):
        m = PERF_RE.match(it)
        if m is None:
            return None
        items[m.group(1)] = m.groups()[1:]
    return items


def check_plugin(tap, lab, extra, want_rc, want_line, what):
    args = ["--check"] + lab.base() + extra + [lab.name]
    rc, out, err, secs = lab.run(tap, args, what)
    first = out.splitlines()[0] if out else ""
    state = {0: "OK", 1: "WARNING", 2: "CRITICAL", 3: "UNKNOWN"}.get(want_rc)
    tap.ok(rc == want_rc and first.startswith("MAILPORTS %s - " % state) and
           want_line in first,
           "%s: exit %d, 'MAILPORTS %s - ...%s...'" % (what, want_rc, state,
                                                       want_line),
           "exit %r after %.1f s\n%s\nstderr: %s" % (rc, secs, out[:1500],
                                                     err[-300:]))
    return rc, first, out


def days_left(doc, port, mode):
    for c in doc.get("cells") or []:
        if c.get("port") == port and c.get("mode") == mode:
            chain = (c.get("tls") or {}).get("chain") or []
            if chain:
                return chain[0].get("days_left")
    return None


def kind_good(tap, lab):
    P = lab.port
    what = "good"
    doc = lab.json(tap, ["--setting", "pop3:%d:ssl" % P["pop3"]], what)
    a = host_advice(tap, doc, lab.name, what)
    check_schema(tap, a, what)
    # RFC 8314: implicit TLS first, then STARTTLS, both verified, login
    # offered; plaintext (no login before TLS there) and port 25 are out.
    check_rec(tap, a, lab, "imap", ("imaps", "ssl_tls", True, "offered", ()),
              [("imap", "starttls", True, "offered", ())], what)
    check_rec(tap, a, lab, "pop3", ("pop3s", "ssl_tls", True, "offered", ()),
              [("pop3", "starttls", True, "offered", ())], what)
    rec = check_rec(tap, a, lab, "smtp",
                    ("submissions", "ssl_tls", True, "offered", ()),
                    [("submission", "starttls", True, "offered", ())], what)
    ex = [(s.get("port"), s.get("security"), s.get("relay"))
          for s in rec.get("excluded") or []]
    tap.ok((P["smtp"], "starttls", True) in ex and
           (P["submission"], "none", False) in ex,
           "good: port 25 (relay) and plaintext submission are left out, "
           "with a reason", "excluded=%r" % (ex,))
    bad = [f.get("id") for f in a.get("findings") or []
           if f.get("severity") in ("critical", "warning")]
    tap.ok(not bad, "good: no critical or warning finding", "%r" % bad)
    c = (a.get("settings") or [{}])[0]
    tap.ok(c.get("works") is False and c.get("status") == "wrong_mode" and
           c.get("change") == "use %d with SSL/TLS, or keep %d and choose "
           "STARTTLS" % (P["pop3s"], P["pop3"]),
           "good: --setting pop3:%d:ssl is the classic mistake, with its "
           "fix" % P["pop3"], json.dumps(c)[:600])

    check_settings_matrix(tap, lab)

    # A --setting port missing from --ports is probed all the same.
    what = "good --setting outside --ports"
    doc = lab.json(tap, ["--setting", "smtp:%d:starttls" % P["submission"]],
                   what, ports="imaps=%d" % P["imaps"])
    rows = sorted(set((c.get("service"), c.get("port"), c.get("mode"))
                      for c in doc.get("cells") or []))
    tap.ok(("submission", P["submission"], "starttls") in rows and
           len(rows) == 6, "%s: the setting's port became a row "
           "(submission %d, 3 modes)" % (what, P["submission"]),
           "%r" % rows)
    a = host_advice(tap, doc, lab.name, what)
    c = (a.get("settings") or [{}])[0]
    tap.ok(c.get("works") is True and c.get("status") == "ok",
           "%s: and the setting works" % what, json.dumps(c)[:400])

    check_text(tap, lab, [
        "Incoming (IMAP): server %s, port %d, SSL/TLS, secure"
        % (lab.name, P["imaps"]),
        "or: port %d, STARTTLS, secure" % P["imap"],
        "Incoming (POP3): server %s, port %d, SSL/TLS, secure"
        % (lab.name, P["pop3s"]),
        "Outgoing (SMTP): server %s, port %d, SSL/TLS, secure"
        % (lab.name, P["submissions"]),
        "Your setting pop3:%d:ssl: does not work (wrong_mode)" % P["pop3"],
        "why: port %d speaks plaintext and STARTTLS; a mail program set to "
        "SSL/TLS waits for a TLS handshake that never comes" % P["pop3"],
        "change: use %d with SSL/TLS, or keep %d and choose STARTTLS"
        % (P["pop3s"], P["pop3"]),
        "Findings: none"], ["--setting", "pop3:%d:ssl" % P["pop3"]],
        "good text")

    # --check: OK, with perfdata for each TLS cell.
    days = days_left(doc, P["imaps"], "tls")
    rc, first, _ = check_plugin(
        tap, lab, [], 0, "%s: IMAP %d SSL/TLS, POP3 %d SSL/TLS, SMTP %d "
        "SSL/TLS; certificates valid" % (lab.name, P["imaps"], P["pop3s"],
                                         P["submissions"]), "good --check")
    pd = perfdata(first)
    tap.ok(pd is not None and len(pd) > 0, "good --check: performance data "
           "after '|' in 'label'=value[UOM];warn;crit;min form", first)
    pd = pd or {}
    hs = pd.get("%d/tls handshake" % P["imaps"])
    tap.ok(hs is not None and hs[1] == "ms" and float(hs[0]) >= 0 and
           hs[4] == "0", "good --check: handshake time of %d/tls in ms, "
           "min 0" % P["imaps"], "%r" % (hs,))
    cd = pd.get("%d/tls cert_days" % P["imaps"])
    tap.ok(cd is not None and isinstance(days, int) and
           int(cd[0]) in (days, days - 1) and cd[2] == "14:" and cd[3] == "3:",
           "good --check: days until the certificate expires (%s), "
           "thresholds 14: and 3:" % days, "%r" % (cd,))
    want = ["%d/%s handshake" % (P[r], m) for r, m in
            (("smtp", "starttls"), ("submission", "starttls"),
             ("submissions", "tls"), ("imap", "starttls"), ("imaps", "tls"),
             ("pop3", "starttls"), ("pop3s", "tls"))]
    tap.ok(all(w in pd for w in want) and len(pd) == 14,
           "good --check: a handshake time and certificate days for each "
           "of the 7 TLS cells", "%r" % sorted(pd))

    if isinstance(days, int):
        check_plugin(tap, lab, ["--warn-days", str(days + 1)], 1,
                     "certificate of", "good --check --warn-days %d "
                     "(the certificate has %d days left)" % (days + 1, days))
        check_plugin(tap, lab, ["--warn-days", str(days + 2), "--crit-days",
                                str(days + 1)], 2,
                     "(--crit-days %d)" % (days + 1),
                     "good --check --crit-days %d" % (days + 1))
    else:
        tap.ok(False, "good: the certificate's days_left is known", days)
    check_plugin(tap, lab, ["--expect", "imaps:tls,%d:starttls"
                            % P["submission"]], 0,
                 "%d SSL/TLS, %d STARTTLS" % (P["imaps"], P["submission"]),
                 "good --check --expect imaps:tls,%d:starttls"
                 % P["submission"])
    check_plugin(tap, lab, ["--expect", "%d:tls" % P["imap"]], 2,
                 "%d SSL/TLS on 127.0.0.1: wrong mode" % P["imap"],
                 "good --check --expect %d:tls (a STARTTLS port)" % P["imap"])


def kind_plain(tap, lab):
    P = lab.port
    what = "plain"
    doc = lab.json(tap, ["--setting", "pop3:pop3:ssl",
                         "--setting", "pop3:pop3s:ssl"], what)
    a = host_advice(tap, doc, lab.name, what)
    check_schema(tap, a, what)
    # Nothing encrypted: plaintext is the only choice, never secure, and
    # its why says what travels readable.
    for proto, role in (("imap", "imap"), ("pop3", "pop3"),
                        ("smtp", "submission")):
        rec = check_rec(tap, a, lab, proto,
                        (role, "none", False, "offered", ()), [], what)
        why = (rec.get("best") or {}).get("why") or ""
        tap.ok("no encryption" in why and "password" in why,
               "plain: %s best says the password travels readable" % proto,
               why)
    want_finding(tap, a, lab, "no_encryption", "critical",
                 [("imap", "plain"), ("pop3", "plain"),
                  ("submission", "plain")], what)
    want_finding(tap, a, lab, "login_before_tls", "warning",
                 [("imap", "plain"), ("pop3", "plain"),
                  ("submission", "plain")], what)
    want_finding(tap, a, lab, "starttls_missing", "warning",
                 [("imap", "starttls"), ("pop3", "starttls"),
                  ("submission", "starttls")], what)
    ids = set(findings_by_id(a))
    tap.ok(not ids & {"certificate_expired", "certificate_hostname_mismatch",
                      "implicit_tls_port_plaintext"},
           "plain: no certificate or implicit-port finding", "%r" % ids)
    checks = a.get("settings") or [{}, {}]
    c = checks[0]
    tap.ok(c.get("status") == "wrong_mode" and c.get("works") is False and
           "only if you accept that the password travels readable" in
           (c.get("change") or ""),
           "plain: pop3:pop3:ssl is wrong_mode, and plaintext is never "
           "suggested without a warning", json.dumps(c)[:600])
    c = checks[1] if len(checks) > 1 else {}
    tap.ok(c.get("status") == "refused" and c.get("works") is False and
           "nothing listens on port %d" % P["pop3s"] in (c.get("why") or ""),
           "plain: pop3:pop3s:ssl: nothing listens there", json.dumps(c)[:600])
    check_plugin(tap, lab, [], 2, "no_encryption", "plain --check")


def kind_bad(tap, lab):
    P = lab.port
    what = "bad"
    doc = lab.json(tap, ["--setting", "imap:imaps:ssl"], what)
    a = host_advice(tap, doc, lab.name, what)
    check_schema(tap, a, what)
    exp = ("expired",)
    check_rec(tap, a, lab, "imap", ("imaps", "ssl_tls", False, "offered", exp),
              [("imap", "starttls", False, "offered", exp)], what)
    check_rec(tap, a, lab, "pop3", ("pop3s", "ssl_tls", False, "offered", exp),
              [("pop3", "starttls", False, "offered", exp)], what)
    mm = ("hostname_mismatch",)
    rec = check_rec(tap, a, lab, "smtp",
                    ("submission", "starttls", False, "offered", mm),
                    [("submissions", "starttls", False, "offered", mm)], what)
    why = (rec.get("best") or {}).get("why") or ""
    tap.ok("not trusted (name does not match)" in why,
           "bad: the smtp best setting names its certificate problem", why)
    f = want_finding(tap, a, lab, "certificate_expired", "critical",
                     [("imaps", "tls"), ("imap", "starttls"),
                      ("pop3s", "tls"), ("pop3", "starttls")], what)
    tap.ok(isinstance(f.get("days"), int) and f["days"] < 0 and
           "expired" in (f.get("text") or ""),
           "bad: certificate_expired says how long ago", json.dumps(f)[:400])
    f = want_finding(tap, a, lab, "certificate_hostname_mismatch", "critical",
                     [("smtp", "starttls"), ("submission", "starttls")], what)
    tap.ok(f.get("names") == ["other.test.example"],
           "bad: hostname mismatch lists the name the certificate carries",
           "names=%r" % (f.get("names"),))
    want_finding(tap, a, lab, "implicit_tls_port_plaintext", "critical",
                 [("submissions", "plain")], what)
    c = (a.get("settings") or [{}])[0]
    tap.ok(c.get("works") is False and
           c.get("status") == "certificate_problem" and
           "not trusted (expired)" in (c.get("why") or ""),
           "bad: imap:imaps:ssl connects, but the certificate is expired",
           json.dumps(c)[:600])
    check_text(tap, lab, [
        "Incoming (IMAP): server %s, port %d, SSL/TLS, not secure (expired)"
        % (lab.name, P["imaps"]),
        "critical certificate_expired:",
        "names in the certificate: other.test.example",
        "critical implicit_tls_port_plaintext:"], [], "bad text")
    check_plugin(tap, lab, [], 2, "certificate_expired", "bad --check")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", required=True, choices=("good", "plain", "bad"))
    ap.add_argument("--mailports", required=True)
    ap.add_argument("--timeout", type=int, default=10)
    args = ap.parse_args()
    lab = Lab(args)
    tap = Tap()
    tap.diag("lab %s, ports %s" % (args.kind, lab.ports))
    {"good": kind_good, "plain": kind_plain, "bad": kind_bad}[args.kind](
        tap, lab)
    tap.done()
    return 0


if __name__ == "__main__":
    sys.exit(main())

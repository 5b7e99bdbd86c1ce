#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""check.py: check one `mailports --json` document against expectations and
print TAP.  Used by tests/real/t_*.sh; works for any lab that passes --ports.

Usage:
  mailports --json ... | check.py --ports smtp=P1,imap=P2,... --timeout S
                                  [--fast-ms MS] [--exit-status N]
                                  [--stderr FILE]
                                  [--host NAME] [--address IP]
                                  [--sclient VERDICTS.jsonl] EXPECT_FILE

EXPECT_FILE has one line per cell, "ROLE MODE ASSERTION...", where ROLE is
a key of --ports and MODE is plain, starttls or tls.  '#' starts a comment.
Every cell of --ports x {plain,starttls,tls} must have a line.  Assertions:

  status=A[|B]      status is one of these
  phase=P           phase is P ("null" for JSON null)
  verified=BOOL     tls.verified
  no_tls            tls is null
  problems=         tls.problems is empty
  problems+=X       tls.problems contains X      problems-=X  does not
  capb+=X capb-=X   capabilities_before_tls has / lacks keyword X
  capa+=X capa-=X   capabilities_after_tls has / lacks keyword X
  authb+=M authb-=M authb=   auth_before_tls has / lacks M / is empty
  autha+=M autha-=M autha=   auth_after_tls likewise
  logindisb=BOOL    login_disabled_before_tls
  logindisa=BOOL    login_disabled_after_tls
  san+=NAME         tls.chain[0].san contains NAME
  subject~=TEXT     tls.chain[0].subject contains TEXT
  greeting~=TEXT    greeting contains TEXT
  greeting_lines=N  the greeting has N lines (a multi-line 220- reply)
  greeting_wait=MS  timing_ms.greeting >= MS: a greeting pause was waited
                    out (and, with status=ok, not taken for a timeout)
  version=V         tls.version is V (TLSv1.2, TLSv1.3)
  key=T             tls.chain[0].key_type is T (RSA, EC)
  key_bits=N        tls.chain[0].key_bits is N
  cipher~=TEXT      tls.cipher contains TEXT
  sclient           openssl s_client's verdict on the same port and mode
                    (--sclient, made by sclient.py) agrees with ours: it
                    connected with "Verification: OK" exactly when
                    tls.verified is true, and then with the same protocol
                    version; both verdicts are printed as diagnostics
  sclient_sig=S     s_client saw the server sign with S (its "Signature
                    type": RSA-PSS, RSA, ECDSA): the lab is what it claims
  sclient_cipher    tls.cipher is the suite s_client got (server cipher
                    preference: the server picks the same for both)
  sclient_refuses=V s_client limited to version V (-tls1_2, -tls1_3) gets
                    no connection: the server really is limited to the other
  fast              timing_ms.total < --fast-ms: no deadline waited out
  may_wait          the cell may wait out a deadline (server silent)

Checks made for every cell without being asked: present exactly once;
service/protocol/host/address/family as asked; timing within the run
timeout; transcript non-empty with decodable raw_b64; no line with
dir=="client" carries credentials (LOGIN, AUTHENTICATE, AUTH, USER, PASS,
APOP); status ok -> greeting non-empty; a tls object with a version ->
TLSv1.2 or TLSv1.3 (a failed handshake may leave a tls object without
one); status ok in starttls/tls mode -> such a version, a non-empty chain and
non-empty capabilities_after_tls; plain mode -> tls null.  Once per
document: JSON parses, the top-level keys, the host entry, the cell count
and elapsed_ms under the timeout; with --exit-status, that it is 0 (the
probes ran); with --stderr (what mailports wrote there), that it holds no
AddressSanitizer, LeakSanitizer or UBSan report.
"""

import argparse
import base64
import binascii
import json
import re
import sys

MODES = ("plain", "starttls", "tls")
PROTO = {"smtp": "smtp", "submission": "smtp", "submissions": "smtp",
         "imap": "imap", "imaps": "imap", "pop3": "pop3", "pop3s": "pop3"}
OK_TLS_VERSIONS = ("TLSv1.2", "TLSv1.3")

# Client lines that would carry credentials (or start to).  IMAP lines have
# a tag first; SMTP/POP3 lines start with the verb.  LOGOUT is fine.
CRED_RE = re.compile(
    rb"^\s*(?:\S+\s+)?(?:LOGIN|AUTHENTICATE)\b|"
    rb"^\s*(?:AUTH|USER|PASS|APOP)\b", re.IGNORECASE)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, got=None):
        self.n += 1
        desc = desc.replace("#", "\\#")
        if cond:
            print("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc))
            if got is not None:
                for ln in str(got).splitlines() or [""]:
                    print("# got %s" % ln[:400])
        return cond

    def diag(self, text):
        for ln in str(text).splitlines():
            print("# %s" % ln[:400])

    def done(self):
        print("1..%d" % self.n)
        sys.stdout.flush()


def parse_ports(s):
    roles = []
    for item in s.split(","):
        role, _, port = item.partition("=")
        roles.append((role.strip(), int(port)))
    return roles


def parse_expect(path):
    exp = {}
    with open(path) as f:
        for lineno, ln in enumerate(f, 1):
            ln = ln.split("#", 1)[0].strip()
            if not ln:
                continue
            words = ln.split()
            if len(words) < 2 or words[1] not in MODES:
                sys.exit("%s:%d: want ROLE MODE ASSERTION..." % (path, lineno))
            exp[(words[0], words[1])] = words[2:]
    return exp


def keywords(caps):
    """Upper-case capability keywords: "SIZE 10240000" -> SIZE,
    "AUTH=PLAIN" stays AUTH=PLAIN (IMAP keeps the whole atom)."""
    out = set()
    for c in caps or []:
        if not isinstance(c, str):
            continue
        c = c.strip().upper()
        if c:
            out.add(c)
            out.add(c.split()[0])
    return out


def jbool(v):
    return {"true": True, "false": False}[v]


def summary(cell):
    t = cell.get("tls") if isinstance(cell.get("tls"), dict) else {}
    j = json.dumps
    return "status=%s phase=%s tls=%s verified=%s problems=%s total_ms=%s reason=%s" % (
        j(cell.get("status")), j(cell.get("phase")), j(t.get("version")),
        j(t.get("verified")), j(t.get("problems")),
        j((cell.get("timing_ms") or {}).get("total")), j(cell.get("reason")))


def client_lines(cell):
    """(text, raw bytes or None, raw decode error) of each client line."""
    out = []
    for ev in cell.get("transcript") or []:
        if not isinstance(ev, dict) or ev.get("dir") != "client":
            continue
        raw, err = None, None
        if ev.get("raw_b64") is not None:
            try:
                raw = base64.b64decode(ev["raw_b64"], validate=True)
            except (binascii.Error, ValueError, TypeError) as e:
                err = str(e)
        out.append((ev.get("text") or "", raw, err))
    return out


def our_verdict(cell):
    t = cell.get("tls") if isinstance(cell.get("tls"), dict) else {}
    return "status %s, %s %s, verified %s, problems %s" % (
        cell.get("status"), t.get("version"), t.get("cipher"),
        json.dumps(t.get("verified")), json.dumps(t.get("problems")))


def check_sclient(tap, cell, label, a, sc):
    """The s_client assertions; sc is the verdict record or None."""
    t = cell.get("tls")
    tls = t if isinstance(t, dict) else {}
    if sc is None:
        tap.ok(False, "%s %s: an openssl s_client verdict exists" % (label, a),
               "no s_client run for this cell (--sclient missing?)")
        return
    sc_ok = sc.get("connected") is True and sc.get("verification") == "OK"
    if a == "sclient":
        tap.diag("%s mailports: %s" % (label, our_verdict(cell)))
        tap.diag("%s s_client:  %s" % (label, sc.get("verdict")))
        ours = tls.get("verified") is True
        agree = ours == sc_ok and (not ours or
                                   tls.get("version") == sc.get("protocol"))
        tap.ok(agree, "%s agrees with openssl s_client (%s)" % (
            label, "verified, same version" if sc_ok else "not verified"),
            "mailports: %s\ns_client: %s" % (our_verdict(cell),
                                             sc.get("verdict")))
    elif a.startswith("sclient_sig="):
        want = a.partition("=")[2]
        tap.ok(sc.get("sigtype") == want,
               "%s s_client saw a %s handshake signature" % (label, want),
               "s_client: %s" % sc.get("verdict"))
    elif a.startswith("sclient_refuses="):
        want = a.partition("=")[2]
        r = sc.get("refuses") or {}
        tap.diag("%s s_client %s only: %s" % (label, want, r.get("verdict")))
        refused = r.get("connected") is False and (
            r.get("exit") not in (None, 0) or r.get("error") is not None)
        tap.ok(r.get("version") == want and refused,
               "%s server refuses a %s-only client (s_client)" % (label, want),
               "s_client %s only: %s" % (want, r.get("verdict")))
    elif a == "sclient_cipher":
        tap.ok(sc_ok and tls.get("cipher") is not None and
               tls.get("cipher") == sc.get("cipher_iana"),
               "%s same cipher suite as s_client (server preference)" % label,
               "mailports cipher=%r, s_client %r" % (tls.get("cipher"),
                                                     sc.get("cipher_iana")))
    else:
        sys.exit("check.py: unknown assertion %r" % a)


def check_assertion(tap, cell, label, a, fast_ms, sc=None):
    if a.startswith("sclient"):
        check_sclient(tap, cell, label, a, sc)
        return
    t = cell.get("tls")
    tls = t if isinstance(t, dict) else {}
    chain = tls.get("chain") or []
    leaf = chain[0] if chain and isinstance(chain[0], dict) else {}
    got = summary(cell)

    m = re.match(r"^(\w+)(\+=|-=|~=|=)?(.*)$", a)
    key, op, val = m.group(1), m.group(2), m.group(3)

    if key == "status":
        want = val.split("|")
        tap.ok(cell.get("status") in want, "%s status %s" % (label, val), got)
    elif key == "phase":
        want = None if val == "null" else val
        tap.ok(cell.get("phase") == want, "%s phase %s" % (label, val), got)
    elif key == "verified":
        tap.ok(isinstance(t, dict) and tls.get("verified") is jbool(val),
               "%s tls.verified is %s" % (label, val), got)
    elif key == "no_tls":
        tap.ok(t is None, "%s tls is null" % label, "tls=%r" % (t,))
    elif key == "problems":
        probs = tls.get("problems")
        if op == "=":
            tap.ok(isinstance(t, dict) and probs == [],
                   "%s tls.problems empty" % label, "problems=%r" % (probs,))
        elif op == "+=":
            tap.ok(isinstance(probs, list) and val in probs,
                   "%s tls.problems has %s" % (label, val),
                   "problems=%r" % (probs,))
        else:
            tap.ok(isinstance(probs, list) and val not in probs,
                   "%s tls.problems lacks %s" % (label, val),
                   "problems=%r" % (probs,))
    elif key in ("capb", "capa"):
        field = ("capabilities_before_tls" if key == "capb"
                 else "capabilities_after_tls")
        kw = keywords(cell.get(field))
        has = val.upper() in kw
        if op == "+=":
            tap.ok(has, "%s %s has %s" % (label, field, val),
                   "%s=%r" % (field, cell.get(field)))
        else:
            tap.ok(not has and isinstance(cell.get(field), list),
                   "%s %s lacks %s" % (label, field, val),
                   "%s=%r" % (field, cell.get(field)))
    elif key in ("authb", "autha"):
        field = "auth_before_tls" if key == "authb" else "auth_after_tls"
        mechs = [m.upper() for m in cell.get(field) or []
                 if isinstance(m, str)]
        raw = cell.get(field)
        if op == "=":
            tap.ok(isinstance(raw, list) and not mechs,
                   "%s %s empty" % (label, field), "%s=%r" % (field, raw))
        elif op == "+=":
            tap.ok(val.upper() in mechs, "%s %s has %s" % (label, field, val),
                   "%s=%r" % (field, raw))
        else:
            tap.ok(isinstance(raw, list) and val.upper() not in mechs,
                   "%s %s lacks %s" % (label, field, val),
                   "%s=%r" % (field, raw))
    elif key in ("logindisb", "logindisa"):
        field = ("login_disabled_before_tls" if key == "logindisb"
                 else "login_disabled_after_tls")
        tap.ok(cell.get(field) is jbool(val), "%s %s is %s" % (label, field, val),
               "%s=%r" % (field, cell.get(field)))
    elif key == "san":
        san = leaf.get("san") or []
        tap.ok(val in san, "%s leaf SAN has %s" % (label, val), "san=%r" % (san,))
    elif key == "subject":
        subj = leaf.get("subject") or ""
        tap.ok(val in subj, "%s leaf subject has %s" % (label, val),
               "subject=%r" % (subj,))
    elif key == "greeting":
        g = cell.get("greeting") or ""
        tap.ok(val in g, "%s greeting has %s" % (label, val), "greeting=%r" % (g,))
    elif key == "greeting_lines":
        g = cell.get("greeting")
        n = len(g.split("\n")) if isinstance(g, str) else 0
        tap.ok(n == int(val), "%s greeting has %s lines" % (label, val),
               "greeting=%r" % (g,))
    elif key == "greeting_wait":
        gms = (cell.get("timing_ms") or {}).get("greeting")
        tap.ok(isinstance(gms, (int, float)) and gms >= int(val),
               "%s greeting took at least %s ms (the pause was waited out)"
               % (label, val), "timing_ms.greeting=%r; %s" % (gms, got))
    elif key == "version":
        tap.ok(tls.get("version") == val, "%s tls.version is %s" % (label, val),
               got)
    elif key == "key":
        tap.ok(leaf.get("key_type") == val,
               "%s leaf key type is %s" % (label, val),
               "key_type=%r" % (leaf.get("key_type"),))
    elif key == "key_bits":
        tap.ok(leaf.get("key_bits") == int(val),
               "%s leaf key is %s bits" % (label, val),
               "key_bits=%r" % (leaf.get("key_bits"),))
    elif key == "cipher":
        c = tls.get("cipher") or ""
        tap.ok(val in c, "%s cipher suite has %s" % (label, val),
               "cipher=%r" % (tls.get("cipher"),))
    elif key == "fast":
        total = (cell.get("timing_ms") or {}).get("total")
        tap.ok(isinstance(total, (int, float)) and total < fast_ms,
               "%s finished in under %d ms (no deadline waited out)" % (label, fast_ms),
               got)
    elif key == "may_wait":
        pass
    else:
        sys.exit("check.py: unknown assertion %r" % a)


def check_cell(tap, cell, role, port, mode, asserts, args):
    label = "%s/%s" % (role, mode)
    want = {"service": role, "protocol": PROTO.get(role, role),
            "host": args.host, "address": args.address, "family": "ipv4",
            "port": port, "mode": mode}
    bad = ["%s=%r (want %r)" % (k, cell.get(k), v)
           for k, v in want.items() if cell.get(k) != v]
    tap.ok(not bad, "%s identity (service, protocol, host, address)" % label,
           "; ".join(bad))

    total = (cell.get("timing_ms") or {}).get("total")
    tap.ok(isinstance(total, (int, float)) and total <= args.timeout * 1000 + 1000,
           "%s timing_ms.total within the --timeout" % label, summary(cell))

    for a in asserts:
        check_assertion(tap, cell, label, a, args.fast_ms,
                        args.sclient_verdicts.get((role, mode)))

    status = cell.get("status")
    tr = cell.get("transcript")
    tap.ok(isinstance(tr, list) and len(tr) > 0,
           "%s transcript non-empty" % label, "transcript=%r" % (tr,))
    lines = client_lines(cell)
    leaks = []
    for text, raw, err in lines:
        if err is not None:
            leaks.append("raw_b64 does not decode: %s" % err)
        if CRED_RE.search(text.encode("utf-8", "replace")) or \
           (raw is not None and CRED_RE.search(raw)):
            leaks.append("client sent %r" % text)
    tap.ok(not leaks, "%s client sent no credentials (LOGIN/AUTH/USER/PASS)" % label,
           "\n".join(leaks))

    if status == "ok":
        g = cell.get("greeting")
        tap.ok(isinstance(g, str) and g.strip() != "",
               "%s greeting non-empty" % label, "greeting=%r" % (g,))
    t = cell.get("tls")
    if mode == "plain":
        tap.ok(t is None, "%s plain cell has no tls object" % label,
               "tls=%r" % (t,))
    elif status != "ok" and isinstance(t, dict) and t.get("version") is not None:
        tap.ok(t.get("version") in OK_TLS_VERSIONS,
               "%s tls.version is TLSv1.2 or TLSv1.3" % label,
               "version=%r" % (t.get("version"),))
    if status == "ok" and mode != "plain":
        tap.ok(isinstance(t, dict) and t.get("version") in OK_TLS_VERSIONS,
               "%s ok TLS cell: tls.version is TLSv1.2 or TLSv1.3" % label,
               "tls=%r" % (t,))
        chain = t.get("chain") if isinstance(t, dict) else None
        tap.ok(isinstance(chain, list) and len(chain) > 0,
               "%s ok TLS cell: tls.chain non-empty" % label, "chain=%r" % (chain,))
        ca = cell.get("capabilities_after_tls")
        tap.ok(isinstance(ca, list) and len(ca) > 0,
               "%s capabilities_after_tls non-empty" % label,
               "capabilities_after_tls=%r" % (ca,))


def main():
    ap = argparse.ArgumentParser(description="check mailports --json output")
    ap.add_argument("--ports", required=True)
    ap.add_argument("--timeout", type=float, required=True,
                    help="the --timeout given to mailports, seconds")
    ap.add_argument("--fast-ms", type=int, default=3000)
    ap.add_argument("--exit-status", type=int, default=None)
    ap.add_argument("--stderr", default=None,
                    help="mailports' standard error, checked for sanitiser reports")
    ap.add_argument("--host", default="mail.test.example")
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--sclient", default=None,
                    help="s_client verdicts, one JSON object a line (sclient.py)")
    ap.add_argument("expect")
    args = ap.parse_args()
    args.sclient_verdicts = {}
    if args.sclient is not None:
        with open(args.sclient) as f:
            for ln in f:
                if ln.strip():
                    v = json.loads(ln)
                    args.sclient_verdicts[(v["role"], v["mode"])] = v

    roles = parse_ports(args.ports)
    exp = parse_expect(args.expect)
    tap = Tap()
    if args.exit_status is not None:
        tap.ok(args.exit_status == 0, "mailports exited with status 0",
               "exit status %d" % args.exit_status)
    if args.stderr is not None:
        with open(args.stderr, "rb") as f:
            err = f.read().decode("utf-8", "replace")
        san = [ln for ln in err.splitlines()
               if re.search(r"ERROR: (Address|Leak)Sanitizer|runtime error:|"
                            r"SUMMARY: \w+Sanitizer", ln)]
        tap.ok(not san, "no sanitiser report on mailports' stderr",
               "\n".join(san[:10]))

    raw = sys.stdin.buffer.read()
    try:
        doc = json.loads(raw.decode("utf-8"))
        parsed = isinstance(doc, dict)
    except (UnicodeDecodeError, ValueError) as e:
        doc, parsed = None, False
        err = str(e)
    if not tap.ok(parsed, "mailports printed one JSON object on stdout",
                  "%s; first bytes: %r" % (err if doc is None else "not an object",
                                           raw[:300])):
        tap.done()
        return 0

    mp = doc.get("mailports")
    tap.ok(isinstance(mp, dict) and isinstance(mp.get("version"), str)
           and isinstance(mp.get("mbedtls"), str),
           "top level: mailports.version and mailports.mbedtls", "mailports=%r" % (mp,))
    el = doc.get("elapsed_ms")
    tap.ok(isinstance(el, (int, float)) and 0 <= el < args.timeout * 1000,
           "elapsed_ms under the --timeout of %g s" % args.timeout,
           "elapsed_ms=%r" % (el,))
    hosts = doc.get("hosts")
    hs = [h for h in hosts or [] if isinstance(h, dict) and h.get("host") == args.host]
    tap.ok(len(hs) == 1 and args.address in (hs[0].get("addresses") or [])
           and hs[0].get("error") is None,
           "hosts: %s resolved to %s without error" % (args.host, args.address),
           "hosts=%r" % (hosts,))
    cells = doc.get("cells")
    if not isinstance(cells, list):
        cells = []
    want_n = len(roles) * len(MODES)
    tap.ok(len(cells) == want_n, "%d cells (%d ports x 3 modes)" % (want_n, len(roles)),
           "%d cells" % len(cells))

    by_key = {}
    for c in cells:
        if isinstance(c, dict):
            by_key.setdefault((c.get("port"), c.get("mode")), []).append(c)
    for role, port in roles:
        for mode in MODES:
            cs = by_key.get((port, mode), [])
            if cs:
                tap.diag("%-12s %-8s %s" % (role, mode, summary(cs[0])))
    for role, port in roles:
        for mode in MODES:
            if (role, mode) not in exp:
                sys.exit("check.py: no expectation for %s %s" % (role, mode))
            cs = by_key.get((port, mode), [])
            if not tap.ok(len(cs) == 1, "%s/%s: one cell for port %d mode %s"
                          % (role, mode, port, mode), "%d cells" % len(cs)):
                continue
            check_cell(tap, cs[0], role, port, mode, exp[(role, mode)], args)
    tap.done()
    return 0


if __name__ == "__main__":
    sys.exit(main())

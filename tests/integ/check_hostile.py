#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""check_hostile.py: the case table and the checks behind t_hostile.sh.

    check_hostile.py cases
        one line per run: CASE SCENARIO SERVICE MODES TIMEOUT
        (SCENARIO "-" means a refused port, no server)
    check_hostile.py run DIR/CASE.KIND -- COMMAND...
        run COMMAND (mailports), stdout to DIR/CASE.KIND.out, stderr to
        .err, and rc / wall seconds / peak RSS to .meta (JSON); COMMAND is
        killed after HARD_LIMIT seconds
    check_hostile.py report DIR
        check every case's results, TAP on stdout (plan at the end)

The expectations are the contract in /work/shared/hostile-servers.md (the
catalogue number is in each case's comment).  Only the standard library.
"""

import base64
import json
import os
import re
import signal
import subprocess
import sys
import time

HARD_LIMIT = float(os.environ.get("HOSTILE_HARD_LIMIT", "30"))  # s before a kill
RSS_LIMIT_KB = 50 * 1024    # flood: peak RSS of mailports
CPU_LIMIT = 0.5             # CPU seconds for a probe that mostly waits

# Kept in step with hostile.py (the exact bytes the utf8-bad server sends).
UTF8_BAD = (b"220 \xc0\xaf \xed\xa0\x80 \xe2\x80\xae rtl "
            + ("e\u0301" + "\u0301" * 20).encode("utf-8")
            + b" \xf0\x9f\x93\xa7 mail")


# ------------------------------------------------------------- expectations
#
# A check is a function (doc, cells_by_mode) -> list of (description, ok,
# got); "got" is shown as a TAP comment when the check fails.

def cell_of(cells, mode):
    return cells.get(mode)


def short(cell, *keys):
    """A compact excerpt of a cell for failure messages."""
    if cell is None:
        return "no such cell"
    keys = keys or ("status", "phase", "reason")
    return json.dumps({k: cell.get(k) for k in keys}, ensure_ascii=True)


def lines(cell, direction=None):
    out = []
    for t in cell.get("transcript") or []:
        if direction is None or t.get("dir") == direction:
            out.append(t)
    return out


def expect(mode, status=None, phase=None, reason_any=(), reason_all=(),
           desc=None):
    """status (a string or a tuple of allowed ones), phase, and words the
    reason must contain (any of reason_any, all of reason_all; case
    insensitive)."""
    def check(doc, cells):
        c = cell_of(cells, mode)
        res = []
        what = desc or "%s cell" % mode
        if c is None:
            return [("%s exists" % what, False, "no %s cell" % mode)]
        if status is not None:
            allowed = (status,) if isinstance(status, str) else status
            res.append(("%s: status %s" % (what, "|".join(allowed)),
                        c.get("status") in allowed, short(c)))
        if phase is not None:
            res.append(("%s: phase %s" % (what, phase),
                        c.get("phase") == phase, short(c)))
        reason = (c.get("reason") or "").lower()
        if reason_any:
            res.append(("%s: reason mentions %s" % (what, " or ".join(
                repr(w) for w in reason_any)),
                any(w.lower() in reason for w in reason_any), short(c)))
        for w in reason_all:
            res.append(("%s: reason mentions %r" % (what, w),
                        w.lower() in reason, short(c)))
        return res
    return check


def field(mode, desc, pred, *keys):
    """pred(cell) must be true; keys are shown on failure."""
    def check(doc, cells):
        c = cell_of(cells, mode)
        if c is None:
            return [("%s: %s" % (mode, desc), False, "no %s cell" % mode)]
        try:
            ok = bool(pred(c))
        except Exception as e:      # a missing field is a failure, not a crash
            ok = False
            return [("%s: %s" % (mode, desc), False,
                     "%s: %s; %s" % (type(e).__name__, e, short(c, *keys)))]
        return [("%s: %s" % (mode, desc), ok, short(c, *keys))]
    return check


def run_check(kind, desc, pred):
    """pred(meta) on the .meta of run KIND."""
    return ("run", kind, desc, pred)


def text_check(kind, desc, pred):
    """pred(bytes of the output of run KIND)."""
    return ("text", kind, desc, pred)


def client_texts(c):
    return [t.get("text") or "" for t in lines(c, "client")]


def after_starttls_clients(c):
    """Client lines after the (first) STARTTLS/STLS command."""
    out, seen = [], False
    for t in client_texts(c):
        if seen:
            out.append(t)
        elif re.match(r"^(\S+ )?(STARTTLS|STLS)$", t, re.I):
            seen = True
    return out


def transcript_has(c, direction, pred, sec=None):
    for t in lines(c, direction):
        if pred(t.get("text") or "") and (sec is None or t.get("sec") == sec):
            return True
    return False


def raw_of(t):
    return base64.b64decode(t.get("raw_b64") or "")


def unasked_in_order(c, text):
    """The server line TEXT is flagged unsolicited, is logged before any
    client line that came after it arrived, keeps the time it arrived
    (not later than the events after it) and its exact bytes."""
    tr = c.get("transcript") or []
    idx = [i for i, t in enumerate(tr) if t.get("dir") == "server"
           and (t.get("text") or "").startswith(text)]
    if not idx:
        return False
    i = idx[0]
    t = tr[i]
    if "unsolicited" not in t.get("flags", []):
        return False
    if raw_of(t) != (t.get("text") or "").encode() + b"\r\n":
        return False
    # Times never go back from this line on, and no client line before it
    # has a later time than it.
    later = [x.get("t_ms", 0) for x in tr[i:]]
    if any(b < a for a, b in zip(later, later[1:])):
        return False
    return all(x.get("t_ms", 0) <= t.get("t_ms", 0)
               for x in tr[:i] if x.get("dir") == "client")


VERBS = ("EHLO", "HELO", "STARTTLS", "STLS", "QUIT", "CAPA", "CAPABILITY",
         "LOGOUT")


def client_verbs(c):
    """The verbs we sent, IMAP tags dropped: ["EHLO", "STARTTLS", ...]."""
    out = []
    for t in client_texts(c):
        words = t.split()
        if len(words) > 1 and words[0].upper() not in VERBS:
            words = words[1:]
        out.append(words[0].upper() if words else "")
    return out


class Case:
    def __init__(self, name, scenario, service, modes, timeout, checks,
                 c_locale=False):
        self.name = name
        self.scenario = scenario
        self.service = service
        self.modes = modes
        self.timeout = timeout
        self.checks = checks
        self.c_locale = c_locale    # also run --text under LC_ALL=C


CASES = [
    # 1: never answers the SYN.
    Case("synblack", "synblack", "smtp", "plain", 1, [
        expect("plain", "timeout", "connect",
               reason_all=["connection attempt"]),
        run_check("json", "waited about the connect deadline (>= 0.9 s)",
                  lambda m: m["wall"] >= 0.9),
    ]),
    # 2: accepts, never greets.
    Case("silent", "silent", "smtp", "plain", 1, [
        expect("plain", "timeout", "greeting", reason_all=["no greeting"]),
        run_check("json", "waited about the greeting deadline (>= 0.9 s)",
                  lambda m: m["wall"] >= 0.9),
    ]),
    # 4: closes right after accept.
    Case("close", "close", "smtp", "plain", 1, [
        expect("plain", "service_refused", reason_all=["closed"]),
    ]),
    # 4: resets right after accept.
    Case("reset", "reset", "smtp", "plain", 1, [
        expect("plain", "service_refused", reason_any=["reset", "closed"]),
    ]),
    # 4: closes in the middle of the greeting line (extra).
    Case("close-midline", "close-midline", "smtp", "plain", 1, [
        expect("plain", ("service_refused", "protocol_error"), "greeting",
               reason_all=["closed"]),
        field("plain", "the partial line is in the transcript",
              lambda c: transcript_has(c, "server",
                                       lambda s: "220 partial gree" in s),
              "status", "reason"),
    ]),
    # 5: half-closes after the greeting (extra).
    Case("halfclose", "halfclose", "smtp", "plain", 1, [
        expect("plain", ("service_refused", "protocol_error"),
               reason_all=["closed"]),
        run_check("json", "EOF seen at once (< 0.9 s)",
                  lambda m: m["wall"] < 0.9),
        run_check("json", "no busy loop (CPU < %.1f s)" % CPU_LIMIT,
                  lambda m: 0 <= m["cpu"] < CPU_LIMIT),
    ]),
    # 7: answers EHLO after 10 s (extra).
    Case("slow-ehlo", "slow-ehlo", "smtp", "plain,starttls", 1, [
        expect("plain", "timeout", "capabilities"),
        expect("starttls", "timeout", "capabilities"),
        run_check("json", "no busy loop (CPU < %.1f s)" % CPU_LIMIT,
                  lambda m: 0 <= m["cpu"] < CPU_LIMIT),
    ]),
    # 7: drips one byte every 0.2 s.
    Case("drip", "drip", "smtp", "plain", 1, [
        expect("plain", "timeout", "greeting"),
        run_check("json", "ends within 3.5 s", lambda m: m["wall"] < 3.5),
        run_check("json", "no busy loop (CPU < %.1f s)" % CPU_LIMIT,
                  lambda m: 0 <= m["cpu"] < CPU_LIMIT),
    ]),
    # 3: holds a 220- greeting 1.5 s; talking early gets a 554.
    Case("pregreet-hold", "pregreet-hold", "smtp", "plain", 3, [
        expect("plain", "ok"),
        field("plain", "greeting has both lines",
              lambda c: "hold on" in c["greeting"]
              and "220 ok" in c["greeting"], "status", "greeting"),
        field("plain", "no 554 (nothing sent before the final greeting line)",
              lambda c: not transcript_has(c, "server",
                                           lambda s: s.startswith("554")),
              "status", "greeting"),
    ]),
    # 6: an endless multi-line greeting.
    Case("flood", "flood", "smtp", "plain", 1, [
        expect("plain", "protocol_error",
               reason_any=["too many lines", "too large"]),
        run_check("json", "peak RSS under %d MB" % (RSS_LIMIT_KB // 1024),
                  lambda m: 0 < m["maxrss_kb"] < RSS_LIMIT_KB),
        run_check("text", "peak RSS under %d MB (--text)"
                  % (RSS_LIMIT_KB // 1024),
                  lambda m: 0 < m["maxrss_kb"] < RSS_LIMIT_KB),
    ]),
    # 8: 10 MB without a line end.
    Case("longline", "longline", "smtp", "plain", 1, [
        expect("plain", "protocol_error", reason_all=["line too long"]),
        run_check("json", "peak RSS under %d MB" % (RSS_LIMIT_KB // 1024),
                  lambda m: 0 < m["maxrss_kb"] < RSS_LIMIT_KB),
    ]),
    # 9: bare LF.
    Case("barelf", "barelf", "smtp", "plain", 1, [
        expect("plain", "ok"),
        field("plain", "protocol_violations has bare_lf",
              lambda c: "bare_lf" in c["protocol_violations"],
              "status", "protocol_violations"),
        field("plain", "the greeting line is flagged bare_lf in the transcript",
              lambda c: any("bare_lf" in t["flags"]
                            and "220 bare lf" in t["text"]
                            for t in lines(c, "server")), "status"),
    ]),
    # 9: a bare CR inside a line (extra).
    Case("barecr", "barecr", "smtp", "plain", 1, [
        expect("plain", "ok"),
        field("plain", "protocol_violations has bare_cr",
              lambda c: "bare_cr" in c["protocol_violations"],
              "status", "protocol_violations"),
        field("plain", "the greeting keeps the text after the CR",
              lambda c: "cr ESMTP" in c["greeting"], "greeting"),
        field("plain", "the greeting line is flagged bare_cr in the transcript",
              lambda c: any("bare_cr" in t["flags"]
                            for t in lines(c, "server")), "status"),
    ]),
    # 10: NUL, C0 and DEL in the greeting.
    Case("nul", "nul", "smtp", "plain", 1, [
        expect("plain", "ok"),
        field("plain", "greeting shows ^@ ^A ^? and the rest (' end')",
              lambda c: all(s in c["greeting"]
                            for s in ("^@", "^A", "^?", " end")),
              "status", "greeting"),
        field("plain", "greeting_raw_b64 keeps the exact bytes",
              lambda c: base64.b64decode(c["greeting_raw_b64"])
              == b"220 a\x00b\x01c\x7f end", "greeting_raw_b64"),
    ]),
    # 11: refusing greetings.
    Case("refuse554", "refuse554", "smtp", "plain,starttls", 1, [
        expect("plain", "service_refused", reason_all=["554"]),
        expect("starttls", "service_refused", reason_all=["554"]),
    ]),
    Case("refuse554-nul", "refuse554-nul", "smtp", "plain", 1, [
        expect("plain", "service_refused",
               reason_all=["554 go", "^@", "away now"]),
    ]),
    Case("refuse421", "refuse421", "smtp", "plain", 1, [
        expect("plain", "service_refused", reason_all=["421"]),
    ]),
    Case("pop3-err", "pop3-err", "pop3", "plain", 1, [
        expect("plain", "service_refused", reason_all=["-ERR"]),
    ]),
    Case("imap-bye", "imap-bye", "imap", "plain", 1, [
        expect("plain", "service_refused", reason_all=["BYE"]),
    ]),
    # 12: POP3 garbage greeting, CAPA without the closing ".".
    Case("pop3-garbage", "pop3-garbage", "pop3", "plain", 1, [
        expect("plain", "protocol_error"),
    ]),
    Case("pop3-capa-noend", "pop3-capa-noend", "pop3", "plain,starttls", 1, [
        expect("plain", "timeout", "capabilities"),
        expect("starttls", "timeout", "capabilities"),
    ]),
    # 13: huge IMAP literals.
    Case("imap-literal", "imap-literal", "imap", "plain,starttls", 1, [
        expect("plain", "protocol_error", reason_all=["literal too large"]),
        expect("starttls", "protocol_error", reason_all=["literal too large"]),
        run_check("json", "peak RSS under %d MB" % (RSS_LIMIT_KB // 1024),
                  lambda m: 0 < m["maxrss_kb"] < RSS_LIMIT_KB),
    ]),
    Case("imap-literal20", "imap-literal20", "imap", "plain", 1, [
        expect("plain", "protocol_error", reason_all=["literal too large"]),
    ]),
    Case("imap-literal-neg", "imap-literal-neg", "imap", "plain", 1, [
        expect("plain", ("ok", "protocol_error")),
    ]),
    # 14: * BYE instead of the STARTTLS reply: a closing notice, so the
    # service is refused (was starttls_rejected before task B).
    Case("imap-bye-after-starttls", "imap-bye-after-starttls", "imap",
         "starttls", 1, [
             expect("starttls", "service_refused",
                    reason_all=["BYE going away"]),
         ]),
    # 16: terminal escapes in the banner.
    Case("ansi-banner", "ansi-banner", "smtp", "plain", 1, [
        expect("plain", "ok"),
        field("plain", "greeting shows ^[ and no ESC",
              lambda c: "^[" in c["greeting"] and "\x1b" not in c["greeting"],
              "greeting"),
        text_check("text", "--text -v shows the banner escaped (^[)",
                   lambda b: b"^[" in b),
    ]),
    # 17: invalid UTF-8, bidi override, combining flood, emoji.
    Case("utf8-bad", "utf8-bad", "smtp", "plain", 1, [
        expect("plain", "ok"),
        field("plain", "greeting has \\xC0 style escapes and <U+202E>",
              lambda c: "\\xC0" in c["greeting"] and "\\xED" in c["greeting"]
              and "<U+202E>" in c["greeting"], "greeting"),
        field("plain", "greeting has no raw U+202E",
              lambda c: "\u202e" not in c["greeting"], "greeting"),
        field("plain", "combining marks past 2 shown as <U+0301>",
              lambda c: "<U+0301>" in c["greeting"]
              and "\u0301\u0301\u0301" not in c["greeting"], "greeting"),
        field("plain", "transcript raw_b64 of the greeting is the exact "
              "bytes, CR LF included",
              lambda c: any(raw_of(t) == UTF8_BAD + b"\r\n"
                            for t in lines(c, "server")), "greeting"),
        field("plain", "greeting_raw_b64 is the exact bytes",
              lambda c: base64.b64decode(c["greeting_raw_b64"]) == UTF8_BAD,
              "greeting_raw_b64"),
        text_check("text", "--text has no raw U+202E",
                   lambda b: b"\xe2\x80\xae" not in b),
        text_check("textc", "--text under LC_ALL=C has no byte >= 0x80",
                   lambda b: all(x < 0x80 for x in b)),
        text_check("textc", "--text under LC_ALL=C shows \\xE2\\x80\\xAE",
                   lambda b: b"\\xE2\\x80\\xAE" in b),
    ], c_locale=True),
    # 18: STARTTLS not offered (AUTH offered in plaintext as bait).
    Case("starttls-missing", "starttls-missing", "smtp", "plain,starttls", 1, [
        expect("plain", "ok", reason_all=[
            "password login without encryption",
            "password would travel unencrypted"]),
        field("plain", "login_in_clear is true",
              lambda c: c["login_in_clear"] is True, "login_in_clear"),
        field("plain", "implicit_port_plaintext is false (port 25 role)",
              lambda c: c["implicit_port_plaintext"] is False,
              "implicit_port_plaintext"),
        expect("starttls", "starttls_not_offered"),
        field("starttls", "no client STARTTLS line",
              lambda c: not any(t.upper() == "STARTTLS"
                                for t in client_texts(c)), "status"),
    ]),
    # 15: controls in capability names, a 1500-byte one, STARTTLS listed
    # twice (and once in lower case) (extra).
    Case("capa-weird", "capa-weird", "smtp", "plain,starttls", 1, [
        expect("plain", "ok"),
        field("plain", "STARTTLS listed once in capabilities_before_tls",
              lambda c: [x.upper() for x in c["capabilities_before_tls"]]
              .count("STARTTLS") == 1, "capabilities_before_tls"),
        field("plain", "capability with controls shown escaped",
              lambda c: any("^[" in x for x in c["capabilities_before_tls"]),
              "capabilities_before_tls"),
        field("plain", "the 1500-byte capability is cut",
              lambda c: max(len(x) for x in c["capabilities_before_tls"])
              < 1500, "status"),
        expect("starttls", "starttls_rejected", reason_all=["454"]),
        field("starttls", "STARTTLS sent exactly once",
              lambda c: [t.upper() for t in client_texts(c)]
              .count("STARTTLS") == 1, "status", "reason"),
    ]),
    # 19: STARTTLS refused.
    Case("starttls-454", "starttls-454", "smtp", "starttls", 1, [
        expect("starttls", "starttls_rejected", reason_all=["454"]),
    ]),
    Case("starttls-502", "starttls-502", "smtp", "starttls", 1, [
        expect("starttls", "starttls_rejected", reason_all=["502"]),
    ]),
    Case("pop3-stls-err", "pop3-stls-err", "pop3", "starttls", 1, [
        expect("starttls", "starttls_rejected",
               reason_all=["-ERR", "refused STLS"]),
        field("starttls", "reason names POP3's STLS, not STARTTLS",
              lambda c: "STARTTLS" not in (c.get("reason") or "").upper(),
              "reason"),
    ]),
    Case("imap-starttls-no", "imap-starttls-no", "imap", "starttls", 1, [
        expect("starttls", "starttls_rejected", reason_all=["NO"]),
    ]),
    Case("imap-starttls-bad", "imap-starttls-bad", "imap", "starttls", 1, [
        expect("starttls", "starttls_rejected", reason_all=["BAD"]),
    ]),
    # 20: STARTTLS answered with 354 / "+ ".
    Case("starttls-354", "starttls-354", "smtp", "starttls", 1, [
        expect("starttls", "protocol_error"),
    ]),
    Case("imap-starttls-plus", "imap-starttls-plus", "imap", "starttls", 1, [
        expect("starttls", "protocol_error"),
    ]),
    # 21: response injection.
    Case("injection", "injection", "smtp", "starttls", 1, [
        expect("starttls", "protocol_error",
               reason_all=["after the STARTTLS reply"]),
        field("starttls", "injected is non-empty",
              lambda c: c["injected"] and "injected" in c["injected"],
              "status", "injected"),
        field("starttls", "no client line after STARTTLS",
              lambda c: after_starttls_clients(c) == [] and any(
                  t.upper() == "STARTTLS" for t in client_texts(c)),
              "status", "reason"),
    ]),
    # 22: * OK [ALERT] before the tagged OK, then plaintext, not TLS.
    Case("alert-imap", "alert-imap", "imap", "starttls", 1, [
        expect("starttls", "tls_failed"),
        field("starttls", "ALERT line in the transcript as plaintext",
              lambda c: transcript_has(c, "server",
                                       lambda s: "[ALERT]" in s, "plain"),
              "status", "reason"),
    ]),
    # 23: PREAUTH.
    Case("preauth", "preauth", "imap", "plain,starttls", 1, [
        expect("plain", "ok"),
        expect("starttls", "starttls_not_offered", reason_all=["PREAUTH"]),
        field("starttls", "no client STARTTLS line",
              lambda c: not any(re.search(r"\bSTARTTLS\b", t, re.I)
                                for t in client_texts(c)), "status"),
    ]),
    # 24: CAPA fails, STLS refused.
    Case("capa-fails", "capa-fails", "pop3", "starttls", 1, [
        expect("starttls", "starttls_rejected", reason_all=["refused STLS"]),
        field("starttls", "note says it tries STLS anyway",
              lambda c: transcript_has(
                  c, "note", lambda s: "trying STLS anyway" in s),
              "status", "reason"),
        field("starttls", "client still sent STLS",
              lambda c: "STLS" in [t.upper() for t in client_texts(c)],
              "status", "reason"),
    ]),
    # 27: text or a close instead of a ServerHello.
    Case("starttls-nontls", "starttls-nontls", "smtp", "starttls", 1, [
        expect("starttls", "tls_failed"),
        field("starttls", "non_tls_data set or reason mentions plaintext",
              lambda c: c.get("non_tls_data")
              or "plaintext" in (c.get("reason") or "").lower(),
              "status", "reason", "non_tls_data"),
    ]),
    Case("starttls-close", "starttls-close", "smtp", "starttls", 1, [
        expect("starttls", "tls_failed", reason_all=["closed"]),
    ]),
    # A plaintext SMTP server probed in every mode.
    Case("tls-on-plain", "tls-on-plain", "smtp", "plain,starttls,tls", 1, [
        expect("plain", "ok", reason_all=["no login offered"]),
        field("plain", "login_in_clear is false (no AUTH offered)",
              lambda c: c["login_in_clear"] is False, "login_in_clear"),
        expect("starttls", "starttls_not_offered"),
        expect("tls", "wrong_mode"),
    ]),
    # EHLO refused, HELO accepted.
    Case("helo-only", "helo-only", "smtp", "plain,starttls", 1, [
        expect("plain", "ok"),
        field("plain", "helo_fallback is true",
              lambda c: c["helo_fallback"] is True, "status", "helo_fallback"),
        expect("starttls", "starttls_not_offered"),
    ]),
    # Issue 7: a port meant for implicit TLS speaking plaintext with a
    # password login (the service role of 465, on a test port).
    Case("implicit-plain", "starttls-missing", "submissions", "plain", 1, [
        expect("plain", "ok", reason_all=[
            "meant for implicit TLS", "password would travel unencrypted"]),
        field("plain", "implicit_port_plaintext is true",
              lambda c: c["implicit_port_plaintext"] is True,
              "implicit_port_plaintext", "reason"),
        field("plain", "login_in_clear is true",
              lambda c: c["login_in_clear"] is True, "login_in_clear"),
    ]),
    # 36: a second 220 greeting in the greeting's segment.
    Case("double-greeting", "double-greeting", "smtp", "plain,starttls", 1, [
        expect("plain", "protocol_error", "capabilities", reason_all=[
            "reply to a command we did not send",
            '"220 mail.test.example ESMTP second" before EHLO']),
        expect("starttls", "protocol_error", reason_all=[
            "reply to a command we did not send", "before EHLO"]),
        field("starttls", "the second greeting is flagged unsolicited, at "
              "its arrival time, in order, exact bytes",
              lambda c: unasked_in_order(c, "220 mail.test.example ESMTP "
                                         "second"), "transcript"),
        field("starttls", "it arrived with the first greeting line",
              lambda c: [t["t_ms"] for t in lines(c, "server")][:2][0]
              == [t["t_ms"] for t in lines(c, "server")][:2][1],
              "status"),
        field("starttls", "EHLO never sent, nothing taken as its reply",
              lambda c: client_verbs(c) == [] and not c["starttls_offered"]
              and not c["capabilities_before_tls_known"], "status"),
    ]),
    # 36: EHLO reply + "220 go ahead" in one segment before STARTTLS.
    Case("early-goahead", "early-goahead", "smtp", "starttls", 1, [
        expect("starttls", "protocol_error", "starttls", reason_all=[
            "reply to a command we did not send",
            '"220 2.0.0 go ahead" before STARTTLS']),
        field("starttls", "STARTTLS never sent, no TLS attempted",
              lambda c: "STARTTLS" not in client_verbs(c)
              and c.get("tls") is None, "status"),
        field("starttls", "the early go-ahead is flagged unsolicited, in "
              "order", lambda c: unasked_in_order(c, "220 2.0.0 go ahead"),
              "transcript"),
        field("starttls", "STARTTLS was seen as offered (EHLO reply intact)",
              lambda c: c["starttls_offered"] is True, "starttls_offered"),
    ]),
    # 36: IMAP greeting followed by "a1 OK" before any command.
    Case("imap-early-tagged", "imap-early-tagged", "imap", "plain,starttls",
         1, [
             expect("plain", "protocol_error", reason_all=[
                 "reply to a command we did not send",
                 '"a1 OK CAPABILITY completed" before CAPABILITY']),
             expect("starttls", "protocol_error", reason_all=[
                 "reply to a command we did not send"]),
             field("starttls", "a1 OK flagged unsolicited, in order",
                   lambda c: unasked_in_order(c, "a1 OK CAPABILITY"),
                   "transcript"),
             field("starttls", "no command sent", lambda c:
                   client_verbs(c) == [], "status"),
         ]),
    # 36: a guessed tag (a1) in a later segment: our tags are not a1.
    Case("imap-guessed-tag", "imap-guessed-tag", "imap", "plain,starttls",
         1, [
             expect("plain", "protocol_error", reason_all=[
                 "reply to a command we did not send", '"a1 OK done"']),
             expect("starttls", "protocol_error", reason_all=[
                 "reply to a command we did not send"]),
             field("starttls", "our tag is not guessable (not a1)",
                   lambda c: client_texts(c)
                   and re.match(r"^mp[a-z]{6}1 CAPABILITY$",
                                client_texts(c)[0]),
                   "transcript"),
             field("starttls", "STARTTLS never sent",
                   lambda c: "STARTTLS" not in client_verbs(c), "status"),
         ]),
    # 36: a tag that merely starts with ours.
    Case("imap-tag-prefix", "imap-tag-prefix", "imap", "starttls", 1, [
        expect("starttls", "protocol_error", reason_all=[
            "reply to a command we did not send", "x OK done"]),
        field("starttls", "STARTTLS never sent",
              lambda c: "STARTTLS" not in client_verbs(c), "status"),
    ]),
    # 36: 250 to STARTTLS is not the go-ahead.
    Case("starttls-250", "starttls-250", "smtp", "starttls", 1, [
        expect("starttls", "protocol_error", reason_all=[
            "unexpected reply to STARTTLS: 250 2.0.0 ok"]),
        field("starttls", "no TLS handshake attempted",
              lambda c: c.get("tls") is None, "status"),
    ]),
    # 36: 220 to EHLO.
    Case("ehlo-220", "ehlo-220", "smtp", "plain,starttls", 1, [
        expect("plain", "protocol_error", "capabilities", reason_all=[
            "unexpected reply to EHLO: 220"]),
        expect("starttls", "protocol_error", reason_all=[
            "unexpected reply to EHLO: 220"]),
        field("plain", "no HELO fallback",
              lambda c: client_verbs(c) == ["EHLO", "QUIT"]
              or client_verbs(c) == ["EHLO"], "status"),
    ]),
    # 37: 454- then 220 in one reply to STARTTLS.
    Case("starttls-mixed", "starttls-mixed", "smtp", "starttls", 1, [
        expect("starttls", "protocol_error", "starttls", reason_all=[
            "reply lines carry different codes (454, 220)"]),
        field("starttls", "no TLS handshake attempted",
              lambda c: c.get("tls") is None, "status"),
    ]),
    # 37: 550-...STARTTLS then 250 ok to EHLO: no HELO fallback.
    Case("ehlo-mixed-550", "ehlo-mixed-550", "smtp", "plain,starttls", 1, [
        expect("plain", "protocol_error", "capabilities", reason_all=[
            "reply lines carry different codes (550, 250)"]),
        expect("starttls", "protocol_error", reason_all=[
            "reply lines carry different codes (550, 250)"]),
        field("starttls", "no HELO, no STARTTLS",
              lambda c: "HELO" not in client_verbs(c)
              and "STARTTLS" not in client_verbs(c)
              and c["helo_fallback"] is False, "status"),
    ]),
    # 37: 250-ok then 550 no to EHLO: no HELO fallback.
    Case("ehlo-mixed-250", "ehlo-mixed-250", "smtp", "plain,starttls", 1, [
        expect("plain", "protocol_error", "capabilities", reason_all=[
            "reply lines carry different codes (250, 550)"]),
        expect("starttls", "protocol_error", reason_all=[
            "reply lines carry different codes (250, 550)"]),
        field("plain", "no HELO fallback",
              lambda c: "HELO" not in client_verbs(c)
              and c["helo_fallback"] is False, "status"),
    ]),
    # 36: 421 to EHLO closes the session: no HELO fallback.
    Case("ehlo-421", "ehlo-421", "smtp", "plain,starttls", 1, [
        expect("plain", "service_refused", "capabilities",
               reason_all=["421 4.3.2 shutting down"]),
        expect("starttls", "service_refused",
               reason_all=["421 4.3.2 shutting down"]),
        field("plain", "no HELO fallback",
              lambda c: "HELO" not in client_verbs(c), "status"),
    ]),
    # 36: 421 to STARTTLS closes the session.
    Case("starttls-421", "starttls-421", "smtp", "starttls", 1, [
        expect("starttls", "service_refused", "starttls",
               reason_all=["421 4.3.2 shutting down"]),
    ]),
    # 14: * BYE right after the greeting, before CAPABILITY.
    Case("imap-bye-early", "imap-bye-early", "imap", "plain,starttls", 1, [
        expect("plain", "service_refused", reason_all=["* BYE going away"]),
        expect("starttls", "service_refused",
               reason_all=["* BYE going away"]),
        field("starttls", "the BYE is flagged unsolicited, in order",
              lambda c: unasked_in_order(c, "* BYE going away"),
              "transcript"),
        field("starttls", "no command sent",
              lambda c: client_verbs(c) == [], "status"),
    ]),
    # 14: * BYE right after the STARTTLS OK, in its segment.
    Case("imap-bye-after-ok", "imap-bye-after-ok", "imap", "starttls", 1, [
        expect("starttls", "service_refused", "starttls",
               reason_all=["* BYE going away"]),
        field("starttls", "no TLS handshake attempted",
              lambda c: c.get("tls") is None, "status"),
    ]),
    # 36: an extra +OK before CAPA.
    Case("pop3-extra-ok", "pop3-extra-ok", "pop3", "plain,starttls", 1, [
        expect("plain", "protocol_error", reason_all=[
            "reply to a command we did not send",
            '"+OK again" before CAPA']),
        expect("starttls", "protocol_error", reason_all=[
            "reply to a command we did not send", "before CAPA"]),
        field("starttls", "the extra +OK is flagged unsolicited, in order",
              lambda c: unasked_in_order(c, "+OK again"), "transcript"),
    ]),
    # Nothing listens.
    Case("refused", "-", "smtp", "plain,starttls,tls", 1, [
        expect("plain", "refused", "connect"),
        expect("starttls", "refused", "connect"),
        expect("tls", "refused", "connect"),
    ]),
]


# ------------------------------------------------------------ global checks

# Characters no JSON string may hold raw: C0, DEL, C1, bidi and invisible
# format characters (rule 1 and the sanitiser table).
BAD_CHARS = re.compile("[\x00-\x1f\x7f\x80-\x9f\u200b-\u200f\u202a-\u202e"
                       "\u2066-\u2069\ufeff]")
# The same, but a LF between the lines of a multi-line reply is allowed.
BAD_CHARS_ML = re.compile("[\x00-\x09\x0b-\x1f\x7f\x80-\x9f\u200b-\u200f"
                          "\u202a-\u202e\u2066-\u2069\ufeff]")
MULTILINE_KEYS = ("greeting",)

CREDENTIALS = re.compile(r"^(\S+ )?(AUTH|AUTHENTICATE|LOGIN|USER|PASS|APOP)\b",
                         re.I)


def bad_strings(obj, path="", key=None):
    """Paths of strings holding raw control/format characters."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += bad_strings(v, "%s.%s" % (path, k), k)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += bad_strings(v, "%s[%d]" % (path, i), key)
    elif isinstance(obj, str):
        rx = BAD_CHARS_ML if key in MULTILINE_KEYS else BAD_CHARS
        m = rx.search(obj)
        if m:
            out.append("%s=%s" % (path, json.dumps(obj[:120])))
    return out


def global_checks(case, doc, cells):
    res = []
    modes = case.modes.split(",")
    got_modes = sorted(cells)
    res.append(("one cell per mode %s" % case.modes,
                sorted(modes) == got_modes
                and len(doc.get("cells", [])) == len(modes),
                "cells: %s" % [c.get("mode") for c in doc.get("cells", [])]))
    res.append(("every cell done", all(c.get("done") is True
                                       for c in doc.get("cells", [])),
                "done: %s" % [c.get("done") for c in doc.get("cells", [])]))
    bad = bad_strings(doc)
    res.append(("no raw control/format character in any JSON string "
                "(transcript text, reason, greeting, ...)",
                not bad, "; ".join(bad[:5])))
    creds = []
    for c in doc.get("cells", []):
        for t in client_texts(c):
            if CREDENTIALS.match(t):
                creds.append("%s: %s" % (c.get("mode"), t))
    res.append(("no credentials or login command sent", not creds,
                "; ".join(creds[:5])))
    # Fail closed: after a STARTTLS that did not end in TLS only QUIT /
    # LOGOUT may follow in the clear.
    leaks = []
    for c in doc.get("cells", []):
        if c.get("mode") != "starttls" or c.get("status") == "ok":
            continue
        seen = False
        for t in lines(c, "client"):
            txt = t.get("text") or ""
            if not seen:
                seen = bool(re.match(r"^(\S+ )?(STARTTLS|STLS)$", txt, re.I))
            elif t.get("sec") == "plain" and not re.match(
                    r"^(\S+ )?(QUIT|LOGOUT)$", txt, re.I):
                leaks.append(txt)
    res.append(("nothing but QUIT/LOGOUT in plaintext after a failed "
                "STARTTLS", not leaks, "; ".join(leaks[:5])))
    return res


def text_ok(b):
    bad = sorted({x for x in b if (x < 0x20 and x != 0x0a) or x == 0x7f})
    return (not bad), ("bytes %s" % ["0x%02x" % x for x in bad]
                       if bad else "")


# ------------------------------------------------------------------ report

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, got=""):
        self.n += 1
        desc = desc.replace("#", "\\#")
        if cond:
            print("ok %d - %s" % (self.n, desc))
        else:
            self.failed += 1
            print("not ok %d - %s" % (self.n, desc))
            for ln in str(got).splitlines() or [""]:
                print("# got %s" % ln)
        sys.stdout.flush()


def load_meta(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_bytes(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def report(outdir):
    tap = Tap()
    for case in CASES:
        limit = 3 * case.timeout + 1
        base = os.path.join(outdir, case.name)
        kinds = ["json", "text"] + (["textc"] if case.c_locale else [])
        metas = {}
        for kind in kinds:
            m = load_meta(base + "." + kind + ".meta")
            metas[kind] = m
            label = "%s (%s)" % (case.name, {"json": "--json",
                                              "text": "--text -v",
                                              "textc": "--text -v, LC_ALL=C"
                                              }[kind])
            if m is None:
                err = read_bytes(base + "." + kind + ".skip") or b""
                tap.ok(False, "%s: ran" % label,
                       err.decode("utf-8", "replace") or "no result")
                continue
            err = (read_bytes(base + "." + kind + ".err") or b"")[:300]
            tap.ok(m["rc"] == 0 and not m["killed"],
                   "%s: exit status 0" % label,
                   "rc=%s killed=%s stderr=%r" % (m["rc"], m["killed"], err))
            tap.ok(m["wall"] < limit, "%s: finished in < %d s" % (label, limit),
                   "%.3f s" % m["wall"])
            if kind != "json":
                out = read_bytes(base + "." + kind + ".out") or b""
                good, got = text_ok(out)
                tap.ok(good and len(out) > 0,
                       "%s: no ESC nor other control byte but \\n" % label,
                       got or "empty output")
        # JSON
        doc = None
        raw = read_bytes(base + ".json.out")
        try:
            doc = json.loads(raw.decode("utf-8"))
            parsed = isinstance(doc, dict) and isinstance(doc.get("cells"),
                                                          list)
            why = "no cells list"
        except Exception as e:      # bytes, UTF-8 or JSON
            parsed, why = False, "%s: %s" % (type(e).__name__, e)
        tap.ok(parsed, "%s: JSON parses" % case.name,
               why + ("; first bytes %r" % raw[:200] if raw else ""))
        if not parsed:
            doc = {"cells": []}
        cells = {}
        for c in doc["cells"]:
            if isinstance(c, dict):
                cells.setdefault(c.get("mode"), c)
        results = global_checks(case, doc, cells)
        for chk in case.checks:
            if isinstance(chk, tuple) and chk[0] == "run":
                _, kind, desc, pred = chk
                m = metas.get(kind)
                try:
                    good = m is not None and bool(pred(m))
                except Exception:
                    good = False
                results.append((desc, good, json.dumps(m)))
            elif isinstance(chk, tuple) and chk[0] == "text":
                _, kind, desc, pred = chk
                out = read_bytes(base + "." + kind + ".out") or b""
                try:
                    good = bool(pred(out))
                except Exception:
                    good = False
                results.append((desc, good, "output: %r" % out[:400]))
            else:
                results += chk(doc, cells)
        for desc, good, got in results:
            tap.ok(good, "%s: %s" % (case.name, desc), got)
    print("1..%d" % tap.n)
    return 0


# --------------------------------------------------------------------- run

def gnu_time(prefix):
    """/usr/bin/time if it is GNU time (-f, -o), else None.  It measures
    the peak RSS of mailports alone: rusage of a child forked from Python
    counts the Python image it was forked from."""
    t = "/usr/bin/time"
    if not os.access(t, os.X_OK):
        return None
    probe = prefix + ".probe"
    try:
        r = subprocess.run([t, "-f", "%M %U %S", "-o", probe, "true"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=10)
        with open(probe) as f:
            [float(x) for x in f.read().splitlines()[-1].split()]
        return t if r.returncode == 0 else None
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None
    finally:
        try:
            os.unlink(probe)
        except OSError:
            pass


def run(prefix, cmd):
    out = open(prefix + ".out", "wb")
    err = open(prefix + ".err", "wb")
    timer = gnu_time(prefix)
    rssfile = prefix + ".rss"
    full = [timer, "-f", "%M %U %S", "-o", rssfile] + cmd if timer else cmd
    t0 = time.monotonic()
    p = subprocess.Popen(full, stdin=subprocess.DEVNULL, stdout=out,
                         stderr=err, start_new_session=True)

    def stop(signum, frame):
        # t_hostile.sh is being stopped: take mailports (and time) along.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        os._exit(128 + signum)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
    killed = False
    deadline = t0 + HARD_LIMIT
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid == p.pid:
            break
        if time.monotonic() > deadline and not killed:
            try:
                os.killpg(p.pid, signal.SIGKILL)    # mailports and time
            except OSError:
                pass
            killed = True
        time.sleep(0.005)
    wall = time.monotonic() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    out.close()
    err.close()
    maxrss, cpu = ru.ru_maxrss, ru.ru_utime + ru.ru_stime
    if timer:
        try:
            with open(rssfile) as f:
                m, u, st = f.read().splitlines()[-1].split()
            maxrss, cpu = int(m), float(u) + float(st)
        except (OSError, ValueError, IndexError):
            maxrss, cpu = -1, -1.0
    meta = {"rc": p.returncode, "wall": round(wall, 4),
            "maxrss_kb": maxrss, "cpu": round(cpu, 3),
            "by": "time" if timer else "rusage", "killed": killed}
    with open(prefix + ".meta", "w") as f:
        json.dump(meta, f)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "cases":
        for c in CASES:
            print(c.name, c.scenario, c.service, c.modes, c.timeout,
                  "c" if c.c_locale else "-")
        return 0
    if len(argv) >= 5 and argv[1] == "run" and argv[3] == "--":
        return run(argv[2], argv[4:])
    if len(argv) == 3 and argv[1] == "report":
        return report(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""sclient.py: openssl s_client's verdict on the TLS cells of a lab, to be
put beside mailports' verdict by check.py (assertion `sclient`).

Usage:
  sclient.py --ports smtp=P1,imap=P2,... --ca CAFILE [--name NAME]
             [--address IP] [--timeout S] EXPECT_FILE >verdicts.jsonl

For every line of EXPECT_FILE (the check.py format) whose assertions
include a word starting with "sclient" and whose mode is starttls or tls,
it runs, against the same port,

  openssl s_client -connect IP:PORT [-starttls smtp|imap|pop3]
      -servername NAME -verify_return_error -verify_hostname NAME
      -CAfile CAFILE -brief </dev/null

(all cells at once, each under a timeout) and prints one JSON object per
cell: role, mode, port, argv, exit, connected (a handshake completed and
the certificate verified: -verify_return_error aborts otherwise),
protocol, cipher (OpenSSL's name), cipher_iana (the standard name, as
mailports prints it), sigtype (the server's handshake signature:
"RSA-PSS", "RSA", "ECDSA"), verification, peer, error (the first OpenSSL
error line, or "timeout") and verdict (one line for the TAP diagnostics).
A cell that also says sclient_refuses=TLSv1.2 (or TLSv1.3) gets a second
run limited to that version (-tls1_2, -tls1_3); its record is kept under
"refuses" (the same fields), so that check.py can assert that the server
really refuses it: the lab is limited to the other version, as it claims.
Loopback only; s_client sends nothing but the STARTTLS dialogue.
"""

import argparse
import json
import re
import subprocess
import sys
import threading

PROTO = {"smtp": "smtp", "submission": "smtp", "submissions": "smtp",
         "imap": "imap", "imaps": "imap", "pop3": "pop3", "pop3s": "pop3"}


def iana_names():
    """OpenSSL cipher name -> standard (IANA) name."""
    try:
        out = subprocess.run(["openssl", "ciphers", "-stdname",
                              "ALL:COMPLEMENTOFALL:@SECLEVEL=0"],
                             capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    names = {}
    for ln in out.splitlines():
        w = ln.split()
        if len(w) >= 3 and w[1] == "-":
            names[w[2]] = w[0]
    return names


def field(text, name):
    m = re.search(r"^%s: (.*)$" % re.escape(name), text, re.MULTILINE)
    return m.group(1).strip() if m else None


ONLY = {"TLSv1.2": "-tls1_2", "TLSv1.3": "-tls1_3"}


def run_one(cell, args, names, out):
    role, mode, port, only = cell
    res = s_client(role, mode, port, args, names, [])
    if only is not None:
        res["refuses"] = s_client(role, mode, port, args, names, [ONLY[only]])
        res["refuses"]["version"] = only
    out.append(res)


def s_client(role, mode, port, args, names, extra):
    argv = ["openssl", "s_client", "-connect", "%s:%d" % (args.address, port)]
    argv += extra
    if mode == "starttls":
        argv += ["-starttls", PROTO.get(role, role)]
    argv += ["-servername", args.name, "-verify_return_error",
             "-verify_hostname", args.name, "-CAfile", args.ca, "-brief"]
    res = {"role": role, "mode": mode, "port": port, "argv": argv,
           "exit": None, "connected": False, "protocol": None,
           "cipher": None, "cipher_iana": None, "sigtype": None,
           "verification": None, "peer": None, "error": None}
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=args.timeout)
        text = (p.stdout + p.stderr).decode("utf-8", "replace")
        res["exit"] = p.returncode
    except subprocess.TimeoutExpired as e:
        text = ((e.stdout or b"") + (e.stderr or b"")).decode("utf-8",
                                                               "replace")
        res["error"] = "timeout after %g s" % args.timeout
    except OSError as e:
        text = ""
        res["error"] = "cannot run openssl: %s" % e.strerror
    res["connected"] = "CONNECTION ESTABLISHED" in text
    res["protocol"] = field(text, "Protocol version")
    res["cipher"] = field(text, "Ciphersuite")
    if res["cipher"] is not None:
        res["cipher_iana"] = names.get(res["cipher"], res["cipher"])
    res["sigtype"] = field(text, "Signature type")
    res["verification"] = field(text, "Verification")
    res["peer"] = field(text, "Peer certificate")
    if res["error"] is None:
        for ln in text.splitlines():
            if ":error:" in ln:
                # 40671E92DD7F0000:error:0A000086:SSL routines:FUNC:REASON:...
                parts = ln.split(":")
                res["error"] = parts[5] if len(parts) > 5 else ln
                break
            if ln.startswith("verify error:") or ln.startswith(
                    "connect:errno="):
                res["error"] = ln
                break
    if res["connected"]:
        res["verdict"] = "%s %s, signature %s, verification %s, peer %s" % (
            res["protocol"], res["cipher_iana"], res["sigtype"],
            res["verification"], res["peer"])
    else:
        res["verdict"] = "no connection: %s" % (res["error"] or
                                               "exit %s" % res["exit"])
    return res


def main():
    ap = argparse.ArgumentParser(description="openssl s_client verdicts")
    ap.add_argument("--ports", required=True)
    ap.add_argument("--ca", required=True)
    ap.add_argument("--name", default="mail.test.example")
    ap.add_argument("--address", default="127.0.0.1")
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("expect")
    args = ap.parse_args()

    ports = {}
    for item in args.ports.split(","):
        role, _, port = item.partition("=")
        ports[role.strip()] = int(port)
    cells = []
    with open(args.expect) as f:
        for ln in f:
            w = ln.split("#", 1)[0].split()
            if len(w) < 3 or w[1] not in ("starttls", "tls"):
                continue
            if any(a.startswith("sclient") for a in w[2:]):
                if w[0] not in ports:
                    sys.exit("sclient.py: no port for role %s" % w[0])
                only = None
                for a in w[2:]:
                    if a.startswith("sclient_refuses="):
                        only = a.partition("=")[2]
                        if only not in ONLY:
                            sys.exit("sclient.py: %s: want TLSv1.2 or "
                                     "TLSv1.3" % a)
                cells.append((w[0], w[1], ports[w[0]], only))

    names = iana_names()
    out = []
    threads = [threading.Thread(target=run_one, args=(c, args, names, out))
               for c in cells]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for res in sorted(out, key=lambda r: (r["role"], r["mode"])):
        print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())

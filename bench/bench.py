#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""bench.py: time one `mailports --json` run over a lab's ports x 3 modes
against the same cells probed one after another with openssl s_client, and
report medians, the ratio and peak memory.  Driven by bench/run.sh, which
starts and stops the lab; loopback only.

Each child is timed from spawn to exit and its peak RSS read from wait4(2).
A serial cell is: plain  - a socket that reads the greeting and says QUIT
                           (LOGOUT for IMAP), in this process;
                  starttls - openssl s_client -starttls smtp|imap|pop3;
                  tls      - openssl s_client;
each with stdin /dev/null and killed after --cell-timeout seconds, which is
what ends the cells where the server waits silently (wrong mode).
"""

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import tempfile
import time

PROTO = {"smtp": "smtp", "submission": "smtp", "submissions": "smtp",
         "imap": "imap", "imaps": "imap", "pop3": "pop3", "pop3s": "pop3"}
MODES = ("plain", "starttls", "tls")


TIME = "/usr/bin/time"


def run_child(argv, limit, stdout=None):
    """Run argv; SIGKILL it after limit seconds.  Returns (wall seconds,
    exit status or -signal, peak RSS in KiB, killed?).  The peak RSS comes
    from GNU time where it exists: wait4(2) of our own child would count
    the memory of this Python process it was forked from."""
    rssfile = None
    if os.access(TIME, os.X_OK):
        fd, rssfile = tempfile.mkstemp(prefix="mailports-bench-rss.")
        os.close(fd)
        argv = [TIME, "-f", "%M", "-o", rssfile] + list(argv)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                         stdout=stdout if stdout is not None else subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    pid = p.pid
    lock = threading.Lock()
    state = {"reaped": False, "killed": False}

    def kill():
        with lock:
            if not state["reaped"]:
                state["killed"] = True
                os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(limit, kill)
    timer.start()
    # Wait without reaping, so the timer can never signal a recycled PID.
    while True:
        try:
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
            break
        except InterruptedError:
            continue
    with lock:
        state["reaped"] = True
    timer.cancel()
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    code = os.waitstatus_to_exitcode(status)
    p.returncode = code  # reaped here, for the peak RSS; Popen must not wait
    rss = ru.ru_maxrss
    if rssfile is not None:
        try:
            with open(rssfile) as f:
                lines = [l for l in f.read().split("\n") if l.strip()]
            rss = int(lines[-1])
        except (OSError, ValueError, IndexError):
            pass
        os.unlink(rssfile)
    return wall, code, rss, state["killed"]


def plain_cell(port, proto, limit):
    """Greeting + QUIT over a plain socket; returns (wall s, outcome)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=limit)
    except ConnectionRefusedError:
        return time.monotonic() - t0, "refused"
    except OSError as e:
        return time.monotonic() - t0, "error: %s" % e
    s.settimeout(max(0.01, limit - (time.monotonic() - t0)))
    try:
        data = s.recv(4096)
        outcome = "greeting" if data else "closed"
        if data:
            s.sendall(b"a LOGOUT\r\n" if proto == "imap" else b"QUIT\r\n")
    except socket.timeout:
        outcome = "no greeting (deadline)"
    except OSError as e:
        outcome = "error: %s" % e
    finally:
        s.close()
    return time.monotonic() - t0, outcome


def serial_run(roles, args, detail):
    total_t0 = time.monotonic()
    peak = 0
    for role, port in roles:
        proto = PROTO[role]
        for mode in MODES:
            if mode == "plain":
                wall, outcome = plain_cell(port, proto, args.cell_timeout)
                rss = 0
            else:
                argv = ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
                        "-servername", args.name, "-CAfile", args.ca,
                        "-verify_hostname", args.name, "-brief"]
                if mode == "starttls":
                    argv += ["-starttls", proto]
                wall, code, rss, killed = run_child(argv, args.cell_timeout)
                outcome = "killed at deadline" if killed else "exit %d" % code
                peak = max(peak, rss)
            detail.append((role, mode, wall, outcome))
    return time.monotonic() - total_t0, peak


def mailports_run(args):
    argv = [args.mailports, "--json", "--resolve", "%s:127.0.0.1" % args.name,
            "--ca-file", args.ca, "--timeout", str(args.timeout),
            "--ports", args.ports, args.name]
    fd = os.open(args.json_out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        wall, code, rss, killed = run_child(argv, args.timeout * 3 + 10, stdout=fd)
    finally:
        os.close(fd)
    return wall, code, rss, killed


def mib(kib):
    return "%.1f MiB" % (kib / 1024.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mailports", required=True)
    ap.add_argument("--ports", required=True, help="ROLE=PORT,... as for mailports")
    ap.add_argument("--ca", required=True)
    ap.add_argument("--name", default="mail.test.example")
    ap.add_argument("--timeout", type=int, default=10, help="mailports --timeout")
    ap.add_argument("--cell-timeout", type=float, default=3.0,
                    help="seconds before a serial openssl/socket cell is killed")
    ap.add_argument("-n", "--runs", type=int, default=5)
    ap.add_argument("--json-out", default=os.devnull,
                    help="where the last mailports JSON goes")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    roles = []
    for item in args.ports.split(","):
        role, _, port = item.partition("=")
        if role not in PROTO:
            sys.exit("bench: unknown role %r" % role)
        roles.append((role, int(port)))
    ncells = len(roles) * len(MODES)
    have_mp = os.access(args.mailports, os.X_OK)
    if not have_mp:
        print("bench: %s not found or not executable: only the serial baseline "
              "is measured" % args.mailports)

    mp_walls, mp_rss, serial_walls, serial_rss = [], [], [], []
    print("cells: %d (%d ports x 3 modes); runs: %d; mailports --timeout %d; "
          "serial cell deadline %g s" % (ncells, len(roles), args.runs,
                                          args.timeout, args.cell_timeout))
    print("%-4s %14s %8s %12s %14s %12s" % ("run", "mailports_s", "exit",
                                            "mp_rss", "serial_s", "ossl_rss"))
    detail = []
    for i in range(1, args.runs + 1):
        mp = ("-", "-", "-")
        if have_mp:
            wall, code, rss, killed = mailports_run(args)
            mp_walls.append(wall)
            mp_rss.append(rss)
            mp = ("%.3f" % wall, "killed" if killed else str(code), mib(rss))
        detail = []
        swall, speak = serial_run(roles, args, detail)
        serial_walls.append(swall)
        serial_rss.append(speak)
        print("%-4d %14s %8s %12s %14.3f %12s" % (i, mp[0], mp[1], mp[2],
                                                 swall, mib(speak)))
        sys.stdout.flush()

    waited = [d for d in detail if "deadline" in d[3]]
    own = sum(d[2] for d in detail if "deadline" not in d[3])
    if args.verbose:
        print("\nserial cells of the last run:")
        for role, mode, wall, outcome in detail:
            print("  %-12s %-8s %7.3f s  %s" % (role, mode, wall, outcome))

    print()
    s_med = statistics.median(serial_walls)
    print("median serial openssl s_client loop: %.3f s" % s_med)
    print("  of which %d cells waited out the %g s deadline; the other %d took "
          "%.3f s together (last run)" % (len(waited), args.cell_timeout,
                                          ncells - len(waited), own))
    print("peak RSS, serial: largest single openssl s_client: %s" % mib(max(serial_rss)))
    if mp_walls:
        m_med = statistics.median(mp_walls)
        print("median mailports --json: %.3f s" % m_med)
        print("peak RSS, mailports (max over runs): %s" % mib(max(mp_rss)))
        print("ratio serial / mailports: %.1fx" % (s_med / m_med))
        print("FIGURES: %d cells, median of %d: mailports %.2f s, serial openssl "
              "%.2f s, %.1fx faster; peak RSS mailports %s, openssl s_client %s"
              % (ncells, args.runs, m_med, s_med, s_med / m_med,
                 mib(max(mp_rss)), mib(max(serial_rss))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

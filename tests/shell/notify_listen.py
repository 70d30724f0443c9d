#!/usr/bin/env python3
"""A minimal stand-in for systemd's notification socket.

notify_listen.py SOCKET LOG L2TPSH CONTROL-SOCKET

Binds an AF_UNIX datagram socket at SOCKET (what systemd passes as
NOTIFY_SOCKET) and appends every datagram to LOG, one line per
assignment, prefixed with the monotonic time.  When a datagram carries
READY=1 it immediately asks the daemon's control socket for `show
version` through l2tpsh and logs `CHECK ok` or `CHECK failed ...`: a
daemon that announced readiness before its control socket answers
fails there.  Runs until killed.
"""
import os
import socket
import subprocess
import sys
import time


def main():
    path, log, l2tpsh, ctl = sys.argv[1:5]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    os.chmod(path, 0o666)
    with open(log, "a", buffering=1) as out:
        out.write("LISTENING\n")
        while True:
            data = s.recv(4096).decode("utf-8", "replace")
            t = time.monotonic()
            for line in data.split("\n"):
                if line:
                    out.write("%.3f %s\n" % (t, line))
            if "READY=1" in data.split("\n"):
                r = subprocess.run([l2tpsh, "-S", ctl, "-c", "show version"],
                                   capture_output=True, text=True)
                if r.returncode == 0 and r.stdout.startswith("l2tpv3d"):
                    out.write("CHECK ok\n")
                else:
                    out.write("CHECK failed rc=%d %s %s\n" %
                              (r.returncode, r.stdout.strip(),
                               r.stderr.strip()))


if __name__ == "__main__":
    main()

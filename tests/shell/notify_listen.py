#!/usr/bin/env python3
"""A minimal stand-in for systemd's notification socket.

notify_listen.py SOCKET LOG L2TPSH CONTROL-SOCKET PIDFILE

Binds an AF_UNIX datagram socket at SOCKET (what systemd passes as
NOTIFY_SOCKET) and appends every datagram to LOG, one line per
assignment, prefixed with the monotonic time and the sender's pid
(SCM_CREDENTIALS, as systemd checks it against NotifyAccess=main);
descriptors passed with BARRIER=1 are closed, which completes the
sender's barrier as systemd does.  When a datagram carries
READY=1 it immediately asks the daemon's control socket for `show
version` through l2tpsh and logs `CHECK ok` or `CHECK failed ...`: a
daemon that announced readiness before its control socket answers
fails there.  Runs until killed.

That check alone is a race (the daemon may open its socket while this
script wakes up), so first the socket's queue is filled: the daemon's
first notification then blocks in sendmsg().  Once the daemon (its pid
from PIDFILE) sleeps there, the control socket must already accept a
connection (`BLOCKED ok`); only then is the queue drained.  A daemon
that announced readiness before opening its sockets would be stopped
before them, deterministically.
"""
import os
import socket
import struct
import subprocess
import sys
import time


def blocked_check(pidfile, ctl):
    """Wait (20 s at most) for the daemon to block on the full queue,
    then try its control socket."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            pid = int(open(pidfile).read())
            wchan = open("/proc/%d/wchan" % pid).read()
        except (OSError, ValueError):
            wchan = ""
        if wchan == "unix_wait_for_peer":
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(ctl)
                return "BLOCKED ok"
            except OSError as e:
                return "BLOCKED failed: the first notification came " \
                    "before the control socket: %s" % e
            finally:
                c.close()
        time.sleep(0.05)
    return "BLOCKED failed: the daemon never blocked on a notification"


def main():
    path, log, l2tpsh, ctl, pidfile = sys.argv[1:6]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    s.bind(path)
    os.chmod(path, 0o666)
    filler = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    filler.setblocking(False)
    nfill = 0
    try:
        while True:
            filler.sendto(b"FILL", path)
            nfill += 1
    except BlockingIOError:
        pass
    with open(log, "a", buffering=1) as out:
        out.write("LISTENING\n")
        out.write(blocked_check(pidfile, ctl) + "\n")
        for _ in range(nfill):
            s.recv(16)
        while True:
            raw, anc, _, _ = s.recvmsg(
                4096, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4 * 8))
            data = raw.decode("utf-8", "replace")
            pid = -1
            fds = []
            for level, kind, cdata in anc:
                if level == socket.SOL_SOCKET and \
                        kind == socket.SCM_CREDENTIALS and len(cdata) >= 12:
                    pid = struct.unpack("=iII", cdata[:12])[0]
                if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                    fds += struct.unpack("=%di" % (len(cdata) // 4),
                                         cdata[:len(cdata) // 4 * 4])
            # BARRIER=1 carries a pipe's end: systemd closes it once
            # everything before it is processed, as we have.
            for fd in fds:
                os.close(fd)
            t = time.monotonic()
            for line in data.split("\n"):
                if line:
                    out.write("%.3f pid=%d %s\n" % (t, pid, line))
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

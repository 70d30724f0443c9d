#!/usr/bin/env python3
"""A scripted IETF peer that restarts and reuses its connection ID.

It plays what xcesp-l2tpv3d did (../shared/captures/xcesp-initiator_
l2tpv3d-responder_icrq-no-serial_udp.pcap, frames 166-167): it opens a
control connection with Assigned Control Connection ID X, then
"restarts" and sends the very same SCCRQ bytes again:

  1. SCCRQ, SCCRP, SCCCN, acknowledged: the daemon is established;
  2. StopCCN from us, acknowledged (the daemon's connection is closing),
     then the same SCCRQ again at once: the answer must be an SCCRP with
     a new Assigned Control Connection ID, Ns 0, Nr 1 -- never a ZLB
     with the old connection's sequence numbers -- and after our SCCCN
     the daemon is established on the new connection;
  3. no StopCCN, the same SCCRQ again (a peer that crashed while
     established): again a new SCCRP; after our SCCCN the daemon is
     established on the newest connection, and for the next seconds it
     sends no StopCCN (one would reach our new connection: same ID) and
     its HELLOs arrive.

No digest.  Exit status 0 when every step passed, 1 with "FAIL:".
"""

import argparse
import json
import os
import select
import socket
import struct
import subprocess
import sys
import time

SCCRQ, SCCRP, SCCCN, STOPCCN, HELLO = 1, 2, 3, 4, 6
A_MSGTYPE, A_RESULT, A_HOSTNAME, A_RX_WINDOW = 0, 1, 7, 10
A_ROUTER_ID, A_CCID, A_PW_CAPS = 60, 61, 62
HDR = struct.Struct("!HHIHH")


class Fail(Exception):
    pass


def avp(typ, value):
    return struct.pack("!HHH", 0x8000 | (6 + len(value)), 0, typ) + value


def message(ccid, ns, nr, avps):
    body = b"".join(avps)
    return HDR.pack(0xC803, HDR.size + len(body), ccid, ns, nr) + body


def parse(raw):
    """(ccid, ns, nr, type or None for a ZLB, {avp type: value})."""
    if len(raw) < HDR.size:
        raise Fail("short datagram")
    _, length, ccid, ns, nr = HDR.unpack(raw[:HDR.size])
    avps, off, mtype = {}, HDR.size, None
    while off + 6 <= length:
        flags, vendor, typ = struct.unpack("!HHH", raw[off:off + 6])
        alen = flags & 0x3FF
        if alen < 6:
            raise Fail("bad AVP length")
        if vendor == 0:
            avps[typ] = raw[off + 6:off + alen]
        off += alen
    if A_MSGTYPE in avps:
        mtype = struct.unpack("!H", avps[A_MSGTYPE])[0]
    return ccid, ns, nr, mtype, avps


class Peer:
    def __init__(self, a):
        self.a = a
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((a.local, a.port))
        self.dest = (a.peer, a.port)
        self.ccid = struct.unpack("!I", os.urandom(4))[0] | 1
        # One SCCRQ, sent byte for byte at every "restart".
        self.sccrq = message(0, 0, 0, [
            avp(A_MSGTYPE, struct.pack("!H", SCCRQ)),
            avp(A_HOSTNAME, b"restarting-peer"),
            avp(A_ROUTER_ID, struct.pack("!I", 0x0A0A0A0A)),
            avp(A_CCID, struct.pack("!I", self.ccid)),
            avp(A_PW_CAPS, struct.pack("!H", 5)),
            avp(A_RX_WINDOW, struct.pack("!H", 4)),
        ])

    def recv(self, timeout):
        r, _, _ = select.select([self.sock], [], [], timeout)
        if not r:
            return None
        raw, _ = self.sock.recvfrom(4096)
        return parse(raw)

    def expect(self, what, timeout=5.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.recv(deadline - time.time())
            if m is None:
                break
            if m[3] == what:
                return m
            if m[3] is None and what == "zlb":
                return m
            if m[3] is None:
                raise Fail(f"waiting for {what}: a ZLB (Ns {m[1]}, Nr "
                           f"{m[2]}) -- another connection's numbers")
            if m[3] == HELLO:
                continue
            raise Fail(f"waiting for {what}: message type {m[3]}")
        raise Fail(f"no {what} within {timeout} s")

    def connect(self, step):
        self.sock.sendto(self.sccrq, self.dest)
        ccid, ns, nr, _, avps = self.expect(SCCRP)
        if ccid != self.ccid or ns != 0 or nr != 1:
            raise Fail(f"{step}: SCCRP to {ccid} Ns {ns} Nr {nr}")
        peer_ccid = struct.unpack("!I", avps[A_CCID])[0]
        self.sock.sendto(message(peer_ccid, 1, 1, [
            avp(A_MSGTYPE, struct.pack("!H", SCCCN))]), self.dest)
        self.expect("zlb")
        self.wait_established(peer_ccid, step)
        print(f"{step}: established, daemon CCID {peer_ccid}")
        return peer_ccid

    def show(self):
        out = subprocess.run([self.a.l2tpsh, "-S", self.a.sock, "-c",
                              f"show tunnel {self.a.tunnel} json"],
                             capture_output=True, text=True, check=False)
        try:
            return json.loads(out.stdout)[self.a.tunnel]
        except (ValueError, KeyError):
            return {}

    def wait_established(self, local, step):
        deadline = time.time() + 5
        while time.time() < deadline:
            t = self.show()
            if (t.get("state") == "established" and
                    t.get("localCcid") == local and
                    t.get("remoteCcid") == self.ccid):
                return
            time.sleep(0.1)
        raise Fail(f"{step}: daemon not established on {local}: {t}")

    def run(self):
        first = self.connect("open")
        stop = message(first, 2, 1, [
            avp(A_MSGTYPE, struct.pack("!H", STOPCCN)),
            avp(A_CCID, struct.pack("!I", self.ccid)),
            avp(A_RESULT, struct.pack("!HH", 1, 0))])
        self.sock.sendto(stop, self.dest)
        self.expect("zlb")
        second = self.connect("restart after StopCCN")
        if second == first:
            raise Fail("the daemon reused its connection ID")
        third = self.connect("restart while established")
        if third in (first, second):
            raise Fail("the daemon reused its connection ID")
        # The replaced connection must stay silent; the new one lives.
        hellos, ns = 0, 2
        deadline = time.time() + self.a.watch
        while time.time() < deadline:
            m = self.recv(deadline - time.time())
            if m is None:
                break
            _, mns, _, mtype, _ = m
            if mtype == STOPCCN:
                raise Fail("a StopCCN reached the new connection")
            if mtype == HELLO:
                hellos += 1
                self.sock.sendto(message(third, ns, mns + 1, []),
                                 self.dest)
        if hellos < self.a.hellos:
            raise Fail(f"{hellos} HELLOs in {self.a.watch} s")
        self.wait_established(third, "after the watch")
        print(f"held: {hellos} HELLOs, no StopCCN")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--local", required=True)
    p.add_argument("--peer", required=True)
    p.add_argument("--port", type=int, default=1701)
    p.add_argument("--l2tpsh", required=True)
    p.add_argument("--sock", required=True)
    p.add_argument("--tunnel", required=True)
    p.add_argument("--watch", type=float, default=4.5)
    p.add_argument("--hellos", type=int, default=3)
    a = p.parse_args()
    try:
        Peer(a).run()
    except Fail as e:
        print(f"FAIL: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A scripted Cisco IOS peer that sets up a pseudowire in draft form.

It reuses cisco_peer.py's tunnel (Peer: SCCRQ, SCCRP checks, SCCCN, all
in Cisco's draft dialect) and then plays the session part of the router:

  1. ICRQ as IOS sends it: Call Serial Number (M), 9:3 (M), 9:4 = 0 (M),
     9:5 cookie (M), 9:6 VC ID "101", 9:7 = 5 (M), 9:9 tie breaker (M),
     9:14 Interface MTU;
  2. the ICRP must be in the same form: 9:3 (the daemon's ID), 9:4 = our
     ID, 9:5 (4-byte cookie), 9:7 = 5, 9:14 (the session's configured
     MTU), and no IETF 63/64;
  3. ICCN with Framing Type (M, 0), Connect Speed (M, 0), 9:3, 9:4; the
     daemon shows the session established, IDs and cookies crossed;
  4. SLI with 9:8 = 0 (circuit down) and the non-mandatory 9:114: the
     daemon shows the remote circuit down;
  5. CDN (result 3): the daemon's session goes idle and records it;
  6. an ICRQ for VC ID "999", which the daemon does not have, gets a
     Cisco-form CDN with result 5 and a message naming the VC ID;
  7. StopCCN, as in cisco_peer.py.

Exit status 0 when every step passed, 1 with a "FAIL:" line otherwise.
"""

import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cisco_peer import (CISCO, IETF, A_RESULT, A_CCID, STOPCCN, SCCRP,  # noqa: E402
                        SCCCN, Fail, Peer, avp, log, u16, u32)
import cisco_peer  # noqa: E402

ICRQ, ICRP, ICCN, CDN, SLI = 10, 11, 12, 14, 16
A_CALL_SERIAL, A_FRAMING_TYPE, A_CONNECT_SPEED = 15, 19, 24
A_LOCAL_SID, A_REMOTE_SID = 63, 64
C_LOCAL_SID, C_REMOTE_SID, C_COOKIE, C_END_ID = 3, 4, 5, 6
C_PW_TYPE, C_CIRCUIT, C_TIE_BREAKER, C_MTU = 7, 8, 9, 14
C_UNKNOWN_114 = 114
cisco_peer.NAMES.update({ICRQ: "ICRQ", ICRP: "ICRP", ICCN: "ICCN",
                         CDN: "CDN", SLI: "SLI"})


class SessionPeer(Peer):
    def __init__(self, args):
        super().__init__(args)
        self.sid = struct.unpack("!I", os.urandom(4))[0] | 1
        self.cookie = os.urandom(4)
        self.peer_sid = 0
        self.peer_cookie = b""

    def is_type(self, mt):
        return lambda m: not m.zlb() and m.msgtype() == (IETF, mt)

    def sessions(self):
        return self.show("show session")

    def wait_session(self, name, pred, what, timeout=10.0):
        deadline = time.monotonic() + timeout
        while True:
            s = self.sessions().get(name, {})
            if pred(s):
                return s
            if time.monotonic() > deadline:
                raise Fail(f"daemon: session {what} not reached, shows {s}")
            self.pump(0.1)

    def icrq(self, vc_id, sid):
        log(f"-> ICRQ VC ID {vc_id} session {sid}")
        self.send(ICRQ, avp(IETF, A_CALL_SERIAL, u32(1)) +
                  avp(CISCO, C_LOCAL_SID, u32(sid)) +
                  avp(CISCO, C_REMOTE_SID, u32(0)) +
                  avp(CISCO, C_COOKIE, self.cookie) +
                  avp(CISCO, C_END_ID, vc_id.encode(), False) +
                  avp(CISCO, C_PW_TYPE, u16(5)) +
                  avp(CISCO, C_TIE_BREAKER, os.urandom(8)) +
                  avp(CISCO, C_MTU, u16(1500), False))

    def check_icrp(self, m):
        for typ in (A_LOCAL_SID, A_REMOTE_SID):
            if m.find(IETF, typ) is not None:
                raise Fail(f"ICRP carries IETF AVP {typ} in draft form")
        self.peer_sid = m.need(CISCO, C_LOCAL_SID).u32()
        if self.peer_sid == 0:
            raise Fail("ICRP 9:3 is 0")
        if m.need(CISCO, C_REMOTE_SID).u32() != self.sid:
            raise Fail("ICRP 9:4 is not our session ID")
        self.peer_cookie = m.need(CISCO, C_COOKIE).value
        if len(self.peer_cookie) != 4:
            raise Fail(f"ICRP cookie is {len(self.peer_cookie)} bytes")
        if m.need(CISCO, C_PW_TYPE).u16() != 5:
            raise Fail("ICRP 9:7 is not 5 (Ethernet)")
        mtu = m.find(CISCO, C_MTU)
        if mtu is None:
            raise Fail("ICRP lacks 9:14")
        self.peer_mtu = mtu.u16()

    def next_in(self):
        self.nr = (self.nr + 1) & 0xFFFF

    def session_ids(self):
        return avp(CISCO, C_LOCAL_SID, u32(self.sid)) + \
            avp(CISCO, C_REMOTE_SID, u32(self.peer_sid))

    def run_session(self):
        self.icrq("101", self.sid)
        m = self.expect("ICRP", self.is_type(ICRP))
        self.next_in()
        self.check_icrp(m)
        log(f"   ICRP in draft form, daemon session {self.peer_sid}")

        log("-> ICCN")
        self.send(ICCN, avp(IETF, A_FRAMING_TYPE, u32(0)) +
                  avp(IETF, A_CONNECT_SPEED, u32(0)) + self.session_ids())
        self.ack_of(self.ns - 1, "ICCN")
        s = self.wait_session("vc101", lambda s: s.get("state") ==
                              "established", "established")
        want = {"dialect": "cisco", "localSessionId": self.peer_sid,
                "remoteSessionId": self.sid, "remoteEndId": "101",
                "localCookie": self.peer_cookie.hex(),
                "peerCookie": self.cookie.hex(), "peerMtu": 1500,
                "remoteCircuit": "up", "initiator": False,
                "mtu": self.peer_mtu}
        for k, v in want.items():
            if s.get(k) != v:
                raise Fail(f"daemon shows {k} {s.get(k)!r}, want {v!r}")
        log("   daemon: session established, IDs and cookies crossed")

        log("-> SLI circuit down, with 9:114")
        self.send(SLI, self.session_ids() + avp(CISCO, C_CIRCUIT, u16(0)) +
                  avp(CISCO, C_UNKNOWN_114, bytes(4), False))
        self.ack_of(self.ns - 1, "SLI")
        self.wait_session("vc101", lambda s: s.get("remoteCircuit") ==
                          "down" and s.get("sliReceived") == 1,
                          "remote circuit down")
        log("   daemon: remote circuit down")

        log("-> CDN result 3")
        self.send(CDN, avp(IETF, A_RESULT, u16(3) + u16(0)) +
                  self.session_ids())
        self.ack_of(self.ns - 1, "CDN")
        s = self.wait_session("vc101", lambda s: s.get("state") == "idle",
                              "idle")
        cdn = s.get("lastCdn", {})
        if cdn.get("result") != 3 or not cdn.get("byPeer"):
            raise Fail(f"daemon recorded CDN {cdn}")
        log("   daemon: session idle after our CDN")

        self.icrq("999", self.sid + 1)
        m = self.expect("CDN", self.is_type(CDN))
        self.next_in()
        res = m.need(IETF, A_RESULT).value
        result, _ = struct.unpack("!HH", res[:4])
        text = res[4:].decode(errors="replace")
        if result != 5 or "999" not in text:
            raise Fail(f"CDN for VC 999: result {result} {text!r}")
        if m.need(CISCO, C_REMOTE_SID).u32() != self.sid + 1:
            raise Fail("CDN 9:4 is not the refused session's ID")
        self.send_ack()
        log(f"   CDN result 5: {text}")

    def run(self):
        self.sccrq()
        m = self.expect("SCCRP", self.is_type(SCCRP))
        self.nr = 1
        self.check_sccrp(m)
        log("-> SCCCN")
        self.send(SCCCN, self.scccn_body())
        self.ack_of(1, "SCCCN")
        self.established()
        self.run_session()
        log("-> StopCCN")
        self.send(STOPCCN, avp(IETF, A_RESULT, u16(1) + u16(6) +
                               b"Admin Action") +
                  avp(CISCO, 1, u32(self.ccid)))
        self.ack_of(self.ns - 1, "StopCCN")
        self.wait_tunnel(lambda t: t.get("state") != "established",
                         "leaving established")


def main():
    sys.argv[0] = "cisco_session_peer.py"
    cisco_peer.Peer = SessionPeer
    return cisco_peer.main()


if __name__ == "__main__":
    sys.exit(main())

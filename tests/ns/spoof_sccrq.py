#!/usr/bin/env python3
"""The attacker of tests/ns/spoof-sccrq.sh: SCCRQs from a peer's address.

It runs in a namespace of its own that holds the victim peer's address,
so its datagrams carry that source address as a spoofer's would.

  --pcap FILE    take the first SCCRQ the peer sent in that capture
                 (Ethernet, IPv4, UDP to --dport) -- signed with the
                 real secret, since an SCCRQ's digest covers no nonce;
  --ports A:N    send from N source ports starting at A (one socket each);
  --copies K     the captured SCCRQ K times from each port;
  --forge K      and K forged SCCRQs from each port: random connection
                 IDs, a Message Digest AVP of random bytes.

Everything goes out as fast as the sockets take it.  Prints what it sent.
"""

import argparse
import os
import socket
import struct
import sys

HDR = struct.Struct("!HHIHH")


def first_sccrq(path, src, dport):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        sys.exit("not a pcap file")
    if struct.unpack(end + "I", data[20:24])[0] != 1:
        sys.exit("not an Ethernet capture")
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 14 + 20 + 8 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0xF) * 4
        if ip[9] != 17 or socket.inet_ntoa(ip[12:16]) != src:
            continue
        udp = ip[ihl:]
        if struct.unpack("!H", udp[2:4])[0] != dport:
            continue
        l2tp = udp[8:struct.unpack("!H", udp[4:6])[0]]
        if len(l2tp) < 20 or HDR.unpack(l2tp[:12])[2] != 0:
            continue
        # Message Type AVP first: 0:0 = 1 (SCCRQ).
        if l2tp[14:18] == b"\x00\x00\x00\x00" and l2tp[18:20] == b"\x00\x01":
            return l2tp
    sys.exit("no SCCRQ from %s in %s" % (src, path))


def avp(typ, value):
    return struct.pack("!HHH", 0x8000 | (6 + len(value)), 0, typ) + value


def forged(host):
    body = b"".join([
        avp(0, struct.pack("!H", 1)),
        avp(59, b"\x00" + os.urandom(16)),
        avp(7, host),
        avp(60, os.urandom(4)),
        avp(61, os.urandom(4)),
        avp(62, struct.pack("!H", 5)),
    ])
    return HDR.pack(0xC803, 12 + len(body), 0, 0, 0) + body


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dport", type=int, default=1701)
    p.add_argument("--pcap")
    p.add_argument("--ports", default="1701:1")
    p.add_argument("--copies", type=int, default=1)
    p.add_argument("--forge", type=int, default=0)
    p.add_argument("--host", default="lcce-b")
    a = p.parse_args()
    replay = first_sccrq(a.pcap, a.src, a.dport) if a.pcap else None
    first, count = (int(x) for x in a.ports.split(":"))
    socks = []
    for port in range(first, first + count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        s.bind((a.src, port))
        socks.append(s)
    sent = 0
    for s in socks:
        for _ in range(a.copies if replay else 0):
            s.sendto(replay, (a.dst, a.dport))
            sent += 1
        for _ in range(a.forge):
            s.sendto(forged(a.host.encode()), (a.dst, a.dport))
            sent += 1
    for s in socks:
        s.close()
    print(f"sent {sent} SCCRQs from {count} ports")


if __name__ == "__main__":
    main()

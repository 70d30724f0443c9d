#!/usr/bin/env python3
"""Write a pcap (LINKTYPE_RAW) holding one L2TPv3-over-UDP data packet
carrying an Ethernet frame from 02:11:22:33:44:5e to 02:aa:bb:cc:dd:ee,
for tests of `show session NAME wireshark`.

usage: data_pcap.py SESSION-ID COOKIE-HEX none|default SRC DST PORT
"""
import ipaddress
import struct
import sys


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    total = (total >> 16) + (total & 0xFFFF)
    total += total >> 16
    return ~total & 0xFFFF


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    sid = int(sys.argv[1])
    cookie = bytes.fromhex(sys.argv[2])
    sublayer = struct.pack("!I", 0) if sys.argv[3] == "default" else b""
    src = ipaddress.IPv4Address(sys.argv[4]).packed
    dst = ipaddress.IPv4Address(sys.argv[5]).packed
    port = int(sys.argv[6])
    frame = (bytes.fromhex("02aabbccddee" "02112233445e") + b"\x08\x00" +
             bytes(46))
    # RFC 3931 4.1.2.1: T=0, version 3, reserved, then the session.
    l2tp = struct.pack("!HHI", 0x0003, 0, sid) + cookie + sublayer + frame
    udp = struct.pack("!HHHH", port, port, 8 + len(l2tp), 0) + l2tp
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17,
                     0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    packet = ip + udp
    out = sys.stdout.buffer
    out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101))
    out.write(struct.pack("<IIII", 1700000000, 0, len(packet), len(packet)))
    out.write(packet)


if __name__ == "__main__":
    main()

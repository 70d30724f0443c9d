#!/bin/sh
# l2tpdump against the real third-party captures in tests/captures/ (every
# message must decode and validate, in text, -v and -j modes, with the
# values and message sequence those captures are known to hold), then
# against synthetic captures that exercise what the real ones do not:
# every link type, VLAN tags, IPv6 extension headers, data packets,
# digests with nonces, and the failure paths with their exit status.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
PY=${PYTHON3:-python3}
TSHARK=${TSHARK:-}
dump=$top_builddir/cli/l2tpdump
caps=$top_srcdir/tests/captures
tmp=$(mktemp -d "${TMPDIR:-/tmp}/l2tpdump-test.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0

fail() {
	echo "FAIL: $*" >&2
	status=1
}

# run NAME EXPECTED_RC ARGS...: stdout to $tmp/NAME.out, stderr .err
run() {
	name=$1 want=$2
	shift 2
	"$dump" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		fail "$name: l2tpdump $* exited $rc, expected $want"
		sed 's/^/  | /' "$tmp/$name.err" | head -5 >&2
		grep -E 'FAILED|REJECT' "$tmp/$name.out" | head -5 | \
		    sed 's/^/  | /' >&2
	fi
}

expect_grep() {
	grep -q -- "$2" "$tmp/$1.out" || fail "$1: no line matching '$2'"
}

# Per-message-type counts from a -j run, "TYPE=N" sorted, as one line.
json_type_counts() {
	"$PY" -c '
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    c[json.loads(line)["msg"]["type"]] += 1
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))
' "$1"
}

# The same from tshark: numeric types mapped to our names.
tshark_type_counts() {
	"$TSHARK" -n -r "$1" -Y l2tp -T fields -e l2tp.avp.message_type \
	    2>/dev/null | "$PY" -c '
import collections, sys
names = {1: "SCCRQ", 2: "SCCRP", 3: "SCCCN", 4: "StopCCN", 6: "HELLO",
         10: "ICRQ", 11: "ICRP", 12: "ICCN", 14: "CDN", 16: "SLI", 20: "ACK"}
c = collections.Counter()
for line in sys.stdin:
    first = line.strip().split(",")[0]
    c[names[int(first)] if first else "ZLB"] += 1
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))
'
}

# check_json NAME COUNT: every line is JSON, COUNT of them, all valid.
check_json() {
	"$PY" - "$tmp/$1.out" "$2" <<'EOF' || fail "$1: JSON check"
import json, sys
path, want = sys.argv[1], int(sys.argv[2])
n, last = 0, 0
for lineno, line in enumerate(open(path), 1):
    try:
        o = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON: %s" % (lineno, e))
    n += 1
    for key in ("frame", "time", "src", "dst", "encap"):
        if key not in o:
            sys.exit("line %d: no %r" % (lineno, key))
    if "failed" in o or o.get("valid") is not True:
        sys.exit("line %d: not accepted: %s" % (lineno, o.get("error")))
    if o["frame"] <= last:
        sys.exit("line %d: frame numbers not increasing" % lineno)
    last = o["frame"]
if n != want:
    sys.exit("%d JSON lines, expected %d" % (n, want))
EOF
}

# check_capture NAME FILE COUNT TYPECOUNTS: the three modes on a capture.
check_capture() {
	base=$1 f=$caps/$2 count=$3 types=$4
	run "$base" 0 -r "$f"
	run "$base-v" 0 -v -r "$f"
	run "$base-j" 0 -j -r "$f"
	n=$(grep -c -E '^[0-9]+ [0-9:.]+ ' "$tmp/$base.out")
	[ "$n" -eq "$count" ] || fail "$base: $n messages, expected $count"
	if grep -q -E 'FAILED|REJECT' "$tmp/$base.out" "$tmp/$base-v.out"; then
		fail "$base: decode or validation failures"
	fi
	check_json "$base-j" "$count"
	got=$(json_type_counts "$tmp/$base-j.out")
	[ "$got" = "$types" ] || fail "$base: types $got, expected $types"
	if [ -n "$TSHARK" ] && [ -x "$TSHARK" ]; then
		judge=$(tshark_type_counts "$f")
		[ "$got" = "$judge" ] ||
		    fail "$base: types $got, tshark says $judge"
	fi
}

# First N message types of a -j run, space separated.
json_type_seq() {
	"$PY" -c '
import json, sys
types = [json.loads(line)["msg"]["type"] for line in open(sys.argv[1])]
print(" ".join(types[:int(sys.argv[2])]))
' "$1" "$2"
}

json_avp_values() {
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    for a in json.loads(line)["msg"]["avps"]:
        if a["name"] == sys.argv[2]:
            print(a["value"])
' "$1" "$2"
}

real_captures() {
	check_capture gol2tp gol2tp-testvector_prol2tp-1.7.3_sccrq_udp_RECONSTRUCTED.pcap \
	    1 "SCCRQ=1"
	expect_grep gol2tp 'udp SCCRQ .*host="openv3"'
	expect_grep gol2tp-v '"openv3"'
	expect_grep gol2tp-v 'prol2tp 1.7.3'
	json_avp_values "$tmp/gol2tp-j.out" hostName | grep -x openv3 >/dev/null ||
	    fail "gol2tp: JSON hostName is not openv3"

	check_capture cisco openrpd_cisco-ubr10k_rfgw10_depi_l2tpv3ip_control.pcap 121 \
	    "HELLO=8 ICCN=24 ICRP=24 ICRQ=24 SCCCN=1 SCCRP=1 SCCRQ=2 SLI=1 StopCCN=2 ZLB=34"
	seq=$(json_type_seq "$tmp/cisco-j.out" 6)
	[ "$seq" = "SCCRQ SCCRQ StopCCN SCCRP SCCCN ICRQ" ] ||
	    fail "cisco: message sequence '$seq'"
	expect_grep cisco-v 'Cisco Systems, Inc.'
	expect_grep cisco '^1 [0-9:.]* 4.6.13.2 -> 4.6.13.1 ip SCCRQ'
	json_avp_values "$tmp/cisco-j.out" vendorName |
	    grep -x 'Cisco Systems, Inc.' >/dev/null || fail "cisco: JSON vendorName"

	check_capture vector openrpd_vectorccs_openrpd_rphy_2018-09-19_l2tpv3ip_control.pcap \
	    432 "ACK=7 HELLO=199 ICCN=6 ICRP=6 ICRQ=6 SCCCN=1 SCCRP=1 SCCRQ=1 SLI=6 ZLB=199"
	seq=$(json_type_seq "$tmp/vector-j.out" 4)
	[ "$seq" = "SCCRQ SCCRP SCCCN ACK" ] ||
	    fail "vector: message sequence '$seq'"
	expect_grep vector 'ip SCCRQ .*host="VECTOR CCS"'
	expect_grep vector 'ip SCCRP .*host="OpenRPD"'
}

# Synthetic captures: tests/l2tpdump has no binary files of its own, the
# frames are written here from byte strings.
make_synthetic() {
	"$PY" - "$tmp" <<'EOF'
import hashlib, hmac, os, struct, sys

out = sys.argv[1]


def avp(vendor, atype, value, m=True):
    return struct.pack(">HHH", (0x8000 if m else 0) | (6 + len(value)),
                       vendor, atype) + value


def ctrl(avps, ccid=0, ns=0, nr=0):
    body = b"".join(avps)
    return struct.pack(">HHIHH", 0xC803, 12 + len(body), ccid, ns, nr) + body


def mt(t):
    return avp(0, 0, struct.pack(">H", t))


HELLO = ctrl([mt(6)], ccid=0x10203040, ns=5, nr=7)
SRC4, DST4 = bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])
SRC6 = bytes.fromhex("20010db8000000000000000000000001")
DST6 = bytes.fromhex("20010db8000000000000000000000002")


def ipv4(proto, payload, src=SRC4, dst=DST4, frag=0):
    return struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 1, frag,
                       64, proto, 0, src, dst) + payload


def ipv6(proto, payload, exthdrs=b"", first=None):
    return struct.pack(">IHBB16s16s", 6 << 28, len(exthdrs) + len(payload),
                       first if first is not None else proto, 64, SRC6,
                       DST6) + exthdrs + payload


def udp(payload, sport=1701, dport=1701):
    return struct.pack(">HHHH", sport, dport, 8 + len(payload), 0) + payload


def ether(etype, payload, vlans=()):
    hdr = b"\x02\0\0\0\0\1\x02\0\0\0\0\2"
    for vid in vlans:
        hdr += struct.pack(">HH", 0x8100, vid)
    return hdr + struct.pack(">H", etype) + payload


def write_pcap(name, linktype, frames, snaplen=65535):
    with open(os.path.join(out, name), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen,
                            linktype))
        for i, frame in enumerate(frames):
            cap = frame[:snaplen]
            f.write(struct.pack("<IIII", 1700000000 + i, 250000, len(cap),
                                len(frame)))
            f.write(cap)


# One HELLO per link type and encapsulation.
write_pcap("eth4udp.pcap", 1, [ether(0x0800, ipv4(17, udp(HELLO)))])
write_pcap("eth4ip.pcap", 1,
           [ether(0x0800, ipv4(115, b"\0\0\0\0" + HELLO) + b"\0" * 6)])
# Cisco's pre-standard UTI: IP protocol 120, the same header (issue 10).
write_pcap("eth4uti.pcap", 1,
           [ether(0x0800, ipv4(120, b"\0\0\0\0" + HELLO)),
            ether(0x0800, ipv4(120, struct.pack(">I", 77) + bytes(60)))])
hopopts = bytes([17, 0, 1, 4, 0, 0, 0, 0])  # next UDP, PadN
dstopts = bytes([115, 1]) + bytes([1, 12]) + bytes(12)  # 16 bytes
write_pcap("vlan6udp.pcap", 1, [ether(0x86DD, ipv6(17, udp(HELLO), hopopts,
                                                     first=0), vlans=(100, 7))])
write_pcap("sll6ip.pcap", 113, [
    struct.pack(">HHH8sH", 0, 1, 6, b"\x02\0\0\0\0\1\0\0", 0x86DD) +
    ipv6(115, b"\0\0\0\0" + HELLO, dstopts, first=60)])
write_pcap("sll2_4udp.pcap", 276, [
    struct.pack(">HHIHBB8s", 0x0800, 0, 2, 1, 0, 6, b"\x02\0\0\0\0\1\0\0") +
    ipv4(17, udp(HELLO, sport=40000))])
write_pcap("raw4udp.pcap", 101, [ipv4(17, udp(HELLO, 5000, 5000))])
write_pcap("null4ip.pcap", 0,
           [struct.pack("<I", 2) + ipv4(115, b"\0\0\0\0" + HELLO)])
write_pcap("loop6udp.pcap", 108, [struct.pack(">I", 24) + ipv6(17, udp(HELLO))])
# Other traffic is skipped quietly.
write_pcap("other.pcap", 1, [ether(0x0800, ipv4(17, udp(b"xyz", 53, 53))),
                             ether(0x0806, bytes(28))])
# Failures: malformed L2TP, truncated by the snap length, IP fragment.
bad = HELLO[:2] + struct.pack(">H", len(HELLO) + 4) + HELLO[4:]
write_pcap("bad.pcap", 1, [ether(0x0800, ipv4(17, udp(HELLO))),
                           ether(0x0800, ipv4(17, udp(bad)))])
write_pcap("snap.pcap", 1, [ether(0x0800, ipv4(17, udp(HELLO)))], snaplen=50)
write_pcap("frag.pcap", 1, [ether(0x0800, ipv4(115, HELLO, frag=0x2000))])
# Data packets: UDP with an 8-byte cookie and the L2-Specific Sublayer,
# IP with a 4-byte cookie and sublayer.
cookie8 = bytes.fromhex("0102030405060708")
write_pcap("data.pcap", 1, [
    ether(0x0800, ipv4(17, udp(b"\0\3\0\0" + struct.pack(">I", 0xBEEF) +
                               cookie8 + b"\x40\0\0\x2a" + bytes(60))))])
write_pcap("data-ip.pcap", 1, [
    ether(0x0800, ipv4(115, struct.pack(">I", 77) + b"\xca\xfe\xba\xbe" +
                       b"\x40\0\1\0" + bytes(60)))])

# An MD5-digested SCCRQ, SCCRP, SCCCN: the digest notes' known answer.
secret = b"s3cr3t-key"
key = hmac.new(secret, b"\x02", hashlib.md5).digest()
n_init, n_resp = bytes(range(0x10, 0x20)), bytes(range(0xA0, 0xB4))


def signed(avps, nonces, **hdr):
    msg = ctrl([avps[0], avp(0, 59, b"\0" + bytes(16))] + avps[1:], **hdr)
    mac = hmac.new(key, nonces + msg, hashlib.md5).digest()
    return msg[:12 + 8 + 7] + mac + msg[12 + 8 + 7 + 16:]


a, b = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
sccrq = signed([mt(1), avp(0, 7, b"lac"), avp(0, 60, a),
                avp(0, 61, struct.pack(">I", 0x99)),
                avp(0, 62, b"\0\5"), avp(0, 73, n_init)], b"")
sccrp = signed([mt(2), avp(0, 7, b"lns"), avp(0, 60, b),
                avp(0, 61, struct.pack(">I", 0x1234)), avp(0, 62, b"\0\5"),
                avp(0, 73, n_resp)], n_resp + n_init, ccid=0x99, nr=1)
scccn = bytes.fromhex("c803002b0000123400010001800800000000000380170000003b00"
                      "b2ed801ff6d1bd3c12b516b1a14187dd")
# A SHA-1 digested SCCRQ (no nonces), its key derived with HMAC-SHA-1.
key1 = hmac.new(secret, b"\x02", hashlib.sha1).digest()
msg = ctrl([mt(1), avp(0, 59, b"\1" + bytes(20)), avp(0, 7, b"lac"),
            avp(0, 60, a), avp(0, 61, struct.pack(">I", 0x98)),
            avp(0, 62, b"\0\5")])
mac = hmac.new(key1, msg, hashlib.sha1).digest()
write_pcap("sha1.pcap", 1, [ether(0x0800, ipv4(17, udp(
    msg[:27] + mac + msg[47:]), a, b))])
write_pcap("digest.pcap", 1, [
    ether(0x0800, ipv4(17, udp(sccrq), a, b)),
    ether(0x0800, ipv4(17, udp(sccrp), b, a)),
    ether(0x0800, ipv4(17, udp(scccn), a, b))])
EOF
}

synthetic_captures() {
	make_synthetic || { fail "could not write synthetic captures"; return; }
	t=$tmp
	run eth4udp 0 -j -r "$t/eth4udp.pcap"
	expect_grep eth4udp '"src":"192.0.2.1","dst":"192.0.2.2","sport":1701,"dport":1701,"encap":"udp","msg":{"type":"HELLO"'
	run eth4ip 0 -r "$t/eth4ip.pcap"
	expect_grep eth4ip '^1 [0-9:.]* 192.0.2.1 -> 192.0.2.2 ip HELLO'
	run eth4uti 0 -r "$t/eth4uti.pcap"
	expect_grep eth4uti '^1 [0-9:.]* 192.0.2.1 -> 192.0.2.2 uti HELLO'
	expect_grep eth4uti '^2 [0-9:.]* 192.0.2.1 -> 192.0.2.2 uti '
	run eth4uti-j 0 -j -r "$t/eth4uti.pcap"
	expect_grep eth4uti-j '"encap":"uti","msg":{"type":"HELLO"'
	run vlan6udp 0 -j -r "$t/vlan6udp.pcap"
	expect_grep vlan6udp '"src":"2001:db8::1","dst":"2001:db8::2","sport":1701,"dport":1701,"vlan":\[100,7\],"encap":"udp","msg":{"type":"HELLO"'
	run sll6ip 0 -r "$t/sll6ip.pcap"
	expect_grep sll6ip '2001:db8::1 -> 2001:db8::2 ip HELLO'
	run sll2_4udp 0 -r "$t/sll2_4udp.pcap"
	expect_grep sll2_4udp '192.0.2.1.40000 -> 192.0.2.2.1701 udp HELLO'
	# A port other than 1701 only with -p.
	run raw4udp-noport 0 -r "$t/raw4udp.pcap"
	[ -s "$tmp/raw4udp-noport.out" ] && fail "port 5000 decoded without -p"
	run raw4udp 0 -p 5000 -r "$t/raw4udp.pcap"
	expect_grep raw4udp '192.0.2.1.5000 -> 192.0.2.2.5000 udp HELLO'
	run null4ip 0 -r "$t/null4ip.pcap"
	expect_grep null4ip 'ip HELLO'
	run loop6udp 0 -r "$t/loop6udp.pcap"
	expect_grep loop6udp '2001:db8::1.1701 -> 2001:db8::2.1701 udp HELLO'
	run other 0 -r "$t/other.pcap"
	[ -s "$tmp/other.out" ] && fail "non-L2TP traffic printed"

	run bad 1 -r "$t/bad.pcap"
	expect_grep bad '^1 .* HELLO'
	expect_grep bad '^2 .*FAILED (packet 2): Length field'
	run bad-j 1 -j -r "$t/bad.pcap"
	expect_grep bad-j '"frame":2,.*"failed":"decode","error":"Length field'
	run snap 1 -r "$t/snap.pcap"
	expect_grep snap 'FAILED (packet 1): truncated by the capture'
	run frag 1 -r "$t/frag.pcap"
	expect_grep frag 'FAILED (packet 1): IP fragment'

	run data 0 -c 8 -l -r "$t/data.pcap"
	expect_grep data 'udp DATA session=48879 cookie=0102030405060708 seq=42 len=60'
	run data-ip 0 -j -c 4 -l -r "$t/data-ip.pcap"
	expect_grep data-ip '"data":{"sessionId":77,"cookie":"cafebabe","seq":256,"payloadLength":60}'
	# Without the cookie length the header is read differently, but a
	# data header cannot say it is wrong: still no failure.
	run data-nocookie 0 -r "$t/data.pcap"
	expect_grep data-nocookie 'DATA session=48879 len='

	run digest 0 -s s3cr3t-key -r "$t/digest.pcap"
	n=$(grep -c ' digest ok' "$tmp/digest.out")
	[ "$n" -eq 3 ] || fail "digest: $n of 3 digests ok"
	run digest-md5 0 --digest md5 -j -s s3cr3t-key -r "$t/digest.pcap"
	n=$(grep -c '"digest":"ok"' "$tmp/digest-md5.out")
	[ "$n" -eq 3 ] || fail "digest -j: $n of 3 digests ok"
	run digest-wrong 1 -s wrong-key -r "$t/digest.pcap"
	n=$(grep -c ' DIGEST BAD' "$tmp/digest-wrong.out")
	[ "$n" -eq 3 ] || fail "wrong secret: $n of 3 digests flagged"
	run digest-sha1 1 --digest sha1 -s s3cr3t-key -r "$t/digest.pcap"
	run sha1 0 -s s3cr3t-key -r "$t/sha1.pcap"
	expect_grep sha1 'SCCRQ .* digest ok'
	run sha1-same 0 --digest sha1 --kdf same -s s3cr3t-key -r "$t/sha1.pcap"
	run sha1-md5kdf 1 --kdf md5 -s s3cr3t-key -r "$t/sha1.pcap"
	expect_grep sha1-md5kdf 'SCCRQ .* DIGEST BAD'
	run sha1-wrong 1 -s s3cr3t-kex -r "$t/sha1.pcap"

	# A filter expression after the options.
	run filter 0 -r "$t/digest.pcap" src host 10.0.0.2
	n=$(wc -l <"$tmp/filter.out")
	[ "$n" -eq 1 ] || fail "filter: $n packets, expected 1"
	expect_grep filter '^2 .* 10.0.0.2.1701 -> 10.0.0.1.1701 udp SCCRP'
	run filter-bad 2 -r "$t/digest.pcap" no such filter
	if [ -n "$TSHARK" ] && [ -x "$TSHARK" ]; then
		# The frames must satisfy the independent judge too.
		bad=$("$TSHARK" -n -r "$t/digest.pcap" \
		    -o l2tp.shared_secret:s3cr3t-key -Y l2tp.incorrect_digest \
		    -T fields -e frame.number 2>/dev/null)
		[ -z "$bad" ] || fail "tshark flags digests in frames $bad"
	fi
}

usage_errors() {
	run usage-none 2
	run usage-both 2 -r x -i lo
	run usage-cookie 2 -c 3 -r "$tmp/eth4udp.pcap"
	run usage-digest 2 --digest sha256 -r "$tmp/eth4udp.pcap"
	run usage-missing 2 -r "$tmp/no-such-file.pcap"
	# The path once, then libpcap's reason.
	n=$(grep -o "no-such-file.pcap" "$tmp/usage-missing.err" | wc -l)
	[ "$n" -eq 1 ] ||
	    fail "usage-missing: the path $n times: $(cat "$tmp/usage-missing.err")"
	run usage-help 0 -h
	expect_grep usage-help 'usage: l2tpdump'
}

# Live capture on loopback (needs CAP_NET_RAW): send HELLOs over UDP until
# l2tpdump has shown two and exited.
live_capture() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "live capture skipped: not root"
		return
	fi
	"$dump" -i lo -m 2 -j -p 17010 udp dst port 17010 \
	    >"$tmp/live.out" 2>"$tmp/live.err" &
	pid=$!
	"$PY" - "$pid" <<'EOF'
import os, socket, struct, sys, time
pid = int(sys.argv[1])
hello = struct.pack(">HHIHH", 0xC803, 20, 0x77, 1, 2) + \
    struct.pack(">HHHH", 0x8008, 0, 0, 6)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
deadline = time.time() + 10
while time.time() < deadline:
    s.sendto(hello, ("127.0.0.1", 17010))
    time.sleep(0.1)
    try:
        os.kill(pid, 0)
    except OSError:
        break
EOF
	kill "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	[ "$rc" -eq 0 ] || fail "live: exit status $rc"
	n=$(grep -c '"dport":17010,"encap":"udp","msg":{"type":"HELLO"' \
	    "$tmp/live.out")
	[ "$n" -eq 2 ] || fail "live: $n HELLOs seen, expected 2"
}

real_captures
synthetic_captures
usage_errors
live_capture
[ $status -eq 0 ] && echo "l2tpdump: all checks passed"
exit $status

#!/bin/sh
# The wire judge: gen_pcap writes a full L2TPv3 exchange built by proto/
# (UDP and IP/115, IPv4 and IPv6, no digest, MD5, SHA-1 with either key
# derivation) and tshark, an implementation independent of ours, decodes it.
#
# For each capture:
#  - 17 frames, all L2TP; control headers say version 3;
#  - message types, header fields and key AVP values as built (a table);
#  - data packets: Session ID, cookie, sublayer sequence, Ethernet inside;
#  - no malformed packet, no expert info of warning or worse;
#  - digests: with the right secret none is incorrect, with a wrong one
#    every digested message is flagged.  tshark derives the key with MD5
#    even for SHA-1, so SHA-1 is also checked by a second judge (Python's
#    hmac, below) with either key derivation.
#
# Environment (set by make check): top_srcdir, top_builddir, TSHARK,
# PYTHON3; the last two may be empty.
#
# shellcheck disable=SC2016 # awk programs are single-quoted on purpose
. "${top_srcdir:?}/tests/lib.sh"

: "${top_builddir:?}"
TSHARK=${TSHARK:-tshark}
command -v "$TSHARK" >/dev/null 2>&1 || skip "tshark not found"
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null 2>&1 || skip "python3 not found"
GEN=$top_builddir/tests/tshark/gen_pcap
[ -x "$GEN" ] || die "$GEN is not built"

SECRET=s3cr3t-key
WRONG=s3cr3t-kez
DIGESTED="1 2 3 4 5 7 8 9 14 15 16 17"
make_tmpdir

# dump PCAP TSHARK-ARGS...: one tshark run, one line per frame, columns
# separated by '|', repeated fields joined by ','.  Running tshark once per
# capture and sifting its output here keeps the test quick.  The first
# columns are fixed (see COMMON_FIELDS); CTRL_FIELDS and DATA_FIELDS follow.
# tshark's stderr (a warning when run as root) is shown only if it fails.
COMMON_FIELDS="frame.number frame.protocols l2tp.version l2tp.ccid
    l2tp.cookie _ws.expert.severity _ws.expert.message
    l2tp.avp.message_digest l2tp.avp.nonce"
dump()
{
	_pcap=$1
	shift
	_e=
	for _f in $COMMON_FIELDS $CTRL_FIELDS $DATA_FIELDS; do
		[ "$_f" = frame.number ] && [ -n "$_e" ] && continue
		_e="$_e -e $_f"
	done
	# shellcheck disable=SC2086 # word splitting of -e options wanted
	"$TSHARK" -n -r "$_pcap" "$@" -T fields -E separator='|' \
	    -E occurrence=a -E aggregator=, $_e >"$TESTDIR/dump" \
	    2>"$TESTDIR/err" || {
		cat "$TESTDIR/err" >&2
		die "$CASE: tshark $* failed"
	}
}

# sift AWK-CONDITION: the frame numbers of dump lines matching, on one line.
# Columns: $2 protocols, $3 version, $4 ccid, $5 cookie, $6 expert
# severities, $7 expert messages, $8 digest, $9 nonce.
sift()
{
	got=$(awk -F'|' "$1"' { printf "%s%s", sep, $1; sep = " " }' \
	    "$TESTDIR/dump")
}

# columns AWK-CONDITION "N..." : frame number and the listed columns.
columns()
{
	awk -F'|' -v cols="$2" "$1"' {
		n = split(cols, c, " ")
		line = $1
		for (i = 1; i <= n; i++)
			line = line "|" $c[i]
		print line
	}' "$TESTDIR/dump"
}

expect_eq()
{
	[ "$2" = "$3" ] || die "$CASE: $1: expected '$3', got '$2'"
}

count_words()
{
	# shellcheck disable=SC2086 # splitting is the point
	set -- $1
	echo $#
}

# Control messages: what gen_pcap built, one row per frame.
CTRL_FIELDS="frame.number l2tp.avp.message_type l2tp.Ns l2tp.Nr
    l2tp.avp.host_name l2tp.avp.vendor_name l2tp.avp.router_id
    l2tp.avp.assigned_control_conn_id l2tp.avp.receive_window_size
    l2tp.avp.pw_type l2tp.avp.pseudowire_type l2tp.avp.local_session_id
    l2tp.avp.remote_session_id l2tp.avp.assigned_cookie l2tp.avp.remote_end_id
    l2tp.avp.call_serial_number l2tp.avp.layer2_specific_sublayer
    l2tp.avp.data_sequencing l2tp.avp.circuit_status l2tp.result_code
    l2tp.avp.error_code l2tp.avp.error_message"
cat >"$TESTDIR/ctrl.want" <<'EOF'
1|1|0x00000000|0|0|lcce-a.example|l2tpv3d|3221225985|168430090|16|5,4||||||||||||
2|2|0x0a0a0a0a|0|1|lcce-b.example|l2tpv3d|3221225986|185273099|16|5,4||||||||||||
3|3|0x0b0b0b0b|1|1||||||||||||||||||
4|20|0x0a0a0a0a|1|2||||||||||||||||||
5|6|0x0b0b0b0b|2|1||||||||||||||||||
6||0x0a0a0a0a|1|3||||||||||||||||||
7|10|0x0b0b0b0b|3|1|||||||5|286331153|0|c00c1eaa|pw-100|1|1|2|1|||
8|11|0x0a0a0a0a|1|4||||||||572662306|286331153|c00c1ebb01020304|||1|2|1|||
9|12|0x0b0b0b0b|4|2||||||||286331153|572662306||||1|2||||
10||0x0a0a0a0a|2|5||||||||||||||||||
14|16|0x0b0b0b0b|5|2||||||||286331153|572662306||||||0|||
15|14|0x0a0a0a0a|2|6||||||||572662306|286331153|||||||3|0|administratively down
16|4|0x0b0b0b0b|6|3||||168430090||||||||||||6|0|Admin Action
17|20|0x0a0a0a0a|3|7||||||||||||||||||
EOF

# Data packets: each toward the peer's session, with the cookie it assigned.
DATA_FIELDS="frame.number l2tp.sid l2tp.l2_spec_s
    l2tp.l2_spec_sequence eth.src eth.dst eth.type"
cat >"$TESTDIR/data.want" <<'EOF'
11|0x22222222|c00c1ebb01020304|1|0|02:00:00:00:00:01|02:00:00:00:00:02|0x88b5
12|0x11111111|c00c1eaa|1|0|02:00:00:00:00:02|02:00:00:00:00:01|0x88b5
13|0x22222222|c00c1ebb01020304|1|1|02:00:00:00:00:01|02:00:00:00:00:02|0x88b5
EOF

# Where CTRL_FIELDS and DATA_FIELDS land in a dump (a field named twice
# would be printed once, so the Control Connection ID and the cookie,
# common, are picked from columns 4 and 5).
NCOMMON=$(count_words "$COMMON_FIELDS")
NCTRL=$(count_words "$CTRL_FIELDS")
NDATA=$(count_words "$DATA_FIELDS")
CTRL_COLS="$((NCOMMON + 1)) 4 $(seq $((NCOMMON + 2)) $((NCOMMON + NCTRL - 1)))"
_d=$((NCOMMON + NCTRL))
DATA_COLS="$_d 5 $(seq $((_d + 1)) $((_d + NDATA - 2)))"

# Decoding: with the right secret when tshark can check the digests.
check_decode()
{
	dump "$1" ${2:+-o "l2tp.shared_secret:$2"}
	expect_eq "frame count" "$(wc -l <"$TESTDIR/dump" | tr -d ' ')" 17
	sift '$2 !~ /:l2tp(:|$)/'
	expect_eq "frames not decoded as L2TP" "$got" ""
	sift '$4 != "" && $3 != "3"'
	expect_eq "control frames not version 3" "$got" ""
	# Malformed packets carry an Error; Warning is 0x00600000
	# (PI_WARN in epan/proto.h).
	sift '{ n = split($6, sev, ","); bad = 0
		for (i = 1; i <= n; i++) if (sev[i] + 0 >= 6291456) bad = 1 }
	    bad'
	expect_eq "frames with a warning or error" "$got" ""
	columns '$4 != ""' "$CTRL_COLS" >"$TESTDIR/ctrl.got"
	diff -u "$TESTDIR/ctrl.want" "$TESTDIR/ctrl.got" >&2 ||
	    die "$CASE: control messages differ from what was built"
	columns '$5 != ""' "$DATA_COLS" >"$TESTDIR/data.got"
	diff -u "$TESTDIR/data.want" "$TESTDIR/data.got" >&2 ||
	    die "$CASE: data packets differ from what was built"
}

# Digests and nonces in the last dump; then every digest is flagged with a
# wrong secret.
check_digests()
{
	sift '$8 != ""'
	expect_eq "digested frames" "$got" "$DIGESTED"
	columns '$9 != ""' 9 >"$TESTDIR/nonce.got"
	printf '%s\n' "1|101112131415161718191a1b1c1d1e1f" \
	    "2|a0a1a2a3a4a5a6a7a8a9aaabacadaeaf" >"$TESTDIR/nonce.want"
	diff -u "$TESTDIR/nonce.want" "$TESTDIR/nonce.got" >&2 ||
	    die "$CASE: nonces differ"
	dump "$1" -o "l2tp.shared_secret:$WRONG"
	sift '$7 ~ /Incorrect Digest/'
	expect_eq "incorrect digests (wrong secret)" "$got" "$DIGESTED"
}

# The second judge: recompute every digest from the capture's bytes with
# Python's hmac, following ../shared/notes/message-digest.md.
cat >"$TESTDIR/digest.py" <<'EOF'
import hashlib, hmac, struct, sys

path, secret, kdf, want = sys.argv[1], sys.argv[2].encode(), sys.argv[3], sys.argv[4]
HASH = {0: hashlib.md5, 1: hashlib.sha1}
raw = open(path, "rb").read()
end = "<" if raw[:4] == b"\xd4\xc3\xb2\xa1" else ">"
if struct.unpack(end + "I", raw[20:24])[0] != 101:
    sys.exit("not LINKTYPE_RAW")

def l2tp_messages():
    off = 24
    while off < len(raw):
        incl = struct.unpack(end + "I", raw[off + 8:off + 12])[0]
        pkt = raw[off + 16:off + 16 + incl]
        off += 16 + incl
        if pkt[0] >> 4 == 4:
            proto, src, body = pkt[9], pkt[12:16], pkt[(pkt[0] & 15) * 4:]
        else:
            proto, src, body = pkt[6], pkt[8:24], pkt[40:]
        if proto == 17:
            body = body[8:]
        elif body[:4] == b"\0\0\0\0":
            body = body[4:]
        else:
            continue  # data over IP
        if body[0] & 0x80:
            yield src, body[:struct.unpack(">H", body[2:4])[0]]

def avps(msg):
    off = 12
    while off < len(msg):
        flen, vendor, typ = struct.unpack(">HHH", msg[off:off + 6])
        n = flen & 0x3ff
        yield vendor, typ, off, msg[off + 6:off + n]
        off += n

initiator, nonce = None, {}
good = bad = 0
for src, msg in l2tp_messages():
    found = list(avps(msg))
    if not found:
        continue  # ZLB
    mtype = struct.unpack(">H", found[0][3])[0]
    for vendor, typ, off, val in found:
        if (vendor, typ) == (0, 73) and mtype in (1, 2):
            nonce[mtype] = val
    if mtype == 1:
        initiator = src
    dig = [(off, val) for vendor, typ, off, val in found if (vendor, typ) == (0, 59)]
    if not dig:
        continue
    off, val = dig[0]
    h = HASH[val[0]]
    key = hmac.new(secret, b"\x02", hashlib.md5 if kdf == "md5" else h).digest()
    if mtype == 1:
        pre = b""
    elif src == initiator:
        pre = nonce[1] + nonce[2]
    else:
        pre = nonce[2] + nonce[1]
    start = off + 7
    zeroed = msg[:start] + bytes(len(val) - 1) + msg[start + len(val) - 1:]
    ok = hmac.compare_digest(hmac.new(key, pre + zeroed, h).digest(), val[1:])
    good, bad = good + ok, bad + (not ok)
print("digests: %d good, %d bad" % (good, bad))
if want == "good" and (bad or good != 12) or want == "bad" and (good or bad != 12):
    sys.exit(1)
EOF

py_judge()
{
	"$PYTHON3" "$TESTDIR/digest.py" "$@" >"$TESTDIR/py.out" 2>&1 || {
		cat "$TESTDIR/py.out" >&2
		die "$CASE: python judge: expected every digest $4"
	}
}

# run_case FAMILY ENCAP DIGEST KDF
run_case()
{
	CASE="ipv$1 $2 digest=$3 kdf=$4"
	_pcap="$TESTDIR/ipv$1-$2-$3-$4.pcap"
	_fam=
	[ "$1" = 6 ] && _fam=-6
	"$GEN" $_fam -e "$2" -d "$3" -k "$4" -s "$SECRET" -o "$_pcap" ||
	    die "$CASE: gen_pcap failed"

	case "$3/$4" in
	none/*)
		check_decode "$_pcap"
		sift '$8 != ""'
		expect_eq "digested frames" "$got" ""
		;;
	md5/* | sha1/md5)
		# tshark derives the key as we do here: it is a judge.  A
		# right secret leaves no Incorrect Digest (a Warning).
		check_decode "$_pcap" "$SECRET"
		check_digests "$_pcap"
		py_judge "$_pcap" "$SECRET" "$4" good
		py_judge "$_pcap" "$WRONG" "$4" bad
		;;
	sha1/same)
		# tshark keys SHA-1 with MD5, so with the right secret it
		# must flag every digest; if that changes,
		# docs/authentication.md is stale.  The frames are otherwise
		# those of sha1/md5, already decoded.
		dump "$_pcap" -o "l2tp.shared_secret:$SECRET"
		sift '$7 ~ /Incorrect Digest/'
		expect_eq "incorrect digests (tshark's MD5 key)" "$got" \
		    "$DIGESTED"
		check_digests "$_pcap"
		py_judge "$_pcap" "$SECRET" same good
		py_judge "$_pcap" "$WRONG" same bad
		;;
	esac
	echo "ok: $CASE"
}

for fam in 4 6; do
	for encap in udp ip; do
		run_case $fam $encap none md5
		run_case $fam $encap md5 md5
		run_case $fam $encap sha1 md5
		run_case $fam $encap sha1 same
	done
done

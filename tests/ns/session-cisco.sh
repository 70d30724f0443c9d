#!/bin/sh
# l2tpv3d against a scripted Cisco IOS peer that sets up a pseudowire in
# draft form (cisco_session_peer.py says what it sends and checks): the
# tunnel in Cisco's dialect, then ICRQ with vendor-9 AVPs for VC ID 101,
# a Cisco-form ICRP, ICCN, the session established with crossed IDs and
# cookies, an SLI "circuit down" with 9:114 shown as the remote circuit
# down, the peer's CDN, and CDN result 5 for a VC ID nobody configured.
# With MD5 digests (9:12), and tshark must find nothing malformed.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
PYTHON3=${PYTHON3:-python3}
TSHARK=${TSHARK:-tshark}
command -v "$PYTHON3" >/dev/null 2>&1 || fail "python3 not found"
command -v "$TSHARK" >/dev/null 2>&1 || fail "tshark not found"
command -v tcpdump >/dev/null 2>&1 || fail "tcpdump not found"
SECRET='cisco-session-secret'

ns_conf linux-pe c "$V4_A" "$V4_B" "initiate = no" \
    "peer-hostname = \"cisco-pe\"" "peer-dialect = auto" \
    "digest = md5" "secret = '$SECRET'" \
    "session vc101 {" "	remote-end-id = \"101\"" "	cookie-length = 4" \
    "}" >"$WORK/A.in"
daemon_start A "$NS_A" <"$WORK/A.in"
capture_start cap "$NS_B"
timeout 90 ip netns exec "$NS_B" "$PYTHON3" \
    "$top_srcdir/tests/ns/cisco_session_peer.py" --local "$V4_B" \
    --peer "$V4_A" --l2tpsh "$L2TPSH" --sock "$WORK/A.sock" --tunnel c \
    --secret "$SECRET" >"$WORK/peer.out" 2>&1
rc=$?
cat "$WORK/peer.out"
[ $rc = 0 ] || fail "the Cisco session peer failed ($rc)"
capture_stop cap
grep -q "no session configured for remote end id 999" "$WORK/A.log" ||
    fail "the refusal of VC 999 was not logged"
tshark_frames "$WORK/cap.pcap" "$SECRET" '_ws.malformed'
[ -z "$FRAMES" ] || fail "tshark: malformed frames $FRAMES"
tshark_frames "$WORK/cap.pcap" "$SECRET" 'l2tp.avp.message_type == 11'
[ -n "$FRAMES" ] || fail "tshark sees no ICRP"
daemon_stop A || fail "the daemon did not exit cleanly"
echo "PASS"

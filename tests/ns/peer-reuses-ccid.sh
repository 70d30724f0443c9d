#!/bin/sh
# Issue 10 item 4: a peer that restarts and reuses its Assigned Control
# Connection ID (as xcesp-l2tpv3d did: capture frames 166-167) reaches
# established again, whether our old connection was closing (after the
# peer's StopCCN) or still established (the peer crashed).  Its new
# SCCRQ -- byte for byte the old one -- is a new connection, answered by
# an SCCRP, never by a ZLB carrying the old connection's numbers; the
# replaced connection sends nothing to the peer's reused ID.  The peer
# is tests/ns/restart_peer.py.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b

ns_conf lcce-a rp "$V4_A" "$V4_B" "initiate = no" "hello-interval = 1" \
    >"$WORK/A.in"
daemon_start A "$NS_A" <"$WORK/A.in"
ns_exec "$NS_B" "${PYTHON3:-python3}" "$top_srcdir/tests/ns/restart_peer.py" \
    --local "$V4_B" --peer "$V4_A" --l2tpsh "$L2TPSH" \
    --sock "$WORK/A.sock" --tunnel rp >"$WORK/peer.out" 2>&1 ||
    fail "restart_peer.py: $(cat "$WORK/peer.out")"
cat "$WORK/peer.out"
grep -q "new connection from $V4_B port 1701 established" "$WORK/A.log" ||
    fail "A did not log the replacement"
echo "PASS"

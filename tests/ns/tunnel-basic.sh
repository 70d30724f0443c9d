#!/bin/sh
# Two l2tpv3d in two namespaces, UDP over IPv4, no digest: A initiates,
# both reach established; A stops (SIGTERM): B receives the StopCCN and
# leaves established, and A exits 0 having removed its files.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b

daemon_start A "$NS_A" <<CONF
hostname = "lcce-a"
dataplane = none
tunnel ab {
	local = $V4_A
	remote = $V4_B
	initiate = yes
	hello-interval = 2
}
CONF
daemon_start B "$NS_B" <<CONF
hostname = "lcce-b"
dataplane = none
tunnel ba {
	local = $V4_B
	remote = $V4_A
	peer-hostname = "lcce-a"
	initiate = no
}
CONF

wait_json A "show tunnel" '.ab.state == "established"' ||
    fail "A did not reach established"
wait_json B "show tunnel" '.ba.state == "established"' ||
    fail "B did not reach established"

# Each side knows the other's connection ID and host name.
a_local=$(json_get A "show tunnel ab" '.ab.localCcid')
a_remote=$(json_get A "show tunnel ab" '.ab.remoteCcid')
b_local=$(json_get B "show tunnel ba" '.ba.localCcid')
b_remote=$(json_get B "show tunnel ba" '.ba.remoteCcid')
[ "$a_local" = "$b_remote" ] && [ "$a_remote" = "$b_local" ] &&
    [ "$a_local" != 0 ] && [ "$b_local" != 0 ] ||
    fail "CCIDs do not match: A $a_local/$a_remote, B $b_local/$b_remote"
[ "$(json_get B "show tunnel" '.ba.peerHostname')" = lcce-a ] ||
    fail "B does not know A's host name"
[ "$(json_get A "show tunnel" '.ab.dialect')" = ietf ] ||
    fail "dialect is not ietf"

# Hellos flow (interval 2 s) and are acknowledged.
wait_json B "show statistics" '.ba.messages.received.HELLO >= 1' 10 ||
    fail "no HELLO seen by B"

# A shuts down: StopCCN to B, which leaves established.
stops=$(json_get B "show statistics" '.ba.messages.received.StopCCN // 0')
daemon_stop A TERM || fail "A did not exit 0 on SIGTERM"
grep -q "StopCCN" "$WORK/A.log" || fail "A logged no StopCCN"
wait_json B "show tunnel" '.ba.state != "established"' 5 ||
    fail "B still established after A's StopCCN"
wait_json B "show statistics" \
    ".ba.messages.received.StopCCN == $((stops + 1))" 5 ||
    fail "B did not count the StopCCN"
[ ! -e "$WORK/A.sock" ] || fail "A left its control socket behind"
[ ! -e "$WORK/A.pidfile" ] || fail "A left its pid file behind"
# B, left in closing, shuts down cleanly too.
daemon_stop B TERM || fail "B did not exit 0 on SIGTERM"
echo "PASS"

#!/bin/sh
# Sessions follow configuration changes on a running dynamic tunnel,
# which itself stays up (the same local CCID throughout):
#  - a session added to the file (SIGHUP) or in configure mode starts;
#  - a changed one (cookie length) ends with CDN and is placed again
#    with a new session ID and the new cookie;
#  - a removed one ends with CDN: the peer counts it and goes idle.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b

# conf SIDE TUNNEL-LOCAL REMOTE INITIATE SESSION-LINES...
conf() {
	printf 'hostname = "lcce-%s"\ndataplane = none\n' "$1"
	printf 'tunnel t {\n\tlocal = %s\n\tremote = %s\n\tinitiate = %s\n' \
	    "$2" "$3" "$4"
	shift 4
	for line in "$@"; do
		printf '\t%s\n' "$line"
	done
	printf '}\n'
}
PW1='session pw1 { remote-end-id = "1" }'
PW1C='session pw1 { remote-end-id = "1"
	cookie-length = 4 }'
PW2='session pw2 { remote-end-id = "2" }'

conf a "$V4_A" "$V4_B" yes "$PW1" | daemon_start A "$NS_A"
conf b "$V4_B" "$V4_A" no "$PW1" | daemon_start B "$NS_B"
wait_json A "show session" '.t.pw1.state == "established"' ||
    fail "pw1 did not come up"
ccid=$(json_get A "show tunnel t" '.t.localCcid')
pw1id=$(json_get A "show session tunnel t pw1" '.t.pw1.localSessionId')

same_tunnel() {
	[ "$(json_get A "show tunnel t" '.t.localCcid')" = "$ccid" ] ||
	    fail "$1 restarted the tunnel"
	[ "$(json_get A "show tunnel t" '.t.state')" = established ] ||
	    fail "$1: the tunnel is not established"
}

# reload NAME SESSION-LINES...: NAME's file gets these sessions; SIGHUP.
reload() {
	_n=$1
	shift
	if [ "$_n" = A ]; then
		conf a "$V4_A" "$V4_B" yes "$@" >"$WORK/A.conf"
	else
		conf b "$V4_B" "$V4_A" no "$@" >"$WORK/B.conf"
	fi
	kill -HUP "$(daemon_pid "$_n")"
}

# Added to the file, B first so that A's ICRQ finds it.
reload B "$PW1" "$PW2"
reload A "$PW1" "$PW2"
wait_json A "show session" '.t.pw2.state == "established"' ||
    fail "pw2 (SIGHUP) did not come up"
wait_json B "show session" '.t.pw2.state == "established"' ||
    fail "pw2 is not up on B"
same_tunnel "adding pw2"
[ "$(json_get A "show session tunnel t pw1" '.t.pw1.localSessionId')" = "$pw1id" ] ||
    fail "adding pw2 restarted pw1"

# Added in configure mode (the file stays as it is: no write memory).
for n in B A; do
	"$L2TPSH" -S "$WORK/$n.sock" >"$WORK/out" 2>&1 <<CMDS ||
configure terminal
tunnel t
session pw3
remote-end-id 3
end
CMDS
	    fail "configure on $n: $(cat "$WORK/out")"
done
wait_json A "show session" '.t.pw3.state == "established"' ||
    fail "pw3 (configure mode) did not come up"
same_tunnel "adding pw3"

# Changed: pw1 gets 4-byte cookies on both sides (B's reload ends its
# call with CDN).
cdn_a=$(json_get A "show statistics" '.t.messages.received.CDN // 0')
reload B "$PW1C" "$PW2"
reload A "$PW1C" "$PW2"
wait_json A "show session" ".t.pw1.state == \"established\" and
    .t.pw1.localSessionId != $pw1id and (.t.pw1.localCookie | length) == 8" ||
    fail "pw1 was not placed again with a 4-byte cookie"
wait_json B "show session" '.t.pw1.state == "established" and
    (.t.pw1.localCookie | length) == 8' || fail "pw1 on B has no new cookie"
[ "$(json_get A "show statistics" '.t.messages.received.CDN // 0')" -gt "$cdn_a" ] ||
    fail "changing pw1 on B sent no CDN"
same_tunnel "changing pw1"
# The reload of A also dropped pw3 (it was only in the running config).
wait_json A "show session" '.t.pw3 == null' || fail "pw3 was not removed"

# Removed: pw2 goes from A's file: CDN, B counts it and goes idle.
cdn_b=$(json_get B "show statistics" '.t.messages.received.CDN // 0')
reload A "$PW1C"
wait_json B "show session" '.t.pw2.state == "idle"' ||
    fail "B's pw2 did not end"
[ "$(json_get B "show statistics" '.t.messages.received.CDN // 0')" = $((cdn_b + 1)) ] ||
    fail "removing pw2 sent no single CDN"
wait_json A "show session" '.t.pw2 == null and .t.pw1.state == "established"' ||
    fail "pw2 is still on A"
grep -q "session t/pw2: removed from the configuration" "$WORK/A.log" ||
    fail "A did not log the removal"
same_tunnel "removing pw2"
echo "PASS"

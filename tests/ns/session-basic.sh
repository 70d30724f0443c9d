#!/bin/sh
# Sessions between two l2tpv3d (dataplane none), digest MD5: A initiates
# the tunnel and its calls.  Sessions "101" (cookies 4 bytes) and "102"
# (8 bytes) come up on both sides with crossed IDs (our local = their
# remote) and crossed cookies (our localCookie = their peerCookie);
# session "103", configured only on A, is refused with CDN result 5
# naming the remote end id and stays down.  `show tunnel` counts the
# calls; A's shutdown ends everything without CDNs.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
SECRET='session-basic-secret'

daemon_start A "$NS_A" <<CONF
hostname = "lcce-a"
dataplane = none
tunnel ab {
	local = $V4_A
	remote = $V4_B
	initiate = yes
	digest = md5
	secret = "$SECRET"
	session pw101 {
		remote-end-id = "101"
		cookie-length = 4
	}
	session pw102 {
		remote-end-id = "102"
		cookie-length = 8
	}
	session pw103 {
		remote-end-id = "103"
	}
}
CONF
daemon_start B "$NS_B" <<CONF
hostname = "lcce-b"
dataplane = none
tunnel ba {
	local = $V4_B
	remote = $V4_A
	initiate = no
	digest = md5
	secret = "$SECRET"
	session vc101 {
		remote-end-id = "101"
		cookie-length = 4
	}
	session vc102 {
		remote-end-id = "102"
		cookie-length = 8
	}
}
CONF

wait_json A "show session" '.ab.pw101.state == "established" and
    .ab.pw102.state == "established"' ||
    fail "A's sessions did not come up"
wait_json B "show session" '.ba.vc101.state == "established" and
    .ba.vc102.state == "established"' ||
    fail "B's sessions did not come up"

# cross SA A_SESSION B_SESSION COOKIE_BYTES
cross() {
	ja=$(json_get A "show session tunnel ab $1" ".ab.$1") ||
	    fail "show session $1 on A"
	jb=$(json_get B "show session tunnel ba $2" ".ba.$2") ||
	    fail "show session $2 on B"
	a=$(printf '%s' "$ja" | "$JQ" -r \
	    '"\(.localSessionId) \(.remoteSessionId) \(.localCookie) \(.peerCookie)"')
	b=$(printf '%s' "$jb" | "$JQ" -r \
	    '"\(.remoteSessionId) \(.localSessionId) \(.peerCookie) \(.localCookie)"')
	[ "$a" = "$b" ] || fail "$1/$2 do not cross-match: A $a, B $b"
	set -- "$1" "$2" "$3" $a
	[ "$4" != 0 ] && [ "$5" != 0 ] || fail "$1: a session ID is 0: $a"
	[ ${#6} = $(($3 * 2)) ] && [ ${#7} = $(($3 * 2)) ] ||
	    fail "$1: cookies are not $3 bytes: $6 / $7"
	[ "$6" != "$7" ] || fail "$1: both sides assigned the same cookie $6"
	printf '%s' "$ja" | "$JQ" -e '.initiator and .dialect == "ietf"' \
	    >/dev/null || fail "$1: A is not the ietf initiator: $ja"
	printf '%s' "$jb" | "$JQ" -e '.initiator | not' >/dev/null ||
	    fail "$2: B claims to have initiated: $jb"
}
cross pw101 vc101 4
cross pw102 vc102 8

# The session only A has: refused by B with result 5, stays down on A.
wait_json A "show session" '.ab.pw103.lastCdn.result == 5' 10 ||
    fail "pw103 was not refused with CDN result 5"
msg=$(json_get A "show session tunnel ab pw103" '.ab.pw103.lastCdn.message')
[ "$msg" = "no session configured for remote end id 103" ] ||
    fail "CDN message for pw103: '$msg'"
[ "$(json_get A "show session tunnel ab pw103" '.ab.pw103.state')" = idle ] ||
    fail "pw103 is not idle after the CDN"
[ "$(json_get A "show session tunnel ab pw103" '.ab.pw103.lastCdn.byPeer')" = true ] ||
    fail "pw103's CDN is not recorded as the peer's"
grep -q "no session configured for remote end id 103" "$WORK/B.log" ||
    fail "B did not log the refusal"

# Lookup by our session ID, and the session counts in show tunnel.
id=$(json_get A "show session tunnel ab pw101" '.ab.pw101.localSessionId')
[ "$(json_get A "show session $id" '.ab | keys | join(",")')" = pw101 ] ||
    fail "show session $id does not select pw101"
[ "$(json_get A "show tunnel ab" '.ab.sessions')" = 2 ] ||
    fail "A's show tunnel does not count 2 sessions"
[ "$(json_get B "show tunnel ba" '.ba.sessions')" = 2 ] ||
    fail "B's show tunnel does not count 2 sessions"
l2tpsh A "show session" | grep -q "^ab  *pw101  *established" ||
    fail "text form of show session: $(l2tpsh A "show session")"
[ "$(json_get B "show statistics" '.ba.messages.received.ICCN')" = 2 ] ||
    fail "B did not count 2 ICCNs"
[ "$(json_get A "show statistics" '.ab.digestFailures')" = 0 ] ||
    fail "digest failures on A"

# The tunnel ends: B's calls end with it, and no CDN goes out for them.
cdns=$(json_get B "show statistics" '.ba.messages.received.CDN // 0')
daemon_stop A TERM || fail "A did not exit 0 on SIGTERM"
wait_json B "show session" '.ba.vc101.state == "idle" and
    .ba.vc102.state == "idle"' 5 || fail "B's sessions outlived the tunnel"
[ "$(json_get B "show statistics" '.ba.messages.received.CDN // 0')" = "$cdns" ] ||
    fail "CDNs were sent on tunnel shutdown"
daemon_stop B TERM || fail "B did not exit 0 on SIGTERM"
echo "PASS"

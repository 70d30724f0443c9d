#!/bin/sh
# Candidate and commit (issue 12): on an established tunnel with a
# session, hello-interval, retransmit-initial, retries and debug (the
# tunnel's and the session's) changed from the shell and committed, then
# hello-interval, retransmit-cap, retries and the session's up/down
# scripts changed by SIGHUP, put no StopCCN and no CDN on the wire and
# keep the connection and session IDs.  `show configuration diff` shows
# the set-only difference and says "in place" before the commit; `abort`
# leaves what runs as it was; a new remote address for a second tunnel
# is said to restart that tunnel before the commit, and restarts it
# alone (the first keeps its IDs).
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
command -v "${TSHARK:-tshark}" >/dev/null 2>&1 || ns_skip "needs tshark"
# A second address pair for the second tunnel.
A2=10.200.0.3
B2=10.200.0.4
ip -n "$NS_A" addr add "$A2/24" dev veth0
ip -n "$NS_B" addr add "$B2/24" dev veth0

# conf NAME LOCAL REMOTE LOCAL2 REMOTE2 INITIATE [tunnel t's lines...]
conf() {
	printf 'hostname = "%s"\ndataplane = none\n' "$1"
	printf 'tunnel t2 {\n\tlocal = %s\n\tremote = %s\n\tinitiate = %s\n}\n' \
	    "$4" "$5" "$6"
	printf 'tunnel t {\n\tlocal = %s\n\tremote = %s\n\tinitiate = %s\n' \
	    "$2" "$3" "$6"
	shift 6
	for line in "$@"; do
		printf '\t%s\n' "$line"
	done
	printf '}\n'
}
sess='session pw { remote-end-id = "101" }'
conf lcce-b "$V4_B" "$V4_A" "$B2" "$A2" no "$sess" | daemon_start B "$NS_B"
conf lcce-a "$V4_A" "$V4_B" "$A2" "$B2" yes "hello-interval = 30" "$sess" |
    daemon_start A "$NS_A"
up='[.t[] | select(.state == "established")] | length == 1'
wait_json A "show session" "$up" 15 || fail "A: session not up"
wait_json B "show session" "$up" 15 || fail "B: session not up"
wait_json A "show tunnel t2" '.t2.state == "established"' 15 ||
    fail "A: t2 not up"
ids() {
	printf '%s %s\n' "$(json_get "$1" "show tunnel $2" \
	    ".$2 | \"\(.localCcid)/\(.remoteCcid)\"")" \
	    "$(json_get "$1" "show session" '.t.pw.localSessionId')"
}
ids_a=$(ids A t)
ids_b=$(ids B t)
capture_start wire "$NS_A"

# sh WANT-STATUS: l2tpsh on A, the commands on stdin, one connection.
sh() {
	"$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>"$WORK/err"
	_got=$?
	[ "$_got" = "$1" ] || fail "l2tpsh: exit $_got, want $1;" \
	    "stdout: $(cat "$WORK/out"); stderr: $(cat "$WORK/err")"
}

# From the shell: nothing runs before the commit; the diff says what,
# and so does the commit.
sh 0 <<CMDS
configure terminal
tunnel t
hello-interval 1
retries 7
debug yes
session pw
debug yes
exit
exit
do show tunnel t json
show configuration diff
commit
end
CMDS
grep -q '"helloInterval":30' "$WORK/out" ||
    fail "an edit changed what runs before the commit: $(cat "$WORK/out")"
for want in '^+	hello-interval = 1$' '^-	hello-interval = 30$' \
    '^+	retries = 7$' '^+		debug = yes$' \
    '^tunnel t: in place: .*hello-interval' \
    '^session t/pw: in place: debug'; do
	grep -q "$want" "$WORK/out" ||
	    fail "show configuration diff lacks '$want': $(cat "$WORK/out")"
done
[ "$(grep -c '^tunnel t: in place: ' "$WORK/out")" = 2 ] ||
    fail "commit did not say what it does: $(cat "$WORK/out")"
! grep -q 'restarts' "$WORK/out" ||
    fail "a timer change said to restart: $(cat "$WORK/out")"
# Leaving configure mode commits, and says what.
sh 0 <<CMDS
configure terminal
tunnel t
retransmit-initial 500
end
CMDS
grep -q '^tunnel t: in place: retransmit-initial$' "$WORK/out" ||
    fail "end did not commit: $(cat "$WORK/out")"
wait_json A "show tunnel t" '.t.helloInterval == 1' 5 ||
    fail "A: hello-interval 1 not in effect after the commit"

# abort: what runs stays.
sh 0 <<CMDS
configure terminal
tunnel t
hello-interval 9
show candidate
abort
show running-config
CMDS
grep -q '^+	hello-interval = 9$' "$WORK/out" ||
    fail "show candidate: $(cat "$WORK/out")"
grep -q '^	hello-interval = 1$' "$WORK/out" ||
    fail "abort changed the running config: $(cat "$WORK/out")"
wait_json A "show tunnel t" '.t.helloInterval == 1' 1 ||
    fail "A: abort changed the hello interval"
sleep 3

# By SIGHUP: hello-interval, retransmit-cap, retries, and scripts.
printf '#!/bin/sh\nexit 0\n' >"$WORK/up.sh"
chmod 755 "$WORK/up.sh"
conf lcce-a "$V4_A" "$V4_B" "$A2" "$B2" yes "hello-interval = 2" \
    "retransmit-cap = 4000" "retries = 6" "debug = yes" \
    "session pw { remote-end-id = \"101\" debug = yes up-script = \"$WORK/up.sh\" down-script = \"$WORK/up.sh\" }" \
    >"$WORK/A.conf"
kill -HUP "$(daemon_pid A)"
wait_json A "show tunnel t" '.t.helloInterval == 2' 5 ||
    fail "A: hello-interval 2 not in effect after SIGHUP"
grep -q "configuration: session t/pw: in place: .*up-script" "$WORK/A.log" ||
    fail "SIGHUP: the scripts were not said to change in place"
sleep 5
capture_stop wire

[ "$(ids A t)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A t)"
[ "$(ids B t)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B t)"
wait_json A "show session" "$up" 1 || fail "A: session not up at the end"
wait_json B "show session" "$up" 1 || fail "B: session not up at the end"
assert_in_place "$WORK/wire.pcap" "$V4_A" 4
n=$N_HELLOS

# A new remote address restarts its tunnel, said before the commit, and
# only that one.
t2_before=$(json_get A "show tunnel t2" '.t2.localCcid')
sh 0 <<CMDS
configure terminal
tunnel t2
remote 10.200.0.5
show configuration diff
end
CMDS
grep -q '^tunnel t2: restarts tunnel t2 (StopCCN): remote$' "$WORK/out" ||
    fail "the diff did not say t2 restarts: $(cat "$WORK/out")"
[ "$(grep -c '^tunnel t2: restarts' "$WORK/out")" = 2 ] ||
    fail "the commit did not say t2 restarts: $(cat "$WORK/out")"
! grep -q '^tunnel t:' "$WORK/out" ||
    fail "the diff names tunnel t: $(cat "$WORK/out")"
wait_json A "show tunnel t2" ".t2.localCcid != $t2_before" 5 ||
    fail "t2 did not restart"
grep -q "tunnel t2: configuration changed, restarting" "$WORK/A.log" ||
    fail "A did not restart t2"
! grep -q "tunnel t: configuration changed" "$WORK/A.log" ||
    fail "A restarted t too"
sleep 1
[ "$(ids A t)" = "$ids_a" ] || fail "t's IDs changed: $ids_a -> $(ids A t)"
wait_json A "show session" "$up" 1 || fail "A: session down after t2's change"
echo "PASS ($n HELLOs from A, IDs kept: $ids_a; t2 restarted)"

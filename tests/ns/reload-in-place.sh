#!/bin/sh
# Timers, debug and scripts change in place (issue 12, first part): on
# an established tunnel with a session, hello-interval, retransmit-
# initial, retries and debug changed from the shell, then hello-interval,
# retransmit-cap and a session's up/down scripts changed by SIGHUP, put
# no StopCCN and no CDN on the wire, keep the connection and session IDs,
# and take effect (the new hello interval is what the wire shows).
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
command -v "${TSHARK:-tshark}" >/dev/null 2>&1 || ns_skip "needs tshark"

conf() { # NAME LOCAL REMOTE INITIATE HELLO CAP SCRIPT
	ns_conf "$1" t "$2" "$3" "initiate = $4" "hello-interval = $5" \
	    "retransmit-cap = $6" \
	    "session pw { remote-end-id = \"101\" $7 }"
}
conf lcce-b "$V4_B" "$V4_A" no 30 8000 "" | daemon_start B "$NS_B"
conf lcce-a "$V4_A" "$V4_B" yes 30 8000 "" >"$WORK/A.in"
daemon_start A "$NS_A" <"$WORK/A.in"
up='[.[][] | select(.state == "established")] | length == 1'
wait_json A "show session" "$up" 15 || fail "A: session not up"
wait_json B "show session" "$up" 15 || fail "B: session not up"
ids() {
	printf '%s %s\n' "$(json_get "$1" "show tunnel t" \
	    '.t | "\(.localCcid)/\(.remoteCcid)"')" \
	    "$(json_get "$1" "show session" '.t.pw.localSessionId')"
}
ids_a=$(ids A)
ids_b=$(ids B)
capture_start wire "$NS_A"

# From the shell.
"$L2TPSH" -S "$WORK/A.sock" >"$WORK/sh.out" 2>&1 <<CMDS ||
configure terminal
tunnel t
hello-interval 1
retransmit-initial 500
retries 7
debug yes
end
CMDS
    fail "shell: $(cat "$WORK/sh.out")"
wait_json A "show tunnel t" '.t.helloInterval == 1' 5 ||
    fail "A: hello-interval 1 not in effect"
sleep 4
grep -q "timers changed in place" "$WORK/A.log" ||
    fail "A did not say the timers changed in place"

# By SIGHUP: another hello-interval and retransmit-cap, and scripts.
printf '#!/bin/sh\nexit 0\n' >"$WORK/up.sh"
chmod 755 "$WORK/up.sh"
conf lcce-a "$V4_A" "$V4_B" yes 2 4000 \
    "up-script = \"$WORK/up.sh\" down-script = \"$WORK/up.sh\"" \
    >"$WORK/A.conf"
kill -HUP "$(daemon_pid A)"
wait_json A "show tunnel t" '.t.helloInterval == 2' 5 ||
    fail "A: hello-interval 2 not in effect after SIGHUP"
sleep 5
capture_stop wire

[ "$(ids A)" = "$ids_a" ] || fail "A's IDs changed: $ids_a -> $(ids A)"
[ "$(ids B)" = "$ids_b" ] || fail "B's IDs changed: $ids_b -> $(ids B)"
wait_json A "show session" "$up" 1 || fail "A: session not up at the end"
wait_json B "show session" "$up" 1 || fail "B: session not up at the end"
# The hellos A sent: at 1 s, then at 2 s apart.
assert_in_place "$WORK/wire.pcap" "$V4_A" 5
n=$N_HELLOS
echo "PASS ($n HELLOs from A, IDs kept: $ids_a)"

#!/bin/sh
# Every `show` command against two daemons with one tunnel up, text
# (fixed headers and columns: golden lines) and JSON (subsets, retried).
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
ns_conf lcce-a t1 "$V4_A" "$V4_B" "hello-interval = 5" "retry-interval = 1" |
    daemon_start A "$NS_A"
ns_conf lcce-b t1 "$V4_B" "$V4_A" "initiate = no" | daemon_start B "$NS_B"

check_json A "show tunnel" '{"t1":{"state":"established","peerHostname":"lcce-b","encap":"udp","helloInterval":5}}'
check_json A "sh tun t1 detail" '{"t1":{"name":"t1"}}'
check_json A "show statistics" '{"t1":{"messages":{"sent":{"SCCRQ":1}}}}'
check_json A "show statistics tunnel t1" '{"t1":{"digestFailures":0}}'
check_json A "show peer" '{"t1":{"address":"10.200.0.2","hostname":"lcce-b","vendor":"l2tpv3d","dialect":"ietf","state":"established"}}'
check_json A "show version" '{"program":"l2tpv3d"}'
check_json A "show log 5" '{"lines":[]}'
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config json" |
    "$JQ" -e '.runningConfig | startswith("# l2tpv3d configuration")' \
    >/dev/null || fail "show running-config json"

# golden LINE CMD: the first line of CMD's text answer is LINE.
golden() {
	_first=$("$L2TPSH" -S "$WORK/A.sock" -c "$2" | head -n 1)
	[ "$_first" = "$1" ] || fail "'$2': first line '$_first', want '$1'"
}
golden "Name             State          Peer                       Local ID   Remote ID  Encap Sessions    Uptime" "show tunnel"
golden "Tunnel t1, established" "show tunnel t1 detail"
golden "Tunnel t1 (established)" "show statistics tunnel t1"
golden "Tunnel           Peer                       Host name            Router ID       Vendor           Window" "show peer"
golden "l2tpv3d 0.1.0" "show version"
golden "# l2tpv3d configuration, normalised" "show running-config"
"$L2TPSH" -S "$WORK/A.sock" -c "show tunnel" | grep -Eq '^t1 +established +10\.200\.0\.2 ' ||
    fail "show tunnel row"
[ "$("$L2TPSH" -S "$WORK/A.sock" -c "show log 3" | wc -l)" = 3 ] ||
    fail "show log 3 is not 3 lines"
"$L2TPSH" -S "$WORK/A.sock" -c "show tunnel 0 json" >/dev/null 2>&1 &&
    fail "show tunnel of an unknown ID succeeded"
id=$(json_get A "show tunnel t1" '.t1.localCcid')
[ "$(json_get A "show tunnel $id" 'keys[0]')" = t1 ] ||
    fail "show tunnel by local CCID $id"

# Errors are precise and fail.
"$L2TPSH" -S "$WORK/A.sock" -c "show tunel" 2>"$WORK/err" && fail "typo ran"
grep -q '^% Unknown command: show tunel' "$WORK/err" || fail "$(cat "$WORK/err")"
"$L2TPSH" -S "$WORK/A.sock" -c "show" 2>"$WORK/err" && fail "show alone ran"
grep -q 'Incomplete' "$WORK/err" || fail "$(cat "$WORK/err")"

# clear statistics, debug and clear tunnel.
"$L2TPSH" -S "$WORK/A.sock" -c "clear statistics" || fail "clear statistics"
check_json A "show statistics" '{"t1":{"messages":{"sent":{"SCCRQ":null}}}}'
"$L2TPSH" -S "$WORK/A.sock" -c "debug tunnel t1 fsm" -c "clear tunnel t1" ||
    fail "debug/clear"
check_json B "show tunnel t1" '{"t1":{"state":"established"}}' 60
grep -q "tunnel t1: established --close--> closing" "$WORK/A.log" ||
    fail "debug fsm showed no transition"
exit 0

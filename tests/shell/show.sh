#!/bin/sh
# Every `show` command against two daemons with one tunnel up, text
# (fixed headers and columns: golden lines) and JSON (subsets, retried).
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
ns_conf lcce-a t1 "$V4_A" "$V4_B" "hello-interval = 5" "retry-interval = 1" \
    'session pw1 {' 'remote-end-id = "1"' 'cookie-length = 4' \
    'l2spec = default' '}' | daemon_start A "$NS_A"
ns_conf lcce-b t1 "$V4_B" "$V4_A" "initiate = no" \
    'session pw1 {' 'remote-end-id = "1"' 'cookie-length = 4' \
    'l2spec = default' '}' | daemon_start B "$NS_B"

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
# The same as data (daemon/conf_json.c): set-only, and `all`.
check_json A "show running-config" '{"config":{"global":{"hostname":"lcce-a"},"tunnels":{"t1":{"hello-interval":5,"sessions":{"pw1":{"remote-end-id":"1","cookie-length":4,"l2spec":"default"}}}}}}'
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config json" |
    "$JQ" -e '.config.tunnels.t1 | has("retries") | not' >/dev/null ||
    fail "show running-config json prints a default"
check_json A "show running-config all" '{"config":{"tunnels":{"t1":{"retries":5,"initiate":true,"sessions":{"pw1":{"sequencing":"none"}}}}}}'

# golden LINE CMD: the first line of CMD's text answer is LINE.
golden() {
	_first=$("$L2TPSH" -S "$WORK/A.sock" -c "$2" | head -n 1)
	[ "$_first" = "$1" ] || fail "'$2': first line '$_first', want '$1'"
}
golden "Name             State          Peer                       Local ID   Remote ID  Encap Sessions    Uptime" "show tunnel"
golden "Tunnel t1, established" "show tunnel t1 detail"
golden "Tunnel t1 (established)" "show statistics tunnel t1"
# Every counter line has a value ("retransmitted" with nothing
# retransmitted says none).
"$L2TPSH" -S "$WORK/A.sock" -c "show statistics tunnel t1" >"$WORK/stats"
grep -En '^ +[A-Za-z ]+ *$' "$WORK/stats" &&
    fail "show statistics: a line without a value: $(cat "$WORK/stats")"
golden "Tunnel           Peer                       Host name            Router ID       Vendor           Window" "show peer"
golden "l2tpv3d 0.1.0" "show version"
golden "# l2tpv3d configuration" "show running-config"
golden "# l2tpv3d configuration, normalised" "show running-config all"
# Golden: `show running-config` is what the file set, `... all` every
# value, exactly as config.c's printers write them for the same file
# (tests/conf/golden.sh pins those against cases/*.set and *.ok).
CONFTEST=$top_builddir/tests/conf/conftest
for form in "-s:show running-config:set" ":show running-config all:all"; do
	cmd=${form#*:} out=$WORK/run.${form##*:}
	cmd=${cmd%:*}
	"$CONFTEST" ${form%%:*} "$WORK/A.conf" >"$WORK/want.conf" ||
	    fail "conftest ${form%%:*} A.conf"
	"$L2TPSH" -S "$WORK/A.sock" -c "$cmd" >"$out" || fail "$cmd"
	# The daemon's Router ID in effect comes from its interfaces
	# (namespace A's), conftest's from the host name.
	sed -i '/^router-id = /d' "$WORK/want.conf" "$out"
	cmp -s "$WORK/want.conf" "$out" ||
	    fail "'$cmd' is not the file's form: $(diff -u "$WORK/want.conf" "$out")"
done
grep -q "hello-interval = 5" "$WORK/run.set" &&
    ! grep -q "receive-window" "$WORK/run.set" &&
    grep -q "receive-window = 64" "$WORK/run.all" ||
    fail "running-config: defaults in the set form, or missing from all"
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

# show session NAME wireshark: tshark with exactly the printed options
# decodes a data packet to A (its session ID, its cookie, the default
# sublayer, no ICRQ in the capture) as Ethernet; without them it does
# not.  The packet comes from tests/shell/data_pcap.py.
check_json A "show session" '{"t1":{"pw1":{"state":"established"}}}'
"$L2TPSH" -S "$WORK/A.sock" -c "show session pw1 wireshark" >"$WORK/ws" ||
    fail "show session pw1 wireshark"
opts=$(head -n 1 "$WORK/ws")
grep -q "^tshark -n -i any -f 'udp port 1701 and host $V4_B' $opts\$" \
    "$WORK/ws" || fail "no tshark command line: $(cat "$WORK/ws")"
sid=$(json_get A "show session tunnel t1 pw1" '.t1.pw1.localSessionId')
cookie=$(json_get A "show session tunnel t1 pw1" '.t1.pw1.localCookie')
${PYTHON3:-python3} "$top_srcdir/tests/shell/data_pcap.py" "$sid" "$cookie" \
    default "$V4_B" "$V4_A" 1701 >"$WORK/data.pcap" || fail "data_pcap.py"
# shellcheck disable=SC2086 # the options are meant to split
src=$("${TSHARK:-tshark}" -n -r "$WORK/data.pcap" $opts -T fields \
    -e eth.src 2>/dev/null)
[ "$src" = 02:11:22:33:44:5e ] ||
    fail "tshark $opts did not decode the payload as Ethernet: '$src'"
src=$("${TSHARK:-tshark}" -n -r "$WORK/data.pcap" -T fields -e eth.src \
    2>/dev/null)
[ -z "$src" ] || fail "tshark decodes Ethernet without the options too"
"$L2TPSH" -S "$WORK/A.sock" -c "show session nosuch wireshark" \
    >/dev/null 2>&1 && fail "wireshark for an unknown session succeeded"

# show session ... detail, in every form the grammar allows (issue 12:
# "detail" was taken for a session name).
golden "Session pw1 (tunnel t1), established" "show session detail"
golden "Session pw1 (tunnel t1), established" "show session pw1 detail"
golden "Session pw1 (tunnel t1), established" "show session tunnel t1 detail"
golden "Session pw1 (tunnel t1), established" \
    "show session tunnel t1 pw1 detail"
golden "Session pw1 (tunnel t1), established" "show session $sid detail"
"$L2TPSH" -S "$WORK/A.sock" -c "show session pw1 detail" |
    grep -Eq "^  session ID local/remote +$sid / [0-9]+\$" ||
    fail "show session pw1 detail: no IDs line"
"$L2TPSH" -S "$WORK/A.sock" -c "show session pw1 detail" |
    grep -Eq "^  L2-Specific Sublayer +default\$" ||
    fail "show session pw1 detail: no sublayer line"
[ "$(json_get A "show session pw1 detail" '.t1.pw1.name')" = pw1 ] ||
    fail "show session pw1 detail json"
"$L2TPSH" -S "$WORK/A.sock" -c "show session nosuch detail" 2>"$WORK/err" &&
    fail "detail of an unknown session succeeded"
grep -q "% no such session: nosuch" "$WORK/err" || fail "$(cat "$WORK/err")"

# clear session, by name on the initiator A and by ID on B: a CDN each
# time (counted by the other side), and A places the call again.
check_json A "show session" '{"t1":{"pw1":{"state":"established"}}}'
id=$(json_get A "show session tunnel t1 pw1" '.t1.pw1.localSessionId')
"$L2TPSH" -S "$WORK/A.sock" -c "clear session t1 pw1" || fail "clear session"
check_json B "show statistics" '{"t1":{"messages":{"received":{"CDN":1}}}}'
wait_json A "show session" ".t1.pw1.state == \"established\" and
    .t1.pw1.localSessionId != $id" || fail "pw1 did not come back on A"
check_json B "show session" '{"t1":{"pw1":{"state":"established"}}}'
id=$(json_get B "show session tunnel t1 pw1" '.t1.pw1.localSessionId')
"$L2TPSH" -S "$WORK/B.sock" -c "clear session id $id" || fail "clear session id"
check_json A "show statistics" '{"t1":{"messages":{"received":{"CDN":1}}}}'
check_json A "show session" '{"t1":{"pw1":{"state":"established","lastCdn":{"result":3,"byPeer":true}}}}'
wait_json B "show session" ".t1.pw1.state == \"established\" and
    .t1.pw1.localSessionId != $id" || fail "pw1 did not come back on B"
"$L2TPSH" -S "$WORK/A.sock" -c "clear session t1 nosuch" 2>"$WORK/err" &&
    fail "clear of an unknown session succeeded"
grep -q "no such session: nosuch" "$WORK/err" || fail "$(cat "$WORK/err")"

# clear statistics, debug and clear tunnel.
"$L2TPSH" -S "$WORK/A.sock" -c "clear statistics" || fail "clear statistics"
check_json A "show statistics" '{"t1":{"messages":{"sent":{"SCCRQ":null}}}}'
# Run-time debug outlives an unrelated configuration change.
"$L2TPSH" -S "$WORK/A.sock" -c "debug tunnel t1 fsm" || fail "debug"
debug_is() {
	"$L2TPSH" -S "$WORK/A.sock" -c "show tunnel t1 detail" |
	    grep -Eq "^  debug +$1\$" || fail "$2: $("$L2TPSH" -S \
	    "$WORK/A.sock" -c "show tunnel t1 detail" | grep debug)"
}
debug_is fsm "debug tunnel t1 fsm"
sh_exec A 0 <<CMDS
configure terminal
tunnel t9
initiate no
remote 10.200.0.9
end
CMDS
check_json A "show tunnel" '{"t9":{"state":"idle"},"t1":{"state":"established"}}'
debug_is fsm "adding tunnel t9 reset t1's run-time debug"
"$L2TPSH" -S "$WORK/A.sock" -c "clear tunnel t1" || fail "clear tunnel"
check_json B "show tunnel t1" '{"t1":{"state":"established"}}' 60
grep -q "tunnel t1: established --close--> closing" "$WORK/A.log" ||
    fail "debug fsm showed no transition"
exit 0

# The peer zoo's shell side: one case = one l2tpv3d (dataplane none) in
# namespace A and one scripted peer (zoo.py, a profile of profiles.py)
# in namespace B, with tcpdump on B's veth.  Source after tests/ns/lib.sh
# and ns_init; zoo_init makes the namespace pair every case reuses.
#
#   zoo_case NAME PROFILE ROLE ENCAP [LINE...]
#       the peer in ROLE (initiator: it opens and places the call;
#       responder: the daemon does); LINEs go into the daemon's tunnel
#       section (the session vc101, Remote End ID "101", comes last).
#       Passes when the session is established on both sides and holds
#       through 3 HELLOs each way: the peer says so, the daemon's
#       `show session/statistics json` agree (IDs crossed, HELLO
#       counters), and the capture holds no CDN or StopCCN from anyone
#       (judged by tshark in the background, reported by zoo_summary).
#   zoo_refusal NAME PROFILE ROLE ENCAP WANT [LINE...]
#       the peer is at fault: the daemon must answer with WANT, a
#       regular expression over the peer's "REFUSAL ..." line.
#   zoo_summary  prints the cases that failed; the exit status.
#
# ZOO_SESSION_LINES: extra lines for the session section (e.g. cookies).
# ZOO_NO_SESSION=1: the control connection alone (no session configured).
# ZOO_PEER_HELLOS: HELLOs the peer must send in the hold (default 3; 0
# for a peer that sends none).
# ZOO_DAEMON_ACKS=N: the daemon must have counted N explicit ACKs.
# ZOO_TOLERATED: a jq expression over the daemon's `tolerated` counters
# (show statistics json, messages per kind) that must hold after the
# case, e.g.
# '.missingAvp >= 1': the deviation the peer is known for was counted.
# ZOO_FAMILY=6: over IPv6 ($V6_A/$V6_B) instead of IPv4.
# ZOO_REMOTE: the daemon's tunnel names this peer address instead (an
# SCCRQ from the zoo's peer is then from an unknown peer).

PYTHON3=${PYTHON3:-python3}
TSHARK=${TSHARK:-tshark}
ZOO=$top_srcdir/tests/peers/zoo.py
ZOO_FAILED=""
ZOO_HELLOS=3
ZOO_WIRE=""
ZOO_WIRE_PIDS=""

zoo_init() {
	command -v "$PYTHON3" >/dev/null 2>&1 || fail "python3 not found"
	command -v "$TSHARK" >/dev/null 2>&1 || fail "tshark not found"
	command -v tcpdump >/dev/null 2>&1 || fail "tcpdump not found"
	ns_pair a b
}

# zoo_addrs: ZA (the daemon's) and ZB (the peer's) in ZOO_FAMILY.
zoo_addrs() {
	if [ "${ZOO_FAMILY:-4}" = 6 ]; then
		ZA=$V6_A ZB=$V6_B
	else
		ZA=$V4_A ZB=$V4_B
	fi
	ZR=${ZOO_REMOTE:-$ZB}
}

# zoo_conf ROLE ENCAP [LINE...]: the daemon's configuration.
zoo_conf() {
	_init=no
	[ "$1" = responder ] && _init=yes
	_encap=$2
	shift 2
	zoo_addrs
	if [ "${ZOO_NO_SESSION:-0}" = 1 ]; then
		ns_conf l2d t "$ZA" "$ZR" "encap = $_encap" \
		    "initiate = $_init" "hello-interval = 1" \
		    "retry-interval = 1" "$@"
		return
	fi
	ns_conf l2d t "$ZA" "$ZR" "encap = $_encap" "initiate = $_init" \
	    "hello-interval = 1" "retry-interval = 1" "$@" \
	    "session vc101 {" "	remote-end-id = \"101\"" \
	    ${ZOO_SESSION_LINES:+"$ZOO_SESSION_LINES"} "}"
}

# zoo_run NAME PROFILE ROLE ENCAP [zoo.py options]: start the daemon (its
# config in $WORK/NAME.in) and the peer, in the order the roles need;
# the peer's output lands in $WORK/NAME.peer, its status in ZOO_RC.
zoo_run() {
	_n=$1 _prof=$2 _role=$3 _encap=$4
	shift 4
	capture_start "$_n" "$NS_B"
	if [ "$_role" = initiator ]; then
		daemon_start "$_n" "$NS_A" <"$WORK/$_n.in"
	fi
	: >"$WORK/$_n.peer"
	# -S: no site module (stdlib only; it starts faster); -B: no
	# __pycache__ in the source tree.
	timeout 60 ip netns exec "$NS_B" "$PYTHON3" -S -B "$ZOO" --profile "$_prof" \
	    --role "$_role" --encap "$_encap" --local "$ZB" --peer "$ZA" \
	    "$@" >"$WORK/$_n.peer" 2>&1 &
	_ppid=$!
	# The peer's socket and captures first (python starts slowly on a
	# loaded machine), then, when the daemon opens, the daemon.
	_i=0
	until grep -qs 'READY$' "$WORK/$_n.peer"; do
		_i=$((_i + 1))
		if [ $_i -gt 200 ] || ! kill -0 $_ppid 2>/dev/null; then
			# It may have said READY, and ended, since the grep.
			grep -qs 'READY$' "$WORK/$_n.peer" && break
			fail "$_n: the peer did not start: $(cat "$WORK/$_n.peer")"
		fi
		sleep 0.05
	done
	if [ "$_role" = responder ]; then
		daemon_start "$_n" "$NS_A" <"$WORK/$_n.in"
	fi
	# While the peer holds: the daemon must show it established (as
	# wait_json, but only as long as the peer runs).
	ZOO_WAITED=ok
	if [ -n "${ZOO_WAIT:-}" ]; then
		ZOO_WAITED="not shown while the peer ran: ${ZOO_WAIT%%|*} json | ${ZOO_WAIT#*|}"
		while kill -0 $_ppid 2>/dev/null; do
			if wait_json "$_n" "${ZOO_WAIT%%|*}" "${ZOO_WAIT#*|}" 0 \
			    >/dev/null 2>&1; then
				ZOO_WAITED=ok
				break
			fi
			sleep 0.2
		done
	fi
	wait $_ppid
	ZOO_RC=$?
	capture_stop "$_n"
	echo "--- peer $_n ($_prof as $_role over $_encap)"
	cat "$WORK/$_n.peer"
}

# zoo_bad NAME MSG: the case failed; the others still run.
zoo_bad() {
	echo "FAIL: $1: $2"
	echo "--- $1.log (last 30 lines)"
	tail -n 30 "$WORK/$1.log" 2>/dev/null
	ZOO_FAILED="$ZOO_FAILED $1"
}

zoo_case() {
	_name=$1 _profile=$2 _r=$3 _e=$4
	shift 4
	_restart=""
	if [ "${1:-}" = --restart ]; then
		_restart=--restart
		shift
	fi
	zoo_conf "$_r" "$_e" "$@" >"$WORK/$_name.in"
	_nosess=""
	ZOO_WAIT="show session|.t.vc101.state == \"established\""
	if [ "${ZOO_NO_SESSION:-0}" = 1 ]; then
		_nosess=--no-session
		ZOO_WAIT="show tunnel|.t.state == \"established\""
	fi
	zoo_run "$_name" "$_profile" "$_r" "$_e" --hellos $ZOO_HELLOS \
	    $_restart $_nosess
	_case_checks "$_name" "${_restart:+restart}"
	daemon_stop "$_name" KILL >/dev/null 2>&1
}

_case_checks() {
	_n=$1
	if [ "$ZOO_RC" != 0 ] || ! grep -q '] HELD' "$WORK/$_n.peer"; then
		zoo_bad "$_n" "the peer did not hold a session ($ZOO_RC): $(grep FAIL "$WORK/$_n.peer")"
		return
	fi
	if [ "$ZOO_WAITED" != ok ]; then
		zoo_bad "$_n" "the daemon: $ZOO_WAITED"
		return
	fi
	# The daemon, right after the hold: the session the peer has.
	_ids=$(grep '] ESTABLISHED' "$WORK/$_n.peer" | tail -n 1)
	_sid=$(printf '%s' "$_ids" | sed 's/.* sid=\([0-9]*\).*/\1/')
	_psid=$(printf '%s' "$_ids" | sed 's/.*peersid=\([0-9]*\).*/\1/')
	_ccid=$(printf '%s' "$_ids" | sed 's/.* ccid=\([0-9]*\).*/\1/')
	_json=$(l2tpsh "$_n" "show session json")
	[ "${ZOO_NO_SESSION:-0}" = 1 ] ||
	    printf '%s' "$_json" | "$JQ" -e --argjson s "$_sid" \
	    --argjson p "$_psid" '.t.vc101 | .state == "established" and
	    .localSessionId == $p and .remoteSessionId == $s' >/dev/null ||
	    { zoo_bad "$_n" "daemon's session is not the peer's: $_json"; return; }
	_json=$(l2tpsh "$_n" "show tunnel json")
	printf '%s' "$_json" | "$JQ" -e --argjson c "$_ccid" \
	    '.t.state == "established" and .t.remoteCcid == $c' >/dev/null ||
	    { zoo_bad "$_n" "daemon's tunnel: $_json"; return; }
	_json=$(l2tpsh "$_n" "show statistics json")
	printf '%s' "$_json" | "$JQ" -e --argjson h $ZOO_HELLOS \
	    --argjson p "${ZOO_PEER_HELLOS:-$ZOO_HELLOS}" \
	    --argjson a "${ZOO_DAEMON_ACKS:-0}" \
	    '(.t.messages.received.HELLO // 0) >= $p and
	    .t.messages.sent.HELLO >= $h and
	    (.t.messages.received.ACK // 0) >= $a' >/dev/null ||
	    { zoo_bad "$_n" "daemon's HELLO counters: $_json"; return; }
	if [ -n "${ZOO_TOLERATED:-}" ]; then
		printf '%s' "$_json" | "$JQ" -e ".t.tolerated | $ZOO_TOLERATED" \
		    >/dev/null ||
		    { zoo_bad "$_n" "tolerated deviations not counted ($ZOO_TOLERATED): $(printf '%s' "$_json" | "$JQ" -c .t.tolerated)"; return; }
	fi
	# The wire: tshark starts slowly, so it runs in the background
	# while the next case holds; zoo_summary judges its output.
	# ICMP errors quote our packets (the peer's socket is closed once it
	# held): not part of the exchange.
	( "$TSHARK" -n -r "$WORK/$_n.pcap" \
	    -Y '!icmp && !icmpv6 && (l2tp || _ws.malformed)' -T fields \
	    -E separator=, -E occurrence=f -e frame.number -e ip.src \
	    -e ipv6.src -e l2tp.avp.message_type -e _ws.malformed \
	    >"$WORK/$_n.wire" \
	    2>"$WORK/$_n.tshark.err"; echo $? >"$WORK/$_n.tshark.rc" ) &
	ZOO_WIRE_PIDS="$ZOO_WIRE_PIDS $!"
	ZOO_WIRE="$ZOO_WIRE $_n,${2:-plain},$ZA,$ZB,${ZOO_PEER_HELLOS:-$ZOO_HELLOS}"
}

# _wire_checks NAME MODE DAEMON_ADDR PEER_ADDR PEER_HELLOS: no CDN at all,
# no StopCCN but the restarted peer's own, HELLOs both ways, nothing
# malformed.
_wire_checks() {
	_n=$1
	[ "$(cat "$WORK/$_n.tshark.rc")" = 0 ] ||
	    { zoo_bad "$_n" "tshark: $(cat "$WORK/$_n.tshark.err")"; return; }
	_bad=$(awk -F, -v d="$3" -v r="$2" '$4 == 14 ||
	    ($4 == 4 && (r != "restart" || $2 $3 == d)) || $5 != "" { print $1 }' \
	    "$WORK/$_n.wire" | tr '\n' ' ')
	[ -z "$_bad" ] ||
	    { zoo_bad "$_n" "CDN, StopCCN or malformed on the wire: frames $_bad"; return; }
	_a=$(awk -F, -v s="$3" '$2 $3 == s && $4 == 6' "$WORK/$_n.wire" | wc -l)
	_b=$(awk -F, -v s="$4" '$2 $3 == s && $4 == 6' "$WORK/$_n.wire" | wc -l)
	[ "$_a" -ge $ZOO_HELLOS ] && [ "$_b" -ge "$5" ] ||
	    { zoo_bad "$_n" "HELLOs on the wire: $_a from l2tpv3d, $_b from the peer"; return; }
	echo "ok: $_n (HELLOs on the wire: $_a from l2tpv3d, $_b from the peer)"
}

zoo_refusal() {
	_name=$1 _profile=$2 _r=$3 _e=$4 _want=$5
	shift 5
	zoo_conf "$_r" "$_e" "$@" >"$WORK/$_name.in"
	ZOO_WAIT=""
	zoo_run "$_name" "$_profile" "$_r" "$_e" --expect-refusal
	if [ "$ZOO_RC" != 0 ]; then
		zoo_bad "$_name" "no refusal: $(grep FAIL "$WORK/$_name.peer")"
	elif ! grep -E -q "$_want" "$WORK/$_name.peer"; then
		zoo_bad "$_name" "the refusal is not '$_want': $(grep REFUSAL "$WORK/$_name.peer")"
	else
		echo "ok: $_name ($(grep REFUSAL "$WORK/$_name.peer"))"
	fi
	daemon_stop "$_name" KILL >/dev/null 2>&1
}

zoo_summary() {
	for _p in $ZOO_WIRE_PIDS; do
		wait "$_p"
	done
	for _w in $ZOO_WIRE; do
		# shellcheck disable=SC2046 # the fields are meant to split
		(IFS=,; _wire_checks $_w) >"$WORK/wire.out"
		cat "$WORK/wire.out"
		grep -q '^FAIL' "$WORK/wire.out" &&
		    ZOO_FAILED="$ZOO_FAILED $(echo "$_w" | cut -d, -f1)"
	done
	if [ -n "$ZOO_FAILED" ]; then
		echo "FAILED cases:$ZOO_FAILED"
		exit 1
	fi
	echo "PASS"
}

# Helpers for tests that run l2tpv3d in network namespaces.
#
# Source it from a test script:  . "$(dirname "$0")/lib.sh"
#
#   ns_init                 skip (77) unless root with netns; create the
#                           work dir and the cleanup trap
#   ns_pair A B             namespaces $NS_A/$NS_B joined by veth, with
#                           IPv4 $V4_A/$V4_B (10.200.0.0/24) and IPv6
#                           $V6_A/$V6_B (fd00:200::/64), only inside them
#   ns_impaired_pair A B LOSS DELAY JITTER DUP
#                           ns_pair over a wire that loses, delays and
#                           duplicates frames (netem, or impair.py)
#   ns_exec NS CMD...       run a command in a namespace
#   daemon_start NAME NS    start l2tpv3d in NS with the config read from
#                           stdin; socket $WORK/NAME.sock, log NAME.log
#                           (with -d unless NS_DEBUG is set to "")
#   daemon_stop NAME [SIG]  signal it (TERM) and wait for it to exit
#   daemon_pid NAME
#   l2tpsh NAME CMD         run one l2tpsh command against NAME
#   wait_json NAME CMD EXPR [TIMEOUT]
#                           poll `CMD json` until the jq expression EXPR
#                           is true (default timeout 20 s)
#   json_get NAME CMD EXPR  print jq EXPR over `CMD json`
#   ns_netem NS ARGS...     tc netem qdisc on NS's veth0 (loss, delay...)
#   fail MSG                print MSG and every daemon log, exit 1
#   ns_conf HOST TUNNEL LOCAL REMOTE [LINE...]
#                           print a dataplane-none config with one tunnel
#   daemon_restart NAME NS  start NAME again with its last config
#   assert_pair A TA B TB DIGEST
#                           both ends established, CCIDs cross-match,
#                           dialect ietf, digest DIGEST on both
#   capture_start NAME NS [FILTER...]
#                           tcpdump on veth0 in NS into $WORK/NAME.pcap
#   capture_stop NAME       stop it and flush the file
#   tshark_frames PCAP SECRET FILTER
#                           FRAMES = frame numbers matching FILTER
#
# Everything created (namespaces, daemons, files) goes away on exit,
# unless KEEP=1 is set (then the work dir is kept and printed).

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
L2TPV3D=${L2TPV3D:-$top_builddir/daemon/l2tpv3d}
L2TPSH=${L2TPSH:-$top_builddir/cli/l2tpsh}
JQ=${JQ:-jq}

NS_LIST=""
DAEMONS=""
BG_PIDFILES=""

ns_skip() {
	echo "SKIP: $*"
	exit 77
}

ns_cleanup() {
	rc=$?
	for f in $BG_PIDFILES; do
		kill -KILL "$(cat "$f" 2>/dev/null)" 2>/dev/null
	done
	for d in $DAEMONS; do
		pid=$(cat "$WORK/$d.pid" 2>/dev/null) || continue
		kill -KILL "$pid" 2>/dev/null
	done
	for ns in $NS_LIST; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${KEEP:-0}" = 1 ]; then
		echo "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}

ns_init() {
	# make distcheck re-runs only the tests that prove the tarball
	# builds and its code works; the system tests ran in the main build.
	[ "${L2TP_CHECK_QUICK:-0}" = 1 ] && ns_skip "L2TP_CHECK_QUICK=1"
	[ "$(id -u)" = 0 ] || ns_skip "needs root (network namespaces)"
	command -v ip >/dev/null 2>&1 || ns_skip "needs iproute2"
	command -v "$JQ" >/dev/null 2>&1 || { echo "FAIL: jq missing"; exit 1; }
	[ -x "$L2TPV3D" ] || { echo "FAIL: $L2TPV3D not built"; exit 1; }
	[ -x "$L2TPSH" ] || { echo "FAIL: $L2TPSH not built"; exit 1; }
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/l2tpns.XXXXXX")
	NS_PREFIX="l2tp$$"
	trap ns_cleanup EXIT
	trap 'exit 1' INT TERM
}

ns_exec() {
	ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# ns_pair A B: two namespaces joined by a veth pair.
ns_pair() {
	NS_A="$NS_PREFIX-$1"
	NS_B="$NS_PREFIX-$2"
	V4_A=10.200.0.1
	V4_B=10.200.0.2
	V6_A=fd00:200::1
	V6_B=fd00:200::2
	for ns in "$NS_A" "$NS_B"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		NS_LIST="$NS_LIST $ns"
		ip -n "$ns" link set lo up
	done
	ip -n "$NS_A" link add veth0 type veth peer name veth0 netns "$NS_B" ||
	    fail "cannot create veth"
	ns_addrs
}

# ns_addrs: the pair's addresses on veth0 at both ends, links up.
ns_addrs() {
	ip -n "$NS_A" addr add "$V4_A/24" dev veth0
	ip -n "$NS_B" addr add "$V4_B/24" dev veth0
	ip -n "$NS_A" addr add "$V6_A/64" dev veth0 nodad
	ip -n "$NS_B" addr add "$V6_B/64" dev veth0 nodad
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth0 up
}

ns_netem() {
	ns=$1
	shift
	tc -n "$ns" qdisc replace dev veth0 root netem "$@" ||
	    fail "netem $* in $ns"
}

# ns_impaired_pair A B LOSS DELAY JITTER DUP: like ns_pair, but each
# direction of the wire drops LOSS % of the frames, delays the others by
# DELAY +- JITTER ms (so they get reordered) and duplicates DUP % of them:
# netem at both ends of the veth, or, on a kernel without sch_netem,
# impair.py forwarding between two TAP devices (the same in user space).
# Sets IMPAIRED_BY to what did it.
ns_impaired_pair() {
	ns_pair "$1" "$2"
	_netem="loss $3% delay $4ms $5ms duplicate $6%"
	# shellcheck disable=SC2086 # the netem words are meant to split
	if ns_exec "$NS_A" tc qdisc add dev veth0 root netem $_netem \
	    2>"$WORK/tc.err"; then
		ns_exec "$NS_B" tc qdisc add dev veth0 root netem $_netem ||
		    fail "tc netem in $NS_B"
		IMPAIRED_BY="tc netem"
		return
	fi
	grep -q "qdisc kind is unknown" "$WORK/tc.err" ||
	    fail "tc netem: $(cat "$WORK/tc.err")"
	ip -n "$NS_A" link del veth0
	ip netns exec "$NS_A" "${PYTHON3:-python3}" "$top_srcdir/tests/ns/impair.py" \
	    --peer-netns "/run/netns/$NS_B" --loss "$3" --delay "$4" \
	    --jitter "$5" --duplicate "$6" >"$WORK/impair.log" 2>&1 &
	echo $! >"$WORK/impair.pid"
	BG_PIDFILES="$BG_PIDFILES $WORK/impair.pid"
	i=0
	until grep -qs "^ready" "$WORK/impair.log"; do
		i=$((i + 1))
		[ $i -le 100 ] && kill -0 "$(cat "$WORK/impair.pid")" 2>/dev/null ||
		    fail "impair.py did not start: $(cat "$WORK/impair.log")"
		sleep 0.1
	done
	ns_addrs
	# shellcheck disable=SC2034 # read by the caller
	IMPAIRED_BY="impair.py (this kernel has no sch_netem)"
}

# test_user_opt CONF [OPTIONS...]: "-u root" unless the configuration or
# the options name a user.  A test runs the daemon as one process, as
# root, whether or not the machine has the user l2tp (the package
# creates it, and the daemon then separates privileges by default); the
# tests of the separation (privsep.sh) name their own user.
test_user_opt() {
	grep -Eq '^[[:space:]]*user[[:space:]]*=' "$1" && return 0
	shift
	for _a in "$@"; do
		[ "$_a" = -u ] && return 0
	done
	echo "-u root"
}

# daemon_start NAME NS [extra l2tpv3d options] < config
daemon_start() {
	name=$1
	ns=$2
	shift 2
	cat >"$WORK/$name.conf"
	# shellcheck disable=SC2086 # NS_DEBUG is one word or none
	ip netns exec "$ns" "$L2TPV3D" -f ${NS_DEBUG--d} -c "$WORK/$name.conf" \
	    -S "$WORK/$name.sock" -p "$WORK/$name.pidfile" \
	    $(test_user_opt "$WORK/$name.conf" "$@") "$@" \
	    >"$WORK/$name.log" 2>&1 &
	echo $! >"$WORK/$name.pid"
	DAEMONS="$DAEMONS $name"
	i=0
	while [ ! -S "$WORK/$name.sock" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "$name: no control socket after 10 s"
		kill -0 "$(cat "$WORK/$name.pid")" 2>/dev/null ||
		    fail "$name: daemon exited at start"
		sleep 0.1
	done
}

daemon_pid() {
	cat "$WORK/$1.pid"
}

# daemon_stop NAME [SIGNAL]: waits up to 10 s for the exit; returns its
# exit status.
daemon_stop() {
	pid=$(daemon_pid "$1")
	kill -"${2:-TERM}" "$pid" 2>/dev/null || return 1
	wait_gone "$pid" 10 "$1: still running 10 s after SIG${2:-TERM}"
	wait "$pid" 2>/dev/null
}

# wait_gone PID SECONDS MESSAGE: until PID has exited (a zombie counts:
# whoever inherited it reaps it), or fail with MESSAGE.
wait_gone() {
	_deadline=$(($(date +%s%N) + $2 * 1000000000))
	while kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; do
		[ "$(date +%s%N)" -ge "$_deadline" ] && fail "$3"
		sleep 0.02
	done
}

# ns_user PREFIX: a throwaway user (U, its uid UID_U) for the engine of
# a separated daemon, removed at exit (-f: after a failure the engines
# still run as $U until ns_cleanup).
ns_user() {
	command -v useradd >/dev/null 2>&1 || fail "useradd missing"
	U="$1$$"
	useradd -M -N -g nogroup "$U" || fail "useradd"
	trap '_rc=$?; userdel -f "$U" 2>/dev/null; (exit $_rc); ns_cleanup' EXIT
	UID_U=$(id -u "$U")
}

# graceful_ask NAME command|signal: one graceful restart of NAME asked
# by `restart graceful` (which must say "has taken over"; its answer in
# $WORK/restart.out) or by SIGUSR2 to the pid in its pid file.
graceful_ask() {
	if [ "$2" = signal ]; then
		kill -USR2 "$(cat "$WORK/$1.pidfile")"
		return
	fi
	l2tpsh "$1" "restart graceful" >"$WORK/restart.out" 2>&1 ||
	    fail "$1: restart graceful: $(cat "$WORK/restart.out")"
	grep -q "has taken over" "$WORK/restart.out" ||
	    fail "$1: restart graceful said: $(cat "$WORK/restart.out")"
}

# restart_gracefully NAME: `restart graceful`; the old pid ($RG_OLD)
# gone, a new one ($RG_NEW) in the pid file and in $WORK/NAME.pid.
restart_gracefully() {
	RG_OLD=$(cat "$WORK/$1.pidfile")
	graceful_ask "$1" command
	wait_gone "$RG_OLD" 10 "$1: old process ($RG_OLD) still running"
	RG_NEW=$(cat "$WORK/$1.pidfile")
	[ "$RG_NEW" != "$RG_OLD" ] || fail "$1: pid did not change"
	echo "$RG_NEW" >"$WORK/$1.pid"
	echo "$1: $RG_OLD -> $RG_NEW: $(cat "$WORK/restart.out")"
}

# graceful_pair: A (initiator) and B, dataplane none, one tunnel t with
# a session pw1, 1 s hellos, both up; ids NAME prints the IDs, and $up
# is the jq test for "the session is established".
graceful_pair() {
	_gconf() { # NAME LOCAL REMOTE INITIATE
		ns_conf "$1" t "$2" "$3" "initiate = $4" "hello-interval = 1" \
		    "session pw1 { remote-end-id = \"101\" }"
	}
	_gconf lcce-b "$V4_B" "$V4_A" no | daemon_start B "$NS_B"
	_gconf lcce-a "$V4_A" "$V4_B" yes | daemon_start A "$NS_A"
	up='[.[][] | select(.state == "established")] | length == 1'
	wait_json A "show session" "$up" 15 || fail "A: session not up"
	wait_json B "show session" "$up" 15 || fail "B: session not up"
}
ids() {
	json_get "$1" "show tunnel" '.t | "\(.localCcid)/\(.remoteCcid)"'
	json_get "$1" "show session" '.t.pw1 | "\(.localSessionId)"'
}

l2tpsh() {
	"$L2TPSH" -S "$WORK/$1.sock" -c "$2"
}

json_get() {
	l2tpsh "$1" "$2 json" | "$JQ" -r "$3"
}

# wait_json NAME CMD EXPR [TIMEOUT]
wait_json() {
	deadline=$(($(date +%s) + ${4:-20}))
	while :; do
		if out=$(l2tpsh "$1" "$2 json" 2>/dev/null) &&
		    [ "$(printf '%s' "$out" | "$JQ" -r "$3" 2>/dev/null)" = true ]; then
			return 0
		fi
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "timeout waiting on $1 for: $2 | $3"
			echo "last answer: $out"
			return 1
		fi
		sleep 0.2
	done
}

fail() {
	echo "FAIL: $*"
	for d in $DAEMONS; do
		echo "--- $d.log"
		tail -n 60 "$WORK/$d.log" 2>/dev/null
	done
	exit 1
}

# ns_conf HOST TUNNEL LOCAL REMOTE [LINE...]: a configuration with one
# tunnel; every LINE goes into the tunnel section as is.
ns_conf() {
	printf 'hostname = "%s"\ndataplane = none\ntunnel %s {\n' "$1" "$2"
	printf '\tlocal = %s\n\tremote = %s\n' "$3" "$4"
	shift 4
	for line in "$@"; do
		printf '\t%s\n' "$line"
	done
	printf '}\n'
}

# daemon_restart NAME NS [options]: start NAME again, with the config it
# had, after it died; its stale control socket goes first so the wait in
# daemon_start sees the new one.
daemon_restart() {
	cp "$WORK/$1.conf" "$WORK/$1.conf.prev"
	rm -f "$WORK/$1.sock"
	daemon_start "$@" <"$WORK/$1.conf.prev"
}

# assert_pair A TA B TB DIGEST: tunnel TA of daemon A and TB of B are one
# control connection, seen the same way from both ends.
assert_pair() {
	_ja=$(l2tpsh "$1" "show tunnel $2 json") || fail "$1: show tunnel $2"
	_jb=$(l2tpsh "$3" "show tunnel $4 json") || fail "$3: show tunnel $4"
	_pair_side "$1" "$2" "$5" "$_ja"
	_pair_side "$3" "$4" "$5" "$_jb"
	_ids_a=$(printf '%s' "$_ja" | "$JQ" -r --arg t "$2" \
	    '.[$t] | "\(.localCcid)/\(.remoteCcid)"')
	_ids_b=$(printf '%s' "$_jb" | "$JQ" -r --arg t "$4" \
	    '.[$t] | "\(.remoteCcid)/\(.localCcid)"')
	[ "$_ids_a" = "$_ids_b" ] ||
	    fail "CCIDs do not cross-match: $1 has $_ids_a, $3 has $_ids_b"
}

# _pair_side DAEMON TUNNEL DIGEST JSON
_pair_side() {
	printf '%s' "$4" | "$JQ" -e --arg t "$2" --arg d "$3" '.[$t] |
	    .state == "established" and .dialect == "ietf" and
	    .digest == $d and .localCcid != 0 and .remoteCcid != 0' \
	    >/dev/null ||
	    fail "$1: tunnel $2 is not established/ietf/digest $3: $4"
}

# capture_start NAME NS [FILTER...]: tcpdump on NS's veth0 into
# $WORK/NAME.pcap (only what FILTER matches, when given), returning once
# the capture is open (bounded wait).
capture_start() {
	_cname=$1
	_cns=$2
	shift 2
	ip netns exec "$_cns" tcpdump -i veth0 -n -U --immediate-mode -Z root \
	    -s 0 -w "$WORK/$_cname.pcap" "$@" >"$WORK/$_cname.tcpdump.log" 2>&1 &
	set -- "$_cname"
	echo $! >"$WORK/$1.cap.pid"
	BG_PIDFILES="$BG_PIDFILES $WORK/$1.cap.pid"
	i=0
	until grep -qs "listening on" "$WORK/$1.tcpdump.log"; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "tcpdump did not start: $(cat "$WORK/$1.tcpdump.log")"
		sleep 0.1
	done
}

# capture_stop NAME: SIGTERM makes tcpdump write out what it holds (a
# background job of a script ignores SIGINT).
capture_stop() {
	pid=$(cat "$WORK/$1.cap.pid")
	kill -TERM "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 50 ] && kill -KILL "$pid" 2>/dev/null
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	[ -s "$WORK/$1.pcap" ] || fail "capture $1 is empty"
}

# tshark_frames PCAP SECRET FILTER: sets FRAMES to the numbers of the
# frames that match the display filter FILTER, on one line ("" if none).
# (Not a $(...) function, so that fail can end the test.)
tshark_frames() {
	"${TSHARK:-tshark}" -n -r "$1" -o "l2tp.shared_secret:$2" -Y "$3" \
	    -T fields -e frame.number >"$WORK/tshark.out" 2>"$WORK/tshark.err" ||
	    fail "tshark -Y '$3' failed: $(cat "$WORK/tshark.err")"
	# shellcheck disable=SC2034 # the result, read by the caller
	FRAMES=$(tr '\n' ' ' <"$WORK/tshark.out" | sed 's/ $//')
}

# assert_ns_continuous PCAP SRC: each new control message SRC sent (not
# its acknowledgements) carries the highest Ns so far + 1; any other is
# an earlier one again (a retransmission, of the oldest unacknowledged,
# which may come after newer ones, and of the same type): no gap, no Ns
# used for two messages.  Leaves them, "Ns type" a line, in
# $WORK/ns.txt.
assert_ns_continuous() {
	"${TSHARK:-tshark}" -n -r "$1" -Y \
	    "ip.src == $2 and l2tp.avp.message_type and l2tp.avp.message_type != 20" \
	    -T fields -e l2tp.Ns -e l2tp.avp.message_type >"$WORK/ns.txt" ||
	    fail "tshark -r $1 failed"
	awk 'NR == 1 { max = $1; type[$1] = $2; next }
	    { d = ($1 - max + 65536) % 65536 }
	    d == 1 { max = $1; type[$1] = $2; next }
	    d != 0 && d < 32768 { print "Ns " $1 " after at most " max; bad = 1 }
	    ($1 in type) && type[$1] != $2 {
		print "Ns " $1 " for types " type[$1] " and " $2; bad = 1 }
	    END { exit bad }' "$WORK/ns.txt" >"$WORK/ns.bad" ||
	    fail "$2's Ns jumped: $(cat "$WORK/ns.bad")"
}

# assert_in_place PCAP SRC MIN: changes that apply in place put no
# StopCCN or CDN in PCAP, SRC sent at least MIN HELLOs (their count in
# N_HELLOS), and A logged no restart.
assert_in_place() {
	tshark_frames "$1" x \
	    'l2tp.avp.message_type == 4 or l2tp.avp.message_type == 14'
	[ -z "$FRAMES" ] || fail "StopCCN or CDN on the wire: frames $FRAMES"
	tshark_frames "$1" x "ip.src == $2 and l2tp.avp.message_type == 6"
	N_HELLOS=$(echo "$FRAMES" | wc -w)
	[ "$N_HELLOS" -ge "$3" ] ||
	    fail "$2 sent only $N_HELLOS HELLOs with the new intervals"
	! grep -q "configuration changed, restarting" "$WORK/A.log" ||
	    fail "A restarted something: $(grep restarting "$WORK/A.log")"
}

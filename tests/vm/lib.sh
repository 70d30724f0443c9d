# Helpers for the dataplane tests that run in the VM; source it:
#	. "$(dirname "$0")/lib.sh"
#	vm_enter "$@"
#
# vm_enter re-runs the calling script inside the VM (tests/vm/vm-run.sh)
# unless it already runs there; VM_DIRECT=1 runs it on this machine
# instead (as root, with a kernel that has L2TP).  Inside, everything is
# root in a throw-away VM, but the helpers still clean up after
# themselves so VM_DIRECT runs leave nothing behind.
#
#   ns_new NS...             network namespaces, with lo up
#   veth NS1 IF1 NS2 IF2     a veth pair between two namespaces, up
#   wan_pair A B PREFIX      namespaces A and B joined by wan0, with
#                            PREFIX.1/24 in A and PREFIX.2/24 in B
#   in_ns NS CMD...          run CMD in NS
#   dp NS ARGS...            dp_tool (daemon/dataplane.c) in NS
#   dp_get NS KEY ARGS...    one "KEY value" line of `dp_tool ARGS`
#   ping_ok NS DST [SIZE]    3 echo replies within 5 s, or fail
#   ping_fails NS DST        no echo reply within 3 s, or fail
#   expect WHAT GOT WANT     fail unless GOT = WANT
#   expect_ge WHAT GOT MIN   fail unless GOT >= MIN
#   step MSG                 say what the test does next
#   pw_kernel_view NS IF     `ip l2tp show` tunnels and sessions, IF's index
#   pings_start NS DST SECS  pings at 10 Hz in the background
#   pings_end MIN            stop them; fail unless MIN sent and 0 lost
#   pw_conf SIDE ME PEER INIT [T] [S]  a configuration: tunnel t, session
#                            pw over wan_pair's addresses (below)

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
. "$top_srcdir/tests/lib.sh"

# Busybox (the VM's init) prefers its own applets; name iproute2 in full.
IP=/sbin/ip
[ -x "$IP" ] || IP=/usr/sbin/ip
DP_TOOL=$top_builddir/tests/vm/dp_tool

vm_enter()
{
	[ -x "$DP_TOOL" ] || die "$DP_TOOL not built"
	[ -n "${L2TPV3D_VM:-}" ] && return 0
	if [ "${VM_DIRECT:-0}" = 1 ]; then
		need_root
		return 0
	fi
	exec sh "$top_srcdir/tests/vm/vm-run.sh" "$0" "$@"
}

step()
{
	echo "--- $*"
}

ns_new()
{
	for _ns in "$@"; do
		"$IP" netns add "$_ns" || die "cannot create namespace $_ns"
		at_exit "'$IP' netns del '$_ns' 2>/dev/null"
		"$IP" -n "$_ns" link set lo up
	done
}

veth()
{
	"$IP" link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
	    die "cannot create veth $1/$2 - $3/$4"
	"$IP" -n "$1" link set "$2" up
	"$IP" -n "$3" link set "$4" up
}

wan_pair()
{
	ns_new "$1" "$2"
	veth "$1" wan0 "$2" wan0
	"$IP" -n "$1" addr add "$3.1/24" dev wan0
	"$IP" -n "$2" addr add "$3.2/24" dev wan0
}

# no_ipv6_links NS...: new links in these namespaces get no IPv6, so only
# the test's own traffic (pings, ARP) crosses the pseudowires.
no_ipv6_links()
{
	for _n in "$@"; do
		in_ns "$_n" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 ||
		    die "sysctl in $_n"
	done
}

in_ns()
{
	_ns=$1
	shift
	"$IP" netns exec "$_ns" "$@"
}

dp()
{
	_ns=$1
	shift
	"$IP" netns exec "$_ns" "$DP_TOOL" "$@" || die "dp_tool $* (in $_ns)"
}

dp_get()
{
	_ns=$1
	_key=$2
	shift 2
	"$IP" netns exec "$_ns" "$DP_TOOL" "$@" |
	    awk -v k="$_key" '$1 == k { print $2; found = 1 }
		END { exit !found }' || die "dp_tool $*: no $_key (in $_ns)"
}

ping_ok()
{
	in_ns "$1" ping -n -q -c 3 -i 0.2 -w 5 ${3:+-s "$3"} "$2" >/dev/null ||
	    die "$1: no answer from $2${3:+ (size $3)}"
}

ping_fails()
{
	if in_ns "$1" ping -n -q -c 2 -i 0.2 -w 3 "$2" >/dev/null 2>&1; then
		die "$1: $2 answers but must not"
	fi
}

expect()
{
	[ "$2" = "$3" ] || die "$1: got '$2', want '$3'"
}

expect_ge()
{
	[ "$2" -ge "$3" ] 2>/dev/null || die "$1: got '$2', want at least $3"
}

pw_kernel_view()
{
	"$IP" -n "$1" l2tp show tunnel
	"$IP" -n "$1" l2tp show session
	"$IP" -n "$1" -o link show "$2" | cut -d: -f1
}

pings_start()
{
	in_ns "$1" ping -n -i 0.1 -w "$3" "$2" >"$TESTDIR/ping.out" 2>&1 &
	_ping_pid=$!
}

pings_end()
{
	kill -INT "$_ping_pid" 2>/dev/null
	wait "$_ping_pid"
	tail -n 3 "$TESTDIR/ping.out"
	PINGS_SENT=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' \
	    "$TESTDIR/ping.out")
	_got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$TESTDIR/ping.out")
	expect_ge "pings sent" "$PINGS_SENT" "$1"
	expect "pings lost" "$((PINGS_SENT - _got))" 0
}

# pw_conf SIDE ME PEER INITIATE [TUNNEL-LINES] [SESSION-LINES]: l2tpv3d
# "pe-SIDE" with tunnel t from 10.1.0.ME to 10.1.0.PEER (wan_pair's
# addresses; hellos every 2 s) and its one pseudowire pw (remote-end-id
# 7, interface pw7, 10.9.7.ME peer 10.9.7.PEER), plus the lines given.
pw_conf()
{
	cat <<CONF
hostname = "pe-$1"
dataplane = kernel
tunnel t {
	local = 10.1.0.$2
	remote = 10.1.0.$3
	initiate = $4
	hello-interval = 2
	${5:-}
	session pw {
		remote-end-id = "7"
		interface = pw7
		address = "10.9.7.$2 peer 10.9.7.$3"
		${6:-}
	}
}
CONF
}

# Two l2tpv3d in namespaces (make_tmpdir first):
#   l2d_start NAME NS < CONF  start l2tpv3d in NS (foreground, debug log
#                             $TESTDIR/NAME.log, shown when the test fails)
#   l2d_stop NAME [SIG]       signal it (TERM), wait for it to exit with
#                             status 0
#   l2d_hup NAME < CONF       replace its configuration and SIGHUP it
#   l2d_sh NAME CMD           one l2tpsh command
#   l2d_get NAME CMD EXPR     jq EXPR over `CMD json`
#   l2d_ids NAME              tunnel t's and session pw's local/remote IDs
#   l2d_pw_up NS_A NS_B PEER  A and B from $TESTDIR/a.in and b.in, until
#                             each has its session in the kernel and NS_A
#                             pings PEER across it
#   l2d_wait NAME CMD EXPR [S]  poll until jq EXPR over `CMD json` is true
#   wait_until WHAT S CMD...  poll CMD for up to S seconds
L2TPV3D=${L2TPV3D:-$top_builddir/daemon/l2tpv3d}
L2TPSH=$top_builddir/cli/l2tpsh
JQ=${JQ:-jq}

l2d_start()
{
	cat >"$TESTDIR/$1.conf"
	rm -f "$TESTDIR/$1.sock"
	if [ ! -e "$TESTDIR/$1.log" ]; then
		at_exit "[ \$_lib_rc = 0 ] || { echo '--- $1.log'; tail -n 50 '$TESTDIR/$1.log'; }"
	fi
	echo "=== start" >>"$TESTDIR/$1.log"
	# As one process, as root, unless the configuration names a user
	# (tests/ns/lib.sh's test_user_opt says why).
	_uopt="-u root"
	grep -Eq '^[[:space:]]*user[[:space:]]*=' "$TESTDIR/$1.conf" &&
	    _uopt=""
	# shellcheck disable=SC2086 # one option and its value, or none
	"$IP" netns exec "$2" "$L2TPV3D" -f -d -c "$TESTDIR/$1.conf" \
	    -S "$TESTDIR/$1.sock" -p "$TESTDIR/$1.pidfile" $_uopt \
	    >>"$TESTDIR/$1.log" 2>&1 &
	echo $! >"$TESTDIR/$1.pid"
	at_exit "kill -KILL $! 2>/dev/null"
	wait_until "$1's control socket" 20 test -S "$TESTDIR/$1.sock"
}

l2d_stop()
{
	_pid=$(cat "$TESTDIR/$1.pid")
	kill -"${2:-TERM}" "$_pid" 2>/dev/null || die "$1 is not running"
	wait_until "$1 to exit" "${L2D_STOP_TIMEOUT:-15}" \
	    sh -c "! kill -0 $_pid 2>/dev/null"
	# A sanitizer's report makes the exit status non-zero.
	wait "$_pid" 2>/dev/null || die "$1 exited with status $?"
}

l2d_hup()
{
	cat >"$TESTDIR/$1.conf"
	kill -HUP "$(cat "$TESTDIR/$1.pid")" || die "$1 is not running"
}

l2d_sh()
{
	"$L2TPSH" -S "$TESTDIR/$1.sock" -c "$2"
}

l2d_get()
{
	l2d_sh "$1" "$2 json" | "$JQ" -r "$3" ||
	    die "$1: $2 json | $3 failed"
}

l2d_ids()
{
	l2d_get "$1" "show tunnel t" '.t | "\(.localCcid)/\(.remoteCcid)"'
	l2d_get "$1" "show session" \
	    '.t.pw | "\(.localSessionId)/\(.remoteSessionId)"'
}

l2d_pw_up()
{
	l2d_start B "$2" <"$TESTDIR/b.in"
	l2d_start A "$1" <"$TESTDIR/a.in"
	_up='[.[][] | select(.state == "established" and .kernel != null)] |
	    length == 1'
	l2d_wait A "show session" "$_up" 60
	l2d_wait B "show session" "$_up" 30
	ping_ok "$1" "$3"
}

l2d_wait()
{
	_deadline=$(($(date +%s) + ${4:-30}))
	while :; do
		_out=$(l2d_sh "$1" "$2 json" 2>/dev/null) &&
		    [ "$(printf '%s' "$_out" | "$JQ" -r "$3" 2>/dev/null)" = true ] &&
		    return 0
		[ "$(date +%s)" -ge "$_deadline" ] &&
		    die "$1: timeout waiting for $2: $3; last answer: $_out"
		sleep 0.2
	done
}

wait_until()
{
	_what=$1
	_deadline=$(($(date +%s) + $2))
	shift 2
	until "$@"; do
		[ "$(date +%s)" -ge "$_deadline" ] && die "timeout: $_what"
		sleep 0.1
	done
}

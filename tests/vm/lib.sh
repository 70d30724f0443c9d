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
#   in_ns NS CMD...          run CMD in NS
#   dp NS ARGS...            dp_tool (daemon/dataplane.c) in NS
#   dp_get NS KEY ARGS...    one "KEY value" line of `dp_tool ARGS`
#   ping_ok NS DST [SIZE]    3 echo replies within 5 s, or fail
#   ping_fails NS DST        no echo reply within 3 s, or fail
#   expect WHAT GOT WANT     fail unless GOT = WANT
#   expect_ge WHAT GOT MIN   fail unless GOT >= MIN
#   step MSG                 say what the test does next

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
	if in_ns "$1" ping -n -q -c 2 -i 0.2 -w 3 "$2" >/dev/null; then
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

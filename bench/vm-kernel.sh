#!/bin/sh
# Item 9 of issue 6: how fast l2tpv3d programs the kernel dataplane,
# against `ip l2tp add session` run back to back, in the test VM (the
# build machine's kernel has no L2TP; tests/vm/vm-run.sh boots Debian's).
# The VM is emulated (TCG), so absolute times are slow; the ratios are
# the result.  Prints JSON result lines like bench/l2tpbench.py.
#
#   sh bench/vm-kernel.sh [SESSIONS]        (default 200; needs root and
#                                            tests/vm/dp_tool built)
#   VM_PERF=1 sh bench/vm-kernel.sh ...     also profile the static run
#                                            (perf in the VM; report in
#                                            $top_builddir/vm-kernel-perf/)
#
# Timings of SESSIONS Ethernet pseudowires over one UDP tunnel:
#   ip:      one `ip l2tp add session` per pseudowire, back to back, after
#            one `ip l2tp add tunnel` (each makes an l2tpethN interface),
#            and as many `ip l2tp show tunnel` (what starting ip costs);
#   static:  one l2tpv3d with a static tunnel of SESSIONS static sessions
#            (no signalling: it programs the kernel straight from its
#            configuration), from its start until every session is in the
#            kernel, its interface up -- the daemon's answer to the ip
#            loop, directly comparable; and the rate of programming
#            itself, from the first session in the kernel to the last
#            (the daemon starts once; each `ip` command starts anew);
#   check:   `l2tpv3d -n` on that configuration: starting the daemon and
#            reading its configuration, the fixed part of `static`;
#   kernel:  two l2tpv3d (dataplane kernel, dynamic sessions) from cold
#            start until both have every session in the kernel;
#   none:    the same with dataplane none, so that kernel - none is what
#            programming the kernel added (both sides, in parallel).
# The daemons log at info level into awk, which notes the time the last
# awaited line arrives: nothing polls the daemons or the kernel meanwhile.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
export top_srcdir top_builddir
VM_PASS_ENV="${VM_PASS_ENV:-} VM_PERF"
export VM_PASS_ENV
. "$top_srcdir/tests/vm/lib.sh"
vm_enter "$@"

N=${1:-200}
# Deleting N interfaces at exit takes a while under TCG.
L2D_STOP_TIMEOUT=$((15 + N / 20))
A=bench-a
B=bench-b
make_tmpdir
wan_pair "$A" "$B" 10.1.0

# Seconds since boot, to the hundredth, without starting a process.
now()
{
	read -r _up _idle </proc/uptime
	echo "$_up"
}

elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'
}

result()
{
	printf '{"name":"%s","value":%s,"unit":"%s","parameters":{%s}}\n' \
	    "$1" "$2" "$3" "$4"
}

# mawk reads a pipe in blocks unless told otherwise.
AWK_LINES="awk"
awk -W version 2>&1 | grep -q mawk && AWK_LINES="awk -W interactive"

# Every daemon's awk writes "NAME SECONDS" here when it has seen what it
# waits for; opened read-write so that neither side blocks on open.
DONE=$TESTDIR/done
mkfifo "$DONE" || die "mkfifo"
exec 3<>"$DONE"

# daemon NAME NS COUNT PATTERN < CONF: start l2tpv3d in NS, held back
# until release NAME; awk copies its log to $TESTDIR/NAME.log and reports
# to $DONE when COUNT lines containing PATTERN have been logged.
daemon()
{
	cat >"$TESTDIR/$1.conf"
	rm -f "$TESTDIR/$1.sock" "$TESTDIR/$1.log" "$TESTDIR/$1.pipe" \
	    "$TESTDIR/$1.go"
	mkfifo "$TESTDIR/$1.pipe" "$TESTDIR/$1.go" || die "mkfifo"
	$AWK_LINES -v n="$3" -v pat="$4" -v name="$1" \
	    -v logf="$TESTDIR/$1.log" -v done="$DONE" \
	    -v firstf="$TESTDIR/$1.first" '
	function uptime(  up, f) {
		getline up < "/proc/uptime"
		close("/proc/uptime")
		split(up, f, " ")
		return f[1]
	}
	{ print > logf } # flushed at the end: a write per line would cost
	index($0, pat) && ++got == 1 { print uptime() > firstf; close(firstf) }
	index($0, pat) && got == n {
		print name, uptime() > done
		close(done)
	}' <"$TESTDIR/$1.pipe" &
	# The shell in NS waits on NAME.go, so that `ip netns exec` and
	# the shell have started before the clock does.
	"$IP" netns exec "$2" sh -c 'read -r go <"$1"; shift; exec "$@"' \
	    sh "$TESTDIR/$1.go" "$L2TPV3D" -f -c "$TESTDIR/$1.conf" \
	    -S "$TESTDIR/$1.sock" -p "$TESTDIR/$1.pidfile" \
	    >"$TESTDIR/$1.pipe" 2>&1 &
	echo $! >"$TESTDIR/$1.pid"
	at_exit "kill -KILL $! 2>/dev/null"
}

# release NAME: let it start; T0 = the time it did.
release()
{
	exec 4>"$TESTDIR/$1.go"
	T0=$(now)
	echo go >&4
	exec 4>&-
}

# awaited COUNT: read COUNT reports from $DONE; T1 = the latest.
awaited()
{
	_n=$1
	T1=0
	( sleep 300 && echo "timeout 0" >"$DONE" ) &
	_watch=$!
	while [ "$_n" -gt 0 ]; do
		read -r _who _t <&3 || die "reading $DONE"
		[ "$_who" = timeout ] && die "timeout waiting for the daemons"
		T1=$(awk -v a="$T1" -v b="$_t" 'BEGIN { print (b > a ? b : a) }')
		_n=$((_n - 1))
	done
	kill "$_watch" 2>/dev/null
}

step "ip: $N sessions with ip l2tp, back to back"
"$IP" -n "$A" l2tp add tunnel tunnel_id 1 peer_tunnel_id 1 encap udp \
    local 10.1.0.1 remote 10.1.0.2 udp_sport 5001 udp_dport 5001 ||
    die "ip l2tp add tunnel"
t0=$(now)
i=1
while [ $i -le "$N" ]; do
	"$IP" -n "$A" l2tp add session tunnel_id 1 session_id $i \
	    peer_session_id $i || die "ip l2tp add session $i"
	i=$((i + 1))
done
t_ip=$(elapsed "$t0" "$(now)")
got=$("$IP" -n "$A" l2tp show session | grep -c '^Session')
expect "sessions made by ip" "$got" "$N"
"$IP" -n "$A" l2tp del tunnel tunnel_id 1

# What of that is starting ip and talking netlink at all: as many
# `ip l2tp show tunnel` on an empty table.
t0=$(now)
i=1
while [ $i -le "$N" ]; do
	"$IP" -n "$A" l2tp show tunnel >/dev/null || die "ip l2tp show tunnel"
	i=$((i + 1))
done
t_spawn=$(elapsed "$t0" "$(now)")

# static_conf: one static tunnel with N sessions, as the ip loop made.
static_conf()
{
	printf 'hostname = "bench-s"\ndataplane = kernel\n'
	printf 'tunnel t {\n\tmode = static\n\tlocal = 10.1.0.1\n'
	printf '\tremote = 10.1.0.2\n\tlocal-port = 5001\n'
	printf '\tremote-port = 5001\n\tlocal-tunnel-id = 1\n'
	printf '\tremote-tunnel-id = 1\n'
	i=1
	while [ $i -le "$N" ]; do
		printf '\tsession s%d { local-session-id = %d\n' $i $i
		printf '\t\tremote-session-id = %d }\n' $i
		i=$((i + 1))
	done
	printf '}\n'
}

step "static: one daemon, a static tunnel with $N sessions"
static_conf >"$TESTDIR/s.in"
t0=$(now)
"$L2TPV3D" -n -c "$TESTDIR/s.in" >/dev/null || die "l2tpv3d -n"
t_check=$(elapsed "$t0" "$(now)")
if [ "${VM_PERF:-0}" = 1 ]; then
	perf record -q -e cpu-clock -a -g -o "$TESTDIR/perf.data" \
	    2>"$TESTDIR/perf.err" &
	perf_pid=$!
	sleep 2
fi
daemon S "$A" "$N" "kernel session" <"$TESTDIR/s.in"
release S
awaited 1
t_static=$(elapsed "$T0" "$T1")
# The rate of programming itself: from the first session in the kernel
# to the last (N - 1 sessions), without the daemon's own start.
t_span=$(elapsed "$(cat "$TESTDIR/S.first")" "$T1")
echo "static: $t_static s (ip loop: $t_ip s; l2tpv3d -n: $t_check s;" \
    "first to last session: $t_span s)"
if [ "${VM_PERF:-0}" = 1 ]; then
	kill -INT "$perf_pid"
	wait "$perf_pid"
	out=$top_builddir/vm-kernel-perf
	mkdir -p "$out"
	cp "$TESTDIR/perf.data" "$out/perf.data"
	cat /proc/kallsyms >"$out/kallsyms"
	perf report -i "$out/perf.data" --stdio --no-children \
	    --sort comm,dso,sym -g none >"$out/report.txt" 2>/dev/null
	echo "perf: $out/report.txt (perf report -i $out/perf.data" \
	    "--kallsyms=$out/kallsyms)"
fi
got=$("$IP" -n "$A" l2tp show session | grep -c '^Session')
expect "sessions in the kernel" "$got" "$N"
got=$("$IP" -n "$A" -o link show up | grep -c 'l2tpeth')
expect "l2tpeth interfaces up" "$got" "$N"
l2d_stop S
got=$("$IP" -n "$A" l2tp show session | grep -c '^Session')
expect "sessions left after the daemon" "$got" 0

# conf SIDE DATAPLANE: one tunnel with N sessions.
conf()
{
	if [ "$1" = a ]; then l=10.1.0.1 r=10.1.0.2 init=yes; else
		l=10.1.0.2 r=10.1.0.1 init=no
	fi
	printf 'hostname = "bench-%s"\ndataplane = %s\n' "$1" "$2"
	printf 'tunnel t {\n\tlocal = %s\n\tremote = %s\n\tinitiate = %s\n' \
	    "$l" "$r" "$init"
	i=1
	while [ $i -le "$N" ]; do
		printf '\tsession s%d { remote-end-id = "%d" }\n' $i $i
		i=$((i + 1))
	done
	printf '}\n'
}

# daemons DATAPLANE: SECS = seconds from A's start until both have logged
# every session established (and, with the kernel, in the kernel).
daemons()
{
	if [ "$1" = kernel ]; then pat="kernel session"; else
		pat=": established (local"
	fi
	# Not `conf | daemon`: the daemons must be children of this shell.
	conf b "$1" >"$TESTDIR/b.in"
	conf a "$1" >"$TESTDIR/a.in"
	daemon B "$B" "$N" "$pat" <"$TESTDIR/b.in"
	daemon A "$A" "$N" "$pat" <"$TESTDIR/a.in"
	release B
	wait_until "B's control socket" 20 test -S "$TESTDIR/B.sock"
	release A
	awaited 2
	SECS=$(elapsed "$T0" "$T1")
	echo "$1: $SECS s"
	l2d_stop A
	l2d_stop B
}

step "kernel: two daemons, dataplane kernel"
daemons kernel
t_kernel=$SECS
step "none: two daemons, dataplane none"
daemons none
t_none=$SECS

rate()
{
	awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / (t > 0.01 ? t : 0.01) }'
}

ratio()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / (b > 0.01 ? b : 0.01) }'
}

prog=$(awk -v a="$t_kernel" -v b="$t_none" 'BEGIN { d = a - b;
    printf "%.2f", (d > 0.01 ? d : 0.01) }')
params="\"sessions\":$N,\"ipSeconds\":$t_ip,\"ipNoopSeconds\":$t_spawn,\"staticSeconds\":$t_static,\"checkSeconds\":$t_check,\"kernelSeconds\":$t_kernel,\"noneSeconds\":$t_none,\"vm\":\"qemu tcg\""
result vm_ip_l2tp_sessions_per_second "$(rate "$N" "$t_ip")" "sessions/s" \
    "$params"
result vm_static_daemon_sessions_per_second "$(rate "$N" "$t_static")" \
    "sessions/s" \
    "$params,\"note\":\"one daemon, static sessions, start to all in the kernel\""
result vm_daemon_sessions_per_second "$(rate "$N" "$t_kernel")" \
    "sessions/s" \
    "$params,\"note\":\"two daemons, cold start to established in the kernel, both sides\""
result vm_kernel_programming_per_second "$(rate "$N" "$prog")" \
    "sessions/s" "$params,\"note\":\"sessions over (kernel - none) seconds\""
span_rate=$(rate $((N - 1)) "$t_span")
result vm_static_programming_per_second "$span_rate" "sessions/s" \
    "$params,\"spanSeconds\":$t_span,\"note\":\"one static daemon, first to last session in the kernel\""
result vm_static_programming_vs_ip_ratio \
    "$(awk -v a="$span_rate" -v b="$(rate "$N" "$t_ip")" \
    'BEGIN { printf "%.2f", a / b }')" "x" \
    "$params,\"spanSeconds\":$t_span,\"note\":\"sessions programmed per second by the running static daemon against the ip loop's\""
result vm_static_vs_ip_ratio "$(ratio "$t_ip" "$t_static")" "x" \
    "$params,\"note\":\"one static daemon against the ip loop; target 20\""
result vm_daemon_vs_ip_ratio "$(ratio "$t_ip" "$t_kernel")" "x" \
    "$params,\"note\":\"two daemons end to end against the ip loop\""
result vm_programming_vs_ip_ratio "$(ratio "$t_ip" "$prog")" "x" \
    "$params,\"note\":\"programming alone (kernel - none) against the ip loop\""

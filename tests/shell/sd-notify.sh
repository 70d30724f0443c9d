#!/bin/sh
# systemd's Type=notify protocol, against a minimal notification socket
# (tests/shell/notify_listen.py) where systemd would put its own:
# READY=1 arrives once, and only when the control socket answers;
# STATUS= follows the tunnel count as the tunnel comes up and goes
# down; WATCHDOG=1 arrives every WATCHDOG_USEC/2; SIGHUP is bracketed by
# RELOADING=1 and READY=1; SIGTERM sends STOPPING=1; a graceful restart
# hands the main pid and the watchdog on (MAINPID=, a barrier).
. "$(dirname "$0")/lib.sh"
ns_init
grep -q '^#define HAVE_LIBSYSTEMD 1' "$top_builddir/config.h" ||
    fail "built without libsystemd (configure --with-systemd; apt-get install libsystemd-dev)"
ns_pair a b
PY=${PYTHON3:-python3}

# listen NAME: a notification socket for daemon NAME, logging into
# $NLOG (set it first), until the test ends.
listen() {
	$PY "$top_srcdir/tests/shell/notify_listen.py" "$WORK/notify-$1.sock" \
	    "$NLOG" "$L2TPSH" "$WORK/$1.sock" "$WORK/$1.pid" &
	echo $! >"$WORK/listener-$1.pid"
	BG_PIDFILES="$BG_PIDFILES $WORK/listener-$1.pid"
	i=0
	until grep -q LISTENING "$NLOG" 2>/dev/null; do
		i=$((i + 1)); [ $i -gt 50 ] && fail "notify listener did not start"
		sleep 0.1
	done
}
NLOG=$WORK/notify.log
listen A

# wait_notify PATTERN [TIMEOUT]: until a line of the log matches.
wait_notify() {
	_deadline=$(($(date +%s) + ${2:-10}))
	until grep -q "$1" "$NLOG"; do
		[ "$(date +%s)" -ge "$_deadline" ] &&
		    fail "no '$1' from the daemon; notifications: $(cat "$NLOG")"
		sleep 0.1
	done
}

# wait_count PATTERN N [TIMEOUT]: until N lines match.
wait_count() {
	_deadline=$(($(date +%s) + ${3:-10}))
	until [ "$(grep -c "$1" "$NLOG")" -ge "$2" ]; do
		[ "$(date +%s)" -ge "$_deadline" ] &&
		    fail "fewer than $2 '$1'; notifications: $(cat "$NLOG")"
		sleep 0.1
	done
}

# 400 ms watchdog: a ping every 200 ms.
export NOTIFY_SOCKET="$WORK/notify-A.sock" WATCHDOG_USEC=400000
ns_conf lcce-a ab "$V4_A" "$V4_B" "initiate = yes" "retry-interval = 1" |
    daemon_start A "$NS_A"
unset NOTIFY_SOCKET WATCHDOG_USEC

wait_notify '^BLOCKED'
grep -q '^BLOCKED ok' "$NLOG" || fail "$(grep BLOCKED "$NLOG")"
wait_notify 'READY=1'
wait_notify '^CHECK'
grep -q '^CHECK ok' "$NLOG" ||
    fail "READY=1 came before the control socket answered: $(cat "$NLOG")"
[ "$(grep -c 'READY=1' "$NLOG")" = 1 ] || fail "more than one READY=1"
wait_notify 'STATUS=0 of 1 tunnels established, 0 sessions'

# The peer comes: STATUS follows within a second or two.
ns_conf lcce-b ba "$V4_B" "$V4_A" "initiate = no" | daemon_start B "$NS_B"
wait_json A "show tunnel" '.ab.state == "established"' ||
    fail "A did not reach established"
wait_notify 'STATUS=1 of 1 tunnels established, 0 sessions' 5
# libsystemd is mapped only under systemd (daemon/optlib.c): by A, not B.
grep -q libsystemd "/proc/$(daemon_pid A)/maps" ||
    fail "A has NOTIFY_SOCKET but no libsystemd mapped"
grep -q libsystemd "/proc/$(daemon_pid B)/maps" &&
    fail "B has no NOTIFY_SOCKET but maps libsystemd"

# watchdog_pings WHAT: at least 5 in 1.5 s with a 200 ms period.
watchdog_pings() {
	before=$(grep -c 'WATCHDOG=1' "$NLOG")
	sleep 1.5
	after=$(grep -c 'WATCHDOG=1' "$NLOG")
	[ $((after - before)) -ge 5 ] ||
	    fail "watchdog$1: $((after - before)) pings in 1.5 s, want >= 5"
}
watchdog_pings ""

# The peer goes: STATUS says so (a second STATUS=0, after the 1).
daemon_stop B
wait_count 'STATUS=0 of 1 tunnels established' 2 10

# Reload: RELOADING=1, then READY=1 again.
kill -HUP "$(daemon_pid A)"
wait_notify 'RELOADING=1'
wait_count 'READY=1' 2 5

daemon_stop A
wait_notify 'STOPPING=1' 5
grep -q "pid=$(cat "$WORK/A.pid") STOPPING=1" "$NLOG" ||
    fail "STOPPING=1 not from the daemon's pid: $(grep STOPPING "$NLOG")"

# Privilege separation: systemd watches the process it started (the
# root parent) and, with NotifyAccess=main, takes notifications only
# from it; it names that pid in WATCHDOG_PID.  The engine's READY,
# STATUS and watchdog pings must reach the socket from the parent.
command -v useradd >/dev/null 2>&1 || fail "useradd missing"
U="l2tpn$$"
useradd -M -N -g nogroup "$U" || fail "useradd"
trap '_rc=$?; userdel -f "$U" 2>/dev/null; (exit $_rc); ns_cleanup' EXIT
NLOG=$WORK/notify-c.log
listen C
# What systemd does between fork and exec: WATCHDOG_PID is the pid it
# is about to run the daemon as.
printf '#!/bin/sh\nWATCHDOG_PID=$$ exec "%s" "$@"\n' "$L2TPV3D" \
    >"$WORK/l2tpv3d-wd"
chmod 755 "$WORK/l2tpv3d-wd"
real=$L2TPV3D
L2TPV3D=$WORK/l2tpv3d-wd
export NOTIFY_SOCKET="$WORK/notify-C.sock" WATCHDOG_USEC=400000
ns_conf lcce-a ab "$V4_A" "$V4_B" "initiate = yes" "retry-interval = 1" |
    daemon_start C "$NS_A" -u "$U"
unset NOTIFY_SOCKET WATCHDOG_USEC
L2TPV3D=$real
main=$(cat "$WORK/C.pid")
engine=$(cat "/proc/$main/task/$main/children" 2>/dev/null | tr -d ' ')
[ -n "$engine" ] && [ "$engine" != "$main" ] ||
    fail "C: no separate protocol engine"
wait_notify 'READY=1'
wait_notify '^CHECK'
grep -q '^BLOCKED ok' "$NLOG" || fail "$(grep BLOCKED "$NLOG")"
grep -q '^CHECK ok' "$NLOG" || fail "C: $(grep CHECK "$NLOG")"
watchdog_pings " under privilege separation"
daemon_stop C
wait_notify 'STOPPING=1' 5
others=$(grep -E '^[0-9.]+ pid=' "$NLOG" | grep -v "^[0-9.]* pid=$main ") &&
    fail "notifications not from the main process $main (engine $engine): $others"

# Graceful restart under systemd (NotifyAccess=main, a watchdog): the old
# main process names the new one (MAINPID=) and waits on a barrier
# before it exits, or systemd would take its exit for the service's and
# kill the new one; the new one sends nothing until then (systemd would
# drop it), then READY=1 and its STATUS, and pings the watchdog
# (WATCHDOG_PID handed on: systemd named the old pid there).  Without
# and with privilege separation.
# graceful_notify NAME [DAEMON-OPTION...]
graceful_notify() {
	_n=$1
	shift
	NLOG=$WORK/notify-$_n.log
	listen "$_n"
	L2TPV3D=$WORK/l2tpv3d-wd
	export NOTIFY_SOCKET="$WORK/notify-$_n.sock" WATCHDOG_USEC=400000
	ns_conf lcce-a ab "$V4_A" "$V4_B" "initiate = yes" \
	    "retry-interval = 1" | daemon_start "$_n" "$NS_A" "$@"
	unset NOTIFY_SOCKET WATCHDOG_USEC
	L2TPV3D=$real
	wait_notify 'READY=1'
	restart_gracefully "$_n"
	old=$RG_OLD
	new=$RG_NEW
	grep -q "pid=$old MAINPID=$new\$" "$NLOG" ||
	    fail "$_n: no MAINPID=$new from $old: $(cat "$NLOG")"
	grep -q "pid=$old BARRIER=1\$" "$NLOG" ||
	    fail "$_n: the old process did not wait on a barrier: $(cat "$NLOG")"
	wait_notify "pid=$new READY=1" 5
	wait_notify "pid=$new STATUS=" 5
	# Nothing from the new process before the old one named it.
	_named=$(grep -n "pid=$old BARRIER=1\$" "$NLOG" | head -n 1 | cut -d: -f1)
	_first=$(grep -n "pid=$new " "$NLOG" | head -n 1 | cut -d: -f1)
	[ "$_first" -gt "$_named" ] ||
	    fail "$_n: the new process notified before it was named: $(cat "$NLOG")"
	_b=$(grep -c "pid=$new WATCHDOG=1" "$NLOG")
	sleep 1.5
	_a=$(grep -c "pid=$new WATCHDOG=1" "$NLOG")
	[ $((_a - _b)) -ge 5 ] ||
	    fail "$_n: the new process pinged the watchdog $((_a - _b)) times in 1.5 s"
	_others=$(grep -E '^[0-9.]+ pid=' "$NLOG" |
	    grep -Ev "^[0-9.]+ pid=($old|$new) ") &&
	    fail "$_n: notifications from neither main process: $_others"
	grep -E "pid=$old (MAINPID|BARRIER)|pid=$new (READY|STATUS)" "$NLOG"
	daemon_stop "$_n"
	wait_notify "pid=$new STOPPING=1" 5
}
graceful_notify G
graceful_notify H -u "$U"
exit 0

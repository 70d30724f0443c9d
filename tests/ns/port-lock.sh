#!/bin/sh
# Issue 11, "one daemon per port":
#  - a second l2tpv3d with the same configuration (same port) refuses to
#    start and says why; so does one with the same control socket, and
#    one with the same pid file (flock);
#  - while the daemon runs, no one else can bind its UDP port: another
#    user (nobody) with SO_REUSEADDR, with SO_REUSEPORT, or on the more
#    specific address, and root with a plain socket;
#  - the daemon's own tunnels still share the port (a tunnel comes up);
#  - with no dynamic tunnel and no `listen`, nothing listens on 1701;
#  - a FILE.tmpXXXXXX left by an interrupted `write memory` is removed at
#    the next start.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b

ns_conf lcce-a t "$V4_A" "$V4_B" "initiate = no" >"$WORK/A.in"
ns_conf lcce-b t "$V4_B" "$V4_A" "initiate = yes" >"$WORK/B.in"
daemon_start A "$NS_A" <"$WORK/A.in"
daemon_start B "$NS_B" <"$WORK/B.in"
wait_json A "show tunnel" '.t.state == "established"' 15 ||
    fail "the tunnel did not come up over the shared port"

# second NAME SOCKET PIDFILE EXPECTED: must exit 1 and log EXPECTED.
second() {
	ip netns exec "$NS_A" timeout 10 "$L2TPV3D" -f -c "$WORK/A.conf" \
	    -S "$2" -p "$3" >"$WORK/$1.log" 2>&1
	rc=$?
	[ $rc = 1 ] || fail "$1: exit status $rc, want 1: $(cat "$WORK/$1.log")"
	grep -q "$4" "$WORK/$1.log" ||
	    fail "$1: no '$4' in: $(cat "$WORK/$1.log")"
	echo "$1 refused: $(grep "$4" "$WORK/$1.log" | head -1)"
}
second same-port "$WORK/A2.sock" "$WORK/A2.pid" \
    "port 1701: in use by another process"
second same-socket "$WORK/A.sock" "$WORK/A3.pid" \
    "another l2tpv3d.* is running with control socket"
second same-pidfile "$WORK/A4.sock" "$WORK/A.pidfile" \
    "another l2tpv3d (pid $(daemon_pid A)) is running with pid file"
[ -S "$WORK/A.sock" ] || fail "the refused instance removed A's socket"
l2tpsh A "show tunnel t" >/dev/null || fail "A's control socket is gone"

# bind AS ADDR OPTION: must fail with EADDRINUSE.  (The system's
# python: one under root's home is not for other users.)
UPY=/usr/bin/python3
[ -x "$UPY" ] || UPY=${PYTHON3:-python3}
bind_refused() {
	ns_exec "$NS_A" setpriv --reuid="$1" --regid="$1" --clear-groups \
	    "$UPY" -c '
import errno, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if sys.argv[2]:
    s.setsockopt(socket.SOL_SOCKET, getattr(socket, sys.argv[2]), 1)
try:
    s.bind((sys.argv[1], 1701))
except OSError as e:
    sys.exit(0 if e.errno == errno.EADDRINUSE else 2)
sys.exit(1)' "$2" "$3"
	case $? in
	0) echo "uid $1 bind $2:1701 ${3:-plain}: EADDRINUSE" ;;
	1) fail "uid $1 could bind $2:1701 ${3:-plain}" ;;
	*) fail "uid $1 bind $2:1701 ${3:-plain}: unexpected error" ;;
	esac
}
for addr in 0.0.0.0 "$V4_A"; do
	for opt in "" SO_REUSEADDR SO_REUSEPORT; do
		bind_refused 65534 "$addr" "$opt"
	done
done
bind_refused 0 0.0.0.0 ""
bind_refused 0 "$V4_A" SO_REUSEADDR

# No dynamic tunnel, no listen: no UDP port at all.
daemon_stop A || fail "A did not stop"
daemon_stop B || fail "B did not stop"
printf 'hostname = "idle"\ndataplane = none\n' >"$WORK/C.in"
# A write memory killed half-way left a temporary file: removed at start
# (only that exact name).
printf 'secret = "x"\n' >"$WORK/C.conf.tmpAb12Cd"
printf 'keep\n' >"$WORK/C.conf.tmpAb1"
daemon_start C "$NS_A" <"$WORK/C.in"
[ ! -e "$WORK/C.conf.tmpAb12Cd" ] || fail "stale C.conf.tmpAb12Cd not removed"
[ -e "$WORK/C.conf.tmpAb1" ] || fail "C.conf.tmpAb1 removed"
grep -q "removed $WORK/C.conf.tmpAb12Cd" "$WORK/C.log" ||
    fail "the removal was not logged"
echo "stale write-memory temporary file removed at start"
ns_exec "$NS_A" ss -Hunl >"$WORK/ss.out"
! grep -q ":1701 " "$WORK/ss.out" ||
    fail "listening with no dynamic tunnel: $(cat "$WORK/ss.out")"
echo "no dynamic tunnel: nothing listens"
echo "PASS"

#!/bin/sh
# The read-only socket is a tier of its own (issue 11, item 7): its own
# group and mode, no secret in any answer (text or JSON) while the
# read-write socket keeps it, its own client limit (200 idle read-only
# clients do not keep an administrator out), an idle timeout that frees
# the clients, and closed clients freed at once.
. "$(dirname "$0")/lib.sh"
ns_init
command -v useradd >/dev/null 2>&1 || fail "useradd missing"
ns_pair a b
U="l2tpt$$"
GRW="l2tpw$$"
GRO="l2tpr$$"
SECRET="Sekr1t-$$-xyzzy"
groupadd "$GRW" || fail "groupadd"
groupadd "$GRO" || { groupdel "$GRW"; fail "groupadd"; }
useradd -M -N -g nogroup "$U" ||
    { groupdel "$GRW"; groupdel "$GRO"; fail "useradd"; }
trap '_rc=$?; userdel "$U" 2>/dev/null; groupdel "$GRW" 2>/dev/null;
    groupdel "$GRO" 2>/dev/null; (exit $_rc); ns_cleanup' EXIT
chmod 755 "$WORK"
# The checkout may be under a 0700 directory: the other user runs a copy.
cp "$L2TPSH" "$WORK/l2tpsh" && chmod 755 "$WORK/l2tpsh" || fail "copy l2tpsh"
PY=${PYTHON3:-python3}

# A: the tier options; B: its digest peer, so there is a live tunnel
# whose state the show commands print.
{
	printf 'hostname = "tiers-a"\ndataplane = none\n'
	printf 'control-group = "%s"\ncontrol-socket-readonly = "%s"\n' \
	    "$GRW" "$WORK/A.ro.sock"
	printf 'control-readonly-group = "%s"\ncontrol-readonly-mode = 0666\n' \
	    "$GRO"
	printf 'control-readonly-max-clients = 250\ncontrol-max-clients = 4\n'
	printf 'control-idle-timeout = 3\n'
	printf 'tunnel t1 {\n\tlocal = %s\n\tremote = %s\n' "$V4_A" "$V4_B"
	printf '\tinitiate = yes\n\tsecret = "%s"\n}\n' "$SECRET"
} | daemon_start A "$NS_A"
ns_conf tiers-b t1 "$V4_B" "$V4_A" "secret = \"$SECRET\"" |
    daemon_start B "$NS_B"
wait_json A "show tunnel" '.t1.state == "established"' ||
    fail "tunnel t1 did not come up"

[ "$(stat -c '%a %G' "$WORK/A.sock")" = "660 $GRW" ] ||
    fail "A.sock: $(stat -c '%a %G' "$WORK/A.sock"), want 660 $GRW"
[ "$(stat -c '%a %G' "$WORK/A.ro.sock")" = "666 $GRO" ] ||
    fail "A.ro.sock: $(stat -c '%a %G' "$WORK/A.ro.sock"), want 666 $GRO"

# --- no secret on the read-only socket --------------------------------
# A secret typed in the shell is logged (debug) without its value.
printf 'configure terminal\ntunnel t1\nsecret %s\nend\n' "$SECRET" |
    sh_exec A 0
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/rw.txt" ||
    fail "show running-config on the read-write socket"
grep -q "secret = \"$SECRET\"" "$WORK/rw.txt" ||
    fail "the read-write socket lost the secret: $(cat "$WORK/rw.txt")"
n=0
for cmd in "show running-config" "show tunnel" "show tunnel t1 detail" \
    "show session" "show statistics" "show peer" "show log 1024" \
    "show version"; do
	for j in "" " json"; do
		out=$("$L2TPSH" -S "$WORK/A.ro.sock" -c "$cmd$j" 2>&1) ||
		    fail "read-only '$cmd$j': $out"
		case $out in
		*"$SECRET"*) fail "read-only '$cmd$j' shows the secret: $out" ;;
		esac
		n=$((n + 1))
	done
done
"$L2TPSH" -S "$WORK/A.ro.sock" -c "show running-config" |
    grep -q 'secret = "<hidden>"' || fail "no secret = <hidden> line"
"$L2TPSH" -S "$WORK/A.ro.sock" -c "show running-config json" |
    "$JQ" -r .runningConfig | grep -q 'secret = "<hidden>"' ||
    fail "no secret = <hidden> in the JSON running-config"
echo "no secret in $n read-only answers"

# --- who may connect --------------------------------------------------
as_u() {
	su -s /bin/sh "$U" -c "$WORK/l2tpsh -S $1 -c 'show version'" \
	    >"$WORK/out" 2>&1
}
# 0666: anyone may use the read-only socket; make it 0660 for the rest.
as_u "$WORK/A.ro.sock" || fail "0666 read-only socket refused: $(cat "$WORK/out")"
chmod 660 "$WORK/A.ro.sock"
as_u "$WORK/A.ro.sock" && fail "a user in neither group used the read-only socket"
grep -q "Permission denied" "$WORK/out" || fail "refusal: $(cat "$WORK/out")"
as_u "$WORK/A.sock" && fail "a user in neither group used the read-write socket"
grep -q "Permission denied" "$WORK/out" || fail "refusal: $(cat "$WORK/out")"
usermod -a -G "$GRO" "$U"
as_u "$WORK/A.ro.sock" || fail "a member of $GRO was refused: $(cat "$WORK/out")"
as_u "$WORK/A.sock" && fail "a member of $GRO only used the read-write socket"

# --- limits, idle timeout, freeing ------------------------------------
# hold.py PATH N SECONDS: N idle connections held for SECONDS; prints
# how many the daemon closed (refused, or timed out) and when.
cat >"$WORK/hold.py" <<'EOF'
import socket, sys, time, select
path, n, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    socks.append(s)
print("connected", n, flush=True)
start, closed, first = time.time(), set(), None
while time.time() - start < hold:
    r, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.2)
    for s in r:
        # A refusal ("too many clients") or a timeout: data, then EOF.
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
        closed.add(s)
        if first is None:
            first = time.time() - start
print("closed", len(closed), "first", first, flush=True)
EOF
# 200 idle read-only clients, all admitted: the administrator still
# gets in (one limit for both sockets kept them out).
$PY "$WORK/hold.py" "$WORK/A.ro.sock" 200 6 >"$WORK/crowd.out" 2>&1 &
crowd=$!
i=0
until grep -q connected "$WORK/crowd.out"; do
	i=$((i + 1))
	[ $i -le 50 ] || fail "crowd did not connect: $(cat "$WORK/crowd.out")"
	sleep 0.1
done
"$L2TPSH" -S "$WORK/A.sock" -c "show version" >"$WORK/out" 2>&1 ||
    fail "200 idle read-only clients locked the admin out: $(cat "$WORK/out")"
# The idle timeout (3 s) closes all 200 and frees their places.
wait $crowd
$PY - "$WORK/crowd.out" <<'EOF' || fail "idle timeout: $(cat "$WORK/crowd.out")"
import sys
w = open(sys.argv[1]).read().split()
closed, first = int(w[w.index("closed") + 1]), float(w[w.index("first") + 1])
sys.exit(0 if closed == 200 and 2.5 <= first <= 5.5 else 1)
EOF
grep -q "closing a client idle for 3 s" "$WORK/A.log" ||
    fail "no idle-timeout line in the log"

# The read-write socket's own limit (4): a fifth client is refused.
$PY "$WORK/hold.py" "$WORK/A.sock" 5 1 >"$WORK/rw.out" 2>&1
grep -q "closed 1 " "$WORK/rw.out" || fail "read-write limit: $(cat "$WORK/rw.out")"
grep -q "too many clients on $WORK/A.sock" "$WORK/A.log" ||
    fail "no 'too many clients' in the log"
# Clients that closed are freed at once: 4 more come in at once and are
# all admitted (none refused within 1 s).
$PY "$WORK/hold.py" "$WORK/A.sock" 4 1 >"$WORK/again.out" 2>&1
grep -q "closed 0 " "$WORK/again.out" ||
    fail "closed clients still counted: $(cat "$WORK/again.out")"
"$L2TPSH" -S "$WORK/A.sock" -c "show version" >/dev/null ||
    fail "read-write socket refused after the clients left"
exit 0

#!/bin/sh
# Run-time configuration between two daemons: a tunnel is created from
# the shell on both sides (configure terminal, tunnel, options), comes
# up, a session is added, `write memory` saves it atomically with a
# backup (and the operator's original, once, as .orig), `show
# running-config` is exactly the file, and a daemon
# restarted from the written file brings the same tunnel back.  Then
# `no tunnel` stops it.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
printf 'hostname = "lcce-a"\ndataplane = none\n' |
    daemon_start A "$NS_A"
printf 'hostname = "lcce-b"\ndataplane = none\n' | daemon_start B "$NS_B"
check_json A "show tunnel" '{}'

# B answers, A initiates; each side built from the shell.
sh_exec B 0 <<CMDS
configure terminal
tunnel t1
local $V4_B
initiate no
remote $V4_A
end
CMDS
grep -q "not started yet: .*'remote' is required" "$WORK/out" ||
    fail "an incomplete new tunnel was not reported: $(cat "$WORK/out")"
sh_exec A 0 <<CMDS
conf t
tunnel t1
remote $V4_B
local $V4_A
hello-interval 5
exit
exit
CMDS
check_json A "show tunnel t1" '{"t1":{"state":"established","helloInterval":5}}'
check_json B "show tunnel t1" '{"t1":{"state":"established"}}'

# A session from the shell; the tunnel stays up (no restart for that
# unless the session code needs one: only its existence is checked).
sh_exec A 0 <<CMDS
conf t
tunnel t1
session pw1
remote-end-id 101
mac-address 02:00:5E:10:00:01
end
CMDS
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/run.txt" ||
    fail "show running-config"
grep -q 'session "pw1"' "$WORK/run.txt" ||
    fail "the session is not in the running config: $(cat "$WORK/run.txt")"
grep -q 'mac-address = "02:00:5e:10:00:01"' "$WORK/run.txt" ||
    fail "mac-address is not in the running config: $(cat "$WORK/run.txt")"
sh_exec A 1 <<CMDS
conf t
tunnel t1
session pw1
mac-address 01:00:5e:10:00:01
CMDS
grep -q "option 'mac-address': '01:00:5e:10:00:01' is a multicast address" \
    "$WORK/err" || fail "multicast mac-address: $(cat "$WORK/err")"
sh_exec A 0 <<CMDS
conf t
tunnel t1
session pw1
no mac-address
end
CMDS
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/run.txt" ||
    fail "show running-config"
! grep -q 'mac-address' "$WORK/run.txt" ||
    fail "no mac-address left it: $(cat "$WORK/run.txt")"

# A bad value is refused with the configuration's own message, and
# nothing changes.
sh_exec A 1 <<CMDS
conf t
tunnel t1
remote not-an-address
CMDS
grep -q "option 'remote'" "$WORK/err" || fail "bad remote: $(cat "$WORK/err")"
check_json A "show tunnel t1" '{"t1":{"state":"established","peerAddress":"10.200.0.2"}}'

cp "$WORK/A.conf" "$WORK/A.conf.before"
[ -e "$WORK/A.conf.orig" ] && fail "A.conf.orig before any write memory"
sh_exec A 0 <<CMDS
write memory
CMDS
cmp -s "$WORK/A.conf.bak" "$WORK/A.conf.before" ||
    fail "write memory kept no backup of the old file"
# The operator's own file is kept as .orig by the first save over it,
# and later saves never replace it (.bak is only the last one).
cmp -s "$WORK/A.conf.orig" "$WORK/A.conf.before" ||
    fail "the first write memory kept no .orig of the operator's file"
cp "$WORK/A.conf" "$WORK/A.conf.first"
sh_exec A 0 <<CMDS
write memory
CMDS
cmp -s "$WORK/A.conf.orig" "$WORK/A.conf.before" ||
    fail "a second write memory replaced .orig"
cmp -s "$WORK/A.conf.bak" "$WORK/A.conf.first" ||
    fail "the second write memory's .bak is not the first save"
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/run.txt"
cmp -s "$WORK/run.txt" "$WORK/A.conf" ||
    fail "show running-config differs from what write memory wrote:" \
    "$(diff "$WORK/run.txt" "$WORK/A.conf")"
ls "$WORK" | grep -q 'A.conf.tmp' && fail "write memory left a temp file"

# Restart A from the written file: the same tunnel comes back.
daemon_stop A
rm -f "$WORK/A.sock"
ip netns exec "$NS_A" "$L2TPV3D" -f -d -c "$WORK/A.conf" -S "$WORK/A.sock" \
    -p "$WORK/A.pidfile" >>"$WORK/A.log" 2>&1 &
echo $! >"$WORK/A.pid"
i=0
while [ ! -S "$WORK/A.sock" ]; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "A did not come back"
	sleep 0.1
done
check_json A "show tunnel t1" '{"t1":{"state":"established","helloInterval":5}}' 30
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/run2.txt"
cmp -s "$WORK/run2.txt" "$WORK/A.conf" ||
    fail "after the restart the running config differs from the file"

# no tunnel: StopCCN, B sees it go.
sh_exec A 0 <<CMDS
configure terminal
no tunnel t1
CMDS
check_json A "show tunnel" '{"t1":null}'
wait_json B "show tunnel t1" '.t1.state != "established"' ||
    fail "B never saw the StopCCN"
exit 0

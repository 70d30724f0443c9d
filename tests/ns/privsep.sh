#!/bin/sh
# Least privilege (issue 11, item 8), two daemons with an MD5 digest:
# A (user = in its file) and B (-u) run their protocol engines as a
# throwaway user with no capability (dataplane none, UDP 1701; C and D,
# with IP encapsulation over raw sockets, keep CAP_NET_RAW only),
# NoNewPrivs and a seccomp filter, under a root parent; the tunnel
# comes up, a reload (SIGHUP) of a 0600 file the engine cannot read, a
# `write memory`, and the teardown all work afterwards.  The shell may
# not set a script; an explicitly named user that does not exist, or a
# configuration file others may write, is refused at start.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
ns_user l2tpp
# Configuration files 0600: only root may read them.
umask 077

# engine_pid NAME: the parent's only child.
engine_pid() {
	_c=$(cat "/proc/$(daemon_pid "$1")/task/$(daemon_pid "$1")/children" \
	    2>/dev/null | tr -d ' ')
	[ -n "$_c" ] || fail "$1: no protocol engine"
	echo "$_c"
}

# check_status NAME: the engine dropped everything it should.
check_status() {
	_e=$(engine_pid "$1")
	_s=/proc/$_e/status
	grep -q "^Uid:	$UID_U	$UID_U	$UID_U	$UID_U\$" "$_s" ||
	    fail "$1: engine $(grep ^Uid "$_s"), want $UID_U"
	for _f in "CapEff:	0000000000000000" "CapPrm:	0000000000000000" \
	    "CapBnd:	0000000000000000" "NoNewPrivs:	1" "Seccomp:	2"; do
		grep -q "^$_f\$" "$_s" ||
		    fail "$1: engine has $(grep "^${_f%%:*}:" "$_s"), want $_f"
	done
	grep -q "^Uid:	0	" "/proc/$(daemon_pid "$1")/status" ||
	    fail "$1: the parent is not root"
	echo "$1: engine $_e: $(grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' \
	    "$_s" | tr '\t\n' '  ')"
}

{
	ns_conf priv-a t1 "$V4_A" "$V4_B" "initiate = yes" \
	    'secret = "privsep-secret"' "hello-interval = 2"
	printf 'user = "%s"\n' "$U"
} | daemon_start A "$NS_A"
ns_conf priv-b t1 "$V4_B" "$V4_A" 'secret = "privsep-secret"' \
    "hello-interval = 2" | daemon_start B "$NS_B" -u "$U"
wait_json A "show tunnel" '.t1.state == "established"' ||
    fail "t1 did not come up on A"
wait_json B "show tunnel" '.t1.state == "established"' ||
    fail "t1 did not come up on B"
check_status A
check_status B
CCID=$(json_get A "show tunnel" '.t1.localCcid')

# Reload: a second tunnel in A's file; the engine may not read the
# file (0600 root), the parent reads it for it.
[ "$(stat -c '%a %U' "$WORK/A.conf")" = "600 root" ] ||
    fail "A.conf: $(stat -c '%a %U' "$WORK/A.conf")"
printf 'tunnel t2 {\n\tlocal = %s\n\tremote = 10.200.0.99\n}\n' "$V4_A" \
    >>"$WORK/A.conf"
kill -HUP "$(daemon_pid A)"
wait_json A "show tunnel" '.t2 != null' 10 || fail "reload did not add t2"
grep -q "reloading $WORK/A.conf" "$WORK/A.log" || fail "no reload line"

# write memory: through the parent, into the root-owned 0600 file.
printf 'configure terminal\ntunnel t3\nremote 10.200.0.98\nend\nwrite memory\n' |
    "$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>&1 ||
    fail "write memory: $(cat "$WORK/out")"
grep -q '^tunnel "t3"' "$WORK/A.conf" ||
    fail "write memory did not save t3: $(cat "$WORK/A.conf")"
[ "$(stat -c '%a %U' "$WORK/A.conf")" = "600 root" ] ||
    fail "A.conf after write memory: $(stat -c '%a %U' "$WORK/A.conf")"
"$L2TPV3D" -n -c "$WORK/A.conf" >/dev/null || fail "the saved file does not load"

# Scripts cannot be set from the shell.
printf 'configure terminal\ntunnel t1\nsession s1\nup-script /bin/sh\n' |
    "$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>&1
grep -q "% up-script can be set only in the configuration file" \
    "$WORK/out" || fail "up-script from the shell: $(cat "$WORK/out")"

# Everything still runs: same connection, hellos, the same engine.
[ "$(json_get A "show tunnel" '.t1.localCcid')" = "$CCID" ] ||
    fail "t1 was restarted"
check_status A
grep -q "seccomp: denied" "$WORK/A.log" "$WORK/B.log" &&
    fail "a system call was denied"

# Teardown: StopCCN from the unprivileged engine, B sees it.
printf 'configure terminal\nno tunnel t1\nend\n' |
    "$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>&1 ||
    fail "no tunnel t1: $(cat "$WORK/out")"
wait_json B "show tunnel" '.t1.state != "established"' 10 ||
    fail "B did not see t1 torn down"
for d in A B; do
	# (started from a pipe: its exit status is not ours to wait for)
	daemon_stop $d
	grep -q "l2tpv3d exiting" "$WORK/$d.log" || fail "$d: no clean exit"
	grep -q "protocol engine was killed" "$WORK/$d.log" &&
	    fail "$d: the engine was killed"
	[ -e "$WORK/$d.sock" ] && fail "$d: control socket left behind"
	[ -e "$WORK/$d.pidfile" ] && fail "$d: pid file left behind"
done

# IP encapsulation: this kernel has no l2tp_ip, so the transport uses
# raw sockets, opened when the tunnel starts: CAP_NET_RAW (13) is kept,
# and only it.
ns_conf priv-c t1 "$V4_A" "$V4_B" "encap = ip" "initiate = yes" |
    daemon_start C "$NS_A" -u "$U"
ns_conf priv-d t1 "$V4_B" "$V4_A" "encap = ip" | daemon_start D "$NS_B" -u "$U"
wait_json C "show tunnel" '.t1.state == "established"' ||
    fail "the IP-encapsulated t1 did not come up"
for d in C D; do
	_s=/proc/$(engine_pid $d)/status
	grep -q "^CapEff:	0000000000002000\$" "$_s" ||
	    fail "$d: $(grep ^CapEff "$_s"), want CAP_NET_RAW only"
	grep -q "^Uid:	$UID_U	" "$_s" || fail "$d: $(grep ^Uid "$_s")"
	echo "$d (encap ip): $(grep -E '^(CapEff|Seccomp):' "$_s" | tr '\t\n' '  ')"
	daemon_stop $d
done

# Refusals at start, with a clear message.
printf 'dataplane = none\nuser = "nosuchuser%s"\n' "$$" >"$WORK/E.conf"
ns_exec "$NS_A" "$L2TPV3D" -f -c "$WORK/E.conf" -S "$WORK/E.sock" \
    >"$WORK/E.log" 2>&1 && fail "started with a user that does not exist"
grep -q "user nosuchuser$$ does not exist" "$WORK/E.log" ||
    fail "missing user: $(cat "$WORK/E.log")"
printf 'dataplane = none\n' >"$WORK/D.conf"
chmod 666 "$WORK/D.conf"
ns_exec "$NS_A" "$L2TPV3D" -f -c "$WORK/D.conf" -S "$WORK/D.sock" -u "$U" \
    >"$WORK/D.log" 2>&1 && fail "started with a world-writable file"
grep -q "configuration file $WORK/D.conf: refused: it must be owned by root" \
    "$WORK/D.log" || fail "writable file: $(cat "$WORK/D.log")"
exit 0

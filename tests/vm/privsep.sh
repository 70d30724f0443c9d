#!/bin/sh
# Least privilege with the kernel dataplane (issue 11, item 8), in the
# VM: two daemons whose protocol engines run as a throwaway user with
# only CAP_NET_ADMIN (generic netlink, rtnetlink), NoNewPrivs and the
# seccomp filter; a pseudowire comes up and pings cross it; the
# up-script runs through the privileged parent as script-user (root on
# A, another throwaway user on B); reload, `write memory`, more pings,
# and the exit leaves no L2TP state in the kernel.
. "$(dirname "$0")/lib.sh"
vm_enter "$@"
require_cmd jq
require_cmd useradd

A=pe-a
B=pe-b
U=l2tpvm$$
S=l2tpsc$$
umask 022
make_tmpdir
chmod 755 "$TESTDIR"
useradd -M -N -g nogroup "$U" || die "useradd $U"
useradd -M -N -g nogroup "$S" || die "useradd $S"
at_exit "userdel $U; userdel $S"
wan_pair "$A" "$B" 10.1.0

# The scripts write where script-user may: a sticky directory.
mkdir -m 1777 "$TESTDIR/out"
cat >"$TESTDIR/script" <<'SCRIPT'
#!/bin/sh
echo "$L2TP_ACTION $L2TP_SESSION $L2TP_IFNAME uid=$(id -u) ${LD_PRELOAD:-clean}" >>"$(dirname "$0")/out/$1.$L2TP_SESSION.$(id -u)"
SCRIPT
chmod 755 "$TESTDIR/script"

# conf SIDE ME PEER INITIATE [GLOBAL-LINE...]
conf()
{
	printf 'hostname = "pe-%s"\ndataplane = kernel\nuser = "%s"\n' "$1" "$U"
	printf 'tunnel t {\n\tlocal = %s\n\tremote = %s\n\tinitiate = %s\n' \
	    "10.1.0.$2" "10.1.0.$3" "$4"
	printf '\tsecret = "vm-secret"\n'
	printf '\tsession pw1 {\n\t\tremote-end-id = "1"\n\t\tinterface = pw1\n'
	printf '\t\taddress = "10.9.1.%s peer 10.9.1.%s"\n' "$2" "$3"
	printf '\t\tup-script = "%s"\n\t\tdown-script = "%s"\n\t}\n}\n' \
	    "$TESTDIR/script" "$TESTDIR/script"
	shift 4
	for line in "$@"; do
		printf '%s\n' "$line"
	done
}

# engine NAME: the privileged parent's child.
engine()
{
	_p=$(cat "$TESTDIR/$1.pid")
	cat "/proc/$_p/task/$_p/children" | tr -d ' '
}

# check_engine NAME: the /proc view of its protocol engine.
check_engine()
{
	_s=/proc/$(engine "$1")/status
	_u=$(id -u "$U")
	expect "$1: engine uid" "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$_s")" \
	    "$_u $_u $_u $_u"
	# CAP_NET_ADMIN (12) only: 1 << 12.
	expect "$1: CapEff" "$(awk '/^CapEff:/ { print $2 }' "$_s")" \
	    0000000000001000
	expect "$1: CapPrm" "$(awk '/^CapPrm:/ { print $2 }' "$_s")" \
	    0000000000001000
	expect "$1: NoNewPrivs" "$(awk '/^NoNewPrivs:/ { print $2 }' "$_s")" 1
	expect "$1: Seccomp" "$(awk '/^Seccomp:/ { print $2 }' "$_s")" 2
	echo "$1: engine $(grep -E '^(Uid|CapEff|NoNewPrivs|Seccomp):' "$_s" |
	    tr '\t\n' '  ')"
}

step "two unprivileged engines, kernel dataplane, digest"
conf b 2 1 no >"$TESTDIR/b.in"
conf a 1 2 yes >"$TESTDIR/a.in"
printf 'script-user = "%s"\n' "$S" >>"$TESTDIR/b.in"
l2d_start B "$B" <"$TESTDIR/b.in"
l2d_start A "$A" <"$TESTDIR/a.in"
up='.t.pw1.state == "established" and .t.pw1.kernel != null'
l2d_wait A "show session" "$up" 90
l2d_wait B "show session" "$up" 30
check_engine A
check_engine B

step "traffic across the pseudowire after the drop"
ping_ok "$A" 10.9.1.2
ping_ok "$B" 10.9.1.1

step "up-scripts ran as script-user, through the parent"
wait_until "A's up-script (root)" 10 test -s "$TESTDIR/out/up.pw1.0"
expect "A's up-script" "$(cat "$TESTDIR/out/up.pw1.0")" "up pw1 pw1 uid=0 clean"
_su=$(id -u "$S")
wait_until "B's up-script ($S)" 10 test -s "$TESTDIR/out/up.pw1.$_su"
expect "B's up-script" "$(cat "$TESTDIR/out/up.pw1.$_su")" \
    "up pw1 pw1 uid=$_su clean"
grep -q "up-script $TESTDIR/script started as $S" "$TESTDIR/B.log" ||
    die "B's parent did not run the up-script as $S"

step "reload and write memory after the drop"
conf a 1 2 yes 'vendor-name = "reloaded"' | l2d_hup A
l2d_wait A "show running-config" '.runningConfig | test("reloaded")' 10
l2d_sh A "write memory" >/dev/null || die "write memory"
grep -q 'vendor-name = "reloaded"' "$TESTDIR/A.conf" ||
    die "write memory did not save"
expect "A.conf owner and mode" "$(stat -c '%U %a' "$TESTDIR/A.conf")" "root 644"
ping_ok "$A" 10.9.1.2
check_engine A

step "exit: down-scripts, no L2TP state left in the kernel"
l2d_stop A
l2d_stop B
wait_until "A's down-script" 10 test -s "$TESTDIR/out/down.pw1.0"
for ns in "$A" "$B"; do
	expect "$ns: kernel tunnels" "$("$IP" -n "$ns" l2tp show tunnel)" ""
	expect "$ns: kernel sessions" "$("$IP" -n "$ns" l2tp show session)" ""
done
grep -q "seccomp: denied" "$TESTDIR/A.log" "$TESTDIR/B.log" &&
    die "a system call was denied"
# The engine sets arp_notify and ndisc_notify itself: /proc/sys/net
# grants a holder of CAP_NET_ADMIN root's access.
grep -E "(arp|ndisc)_notify|cannot set the Ethernet address" \
    "$TESTDIR/A.log" "$TESTDIR/B.log" &&
    die "an unprivileged engine could not set up its interfaces"
echo "PASS: unprivileged engines (CAP_NET_ADMIN only), kernel dataplane, scripts as script-user"

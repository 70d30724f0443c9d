#!/bin/sh
# The shell's half of the option-table walk (issue 12; the file's half
# is tests/conf/test_config's test_option_table): every option of
# config.c's table (conftest -O), in the node of its scope, is set from
# `configure terminal` with its example value, then shows in
# `show running-config` (what the operator set) in its own block, and
# `no NAME` takes it out again.  Options the file alone may set
# (scripts) are refused; options a section cannot be without (remote,
# static IDs, the cookie pair) are set, and their `no` refused with a
# message.  Also: a value out of range is refused with the range and a
# caret, and `cookie-length 8` from the shell gives the MTU the same file
# gives loaded fresh.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
CONFTEST=$top_builddir/tests/conf/conftest
cat >"$WORK/base.conf" <<EOF
hostname = "opt-a"
dataplane = none
tunnel "ws" {
	mode = static
	local = $V4_A
	remote = $V4_B
	remote-tunnel-id = 7
	session "ss" {
		local-session-id = 11
		remote-session-id = 12
		local-cookie = "0a0b0c0d"
		peer-cookie = "01020304"
	}
}
EOF
daemon_start A "$NS_A" <"$WORK/base.conf"

# run WANT-STATUS LINES...: one l2tpsh connection, the lines in order.
run() {
	_want=$1
	shift
	printf '%s\n' "$@" | sh_exec A "$_want"
}

# block SCOPE TUNNEL SESSION: that section's lines of the running config.
block() {
	"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/run" ||
	    fail "show running-config"
	awk -v sc="$1" -v t="tunnel \"$2\" {" -v s="	session \"$3\" {" '
	    sc == "global" { if ($0 ~ /^tunnel /) exit; print; next }
	    $0 == t { in_t = 1; next }
	    in_t && /^}/ { in_t = 0 }
	    in_t && sc == "tunnel" && /^\t[a-z]/ { print }
	    in_t && sc == "session" && $0 == s { in_s = 1; next }
	    in_s && /^\t}/ { in_s = 0 }
	    in_s { print }' "$WORK/run"
}

# Lines "NAME = "VALUE"" of a `needs` string, as shell commands.
needs_cmds() {
	printf '%s\n' "$1" | sed -n 's/^\([a-z0-9-]*\) = "\{0,1\}\([^"]*\)"\{0,1\}$/\1 \2/p'
}

n=0 checked=0
"$CONFTEST" -O >"$WORK/table" || fail "conftest -O"
while IFS="	" read -r scope name flags example needs; do
	n=$((n + 1))
	needs=$(printf '%b' "$needs")
	static=$((flags & 2))
	enter="conf t"
	tname=w$n
	sname=s$n
	case $scope in
	global) tname= sname= ;;
	tunnel) enter="conf t
tunnel $tname" ;;
	session)
		if [ $static -ne 0 ]; then
			tname=ws sname=ss
		else
			run 0 "conf t" "tunnel $tname" "remote $V4_B" "initiate no"
		fi
		enter="conf t
tunnel $tname
session $sname" ;;
	esac
	prelude=
	if [ "$scope" = tunnel ]; then
		if [ $static -ne 0 ] || [ "$name" = mode ]; then
			prelude="mode static
local $V4_A"
			[ "$name" = remote-tunnel-id ] ||
			    prelude="$prelude
remote-tunnel-id 7"
		elif [ "$name" != initiate ]; then
			prelude="initiate no"
		fi
	fi
	last=
	[ "$scope" = tunnel ] && [ "$name" != remote ] && last="remote $V4_B"
	if [ $((flags & 32)) -ne 0 ]; then
		printf '%s\n%s %s\n' "$enter" "$name" "$example" | sh_exec A 1
		grep -q "only in the configuration file" "$WORK/err" ||
		    fail "$name: not refused as file-only: $(cat "$WORK/err")"
		[ -n "$tname" ] && [ "$tname" != ws ] &&
		    run 0 "conf t" "no tunnel $tname"
		checked=$((checked + 1))
		continue
	fi
	printf '%s\n%s\n%s\n%s %s\n%s\nend\n' "$enter" "$prelude" \
	    "$(needs_cmds "$needs")" "$name" "$example" "$last" |
	    grep -v '^$' >"$WORK/cmds"
	sh_exec A 0 <"$WORK/cmds"
	block "$scope" "$tname" "$sname" >"$WORK/blk"
	grep -Eq "^[[:space:]]*$name = " "$WORK/blk" ||
	    fail "$name $example: not in running-config: $(cat "$WORK/blk")"
	case $name in
	remote | remote-tunnel-id | local-session-id | remote-session-id | \
	    local-cookie | peer-cookie)
		printf '%s\nno %s\n' "$enter" "$name" | sh_exec A 1
		grep -q '^% ' "$WORK/err" ||
		    fail "no $name: refused without a message"
		;;
	*)
		printf '%s\nno %s\nend\n' "$enter" "$name" | sh_exec A 0
		block "$scope" "$tname" "$sname" >"$WORK/blk"
		grep -Eq "^[[:space:]]*$name = " "$WORK/blk" &&
		    fail "no $name: still in running-config: $(cat "$WORK/blk")"
		;;
	esac
	[ -n "$tname" ] && [ "$tname" != ws ] && run 0 "conf t" "no tunnel $tname"
	checked=$((checked + 1))
done <"$WORK/table"
[ "$checked" -gt 60 ] || fail "only $checked options walked"

# A value out of range: the range, under a caret.
run 1 "conf t" "tunnel ws" "hello-interval 99999"
grep -q '^% Out of range: hello-interval 99999' "$WORK/err" &&
    grep -q "^$(printf '%31s' '')^" "$WORK/err" &&
    grep -q '^% expected: <0-86400>' "$WORK/err" ||
    fail "hello-interval 99999: $(cat "$WORK/err")"

# cookie-length 8 from the shell: the MTU of the same file loaded fresh.
run 0 "conf t" "tunnel c" "remote $V4_B" "initiate no" "session p" \
    "l2spec default" "cookie-length 8"
printf 'tunnel c {\nremote = %s\ninitiate = no\nsession p {\nl2spec = default\ncookie-length = 8\n}\n}\n' \
    "$V4_B" >"$WORK/c.conf"
"$CONFTEST" "$WORK/c.conf" >"$WORK/c.fresh" || fail "c.conf does not load"
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config all" >"$WORK/c.all"
want=$(grep -A30 'tunnel "c"' "$WORK/c.fresh" | grep -m1 'mtu = ')
got=$(grep -A30 'tunnel "c"' "$WORK/c.all" | grep -m1 'mtu = ')
[ -n "$want" ] && [ "$want" = "$got" ] ||
    fail "cookie-length 8: shell '$got', fresh file '$want'"
run 0 "conf t" "tunnel c" "session p" "cookie-length 0"
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config all" >"$WORK/c.all"
got0=$(grep -A30 'tunnel "c"' "$WORK/c.all" | grep -m1 'mtu = ')
[ "$got0" != "$got" ] || fail "cookie-length 0 left the MTU at $got"
exit 0

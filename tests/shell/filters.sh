#!/bin/sh
# Output filters as on a router's CLI (issue 12): `| include RE`,
# `| exclude RE`, `| begin RE`, `| count`, abbreviated and chained, on
# text and JSON, from -c and from stdin; a bad filter is an error; a `|`
# inside quotes is no filter; and IOS's `sh run`, `sh ru`, `conf t` and
# `wr` work, from -c and from stdin.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
cat >"$WORK/a.in" <<CONF
hostname = "lcce-a"
dataplane = none
tunnel alpha {
	local = $V4_A
	remote = $V4_B
	initiate = no
	secret = "s3cret"
	session pw1 { remote-end-id = "one|two" }
}
tunnel beta {
	local = $V4_A
	remote = 10.200.0.9
	initiate = no
}
CONF
daemon_start A "$NS_A" <"$WORK/a.in"

sh_c() { # WANT-STATUS CMD: l2tpsh -c CMD into $WORK/out, $WORK/err
	"$L2TPSH" -S "$WORK/A.sock" -c "$2" >"$WORK/out" 2>"$WORK/err"
	_got=$?
	[ "$_got" = "$1" ] || fail "'$2': exit $_got, want $1:" \
	    "$(cat "$WORK/out" "$WORK/err")"
}
"$L2TPSH" -S "$WORK/A.sock" -c "show running-config" >"$WORK/full" ||
    fail "show running-config"

sh_c 0 "show running-config | include secret"
[ "$(cat "$WORK/out")" = "$(grep -E 'secret' "$WORK/full")" ] ||
    fail "include: $(cat "$WORK/out")"
[ "$(wc -l <"$WORK/out")" -ge 1 ] || fail "include printed nothing"

sh_c 0 "show running-config | exclude ^[[:space:]] | exclude ^#"
[ "$(cat "$WORK/out")" = "$(grep -vE '^[[:space:]]' "$WORK/full" |
    grep -vE '^#')" ] || fail "exclude, chained: $(cat "$WORK/out")"

sh_c 0 'show running-config | beg tunnel "beta"'
[ "$(head -n 1 "$WORK/out")" = 'tunnel "beta" {' ] ||
    fail "begin: $(head -n 3 "$WORK/out")"

sh_c 0 "show running-config | count"
[ "$(cat "$WORK/out")" = \
    "Number of lines which match regexp = $(wc -l <"$WORK/full")" ] ||
    fail "count: $(cat "$WORK/out")"

sh_c 0 "show running-config | inc tunnel | cou"
[ "$(cat "$WORK/out")" = "Number of lines which match regexp = 2" ] ||
    fail "include then count: $(cat "$WORK/out")"

# JSON is filtered as lines too.
sh_c 0 "show tunnel json | include alpha"
grep -q '"alpha"' "$WORK/out" || fail "json include: $(cat "$WORK/out")"

# IOS's abbreviations: prefixes of unique words.
sh_c 0 "sh run | i hostname"
[ "$(cat "$WORK/out")" = 'hostname = "lcce-a"' ] ||
    fail "sh run | i: $(cat "$WORK/out")"

sh_c 0 "sh ru | i hostname"
[ "$(cat "$WORK/out")" = 'hostname = "lcce-a"' ] ||
    fail "sh ru | i: $(cat "$WORK/out")"
sh_c 0 "sh ru all | cou"
[ "$(cat "$WORK/out")" = "Number of lines which match regexp = \
$("$L2TPSH" -S "$WORK/A.sock" -c "show running-config all" | wc -l)" ] ||
    fail "sh ru all | cou: $(cat "$WORK/out")"

# IOS's `wr` is write memory.
sh_c 0 "wr"
cmp -s "$WORK/A.conf" "$WORK/full" ||
    fail "wr did not save the running configuration"

# A | inside quotes belongs to the command.
sh_c 0 'show running-config | include "one\|two"'
grep -q 'remote-end-id = "one|two"' "$WORK/out" ||
    fail "quoted bar: $(cat "$WORK/out")"

# Errors: an unknown filter, a missing expression, a bad expression.
sh_c 1 "show running-config | grep x"
grep -q "Invalid filter" "$WORK/err" || fail "unknown filter: $(cat "$WORK/err")"
sh_c 1 "show running-config | include"
grep -q "needs a regular expression" "$WORK/err" ||
    fail "no expression: $(cat "$WORK/err")"
sh_c 1 "show running-config | include ("
grep -q "bad regular expression" "$WORK/err" ||
    fail "bad expression: $(cat "$WORK/err")"

# From stdin, interactive-style input.
printf 'show running-config | include hostname\n' |
    "$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>"$WORK/err" ||
    fail "stdin: $(cat "$WORK/err")"
[ "$(cat "$WORK/out")" = 'hostname = "lcce-a"' ] ||
    fail "stdin filter: $(cat "$WORK/out")"
# `conf t`, `wr` and `do sh ru` in one session from stdin, as typed on a
# router: the change is made, saved, and shown.  Inside configure mode
# `do sh ru` shows what runs: the change is a candidate until `end`
# commits it.
printf '%s\n' "conf t" "hostname lcce-z" "do sh ru | i hostname" "end" \
    "wr" "sh ru | i hostname" |
    "$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>"$WORK/err" ||
    fail "conf t / wr from stdin: $(cat "$WORK/out" "$WORK/err")"
[ "$(grep '^hostname = ' "$WORK/out" | tr '\n' ' ')" = \
    'hostname = "lcce-a" hostname = "lcce-z" ' ] ||
    fail "conf t / do sh ru: $(cat "$WORK/out" "$WORK/err")"
grep -q '^hostname = "lcce-z"$' "$WORK/A.conf" ||
    fail "wr after conf t did not save: $(cat "$WORK/A.conf")"
# A configuration command at the top is refused, saying where it lives;
# in the configuration node a value out of range gives the range.
sh_c 1 "hello-interval 99999"
grep -q "^% 'hello-interval' is a configuration command: configure terminal first" \
    "$WORK/err" || fail "hello-interval at the top: $(cat "$WORK/err")"
printf '%s\n' "conf t" "hello-interval 99999" |
    "$L2TPSH" -S "$WORK/A.sock" >"$WORK/out" 2>"$WORK/err" &&
    fail "hello-interval 99999 was taken"
grep -q "^% Out of range: hello-interval 99999" "$WORK/err" &&
    grep -q "^% expected: <0-86400>" "$WORK/err" ||
    fail "hello-interval 99999: $(cat "$WORK/err")"
# A prefix two keywords share is refused with both, as on IOS.
sh_c 1 "c t"
grep -q "^% Ambiguous command: c t" "$WORK/err" &&
    grep -q "clear configure" "$WORK/err" ||
    fail "c t: $(cat "$WORK/err")"

echo "PASS"

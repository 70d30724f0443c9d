#!/bin/sh
# l2tpsh against a daemon with no tunnel: JSON of nothing is {}, show
# version in text and JSON, an unknown command fails (exit 1) without
# ending the session, -c may be repeated, commands come from stdin, and a
# missing daemon is exit 2.
. "$(dirname "$0")/lib.sh"
ns_init
ns_pair a b
printf 'hostname = "lonely"\ndataplane = none\n' >"$WORK/A.in"
daemon_start A "$NS_A" <"$WORK/A.in"
SOCK=$WORK/A.sock

# run EXPECTED-STATUS l2tpsh-arguments...: output in $WORK/out and err.
run() {
	want=$1
	shift
	"$L2TPSH" "$@" >"$WORK/out" 2>"$WORK/err"
	got=$?
	[ "$got" = "$want" ] || fail "l2tpsh $*: exit $got, want $want;" \
	    "stdout: $(cat "$WORK/out"); stderr: $(cat "$WORK/err")"
}

run 0 -S "$SOCK" -c "show tunnel json"
[ "$(cat "$WORK/out")" = "{}" ] ||
    fail "show tunnel json with no tunnel: '$(cat "$WORK/out")', want {}"
run 0 -S "$SOCK" -c "show statistics json"
"$JQ" -e '. == {}' "$WORK/out" >/dev/null ||
    fail "show statistics json with no tunnel: $(cat "$WORK/out")"

run 0 -S "$SOCK" -c "show version"
grep -q '^l2tpv3d [0-9]' "$WORK/out" || fail "show version: $(cat "$WORK/out")"
text_version=$(cut -d' ' -f2 "$WORK/out")
run 0 -S "$SOCK" -c "show version json"
json_version=$("$JQ" -r '"\(.program) \(.version)"' "$WORK/out")
[ "$json_version" = "l2tpv3d $text_version" ] ||
    fail "show version json says $json_version, text $text_version"

run 1 -S "$SOCK" -c "frobnicate the tunnels"
[ -s "$WORK/err" ] || fail "an unknown command said nothing on stderr"
[ ! -s "$WORK/out" ] || fail "an unknown command printed: $(cat "$WORK/out")"
run 1 -S "$SOCK" -c "show tunnel nosuch json"

# -c repeated: in order, on one connection; a failing one in the middle
# makes the exit status 1 and the rest still runs.
run 0 -S "$SOCK" -c "show version json" -c "show tunnel json"
[ "$("$JQ" -s -c 'map(keys)' "$WORK/out")" = '[["program","version"],[]]' ] ||
    fail "-c twice: $(cat "$WORK/out")"
run 1 -S "$SOCK" -c "show version" -c "frobnicate" -c "show version"
[ "$(grep -c '^l2tpv3d ' "$WORK/out")" = 2 ] ||
    fail "-c around a failing command: $(cat "$WORK/out")"

# Commands on stdin, one a line; blank lines and comments are skipped.
printf 'show version\n\n# a comment\nshow tunnel json\n' >"$WORK/in"
run 0 -S "$SOCK" <"$WORK/in"
[ "$(sed -n 1p "$WORK/out" | cut -d' ' -f1)" = l2tpv3d ] &&
    [ "$(sed -n 2p "$WORK/out")" = "{}" ] && [ "$(wc -l <"$WORK/out")" = 2 ] ||
    fail "commands on stdin: $(cat "$WORK/out")"
printf 'show version\nbogus\n' >"$WORK/in"
run 1 -S "$SOCK" <"$WORK/in"

# No daemon behind the socket: exit 2, with a message.
run 2 -S "$WORK/nothing-here.sock" -c "show version"
grep -q "nothing-here.sock" "$WORK/err" || fail "no daemon: $(cat "$WORK/err")"
daemon_stop A || fail "the daemon did not exit cleanly"
run 2 -S "$SOCK" -c "show version"
echo "PASS"

# Helpers for the l2tpsh tests; on top of tests/ns/lib.sh.
#
#   check_json NAME CMD EXPECTED [TIMEOUT]
#                  retry `CMD json` on daemon NAME until its answer
#                  contains EXPECTED (json_subset.py), like FRR's
#                  topotests; fail with the last answer otherwise
#   sh_exec NAME WANT-STATUS < COMMANDS
#                  l2tpsh with the commands on stdin (one connection,
#                  so the CLI node carries over); exit status checked,
#                  output in $WORK/out and $WORK/err
. "$(dirname "$0")/../ns/lib.sh"

SUBSET="${PYTHON3:-python3} $top_srcdir/tests/shell/json_subset.py"

check_json() {
	_deadline=$(($(date +%s) + ${4:-20}))
	while :; do
		_out=$("$L2TPSH" -S "$WORK/$1.sock" -c "$2 json" 2>&1)
		printf '%s' "$_out" | $SUBSET "$3" 2>"$WORK/subset.err" && return 0
		[ "$(date +%s)" -ge "$_deadline" ] &&
		    fail "$1: '$2 json' never contained $3: $(cat "$WORK/subset.err"); last answer: $_out"
		sleep 0.2
	done
}

# sh_exec NAME WANT-STATUS: runs the commands on stdin, one a line.
sh_exec() {
	"$L2TPSH" -S "$WORK/$1.sock" >"$WORK/out" 2>"$WORK/err"
	_got=$?
	[ "$_got" = "$2" ] || fail "l2tpsh on $1: exit $_got, want $2;" \
	    "stdout: $(cat "$WORK/out"); stderr: $(cat "$WORK/err")"
}

# Shared helpers for the shell tests; source it, do not run it:
#	. "$top_srcdir/tests/lib.sh"
# POSIX sh (make check runs tests with $(SHELL), often dash).
#
# Exit status follows automake: 0 pass, 1 fail, 77 skip.  Skip only for
# what lies outside the project (a missing tool, not being root).

die()
{
	echo "FAIL: $*" >&2
	exit 1
}

skip()
{
	echo "SKIP: $*" >&2
	exit 77
}

need_root()
{
	[ "$(id -u)" -eq 0 ] || skip "needs root"
}

# require_cmd CMD...: skip unless every command is on PATH.
require_cmd()
{
	for _cmd in "$@"; do
		command -v "$_cmd" >/dev/null 2>&1 || skip "$_cmd not found"
	done
}

# at_exit CMD: run CMD when the test exits, last registered first (so
# cleanups unwind in the reverse order of setup).
_lib_at_exit=""
at_exit()
{
	_lib_at_exit="$1
$_lib_at_exit"
}

_lib_exit()
{
	_lib_rc=$?
	trap - EXIT
	set +e
	eval "$_lib_at_exit"
	exit "$_lib_rc"
}
trap _lib_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# make_tmpdir: create a private directory, removed at exit; sets $TESTDIR.
make_tmpdir()
{
	TESTDIR=$(mktemp -d "${TMPDIR:-/tmp}/l2tpv3d-test.XXXXXX") ||
	    die "cannot create a temporary directory"
	at_exit "rm -rf '$TESTDIR'"
}

#!/bin/sh
# No loops between the daemon's files (issue 12): scripts/check-deps
# reads the built objects' symbols (nm) and fails on a cycle of files
# calling each other, or on an entry of scripts/check-deps.allow that is
# no longer needed.  First it must catch a loop it is shown: two small
# files that call each other, in a library of their own.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
check="${PYTHON3:-python3} $top_srcdir/scripts/check-deps"
for tool in nm ar cc; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: no $tool"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-deps.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
printf 'int b(int);\nint a(int x) { return x ? b(x - 1) : 0; }\n' >"$tmp/a.c"
printf 'int a(int);\nint b(int x) { return a(x); }\n' >"$tmp/b.c"
printf 'int a(int);\nint c(void) { return a(1); }\n' >"$tmp/c.c"
(cd "$tmp" && cc -c a.c b.c c.c && ar cr libl2tpd.a a.o b.o c.o) || exit 99
$check "$tmp" >"$tmp/out" && { echo "FAIL: a.c <-> b.c not caught"; exit 1; }
grep -q "in a loop: a.c b.c$" "$tmp/out" ||
    { echo "FAIL: loop not named: $(cat "$tmp/out")"; exit 1; }
printf 'b.c -> a.c  # the test\n' >"$tmp/allow"
$check "$tmp" "$tmp/allow" >"$tmp/out" ||
    { echo "FAIL: allowed edge: $(cat "$tmp/out")"; exit 1; }
printf 'c.c -> a.c  # closes nothing\n' >>"$tmp/allow"
$check "$tmp" "$tmp/allow" >"$tmp/out" &&
    { echo "FAIL: a needless allowlist line passed"; exit 1; }
grep -q "line 2: c.c -> a.c closes no loop" "$tmp/out" ||
    { echo "FAIL: needless line not named: $(cat "$tmp/out")"; exit 1; }
# The daemon itself.
exec $check "$top_builddir/daemon" "$top_srcdir/scripts/check-deps.allow"

#!/bin/sh
# The socket is 0660 with a configurable group: a user outside the group
# is refused by the kernel, one inside may connect; the read-only socket
# answers `show` and refuses `configure` and every other change.
. "$(dirname "$0")/lib.sh"
ns_init
command -v useradd >/dev/null 2>&1 || fail "useradd missing"
ns_pair a b
U="l2tpt$$"
G="l2tpg$$"
groupadd "$G" || fail "groupadd"
useradd -M -N -g nogroup "$U" || { groupdel "$G"; fail "useradd"; }
trap '_rc=$?; userdel "$U" 2>/dev/null; groupdel "$G" 2>/dev/null; (exit $_rc); ns_cleanup' EXIT
chmod 755 "$WORK"
# The other user runs a copy of l2tpsh: the build tree may sit where only
# root can go (a clone in /root, mode 0700).
cp "$L2TPSH" "$WORK/l2tpsh" && chmod 755 "$WORK/l2tpsh" || fail "cp l2tpsh"
L2TPSH_COPY=$WORK/l2tpsh
# The group and the read-only socket from the configuration file.
printf 'hostname = "perm"\ndataplane = none\ncontrol-group = "%s"
control-socket-readonly = "%s"\n' "$G" "$WORK/A.ro.sock" |
    daemon_start A "$NS_A"
for s in A.sock A.ro.sock; do
	[ "$(stat -c '%a %G' "$WORK/$s")" = "660 $G" ] ||
	    fail "$s: $(stat -c '%a %G' "$WORK/$s"), want 660 $G"
done
# -G and -R override the file: a second daemon with the flags.
printf 'hostname = "perm2"\ndataplane = none\ncontrol-group = "root"
control-socket-readonly = "%s"\n' "$WORK/unused.sock" |
    daemon_start C "$NS_B" -G "$G" -R "$WORK/C.ro.sock"
for s in C.sock C.ro.sock; do
	[ "$(stat -c '%a %G' "$WORK/$s")" = "660 $G" ] ||
	    fail "$s: $(stat -c '%a %G' "$WORK/$s"), want 660 $G"
done
[ -e "$WORK/unused.sock" ] && fail "-R did not override control-socket-readonly"
su -s /bin/sh "$U" -c "$L2TPSH_COPY -S $WORK/A.sock -c 'show version'" \
    >"$WORK/out" 2>&1 && fail "a user outside $G connected: $(cat "$WORK/out")"
grep -q "Permission denied" "$WORK/out" || fail "refusal: $(cat "$WORK/out")"
# The refusal names the group that grants access, not a dead daemon.
grep -q "group $G" "$WORK/out" || fail "refusal names no group: $(cat "$WORK/out")"
grep -q "is l2tpv3d running" "$WORK/out" &&
    fail "refusal blames the daemon: $(cat "$WORK/out")"
usermod -a -G "$G" "$U"
su -s /bin/sh "$U" -c "$L2TPSH_COPY -S $WORK/A.sock -c 'show version'" \
    >"$WORK/out" 2>&1 || fail "a member of $G was refused: $(cat "$WORK/out")"

"$L2TPSH" -S "$WORK/A.ro.sock" -c "show version" >/dev/null ||
    fail "read-only socket refused show"
for cmd in "configure terminal" "write memory" "clear statistics" \
    "debug tunnel x"; do
	"$L2TPSH" -S "$WORK/A.ro.sock" -c "$cmd" >"$WORK/out" 2>&1 &&
	    fail "read-only socket accepted '$cmd'"
	grep -q denied "$WORK/out" || fail "'$cmd': $(cat "$WORK/out")"
done
exit 0

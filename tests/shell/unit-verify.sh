#!/bin/sh
# systemd/l2tpv3d.service passes `systemd-analyze verify` (every key
# known, every directive valid, the binary there).  The unit names the
# installed binary; the copy checked here names the built one.  Man
# pages are not looked up (they are not installed yet).
. "$top_srcdir/tests/lib.sh"
command -v systemd-analyze >/dev/null 2>&1 ||
    die "systemd-analyze missing (Debian package systemd; scripts/install-deps)"
unit=$top_builddir/systemd/l2tpv3d.service
[ -f "$unit" ] || die "$unit not built"
make_tmpdir
sbindir=$(sed -n 's|^ExecStart=\(.*\)/l2tpv3d .*|\1|p' "$unit")
[ -n "$sbindir" ] || die "no ExecStart=.../l2tpv3d in $unit"
sed "s|^ExecStart=$sbindir/l2tpv3d|ExecStart=$top_builddir/daemon/l2tpv3d|" \
    "$unit" >"$TESTDIR/l2tpv3d.service"
# The unit's ExecStart runs the config path the binary uses by default.
conf=$(sed -n 's|^ExecStart=.* -c \([^ ]*\).*|\1|p' "$unit")
strings "$top_builddir/daemon/l2tpv3d" | grep -qxF "$conf" ||
    die "the unit's $conf is not the binary's default configuration"
systemd-analyze verify --man=no "$TESTDIR/l2tpv3d.service" \
    >"$TESTDIR/out" 2>&1
rc=$?
# systemd-analyze cannot run without a usable systemd installation
# (some containers): that, and only that, is a skip.
if [ $rc -ne 0 ] && grep -q "Failed to initialize manager\|Failed to set up" \
    "$TESTDIR/out"; then
	skip "systemd-analyze cannot run here: $(head -1 "$TESTDIR/out")"
fi
[ $rc -eq 0 ] || die "systemd-analyze verify: $(cat "$TESTDIR/out")"
# It only warns about unknown keys and bad values: any output is a failure.
[ -s "$TESTDIR/out" ] && die "systemd-analyze verify: $(cat "$TESTDIR/out")"
for k in Type=notify 'ExecReload=/bin/kill -HUP $MAINPID' WatchdogSec= \
    RuntimeDirectory=l2tpv3d ProtectSystem=strict ProtectHome=yes \
    PrivateTmp=yes 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK' \
    CapabilityBoundingSet=; do
	grep -qF "$k" "$unit" || die "$unit lacks $k"
done
exit 0

#!/bin/sh
# vm-run.sh [-t SECONDS] SCRIPT [ARGS...]
#
# Run SCRIPT inside a qemu VM booted with Debian's stock kernel, which
# has L2TP (this machine's kernel may not).  The guest sees the host's
# root read-only (9p, with a tmpfs overlay so it can write), the build
# tree read-write at its usual path, and runs SCRIPT chrooted into that
# root, so the project's binaries and the host's ip/ping/tcpdump run
# unchanged.  The exit status is SCRIPT's (77 = skip passes through).
#
# Exits 77 itself only when the VM cannot run for reasons outside the
# project: no qemu, or no kernel package to download.  Everything it
# fetches or builds is cached in $L2TPV3D_VM_CACHE (default
# /var/cache/l2tpv3d-vm as root, else ~/.cache/l2tpv3d-vm).
#
# Environment passed to SCRIPT: top_srcdir, top_builddir, TSHARK,
# PYTHON3, L2TPV3D_VM=1, and anything named in $VM_PASS_ENV.
# VM_DEBUG=1 shows the kernel's boot messages.
set -u

here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${VM_TIMEOUT:-300}
if [ "${1:-}" = -t ]; then
	timeout_s=$2
	shift 2
fi
[ $# -ge 1 ] || { echo "usage: vm-run.sh [-t SECONDS] SCRIPT [ARGS...]" >&2; exit 2; }

# Marker the guest prints on ttyS0; the host greps for it.
MARK=L2TPV3D-VM-EXIT

# The modules the tests need; their dependencies are found with depmod.
MODULES="udp_tunnel ip6_udp_tunnel l2tp_core l2tp_netlink l2tp_eth l2tp_ip
l2tp_ip6 veth bridge 8021q virtio_pci 9pnet_virtio 9p overlay"

skip() { echo "SKIP: vm-run: $*"; exit 77; }
err() { echo "FAIL: vm-run: $*" >&2; exit 1; }
note() { echo "vm-run: $*" >&2; }

# make distcheck re-runs only the quick tests; these ran in the main build.
[ "${L2TP_CHECK_QUICK:-0}" = 1 ] && skip "L2TP_CHECK_QUICK=1"

if [ -n "${L2TPV3D_VM_CACHE:-}" ]; then
	cache=$L2TPV3D_VM_CACHE
elif [ "$(id -u)" -eq 0 ]; then
	cache=/var/cache/l2tpv3d-vm
else
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/l2tpv3d-vm
fi
mkdir -p "$cache" || err "cannot create cache directory $cache"

QEMU=${QEMU:-qemu-system-x86_64}
command -v "$QEMU" >/dev/null 2>&1 ||
    skip "$QEMU not found (apt-get install --no-install-recommends qemu-system-x86)"
BUSYBOX=""
for b in /bin/busybox /usr/bin/busybox; do
	# A dynamic busybox names its ELF interpreter; the initramfs has none.
	if [ -x "$b" ] && ! LC_ALL=C grep -q '/lib64/ld-linux' "$b"; then
		BUSYBOX=$b
		break
	fi
done
[ -n "$BUSYBOX" ] ||
    skip "no statically linked busybox (apt-get install busybox-static)"

# kernel_package: the linux-image-* package linux-image-amd64 depends on
# today (the name changes with every kernel security update).
kernel_package()
{
	apt-cache depends linux-image-amd64 2>/dev/null |
	    sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -1
}

# drop_other_kernels PKG: a kernel tree is 400 MB; keep only the current.
drop_other_kernels()
{
	for d in "$cache"/linux-image-*; do
		[ -d "$d" ] && [ "$d" != "$cache/$1" ] && rm -rf "$d"
	done
	for f in "$cache"/initramfs-*.cpio.gz; do
		case $f in
		"$cache/initramfs-${1#linux-image-}-"*) ;;
		*) rm -f "$f" ;;
		esac
	done
}

# fetch_kernel: unpack the current kernel package into $cache/PKG and
# print that directory; falls back to the newest cached one when the
# package cannot be fetched (offline).
fetch_kernel()
{
	pkg=""
	if command -v apt-cache >/dev/null 2>&1; then
		pkg=$(kernel_package)
		if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
			apt-get update -qq >/dev/null 2>&1
			pkg=$(kernel_package)
		fi
	fi
	if [ -n "$pkg" ] && [ -f "$cache/$pkg/.unpacked" ]; then
		echo "$cache/$pkg"
		return 0
	fi
	if [ -n "$pkg" ]; then
		tmp=$(mktemp -d "$cache/.fetch.XXXXXX") || return 1
		note "downloading $pkg into $cache"
		if (cd "$tmp" && apt-get download -q "$pkg" >dl.log 2>&1) &&
		    dpkg -x "$tmp"/"$pkg"_*.deb "$tmp/tree"; then
			: >"$tmp/tree/.unpacked"
			rm -rf "${cache:?}/$pkg.old"
			[ -d "$cache/$pkg" ] && mv "$cache/$pkg" "$cache/$pkg.old"
			# rename(2) is atomic: a concurrent run sees all or nothing.
			if mv "$tmp/tree" "$cache/$pkg" 2>/dev/null ||
			    [ -f "$cache/$pkg/.unpacked" ]; then
				rm -rf "$tmp" "${cache:?}/$pkg.old"
				drop_other_kernels "$pkg"
				echo "$cache/$pkg"
				return 0
			fi
		fi
		[ -f "$tmp/dl.log" ] && cat "$tmp/dl.log" >&2
		rm -rf "$tmp"
	fi
	newest=$(ls -dt "$cache"/linux-image-*/.unpacked 2>/dev/null | head -1)
	[ -n "$newest" ] || return 1
	note "using cached $(dirname "$newest")"
	dirname "$newest"
}

kdir=$(fetch_kernel) ||
    skip "no kernel package: apt-get download of linux-image-amd64's dependency failed"
kver=$(ls "$kdir/lib/modules" | head -1)
vmlinuz="$kdir/boot/vmlinuz-$kver"
[ -n "$kver" ] && [ -f "$vmlinuz" ] || err "no kernel in $kdir"
moddir="$kdir/lib/modules/$kver"
[ -f "$moddir/modules.dep" ] || "$BUSYBOX" depmod -b "$kdir" "$kver" ||
    err "depmod failed on $moddir"

# resolve NAME...: print the paths (relative to $moddir) of the named
# modules and of everything they need, each after its dependencies.
# Built-in ones print nothing; an unknown one is an error.
resolve()
{
	awk -v want="$*" -v builtin="$moddir/modules.builtin" '
	function base(p) { sub(/.*\//, "", p); sub(/\.ko.*/, "", p); gsub(/-/, "_", p); return p }
	function visit(p,   n, i, d) {
		if (p in done) return
		done[p] = 1
		n = split(deps[p], d, " ")
		for (i = 1; i <= n; i++) visit(d[i])
		print p
	}
	{ p = $1; sub(/:$/, "", p); path[base(p)] = p; $1 = ""; deps[p] = $0 }
	END {
		while ((getline line < builtin) > 0) inkernel[base(line)] = 1
		n = split(want, w, " ")
		for (i = 1; i <= n; i++) {
			m = w[i]; gsub(/-/, "_", m)
			if (m in path) visit(path[m])
			else if (!(m in inkernel)) { print "module " m " not found" > "/dev/stderr"; exit 1 }
		}
	}' "$moddir/modules.dep"
}

# build_initramfs OUT: busybox, the modules (in load order, listed in
# /modules.list) and our init script, as a gzipped newc cpio.
build_initramfs()
{
	out=$1
	root=$(mktemp -d "$cache/.initramfs.XXXXXX") || return 1
	mkdir -p "$root/bin" "$root/lib/modules" "$root/proc" "$root/sys" \
	    "$root/dev" "$root/lower" "$root/upper" "$root/newroot" \
	    "$root/vmrun" || return 1
	cp "$BUSYBOX" "$root/bin/busybox" || return 1
	cp "$here/init" "$root/init" && chmod 755 "$root/init" || return 1
	list=$(resolve $MODULES) || return 1
	for p in $list; do
		name=$(basename "$p")
		case $name in
		*.ko) cp "$moddir/$p" "$root/lib/modules/$name" ;;
		*.ko.xz) name=${name%.xz}; xz -dc "$moddir/$p" >"$root/lib/modules/$name" ;;
		*.ko.zst) name=${name%.zst}; zstd -qdc "$moddir/$p" >"$root/lib/modules/$name" ;;
		*.ko.gz) name=${name%.gz}; gzip -dc "$moddir/$p" >"$root/lib/modules/$name" ;;
		*) err "unknown module format: $p" ;;
		esac || return 1
		echo "$name" >>"$root/modules.list"
	done
	(cd "$root" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0 2>/dev/null) |
	    gzip -1 >"$out.tmp.$$" || return 1
	mv "$out.tmp.$$" "$out"
	rm -rf "$root"
}

key=$(cat "$here/vm-run.sh" "$here/init" | sha256sum | cut -c1-16)
initrd="$cache/initramfs-$kver-$key.cpio.gz"
if [ ! -f "$initrd" ]; then
	note "building $initrd"
	build_initramfs "$initrd" || err "cannot build the initramfs"
	# Those of older versions of this script and init are dead weight.
	for f in "$cache/initramfs-$kver-"*.cpio.gz; do
		[ "$f" = "$initrd" ] || rm -f "$f"
	done
fi

# The per-run share: the command to run and the paths to mount.
run=$(mktemp -d "${TMPDIR:-/tmp}/l2tpv3d-vm.XXXXXX") || err "mktemp"
trap 'rm -rf "$run"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

script=$1
shift
case $script in /*) ;; *) script=$(pwd)/$script ;; esac
[ -r "$script" ] || err "cannot read $script"

# shell_quote WORD: WORD as one single-quoted sh word.
shell_quote()
{
	printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

build=""
if [ -n "${top_builddir:-}" ] && [ -d "$top_builddir" ]; then
	build=$(cd "$top_builddir" && pwd)
fi
{
	echo "cd $(shell_quote "$(pwd)") 2>/dev/null || cd /"
	echo "export L2TPV3D_VM=1 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for v in top_srcdir top_builddir TSHARK PYTHON3 ${VM_PASS_ENV:-}; do
		eval "isset=\${$v+x}"
		[ -n "$isset" ] || continue
		eval "val=\$$v"
		echo "export $v=$(shell_quote "$val")"
	done
	printf 'exec /bin/sh %s' "$(shell_quote "$script")"
	for a in "$@"; do printf ' %s' "$(shell_quote "$a")"; done
	echo
} >"$run/cmd"
printf '%s\n' "$build" >"$run/build"

# qemu_path DIR: DIR for a -virtfs option (commas are doubled there).
qemu_path()
{
	printf '%s' "$1" | sed 's/,/,,/g'
}

append="console=ttyS0 panic=-1 quiet"
[ "${VM_DEBUG:-0}" = 1 ] && append="console=ttyS0 panic=-1"
share="security_model=none,multidevs=remap"
set -- -accel tcg -m 1024 -nographic -no-reboot -nic none \
    -kernel "$vmlinuz" -initrd "$initrd" -append "$append" \
    -virtfs "local,path=/,mount_tag=hostroot,readonly=on,$share" \
    -virtfs "local,path=$(qemu_path "$run"),mount_tag=vmrun,$share"
[ -n "$build" ] &&
    set -- "$@" -virtfs "local,path=$(qemu_path "$build"),mount_tag=build,$share"

log="$run/console.log"
esc=$(printf '\033') # SeaBIOS clears the screen: drop terminal escapes
timeout -k 5 "$timeout_s" "$QEMU" "$@" </dev/null 2>&1 | tr -d '\r' |
    sed -u "s/$esc\[[0-9;?]*[a-zA-Z]//g; s/${esc}c/\n/g" | tee "$log"
status=$(sed -n "s/.*$MARK=\([0-9]*\)$/\1/p" "$log" | tail -1)
if [ -z "$status" ]; then
	err "the VM ended without reporting a status (timeout ${timeout_s}s, crash, or qemu error)"
fi
exit "$status"

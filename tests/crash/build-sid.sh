#!/bin/bash
# Build the crash extension for crash 9.x (Debian sid) in a minbase chroot:
#   tests/crash/build-sid.sh            -> build/crash9/vmapx.so
# The chroot lives in ${XDG_CACHE_HOME:-$HOME/.cache}/vmapx/sid-chroot and is
# reused when present; the source (lib/, extension/, Makefile) is copied in
# and built against the chroot's own defs.h (-DGDB_16_2, from crash --version).
# Quiet on success; logs go to the chroot's /var/log/vmapx-*.log.
# Prints the chroot path on stdout with --print-root.  Needs root.
set -euo pipefail

ROOT=${XDG_CACHE_HOME:-$HOME/.cache}/vmapx/sid-chroot
SRC=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$SRC/build/crash9
MIRROR=${VMAPX_MIRROR:-http://deb.debian.org/debian}
PKGS="crash gcc libc6-dev make pkg-config libkdumpfile-dev libdw-dev libelf-dev libbpf-dev libarchive-dev"

[ "${1:-}" = --print-root ] && { echo "$ROOT"; exit 0; }
die() { echo "build-sid: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"

# One setup at a time (several checkouts share the chroot); each checkout builds in its own
# directory, or make would mix another tree's objects into this one's vmapx.so.
mkdir -p "$(dirname "$ROOT")"
exec 9>"$ROOT.lock"
flock 9

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
	LC_ALL=C DEBIAN_FRONTEND=noninteractive "$@"; }

if [ ! -x "$ROOT/usr/bin/apt-get" ]; then
	command -v debootstrap >/dev/null || die "debootstrap not installed (apt-get install debootstrap)"
	rm -rf "$ROOT.new"
	mkdir -p "$(dirname "$ROOT")"
	log=$(dirname "$ROOT")/debootstrap.log
	# sid may be signed by a key newer than the host keyring: retry unchecked
	# (package checksums are still verified against the Release file).
	if ! debootstrap --variant=minbase sid "$ROOT.new" "$MIRROR" >"$log" 2>&1; then
		rm -rf "$ROOT.new"
		debootstrap --no-check-gpg --variant=minbase sid "$ROOT.new" "$MIRROR" >"$log" 2>&1 ||
			die "debootstrap failed, see $log"
	fi
	mv "$ROOT.new" "$ROOT"
fi

if [ ! -f "$ROOT/usr/include/crash/defs.h" ] || [ ! -x "$ROOT/usr/bin/crash" ] ||
   ! in_root pkg-config --exists libkdumpfile libdw libelf libbpf libarchive 2>/dev/null; then
	cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
	in_root apt-get -q -o Acquire::Check-Valid-Until=false update >"$ROOT/var/log/vmapx-apt.log" 2>&1 ||
		die "apt-get update failed, see $ROOT/var/log/vmapx-apt.log"
	in_root apt-get -q -y --no-install-recommends install $PKGS >>"$ROOT/var/log/vmapx-apt.log" 2>&1 ||
		die "apt-get install failed, see $ROOT/var/log/vmapx-apt.log"
	in_root apt-get clean
fi

# Fresh copy of the sources each time; make decides what to rebuild.
B=/build/vmapx-$(printf '%s' "$SRC" | sha1sum | cut -c1-12)
W=$ROOT$B
mkdir -p "$W/src"
rm -rf "$W/src/lib" "$W/src/extension" "$W/src/tests"
# the Makefile includes tests/fuzz/fuzz.mk: copy what it includes too
mkdir -p "$W/src/tests/fuzz"
cp -a "$SRC/lib" "$SRC/extension" "$SRC/Makefile" "$W/src/"
cp -a "$SRC/tests/fuzz/fuzz.mk" "$W/src/tests/fuzz/"
in_root make -C "$B/src" B="$B/out" "$B/out/vmapx.so" \
	>"$ROOT/var/log/vmapx-build.log" 2>&1 ||
	{ cat "$ROOT/var/log/vmapx-build.log" >&2; die "build failed"; }
mkdir -p "$OUT"
cp "$W/out/vmapx.so" "$OUT/vmapx.so.tmp" && mv "$OUT/vmapx.so.tmp" "$OUT/vmapx.so"

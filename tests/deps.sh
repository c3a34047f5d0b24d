#!/bin/sh
# tests/deps.sh: install (as root, with apt-get) what building and testing vmapx needs, only the
# packages that are missing. Quiet; prints one line saying what it installed. Debian bookworm or newer.
#   VMAPX_DEPS_EXTRA="pkg ..."  adds packages.
set -eu

PKGS="build-essential pkg-config libkdumpfile-dev libdw-dev libelf-dev libbpf-dev libarchive-dev libcmocka-dev debhelper lintian
crash makedumpfile qemu-system-x86 busybox-static cpio gzip xz-utils zstd socat debootstrap clang
ca-certificates file binutils jq python3 time valgrind libclang-rt-14-dev python3-jsonschema librsvg2-bin
libxml2-utils ${VMAPX_DEPS_EXTRA:-}"

missing=
for p in $PKGS; do
    s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$s" = installed ] || missing="$missing $p"
done
if [ -z "$missing" ]; then
    echo "deps: all present"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing:$missing (run as root: $0)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get -qq update >/dev/null
# shellcheck disable=SC2086
apt-get -qq install -y --no-install-recommends $missing >/dev/null
echo "deps: installed:$missing"

#!/bin/bash
# The no-vmlinux sources on each real kernel of dumps/: the vmlinux's BTF
# (the blob the dump holds at __start_BTF) and its DWARF give the same
# sizes and offsets (no offset is pinned here: the archive moves on, and
# the walker's own answers are checked against the live text by the other
# scripts); scanning the kernel image (its
# PT_LOAD segments at their link addresses) finds the kallsyms tables at
# exactly the addresses of the vmlinux symtab's kallsyms_* symbols.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checker=build/tests/types-check

make -s build/libvmapx.a build/libvmapx_tool.a >/dev/null ||
	{ bad "build/libvmapx.a or build/libvmapx_tool.a does not build"; exit 1; }
mkdir -p build/tests
# shellcheck disable=SC2046
if ! cc -std=gnu11 -O2 -Ilib -Itool -Itests/unit -o "$checker" tests/integration/types-check.c \
	tests/unit/fake_mem.c build/libvmapx_tool.a build/libvmapx.a \
	$(pkg-config --libs libkdumpfile libdw libelf libbpf libarchive) 2>"$tmp/cc.err"; then
	bad "types-check does not build: $(head -n 3 "$tmp/cc.err")"
	exit 1
fi

declare -A done_vmlinux=()
checked=0
for c in $(cases); do
	d=$DUMPS/$c
	has_vmlinux "$c" "the DWARF/BTF/kallsyms cross-check" || continue
	v=$(realpath "$d/vmlinux")
	[ -n "${done_vmlinux[$v]:-}" ] && continue
	done_vmlinux[$v]=1
	release=$(sed -n 's/.*"release": *"\([^"]*\)".*/\1/p' "$d/meta.json")
	out=$tmp/$c.out
	"$checker" "$v" --dwarf >"$out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || bad "$c ($release): types-check exits $rc: $(grep -E 'MISMATCH|WRONG|FAIL|BUT' "$out" | head -n 5)"
	if grep -q MISMATCH "$out"; then
		bad "$c ($release): DWARF and BTF disagree: $(grep MISMATCH "$out" | head -n 5)"
	else
		ok "$c ($release): DWARF gives the same sizes and offsets as BTF"
	fi
	if grep -q '^scan time' "$out" && ! grep -qE 'WRONG|BUT FOUND|scan FAILED' "$out"; then
		ok "$c ($release): kallsyms scan finds the tables at the vmlinux symtab's addresses ($(grep '^scan time' "$out"))"
	else
		bad "$c ($release): kallsyms scan: $(grep -E 'WRONG|BUT|FAILED' "$out" | head -n 3)"
	fi
	checked=$((checked + 1))
done
[ $checked -gt 0 ] || echo "skip: no dump in $DUMPS has a vmlinux"
finish

#!/bin/bash
# vmapx prints exactly what /proc/vmallocinfo printed, on every real dump:
# every dump format, with and without the vmlinux, both pointer modes.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for c in $(cases); do
	d=$DUMPS/$c
	# No vmlinux anywhere near: the dump alone in an empty directory.
	mkdir -p "$tmp/$c"
	ln -sf "$(realpath "$d/vmcore.kdump")" "$tmp/$c/vmcore"
	(cd "$tmp/$c" && "$VMAPX" -v vmcore >out.btf 2>err.btf)
	rc=$?
	[ $rc -eq 0 ] || bad "$c: vmapx without vmlinux exits $rc: $(head -n 3 "$tmp/$c/err.btf")"
	same_file "$c: kdump, types from BTF, equals vmallocinfo.raw" "$d/vmallocinfo.raw" "$tmp/$c/out.btf"
	if grep -q '^types: BTF' "$tmp/$c/err.btf" && grep -q '^symbols: kallsyms' "$tmp/$c/err.btf"; then
		ok "$c: -v names BTF and kallsyms as the sources"
	else
		bad "$c: -v does not name BTF and kallsyms: $(cat "$tmp/$c/err.btf")"
	fi
	"$VMAPX" -p hash "$d/vmcore.kdump" >"$tmp/$c/out.hash" 2>"$tmp/$c/err.hash"
	same_file "$c: --kptr=hash equals vmallocinfo.hashed" "$d/vmallocinfo.hashed" "$tmp/$c/out.hash"
	# -j: the same lines, each an object of the schema's "vmallocinfo" shape
	"$VMAPX" -j -p hash "$d/vmcore.kdump" >"$tmp/$c/out.json" 2>/dev/null
	json_valid "$c: -j --kptr=hash" vmallocinfo "$tmp/$c/out.json"
	jq -r '.[].line' "$tmp/$c/out.json" >"$tmp/$c/out.jsonlines" 2>/dev/null
	same_file "$c: -j --kptr=hash: the lines equal vmallocinfo.hashed" "$d/vmallocinfo.hashed" "$tmp/$c/out.jsonlines"
	"$VMAPX" "$d/vmcore.flat" >"$tmp/$c/out.flat" 2>"$tmp/$c/err.flat"
	same_file "$c: QEMU's flattened kdump as written equals vmallocinfo.raw" "$d/vmallocinfo.raw" "$tmp/$c/out.flat"
	if [ -f "$d/vmcore.elf" ]; then
		"$VMAPX" "$d/vmcore.elf" >"$tmp/$c/out.elf" 2>"$tmp/$c/err.elf"
		same_file "$c: ELF dump equals vmallocinfo.raw" "$d/vmallocinfo.raw" "$tmp/$c/out.elf"
	fi
	if has_vmlinux "$c" "the -k vmlinux (DWARF) comparison"; then
		"$VMAPX" -k "$d/vmlinux" "$d/vmcore.kdump" >"$tmp/$c/out.dwarf" 2>"$tmp/$c/err.dwarf"
		same_file "$c: with -k vmlinux (DWARF) equals vmallocinfo.raw" "$d/vmallocinfo.raw" "$tmp/$c/out.dwarf"
	fi
done
finish

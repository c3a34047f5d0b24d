#!/bin/bash
# --diff: each dump against its own live snapshots has no differences;
# against an edited snapshot it reports exactly the edits.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for c in $(cases); do
	d=$DUMPS/$c
	for form in raw hashed; do
		"$VMAPX" --diff "$d/vmallocinfo.$form" "$d/vmcore.kdump" >"$tmp/out" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			ok "$c: dump vs its own vmallocinfo.$form: no differences"
		else
			bad "$c: dump vs its own vmallocinfo.$form: status $rc"
			head -n 8 "$tmp/out" | sed 's/^/    /'
		fi
	done
	# Remove the first ioremap line, resize the first vmalloc line by a page.
	gone=$(grep -m1 -n ' ioremap' "$d/vmallocinfo.raw" | cut -d: -f1)
	grown=$(grep -m1 -n ' vmalloc' "$d/vmallocinfo.raw" | grep -v pcpu_get_vm_areas | cut -d: -f1)
	[ -n "$gone" ] && [ -n "$grown" ] || { bad "$c: no ioremap or vmalloc line to edit"; continue; }
	# Shrink by one page: the end address and the size (bash is 64-bit).
	line=$(sed -n "${grown}p" "$d/vmallocinfo.raw")
	range=${line%% *}
	rest=${line#"$range"}
	size=$(echo "$rest" | awk '{ print $1 }')
	tail=$(echo "$rest" | sed 's/^ *[0-9]* //')
	end=$(printf '0x%016x' $(( 16#${range#*-0x} - 4096 )))
	edited=$(printf '%s-%s %7d %s' "${range%%-*}" "$end" $((size - 4096)) "$tail")
	awk -v gone="$gone" -v grown="$grown" -v edited="$edited" '
		NR == gone { next }
		NR == grown { print edited; next }
		{ print }' "$d/vmallocinfo.raw" >"$tmp/edited"
	"$VMAPX" --diff -j "$tmp/edited" "$d/vmcore.kdump" >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 1 ] && ok "$c: an edited snapshot differs (status 1)" || bad "$c: edited snapshot: status $rc $(head -n 2 "$tmp/err")"
	json_valid "$c: --diff -j of the edited snapshot" diff "$tmp/out.json"
	"$VMAPX" --diff "$tmp/edited" "$d/vmcore.kdump" >"$tmp/out.txt" 2>&1
	if grep -q '^appeared: 1 areas' "$tmp/out.txt" && grep -q '^changed: 1 areas' "$tmp/out.txt" &&
	   grep -q '^disappeared: 0 areas' "$tmp/out.txt"; then
		ok "$c: exactly the removed line appears and the resized one changed"
	else
		bad "$c: edits not reported exactly"
		head -n 12 "$tmp/out.txt" | sed 's/^/    /'
	fi
done
finish

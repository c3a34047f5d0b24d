#!/bin/bash
# --failures finds the failure each *-fail guest provoked, with the size it
# asked for and the right verdict, and finds none where there was none.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for c in $(cases); do
	d=$DUMPS/$c
	# the bpf cases' failures are t-bpf-exhaust.sh's
	jq -e '.scenario == "bpf"' "$d/meta.json" >/dev/null && continue
	want=$(jq -r '.failing_size // empty' "$d/meta.json")
	"$VMAPX" --failures -j "$d/vmcore.kdump" >"$tmp/failures.json" 2>/dev/null
	rc=$?
	[ $rc -eq 0 ] || { bad "$c: --failures exits $rc"; continue; }
	json_valid "$c: --failures -j" failures "$tmp/failures.json"
	json=$(cat "$tmp/failures.json")
	n=$(jq '.failures | length' <<<"$json")
	if [ -z "$want" ]; then
		[ "$n" -eq 0 ] && ok "$c: no failure reported where the guest provoked none" ||
			bad "$c: $n failures reported where none was provoked"
		continue
	fi
	got=$(jq -r --argjson s "$want" '[.failures[] | select(.size == $s)] | length' <<<"$json")
	if [ "$got" -ge 1 ]; then
		ok "$c: the failure of vmalloc($want) is found in the kernel log"
	else
		bad "$c: no failure of size $want among $n: $(jq -c '[.failures[] | .size]' <<<"$json")"
		continue
	fi
	first='[.failures[] | select(.size == $s)][0]'
	verdict=$(jq -r --argjson s "$want" "$first.verdict" <<<"$json")
	# The guest asked for more than all of RAM: pages, not address space.
	[ "$verdict" = out_of_memory_pages ] && ok "$c: verdict out_of_memory_pages" ||
		bad "$c: verdict '$verdict', want out_of_memory_pages"
	fits=$(jq -r --argjson s "$want" "$first.fits_now" <<<"$json")
	[ "$fits" = true ] && ok "$c: the request would fit in the address space now" ||
		bad "$c: fits_now is $fits for a 1.5 GiB request in a 32 TiB window"
	text=$(jq -r --argjson s "$want" "$first.verdict_text" <<<"$json")
	[ -n "$text" ] && "$VMAPX" --failures "$d/vmcore.kdump" | grep -qxF "  verdict: $text" &&
		ok "$c: the text report gives the same verdict ($text)" ||
		bad "$c: text report lacks the verdict '$text'"
done
finish

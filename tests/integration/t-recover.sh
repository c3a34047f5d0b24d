#!/bin/bash
# Dumps whose page filter (makedumpfile -d) dropped pages vmapx needs:
# every vmcore*.kdump of a case made by kdump (meta.json has "kdump":
# makedumpfile wrote them all) and every other vmcore-*.kdump, plus any
# "DUMP=RAW" pairs in $RECOVER_EXTRA (for a dump made by hand, e.g.
# makedumpfile -c -d 31 on a case's vmcore.elf).
# Per dump, against the vmallocinfo captured at the same instant:
#   identical  lines byte-identical to the capture
#   unknown    lines recovered with fields marked unknown ("[... unknown ...]")
#   missed     captured lines vmapx could not print
#   invented   lines not in the capture: must be 0
# missed must be 0 when no vmap_area was lost (only vm_structs or
# pages[], and no slab left out: not "at least"); exit status must be 0 for a complete text (the
# filter's doing then at most one "note:" line, lists it broke were recovered whole), else 3 with
# the cause said once on stderr.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
compare=tests/integration/recover-compare.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_dump() {
	local dump=$1 raw=$2 name=$3 rc counts identical unknown missed invented lost
	"$VMAPX" "$dump" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	counts=$(python3 "$compare" "$tmp/out" "$raw" 2>"$tmp/invented")
	read -r identical unknown missed invented <<<"$counts"
	echo "    $name: $identical identical, $unknown unknown fields, $missed missed, $invented invented (exit $rc)"
	if [ "$invented" -eq 0 ]; then
		ok "$name: no line that is not in the capture"
	else
		bad "$name: $invented invented lines"
		sed 's/^/    /' "$tmp/invented" | head -n 5
	fi
	if [ "$missed" -eq 0 ] && [ "$unknown" -eq 0 ]; then
		[ "$rc" -eq 0 ] && ok "$name: complete, exit 0" ||
			bad "$name: complete text but exit $rc"
		# lists the filter broke but that were recovered whole: the cause at most once, a note
		if ! grep -q 'skipped' "$tmp/err" && [ "$(grep -c 'page filter' "$tmp/err")" -le 1 ] &&
			! grep 'page filter' "$tmp/err" | grep -qv '^note: '; then
			ok "$name: complete: no skip, the filter's doing at most one note ($(grep -c '^note: ' "$tmp/err") notes)"
		else
			bad "$name: complete text, but a skip or the cause not as one note"
			sed 's/^/    /' "$tmp/err" | head -n 5
		fi
		return
	fi
	[ "$rc" -eq 3 ] && ok "$name: incomplete, exit 3" ||
		bad "$name: incomplete text but exit $rc"
	if [ "$(grep -c 'page filter' "$tmp/err")" -eq 1 ]; then
		ok "$name: the cause is said once"
	else
		bad "$name: the cause is not said exactly once"
		sed 's/^/    /' "$tmp/err" | head -n 5
	fi
	# "holding N vmap_areas", or "at least N (K of M slabs excluded)": more may be lost
	lost=$(sed -n 's/.*holding \(at least \)\{0,1\}\([0-9]*\) vmap_areas\( ([^)]*)\)\{0,1\}, [0-9]* vm_structs.* and \([0-9]*\) list heads.*/\1\2 \4/p' "$tmp/err")
	if [ "${lost:-0 0}" = "0 0" ]; then
		[ "$missed" -eq 0 ] && ok "$name: no vmap_area lost, no line missed" ||
			bad "$name: no vmap_area lost but $missed lines missed"
	fi
}

found=0
for c in $(cases) $(kdump_cases); do
	for dump in "$DUMPS/$c"/vmcore*.kdump; do
		# QEMU's own vmcore.kdump is unfiltered (t-vmallocinfo.sh).
		[ "$(basename "$dump")" = vmcore.kdump ] &&
			! jq -e .kdump "$DUMPS/$c/meta.json" >/dev/null 2>&1 && continue
		found=$((found + 1))
		check_dump "$dump" "$DUMPS/$c/vmallocinfo.raw" "$c/$(basename "$dump")"
	done
done
for pair in ${RECOVER_EXTRA:-}; do
	found=$((found + 1))
	check_dump "${pair%%=*}" "${pair#*=}" "$(basename "${pair%%=*}")"
done
[ "$found" -gt 0 ] || echo "skip t-recover: no filtered dumps (vmcore*.kdump) in $DUMPS"
finish

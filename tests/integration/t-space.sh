#!/bin/bash
# --frag, --gaps, --callers on every real dump: every byte of each window
# is claimed by exactly one structure (or listed as unaccounted with a
# reason), the six byte counts sum to the window, the free tree walked by
# vmapx holds the same extents as free_vmap_area_list, and the other two
# modes run.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_frag() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
for w in d["windows"]:
    size = int(w["end"], 16) - int(w["start"], 16) + 1
    total = sum(w[k] for k in ("busy_bytes", "lazy_bytes", "pooled_bytes",
                               "purging_bytes", "free_bytes", "unaccounted_bytes"))
    if total != size:
        bad.append("%s: six byte counts sum to %d, window is %d" % (w["name"], total, size))
    listed = sum(r["bytes"] for r in w["unaccounted_ranges"])
    if listed != w["unaccounted_bytes"]:
        bad.append("%s: %d unaccounted bytes, ranges list %d" % (w["name"], w["unaccounted_bytes"], listed))
    if any(not r["reason"] for r in w["unaccounted_ranges"]):
        bad.append("%s: an unaccounted range without a reason" % w["name"])
    if w["overlaps"]:
        bad.append("%s: %d overlapping claims" % (w["name"], len(w["overlaps"])))
t = d["free_tree"]
if not (t["walked"] and t["matches_list"] and t["extents"] == t["list_extents"]):
    bad.append("free tree differs from the free list: %s" % t)
if t.get("root_subtree_max_size") != t["largest"]:
    bad.append("root subtree_max_size %s != largest tree extent %d" % (t.get("root_subtree_max_size"), t["largest"]))
print("\n".join(bad))
PY
}

for c in $(cases); do
	d=$DUMPS/$c
	"$VMAPX" --frag -j "$d/vmcore.kdump" >"$tmp/$c.frag" 2>"$tmp/$c.err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		bad "$c: --frag -j exits $rc: $(head -n 2 "$tmp/$c.err")"
		continue
	fi
	json_valid "$c: --frag -j" frag "$tmp/$c.frag"
	problems=$(check_frag "$tmp/$c.frag" 2>&1)
	if [ -z "$problems" ]; then
		ok "$c: --frag: each window's six byte counts sum to its size, unaccounted ranges listed with reasons, no overlaps, free tree = free list"
	else
		bad "$c: --frag: $problems"
	fi
	un=$(python3 -c 'import json,sys; print(sum(w["unaccounted_bytes"] for w in json.load(open(sys.argv[1]))["windows"]))' "$tmp/$c.frag")
	[ "$un" = 0 ] && ok "$c: --frag: unaccounted_bytes 0 in every window" ||
		echo "note $c: $un unaccounted bytes, each listed with its reason"
	for mode in --gaps "--gaps -j" --callers "--callers -j" "--fit 1M" "--fit 1M -j"; do
		# shellcheck disable=SC2086
		"$VMAPX" $mode "$d/vmcore.kdump" >"$tmp/$c.out" 2>"$tmp/$c.err"
		rc=$?
		if [ $rc -eq 0 ] || { [ $rc -eq 3 ] && [ -s "$tmp/$c.err" ]; }; then
			ok "$c: $mode exits $rc$([ $rc -eq 3 ] && echo ' with skips listed')"
		else
			bad "$c: $mode exits $rc: $(head -n 2 "$tmp/$c.err")"
		fi
		case $mode in
		*-j) m=${mode#--}
			json_valid "$c: $mode" "${m%% *}" "$tmp/$c.out" ;;
		esac
	done
	# The gaps' pieces and the busy areas tile each window exactly.
	"$VMAPX" --gaps -j "$d/vmcore.kdump" >"$tmp/$c.gaps" 2>/dev/null
	json_valid "$c: --gaps -j (for the tiling)" gaps "$tmp/$c.gaps"
	sums=$(python3 -c '
import json, sys
g = json.load(open(sys.argv[1])); f = json.load(open(sys.argv[2]))
for gw, fw in zip(g["windows"], f["windows"]):
    pieces = sum(p["bytes"] for h in gw["holes"] for p in h["pieces"])
    if pieces + fw["busy_bytes"] != int(fw["end"], 16) - int(fw["start"], 16) + 1:
        print(gw["name"], pieces, fw["busy_bytes"])' "$tmp/$c.gaps" "$tmp/$c.frag")
	[ -z "$sums" ] && ok "$c: --gaps pieces plus busy bytes tile each window" ||
		bad "$c: --gaps pieces plus busy bytes do not tile: $sums"
done
finish

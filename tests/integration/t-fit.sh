#!/bin/bash
# --fit on every real dump, checked against the free extents of --gaps -j
# (an independent reading of the same space): in each window a request one
# page larger than the largest usable free extent does not fit, with a
# reason (or fits only after the kernel's purge-and-retry, in free plus
# lazy/pooled space); a small request (default alignment, and 64 KiB aligned) gets an
# address that lies in a free extent, is aligned, ends before vend, and is
# the lowest such address: exactly when the kernel's search is not padded
# (search_length = size), and no higher than the lowest extent that holds
# the padded length when it is (the descent may stop earlier, never later).
# Pool answers (6.9+) must be pooled areas of exactly the size.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_fit() {	# FIT_JSON GAPS_JSON WHAT
	python3 - "$1" "$2" "$3" <<'PY'
import json, sys
fit = json.load(open(sys.argv[1])); gaps = json.load(open(sys.argv[2])); what = sys.argv[3]
bad = []
def up(x, a): return (x + a - 1) // a * a if a > 1 else x
for fw, gw in zip(fit["windows"], gaps["windows"]):
    f = fw["fit"]; name = fw["name"]
    size, align = f["size_with_guard"], f["align"]
    vstart, vend = int(f["vstart"], 16), int(f["vend"], 16)
    # Free pieces merged into extents ([start, end) within the window).
    ext, pooled, reclaimable = [], [], []
    for h in gw["holes"]:
        for p in h["pieces"]:
            s, e = int(p["start"], 16), int(p["end"], 16) + 1
            if p["state"] == "pooled":
                pooled.append((s, e))
            if p["state"] in ("free", "lazy", "purging", "pooled"):
                if reclaimable and reclaimable[-1][1] == s:
                    reclaimable[-1] = (reclaimable[-1][0], e)
                else:
                    reclaimable.append((s, e))
            if p["state"] != "free":
                continue
            if ext and ext[-1][1] == s:
                ext[-1] = (ext[-1][0], e)
            else:
                ext.append((s, e))
    ext.sort()
    def cand(minsize):
        for s, e in ext:
            lo = max(s, vstart)
            a = up(lo, align)
            if e - lo >= minsize and a + size <= e and a + size <= vend:
                return a
        return None
    if what.startswith("big"):
        if what != "big:" + name:
            continue
        if f["fits"] and f["after_purge"]:
            # Room only once the purge merged lazy (and pooled) areas back.
            at = int(f["after_purge_at"], 16)
            if not any(s <= at and at + size <= e for s, e in reclaimable):
                bad.append("%s: after the purge at 0x%x, not in free+lazy+pooled space" % (name, at))
        elif f["fits"] and not f["pools"]:
            bad.append("%s: %d bytes fit at %s, larger than every free extent" % (name, size, f.get("at")))
        elif not f["fits"] and (f["verdict"] not in ("fragmentation", "exhaustion") or not f.get("why")):
            bad.append("%s: no verdict or reason: %s" % (name, f))
        continue
    low = cand(size)
    if not f["tree_fits"]:
        if low is not None:
            bad.append("%s: tree says no (%s), but 0x%x holds %d bytes" % (name, f.get("why"), low, size))
        continue
    at = int(f["tree_at"], 16)
    if at % align:
        bad.append("%s: 0x%x not aligned to %d" % (name, at, align))
    if not any(s <= at and at + size <= e for s, e in ext):
        bad.append("%s: 0x%x+%d not inside one free extent of --gaps" % (name, at, size))
    if at < vstart or at + size > vend:
        bad.append("%s: 0x%x outside [vstart, vend]" % (name, at))
    if f["search_length"] == size and at != low:
        bad.append("%s: unpadded search gave 0x%x, the lowest fit is 0x%x" % (name, at, low))
    high = cand(f["search_length"])
    if low is not None and at < low or high is not None and at > high:
        bad.append("%s: 0x%x outside [lowest fit 0x%x, lowest padded fit %s]" % (name, at, low, high and hex(high)))
    for p in f["pools"]:
        pa = int(p["at"], 16)
        if (pa, pa + size) not in pooled:
            bad.append("%s: pool of node %d hands out 0x%x, not a pooled area of %d bytes" % (name, p["node"], pa, size))
print("\n".join(bad))
PY
}

for c in $(cases); do
	d=$DUMPS/$c
	if ! "$VMAPX" --gaps -j "$d/vmcore.kdump" >"$tmp/gaps" 2>"$tmp/err" && [ $? -ne 3 ]; then
		bad "$c: --gaps -j fails: $(head -n 1 "$tmp/err")"
		continue
	fi
	"$VMAPX" --frag -j "$d/vmcore.kdump" >"$tmp/frag" 2>/dev/null
	json_valid "$c: --gaps -j" gaps "$tmp/gaps"
	json_valid "$c: --frag -j" frag "$tmp/frag"
	rm -f "$tmp"/fit.*
	n=0
	# One page more than a window's largest usable extent does not fit it.
	reqs=$(python3 -c 'import json,sys
for w in json.load(open(sys.argv[1]))["windows"]: print(w["largest_free"] + 4096, "big:" + w["name"])' "$tmp/frag")
	reqs=$(printf '%s\n8K small\n8K@64K small\n200K small\n' "$reqs")
	while read -r req kind; do
		set -- "$req" "$kind"
		"$VMAPX" --fit "$1" -j "$d/vmcore.kdump" >"$tmp/fit" 2>"$tmp/err"
		rc=$?
		if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
			bad "$c: --fit $1 -j exits $rc: $(head -n 1 "$tmp/err")"
			continue
		fi
		n=$((n + 1))
		cp "$tmp/fit" "$tmp/fit.$n"
		problems=$(check_fit "$tmp/fit" "$tmp/gaps" "$2" 2>&1)
		if [ -z "$problems" ]; then
			if [ "${2%%:*}" = big ]; then
				ok "$c: --fit $1 (one page over the ${2#big:} window's largest free extent) does not fit it, with a verdict and the search's reason"
			else
				ok "$c: --fit $1: in a free extent of --gaps, aligned, before vend, the lowest fit the kernel's search can return"
			fi
		else
			bad "$c: --fit $1: $problems"
		fi
	done <<<"$reqs"
	json_valid "$c: the $n --fit -j documents" fit "$tmp"/fit.*
done
# A size near 2^64 is refused at parse (it wrapped to a page that "fits");
# the largest taken, 2^57, is larger than any window: never fits.
c=$(cases | head -n 1)
"$VMAPX" --fit=18446744073709551615 "$DUMPS/$c/vmcore.kdump" >"$tmp/fit" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q -- "--fit: size '18446744073709551615' larger than the address space" "$tmp/err" &&
   [ ! -s "$tmp/fit" ]; then
	ok "$c: --fit 2^64-1 is a usage error naming --fit"
else
	bad "$c: --fit 2^64-1 exits $rc: $(head -n 1 "$tmp/err") $(grep -m1 fits "$tmp/fit")"
fi
"$VMAPX" --fit=131072T "$DUMPS/$c/vmcore.kdump" >"$tmp/fit" 2>/dev/null
n=$(grep -c -- '--fit .*does not fit: exhaustion: larger than the window' "$tmp/fit")
if [ "$n" -ge 2 ] && ! grep -q 'fits at' "$tmp/fit"; then
	ok "$c: --fit 128P is larger than each of the $n windows: never fits"
else
	bad "$c: --fit 128P: $(grep -m2 -- '--fit' "$tmp/fit")"
fi
exit $((failures > 0))

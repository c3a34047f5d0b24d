#!/bin/bash
# doc/vmapx.schema.json holds every -j document of every mode, and holds them tightly: on one
# dump of each kernel generation (5.10, 6.1, 6.12, 7.x; a kdump case for the skip report),
# every mode's document (--owners, --addr and --pfn included) is valid for its mode, and renaming any one member of any object in
# it makes it invalid (json-check.py --strict), so a printer that renames, adds or drops a
# key fails here and in every script that runs json_valid.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: "${VX_JSON_PY:=$(json_python)}"
[ -n "$VX_JSON_PY" ] || { json_valid "schema" vmallocinfo /dev/null; finish; exit; }

# strict WHAT FILE: no object of FILE accepts a renamed member
strict() {
	local out
	if out=$("$VX_JSON_PY" "$VX_TESTS/json-check.py" "$VX_SCHEMA" --strict "$2" 2>&1); then
		ok "$1: every object is closed (a renamed member is rejected)"
	else
		bad "$1: $out"
	fi
}

# one case per kernel generation: the first of each release prefix
picked=$(for c in $(cases); do
	rel=$(jq -r .release "$DUMPS/$c/meta.json" 2>/dev/null)
	echo "${rel%%.*}.$(echo "$rel" | cut -d. -f2) $c"
done | sort -u -k1,1 | awk '{ print $2 }')
for c in $picked; do
	d=$DUMPS/$c
	rel_of_c=$(jq -r .release "$d/meta.json")
	f=$tmp/$c
	"$VMAPX" -j "$d/vmcore.kdump" >"$f.vmallocinfo" 2>/dev/null
	"$VMAPX" --gaps -j "$d/vmcore.kdump" >"$f.gaps" 2>/dev/null
	"$VMAPX" --frag -j "$d/vmcore.kdump" >"$f.frag" 2>/dev/null
	"$VMAPX" --fit 64M --frag -j "$d/vmcore.kdump" >"$f.fit" 2>/dev/null
	"$VMAPX" --callers -j "$d/vmcore.kdump" >"$f.callers" 2>/dev/null
	"$VMAPX" --failures -j "$d/vmcore.kdump" >"$f.failures" 2>/dev/null
	"$VMAPX" --parse -j "$d/vmallocinfo.hashed" >"$f.parse" 2>/dev/null
	# a diff with all three kinds of entries against the dump: OLD lacks its second line
	# (appeared), has its third a page shorter (changed) and an area 1 GiB above it (disappeared)
	line=$(sed -n 3p "$d/vmallocinfo.raw")
	range=${line%% *}
	rest=${line#"$range"}
	size=$(echo "$rest" | awk '{ print $1 }')
	tail=$(echo "$rest" | sed 's/^ *[0-9]* //')
	start=${range%%-*}
	end=$((16#${range#*-0x}))
	{
		sed -n 1p "$d/vmallocinfo.raw"
		printf '%s-0x%016x %7d %s\n' "$start" $((end - 4096)) $((size - 4096)) "$tail"
		printf '0x%016x-0x%016x %7d %s\n' $((16#${start#0x} + (1 << 30))) \
			$((16#${start#0x} + (1 << 30) + 8192)) 8192 "leaky_alloc+0x1c/0x80 [leaky] pages=1 vmalloc"
		sed -n '4,$p' "$d/vmallocinfo.raw"
	} >"$f.edited"
	"$VMAPX" --diff --all -j "$f.edited" "$d/vmcore.kdump" >"$f.diff" 2>/dev/null
	"$VMAPX" -j "$f.nosuch" >"$f.error" 2>/dev/null
	"$VMAPX" -j "$d/vmallocinfo.raw" >"$f.error2" 2>/dev/null
	"$VMAPX" --owners -j "$d/vmcore.kdump" >"$f.owners" 2>/dev/null
	# two dumps: growth_by_owner, with entries when another case of the release exists
	other=$(for x in $(cases); do
		[ "$x" != "$c" ] && [ "$(jq -r .release "$DUMPS/$x/meta.json")" = "$rel_of_c" ] && echo "$x"
	done | head -n 1)
	"$VMAPX" --diff -j "$DUMPS/${other:-$c}/vmcore.kdump" "$d/vmcore.kdump" >"$f.diff2" 2>/dev/null
	# --addr: inside the third line's area, in its last page (its guard, if it has one), in the first hole of
	# --gaps, and 1 TiB below the area (outside the windows); --pfn: the first one's page
	hole=$(jq -r '[.windows[].holes[]][0].start // empty' "$f.gaps" 2>/dev/null)
	printf -v addrs '%x,%x,%s,%x' $((16#${start#0x} + 16)) $((end - 16)) "${hole#0x}" \
		$((16#${start#0x} - (1 << 40)))
	"$VMAPX" --addr "${addrs//,,/,}" -j "$d/vmcore.kdump" >"$f.addr" 2>/dev/null
	pfn=$(jq -r '.addresses[0].page.pfn // empty' "$f.addr" 2>/dev/null)
	"$VMAPX" --pfn "${pfn:-1},1" -j "$d/vmcore.kdump" >"$f.pfn" 2>/dev/null
	wheres=$(jq -r '[.addresses[].where] | join(" ")' "$f.addr" 2>/dev/null)
	[[ $wheres == *area* && $wheres == *hole* && $wheres == *outside* ]] &&
		ok "$c: the --addr document has answers in an area, a hole and outside ($wheres)" ||
		bad "$c: the --addr document lacks a kind of answer ($wheres): the check saw less of the schema"
	for m in vmallocinfo gaps frag fit callers failures parse diff owners addr pfn error; do
		json_valid "$c: $m" "$m" "$f.$m"
		strict "$c: $m" "$f.$m"
	done
	json_valid "$c: -j on a file that is not a dump" error "$f.error2"
	json_valid "$c: --diff of two dumps (${other:-$c} and $c)" diff "$f.diff2"
	strict "$c: diff of two dumps" "$f.diff2"
	n=$(jq '[.appeared, .disappeared, .changed] | map(length) | join(" ")' "$f.diff" 2>/dev/null)
	[[ $n == '"'[1-9]*' '[1-9]*' '[1-9]*'"' ]] && ok "$c: the --diff document has entries of every kind ($n)" ||
		bad "$c: the --diff document lacks a kind of entry ($n): the check above saw less of the schema"
done

# the skip report: a kdump case whose filter cost areas (exit 3)
for c in $(kdump_cases); do
	"$VMAPX" -j -v "$DUMPS/$c/vmcore.kdump" >"$tmp/k.json" 2>"$tmp/k.err"
	[ $? -eq 3 ] || continue
	tail -n 1 "$tmp/k.err" >"$tmp/k.report"
	json_valid "$c: -j -v: the skips and notes on stderr's last line" report "$tmp/k.report"
	strict "$c: report" "$tmp/k.report"
	break
done
finish

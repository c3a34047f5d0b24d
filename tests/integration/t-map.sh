#!/bin/bash
# --map on every dump of dumps/: each window's SVG parses as XML, renders with rsvg-convert to a
# PNG whose grid is not blank, and the pixels of each colour in the grid are the bytes --frag -j
# gives that state (map-check.py says what is measured: exactly, at a page a cell); every
# vmallocinfo line of the window is an area's <title>; the largest free extent is the one
# marked.  Then the terminal map: plain without a terminal or with NO_COLOR, coloured on one.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for tool in rsvg-convert xmllint; do
	command -v $tool >/dev/null && continue
	[ "${CI:-}" = true ] && bad "no $tool (tests/deps.sh installs it)" || echo "skip: no $tool (tests/deps.sh)"
	finish
	exit
done
: "${VX_MAP_PY:=$(command -v python3)}"

for c in $(cases) $(kdump_cases); do
	d=$DUMPS/$c
	lines=$d/vmallocinfo.raw
	is_kdump_case "$c" && lines=	# a filtered dump need not print every line
	"$VMAPX" --frag -j "$d/vmcore.kdump" >"$tmp/$c.frag" 2>/dev/null
	"$VMAPX" --map "$tmp/$c.svg" "$d/vmcore.kdump" >"$tmp/$c.out" 2>"$tmp/$c.err"
	rc=$?
	if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
		bad "$c: --map exits $rc: $(head -n 2 "$tmp/$c.err")"
		continue
	fi
	for w in vmalloc modules; do
		svg=$tmp/$c-$w.svg
		[ -s "$svg" ] || { bad "$c: --map wrote no $w window ($(cat "$tmp/$c.out"))"; continue; }
		xmllint --noout "$svg" 2>"$tmp/xml.err" || { bad "$c: $w: not XML: $(head -n 2 "$tmp/xml.err")"; continue; }
		rsvg-convert -o "$tmp/$c-$w.png" "$svg" 2>"$tmp/rsvg.err" ||
			{ bad "$c: $w: rsvg-convert fails: $(head -n 2 "$tmp/rsvg.err")"; continue; }
		if out=$("$VX_MAP_PY" "$VX_TESTS/map-check.py" "$svg" "$tmp/$c-$w.png" "$tmp/$c.frag" $lines 2>&1); then
			ok "$c: --map $w: XML, rendered, colours = --frag bytes: $out"
		else
			bad "$c: --map $w: $out"
		fi
	done
	rm -f "$tmp/$c"-*.svg "$tmp/$c"-*.png
done

# The check can fail: one busy rect a cell short must be seen.
c=$(cases | head -n 1)
d=$DUMPS/$c
"$VMAPX" --map "$tmp/m.svg" "$d/vmcore.kdump" >/dev/null 2>&1
"$VMAPX" --frag -j "$d/vmcore.kdump" >"$tmp/m.frag" 2>/dev/null
awk '!done && /data-state="busy"/ { n = split($0, a, "width=\""); split(a[2], b, "\"");
	sub("width=\"" b[1] "\"", "width=\"" (b[1] - 1) "\""); done = 1 } { print }' \
	"$tmp/m-modules.svg" >"$tmp/short.svg"
rsvg-convert -o "$tmp/short.png" "$tmp/short.svg"
if cmp -s "$tmp/m-modules.svg" "$tmp/short.svg"; then
	bad "$c: could not shorten a rect to test the check"
elif out=$("$VX_MAP_PY" "$VX_TESTS/map-check.py" "$tmp/short.svg" "$tmp/short.png" "$tmp/m.frag" 2>&1); then
	bad "$c: map-check.py accepts a busy area drawn a pixel short: $out"
else
	ok "$c: map-check.py sees a busy area drawn a pixel short ($out)"
fi

# The terminal map: plain characters unless on a terminal without NO_COLOR.
"$VMAPX" --map "$d/vmcore.kdump" >"$tmp/plain" 2>/dev/null
if grep -q $'\e' "$tmp/plain"; then
	bad "$c: --map into a pipe has escape sequences"
elif grep -q '^vmalloc window ' "$tmp/plain" && grep -q '^modules window ' "$tmp/plain" &&
	grep -qE '^0x[0-9a-f]{16} [SMBIPVvR?lpo.!~#]+$' "$tmp/plain"; then
	ok "$c: --map into a pipe: both windows, plain characters ($(grep -c '^0x' "$tmp/plain") rows)"
else
	bad "$c: --map into a pipe: $(head -n 3 "$tmp/plain")"
fi
if command -v script >/dev/null; then
	script -qec "'$VMAPX' --map '$d/vmcore.kdump'" /dev/null >"$tmp/tty" 2>&1
	NO_COLOR=1 script -qec "'$VMAPX' --map '$d/vmcore.kdump'" /dev/null >"$tmp/nocolor" 2>&1
	grep -q $'\e\[48;2;' "$tmp/tty" && ok "$c: --map on a terminal is coloured" ||
		bad "$c: --map on a terminal has no colour: $(head -c 200 "$tmp/tty")"
	grep -q $'\e' "$tmp/nocolor" && bad "$c: NO_COLOR=1 --map on a terminal is coloured" ||
		ok "$c: NO_COLOR=1 --map on a terminal is plain"
fi
"$VMAPX" --map -j "$d/vmcore.kdump" >"$tmp/out" 2>/dev/null
rc=$?
[ $rc -eq 2 ] && grep -q -- '--map' "$tmp/out" && ok "--map -j is refused (exit 2: $(head -n 1 "$tmp/out"))" ||
	bad "--map -j: exit $rc: $(head -n 1 "$tmp/out")"
json_valid "--map -j: the refusal" error "$tmp/out"
finish

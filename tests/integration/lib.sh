# Shared by the integration scripts: case discovery and result lines.
# shellcheck shell=bash
: "${VMAPX:=$PWD/build/vmapx}" "${DUMPS:=$PWD/dumps/out}"
failures=0

ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

# kdump cases (meta.json "scenario": "kdump") are written by makedumpfile -d 31 in a capture
# kernel: a makedumpfile older than the kernel may filter out pages vmapx needs, so they are not
# "identical to vmallocinfo.raw" by construction. t-kdump.sh tests them; the other scripts get the
# dumps that hold all of memory.
is_kdump_case() { grep -q '"scenario": "kdump"' "$DUMPS/$1/meta.json" 2>/dev/null; }

# Case directories that hold a complete dump of all of memory.
cases() {
	local d c
	for d in "$DUMPS"/*/; do
		c=$(basename "$d")
		[ -f "$d/vmcore.kdump" ] && [ -f "$d/vmallocinfo.raw" ] && [ -f "$d/meta.json" ] || continue
		is_kdump_case "$c" || echo "$c"
	done
}

# Complete kdump cases (meta.json is written last).
kdump_cases() {
	local d c
	for d in "$DUMPS"/*/; do
		c=$(basename "$d")
		[ -f "$d/vmallocinfo.raw" ] && is_kdump_case "$c" && echo "$c"
	done
}

# No dumps: fine outside CI (say why), a failure in CI.
require_cases() {
	if [ -z "$(cases)" ]; then
		if [ "${CI:-}" = true ]; then
			bad "no dumps in $DUMPS (make dumps failed?)"
			exit 1
		fi
		echo "skip: no dumps in $DUMPS (run make dumps)"
		exit 0
	fi
}

# same_file WHAT EXPECTED ACTUAL: byte-identical, or show the first differences.
same_file() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		bad "$1"
		diff "$2" "$3" | head -n 12 | sed 's/^/    /'
	fi
}

finish() { [ "$failures" -eq 0 ]; }

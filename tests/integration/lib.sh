# Shared by the integration scripts: case discovery and result lines.
# shellcheck shell=bash
: "${VMAPX:=$PWD/build/vmapx}" "${DUMPS:=$PWD/dumps/out}"
failures=0

ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

# Case directories that hold a complete dump.
cases() {
	local d
	for d in "$DUMPS"/*/; do
		[ -f "$d/vmcore.kdump" ] && [ -f "$d/vmallocinfo.raw" ] && basename "$d"
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

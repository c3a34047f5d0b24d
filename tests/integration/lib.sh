# Shared by the integration scripts: case discovery and result lines.
# shellcheck shell=bash
: "${VMAPX:=$PWD/build/vmapx}" "${DUMPS:=$PWD/dumps/out}"
failures=0

ok() { echo "ok $*"; }
bad() { echo "FAIL $*"; failures=$((failures + 1)); }

# kdump cases (meta.json "scenario": "kdump", or "oops": the same path, panicked by a real oops)
# are written by makedumpfile -d 31 in a capture kernel: a makedumpfile older than the kernel may
# filter out pages vmapx needs, so they are not "identical to vmallocinfo.raw" by construction.
# t-kdump.sh tests them; the other scripts get the dumps that hold all of memory.
is_kdump_case() { grep -qE '"scenario": "(kdump|oops)"' "$DUMPS/$1/meta.json" 2>/dev/null; }

# Complete oops cases: kdump cases whose panic was voops' write past its buffer (dumps/guest/voops.c).
oops_cases() {
	local d c
	for d in "$DUMPS"/*/; do
		c=$(basename "$d")
		grep -q '"scenario": "oops"' "$d/meta.json" 2>/dev/null && echo "$c"
	done
}

# Case directories that hold a complete dump of all of memory.
cases() {
	local d c
	for d in "$DUMPS"/*/; do
		case $d in *.tmp/) continue ;; esac	# mkdump at work
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

# has_vmlinux CASE WHAT: the case has the vmlinux WHAT needs; if not (the build has no -dbg in
# the archive: meta.json "vmlinux": false), say so and why, and let the caller skip the case.
has_vmlinux() {
	[ -e "$DUMPS/$1/vmlinux" ] && return 0
	echo "skip $1: $2 needs a vmlinux: $(jq -r '.no_vmlinux_reason // "the case has none"' \
		"$DUMPS/$1/meta.json" 2>/dev/null)"
	return 1
}

# No dumps: fine outside CI (say why), a failure in CI.
#   require_cases [LISTER [WHAT]]: LISTER (default cases) prints the case names, WHAT names them.
require_cases() {
	local lister=${1:-cases} what=${2:-dumps}
	if [ -z "$("$lister")" ]; then
		if [ "${CI:-}" = true ]; then
			bad "no $what in $DUMPS (make dumps failed?)"
			exit 1
		fi
		echo "skip: no $what in $DUMPS (run make dumps)"
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

# Every JSON document a test makes vmapx print goes through json_valid: it must match
# doc/vmapx.schema.json as a whole and the $defs entry of its mode, so a printer whose shape
# changes without the schema fails the suite (tests/integration/json-check.py, python3-jsonschema).
#   json_valid WHAT MODE FILE...   MODE: vmallocinfo gaps frag fit callers failures diff parse owners addr pfn error report
VX_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${VX_SCHEMA:=$VX_TESTS/../../doc/vmapx.schema.json}"
json_python() {
	local py
	for py in python3 /usr/bin/python3; do
		"$py" -c 'import jsonschema' 2>/dev/null && { echo "$py"; return 0; }
	done
	return 1
}
json_valid() {
	local what=$1 mode=$2 out
	shift 2
	: "${VX_JSON_PY:=$(json_python)}"
	if [ -z "$VX_JSON_PY" ]; then
		[ "${CI:-}" = true ] && bad "$what: no python3-jsonschema to check the JSON (tests/deps.sh)" ||
			echo "skip $what: JSON schema check needs python3-jsonschema (tests/deps.sh)"
		return 0
	fi
	if out=$("$VX_JSON_PY" "$VX_TESTS/json-check.py" "$VX_SCHEMA" "$mode" "$@" 2>&1); then
		ok "$what: valid '$mode' JSON (doc/vmapx.schema.json)"
	else
		bad "$what: $(printf '%s\n' "$out" | head -n 3)"
	fi
}

finish() { [ "$failures" -eq 0 ]; }

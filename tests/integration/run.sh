#!/bin/bash
# Runs every tests/integration/t-*.sh against dumps/out; each prints
# "ok <what it proves>" or "FAIL <what>" lines.  A closing count line
# sums them.  With CI=true a script that finds no dumps fails.
set -u
cd "$(dirname "$0")/../.."
export VMAPX=${VMAPX:-$PWD/build/vmapx}
export DUMPS=${DUMPS:-$PWD/dumps/out}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
status=0
for t in tests/integration/t-*.sh; do
	name=$(basename "$t" .sh)
	echo "== $name"
	if ! bash "$t" 2>&1 | tee "$log/$name.out"; then
		status=1
	fi
	[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
pass=$(cat "$log"/*.out | grep -c '^ok ' || true)
fail=$(cat "$log"/*.out | grep -c '^FAIL ' || true)
gaps=$(cat "$log"/*.out | grep -c '^gap ' || true)
echo
echo "integration: $pass passed, $fail failed$([ "$gaps" -gt 0 ] && echo ", $gaps known gaps (t-kdump.sh, kdump-gaps)")"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]

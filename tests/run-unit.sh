#!/bin/bash
# Runs every cmocka unit test binary given; prints a closing count line.
set -u
pass=0 fail=0 failed=()
for t in "$@"; do
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed+=("$(basename "$t")")
	fi
done
echo
[ "$fail" -eq 0 ] || echo "failed unit test programs: ${failed[*]}"
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

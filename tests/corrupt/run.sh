#!/bin/sh
# The corruption suite: vmapx (ASan + UBSan build) on the real dumps of
# dumps/ with deterministic mutations.  Run from the repository root
# (make check, make corrupt, make corrupt-long).
#
#   tests/corrupt/run.sh [ci|long]
#
# 1. build/asan/corrupt on each case's vmcore.kdump (CORRUPT_JOBS at a
#    time, default 2): the kernel objects vmapx reads, mutated through an
#    overlay target, one fork per mutation
#    (CORRUPT_MUTATIONS in all: 2,000 in ci, 20,000 in long; cases with
#    more than 5,000 areas get a tenth of a small case's share);
# 2. tests/corrupt/filemut.py: truncations and header rewrites of the
#    files (ci: the first case's kdump, flattened and ELF dumps, the ELF
#    truncated only; long: every case's kdump and flattened dump, and the
#    first case's ELF rewritten too).
# Logs: build/corrupt/.  Exit 1 if any mutation broke a rule.
set -eu

MODE=${1:-ci}
DUMPS=${DUMPS:-dumps/out}
OUT=build/corrupt
case $MODE in
ci) total=${CORRUPT_MUTATIONS:-2000} ;;
long) total=${CORRUPT_MUTATIONS:-20000} ;;
*) echo "corrupt: unknown mode '$MODE' (ci, long)" >&2; exit 2 ;;
esac
for b in build/asan/corrupt build/asan/vmapx; do
	[ -x "$b" ] || { echo "corrupt: $b missing (make $b)" >&2; exit 2; }
done

cases=
weights=0
for meta in "$DUMPS"/*/meta.json; do
	[ -f "$meta" ] || continue
	d=$(dirname "$meta")
	[ -f "$d/vmcore.kdump" ] || continue
	lines=$(jq -r '.lines_raw // 0' "$meta")
	w=10
	[ "$lines" -gt 5000 ] && w=1
	cases="$cases $(basename "$d"):$w"
	weights=$((weights + w))
done
if [ -z "$cases" ]; then
	echo "corrupt: skip: no dumps in $DUMPS (make dumps)"
	exit 0
fi
mkdir -p "$OUT"
start=$(date +%s)
failed=0
done_total=0
# One helper per case, CORRUPT_JOBS at a time (default 2: CI has 2 cores).
jobs=${CORRUPT_JOBS:-2}
running=0
seed=0
for cw in $cases; do
	c=${cw%:*}
	w=${cw#*:}
	seed=$((seed + 1))
	n=$(((total * w + weights - 1) / weights))
	echo "$n" >"$OUT/$c.n"
	(
		rc=0
		ASAN_OPTIONS=detect_leaks=0 build/asan/corrupt -n "$n" -s "$seed" \
			-l "$OUT/$c.log" "$DUMPS/$c/vmcore.kdump" >"$OUT/$c.out" 2>&1 || rc=$?
		echo "$rc" >"$OUT/$c.rc"
	) &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
for cw in $cases; do
	c=${cw%:*}
	grep -v '^corrupt:   ' "$OUT/$c.out" | sed "s|$DUMPS/||" || true
	case $(cat "$OUT/$c.rc") in
	0) done_total=$((done_total + $(cat "$OUT/$c.n"))) ;;
	1) done_total=$((done_total + $(cat "$OUT/$c.n"))); failed=1 ;;
	*) echo "corrupt: $c: skipped (the clean dump does not open with this vmapx; see $OUT/$c.out)" ;;
	esac
done

# Cases that do not open gave up their share: the first good one makes
# up for it, with another seed, so every run does at least $total.
good=
for cw in $cases; do
	c=${cw%:*}
	case $(cat "$OUT/$c.rc") in 0|1) good=${good:-$c} ;; esac
done
if [ -n "$good" ] && [ "$done_total" -lt "$total" ]; then
	n=$((total - done_total))
	rc=0
	ASAN_OPTIONS=detect_leaks=0 build/asan/corrupt -n "$n" -s 1000 \
		-l "$OUT/$good.extra.log" "$DUMPS/$good/vmcore.kdump" \
		>"$OUT/$good.extra.out" 2>&1 || rc=$?
	grep -v '^corrupt:   ' "$OUT/$good.extra.out" | sed "s|$DUMPS/||" || true
	case $rc in
	0) done_total=$((done_total + n)) ;;
	*) done_total=$((done_total + n)); failed=1 ;;
	esac
fi

first=${good:-$(echo "$cases" | awk '{ sub(/:.*/, "", $1); print $1 }')}
files=
long=
if [ "$MODE" = long ]; then
	long=--long
	for cw in $cases; do
		c=${cw%:*}
		files="$files $DUMPS/$c/vmcore.kdump"
		[ -f "$DUMPS/$c/vmcore.flat" ] && files="$files $DUMPS/$c/vmcore.flat"
	done
else
	files="$DUMPS/$first/vmcore.kdump"
	[ -f "$DUMPS/$first/vmcore.flat" ] && files="$files $DUMPS/$first/vmcore.flat"
fi
[ -f "$DUMPS/$first/vmcore.elf" ] && files="$files $DUMPS/$first/vmcore.elf"
# Huge header sizes make libkdumpfile malloc() what they say: with ASan's
# default that aborts, where a real malloc returns NULL (an error).
ASAN_OPTIONS=allocator_may_return_null=1
# LSan's summary of the suppressions it used is not vmapx's error: without
# print_suppressions=0 it follows the one error line (the long run counted
# 23 such "two-line errors", every one a libkdumpfile leak suppressed).
LSAN_OPTIONS=suppressions=$PWD/tests/corrupt/lsan.supp:print_suppressions=0
export ASAN_OPTIONS LSAN_OPTIONS
# shellcheck disable=SC2086
python3 tests/corrupt/filemut.py $long build/asan/vmapx "$OUT/work" $files \
	>"$OUT/filemut.out" 2>&1 || failed=1
cat "$OUT/filemut.out"
fm=$(sed -n 's/^filemut: \([0-9]*\) file mutations.*/\1/p' "$OUT/filemut.out")
echo "corrupt: $done_total overlay mutations + ${fm:-0} file mutations in $(($(date +%s) - start)) s$( [ $failed = 0 ] && echo ', no rule broken' || echo ', FAILURES above')"
exit $failed

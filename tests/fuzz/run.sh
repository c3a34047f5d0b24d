#!/bin/sh
# libFuzzer with ASan and UBSan on every parser of untrusted bytes (one
# harness per tests/fuzz/fuzz_*.c).  Run from the repository root (make
# fuzz and make check do).
#
#   tests/fuzz/run.sh                   replay every corpus, then each harness
#                                       for FUZZ_CI_SECONDS (default 15; CI)
#   tests/fuzz/run.sh replay            the corpora only
#   tests/fuzz/run.sh short [SECONDS]   each harness SECONDS (default 60)
#   tests/fuzz/run.sh long N            each harness exactly N executions
#   tests/fuzz/run.sh HARNESS [MODE..]  one harness (vmparse, walker, ...)
#
# FUZZ_TIMEOUT (seconds, default 30): one input running longer is a hang.
# Raise it for long runs on a loaded machine: a nice'd fuzzer starved of CPU
# was seen to pass 30 s inside ASan's quarantine on inputs that replay in
# milliseconds (replay the artifact alone before believing a timeout).
#
# Corpora: tests/fuzz/corpus/HARNESS/ (committed, small), build/fuzz/seeds/
# HARNESS/ (cut from dumps/out by tests/fuzz/seed.sh) and build/fuzz/work/
# HARNESS/ (what the fuzzer adds).  Crashes go to build/fuzz/artifacts/,
# one line per run to build/fuzz/stats.txt (executions, cov, ft).
# Harnesses run one after the other: one fuzzer process at a time.
set -eu

OUT=build/fuzz
DUMPS=${DUMPS:-dumps/out}

die() {
	echo "fuzz: $*" >&2
	exit 2
}

all_harnesses() {
	for f in tests/fuzz/fuzz_*.c; do
		h=${f#tests/fuzz/fuzz_}
		echo "${h%.c}"
	done
}

# Inputs larger than the default 16 KiB: a BTF blob, an image to scan.
max_len() {
	case $1 in
	btf|kallsyms_scan) echo 8388608 ;;
	elfsyms|flat|dumpopen|kcore) echo 65536 ;;
	*) echo 16384 ;;
	esac
}

build() {
	command -v "${CLANG:-clang}" >/dev/null ||
		die "clang not found (apt-get install clang libclang-rt-14-dev)"
	# shellcheck disable=SC2046
	${MAKE:-make} -s $(for h in "$@"; do echo "$OUT/fuzz_$h"; done) \
		"build/asan/seed" >/dev/null ||
		die "could not build the harnesses (is libclang-rt-14-dev installed?)"
}

corpora() {
	for d in "tests/fuzz/corpus/$1" "$OUT/seeds/$1"; do
		[ -d "$d" ] && echo "$d"
	done
	return 0
}

dict() {
	[ -f "tests/fuzz/$1.dict" ] && echo "-dict=tests/fuzz/$1.dict"
	return 0
}

replay() {
	h=$1
	n=0
	for d in $(corpora "$h"); do
		n=$((n + $(find "$d" -type f | wc -l)))
	done
	echo "fuzz: $h: replaying $n inputs"
	# shellcheck disable=SC2046
	"$OUT/fuzz_$h" -runs=0 -rss_limit_mb=4096 $(corpora "$h") \
		>"$OUT/log/$h.replay" 2>&1 || {
		tail -n 30 "$OUT/log/$h.replay" >&2
		die "$h: an input of the corpus fails (log: $OUT/log/$h.replay)"
	}
}

fuzz() {
	h=$1
	shift
	mkdir -p "$OUT/work/$h"
	# shellcheck disable=SC2046
	if ! "$OUT/fuzz_$h" $(dict "$h") -max_len="$(max_len "$h")" \
		-timeout="${FUZZ_TIMEOUT:-30}" -rss_limit_mb=4096 \
		-artifact_prefix="$OUT/artifacts/$h-" -print_final_stats=1 \
		"$@" "$OUT/work/$h" $(corpora "$h") >"$OUT/log/$h.fuzz" 2>&1; then
		tail -n 40 "$OUT/log/$h.fuzz" >&2
		echo "fuzz: $h: the fuzzer found a failure (input in $OUT/artifacts/, log $OUT/log/$h.fuzz)" >&2
		failed="$failed $h"
		return 0
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$OUT/log/$h.fuzz")
	cov=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$OUT/log/$h.fuzz" | tail -n 1 |
		sed -n 's/.*cov: \([0-9]*\) ft: \([0-9]*\) corp: \([^ ]*\).*/cov \1 ft \2 corpus \3/p')
	line="$h: $runs executions, ${cov:-no coverage line} ($*)"
	echo "fuzz: $line"
	echo "$(date -u +%FT%TZ) $line" >>"$OUT/stats.txt"
}

# Seeds from the real dumps, once per dumps/out state.
seed() {
	[ -d "$DUMPS" ] || return 0
	stamp=$( (echo "$1"; ls -d "$DUMPS"/*/meta.json) 2>/dev/null | md5sum | cut -c1-16)
	[ -f "$OUT/seeds/.stamp" ] && [ "$(cat "$OUT/seeds/.stamp")" = "$stamp" ] &&
		return 0
	DUMPS=$DUMPS SEED_MAX_CASES=$1 ./tests/fuzz/seed.sh "$OUT/seeds" >/dev/null ||
		die "tests/fuzz/seed.sh failed"
	echo "$stamp" >"$OUT/seeds/.stamp"
}

case ${1:-ci} in
ci|replay|short|long)
	harnesses=$(all_harnesses)
	;;
*)
	[ -f "tests/fuzz/fuzz_$1.c" ] || die "no harness '$1' (have: $(all_harnesses | tr '\n' ' '))"
	harnesses=$1
	shift
	;;
esac
MODE=${1:-ci}
failed=
# shellcheck disable=SC2086
build $harnesses
mkdir -p "$OUT/log" "$OUT/artifacts" "$OUT/seeds"
# CI seeds from 4 cases (each takes seconds to open under ASan); else all.
[ "$MODE" = ci ] && seed 4 || seed 1000
case "$MODE" in
ci)
	for h in $harnesses; do replay "$h"; done
	for h in $harnesses; do fuzz "$h" -max_total_time="${FUZZ_CI_SECONDS:-15}"; done
	;;
replay)
	for h in $harnesses; do replay "$h"; done
	;;
short)
	for h in $harnesses; do fuzz "$h" -max_total_time="${2:-60}"; done
	;;
long)
	[ $# -eq 2 ] || die "usage: run.sh [HARNESS] long N"
	case "$2" in
	*[!0-9]*|'') die "N must be a number of executions" ;;
	esac
	for h in $harnesses; do fuzz "$h" -runs="$2"; done
	;;
*)
	die "unknown mode '$MODE' (replay, short [SECONDS], long N)"
	;;
esac
[ -z "$failed" ] || die "failures in:$failed"

#!/bin/sh
# libFuzzer on the /proc/vmallocinfo parser (lib/vmparse.c), with ASan and
# UBSan.  Run from the repository root (make fuzz does).
#
#   tests/fuzz/run.sh            replay the corpus, then a short run (CI)
#   tests/fuzz/run.sh replay     the corpus only
#   tests/fuzz/run.sh short      about 60 s of fuzzing
#   tests/fuzz/run.sh long N     exactly N executions (-runs=N)
#
# Seeds: tests/fuzz/corpus/ (committed) and every dumps/out/*/vmallocinfo.*
# present.  New inputs go to build/fuzz/work/, crashes to
# build/fuzz/artifacts/.  Needs clang with libFuzzer (Debian: clang and
# libclang-rt-14-dev).
set -eu

CLANG=${CLANG:-clang}
OUT=build/fuzz
BIN=$OUT/fuzz_vmparse
SRC="tests/fuzz/fuzz_vmparse.c lib/vmparse.c lib/vmflags.c lib/json.c lib/error.c"
MODE=${1:-ci}

die() {
	echo "fuzz: $*" >&2
	exit 2
}

build() {
	command -v "$CLANG" >/dev/null || die "$CLANG not found (apt-get install clang libclang-rt-14-dev)"
	mkdir -p "$OUT"
	# shellcheck disable=SC2086
	"$CLANG" -std=gnu11 -D_GNU_SOURCE -g -O1 -Ilib \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-o "$BIN" $SRC || die "could not build $BIN (is libclang-rt-14-dev installed?)"
}

# Seeds from the real dumps go to a scratch directory so that the committed
# corpus only holds what we chose to commit.
gather_seeds() {
	rm -rf "$OUT/dumps-seeds"
	mkdir -p "$OUT/dumps-seeds" "$OUT/work" "$OUT/artifacts"
	for f in dumps/out/*/vmallocinfo.raw dumps/out/*/vmallocinfo.hashed; do
		[ -f "$f" ] || continue
		case=$(basename "$(dirname "$f")")
		cp "$f" "$OUT/dumps-seeds/$case-$(basename "$f")"
	done
}

fuzz() {
	"$BIN" -dict=tests/fuzz/vmallocinfo.dict -max_len=16384 \
		-artifact_prefix="$OUT/artifacts/" -print_final_stats=1 \
		"$@" "$OUT/work" tests/fuzz/corpus "$OUT/dumps-seeds"
}

replay() {
	n=$(ls tests/fuzz/corpus "$OUT/dumps-seeds" | grep -vc ':$' || true)
	echo "fuzz: replaying the corpus ($n seed entries)"
	"$BIN" -runs=0 tests/fuzz/corpus "$OUT/dumps-seeds"
}

build
gather_seeds
case "$MODE" in
ci)
	replay
	fuzz -max_total_time=60
	;;
replay)
	replay
	;;
short)
	fuzz -max_total_time=60
	;;
long)
	[ $# -eq 2 ] || die "usage: run.sh long N"
	case "$2" in
	*[!0-9]*|'') die "N must be a number of executions" ;;
	esac
	fuzz -runs="$2"
	;;
*)
	die "unknown mode '$MODE' (replay, short, long N)"
	;;
esac

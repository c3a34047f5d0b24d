#!/bin/sh
# Seed corpora for the fuzzers, cut from the real dumps (DUMPS, default
# dumps/out) into OUTDIR/HARNESS/ (default build/fuzz/seeds):
#   vmcoreinfo, kallsyms, kallsyms_scan, btf, failures  build/asan/seed on
#                                            each case's vmcore.kdump
#   failures    the guest's console.log too (one record per line)
#   symmap      the first 16 KiB of System.map
#   flat        the first 64 KiB of vmcore.flat
#   vmparse     vmallocinfo.raw and .hashed
#   elfsyms     a small linked ELF with a build-id, linux_banner, a .BTF
#               section and a few symbols (made here with cc)
# Files ending in .big are too large to commit; the others may be copied
# into tests/fuzz/corpus/HARNESS/.  Needs build/asan/seed (make).
set -eu

DUMPS=${DUMPS:-dumps/out}
OUT=${1:-build/fuzz/seeds}
SEED=${SEED:-build/asan/seed}
# Opening a dump with the ASan build takes seconds: CI cuts from a few.
MAX=${SEED_MAX_CASES:-1000}

mkdir -p "$OUT/failures" "$OUT/symmap" "$OUT/flat" "$OUT/vmparse" "$OUT/elfsyms"
n=0
for meta in "$DUMPS"/*/meta.json; do
	[ -f "$meta" ] || continue
	n=$((n + 1))
	[ "$n" -le "$MAX" ] || break
	d=$(dirname "$meta")
	c=$(basename "$d")
	if [ -f "$d/vmcore.kdump" ]; then
		ASAN_OPTIONS=detect_leaks=0 "$SEED" "$d/vmcore.kdump" "$OUT" "$c" ||
			echo "seed: $c: no seeds from the dump" >&2
	fi
	if [ -f "$d/console.log" ]; then
		# "[    1.234] text" -> one record per line, 0x1e-separated
		sed 's/^\[ *[0-9.]*\] //; s/$/\n\x1e/' "$d/console.log" |
			head -c 32768 >"$OUT/failures/$c-console"
	fi
	[ -e "$d/System.map" ] && head -c 16384 "$d/System.map" >"$OUT/symmap/$c"
	[ -f "$d/vmcore.flat" ] && head -c 65536 "$d/vmcore.flat" >"$OUT/flat/$c"
	for v in raw hashed; do
		[ -f "$d/vmallocinfo.$v" ] && cp "$d/vmallocinfo.$v" "$OUT/vmparse/$c-$v"
	done
done

# A vmlinux in miniature: symbols, PT_LOAD, build-id, banner, .BTF.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/mini.c" <<'C'
const char linux_banner[] = "Linux version 6.1.0-mini (seed@fuzz) #1 SMP\n";
__attribute__((section(".BTF"))) const unsigned char btf[24] = { 0x9f, 0xeb, 1 };
unsigned long vmap_area_list[2], kallsyms_num_syms = 3;
void _stext(void) {}
void _start(void) { for (;;); }
C
if ${CC:-cc} -Os -nostdlib -static -Wl,--build-id -o "$tmp/mini" "$tmp/mini.c" 2>/dev/null; then
	${STRIP:-strip} --strip-debug "$tmp/mini" 2>/dev/null || true
	cp "$tmp/mini" "$OUT/elfsyms/mini-vmlinux"
fi
echo "seed: $(find "$OUT" -type f | wc -l) seeds in $OUT"

#!/bin/bash
# make bench: vmapx against the floor (a bare libkdumpfile walk) and crash's
# kmem -v, on the largest dumps/ case, in one run.  Wall time and peak RSS
# from GNU time; instruction counts from callgrind (BENCH_CALLGRIND=0 skips).
set -u
cd "$(dirname "$0")/.."
case=${BENCH_CASE:-bookworm-large}
d=dumps/out/$case
if [ ! -f "$d/vmcore.kdump" ]; then
	echo "bench: $d/vmcore.kdump missing (make dumps)" >&2
	exit 2
fi
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
mkdir -p build/bench bench/out
cc -O2 -g -o build/bench/floor bench/floor.c $(pkg-config --cflags --libs libkdumpfile) || exit 2
cc -O2 -g -D_GNU_SOURCE -Ilib -Itool -o build/bench/validate bench/validate.c tool/dumpcheck.c lib/error.c || exit 2
out=bench/out/$case.txt
runs=${BENCH_RUNS:-5}
areas=$(wc -l <"$d/vmallocinfo.raw")

# measure NAME CMD...: best wall time and its peak RSS over $runs runs.
measure() {
	local name=$1 best=999999 rss=0 t r i
	shift
	for i in $(seq "$runs"); do
		/usr/bin/time -f '%e %M' -o build/bench/time "$@" >/dev/null 2>&1
		read -r t r <build/bench/time
		if awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t rss=$r
		fi
	done
	printf '%-34s %8.3f s %8d KiB\n' "$name" "$best" "$rss"
}

{
	echo "case $case: $areas lines of vmallocinfo; $(nproc) cores; best of $runs"
	measure "floor (bare libkdumpfile walk)" build/bench/floor "$d/vmcore.kdump"
	measure "header validation alone (kdump)" build/bench/validate "$d/vmcore.kdump"
	[ -f "$d/vmcore.elf" ] && measure "header validation alone (ELF)" build/bench/validate "$d/vmcore.elf"
	measure "vmapx (BTF + kallsyms from dump)" build/vmapx "$d/vmcore.kdump"
	measure "vmapx -k vmlinux (DWARF)" build/vmapx -k "$d/vmlinux" "$d/vmcore.kdump"
	if command -v crash >/dev/null; then
		printf 'kmem -v\nexit\n' >build/bench/crash.cmd
		runs=1 measure "crash kmem -v (start included)" \
			crash -s --no_crashrc -i build/bench/crash.cmd "$d/vmlinux" "$d/vmcore.kdump"
	fi
	if [ "${BENCH_CALLGRIND:-1}" = 1 ] && command -v valgrind >/dev/null; then
		for prog in "build/bench/floor $d/vmcore.kdump" "build/bench/validate $d/vmcore.kdump" \
			    "build/vmapx $d/vmcore.kdump"; do
			valgrind --tool=callgrind --callgrind-out-file=build/bench/cg.out $prog \
				>/dev/null 2>build/bench/cg.err
			printf '%-34s %s instructions\n' "callgrind: ${prog%% *}" \
				"$(sed -n 's/.*Collected : *//p' build/bench/cg.err)"
		done
	fi
} | tee "$out"
echo "written to $out"

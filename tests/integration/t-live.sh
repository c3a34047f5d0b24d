#!/bin/bash
# --live on running kernels: one QEMU boot per cached dumps/ kernel (bookworm 6.1, trixie 6.12,
# sid 7.x, bullseye 5.10; LIVE_SUITES to choose), reusing the kernels and initramfs that dumps/mkdump
# cached. In the guest (live-guest/vlive.c) vmapx --live and /proc/vmallocinfo are read back to
# back until two reads of the file agree; the output must be that file byte for byte. Every mode
# then runs live (--frag -j must add up), as uid 65534 (one-line error) and under lockdown. On the
# host: the non-root error against a fake kcore file, and each source of VMCOREINFO on the memory
# of the dumps' ELF files made into a kcore (kcore-from-elf.c). Skips (with the reason) without QEMU or a
# cached kernel. LIVE_LARGE=N (make bench) adds one boot of LIVE_LARGE_SUITE (bookworm) with N
# sleeping threads (each a vmap stack): byte for byte, --frag -j, and the wall time of
# vmapx --live against cat /proc/vmallocinfo (also appended to $LIVE_BENCH_OUT if set).
# LIVE_VARIANTS (default trixie-la57 trixie-smp8): one more boot each, 5-level paging or 8
# possible CPUs. LIVE_CRASH=1 adds one boot: crash 9 (the sid chroot's) with the extension in a
# live session (off by default, CI included: its ~11 minutes of crash start-up under TCG would take
# CI's margin; run it with `LIVE_CRASH=1 make check` or alone, as dumps/README.md says).
set -u
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
SRC_DIR=$(cd "$HERE/../.." && pwd)
CACHE=${VMAPX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmapx}
SUITES=${LIVE_SUITES-bookworm trixie sid bullseye}
TIMEOUT=${LIVE_TIMEOUT:-900}
tmp=$(mktemp -d)
QPID=
trap '[ -z "$QPID" ] || kill "$QPID" 2>/dev/null; rm -rf "$tmp"' EXIT

# ---- host: the non-root error, on a fake kcore (no guest needed)
host_nonroot() {
	local root=$tmp/fake out rc
	mkdir -p "$root/proc"
	head -c 4096 /dev/zero > "$root/proc/kcore"
	chmod 0400 "$root/proc/kcore"
	if ! command -v setpriv >/dev/null || [ "$(id -u)" != 0 ]; then
		echo "skip host non-root test: needs root and setpriv"
		return
	fi
	out=$(VMAPX_LIVE_ROOT=$root setpriv --reuid 65534 --regid 65534 --clear-groups \
		"$VMAPX" --live 2>&1 >/dev/null); rc=$?
	if [ $rc = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
	   [[ $out == *"$root/proc/kcore: Permission denied: --live needs root (CAP_SYS_RAWIO)"* ]]; then
		ok "host: --live as uid 65534 exits 2 with one line naming the file and the need for root ($out)"
	else
		bad "host: --live as uid 65534: exit $rc, '$out'"
	fi
}
host_nonroot

# ---- host: each source of VMCOREINFO on a real kernel's memory (no guest). kcore-from-elf.c makes
# the /proc/kcore a dumps/ case's kernel would have shown from its ELF dump; VMAPX_LIVE_ROOT puts
# it in a root where (1) /sys/kernel/vmcoreinfo names the note in memory, (2) there is no such
# file (a kernel or container without it: kcore's own note), (3) neither is there (no
# CONFIG_VMCORE_INFO: /proc/kallsyms, as the kernel prints it: System.map moved by KERNELOFFSET
# without the kallsyms tables' own symbols, which scripts/kallsyms.c leaves out, so the tables
# are found by a scan). No /sys/kernel/btf/vmlinux: types from the kernel's BTF in memory. Each
# must print the case's vmallocinfo.raw byte for byte, and -v name its source.
host_sources() {
	local c d root=$tmp/src info off rel name n out
	[ -d "$DUMPS" ] || { echo "skip host sources: no $DUMPS"; return; }
	gcc -O2 -Wall -o "$tmp/kcore-from-elf" "$HERE/kcore-from-elf.c" || { bad "host sources: building kcore-from-elf"; return; }
	n=0
	for c in $(cases); do
		d=$DUMPS/$c
		case $c in *-base) ;; *) continue ;; esac	# one kernel per suite
		[ -f "$d/vmcore.elf" ] && [ -s "$d/System.map" ] || continue
		rm -rf "$root"; mkdir -p "$root/proc/sys/kernel" "$root/sys/kernel"
		info=$("$tmp/kcore-from-elf" "$d/vmcore.elf" "$root/proc/kcore") || { bad "$c: kcore-from-elf: $info"; continue; }
		printf '%s\n' "$info" | sed -n 's/^vmcoreinfo //p' > "$root/sys/kernel/vmcoreinfo"
		off=$(printf '%s\n' "$info" | sed -n 's/^kerneloffset //p')
		rel=$(printf '%s\n' "$info" | sed -n 's/^osrelease //p')
		echo "$rel" > "$root/proc/sys/kernel/osrelease"
		for name in "/sys/kernel/vmcoreinfo" "the VMCOREINFO note of /proc/kcore" \
			    "/proc/kallsyms (_stext) and /proc/sys/kernel/osrelease"; do
			case $name in
			the*) rm "$root/sys/kernel/vmcoreinfo" ;;
			/proc/kallsyms*)
				"$tmp/kcore-from-elf" "$d/vmcore.elf" "$root/proc/kcore.new" --no-note > /dev/null &&
					mv -f "$root/proc/kcore.new" "$root/proc/kcore" || { bad "$c: kcore-from-elf --no-note"; break; }
				python3 - "$d/System.map" "$off" > "$root/proc/kallsyms" <<'PY'
import re, sys
skip = re.compile(r"kallsyms_(addresses|offsets|relative_base|num_syms|names|markers|seqs_of_names|token_table|token_index)$")
off = int(sys.argv[2], 16)
for line in open(sys.argv[1]):
    a, t, name = line.split()[:3]
    if not skip.match(name):
        print("%016x %s %s" % (int(a, 16) + off, t, name))
PY
				;;
			esac
			VMAPX_LIVE_ROOT=$root "$VMAPX" --live -v > "$tmp/src.out" 2> "$tmp/src.err"
			out=$(head -1 "$tmp/src.err")
			if cmp -s "$tmp/src.out" "$d/vmallocinfo.raw" && [ "$out" = "vmcoreinfo: $name" ] &&
			   grep -q "^kernel: $rel," "$tmp/src.err"; then
				ok "$c: --live on its memory as kcore, VMCOREINFO from $name: vmallocinfo.raw byte for byte ($(wc -l < "$tmp/src.out") lines; $(grep '^symbols:' "$tmp/src.err"))"
			else
				bad "$c: --live, VMCOREINFO from $name: $(cmp "$tmp/src.out" "$d/vmallocinfo.raw" 2>&1 | head -1) $(head -3 "$tmp/src.err" | tr '\n' ' ')"
			fi
		done
		rm -rf "$root"
		n=$((n + 1))
	done
	[ $n -gt 0 ] || echo "skip host sources: no *-base case with vmcore.elf and System.map in $DUMPS"
}
host_sources

for tool in qemu-system-x86_64 cpio gcc; do
	command -v $tool >/dev/null || { echo "skip guests: no $tool"; exit $((failures > 0)); }
done

section() { awk -v b="^=== BEGIN $2 " -v e="=== END $2" '$0==e{f=0} f{print} $0~b{f=1}' "$1" | sed '/^=== STDERR /,$d'; }
stderr_of() { awk -v b="^=== BEGIN $2 " -v e="=== END $2" '$0==e{f=0} f{print} $0~b{f=1}' "$1" | sed -n '/^=== STDERR /,$p' | sed 1d; }
rc_of() { sed -n "s/^=== BEGIN $2 rc=\([0-9]*\).*/\1/p" "$1" | head -1; }
secs_of() { sed -n "s/^=== BEGIN $2 rc=[0-9]* secs=\([0-9.]*\).*/\1/p" "$1" | head -1; }

check_frag() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
for w in d["windows"]:
    size = int(w["end"], 16) - int(w["start"], 16) + 1
    total = sum(w[k] for k in ("busy_bytes", "lazy_bytes", "pooled_bytes",
                               "purging_bytes", "free_bytes", "unaccounted_bytes"))
    if total != size:
        bad.append("%s: six byte counts sum to %d, window is %d" % (w["name"], total, size))
    if w["unaccounted_bytes"]:
        bad.append("%s: %d bytes unaccounted" % (w["name"], w["unaccounted_bytes"]))
    if w["overlaps"]:
        bad.append("%s: %d overlapping claims" % (w["name"], len(w["overlaps"])))
t = d["free_tree"]
if not (t["walked"] and t["matches_list"]):
    bad.append("free tree differs from the free list: %s" % t)
print("\n".join(bad))
PY
}

# Under churn: exit 0 or 3 within the time limit, well-formed lines only, each either in the
# capture before or the one after the churn, or the churn's own (a task stack, brd's module
# memory and the buffer finit_module reads it into, the partition scan of its disks, a lazily freed area).
# The scan's vzalloc (allocate_partitions) is named after bdev_disk_changed where
# blk_add_partitions is inlined into it, after blk_add_partitions on 5.10.
# A caller printed as a raw module-window address: brd's own areas read while brd was being
# unloaded (its symbols already gone; %pS prints the same raw address for a vanished module).
churn_callers='0xffffffffc[0-9a-f]{7}|kernel_read_file|bdev_disk_changed|blk_add_partitions|copy_process|dup_task_struct|alloc_thread_stack_node|kernel_clone|load_module|move_module|module_alloc|module_memory_alloc|execmem_[a-z_]*|layout_and_allocate|\[brd\]|unpurged vm_area'
check_churn() { # suite out
	local s=$1 o=$2 i rc codes="" stray badfmt=0 moved=0
	: > "$tmp/$s.stray"
	[ -n "$(section "$o" churn-before)" ] || { bad "$s: churn: no capture"; return; }
	section "$o" churn-before > "$tmp/$s.known"
	section "$o" churn-after >> "$tmp/$s.known"
	for i in 0 1 2 3 4 5 6 7 8 9; do
		rc=$(rc_of "$o" churn$i); codes+="$rc "
		case $rc in 0|3) ;; *) bad "$s: churn run $i: exit ${rc:-none} (142: killed after 120 s): $(stderr_of "$o" churn$i | head -2 | tr '\n' ' ')" ;; esac
		[ "$rc" != 3 ] || moved=$((moved + 1))
		section "$o" churn$i > "$tmp/$s.churn"
		badfmt=$((badfmt + $(grep -cvE '^0x[0-9a-f]{16}-0x[0-9a-f]{16} +[0-9]+ ' "$tmp/$s.churn")))
		grep -vxFf "$tmp/$s.known" "$tmp/$s.churn" | grep -vE " ($churn_callers)" | sed "s/^/run $i: /" >> "$tmp/$s.stray"
	done
	stray=$(wc -l < "$tmp/$s.stray")
	if [ $badfmt = 0 ] && [ $stray = 0 ]; then
		ok "$s: 10 --live runs under churn (brd loaded and unloaded, bursts of 16 forks): exits $codes(3: what moved said on stderr), no malformed line, none outside the captures before and after but the churn's own"
	else
		bad "$s: under churn: $badfmt malformed lines, $stray lines in neither capture and not the churn's (exits $codes)"
		head -3 "$tmp/$s.stray"
	fi
	[ $moved = 0 ] || stderr_of "$o" churn$(( $(sed -n 's/^=== BEGIN churn\([0-9]\) rc=3.*/\1/p' "$o" | head -1) )) | head -2 | sed "s/^/$s: under churn, stderr: /"
}

# initramfs: dumps/mkdump's cached one (modules, busybox) plus vmapx, its libraries, vlive, init
make_initrd() {
	local base=$1 dir=$tmp/ird lib
	rm -rf "$dir"; mkdir -p "$dir"
	(cd "$dir" && gzip -dc "$base" | cpio -idm --quiet) || return 1
	cp "$VMAPX" "$dir/bin/vmapx"
	for lib in $(ldd "$VMAPX" | grep -o '/[^ ]*'); do
		mkdir -p "$dir$(dirname "$lib")"
		cp -L "$lib" "$dir$lib"
	done
	gcc -static -O2 -Wall -o "$dir/bin/vlive" "$HERE/live-guest/vlive.c" || return 1
	gcc -static -O2 -Wall -o "$dir/bin/vthreads" "$HERE/../../dumps/guest/vthreads.c" || return 1
	gcc -static -O2 -Wall -o "$dir/bin/vfail" "$HERE/../../dumps/guest/vfail.c" || return 1
	# for the crash(8) session's disk (the cached initramfs has no block driver)
	lib=$(find "$kdir/lib/modules" -name 'virtio_blk.ko*' 2>/dev/null | head -1)
	case $lib in
	*.xz) xz -dc "$lib" > "$dir/lib/vmapx/extra/virtio_blk.ko" ;;
	*.zst) zstd -dcq "$lib" > "$dir/lib/vmapx/extra/virtio_blk.ko" ;;
	?*) cp "$lib" "$dir/lib/vmapx/extra/virtio_blk.ko" ;;
	esac
	cp "$HERE/live-guest/init" "$dir/init"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/initrd.gz"
}

boot() { # suite release vmlinuz -> $tmp/$suite.out
	local s=$1 rel=$2 vmlinuz=$3 t0 end
	rm -f "$tmp/$s.out"; : > "$tmp/$s.out"
	t0=$(date +%s)
	qemu-system-x86_64 -accel tcg -cpu "${CPU:-max,la57=off}" -smp "${SMP:-2}" -m "${MEM:-1024}" \
		-kernel "$vmlinuz" -initrd "$tmp/initrd.gz" -append "console=ttyS0 panic=-1${APPEND:-}" \
		-display none -monitor none -no-reboot -serial "file:$tmp/$s.console" \
		-device virtio-serial-pci -chardev "file,id=vx,path=$tmp/$s.out" \
		-device virtserialport,chardev=vx,name=vmapx ${QEXTRA:-} > "$tmp/$s.qemu" 2>&1 & QPID=$!
	end=$(( t0 + TIMEOUT ))
	while kill -0 $QPID 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 1; done
	kill $QPID 2>/dev/null; wait $QPID 2>/dev/null; QPID=
	echo "$s: guest ran $(( $(date +%s) - t0 )) s"
}

# A guest kernel that panics while booting, before vlive wrote anything, is a
# TCG flake of the guest (seen once: trixie-smp8, "Fatal exception in
# interrupt" at 4 s on a loaded 2-core host), not a vmapx result: boot it
# once more and say so.  A guest that started vlive is never booted again.
boot_guest() { # suite release vmlinuz
	boot "$@"
	if [ ! -s "$tmp/$1.out" ] && grep -q 'Kernel panic' "$tmp/$1.console" 2>/dev/null; then
		echo "note $1: the guest kernel panicked while booting, before vmapx ran ($(grep -m1 -o 'Kernel panic.*' "$tmp/$1.console" | tr -d '\r')): booting it once more"
		cp "$tmp/$1.console" "$tmp/$1.console.1"
		boot "$@"
	fi
}

check_guest() { # suite release
	local s=$1 rel=$2 o=$tmp/$1.out res m rc err
	grep -q '^=== DONE' "$o" || { bad "$s ($rel): the guest did not finish (tail of console: $(tail -c 300 "$tmp/$s.console" | tr '\n' ' '))"; return; }
	res=$(grep '^=== RESULT info' "$o")
	echo "$s: $res"
	section "$o" vmallocinfo > "$tmp/$s.vmallocinfo"
	section "$o" live > "$tmp/$s.live"
	# identical=1: the output is the file read right after vmapx, byte for
	# byte.  agree=0 only says the file never read the same twice around a
	# run (a guest slowed by a loaded host): the equality still holds.
	if [[ $res == *" identical=1 "* ]] && [ -s "$tmp/$s.live" ]; then
		ok "$s ($rel): vmapx --live is /proc/vmallocinfo byte for byte ($(wc -l < "$tmp/$s.live") lines, read back to back)"
	else
		bad "$s ($rel): vmapx --live differs from /proc/vmallocinfo ($res): $(diff "$tmp/$s.vmallocinfo" "$tmp/$s.live" | head -5 | tr '\n' ' ') $(stderr_of "$o" live | head -3)"
	fi
	for m in live gaps frag frag-json fit callers failures json verbose; do
		rc=$(rc_of "$o" $m)
		if [ "$rc" = 0 ] && [ -n "$(section "$o" $m)" ]; then
			ok "$s: --live $m exits 0 with output ($(secs_of "$o" $m) s)"
		else
			bad "$s: --live $m: exit ${rc:-none}: $(stderr_of "$o" $m | head -3 | tr '\n' ' ')"
		fi
	done
	# init made vmalloc(1.5 GiB) fail (dumps/guest/vfail.c); the live printk ring must hold it
	section "$o" failures | grep -qE 'vmalloc( error: size |: allocation failure: )1610612736' &&
	section "$o" failures | grep -q '^  verdict: ' &&
		ok "$s: --live --failures finds the vmalloc failure init provoked, with a verdict" ||
		bad "$s: --live --failures: $(section "$o" failures | head -3 | tr '\n' ' ')"
	section "$o" frag-json > "$tmp/$s.frag.json"
	section "$o" json > "$tmp/$s.list.json"
	json_valid "$s: --live --frag -j" frag "$tmp/$s.frag.json"
	json_valid "$s: --live -j" vmallocinfo "$tmp/$s.list.json"
	err=$(check_frag "$tmp/$s.frag.json" 2>&1)
	[ -z "$err" ] && ok "$s: --live --frag -j: each window's byte counts sum to its size, nothing unaccounted, free tree = free list" ||
		bad "$s: --live --frag -j: $err"
	stderr_of "$o" verbose | grep -q '^types: BTF (/sys/kernel/btf/vmlinux)' &&
	stderr_of "$o" verbose | grep -q '^vmcoreinfo: /sys/kernel/vmcoreinfo$' &&
		ok "$s: -v: VMCOREINFO through /sys/kernel/vmcoreinfo, types from /sys/kernel/btf/vmlinux" ||
		bad "$s: -v: $(stderr_of "$o" verbose | head -3 | tr '\n' ' ')"
	# the snapshot agreed with vmapx --live; the runs since may have moved task stacks: 0 or 1
	rc=$(rc_of "$o" diff)
	if { [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && section "$o" diff | grep -q '^new: /proc/kcore' &&
	   section "$o" diff | grep -q '^appeared: 0 areas'; then
		ok "$s: --live --diff SNAPSHOT: exit $rc, NEW is /proc/kcore, no area appeared ($(section "$o" diff | grep -c .) lines)"
	else
		bad "$s: --live --diff: exit ${rc:-none}: $(section "$o" diff | head -6 | tr '\n' ' ') $(stderr_of "$o" diff | head -2)"
	fi
	check_churn "$s" "$o"
	err=$(stderr_of "$o" nonroot)
	[ "$(rc_of "$o" nonroot)" = 2 ] && [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] &&
	[[ $err == *"/proc/kcore: "*"--live needs root (CAP_SYS_RAWIO)"* ]] &&
		ok "$s: as uid 65534: exit 2, one line: $err" || bad "$s: as uid 65534: exit $(rc_of "$o" nonroot): $err"
	if grep -q '^=== NOTE no lockdown' "$o"; then
		echo "skip $s: lockdown: $(grep '^=== NOTE no lockdown' "$o")"
	else
		err=$(stderr_of "$o" lockdown)
		[ "$(rc_of "$o" lockdown)" = 2 ] && [[ $err == *"/proc/kcore: kernel lockdown (confidentiality)"* ]] &&
			ok "$s: under lockdown=confidentiality: exit 2, one line: $err" ||
			bad "$s: under lockdown: exit $(rc_of "$o" lockdown): $err"
	fi
	if [ -n "${LIVE_KEEP:-}" ]; then mkdir -p "$LIVE_KEEP"; cp "$o" "$tmp/$s.console" "$LIVE_KEEP/"; fi
}

check_machine() { # SUITE-la57 | SUITE-smp8: the guest was the machine asked for
	local o=$tmp/$1.out cpus
	cpus=$(grep '^=== CPUS' "$o")
	case $1 in
	*-la57) stderr_of "$o" verbose | grep -q '^kernel: .*, 5-level paging' &&
		ok "$1: the guest ran with 5-level paging (-v: $(stderr_of "$o" verbose | grep '^kernel:'))" ||
		bad "$1: no 5-level paging: $(stderr_of "$o" verbose | grep '^kernel:')" ;;
	*-smp8) [ "$cpus" = "=== CPUS possible=0-7 online=0-1" ] &&
		ok "$1: the guest had 8 possible CPUs, 2 online ($cpus)" || bad "$1: CPUs: $cpus" ;;
	esac
}

median() { # out field: the median of field=SECONDS over the === TIME lines
	grep '^=== TIME' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

check_large() { # suite release threads
	local s=$1 rel=$2 o=$tmp/$1.out res err live cat rd
	grep -q '^=== DONE' "$o" || { bad "$s large: the guest did not finish (console: $(tail -c 300 "$tmp/$s.console" | tr '\n' ' '))"; return; }
	res=$(grep '^=== RESULT info' "$o")
	[[ $res == *" identical=1 "* ]] &&
		ok "$s large ($3 threads): vmapx --live is /proc/vmallocinfo byte for byte ($(section "$o" live | wc -l) lines)" ||
		bad "$s large: differs ($res): $(stderr_of "$o" live | head -2)"
	section "$o" frag-json > "$tmp/$s.frag.json"
	json_valid "$s large: --live --frag -j" frag "$tmp/$s.frag.json"
	err=$(check_frag "$tmp/$s.frag.json" 2>&1)
	[ -z "$err" ] && ok "$s large: --frag -j adds up, nothing unaccounted" || bad "$s large: --frag -j: $err"
	live=$(median "$o" live_secs)
	cat=$(median "$o" cat_secs)
	rd=$(median "$o" read64k_secs)
	echo "bench $s ($rel, TCG, $(section "$o" live | wc -l) lines): median of 5: vmapx --live ${live} s, cat /proc/vmallocinfo ${cat} s, the file read in 64 KiB chunks ${rd} s"
	[ -z "${LIVE_BENCH_OUT:-}" ] || grep '^=== TIME' "$o" | sed "s/^=== TIME/$s $rel lines=$(section "$o" live | wc -l)/" >> "$LIVE_BENCH_OUT"
}

# suite: kernel, release and initramfs from the cache, or a skip line
find_kernel() {
	kdir=$CACHE/kernels/$1
	rel=$(cat "$kdir/release.txt" 2>/dev/null)
	vmlinuz=$kdir/boot/vmlinuz-$rel
	base=$(ls -t "$CACHE/initramfs/$1-$rel-"*.cpio.gz 2>/dev/null | head -1)
	[ -n "$rel" ] && [ -s "$vmlinuz" ] && [ -n "$base" ] && return 0
	echo "skip $1: no cached kernel and initramfs in $CACHE (dumps/mkdump --suite $1 makes them)"
	return 1
}

# crash(8) on the running kernel (no dump: crash reads /proc/kcore) with the extension: each of
# three `vmapx` in one session must be /proc/vmallocinfo as read just before or just after it.
# crash 9.x of the sid chroot (tests/crash/build-sid.sh: the one t-crash.sh runs, with
# build/crash9/vmapx.so built against it; Debian 12's crash 8.0.2 dies of SIGSEGV in a live
# session before any extension runs), its libraries, strings(1), the vmlinux and the extension go
# on an ext4 disk (virtio-blk: the guest's initramfs could not hold a 350 MB vmlinux).
crash_disk() { # root so vmlinux -> $tmp/croot, the disk's tree
	local from=$1 so=$2 vmlinux=$3 root=$tmp/croot f lib
	rm -rf "$root"; mkdir -p "$root/usr/bin" "$root/tmp" "$root/bin"
	# crash matches the vmlinux with the running kernel's banner through /usr/bin/strings and
	# popen()s /bin/sh (the guest binds its busybox /bin there)
	cp "$from/usr/bin/crash" "$from/usr/bin/strings" "$root/usr/bin/" || return 1
	cp "$so" "$root/vmapx.so" || return 1
	# the libraries as the root's own ldd resolves them (the extension: a copy inside the root)
	cp "$so" "$from/tmp/vmapx-live-$$.so" || return 1
	for f in /usr/bin/crash /usr/bin/strings "/tmp/vmapx-live-$$.so"; do
		for lib in $(chroot "$from" ldd "$f" | grep -o '/[^ ]*'); do
			mkdir -p "$root$(dirname "$lib")"; cp -L "$from$lib" "$root$lib" || break 2
		done
	done
	rm -f "$from/tmp/vmapx-live-$$.so"
	[ -z "$lib" ] || [ -e "$root$lib" ]
	ln -f "$vmlinux" "$root/vmlinux" 2>/dev/null || cp "$vmlinux" "$root/vmlinux"
}

crash_live() {
	local s=${LIVE_CRASH_SUITE:-trixie} img=$tmp/crash.img sid o n same=0 ver opts=
	local so=$SRC_DIR/build/crash9/vmapx.so vmlinux t
	for t in mkfs.ext4 chroot; do command -v $t >/dev/null || { echo "skip crash live: no $t"; return; }; done
	if ! "$SRC_DIR/tests/crash/build-sid.sh" > "$tmp/build-sid.log" 2>&1; then
		t="crash live: no crash 9.x: tests/crash/build-sid.sh: $(tail -n1 "$tmp/build-sid.log")"
		[ "${CI:-}" = true ] && bad "$t" || echo "skip $t"
		return
	fi
	sid=$("$SRC_DIR/tests/crash/build-sid.sh" --print-root)
	ver=$(chroot "$sid" /usr/bin/crash --version 2>/dev/null | sed -n 's/^crash \([0-9.]*\).*/\1/p' | head -1)
	find_kernel "$s" || return
	vmlinux=$(readlink -f "$kdir/vmlinux")
	[ -s "$vmlinux" ] || { echo "skip crash live: no vmlinux for $s"; return; }
	# 7.x's struct module has no num_gpl_syms: crash 9.0 stops in module_init() before the
	# prompt (as in t-crash.sh); the session works without module symbols
	grep -q -a -m1 num_gpl_syms "$vmlinux" || opts=--no_modules
	# the extension must be loadable by this crash as it is on the disk: the chroot's libraries
	crash_disk "$sid" "$so" "$vmlinux" || { bad "crash live: gathering crash $ver's files"; return; }
	printf '!cat /proc/uptime > /tmp/t1\nextend /vmapx.so\nvmapx > /tmp/crash1\n!cat /proc/uptime > /tmp/t2\nvmapx > /tmp/crash2\nvmapx > /tmp/crash3\nexit\n' > "$tmp/croot/cmds"
	echo "$opts" > "$tmp/croot/crash-opts"
	rm -f "$img"
	mkfs.ext4 -q -F -d "$tmp/croot" "$img" "$(( $(du -sm "$tmp/croot" | cut -f1) + 200 ))M" >/dev/null ||
		{ bad "crash live: making the disk"; return; }
	rm -rf "$tmp/croot"
	make_initrd "$base" || { bad "crash live: building the initramfs"; return; }
	MEM=${LIVE_CRASH_MEM:-2048} APPEND=" vmapx.crash=1" QEXTRA="-drive file=$img,format=raw,if=virtio" \
		TIMEOUT=${LIVE_CRASH_TIMEOUT:-1800} boot "$s-crash" "$rel" "$vmlinuz"
	rm -f "$img"
	o=$tmp/$s-crash.out
	[ -z "${LIVE_KEEP:-}" ] || { mkdir -p "$LIVE_KEEP"; cp "$o" "$tmp/$s-crash.console" "$LIVE_KEEP/" 2>/dev/null; }
	grep -q '^=== DONE' "$o" || { bad "crash live ($s): the guest did not finish (console: $(tail -c 300 "$tmp/$s-crash.console" | tr '\n' ' '))"; return; }
	n=$(rc_of "$o" crash)
	[ "$n" = 0 ] || { bad "crash $ver live ($s): crash exits $n: $(section "$o" crash | tail -5 | tr '\n' ' ') $(stderr_of "$o" crash | tail -3 | tr '\n' ' ')"; return; }
	section "$o" crash-before > "$tmp/cb"; section "$o" crash-after > "$tmp/ca"
	for n in 1 2 3; do
		section "$o" crash$n > "$tmp/c$n"
		if [ -s "$tmp/c$n" ] && { cmp -s "$tmp/c$n" "$tmp/cb" || cmp -s "$tmp/c$n" "$tmp/ca"; }; then
			same=$((same + 1))
		fi
	done
	t=$(awk '$1 == "===" && $2 == "UPTIME" { u[$3] = $4 } END { printf "crash start %.0f s, extend and first vmapx %.1f s", u["t1"] - u["t0"], u["t2"] - u["t1"] }' "$o")
	if [ $same -gt 0 ]; then
		ok "crash $ver live ($s$([ -z "$opts" ] || echo ", $opts")): $same of 3 vmapx in one live session are /proc/vmallocinfo of just before or after byte for byte ($(wc -l < "$tmp/c1") lines; session $(secs_of "$o" crash) s: $t)"
	else
		bad "crash $ver live ($s): no vmapx output equals /proc/vmallocinfo before or after: $(diff "$tmp/ca" "$tmp/c1" | head -4 | tr '\n' ' ') $(section "$o" crash | tail -3 | tr '\n' ' ') $(stderr_of "$o" crash | tail -3 | tr '\n' ' ')"
	fi
}

booted=0
for s in $SUITES; do
	find_kernel "$s" || continue
	make_initrd "$base" || { bad "$s: building the initramfs"; continue; }
	boot_guest "$s" "$rel" "$vmlinuz"
	check_guest "$s" "$rel"
	booted=$((booted + 1))
done
# Other machines, as dumps/make-all's cases of the same names: SUITE-la57 (5-level paging:
# -cpu max,la57=on), SUITE-smp8 (8 possible CPUs, 2 online: -smp 8, maxcpus=2). Every check of
# a suite's guest, and the guest must be that machine.
for v in ${LIVE_VARIANTS-trixie-la57 trixie-smp8}; do
	s=${v%-*}
	case ${v##*-} in
	la57) vcpu=max,la57=on vsmp=2 vappend= ;;
	smp8) vcpu=max,la57=off vsmp=8 vappend=" maxcpus=2" ;;
	*) bad "LIVE_VARIANTS: $v: not SUITE-la57 or SUITE-smp8"; continue ;;
	esac
	find_kernel "$s" || continue
	make_initrd "$base" || { bad "$v: building the initramfs"; continue; }
	CPU=$vcpu SMP=$vsmp APPEND=$vappend boot_guest "$v" "$rel" "$vmlinuz"
	check_guest "$v" "$rel"
	check_machine "$v"
	booted=$((booted + 1))
done
# The crash(8) live session: one more boot whose crash takes ~11 min to start under TCG on a
# loaded 2-core host (689 s of the boot's 761 s, 2026-12-02): only with LIVE_CRASH=1.
[ "${LIVE_CRASH:-0}" = 0 ] || crash_live
if [ -n "${LIVE_LARGE:-}" ] && find_kernel "${LIVE_LARGE_SUITE:=bookworm}"; then
	make_initrd "$base" || bad "large: building the initramfs"
	MEM=4096 APPEND=" vmapx.threads=$LIVE_LARGE" boot "$LIVE_LARGE_SUITE" "$rel" "$vmlinuz"
	check_large "$LIVE_LARGE_SUITE" "$rel" "$LIVE_LARGE"
	booted=$((booted + 1))
fi
[ $booted -gt 0 ] || echo "skip: no guest booted"
exit $((failures > 0))

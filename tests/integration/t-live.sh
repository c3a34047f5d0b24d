#!/bin/bash
# --live on running kernels: one QEMU boot per cached dumps/ kernel (bookworm 6.1, trixie 6.12,
# sid 7.x, bullseye 5.10; LIVE_SUITES to choose), reusing the kernels and initramfs that dumps/mkdump
# cached. In the guest (live-guest/vlive.c) vmapx --live and /proc/vmallocinfo are read back to
# back until two reads of the file agree; the output must be that file byte for byte. Every mode
# then runs live (--frag -j must add up), as uid 65534 (one-line error) and under lockdown. On the
# host: the non-root error against a fake kcore file. Skips (with the reason) without QEMU or a
# cached kernel.
set -u
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${VMAPX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmapx}
SUITES=${LIVE_SUITES:-bookworm trixie sid bullseye}
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

command -v qemu-system-x86_64 >/dev/null || { echo "skip guests: no qemu-system-x86_64"; exit $((failures > 0)); }

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
	cp "$HERE/live-guest/init" "$dir/init"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/initrd.gz"
}

boot() { # suite release vmlinuz -> $tmp/$suite.out
	local s=$1 rel=$2 vmlinuz=$3 t0 end
	rm -f "$tmp/$s.out"; : > "$tmp/$s.out"
	t0=$(date +%s)
	qemu-system-x86_64 -accel tcg -cpu max,la57=off -smp 2 -m 1024 \
		-kernel "$vmlinuz" -initrd "$tmp/initrd.gz" -append "console=ttyS0 panic=-1" \
		-display none -monitor none -no-reboot -serial "file:$tmp/$s.console" \
		-device virtio-serial-pci -chardev "file,id=vx,path=$tmp/$s.out" \
		-device virtserialport,chardev=vx,name=vmapx > "$tmp/$s.qemu" 2>&1 & QPID=$!
	end=$(( t0 + TIMEOUT ))
	while kill -0 $QPID 2>/dev/null && [ "$(date +%s)" -lt $end ]; do sleep 1; done
	kill $QPID 2>/dev/null; wait $QPID 2>/dev/null; QPID=
	echo "$s: guest ran $(( $(date +%s) - t0 )) s"
}

check_guest() { # suite release
	local s=$1 rel=$2 o=$tmp/$1.out res m rc err
	grep -q '^=== DONE' "$o" || { bad "$s ($rel): the guest did not finish (tail of console: $(tail -c 300 "$tmp/$s.console" | tr '\n' ' '))"; return; }
	res=$(grep '^=== RESULT info' "$o")
	echo "$s: $res"
	section "$o" vmallocinfo > "$tmp/$s.vmallocinfo"
	section "$o" live > "$tmp/$s.live"
	if [[ $res == *" agree=1 identical=1 "* ]] && [ -s "$tmp/$s.live" ]; then
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
	section "$o" frag-json > "$tmp/$s.frag.json"
	err=$(check_frag "$tmp/$s.frag.json" 2>&1)
	[ -z "$err" ] && ok "$s: --live --frag -j: each window's byte counts sum to its size, nothing unaccounted, free tree = free list" ||
		bad "$s: --live --frag -j: $err"
	stderr_of "$o" verbose | grep -q '^types: BTF (/sys/kernel/btf/vmlinux)' &&
		ok "$s: -v: types from /sys/kernel/btf/vmlinux" || bad "$s: -v: $(stderr_of "$o" verbose | head -3 | tr '\n' ' ')"
	# the snapshot agreed with vmapx --live; the runs since may have moved task stacks: 0 or 1
	rc=$(rc_of "$o" diff)
	if { [ "$rc" = 0 ] || [ "$rc" = 1 ]; } && section "$o" diff | grep -q '^new: /proc/kcore' &&
	   section "$o" diff | grep -q '^appeared: 0 areas'; then
		ok "$s: --live --diff SNAPSHOT: exit $rc, NEW is /proc/kcore, no area appeared ($(section "$o" diff | grep -c .) lines)"
	else
		bad "$s: --live --diff: exit ${rc:-none}: $(section "$o" diff | head -6 | tr '\n' ' ') $(stderr_of "$o" diff | head -2)"
	fi
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

booted=0
for s in $SUITES; do
	kdir=$CACHE/kernels/$s
	rel=$(cat "$kdir/release.txt" 2>/dev/null)
	vmlinuz=$kdir/boot/vmlinuz-$rel
	base=$(ls -t "$CACHE/initramfs/$s-$rel-"*.cpio.gz 2>/dev/null | head -1)
	if [ -z "$rel" ] || [ ! -s "$vmlinuz" ] || [ -z "$base" ]; then
		echo "skip $s: no cached kernel and initramfs in $CACHE (dumps/mkdump --suite $s makes them)"
		continue
	fi
	make_initrd "$base" || { bad "$s: building the initramfs"; continue; }
	boot "$s" "$rel" "$vmlinuz"
	check_guest "$s" "$rel"
	booted=$((booted + 1))
done
[ $booted -gt 0 ] || echo "skip: no guest booted"
exit $((failures > 0))

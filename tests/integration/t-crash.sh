#!/bin/bash
# The crash extension on the real dumps of dumps/out/:
#   crash 8.0.2 (host, build/vmapx.so) on the 5.10 (bullseye-*) and 6.1
#   (bookworm-*) cases, crash 9.x (sid chroot, build/crash9/vmapx.so) on all
#   cases with a vmlinux (the newest: experimental's release candidate, or
#   backports' 7.x); cases of builds without -dbg are skipped by name.
# Per session: `vmapx` must equal vmallocinfo.raw and the standalone tool,
# `vmapx -p hash` vmallocinfo.hashed, `vmapx -j -A ... -N ...` the standalone
# tool's answer, `help vmapx` the golden file of that
# crash version; a bad flag must give crash's usage and leave crash working.
# Prints ok/FAIL/skip lines and the times; exits 1 on any failure.
#   VMAPX_DUMPS=DIR      cases (default $DUMPS, as the other scripts, then dumps/out)
#   VMAPX_CRASH9=0       do not use the sid chroot (crash 9.x)
#   CI=true              the sid chroot must be buildable
#   VMAPX_UPDATE_GOLDEN=1  (re)write tests/crash/help-vmapx.{8,9}.txt
set -uo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
DUMPS=${VMAPX_DUMPS:-${DUMPS:-$SRC/dumps/out}}
GOLDEN=$SRC/tests/crash
TOOL=$SRC/build/vmapx
SO8=$SRC/build/vmapx.so
SO9=$SRC/build/crash9/vmapx.so
fails=0 oks=0

ok() { echo "ok $*"; oks=$((oks + 1)); }
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# crash looks nothing up in an extension by name (the constructor registers
# it): vmapx.so must not put lib/'s vx_* symbols into crash's namespace.
# Checked with or without dumps.
if [ -f "$SO8" ]; then
	exported=$(nm -D --defined-only "$SO8" | awk '{ print $NF }')
	[ -z "$exported" ] && ok "vmapx.so exports no symbol into crash's global namespace" ||
		fail "vmapx.so exports $(wc -w <<<"$exported") symbols: $(head -c 200 <<<"$exported" | tr '\n' ' ')"
fi

cases=()
for d in "$DUMPS"/*/; do
	d=${d%/}
	case $d in *.tmp) continue ;; esac
	[ -f "$d/vmcore.kdump" ] && [ -f "$d/vmallocinfo.raw" ] || continue
	if [ ! -e "$d/vmlinux" ]; then
		echo "skip $(basename "$d"): crash needs a vmlinux: $(jq -r '.no_vmlinux_reason // "none"' "$d/meta.json" 2>/dev/null)"
		continue
	fi
	# makedumpfile -d 31 dumps may lack pages vmapx needs (t-kdump.sh covers them)
	grep -qE '"scenario": "(kdump|oops)"' "$d/meta.json" 2>/dev/null && continue
	cases+=("$d")
done
if [ ${#cases[@]} -eq 0 ]; then
	echo "skip t-crash: no dumps in $DUMPS (make dumps)"
	exit $((fails > 0))
fi
for f in "$TOOL" "$SO8"; do
	[ -f "$f" ] || { echo "FAIL t-crash: $f not built (make)"; exit 1; }
done

WORK=$(mktemp -d /tmp/vmapx-t-crash.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# crash 9.x: the sid chroot (built or reused, extension rebuilt inside).
have9=false
if [ "${VMAPX_CRASH9:-1}" != 0 ]; then
	if "$SRC/tests/crash/build-sid.sh" >"$WORK/build-sid.log" 2>&1; then
		have9=true
		ROOT9=$("$SRC/tests/crash/build-sid.sh" --print-root)
		CRASH9_VERSION=$(chroot "$ROOT9" /usr/bin/crash --version 2>/dev/null |
				 sed -n 's/^crash \([0-9.]*\).*/\1/p' | head -n1)
	elif [ "${CI:-}" = true ]; then
		fail "crash9: tests/crash/build-sid.sh: $(tail -n1 "$WORK/build-sid.log")"
	else
		echo "skip crash9: sid chroot not available: $(tail -n1 "$WORK/build-sid.log")"
	fi
fi
CRASH8_VERSION=$(crash --version 2>/dev/null | sed -n 's/^crash \([0-9.]*\).*/\1/p' | head -n1)

# addr_args CASE: --addr of the first area's first byte and guard page and
# the byte after it, --pfn 1 (the same in crash and in the standalone tool).
addr_args() {
	local first start end
	first=$(awk 'NR == 1 { print $1 }' "$1/vmallocinfo.raw")
	start=${first%-*} end=${first#*-}
	printf -- '-A %x,%x,%x -N 1\n' "$start" $((end - 4096)) "$end"
}

# run_crash VERSION CASE OUT SO [crash options]: one session, the command
# file written into OUT; stdout+stderr of crash in OUT/session.txt.
run_crash() {
	local ver=$1 c=$2 out=$3 so=$4
	shift 4
	local k
	k=$(readlink -f "$c/vmlinux")
	addr_args "$c" >"$out/addr.args"
	cat >"$out/cmds" <<-EOF
	!date +%s.%N > $out/t1
	extend $so
	vmapx > $out/vmapx.txt
	!date +%s.%N > $out/t2
	vmapx -p hash > $out/hash.txt
	!date +%s.%N > $out/t3
	help vmapx > $out/help.txt
	vmapx --no-such-flag
	vmapx -p
	vmapx > $out/again.txt
	vmapx -j $(cat "$out/addr.args") > $out/addr.txt
	sys > $out/sys.txt
	exit
	EOF
	now >"$out/t0"
	if [ "$ver" = 8 ]; then
		crash -s --no_crashrc "$@" -i "$out/cmds" "$k" "$c/vmcore.kdump" \
			</dev/null >"$out/session.txt" 2>&1
	else
		# Private mount namespace: the binds vanish with the process.
		unshare -m bash -c '
			set -e
			root=$1 out=$2 c=$3 k=$4 so=$5; shift 5
			for d in "$c" "$(dirname "$k")" "$out" "$(dirname "$so")"; do
				mkdir -p "$root$d"
				mount --bind "$d" "$root$d"
			done
			mount -t proc proc "$root/proc"
			exec chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin \
				HOME=/root TERM=dumb crash -s --no_crashrc "$@" \
				-i "$out/cmds" "$k" "$c/vmcore.kdump"
		' t-crash "$ROOT9" "$out" "$c" "$k" "$so" "$@" \
			</dev/null >"$out/session.txt" 2>&1
	fi
	now >"$out/t4"
}

# same WHAT FILE EXPECTED: byte-identical, or a short diff summary.
same() {
	local what=$1 got=$2 want=$3
	if [ ! -f "$got" ]; then
		fail "$what: no output (see session below)"
		sed 's/^/    /' "$(dirname "$got")/session.txt" | tail -n 15
	elif cmp -s "$got" "$want"; then
		ok "$what ($(wc -l <"$want") lines)"
	else
		fail "$what: $(diff "$want" "$got" | grep -c '^[<>]') lines differ"
		diff "$want" "$got" | head -n 6 | sed 's/^/    /'
	fi
}

check_session() {
	local tag=$1 c=$2 out=$3 golden=$4
	local name
	name=$(basename "$c")
	same "$tag $name vmapx = vmallocinfo.raw" "$out/vmapx.txt" "$c/vmallocinfo.raw"
	if [ -f "$WORK/$name.tool" ]; then
		same "$tag $name vmapx = standalone vmapx" "$out/vmapx.txt" "$WORK/$name.tool"
	fi
	if [ -f "$c/vmallocinfo.hashed" ]; then
		same "$tag $name vmapx -p hash = vmallocinfo.hashed" "$out/hash.txt" \
			"$c/vmallocinfo.hashed"
	fi
	if [ -f "$WORK/$name.addr" ]; then
		same "$tag $name vmapx -j $(cat "$out/addr.args") = standalone vmapx" \
			"$out/addr.txt" "$WORK/$name.addr"
	fi
	if [ "${VMAPX_UPDATE_GOLDEN:-}" = 1 ] && [ -s "$out/help.txt" ]; then
		cp "$out/help.txt" "$golden"
	fi
	if [ -f "$golden" ]; then
		same "$tag $name help vmapx = $(basename "$golden")" "$out/help.txt" "$golden"
	else
		fail "$tag $name help vmapx: no golden $golden (VMAPX_UPDATE_GOLDEN=1)"
	fi
	if grep -q 'vmapx: unknown option' "$out/session.txt" &&
	   [ "$(grep -c '^  vmapx \[' "$out/session.txt")" -ge 2 ] &&
	   cmp -s "$out/again.txt" "$out/vmapx.txt" &&
	   grep -q 'KERNEL:' "$out/sys.txt" 2>/dev/null; then
		ok "$tag $name bad flags: crash's usage, next commands work"
	else
		fail "$tag $name bad flags: no usage, or crash stopped working"
		grep -v '^$' "$out/session.txt" | tail -n 10 | sed 's/^/    /'
	fi
	# The extension's own messages (skips, errors) other than the bad flags.
	grep 'vmapx' "$out/session.txt" | grep -v 'shared object loaded\|unknown option\|needs an argument\|^  vmapx \[\|help vmapx' |
		sed 's/^/    note: /' | head -n 5
	if [ -f "$out/t1" ] && [ -f "$out/t2" ] && [ -f "$out/t3" ]; then
		echo "time $tag $name: crash start $(secs "$(cat "$out/t0")" "$(cat "$out/t1")") s," \
		     "first vmapx (extend + open + print) $(secs "$(cat "$out/t1")" "$(cat "$out/t2")") s," \
		     "cached vmapx -p hash $(secs "$(cat "$out/t2")" "$(cat "$out/t3")") s," \
		     "session $(secs "$(cat "$out/t0")" "$(cat "$out/t4")") s"
	fi
}

echo "t-crash: ${#cases[@]} cases; crash ${CRASH8_VERSION:-?} (host)$($have9 && echo ", crash ${CRASH9_VERSION:-9.x} (sid chroot)")"
for c in "${cases[@]}"; do
	name=$(basename "$c")
	# The standalone tool on the same dump, for comparison.
	if ! "$TOOL" "$c/vmcore.kdump" >"$WORK/$name.tool" 2>"$WORK/$name.tool.err"; then
		echo "note: standalone vmapx on $name: $(head -n1 "$WORK/$name.tool.err")"
	fi
	# shellcheck disable=SC2046
	"$TOOL" -j $(addr_args "$c") "$c/vmcore.kdump" >"$WORK/$name.addr" 2>/dev/null ||
		rm -f "$WORK/$name.addr"
	case $name in
	bullseye-*|bookworm-*)
		out=$WORK/8-$name
		mkdir -p "$out"
		run_crash 8 "$c" "$out" "$SO8"
		check_session "crash$CRASH8_VERSION" "$c" "$out" "$GOLDEN/help-vmapx.8.txt"
		;;
	esac
	if $have9; then
		# Kernels whose struct module lost num_gpl_syms (GPL symbols merged into one table,
		# 7.x) stop crash 9.0's module_init() before the prompt ("invalid structure member
		# offset: module_num_gpl_syms"); without module symbols the session works. The
		# member's name is absent from such a vmlinux's debug info (a 2 s grep; a failed
		# crash start costs a minute).
		opts=()
		if ! grep -q -a -m1 num_gpl_syms "$(readlink -f "$c/vmlinux")"; then
			opts=(--no_modules)
			echo "note: $name: the vmlinux has no module.num_gpl_syms: crash$CRASH9_VERSION runs with --no_modules"
		fi
		out=$WORK/9-$name
		mkdir -p "$out"
		run_crash 9 "$c" "$out" "$SO9" "${opts[@]}"
		if grep -q 'invalid structure member offset' "$out/session.txt"; then
			fail "crash$CRASH9_VERSION $name: $(grep -m1 'invalid structure member offset' "$out/session.txt")"
		fi
		check_session "crash$CRASH9_VERSION" "$c" "$out" "$GOLDEN/help-vmapx.9.txt"
	fi
done

echo "t-crash: $oks ok, $fails failed"
[ "$fails" -eq 0 ]

#!/bin/bash
# The Debian packages (debian/): built with dpkg-buildpackage from the
# repository's files in a scratch directory, lintian-clean (no error, no
# warning), holding what they must, crash-vmapx depending on the installed
# crash's release; unpacked into a scratch root, the packaged vmapx prints a
# dump's vmallocinfo.raw, and crash -s with a bare "extend vmapx.so" finds
# the packaged extension where Debian's crash looks (/usr/lib/crash/
# extensions, bind-mounted from the scratch root in a private mount
# namespace: nothing is installed on the machine) and prints the same.
# Prints the build and lintian times and the package sizes.
set -u
SRC=$(cd "$(dirname "$0")/../.." && pwd)
cd "$SRC" || exit 1
. tests/integration/lib.sh
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

for tool in dpkg-buildpackage dh lintian; do
	command -v $tool >/dev/null && continue
	[ "${CI:-}" = true ] && { bad "deb: $tool missing (make deps)"; exit 1; }
	echo "skip t-deb: $tool missing (make deps installs it)"
	exit 0
done
WORK=$(mktemp -d /tmp/vmapx-t-deb.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/src" "$WORK/root" "$WORK/cwd"

# The repository's files (tracked and new, not ignored), not build/.
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard | grep -zv '^dumps/out/' |
		xargs -0 tar -cf - 2>/dev/null | tar -C "$WORK/src" -xf -
else
	tar --exclude=./build --exclude=./dumps/out -cf - . | tar -C "$WORK/src" -xf -
fi
t0=$(now)
if ! (cd "$WORK/src" && DEB_BUILD_OPTIONS="nocheck parallel=2" nice dpkg-buildpackage -us -uc -b) \
	>"$WORK/build.log" 2>&1; then
	bad "deb: dpkg-buildpackage -us -uc -b failed"
	tail -n 15 "$WORK/build.log" | sed 's/^/    /'
	exit 1
fi
t1=$(now)
ver=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg --print-architecture)
tool_deb=$WORK/vmapx_${ver}_$arch.deb
ext_deb=$WORK/crash-vmapx_${ver}_$arch.deb
ok "deb: dpkg-buildpackage -us -uc -b builds vmapx and crash-vmapx ($(secs "$t0" "$t1") s;" \
	"$(stat -c %s "$tool_deb") and $(stat -c %s "$ext_deb") bytes)"

nice lintian --fail-on error,warning -I --pedantic "$WORK"/vmapx_"${ver}"_"$arch".changes \
	>"$WORK/lintian.log" 2>&1
rc=$?
tags=$(grep -c '^[EWIP]: ' "$WORK/lintian.log")
t2=$(now)
[ $rc -eq 0 ] && ok "deb: lintian: no errors or warnings ($tags tags in all; $(secs "$t1" "$t2") s)" ||
	{ bad "deb: lintian (status $rc)"; grep '^[EWIP]: ' "$WORK/lintian.log" | head -n 10 | sed 's/^/    /'; }

# What each package holds.
for want in "$tool_deb ./usr/bin/vmapx" "$tool_deb ./usr/share/man/man1/vmapx.1.gz" \
	    "$tool_deb ./usr/share/bash-completion/completions/vmapx" \
	    "$ext_deb ./usr/lib/crash/extensions/vmapx.so"; do
	set -- $want
	dpkg-deb -c "$1" | awk '{ print $NF }' | grep -qx -- "$2" &&
		ok "deb: $(basename "$1") holds $2" || bad "deb: $(basename "$1") lacks $2"
done

# crash-vmapx: installable with this crash, not with the next release.
crash_ver=$(dpkg-query -W -f='${Version}' crash)
deps=$(dpkg-deb -f "$ext_deb" Depends)
lo=$(grep -o 'crash (>= [^)]*)' <<<"$deps" | sed 's/crash (>= \(.*\))/\1/')
hi=$(grep -o 'crash (<< [^)]*)' <<<"$deps" | sed 's/crash (<< \(.*\))/\1/')
if [ -n "$lo" ] && [ -n "$hi" ] && dpkg --compare-versions "$crash_ver" ge "$lo" &&
   dpkg --compare-versions "$crash_ver" lt "$hi"; then
	ok "deb: crash-vmapx depends on crash >= $lo, << $hi (installed: $crash_ver)"
else
	bad "deb: crash-vmapx Depends: '$deps' (installed crash: $crash_ver)"
fi

dpkg -x "$tool_deb" "$WORK/root" && dpkg -x "$ext_deb" "$WORK/root"
VMAPX_COMPLETION=$WORK/root/usr/share/bash-completion/completions/vmapx \
	bash tests/integration/t-completion.sh | sed 's/^ok completion/ok deb: the packaged completion/'

c=$(cases | grep -m1 '^bookworm-base$')
if [ -z "$c" ] || [ ! -e "$DUMPS/$c/vmlinux" ]; then
	[ "${CI:-}" = true ] && bad "deb: no bookworm-base dump with a vmlinux in $DUMPS"
	echo "skip deb: no bookworm-base dump in $DUMPS: the packages are not run"
	finish
	exit
fi
d=$DUMPS/$c
"$WORK/root/usr/bin/vmapx" "$d/vmcore.kdump" >"$WORK/tool.txt" 2>"$WORK/tool.err"
rc=$?
[ $rc -eq 0 ] && cmp -s "$WORK/tool.txt" "$d/vmallocinfo.raw" &&
	ok "deb: the packaged vmapx prints $c's vmallocinfo.raw" ||
	bad "deb: the packaged vmapx on $c: status $rc $(head -n1 "$WORK/tool.err")"

# crash in a private mount namespace, no CRASH_EXTENSIONS, a directory
# without vmapx.so as the current one: only the default path can find it.
printf 'extend vmapx.so\nvmapx > %s\nexit\n' "$WORK/crash.txt" >"$WORK/cmds"
t3=$(now)
unshare -m bash -c '
	mount --bind "$1/usr/lib/crash/extensions" /usr/lib/crash/extensions &&
	cd "$2" && exec env -u CRASH_EXTENSIONS crash -s --no_crashrc -i "$3" "$4" "$5"
' t-deb "$WORK/root" "$WORK/cwd" "$WORK/cmds" "$(readlink -f "$d/vmlinux")" "$d/vmcore.kdump" \
	</dev/null >"$WORK/session.txt" 2>&1
t4=$(now)
if grep -q '^/usr/lib/crash/extensions/vmapx.so: shared object loaded' "$WORK/session.txt" &&
   cmp -s "$WORK/crash.txt" "$d/vmallocinfo.raw"; then
	ok "deb: crash -s, bare 'extend vmapx.so': the packaged extension prints $c's vmallocinfo.raw ($(secs "$t3" "$t4") s)"
else
	bad "deb: crash with the packaged extension on $c"
	grep -v '^$' "$WORK/session.txt" | tail -n 8 | sed 's/^/    /'
fi
finish

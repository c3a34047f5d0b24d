#!/bin/bash
# What each case in dumps/ says about its kernel holds: meta.json names the suite, release and
# packages; a case selected by package-name pattern took a package that matches it; "vmlinux"
# agrees with the case's files (a build without -dbg has none, and says why). README.md's
# "Tested kernels" table is compared with dumps/tested-kernels (a note only: the mirror moves on,
# so a fresh cache may test newer builds than the README lists).
set -u
. "$(dirname "$0")/lib.sh"
require_cases
SRC=$(cd "$(dirname "$0")/../.." && pwd)

for c in $(cases); do
	m=$DUMPS/$c/meta.json
	if [ ! -s "$m" ]; then
		bad "$c: no meta.json"
		continue
	fi
	missing=$(jq -r '[("suite", "release", "packages", "case") as $k
		| select((.[$k] // "") == "") | $k] | join(" ")' "$m")
	[ -z "$missing" ] && [ "$(jq -r .case "$m")" = "$c" ] &&
		ok "$c: meta.json names suite, release, packages and the case" ||
		bad "$c: meta.json lacks: ${missing:-the right case name}"
	sel=$(jq -r '.selector // empty' "$m")
	if [ -n "$sel" ] && [ "$sel" != linux-image-cloud-amd64 ]; then
		img=$(jq -r '.packages | split(" ") | .[0]' "$m")
		# shellcheck disable=SC2053
		if [[ $img == $sel ]]; then
			ok "$c: image $img matches the selector $sel"
		else
			bad "$c: image $img does not match the selector $sel"
		fi
	fi
	has=$(jq -r 'if has("vmlinux") then .vmlinux else "unrecorded" end' "$m")
	case $has/$([ -e "$DUMPS/$c/vmlinux" ] && echo present || echo absent) in
	true/present) ok "$c: has the vmlinux meta.json records" ;;
	false/absent)
		why=$(jq -r '.no_vmlinux_reason // empty' "$m")
		[ -n "$why" ] && ok "$c: no vmlinux, and meta.json says why ($why)" ||
			bad "$c: no vmlinux and no no_vmlinux_reason"
		[ ! -e "$DUMPS/$c/System.map" ] || bad "$c: a System.map without a vmlinux" ;;
	unrecorded/*) ;;	# made before meta.json recorded it
	*) bad "$c: meta.json vmlinux=$has but the vmlinux is $([ -e "$DUMPS/$c/vmlinux" ] && echo present || echo absent)" ;;
	esac
done

# README's table against this dumps/out: rows of releases built here that README does not list
if readme=$(sed -n '/^## Tested kernels/,/^## /p' "$SRC/README.md" | grep '^| `') && [ -n "$readme" ]; then
	new=$("$SRC/dumps/tested-kernels" "$DUMPS" 2>/dev/null | grep '^| `' | cut -d'|' -f2 | grep -vxF -f <(echo "$readme" | cut -d'|' -f2))
	[ -z "$new" ] || echo "note: README.md Tested kernels does not list$(echo "$new" | tr -d '\n') (run dumps/tested-kernels)"
fi
finish

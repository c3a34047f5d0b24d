#!/bin/bash
# The bpf cases (dumps --scenario bpf): a guest filled the modules window with BPF JIT images
# until the kernel refused one. --failures must find every failure message the kernel logged
# (meta.json bpf.messages, from the console), each with its size (logged, or inferred where the
# message has none: execmem), in the modules window, with the verdict exhaustion or
# fragmentation; its window figures must be --frag's; --fit of the request must say it does not
# fit; the listing stays byte-identical to the captured /proc/vmallocinfo; and the dump is what the
# scenario promises (no two JIT images in one pack, the loaders saw the refusal: meta.json "bpf").
set -u
. "$(dirname "$0")/lib.sh"

bpf_cases() {
	local c
	for c in $(cases); do
		jq -e '.scenario == "bpf"' "$DUMPS/$c/meta.json" >/dev/null 2>&1 && echo "$c"
	done
}
require_cases bpf_cases "bpf (modules-window exhaustion) dumps"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The failure patterns of mkdump's BPF_MSGS, as vmapx words its kinds.
check_messages() { # case json
	local c=$1 json=$2 n i text count found
	n=$(jq '.bpf.messages | length' "$DUMPS/$c/meta.json")
	[ "$n" -ge 1 ] || { bad "$c: meta.json lists no failure message"; return; }
	for ((i = 0; i < n; i++)); do
		text=$(jq -r ".bpf.messages[$i].text" "$DUMPS/$c/meta.json")
		count=$(jq -r ".bpf.messages[$i].count" "$DUMPS/$c/meta.json")
		found=$(jq --arg t "$text" '[.failures[] | select(.message == $t)] | length' <<<"$json")
		if [ "$found" -ge "$count" ]; then
			ok "$c: the kernel logged '$text' $count time(s); --failures finds $found"
		else
			bad "$c: the kernel logged '$text' $count time(s); --failures finds $found"
		fi
	done
}

# Every failure: a size, the modules window, exhaustion or fragmentation, --frag's numbers.
check_failures() { # case json frag
	local c=$1 json=$2 frag=$3 n i f size logged verdict
	n=$(jq '.failures | length' <<<"$json")
	for ((i = 0; i < n; i++)); do
		f=$(jq -c ".failures[$i]" <<<"$json")
		size=$(jq -r '.request_size' <<<"$f")
		logged=$(jq -r '.message | capture("size (?<n>[0-9]+)").n // empty' <<<"$f")
		if [ -n "$logged" ]; then
			[ "$size" = "$logged" ] && ok "$c: seq $(jq .seq <<<"$f"): request $size as logged" ||
				bad "$c: seq $(jq .seq <<<"$f"): request $size, the message says $logged"
		elif [ "$(jq -r .request_inferred <<<"$f")" = true ] && [ "$size" -gt 0 ] &&
		     [ "$size" = "$(jq -r .window_state.bpf_pack_size <<<"$f")" ]; then
			ok "$c: seq $(jq .seq <<<"$f"): no size logged; inferred $size, the BPF packs' size ($(jq -r .request_inferred_from <<<"$f"))"
		else
			bad "$c: seq $(jq .seq <<<"$f"): no size logged and none inferred: $f"
		fi
		[ "$(jq -r .window <<<"$f")" = modules ] && ok "$c: seq $(jq .seq <<<"$f"): window modules" ||
			bad "$c: seq $(jq .seq <<<"$f"): window $(jq -r .window <<<"$f"), want modules"
		verdict=$(jq -r .verdict <<<"$f")
		case $verdict in
			address_space_exhausted|address_space_fragmented) ok "$c: seq $(jq .seq <<<"$f"): verdict $verdict" ;;
			*) bad "$c: seq $(jq .seq <<<"$f"): verdict $verdict, want exhaustion or fragmentation" ;;
		esac
		jq -e --argjson m "$(jq -c '.windows[] | select(.name == "modules")' <<<"$frag")" '
			.window_state.free_extents == $m.free_extents and
			.window_state.largest_free == $m.largest_free and
			.window_state.free_bytes == $m.fit.usable_free and
			(.window_state.busy_bpf + .window_state.busy_modules + .window_state.busy_other) == $m.busy_bytes and
			.window_state.extents_fit == 0 and .fits_now == false' <<<"$f" >/dev/null &&
			ok "$c: seq $(jq .seq <<<"$f"): window figures equal --frag's (free extents, largest, usable free, busy) and no extent holds the request" ||
			bad "$c: seq $(jq .seq <<<"$f"): window figures differ from --frag: $(jq -c .window_state <<<"$f")"
	done
}

for c in $(bpf_cases); do
	d=$DUMPS/$c
	"$VMAPX" "$d/vmcore.kdump" >"$tmp/$c.out" 2>"$tmp/$c.err"
	same_file "$c: the listing equals vmallocinfo.raw" "$d/vmallocinfo.raw" "$tmp/$c.out"
	json=$("$VMAPX" --failures -j "$d/vmcore.kdump" 2>"$tmp/$c.ferr")
	rc=$?
	[ $rc -eq 0 ] || { bad "$c: --failures exits $rc: $(head -3 "$tmp/$c.ferr")"; continue; }
	printf '%s\n' "$json" >"$tmp/$c.failures.json"
	json_valid "$c: --failures -j" failures "$tmp/$c.failures.json"
	size=$(jq -r '[.failures[] | select(.window == "modules") | .request_size][0] // 0' <<<"$json")
	frag=$("$VMAPX" --frag --fit "$size" -j "$d/vmcore.kdump" 2>/dev/null)
	printf '%s\n' "$frag" >"$tmp/$c.fit1.json"
	json_valid "$c: --frag --fit $size -j" fit "$tmp/$c.fit1.json"
	check_messages "$c" "$json"
	# the loaders' task: from the message, its stack dump, or the dump's task list by PID
	nameless=$(jq '[.failures[] | select(.comm == "")] | length' <<<"$json")
	[ "$nameless" -eq 0 ] && ok "$c: every failure names its task ($(jq -r '[.failures[].comm] | unique | join(",")' <<<"$json"))" ||
		bad "$c: $nameless failures name no task"
	check_failures "$c" "$json" "$frag"
	# --fit takes the plain request (no guard): the logged vmap sizes include it
	guard=$(jq -r '[.failures[] | select(.window == "modules")][0].request_includes_guard' <<<"$json")
	[ "$guard" = true ] && size=$((size - 4096))
	"$VMAPX" --fit "$size" -j "$d/vmcore.kdump" >"$tmp/$c.fit2.json" 2>/dev/null
	json_valid "$c: --fit $size -j" fit "$tmp/$c.fit2.json"
	fit=$(jq -c '.windows[] | select(.name == "modules") | .fit' "$tmp/$c.fit2.json")
	[ "$(jq -r .fits <<<"$fit")" = false ] && ok "$c: --fit $size says it does not fit in the modules window ($(jq -r .verdict <<<"$fit"))" ||
		bad "$c: --fit $size in the modules window: $fit"
	# the guest's programs each hold a pack of their own
	progs=$(jq -r .bpf.programs "$d/meta.json")
	packs=$(jq -r '[.failures[] | select(.window == "modules")][0].window_state.bpf_packs' <<<"$json")
	[ "$packs" -ge "$progs" ] && ok "$c: $packs BPF packs in the window for the guest's $progs JITed programs" ||
		bad "$c: $packs BPF packs in the window for $progs JITed programs"
	# what the scenario promises of the dump: no two images share a pack (each over half of one,
	# the guard page not counted), and the loaders saw the refusal (6.1 fails the load, 6.12
	# leaves the program interpreted)
	pack=$(jq -r '[.failures[] | select(.window == "modules")][0].window_state.bpf_pack_size' <<<"$json")
	minlen=$(jq -r .bpf.jited_len_min "$d/meta.json")
	[ "$pack" -gt 4096 ] && [ $((2 * minlen)) -gt $((pack - 4096)) ] &&
		ok "$c: the smallest JIT image ($minlen bytes) is over half a pack ($pack bytes with the guard): one pack each" ||
		bad "$c: JIT images of $minlen bytes could share a pack of $pack bytes"
	refused=$(jq -r '(.bpf.failed_loads // 0) + (.bpf.not_jited // 0)' "$d/meta.json")
	[ "$refused" -ge 1 ] &&
		ok "$c: the loaders saw the refusal ($(jq -r '"\(.bpf.failed_loads) failed, \(.bpf.not_jited) not JITed, errno \(.bpf.errno_name)"' "$d/meta.json"))" ||
		bad "$c: no load failed or stayed unJITed: the window was not filled by the loaders"
	# modules by name: their memory is part of what the module holders hold
	jq -e '[.failures[] | select(.window == "modules")][0].window_state |
		(.largest_modules | length) > 0 and ([.largest_modules[].bytes] | add) <= .busy_modules' \
		<<<"$json" >/dev/null && ok "$c: the largest modules by name fit within the modules' busy bytes" ||
		bad "$c: largest_modules missing or larger than the modules' busy bytes"
	top=$(jq -r '[.failures[] | select(.window == "modules")][0].window_state.top_holders[0].kind' <<<"$json")
	[ "$top" = bpf ] && ok "$c: the top holder of the modules window is BPF" ||
		bad "$c: the top holder of the modules window is '$top', want bpf"
done
finish

#!/bin/bash
# The no-vmlinux sources on each real kernel of dumps/: the vmlinux's BTF
# (the blob the dump holds at __start_BTF) and its DWARF give the same
# sizes and offsets, and the ones shared/doc/kernel-vmalloc.md tabulates
# for the Debian builds (§1.1-§1.3, §6.6); scanning the kernel image (its
# PT_LOAD segments at their link addresses) finds the kallsyms tables at
# exactly the addresses of the vmlinux symtab's kallsyms_* symbols.
set -u
. "$(dirname "$0")/lib.sh"
require_cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
checker=build/tests/types-check

make -s build/libvmapx.a >/dev/null || { bad "build/libvmapx.a does not build"; exit 1; }
mkdir -p build/tests
# shellcheck disable=SC2046
if ! cc -std=gnu11 -O2 -Ilib -Itests/unit -o "$checker" tests/integration/types-check.c \
	tests/unit/fake_mem.c build/libvmapx.a \
	$(pkg-config --libs libkdumpfile libdw libelf libbpf) 2>"$tmp/cc.err"; then
	bad "types-check does not build: $(head -n 3 "$tmp/cc.err")"
	exit 1
fi

# Lines the answers must contain, per major.minor (Debian non-RT builds).
expected() {
	cat <<-'END'
	vmap_area.va_start 0 8
	vmap_area.va_end 8 8
	vmap_area.rb_node 16 24
	vmap_area.list 40 16
	vmap_area.vm 56 8
	vmap_area.subtree_max_size 56 8
	vm_struct.addr 8 8
	vm_struct.size 16 8
	vm_struct.flags 24 8
	vm_struct.pages 32 8
	sizeof mod_kallsyms 32
	mod_kallsyms.symtab 0 8
	mod_kallsyms.num_symtab 8 4
	mod_kallsyms.strtab 16 8
	mod_kallsyms.typetab 24 8
	module.state 0 4
	module.list 8 16
	module.name 24 56
	END
	case $1 in
	5.10) cat <<-'END' ;;
	sizeof vmap_area 64
	vmap_area.purge_list 56 8
	absent vmap_area.flags
	sizeof vm_struct 64
	vm_struct.nr_pages 40 4
	absent vm_struct.page_order
	vm_struct.phys_addr 48 8
	vm_struct.caller 56 8
	absent sizeof vmap_node
	sizeof module 960
	module.core_layout 384 80
	module.init_layout 464 80
	module.kallsyms 608 8
	module.core_kallsyms 616 32
	sizeof module_layout 80
	module_layout.base 0 8
	module_layout.size 8 4
	module_layout.text_size 12 4
	absent module.mem
	END
	6.1) cat <<-'END' ;;
	sizeof vmap_area 64
	absent vmap_area.purge_list
	absent vmap_area.flags
	sizeof vm_struct 64
	vm_struct.page_order 40 4
	vm_struct.nr_pages 44 4
	vm_struct.phys_addr 48 8
	vm_struct.caller 56 8
	absent sizeof vmap_node
	sizeof module 896
	module.core_layout 320 80
	module.init_layout 400 80
	module.kallsyms 544 8
	module.core_kallsyms 552 32
	sizeof module_layout 80
	module_layout.base 0 8
	module_layout.size 8 4
	module_layout.text_size 12 4
	absent module.mem
	END
	6.12|7.2)
		cat <<-'END'
		sizeof vmap_area 72
		vmap_area.flags 64 8
		vm_struct.page_order 40 4
		sizeof vmap_node 6272
		vmap_node.pool 0 6144
		vmap_node.busy.head 6160 16
		vmap_node.lazy.head 6192 16
		vmap_node.purge_list 6216 16
		sizeof rb_list 32
		sizeof vmap_pool 24
		vmap_pool.head 0 16
		vmap_pool.len 16 8
		sizeof module 1280
		module.mem 320 504
		sizeof module_memory 72
		module_memory.base 0 8
		absent module.core_layout
		absent sizeof module_layout
		END
		if [ "$1" = 6.12 ]; then
			cat <<-'END'
			sizeof vm_struct 72
			vm_struct.nr_pages 44 4
			vm_struct.phys_addr 48 8
			vm_struct.caller 56 8
			module.kallsyms 888 8
			module.core_kallsyms 896 32
			module_memory.size 8 4
			END
		else
			cat <<-'END'
			sizeof vm_struct 80
			vm_struct.nr_pages 48 8
			vm_struct.phys_addr 56 8
			vm_struct.caller 64 8
			module.kallsyms 904 8
			module.core_kallsyms 912 32
			module_memory.size 12 4
			END
		fi ;;
	esac
}

declare -A done_vmlinux=()
checked=0
for c in $(cases); do
	d=$DUMPS/$c
	has_vmlinux "$c" "the DWARF/BTF/kallsyms cross-check" || continue
	v=$(realpath "$d/vmlinux")
	[ -n "${done_vmlinux[$v]:-}" ] && continue
	done_vmlinux[$v]=1
	release=$(sed -n 's/.*"release": *"\([^"]*\)".*/\1/p' "$d/meta.json")
	version=$(echo "$release" | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
	out=$tmp/$c.out
	"$checker" "$v" --dwarf >"$out" 2>&1
	rc=$?
	[ $rc -eq 0 ] || bad "$c ($release): types-check exits $rc: $(grep -E 'MISMATCH|WRONG|FAIL|BUT' "$out" | head -n 5)"
	if grep -q MISMATCH "$out"; then
		bad "$c ($release): DWARF and BTF disagree: $(grep MISMATCH "$out" | head -n 5)"
	else
		ok "$c ($release): DWARF gives the same sizes and offsets as BTF"
	fi
	missing=$(expected "$version" | grep -vxF -f "$out")
	if [ -z "$missing" ]; then
		ok "$c ($release): BTF sizes and offsets match kernel-vmalloc.md"
	else
		bad "$c ($release): BTF answers differ from kernel-vmalloc.md: $(echo "$missing" | head -n 5 | tr '\n' ';')"
	fi
	if grep -q '^scan time' "$out" && ! grep -qE 'WRONG|BUT FOUND|scan FAILED' "$out"; then
		ok "$c ($release): kallsyms scan finds the tables at the vmlinux symtab's addresses ($(grep '^scan time' "$out"))"
	else
		bad "$c ($release): kallsyms scan: $(grep -E 'WRONG|BUT|FAILED' "$out" | head -n 3)"
	fi
	checked=$((checked + 1))
done
[ $checked -gt 0 ] || echo "skip: no dump in $DUMPS has a vmlinux"
finish

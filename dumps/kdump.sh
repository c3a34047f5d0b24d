# dumps/kdump.sh: the `kdump` scenario of dumps/mkdump (sourced by it; uses its variables and
# helpers: CACHE HERE SUITE REL VMLINUZ INITRD APPEND MEM ELF TMPOUT RUN QPID TIMEOUT, log now
# wait_marker modfile modcat section jstr fsize el).
#
# The dump is written the way users' dumps are: the first kernel boots with crashkernel=, its init
# loads the same kernel as capture kernel with the kernel suite's own `kexec -p` (Debian
# kexec-tools and the libraries its loader lists, unpacked from the suite's .debs by
# dumps/fetch-debs), vcap captures /proc/vmallocinfo twice and panics (sysrq c) when the host says
# so; the capture kernel (rdinit=/bin/kdump-capture) runs makedumpfile of --makedumpfile-suite
# with -d 31 (Debian kdump-tools' filter) once per compression it supports, flattened into one
# virtio-serial port each, and copies /proc/vmcore as ELF to a raw virtio disk (with --elf).
# shellcheck shell=bash

KD_COMPS="zlib lzo snappy zstd"
# Debian kdump-tools' KDUMP_CMDLINE_APPEND (reset_devices nr_cpus=1 irqpoll nousb) + our console/init
KD_CMDLINE="console=ttyS0 reset_devices nr_cpus=1 irqpoll nousb panic=-1 rdinit=/bin/kdump-capture"

# kdump_copy_bin ROOT IRD NAME: the binary NAME of the unpacked packages under ROOT into IRD/sbin,
# with the libraries that ROOT's own dynamic loader lists for it (never the host's: a library that
# resolves outside ROOT is an error).
kdump_copy_bin() {
    local root=$1 ird=$2 name=$3 bin ld lib arrow path rest
    bin=$(find "$root" -type f -name "$name" -path '*bin/*' | head -1)
    # a regular file: lib64/ld-linux-x86-64.so.2 is an absolute symlink (the host's loader)
    ld=$(find "$root" -type f -name ld-linux-x86-64.so.2 | head -1)
    [ -n "$bin" ] && [ -n "$ld" ] || { log "no $name or no ld-linux-x86-64.so.2 under $root"; return 1; }
    mkdir -p "$ird/sbin" "$ird/lib64" "$ird/lib/x86_64-linux-gnu"
    cp "$bin" "$ird/sbin/$name"
    cp -L "$ld" "$ird/lib64/ld-linux-x86-64.so.2"
    "$ld" --library-path "$root/lib/x86_64-linux-gnu:$root/usr/lib/x86_64-linux-gnu" --list "$bin" \
        > "$ird/.ldd" || { log "$name: the suite's loader cannot list its libraries"; return 1; }
    while read -r lib arrow path rest; do
        [ "$arrow" = "=>" ] || continue
        case $lib in /*) continue ;; esac
        case $path in "$root"/*) ;; *) log "$name: $lib resolves outside the suite's packages: $path"; return 1 ;; esac
        cp -L "$path" "$ird/lib/x86_64-linux-gnu/$lib"
    done < "$ird/.ldd"
    rm -f "$ird/.ldd"
}

kdump_cpio() { (cd "$1" && find . | cpio -o -H newc --quiet | gzip -1); }

# kdump_prepare: fetch kexec-tools (kernel suite) and makedumpfile (MDSUITE), build the capture
# initramfs (base initramfs + makedumpfile + virtio_blk + kdump-capture) and the first kernel's
# (base + kexec + vmlinuz + capture initramfs), size crashkernel=, point INITRD at the first one.
kdump_prepare() {
    local kroot mroot sum ird c
    kroot=$("$HERE/fetch-debs" "$SUITE" kexec-tools | tail -1)
    mroot=$("$HERE/fetch-debs" "$MDSUITE" makedumpfile | tail -1)
    KD_KEXEC_VERSION=$(sed -n 's/^kexec-tools //p' "$kroot/versions.txt")
    KD_MD_PACKAGE=$(sed -n 's/^makedumpfile //p' "$mroot/versions.txt")
    sum=$(cat "$HERE/kdump.sh" "$HERE/guest/kdump-capture" "$HERE/guest/vcopy.c" "$kroot/versions.txt" "$mroot/versions.txt" \
          <(echo "$INITRD $KD_CMDLINE ${CRASHKERNEL:-}") | sha1sum | cut -c1-12)
    KD_CAPTURE=$CACHE/initramfs/kdump-capture-$REL-$MDSUITE-$sum.img
    KD_FIRST=$CACHE/initramfs/kdump-first-$REL-$MDSUITE-$sum.img
    if [ ! -s "$KD_FIRST" ]; then
        ird=$(mktemp -d /tmp/vmapx-kdump.XXXXXX)
        mkdir -p "$ird/cap/bin" "$ird/cap/lib/vmapx/kdump" "$ird/first/boot"
        kdump_copy_bin "$mroot/root" "$ird/cap" makedumpfile || { rm -rf "$ird"; return 1; }
        install -m 755 "$HERE/guest/kdump-capture" "$ird/cap/bin/kdump-capture"
        gcc -static -O2 -Wall -o "$ird/cap/bin/vcopy" "$HERE/guest/vcopy.c"
        c=$(modfile virtio_blk)
        if [ -n "$c" ]; then
            modcat "$c" > "$ird/cap/lib/vmapx/kdump/virtio_blk.ko"; echo virtio_blk > "$ird/cap/lib/vmapx/kdump/modules.list"
        fi
        { cat "$INITRD"; kdump_cpio "$ird/cap"; } > "$KD_CAPTURE.tmp$$"
        kdump_copy_bin "$kroot/root" "$ird/first" kexec || { rm -rf "$ird"; return 1; }
        cp "$VMLINUZ" "$ird/first/boot/vmlinuz"
        cp "$KD_CAPTURE.tmp$$" "$ird/first/boot/capture.img"
        echo "$KD_CMDLINE" > "$ird/first/boot/capture.cmdline"
        { cat "$INITRD"; kdump_cpio "$ird/first"; } > "$KD_FIRST.tmp$$"
        mv "$KD_CAPTURE.tmp$$" "$KD_CAPTURE"; mv "$KD_FIRST.tmp$$" "$KD_FIRST"
        rm -rf "$ird"
    fi
    # crashkernel= holds the kernel image, the capture initramfs and its unpacked copy, and the
    # capture kernel's own memory: 128 MiB + 3 x the initramfs, in 16 MiB steps
    if [ -z "${CRASHKERNEL:-}" ]; then
        c=$(stat -c %s "$KD_CAPTURE")
        # shellcheck disable=SC2017  # rounding up to 16 MiB on purpose
        CRASHKERNEL=$(( (128 * 1048576 + 3 * c + 16777215) / 16777216 * 16 ))M
    fi
    APPEND="crashkernel=$CRASHKERNEL${APPEND:+ $APPEND}"
    INITRD=$KD_FIRST
    log "kdump: crashkernel=$CRASHKERNEL, kexec-tools $KD_KEXEC_VERSION ($SUITE), makedumpfile $KD_MD_PACKAGE ($MDSUITE), capture initramfs $(stat -c %s "$KD_CAPTURE") bytes"
}

# kdump_qemu_args RUNDIR: one file-backed virtio-serial port per compression, the ELF disk
kdump_qemu_args() {
    local c
    for c in $KD_COMPS; do
        Q+=(-chardev "file,id=d$c,path=$1/dump-$c" -device "virtserialport,chardev=d$c,name=dump-$c")
    done
    if [ "$ELF" = 1 ]; then
        truncate -s $(( MEM + 64 ))M "$1/elf.img"
        Q+=(-drive "file=$1/elf.img,format=raw,if=virtio,cache=unsafe")
    fi
}

# kdump_run: after READY 1: second capture, panic, wait for the capture kernel's work and its
# poweroff; the dumps go to TMPOUT/kdump.tmp. Sets the host timings TS (panic sent), TD1 = TD2
# (capture kernel done), TC (QEMU gone) and KT_* for meta.json.
kdump_run() {
    local i
    echo again > "$RUN/vx.in"
    wait_marker "$RUN/guest.out" "=== READY 2" "$TIMEOUT" "$QPID" || return 1
    echo panic > "$RUN/vx.in"
    TS=$(now)
    wait_marker "$RUN/guest.out" "=== KDUMP BEGIN" 120 "$QPID" || return 1
    KT_UP=$(now)
    wait_marker "$RUN/guest.out" "=== KDUMP DONE" "$TIMEOUT" "$QPID" || return 1
    TD1=$(now)
    # shellcheck disable=SC2034 # TD2 is read by mkdump (meta.json timings)
    TD2=$TD1
    for ((i = 0; i < 300; i++)); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.1; done
    TC=$(now)
    rm -rf "$TMPOUT/kdump.tmp"; mkdir -p "$TMPOUT/kdump.tmp"
    mv "$RUN"/dump-* "$TMPOUT/kdump.tmp/"
    [ "$ELF" = 1 ] && mv "$RUN/elf.img" "$TMPOUT/kdump.tmp/"
    return 0
}

kd_get() { sed -n "s/^$1=//p" "$TMPOUT/guest.log" | tail -1; }

# kdump_post: the zlib stream becomes vmcore.flat (mkdump rebuilds vmcore.kdump from it), the
# others vmcore-d31-NAME.kdump (makedumpfile -R), the disk vmcore.elf cut to /proc/vmcore's size.
kdump_post() {
    local c rc f size
    for c in $(kd_get compressions); do
        rc=$(kd_get "md_${c}_rc")
        f=$TMPOUT/kdump.tmp/dump-$c
        [ "$rc" = 0 ] && [ -s "$f" ] || { log "makedumpfile ($c) in the capture kernel: rc=$rc"; section "$TMPOUT/guest.log" "report $c" >&2; return 1; }
        if [ "$c" = zlib ]; then
            mv "$f" "$TMPOUT/vmcore.flat"
        else
            rm -f "$TMPOUT/vmcore-d31-$c.kdump"
            makedumpfile -R "$TMPOUT/vmcore-d31-$c.kdump" < "$f" >> "$TMPOUT/makedumpfile.log" 2>&1 \
                || { log "makedumpfile -R of the $c stream failed"; return 1; }
        fi
    done
    if [ "$ELF" = 1 ]; then
        size=$(kd_get elf_size)
        [ "$(kd_get elf_rc)" = 0 ] && [ -n "$size" ] || { log "copy of /proc/vmcore failed"; return 1; }
        truncate -s "$size" "$TMPOUT/kdump.tmp/elf.img"
        mv "$TMPOUT/kdump.tmp/elf.img" "$TMPOUT/vmcore.elf"
        od -An -c -N4 "$TMPOUT/vmcore.elf" | grep -q 'E   L   F' || { log "vmcore.elf is not ELF"; return 1; }
    fi
    rm -rf "$TMPOUT/kdump.tmp"
    KT_POST=$(now)
}

# makedumpfile's page report (section "report NAME" of guest.log) as a JSON object
kdump_report_json() {
    local line key val out=
    while IFS= read -r line; do
        case $line in
            "Original pages"*) key=original ;;
            *"Excluded pages"*) key=excluded ;;
            *"Pages filled with zero"*) key=zero ;;
            *"Non-private cache pages"*) key=cache ;;
            *"Private cache pages"*) key=private ;;
            *"User process data pages"*) key=user ;;
            *"Free pages"*) key=free ;;
            *"Hwpoison pages"*) key=hwpoison ;;
            *"Offline pages"*) key=offline ;;
            *"Remaining pages"*) key=remaining ;;
            "Memory Hole"*) key=hole ;;
            "Total pages"*) key=total ;;
            "Write bytes"*) key=write_bytes ;;
            *) continue ;;
        esac
        val=${line##*: }; val=${val// /}
        [ -n "$val" ] || continue
        out+="${out:+, }\"$key\": $(printf %d "$val")"
    done < <(section "$TMPOUT/guest.log" "report $1")
    echo "{$out}"
}

kdump_file_of() { [ "$1" = zlib ] && echo vmcore.kdump || echo "vmcore-d31-$1.kdump"; }

# kdump_meta: the "kdump" member of meta.json (one line per dump file)
kdump_meta() {
    local c f sep=
    echo "  \"kdump\": {"
    echo "    \"crashkernel\": $(jstr "$CRASHKERNEL"),"
    echo "    \"capture_cmdline\": $(jstr "$KD_CMDLINE"),"
    echo "    \"kexec_tools\": {\"suite\": $(jstr "$SUITE"), \"package\": $(jstr "$KD_KEXEC_VERSION"), \"load\": $(jstr "$(kd_get kexec)")},"
    echo "    \"makedumpfile\": {\"suite\": $(jstr "$MDSUITE"), \"package\": $(jstr "$KD_MD_PACKAGE"), \"version\": $(jstr "$(kd_get makedumpfile_version)"), \"compressions\": $(jstr "$(kd_get compressions)")},"
    echo "    \"capture_kernel\": {\"mem_total_kb\": $(kd_get mem_total_kb), \"vmcore_size\": $(kd_get vmcore_size)},"
    echo "    \"files\": {"
    for c in $(kd_get compressions); do
        f=$(kdump_file_of "$c")
        printf '%s      %s: {"options": %s, "flattened_as": %s, "seconds": %s, "size": %s, "report": %s}' "$sep" \
            "$(jstr "$f")" "$(jstr "$(kd_get "md_${c}_options")")" "$(jstr "$([ "$c" = zlib ] && echo vmcore.flat || echo "(rebuilt, not kept)")")" \
            "$(kd_get "md_${c}_s")" "$(fsize "$TMPOUT/$f")" "$(kdump_report_json "$c")"
        sep=$',\n'
    done
    if [ "$ELF" = 1 ]; then
        printf '%s      "vmcore.elf": {"options": "copy of /proc/vmcore (mmap)", "seconds": %s, "size": %s}' "$sep" \
            "$(kd_get elf_s)" "$(fsize "$TMPOUT/vmcore.elf")"
    fi
    echo
    echo "    },"
    echo "    \"timings_s\": {\"panic_to_capture_init\": $(el "$TS" "$KT_UP"), \"capture_kernel_work\": $(kd_get capture_s), \"panic_to_done\": $(el "$TS" "$TD1"), \"poweroff\": $(el "$TD1" "$TC"), \"rebuild_on_host\": $(el "$TC" "$KT_POST")}"
    echo "  },"
}

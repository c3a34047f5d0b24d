# The crash extension: built against the host's crash defs.h.
# An extension works only with the crash whose defs.h built it; the tests
# build a second one for crash 9.x in a sid chroot (tests/crash/build-sid.sh,
# which runs this rule there with B=... overridden).
CRASH_DEFS ?= /usr/include/crash/defs.h
# crash 8.x embeds gdb 10.2, crash 9.x gdb 16.2; defs.h needs to know
# (without it enum type_code is off by one against the binary).
CRASH_GDB  ?= $(shell v=$$(crash --version 2>/dev/null | sed -n 's/^crash \([0-9]*\)\..*/\1/p' | head -n1); \
		if [ "$$v" -ge 9 ] 2>/dev/null; then echo GDB_16_2; else echo GDB_10_2; fi)
EXT_SRC    := $(wildcard extension/*.c)
EXT_HDR    := $(wildcard extension/*.h lib/*.h)

# -Bsymbolic: the core's calls stay inside this object even if another
# loaded extension exports a namesake.  The version script exports nothing
# (extension/vmapx.map says why).  Undefined symbols are crash's.
$(B)/vmapx.so: $(EXT_SRC) $(EXT_HDR) $(B)/libvmapx_pic.a extension/extension.mk \
		extension/vmapx.map
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -fPIC -shared \
		-Wl,-Bsymbolic -Wl,--version-script=extension/vmapx.map \
		-DX86_64 -D$(CRASH_GDB) -I$(dir $(CRASH_DEFS)) -Ilib \
		-o $@ $(EXT_SRC) $(B)/libvmapx_pic.a $(PKG_LIBS)

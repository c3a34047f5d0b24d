# The crash extension: built against the host's crash defs.h.
CRASH_DEFS ?= /usr/include/crash/defs.h
# crash 8.x embeds gdb 10.2, crash 9.x gdb 16.2; defs.h needs to know.
CRASH_GDB  ?= $(shell v=$$(crash --version 2>/dev/null | sed -n 's/^crash \([0-9]*\)\..*/\1/p' | head -n1); \
		if [ "$$v" -ge 9 ] 2>/dev/null; then echo GDB_16_2; else echo GDB_10_2; fi)
EXT_SRC    := $(wildcard extension/*.c)

$(B)/vmapx.so: $(EXT_SRC) $(B)/libvmapx_pic.a
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -D_GNU_SOURCE -Wall $(CFLAGS) -fPIC -shared -rdynamic -DX86_64 -D$(CRASH_GDB) \
		-I$(dir $(CRASH_DEFS)) -Ilib -o $@ $(EXT_SRC) $(B)/libvmapx_pic.a $(PKG_LIBS)

# vmapx — post-mortem analysis of the Linux vmalloc address space.
#
#   make            build/vmapx (standalone) and build/vmapx.so (crash extension)
#   make demo       set up, make one real dump (Debian 6.1 in QEMU) and run vmapx on it
#   make check      every test: unit tests, then the real dumps of dumps/
#   make dumps      the real test dumps (Debian kernels in QEMU), see dumps/README.md
#   make bench      benchmark against the libkdumpfile floor and crash's kmem -v
#   make fuzz       libFuzzer on every parser (tests/fuzz/run.sh $(FUZZ))
#   make corrupt    the corruption suite on dumps/ (make corrupt-long: 20,000)
#   make install    PREFIX=/usr/local DESTDIR= EXTDIR=/usr/lib/crash/extensions
#   make deb        the Debian packages vmapx and crash-vmapx (../*.deb), see debian/README.md

PREFIX  ?= /usr/local
EXTDIR  ?= /usr/lib/crash/extensions
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
PKGS    := libkdumpfile libaddrxlat libdw libelf libbpf libarchive
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARN) $(CPPFLAGS) $(CFLAGS) -Ilib $(PKG_CFLAGS)

B := build
LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
LIB_PIC  := $(LIB_SRC:%.c=$(B)/pic/%.o)
TOOL_SRC := $(wildcard tool/*.c)
TOOL_OBJ := $(TOOL_SRC:%.c=$(B)/%.o)
# The tool's code but main(): what the unit tests of tool/ link with.
TOOL_LIB_OBJ := $(filter-out $(B)/tool/main.o,$(TOOL_OBJ))
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
UNIT_HELPERS := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))
UNIT_HELPER_OBJ := $(UNIT_HELPERS:%.c=$(B)/%.o)

.SECONDARY:
.PHONY: all check unit integration dumps bench fuzz install clean deps demo deb
all: $(B)/vmapx $(B)/vmapx.so $(B)/vmapx.bash-completion

$(B)/%.o: %.c $(wildcard lib/*.h tool/*.h tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/pic/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fPIC -c -o $@ $<

$(B)/libvmapx.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/libvmapx_pic.a: $(LIB_PIC)
	@rm -f $@
	ar rcs $@ $^

$(B)/libvmapx_tool.a: $(TOOL_LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(B)/vmapx: $(TOOL_OBJ) $(B)/libvmapx.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(TOOL_OBJ) $(B)/libvmapx.a $(PKG_LIBS)

# bash completion, generated from the option table (tool/completion/gen-bash.c).
$(B)/gen-bash-completion: tool/completion/gen-bash.c $(B)/libvmapx.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libvmapx.a $(PKG_LIBS)

$(B)/vmapx.bash-completion: $(B)/gen-bash-completion
	$(B)/gen-bash-completion > $@.tmp && mv $@.tmp $@

include extension/extension.mk
include tests/fuzz/fuzz.mk

$(B)/tests/test_%: tests/unit/test_%.c $(UNIT_HELPER_OBJ) $(B)/libvmapx_tool.a \
		$(B)/libvmapx.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itool -Itests/unit -o $@ $< $(UNIT_HELPER_OBJ) \
		$(B)/libvmapx_tool.a $(B)/libvmapx.a $(PKG_LIBS) -lcmocka

# Installs the build and test dependencies (apt) when they are missing.
deps:
	@./tests/deps.sh

unit: $(UNIT_BIN)
	@./tests/run-unit.sh $(UNIT_BIN)

integration: all
	@./tests/integration/run.sh

check: deps
	$(MAKE) all
	$(MAKE) unit
	$(MAKE) unit-san
	$(MAKE) dumps
	./tests/fuzz/run.sh
	$(MAKE) corrupt
	$(MAKE) integration

dumps:
	@./dumps/make-all

# The main job on a freshly made dump: a Debian 6.1 guest, dumped, then read.
demo: deps
	$(MAKE) all
	./dumps/make-all bookworm-base
	./build/vmapx -v $${DUMPS_OUT:-dumps/out}/bookworm-base/vmcore.kdump

bench: all
	@./bench/run.sh

# make fuzz FUZZ="walker short 600", FUZZ="long 100000", FUZZ=replay ...
FUZZ ?= short
fuzz:
	@./tests/fuzz/run.sh $(FUZZ)

install: all
	install -D -m 0755 $(B)/vmapx $(DESTDIR)$(BINDIR)/vmapx
	install -D -m 0644 doc/vmapx.1 $(DESTDIR)$(MANDIR)/man1/vmapx.1
	install -D -m 0644 $(B)/vmapx.so $(DESTDIR)$(EXTDIR)/vmapx.so
	install -D -m 0644 $(B)/vmapx.bash-completion $(DESTDIR)$(BASHCOMPDIR)/vmapx

# From a git clone to the installed packages vmapx and crash-vmapx: the build
# dependencies of debian/control (apt-get build-dep), dpkg-buildpackage (the
# .deb files go to the parent directory, as always), apt-get install of the two.
# DEB_INSTALL=0: build only.  See debian/README.md.
DEB_INSTALL ?= 1
deb:
	@[ "$$(id -u)" = 0 ] || { echo "make deb: run as root (apt-get)" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends dpkg-dev >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get -qq build-dep -y ./ >/dev/null
	dpkg-buildpackage -us -uc -b
	v=$$(dpkg-parsechangelog -S Version); a=$$(dpkg --print-architecture); \
	if [ "$(DEB_INSTALL)" = 1 ]; then \
		DEBIAN_FRONTEND=noninteractive apt-get -qq install -y --no-install-recommends \
			../vmapx_$${v}_$$a.deb ../crash-vmapx_$${v}_$$a.deb; \
	fi

clean:
	rm -rf $(B)

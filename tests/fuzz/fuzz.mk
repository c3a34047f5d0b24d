# libFuzzer harnesses (tests/fuzz/fuzz_*.c) and the ASan/UBSan build the
# corruption suite runs (tests/corrupt/).  clang only: libFuzzer is part of
# its runtime (Debian: clang, libclang-rt-14-dev).
CLANG   ?= clang
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
	$(WARN) -Ilib -Itool -Itests/unit -Itests/corrupt $(PKG_CFLAGS) $(SAN)
SAN_SRC := $(wildcard lib/*.c) $(filter-out tool/main.c,$(wildcard tool/*.c)) \
	tests/unit/fake_mem.c tests/unit/fake_kernel.c tests/unit/fake_log.c \
	tests/corrupt/overlay.c
SAN_HDR := $(wildcard lib/*.h tool/*.h tests/unit/*.h tests/corrupt/*.h)
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)

# Fuzzer objects carry coverage instrumentation; the ASan ones do not.
$(B)/fuzz/obj/%.o: %.c $(SAN_HDR)
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(B)/asan/obj/%.o: %.c $(SAN_HDR)
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -c -o $@ $<

$(B)/fuzz/libvmapx.a: $(SAN_SRC:%.c=$(B)/fuzz/obj/%.o)
	@rm -f $@
	ar rcs $@ $^
$(B)/asan/libvmapx.a: $(SAN_SRC:%.c=$(B)/asan/obj/%.o)
	@rm -f $@
	ar rcs $@ $^

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(B)/fuzz/libvmapx.a
	$(CLANG) $(SAN_CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/fuzz/libvmapx.a $(PKG_LIBS)

# vmapx itself and the corruption helper, with ASan and UBSan.
$(B)/asan/vmapx: tool/main.c $(B)/asan/libvmapx.a
	$(CLANG) $(SAN_CFLAGS) -o $@ $< $(B)/asan/libvmapx.a $(PKG_LIBS)
$(B)/asan/corrupt: tests/corrupt/corrupt.c $(B)/asan/libvmapx.a
	$(CLANG) $(SAN_CFLAGS) -o $@ $< $(B)/asan/libvmapx.a $(PKG_LIBS)

# The unit tests again with ASan and UBSan: a rule's fake target reaches
# paths (empty arrays, failed reads) the real dumps seldom do, and UBSan
# stops on what the plain build lets pass (qsort(NULL, 0), shifts, overflow).
UNIT_SAN_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/asan/tests/%)
$(B)/asan/tests/test_%: tests/unit/test_%.c $(B)/asan/obj/tests/unit/types_contract.o \
		$(B)/asan/libvmapx.a
	@mkdir -p $(dir $@)
	$(CLANG) $(SAN_CFLAGS) -o $@ $< $(B)/asan/obj/tests/unit/types_contract.o \
		$(B)/asan/libvmapx.a $(PKG_LIBS) -lcmocka

.PHONY: fuzz-build corrupt corrupt-long unit-san
unit-san: $(UNIT_SAN_BIN)
	@ASAN_OPTIONS=detect_leaks=1 ./tests/run-unit.sh $(UNIT_SAN_BIN)
fuzz-build: $(FUZZ_BIN)
corrupt: $(B)/asan/vmapx $(B)/asan/corrupt
	./tests/corrupt/run.sh
corrupt-long: $(B)/asan/vmapx $(B)/asan/corrupt
	./tests/corrupt/run.sh long
$(B)/asan/seed: tests/fuzz/seed.c $(B)/asan/libvmapx.a
	$(CLANG) $(SAN_CFLAGS) -o $@ $< $(B)/asan/libvmapx.a $(PKG_LIBS)

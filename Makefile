# gcpulse — plain, overridable Makefile.
#   make            library (static + shared), pkg-config file, the gcpulse command
#   make check      all tests (cmocka), ABI/C++/install/README checks, Go tests
#   make asan       the test suite under ASan + UBSan
#   make bench      build and run the benchmarks (BENCH_QUICK=1 for a smoke run)
#   make demo       replay the bundled real trace through the whole pipeline
#   make amalgamation  regenerate go/gcpulse.[ch] (the Go module's C) from lib/
#   make install    PREFIX=/usr/local DESTDIR=

# Bump ABI_MAJOR (the soname) whenever a public struct layout or a function
# signature changes incompatibly; keep it in step with include/gcpulse.h.
VERSION   := 0.1.0
ABI_MAJOR := 0
SONAME    := libgcpulse.so.$(ABI_MAJOR)

CC      ?= cc
CXX     ?= c++
CFLAGS  ?= -O2 -g
PREFIX  ?= /usr/local
DESTDIR ?=
BUILD   ?= build
WERROR  ?=
SAN     ?=

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
        -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wwrite-strings \
        -Wformat=2 -Wundef -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif

PKG_CONFIG ?= pkg-config
JANSSON_CFLAGS := $(shell $(PKG_CONFIG) --cflags jansson 2>/dev/null)
JANSSON_LIBS   := $(shell $(PKG_CONFIG) --libs jansson 2>/dev/null || echo -ljansson)
CMOCKA_CFLAGS  := $(shell $(PKG_CONFIG) --cflags cmocka 2>/dev/null)
CMOCKA_LIBS    := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

override CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) $(SAN) -Iinclude
LIB_CFLAGS := $(CFLAGS) -Ilib -fPIC -fvisibility=hidden -DGCPULSE_BUILDING $(JANSSON_CFLAGS)
LDLIBS  := $(JANSSON_LIBS) -lm

LIB_SRCS  := $(sort $(wildcard lib/*.c lib/jvm/*.c))
LIB_OBJS  := $(LIB_SRCS:lib/%.c=$(BUILD)/lib/%.o)
STATIC    := $(BUILD)/libgcpulse.a
SHARED    := $(BUILD)/libgcpulse.so.$(VERSION)
PCFILE    := $(BUILD)/gcpulse.pc
CLI       := $(BUILD)/gcpulse
EMBED     := $(BUILD)/embed

TEST_SRCS := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRCS:tests/%.c=$(BUILD)/tests/%)
TEST_UTIL := tests/util.c
BENCH_SRCS := $(sort $(wildcard bench/bench_*.c))
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

GO ?= $(shell command -v go 2>/dev/null || echo /usr/lib/go/bin/go)
GO123 ?= /usr/lib/go-1.23/bin/go

.PHONY: all static shared examples check test asan tsan valgrind bench bench-gogc demo deps \
        install uninstall clean check-abi check-cxx check-install check-readme \
        go-test fuzz help amalgamation check-amalgamation bench-go-overhead

all: $(STATIC) $(SHARED) $(PCFILE) $(CLI) $(EMBED)
static: $(STATIC)
shared: $(SHARED)
examples: $(CLI) $(EMBED)

help:
	@sed -n '2,9p' Makefile

# ---- dependencies: install what a fresh Debian 12 lacks ------------------
deps:
	@sh .ci/deps.sh $(DEPS_EXTRA)

# ---- library ---------------------------------------------------------------
$(BUILD)/lib/%.o: lib/%.c lib/internal.h include/gcpulse.h
	@mkdir -p $(@D)
	$(CC) $(LIB_CFLAGS) -c -o $@ $<

$(STATIC): $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJS) lib/gcpulse.map
	$(CC) $(CFLAGS) -shared -Wl,-soname,$(SONAME) \
	  -Wl,--version-script=lib/gcpulse.map -o $@ $(LIB_OBJS) $(LDLIBS)
	ln -sf libgcpulse.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libgcpulse.so

$(PCFILE): pkgconfig/gcpulse.pc.in Makefile
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' $< > $@

# ---- examples --------------------------------------------------------------
CLI_SRCS := $(sort $(wildcard programs/gcpulse/*.c))
$(CLI): $(CLI_SRCS) $(wildcard programs/gcpulse/*.h) $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(CLI_SRCS) $(STATIC) $(LDLIBS)

$(EMBED): examples/embed.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(STATIC) $(LDLIBS)

# ---- tests -----------------------------------------------------------------
$(BUILD)/tests/%: tests/%.c $(TEST_UTIL) tests/util.h $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CMOCKA_CFLAGS) -Ilib $(JANSSON_CFLAGS) -o $@ $< $(TEST_UTIL) \
	  $(STATIC) $(CMOCKA_LIBS) $(LDLIBS) -lpthread

test: $(TEST_BINS) $(CLI)
	@sh tests/run.sh $(TEST_BINS)

check:
	@sh .ci/deps.sh go
	$(MAKE) all
	$(MAKE) test
	$(MAKE) check-abi check-cxx check-install check-readme check-amalgamation
	$(MAKE) go-test

asan:
	$(MAKE) BUILD=build-asan CC=clang \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  CFLAGS="-O1 -g" test

check-abi: $(SHARED)
	@sh tests/check_abi.sh $(SHARED) lib/gcpulse.symbols

check-cxx: include/gcpulse.h
	@mkdir -p $(BUILD)
	$(CXX) -std=c++11 -Wall -Wextra -Werror -Iinclude -c tests/cxx.cpp -o $(BUILD)/cxx.o
	@echo "check-cxx: gcpulse.h compiles as C++"

check-install: all
	@sh tests/check_install.sh

check-readme: $(STATIC)
	@sh tests/check_readme.sh

# ---- Go module (go/): the single-file library it compiles -------------------
# go/gcpulse.c + go/gcpulse.h are generated from lib/ and include/ and
# committed (a Go consumer builds them with cgo, no other step);
# check-amalgamation fails when they differ from a fresh generation.
amalgamation:
	sh lib/amalgamate.sh go

check-amalgamation:
	@rm -rf $(BUILD)/amalgamation
	@sh lib/amalgamate.sh $(BUILD)/amalgamation >/dev/null
	@cmp go/gcpulse.c $(BUILD)/amalgamation/gcpulse.c && \
	  cmp go/gcpulse.h $(BUILD)/amalgamation/gcpulse.h || \
	  { echo "check-amalgamation: go/gcpulse.[ch] are stale: run make amalgamation" >&2; exit 1; }
	$(CC) $(CFLAGS) -Wno-unused-function $(JANSSON_CFLAGS) -Igo -c go/gcpulse.c -o $(BUILD)/amalgamation/gcpulse.o
	@echo "check-amalgamation: go/gcpulse.[ch] match lib/ and include/, and compile"

bench-go-overhead:
	nice sh bench/go-overhead/run.sh $(GO) $(GO123)

go-test:
	@sh tests/go_test.sh "$(GO)" "$(GO123)"

tsan:
	@sh tests/tsan.sh

valgrind: $(TEST_BINS) $(CLI)
	@sh tests/valgrind.sh $(TEST_BINS)

# ---- benchmarks --------------------------------------------------------------
$(BUILD)/bench/%: bench/%.c $(STATIC)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -o $@ $< $(STATIC) $(LDLIBS)

bench: $(BENCH_BINS)
	@for b in $(BENCH_BINS); do echo "== $$b"; $$b || exit 1; done
	@sh bench/run_extra.sh

bench-gogc: all
	@sh bench/gogc/run.sh

# ---- demo ------------------------------------------------------------------
demo: deps
	$(MAKE) all
	@sh examples/demo.sh $(CLI)

# ---- fuzzing -----------------------------------------------------------------
FUZZ_SECONDS ?= 60
fuzz:
	@sh tests/fuzz/run.sh $(FUZZ_SECONDS)

# ---- install ---------------------------------------------------------------
install: all
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/gcpulse.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(STATIC) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(SHARED) $(DESTDIR)$(PREFIX)/lib/
	ln -sf libgcpulse.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(PREFIX)/lib/libgcpulse.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	  pkgconfig/gcpulse.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/gcpulse.pc
	install -m 755 $(CLI) $(DESTDIR)$(PREFIX)/bin/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/gcpulse.h \
	  $(DESTDIR)$(PREFIX)/lib/libgcpulse.a $(DESTDIR)$(PREFIX)/lib/libgcpulse.so* \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/gcpulse.pc $(DESTDIR)$(PREFIX)/bin/gcpulse

clean:
	rm -rf build build-asan build-fuzz

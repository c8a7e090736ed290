# nfsite — one Makefile plus pkg-config. See README.md.
# O=DIR puts objects and the binary elsewhere (parallel developers, sanitizer builds).
O        ?= build
BIN      ?= nfsite
CC       ?= cc
PKGS     := libcmark-gfm yaml-0.1 lua5.4 sqlite3 libxml-2.0 libcurl libmicrohttpd zlib libutf8proc libcrypto
CFLAGS   ?= -O2 -g
# Package flags come from $(O)/config.mk, made after the packages are installed: make
# remakes an included file before it reads the rest, so the first run on a fresh machine
# (also with -j) installs, then compiles. Goals that build nothing skip it.
NOBUILD_GOALS := clean uninstall test-fresh format check-layers
ifneq ($(filter-out $(NOBUILD_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(O)/config.mk
endif
# Always on, whatever CFLAGS the caller passes (sanitizer and fuzz builds).
NF_CFLAGS = -std=c11 -D_GNU_SOURCE -Wall -Wextra -pthread $(PKG_CFLAGS) -I$(O) -Igenerator
# mimalloc replaces glibc's malloc, which took 30% of a 10,000-page build (cmark-gfm
# allocates every node and string on its own). Sanitizer builds pass MALLOC= and keep
# the libc allocator that ASan replaces.
MALLOC   ?= -lmimalloc
NF_LIBS   = $(MALLOC) $(PKG_LIBS) -lcmark-gfm-extensions -lm -pthread
NF_CFLAGS += $(if $(findstring mimalloc,$(MALLOC)),-DNFSITE_MIMALLOC)
SRCS     := $(sort $(shell find generator -name '*.c'))
HDRS     := $(shell find generator -name '*.h')
OBJS     := $(patsubst generator/%.c,$(O)/%.o,$(SRCS)) $(O)/theme_data.o
THEME    := $(sort $(shell find theme -type f 2>/dev/null))

.PHONY: all unit deps check-layers site test test-sanitize test-fresh bench fuzz format clean leakcheck \
        install uninstall parsertests

all: $(BIN)

# Fails loudly, naming the package, when pkg-config cannot find one.
$(O)/config.mk: Makefile scripts/install-deps.sh
	@mkdir -p $(O)
	@scripts/install-deps.sh build
	@cflags=$$(pkg-config --cflags $(PKGS)) && libs=$$(pkg-config --libs $(PKGS)) && \
	  printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\n' "$$cflags" "$$libs" >$@.tmp && mv $@.tmp $@

deps: $(O)/config.mk

$(BIN): $(OBJS)
	$(CC) $(CFLAGS) $(NF_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(NF_LIBS)

$(O)/%.o: generator/%.c $(HDRS) | $(O)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(NF_CFLAGS) -c -o $@ $<

# The bundled default theme (theme/) is compiled into the binary so a folder
# holding only content/ builds with no set-up.
$(O)/theme_data.c: scripts/embed.sh $(THEME) | $(O)
	scripts/embed.sh theme > $@.tmp && mv $@.tmp $@
$(O)/theme_data.o: $(O)/theme_data.c
	$(CC) $(CFLAGS) $(NF_CFLAGS) -c -o $@ $<

$(O):
	mkdir -p $(O)

# C unit tests: tests/unit/NAME.c linked with every module but main.
LIBOBJS   := $(filter-out $(O)/main.o,$(OBJS))
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/unit/%,$(wildcard tests/unit/*.c))
unit: $(UNIT_BINS)
$(O)/unit/%: tests/unit/%.c $(LIBOBJS)
	@mkdir -p $(O)/unit
	$(CC) $(CFLAGS) $(NF_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(NF_LIBS)

# The dependency rules of generator/ (docs/ARCHITECTURE.md), from the #include lines.
check-layers:
	@scripts/check-layers.sh generator

site: all
	./$(BIN) build --source . --dest public

test: all unit check-layers
	@scripts/install-deps.sh test
	@NFSITE=$(CURDIR)/$(BIN) NFSITE_O=$(O) UNIT=$(CURDIR)/$(O)/unit tests/run.sh

# The whole suite under ASan + UBSan, from a separate object folder.
test-sanitize: deps
	$(MAKE) O=build-san BIN=build-san/nfsite CC=clang MALLOC= \
	  CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	  LDFLAGS="-fsanitize=address,undefined" build-san/nfsite unit
	@scripts/install-deps.sh test
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  NFSITE=$(CURDIR)/build-san/nfsite UNIT=$(CURDIR)/build-san/unit tests/run.sh

leakcheck: all
	@NFSITE_VALGRIND=1 NFSITE=$(CURDIR)/$(BIN) tests/run.sh t7010-leakcheck

bench: all
	@scripts/install-deps.sh bench
	@bench/run.sh

# MediaWiki's own parser tests against `nfsite wikitext --to html` (scripts/parsertests.py
# says how they are chosen and compared). parserTests.txt is GPL-2.0-or-later, so it is
# never committed: the Debian source tarball is downloaded, checked against the SHA-256
# of Debian's .dsc, and only that file is kept, in $(O)/mediawiki/. Not part of `make test`
# (it reaches deb.debian.org); MW_URL points elsewhere (a mirror, snapshot.debian.org).
MW_VERSION  := 1.39.17
MW_SHA256   := 2c5853d034d0c3e75160e8104125226fab964d7ed37732f83e7204781fab07b9
MW_URL      ?= http://deb.debian.org/debian/pool/main/m/mediawiki/mediawiki_$(MW_VERSION).orig.tar.gz
PARSERTESTS := $(O)/mediawiki/parserTests-$(MW_VERSION).txt
$(PARSERTESTS):
	@mkdir -p $(O)/mediawiki
	curl -fsSL -o $(O)/mediawiki/mw.tar.gz '$(MW_URL)'
	echo '$(MW_SHA256)  $(O)/mediawiki/mw.tar.gz' | sha256sum -c --quiet
	tar -xzOf $(O)/mediawiki/mw.tar.gz mediawiki-$(MW_VERSION)/tests/parser/parserTests.txt >$@.tmp
	rm -f $(O)/mediawiki/mw.tar.gz
	mv $@.tmp $@
parsertests: all $(PARSERTESTS)
	python3 scripts/parsertests.py --nfsite $(BIN) $(PARSERTESTS)

# libFuzzer targets in tests/fuzz/, built with clang; FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)

PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MANDIR  := $(PREFIX)/share/man/man1
COMPDIR := $(PREFIX)/share/bash-completion/completions
install: all
	install -Dm755 $(BIN) $(DESTDIR)$(BINDIR)/nfsite
	install -Dm644 share/man/nfsite.1 $(DESTDIR)$(MANDIR)/nfsite.1
	install -Dm644 share/bash-completion/nfsite $(DESTDIR)$(COMPDIR)/nfsite
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/nfsite $(DESTDIR)$(MANDIR)/nfsite.1 $(DESTDIR)$(COMPDIR)/nfsite

# The README's two commands in a fresh Debian 12 root (debootstrap, chroot); not part of
# `make test`: it downloads a whole system and takes about twenty minutes.
test-fresh:
	@scripts/test-fresh.sh

format:
	clang-format -i $(SRCS) $(HDRS)

clean:
	rm -rf build build-san build-fuzz $(BIN) public

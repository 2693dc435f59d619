# rvmm build. `make` builds the release binary, `make run` boots the default
# guest, `make check` builds the sanitizer build and runs every test layer.

CC       ?= gcc
BUILD    ?= build
RV_PREFIX ?= riscv64-unknown-elf-

CFLAGS_COMMON := -std=c17 -D_GNU_SOURCE -Iinclude -Isrc -Wall -Wextra -Werror \
                 -Wno-unused-parameter -g -MMD -MP -pthread
CFLAGS_REL    := $(CFLAGS_COMMON) -O2
CFLAGS_SAN    := $(CFLAGS_COMMON) -O1 -fno-omit-frame-pointer \
                 -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDLIBS        := -lfdt -lm -pthread -lz -lzstd
# Network backends: libslirp (user networking) and libvdeplug (VDE switch). Debian's
# slirp.pc requires glib-2.0's .pc, which only libglib2.0-dev installs, and libvdeplug
# ships none: fall back to the plain library names (the headers need no flags).
LDLIBS        += $(shell pkg-config --libs slirp 2>/dev/null || echo -lslirp) \
                 $(shell pkg-config --libs vdeplug 2>/dev/null || echo -lvdeplug)

SRCS      := $(shell find src -name '*.c' | sort)
LIB_SRCS  := $(filter-out src/cli/%,$(SRCS))
CLI_SRCS  := $(filter src/cli/%,$(SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)

REL_OBJS := $(SRCS:%.c=$(BUILD)/rel/%.o)
SAN_LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/san/%.o)
SAN_CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/san/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/san/unit/%)

DEPS_STAMP := $(BUILD)/.deps-installed

.PHONY: all run run-demo guest check unit san deps clean bench fuzz
all: $(BUILD)/rvmm

deps: $(DEPS_STAMP)
$(DEPS_STAMP): scripts/install-deps.sh
	@mkdir -p $(@D)
	./scripts/install-deps.sh
	@touch $@

$(BUILD)/rvmm: $(REL_OBJS)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS_REL) -o $@ $^ $(LDLIBS)

$(BUILD)/san/rvmm: $(SAN_LIB_OBJS) $(SAN_CLI_OBJS)
	@echo "  LD san  $@"
	@$(CC) $(CFLAGS_SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/rel/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_REL) -c -o $@ $<

$(BUILD)/san/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@echo "  CC san  $<"
	@$(CC) $(CFLAGS_SAN) -c -o $@ $<

$(BUILD)/san/unit/%: tests/unit/%.c $(SAN_LIB_OBJS)
	@mkdir -p $(@D)
	@echo "  LD san  $@"
	@$(CC) $(CFLAGS_SAN) -o $@ $< $(SAN_LIB_OBJS) -lcmocka $(LDLIBS)

san: $(BUILD)/san/rvmm
unit: $(UNIT_BINS)

# RISC-V guest programs: the demo guest, the ISA tests and the benchmarks.
RV_CC     := $(RV_PREFIX)gcc
RV_MARCH  := rv64gc_zba_zbb_zbs_zicbom_zicboz_zicbop_zifencei_zicsr
RV_CFLAGS := -march=$(RV_MARCH) -mabi=lp64d -mcmodel=medany -nostdlib -nostartfiles \
             -static -Wl,--no-relax -Wl,--no-warn-rwx-segments -Itests/isa
-include tests/isa/isa.mk

$(BUILD)/guest/demo.elf: guest/demo/demo.S guest/demo/link.ld | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -T guest/demo/link.ld -o $@ $<

# The Linux guest (guest/linux): kernel and initramfs from Debian's sources,
# cached outside the clone and rebuilt when an input changes. build.sh checks
# the cache each time (well under a second when nothing changed) and writes
# "KERNEL=... INITRD=..." for the targets below.
GUEST_PATHS := $(BUILD)/guest/linux.paths
guest: | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/guest
	./scripts/setup-deb-src.sh
	./guest/linux/build.sh > $(GUEST_PATHS).tmp
	@mv $(GUEST_PATHS).tmp $(GUEST_PATHS)

run: $(BUILD)/rvmm guest
	@eval "$$(cat $(GUEST_PATHS))" && \
	  $(BUILD)/rvmm run --mem 256M --kernel "$$KERNEL" --initrd "$$INITRD" --append "console=ttyS0"

run-demo: $(BUILD)/rvmm $(BUILD)/guest/demo.elf
	$(BUILD)/rvmm run --bios $(BUILD)/guest/demo.elf

check: $(BUILD)/san/rvmm $(BUILD)/rvmm $(BUILD)/guest/demo.elf unit isa guest
	RVMM=$(BUILD)/san/rvmm BUILD=$(BUILD) ./tests/run.sh

bench: $(BUILD)/rvmm guest
	./bench/mips.sh
	./bench/boot.sh
	./bench/programs/build.sh >/dev/null
	./bench/cpu.sh
	./bench/io.sh

# libFuzzer targets (fuzz/*_fuzz.c, built with clang by fuzz/run.sh from the
# sources each needs), each run for FUZZ_SECONDS from its seed corpus.
FUZZ_SECONDS ?= 20
fuzz: | $(DEPS_STAMP)
	BUILD=$(BUILD) ./fuzz/run.sh all $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)/rel $(BUILD)/san $(BUILD)/rvmm $(BUILD)/isa $(BUILD)/guest $(BUILD)/bench \
	      $(BUILD)/fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

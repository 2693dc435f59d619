# tests/isa/isa.mk - included from the top-level Makefile.
# `make isa` assembles every tests/isa/*.S into $(BUILD)/isa/NAME.elf (plus a
# NAME.dump disassembly next to it, handy to map a failing pc to its check).
# Run them with tests/isa/run.sh (RVMM=path/to/rvmm) or tests/isa/run.sh --qemu.

ISA_SRCS  := $(sort $(wildcard tests/isa/*.S))
ISA_ELFS  := $(ISA_SRCS:tests/isa/%.S=$(BUILD)/isa/%.elf)
ISA_DUMPS := $(ISA_ELFS:%.elf=%.dump)
RV_OBJDUMP ?= $(RV_PREFIX)objdump

.PHONY: isa
isa: $(ISA_ELFS) $(ISA_DUMPS)

$(BUILD)/isa/%.elf: tests/isa/%.S $(wildcard tests/isa/*.h) tests/isa/link.ld tests/isa/isa.mk | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(RV_CC) $(RV_CFLAGS) -T tests/isa/link.ld -o $@ $<

$(BUILD)/isa/%.dump: $(BUILD)/isa/%.elf
	$(RV_OBJDUMP) -d -M no-aliases,numeric $< > $@ || { rm -f $@; false; }

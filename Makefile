# NanoNT build. Everything generated goes to build/; nothing generated is committed.
#   make          kernel, ntdll, user programs, disk image, host tools
#   make run      boot NanoNT in QEMU (installs missing Debian packages first when root)
#   make test     host unit tests + in-guest tests
#   make bench    instruction counts of the system-service path (and more)

B      := build
CC     := gcc
LD     := ld
HOSTCC := gcc
LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

KCFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
           -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -mno-80387 \
           -mno-red-zone -O2 -g -Wall -Wextra -Werror -Wno-multichar -std=gnu11 -Iinc -I$(B)/inc -DNANONT_KERNEL
KASFLAGS := -m32 -g -Iinc -I$(B)/inc -DNANONT_KERNEL -D__ASSEMBLY__
UCFLAGS := -m32 -march=i686 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -fno-builtin \
           -fno-asynchronous-unwind-tables -mno-sse -mno-mmx -O2 -g -Wall -Wextra -Werror \
           -Wno-multichar -std=gnu11 -Iinc -Iuser/inc -I$(B)/inc -DNANONT_USER
HOSTCFLAGS := -m32 -O1 -g -Wall -Wextra -Werror -std=gnu11 -Iinc -I$(B)/inc -DNANONT_HOST

# ---------------------------------------------------------------- generated headers and tables
SERVICE_TABLES := ke/services.tab

$(B)/tools/gensvc: tools/gensvc.c | $(B)/tools
	$(HOSTCC) -O1 -Wall -Wextra -Werror -o $@ $<

$(B)/gen/svc_native.c $(B)/gen/svc_native_stubs.S $(B)/inc/svcnum.h: ke/services.tab $(B)/tools/gensvc | $(B)/gen $(B)/inc
	$(B)/tools/gensvc --table ke/services.tab --prefix Ki --index 0 \
	    --kernel $(B)/gen/svc_native.c --stubs $(B)/gen/svc_native_stubs.S --header $(B)/inc/svcnum.h

# assembly offsets generated from the C structures (Linux asm-offsets style)
$(B)/inc/ksoffsets.h: tools/genoffsets.c $(wildcard inc/*.h) | $(B)/inc
	$(CC) $(KCFLAGS) -S -o $(B)/genoffsets.s tools/genoffsets.c
	sed -n 's/.*@@OFF \([A-Za-z0-9_]*\) \$$\{0,1\}\(-\{0,1\}[0-9]*\).*/#define \1 \2/p' $(B)/genoffsets.s > $@.tmp
	mv $@.tmp $@

GENHDRS := $(B)/inc/ksoffsets.h $(B)/inc/svcnum.h

# ---------------------------------------------------------------- ntdll (system image, fixed base)
NTDLL_BASE := 0x77F00000
NTDLL_C := $(wildcard user/ntdll/*.c) rtl/string.c rtl/format.c
NTDLL_S := $(wildcard user/ntdll/*.S) $(B)/gen/svc_native_stubs.S
NTDLL_OBJS := $(patsubst %.c,$(B)/u/%.o,$(filter %.c,$(NTDLL_C))) \
              $(patsubst %.S,$(B)/u/%.o,$(patsubst $(B)/%,%,$(NTDLL_S)))

$(B)/u/%.o: %.c $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(UCFLAGS) -c -o $@ $<
$(B)/u/%.o: %.S $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -DNANONT_USER -c -o $@ $<
$(B)/u/gen/%.o: $(B)/gen/%.S $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -DNANONT_USER -c -o $@ $<

$(B)/ntdll.elf: $(NTDLL_OBJS) user/ntdll/ntdll.ld
	$(LD) -m elf_i386 -z noexecstack -T user/ntdll/ntdll.ld --defsym=NTDLL_BASE=$(NTDLL_BASE) -o $@ $(NTDLL_OBJS) $(LIBGCC)

# ---------------------------------------------------------------- user programs
CRT_OBJS := $(patsubst %.c,$(B)/u/%.o,$(wildcard user/crt/*.c)) \
            $(patsubst %.S,$(B)/u/%.o,$(wildcard user/crt/*.S))
USER_PROGS := $(patsubst user/programs/%.c,$(B)/user/%.exe,$(wildcard user/programs/*.c))
TEST_PROGS := $(patsubst tests/guest/%.c,$(B)/user/%.exe,$(wildcard tests/guest/*.c))

$(B)/user/%.exe: $(B)/u/user/programs/%.o $(CRT_OBJS) $(B)/ntdll.elf user/crt/user.ld
	@mkdir -p $(dir $@)
	$(LD) -m elf_i386 -z noexecstack -T user/crt/user.ld -R $(B)/ntdll.elf -o $@ $(CRT_OBJS) $< $(LIBGCC)
$(B)/user/%.exe: $(B)/u/tests/guest/%.o $(CRT_OBJS) $(B)/ntdll.elf user/crt/user.ld
	@mkdir -p $(dir $@)
	$(LD) -m elf_i386 -z noexecstack -T user/crt/user.ld -R $(B)/ntdll.elf -o $@ $(CRT_OBJS) $< $(LIBGCC)

# ---------------------------------------------------------------- kernel
KERNEL_C := $(sort $(wildcard ke/*.c ke/i386/*.c mm/*.c ps/*.c io/*.c fs/*.c hal/*.c rtl/*.c ex/*.c ob/*.c))
KERNEL_S := $(sort $(wildcard ke/i386/*.S hal/*.S))
KERNEL_OBJS := $(patsubst %.c,$(B)/k/%.o,$(KERNEL_C)) $(patsubst %.S,$(B)/k/%.o,$(KERNEL_S)) \
               $(B)/k/gen/svc_native.o $(B)/k/ntdllimg.o

$(B)/k/%.o: %.c $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<
$(B)/k/%.o: %.S $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -c -o $@ $<
$(B)/k/gen/%.o: $(B)/gen/%.c $(GENHDRS)
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c -o $@ $<
# the system ntdll image travels inside the kernel (SPEC 1)
$(B)/k/ntdllimg.o: $(B)/ntdll.elf ke/ntdllimg.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -DNTDLL_PATH='"$(B)/ntdll.elf"' -c -o $@ ke/ntdllimg.S

$(B)/nanont.elf: $(KERNEL_OBJS) ke/i386/kernel.ld
	$(LD) -m elf_i386 -z noexecstack -T ke/i386/kernel.ld -o $@ $(KERNEL_OBJS) $(LIBGCC)

# ---------------------------------------------------------------- host tools and tests
HOST_TOOLS :=
HOST_TESTS :=
-include $(wildcard tools/*.mk tests/host/*.mk)

$(B) $(B)/tools $(B)/gen $(B)/inc $(B)/host:
	mkdir -p $@

# ---------------------------------------------------------------- disk image
-include tools/disk.mk

# ---------------------------------------------------------------- top-level targets
all: $(B)/nanont.elf $(USER_PROGS) $(TEST_PROGS) $(HOST_TOOLS) $(DISK_IMAGE)

setup:
	@tools/setup.sh

run: setup all
	tools/run.sh --kernel $(B)/nanont.elf --disk-if-present --interactive --init hello.exe $(RUN_ARGS)

test: setup all $(HOST_TESTS)
	NANONT_BUILD=$(B) tools/test.sh $(HOST_TESTS)

bench: setup all
	NANONT_BUILD=$(B) tools/bench.sh

gdb: setup all
	tools/run.sh --kernel $(B)/nanont.elf --gdb --init hello.exe $(RUN_ARGS)

clean:
	rm -rf $(B)

.PHONY: all setup run test bench gdb clean
.DEFAULT_GOAL := all
.SECONDARY:

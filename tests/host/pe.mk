# pe host test: MiValidatePeImage and MiRelocateImage on generated images, each malformed kind,
# truncations and byte flips; with mingw-w64 present, also on real linker output (the same
# program linked at two bases, so relocation can be checked against the linker).
MINGW_CC := $(shell command -v i686-w64-mingw32-gcc 2>/dev/null)
PE_SAMPLE_FLAGS := -O1 -nostdlib -ffreestanding -Wl,-e,_start@0 -Wl,--dynamicbase \
                   -Wl,--no-insert-timestamp

HOST_TESTS += $(B)/host/test_pe
ifneq ($(MINGW_CC),)
PE_SAMPLES := $(B)/host/pe_sample_a.exe $(B)/host/pe_sample_b.exe
PE_SAMPLE_DEFS := -DPE_SAMPLE_A='"$(B)/host/pe_sample_a.exe"' -DPE_SAMPLE_B='"$(B)/host/pe_sample_b.exe"'
$(B)/host/pe_sample_a.exe: tests/host/pe_sample.c | $(B)/host
	$(MINGW_CC) $(PE_SAMPLE_FLAGS) -Wl,--image-base,0x10000000 -o $@ $<
$(B)/host/pe_sample_b.exe: tests/host/pe_sample.c | $(B)/host
	$(MINGW_CC) $(PE_SAMPLE_FLAGS) -Wl,--image-base,0x20000000 -o $@ $<
# on the disk too, for tests/guest/sections.c
$(DISK_IMAGE): $(PE_SAMPLES)
endif
$(B)/host/test_pe: tests/host/test_pe.c mm/peimage.c inc/peimage.h inc/ntimage.h $(PE_SAMPLES) | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) $(PE_SAMPLE_DEFS) -o $@ $(filter %.c,$^)

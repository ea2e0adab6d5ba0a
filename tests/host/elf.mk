# elf host test: MiValidateElfImage on a built image, each malformed kind, truncations, byte flips.
HOST_TESTS += $(B)/host/test_elf
$(B)/host/test_elf: tests/host/test_elf.c mm/elfimage.c inc/elfimage.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

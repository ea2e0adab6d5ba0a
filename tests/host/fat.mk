# FAT file system library: host tests against mkfs.fat, fsck.fat and mtools (dosfstools, mtools).
FAT_C := $(wildcard fs/fat*.c)

HOST_TESTS += $(B)/host/test_fat
$(B)/host/test_fat: tests/host/test_fat.c $(FAT_C) $(wildcard fs/fat*.h) inc/fat.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

# FAT file system library: host tests against mkfs.fat, fsck.fat and mtools (dosfstools, mtools),
# one program per area (tests/host/test_fat_*.c), sharing tests/host/fattest.h.
FAT_C := $(wildcard fs/fat*.c)
FAT_TESTS := interop ops corrupt crash model

HOST_TESTS += $(patsubst %,$(B)/host/test_fat_%,$(FAT_TESTS))
$(B)/host/test_fat_%: tests/host/test_fat_%.c tests/host/fattest.h tests/host/hosttest.h $(FAT_C) $(wildcard fs/fat*.h) inc/fat.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

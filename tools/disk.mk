# tools/disk.mk - the system disk image (FAT32 superfloppy; see tools/mkdisk.sh, docs/runner.md).
# The Makefile includes tools/*.mk and then this file again by name: the guard keeps one copy.
ifndef NANONT_DISK_MK
NANONT_DISK_MK := 1

DISK_IMAGE := $(B)/disk.img

# Rebuilt whenever a program (or the script) changes; every .exe and .dll goes to
# \WINDOWS\system32, including ones other .mk files add as prerequisites (the mingw-linked PE
# samples, pe.mk; ntdll.dll and the native tests, tests/guest/native.mk).
$(DISK_IMAGE): tools/mkdisk.sh $(USER_PROGS) $(TEST_PROGS)
	tools/mkdisk.sh $@ $(filter %.exe %.dll,$^)

endif

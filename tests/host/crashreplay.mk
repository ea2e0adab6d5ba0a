# crashreplay: crash states of a recorded guest run judged with the kernel's FAT code (a host tool
# used by tests/guest/crashreplay.sh, docs/fat.md "Crash consistency, measured").
HOST_TOOLS += $(B)/host/crashreplay
$(B)/host/crashreplay: tests/host/crashreplay.c tests/host/crashcheck.c tests/host/crashreplay.h $(wildcard fs/fat*.c) $(wildcard fs/fat*.h) rr/rrformat.c inc/fat.h inc/rrformat.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

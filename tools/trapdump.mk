# trapdump: print and judge a thread-context record (docs/trapfile.md), with the kernel's own code.
HOST_TOOLS += $(B)/tools/trapdump
$(B)/tools/trapdump: tools/trapdump.c rr/rrformat.c inc/rrformat.h inc/ktrap.h inc/ntdef.h | $(B)/tools
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

# Host test of the thread-context record format (rr/rrformat.c) and of tools/trapdump.
HOST_TESTS += $(B)/host/test_trapfile
$(B)/host/test_trapfile: tests/host/test_trapfile.c rr/rrformat.c inc/rrformat.h inc/ktrap.h tests/host/hosttest.h $(B)/tools/trapdump | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

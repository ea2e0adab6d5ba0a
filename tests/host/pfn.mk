# pfn host test: the physical page bitmap allocator, KeBugCheckEx played by the test.
HOST_TESTS += $(B)/host/test_pfn
$(B)/host/test_pfn: tests/host/test_pfn.c mm/pfnalloc.c inc/pfn.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

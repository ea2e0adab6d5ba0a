# pool host test: mm/pool.c with the page supply and KeBugCheckEx played by the test.
HOST_TESTS += $(B)/host/test_pool
$(B)/host/test_pool: tests/host/test_pool.c mm/pool.c inc/pool.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ $(filter %.c,$^)

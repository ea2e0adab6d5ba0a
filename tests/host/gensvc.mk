# Host test of the service-table generator (tools/gensvc.c, docs/spec.md §7); runs the built tool.
HOST_TESTS += $(B)/host/test_gensvc
$(B)/host/test_gensvc: tests/host/test_gensvc.c tests/host/hosttest.h $(B)/tools/gensvc | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_gensvc.c

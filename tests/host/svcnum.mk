# Host test: table 0's numbering (build/inc/svcnum.h, from ke/services.tab) against WRK's
# (tests/host/wrk_services.txt); reads both when it runs, from the repository root.
HOST_TESTS += $(B)/host/test_svcnum
$(B)/host/test_svcnum: tests/host/test_svcnum.c tests/host/hosttest.h $(B)/inc/svcnum.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_svcnum.c

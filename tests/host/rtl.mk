# rtl host test: RtlFormatString against libc, UNICODE_STRING helpers, rtl/string.c (included).
HOST_TESTS += $(B)/host/test_rtl
$(B)/host/test_rtl: tests/host/test_rtl.c rtl/format.c rtl/unicode.c rtl/string.c inc/rtl.h | $(B)/host
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tests/host/test_rtl.c rtl/format.c rtl/unicode.c

# check_native: every host tool and host test is a native binary of the build machine
# (tests/host/check_native.sh); the script tests (HOST_SCRIPT_TESTS) are not binaries and are left
# out. The list is taken when the recipe runs, after every .mk is read.
HOST_TESTS += $(B)/host/check_native
$(B)/host/check_native: tests/host/check_native.sh $(MAKEFILE_LIST) | $(B)/host
	printf '#!/bin/sh\nexec bash %s %s\n' '$(CURDIR)/tests/host/check_native.sh' \
	    '$(abspath $(filter $(B)/%,$(sort $(filter-out $@ $(HOST_SCRIPT_TESTS),$(HOST_TESTS)) $(HOST_TOOLS) $(B)/tools/gensvc)))' >$@
	chmod +x $@

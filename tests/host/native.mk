# check_native: every host tool and host test is a native binary of the build machine
# (tests/host/check_native.sh): the programs the build makes (scripts are not checked). The list
# is taken when the recipe runs, after every .mk is read.
HOST_TESTS += $(B)/host/check_native
$(B)/host/check_native: tests/host/check_native.sh $(MAKEFILE_LIST) | $(B)/host
	printf '#!/bin/sh\nexec bash %s %s\n' '$(CURDIR)/tests/host/check_native.sh' \
	    '$(abspath $(filter $(B)/%,$(sort $(filter-out $@,$(HOST_TESTS)) $(HOST_TOOLS) $(B)/tools/gensvc)))' >$@
	chmod +x $@

# Screen tools (docs/gui.md): a QEMU screendump (PPM) to PNG, and pixel checks on a PPM.
HOST_TOOLS += $(B)/tools/ppm2png $(B)/tools/ppmpixel
$(B)/tools/ppm2png: tools/ppm2png.c tools/ppm.h | $(B)/tools
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tools/ppm2png.c
$(B)/tools/ppmpixel: tools/ppmpixel.c tools/ppm.h | $(B)/tools
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tools/ppmpixel.c

# Screen tool (docs/gui.md): pixel checks on a QEMU screendump (PPM). PNG conversion is netpbm's.
HOST_TOOLS += $(B)/tools/ppmpixel
$(B)/tools/ppmpixel: tools/ppmpixel.c tools/ppm.h | $(B)/tools
	$(HOSTCC) $(HOSTCFLAGS) -o $@ tools/ppmpixel.c

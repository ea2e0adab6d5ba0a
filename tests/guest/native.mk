# tests/guest/native.mk - the native test programs (tests/guest/native/, docs/native-programs.md):
# built by Debian's mingw-w64 exactly as a user would, against mingw-w64's own headers and its
# own libntdll.a (no NanoNT header, no NanoNT import library), as PE executables with the native
# subsystem and entry NtProcessStartup(PPEB); the test DLLs with their .def files (ordinals,
# NONAME exports) and import libraries made by dlltool. Executables go to build/user/ (where
# tests/guest/MANIFEST finds modules), DLLs too; both go on the disk in \SystemRoot\system32.
NATIVE_DIR := tests/guest/native
NATIVE_CFLAGS := -O2 -Wall -Wextra -Werror -Wno-array-bounds
NATIVE_EXE_FLAGS := -nostdlib -Wl,--subsystem,native -e _NtProcessStartup@4
NATIVE_DLL_FLAGS := -nostdlib -shared -Wl,--subsystem,native -e _DllMain@12 -Wl,--kill-at
# natdlla and natdllb share one preferred base: one of them is relocated
NATIVE_DLL_BASE := 0x10000000

NATIVE_EXES := $(patsubst %,$(B)/user/%.exe,nathello natbasic natdlls natmissdll natmissexp natbadimp natnull natchild natproc natprotect)
NATIVE_DLLS := $(patsubst %,$(B)/user/%.dll,natdlla natdllb natdllc natdllm natbad)

# import libraries from .def files (natmiss and natnowhere describe exports that do not exist)
$(B)/native/lib%.a: $(NATIVE_DIR)/%.def
	@mkdir -p $(dir $@)
	$(MINGW)-dlltool -k -d $< -l $@

$(B)/user/nathello.exe $(B)/user/natbasic.exe $(B)/user/natmissexp.exe $(B)/user/natnull.exe $(B)/user/natchild.exe $(B)/user/natproc.exe: $(B)/user/%.exe: $(NATIVE_DIR)/%.c $(NATIVE_DIR)/nttest.h
	@mkdir -p $(dir $@)
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_EXE_FLAGS) -o $@ $< -lntdll
$(B)/user/natmissdll.exe: $(NATIVE_DIR)/natmissdll.c $(B)/native/libnatnowhere.a
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_EXE_FLAGS) -o $@ $< $(B)/native/libnatnowhere.a -lntdll
$(B)/user/natbadimp.exe: $(NATIVE_DIR)/natbadimp.c $(B)/native/libnatbad.a
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_EXE_FLAGS) -o $@ $< $(B)/native/libnatbad.a -lntdll
$(B)/user/natdlls.exe: $(NATIVE_DIR)/natdlls.c $(NATIVE_DIR)/nttest.h $(B)/native/libnatdlla.a $(B)/native/libnatdllb.a
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_EXE_FLAGS) -o $@ $< $(B)/native/libnatdlla.a $(B)/native/libnatdllb.a -lntdll

$(B)/user/natdlla.dll: $(NATIVE_DIR)/natdlla.c $(NATIVE_DIR)/natdlla.def
	@mkdir -p $(dir $@)
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_DLL_FLAGS) -Wl,--image-base,$(NATIVE_DLL_BASE) -o $@ $^ -lntdll
$(B)/user/natdllb.dll: $(NATIVE_DIR)/natdllb.c $(NATIVE_DIR)/natdllb.def $(B)/native/libnatdlla.a
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_DLL_FLAGS) -Wl,--image-base,$(NATIVE_DLL_BASE) -o $@ $^ -lntdll
$(B)/user/natdllc.dll: $(NATIVE_DIR)/natdllc.c $(NATIVE_DIR)/natdllc.def $(B)/native/libnatdlla.a
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_DLL_FLAGS) -o $@ $^ -lntdll
$(B)/user/natdllm.dll: $(NATIVE_DIR)/natdllm.c $(B)/native/libnatmiss.a
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_DLL_FLAGS) -o $@ $^ -lntdll
# not an image: natdlla.dll cut short inside its headers
$(B)/user/natbad.dll: $(B)/user/natdlla.dll
	head -c 600 $< > $@

# its import address table in a read-only section (the loader unprotects it to snap it)
$(B)/user/natprotect.exe: $(NATIVE_DIR)/natprotect.c $(NATIVE_DIR)/nttest.h $(NATIVE_DIR)/rdonlyidata.sh
	$(MINGW_CC) $(NATIVE_CFLAGS) $(NATIVE_EXE_FLAGS) -o $@.rw $< -lntdll
	bash $(NATIVE_DIR)/rdonlyidata.sh $@.rw $@
	rm -f $@.rw

# a truncated executable, started as init: the kernel refuses it (STATUS_INVALID_IMAGE_FORMAT)
$(B)/user/natbadexe.exe: $(B)/user/nathello.exe
	head -c 700 $< > $@

all: $(NATIVE_EXES) $(NATIVE_DLLS) $(B)/user/natbadexe.exe
$(DISK_IMAGE): $(NATIVE_EXES) $(NATIVE_DLLS) $(B)/ntdll.dll

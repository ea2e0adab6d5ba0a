/*
 * natdllb.c - a test DLL with the same preferred base as natdlla.dll (so one of them is
 * relocated) that imports from natdlla by ordinal (NatSecret has no name) and by name.
 */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS

ULONG NTAPI NatSecret(void);
ULONG NTAPI NatNote(ULONG Who, ULONG Reason);

static ULONG Global = 0xB0B0;
static ULONG *const GlobalPointer = &Global;   /* a HIGHLOW fixup in .data */

/* The address of a global as seen through a relocated pointer: equals &Global only when the
   image was relocated correctly. */
ULONG *NTAPI NatBGlobal(void) { return GlobalPointer == &Global ? GlobalPointer : NULL; }
ULONG NTAPI NatBSecret(void) { return NatSecret() + *GlobalPointer; }

BOOL WINAPI DllMain(HINSTANCE Instance, DWORD Reason, LPVOID Reserved)
{
    (void)Instance; (void)Reserved;
    NatNote('B', Reason);
    return TRUE;
}

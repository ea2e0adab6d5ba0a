/* natdllc.c - a test DLL loaded at run time (LdrLoadDll) and unloaded (LdrUnloadDll); it leaves
   its DllMain calls in natdlla's log. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS

ULONG NTAPI NatNote(ULONG Who, ULONG Reason);

ULONG NTAPI NatCValue(void) { return 0xC0FFEE; }

BOOL WINAPI DllMain(HINSTANCE Instance, DWORD Reason, LPVOID Reserved)
{
    (void)Instance; (void)Reserved;
    NatNote('C', Reason);
    return TRUE;
}

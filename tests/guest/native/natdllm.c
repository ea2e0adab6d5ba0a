/* natdllm.c - a test DLL that imports a function natdlla.dll does not export: loading it fails
   with STATUS_ENTRYPOINT_NOT_FOUND and leaves nothing loaded. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS

ULONG NTAPI NatMissing(void);

ULONG NTAPI NatMValue(void) { return NatMissing(); }

BOOL WINAPI DllMain(HINSTANCE Instance, DWORD Reason, LPVOID Reserved)
{
    (void)Instance; (void)Reason; (void)Reserved;
    return TRUE;
}

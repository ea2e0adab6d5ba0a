/*
 * natdlla.c - a test DLL (tests/guest/native/natdlls.c): exports by name and by ordinal only
 * (natdlla.def), counts its DLL_PROCESS_ATTACH / DLL_THREAD_ATTACH / DETACH calls and keeps a
 * log of notes other test DLLs leave (NatNote), so the test can see the order things happened in.
 */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS

static LONG ProcessAttach, ThreadAttach, ThreadDetach;
static ULONG Notes[32];
static ULONG NoteCount;

ULONG NTAPI NatAdd(ULONG A, ULONG B) { return A + B; }
ULONG NTAPI NatSecret(void) { return 0x5EC7E7; }

/* Which counter: 0 process attach, 1 thread attach, 2 thread detach. */
LONG NTAPI NatAttachCount(void) { return ProcessAttach | (ThreadAttach << 8) | (ThreadDetach << 16); }

/* Record (Who << 8 | Reason); 0 when the log is full. */
ULONG NTAPI NatNote(ULONG Who, ULONG Reason)
{
    if (NoteCount == 32)
        return 0;
    Notes[NoteCount++] = (Who << 8) | Reason;
    return 1;
}

/* The log: *Count notes from the returned array. */
const ULONG *NTAPI NatNotes(PULONG Count)
{
    *Count = NoteCount;
    return Notes;
}

BOOL WINAPI DllMain(HINSTANCE Instance, DWORD Reason, LPVOID Reserved)
{
    (void)Instance; (void)Reserved;
    if (Reason == DLL_PROCESS_ATTACH)
        ProcessAttach++;
    else if (Reason == DLL_THREAD_ATTACH)
        ThreadAttach++;
    else if (Reason == DLL_THREAD_DETACH)
        ThreadDetach++;
    NatNote('A', Reason);
    return TRUE;
}

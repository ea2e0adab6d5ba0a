/*
 * w32init.c - Win32kInitialize: the GUI component at boot. Sets up the display and the boot
 * console on it, registers the GUI service table as table 1 (in the shadow descriptor table only)
 * and installs the thread callout and the GDI batch flush the kernel calls back.
 * Kernel words: video=none (no display), guithreads=N (at most N live GUI threads).
 */
#include "w32p.h"
#include "win32k.h"
#include "loader.h"
#include "rtl.h"
#include "w32svcnum.h"


/* Win32kInitialize - called once by KiSystemStartup after the native service tables. */
VOID Win32kInitialize(VOID)
{
    CHAR opt[12];
    if (KeGetBootOption("guithreads", opt, sizeof(opt))) {
        ULONG n = 0;
        for (ULONG i = 0; opt[i] >= '0' && opt[i] <= '9' && n < 100000; i++)
            n = n * 10 + (ULONG)(opt[i] - '0');
        W32pGuiThreadLimit = n;
    }
    NTSTATUS status = GreInitializeDisplay();
    if (NT_SUCCESS(status)) {
        W32pInitializeConsole();
        DbgPrint("win32k: display %ux%ux32 (Bochs VBE, framebuffer at 0x%08x); boot console on screen\n",
                 (unsigned)GreScreen.Width, (unsigned)GreScreen.Height, (unsigned)GreScreen.Physical);
    } else {
        DbgPrint("win32k: no display (status 0x%08x); drawing services return STATUS_NO_SUCH_DEVICE\n",
                 (unsigned)status);
    }
    if (!KeAddSystemServiceTable((PULONG_PTR)W32pServiceTable, W32pServiceCounters, W32pServiceLimit,
                                 W32pArgumentTable, 1))
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x5733, W32pServiceLimit, 0, 0);
    KeSetServiceTableNames(1, W32pServiceNames);
    KeSetServiceTableTypes(1, W32pServiceArgumentTypes);
    PsW32ThreadCallout = W32pThreadCallout;
    KeGdiFlushUserBatch = W32pFlushUserBatch;
}

/*
 * exinit.c - ExInitializeExecutive: the executive's start-up, in order. The kernel calls it twice
 * from KiSystemStartup (ke/init.c), as WRK's kernel calls ExpInitializeExecutive and then runs
 * Phase1Initialization: phase 0 before SharedUserData and the tracer are set up, phase 1 after.
 */
#include "ke.h"
#include "io.h"
#include "ps.h"
#include "ex.h"
#include "win32k.h"

VOID ExInitializeExecutive(ULONG Phase)
{
    if (Phase == 0) {
        PsInitSystem(0);                   /* kernel callouts, the system ntdll */
        ExsInitializeSampleServices();     /* the example extension registers table 2 */
        Win32kInitialize();                /* the GUI component registers table 1 */
        return;
    }
    ExRunSelfTests();
    IoInitSystem();                        /* the disk and \SystemRoot (io/iomount.c) */
    PsInitSystem(1);                       /* the process and thread types, then init= */
}

/*
 * psinit.c - PsInitSystem: the process and thread object types, then the first user program.
 * init=NAME picks a Multiboot module (docs/spec.md §1); the words after init=NAME, and those after the
 * module's own path, are its arguments.
 */
#include "psp.h"
#include "mm.h"
#include "loader.h"
#include "rtl.h"
#include "io.h"
#include "hal.h"

/* PspStartInitFromDisk - init=\SystemRoot\...: read the image through the I/O manager
   (io/iointernal.c) and start it; its command line is the path and init='s arguments. */
static VOID PspStartInitFromDisk(PCSTR Path, PCHAR CommandLine, ULONG Size)
{
    PVOID image;
    ULONG imageSize;
    PEPROCESS process;
    NTSTATUS status = IoReadWholeFile(Path, &image, &imageSize);
    if (NT_SUCCESS(status)) {
        PCSTR initArgs = KeGetInitArguments();
        RtlFormatString(CommandLine, Size, "%s%s%s", Path, *initArgs ? " " : "", initArgs);
        status = PspCreateProcess(Path, image, imageSize, CommandLine, TRUE, &process, NULL);
        IoFreeWholeFile(image);
    }
    if (!NT_SUCCESS(status)) {
        DbgPrint("NanoNT: cannot start %s from the disk: status 0x%08X\n", Path, (unsigned)status);
        DbgPrint("init exited with status 0x%08X\n", (unsigned)status);
        HalPowerOff(1);
    }
    DbgPrint("NanoNT: started %s (process %u) from the disk: %s\n", Path, (unsigned)process->UniqueProcessId,
             CommandLine);
}


OBJECT_TYPE PspProcessObjectType = {
    .Name = "Process", .ValidAccessMask = PROCESS_ALL_ACCESS,
    .GenericRead = STANDARD_RIGHTS_READ | PROCESS_VM_READ | PROCESS_QUERY_INFORMATION,
    .GenericWrite = STANDARD_RIGHTS_WRITE | PROCESS_CREATE_PROCESS | PROCESS_CREATE_THREAD | PROCESS_VM_OPERATION |
                    PROCESS_VM_WRITE | PROCESS_DUP_HANDLE | PROCESS_TERMINATE | PROCESS_SET_QUOTA |
                    PROCESS_SET_INFORMATION | PROCESS_SUSPEND_RESUME,
    .GenericExecute = STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, .GenericAll = PROCESS_ALL_ACCESS,
    .DeleteProcedure = PspDeleteProcess, .PoolTag = 'corP', .Waitable = TRUE,
};
OBJECT_TYPE PspThreadObjectType = {
    .Name = "Thread", .ValidAccessMask = THREAD_ALL_ACCESS,
    .GenericRead = STANDARD_RIGHTS_READ | THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION,
    .GenericWrite = STANDARD_RIGHTS_WRITE | THREAD_TERMINATE | THREAD_SUSPEND_RESUME | THREAD_ALERT |
                    THREAD_SET_INFORMATION | THREAD_SET_CONTEXT,
    .GenericExecute = STANDARD_RIGHTS_EXECUTE | SYNCHRONIZE, .GenericAll = THREAD_ALL_ACCESS,
    .DeleteProcedure = PspDeleteThread, .PoolTag = 'erhT', .Waitable = TRUE,
};

/* The routines the kernel calls out to (inc/ke.h, KE_PROCESS_CALLOUTS). */
static DECLSPEC_NORETURN VOID PspExitTerminatingThread(VOID)
{
    PspExitThread(PsGetCurrentThread()->ExitStatus);
}

static VOID PspTerminateProcessCallout(PKPROCESS Process, NTSTATUS ExitStatus)
{
    PspTerminateProcess(CONTAINING_RECORD(Process, EPROCESS, Pcb), ExitStatus);
}

static const KE_PROCESS_CALLOUTS PspKernelCallouts = {
    .ExitThread = PspExitThread,
    .ExitTerminatingThread = PspExitTerminatingThread,
    .TerminateProcess = PspTerminateProcessCallout,
    .ReapDeadThreads = PspReapDeadThreads,
    .ConvertToGuiThread = PsConvertToGuiThread,
    .FreeSmallStackAfterConversion = PspFreeSmallStackAfterConversion,
};

/*
 * PsInitSystem - the process structure at boot (ex/exinit.c calls it in both phases).
 * Phase 0, before any thread switch: register the kernel's callouts, load the system ntdll and
 * hand its user-mode entry points to the kernel. Phase 1: the object types, then init=.
 */
VOID PsInitSystem(ULONG Phase)
{
    if (Phase == 0) {
        KeRegisterProcessCallouts(&PspKernelCallouts);
        NTSTATUS status = PspInitializeSystemDll();
        if (!NT_SUCCESS(status))
            KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, 0x5053, status, 0, 0);
        KeUserApcDispatcher = PspSystemDll.KiUserApcDispatcher;
        KeUserExceptionDispatcher = PspSystemDll.KiUserExceptionDispatcher;
        KeUserFastSystemCall = PspSystemDll.KiFastSystemCall;
        KeUserFastSystemCallRet = PspSystemDll.KiFastSystemCallRet;
        KeUserIntSystemCall = PspSystemDll.KiIntSystemCall;
        return;
    }
    PsProcessType = &PspProcessObjectType;
    PsThreadType = &PspThreadObjectType;

    CHAR name[128];
    static CHAR cmdline[LOADER_COMMAND_LINE_MAX + 160];
    if (!KeGetBootOption("init", name, sizeof(name))) {
        if (KeLoaderBlock.ModuleCount == 0) {
            DbgPrint("NanoNT: no init= program and no module: nothing to run\n");
            return;
        }
        strcpy(name, KeLoaderBlock.Modules[0].Name);
    }
    if (name[0] == '\\') {
        PspStartInitFromDisk(name, cmdline, sizeof(cmdline));
        return;
    }
    const LOADER_MODULE *m = KeFindBootModule(name);
    if (!m) {
        DbgPrint("NanoNT: init program '%s' not found among the boot modules\n", name);
        DbgPrint("init exited with status 0x%08X\n", (unsigned)STATUS_OBJECT_NAME_NOT_FOUND);
        HalPowerOff(1);
    }
    /* command line: NAME, the module's own arguments, then the kernel command line's */
    PCSTR modArgs = m->String;
    while (*modArgs && *modArgs != ' ')
        modArgs++;
    while (*modArgs == ' ')
        modArgs++;
    PCSTR initArgs = KeGetInitArguments();
    RtlFormatString(cmdline, sizeof(cmdline), "%s%s%s%s%s", m->Name, *modArgs ? " " : "", modArgs,
                    *initArgs ? " " : "", initArgs);

    PEPROCESS process;
    NTSTATUS status = PspCreateProcess(m->Name, MI_PA_TO_VA(m->PhysicalStart),
                                       m->PhysicalEnd - m->PhysicalStart, cmdline, TRUE, &process, NULL);
    if (!NT_SUCCESS(status)) {
        DbgPrint("NanoNT: cannot start %s: status 0x%08X\n", m->Name, (unsigned)status);
        DbgPrint("init exited with status 0x%08X\n", (unsigned)status);
        HalPowerOff(1);
    }
    DbgPrint("NanoNT: started %s (process %u): %s\n", m->Name, (unsigned)process->UniqueProcessId, cmdline);
}

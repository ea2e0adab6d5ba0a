/*
 * psinit.c - PsInitSystem: start the first user program. init=NAME picks a Multiboot module
 * (SPEC 1); the words after init=NAME, and those after the module's own path, are its arguments.
 */
#include "psp.h"
#include "mm.h"
#include "loader.h"
#include "rtl.h"

VOID PsInitSystem(VOID)
{
    CHAR name[64];
    static CHAR cmdline[LOADER_COMMAND_LINE_MAX + 160];
    if (!KeGetBootOption("init", name, sizeof(name))) {
        if (KeLoaderBlock.ModuleCount == 0) {
            DbgPrint("NanoNT: no init= program and no module: nothing to run\n");
            return;
        }
        strcpy(name, KeLoaderBlock.Modules[0].Name);
    }
    const LOADER_MODULE *m = KeFindBootModule(name);
    if (!m) {
        DbgPrint("NanoNT: init program '%s' not found among the boot modules\n", name);
        DbgPrint("init exited with status 0x%08X\n", (unsigned)STATUS_OBJECT_NAME_NOT_FOUND);
        extern VOID HalPowerOff(ULONG);
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
        extern VOID HalPowerOff(ULONG);
        HalPowerOff(1);
    }
    DbgPrint("NanoNT: started %s (process %u): %s\n", m->Name, (unsigned)process->UniqueProcessId, cmdline);
}

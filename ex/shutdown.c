/*
 * shutdown.c - NtShutdownSystem (NT's signature, WRK's index 0x102): write what the file system
 * has cached to the disk, then stop the machine as asked: ShutdownNoReboot and ShutdownPowerOff
 * power it off (QEMU exits with the pass code, as when the init program ends with
 * STATUS_SUCCESS), ShutdownReboot resets it (HalReboot). NT asks for SeShutdownPrivilege; NanoNT
 * has no privileges yet, so any process may stop the machine (docs/security.md).
 */
#include "ke.h"
#include "hal.h"
#include "io.h"
#include "ps.h"

typedef enum _SHUTDOWN_ACTION { ShutdownNoReboot, ShutdownReboot, ShutdownPowerOff } SHUTDOWN_ACTION;

/* NtShutdownSystem - In: the action. Does not return but for STATUS_INVALID_PARAMETER. */
NTSTATUS NTAPI NtShutdownSystem(SHUTDOWN_ACTION Action)
{
    static const PCSTR names[] = { "shut down", "reboot", "power off" };
    if ((ULONG)Action > ShutdownPowerOff)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS flushed = IoShutdownSystem();
    DbgPrint("NanoNT: %s (NtShutdownSystem from process %u, disk flush 0x%08X)\n", names[Action],
             (unsigned)PsGetCurrentProcess()->UniqueProcessId, (unsigned)flushed);
    if (Action == ShutdownReboot)
        HalReboot();
    HalPowerOff(0);
}

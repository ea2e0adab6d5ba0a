/*
 * genoffsets.c - emits the structure offsets assembly needs (Linux "asm-offsets" style).
 * The Makefile compiles this file with -S and turns each "@@OFF NAME VALUE" marker into
 * "#define NAME VALUE" in build/inc/ksoffsets.h, so no offset is ever typed twice.
 */
#include "ke.h"
#include "ps.h"

#define OFF(name, value) __asm__ volatile("\n@@OFF " #name " %c0\n" :: "i"(value))
#define TS(f) OFF(Ts##f, offsetof(KTRAP_FRAME, f))
#define TH(f) OFF(Th##f, offsetof(KTHREAD, f))
#define TX(f) OFF(Th##f, KTHREAD_EXTENSION_OFFSET + offsetof(KTHREAD_EXTENSION, f))

void KiGenerateOffsets(void)
{
    /* KTRAP_FRAME */
    TS(DbgEbp); TS(DbgEip); TS(DbgArgMark); TS(DbgArgPointer); TS(TempSegCs); TS(TempEsp);
    TS(Dr0); TS(Dr1); TS(Dr2); TS(Dr3); TS(Dr6); TS(Dr7);
    TS(SegGs); TS(SegEs); TS(SegDs); TS(Edx); TS(Ecx); TS(Eax);
    TS(PreviousPreviousMode); TS(ExceptionList); TS(SegFs);
    TS(Edi); TS(Esi); TS(Ebx); TS(Ebp); TS(ErrCode); TS(Eip); TS(SegCs); TS(EFlags);
    TS(HardwareEsp); TS(HardwareSegSs);
    OFF(KTRAP_FRAME_LENGTH, sizeof(KTRAP_FRAME));
    OFF(KI_FAST_FRAME_MARK, KI_FAST_FRAME_MARK);
    OFF(KI_INT2E_FRAME_MARK, KI_INT2E_FRAME_MARK);
    OFF(KI_DBG_ARG_MARK, KI_DBG_ARG_MARK);

    /* KTHREAD */
    TH(InitialStack); TH(StackLimit); TH(KernelStack); TH(TrapFrame); TH(ServiceTable);
    TH(PreviousMode); TH(Teb); TH(Win32Thread);
    OFF(ThUserApcPending, offsetof(KTHREAD, ApcState.UserApcPending));
    /* the kernel's KTHREAD_EXTENSION, reached from the KTHREAD as KeGetThreadExtension does */
    TX(DebugActive); TX(SavedGs);

    /* KPCR */
    OFF(PcExceptionList, offsetof(KPCR, NtTib.ExceptionList));
    OFF(PcTeb, offsetof(KPCR, NtTib.Self));
    OFF(PcSelfPcr, offsetof(KPCR, SelfPcr));
    OFF(PcTss, offsetof(KPCR, TSS));
    OFF(PcCurrentThread, offsetof(KPCR, PrcbData.CurrentThread));
    OFF(PcKeSystemCalls, offsetof(KPCR, PrcbData.KeSystemCalls));

    /* KTSS, service descriptors, SharedUserData, TEB */
    OFF(TssEsp0, offsetof(KTSS, Esp0));
    OFF(SdBase, offsetof(KSERVICE_TABLE_DESCRIPTOR, Base));
    OFF(SdCount, offsetof(KSERVICE_TABLE_DESCRIPTOR, Count));
    OFF(SdLimit, offsetof(KSERVICE_TABLE_DESCRIPTOR, Limit));
    OFF(SdNumber, offsetof(KSERVICE_TABLE_DESCRIPTOR, Number));
    OFF(UsSystemCallReturn, KI_USER_SHARED_DATA + offsetof(KUSER_SHARED_DATA, SystemCallReturn));
    OFF(TbGdiBatchCount, offsetof(TEB, GdiBatchCount));

    /* constants */
    OFF(KGDT_R0_CODE, KGDT_R0_CODE); OFF(KGDT_R0_DATA, KGDT_R0_DATA);
    OFF(KGDT_R3_CODE, KGDT_R3_CODE); OFF(KGDT_R3_DATA, KGDT_R3_DATA);
    OFF(KGDT_R0_PCR, KGDT_R0_PCR); OFF(KGDT_R3_TEB, KGDT_R3_TEB); OFF(RPL_MASK, RPL_MASK);
    OFF(EFLAGS_TF, EFLAGS_TF); OFF(EFLAGS_IF, EFLAGS_IF);
    OFF(MM_USER_PROBE_ADDRESS, MM_USER_PROBE_ADDRESS);
    OFF(STATUS_ACCESS_VIOLATION, STATUS_ACCESS_VIOLATION);
    OFF(STATUS_INVALID_SYSTEM_SERVICE, STATUS_INVALID_SYSTEM_SERVICE);
    OFF(SERVICE_NUMBER_MASK, SERVICE_NUMBER_MASK);
    OFF(SERVICE_TABLE_MASK, SERVICE_TABLE_MASK);
    OFF(KI_FAST_SERVICE_SLOTS, KI_FAST_SERVICE_SLOTS);
    OFF(SERVICE_MAXIMUM_ARGUMENT_DWORDS, SERVICE_MAXIMUM_ARGUMENT_DWORDS);
    OFF(SERVICE_TABLE_TEST, SERVICE_TABLE_TEST);
    OFF(KI_V86_FRAME_SKIP, KI_V86_FRAME_SKIP);
    OFF(NPX_FRAME_LENGTH, NPX_FRAME_LENGTH);
}

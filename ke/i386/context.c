/*
 * context.c - moving user state between a KTRAP_FRAME and a CONTEXT, with the sanitizing rules
 * every writer of user-supplied state goes through (docs/spec.md §8): user CS/SS/DS/ES/FS, GS 0 or 0x23,
 * EFLAGS limited to user-settable bits with IF forced. A frame written here is no longer
 * "exactly as sysenter built it", so it leaves by iretd.
 */
#include "ke.h"
#include "../ki.h"
#include "ps.h"
#include "rtl.h"

ULONG KeSanitizeUserEflags(ULONG EFlags)
{
    return (EFlags & EFLAGS_USER_SETTABLE) | EFLAGS_IF | 0x2;
}

static ULONG KiSanitizeGs(ULONG Gs)
{
    Gs &= 0xFFFF;
    return (Gs == (KGDT_R3_DATA | RPL_MASK)) ? Gs : 0;
}

/*
 * KeTrapFrameToContext - the user-visible state of a frame. During a system service the volatile
 * ECX/EDX are reported as 0 (Edx holds the kernel's frame link) and DS/ES/FS as the values the
 * service return gives them; a frame from KiFastCallEntry did not save GS, which the kernel never
 * changes, so the live GS is reported.
 */
VOID KeTrapFrameToContext(PKTHREAD Thread, PKTRAP_FRAME Tf, PCONTEXT Context)
{
    ULONG flags = Context->ContextFlags;
    BOOLEAN service = KI_IS_SERVICE_FRAME(Tf);
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
    BOOLEAN edited = service && ext->ServiceFrameEdited;   /* see KiBeginTrapFrameEdit */
    ULONG liveGs = (Thread == KeGetCurrentThread()) ? KiReadGs() : ext->SavedGs;

    if ((flags & CONTEXT_CONTROL) == CONTEXT_CONTROL) {
        Context->Ebp = Tf->Ebp;
        Context->Eip = Tf->Eip;
        Context->SegCs = Tf->SegCs & 0xFFFF;
        Context->EFlags = Tf->EFlags;
        Context->Esp = Tf->HardwareEsp;
        Context->SegSs = Tf->HardwareSegSs & 0xFFFF;
    }
    if ((flags & CONTEXT_INTEGER) == CONTEXT_INTEGER) {
        Context->Edi = Tf->Edi;
        Context->Esi = Tf->Esi;
        Context->Ebx = Tf->Ebx;
        /* a fast-entry frame does not save EAX: until the service exit stores the result there
           it holds no user value (and never kernel data may leak), so report 0 */
        Context->Eax = (service && !edited && !ext->ServiceExitActive) ? 0 : Tf->Eax;
        Context->Ecx = (service && !edited) ? 0 : Tf->Ecx;
        Context->Edx = (service && !edited) ? 0 : Tf->Edx;
    }
    if ((flags & CONTEXT_SEGMENTS) == CONTEXT_SEGMENTS) {
        if (service && !edited) {
            Context->SegDs = Context->SegEs = KGDT_R3_DATA | RPL_MASK;
            Context->SegFs = KGDT_R3_TEB | RPL_MASK;
            Context->SegGs = (Tf->ErrCode == KI_FAST_FRAME_MARK) ? liveGs : (Tf->SegGs & 0xFFFF);
        } else {
            Context->SegDs = Tf->SegDs & 0xFFFF;
            Context->SegEs = Tf->SegEs & 0xFFFF;
            Context->SegFs = Tf->SegFs & 0xFFFF;
            Context->SegGs = Tf->SegGs & 0xFFFF;
        }
    }
    if ((flags & CONTEXT_DEBUG_REGISTERS) == CONTEXT_DEBUG_REGISTERS) {
        Context->Dr0 = ext->UserDr[0];
        Context->Dr1 = ext->UserDr[1];
        Context->Dr2 = ext->UserDr[2];
        Context->Dr3 = ext->UserDr[3];
        Context->Dr6 = ext->UserDr[6];
        Context->Dr7 = ext->UserDr[7];
    }
}

/*
 * KiBeginTrapFrameEdit - called before user state is written into a frame. For the current
 * service frame it first moves what the frame's Edx held (the previous trap-frame link) to
 * KTHREAD_EXTENSION.ServiceFrameLink, since Edx is about to become the user's EDX, writes the
 * volatile fields as KeTrapFrameToContext reports them (EAX, ECX, EDX, DS, ES, FS, GS) and marks
 * the frame edited; the service exit restores KTHREAD.TrapFrame from there. State, when not NULL,
 * holds those fields already: KeTrapFrameToContext's CONTEXT_FULL view of this frame taken before
 * any edit, or the CONTEXT about to overwrite all of them.
 */
VOID KiBeginTrapFrameEdit(PKTHREAD Thread, PKTRAP_FRAME Tf, const CONTEXT *State)
{
    PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
    if (KI_IS_SERVICE_FRAME(Tf) && !ext->ServiceFrameEdited) {
        CONTEXT c;
        if (!State) {
            c.ContextFlags = CONTEXT_FULL;
            KeTrapFrameToContext(Thread, Tf, &c);       /* normalise the volatile fields first */
            State = &c;
        }
        ext->ServiceFrameLink = (PKTRAP_FRAME)Tf->Edx;
        ext->ServiceFrameEdited = TRUE;
        Tf->Eax = State->Eax;
        Tf->Ecx = State->Ecx;
        Tf->Edx = State->Edx;
        Tf->SegDs = State->SegDs;
        Tf->SegEs = State->SegEs;
        Tf->SegFs = State->SegFs;
        Tf->SegGs = State->SegGs;
    }
    Tf->ErrCode = 0;                             /* no longer a sysexit frame */
}

/*
 * KeContextToTrapFrame - write a user CONTEXT into a frame, sanitized. Selectors are forced to
 * their user values (GS to 0 unless 0x23), EFLAGS to user-settable bits with IF on. EIP and ESP
 * may point anywhere: a kernel address simply faults in user mode, as on NT.
 */
NTSTATUS KeContextToTrapFrame(PKTHREAD Thread, PKTRAP_FRAME Tf, const CONTEXT *Context, ULONG Flags)
{
    Flags &= Context->ContextFlags;
    /* a CONTEXT with the integer and segment registers overwrites every volatile field */
    const ULONG all = CONTEXT_INTEGER | CONTEXT_SEGMENTS;
    KiBeginTrapFrameEdit(Thread, Tf, ((Flags & all) == all) ? Context : NULL);
    if ((Flags & CONTEXT_CONTROL) == CONTEXT_CONTROL) {
        Tf->Ebp = Context->Ebp;
        Tf->Eip = Context->Eip;
        Tf->SegCs = KGDT_R3_CODE | RPL_MASK;
        Tf->EFlags = KeSanitizeUserEflags(Context->EFlags);
        Tf->HardwareEsp = Context->Esp;
        Tf->HardwareSegSs = KGDT_R3_DATA | RPL_MASK;
    }
    if ((Flags & CONTEXT_INTEGER) == CONTEXT_INTEGER) {
        Tf->Edi = Context->Edi;
        Tf->Esi = Context->Esi;
        Tf->Ebx = Context->Ebx;
        Tf->Edx = Context->Edx;
        Tf->Ecx = Context->Ecx;
        Tf->Eax = Context->Eax;
    }
    if ((Flags & CONTEXT_SEGMENTS) == CONTEXT_SEGMENTS) {
        Tf->SegDs = Tf->SegEs = KGDT_R3_DATA | RPL_MASK;
        Tf->SegFs = KGDT_R3_TEB | RPL_MASK;
        Tf->SegGs = KiSanitizeGs(Context->SegGs);
    }
    if ((Flags & CONTEXT_DEBUG_REGISTERS) == CONTEXT_DEBUG_REGISTERS) {
        /* only user addresses, and DR7 as WRK sanitizes it (DR7_LEGAL: local enables, LE and
           the conditions; no global enable, no GD) */
        PKTHREAD_EXTENSION ext = KeGetThreadExtension(Thread);
        ULONG dr[4] = { Context->Dr0, Context->Dr1, Context->Dr2, Context->Dr3 };
        for (int i = 0; i < 4; i++)
            ext->UserDr[i] = dr[i] <= MM_HIGHEST_USER_ADDRESS ? dr[i] : 0;
        /* NanoNT's rule, stricter than WRK's Dr6 & DR6_LEGAL: a CONTEXT never sets DR6, because
           a kernel-mode #DB with B0-B3 set is taken to be a user breakpoint's (NOTES.md) and
           user mode must not be able to preload those bits */
        ext->UserDr[6] = 0;
        ext->UserDr[7] = Context->Dr7 & DR7_LEGAL;
        ext->DebugActive = (ext->UserDr[7] & DR7_ACTIVE) != 0;
    }
    return STATUS_SUCCESS;
}

/*
 * KiRedirectToUserDispatcher - send a thread to an ntdll dispatcher (KiUserApcDispatcher,
 * KiUserExceptionDispatcher) whose records the caller has already written below the user stack.
 * In: the thread, its frame, the dispatcher's address, the new user ESP, and optionally the
 * frame's CONTEXT_FULL view from KeTrapFrameToContext (State of KiBeginTrapFrameEdit). The
 * dispatcher runs with user selectors, the interrupted flags sanitized and DF and TF clear
 * (docs/spec.md §7).
 */
VOID KiRedirectToUserDispatcher(PKTHREAD Thread, PKTRAP_FRAME Tf, ULONG Eip, ULONG Esp, const CONTEXT *State)
{
    KiBeginTrapFrameEdit(Thread, Tf, State);
    Tf->Eip = Eip;
    Tf->HardwareEsp = Esp;
    Tf->EFlags = KeSanitizeUserEflags(Tf->EFlags) & ~(EFLAGS_DF | EFLAGS_TF);
    Tf->SegCs = KGDT_R3_CODE | RPL_MASK;
    Tf->HardwareSegSs = Tf->SegDs = Tf->SegEs = KGDT_R3_DATA | RPL_MASK;
    Tf->SegFs = KGDT_R3_TEB | RPL_MASK;
}

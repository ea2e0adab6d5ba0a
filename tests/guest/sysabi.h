/*
 * sysabi.h - the call harness of tests/guest/sysabi.c: make one system call through sysenter or
 * int 2Eh from assembly with every register, EFLAGS and segment register chosen (SysabiIn),
 * record every register right after it (SysabiOut), check docs/spec.md §5 (CheckAbi), and catch the
 * exceptions a call raises (SysabiHandler). Included by sysabi.c and framedbg.c.
 *
 *   sysenter  (KiFastSystemCall layout) EDX = the stack pointer, [EDX] = where the stub's ret
 *             goes, [EDX+4] = the stub's caller, arguments at EDX+8; the kernel returns to
 *             SharedUserData->SystemCallReturn (KiFastSystemCallRet: ret) with ESP = EDX;
 *   int 2Eh   (KiIntSystemCall layout) EDX = the arguments, then `ret`.
 */
#ifndef NANONT_TESTS_SYSABI_H
#define NANONT_TESTS_SYSABI_H

#include "testlib.h"

#define PATH_SYSENTER 0
#define PATH_INT2E    1
static const char *const PathName[2] = { "sysenter", "int 2Eh" };

#define STATUS_NO_YIELD_PERFORMED ((NTSTATUS)0x40000024)
#define EFLAGS_PRESERVED (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_DF | \
                          EFLAGS_OF | EFLAGS_AC)    /* docs/spec.md §5 */
#define SYSABI_FAULTED 0xFA017ED0u      /* EAX after a fault inside a call was caught */
#define STACK_DWORDS 4096

/* The register image before (SysabiIn) and after (SysabiOut) a call; offsets used by the asm. */
typedef struct _SYSABI_REGS {
    ULONG Eax, Ebx, Ecx, Edx, Esi, Edi, Ebp, Esp;          /* 0x00 .. 0x1C */
    ULONG EFlags, SegDs, SegEs, SegFs, SegGs, SegCs, SegSs; /* 0x20 .. 0x38 */
} SYSABI_REGS;
_Static_assert(offsetof(SYSABI_REGS, EFlags) == 0x20 && offsetof(SYSABI_REGS, SegSs) == 0x38,
               "the assembly below hard-codes these offsets");

/* (explicit assembler names: the assembly below spells them the same in PE and ELF builds,
   user/inc/asmname.h) */
SYSABI_REGS SysabiIn __asm__("SysabiIn"), SysabiOut __asm__("SysabiOut");
ULONG SysabiEntry __asm__("SysabiEntry"), SysabiSavedEsp __asm__("SysabiSavedEsp"),
      SysabiSavedGs __asm__("SysabiSavedGs");
ULONG SysabiScratch[256] __asm__("SysabiScratch");   /* SysabiAfter's stack while it records EFLAGS */
ULONG SysabiStack[STACK_DWORDS];           /* the stack calls are made on */
const ULONG SysabiRoData[16] = { 0x0DA7A000, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
extern char SysabiSysenter[] __asm__("SysabiSysenter"), SysabiInt2e[] __asm__("SysabiInt2e"),
            SysabiAfter[] __asm__("SysabiAfter"), SysabiPushThenAfter[] __asm__("SysabiPushThenAfter");
ULONG SysabiInvoke(VOID) __asm__("SysabiInvoke");

/*
 * SysabiInvoke - load SysabiIn (ESP first, DS last; from then on memory is reached through SS),
 * enter through SysabiEntry; SysabiAfter records every register in SysabiOut, restores the C
 * environment and returns the recorded EAX. The popfl right before sysenter / int 2Eh makes TF,
 * when asked for, take effect on exactly that instruction.
 */
__asm__(
    "   .text\n"
    "   .globl SysabiInvoke\n"
    "SysabiInvoke:\n"
    "   pushl %ebp\n"
    "   pushl %ebx\n"
    "   pushl %esi\n"
    "   pushl %edi\n"
    "   xorl %eax, %eax\n"
    "   movw %gs, %ax\n"
    "   movl %eax, SysabiSavedGs\n"
    "   movl %esp, SysabiSavedEsp\n"
    "   movl SysabiIn+0x1C, %esp\n"
    "   pushl SysabiIn+0x20\n"              /* EFLAGS, for the popfl before the entry */
    "   movl SysabiIn+0x30, %eax\n"
    "   movw %ax, %gs\n"
    "   movl SysabiIn+0x2C, %eax\n"
    "   movw %ax, %fs\n"
    "   movl SysabiIn+0x28, %eax\n"
    "   movw %ax, %es\n"
    "   movl SysabiIn+0x04, %ebx\n"
    "   movl SysabiIn+0x08, %ecx\n"
    "   movl SysabiIn+0x10, %esi\n"
    "   movl SysabiIn+0x14, %edi\n"
    "   movl SysabiIn+0x18, %ebp\n"
    "   movl SysabiIn+0x24, %eax\n"
    "   movw %ax, %ds\n"
    "   movl %ss:SysabiIn+0x0C, %edx\n"
    "   movl %ss:SysabiIn+0x00, %eax\n"
    "   jmp *%ss:SysabiEntry\n"
    "   .globl SysabiSysenter\n"
    "SysabiSysenter:\n"                     /* KiFastSystemCall with the caller's EDX */
    "   popfl\n"
    "   sysenter\n"                         /* back at KiFastSystemCallRet: ret to [EDX] */
    "   .globl SysabiInt2e\n"
    "SysabiInt2e:\n"                        /* KiIntSystemCall with the caller's EDX */
    "   popfl\n"
    "   int $0x2e\n"
    "   ret\n"
    "   .globl SysabiPushThenAfter\n"
    "SysabiPushThenAfter:\n"                /* a first use of the stack (die kernelesp) */
    "   pushl $0\n"
    "   .globl SysabiAfter\n"
    "SysabiAfter:\n"
    "   movl %eax, %ss:SysabiOut+0x00\n"
    "   movl %esp, %ss:SysabiOut+0x1C\n"
    "   movl %ebx, %ss:SysabiOut+0x04\n"
    "   movl %ecx, %ss:SysabiOut+0x08\n"
    "   movl %edx, %ss:SysabiOut+0x0C\n"
    "   movl %esi, %ss:SysabiOut+0x10\n"
    "   movl %edi, %ss:SysabiOut+0x14\n"
    "   movl %ebp, %ss:SysabiOut+0x18\n"
    "   movl $SysabiScratch+1024, %esp\n"   /* ESP may be anything after NtContinue */
    "   pushfl\n"
    "   popl %ss:SysabiOut+0x20\n"
    "   xorl %eax, %eax\n"
    "   movw %ds, %ax\n"
    "   movl %eax, %ss:SysabiOut+0x24\n"
    "   movw %es, %ax\n"
    "   movl %eax, %ss:SysabiOut+0x28\n"
    "   movw %fs, %ax\n"
    "   movl %eax, %ss:SysabiOut+0x2C\n"
    "   movw %gs, %ax\n"
    "   movl %eax, %ss:SysabiOut+0x30\n"
    "   movw %cs, %ax\n"
    "   movl %eax, %ss:SysabiOut+0x34\n"
    "   movw %ss, %ax\n"
    "   movl %eax, %ss:SysabiOut+0x38\n"
    "   pushl $0x202\n"                     /* DF, AC, NT, TF off again for C */
    "   popfl\n"
    "   movl $0x23, %eax\n"
    "   movw %ax, %ds\n"
    "   movw %ax, %es\n"
    "   movl $0x3B, %eax\n"
    "   movw %ax, %fs\n"
    "   movl SysabiSavedGs, %eax\n"
    "   movw %ax, %gs\n"
    "   movl SysabiSavedEsp, %esp\n"
    "   popl %edi\n"
    "   popl %esi\n"
    "   popl %ebx\n"
    "   popl %ebp\n"
    "   movl SysabiOut, %eax\n"
    "   ret\n");

/* ------------------------------------------------------------------ exceptions */
static volatile ULONG ExcCount, ExcCode, ExcAddress, SysabiInCall;

/* Count every exception; after a single step clear TF; a fault inside a call returns to
   SysabiAfter with EAX = SYSABI_FAULTED. Anything else is left to end the process. */
static LONG NTAPI SysabiHandler(PEXCEPTION_POINTERS Info)
{
    PCONTEXT c = Info->ContextRecord;
    ExcCount++;
    ExcCode = (ULONG)Info->ExceptionRecord->ExceptionCode;
    ExcAddress = (ULONG)Info->ExceptionRecord->ExceptionAddress;
    if (ExcCode == (ULONG)STATUS_SINGLE_STEP) {
        c->EFlags &= ~EFLAGS_TF;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    if (SysabiInCall) {
        c->Eip = (ULONG)SysabiAfter;
        c->Esp = (ULONG)&SysabiStack[STACK_DWORDS - 64];
        c->Eax = SYSABI_FAULTED;
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    return EXCEPTION_CONTINUE_SEARCH;
}

/* ------------------------------------------------------------------ making calls */
#define CALL_SP (&SysabiStack[STACK_DWORDS - 32])

/* Prepare a call of service Number with Argc argument dwords through Path on SysabiStack, with
   recognisable values in the non-volatile registers and some arithmetic flags set. */
static VOID Setup(ULONG Path, ULONG Number, ULONG Argc, const ULONG *Args)
{
    ULONG *sp = CALL_SP;
    sp[0] = (ULONG)SysabiAfter;              /* where the stub's ret goes */
    sp[1] = 0xCA11E4A0;                      /* the stub's caller's return address */
    for (ULONG i = 0; i < Argc; i++)
        sp[2 + i] = Args[i];
    SYSABI_REGS r = {
        .Eax = Number, .Ebx = 0xB0B0B0B0, .Ecx = 0x0C0C0C0C, .Esi = 0x51515151, .Edi = 0x0D1D1D1D,
        .Ebp = 0xEBEB0000, .Esp = (ULONG)sp,
        .Edx = Path == PATH_SYSENTER ? (ULONG)sp : (ULONG)(sp + 2),
        .EFlags = 0x202 | EFLAGS_CF | EFLAGS_ZF | EFLAGS_OF,
        .SegDs = 0x23, .SegEs = 0x23, .SegFs = 0x3B, .SegGs = SysabiSavedGs,
    };
    SysabiIn = r;
    SysabiEntry = Path == PATH_SYSENTER ? (ULONG)SysabiSysenter : (ULONG)SysabiInt2e;
}

static NTSTATUS Invoke(VOID)
{
    memset(&SysabiOut, 0xEE, sizeof(SysabiOut));
    SysabiInCall = 1;
    NTSTATUS s = (NTSTATUS)SysabiInvoke();
    SysabiInCall = 0;
    return s;
}

static NTSTATUS Call(ULONG Path, ULONG Number, ULONG Argc, const ULONG *Args)
{
    Setup(Path, Number, Argc, Args);
    return Invoke();
}

#define EXPECT(path, what, want, got) do { \
        ULONG e_ = (ULONG)(want), g_ = (ULONG)(got); \
        if (e_ != g_) \
            TL_FAIL("%s via %s: expected 0x%08x, got 0x%08x", (what), PathName[path], e_, g_); \
    } while (0)

/*
 * CheckAbi - docs/spec.md §5 after a call that returned: EBX ESI EDI EBP ESP and the user EFLAGS bits as
 * before, IF on, IOPL 0, DS = ES = 0x23, FS = 0x3B, GS its old value or 0, CS/SS user, ECX/EDX no
 * kernel addresses. What names the call in failure messages.
 */
static VOID CheckAbi(ULONG Path, const char *What)
{
    const SYSABI_REGS *i = &SysabiIn, *o = &SysabiOut;
    ULONG esp = (Path == PATH_SYSENTER ? i->Edx : i->Esp) + 4;
    if (o->Ebx != i->Ebx || o->Esi != i->Esi || o->Edi != i->Edi || o->Ebp != i->Ebp || o->Esp != esp)
        TL_FAIL("%s via %s: non-volatile registers changed: ebx %08x->%08x esi %08x->%08x "
                "edi %08x->%08x ebp %08x->%08x esp %08x->%08x", What, PathName[Path], i->Ebx,
                o->Ebx, i->Esi, o->Esi, i->Edi, o->Edi, i->Ebp, o->Ebp, esp, o->Esp);
    if ((o->EFlags & EFLAGS_PRESERVED) != (i->EFlags & EFLAGS_PRESERVED) ||
        !(o->EFlags & EFLAGS_IF) || (o->EFlags & (EFLAGS_IOPL | EFLAGS_TF)))
        TL_FAIL("%s via %s: EFLAGS %08x before, %08x after", What, PathName[Path], i->EFlags, o->EFlags);
    if (o->SegDs != 0x23 || o->SegEs != 0x23 || o->SegFs != 0x3B || o->SegCs != 0x1B ||
        o->SegSs != 0x23 || (o->SegGs != i->SegGs && o->SegGs != 0))
        TL_FAIL("%s via %s: segments after: ds %x es %x fs %x gs %x (before %x) cs %x ss %x", What,
                PathName[Path], o->SegDs, o->SegEs, o->SegFs, o->SegGs, i->SegGs, o->SegCs, o->SegSs);
    if (o->Ecx >= MM_USER_PROBE_ADDRESS || o->Edx >= MM_USER_PROBE_ADDRESS)
        TL_FAIL("%s via %s: ecx %08x / edx %08x hold kernel addresses", What, PathName[Path],
                o->Ecx, o->Edx);
}

/* NtEchoArguments through Path with Out and 2..16; checks the status, the echo and the ABI. */
static VOID EchoCheck(ULONG Path, ULONG Number, const char *What)
{
    ULONG out[16] = { 0 };
    ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    Setup(Path, Number, 16, args);
    NTSTATUS s = Invoke();
    EXPECT(Path, What, STATUS_SUCCESS, s);
    for (ULONG i = 1; i < 16 && s == STATUS_SUCCESS; i++)
        EXPECT(Path, What, args[i], out[i]);
    CheckAbi(Path, What);
}

static VOID SaveSysabiGs(VOID)
{
    ULONG gs = 0;
    __asm__ volatile("movw %%gs, %w0" : "+r"(gs));
    SysabiSavedGs = gs;
}

/* The top of the user stack: the next page is never mapped (ps/create.c). */
static ULONG StackEnd(VOID)
{
    return ((ULONG)NtCurrentTeb()->NtTib.StackBase + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

#endif

/*
 * dbgregs.c - a thread's own hardware breakpoints (NtSetContextThread with CONTEXT_DEBUG_REGISTERS)
 * fire in its user mode only: never on the kernel's accesses to the same user addresses, on any
 * entry (exception, interrupt, system service), and a breakpoint that the CPU would deliver on
 * the first kernel instruction (mov ss / pop ss right before int 2Eh or sysenter) does not harm
 * the kernel. Each case arms the breakpoints, does one thing, and checks what the vectored
 * handler saw; the breakpoints are disarmed again between cases.
 */
#include "testlib.h"

/* DR7: L0..L3 enables, and per breakpoint RW (00 execute, 01 write, 11 read/write), LEN (11 = 4) */
#define DR7_L(n)         (1u << (2 * (n)))
#define DR7_RW(n, rw)    ((ULONG)(rw) << (16 + 4 * (n)))
#define DR7_LEN4(n)      (3u << (18 + 4 * (n)))
#define DR7_RW4(n)       (DR7_L(n) | DR7_RW(n, 3) | DR7_LEN4(n))    /* read/write, 4 bytes */
#define DR7_W4(n)        (DR7_L(n) | DR7_RW(n, 1) | DR7_LEN4(n))    /* write, 4 bytes */

/* (explicit assembler names: one spelling in PE and ELF builds, user/inc/asmname.h) */
extern char DbgCliInsn[] __asm__("DbgCliInsn"), DbgUd2Insn[] __asm__("DbgUd2Insn");
VOID DbgCli(VOID) __asm__("DbgCli");
VOID DbgUd2(VOID) __asm__("DbgUd2");
NTSTATUS DbgMovSsInt2e(ULONG Number, PVOID Arguments) __asm__("DbgMovSsInt2e");
NTSTATUS DbgMovSsSysenter(ULONG Number) __asm__("DbgMovSsSysenter");
NTSTATUS DbgPopSsInt2e(ULONG Number, PVOID Arguments) __asm__("DbgPopSsInt2e");
extern volatile ULONG DbgSsSlot __asm__("DbgSsSlot");             /* 0x23, at the top of a private stack */
volatile ULONG DbgSsValue __asm__("DbgSsValue") = 0x23;

__asm__(
    "   .data\n"
    "   .p2align 4\n"
    "DbgSsStack:\n"                        /* pop ss reads the slot from here; exceptions */
    "   .space 8192\n"                     /* raised before the stack is switched back land here */
    "   .globl DbgSsSlot\n"
    "DbgSsSlot:\n"
    "   .long 0x23\n"
    "   .space 12\n"
    "   .text\n"
    "   .globl DbgCli, DbgCliInsn, DbgUd2, DbgUd2Insn\n"
    "DbgCli:\n"
    "DbgCliInsn:\n"
    "   cli\n"                              /* #GP: the kernel reads these bytes to classify it */
    "   ret\n"
    "DbgUd2:\n"
    "DbgUd2Insn:\n"
    "   ud2\n"
    "   ret\n"
    /* mov ss, [DbgSsValue]; int 2Eh: a breakpoint on DbgSsValue is held by the mov-ss shadow */
    "   .globl DbgMovSsInt2e\n"
    "DbgMovSsInt2e:\n"
    "   movl 4(%esp), %eax\n"
    "   movl 8(%esp), %edx\n"
    "   movw DbgSsValue, %ss\n"
    "   int $0x2e\n"
    "   ret\n"
    /* pop ss with ESP = &DbgSsSlot, then int 2Eh; the caller's ESP waits in EBX. An exception
       raised in user mode before the stack is switched back writes its records over the slot. */
    "   .globl DbgPopSsInt2e\n"
    "DbgPopSsInt2e:\n"
    "   pushl %ebx\n"
    "   movl 8(%esp), %eax\n"
    "   movl 12(%esp), %edx\n"
    "   movl %esp, %ebx\n"
    "   movl $DbgSsSlot, %esp\n"
    "   popl %ss\n"
    "   int $0x2e\n"
    "   movl %ebx, %esp\n"
    "   popl %ebx\n"
    "   ret\n"
    /* mov ss before sysenter, laid out as KiFastSystemCall: [EDX] = our return address */
    "   .globl DbgMovSsSysenter\n"
    "DbgMovSsSysenter:\n"
    "   movl 4(%esp), %eax\n"
    "   movl %esp, %edx\n"
    "   movw DbgSsValue, %ss\n"
    "   sysenter\n"                         /* back at KiFastSystemCallRet: ret to [EDX] */
);

static volatile ULONG Exceptions, SingleSteps, SkipBytes;
static volatile NTSTATUS LastCode;
static volatile ULONG LastAddress;

static LONG NTAPI Handler(PEXCEPTION_POINTERS Info)
{
    if (Info->ExceptionRecord->ExceptionCode == STATUS_SINGLE_STEP) {
        SingleSteps++;                       /* a user-mode hit of an armed breakpoint */
        return EXCEPTION_CONTINUE_EXECUTION;
    }
    Exceptions++;
    LastCode = Info->ExceptionRecord->ExceptionCode;
    LastAddress = (ULONG)Info->ExceptionRecord->ExceptionAddress;
    Info->ContextRecord->Eip += SkipBytes;
    return EXCEPTION_CONTINUE_EXECUTION;
}

static NTSTATUS SetDebugRegisters(ULONG Dr0, ULONG Dr1, ULONG Dr2, ULONG Dr3, ULONG Dr7)
{
    CONTEXT c;
    memset(&c, 0, sizeof(c));
    c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
    c.Dr0 = Dr0; c.Dr1 = Dr1; c.Dr2 = Dr2; c.Dr3 = Dr3; c.Dr7 = Dr7;
    return NtSetContextThread(NtCurrentThread(), &c);
}

static ULONG CurrentDr7(VOID)
{
    CONTEXT c;
    memset(&c, 0, sizeof(c));
    c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
    NtGetContextThread(NtCurrentThread(), &c);
    return c.Dr7;
}

static VOID Reset(ULONG Skip)
{
    Exceptions = SingleSteps = 0;
    LastCode = 0;
    LastAddress = 0;
    SkipBytes = Skip;
}

/* The reported case: a read breakpoint on the very instruction that faults. Classifying the #GP
   reads its bytes in the kernel; that read must not be taken for a fault (0xC0000005). */
TL_TEST(cli_under_read_breakpoint)
{
    Reset(1);
    TL_CHECK_EQ(STATUS_SUCCESS, SetDebugRegisters((ULONG)DbgCliInsn, 0, 0, 0, 0x000F0001));
    DbgCli();
    SetDebugRegisters(0, 0, 0, 0, 0);
    TL_CHECK_EQ(1, Exceptions);
    TL_CHECK_EQ(STATUS_PRIVILEGED_INSTRUCTION, LastCode);
    TL_CHECK_EQ((ULONG)DbgCliInsn, LastAddress);
    TL_CHECK_EQ(0, SingleSteps);
}

/* Write breakpoints spread over the stack below us, where the kernel writes the exception
   records for the dispatcher: the kernel's writes never fire them. */
TL_TEST(exception_records_under_write_breakpoints)
{
    volatile ULONG here = 0;
    ULONG base = ((ULONG)&here - 0x100) & ~0xFu;
    Reset(2);
    TL_CHECK_EQ(STATUS_SUCCESS, SetDebugRegisters(base, base - 0x100, base - 0x200, base - 0x2C0,
                                                  DR7_W4(0) | DR7_W4(1) | DR7_W4(2) | DR7_W4(3)));
    DbgUd2();
    SetDebugRegisters(0, 0, 0, 0, 0);
    TL_CHECK_EQ(1, Exceptions);
    TL_CHECK_EQ(STATUS_ILLEGAL_INSTRUCTION, LastCode);
    TL_CHECK_EQ((ULONG)DbgUd2Insn, LastAddress);
    (void)here;
}

/* The same with read/write breakpoints, and the #GP classifier reading the instruction too. */
TL_TEST(exception_records_under_readwrite_breakpoints)
{
    volatile ULONG here = 0;
    ULONG base = ((ULONG)&here - 0x180) & ~0xFu;
    Reset(1);
    TL_CHECK_EQ(STATUS_SUCCESS, SetDebugRegisters((ULONG)DbgCliInsn, base, base - 0x100, base - 0x200,
                                                  DR7_RW4(0) | DR7_RW4(1) | DR7_RW4(2) | DR7_RW4(3)));
    DbgCli();
    SetDebugRegisters(0, 0, 0, 0, 0);
    TL_CHECK_EQ(1, Exceptions);
    TL_CHECK_EQ(STATUS_PRIVILEGED_INSTRUCTION, LastCode);
    (void)here;
}

/* A service that writes a watched output buffer and a user APC written below the watched stack,
   through both entries: the service path disarms too. */
static volatile ULONG ApcRuns;
static VOID NTAPI Apc(PVOID a, PVOID b, PVOID c) { (void)a; (void)b; (void)c; ApcRuns++; }

TL_TEST(service_buffers_and_apc_under_breakpoints)
{
    static CONTEXT out;
    volatile ULONG here = 0;
    ULONG stack = ((ULONG)&here - 0x100) & ~0xFu;
    Reset(0);
    ApcRuns = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, SetDebugRegisters((ULONG)&out.Eip, (ULONG)&out.Esp, stack, stack - 0x100,
                                                  DR7_RW4(0) | DR7_RW4(1) | DR7_W4(2) | DR7_W4(3)));
    ULONG steps = SingleSteps;
    for (ULONG path = 0; path < 2; path++) {
        ULONG args[2] = { (ULONG)NtCurrentThread(), (ULONG)&out };
        out.ContextFlags = CONTEXT_CONTROL;
        TL_CHECK_EQ(STATUS_SUCCESS, NanoSystemCall(path, SERVICE_NUMBER_NtGetContextThread, 2, args));
        TL_CHECK_EQ(STATUS_SUCCESS, NtQueueApcThread(NtCurrentThread(), Apc, NULL, NULL, NULL));
        NanoSystemCall(path, SERVICE_NUMBER_NtTestAlert, 0, NULL);
    }
    TL_CHECK_EQ(2, ApcRuns);
    TL_CHECK(SingleSteps >= steps);          /* the user-mode writes of ContextFlags may hit */
    TL_CHECK_EQ(DR7_RW4(0) | DR7_RW4(1) | DR7_W4(2) | DR7_W4(3), CurrentDr7());
    SetDebugRegisters(0, 0, 0, 0, 0);
    (void)here;
}

/* mov ss / pop ss from a watched variable right before the entry instruction. On hardware the
   #DB is held by the mov-ss shadow and delivered on the first kernel instruction (kernel mode,
   user segments, on sysenter the entry stack): the kernel discards it. Under QEMU it arrives in
   user mode after mov ss. Either way: the call completes, the process lives, the user sees at
   most one single-step exception per call and keeps its breakpoints. */
TL_TEST(mov_ss_breakpoint_before_entry)
{
    Reset(0);
    TL_CHECK_EQ(STATUS_SUCCESS, SetDebugRegisters((ULONG)&DbgSsValue, (ULONG)&DbgSsSlot, 0, 0,
                                                  DR7_RW4(0) | DR7_RW4(1)));
    NTSTATUS s[3];
    ULONG steps[3];
    s[0] = DbgMovSsInt2e(SERVICE_NUMBER_NtYieldExecution, NULL);
    steps[0] = SingleSteps;
    s[1] = DbgMovSsSysenter(SERVICE_NUMBER_NtYieldExecution);
    steps[1] = SingleSteps - steps[0];
    s[2] = DbgPopSsInt2e(SERVICE_NUMBER_NtYieldExecution, NULL);    /* last: it overwrites the slot */
    steps[2] = SingleSteps - steps[0] - steps[1];
    ULONG dr7 = CurrentDr7();
    SetDebugRegisters(0, 0, 0, 0, 0);
    for (int i = 0; i < 3; i++) {
        if (!NT_SUCCESS(s[i]))
            TL_FAIL("shadowed entry %d: status 0x%08x", i, (unsigned)s[i]);
        if (steps[i] > 1 && i < 2)           /* pop ss: the dispatcher itself touches the slot */
            TL_FAIL("shadowed entry %d: %u single-step exceptions", i, (unsigned)steps[i]);
    }
    printf("dbgregs: single-step exceptions seen by user mode for mov ss+int 2Eh, mov ss+sysenter, "
           "pop ss+int 2Eh: %u %u %u\n", (unsigned)steps[0], (unsigned)steps[1], (unsigned)steps[2]);
    TL_CHECK_EQ(DR7_RW4(0) | DR7_RW4(1), dr7);
    TL_CHECK_EQ(0, Exceptions);
}

/* User breakpoints still fire in user mode: a read of a watched variable is reported once. */
TL_TEST(user_mode_hit_still_reported)
{
    static volatile ULONG watched;
    Reset(0);
    TL_CHECK_EQ(STATUS_SUCCESS, SetDebugRegisters((ULONG)&watched, 0, 0, 0, DR7_RW4(0)));
    ULONG v = watched;
    SetDebugRegisters(0, 0, 0, 0, 0);
    TL_CHECK_EQ(1, SingleSteps);
    (void)v;
}

int main(void)
{
    RtlAddVectoredExceptionHandler(1, Handler);
    TL_RUN(cli_under_read_breakpoint);
    TL_RUN(exception_records_under_write_breakpoints);
    TL_RUN(exception_records_under_readwrite_breakpoints);
    TL_RUN(service_buffers_and_apc_under_breakpoints);
    TL_RUN(mov_ss_breakpoint_before_entry);
    TL_RUN(user_mode_hit_still_reported);
    TL_FINISH();
}

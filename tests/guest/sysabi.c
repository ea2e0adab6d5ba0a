/*
 * sysabi.c - the system-service ABI under hostile input ("Bad input that must get a
 * clear answer"; docs/spec.md §5-§8), on both entries in one boot.
 *
 * Every call is made through the harness in sysabi.h: from assembly, with the registers, EFLAGS
 * and segment registers the test chooses, through sysenter or int 2Eh laid out exactly as ntdll's
 * KiFastSystemCall / KiIntSystemCall use them. Right after the call every register is recorded
 * and checked against docs/spec.md §5 (CheckAbi). A vectored exception handler counts the exceptions a
 * call raises, clears TF after a single step, and turns a fault inside a call into a return.
 *
 * `sysabi.exe die CASE` makes one call that must end the process with STATUS_ACCESS_VIOLATION
 * (a sysenter caller whose argument pointer EDX+8 is bad has a bad stack too, since sysexit
 * returns with ESP = EDX): tests/guest/sysabi_die.sh boots those.
 */
#include "testlib.h"
#include "sysabi.h"
#include "svcsample.h"
#include "../../ex/sample/ntsample.h"

/* ------------------------------------------------------------------ service numbers */
static ULONG GuiLimit;          /* table 1's limit (0 until a GUI table is registered) */

TL_TEST(service_numbers)
{
    /* table 1 past its limit: the dispatcher tries the GUI conversion, then refuses */
    const ULONG invalid[] = {
        KI_SERVICE_COUNT, 0xFFF,                              /* table 0 past its limit */
        0x1000 | GuiLimit, 0x1001 | GuiLimit, 0x1FFF,         /* table 1 past its limit */
        0x2000 | EXS_SERVICE_COUNT, 0x2FFF,                   /* table 2: the sample's limit */
        0x3000, 0x3001, 0x3FFF,                               /* table 3: empty */
        /* bits 14-31 set: 0xC/0xD/0xE/0xF in bits 12-15 still select tables 0/1/2/3 */
        0xFFFFFFFF, 0xFFFFCFFF, 0xFFFFC000 | KI_SERVICE_COUNT, 0xFFFFD000 | GuiLimit, 0xFFFFDFFF,
        0xFFFFE000 | EXS_SERVICE_COUNT, 0xFFFFF000, 0x7FFFCFFF, 0x4FFF,
    };
    for (ULONG p = 0; p < 2; p++) {
        for (ULONG i = 0; i < ARRAYSIZE(invalid); i++) {
            ULONG out[16] = { 0 };
            ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
            NTSTATUS s = Call(p, invalid[i], 16, args);
            if (s != STATUS_INVALID_SYSTEM_SERVICE)
                TL_FAIL("service 0x%08x via %s: expected 0xC000001C, got 0x%08x", invalid[i],
                        PathName[p], (ULONG)s);
            EXPECT(p, "output of a rejected number", 0, out[1]);
            CheckAbi(p, "invalid service number");
        }
        /* bits 14-31 are ignored: these call the service of the low 14 bits */
        static const ULONG high[] = { 0x4000, 0x8000, 0xFFFFC000, 0x12344000 };
        for (ULONG i = 0; i < ARRAYSIZE(high); i++)
            EchoCheck(p, high[i] | SERVICE_NUMBER_NtEchoArguments, "NtEchoArguments with bits 14-31 set");
        ULONG v = 0, arg = (ULONG)&v;
        EXPECT(p, "NtSampleVersion | 0xFFFFC000", STATUS_SUCCESS,
               Call(p, 0xFFFFC000 | SERVICE_NUMBER_NtSampleVersion, 1, &arg));
        EXPECT(p, "NtSampleVersion | 0xFFFFC000", SAMPLE_VERSION, v);
        CheckAbi(p, "NtSampleVersion");
    }
}

/* ------------------------------------------------------------------ WRK's numbering */
/* Table 0 is WRK's table (Windows Server 2003 SP1); NanoNT's own services follow its last index. */
_Static_assert(SERVICE_NUMBER_NtClose == 0x1B, "NtClose at WRK's index");
_Static_assert(SERVICE_NUMBER_NtContinue == 0x22, "NtContinue at WRK's index");
_Static_assert(SERVICE_NUMBER_NtTerminateProcess == 0x10A, "NtTerminateProcess at WRK's index");
_Static_assert(SERVICE_NUMBER_NtEchoArguments > 0x126, "NanoNT's services after WRK's");

/* Two of WRK's services NanoNT does not implement, called through their generated stubs. */
NTSTATUS NTAPI NtAcceptConnectPort(PHANDLE, PVOID, PVOID, BOOLEAN, PVOID, PVOID);
NTSTATUS NTAPI ZwGetCurrentProcessorNumber(VOID);

TL_TEST(not_implemented_services)
{
    static const struct { ULONG Number, Dwords; const char *Name; } slots[] = {
        { SERVICE_NUMBER_NtAcceptConnectPort, 6, "NtAcceptConnectPort (0x000)" },
        { SERVICE_NUMBER_NtAccessCheckByTypeResultListAndAuditAlarmByHandle, 17,
          "NtAccessCheckByTypeResultListAndAuditAlarmByHandle (17 dwords)" },
        { SERVICE_NUMBER_NtCreateKey, 7, "NtCreateKey" },
        { SERVICE_NUMBER_NtGetCurrentProcessorNumber, 0, "NtGetCurrentProcessorNumber (0x126)" },
    };
    ULONG args[17] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17 };
    EXPECT(0, "SERVICE_ARGUMENT_DWORDS of the 17-dword service", 17,
           SERVICE_ARGUMENT_DWORDS_NtAccessCheckByTypeResultListAndAuditAlarmByHandle);
    EXPECT(0, "NtAcceptConnectPort is a `-' slot", 0, SERVICE_IMPLEMENTED_NtAcceptConnectPort);
    EXPECT(0, "NtClose is implemented", 1, SERVICE_IMPLEMENTED_NtClose);
    for (ULONG p = 0; p < 2; p++) {
        for (ULONG i = 0; i < ARRAYSIZE(slots); i++) {
            EXPECT(p, slots[i].Name, STATUS_NOT_IMPLEMENTED, Call(p, slots[i].Number, slots[i].Dwords, args));
            CheckAbi(p, slots[i].Name);
        }
        /* the arguments are still copied first: a bad pointer is refused as for any service
           (through int 2Eh, where EDX is not the stack as well) */
        if (p == PATH_INT2E) {
            Setup(p, SERVICE_NUMBER_NtAcceptConnectPort, 6, args);
            SysabiIn.Edx = 0x80000000;
            EXPECT(p, "NtAcceptConnectPort, kernel argument pointer", STATUS_ACCESS_VIOLATION, Invoke());
        }
    }
    /* the generated stubs (and their Zw aliases) pop WRK's argument bytes and return the status */
    EXPECT(0, "NtAcceptConnectPort stub", STATUS_NOT_IMPLEMENTED, NtAcceptConnectPort(NULL, NULL, NULL, FALSE, NULL, NULL));
    EXPECT(0, "ZwGetCurrentProcessorNumber stub", STATUS_NOT_IMPLEMENTED, ZwGetCurrentProcessorNumber());
    /* each slot has its own counter, though they share the routine */
    static ULONG before[1024], after[1024];
    NtQuerySystemInformation(SystemCallCountInformation, before, sizeof(before), NULL);
    NtAcceptConnectPort(NULL, NULL, NULL, FALSE, NULL, NULL);
    NtQuerySystemInformation(SystemCallCountInformation, after, sizeof(after), NULL);
    EXPECT(0, "NtAcceptConnectPort counted", 1,
           NanoCallCount(after, 0, SERVICE_NUMBER_NtAcceptConnectPort) - NanoCallCount(before, 0, SERVICE_NUMBER_NtAcceptConnectPort));
    EXPECT(0, "NtAccessCheck not counted", 0,
           NanoCallCount(after, 0, SERVICE_NUMBER_NtAccessCheck) - NanoCallCount(before, 0, SERVICE_NUMBER_NtAccessCheck));
}

/* ------------------------------------------------------------------ argument pointers */
/* int 2Eh takes EDX as the argument pointer whatever ESP is, so every bad pointer can be tried
   with a good stack; sysenter only where the stack itself stays usable (its end). */
TL_TEST(bad_argument_pointers)
{
    ULONG top = StackEnd();
    ULONG *end = (ULONG *)(top - 16), saved[4];
    memcpy(saved, end, sizeof(saved));       /* above the first frame: unused, restored below */
    ULONG out[16] = { 0 };
    static const ULONG bad[] = {
        0, 4, 0x80000000, 0xC0000000, 0xFFFFF000,     /* page 0, kernel space */
        0x7FFEFFF8, 0x7FFEFFC4, 0x7FFF0000,           /* straddling / at MmUserProbeAddress */
        0x7FFEFFC0,                                   /* ends exactly there, but unmapped */
        0xFFFFFFF8, 0xFFFFFFC4,                       /* wrapping past 0xFFFFFFFF */
    };
    for (ULONG i = 0; i < ARRAYSIZE(bad); i++) {
        Setup(PATH_INT2E, SERVICE_NUMBER_NtEchoArguments, 0, NULL);
        SysabiIn.Edx = bad[i];
        NTSTATUS s = Invoke();
        if (s != STATUS_ACCESS_VIOLATION)
            TL_FAIL("arguments at 0x%08x via int 2Eh: expected 0xC0000005, got 0x%08x", bad[i], (ULONG)s);
        CheckAbi(PATH_INT2E, "bad argument pointer");
    }
    /* straddling the end of the user stack: Out and A2 readable, A3.. on the unmapped page */
    end[2] = (ULONG)out;
    end[3] = 2;
    Setup(PATH_INT2E, SERVICE_NUMBER_NtEchoArguments, 0, NULL);
    SysabiIn.Edx = top - 8;
    EXPECT(PATH_INT2E, "arguments straddling the stack end", STATUS_ACCESS_VIOLATION, Invoke());
    CheckAbi(PATH_INT2E, "arguments straddling the stack end");
    /* the same through sysenter: the call's stack is the last 16 bytes of the user stack */
    for (ULONG off = 8; off <= 16; off += 8) {
        ULONG *sp = (ULONG *)(top - off);
        Setup(PATH_SYSENTER, SERVICE_NUMBER_NtEchoArguments, 0, NULL);
        sp[0] = (ULONG)SysabiAfter;
        sp[1] = 0;
        if (off == 16) {
            sp[2] = (ULONG)out;
            sp[3] = 2;
        }
        SysabiIn.Esp = SysabiIn.Edx = (ULONG)sp;
        EXPECT(PATH_SYSENTER, "arguments at/straddling the stack end", STATUS_ACCESS_VIOLATION, Invoke());
        CheckAbi(PATH_SYSENTER, "arguments at/straddling the stack end");
    }
    for (ULONG i = 0; i < 16; i++)
        if (out[i] != 0)
            TL_FAIL("the service ran although its arguments faulted: out[%u] = 0x%08x", i, out[i]);
    memcpy(end, saved, sizeof(saved));
    /* a service without arguments reads nothing: any EDX is fine (NT does the same) */
    for (ULONG p = 0; p < 2; p++) {
        Setup(p, SERVICE_NUMBER_NtTestAlert, 0, NULL);
        if (p == PATH_INT2E)
            SysabiIn.Edx = 0;
        EXPECT(p, "NtTestAlert with EDX = 0", STATUS_SUCCESS, Invoke());
        CheckAbi(p, "NtTestAlert");
    }
}

/* ------------------------------------------------------------------ output pointers */
static VOID ExpectAv(ULONG Path, const char *What, ULONG Number, ULONG Argc, const ULONG *Args)
{
    NTSTATUS s = Call(Path, Number, Argc, Args);
    if (s != STATUS_ACCESS_VIOLATION)
        TL_FAIL("%s via %s: expected 0xC0000005, got 0x%08x", What, PathName[Path], (ULONG)s);
    CheckAbi(Path, What);
}

TL_TEST(bad_output_pointers)
{
    static ULONG buffer[1024];
    ULONG li[2];
    ULONG text = (ULONG)KiFastSystemCallRet & ~3u, textCopy[16], after[16];
    memcpy(textCopy, (PVOID)text, sizeof(textCopy));
    ULONG ro = (ULONG)SysabiRoData;
    static const ULONG badOut[] = { 0, 0x80000000, 0xFFFFFFF0, 0x7FFEFFF0, 0x7FFE0000 };
    for (ULONG p = 0; p < 2; p++) {
        ULONG echo[16] = { 0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
        echo[0] = ro;
        ExpectAv(p, "NtEchoArguments(Out = .rodata)", SERVICE_NUMBER_NtEchoArguments, 16, echo);
        echo[0] = text;
        ExpectAv(p, "NtEchoArguments(Out = ntdll text)", SERVICE_NUMBER_NtEchoArguments, 16, echo);
        for (ULONG i = 0; i < ARRAYSIZE(badOut); i++) {
            echo[0] = badOut[i];
            ExpectAv(p, "NtEchoArguments(Out = 0 / kernel / wrapping / straddling / SharedUserData)",
                     SERVICE_NUMBER_NtEchoArguments, 16, echo);
        }
        ULONG q[][4] = {
            { SystemCallCountInformation, ro, sizeof(buffer), 0 },
            { SystemCallCountInformation, (ULONG)buffer, sizeof(buffer), ro },
            { SystemCallCountInformation, 0x80000000, 64, 0 },
            { SystemCallCountInformation, (ULONG)buffer, sizeof(buffer), 0x80000000 },
            { SystemCallCountInformation, 0x7FFEFF00, 0x200, 0 },
            { SystemCallCountInformation, (ULONG)buffer, 0xFFFFFFFF, 0 },
            { SystemBasicInformation, ro, 64, 0 },
            { SystemBasicInformation, (ULONG)buffer, 64, text },
        };
        for (ULONG i = 0; i < ARRAYSIZE(q); i++)
            ExpectAv(p, "NtQuerySystemInformation(bad buffer or ReturnLength)",
                     SERVICE_NUMBER_NtQuerySystemInformation, 4, q[i]);
        ULONG pc[][2] = {
            { ro, 0 }, { 0x80000000, 0 }, { 0, 0 }, { text, 0 },
            { (ULONG)li, ro }, { (ULONG)li, 0xFFFFFFFC },
        };
        for (ULONG i = 0; i < ARRAYSIZE(pc); i++)
            ExpectAv(p, "NtQueryPerformanceCounter(bad pointer)", SERVICE_NUMBER_NtQueryPerformanceCounter, 2, pc[i]);
    }
    for (ULONG i = 0; i < 16; i++)
        EXPECT(PATH_INT2E, ".rodata unchanged", i ? i : 0x0DA7A000, ((volatile const ULONG *)SysabiRoData)[i]);
    memcpy(after, (PVOID)text, sizeof(after));
    if (memcmp(after, textCopy, sizeof(after)))
        TL_FAIL("ntdll text at 0x%08x changed", text);
}

/* ------------------------------------------------------------------ NtContinue */
/* A CONTEXT asking for everything user mode may not have; registers recognisable. */
static VOID HostileContext(PCONTEXT c)
{
    memset(c, 0, sizeof(*c));
    c->ContextFlags = CONTEXT_FULL;
    c->Eax = 0x0A0A0A0A; c->Ebx = 0x0B0B0B0B; c->Ecx = 0x0C0C0C0C; c->Edx = 0x0D0D0D0D;
    c->Esi = 0x05050505; c->Edi = 0x0D10D100; c->Ebp = 0x0EB0EB00;
    c->Eip = (ULONG)SysabiAfter;
    c->Esp = (ULONG)&SysabiStack[STACK_DWORDS - 100];
    c->SegCs = 0x08;                         /* ring-0 code */
    c->SegSs = c->SegDs = c->SegEs = 0x10;   /* ring-0 data */
    c->SegFs = 0x30;                         /* the KPCR */
    c->SegGs = 0x1B;
    c->EFlags = EFLAGS_IOPL | EFLAGS_NT | EFLAGS_VM | EFLAGS_RF | EFLAGS_VIF | EFLAGS_VIP |
                EFLAGS_CF | EFLAGS_ZF | EFLAGS_AC | 0x2;   /* and IF clear */
}

TL_TEST(ntcontinue_sanitized)
{
    for (ULONG p = 0; p < 2; p++) {
        CONTEXT c;
        HostileContext(&c);
        ULONG args[2] = { (ULONG)&c, FALSE };
        ExcCount = 0;
        NTSTATUS s = Call(p, SERVICE_NUMBER_NtContinue, 2, args);
        const SYSABI_REGS *o = &SysabiOut;
        EXPECT(p, "EAX from the CONTEXT", c.Eax, s);
        EXPECT(p, "exceptions", 0, ExcCount);
        EXPECT(p, "EBX", c.Ebx, o->Ebx); EXPECT(p, "ECX", c.Ecx, o->Ecx);
        EXPECT(p, "EDX", c.Edx, o->Edx); EXPECT(p, "ESI", c.Esi, o->Esi);
        EXPECT(p, "EDI", c.Edi, o->Edi); EXPECT(p, "EBP", c.Ebp, o->Ebp);
        EXPECT(p, "ESP", c.Esp, o->Esp);
        EXPECT(p, "CS forced to user", 0x1B, o->SegCs);
        EXPECT(p, "SS forced to user", 0x23, o->SegSs);
        EXPECT(p, "DS", 0x23, o->SegDs); EXPECT(p, "ES", 0x23, o->SegEs);
        EXPECT(p, "FS", 0x3B, o->SegFs); EXPECT(p, "GS (0x1B is not allowed: 0)", 0, o->SegGs);
        EXPECT(p, "EFLAGS IOPL/NT/VM/VIF/VIP stripped", 0,
               o->EFlags & (EFLAGS_IOPL | EFLAGS_NT | EFLAGS_VM | EFLAGS_VIF | EFLAGS_VIP));
        EXPECT(p, "EFLAGS IF forced, CF ZF AC kept", EFLAGS_IF | EFLAGS_CF | EFLAGS_ZF | EFLAGS_AC,
               o->EFlags & (EFLAGS_IF | EFLAGS_CF | EFLAGS_ZF | EFLAGS_AC));
        /* GS 0x23 is allowed */
        HostileContext(&c);
        c.SegGs = 0x23;
        Call(p, SERVICE_NUMBER_NtContinue, 2, args);
        EXPECT(p, "GS 0x23 kept", 0x23, SysabiOut.SegGs);
        /* a CONTEXT the kernel cannot read: STATUS_ACCESS_VIOLATION, the caller unchanged */
        static const ULONG badContext[] = { 0, 0x80000000, 0x7FFEFF00, 0xFFFFFF00 };
        for (ULONG i = 0; i < ARRAYSIZE(badContext); i++) {
            ULONG a[2] = { badContext[i], FALSE };
            ExpectAv(p, "NtContinue(bad CONTEXT pointer)", SERVICE_NUMBER_NtContinue, 2, a);
        }
    }
}

/* EIP in kernel space: accepted, then the first instruction fetch faults in user mode. ESP in
   kernel space: accepted as is (SysabiAfter records it before touching the stack); the first use
   of such a stack ends the process (sysabi.exe die kernelesp). */
TL_TEST(ntcontinue_kernel_eip_esp)
{
    static const ULONG kernelEip[] = { 0x80000000, 0x80100000, 0xFFDFF000, 0xFFFFFFF0, 0x7FFF0000 };
    for (ULONG p = 0; p < 2; p++) {
        CONTEXT c;
        ULONG args[2] = { (ULONG)&c, FALSE };
        for (ULONG i = 0; i < ARRAYSIZE(kernelEip); i++) {
            HostileContext(&c);
            c.Eip = kernelEip[i];
            ExcCount = 0;
            NTSTATUS s = Call(p, SERVICE_NUMBER_NtContinue, 2, args);
            EXPECT(p, "NtContinue(EIP in kernel space): caught fault", SYSABI_FAULTED, s);
            EXPECT(p, "exceptions", 1, ExcCount);
            EXPECT(p, "exception code", STATUS_ACCESS_VIOLATION, ExcCode);
            EXPECT(p, "exception address = the kernel EIP", kernelEip[i], ExcAddress);
            EXPECT(p, "CS", 0x1B, SysabiOut.SegCs);
        }
        HostileContext(&c);
        c.Esp = 0x80100000;
        ExcCount = 0;
        NTSTATUS s = Call(p, SERVICE_NUMBER_NtContinue, 2, args);
        EXPECT(p, "NtContinue(ESP in kernel space)", c.Eax, s);
        EXPECT(p, "ESP as given", 0x80100000, SysabiOut.Esp);
        EXPECT(p, "exceptions", 0, ExcCount);
    }
}

/* ------------------------------------------------------------------ EFLAGS at the call */
/* TF: exactly one single-step exception, after the call has returned (at SysabiAfter). */
TL_TEST(trap_flag)
{
    for (ULONG p = 0; p < 2; p++) {
        for (ULONG echo = 0; echo < 2; echo++) {
            ULONG out[16] = { 0 };
            ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
            if (echo)
                Setup(p, SERVICE_NUMBER_NtEchoArguments, 16, args);
            else
                Setup(p, SERVICE_NUMBER_NtTestAlert, 0, NULL);
            SysabiIn.EFlags |= EFLAGS_TF;
            ExcCount = ExcCode = ExcAddress = 0;
            NTSTATUS s = Invoke();
            EXPECT(p, "status of a call made with TF", STATUS_SUCCESS, s);
            EXPECT(p, "single-step exceptions", 1, ExcCount);
            EXPECT(p, "exception code", STATUS_SINGLE_STEP, ExcCode);
            EXPECT(p, "single step reported after the call returned", (ULONG)SysabiAfter, ExcAddress);
            if (echo)
                EXPECT(p, "echo under TF", 16, out[15]);
            SysabiIn.EFlags &= ~EFLAGS_TF;          /* the handler cleared it */
            CheckAbi(p, "call with TF");
        }
    }
}

/* NT, AC, DF (and all arithmetic flags): the call works, the flags come back. */
TL_TEST(nt_ac_df_flags)
{
    static const ULONG sets[] = {
        EFLAGS_NT, EFLAGS_AC, EFLAGS_DF, 0,
        EFLAGS_NT | EFLAGS_AC | EFLAGS_DF | EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF |
            EFLAGS_SF | EFLAGS_OF,
    };
    for (ULONG p = 0; p < 2; p++) {
        for (ULONG i = 0; i < ARRAYSIZE(sets); i++) {
            ULONG out[16] = { 0 };
            ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
            Setup(p, SERVICE_NUMBER_NtEchoArguments, 16, args);
            SysabiIn.EFlags = 0x202 | sets[i];
            EXPECT(p, "echo with NT/AC/DF", STATUS_SUCCESS, Invoke());
            for (ULONG k = 1; k < 16; k++)
                EXPECT(p, "echoed argument", k + 1, out[k]);
            CheckAbi(p, "call with NT/AC/DF");
            EXPECT(p, "NT preserved", sets[i] & EFLAGS_NT, SysabiOut.EFlags & EFLAGS_NT);
            Setup(p, 0x3FFF, 0, NULL);
            SysabiIn.EFlags = 0x202 | sets[i];
            EXPECT(p, "invalid service with NT/AC/DF", STATUS_INVALID_SYSTEM_SERVICE, Invoke());
            CheckAbi(p, "invalid service with NT/AC/DF");
        }
    }
}

/* ------------------------------------------------------------------ registers and segments */
TL_TEST(all_registers_minus_one)
{
    for (ULONG p = 0; p < 2; p++) {
        ULONG out[16] = { 0 };
        ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
        Setup(p, SERVICE_NUMBER_NtEchoArguments, 16, args);
        SysabiIn.Ebx = SysabiIn.Ecx = SysabiIn.Esi = SysabiIn.Edi = SysabiIn.Ebp = 0xFFFFFFFF;
        EXPECT(p, "echo with EBX ECX ESI EDI EBP = -1", STATUS_SUCCESS, Invoke());
        EXPECT(p, "echoed argument", 16, out[15]);
        CheckAbi(p, "echo with registers -1");
        /* EAX -1 too (and EDX for int 2Eh; sysenter needs EDX = its stack) */
        Setup(p, 0xFFFFFFFF, 0, NULL);
        SysabiIn.Ebx = SysabiIn.Ecx = SysabiIn.Esi = SysabiIn.Edi = SysabiIn.Ebp = 0xFFFFFFFF;
        if (p == PATH_INT2E)
            SysabiIn.Edx = 0xFFFFFFFF;
        SysabiIn.EFlags = 0x202 | EFLAGS_PRESERVED;
        EXPECT(p, "every register -1", STATUS_INVALID_SYSTEM_SERVICE, Invoke());
        CheckAbi(p, "every register -1");
        /* a service without arguments: runs with the others -1; with EDX = -1 too (int 2Eh) the
           argument pointer is not a user address, which is refused even when nothing would be
           copied (as NT's KiSystemService does) */
        for (ULONG edx = 0; edx < 1 + p; edx++) {
            Setup(p, 0xFFFFC000 | SERVICE_NUMBER_NtTestAlert, 0, NULL);
            SysabiIn.Ebx = SysabiIn.Ecx = SysabiIn.Esi = SysabiIn.Edi = SysabiIn.Ebp = 0xFFFFFFFF;
            if (edx)
                SysabiIn.Edx = 0xFFFFFFFF;
            EXPECT(p, "NtTestAlert with registers -1", edx ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS,
                   Invoke());
            CheckAbi(p, "NtTestAlert with registers -1");
        }
    }
}

/* DS/ES/GS (and FS) hold what user mode can load: null, user code, user data, the TEB. */
TL_TEST(garbage_segments)
{
    static const ULONG sel[] = { 0, 0x1B, 0x23, 0x3B, 0x3 };
    for (ULONG p = 0; p < 2; p++) {
        for (ULONG withFs = 0; withFs < 2; withFs++) {
            for (ULONG i = 0; i < ARRAYSIZE(sel); i++) {
                ULONG out[16] = { 0 };
                ULONG args[16] = { (ULONG)out, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
                Setup(p, SERVICE_NUMBER_NtEchoArguments, 16, args);
                SysabiIn.SegDs = SysabiIn.SegEs = SysabiIn.SegGs = sel[i];
                if (withFs)
                    SysabiIn.SegFs = sel[i];
                NTSTATUS s = Invoke();
                if (s != STATUS_SUCCESS || out[15] != 16)
                    TL_FAIL("echo with segments 0x%x via %s: status 0x%08x, out[15] %u", sel[i],
                            PathName[p], (ULONG)s, out[15]);
                CheckAbi(p, "echo with garbage segments");
                Setup(p, 0x2FFF, 0, NULL);
                SysabiIn.SegDs = SysabiIn.SegEs = SysabiIn.SegGs = sel[i];
                if (withFs)
                    SysabiIn.SegFs = sel[i];
                EXPECT(p, "invalid service with garbage segments", STATUS_INVALID_SYSTEM_SERVICE, Invoke());
                CheckAbi(p, "invalid service with garbage segments");
            }
        }
    }
}

/* ------------------------------------------------------------------ counters */
static ULONG CountBuffer[2][1024];

/* A SystemCallCountInformation buffer (NT's layout, ex/sysinfo.c, docs/services.md): ULONG
   Length, NumberOfTables, NumberOfEntries[NumberOfTables] (the limits), then every table's
   counters, table after table. */
static ULONG TableLimit(const ULONG *Buffer, ULONG Table)
{
    return Buffer[2 + Table];
}

static ULONG Counter(const ULONG *Buffer, ULONG Table, ULONG Index)
{
    return NanoCallCount(Buffer, Table, Index);
}

/* Every call counted in the buffer: the sum of all counters of all tables. */
static ULONG TotalCalls(const ULONG *Buffer)
{
    ULONG total = 0, n = 0;
    for (ULONG t = 0; t < Buffer[1]; t++)
        n += TableLimit(Buffer, t);
    for (ULONG i = 0; i < n; i++)
        total += Buffer[2 + Buffer[1] + i];
    return total;
}

TL_TEST(call_counters)
{
    for (ULONG p = 0; p < 2; p++) {
        ULONG len = 0, sum = 0;
        ULONG add[3] = { 1, 2, (ULONG)&sum };
        ULONG out[16];
        ULONG echo[16] = { (ULONG)out };
        NTSTATUS s1 = NtQuerySystemInformation(SystemCallCountInformation, CountBuffer[0],
                                               sizeof(CountBuffer[0]), &len);
        /* no output between the two snapshots: printing is a service call too */
        for (int i = 0; i < 5; i++)
            Call(p, SERVICE_NUMBER_NtTestAlert, 0, NULL);
        for (int i = 0; i < 3; i++)
            Call(p, SERVICE_NUMBER_NtEchoArguments, 16, echo);
        for (int i = 0; i < 2; i++)
            Call(p, SERVICE_NUMBER_NtSampleAdd, 3, add);
        Call(p, 0x3FFF, 0, NULL);                              /* rejected: not counted */
        if (p == PATH_INT2E) {                                 /* counted, then refused */
            Setup(p, SERVICE_NUMBER_NtEchoArguments, 0, NULL);
            SysabiIn.Edx = 0x80000000;
            Invoke();
        } else {
            Call(p, SERVICE_NUMBER_NtEchoArguments, 16, echo);
        }
        NTSTATUS s2 = NtQuerySystemInformation(SystemCallCountInformation, CountBuffer[1],
                                               sizeof(CountBuffer[1]), NULL);
        const ULONG *a = CountBuffer[0], *b = CountBuffer[1];
        EXPECT(p, "query 1", STATUS_SUCCESS, s1);
        EXPECT(p, "query 2", STATUS_SUCCESS, s2);
        EXPECT(p, "Length = ReturnLength", len, a[0]);
        EXPECT(p, "NumberOfTables", 4, a[1]);
        EXPECT(p, "table 0 limit", KI_SERVICE_COUNT, TableLimit(a, 0));
        EXPECT(p, "table 1 limit", GuiLimit, TableLimit(a, 1));
        EXPECT(p, "table 2 limit (the sample)", EXS_SERVICE_COUNT, TableLimit(a, 2));
        EXPECT(p, "table 3 limit", 0, TableLimit(a, 3));
        EXPECT(p, "Length", (ULONG)sizeof(ULONG) * (2 + 4 + KI_SERVICE_COUNT + GuiLimit + EXS_SERVICE_COUNT), a[0]);
        EXPECT(p, "total calls (5 + 3 + 2 + 1 + the second query)", 12, TotalCalls(b) - TotalCalls(a));
        EXPECT(p, "NtTestAlert calls", 5, Counter(b, 0, SERVICE_NUMBER_NtTestAlert) - Counter(a, 0, SERVICE_NUMBER_NtTestAlert));
        EXPECT(p, "NtEchoArguments calls", 4, Counter(b, 0, SERVICE_NUMBER_NtEchoArguments) - Counter(a, 0, SERVICE_NUMBER_NtEchoArguments));
        EXPECT(p, "NtQuerySystemInformation calls", 1,
               Counter(b, 0, SERVICE_NUMBER_NtQuerySystemInformation) - Counter(a, 0, SERVICE_NUMBER_NtQuerySystemInformation));
        EXPECT(p, "NtSampleAdd calls (table 2)", 2,
               Counter(b, 2, SERVICE_NUMBER_NtSampleAdd & 0xFFF) - Counter(a, 2, SERVICE_NUMBER_NtSampleAdd & 0xFFF));
        EXPECT(p, "NtSampleVersion calls (table 2)", 0,
               Counter(b, 2, SERVICE_NUMBER_NtSampleVersion & 0xFFF) - Counter(a, 2, SERVICE_NUMBER_NtSampleVersion & 0xFFF));
        EXPECT(p, "sum", 3, sum);
        /* too small: STATUS_INFO_LENGTH_MISMATCH with the needed length */
        ULONG need = 0;
        EXPECT(p, "small buffer", STATUS_INFO_LENGTH_MISMATCH,
               NtQuerySystemInformation(SystemCallCountInformation, CountBuffer[1], 8, &need));
        EXPECT(p, "needed length", len, need);
    }
}

/* ------------------------------------------------------------------ other services */
TL_TEST(misc_services)
{
    for (ULONG p = 0; p < 2; p++) {
        NTSTATUS s = Call(p, SERVICE_NUMBER_NtYieldExecution, 0, NULL);
        if (s != STATUS_SUCCESS && s != STATUS_NO_YIELD_PERFORMED)
            TL_FAIL("NtYieldExecution via %s: 0x%08x", PathName[p], (ULONG)s);
        CheckAbi(p, "NtYieldExecution");
        EXPECT(p, "NtTestAlert", STATUS_SUCCESS, Call(p, SERVICE_NUMBER_NtTestAlert, 0, NULL));
        CheckAbi(p, "NtTestAlert");
        LARGE_INTEGER c1 = { 0 }, c2 = { 0 }, f = { 0 };
        ULONG a1[2] = { (ULONG)&c1, (ULONG)&f }, a2[2] = { (ULONG)&c2, 0 };
        EXPECT(p, "NtQueryPerformanceCounter", STATUS_SUCCESS, Call(p, SERVICE_NUMBER_NtQueryPerformanceCounter, 2, a1));
        CheckAbi(p, "NtQueryPerformanceCounter");
        EXPECT(p, "NtQueryPerformanceCounter", STATUS_SUCCESS, Call(p, SERVICE_NUMBER_NtQueryPerformanceCounter, 2, a2));
        if (f.QuadPart <= 0)
            TL_FAIL("frequency via %s: %u:%u", PathName[p], (ULONG)(f.QuadPart >> 32), (ULONG)f.QuadPart);
        if (c2.QuadPart <= c1.QuadPart)
            TL_FAIL("counter not increasing via %s: %08x%08x then %08x%08x", PathName[p],
                    (ULONG)(c1.QuadPart >> 32), (ULONG)c1.QuadPart, (ULONG)(c2.QuadPart >> 32), (ULONG)c2.QuadPart);
    }
    /* and through the ntdll stubs of this boot's entry */
    NTSTATUS s = NtYieldExecution();
    if (s != STATUS_SUCCESS && s != STATUS_NO_YIELD_PERFORMED)
        TL_FAIL("NtYieldExecution: 0x%08x", (ULONG)s);
    TL_CHECK_EQ(STATUS_SUCCESS, NtTestAlert());
}

/* ------------------------------------------------------------------ the sample table 2 */
TL_TEST(sample_table)
{
    for (ULONG p = 0; p < 2; p++) {
        ULONG sum = 0x5A5A5A5A, v = 0, r[SAMPLE_REGISTRATION_RESULTS];
        ULONG a1[3] = { 2, 3, (ULONG)&sum };
        EXPECT(p, "NtSampleAdd(2, 3)", STATUS_SUCCESS, Call(p, SERVICE_NUMBER_NtSampleAdd, 3, a1));
        EXPECT(p, "sum", 5, sum);
        CheckAbi(p, "NtSampleAdd");
        ULONG a2[3] = { 0xFFFFFFFF, 1, (ULONG)&sum };
        EXPECT(p, "NtSampleAdd overflow", STATUS_INTEGER_OVERFLOW, Call(p, SERVICE_NUMBER_NtSampleAdd, 3, a2));
        EXPECT(p, "sum untouched", 5, sum);
        ULONG a3[3] = { 1, 2, 0x80000000 };
        ExpectAv(p, "NtSampleAdd(Sum in kernel space)", SERVICE_NUMBER_NtSampleAdd, 3, a3);
        ULONG a4 = (ULONG)&v;
        EXPECT(p, "NtSampleVersion", STATUS_SUCCESS, Call(p, SERVICE_NUMBER_NtSampleVersion, 1, &a4));
        EXPECT(p, "version", SAMPLE_VERSION, v);
        ULONG a5[2] = { (ULONG)r, SAMPLE_REGISTRATION_RESULTS };
        memset(r, 0xEE, sizeof(r));
        EXPECT(p, "NtSampleQueryRegistration", STATUS_SUCCESS, Call(p, SERVICE_NUMBER_NtSampleQueryRegistration, 2, a5));
        EXPECT(p, "KeAddSystemServiceTable(table 2) accepted", TRUE, r[SAMPLE_REGISTER_TABLE_2]);
        EXPECT(p, "KeAddSystemServiceTable(index 0) refused", FALSE, r[SAMPLE_REGISTER_TABLE_0]);
        EXPECT(p, "KeAddSystemServiceTable(index 4) refused", FALSE, r[SAMPLE_REGISTER_TABLE_4]);
        EXPECT(p, "KeAddSystemServiceTable(table 2 again) refused", FALSE, r[SAMPLE_REGISTER_TABLE_2_AGAIN]);
        EXPECT(p, "KeAddSystemServiceTable(empty table 3) refused", FALSE, r[SAMPLE_REGISTER_TABLE_3_EMPTY]);
        a5[1] = 4;
        EXPECT(p, "NtSampleQueryRegistration(Count 4)", STATUS_INFO_LENGTH_MISMATCH,
               Call(p, SERVICE_NUMBER_NtSampleQueryRegistration, 2, a5));
    }
    /* the generated stubs (this boot's entry) */
    ULONG sum = 0, v = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSampleAdd(40, 2, &sum));
    TL_CHECK_EQ(42, sum);
    TL_CHECK_EQ(STATUS_SUCCESS, NtSampleVersion(&v));
    TL_CHECK_EQ(SAMPLE_VERSION, v);
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtSampleVersion((PULONG)SysabiRoData));
}

/* ------------------------------------------------------------------ calls that end the process */
/* sysabi.exe die CASE: one sysenter call whose stack is unusable after the (refused) call, or an
   NtContinue to a kernel-space ESP followed by a push. Prints what it does; never returns. */
static int Die(const char *Case)
{
    static const struct { const char *Name; ULONG Edx; } cases[] = {
        { "args0", 0xFFFFFFF8 },        /* arguments at 0 */
        { "argskernel", 0x7FFFFFF8 },   /* arguments at 0x80000000 */
        { "argsprobe", 0x7FFEFFF0 },    /* arguments straddling MmUserProbeAddress */
        { "argswrap", 0xFFFFFFF0 },     /* arguments wrapping past 0xFFFFFFFF */
    };
    for (ULONG i = 0; i < ARRAYSIZE(cases); i++) {
        if (strcmp(Case, cases[i].Name))
            continue;
        printf("[die] %s: sysenter NtEchoArguments with EDX=0x%08x\n", Case, cases[i].Edx);
        Setup(PATH_SYSENTER, SERVICE_NUMBER_NtEchoArguments, 0, NULL);
        SysabiIn.Edx = cases[i].Edx;
        SysabiInvoke();
        printf("[die] %s: survived, eax=0x%08x\n", Case, SysabiOut.Eax);
        return 1;
    }
    if (!strcmp(Case, "kernelesp")) {
        CONTEXT c;
        HostileContext(&c);
        c.Esp = 0x80100000;
        c.Eip = (ULONG)SysabiPushThenAfter;
        ULONG args[2] = { (ULONG)&c, FALSE };
        printf("[die] %s: NtContinue to ESP=0x%08x, then push\n", Case, c.Esp);
        Setup(PATH_SYSENTER, SERVICE_NUMBER_NtContinue, 2, args);
        SysabiInvoke();
        printf("[die] %s: survived, eax=0x%08x\n", Case, SysabiOut.Eax);
        return 1;
    }
    printf("[die] unknown case %s\n", Case);
    return 2;
}

int main(int argc, char **argv)
{
    SaveSysabiGs();
    for (int i = 0; i + 1 < argc; i++)
        if (!strcmp(argv[i], "die"))
            return Die(argv[i + 1]);
    RtlAddVectoredExceptionHandler(TRUE, SysabiHandler);
    if (NT_SUCCESS(NtQuerySystemInformation(SystemCallCountInformation, CountBuffer[0],
                                            sizeof(CountBuffer[0]), NULL)))
        GuiLimit = TableLimit(CountBuffer[0], 1);
    printf("sysabi: the default entry is %s\n", (USER_SHARED_DATA->SystemCall == (ULONG)KiIntSystemCall) ?
           "int 2Eh" : "sysenter");
    TL_RUN(service_numbers);
    TL_RUN(not_implemented_services);
    TL_RUN(bad_argument_pointers);
    TL_RUN(bad_output_pointers);
    TL_RUN(ntcontinue_sanitized);
    TL_RUN(ntcontinue_kernel_eip_esp);
    TL_RUN(trap_flag);
    TL_RUN(nt_ac_df_flags);
    TL_RUN(all_registers_minus_one);
    TL_RUN(garbage_segments);
    TL_RUN(call_counters);
    TL_RUN(misc_services);
    TL_RUN(sample_table);
    TL_FINISH();
}

/*
 * traplib.h - helpers for the thread-context record tests, demo and benchmark (docs/trapfile.md):
 * TrCall, a service call through a chosen entry with known register values whose registers after
 * the return are captured; and small file helpers over the NT file services.
 *
 * TrCall(Number, Arg1, Arg2, Seed) loads EBX/ESI/EDI/EBP with values derived from Seed
 * (TR_EBX(Seed), ...), sets CF to bit 0 of Seed, calls the service through TrTarget
 * (KiFastSystemCall or KiIntSystemCall, see TrSetPath) with the two arguments, and stores EAX,
 * EBX, ESI, EDI, EBP, ESP and EFLAGS as they are after the return in TrOut. A recovery resumes
 * at the instruction after that one call, so TrOut then shows the recorded registers. Record and
 * recover must be made at the same stack depth (from the same C function) for the resumed code
 * to find its own stack; otherwise the resumed thread runs on whatever the stack holds now.
 */
#ifndef NANONT_TRAPLIB_H
#define NANONT_TRAPLIB_H

#include "ntdll.h"

typedef struct _TR_REGS {
    ULONG Eax, Ebx, Esi, Edi, Ebp, Esp, EFlags;
} TR_REGS;

#define TR_EBX(s) ((s) ^ 0x0B0B0B0Bu)
#define TR_ESI(s) ((s) ^ 0x05050505u)
#define TR_EDI(s) ((s) ^ 0x0D0D0D0Du)
#define TR_EBP(s) ((s) ^ 0x0E0E0E0Eu)

TR_REGS TrOut __asm__("TrOut");        /* assembler names: one label in ELF and PE builds */
ULONG TrTarget __asm__("TrTarget");
NTSTATUS TrCall(ULONG Number, ULONG Arg1, ULONG Arg2, ULONG Seed) __asm__("TrCall");   /* one label in ELF and PE builds */

__asm__(
    "    .text\n"
    "    .globl TrCall\n"
    "TrCall:\n"
    "    pushl %ebp\n"
    "    pushl %ebx\n"
    "    pushl %esi\n"
    "    pushl %edi\n"
    "    movl 20(%esp), %eax\n"         /* Number */
    "    movl 32(%esp), %ecx\n"         /* Seed */
    "    pushl 28(%esp)\n"              /* Arg2 */
    "    pushl 28(%esp)\n"              /* Arg1 */
    "    pushl $0\n"                    /* where a stub's caller return address would be */
    "    movl %ecx, %ebx\n    xorl $0x0B0B0B0B, %ebx\n"
    "    movl %ecx, %esi\n    xorl $0x05050505, %esi\n"
    "    movl %ecx, %edi\n    xorl $0x0D0D0D0D, %edi\n"
    "    movl %ecx, %ebp\n    xorl $0x0E0E0E0E, %ebp\n"
    "    testl $1, %ecx\n"
    "    jz 1f\n"
    "    stc\n"
    "    jmp 2f\n"
    "1:  clc\n"
    "2:  call *TrTarget\n"
    "    pushfl\n"
    "    popl TrOut+24\n"
    "    movl %eax, TrOut+0\n"
    "    movl %ebx, TrOut+4\n"
    "    movl %esi, TrOut+8\n"
    "    movl %edi, TrOut+12\n"
    "    movl %ebp, TrOut+16\n"
    "    movl %esp, TrOut+20\n"
    "    addl $12, %esp\n"
    "    popl %edi\n"
    "    popl %esi\n"
    "    popl %ebx\n"
    "    popl %ebp\n"
    "    ret\n");

/* TrSetPath - 0: sysenter (KiFastSystemCall), 1: int 2Eh (KiIntSystemCall). */
static inline void TrSetPath(ULONG Path)
{
    TrTarget = Path ? (ULONG)KiIntSystemCall : (ULONG)KiFastSystemCall;
}

/* TrName - a UNICODE_STRING for an ASCII name (static storage: one at a time per slot). */
static inline PUNICODE_STRING TrName(ULONG Slot, PCSTR Ascii)
{
    static WCHAR buffers[2][128];
    static UNICODE_STRING names[2];
    ULONG n = 0;
    while (Ascii[n] && n < 128) {
        buffers[Slot][n] = (UCHAR)Ascii[n];
        n++;
    }
    names[Slot].Buffer = buffers[Slot];
    names[Slot].Length = names[Slot].MaximumLength = (USHORT)(n * 2);
    return &names[Slot];
}

/* TrAttributes - OBJECT_ATTRIBUTES for an ASCII NT path. */
static inline POBJECT_ATTRIBUTES TrAttributes(PCSTR Path)
{
    static OBJECT_ATTRIBUTES oa;
    oa.Length = sizeof(oa);
    oa.RootDirectory = NULL;
    oa.ObjectName = TrName(1, Path);
    oa.Attributes = OBJ_CASE_INSENSITIVE;
    oa.SecurityDescriptor = oa.SecurityQualityOfService = NULL;
    return &oa;
}

/* TrWriteFile - create or overwrite Path with Length bytes. */
static inline NTSTATUS TrWriteFile(PCSTR Path, const void *Data, ULONG Length)
{
    IO_STATUS_BLOCK iosb;
    HANDLE h = NULL;
    LARGE_INTEGER at;
    NTSTATUS s = NtCreateFile(&h, GENERIC_WRITE | SYNCHRONIZE, TrAttributes(Path), &iosb, NULL, 0, 0,
                              FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT,
                              NULL, 0);
    if (!NT_SUCCESS(s))
        return s;
    at.QuadPart = 0;
    if (Length != 0)
        s = NtWriteFile(h, NULL, NULL, NULL, &iosb, (PVOID)Data, Length, &at, NULL);
    NtClose(h);
    return s;
}

/* TrReadFile - read up to Length bytes of Path; *Got = bytes read. */
static inline NTSTATUS TrReadFile(PCSTR Path, void *Data, ULONG Length, PULONG Got)
{
    IO_STATUS_BLOCK iosb;
    HANDLE h = NULL;
    LARGE_INTEGER at;
    *Got = 0;
    NTSTATUS s = NtCreateFile(&h, GENERIC_READ | SYNCHRONIZE, TrAttributes(Path), &iosb, NULL, 0,
                              FILE_SHARE_READ, FILE_OPEN,
                              FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    if (!NT_SUCCESS(s))
        return s;
    at.QuadPart = 0;
    s = NtReadFile(h, NULL, NULL, NULL, &iosb, Data, Length, &at, NULL);
    if (NT_SUCCESS(s))
        *Got = (ULONG)iosb.Information;
    NtClose(h);
    return s;
}

static inline NTSTATUS TrDeleteFile(PCSTR Path)
{
    return NtDeleteFile(TrAttributes(Path));
}

#endif

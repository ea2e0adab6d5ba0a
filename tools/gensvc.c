/*
 * gensvc.c - the service-table generator (docs/spec.md §7).
 *
 * One plain-text table drives both sides of a service table, as WRK's services.tab does:
 *
 *   gensvc --table ke/services.tab --prefix Ki --index 0 \
 *          --kernel build/gen/svc_native.c --stubs build/gen/svc_native_stubs.S \
 *          --header build/inc/svcnum.h
 *
 * Each non-comment line of the table is `Name ArgumentDwords [-] [fail=0|fail=-1] [: Types]`:
 * the argument dwords are 0..SERVICE_MAXIMUM_ARGUMENT_DWORDS (inc/svclimit.h, the most any WRK service takes);
 * `#` or `;` starts a comment that runs to the end of the line; the Nth service line is index N.
 * The `-` declares a service that is numbered but not implemented: its kernel slot is the shared
 * KiServiceNotImplemented (STATUS_NOT_IMPLEMENTED), everything else is generated as for an
 * implemented one, so a table can keep another kernel's numbering (table 0 keeps WRK's). The
 * fail= value is the service's result when the thread cannot be converted to a GUI thread (table
 * 1; default STATUS_INVALID_SYSTEM_SERVICE), emitted after the argument bytes as in WRK. A line
 * `@ INDEX` (decimal or 0x hex) states the index of the next service and is refused unless exactly
 * INDEX services precede it: it pins the start of a section.
 * An implemented service may carry its parameter types after a `:`, one per parameter in
 * C's spelling with an optional `:how` for the tracer (ke/sysdecode.c), and a last word `!blocks`
 * for a call that may block or never return:
 *   NtCreateFile 11 : PHANDLE:out ACCESS_MASK:file POBJECT_ATTRIBUTES PIO_STATUS_BLOCK:out ...
 * The types must fill ArgumentDwords exactly (a LARGE_INTEGER, LONGLONG or ULONGLONG passed by
 * value takes two dwords, anything else one). Outputs:
 *   --kernel  PREFIXServiceTable / ArgumentTable (bytes) / ServiceLimit / ServiceCounters /
 *             ServiceNames, ServiceArgumentTypes (the `:` part as written, NULL if none),
 *             in index order
 *   --protos  a C file that includes ntdll.h and declares every typed service with the table's
 *             types: compiling it fails when the table and the prototypes disagree
 *   --stubs   the ntdll user stubs (docs/spec.md §5), NtFoo plus the ZwFoo alias
 *   --pe-stubs the same stubs for the PE ntdll.dll built by mingw-w64 (COFF): stdcall names
 *             _NtFoo@N and _ZwFoo@N at one address, N = 4 * ArgumentDwords, so that a .def with
 *             --kill-at exports them as NtFoo and ZwFoo (docs/native-programs.md)
 *   --kernel-stubs  the kernel's ZwFoo entry points, as WRK's kernel ZwXxx: EAX = number,
 *             EDX = the arguments, then an int 2Eh frame faked with the caller's EFLAGS and
 *             the kernel CS, and a call of KiSystemService; the service therefore runs with
 *             PreviousMode = KernelMode and the caller's buffers are not probed
 *   --kernel-protos the prototypes of those ZwFoo for kernel C (typed services only)
 *   --header  PREFIX_SERVICE_COUNT, PREFIX_SERVICE_TABLE_INDEX, PREFIX_SERVICE_IMPLEMENTED_BITMAP
 *             (an initializer: bit N of dword N/32 set when index N is implemented),
 *             SERVICE_NUMBER_x, SERVICE_ARGUMENT_DWORDS_x, SERVICE_IMPLEMENTED_x (0 or 1), and
 *             (kernel C only) the declarations of the --kernel tables
 * A table error prints `file:line: message` and exits 1 without writing anything; a usage error
 * exits 2. Each output is written to NAME.tmp and renamed over NAME, so a build that is interrupted
 * never leaves a half-written file behind.
 *
 * A host program: plain C with libc; of NanoNT's headers only inc/svclimit.h (plain #defines).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../inc/svclimit.h"

#define MAX_SERVICES      4096  /* bits 0-11 of the service number (SERVICE_NUMBER_MASK 0xFFF) */
#define MAX_NAME          100
#define MAX_LINE          1024
#define MAX_TYPES_TEXT    512   /* the `:` part of one line */
#define BLOCKS_MARK       "!blocks" /* last word of the types: the tracer prints an enter line */
#define MAX_TABLE_INDEX   3     /* bits 12-13 of the service number */
#define SYSTEM_CALL_SLOT  "0x7FFE0300" /* SharedUserData->SystemCall (docs/spec.md §5) */
#define NOT_IMPLEMENTED_ROUTINE "KiServiceNotImplemented" /* ke/syscall.c */

typedef struct {
    char Name[MAX_NAME + 1];
    unsigned ArgumentDwords;
    int GuiFailure;                     /* result when GUI conversion fails: 0, -1, or 1 (see below) */
    unsigned Line;
    int Implemented;                    /* 0: declared with `-', the slot is the shared routine */
    int Typed;                          /* the line has a `:` part */
    char Types[MAX_TYPES_TEXT];         /* its words joined by one space, `!blocks' included */
} SERVICE;

static SERVICE Services[MAX_SERVICES];
static unsigned ServiceCount;

/* Prints `file:line: message` and exits 1 (a table error). */
static void TableError(const char *File, unsigned Line, const char *Format, ...)
{
    va_list Args;

    fprintf(stderr, "%s:%u: ", File, Line);
    va_start(Args, Format);
    vfprintf(stderr, Format, Args);
    va_end(Args);
    fputc('\n', stderr);
    exit(1);
}

static void Usage(const char *Message)
{
    fprintf(stderr, "gensvc: %s\n"
            "usage: gensvc --table FILE --prefix PREFIX [--index 0-3] [--kernel OUT.c]\n"
            "              [--stubs OUT.S] [--pe-stubs OUT.S] [--header OUT.h] [--protos OUT.c]\n"
            "              [--kernel-stubs OUT.S] [--kernel-protos OUT.h]\n", Message);
    exit(2);
}

/* TRUE when Text is a C identifier. */
static int IsIdentifier(const char *Text)
{
    if (!(isalpha((unsigned char)Text[0]) || Text[0] == '_'))
        return 0;
    for (const char *p = Text + 1; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_'))
            return 0;
    return 1;
}

/* Parses a number in decimal or 0x hex; FALSE unless the whole text is one. */
static int ParseNumber(const char *Text, unsigned long *Value)
{
    const char *Digits = Text;
    const char *Allowed = "0123456789";
    int Base = 10;

    if (Text[0] == '0' && (Text[1] == 'x' || Text[1] == 'X')) {
        Digits = Text + 2;
        Allowed = "0123456789abcdefABCDEF";
        Base = 16;
    }
    if (Digits[0] == '\0' || strspn(Digits, Allowed) != strlen(Digits) || strlen(Digits) > 4)
        return 0;
    *Value = strtoul(Digits, NULL, Base);
    return 1;
}

/* `@ INDEX': the next service must be index INDEX. */
static void ParseIndexLine(const char *File, unsigned LineNumber, char **Tokens,
                           unsigned TokenCount)
{
    unsigned long Index;

    if (TokenCount != 2 || !ParseNumber(Tokens[1], &Index))
        TableError(File, LineNumber, "expected `@ Index'");
    if (Index != ServiceCount)
        TableError(File, LineNumber, "`@ 0x%lx': the next service is index 0x%x", Index,
                   ServiceCount);
}

/* Dwords one parameter of C type Type takes on the stack (64-bit integers by value take two). */
static unsigned TypeDwords(const char *Type)
{
    return strcmp(Type, "LARGE_INTEGER") == 0 || strcmp(Type, "ULARGE_INTEGER") == 0 ||
           strcmp(Type, "LONGLONG") == 0 || strcmp(Type, "ULONGLONG") == 0 ? 2 : 1;
}

/*
 * The `:` part of a line: Words[0..WordCount) are `Type` or `Type:how` and possibly a last
 * `!blocks'. Checks them against the service's ArgumentDwords and stores them joined.
 */
static void ParseTypes(const char *File, unsigned LineNumber, SERVICE *Service, char **Words,
                       unsigned WordCount)
{
    unsigned Dwords = 0;
    size_t Used = 0;

    Service->Typed = 1;
    Service->Types[0] = '\0';
    for (unsigned i = 0; i < WordCount; i++) {
        char Type[MAX_NAME + 1];
        const char *Colon = strchr(Words[i], ':');
        size_t Length = Colon ? (size_t)(Colon - Words[i]) : strlen(Words[i]);

        if (strcmp(Words[i], BLOCKS_MARK) == 0) {
            if (i != WordCount - 1)
                TableError(File, LineNumber, "service `%s': `" BLOCKS_MARK "' must be the last word",
                           Service->Name);
        } else {
            if (Length == 0 || Length > MAX_NAME)
                TableError(File, LineNumber, "service `%s': bad type `%s'", Service->Name, Words[i]);
            memcpy(Type, Words[i], Length);
            Type[Length] = '\0';
            /* a pointer to a typedef'd pointer (`PVOID*') is spelled with trailing stars */
            while (Length > 1 && Type[Length - 1] == '*')
                Type[--Length] = '\0';
            if (!IsIdentifier(Type) || (Colon && !IsIdentifier(Colon + 1)))
                TableError(File, LineNumber, "service `%s': type `%s' is not `Type' or `Type:how'",
                           Service->Name, Words[i]);
            Dwords += TypeDwords(Type);
        }
        if (Used + strlen(Words[i]) + 2 > sizeof(Service->Types))
            TableError(File, LineNumber, "service `%s': types longer than %d characters",
                       Service->Name, MAX_TYPES_TEXT - 1);
        Used += (size_t)sprintf(Service->Types + Used, "%s%s", i ? " " : "", Words[i]);
    }
    if (Dwords != Service->ArgumentDwords)
        TableError(File, LineNumber, "service `%s': the types take %u dwords, the count says %u",
                   Service->Name, Dwords, Service->ArgumentDwords);
}

/* Parses one table line into Services[]; blank and comment-only lines add nothing. */
static void ParseLine(const char *File, unsigned LineNumber, char *Line)
{
    char *Tokens[SERVICE_MAXIMUM_ARGUMENT_DWORDS + 8];
    unsigned TokenCount = 0;
    char *Save = NULL;
    unsigned long Count;
    int Implemented = 1;
    unsigned TypesAt = 0;               /* index of the first type token, 0: none */

    Line[strcspn(Line, "#;")] = '\0';
    for (char *Token = strtok_r(Line, " \t\r\n\v\f", &Save); Token != NULL;
         Token = strtok_r(NULL, " \t\r\n\v\f", &Save)) {
        if (TokenCount == sizeof(Tokens) / sizeof(Tokens[0]))
            TableError(File, LineNumber, "too many words");
        Tokens[TokenCount++] = Token;
    }
    if (TokenCount == 0)
        return;
    if (strcmp(Tokens[0], "@") == 0) {
        ParseIndexLine(File, LineNumber, Tokens, TokenCount);
        return;
    }
    int GuiFailure = 1;
    unsigned TypeWords = 0;
    for (unsigned i = 2; i < TokenCount; i++) {
        if (strcmp(Tokens[i], ":") == 0) {     /* the types run from here to the end */
            TypesAt = i + 1;
            TypeWords = TokenCount - TypesAt;
            TokenCount = i;
            break;
        }
    }
    if (TokenCount >= 3 && strncmp(Tokens[TokenCount - 1], "fail=", 5) == 0) {
        const char *v = Tokens[TokenCount - 1] + 5;
        if (strcmp(v, "0") == 0)
            GuiFailure = 0;
        else if (strcmp(v, "-1") == 0)
            GuiFailure = -1;
        else
            TableError(File, LineNumber, "`%s': the failure result is fail=0 or fail=-1",
                       Tokens[TokenCount - 1]);
        TokenCount--;
    }
    if (TokenCount == 3 && strcmp(Tokens[2], "-") == 0) {
        if (TypesAt != 0)
            TableError(File, LineNumber, "an unimplemented service (`-') has no types");
        Implemented = 0;
        TokenCount = 2;
    }
    if (TokenCount != 2)
        TableError(File, LineNumber, "expected `Name ArgumentDwords [-] [fail=0|fail=-1] [: Types]'");
    if (strlen(Tokens[0]) > MAX_NAME)
        TableError(File, LineNumber, "service name longer than %d characters", MAX_NAME);
    if (!IsIdentifier(Tokens[0]))
        TableError(File, LineNumber, "service name `%s' is not a C identifier", Tokens[0]);
    /* The Zw alias of every Nt service is generated; a Zw line would collide with it. */
    if (strncmp(Tokens[0], "Zw", 2) == 0)
        TableError(File, LineNumber, "service `%s': name services Nt..., Zw aliases are generated",
                   Tokens[0]);
    /* The shared routine fills the slots of unimplemented services; it is no service itself. */
    if (strcmp(Tokens[0], NOT_IMPLEMENTED_ROUTINE) == 0)
        TableError(File, LineNumber, "`%s' is the routine of unimplemented services, "
                   "declare those with `-'", Tokens[0]);

    if (strspn(Tokens[1], "0123456789") != strlen(Tokens[1]) || strlen(Tokens[1]) > 4)
        TableError(File, LineNumber, "argument count `%s' is not a number", Tokens[1]);
    Count = strtoul(Tokens[1], NULL, 10);
    if (Count > SERVICE_MAXIMUM_ARGUMENT_DWORDS)
        TableError(File, LineNumber, "service `%s': %lu argument dwords, at most %d allowed",
                   Tokens[0], Count, SERVICE_MAXIMUM_ARGUMENT_DWORDS);

    for (unsigned i = 0; i < ServiceCount; i++)
        if (strcmp(Services[i].Name, Tokens[0]) == 0)
            TableError(File, LineNumber, "duplicate service `%s' (first at line %u)",
                       Tokens[0], Services[i].Line);
    if (ServiceCount == MAX_SERVICES)
        TableError(File, LineNumber, "more than %d services in one table", MAX_SERVICES);

    strcpy(Services[ServiceCount].Name, Tokens[0]);
    Services[ServiceCount].ArgumentDwords = (unsigned)Count;
    Services[ServiceCount].Line = LineNumber;
    Services[ServiceCount].Implemented = Implemented;
    Services[ServiceCount].GuiFailure = GuiFailure;
    Services[ServiceCount].Typed = 0;
    if (TypesAt != 0)
        ParseTypes(File, LineNumber, &Services[ServiceCount], &Tokens[TypesAt], TypeWords);
    ServiceCount++;
}

/* Reads the whole table into Services[] (exits on any error). */
static void ReadTable(const char *File)
{
    char *Line = NULL;
    size_t Capacity = 0;
    ssize_t Length;
    unsigned LineNumber = 0;
    FILE *f = fopen(File, "r");

    if (f == NULL) {
        fprintf(stderr, "gensvc: %s: cannot open: %s\n", File, strerror(errno));
        exit(1);
    }
    while ((Length = getline(&Line, &Capacity, f)) >= 0) {
        LineNumber++;
        if (Length > MAX_LINE)
            TableError(File, LineNumber, "line longer than %d characters", MAX_LINE);
        if (memchr(Line, '\0', (size_t)Length) != NULL)
            TableError(File, LineNumber, "NUL character in line");
        ParseLine(File, LineNumber, Line);
    }
    if (ferror(f))
        TableError(File, LineNumber, "read error: %s", strerror(errno));
    free(Line);
    fclose(f);
}

/* The service number user mode loads into EAX: table index in bits 12-13 (docs/spec.md §5). */
static unsigned ServiceNumber(unsigned TableIndex, unsigned ServiceIndex)
{
    return (TableIndex << 12) | ServiceIndex;
}

/* Opens Path.tmp for writing; FinishOutput renames it over Path. */
static FILE *BeginOutput(const char *Path, char *TmpPath, size_t TmpSize)
{
    FILE *f;

    snprintf(TmpPath, TmpSize, "%s.tmp", Path);
    f = fopen(TmpPath, "w");
    if (f == NULL) {
        fprintf(stderr, "gensvc: %s: %s\n", TmpPath, strerror(errno));
        exit(1);
    }
    return f;
}

static void FinishOutput(FILE *f, const char *Path, const char *TmpPath)
{
    if (ferror(f) || fclose(f) != 0 || rename(TmpPath, Path) != 0) {
        fprintf(stderr, "gensvc: cannot write %s: %s\n", Path, strerror(errno));
        remove(TmpPath);
        exit(1);
    }
}

/* The kernel side: routine, argument-byte, counter and name tables. */
static void WriteKernel(FILE *f, const char *Table, const char *Prefix)
{
    unsigned Elements = ServiceCount ? ServiceCount : 1; /* C arrays may not be empty */
    unsigned Unimplemented = 0;

    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. */\n", Table);
    fprintf(f, "#include \"ntdef.h\"\n\n");
    fprintf(f, "/* The service routines: only their addresses are used here (stdcall ELF symbols "
               "are undecorated). */\n");
    for (unsigned i = 0; i < ServiceCount; i++) {
        if (Services[i].Implemented)
            fprintf(f, "extern char %s[];\n", Services[i].Name);
        else
            Unimplemented++;
    }
    if (Unimplemented != 0)
        fprintf(f, "/* The slot of every service declared `-' (%u here): STATUS_NOT_IMPLEMENTED. */\n"
                   "extern char " NOT_IMPLEMENTED_ROUTINE "[];\n", Unimplemented);

    fprintf(f, "\n/* Routine addresses in service-index order. */\n");
    fprintf(f, "PVOID %sServiceTable[] = {\n", Prefix);
    for (unsigned i = 0; i < ServiceCount; i++) {
        if (Services[i].Implemented)
            fprintf(f, "    %s, /* 0x%03x */\n", Services[i].Name, i);
        else
            fprintf(f, "    " NOT_IMPLEMENTED_ROUTINE ", /* 0x%03x %s */\n", i,
                    Services[i].Name);
    }
    if (ServiceCount == 0)
        fprintf(f, "    NULL, /* empty table: placeholder, Limit is 0 */\n");
    fprintf(f, "};\n\n");

    fprintf(f, "/* Argument bytes the dispatcher copies from the user stack. */\n");
    fprintf(f, "UCHAR %sArgumentTable[] = {\n", Prefix);
    for (unsigned i = 0; i < ServiceCount; i++)
        fprintf(f, "    %u, /* %s */\n", 4 * Services[i].ArgumentDwords, Services[i].Name);
    if (ServiceCount == 0)
        fprintf(f, "    0,\n");
    fprintf(f, "    /* then, as in WRK, one byte per service: its result when the thread cannot be\n"
               "       converted to a GUI thread (table 1, docs/spec.md §6.3): 0, 0xFF (-1), or 1 for\n"
               "       STATUS_INVALID_SYSTEM_SERVICE */\n");
    for (unsigned i = 0; i < ServiceCount; i++)
        fprintf(f, "    0x%02X, /* %s */\n", (unsigned char)Services[i].GuiFailure, Services[i].Name);
    fprintf(f, "};\n\n");

    fprintf(f, "ULONG %sServiceLimit = %u;\n\n", Prefix, ServiceCount);
    fprintf(f, "/* Per-service call counters (docs/spec.md §6.5). */\n");
    fprintf(f, "ULONG %sServiceCounters[%u];\n\n", Prefix, Elements);

    fprintf(f, "/* Names for tracing. */\n");
    fprintf(f, "PCSTR %sServiceNames[] = {\n", Prefix);
    for (unsigned i = 0; i < ServiceCount; i++)
        fprintf(f, "    \"%s\",\n", Services[i].Name);
    if (ServiceCount == 0)
        fprintf(f, "    NULL,\n");
    fprintf(f, "};\n\n");

    fprintf(f, "/* Parameter types for the tracer's decoder (NULL: the line has none). */\n");
    fprintf(f, "PCSTR %sServiceArgumentTypes[] = {\n", Prefix);
    for (unsigned i = 0; i < ServiceCount; i++) {
        if (Services[i].Typed)
            fprintf(f, "    \"%s\", /* %s */\n", Services[i].Types, Services[i].Name);
        else
            fprintf(f, "    NULL, /* %s */\n", Services[i].Name);
    }
    if (ServiceCount == 0)
        fprintf(f, "    NULL,\n");
    fprintf(f, "};\n");
}

/*
 * The prototype check: every typed service declared again with the table's C types after
 * ntdll.h, so that the compiler refuses the file when the two disagree ("conflicting types").
 */
/* One prototype: `NTSTATUS NTAPI Prefix+Name(types);` from the table's `:` part. */
static void WritePrototype(FILE *f, const char *Prefix, const char *Name, const char *TypesText)
{
    char Types[MAX_TYPES_TEXT];
    char *Save = NULL;
    int First = 1;

    strcpy(Types, TypesText);
    fprintf(f, "NTSTATUS NTAPI %s%s(", Prefix, Name);
    for (char *Word = strtok_r(Types, " ", &Save); Word != NULL; Word = strtok_r(NULL, " ", &Save)) {
        if (strcmp(Word, BLOCKS_MARK) == 0)
            continue;
        Word[strcspn(Word, ":")] = '\0';
        fprintf(f, "%s%s", First ? "" : ", ", Word);
        First = 0;
    }
    fprintf(f, "%s);\n", First ? "VOID" : "");
}

static void WriteProtos(FILE *f, const char *Table)
{
    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. Compiled only to compare the\n"
               "   table's parameter types with the prototypes in ntdll.h. */\n", Table);
    fprintf(f, "#include \"ntdll.h\"\n\n");
    for (unsigned i = 0; i < ServiceCount; i++)
        if (Services[i].Typed)
            WritePrototype(f, "", Services[i].Name, Services[i].Types);
}

/* The kernel's Zw prototypes: every typed service of an Nt name (kernel C, the types of inc/zwtypes.h). */
static void WriteKernelProtos(FILE *f, const char *Table)
{
    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. The kernel's ZwXxx entry\n"
               "   points (--kernel-stubs): the service runs with PreviousMode = KernelMode. */\n", Table);
    fprintf(f, "#ifndef NANONT_GEN_ZW_H\n#define NANONT_GEN_ZW_H\n");
    fprintf(f, "#include \"zwtypes.h\"\n\n");
    for (unsigned i = 0; i < ServiceCount; i++)
        if (Services[i].Typed && strncmp(Services[i].Name, "Nt", 2) == 0)
            WritePrototype(f, "Zw", Services[i].Name + 2, Services[i].Types);
    fprintf(f, "\n#endif\n");
}

/*
 * The kernel side of ZwFoo, as WRK's kernel stubs: the arguments are above the return address
 * (EDX = ESP + 4); EFLAGS, the kernel CS and the return address (the call) make the frame an
 * int 2Eh from ring 0 would push, and KiSystemService leaves by iretd to the `ret`.
 */
static void WriteKernelStubs(FILE *f, const char *Table, unsigned TableIndex)
{
    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. */\n", Table);
    fprintf(f, "/* Each stub: EAX = service number, EDX = the arguments, EFLAGS and the kernel CS\n"
               "   pushed as an interrupt would, call KiSystemService, pop the arguments. */\n");
    fprintf(f, "#include \"ksoffsets.h\"\n");
    fprintf(f, "    .text\n");
    for (unsigned i = 0; i < ServiceCount; i++) {
        const char *Name = Services[i].Name;
        unsigned Bytes = 4 * Services[i].ArgumentDwords;

        if (strncmp(Name, "Nt", 2) != 0 || Name[2] == '\0')
            continue;
        fprintf(f, "\n    .globl Zw%s\n", Name + 2);
        fprintf(f, "    .type Zw%s, @function\n", Name + 2);
        fprintf(f, "    .p2align 2\n");
        fprintf(f, "Zw%s:\n", Name + 2);
        fprintf(f, "    movl $0x%04x, %%eax\n", ServiceNumber(TableIndex, i));
        fprintf(f, "    leal 4(%%esp), %%edx\n");
        fprintf(f, "    pushfl\n");
        fprintf(f, "    pushl $KGDT_R0_CODE\n");
        fprintf(f, "    call KiSystemService\n");
        if (Bytes != 0)
            fprintf(f, "    ret $%u\n", Bytes);
        else
            fprintf(f, "    ret\n");
        fprintf(f, "    .size Zw%s, . - Zw%s\n", Name + 2, Name + 2);
    }
    fprintf(f, "\n    .section .note.GNU-stack, \"\", @progbits\n");
}

/* The user side: one ntdll stub per service (docs/spec.md §5) and its Zw alias. */
static void WriteStubs(FILE *f, const char *Table, unsigned TableIndex)
{
    /* C comments only: the file goes through cpp, where a line starting with # is a directive. */
    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. */\n", Table);
    fprintf(f, "/* Each stub: EAX = service number, call SharedUserData->SystemCall, "
               "pop the arguments. */\n");
    fprintf(f, "    .text\n");
    for (unsigned i = 0; i < ServiceCount; i++) {
        const char *Name = Services[i].Name;
        unsigned Bytes = 4 * Services[i].ArgumentDwords;

        fprintf(f, "\n    .globl %s\n", Name);
        fprintf(f, "    .type %s, @function\n", Name);
        fprintf(f, "    .p2align 2\n");
        fprintf(f, "%s:\n", Name);
        fprintf(f, "    movl $0x%04x, %%eax\n", ServiceNumber(TableIndex, i));
        fprintf(f, "    movl $" SYSTEM_CALL_SLOT ", %%edx\n");
        fprintf(f, "    call *(%%edx)\n");
        if (Bytes != 0)
            fprintf(f, "    ret $%u\n", Bytes);
        else
            fprintf(f, "    ret\n");
        fprintf(f, "    .size %s, . - %s\n", Name, Name);
        if (strncmp(Name, "Nt", 2) == 0 && Name[2] != '\0') {
            fprintf(f, "    .globl Zw%s\n", Name + 2);
            fprintf(f, "    .type Zw%s, @function\n", Name + 2);
            fprintf(f, "    .set Zw%s, %s\n", Name + 2, Name);
            fprintf(f, "    .size Zw%s, . - %s\n", Name + 2, Name);
        }
    }
    fprintf(f, "\n    .section .note.GNU-stack, \"\", @progbits\n");
}

/* The PE flavour of the stubs (mingw-w64's COFF assembler): the same code, stdcall-decorated
   labels, the Zw label on the same address as the Nt one, no ELF-only directives. */
static void WritePeStubs(FILE *f, const char *Table, unsigned TableIndex)
{
    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. */\n", Table);
    fprintf(f, "/* Each stub: EAX = service number, call SharedUserData->SystemCall, "
               "pop the arguments. */\n");
    fprintf(f, "    .text\n");
    for (unsigned i = 0; i < ServiceCount; i++) {
        const char *Name = Services[i].Name;
        unsigned Bytes = 4 * Services[i].ArgumentDwords;
        int Zw = strncmp(Name, "Nt", 2) == 0 && Name[2] != '\0';

        fprintf(f, "\n    .p2align 2\n");
        fprintf(f, "    .globl _%s@%u\n", Name, Bytes);
        fprintf(f, "    .def _%s@%u; .scl 2; .type 32; .endef\n", Name, Bytes);
        if (Zw) {
            fprintf(f, "    .globl _Zw%s@%u\n", Name + 2, Bytes);
            fprintf(f, "    .def _Zw%s@%u; .scl 2; .type 32; .endef\n", Name + 2, Bytes);
            fprintf(f, "_Zw%s@%u:\n", Name + 2, Bytes);
        }
        fprintf(f, "_%s@%u:\n", Name, Bytes);
        fprintf(f, "    movl $0x%04x, %%eax\n", ServiceNumber(TableIndex, i));
        fprintf(f, "    movl $" SYSTEM_CALL_SLOT ", %%edx\n");
        fprintf(f, "    call *(%%edx)\n");
        if (Bytes != 0)
            fprintf(f, "    ret $%u\n", Bytes);
        else
            fprintf(f, "    ret\n");
    }
}

/* The numbers header, usable from C and assembly. */
static void WriteHeader(FILE *f, const char *Table, const char *Prefix, unsigned TableIndex)
{
    char Upper[MAX_NAME + 1];
    size_t n;

    for (n = 0; Prefix[n] != '\0' && n < MAX_NAME; n++)
        Upper[n] = (char)toupper((unsigned char)Prefix[n]);
    Upper[n] = '\0';

    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. */\n", Table);
    fprintf(f, "#ifndef NANONT_GEN_SVC_%s_H\n#define NANONT_GEN_SVC_%s_H\n\n", Upper, Upper);
    fprintf(f, "#define %s_SERVICE_COUNT %u\n", Upper, ServiceCount);
    fprintf(f, "#define %s_SERVICE_TABLE_INDEX %u\n\n", Upper, TableIndex);
    fprintf(f, "/* Bit N of dword N / 32 is set when service index N is implemented (C only). */\n");
    fprintf(f, "#define %s_SERVICE_IMPLEMENTED_BITMAP {", Upper);
    for (unsigned Word = 0; Word == 0 || Word * 32 < ServiceCount; Word++) {
        unsigned long Bits = 0;
        for (unsigned i = Word * 32; i < Word * 32 + 32 && i < ServiceCount; i++)
            if (Services[i].Implemented)
                Bits |= 1ul << (i % 32);
        fprintf(f, "%s%s0x%08lxu", Word ? "," : "", Word % 6 ? " " : " \\\n    ", Bits);
    }
    fprintf(f, " }\n\n");
    for (unsigned i = 0; i < ServiceCount; i++) {
        fprintf(f, "#define SERVICE_NUMBER_%s 0x%04x\n", Services[i].Name,
                ServiceNumber(TableIndex, i));
        fprintf(f, "#define SERVICE_ARGUMENT_DWORDS_%s %u\n", Services[i].Name,
                Services[i].ArgumentDwords);
        fprintf(f, "#define SERVICE_IMPLEMENTED_%s %d\n", Services[i].Name,
                Services[i].Implemented);
    }
    /* The kernel tables that --kernel defines, declared here so that their users (the component
       that registers the table, the tracer) need no extern of their own. Kernel C only: the header
       is also included by assembly and by user programs for the numbers. */
    fprintf(f, "\n#if defined(NANONT_KERNEL) && !defined(__ASSEMBLY__) && !defined(__ASSEMBLER__)\n");
    fprintf(f, "#include \"ntdef.h\"\n");
    fprintf(f, "extern PVOID %sServiceTable[];\n", Prefix);
    fprintf(f, "extern UCHAR %sArgumentTable[];\n", Prefix);
    fprintf(f, "extern ULONG %sServiceLimit;\n", Prefix);
    fprintf(f, "extern ULONG %sServiceCounters[];\n", Prefix);
    fprintf(f, "extern PCSTR %sServiceNames[];\n", Prefix);
    fprintf(f, "extern PCSTR %sServiceArgumentTypes[];\n", Prefix);
    fprintf(f, "#endif\n");
    fprintf(f, "\n#endif\n");
}

int main(int argc, char **argv)
{
    const char *Table = NULL, *Prefix = NULL, *Kernel = NULL, *Stubs = NULL, *Header = NULL;
    const char *Protos = NULL, *KernelStubs = NULL, *KernelProtos = NULL;
    const char *PeStubs = NULL;
    unsigned TableIndex = 0;
    char Tmp[4096];
    FILE *f;

    for (int i = 1; i < argc; i++) {
        const char *Value = i + 1 < argc ? argv[i + 1] : NULL;

        if (Value == NULL)
            Usage("missing value after an option");
        if (strcmp(argv[i], "--table") == 0)
            Table = Value;
        else if (strcmp(argv[i], "--prefix") == 0)
            Prefix = Value;
        else if (strcmp(argv[i], "--kernel") == 0)
            Kernel = Value;
        else if (strcmp(argv[i], "--stubs") == 0)
            Stubs = Value;
        else if (strcmp(argv[i], "--pe-stubs") == 0)
            PeStubs = Value;
        else if (strcmp(argv[i], "--header") == 0)
            Header = Value;
        else if (strcmp(argv[i], "--protos") == 0)
            Protos = Value;
        else if (strcmp(argv[i], "--kernel-stubs") == 0)
            KernelStubs = Value;
        else if (strcmp(argv[i], "--kernel-protos") == 0)
            KernelProtos = Value;
        else if (strcmp(argv[i], "--index") == 0) {
            if (strlen(Value) != 1 || Value[0] < '0' || Value[0] > '0' + MAX_TABLE_INDEX)
                Usage("--index must be 0, 1, 2 or 3");
            TableIndex = (unsigned)(Value[0] - '0');
        } else
            Usage("unknown option");
        i++;
    }
    if (Table == NULL || Prefix == NULL)
        Usage("--table and --prefix are required");
    if (!IsIdentifier(Prefix) || strlen(Prefix) > 32)
        Usage("--prefix must be a C identifier of at most 32 characters");

    ReadTable(Table);

    if (Kernel != NULL) {
        f = BeginOutput(Kernel, Tmp, sizeof(Tmp));
        WriteKernel(f, Table, Prefix);
        FinishOutput(f, Kernel, Tmp);
    }
    if (Stubs != NULL) {
        f = BeginOutput(Stubs, Tmp, sizeof(Tmp));
        WriteStubs(f, Table, TableIndex);
        FinishOutput(f, Stubs, Tmp);
    }
    if (PeStubs != NULL) {
        f = BeginOutput(PeStubs, Tmp, sizeof(Tmp));
        WritePeStubs(f, Table, TableIndex);
        FinishOutput(f, PeStubs, Tmp);
    }
    if (Header != NULL) {
        f = BeginOutput(Header, Tmp, sizeof(Tmp));
        WriteHeader(f, Table, Prefix, TableIndex);
        FinishOutput(f, Header, Tmp);
    }
    if (Protos != NULL) {
        f = BeginOutput(Protos, Tmp, sizeof(Tmp));
        WriteProtos(f, Table);
        FinishOutput(f, Protos, Tmp);
    }
    if (KernelStubs != NULL) {
        f = BeginOutput(KernelStubs, Tmp, sizeof(Tmp));
        WriteKernelStubs(f, Table, TableIndex);
        FinishOutput(f, KernelStubs, Tmp);
    }
    if (KernelProtos != NULL) {
        f = BeginOutput(KernelProtos, Tmp, sizeof(Tmp));
        WriteKernelProtos(f, Table);
        FinishOutput(f, KernelProtos, Tmp);
    }
    return 0;
}

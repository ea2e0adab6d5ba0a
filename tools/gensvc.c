/*
 * gensvc.c - the service-table generator (docs/spec.md §7).
 *
 * One plain-text table drives both sides of a service table, as WRK's services.tab does:
 *
 *   gensvc --table ke/services.tab --prefix Ki --index 0 \
 *          --kernel build/gen/svc_native.c --stubs build/gen/svc_native_stubs.S \
 *          --header build/inc/svcnum.h
 *
 * Each non-comment line of the table is `Name ArgumentDwords` (0..16); `#` or `;` starts a comment
 * that runs to the end of the line; the Nth service line is index N. Outputs:
 *   --kernel  PREFIXServiceTable / ArgumentTable (bytes) / ServiceLimit / ServiceCounters /
 *             ServiceNames, in index order
 *   --stubs   the ntdll user stubs (docs/spec.md §5), NtFoo plus the ZwFoo alias (ELF, gas)
 *   --pe-stubs the same stubs for the PE ntdll.dll built by mingw-w64 (COFF): stdcall names
 *             _NtFoo@N and _ZwFoo@N at one address, N = 4 * ArgumentDwords, so that a .def with
 *             --kill-at exports them as NtFoo and ZwFoo (docs/native-programs.md)
 *   --header  PREFIX_SERVICE_COUNT, PREFIX_SERVICE_TABLE_INDEX, SERVICE_NUMBER_x,
 *             SERVICE_ARGUMENT_DWORDS_x, and (kernel C only) the declarations of the --kernel tables
 * A table error prints `file:line: message` and exits 1 without writing anything; a usage error
 * exits 2. Each output is written to NAME.tmp and renamed over NAME, so a build that is interrupted
 * never leaves a half-written file behind.
 *
 * A host program: plain C with libc, no NanoNT headers.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERVICES      4096  /* bits 0-11 of the service number (SERVICE_NUMBER_MASK 0xFFF) */
#define MAX_ARGUMENT_DWORDS 16
#define MAX_NAME          100
#define MAX_LINE          1024
#define MAX_TABLE_INDEX   3     /* bits 12-13 of the service number */
#define SYSTEM_CALL_SLOT  "0x7FFE0300" /* SharedUserData->SystemCall (docs/spec.md §5) */

typedef struct {
    char Name[MAX_NAME + 1];
    unsigned ArgumentDwords;
    unsigned Line;
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
            "              [--stubs OUT.S] [--pe-stubs OUT.S] [--header OUT.h]\n", Message);
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

/* Parses one table line into Services[]; blank and comment-only lines add nothing. */
static void ParseLine(const char *File, unsigned LineNumber, char *Line)
{
    char *Tokens[3];
    unsigned TokenCount = 0;
    char *Save = NULL;
    unsigned long Count;

    Line[strcspn(Line, "#;")] = '\0';
    for (char *Token = strtok_r(Line, " \t\r\n\v\f", &Save); Token != NULL;
         Token = strtok_r(NULL, " \t\r\n\v\f", &Save)) {
        if (TokenCount == 3)
            break;
        Tokens[TokenCount++] = Token;
    }
    if (TokenCount == 0)
        return;
    if (TokenCount != 2)
        TableError(File, LineNumber, "expected `Name ArgumentDwords'");

    if (strlen(Tokens[0]) > MAX_NAME)
        TableError(File, LineNumber, "service name longer than %d characters", MAX_NAME);
    if (!IsIdentifier(Tokens[0]))
        TableError(File, LineNumber, "service name `%s' is not a C identifier", Tokens[0]);
    /* The Zw alias of every Nt service is generated; a Zw line would collide with it. */
    if (strncmp(Tokens[0], "Zw", 2) == 0)
        TableError(File, LineNumber, "service `%s': name services Nt..., Zw aliases are generated",
                   Tokens[0]);

    if (strspn(Tokens[1], "0123456789") != strlen(Tokens[1]) || strlen(Tokens[1]) > 4)
        TableError(File, LineNumber, "argument count `%s' is not a number", Tokens[1]);
    Count = strtoul(Tokens[1], NULL, 10);
    if (Count > MAX_ARGUMENT_DWORDS)
        TableError(File, LineNumber, "service `%s': %lu argument dwords, at most %d allowed",
                   Tokens[0], Count, MAX_ARGUMENT_DWORDS);

    for (unsigned i = 0; i < ServiceCount; i++)
        if (strcmp(Services[i].Name, Tokens[0]) == 0)
            TableError(File, LineNumber, "duplicate service `%s' (first at line %u)",
                       Tokens[0], Services[i].Line);
    if (ServiceCount == MAX_SERVICES)
        TableError(File, LineNumber, "more than %d services in one table", MAX_SERVICES);

    strcpy(Services[ServiceCount].Name, Tokens[0]);
    Services[ServiceCount].ArgumentDwords = (unsigned)Count;
    Services[ServiceCount].Line = LineNumber;
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

    fprintf(f, "/* Generated by tools/gensvc from %s: do not edit. */\n", Table);
    fprintf(f, "#include \"ntdef.h\"\n\n");
    fprintf(f, "/* The service routines: only their addresses are used here (stdcall ELF symbols "
               "are undecorated). */\n");
    for (unsigned i = 0; i < ServiceCount; i++)
        fprintf(f, "extern char %s[];\n", Services[i].Name);

    fprintf(f, "\n/* Routine addresses in service-index order. */\n");
    fprintf(f, "PVOID %sServiceTable[] = {\n", Prefix);
    for (unsigned i = 0; i < ServiceCount; i++)
        fprintf(f, "    %s, /* 0x%03x */\n", Services[i].Name, i);
    if (ServiceCount == 0)
        fprintf(f, "    NULL, /* empty table: placeholder, Limit is 0 */\n");
    fprintf(f, "};\n\n");

    fprintf(f, "/* Argument bytes the dispatcher copies from the user stack. */\n");
    fprintf(f, "UCHAR %sArgumentTable[] = {\n", Prefix);
    for (unsigned i = 0; i < ServiceCount; i++)
        fprintf(f, "    %u, /* %s */\n", 4 * Services[i].ArgumentDwords, Services[i].Name);
    if (ServiceCount == 0)
        fprintf(f, "    0,\n");
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
    fprintf(f, "};\n");
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
    for (unsigned i = 0; i < ServiceCount; i++) {
        fprintf(f, "#define SERVICE_NUMBER_%s 0x%04x\n", Services[i].Name,
                ServiceNumber(TableIndex, i));
        fprintf(f, "#define SERVICE_ARGUMENT_DWORDS_%s %u\n", Services[i].Name,
                Services[i].ArgumentDwords);
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
    fprintf(f, "#endif\n");
    fprintf(f, "\n#endif\n");
}

int main(int argc, char **argv)
{
    const char *Table = NULL, *Prefix = NULL, *Kernel = NULL, *Stubs = NULL, *Header = NULL;
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
    return 0;
}

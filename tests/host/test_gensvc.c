/*
 * test_gensvc.c - host test of tools/gensvc (docs/spec.md §7), run from the repository root.
 *
 * Runs the built generator (build/tools/gensvc) on small tables in a temporary directory and checks
 * the three outputs: the text, the bytes the assembled stubs encode, and the values the kernel
 * tables hold once compiled and linked. Every kind of bad table must be refused with exit 1, a
 * `file:line:` message and no output written.
 */
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>
#include "ntdef.h"
#include "hosttest.h"

#define GENSVC "build/tools/gensvc"

static char TmpDir[] = "/tmp/nnt_gensvc_XXXXXX";

/* Builds a path inside the temporary directory (a few rotating buffers). */
static const char *TmpPath(const char *Name)
{
    static char Buffers[8][512];
    static int Next;
    char *p = Buffers[Next++ % 8];

    snprintf(p, 512, "%s/%s", TmpDir, Name);
    return p;
}

/* Runs a shell command; returns its exit status (or -1 if it did not exit normally). */
static int Run(const char *Format, ...)
{
    char Command[4096];
    va_list Args;
    int Status;

    va_start(Args, Format);
    vsnprintf(Command, sizeof(Command), Format, Args);
    va_end(Args);
    Status = system(Command);
    return (Status != -1 && WIFEXITED(Status)) ? WEXITSTATUS(Status) : -1;
}

static void WriteText(const char *Path, const char *Text)
{
    FILE *f = fopen(Path, "w");

    if (f == NULL) { perror(Path); exit(2); }
    fputs(Text, f);
    fclose(f);
}

/* Reads a whole file into a NUL-terminated heap buffer (NULL if missing); *Size gets its length. */
static char *ReadAll(const char *Path, long *Size)
{
    FILE *f = fopen(Path, "rb");
    char *Data;
    long n;

    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    Data = malloc((size_t)n + 1);
    if (fread(Data, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(Data); return NULL; }
    Data[n] = '\0';
    fclose(f);
    if (Size != NULL)
        *Size = n;
    return Data;
}

/* Checks that File contains Needle, printing both when it does not. */
#define CHECK_CONTAINS(Text, Needle) do { \
    if ((Text) == NULL || strstr((Text), (Needle)) == NULL) { \
        printf("[FAIL] %s:%d: expected to find `%s'\n", __FILE__, __LINE__, (Needle)); \
        ht_failed_now = 1; } } while (0)

/* Runs the generator on Table with all three outputs; returns its exit status. */
static int Generate(const char *Table, const char *Prefix, int Index)
{
    remove(TmpPath("k.c"));
    remove(TmpPath("s.S"));
    remove(TmpPath("h.h"));
    WriteText(TmpPath("t.tab"), Table);
    return Run("%s --table %s --prefix %s --index %d --kernel %s --stubs %s --header %s "
               "2>%s", GENSVC, TmpPath("t.tab"), Prefix, Index, TmpPath("k.c"), TmpPath("s.S"),
               TmpPath("h.h"), TmpPath("err.txt"));
}

static const char SampleTable[] =
    "# sample native table\n"
    "NtAlpha 0\n"
    "NtBeta 3   ; three dwords\n"
    "\n"
    "   \t\n"
    "\tNtGamma\t16\n"
    "NtDelta 1#no space before the comment\n"
    "; only a comment\n"
    "NtEpsilon 08\n";

HT_TEST(SampleTableText)
{
    char *Kernel, *Stubs, *Header;

    HT_CHECK_EQ(0, Generate(SampleTable, "Ki", 0));
    Kernel = ReadAll(TmpPath("k.c"), NULL);
    Stubs = ReadAll(TmpPath("s.S"), NULL);
    Header = ReadAll(TmpPath("h.h"), NULL);
    HT_CHECK(Kernel != NULL && Stubs != NULL && Header != NULL);

    CHECK_CONTAINS(Kernel, "#include \"ntdef.h\"");
    CHECK_CONTAINS(Kernel, "extern char NtAlpha[];");
    CHECK_CONTAINS(Kernel, "extern char NtEpsilon[];");
    CHECK_CONTAINS(Kernel, "PVOID KiServiceTable[] = {");
    CHECK_CONTAINS(Kernel, "UCHAR KiArgumentTable[] = {");
    CHECK_CONTAINS(Kernel, "ULONG KiServiceLimit = 5;");
    CHECK_CONTAINS(Kernel, "ULONG KiServiceCounters[5];");
    CHECK_CONTAINS(Kernel, "PCSTR KiServiceNames[] = {");
    CHECK_CONTAINS(Kernel, "\"NtGamma\",");

    CHECK_CONTAINS(Stubs, ".globl NtBeta");
    CHECK_CONTAINS(Stubs, ".type NtBeta, @function");
    CHECK_CONTAINS(Stubs, ".set ZwBeta, NtBeta");
    CHECK_CONTAINS(Stubs, ".globl ZwBeta");
    CHECK_CONTAINS(Stubs, "movl $0x0002, %eax");
    CHECK_CONTAINS(Stubs, "movl $0x7FFE0300, %edx");
    CHECK_CONTAINS(Stubs, "call *(%edx)");
    CHECK_CONTAINS(Stubs, "ret $12\n");
    CHECK_CONTAINS(Stubs, "ret $64\n");
    CHECK_CONTAINS(Stubs, "ret $4\n");
    CHECK_CONTAINS(Stubs, "ret $32\n");
    CHECK_CONTAINS(Stubs, "    ret\n");      /* NtAlpha, no arguments */
    HT_CHECK(Stubs == NULL || strstr(Stubs, "ret $0") == NULL);

    CHECK_CONTAINS(Header, "#define KI_SERVICE_COUNT 5\n");
    CHECK_CONTAINS(Header, "#define KI_SERVICE_TABLE_INDEX 0\n");
    CHECK_CONTAINS(Header, "#define SERVICE_NUMBER_NtAlpha 0x0000\n");
    CHECK_CONTAINS(Header, "#define SERVICE_NUMBER_NtDelta 0x0003\n");
    CHECK_CONTAINS(Header, "#define SERVICE_ARGUMENT_DWORDS_NtGamma 16\n");
    CHECK_CONTAINS(Header, "#define SERVICE_ARGUMENT_DWORDS_NtEpsilon 8\n");
    CHECK_CONTAINS(Header, "#ifndef ");
    CHECK_CONTAINS(Header, "#endif");
    free(Kernel); free(Stubs); free(Header);
}

/* A second table (the GUI one) uses table index 1 in bits 12-13 and its own prefix. */
HT_TEST(GuiTableText)
{
    char *Kernel, *Stubs, *Header;

    HT_CHECK_EQ(0, Generate("NtGdiOne 2\nNtUserTwo 0\n", "W32p", 1));
    Kernel = ReadAll(TmpPath("k.c"), NULL);
    Stubs = ReadAll(TmpPath("s.S"), NULL);
    Header = ReadAll(TmpPath("h.h"), NULL);
    CHECK_CONTAINS(Kernel, "PVOID W32pServiceTable[] = {");
    CHECK_CONTAINS(Kernel, "UCHAR W32pArgumentTable[] = {");
    CHECK_CONTAINS(Kernel, "ULONG W32pServiceLimit = 2;");
    CHECK_CONTAINS(Stubs, "movl $0x1000, %eax");
    CHECK_CONTAINS(Stubs, "movl $0x1001, %eax");
    CHECK_CONTAINS(Stubs, ".set ZwGdiOne, NtGdiOne");
    CHECK_CONTAINS(Header, "#define W32P_SERVICE_COUNT 2\n");
    CHECK_CONTAINS(Header, "#define W32P_SERVICE_TABLE_INDEX 1\n");
    CHECK_CONTAINS(Header, "#define SERVICE_NUMBER_NtUserTwo 0x1001\n");
    /* the kernel tables are declared in the header, for kernel C only */
    CHECK_CONTAINS(Header, "extern PVOID W32pServiceTable[];\n");
    CHECK_CONTAINS(Header, "extern UCHAR W32pArgumentTable[];\n");
    CHECK_CONTAINS(Header, "extern ULONG W32pServiceLimit;\n");
    CHECK_CONTAINS(Header, "extern ULONG W32pServiceCounters[];\n");
    CHECK_CONTAINS(Header, "extern PCSTR W32pServiceNames[];\n");
    CHECK_CONTAINS(Header, "#if defined(NANONT_KERNEL) && !defined(__ASSEMBLY__)");
    free(Kernel); free(Stubs); free(Header);
}

/* Looks a symbol up in `nm` output; returns its value or -1. */
static long SymbolValue(const char *NmText, const char *Name)
{
    char Pattern[128];
    const char *p;

    snprintf(Pattern, sizeof(Pattern), " %s\n", Name);
    for (p = strstr(NmText, Pattern); p != NULL; p = strstr(p + 1, Pattern)) {
        const char *Line = p;
        while (Line > NmText && Line[-1] != '\n')
            Line--;
        return strtol(Line, NULL, 16);
    }
    return -1;
}

/* Assembles the stubs and checks the exact bytes of each (docs/spec.md §5) and the Zw aliases. */
HT_TEST(StubsAssembleToTheAbi)
{
    static const struct { const char *Nt, *Zw; unsigned Number, Bytes; } Expect[] = {
        { "NtAlpha", "ZwAlpha", 0, 0 }, { "NtBeta", "ZwBeta", 1, 12 },
        { "NtGamma", "ZwGamma", 2, 64 }, { "NtDelta", "ZwDelta", 3, 4 },
        { "NtEpsilon", "ZwEpsilon", 4, 32 },
    };
    unsigned char *Text;
    char *Nm;
    long TextSize = 0;

    HT_CHECK_EQ(0, Generate(SampleTable, "Ki", 2));
    HT_CHECK_EQ(0, Run("gcc -m32 -c -o %s %s", TmpPath("s.o"), TmpPath("s.S")));
    HT_CHECK_EQ(0, Run("objcopy -O binary -j .text %s %s", TmpPath("s.o"), TmpPath("s.bin")));
    HT_CHECK_EQ(0, Run("nm %s > %s", TmpPath("s.o"), TmpPath("s.nm")));
    Text = (unsigned char *)ReadAll(TmpPath("s.bin"), &TextSize);
    Nm = ReadAll(TmpPath("s.nm"), NULL);
    if (Text == NULL || Nm == NULL) {
        HT_CHECK(!"assembled stubs");
        return;
    }
    for (unsigned i = 0; i < ARRAYSIZE(Expect); i++) {
        long At = SymbolValue(Nm, Expect[i].Nt);
        unsigned Number = (2u << 12) | Expect[i].Number;
        long Length = Expect[i].Bytes ? 15 : 13;    /* stub length in bytes */
        unsigned char *p;

        HT_CHECK(At >= 0 && At + Length <= TextSize);
        HT_CHECK_EQ(At, SymbolValue(Nm, Expect[i].Zw));
        if (At < 0 || At + Length > TextSize)
            continue;
        p = Text + At;
        HT_CHECK_EQ(0xB8, p[0]);                                      /* mov eax, imm32 */
        HT_CHECK_EQ(Number, p[1] | p[2] << 8 | (unsigned)p[3] << 16 | (unsigned)p[4] << 24);
        HT_CHECK_EQ(0xBA, p[5]);                                      /* mov edx, imm32 */
        HT_CHECK_EQ(0x7FFE0300u, p[6] | p[7] << 8 | (unsigned)p[8] << 16 | (unsigned)p[9] << 24);
        HT_CHECK_EQ(0xFF, p[10]);                                     /* call [edx] */
        HT_CHECK_EQ(0x12, p[11]);
        if (Expect[i].Bytes == 0) {
            HT_CHECK_EQ(0xC3, p[12]);                                 /* ret */
        } else {
            HT_CHECK_EQ(0xC2, p[12]);                                 /* ret imm16 */
            HT_CHECK_EQ(Expect[i].Bytes, p[13] | p[14] << 8);
        }
    }
    HT_CHECK(strstr(Nm, " T ZwBeta\n") != NULL);
    free(Text); free(Nm);
}

/* Compiles the kernel tables with the kernel's warnings, links them and checks every value. */
HT_TEST(KernelTablesLinkAndMatch)
{
    static const char Checker[] =
        "#include \"ntdef.h\"\n"
        "#include \"h.h\"\n"
        "#include <string.h>\n"
        "char NtAlpha[1], NtBeta[1], NtGamma[1], NtDelta[1], NtEpsilon[1];\n"
        "extern PVOID KiServiceTable[]; extern UCHAR KiArgumentTable[];\n"
        "extern ULONG KiServiceLimit; extern ULONG KiServiceCounters[]; extern PCSTR KiServiceNames[];\n"
        "int main(void) {\n"
        "  PVOID r[] = { NtAlpha, NtBeta, NtGamma, NtDelta, NtEpsilon };\n"
        "  UCHAR a[] = { 0, 12, 64, 4, 32 };\n"
        "  const char *n[] = { \"NtAlpha\", \"NtBeta\", \"NtGamma\", \"NtDelta\", \"NtEpsilon\" };\n"
        "  if (KiServiceLimit != 5 || KI_SERVICE_COUNT != 5) return 10;\n"
        "  if (SERVICE_NUMBER_NtEpsilon != 4 || SERVICE_ARGUMENT_DWORDS_NtBeta != 3) return 11;\n"
        "  for (int i = 0; i < 5; i++) {\n"
        "    if (KiServiceTable[i] != r[i]) return 20 + i;\n"
        "    if (KiArgumentTable[i] != a[i]) return 30 + i;\n"
        "    if (strcmp(KiServiceNames[i], n[i]) != 0) return 40 + i;\n"
        "    if (KiServiceCounters[i] != 0) return 50 + i;\n"
        "  }\n"
        "  return 0;\n"
        "}\n";

    HT_CHECK_EQ(0, Generate(SampleTable, "Ki", 0));
    HT_CHECK_EQ(0, Run("gcc -m32 -march=i686 -ffreestanding -fno-builtin -fno-pic -O2 -Wall "
                       "-Wextra -Werror -std=gnu11 -Iinc -c -o %s %s", TmpPath("k.o"),
                       TmpPath("k.c")));
    WriteText(TmpPath("checker.c"), Checker);
    /* the checker runs on the build machine: a native program with the generated tables in it */
    HT_CHECK_EQ(0, Run("gcc -Wall -Wextra -Werror -std=gnu11 -Iinc -I%s -o %s %s %s",
                       TmpDir, TmpPath("checker"), TmpPath("checker.c"), TmpPath("k.c")));
    HT_CHECK_EQ(0, Run("%s", TmpPath("checker")));
}

/* An empty table still yields valid C (one placeholder element) with Limit 0. */
HT_TEST(EmptyTable)
{
    char *Kernel, *Header, *Stubs;

    HT_CHECK_EQ(0, Generate("# nothing yet\n\n; still nothing\n", "W32p", 1));
    Kernel = ReadAll(TmpPath("k.c"), NULL);
    Header = ReadAll(TmpPath("h.h"), NULL);
    Stubs = ReadAll(TmpPath("s.S"), NULL);
    CHECK_CONTAINS(Kernel, "ULONG W32pServiceLimit = 0;");
    CHECK_CONTAINS(Kernel, "ULONG W32pServiceCounters[1];");
    CHECK_CONTAINS(Header, "#define W32P_SERVICE_COUNT 0\n");
    HT_CHECK(Stubs != NULL && strstr(Stubs, "movl") == NULL);
    HT_CHECK_EQ(0, Run("gcc -m32 -ffreestanding -fno-builtin -Wall -Wextra -Werror -std=gnu11 "
                       "-Iinc -c -o %s %s", TmpPath("k.o"), TmpPath("k.c")));
    HT_CHECK_EQ(0, Run("gcc -m32 -c -o %s %s", TmpPath("s.o"), TmpPath("s.S")));
    free(Kernel); free(Header); free(Stubs);
}

/* Expects Table to be refused with exit 1, `t.tab:Line:` on stderr and no outputs. */
static void ExpectRefused(const char *Table, unsigned Line, const char *What)
{
    char Where[600];
    char *Err;

    HT_CHECK_EQ(1, Generate(Table, "Ki", 0));
    Err = ReadAll(TmpPath("err.txt"), NULL);
    snprintf(Where, sizeof(Where), "%s:%u: ", TmpPath("t.tab"), Line);
    if (Err == NULL || strstr(Err, Where) == NULL) {
        printf("[FAIL] %s: expected a message starting `%s', got `%s'\n", What, Where,
               Err ? Err : "(nothing)");
        ht_failed_now = 1;
    }
    HT_CHECK(access(TmpPath("k.c"), F_OK) != 0);
    HT_CHECK(access(TmpPath("s.S"), F_OK) != 0);
    HT_CHECK(access(TmpPath("h.h"), F_OK) != 0);
    free(Err);
}

HT_TEST(BadLinesRefused)
{
    ExpectRefused("NtFoo\n", 1, "missing count");
    ExpectRefused("NtOk 1\n# c\nNtFoo 1 2\n", 3, "extra token");
    ExpectRefused("NtOk 1\nNtFoo 1 ; fine\nNtBar 1 x y\n", 3, "extra tokens");
    ExpectRefused("\n\n   4\n", 3, "count without a name");
}

HT_TEST(BadArgumentCountsRefused)
{
    ExpectRefused("NtFoo 18\n", 1, "18 dwords");
    ExpectRefused("NtFoo 18 -\n", 1, "18 dwords, not implemented");
    ExpectRefused("NtOk 16\nNtFoo 100\n", 2, "100 dwords");
    ExpectRefused("NtFoo x\n", 1, "not a number");
    ExpectRefused("NtFoo -1\n", 1, "negative");
    ExpectRefused("NtFoo 0x4\n", 1, "hex");
    ExpectRefused("NtFoo 4294967300\n", 1, "overflowing");
    ExpectRefused("NtFoo 2a\n", 1, "trailing garbage");
}

HT_TEST(BadNamesRefused)
{
    ExpectRefused("1Foo 2\n", 1, "leading digit");
    ExpectRefused("Nt-Foo 2\n", 1, "dash");
    ExpectRefused("Nt.Foo 2\n", 1, "dot");
    ExpectRefused("NtOk 0\nZwFoo 2\n", 2, "Zw name");
}

HT_TEST(DuplicateRefused)
{
    ExpectRefused("NtA 1\n# comment\n\nNtB 0\nNtA 2\n", 5, "duplicate");
    ExpectRefused("NtA 1\nNtA 1\n", 2, "identical duplicate");
}

/* 4096 services fit (indexes 0-0xFFF); the 4097th is refused at its line. */
HT_TEST(ServiceLimit)
{
    size_t Size = 4097 * 24 + 64;
    char *Table = malloc(Size), *p = Table;
    char *Header;

    p += sprintf(p, "# big\n");
    for (int i = 0; i < 4096; i++)
        p += sprintf(p, "NtService%d %d\n", i, i % 17);
    HT_CHECK_EQ(0, Generate(Table, "Ki", 3));
    Header = ReadAll(TmpPath("h.h"), NULL);
    CHECK_CONTAINS(Header, "#define SERVICE_NUMBER_NtService4095 0x3fff\n");
    CHECK_CONTAINS(Header, "#define KI_SERVICE_COUNT 4096\n");
    free(Header);
    sprintf(p, "NtOneTooMany 0\n");
    ExpectRefused(Table, 4098, "4097th service");
    free(Table);
}

HT_TEST(UsageErrors)
{
    HT_CHECK_EQ(1, Run("%s --table %s/missing.tab --prefix Ki 2>/dev/null", GENSVC, TmpDir));
    HT_CHECK_EQ(2, Run("%s --prefix Ki 2>/dev/null", GENSVC));
    WriteText(TmpPath("ok.tab"), "NtA 1\n");
    HT_CHECK_EQ(2, Run("%s --table %s --prefix 9x 2>/dev/null", GENSVC, TmpPath("ok.tab")));
    HT_CHECK_EQ(2, Run("%s --table %s --prefix Ki --index 4 2>/dev/null", GENSVC,
                       TmpPath("ok.tab")));
    HT_CHECK_EQ(0, Run("%s --table %s --prefix Ki --index 3", GENSVC, TmpPath("ok.tab")));
}

/* A `-' line: numbered, stub and name generated, the kernel slot is the shared routine. */
static const char GapTable[] =
    "NtAlpha 0\n"
    "NtBeta 3 -   # not implemented\n"
    "NtGamma\t17\t-\n"
    "@ 0x3\n"
    "NtDelta 1\n"
    "@ 4 ; decimal too\n";

HT_TEST(NotImplementedText)
{
    char *Kernel, *Stubs, *Header;

    HT_CHECK_EQ(0, Generate(GapTable, "Ki", 0));
    Kernel = ReadAll(TmpPath("k.c"), NULL);
    Stubs = ReadAll(TmpPath("s.S"), NULL);
    Header = ReadAll(TmpPath("h.h"), NULL);
    CHECK_CONTAINS(Kernel, "extern char NtAlpha[];");
    CHECK_CONTAINS(Kernel, "extern char KiServiceNotImplemented[];");
    HT_CHECK(Kernel == NULL || strstr(Kernel, "extern char NtBeta[]") == NULL);
    HT_CHECK(Kernel == NULL || strstr(strstr(Kernel, "KiServiceNotImplemented[];") + 1,
                                      "extern char KiServiceNotImplemented") == NULL);
    CHECK_CONTAINS(Kernel, "    KiServiceNotImplemented, /* 0x001 NtBeta */\n");
    CHECK_CONTAINS(Kernel, "    KiServiceNotImplemented, /* 0x002 NtGamma */\n");
    CHECK_CONTAINS(Kernel, "    NtDelta, /* 0x003 */\n");
    CHECK_CONTAINS(Kernel, "    12, /* NtBeta */\n");
    CHECK_CONTAINS(Kernel, "    68, /* NtGamma */\n");
    CHECK_CONTAINS(Kernel, "\"NtBeta\",");
    CHECK_CONTAINS(Kernel, "ULONG KiServiceLimit = 4;");
    CHECK_CONTAINS(Stubs, ".globl NtBeta");
    CHECK_CONTAINS(Stubs, ".set ZwGamma, NtGamma");
    CHECK_CONTAINS(Stubs, "ret $68\n");
    CHECK_CONTAINS(Header, "#define SERVICE_NUMBER_NtBeta 0x0001\n");
    CHECK_CONTAINS(Header, "#define SERVICE_ARGUMENT_DWORDS_NtGamma 17\n");
    CHECK_CONTAINS(Header, "#define SERVICE_IMPLEMENTED_NtBeta 0\n");
    CHECK_CONTAINS(Header, "#define SERVICE_IMPLEMENTED_NtDelta 1\n");
    CHECK_CONTAINS(Header, "#define KI_SERVICE_IMPLEMENTED_BITMAP { \\\n    0x00000009u }\n");
    free(Kernel); free(Stubs); free(Header);
}

/* The `-' slots link to the one shared routine; the bitmap compiles as an initializer. */
HT_TEST(NotImplementedLinks)
{
    static const char Checker[] =
        "#include \"ntdef.h\"\n"
        "#include \"h.h\"\n"
        "#include <string.h>\n"
        "char NtAlpha[1], NtDelta[1], KiServiceNotImplemented[1];\n"
        "extern PVOID KiServiceTable[]; extern UCHAR KiArgumentTable[];\n"
        "extern ULONG KiServiceLimit; extern PCSTR KiServiceNames[];\n"
        "static const ULONG Map[] = KI_SERVICE_IMPLEMENTED_BITMAP;\n"
        "int main(void) {\n"
        "  PVOID r[] = { NtAlpha, KiServiceNotImplemented, KiServiceNotImplemented, NtDelta };\n"
        "  UCHAR a[] = { 0, 12, 68, 4 };\n"
        "  if (KiServiceLimit != 4 || sizeof(Map) != 4 || Map[0] != 9) return 10;\n"
        "  if (SERVICE_NUMBER_NtGamma != 2 || SERVICE_IMPLEMENTED_NtGamma != 0) return 11;\n"
        "  for (int i = 0; i < 4; i++) {\n"
        "    if (KiServiceTable[i] != r[i]) return 20 + i;\n"
        "    if (KiArgumentTable[i] != a[i]) return 30 + i;\n"
        "  }\n"
        "  return strcmp(KiServiceNames[2], \"NtGamma\") != 0 ? 40 : 0;\n"
        "}\n";

    HT_CHECK_EQ(0, Generate(GapTable, "Ki", 0));
    HT_CHECK_EQ(0, Run("gcc -m32 -march=i686 -ffreestanding -fno-builtin -fno-pic -O2 -Wall "
                       "-Wextra -Werror -std=gnu11 -Iinc -c -o %s %s", TmpPath("k.o"),
                       TmpPath("k.c")));
    WriteText(TmpPath("checker.c"), Checker);
    HT_CHECK_EQ(0, Run("gcc -Wall -Wextra -Werror -std=gnu11 -Iinc -I%s -o %s %s %s",
                       TmpDir, TmpPath("checker"), TmpPath("checker.c"), TmpPath("k.c")));
    HT_CHECK_EQ(0, Run("%s", TmpPath("checker")));
}

/* A bitmap of more than one dword: bit N of dword N / 32. */
HT_TEST(ImplementedBitmapWords)
{
    char Table[4096], *p = Table;
    char *Header;

    for (int i = 0; i < 40; i++)
        p += sprintf(p, "NtS%d 0%s\n", i, (i == 0 || i == 33 || i == 39) ? "" : " -");
    HT_CHECK_EQ(0, Generate(Table, "Ki", 0));
    Header = ReadAll(TmpPath("h.h"), NULL);
    CHECK_CONTAINS(Header, "    0x00000001u, 0x00000082u }\n");
    free(Header);
}

HT_TEST(BadNotImplementedLinesRefused)
{
    ExpectRefused("NtOk 1\nNtFoo 1 +\n", 2, "third column not `-'");
    ExpectRefused("NtFoo 1 - x\n", 1, "token after `-'");
    ExpectRefused("NtFoo -\n", 1, "`-' without a count");
    ExpectRefused("NtFoo 1 --\n", 1, "`--'");
    ExpectRefused("NtA 1 -\nNtA 1\n", 2, "duplicate of a `-' service");
    ExpectRefused("KiServiceNotImplemented 0\n", 1, "the shared routine as a service");
    ExpectRefused("NtOk 0\nKiServiceNotImplemented 0 -\n", 2, "the shared routine, `-'");
}

HT_TEST(IndexLines)
{
    HT_CHECK_EQ(0, Generate("@ 0\nNtA 1\n@ 1\n@ 0x1\nNtB 0 -\n@ 0X2\n", "Ki", 0));
    ExpectRefused("NtA 1\nNtB 1\n@ 0x3\n", 3, "index ahead of the services");
    ExpectRefused("NtA 1\nNtB 1\n@ 1\n", 3, "index behind the services");
    ExpectRefused("NtA 1\n@\n", 2, "`@' without an index");
    ExpectRefused("@ x\n", 1, "index not a number");
    ExpectRefused("@ 0x\n", 1, "bare 0x");
    ExpectRefused("@ 0 0\n", 1, "two indexes");
    ExpectRefused("@ -1\n", 1, "negative index");
    ExpectRefused("@ 0x10000\n", 1, "index too long");
}

/* Parameter types after `:': kept as written for the tracer, checked against the dword count
   (a LARGE_INTEGER by value takes two), and declared again in the --protos file. */
HT_TEST(ParameterTypes)
{
    char *Kernel, *Header, *Protos;

    WriteText(TmpPath("t.tab"), "NtA 3 : PHANDLE:out ACCESS_MASK:file HANDLE\n"
                                "NtB 0 :\n"
                                "NtC 3 : LARGE_INTEGER PVOID*:inout !blocks  # comment\n"
                                "NtD 2\n"
                                "NtE 1 -\n");
    HT_CHECK_EQ(0, Run("%s --table %s --prefix Ki --kernel %s --header %s --protos %s 2>%s", GENSVC,
                       TmpPath("t.tab"), TmpPath("k.c"), TmpPath("h.h"), TmpPath("p.c"),
                       TmpPath("err.txt")));
    Kernel = ReadAll(TmpPath("k.c"), NULL);
    Header = ReadAll(TmpPath("h.h"), NULL);
    Protos = ReadAll(TmpPath("p.c"), NULL);
    CHECK_CONTAINS(Kernel, "PCSTR KiServiceArgumentTypes[] = {");
    CHECK_CONTAINS(Kernel, "\"PHANDLE:out ACCESS_MASK:file HANDLE\", /* NtA */");
    CHECK_CONTAINS(Kernel, "\"\", /* NtB */");
    CHECK_CONTAINS(Kernel, "\"LARGE_INTEGER PVOID*:inout !blocks\", /* NtC */");
    CHECK_CONTAINS(Kernel, "NULL, /* NtD */");
    CHECK_CONTAINS(Header, "extern PCSTR KiServiceArgumentTypes[];\n");
    CHECK_CONTAINS(Protos, "#include \"ntdll.h\"");
    CHECK_CONTAINS(Protos, "NTSTATUS NTAPI NtA(PHANDLE, ACCESS_MASK, HANDLE);\n");
    CHECK_CONTAINS(Protos, "NTSTATUS NTAPI NtB(VOID);\n");
    CHECK_CONTAINS(Protos, "NTSTATUS NTAPI NtC(LARGE_INTEGER, PVOID*);\n");
    HT_CHECK(Protos == NULL || strstr(Protos, "NtD(") == NULL);
    free(Kernel); free(Header); free(Protos);
}

HT_TEST(BadParameterTypesRefused)
{
    ExpectRefused("NtOk 1 : HANDLE\nNtFoo 2 : HANDLE\n", 2, "fewer types than dwords");
    ExpectRefused("NtFoo 1 : HANDLE HANDLE\n", 1, "more types than dwords");
    ExpectRefused("NtFoo 2 : HANDLE LARGE_INTEGER\n", 1, "LARGE_INTEGER takes two dwords");
    ExpectRefused("NtFoo 1 - : HANDLE\n", 1, "types on a `-' line");
    ExpectRefused("NtFoo 1 : 2HANDLE\n", 1, "type not an identifier");
    ExpectRefused("NtFoo 1 : HANDLE:\n", 1, "empty how");
    ExpectRefused("NtFoo 1 : HANDLE:a-b\n", 1, "how not an identifier");
    ExpectRefused("NtFoo 1 : !blocks HANDLE\n", 1, "`!blocks' not last");
    ExpectRefused("NtFoo 1 HANDLE\n", 1, "types without `:'");
}

static void Cleanup(void)
{
    Run("rm -rf %s", TmpDir);
}

__attribute__((constructor(200))) static void Setup(void)
{
    if (access(GENSVC, X_OK) != 0) {
        printf("[FAIL] %s not built (run from the repository root after make %s)\n", GENSVC,
               GENSVC);
        exit(1);
    }
    if (mkdtemp(TmpDir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    atexit(Cleanup);
}

HT_MAIN()

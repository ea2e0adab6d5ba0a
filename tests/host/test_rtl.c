/*
 * test_rtl.c - host tests for rtl: RtlFormatString against libc's snprintf, NT's wide conversions,
 * the UNICODE_STRING helpers, and the kernel's own string routines (rtl/string.c, included below
 * under other names so that they do not collide with libc's).
 */
#include <limits.h>
#include <stdint.h>
#include "hosttest.h"
#include "rtl.h"

/* ---- rtl/string.c under test names (the host otherwise uses libc's) */
#undef wcslen
#undef wcscmp
#define memcpy KtMemcpy
#define memmove KtMemmove
#define memset KtMemset
#define memcmp KtMemcmp
#define memchr KtMemchr
#define strlen KtStrlen
#define strnlen KtStrnlen
#define strcmp KtStrcmp
#define strncmp KtStrncmp
#define strcpy KtStrcpy
#define strchr KtStrchr
#define strrchr KtStrrchr
#define wcslen KtWcslen
#define wcscmp KtWcscmp
#include "../../rtl/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef memchr
#undef strlen
#undef strnlen
#undef strcmp
#undef strncmp
#undef strcpy
#undef strchr
#undef strrchr
#undef wcslen
#undef wcscmp

static int Sign(int Value) { return (Value > 0) - (Value < 0); }

/*
 * Compare RtlFormatString with snprintf for one format and its arguments, at a full buffer and at
 * several short sizes (truncation, terminator, return value).
 */
#define CHECK_FMT(...) do { \
    static const size_t Sizes[] = { 200, 0, 1, 2, 5, 9 }; \
    for (size_t I = 0; I < sizeof(Sizes) / sizeof(Sizes[0]); I++) { \
        char Want[200], Got[200]; \
        memset(Want, 0x5A, sizeof(Want)); memset(Got, 0x5A, sizeof(Got)); \
        int W = snprintf(Want, Sizes[I], __VA_ARGS__); \
        int G = RtlFormatString(Got, Sizes[I], __VA_ARGS__); \
        if (W != G || memcmp(Want, Got, sizeof(Want)) != 0) { \
            printf("[FAIL] %s:%d: format %s size %u: want %d \"%.*s\", got %d \"%.*s\"\n", \
                   __FILE__, __LINE__, #__VA_ARGS__, (unsigned)Sizes[I], W, \
                   (int)(Sizes[I] ? strnlen(Want, Sizes[I]) : 0), Want, G, \
                   (int)(Sizes[I] ? strnlen(Got, Sizes[I]) : 0), Got); \
            ht_failed_now = 1; \
            break; \
        } \
    } \
} while (0)

/* Check RtlFormatString's output and return value for formats libc does not share. */
#define CHECK_OUT(expected, ...) do { \
    char Got[200]; \
    int G = RtlFormatString(Got, sizeof(Got), __VA_ARGS__); \
    if (G != (int)strlen(expected) || strcmp(Got, expected) != 0) { \
        printf("[FAIL] %s:%d: %s: want \"%s\", got %d \"%s\"\n", __FILE__, __LINE__, \
               #__VA_ARGS__, expected, G, Got); \
        ht_failed_now = 1; \
    } \
} while (0)

/* Some formats below are odd on purpose ('0' with '-', truncating sizes): compare, not lint. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-truncation"
#pragma GCC diagnostic ignored "-Wformat-zero-length"

HT_TEST(format_plain_and_percent)
{
    CHECK_FMT("hello, world");
    CHECK_FMT("%%");
    CHECK_FMT("a%%b%%%%c");
    CHECK_FMT("");
    CHECK_FMT("%s", "");
    CHECK_FMT("%s|%s", "abc", "defghijklmnop");
}

HT_TEST(format_int_boundaries)
{
    static const int Values[] = { 0, 1, -1, 9, 10, 99, 100, 12345, -12345, INT_MAX, INT_MIN,
                                  INT_MAX - 1, INT_MIN + 1, 0x7F, 0x80, 0xFF, 0x7FFF, -32768 };
    for (size_t I = 0; I < ARRAYSIZE(Values); I++) {
        int V = Values[I];
        CHECK_FMT("%d", V);
        CHECK_FMT("%i", V);
        CHECK_FMT("%u", (unsigned)V);
        CHECK_FMT("%x", (unsigned)V);
        CHECK_FMT("%X", (unsigned)V);
        CHECK_FMT("%o", (unsigned)V);
        CHECK_FMT("%12d|%-12d|%012d", V, V, V);
        CHECK_FMT("%+d|% d|%+5d|% 5d|%+-6d|", V, V, V, V, V);
        CHECK_FMT("%.5d|%8.3d|%-8.3d|%08.3d|%.0d|", V, V, V, V, V);
        CHECK_FMT("%#x|%#X|%#o|%#10x|%#010x|%-#10x|", (unsigned)V, (unsigned)V, (unsigned)V,
                  (unsigned)V, (unsigned)V, (unsigned)V);
        CHECK_FMT("%#.0x|%#.0o|%.0u|%#.3o", (unsigned)V, (unsigned)V, (unsigned)V, (unsigned)V);
        CHECK_FMT("%hd|%hu|%hx|%hhd|%hhu|%hhx", (short)V, (unsigned short)V, (unsigned short)V,
                  (signed char)V, (unsigned char)V, (unsigned char)V);
        CHECK_FMT("%ld|%lu|%lx", (long)V, (unsigned long)V, (unsigned long)V);
        CHECK_FMT("%zu|%zx|%td", (size_t)V, (size_t)V, (ptrdiff_t)V);
    }
    /* h and hh truncate a wider int argument, as C says */
    CHECK_FMT("%hd|%hu|%hhd|%hhu|%hx", 0x12345, 0x18000, 0x1FF, 0x2FE, 0xABCDEF);
}

HT_TEST(format_int64)
{
    static const long long Values[] = { 0, 1, -1, 10, 4294967295LL, 4294967296LL, -4294967296LL,
                                        0x123456789ABCDEFLL, 1000000000000000000LL,
                                        9999999999999999999ULL > 0 ? 999999999999999999LL : 0,
                                        LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
                                        (long long)(0x8000000000000000ULL - 1),
                                        0x0000FFFF00000000LL, 0x00010000FFFF0000LL };
    for (size_t I = 0; I < ARRAYSIZE(Values); I++) {
        long long V = Values[I];
        unsigned long long U = (unsigned long long)V;
        CHECK_FMT("%lld", V);
        CHECK_FMT("%llu|%llx|%llX|%llo", U, U, U, U);
        CHECK_FMT("%25lld|%-25lld|%025lld|%+lld|%.20lld", V, V, V, V, V);
        CHECK_FMT("%#llx|%#024llx|%jd|%ju", U, U, (intmax_t)V, (uintmax_t)U);
        CHECK_FMT("%d %lld %d", 7, V, -7); /* the 64-bit argument takes two slots */
    }
    CHECK_FMT("%llu", 18446744073709551615ULL);
    CHECK_FMT("%llx", 18446744073709551615ULL);
    CHECK_FMT("%llo", 18446744073709551615ULL);
    CHECK_FMT("%llu", 10000000000000000000ULL);

    /* NT's I64 / I32 / I */
    CHECK_OUT("-1234567890123", "%I64d", -1234567890123LL);
    CHECK_OUT("FFFFFFFFFFFFFFFF", "%I64X", ~0ULL);
    CHECK_OUT("0000000123456789", "%016I64x", 0x123456789ULL);
    CHECK_OUT("deadbeef 5", "%I32x %Iu", 0xDEADBEEFu, (size_t)5);

    /* every power of ten and its neighbours, against libc */
    for (unsigned long long P = 1; P != 0 && P <= 10000000000000000000ULL; P *= 10) {
        CHECK_FMT("%llu %llu %llu", P - 1, P, P + 1);
        if (P > 1844674407370955161ULL) {
            break;
        }
    }
    /* walking bits */
    for (int Bit = 0; Bit < 64; Bit++) {
        unsigned long long B = 1ULL << Bit;
        CHECK_FMT("%llu %llx %llo %lld", B, B, B, (long long)B);
        CHECK_FMT("%llu", B | (B - 1));
    }
}

HT_TEST(format_width_precision_star)
{
    CHECK_FMT("[%*d]", 8, 42);
    CHECK_FMT("[%*d]", -8, 42);
    CHECK_FMT("[%-*d]", 8, 42);
    CHECK_FMT("[%.*d]", 6, 42);
    CHECK_FMT("[%.*d]", -6, 42);
    CHECK_FMT("[%*.*d]", 10, 4, -42);
    CHECK_FMT("[%0*d]", 7, -42);
    CHECK_FMT("[%-0*d]", 7, -42);
    CHECK_FMT("[%*s]", 10, "abc");
    CHECK_FMT("[%*s]", -10, "abc");
    CHECK_FMT("[%.*s]", 2, "abcdef");
    CHECK_FMT("[%.*s]", -1, "abcdef");
    CHECK_FMT("[%10.3s|%-10.3s|%.0s|%.10s]", "abcdef", "abcdef", "abcdef", "abc");
    CHECK_FMT("[%5c|%-5c|%c%c]", 'x', 'y', 'A', '~');
    CHECK_FMT("[%c]", 0); /* a NUL character is output and counted */
    CHECK_FMT("[%100d]", 5);
    CHECK_FMT("[%-150s]", "left");

    /* huge widths are counted but cost no time */
    char Small[8];
    HT_CHECK_EQ(100000000 + 2, RtlFormatString(Small, sizeof(Small), "[%100000000d]", 1));
    HT_CHECK(strcmp(Small, "[      ") == 0);
}

HT_TEST(format_pointer_and_null)
{
    /* %p prints every digit of a pointer: 8 on x86 (the kernel), 16 on a 64-bit build machine */
    if (sizeof(void *) == 4) {
        CHECK_OUT("0012ABCD", "%p", (void *)0x12ABCD);
        CHECK_OUT("00000000", "%p", (void *)0);
        CHECK_OUT("FFFFFFFF", "%p", (void *)~(uintptr_t)0);
        CHECK_OUT("[  DEADBEEF]", "[%10p]", (void *)0xDEADBEEF);
        CHECK_OUT("[DEADBEEF  ]", "[%-10p]", (void *)0xDEADBEEF);
    } else {
        CHECK_OUT("000000000012ABCD", "%p", (void *)0x12ABCD);
        CHECK_OUT("0000000000000000", "%p", (void *)0);
        CHECK_OUT("FFFFFFFFFFFFFFFF", "%p", (void *)~(uintptr_t)0);
        CHECK_OUT("[  00000000DEADBEEF]", "[%18p]", (void *)0xDEADBEEF);
        CHECK_OUT("[00000000DEADBEEF  ]", "[%-18p]", (void *)0xDEADBEEF);
    }
    CHECK_OUT("(null)", "%s", (char *)NULL);
    CHECK_OUT("[  (null)]", "[%8s]", (char *)NULL);
    CHECK_OUT("(nu", "%.3s", (char *)NULL);
    /* unknown conversions are printed as written; a trailing '%' too */
    CHECK_OUT("%y %5k", "%y %5k");
    CHECK_OUT("100%", "100%");
    CHECK_OUT("a%-5", "a%-5");
    CHECK_OUT("%n", "%n", (int *)NULL);
}

HT_TEST(format_wide)
{
    static const WCHAR Hello[] = { 'H', 'e', 'l', 'l', 'o', 0 };
    static const WCHAR NonAscii[] = { 'a', 0xE9, 'b', 0x263A, 'c', 0 };
    static const WCHAR Unterminated[] = { 'x', 'y', 'z' };
    UNICODE_STRING String;
    WCHAR Path[] = { '\\', '?', '?', '\\', 'C', ':', 'Z', 'Z', 'Z' };

    CHECK_OUT("Hello", "%ws", Hello);
    CHECK_OUT("Hello", "%S", Hello);
    CHECK_OUT("Hello", "%ls", Hello);
    CHECK_OUT("[   Hello|Hello   |Hel]", "[%8ws|%-8S|%.3ws]", Hello, Hello, Hello);
    CHECK_OUT("a?b?c", "%ws", NonAscii);
    CHECK_OUT("(null)", "%ws", (PCWSTR)NULL);
    CHECK_OUT("xy", "%.2ws", Unterminated); /* stops at the precision */
    CHECK_OUT("A|B|?", "%wc|%C|%lc", (int)'A', (int)'B', 0x263A);
    CHECK_OUT("narrow|n|m", "%hs|%hc|%hC", "narrow", 'n', 'm'); /* h forces narrow, as in NT */
    CHECK_OUT("narrow", "%hS", "narrow");

    String.Buffer = Path;
    String.Length = 6 * sizeof(WCHAR); /* not terminated: the counted length rules */
    String.MaximumLength = sizeof(Path);
    CHECK_OUT("\\??\\C:", "%wZ", &String);
    CHECK_OUT("[   \\??\\C:]", "[%9wZ]", &String);
    CHECK_OUT("[\\??\\C:   ]", "[%-9wZ]", &String);
    CHECK_OUT("\\??", "%.3wZ", &String);
    CHECK_OUT("(null)", "%wZ", (PUNICODE_STRING)NULL);
    String.Buffer = NULL;
    CHECK_OUT("(null)", "%wZ", &String);
    String.Buffer = Path;
    String.Length = 0;
    CHECK_OUT("[]", "[%wZ]", &String);
    String.Length = 7; /* an odd byte count covers whole characters only */
    CHECK_OUT("\\??", "%wZ", &String);
    CHECK_OUT("name=Hello n=3 s=abc", "name=%ws n=%d s=%s", Hello, 3, "abc");
    CHECK_OUT("%Z", "%Z", &String); /* ANSI_STRING is not supported */
}

HT_TEST(format_truncation_always_terminates)
{
    static const WCHAR Wide[] = { 'x', 'y', 'z', 0 };
    char Buffer[20];

    for (size_t Size = 1; Size <= sizeof(Buffer); Size++) {
        memset(Buffer, 'Q', sizeof(Buffer));
        int Result = RtlFormatString(Buffer, Size, "%s-%d-%ws", "abcdef", 123456, Wide);
        HT_CHECK_EQ(17, Result);
        HT_CHECK_EQ(Size - 1 < 17 ? Size - 1 : 17, strlen(Buffer));
        for (size_t I = Size; I < sizeof(Buffer); I++) {
            HT_CHECK_EQ('Q', Buffer[I]); /* nothing written past Size */
        }
    }
    HT_CHECK_EQ(5, RtlFormatString(NULL, 0, "%d", 12345)); /* measuring */
    memset(Buffer, 'Q', sizeof(Buffer));
    HT_CHECK_EQ(5, RtlFormatString(Buffer, 0, "%d", 12345));
    HT_CHECK_EQ('Q', Buffer[0]);
}

/* RtlFormatStringV is the workhorse; check it through a caller of its own. */
static int FormatThroughV(char *Buffer, SIZE_T Size, const char *Format, ...)
{
    va_list Arguments;
    int Result;

    va_start(Arguments, Format);
    Result = RtlFormatStringV(Buffer, Size, Format, Arguments);
    va_end(Arguments);
    return Result;
}

HT_TEST(format_v_and_random_against_libc)
{
    char Got[64], Want[64];
    static const char *const Formats[] = { "%d", "%u", "%x", "%08X", "%-9i", "%+.4d", "%#o",
                                           "%12.7x", "% d", "%#-14x" };
    unsigned Seed = 12345;

    HT_CHECK_EQ(11, FormatThroughV(Got, sizeof(Got), "%s=%d", "abcd", -12345));
    HT_CHECK(strcmp(Got, "abcd=-12345") == 0);

    for (int I = 0; I < 20000; I++) {
        Seed = Seed * 1103515245u + 12345u;
        unsigned Value = Seed ^ (Seed >> 7) * 2654435761u;
        const char *Format = Formats[(Seed >> 20) % ARRAYSIZE(Formats)];
        unsigned long long Wide = ((unsigned long long)Value << 32 | (Seed >> 3)) >> (Seed % 64);
        int W = snprintf(Want, sizeof(Want), Format, Value);
        int G = FormatThroughV(Got, sizeof(Got), Format, Value);
        if (W != G || strcmp(Want, Got) != 0) {
            printf("[FAIL] %s with 0x%x: want \"%s\", got \"%s\"\n", Format, Value, Want, Got);
            ht_failed_now = 1;
            break;
        }
        W = snprintf(Want, sizeof(Want), "%llu|%lld|%llx", Wide, (long long)Wide, Wide);
        G = FormatThroughV(Got, sizeof(Got), "%llu|%lld|%llx", Wide, (long long)Wide, Wide);
        if (W != G || strcmp(Want, Got) != 0) {
            printf("[FAIL] 64-bit 0x%llx: want \"%s\", got \"%s\"\n", Wide, Want, Got);
            ht_failed_now = 1;
            break;
        }
    }
}

HT_TEST(unicode_strings)
{
    static const WCHAR Upper[] = { 'F', 'I', 'L', 'E', '.', 'T', 'X', 'T', 0 };
    static const WCHAR Mixed[] = { 'f', 'i', 'L', 'e', '.', 't', 'X', 't', 0 };
    static const WCHAR Shorter[] = { 'F', 'I', 'L', 'E', 0 };
    static const WCHAR Accent[] = { 0xE9, 0 }, AccentUpper[] = { 0xC9, 0 };
    static const WCHAR Empty[] = { 0 };
    UNICODE_STRING A, B, C, D, E;

    RtlInitUnicodeString(&A, Upper);
    HT_CHECK_EQ(16, A.Length);
    HT_CHECK_EQ(18, A.MaximumLength);
    HT_CHECK(A.Buffer == Upper);
    RtlInitUnicodeString(&B, Mixed);
    RtlInitUnicodeString(&C, Shorter);
    RtlInitUnicodeString(&E, Empty);
    HT_CHECK_EQ(0, E.Length);
    HT_CHECK_EQ(2, E.MaximumLength);
    RtlInitUnicodeString(&D, NULL);
    HT_CHECK(D.Length == 0 && D.MaximumLength == 0 && D.Buffer == NULL);

    HT_CHECK(RtlEqualUnicodeString(&A, &A, FALSE));
    HT_CHECK(!RtlEqualUnicodeString(&A, &B, FALSE));
    HT_CHECK(RtlEqualUnicodeString(&A, &B, TRUE));
    HT_CHECK(!RtlEqualUnicodeString(&A, &C, TRUE));
    HT_CHECK(RtlEqualUnicodeString(&D, &E, FALSE)); /* both empty */
    HT_CHECK(RtlPrefixUnicodeString(&C, &B, TRUE));
    HT_CHECK(!RtlPrefixUnicodeString(&C, &B, FALSE));
    HT_CHECK(!RtlPrefixUnicodeString(&A, &C, TRUE));
    HT_CHECK(RtlCompareUnicodeString(&A, &B, TRUE) == 0);
    HT_CHECK(RtlCompareUnicodeString(&A, &B, FALSE) < 0); /* 'F' < 'f' */
    HT_CHECK(RtlCompareUnicodeString(&C, &A, TRUE) < 0);  /* prefix sorts first */
    HT_CHECK(RtlCompareUnicodeString(&A, &C, TRUE) > 0);

    /* case folding is ASCII-only */
    HT_CHECK_EQ('A', RtlUpcaseUnicodeChar('a'));
    HT_CHECK_EQ('Z', RtlUpcaseUnicodeChar('z'));
    HT_CHECK_EQ('@', RtlUpcaseUnicodeChar('@'));
    HT_CHECK_EQ('{', RtlUpcaseUnicodeChar('{'));
    HT_CHECK_EQ('`', RtlUpcaseUnicodeChar('`'));
    HT_CHECK_EQ('a', RtlDowncaseUnicodeChar('A'));
    HT_CHECK_EQ('[', RtlDowncaseUnicodeChar('['));
    RtlInitUnicodeString(&A, Accent);
    RtlInitUnicodeString(&B, AccentUpper);
    HT_CHECK(!RtlEqualUnicodeString(&A, &B, TRUE));
}

HT_TEST(unicode_init_clamps_long_strings)
{
    static WCHAR Long[0x9000];

    for (size_t I = 0; I < ARRAYSIZE(Long) - 1; I++) {
        Long[I] = 'x';
    }
    UNICODE_STRING S;
    RtlInitUnicodeString(&S, Long);
    HT_CHECK_EQ(0xFFFC, S.Length);
    HT_CHECK_EQ(0xFFFE, S.MaximumLength);
    Long[0x7FFE] = 0;
    RtlInitUnicodeString(&S, Long);
    HT_CHECK_EQ(0xFFFC, S.Length);
    Long[0x7FFD] = 0;
    RtlInitUnicodeString(&S, Long);
    HT_CHECK_EQ(0xFFFA, S.Length);
    HT_CHECK_EQ(0xFFFC, S.MaximumLength);
}

HT_TEST(kernel_memory_routines)
{
    unsigned char Buffer[300], Reference[300], Source[48];

    for (int I = 0; I < 48; I++) {
        Source[I] = (unsigned char)(0xA0 + I);
    }

    for (int I = 0; I < 300; I++) {
        Buffer[I] = Reference[I] = (unsigned char)(I * 7 + 3);
    }
    /* every small length and alignment, forward and overlapping both ways */
    for (int Length = 0; Length < 40; Length++) {
        for (int From = 0; From < 8; From++) {
            for (int To = 0; To < 8; To++) {
                unsigned char Mine[80], Libc[80];
                for (int I = 0; I < 80; I++) Mine[I] = Libc[I] = (unsigned char)I;
                HT_CHECK(KtMemmove(Mine + To, Mine + From, Length) == Mine + To);
                memmove(Libc + To, Libc + From, Length);
                HT_CHECK(memcmp(Mine, Libc, 80) == 0);
                for (int I = 0; I < 80; I++) Mine[I] = Libc[I] = (unsigned char)I;
                HT_CHECK(KtMemcpy(Mine + To, Source + From, Length) == Mine + To);
                memcpy(Libc + To, Source + From, Length);
                HT_CHECK(memcmp(Mine, Libc, 80) == 0);
                HT_CHECK(KtMemset(Mine + To, 0x100 + From, Length) == Mine + To);
                memset(Libc + To, 0x100 + From, Length);
                HT_CHECK(memcmp(Mine, Libc, 80) == 0);
            }
        }
    }
    KtMemmove(Buffer + 1, Buffer, 299);
    memmove(Reference + 1, Reference, 299);
    HT_CHECK(memcmp(Buffer, Reference, 300) == 0);
    KtMemmove(Buffer, Buffer + 3, 297);
    memmove(Reference, Reference + 3, 297);
    HT_CHECK(memcmp(Buffer, Reference, 300) == 0);

    HT_CHECK(KtMemcmp("abc", "abd", 3) < 0);
    HT_CHECK(KtMemcmp("abd", "abc", 3) > 0);
    HT_CHECK(KtMemcmp("ab\x80", "ab\x01", 3) > 0); /* unsigned */
    HT_CHECK(KtMemcmp("abc", "abd", 2) == 0);
    HT_CHECK(KtMemcmp("x", "y", 0) == 0);
    /* the dword loop: every position of a difference, each length, against libc's sign */
    for (int Length = 0; Length <= 19; Length++)
        for (int At = 0; At < Length; At++)
            for (int Sign = -1; Sign <= 1; Sign += 2) {
                unsigned char A[24], B[24];
                for (int i = 0; i < 24; i++)
                    A[i] = B[i] = (unsigned char)(i * 37 + 5);
                B[At] = (unsigned char)(A[At] + Sign * 0x81);
                int Mine = KtMemcmp(A + 1, B + 1, Length - 1 > At ? Length - 1 : Length);
                int Libc = memcmp(A + 1, B + 1, Length - 1 > At ? Length - 1 : Length);
                HT_CHECK((Mine < 0) == (Libc < 0) && (Mine > 0) == (Libc > 0));
                HT_CHECK(KtMemcmp(A, A, Length) == 0);
            }
    const char *Hello = "hello";
    HT_CHECK(KtMemchr(Hello, 'l', 5) == Hello + 2);
    HT_CHECK(KtMemchr(Hello, 'z', 5) == NULL);
    HT_CHECK(KtMemchr(Hello, 'o', 4) == NULL);
}

HT_TEST(kernel_string_routines)
{
    const char *Text = "path\\to\\file";
    char Copy[32];
    static const WCHAR W1[] = { 'a', 'b', 0 }, W2[] = { 'a', 'c', 0 }, W3[] = { 'a', 0 };

    HT_CHECK_EQ(0, KtStrlen(""));
    HT_CHECK_EQ(12, KtStrlen(Text));
    HT_CHECK_EQ(4, KtStrnlen(Text, 4));
    HT_CHECK_EQ(12, KtStrnlen(Text, 100));
    HT_CHECK(KtStrcpy(Copy, Text) == Copy);
    HT_CHECK(strcmp(Copy, Text) == 0);
    HT_CHECK_EQ(0, KtStrcmp(Copy, Text));
    HT_CHECK(KtStrcmp("abc", "abd") < 0);
    HT_CHECK(KtStrcmp("abc", "ab") > 0);
    HT_CHECK(KtStrcmp("ab", "abc") < 0);
    HT_CHECK(KtStrcmp("\xff", "a") > 0);
    HT_CHECK_EQ(Sign(strcmp("hello", "help")), Sign(KtStrcmp("hello", "help")));
    HT_CHECK_EQ(0, KtStrncmp("abcX", "abcY", 3));
    HT_CHECK(KtStrncmp("abcX", "abcY", 4) < 0);
    HT_CHECK_EQ(0, KtStrncmp("ab", "ab", 10));
    HT_CHECK(KtStrncmp("ab", "abc", 10) < 0);
    HT_CHECK(KtStrchr(Text, '\\') == Text + 4);
    HT_CHECK(KtStrrchr(Text, '\\') == Text + 7);
    HT_CHECK(KtStrchr(Text, 'q') == NULL);
    HT_CHECK(KtStrrchr(Text, 'q') == NULL);
    HT_CHECK(KtStrchr(Text, 0) == Text + 12);
    HT_CHECK_EQ(2, KtWcslen(W1));
    HT_CHECK_EQ(0, KtWcscmp(W1, W1));
    HT_CHECK(KtWcscmp(W1, W2) < 0);
    HT_CHECK(KtWcscmp(W1, W3) > 0);
    /* the host's inline 16-bit versions from rtl.h agree */
    HT_CHECK_EQ(2, RtlpHostWcslen(W1));
    HT_CHECK(RtlpHostWcscmp(W3, W1) < 0);
}

HT_MAIN()

/*
 * testlib.h - the in-guest test harness (docs/spec.md §10): each test prints "[RUN] name", then "[OK] name"
 * or "[FAIL] name: why"; TL_FINISH prints "N passed, N failed" and returns the exit status.
 *
 *   TL_TEST(name) { TL_CHECK(x == 1); TL_CHECK_EQ(expected, got); }
 *   int main(void) { TL_RUN(name); ...; TL_FINISH(); }
 */
#ifndef NANONT_TESTLIB_H
#define NANONT_TESTLIB_H

#include "ntdll.h"

int printf(const char *Format, ...) __attribute__((format(printf, 1, 2)));

static int TlPassed, TlFailed, TlCurrentFailed;
static const char *TlCurrent;

#define TL_TEST(name) static void name(void)

#define TL_RUN(name) do { \
        TlCurrent = #name; TlCurrentFailed = 0; \
        printf("[RUN] %s\n", #name); \
        name(); \
        if (TlCurrentFailed) TlFailed++; \
        else { TlPassed++; printf("[OK] %s\n", #name); } \
    } while (0)

#define TL_FAIL(...) do { \
        if (!TlCurrentFailed) printf("[FAIL] %s: ", TlCurrent); else printf("       "); \
        printf(__VA_ARGS__); printf(" (%s:%d)\n", __FILE__, __LINE__); \
        TlCurrentFailed = 1; \
    } while (0)

#define TL_CHECK(cond) do { if (!(cond)) TL_FAIL("%s", #cond); } while (0)

#define TL_CHECK_EQ(expected, got) do { \
        unsigned long long tl_e = (unsigned long long)(expected), tl_g = (unsigned long long)(got); \
        if (tl_e != tl_g) TL_FAIL("%s: expected 0x%llx, got 0x%llx", #got, tl_e, tl_g); \
    } while (0)

#define TL_FINISH() do { \
        printf("%d passed, %d failed\n", TlPassed, TlFailed); \
        return TlFailed ? 1 : 0; \
    } while (0)

#endif

/*
 * hosttest.h - a tiny unit-test harness for host tests (built with gcc -m32 like the kernel).
 *
 * Each test is a function registered with HT_TEST; HT_MAIN runs them all and prints docs/spec.md §10's
 * "[RUN]/[OK]/[FAIL]" lines and the closing "N passed, N failed"; the exit status is non-zero on
 * any failure. HT_CHECK records a failure with what was expected and what was got.
 */
#ifndef NANONT_HOSTTEST_H
#define NANONT_HOSTTEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*ht_fn)(void);
struct ht_case { const char *name; ht_fn fn; };

static int ht_failed_now __attribute__((unused));
static struct ht_case ht_cases[512] __attribute__((unused));
static int ht_ncases __attribute__((unused));

#define HT_TEST(test) \
    static void test(void); \
    __attribute__((constructor)) static void ht_reg_##test(void) { \
        ht_cases[ht_ncases].name = #test; ht_cases[ht_ncases++].fn = test; } \
    static void test(void)

#define HT_CHECK(cond) do { if (!(cond)) { \
    printf("[FAIL] %s:%d: %s\n", __FILE__, __LINE__, #cond); ht_failed_now = 1; } } while (0)

#define HT_CHECK_EQ(expected, got) do { \
    unsigned long long ht_e = (unsigned long long)(expected), ht_g = (unsigned long long)(got); \
    if (ht_e != ht_g) { printf("[FAIL] %s:%d: %s: expected 0x%llx, got 0x%llx\n", \
        __FILE__, __LINE__, #got, ht_e, ht_g); ht_failed_now = 1; } } while (0)

#define HT_MAIN() \
    int main(void) { \
        int passed = 0, failed = 0; \
        for (int i = 0; i < ht_ncases; i++) { \
            printf("[RUN] %s\n", ht_cases[i].name); \
            ht_failed_now = 0; \
            ht_cases[i].fn(); \
            if (ht_failed_now) { failed++; printf("[FAIL] %s\n", ht_cases[i].name); } \
            else { passed++; printf("[OK] %s\n", ht_cases[i].name); } \
        } \
        printf("%d passed, %d failed\n", passed, failed); \
        return failed ? 1 : 0; \
    }

#endif

/*
 * test_pfn.c - host tests for the physical page allocator (mm/pfnalloc.c), with KeBugCheckEx
 * played by a longjmp back into the test.
 */
#include <setjmp.h>
#include "hosttest.h"
#include "ntstatus.h"
#include "pfn.h"

static jmp_buf BugCheckJump;
static int BugCheckArmed;
static ULONG_PTR BugCheckCode, BugCheckParameters[4];

DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG Code, ULONG_PTR P1, ULONG_PTR P2, ULONG_PTR P3,
                                    ULONG_PTR P4)
{
    BugCheckCode = Code;
    BugCheckParameters[0] = P1;
    BugCheckParameters[1] = P2;
    BugCheckParameters[2] = P3;
    BugCheckParameters[3] = P4;
    if (!BugCheckArmed) {
        printf("unexpected *** STOP: 0x%08X (0x%lX,0x%lX,0x%lX,0x%lX)\n", Code, (unsigned long)P1,
               (unsigned long)P2, (unsigned long)P3, (unsigned long)P4);
        fflush(stdout);
        abort();
    }
    BugCheckArmed = 0;
    longjmp(BugCheckJump, 1);
}

/* Run Statement expecting PFN_LIST_CORRUPT(0x99, Pfn, Why, 0). */
#define EXPECT_BAD_FREE(Pfn, Why, Statement) do { \
    BugCheckCode = 0; \
    if (setjmp(BugCheckJump) == 0) { \
        BugCheckArmed = 1; \
        Statement; \
        BugCheckArmed = 0; \
        printf("[FAIL] %s:%d: %s did not bugcheck\n", __FILE__, __LINE__, #Statement); \
        ht_failed_now = 1; \
    } else { \
        HT_CHECK_EQ(PFN_LIST_CORRUPT, BugCheckCode); \
        HT_CHECK_EQ(PFN_LIST_CORRUPT_BAD_FREE, BugCheckParameters[0]); \
        HT_CHECK_EQ((Pfn), BugCheckParameters[1]); \
        HT_CHECK_EQ((Why), BugCheckParameters[2]); \
    } \
} while (0)

#define PAGES 1000 /* not a multiple of 32: the tail of the last word must stay unusable */
static ULONG Bitmap[MI_PFN_BITMAP_ULONGS(PAGES) + 1];
static UCHAR Taken[PAGES];

/* A machine like a small PC: low memory, a hole, RAM from 1 MB with the kernel in it. */
static void SetUpMachine(void)
{
    Bitmap[MI_PFN_BITMAP_ULONGS(PAGES)] = 0x5A5A5A5A; /* guard word after the bitmap */
    MiInitializePfnAllocator(Bitmap, PAGES);
    MiReleasePhysicalRange(0, 0xA0);        /* 0 - 640 KB, PFN 0 must stay out */
    MiReleasePhysicalRange(0x100, PAGES);   /* 1 MB up, clipped to the bitmap */
    MiReservePhysicalRange(0x100, 0x40);    /* the kernel image */
    MiReservePhysicalRange(0x200, 3);       /* a boot module */
    memset(Taken, 0, sizeof(Taken));
}

#define FREE_AFTER_SETUP (0xA0 - 1 + (PAGES - 0x100) - 0x40 - 3)

static int IsReserved(ULONG Pfn)
{
    return Pfn == 0 || (Pfn >= 0xA0 && Pfn < 0x140) || (Pfn >= 0x200 && Pfn < 0x203) ||
           Pfn >= PAGES;
}

HT_TEST(pfn_bookkeeping)
{
    SetUpMachine();
    HT_CHECK_EQ(PAGES, MiQueryTotalPages());
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());

    /* releasing or reserving twice changes nothing more; ranges beyond the bitmap are ignored */
    MiReleasePhysicalRange(0x150, 10);
    MiReservePhysicalRange(0xA0, 5);
    MiReleasePhysicalRange(PAGES, 100);
    MiReleasePhysicalRange(0xFFFFFFF0, 0x20);
    MiReservePhysicalRange(0xFFFFFFF0, 0x20);
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());

    ULONG A = MiAllocatePhysicalPage(), B = MiAllocatePhysicalPage();
    HT_CHECK(A != 0 && B != 0 && A != B);
    HT_CHECK(!IsReserved(A) && !IsReserved(B));
    HT_CHECK_EQ(FREE_AFTER_SETUP - 2, MiQueryFreePages());
    MiFreePhysicalPage(A);
    HT_CHECK_EQ(FREE_AFTER_SETUP - 1, MiQueryFreePages());
    MiFreePhysicalPage(B);
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());
    HT_CHECK_EQ(0x5A5A5A5A, Bitmap[MI_PFN_BITMAP_ULONGS(PAGES)]);
}

HT_TEST(pfn_exhaustion_never_gives_reserved)
{
    ULONG Count = 0, Pfn;

    SetUpMachine();
    while ((Pfn = MiAllocatePhysicalPage()) != 0) {
        HT_CHECK(Pfn < PAGES);
        if (Pfn >= PAGES) {
            return;
        }
        HT_CHECK(!IsReserved(Pfn));
        HT_CHECK_EQ(0, Taken[Pfn]); /* never handed out twice */
        Taken[Pfn] = 1;
        Count++;
    }
    HT_CHECK_EQ(FREE_AFTER_SETUP, Count);
    HT_CHECK_EQ(0, MiQueryFreePages());
    HT_CHECK_EQ(0, MiAllocatePhysicalPage()); /* stays exhausted */
    ULONG First = 0xDEAD;
    HT_CHECK_EQ(STATUS_NO_MEMORY, MiAllocateContiguousPages(1, &First));
    HT_CHECK_EQ(0xDEAD, First);

    /* give one back: it is the one found next, wherever the hint is */
    MiFreePhysicalPage(0x150);
    HT_CHECK_EQ(0x150, MiAllocatePhysicalPage());
    for (Pfn = 1; Pfn < PAGES; Pfn++) {
        if (Taken[Pfn]) {
            MiFreePhysicalPage(Pfn);
        }
    }
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());
    HT_CHECK_EQ(0x5A5A5A5A, Bitmap[MI_PFN_BITMAP_ULONGS(PAGES)]);
}

HT_TEST(pfn_next_fit)
{
    SetUpMachine();
    ULONG A = MiAllocatePhysicalPage();
    ULONG B = MiAllocatePhysicalPage();
    HT_CHECK_EQ(A + 1, B);
    MiFreePhysicalPage(A); /* behind the hint: not reused at once */
    ULONG C = MiAllocatePhysicalPage();
    HT_CHECK_EQ(B + 1, C);
    MiFreePhysicalPage(B);
    MiFreePhysicalPage(C);
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());
}

HT_TEST(pfn_contiguous)
{
    ULONG First = 0, Second = 0, Third = 0;

    SetUpMachine();
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER, MiAllocateContiguousPages(0, &First));
    /* the largest free run is 0x203..PAGES-1; 0x140..0x1FF is 0xC0 long */
    HT_CHECK_EQ(STATUS_NO_MEMORY, MiAllocateContiguousPages(PAGES - 0x203 + 1, &First));
    HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(PAGES - 0x203, &First));
    HT_CHECK_EQ(0x203, First);
    HT_CHECK_EQ(STATUS_NO_MEMORY, MiAllocateContiguousPages(0xC1, &Second));
    HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(0xC0, &Second));
    HT_CHECK_EQ(0x140, Second);
    /* what is left is 1..0x9F */
    HT_CHECK_EQ(STATUS_NO_MEMORY, MiAllocateContiguousPages(0xA0, &Third));
    HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(0x9F, &Third));
    HT_CHECK_EQ(1, Third);
    HT_CHECK_EQ(0, MiQueryFreePages());

    /* a run behind the place the last search ended is found too */
    MiFreeContiguousPages(Third + 0x10, 8);
    HT_CHECK_EQ(8, MiQueryFreePages());
    HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(8, &Third));
    HT_CHECK_EQ(0x11, Third);
    /* and single pages come from the one free run */
    MiFreeContiguousPages(Second, 0xC0);
    HT_CHECK_EQ(0xC0, MiQueryFreePages());
    ULONG Single = MiAllocatePhysicalPage();
    HT_CHECK(Single >= 0x140 && Single < 0x200);
    MiFreePhysicalPage(Single);
    MiFreeContiguousPages(First, PAGES - 0x203);
    MiFreeContiguousPages(1, 0x9F);
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());

    /* runs that straddle a word boundary and the place the last search ended */
    for (ULONG Size = 1; Size < 70; Size += 3) {
        ULONG A, B;
        HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(Size, &A));
        HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(Size, &B));
        for (ULONG Pfn = A; Pfn < A + Size; Pfn++) {
            HT_CHECK(!IsReserved(Pfn));
        }
        HT_CHECK(B >= A + Size || B + Size <= A);
        MiFreeContiguousPages(A, Size);
        MiFreeContiguousPages(B, Size);
    }
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());
}

HT_TEST(pfn_bad_frees_detected)
{
    ULONG First;

    SetUpMachine();
    ULONG Pfn = MiAllocatePhysicalPage();
    MiFreePhysicalPage(Pfn);
    EXPECT_BAD_FREE(Pfn, MI_PFN_ALREADY_FREE, MiFreePhysicalPage(Pfn));
    EXPECT_BAD_FREE(0, MI_PFN_NOT_MANAGED, MiFreePhysicalPage(0));
    EXPECT_BAD_FREE(PAGES, MI_PFN_NOT_MANAGED, MiFreePhysicalPage(PAGES));
    EXPECT_BAD_FREE(0xFFFFFFFF, MI_PFN_NOT_MANAGED, MiFreePhysicalPage(0xFFFFFFFF));
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());

    /* a contiguous free with one free frame inside changes nothing before it bugchecks */
    HT_CHECK_EQ(STATUS_SUCCESS, MiAllocateContiguousPages(10, &First));
    MiFreePhysicalPage(First + 6);
    EXPECT_BAD_FREE(First + 6, MI_PFN_ALREADY_FREE, MiFreeContiguousPages(First, 10));
    HT_CHECK_EQ(FREE_AFTER_SETUP - 9, MiQueryFreePages());
    MiReservePhysicalRange(PAGES - 2, 2);
    EXPECT_BAD_FREE(PAGES, MI_PFN_NOT_MANAGED, MiFreeContiguousPages(PAGES - 2, 4));
    MiReleasePhysicalRange(PAGES - 2, 2);
    MiFreeContiguousPages(First, 6);
    MiFreeContiguousPages(First + 7, 3);
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());
}

HT_TEST(pfn_random_against_model)
{
    static ULONG Live[PAGES];
    ULONG LiveCount = 0, Seed = 4242, Runs[64][2], RunCount = 0;

    SetUpMachine();
    for (int Step = 0; Step < 200000; Step++) {
        Seed = Seed * 1664525u + 1013904223u;
        ULONG Choice = Seed >> 28;
        if (Choice < 7) {
            ULONG Pfn = MiAllocatePhysicalPage();
            if (Pfn == 0) {
                HT_CHECK_EQ(0, MiQueryFreePages());
                continue;
            }
            HT_CHECK(Pfn < PAGES && !IsReserved(Pfn) && !Taken[Pfn]);
            if (Pfn >= PAGES || Taken[Pfn]) {
                return;
            }
            Taken[Pfn] = 1;
            Live[LiveCount++] = Pfn;
        } else if (Choice < 9 && RunCount < 64) {
            ULONG Size = 1 + (Seed >> 8) % 40, First;
            if (MiAllocateContiguousPages(Size, &First) == STATUS_SUCCESS) {
                for (ULONG Pfn = First; Pfn < First + Size; Pfn++) {
                    HT_CHECK(Pfn < PAGES && !IsReserved(Pfn) && !Taken[Pfn]);
                    if (Pfn >= PAGES) {
                        return;
                    }
                    Taken[Pfn] = 1;
                }
                Runs[RunCount][0] = First;
                Runs[RunCount++][1] = Size;
            }
        } else if (Choice < 11 && RunCount > 0) {
            ULONG Index = (Seed >> 8) % RunCount;
            MiFreeContiguousPages(Runs[Index][0], Runs[Index][1]);
            for (ULONG Pfn = Runs[Index][0]; Pfn < Runs[Index][0] + Runs[Index][1]; Pfn++) {
                Taken[Pfn] = 0;
            }
            Runs[Index][0] = Runs[RunCount - 1][0];
            Runs[Index][1] = Runs[--RunCount][1];
        } else if (LiveCount > 0) {
            ULONG Index = (Seed >> 8) % LiveCount;
            MiFreePhysicalPage(Live[Index]);
            Taken[Live[Index]] = 0;
            Live[Index] = Live[--LiveCount];
        }
        ULONG InUse = LiveCount;
        for (ULONG I = 0; I < RunCount; I++) {
            InUse += Runs[I][1];
        }
        if (MiQueryFreePages() != FREE_AFTER_SETUP - InUse) {
            HT_CHECK_EQ(FREE_AFTER_SETUP - InUse, MiQueryFreePages());
            return;
        }
    }
    while (LiveCount > 0) {
        MiFreePhysicalPage(Live[--LiveCount]);
    }
    while (RunCount > 0) {
        RunCount--;
        MiFreeContiguousPages(Runs[RunCount][0], Runs[RunCount][1]);
    }
    HT_CHECK_EQ(FREE_AFTER_SETUP, MiQueryFreePages());
    HT_CHECK_EQ(0x5A5A5A5A, Bitmap[MI_PFN_BITMAP_ULONGS(PAGES)]);
}

HT_MAIN()

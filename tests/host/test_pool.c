/*
 * test_pool.c - host tests for the executive pool (mm/pool.c).
 *
 * The test plays the memory manager (MiAllocatePoolPages / MiFreePoolPages over aligned_alloc,
 * checking that every page run comes back exactly once) and the kernel's KeBugCheckEx, which
 * longjmps back into the test so that the detection of bad frees can be checked.
 */
#include <setjmp.h>
#include <stdint.h>
#include "hosttest.h"
#include "pool.h"
#include "rtl.h"

#define PAGE 4096
#define TAG_A POOL_TAG('T', 's', 't', 'A')
#define TAG_B POOL_TAG('T', 's', 't', 'B')

/* ---- the memory manager, played by libc */

typedef struct { void *Base; ULONG Count; } PAGE_RUN;
static PAGE_RUN Runs[200000];
static ULONG RunCount, PagesOut, PageLimit = 0xFFFFFFFF, PageErrors;

PVOID MiAllocatePoolPages(ULONG PageCount)
{
    if (PageCount == 0 || PagesOut + PageCount > PageLimit || RunCount == ARRAYSIZE(Runs)) {
        return NULL;
    }
    void *Base = aligned_alloc(PAGE, (size_t)PageCount * PAGE);
    if (Base == NULL) {
        return NULL;
    }
    memset(Base, 0xCC, (size_t)PageCount * PAGE); /* the pool must not expect zeroed pages */
    Runs[RunCount++] = (PAGE_RUN){ Base, PageCount };
    PagesOut += PageCount;
    return Base;
}

VOID MiFreePoolPages(PVOID Base, ULONG PageCount)
{
    for (ULONG I = RunCount; I-- > 0;) {
        if (Runs[I].Base == Base) {
            if (Runs[I].Count != PageCount) {
                printf("MiFreePoolPages(%p, %u): allocated with %u pages\n", Base, PageCount,
                       Runs[I].Count);
                PageErrors++;
            }
            PagesOut -= Runs[I].Count;
            Runs[I] = Runs[--RunCount];
            memset(Base, 0xEE, (size_t)PageCount * PAGE); /* use after free shows up */
            free(Base);
            return;
        }
    }
    printf("MiFreePoolPages(%p, %u): not an allocated run\n", Base, PageCount);
    PageErrors++;
}

/* ---- the kernel's bugcheck, played by longjmp */

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

/* Run Statement expecting a bugcheck Code with first parameter Sub; TRUE if it happened so. */
#define EXPECT_BUGCHECK(Code, Sub, Statement) do { \
    BugCheckCode = 0; \
    if (setjmp(BugCheckJump) == 0) { \
        BugCheckArmed = 1; \
        Statement; \
        BugCheckArmed = 0; \
        printf("[FAIL] %s:%d: %s did not bugcheck\n", __FILE__, __LINE__, #Statement); \
        ht_failed_now = 1; \
    } else { \
        HT_CHECK_EQ((Code), BugCheckCode); \
        HT_CHECK_EQ((Sub), BugCheckParameters[0]); \
    } \
} while (0)

/* ---- helpers */

static ULONG RandomState;
static ULONG Random(void)
{
    RandomState ^= RandomState << 13;
    RandomState ^= RandomState >> 17;
    RandomState ^= RandomState << 5;
    return RandomState;
}

static void Fill(UCHAR *Block, SIZE_T Size, ULONG Seed)
{
    for (SIZE_T I = 0; I < Size; I++) {
        Block[I] = (UCHAR)(Seed + I * 31 + (I >> 8));
    }
}

static int Intact(const UCHAR *Block, SIZE_T Size, ULONG Seed)
{
    for (SIZE_T I = 0; I < Size; I++) {
        if (Block[I] != (UCHAR)(Seed + I * 31 + (I >> 8))) {
            return 0;
        }
    }
    return 1;
}

/* Check that the pool is back where Start found it, with Count allocations made and freed. */
static void CheckIdle(const EX_POOL_USAGE *Start, ULONG Count)
{
    EX_POOL_USAGE Now;

    ExQueryPoolUsage(&Now);
    HT_CHECK_EQ(Start->BytesInUse, Now.BytesInUse);
    HT_CHECK_EQ(Start->AllocationsInUse, Now.AllocationsInUse);
    HT_CHECK_EQ(Start->PagesInUse, Now.PagesInUse);
    HT_CHECK_EQ(Start->TotalAllocations + Count, Now.TotalAllocations);
    HT_CHECK_EQ(Start->TotalFrees + Count, Now.TotalFrees);
    HT_CHECK_EQ(0, PagesOut);
    HT_CHECK_EQ(0, PageErrors);
}

/* ---- tests */

HT_TEST(pool_basic)
{
    EX_POOL_USAGE Start, Now;
    static const SIZE_T Sizes[] = { 1, 7, 8, 9, 16, 100, 500, 1000, 2000, EX_POOL_SMALL_MAXIMUM,
                                    EX_POOL_SMALL_MAXIMUM + 1, 4096, 4097, 70000 };
    PVOID Blocks[ARRAYSIZE(Sizes)];

    ExQueryPoolUsage(&Start);
    HT_CHECK(ExAllocatePoolWithTag(NonPagedPool, 0, TAG_A) == NULL);
    HT_CHECK(ExAllocatePoolWithTag(NonPagedPool, EX_POOL_MAXIMUM_ALLOCATION + 1, TAG_A) == NULL);
    HT_CHECK(ExAllocatePoolWithTag(PagedPool, ~(SIZE_T)0, TAG_A) == NULL);
    HT_CHECK(ExAllocatePoolWithTag(PagedPool, ~(SIZE_T)0 - 4000, TAG_A) == NULL);

    for (size_t I = 0; I < ARRAYSIZE(Sizes); I++) {
        Blocks[I] = ExAllocatePoolWithTag(I & 1 ? PagedPool : NonPagedPool, Sizes[I], TAG_A);
        HT_CHECK(Blocks[I] != NULL);
        if (Blocks[I] == NULL) {
            return;
        }
        HT_CHECK_EQ(0, (ULONG_PTR)Blocks[I] & 7);
        if (Sizes[I] > EX_POOL_SMALL_MAXIMUM) {
            HT_CHECK_EQ(0, (ULONG_PTR)Blocks[I] & (PAGE - 1)); /* big blocks are page-aligned */
        }
        Fill(Blocks[I], Sizes[I], (ULONG)I);
    }
    ExQueryPoolUsage(&Now);
    HT_CHECK_EQ(Start.AllocationsInUse + ARRAYSIZE(Sizes), Now.AllocationsInUse);
    HT_CHECK(Now.BytesInUse > Start.BytesInUse + 70000);
    HT_CHECK_EQ(Now.BytesInUse - Start.BytesInUse, ExQueryPoolTagUsage(TAG_A));
    HT_CHECK_EQ(Now.PagesInUse, PagesOut);
    HT_CHECK_EQ(0, ExQueryPoolTagUsage(TAG_B));

    for (size_t I = 0; I < ARRAYSIZE(Sizes); I++) {
        HT_CHECK(Intact(Blocks[I], Sizes[I], (ULONG)I));
        if (I & 1) {
            ExFreePool(Blocks[I]);
        } else {
            ExFreePoolWithTag(Blocks[I], TAG_A);
        }
    }
    HT_CHECK_EQ(0, ExQueryPoolTagUsage(TAG_A));
    CheckIdle(&Start, ARRAYSIZE(Sizes));
}

HT_TEST(pool_zeroed_and_tag_accounting)
{
    EX_POOL_USAGE Start;
    UCHAR *Dirty, *Clean, *Big;

    ExQueryPoolUsage(&Start);
    Dirty = ExAllocatePoolWithTag(NonPagedPool, 200, TAG_A);
    Big = ExAllocatePoolWithTag(NonPagedPool, 3 * PAGE + 1, TAG_B);
    HT_CHECK(Dirty != NULL && Big != NULL);
    memset(Dirty, 0xAB, 200);
    HT_CHECK_EQ(4 * PAGE, ExQueryPoolTagUsage(TAG_B));
    HT_CHECK_EQ(256, ExQueryPoolTagUsage(TAG_A)); /* 200 + header, in the 256-byte bucket */
    ExFreePoolWithTag(Dirty, TAG_A);
    HT_CHECK_EQ(0, ExQueryPoolTagUsage(TAG_A));

    Clean = ExAllocatePoolZero(NonPagedPool, 200, TAG_A);
    HT_CHECK(Clean != NULL);
    for (int I = 0; Clean != NULL && I < 200; I++) {
        HT_CHECK_EQ(0, Clean[I]);
    }
    ExFreePool(Clean);
    ExFreePoolWithTag(Big, TAG_B);
    HT_CHECK_EQ(0, ExQueryPoolTagUsage(TAG_B));
    CheckIdle(&Start, 3);
}

/*
 * The soak: 100,000 allocations and frees of random sizes (fixed seed), in phases that alternately
 * fill towards thousands of live blocks and drain; every block's contents are checked on free.
 */
HT_TEST(pool_random_stress)
{
    enum { SLOTS = 4000, OPERATIONS = 100000, PHASE = 12500 };
    static struct { UCHAR *Block; SIZE_T Size; ULONG Tag, Seed; } Live[SLOTS];
    EX_POOL_USAGE Start, Peak;
    ULONG Allocations = 0, Frees = 0, Corrupt = 0, MaximumPages = 0, MaximumLive = 0, LiveCount = 0;

    RandomState = 0x2545F491;
    ExQueryPoolUsage(&Start);
    while (Allocations + Frees < OPERATIONS) {
        ULONG Slot = Random() % SLOTS, Kind = Random() % 100;
        /* filling phases allocate 3 times in 4, draining phases free 3 times in 4 */
        BOOLEAN Filling = ((Allocations + Frees) / PHASE) % 2 == 0;
        BOOLEAN Allocate = Filling ? (Random() % 4 != 0) : (Random() % 4 == 0);

        if (Live[Slot].Block != NULL) {
            if (!Allocate) {
                Corrupt += !Intact(Live[Slot].Block, Live[Slot].Size, Live[Slot].Seed);
                ExFreePoolWithTag(Live[Slot].Block, Live[Slot].Tag);
                Live[Slot].Block = NULL;
                Frees++;
                LiveCount--;
            }
            continue;
        }
        if (!Allocate) {
            continue;
        }
        SIZE_T Size = Kind < 70 ? 1 + Random() % 128
                    : Kind < 92 ? 1 + Random() % EX_POOL_SMALL_MAXIMUM
                    : Kind < 99 ? 1 + Random() % (4 * PAGE)
                                : 1 + Random() % (64 * 1024);
        ULONG Tag = POOL_TAG('S', 't', 'r', '0' + Random() % 10);
        Live[Slot].Block = ExAllocatePoolWithTag(Random() & 1, Size, Tag);
        HT_CHECK(Live[Slot].Block != NULL);
        if (Live[Slot].Block == NULL) {
            return;
        }
        Live[Slot].Size = Size;
        Live[Slot].Tag = Tag;
        Live[Slot].Seed = Random();
        Fill(Live[Slot].Block, Size, Live[Slot].Seed);
        Allocations++;
        if (++LiveCount > MaximumLive) {
            MaximumLive = LiveCount;
        }
        if (PagesOut > MaximumPages) {
            MaximumPages = PagesOut;
        }
    }
    ExQueryPoolUsage(&Peak);
    HT_CHECK_EQ(Peak.PagesInUse, PagesOut);
    HT_CHECK_EQ(LiveCount, Peak.AllocationsInUse - Start.AllocationsInUse);
    for (ULONG Slot = 0; Slot < SLOTS; Slot++) {
        if (Live[Slot].Block != NULL) {
            Corrupt += !Intact(Live[Slot].Block, Live[Slot].Size, Live[Slot].Seed);
            ExFreePool(Live[Slot].Block);
            Live[Slot].Block = NULL;
        }
    }
    printf("  %u allocations, %u live at most, %u pages at most\n", Allocations, MaximumLive,
           MaximumPages);
    HT_CHECK_EQ(0, Corrupt);
    HT_CHECK(MaximumLive > 2000);
    HT_CHECK(MaximumPages > 300); /* the page table had to grow past its static array */
    for (int Digit = 0; Digit < 10; Digit++) {
        HT_CHECK_EQ(0, ExQueryPoolTagUsage(POOL_TAG('S', 't', 'r', '0' + Digit)));
    }
    CheckIdle(&Start, Allocations);
}

/* Twenty thousand small blocks live at once, freed in a shuffled order. */
HT_TEST(pool_many_live_shuffled)
{
    enum { COUNT = 20000 };
    static UCHAR *Blocks[COUNT];
    static ULONG Order[COUNT];
    EX_POOL_USAGE Start;

    RandomState = 0x9E3779B9;
    ExQueryPoolUsage(&Start);
    for (ULONG I = 0; I < COUNT; I++) {
        SIZE_T Size = 1 + (I * 37) % 600;
        Blocks[I] = ExAllocatePoolWithTag(NonPagedPool, Size, TAG_B);
        HT_CHECK(Blocks[I] != NULL);
        if (Blocks[I] == NULL) {
            return;
        }
        Fill(Blocks[I], Size, I);
        Order[I] = I;
    }
    for (ULONG I = COUNT - 1; I > 0; I--) {
        ULONG J = Random() % (I + 1), T = Order[I];
        Order[I] = Order[J];
        Order[J] = T;
    }
    for (ULONG I = 0; I < COUNT; I++) {
        ULONG K = Order[I];
        HT_CHECK(Intact(Blocks[K], 1 + (K * 37) % 600, K));
        ExFreePoolWithTag(Blocks[K], TAG_B);
    }
    CheckIdle(&Start, COUNT);
}

HT_TEST(pool_double_free_detected)
{
    EX_POOL_USAGE Start;
    PVOID Keep, Small, Big;

    ExQueryPoolUsage(&Start);
    Keep = ExAllocatePoolWithTag(NonPagedPool, 40, TAG_A); /* keeps the page alive */
    Small = ExAllocatePoolWithTag(NonPagedPool, 40, TAG_A);
    ExFreePoolWithTag(Small, TAG_A);
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_DOUBLE_FREE, ExFreePoolWithTag(Small, TAG_A));
    HT_CHECK_EQ((ULONG_PTR)Small, BugCheckParameters[1]);
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_DOUBLE_FREE, ExFreePool(Small));
    ExFreePool(Keep);
    /* the page is gone now: the same pointer is no longer the pool's at all */
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, ExFreePool(Small));

    Keep = ExAllocatePoolWithTag(NonPagedPool, 3 * PAGE, TAG_A); /* other pages stay registered */
    Big = ExAllocatePoolWithTag(NonPagedPool, 5 * PAGE, TAG_A);
    ExFreePool(Big);
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, ExFreePool(Big));
    ExFreePool(Keep);
    CheckIdle(&Start, 4);
}

HT_TEST(pool_tag_mismatch_detected)
{
    EX_POOL_USAGE Start;
    PVOID Small, Big;

    ExQueryPoolUsage(&Start);
    Small = ExAllocatePoolWithTag(NonPagedPool, 100, TAG_A);
    Big = ExAllocatePoolWithTag(PagedPool, 10000, TAG_A);
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_TAG_MISMATCH, ExFreePoolWithTag(Small, TAG_B));
    HT_CHECK_EQ(TAG_B, BugCheckParameters[2]);
    HT_CHECK_EQ(TAG_A, BugCheckParameters[3]);
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_TAG_MISMATCH, ExFreePoolWithTag(Big, TAG_B));
    /* nothing changed: the right tag still frees them */
    ExFreePoolWithTag(Small, TAG_A);
    ExFreePoolWithTag(Big, TAG_A);
    CheckIdle(&Start, 2);
}

HT_TEST(pool_foreign_pointers_detected)
{
    EX_POOL_USAGE Start;
    int OnStack;
    void *FromLibc = aligned_alloc(PAGE, PAGE);
    UCHAR *Small, *Big;

    ExQueryPoolUsage(&Start);
    Small = ExAllocatePoolWithTag(NonPagedPool, 64, TAG_A);
    Big = ExAllocatePoolWithTag(NonPagedPool, 3 * PAGE, TAG_A);

    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, ExFreePool(&OnStack));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, ExFreePool(FromLibc));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, ExFreePool(NULL));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, ExFreePool(Big + PAGE));
    /* inside pool pages, but not where a block starts */
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS, ExFreePool(Small + 8));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS, ExFreePool(Small + 1));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS,
                    ExFreePool((PVOID)((ULONG_PTR)Small & ~(ULONG_PTR)(PAGE - 1))));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS,
                    ExFreePool((PVOID)(((ULONG_PTR)Small | (PAGE - 1)) - 7)));
    EXPECT_BUGCHECK(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS, ExFreePool(Big + 16));

    ExFreePool(Small);
    ExFreePool(Big);
    free(FromLibc);
    CheckIdle(&Start, 2);
}

HT_TEST(pool_corruption_detected)
{
    EX_POOL_USAGE Start;
    UCHAR *A, *B, *C, Saved[8];

    ExQueryPoolUsage(&Start);
    A = ExAllocatePoolWithTag(NonPagedPool, 24, TAG_A);
    B = ExAllocatePoolWithTag(NonPagedPool, 24, TAG_A);
    C = ExAllocatePoolWithTag(NonPagedPool, 24, TAG_A);

    /* an overrun of A flattens B's header: freeing B notices */
    memcpy(Saved, B - 8, 8);
    memset(B - 8, 0x41, 8);
    EXPECT_BUGCHECK(BAD_POOL_HEADER, BAD_POOL_HEADER_CORRUPT, ExFreePool(B));
    memcpy(B - 8, Saved, 8);

    /* a write after free into C's free link is caught before the block is handed out again */
    ExFreePool(C);
    memcpy(Saved, C, 4);
    memset(C, 0x42, 4);
    EXPECT_BUGCHECK(BAD_POOL_HEADER, BAD_POOL_HEADER_FREE_LIST,
                    ExAllocatePoolWithTag(NonPagedPool, 24, TAG_A));
    memcpy(C, Saved, 4);

    ExFreePool(A);
    ExFreePool(B);
    CheckIdle(&Start, 3);
}

HT_TEST(pool_out_of_memory)
{
    enum { MAXIMUM = 4000 };
    static PVOID Blocks[MAXIMUM];
    EX_POOL_USAGE Start;
    ULONG Count = 0, Failed = 0;

    ExQueryPoolUsage(&Start);
    PageLimit = 150;
    RandomState = 77;
    /* mixed sizes until the memory manager runs dry, then a few more attempts */
    while (Count < MAXIMUM && Failed < 50) {
        SIZE_T Size = Random() % 3 == 0 ? 1 + Random() % (3 * PAGE) : 1 + Random() % 300;
        PVOID Block = ExAllocatePoolWithTag(NonPagedPool, Size, TAG_A);
        if (Block == NULL) {
            Failed++;
        } else {
            memset(Block, 0x5A, Size);
            Blocks[Count++] = Block;
        }
    }
    HT_CHECK(Failed == 50);
    HT_CHECK(PagesOut <= 150);
    PageLimit = 0xFFFFFFFF;
    for (ULONG I = 0; I < Count; I++) {
        ExFreePool(Blocks[I]);
    }
    CheckIdle(&Start, Count);
}

HT_TEST(pool_many_tags)
{
    EX_POOL_USAGE Start;
    static PVOID Blocks[300];

    /* more tags than the tag table holds: the first ones stay exact, nothing breaks */
    ExQueryPoolUsage(&Start);
    for (ULONG I = 0; I < 300; I++) {
        Blocks[I] = ExAllocatePoolWithTag(NonPagedPool, 50, 0x1000 + I);
        HT_CHECK(Blocks[I] != NULL);
    }
    HT_CHECK_EQ(64, ExQueryPoolTagUsage(0x1000));
    HT_CHECK_EQ(64, ExQueryPoolTagUsage(0x1000 + 100));
    for (ULONG I = 0; I < 300; I++) {
        ExFreePoolWithTag(Blocks[I], 0x1000 + I);
    }
    HT_CHECK_EQ(0, ExQueryPoolTagUsage(0x1000));
    CheckIdle(&Start, 300);
}

HT_MAIN()

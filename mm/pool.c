/*
 * pool.c - the executive pool: ExAllocatePoolWithTag / ExFreePoolWithTag.
 *
 * Small blocks. A request of up to EX_POOL_SMALL_MAXIMUM bytes is rounded, header included, up to
 * one of a few bucket sizes. Each bucket owns whole pages: a page starts with an EXP_POOL_PAGE
 * (its free list and count of blocks in use) followed by equal blocks, each behind an NT-style
 * POOL_HEADER (previous size, block size, bucket, pool type + 1 or 0 when free, tag). Blocks are
 * carved from the page in order the first time they are needed (Carved counts them), so a new
 * page costs no more than its first block; freed ones go on the free list. A page whose last
 * block is freed goes straight back to MiFreePoolPages, so an idle pool holds nothing.
 *
 * Big blocks take whole pages, returned page-aligned, as NT's big-page allocations are.
 *
 * The page table. Every page the pool hands out blocks from (the page of small blocks, or the
 * first page of a big block) is registered in an open-addressing hash table keyed by address.
 * A free looks the page up before reading anything, so a pointer the pool never gave out is
 * recognised without touching foreign memory. The table starts in a static array and grows into
 * pool pages (shrinking back as it empties).
 */
#include "pool.h"
#include "rtl.h"

#define EXP_PAGE_SIZE 4096
#define EXP_PAGE_MASK ((ULONG_PTR)EXP_PAGE_SIZE - 1)
#define EXP_BLOCK_SHIFT 3 /* POOL_HEADER sizes count 8-byte units */
#define EXP_PAGE_SIGNATURE POOL_TAG('P', 'o', 'o', 'P')

/*
 * Interrupts are the lock (one CPU): nothing in the pool waits, and an interrupt handler may
 * allocate. The saved state can live in one variable because it is written only with interrupts
 * off and the pool never takes its own lock twice.
 */
#if defined(NANONT_KERNEL)
#include "arch.h"
static ULONG ExpPoolSavedState;
#define ExpPoolLock() (ExpPoolSavedState = KeDisableInterruptsInline())
#define ExpPoolUnlock() KeRestoreInterruptsInline(ExpPoolSavedState)
#else
#define ExpPoolLock() ((void)0)
#define ExpPoolUnlock() ((void)0)
#endif

typedef struct _POOL_HEADER {
    union {
        struct {
            USHORT PreviousSize : 9; /* previous block in the page, in 8-byte units; 0 = first */
            USHORT PoolIndex : 7;    /* bucket of the page */
            USHORT BlockSize : 9;    /* this block, header included, in 8-byte units */
            USHORT PoolType : 7;     /* POOL_TYPE + 1 while allocated, 0 while free */
        };
        ULONG Ulong1;
    };
    ULONG PoolTag;
} POOL_HEADER, *PPOOL_HEADER;
_Static_assert(sizeof(POOL_HEADER) == 8, "POOL_HEADER is 8 bytes as in NT x86");

/* The head of a page of small blocks. */
typedef struct _EXP_POOL_PAGE {
    struct _EXP_POOL_PAGE *Next, *Previous; /* the bucket's pages that have a free block */
    PPOOL_HEADER FreeList;                  /* free blocks, linked through their first bytes */
    ULONG Signature;
    USHORT BlocksInUse;
    UCHAR Bucket;
    UCHAR Carved;                           /* blocks handed out at least once, from the start */
    UCHAR Reserved[32 - 3 * sizeof(PVOID) - 8]; /* pads the head to 32 bytes with any pointer size */
} EXP_POOL_PAGE, *PEXP_POOL_PAGE;
_Static_assert(sizeof(EXP_POOL_PAGE) == 32, "blocks start 32 bytes into their page");

#define EXP_PAGE_AREA (EXP_PAGE_SIZE - sizeof(EXP_POOL_PAGE))

/* Block sizes (header included), chosen so that few bytes of a page are left over. */
static const USHORT ExpBucketSizes[] = { 16, 24, 32, 48, 64, 96, 128, 192, 256, 336, 448, 576,
                                         800, 1008, 1352, 2032 };
#define EXP_BUCKETS ARRAYSIZE(ExpBucketSizes)
_Static_assert(2032 - sizeof(POOL_HEADER) == EX_POOL_SMALL_MAXIMUM, "largest bucket");

static PEXP_POOL_PAGE ExpBucketPages[EXP_BUCKETS]; /* pages with at least one free block */

/* The page table: Va 0 marks an empty slot. PageCount 0 means a page of small blocks. */
typedef struct _EXP_PAGE_ENTRY {
    ULONG_PTR Va;
    ULONG PageCount;
    ULONG Tag;
    ULONG PoolType;
} EXP_PAGE_ENTRY, *PEXP_PAGE_ENTRY;

#define EXP_STATIC_ENTRIES 256
static EXP_PAGE_ENTRY ExpStaticPageTable[EXP_STATIC_ENTRIES];
static PEXP_PAGE_ENTRY ExpPageTable = ExpStaticPageTable;
static ULONG ExpPageTableCapacity = EXP_STATIC_ENTRIES; /* a power of two */
static ULONG ExpPageTableCount;

/* Per-tag bytes and allocations in use: a small open-addressing table; tags beyond it are
   counted together. The debugger's kx-pool reads it (tools/gdb/nanont.py). */
#define EXP_TAG_ENTRIES 128
typedef struct _EXP_TAG_ENTRY {
    ULONG Tag;
    BOOLEAN InUse;
    SIZE_T Bytes;
    ULONG Allocations;
} EXP_TAG_ENTRY;
static EXP_TAG_ENTRY ExpTagTable[EXP_TAG_ENTRIES];
static SIZE_T ExpTagOverflowBytes;

static EX_POOL_USAGE ExpPoolUsage;

/* ------------------------------------------------------------------ the page table */

/* ExpHashPage - the home slot of page address Va in a table of Capacity slots. */
static inline ULONG ExpHashPage(ULONG_PTR Va, ULONG Capacity)
{
    return ((ULONG)(Va >> 12) * 0x9E3779B1u) & (Capacity - 1);
}

/* ExpLookupPage - the entry of page Va, or NULL when the pool does not own that page. */
static PEXP_PAGE_ENTRY ExpLookupPage(ULONG_PTR Va)
{
    ULONG Slot = ExpHashPage(Va, ExpPageTableCapacity);

    while (ExpPageTable[Slot].Va != 0) {
        if (ExpPageTable[Slot].Va == Va) {
            return &ExpPageTable[Slot];
        }
        Slot = (Slot + 1) & (ExpPageTableCapacity - 1);
    }
    return NULL;
}

/* ExpPlaceEntry - put Entry into the first free slot of its probe run (Va must be absent). */
static VOID ExpPlaceEntry(PEXP_PAGE_ENTRY Table, ULONG Capacity, const EXP_PAGE_ENTRY *Entry)
{
    ULONG Slot = ExpHashPage(Entry->Va, Capacity);

    while (Table[Slot].Va != 0) {
        Slot = (Slot + 1) & (Capacity - 1);
    }
    Table[Slot] = *Entry;
}

/*
 * ExpResizePageTable - move the table to one of NewCapacity slots (the static array when that is
 * its size, else new pool pages). Returns FALSE, keeping the old table, when no pages are left.
 */
static BOOLEAN ExpResizePageTable(ULONG NewCapacity)
{
    PEXP_PAGE_ENTRY OldTable = ExpPageTable, NewTable;
    ULONG OldCapacity = ExpPageTableCapacity;
    ULONG Bytes = NewCapacity * sizeof(EXP_PAGE_ENTRY);

    if (NewCapacity == EXP_STATIC_ENTRIES) {
        NewTable = ExpStaticPageTable;
    } else {
        NewTable = MiAllocatePoolPages(Bytes / EXP_PAGE_SIZE);
        if (NewTable == NULL) {
            return FALSE;
        }
        ExpPoolUsage.PagesInUse += Bytes / EXP_PAGE_SIZE;
    }
    memset(NewTable, 0, Bytes);
    for (ULONG Slot = 0; Slot < OldCapacity; Slot++) {
        if (OldTable[Slot].Va != 0) {
            ExpPlaceEntry(NewTable, NewCapacity, &OldTable[Slot]);
        }
    }
    if (OldTable != ExpStaticPageTable) {
        MiFreePoolPages(OldTable, OldCapacity * sizeof(EXP_PAGE_ENTRY) / EXP_PAGE_SIZE);
        ExpPoolUsage.PagesInUse -= OldCapacity * sizeof(EXP_PAGE_ENTRY) / EXP_PAGE_SIZE;
    }
    ExpPageTable = NewTable;
    ExpPageTableCapacity = NewCapacity;
    return TRUE;
}

/* ExpInsertPage - register a page; keeps the table at most half full. FALSE when out of pages. */
static BOOLEAN ExpInsertPage(ULONG_PTR Va, ULONG PageCount, ULONG Tag, ULONG PoolType)
{
    EXP_PAGE_ENTRY Entry = { Va, PageCount, Tag, PoolType };

    if ((ExpPageTableCount + 1) * 2 > ExpPageTableCapacity &&
        !ExpResizePageTable(ExpPageTableCapacity * 2)) {
        return FALSE;
    }
    ExpPlaceEntry(ExpPageTable, ExpPageTableCapacity, &Entry);
    ExpPageTableCount++;
    return TRUE;
}

/*
 * ExpRemovePage - unregister Entry. Later members of its probe run are moved back so that every
 * entry stays reachable from its home slot (no tombstones). Shrinks a mostly empty table.
 */
static VOID ExpRemovePage(PEXP_PAGE_ENTRY Entry)
{
    ULONG Mask = ExpPageTableCapacity - 1;
    ULONG Hole = (ULONG)(Entry - ExpPageTable), Slot = Hole, Home;

    ExpPageTable[Hole].Va = 0;
    for (;;) {
        Slot = (Slot + 1) & Mask;
        if (ExpPageTable[Slot].Va == 0) {
            break;
        }
        /* the entry may fill the hole only if its home is not cyclically in (Hole, Slot] */
        Home = ExpHashPage(ExpPageTable[Slot].Va, ExpPageTableCapacity);
        if (((Slot - Home) & Mask) >= ((Slot - Hole) & Mask)) {
            ExpPageTable[Hole] = ExpPageTable[Slot];
            ExpPageTable[Slot].Va = 0;
            Hole = Slot;
        }
    }
    ExpPageTableCount--;
    if (ExpPageTableCapacity > EXP_STATIC_ENTRIES &&
        ExpPageTableCount * 8 <= ExpPageTableCapacity) {
        (VOID)ExpResizePageTable(ExpPageTableCapacity / 2); /* keeping the big one is fine too */
    }
}

/* ------------------------------------------------------------------ accounting */

/* ExpChargeTag - add Delta (may be negative) to Tag's bytes in use, Sign (+1/-1) to its
   allocations in use. */
static VOID ExpChargeTag(ULONG Tag, LONG_PTR Delta, LONG Sign)
{
    ULONG Slot = (Tag * 0x9E3779B1u) >> 25; /* 7 bits: EXP_TAG_ENTRIES */

    for (ULONG Probe = 0; Probe < EXP_TAG_ENTRIES; Probe++) {
        EXP_TAG_ENTRY *Entry = &ExpTagTable[(Slot + Probe) % EXP_TAG_ENTRIES];
        if (!Entry->InUse) {
            Entry->InUse = TRUE;
            Entry->Tag = Tag;
        }
        if (Entry->Tag == Tag) {
            Entry->Bytes += Delta;
            Entry->Allocations += Sign;
            return;
        }
    }
    ExpTagOverflowBytes += Delta;
}

/* ExpCharge - account one allocation (Sign +1) or free (Sign -1) of Bytes under Tag. */
static VOID ExpCharge(ULONG Tag, SIZE_T Bytes, LONG Sign)
{
    if (Sign > 0) {
        ExpPoolUsage.BytesInUse += Bytes;
        ExpPoolUsage.AllocationsInUse++;
        ExpPoolUsage.TotalAllocations++;
    } else {
        ExpPoolUsage.BytesInUse -= Bytes;
        ExpPoolUsage.AllocationsInUse--;
        ExpPoolUsage.TotalFrees++;
    }
    ExpChargeTag(Tag, Sign * (LONG_PTR)Bytes, Sign);
}

/* ------------------------------------------------------------------ small blocks */

/* The link to the next free block is kept in the first bytes after a free block's header. */
#define EXP_FREE_LINK(Header) (*(PPOOL_HEADER *)((Header) + 1))

/* ExpUnlinkPage / ExpLinkPage - take a page off / put it on its bucket's list of pages. */
static VOID ExpUnlinkPage(PEXP_POOL_PAGE Page)
{
    if (Page->Previous != NULL) {
        Page->Previous->Next = Page->Next;
    } else {
        ExpBucketPages[Page->Bucket] = Page->Next;
    }
    if (Page->Next != NULL) {
        Page->Next->Previous = Page->Previous;
    }
}

static VOID ExpLinkPage(PEXP_POOL_PAGE Page)
{
    Page->Previous = NULL;
    Page->Next = ExpBucketPages[Page->Bucket];
    if (Page->Next != NULL) {
        Page->Next->Previous = Page;
    }
    ExpBucketPages[Page->Bucket] = Page;
}

/*
 * ExpNewBucketPage - get a page for Bucket, cut it into free blocks and list it.
 * Returns the page, or NULL when no page (or no page-table room) is left.
 */
static PEXP_POOL_PAGE ExpNewBucketPage(ULONG Bucket)
{
    PEXP_POOL_PAGE Page = MiAllocatePoolPages(1);

    if (Page == NULL) {
        return NULL;
    }
    if (!ExpInsertPage((ULONG_PTR)Page, 0, 0, 0)) {
        MiFreePoolPages(Page, 1);
        return NULL;
    }
    ExpPoolUsage.PagesInUse++;
    memset(Page, 0, sizeof(*Page));
    Page->Signature = EXP_PAGE_SIGNATURE;
    Page->Bucket = (UCHAR)Bucket;              /* no free block yet, nothing carved */
    ExpLinkPage(Page);
    return Page;
}

/*
 * ExpAllocateSmall - a block of bucket Bucket for PoolType/Tag. Returns its body or NULL.
 * A free block whose header or link was overwritten is a bugcheck, found before it is handed out.
 */
static PVOID ExpAllocateSmall(ULONG Bucket, POOL_TYPE PoolType, ULONG Tag)
{
    PEXP_POOL_PAGE Page = ExpBucketPages[Bucket];
    PPOOL_HEADER Header, Next;
    ULONG Size = ExpBucketSizes[Bucket], Count = EXP_PAGE_AREA / Size;

    if (Page == NULL) {
        Page = ExpNewBucketPage(Bucket);
        if (Page == NULL) {
            return NULL;
        }
    }
    Header = Page->FreeList;
    if (Header == NULL) {
        /* no freed block: carve the next one never handed out */
        Header = (PPOOL_HEADER)((PUCHAR)(Page + 1) + Page->Carved * Size);
        Header->PreviousSize = Page->Carved == 0 ? 0 : Size >> EXP_BLOCK_SHIFT;
        Header->PoolIndex = Bucket;
        Header->BlockSize = Size >> EXP_BLOCK_SHIFT;
        Page->Carved++;
        Page->BlocksInUse++;
        if (Page->Carved == Count) {
            ExpUnlinkPage(Page); /* full */
        }
        Header->PoolType = PoolType + 1;
        Header->PoolTag = Tag;
        ExpCharge(Tag, Size, +1);
        return Header + 1;
    }
    Next = EXP_FREE_LINK(Header);
    if (Header->PoolType != 0 || Header->BlockSize != Size >> EXP_BLOCK_SHIFT ||
        (Next != NULL && (((ULONG_PTR)Next & ~EXP_PAGE_MASK) != (ULONG_PTR)Page ||
                          ((ULONG_PTR)Next - (ULONG_PTR)(Page + 1)) % Size != 0))) {
        KeBugCheckEx(BAD_POOL_HEADER, BAD_POOL_HEADER_FREE_LIST, (ULONG_PTR)Header,
                     Header->Ulong1, (ULONG_PTR)Next);
    }
    Page->FreeList = Next;
    Page->BlocksInUse++;
    if (Next == NULL && Page->Carved == Count) {
        ExpUnlinkPage(Page); /* full */
    }
    Header->PoolType = PoolType + 1;
    Header->PoolTag = Tag;
    ExpCharge(Tag, Size, +1);
    return Header + 1;
}

/*
 * ExpFreeSmall - free block P of the small-block page Page (already known to be the pool's).
 * Checks, in order: P is a block start, its header is intact, it is allocated, the tag matches.
 */
static VOID ExpFreeSmall(PEXP_POOL_PAGE Page, PVOID P, ULONG Tag)
{
    ULONG Size = ExpBucketSizes[Page->Bucket < EXP_BUCKETS ? Page->Bucket : 0];
    ULONG Count = EXP_PAGE_AREA / Size;
    ULONG_PTR Offset = (ULONG_PTR)P - (ULONG_PTR)(Page + 1) - sizeof(POOL_HEADER);
    PPOOL_HEADER Header = (PPOOL_HEADER)P - 1;

    if (Page->Signature != EXP_PAGE_SIGNATURE || Page->Bucket >= EXP_BUCKETS) {
        KeBugCheckEx(BAD_POOL_HEADER, BAD_POOL_HEADER_CORRUPT, (ULONG_PTR)P,
                     Page->Signature, Page->Bucket);
    }
    if ((ULONG_PTR)P < (ULONG_PTR)(Page + 1) + sizeof(POOL_HEADER) || Offset % Size != 0 ||
        Offset / Size >= Page->Carved) {
        KeBugCheckEx(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS, (ULONG_PTR)P, 0, 0);
    }
    if (Header->BlockSize != Size >> EXP_BLOCK_SHIFT || Header->PoolIndex != Page->Bucket ||
        Header->PreviousSize != (Offset == 0 ? 0 : Size >> EXP_BLOCK_SHIFT) ||
        Header->PoolType > PagedPool + 1) {
        KeBugCheckEx(BAD_POOL_HEADER, BAD_POOL_HEADER_CORRUPT, (ULONG_PTR)P, Header->Ulong1,
                     Header->PoolTag);
    }
    if (Header->PoolType == 0) {
        KeBugCheckEx(BAD_POOL_CALLER, BAD_POOL_CALLER_DOUBLE_FREE, (ULONG_PTR)P, Header->Ulong1,
                     Header->PoolTag);
    }
    if (Tag != 0 && Tag != Header->PoolTag) {
        KeBugCheckEx(BAD_POOL_CALLER, BAD_POOL_CALLER_TAG_MISMATCH, (ULONG_PTR)P, Tag,
                     Header->PoolTag);
    }

    ExpCharge(Header->PoolTag, Size, -1);
    Header->PoolType = 0; /* the tag stays, for whoever examines the free block later */
    EXP_FREE_LINK(Header) = Page->FreeList;
    if (Page->FreeList == NULL && Page->Carved == Count) {
        ExpLinkPage(Page); /* was full */
    }
    Page->FreeList = Header;
    if (--Page->BlocksInUse == 0) {
        ExpUnlinkPage(Page);
        ExpRemovePage(ExpLookupPage((ULONG_PTR)Page));
        Page->Signature = 0;
        MiFreePoolPages(Page, 1);
        ExpPoolUsage.PagesInUse--;
    }
}

/* ------------------------------------------------------------------ the interface */

/*
 * ExAllocatePoolWithTag - NumberOfBytes of pool memory charged to Tag. PoolType's low bit picks
 * the type (NT's BASE_POOL_TYPE_MASK). Small blocks are 8-byte aligned, big ones page-aligned.
 * Returns NULL for 0 bytes, more than EX_POOL_MAXIMUM_ALLOCATION, or when memory is exhausted.
 */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    ULONG Bucket, PageCount;
    PVOID Block = NULL;

    PoolType &= 1;
    if (NumberOfBytes == 0 || NumberOfBytes > EX_POOL_MAXIMUM_ALLOCATION) {
        return NULL;
    }

    ExpPoolLock();
    if (NumberOfBytes <= EX_POOL_SMALL_MAXIMUM) {
        for (Bucket = 0; ExpBucketSizes[Bucket] - sizeof(POOL_HEADER) < NumberOfBytes; Bucket++) {
        }
        Block = ExpAllocateSmall(Bucket, PoolType, Tag);
    } else {
        PageCount = (ULONG)((NumberOfBytes + EXP_PAGE_MASK) / EXP_PAGE_SIZE);
        Block = MiAllocatePoolPages(PageCount);
        if (Block != NULL && !ExpInsertPage((ULONG_PTR)Block, PageCount, Tag, PoolType)) {
            MiFreePoolPages(Block, PageCount);
            Block = NULL;
        }
        if (Block != NULL) {
            ExpPoolUsage.PagesInUse += PageCount;
            ExpCharge(Tag, (SIZE_T)PageCount * EXP_PAGE_SIZE, +1);
        }
    }
    ExpPoolUnlock();
    return Block;
}

/*
 * ExAllocatePoolZero - ExAllocatePoolWithTag, with the NumberOfBytes returned set to zero.
 */
PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    PVOID Block = ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);

    if (Block != NULL) {
        memset(Block, 0, NumberOfBytes);
    }
    return Block;
}

/*
 * ExFreePoolWithTag - free P, which ExAllocatePool* returned; Tag, unless 0, must be the tag it
 * was allocated with. A pointer the pool does not own, a double free, a mismatched tag or a
 * damaged header bugchecks (BAD_POOL_CALLER / BAD_POOL_HEADER) before anything changes.
 */
VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    ULONG_PTR PageVa = (ULONG_PTR)P & ~EXP_PAGE_MASK;
    PEXP_PAGE_ENTRY Entry;
    ULONG PageCount;

    ExpPoolLock();
    Entry = ExpLookupPage(PageVa);
    if (Entry == NULL || PageVa == 0) {
        KeBugCheckEx(BAD_POOL_CALLER, BAD_POOL_CALLER_NOT_IN_POOL, (ULONG_PTR)P, 0, 0);
    }
    if (Entry->PageCount == 0) {
        ExpFreeSmall((PEXP_POOL_PAGE)PageVa, P, Tag);
    } else {
        if ((ULONG_PTR)P != PageVa) {
            KeBugCheckEx(BAD_POOL_CALLER, BAD_POOL_CALLER_BAD_ADDRESS, (ULONG_PTR)P, 0, 0);
        }
        if (Tag != 0 && Tag != Entry->Tag) {
            KeBugCheckEx(BAD_POOL_CALLER, BAD_POOL_CALLER_TAG_MISMATCH, (ULONG_PTR)P, Tag,
                         Entry->Tag);
        }
        PageCount = Entry->PageCount;
        ExpCharge(Entry->Tag, (SIZE_T)PageCount * EXP_PAGE_SIZE, -1);
        ExpRemovePage(Entry);
        MiFreePoolPages(P, PageCount);
        ExpPoolUsage.PagesInUse -= PageCount;
    }
    ExpPoolUnlock();
}

/*
 * ExFreePool - free P without checking its tag.
 */
VOID ExFreePool(PVOID P)
{
    ExFreePoolWithTag(P, 0);
}

/*
 * ExQueryPoolUsage - a consistent copy of the pool's counters.
 */
VOID ExQueryPoolUsage(PEX_POOL_USAGE Usage)
{
    ExpPoolLock();
    *Usage = ExpPoolUsage;
    ExpPoolUnlock();
}

/*
 * ExQueryPoolTagUsage - bytes currently allocated under Tag (0 for a tag never seen, or one that
 * arrived after the tag table filled up).
 */
SIZE_T ExQueryPoolTagUsage(ULONG Tag)
{
    ULONG Slot = (Tag * 0x9E3779B1u) >> 25;
    SIZE_T Bytes = 0;

    ExpPoolLock();
    for (ULONG Probe = 0; Probe < EXP_TAG_ENTRIES; Probe++) {
        EXP_TAG_ENTRY *Entry = &ExpTagTable[(Slot + Probe) % EXP_TAG_ENTRIES];
        if (!Entry->InUse) {
            break;
        }
        if (Entry->Tag == Tag) {
            Bytes = Entry->Bytes;
            break;
        }
    }
    ExpPoolUnlock();
    return Bytes;
}

/*
 * ExQueryPoolTags - copy up to Count (Tag, bytes in use) pairs of the tags that hold memory now,
 * for leak hunting (NtQuerySystemInformation class SystemNanoNtPoolTagInformation). Returns how
 * many such tags there are (may exceed Count).
 */
ULONG ExQueryPoolTags(PULONG Pairs, ULONG Count)
{
    ULONG Found = 0;

    ExpPoolLock();
    for (ULONG i = 0; i < EXP_TAG_ENTRIES; i++) {
        if (!ExpTagTable[i].InUse || ExpTagTable[i].Bytes == 0)
            continue;
        if (Found < Count) {
            Pairs[2 * Found] = ExpTagTable[i].Tag;
            Pairs[2 * Found + 1] = (ULONG)ExpTagTable[i].Bytes;
        }
        Found++;
    }
    ExpPoolUnlock();
    return Found;
}

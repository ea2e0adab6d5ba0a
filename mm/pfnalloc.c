/*
 * pfnalloc.c - the physical page allocator: a bitmap with one bit per page frame (1 = in use).
 *
 * Allocation is next-fit: the search starts where the previous allocation ended, so a run of
 * allocations walks forward through free memory instead of rescanning the allocated front each
 * time; full 32-frame words are skipped whole. Bits past the last frame and the bit of PFN 0 stay
 * set, so they are never handed out.
 *
 * A frame freed twice, or one the allocator does not manage, is a PFN_LIST_CORRUPT bugcheck: the
 * bitmap is checked before it is changed.
 */
#include "pfn.h"
#include "ntstatus.h"

/* Interrupts are the lock (one CPU); see mm/pool.c. */
#if defined(NANONT_KERNEL)
#include "arch.h"
static ULONG MiPfnSavedState;
#define MiPfnLock() (MiPfnSavedState = KeDisableInterruptsInline())
#define MiPfnUnlock() KeRestoreInterruptsInline(MiPfnSavedState)
#else
#define MiPfnLock() ((void)0)
#define MiPfnUnlock() ((void)0)
#endif

static PULONG MiPfnBitmap;
static ULONG MiPfnPageCount;
static ULONG MiPfnFreeCount;
static ULONG MiPfnHint; /* where the next search starts */

#define MiPfnTest(Pfn) ((MiPfnBitmap[(Pfn) >> 5] >> ((Pfn) & 31)) & 1)
#define MiPfnSet(Pfn) (MiPfnBitmap[(Pfn) >> 5] |= 1u << ((Pfn) & 31))
#define MiPfnClear(Pfn) (MiPfnBitmap[(Pfn) >> 5] &= ~(1u << ((Pfn) & 31)))

/*
 * MiInitializePfnAllocator - take Bitmap (MI_PFN_BITMAP_ULONGS(PageCount) ULONGs) as the map of
 * frames 0..PageCount-1, all in use.
 */
VOID MiInitializePfnAllocator(PULONG Bitmap, ULONG PageCount)
{
    MiPfnLock();
    MiPfnBitmap = Bitmap;
    MiPfnPageCount = PageCount;
    MiPfnFreeCount = 0;
    MiPfnHint = 1;
    for (ULONG Index = 0; Index < MI_PFN_BITMAP_ULONGS(PageCount); Index++) {
        Bitmap[Index] = 0xFFFFFFFF;
    }
    MiPfnUnlock();
}

/* MiClipRange - the part of Count frames from FirstPfn that the bitmap covers (may be 0). */
static ULONG MiClipRange(ULONG FirstPfn, ULONG Count)
{
    if (FirstPfn >= MiPfnPageCount) {
        return 0;
    }
    return Count > MiPfnPageCount - FirstPfn ? MiPfnPageCount - FirstPfn : Count;
}

/*
 * MiReleasePhysicalRange - mark frames FirstPfn.. (Count of them) free: usable RAM from the memory
 * map. Frames beyond the bitmap and PFN 0 are ignored; frames already free stay free.
 */
VOID MiReleasePhysicalRange(ULONG FirstPfn, ULONG Count)
{
    MiPfnLock();
    Count = MiClipRange(FirstPfn, Count);
    for (ULONG Pfn = FirstPfn; Pfn - FirstPfn < Count; Pfn++) {
        if (Pfn != 0 && MiPfnTest(Pfn)) {
            MiPfnClear(Pfn);
            MiPfnFreeCount++;
        }
    }
    MiPfnUnlock();
}

/*
 * MiReservePhysicalRange - mark frames FirstPfn.. (Count of them) in use, so that they are never
 * handed out (kernel image, boot modules). Frames beyond the bitmap are ignored.
 */
VOID MiReservePhysicalRange(ULONG FirstPfn, ULONG Count)
{
    MiPfnLock();
    Count = MiClipRange(FirstPfn, Count);
    for (ULONG Pfn = FirstPfn; Pfn - FirstPfn < Count; Pfn++) {
        if (!MiPfnTest(Pfn)) {
            MiPfnSet(Pfn);
            MiPfnFreeCount--;
        }
    }
    MiPfnUnlock();
}

/*
 * MiAllocatePhysicalPage - take one free frame. Returns its PFN, or 0 when none is left.
 */
ULONG MiAllocatePhysicalPage(VOID)
{
    ULONG Words, Word, Bits, Pfn = 0;

    MiPfnLock();
    if (MiPfnFreeCount != 0) {
        Words = MI_PFN_BITMAP_ULONGS(MiPfnPageCount);
        /* frames below the hint in its word count as taken until the search comes round
           again; a clear bit exists (free frames are counted exactly), so this ends */
        Word = MiPfnHint >> 5;
        Bits = MiPfnBitmap[Word] | ((1u << (MiPfnHint & 31)) - 1);
        while (Bits == 0xFFFFFFFF) {
            Word = (Word + 1 == Words) ? 0 : Word + 1;
            Bits = MiPfnBitmap[Word];
        }
        Pfn = (Word << 5) + (ULONG)__builtin_ctz(~Bits);
        MiPfnSet(Pfn);
        MiPfnFreeCount--;
        MiPfnHint = (Pfn + 1 < MiPfnPageCount) ? Pfn + 1 : 1;
    }
    MiPfnUnlock();
    return Pfn;
}

/*
 * MipFindRun - the first frame of Count free frames lying wholly in [From, To), or 0 if none.
 */
static ULONG MipFindRun(ULONG From, ULONG To, ULONG Count)
{
    ULONG Run = 0;

    for (ULONG Pfn = From; Pfn < To;) {
        if ((Pfn & 31) == 0 && MiPfnBitmap[Pfn >> 5] == 0xFFFFFFFF) {
            Run = 0;
            Pfn += 32;
            continue;
        }
        if (MiPfnTest(Pfn)) {
            Run = 0;
        } else if (++Run == Count) {
            return Pfn + 1 - Count;
        }
        Pfn++;
    }
    return 0;
}

/*
 * MiAllocateContiguousPages - take Count free frames with consecutive PFNs; the first goes to
 * *FirstPfn. Returns STATUS_SUCCESS, STATUS_NO_MEMORY when no such run is free, or
 * STATUS_INVALID_PARAMETER for a Count of 0.
 */
NTSTATUS MiAllocateContiguousPages(ULONG Count, PULONG FirstPfn)
{
    ULONG First = 0, Limit;

    if (Count == 0) {
        return STATUS_INVALID_PARAMETER;
    }
    MiPfnLock();
    if (Count <= MiPfnFreeCount) {
        /* from the hint to the end, then from the start to where a run could cross the hint */
        First = MipFindRun(MiPfnHint, MiPfnPageCount, Count);
        if (First == 0) {
            Limit = (Count - 1 > MiPfnPageCount - MiPfnHint) ? MiPfnPageCount
                                                             : MiPfnHint + Count - 1;
            First = MipFindRun(1, Limit, Count);
        }
    }
    if (First != 0) {
        for (ULONG Pfn = First; Pfn < First + Count; Pfn++) {
            MiPfnSet(Pfn);
        }
        MiPfnFreeCount -= Count;
        MiPfnHint = (First + Count < MiPfnPageCount) ? First + Count : 1;
    }
    MiPfnUnlock();
    if (First == 0) {
        return STATUS_NO_MEMORY;
    }
    *FirstPfn = First;
    return STATUS_SUCCESS;
}

/* MiCheckFree - bugcheck unless Pfn is a managed frame that is in use (called locked). */
static VOID MiCheckFree(ULONG Pfn)
{
    if (Pfn == 0 || Pfn >= MiPfnPageCount) {
        KeBugCheckEx(PFN_LIST_CORRUPT, PFN_LIST_CORRUPT_BAD_FREE, Pfn, MI_PFN_NOT_MANAGED, 0);
    }
    if (!MiPfnTest(Pfn)) {
        KeBugCheckEx(PFN_LIST_CORRUPT, PFN_LIST_CORRUPT_BAD_FREE, Pfn, MI_PFN_ALREADY_FREE, 0);
    }
}

/*
 * MiFreePhysicalPage - give back frame Pfn. Freeing a free or unmanaged frame bugchecks.
 */
VOID MiFreePhysicalPage(ULONG Pfn)
{
    MiPfnLock();
    MiCheckFree(Pfn);
    MiPfnClear(Pfn);
    MiPfnFreeCount++;
    MiPfnUnlock();
}

/*
 * MiFreeContiguousPages - give back Count frames from FirstPfn. Every frame is checked before any
 * is freed, so a bad call bugchecks with the bitmap unchanged.
 */
VOID MiFreeContiguousPages(ULONG FirstPfn, ULONG Count)
{
    MiPfnLock();
    for (ULONG Index = 0; Index < Count; Index++) {
        MiCheckFree(FirstPfn + Index); /* a range wrapping past 2^32 reaches PFN 0 and stops */
    }
    for (ULONG Index = 0; Index < Count; Index++) {
        MiPfnClear(FirstPfn + Index);
    }
    MiPfnFreeCount += Count;
    MiPfnUnlock();
}

/* MiQueryFreePages - the number of free frames. */
ULONG MiQueryFreePages(VOID)
{
    return MiPfnFreeCount;
}

/* MiQueryTotalPages - the number of frames the bitmap covers (highest PFN + 1). */
ULONG MiQueryTotalPages(VOID)
{
    return MiPfnPageCount;
}

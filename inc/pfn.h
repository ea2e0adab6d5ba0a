/*
 * pfn.h - the physical page allocator (mm/pfnalloc.c): one bit per page frame, set while the
 * frame is in use.
 *
 * The kernel hands it a bitmap covering every frame up to the highest one the Multiboot memory
 * map mentions (all frames start in use), releases the usable RAM ranges, then reserves again what
 * it occupies (kernel image, modules, the bitmap itself). PFN 0 is never handed out, so 0 can
 * mean "no page".
 */
#ifndef NANONT_PFN_H
#define NANONT_PFN_H

#include "ntdef.h"

#ifndef PFN_LIST_CORRUPT
#define PFN_LIST_CORRUPT 0x4E
#endif
/* KeBugCheckEx(PFN_LIST_CORRUPT, PFN_LIST_CORRUPT_BAD_FREE, Pfn, Why, 0) *(NT code)* */
#define PFN_LIST_CORRUPT_BAD_FREE 0x99
#define MI_PFN_ALREADY_FREE 0 /* Why: the frame was not in use (double free) */
#define MI_PFN_NOT_MANAGED 1  /* Why: PFN 0 or beyond the bitmap */

/* ULONGs of bitmap needed for PageCount frames. */
#define MI_PFN_BITMAP_ULONGS(PageCount) (((PageCount) + 31) / 32)

VOID MiInitializePfnAllocator(PULONG Bitmap, ULONG PageCount); /* all frames in use */
VOID MiReleasePhysicalRange(ULONG FirstPfn, ULONG Count);       /* usable RAM: now free */
VOID MiReservePhysicalRange(ULONG FirstPfn, ULONG Count);       /* in use again */
ULONG MiAllocatePhysicalPage(VOID);                             /* a PFN, or 0 when none */
NTSTATUS MiAllocateContiguousPages(ULONG Count, PULONG FirstPfn); /* STATUS_NO_MEMORY */
VOID MiFreePhysicalPage(ULONG Pfn);
VOID MiFreeContiguousPages(ULONG FirstPfn, ULONG Count);
ULONG MiQueryFreePages(VOID);
ULONG MiQueryTotalPages(VOID);                                  /* frames the bitmap covers */

/* Provided by the kernel (or the host test). */
DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                                    ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                                    ULONG_PTR BugCheckParameter4);
#ifdef NANONT_KERNEL
ULONG KeDisableInterrupts(VOID);
VOID KeRestoreInterrupts(ULONG State);
#endif

#endif

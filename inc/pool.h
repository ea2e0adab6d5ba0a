/*
 * pool.h - the executive pool allocator (mm/pool.c): tagged kernel heap blocks.
 *
 * Requests up to EX_POOL_SMALL_MAXIMUM bytes are carved from pages dedicated to one block size,
 * each block behind an 8-byte NT-style POOL_HEADER; larger ones take whole pages and are returned
 * page-aligned. Every page the pool holds is registered, so frees of pointers the pool never gave
 * out, double frees and tag mismatches are caught (bugcheck BAD_POOL_CALLER) instead of
 * corrupting memory. Both pool types come from the same non-paged memory in NanoNT; the type is
 * recorded in each block.
 */
#ifndef NANONT_POOL_H
#define NANONT_POOL_H

#include "ntdef.h"

#ifndef NANONT_POOL_TYPE_DEFINED
#define NANONT_POOL_TYPE_DEFINED
typedef enum _POOL_TYPE { NonPagedPool = 0, PagedPool = 1 } POOL_TYPE;
#endif

/* A tag reads as its four characters in a memory dump: POOL_TAG('O','b','j','T'). */
#define POOL_TAG(a, b, c, d) \
    ((ULONG)(UCHAR)(a) | ((ULONG)(UCHAR)(b) << 8) | ((ULONG)(UCHAR)(c) << 16) | \
     ((ULONG)(UCHAR)(d) << 24))

#define EX_POOL_SMALL_MAXIMUM 2024        /* larger requests take whole pages */
#define EX_POOL_MAXIMUM_ALLOCATION 0x10000000 /* larger requests fail */

/* Bugchecks the pool raises *(NT codes)*. Parameters: (code, address, a, b) as listed. */
#ifndef BAD_POOL_HEADER
#define BAD_POOL_HEADER 0x19
#endif
#ifndef BAD_POOL_CALLER
#define BAD_POOL_CALLER 0xC2
#endif
#define BAD_POOL_CALLER_DOUBLE_FREE 0x07   /* a = header Ulong1, b = its tag */
#define BAD_POOL_CALLER_TAG_MISMATCH 0x0A  /* a = tag given, b = tag of the block */
#define BAD_POOL_CALLER_NOT_IN_POOL 0x46   /* the page is not the pool's (or no longer) */
#define BAD_POOL_CALLER_BAD_ADDRESS 0x99   /* in a pool page but not at a block's start */
#define BAD_POOL_HEADER_FREE_LIST 0x03     /* BAD_POOL_HEADER: a free block was overwritten */
#define BAD_POOL_HEADER_CORRUPT 0x20       /* BAD_POOL_HEADER: a block's header was overwritten */

typedef struct _EX_POOL_USAGE {
    SIZE_T BytesInUse;        /* whole blocks, headers included; whole pages for big blocks */
    ULONG AllocationsInUse;
    ULONG TotalAllocations;
    ULONG TotalFrees;
    ULONG PagesInUse;         /* every page obtained from MiAllocatePoolPages, bookkeeping too */
} EX_POOL_USAGE, *PEX_POOL_USAGE;

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
PVOID ExAllocatePoolZero(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
VOID ExFreePool(PVOID P);
VOID ExQueryPoolUsage(PEX_POOL_USAGE Usage);
SIZE_T ExQueryPoolTagUsage(ULONG Tag);
ULONG ExQueryPoolTags(PULONG Pairs, ULONG Count);   /* (Tag, bytes) of the tags holding memory */

#define ExAllocatePool(PoolType, NumberOfBytes) \
    ExAllocatePoolWithTag((PoolType), (NumberOfBytes), POOL_TAG('N', 'o', 'n', 'e'))

/* Provided by the memory manager (or the host test): contiguous, page-aligned, mapped pages. */
PVOID MiAllocatePoolPages(ULONG PageCount);
VOID MiFreePoolPages(PVOID Base, ULONG PageCount);

/* Provided by the kernel (or the host test). */
DECLSPEC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
                                    ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
                                    ULONG_PTR BugCheckParameter4);
#ifdef NANONT_KERNEL
ULONG KeDisableInterrupts(VOID);
VOID KeRestoreInterrupts(ULONG State);
#endif

#endif

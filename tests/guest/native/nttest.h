/*
 * nttest.h - the harness of the native test programs (tests/guest/native/), written only against
 * mingw-w64's own headers and linked with mingw-w64's libntdll.a, as any native NT program: no
 * NanoNT header. It declares the few ntdll routines <winternl.h> leaves out (with NT's
 * signatures) and prints the lines tools/test.sh reads (docs/spec.md §10) through DbgPrint.
 */
#ifndef NTTEST_H
#define NTTEST_H

#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

/* ntdll routines and types <winternl.h> does not declare (NT's signatures) */
ULONG __cdecl DbgPrint(PCSTR Format, ...);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                       PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType);
NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                      ULONG NewProtect, PULONG OldProtect);
PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
typedef enum _EVENT_TYPE { NotificationEvent, SynchronizationEvent } EVENT_TYPE;
NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                             EVENT_TYPE EventType, BOOLEAN InitialState);
NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState);
NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState);
NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE *Handles, ULONG WaitType, BOOLEAN Alertable,
                                        PLARGE_INTEGER Timeout);
NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval);
typedef VOID (NTAPI *PNT_APC_ROUTINE)(PVOID, PVOID, PVOID);
NTSTATUS NTAPI NtQueueApcThread(HANDLE ThreadHandle, PNT_APC_ROUTINE ApcRoutine, PVOID Argument1, PVOID Argument2,
                                PVOID Argument3);
NTSTATUS NTAPI NtTestAlert(VOID);
typedef struct _NT_CLIENT_ID { HANDLE UniqueProcess; HANDLE UniqueThread; } NT_CLIENT_ID;
typedef ULONG (NTAPI *PNT_THREAD_START)(PVOID Parameter);
NTSTATUS NTAPI RtlCreateUserThread(HANDLE ProcessHandle, PVOID SecurityDescriptor, BOOLEAN CreateSuspended,
                                   ULONG StackZeroBits, SIZE_T StackReserve, SIZE_T StackCommit,
                                   PNT_THREAD_START StartAddress, PVOID Parameter, PHANDLE ThreadHandle,
                                   NT_CLIENT_ID *ClientId);
NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                          PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                          PULONG Key);
NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                           PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                           PULONG Key);
NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes);
typedef enum _NT_SECTION_INHERIT { NtViewShare = 1, NtViewUnmap = 2 } NT_SECTION_INHERIT;
NTSTATUS NTAPI NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                               PLARGE_INTEGER MaximumSize, ULONG SectionPageProtection, ULONG AllocationAttributes,
                               HANDLE FileHandle);
NTSTATUS NTAPI NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                  SIZE_T CommitSize, PLARGE_INTEGER SectionOffset, PSIZE_T ViewSize,
                                  NT_SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect);
NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress);
BOOLEAN NTAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2, BOOLEAN CaseInsensitive);
NTSTATUS NTAPI LdrLoadDll(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle);
NTSTATUS NTAPI LdrUnloadDll(PVOID DllHandle);
NTSTATUS NTAPI LdrGetDllHandle(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName,
                               PVOID *DllHandle);
NTSTATUS NTAPI LdrGetProcedureAddress(PVOID DllHandle, PANSI_STRING ProcedureName, ULONG ProcedureNumber,
                                      PVOID *ProcedureAddress);

#ifndef NtCurrentProcess
#define NtCurrentProcess() ((HANDLE)(LONG_PTR)-1)
#endif
#ifndef NtCurrentThread
#define NtCurrentThread() ((HANDLE)(LONG_PTR)-2)
#endif

/* the loader's entry in NT's layout, as <winternl.h> describes only part of it */
typedef struct _NT_LDR_ENTRY {
    LIST_ENTRY InLoadOrderLinks;
    LIST_ENTRY InMemoryOrderLinks;
    LIST_ENTRY InInitializationOrderLinks;
    PVOID DllBase;
    PVOID EntryPoint;
    ULONG SizeOfImage;
    UNICODE_STRING FullDllName;
    UNICODE_STRING BaseDllName;
    ULONG Flags;
    USHORT LoadCount;
} NT_LDR_ENTRY;
typedef struct _NT_PEB_LDR_DATA {
    ULONG Length;
    BOOLEAN Initialized;
    PVOID SsHandle;
    LIST_ENTRY InLoadOrderModuleList;
    LIST_ENTRY InMemoryOrderModuleList;
    LIST_ENTRY InInitializationOrderModuleList;
} NT_PEB_LDR_DATA;

static ULONG NtTestPassed, NtTestFailed;
static BOOLEAN NtTestCurrentFailed;

#define NT_RUN(name) (DbgPrint("[RUN] %s\n", #name), NtTestCurrentFailed = FALSE, name(), \
                      NtTestCurrentFailed ? NtTestFailed++ : (DbgPrint("[OK] %s\n", #name), NtTestPassed++))
#define NT_CHECK(cond) do { if (!(cond)) { DbgPrint("[FAIL] %s: line %d: %s\n", __func__, __LINE__, #cond); \
                                           NtTestCurrentFailed = TRUE; return; } } while (0)
#define NT_CHECK_STATUS(expr, want) do { NTSTATUS s_ = (expr); if (s_ != (NTSTATUS)(want)) { \
        DbgPrint("[FAIL] %s: line %d: %s: expected 0x%08lX, got 0x%08lX\n", __func__, __LINE__, #expr, \
                 (unsigned long)(want), (unsigned long)s_); NtTestCurrentFailed = TRUE; return; } } while (0)

/* print the closing line and end the process: STATUS_SUCCESS when nothing failed */
static void NtTestFinish(void)
{
    DbgPrint("%lu passed, %lu failed\n", (unsigned long)NtTestPassed, (unsigned long)NtTestFailed);
    NtTerminateProcess(NtCurrentProcess(), NtTestFailed ? STATUS_UNSUCCESSFUL : STATUS_SUCCESS);
}

static inline void NtTestInitString(PUNICODE_STRING String, PCWSTR Text)
{
    RtlInitUnicodeString(String, Text);
}

#endif

/*
 * ntdll.h - what user programs get from the system ntdll: NT types, NTSTATUS values, the native
 * services (NT signatures, docs/spec.md §7), Rtl helpers, and NanoNT's diagnostics.
 */
#ifndef NANONT_USER_NTDLL_H
#define NANONT_USER_NTDLL_H

#include <stdarg.h>
#include "ntdef.h"
#include "ntstatus.h"
#include "nti386.h"
#include "ktrap.h"
#include "rtl.h"
#include "svcnum.h"
#include "rrsvc.h"

#ifndef NANONT_PS_H
typedef struct _TEB TEB, *PTEB;
#endif
#include "ps.h"

/* NTSYSAPI, as NT's headers define it: a routine a program imports from ntdll.dll. A PE program
   then calls it, and takes its address, through its import address table (ntdll's own address,
   not the program's import thunk, and no thunk's jmp on each call); an ELF program and ntdll
   itself see the routine directly. */
#if defined(__MINGW32__) && !defined(NANONT_NTDLL)
#define NTSYSAPI __declspec(dllimport)
#else
#define NTSYSAPI
#endif

/* native services (the stubs are generated from ke/services.tab) */
NTSYSAPI NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);
NTSYSAPI NTSTATUS NTAPI NtDisplayString(PUNICODE_STRING String);
NTSYSAPI NTSTATUS NTAPI NtTestAlert(VOID);
NTSYSAPI NTSTATUS NTAPI NtContinue(PCONTEXT ContextRecord, BOOLEAN TestAlert);
NTSYSAPI NTSTATUS NTAPI NtEchoArguments(PULONG Out, ULONG A2, ULONG A3, ULONG A4, ULONG A5, ULONG A6,
                                        ULONG A7, ULONG A8, ULONG A9, ULONG A10, ULONG A11, ULONG A12,
                                        ULONG A13, ULONG A14, ULONG A15, ULONG A16);
NTSYSAPI NTSTATUS NTAPI NtRecordOrRecoveryTrapFrame(VOID);
/* thread-context record and recover (docs/trapfile.md): FileName NULL = \SystemRoot\TrapFrame;
   NtRecordTrapFrame returns STATUS_TRAP_FRAME_RECOVERED when resumed by NtRecoverTrapFrame */
NTSYSAPI NTSTATUS NTAPI NtRecordTrapFrame(PUNICODE_STRING FileName, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI NtRecoverTrapFrame(PUNICODE_STRING FileName, ULONG Flags);
NTSYSAPI NTSTATUS NTAPI NtQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtYieldExecution(VOID);
NTSYSAPI NTSTATUS NTAPI NtQueryPerformanceCounter(PLARGE_INTEGER PerformanceCounter, PLARGE_INTEGER PerformanceFrequency);
NTSYSAPI NTSTATUS NTAPI NtRaiseException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT ContextRecord, BOOLEAN FirstChance);
NTSYSAPI NTSTATUS NTAPI NtClose(HANDLE Handle);
NTSYSAPI NTSTATUS NTAPI NtBenchNull(VOID);
NTSYSAPI NTSTATUS NTAPI NtBenchNull4(ULONG, ULONG, ULONG, ULONG);
NTSYSAPI NTSTATUS NTAPI NtBenchNull8(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG);
NTSYSAPI NTSTATUS NTAPI NtBenchNull16(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG,
                                      ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG);
NTSYSAPI NTSTATUS NTAPI NtBenchControl(ULONG Operation, ULONG Argument);

/* processes, threads, waits, APCs, synchronization objects, virtual memory (docs/processes.md);
   constants and structures in inc/ntpsapi.h */
#include "ntpsapi.h"
NTSYSAPI NTSTATUS NTAPI NtCreateUserProcessFromPath(PHANDLE ProcessHandle, PHANDLE ThreadHandle,
                                                    ACCESS_MASK ProcessDesiredAccess, ACCESS_MASK ThreadDesiredAccess,
                                                    PUNICODE_STRING ImagePath, PUNICODE_STRING CommandLine,
                                                    ULONG ThreadFlags, PCLIENT_ID ClientId);
/* by id: ObjectAttributes without a name, ClientId->UniqueProcess (docs/processes.md) */
NTSYSAPI NTSTATUS NTAPI NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                      PCLIENT_ID ClientId);
NTSYSAPI NTSTATUS NTAPI NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                                  PVOID ProcessInformation, ULONG ProcessInformationLength,
                                                  PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtCreateThread(PHANDLE ThreadHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                       HANDLE ProcessHandle, PCLIENT_ID ClientId, PCONTEXT ThreadContext,
                                       PINITIAL_TEB InitialTeb, BOOLEAN CreateSuspended);
NTSYSAPI NTSTATUS NTAPI NtTerminateThread(HANDLE ThreadHandle, NTSTATUS ExitStatus);
NTSYSAPI NTSTATUS NTAPI NtSuspendThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount);
NTSYSAPI NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount);
NTSYSAPI NTSTATUS NTAPI NtAlertThread(HANDLE ThreadHandle);
NTSYSAPI NTSTATUS NTAPI NtQueueApcThread(HANDLE ThreadHandle, PPS_APC_ROUTINE ApcRoutine, PVOID ApcArgument1,
                                         PVOID ApcArgument2, PVOID ApcArgument3);
NTSYSAPI NTSTATUS NTAPI NtQueryInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                                 PVOID ThreadInformation, ULONG ThreadInformationLength, PULONG ReturnLength);
NTSYSAPI NTSTATUS NTAPI NtSetInformationThread(HANDLE ThreadHandle, THREADINFOCLASS ThreadInformationClass,
                                               PVOID ThreadInformation, ULONG ThreadInformationLength);
NTSYSAPI NTSTATUS NTAPI NtGetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext);
NTSYSAPI NTSTATUS NTAPI NtSetContextThread(HANDLE ThreadHandle, PCONTEXT ThreadContext);
NTSYSAPI NTSTATUS NTAPI NtDelayExecution(BOOLEAN Alertable, PLARGE_INTEGER DelayInterval);
NTSYSAPI NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable, PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE Handles[], WAIT_TYPE WaitType, BOOLEAN Alertable,
                                                 PLARGE_INTEGER Timeout);
NTSYSAPI NTSTATUS NTAPI NtCreateEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                      EVENT_TYPE EventType, BOOLEAN InitialState);
NTSYSAPI NTSTATUS NTAPI NtSetEvent(HANDLE EventHandle, PLONG PreviousState);
NTSYSAPI NTSTATUS NTAPI NtResetEvent(HANDLE EventHandle, PLONG PreviousState);
NTSYSAPI NTSTATUS NTAPI NtPulseEvent(HANDLE EventHandle, PLONG PreviousState);
NTSYSAPI NTSTATUS NTAPI NtCreateSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess,
                                          POBJECT_ATTRIBUTES ObjectAttributes, LONG InitialCount, LONG MaximumCount);
NTSYSAPI NTSTATUS NTAPI NtReleaseSemaphore(HANDLE SemaphoreHandle, LONG ReleaseCount, PLONG PreviousCount);
NTSYSAPI NTSTATUS NTAPI NtCreateMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                       BOOLEAN InitialOwner);
NTSYSAPI NTSTATUS NTAPI NtReleaseMutant(HANDLE MutantHandle, PLONG PreviousCount);
NTSYSAPI NTSTATUS NTAPI NtCreateTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                      TIMER_TYPE TimerType);
NTSYSAPI NTSTATUS NTAPI NtSetTimer(HANDLE TimerHandle, PLARGE_INTEGER DueTime, PTIMER_APC_ROUTINE TimerApcRoutine,
                                   PVOID TimerContext, BOOLEAN ResumeTimer, LONG Period, PBOOLEAN PreviousState);
NTSYSAPI NTSTATUS NTAPI NtCancelTimer(HANDLE TimerHandle, PBOOLEAN CurrentState);
NTSYSAPI NTSTATUS NTAPI NtDuplicateObject(HANDLE SourceProcessHandle, HANDLE SourceHandle, HANDLE TargetProcessHandle,
                                          PHANDLE TargetHandle, ACCESS_MASK DesiredAccess, ULONG HandleAttributes,
                                          ULONG Options);
/* named objects (ob/obdir.c): "\\BaseNamedObjects\\Name" with OBJ_CASE_INSENSITIVE / OBJ_OPENIF */
NTSYSAPI NTSTATUS NTAPI NtOpenEvent(PHANDLE EventHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtOpenSemaphore(PHANDLE SemaphoreHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtOpenMutant(PHANDLE MutantHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtOpenTimer(PHANDLE TimerHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtOpenDirectoryObject(PHANDLE DirectoryHandle, ACCESS_MASK DesiredAccess,
                                              POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtAllocateVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                                PSIZE_T RegionSize, ULONG AllocationType, ULONG Protect);
NTSYSAPI NTSTATUS NTAPI NtFreeVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize, ULONG FreeType);
NTSYSAPI NTSTATUS NTAPI NtProtectVirtualMemory(HANDLE ProcessHandle, PVOID *BaseAddress, PSIZE_T RegionSize,
                                               ULONG NewProtect, PULONG OldProtect);
NTSYSAPI NTSTATUS NTAPI NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                        PLARGE_INTEGER MaximumSize, ULONG SectionPageProtection, ULONG AllocationAttributes,
                                        HANDLE FileHandle);
NTSYSAPI NTSTATUS NTAPI NtOpenSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                           SIZE_T CommitSize, PLARGE_INTEGER SectionOffset, PSIZE_T ViewSize,
                                           SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect);
NTSYSAPI NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress);
NTSYSAPI NTSTATUS NTAPI NtQuerySection(HANDLE SectionHandle, SECTION_INFORMATION_CLASS SectionInformationClass,
                                       PVOID SectionInformation, SIZE_T SectionInformationLength, PSIZE_T ResultLength);

/* ntdll thread creation (user/ntdll/thread.c) */
typedef ULONG (NTAPI *PUSER_THREAD_START_ROUTINE)(PVOID Parameter);
NTSTATUS NTAPI RtlCreateUserThread(HANDLE ProcessHandle, PVOID SecurityDescriptor, BOOLEAN CreateSuspended,
                                   ULONG StackZeroBits, SIZE_T StackReserve, SIZE_T StackCommit,
                                   PUSER_THREAD_START_ROUTINE StartAddress, PVOID Parameter, PHANDLE ThreadHandle,
                                   PCLIENT_ID ClientId);
VOID NTAPI RtlExitUserThread(NTSTATUS ExitStatus);

/* file I/O (io/, docs/io.md); constants and structures in inc/ntioapi.h */
#include "ntioapi.h"
NTSYSAPI NTSTATUS NTAPI NtCreateFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                     PIO_STATUS_BLOCK IoStatusBlock, PLARGE_INTEGER AllocationSize, ULONG FileAttributes,
                                     ULONG ShareAccess, ULONG CreateDisposition, ULONG CreateOptions, PVOID EaBuffer,
                                     ULONG EaLength);
NTSYSAPI NTSTATUS NTAPI NtOpenFile(PHANDLE FileHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                   PIO_STATUS_BLOCK IoStatusBlock, ULONG ShareAccess, ULONG OpenOptions);
NTSYSAPI NTSTATUS NTAPI NtReadFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                   PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                                   PULONG Key);
NTSYSAPI NTSTATUS NTAPI NtWriteFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                    PIO_STATUS_BLOCK IoStatusBlock, PVOID Buffer, ULONG Length, PLARGE_INTEGER ByteOffset,
                                    PULONG Key);
NTSYSAPI NTSTATUS NTAPI NtQueryInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation,
                                               ULONG Length, FILE_INFORMATION_CLASS FileInformationClass);
NTSYSAPI NTSTATUS NTAPI NtSetInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation,
                                             ULONG Length, FILE_INFORMATION_CLASS FileInformationClass);
NTSYSAPI NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                             PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation, ULONG Length,
                                             FILE_INFORMATION_CLASS FileInformationClass, BOOLEAN ReturnSingleEntry,
                                             PUNICODE_STRING FileName, BOOLEAN RestartScan);
NTSYSAPI NTSTATUS NTAPI NtFlushBuffersFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock);
NTSYSAPI NTSTATUS NTAPI NtDeleteFile(POBJECT_ATTRIBUTES ObjectAttributes);
NTSYSAPI NTSTATUS NTAPI NtQueryVolumeInformationFile(HANDLE FileHandle, PIO_STATUS_BLOCK IoStatusBlock, PVOID FsInformation,
                                                     ULONG Length, FS_INFORMATION_CLASS FsInformationClass);
/* NanoNT raw-disk diagnostic (io/iodiag.c): Operation NANO_DISK_*; *Result = TSC ticks spent
   (or the sector count for NANO_DISK_QUERY). */
#define NANO_DISK_READ    0
#define NANO_DISK_REWRITE 1
#define NANO_DISK_FLUSH   2
#define NANO_DISK_QUERY   3
#define NANO_DISK_COUNTER 4   /* *Result = counter Lba: 0 commands, 1 sectors read, 2 written, 3 bounce bytes */
NTSYSAPI NTSTATUS NTAPI NtNanoDiskControl(ULONG Operation, ULONG Lba, ULONG SectorCount, PULONGLONG Result);

/* flush the disk, then stop the machine (ex/shutdown.c) */
typedef enum _SHUTDOWN_ACTION { ShutdownNoReboot, ShutdownReboot, ShutdownPowerOff } SHUTDOWN_ACTION;
NTSYSAPI NTSTATUS NTAPI NtShutdownSystem(SHUTDOWN_ACTION Action);
/* the one class is SystemNanoNtTraceFilter (ex/sysinfo.c) */
NTSYSAPI NTSTATUS NTAPI NtSetSystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                               ULONG SystemInformationLength);

#define SystemBasicInformation 0
#define SystemCallCountInformation 6
#define SystemNanoNtPoolInformation 0x1000
#define SystemNanoNtThreadInformation 0x1001
#define SystemNanoNtPoolTagInformation 0x1002   /* ULONG Count, then Count (Tag, Bytes) pairs */
#define SystemNanoNtTraceFilter 0x1003          /* set: "+NAME", "-NAME", "all", "none", NAME,NAME (ke/tracectl.c) */

/* SystemCallCountInformation as NT lays it out (ntexapi.h): this header, then
   ULONG NumberOfEntries[NumberOfTables] (each table's limit, 0 for an empty slot), then the
   tables' call counters one table after the other (NumberOfEntries[t] ULONGs for table t). */
typedef struct _SYSTEM_CALL_COUNT_INFORMATION {
    ULONG Length;
    ULONG NumberOfTables;
} SYSTEM_CALL_COUNT_INFORMATION, *PSYSTEM_CALL_COUNT_INFORMATION;

/* The counter of service Index of table Table in a SystemCallCountInformation buffer, or
   0xFFFFFFFF if the buffer has no such counter. */
static inline ULONG NanoCallCount(const VOID *Buffer, ULONG Table, ULONG Index)
{
    const SYSTEM_CALL_COUNT_INFORMATION *info = Buffer;
    const ULONG *entries = (const ULONG *)(info + 1);
    const ULONG *counts = entries + info->NumberOfTables;
    if (Table >= info->NumberOfTables || Index >= entries[Table])
        return 0xFFFFFFFF;
    for (ULONG t = 0; t < Table; t++)
        counts += entries[t];
    return counts[Index];
}

/* ntdll entry points (user/ntdll), whose addresses programs compare with what the kernel reports */
NTSYSAPI VOID KiFastSystemCall(VOID);
NTSYSAPI VOID KiFastSystemCallRet(VOID);
NTSYSAPI VOID KiIntSystemCall(VOID);
NTSYSAPI VOID KiUserApcDispatcher(VOID);
NTSYSAPI VOID KiUserExceptionDispatcher(VOID);
NTSYSAPI VOID RtlUserThreadStart(VOID);   /* EAX = start routine, EBX = parameter (RtlCreateUserThread) */
/* Make a service call through a chosen entry: Path 0 sysenter, 1 int 2Eh. */
NTSTATUS NanoSystemCall(ULONG Path, ULONG Number, ULONG ArgumentCount, const ULONG *Arguments);

/* NT's process creation (ps/pssvc.c, mm/vmcopy.c) and its user-mode half (user/ntdll/process.c) */
NTSYSAPI NTSTATUS NTAPI NtCreateProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                        HANDLE ParentProcess, BOOLEAN InheritObjectTable, HANDLE SectionHandle,
                                        HANDLE DebugPort, HANDLE ExceptionPort);
NTSYSAPI NTSTATUS NTAPI NtCreateProcessEx(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                          HANDLE ParentProcess, ULONG Flags, HANDLE SectionHandle, HANDLE DebugPort,
                                          HANDLE ExceptionPort, ULONG JobMemberLevel);
NTSYSAPI NTSTATUS NTAPI NtReadVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer, SIZE_T NumberOfBytesToRead,
                                            PSIZE_T NumberOfBytesRead);
NTSYSAPI NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer,
                                             SIZE_T NumberOfBytesToWrite, PSIZE_T NumberOfBytesWritten);
typedef struct _RTL_USER_PROCESS_INFORMATION {
    ULONG Length;
    HANDLE Process;
    HANDLE Thread;
    CLIENT_ID ClientId;
    SECTION_IMAGE_INFORMATION ImageInformation;
} RTL_USER_PROCESS_INFORMATION, *PRTL_USER_PROCESS_INFORMATION;
NTSTATUS NTAPI RtlCreateProcessParameters(PRTL_USER_PROCESS_PARAMETERS *ProcessParameters,
                                          PUNICODE_STRING ImagePathName, PUNICODE_STRING DllPath,
                                          PUNICODE_STRING CurrentDirectory, PUNICODE_STRING CommandLine,
                                          PVOID Environment, PUNICODE_STRING WindowTitle, PUNICODE_STRING DesktopInfo,
                                          PUNICODE_STRING ShellInfo, PUNICODE_STRING RuntimeData);
NTSTATUS NTAPI RtlDestroyProcessParameters(PRTL_USER_PROCESS_PARAMETERS ProcessParameters);
NTSTATUS NTAPI RtlCreateUserProcess(PUNICODE_STRING NtImagePathName, ULONG Attributes,
                                    PRTL_USER_PROCESS_PARAMETERS ProcessParameters, PVOID ProcessSecurityDescriptor,
                                    PVOID ThreadSecurityDescriptor, HANDLE ParentProcess, BOOLEAN InheritHandles,
                                    HANDLE DebugPort, HANDLE ExceptionPort,
                                    PRTL_USER_PROCESS_INFORMATION ProcessInformation);

/* heaps (user/ntdll/heap.c) */
#define HEAP_NO_SERIALIZE 0x00000001
#define HEAP_GROWABLE     0x00000002
#define HEAP_ZERO_MEMORY  0x00000008
PVOID NTAPI RtlCreateHeap(ULONG Flags, PVOID HeapBase, SIZE_T ReserveSize, SIZE_T CommitSize, PVOID Lock,
                          PVOID Parameters);
PVOID NTAPI RtlDestroyHeap(PVOID HeapHandle);
PVOID NTAPI RtlAllocateHeap(PVOID HeapHandle, ULONG Flags, SIZE_T Size);
BOOLEAN NTAPI RtlFreeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress);
PVOID NTAPI RtlReAllocateHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress, SIZE_T Size);
SIZE_T NTAPI RtlSizeHeap(PVOID HeapHandle, ULONG Flags, PVOID BaseAddress);

/* the user-mode loader (user/ntdll/ldr.c) */
#include "ntldr.h"
NTSTATUS NTAPI LdrLoadDll(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle);
NTSTATUS NTAPI LdrUnloadDll(PVOID DllHandle);
NTSTATUS NTAPI LdrGetDllHandle(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName,
                               PVOID *DllHandle);
NTSTATUS NTAPI LdrGetProcedureAddress(PVOID DllHandle, PANSI_STRING ProcedureName, ULONG ProcedureNumber,
                                      PVOID *ProcedureAddress);
VOID NTAPI LdrShutdownProcess(VOID);
VOID NTAPI LdrShutdownThread(VOID);
VOID NTAPI LdrInitializeThunk(PVOID NormalContext, PVOID SystemArgument1, PVOID SystemArgument2);

/* strings and memory (user/ntdll/rtlstr.c; RtlInitUnicodeString and the comparisons are rtl/unicode.c's) */
VOID NTAPI RtlInitAnsiString(PANSI_STRING DestinationString, PCSTR SourceString);
VOID NTAPI RtlInitString(PANSI_STRING DestinationString, PCSTR SourceString);
VOID NTAPI RtlCopyUnicodeString(PUNICODE_STRING DestinationString, PCUNICODE_STRING SourceString);
NTSTATUS NTAPI RtlAnsiStringToUnicodeString(PUNICODE_STRING DestinationString, PANSI_STRING SourceString,
                                            BOOLEAN AllocateDestinationString);
NTSTATUS NTAPI RtlUnicodeStringToAnsiString(PANSI_STRING DestinationString, PCUNICODE_STRING SourceString,
                                            BOOLEAN AllocateDestinationString);
VOID NTAPI RtlFreeUnicodeString(PUNICODE_STRING UnicodeString);
VOID NTAPI RtlFreeAnsiString(PANSI_STRING AnsiString);
BOOLEAN NTAPI RtlCreateUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);
SIZE_T NTAPI RtlCompareMemory(const VOID *Source1, const VOID *Source2, SIZE_T Length);
VOID NTAPI RtlFillMemory(PVOID Destination, SIZE_T Length, UCHAR Fill);
VOID NTAPI RtlZeroMemory(PVOID Destination, SIZE_T Length);
VOID NTAPI RtlMoveMemory(PVOID Destination, const VOID *Source, SIZE_T Length);
ULONG NTAPI RtlNtStatusToDosError(NTSTATUS Status);
PPEB NTAPI RtlGetCurrentPeb(VOID);
DECLSPEC_NORETURN VOID NTAPI RtlRaiseStatus(NTSTATUS Status);
VOID NTAPI RtlRaiseException(PEXCEPTION_RECORD ExceptionRecord);
VOID NTAPI DbgBreakPoint(VOID);

/* exceptions */
#define EXCEPTION_CONTINUE_EXECUTION (-1)
#define EXCEPTION_CONTINUE_SEARCH 0
typedef LONG (NTAPI *PVECTORED_EXCEPTION_HANDLER)(PEXCEPTION_POINTERS ExceptionInfo);
PVOID NTAPI RtlAddVectoredExceptionHandler(ULONG First, PVECTORED_EXCEPTION_HANDLER Handler);
ULONG NTAPI RtlRemoveVectoredExceptionHandler(PVOID Handle);
BOOLEAN NTAPI RtlDispatchException(PEXCEPTION_RECORD ExceptionRecord, PCONTEXT Context);

/* console output */
ULONG DbgPrint(PCSTR Format, ...) __attribute__((format(printf, 1, 2)));
ULONG DbgPrintV(PCSTR Format, va_list Arguments);

static inline PTEB NtCurrentTeb(VOID)
{
    PTEB teb;
    __asm__ volatile("movl %%fs:0x18, %0" : "=r"(teb));
    return teb;
}
#define NtCurrentPeb() (NtCurrentTeb()->ProcessEnvironmentBlock)
/* SharedUserData as user mode sees it (read-only), in WRK's layout (inc/ke.h) */
#define USER_SHARED_DATA ((const volatile KUSER_SHARED_DATA *)MM_SHARED_USER_DATA_VA)

#endif

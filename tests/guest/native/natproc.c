/*
 * natproc.c - NT's process creation from user mode (disk=yes), built only against mingw-w64's
 * headers and libntdll.a: RtlCreateProcessParameters + RtlCreateUserProcess (NtOpenFile,
 * NtCreateSection, NtCreateProcess, NtWriteVirtualMemory, NtCreateThread underneath),
 * NtCreateProcessEx's refusals, NtReadVirtualMemory / NtWriteVirtualMemory on the new process,
 * and children whose loader fails.
 */
#include "nttest.h"

typedef struct _NT_SECTION_IMAGE_INFORMATION {
    PVOID TransferAddress;
    ULONG ZeroBits;
    ULONG MaximumStackSize;
    ULONG CommittedStackSize;
    ULONG SubSystemType;
    ULONG SubSystemVersion;
    ULONG GpValue;
    USHORT ImageCharacteristics, DllCharacteristics;
    USHORT Machine;
    BOOLEAN ImageContainsCode, Spare1;
    ULONG LoaderFlags, ImageFileSize, Reserved;
} NT_SECTION_IMAGE_INFORMATION;
typedef struct _NT_RTL_USER_PROCESS_INFORMATION {
    ULONG Length;
    HANDLE Process;
    HANDLE Thread;
    NT_CLIENT_ID ClientId;
    NT_SECTION_IMAGE_INFORMATION ImageInformation;
} NT_RTL_USER_PROCESS_INFORMATION;

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
                                    NT_RTL_USER_PROCESS_INFORMATION *ProcessInformation);
NTSTATUS NTAPI NtCreateProcessEx(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                 HANDLE ParentProcess, ULONG Flags, HANDLE SectionHandle, HANDLE DebugPort,
                                 HANDLE ExceptionPort, ULONG JobMemberLevel);
NTSTATUS NTAPI NtResumeThread(HANDLE ThreadHandle, PULONG PreviousSuspendCount);
NTSTATUS NTAPI NtReadVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer, SIZE_T NumberOfBytesToRead,
                                   PSIZE_T NumberOfBytesRead);
NTSTATUS NTAPI NtWriteVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, PVOID Buffer,
                                    SIZE_T NumberOfBytesToWrite, PSIZE_T NumberOfBytesWritten);

/* Start Path with Command as its command line; leave the suspended child in *Info. */
static NTSTATUS Create(PCWSTR Path, PCWSTR Command, NT_RTL_USER_PROCESS_INFORMATION *Info)
{
    UNICODE_STRING path, command;
    RtlInitUnicodeString(&path, Path);
    RtlInitUnicodeString(&command, Command);
    PRTL_USER_PROCESS_PARAMETERS params;
    NTSTATUS status = RtlCreateProcessParameters(&params, &path, NULL, NULL, &command, NULL, NULL, NULL, NULL, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = RtlCreateUserProcess(&path, OBJ_CASE_INSENSITIVE, params, NULL, NULL, NULL, FALSE, NULL, NULL, Info);
    RtlDestroyProcessParameters(params);
    return status;
}

/* Resume the child, wait for it, close both handles; its exit status. */
static NTSTATUS RunToEnd(NT_RTL_USER_PROCESS_INFORMATION *Info)
{
    NtResumeThread(Info->Thread, NULL);
    NtWaitForSingleObject(Info->Process, FALSE, NULL);
    PROCESS_BASIC_INFORMATION basic;
    NTSTATUS status = NtQueryInformationProcess(Info->Process, ProcessBasicInformation, &basic, sizeof(basic), NULL);
    NtClose(Info->Thread);
    NtClose(Info->Process);
    return NT_SUCCESS(status) ? basic.ExitStatus : status;
}

static void UserProcess(void)
{
    NT_RTL_USER_PROCESS_INFORMATION info;
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natchild.exe", L"natchild.exe magic", &info), STATUS_SUCCESS);
    NT_CHECK(info.Length == sizeof(info) && info.Process && info.Thread && info.ClientId.UniqueProcess);
    NT_CHECK(info.ImageInformation.SubSystemType == 1);          /* IMAGE_SUBSYSTEM_NATIVE */
    NT_CHECK(info.ImageInformation.Machine == 0x14C);
    NT_CHECK_STATUS(RunToEnd(&info), 0x600D);
    /* a second one, with another command line: its parameters are its own */
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natchild.exe", L"natchild.exe tragic", &info), STATUS_SUCCESS);
    NT_CHECK_STATUS(RunToEnd(&info), 0xBAD);
}

static void OtherProcessMemory(void)
{
    NT_RTL_USER_PROCESS_INFORMATION info;
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natchild.exe", L"natchild.exe magic", &info), STATUS_SUCCESS);
    PROCESS_BASIC_INFORMATION basic;
    NT_CHECK_STATUS(NtQueryInformationProcess(info.Process, ProcessBasicInformation, &basic, sizeof(basic), NULL),
                    STATUS_SUCCESS);
    PVOID fields[5];
    SIZE_T done = 0;
    NT_CHECK_STATUS(NtReadVirtualMemory(info.Process, basic.PebBaseAddress, fields, sizeof(fields), &done),
                    STATUS_SUCCESS);
    NT_CHECK(done == sizeof(fields));
    NT_CHECK(fields[2] == (PVOID)0x00400000);                     /* ImageBaseAddress */
    NT_CHECK(fields[4] != NULL);                                  /* ProcessParameters, written by ntdll */
    USHORT mz = 0;
    NT_CHECK_STATUS(NtReadVirtualMemory(info.Process, (PVOID)0x00400000, &mz, 2, NULL), STATUS_SUCCESS);
    NT_CHECK(mz == 0x5A4D);
    /* the child's read-only pages and ntdll's shared ones cannot be written */
    NT_CHECK_STATUS(NtWriteVirtualMemory(info.Process, (PVOID)0x00400000, &mz, 2, &done), STATUS_PARTIAL_COPY);
    NT_CHECK(done == 0);
    NT_CHECK_STATUS(NtWriteVirtualMemory(info.Process, (PVOID)0x77F01000, &mz, 2, NULL), STATUS_PARTIAL_COPY);
    /* unmapped memory, kernel addresses, a bad buffer of ours */
    NT_CHECK_STATUS(NtReadVirtualMemory(info.Process, (PVOID)0x10000000, &mz, 2, NULL), STATUS_PARTIAL_COPY);
    NT_CHECK_STATUS(NtReadVirtualMemory(info.Process, (PVOID)0x80001000, &mz, 2, NULL), STATUS_ACCESS_VIOLATION);
    NT_CHECK_STATUS(NtReadVirtualMemory(info.Process, basic.PebBaseAddress, (PVOID)0x10, 4, NULL),
                    STATUS_ACCESS_VIOLATION);
    /* a writable page of the child: its PEB, read back */
    ULONG mark = 0x12345678, back = 0;
    PVOID where = (PUCHAR)basic.PebBaseAddress + 0x200;
    NT_CHECK_STATUS(NtWriteVirtualMemory(info.Process, where, &mark, 4, NULL), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtReadVirtualMemory(info.Process, where, &back, 4, NULL), STATUS_SUCCESS);
    NT_CHECK(back == mark);
    NT_CHECK_STATUS(RunToEnd(&info), 0x600D);
}

static void CreateProcessRefusals(void)
{
    HANDLE process, section;
    NT_CHECK_STATUS(NtCreateProcessEx(&process, PROCESS_ALL_ACCESS, NULL, NtCurrentProcess(), 0, NULL, NULL, NULL, 0),
                    STATUS_NOT_IMPLEMENTED);
    LARGE_INTEGER size = { .QuadPart = 0x10000 };
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL),
                    STATUS_SUCCESS);
    NT_CHECK_STATUS(NtCreateProcessEx(&process, PROCESS_ALL_ACCESS, NULL, NtCurrentProcess(), 0, section, NULL, NULL,
                                      0), STATUS_SECTION_NOT_IMAGE);
    NT_CHECK_STATUS(NtCreateProcessEx(&process, PROCESS_ALL_ACCESS, NULL, NULL, 0, section, NULL, NULL, 0),
                    STATUS_INVALID_HANDLE);
    NtClose(section);
    /* a DLL's image section: no process */
    UNICODE_STRING name;
    RtlInitUnicodeString(&name, L"\\SystemRoot\\system32\\natdlla.dll");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    IO_STATUS_BLOCK io;
    HANDLE file;
    NT_CHECK_STATUS(NtOpenFile(&file, FILE_EXECUTE | SYNCHRONIZE, &oa, &io, FILE_SHARE_READ,
                               FILE_SYNCHRONOUS_IO_NONALERT), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, file),
                    STATUS_SUCCESS);
    NtClose(file);
    NT_CHECK_STATUS(NtCreateProcessEx(&process, PROCESS_ALL_ACCESS, NULL, NtCurrentProcess(), 0, section, NULL, NULL,
                                      0), STATUS_INVALID_IMAGE_FORMAT);
    NtClose(section);
    /* missing and bad executables */
    NT_RTL_USER_PROCESS_INFORMATION info;
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natnosuch.exe", L"x", &info), STATUS_OBJECT_NAME_NOT_FOUND);
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natbad.dll", L"x", &info), STATUS_INVALID_IMAGE_FORMAT);
}

static void ChildLoaderFailures(void)
{
    NT_RTL_USER_PROCESS_INFORMATION info;
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natmissdll.exe", L"natmissdll.exe", &info), STATUS_SUCCESS);
    NT_CHECK_STATUS(RunToEnd(&info), STATUS_DLL_NOT_FOUND);
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natmissexp.exe", L"natmissexp.exe", &info), STATUS_SUCCESS);
    NT_CHECK_STATUS(RunToEnd(&info), STATUS_ENTRYPOINT_NOT_FOUND);
    NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natbadimp.exe", L"natbadimp.exe", &info), STATUS_SUCCESS);
    NT_CHECK_STATUS(RunToEnd(&info), STATUS_INVALID_IMAGE_FORMAT);
}

static void ManyProcesses(void)
{
    for (ULONG i = 0; i < 50; i++) {
        NT_RTL_USER_PROCESS_INFORMATION info;
        NT_CHECK_STATUS(Create(L"\\SystemRoot\\system32\\natchild.exe", L"natchild.exe magic", &info),
                        STATUS_SUCCESS);
        NT_CHECK_STATUS(RunToEnd(&info), 0x600D);
    }
}

/* NanoNT's pool counters (NtQuerySystemInformation class 0x1000, docs/processes.md): the
   allocations in use, to see that thread-less processes leave nothing behind */
static ULONG PoolAllocationsInUse(void)
{
    ULONG usage[5] = { 0 };
    ULONG length;
    if (!NT_SUCCESS(NtQuerySystemInformation((SYSTEM_INFORMATION_CLASS)0x1000, usage, sizeof(usage), &length)))
        return 0;
    return usage[1];
}

static void ThreadlessProcesses(void)
{
    UNICODE_STRING name;
    RtlInitUnicodeString(&name, L"\\SystemRoot\\system32\\natchild.exe");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    IO_STATUS_BLOCK io;
    HANDLE file, section, process;
    NT_CHECK_STATUS(NtOpenFile(&file, FILE_EXECUTE | SYNCHRONIZE, &oa, &io, FILE_SHARE_READ,
                               FILE_SYNCHRONOUS_IO_NONALERT), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, file),
                    STATUS_SUCCESS);
    NtClose(file);
    /* warm up, then 100 processes made and dropped without a thread */
    NT_CHECK_STATUS(NtCreateProcessEx(&process, PROCESS_ALL_ACCESS, NULL, NtCurrentProcess(), 0, section, NULL, NULL,
                                      0), STATUS_SUCCESS);
    NtClose(process);
    ULONG before = PoolAllocationsInUse();
    for (ULONG i = 0; i < 100; i++) {
        NT_CHECK_STATUS(NtCreateProcessEx(&process, PROCESS_ALL_ACCESS, NULL, NtCurrentProcess(), 0, section, NULL,
                                          NULL, 0), STATUS_SUCCESS);
        PROCESS_BASIC_INFORMATION basic;
        NT_CHECK_STATUS(NtQueryInformationProcess(process, ProcessBasicInformation, &basic, sizeof(basic), NULL),
                        STATUS_SUCCESS);
        NT_CHECK(basic.ExitStatus == STATUS_PENDING);
        NT_CHECK_STATUS(NtClose(process), STATUS_SUCCESS);
    }
    NtClose(section);
    ULONG after = PoolAllocationsInUse();
    if (after > before + 2)
        DbgPrint("pool allocations: %lu before, %lu after\n", (unsigned long)before, (unsigned long)after);
    NT_CHECK(after <= before + 2);
}

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    NT_RUN(UserProcess);
    NT_RUN(OtherProcessMemory);
    NT_RUN(CreateProcessRefusals);
    NT_RUN(ChildLoaderFailures);
    NT_RUN(ThreadlessProcesses);
    NT_RUN(ManyProcesses);
    NtTestFinish();
}

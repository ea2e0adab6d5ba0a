/*
 * process.c - creating a process from user mode as NT 5.2's ntdll does: RtlCreateProcessParameters
 * builds the parameter block (one heap block, the strings after the structure),
 * RtlCreateUserProcess opens the image, makes an image section, a process around it
 * (NtCreateProcess), copies the parameters into it (NtAllocateVirtualMemory +
 * NtWriteVirtualMemory, PEB->ProcessParameters) and makes its initial thread, suspended
 * (RtlCreateUserThread at the image's entry with the PEB as parameter; the kernel queues the
 * loader APC to it, so ntdll's loader runs first in the new process and calls the entry as
 * NtProcessStartup(PPEB)).
 */
#include "ntdll.h"
#include "ntdllp.h"

#define RTLP_PARAMS_ALIGN(x) (((x) + 3) & ~3u)

/* Copy Source (may be NULL or empty) into the block at *Cursor, NUL-terminated. */
static VOID RtlpCopyParameterString(PUNICODE_STRING Destination, PCUNICODE_STRING Source, PUCHAR *Cursor)
{
    USHORT length = Source && Source->Buffer ? Source->Length : 0;
    Destination->Buffer = (PWSTR)*Cursor;
    Destination->Length = length;
    Destination->MaximumLength = (USHORT)(length + sizeof(WCHAR));
    if (length)
        memcpy(*Cursor, Source->Buffer, length);
    ((PWSTR)*Cursor)[length / sizeof(WCHAR)] = 0;
    *Cursor += RTLP_PARAMS_ALIGN(length + sizeof(WCHAR));
}

/*
 * RtlCreateProcessParameters - In: the image path (required), DllPath, CurrentDirectory (NULL:
 * the caller's own), CommandLine (NULL: the image path), Environment (NanoNT has no environment
 * blocks: ignored, the new process gets none), WindowTitle, DesktopInfo, ShellInfo, RuntimeData
 * (each optional). Out: one process-heap block (free it with RtlDestroyProcessParameters) holding
 * RTL_USER_PROCESS_PARAMETERS and its strings, normalized (pointers are addresses). Result:
 * STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY.
 */
NTSTATUS NTAPI RtlCreateProcessParameters(PRTL_USER_PROCESS_PARAMETERS *ProcessParameters,
                                          PUNICODE_STRING ImagePathName, PUNICODE_STRING DllPath,
                                          PUNICODE_STRING CurrentDirectory, PUNICODE_STRING CommandLine,
                                          PVOID Environment, PUNICODE_STRING WindowTitle, PUNICODE_STRING DesktopInfo,
                                          PUNICODE_STRING ShellInfo, PUNICODE_STRING RuntimeData)
{
    UNREFERENCED_PARAMETER(Environment);
    if (!ProcessParameters || !ImagePathName || !ImagePathName->Buffer)
        return STATUS_INVALID_PARAMETER;
    PRTL_USER_PROCESS_PARAMETERS own = NtCurrentPeb()->ProcessParameters;
    if (!CurrentDirectory && own)
        CurrentDirectory = &own->CurrentDirectoryPath;
    if (!DllPath && own)
        DllPath = &own->DllPath;
    if (!CommandLine)
        CommandLine = ImagePathName;
    PCUNICODE_STRING strings[] = { CurrentDirectory, DllPath, ImagePathName, CommandLine,
                                   WindowTitle, DesktopInfo, ShellInfo, RuntimeData };
    ULONG size = RTLP_PARAMS_ALIGN(sizeof(RTL_USER_PROCESS_PARAMETERS));
    for (ULONG i = 0; i < ARRAYSIZE(strings); i++)
        size += RTLP_PARAMS_ALIGN((strings[i] && strings[i]->Buffer ? strings[i]->Length : 0) + sizeof(WCHAR));
    PRTL_USER_PROCESS_PARAMETERS p = RtlAllocateHeap(NtCurrentPeb()->ProcessHeap, HEAP_ZERO_MEMORY, size);
    if (!p)
        return STATUS_NO_MEMORY;
    p->MaximumLength = p->Length = size;
    p->Flags = RTL_USER_PROC_PARAMS_NORMALIZED;
    PUCHAR cursor = (PUCHAR)p + RTLP_PARAMS_ALIGN(sizeof(RTL_USER_PROCESS_PARAMETERS));
    RtlpCopyParameterString(&p->CurrentDirectoryPath, CurrentDirectory, &cursor);
    RtlpCopyParameterString(&p->DllPath, DllPath, &cursor);
    RtlpCopyParameterString(&p->ImagePathName, ImagePathName, &cursor);
    RtlpCopyParameterString(&p->CommandLine, CommandLine, &cursor);
    RtlpCopyParameterString(&p->WindowTitle, WindowTitle, &cursor);
    RtlpCopyParameterString(&p->DesktopInfo, DesktopInfo, &cursor);
    RtlpCopyParameterString(&p->ShellInfo, ShellInfo, &cursor);
    RtlpCopyParameterString(&p->RuntimeData, RuntimeData, &cursor);
    *ProcessParameters = p;
    return STATUS_SUCCESS;
}

NTSTATUS NTAPI RtlDestroyProcessParameters(PRTL_USER_PROCESS_PARAMETERS ProcessParameters)
{
    RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, ProcessParameters);
    return STATUS_SUCCESS;
}

/* Rebase a string of a normalized block at Local to the block's address Remote. */
static VOID RtlpRebaseString(PUNICODE_STRING String, PUCHAR Local, ULONG Size, ULONG Remote)
{
    ULONG offset = (ULONG)String->Buffer - (ULONG)Local;
    String->Buffer = String->Buffer && offset < Size ? (PWSTR)(Remote + offset) : NULL;
}

/*
 * RtlpCopyParametersToProcess - the parameter block into Process at a new allocation, its string
 * pointers rebased to that address (still normalized), and PEB->ProcessParameters set.
 */
static NTSTATUS RtlpCopyParametersToProcess(HANDLE Process, PRTL_USER_PROCESS_PARAMETERS Parameters, PPEB Peb)
{
    ULONG size = Parameters->Length;
    if (size < sizeof(RTL_USER_PROCESS_PARAMETERS) || !(Parameters->Flags & RTL_USER_PROC_PARAMS_NORMALIZED))
        return STATUS_INVALID_PARAMETER;
    PVOID remote = NULL;
    SIZE_T remoteSize = size;
    NTSTATUS status = NtAllocateVirtualMemory(Process, &remote, 0, &remoteSize, MEM_RESERVE | MEM_COMMIT,
                                              PAGE_READWRITE);
    if (!NT_SUCCESS(status))
        return status;
    PRTL_USER_PROCESS_PARAMETERS copy = RtlAllocateHeap(NtCurrentPeb()->ProcessHeap, 0, size);
    if (!copy)
        return STATUS_NO_MEMORY;
    memcpy(copy, Parameters, size);
    PUNICODE_STRING strings[] = { &copy->CurrentDirectoryPath, &copy->DllPath, &copy->ImagePathName,
                                  &copy->CommandLine, &copy->WindowTitle, &copy->DesktopInfo, &copy->ShellInfo,
                                  &copy->RuntimeData };
    for (ULONG i = 0; i < ARRAYSIZE(strings); i++)
        RtlpRebaseString(strings[i], (PUCHAR)Parameters, size, (ULONG)remote);
    copy->Environment = NULL;
    status = NtWriteVirtualMemory(Process, remote, copy, size, NULL);
    RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, copy);
    if (NT_SUCCESS(status))
        status = NtWriteVirtualMemory(Process, &Peb->ProcessParameters, &remote, sizeof(remote), NULL);
    return status;
}

/*
 * RtlCreateUserProcess - In: the executable's NT path (\SystemRoot\..., \??\C:\...), object
 * attributes for the process (OBJ_* bits, ignored), its parameters (RtlCreateProcessParameters),
 * security descriptors (ignored), the parent (NULL: the caller), InheritHandles (nothing is
 * inherited in NanoNT), DebugPort and ExceptionPort (NULL). Out: ProcessInformation with handles
 * to the process and to its initial thread, which is suspended: NtResumeThread starts it.
 * NanoNT's difference: the thread gets NanoNT's default stack (256 KiB reserved, 64 KiB
 * committed) whatever the image asks, as NanoNT does not grow stacks. Result: STATUS_SUCCESS or
 * the failing step's status (STATUS_OBJECT_NAME_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, ...);
 * then nothing is left behind.
 */
NTSTATUS NTAPI RtlCreateUserProcess(PUNICODE_STRING NtImagePathName, ULONG Attributes,
                                    PRTL_USER_PROCESS_PARAMETERS ProcessParameters, PVOID ProcessSecurityDescriptor,
                                    PVOID ThreadSecurityDescriptor, HANDLE ParentProcess, BOOLEAN InheritHandles,
                                    HANDLE DebugPort, HANDLE ExceptionPort,
                                    PRTL_USER_PROCESS_INFORMATION ProcessInformation)
{
    UNREFERENCED_PARAMETER(Attributes);
    UNREFERENCED_PARAMETER(ProcessSecurityDescriptor);
    if (!NtImagePathName || !ProcessParameters || !ProcessInformation)
        return STATUS_INVALID_PARAMETER;
    OBJECT_ATTRIBUTES attributes = { sizeof(attributes), NULL, NtImagePathName, OBJ_CASE_INSENSITIVE, NULL, NULL };
    IO_STATUS_BLOCK io;
    HANDLE file, section, process = NULL, thread;
    NTSTATUS status = NtOpenFile(&file, SYNCHRONIZE | FILE_EXECUTE | FILE_READ_DATA, &attributes, &io,
                                 FILE_SHARE_READ | FILE_SHARE_DELETE,
                                 FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(status))
        return status;
    status = NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, file);
    NtClose(file);
    if (!NT_SUCCESS(status))
        return status;
    memset(ProcessInformation, 0, sizeof(*ProcessInformation));
    ProcessInformation->Length = sizeof(*ProcessInformation);
    status = NtQuerySection(section, SectionImageInformation, &ProcessInformation->ImageInformation,
                            sizeof(ProcessInformation->ImageInformation), NULL);
    if (NT_SUCCESS(status))
        status = NtCreateProcess(&process, PROCESS_ALL_ACCESS, NULL, ParentProcess ? ParentProcess : NtCurrentProcess(),
                                 InheritHandles, section, DebugPort, ExceptionPort);
    NtClose(section);
    PROCESS_BASIC_INFORMATION basic;
    if (NT_SUCCESS(status))
        status = NtQueryInformationProcess(process, ProcessBasicInformation, &basic, sizeof(basic), NULL);
    if (NT_SUCCESS(status))
        status = RtlpCopyParametersToProcess(process, ProcessParameters, basic.PebBaseAddress);
    if (NT_SUCCESS(status))
        status = RtlCreateUserThread(process, ThreadSecurityDescriptor, TRUE, 0, 0, 0,
                                     (PUSER_THREAD_START_ROUTINE)ProcessInformation->ImageInformation.TransferAddress,
                                     basic.PebBaseAddress, &thread, &ProcessInformation->ClientId);
    if (!NT_SUCCESS(status)) {
        if (process)
            NtClose(process);              /* a process without a thread goes with its handle */
        return status;
    }
    ProcessInformation->Process = process;
    ProcessInformation->Thread = thread;
    return STATUS_SUCCESS;
}

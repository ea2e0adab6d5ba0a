/*
 * pssvc.c - process services: NtCreateUserProcessFromPath (NanoNT), NtOpenProcess,
 * NtTerminateProcess and NtQueryInformationProcess (NT signatures). See docs/processes.md.
 */
#include "psp.h"
#include "mm.h"
#include "pool.h"
#include "rtl.h"

#define PSP_MAXIMUM_PATH 520              /* bytes of UTF-16 */
#define PSP_MAXIMUM_COMMAND_LINE 2048

/* Capture a user UNICODE_STRING as ASCII in pool (non-ASCII: '?' or, if Strict, an error). */
static NTSTATUS PspCaptureAscii(PUNICODE_STRING UserString, ULONG MaxBytes, BOOLEAN Strict, PCHAR *Ascii)
{
    UNICODE_STRING s;
    NTSTATUS status = MmCaptureUnicodeString(&s, UserString, MaxBytes);
    if (!NT_SUCCESS(status))
        return status;
    ULONG n = s.Length / sizeof(WCHAR);
    PCHAR a = ExAllocatePoolWithTag(NonPagedPool, n + 1, 'rtSP');
    if (!a) {
        MmFreeCapturedUnicodeString(&s);
        return STATUS_NO_MEMORY;
    }
    for (ULONG i = 0; i < n; i++) {
        WCHAR c = s.Buffer[i];
        if ((c < 0x20 || c > 0x7E) && Strict) {
            status = STATUS_OBJECT_NAME_INVALID;
            break;
        }
        a[i] = (c >= 0x20 && c <= 0x7E) ? (CHAR)c : '?';
    }
    a[n] = 0;
    MmFreeCapturedUnicodeString(&s);
    if (!NT_SUCCESS(status)) {
        ExFreePoolWithTag(a, 'rtSP');
        return status;
    }
    *Ascii = a;
    return STATUS_SUCCESS;
}

/*
 * NtCreateProcessEx - NT's process creation from an image section (NT 5.2's signature). In: where
 * to return the handle and its access, unnamed attributes, the parent (a process handle with
 * PROCESS_CREATE_PROCESS; NanoNT takes nothing from it), Flags (NT's PROCESS_CREATE_FLAGS_*
 * 0x1-0x4, accepted and without effect: nothing is inherited), an image section handle
 * (SECTION_MAP_EXECUTE), DebugPort and ExceptionPort (must be NULL: NanoNT has no ports),
 * JobMemberLevel (ignored). The process gets the image view, ntdll, SharedUserData and a PEB
 * with no parameters, and no thread: the caller writes the parameters (NtWriteVirtualMemory)
 * and makes the initial thread (NtCreateThread, whose first thread runs ntdll's loader), as
 * ntdll's RtlCreateUserProcess does. Result: STATUS_SUCCESS, STATUS_NOT_IMPLEMENTED (no
 * section: NT would clone the parent's address space), STATUS_INVALID_PARAMETER_5/_7/_8,
 * STATUS_SECTION_NOT_IMAGE, STATUS_INVALID_IMAGE_FORMAT (a DLL or an image without an entry
 * point), STATUS_CONFLICTING_ADDRESSES, STATUS_NO_MEMORY, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtCreateProcessEx(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                                 HANDLE ParentProcess, ULONG Flags, HANDLE SectionHandle, HANDLE DebugPort,
                                 HANDLE ExceptionPort, ULONG JobMemberLevel)
{
    UNREFERENCED_PARAMETER(JobMemberLevel);
    if (Flags & ~0x7u)
        return STATUS_INVALID_PARAMETER_5;
    if (DebugPort)
        return STATUS_INVALID_PARAMETER_7;
    if (ExceptionPort)
        return STATUS_INVALID_PARAMETER_8;
    if (!SectionHandle)
        return STATUS_NOT_IMPLEMENTED;
    NTSTATUS status = ObCheckObjectAttributes(ObjectAttributes);
    if (NT_SUCCESS(status))
        status = ProbeForWrite(ProcessHandle, sizeof(HANDLE), sizeof(ULONG));
    if (!NT_SUCCESS(status))
        return status;
    PEPROCESS parent;
    status = ObReferenceObjectByHandle(ParentProcess, PROCESS_CREATE_PROCESS, PsProcessType, UserMode,
                                       (PVOID *)&parent, NULL);
    if (!NT_SUCCESS(status))
        return status;
    ObDereferenceObject(parent);
    PVOID section;
    status = ObReferenceObjectByHandle(SectionHandle, SECTION_MAP_EXECUTE, MmSectionObjectType, UserMode, &section,
                                       NULL);
    if (!NT_SUCCESS(status))
        return status;
    PEPROCESS process;
    status = PspCreateProcessFromSection(section, &process);
    ObDereferenceObject(section);
    if (!NT_SUCCESS(status))
        return status;
    status = ObInsertObjectReturnHandle(process, DesiredAccess, ProcessHandle);
    ObDereferenceObject(process);           /* without a handle, a thread-less process goes now */
    return status;
}

/* NtCreateProcess - NT's older form: InheritObjectTable in place of Flags, no job level. */
NTSTATUS NTAPI NtCreateProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                               HANDLE ParentProcess, BOOLEAN InheritObjectTable, HANDLE SectionHandle,
                               HANDLE DebugPort, HANDLE ExceptionPort)
{
    return NtCreateProcessEx(ProcessHandle, DesiredAccess, ObjectAttributes, ParentProcess,
                             InheritObjectTable ? 0x4 : 0, SectionHandle, DebugPort, ExceptionPort, 0);
}

/*
 * NtCreateUserProcessFromPath (NanoNT) - start a program in one call: a convenience for NanoNT's
 * shell-like programs and tests, doing in the kernel what NtOpenFile + NtCreateSection +
 * NtCreateProcessEx + parameters + NtCreateThread do from user mode (RtlCreateUserProcess), and
 * also accepting static ELF images and boot modules. In: where to return the process and
 * initial-thread handles and their access, the image path (PspOpenImageFile: a file on the
 * boot volume, else a boot module by its last component), the command line the process sees in its
 * RTL_USER_PROCESS_PARAMETERS (NULL: the path), ThreadFlags (THREAD_CREATE_FLAGS_CREATE_SUSPENDED:
 * the initial thread waits for NtResumeThread), and an optional CLIENT_ID out. Result:
 * STATUS_SUCCESS, STATUS_OBJECT_NAME_NOT_FOUND, STATUS_OBJECT_NAME_INVALID,
 * STATUS_INVALID_IMAGE_FORMAT, STATUS_INVALID_PARAMETER, STATUS_NO_MEMORY,
 * STATUS_ACCESS_VIOLATION (nothing is created then).
 */
NTSTATUS NTAPI NtCreateUserProcessFromPath(PHANDLE ProcessHandle, PHANDLE ThreadHandle,
                                           ACCESS_MASK ProcessDesiredAccess, ACCESS_MASK ThreadDesiredAccess,
                                           PUNICODE_STRING ImagePath, PUNICODE_STRING CommandLine,
                                           ULONG ThreadFlags, PCLIENT_ID ClientId)
{
    if (ThreadFlags & ~THREAD_CREATE_FLAGS_CREATE_SUSPENDED)
        return STATUS_INVALID_PARAMETER;
    NTSTATUS status = ProbeForWrite(ProcessHandle, sizeof(HANDLE), sizeof(ULONG));
    if (NT_SUCCESS(status))
        status = ProbeForWrite(ThreadHandle, sizeof(HANDLE), sizeof(ULONG));
    if (NT_SUCCESS(status) && ClientId)
        status = ProbeForWrite(ClientId, sizeof(CLIENT_ID), sizeof(ULONG));
    if (!NT_SUCCESS(status))
        return status;
    PCHAR path = NULL, cmd = NULL;
    status = PspCaptureAscii(ImagePath, PSP_MAXIMUM_PATH, TRUE, &path);
    if (NT_SUCCESS(status) && CommandLine)
        status = PspCaptureAscii(CommandLine, PSP_MAXIMUM_COMMAND_LINE, FALSE, &cmd);
    const VOID *image = NULL;
    ULONG size;
    PCSTR name;
    if (NT_SUCCESS(status))
        status = PspOpenImageFile(path, &image, &size, &name);
    PEPROCESS process = NULL;
    PETHREAD thread;
    if (NT_SUCCESS(status))
        status = PspCreateProcess(name, image, size, cmd ? cmd : path, FALSE, &process, &thread);
    if (image)
        PspCloseImageFile(image);
    if (path)
        ExFreePoolWithTag(path, 'rtSP');
    if (cmd)
        ExFreePoolWithTag(cmd, 'rtSP');
    if (!NT_SUCCESS(status))
        return status;

    /* nothing has run yet (the kernel is not preempted): suspend, then hand out the handles */
    if (ThreadFlags & THREAD_CREATE_FLAGS_CREATE_SUSPENDED)
        KeSuspendThread(&thread->Tcb);
    HANDLE ph = NULL, th = NULL;
    status = ObInsertObject(process, ProcessDesiredAccess, &ph);
    if (NT_SUCCESS(status))
        status = ObInsertObject(thread, ThreadDesiredAccess, &th);
    if (NT_SUCCESS(status))
        status = MmCopyToUser(ProcessHandle, &ph, sizeof(ph));
    if (NT_SUCCESS(status))
        status = MmCopyToUser(ThreadHandle, &th, sizeof(th));
    if (NT_SUCCESS(status) && ClientId)
        status = MmCopyToUser(ClientId, &thread->Cid, sizeof(CLIENT_ID));
    if (!NT_SUCCESS(status)) {
        if (th)
            ObCloseHandle(th);
        if (ph)
            ObCloseHandle(ph);
        PspTerminateProcess(process, status);
    }
    ObDereferenceObject(process);
    return status;
}

/*
 * NtOpenProcess - In: where the handle goes, the rights wanted, OBJECT_ATTRIBUTES (optional; no
 * name: processes are found by id here, as NT does when a ClientId is given) and a CLIENT_ID:
 * UniqueProcess names the process; a non-zero UniqueThread must be one of its threads. There
 * are no security descriptors yet, so any process may open any live process with any right of
 * the type (docs/security.md). Result: STATUS_SUCCESS, STATUS_INVALID_CID (no such live
 * process or thread), STATUS_INVALID_PARAMETER_MIX (no ClientId, or a name as well),
 * STATUS_ACCESS_VIOLATION, STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI NtOpenProcess(PHANDLE ProcessHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                             PCLIENT_ID ClientId)
{
    CLIENT_ID cid;
    if (!ClientId)
        return STATUS_INVALID_PARAMETER_MIX;
    NTSTATUS status = MmCopyFromUser(&cid, ClientId, sizeof(cid));
    if (NT_SUCCESS(status))
        status = ObCheckObjectAttributes(ObjectAttributes);
    if (status == STATUS_OBJECT_NAME_INVALID)
        status = STATUS_INVALID_PARAMETER_MIX;
    if (!NT_SUCCESS(status))
        return status;
    PEPROCESS found = NULL;
    ULONG flags = KeDisableInterrupts();
    for (PLIST_ENTRY e = PsActiveProcessHead.Flink; e != &PsActiveProcessHead; e = e->Flink) {
        PEPROCESS p = CONTAINING_RECORD(e, EPROCESS, ActiveProcessLinks);
        if (p->UniqueProcessId != (ULONG)(ULONG_PTR)cid.UniqueProcess || p->Exiting)
            continue;
        BOOLEAN threadOk = cid.UniqueThread == NULL;
        for (PLIST_ENTRY t = p->Pcb.ThreadListHead.Flink; !threadOk && t != &p->Pcb.ThreadListHead; t = t->Flink)
            threadOk = ((PETHREAD)CONTAINING_RECORD(t, KTHREAD, ThreadListEntry))->Cid.UniqueThread == cid.UniqueThread;
        if (threadOk) {
            found = p;
            ObReferenceObject(p);               /* on the active list: a live thread holds it */
        }
        break;
    }
    KeRestoreInterrupts(flags);
    if (!found)
        return STATUS_INVALID_CID;
    status = ObInsertObjectReturnHandle(found, DesiredAccess, ProcessHandle);
    ObDereferenceObject(found);
    return status;
}

/*
 * NtTerminateProcess - In: a process handle with PROCESS_TERMINATE (NtCurrentProcess() = -1 for
 * the caller) and the exit status. Every thread of the process ends; the process object becomes
 * signalled when the last one has. Ending the caller's own process does not return.
 * NULL is NT's other meaning, not "the caller's process": every thread of the caller's process
 * except the caller ends with ExitStatus, and the call returns STATUS_SUCCESS; the process goes
 * on (its exit status will be its last thread's). Result: STATUS_SUCCESS,
 * STATUS_INVALID_HANDLE, STATUS_OBJECT_TYPE_MISMATCH, STATUS_ACCESS_DENIED,
 * STATUS_PROCESS_IS_TERMINATING.
 */
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus)
{
    BOOLEAN othersOnly = ProcessHandle == NULL;
    if (othersOnly)
        ProcessHandle = NtCurrentProcess();
    PEPROCESS process;
    NTSTATUS status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_TERMINATE, PsProcessType, UserMode,
                                                (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (process->Exiting) {
        ObDereferenceObject(process);
        return STATUS_PROCESS_IS_TERMINATING;
    }
    if (othersOnly) {
        PspTerminateOtherThreads(process, ExitStatus);
        ObDereferenceObject(process);
        return STATUS_SUCCESS;
    }
    if (process == PsGetCurrentProcess()) {
        ObDereferenceObject(process);          /* our thread keeps it alive */
        PspTerminateProcess(process, ExitStatus);   /* does not return */
    }
    PspTerminateProcess(process, ExitStatus);
    ObDereferenceObject(process);
    return STATUS_SUCCESS;
}

/*
 * NtQueryInformationProcess - In: a process handle (PROCESS_QUERY_INFORMATION), the class, a
 * buffer and its exact length, an optional ReturnLength. Classes: ProcessBasicInformation
 * (PROCESS_BASIC_INFORMATION: ExitStatus is STATUS_PENDING until the process has ended) and
 * ProcessHandleCount (ULONG). Result: STATUS_SUCCESS, STATUS_INFO_LENGTH_MISMATCH,
 * STATUS_INVALID_INFO_CLASS, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtQueryInformationProcess(HANDLE ProcessHandle, PROCESSINFOCLASS ProcessInformationClass,
                                         PVOID ProcessInformation, ULONG ProcessInformationLength,
                                         PULONG ReturnLength)
{
    union {
        PROCESS_BASIC_INFORMATION Basic;
        ULONG HandleCount;
    } info;
    ULONG size;
    switch (ProcessInformationClass) {
    case ProcessBasicInformation: size = sizeof(info.Basic); break;
    case ProcessHandleCount: size = sizeof(info.HandleCount); break;
    default: return STATUS_INVALID_INFO_CLASS;
    }
    if (ProcessInformationLength != size)
        return STATUS_INFO_LENGTH_MISMATCH;
    PEPROCESS process;
    NTSTATUS status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_QUERY_INFORMATION, PsProcessType,
                                                UserMode, (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    memset(&info, 0, sizeof(info));
    if (ProcessInformationClass == ProcessBasicInformation) {
        info.Basic.ExitStatus = process->Pcb.Header.SignalState ? process->ExitStatus : STATUS_PENDING;
        info.Basic.PebBaseAddress = process->Peb;
        info.Basic.AffinityMask = 1;
        info.Basic.BasePriority = process->Pcb.BasePriority;
        info.Basic.UniqueProcessId = process->UniqueProcessId;
    } else {
        info.HandleCount = ObQueryHandleCount(process);
    }
    ObDereferenceObject(process);
    status = MmCopyToUser(ProcessInformation, &info, size);
    if (NT_SUCCESS(status) && ReturnLength)
        status = MmCopyToUser(ReturnLength, &size, sizeof(size));
    return status;
}

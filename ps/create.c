/*
 * create.c - creating processes and threads.
 * A process: its executable mapped — a PE image as an image section view (docs/sections.md), or a
 * validated static ELF image at its addresses (docs/spec.md §2) — ntdll, SharedUserData
 * (read-only), a PEB with the process parameters, and an initial thread whose first user-mode
 * work is ntdll's loader (LdrInitializeThunk, queued as a user APC, as NT's PspCreateThread does;
 * docs/native-programs.md).
 * A thread: an ETHREAD, a kernel stack with a guard page, a TEB, and a trap frame holding its
 * initial user context; it starts by leaving through the ordinary exit path (KiThreadStartup).
 * Both are Ob objects (PsProcessType, PsThreadType): see ps/exit.c for how they go away.
 */
#include "psp.h"
#include "mm.h"
#include "pool.h"
#include "elfimage.h"
#include "rtl.h"
#include "ob.h"
#include "ntlist.h"
#include "ntldr.h"
#include "peimage.h"

LIST_ENTRY PsActiveProcessHead = { &PsActiveProcessHead, &PsActiveProcessHead };
ULONG PspProcessCount;
static ULONG PspNextId = 4;

NTSTATUS PspAllocateTeb(PEPROCESS Process, PULONG TebVa)
{
    for (ULONG i = 0; i < PSP_TEB_SLOTS; i++) {
        if (Process->TebBitmap[i / 32] & (1u << (i % 32)))
            continue;
        ULONG va = PSP_TEB_TOP - i * PAGE_SIZE;
        NTSTATUS status = MmAllocateUserRange(Process->Pcb.DirectoryTableBase, va, PAGE_SIZE, TRUE);
        if (!NT_SUCCESS(status))
            return status;
        Process->TebBitmap[i / 32] |= 1u << (i % 32);
        *TebVa = va;
        return STATUS_SUCCESS;
    }
    return STATUS_NO_MEMORY;
}

VOID PspFreeTeb(PEPROCESS Process, ULONG TebVa)
{
    ULONG i = (PSP_TEB_TOP - TebVa) / PAGE_SIZE;
    if (i >= PSP_TEB_SLOTS)
        return;
    MmFreeUserRange(Process->Pcb.DirectoryTableBase, TebVa, PAGE_SIZE);
    Process->TebBitmap[i / 32] &= ~(1u << (i % 32));
}

/*
 * PspCreateThread - build a user thread of Process around its initial user state: Eip/Esp, or a
 * CONTEXT (sanitized into the trap frame, so the thread starts with exactly those registers).
 * Stack (optional) describes its user stack for the TEB; its StackAllocationBase reservation is
 * released when the thread ends. The thread is an Ob object with one reference for its life
 * (dropped by the reaper) and one for the caller; it is readied at once, and a thread created
 * suspended stops on its way to user mode (the suspend APC). Result: STATUS_SUCCESS,
 * STATUS_NO_MEMORY, STATUS_PROCESS_IS_TERMINATING.
 */
NTSTATUS PspCreateThread(PEPROCESS Process, ULONG Eip, ULONG Esp, PCONTEXT Context,
                         const INITIAL_TEB *Stack, BOOLEAN CreateSuspended, PETHREAD *ThreadOut)
{
    if (Process->Exiting)
        return STATUS_PROCESS_IS_TERMINATING;
    PETHREAD thread;
    NTSTATUS status = ObCreateObject(PsThreadType, sizeof(ETHREAD), (PVOID *)&thread);
    if (!NT_SUCCESS(status))
        return status;
    PKTHREAD t = &thread->Tcb;
    KeInitializeThreadDispatcher(t);
    ObReferenceObject(Process);                 /* dropped by PspDeleteThread */
    t->ApcState.Process = &Process->Pcb;
    t->Process = &Process->Pcb;
    thread->ThreadsProcess = Process;
    thread->ExitStatus = STATUS_PENDING;
    PVOID limit;
    PVOID base = MmCreateKernelStack(KERNEL_STACK_SIZE / PAGE_SIZE, &limit);
    ULONG teb = 0;
    status = base ? PspAllocateTeb(Process, &teb) : STATUS_NO_MEMORY;
    t->StackBase = base;
    thread->TcbExtension.StackPages = KERNEL_STACK_SIZE / PAGE_SIZE;
    thread->TebVa = teb;
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(thread);
        return status;
    }
    t->StackLimit = limit;
    t->InitialStack = base;             /* the top: the NPX area, then the first trap frame below */
    t->ServiceTable = KeServiceDescriptorTable;
    t->PreviousMode = UserMode;
    t->Teb = (PVOID)teb;
    t->Priority = t->BasePriority = Process->Pcb.BasePriority;
    thread->Cid.UniqueProcess = (HANDLE)Process->UniqueProcessId;
    thread->Cid.UniqueThread = (HANDLE)(PspNextId += 4);
    thread->StartAddress = (PVOID)(Context ? Context->Eip : Eip);
    if (Stack)
        thread->UserStackBase = (ULONG)Stack->StackAllocationBase;

    /* TEB */
    TEB tebInit;
    memset(&tebInit, 0, sizeof(tebInit));
    tebInit.NtTib.ExceptionList = (PVOID)-1;
    tebInit.NtTib.Self = (PNT_TIB)teb;
    tebInit.NtTib.StackBase = Stack ? Stack->StackBase : (PVOID)(Context ? Context->Esp : Esp);
    tebInit.NtTib.StackLimit = Stack ? Stack->StackLimit : NULL;
    tebInit.NanoNtUserStackBase = thread->UserStackBase;
    tebInit.ClientId = thread->Cid;
    tebInit.ProcessEnvironmentBlock = Process->Peb;
    MmCopyToProcess(Process->Pcb.DirectoryTableBase, teb, &tebInit, sizeof(tebInit));

    /* the initial user context, in the trap frame at the top of the kernel stack */
    PKTRAP_FRAME tf = (PKTRAP_FRAME)((PUCHAR)t->InitialStack - NPX_FRAME_LENGTH - KTRAP_FRAME_LENGTH);
    memset(tf, 0, sizeof(*tf));
    tf->PreviousPreviousMode = (ULONG)-1;
    tf->ExceptionList = (ULONG)-1;
    tf->SegCs = KGDT_R3_CODE | RPL_MASK;
    tf->SegDs = tf->SegEs = tf->HardwareSegSs = KGDT_R3_DATA | RPL_MASK;
    tf->SegFs = KGDT_R3_TEB | RPL_MASK;
    tf->EFlags = EFLAGS_IF | 0x2;
    tf->Eip = Eip;
    tf->HardwareEsp = Esp;
    if (Context)
        KeContextToTrapFrame(t, tf, Context, CONTEXT_FULL | CONTEXT_DEBUG_REGISTERS);
    t->TrapFrame = tf;

    KeInitializeThreadContext(t);

    ObReferenceObject(thread);                  /* the caller's */
    ULONG flags = KeDisableInterrupts();
    InsertTailList(&Process->Pcb.ThreadListHead, &t->ThreadListEntry);
    Process->ActiveThreads++;
    t->State = Initialized;
    if (CreateSuspended)
        KeSuspendThread(t);
    KeReadyThread(t);
    KeRestoreInterrupts(flags);
    *ThreadOut = thread;
    return STATUS_SUCCESS;
}

/* RTL_USER_PROCESS_PARAMETERS with ImagePathName and CommandLine (UTF-16), at PSP_PARAMETERS_VA. */
static NTSTATUS PspWriteParameters(PEPROCESS Process, PCSTR ImageName, PCSTR CommandLine)
{
    static UCHAR page[PSP_PARAMETERS_SIZE];
    memset(page, 0, sizeof(page));
    PRTL_USER_PROCESS_PARAMETERS p = (PRTL_USER_PROCESS_PARAMETERS)page;
    ULONG off = sizeof(*p);
    ULONG nameLen = strlen(ImageName), cmdLen = strlen(CommandLine);
    if (off + 2 * (nameLen + cmdLen + 2) > sizeof(page))
        return STATUS_NAME_TOO_LONG;
    PWCHAR w = (PWCHAR)(page + off);
    for (ULONG i = 0; i < nameLen; i++)
        w[i] = (UCHAR)ImageName[i];
    p->ImagePathName.Buffer = (PWSTR)(PSP_PARAMETERS_VA + off);
    p->ImagePathName.Length = (USHORT)(2 * nameLen);
    p->ImagePathName.MaximumLength = (USHORT)(2 * nameLen + 2);
    off += 2 * nameLen + 2;
    w = (PWCHAR)(page + off);
    for (ULONG i = 0; i < cmdLen; i++)
        w[i] = (UCHAR)CommandLine[i];
    p->CommandLine.Buffer = (PWSTR)(PSP_PARAMETERS_VA + off);
    p->CommandLine.Length = (USHORT)(2 * cmdLen);
    p->CommandLine.MaximumLength = (USHORT)(2 * cmdLen + 2);
    p->MaximumLength = p->Length = sizeof(page);
    NTSTATUS status = MmAllocateUserRange(Process->Pcb.DirectoryTableBase, PSP_PARAMETERS_VA,
                                          PSP_PARAMETERS_SIZE, TRUE);
    if (NT_SUCCESS(status))
        status = MmCopyToProcess(Process->Pcb.DirectoryTableBase, PSP_PARAMETERS_VA, page, sizeof(page));
    return status;
}

static NTSTATUS PspMapImage(PEPROCESS Process, const UCHAR *Image, PMI_ELF_IMAGE Info)
{
    ULONG dtb = Process->Pcb.DirectoryTableBase;
    for (ULONG s = 0; s < Info->SegmentCount; s++) {
        MI_ELF_SEGMENT *seg = &Info->Segments[s];
        ULONG start = PAGE_ALIGN(seg->VirtualAddress);
        ULONG end = ROUND_TO_PAGES(seg->VirtualAddress + seg->MemorySize);
        NTSTATUS status = MmAllocateUserRangeWithData(dtb, start, end - start, (seg->Flags & PF_W) != 0,
                                                      seg->VirtualAddress, Image + seg->FileOffset,
                                                      seg->FileSize);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

/* The loader APC lives in pool: freed when it is delivered, or at rundown. */
static VOID PspFreeLoaderApc(PKAPC Apc)
{
    ExFreePoolWithTag(Apc, 'dLsP');
}

static VOID PspLoaderApcKernelRoutine(PKAPC Apc, PKNORMAL_ROUTINE *Normal, PVOID *Context, PVOID *A1, PVOID *A2)
{
    UNREFERENCED_PARAMETER(Normal); UNREFERENCED_PARAMETER(Context);
    UNREFERENCED_PARAMETER(A1); UNREFERENCED_PARAMETER(A2);
    PspFreeLoaderApc(Apc);
}

/*
 * PspQueueLoaderApc - the first thing Thread (new, not yet run) does in user mode: ntdll's
 * LdrInitializeThunk as a user APC (NormalContext NULL, SystemArgument1 = ntdll's base,
 * SystemArgument2 = LDRP_INIT_IMAGE_IS_PE for a PE executable), delivered on its first return to
 * user mode with its initial context below it; the loader resumes that context (or redirects it)
 * through NtContinue. Apc is the caller's pool allocation, allocated before the thread was made
 * so that nothing can fail here.
 */
static VOID PspQueueLoaderApc(PETHREAD Thread, PKAPC Apc, BOOLEAN PeImage)
{
    KeInitializeApc(Apc, &Thread->Tcb, PspLoaderApcKernelRoutine, PspFreeLoaderApc,
                    (PKNORMAL_ROUTINE)PspSystemDll.LdrInitializeThunk, UserMode, NULL);
    ULONG flags = KeDisableInterrupts();
    if (KeInsertQueueApc(Apc, (PVOID)PspSystemDll.DllBase, (PVOID)(ULONG_PTR)(PeImage ? LDRP_INIT_IMAGE_IS_PE : 0)))
        Thread->Tcb.ApcState.UserApcPending = TRUE;   /* not in a service: no frame mark to clear */
    else
        PspFreeLoaderApc(Apc);
    KeRestoreInterrupts(flags);
}

/* Is Image a PE file (an "MZ" header)? Anything else is taken for ELF. */
static BOOLEAN PspIsPeImage(const VOID *Image, ULONG ImageSize)
{
    const UCHAR *bytes = Image;
    return ImageSize >= 2 && bytes[0] == 'M' && bytes[1] == 'Z';
}

/*
 * PspBuildProcess - the part of process creation both ways share: the process object with its
 * handle table and address space, the executable (a referenced image section, mapped as a view;
 * or an ELF image, Elf/ElfSize validated by the caller as Info), ntdll, SharedUserData, the process
 * parameters (only when CommandLine is given: NtCreateProcess leaves them to its caller) and the
 * PEB. Out: the process (referenced, not yet on PsActiveProcessHead) and the entry point. On
 * failure everything is undone by the object's delete procedure.
 */
static NTSTATUS PspBuildProcess(PCSTR ImageName, const VOID *Elf, ULONG ElfSize, const MI_ELF_IMAGE *Info,
                                PVOID Section, PCSTR CommandLine, BOOLEAN InitialProcess, PEPROCESS *ProcessOut,
                                PULONG EntryOut)
{
    SECTION_IMAGE_INFORMATION imageInfo;
    memset(&imageInfo, 0, sizeof(imageInfo));
    PEPROCESS process;
    NTSTATUS status = ObCreateObject(PsProcessType, sizeof(EPROCESS), (PVOID *)&process);
    if (!NT_SUCCESS(status))
        return status;
    process->Pcb.Header.Type = ProcessObject;
    InitializeListHead(&process->Pcb.Header.WaitListHead);
    InitializeListHead(&process->Pcb.ThreadListHead);
    InitializeListHead(&process->Pcb.ProfileListHead);
    InitializeListHead(&process->ActiveProcessLinks);
    process->Pcb.BasePriority = 8;
    process->IsInitialProcess = InitialProcess;
    process->UniqueProcessId = (PspNextId += 4);
    process->Peb = (PPEB)PSP_PEB_ADDRESS;
    process->ExitStatus = STATUS_PENDING;
    PCSTR base = ImageName;
    for (PCSTR p = ImageName; *p; p++)
        if (*p == '\\' || *p == '/')
            base = p + 1;
    for (ULONG i = 0; i < sizeof(process->ImageFileName) - 1 && base[i]; i++)
        process->ImageFileName[i] = base[i];
    /* the image bytes stay with the process (rr computes its identity from them on first use):
       a boot module's own bytes, which never move, or a copy of a file read from the disk */
    if (Elf && PspIsBootModuleImage(Elf)) {
        process->ImageBytes = (PVOID)Elf;
        process->ImageSize = ElfSize;
    } else if (Elf) {
        process->ImageBytes = ExAllocatePoolWithTag(NonPagedPool, ElfSize, 'gmIP');
        if (process->ImageBytes) {
            memcpy(process->ImageBytes, Elf, ElfSize);
            process->ImageSize = ElfSize;
        }
    }

    status = ObInitializeProcessHandleTable(process);
    if (NT_SUCCESS(status))
        status = MmCreateProcessAddressSpace(&process->Pcb.DirectoryTableBase);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(process);
        return status;
    }
    ULONG dtb = process->Pcb.DirectoryTableBase;
    ULONG imageBase, entry;
    if (Section) {
        /* the view holds its own reference on the section */
        status = MmMapImageSectionView(Section, process, &imageBase, &imageInfo);
        if (status == STATUS_IMAGE_NOT_AT_BASE)
            status = STATUS_SUCCESS;
        entry = (ULONG)imageInfo.TransferAddress;
        if (NT_SUCCESS(status) && (!entry || (imageInfo.ImageCharacteristics & IMAGE_FILE_DLL)))
            status = STATUS_INVALID_IMAGE_FORMAT;
        if (NT_SUCCESS(status) && !process->ImageSize)
            process->ImageSize = imageInfo.ImageFileSize;
    } else {
        imageBase = Info->LowestAddress;
        entry = Info->EntryPoint;
        status = PspMapImage(process, Elf, (PMI_ELF_IMAGE)Info);
    }
    process->PeImage = Section != NULL;
    if (NT_SUCCESS(status))
        status = PspMapSystemDll(dtb);
    if (NT_SUCCESS(status))
        status = MmMapUserPage(dtb, MM_SHARED_USER_DATA_VA, MmSharedUserDataPfn, 0);
    if (NT_SUCCESS(status) && CommandLine)
        status = PspWriteParameters(process, ImageName, CommandLine);
    if (NT_SUCCESS(status))
        status = MmAllocateUserRange(dtb, PSP_PEB_ADDRESS, PAGE_SIZE, TRUE);
    if (NT_SUCCESS(status)) {
        PEB peb;
        memset(&peb, 0, sizeof(peb));
        peb.ImageBaseAddress = (PVOID)imageBase;
        peb.ImageSubsystem = imageInfo.SubSystemType;
        peb.ImageSubsystemMajorVersion = imageInfo.SubSystemMajorVersion;
        peb.ImageSubsystemMinorVersion = imageInfo.SubSystemMinorVersion;
        peb.NumberOfProcessors = KeNumberProcessors;
        peb.OSMajorVersion = 5;                         /* the version WRK reports: 5.2.3790 */
        peb.OSMinorVersion = 2;
        peb.OSBuildNumber = 3790;
        peb.OSPlatformId = VER_PLATFORM_WIN32_NT;
        peb.ProcessParameters = CommandLine ? (PRTL_USER_PROCESS_PARAMETERS)PSP_PARAMETERS_VA : NULL;
        peb.NanoNtNtdllBase = NTDLL_BASE;
        peb.NanoNtImageSize = process->ImageSize;
        status = MmCopyToProcess(dtb, PSP_PEB_ADDRESS, &peb, sizeof(peb));
    }
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(process);
        return status;
    }
    *ProcessOut = process;
    *EntryOut = entry;
    return STATUS_SUCCESS;
}

static VOID PspInsertProcess(PEPROCESS Process)
{
    ULONG flags = KeDisableInterrupts();
    InsertTailList(&PsActiveProcessHead, &Process->ActiveProcessLinks);
    PspProcessCount++;
    KeRestoreInterrupts(flags);
}

/*
 * PspCreateProcess - a process from an executable in memory, a PE image (mapped as an image
 * section view, relocated if its base is taken) or a static ELF image: Ob object with a handle
 * table, its own address space with the image, ntdll, SharedUserData, parameters (ImageName,
 * CommandLine), PEB, a 256 KiB initial stack (a VAD) and a started initial thread whose first
 * user APC is ntdll's loader. Anything that fails is undone by the object's delete procedure.
 * Result: STATUS_SUCCESS, STATUS_INVALID_IMAGE_FORMAT (a bad image, a PE DLL, a PE image without
 * an entry point), STATUS_NO_MEMORY, STATUS_INSUFFICIENT_RESOURCES, STATUS_NAME_TOO_LONG,
 * STATUS_CONFLICTING_ADDRESSES (a PE image that cannot be placed).
 */
NTSTATUS PspCreateProcess(PCSTR ImageName, const VOID *Image, ULONG ImageSize, PCSTR CommandLine,
                          BOOLEAN InitialProcess, PEPROCESS *ProcessOut, PETHREAD *ThreadOut)
{
    MI_ELF_IMAGE info;
    PVOID section = NULL;
    BOOLEAN pe = PspIsPeImage(Image, ImageSize);
    NTSTATUS status;
    if (pe)
        status = MmCreateImageSectionFromMemory(Image, ImageSize, &section);
    else
        status = MiValidateElfImage(Image, ImageSize, 0x10000, PSP_IMAGE_MAXIMUM, &info);
    if (!NT_SUCCESS(status))
        return status;
    PEPROCESS process;
    ULONG entry;
    status = PspBuildProcess(ImageName, pe ? NULL : Image, ImageSize, &info, section, CommandLine, InitialProcess,
                             &process, &entry);
    if (section)
        ObDereferenceObject(section);
    if (!NT_SUCCESS(status))
        return status;
    if (pe && !process->ImageBytes) {
        /* the record of a trap frame names its image by these bytes (rr/) */
        process->ImageBytes = ExAllocatePoolWithTag(NonPagedPool, ImageSize, 'gmIP');
        if (process->ImageBytes) {
            memcpy(process->ImageBytes, Image, ImageSize);
            process->ImageSize = ImageSize;
        }
    }

    /* the initial thread's stack: a committed reservation with an unmapped page below */
    ULONG stackBase = PSP_STACK_REGION_TOP - PSP_DEFAULT_STACK, stackSize = PSP_DEFAULT_STACK;
    status = MmAllocateVirtualMemory(process, &stackBase, &stackSize, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    PETHREAD thread = NULL;
    PKAPC loaderApc = NULL;
    if (NT_SUCCESS(status)) {
        loaderApc = ExAllocatePoolWithTag(NonPagedPool, sizeof(KAPC), 'dLsP');
        if (!loaderApc)
            status = STATUS_NO_MEMORY;
    }
    if (NT_SUCCESS(status)) {
        INITIAL_TEB stack = { { NULL, NULL }, (PVOID)PSP_STACK_REGION_TOP, (PVOID)stackBase, (PVOID)stackBase };
        status = PspCreateThread(process, entry, PSP_STACK_REGION_TOP - 16, NULL, &stack, FALSE, &thread);
        if (NT_SUCCESS(status))
            PspQueueLoaderApc(thread, loaderApc, pe);
    }
    if (!NT_SUCCESS(status)) {
        if (loaderApc)
            PspFreeLoaderApc(loaderApc);
        ObDereferenceObject(process);
        return status;
    }
    thread->UserStackSize = stackSize;
    PspInsertProcess(process);
    ObDereferenceObject(thread);                /* its life reference keeps it */
    *ProcessOut = process;
    if (ThreadOut)
        *ThreadOut = thread;
    return STATUS_SUCCESS;
}

/*
 * PspCreateProcessFromSection - NtCreateProcessEx's work: a process around an image section
 * (referenced by the caller) with ntdll, SharedUserData and a PEB whose ProcessParameters is NULL,
 * and no thread: the creator writes the parameters (NtWriteVirtualMemory) and makes the initial
 * thread (NtCreateThread), which gets the loader APC (PspQueueLoaderApcForNewThread). Out: the
 * process, referenced. Result: as PspBuildProcess.
 */
NTSTATUS PspCreateProcessFromSection(PVOID Section, PEPROCESS *ProcessOut)
{
    PEPROCESS process;
    ULONG entry;
    NTSTATUS status = PspBuildProcess("", NULL, 0, NULL, Section, NULL, FALSE, &process, &entry);
    if (!NT_SUCCESS(status))
        return status;
    PspInsertProcess(process);
    *ProcessOut = process;
    return STATUS_SUCCESS;
}

/*
 * PspQueueLoaderApcForNewThread - every thread NtCreateThread makes runs ntdll's loader first, as
 * NT's PspCreateThread queues LdrInitializeThunk to every user thread: the first thread of a
 * process from NtCreateProcessEx initializes the process, any later one sends DLL_THREAD_ATTACH.
 * Result: STATUS_SUCCESS, STATUS_NO_MEMORY.
 */
NTSTATUS PspQueueLoaderApcForNewThread(PEPROCESS Process, PETHREAD Thread)
{
    PKAPC apc = ExAllocatePoolWithTag(NonPagedPool, sizeof(KAPC), 'dLsP');
    if (!apc)
        return STATUS_NO_MEMORY;
    PspQueueLoaderApc(Thread, apc, Process->PeImage);
    return STATUS_SUCCESS;
}

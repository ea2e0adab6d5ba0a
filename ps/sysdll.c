/*
 * sysdll.c - the system ntdll (docs/spec.md §5, docs/native-programs.md): ntdll.dll, a PE DLL at
 * NTDLL_BASE, travels inside the kernel (ke/ntdllimg.S). At boot it is validated like any image
 * section (MiValidatePeImage) and laid out once in template pages, one per page of the image;
 * the kernel then finds the entry points it calls or publishes (KiFastSystemCall,
 * KiUserApcDispatcher, LdrInitializeThunk, ...) by name in its export table, as NT's
 * PspLookupKernelUserEntryPoints does. Every process maps it at NTDLL_BASE: read-only pages
 * share the templates, writable ones (.data, .bss) get a private copy.
 */
#include "psp.h"
#include "mm.h"
#include "pfn.h"
#include "peimage.h"
#include "ntimage.h"
#include "rtl.h"

#define PSP_NTDLL_MAX_PAGES 256             /* 1 MiB of image */

NTDLL_KERNEL_EXPORTS PspSystemDll;
static MI_PE_IMAGE PspNtdllImage;
static ULONG PspNtdllPfn[PSP_NTDLL_MAX_PAGES];      /* the template of each page; 0: not mapped */
static BOOLEAN PspNtdllWritable[PSP_NTDLL_MAX_PAGES];
static ULONG PspNtdllPages;

/* Copy Length bytes at Rva of the laid-out image; FALSE when the range leaves it or an
   unmapped page. */
static BOOLEAN PspReadNtdll(ULONG Rva, PVOID Buffer, ULONG Length)
{
    PUCHAR out = Buffer;
    if (Rva >= PspNtdllPages * PAGE_SIZE || Length > PspNtdllPages * PAGE_SIZE - Rva)
        return FALSE;
    while (Length) {
        ULONG page = Rva / PAGE_SIZE, offset = Rva % PAGE_SIZE;
        ULONG chunk = PAGE_SIZE - offset < Length ? PAGE_SIZE - offset : Length;
        if (!PspNtdllPfn[page])
            return FALSE;
        memcpy(out, (PUCHAR)MI_PA_TO_VA(PspNtdllPfn[page] << PAGE_SHIFT) + offset, chunk);
        out += chunk;
        Rva += chunk;
        Length -= chunk;
    }
    return TRUE;
}

/* Copy file bytes into the templates at Rva. */
static VOID PspWriteNtdll(ULONG Rva, const UCHAR *Source, ULONG Length)
{
    for (ULONG i = 0; i < Length; i++) {
        ULONG page = (Rva + i) / PAGE_SIZE;
        if (page < PspNtdllPages && PspNtdllPfn[page])
            ((PUCHAR)MI_PA_TO_VA(PspNtdllPfn[page] << PAGE_SHIFT))[(Rva + i) % PAGE_SIZE] = Source[i];
    }
}

/*
 * PspLookupNtdllExport - the address of ntdll's export Name (by the name table), or 0. Every
 * table read is range-checked against the image.
 */
static ULONG PspLookupNtdllExport(PCSTR Name)
{
    IMAGE_DOS_HEADER dos;
    IMAGE_NT_HEADERS32 nt;
    IMAGE_EXPORT_DIRECTORY dir;
    if (!PspReadNtdll(0, &dos, sizeof(dos)) || !PspReadNtdll(dos.e_lfanew, &nt, sizeof(nt)) ||
        nt.OptionalHeader.NumberOfRvaAndSizes <= IMAGE_DIRECTORY_ENTRY_EXPORT)
        return 0;
    ULONG dirRva = nt.OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].VirtualAddress;
    if (!PspReadNtdll(dirRva, &dir, sizeof(dir)))
        return 0;
    ULONG length = strlen(Name);
    for (ULONG i = 0; i < dir.NumberOfNames; i++) {
        ULONG nameRva;
        USHORT index;
        ULONG functionRva;
        CHAR candidate[64];
        if (!PspReadNtdll(dir.AddressOfNames + 4 * i, &nameRva, 4) || length + 1 > sizeof(candidate) ||
            !PspReadNtdll(nameRva, candidate, length + 1))
            continue;
        if (memcmp(candidate, Name, length + 1) != 0)
            continue;
        if (!PspReadNtdll(dir.AddressOfNameOrdinals + 2 * i, &index, 2) || index >= dir.NumberOfFunctions ||
            !PspReadNtdll(dir.AddressOfFunctions + 4 * index, &functionRva, 4) ||
            functionRva >= PspNtdllImage.SizeOfImage)
            return 0;
        return NTDLL_BASE + functionRva;
    }
    return 0;
}

/*
 * PspInitializeSystemDll - validate the embedded ntdll.dll, lay it out in template pages and find
 * the entry points the kernel needs. Result: STATUS_SUCCESS, STATUS_INVALID_IMAGE_FORMAT (not a
 * PE DLL for NTDLL_BASE, too big, or an entry point missing), STATUS_NO_MEMORY.
 */
NTSTATUS PspInitializeSystemDll(VOID)
{
    ULONG size = (ULONG)(KiNtdllImageEnd - KiNtdllImage);
    NTSTATUS status = MiValidatePeImage(KiNtdllImage, size, &PspNtdllImage);
    if (!NT_SUCCESS(status))
        return status;
    const MI_PE_IMAGE *image = &PspNtdllImage;
    if (image->ImageBase != NTDLL_BASE || !(image->Characteristics & IMAGE_FILE_DLL) ||
        image->SizeOfImage > PSP_NTDLL_MAX_PAGES * PAGE_SIZE)
        return STATUS_INVALID_IMAGE_FORMAT;
    PspNtdllPages = image->SizeOfImage / PAGE_SIZE;

    /* templates: the headers and every section that is mapped, zero-filled, then the file bytes */
    for (ULONG p = 0; p < PspNtdllPages; p++) {
        ULONG rva = p * PAGE_SIZE;
        BOOLEAN mapped = rva < image->HeaderMappedSize, writable = FALSE;
        for (ULONG s = 0; s < image->SectionCount; s++) {
            const MI_PE_SECTION *sec = &image->Sections[s];
            if (rva >= sec->VirtualAddress && rva - sec->VirtualAddress < sec->MappedSize) {
                mapped = sec->Protect != PAGE_NOACCESS;
                writable = sec->Protect == PAGE_WRITECOPY || sec->Protect == PAGE_EXECUTE_WRITECOPY ||
                           sec->Protect == PAGE_READWRITE || sec->Protect == PAGE_EXECUTE_READWRITE;
            }
        }
        if (!mapped)
            continue;
        PspNtdllPfn[p] = MiAllocatePhysicalPage();
        if (!PspNtdllPfn[p])
            return STATUS_NO_MEMORY;
        memset(MI_PA_TO_VA(PspNtdllPfn[p] << PAGE_SHIFT), 0, PAGE_SIZE);
        PspNtdllWritable[p] = writable;
    }
    PspWriteNtdll(0, KiNtdllImage, image->SizeOfHeaders);
    for (ULONG s = 0; s < image->SectionCount; s++) {
        const MI_PE_SECTION *sec = &image->Sections[s];
        PspWriteNtdll(sec->VirtualAddress, KiNtdllImage + sec->FileOffset, sec->FileSize);
    }

    PspSystemDll.DllBase = NTDLL_BASE;
    PspSystemDll.KiFastSystemCall = PspLookupNtdllExport("KiFastSystemCall");
    PspSystemDll.KiFastSystemCallRet = PspLookupNtdllExport("KiFastSystemCallRet");
    PspSystemDll.KiIntSystemCall = PspLookupNtdllExport("KiIntSystemCall");
    PspSystemDll.KiUserApcDispatcher = PspLookupNtdllExport("KiUserApcDispatcher");
    PspSystemDll.KiUserExceptionDispatcher = PspLookupNtdllExport("KiUserExceptionDispatcher");
    PspSystemDll.LdrInitializeThunk = PspLookupNtdllExport("LdrInitializeThunk");
    PspSystemDll.RtlUserThreadStart = PspLookupNtdllExport("RtlUserThreadStart");
    if (!PspSystemDll.KiFastSystemCall || !PspSystemDll.KiFastSystemCallRet || !PspSystemDll.KiIntSystemCall ||
        !PspSystemDll.KiUserApcDispatcher || !PspSystemDll.KiUserExceptionDispatcher ||
        !PspSystemDll.LdrInitializeThunk || !PspSystemDll.RtlUserThreadStart)
        return STATUS_INVALID_IMAGE_FORMAT;
    return STATUS_SUCCESS;
}

/* PspMapSystemDll - ntdll into a new address space at NTDLL_BASE: shared read-only templates,
   private copies of the writable pages. */
NTSTATUS PspMapSystemDll(ULONG Dtb)
{
    for (ULONG p = 0; p < PspNtdllPages; p++) {
        if (!PspNtdllPfn[p])
            continue;
        ULONG va = NTDLL_BASE + p * PAGE_SIZE;
        NTSTATUS status;
        if (PspNtdllWritable[p]) {
            status = MmAllocateUserRange(Dtb, va, PAGE_SIZE, TRUE);
            if (NT_SUCCESS(status))
                status = MmCopyToProcess(Dtb, va, MI_PA_TO_VA(PspNtdllPfn[p] << PAGE_SHIFT), PAGE_SIZE);
        } else {
            status = MmMapUserPage(Dtb, va, PspNtdllPfn[p], 0);
        }
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

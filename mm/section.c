/*
 * section.c - section objects and views (docs/sections.md): NtCreateSection, NtOpenSection,
 * NtMapViewOfSection, NtUnmapViewOfSection, NtQuerySection, with NT's signatures.
 *
 * Two kinds of section:
 *   - image (SEC_IMAGE): a PE32 file validated once, when the section is made (mm/peimage.c);
 *     the file's bytes are kept with the section. Each view gets its own copy of the image's
 *     pages, laid out as the headers and sections say, each section with its protection, at
 *     the preferred base or, when that is taken, elsewhere with the base relocations applied.
 *   - data (SEC_COMMIT): zeroed pages (backed by the paging file, in NT's words) of MaximumSize,
 *     or the bytes of a file. The section owns its pages; every view of it, in any process, maps
 *     those same physical pages, so what one process writes the others read.
 * A view is a VAD (mm/virtual.c) that references its section; the section goes when its last
 * handle and last view are gone. Everything is made at once: no demand paging, no write-back
 * of a file-backed section's pages to its file (docs/sections.md lists the differences from NT).
 */
#include "mm.h"
#include "mi.h"
#include "pfn.h"
#include "ps.h"
#include "ob.h"
#include "io.h"
#include "pool.h"
#include "rtl.h"
#include "ntpsapi.h"
#include "ntioapi.h"
#include "peimage.h"

_Static_assert(sizeof(SECTION_BASIC_INFORMATION) == 0x10, "SECTION_BASIC_INFORMATION");
_Static_assert(sizeof(SECTION_IMAGE_INFORMATION) == 0x30, "SECTION_IMAGE_INFORMATION");
_Static_assert(offsetof(SECTION_IMAGE_INFORMATION, SubSystemType) == 0x10, "SubSystemType");
_Static_assert(offsetof(SECTION_IMAGE_INFORMATION, ImageCharacteristics) == 0x1C, "ImageCharacteristics");
_Static_assert(offsetof(SECTION_IMAGE_INFORMATION, Machine) == 0x20, "Machine");
_Static_assert(offsetof(SECTION_IMAGE_INFORMATION, LoaderFlags) == 0x24, "LoaderFlags");

#define MI_SECTION_TAG 'tceS'
#define MI_MAXIMUM_DATA_SECTION (64u << 20)  /* NanoNT: every page is allocated when the section is made */

typedef struct _SECTION {
    ULONG AllocationAttributes;        /* SEC_IMAGE or SEC_COMMIT, plus SEC_FILE when file-backed */
    ULONG SectionPageProtection;       /* the protection asked for at creation */
    ULONG SizeOfSection;               /* bytes: MaximumSize, the file's size or SizeOfImage */
    /* data sections */
    ULONG PageCount;
    PULONG Pfns;                       /* the section's own pages, shared by every view */
    /* image sections */
    PVOID File;                        /* the file's bytes (IoReadFileForSection) */
    ULONG FileSize;
    PMI_PE_IMAGE Image;                /* what MiValidatePeImage found in File */
} SECTION, *PSECTION;

static VOID MiDeleteSection(PVOID Object)
{
    PSECTION section = Object;
    if (section->Pfns) {
        for (ULONG i = 0; i < section->PageCount; i++)
            if (section->Pfns[i])
                MiFreePhysicalPage(section->Pfns[i]);
        ExFreePoolWithTag(section->Pfns, MI_SECTION_TAG);
    }
    if (section->Image)
        ExFreePoolWithTag(section->Image, MI_SECTION_TAG);
    IoFreeWholeFile(section->File);
}

static OBJECT_TYPE MiSectionType = {
    .Name = "Section", .ValidAccessMask = SECTION_ALL_ACCESS,
    .GenericRead = STANDARD_RIGHTS_READ | SECTION_QUERY | SECTION_MAP_READ,
    .GenericWrite = STANDARD_RIGHTS_WRITE | SECTION_MAP_WRITE,
    .GenericExecute = STANDARD_RIGHTS_EXECUTE | SECTION_MAP_EXECUTE,
    .GenericAll = SECTION_ALL_ACCESS,
    .DeleteProcedure = MiDeleteSection, .PoolTag = MI_SECTION_TAG,
};
POBJECT_TYPE MmSectionObjectType = &MiSectionType;

/* ------------------------------------------------------------------ protections */

/* Is Protect one page protection a section or a view may have (NT's list, no modifiers)? */
static BOOLEAN MiIsSectionProtection(ULONG Protect)
{
    switch (Protect) {
    case PAGE_READONLY: case PAGE_READWRITE: case PAGE_WRITECOPY:
    case PAGE_EXECUTE: case PAGE_EXECUTE_READ: case PAGE_EXECUTE_READWRITE: case PAGE_EXECUTE_WRITECOPY:
        return TRUE;
    }
    return FALSE;
}

BOOLEAN MiProtectionWrites(ULONG Protect)
{
    return Protect == PAGE_READWRITE || Protect == PAGE_WRITECOPY || Protect == PAGE_EXECUTE_READWRITE ||
           Protect == PAGE_EXECUTE_WRITECOPY;
}

static BOOLEAN MiProtectionExecutes(ULONG Protect)
{
    return Protect == PAGE_EXECUTE || Protect == PAGE_EXECUTE_READ || Protect == PAGE_EXECUTE_READWRITE ||
           Protect == PAGE_EXECUTE_WRITECOPY;
}

/* The file rights a section of this protection needs of its file handle (NT's table for sections):
   execute needs FILE_EXECUTE, read FILE_READ_DATA, shared write FILE_WRITE_DATA as well. */
static ACCESS_MASK MiMakeFileAccess(ULONG Protect)
{
    switch (Protect) {
    case PAGE_EXECUTE: return FILE_EXECUTE;
    case PAGE_EXECUTE_READ: case PAGE_EXECUTE_WRITECOPY: return FILE_EXECUTE | FILE_READ_DATA;
    case PAGE_EXECUTE_READWRITE: return FILE_EXECUTE | FILE_READ_DATA | FILE_WRITE_DATA;
    case PAGE_READWRITE: return FILE_READ_DATA | FILE_WRITE_DATA;
    default: return FILE_READ_DATA;
    }
}

/* The section rights a view of this protection needs of its section handle (NT's table for views). */
static ACCESS_MASK MiMakeSectionAccess(ULONG Protect)
{
    switch (Protect) {
    case PAGE_EXECUTE: return SECTION_MAP_EXECUTE;
    case PAGE_EXECUTE_READ: case PAGE_EXECUTE_WRITECOPY: return SECTION_MAP_EXECUTE | SECTION_MAP_READ;
    case PAGE_EXECUTE_READWRITE: return SECTION_MAP_EXECUTE | SECTION_MAP_READ | SECTION_MAP_WRITE;
    case PAGE_READWRITE: return SECTION_MAP_READ | SECTION_MAP_WRITE;
    default: return SECTION_MAP_READ;
    }
}

/* Can a data view have ViewProtect when its section was made with SectionProtect? A shared
   writable view needs a writable section; an executable one an executable section. */
static BOOLEAN MiViewProtectionAllowed(ULONG SectionProtect, ULONG ViewProtect)
{
    if (ViewProtect == PAGE_READWRITE || ViewProtect == PAGE_EXECUTE_READWRITE) {
        if (SectionProtect != PAGE_READWRITE && SectionProtect != PAGE_EXECUTE_READWRITE)
            return FALSE;
    }
    if (MiProtectionExecutes(ViewProtect) && !MiProtectionExecutes(SectionProtect))
        return FALSE;
    return TRUE;
}

/*
 * MiViewDefaultProtection - the protection a page of a view has until NtProtectVirtualMemory
 * changes it: a data view's own; in an image view the headers' PAGE_READONLY, then the section's
 * that holds Va (PAGE_NOACCESS where no section is mapped).
 */
ULONG MiViewDefaultProtection(PMMVAD Vad, ULONG Va)
{
    PSECTION section = Vad->Section;
    if (!section->Image)
        return Vad->Protect;
    const MI_PE_IMAGE *image = section->Image;
    ULONG rva = Va - Vad->StartingAddress;
    if (rva < image->HeaderMappedSize)
        return PAGE_READONLY;
    for (ULONG i = 0; i < image->SectionCount; i++) {
        const MI_PE_SECTION *s = &image->Sections[i];
        if (rva >= s->VirtualAddress && rva - s->VirtualAddress < s->MappedSize)
            return s->Protect;
    }
    return PAGE_NOACCESS;
}

/*
 * MiCheckViewProtection - may the page of view Vad at Va get NewProtect? An image view's pages
 * are private copies: any protection (PAGE_NOACCESS pages, which are not mapped, never change:
 * STATUS_NOT_COMMITTED). A data view's pages are the section's: as when a view is mapped, a
 * writable protection needs a writable section and an executable one an executable section
 * (STATUS_SECTION_PROTECTION); NanoNT has no copy-on-write, so a write-copy protection needs
 * a writable section too.
 */
NTSTATUS MiCheckViewProtection(PMMVAD Vad, ULONG Va, ULONG NewProtect)
{
    PSECTION section = Vad->Section;
    if (section->Image)
        return MiViewDefaultProtection(Vad, Va) == PAGE_NOACCESS ? STATUS_NOT_COMMITTED : STATUS_SUCCESS;
    if (!MiViewProtectionAllowed(section->SectionPageProtection, NewProtect))
        return STATUS_SECTION_PROTECTION;
    if ((NewProtect == PAGE_WRITECOPY || NewProtect == PAGE_EXECUTE_WRITECOPY) &&
        !MiViewProtectionAllowed(section->SectionPageProtection, PAGE_READWRITE))
        return STATUS_SECTION_PROTECTION;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ creation */

/* A data section's pages: zeroed, then the file's first bytes when there is a file. */
static NTSTATUS MiCreateDataPages(PSECTION Section, const UCHAR *File, ULONG FileSize)
{
    Section->PageCount = ROUND_TO_PAGES(Section->SizeOfSection) / PAGE_SIZE;
    Section->Pfns = ExAllocatePoolZero(NonPagedPool, Section->PageCount * sizeof(ULONG), MI_SECTION_TAG);
    if (!Section->Pfns)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (ULONG i = 0; i < Section->PageCount; i++) {
        Section->Pfns[i] = MiAllocateZeroedPfn();
        if (!Section->Pfns[i])
            return STATUS_NO_MEMORY;               /* MiDeleteSection frees what was taken */
        ULONG offset = i * PAGE_SIZE;
        if (File && offset < FileSize) {
            ULONG length = FileSize - offset < PAGE_SIZE ? FileSize - offset : PAGE_SIZE;
            memcpy(MI_PA_TO_VA(Section->Pfns[i] << PAGE_SHIFT), File + offset, length);
        }
    }
    return STATUS_SUCCESS;
}

/*
 * MiCreateSection - build the section body: Section was just created zeroed. MaximumSize is the
 * captured size (0: none given).
 */
static NTSTATUS MiCreateSection(PSECTION Section, ULONGLONG MaximumSize, ULONG Protect, ULONG Attributes,
                                HANDLE FileHandle)
{
    Section->SectionPageProtection = Protect;
    if (Attributes & SEC_IMAGE) {
        PVOID file;
        ULONG size;
        NTSTATUS status = IoReadFileForSection(FileHandle, MiMakeFileAccess(Protect), &file, &size);
        if (!NT_SUCCESS(status))
            return status;
        Section->File = file;
        Section->FileSize = size;
        Section->Image = ExAllocatePoolZero(NonPagedPool, sizeof(MI_PE_IMAGE), MI_SECTION_TAG);
        if (!Section->Image)
            return STATUS_INSUFFICIENT_RESOURCES;
        status = MiValidatePeImage(file, size, Section->Image);
        if (!NT_SUCCESS(status))
            return status;
        Section->AllocationAttributes = SEC_IMAGE | SEC_FILE;
        Section->SizeOfSection = Section->Image->SizeOfImage;
        return STATUS_SUCCESS;
    }

    /* data */
    if (!FileHandle) {
        if (MaximumSize == 0)
            return STATUS_INVALID_PARAMETER_4;
        if (MaximumSize > MI_MAXIMUM_DATA_SECTION)
            return STATUS_SECTION_TOO_BIG;
        Section->AllocationAttributes = SEC_COMMIT;
        Section->SizeOfSection = (ULONG)MaximumSize;
        return MiCreateDataPages(Section, NULL, 0);
    }
    PVOID file;
    ULONG size;
    NTSTATUS status = IoReadFileForSection(FileHandle, MiMakeFileAccess(Protect), &file, &size);
    if (!NT_SUCCESS(status))
        return status;
    if (MaximumSize == 0)
        MaximumSize = size;
    if (MaximumSize == 0)
        status = STATUS_MAPPED_FILE_SIZE_ZERO;
    else if (MaximumSize > size || MaximumSize > MI_MAXIMUM_DATA_SECTION)
        status = STATUS_SECTION_TOO_BIG;              /* NanoNT does not extend the file */
    if (NT_SUCCESS(status)) {
        Section->AllocationAttributes = SEC_COMMIT | SEC_FILE;
        Section->SizeOfSection = (ULONG)MaximumSize;
        status = MiCreateDataPages(Section, file, (ULONG)MaximumSize);
    }
    IoFreeWholeFile(file);
    return status;
}

/*
 * NtCreateSection - In: where to return the handle, its access, OBJECT_ATTRIBUTES (or NULL; a
 * name enters the namespace as for events), MaximumSize (bytes; required without a file,
 * optional with one: 0 or NULL is the file's size), SectionPageProtection (PAGE_READONLY ...
 * PAGE_EXECUTE_WRITECOPY), AllocationAttributes (SEC_IMAGE with a file, or SEC_COMMIT, optionally
 * with SEC_NOCACHE, which changes nothing here), FileHandle (NULL: backed by the paging file).
 * Result: STATUS_SUCCESS, STATUS_INVALID_PAGE_PROTECTION, STATUS_INVALID_PARAMETER_4 (no size),
 * STATUS_INVALID_PARAMETER_6 (attributes), STATUS_INVALID_FILE_FOR_SECTION (SEC_IMAGE without a
 * file, or a directory), STATUS_INVALID_IMAGE_FORMAT, STATUS_SECTION_TOO_BIG,
 * STATUS_MAPPED_FILE_SIZE_ZERO, the file handle's errors (STATUS_ACCESS_DENIED without the file
 * rights the protection needs), the name errors of NtCreateEvent, STATUS_ACCESS_VIOLATION,
 * STATUS_NO_MEMORY / STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS NTAPI NtCreateSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes,
                               PLARGE_INTEGER MaximumSize, ULONG SectionPageProtection, ULONG AllocationAttributes,
                               HANDLE FileHandle)
{
    ULONG kind = AllocationAttributes & (SEC_IMAGE | SEC_COMMIT | SEC_RESERVE);
    if (AllocationAttributes & ~(SEC_IMAGE | SEC_COMMIT | SEC_RESERVE | SEC_NOCACHE))
        return STATUS_INVALID_PARAMETER_6;
    if (kind != SEC_IMAGE && kind != SEC_COMMIT)
        return STATUS_INVALID_PARAMETER_6;      /* exactly one kind; NanoNT has no SEC_RESERVE */
    if (!MiIsSectionProtection(SectionPageProtection))
        return STATUS_INVALID_PAGE_PROTECTION;
    if (kind == SEC_IMAGE && !FileHandle)
        return STATUS_INVALID_FILE_FOR_SECTION;
    LARGE_INTEGER size = { .QuadPart = 0 };
    if (MaximumSize) {
        NTSTATUS status = MmCopyFromUser(&size, MaximumSize, sizeof(size));
        if (!NT_SUCCESS(status))
            return status;
        if (size.QuadPart < 0)
            return STATUS_INVALID_PARAMETER_4;
    }
    OBJECT_CREATE_INFORMATION info;
    NTSTATUS status = ObCaptureObjectAttributes(ObjectAttributes, &info);
    if (!NT_SUCCESS(status))
        return status;
    PSECTION section;
    status = ObCreateObject(MmSectionObjectType, sizeof(SECTION), (PVOID *)&section);
    if (!NT_SUCCESS(status)) {
        ObReleaseObjectCreateInformation(&info);
        return status;
    }
    status = MiCreateSection(section, (ULONGLONG)size.QuadPart, SectionPageProtection, AllocationAttributes,
                             FileHandle);
    if (NT_SUCCESS(status))
        status = ObInsertObjectByName(section, &info, DesiredAccess, SectionHandle);
    else
        ObReleaseObjectCreateInformation(&info);
    ObDereferenceObject(section);
    return status;
}

/* NtOpenSection - In: where to write the handle, the access, attributes naming a section.
   Result: as NtOpenEvent's. */
NTSTATUS NTAPI NtOpenSection(PHANDLE SectionHandle, ACCESS_MASK DesiredAccess, POBJECT_ATTRIBUTES ObjectAttributes)
{
    return ObOpenObjectByName(ObjectAttributes, MmSectionObjectType, DesiredAccess, SectionHandle);
}

/* ------------------------------------------------------------------ views */

typedef struct _MI_VIEW_CONTEXT {
    ULONG Dtb;
    ULONG Base;
} MI_VIEW_CONTEXT, *PMI_VIEW_CONTEXT;

/* The relocator's window on a view being built: the kernel alias of the byte at Rva. */
static PUCHAR MiViewPage(PVOID Context, ULONG Rva)
{
    PMI_VIEW_CONTEXT view = Context;
    return MmUserVaToKernel(view->Dtb, view->Base + Rva);
}

/*
 * MiMapImageView - lay an image out at Base in the address space: the headers read-only, each
 * section's pages with its protection (PAGE_NOACCESS ones left unmapped), the file bytes copied
 * in, then the relocations applied when Base is not the preferred base. The caller owns the
 * range and its VAD; on failure it frees the range.
 */
static NTSTATUS MiMapImageView(PSECTION Section, ULONG Dtb, ULONG Base)
{
    const MI_PE_IMAGE *image = Section->Image;
    const UCHAR *file = Section->File;
    NTSTATUS status = MmAllocateUserRange(Dtb, Base, image->HeaderMappedSize, FALSE);
    if (NT_SUCCESS(status))
        status = MmCopyToProcess(Dtb, Base, file, image->SizeOfHeaders);
    for (ULONG i = 0; NT_SUCCESS(status) && i < image->SectionCount; i++) {
        const MI_PE_SECTION *s = &image->Sections[i];
        if (s->Protect == PAGE_NOACCESS)
            continue;
        status = MmAllocateUserRange(Dtb, Base + s->VirtualAddress, s->MappedSize, MiProtectionWrites(s->Protect));
        if (NT_SUCCESS(status))
            status = MmCopyToProcess(Dtb, Base + s->VirtualAddress, file + s->FileOffset, s->FileSize);
    }
    if (NT_SUCCESS(status) && Base != image->ImageBase) {
        MI_VIEW_CONTEXT context = { Dtb, Base };
        MiRelocateImage(file, image, Base, MiViewPage, &context);
    }
    return status;
}

/* MiMapDataView - map the section's own pages [Offset, Offset + Size) at Base, not owned (they
   stay the section's), writable when the view's protection writes. */
static NTSTATUS MiMapDataView(PSECTION Section, ULONG Dtb, ULONG Base, ULONG Offset, ULONG Size, ULONG Protect)
{
    ULONG flags = MiProtectionWrites(Protect) ? MI_PTE_WRITE : 0;
    for (ULONG a = 0; a < Size; a += PAGE_SIZE) {
        NTSTATUS status = MmMapUserPage(Dtb, Base + a, Section->Pfns[(Offset + a) / PAGE_SIZE], flags);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

/*
 * MiMapViewOfSection - map Section into Process. In/out: *Base (0: the image's preferred base,
 * or anywhere for data; else a 64 KiB-aligned address), *Offset and *Size (data views: Offset a
 * multiple of 64 KiB, Size 0 = to the end; image views: the whole image). Protect is the data
 * view's protection (image views use each section's own). Result: STATUS_SUCCESS,
 * STATUS_IMAGE_NOT_AT_BASE (an image mapped away from its preferred base, relocated),
 * STATUS_CONFLICTING_ADDRESSES, STATUS_MAPPED_ALIGNMENT, STATUS_INVALID_VIEW_SIZE,
 * STATUS_SECTION_PROTECTION, STATUS_NO_MEMORY, STATUS_PROCESS_IS_TERMINATING.
 */
static NTSTATUS MiMapViewOfSection(PSECTION Section, PEPROCESS Process, PULONG Base, PULONG Offset, PULONG Size,
                                   ULONG Protect)
{
    ULONG dtb = Process->Pcb.DirectoryTableBase, start, length, offset = 0;
    BOOLEAN image = Section->Image != NULL;
    NTSTATUS success = STATUS_SUCCESS;

    if (Process->Exiting)
        return STATUS_PROCESS_IS_TERMINATING;
    if (image) {
        length = Section->Image->SizeOfImage;
    } else {
        if (!MiViewProtectionAllowed(Section->SectionPageProtection, Protect))
            return STATUS_SECTION_PROTECTION;
        offset = *Offset;
        if (offset % MI_ALLOCATION_GRANULARITY)
            return STATUS_MAPPED_ALIGNMENT;
        if (offset >= Section->SizeOfSection || *Size > Section->SizeOfSection - offset)
            return STATUS_INVALID_VIEW_SIZE;
        length = *Size ? *Size : Section->SizeOfSection - offset;
        length = ROUND_TO_PAGES(length);
    }

    if (*Base) {
        start = *Base;
        if (start % MI_ALLOCATION_GRANULARITY)
            return STATUS_MAPPED_ALIGNMENT;
        if (start < MI_USER_LOWEST || start > MI_USER_LIMIT || length > MI_USER_LIMIT - start)
            return STATUS_INVALID_PARAMETER_3;
        if (!MiRangeFree(Process, start, start + length))
            return STATUS_CONFLICTING_ADDRESSES;
    } else if (image && Section->Image->ImageBase >= MI_USER_LOWEST &&
               Section->Image->ImageBase <= MI_USER_LIMIT && length <= MI_USER_LIMIT - Section->Image->ImageBase &&
               MiRangeFree(Process, Section->Image->ImageBase, Section->Image->ImageBase + length)) {
        start = Section->Image->ImageBase;
    } else {
        if (image && !Section->Image->Relocatable)
            return STATUS_CONFLICTING_ADDRESSES;   /* it can run only at its preferred base */
        if (!MiFindFreeRange(Process, length, &start))
            return STATUS_NO_MEMORY;
    }
    if (image && start != Section->Image->ImageBase) {
        if (!Section->Image->Relocatable)
            return STATUS_CONFLICTING_ADDRESSES;
        success = STATUS_IMAGE_NOT_AT_BASE;
    }

    PMMVAD vad = ExAllocatePoolZero(NonPagedPool, sizeof(MMVAD), MI_VAD_TAG);
    if (!vad)
        return STATUS_NO_MEMORY;
    /* the image view's pages are private copies (each view its own), the data view's shared */
    vad->StartingAddress = start;
    vad->EndingAddress = start + length;
    vad->Protect = image ? PAGE_EXECUTE_WRITECOPY : Protect;
    vad->Section = Section;
    ObReferenceObject(Section);
    MiInsertVad(Process, vad);
    NTSTATUS status = image ? MiMapImageView(Section, dtb, start)
                            : MiMapDataView(Section, dtb, start, offset, length, Protect);
    if (!NT_SUCCESS(status)) {
        MmFreeUserRange(dtb, start, length);
        MiRemoveVad(Process, vad);
        ExFreePoolWithTag(vad, MI_VAD_TAG);
        ObDereferenceObject(Section);
        return status;
    }
    *Base = start;
    *Size = length;
    *Offset = offset;
    return success;
}

/*
 * NtMapViewOfSection - In: a section handle (the SECTION_MAP_* rights Win32Protect needs), a
 * process handle (PROCESS_VM_OPERATION), in/out *BaseAddress, ZeroBits (0), CommitSize
 * (ignored: every page is committed), in/out *SectionOffset (optional, data views), in/out
 * *ViewSize, InheritDisposition (ViewShare or ViewUnmap; there is no inheritance, so both mean
 * the same), AllocationType (0 or MEM_TOP_DOWN, which NanoNT ignores), Win32Protect (the data
 * view's protection; for an image it decides only the access check). Result: as
 * MiMapViewOfSection, plus STATUS_INVALID_PARAMETER_4/_8/_9, STATUS_INVALID_PAGE_PROTECTION,
 * handle errors and STATUS_ACCESS_VIOLATION (the view is unmapped again when the results cannot
 * be written).
 */
NTSTATUS NTAPI NtMapViewOfSection(HANDLE SectionHandle, HANDLE ProcessHandle, PVOID *BaseAddress, ULONG_PTR ZeroBits,
                                  SIZE_T CommitSize, PLARGE_INTEGER SectionOffset, PSIZE_T ViewSize,
                                  SECTION_INHERIT InheritDisposition, ULONG AllocationType, ULONG Win32Protect)
{
    UNREFERENCED_PARAMETER(CommitSize);
    if (ZeroBits)
        return STATUS_INVALID_PARAMETER_4;
    if (InheritDisposition != ViewShare && InheritDisposition != ViewUnmap)
        return STATUS_INVALID_PARAMETER_8;
    if (AllocationType & ~0x00100000 /* MEM_TOP_DOWN */)
        return STATUS_INVALID_PARAMETER_9;
    if (!MiIsSectionProtection(Win32Protect))
        return STATUS_INVALID_PAGE_PROTECTION;

    ULONG base, size;
    LARGE_INTEGER offset = { .QuadPart = 0 };
    NTSTATUS status = MmCopyFromUser(&base, BaseAddress, sizeof(base));
    if (NT_SUCCESS(status))
        status = MmCopyFromUser(&size, ViewSize, sizeof(size));
    if (NT_SUCCESS(status) && SectionOffset)
        status = MmCopyFromUser(&offset, SectionOffset, sizeof(offset));
    if (!NT_SUCCESS(status))
        return status;
    if (offset.QuadPart < 0 || offset.QuadPart > 0xFFFFFFFFll)
        return STATUS_INVALID_VIEW_SIZE;

    PSECTION section;
    status = ObReferenceObjectByHandle(SectionHandle, MiMakeSectionAccess(Win32Protect), MmSectionObjectType,
                                       UserMode, (PVOID *)&section, NULL);
    if (!NT_SUCCESS(status))
        return status;
    PEPROCESS process;
    status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_VM_OPERATION, PsProcessType, UserMode,
                                       (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(section);
        return status;
    }
    ULONG viewOffset = offset.LowPart;
    NTSTATUS mapped = MiMapViewOfSection(section, process, &base, &viewOffset, &size, Win32Protect);
    status = mapped;
    if (NT_SUCCESS(mapped)) {
        offset.QuadPart = viewOffset;
        status = MmCopyToUser(BaseAddress, &base, sizeof(base));
        if (NT_SUCCESS(status))
            status = MmCopyToUser(ViewSize, &size, sizeof(size));
        if (NT_SUCCESS(status) && SectionOffset)
            status = MmCopyToUser(SectionOffset, &offset, sizeof(offset));
        if (!NT_SUCCESS(status))
            MmUnmapViewOfSection(process, base);
        else
            status = mapped;
    }
    ObDereferenceObject(process);
    ObDereferenceObject(section);
    return status;
}

/*
 * MmUnmapViewOfSection - remove the view of Process that contains Base (any address in it):
 * its pages (an image view's copies are freed, a data view's pages stay the section's), its VAD
 * and its reference on the section. Result: STATUS_SUCCESS, STATUS_NOT_MAPPED_VIEW.
 */
NTSTATUS MmUnmapViewOfSection(PEPROCESS Process, ULONG Base)
{
    PMMVAD vad = MiFindVad(Process, Base);
    if (!vad || !vad->Section)
        return STATUS_NOT_MAPPED_VIEW;
    MmFreeUserRange(Process->Pcb.DirectoryTableBase, vad->StartingAddress,
                    vad->EndingAddress - vad->StartingAddress);
    MiRemoveVad(Process, vad);
    ObDereferenceObject(vad->Section);
    MiFreeVad(vad);
    return STATUS_SUCCESS;
}

/* NtUnmapViewOfSection - In: a process handle (PROCESS_VM_OPERATION) and an address inside a
   view. Result: as MmUnmapViewOfSection, plus handle errors. */
NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE ProcessHandle, PVOID BaseAddress)
{
    PEPROCESS process;
    NTSTATUS status = ObReferenceObjectByHandle(ProcessHandle, PROCESS_VM_OPERATION, PsProcessType, UserMode,
                                                (PVOID *)&process, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = MmUnmapViewOfSection(process, (ULONG)BaseAddress);
    ObDereferenceObject(process);
    return status;
}

/* ------------------------------------------------------------------ queries */

/*
 * NtQuerySection - In: a section handle (SECTION_QUERY), SectionBasicInformation or
 * SectionImageInformation (image sections only), a buffer of at least the structure's size,
 * optional PSIZE_T for the size written. Result: STATUS_SUCCESS, STATUS_INVALID_INFO_CLASS,
 * STATUS_SECTION_NOT_IMAGE, STATUS_INFO_LENGTH_MISMATCH, handle errors, STATUS_ACCESS_VIOLATION.
 */
NTSTATUS NTAPI NtQuerySection(HANDLE SectionHandle, SECTION_INFORMATION_CLASS SectionInformationClass,
                              PVOID SectionInformation, SIZE_T SectionInformationLength, PSIZE_T ResultLength)
{
    union {
        SECTION_BASIC_INFORMATION Basic;
        SECTION_IMAGE_INFORMATION Image;
    } info;
    ULONG length;
    if (SectionInformationClass == SectionBasicInformation)
        length = sizeof(info.Basic);
    else if (SectionInformationClass == SectionImageInformation)
        length = sizeof(info.Image);
    else
        return STATUS_INVALID_INFO_CLASS;
    if (SectionInformationLength < length)
        return STATUS_INFO_LENGTH_MISMATCH;

    PSECTION section;
    NTSTATUS status = ObReferenceObjectByHandle(SectionHandle, SECTION_QUERY, MmSectionObjectType, UserMode,
                                                (PVOID *)&section, NULL);
    if (!NT_SUCCESS(status))
        return status;
    memset(&info, 0, sizeof(info));
    if (SectionInformationClass == SectionBasicInformation) {
        info.Basic.BaseAddress = NULL;
        info.Basic.AllocationAttributes = section->AllocationAttributes;
        info.Basic.MaximumSize.QuadPart = section->SizeOfSection;
    } else if (!section->Image) {
        status = STATUS_SECTION_NOT_IMAGE;
    } else {
        const MI_PE_IMAGE *image = section->Image;
        info.Image.TransferAddress = (PVOID)(image->ImageBase + image->AddressOfEntryPoint);
        info.Image.MaximumStackSize = image->SizeOfStackReserve;
        info.Image.CommittedStackSize = image->SizeOfStackCommit;
        info.Image.SubSystemType = image->Subsystem;
        info.Image.SubSystemMinorVersion = image->MinorSubsystemVersion;
        info.Image.SubSystemMajorVersion = image->MajorSubsystemVersion;
        info.Image.ImageCharacteristics = image->Characteristics;
        info.Image.DllCharacteristics = image->DllCharacteristics;
        info.Image.Machine = image->Machine;
        info.Image.ImageContainsCode = image->ContainsCode;
        info.Image.LoaderFlags = image->LoaderFlags;
        info.Image.ImageFileSize = section->FileSize;
    }
    ObDereferenceObject(section);
    if (!NT_SUCCESS(status))
        return status;
    status = MmCopyToUser(SectionInformation, &info, length);
    if (NT_SUCCESS(status) && ResultLength) {
        SIZE_T written = length;
        status = MmCopyToUser(ResultLength, &written, sizeof(written));
    }
    return status;
}

/* ------------------------------------------------------------------ the kernel's own image views */

/*
 * MmCreateImageSectionFromMemory - an image section of the PE file held at File (Size bytes), for
 * process creation from a boot module or a file the kernel has read (ps/create.c): the bytes are
 * copied and validated exactly as NtCreateSection validates a file. *Section comes back with one
 * reference (ObDereferenceObject when done). Result: STATUS_SUCCESS, STATUS_INVALID_IMAGE_FORMAT,
 * STATUS_INSUFFICIENT_RESOURCES.
 */
NTSTATUS MmCreateImageSectionFromMemory(const VOID *File, ULONG Size, PVOID *Section)
{
    PSECTION section;
    NTSTATUS status = ObCreateObject(MmSectionObjectType, sizeof(SECTION), (PVOID *)&section);
    if (!NT_SUCCESS(status))
        return status;
    section->SectionPageProtection = PAGE_EXECUTE_WRITECOPY;
    section->File = Size ? ExAllocatePoolWithTag(NonPagedPool, Size, IO_POOL_TAG) : NULL;   /* IoFreeWholeFile's */
    section->Image = ExAllocatePoolZero(NonPagedPool, sizeof(MI_PE_IMAGE), MI_SECTION_TAG);
    if (!section->File || !section->Image) {
        ObDereferenceObject(section);
        return Size ? STATUS_INSUFFICIENT_RESOURCES : STATUS_INVALID_IMAGE_FORMAT;
    }
    memcpy(section->File, File, Size);
    section->FileSize = Size;
    status = MiValidatePeImage(section->File, Size, section->Image);
    if (!NT_SUCCESS(status)) {
        ObDereferenceObject(section);
        return status;
    }
    section->AllocationAttributes = SEC_IMAGE | SEC_FILE;
    section->SizeOfSection = section->Image->SizeOfImage;
    *Section = section;
    return STATUS_SUCCESS;
}

/*
 * MmMapImageSectionView - map an image section into Process at its preferred base (relocated
 * elsewhere when that is taken), as NtMapViewOfSection with *BaseAddress 0 does. Out: the view's
 * base and what NtQuerySection(SectionImageInformation) reports, except that TransferAddress is
 * the entry point at the view's actual base. Result: STATUS_SUCCESS, STATUS_IMAGE_NOT_AT_BASE,
 * STATUS_SECTION_NOT_IMAGE (a data section), MiMapViewOfSection's errors.
 */
NTSTATUS MmMapImageSectionView(PVOID Section, PEPROCESS Process, PULONG Base, PSECTION_IMAGE_INFORMATION Info)
{
    PSECTION section = Section;
    ULONG base = 0, offset = 0, size = 0;
    if (!section->Image)
        return STATUS_SECTION_NOT_IMAGE;
    NTSTATUS status = MiMapViewOfSection(section, Process, &base, &offset, &size, PAGE_EXECUTE_WRITECOPY);
    if (!NT_SUCCESS(status))
        return status;
    const MI_PE_IMAGE *image = section->Image;
    memset(Info, 0, sizeof(*Info));
    Info->TransferAddress = image->AddressOfEntryPoint ? (PVOID)(base + image->AddressOfEntryPoint) : NULL;
    Info->MaximumStackSize = image->SizeOfStackReserve;
    Info->CommittedStackSize = image->SizeOfStackCommit;
    Info->SubSystemType = image->Subsystem;
    Info->SubSystemMinorVersion = image->MinorSubsystemVersion;
    Info->SubSystemMajorVersion = image->MajorSubsystemVersion;
    Info->ImageCharacteristics = image->Characteristics;
    Info->DllCharacteristics = image->DllCharacteristics;
    Info->Machine = image->Machine;
    Info->ImageContainsCode = image->ContainsCode;
    Info->LoaderFlags = image->LoaderFlags;
    Info->ImageFileSize = section->FileSize;
    *Base = base;
    return status;
}

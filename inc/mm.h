/* mm.h - the memory manager's interface to the rest of the kernel. */
#ifndef NANONT_MM_H
#define NANONT_MM_H

#include "ke.h"
#include "multiboot.h"

/* page table entry bits */
#define MI_PTE_PRESENT  0x001
#define MI_PTE_WRITE    0x002
#define MI_PTE_USER     0x004
#define MI_PTE_WRITE_THROUGH 0x008
#define MI_PTE_CACHE_DISABLE 0x010
#define MI_PTE_LARGE    0x080
#define MI_PTE_OWNED    0x200          /* software bit: the page belongs to this address space */

extern ULONG MmUserProbeAddress;
extern ULONG MmHighestUserAddress;
extern ULONG MmSystemDirectoryTableBase;

struct _LOADER_PARAMETER_BLOCK;
VOID MmInitSystem(struct _LOADER_PARAMETER_BLOCK *LoaderBlock);

/* kernel mappings */
PVOID MmCreateKernelStack(ULONG Pages, PVOID *StackLimit);   /* returns the stack base (top) */
VOID MmDeleteKernelStack(PVOID StackBase, ULONG Pages);

/* device memory (mm/kernelva.c) */
typedef LARGE_INTEGER PHYSICAL_ADDRESS;
typedef enum _MEMORY_CACHING_TYPE { MmNonCached = 0, MmCached = 1, MmWriteCombined = 2 } MEMORY_CACHING_TYPE;
PVOID MmMapIoSpace(PHYSICAL_ADDRESS PhysicalAddress, SIZE_T NumberOfBytes, MEMORY_CACHING_TYPE CacheType);
VOID MmUnmapIoSpace(PVOID BaseAddress, SIZE_T NumberOfBytes);

/* process address spaces */
NTSTATUS MmCreateProcessAddressSpace(PULONG DirectoryTableBase);
VOID MmDeleteProcessAddressSpace(ULONG DirectoryTableBase);
NTSTATUS MmMapUserPage(ULONG DirectoryTableBase, ULONG Va, ULONG Pfn, ULONG PteFlags);
NTSTATUS MmAllocateUserRange(ULONG DirectoryTableBase, ULONG Va, ULONG Size, BOOLEAN Writable);
NTSTATUS MmAllocateUserRangeWithData(ULONG Dtb, ULONG Va, ULONG Size, BOOLEAN Writable, ULONG DataVa,
                                     const VOID *Data, ULONG DataLength);
VOID MmFreeUserRange(ULONG DirectoryTableBase, ULONG Va, ULONG Size);
PVOID MmUserVaToKernel(ULONG DirectoryTableBase, ULONG Va);   /* KSEG0 alias of a mapped user page */
BOOLEAN MmIsUserPageWritable(ULONG DirectoryTableBase, ULONG Va);
NTSTATUS MmCopyToProcess(ULONG DirectoryTableBase, ULONG Va, const VOID *Source, ULONG Length);

/* user memory from services (mm/probe.c): range checks against MmUserProbeAddress + safe copy */
NTSTATUS ProbeForRead(const VOID *Address, SIZE_T Length, ULONG Alignment);
NTSTATUS ProbeForWrite(PVOID Address, SIZE_T Length, ULONG Alignment);
NTSTATUS MmCopyFromUser(PVOID Destination, const VOID *UserSource, SIZE_T Length);
NTSTATUS MmCopyToUser(PVOID UserDestination, const VOID *Source, SIZE_T Length);
NTSTATUS MmExchangeUserUlong(PULONG UserAddress, PULONG Value);
NTSTATUS MmCaptureUnicodeString(PUNICODE_STRING Captured, PCUNICODE_STRING UserString, ULONG MaxBytes);
VOID MmFreeCapturedUnicodeString(PUNICODE_STRING Captured);

/* user virtual memory by reservation (mm/virtual.c) */
struct _EPROCESS;
NTSTATUS MmAllocateVirtualMemory(struct _EPROCESS *Process, PULONG Base, PULONG Size, ULONG AllocationType,
                                 ULONG Protect);
NTSTATUS MmFreeVirtualMemory(struct _EPROCESS *Process, PULONG Base, PULONG Size, ULONG FreeType);
VOID MmDeleteVads(struct _EPROCESS *Process);

/* sections (mm/section.c): remove the view of Process containing Base */
NTSTATUS MmUnmapViewOfSection(struct _EPROCESS *Process, ULONG Base);
/* mm/section.c: image sections for the kernel's process creation (ps/create.c) */
struct _SECTION_IMAGE_INFORMATION;
NTSTATUS MmCreateImageSectionFromMemory(const VOID *File, ULONG Size, PVOID *Section);
NTSTATUS MmMapImageSectionView(PVOID Section, struct _EPROCESS *Process, PULONG Base,
                               struct _SECTION_IMAGE_INFORMATION *Info);

/* shared pages */
extern ULONG MmSharedUserDataPfn;

#endif

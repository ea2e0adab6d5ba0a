/* mi.h - memory-manager internals shared between mm/ files. */
#ifndef NANONT_MI_H
#define NANONT_MI_H

#include "mm.h"

PULONG MiSystemPageDirectory(VOID);
ULONG MiAllocateZeroedPfn(VOID);
PULONG MiKernelPte(ULONG Va);
VOID MiMapKernelPage(ULONG Va, ULONG Pfn);
VOID MiInitializeKernelVa(VOID);

/* User address-space reservations (mm/virtual.c): a sorted list per process (EPROCESS.VadRoot). */
typedef struct _MMVAD {
    struct _MMVAD *Next;
    ULONG StartingAddress;
    ULONG EndingAddress;               /* exclusive */
    ULONG Protect;                     /* PAGE_* of a reservation or of a data view */
    PVOID Section;                     /* a mapped view: its SECTION, referenced (mm/section.c); else NULL */
    PUCHAR PageProtect;                /* PAGE_* of each page once NtProtectVirtualMemory changed one
                                          (mm/protect.c); NULL: every page has its default */
} MMVAD, *PMMVAD;

#define MI_ALLOCATION_GRANULARITY 0x10000UL
#define MI_VAD_SEARCH_START       0x01000000UL   /* automatic placement: above the image */
#define MI_VAD_SEARCH_END         0x77F00000UL   /* and below ntdll */
#define MI_USER_LOWEST            0x00010000UL
#define MI_USER_LIMIT             0x7FFE0000UL   /* SharedUserData and above are never allocated */
#define MI_VAD_TAG                'daV '

struct _EPROCESS;
PMMVAD MiFindVad(struct _EPROCESS *Process, ULONG Va);
BOOLEAN MiRangeFree(struct _EPROCESS *Process, ULONG Start, ULONG End);
BOOLEAN MiFindFreeRange(struct _EPROCESS *Process, ULONG Length, PULONG Start);
VOID MiInsertVad(struct _EPROCESS *Process, PMMVAD Vad);
VOID MiRemoveVad(struct _EPROCESS *Process, PMMVAD Vad);
VOID MiFreeVad(PMMVAD Vad);

/* page protections (mm/section.c, mm/protect.c, mm/procvm.c) */
BOOLEAN MiProtectionWrites(ULONG Protect);
ULONG MiViewDefaultProtection(PMMVAD Vad, ULONG Va);
NTSTATUS MiCheckViewProtection(PMMVAD Vad, ULONG Va, ULONG NewProtect);
BOOLEAN MiSetUserPteAccess(ULONG Dtb, ULONG Va, BOOLEAN Writable, BOOLEAN Accessible);

#endif

/* mi.h - memory-manager internals shared between mm/ files. */
#ifndef NANONT_MI_H
#define NANONT_MI_H

#include "mm.h"

PULONG MiSystemPageDirectory(VOID);
ULONG MiAllocateZeroedPfn(VOID);
PULONG MiKernelPte(ULONG Va);
VOID MiMapKernelPage(ULONG Va, ULONG Pfn);
VOID MiInitializeKernelVa(VOID);

#endif

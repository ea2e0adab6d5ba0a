/*
 * fixup.h - exception fixups. An instruction that may fault on a user address (argument copy,
 * fault-safe copy helpers, TEB reads) or on a user frame being restored (segment pops, iretd) is
 * listed with the address where execution continues if it faults. The trap handler looks up the
 * faulting EIP of a kernel-mode fault here before bugchecking; the decision depends only on the
 * EIP, never on frame contents.
 */
#ifndef NANONT_FIXUP_H
#define NANONT_FIXUP_H

#ifdef __ASSEMBLY__
#define KI_FIXUP(fault, fixup) \
        .pushsection .kifixup, "a"; .long fault, fixup; .popsection
#else
#include "ntdef.h"
typedef struct _KI_FIXUP_ENTRY {
    ULONG FaultEip;
    ULONG FixupEip;
} KI_FIXUP_ENTRY;
ULONG KiLookupFixup(ULONG Eip);
#endif

#endif

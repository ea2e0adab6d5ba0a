/*
 * ktrap.h - KTRAP_FRAME, the NT x86 trap frame (docs/spec.md §4, exact NT layout, 0x8C bytes).
 *
 * Every entry into the kernel from user mode builds one at the top of the thread's kernel stack and
 * KTHREAD.TrapFrame points to it. Who writes each group of fields is noted beside it. Assembly gets
 * the offsets from build/inc/ksoffsets.h, generated from this structure by tools/genoffsets.c.
 */
#ifndef NANONT_KTRAP_H
#define NANONT_KTRAP_H

#include "ntdef.h"

typedef struct _KTRAP_FRAME {
    /* Debugger linkage, filled by every entry stub as WRK's SET_DEBUG_DATA does: the interrupted
       EBP and the frame's EIP (a stack walk continues through them), KI_DBG_ARG_MARK, and the
       service's argument pointer (the interrupted EDX for a trap). Kernel only. */
    ULONG DbgEbp;               /* 0x00 */
    ULONG DbgEip;               /* 0x04 */
    ULONG DbgArgMark;           /* 0x08 */
    ULONG DbgArgPointer;        /* 0x0C */
    /* Edited-frame scratch (NT uses these when a kernel ESP is edited): kernel only. */
    ULONG TempSegCs;            /* 0x10 */
    ULONG TempEsp;              /* 0x14 */
    /* Debug registers: saved by the entry only when KTHREAD_EXTENSION.DebugActive is set; every entry
       clears Dr7 first. */
    ULONG Dr0, Dr1, Dr2, Dr3;   /* 0x18 - 0x24 */
    ULONG Dr6, Dr7;             /* 0x28 - 0x2C */
    /* Segment registers saved by the entry stub. KiFastCallEntry does not save them: readers of
       a service frame (KeTrapFrameToContext) report the values the exit loads and the live GS. */
    ULONG SegGs;                /* 0x30 */
    ULONG SegEs;                /* 0x34 */
    ULONG SegDs;                /* 0x38 */
    /* Volatile registers: saved by the int/trap stubs. During a system service Edx holds the
       previous KTHREAD.TrapFrame (kernel state). */
    ULONG Edx;                  /* 0x3C */
    ULONG Ecx;                  /* 0x40 */
    ULONG Eax;                  /* 0x44 */
    /* Kernel state saved by the service entry and restored by the exit. */
    ULONG PreviousPreviousMode; /* 0x48 */
    ULONG ExceptionList;        /* 0x4C */
    ULONG SegFs;                /* 0x50 */
    /* Non-volatile registers: saved by every entry stub. */
    ULONG Edi;                  /* 0x54 */
    ULONG Esi;                  /* 0x58 */
    ULONG Ebx;                  /* 0x5C */
    ULONG Ebp;                  /* 0x60 */
    /* Error code: pushed by the CPU for some exceptions, by the stub otherwise. A frame built by
       KiFastCallEntry and not edited since carries KI_FAST_FRAME_MARK here (kernel only). */
    ULONG ErrCode;              /* 0x64 */
    /* Pushed by the CPU (or built by KiFastCallEntry to look the same). */
    ULONG Eip;                  /* 0x68 */
    ULONG SegCs;                /* 0x6C */
    ULONG EFlags;               /* 0x70 */
    ULONG HardwareEsp;          /* 0x74 */
    ULONG HardwareSegSs;        /* 0x78 */
    /* V86 segments: never used by NanoNT (no V86 mode), kept for the layout. */
    ULONG V86Es, V86Ds, V86Fs, V86Gs; /* 0x7C - 0x88 */
} KTRAP_FRAME, *PKTRAP_FRAME;

/* ErrCode value of a frame exactly as KiFastCallEntry built it (may leave by sysexit). */
#define KI_FAST_FRAME_MARK 0x5F5CA11EU
/* ErrCode value of a frame exactly as KiSystemService built it (leaves by the short iretd exit).
   Whatever needs the general exit (an edit, pending APCs, termination, debug registers) zeroes
   ErrCode, removing either mark. */
#define KI_INT2E_FRAME_MARK 0x2E5CA11EU

/* DbgArgMark of every frame an entry built (WRK's 0xBADB0D00): a debugger's check that a stack
   walk has reached a trap frame. */
#define KI_DBG_ARG_MARK 0xBADB0D00U

#define KTRAP_FRAME_LENGTH 0x8C

_Static_assert(sizeof(KTRAP_FRAME) == 0x8C, "KTRAP_FRAME size");
_Static_assert(offsetof(KTRAP_FRAME, Dr0) == 0x18, "Dr0");
_Static_assert(offsetof(KTRAP_FRAME, Dr7) == 0x2C, "Dr7");
_Static_assert(offsetof(KTRAP_FRAME, SegGs) == 0x30, "SegGs");
_Static_assert(offsetof(KTRAP_FRAME, Edx) == 0x3C, "Edx");
_Static_assert(offsetof(KTRAP_FRAME, Eax) == 0x44, "Eax");
_Static_assert(offsetof(KTRAP_FRAME, PreviousPreviousMode) == 0x48, "PPM");
_Static_assert(offsetof(KTRAP_FRAME, ExceptionList) == 0x4C, "ExceptionList");
_Static_assert(offsetof(KTRAP_FRAME, SegFs) == 0x50, "SegFs");
_Static_assert(offsetof(KTRAP_FRAME, Edi) == 0x54, "Edi");
_Static_assert(offsetof(KTRAP_FRAME, Ebp) == 0x60, "Ebp");
_Static_assert(offsetof(KTRAP_FRAME, ErrCode) == 0x64, "ErrCode");
_Static_assert(offsetof(KTRAP_FRAME, Eip) == 0x68, "Eip");
_Static_assert(offsetof(KTRAP_FRAME, SegCs) == 0x6C, "SegCs");
_Static_assert(offsetof(KTRAP_FRAME, EFlags) == 0x70, "EFlags");
_Static_assert(offsetof(KTRAP_FRAME, HardwareEsp) == 0x74, "HardwareEsp");
_Static_assert(offsetof(KTRAP_FRAME, HardwareSegSs) == 0x78, "HardwareSegSs");
_Static_assert(offsetof(KTRAP_FRAME, V86Gs) == 0x88, "V86Gs");

/* Selectors (docs/spec.md §3, NT values). */
#define KGDT_R0_CODE 0x08
#define KGDT_R0_DATA 0x10
#define KGDT_R3_CODE 0x18
#define KGDT_R3_DATA 0x20
#define KGDT_TSS     0x28
#define KGDT_R0_PCR  0x30
#define KGDT_R3_TEB  0x38
#define KGDT_DF_TSS  0x50
#define RPL_MASK     3

/* EFLAGS bits. */
#define EFLAGS_CF   0x00000001
#define EFLAGS_PF   0x00000004
#define EFLAGS_AF   0x00000010
#define EFLAGS_ZF   0x00000040
#define EFLAGS_SF   0x00000080
#define EFLAGS_TF   0x00000100
#define EFLAGS_IF   0x00000200
#define EFLAGS_DF   0x00000400
#define EFLAGS_OF   0x00000800
#define EFLAGS_IOPL 0x00003000
#define EFLAGS_NT   0x00004000
#define EFLAGS_RF   0x00010000
#define EFLAGS_VM   0x00020000
#define EFLAGS_AC   0x00040000
#define EFLAGS_VIF  0x00080000
#define EFLAGS_VIP  0x00100000
#define EFLAGS_ID   0x00200000
/* WRK's mask of the EFLAGS bits a user CONTEXT may set (SANITIZE_FLAGS forces IF on top, and
   IOPL comes from the thread's Iopl, not from the CONTEXT): CF, PF, AF, ZF, SF, TF, DF, OF, NT,
   RF, VM, AC, VIF, VIP, ID and the always-one bit 1. */
#define EFLAGS_USER_SANITIZE 0x003F4DD7
/* NanoNT's stricter rule, used by every writer of user state into a frame: only CF, PF, AF, ZF,
   SF, TF, DF, OF, AC and ID come from user mode (IF forced on, bit 1 forced). It differs from
   WRK's because NanoNT has no V86 mode (VM, VIF, VIP), no task switching (NT would make the
   exit's iretd a task return) and no per-thread IOPL, and RF would let a user frame skip one
   instruction breakpoint. */
#define EFLAGS_USER_SETTABLE (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | \
                              EFLAGS_TF | EFLAGS_DF | EFLAGS_OF | EFLAGS_AC | EFLAGS_ID)
_Static_assert((EFLAGS_USER_SETTABLE & ~EFLAGS_USER_SANITIZE) == 0, "NanoNT's rule is within WRK's");

/* Debug registers, WRK's masks: the DR6 status bits (B0-B3, BD, BS, BT), the DR7 bits a user
   CONTEXT may set (local enables L0-L3, LE, and the R/W and LEN fields), and the enables that
   make a thread's debug registers active. */
#define DR6_LEGAL  0x0000E00F
#define DR7_LEGAL  0xFFFF0155
#define DR7_ACTIVE 0x00000055

#endif

/*
 * timeline.h - the event timeline (boot option timeline=1, ke/timeline.c, docs/timeline.md).
 *
 * Every record starts with KTIMELINE_RECORD (24 bytes, little-endian) and is Size bytes long
 * (a multiple of 4); a KTL_NAME record carries a NUL-terminated name after the header. The
 * stream opens with a KTL_HEADER record (Arg1 = KTL_VERSION, Arg2 = TSC ticks per millisecond).
 * Process and Thread are the ids of the thread that was running when the event happened.
 * tools/nttrace reads this format; keep the two in step.
 */
#ifndef NANONT_TIMELINE_H
#define NANONT_TIMELINE_H

#include "ntdef.h"

#define KTL_VERSION 1

typedef enum _KTIMELINE_EVENT {
    KTL_HEADER = 1,         /* Arg1 version, Arg2 TSC ticks per ms */
    KTL_NAME,               /* the running process's image name follows (first event of a thread) */
    KTL_SERVICE_ENTER,      /* Arg1 table << 16 | index, Arg2 first argument dword */
    KTL_SERVICE_EXIT,       /* Arg1 table << 16 | index, Arg2 NTSTATUS */
    KTL_CONTEXT_SWITCH,     /* from the old thread: Arg1 new process << 16 | new thread, Arg2 old state */
    KTL_INTERRUPT,          /* Arg1 IRQ, Arg2 interrupted EIP */
    KTL_APC,                /* Arg1 mode (0 kernel, 1 user), Arg2 the normal (or kernel) routine */
    KTL_EXCEPTION,          /* Arg1 NTSTATUS code, Arg2 address */
    KTL_PAGE_FAULT,         /* Arg1 faulting address (CR2), Arg2 error code | EIP-is-kernel << 31 */
    KTL_IO_REQUEST,         /* Arg1 IRP_MJ_* major function, Arg2 length */
    KTL_IO_COMPLETE,        /* Arg1 IRP_MJ_* major function, Arg2 NTSTATUS */
    KTL_GUI_FLUSH,          /* Arg1 batched calls, Arg2 NTSTATUS */
} KTIMELINE_EVENT;

typedef struct _KTIMELINE_RECORD {
    ULONGLONG Time;         /* rdtsc (under QEMU -icount: instructions) */
    USHORT Type;            /* KTIMELINE_EVENT */
    USHORT Process;
    USHORT Thread;
    USHORT Size;            /* bytes, this header included */
    ULONG Arg1;
    ULONG Arg2;
} KTIMELINE_RECORD;

/* IRP_MJ_* numbers the I/O events use (NT's values) */
#define IRP_MJ_CREATE 0x00
#define IRP_MJ_READ 0x03
#define IRP_MJ_WRITE 0x04
#define IRP_MJ_DIRECTORY_CONTROL 0x0C

#ifdef NANONT_KERNEL
extern BOOLEAN KeTimelineEnabled;
VOID KeTimelineLog(ULONG Type, ULONG Arg1, ULONG Arg2);
VOID KeTimelineFlush(VOID);
VOID KeInitializeTimeline(VOID);

/* The one test every recording point pays when the timeline is off: a load and a branch that is
   never taken, which the predictor learns at once. */
#define KeTimelineEvent(Type, Arg1, Arg2) \
    do { if (__builtin_expect(KeTimelineEnabled, 0)) KeTimelineLog((Type), (ULONG)(Arg1), (ULONG)(Arg2)); } while (0)
#endif

#endif

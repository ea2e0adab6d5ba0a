/*
 * svclimit.h - the argument-dword limit of a system service, the one place it is written. Plain
 * #defines with no NanoNT types, so the host generator (tools/gensvc.c) and host tests include it
 * as well as the kernel (inc/ke.h) and assembly (ke/i386/sysentry.S through ksoffsets.h).
 */
#ifndef NANONT_SVCLIMIT_H
#define NANONT_SVCLIMIT_H

/* The most argument dwords a service takes: 17, WRK's
   NtAccessCheckByTypeResultListAndAuditAlarmByHandle. The dispatcher's one-compare probe
   (KiArgumentProbeLimit), KeAddSystemServiceTable and gensvc all use this bound. */
#define SERVICE_MAXIMUM_ARGUMENT_DWORDS 17

#endif

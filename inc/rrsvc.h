/*
 * rrsvc.h - flags of the thread-context services NtRecordTrapFrame / NtRecoverTrapFrame
 * (docs/spec.md §8, docs/trapfile.md). Shared by the kernel (rr/rrsvc.c) and user programs
 * (user/inc/ntdll.h). Their special success status, STATUS_TRAP_FRAME_RECOVERED, is in ntstatus.h.
 */
#ifndef NANONT_RRSVC_H
#define NANONT_RRSVC_H

/* Diagnostic: use the boot's single in-memory record slot instead of a file (FileName must be
   NULL). Validated exactly as a file; it lets the benchmark measure the kernel part alone. */
#define TRAP_FRAME_MEMORY_ONLY      0x00000001
#define TRAP_FRAME_VALID_FLAGS      0x00000001

/* Longest FileName accepted, in bytes (UTF-16); longer names get STATUS_OBJECT_NAME_INVALID. */
#define TRAP_FRAME_MAX_NAME_BYTES   256

/* Suffix of the temporary file a record is written to before it is renamed over the record
   (the mount-time repair removes stale ones, fs/fatcheck.c). */
#define TRAP_FRAME_TEMP_SUFFIX      ".rectmp"
#define TRAP_FRAME_TEMP_SUFFIX_W    u".rectmp"

#endif

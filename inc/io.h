/*
 * io.h - the I/O manager's interface to the rest of the kernel (docs/io.md).
 *
 * The boot disk (io/atadisk.c) carries one FAT volume (fs/, inc/fat.h). Its \WINDOWS directory is
 * \SystemRoot and its root is \??\C:\. NT names given to these routines must start with one of
 * those prefixes (case-insensitive); '.' and '..' are folded, and '..' may not leave the prefix.
 *
 * Kernel-internal file API: kernel buffers only (no user probing), every call serialised with the
 * file-system lock, sharing checked against user handles. A PFILE_OBJECT returned here holds one
 * reference; IoCloseFile releases it (a file opened with FILE_DELETE_ON_CLOSE goes then).
 * Crash-safe replacement of a file (write a temporary file, IoFlushFile, IoCloseFile, then
 * IoRenameFile(..., ReplaceIfExists = TRUE), which flushes the volume itself) is described in
 * docs/io.md.
 */
#ifndef NANONT_IO_H
#define NANONT_IO_H

#include "ntdef.h"
#include "ntstatus.h"
#include "ntioapi.h"

typedef struct _FILE_OBJECT FILE_OBJECT, *PFILE_OBJECT;

#define IO_POOL_TAG 0x656C6946u      /* 'File': IoReadWholeFile buffers, file objects */

/* Boot: probe the disk, mount its FAT volume (messages on the console). Called once. */
VOID IoInitSystem(VOID);
/* TRUE once \SystemRoot is available (a disk with a valid FAT volume was mounted). */
BOOLEAN IoIsSystemRootAvailable(VOID);

/* IoCreateFile - open or create NtPath (ASCII) as NtCreateFile would: DesiredAccess (FILE_* or
   GENERIC_* rights), ShareAccess (FILE_SHARE_*), Disposition (FILE_SUPERSEDE..FILE_OVERWRITE_IF),
   Options (FILE_DIRECTORY_FILE, FILE_NON_DIRECTORY_FILE, FILE_DELETE_ON_CLOSE; I/O through this
   API is always synchronous). Result: *File, and *Action (FILE_CREATED, FILE_OPENED, ...) if
   Action is not NULL. Errors as NtCreateFile's (docs/io.md). */
NTSTATUS IoCreateFile(PCSTR NtPath, ACCESS_MASK DesiredAccess, ULONG ShareAccess, ULONG Disposition,
                      ULONG Options, PFILE_OBJECT *File, PULONG Action);
/* Read up to Length bytes at Offset into a kernel buffer: STATUS_SUCCESS with *BytesRead (short
   at the end), STATUS_END_OF_FILE at or past the end. Needs FILE_READ_DATA. */
NTSTATUS IoReadFile(PFILE_OBJECT File, ULONG Offset, PVOID Buffer, ULONG Length, PULONG BytesRead);
/* Write Length bytes at Offset, growing the file: all or nothing on STATUS_DISK_FULL. Needs
   FILE_WRITE_DATA. */
NTSTATUS IoWriteFile(PFILE_OBJECT File, ULONG Offset, const VOID *Buffer, ULONG Length);
/* The file size in bytes. */
NTSTATUS IoQueryFileSize(PFILE_OBJECT File, PULONG Size);
/* Write everything cached for the volume (data, FAT, directories) and FLUSH CACHE the disk. */
NTSTATUS IoFlushFile(PFILE_OBJECT File);
/* Before the machine stops (NtShutdownSystem): write everything the mounted volume has cached
   and FLUSH CACHE the disk; STATUS_SUCCESS with no volume. */
NTSTATUS IoShutdownSystem(VOID);
/* Drop the reference (and run the close work: sharing, delete-on-close). NULL is ignored. */
VOID IoCloseFile(PFILE_OBJECT File);
/* Rename or move OldNtPath to NewNtPath (same volume). ReplaceIfExists replaces an existing file
   (not a directory; STATUS_ACCESS_DENIED if it is open without FILE_SHARE_DELETE). The new name
   is durable when it returns STATUS_SUCCESS (the volume and the disk cache are flushed). */
NTSTATUS IoRenameFile(PCSTR OldNtPath, PCSTR NewNtPath, BOOLEAN ReplaceIfExists);
/* Delete a file or an empty directory (STATUS_SHARING_VIOLATION if open without sharing delete). */
NTSTATUS IoDeleteFile(PCSTR NtPath);
/* Read a whole file into a new pool buffer (tag IO_POOL_TAG; free with IoFreeWholeFile). Files
   larger than 64 MiB are refused (STATUS_INSUFFICIENT_RESOURCES). */
NTSTATUS IoReadWholeFile(PCSTR NtPath, PVOID *Buffer, PULONG Size);
VOID IoFreeWholeFile(PVOID Buffer);
/* Read the whole file behind a handle of the current process that grants Access, for a section
   (the handle's access is checked, not FILE_READ_DATA); free with IoFreeWholeFile. */
NTSTATUS IoReadFileForSection(HANDLE FileHandle, ACCESS_MASK Access, PVOID *Buffer, PULONG Size);

#endif

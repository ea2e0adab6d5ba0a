/*
 * iop.h - I/O manager internals shared by the io/ files: the disk driver, the file-system lock,
 * the mounted volume, NT name translation, file objects and per-file sharing records.
 *
 * Invariants:
 * - Every FAT library call, every IOP_STREAM and FILE_OBJECT field change happens with the
 *   file-system lock held (IopAcquireFsLock); the disk driver relies on it (one command at once).
 * - A FILE_OBJECT holds one FAT_FILE open from creation until its object is deleted; its
 *   IOP_STREAM (one per open file, found by FatQueryFileId) lives while any FILE_OBJECT uses it.
 * - Stream paths are volume paths ("\WINDOWS\x.txt"); they follow renames. A directory with
 *   open files below it cannot be renamed, so no stream path goes stale.
 */
#ifndef NANONT_IOP_H
#define NANONT_IOP_H

#include "io.h"
#include "ke.h"
#include "ob.h"
#include "fat.h"
#include "pool.h"
#include "rtl.h"

#define IOP_MAX_PATH 512               /* UTF-16 units of a volume path */
#define IOP_MAX_NAME_BYTES 2048        /* bytes of an NT name handed to a service */
#define IOP_TRANSFER_CHUNK 0x10000     /* bounce-buffer size for user transfers */

/* ------------------------------------------------------------------ disk (io/atadisk.c) */
typedef struct _IOP_ATA_DISK {
    BOOLEAN Present;
    ULONG SectorCount;
    ULONG MultipleSectors;             /* sectors per DRQ block (READ/WRITE MULTIPLE), 0 = 1 */
    CHAR Model[41];
    ULONG SectorsRead, SectorsWritten, Flushes, Errors, LastError;
    ULONG Commands;                    /* READ/WRITE commands issued (NtNanoDiskControl reports) */
} IOP_ATA_DISK;
extern IOP_ATA_DISK IopAtaDisk;
NTSTATUS IopAtaInitialize(PFAT_BLOCK_DEVICE Device);
NTSTATUS IopAtaRead(PVOID Context, ULONG Lba, ULONG Count, PVOID Buffer);
NTSTATUS IopAtaWrite(PVOID Context, ULONG Lba, ULONG Count, const VOID *Buffer);
NTSTATUS IopAtaFlush(PVOID Context);

/* ------------------------------------------------------------------ lock and volume (io/iolock.c, io/iomount.c) */
VOID IopAcquireFsLock(VOID);
VOID IopReleaseFsLock(VOID);
extern PFAT_VOLUME IopVolume;          /* NULL: no volume mounted */

/* ------------------------------------------------------------------ names (io/ioname.c) */
/* Translate an NT name (kernel copy, Length in bytes) to a volume path in Out (IOP_MAX_PATH + 1
   units, NUL-terminated); *OutLength in units. */
NTSTATUS IopTranslateName(PCWSTR Name, ULONG LengthBytes, PWSTR Out, PULONG OutLength);
/* Append Name (no '\') to a directory's volume path, checked as a component. */
NTSTATUS IopJoinName(PCWSTR Directory, ULONG DirectoryLength, PCWSTR Name, ULONG NameLengthBytes,
                     PWSTR Out, PULONG OutLength);
BOOLEAN IopPathEqual(PCWSTR A, ULONG ALength, PCWSTR B, ULONG BLength);
BOOLEAN IopPathIsBelow(PCWSTR Path, ULONG Length, PCWSTR Directory, ULONG DirectoryLength);

/* ------------------------------------------------------------------ file objects (io/iofile.c) */
typedef struct _IOP_STREAM {
    LIST_ENTRY Links;                  /* IopStreamList */
    PVOID FileId;                      /* FatQueryFileId of its FAT_FILEs */
    ULONG OpenCount;                   /* file objects not yet cleaned up (NT SHARE_ACCESS) */
    ULONG Readers, Writers, Deleters;
    ULONG SharedRead, SharedWrite, SharedDelete;
    ULONG References;                  /* file objects pointing here */
    BOOLEAN DeletePending;
    BOOLEAN IsDirectory;
    BOOLEAN Unlinked;                  /* its name was deleted or replaced */
    ULONG PathLength;
    WCHAR Path[IOP_MAX_PATH + 1];
} IOP_STREAM, *PIOP_STREAM;

#define FO_SYNCHRONOUS_IO      0x00000002
#define FO_ALERTABLE_IO        0x00000004
#define FO_CLEANUP_COMPLETE    0x00004000
#define FO_DELETE_ON_CLOSE     0x00010000
#define FO_DIRECTORY_FILE      0x80000000  /* NanoNT */
#define FO_CONSOLE             0x40000000  /* NanoNT: the console device (io/console.c) */

struct _FILE_OBJECT {
    PIOP_STREAM FsContext;             /* the per-file record (sharing, path, delete pending) */
    PFAT_FILE FsContext2;              /* this open's FAT file */
    ULONG Flags;                       /* FO_* */
    ACCESS_MASK GrantedAccess;         /* specific rights after generic mapping */
    BOOLEAN ReadAccess, WriteAccess, DeleteAccess;
    BOOLEAN SharedRead, SharedWrite, SharedDelete;
    LARGE_INTEGER CurrentByteOffset;   /* synchronous handles */
    PWSTR SearchPattern;               /* NtQueryDirectoryFile: the pattern of the first call */
    ULONG SearchPatternLength;         /* units */
    BOOLEAN ScanStarted;               /* something was returned since the (re)start */
    PFAT_DIRECTORY_INFORMATION PendingEntry;  /* read but did not fit: returned next */
};

extern POBJECT_TYPE IoFileObjectType;
VOID IopInitializeFileType(VOID);
ACCESS_MASK IopMapFileAccess(ACCESS_MASK DesiredAccess);
/* Open/create VolumePath (lock held by the caller). */
NTSTATUS IopCreateFileLocked(PCWSTR VolumePath, ULONG PathLength, ACCESS_MASK Access, ULONG ShareAccess,
                             ULONG Disposition, ULONG Options, PFILE_OBJECT *File, PULONG Action);
NTSTATUS IopReferenceFile(HANDLE Handle, ACCESS_MASK Access, PFILE_OBJECT *File);
NTSTATUS IopSetDisposition(PFILE_OBJECT File, BOOLEAN Delete);
NTSTATUS IopRenameLocked(PFILE_OBJECT File, PCWSTR NewPath, ULONG NewLength, BOOLEAN ReplaceIfExists);
NTSTATUS IopDeleteByPathLocked(PCWSTR VolumePath, ULONG PathLength);
PIOP_STREAM IopFindStream(PVOID FileId);

/* ------------------------------------------------------------------ the console device (io/console.c) */
BOOLEAN IopIsConsoleName(POBJECT_ATTRIBUTES ObjectAttributes);
NTSTATUS IopCreateConsoleFile(ACCESS_MASK Access, PFILE_OBJECT *File);
NTSTATUS IopConsoleRead(PVOID Buffer, ULONG Length, PULONG Done);
NTSTATUS IopConsoleWrite(const VOID *Buffer, ULONG Length, PULONG Done);
/* a File object from a handle, console ones included (IopReferenceFile refuses those) */
NTSTATUS IopReferenceFileOrConsole(HANDLE Handle, ACCESS_MASK Access, PFILE_OBJECT *File, PACCESS_MASK Granted);

/* ------------------------------------------------------------------ user-call helpers (io/iouser.c) */
NTSTATUS IopCaptureObjectName(POBJECT_ATTRIBUTES ObjectAttributes, PWSTR VolumePath, PULONG PathLength);
NTSTATUS IopStartIoStatus(PIO_STATUS_BLOCK IoStatusBlock);
NTSTATUS IopFinishIoStatus(PIO_STATUS_BLOCK IoStatusBlock, NTSTATUS Status, ULONG_PTR Information);
/* io/iocomplete.c: the caller's Event and ApcRoutine for requests that complete at once */
NTSTATUS IopBeginUserRequest(HANDLE Event, PKEVENT *KernelEvent);
VOID IopCompleteUserRequest(PKEVENT KernelEvent, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                            PIO_STATUS_BLOCK IoStatusBlock, NTSTATUS Status);
extern UCHAR IopTransferBuffer[IOP_TRANSFER_CHUNK];   /* lock held while in use */
extern ULONGLONG IopTransferBufferBytes;  /* bytes file reads and writes copied through it */
LONGLONG IopDosTimeToNt(USHORT Date, USHORT Time);

#endif

/*
 * fat.h - the FAT file system library (FAT12/16/32 with VFAT long names).
 *
 * Pure C over a block device: no kernel dependencies but the pool allocator and mem* routines.
 * Each mounted volume is one FAT_VOLUME; all state lives there (no globals), so several volumes
 * can be mounted. The library takes no locks: the caller serialises every call on one volume.
 * Paths are UTF-16, relative to the volume root, components separated by backslashes, matched
 * case-insensitively. See docs/fat.md for the semantics, the crash-safety order and the limits.
 */
#ifndef NANONT_FAT_H
#define NANONT_FAT_H

#include "ntdef.h"
#include "ntstatus.h"

#ifndef NANONT_POOL_TYPE_DEFINED
#define NANONT_POOL_TYPE_DEFINED
typedef enum _POOL_TYPE { NonPagedPool = 0, PagedPool = 1 } POOL_TYPE;
#endif

#ifndef NANONT_EX_POOL_DECLARED
#define NANONT_EX_POOL_DECLARED
/* Provided by the kernel's pool (mm/pool.c), or by a malloc shim in host tests. */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag);
VOID ExFreePoolWithTag(PVOID P, ULONG Tag);
#endif

/* The device the volume lives on: the volume is the whole device (no partition table). */
typedef struct _FAT_BLOCK_DEVICE {
    PVOID Context;
    ULONG SectorSize;            /* 512 (must equal the BPB's bytes per sector) */
    ULONG SectorCount;
    NTSTATUS (*Read)(PVOID Context, ULONG Lba, ULONG Count, PVOID Buffer);
    NTSTATUS (*Write)(PVOID Context, ULONG Lba, ULONG Count, const VOID *Buffer);
    NTSTATUS (*Flush)(PVOID Context);   /* device write-cache flush */
} FAT_BLOCK_DEVICE, *PFAT_BLOCK_DEVICE;

typedef struct _FAT_VOLUME FAT_VOLUME, *PFAT_VOLUME;   /* opaque */
typedef struct _FAT_FILE FAT_FILE, *PFAT_FILE;         /* opaque open-file object */

#define FAT_MAX_NAME 255                 /* UTF-16 units in one path component */

/* Create dispositions (same values as NT's FILE_SUPERSEDE ... FILE_OVERWRITE_IF). */
#define FAT_FILE_SUPERSEDE     0
#define FAT_FILE_OPEN          1
#define FAT_FILE_CREATE        2
#define FAT_FILE_OPEN_IF       3
#define FAT_FILE_OVERWRITE     4
#define FAT_FILE_OVERWRITE_IF  5

/* Create options (same bits as NT's FILE_DIRECTORY_FILE / FILE_NON_DIRECTORY_FILE). */
#define FAT_DIRECTORY_FILE      0x00000001
#define FAT_NON_DIRECTORY_FILE  0x00000040

/* What FatCreate did (NT's FILE_SUPERSEDED ... FILE_OVERWRITTEN). */
#define FAT_FILE_SUPERSEDED    0
#define FAT_FILE_OPENED        1
#define FAT_FILE_CREATED       2
#define FAT_FILE_OVERWRITTEN   3

/* Directory-entry attribute bits (the on-disk byte; NT's FILE_ATTRIBUTE_* share the values). */
#define FAT_ATTR_READONLY   0x01
#define FAT_ATTR_HIDDEN     0x02
#define FAT_ATTR_SYSTEM     0x04
#define FAT_ATTR_VOLUME_ID  0x08
#define FAT_ATTR_DIRECTORY  0x10
#define FAT_ATTR_ARCHIVE    0x20

typedef struct _FAT_FILE_INFORMATION {
    ULONG FileSize;              /* bytes; 0 for directories */
    ULONG AllocationSize;        /* bytes of clusters held */
    ULONG FirstCluster;          /* 0 when no cluster is allocated */
    ULONG Attributes;            /* FAT_ATTR_* */
    BOOLEAN IsDirectory;
    BOOLEAN DeletePending;       /* the name is gone; clusters are freed at the last close */
    USHORT WriteDate, WriteTime; /* DOS format */
    USHORT CreateDate, CreateTime;
} FAT_FILE_INFORMATION, *PFAT_FILE_INFORMATION;

typedef struct _FAT_DIRECTORY_INFORMATION {
    ULONG FileSize;
    ULONG Attributes;
    ULONG FirstCluster;
    USHORT WriteDate, WriteTime;
    USHORT FileNameLength;               /* UTF-16 units, no terminator counted */
    USHORT ShortNameLength;
    WCHAR FileName[FAT_MAX_NAME + 1];    /* long name (or the short one), NUL-terminated */
    WCHAR ShortName[13];                 /* 8.3 form, NUL-terminated */
} FAT_DIRECTORY_INFORMATION, *PFAT_DIRECTORY_INFORMATION;

typedef struct _FAT_VOLUME_INFORMATION {
    ULONG FatType;               /* 12, 16 or 32 */
    ULONG BytesPerSector;
    ULONG BytesPerCluster;
    ULONG TotalClusters;
    ULONG FreeClusters;
    ULONG SerialNumber;
    UCHAR Label[12];             /* from the boot sector, NUL-terminated */
} FAT_VOLUME_INFORMATION, *PFAT_VOLUME_INFORMATION;

/* Optional clock: returns (DosDate << 16) | DosTime for new timestamps. */
typedef ULONG (*PFAT_GET_TIME)(PVOID Context);

/* Volume */
NTSTATUS FatMount(const FAT_BLOCK_DEVICE *Device, PFAT_VOLUME *Volume);
NTSTATUS FatUnmount(PFAT_VOLUME Volume);
NTSTATUS FatFlush(PFAT_VOLUME Volume);
VOID FatSetTimeSource(PFAT_VOLUME Volume, PFAT_GET_TIME GetTime, PVOID Context);
NTSTATUS FatQueryVolumeInformation(PFAT_VOLUME Volume, PFAT_VOLUME_INFORMATION Information);

/* Open, create, close (PathLength counts UTF-16 units) */
NTSTATUS FatCreate(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength, ULONG Disposition,
                   ULONG Options, PFAT_FILE *File, PULONG Action);
NTSTATUS FatOpen(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength, ULONG Options,
                 PFAT_FILE *File);
NTSTATUS FatClose(PFAT_FILE File);

/* File data (offsets in bytes; FAT files are at most 0xFFFFFFFF bytes) */
NTSTATUS FatRead(PFAT_FILE File, ULONG Offset, PVOID Buffer, ULONG Length, PULONG BytesRead);
NTSTATUS FatWrite(PFAT_FILE File, ULONG Offset, const VOID *Buffer, ULONG Length,
                  PULONG BytesWritten);
NTSTATUS FatSetEndOfFile(PFAT_FILE File, ULONG NewSize);
NTSTATUS FatQueryInformation(PFAT_FILE File, PFAT_FILE_INFORMATION Information);
/* Identity of the file behind an open FAT_FILE (fs/fatfileid.c): equal for two FAT_FILEs exactly
   when they are open on the same file, stable while one of them is open. */
PVOID FatQueryFileId(PFAT_FILE File);

/* Names and directories */
NTSTATUS FatCreateDirectory(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength);
NTSTATUS FatQueryDirectory(PFAT_FILE Directory, BOOLEAN RestartScan,
                           PFAT_DIRECTORY_INFORMATION Information);
NTSTATUS FatDelete(PFAT_VOLUME Volume, PCWSTR Path, ULONG PathLength);
NTSTATUS FatRename(PFAT_VOLUME Volume, PCWSTR OldPath, ULONG OldLength, PCWSTR NewPath,
                   ULONG NewLength, BOOLEAN ReplaceIfExists);

/* Mount-time repair after a power cut (fs/fatcheck.c, docs/fat.md): call right after FatMount. */
typedef struct _FAT_REPAIR_INFORMATION {
    ULONG FatSectorsRewritten;   /* FAT sectors copied from the active FAT over a differing copy */
    ULONG StaleFilesRemoved;     /* files whose long name ends with the stale suffix */
    ULONG LeakedClustersFreed;   /* allocated clusters no directory entry reached */
    ULONG ChainsTrimmed;         /* file chains longer than the size asks, ended there */
    ULONG DirectoryEntriesRemoved; /* second entries of a directory (an interrupted move) */
    ULONG ParentLinksFixed;      /* '..' entries set to the parent the directory is found in */
    BOOLEAN TreeDamaged;         /* a chain or directory was damaged: nothing was freed */
} FAT_REPAIR_INFORMATION, *PFAT_REPAIR_INFORMATION;
NTSTATUS FatRepairVolume(PFAT_VOLUME Volume, PCWSTR StaleSuffix,
                         PFAT_REPAIR_INFORMATION Information);

#endif

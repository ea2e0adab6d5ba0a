/*
 * fatp.h - private declarations of the FAT library (fs/fat*.c): the volume and FCB layouts,
 * the sector cache, FAT-table access, names, directories and file control blocks.
 *
 * Invariants no single routine shows:
 * - Cluster numbers taken from disk are checked (FatpIsValidCluster) before they are followed,
 *   and every chain walk is bounded, so a damaged image gives STATUS_FILE_CORRUPT_ERROR, never a
 *   wild read or an endless loop.
 * - Write-back order: dirty sectors reach the disk in kind order DATA, FAT, DIR, INFO (also when
 *   the cache evicts one), and a device flush separates the data and FAT writes from the next
 *   directory write (DataUnflushed), so even a drive that reorders its volatile cache never makes
 *   an entry durable before the clusters and data it points at.
 * - Releasing clusters goes the other way: the entry change is made durable by a barrier before
 *   the FAT marks the clusters free, so a freed cluster is never reused (written with new data)
 *   while a durable entry still names it. Paths that do not run that barrier themselves hand the
 *   chain to FatpFreeChainAfterBarrier, which frees it right after the next barrier's flush.
 * - An open file has one FCB per directory entry, shared by all its FAT_FILE objects; the FCB's
 *   size and first cluster are the truth and are copied to the entry on every change.
 */
#ifndef NANONT_FATP_H
#define NANONT_FATP_H

#include "fat.h"

#include "rtl.h"                            /* memcpy, memset, memcmp, memmove */

#define FAT_POOL_TAG 0x20746146u             /* 'Fat ' */

#define FAT_CACHE_SIZE 32                   /* sectors held by the metadata cache */
#define FAT_MAX_DIR_SLOTS 65536             /* 32-byte entries in one directory (2 MiB) */
#define FAT_MAX_DEPTH 64                    /* path components after '.'/'..' folding */
#define FAT_DEFERRED_FREES 16               /* chains waiting for the next barrier */

/* Normalised FAT entry values (FatpGetFatEntry). */
#define FAT_CLUSTER_FREE 0u
#define FAT_CHAIN_END    0x0FFFFFFFu
#define FAT_CLUSTER_BAD  0x0FFFFFF7u

/* Cache sector kinds, in the order dirty sectors are written. */
#define FAT_KIND_DATA 0
#define FAT_KIND_FAT  1
#define FAT_KIND_DIR  2
#define FAT_KIND_INFO 3
#define FAT_KIND_COUNT 4

/* Short directory entry field offsets. */
#define DIRENT_NAME        0
#define DIRENT_ATTR        11
#define DIRENT_NTFLAGS     12
#define DIRENT_CTIME_TENTH 13
#define DIRENT_CTIME       14
#define DIRENT_CDATE       16
#define DIRENT_ADATE       18
#define DIRENT_CLUSTER_HI  20
#define DIRENT_WTIME       22
#define DIRENT_WDATE       24
#define DIRENT_CLUSTER_LO  26
#define DIRENT_SIZE        28
#define DIRENT_BYTES       32

#define FAT_ATTR_LFN 0x0F
#define FAT_NT_LOWER_BASE 0x08
#define FAT_NT_LOWER_EXT  0x10
#define FAT_DELETED_MARK  0xE5

typedef struct _FAT_CACHE_ENTRY {
    ULONG Lba;
    ULONG LastUse;
    UCHAR Valid;
    UCHAR Dirty;
    UCHAR Kind;
    UCHAR Reserved;
} FAT_CACHE_ENTRY;

typedef struct _FAT_FCB {
    struct _FAT_FCB *Next;          /* the volume's list of open FCBs */
    ULONG RefCount;                 /* FAT_FILE objects using this FCB */
    ULONG EntryLba, EntryOffset;    /* the short entry (the key); root: 0/0 */
    ULONG ParentCluster;            /* directory holding the entry (0: fixed root) */
    ULONG FirstCluster;
    ULONG FileSize;
    ULONG Attributes;
    BOOLEAN IsDirectory;
    BOOLEAN IsRoot;
    BOOLEAN Unlinked;               /* entry deleted while open: free the chain at last close */
    ULONG HintIndex, HintCluster;   /* a known (index, cluster) pair of the chain, 0 if none */
} FAT_FCB, *PFAT_FCB;

/* Walk position in a directory: caches one (cluster index, cluster) of its chain. */
typedef struct _FAT_DIR_CURSOR {
    ULONG DirCluster;               /* first cluster; 0 = the fixed FAT12/16 root */
    ULONG CachedIndex;
    ULONG CachedCluster;            /* 0 = nothing cached */
} FAT_DIR_CURSOR, *PFAT_DIR_CURSOR;

/* One directory entry with its long name, as found by FatpDirNext. */
typedef struct _FAT_DIRENT_INFO {
    ULONG FirstSlot, ShortSlot;     /* the entry occupies slots [FirstSlot, ShortSlot] */
    ULONG EntryLba, EntryOffset;    /* where the short entry lives */
    UCHAR Raw[DIRENT_BYTES];        /* copy of the short entry */
    USHORT LongLength;              /* 0: no valid long name */
    USHORT ShortLength;
    WCHAR LongName[FAT_MAX_NAME + 1];
    WCHAR ShortName[13];
} FAT_DIRENT_INFO, *PFAT_DIRENT_INFO;

typedef struct _FAT_PATH_PART {
    PCWSTR Name;
    ULONG Length;
} FAT_PATH_PART;

typedef struct _FAT_PATH {
    ULONG Count;                    /* 0 = the root itself */
    FAT_PATH_PART Part[FAT_MAX_DEPTH];
} FAT_PATH, *PFAT_PATH;

struct _FAT_VOLUME {
    FAT_BLOCK_DEVICE Device;
    ULONG FatType;                  /* 12, 16, 32 */
    ULONG BytesPerSector;
    ULONG SectorsPerCluster;
    ULONG BytesPerCluster;
    ULONG ReservedSectors;
    ULONG NumberOfFats;
    ULONG FatSectors;               /* per FAT copy */
    ULONG ActiveFat;                /* copy read from */
    BOOLEAN MirrorFats;             /* write every copy */
    ULONG RootEntryCount;           /* FAT12/16 fixed root */
    ULONG FirstRootDirSector;
    ULONG RootCluster;              /* FAT32; 0 on FAT12/16 */
    ULONG FirstDataSector;
    ULONG TotalSectors;
    ULONG ClusterCount;             /* data clusters: numbers 2 .. ClusterCount + 1 */
    ULONG FsInfoSector;             /* 0 = none */
    ULONG FreeCount;                /* exact, counted at mount */
    ULONG NextFree;
    BOOLEAN FsInfoDirty;
    BOOLEAN DataUnflushed;          /* data or FAT written since the last device flush */
    ULONG DeferredCount;            /* chains freed after the next barrier's flush */
    ULONG DeferredClusters;         /* clusters in them (counted as free in reports) */
    ULONG DeferredFree[FAT_DEFERRED_FREES];
    ULONG SerialNumber;
    UCHAR Label[11];
    PFAT_GET_TIME GetTime;
    PVOID TimeContext;
    PFAT_FCB OpenFcbs;
    ULONG OpenFiles;
    ULONG CacheClock;
    FAT_CACHE_ENTRY Cache[FAT_CACHE_SIZE];
    PUCHAR CacheData;               /* FAT_CACHE_SIZE sectors */
    PUCHAR ZeroSector;
};

struct _FAT_FILE {
    PFAT_VOLUME Volume;
    PFAT_FCB Fcb;
    FAT_DIR_CURSOR Cursor;          /* FatQueryDirectory position */
    ULONG NextSlot;
};

/* Little-endian field access (entries and BPB fields are unaligned). */
static inline ULONG FatpRead16(const UCHAR *P) { return (ULONG)P[0] | ((ULONG)P[1] << 8); }
static inline ULONG FatpRead32(const UCHAR *P)
{
    return (ULONG)P[0] | ((ULONG)P[1] << 8) | ((ULONG)P[2] << 16) | ((ULONG)P[3] << 24);
}
static inline VOID FatpWrite16(UCHAR *P, ULONG V) { P[0] = (UCHAR)V; P[1] = (UCHAR)(V >> 8); }
static inline VOID FatpWrite32(UCHAR *P, ULONG V)
{
    P[0] = (UCHAR)V; P[1] = (UCHAR)(V >> 8); P[2] = (UCHAR)(V >> 16); P[3] = (UCHAR)(V >> 24);
}

static inline BOOLEAN FatpIsValidCluster(PFAT_VOLUME Vol, ULONG Cluster)
{
    return Cluster >= 2 && Cluster - 2 < Vol->ClusterCount;
}
static inline ULONG FatpClusterToLba(PFAT_VOLUME Vol, ULONG Cluster)
{
    return Vol->FirstDataSector + (Cluster - 2) * Vol->SectorsPerCluster;
}

/* fatcache.c */
NTSTATUS FatpCacheMap(PFAT_VOLUME Vol, ULONG Lba, ULONG Kind, BOOLEAN Overwrite, PUCHAR *Sector);
VOID FatpCacheSetDirty(PFAT_VOLUME Vol, PUCHAR Sector);
NTSTATUS FatpCacheWriteBack(PFAT_VOLUME Vol, ULONG BelowKind);
VOID FatpCacheDiscard(PFAT_VOLUME Vol, ULONG Lba, ULONG Count);
VOID FatpCacheOverlay(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, PUCHAR Buffer);
NTSTATUS FatpBarrier(PFAT_VOLUME Vol);
NTSTATUS FatpFlushVolume(PFAT_VOLUME Vol);
NTSTATUS FatpDeviceRead(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, PVOID Buffer);
NTSTATUS FatpDeviceWrite(PFAT_VOLUME Vol, ULONG Lba, ULONG Count, const VOID *Buffer);
NTSTATUS FatpZeroCluster(PFAT_VOLUME Vol, ULONG Cluster);

/* fattable.c */
NTSTATUS FatpGetFatEntry(PFAT_VOLUME Vol, ULONG Cluster, PULONG Value);
NTSTATUS FatpGetFatEntries(PFAT_VOLUME Vol, ULONG First, ULONG Count, PULONG Values);
NTSTATUS FatpSetFatEntry(PFAT_VOLUME Vol, ULONG Cluster, ULONG Value);
NTSTATUS FatpNextCluster(PFAT_VOLUME Vol, ULONG Cluster, PULONG Next);
NTSTATUS FatpAllocateClusters(PFAT_VOLUME Vol, ULONG Count, PULONG First, PULONG Last);
NTSTATUS FatpFreeChain(PFAT_VOLUME Vol, ULONG First);
NTSTATUS FatpFreeChainAfterBarrier(PFAT_VOLUME Vol, ULONG First);
NTSTATUS FatpFreeDeferred(PFAT_VOLUME Vol);
NTSTATUS FatpCountFreeClusters(PFAT_VOLUME Vol);
NTSTATUS FatpChainTail(PFAT_VOLUME Vol, ULONG First, ULONG MaxLength, PULONG Tail,
                       PULONG Length);

/* fatname.c */
WCHAR FatpUpcase(WCHAR C);
BOOLEAN FatpNamesEqual(PCWSTR A, ULONG ALength, PCWSTR B, ULONG BLength);
NTSTATUS FatpParsePath(PCWSTR Path, ULONG Length, PFAT_PATH Out);
BOOLEAN FatpFitsShortName(PCWSTR Name, ULONG Length, UCHAR Short[11], PUCHAR NtFlags);
VOID FatpShortBasis(PCWSTR Name, ULONG Length, UCHAR Basis[11]);
VOID FatpShortWithTail(const UCHAR Basis[11], ULONG Number, UCHAR Short[11]);
UCHAR FatpLfnChecksum(const UCHAR Short[11]);
ULONG FatpShortToUnicode(const UCHAR *Entry, WCHAR Out[13]);

/* fatdir.c */
NTSTATUS FatpDirSlotLocation(PFAT_VOLUME Vol, PFAT_DIR_CURSOR Cursor, ULONG Slot, PULONG Lba,
                             PULONG Offset);
NTSTATUS FatpDirNext(PFAT_VOLUME Vol, PFAT_DIR_CURSOR Cursor, PULONG Slot, BOOLEAN IncludeDots,
                     PFAT_DIRENT_INFO Info);
NTSTATUS FatpDirLookup(PFAT_VOLUME Vol, ULONG DirCluster, PCWSTR Name, ULONG Length,
                       PFAT_DIRENT_INFO Info);
NTSTATUS FatpDirIsEmpty(PFAT_VOLUME Vol, ULONG DirCluster);
NTSTATUS FatpDirMarkDeleted(PFAT_VOLUME Vol, ULONG DirCluster, ULONG FirstSlot, ULONG LastSlot);
NTSTATUS FatpDirDeleteEntry(PFAT_VOLUME Vol, ULONG DirCluster, PFAT_DIRENT_INFO Info);
NTSTATUS FatpDirWriteShort(PFAT_VOLUME Vol, ULONG Lba, ULONG Offset, const UCHAR *Raw);

/* fatdirnew.c */
NTSTATUS FatpDirMakeName(PFAT_VOLUME Vol, ULONG DirCluster, PCWSTR Name, ULONG Length,
                         UCHAR Short[11], PUCHAR NtFlags, PULONG LfnSlots);
NTSTATUS FatpDirWriteRun(PFAT_VOLUME Vol, ULONG DirCluster, ULONG FirstSlot, PCWSTR Name,
                         ULONG Length, ULONG LfnSlots, const UCHAR *Raw, PFAT_DIRENT_INFO Out);
NTSTATUS FatpDirAddEntry(PFAT_VOLUME Vol, ULONG DirCluster, PCWSTR Name, ULONG Length,
                         const UCHAR *Template, PFAT_DIRENT_INFO Out);

/* fatfcb.c */
ULONG FatpNow(PFAT_VOLUME Vol);
ULONG FatpEntryCluster(PFAT_VOLUME Vol, const UCHAR *Raw);
VOID FatpSetEntryCluster(UCHAR *Raw, ULONG Cluster);
NTSTATUS FatpWalkToParent(PFAT_VOLUME Vol, PFAT_PATH Path, PULONG DirCluster);
NTSTATUS FatpFcbOpen(PFAT_VOLUME Vol, PFAT_DIRENT_INFO Info, ULONG ParentCluster, PFAT_FCB *Fcb);
NTSTATUS FatpFcbOpenRoot(PFAT_VOLUME Vol, PFAT_FCB *Fcb);
PFAT_FCB FatpFcbFind(PFAT_VOLUME Vol, ULONG EntryLba, ULONG EntryOffset);
NTSTATUS FatpFcbRelease(PFAT_VOLUME Vol, PFAT_FCB Fcb);
NTSTATUS FatpFcbUpdateEntry(PFAT_VOLUME Vol, PFAT_FCB Fcb);
NTSTATUS FatpFcbSeek(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Index, PULONG Cluster);
NTSTATUS FatpFcbSetSize(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG NewSize);
NTSTATUS FatpFcbWrite(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Offset, const UCHAR *Buffer,
                      ULONG Length);

/* fatdata.c */
NTSTATUS FatpTransfer(PFAT_VOLUME Vol, PFAT_FCB Fcb, ULONG Offset, PUCHAR Buffer, ULONG Length,
                      BOOLEAN Write, BOOLEAN Zero);
NTSTATUS FatpCopyClusters(PFAT_VOLUME Vol, ULONG Source, ULONG Count, PULONG First);

#endif

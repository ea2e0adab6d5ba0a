/*
 * fatdirnew.c - writing directory entries: choosing the short name (the name itself when it
 * fits 8.3, else a unique "~N" alias), writing a run of LFN entries plus the short entry, and
 * adding an entry (finding free slots, growing the directory by zeroed clusters).
 */
#include "fatp.h"

/* FatpDirShortExists - is the 11-byte short name Short used by any entry of the directory?
   Result: STATUS_SUCCESS (used), STATUS_OBJECT_NAME_NOT_FOUND (free), or an error. */
static NTSTATUS FatpDirShortExists(PFAT_VOLUME Vol, ULONG DirCluster, const UCHAR Short[11],
                                   PFAT_DIRENT_INFO Info)
{
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };

    for (ULONG Slot = 0; ; Slot++) {
        NTSTATUS Status = FatpDirNext(Vol, &Cursor, &Slot, TRUE, Info);
        if (Status == STATUS_NO_MORE_FILES) {
            return STATUS_OBJECT_NAME_NOT_FOUND;
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (memcmp(Info->Raw, Short, 11) == 0) {
            return STATUS_SUCCESS;
        }
    }
}

/* FatpDirMakeName - the short name for a new entry called Name in a directory: the name itself
   if it fits 8.3 (no LFN entries), else the first unused "BASE~N.EXT" alias. Result: Short,
   NtFlags and the number of LFN entries needed. */
NTSTATUS FatpDirMakeName(PFAT_VOLUME Vol, ULONG DirCluster, PCWSTR Name, ULONG Length,
                         UCHAR Short[11], PUCHAR NtFlags, PULONG LfnSlots)
{
    UCHAR Basis[11];
    FAT_DIRENT_INFO *Info;
    NTSTATUS Status = STATUS_OBJECT_NAME_COLLISION;

    if (FatpFitsShortName(Name, Length, Short, NtFlags)) {
        *LfnSlots = 0;
        return STATUS_SUCCESS;
    }
    *NtFlags = 0;
    *LfnSlots = (Length + 12) / 13;
    FatpShortBasis(Name, Length, Basis);
    Info = ExAllocatePoolWithTag(PagedPool, sizeof(*Info), FAT_POOL_TAG);
    if (Info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    for (ULONG Number = 1; Number <= 999999; Number++) {
        FatpShortWithTail(Basis, Number, Short);
        Status = FatpDirShortExists(Vol, DirCluster, Short, Info);
        if (Status == STATUS_OBJECT_NAME_NOT_FOUND) {
            Status = STATUS_SUCCESS;
            break;
        }
        if (!NT_SUCCESS(Status)) {
            break;
        }
        Status = STATUS_OBJECT_NAME_COLLISION;
    }
    ExFreePoolWithTag(Info, FAT_POOL_TAG);
    return Status;
}

/* FatpDirWriteRun - write LfnSlots LFN entries for Name followed by the short entry Raw, from
   FirstSlot on (the slots must exist). Result: Out describes the new entry. */
NTSTATUS FatpDirWriteRun(PFAT_VOLUME Vol, ULONG DirCluster, ULONG FirstSlot, PCWSTR Name,
                         ULONG Length, ULONG LfnSlots, const UCHAR *Raw, PFAT_DIRENT_INFO Out)
{
    static const UCHAR CharOffset[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };
    UCHAR Checksum = FatpLfnChecksum(Raw);
    ULONG Lba = 0, Offset = 0;
    PUCHAR Sector;
    NTSTATUS Status;

    for (ULONG i = 0; i <= LfnSlots; i++) {
        Status = FatpDirSlotLocation(Vol, &Cursor, FirstSlot + i, &Lba, &Offset);
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (i == LfnSlots) {
            memcpy(Sector + Offset, Raw, DIRENT_BYTES);
        } else {
            /* Physical order is last part first; the first entry carries the 0x40 flag. */
            ULONG Ordinal = LfnSlots - i;
            PUCHAR Entry = Sector + Offset;
            memset(Entry, 0, DIRENT_BYTES);
            Entry[0] = (UCHAR)(Ordinal | (i == 0 ? 0x40 : 0));
            Entry[DIRENT_ATTR] = FAT_ATTR_LFN;
            Entry[13] = Checksum;
            for (ULONG k = 0; k < 13; k++) {
                ULONG Position = (Ordinal - 1) * 13 + k;
                ULONG C = Position < Length ? Name[Position] : Position == Length ? 0 : 0xFFFF;
                FatpWrite16(Entry + CharOffset[k], C);
            }
        }
        FatpCacheSetDirty(Vol, Sector);
    }

    Out->FirstSlot = FirstSlot;
    Out->ShortSlot = FirstSlot + LfnSlots;
    Out->EntryLba = Lba;
    Out->EntryOffset = Offset;
    memcpy(Out->Raw, Raw, DIRENT_BYTES);
    Out->ShortLength = (USHORT)FatpShortToUnicode(Raw, Out->ShortName);
    Out->LongLength = (USHORT)(LfnSlots != 0 ? Length : 0);
    if (LfnSlots != 0) {
        memcpy(Out->LongName, Name, Length * sizeof(WCHAR));
        Out->LongName[Length] = 0;
    }
    return STATUS_SUCCESS;
}

/* FatpDirGrow - add zeroed clusters to a directory so that it holds at least Slots slots.
   Result: STATUS_DISK_FULL for the fixed root, a full disk or the 65536-entry limit. */
static NTSTATUS FatpDirGrow(PFAT_VOLUME Vol, ULONG DirCluster, ULONG HaveSlots, ULONG Slots)
{
    ULONG PerCluster = Vol->BytesPerCluster / DIRENT_BYTES;
    ULONG Count = (Slots - HaveSlots + PerCluster - 1) / PerCluster;
    ULONG Tail, Length, First, Last, Cluster;
    NTSTATUS Status;

    if (DirCluster == 0 || Slots > FAT_MAX_DIR_SLOTS) {
        return STATUS_DISK_FULL;
    }
    Status = FatpChainTail(Vol, DirCluster, FAT_MAX_DIR_SLOTS / PerCluster + 1, &Tail, &Length);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Status = FatpAllocateClusters(Vol, Count, &First, &Last);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    /* Zero the new clusters on disk before the FAT links them in. */
    Cluster = First;
    for (ULONG i = 0; i < Count && NT_SUCCESS(Status); i++) {
        Status = FatpZeroCluster(Vol, Cluster);
        if (NT_SUCCESS(Status) && i + 1 < Count) {
            Status = FatpNextCluster(Vol, Cluster, &Cluster);
        }
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpSetFatEntry(Vol, Tail, First);
    }
    if (!NT_SUCCESS(Status)) {
        FatpFreeChain(Vol, First);
    }
    return Status;
}

/* FatpDirAddEntry - add an entry called Name (already checked, not present) to a directory,
   with the attributes, cluster, size and times of Template. Result: Out describes it;
   STATUS_DISK_FULL when the directory cannot grow. */
NTSTATUS FatpDirAddEntry(PFAT_VOLUME Vol, ULONG DirCluster, PCWSTR Name, ULONG Length,
                         const UCHAR *Template, PFAT_DIRENT_INFO Out)
{
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };
    UCHAR Raw[DIRENT_BYTES], NtFlags;
    ULONG LfnSlots, Need, RunStart = 0, RunLength = 0, Slot, Lba, Offset, RunLba = 0;
    ULONG EndSlot = 0;
    BOOLEAN PastEnd = FALSE, OneSector;
    PUCHAR Sector;
    NTSTATUS Status;

    memcpy(Raw, Template, DIRENT_BYTES);
    Status = FatpDirMakeName(Vol, DirCluster, Name, Length, Raw, &NtFlags, &LfnSlots);
    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    Raw[DIRENT_NTFLAGS] = NtFlags;
    Need = LfnSlots + 1;
    OneSector = Need <= Vol->BytesPerSector / DIRENT_BYTES;

    /* First run of Need free slots, inside one sector when the run fits in one (a sector is
       written whole, so the new entry then appears at once). Slots after the first 0x00 end
       marker are all free. */
    for (Slot = 0; RunLength < Need; Slot++) {
        Status = FatpDirSlotLocation(Vol, &Cursor, Slot, &Lba, &Offset);
        if (Status == STATUS_END_OF_FILE) {
            break;
        }
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Sector[Offset] == 0 && !PastEnd) {
            PastEnd = TRUE;
            EndSlot = Slot;
        }
        if (PastEnd || Sector[Offset] == FAT_DELETED_MARK) {
            if (RunLength == 0 || (OneSector && Lba != RunLba)) {
                RunStart = Slot;
                RunLba = Lba;
                RunLength = 0;
            }
            RunLength++;
        } else {
            RunLength = 0;
        }
    }
    if (RunLength < Need) {
        if (RunLength == 0 || OneSector) {
            RunStart = Slot;                    /* new clusters start on a sector boundary */
        }
        if (!PastEnd) {
            EndSlot = Slot;
        }
        Status = FatpDirGrow(Vol, DirCluster, Slot, RunStart + Need);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        PastEnd = TRUE;
    }
    /* Free slots skipped past the end marker become deleted entries, so that no end marker
       stands before the new entry. */
    if (PastEnd && EndSlot < RunStart) {
        Status = FatpDirMarkDeleted(Vol, DirCluster, EndSlot, RunStart - 1);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }

    Status = FatpDirWriteRun(Vol, DirCluster, RunStart, Name, Length, LfnSlots, Raw, Out);
    if (!NT_SUCCESS(Status) || !PastEnd) {
        return Status;
    }
    /* The run used slots past the end marker: keep an end marker right after it, in case the
       old end area held stale bytes. */
    Status = FatpDirSlotLocation(Vol, &Cursor, RunStart + Need, &Lba, &Offset);
    if (Status == STATUS_END_OF_FILE) {
        return STATUS_SUCCESS;
    }
    if (NT_SUCCESS(Status)) {
        Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
    }
    if (NT_SUCCESS(Status) && Sector[Offset] != 0 && Sector[Offset] != FAT_DELETED_MARK) {
        Sector[Offset] = 0;
        FatpCacheSetDirty(Vol, Sector);
    }
    return Status;
}

/*
 * fatdir.c - reading directories: mapping a slot (32-byte entry index) to its sector, walking
 * entries with their VFAT long names, lookup by name, emptiness, marking entries deleted.
 *
 * A directory is named by its first cluster; 0 is the fixed root of FAT12/16. Slots are
 * bounded by FAT_MAX_DIR_SLOTS, so a looping directory chain ends the walk instead of hanging.
 * A long name is used only when its entries are in sequence, carry the short entry's checksum
 * and hold a sane length; otherwise the entry is seen under its short name.
 */
#include "fatp.h"

/* FatpDirSlotLocation - sector and byte offset of Slot in the cursor's directory, following
   the cluster chain from the cursor's cached position. Result: STATUS_END_OF_FILE past the
   directory's end, STATUS_FILE_CORRUPT_ERROR for a damaged chain. */
NTSTATUS FatpDirSlotLocation(PFAT_VOLUME Vol, PFAT_DIR_CURSOR Cursor, ULONG Slot, PULONG Lba,
                             PULONG Offset)
{
    ULONG Byte = Slot * DIRENT_BYTES, Index, Cluster;

    if (Slot >= FAT_MAX_DIR_SLOTS) {
        return STATUS_END_OF_FILE;
    }
    if (Cursor->DirCluster == 0) {
        if (Slot >= Vol->RootEntryCount) {
            return STATUS_END_OF_FILE;
        }
        *Lba = Vol->FirstRootDirSector + Byte / Vol->BytesPerSector;
        *Offset = Byte % Vol->BytesPerSector;
        return STATUS_SUCCESS;
    }
    Index = Byte / Vol->BytesPerCluster;
    if (Cursor->CachedCluster != 0 && Cursor->CachedIndex <= Index) {
        Cluster = Cursor->CachedCluster;
        Cursor->CachedCluster = 0;
    } else {
        if (!FatpIsValidCluster(Vol, Cursor->DirCluster)) {
            return STATUS_FILE_CORRUPT_ERROR;
        }
        Cluster = Cursor->DirCluster;
        Cursor->CachedIndex = 0;
    }
    while (Cursor->CachedIndex < Index) {
        ULONG Next;
        NTSTATUS Status = FatpNextCluster(Vol, Cluster, &Next);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Next == FAT_CHAIN_END) {
            Cursor->CachedCluster = Cluster;       /* keep the tail for the next call */
            return STATUS_END_OF_FILE;
        }
        Cluster = Next;
        Cursor->CachedIndex++;
    }
    Cursor->CachedCluster = Cluster;
    Byte %= Vol->BytesPerCluster;
    *Lba = FatpClusterToLba(Vol, Cluster) + Byte / Vol->BytesPerSector;
    *Offset = Byte % Vol->BytesPerSector;
    return STATUS_SUCCESS;
}

/* Where the 13 UTF-16 characters of an LFN entry sit. */
static const UCHAR FatpLfnCharOffset[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

/* FatpDirNext - the next live entry at or after *Slot (volume labels skipped; '.' and '..'
   only with IncludeDots). Result: STATUS_SUCCESS with *Slot = the short entry's slot and Info
   filled, STATUS_NO_MORE_FILES at the end, or an error. */
NTSTATUS FatpDirNext(PFAT_VOLUME Vol, PFAT_DIR_CURSOR Cursor, PULONG Slot, BOOLEAN IncludeDots,
                     PFAT_DIRENT_INFO Info)
{
    ULONG Expected = 0, Parts = 0, FirstSlot = 0;
    UCHAR Checksum = 0;
    WCHAR Beyond = 0;                   /* character 256 of the long name, if any */

    for (ULONG S = *Slot; ; S++) {
        ULONG Lba, Offset;
        PUCHAR Sector, Entry;
        NTSTATUS Status = FatpDirSlotLocation(Vol, Cursor, S, &Lba, &Offset);

        if (Status == STATUS_END_OF_FILE) {
            *Slot = S;
            return STATUS_NO_MORE_FILES;
        }
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Entry = Sector + Offset;
        if (Entry[0] == 0) {
            *Slot = S;
            return STATUS_NO_MORE_FILES;
        }
        if (Entry[0] == FAT_DELETED_MARK) {
            Expected = 0;
            Parts = 0;
            continue;
        }
        if ((Entry[DIRENT_ATTR] & 0x3F) == FAT_ATTR_LFN) {
            ULONG Sequence = Entry[0] & 0x1F;
            if (Entry[0] & 0x40) {
                if (Sequence == 0 || Sequence > 20) {
                    Expected = 0;
                    Parts = 0;
                    continue;
                }
                Parts = Sequence;
                Checksum = Entry[13];
                FirstSlot = S;
                Beyond = 0;
                Info->LongName[Parts * 13 < FAT_MAX_NAME ? Parts * 13 : FAT_MAX_NAME] = 0;
            } else if (Expected == 0 || Sequence != Expected || Entry[13] != Checksum) {
                Expected = 0;
                Parts = 0;
                continue;
            }
            for (ULONG i = 0; i < 13; i++) {
                ULONG Position = (Sequence - 1) * 13 + i;
                WCHAR C = (WCHAR)FatpRead16(Entry + FatpLfnCharOffset[i]);
                if (Position < FAT_MAX_NAME) {
                    Info->LongName[Position] = C;
                } else if (Position == FAT_MAX_NAME) {
                    Beyond = C;
                }
            }
            Expected = Sequence - 1;
            continue;
        }
        if (Entry[DIRENT_ATTR] & FAT_ATTR_VOLUME_ID) {
            Expected = 0;
            Parts = 0;
            continue;
        }
        if (Entry[0] == '.' && (Entry[1] == ' ' || (Entry[1] == '.' && Entry[2] == ' '))) {
            if (!IncludeDots) {
                Expected = 0;
                Parts = 0;
                continue;
            }
        }

        /* A short entry: take the long name gathered before it if it belongs to it. */
        memcpy(Info->Raw, Entry, DIRENT_BYTES);
        Info->EntryLba = Lba;
        Info->EntryOffset = Offset;
        Info->ShortSlot = S;
        Info->FirstSlot = S;
        Info->LongLength = 0;
        Info->ShortLength = (USHORT)FatpShortToUnicode(Entry, Info->ShortName);
        if (Parts != 0 && Expected == 0 && FatpLfnChecksum(Entry) == Checksum) {
            ULONG Length = 0, Limit = Parts * 13;
            while (Length < Limit && Length < FAT_MAX_NAME + 1 && Info->LongName[Length] != 0) {
                Length++;
            }
            if (Length != 0 && !(Length == FAT_MAX_NAME && Beyond != 0)) {
                Info->LongLength = (USHORT)Length;
                Info->LongName[Length] = 0;
                Info->FirstSlot = FirstSlot;
            }
        }
        *Slot = S;
        return STATUS_SUCCESS;
    }
}

/* FatpDirLookup - find Name (case-insensitive, long name or short name) in a directory.
   Result: STATUS_SUCCESS with Info, STATUS_OBJECT_NAME_NOT_FOUND, or an error. */
NTSTATUS FatpDirLookup(PFAT_VOLUME Vol, ULONG DirCluster, PCWSTR Name, ULONG Length,
                       PFAT_DIRENT_INFO Info)
{
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };

    for (ULONG Slot = 0; ; Slot++) {
        NTSTATUS Status = FatpDirNext(Vol, &Cursor, &Slot, FALSE, Info);
        if (Status == STATUS_NO_MORE_FILES) {
            return STATUS_OBJECT_NAME_NOT_FOUND;
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if ((Info->LongLength != 0 &&
             FatpNamesEqual(Name, Length, Info->LongName, Info->LongLength)) ||
            FatpNamesEqual(Name, Length, Info->ShortName, Info->ShortLength)) {
            return STATUS_SUCCESS;
        }
    }
}

/* FatpDirIsEmpty - STATUS_SUCCESS if the directory holds nothing but '.' and '..',
   STATUS_DIRECTORY_NOT_EMPTY otherwise (or an error). */
NTSTATUS FatpDirIsEmpty(PFAT_VOLUME Vol, ULONG DirCluster)
{
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };
    FAT_DIRENT_INFO *Info;
    ULONG Slot = 0;
    NTSTATUS Status;

    Info = ExAllocatePoolWithTag(PagedPool, sizeof(*Info), FAT_POOL_TAG);
    if (Info == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    Status = FatpDirNext(Vol, &Cursor, &Slot, FALSE, Info);
    ExFreePoolWithTag(Info, FAT_POOL_TAG);
    if (Status == STATUS_NO_MORE_FILES) {
        return STATUS_SUCCESS;
    }
    return NT_SUCCESS(Status) ? STATUS_DIRECTORY_NOT_EMPTY : Status;
}

/* FatpDirMarkDeleted - mark slots FirstSlot..LastSlot of a directory deleted (0xE5). */
NTSTATUS FatpDirMarkDeleted(PFAT_VOLUME Vol, ULONG DirCluster, ULONG FirstSlot, ULONG LastSlot)
{
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };

    for (ULONG Slot = FirstSlot; Slot <= LastSlot; Slot++) {
        ULONG Lba, Offset;
        PUCHAR Sector;
        NTSTATUS Status = FatpDirSlotLocation(Vol, &Cursor, Slot, &Lba, &Offset);
        if (NT_SUCCESS(Status)) {
            Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        Sector[Offset] = FAT_DELETED_MARK;
        FatpCacheSetDirty(Vol, Sector);
    }
    return STATUS_SUCCESS;
}

/* FatpDirDeleteEntry - mark the slots of the entry Info describes deleted. The long-name
   slots go first and, when they are not all in the short entry's sector, a barrier pushes them
   to disk before the short entry goes: a crash then leaves the file under its short name, never
   long-name parts without their short entry. */
NTSTATUS FatpDirDeleteEntry(PFAT_VOLUME Vol, ULONG DirCluster, PFAT_DIRENT_INFO Info)
{
    FAT_DIR_CURSOR Cursor = { DirCluster, 0, 0 };
    ULONG Lba, Offset;
    NTSTATUS Status;

    if (Info->FirstSlot < Info->ShortSlot) {
        Status = FatpDirMarkDeleted(Vol, DirCluster, Info->FirstSlot, Info->ShortSlot - 1);
        if (NT_SUCCESS(Status)) {
            Status = FatpDirSlotLocation(Vol, &Cursor, Info->FirstSlot, &Lba, &Offset);
        }
        if (NT_SUCCESS(Status) && Lba != Info->EntryLba) {
            Status = FatpBarrier(Vol);
        }
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
    }
    return FatpDirMarkDeleted(Vol, DirCluster, Info->ShortSlot, Info->ShortSlot);
}

/* FatpDirWriteShort - overwrite the short entry at (Lba, Offset) with Raw. */
NTSTATUS FatpDirWriteShort(PFAT_VOLUME Vol, ULONG Lba, ULONG Offset, const UCHAR *Raw)
{
    PUCHAR Sector;
    NTSTATUS Status = FatpCacheMap(Vol, Lba, FAT_KIND_DIR, FALSE, &Sector);

    if (!NT_SUCCESS(Status)) {
        return Status;
    }
    memcpy(Sector + Offset, Raw, DIRENT_BYTES);
    FatpCacheSetDirty(Vol, Sector);
    return STATUS_SUCCESS;
}

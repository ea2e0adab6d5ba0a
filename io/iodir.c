/*
 * iodir.c - NtQueryDirectoryFile (NT signature): FileDirectoryInformation and
 * FileNamesInformation. The FileName pattern (wildcards '*' and '?', case-insensitive) is taken
 * from the first call after opening or a RestartScan, as NT does. Entries are 8-byte aligned and
 * chained by NextEntryOffset; an entry that does not fit waits in the file object for the next
 * call. '.', '..' and the volume label are not listed. Every byte handed out is written by the
 * call: the padding between entries is zero and Information ends with the last entry's name
 * (the entries are built in the bounce buffer, which holds other requests' data). Results: STATUS_SUCCESS,
 * STATUS_NO_SUCH_FILE (nothing matched at all), STATUS_NO_MORE_FILES (the end),
 * STATUS_BUFFER_OVERFLOW (the first entry's name did not fit: a truncated entry),
 * STATUS_INVALID_PARAMETER (not a directory), STATUS_INVALID_INFO_CLASS.
 */
#include "iop.h"
#include "mm.h"

static WCHAR IopFold(WCHAR C)
{
    return (C >= 'a' && C <= 'z') ? (WCHAR)(C - 0x20) : C;
}

/* IopMatchWildcard - does Name match Pattern ('*' any run, '?' any one character)? */
static BOOLEAN IopMatchWildcard(PCWSTR Pattern, ULONG PLength, PCWSTR Name, ULONG NLength)
{
    ULONG p = 0, n = 0, starP = (ULONG)-1, starN = 0;
    while (n < NLength) {
        if (p < PLength && (Pattern[p] == '?' || IopFold(Pattern[p]) == IopFold(Name[n]))) {
            p++, n++;
        } else if (p < PLength && Pattern[p] == '*') {
            starP = p++;
            starN = n;
        } else if (starP != (ULONG)-1) {
            p = starP + 1;
            n = ++starN;
        } else {
            return FALSE;
        }
    }
    while (p < PLength && Pattern[p] == '*')
        p++;
    return p == PLength;
}

/* IopNextEntry - the next entry that matches the file object's pattern. */
static NTSTATUS IopNextEntry(PFILE_OBJECT File, BOOLEAN Restart, PFAT_DIRECTORY_INFORMATION Entry)
{
    if (File->PendingEntry) {
        if (!Restart)
            memcpy(Entry, File->PendingEntry, sizeof(*Entry));
        ExFreePoolWithTag(File->PendingEntry, IO_POOL_TAG);
        File->PendingEntry = NULL;
        if (!Restart)
            return STATUS_SUCCESS;
    }
    for (;;) {
        NTSTATUS status = FatQueryDirectory(File->FsContext2, Restart, Entry);
        Restart = FALSE;
        if (!NT_SUCCESS(status) || !File->SearchPattern ||
            IopMatchWildcard(File->SearchPattern, File->SearchPatternLength, Entry->FileName, Entry->FileNameLength))
            return status;
    }
}

/* IopPackEntry - one entry of Class at Out (Room bytes). Result: the entry's length without
   padding (fixed part + name), or 0 if it does not fit; *Partial = the fixed part and some of
   the name were written. Every byte up to the next 8-byte boundary that lies within Room is
   written (the padding as zeros): Out is the shared bounce buffer, whose old contents are
   another request's data. */
static ULONG IopPackEntry(ULONG Class, PFAT_DIRECTORY_INFORMATION E, PUCHAR Out, ULONG Room, PULONG Partial)
{
    ULONG nameBytes = E->FileNameLength * sizeof(WCHAR);
    ULONG fixed = Class == FileNamesInformation ? offsetof(FILE_NAMES_INFORMATION, FileName)
                                                : offsetof(FILE_DIRECTORY_INFORMATION, FileName);
    ULONG copy = nameBytes, padded = (fixed + nameBytes + 7) & ~7u;
    *Partial = 0;
    if (Room < fixed)
        return 0;
    if (fixed + nameBytes > Room) {
        copy = (Room - fixed) & ~1u;
        *Partial = fixed + copy;
    }
    memset(Out, 0, padded < Room ? padded : Room);
    if (Class == FileNamesInformation) {
        PFILE_NAMES_INFORMATION n = (PFILE_NAMES_INFORMATION)Out;
        n->FileNameLength = nameBytes;
        memcpy(n->FileName, E->FileName, copy);
    } else {
        PFILE_DIRECTORY_INFORMATION d = (PFILE_DIRECTORY_INFORMATION)Out;
        LONGLONG t = IopDosTimeToNt(E->WriteDate, E->WriteTime);
        d->CreationTime.QuadPart = d->LastAccessTime.QuadPart = d->LastWriteTime.QuadPart = t;
        d->ChangeTime.QuadPart = t;
        d->EndOfFile.QuadPart = E->FileSize;
        d->AllocationSize.QuadPart = (E->FileSize + 511) & ~511ull;
        d->FileAttributes = E->Attributes ? E->Attributes : FILE_ATTRIBUTE_NORMAL;
        d->FileNameLength = nameBytes;
        memcpy(d->FileName, E->FileName, copy);
    }
    return *Partial ? 0 : fixed + nameBytes;
}

/* IopQueryDirectoryLocked - fill Out (kernel) with entries; *Written = bytes, which end with
   the last entry's name: its padding, and whatever lies beyond, is not handed out. An entry
   starts at the 8-byte boundary after the previous one and must fit whole within Length. */
static NTSTATUS IopQueryDirectoryLocked(PFILE_OBJECT File, ULONG Class, PUCHAR Out, ULONG Length,
                                        BOOLEAN Single, BOOLEAN Restart, PULONG Written)
{
    PFAT_DIRECTORY_INFORMATION e = ExAllocatePoolWithTag(NonPagedPool, sizeof(*e), IO_POOL_TAG);
    ULONG next = 0, last = 0, end = 0, count = 0, partial = 0;
    NTSTATUS status = STATUS_SUCCESS;
    if (!e)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (Restart)
        File->ScanStarted = FALSE;
    while (!Single || count == 0) {
        status = IopNextEntry(File, Restart && count == 0, e);
        if (!NT_SUCCESS(status))
            break;
        ULONG n = next < Length ? IopPackEntry(Class, e, Out + next, Length - next, &partial) : 0;
        if (!n) {
            if (count == 0) {
                /* not even the first fits: hand out what fits, as NT does */
                end = partial;
                status = partial ? STATUS_BUFFER_OVERFLOW : STATUS_BUFFER_TOO_SMALL;
                if (!partial)
                    File->PendingEntry = e, e = NULL;
                count++;
            } else {
                File->PendingEntry = e;            /* keep it for the next call */
                e = NULL;
            }
            break;
        }
        if (count)
            *(PULONG)(Out + last) = next - last;   /* NextEntryOffset of the previous entry */
        last = next;
        end = next + n;
        next = (end + 7) & ~7u;
        count++;
    }
    if (status == STATUS_NO_MORE_FILES && count)
        status = STATUS_SUCCESS;
    if (status == STATUS_NO_MORE_FILES && !File->ScanStarted)
        status = STATUS_NO_SUCH_FILE;
    if (count)
        File->ScanStarted = TRUE;
    if (e)
        ExFreePoolWithTag(e, IO_POOL_TAG);
    *Written = end;
    return status;
}

/* NtQueryDirectoryFile - see the file comment. Completes at once; Event and ApcRoutine as for
   NtReadFile (io/iocomplete.c). Information = bytes written. */
NTSTATUS NTAPI NtQueryDirectoryFile(HANDLE FileHandle, HANDLE Event, PIO_APC_ROUTINE ApcRoutine, PVOID ApcContext,
                                    PIO_STATUS_BLOCK IoStatusBlock, PVOID FileInformation, ULONG Length,
                                    FILE_INFORMATION_CLASS FileInformationClass, BOOLEAN ReturnSingleEntry,
                                    PUNICODE_STRING FileName, BOOLEAN RestartScan)
{
    PFILE_OBJECT file;
    PKEVENT event = NULL;
    UNICODE_STRING pattern = { 0, 0, NULL };
    ULONG written = 0;
    if (FileInformationClass != FileDirectoryInformation && FileInformationClass != FileNamesInformation)
        return STATUS_INVALID_INFO_CLASS;
    if (Length < sizeof(FILE_NAMES_INFORMATION))
        return STATUS_INFO_LENGTH_MISMATCH;
    NTSTATUS status = IopReferenceFile(FileHandle, FILE_LIST_DIRECTORY, &file);
    if (!NT_SUCCESS(status))
        return status;
    if (!(file->Flags & FO_DIRECTORY_FILE))
        status = STATUS_INVALID_PARAMETER;
    if (NT_SUCCESS(status))
        status = IopStartIoStatus(IoStatusBlock);
    if (NT_SUCCESS(status) && FileName)
        status = MmCaptureUnicodeString(&pattern, FileName, FAT_MAX_NAME * sizeof(WCHAR));
    if (NT_SUCCESS(status) && ProbeForWrite(FileInformation, Length, 1) != STATUS_SUCCESS)
        status = STATUS_ACCESS_VIOLATION;
    if (NT_SUCCESS(status))
        status = IopBeginUserRequest(Event, &event);
    if (NT_SUCCESS(status)) {
        IopAcquireFsLock();
        if (pattern.Buffer && (RestartScan || (!file->SearchPattern && !file->ScanStarted))) {
            if (file->SearchPattern)
                ExFreePoolWithTag(file->SearchPattern, IO_POOL_TAG);
            file->SearchPattern = ExAllocatePoolWithTag(NonPagedPool, pattern.Length + sizeof(WCHAR), IO_POOL_TAG);
            if (file->SearchPattern) {
                memcpy(file->SearchPattern, pattern.Buffer, pattern.Length);
                file->SearchPatternLength = pattern.Length / sizeof(WCHAR);
            }
        }
        ULONG size = Length < IOP_TRANSFER_CHUNK ? Length : IOP_TRANSFER_CHUNK;
        status = IopQueryDirectoryLocked(file, FileInformationClass, IopTransferBuffer, size, ReturnSingleEntry,
                                         RestartScan, &written);
        if (written) {
            NTSTATUS copy = MmCopyToUser(FileInformation, IopTransferBuffer, written);
            if (!NT_SUCCESS(copy))
                status = copy, written = 0;
        }
        IopReleaseFsLock();
        status = IopFinishIoStatus(IoStatusBlock, status, written);
        IopCompleteUserRequest(event, ApcRoutine, ApcContext, IoStatusBlock, status);
    }
    if (pattern.Buffer)
        MmFreeCapturedUnicodeString(&pattern);
    ObDereferenceObject(file);
    return status;
}

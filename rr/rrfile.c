/*
 * trapio.c - the file half of the thread-context services (docs/spec.md §8, docs/trapfile.md): read a
 * record file once into a kernel buffer, and replace a record crash-safely.
 *
 * Crash safety: the new record goes to "<name>.rectmp", is flushed to the disk, and is renamed
 * over "<name>" by IoRenameFile(ReplaceIfExists), whose commit is one sector write and which
 * flushes the volume before it returns. A power cut at any point leaves the old record or the
 * new one under <name>; the only debris (a stale temporary file, leaked clusters, a stale FSInfo
 * count) is cleaned up at the next mount (fs/fatcheck.c).
 */
#include "ke.h"
#include "io.h"
#include "rtl.h"
#include "rrformat.h"
#include "rrsvc.h"
#include "rrp.h"

/*
 * RrpReadTrapRecordFile - read the file Path into Buffer (BufferSize bytes). Files larger than
 * BufferSize are refused before anything is read. Result: STATUS_SUCCESS with *Size (0 for an
 * empty file); STATUS_FILE_CORRUPT_ERROR for a file that is too large; the I/O manager's status
 * otherwise (STATUS_OBJECT_NAME_NOT_FOUND when there is no record).
 */
NTSTATUS RrpReadTrapRecordFile(PCSTR Path, PVOID Buffer, ULONG BufferSize, PULONG Size)
{
    PFILE_OBJECT file;
    ULONG fileSize = 0, got = 0;
    NTSTATUS status = IoCreateFile(Path, FILE_READ_DATA | SYNCHRONIZE, FILE_SHARE_READ, FILE_OPEN,
                                   FILE_NON_DIRECTORY_FILE, &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = IoQueryFileSize(file, &fileSize);
    if (NT_SUCCESS(status) && fileSize > BufferSize)
        status = STATUS_FILE_CORRUPT_ERROR;     /* never read more than a record can be */
    if (NT_SUCCESS(status) && fileSize != 0) {
        status = IoReadFile(file, 0, Buffer, fileSize, &got);
        if (NT_SUCCESS(status) && got != fileSize)
            status = STATUS_FILE_CORRUPT_ERROR;  /* the size changed under us: not a record */
    }
    IoCloseFile(file);
    if (NT_SUCCESS(status))
        *Size = fileSize;
    return status;
}

/* RrpTrapTempPath - Path + TRAP_FRAME_TEMP_SUFFIX into Out (OutSize bytes). FALSE if too long. */
static BOOLEAN RrpTrapTempPath(PCSTR Path, CHAR *Out, ULONG OutSize)
{
    ULONG n = (ULONG)strlen(Path), s = sizeof(TRAP_FRAME_TEMP_SUFFIX) - 1;
    if (n + s + 1 > OutSize)
        return FALSE;
    memcpy(Out, Path, n);
    memcpy(Out + n, TRAP_FRAME_TEMP_SUFFIX, s + 1);
    return TRUE;
}

/*
 * RrpWriteTrapRecordFile - replace the file Path by Size bytes at Record, crash-safely (see the
 * file comment). Result: STATUS_SUCCESS when the new record is durable; otherwise the I/O
 * manager's status, the old record (if any) untouched and the temporary file removed.
 */
NTSTATUS RrpWriteTrapRecordFile(PCSTR Path, const VOID *Record, ULONG Size)
{
    CHAR temp[RR_TRAP_MAX_PATH + sizeof(TRAP_FRAME_TEMP_SUFFIX)];
    PFILE_OBJECT file;

    if (!RrpTrapTempPath(Path, temp, sizeof(temp)))
        return STATUS_OBJECT_NAME_INVALID;
    NTSTATUS status = IoCreateFile(temp, FILE_WRITE_DATA | DELETE | SYNCHRONIZE, 0,
                                   FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, &file, NULL);
    if (!NT_SUCCESS(status))
        return status;
    status = IoWriteFile(file, 0, Record, Size);
    if (NT_SUCCESS(status))
        status = IoFlushFile(file);                 /* data and chain durable before the rename */
    IoCloseFile(file);
    if (NT_SUCCESS(status))
        status = IoRenameFile(temp, Path, TRUE);    /* the commit; flushes the volume */
    if (!NT_SUCCESS(status))
        IoDeleteFile(temp);
    return status;
}

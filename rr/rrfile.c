/*
 * rrfile.c - the file half of the thread-context services (docs/spec.md §8, docs/trapfile.md): read a
 * record file once into a kernel buffer, and replace a record crash-safely.
 *
 * The files are reached through the kernel's Zw entry points (build/inc/zwapi.h), as a WRK
 * component calls the I/O services: through KiSystemService from ring 0, so the services run with
 * PreviousMode = KernelMode and take this file's kernel buffers and names without probing. The
 * handles live in the calling process's handle table only for the length of one routine (NanoNT
 * has no kernel handle table, WRK's OBJ_KERNEL_HANDLE): another thread of the process that closes
 * or replaces one makes the call fail, never the kernel.
 *
 * Crash safety: the new record goes to "<name>.rectmp", is flushed to the disk, and is renamed
 * over "<name>" (FileRenameInformation, ReplaceIfExists), whose commit is one sector write; the
 * volume is flushed again before the routine returns. A power cut at any point leaves the old
 * record or the new one under <name>; the only debris (a stale temporary file, leaked clusters, a
 * stale FSInfo count) is cleaned up at the next mount (fs/fatcheck.c).
 */
#include "ke.h"
#include "io.h"
#include "rtl.h"
#include "rrformat.h"
#include "rrsvc.h"
#include "rrp.h"
#include "zwapi.h"

#define RR_TRAP_MAX_NAME (RR_TRAP_MAX_PATH + sizeof(TRAP_FRAME_TEMP_SUFFIX))  /* characters */

/* An ASCII NT path as a counted wide name, and the OBJECT_ATTRIBUTES naming it. */
typedef struct _RRP_FILE_NAME {
    WCHAR Buffer[RR_TRAP_MAX_NAME];
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Attributes;
} RRP_FILE_NAME;

/* RrpMakeFileName - fill Name from Path (ASCII). FALSE if too long. */
static BOOLEAN RrpMakeFileName(RRP_FILE_NAME *Name, PCSTR Path)
{
    ULONG n = (ULONG)strlen(Path);
    if (n >= RR_TRAP_MAX_NAME)
        return FALSE;
    for (ULONG i = 0; i < n; i++)
        Name->Buffer[i] = (UCHAR)Path[i];
    Name->Name.Buffer = Name->Buffer;
    Name->Name.Length = (USHORT)(n * sizeof(WCHAR));
    Name->Name.MaximumLength = (USHORT)(n * sizeof(WCHAR));
    memset(&Name->Attributes, 0, sizeof(Name->Attributes));
    Name->Attributes.Length = sizeof(Name->Attributes);
    Name->Attributes.ObjectName = &Name->Name;
    Name->Attributes.Attributes = OBJ_CASE_INSENSITIVE;
    return TRUE;
}

/* RrpOpenFile - ZwCreateFile of the file Path names (not a directory). */
static NTSTATUS RrpOpenFile(PCSTR Path, ACCESS_MASK Access, ULONG Share, ULONG Disposition, PHANDLE Handle)
{
    RRP_FILE_NAME name;
    IO_STATUS_BLOCK iosb;
    if (!RrpMakeFileName(&name, Path))
        return STATUS_OBJECT_NAME_INVALID;
    return ZwCreateFile(Handle, Access, &name.Attributes, &iosb, NULL, 0, Share, Disposition,
                        FILE_NON_DIRECTORY_FILE, NULL, 0);
}

/*
 * RrpReadTrapRecordFile - read the file Path into Buffer (BufferSize bytes). Files larger than
 * BufferSize are refused before anything is read. Result: STATUS_SUCCESS with *Size (0 for an
 * empty file); STATUS_FILE_CORRUPT_ERROR for a file that is too large; the I/O manager's status
 * otherwise (STATUS_OBJECT_NAME_NOT_FOUND when there is no record).
 */
NTSTATUS RrpReadTrapRecordFile(PCSTR Path, PVOID Buffer, ULONG BufferSize, PULONG Size)
{
    HANDLE file;
    IO_STATUS_BLOCK iosb;
    FILE_STANDARD_INFORMATION info;
    LARGE_INTEGER offset;
    ULONG fileSize = 0;
    NTSTATUS status = RrpOpenFile(Path, FILE_READ_DATA | SYNCHRONIZE, FILE_SHARE_READ, FILE_OPEN, &file);
    if (!NT_SUCCESS(status))
        return status;
    status = ZwQueryInformationFile(file, &iosb, &info, sizeof(info), FileStandardInformation);
    if (NT_SUCCESS(status) && (info.EndOfFile.HighPart || info.EndOfFile.LowPart > BufferSize))
        status = STATUS_FILE_CORRUPT_ERROR;     /* never read more than a record can be */
    if (NT_SUCCESS(status))
        fileSize = info.EndOfFile.LowPart;
    if (NT_SUCCESS(status) && fileSize != 0) {
        offset.QuadPart = 0;
        status = ZwReadFile(file, NULL, NULL, NULL, &iosb, Buffer, fileSize, &offset, NULL);
        if (NT_SUCCESS(status) && iosb.Information != fileSize)
            status = STATUS_FILE_CORRUPT_ERROR;  /* the size changed under us: not a record */
    }
    ZwClose(file);
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

/* RrpRenameOver - rename the open File to Path, replacing a file of that name. */
static NTSTATUS RrpRenameOver(HANDLE File, PCSTR Path)
{
    union {
        FILE_RENAME_INFORMATION Info;
        UCHAR Bytes[offsetof(FILE_RENAME_INFORMATION, FileName) + RR_TRAP_MAX_NAME * sizeof(WCHAR)];
    } rename;
    RRP_FILE_NAME name;
    IO_STATUS_BLOCK iosb;
    if (!RrpMakeFileName(&name, Path))
        return STATUS_OBJECT_NAME_INVALID;
    memset(&rename, 0, sizeof(rename));
    rename.Info.ReplaceIfExists = TRUE;
    rename.Info.FileNameLength = name.Name.Length;
    memcpy(rename.Info.FileName, name.Buffer, name.Name.Length);
    return ZwSetInformationFile(File, &iosb, &rename.Info,
                                offsetof(FILE_RENAME_INFORMATION, FileName) + name.Name.Length,
                                FileRenameInformation);
}

/*
 * RrpWriteTrapRecordFile - replace the file Path by Size bytes at Record, crash-safely (see the
 * file comment). Result: STATUS_SUCCESS when the new record is durable; otherwise the I/O
 * manager's status, the old record (if any) untouched and the temporary file removed.
 */
NTSTATUS RrpWriteTrapRecordFile(PCSTR Path, const VOID *Record, ULONG Size)
{
    CHAR temp[RR_TRAP_MAX_PATH + sizeof(TRAP_FRAME_TEMP_SUFFIX)];
    HANDLE file;
    IO_STATUS_BLOCK iosb;
    LARGE_INTEGER offset;

    if (!RrpTrapTempPath(Path, temp, sizeof(temp)))
        return STATUS_OBJECT_NAME_INVALID;
    NTSTATUS status = RrpOpenFile(temp, FILE_WRITE_DATA | DELETE | SYNCHRONIZE, 0, FILE_OVERWRITE_IF, &file);
    if (!NT_SUCCESS(status))
        return status;
    offset.QuadPart = 0;
    status = ZwWriteFile(file, NULL, NULL, NULL, &iosb, (PVOID)Record, Size, &offset, NULL);
    if (NT_SUCCESS(status))
        status = ZwFlushBuffersFile(file, &iosb);     /* data and chain durable before the rename */
    if (NT_SUCCESS(status))
        status = RrpRenameOver(file, Path);             /* the commit */
    if (NT_SUCCESS(status))
        status = ZwFlushBuffersFile(file, &iosb);     /* the rename durable before we return */
    ZwClose(file);
    if (!NT_SUCCESS(status)) {
        RRP_FILE_NAME name;
        if (RrpMakeFileName(&name, temp))
            ZwDeleteFile(&name.Attributes);
    }
    return status;
}

/*
 * fileio.c - the NT file services on the FAT disk (docs/io.md): create dispositions and options,
 * reads and writes at offsets and at the current position, information classes, rename,
 * delete, directories, sharing and access rights, and the bad inputs (names, '..', buffers
 * that fault, writing through a read-only handle, reading past the end, disk full).
 * Started from the disk itself (MANIFEST: init=\SystemRoot\system32\fileio.exe, disk=yes).
 */
#include "testlib.h"
#include "ntpath.h"

#define D "\\??\\C:\\fileio"

static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;

/* Attr - OBJECT_ATTRIBUTES for an ASCII name (relative to Root when Root is not NULL). */
static POBJECT_ATTRIBUTES Attr(PCSTR Path, HANDLE Root) { return NtPathAttributes(&PathStore, Path, Root); }

static NTSTATUS Create(PCSTR Path, ACCESS_MASK Access, ULONG Share, ULONG Disposition, ULONG Options, PHANDLE H)
{
    *H = NULL;
    return NtCreateFile(H, Access, Attr(Path, NULL), &Iosb, NULL, 0, Share, Disposition, Options, NULL, 0);
}

static NTSTATUS WriteAt(HANDLE H, ULONG Offset, const void *Data, ULONG Length)
{
    LARGE_INTEGER o;
    o.QuadPart = Offset;
    return NtWriteFile(H, NULL, NULL, NULL, &Iosb, (PVOID)Data, Length, &o, NULL);
}

static NTSTATUS ReadAt(HANDLE H, ULONG Offset, void *Data, ULONG Length)
{
    LARGE_INTEGER o;
    o.QuadPart = Offset;
    return NtReadFile(H, NULL, NULL, NULL, &Iosb, Data, Length, &o, NULL);
}

static LONGLONG FileSize(HANDLE H)
{
    FILE_STANDARD_INFORMATION st;
    if (!NT_SUCCESS(NtQueryInformationFile(H, &Iosb, &st, sizeof(st), FileStandardInformation)))
        return -1;
    return st.EndOfFile.QuadPart;
}

/* MakeFile - create (overwrite) Path with Text. */
static NTSTATUS MakeFile(PCSTR Path, PCSTR Text)
{
    HANDLE h;
    NTSTATUS s = Create(Path, GENERIC_WRITE, 0, FILE_OVERWRITE_IF, FILE_NON_DIRECTORY_FILE, &h);
    if (NT_SUCCESS(s)) {
        s = WriteAt(h, 0, Text, strlen(Text));
        NtClose(h);
    }
    return s;
}

TL_TEST(create_directory_and_file)
{
    HANDLE d, h;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D, FILE_LIST_DIRECTORY | SYNCHRONIZE, FILE_SHARE_READ, FILE_CREATE,
                                       FILE_DIRECTORY_FILE, &d));
    TL_CHECK_EQ(FILE_CREATED, Iosb.Information);
    NtClose(d);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_READ | GENERIC_WRITE, 0, FILE_CREATE, 0, &h));
    TL_CHECK_EQ(FILE_CREATED, Iosb.Information);
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 0, "hello, disk", 11));
    TL_CHECK_EQ(STATUS_SUCCESS, Iosb.Status);
    TL_CHECK_EQ(11, Iosb.Information);
    char buf[32] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(h, 7, buf, sizeof(buf)));
    TL_CHECK_EQ(4, Iosb.Information);
    TL_CHECK(!memcmp(buf, "disk", 4));
    TL_CHECK_EQ(11, FileSize(h));
    TL_CHECK_EQ(STATUS_SUCCESS, NtFlushBuffersFile(h, &Iosb));
    TL_CHECK_EQ(STATUS_SUCCESS, NtClose(h));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose(h));
}

TL_TEST(dispositions)
{
    HANDLE h;
    TL_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, Create(D "\\a.txt", GENERIC_READ, 0, FILE_CREATE, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create(D "\\none.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create(D "\\none.txt", GENERIC_WRITE, 0, FILE_OVERWRITE, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, Create(D "\\nodir\\x.txt", GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN_IF, 0, &h));
    TL_CHECK_EQ(FILE_OPENED, Iosb.Information);
    TL_CHECK_EQ(11, FileSize(h));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_WRITE, 0, FILE_OVERWRITE, 0, &h));
    TL_CHECK_EQ(FILE_OVERWRITTEN, Iosb.Information);
    TL_CHECK_EQ(0, FileSize(h));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 0, "0123456789", 10));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_WRITE | GENERIC_READ, 0, FILE_SUPERSEDE, 0, &h));
    TL_CHECK_EQ(FILE_SUPERSEDED, Iosb.Information);
    TL_CHECK_EQ(0, FileSize(h));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 0, "0123456789", 10));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\b.txt", GENERIC_WRITE, 0, FILE_OVERWRITE_IF, 0, &h));
    TL_CHECK_EQ(FILE_CREATED, Iosb.Information);
    NtClose(h);
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, Create(D "\\b.txt", GENERIC_READ, 0, 6, 0, &h));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, Create(D "\\b.txt", GENERIC_READ, 0, FILE_OPEN,
                                                 FILE_DIRECTORY_FILE | FILE_NON_DIRECTORY_FILE, &h));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, Create(D "\\b.txt", GENERIC_READ, 0, FILE_OPEN, FILE_DELETE_ON_CLOSE, &h));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, Create(D "\\b.txt", FILE_READ_DATA, 0, FILE_OPEN,
                                                 FILE_SYNCHRONOUS_IO_NONALERT, &h));
}

TL_TEST(directory_versus_file)
{
    HANDLE h;
    char b[4];
    TL_CHECK_EQ(STATUS_FILE_IS_A_DIRECTORY, Create(D, GENERIC_READ, 0, FILE_OPEN, FILE_NON_DIRECTORY_FILE, &h));
    TL_CHECK_EQ(STATUS_NOT_A_DIRECTORY, Create(D "\\a.txt", GENERIC_READ, 0, FILE_OPEN, FILE_DIRECTORY_FILE, &h));
    TL_CHECK_EQ(STATUS_FILE_IS_A_DIRECTORY, Create(D, GENERIC_WRITE, 0, FILE_OVERWRITE_IF, 0, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D, GENERIC_READ, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_INVALID_DEVICE_REQUEST, ReadAt(h, 0, b, sizeof(b)));
    FILE_STANDARD_INFORMATION st;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationFile(h, &Iosb, &st, sizeof(st), FileStandardInformation));
    TL_CHECK_EQ(1, st.Directory);
    NtClose(h);
}

TL_TEST(synchronous_position)
{
    HANDLE h;
    char buf[16] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\pos.txt", GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, 0, FILE_CREATE,
                                       FILE_SYNCHRONOUS_IO_NONALERT, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "abc", 3, NULL, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "def", 3, NULL, NULL));
    FILE_POSITION_INFORMATION p;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationFile(h, &Iosb, &p, sizeof(p), FilePositionInformation));
    TL_CHECK_EQ(6, p.CurrentByteOffset.QuadPart);
    p.CurrentByteOffset.QuadPart = 2;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetInformationFile(h, &Iosb, &p, sizeof(p), FilePositionInformation));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReadFile(h, NULL, NULL, NULL, &Iosb, buf, 3, NULL, NULL));
    TL_CHECK(!memcmp(buf, "cde", 3));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReadFile(h, NULL, NULL, NULL, &Iosb, buf, 10, NULL, NULL));
    TL_CHECK_EQ(1, Iosb.Information);
    TL_CHECK_EQ(STATUS_END_OF_FILE, NtReadFile(h, NULL, NULL, NULL, &Iosb, buf, 10, NULL, NULL));
    LARGE_INTEGER end;
    end.HighPart = -1;
    end.LowPart = FILE_WRITE_TO_END_OF_FILE;
    TL_CHECK_EQ(STATUS_SUCCESS, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "g", 1, &end, NULL));
    TL_CHECK_EQ(7, FileSize(h));
    p.CurrentByteOffset.QuadPart = -1;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtSetInformationFile(h, &Iosb, &p, sizeof(p), FilePositionInformation));
    NtClose(h);
    /* an asynchronous handle needs an offset */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\pos.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtReadFile(h, NULL, NULL, NULL, &Iosb, buf, 3, NULL, NULL));
    NtClose(h);
}

TL_TEST(end_of_file_and_truncate)
{
    HANDLE h;
    char buf[8];
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\eof.txt", GENERIC_READ | GENERIC_WRITE, 0, FILE_CREATE, 0, &h));
    TL_CHECK_EQ(STATUS_END_OF_FILE, ReadAt(h, 0, buf, sizeof(buf)));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 1000, "x", 1));        /* the gap reads as zeros */
    TL_CHECK_EQ(1001, FileSize(h));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(h, 996, buf, 8));
    TL_CHECK_EQ(5, Iosb.Information);
    TL_CHECK(buf[0] == 0 && buf[3] == 0 && buf[4] == 'x');
    TL_CHECK_EQ(STATUS_END_OF_FILE, ReadAt(h, 1001, buf, 1));
    TL_CHECK_EQ(STATUS_END_OF_FILE, ReadAt(h, 5000, buf, 1));
    FILE_END_OF_FILE_INFORMATION e;
    e.EndOfFile.QuadPart = 10;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetInformationFile(h, &Iosb, &e, sizeof(e), FileEndOfFileInformation));
    TL_CHECK_EQ(10, FileSize(h));
    e.EndOfFile.QuadPart = 3000;
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetInformationFile(h, &Iosb, &e, sizeof(e), FileEndOfFileInformation));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(h, 2990, buf, 8));
    TL_CHECK(buf[0] == 0 && buf[7] == 0);
    TL_CHECK_EQ(STATUS_INFO_LENGTH_MISMATCH, NtSetInformationFile(h, &Iosb, &e, 4, FileEndOfFileInformation));
    NtClose(h);
}

TL_TEST(read_only_handle)
{
    HANDLE h;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(h, 0, "zz", 2));
    FILE_END_OF_FILE_INFORMATION e;
    e.EndOfFile.QuadPart = 0;
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetInformationFile(h, &Iosb, &e, sizeof(e), FileEndOfFileInformation));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtFlushBuffersFile(h, &Iosb));
    FILE_DISPOSITION_INFORMATION d = { TRUE };
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetInformationFile(h, &Iosb, &d, sizeof(d), FileDispositionInformation));
    TL_CHECK_EQ(10, FileSize(h));
    NtClose(h);
    /* a write-only handle cannot read */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", FILE_WRITE_DATA, FILE_SHARE_READ, FILE_OPEN, 0, &h));
    char b[2];
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, ReadAt(h, 0, b, 2));
    NtClose(h);
}

TL_TEST(sharing)
{
    HANDLE h1, h2;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, FILE_OPEN, 0, &h1));
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(D "\\a.txt", GENERIC_WRITE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &h2));
    /* the first open writes, so a reader must share write */
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(D "\\a.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &h2));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\A.TXT", GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, 0, &h2));
    NtClose(h2);
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(D "\\a.txt", DELETE, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &h2));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", FILE_READ_ATTRIBUTES, 0, FILE_OPEN, 0, &h2));
    NtClose(h2);
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(D "\\a.txt", GENERIC_WRITE, FILE_SHARE_VALID_FLAGS, FILE_OVERWRITE, 0, &h2));
    TL_CHECK_EQ(10, FileSize(h1));                   /* the refused overwrite changed nothing */
    NtClose(h1);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_WRITE, 0, FILE_OPEN, 0, &h2));
    NtClose(h2);
}

TL_TEST(query_information)
{
    HANDLE h;
    UCHAR buf[256];
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &h));
    PFILE_NAME_INFORMATION n = (PFILE_NAME_INFORMATION)buf;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationFile(h, &Iosb, buf, sizeof(buf), FileNameInformation));
    const char *want = "\\fileio\\a.txt";
    TL_CHECK_EQ(strlen(want) * 2, n->FileNameLength);
    for (ULONG i = 0; i < strlen(want); i++)
        if (n->FileName[i] != (WCHAR)want[i]) { TL_FAIL("name differs at %u", (unsigned)i); break; }
    TL_CHECK_EQ(STATUS_BUFFER_OVERFLOW, NtQueryInformationFile(h, &Iosb, buf, 8, FileNameInformation));
    TL_CHECK_EQ(8, Iosb.Information);
    FILE_STANDARD_INFORMATION st;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationFile(h, &Iosb, &st, sizeof(st), FileStandardInformation));
    TL_CHECK_EQ(sizeof(st), Iosb.Information);
    TL_CHECK_EQ(10, st.EndOfFile.QuadPart);
    TL_CHECK_EQ(512, st.AllocationSize.QuadPart);
    TL_CHECK_EQ(0, st.Directory);
    TL_CHECK_EQ(STATUS_INFO_LENGTH_MISMATCH, NtQueryInformationFile(h, &Iosb, &st, 8, FileStandardInformation));
    TL_CHECK_EQ(STATUS_INVALID_INFO_CLASS, NtQueryInformationFile(h, &Iosb, buf, sizeof(buf), FileAllInformation));
    FILE_BASIC_INFORMATION b;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationFile(h, &Iosb, &b, sizeof(b), FileBasicInformation));
    TL_CHECK(b.FileAttributes & FILE_ATTRIBUTE_ARCHIVE);
    TL_CHECK(b.LastWriteTime.QuadPart > 0);
    FILE_FS_SIZE_INFORMATION fs;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryVolumeInformationFile(h, &Iosb, &fs, sizeof(fs), FileFsSizeInformation));
    TL_CHECK_EQ(512, fs.BytesPerSector);
    TL_CHECK(fs.AvailableAllocationUnits.QuadPart > 0 && fs.TotalAllocationUnits.QuadPart > fs.AvailableAllocationUnits.QuadPart);
    NtClose(h);
}

/* Rename - FileRenameInformation with an ASCII name. */
static NTSTATUS Rename(HANDLE H, PCSTR NewName, BOOLEAN Replace, HANDLE Root)
{
    static ULONG raw[300];
    PFILE_RENAME_INFORMATION r = (PFILE_RENAME_INFORMATION)raw;
    ULONG n = strlen(NewName);
    r->ReplaceIfExists = Replace;
    r->RootDirectory = Root;
    r->FileNameLength = n * 2;
    for (ULONG i = 0; i < n; i++)
        r->FileName[i] = (UCHAR)NewName[i];
    return NtSetInformationFile(H, &Iosb, r, sizeof(raw), FileRenameInformation);
}

TL_TEST(rename)
{
    HANDLE h, d;
    char buf[16] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, MakeFile(D "\\r1.txt", "first"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeFile(D "\\r2.txt", "second"));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\r1.txt", GENERIC_READ | DELETE, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, Rename(h, "r2.txt", FALSE, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename(h, "r3 with a long name.txt", FALSE, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(h, 0, buf, 5));           /* the handle follows */
    TL_CHECK(!memcmp(buf, "first", 5));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename(h, D "\\r2.txt", TRUE, NULL));
    NtClose(h);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create(D "\\r1.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create(D "\\r3 with a long name.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\r2.txt", GENERIC_READ | DELETE, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(h, 0, buf, sizeof(buf)));
    TL_CHECK_EQ(5, Iosb.Information);
    TL_CHECK(!memcmp(buf, "first", 5));
    /* into a subdirectory, named relative to a directory handle */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\sub", FILE_LIST_DIRECTORY | SYNCHRONIZE, FILE_SHARE_VALID_FLAGS,
                                       FILE_OPEN_IF, FILE_DIRECTORY_FILE, &d));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename(h, "moved.txt", FALSE, d));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Rename(h, "a\\b.txt", FALSE, NULL));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, Rename(h, "\\??\\C:\\..\\x.txt", FALSE, NULL));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateFile(&h, GENERIC_READ, Attr("moved.txt", d), &Iosb, NULL, 0, 0, FILE_OPEN,
                                             0, NULL, 0));
    NtClose(h);
    /* a directory with an open file below it does not move */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\sub\\moved.txt", GENERIC_READ, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &h));
    HANDLE dd;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\sub", DELETE | SYNCHRONIZE, FILE_SHARE_VALID_FLAGS, FILE_OPEN,
                                       FILE_DIRECTORY_FILE, &dd));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Rename(dd, "sub2", FALSE, NULL));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, Rename(dd, "sub2", FALSE, NULL));
    NtClose(dd);
    NtClose(d);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\sub2\\moved.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    NtClose(h);
}

TL_TEST(delete)
{
    HANDLE h, h2;
    TL_CHECK_EQ(STATUS_SUCCESS, MakeFile(D "\\del1.txt", "x"));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr(D "\\del1.txt", NULL)));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, NtDeleteFile(Attr(D "\\del1.txt", NULL)));
    /* disposition: gone at the last close; opening meanwhile is STATUS_DELETE_PENDING */
    TL_CHECK_EQ(STATUS_SUCCESS, MakeFile(D "\\del2.txt", "y"));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\del2.txt", DELETE | GENERIC_READ, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &h));
    FILE_DISPOSITION_INFORMATION d = { TRUE };
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetInformationFile(h, &Iosb, &d, sizeof(d), FileDispositionInformation));
    TL_CHECK_EQ(STATUS_DELETE_PENDING, Create(D "\\del2.txt", GENERIC_READ, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &h2));
    FILE_STANDARD_INFORMATION st;
    NtQueryInformationFile(h, &Iosb, &st, sizeof(st), FileStandardInformation);
    TL_CHECK_EQ(1, st.DeletePending);
    NtClose(h);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create(D "\\del2.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h2));
    /* delete on close */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\del3.txt", DELETE | GENERIC_WRITE, 0, FILE_CREATE, FILE_DELETE_ON_CLOSE, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 0, "temp", 4));
    NtClose(h);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create(D "\\del3.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h2));
    /* open without delete sharing blocks a delete */
    TL_CHECK_EQ(STATUS_SUCCESS, MakeFile(D "\\del4.txt", "z"));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\del4.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, NtDeleteFile(Attr(D "\\del4.txt", NULL)));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr(D "\\del4.txt", NULL)));
    /* directories: only when empty */
    TL_CHECK_EQ(STATUS_DIRECTORY_NOT_EMPTY, NtDeleteFile(Attr(D "\\sub2", NULL)));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr(D "\\sub2\\moved.txt", NULL)));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr(D "\\sub2", NULL)));
    TL_CHECK_EQ(STATUS_CANNOT_DELETE, NtDeleteFile(Attr("\\??\\C:\\", NULL)));
}

TL_TEST(list_directory)
{
    HANDLE d;
    static ULONG buf[1024];
    ULONG count = 0, txt = 0;
    for (int i = 0; i < 40; i++) {
        char name[64];
        int n = 0;
        for (const char *p = D "\\many"; *p; p++) name[n++] = *p;
        name[n++] = '0' + i / 10; name[n++] = '0' + i % 10;
        for (const char *p = i % 2 ? ".txt" : ".dat"; *p; p++) name[n++] = *p;
        name[n] = 0;
        TL_CHECK_EQ(STATUS_SUCCESS, MakeFile(name, "m"));
    }
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D, FILE_LIST_DIRECTORY, FILE_SHARE_VALID_FLAGS, FILE_OPEN, FILE_DIRECTORY_FILE, &d));
    NTSTATUS s;
    BOOLEAN restart = TRUE;
    while ((s = NtQueryDirectoryFile(d, NULL, NULL, NULL, &Iosb, buf, 600, FileNamesInformation, FALSE, NULL,
                                     restart)) == STATUS_SUCCESS) {
        restart = FALSE;
        PFILE_NAMES_INFORMATION e = (PFILE_NAMES_INFORMATION)buf;
        for (;;) {
            count++;
            if (!e->NextEntryOffset)
                break;
            e = (PFILE_NAMES_INFORMATION)((PUCHAR)e + e->NextEntryOffset);
        }
    }
    TL_CHECK_EQ(STATUS_NO_MORE_FILES, s);
    TL_CHECK_EQ(40 + 4, count);                       /* the 40 plus a.txt, b.txt, pos.txt, eof.txt */
    NtClose(d);
    /* a pattern, given on the first call */
    UNICODE_STRING pat;
    static WCHAR star[] = { '*', '.', 'T', 'X', 'T' };
    pat.Buffer = star;
    pat.Length = pat.MaximumLength = sizeof(star);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D, FILE_LIST_DIRECTORY, FILE_SHARE_VALID_FLAGS, FILE_OPEN, FILE_DIRECTORY_FILE, &d));
    while ((s = NtQueryDirectoryFile(d, NULL, NULL, NULL, &Iosb, buf, sizeof(buf), FileDirectoryInformation, TRUE,
                                     &pat, FALSE)) == STATUS_SUCCESS) {
        PFILE_DIRECTORY_INFORMATION e = (PFILE_DIRECTORY_INFORMATION)buf;
        TL_CHECK_EQ(0, e->NextEntryOffset);
        if (e->FileNameLength >= 8 && e->FileName[e->FileNameLength / 2 - 1] == 't')
            txt++;
        if (e->FileNameLength == 10 && e->FileName[0] == 'a')
            TL_CHECK_EQ(10, e->EndOfFile.QuadPart);
    }
    TL_CHECK_EQ(STATUS_NO_MORE_FILES, s);
    TL_CHECK_EQ(20 + 4, txt);                         /* many*.txt, a, b, pos, eof */
    NtClose(d);
    static WCHAR none[] = { 'z', 'z', '*' };
    pat.Buffer = none;
    pat.Length = pat.MaximumLength = sizeof(none);
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D, FILE_LIST_DIRECTORY, FILE_SHARE_VALID_FLAGS, FILE_OPEN, FILE_DIRECTORY_FILE, &d));
    TL_CHECK_EQ(STATUS_NO_SUCH_FILE, NtQueryDirectoryFile(d, NULL, NULL, NULL, &Iosb, buf, sizeof(buf),
                                                          FileNamesInformation, FALSE, &pat, TRUE));
    NtClose(d);
    HANDLE f;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\a.txt", GENERIC_READ, FILE_SHARE_VALID_FLAGS, FILE_OPEN, 0, &f));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtQueryDirectoryFile(f, NULL, NULL, NULL, &Iosb, buf, sizeof(buf),
                                                               FileNamesInformation, FALSE, NULL, TRUE));
    NtClose(f);
}

TL_TEST(bad_names)
{
    HANDLE h;
    static char longName[700];
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, Create("\\??\\C:\\..\\x", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, Create(D "\\..\\..\\x", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, Create("\\SystemRoot\\..\\fileio\\a.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, Create("relative.txt", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, Create("\\??\\D:\\x", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, Create("\\Device\\Foo", GENERIC_READ, 0, FILE_OPEN, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(D "\\a*b", GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(D "\\a?b", GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(D "\\a:b", GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(D "\\\\x", GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(D "\\trailing.", GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    for (int i = 0; i < 256; i++) longName[i] = 'n';
    char path[300 + 20];
    int n = 0;
    for (const char *p = D "\\"; *p; p++) path[n++] = *p;
    for (int i = 0; i < 256; i++) path[n++] = 'n';
    path[n] = 0;
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(path, GENERIC_READ, 0, FILE_OPEN_IF, 0, &h));
    path[n - 1] = 0;                                  /* 255 units: fine */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(path, GENERIC_WRITE | DELETE, 0, FILE_CREATE, FILE_DELETE_ON_CLOSE, &h));
    NtClose(h);
    n = 0;
    for (const char *p = D; *p; p++) longName[n++] = *p;
    while (n < 690) { longName[n++] = '\\'; longName[n++] = 'd'; }
    longName[n] = 0;
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, Create(longName, GENERIC_READ, 0, FILE_OPEN, 0, &h));
    /* '.' and '..' inside the root are folded */
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\.\\sub\\..\\a.txt", GENERIC_READ, FILE_SHARE_READ, FILE_OPEN, 0, &h));
    NtClose(h);
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\SystemRoot\\system32\\..\\system32\\fileio.exe", GENERIC_READ,
                                       FILE_SHARE_READ, FILE_OPEN, 0, &h));
    NtClose(h);
    /* malformed OBJECT_ATTRIBUTES */
    POBJECT_ATTRIBUTES oa = Attr(D "\\a.txt", NULL);
    oa->Length = 12;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtCreateFile(&h, GENERIC_READ, oa, &Iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    oa = Attr(D "\\a.txt", NULL);
    oa->ObjectName = (PUNICODE_STRING)0x80001000;
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateFile(&h, GENERIC_READ, oa, &Iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    oa = Attr(D "\\a.txt", NULL);
    PathStore.Name.Buffer = (PWSTR)0x10;
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateFile(&h, GENERIC_READ, oa, &Iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    oa = Attr(D "\\a.txt", NULL);
    PathStore.Name.Length = 0;
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, NtCreateFile(&h, GENERIC_READ, oa, &Iosb, NULL, 0, 0, FILE_OPEN, 0, NULL, 0));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateFile((PHANDLE)0x80000000, GENERIC_READ, Attr(D "\\a.txt", NULL),
                                                      &Iosb, NULL, 0, FILE_SHARE_READ, FILE_OPEN, 0, NULL, 0));
}

TL_TEST(bad_buffers)
{
    HANDLE h;
    /* the stack's top page is mapped, the page above it is not (docs/spec.md §2 layout, ps/create.c) */
    PUCHAR stackEnd = (PUCHAR)0x7FF00000;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\buf.txt", GENERIC_READ | GENERIC_WRITE, 0, FILE_CREATE, 0, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 0, "keep", 4));
    Iosb.Information = 0x1234;
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, WriteAt(h, 0, stackEnd - 4096, 8192));
    TL_CHECK(Iosb.Information == 0 || Iosb.Information == 0x1234);
    TL_CHECK_EQ(4, FileSize(h));                      /* nothing was written */
    char b[8];
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(h, 0, b, 4));
    TL_CHECK(!memcmp(b, "keep", 4));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, WriteAt(h, 0, (PVOID)0x80000000, 16));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, WriteAt(h, 0, (PVOID)0x7FFFFFF0, 64));
    /* reading into read-only code, kernel space, or past the user limit */
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, ReadAt(h, 0, (PVOID)(ULONG_PTR)&Create, 4));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, ReadAt(h, 0, (PVOID)0xC0000000, 4));
    /* a bad IO_STATUS_BLOCK fails the call before it does anything */
    LARGE_INTEGER o;
    o.QuadPart = 0;
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtWriteFile(h, NULL, NULL, NULL, (PIO_STATUS_BLOCK)0x80000000,
                                                     "XXXXXXXXXXXX", 12, &o, NULL));
    TL_CHECK_EQ(4, FileSize(h));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "x", 1, (PLARGE_INTEGER)0x80000000, NULL));
    o.QuadPart = -5;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "x", 1, &o, NULL));
    o.QuadPart = 0x100000000LL;
    TL_CHECK_EQ(STATUS_DISK_FULL, NtWriteFile(h, NULL, NULL, NULL, &Iosb, "x", 1, &o, NULL));
    TL_CHECK_EQ(STATUS_END_OF_FILE, NtReadFile(h, NULL, NULL, NULL, &Iosb, b, 1, &o, NULL));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtQueryInformationFile(h, &Iosb, (PVOID)0x80000000, 24, FileStandardInformation));
    NtClose(h);
    /* handles that are not files */
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, WriteAt((HANDLE)0x1234, 0, "x", 1));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, WriteAt(NtCurrentProcess(), 0, "x", 1));
}

TL_TEST(disk_full)
{
    HANDLE h;
    FILE_FS_SIZE_INFORMATION fs;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\big.bin", GENERIC_READ | GENERIC_WRITE | DELETE, 0, FILE_CREATE,
                                       FILE_DELETE_ON_CLOSE, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(h, 0, "start", 5));
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryVolumeInformationFile(h, &Iosb, &fs, sizeof(fs), FileFsSizeInformation));
    ULONGLONG room = (ULONGLONG)fs.AvailableAllocationUnits.QuadPart * fs.SectorsPerAllocationUnit * fs.BytesPerSector;
    TL_CHECK(room > 0 && room < 0xFFFFFFFFull);
    /* one cluster more than the volume has: refused, file unchanged */
    FILE_END_OF_FILE_INFORMATION e;
    e.EndOfFile.QuadPart = room + 512 + 512;
    TL_CHECK_EQ(STATUS_DISK_FULL, NtSetInformationFile(h, &Iosb, &e, sizeof(e), FileEndOfFileInformation));
    TL_CHECK_EQ(5, FileSize(h));
    TL_CHECK_EQ(STATUS_DISK_FULL, WriteAt(h, (ULONG)room + 512, "end", 3));
    TL_CHECK_EQ(0, Iosb.Information);
    TL_CHECK_EQ(5, FileSize(h));
    FILE_FS_SIZE_INFORMATION after;
    NtQueryVolumeInformationFile(h, &Iosb, &after, sizeof(after), FileFsSizeInformation);
    TL_CHECK_EQ(fs.AvailableAllocationUnits.QuadPart, after.AvailableAllocationUnits.QuadPart);
    NtClose(h);
}

static volatile ULONG ApcRuns;
static volatile PVOID ApcSeenContext;
static volatile PIO_STATUS_BLOCK ApcSeenIosb;

static VOID NTAPI OnIoDone(PVOID ApcContext, PIO_STATUS_BLOCK IoStatusBlock, ULONG Reserved)
{
    UNREFERENCED_PARAMETER(Reserved);
    ApcSeenContext = ApcContext;
    ApcSeenIosb = IoStatusBlock;
    ApcRuns++;
}

/* Event and ApcRoutine of NtReadFile/NtWriteFile: set / queued when the request completes,
   untouched when it fails with an error; the APC runs only when the thread is alertable. */
TL_TEST(event_and_apc)
{
    HANDLE h, ev;
    LARGE_INTEGER zero, o;
    zero.QuadPart = 0;
    o.QuadPart = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(D "\\io.txt", GENERIC_READ | GENERIC_WRITE, 0, FILE_OVERWRITE_IF,
                                       FILE_NON_DIRECTORY_FILE, &h));
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&ev, EVENT_ALL_ACCESS, NULL, NotificationEvent, TRUE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtWriteFile(h, ev, NULL, NULL, &Iosb, "abcdef", 6, &o, NULL));
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(ev, FALSE, &zero));
    /* a failing request resets the event at the start and does not set it */
    o.QuadPart = 100;
    char buf[8];
    TL_CHECK_EQ(STATUS_END_OF_FILE, NtReadFile(h, ev, NULL, NULL, &Iosb, buf, 4, &o, NULL));
    TL_CHECK_EQ(STATUS_TIMEOUT, NtWaitForSingleObject(ev, FALSE, &zero));
    /* the APC: queued at completion, delivered at the next alertable point */
    ApcRuns = 0;
    o.QuadPart = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtReadFile(h, NULL, OnIoDone, (PVOID)0x5A5A, &Iosb, buf, 6, &o, NULL));
    TL_CHECK_EQ(0, ApcRuns);
    TL_CHECK_EQ(STATUS_SUCCESS, NtTestAlert());
    TL_CHECK_EQ(1, ApcRuns);
    TL_CHECK_EQ(0x5A5A, (ULONG)ApcSeenContext);
    TL_CHECK_EQ((ULONG)&Iosb, (ULONG)ApcSeenIosb);
    o.QuadPart = 100;
    TL_CHECK_EQ(STATUS_END_OF_FILE, NtReadFile(h, NULL, OnIoDone, NULL, &Iosb, buf, 4, &o, NULL));
    NtTestAlert();
    TL_CHECK_EQ(1, ApcRuns);
    /* a handle that is not an event */
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtReadFile(h, h, NULL, NULL, &Iosb, buf, 4, &zero, NULL));
    NtClose(ev);
    NtClose(h);
}

int main(void)
{
    TL_RUN(create_directory_and_file);
    TL_RUN(dispositions);
    TL_RUN(directory_versus_file);
    TL_RUN(synchronous_position);
    TL_RUN(end_of_file_and_truncate);
    TL_RUN(read_only_handle);
    TL_RUN(sharing);
    TL_RUN(query_information);
    TL_RUN(rename);
    TL_RUN(delete);
    TL_RUN(list_directory);
    TL_RUN(bad_names);
    TL_RUN(bad_buffers);
    TL_RUN(disk_full);
    TL_RUN(event_and_apc);
    TL_FINISH();
}

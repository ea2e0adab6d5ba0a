/*
 * crashload.c - the guest half of tests/guest/crashreplay.sh: every kind of file-system change
 * the crash-consistency replay (tests/host/crashreplay.c) judges, done once by the real kernel
 * while QEMU records each disk write and flush.
 *   crashload.exe        the parent, one scenario after the other: trap records over an existing
 *                        record; delete + record; multi-cluster files in \crash\p1: create and
 *                        extend, truncate (also FILE_OVERWRITE, FILE_SUPERSEDE), rename
 *                        (rename-over, move, rename), the three deletes; directories (create,
 *                        move, remove); last, two processes writing at once: a child started
 *                        from \SystemRoot\system32 writes in \crash\p2 while the parent works
 *                        in \crash\p1.
 *   crashload.exe child  that child.
 * Before each scenario the parent writes a marker sector (PHASE_MAGIC, the scenario's number and
 * name) into \crashphase.dat and flushes, so that the replay can count the crash states of each
 * scenario; the marker file lies outside \crash and is not judged.
 * Every data file holds one "version": the word at offset 0 is CRASH_MAGIC, the word at 4 a seed
 * used by no other version, and every later word a function of (seed, offset), so the checker
 * can tell a whole version (or a prefix of one, after a truncation) from torn or foreign data
 * without knowing the order of the operations. Sizes are multiples of 4.
 */
#include "testlib.h"
#include "ntpath.h"
#include "traplib.h"
#include "crashword.h"

#define PHASE_MAGIC "NANONT-CRASHLOAD-PHASE"       /* tests/host/crashreplay.c looks for it */

static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;
static ULONG Buffer[16384];                      /* 64 KiB */
static ULONG SeedBase;

static POBJECT_ATTRIBUTES Attr(PCSTR Path) { return NtPathAttributes(&PathStore, Path, NULL); }

static NTSTATUS Open(PCSTR Path, ACCESS_MASK Access, ULONG Disposition, ULONG Options, PHANDLE H)
{
    return NtCreateFile(H, Access | SYNCHRONIZE, Attr(Path), &Iosb, NULL, 0,
                        FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, Disposition,
                        Options | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
}

/* WriteVersion - write bytes [From, To) of version Seed, in Chunk-byte writes. */
static NTSTATUS WriteVersion(HANDLE H, ULONG Seed, ULONG From, ULONG To, ULONG Chunk)
{
    for (ULONG at = From; at < To; at += Chunk) {
        ULONG n = To - at < Chunk ? To - at : Chunk;
        for (ULONG i = 0; i < n / 4; i++)
            Buffer[i] = CrashWord(Seed, at + i * 4);
        LARGE_INTEGER o;
        o.QuadPart = at;
        NTSTATUS s = NtWriteFile(H, NULL, NULL, NULL, &Iosb, Buffer, n, &o, NULL);
        if (s != STATUS_SUCCESS)
            return s;
    }
    return STATUS_SUCCESS;
}

/* MakeVersion - create (or overwrite with Disposition) Path holding Size bytes of a new
   version; returns its seed through *Seed. */
static NTSTATUS MakeVersion(PCSTR Path, ULONG Disposition, ULONG Size, ULONG Chunk, PULONG Seed)
{
    HANDLE h;
    NTSTATUS s = Open(Path, GENERIC_WRITE, Disposition, FILE_NON_DIRECTORY_FILE, &h);
    if (!NT_SUCCESS(s))
        return s;
    *Seed = ++SeedBase;
    s = WriteVersion(h, *Seed, 0, Size, Chunk);
    NtClose(h);
    return s;
}

static NTSTATUS Rename(PCSTR From, PCSTR To, BOOLEAN Replace)
{
    static ULONG raw[300];
    PFILE_RENAME_INFORMATION r = (PFILE_RENAME_INFORMATION)raw;
    HANDLE h;
    NTSTATUS s = Open(From, DELETE, FILE_OPEN, 0, &h);
    if (!NT_SUCCESS(s))
        return s;
    ULONG n = strlen(To);
    r->ReplaceIfExists = Replace;
    r->RootDirectory = NULL;
    r->FileNameLength = n * 2;
    for (ULONG i = 0; i < n; i++)
        r->FileName[i] = (UCHAR)To[i];
    s = NtSetInformationFile(h, &Iosb, r, sizeof(raw), FileRenameInformation);
    NtClose(h);
    return s;
}

static NTSTATUS MakeDirectory(PCSTR Path)
{
    HANDLE h;
    NTSTATUS s = Open(Path, GENERIC_READ, FILE_CREATE, FILE_DIRECTORY_FILE, &h);
    if (NT_SUCCESS(s))
        NtClose(h);
    return s;
}

static NTSTATUS SetSize(PCSTR Path, ULONG Size)
{
    HANDLE h;
    FILE_END_OF_FILE_INFORMATION e;
    NTSTATUS s = Open(Path, GENERIC_WRITE, FILE_OPEN, 0, &h);
    if (!NT_SUCCESS(s))
        return s;
    e.EndOfFile.QuadPart = Size;
    s = NtSetInformationFile(h, &Iosb, &e, sizeof(e), FileEndOfFileInformation);
    NtClose(h);
    return s;
}

static NTSTATUS Extend(PCSTR Path, ULONG Seed, ULONG From, ULONG To)
{
    HANDLE h;
    NTSTATUS s = Open(Path, GENERIC_WRITE, FILE_OPEN, 0, &h);
    if (!NT_SUCCESS(s))
        return s;
    s = WriteVersion(h, Seed, From, To, 3000);
    NtClose(h);
    return s;
}

static NTSTATUS DeleteByDisposition(PCSTR Path)
{
    HANDLE h;
    FILE_DISPOSITION_INFORMATION d = { TRUE };
    NTSTATUS s = Open(Path, DELETE, FILE_OPEN, 0, &h);
    if (!NT_SUCCESS(s))
        return s;
    s = NtSetInformationFile(h, &Iosb, &d, sizeof(d), FileDispositionInformation);
    NtClose(h);
    return s;
}

static NTSTATUS DeleteOnClose(PCSTR Path)
{
    HANDLE h;
    NTSTATUS s = Open(Path, DELETE, FILE_OPEN, FILE_DELETE_ON_CLOSE, &h);
    if (NT_SUCCESS(s))
        NtClose(h);
    return s;
}

/* Flush - NtFlushBuffersFile (which needs write access) through \crash\anchor.dat. */
static NTSTATUS Flush(void)
{
    HANDLE h;
    NTSTATUS s = Open("\\??\\C:\\crash\\anchor.dat", GENERIC_WRITE, FILE_OPEN, 0, &h);
    if (NT_SUCCESS(s)) {
        s = NtFlushBuffersFile(h, &Iosb);
        NtClose(h);
    }
    return s;
}

/* ---------------------------------------------------------------- the parent's scenarios */

/* Phase - mark the start of scenario Number in the write log: one whole-sector write of
   \crashphase.dat (a direct data write in place), then a flush. */
static NTSTATUS Phase(ULONG Number, PCSTR Name)
{
    static char sector[512];
    HANDLE h;
    LARGE_INTEGER o;
    NTSTATUS s = Open("\\??\\C:\\crashphase.dat", GENERIC_WRITE, FILE_OPEN_IF, FILE_NON_DIRECTORY_FILE, &h);
    if (!NT_SUCCESS(s))
        return s;
    memset(sector, 0, sizeof(sector));
    RtlFormatString(sector, sizeof(sector), "%s %u %s", PHASE_MAGIC, (unsigned)Number, Name);
    o.QuadPart = 0;
    s = NtWriteFile(h, NULL, NULL, NULL, &Iosb, sector, sizeof(sector), &o, NULL);
    NtClose(h);
    return NT_SUCCESS(s) ? Flush() : s;
}

TL_TEST(setup)
{
    TL_CHECK_EQ(STATUS_SUCCESS, MakeDirectory("\\??\\C:\\crash"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeDirectory("\\??\\C:\\crash\\p1"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeDirectory("\\??\\C:\\crash\\p2"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeDirectory("\\??\\C:\\crash\\d0"));
    ULONG seed;
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\anchor.dat", FILE_CREATE, 1000, 1000, &seed));
    TL_CHECK_EQ(STATUS_SUCCESS, Flush());
}

/* Record and recover are the same call: nothing recovers while this program runs, so each call
   records (over the existing record: the temporary file renamed over it). */
TL_TEST(record_over_existing)
{
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(1, "record over an existing record"));
    for (ULONG i = 1; i <= 3; i++)
        TL_CHECK_EQ(STATUS_SUCCESS, TrCall(SERVICE_NUMBER_NtRecordTrapFrame, 0, 0, i << 1));
}

/* The loop of the report: delete the record, then NtRecordOrRecoveryTrapFrame records anew. */
TL_TEST(delete_then_record)
{
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(2, "delete + record"));
    for (ULONG i = 0; i < 3; i++) {
        TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr("\\SystemRoot\\TrapFrame")));
        TL_CHECK_EQ(STATUS_SUCCESS, NtRecordOrRecoveryTrapFrame());
    }
}

static ULONG SeedA;

TL_TEST(create_extend)
{
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(3, "create + extend of multi-cluster files"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\a.dat", FILE_CREATE, 12000, 5000, &SeedA));
    TL_CHECK_EQ(STATUS_SUCCESS, Extend("\\??\\C:\\crash\\p1\\a.dat", SeedA, 12000, 30000));
}

TL_TEST(truncate)
{
    ULONG c;
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(4, "truncate, FILE_OVERWRITE, FILE_SUPERSEDE"));
    TL_CHECK_EQ(STATUS_SUCCESS, SetSize("\\??\\C:\\crash\\p1\\a.dat", 4996));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\f.dat", FILE_CREATE, 6000, 6000, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\f.dat", FILE_OVERWRITE, 3000, 3000, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\f.dat", FILE_SUPERSEDE, 10000, 4000, &c));
}

TL_TEST(rename)
{
    ULONG b;
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(5, "rename-over, move, rename of multi-cluster files"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\b.dat", FILE_CREATE, 9000, 9000, &b));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename("\\??\\C:\\crash\\p1\\b.dat", "\\??\\C:\\crash\\p1\\a.dat", TRUE));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename("\\??\\C:\\crash\\p1\\a.dat", "\\??\\C:\\crash\\d0\\moved file.dat", FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename("\\??\\C:\\crash\\d0\\moved file.dat", "\\??\\C:\\crash\\d0\\m.dat", FALSE));
}

TL_TEST(delete)
{
    ULONG c;
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(6, "delete of multi-cluster files (disposition, on close, NtDeleteFile)"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\c.dat", FILE_CREATE, 8000, 8000, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, DeleteByDisposition("\\??\\C:\\crash\\p1\\c.dat"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\e.dat", FILE_CREATE, 7000, 7000, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, DeleteOnClose("\\??\\C:\\crash\\p1\\e.dat"));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr("\\??\\C:\\crash\\p1\\f.dat")));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\g.dat", FILE_CREATE, 5000, 5000, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, Flush());
}

TL_TEST(directories)
{
    ULONG x;
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(7, "directory create, move, remove"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeDirectory("\\??\\C:\\crash\\d1"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeDirectory("\\??\\C:\\crash\\d1\\sub"));
    TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\d1\\sub\\x.dat", FILE_CREATE, 4000, 4000, &x));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename("\\??\\C:\\crash\\d1\\sub", "\\??\\C:\\crash\\d0\\sub", FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, Rename("\\??\\C:\\crash\\d0\\sub", "\\??\\C:\\crash\\d0\\a longer name", FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr("\\??\\C:\\crash\\d0\\a longer name\\x.dat")));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDeleteFile(Attr("\\??\\C:\\crash\\d0\\a longer name")));
    TL_CHECK_EQ(STATUS_SUCCESS, DeleteByDisposition("\\??\\C:\\crash\\d1"));
    TL_CHECK_EQ(STATUS_SUCCESS, Flush());
}

/* Two processes at once: the child writes in \crash\p2 while the parent creates, extends,
   renames and deletes in \crash\p1; then the parent waits for the child. */
TL_TEST(two_processes)
{
    static WCHAR path[] = u"\\SystemRoot\\system32\\crashload.exe";
    static WCHAR cmd[] = u"crashload.exe child";
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path };
    UNICODE_STRING uc = { sizeof(cmd) - 2, sizeof(cmd), cmd };
    HANDLE process, thread;
    ULONG h;
    TL_CHECK_EQ(STATUS_SUCCESS, Phase(8, "two processes writing at once"));
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateUserProcessFromPath(&process, &thread,
                PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc, 0, NULL));
    for (ULONG round = 0; round < 3; round++) {
        TL_CHECK_EQ(STATUS_SUCCESS, MakeVersion("\\??\\C:\\crash\\p1\\h.dat", FILE_OVERWRITE_IF, 5000, 600, &h));
        TL_CHECK_EQ(STATUS_SUCCESS, Extend("\\??\\C:\\crash\\p1\\h.dat", h, 5000, 9000));
        TL_CHECK_EQ(STATUS_SUCCESS, Rename("\\??\\C:\\crash\\p1\\h.dat", "\\??\\C:\\crash\\p1\\g.dat", TRUE));
    }
    LARGE_INTEGER timeout;
    timeout.QuadPart = -300000000LL;
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(process, FALSE, &timeout));
    PROCESS_BASIC_INFORMATION pbi;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(process, ProcessBasicInformation, &pbi, sizeof(pbi), NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, pbi.ExitStatus);
    NtClose(thread);
    NtClose(process);
    TL_CHECK_EQ(STATUS_SUCCESS, Flush());
}

/* ---------------------------------------------------------------- the child */

/* Writes in \crash\p2 while the parent works in \crash\p1: new files in small chunks (so the
   two processes' writes interleave), renames over each other, deletes. */
static int Child(void)
{
    static char name[2][40];
    ULONG seed;
    SeedBase = 0x10000;
    for (ULONG round = 0; round < 4; round++) {
        RtlFormatString(name[0], sizeof(name[0]), "\\??\\C:\\crash\\p2\\n%u.dat", (unsigned)round);
        RtlFormatString(name[1], sizeof(name[1]), "\\??\\C:\\crash\\p2\\keep.dat");
        if (MakeVersion(name[0], FILE_CREATE, 6000 + round * 1000, 700, &seed) != STATUS_SUCCESS ||
            Rename(name[0], name[1], TRUE) != STATUS_SUCCESS)
            return 1;
        RtlFormatString(name[0], sizeof(name[0]), "\\??\\C:\\crash\\p2\\t%u.dat", (unsigned)round);
        if (MakeVersion(name[0], FILE_CREATE, 3000, 500, &seed) != STATUS_SUCCESS)
            return 1;
        if ((round & 1) && NtDeleteFile(Attr(name[0])) != STATUS_SUCCESS)
            return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return Child();
    TrSetPath(0);
    TL_RUN(setup);
    TL_RUN(record_over_existing);
    TL_RUN(delete_then_record);
    TL_RUN(create_extend);
    TL_RUN(truncate);
    TL_RUN(rename);
    TL_RUN(delete);
    TL_RUN(directories);
    TL_RUN(two_processes);
    TL_FINISH();
}

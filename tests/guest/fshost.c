/*
 * fshost.c - the guest half of tests/guest/fshost.sh, which checks NanoNT's files from the host
 * with mtools and fsck.fat (docs/io.md). One phase per boot, given as the first argument:
 *   write   copy the host's \hostin.bin to \hostcopy.bin in odd chunks out of order; write
 *           "\NanoNT dir\Long File Name Sequence.txt" (the output of `seq 1 20000`); run the
 *           randomized file-operation test in \rand against a model kept here (fixed seed,
 *           thousands of creates, writes, truncates, renames, deletes, each checked by reading
 *           back), then write \rand.lst: one line "NAME CKSUM SIZE" per model file, CKSUM being
 *           POSIX cksum's CRC, so the host can compare the disk with the model.
 *   verify  after a reboot and the host's changes: the sequence file is intact, \fromhost.txt
 *           (put there by mcopy) reads as the host wrote it, \gone.txt (mdel'd) is gone.
 *   nodisk  no usable volume: \SystemRoot and \??\C: names fail cleanly.
 */
#include "testlib.h"
#include "ntpath.h"

static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;

static POBJECT_ATTRIBUTES Attr(PCSTR Path) { return NtPathAttributes(&PathStore, Path, NULL); }

static NTSTATUS Create(PCSTR Path, ACCESS_MASK Access, ULONG Disposition, ULONG Options, PHANDLE H)
{
    return NtCreateFile(H, Access, Attr(Path), &Iosb, NULL, 0, FILE_SHARE_READ, Disposition, Options, NULL, 0);
}

static NTSTATUS WriteAt(HANDLE H, ULONG Offset, const void *Data, ULONG Length)
{
    LARGE_INTEGER o;
    o.QuadPart = Offset;
    return NtWriteFile(H, NULL, NULL, NULL, &Iosb, (PVOID)Data, Length, &o, NULL);
}

static NTSTATUS ReadAt(HANDLE H, ULONG Offset, void *Data, ULONG Length, PULONG Got)
{
    LARGE_INTEGER o;
    o.QuadPart = Offset;
    NTSTATUS s = NtReadFile(H, NULL, NULL, NULL, &Iosb, Data, Length, &o, NULL);
    *Got = NT_SUCCESS(s) ? Iosb.Information : 0;
    return s;
}

static ULONG SizeOf(HANDLE H)
{
    FILE_STANDARD_INFORMATION st;
    NtQueryInformationFile(H, &Iosb, &st, sizeof(st), FileStandardInformation);
    return st.EndOfFile.LowPart;
}

/* ---------------------------------------------------------------- write phase */
static UCHAR Big[256 * 1024];

TL_TEST(copy_host_file)
{
    HANDLE in, out;
    ULONG got;
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\hostin.bin", GENERIC_READ, FILE_OPEN, 0, &in));
    ULONG size = SizeOf(in);
    TL_CHECK(size > 0 && size <= sizeof(Big));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(in, 0, Big, sizeof(Big), &got));
    TL_CHECK_EQ(size, got);
    NtClose(in);
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\hostcopy.bin", GENERIC_WRITE, FILE_CREATE, 0, &out));
    /* chunks of 1000 bytes, written last to first, so the file grows by writes past its end */
    ULONG chunks = (size + 999) / 1000;
    for (ULONG c = chunks; c-- > 0;) {
        ULONG len = c * 1000 + 1000 <= size ? 1000 : size - c * 1000;
        NTSTATUS s = WriteAt(out, c * 1000, Big + c * 1000, len);
        if (s != STATUS_SUCCESS) { TL_FAIL("chunk %u: 0x%08X", (unsigned)c, (unsigned)s); break; }
    }
    TL_CHECK_EQ(size, SizeOf(out));
    TL_CHECK_EQ(STATUS_SUCCESS, NtFlushBuffersFile(out, &Iosb));
    NtClose(out);
}

static ULONG SeqText(char *Out, ULONG Count)
{
    ULONG n = 0;
    for (ULONG i = 1; i <= Count; i++)
        n += RtlFormatString(Out + n, 16, "%u\n", (unsigned)i);
    return n;
}

TL_TEST(write_sequence)
{
    HANDLE d, f;
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\NanoNT dir", FILE_LIST_DIRECTORY, FILE_OPEN_IF, FILE_DIRECTORY_FILE, &d));
    NtClose(d);
    ULONG n = SeqText((char *)Big, 20000);
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\NanoNT dir\\Long File Name Sequence.txt", GENERIC_WRITE,
                                       FILE_OVERWRITE_IF, 0, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(f, 0, Big, n));
    NtClose(f);
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\SystemRoot\\gone.txt", GENERIC_WRITE, FILE_OVERWRITE_IF, 0, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(f, 0, "to be deleted by the host\n", 26));
    NtClose(f);
}

/* ---------------------------------------------------------------- randomized operations */
#define MODEL_FILES 12
#define MODEL_MAX 6000
#define RANDOM_OPS 3000

typedef struct { BOOLEAN Exists; ULONG Size; UCHAR Data[MODEL_MAX]; } MODEL_FILE;
static MODEL_FILE Model[MODEL_FILES];
static ULONG Seed = 20240605;
static UCHAR Scratch[MODEL_MAX + 16];

static ULONG Random(ULONG Limit)
{
    Seed = Seed * 1103515245u + 12345u;
    return (Seed >> 8) % Limit;
}

static void ModelName(ULONG I, char *Out)
{
    /* some 8.3 names, some long ones with spaces and mixed case */
    if (I % 3 == 0)
        RtlFormatString(Out, 96, "\\??\\C:\\rand\\F%u.DAT", (unsigned)I);
    else
        RtlFormatString(Out, 96, "\\??\\C:\\rand\\Random file number %u.bin", (unsigned)I);
}

static void ModelLeaf(ULONG I, char *Out)
{
    char full[96];
    ModelName(I, full);
    strcpy(Out, full + strlen("\\??\\C:\\rand\\"));
}

/* CheckOne - the file on disk equals the model. */
static BOOLEAN CheckOne(ULONG I)
{
    char name[96];
    HANDLE h;
    ULONG got;
    ModelName(I, name);
    NTSTATUS s = Create(name, GENERIC_READ, FILE_OPEN, 0, &h);
    if (!Model[I].Exists) {
        if (s != STATUS_OBJECT_NAME_NOT_FOUND) { TL_FAIL("%s: expected absent, open gave 0x%08X", name, (unsigned)s); return FALSE; }
        return TRUE;
    }
    if (s != STATUS_SUCCESS) { TL_FAIL("%s: open 0x%08X", name, (unsigned)s); return FALSE; }
    s = ReadAt(h, 0, Scratch, sizeof(Scratch), &got);
    NtClose(h);
    if (Model[I].Size == 0 ? s != STATUS_END_OF_FILE : (s != STATUS_SUCCESS || got != Model[I].Size ||
                                                         memcmp(Scratch, Model[I].Data, got))) {
        TL_FAIL("%s: content differs (status 0x%08X, %u bytes, model %u)", name, (unsigned)s, (unsigned)got,
                (unsigned)Model[I].Size);
        return FALSE;
    }
    return TRUE;
}

static NTSTATUS RenameHandle(HANDLE H, PCSTR Leaf, BOOLEAN Replace)
{
    static ULONG raw[128];
    PFILE_RENAME_INFORMATION r = (PFILE_RENAME_INFORMATION)raw;
    ULONG n = strlen(Leaf);
    r->ReplaceIfExists = Replace;
    r->RootDirectory = NULL;
    r->FileNameLength = n * 2;
    for (ULONG i = 0; i < n; i++)
        r->FileName[i] = (UCHAR)Leaf[i];
    return NtSetInformationFile(H, &Iosb, r, sizeof(raw), FileRenameInformation);
}

/* One random operation on file I (and J for renames); the model follows what must happen. */
static BOOLEAN RandomOperation(ULONG Op, ULONG I, ULONG J)
{
    char name[96], leaf[96];
    HANDLE h;
    NTSTATUS s, want;
    MODEL_FILE *m = &Model[I];
    ModelName(I, name);
    switch (Op) {
    case 0: case 1: case 2: {                         /* write at a random offset */
        ULONG off = Random(MODEL_MAX / 2), len = 1 + Random(MODEL_MAX / 2);
        s = Create(name, GENERIC_WRITE, FILE_OPEN_IF, 0, &h);
        if (s != STATUS_SUCCESS) { TL_FAIL("write open %s: 0x%08X", name, (unsigned)s); return FALSE; }
        for (ULONG k = 0; k < len; k++)
            Scratch[k] = (UCHAR)Random(256);
        s = WriteAt(h, off, Scratch, len);
        NtClose(h);
        if (s != STATUS_SUCCESS) { TL_FAIL("write %s: 0x%08X", name, (unsigned)s); return FALSE; }
        if (!m->Exists) { m->Exists = TRUE; m->Size = 0; }
        if (off > m->Size)
            memset(m->Data + m->Size, 0, off - m->Size);
        memcpy(m->Data + off, Scratch, len);
        if (off + len > m->Size)
            m->Size = off + len;
        return TRUE;
    }
    case 3: {                                         /* truncate or extend */
        FILE_END_OF_FILE_INFORMATION e;
        ULONG size = Random(MODEL_MAX);
        s = Create(name, GENERIC_WRITE, FILE_OPEN, 0, &h);
        want = m->Exists ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
        if (s != want) { TL_FAIL("truncate open %s: 0x%08X", name, (unsigned)s); return FALSE; }
        if (!m->Exists)
            return TRUE;
        e.EndOfFile.QuadPart = size;
        s = NtSetInformationFile(h, &Iosb, &e, sizeof(e), FileEndOfFileInformation);
        NtClose(h);
        if (s != STATUS_SUCCESS) { TL_FAIL("truncate %s: 0x%08X", name, (unsigned)s); return FALSE; }
        if (size > m->Size)
            memset(m->Data + m->Size, 0, size - m->Size);
        m->Size = size;
        return TRUE;
    }
    case 4:                                           /* delete */
        s = NtDeleteFile(Attr(name));
        want = m->Exists ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
        if (s != want) { TL_FAIL("delete %s: 0x%08X, expected 0x%08X", name, (unsigned)s, (unsigned)want); return FALSE; }
        m->Exists = FALSE;
        return TRUE;
    case 5: {                                         /* rename I to J, over it or not */
        BOOLEAN replace = Random(2);
        if (I == J)
            return TRUE;
        s = Create(name, DELETE, FILE_OPEN, 0, &h);
        want = m->Exists ? STATUS_SUCCESS : STATUS_OBJECT_NAME_NOT_FOUND;
        if (s != want) { TL_FAIL("rename open %s: 0x%08X", name, (unsigned)s); return FALSE; }
        if (!m->Exists)
            return TRUE;
        ModelLeaf(J, leaf);
        s = RenameHandle(h, leaf, replace);
        NtClose(h);
        want = Model[J].Exists && !replace ? STATUS_OBJECT_NAME_COLLISION : STATUS_SUCCESS;
        if (s != want) { TL_FAIL("rename %s -> %s: 0x%08X, expected 0x%08X", name, leaf, (unsigned)s, (unsigned)want); return FALSE; }
        if (s == STATUS_SUCCESS) {
            memcpy(&Model[J], m, sizeof(*m));
            m->Exists = FALSE;
        }
        return TRUE;
    }
    default:                                          /* read back and compare */
        return CheckOne(I);
    }
}

/* POSIX cksum: CRC-32 (polynomial 0x04C11DB7, MSB first) over the data and its length. */
static ULONG Cksum(const UCHAR *Data, ULONG Size)
{
    ULONG crc = 0;
    for (ULONG i = 0; i < Size; i++) {
        crc ^= (ULONG)Data[i] << 24;
        for (int b = 0; b < 8; b++)
            crc = crc & 0x80000000u ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    }
    for (ULONG n = Size; n; n >>= 8) {
        crc ^= (n & 0xFF) << 24;
        for (int b = 0; b < 8; b++)
            crc = crc & 0x80000000u ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
    }
    return ~crc;
}

TL_TEST(random_operations)
{
    HANDLE d, f;
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\rand", FILE_LIST_DIRECTORY, FILE_CREATE, FILE_DIRECTORY_FILE, &d));
    NtClose(d);
    ULONG counts[7] = { 0 };
    for (ULONG n = 0; n < RANDOM_OPS; n++) {
        ULONG op = Random(7), i = Random(MODEL_FILES), j = Random(MODEL_FILES);
        counts[op]++;
        if (!RandomOperation(op, i, j)) {
            printf("  (operation %u of %u: op %u on %u/%u)\n", (unsigned)n, RANDOM_OPS, (unsigned)op,
                   (unsigned)i, (unsigned)j);
            return;
        }
    }
    for (ULONG i = 0; i < MODEL_FILES; i++)
        if (!CheckOne(i))
            return;
    printf("  %u writes, %u truncates, %u deletes, %u renames, %u reads\n",
           (unsigned)(counts[0] + counts[1] + counts[2]), (unsigned)counts[3], (unsigned)counts[4],
           (unsigned)counts[5], (unsigned)counts[6]);
    /* the model, for the host: NAME CKSUM SIZE */
    ULONG n = 0;
    for (ULONG i = 0; i < MODEL_FILES; i++) {
        char leaf[96];
        if (!Model[i].Exists)
            continue;
        ModelLeaf(i, leaf);
        n += RtlFormatString((char *)Big + n, sizeof(Big) - n, "%s\t%u %u\n", leaf,
                             (unsigned)Cksum(Model[i].Data, Model[i].Size), (unsigned)Model[i].Size);
    }
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\rand.lst", GENERIC_WRITE, FILE_OVERWRITE_IF, 0, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(f, 0, Big, n));
    TL_CHECK_EQ(STATUS_SUCCESS, NtFlushBuffersFile(f, &Iosb));
    NtClose(f);
}

/* ---------------------------------------------------------------- verify phase */
TL_TEST(sequence_survived_reboot)
{
    HANDLE f;
    ULONG got;
    static char want[160000];
    ULONG n = SeqText(want, 20000);
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\??\\C:\\nanont DIR\\long file name sequence.TXT", GENERIC_READ, FILE_OPEN, 0, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(f, 0, Big, sizeof(Big), &got));
    TL_CHECK_EQ(n, got);
    TL_CHECK(!memcmp(Big, want, n));
    NtClose(f);
}

TL_TEST(host_changes_seen)
{
    HANDLE f;
    ULONG got;
    const char *want = "written by the host with mcopy\n";
    TL_CHECK_EQ(STATUS_SUCCESS, Create("\\SystemRoot\\FromHost.txt", GENERIC_READ, FILE_OPEN, 0, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(f, 0, Big, sizeof(Big), &got));
    TL_CHECK_EQ(strlen(want), got);
    TL_CHECK(!memcmp(Big, want, strlen(want)));
    NtClose(f);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Create("\\SystemRoot\\gone.txt", GENERIC_READ, FILE_OPEN, 0, &f));
}

/* ---------------------------------------------------------------- no usable disk */
TL_TEST(names_without_disk)
{
    HANDLE f;
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, Create("\\SystemRoot\\system32\\fshost.exe", GENERIC_READ, FILE_OPEN, 0, &f));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, Create("\\??\\C:\\x.txt", GENERIC_WRITE, FILE_OPEN_IF, 0, &f));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, NtDeleteFile(Attr("\\??\\C:\\x.txt")));
}

int main(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : "";
    if (!strcmp(phase, "write")) {
        TL_RUN(copy_host_file);
        TL_RUN(write_sequence);
        TL_RUN(random_operations);
    } else if (!strcmp(phase, "verify")) {
        TL_RUN(sequence_survived_reboot);
        TL_RUN(host_changes_seen);
    } else if (!strcmp(phase, "nodisk")) {
        TL_RUN(names_without_disk);
    } else {
        printf("usage: fshost write|verify|nodisk\n");
        return 1;
    }
    TL_FINISH();
}

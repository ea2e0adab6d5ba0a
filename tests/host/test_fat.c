/*
 * test_fat.c - host tests of the FAT library (fs/fat*.c) against dosfstools and mtools.
 *
 * Images are made by mkfs.fat in a temporary directory and used through a file-backed block
 * device that checks every request's bounds and can "lose power" after N sector writes.
 * Whatever the library writes is read back with mtools, whatever mtools writes is read with the
 * library, and `fsck.fat -n` must be silent after every test.
 */
#include "fat.h"
#include "hosttest.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------------ pool shim */
static long PoolOutstanding;
static long PoolFailAt;                 /* > 0: the PoolFailAt-th allocation from now fails */

PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType;
    (void)Tag;
    if (PoolFailAt > 0 && --PoolFailAt == 0) {
        return NULL;
    }
    PVOID P = malloc(NumberOfBytes);
    if (P != NULL) {
        PoolOutstanding++;
    }
    return P;
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    (void)Tag;
    if (P != NULL) {
        PoolOutstanding--;
        free(P);
    }
}

/* ------------------------------------------------------------------ test device */
typedef struct _TDEV {
    int Fd;
    ULONG Sectors;
    long Budget;            /* sector writes still allowed; < 0: no limit */
    ULONG Writes, Reads, Flushes;
    int OutOfRange;
    FAT_BLOCK_DEVICE Dev;
} TDEV;

static NTSTATUS DevRead(PVOID Context, ULONG Lba, ULONG Count, PVOID Buffer)
{
    TDEV *D = Context;
    if ((ULONGLONG)Lba + Count > D->Sectors || Count == 0) {
        D->OutOfRange = 1;
        return STATUS_IO_DEVICE_ERROR;
    }
    D->Reads++;
    if (pread(D->Fd, Buffer, (size_t)Count * 512, (off_t)Lba * 512) != (ssize_t)Count * 512) {
        return STATUS_IO_DEVICE_ERROR;
    }
    return STATUS_SUCCESS;
}

static NTSTATUS DevWrite(PVOID Context, ULONG Lba, ULONG Count, const VOID *Buffer)
{
    TDEV *D = Context;
    if ((ULONGLONG)Lba + Count > D->Sectors || Count == 0) {
        D->OutOfRange = 1;
        return STATUS_IO_DEVICE_ERROR;
    }
    for (ULONG i = 0; i < Count; i++) {
        if (D->Budget == 0) {
            continue;                   /* the power is off: the write is lost */
        }
        if (D->Budget > 0) {
            D->Budget--;
        }
        D->Writes++;
        if (pwrite(D->Fd, (const char *)Buffer + i * 512, 512, (off_t)(Lba + i) * 512) != 512) {
            return STATUS_IO_DEVICE_ERROR;
        }
    }
    return STATUS_SUCCESS;
}

static NTSTATUS DevFlush(PVOID Context)
{
    ((TDEV *)Context)->Flushes++;
    return STATUS_SUCCESS;
}

static int DevOpen(TDEV *D, const char *Path)
{
    struct stat St;
    memset(D, 0, sizeof(*D));
    D->Fd = open(Path, O_RDWR);
    if (D->Fd < 0 || fstat(D->Fd, &St) != 0) {
        printf("cannot open %s\n", Path);
        return 0;
    }
    D->Sectors = (ULONG)(St.st_size / 512);
    D->Budget = -1;
    D->Dev.Context = D;
    D->Dev.SectorSize = 512;
    D->Dev.SectorCount = D->Sectors;
    D->Dev.Read = DevRead;
    D->Dev.Write = DevWrite;
    D->Dev.Flush = DevFlush;
    return 1;
}

static void DevClose(TDEV *D)
{
    if (D->Fd >= 0) {
        close(D->Fd);
    }
    D->Fd = -1;
}

/* ------------------------------------------------------------------ shell and files */
static char TmpDir[64];

static void TmpCleanup(void)
{
    char Cmd[128];
    if (TmpDir[0] != 0) {
        snprintf(Cmd, sizeof(Cmd), "rm -rf '%s'", TmpDir);
        if (system(Cmd) != 0) {
            printf("cleanup of %s failed\n", TmpDir);
        }
    }
}

static const char *Img(const char *Name)
{
    static char Buffers[8][256];
    static int Next;
    char *B = Buffers[Next++ & 7];
    if (TmpDir[0] == 0) {
        strcpy(TmpDir, "/tmp/nanont-fat.XXXXXX");
        if (mkdtemp(TmpDir) == NULL) {
            perror("mkdtemp");
            exit(2);
        }
        atexit(TmpCleanup);
        setenv("MTOOLS_SKIP_CHECK", "1", 1);
        setenv("MTOOLS_NO_VFAT", "0", 1);
    }
    snprintf(B, 256, "%s/%s", TmpDir, Name);
    return B;
}

static int Sh(const char *Format, ...)
{
    char Cmd[4096];
    va_list Ap;
    va_start(Ap, Format);
    vsnprintf(Cmd, sizeof(Cmd), Format, Ap);
    va_end(Ap);
    int Rc = system(Cmd);
    return WIFEXITED(Rc) ? WEXITSTATUS(Rc) : 255;
}

/* ShOut - run a command, collect its stdout (binary-safe). Result: exit status. */
static int ShOut(unsigned char *Out, size_t Cap, size_t *Length, const char *Format, ...)
{
    char Cmd[4096];
    va_list Ap;
    va_start(Ap, Format);
    vsnprintf(Cmd, sizeof(Cmd), Format, Ap);
    va_end(Ap);
    FILE *P = popen(Cmd, "r");
    size_t N = 0, Got;
    if (P == NULL) {
        return 255;
    }
    while (N < Cap && (Got = fread(Out + N, 1, Cap - N, P)) > 0) {
        N += Got;
    }
    *Length = N;
    int Rc = pclose(P);
    return WIFEXITED(Rc) ? WEXITSTATUS(Rc) : 255;
}

static void MakeImage(const char *Image, const char *Options, unsigned Kb)
{
    int Rc = Sh("rm -f '%s' && mkfs.fat %s -C '%s' %u >/dev/null 2>&1", Image, Options, Image, Kb);
    if (Rc != 0) {
        printf("mkfs.fat %s failed\n", Options);
        exit(2);
    }
}

/* FsckOutput - run fsck.fat -n; Result: exit status, Out holds what it said. */
static int FsckOutput(const char *Image, char *Out, size_t Cap)
{
    size_t N = 0;
    int Rc = ShOut((unsigned char *)Out, Cap - 1, &N, "fsck.fat -n '%s' 2>&1", Image);
    Out[N] = 0;
    return Rc;
}

/* FsckClean - fsck.fat -n exits 0 and prints nothing but its banner and the summary. */
static int FsckClean(const char *Image)
{
    char Out[8192];
    int Rc = FsckOutput(Image, Out, sizeof(Out)), Lines = 0;
    for (char *C = Out; *C; C++) {
        Lines += *C == '\n';
    }
    if (Rc != 0 || Lines != 2) {
        printf("fsck.fat -n %s (rc %d):\n%s\n", Image, Rc, Out);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ names */
typedef struct { WCHAR S[1100]; ULONG N; } WS;

/* Ws - UTF-8 to UTF-16 (BMP). */
static WS Ws(const char *U)
{
    WS W;
    const unsigned char *P = (const unsigned char *)U;
    W.N = 0;
    while (*P && W.N < 1099) {
        unsigned C = *P++;
        if (C >= 0xE0) {
            C = ((C & 0x0F) << 12) | ((P[0] & 0x3F) << 6) | (P[1] & 0x3F);
            P += 2;
        } else if (C >= 0xC0) {
            C = ((C & 0x1F) << 6) | (P[0] & 0x3F);
            P += 1;
        }
        W.S[W.N++] = (WCHAR)C;
    }
    W.S[W.N] = 0;
    return W;
}

static void ToAscii(const WCHAR *S, ULONG N, char *Out)
{
    for (ULONG i = 0; i < N; i++) {
        Out[i] = S[i] < 0x80 ? (char)S[i] : '?';
    }
    Out[N] = 0;
}

static NTSTATUS TCreate(PFAT_VOLUME V, const char *Path, ULONG Disposition, ULONG Options,
                        PFAT_FILE *F)
{
    WS W = Ws(Path);
    return FatCreate(V, W.S, W.N, Disposition, Options, F, NULL);
}

static NTSTATUS TMkdir(PFAT_VOLUME V, const char *Path)
{
    WS W = Ws(Path);
    return FatCreateDirectory(V, W.S, W.N);
}

static NTSTATUS TDelete(PFAT_VOLUME V, const char *Path)
{
    WS W = Ws(Path);
    return FatDelete(V, W.S, W.N);
}

static NTSTATUS TRename(PFAT_VOLUME V, const char *From, const char *To, BOOLEAN Replace)
{
    WS A = Ws(From), B = Ws(To);
    return FatRename(V, A.S, A.N, B.S, B.N, Replace);
}

/* WriteWhole - create or overwrite Path with Length bytes. */
static NTSTATUS WriteWhole(PFAT_VOLUME V, const char *Path, const void *Data, ULONG Length)
{
    PFAT_FILE F;
    ULONG Done;
    NTSTATUS S = TCreate(V, Path, FAT_FILE_OVERWRITE_IF, FAT_NON_DIRECTORY_FILE, &F);
    if (!NT_SUCCESS(S)) {
        return S;
    }
    S = FatWrite(F, 0, Data, Length, &Done);
    NTSTATUS C = FatClose(F);
    return NT_SUCCESS(S) ? C : S;
}

/* ReadWhole - read all of Path into Buffer. */
static NTSTATUS ReadWhole(PFAT_VOLUME V, const char *Path, void *Buffer, ULONG Cap,
                          PULONG Length)
{
    PFAT_FILE F;
    FAT_FILE_INFORMATION Info;
    NTSTATUS S = TCreate(V, Path, FAT_FILE_OPEN, FAT_NON_DIRECTORY_FILE, &F);
    *Length = 0;
    if (!NT_SUCCESS(S)) {
        return S;
    }
    FatQueryInformation(F, &Info);
    if (Info.FileSize > Cap) {
        FatClose(F);
        return STATUS_BUFFER_TOO_SMALL;
    }
    S = Info.FileSize ? FatRead(F, 0, Buffer, Info.FileSize, Length) : STATUS_SUCCESS;
    FatClose(F);
    return S;
}

/* MtoolsRead - the file's bytes as mtools sees them. Result: 1 if mcopy succeeded. */
static int MtoolsRead(const char *Image, const char *Path, unsigned char *Buffer, size_t Cap,
                      size_t *Length)
{
    char Unix[1200];
    size_t i;
    for (i = 0; Path[i] && i < sizeof(Unix) - 1; i++) {
        Unix[i] = Path[i] == '\\' ? '/' : Path[i];
    }
    Unix[i] = 0;
    return ShOut(Buffer, Cap, Length, "mcopy -n -i '%s' '::/%s' - 2>/dev/null", Image, Unix) == 0;
}

static void Pattern(unsigned char *B, size_t N, unsigned Seed)
{
    unsigned X = Seed * 2654435761u + 12345;
    for (size_t i = 0; i < N; i++) {
        X ^= X << 13;
        X ^= X >> 17;
        X ^= X << 5;
        B[i] = (unsigned char)X;
    }
}

static PFAT_VOLUME Mount(TDEV *D, const char *Image)
{
    PFAT_VOLUME V = NULL;
    if (!DevOpen(D, Image)) {
        return NULL;
    }
    NTSTATUS S = FatMount(&D->Dev, &V);
    if (!NT_SUCCESS(S)) {
        printf("FatMount(%s) = 0x%08x\n", Image, (unsigned)S);
        DevClose(D);
        return NULL;
    }
    return V;
}

static void Unmount(TDEV *D, PFAT_VOLUME V)
{
    HT_CHECK_EQ(STATUS_SUCCESS, FatUnmount(V));
    HT_CHECK(!D->OutOfRange);
    DevClose(D);
    HT_CHECK_EQ(0, PoolOutstanding);
}

static unsigned char BufA[1 << 20], BufB[1 << 20];

/* CheckBoth - Path holds exactly Data, seen by the library and by mtools. */
static void CheckBoth(PFAT_VOLUME V, const char *Image, const char *Path, const void *Data,
                      ULONG Length)
{
    ULONG Got = 0;
    size_t MGot = 0;
    NTSTATUS S = ReadWhole(V, Path, BufA, sizeof(BufA), &Got);
    if (!NT_SUCCESS(S) || Got != Length || memcmp(BufA, Data, Length) != 0) {
        printf("library view of %s: status 0x%08x, %u bytes (want %u)\n", Path, (unsigned)S,
               (unsigned)Got, (unsigned)Length);
        HT_CHECK(0);
    }
    if (Image != NULL) {
        FatFlush(V);
        if (!MtoolsRead(Image, Path, BufB, sizeof(BufB), &MGot) || MGot != Length ||
            memcmp(BufB, Data, Length) != 0) {
            printf("mtools view of %s: %u bytes (want %u)\n", Path, (unsigned)MGot,
                   (unsigned)Length);
            HT_CHECK(0);
        }
    }
}

/* ------------------------------------------------------------------ mtools -> library */
static void ReadMtoolsFiles(const char *Options, unsigned Kb)
{
    const char *Image = Img("mt.img");
    static unsigned char Data[300000];
    TDEV D;

    MakeImage(Image, Options, Kb);
    Pattern(Data, sizeof(Data), 7);
    FILE *F = fopen(Img("big.bin"), "wb");
    fwrite(Data, 1, sizeof(Data), F);
    fclose(F);
    F = fopen(Img("small.txt"), "wb");
    fwrite("hello, world\n", 1, 13, F);
    fclose(F);
    HT_CHECK_EQ(0, Sh("mmd -i '%s' '::/Some Directory' ::/Some\\ Directory/deeper ::/UP", Image));
    HT_CHECK_EQ(0, Sh("mcopy -i '%s' '%s' ::/BIG.BIN", Image, Img("big.bin")));
    HT_CHECK_EQ(0, Sh("mcopy -i '%s' '%s' ::/hello.txt", Image, Img("small.txt")));
    HT_CHECK_EQ(0, Sh("mcopy -i '%s' '%s' '::/Some Directory/deeper/A rather long file name.dat'",
                      Image, Img("big.bin")));
    HT_CHECK_EQ(0, Sh("mcopy -i '%s' '%s' '::/UP/x.y'", Image, Img("small.txt")));

    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    CheckBoth(V, NULL, "BIG.BIN", Data, sizeof(Data));
    CheckBoth(V, NULL, "big.bin", Data, sizeof(Data));
    CheckBoth(V, NULL, "hello.txt", "hello, world\n", 13);
    CheckBoth(V, NULL, "\\HELLO.TXT", "hello, world\n", 13);
    CheckBoth(V, NULL, "some directory\\DEEPER\\a rather long FILE name.dat", Data, sizeof(Data));
    CheckBoth(V, NULL, "SOMEDI~1\\deeper\\ARATHE~1.DAT", Data, sizeof(Data));
    CheckBoth(V, NULL, "up\\X.Y", "hello, world\n", 13);

    /* The listing shows long names, or the short name with its case flags. */
    PFAT_FILE Dir;
    FAT_DIRECTORY_INFORMATION Info;
    int SawHello = 0, SawDir = 0, Count = 0;
    char Name[300];
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "", FAT_FILE_OPEN, FAT_DIRECTORY_FILE, &Dir));
    while (NT_SUCCESS(FatQueryDirectory(Dir, FALSE, &Info))) {
        ToAscii(Info.FileName, Info.FileNameLength, Name);
        SawHello += strcmp(Name, "hello.txt") == 0 && Info.FileSize == 13;
        SawDir += strcmp(Name, "Some Directory") == 0 && (Info.Attributes & FAT_ATTR_DIRECTORY);
        Count++;
    }
    HT_CHECK_EQ(4, Count);
    HT_CHECK_EQ(1, SawHello);
    HT_CHECK_EQ(1, SawDir);
    HT_CHECK_EQ(STATUS_NO_MORE_FILES, FatQueryDirectory(Dir, FALSE, &Info));
    HT_CHECK_EQ(STATUS_SUCCESS, FatQueryDirectory(Dir, TRUE, &Info));
    FatClose(Dir);
    Unmount(&D, V);
    HT_CHECK(FsckClean(Image));
}

HT_TEST(fat32_reads_mtools_files) { ReadMtoolsFiles("-F 32", 65536); }
HT_TEST(fat16_reads_mtools_files) { ReadMtoolsFiles("-F 16", 16384); }
HT_TEST(fat12_reads_mtools_files) { ReadMtoolsFiles("-F 12", 1440); }

/* ------------------------------------------------------------------ library -> mtools */
static void WriteFiles(const char *Options, unsigned Kb)
{
    const char *Image = Img("wr.img");
    static unsigned char Data[200000];
    static const ULONG Sizes[] = { 0, 1, 511, 512, 513, 2048, 4103, 65536, 199999 };
    char Path[300], Listing[8192];
    size_t ListingLength = 0;
    TDEV D;

    MakeImage(Image, Options, Kb);
    Pattern(Data, sizeof(Data), 3);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "Projects"));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "projects\\NanoNT source tree"));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "Projects\\nanont SOURCE tree\\deep"));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, TMkdir(V, "PROJECTS"));
    for (ULONG i = 0; i < sizeof(Sizes) / sizeof(Sizes[0]); i++) {
        snprintf(Path, sizeof(Path), "Projects\\NanoNT source tree\\deep\\file number %u.bin",
                 (unsigned)i);
        HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, Path, Data + i, Sizes[i]));
        snprintf(Path, sizeof(Path), "F%u.TXT", (unsigned)i);
        HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, Path, Data + 2 * i, Sizes[i]));
    }
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "lower.txt", "lower", 5));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "MiXeD.Txt", "mixed", 5));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "a+b,c;d=e.tar.gz", "special", 7));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, ".hidden profile", "dot", 3));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "Ελληνικά και Кириллица.txt", "utf", 3));

    /* Writes at scattered offsets, into holes and across cluster boundaries. */
    PFAT_FILE F;
    ULONG Done;
    static unsigned char Model[150000];
    memset(Model, 0, sizeof(Model));
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "Projects\\scatter.dat", FAT_FILE_CREATE, 0, &F));
    for (unsigned i = 0; i < 40; i++) {
        ULONG Offset = (i * 7919u * 13u) % 140000u, Length = (i * 337u) % 5000u + 1;
        HT_CHECK_EQ(STATUS_SUCCESS, FatWrite(F, Offset, Data + i, Length, &Done));
        HT_CHECK_EQ(Length, Done);
        memcpy(Model + Offset, Data + i, Length);
    }
    FAT_FILE_INFORMATION Info;
    FatQueryInformation(F, &Info);
    ULONG ModelSize = Info.FileSize;
    FatClose(F);
    HT_CHECK(ModelSize > 130000 && ModelSize <= sizeof(Model));

    HT_CHECK_EQ(STATUS_SUCCESS, FatFlush(V));
    for (ULONG i = 0; i < sizeof(Sizes) / sizeof(Sizes[0]); i++) {
        snprintf(Path, sizeof(Path), "Projects\\NanoNT source tree\\deep\\file number %u.bin",
                 (unsigned)i);
        CheckBoth(V, Image, Path, Data + i, Sizes[i]);
        snprintf(Path, sizeof(Path), "F%u.TXT", (unsigned)i);
        CheckBoth(V, Image, Path, Data + 2 * i, Sizes[i]);
    }
    CheckBoth(V, Image, "lower.txt", "lower", 5);
    CheckBoth(V, Image, "MiXeD.Txt", "mixed", 5);
    CheckBoth(V, Image, "a+b,c;d=e.tar.gz", "special", 7);
    CheckBoth(V, Image, ".hidden profile", "dot", 3);
    CheckBoth(V, NULL, "ελληνικά ΚΑΙ кириллица.TXT", "utf", 3);
    CheckBoth(V, Image, "Projects\\scatter.dat", Model, ModelSize);
    Unmount(&D, V);

    HT_CHECK_EQ(0, ShOut((unsigned char *)Listing, sizeof(Listing) - 1, &ListingLength,
                         "mdir -i '%s' -/ -b ::/", Image));
    Listing[ListingLength] = 0;
    HT_CHECK(strstr(Listing, "::/Projects/NanoNT source tree/deep/file number 8.bin\n") != NULL);
    HT_CHECK(strstr(Listing, "::/lower.txt\n") != NULL);
    HT_CHECK(strstr(Listing, "::/MiXeD.Txt\n") != NULL);
    HT_CHECK(strstr(Listing, "::/F8.TXT\n") != NULL);
    HT_CHECK(FsckClean(Image));
}

HT_TEST(fat32_written_files_read_by_mtools) { WriteFiles("-F 32", 65536); }
HT_TEST(fat16_written_files_read_by_mtools) { WriteFiles("-F 16", 16384); }
HT_TEST(fat12_written_files_read_by_mtools) { WriteFiles("-F 12", 2048); }

/* ------------------------------------------------------------------ rename */
HT_TEST(rename_move_and_replace)
{
    const char *Image = Img("ren.img");
    static unsigned char A[5000], B[3000];
    PFAT_FILE F, G;
    TDEV D;

    MakeImage(Image, "-F 32", 65536);
    Pattern(A, sizeof(A), 11);
    Pattern(B, sizeof(B), 12);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "WINDOWS"));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "other dir"));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "other dir\\sub"));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "WINDOWS\\TrapFrame", A, sizeof(A)));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "WINDOWS\\TrapFrame.tmp", B, sizeof(B)));

    /* Rename-over, with a handle open on the old target and one on the source. */
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "WINDOWS\\TrapFrame", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "WINDOWS\\TrapFrame.tmp", FAT_FILE_OPEN, 0, &G));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION,
                TRename(V, "WINDOWS\\TrapFrame.tmp", "WINDOWS\\TrapFrame", FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "WINDOWS\\TrapFrame.tmp", "WINDOWS\\TrapFrame", TRUE));
    CheckBoth(V, Image, "WINDOWS\\TrapFrame", B, sizeof(B));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, TDelete(V, "WINDOWS\\TrapFrame.tmp"));
    ULONG Got;
    FAT_FILE_INFORMATION Info;
    HT_CHECK_EQ(STATUS_SUCCESS, FatRead(F, 0, BufA, sizeof(A), &Got));   /* old data lives on */
    HT_CHECK(Got == sizeof(A) && memcmp(BufA, A, sizeof(A)) == 0);
    FatQueryInformation(F, &Info);
    HT_CHECK(Info.DeletePending);
    HT_CHECK_EQ(STATUS_SUCCESS, FatWrite(G, 3000, "tail", 4, &Got));     /* the moved handle */
    FatClose(F);
    FatClose(G);
    memcpy(BufB, B, sizeof(B));
    memcpy(BufB + 3000, "tail", 4);
    CheckBoth(V, Image, "WINDOWS\\TrapFrame", BufB, 3004);

    /* Plain renames: same directory, longer name, other directory, change of case. */
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "WINDOWS\\TrapFrame", "WINDOWS\\Frame", FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS,
                TRename(V, "WINDOWS\\Frame", "WINDOWS\\A much longer name than before.bin", FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "WINDOWS\\a much longer name than before.BIN",
                                        "other dir\\sub\\moved.bin", FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "other dir\\sub\\moved.bin", "other dir\\sub\\MOVED.bin",
                                        FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "other dir\\sub\\MOVED.bin", "other dir\\sub\\MOVED.bin",
                                        FALSE));
    CheckBoth(V, Image, "other dir\\sub\\MOVED.bin", BufB, 3004);

    /* Directories: move one (its '..' must follow), refuse moving one below itself. */
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "other dir\\sub", "WINDOWS\\sub2", FALSE));
    CheckBoth(V, Image, "WINDOWS\\sub2\\moved.bin", BufB, 3004);
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER, TRename(V, "WINDOWS", "WINDOWS\\sub2\\w", FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, "WINDOWS\\sub2", "sub3", FALSE));
    HT_CHECK_EQ(STATUS_ACCESS_DENIED, TRename(V, "sub3\\moved.bin", "WINDOWS", TRUE));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, TRename(V, "nothing", "x", TRUE));
    HT_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, TRename(V, "sub3\\moved.bin", "no\\x", TRUE));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER, TRename(V, "", "x", TRUE));
    CheckBoth(V, Image, "sub3\\moved.bin", BufB, 3004);
    Unmount(&D, V);
    HT_CHECK(FsckClean(Image));
    HT_CHECK_EQ(0, Sh("mdir -i '%s' ::/sub3/moved.bin >/dev/null 2>&1", Image));
}

/* ------------------------------------------------------------------ delete, truncate, extend */
HT_TEST(delete_truncate_extend)
{
    const char *Image = Img("del.img");
    static unsigned char A[20000];
    PFAT_FILE F;
    ULONG Got;
    TDEV D;

    MakeImage(Image, "-F 16", 16384);
    Pattern(A, sizeof(A), 21);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    FAT_VOLUME_INFORMATION Vi0, Vi1;
    FatQueryVolumeInformation(V, &Vi0);
    HT_CHECK_EQ(16, Vi0.FatType);

    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "d"));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "d\\e"));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "d\\e\\f.bin", A, sizeof(A)));
    HT_CHECK_EQ(STATUS_DIRECTORY_NOT_EMPTY, TDelete(V, "d"));
    HT_CHECK_EQ(STATUS_DIRECTORY_NOT_EMPTY, TDelete(V, "d\\e"));
    HT_CHECK_EQ(STATUS_CANNOT_DELETE, TDelete(V, "\\"));

    /* Truncate inside a cluster, then extend: the old bytes must not come back. */
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "d\\e\\f.bin", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_SUCCESS, FatSetEndOfFile(F, 10));
    HT_CHECK_EQ(STATUS_SUCCESS, FatSetEndOfFile(F, 9000));
    memcpy(BufB, A, 10);
    memset(BufB + 10, 0, 8990);
    HT_CHECK_EQ(STATUS_SUCCESS, FatRead(F, 0, BufA, 20000, &Got));
    HT_CHECK(Got == 9000 && memcmp(BufA, BufB, 9000) == 0);
    /* A write past the end leaves a zero gap. */
    HT_CHECK_EQ(STATUS_SUCCESS, FatWrite(F, 12000, "xyz", 3, &Got));
    memset(BufB + 9000, 0, 3000);
    memcpy(BufB + 12000, "xyz", 3);
    HT_CHECK_EQ(STATUS_END_OF_FILE, FatRead(F, 12003, BufA, 1, &Got));
    HT_CHECK_EQ(0, Got);
    HT_CHECK_EQ(STATUS_SUCCESS, FatRead(F, 11999, BufA, 100, &Got));
    HT_CHECK_EQ(4, Got);
    FatClose(F);
    CheckBoth(V, Image, "d\\e\\f.bin", BufB, 12003);

    /* Delete while open: the name goes now, the data at the last close. */
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "d\\e\\f.bin", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, "d\\e\\f.bin"));
    PFAT_FILE G;
    HT_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, TCreate(V, "d\\e\\f.bin", FAT_FILE_OPEN, 0, &G));
    HT_CHECK_EQ(STATUS_SUCCESS, FatRead(F, 0, BufA, 20000, &Got));
    HT_CHECK(Got == 12003 && memcmp(BufA, BufB, 12003) == 0);
    HT_CHECK_EQ(STATUS_SUCCESS, FatClose(F));
    HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, "d\\e"));
    HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, "d"));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, TDelete(V, "d"));
    FatQueryVolumeInformation(V, &Vi1);
    HT_CHECK_EQ(Vi0.FreeClusters, Vi1.FreeClusters);

    /* Overwrite dispositions truncate; supersede of a directory is refused. */
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "o.txt", A, 5000));
    ULONG Action = 99;
    WS W = Ws("o.txt");
    HT_CHECK_EQ(STATUS_SUCCESS, FatCreate(V, W.S, W.N, FAT_FILE_OVERWRITE, 0, &F, &Action));
    HT_CHECK_EQ(FAT_FILE_OVERWRITTEN, Action);
    FAT_FILE_INFORMATION Info;
    FatQueryInformation(F, &Info);
    HT_CHECK_EQ(0, Info.FileSize);
    HT_CHECK_EQ(0, Info.FirstCluster);
    FatClose(F);
    W = Ws("new.txt");
    HT_CHECK_EQ(STATUS_SUCCESS, FatCreate(V, W.S, W.N, FAT_FILE_OPEN_IF, 0, &F, &Action));
    HT_CHECK_EQ(FAT_FILE_CREATED, Action);
    FatClose(F);
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "dir"));
    HT_CHECK_EQ(STATUS_FILE_IS_A_DIRECTORY, TCreate(V, "dir", FAT_FILE_SUPERSEDE, 0, &F));
    Unmount(&D, V);
    HT_CHECK(FsckClean(Image));
}

/* ------------------------------------------------------------------ bad input */
HT_TEST(bad_names_and_types)
{
    const char *Image = Img("bad.img");
    char Long[300];
    PFAT_FILE F;
    ULONG Got;
    TDEV D;

    MakeImage(Image, "-F 32", 65536);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "dir"));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "dir\\file.txt", "abc", 3));

    static const char *Invalid[] = { "a*b", "a?b", "a<b", "a>b", "a|b", "a:b", "a\"b", "a/b",
                                     "trailing.", "trailing ", "dir\\\\file.txt", "\\\\x",
                                     "ctl\x01x" };
    for (unsigned i = 0; i < sizeof(Invalid) / sizeof(Invalid[0]); i++) {
        NTSTATUS S = TCreate(V, Invalid[i], FAT_FILE_CREATE, 0, &F);
        if (S != STATUS_OBJECT_NAME_INVALID) {
            printf("name %s: 0x%08x\n", Invalid[i], (unsigned)S);
        }
        HT_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, S);
    }
    memset(Long, 'n', 256);
    Long[256] = 0;
    HT_CHECK_EQ(STATUS_NAME_TOO_LONG, TCreate(V, Long, FAT_FILE_CREATE, 0, &F));
    HT_CHECK_EQ(STATUS_NAME_TOO_LONG, TMkdir(V, Long));
    Long[255] = 0;
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, Long, "255", 3));
    CheckBoth(V, Image, Long, "255", 3);

    /* '..' resolves lexically inside the root; above the root it is a syntax error. */
    HT_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, TCreate(V, "..\\x", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, TCreate(V, "dir\\..\\..\\x", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "dir\\.\\..\\DIR\\file.txt", FAT_FILE_OPEN, 0, &F));
    FatClose(F);

    HT_CHECK_EQ(STATUS_FILE_IS_A_DIRECTORY,
                TCreate(V, "dir", FAT_FILE_OPEN, FAT_NON_DIRECTORY_FILE, &F));
    HT_CHECK_EQ(STATUS_FILE_IS_A_DIRECTORY, TCreate(V, "", FAT_FILE_OPEN, FAT_NON_DIRECTORY_FILE, &F));
    HT_CHECK_EQ(STATUS_NOT_A_DIRECTORY,
                TCreate(V, "dir\\file.txt", FAT_FILE_OPEN, FAT_DIRECTORY_FILE, &F));
    HT_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, TCreate(V, "dir\\file.txt\\x", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, TCreate(V, "nodir\\x", FAT_FILE_CREATE, 0, &F));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, TCreate(V, "dir\\none", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, TCreate(V, "DIR\\FILE.TXT", FAT_FILE_CREATE, 0, &F));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER,
                TCreate(V, "x", FAT_FILE_OPEN_IF, FAT_DIRECTORY_FILE | FAT_NON_DIRECTORY_FILE, &F));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER, TCreate(V, "x", 6, 0, &F));

    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "dir\\file.txt", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_END_OF_FILE, FatRead(F, 3, BufA, 10, &Got));
    HT_CHECK_EQ(STATUS_END_OF_FILE, FatRead(F, 1000000, BufA, 10, &Got));
    HT_CHECK_EQ(STATUS_SUCCESS, FatRead(F, 1, BufA, 10, &Got));
    HT_CHECK(Got == 2 && memcmp(BufA, "bc", 2) == 0);
    HT_CHECK_EQ(STATUS_DISK_FULL, FatWrite(F, 0xFFFFFFF0u, "0123456789abcdefg", 17, &Got));
    FAT_DIRECTORY_INFORMATION Di;
    HT_CHECK_EQ(STATUS_NOT_A_DIRECTORY, FatQueryDirectory(F, TRUE, &Di));
    FatClose(F);
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "dir", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_INVALID_DEVICE_REQUEST, FatRead(F, 0, BufA, 10, &Got));
    HT_CHECK_EQ(STATUS_INVALID_DEVICE_REQUEST, FatWrite(F, 0, BufA, 10, &Got));
    HT_CHECK_EQ(STATUS_INVALID_DEVICE_STATE, FatUnmount(V));    /* a file is still open */
    FatClose(F);
    Unmount(&D, V);
    HT_CHECK(FsckClean(Image));
}

/* ------------------------------------------------------------------ disk full */
static void DiskFull(const char *Options, unsigned Kb)
{
    const char *Image = Img("full.img");
    static unsigned char Chunk[65536];
    FAT_VOLUME_INFORMATION Vi;
    PFAT_FILE F;
    ULONG Got, Offset = 0;
    NTSTATUS S;
    TDEV D;

    MakeImage(Image, Options, Kb);
    Pattern(Chunk, sizeof(Chunk), 5);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "sub"));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "sub\\keep.bin", Chunk, 3000));
    HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, "sub\\fill.bin", FAT_FILE_CREATE, 0, &F));
    for (;;) {
        S = FatWrite(F, Offset, Chunk, sizeof(Chunk), &Got);
        if (S != STATUS_SUCCESS) {
            break;
        }
        Offset += Got;
    }
    HT_CHECK_EQ(STATUS_DISK_FULL, S);
    HT_CHECK_EQ(0, Got);
    FAT_FILE_INFORMATION Info;
    FatQueryInformation(F, &Info);
    HT_CHECK_EQ(Offset, Info.FileSize);              /* the failed write changed nothing */
    /* Fill the rest exactly, then one more byte past the last cluster must fail. */
    FatQueryVolumeInformation(V, &Vi);
    ULONG Room = Vi.FreeClusters * Vi.BytesPerCluster +
                 (Vi.BytesPerCluster - Offset % Vi.BytesPerCluster) % Vi.BytesPerCluster;
    HT_CHECK_EQ(STATUS_DISK_FULL, FatSetEndOfFile(F, Offset + Room + 1));
    HT_CHECK_EQ(STATUS_SUCCESS, FatSetEndOfFile(F, Offset + Room));
    FatQueryVolumeInformation(V, &Vi);
    HT_CHECK_EQ(0, Vi.FreeClusters);
    HT_CHECK_EQ(STATUS_DISK_FULL, FatWrite(F, Offset + Room, "x", 1, &Got));
    FatClose(F);
    HT_CHECK_EQ(STATUS_DISK_FULL, TMkdir(V, "sub\\newdir"));
    /* New entries still fit in the directory's existing cluster until it is full. */
    char Name[64];
    for (unsigned i = 0; ; i++) {
        snprintf(Name, sizeof(Name), "sub\\an empty file with a long name %u", i);
        S = WriteWhole(V, Name, NULL, 0);
        if (S != STATUS_SUCCESS) {
            break;
        }
    }
    HT_CHECK_EQ(STATUS_DISK_FULL, S);
    HT_CHECK_EQ(STATUS_SUCCESS, FatFlush(V));
    HT_CHECK(FsckClean(Image));
    CheckBoth(V, Image, "sub\\keep.bin", Chunk, 3000);
    /* Freeing space makes it usable again. */
    HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, "sub\\fill.bin"));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "sub\\newdir"));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "sub\\newdir\\after.bin", Chunk, sizeof(Chunk)));
    CheckBoth(V, Image, "sub\\newdir\\after.bin", Chunk, sizeof(Chunk));
    Unmount(&D, V);
    HT_CHECK(FsckClean(Image));
}

HT_TEST(disk_full_fat16) { DiskFull("-F 16 -s 1", 2600); }
HT_TEST(disk_full_fat32) { DiskFull("-F 32 -s 1", 33800); }

/* The fixed FAT16 root cannot grow. */
HT_TEST(fixed_root_full)
{
    const char *Image = Img("root.img");
    char Name[64];
    NTSTATUS S;
    unsigned i;
    TDEV D;

    MakeImage(Image, "-F 16 -s 1 -r 64", 4096);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    for (i = 0; ; i++) {
        snprintf(Name, sizeof(Name), "N%u", i);
        S = WriteWhole(V, Name, "x", 1);
        if (S != STATUS_SUCCESS) {
            break;
        }
    }
    HT_CHECK_EQ(STATUS_DISK_FULL, S);
    HT_CHECK_EQ(64, i);
    Unmount(&D, V);
    HT_CHECK(FsckClean(Image));
}

/* ------------------------------------------------------------------ corrupted images */
static void Poke(const char *Image, long Offset, const void *Bytes, size_t Length)
{
    int Fd = open(Image, O_RDWR);
    if (Fd < 0 || pwrite(Fd, Bytes, Length, Offset) != (ssize_t)Length) {
        printf("poke %s failed\n", Image);
    }
    close(Fd);
}

static void Peek(const char *Image, long Offset, void *Bytes, size_t Length)
{
    int Fd = open(Image, O_RDONLY);
    if (Fd < 0 || pread(Fd, Bytes, Length, Offset) != (ssize_t)Length) {
        printf("peek %s failed\n", Image);
    }
    close(Fd);
}

static NTSTATUS MountStatus(const char *Image)
{
    PFAT_VOLUME V = NULL;
    TDEV D;
    if (!DevOpen(&D, Image)) {
        return STATUS_UNSUCCESSFUL;
    }
    NTSTATUS S = FatMount(&D.Dev, &V);
    if (NT_SUCCESS(S)) {
        FatUnmount(V);
    }
    HT_CHECK(!D.OutOfRange);
    DevClose(&D);
    HT_CHECK_EQ(0, PoolOutstanding);
    return S;
}

HT_TEST(corrupt_boot_sectors_refused)
{
    const char *Base = Img("base32.img"), *Bad = Img("bad32.img");
    const char *Base16 = Img("base16.img");
    unsigned char Zero4[4] = { 0, 0, 0, 0 }, B;
    unsigned short W16;

    MakeImage(Base, "-F 32", 65536);
    MakeImage(Base16, "-F 16", 16384);
#define CORRUPT(base, off, bytes, len, want) do { \
        HT_CHECK_EQ(0, Sh("cp '%s' '%s'", base, Bad)); \
        Poke(Bad, off, bytes, len); \
        HT_CHECK_EQ(want, MountStatus(Bad)); } while (0)

    HT_CHECK_EQ(STATUS_SUCCESS, MountStatus(Base));
    HT_CHECK_EQ(STATUS_SUCCESS, MountStatus(Base16));
    B = 0x54;
    CORRUPT(Base, 510, &B, 1, STATUS_UNRECOGNIZED_VOLUME);         /* signature */
    W16 = 500;
    CORRUPT(Base, 11, &W16, 2, STATUS_UNRECOGNIZED_VOLUME);        /* bytes per sector */
    W16 = 1024;
    CORRUPT(Base, 11, &W16, 2, STATUS_UNRECOGNIZED_VOLUME);        /* not the device's */
    B = 0;
    CORRUPT(Base, 13, &B, 1, STATUS_UNRECOGNIZED_VOLUME);          /* sectors per cluster */
    B = 3;
    CORRUPT(Base, 13, &B, 1, STATUS_UNRECOGNIZED_VOLUME);
    CORRUPT(Base, 36, Zero4, 4, STATUS_UNRECOGNIZED_VOLUME);       /* FAT32 FAT size */
    CORRUPT(Base16, 22, Zero4, 2, STATUS_UNRECOGNIZED_VOLUME);     /* FAT16 FAT size */
    B = 0;
    CORRUPT(Base, 16, &B, 1, STATUS_UNRECOGNIZED_VOLUME);          /* number of FATs */
    CORRUPT(Base, 14, Zero4, 2, STATUS_UNRECOGNIZED_VOLUME);       /* reserved sectors */
    CORRUPT(Base, 0, Zero4, 1, STATUS_UNRECOGNIZED_VOLUME);        /* jump */
    CORRUPT(Base, 32, Zero4, 4, STATUS_UNRECOGNIZED_VOLUME);       /* total sectors */
    W16 = 8;
    CORRUPT(Base, 36, &W16, 2, STATUS_DISK_CORRUPT_ERROR);         /* FAT too small */
    unsigned Root = 0x7FFFFFF;
    CORRUPT(Base, 44, &Root, 4, STATUS_DISK_CORRUPT_ERROR);        /* root cluster */
    CORRUPT(Base, 512, Zero4, 4, STATUS_DISK_CORRUPT_ERROR);       /* FSInfo signature */
    W16 = 40;
    CORRUPT(Base, 48, &W16, 2, STATUS_DISK_CORRUPT_ERROR);         /* FSInfo sector */
    unsigned Big = 0x7FFFFFFF;
    CORRUPT(Base, 32, &Big, 4, STATUS_DISK_CORRUPT_ERROR);         /* bigger than device */
    W16 = 1;
    CORRUPT(Base16, 17, &W16, 2, STATUS_SUCCESS);                  /* tiny root is legal */
    CORRUPT(Base16, 17, Zero4, 2, STATUS_UNRECOGNIZED_VOLUME);     /* no root on FAT16 */

    /* Truncated images: the device is smaller than the BPB claims. */
    HT_CHECK_EQ(0, Sh("cp '%s' '%s' && truncate -s 32M '%s'", Base, Bad, Bad));
    HT_CHECK_EQ(STATUS_DISK_CORRUPT_ERROR, MountStatus(Bad));
    HT_CHECK_EQ(0, Sh("cp '%s' '%s' && truncate -s 8M '%s'", Base16, Bad, Bad));
    HT_CHECK_EQ(STATUS_DISK_CORRUPT_ERROR, MountStatus(Bad));
    HT_CHECK_EQ(0, Sh("truncate -s 256 '%s'", Bad));
    HT_CHECK_EQ(STATUS_INVALID_PARAMETER, MountStatus(Bad));      /* no sector at all */
    HT_CHECK_EQ(0, Sh("truncate -s 512 '%s'", Bad));
    HT_CHECK_EQ(STATUS_UNRECOGNIZED_VOLUME, MountStatus(Bad));
#undef CORRUPT
}

/* Cluster chains that loop or leave the volume must fail cleanly, never hang. */
HT_TEST(corrupt_chains_fail_cleanly)
{
    const char *Image = Img("chain.img");
    static unsigned char Data[20000];
    unsigned char Boot[512], Entry[32];
    TDEV D;
    PFAT_FILE F;
    ULONG Got;

    MakeImage(Image, "-F 16", 16384);
    Pattern(Data, sizeof(Data), 9);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "LOOP.BIN", Data, sizeof(Data)));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "RANGE.BIN", Data, sizeof(Data)));
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "DIRLOOP"));
    for (int i = 0; i < 80; i++) {
        char Name[40];
        snprintf(Name, sizeof(Name), "DIRLOOP\\entry with long name %d", i);
        HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, Name, "x", 1));
    }
    Unmount(&D, V);

    /* Geometry from the boot sector; the root directory follows the FATs. */
    Peek(Image, 0, Boot, 512);
    unsigned Bps = Boot[11] | Boot[12] << 8, Spc = Boot[13], Rsv = Boot[14] | Boot[15] << 8;
    unsigned Fats = Boot[16], FatSz = Boot[22] | Boot[23] << 8;
    long FatOff = (long)Rsv * Bps, RootOff = (long)(Rsv + Fats * FatSz) * Bps;
    unsigned short C1, C2, Link;
    /* LOOP.BIN: its second cluster points back at the first. */
    Peek(Image, RootOff, Entry, 32);
    HT_CHECK(memcmp(Entry, "LOOP    BIN", 11) == 0);
    C1 = Entry[26] | Entry[27] << 8;
    Peek(Image, FatOff + C1 * 2, &C2, 2);
    for (unsigned Copy = 0; Copy < Fats; Copy++) {
        Poke(Image, FatOff + (long)Copy * FatSz * Bps + C2 * 2, &C1, 2);
    }
    /* RANGE.BIN: its first cluster is beyond the volume. */
    Link = 0xFFF0;
    Poke(Image, RootOff + 32 + 26, &Link, 2);
    /* DIRLOOP: its last cluster links back to its first. */
    Peek(Image, RootOff + 64, Entry, 32);
    HT_CHECK(memcmp(Entry, "DIRLOOP    ", 11) == 0);
    C1 = Entry[26] | Entry[27] << 8;
    unsigned short Cur = C1, Next;
    for (int Steps = 0; Steps < 1000; Steps++) {
        Peek(Image, FatOff + Cur * 2, &Next, 2);
        if (Next >= 0xFFF8) {
            break;
        }
        Cur = Next;
    }
    HT_CHECK(Cur != C1);                               /* the directory spans clusters */
    for (unsigned Copy = 0; Copy < Fats; Copy++) {
        Poke(Image, FatOff + (long)Copy * FatSz * Bps + Cur * 2, &C1, 2);
    }
    (void)Spc;

    V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_FILE_CORRUPT_ERROR, TCreate(V, "LOOP.BIN", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_FILE_CORRUPT_ERROR, TCreate(V, "RANGE.BIN", FAT_FILE_OPEN, 0, &F));
    HT_CHECK_EQ(STATUS_FILE_CORRUPT_ERROR, TCreate(V, "DIRLOOP", FAT_FILE_OPEN, 0, &F));
    /* A lookup in the looping directory ends (found before the loop, or not at all). */
    NTSTATUS S = TCreate(V, "DIRLOOP\\no such entry", FAT_FILE_OPEN, 0, &F);
    HT_CHECK(S == STATUS_OBJECT_NAME_NOT_FOUND || S == STATUS_FILE_CORRUPT_ERROR);
    S = TCreate(V, "DIRLOOP\\entry with long name 1", FAT_FILE_OPEN, 0, &F);
    HT_CHECK_EQ(STATUS_SUCCESS, S);
    if (NT_SUCCESS(S)) {
        HT_CHECK_EQ(STATUS_SUCCESS, FatRead(F, 0, BufA, 10, &Got));
        FatClose(F);
    }
    /* Deleting a looping file frees its clusters once and stops. */
    FAT_VOLUME_INFORMATION Before, After;
    FatQueryVolumeInformation(V, &Before);
    S = TDelete(V, "LOOP.BIN");
    HT_CHECK(S == STATUS_SUCCESS || S == STATUS_FILE_CORRUPT_ERROR);
    FatQueryVolumeInformation(V, &After);
    HT_CHECK(After.FreeClusters - Before.FreeClusters <= 2);
    HT_CHECK_EQ(STATUS_FILE_CORRUPT_ERROR, TDelete(V, "RANGE.BIN"));
    Unmount(&D, V);
}

/* Random damage to the metadata: whatever happens, no crash, no hang, no wild request. */
HT_TEST(fuzzed_metadata_never_crashes)
{
    const char *Base = Img("fuzzbase.img"), *Work = Img("fuzz.img");
    unsigned Seed = 12345;
    TDEV D;

    MakeImage(Base, "-F 12", 720);
    HT_CHECK_EQ(0, Sh("mmd -i '%s' ::/dir ::/dir/sub && mcopy -i '%s' /etc/os-release "
                      "'::/dir/sub/a file with a long name.txt' && mcopy -i '%s' /etc/os-release "
                      "::/OS.TXT", Base, Base, Base));
    FILE *Fb = fopen(Base, "rb");
    static unsigned char Image[720 * 1024];
    size_t Length = fread(Image, 1, sizeof(Image), Fb);
    fclose(Fb);
    for (int Round = 0; Round < 300; Round++) {
        static unsigned char Copy[720 * 1024];
        memcpy(Copy, Image, Length);
        int Flips = 1 + Round % 8;
        for (int i = 0; i < Flips; i++) {
            Seed = Seed * 1103515245 + 12345;
            /* Mostly the first 16 KiB: boot sector, FATs, root directory, first clusters. */
            unsigned Where = (Seed >> 8) % (Round % 3 ? 16384 : (unsigned)Length);
            Seed = Seed * 1103515245 + 12345;
            Copy[Where] = (unsigned char)(Seed >> 16);
        }
        FILE *Fw = fopen(Work, "wb");
        fwrite(Copy, 1, Length, Fw);
        fclose(Fw);
        PFAT_VOLUME V = NULL;
        if (!DevOpen(&D, Work)) {
            HT_CHECK(0);
            return;
        }
        if (NT_SUCCESS(FatMount(&D.Dev, &V))) {
            static const char *Paths[] = { "OS.TXT", "dir\\sub\\a file with a long name.txt",
                                           "dir", "dir\\sub", "" };
            for (unsigned p = 0; p < 5; p++) {
                PFAT_FILE F;
                ULONG Got;
                FAT_DIRECTORY_INFORMATION Di;
                if (NT_SUCCESS(TCreate(V, Paths[p], FAT_FILE_OPEN, 0, &F))) {
                    FatRead(F, 0, BufA, 4096, &Got);
                    for (int n = 0; n < 100 && NT_SUCCESS(FatQueryDirectory(F, FALSE, &Di)); n++) {
                    }
                    FatWrite(F, 100, "abc", 3, &Got);
                    FatSetEndOfFile(F, 10);
                    FatClose(F);
                }
            }
            WriteWhole(V, "dir\\new file.txt", BufA, 3000);
            TRename(V, "OS.TXT", "dir\\sub\\moved", TRUE);
            TDelete(V, "dir\\sub\\a file with a long name.txt");
            FatUnmount(V);
        }
        HT_CHECK(!D.OutOfRange);
        DevClose(&D);
        HT_CHECK_EQ(0, PoolOutstanding);
    }
}

/* ------------------------------------------------------------------ crash safety of rename */
static int CopyFileForOom(const char *From, const char *To);
static int CopyFile(const char *From, const char *To)
{
    return Sh("cp '%s' '%s'", From, To) == 0;
}

static int CopyFileForOom(const char *From, const char *To)
{
    return CopyFile(From, To);
}

/* FsckOnlyLeaks - fsck's complaints are limited to lost clusters and the free count. */
static int FsckOnlyLeaks(const char *Image, int *Clean)
{
    char Out[8192], *Line, *Save;
    int Rc = FsckOutput(Image, Out, sizeof(Out)), Ok = 1, Lines = 0;
    if (getenv("FAT_TEST_VERBOSE") != NULL) {
        printf("%s", Out);
    }
    for (Line = strtok_r(Out, "\n", &Save); Line; Line = strtok_r(NULL, "\n", &Save)) {
        Lines++;
        if (strncmp(Line, "fsck.fat", 8) == 0 || strstr(Line, " files, ") ||
            strstr(Line, "Reclaimed") || strstr(Line, "Free cluster summary wrong") ||
            strstr(Line, "Auto-correcting") || strstr(Line, "Leaving filesystem unchanged") ||
            strstr(Line, "FATs differ but appear to be intact") ||
            strstr(Line, "Using first FAT") || Line[0] == 0) {
            continue;
        }
        printf("fsck after crash: %s\n", Line);
        Ok = 0;
    }
    *Clean = Rc == 0 && Lines == 2;
    return Ok;
}

typedef struct _CRASH_CASE {
    const char *Name;
    const char *From, *To;
    BOOLEAN Replace;
} CRASH_CASE;

static void CrashRename(const char *Options, unsigned Kb, const CRASH_CASE *Case)
{
    const char *Base = Img("crashbase.img"), *Work = Img("crash.img");
    static unsigned char Old[3000], New[2500];
    ULONG Got;
    TDEV D;

    MakeImage(Base, Options, Kb);
    Pattern(Old, sizeof(Old), 31);
    Pattern(New, sizeof(New), 32);
    PFAT_VOLUME V = Mount(&D, Base);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    TMkdir(V, "WINDOWS");
    TMkdir(V, "Other");
    for (int i = 0; i < 20; i++) {                    /* some neighbours */
        char Name[40];
        snprintf(Name, sizeof(Name), "WINDOWS\\neighbour %d", i);
        WriteWhole(V, Name, Old, 100);
    }
    if (Case->Replace) {
        WriteWhole(V, Case->To, Old, sizeof(Old));
    }
    WriteWhole(V, Case->From, New, sizeof(New));
    Unmount(&D, V);
    HT_CHECK(FsckClean(Base));

    /* How many sector writes the whole rename takes. */
    CopyFile(Base, Work);
    V = Mount(&D, Work);
    if (V == NULL) {
        HT_CHECK(0);
        return;
    }
    D.Writes = 0;
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, Case->From, Case->To, Case->Replace));
    Unmount(&D, V);
    ULONG Total = D.Writes;
    HT_CHECK(Total > 0 && Total < 100);
    int Unclean = 0;

    for (ULONG Cut = 0; Cut <= Total; Cut++) {
        CopyFile(Base, Work);
        V = Mount(&D, Work);
        if (V == NULL) {
            HT_CHECK(0);
            return;
        }
        D.Budget = (long)Cut;
        TRename(V, Case->From, Case->To, Case->Replace);
        FatUnmount(V);
        DevClose(&D);

        /* After the power cut: the target holds the old or the new data, or (plain rename)
           the file is found under one of its names with the new data. */
        V = Mount(&D, Work);
        if (V == NULL) {
            HT_CHECK(0);
            return;
        }
        NTSTATUS ST = ReadWhole(V, Case->To, BufA, sizeof(BufA), &Got);
        int TargetNew = NT_SUCCESS(ST) && Got == sizeof(New) && !memcmp(BufA, New, sizeof(New));
        int TargetOld = NT_SUCCESS(ST) && Got == sizeof(Old) && !memcmp(BufA, Old, sizeof(Old));
        NTSTATUS SS = ReadWhole(V, Case->From, BufA, sizeof(BufA), &Got);
        int SourceNew = NT_SUCCESS(SS) && Got == sizeof(New) && !memcmp(BufA, New, sizeof(New));
        Unmount(&D, V);
        if (Case->Replace) {
            HT_CHECK(TargetNew || TargetOld);
        } else {
            HT_CHECK(TargetNew || SourceNew);
            HT_CHECK(NT_SUCCESS(ST) ? TargetNew : ST == STATUS_OBJECT_NAME_NOT_FOUND);
        }
        if (Cut == Total) {
            HT_CHECK(TargetNew && SS == STATUS_OBJECT_NAME_NOT_FOUND);
        }
        int Clean;
        HT_CHECK(FsckOnlyLeaks(Work, &Clean));
        Unclean += !Clean;
        if (Cut == Total) {
            HT_CHECK(Clean);
        }
    }
    printf("%s (%s): %u sector writes; fsck reported only leaks after %d of %u cuts\n",
           Case->Name, Options, (unsigned)Total, Unclean, (unsigned)Total + 1);
}

HT_TEST(crash_during_rename_over)
{
    static const CRASH_CASE Over = { "rename-over", "WINDOWS\\TrapFrame.tmp", "WINDOWS\\TrapFrame",
                                     TRUE };
    CrashRename("-F 16 -s 1", 4096, &Over);
    CrashRename("-F 32 -s 1", 33800, &Over);
}

HT_TEST(crash_during_rename_in_place)
{
    static const CRASH_CASE Same = { "same-directory rename", "WINDOWS\\TrapFrame.tmp",
                                     "WINDOWS\\TrapFrame", FALSE };
    CrashRename("-F 16 -s 1", 4096, &Same);
    CrashRename("-F 32 -s 1", 33800, &Same);
}

HT_TEST(crash_during_move)
{
    static const CRASH_CASE Move = { "move to another directory", "WINDOWS\\TrapFrame.tmp",
                                     "Other\\TrapFrame", FALSE };
    CrashRename("-F 16 -s 1", 4096, &Move);
}

/* ------------------------------------------------------------------ out of memory */
/* Every allocation in turn fails once: each call fails cleanly, nothing leaks, fsck is clean. */
HT_TEST(allocation_failures_are_clean)
{
    const char *Base = Img("oombase.img"), *Work = Img("oom.img");
    static unsigned char A[3000];
    int Failures = 0, Tried = 0;
    TDEV D;

    MakeImage(Base, "-F 16", 16384);
    Pattern(A, sizeof(A), 41);
    PFAT_VOLUME V = Mount(&D, Base);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, TMkdir(V, "dir"));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "dir\\old file.txt", A, 1000));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "dir\\victim.txt", A, 100));
    Unmount(&D, V);

    for (long N = 1; N < 200; N++) {
        PFAT_FILE F = NULL;
        ULONG Got;
        int Stop = 0;
        CopyFileForOom(Base, Work);
        if (!DevOpen(&D, Work)) {
            HT_CHECK(0);
            return;
        }
        PoolFailAt = N;
        V = NULL;
        if (NT_SUCCESS(FatMount(&D.Dev, &V))) {
            if (NT_SUCCESS(TCreate(V, "dir\\new long file name.txt", FAT_FILE_OPEN_IF, 0, &F))) {
                FatWrite(F, 0, A, sizeof(A), &Got);
                FatClose(F);
            }
            TMkdir(V, "dir\\sub directory");
            TRename(V, "dir\\old file.txt", "dir\\sub directory\\renamed file.txt", FALSE);
            TRename(V, "dir\\new long file name.txt", "dir\\victim.txt", TRUE);
            TDelete(V, "dir\\victim.txt");
            if (NT_SUCCESS(TCreate(V, "dir", FAT_FILE_OPEN, 0, &F))) {
                FAT_DIRECTORY_INFORMATION Di;
                while (NT_SUCCESS(FatQueryDirectory(F, FALSE, &Di))) {
                }
                FatClose(F);
            }
            Stop = PoolFailAt > 0;          /* nothing failed: every allocation was tried */
            PoolFailAt = 0;
            HT_CHECK_EQ(STATUS_SUCCESS, FatUnmount(V));
        } else {
            Failures++;
        }
        PoolFailAt = 0;
        HT_CHECK(!D.OutOfRange);
        DevClose(&D);
        HT_CHECK_EQ(0, PoolOutstanding);
        HT_CHECK(FsckClean(Work));
        if (Stop) {
            break;
        }
        Tried++;
    }
    printf("allocation failures injected at %d points (%d during mount)\n", Tried, Failures);
    HT_CHECK(Failures > 0 && Tried > 20);
}

/* ------------------------------------------------------------------ two volumes at once */
HT_TEST(two_volumes_mounted)
{
    const char *I1 = Img("v1.img"), *I2 = Img("v2.img");
    TDEV D1, D2;

    MakeImage(I1, "-F 16", 16384);
    MakeImage(I2, "-F 32", 65536);
    PFAT_VOLUME V1 = Mount(&D1, I1), V2 = Mount(&D2, I2);
    HT_CHECK(V1 != NULL && V2 != NULL);
    if (V1 == NULL || V2 == NULL) {
        return;
    }
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V1, "same name.txt", "one", 3));
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V2, "same name.txt", "two!", 4));
    CheckBoth(V1, I1, "same name.txt", "one", 3);
    CheckBoth(V2, I2, "same name.txt", "two!", 4);
    HT_CHECK_EQ(STATUS_SUCCESS, FatUnmount(V1));
    HT_CHECK_EQ(STATUS_SUCCESS, FatUnmount(V2));
    DevClose(&D1);
    DevClose(&D2);
    HT_CHECK_EQ(0, PoolOutstanding);
    HT_CHECK(FsckClean(I1));
    HT_CHECK(FsckClean(I2));
}

/* ------------------------------------------------------------------ randomized model test */
#define R_FILES 48
#define R_DIRS 10
#define R_MAXSIZE 40000

typedef struct { int Used; int Dir; char Name[240]; unsigned char *Data; ULONG Size; } RFILE;
typedef struct { int Used; int Parent; char Name[80]; } RDIR;

static RFILE RF[R_FILES];
static RDIR RD[R_DIRS];
static unsigned RSeed;
static unsigned Rand(void)
{
    RSeed = RSeed * 1103515245u + 12345u;
    return (RSeed >> 8) & 0xFFFFFF;
}

static void DirPath(int Dir, char *Out)
{
    if (Dir == 0) {
        Out[0] = 0;
        return;
    }
    DirPath(RD[Dir].Parent, Out);
    if (Out[0] != 0) {
        strcat(Out, "\\");
    }
    strcat(Out, RD[Dir].Name);
}

static void FilePath(int File, char *Out)
{
    DirPath(RF[File].Dir, Out);
    if (Out[0] != 0) {
        strcat(Out, "\\");
    }
    strcat(Out, RF[File].Name);
}

static int NameTaken(int Dir, const char *Name)
{
    for (int i = 0; i < R_FILES; i++) {
        if (RF[i].Used && RF[i].Dir == Dir && strcasecmp(RF[i].Name, Name) == 0) {
            return 1;
        }
    }
    for (int i = 1; i < R_DIRS; i++) {
        if (RD[i].Used && RD[i].Parent == Dir && strcasecmp(RD[i].Name, Name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void RandomName(int Dir, char *Out)
{
    do {
        unsigned N = Rand() % 1000, Style = Rand() % 8;
        switch (Style) {
        case 0: sprintf(Out, "F%u.TXT", N); break;
        case 1: sprintf(Out, "f%u.dat", N); break;
        case 2: sprintf(Out, "Long file name %u with spaces.data", N); break;
        case 3: sprintf(Out, "MiXeD%u.Txt", N); break;
        case 4: sprintf(Out, "a+b=%u;c,d.e.f", N); break;
        case 5: {
            unsigned K = Rand() % 200 + 1;
            memset(Out, 'x', K);
            sprintf(Out + K, "%u", N);
            break;
        }
        case 6: sprintf(Out, "name%u", N); break;
        default: sprintf(Out, ".dot%u", N); break;
        }
    } while (NameTaken(Dir, Out));
}

static int PickFile(void)
{
    int Start = (int)(Rand() % R_FILES);
    for (int i = 0; i < R_FILES; i++) {
        if (RF[(Start + i) % R_FILES].Used) {
            return (Start + i) % R_FILES;
        }
    }
    return -1;
}

static int PickDir(int AllowRoot)
{
    int Start = (int)(Rand() % R_DIRS);
    for (int i = 0; i < R_DIRS; i++) {
        int D = (Start + i) % R_DIRS;
        if ((D == 0 && AllowRoot) || (D != 0 && RD[D].Used)) {
            return D;
        }
    }
    return 0;
}

static int DirWithin(int Dir, int Ancestor)
{
    for (; Dir != 0; Dir = RD[Dir].Parent) {
        if (Dir == Ancestor) {
            return 1;
        }
    }
    return Ancestor == 0;
}

static int DirHasChildren(int Dir)
{
    for (int i = 0; i < R_FILES; i++) {
        if (RF[i].Used && RF[i].Dir == Dir) {
            return 1;
        }
    }
    for (int i = 1; i < R_DIRS; i++) {
        if (RD[i].Used && RD[i].Parent == Dir) {
            return 1;
        }
    }
    return 0;
}

static void VerifyModel(PFAT_VOLUME V, const char *Image)
{
    char Path[1200];
    for (int i = 0; i < R_FILES; i++) {
        if (RF[i].Used) {
            FilePath(i, Path);
            CheckBoth(V, Image, Path, RF[i].Data, RF[i].Size);
        }
    }
}

static int CompareLines(const void *A, const void *B)
{
    return strcmp(*(char *const *)A, *(char *const *)B);
}

/* ListingMatches - mtools' recursive listing has exactly the model's files and directories. */
static int ListingMatches(const char *Image)
{
    static char Listing[200000], Expected[200000];
    static char *Got[200], *Want[200];
    size_t Length = 0, E = 0;
    int NGot = 0, NWant = 0, Ok = 1;
    char Path[1200];

    if (ShOut((unsigned char *)Listing, sizeof(Listing) - 1, &Length, "mdir -i '%s' -/ -b ::/",
              Image) != 0) {
        return 0;
    }
    Listing[Length] = 0;
    for (char *Save, *L = strtok_r(Listing, "\n", &Save); L && NGot < 200;
         L = strtok_r(NULL, "\n", &Save)) {
        Got[NGot++] = L;
    }
    for (int i = 0; i < R_FILES + R_DIRS; i++) {
        int IsFile = i < R_FILES;
        if (IsFile ? !RF[i].Used : (i - R_FILES == 0 || !RD[i - R_FILES].Used)) {
            continue;
        }
        if (IsFile) {
            FilePath(i, Path);
        } else {
            DirPath(i - R_FILES, Path);
        }
        Want[NWant++] = Expected + E;
        E += (size_t)sprintf(Expected + E, "::/%s%s", Path, IsFile ? "" : "/") + 1;
        for (char *C = Want[NWant - 1]; *C; C++) {
            *C = *C == '\\' ? '/' : *C;
        }
    }
    qsort(Got, (size_t)NGot, sizeof(char *), CompareLines);
    qsort(Want, (size_t)NWant, sizeof(char *), CompareLines);
    if (NGot != NWant) {
        printf("mdir lists %d entries, the model has %d\n", NGot, NWant);
        Ok = 0;
    }
    for (int i = 0; i < NGot && i < NWant; i++) {
        if (strcmp(Got[i], Want[i]) != 0) {
            printf("mdir: '%s' model: '%s'\n", Got[i], Want[i]);
            Ok = 0;
            break;
        }
    }
    return Ok;
}

static void RandomOperations(const char *Options, unsigned Kb, unsigned Operations, unsigned Seed)
{
    const char *Image = Img("random.img");
    static unsigned char Data[8192];
    char Path[1200], Path2[1200], Name[240];
    unsigned Counts[13] = { 0 }, DiskFull = 0;
    PFAT_FILE Held = NULL;                  /* a handle kept open across operations */
    int HeldFile = -1;
    ULONG Got;
    PFAT_FILE F;
    NTSTATUS S;
    TDEV D;

    RSeed = Seed;
    memset(RF, 0, sizeof(RF));
    memset(RD, 0, sizeof(RD));
    RD[0].Used = 1;
    MakeImage(Image, Options, Kb);
    PFAT_VOLUME V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    for (unsigned Op = 0; Op < Operations && !ht_failed_now; Op++) {
        unsigned R = Rand() % 100;
        int Fi = PickFile(), Di;

        if (R < 12 || Fi < 0) {                                 /* create */
            int Slot = -1;
            for (int i = 0; i < R_FILES; i++) {
                if (!RF[i].Used) {
                    Slot = i;
                    break;
                }
            }
            if (Slot < 0) {
                continue;
            }
            Di = PickDir(1);
            if (Fi >= 0 && Rand() % 8 == 0) {
                FilePath(Fi, Path);
                HT_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, TCreate(V, Path, FAT_FILE_CREATE, 0, &F));
            }
            RandomName(Di, Name);
            RF[Slot].Dir = Di;
            strcpy(RF[Slot].Name, Name);
            FilePath(Slot, Path);
            S = TCreate(V, Path, FAT_FILE_CREATE, FAT_NON_DIRECTORY_FILE, &F);
            if (S == STATUS_DISK_FULL) {
                DiskFull++;
                continue;
            }
            HT_CHECK_EQ(STATUS_SUCCESS, S);
            if (NT_SUCCESS(S)) {
                FatClose(F);
                RF[Slot].Used = 1;
                RF[Slot].Size = 0;
                RF[Slot].Data = realloc(RF[Slot].Data, R_MAXSIZE);
            }
            Counts[0]++;
        } else if (R < 40) {                                    /* write */
            ULONG Off = Rand() % (RF[Fi].Size + 3000), Len = Rand() % 5000;
            if (Off + Len > R_MAXSIZE) {
                continue;
            }
            Pattern(Data, Len, Op);
            FilePath(Fi, Path);
            if (Fi == HeldFile) {
                S = FatWrite(Held, Off, Data, Len, &Got);
            } else {
                HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, Path, FAT_FILE_OPEN, 0, &F));
                S = FatWrite(F, Off, Data, Len, &Got);
                FatClose(F);
            }
            if (S == STATUS_DISK_FULL) {
                DiskFull++;
                continue;
            }
            HT_CHECK_EQ(STATUS_SUCCESS, S);
            if (Off > RF[Fi].Size) {
                memset(RF[Fi].Data + RF[Fi].Size, 0, Off - RF[Fi].Size);
            }
            memcpy(RF[Fi].Data + Off, Data, Len);
            if (Len != 0 && Off + Len > RF[Fi].Size) {
                RF[Fi].Size = Off + Len;
            }
            Counts[1]++;
        } else if (R < 50) {                                    /* truncate / extend */
            ULONG Size = Rand() % (RF[Fi].Size * 2 + 2000);
            if (Size > R_MAXSIZE) {
                continue;
            }
            FilePath(Fi, Path);
            if (Fi == HeldFile) {
                S = FatSetEndOfFile(Held, Size);
            } else {
                HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, Path, FAT_FILE_OPEN, 0, &F));
                S = FatSetEndOfFile(F, Size);
                FatClose(F);
            }
            if (S == STATUS_DISK_FULL) {
                DiskFull++;
                continue;
            }
            HT_CHECK_EQ(STATUS_SUCCESS, S);
            if (Size > RF[Fi].Size) {
                memset(RF[Fi].Data + RF[Fi].Size, 0, Size - RF[Fi].Size);
            }
            RF[Fi].Size = Size;
            Counts[2]++;
        } else if (R < 62) {                                    /* read and compare */
            ULONG Off = Rand() % (RF[Fi].Size + 100), Len = Rand() % 6000 + 1;
            static unsigned char Buf[8192];
            FilePath(Fi, Path);
            if (Fi == HeldFile && Rand() % 2) {
                S = FatRead(Held, Off, Buf, Len, &Got);
            } else {
                HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, Path, FAT_FILE_OPEN, 0, &F));
                S = FatRead(F, Off, Buf, Len, &Got);
                FatClose(F);
            }
            if (Off >= RF[Fi].Size) {
                HT_CHECK_EQ(STATUS_END_OF_FILE, S);
            } else {
                ULONG Want = Len < RF[Fi].Size - Off ? Len : RF[Fi].Size - Off;
                HT_CHECK_EQ(STATUS_SUCCESS, S);
                HT_CHECK_EQ(Want, Got);
                HT_CHECK(memcmp(Buf, RF[Fi].Data + Off, Want) == 0);
            }
            Counts[3]++;
        } else if (R < 72) {                                    /* rename a file */
            int Target = -1;
            Di = PickDir(1);
            FilePath(Fi, Path);
            if (Rand() % 3 == 0) {
                Target = PickFile();
                if (Target == Fi) {
                    Target = -1;
                } else {
                    Di = RF[Target].Dir;
                }
            }
            if (Target >= 0) {
                if (HeldFile == Target) {
                    FatClose(Held);
                    HeldFile = -1;
                }
                FilePath(Target, Path2);
                if (Rand() % 4 == 0) {
                    HT_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, TRename(V, Path, Path2, FALSE));
                }
                HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, Path, Path2, TRUE));
                RF[Fi].Dir = Di;
                strcpy(RF[Fi].Name, RF[Target].Name);
                RF[Target].Used = 0;
                Counts[4]++;
            } else {
                RandomName(Di, Name);
                DirPath(Di, Path2);
                if (Path2[0] != 0) {
                    strcat(Path2, "\\");
                }
                strcat(Path2, Name);
                S = TRename(V, Path, Path2, Rand() % 2);
                if (S == STATUS_DISK_FULL) {
                    DiskFull++;
                    continue;
                }
                HT_CHECK_EQ(STATUS_SUCCESS, S);
                RF[Fi].Dir = Di;
                strcpy(RF[Fi].Name, Name);
                Counts[5]++;
            }
        } else if (R < 80) {                                    /* delete a file */
            if (HeldFile == Fi) {
                FatClose(Held);
                HeldFile = -1;
            }
            FilePath(Fi, Path);
            HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, Path));
            RF[Fi].Used = 0;
            Counts[6]++;
        } else if (R < 86) {                                    /* mkdir */
            int Slot = -1;
            for (int i = 1; i < R_DIRS; i++) {
                if (!RD[i].Used) {
                    Slot = i;
                    break;
                }
            }
            if (Slot < 0) {
                continue;
            }
            Di = PickDir(1);
            RandomName(Di, Name);
            Name[60] = 0;
            if (NameTaken(Di, Name)) {
                continue;
            }
            RD[Slot].Parent = Di;
            strcpy(RD[Slot].Name, Name);
            DirPath(Slot, Path);
            S = TMkdir(V, Path);
            if (S == STATUS_DISK_FULL) {
                DiskFull++;
                continue;
            }
            HT_CHECK_EQ(STATUS_SUCCESS, S);
            RD[Slot].Used = 1;
            Counts[7]++;
        } else if (R < 90) {                                    /* rmdir */
            Di = PickDir(0);
            if (Di == 0) {
                continue;
            }
            if (Rand() % 2) {                                  /* empty it first */
                for (int i = 0; i < R_FILES; i++) {
                    if (RF[i].Used && RF[i].Dir == Di) {
                        if (HeldFile == i) {
                            FatClose(Held);
                            HeldFile = -1;
                        }
                        FilePath(i, Path);
                        HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, Path));
                        RF[i].Used = 0;
                    }
                }
            }
            DirPath(Di, Path);
            if (DirHasChildren(Di)) {
                HT_CHECK_EQ(STATUS_DIRECTORY_NOT_EMPTY, TDelete(V, Path));
            } else {
                HT_CHECK_EQ(STATUS_SUCCESS, TDelete(V, Path));
                RD[Di].Used = 0;
                Counts[8]++;
            }
        } else if (R < 93) {                                    /* move a directory */
            int To;
            Di = PickDir(0);
            To = PickDir(1);
            if (Di == 0) {
                continue;
            }
            DirPath(Di, Path);
            RandomName(To, Name);
            Name[60] = 0;
            if (NameTaken(To, Name)) {
                continue;
            }
            DirPath(To, Path2);
            if (Path2[0] != 0) {
                strcat(Path2, "\\");
            }
            strcat(Path2, Name);
            S = TRename(V, Path, Path2, FALSE);
            if (DirWithin(To, Di)) {
                HT_CHECK_EQ(STATUS_INVALID_PARAMETER, S);
                continue;
            }
            if (S == STATUS_DISK_FULL) {
                DiskFull++;
                continue;
            }
            HT_CHECK_EQ(STATUS_SUCCESS, S);
            RD[Di].Parent = To;
            strcpy(RD[Di].Name, Name);
            Counts[9]++;
        } else if (R < 95) {                                    /* flush */
            HT_CHECK_EQ(STATUS_SUCCESS, FatFlush(V));
            Counts[10]++;
        } else if (R < 97) {                                    /* hold a handle */
            if (HeldFile >= 0) {
                FatClose(Held);
            }
            FilePath(Fi, Path);
            HT_CHECK_EQ(STATUS_SUCCESS, TCreate(V, Path, FAT_FILE_OPEN, 0, &Held));
            HeldFile = Fi;
            Counts[12]++;
        } else {                                                /* remount */
            if (HeldFile >= 0) {
                FatClose(Held);
                HeldFile = -1;
            }
            Unmount(&D, V);
            V = Mount(&D, Image);
            HT_CHECK(V != NULL);
            if (V == NULL) {
                return;
            }
            Counts[11]++;
        }
        if (Op % 500 == 499) {
            VerifyModel(V, NULL);
        }
    }
    if (HeldFile >= 0) {
        FatClose(Held);
    }
    Unmount(&D, V);
    printf("%s: %u creates, %u writes, %u truncates, %u reads, %u renames-over, %u renames, "
           "%u deletes, %u mkdirs, %u rmdirs, %u dir moves, %u flushes, %u remounts, "
           "%u held handles, %u disk-full refusals\n", Options, Counts[0], Counts[1], Counts[2], Counts[3],
           Counts[4], Counts[5], Counts[6], Counts[7], Counts[8], Counts[9], Counts[10],
           Counts[11], Counts[12], DiskFull);
    HT_CHECK(FsckClean(Image));
    HT_CHECK(ListingMatches(Image));
    V = Mount(&D, Image);
    HT_CHECK(V != NULL);
    if (V != NULL) {
        VerifyModel(V, Image);
        Unmount(&D, V);
    }
    for (int i = 0; i < R_FILES; i++) {
        free(RF[i].Data);
        RF[i].Data = NULL;
    }
}

HT_TEST(random_operations_fat32) { RandomOperations("-F 32", 65536, 5000, 1); }
HT_TEST(random_operations_fat16) { RandomOperations("-F 16", 16384, 3000, 3); }
HT_TEST(random_operations_fat12_small) { RandomOperations("-F 12 -s 1", 100, 2000, 2); }

HT_MAIN()

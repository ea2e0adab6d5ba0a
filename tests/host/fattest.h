/*
 * fattest.h - what the FAT library host tests (tests/host/test_fat_*.c) share: a pool shim, a
 * file-backed block device that checks every request's bounds and can "lose power" after N
 * sector writes, shell helpers around mkfs.fat, fsck.fat and mtools, and path helpers.
 *
 * Images are made by mkfs.fat in a temporary directory. Whatever the library writes is read back
 * with mtools, whatever mtools writes is read with the library, and `fsck.fat -n` must be silent
 * after every test. Each test_fat_*.c includes this header once and ends with HT_MAIN().
 */
#ifndef NANONT_FATTEST_H
#define NANONT_FATTEST_H

#include "fat.h"
#include "hosttest.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* not every test program uses every helper */
#pragma GCC diagnostic ignored "-Wunused-function"

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

#endif

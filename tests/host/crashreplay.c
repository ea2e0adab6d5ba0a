/*
 * crashreplay.c - crash states of a recorded run, judged on the host (tests/guest/crashreplay.sh,
 * docs/fat.md "Crash consistency, measured").
 *
 *   crashreplay BASE.img WRITES.log [--all] [--samples N] [--fsck-every N] [--seed N]
 *
 * WRITES.log is what QEMU's blklogwrites driver recorded while the kernel ran crashload.exe on a
 * copy of BASE.img (tools/run.sh --write-log): the dm-log-writes format, one entry per guest write
 * (its sectors follow) or flush. A crash state is a disk the power cut could leave:
 *   - every prefix of the log (the drive wrote in order and lost the rest);
 *   - within one flush interval, any subset and order of its writes a volatile drive cache may
 *     lose or reorder: everything up to the last flush, and for each sector written since, its
 *     old value or the value of any one of the writes to it. The sectors of one write may be
 *     split (only single sectors are assumed atomic). --all enumerates every combination of an
 *     interval up to 4096 and samples 4096 of larger ones; the default samples --samples (8).
 * Each state is mounted with the FAT library (the fs/ sources, the kernel's own code built natively) and
 * repaired with FatRepairVolume exactly as the kernel's mount does (io/iomount.c); booting the
 * guest per state would run the same code. Then it must hold that:
 *   - the repair finds no damage (no link to a free cluster, no two chains sharing a cluster,
 *     no loop), and fsck.fat -n of the repaired image is clean (every --fsck-every'th state, and
 *     every state with --all);
 *   - every file under \crash is a whole version or a prefix of one (crashload.c's content
 *     model): no torn, zero or foreign data, so no deleted file back with another file's data;
 *   - \WINDOWS\TrapFrame is absent or a structurally sound record (checksum good): old or new,
 *     never torn; no TrapFrame.rectmp survives the repair.
 * Output: one [FAIL] line per failing state (the first 20), the counts, "N passed, N failed".
 */
#include "fat.h"
#include "rrformat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define CRASH_MAGIC 0x48535243u
#define SECTOR 512u
#define LOG_FLUSH_FLAG 1u
#define LOG_DISCARD_FLAG 4u
#define FULL_LIMIT 4096u

/* ------------------------------------------------------------------ pool shim for fs/ and rr/ */
PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    (void)PoolType; (void)Tag;
    return malloc(NumberOfBytes ? NumberOfBytes : 1);
}

VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    (void)Tag;
    free(P);
}

/* ------------------------------------------------------------------ the log */
typedef struct _LOG_WRITE {
    unsigned long long Sector;
    unsigned Count;
    const unsigned char *Data;
} LOG_WRITE;

static unsigned char *Base, *Current;       /* the image before the run; the replayed state */
static unsigned long long ImageSectors;
static LOG_WRITE *Writes;
static unsigned WriteCount;
static unsigned *FlushAfter;               /* FlushAfter[i]: writes before the i-th flush */
static unsigned FlushCount;

static unsigned char *ReadFile(const char *Path, size_t *Size)
{
    FILE *F = fopen(Path, "rb");
    unsigned char *Data;
    long Length;

    if (F == NULL || fseek(F, 0, SEEK_END) != 0 || (Length = ftell(F)) < 0) {
        fprintf(stderr, "crashreplay: cannot read %s\n", Path);
        exit(2);
    }
    rewind(F);
    Data = malloc((size_t)Length + 1);
    if (Data == NULL || fread(Data, 1, (size_t)Length, F) != (size_t)Length) {
        fprintf(stderr, "crashreplay: cannot read %s\n", Path);
        exit(2);
    }
    fclose(F);
    *Size = (size_t)Length;
    return Data;
}

static unsigned long long Le64(const unsigned char *P)
{
    unsigned long long V = 0;
    for (int i = 7; i >= 0; i--)
        V = V << 8 | P[i];
    return V;
}

/* ParseLog - the dm-log-writes layout: a super block (magic, version, entry count, sector size),
   then per entry one log sector (sector, sector count, flags, data length) and the data. */
static void ParseLog(const unsigned char *Log, size_t Size)
{
    unsigned long long Entries, Offset = SECTOR;

    if (Size < SECTOR || Le64(Log) != 0x6a736677736872ull || Le64(Log + 24) % 0x100000000ull != SECTOR) {
        fprintf(stderr, "crashreplay: not a dm-log-writes log with 512-byte sectors\n");
        exit(2);
    }
    Entries = Le64(Log + 16);
    Writes = calloc(Entries + 1, sizeof(*Writes));
    FlushAfter = calloc(Entries + 1, sizeof(*FlushAfter));
    for (unsigned long long e = 0; e < Entries; e++) {
        if (Offset + SECTOR > Size) {
            fprintf(stderr, "crashreplay: log ends inside entry %llu\n", e);
            exit(2);
        }
        unsigned long long Sector = Le64(Log + Offset), Count = Le64(Log + Offset + 8);
        unsigned long long Flags = Le64(Log + Offset + 16);
        Offset += SECTOR;
        if (Flags & LOG_FLUSH_FLAG)
            FlushAfter[FlushCount++] = WriteCount;
        if (Count == 0 || (Flags & LOG_DISCARD_FLAG))
            continue;
        if (Offset + Count * SECTOR > Size || Sector + Count > ImageSectors) {
            fprintf(stderr, "crashreplay: entry %llu out of range\n", e);
            exit(2);
        }
        Writes[WriteCount].Sector = Sector;
        Writes[WriteCount].Count = (unsigned)Count;
        Writes[WriteCount].Data = Log + Offset;
        WriteCount++;
        Offset += Count * SECTOR;
    }
}

/* ------------------------------------------------------------------ one state as a device */
/* The state is Current plus an overlay of sectors (the interval's chosen writes, then whatever
   the repair writes); Over[s] points at the sector's bytes, Touched lists the overlaid sectors. */
static unsigned char **Over;
static unsigned long long *Touched;
static unsigned TouchedCount, TouchedCap;
static unsigned char *OverPool;
static unsigned OverUsed, OverCap;

static void OverlaySet(unsigned long long Sector, const unsigned char *Data)
{
    if (Over[Sector] == NULL) {
        if (OverUsed == OverCap || TouchedCount == TouchedCap) {
            fprintf(stderr, "crashreplay: overlay full\n");
            exit(2);
        }
        Over[Sector] = OverPool + (size_t)OverUsed++ * SECTOR;
        Touched[TouchedCount++] = Sector;
    }
    memcpy(Over[Sector], Data, SECTOR);
}

static void OverlayClear(void)
{
    for (unsigned i = 0; i < TouchedCount; i++)
        Over[Touched[i]] = NULL;
    TouchedCount = 0;
    OverUsed = 0;
}

static NTSTATUS StateRead(PVOID Context, ULONG Lba, ULONG Count, PVOID Buffer)
{
    (void)Context;
    for (ULONG i = 0; i < Count; i++) {
        unsigned long long S = (unsigned long long)Lba + i;
        memcpy((unsigned char *)Buffer + i * SECTOR, Over[S] ? Over[S] : Current + S * SECTOR, SECTOR);
    }
    return STATUS_SUCCESS;
}

static NTSTATUS StateWrite(PVOID Context, ULONG Lba, ULONG Count, const VOID *Buffer)
{
    (void)Context;
    for (ULONG i = 0; i < Count; i++)
        OverlaySet((unsigned long long)Lba + i, (const unsigned char *)Buffer + i * SECTOR);
    return STATUS_SUCCESS;
}

static NTSTATUS StateFlush(PVOID Context)
{
    (void)Context;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ the checks */
static char Why[1024];
static unsigned char FileBuffer[4u << 20];

static ULONG CrashWord(ULONG Seed, ULONG Offset)
{
    ULONG x = Seed * 0x9E3779B1u ^ Offset * 0x85EBCA77u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return Offset == 0 ? CRASH_MAGIC : Offset == 4 ? Seed : x;
}

static void Ascii(const WCHAR *S, ULONG N, char *Out)
{
    for (ULONG i = 0; i < N; i++)
        Out[i] = S[i] < 128 ? (char)S[i] : '?';
    Out[N] = 0;
}

static NTSTATUS ReadAll(PFAT_VOLUME V, const WCHAR *Path, ULONG Length, PULONG Size)
{
    PFAT_FILE F;
    FAT_FILE_INFORMATION I;
    ULONG Got = 0;
    NTSTATUS S = FatOpen(V, Path, Length, FAT_NON_DIRECTORY_FILE, &F);
    if (!NT_SUCCESS(S))
        return S;
    FatQueryInformation(F, &I);
    *Size = I.FileSize;
    if (I.FileSize > sizeof(FileBuffer))
        S = STATUS_BUFFER_OVERFLOW;
    else if (I.FileSize != 0)
        S = FatRead(F, 0, FileBuffer, I.FileSize, &Got);
    if (NT_SUCCESS(S) && Got != I.FileSize)
        S = STATUS_END_OF_FILE;
    FatClose(F);
    return S;
}

/* CheckVersionFile - whole version or a prefix of one (crashload.c). */
static int CheckVersionFile(PFAT_VOLUME V, const WCHAR *Path, ULONG Length, const char *Name)
{
    ULONG Size;
    NTSTATUS S = ReadAll(V, Path, Length, &Size);
    if (!NT_SUCCESS(S)) {
        snprintf(Why, sizeof(Why), "%s: read failed 0x%08X", Name, (unsigned)S);
        return 0;
    }
    if (Size == 0)
        return 1;
    if (Size < 8 || Size % 4 != 0) {
        snprintf(Why, sizeof(Why), "%s: size %u is no version's", Name, (unsigned)Size);
        return 0;
    }
    ULONG Seed = FileBuffer[4] | FileBuffer[5] << 8 | FileBuffer[6] << 16 | (ULONG)FileBuffer[7] << 24;
    for (ULONG o = 0; o < Size; o += 4) {
        ULONG W = FileBuffer[o] | FileBuffer[o + 1] << 8 | FileBuffer[o + 2] << 16 |
                  (ULONG)FileBuffer[o + 3] << 24;
        if (W != CrashWord(Seed, o)) {
            snprintf(Why, sizeof(Why), "%s (%u bytes, seed %u): torn or foreign data at offset %u",
                     Name, (unsigned)Size, (unsigned)Seed, (unsigned)o);
            return 0;
        }
    }
    return 1;
}

/* CheckTree - every file below Dir (a path of DirLength units) by the content model. The
   directory is listed first and closed, then its entries are judged. */
static int CheckTree(PFAT_VOLUME V, WCHAR *Path, ULONG DirLength, int Depth)
{
    enum { MAX_ENTRIES = 64 };
    FAT_DIRECTORY_INFORMATION *I = malloc(sizeof(*I) * MAX_ENTRIES);
    ULONG Count = 0;
    char Name[600];
    int Ok = 1;
    PFAT_FILE D;
    NTSTATUS S = FatOpen(V, Path, DirLength, FAT_DIRECTORY_FILE, &D);

    if (!NT_SUCCESS(S)) {
        free(I);
        if (S == STATUS_OBJECT_NAME_NOT_FOUND && Depth == 0)
            return 1;                           /* before the run made \crash */
        snprintf(Why, sizeof(Why), "open of a directory failed 0x%08X", (unsigned)S);
        return 0;
    }
    for (BOOLEAN Restart = TRUE; Count < MAX_ENTRIES; Restart = FALSE) {
        S = FatQueryDirectory(D, Restart, &I[Count]);
        if (S == STATUS_NO_MORE_FILES)
            break;
        if (!NT_SUCCESS(S)) {
            snprintf(Why, sizeof(Why), "directory listing failed 0x%08X", (unsigned)S);
            Ok = 0;
            break;
        }
        Count++;
    }
    FatClose(D);
    for (ULONG e = 0; Ok && e < Count; e++) {
        ULONG L = DirLength;
        Path[L++] = '\\';
        memcpy(Path + L, I[e].FileName, I[e].FileNameLength * sizeof(WCHAR));
        L += I[e].FileNameLength;
        Ascii(Path, L, Name);
        if (I[e].Attributes & FAT_ATTR_DIRECTORY) {
            if (Depth >= 8) {
                snprintf(Why, sizeof(Why), "%s: too deep", Name);
                Ok = 0;
            } else {
                Ok = CheckTree(V, Path, L, Depth + 1);
            }
        } else {
            Ok = CheckVersionFile(V, Path, L, Name);
        }
    }
    free(I);
    return Ok;
}

/* DirectoryClusters - the first clusters of the directories below Path (depth-first). */
static void DirectoryClusters(PFAT_VOLUME V, WCHAR *Path, ULONG Length, ULONG *Out, ULONG *Count, int Depth)
{
    FAT_DIRECTORY_INFORMATION I;
    PFAT_FILE D;
    ULONG Found[32], N = 0;
    WCHAR Names[32][64];
    ULONG NameLength[32];

    if (Depth > 6 || !NT_SUCCESS(FatOpen(V, Path, Length, FAT_DIRECTORY_FILE, &D)))
        return;
    for (BOOLEAN R = TRUE; N < 32 && NT_SUCCESS(FatQueryDirectory(D, R, &I)); R = FALSE)
        if ((I.Attributes & FAT_ATTR_DIRECTORY) && I.FileNameLength < 64) {
            Found[N] = I.FirstCluster;
            memcpy(Names[N], I.FileName, I.FileNameLength * sizeof(WCHAR));
            NameLength[N++] = I.FileNameLength;
        }
    FatClose(D);
    for (ULONG e = 0; e < N && *Count < 256; e++) {
        Out[(*Count)++] = Found[e];
        Path[Length] = '\\';
        memcpy(Path + Length + 1, Names[e], NameLength[e] * sizeof(WCHAR));
        DirectoryClusters(V, Path, Length + 1 + NameLength[e], Out, Count, Depth + 1);
    }
}

/* InDirectoryMoveWindow - two directory entries name the same directory: the window of a
   directory move that docs/fat.md documents (the new entry written, the old one not yet gone). */
static int InDirectoryMoveWindow(PFAT_VOLUME V)
{
    WCHAR Path[1100] = u"\\crash";
    ULONG Clusters[256], Count = 0;

    DirectoryClusters(V, Path, 6, Clusters, &Count, 0);
    for (ULONG i = 0; i < Count; i++)
        for (ULONG j = i + 1; j < Count; j++)
            if (Clusters[i] == Clusters[j] && Clusters[i] != 0)
                return 1;
    return 0;
}

static int KnownWindow;

/* CheckState - mount, repair, judge (see the file comment). FsckImage: also run fsck.fat -n
   on the repaired image, through the mirror file MirrorFd (Current on disk). */
static int MirrorFd = -1;
static const char *MirrorPath;

static int Fsck(void)
{
    unsigned char Sector[SECTOR];
    char Command[1024], Out[4096];
    size_t N = 0;
    FILE *P;
    int Rc;

    for (unsigned i = 0; i < TouchedCount; i++)
        if (pwrite(MirrorFd, Over[Touched[i]], SECTOR, (off_t)(Touched[i] * SECTOR)) != SECTOR)
            return 0;
    snprintf(Command, sizeof(Command), "fsck.fat -n '%s' 2>&1", MirrorPath);
    P = popen(Command, "r");
    if (P != NULL) {
        N = fread(Out, 1, sizeof(Out) - 1, P);
        Rc = pclose(P);
    } else {
        Rc = -1;
    }
    Out[N] = 0;
    for (unsigned i = 0; i < TouchedCount; i++) {
        memcpy(Sector, Current + Touched[i] * SECTOR, SECTOR);
        if (pwrite(MirrorFd, Sector, SECTOR, (off_t)(Touched[i] * SECTOR)) != SECTOR)
            return 0;
    }
    if (Rc != 0) {
        for (char *c = Out; *c; c++)
            if (*c == '\n')
                *c = ' ';
        snprintf(Why, sizeof(Why), "fsck.fat -n after the repair: %.400s", Out);
        return 0;
    }
    return 1;
}

static int CheckState(int RunFsck)
{
    static const WCHAR Crash[] = u"\\crash", Trap[] = u"\\WINDOWS\\TrapFrame",
                       Temp[] = u"\\WINDOWS\\TrapFrame.rectmp";
    FAT_BLOCK_DEVICE Device = { NULL, SECTOR, (ULONG)ImageSectors, StateRead, StateWrite, StateFlush };
    FAT_REPAIR_INFORMATION Repair;
    PFAT_VOLUME V;
    WCHAR Path[1100];
    ULONG Size;
    int Ok = 1;
    NTSTATUS S;

    Why[0] = 0;
    S = FatMount(&Device, &V);
    if (!NT_SUCCESS(S)) {
        snprintf(Why, sizeof(Why), "mount failed 0x%08X", (unsigned)S);
        return 0;
    }
    memset(&Repair, 0, sizeof(Repair));
    S = FatRepairVolume(V, u".rectmp", &Repair);
    if (Repair.TreeDamaged && InDirectoryMoveWindow(V)) {
        KnownWindow = 1;
        FatUnmount(V);
        return 1;
    }
    if (!NT_SUCCESS(S) || Repair.TreeDamaged) {
        snprintf(Why, sizeof(Why), "mount-time repair: 0x%08X%s", (unsigned)S,
                 Repair.TreeDamaged ? " (damaged tree: a link to a free cluster, a shared cluster or a loop)" : "");
        Ok = 0;
    }
    if (Ok) {
        memcpy(Path, Crash, sizeof(Crash));
        Ok = CheckTree(V, Path, 6, 0);
    }
    if (Ok) {
        S = ReadAll(V, Trap, 18, &Size);
        if (NT_SUCCESS(S) && RrQueryTrapRecordGeneration(FileBuffer, Size) == 0) {
            snprintf(Why, sizeof(Why), "TrapFrame (%u bytes) is not a whole record", (unsigned)Size);
            Ok = 0;
        } else if (!NT_SUCCESS(S) && S != STATUS_OBJECT_NAME_NOT_FOUND) {
            snprintf(Why, sizeof(Why), "TrapFrame unreadable: 0x%08X", (unsigned)S);
            Ok = 0;
        }
    }
    if (Ok && NT_SUCCESS(ReadAll(V, Temp, 25, &Size))) {
        snprintf(Why, sizeof(Why), "TrapFrame.rectmp survived the repair");
        Ok = 0;
    }
    S = FatUnmount(V);
    if (Ok && !NT_SUCCESS(S)) {
        snprintf(Why, sizeof(Why), "unmount after the repair: 0x%08X", (unsigned)S);
        Ok = 0;
    }
    if (Ok && RunFsck)
        Ok = Fsck();
    return Ok;
}

/* ------------------------------------------------------------------ enumeration */
static unsigned Passed, Failed, WindowStates, PrefixStates, ReorderedStates, FsckRuns;
static unsigned FsckEvery = 8, Samples = 8;
static int All;
static unsigned long long Rng = 0x9E3779B97F4A7C15ull;

static unsigned Random(unsigned Bound)
{
    Rng ^= Rng << 13;
    Rng ^= Rng >> 7;
    Rng ^= Rng << 17;
    return (unsigned)(Rng % Bound);
}

static void Judge(const char *What, unsigned A, unsigned B)
{
    unsigned Index = PrefixStates + ReorderedStates;
    int RunFsck = MirrorFd >= 0 && (All || Index % FsckEvery == 0);
    if (RunFsck)
        FsckRuns++;
    KnownWindow = 0;
    if (CheckState(RunFsck)) {
        Passed++;
        if (KnownWindow) {
            WindowStates++;
            if (WindowStates == 1)
                printf("[OK] %s %u/%u: in the documented directory-move window (both entries name the "
                       "moved directory; fsck.fat would report shared clusters)\n", What, A, B);
        }
    } else {
        if (Failed < 20)
            printf("[FAIL] %s %u/%u: %s\n", What, A, B, Why);
        Failed++;
    }
    OverlayClear();
}

static unsigned char **OldData;            /* OldData[w]: the sectors write w overwrote */

static void ApplyToCurrent(unsigned W)
{
    if (OldData[W] == NULL) {
        OldData[W] = malloc((size_t)Writes[W].Count * SECTOR);
        memcpy(OldData[W], Current + Writes[W].Sector * SECTOR, (size_t)Writes[W].Count * SECTOR);
    }
    memcpy(Current + Writes[W].Sector * SECTOR, Writes[W].Data, (size_t)Writes[W].Count * SECTOR);
    if (MirrorFd >= 0 &&
        pwrite(MirrorFd, Writes[W].Data, (size_t)Writes[W].Count * SECTOR,
               (off_t)(Writes[W].Sector * SECTOR)) != (ssize_t)(Writes[W].Count * SECTOR)) {
        fprintf(stderr, "crashreplay: mirror write failed\n");
        exit(2);
    }
}

/* UndoInterval - take writes [First, End) out of Current (and the mirror), newest first. */
static void UndoInterval(unsigned First, unsigned End)
{
    for (unsigned k = End; k-- > First;) {
        size_t Bytes = (size_t)Writes[k].Count * SECTOR;
        memcpy(Current + Writes[k].Sector * SECTOR, OldData[k], Bytes);
        if (MirrorFd >= 0 && pwrite(MirrorFd, OldData[k], Bytes, (off_t)(Writes[k].Sector * SECTOR)) != (ssize_t)Bytes) {
            fprintf(stderr, "crashreplay: mirror write failed\n");
            exit(2);
        }
    }
}

/* The distinct sectors of writes [First, End) and, per sector, the writes that carry it. */
typedef struct _SECTOR_CHOICE {
    unsigned long long Sector;
    unsigned Count;               /* writes to it in the interval */
    const unsigned char *Data[64];
} SECTOR_CHOICE;

static SECTOR_CHOICE *Choices;
static unsigned ChoiceCount;

static void CollectInterval(unsigned First, unsigned End)
{
    ChoiceCount = 0;
    for (unsigned w = First; w < End; w++) {
        for (unsigned i = 0; i < Writes[w].Count; i++) {
            unsigned long long S = Writes[w].Sector + i;
            unsigned c = 0;
            while (c < ChoiceCount && Choices[c].Sector != S)
                c++;
            if (c == ChoiceCount) {
                Choices[c].Sector = S;
                Choices[c].Count = 0;
                ChoiceCount++;
            }
            if (Choices[c].Count < 64)
                Choices[c].Data[Choices[c].Count++] = Writes[w].Data + (size_t)i * SECTOR;
        }
    }
}

/* One reordered state: Pick[c] = 0 keeps sector c's old value, k > 0 the k-th write's. */
static void JudgePick(const unsigned *Pick, unsigned Interval, unsigned Number)
{
    for (unsigned c = 0; c < ChoiceCount; c++)
        if (Pick[c] != 0)
            OverlaySet(Choices[c].Sector, Choices[c].Data[Pick[c] - 1]);
    ReorderedStates++;
    Judge("reordered state of flush interval", Interval, Number);
}

static void Reorder(unsigned First, unsigned End, unsigned Interval)
{
    unsigned *Pick;
    double Total = 1;

    CollectInterval(First, End);
    if (ChoiceCount == 0)
        return;
    Pick = calloc(ChoiceCount, sizeof(*Pick));
    for (unsigned c = 0; c < ChoiceCount; c++)
        Total *= Choices[c].Count + 1;
    if (All && Total <= FULL_LIMIT) {
        /* every combination, as a mixed-radix counter */
        for (unsigned n = 0; ; n++) {
            JudgePick(Pick, Interval, n);
            unsigned c = 0;
            while (c < ChoiceCount && ++Pick[c] > Choices[c].Count)
                Pick[c++] = 0;
            if (c == ChoiceCount)
                break;
        }
    } else {
        unsigned Count = All ? FULL_LIMIT : Samples;
        for (unsigned n = 0; n < Count; n++) {
            for (unsigned c = 0; c < ChoiceCount; c++)
                Pick[c] = Random(Choices[c].Count + 1);
            JudgePick(Pick, Interval, n);
        }
    }
    free(Pick);
}

int main(int argc, char **argv)
{
    size_t BaseSize, LogSize;
    unsigned char *Log;

    if (argc < 3) {
        fprintf(stderr, "usage: crashreplay BASE.img WRITES.log [--all] [--samples N] "
                        "[--fsck-every N] [--seed N] [--mirror FILE]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            All = 1;
        else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            Samples = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--fsck-every") == 0 && i + 1 < argc)
            FsckEvery = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            Rng = strtoull(argv[++i], NULL, 0) | 1;
        else if (strcmp(argv[i], "--mirror") == 0 && i + 1 < argc)
            MirrorPath = argv[++i];
        else {
            fprintf(stderr, "crashreplay: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (FsckEvery == 0)
        FsckEvery = 1;
    Base = ReadFile(argv[1], &BaseSize);
    ImageSectors = BaseSize / SECTOR;
    Current = malloc(BaseSize);
    memcpy(Current, Base, BaseSize);
    Log = ReadFile(argv[2], &LogSize);
    ParseLog(Log, LogSize);
    Over = calloc(ImageSectors, sizeof(*Over));
    TouchedCap = OverCap = 65536;
    Touched = calloc(TouchedCap, sizeof(*Touched));
    OverPool = malloc((size_t)OverCap * SECTOR);
    Choices = calloc(65536, sizeof(*Choices));
    OldData = calloc(WriteCount + 1, sizeof(*OldData));
    if (MirrorPath != NULL) {
        /* the fsck image: Current on disk, with each state's overlay written in and taken out */
        MirrorFd = open(MirrorPath, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (MirrorFd < 0 || pwrite(MirrorFd, Current, BaseSize, 0) != (ssize_t)BaseSize) {
            fprintf(stderr, "crashreplay: cannot write %s\n", MirrorPath);
            return 2;
        }
    }
    printf("crashreplay: %u writes, %u flushes in the log\n", WriteCount, FlushCount);

    /* Walk the log: the prefix state before each write, and at each flush interval's end the
       reordered states of that interval. */
    unsigned Interval = 0, IntervalStart = 0, NextFlush = 0;
    for (unsigned w = 0; w <= WriteCount; w++) {
        while (NextFlush < FlushCount && FlushAfter[NextFlush] == w) {
            /* Current holds writes [0, w); the interval [IntervalStart, w) ends here. Its
               reordered states need Current without it. */
            if (w - IntervalStart > 1) {
                UndoInterval(IntervalStart, w);
                Reorder(IntervalStart, w, Interval);
                for (unsigned k = IntervalStart; k < w; k++)
                    ApplyToCurrent(k);
            }
            Interval++;
            IntervalStart = w;
            NextFlush++;
        }
        PrefixStates++;
        Judge("prefix of the log, writes", w, WriteCount);
        if (w < WriteCount)
            ApplyToCurrent(w);
    }
    printf("crashreplay: %u crash states checked: %u prefixes, %u reordered within %u flush "
           "intervals; fsck.fat -n on %u repaired images\n",
           PrefixStates + ReorderedStates, PrefixStates, ReorderedStates, Interval, FsckRuns);
    printf("crashreplay: %u state(s) in the documented directory-move window\n", WindowStates);
    if (Failed == 0)
        printf("[OK] every crash state mounts, repairs clean and holds whole versions only\n");
    printf("%u passed, %u failed\n", Passed, Failed);
    return Failed == 0 ? 0 : 1;
}

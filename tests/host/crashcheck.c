/*
 * crashcheck.c - one crash state of the replay (tests/host/crashreplay.c) mounted, repaired and
 * judged with the FAT library: the fs/ sources, the kernel's own code built natively, and the
 * same FatRepairVolume call as the kernel's mount (io/iomount.c). What must hold:
 *   - the repair finds no damage (no link to a free cluster, no two chains sharing a cluster,
 *     no loop), and fsck.fat -n of the repaired image is clean (where the caller asks);
 *   - every directory under \crash has one entry;
 *   - every file under \crash is a whole version or a prefix of one (crashload.c's content
 *     model): no torn, zero or foreign data, so no deleted file back with another file's data;
 *   - \WINDOWS\TrapFrame is absent or a structurally sound record (checksum good): old or new,
 *     never torn; no TrapFrame.rectmp survives the repair.
 */
#include "fat.h"
#include "rrformat.h"
#include "crashreplay.h"
#include "../guest/crashword.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#define SECTOR CRASH_SECTOR

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

/* ------------------------------------------------------------------ the state as a device */
unsigned char *Current;
unsigned long long ImageSectors;
static unsigned char **Over;                /* Over[s]: the overlaid bytes of sector s, or NULL */
static unsigned long long *Touched;         /* the overlaid sectors */
static unsigned TouchedCount;
static unsigned char *OverPool;
#define OVERLAY_CAP 65536u

void OverlaySetup(void)
{
    Over = calloc(ImageSectors, sizeof(*Over));
    Touched = calloc(OVERLAY_CAP, sizeof(*Touched));
    OverPool = malloc((size_t)OVERLAY_CAP * SECTOR);
    if (Over == NULL || Touched == NULL || OverPool == NULL) {
        fprintf(stderr, "crashreplay: out of memory\n");
        exit(2);
    }
}

void OverlaySet(unsigned long long Sector, const unsigned char *Data)
{
    if (Over[Sector] == NULL) {
        if (TouchedCount == OVERLAY_CAP) {
            fprintf(stderr, "crashreplay: overlay full\n");
            exit(2);
        }
        Over[Sector] = OverPool + (size_t)TouchedCount * SECTOR;
        Touched[TouchedCount++] = Sector;
    }
    memcpy(Over[Sector], Data, SECTOR);
}

void OverlayClear(void)
{
    for (unsigned i = 0; i < TouchedCount; i++)
        Over[Touched[i]] = NULL;
    TouchedCount = 0;
}

static const unsigned char *StateSector(unsigned long long S)
{
    return Over[S] ? Over[S] : Current + S * SECTOR;
}

static NTSTATUS StateRead(PVOID Context, ULONG Lba, ULONG Count, PVOID Buffer)
{
    (void)Context;
    for (ULONG i = 0; i < Count; i++)
        memcpy((unsigned char *)Buffer + i * SECTOR, StateSector((unsigned long long)Lba + i), SECTOR);
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
char CheckWhy[1024];
#define Why CheckWhy
static unsigned char FileBuffer[4u << 20];

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

static ULONG Directories[256], DirectoryCount;   /* first clusters of the directories seen */

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
            for (ULONG d = 0; d < DirectoryCount; d++)
                if (Directories[d] == I[e].FirstCluster) {
                    snprintf(Why, sizeof(Why), "%s: a second entry of a directory", Name);
                    Ok = 0;
                }
            if (DirectoryCount < 256)
                Directories[DirectoryCount++] = I[e].FirstCluster;
            if (!Ok) {
            } else if (Depth >= 8) {
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


/* ------------------------------------------------------------------ what fsck.fat reads */
/* fsck.fat -n reads the boot and reserved sectors, the FATs and every directory cluster; never
   file data. MetadataKey hashes the overlaid sectors among those (FAT32 only: the system disk). */
static unsigned char *IsDirSector;          /* one byte per sector, set for directory sectors */
static unsigned long long *DirSectors;
static unsigned DirSectorCount;

static unsigned long long Mix(unsigned long long X)
{
    X ^= X >> 33;
    X *= 0xFF51AFD7ED558CCDull;
    X ^= X >> 33;
    X *= 0xC4CEB9FE1A85EC53ull;
    return X ^ (X >> 33);
}

static unsigned long long SectorHash(unsigned long long S, const unsigned char *Data)
{
    unsigned long long H = Mix(S + 1);
    for (unsigned i = 0; i < SECTOR; i += 8) {
        unsigned long long W;
        memcpy(&W, Data + i, 8);
        H = Mix(H ^ W) + i;
    }
    return H;
}

static unsigned Le16(const unsigned char *P) { return P[0] | P[1] << 8; }
static unsigned Le32(const unsigned char *P) { return P[0] | P[1] << 8 | P[2] << 16 | (unsigned)P[3] << 24; }

/* MarkDirectories - set IsDirSector for every sector of every directory reached from the root
   of the state as fsck.fat walks it (entries with the directory attribute, '.'/'..' skipped);
   chains and the number of directories are bounded. */
static void MarkDirectories(void)
{
    const unsigned char *Boot = StateSector(0);
    unsigned Reserved = Le16(Boot + 14), Fats = Boot[16], Spc = Boot[13];
    unsigned FatSize = Le32(Boot + 36), Root = Le32(Boot + 44);
    unsigned long long FirstData = Reserved + (unsigned long long)Fats * FatSize;
    unsigned long long Clusters = (ImageSectors - FirstData) / (Spc ? Spc : 1);
    unsigned Stack[512], Depth = 0, Visited = 0;

    if (IsDirSector == NULL) {
        IsDirSector = calloc(ImageSectors, 1);
        DirSectors = calloc(OVERLAY_CAP, sizeof(*DirSectors));
    }
    Stack[Depth++] = Root;
    while (Depth != 0 && Visited < 4096) {
        unsigned Cluster = Stack[--Depth];
        for (unsigned Steps = 0; Cluster >= 2 && Cluster - 2 < Clusters && Steps < 4096; Steps++) {
            unsigned long long First = FirstData + (unsigned long long)(Cluster - 2) * Spc;
            int End = 0;
            Visited++;
            for (unsigned s = 0; s < Spc && !End; s++) {
                const unsigned char *Data = StateSector(First + s);
                if (IsDirSector[First + s] || DirSectorCount == OVERLAY_CAP)
                    return;                         /* a loop: fsck.fat will say so */
                IsDirSector[First + s] = 1;
                DirSectors[DirSectorCount++] = First + s;
                for (unsigned e = 0; e < SECTOR; e += 32) {
                    const unsigned char *D = Data + e;
                    if (D[0] == 0) {
                        End = 1;
                        break;
                    }
                    if (D[0] == 0xE5 || D[11] == 0x0F || (D[11] & 0x08) || D[0] == '.' || !(D[11] & 0x10))
                        continue;
                    if (Depth < 512)
                        Stack[Depth++] = Le16(D + 20) << 16 | Le16(D + 26);
                }
            }
            if (End)
                break;
            const unsigned char *Fat = StateSector(Reserved + Cluster * 4ull / SECTOR);
            Cluster = Le32(Fat + Cluster * 4u % SECTOR) & 0x0FFFFFFF;
        }
    }
}

static unsigned long long MetadataKey(void)
{
    const unsigned char *Boot = StateSector(0);
    unsigned long long FirstData = Le16(Boot + 14) + (unsigned long long)Boot[16] * Le32(Boot + 36);
    unsigned long long Key = 0;

    MarkDirectories();
    for (unsigned i = 0; i < TouchedCount; i++) {
        unsigned long long S = Touched[i];
        if (S < FirstData || IsDirSector[S])
            Key += SectorHash(S, Over[S]);      /* a sum: the order of the overlay does not matter */
    }
    for (unsigned i = 0; i < DirSectorCount; i++)
        IsDirSector[DirSectors[i]] = 0;
    DirSectorCount = 0;
    return Key;
}

/* ------------------------------------------------------------------ fsck.fat */
static int MirrorFd = -1;
static const char *MirrorPath;

int FsckOpenMirror(const char *Path)
{
    MirrorPath = Path;
    MirrorFd = open(Path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (MirrorFd < 0)
        return 0;
    FsckMirrorWrite(0, Current, (unsigned)ImageSectors);
    return 1;
}

void FsckMirrorWrite(unsigned long long Sector, const unsigned char *Data, unsigned Count)
{
    size_t Bytes = (size_t)Count * SECTOR;
    if (MirrorFd >= 0 && pwrite(MirrorFd, Data, Bytes, (off_t)(Sector * SECTOR)) != (ssize_t)Bytes) {
        fprintf(stderr, "crashreplay: mirror write failed\n");
        exit(2);
    }
}

int Fsck(void)
{
    char Command[1024], Out[4096];
    size_t N = 0;
    FILE *P;
    int Rc;

    for (unsigned i = 0; i < TouchedCount; i++)
        FsckMirrorWrite(Touched[i], Over[Touched[i]], 1);
    snprintf(Command, sizeof(Command), "fsck.fat -n '%s' 2>&1", MirrorPath);
    P = popen(Command, "r");
    if (P != NULL) {
        N = fread(Out, 1, sizeof(Out) - 1, P);
        Rc = pclose(P);
    } else {
        Rc = -1;
    }
    Out[N] = 0;
    for (unsigned i = 0; i < TouchedCount; i++)
        FsckMirrorWrite(Touched[i], Current + Touched[i] * SECTOR, 1);
    if (Rc != 0) {
        for (char *c = Out; *c; c++)
            if (*c == '\n')
                *c = ' ';
        snprintf(Why, sizeof(Why), "fsck.fat -n after the repair: %.400s", Out);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------------ one state */
int CheckState(unsigned long long *Key)
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
    if (!NT_SUCCESS(S) || Repair.TreeDamaged) {
        snprintf(Why, sizeof(Why), "mount-time repair: 0x%08X%s", (unsigned)S,
                 Repair.TreeDamaged ? " (damaged tree: a link to a free cluster, a shared cluster or a loop)" : "");
        Ok = 0;
    }
    if (Ok) {
        memcpy(Path, Crash, sizeof(Crash));
        DirectoryCount = 0;
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
    if (Ok && Key != NULL)
        *Key = MetadataKey();
    return Ok;
}

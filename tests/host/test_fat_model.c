/*
 * test_fat_model.c - host tests of the FAT library (fs/fat*.c): long random sequences of operations checked against a
 * model of the tree and against mtools and fsck.fat.
 * Shared helpers and how images are made and checked: tests/host/fattest.h.
 */
#include "fattest.h"

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

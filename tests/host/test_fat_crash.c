/*
 * test_fat_crash.c - host tests of the FAT library (fs/fat*.c): a power cut at every sector write of a rename leaves the
 * old or the new file, and allocation failures at every point are clean.
 * Shared helpers and how images are made and checked: tests/host/fattest.h.
 */
#include "fattest.h"

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

/* A directory moved to another directory and then renamed in place to a longer name (two
   entries name it between the writes of the new entry and the removal of the old one): after a
   power cut at every sector write and the mount-time repair, it is found under exactly one of
   its names with its file, and fsck.fat is clean. */
HT_TEST(crash_during_directory_move)
{
    static const char *Names[] = { "A\\D", "B\\D", "B\\a much longer name" };
    const char *Base = Img("dmovebase.img"), *Work = Img("dmove.img");
    static unsigned char Data[1500];
    unsigned Removed = 0, Fixed = 0;
    ULONG Got;
    TDEV D;

    MakeImage(Base, "-F 32 -s 1", 33800);
    Pattern(Data, sizeof(Data), 51);
    PFAT_VOLUME V = Mount(&D, Base);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    TMkdir(V, "A");
    TMkdir(V, "B");
    TMkdir(V, "A\\D");
    HT_CHECK_EQ(STATUS_SUCCESS, WriteWhole(V, "A\\D\\f.txt", Data, sizeof(Data)));
    Unmount(&D, V);

    CopyFile(Base, Work);
    V = Mount(&D, Work);
    if (V == NULL) {
        HT_CHECK(0);
        return;
    }
    D.Writes = 0;
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, Names[0], Names[1], FALSE));
    HT_CHECK_EQ(STATUS_SUCCESS, TRename(V, Names[1], Names[2], FALSE));
    Unmount(&D, V);
    ULONG Total = D.Writes;

    for (ULONG Cut = 0; Cut <= Total; Cut++) {
        FAT_REPAIR_INFORMATION Info;
        int Found = 0;
        CopyFile(Base, Work);
        V = Mount(&D, Work);
        if (V == NULL) {
            HT_CHECK(0);
            return;
        }
        D.Budget = (long)Cut;
        TRename(V, Names[0], Names[1], FALSE);
        TRename(V, Names[1], Names[2], FALSE);
        FatUnmount(V);
        DevClose(&D);

        V = Mount(&D, Work);
        if (V == NULL) {
            HT_CHECK(0);
            return;
        }
        HT_CHECK_EQ(STATUS_SUCCESS, FatRepairVolume(V, NULL, &Info));
        HT_CHECK(!Info.TreeDamaged);
        Removed += Info.DirectoryEntriesRemoved;
        Fixed += Info.ParentLinksFixed;
        for (int n = 0; n < 3; n++) {
            char Path[64];
            snprintf(Path, sizeof(Path), "%s\\f.txt", Names[n]);
            if (NT_SUCCESS(ReadWhole(V, Path, BufA, sizeof(BufA), &Got))) {
                HT_CHECK(Got == sizeof(Data) && memcmp(BufA, Data, sizeof(Data)) == 0);
                Found++;
            }
        }
        HT_CHECK_EQ(1, Found);
        Unmount(&D, V);
        HT_CHECK(FsckClean(Work));
    }
    printf("directory move + rename: %u sector writes; the repair removed %u second entries and "
           "fixed %u '..' entries over the %u cuts\n", (unsigned)Total, Removed, Fixed, (unsigned)Total + 1);
    HT_CHECK(Removed > 0);
}

/* A freed directory's cluster reused by a file written in pieces smaller than a sector: after
   a power cut at every sector write (and the repair), the file is absent or holds a prefix of
   its data, never the directory's old bytes under its size. */
HT_TEST(crash_reusing_a_directory_cluster)
{
    const char *Base = Img("reusebase.img"), *Work = Img("reuse.img");
    static unsigned char Data[3000];
    ULONG Got;
    TDEV D;

    MakeImage(Base, "-F 32 -s 1", 33800);
    Pattern(Data, sizeof(Data), 61);
    PFAT_VOLUME V = Mount(&D, Base);
    HT_CHECK(V != NULL);
    if (V == NULL) {
        return;
    }
    for (int i = 0; i < 8; i++) {
        char Path[32];
        snprintf(Path, sizeof(Path), "d%d", i);
        TMkdir(V, Path);
        snprintf(Path, sizeof(Path), "d%d\\x%d.txt", i, i);
        WriteWhole(V, Path, Data, 100);
    }
    Unmount(&D, V);

    for (ULONG Cut = 0;; Cut++) {
        FAT_REPAIR_INFORMATION Info;
        PFAT_FILE F;
        CopyFile(Base, Work);
        V = Mount(&D, Work);
        if (V == NULL) {
            HT_CHECK(0);
            return;
        }
        D.Writes = 0;
        D.Budget = (long)Cut;
        for (int i = 0; i < 8; i++) {
            char Path[32];
            snprintf(Path, sizeof(Path), "d%d\\x%d.txt", i, i);
            TDelete(V, Path);
            snprintf(Path, sizeof(Path), "d%d", i);
            TDelete(V, Path);
        }
        FatFlush(V);                            /* the chains are free now, the sectors cached */
        if (NT_SUCCESS(TCreate(V, "f.dat", FAT_FILE_CREATE, 0, &F))) {
            for (ULONG At = 0; At < sizeof(Data); At += 300) {
                FatWrite(F, At, Data + At, 300, &Got);
            }
            FatClose(F);
        }
        FatUnmount(V);
        DevClose(&D);
        int Done = D.Budget > 0;                /* the power never went off */

        V = Mount(&D, Work);
        if (V == NULL) {
            HT_CHECK(0);
            return;
        }
        HT_CHECK_EQ(STATUS_SUCCESS, FatRepairVolume(V, NULL, &Info));
        NTSTATUS S = ReadWhole(V, "f.dat", BufA, sizeof(BufA), &Got);
        if (NT_SUCCESS(S)) {
            HT_CHECK(Got <= sizeof(Data) && memcmp(BufA, Data, Got) == 0);
        } else {
            HT_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, S);
        }
        Unmount(&D, V);
        HT_CHECK(FsckClean(Work));
        if (Done) {
            HT_CHECK(NT_SUCCESS(S) && Got == sizeof(Data));
            printf("delete of 8 directories, then a file written in 300-byte pieces: %u cuts\n",
                   (unsigned)Cut + 1);
            break;
        }
    }
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

HT_MAIN()

/*
 * test_fat_ops.c - host tests of the FAT library (fs/fat*.c): rename and move, delete, truncate and extend, bad names
 * and types, a full disk or root directory, two volumes mounted at once.
 * Shared helpers and how images are made and checked: tests/host/fattest.h.
 */
#include "fattest.h"

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

HT_MAIN()

/*
 * test_fat_interop.c - host tests of the FAT library (fs/fat*.c): files written by mtools read by the library, and the other way
 * round, on FAT12, FAT16 and FAT32.
 * Shared helpers and how images are made and checked: tests/host/fattest.h.
 */
#include "fattest.h"

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

HT_MAIN()

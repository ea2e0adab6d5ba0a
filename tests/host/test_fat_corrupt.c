/*
 * test_fat_corrupt.c - host tests of the FAT library (fs/fat*.c): corrupted boot sectors and chains are refused or fail
 * cleanly, and fuzzed metadata never crashes the library.
 * Shared helpers and how images are made and checked: tests/host/fattest.h.
 */
#include "fattest.h"

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

HT_MAIN()

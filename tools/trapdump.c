/*
 * trapdump.c - print a thread-context record (docs/spec.md §8, docs/trapfile.md) and judge it as the
 * kernel's recovery would, using the same code (rr/rrformat.c).
 *
 *   trapdump [--expect-image ELF] FILE
 *   trapdump [--expect-image ELF] --image DISK.IMG [PATH-IN-IMAGE]   (default ::/WINDOWS/TrapFrame)
 *
 * Prints the header, then the payload one field per line like WinDbg's `dt _KTRAP_FRAME`, then
 * "record is VALID" or "record is INVALID: <reason> (0xC00000xx)". The identity check is made only
 * with --expect-image, whose identity is computed from that file as the kernel does.
 * Exit status: 0 valid, 1 invalid, 2 usage or I/O error. Reading from a disk image uses mtools.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rrformat.h"

#define MAX_INPUT (16u * 1024 * 1024)   /* far above any record: a bigger file is refused anyway */

static const struct { const char *Name; ULONG Offset; } KiFrameFields[] = {
#define F(x) { #x, offsetof(KTRAP_FRAME, x) }
    F(DbgEbp), F(DbgEip), F(DbgArgMark), F(DbgArgPointer), F(TempSegCs), F(TempEsp),
    F(Dr0), F(Dr1), F(Dr2), F(Dr3), F(Dr6), F(Dr7), F(SegGs), F(SegEs), F(SegDs),
    F(Edx), F(Ecx), F(Eax), F(PreviousPreviousMode), F(ExceptionList), F(SegFs),
    F(Edi), F(Esi), F(Ebx), F(Ebp), F(ErrCode), F(Eip), F(SegCs), F(EFlags),
    F(HardwareEsp), F(HardwareSegSs), F(V86Es), F(V86Ds), F(V86Fs), F(V86Gs),
#undef F
};

static void Usage(void)
{
    fprintf(stderr, "usage: trapdump [--expect-image ELF] FILE\n"
                    "       trapdump [--expect-image ELF] --image DISK.IMG [PATH-IN-IMAGE]\n"
                    "       (PATH-IN-IMAGE defaults to ::/WINDOWS/TrapFrame)\n");
    exit(2);
}

/* Reads all of f (at most MAX_INPUT + 1 bytes, so an oversized file still reads as too long). */
static unsigned char *ReadStream(FILE *f, ULONG *Size)
{
    size_t Capacity = 4096, Length = 0, Got;
    unsigned char *Data = malloc(Capacity);

    while (Data != NULL && (Got = fread(Data + Length, 1, Capacity - Length, f)) > 0) {
        Length += Got;
        if (Length > MAX_INPUT)
            break;
        if (Length == Capacity) {
            Capacity *= 2;
            Data = realloc(Data, Capacity);
        }
    }
    if (Data == NULL || ferror(f)) {
        free(Data);
        return NULL;
    }
    *Size = (ULONG)Length;
    return Data;
}

static unsigned char *ReadFile(const char *Path, ULONG *Size)
{
    FILE *f = fopen(Path, "rb");
    unsigned char *Data;

    if (f == NULL) {
        perror(Path);
        return NULL;
    }
    Data = ReadStream(f, Size);
    if (Data == NULL)
        fprintf(stderr, "%s: read error\n", Path);
    fclose(f);
    return Data;
}

/* Appends Text to Command in single quotes, safe for the shell. */
static void AppendQuoted(char *Command, size_t Capacity, const char *Text)
{
    size_t n = strlen(Command);

    if (n + 1 < Capacity)
        Command[n++] = '\'';
    for (; *Text != '\0' && n + 5 < Capacity; Text++) {
        if (*Text == '\'') {
            memcpy(Command + n, "'\\''", 4);
            n += 4;
        } else
            Command[n++] = *Text;
    }
    if (n + 1 < Capacity)
        Command[n++] = '\'';
    Command[n] = '\0';
}

/* Reads PathInImage (`::/A/B`, `/A/B` or `\A\B`) from a FAT disk image through mcopy. */
static unsigned char *ReadFromImage(const char *Image, const char *PathInImage, ULONG *Size)
{
    char Command[8192] = "mcopy -n -i ", Path[4096];
    unsigned char *Data;
    FILE *Pipe;
    size_t n;

    snprintf(Path, sizeof(Path), "%s%s", strncmp(PathInImage, "::", 2) == 0 ? "" : "::",
             PathInImage);
    for (n = 0; Path[n] != '\0'; n++)
        if (Path[n] == '\\')
            Path[n] = '/';
    AppendQuoted(Command, sizeof(Command), Image);
    strncat(Command, " ", sizeof(Command) - strlen(Command) - 1);
    AppendQuoted(Command, sizeof(Command), Path);
    strncat(Command, " -", sizeof(Command) - strlen(Command) - 1);

    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    Pipe = popen(Command, "r");
    if (Pipe == NULL) {
        perror("popen mcopy");
        return NULL;
    }
    Data = ReadStream(Pipe, Size);
    if (pclose(Pipe) != 0 || Data == NULL) {
        fprintf(stderr, "trapdump: cannot read %s from %s\n", Path, Image);
        free(Data);
        return NULL;
    }
    return Data;
}

static const char *FlagsText(ULONG Flags)
{
    switch (Flags) {
    case 0: return "entry path not recorded";
    case RR_TRAP_RECORD_FAST_CALL: return "sysenter / KiFastCallEntry";
    case RR_TRAP_RECORD_INT2E: return "int 2Eh / KiSystemService";
    default: return "unknown bits";
    }
}

/* Prints the ImageName bytes as a quoted string, escaping anything unprintable. */
static void PrintChars(const CHAR *Chars, ULONG Length)
{
    putchar('"');
    for (ULONG i = 0; i < Length && Chars[i] != '\0'; i++) {
        unsigned char c = (unsigned char)Chars[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            putchar(c);
        else
            printf("\\x%02x", c);
    }
    putchar('"');
}

static void PrintHeader(const unsigned char *Data, ULONG Size)
{
    RR_TRAP_RECORD_HEADER Header, Zeroed;
    const RR_TRAP_IMAGE_IDENTITY *Id = &Header.Identity;

    printf("record: %lu bytes (a version %d record is 0x%x)\n", (unsigned long)Size,
           RR_TRAP_RECORD_VERSION, RR_TRAP_RECORD_SIZE);
    if (Size < sizeof(Header)) {
        printf("(shorter than the 0x%x-byte header: no fields shown)\n",
               RR_TRAP_RECORD_HEADER_SIZE);
        return;
    }
    memcpy(&Header, Data, sizeof(Header));
    printf("_RR_TRAP_RECORD_HEADER\n");
    printf("   +0x000 Magic            : ");
    PrintChars(Header.Magic, sizeof(Header.Magic));
    printf("\n   +0x008 Version          : 0x%lx\n", (unsigned long)Header.Version);
    printf("   +0x00c HeaderSize       : 0x%lx\n", (unsigned long)Header.HeaderSize);
    printf("   +0x010 PayloadSize      : 0x%lx\n", (unsigned long)Header.PayloadSize);
    printf("   +0x014 Flags            : 0x%lx (%s)\n", (unsigned long)Header.Flags,
           FlagsText(Header.Flags));
    printf("   +0x018 Generation       : 0x%llx\n", (unsigned long long)Header.Generation);
    printf("   +0x020 Identity         : _RR_TRAP_IMAGE_IDENTITY\n");
    printf("      +0x000 ImageSize        : 0x%lx\n", (unsigned long)Id->ImageSize);
    printf("      +0x004 ImageCrc32       : 0x%08lx\n", (unsigned long)Id->ImageCrc32);
    printf("      +0x008 ImageName        : ");
    PrintChars(Id->ImageName, sizeof(Id->ImageName));
    printf("\n      +0x018 Reserved         : [0x%lx, 0x%lx]\n", (unsigned long)Id->Reserved[0],
           (unsigned long)Id->Reserved[1]);
    printf("   +0x040 Checksum         : 0x%08lx", (unsigned long)Header.Checksum);
    if (Size >= RR_TRAP_RECORD_SIZE) {
        Zeroed = Header;
        Zeroed.Checksum = 0;
        printf(" (computed 0x%08lx)", (unsigned long)RtlComputeCrc32(
            RtlComputeCrc32(0, &Zeroed, sizeof(Zeroed)), Data + sizeof(Header),
            KTRAP_FRAME_LENGTH));
    }
    printf("\n   +0x044 Reserved         : 0x%lx\n", (unsigned long)Header.Reserved);
}

static void PrintFrame(const unsigned char *Data, ULONG Size)
{
    KTRAP_FRAME Frame;

    if (Size < RR_TRAP_RECORD_SIZE) {
        printf("(payload incomplete: no frame shown)\n");
        return;
    }
    memcpy(&Frame, Data + RR_TRAP_RECORD_HEADER_SIZE, sizeof(Frame));
    printf("_KTRAP_FRAME (payload at +0x%x)\n", RR_TRAP_RECORD_HEADER_SIZE);
    for (ULONG i = 0; i < sizeof(KiFrameFields) / sizeof(KiFrameFields[0]); i++) {
        ULONG Value;
        memcpy(&Value, (const unsigned char *)&Frame + KiFrameFields[i].Offset, sizeof(Value));
        printf("   +0x%03lx %-16s : 0x%lx\n", (unsigned long)KiFrameFields[i].Offset,
               KiFrameFields[i].Name, (unsigned long)Value);
    }
}

int main(int argc, char **argv)
{
    const char *ExpectImage = NULL, *Image = NULL, *File = NULL;
    const char *PathInImage = "::/WINDOWS/TrapFrame";
    RR_TRAP_IMAGE_IDENTITY Expected;
    unsigned char *Data;
    ULONG Size = 0;
    PCSTR Reason = NULL;
    NTSTATUS Status;
    int i = 1;

    if (i + 1 < argc && strcmp(argv[i], "--expect-image") == 0) {
        ExpectImage = argv[i + 1];
        i += 2;
    }
    if (i < argc && strcmp(argv[i], "--image") == 0) {
        if (i + 1 >= argc || i + 3 < argc)
            Usage();
        Image = argv[i + 1];
        if (i + 2 < argc)
            PathInImage = argv[i + 2];
    } else if (i + 1 == argc && argv[i][0] != '-') {
        File = argv[i];
    } else
        Usage();

    if (ExpectImage != NULL) {
        ULONG ImageSize;
        unsigned char *ImageBytes = ReadFile(ExpectImage, &ImageSize);
        if (ImageBytes == NULL)
            return 2;
        if (ImageSize > MAX_INPUT) {
            fprintf(stderr, "%s: too large for an image\n", ExpectImage);
            return 2;
        }
        RrComputeImageIdentity(ImageBytes, ImageSize, ExpectImage, &Expected);
        free(ImageBytes);
    }

    Data = Image != NULL ? ReadFromImage(Image, PathInImage, &Size) : ReadFile(File, &Size);
    if (Data == NULL)
        return 2;

    PrintHeader(Data, Size);
    PrintFrame(Data, Size);
    if (ExpectImage != NULL) {
        printf("expected image: ");
        PrintChars(Expected.ImageName, sizeof(Expected.ImageName));
        printf(", size 0x%lx, crc32 0x%08lx\n", (unsigned long)Expected.ImageSize,
               (unsigned long)Expected.ImageCrc32);
    } else
        printf("(image identity not checked: no --expect-image)\n");

    Status = RrValidateTrapRecordEx(Data, Size, ExpectImage ? &Expected : NULL, NULL, NULL,
                                    &Reason);
    free(Data);
    if (NT_SUCCESS(Status)) {
        printf("record is VALID\n");
        return 0;
    }
    printf("record is INVALID: %s (0x%08lX)\n", Reason ? Reason : "?", (unsigned long)(ULONG)Status);
    return 1;
}

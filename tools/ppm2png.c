/*
 * ppm2png.c - convert a QEMU screendump (binary PPM, P6, maxval 255) to PNG, with no library:
 * the image data goes into zlib "stored" (uncompressed) deflate blocks, so the PNG is about as
 * large as the PPM, but any viewer reads it. CRC-32 and Adler-32 are computed here.
 *   ppm2png IN.ppm OUT.png
 * Exit 0 on success, 1 on a read/format/write error (with a message), 2 on a usage error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ppm.h"

static uint32_t CrcTable[256];

static void MakeCrcTable(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        CrcTable[n] = c;
    }
}

static uint32_t Crc(uint32_t Crc, const uint8_t *Data, size_t Length)
{
    for (size_t i = 0; i < Length; i++)
        Crc = CrcTable[(Crc ^ Data[i]) & 0xFF] ^ (Crc >> 8);
    return Crc;
}

static void Put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* One PNG chunk: length, type, data, CRC of type and data. */
static int WriteChunk(FILE *f, const char *Type, const uint8_t *Data, uint32_t Length)
{
    uint8_t head[8], tail[4];
    Put32(head, Length);
    memcpy(head + 4, Type, 4);
    uint32_t c = Crc(0xFFFFFFFFu, head + 4, 4);
    c = Crc(c, Data, Length) ^ 0xFFFFFFFFu;
    Put32(tail, c);
    return fwrite(head, 1, 8, f) == 8 && (Length == 0 || fwrite(Data, 1, Length, f) == Length) &&
           fwrite(tail, 1, 4, f) == 4;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ppm2png IN.ppm OUT.png\n");
        return 2;
    }
    FILE *in = fopen(argv[1], "rb");
    unsigned w, h;
    if (!PpmReadHeader(in, &w, &h)) {
        fprintf(stderr, "ppm2png: %s: not a binary PPM (P6, maxval 255)\n", argv[1]);
        return 1;
    }
    /* the raw PNG scan lines: a filter byte (0, none) and w RGB pixels each */
    size_t row = 1 + (size_t)w * 3, raw = row * h;
    uint8_t *data = malloc(raw);
    if (!data)
        return 1;
    for (unsigned y = 0; y < h; y++) {
        data[y * row] = 0;
        if (fread(data + y * row + 1, 1, row - 1, in) != row - 1) {
            fprintf(stderr, "ppm2png: %s: truncated pixel data\n", argv[1]);
            return 1;
        }
    }
    fclose(in);

    /* zlib stream: header, stored blocks of at most 65535 bytes, Adler-32 of the raw data */
    size_t blocks = (raw + 65534) / 65535;
    size_t zlen = 2 + blocks * 5 + raw + 4;
    uint8_t *z = malloc(zlen), *p = z;
    if (!z)
        return 1;
    *p++ = 0x78;
    *p++ = 0x01;
    uint32_t a = 1, b = 0;
    for (size_t at = 0; at < raw;) {
        size_t n = raw - at > 65535 ? 65535 : raw - at;
        *p++ = at + n == raw ? 1 : 0;                /* BFINAL on the last block, BTYPE 00 */
        *p++ = (uint8_t)n; *p++ = (uint8_t)(n >> 8);
        *p++ = (uint8_t)~n; *p++ = (uint8_t)(~n >> 8);
        memcpy(p, data + at, n);
        for (size_t i = 0; i < n; i++) {
            a = (a + data[at + i]) % 65521;
            b = (b + a) % 65521;
        }
        p += n;
        at += n;
    }
    Put32(p, (b << 16) | a);

    MakeCrcTable();
    uint8_t ihdr[13];
    Put32(ihdr, w);
    Put32(ihdr + 4, h);
    ihdr[8] = 8;        /* bit depth */
    ihdr[9] = 2;        /* colour type: RGB */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    static const uint8_t sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    FILE *out = fopen(argv[2], "wb");
    if (!out || fwrite(sig, 1, 8, out) != 8 || !WriteChunk(out, "IHDR", ihdr, 13) ||
        !WriteChunk(out, "IDAT", z, (uint32_t)zlen) || !WriteChunk(out, "IEND", NULL, 0) || fclose(out) != 0) {
        fprintf(stderr, "ppm2png: cannot write %s\n", argv[2]);
        return 1;
    }
    return 0;
}

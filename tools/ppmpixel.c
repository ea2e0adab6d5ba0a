/*
 * ppmpixel.c - read or check pixels of a binary PPM (a QEMU screendump), for tests that look at
 * the screen from the host.
 *   ppmpixel FILE X,Y ...            print "X,Y RRGGBB" for each pixel
 *   ppmpixel FILE X,Y=RRGGBB ...     check each pixel: "[OK] X,Y" or "[FAIL] X,Y: expected .. got .."
 *   ppmpixel FILE size               print "WIDTH HEIGHT"
 * Exit 0 when every check passed, 1 when one failed or the file is not a P6 PPM, 2 on usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ppm.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ppmpixel FILE size | X,Y | X,Y=RRGGBB ...\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    unsigned w, h;
    if (!PpmReadHeader(f, &w, &h)) {
        fprintf(stderr, "ppmpixel: %s: not a binary PPM (P6, maxval 255)\n", argv[1]);
        return 1;
    }
    unsigned char *px = malloc((size_t)w * h * 3);
    if (!px || fread(px, 3, (size_t)w * h, f) != (size_t)w * h) {
        fprintf(stderr, "ppmpixel: %s: truncated pixel data\n", argv[1]);
        return 1;
    }
    int failed = 0;
    for (int i = 2; i < argc; i++) {
        unsigned x, y, want;
        int n = 0;
        if (!strcmp(argv[i], "size")) {
            printf("%u %u\n", w, h);
            continue;
        }
        int fields = sscanf(argv[i], "%u,%u%n=%6x%n", &x, &y, &n, &want, &n);
        if (fields < 2 || argv[i][n] != '\0') {
            fprintf(stderr, "ppmpixel: bad argument '%s'\n", argv[i]);
            return 2;
        }
        if (x >= w || y >= h) {
            printf("[FAIL] %u,%u: outside the %ux%u image\n", x, y, w, h);
            failed = 1;
            continue;
        }
        const unsigned char *p = px + ((size_t)y * w + x) * 3;
        unsigned got = (unsigned)p[0] << 16 | (unsigned)p[1] << 8 | p[2];
        if (fields == 2)
            printf("%u,%u %06X\n", x, y, got);
        else if (got == want)
            printf("[OK] %u,%u %06X\n", x, y, got);
        else {
            printf("[FAIL] %u,%u: expected %06X, got %06X\n", x, y, want, got);
            failed = 1;
        }
    }
    return failed;
}

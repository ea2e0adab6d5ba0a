/* ppm.h - reading the header of a binary PPM (P6, maxval 255), as QEMU's screendump writes it;
   used by the host screen tool ppmpixel. */
#ifndef NANONT_PPM_H
#define NANONT_PPM_H

#include <stdio.h>

/* Skip whitespace and # comments between header fields; read one number. */
static int PpmReadNumber(FILE *f, unsigned *Value)
{
    int c;
    while ((c = fgetc(f)) != EOF) {
        if (c == '#') {
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            break;
        }
    }
    if (c < '0' || c > '9')
        return 0;
    unsigned v = 0;
    while (c >= '0' && c <= '9' && v < 100000) {
        v = v * 10 + (unsigned)(c - '0');
        c = fgetc(f);
    }
    *Value = v;
    return 1;   /* the one whitespace byte after the number is consumed */
}

/* PpmReadHeader - 1 with the width and height (1..16384) when f starts a P6 image with maxval 255;
   f is then at the first pixel. 0 otherwise. */
static int PpmReadHeader(FILE *f, unsigned *Width, unsigned *Height)
{
    unsigned maxval;
    return f && fgetc(f) == 'P' && fgetc(f) == '6' && PpmReadNumber(f, Width) && PpmReadNumber(f, Height) &&
           PpmReadNumber(f, &maxval) && maxval == 255 && *Width && *Height && *Width <= 16384 &&
           *Height <= 16384;
}

#endif

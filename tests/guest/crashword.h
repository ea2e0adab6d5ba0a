/*
 * crashword.h - the contents crashload.exe writes and the host's crash checker expects: word
 * Offset of version Seed of a scenario file. Included by tests/guest/crashload.c and
 * tests/host/crashcheck.c, so the writer and the judge cannot disagree.
 */
#ifndef CRASHWORD_H
#define CRASHWORD_H

#define CRASH_MAGIC 0x48535243u                  /* 'CRSH' */

/* CrashWord - the word at byte Offset of the version Seed: the magic, the seed, then a hash. */
static inline ULONG CrashWord(ULONG Seed, ULONG Offset)
{
    ULONG x = Seed * 0x9E3779B1u ^ Offset * 0x85EBCA77u;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return Offset == 0 ? CRASH_MAGIC : Offset == 4 ? Seed : x;
}

#endif

/*
 * benchlib.h - what every benchmark program shares: the TSC (under QEMU -icount shift=0 one tick
 * is one executed instruction) and the median of a set of samples.
 */
#ifndef NANONT_BENCHLIB_H
#define NANONT_BENCHLIB_H

#include "ntdll.h"

/* Empty stdcall routines with the argument counts of the NtBenchNull services, the baseline a
   service's cost is measured against. The program that calls them defines them (file-scope
   assembly: `ret $4*N`), only the ones it uses. */
/* (explicit assembler names: the same undecorated labels in ELF and PE builds) */
NTSTATUS NTAPI BenchEmpty0(VOID) __asm__("BenchEmpty0");
NTSTATUS NTAPI BenchEmpty4(ULONG, ULONG, ULONG, ULONG) __asm__("BenchEmpty4");
NTSTATUS NTAPI BenchEmpty8(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG) __asm__("BenchEmpty8");
NTSTATUS NTAPI BenchEmpty16(ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG,
                            ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG, ULONG) __asm__("BenchEmpty16");

static inline ULONG BenchTsc(VOID)
{
    ULONG lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return lo;
}

/* Sorts Samples[0..Count) in place (insertion sort: the sets are small) and returns the median. */
static inline ULONG BenchMedian(ULONG *Samples, ULONG Count)
{
    for (ULONG i = 1; i < Count; i++) {
        ULONG v = Samples[i], j = i;
        while (j > 0 && Samples[j - 1] > v) {
            Samples[j] = Samples[j - 1];
            j--;
        }
        Samples[j] = v;
    }
    return Samples[Count / 2];
}

#endif

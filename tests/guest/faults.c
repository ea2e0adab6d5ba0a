/*
 * faults.c - one user-mode fault per boot (docs/spec.md §1 lists the statuses): `faults.exe KIND` does the faulting thing;
 * the MANIFEST expects the process to end with the matching NTSTATUS and the kernel to report it
 * ("init exited with status ...", printed after the process is gone, shows the kernel survived).
 * No vectored handler is installed, so each exception goes unhandled.
 */
#include "ntdll.h"

int printf(const char *Format, ...) __attribute__((format(printf, 1, 2)));

static const ULONG ReadOnlyValue = 42;
static volatile ULONG Sink;
static volatile ULONG Zero;

static volatile int KeepGoing = 1;
static int Recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    return KeepGoing ? Recurse(depth + 1) + pad[0] : 0;
}

/* addresses through a volatile zero so the compiler cannot reason about them */
static volatile ULONG *Addr(ULONG a) { return (volatile ULONG *)(ULONG_PTR)(a + Zero); }

static int StrEq(const char *a, const char *b) { return strcmp(a, b) == 0; }

int main(int argc, char **argv)
{
    const char *k = argc > 1 ? argv[1] : "";
    printf("faults: %s\n", k);
    if (StrEq(k, "read0"))            Sink = *Addr(0);
    else if (StrEq(k, "write0"))      *Addr(0x10) = 1;
    else if (StrEq(k, "readkernel"))  Sink = *Addr(0x80100000);
    else if (StrEq(k, "writekernel")) *Addr(0x80100000) = 1;
    else if (StrEq(k, "readpcr"))     Sink = *Addr(0xFFDFF000);
    else if (StrEq(k, "readprobe"))   Sink = *Addr(0x7FFF0000);
    else if (StrEq(k, "writeshared")) *Addr(0x7FFE0300) = 0;
    else if (StrEq(k, "writerodata")) *(volatile ULONG *)&ReadOnlyValue = 1;
    else if (StrEq(k, "writentdll"))  *(volatile UCHAR *)KiFastSystemCall = 0xC3;
    else if (StrEq(k, "stack"))       Sink = Recurse(0);
    else if (StrEq(k, "hlt"))         __asm__ volatile("hlt");
    else if (StrEq(k, "cli"))         __asm__ volatile("cli");
    else if (StrEq(k, "in"))          __asm__ volatile("inb $0x60, %%al" ::: "eax");
    else if (StrEq(k, "out"))         __asm__ volatile("outb %%al, $0x80" :: "a"(0));
    else if (StrEq(k, "movcr"))       __asm__ volatile("mov %%cr0, %%eax" ::: "eax");
    else if (StrEq(k, "movdr"))       __asm__ volatile("mov %%eax, %%dr7" :: "a"(0));
    else if (StrEq(k, "rdmsr"))       __asm__ volatile("rdmsr" :: "c"(0x176) : "eax", "edx");
    else if (StrEq(k, "wrmsr"))       __asm__ volatile("wrmsr" :: "c"(0x176), "a"(0), "d"(0));
    else if (StrEq(k, "int80"))       __asm__ volatile("int $0x80");
    else if (StrEq(k, "int30"))       __asm__ volatile("int $0x30");
    else if (StrEq(k, "ud2"))         __asm__ volatile("ud2");
    else if (StrEq(k, "div0"))        { volatile int z = 0; Sink = 10 / z; }
    else if (StrEq(k, "int3"))        __asm__ volatile("int3");
    else if (StrEq(k, "singlestep"))  __asm__ volatile("pushfl; orl $0x100, (%%esp); popfl; nop" ::: "memory");
    else if (StrEq(k, "rdtsc")) {
        /* allowed in user mode (docs/spec.md §1) */
        ULONG lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        return 0;
    } else {
        printf("faults: unknown kind\n");
        return 2;
    }
    printf("faults: %s did not fault\n", k);
    return 3;
}

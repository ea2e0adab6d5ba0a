/* arch.h - inline helpers for x86 instructions C cannot express (ports, MSRs, control registers). */
#ifndef NANONT_ARCH_H
#define NANONT_ARCH_H

#include "ntdef.h"

static inline void WRITE_PORT_UCHAR(USHORT Port, UCHAR Value) { __asm__ volatile("outb %0, %1" :: "a"(Value), "Nd"(Port)); }
static inline UCHAR READ_PORT_UCHAR(USHORT Port) { UCHAR v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(Port)); return v; }
static inline void WRITE_PORT_USHORT(USHORT Port, USHORT Value) { __asm__ volatile("outw %0, %1" :: "a"(Value), "Nd"(Port)); }
static inline USHORT READ_PORT_USHORT(USHORT Port) { USHORT v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(Port)); return v; }
static inline void WRITE_PORT_ULONG(USHORT Port, ULONG Value) { __asm__ volatile("outl %0, %1" :: "a"(Value), "Nd"(Port)); }
static inline ULONG READ_PORT_ULONG(USHORT Port) { ULONG v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(Port)); return v; }

static inline void KeWrmsr(ULONG Msr, ULONGLONG Value) { __asm__ volatile("wrmsr" :: "c"(Msr), "a"((ULONG)Value), "d"((ULONG)(Value >> 32))); }
static inline ULONGLONG KeRdtsc(void) { ULONG lo, hi; __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi)); return ((ULONGLONG)hi << 32) | lo; }

static inline ULONG KeGetCr0(void) { ULONG v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline void KeSetCr0(ULONG v) { __asm__ volatile("mov %0, %%cr0" :: "r"(v) : "memory"); }
static inline ULONG KeGetCr2(void) { ULONG v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline ULONG KeGetCr3(void) { ULONG v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline void KeSetCr3(ULONG v) { __asm__ volatile("mov %0, %%cr3" :: "r"(v) : "memory"); }
static inline void KeInvalidateTlbEntry(PVOID Va) { __asm__ volatile("invlpg (%0)" :: "r"(Va) : "memory"); }

static inline ULONG KeGetEflags(void) { ULONG f; __asm__ volatile("pushfl; popl %0" : "=r"(f)); return f; }
static inline void _enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void _disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void KeHalt(void) { __asm__ volatile("hlt" ::: "memory"); }

/* Interrupt masking for short critical sections (uniprocessor). */
static inline ULONG KeDisableInterruptsInline(void) { ULONG f = KeGetEflags(); _disable(); return f; }
static inline void KeRestoreInterruptsInline(ULONG f) { if (f & 0x200) _enable(); }

#define MSR_SYSENTER_CS  0x174
#define MSR_SYSENTER_ESP 0x175
#define MSR_SYSENTER_EIP 0x176

#endif

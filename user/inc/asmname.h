/*
 * asmname.h - the names hand-written assembly in a program shares with C, spelled the same in the
 * PE build (mingw-w64, COFF) and the ELF build (gcc -m32).
 *
 * COFF gives a C symbol a leading underscore (X is _X to the assembler), ELF does not. A C object
 * or routine the assembly names is therefore declared with an explicit assembler name,
 * `ULONG X __asm__("X");`, and a label the assembly defines for C the same way
 * (`extern char L[] __asm__("L");`): one spelling in both builds.
 *
 * A routine of ntdll called from assembly is the program's import thunk in a PE build, which the
 * import library names with the stdcall decoration (_NtClose@4), and ntdll's own address under
 * the plain name in an ELF build (build/ntdll.syms.ld): ASM_NTDLL(NtClose, 4) is that name.
 */
#ifndef NANONT_ASMNAME_H
#define NANONT_ASMNAME_H

#ifdef __MINGW32__
#define ASM_NTDLL(Name, ArgumentBytes) "_" #Name "@" #ArgumentBytes
#else
#define ASM_NTDLL(Name, ArgumentBytes) #Name
#endif

#endif

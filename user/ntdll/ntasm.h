/*
 * ntasm.h - assembly helpers for ntdll.dll, a PE image assembled by mingw-w64's COFF gas.
 * C names carry a leading underscore; NTAPI (stdcall) ones also @N, N the argument bytes
 * (NtContinue is _NtContinue@8). The .def the build generates exports them undecorated.
 */
#ifndef NANONT_NTASM_H
#define NANONT_NTASM_H

/* a global code label, described to COFF as an external function */
#define PUBLIC_FUNCTION(Name) .globl Name; .def Name; .scl 2; .type 32; .endef; Name:

#endif

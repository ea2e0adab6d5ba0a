/*
 * rtl.h - the run-time library shared by the kernel and ntdll: memory and string routines,
 * bounded formatting (snprintf-like, with NT's %ws / %S / %wZ), counted Unicode strings.
 *
 * In the kernel and ntdll (-ffreestanding, no libc) the C names come from rtl/string.c. Host tests
 * and tools (NANONT_HOST) take them from libc instead; there only the WCHAR routines, which libc
 * does not have for 16-bit characters, are supplied inline below.
 */
#ifndef NANONT_RTL_H
#define NANONT_RTL_H

#include <stdarg.h>
#include "ntdef.h"

#ifdef NANONT_HOST

#include <string.h>

/* libc's wcslen/wcscmp take 32-bit wchar_t: give host code NT's 16-bit versions instead. */
static inline SIZE_T RtlpHostWcslen(PCWSTR String)
{
    SIZE_T Length = 0;
    while (String[Length] != 0) {
        Length++;
    }
    return Length;
}

static inline int RtlpHostWcscmp(PCWSTR Left, PCWSTR Right)
{
    while (*Left != 0 && *Left == *Right) {
        Left++;
        Right++;
    }
    return (int)*Left - (int)*Right;
}

#define wcslen RtlpHostWcslen
#define wcscmp RtlpHostWcscmp

#else /* kernel and ntdll: rtl/string.c */

void *memcpy(void *Destination, const void *Source, size_t Length);
void *memmove(void *Destination, const void *Source, size_t Length);
void *memset(void *Destination, int Fill, size_t Length);
int memcmp(const void *Left, const void *Right, size_t Length);
void *memchr(const void *Buffer, int Character, size_t Length);
size_t strlen(const char *String);
size_t strnlen(const char *String, size_t MaximumLength);
int strcmp(const char *Left, const char *Right);
int strncmp(const char *Left, const char *Right, size_t Length);
char *strcpy(char *Destination, const char *Source);
char *strchr(const char *String, int Character);
char *strrchr(const char *String, int Character);
SIZE_T wcslen(PCWSTR String);
int wcscmp(PCWSTR Left, PCWSTR Right);

#endif

/*
 * rtl/format.c - bounded formatting with snprintf semantics: the result is the length the whole
 * output would have had; at most Size - 1 characters are stored and, when Size > 0, the buffer is
 * always NUL-terminated. Conversions: d i u o x X c s p % and NT's %ws / %S / %ls (NUL-terminated
 * WCHAR string), %wc / %C (WCHAR), %wZ (PUNICODE_STRING); wide characters above 0x7F print as '?'.
 * Flags - 0 # + space, width and precision (numbers or '*'), length modifiers hh h l ll j z t and
 * NT's I64 / I32 / I (h makes %S / %C narrow). %p prints 8 uppercase hex digits without a
 * prefix, as DbgPrint does. Unknown conversions (and %n) are printed as written.
 */
int RtlFormatStringV(char *Buffer, SIZE_T Size, const char *Format, va_list Arguments);
int RtlFormatString(char *Buffer, SIZE_T Size, const char *Format, ...);

/* rtl/unicode.c - counted UNICODE_STRING helpers (case folding covers the ASCII range). NTAPI as
   NT's: ntdll.dll exports them to PE programs that call them stdcall (host builds, x86-64, have
   no stdcall). */
#ifdef NANONT_HOST
#define RTLAPI
#else
#define RTLAPI NTAPI
#endif
VOID RTLAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString);
WCHAR RTLAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter);
WCHAR RTLAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter);
LONG RTLAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                    BOOLEAN CaseInsensitive);
BOOLEAN RTLAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                     BOOLEAN CaseInsensitive);
BOOLEAN RTLAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                      BOOLEAN CaseInsensitive);

#endif

/*
 * string.c - the C memory and string routines for the kernel and ntdll, which link without libc.
 *
 * The block moves and fills use the string instructions (rep movs / rep stos): they are short,
 * fast enough on i686, and, unlike C loops, cannot be turned back into calls to memcpy/memset by
 * the compiler's loop-pattern recognition (which would recurse into themselves). Both the kernel
 * and user mode run with EFLAGS.DF clear (docs/spec.md §6), which these rely on; memmove's backward copy
 * sets DF and clears it again.
 */
#include "rtl.h"

/*
 * memcpy - copy Length bytes from Source to Destination (the ranges must not overlap).
 * Returns Destination.
 */
void *memcpy(void *Destination, const void *Source, size_t Length)
{
    ULONG_PTR Ecx, Edi, Esi;

    __asm__ __volatile__("rep movsl\n\t"
                         "movl %4, %%ecx\n\t"
                         "rep movsb"
                         : "=&c"(Ecx), "=&D"(Edi), "=&S"(Esi)
                         : "0"(Length >> 2), "g"((ULONG)(Length & 3)), "1"(Destination), "2"(Source)
                         : "memory");
    return Destination;
}

/*
 * memmove - copy Length bytes from Source to Destination; the ranges may overlap.
 * Returns Destination.
 */
void *memmove(void *Destination, const void *Source, size_t Length)
{
    ULONG_PTR Ecx, Edi, Esi;

    if ((ULONG_PTR)Destination <= (ULONG_PTR)Source ||
        (ULONG_PTR)Destination - (ULONG_PTR)Source >= Length) {
        return memcpy(Destination, Source, Length);
    }

    /* Destination overlaps the tail of Source: copy from the last byte down. */
    if (Length != 0) {
        __asm__ __volatile__("std\n\t"
                             "rep movsb\n\t"
                             "cld"
                             : "=&c"(Ecx), "=&D"(Edi), "=&S"(Esi)
                             : "0"(Length), "1"((char *)Destination + Length - 1),
                               "2"((const char *)Source + Length - 1)
                             : "memory");
    }
    return Destination;
}

/*
 * memset - fill Length bytes at Destination with the low byte of Fill. Returns Destination.
 */
void *memset(void *Destination, int Fill, size_t Length)
{
    ULONG_PTR Ecx, Edi;
    ULONG Pattern = (UCHAR)Fill * 0x01010101u;

    __asm__ __volatile__("rep stosl\n\t"
                         "movl %4, %%ecx\n\t"
                         "rep stosb"
                         : "=&c"(Ecx), "=&D"(Edi)
                         : "0"(Length >> 2), "a"(Pattern), "g"((ULONG)(Length & 3)), "1"(Destination)
                         : "memory");
    return Destination;
}

/*
 * memcmp - compare Length bytes as unsigned chars. Returns <0, 0 or >0.
 * Whole dwords first (repe cmpsl), then bytes from the first dword that differs or the tail.
 */
int memcmp(const void *Left, const void *Right, size_t Length)
{
    const UCHAR *L = Left, *R = Right;
    size_t Words = Length >> 2;

    if (Words != 0) {
        BOOLEAN Differs;
        __asm__ __volatile__("repe cmpsl"
                             : "+S"(L), "+D"(R), "+c"(Words), "=@ccne"(Differs)
                             : "m"(*(const char(*)[Length])Left), "m"(*(const char(*)[Length])Right));
        if (Differs) {
            L -= 4;
            R -= 4;
            Length = 4;
        } else {
            Length &= 3;
        }
    }
    for (size_t Index = 0; Index < Length; Index++) {
        if (L[Index] != R[Index]) {
            return (int)L[Index] - (int)R[Index];
        }
    }
    return 0;
}

/*
 * memchr - find the first byte equal to (UCHAR)Character in Length bytes. Returns it or NULL.
 */
void *memchr(const void *Buffer, int Character, size_t Length)
{
    const UCHAR *B = Buffer;

    for (size_t Index = 0; Index < Length; Index++) {
        if (B[Index] == (UCHAR)Character) {
            return (void *)(B + Index);
        }
    }
    return NULL;
}

/*
 * strlen - the number of characters before the terminating NUL.
 */
size_t strlen(const char *String)
{
    const char *End = String;

    while (*End != 0) {
        End++;
    }
    return (size_t)(End - String);
}

/*
 * strnlen - like strlen, but looks at no more than MaximumLength characters.
 */
size_t strnlen(const char *String, size_t MaximumLength)
{
    size_t Length = 0;

    while (Length < MaximumLength && String[Length] != 0) {
        Length++;
    }
    return Length;
}

/*
 * strcmp - compare two NUL-terminated strings as unsigned chars. Returns <0, 0 or >0.
 */
int strcmp(const char *Left, const char *Right)
{
    const UCHAR *L = (const UCHAR *)Left, *R = (const UCHAR *)Right;

    while (*L != 0 && *L == *R) {
        L++;
        R++;
    }
    return (int)*L - (int)*R;
}

/*
 * strncmp - strcmp limited to the first Length characters.
 */
int strncmp(const char *Left, const char *Right, size_t Length)
{
    const UCHAR *L = (const UCHAR *)Left, *R = (const UCHAR *)Right;

    for (; Length != 0; Length--, L++, R++) {
        if (*L != *R || *L == 0) {
            return (int)*L - (int)*R;
        }
    }
    return 0;
}

/*
 * strcpy - copy Source with its terminator to Destination (the caller sized it). Returns
 * Destination.
 */
char *strcpy(char *Destination, const char *Source)
{
    return memcpy(Destination, Source, strlen(Source) + 1);
}

/*
 * strchr - the first occurrence of (char)Character in String (the terminator counts), or NULL.
 */
char *strchr(const char *String, int Character)
{
    for (;; String++) {
        if (*String == (char)Character) {
            return (char *)String;
        }
        if (*String == 0) {
            return NULL;
        }
    }
}

/*
 * strrchr - the last occurrence of (char)Character in String (the terminator counts), or NULL.
 */
char *strrchr(const char *String, int Character)
{
    const char *Found = NULL;

    for (;; String++) {
        if (*String == (char)Character) {
            Found = String;
        }
        if (*String == 0) {
            return (char *)Found;
        }
    }
}

/*
 * wcslen - the number of 16-bit characters before the terminating 0 (NT's wchar_t is 16 bits).
 */
SIZE_T wcslen(PCWSTR String)
{
    PCWSTR End = String;

    while (*End != 0) {
        End++;
    }
    return (SIZE_T)(End - String);
}

/*
 * wcscmp - compare two 0-terminated WCHAR strings by code unit. Returns <0, 0 or >0.
 */
int wcscmp(PCWSTR Left, PCWSTR Right)
{
    while (*Left != 0 && *Left == *Right) {
        Left++;
        Right++;
    }
    return (int)*Left - (int)*Right;
}

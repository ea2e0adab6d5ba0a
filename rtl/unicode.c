/*
 * unicode.c - counted UNICODE_STRING helpers: initialise from a C wide string, compare, case-fold.
 *
 * Case folding covers the ASCII range only (object and file names in NanoNT are ASCII in
 * practice); other characters compare by code unit, exactly as NT does for characters its upcase
 * table leaves alone.
 */
#include "rtl.h"

#define RTLP_MAX_USTRING 0xFFFE /* largest MaximumLength a UNICODE_STRING can describe */

/*
 * RtlInitUnicodeString - point DestinationString at the 0-terminated SourceString (no copy).
 * Length excludes the terminator, MaximumLength includes it; a NULL source gives an empty
 * string with a NULL buffer. Longer sources are cut to what the USHORT lengths can describe.
 */
VOID RTLAPI RtlInitUnicodeString(PUNICODE_STRING DestinationString, PCWSTR SourceString)
{
    SIZE_T Characters = 0;

    DestinationString->Buffer = (PWSTR)SourceString;
    if (SourceString == NULL) {
        DestinationString->Length = 0;
        DestinationString->MaximumLength = 0;
        return;
    }
    while (SourceString[Characters] != 0 && Characters < RTLP_MAX_USTRING / sizeof(WCHAR)) {
        Characters++;
    }
    if (Characters * sizeof(WCHAR) >= RTLP_MAX_USTRING) {
        Characters = RTLP_MAX_USTRING / sizeof(WCHAR) - 1;
    }
    DestinationString->Length = (USHORT)(Characters * sizeof(WCHAR));
    DestinationString->MaximumLength = (USHORT)(DestinationString->Length + sizeof(WCHAR));
}

/*
 * RtlUpcaseUnicodeChar - the uppercase form of SourceCharacter ('a'..'z' fold; others unchanged).
 */
WCHAR RTLAPI RtlUpcaseUnicodeChar(WCHAR SourceCharacter)
{
    if (SourceCharacter >= 'a' && SourceCharacter <= 'z') {
        return (WCHAR)(SourceCharacter - ('a' - 'A'));
    }
    return SourceCharacter;
}

/*
 * RtlDowncaseUnicodeChar - the lowercase form of SourceCharacter ('A'..'Z' fold).
 */
WCHAR RTLAPI RtlDowncaseUnicodeChar(WCHAR SourceCharacter)
{
    if (SourceCharacter >= 'A' && SourceCharacter <= 'Z') {
        return (WCHAR)(SourceCharacter + ('a' - 'A'));
    }
    return SourceCharacter;
}

/*
 * RtlpCompareCharacters - compare Count characters of two buffers, optionally upcased.
 * Returns the difference of the first unequal pair (as upcased when CaseInsensitive), or 0.
 */
static LONG RtlpCompareCharacters(PCWSTR Left, PCWSTR Right, ULONG Count, BOOLEAN CaseInsensitive)
{
    WCHAR L, R;

    for (ULONG Index = 0; Index < Count; Index++) {
        L = Left[Index];
        R = Right[Index];
        if (L != R && CaseInsensitive) {
            L = RtlUpcaseUnicodeChar(L);
            R = RtlUpcaseUnicodeChar(R);
        }
        if (L != R) {
            return (LONG)L - (LONG)R;
        }
    }
    return 0;
}

/*
 * RtlCompareUnicodeString - order two counted strings (lexically by code unit, a proper prefix
 * first). Returns <0, 0 or >0.
 */
LONG RTLAPI RtlCompareUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                             BOOLEAN CaseInsensitive)
{
    ULONG Count1 = String1->Length / sizeof(WCHAR), Count2 = String2->Length / sizeof(WCHAR);
    LONG Result;

    Result = RtlpCompareCharacters(String1->Buffer, String2->Buffer,
                                   Count1 < Count2 ? Count1 : Count2, CaseInsensitive);
    if (Result != 0) {
        return Result;
    }
    return (LONG)Count1 - (LONG)Count2;
}

/*
 * RtlEqualUnicodeString - TRUE when both strings have the same length and characters.
 */
BOOLEAN RTLAPI RtlEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                              BOOLEAN CaseInsensitive)
{
    if (String1->Length != String2->Length) {
        return FALSE;
    }
    return RtlpCompareCharacters(String1->Buffer, String2->Buffer,
                                 String1->Length / sizeof(WCHAR), CaseInsensitive) == 0;
}

/*
 * RtlPrefixUnicodeString - TRUE when String1 is a prefix of String2 (equal strings included).
 */
BOOLEAN RTLAPI RtlPrefixUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                               BOOLEAN CaseInsensitive)
{
    if (String1->Length > String2->Length) {
        return FALSE;
    }
    return RtlpCompareCharacters(String1->Buffer, String2->Buffer,
                                 String1->Length / sizeof(WCHAR), CaseInsensitive) == 0;
}

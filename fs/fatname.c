/*
 * fatname.c - names: case folding, path parsing and validation, 8.3 short names (fitting,
 * generating the "~N" alias) and the LFN checksum.
 *
 * Case-insensitive matching folds with FatpUpcase, which covers ASCII, Latin-1, Latin
 * Extended-A, Greek, Cyrillic and the full-width Latin letters (a subset of Windows' table).
 * Short names are ASCII: any other character becomes '_' in a generated alias (the long name
 * keeps it), and bytes >= 0x80 found in short names on disk are read as Latin-1.
 */
#include "fatp.h"

/* FatpUpcase - the upper-case form of C used for name comparison. */
WCHAR FatpUpcase(WCHAR C)
{
    if (C < 'a') {
        return C;
    }
    if (C <= 'z') {
        return (WCHAR)(C - 0x20);
    }
    if (C < 0xE0) {
        return C;
    }
    if (C <= 0xFE) {
        return C == 0xF7 ? C : (WCHAR)(C - 0x20);
    }
    if (C == 0xFF) {
        return 0x178;
    }
    if (C <= 0x17F) {
        /* Latin Extended-A: pairs (upper even, lower odd), except two runs paired odd/even. */
        if ((C >= 0x139 && C <= 0x148) || (C >= 0x179 && C <= 0x17E)) {
            return (C & 1) ? C : (WCHAR)(C - 1);
        }
        if (C == 0x131 || C == 0x138 || C == 0x149 || C == 0x17F) {
            return C;
        }
        return (C & 1) ? (WCHAR)(C - 1) : C;
    }
    if ((C >= 0x3B1 && C <= 0x3CB && C != 0x3C2)) {
        return (WCHAR)(C - 0x20);
    }
    if (C == 0x3C2) {
        return 0x3A3;
    }
    if (C >= 0x430 && C <= 0x44F) {
        return (WCHAR)(C - 0x20);
    }
    if (C >= 0x450 && C <= 0x45F) {
        return (WCHAR)(C - 0x50);
    }
    if (C >= 0xFF41 && C <= 0xFF5A) {
        return (WCHAR)(C - 0x20);
    }
    return C;
}

/* FatpNamesEqual - case-insensitive equality of two counted UTF-16 names. */
BOOLEAN FatpNamesEqual(PCWSTR A, ULONG ALength, PCWSTR B, ULONG BLength)
{
    if (ALength != BLength) {
        return FALSE;
    }
    for (ULONG i = 0; i < ALength; i++) {
        if (A[i] != B[i] && FatpUpcase(A[i]) != FatpUpcase(B[i])) {
            return FALSE;
        }
    }
    return TRUE;
}

/* FatpIsValidLongChar - may C appear in a long name? (Windows' rule for FAT.) */
static BOOLEAN FatpIsValidLongChar(WCHAR C)
{
    if (C < 0x20) {
        return FALSE;
    }
    switch (C) {
    case '"': case '*': case '/': case ':': case '<': case '>': case '?': case '\\': case '|':
        return FALSE;
    default:
        return TRUE;
    }
}

/* FatpCheckComponent - one path component: at most FAT_MAX_NAME units (STATUS_NAME_TOO_LONG),
   valid characters, not ending in '.' or ' ' (STATUS_OBJECT_NAME_INVALID). */
static NTSTATUS FatpCheckComponent(PCWSTR Name, ULONG Length)
{
    if (Length > FAT_MAX_NAME) {
        return STATUS_NAME_TOO_LONG;
    }
    for (ULONG i = 0; i < Length; i++) {
        if (!FatpIsValidLongChar(Name[i])) {
            return STATUS_OBJECT_NAME_INVALID;
        }
    }
    if (Name[Length - 1] == '.' || Name[Length - 1] == ' ') {
        return STATUS_OBJECT_NAME_INVALID;
    }
    return STATUS_SUCCESS;
}

/* FatpParsePath - split Path (Length units, optional leading '\', optional trailing '\') into
   checked components, folding '.' and '..' lexically. Result: STATUS_SUCCESS (Count 0 = the
   root), STATUS_OBJECT_NAME_INVALID (empty component, bad character), STATUS_NAME_TOO_LONG,
   STATUS_OBJECT_PATH_SYNTAX_BAD ('..' above the root), STATUS_OBJECT_PATH_INVALID (deeper than
   FAT_MAX_DEPTH). */
NTSTATUS FatpParsePath(PCWSTR Path, ULONG Length, PFAT_PATH Out)
{
    ULONG i = 0;

    Out->Count = 0;
    if (Length != 0 && Path == NULL) {
        return STATUS_INVALID_PARAMETER;
    }
    if (Length > 32767) {
        return STATUS_NAME_TOO_LONG;
    }
    if (Length != 0 && Path[0] == '\\') {
        i = 1;
    }
    while (i < Length) {
        ULONG Start = i, PartLength;
        NTSTATUS Status;

        while (i < Length && Path[i] != '\\') {
            i++;
        }
        PartLength = i - Start;
        i++;                                    /* past the separator */
        if (PartLength == 0) {
            return STATUS_OBJECT_NAME_INVALID;
        }
        if (PartLength == 1 && Path[Start] == '.') {
            continue;
        }
        if (PartLength == 2 && Path[Start] == '.' && Path[Start + 1] == '.') {
            if (Out->Count == 0) {
                return STATUS_OBJECT_PATH_SYNTAX_BAD;
            }
            Out->Count--;
            continue;
        }
        Status = FatpCheckComponent(Path + Start, PartLength);
        if (!NT_SUCCESS(Status)) {
            return Status;
        }
        if (Out->Count == FAT_MAX_DEPTH) {
            return STATUS_OBJECT_PATH_INVALID;
        }
        Out->Part[Out->Count].Name = Path + Start;
        Out->Part[Out->Count].Length = PartLength;
        Out->Count++;
    }
    return STATUS_SUCCESS;
}

/* FatpIsShortChar - may the ASCII character C stand in an 8.3 name as it is? */
static BOOLEAN FatpIsShortChar(WCHAR C)
{
    if ((C >= 'A' && C <= 'Z') || (C >= 'a' && C <= 'z') || (C >= '0' && C <= '9')) {
        return TRUE;
    }
    switch (C) {
    case '$': case '%': case '\'': case '-': case '_': case '@': case '~': case '`': case '!':
    case '(': case ')': case '{': case '}': case '^': case '#': case '&':
        return TRUE;
    default:
        return FALSE;
    }
}

/* FatpFitsShortName - can Name be stored as an 8.3 entry alone (the case of each part kept by
   the NT lower-case flags)? Result: TRUE with the 11-byte name and the flags. */
BOOLEAN FatpFitsShortName(PCWSTR Name, ULONG Length, UCHAR Short[11], PUCHAR NtFlags)
{
    ULONG Dot = Length, Upper[2] = { 0, 0 }, Lower[2] = { 0, 0 }, Part = 0, Fill = 0;

    if (Length == 0 || Length > 12) {
        return FALSE;
    }
    for (ULONG i = 0; i < Length; i++) {
        if (Name[i] == '.') {
            if (Dot != Length) {
                return FALSE;
            }
            Dot = i;
        }
    }
    if (Dot == 0 || Dot > 8 || Length - Dot > 4) {
        return FALSE;
    }
    memset(Short, ' ', 11);
    for (ULONG i = 0; i < Length; i++) {
        WCHAR C = Name[i];
        if (i == Dot) {
            Part = 1;
            Fill = 8;
            continue;
        }
        if (!FatpIsShortChar(C)) {
            return FALSE;
        }
        if (C >= 'a' && C <= 'z') {
            Lower[Part]++;
            C = (WCHAR)(C - 0x20);
        } else if (C >= 'A' && C <= 'Z') {
            Upper[Part]++;
        }
        Short[Fill++] = (UCHAR)C;
    }
    if ((Upper[0] && Lower[0]) || (Upper[1] && Lower[1])) {
        return FALSE;
    }
    *NtFlags = (UCHAR)((Lower[0] ? FAT_NT_LOWER_BASE : 0) | (Lower[1] ? FAT_NT_LOWER_EXT : 0));
    return TRUE;
}

/* FatpShortFold - the character a long-name character becomes in a generated alias. */
static UCHAR FatpShortFold(WCHAR C)
{
    if (C >= 'a' && C <= 'z') {
        return (UCHAR)(C - 0x20);
    }
    return (C < 0x80 && FatpIsShortChar(C)) ? (UCHAR)C : '_';
}

/* FatpShortBasis - the basis of a generated alias: leading dots and all spaces dropped, the
   part before the last dot (other dots dropped) cut to 8, the part after it cut to 3. */
VOID FatpShortBasis(PCWSTR Name, ULONG Length, UCHAR Basis[11])
{
    ULONG Start = 0, LastDot = Length, Fill = 0;

    memset(Basis, ' ', 11);
    while (Start < Length && Name[Start] == '.') {
        Start++;
    }
    for (ULONG i = Start; i < Length; i++) {
        if (Name[i] == '.') {
            LastDot = i;
        }
    }
    for (ULONG i = Start; i < LastDot && Fill < 8; i++) {
        if (Name[i] != ' ' && Name[i] != '.') {
            Basis[Fill++] = FatpShortFold(Name[i]);
        }
    }
    if (Fill == 0) {
        Basis[0] = '_';
    }
    Fill = 8;
    for (ULONG i = LastDot + 1; i < Length && Fill < 11; i++) {
        if (Name[i] != ' ') {
            Basis[Fill++] = FatpShortFold(Name[i]);
        }
    }
}

/* FatpShortWithTail - the alias "BASE~N.EXT": the basis with its base cut to make room. */
VOID FatpShortWithTail(const UCHAR Basis[11], ULONG Number, UCHAR Short[11])
{
    UCHAR Tail[8];
    ULONG TailLength = 0, BaseLength = 0;

    do {
        Tail[7 - TailLength++] = (UCHAR)('0' + Number % 10);
        Number /= 10;
    } while (Number != 0 && TailLength < 7);
    Tail[7 - TailLength++] = '~';
    while (BaseLength < 8 && Basis[BaseLength] != ' ') {
        BaseLength++;
    }
    if (BaseLength > 8 - TailLength) {
        BaseLength = 8 - TailLength;
    }
    memcpy(Short, Basis, 11);
    memset(Short + BaseLength, ' ', 8 - BaseLength);
    memcpy(Short + BaseLength, Tail + 8 - TailLength, TailLength);
}

/* FatpLfnChecksum - the checksum of an 11-byte short name that its LFN entries carry. */
UCHAR FatpLfnChecksum(const UCHAR Short[11])
{
    UCHAR Sum = 0;

    for (ULONG i = 0; i < 11; i++) {
        Sum = (UCHAR)(((Sum & 1) << 7) + (Sum >> 1) + Short[i]);
    }
    return Sum;
}

/* FatpShortToUnicode - the displayed form of a short entry ("NAME.EXT", lower-cased where the
   NT flags say so). Result: its length in units (Out is NUL-terminated). */
ULONG FatpShortToUnicode(const UCHAR *Entry, WCHAR Out[13])
{
    ULONG Length = 0, BaseEnd = 8, ExtEnd = 11;
    UCHAR Flags = Entry[DIRENT_NTFLAGS];

    while (BaseEnd > 0 && Entry[BaseEnd - 1] == ' ') {
        BaseEnd--;
    }
    while (ExtEnd > 8 && Entry[ExtEnd - 1] == ' ') {
        ExtEnd--;
    }
    for (ULONG i = 0; i < ExtEnd; i++) {
        WCHAR C;
        if (i == BaseEnd && i < 8) {
            i = 7;                               /* skip the base's padding */
            continue;
        }
        if (i == 8) {
            Out[Length++] = '.';
        }
        C = (i == 0 && Entry[0] == 0x05) ? 0xE5 : Entry[i];
        if (C >= 'A' && C <= 'Z' && (Flags & (i < 8 ? FAT_NT_LOWER_BASE : FAT_NT_LOWER_EXT))) {
            C = (WCHAR)(C + 0x20);
        }
        Out[Length++] = C;
    }
    Out[Length] = 0;
    return Length;
}

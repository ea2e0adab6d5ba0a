/*
 * ioname.c - NT names to volume paths. NanoNT has no object namespace directory for devices
 * yet, so the two names docs/spec.md §8 and docs/io.md use are recognised here, case-insensitively:
 *     \SystemRoot[\...]                 -> \WINDOWS[\...]   ('..' may not leave \SystemRoot)
 *     \??\C:[\...], \DosDevices\C:[\...], \GLOBAL??\C:[\...]  -> \[...]  (not above the root)
 * Each component is checked (1..255 units, no control characters, none of " * / : < > ? \ |,
 * not ending in '.' or ' '); '.' is dropped and '..' removes the previous component.
 * Results: STATUS_OBJECT_NAME_INVALID (bad component, empty name, over-long path),
 * STATUS_OBJECT_PATH_SYNTAX_BAD (not absolute, or '..' escaping its root),
 * STATUS_OBJECT_PATH_NOT_FOUND (another prefix, or no disk).
 */
#include "iop.h"

typedef struct _IOP_PREFIX {
    PCSTR Prefix;                      /* NT name prefix, matched case-insensitively */
    PCSTR Base;                        /* volume path it stands for */
} IOP_PREFIX;

static const IOP_PREFIX IopPrefixes[] = {
    { "\\SystemRoot", "\\WINDOWS" },
    { "\\??\\C:", "" },
    { "\\DosDevices\\C:", "" },
    { "\\GLOBAL??\\C:", "" },
};

static WCHAR IopUpcase(WCHAR C)
{
    return (C >= 'a' && C <= 'z') ? (WCHAR)(C - 0x20) : C;
}

/* IopPathEqual - case-insensitive (ASCII folding) equality of two volume paths. */
BOOLEAN IopPathEqual(PCWSTR A, ULONG ALength, PCWSTR B, ULONG BLength)
{
    if (ALength != BLength)
        return FALSE;
    for (ULONG i = 0; i < ALength; i++)
        if (IopUpcase(A[i]) != IopUpcase(B[i]))
            return FALSE;
    return TRUE;
}

/* IopPathIsBelow - is Path strictly inside Directory? */
BOOLEAN IopPathIsBelow(PCWSTR Path, ULONG Length, PCWSTR Directory, ULONG DirectoryLength)
{
    if (Length <= DirectoryLength + 1 || Path[DirectoryLength] != '\\')
        return FALSE;
    return IopPathEqual(Path, DirectoryLength, Directory, DirectoryLength);
}

/* IopCheckComponent - one component's characters and length (see the file comment). */
static NTSTATUS IopCheckComponent(PCWSTR Name, ULONG Length)
{
    if (Length == 0 || Length > FAT_MAX_NAME)
        return STATUS_OBJECT_NAME_INVALID;
    for (ULONG i = 0; i < Length; i++) {
        WCHAR c = Name[i];
        if (c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' || c == '>' ||
            c == '?' || c == '\\' || c == '|')
            return STATUS_OBJECT_NAME_INVALID;
    }
    BOOLEAN dots = (Length == 1 && Name[0] == '.') || (Length == 2 && Name[0] == '.' && Name[1] == '.');
    if (!dots && (Name[Length - 1] == '.' || Name[Length - 1] == ' '))
        return STATUS_OBJECT_NAME_INVALID;
    return STATUS_SUCCESS;
}

/* IopMatchPrefix - the prefix entry Name starts with (followed by the end or '\'), or NULL;
   *Consumed = its length in units. */
static const IOP_PREFIX *IopMatchPrefix(PCWSTR Name, ULONG Length, PULONG Consumed)
{
    for (ULONG p = 0; p < ARRAYSIZE(IopPrefixes); p++) {
        PCSTR s = IopPrefixes[p].Prefix;
        ULONG n = strlen(s), i;
        if (Length < n)
            continue;
        for (i = 0; i < n && IopUpcase(Name[i]) == IopUpcase((WCHAR)(UCHAR)s[i]); i++)
            ;
        if (i == n && (Length == n || Name[n] == '\\')) {
            *Consumed = n;
            return &IopPrefixes[p];
        }
    }
    return NULL;
}

/* IopAppendComponents - fold the components of Rest (Length units, separated by '\') onto the
   volume path in Out (currently *OutLength units, never cut below Floor units). */
static NTSTATUS IopAppendComponents(PCWSTR Rest, ULONG Length, PWSTR Out, PULONG OutLength, ULONG Floor)
{
    ULONG i = 0, len = *OutLength;
    while (i < Length) {
        if (Rest[i] == '\\') {
            if (i + 1 == Length)
                break;                              /* one trailing '\' is allowed */
            i++;
        }
        ULONG start = i;
        while (i < Length && Rest[i] != '\\')
            i++;
        ULONG n = i - start;
        NTSTATUS status = IopCheckComponent(Rest + start, n);
        if (!NT_SUCCESS(status))
            return status;
        if (n == 1 && Rest[start] == '.')
            continue;
        if (n == 2 && Rest[start] == '.' && Rest[start + 1] == '.') {
            if (len <= Floor)
                return STATUS_OBJECT_PATH_SYNTAX_BAD;   /* '..' escaping the root */
            while (len > Floor && Out[len - 1] != '\\')
                len--;
            len--;                                  /* the '\' before it */
            continue;
        }
        if (len + 1 + n > IOP_MAX_PATH)
            return STATUS_OBJECT_NAME_INVALID;
        Out[len++] = '\\';
        memcpy(Out + len, Rest + start, n * sizeof(WCHAR));
        len += n;
    }
    Out[len] = 0;
    *OutLength = len;
    return STATUS_SUCCESS;
}

/* IopTranslateName - see iop.h and the file comment. */
NTSTATUS IopTranslateName(PCWSTR Name, ULONG LengthBytes, PWSTR Out, PULONG OutLength)
{
    ULONG length = LengthBytes / sizeof(WCHAR), consumed, len = 0;
    if (length == 0 || (LengthBytes & 1) || LengthBytes > IOP_MAX_NAME_BYTES)
        return STATUS_OBJECT_NAME_INVALID;
    if (Name[0] != '\\')
        return STATUS_OBJECT_PATH_SYNTAX_BAD;
    const IOP_PREFIX *prefix = IopMatchPrefix(Name, length, &consumed);
    if (!prefix)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    if (!IopVolume)
        return STATUS_OBJECT_PATH_NOT_FOUND;        /* no disk: the names lead nowhere */
    for (PCSTR b = prefix->Base; *b; b++)
        Out[len++] = (WCHAR)(UCHAR)*b;
    Out[len] = 0;
    *OutLength = len;
    return IopAppendComponents(Name + consumed, length - consumed, Out, OutLength, len);
}

/* IopJoinName - Directory (a volume path) + '\' + Name, where Name is one or more components
   relative to it (not starting with '\'); '..' may not leave Directory. */
NTSTATUS IopJoinName(PCWSTR Directory, ULONG DirectoryLength, PCWSTR Name, ULONG NameLengthBytes,
                     PWSTR Out, PULONG OutLength)
{
    ULONG n = NameLengthBytes / sizeof(WCHAR);
    if (n == 0 || (NameLengthBytes & 1) || NameLengthBytes > IOP_MAX_NAME_BYTES || Name[0] == '\\')
        return STATUS_OBJECT_NAME_INVALID;
    if (DirectoryLength > IOP_MAX_PATH)
        return STATUS_OBJECT_NAME_INVALID;
    memcpy(Out, Directory, DirectoryLength * sizeof(WCHAR));
    *OutLength = DirectoryLength;
    return IopAppendComponents(Name, n, Out, OutLength, DirectoryLength);
}

/*
 * ntpath.h - OBJECT_ATTRIBUTES for an ASCII NT path (\SystemRoot\..., \??\C:\...), for programs
 * and tests that open files with NtCreateFile/NtOpenFile. The name lives in the caller's
 * NT_PATH_ATTRIBUTES, which must outlive the call that uses it.
 */
#ifndef NANONT_NTPATH_H
#define NANONT_NTPATH_H

#include "ntdll.h"

typedef struct _NT_PATH_ATTRIBUTES {
    WCHAR Buffer[1024];
    UNICODE_STRING Name;
    OBJECT_ATTRIBUTES Attributes;
} NT_PATH_ATTRIBUTES;

/* Path is widened (truncated at 1024 characters); Root may be NULL or a directory handle. */
static inline POBJECT_ATTRIBUTES NtPathAttributes(NT_PATH_ATTRIBUTES *P, PCSTR Path, HANDLE Root)
{
    ULONG n = 0;
    while (Path[n] && n < ARRAYSIZE(P->Buffer)) {
        P->Buffer[n] = (UCHAR)Path[n];
        n++;
    }
    P->Name.Buffer = P->Buffer;
    P->Name.Length = P->Name.MaximumLength = (USHORT)(n * 2);
    P->Attributes.Length = sizeof(P->Attributes);
    P->Attributes.RootDirectory = Root;
    P->Attributes.ObjectName = &P->Name;
    P->Attributes.Attributes = OBJ_CASE_INSENSITIVE;
    P->Attributes.SecurityDescriptor = P->Attributes.SecurityQualityOfService = NULL;
    return &P->Attributes;
}

#endif

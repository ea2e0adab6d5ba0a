/*
 * sysdecode.c - the tracer's argument decoder: turns a service's argument dwords into text by
 * the parameter types ke/services.tab gives (`PHANDLE:out ACCESS_MASK:file POBJECT_ATTRIBUTES
 * ...`, generated into KiServiceArgumentTypes), strace-like:
 *     NtCreateFile(&0x1c, FILE_GENERIC_READ, {"\??\C:\x.txt", OBJ_CASE_INSENSITIVE}, ...)
 *
 * At boot (trace= given) each type list is parsed once into a KI_TRACE_SIGNATURE: one kind and
 * one `how` per parameter. At a call, KiTraceDecodeArgument writes one parameter's text, before
 * the call (inputs) or after it (what an `:out` pointer points at). User memory is read only
 * through KiTraceReadUser: a range check against MM_USER_PROBE_ADDRESS and the fault-safe
 * KiSafeCopy, every length bounded; a pointer that cannot be read is printed as its value.
 * Flag and access-mask names come from the headers' constants (inc/ntioapi.h, inc/ntpsapi.h,
 * inc/ntaccess.h, inc/ntdef.h), NTSTATUS names from build/inc/ntstatusnames.h, generated from
 * inc/ntstatus.h.
 */
#include <stdarg.h>
#include "ke.h"
#include "ki.h"
#include "ps.h"
#include "rtl.h"
#include "ntaccess.h"
#include "ntioapi.h"
#include "ntpsapi.h"

#define KI_TRACE_STRING_CHARS 80   /* characters of a UNICODE_STRING shown, then `...' */
#define KI_TRACE_BUFFER_BYTES 32   /* bytes of a read or written buffer shown, then `...' */
#define KI_TRACE_ARRAY_ITEMS  8    /* handles of a handle array shown */

/* ------------------------------------------------------------------ text */

/* KiTracePut - append to Text, printf-style; stops quietly at the end of the buffer. */
VOID KiTracePut(PKI_TRACE_TEXT Text, PCSTR Format, ...)
{
    va_list args;
    if (Text->Length + 1 >= Text->Size)
        return;
    va_start(args, Format);
    int n = RtlFormatStringV(Text->Buffer + Text->Length, Text->Size - Text->Length, Format, args);
    va_end(args);
    if (n > 0)
        Text->Length = (ULONG)n < Text->Size - Text->Length ? Text->Length + n : Text->Size - 1;
}

/* KiTraceReadUser - copy Length bytes from user address Address; FALSE if any of it is not a
   readable user address. */
static BOOLEAN KiTraceReadUser(PVOID Destination, ULONG Address, ULONG Length)
{
    if (Address == 0 || Address >= MM_USER_PROBE_ADDRESS || Length > MM_USER_PROBE_ADDRESS - Address)
        return FALSE;
    return NT_SUCCESS(KiSafeCopy(Destination, (const VOID *)Address, Length));
}

/* ------------------------------------------------------------------ names */

typedef struct _KI_TRACE_NAME {
    ULONG Value;
    PCSTR Name;
} KI_TRACE_NAME;
#define N(x) { (ULONG)(x), #x }

static const KI_TRACE_NAME KiStatusNames[] = {
#include "ntstatusnames.h"
};

/* Standard and generic rights, after each object type's own. */
#define STANDARD_NAMES N(DELETE), N(READ_CONTROL), N(WRITE_DAC), N(WRITE_OWNER), N(SYNCHRONIZE), \
    N(MAXIMUM_ALLOWED), N(GENERIC_READ), N(GENERIC_WRITE), N(GENERIC_EXECUTE), N(GENERIC_ALL), { 0, NULL }
static const KI_TRACE_NAME KiFileAccess[] = {
    N(FILE_ALL_ACCESS), N(FILE_GENERIC_READ), N(FILE_GENERIC_WRITE), N(FILE_GENERIC_EXECUTE),
    N(FILE_READ_DATA), N(FILE_WRITE_DATA), N(FILE_APPEND_DATA), N(FILE_READ_EA), N(FILE_WRITE_EA),
    N(FILE_EXECUTE), N(FILE_DELETE_CHILD), N(FILE_READ_ATTRIBUTES), N(FILE_WRITE_ATTRIBUTES), STANDARD_NAMES };
static const KI_TRACE_NAME KiProcessAccess[] = {
    N(PROCESS_ALL_ACCESS), N(PROCESS_TERMINATE), N(PROCESS_CREATE_THREAD), N(PROCESS_VM_OPERATION),
    N(PROCESS_VM_READ), N(PROCESS_VM_WRITE), N(PROCESS_DUP_HANDLE), N(PROCESS_CREATE_PROCESS),
    N(PROCESS_SET_QUOTA), N(PROCESS_SET_INFORMATION), N(PROCESS_QUERY_INFORMATION),
    N(PROCESS_SUSPEND_RESUME), STANDARD_NAMES };
static const KI_TRACE_NAME KiThreadAccess[] = {
    N(THREAD_ALL_ACCESS), N(THREAD_TERMINATE), N(THREAD_SUSPEND_RESUME), N(THREAD_ALERT),
    N(THREAD_GET_CONTEXT), N(THREAD_SET_CONTEXT), N(THREAD_SET_INFORMATION),
    N(THREAD_QUERY_INFORMATION), STANDARD_NAMES };
static const KI_TRACE_NAME KiEventAccess[] = {
    N(EVENT_ALL_ACCESS), N(EVENT_QUERY_STATE), N(EVENT_MODIFY_STATE), STANDARD_NAMES };
static const KI_TRACE_NAME KiSemaphoreAccess[] = {
    N(SEMAPHORE_ALL_ACCESS), N(SEMAPHORE_QUERY_STATE), N(SEMAPHORE_MODIFY_STATE), STANDARD_NAMES };
static const KI_TRACE_NAME KiMutantAccess[] = {
    N(MUTANT_ALL_ACCESS), N(MUTANT_QUERY_STATE), STANDARD_NAMES };
static const KI_TRACE_NAME KiTimerAccess[] = {
    N(TIMER_ALL_ACCESS), N(TIMER_QUERY_STATE), N(TIMER_MODIFY_STATE), STANDARD_NAMES };
static const KI_TRACE_NAME KiDirectoryAccess[] = {
    N(DIRECTORY_ALL_ACCESS), N(DIRECTORY_QUERY), N(DIRECTORY_TRAVERSE), N(DIRECTORY_CREATE_OBJECT),
    N(DIRECTORY_CREATE_SUBDIRECTORY), STANDARD_NAMES };
static const KI_TRACE_NAME KiAnyAccess[] = { STANDARD_NAMES };

static const KI_TRACE_NAME KiFileAttributes[] = {
    N(FILE_ATTRIBUTE_READONLY), N(FILE_ATTRIBUTE_HIDDEN), N(FILE_ATTRIBUTE_SYSTEM),
    N(FILE_ATTRIBUTE_DIRECTORY), N(FILE_ATTRIBUTE_ARCHIVE), N(FILE_ATTRIBUTE_NORMAL), { 0, NULL } };
static const KI_TRACE_NAME KiShareAccess[] = {
    N(FILE_SHARE_READ), N(FILE_SHARE_WRITE), N(FILE_SHARE_DELETE), { 0, NULL } };
static const KI_TRACE_NAME KiCreateOptions[] = {
    N(FILE_DIRECTORY_FILE), N(FILE_WRITE_THROUGH), N(FILE_SEQUENTIAL_ONLY),
    N(FILE_NO_INTERMEDIATE_BUFFERING), N(FILE_SYNCHRONOUS_IO_ALERT), N(FILE_SYNCHRONOUS_IO_NONALERT),
    N(FILE_NON_DIRECTORY_FILE), N(FILE_CREATE_TREE_CONNECTION), N(FILE_COMPLETE_IF_OPLOCKED),
    N(FILE_NO_EA_KNOWLEDGE), N(FILE_OPEN_FOR_RECOVERY), N(FILE_RANDOM_ACCESS),
    N(FILE_DELETE_ON_CLOSE), N(FILE_OPEN_BY_FILE_ID), N(FILE_OPEN_FOR_BACKUP_INTENT),
    N(FILE_NO_COMPRESSION), { 0, NULL } };
static const KI_TRACE_NAME KiObjectAttributes[] = {
    N(OBJ_INHERIT), N(OBJ_CASE_INSENSITIVE), N(OBJ_OPENIF), { 0, NULL } };
static const KI_TRACE_NAME KiDuplicateOptions[] = {
    N(DUPLICATE_CLOSE_SOURCE), N(DUPLICATE_SAME_ACCESS), { 0, NULL } };
static const KI_TRACE_NAME KiMemoryTypes[] = {
    N(MEM_COMMIT), N(MEM_RESERVE), N(MEM_DECOMMIT), N(MEM_RELEASE), { 0, NULL } };
/* values, not flags */
static const KI_TRACE_NAME KiDispositions[] = {
    N(FILE_SUPERSEDE), N(FILE_OPEN), N(FILE_CREATE), N(FILE_OPEN_IF), N(FILE_OVERWRITE),
    N(FILE_OVERWRITE_IF), { 0, NULL } };
static const KI_TRACE_NAME KiProtections[] = {
    N(PAGE_NOACCESS), N(PAGE_READONLY), N(PAGE_READWRITE), N(PAGE_EXECUTE), N(PAGE_EXECUTE_READ),
    N(PAGE_EXECUTE_READWRITE), { 0, NULL } };
static const KI_TRACE_NAME KiWaitTypes[] = { N(WaitAll), N(WaitAny), { 0, NULL } };
static const KI_TRACE_NAME KiEventTypes[] = { N(NotificationEvent), N(SynchronizationEvent), { 0, NULL } };
static const KI_TRACE_NAME KiTimerTypes[] = { N(NotificationTimer), N(SynchronizationTimer), { 0, NULL } };
static const KI_TRACE_NAME KiIoInformation[] = {          /* IO_STATUS_BLOCK.Information of a create */
    N(FILE_SUPERSEDED), N(FILE_OPENED), N(FILE_CREATED), N(FILE_OVERWRITTEN), { 0, NULL } };

/* KiTraceStatusName - the NTSTATUS name of Status from inc/ntstatus.h (the first of equal values),
   or NULL. */
PCSTR KiTraceStatusName(NTSTATUS Status)
{
    for (ULONG i = 0; i < ARRAYSIZE(KiStatusNames); i++)
        if (KiStatusNames[i].Value == (ULONG)Status)
            return KiStatusNames[i].Name;
    return NULL;
}

VOID KiTracePutStatus(PKI_TRACE_TEXT Text, NTSTATUS Status)
{
    PCSTR name = KiTraceStatusName(Status);
    if (name)
        KiTracePut(Text, "%s", name);
    else
        KiTracePut(Text, "0x%x", (unsigned)Status);
}

/* A value that is one of Names, or a number. */
static VOID KiTracePutValue(PKI_TRACE_TEXT Text, const KI_TRACE_NAME *Names, ULONG Value)
{
    for (; Names->Name; Names++)
        if (Names->Value == Value) {
            KiTracePut(Text, "%s", Names->Name);
            return;
        }
    KiTracePut(Text, Value < 10 ? "%u" : "0x%x", (unsigned)Value);
}

/* Flags by name, joined by `|': a name is taken when all its bits are set and it adds a bit not
   yet named (so FILE_GENERIC_READ|FILE_GENERIC_WRITE, which share SYNCHRONIZE and READ_CONTROL);
   bits no name covers follow in hex. */
static VOID KiTracePutFlags(PKI_TRACE_TEXT Text, const KI_TRACE_NAME *Names, ULONG Value)
{
    ULONG left = Value;
    BOOLEAN first = TRUE;
    if (Value == 0) {
        KiTracePut(Text, "0");
        return;
    }
    for (; Names->Name && left; Names++)
        if (Names->Value && (Value & Names->Value) == Names->Value && (left & Names->Value)) {
            KiTracePut(Text, "%s%s", first ? "" : "|", Names->Name);
            left &= ~Names->Value;
            first = FALSE;
        }
    if (left)
        KiTracePut(Text, "%s0x%x", first ? "" : "|", (unsigned)left);
}

/* ------------------------------------------------------------------ signatures */

/* The kinds of parameter the decoder knows; any other type is printed as a hex value. */
enum {
    KiArgHex, KiArgNumber, KiArgSigned, KiArgHandle, KiArgBoolean, KiArgStatus, KiArgAccess,
    KiArgWaitType, KiArgEventType, KiArgTimerType, KiArgQuad, KiArgObjectAttributes,
    KiArgUnicodeString, KiArgPHandle, KiArgPNumber, KiArgPSigned, KiArgPBoolean, KiArgPQuad,
    KiArgIoStatus, KiArgClientId, KiArgBuffer,
};

static const struct { PCSTR Type; UCHAR Kind; } KiTraceTypes[] = {
    { "ULONG", KiArgNumber }, { "ULONG_PTR", KiArgNumber }, { "SIZE_T", KiArgNumber },
    { "PROCESSINFOCLASS", KiArgNumber }, { "THREADINFOCLASS", KiArgNumber },
    { "FILE_INFORMATION_CLASS", KiArgNumber }, { "FS_INFORMATION_CLASS", KiArgNumber },
    { "LONG", KiArgSigned }, { "HANDLE", KiArgHandle }, { "BOOLEAN", KiArgBoolean },
    { "NTSTATUS", KiArgStatus }, { "ACCESS_MASK", KiArgAccess }, { "WAIT_TYPE", KiArgWaitType },
    { "EVENT_TYPE", KiArgEventType }, { "TIMER_TYPE", KiArgTimerType },
    { "LARGE_INTEGER", KiArgQuad }, { "LONGLONG", KiArgQuad }, { "ULONGLONG", KiArgQuad },
    { "POBJECT_ATTRIBUTES", KiArgObjectAttributes }, { "PUNICODE_STRING", KiArgUnicodeString },
    { "PHANDLE", KiArgPHandle }, { "PULONG", KiArgPNumber }, { "PSIZE_T", KiArgPNumber },
    { "PULONG_PTR", KiArgPNumber }, { "PVOID*", KiArgPNumber }, { "PLONG", KiArgPSigned },
    { "PBOOLEAN", KiArgPBoolean }, { "PLARGE_INTEGER", KiArgPQuad }, { "PULONGLONG", KiArgPQuad },
    { "PIO_STATUS_BLOCK", KiArgIoStatus }, { "PCLIENT_ID", KiArgClientId }, { "PVOID", KiArgHex },
};

/* The `:how' words; the ones after KiHowFlagsFirst name a flag or access table. */
static const struct { PCSTR How; const KI_TRACE_NAME *Names; BOOLEAN Flags; } KiTraceHows[] = {
    [KiHowNone] = { "", NULL, FALSE },
    [KiHowOut] = { "out", NULL, FALSE },
    [KiHowInOut] = { "inout", NULL, FALSE },
    [KiHowArray] = { "array", NULL, FALSE },
    [KiHowInBuffer] = { "inbuf", NULL, FALSE },
    [KiHowOutBuffer] = { "outbuf", NULL, FALSE },
    [KiHowCreate] = { "create", NULL, FALSE },
    [KiHowFlagsFirst] = { "file", KiFileAccess, TRUE },
    { "process", KiProcessAccess, TRUE }, { "thread", KiThreadAccess, TRUE },
    { "event", KiEventAccess, TRUE }, { "semaphore", KiSemaphoreAccess, TRUE },
    { "mutant", KiMutantAccess, TRUE }, { "timer", KiTimerAccess, TRUE },
    { "directory", KiDirectoryAccess, TRUE }, { "fileattr", KiFileAttributes, TRUE },
    { "share", KiShareAccess, TRUE }, { "createopts", KiCreateOptions, TRUE },
    { "objattr", KiObjectAttributes, TRUE }, { "dupopts", KiDuplicateOptions, TRUE },
    { "memtype", KiMemoryTypes, TRUE }, { "disposition", KiDispositions, FALSE },
    { "protect", KiProtections, FALSE },
};

/* Length of the word at Text (up to a space, a colon or the end). */
static ULONG KiTraceWordLength(PCSTR Text, BOOLEAN StopAtColon)
{
    ULONG n = 0;
    while (Text[n] && Text[n] != ' ' && !(StopAtColon && Text[n] == ':'))
        n++;
    return n;
}

static BOOLEAN KiTraceWordIs(PCSTR Word, ULONG Length, PCSTR Name)
{
    return strlen(Name) == Length && !strncmp(Word, Name, Length);
}

/*
 * KiTraceParseSignature - Types (one line's `:` part as gensvc wrote it) into Signature. Unknown
 * types and hows decode as hex; the dword count was checked by gensvc. Name is for the warning.
 */
VOID KiTraceParseSignature(PCSTR Name, PCSTR Types, PKI_TRACE_SIGNATURE Signature)
{
    ULONG dword = 0;
    memset(Signature, 0, sizeof(*Signature));
    for (PCSTR p = Types; *p; ) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        ULONG typeLength = KiTraceWordLength(p, TRUE);
        if (KiTraceWordIs(p, typeLength, "!blocks")) {
            Signature->Blocks = TRUE;
            p += typeLength;
            continue;
        }
        if (Signature->Count == KI_TRACE_MAX_ARGUMENTS)
            break;
        PKI_TRACE_PARAMETER a = &Signature->Parameters[Signature->Count++];
        a->Kind = KiArgHex;
        a->Dword = (UCHAR)dword;
        BOOLEAN known = FALSE;
        for (ULONG i = 0; i < ARRAYSIZE(KiTraceTypes); i++)
            if (KiTraceWordIs(p, typeLength, KiTraceTypes[i].Type)) {
                a->Kind = KiTraceTypes[i].Kind;
                known = TRUE;
            }
        if (!known && p[0] != 'P')      /* pointers of other types print as hex by design */
            DbgPrint("trace: %s: type %.*s decoded as hex\n", Name, (int)typeLength, p);
        dword += a->Kind == KiArgQuad ? 2 : 1;
        p += typeLength;
        if (*p == ':') {
            ULONG howLength = KiTraceWordLength(++p, FALSE);
            a->How = KiHowNone;
            for (ULONG i = 1; i < ARRAYSIZE(KiTraceHows); i++)
                if (KiTraceWordIs(p, howLength, KiTraceHows[i].How))
                    a->How = (UCHAR)i;
            if (a->How == KiHowNone)
                DbgPrint("trace: %s: `:%.*s' unknown\n", Name, (int)howLength, p);
            p += howLength;
        }
    }
}

/* ------------------------------------------------------------------ values */

static VOID KiTracePutHandle(PKI_TRACE_TEXT Text, ULONG Handle)
{
    if (Handle == 0)
        KiTracePut(Text, "NULL");
    else if (Handle == (ULONG)-1)
        KiTracePut(Text, "NtCurrentProcess()");
    else if (Handle == (ULONG)-2)
        KiTracePut(Text, "NtCurrentThread()");
    else
        KiTracePut(Text, "0x%x", (unsigned)Handle);
}

static VOID KiTracePutNumber(PKI_TRACE_TEXT Text, ULONG Value)
{
    KiTracePut(Text, Value < 0x10000 ? "%u" : "0x%x", (unsigned)Value);
}

static VOID KiTracePutPointer(PKI_TRACE_TEXT Text, ULONG Pointer)
{
    if (Pointer)
        KiTracePut(Text, "0x%x", (unsigned)Pointer);
    else
        KiTracePut(Text, "NULL");
}

/* Bytes as a C string: printable ASCII as is, the rest escaped. */
static VOID KiTracePutBytes(PKI_TRACE_TEXT Text, const UCHAR *Bytes, ULONG Length, BOOLEAN More)
{
    KiTracePut(Text, "\"");
    for (ULONG i = 0; i < Length; i++) {
        UCHAR c = Bytes[i];
        if (c == '\n')
            KiTracePut(Text, "\\n");
        else if (c == '"' || c == '\\')
            KiTracePut(Text, "\\%c", c);
        else if (c >= 0x20 && c < 0x7F)
            KiTracePut(Text, "%c", c);
        else
            KiTracePut(Text, "\\x%02x", c);
    }
    KiTracePut(Text, More ? "\"..." : "\"");
}

/* A UNICODE_STRING at user address Address: "text" (backslashes as written: NT paths). */
static VOID KiTracePutUnicodeString(PKI_TRACE_TEXT Text, ULONG Address)
{
    UNICODE_STRING s;
    WCHAR chars[KI_TRACE_STRING_CHARS];
    if (!Address) {
        KiTracePut(Text, "NULL");
        return;
    }
    if (!KiTraceReadUser(&s, Address, sizeof(s))) {
        KiTracePut(Text, "0x%x", (unsigned)Address);
        return;
    }
    ULONG count = s.Length / sizeof(WCHAR);
    ULONG shown = count < KI_TRACE_STRING_CHARS ? count : KI_TRACE_STRING_CHARS;
    if (shown && !KiTraceReadUser(chars, (ULONG)s.Buffer, shown * sizeof(WCHAR))) {
        KiTracePut(Text, "{%u, 0x%x}", (unsigned)s.Length, (unsigned)(ULONG)s.Buffer);
        return;
    }
    KiTracePut(Text, "\"");
    for (ULONG i = 0; i < shown; i++) {
        WCHAR c = chars[i];
        if (c == '"')
            KiTracePut(Text, "\\\"");
        else if (c >= 0x20 && c < 0x7F)
            KiTracePut(Text, "%c", (char)c);
        else
            KiTracePut(Text, "\\u%04x", (unsigned)c);
    }
    KiTracePut(Text, shown < count ? "\"..." : "\"");
}

static VOID KiTracePutObjectAttributes(PKI_TRACE_TEXT Text, ULONG Address)
{
    OBJECT_ATTRIBUTES oa;
    if (!Address) {
        KiTracePut(Text, "NULL");
        return;
    }
    if (!KiTraceReadUser(&oa, Address, sizeof(oa))) {
        KiTracePut(Text, "0x%x", (unsigned)Address);
        return;
    }
    KiTracePut(Text, "{");
    if (oa.RootDirectory) {
        KiTracePut(Text, "root=");
        KiTracePutHandle(Text, (ULONG)oa.RootDirectory);
        KiTracePut(Text, ", ");
    }
    KiTracePutUnicodeString(Text, (ULONG)oa.ObjectName);
    KiTracePut(Text, ", ");
    KiTracePutFlags(Text, KiObjectAttributes, oa.Attributes);
    KiTracePut(Text, "}");
}

/* What an out pointer of kind Kind at Address holds now: `&value`, `{...}`; the pointer's value
   when it cannot be read. Create: an IO_STATUS_BLOCK of a create or open, whose Information says
   what happened (FILE_OPENED...) rather than a byte count. */
static VOID KiTracePutPointee(PKI_TRACE_TEXT Text, UCHAR Kind, ULONG Address, BOOLEAN Create)
{
    union { ULONG Dword[2]; LONGLONG Quad; BOOLEAN Boolean; IO_STATUS_BLOCK Iosb; CLIENT_ID Cid; } v;
    ULONG size = Kind == KiArgPQuad || Kind == KiArgIoStatus || Kind == KiArgClientId ? 8
               : Kind == KiArgPBoolean ? 1 : 4;
    if (!Address) {
        KiTracePut(Text, "NULL");
        return;
    }
    if (!KiTraceReadUser(&v, Address, size)) {
        KiTracePut(Text, "0x%x", (unsigned)Address);
        return;
    }
    switch (Kind) {
    case KiArgPHandle:
        KiTracePut(Text, "&");
        KiTracePutHandle(Text, v.Dword[0]);
        break;
    case KiArgPSigned:
        KiTracePut(Text, "&%d", (int)v.Dword[0]);
        break;
    case KiArgPBoolean:
        KiTracePut(Text, "&%s", v.Boolean ? "TRUE" : "FALSE");
        break;
    case KiArgPQuad:
        KiTracePut(Text, "{%lld}", v.Quad);
        break;
    case KiArgIoStatus:
        KiTracePut(Text, "{");
        KiTracePutStatus(Text, v.Iosb.Status);
        KiTracePut(Text, ", ");
        /* after a create the Information is what happened (FILE_OPENED...), else a count */
        if (Create)
            KiTracePutValue(Text, KiIoInformation, (ULONG)v.Iosb.Information);
        else
            KiTracePut(Text, "%u", (unsigned)v.Iosb.Information);
        KiTracePut(Text, "}");
        break;
    case KiArgClientId:
        KiTracePut(Text, "{%u.%u}", (unsigned)(ULONG)v.Cid.UniqueProcess, (unsigned)(ULONG)v.Cid.UniqueThread);
        break;
    default:
        KiTracePut(Text, "&");
        KiTracePutNumber(Text, v.Dword[0]);
        break;
    }
}

/* KiTraceIsOutput - is parameter Index (also) a result, decoded again after the call? */
BOOLEAN KiTraceIsOutput(PKI_TRACE_SIGNATURE Signature, ULONG Index)
{
    UCHAR how = Signature->Parameters[Index].How;
    return how == KiHowOut || how == KiHowInOut || how == KiHowOutBuffer || how == KiHowCreate;
}

/* Buffer bytes at Address, Length of them at most KI_TRACE_BUFFER_BYTES. */
static VOID KiTracePutBuffer(PKI_TRACE_TEXT Text, ULONG Address, ULONG Length)
{
    UCHAR bytes[KI_TRACE_BUFFER_BYTES];
    ULONG shown = Length < sizeof(bytes) ? Length : sizeof(bytes);
    if (!Address || !KiTraceReadUser(bytes, Address, shown)) {
        KiTracePutPointer(Text, Address);
        return;
    }
    KiTracePutBytes(Text, bytes, shown, shown < Length);
}

/* The Information of the call's first IO_STATUS_BLOCK (bytes transferred), or Default. */
static ULONG KiTraceIoInformation(PKI_TRACE_SIGNATURE Signature, const ULONG *Arguments, ULONG Default)
{
    IO_STATUS_BLOCK iosb;
    for (ULONG i = 0; i < Signature->Count; i++)
        if (Signature->Parameters[i].Kind == KiArgIoStatus) {
            if (KiTraceReadUser(&iosb, Arguments[Signature->Parameters[i].Dword], sizeof(iosb)))
                return (ULONG)iosb.Information < Default ? (ULONG)iosb.Information : Default;
            break;
        }
    return Default;
}

/*
 * KiTraceDecodeArgument - parameter Index of a call to the service Signature describes, as text.
 * After FALSE: before the call (inputs; an out pointer prints as its value, an in/out one as
 * what it points at). After TRUE: what an out or in/out pointer points at now (the caller asks
 * only for those, and only when the call did not fail).
 */
VOID KiTraceDecodeArgument(PKI_TRACE_TEXT Text, PKI_TRACE_SIGNATURE Signature, ULONG Index,
                           const ULONG *Arguments, BOOLEAN After)
{
    PKI_TRACE_PARAMETER a = &Signature->Parameters[Index];
    ULONG v = Arguments[a->Dword];
    const KI_TRACE_NAME *names = a->How >= KiHowFlagsFirst ? KiTraceHows[a->How].Names : NULL;

    if (After || a->How == KiHowInOut) {
        if (a->How == KiHowOutBuffer)
            KiTracePutBuffer(Text, v, KiTraceIoInformation(Signature, Arguments,
                                                           Index + 1 < Signature->Count ? Arguments[a->Dword + 1] : 0));
        else
            KiTracePutPointee(Text, a->Kind, v, a->How == KiHowCreate);
        return;
    }
    if (KiTraceIsOutput(Signature, Index)) {
        KiTracePutPointer(Text, v);
        return;
    }
    if (names) {
        if (KiTraceHows[a->How].Flags)
            KiTracePutFlags(Text, names, v);
        else
            KiTracePutValue(Text, names, v);
        return;
    }
    switch (a->Kind) {
    case KiArgNumber:
        KiTracePutNumber(Text, v);
        break;
    case KiArgSigned:
        KiTracePut(Text, "%d", (int)v);
        break;
    case KiArgHandle:
        KiTracePutHandle(Text, v);
        break;
    case KiArgBoolean:
        KiTracePut(Text, (v & 0xFF) == 0 ? "FALSE" : (v & 0xFF) == 1 ? "TRUE" : "%u", (unsigned)(v & 0xFF));
        break;
    case KiArgStatus:
        KiTracePutStatus(Text, (NTSTATUS)v);
        break;
    case KiArgAccess:
        KiTracePutFlags(Text, KiAnyAccess, v);
        break;
    case KiArgWaitType:
        KiTracePutValue(Text, KiWaitTypes, v);
        break;
    case KiArgEventType:
        KiTracePutValue(Text, KiEventTypes, v);
        break;
    case KiArgTimerType:
        KiTracePutValue(Text, KiTimerTypes, v);
        break;
    case KiArgQuad:
        KiTracePut(Text, "%lld", (LONGLONG)((ULONGLONG)Arguments[a->Dword + 1] << 32 | v));
        break;
    case KiArgObjectAttributes:
        KiTracePutObjectAttributes(Text, v);
        break;
    case KiArgUnicodeString:
        KiTracePutUnicodeString(Text, v);
        break;
    case KiArgPQuad:                    /* an input LARGE_INTEGER: a time-out, an offset */
        KiTracePutPointee(Text, a->Kind, v, FALSE);
        break;
    case KiArgPHandle:
        if (a->How == KiHowArray && Index > 0) {
            ULONG count = Arguments[Signature->Parameters[Index - 1].Dword];
            ULONG shown = count < KI_TRACE_ARRAY_ITEMS ? count : KI_TRACE_ARRAY_ITEMS;
            ULONG handles[KI_TRACE_ARRAY_ITEMS];
            if (!KiTraceReadUser(handles, v, shown * sizeof(ULONG))) {
                KiTracePutPointer(Text, v);
                break;
            }
            KiTracePut(Text, "[");
            for (ULONG i = 0; i < shown; i++) {
                KiTracePut(Text, i ? ", " : "");
                KiTracePutHandle(Text, handles[i]);
            }
            KiTracePut(Text, shown < count ? ", ...]" : "]");
            break;
        }
        KiTracePutPointer(Text, v);
        break;
    default:
        if (a->How == KiHowInBuffer && Index + 1 < Signature->Count)
            KiTracePutBuffer(Text, v, Arguments[a->Dword + 1]);
        else
            KiTracePutPointer(Text, v);
        break;
    }
}


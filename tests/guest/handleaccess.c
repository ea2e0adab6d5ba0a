/*
 * handleaccess.c - a handle carries exactly the access it was granted: NtDuplicateObject never
 * gives a copy access its source lacks (files, events, processes, threads, into and out of
 * another process), generic rights map to each type's own rights (GENERIC_READ is not
 * everything), opening an existing named object with OBJ_OPENIF grants what was asked and
 * no more, FILE_OPEN_IF of an open file keeps the share check, and a child inherits nothing.
 * The first test is the reported attack: "process A" (this one) opens \??\C:\locked.txt sharing
 * only reads; "process B" (a child: "handleaccess.exe intruder") is refused write access,
 * opens it for reading and tries to duplicate that handle to a writable one.
 * Runs from the disk (MANIFEST: disk=yes, init=\SystemRoot\system32\handleaccess.exe).
 */
#include "testlib.h"
#include "ntpath.h"

#define MS(n) (-(LONGLONG)(n) * 10000)
#define LOCKED "\\??\\C:\\locked.txt"

static NT_PATH_ATTRIBUTES PathStore;
static IO_STATUS_BLOCK Iosb;

static NTSTATUS Create(PCSTR Path, ACCESS_MASK Access, ULONG Share, ULONG Disposition, PHANDLE H)
{
    *H = NULL;
    return NtCreateFile(H, Access, NtPathAttributes(&PathStore, Path, NULL), &Iosb, NULL, 0, Share, Disposition,
                        FILE_NON_DIRECTORY_FILE, NULL, 0);
}

static NTSTATUS WriteAt(HANDLE H, ULONG Offset, const void *Data, ULONG Length)
{
    LARGE_INTEGER o;
    o.QuadPart = Offset;
    return NtWriteFile(H, NULL, NULL, NULL, &Iosb, (PVOID)Data, Length, &o, NULL);
}

static NTSTATUS ReadAt(HANDLE H, ULONG Offset, void *Data, ULONG Length)
{
    LARGE_INTEGER o;
    o.QuadPart = Offset;
    return NtReadFile(H, NULL, NULL, NULL, &Iosb, Data, Length, &o, NULL);
}

/* Dup - a copy of Source in this process with Access (Options as NtDuplicateObject). */
static NTSTATUS Dup(HANDLE Source, ACCESS_MASK Access, ULONG Options, PHANDLE Copy)
{
    *Copy = NULL;
    return NtDuplicateObject(NtCurrentProcess(), Source, NtCurrentProcess(), Copy, Access, 0, Options);
}

static NTSTATUS Start(const char *CommandLine, ACCESS_MASK ProcessAccess, ULONG Flags, PHANDLE Process,
                      PHANDLE Thread)
{
    static WCHAR path[] = u"\\SystemRoot\\system32\\handleaccess.exe";
    WCHAR cmd[128];
    int n = 0;
    for (; CommandLine[n] && n < 127; n++)
        cmd[n] = (WCHAR)CommandLine[n];
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { (USHORT)(n * 2), (USHORT)(n * 2), cmd };
    return NtCreateUserProcessFromPath(Process, Thread, ProcessAccess, THREAD_ALL_ACCESS, &up, &uc, Flags, NULL);
}

static NTSTATUS ProcessExitStatus(HANDLE Process)
{
    PROCESS_BASIC_INFORMATION pbi;
    NTSTATUS s = NtQueryInformationProcess(Process, ProcessBasicInformation, &pbi, sizeof(pbi), NULL);
    return s ? s : pbi.ExitStatus;
}

static NTSTATUS WaitOne(HANDLE h, LONGLONG Timeout)
{
    LARGE_INTEGER t;
    t.QuadPart = Timeout;
    return NtWaitForSingleObject(h, FALSE, &t);
}

/*
 * Intruder - "process B" of the report. Its exit status tells the parent what happened: 0x10 the
 * write open was not refused with STATUS_SHARING_VIOLATION, 0x11 the read open failed, otherwise
 * the status of the duplication to FILE_WRITE_DATA (it then writes "BBBB" through the copy if
 * it got one, and that write's failure or success is what the parent sees in the file).
 */
static int Intruder(void)
{
    HANDLE w, r, copy;
    if (Create(LOCKED, FILE_WRITE_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, &w) != STATUS_SHARING_VIOLATION)
        return 0x10;
    if (Create(LOCKED, FILE_READ_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, &r) != STATUS_SUCCESS)
        return 0x11;
    NTSTATUS s = Dup(r, FILE_WRITE_DATA, 0, &copy);
    if (NT_SUCCESS(s)) {
        WriteAt(copy, 0, "BBBB", 4);
        NtClose(copy);
    }
    NtClose(r);
    return s;
}

/* The report, end to end: B must get STATUS_ACCESS_DENIED and A's file must stay A's. */
TL_TEST(dup_cannot_defeat_share_mode)
{
    HANDLE a;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA | FILE_WRITE_DATA, FILE_SHARE_READ, FILE_OVERWRITE_IF,
                                       &a));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(a, 0, "AAAA", 4));
    HANDLE p, t;
    TL_CHECK_EQ(STATUS_SUCCESS, Start("handleaccess.exe intruder", PROCESS_ALL_ACCESS, 0, &p, &t));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(p, MS(5000)));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, ProcessExitStatus(p));
    char buf[5] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(a, 0, buf, 4));
    TL_CHECK(!strcmp(buf, "AAAA"));
    NtClose(p);
    NtClose(t);
    NtClose(a);
}

/* The same in one process, every way of asking: specific, generic, MAXIMUM_ALLOWED, none. */
TL_TEST(dup_file_never_raises_access)
{
    HANDLE a, r, c;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA | FILE_WRITE_DATA, FILE_SHARE_READ, FILE_OVERWRITE_IF,
                                       &a));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(a, 0, "AAAA", 4));
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(LOCKED, FILE_WRITE_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                                 FILE_OPEN, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, &r));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, FILE_WRITE_DATA, 0, &c));
    TL_CHECK(c == NULL);
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, FILE_READ_DATA | FILE_APPEND_DATA, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, GENERIC_WRITE, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, GENERIC_ALL, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, DELETE, 0, &c));
    /* what the source has is fine, and so is less */
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(r, FILE_READ_DATA, 0, &c));
    char buf[5] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(c, 0, buf, 4));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(c, 0, "BBBB", 4));
    NtClose(c);
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(r, 0, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, ReadAt(c, 0, buf, 4));
    NtClose(c);
    /* MAXIMUM_ALLOWED on a copy: everything the source has, nothing more */
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(r, MAXIMUM_ALLOWED, 0, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(c, 0, buf, 4));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(c, 0, "BBBB", 4));
    NtClose(c);
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(r, 0, DUPLICATE_SAME_ACCESS, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(c, 0, "BBBB", 4));
    NtClose(c);
    /* a refused copy with DUPLICATE_CLOSE_SOURCE still closes the source, as NT does */
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, FILE_WRITE_DATA, DUPLICATE_CLOSE_SOURCE, &c));
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtClose(r));
    memset(buf, 0, sizeof(buf));
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(a, 0, buf, 4));
    TL_CHECK(!strcmp(buf, "AAAA"));
    NtClose(a);
}

/* GENERIC_READ means the type's read rights: a file opened so cannot be written, even by a copy
   asked for with GENERIC_READ again. */
TL_TEST(generic_read_is_not_everything)
{
    HANDLE a, r, c;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                       FILE_OVERWRITE_IF, &a));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(a, 0, "AAAA", 4));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, &r));
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(r, GENERIC_READ, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(c, 0, "BBBB", 4));
    NtClose(c);
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(r, GENERIC_READ | GENERIC_WRITE, 0, &c));
    NtClose(r);
    char buf[5] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(a, 0, buf, 4));
    TL_CHECK(!strcmp(buf, "AAAA"));
    NtClose(a);

    /* events: GENERIC_READ is EVENT_QUERY_STATE (plus READ_CONTROL), not EVENT_MODIFY_STATE */
    HANDLE e;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, GENERIC_READ, NULL, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetEvent(e, NULL));
    NtClose(e);
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, GENERIC_WRITE, NULL, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetEvent(e, NULL));
    NtClose(e);
    /* threads: GENERIC_READ (THREAD_GET_CONTEXT, THREAD_QUERY_INFORMATION) does not alert */
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(NtCurrentThread(), GENERIC_READ, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtAlertThread(c));
    NtTestAlert();                                  /* clear the alert if it was given anyway */
    NtClose(c);
}

/* Other types: a copy of an event, process or thread handle stays within the source's access. */
TL_TEST(dup_other_types_never_raise_access)
{
    HANDLE e, c;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, EVENT_QUERY_STATE | SYNCHRONIZE, NULL, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetEvent(e, NULL));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(e, EVENT_MODIFY_STATE, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(e, EVENT_ALL_ACCESS, 0, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(e, SYNCHRONIZE, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetEvent(c, NULL));
    NtClose(c);
    NtClose(e);

    /* a process handle with only query rights cannot become one that terminates */
    HANDLE p, t;
    TL_CHECK_EQ(STATUS_SUCCESS, Start("handleaccess.exe idle", PROCESS_QUERY_INFORMATION | SYNCHRONIZE,
                                      THREAD_CREATE_FLAGS_CREATE_SUSPENDED, &p, &t));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtTerminateProcess(p, 1));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(p, PROCESS_TERMINATE, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(p, PROCESS_DUP_HANDLE, 0, &c));
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(p, PROCESS_QUERY_INFORMATION, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtTerminateProcess(c, 1));
    NtClose(c);
    /* its thread handle (THREAD_ALL_ACCESS) ends it */
    TL_CHECK_EQ(STATUS_SUCCESS, Dup(t, THREAD_QUERY_INFORMATION, 0, &c));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtTerminateThread(c, 1));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtResumeThread(c, NULL));
    NtClose(c);
    TL_CHECK_EQ(STATUS_SUCCESS, NtTerminateThread(t, 0x5));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(p, MS(5000)));
    NtClose(p);
    NtClose(t);
}

/* Into and out of another process: the same rule, whichever side the copy lands on. */
TL_TEST(dup_across_processes_never_raises_access)
{
    HANDLE a, r, p, t, inChild = NULL, back = NULL;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA | FILE_WRITE_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                       FILE_OVERWRITE_IF, &a));
    TL_CHECK_EQ(STATUS_SUCCESS, WriteAt(a, 0, "AAAA", 4));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN, &r));
    TL_CHECK_EQ(STATUS_SUCCESS, Start("handleaccess.exe idle", PROCESS_ALL_ACCESS, THREAD_CREATE_FLAGS_CREATE_SUSPENDED,
                                      &p, &t));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtDuplicateObject(NtCurrentProcess(), r, p, &inChild, FILE_WRITE_DATA, 0, 0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDuplicateObject(NtCurrentProcess(), r, p, &inChild, 0, 0, DUPLICATE_SAME_ACCESS));
    /* and back out of the child, asking for more */
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtDuplicateObject(p, inChild, NtCurrentProcess(), &back, FILE_WRITE_DATA, 0, 0));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtDuplicateObject(p, inChild, NtCurrentProcess(), &back, GENERIC_ALL, 0, 0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDuplicateObject(p, inChild, NtCurrentProcess(), &back, FILE_READ_DATA, 0, 0));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(back, 0, "BBBB", 4));
    NtClose(back);
    TL_CHECK_EQ(STATUS_SUCCESS, NtTerminateProcess(p, 0x5));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(p, MS(5000)));
    NtClose(p);
    NtClose(t);
    NtClose(r);
    char buf[5] = { 0 };
    TL_CHECK_EQ(STATUS_SUCCESS, ReadAt(a, 0, buf, 4));
    TL_CHECK(!strcmp(buf, "AAAA"));
    NtClose(a);
}

static WCHAR NameBuffer[64];
static UNICODE_STRING NameString;
static OBJECT_ATTRIBUTES Attributes;

static POBJECT_ATTRIBUTES Named(const char *Name, ULONG Flags)
{
    int n = 0;
    for (; Name[n]; n++)
        NameBuffer[n] = (WCHAR)Name[n];
    NameString.Buffer = NameBuffer;
    NameString.Length = NameString.MaximumLength = (USHORT)(n * 2);
    Attributes.Length = sizeof(Attributes);
    Attributes.RootDirectory = NULL;
    Attributes.ObjectName = &NameString;
    Attributes.Attributes = Flags;
    Attributes.SecurityDescriptor = Attributes.SecurityQualityOfService = NULL;
    return &Attributes;
}

/* OBJ_OPENIF of an existing named object, and the open services (NtOpenEvent and the like): the handle has what was asked, no more. */
TL_TEST(openif_grants_what_was_asked)
{
    HANDLE e, o;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, EVENT_ALL_ACCESS, Named("\\BaseNamedObjects\\HaEvent", 0),
                                              NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_EXISTS, NtCreateEvent(&o, EVENT_QUERY_STATE | SYNCHRONIZE,
                                                         Named("\\BaseNamedObjects\\HaEvent", OBJ_OPENIF),
                                                         NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetEvent(o, NULL));
    HANDLE c;
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, Dup(o, EVENT_MODIFY_STATE, 0, &c));
    NtClose(o);
    TL_CHECK_EQ(STATUS_SUCCESS, NtOpenEvent(&o, GENERIC_READ, Named("\\BaseNamedObjects\\HaEvent", 0)));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, NtSetEvent(o, NULL));
    NtClose(o);
    /* a different type under that name is refused, not opened */
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtCreateSemaphore(&o, SEMAPHORE_ALL_ACCESS,
                                                               Named("\\BaseNamedObjects\\HaEvent", OBJ_OPENIF), 0, 1));
    NtClose(e);

    /* files: FILE_OPEN_IF of a file that is open keeps the share check and grants only what
       was asked */
    HANDLE a, f;
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA | FILE_WRITE_DATA, FILE_SHARE_READ, FILE_OVERWRITE_IF,
                                       &a));
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(LOCKED, FILE_WRITE_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE,
                                                 FILE_OPEN_IF, &f));
    TL_CHECK_EQ(STATUS_SHARING_VIOLATION, Create(LOCKED, FILE_READ_DATA, FILE_SHARE_READ, FILE_OPEN_IF, &f));
    TL_CHECK_EQ(STATUS_SUCCESS, Create(LOCKED, FILE_READ_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, FILE_OPEN_IF, &f));
    TL_CHECK_EQ(STATUS_ACCESS_DENIED, WriteAt(f, 0, "BBBB", 4));
    NtClose(f);
    NtClose(a);
}

/* A child starts with an empty handle table: OBJ_INHERIT handles of the parent do not reach it. */
TL_TEST(child_inherits_nothing)
{
    HANDLE e, p, t;
    OBJECT_ATTRIBUTES inherit = { sizeof(inherit), NULL, NULL, OBJ_INHERIT, NULL, NULL };
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&e, EVENT_ALL_ACCESS, &inherit, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, Start("handleaccess.exe idle", PROCESS_ALL_ACCESS, THREAD_CREATE_FLAGS_CREATE_SUSPENDED,
                                      &p, &t));
    ULONG count = 0xFFFF;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(p, ProcessHandleCount, &count, sizeof(count), NULL));
    TL_CHECK_EQ(0, count);
    /* the child cannot reach the parent's handle value either */
    HANDLE c = NULL;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtDuplicateObject(p, e, NtCurrentProcess(), &c, 0, 0, DUPLICATE_SAME_ACCESS));
    TL_CHECK_EQ(STATUS_SUCCESS, NtTerminateProcess(p, 0x5));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(p, MS(5000)));
    NtClose(p);
    NtClose(t);
    NtClose(e);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "intruder"))
        return Intruder();
    if (argc > 1 && !strcmp(argv[1], "idle"))
        return 0;
    TL_RUN(dup_cannot_defeat_share_mode);
    TL_RUN(dup_file_never_raises_access);
    TL_RUN(generic_read_is_not_everything);
    TL_RUN(dup_other_types_never_raise_access);
    TL_RUN(dup_across_processes_never_raises_access);
    TL_RUN(openif_grants_what_was_asked);
    TL_RUN(child_inherits_nothing);
    TL_FINISH();
}

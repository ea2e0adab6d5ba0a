/*
 * namedobj.c - named kernel objects (ob/obdir.c): events, semaphores, mutants and timers with
 * names in \BaseNamedObjects, opened from this process and from a child, OBJ_OPENIF and
 * OBJ_CASE_INSENSITIVE, collisions and type mismatches, the name leaving with the last handle,
 * bad names and pointers, directory handles as RootDirectory, and a pool leak check.
 * As a child ("namedobj.exe child") it opens the parent's event and semaphore and signals them.
 */
#include "testlib.h"

#define MS(n) (-(LONGLONG)(n) * 10000)
#define LEAK_ROUNDS 300

static WCHAR NameBuffer[400];
static UNICODE_STRING NameString;
static OBJECT_ATTRIBUTES Attributes;

/* Attributes naming the ASCII string Name (NULL: no name), with attribute bits Flags. */
static POBJECT_ATTRIBUTES Named(const char *Name, ULONG Flags)
{
    int n = 0;
    for (; Name && Name[n]; n++)
        NameBuffer[n] = (WCHAR)Name[n];
    NameString.Buffer = NameBuffer;
    NameString.Length = NameString.MaximumLength = (USHORT)(n * 2);
    Attributes.Length = sizeof(Attributes);
    Attributes.RootDirectory = NULL;
    Attributes.ObjectName = Name ? &NameString : NULL;
    Attributes.Attributes = Flags;
    Attributes.SecurityDescriptor = Attributes.SecurityQualityOfService = NULL;
    return &Attributes;
}

static NTSTATUS CreateEvent(PHANDLE Handle, const char *Name, ULONG Flags)
{
    return NtCreateEvent(Handle, EVENT_ALL_ACCESS, Named(Name, Flags), NotificationEvent, FALSE);
}

static NTSTATUS OpenEvent(PHANDLE Handle, const char *Name, ULONG Flags)
{
    return NtOpenEvent(Handle, EVENT_ALL_ACCESS, Named(Name, Flags));
}

static NTSTATUS WaitOne(HANDLE h, LONGLONG Timeout)
{
    LARGE_INTEGER t;
    t.QuadPart = Timeout;
    return NtWaitForSingleObject(h, FALSE, &t);
}

TL_TEST(create_and_open_event)
{
    HANDLE a = 0, b = 0, c = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&a, "\\BaseNamedObjects\\NoEvent1", 0));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&b, "\\BaseNamedObjects\\NoEvent1", 0));
    TL_CHECK(a != b);
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(a, 0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetEvent(b, NULL));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(a, 0));                  /* the same object */
    /* case: exact without OBJ_CASE_INSENSITIVE, folded with it */
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, OpenEvent(&c, "\\BaseNamedObjects\\NOEVENT1", 0));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, OpenEvent(&c, "\\basenamedobjects\\NoEvent1", 0));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&c, "\\basenamedobjects\\NOEVENT1", OBJ_CASE_INSENSITIVE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtResetEvent(c, NULL));
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(a, 0));
    NtClose(c);
    /* a case-sensitive create beside it is another name */
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&c, "\\BaseNamedObjects\\NOEVENT1", 0));
    TL_CHECK_EQ(STATUS_WAIT_0, (NtSetEvent(c, NULL), WaitOne(c, 0)));
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(a, 0));
    NtClose(c); NtClose(b); NtClose(a);
}

TL_TEST(openif_collision_mismatch)
{
    HANDLE a = 0, b = 0, c = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&a, "\\BaseNamedObjects\\NoEvent2", OBJ_OPENIF));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, CreateEvent(&b, "\\BaseNamedObjects\\NoEvent2", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_EXISTS, CreateEvent(&b, "\\BaseNamedObjects\\NoEvent2", OBJ_OPENIF));
    TL_CHECK(NT_SUCCESS(STATUS_OBJECT_NAME_EXISTS));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetEvent(b, NULL));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(a, 0));                  /* b is the existing event */
    TL_CHECK_EQ(STATUS_OBJECT_NAME_EXISTS,
                CreateEvent(&c, "\\BASENAMEDOBJECTS\\noevent2", OBJ_OPENIF | OBJ_CASE_INSENSITIVE));
    NtClose(c);
    /* another type under that name */
    TL_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION,
                NtCreateSemaphore(&c, SEMAPHORE_ALL_ACCESS, Named("\\BaseNamedObjects\\NoEvent2", 0), 0, 1));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH,
                NtCreateSemaphore(&c, SEMAPHORE_ALL_ACCESS, Named("\\BaseNamedObjects\\NoEvent2", OBJ_OPENIF), 0, 1));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH,
                NtOpenMutant(&c, MUTANT_ALL_ACCESS, Named("\\BaseNamedObjects\\NoEvent2", 0)));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH,
                NtOpenTimer(&c, TIMER_ALL_ACCESS, Named("\\BaseNamedObjects\\NoEvent2", 0)));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, OpenEvent(&c, "\\BaseNamedObjects", 0));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, OpenEvent(&c, "\\", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_COLLISION, CreateEvent(&c, "\\BaseNamedObjects", 0));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, CreateEvent(&c, "\\", OBJ_OPENIF));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, CreateEvent(&c, "\\BaseNamedObjects\\NoEvent2\\x", 0));
    NtClose(b); NtClose(a);
}

TL_TEST(all_four_types)
{
    HANDLE a = 0, b = 0;
    LONG prev = -1;
    /* semaphore */
    TL_CHECK_EQ(STATUS_SUCCESS,
                NtCreateSemaphore(&a, SEMAPHORE_ALL_ACCESS, Named("\\BaseNamedObjects\\NoSem", 0), 1, 5));
    TL_CHECK_EQ(STATUS_SUCCESS, NtOpenSemaphore(&b, SEMAPHORE_ALL_ACCESS, Named("\\BaseNamedObjects\\NoSem", 0)));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseSemaphore(b, 2, &prev));
    TL_CHECK_EQ(1, prev);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_EXISTS,
                NtCreateSemaphore(&b, SEMAPHORE_ALL_ACCESS, Named("\\BaseNamedObjects\\NoSem", OBJ_OPENIF), 0, 1));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseSemaphore(a, 1, &prev));
    TL_CHECK_EQ(3, prev);                                       /* the original 5-maximum one */
    NtClose(a); NtClose(b);
    /* mutant: the opened handle sees the owner's mutant */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateMutant(&a, MUTANT_ALL_ACCESS, Named("\\BaseNamedObjects\\NoMutant", 0), TRUE));
    TL_CHECK_EQ(STATUS_SUCCESS, NtOpenMutant(&b, MUTANT_ALL_ACCESS, Named("\\BaseNamedObjects\\NoMutant", 0)));
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseMutant(b, &prev));
    TL_CHECK_EQ(0, prev);
    TL_CHECK_EQ(STATUS_MUTANT_NOT_OWNED, NtReleaseMutant(a, NULL));
    NtClose(a); NtClose(b);
    /* an OBJ_OPENIF create with InitialOwner opens the existing mutant, not owned */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateMutant(&a, MUTANT_ALL_ACCESS, Named("\\BaseNamedObjects\\NoMutant", 0), FALSE));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_EXISTS,
                NtCreateMutant(&b, MUTANT_ALL_ACCESS, Named("\\BaseNamedObjects\\NoMutant", OBJ_OPENIF), TRUE));
    TL_CHECK_EQ(STATUS_MUTANT_NOT_OWNED, NtReleaseMutant(b, NULL));
    NtClose(a); NtClose(b);
    /* timer */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateTimer(&a, TIMER_ALL_ACCESS, Named("\\BaseNamedObjects\\NoTimer", 0),
                                              NotificationTimer));
    TL_CHECK_EQ(STATUS_SUCCESS, NtOpenTimer(&b, TIMER_ALL_ACCESS, Named("\\BaseNamedObjects\\NoTimer", 0)));
    LARGE_INTEGER due;
    due.QuadPart = MS(10);
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetTimer(b, &due, NULL, NULL, FALSE, 0, NULL));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(a, MS(2000)));
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, OpenEvent(&b, "\\BaseNamedObjects\\NoTimer", 0));
    NtClose(a); NtClose(b);
    /* a name directly in the root */
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&a, "\\NoRootEvent", 0));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&b, "\\NoRootEvent", 0));
    NtClose(a); NtClose(b);
}

TL_TEST(name_goes_with_last_handle)
{
    HANDLE a = 0, b = 0, c = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&a, "\\BaseNamedObjects\\NoTemp", 0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtSetEvent(a, NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&b, "\\BaseNamedObjects\\NoTemp", 0));
    NtClose(a);
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&c, "\\BaseNamedObjects\\NoTemp", 0));   /* b keeps it */
    NtClose(c);
    NtClose(b);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, OpenEvent(&c, "\\BaseNamedObjects\\NoTemp", 0));
    /* re-created: a fresh event (not signalled), not the old one */
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&a, "\\BaseNamedObjects\\NoTemp", OBJ_OPENIF));
    TL_CHECK_EQ(STATUS_TIMEOUT, WaitOne(a, 0));
    NtClose(a);
    /* a handle duplicated keeps the name too */
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&a, "\\BaseNamedObjects\\NoTemp", 0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtDuplicateObject(NtCurrentProcess(), a, NtCurrentProcess(), &b, 0, 0,
                                                  DUPLICATE_SAME_ACCESS));
    NtClose(a);
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&c, "\\BaseNamedObjects\\NoTemp", 0));
    NtClose(c); NtClose(b);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, OpenEvent(&c, "\\BaseNamedObjects\\NoTemp", 0));
}

TL_TEST(bad_names_and_pointers)
{
    HANDLE h = 0;
    char longName[300] = "\\BaseNamedObjects\\";
    for (int i = 18; i < 256; i++)
        longName[i] = 'x';
    longName[256] = 0;                                          /* 256 characters */
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, CreateEvent(&h, longName, 0));
    longName[255] = 0;                                          /* 255: allowed */
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&h, longName, 0));
    NtClose(h);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, CreateEvent(&h, "", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, OpenEvent(&h, "", 0));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, CreateEvent(&h, "NoSlash", 0));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, CreateEvent(&h, "\\NoSuchDir\\X", 0));
    TL_CHECK_EQ(STATUS_OBJECT_PATH_NOT_FOUND, OpenEvent(&h, "\\NoSuchDir\\X", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, CreateEvent(&h, "\\BaseNamedObjects\\", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, CreateEvent(&h, "\\BaseNamedObjects\\\\x", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, CreateEvent(&h, "\\\\", 0));
    Named("\\BaseNamedObjects\\NoNul", 0);
    NameBuffer[20] = 0;                                         /* an embedded NUL */
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, NtCreateEvent(&h, EVENT_ALL_ACCESS, &Attributes, NotificationEvent, 0));
    Named("\\BaseNamedObjects\\NoOdd", 0);
    NameString.Length = 9;                                      /* odd byte count */
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, NtCreateEvent(&h, EVENT_ALL_ACCESS, &Attributes, NotificationEvent, 0));
    Named("\\BaseNamedObjects\\NoBits", 0x10000);               /* unknown attribute bit */
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtCreateEvent(&h, EVENT_ALL_ACCESS, &Attributes, NotificationEvent, 0));
    Named("\\BaseNamedObjects\\NoLen", 0);
    Attributes.Length = 8;
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtOpenEvent(&h, EVENT_ALL_ACCESS, &Attributes));
    TL_CHECK_EQ(STATUS_INVALID_PARAMETER, NtOpenEvent(&h, EVENT_ALL_ACCESS, NULL));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_INVALID, NtOpenEvent(&h, EVENT_ALL_ACCESS, Named(NULL, 0)));
    /* bad pointers: the attributes, the name, its buffer, the handle */
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtOpenEvent(&h, EVENT_ALL_ACCESS, (POBJECT_ATTRIBUTES)0x80000000));
    Named("\\BaseNamedObjects\\NoPtr", 0);
    Attributes.ObjectName = (PUNICODE_STRING)0x80001000;
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtCreateEvent(&h, EVENT_ALL_ACCESS, &Attributes, NotificationEvent, 0));
    Named("\\BaseNamedObjects\\NoPtr", 0);
    NameString.Buffer = (PWSTR)0xC0000000;
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, NtOpenEvent(&h, EVENT_ALL_ACCESS, &Attributes));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, CreateEvent((PHANDLE)0x80000000, "\\BaseNamedObjects\\NoPtr", 0));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, OpenEvent(&h, "\\BaseNamedObjects\\NoPtr", 0));   /* left nothing */
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&h, "\\BaseNamedObjects\\NoPtr", 0));
    TL_CHECK_EQ(STATUS_ACCESS_VIOLATION, OpenEvent((PHANDLE)0x80000000, "\\BaseNamedObjects\\NoPtr", 0));
    NtClose(h);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, OpenEvent(&h, "\\BaseNamedObjects\\NoPtr", 0));
}

TL_TEST(directory_handles)
{
    HANDLE dir = 0, ev = 0, a = 0, b = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, NtOpenDirectoryObject(&dir, DIRECTORY_ALL_ACCESS, Named("\\BaseNamedObjects", 0)));
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND,
                NtOpenDirectoryObject(&b, DIRECTORY_ALL_ACCESS, Named("\\BaseNamedObjects\\Nothing", 0)));
    Named("NoRelative", 0);
    Attributes.RootDirectory = dir;
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&a, EVENT_ALL_ACCESS, &Attributes, NotificationEvent, FALSE));
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&b, "\\BaseNamedObjects\\NoRelative", 0));
    NtClose(b);
    Named("\\BaseNamedObjects\\NoRelative", 0);
    Attributes.RootDirectory = dir;                            /* relative names have no leading "\" */
    TL_CHECK_EQ(STATUS_OBJECT_PATH_SYNTAX_BAD, NtOpenEvent(&b, EVENT_ALL_ACCESS, &Attributes));
    /* RootDirectory must be a directory handle */
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateEvent(&ev, EVENT_ALL_ACCESS, NULL, NotificationEvent, FALSE));
    Named("NoRelative", 0);
    Attributes.RootDirectory = ev;
    TL_CHECK_EQ(STATUS_OBJECT_TYPE_MISMATCH, NtOpenEvent(&b, EVENT_ALL_ACCESS, &Attributes));
    Attributes.RootDirectory = (HANDLE)0x7770;
    TL_CHECK_EQ(STATUS_INVALID_HANDLE, NtOpenEvent(&b, EVENT_ALL_ACCESS, &Attributes));
    NtClose(dir);
    NtClose(ev);
    /* the directories stay after their handles close */
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&b, "\\BaseNamedObjects\\NoRelative", 0));
    NtClose(b);
    NtClose(a);
    TL_CHECK_EQ(STATUS_SUCCESS, NtOpenDirectoryObject(&dir, DIRECTORY_ALL_ACCESS, Named("\\", 0)));
    NtClose(dir);
}

TL_TEST(across_processes)
{
    HANDLE ev = 0, sem = 0, p = 0, t = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, CreateEvent(&ev, "\\BaseNamedObjects\\NoCross", 0));
    TL_CHECK_EQ(STATUS_SUCCESS,
                NtCreateSemaphore(&sem, SEMAPHORE_ALL_ACCESS, Named("\\BaseNamedObjects\\NoCrossSem", 0), 0, 10));
    static WCHAR path[] = u"\\SystemRoot\\namedobj.exe", cmd[] = u"namedobj.exe child";
    UNICODE_STRING up = { sizeof(path) - 2, sizeof(path), path }, uc = { sizeof(cmd) - 2, sizeof(cmd), cmd };
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateUserProcessFromPath(&p, &t, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, &uc,
                                                            0, NULL));
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(ev, MS(5000)));           /* the child set it */
    TL_CHECK_EQ(STATUS_WAIT_0, WaitOne(p, MS(5000)));
    PROCESS_BASIC_INFORMATION pbi;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof(pbi), NULL));
    TL_CHECK_EQ(0, pbi.ExitStatus);
    LONG prev = -1;
    TL_CHECK_EQ(STATUS_SUCCESS, NtReleaseSemaphore(sem, 1, &prev));
    TL_CHECK_EQ(3, prev);                                       /* the child released 3 */
    /* the child's handles went with it; ours keep the names */
    HANDLE h = 0;
    TL_CHECK_EQ(STATUS_SUCCESS, OpenEvent(&h, "\\BaseNamedObjects\\NoCross", 0));
    NtClose(h);
    NtClose(p); NtClose(t); NtClose(ev); NtClose(sem);
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, OpenEvent(&h, "\\BaseNamedObjects\\NoCross", 0));
}

/* The child: open the parent's objects by name and signal them. Exit status 0 = all went well. */
static int Child(void)
{
    HANDLE ev, sem;
    NTSTATUS s = NtOpenSemaphore(&sem, SEMAPHORE_MODIFY_STATE, Named("\\BaseNamedObjects\\NoCrossSem", 0));
    if (s)
        return 0x100 | (s & 0xFF);
    if ((s = NtReleaseSemaphore(sem, 3, NULL)))
        return 0x200 | (s & 0xFF);
    s = OpenEvent(&ev, "\\basenamedobjects\\nocross", OBJ_CASE_INSENSITIVE);
    if (s)
        return 0x300 | (s & 0xFF);
    if ((s = NtSetEvent(ev, NULL)))
        return 0x400 | (s & 0xFF);
    return 0;                                                   /* handles close at exit */
}

typedef struct {                       /* EX_POOL_USAGE (inc/pool.h), class 0x1000 */
    SIZE_T BytesInUse;
    ULONG AllocationsInUse, TotalAllocations, TotalFrees, PagesInUse;
} EX_POOL_USAGE_USER;

static EX_POOL_USAGE_USER PoolUsage(void)
{
    EX_POOL_USAGE_USER u = { 0 };
    NtQuerySystemInformation(SystemNanoNtPoolInformation, &u, sizeof(u), NULL);
    return u;
}

TL_TEST(no_leaks)
{
    char name[64];
    HANDLE a, b, c;
    EX_POOL_USAGE_USER before = PoolUsage();
    int failures = 0;
    for (int i = 0; i < LEAK_ROUNDS && failures < 3; i++) {
        RtlFormatString(name, sizeof(name), "\\BaseNamedObjects\\NoLeak%d", i % 7);
        NTSTATUS s1 = CreateEvent(&a, name, 0);
        NTSTATUS s2 = CreateEvent(&b, name, OBJ_OPENIF);
        NTSTATUS s3 = CreateEvent(&c, name, 0);
        NTSTATUS s4 = NtCreateMutant(&c, MUTANT_ALL_ACCESS, Named(name, OBJ_OPENIF), TRUE);
        NTSTATUS s5 = OpenEvent(&c, name, 0);
        if (s1 != STATUS_SUCCESS || s2 != STATUS_OBJECT_NAME_EXISTS || s3 != STATUS_OBJECT_NAME_COLLISION ||
            s4 != STATUS_OBJECT_TYPE_MISMATCH || s5 != STATUS_SUCCESS) {
            TL_FAIL("round %d: 0x%x 0x%x 0x%x 0x%x 0x%x", i, (unsigned)s1, (unsigned)s2, (unsigned)s3,
                    (unsigned)s4, (unsigned)s5);
            failures++;
        }
        NtClose(a); NtClose(b); NtClose(c);
        NTSTATUS s6 = NtCreateSemaphore(&a, SEMAPHORE_ALL_ACCESS, Named(name, 0), 0, 1);
        if (s6 != STATUS_SUCCESS) {
            TL_FAIL("round %d: semaphore 0x%x", i, (unsigned)s6);
            failures++;
        }
        NtClose(a);
    }
    EX_POOL_USAGE_USER after = PoolUsage();
    printf("pool: %u -> %u bytes, %u -> %u allocations after %d rounds\n", (unsigned)before.BytesInUse,
           (unsigned)after.BytesInUse, (unsigned)before.AllocationsInUse, (unsigned)after.AllocationsInUse,
           LEAK_ROUNDS);
    TL_CHECK_EQ(before.BytesInUse, after.BytesInUse);
    TL_CHECK_EQ(before.AllocationsInUse, after.AllocationsInUse);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child"))
        return Child();
    TL_RUN(create_and_open_event);
    TL_RUN(openif_collision_mismatch);
    TL_RUN(all_four_types);
    TL_RUN(name_goes_with_last_handle);
    TL_RUN(bad_names_and_pointers);
    TL_RUN(directory_handles);
    TL_RUN(across_processes);
    TL_RUN(no_leaks);
    TL_FINISH();
}

/*
 * natdlls.c - the user-mode loader and the file and section services, from a native program
 * built only with mingw-w64's headers and libntdll.a (disk=yes: the DLLs are in
 * \SystemRoot\system32). Its static imports: natdlla.dll by name and by ordinal (NatSecret has
 * no name) and natdllb.dll, which has natdlla's preferred base (so it is relocated) and imports
 * natdlla by ordinal. At run time: natdllc.dll through LdrLoadDll / LdrGetProcedureAddress /
 * LdrUnloadDll, DLL_THREAD_ATTACH / DETACH, a DLL with a missing import, a bad image, a missing DLL.
 */
#include "nttest.h"

ULONG NTAPI NatAdd(ULONG A, ULONG B);
LONG NTAPI NatAttachCount(void);
ULONG NTAPI NatSecret(void);
const ULONG *NTAPI NatNotes(PULONG Count);
ULONG *NTAPI NatBGlobal(void);
ULONG NTAPI NatBSecret(void);

static NT_PEB_LDR_DATA *Ldr;

static NT_LDR_ENTRY *FindModule(PCWSTR Name)
{
    for (LIST_ENTRY *e = Ldr->InLoadOrderModuleList.Flink; e != &Ldr->InLoadOrderModuleList; e = e->Flink) {
        NT_LDR_ENTRY *m = (NT_LDR_ENTRY *)e;
        UNICODE_STRING want;
        RtlInitUnicodeString(&want, Name);
        if (RtlEqualUnicodeString(&want, &m->BaseDllName, TRUE))
            return m;
    }
    return NULL;
}

/* Was note (Who, Reason) logged, and at which position (or -1)? */
static LONG NoteIndex(ULONG Who, ULONG Reason)
{
    ULONG count;
    const ULONG *notes = NatNotes(&count);
    for (ULONG i = 0; i < count; i++)
        if (notes[i] == ((Who << 8) | Reason))
            return (LONG)i;
    return -1;
}

static void StaticImports(void)
{
    NT_CHECK(NatAdd(40, 2) == 42);
    NT_CHECK(NatSecret() == 0x5EC7E7);                  /* imported by ordinal */
    NT_CHECK((NatAttachCount() & 0xFF) == 1);           /* one DLL_PROCESS_ATTACH, before the entry */
    /* natdlla initialized before natdllb, which depends on it */
    LONG a = NoteIndex('A', DLL_PROCESS_ATTACH), b = NoteIndex('B', DLL_PROCESS_ATTACH);
    NT_CHECK(a >= 0 && b > a);
    NT_LDR_ENTRY *ma = FindModule(L"natdlla.dll"), *mb = FindModule(L"natdllb.dll");
    NT_CHECK(ma && mb);
    NT_CHECK(ma->LoadCount == 0xFFFF && mb->LoadCount == 0xFFFF);   /* static imports stay */
    NT_CHECK(ma->FullDllName.Length > ma->BaseDllName.Length);
    /* initialization order: natdlla's entry before natdllb's */
    LONG ia = -1, ib = -1, i = 0;
    for (LIST_ENTRY *e = Ldr->InInitializationOrderModuleList.Flink; e != &Ldr->InInitializationOrderModuleList;
         e = e->Flink, i++) {
        NT_LDR_ENTRY *m = CONTAINING_RECORD(e, NT_LDR_ENTRY, InInitializationOrderLinks);
        if (m == ma)
            ia = i;
        if (m == mb)
            ib = i;
    }
    NT_CHECK(ia >= 0 && ib > ia);
}

static void RelocatedDll(void)
{
    NT_LDR_ENTRY *ma = FindModule(L"natdlla.dll"), *mb = FindModule(L"natdllb.dll");
    NT_CHECK(ma && mb);
    /* both want 0x10000000: the first mapped got it, the other was relocated */
    NT_CHECK(ma->DllBase == (PVOID)0x10000000 || mb->DllBase == (PVOID)0x10000000);
    NT_CHECK(ma->DllBase != mb->DllBase);
    ULONG *global = NatBGlobal();
    NT_CHECK(global != NULL);
    NT_CHECK((PUCHAR)global >= (PUCHAR)mb->DllBase && (PUCHAR)global < (PUCHAR)mb->DllBase + mb->SizeOfImage);
    NT_CHECK(*global == 0xB0B0);
    NT_CHECK(NatBSecret() == 0x5EC7E7 + 0xB0B0);
}

static ULONG NTAPI QuietThread(PVOID Parameter)
{
    return (ULONG)(ULONG_PTR)Parameter;
}

static void ThreadAttachDetach(void)
{
    LONG before = NatAttachCount();
    HANDLE thread;
    NT_CHECK_STATUS(RtlCreateUserThread(NtCurrentProcess(), NULL, FALSE, 0, 0, 0, QuietThread, (PVOID)5, &thread,
                                        NULL), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtWaitForSingleObject(thread, FALSE, NULL), STATUS_SUCCESS);
    NtClose(thread);
    LONG after = NatAttachCount();
    NT_CHECK(((after >> 8) & 0xFF) == ((before >> 8) & 0xFF) + 1);     /* DLL_THREAD_ATTACH */
    NT_CHECK(((after >> 16) & 0xFF) == ((before >> 16) & 0xFF) + 1);   /* DLL_THREAD_DETACH */
}

typedef ULONG (NTAPI *PNAT_VALUE)(void);

static void DynamicLoad(void)
{
    UNICODE_STRING name;
    PVOID dll, again, address;
    RtlInitUnicodeString(&name, L"natdllc.dll");
    NT_CHECK_STATUS(LdrGetDllHandle(NULL, NULL, &name, &dll), STATUS_DLL_NOT_FOUND);
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &dll), STATUS_SUCCESS);
    NT_CHECK(NoteIndex('C', DLL_PROCESS_ATTACH) >= 0);
    RtlInitUnicodeString(&name, L"NATDLLC");
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &again), STATUS_SUCCESS);   /* a second load: a count */
    NT_CHECK(again == dll);
    NT_LDR_ENTRY *mc = FindModule(L"natdllc.dll");
    NT_CHECK(mc && mc->LoadCount == 2 && mc->DllBase == dll);
    ANSI_STRING proc;
    RtlInitAnsiString(&proc, "NatCValue");
    NT_CHECK_STATUS(LdrGetProcedureAddress(dll, &proc, 0, &address), STATUS_SUCCESS);
    NT_CHECK(((PNAT_VALUE)address)() == 0xC0FFEE);
    PVOID byOrdinal;
    NT_CHECK_STATUS(LdrGetProcedureAddress(dll, NULL, 5, &byOrdinal), STATUS_SUCCESS);
    NT_CHECK(byOrdinal == address);
    NT_CHECK_STATUS(LdrGetProcedureAddress(dll, NULL, 6, &byOrdinal), STATUS_ORDINAL_NOT_FOUND);
    RtlInitAnsiString(&proc, "NatNoSuchExport");
    NT_CHECK_STATUS(LdrGetProcedureAddress(dll, &proc, 0, &address), STATUS_ENTRYPOINT_NOT_FOUND);
    NT_CHECK_STATUS(LdrUnloadDll(dll), STATUS_SUCCESS);
    NT_CHECK(NoteIndex('C', DLL_PROCESS_DETACH) < 0);   /* still one load left */
    NT_CHECK_STATUS(LdrUnloadDll(dll), STATUS_SUCCESS);
    NT_CHECK(NoteIndex('C', DLL_PROCESS_DETACH) >= 0);
    NT_CHECK(FindModule(L"natdllc.dll") == NULL);
    NT_CHECK_STATUS(LdrUnloadDll(dll), STATUS_DLL_NOT_FOUND);
    /* loaded again: a fresh image, attached again */
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &dll), STATUS_SUCCESS);
    NT_CHECK_STATUS(LdrUnloadDll(dll), STATUS_SUCCESS);
}

static void LoadFailures(void)
{
    UNICODE_STRING name;
    PVOID dll;
    RtlInitUnicodeString(&name, L"natnosuch.dll");
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &dll), STATUS_DLL_NOT_FOUND);
    RtlInitUnicodeString(&name, L"natdllm.dll");           /* imports a function natdlla lacks */
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &dll), STATUS_ENTRYPOINT_NOT_FOUND);
    NT_CHECK_STATUS(LdrGetDllHandle(NULL, NULL, &name, &dll), STATUS_DLL_NOT_FOUND);
    RtlInitUnicodeString(&name, L"natbad.dll");            /* not an image */
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &dll), STATUS_INVALID_IMAGE_FORMAT);
    RtlInitUnicodeString(&name, L"natbasic.exe");          /* an image, but not a DLL */
    NT_CHECK_STATUS(LdrLoadDll(NULL, NULL, &name, &dll), STATUS_INVALID_IMAGE_FORMAT);
    NT_CHECK(FindModule(L"natbad.dll") == NULL && FindModule(L"natbasic.exe") == NULL);
}

static void Files(void)
{
    UNICODE_STRING name;
    RtlInitUnicodeString(&name, L"\\SystemRoot\\natfile.txt");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    IO_STATUS_BLOCK io;
    HANDLE file;
    NT_CHECK_STATUS(NtCreateFile(&file, GENERIC_READ | GENERIC_WRITE | SYNCHRONIZE, &oa, &io, NULL,
                                 FILE_ATTRIBUTE_NORMAL, 0, FILE_OVERWRITE_IF,
                                 FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE, NULL, 0), STATUS_SUCCESS);
    char text[] = "written by a native program";
    LARGE_INTEGER offset = { .QuadPart = 0 };
    NT_CHECK_STATUS(NtWriteFile(file, NULL, NULL, NULL, &io, text, sizeof(text), &offset, NULL), STATUS_SUCCESS);
    NT_CHECK(io.Information == sizeof(text));
    char back[64] = { 0 };
    NT_CHECK_STATUS(NtReadFile(file, NULL, NULL, NULL, &io, back, sizeof(back), &offset, NULL), STATUS_SUCCESS);
    NT_CHECK(io.Information == sizeof(text));
    for (ULONG i = 0; i < sizeof(text); i++)
        NT_CHECK(back[i] == text[i]);
    FILE_STANDARD_INFORMATION standard;
    NT_CHECK_STATUS(NtQueryInformationFile(file, &io, &standard, sizeof(standard), FileStandardInformation),
                    STATUS_SUCCESS);
    NT_CHECK(standard.EndOfFile.QuadPart == sizeof(text));
    NT_CHECK_STATUS(NtClose(file), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtDeleteFile(&oa), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtOpenFile(&file, GENERIC_READ | SYNCHRONIZE, &oa, &io, FILE_SHARE_READ,
                               FILE_SYNCHRONOUS_IO_NONALERT), STATUS_OBJECT_NAME_NOT_FOUND);
}

static void Sections(void)
{
    /* a data section shared by two views */
    HANDLE section;
    LARGE_INTEGER size = { .QuadPart = 0x10000 };
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, &size, PAGE_READWRITE, SEC_COMMIT, NULL),
                    STATUS_SUCCESS);
    PVOID one = NULL, two = NULL;
    SIZE_T viewSize = 0;
    NT_CHECK_STATUS(NtMapViewOfSection(section, NtCurrentProcess(), &one, 0, 0, NULL, &viewSize, NtViewShare, 0,
                                       PAGE_READWRITE), STATUS_SUCCESS);
    viewSize = 0;
    NT_CHECK_STATUS(NtMapViewOfSection(section, NtCurrentProcess(), &two, 0, 0, NULL, &viewSize, NtViewShare, 0,
                                       PAGE_READWRITE), STATUS_SUCCESS);
    NT_CHECK(one != two);
    ((volatile ULONG *)one)[100] = 0xFEEDFACE;
    NT_CHECK(((volatile ULONG *)two)[100] == 0xFEEDFACE);
    NT_CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), one), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), two), STATUS_SUCCESS);
    NtClose(section);

    /* an image section of natdlla.dll: its base is taken (the loader mapped it), so the view is
       relocated elsewhere */
    UNICODE_STRING name;
    RtlInitUnicodeString(&name, L"\\SystemRoot\\system32\\natdlla.dll");
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, OBJ_CASE_INSENSITIVE, NULL, NULL);
    IO_STATUS_BLOCK io;
    HANDLE file;
    NT_CHECK_STATUS(NtOpenFile(&file, FILE_EXECUTE | SYNCHRONIZE, &oa, &io, FILE_SHARE_READ,
                               FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, file),
                    STATUS_SUCCESS);
    NtClose(file);
    PVOID view = NULL;
    viewSize = 0;
    NTSTATUS status = NtMapViewOfSection(section, NtCurrentProcess(), &view, 0, 0, NULL, &viewSize, NtViewShare, 0,
                                         PAGE_EXECUTE_READ);
    NT_LDR_ENTRY *ma = FindModule(L"natdlla.dll");
    NT_CHECK(ma != NULL);
    if (ma->DllBase == (PVOID)0x10000000)
        NT_CHECK(status == STATUS_IMAGE_NOT_AT_BASE && view != (PVOID)0x10000000);
    else
        NT_CHECK(NT_SUCCESS(status));
    NT_CHECK(((PUCHAR)view)[0] == 'M' && ((PUCHAR)view)[1] == 'Z');
    NT_CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), view), STATUS_SUCCESS);
    NtClose(section);
}

void NTAPI NtProcessStartup(PPEB Peb)
{
    Ldr = (NT_PEB_LDR_DATA *)Peb->Ldr;
    NT_RUN(StaticImports);
    NT_RUN(RelocatedDll);
    NT_RUN(ThreadAttachDetach);
    NT_RUN(DynamicLoad);
    NT_RUN(LoadFailures);
    NT_RUN(Files);
    NT_RUN(Sections);
    NtTestFinish();
}

/*
 * ldr.c - the user-mode image loader, as NT's ntdll has it.
 *
 * The kernel queues LdrInitializeThunk as a user APC to every new thread (ps/create.c); it runs
 * before the thread's first instruction (user/ntdll/dispatch.S). On a thread after the first it
 * sends DLL_THREAD_ATTACH to the initialized DLLs; on the process's first thread LdrpInitialize:
 *   1. makes the process heap (PEB->ProcessHeap) and the loader lists (PEB->Ldr, PEB_LDR_DATA),
 *      with entries for the executable and ntdll.dll;
 *   2. for a PE executable, snaps its imports: each named DLL is found among the loaded ones or
 *      mapped (NtCreateSection(SEC_IMAGE) + NtMapViewOfSection) from the executable's directory
 *      or \SystemRoot\system32, its own imports snapped the same way, depth first; functions are
 *      found by name (the hint first, then a binary search of the sorted name table) or by
 *      ordinal, forwarders followed;
 *   3. calls each DLL's entry point with DLL_PROCESS_ATTACH, dependencies first (the
 *      initialization-order list);
 *   4. sends the thread to the executable's entry (NtProcessStartup(PPEB) for a native program)
 *      through RtlUserThreadStart's neighbour LdrpProcessStartThunk; if the entry returns, the
 *      process ends with STATUS_SUCCESS after DLL_PROCESS_DETACH.
 * Any failure ends the process with its status: STATUS_DLL_NOT_FOUND, STATUS_ENTRYPOINT_NOT_FOUND,
 * STATUS_ORDINAL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT, STATUS_DLL_INIT_FAILED. Every RVA read
 * from an image is checked against its SizeOfImage first, so a malformed image is refused, not
 * followed. An ELF executable (NanoNT's second format) gets steps 1 and 4's heap and lists only;
 * its thread resumes at its own entry.
 *
 * Relocation: NanoNT's NtMapViewOfSection applies an image's base relocations itself when it
 * maps it away from its preferred base (docs/sections.md) and stores the new base in the view's
 * ImageBase, so the loader only checks that the headers agree with where the view is.
 * There is no loader lock: loading and unloading from several threads at once is not supported.
 */
#include "ntdll.h"
#include "ntdllp.h"
#include "ntimage.h"
#include "ntlist.h"

#define LDRP_MAX_PATH 260
#define LDRP_MAX_DEPENDENCIES 32
#define LDRP_STATIC_LOAD_COUNT 0xFFFF

/* an entry with the DLLs it imports (to release them when it is unloaded) */
typedef struct _LDRP_MODULE {
    LDR_DATA_TABLE_ENTRY Entry;
    ULONG DependencyCount;
    struct _LDRP_MODULE *Dependencies[LDRP_MAX_DEPENDENCIES];
    WCHAR Path[LDRP_MAX_PATH];
} LDRP_MODULE, *PLDRP_MODULE;

static PEB_LDR_DATA LdrpData;
static LDRP_MODULE LdrpExeModule, LdrpNtdllModule;
static volatile BOOLEAN LdrpProcessInitialized;
static BOOLEAN LdrpInitializationStarted;
static BOOLEAN LdrpInProcessInitialization;

static const WCHAR LdrpSystem32[] = L"\\SystemRoot\\system32\\";
static const WCHAR LdrpNtdllPath[] = L"\\SystemRoot\\system32\\ntdll.dll";

/* ------------------------------------------------------------------ image bounds */

/* The NT headers of the image at Base, or NULL when it is not a PE image; SizeOfImage bounds
   every later look. The kernel validated the headers of whatever it mapped as an image. */
static IMAGE_NT_HEADERS32 *LdrpImageNtHeaders(PVOID Base)
{
    const IMAGE_DOS_HEADER *dos = Base;
    if (!Base || dos->e_magic != 0x5A4D || dos->e_lfanew <= 0 || dos->e_lfanew > 0x10000)
        return NULL;
    IMAGE_NT_HEADERS32 *nt = (IMAGE_NT_HEADERS32 *)((PUCHAR)Base + dos->e_lfanew);
    if (nt->Signature != 0x00004550)
        return NULL;
    return nt;
}

/* TRUE when [Rva, Rva + Size) lies inside the image. */
static BOOLEAN LdrpRangeInImage(const IMAGE_NT_HEADERS32 *Nt, ULONG Rva, ULONG Size)
{
    ULONG image = Nt->OptionalHeader.SizeOfImage;
    return Rva < image && Size <= image - Rva;
}

/* TRUE when a NUL-terminated string starts at Rva and ends inside the image. */
static BOOLEAN LdrpStringInImage(PVOID Base, const IMAGE_NT_HEADERS32 *Nt, ULONG Rva)
{
    ULONG image = Nt->OptionalHeader.SizeOfImage;
    if (Rva == 0 || Rva >= image)
        return FALSE;
    for (const CHAR *p = (const CHAR *)Base + Rva; (ULONG)(p - (const CHAR *)Base) < image; p++)
        if (*p == 0)
            return TRUE;
    return FALSE;
}

/* Is [Rva, Rva + Size) inside one writable section? */
static BOOLEAN LdrpRvaWritable(IMAGE_NT_HEADERS32 *Nt, ULONG Rva, ULONG Size)
{
    const IMAGE_SECTION_HEADER *s = (const IMAGE_SECTION_HEADER *)
        ((PUCHAR)&Nt->OptionalHeader + Nt->FileHeader.SizeOfOptionalHeader);
    for (ULONG i = 0; i < Nt->FileHeader.NumberOfSections; i++, s++) {
        ULONG size = s->VirtualSize ? s->VirtualSize : s->SizeOfRawData;
        if (Rva >= s->VirtualAddress && Rva - s->VirtualAddress < size && Size <= size - (Rva - s->VirtualAddress))
            return (s->Characteristics & IMAGE_SCN_MEM_WRITE) != 0;
    }
    return FALSE;
}

/* ------------------------------------------------------------------ names */

static WCHAR LdrpUpcase(WCHAR c)
{
    return c >= 'a' && c <= 'z' ? (WCHAR)(c - 'a' + 'A') : c;
}

/* Does the module's base name equal Name (Length characters, case-insensitive), with ".dll"
   assumed when Name has no extension? */
static BOOLEAN LdrpNameMatches(PLDR_DATA_TABLE_ENTRY Entry, const WCHAR *Name, ULONG Length)
{
    ULONG have = Entry->BaseDllName.Length / sizeof(WCHAR);
    const WCHAR *base = Entry->BaseDllName.Buffer;
    BOOLEAN dot = FALSE;
    for (ULONG i = 0; i < Length; i++)
        if (Name[i] == '.')
            dot = TRUE;
    if (!dot) {
        if (have != Length + 4)
            return FALSE;
        if (LdrpUpcase(base[Length]) != '.' || LdrpUpcase(base[Length + 1]) != 'D' ||
            LdrpUpcase(base[Length + 2]) != 'L' || LdrpUpcase(base[Length + 3]) != 'L')
            return FALSE;
    } else if (have != Length) {
        return FALSE;
    }
    for (ULONG i = 0; i < Length; i++)
        if (LdrpUpcase(base[i]) != LdrpUpcase(Name[i]))
            return FALSE;
    return TRUE;
}

/* Module's base name in ASCII, for diagnostics. */
static const CHAR *LdrpNarrowName(PLDRP_MODULE Module, CHAR *Buffer, ULONG Size)
{
    ULONG n = Module->Entry.BaseDllName.Length / sizeof(WCHAR), i;
    for (i = 0; i < n && i + 1 < Size; i++)
        Buffer[i] = Module->Entry.BaseDllName.Buffer[i] < 0x80 ? (CHAR)Module->Entry.BaseDllName.Buffer[i] : '?';
    Buffer[i] = 0;
    return Buffer;
}

/* The loaded module whose base name is Name, or NULL. */
static PLDRP_MODULE LdrpFindLoaded(const WCHAR *Name, ULONG Length)
{
    ULONG start = 0;
    for (ULONG i = 0; i < Length; i++)
        if (Name[i] == '\\' || Name[i] == '/')
            start = i + 1;
    for (PLIST_ENTRY e = LdrpData.InLoadOrderModuleList.Flink; e != &LdrpData.InLoadOrderModuleList; e = e->Flink) {
        PLDR_DATA_TABLE_ENTRY entry = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InLoadOrderLinks);
        if (LdrpNameMatches(entry, Name + start, Length - start))
            return (PLDRP_MODULE)entry;
    }
    return NULL;
}

/* The module whose image contains Address (or whose base it is), or NULL. */
static PLDRP_MODULE LdrpFindByAddress(PVOID Address)
{
    for (PLIST_ENTRY e = LdrpData.InLoadOrderModuleList.Flink; e != &LdrpData.InLoadOrderModuleList; e = e->Flink) {
        PLDR_DATA_TABLE_ENTRY entry = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InLoadOrderLinks);
        if ((ULONG)Address - (ULONG)entry->DllBase < (entry->SizeOfImage ? entry->SizeOfImage : 1))
            return (PLDRP_MODULE)entry;
    }
    return NULL;
}

/* Point the entry's names at its Path: FullDllName the whole, BaseDllName its last component. */
static VOID LdrpSetNames(PLDRP_MODULE Module)
{
    ULONG length = 0, start = 0;
    while (length < LDRP_MAX_PATH - 1 && Module->Path[length]) {
        if (Module->Path[length] == '\\' || Module->Path[length] == '/')
            start = length + 1;
        length++;
    }
    Module->Path[length] = 0;
    Module->Entry.FullDllName.Buffer = Module->Path;
    Module->Entry.FullDllName.Length = (USHORT)(length * sizeof(WCHAR));
    Module->Entry.FullDllName.MaximumLength = (USHORT)((length + 1) * sizeof(WCHAR));
    Module->Entry.BaseDllName.Buffer = Module->Path + start;
    Module->Entry.BaseDllName.Length = (USHORT)((length - start) * sizeof(WCHAR));
    Module->Entry.BaseDllName.MaximumLength = (USHORT)((length - start + 1) * sizeof(WCHAR));
}

/* Append Length characters of Source to the NUL-terminated Destination; FALSE when too long. */
static BOOLEAN LdrpAppend(WCHAR *Destination, const WCHAR *Source, ULONG Length)
{
    ULONG n = 0;
    while (Destination[n])
        n++;
    if (n + Length >= LDRP_MAX_PATH)
        return FALSE;
    for (ULONG i = 0; i < Length; i++)
        Destination[n + i] = Source[i];
    Destination[n + Length] = 0;
    return TRUE;
}

static ULONG LdrpWideLength(const WCHAR *String)
{
    ULONG n = 0;
    while (String[n])
        n++;
    return n;
}

/* ------------------------------------------------------------------ lists and entry points */

static VOID LdrpInsertModule(PLDRP_MODULE Module)
{
    InsertTailList(&LdrpData.InLoadOrderModuleList, &Module->Entry.InLoadOrderLinks);
    InsertTailList(&LdrpData.InMemoryOrderModuleList, &Module->Entry.InMemoryOrderLinks);
    InitializeListHead(&Module->Entry.InInitializationOrderLinks);
}

static VOID LdrpFillFromHeaders(PLDRP_MODULE Module, IMAGE_NT_HEADERS32 *Nt)
{
    Module->Entry.SizeOfImage = Nt->OptionalHeader.SizeOfImage;
    Module->Entry.TimeDateStamp = Nt->FileHeader.TimeDateStamp;
    if (Nt->OptionalHeader.AddressOfEntryPoint)
        Module->Entry.EntryPoint = (PUCHAR)Module->Entry.DllBase + Nt->OptionalHeader.AddressOfEntryPoint;
    if (Nt->FileHeader.Characteristics & IMAGE_FILE_DLL)
        Module->Entry.Flags |= LDRP_IMAGE_DLL;
}

typedef BOOLEAN (NTAPI *PLDRP_DLL_ENTRY)(PVOID DllHandle, ULONG Reason, PVOID Reserved);

/* Call a DLL's entry point for Reason (never the executable's, never ntdll's). */
static BOOLEAN LdrpCallEntry(PLDR_DATA_TABLE_ENTRY Entry, ULONG Reason, PVOID Reserved)
{
    if (!Entry->EntryPoint || !(Entry->Flags & LDRP_IMAGE_DLL))
        return TRUE;
    return ((PLDRP_DLL_ENTRY)Entry->EntryPoint)(Entry->DllBase, Reason, Reserved);
}

/*
 * LdrpRunInitializers - DLL_PROCESS_ATTACH for every module on the initialization-order list that
 * has not had it yet, in that order (dependencies before the DLLs that import them). A DLL whose
 * entry returns FALSE: STATUS_DLL_INIT_FAILED.
 */
static NTSTATUS LdrpRunInitializers(VOID)
{
    PLIST_ENTRY head = &LdrpData.InInitializationOrderModuleList;
    for (PLIST_ENTRY e = head->Flink; e != head; e = e->Flink) {
        PLDR_DATA_TABLE_ENTRY entry = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InInitializationOrderLinks);
        if (entry->Flags & LDRP_PROCESS_ATTACH_CALLED)
            continue;
        entry->Flags |= LDRP_PROCESS_ATTACH_CALLED | LDRP_ENTRY_PROCESSED;
        LdrpData.EntryInProgress = entry;
        BOOLEAN ok = LdrpCallEntry(entry, DLL_PROCESS_ATTACH, LdrpInProcessInitialization ? (PVOID)1 : NULL);
        LdrpData.EntryInProgress = NULL;
        if (!ok)
            return STATUS_DLL_INIT_FAILED;
    }
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ exports */

static NTSTATUS LdrpLoadDllByName(const WCHAR *Name, ULONG Length, BOOLEAN Static, PLDRP_MODULE *Module);

/*
 * LdrpGetExport - the address of an export of the image at Base: by Name (an ASCII string; Hint
 * is tried first) or, when Name is NULL, by Ordinal. A forwarder ("DLL.Name" or "DLL.#N") is
 * followed, loading that DLL. Result: STATUS_SUCCESS, STATUS_ENTRYPOINT_NOT_FOUND,
 * STATUS_ORDINAL_NOT_FOUND, STATUS_INVALID_IMAGE_FORMAT (a malformed export directory).
 */
static NTSTATUS LdrpGetExport(PVOID Base, const CHAR *Name, USHORT Hint, ULONG Ordinal, PVOID *Address)
{
    IMAGE_NT_HEADERS32 *nt = LdrpImageNtHeaders(Base);
    NTSTATUS missing = Name ? STATUS_ENTRYPOINT_NOT_FOUND : STATUS_ORDINAL_NOT_FOUND;
    if (!nt)
        return STATUS_INVALID_IMAGE_FORMAT;
    if (nt->OptionalHeader.NumberOfRvaAndSizes <= IMAGE_DIRECTORY_ENTRY_EXPORT)
        return missing;
    ULONG dirRva = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].VirtualAddress;
    ULONG dirSize = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_EXPORT].Size;
    if (!dirRva || !dirSize)
        return missing;
    if (!LdrpRangeInImage(nt, dirRva, sizeof(IMAGE_EXPORT_DIRECTORY)))
        return STATUS_INVALID_IMAGE_FORMAT;
    const IMAGE_EXPORT_DIRECTORY *dir = (const IMAGE_EXPORT_DIRECTORY *)((PUCHAR)Base + dirRva);
    if (dir->NumberOfFunctions > 0x10000 || dir->NumberOfNames > dir->NumberOfFunctions ||
        !LdrpRangeInImage(nt, dir->AddressOfFunctions, dir->NumberOfFunctions * 4) ||
        !LdrpRangeInImage(nt, dir->AddressOfNames, dir->NumberOfNames * 4) ||
        !LdrpRangeInImage(nt, dir->AddressOfNameOrdinals, dir->NumberOfNames * 2))
        return STATUS_INVALID_IMAGE_FORMAT;
    const ULONG *functions = (const ULONG *)((PUCHAR)Base + dir->AddressOfFunctions);
    const ULONG *names = (const ULONG *)((PUCHAR)Base + dir->AddressOfNames);
    const USHORT *ordinals = (const USHORT *)((PUCHAR)Base + dir->AddressOfNameOrdinals);

    ULONG index;
    if (Name) {
        LONG found = -1;
        if (Hint < dir->NumberOfNames && LdrpStringInImage(Base, nt, names[Hint]) &&
            strcmp((const CHAR *)Base + names[Hint], Name) == 0) {
            found = Hint;
        } else {
            LONG low = 0, high = (LONG)dir->NumberOfNames - 1;
            while (low <= high) {
                LONG middle = (low + high) / 2;
                if (!LdrpStringInImage(Base, nt, names[middle]))
                    return STATUS_INVALID_IMAGE_FORMAT;
                int order = strcmp(Name, (const CHAR *)Base + names[middle]);
                if (order == 0) {
                    found = middle;
                    break;
                }
                if (order < 0)
                    high = middle - 1;
                else
                    low = middle + 1;
            }
        }
        if (found < 0)
            return STATUS_ENTRYPOINT_NOT_FOUND;
        index = ordinals[found];
    } else {
        if (Ordinal < dir->Base)
            return STATUS_ORDINAL_NOT_FOUND;
        index = Ordinal - dir->Base;
    }
    if (index >= dir->NumberOfFunctions || functions[index] == 0)
        return missing;
    ULONG rva = functions[index];
    if (rva >= dirRva && rva - dirRva < dirSize) {
        /* a forwarder: "DLL.Function" or "DLL.#Ordinal" */
        if (!LdrpStringInImage(Base, nt, rva))
            return STATUS_INVALID_IMAGE_FORMAT;
        const CHAR *text = (const CHAR *)Base + rva;
        const CHAR *dot = strrchr(text, '.');
        if (!dot || dot == text || dot - text >= 64)
            return STATUS_INVALID_IMAGE_FORMAT;
        WCHAR dll[64];
        ULONG n = (ULONG)(dot - text);
        for (ULONG i = 0; i < n; i++)
            dll[i] = (UCHAR)text[i];
        PLDRP_MODULE target;
        NTSTATUS status = LdrpLoadDllByName(dll, n, TRUE, &target);
        if (!NT_SUCCESS(status))
            return status;
        if (dot[1] == '#') {
            ULONG ordinal = 0;
            for (const CHAR *p = dot + 2; *p >= '0' && *p <= '9'; p++)
                ordinal = ordinal * 10 + (ULONG)(*p - '0');
            return LdrpGetExport(target->Entry.DllBase, NULL, 0, ordinal, Address);
        }
        return LdrpGetExport(target->Entry.DllBase, dot + 1, 0, 0, Address);
    }
    if (rva >= nt->OptionalHeader.SizeOfImage)
        return STATUS_INVALID_IMAGE_FORMAT;
    *Address = (PUCHAR)Base + rva;
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ imports */

/*
 * LdrpSnapThunks - fill Count slots of Module's import address table at Iat from the lookup
 * table at Lookup, with the exports of Dll (named DllName in the image). An IAT outside a
 * writable section is made PAGE_READWRITE for the snap and given its protection back after it,
 * as NT's loader does (mingw puts the IAT in a writable .idata; other linkers put it in .rdata).
 */
static NTSTATUS LdrpSnapThunks(PLDRP_MODULE Module, IMAGE_NT_HEADERS32 *Nt, PLDRP_MODULE Dll,
                               const CHAR *DllName, ULONG Lookup, ULONG Iat, ULONG Count)
{
    PUCHAR base = Module->Entry.DllBase;
    PVOID protectBase = base + Iat;
    SIZE_T protectSize = 4 * Count;
    ULONG oldProtect = 0;
    NTSTATUS status = STATUS_SUCCESS;
    BOOLEAN unprotected = Count != 0 && !LdrpRvaWritable(Nt, Iat, 4 * Count);
    if (unprotected) {
        status = NtProtectVirtualMemory(NtCurrentProcess(), &protectBase, &protectSize, PAGE_READWRITE, &oldProtect);
        if (!NT_SUCCESS(status)) {
            CHAR me[64];
            DbgPrint("ntdll: %s: its import address table cannot be made writable: status 0x%08lX\n",
                     LdrpNarrowName(Module, me, sizeof(me)), (unsigned long)status);
            return status;
        }
    }
    for (ULONG i = 0; i < Count && NT_SUCCESS(status); i++) {
        ULONG thunk = *(const ULONG *)(base + Lookup + 4 * i);
        PVOID address = NULL;
        if (thunk & IMAGE_ORDINAL_FLAG32) {
            status = LdrpGetExport(Dll->Entry.DllBase, NULL, 0, thunk & 0xFFFF, &address);
        } else if (!LdrpRangeInImage(Nt, thunk, 3) || !LdrpStringInImage(base, Nt, thunk + 2)) {
            status = STATUS_INVALID_IMAGE_FORMAT;
        } else {
            const IMAGE_IMPORT_BY_NAME *byName = (const IMAGE_IMPORT_BY_NAME *)(base + thunk);
            status = LdrpGetExport(Dll->Entry.DllBase, byName->Name, byName->Hint, 0, &address);
            if (status == STATUS_ENTRYPOINT_NOT_FOUND) {
                CHAR me[64];
                DbgPrint("ntdll: %s imports %s from %s, which does not export it\n",
                         LdrpNarrowName(Module, me, sizeof(me)), byName->Name, DllName);
            }
        }
        if (NT_SUCCESS(status))
            *(PVOID *)(base + Iat + 4 * i) = address;
    }
    if (unprotected)
        NtProtectVirtualMemory(NtCurrentProcess(), &protectBase, &protectSize, oldProtect, &oldProtect);
    return status;
}

/*
 * LdrpSnapImports - load every DLL Module imports and fill its import address tables. Static
 * loads (the executable's, and theirs) are pinned (LoadCount 0xFFFF), as NT pins them.
 */
static NTSTATUS LdrpSnapImports(PLDRP_MODULE Module, BOOLEAN Static)
{
    PVOID base = Module->Entry.DllBase;
    IMAGE_NT_HEADERS32 *nt = LdrpImageNtHeaders(base);
    if (!nt)
        return STATUS_INVALID_IMAGE_FORMAT;
    if (nt->OptionalHeader.NumberOfRvaAndSizes <= IMAGE_DIRECTORY_ENTRY_IMPORT)
        return STATUS_SUCCESS;
    ULONG rva = nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT].VirtualAddress;
    if (!rva || !nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IMPORT].Size)
        return STATUS_SUCCESS;
    for (;; rva += sizeof(IMAGE_IMPORT_DESCRIPTOR)) {
        if (!LdrpRangeInImage(nt, rva, sizeof(IMAGE_IMPORT_DESCRIPTOR)))
            return STATUS_INVALID_IMAGE_FORMAT;
        const IMAGE_IMPORT_DESCRIPTOR *import = (const IMAGE_IMPORT_DESCRIPTOR *)((PUCHAR)base + rva);
        if (import->Name == 0 && import->FirstThunk == 0)
            break;
        if (!LdrpStringInImage(base, nt, import->Name) || !import->FirstThunk)
            return STATUS_INVALID_IMAGE_FORMAT;
        const CHAR *dllName = (const CHAR *)base + import->Name;
        WCHAR wide[LDRP_MAX_PATH];
        ULONG n = 0;
        while (dllName[n] && n < LDRP_MAX_PATH - 1) {
            wide[n] = (UCHAR)dllName[n];
            n++;
        }
        PLDRP_MODULE dll;
        NTSTATUS status = LdrpLoadDllByName(wide, n, Static, &dll);
        if (!NT_SUCCESS(status)) {
            CHAR me[64];
            DbgPrint("ntdll: %s imports from %s: status 0x%08lX\n", LdrpNarrowName(Module, me, sizeof(me)),
                     dllName, (unsigned long)status);
            return status;
        }
        if (Module->DependencyCount < LDRP_MAX_DEPENDENCIES)
            Module->Dependencies[Module->DependencyCount++] = dll;

        ULONG lookup = import->OriginalFirstThunk ? import->OriginalFirstThunk : import->FirstThunk;
        ULONG count = 0;
        for (;; count++) {
            if (!LdrpRangeInImage(nt, lookup + 4 * count, 4) || !LdrpRangeInImage(nt, import->FirstThunk + 4 * count, 4))
                return STATUS_INVALID_IMAGE_FORMAT;
            if (*(const ULONG *)((PUCHAR)base + lookup + 4 * count) == 0)
                break;
        }
        status = LdrpSnapThunks(Module, nt, dll, dllName, lookup, import->FirstThunk, count);
        if (!NT_SUCCESS(status))
            return status;
    }
    return STATUS_SUCCESS;
}

/* ------------------------------------------------------------------ mapping DLLs */

/* Map the file at Path (an NT path) as an image section view. STATUS_DLL_NOT_FOUND when there
   is no such file. */
static NTSTATUS LdrpMapFile(const WCHAR *Path, PVOID *Base)
{
    UNICODE_STRING name;
    RtlInitUnicodeString(&name, Path);
    OBJECT_ATTRIBUTES attributes = { sizeof(attributes), NULL, &name, OBJ_CASE_INSENSITIVE, NULL, NULL };
    IO_STATUS_BLOCK io;
    HANDLE file, section;
    NTSTATUS status = NtOpenFile(&file, FILE_EXECUTE | FILE_READ_DATA | SYNCHRONIZE, &attributes, &io,
                                 FILE_SHARE_READ | FILE_SHARE_DELETE,
                                 FILE_SYNCHRONOUS_IO_NONALERT | FILE_NON_DIRECTORY_FILE);
    if (!NT_SUCCESS(status))
        return status == STATUS_OBJECT_NAME_NOT_FOUND || status == STATUS_OBJECT_PATH_NOT_FOUND ||
               status == STATUS_OBJECT_NAME_INVALID || status == STATUS_OBJECT_PATH_SYNTAX_BAD
            ? STATUS_DLL_NOT_FOUND : status;
    status = NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, NULL, PAGE_EXECUTE, SEC_IMAGE, file);
    NtClose(file);
    if (!NT_SUCCESS(status))
        return status;
    PVOID view = NULL;
    SIZE_T size = 0;
    status = NtMapViewOfSection(section, NtCurrentProcess(), &view, 0, 0, NULL, &size, ViewShare, 0,
                                PAGE_EXECUTE_WRITECOPY);
    NtClose(section);
    if (!NT_SUCCESS(status))
        return status;
    *Base = view;
    return STATUS_SUCCESS;
}

/* The directory of the executable (its ImagePathName up to the last '\'), or 0 characters. */
static ULONG LdrpExecutableDirectory(const WCHAR **Directory)
{
    PRTL_USER_PROCESS_PARAMETERS p = NtCurrentPeb()->ProcessParameters;
    if (!p || !p->ImagePathName.Buffer)
        return 0;
    ULONG length = p->ImagePathName.Length / sizeof(WCHAR), end = 0;
    for (ULONG i = 0; i < length; i++)
        if (p->ImagePathName.Buffer[i] == '\\')
            end = i + 1;
    *Directory = p->ImagePathName.Buffer;
    return end;
}

/*
 * LdrpLoadDllByName - the module named Name (Length characters; a bare name, ".dll" assumed
 * without an extension, or a full NT path): found loaded (its count raised unless Static or
 * pinned), or mapped from the executable's directory, then \SystemRoot\system32, entered on the
 * lists, its imports snapped and itself put on the initialization-order list after its
 * dependencies. A failure unmaps what this call mapped.
 */
static NTSTATUS LdrpLoadDllByName(const WCHAR *Name, ULONG Length, BOOLEAN Static, PLDRP_MODULE *Module)
{
    if (Length == 0 || Length >= LDRP_MAX_PATH - 32)
        return STATUS_DLL_NOT_FOUND;
    PLDRP_MODULE module = LdrpFindLoaded(Name, Length);
    if (module) {
        if (Static)
            module->Entry.LoadCount = LDRP_STATIC_LOAD_COUNT;
        else if (module->Entry.LoadCount != LDRP_STATIC_LOAD_COUNT)
            module->Entry.LoadCount++;
        *Module = module;
        return STATUS_SUCCESS;
    }
    module = RtlAllocateHeap(NtCurrentPeb()->ProcessHeap, HEAP_ZERO_MEMORY, sizeof(LDRP_MODULE));
    if (!module)
        return STATUS_NO_MEMORY;

    BOOLEAN path = FALSE, dot = FALSE;
    for (ULONG i = 0; i < Length; i++) {
        if (Name[i] == '\\')
            path = TRUE;
        if (Name[i] == '.')
            dot = TRUE;
    }
    static const WCHAR dll[] = L".dll";
    NTSTATUS status = STATUS_DLL_NOT_FOUND;
    PVOID base = NULL;
    for (ULONG attempt = 0; attempt < 2 && status == STATUS_DLL_NOT_FOUND; attempt++) {
        module->Path[0] = 0;
        if (!path) {
            const WCHAR *directory;
            ULONG directoryLength = attempt == 0 ? LdrpExecutableDirectory(&directory) : 0;
            if (attempt == 0 && directoryLength == 0)
                continue;
            if (attempt == 0)
                LdrpAppend(module->Path, directory, directoryLength);
            else
                LdrpAppend(module->Path, LdrpSystem32, LdrpWideLength(LdrpSystem32));
        } else if (attempt == 1) {
            break;
        }
        LdrpAppend(module->Path, Name, Length);
        if (!dot)
            LdrpAppend(module->Path, dll, 4);
        status = LdrpMapFile(module->Path, &base);
    }
    if (!NT_SUCCESS(status)) {
        RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, module);
        return status;
    }

    IMAGE_NT_HEADERS32 *nt = LdrpImageNtHeaders(base);
    if (!nt || !(nt->FileHeader.Characteristics & IMAGE_FILE_DLL) || nt->OptionalHeader.ImageBase != (ULONG)base)
        status = STATUS_INVALID_IMAGE_FORMAT;   /* not a DLL, or a view the kernel did not relocate */
    if (NT_SUCCESS(status)) {
        module->Entry.DllBase = base;
        module->Entry.LoadCount = Static ? LDRP_STATIC_LOAD_COUNT : 1;
        module->Entry.Flags = LDRP_LOAD_IN_PROGRESS;
        LdrpFillFromHeaders(module, nt);
        LdrpSetNames(module);
        LdrpInsertModule(module);
        status = LdrpSnapImports(module, Static);
        module->Entry.Flags &= ~LDRP_LOAD_IN_PROGRESS;
        if (NT_SUCCESS(status)) {
            InsertTailList(&LdrpData.InInitializationOrderModuleList, &module->Entry.InInitializationOrderLinks);
            *Module = module;
            return STATUS_SUCCESS;
        }
        RemoveEntryList(&module->Entry.InLoadOrderLinks);
        RemoveEntryList(&module->Entry.InMemoryOrderLinks);
        for (ULONG i = 0; i < module->DependencyCount; i++)
            if (module->Dependencies[i]->Entry.LoadCount != LDRP_STATIC_LOAD_COUNT)
                LdrUnloadDll(module->Dependencies[i]->Entry.DllBase);
    }
    NtUnmapViewOfSection(NtCurrentProcess(), base);
    RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, module);
    return status;
}

/* ------------------------------------------------------------------ process and thread start */

/* Where a PE executable's first thread starts (EAX = its entry point, EBX = the PEB): the entry
   runs as NtProcessStartup(PPEB); if it returns, the process ends with STATUS_SUCCESS. */
__asm__(".text\n"
        ".globl _LdrpProcessStartThunk\n"
        "_LdrpProcessStartThunk:\n"
        "    pushl %ebx\n"
        "    pushl %eax\n"
        "    call _LdrpProcessStart@8\n"
        "    ud2\n");

typedef VOID (NTAPI *PLDRP_PROCESS_START)(PPEB Peb);

DECLSPEC_NORETURN VOID NTAPI LdrpProcessStart(PLDRP_PROCESS_START Entry, PPEB Peb)
{
    Entry(Peb);
    LdrShutdownProcess();
    NtTerminateProcess(NtCurrentProcess(), STATUS_SUCCESS);
    for (;;)
        ;
}

static VOID LdrpInitializeModuleFromPath(PLDRP_MODULE Module, PVOID Base, const WCHAR *Path, ULONG Length)
{
    Module->Entry.DllBase = Base;
    Module->Entry.LoadCount = LDRP_STATIC_LOAD_COUNT;
    Module->Path[0] = 0;
    LdrpAppend(Module->Path, Path, Length < LDRP_MAX_PATH - 1 ? Length : LDRP_MAX_PATH - 1);
    LdrpSetNames(Module);
    LdrpInsertModule(Module);
}

/*
 * LdrpInitializeProcess - steps 1-4 of the header comment. Context is the first thread's
 * initial state (EIP = the image's entry point as the kernel found it); NtdllBase and Flags are
 * the APC's system arguments (Flags: LDRP_INIT_IMAGE_IS_PE).
 */
static NTSTATUS LdrpInitializeProcess(PCONTEXT Context, PVOID NtdllBase, ULONG Flags)
{
    PPEB peb = NtCurrentPeb();
    peb->ProcessHeap = RtlCreateHeap(HEAP_GROWABLE, NULL, 0, 0, NULL, NULL);
    if (!peb->ProcessHeap)
        return STATUS_NO_MEMORY;
    LdrpData.Length = sizeof(LdrpData);
    InitializeListHead(&LdrpData.InLoadOrderModuleList);
    InitializeListHead(&LdrpData.InMemoryOrderModuleList);
    InitializeListHead(&LdrpData.InInitializationOrderModuleList);
    LdrpData.Initialized = TRUE;
    peb->Ldr = &LdrpData;

    /* the executable, then ntdll (always loaded, never initialized by a call) */
    PRTL_USER_PROCESS_PARAMETERS p = peb->ProcessParameters;
    LdrpInitializeModuleFromPath(&LdrpExeModule, peb->ImageBaseAddress, p ? p->ImagePathName.Buffer : L"",
                                 p ? p->ImagePathName.Length / sizeof(WCHAR) : 0);
    LdrpExeModule.Entry.EntryPoint = (PVOID)Context->Eip;
    LdrpInitializeModuleFromPath(&LdrpNtdllModule, NtdllBase, LdrpNtdllPath, LdrpWideLength(LdrpNtdllPath));
    IMAGE_NT_HEADERS32 *ntdll = LdrpImageNtHeaders(NtdllBase);
    if (ntdll)
        LdrpNtdllModule.Entry.SizeOfImage = ntdll->OptionalHeader.SizeOfImage;
    LdrpNtdllModule.Entry.Flags = LDRP_IMAGE_DLL | LDRP_ENTRY_PROCESSED | LDRP_PROCESS_ATTACH_CALLED;
    InsertTailList(&LdrpData.InInitializationOrderModuleList, &LdrpNtdllModule.Entry.InInitializationOrderLinks);

    if (!(Flags & LDRP_INIT_IMAGE_IS_PE)) {
        LdrpProcessInitialized = TRUE;        /* an ELF image: it starts at its own entry */
        return STATUS_SUCCESS;
    }
    IMAGE_NT_HEADERS32 *nt = LdrpImageNtHeaders(peb->ImageBaseAddress);
    if (!nt)
        return STATUS_INVALID_IMAGE_FORMAT;
    LdrpFillFromHeaders(&LdrpExeModule, nt);
    LdrpExeModule.Entry.Flags &= ~LDRP_IMAGE_DLL;
    LdrpInProcessInitialization = TRUE;
    NTSTATUS status = LdrpSnapImports(&LdrpExeModule, TRUE);
    if (NT_SUCCESS(status))
        status = LdrpRunInitializers();
    LdrpInProcessInitialization = FALSE;
    if (!NT_SUCCESS(status))
        return status;
    LdrpProcessInitialized = TRUE;
    if (!LdrpExeModule.Entry.EntryPoint)
        return STATUS_INVALID_IMAGE_FORMAT;
    Context->Eax = (ULONG)LdrpExeModule.Entry.EntryPoint;
    Context->Ebx = (ULONG)peb;
    Context->Eip = (ULONG)LdrpProcessStartThunk;
    return STATUS_SUCCESS;
}

/*
 * LdrpInitialize - the body of LdrInitializeThunk (user/ntdll/dispatch.S): the process's
 * initialization on its first thread, DLL_THREAD_ATTACH on a later one. A failure ends the
 * process with its status (a diagnostic goes to the console first).
 */
VOID NTAPI LdrpInitialize(PCONTEXT Context, PVOID NtdllBase, PVOID Flags)
{
    /* one thread initializes the process; one that starts meanwhile (a DllMain made it) waits */
    if (__atomic_exchange_n(&LdrpInitializationStarted, TRUE, __ATOMIC_ACQ_REL)) {
        LARGE_INTEGER pause = { .QuadPart = -10000 };   /* 1 ms */
        while (!LdrpProcessInitialized)
            NtDelayExecution(FALSE, &pause);
        LdrpThreadAttach();
        return;
    }
    NTSTATUS status = LdrpInitializeProcess(Context, NtdllBase, (ULONG)Flags);
    if (!NT_SUCCESS(status)) {
        DbgPrint("ntdll: process initialization failed: status 0x%08lX\n", (unsigned long)status);
        NtTerminateProcess(NtCurrentProcess(), status);
    }
}

/* DLL_THREAD_ATTACH to every initialized DLL, in initialization order: the loader APC of every
   thread after the first (LdrpInitialize), before the thread's own start. */
VOID LdrpThreadAttach(VOID)
{
    if (!LdrpProcessInitialized)
        return;
    PLIST_ENTRY head = &LdrpData.InInitializationOrderModuleList;
    for (PLIST_ENTRY e = head->Flink; e != head; e = e->Flink) {
        PLDR_DATA_TABLE_ENTRY entry = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InInitializationOrderLinks);
        if ((entry->Flags & LDRP_PROCESS_ATTACH_CALLED) && !(entry->Flags & LDRP_DONT_CALL_FOR_THREADS))
            LdrpCallEntry(entry, DLL_THREAD_ATTACH, NULL);
    }
}

/* LdrShutdownThread - DLL_THREAD_DETACH to every initialized DLL, in reverse initialization
   order (RtlExitUserThread calls it). */
VOID NTAPI LdrShutdownThread(VOID)
{
    if (!LdrpProcessInitialized)
        return;
    PLIST_ENTRY head = &LdrpData.InInitializationOrderModuleList;
    for (PLIST_ENTRY e = head->Blink; e != head; e = e->Blink) {
        PLDR_DATA_TABLE_ENTRY entry = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InInitializationOrderLinks);
        if ((entry->Flags & LDRP_PROCESS_ATTACH_CALLED) && !(entry->Flags & LDRP_DONT_CALL_FOR_THREADS))
            LdrpCallEntry(entry, DLL_THREAD_DETACH, NULL);
    }
}

/* LdrShutdownProcess - DLL_PROCESS_DETACH (Reserved non-NULL: the process is ending) to every
   initialized DLL, in reverse initialization order, once. */
VOID NTAPI LdrShutdownProcess(VOID)
{
    if (!LdrpProcessInitialized)
        return;
    PLIST_ENTRY head = &LdrpData.InInitializationOrderModuleList;
    for (PLIST_ENTRY e = head->Blink; e != head; e = e->Blink) {
        PLDR_DATA_TABLE_ENTRY entry = CONTAINING_RECORD(e, LDR_DATA_TABLE_ENTRY, InInitializationOrderLinks);
        if (entry->Flags & LDRP_PROCESS_ATTACH_CALLED) {
            entry->Flags &= ~LDRP_PROCESS_ATTACH_CALLED;
            LdrpCallEntry(entry, DLL_PROCESS_DETACH, (PVOID)1);
        }
    }
}

/* ------------------------------------------------------------------ the Ldr services */

/*
 * LdrLoadDll - In: SearchPath (ignored: the executable's directory, then \SystemRoot\system32),
 * DllCharacteristics (ignored), the DLL's name (bare or an NT path). Out: its base. The DLL and
 * its imports are loaded (or their counts raised) and initialized. Result: STATUS_SUCCESS,
 * STATUS_DLL_NOT_FOUND, STATUS_ENTRYPOINT_NOT_FOUND, STATUS_ORDINAL_NOT_FOUND,
 * STATUS_INVALID_IMAGE_FORMAT, STATUS_DLL_INIT_FAILED, STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI LdrLoadDll(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName, PVOID *DllHandle)
{
    UNREFERENCED_PARAMETER(SearchPath);
    UNREFERENCED_PARAMETER(DllCharacteristics);
    if (!DllName || !DllName->Buffer || !DllHandle || !LdrpData.Initialized)
        return STATUS_INVALID_PARAMETER;
    PLDRP_MODULE module;
    NTSTATUS status = LdrpLoadDllByName(DllName->Buffer, DllName->Length / sizeof(WCHAR), FALSE, &module);
    if (!NT_SUCCESS(status))
        return status;
    status = LdrpRunInitializers();
    if (!NT_SUCCESS(status)) {
        LdrUnloadDll(module->Entry.DllBase);
        return status;
    }
    *DllHandle = module->Entry.DllBase;
    return STATUS_SUCCESS;
}

/* LdrGetDllHandle - the base of a loaded module by name, without loading it: STATUS_SUCCESS or
   STATUS_DLL_NOT_FOUND. */
NTSTATUS NTAPI LdrGetDllHandle(PWSTR SearchPath, PULONG DllCharacteristics, PUNICODE_STRING DllName,
                               PVOID *DllHandle)
{
    UNREFERENCED_PARAMETER(SearchPath);
    UNREFERENCED_PARAMETER(DllCharacteristics);
    if (!DllName || !DllName->Buffer || !DllHandle || !LdrpData.Initialized)
        return STATUS_INVALID_PARAMETER;
    PLDRP_MODULE module = LdrpFindLoaded(DllName->Buffer, DllName->Length / sizeof(WCHAR));
    if (!module)
        return STATUS_DLL_NOT_FOUND;
    *DllHandle = module->Entry.DllBase;
    return STATUS_SUCCESS;
}

/* LdrGetProcedureAddress - an export of a loaded module: by ProcedureName, or by
   ProcedureNumber (an ordinal) when the name is NULL. Result as LdrpGetExport's, or
   STATUS_DLL_NOT_FOUND for a handle that is not a loaded module. */
NTSTATUS NTAPI LdrGetProcedureAddress(PVOID DllHandle, PANSI_STRING ProcedureName, ULONG ProcedureNumber,
                                      PVOID *ProcedureAddress)
{
    if (!ProcedureAddress || !LdrpData.Initialized)
        return STATUS_INVALID_PARAMETER;
    PLDRP_MODULE module = LdrpFindByAddress(DllHandle);
    if (!module || module->Entry.DllBase != DllHandle)
        return STATUS_DLL_NOT_FOUND;
    if (!ProcedureName)
        return LdrpGetExport(DllHandle, NULL, 0, ProcedureNumber, ProcedureAddress);
    CHAR name[256];
    ULONG length = ProcedureName->Length;
    if (!ProcedureName->Buffer || length >= sizeof(name))
        return STATUS_ENTRYPOINT_NOT_FOUND;
    memcpy(name, ProcedureName->Buffer, length);
    name[length] = 0;
    return LdrpGetExport(DllHandle, name, 0, 0, ProcedureAddress);
}

/*
 * LdrUnloadDll - drop one load of a DLL; at zero it gets DLL_PROCESS_DETACH, leaves the lists,
 * its view is unmapped and its own imports are released. Pinned modules (static imports, the
 * executable, ntdll) stay. Result: STATUS_SUCCESS, STATUS_DLL_NOT_FOUND.
 */
NTSTATUS NTAPI LdrUnloadDll(PVOID DllHandle)
{
    if (!LdrpData.Initialized)
        return STATUS_DLL_NOT_FOUND;
    PLDRP_MODULE module = LdrpFindByAddress(DllHandle);
    if (!module || module->Entry.DllBase != DllHandle)
        return STATUS_DLL_NOT_FOUND;
    if (module->Entry.LoadCount == LDRP_STATIC_LOAD_COUNT)
        return STATUS_SUCCESS;
    if (--module->Entry.LoadCount)
        return STATUS_SUCCESS;
    if (module->Entry.Flags & LDRP_PROCESS_ATTACH_CALLED) {
        module->Entry.Flags &= ~LDRP_PROCESS_ATTACH_CALLED;
        LdrpCallEntry(&module->Entry, DLL_PROCESS_DETACH, NULL);
    }
    RemoveEntryList(&module->Entry.InLoadOrderLinks);
    RemoveEntryList(&module->Entry.InMemoryOrderLinks);
    if (module->Entry.InInitializationOrderLinks.Flink)
        RemoveEntryList(&module->Entry.InInitializationOrderLinks);
    NtUnmapViewOfSection(NtCurrentProcess(), module->Entry.DllBase);
    for (ULONG i = 0; i < module->DependencyCount; i++)
        LdrUnloadDll(module->Dependencies[i]->Entry.DllBase);
    RtlFreeHeap(NtCurrentPeb()->ProcessHeap, 0, module);
    return STATUS_SUCCESS;
}

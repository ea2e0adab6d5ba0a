/*
 * natprotect.c - NtProtectVirtualMemory as a native program sees it (mingw-w64's headers and
 * libntdll.a only): protections of private pages and what they allow, rounding to pages, the old
 * protection, the statuses of bad protections, ranges and pointers, image and data views, and
 * the loader. This executable's import address table is in a read-only .idata
 * (tests/guest/native/rdonlyidata.sh clears its write flag): ntdll's loader must make it
 * writable to snap it, and give it its protection back.
 */
#include "nttest.h"

#define PAGE 0x1000

/* A fault the handler caught: its code and the address touched; the faulting instruction is
   skipped by the length the test sets (the accessors below are single instructions). */
static volatile NTSTATUS FaultCode;
static volatile ULONG_PTR FaultAddress;
static volatile ULONG SkipBytes;

static LONG NTAPI Handler(PEXCEPTION_POINTERS Info)
{
    if (Info->ExceptionRecord->ExceptionCode != (DWORD)STATUS_ACCESS_VIOLATION || !SkipBytes)
        return EXCEPTION_CONTINUE_SEARCH;
    FaultCode = (NTSTATUS)Info->ExceptionRecord->ExceptionCode;
    FaultAddress = Info->ExceptionRecord->ExceptionInformation[1];
    Info->ContextRecord->Eip += SkipBytes;
    return EXCEPTION_CONTINUE_EXECUTION;
}

/* Write / read one dword at Address; TRUE when it faulted. */
static BOOLEAN WriteFaults(volatile ULONG *Address, ULONG Value)
{
    FaultCode = 0;
    SkipBytes = 2;                                    /* movl %edx, (%eax) */
    __asm__ volatile("movl %%edx, (%%eax)" :: "a"(Address), "d"(Value) : "memory");
    SkipBytes = 0;
    return FaultCode == (NTSTATUS)STATUS_ACCESS_VIOLATION && FaultAddress == (ULONG_PTR)Address;
}

static BOOLEAN ReadFaults(volatile ULONG *Address)
{
    ULONG v;
    FaultCode = 0;
    SkipBytes = 2;                                    /* movl (%eax), %eax */
    __asm__ volatile("movl (%%eax), %%eax" : "=a"(v) : "a"(Address) : "memory");
    (void)v;
    SkipBytes = 0;
    return FaultCode == (NTSTATUS)STATUS_ACCESS_VIOLATION && FaultAddress == (ULONG_PTR)Address;
}

/* PEB.ImageBaseAddress (+0x08; <winternl.h> leaves it unnamed) */
static PUCHAR ImageBase(void)
{
    return ((PUCHAR *)NtCurrentTeb()->ProcessEnvironmentBlock)[2];
}

/* ntdll's loader entry: the one in the load-order list that is not the executable */
static NT_LDR_ENTRY *NtdllEntry(void)
{
    PPEB peb = NtCurrentTeb()->ProcessEnvironmentBlock;
    NT_PEB_LDR_DATA *ldr = (NT_PEB_LDR_DATA *)peb->Ldr;
    for (LIST_ENTRY *l = ldr->InLoadOrderModuleList.Flink; l != &ldr->InLoadOrderModuleList; l = l->Flink) {
        NT_LDR_ENTRY *e = CONTAINING_RECORD(l, NT_LDR_ENTRY, InLoadOrderLinks);
        if (e->DllBase != ImageBase())
            return e;
    }
    return NULL;
}

static NTSTATUS Protect(PVOID Base, SIZE_T Size, ULONG New, PULONG Old)
{
    return NtProtectVirtualMemory(NtCurrentProcess(), &Base, &Size, New, Old);
}

static PUCHAR Region;          /* 4 committed read-write pages */

static void private_pages(void)
{
    SIZE_T size = 4 * PAGE;
    PVOID base = NULL;
    NT_CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size, MEM_RESERVE | MEM_COMMIT,
                                            PAGE_READWRITE), STATUS_SUCCESS);
    Region = base;
    for (ULONG i = 0; i < 4 * PAGE; i += 4)
        *(volatile ULONG *)(Region + i) = i;

    /* an unaligned base and a short size: the page around it, base rounded down */
    PVOID at = Region + PAGE + 0x123;
    SIZE_T len = 8;
    ULONG old = 0xFFFF;
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), &at, &len, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(at == Region + PAGE);
    NT_CHECK(len == PAGE);
    NT_CHECK(old == PAGE_READWRITE);
    NT_CHECK(WriteFaults((volatile ULONG *)(Region + PAGE + 8), 1));
    NT_CHECK(!ReadFaults((volatile ULONG *)(Region + PAGE + 8)));
    NT_CHECK(*(volatile ULONG *)(Region + PAGE + 8) == PAGE + 8);
    NT_CHECK(!WriteFaults((volatile ULONG *)(Region + 8), 1));         /* its neighbours are untouched */
    NT_CHECK(!WriteFaults((volatile ULONG *)(Region + 2 * PAGE), 2 * PAGE));

    /* a range across a page boundary covers both pages; the old protection is the first page's */
    at = Region + PAGE + PAGE - 4;
    len = 8;
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), &at, &len, PAGE_EXECUTE_READWRITE, &old), STATUS_SUCCESS);
    NT_CHECK(at == Region + PAGE && len == 2 * PAGE);
    NT_CHECK(old == PAGE_READONLY);
    NT_CHECK(!WriteFaults((volatile ULONG *)(Region + PAGE + 8), PAGE + 8));
    NT_CHECK_STATUS(Protect(Region + 2 * PAGE, 1, PAGE_READWRITE, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_EXECUTE_READWRITE);

    /* PAGE_NOACCESS: reads fault too; the contents survive */
    NT_CHECK_STATUS(Protect(Region + 3 * PAGE, PAGE, PAGE_NOACCESS, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READWRITE);
    NT_CHECK(ReadFaults((volatile ULONG *)(Region + 3 * PAGE + 16)));
    NT_CHECK(WriteFaults((volatile ULONG *)(Region + 3 * PAGE + 16), 0));
    NT_CHECK_STATUS(Protect(Region + 3 * PAGE, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_NOACCESS);
    NT_CHECK(*(volatile ULONG *)(Region + 3 * PAGE + 16) == 3 * PAGE + 16);
    NT_CHECK_STATUS(Protect(Region, 4 * PAGE, PAGE_READWRITE, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READWRITE);
    NT_CHECK(!WriteFaults((volatile ULONG *)(Region + 3 * PAGE + 16), 7));
}

static void bad_protections(void)
{
    ULONG old = 0x5A5A;
    NT_CHECK_STATUS(Protect(Region, PAGE, 0, &old), STATUS_INVALID_PAGE_PROTECTION);
    NT_CHECK_STATUS(Protect(Region, PAGE, PAGE_READONLY | PAGE_READWRITE, &old), STATUS_INVALID_PAGE_PROTECTION);
    NT_CHECK_STATUS(Protect(Region, PAGE, 0x1000, &old), STATUS_INVALID_PAGE_PROTECTION);
    /* private memory is never write-copy */
    NT_CHECK_STATUS(Protect(Region, PAGE, PAGE_WRITECOPY, &old), STATUS_INVALID_PAGE_PROTECTION);
    NT_CHECK_STATUS(Protect(Region, PAGE, PAGE_EXECUTE_WRITECOPY, &old), STATUS_INVALID_PAGE_PROTECTION);
    NT_CHECK(old == 0x5A5A);
    NT_CHECK(!WriteFaults((volatile ULONG *)Region, 0));              /* nothing changed */
}

static void bad_ranges(void)
{
    ULONG old;
    /* reserved but not committed */
    SIZE_T size = 2 * PAGE;
    PVOID reserved = NULL;
    NT_CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &reserved, 0, &size, MEM_RESERVE, PAGE_READWRITE),
                    STATUS_SUCCESS);
    NT_CHECK_STATUS(Protect(reserved, PAGE, PAGE_READONLY, &old), STATUS_NOT_COMMITTED);
    size = PAGE;
    PVOID second = (PUCHAR)reserved + PAGE;
    NT_CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &second, 0, &size, MEM_COMMIT, PAGE_READWRITE),
                    STATUS_SUCCESS);
    NT_CHECK_STATUS(Protect(reserved, 2 * PAGE, PAGE_READONLY, &old), STATUS_NOT_COMMITTED);  /* one of two */
    NT_CHECK(!WriteFaults((volatile ULONG *)second, 1));              /* and nothing changed */
    NT_CHECK_STATUS(Protect(second, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READWRITE);
    /* decommitted, then committed again: the commit's protection, not the one before */
    size = PAGE;
    NT_CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), &second, &size, MEM_DECOMMIT), STATUS_SUCCESS);
    NT_CHECK_STATUS(Protect(second, PAGE, PAGE_READONLY, &old), STATUS_NOT_COMMITTED);
    NT_CHECK_STATUS(NtAllocateVirtualMemory(NtCurrentProcess(), &second, 0, &size, MEM_COMMIT, PAGE_EXECUTE_READWRITE),
                    STATUS_SUCCESS);
    NT_CHECK(!WriteFaults((volatile ULONG *)second, 1));
    NT_CHECK_STATUS(Protect(second, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_EXECUTE_READWRITE);
    /* past the end of the reservation, and nothing there at all */
    NT_CHECK_STATUS(Protect(Region + 3 * PAGE, 2 * PAGE, PAGE_READONLY, &old), STATUS_CONFLICTING_ADDRESSES);
    size = 0;
    NT_CHECK_STATUS(NtFreeVirtualMemory(NtCurrentProcess(), &reserved, &size, MEM_RELEASE), STATUS_SUCCESS);
    NT_CHECK_STATUS(Protect(reserved, PAGE, PAGE_READONLY, &old), STATUS_CONFLICTING_ADDRESSES);
    /* the parameters themselves */
    NT_CHECK_STATUS(Protect(Region, 0, PAGE_READONLY, &old), STATUS_INVALID_PARAMETER_3);
    NT_CHECK_STATUS(Protect((PVOID)0x80000000, PAGE, PAGE_READONLY, &old), STATUS_INVALID_PARAMETER_2);
    NT_CHECK_STATUS(Protect((PVOID)0x7FFE0000, 0x100000, PAGE_READONLY, &old), STATUS_INVALID_PARAMETER_3);
    PVOID base = Region;
    size = PAGE;
    NT_CHECK_STATUS(NtProtectVirtualMemory((HANDLE)0x1234, &base, &size, PAGE_READONLY, &old), STATUS_INVALID_HANDLE);
}

static void bad_pointers(void)
{
    PVOID base = Region;
    SIZE_T size = PAGE;
    ULONG old;
    /* every pointer is probed before anything changes */
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), &base, &size, PAGE_READONLY, NULL),
                    STATUS_ACCESS_VIOLATION);
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), &base, &size, PAGE_READONLY, (PULONG)0x80001000),
                    STATUS_ACCESS_VIOLATION);
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), (PVOID *)0x80002000, &size, PAGE_READONLY, &old),
                    STATUS_ACCESS_VIOLATION);
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), &base, (PSIZE_T)0xFFFFF000, PAGE_READONLY, &old),
                    STATUS_ACCESS_VIOLATION);
    NT_CHECK(!WriteFaults((volatile ULONG *)Region, 0));
    /* an out-parameter in a read-only page fails the probe (NT writes it back): nothing changes */
    NT_CHECK_STATUS(Protect(Region + PAGE, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK_STATUS(NtProtectVirtualMemory(NtCurrentProcess(), &base, &size, PAGE_NOACCESS,
                                           (PULONG)(Region + PAGE)), STATUS_ACCESS_VIOLATION);
    NT_CHECK(!ReadFaults((volatile ULONG *)Region));
    NT_CHECK_STATUS(Protect(Region + PAGE, PAGE, PAGE_READWRITE, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READONLY);
}

/* This executable is an image view: its headers read-only, its code execute-read; the pages are
   its own copies, so making code writable changes nothing for other processes. */
static void image_view(void)
{
    PUCHAR image = ImageBase();
    ULONG old;
    NT_CHECK_STATUS(Protect(image, 1, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READONLY);
    PUCHAR code = (PUCHAR)((ULONG_PTR)&Handler & ~(ULONG_PTR)(PAGE - 1));
    NT_CHECK(WriteFaults((volatile ULONG *)(code + 0xFFC), 0));
    NT_CHECK_STATUS(Protect(code, PAGE, PAGE_EXECUTE_READWRITE, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_EXECUTE_READ);
    ULONG keep = *(volatile ULONG *)(code + 0xFFC);
    NT_CHECK(!WriteFaults((volatile ULONG *)(code + 0xFFC), keep));
    NT_CHECK_STATUS(Protect(code, PAGE, old, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_EXECUTE_READWRITE);
    NT_CHECK(WriteFaults((volatile ULONG *)(code + 0xFFC), keep));
    /* ntdll is not a view of this process's (NanoNT maps it shared, outside every VAD) */
    NT_CHECK(NtdllEntry() != NULL);
    NT_CHECK_STATUS(Protect(NtdllEntry()->DllBase, 1, PAGE_READWRITE, &old), STATUS_CONFLICTING_ADDRESSES);
}

/* The import address table was snapped through a read-only .idata and is read-only again. */
static void loader_read_only_iat(void)
{
    PUCHAR image = ImageBase();
    IMAGE_NT_HEADERS32 *nt = (IMAGE_NT_HEADERS32 *)(image + ((IMAGE_DOS_HEADER *)image)->e_lfanew);
    IMAGE_DATA_DIRECTORY *iatDir = &nt->OptionalHeader.DataDirectory[IMAGE_DIRECTORY_ENTRY_IAT];
    NT_CHECK(iatDir->VirtualAddress != 0 && iatDir->Size >= 8);
    IMAGE_SECTION_HEADER *s = IMAGE_FIRST_SECTION(nt);
    BOOLEAN found = FALSE;
    for (ULONG i = 0; i < nt->FileHeader.NumberOfSections; i++, s++)
        if (iatDir->VirtualAddress >= s->VirtualAddress && iatDir->VirtualAddress < s->VirtualAddress + s->Misc.VirtualSize) {
            NT_CHECK(!(s->Characteristics & IMAGE_SCN_MEM_WRITE));       /* the build made it read-only */
            found = TRUE;
        }
    NT_CHECK(found);
    volatile ULONG *iat = (volatile ULONG *)(image + iatDir->VirtualAddress);
    NT_CHECK(iat[0] != 0);
    NT_CHECK(WriteFaults(iat, iat[0]));                                 /* protected again */
    ULONG old;
    NT_CHECK_STATUS(Protect((PVOID)iat, 4, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READONLY);
    /* every slot holds an export of ntdll, the one DLL this program imports from */
    NT_LDR_ENTRY *ntdll = NtdllEntry();
    NT_CHECK(ntdll != NULL);
    ULONG slots = 0;
    for (ULONG i = 0; i < iatDir->Size / 4; i++) {
        if (iat[i] == 0)
            continue;                                                 /* the end of one DLL's table */
        NT_CHECK(iat[i] - (ULONG_PTR)ntdll->DllBase < ntdll->SizeOfImage);
        slots++;
    }
    NT_CHECK(slots >= 4);
}

/* A data view's pages are the section's: it may not become more than the section allows. */
static void data_views(void)
{
    HANDLE section;
    LARGE_INTEGER max = { .QuadPart = 2 * PAGE };
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, &max, PAGE_READONLY, SEC_COMMIT, NULL),
                    STATUS_SUCCESS);
    PVOID view = NULL;
    SIZE_T size = 0;
    NT_CHECK_STATUS(NtMapViewOfSection(section, NtCurrentProcess(), &view, 0, 0, NULL, &size, NtViewUnmap, 0,
                                       PAGE_READONLY), STATUS_SUCCESS);
    ULONG old;
    NT_CHECK_STATUS(Protect(view, PAGE, PAGE_READWRITE, &old), STATUS_SECTION_PROTECTION);
    NT_CHECK_STATUS(Protect(view, PAGE, PAGE_EXECUTE_READ, &old), STATUS_SECTION_PROTECTION);
    NT_CHECK_STATUS(Protect(view, PAGE, PAGE_NOACCESS, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READONLY);
    NT_CHECK(ReadFaults((volatile ULONG *)view));
    NT_CHECK_STATUS(Protect(view, 2 * PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_NOACCESS);
    NT_CHECK(!ReadFaults((volatile ULONG *)view));
    NT_CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), view), STATUS_SUCCESS);
    NtClose(section);

    max.QuadPart = PAGE;
    NT_CHECK_STATUS(NtCreateSection(&section, SECTION_ALL_ACCESS, NULL, &max, PAGE_READWRITE, SEC_COMMIT, NULL),
                    STATUS_SUCCESS);
    view = NULL;
    size = 0;
    NT_CHECK_STATUS(NtMapViewOfSection(section, NtCurrentProcess(), &view, 0, 0, NULL, &size, NtViewUnmap, 0,
                                       PAGE_READWRITE), STATUS_SUCCESS);
    NT_CHECK_STATUS(Protect(view, PAGE, PAGE_READONLY, &old), STATUS_SUCCESS);
    NT_CHECK(old == PAGE_READWRITE);
    NT_CHECK(WriteFaults((volatile ULONG *)view, 1));
    NT_CHECK_STATUS(Protect(view, PAGE, PAGE_READWRITE, &old), STATUS_SUCCESS);
    NT_CHECK(!WriteFaults((volatile ULONG *)view, 1));
    NT_CHECK_STATUS(NtUnmapViewOfSection(NtCurrentProcess(), view), STATUS_SUCCESS);
    NtClose(section);
}

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    RtlAddVectoredExceptionHandler(TRUE, Handler);
    NT_RUN(loader_read_only_iat);
    NT_RUN(private_pages);
    NT_RUN(bad_protections);
    NT_RUN(bad_ranges);
    NT_RUN(bad_pointers);
    NT_RUN(image_view);
    NT_RUN(data_views);
    NtTestFinish();
}

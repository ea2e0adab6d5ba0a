/*
 * bootopt.c - the loader parameter block: the kernel command line, the Multiboot modules (user
 * programs until the disk exists, docs/spec.md §1) and the memory map, copied out of the Multiboot
 * structures before the memory they live in can be reused.
 */
#include "ke.h"
#include "loader.h"
#include "multiboot.h"
#include "rtl.h"

LOADER_PARAMETER_BLOCK KeLoaderBlock;

static VOID KiCopyString(PCHAR Dst, ULONG Size, PCSTR Src)
{
    ULONG i = 0;
    for (; Src && Src[i] && i + 1 < Size; i++)
        Dst[i] = Src[i];
    Dst[i] = 0;
}

VOID KiCaptureLoaderBlock(ULONG Magic, ULONG InfoPhysical)
{
    PLOADER_PARAMETER_BLOCK lb = &KeLoaderBlock;
    if (Magic != MULTIBOOT_BOOTLOADER_MAGIC)
        KeBugCheckEx(PHASE0_INITIALIZATION_FAILED, Magic, InfoPhysical, 0, 0);
    PMULTIBOOT_INFO mbi = MI_PA_TO_VA(InfoPhysical);
    if (mbi->Flags & MULTIBOOT_INFO_CMDLINE)
        KiCopyString(lb->CommandLine, sizeof(lb->CommandLine), MI_PA_TO_VA(mbi->Cmdline));
    if (mbi->Flags & MULTIBOOT_INFO_MODS) {
        PMULTIBOOT_MODULE mods = MI_PA_TO_VA(mbi->ModsAddr);
        for (ULONG i = 0; i < mbi->ModsCount && i < LOADER_MAX_MODULES; i++) {
            LOADER_MODULE *m = &lb->Modules[lb->ModuleCount++];
            m->PhysicalStart = mods[i].ModStart;
            m->PhysicalEnd = mods[i].ModEnd;
            KiCopyString(m->String, sizeof(m->String), mods[i].String ? MI_PA_TO_VA(mods[i].String) : "");
            /* the name is the last path component of the first word */
            PCSTR word = m->String, name = word;
            for (PCSTR p = word; *p && *p != ' '; p++)
                if (*p == '/' || *p == '\\')
                    name = p + 1;
            ULONG n = 0;
            while (name[n] && name[n] != ' ' && n + 1 < sizeof(m->Name)) {
                m->Name[n] = name[n];
                n++;
            }
            m->Name[n] = 0;
        }
    }
    if (mbi->Flags & MULTIBOOT_INFO_MEM_MAP) {
        ULONG off = 0;
        while (off + sizeof(MULTIBOOT_MMAP_ENTRY) <= mbi->MmapLength && lb->MemoryRangeCount < LOADER_MAX_RANGES) {
            MULTIBOOT_MMAP_ENTRY *e = (MULTIBOOT_MMAP_ENTRY *)((PUCHAR)MI_PA_TO_VA(mbi->MmapAddr) + off);
            if (e->Type == 1) {
                lb->MemoryRanges[lb->MemoryRangeCount].Base = e->Address;
                lb->MemoryRanges[lb->MemoryRangeCount].Length = e->Length;
                lb->MemoryRangeCount++;
            }
            off += e->Size + 4;
        }
    } else if (mbi->Flags & MULTIBOOT_INFO_MEMORY) {
        lb->MemoryRanges[0].Base = 0x100000;
        lb->MemoryRanges[0].Length = (ULONGLONG)mbi->MemUpper * 1024;
        lb->MemoryRangeCount = 1;
    }
}

static PCSTR KiFindWord(PCSTR Key, ULONG KeyLength)
{
    PCSTR s = KeLoaderBlock.CommandLine;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!strncmp(s, Key, KeyLength) && (s[KeyLength] == ' ' || s[KeyLength] == '=' || !s[KeyLength]))
            return s;
        if (!strncmp(s, "init=", 5))
            return NULL;                       /* the words after init=NAME are its arguments */
        while (*s && *s != ' ')
            s++;
    }
    return NULL;
}

BOOLEAN KeGetBootOption(PCSTR Key, PCHAR Value, ULONG ValueSize)
{
    ULONG n = strlen(Key);
    PCSTR s = KiFindWord(Key, n);
    if (!s || s[n] != '=')
        return FALSE;
    s += n + 1;
    ULONG i = 0;
    while (s[i] && s[i] != ' ' && i + 1 < ValueSize) {
        Value[i] = s[i];
        i++;
    }
    Value[i] = 0;
    return TRUE;
}

BOOLEAN KeHasBootFlag(PCSTR Flag)
{
    return KiFindWord(Flag, strlen(Flag)) != NULL;
}

/* Arguments for the init program: the words after init=NAME (docs/spec.md §1: init=NAME [ARGS...]). */
PCSTR KeGetInitArguments(VOID)
{
    PCSTR s = KiFindWord("init", 4);
    if (!s)
        return "";
    while (*s && *s != ' ')
        s++;
    while (*s == ' ')
        s++;
    return s;
}

static BOOLEAN KiEqualNoCase(PCSTR a, PCSTR b)
{
    for (; *a && *b; a++, b++) {
        CHAR x = (*a >= 'A' && *a <= 'Z') ? *a + 32 : *a;
        CHAR y = (*b >= 'A' && *b <= 'Z') ? *b + 32 : *b;
        if (x != y)
            return FALSE;
    }
    return *a == *b;
}

const LOADER_MODULE *KeFindBootModule(PCSTR Name)
{
    for (ULONG i = 0; i < KeLoaderBlock.ModuleCount; i++)
        if (KiEqualNoCase(KeLoaderBlock.Modules[i].Name, Name))
            return &KeLoaderBlock.Modules[i];
    return NULL;
}

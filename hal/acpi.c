/*
 * acpi.c - the processors and interrupt controllers of the machine, from the ACPI MADT ("APIC"
 * table): the RSDP is searched for in the EBDA and the BIOS area (0xE0000-0xFFFFF), the RSDT
 * leads to the MADT. Only what the kernel uses is kept: the local APIC address, each enabled
 * processor's APIC id, the first IO-APIC and the ISA interrupt overrides. No MADT (a machine
 * without ACPI, or QEMU's isapc) means one processor; the older MP table is not read.
 */
#include "hal.h"
#include "ke.h"
#include "mm.h"
#include "rtl.h"

typedef struct _ACPI_TABLE_HEADER {
    CHAR Signature[4];
    ULONG Length;
    UCHAR Revision, Checksum;
    CHAR OemId[6], OemTableId[8];
    ULONG OemRevision, CreatorId, CreatorRevision;
} __attribute__((packed)) ACPI_TABLE_HEADER;

typedef struct _ACPI_RSDP {
    CHAR Signature[8];                 /* "RSD PTR " */
    UCHAR Checksum;
    CHAR OemId[6];
    UCHAR Revision;
    ULONG RsdtAddress;
} __attribute__((packed)) ACPI_RSDP;

HAL_PROCESSOR_TABLE HalProcessorTable;

static BOOLEAN HalpChecksumOk(const VOID *Table, ULONG Length)
{
    UCHAR sum = 0;
    for (ULONG i = 0; i < Length; i++)
        sum += ((const UCHAR *)Table)[i];
    return sum == 0;
}

/* A physical range as a kernel address: RAM below the KSEG0 limit through KSEG0, anything else
   (firmware tables above it) mapped as I/O space. */
static PVOID HalpMapPhysical(ULONG Physical, ULONG Length)
{
    if (Physical + Length <= MM_KSEG0_LIMIT - MM_KSEG0_BASE && Physical + Length > Physical)
        return MI_PA_TO_VA(Physical);
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = Physical;
    return MmMapIoSpace(pa, Length, MmCached);
}

static const ACPI_RSDP *HalpScanForRsdp(ULONG Physical, ULONG Length)
{
    for (ULONG off = 0; off + sizeof(ACPI_RSDP) <= Length; off += 16) {
        const ACPI_RSDP *r = MI_PA_TO_VA(Physical + off);
        if (!memcmp(r->Signature, "RSD PTR ", 8) && HalpChecksumOk(r, 20))
            return r;
    }
    return NULL;
}

static VOID HalpParseMadt(const ACPI_TABLE_HEADER *Madt)
{
    PHAL_PROCESSOR_TABLE t = &HalProcessorTable;
    const UCHAR *p = (const UCHAR *)Madt + sizeof(ACPI_TABLE_HEADER);
    const UCHAR *end = (const UCHAR *)Madt + Madt->Length;
    t->LocalApicPhysical = *(const ULONG *)p;
    for (p += 8; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        switch (p[0]) {
        case 0:                        /* processor local APIC: ACPI id, APIC id, flags */
            if ((*(const ULONG *)(p + 4) & 1) && t->Count < HAL_MAXIMUM_PROCESSORS)
                t->ApicId[t->Count++] = p[3];
            break;
        case 1:                        /* IO-APIC: id, reserved, address, first GSI */
            if (!t->IoApicPhysical) {
                t->IoApicPhysical = *(const ULONG *)(p + 4);
                t->IoApicGsiBase = *(const ULONG *)(p + 8);
            }
            break;
        case 2:                        /* interrupt source override: bus, ISA IRQ, GSI, flags */
            if (p[3] < 16)
                t->IsaIrqToGsi[p[3]] = (UCHAR)*(const ULONG *)(p + 4);
            break;
        }
    }
}

/*
 * HalQueryProcessors - fill HalProcessorTable from the MADT. Result: TRUE when a MADT was found
 * (Count >= 1 then, the boot processor first as ACPI lists it), FALSE otherwise (Count = 1,
 * no APIC information: the machine is run as a uniprocessor with the 8259s).
 */
BOOLEAN HalQueryProcessors(VOID)
{
    PHAL_PROCESSOR_TABLE t = &HalProcessorTable;
    memset(t, 0, sizeof(*t));
    for (ULONG i = 0; i < 16; i++)
        t->IsaIrqToGsi[i] = (UCHAR)i;
    t->Count = 1;

    ULONG ebda = (ULONG)*(const USHORT *)MI_PA_TO_VA(0x40E) << 4;
    const ACPI_RSDP *rsdp = (ebda >= 0x80000 && ebda < 0xA0000) ? HalpScanForRsdp(ebda, 1024) : NULL;
    if (!rsdp)
        rsdp = HalpScanForRsdp(0xE0000, 0x20000);
    if (!rsdp || !rsdp->RsdtAddress)
        return FALSE;
    const ACPI_TABLE_HEADER *rsdt = HalpMapPhysical(rsdp->RsdtAddress, PAGE_SIZE);
    if (!rsdt || memcmp(rsdt->Signature, "RSDT", 4) || rsdt->Length > PAGE_SIZE)
        return FALSE;
    const ULONG *entry = (const ULONG *)(rsdt + 1);
    ULONG entries = (rsdt->Length - sizeof(ACPI_TABLE_HEADER)) / 4;
    for (ULONG i = 0; i < entries; i++) {
        const ACPI_TABLE_HEADER *h = HalpMapPhysical(entry[i], PAGE_SIZE);
        if (!h || memcmp(h->Signature, "APIC", 4) || h->Length > PAGE_SIZE || !HalpChecksumOk(h, h->Length))
            continue;
        t->Count = 0;
        HalpParseMadt(h);
        if (!t->Count)
            t->Count = 1;
        return t->LocalApicPhysical != 0;
    }
    return FALSE;
}

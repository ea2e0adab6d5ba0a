/*
 * vbe.c - the display: QEMU's standard VGA (Bochs VBE, PCI 1234:1111). Its framebuffer is BAR0;
 * the mode is set through the VBE DISPI registers (index port 0x1CE, data port 0x1CF). The
 * kernel word video=none leaves the display alone (as if no VGA were present).
 */
#include "w32p.h"
#include "hal.h"
#include "arch.h"
#include "mm.h"
#include "loader.h"
#include "rtl.h"

#define VBE_DISPI_IOPORT_INDEX 0x01CE
#define VBE_DISPI_IOPORT_DATA  0x01CF
#define VBE_DISPI_INDEX_ID          0
#define VBE_DISPI_INDEX_XRES        1
#define VBE_DISPI_INDEX_YRES        2
#define VBE_DISPI_INDEX_BPP         3
#define VBE_DISPI_INDEX_ENABLE      4
#define VBE_DISPI_INDEX_VIRT_WIDTH  6
#define VBE_DISPI_INDEX_VIDEO_MEMORY_64K 0xA
#define VBE_DISPI_ID2          0xB0C2  /* the first version with 32 bpp */
#define VBE_DISPI_ID_MAX       0xB0CF
#define VBE_DISPI_ENABLED      0x01
#define VBE_DISPI_LFB_ENABLED  0x40

#define BOCHS_VGA_VENDOR 0x1234
#define BOCHS_VGA_DEVICE 0x1111
#define GRE_WIDTH  800
#define GRE_HEIGHT 600

GRE_SURFACE GreScreen;

static VOID VbeWrite(USHORT Index, USHORT Value)
{
    WRITE_PORT_USHORT(VBE_DISPI_IOPORT_INDEX, Index);
    WRITE_PORT_USHORT(VBE_DISPI_IOPORT_DATA, Value);
}

static USHORT VbeRead(USHORT Index)
{
    WRITE_PORT_USHORT(VBE_DISPI_IOPORT_INDEX, Index);
    return READ_PORT_USHORT(VBE_DISPI_IOPORT_DATA);
}

/* The slot of the first Bochs VGA on bus 0, or -1. */
static LONG VbeFindDevice(VOID)
{
    for (ULONG slot = 0; slot < 32; slot++) {
        ULONG id = 0;
        HalGetBusDataByOffset(PCIConfiguration, 0, slot, &id, 0, sizeof(id));
        if ((id & 0xFFFF) == BOCHS_VGA_VENDOR && (id >> 16) == BOCHS_VGA_DEVICE)
            return (LONG)slot;
    }
    return -1;
}

/*
 * GreInitializeDisplay - find the display, set 800x600x32 and map the framebuffer.
 * Result: STATUS_SUCCESS (GreScreen describes the screen), STATUS_NO_SUCH_DEVICE (no VGA, or
 * video=none), STATUS_NOT_SUPPORTED (VBE too old, the mode did not take, BAR0 is not memory),
 * STATUS_NO_MEMORY (no kernel space to map it).
 */
NTSTATUS GreInitializeDisplay(VOID)
{
    CHAR opt[8];
    if (KeGetBootOption("video", opt, sizeof(opt)) && !strcmp(opt, "none"))
        return STATUS_NO_SUCH_DEVICE;
    LONG slot = VbeFindDevice();
    if (slot < 0)
        return STATUS_NO_SUCH_DEVICE;
    ULONG bar0 = 0;
    HalGetBusDataByOffset(PCIConfiguration, 0, (ULONG)slot, &bar0, 0x10, sizeof(bar0));
    USHORT version = VbeRead(VBE_DISPI_INDEX_ID);
    if ((bar0 & 1) || version < VBE_DISPI_ID2 || version > VBE_DISPI_ID_MAX)
        return STATUS_NOT_SUPPORTED;

    VbeWrite(VBE_DISPI_INDEX_ENABLE, 0);
    VbeWrite(VBE_DISPI_INDEX_XRES, GRE_WIDTH);
    VbeWrite(VBE_DISPI_INDEX_YRES, GRE_HEIGHT);
    VbeWrite(VBE_DISPI_INDEX_BPP, 32);
    VbeWrite(VBE_DISPI_INDEX_ENABLE, VBE_DISPI_ENABLED | VBE_DISPI_LFB_ENABLED);
    ULONG pitch = VbeRead(VBE_DISPI_INDEX_VIRT_WIDTH);
    ULONG memory = (ULONG)VbeRead(VBE_DISPI_INDEX_VIDEO_MEMORY_64K) << 16;
    if (VbeRead(VBE_DISPI_INDEX_XRES) != GRE_WIDTH || VbeRead(VBE_DISPI_INDEX_YRES) != GRE_HEIGHT ||
        VbeRead(VBE_DISPI_INDEX_BPP) != 32 || pitch < GRE_WIDTH ||
        (memory && memory < pitch * GRE_HEIGHT * 4)) {
        VbeWrite(VBE_DISPI_INDEX_ENABLE, 0);
        return STATUS_NOT_SUPPORTED;
    }

    PHYSICAL_ADDRESS pa;
    pa.QuadPart = bar0 & ~0xFu;
    PVOID bits = MmMapIoSpace(pa, pitch * GRE_HEIGHT * 4, MmWriteCombined);
    if (!bits) {
        VbeWrite(VBE_DISPI_INDEX_ENABLE, 0);
        return STATUS_NO_MEMORY;
    }
    GreScreen.Width = GRE_WIDTH;
    GreScreen.Height = GRE_HEIGHT;
    GreScreen.Pitch = pitch;
    GreScreen.Physical = (ULONG)pa.QuadPart;
    GreScreen.Bits = bits;
    return STATUS_SUCCESS;
}

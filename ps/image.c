/*
 * image.c - finding an executable by path: the one place that maps a path to image bytes.
 * An NT path (\SystemRoot\..., \??\C:\...) is read from the boot volume when there is one; a
 * path not found there (or any path without a disk) names a Multiboot module by its last
 * component ("\SystemRoot\x.exe", "C:\x.exe" and "x.exe" all find module "x.exe"), so programs
 * travel as modules until the disk exists and tests can run without one.
 */
#include "psp.h"
#include "loader.h"
#include "mm.h"
#include "io.h"

/*
 * PspOpenImageFile - In: an ASCII path. Out: the image bytes and size (valid until
 * PspCloseImageFile) and the image name (its last path component, valid as long as Path).
 * Result: STATUS_SUCCESS, STATUS_OBJECT_NAME_INVALID (empty name), STATUS_OBJECT_NAME_NOT_FOUND,
 * or the disk's error for a file that exists but cannot be read.
 */
NTSTATUS PspOpenImageFile(PCSTR Path, const VOID **Image, PULONG ImageSize, PCSTR *ImageName)
{
    PCSTR name = Path;
    for (PCSTR p = Path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            name = p + 1;
    if (!*name)
        return STATUS_OBJECT_NAME_INVALID;
    if (Path[0] == '\\' && IoIsSystemRootAvailable()) {
        PVOID bytes;
        ULONG size;
        NTSTATUS status = IoReadWholeFile(Path, &bytes, &size);
        if (NT_SUCCESS(status)) {
            *Image = bytes;
            *ImageSize = size;
            *ImageName = name;
            return STATUS_SUCCESS;
        }
        if (status != STATUS_OBJECT_NAME_NOT_FOUND && status != STATUS_OBJECT_PATH_NOT_FOUND &&
            status != STATUS_OBJECT_NAME_INVALID && status != STATUS_OBJECT_PATH_SYNTAX_BAD)
            return status;
    }
    const LOADER_MODULE *m = KeFindBootModule(name);
    if (!m)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    *Image = MI_PA_TO_VA(m->PhysicalStart);
    *ImageSize = m->PhysicalEnd - m->PhysicalStart;
    *ImageName = m->Name;
    return STATUS_SUCCESS;
}

/* PspIsBootModuleImage - TRUE when Image is the start of a Multiboot module: bytes that stay
   where the loader put them for as long as the system runs. */
BOOLEAN PspIsBootModuleImage(const VOID *Image)
{
    for (ULONG i = 0; i < KeLoaderBlock.ModuleCount; i++)
        if (Image == MI_PA_TO_VA(KeLoaderBlock.Modules[i].PhysicalStart))
            return TRUE;
    return FALSE;
}

/* PspCloseImageFile - release what PspOpenImageFile returned: a file read from the disk is a
   pool buffer; a module's bytes stay where the loader put them. */
VOID PspCloseImageFile(const VOID *Image)
{
    if (!PspIsBootModuleImage(Image))
        IoFreeWholeFile((PVOID)Image);
}

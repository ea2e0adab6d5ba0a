/*
 * image.c - finding an executable by path. Until the disk exists a path names a Multiboot module
 * by its last component ("\SystemRoot\bin\x.exe", "C:\x.exe" and "x.exe" all find module
 * "x.exe"). This is the one place that maps a path to image bytes, so that reading
 * \SystemRoot\... from the disk can come in here later.
 */
#include "psp.h"
#include "loader.h"
#include "mm.h"

/*
 * PspOpenImageFile - In: an ASCII path. Out: the image bytes and size (valid until
 * PspCloseImageFile) and the image name (its last path component, valid as long as the image).
 * Result: STATUS_SUCCESS, STATUS_OBJECT_NAME_INVALID (empty name),
 * STATUS_OBJECT_NAME_NOT_FOUND.
 */
NTSTATUS PspOpenImageFile(PCSTR Path, const VOID **Image, PULONG ImageSize, PCSTR *ImageName)
{
    PCSTR name = Path;
    for (PCSTR p = Path; *p; p++)
        if (*p == '\\' || *p == '/' || *p == ':')
            name = p + 1;
    if (!*name)
        return STATUS_OBJECT_NAME_INVALID;
    const LOADER_MODULE *m = KeFindBootModule(name);
    if (!m)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    *Image = MI_PA_TO_VA(m->PhysicalStart);
    *ImageSize = m->PhysicalEnd - m->PhysicalStart;
    *ImageName = m->Name;
    return STATUS_SUCCESS;
}

/* PspCloseImageFile - release what PspOpenImageFile returned (nothing to do for a module). */
VOID PspCloseImageFile(const VOID *Image)
{
    UNREFERENCED_PARAMETER(Image);
}

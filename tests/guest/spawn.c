/*
 * spawn.c - NtCreateUserProcessFromPath reads images from the boot volume: started itself from
 * \SystemRoot\system32, it starts hello.exe from there by path and waits for its exit status;
 * a missing file is STATUS_OBJECT_NAME_NOT_FOUND and a file that is not an executable is
 * STATUS_INVALID_IMAGE_FORMAT.
 */
#include "testlib.h"

static NTSTATUS Start(PCWSTR Path, PHANDLE Process, PHANDLE Thread)
{
    USHORT n = 0;
    while (Path[n])
        n++;
    UNICODE_STRING up = { (USHORT)(n * 2), (USHORT)(n * 2 + 2), (PWSTR)Path };
    return NtCreateUserProcessFromPath(Process, Thread, PROCESS_ALL_ACCESS, THREAD_ALL_ACCESS, &up, NULL, 0, NULL);
}

TL_TEST(child_from_disk)
{
    HANDLE p, t;
    TL_CHECK_EQ(STATUS_SUCCESS, Start(u"\\SystemRoot\\system32\\hello.exe", &p, &t));
    LARGE_INTEGER timeout;
    timeout.QuadPart = -50000000LL;
    TL_CHECK_EQ(STATUS_WAIT_0, NtWaitForSingleObject(p, FALSE, &timeout));
    PROCESS_BASIC_INFORMATION pbi;
    TL_CHECK_EQ(STATUS_SUCCESS, NtQueryInformationProcess(p, ProcessBasicInformation, &pbi, sizeof(pbi), NULL));
    TL_CHECK_EQ(STATUS_SUCCESS, pbi.ExitStatus);
    NtClose(t);
    NtClose(p);
}

TL_TEST(missing_and_not_an_image)
{
    HANDLE p, t;
    TL_CHECK_EQ(STATUS_OBJECT_NAME_NOT_FOUND, Start(u"\\SystemRoot\\system32\\nosuch.exe", &p, &t));
    /* a directory is not a file; a data file is not an image */
    TL_CHECK(Start(u"\\SystemRoot\\system32", &p, &t) != STATUS_SUCCESS);
    HANDLE f;
    IO_STATUS_BLOCK iosb;
    WCHAR name[] = u"\\SystemRoot\\notanimage.exe";
    UNICODE_STRING us = { sizeof(name) - 2, sizeof(name), name };
    OBJECT_ATTRIBUTES oa = { sizeof(oa), NULL, &us, OBJ_CASE_INSENSITIVE, NULL, NULL };
    TL_CHECK_EQ(STATUS_SUCCESS, NtCreateFile(&f, GENERIC_WRITE, &oa, &iosb, NULL, 0, 0, FILE_OVERWRITE_IF,
                                             FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0));
    TL_CHECK_EQ(STATUS_SUCCESS, NtWriteFile(f, NULL, NULL, NULL, &iosb, "MZ not ELF", 10, NULL, NULL));
    NtClose(f);
    TL_CHECK_EQ(STATUS_INVALID_IMAGE_FORMAT, Start(u"\\SystemRoot\\notanimage.exe", &p, &t));
}

int main(void)
{
    TL_RUN(child_from_disk);
    TL_RUN(missing_and_not_an_image);
    TL_FINISH();
}

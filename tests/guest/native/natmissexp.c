/* natmissexp.c - imports an ntdll function NanoNT's ntdll does not export (RtlCompressBuffer,
   which mingw-w64's libntdll.a offers; every system-service stub of WRK's table is exported, so
   the missing export is an Rtl routine): the process ends with STATUS_ENTRYPOINT_NOT_FOUND
   (0xC0000139) before the entry runs. */
#define WIN32_NO_STATUS
#include <windows.h>
#undef WIN32_NO_STATUS
#include <winternl.h>
#include <ntstatus.h>

NTSTATUS NTAPI RtlCompressBuffer(USHORT CompressionFormatAndEngine, PUCHAR UncompressedBuffer,
                                 ULONG UncompressedBufferSize, PUCHAR CompressedBuffer,
                                 ULONG CompressedBufferSize, ULONG UncompressedChunkSize,
                                 PULONG FinalCompressedSize, PVOID WorkSpace);
NTSTATUS NTAPI NtTerminateProcess(HANDLE ProcessHandle, NTSTATUS ExitStatus);

void NTAPI NtProcessStartup(PPEB Peb)
{
    (void)Peb;
    NtTerminateProcess((HANDLE)-1, RtlCompressBuffer(0, NULL, 0, NULL, 0, 0, NULL, NULL));
}

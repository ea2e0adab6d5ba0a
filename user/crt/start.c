/*
 * start.c - the entry of every NanoNT executable: turn the process command line (PEB ->
 * ProcessParameters -> CommandLine, UTF-16) into argc/argv, run main, and end the process with
 * main's result as the exit status.
 */
#include "ntdll.h"
#include "crt.h"

#define MAX_ARGS 32
static char RtlpArgBuffer[1024];
static char *RtlpArgv[MAX_ARGS + 1];

#ifdef _WIN32
/* mingw-w64's gcc calls __main from main to run constructors; NanoNT programs have none */
void __main(void)
{
}
#endif

__attribute__((section(".text.start"), used)) void _start(void)
{
    PRTL_USER_PROCESS_PARAMETERS p = NtCurrentPeb()->ProcessParameters;
    ULONG n = p ? p->CommandLine.Length / 2 : 0;
    if (n >= sizeof(RtlpArgBuffer))
        n = sizeof(RtlpArgBuffer) - 1;
    for (ULONG i = 0; i < n; i++)
        RtlpArgBuffer[i] = (char)p->CommandLine.Buffer[i];
    RtlpArgBuffer[n] = 0;
    int argc = 0;
    char *s = RtlpArgBuffer;
    while (*s && argc < MAX_ARGS) {
        while (*s == ' ')
            *s++ = 0;
        if (!*s)
            break;
        RtlpArgv[argc++] = s;
        while (*s && *s != ' ')
            s++;
    }
    RtlpArgv[argc] = NULL;
    int status = main(argc, RtlpArgv);
    NtTerminateProcess(NtCurrentProcess(), status);
    for (;;)
        ;
}

/* hello.c - the first NanoNT program: greets, shows its command line and a system call count. */
#include "ntdll.h"
#include "crt.h"

int main(int argc, char **argv)
{
    printf("Hello from user mode! I am %s, with %d argument(s).\n", argv[0], argc - 1);
    for (int i = 1; i < argc; i++)
        printf("  argv[%d] = %s\n", i, argv[i]);
    printf("System calls enter the kernel through %s.\n",
           USER_SHARED_DATA->SystemCall == (ULONG)KiFastSystemCall ? "sysenter (KiFastCallEntry)"
                                                                  : "int 2Eh (KiSystemService)");
    return 0;
}

/* ntaccess.h - NT's standard and generic access rights, shared by the object manager, the process
   and I/O headers and user programs. */
#ifndef NANONT_NTACCESS_H
#define NANONT_NTACCESS_H

#define DELETE                   0x00010000
#ifndef READ_CONTROL
#define READ_CONTROL             0x00020000
#endif
#define STANDARD_RIGHTS_READ     READ_CONTROL
#define STANDARD_RIGHTS_WRITE    READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE  READ_CONTROL
#define SYNCHRONIZE              0x00100000
#define STANDARD_RIGHTS_REQUIRED 0x000F0000
#define MAXIMUM_ALLOWED          0x02000000
#define GENERIC_READ             0x80000000
#define GENERIC_WRITE            0x40000000
#define GENERIC_EXECUTE          0x20000000
#define GENERIC_ALL              0x10000000

#define DUPLICATE_CLOSE_SOURCE   0x00000001
#define DUPLICATE_SAME_ACCESS    0x00000002

#endif

/* win32k.h - what the GUI component (win32k/) offers the rest of the system. */
#ifndef NANONT_WIN32K_H
#define NANONT_WIN32K_H

#include "ntdef.h"

/* win32k/w32init.c: at boot, the display and the GUI service table (table 1). */
VOID Win32kInitialize(VOID);

#endif

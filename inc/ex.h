/* ex.h - the executive's start-up pieces that other executive components call (ex/). */
#ifndef NANONT_EX_H
#define NANONT_EX_H

#include "ntdef.h"

/* ex/selftest.c: the boot self-tests chosen by selftest= on the command line. */
VOID ExRunSelfTests(VOID);

#endif

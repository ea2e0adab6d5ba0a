/* ex.h - the executive's start-up pieces that other executive components call (ex/). */
#ifndef NANONT_EX_H
#define NANONT_EX_H

#include "ntdef.h"

/* ex/selftest.c: the boot self-tests chosen by selftest= on the command line. */
VOID ExRunSelfTests(VOID);

/* ex/sample/sample.c: the example extension registers its service table (table 2); called once
   from the executive's start-up, after the native table is in place. */
VOID ExsInitializeSampleServices(VOID);

#endif

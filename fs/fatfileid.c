/*
 * fatfileid.c - FatQueryFileId: which file an open FAT_FILE refers to. The I/O manager keys its
 * per-file sharing state (NT's SHARE_ACCESS) on it, so that two opens by different spellings
 * (long name, 8.3 alias, case) of the same entry meet in one record.
 */
#include "fatp.h"

/* FatQueryFileId - In: an open file. Result: a value equal for two open FAT_FILEs exactly when
   they refer to the same file (the same FCB), stable while either stays open; NULL for NULL. */
PVOID FatQueryFileId(PFAT_FILE File)
{
    return File != NULL ? (PVOID)File->Fcb : NULL;
}

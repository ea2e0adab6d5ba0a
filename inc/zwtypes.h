/*
 * zwtypes.h - the types the kernel's generated Zw prototypes (build/inc/zwapi.h, from
 * ke/services.tab by tools/gensvc --kernel-protos) name: the service parameter types of
 * docs/spec.md §7 as the kernel headers define them.
 */
#ifndef NANONT_ZWTYPES_H
#define NANONT_ZWTYPES_H
#include "ntdef.h"
#include "nti386.h"
#include "ntioapi.h"
#include "ntpsapi.h"
#include "ke.h"
#endif

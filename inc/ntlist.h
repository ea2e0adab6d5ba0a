/*
 * ntlist.h - NT's doubly linked list primitives on LIST_ENTRY (inc/ntdef.h), with the semantics
 * of the NT DDK's routines of the same names:
 *
 *   InitializeListHead(Head)      an empty list: Head->Flink = Head->Blink = Head
 *   IsListEmpty(Head)             TRUE when Head->Flink == Head
 *   InsertHeadList(Head, Entry)   Entry becomes the first element
 *   InsertTailList(Head, Entry)   Entry becomes the last element (also: insert Entry just before
 *                                 any element by passing that element as Head)
 *   RemoveEntryList(Entry)        unlinks Entry; TRUE when the list it was on is now empty
 *   RemoveHeadList(Head)          unlinks and returns the first element (the list must not be empty)
 *   RemoveTailList(Head)          unlinks and returns the last element (the list must not be empty)
 *
 * As in NT, a removed entry's own Flink/Blink are left as they were (stale). Code that later
 * tests or removes the entry again calls InitializeListHead on it explicitly after removing it.
 * CONTAINING_RECORD (inc/ntdef.h) turns an entry back into the structure that holds it.
 *
 * They are macros, as in the NT 4 DDK, and may evaluate their arguments more than once: pass
 * expressions without side effects. (Written as inline functions taking pointers, GCC gave the
 * scheduler and wait paths slightly worse code than the field accesses these macros expand to,
 * and the instruction counts of docs/benchmarks.md would have changed.)
 */
#ifndef NANONT_NTLIST_H
#define NANONT_NTLIST_H

#include "ntdef.h"

#define InitializeListHead(ListHead) \
    ((void)((ListHead)->Flink = (ListHead)->Blink = (ListHead)))

#define IsListEmpty(ListHead) \
    ((BOOLEAN)((ListHead)->Flink == (ListHead)))

#define RemoveEntryList(Entry) ({ \
    (Entry)->Blink->Flink = (Entry)->Flink; \
    (Entry)->Flink->Blink = (Entry)->Blink; \
    (BOOLEAN)((Entry)->Flink == (Entry)->Blink);   /* both are the head: the list is empty */ \
})

#define RemoveHeadList(ListHead) ({ \
    PLIST_ENTRY RemoveHeadList_Entry = (ListHead)->Flink; \
    RemoveEntryList(RemoveHeadList_Entry); \
    RemoveHeadList_Entry; \
})

#define RemoveTailList(ListHead) ({ \
    PLIST_ENTRY RemoveTailList_Entry = (ListHead)->Blink; \
    RemoveEntryList(RemoveTailList_Entry); \
    RemoveTailList_Entry; \
})

#define InsertTailList(ListHead, Entry) do { \
    (Entry)->Flink = (ListHead); \
    (Entry)->Blink = (ListHead)->Blink; \
    (ListHead)->Blink->Flink = (Entry); \
    (ListHead)->Blink = (Entry); \
} while (0)

#define InsertHeadList(ListHead, Entry) do { \
    (Entry)->Flink = (ListHead)->Flink; \
    (Entry)->Blink = (ListHead); \
    (ListHead)->Flink->Blink = (Entry); \
    (ListHead)->Flink = (Entry); \
} while (0)

#endif

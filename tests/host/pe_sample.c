/*
 * pe_sample.c - a tiny freestanding i386 program linked as a PE32 image by mingw-w64
 * (tests/host/pe.mk): data, read-only data and code holding absolute addresses, so the linker
 * emits HIGHLOW base relocations. Never run; tests map and relocate it.
 */
int Counter = 5;
int *CounterPointer = &Counter;
const char Message[] = "hello";
const char *MessagePointer = Message;
static int Table[4] = { 1, 2, 3, 4 };
int *TablePointers[2] = { &Table[1], &Table[3] };

int __attribute__((stdcall)) start(void)
{
    return *CounterPointer + MessagePointer[0] + *TablePointers[1];
}

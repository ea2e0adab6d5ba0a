/*
 * console.c - the console device, \Device\Console (also \??\CON): a file object whose
 * NtReadFile returns one line typed on COM1 (IRQ 4) or, when a display is present, on the PS/2
 * keyboard (IRQ 1), and whose NtWriteFile prints on the console (serial and screen, as DbgPrint).
 *
 * The line discipline runs at interrupt time: printable characters are echoed and collected,
 * backspace (BS or DEL) erases one, CR or LF (a CR LF pair counts once) ends the line, which
 * goes to the queue of complete lines with a '\n' and wakes the readers. The COM1 receive
 * interrupt is on only while a reader waits and no complete line is queued, so the UART (and
 * QEMU behind it) holds what follows: scripted input is echoed line by line as the program asks
 * for it, and the transcript reads like a typed session. (QEMU clears the UART's receiver when
 * the boot turns its FIFO on, so a byte that arrived before that is lost: scripts start with an
 * empty line.) A read returns at most one line (truncated to the caller's
 * length; the rest of the line is returned by the next read).
 *
 * The receiver is started by the first open, so a boot that never opens the console keeps COM1
 * output-only.
 */
#include "iop.h"
#include "hal.h"
#include "mm.h"
#include "arch.h"

#define IOP_CONSOLE_EDIT 256               /* the line being typed */
#define IOP_CONSOLE_QUEUE 1024             /* complete lines not yet read */
#define KBD_DATA 0x60

static KEVENT IopConsoleLineReady;         /* synchronization event: a line was queued */
static CHAR IopConsoleEdit[IOP_CONSOLE_EDIT];
static ULONG IopConsoleEditLength;
static CHAR IopConsoleQueue[IOP_CONSOLE_QUEUE];
static ULONG IopConsoleQueueLength;
static BOOLEAN IopConsoleStarted, IopConsoleLastWasCr, IopConsoleShift;

static VOID IopConsoleEcho(const CHAR *Text, ULONG Length)
{
    HalSerialWrite(Text, Length);
    if (HalDisplayStringRoutine)
        HalDisplayStringRoutine(Text, Length);
}

static BOOLEAN IopConsoleLineQueued(VOID)
{
    for (ULONG i = 0; i < IopConsoleQueueLength; i++)
        if (IopConsoleQueue[i] == '\n')
            return TRUE;
    return FALSE;
}

/* One input character through the line discipline (interrupts disabled). */
static VOID IopConsoleInput(CHAR c)
{
    BOOLEAN wasCr = IopConsoleLastWasCr;
    IopConsoleLastWasCr = (c == '\r');
    if (c == '\n' && wasCr)
        return;                                /* the LF of a CR LF */
    if (c == '\r' || c == '\n') {
        IopConsoleEcho("\n", 1);
        if (IopConsoleQueueLength + IopConsoleEditLength + 1 <= IOP_CONSOLE_QUEUE) {
            memcpy(IopConsoleQueue + IopConsoleQueueLength, IopConsoleEdit, IopConsoleEditLength);
            IopConsoleQueueLength += IopConsoleEditLength;
            IopConsoleQueue[IopConsoleQueueLength++] = '\n';
        }
        IopConsoleEditLength = 0;
        KeSetEvent(&IopConsoleLineReady);
    } else if (c == '\b' || c == 0x7F) {
        if (IopConsoleEditLength) {
            IopConsoleEditLength--;
            IopConsoleEcho("\b \b", 3);
        }
    } else if ((UCHAR)c >= 0x20 && (UCHAR)c < 0x7F && IopConsoleEditLength < IOP_CONSOLE_EDIT - 1) {
        IopConsoleEdit[IopConsoleEditLength++] = c;
        IopConsoleEcho(&c, 1);
    }
}

/* IRQ 4: take characters until a line is complete; then leave the rest in the UART. */
static VOID IopConsoleSerialInterrupt(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    UCHAR c;
    while (!IopConsoleLineQueued() && HalSerialReadChar(&c))
        IopConsoleInput((CHAR)c);
    if (IopConsoleLineQueued())
        HalSerialEnableReceiveInterrupt(FALSE);
}

/* Scan code set 1 to ASCII, unshifted and shifted (US layout; 0 = no character). */
static const CHAR IopScanPlain[0x3A] =
    "\0\0331234567890-=\b\tqwertyuiop[]\r\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 ";
static const CHAR IopScanShift[0x3A] =
    "\0\033!@#$%^&*()_+\b\tQWERTYUIOP{}\r\0ASDFGHJKL:\"~\0|ZXCVBNM<>?\0*\0 ";

/* IRQ 1: one scan code from the keyboard controller. */
static VOID IopConsoleKeyboardInterrupt(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    UCHAR sc = READ_PORT_UCHAR(KBD_DATA);
    if (sc == 0x2A || sc == 0x36)
        IopConsoleShift = TRUE;
    else if (sc == 0xAA || sc == 0xB6)
        IopConsoleShift = FALSE;
    else if (sc < sizeof(IopScanPlain)) {
        CHAR c = IopConsoleShift ? IopScanShift[sc] : IopScanPlain[sc];
        if (c)
            IopConsoleInput(c);
    }
}

/* Connect the interrupts at the first open (called with the file-system lock held). */
static VOID IopStartConsole(VOID)
{
    if (IopConsoleStarted)
        return;
    IopConsoleStarted = TRUE;
    KeInitializeEvent(&IopConsoleLineReady, EventSynchronizationObject, FALSE);
    HalSerialEnableReceiveInterrupt(FALSE);    /* until the first read */
    KeConnectInterruptRoutine(4, IopConsoleSerialInterrupt, NULL);
    if (HalDisplayStringRoutine)               /* a screen: a keyboard beside it */
        KeConnectInterruptRoutine(1, IopConsoleKeyboardInterrupt, NULL);
}

/* IopIsConsoleName - does the user OBJECT_ATTRIBUTES name the console (no root directory)? */
BOOLEAN IopIsConsoleName(POBJECT_ATTRIBUTES ObjectAttributes)
{
    static const CHAR *names[] = { "\\Device\\Console", "\\??\\CON" };
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING name;
    WCHAR text[16];
    if (!NT_SUCCESS(MmCopyFromUser(&oa, ObjectAttributes, sizeof(oa))) || oa.RootDirectory || !oa.ObjectName ||
        !NT_SUCCESS(MmCopyFromUser(&name, oa.ObjectName, sizeof(name))) || name.Length > sizeof(text) ||
        (name.Length & 1) || !NT_SUCCESS(MmCopyFromUser(text, name.Buffer, name.Length)))
        return FALSE;
    for (ULONG n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        ULONG len = strlen(names[n]), i = 0;
        if (len * 2 != name.Length)
            continue;
        while (i < len) {
            WCHAR a = text[i], b = (UCHAR)names[n][i];
            if (a >= 'a' && a <= 'z')
                a -= 32;
            if (b >= 'a' && b <= 'z')
                b -= 32;
            if (a != b)
                break;
            i++;
        }
        if (i == len)
            return TRUE;
    }
    return FALSE;
}

/* IopCreateConsoleFile - a new file object on the console with Access (mapped rights). */
NTSTATUS IopCreateConsoleFile(ACCESS_MASK Access, PFILE_OBJECT *File)
{
    PFILE_OBJECT f;
    NTSTATUS status = ObCreateObject(IoFileObjectType, sizeof(FILE_OBJECT), (PVOID *)&f);
    if (!NT_SUCCESS(status))
        return status;
    f->Flags = FO_CONSOLE | FO_SYNCHRONOUS_IO | FO_CLEANUP_COMPLETE;
    f->GrantedAccess = Access;
    f->ReadAccess = (Access & FILE_READ_DATA) != 0;
    f->WriteAccess = (Access & (FILE_WRITE_DATA | FILE_APPEND_DATA)) != 0;
    IopAcquireFsLock();
    IopStartConsole();
    IopReleaseFsLock();
    *File = f;
    return STATUS_SUCCESS;
}

/* IopConsoleRead - wait for a line and copy (up to Length bytes of) it to the user Buffer.
   Result: STATUS_SUCCESS with *Done bytes, a wait's status (STATUS_USER_APC, STATUS_ALERTED),
   STATUS_ACCESS_VIOLATION. */
NTSTATUS IopConsoleRead(PVOID Buffer, ULONG Length, PULONG Done)
{
    CHAR line[IOP_CONSOLE_EDIT + 1];
    *Done = 0;
    if (!Length)
        return STATUS_SUCCESS;
    for (;;) {
        ULONG flags = KeDisableInterrupts();
        if (IopConsoleLineQueued()) {
            ULONG n = 0;
            while (n < Length && n < sizeof(line) && IopConsoleQueue[n] != '\n')
                n++;
            if (n < Length && n < sizeof(line))
                n++;                               /* the '\n' too */
            memcpy(line, IopConsoleQueue, n);
            IopConsoleQueueLength -= n;
            memmove(IopConsoleQueue, IopConsoleQueue + n, IopConsoleQueueLength);
            KeRestoreInterrupts(flags);
            *Done = n;
            return MmCopyToUser(Buffer, line, n);
        }
        HalSerialEnableReceiveInterrupt(TRUE);  /* a reader waits: the next line may come in */
        KeRestoreInterrupts(flags);
        NTSTATUS status = KeWaitForSingleObject(&IopConsoleLineReady, UserRequest, UserMode, FALSE, NULL);
        if (status != STATUS_WAIT_0)
            return status;
    }
}

/* IopConsoleWrite - print Length bytes of the user Buffer on the console. */
NTSTATUS IopConsoleWrite(const VOID *Buffer, ULONG Length, PULONG Done)
{
    CHAR chunk[128];
    *Done = 0;
    while (*Done < Length) {
        ULONG n = Length - *Done < sizeof(chunk) ? Length - *Done : sizeof(chunk);
        NTSTATUS status = MmCopyFromUser(chunk, (const UCHAR *)Buffer + *Done, n);
        if (!NT_SUCCESS(status))
            return status;
        ULONG flags = KeDisableInterrupts();
        IopConsoleEcho(chunk, n);
        KeRestoreInterrupts(flags);
        *Done += n;
    }
    return STATUS_SUCCESS;
}

/*
 * tracectl.c - the system-call tracer's filter changed while the system runs
 * (KeSetSystemTraceFilter: NtSetSystemInformation's NanoNT class SystemNanoNtTraceFilter, nsh's
 * trace command).
 *
 * The tracer (ke/systrace.c) reads its filter only from the boot option trace= and lays its
 * thunk arrays over the service tables in KiInitializeSystemTrace. This file relies on exactly
 * that and on nothing inside the tracer:
 *   - KiCaptureUntracedServiceTables, called at boot just before KiInitializeSystemTrace, keeps
 *     every descriptor's routine array as registered (the untraced arrays);
 *   - a change rewrites the trace= word of the command line (KeLoaderBlock), puts the untraced
 *     arrays back and, unless the new filter is empty, runs KiInitializeSystemTrace again, which
 *     reads the new trace= and lays fresh thunk arrays over them. All of it with interrupts
 *     disabled, so no service call sees half a change.
 * Limits of this arrangement: the previous thunk arrays are never freed (a thread may be
 * between reading one and entering the tracer), about 1.2 KiB of pool per change; and with the
 * event timeline on (timeline=1) its thunks sit above the tracer's and would be lost, so the
 * filter cannot be changed then (STATUS_NOT_SUPPORTED).
 */
#include <stdarg.h>
#include "ke.h"
#include "ki.h"
#include "loader.h"
#include "rtl.h"
#include "timeline.h"

static PULONG_PTR KiUntracedBase[NUMBER_SERVICE_TABLES];
static PULONG_PTR KiUntracedShadowBase[NUMBER_SERVICE_TABLES];
static BOOLEAN KiUntracedCaptured;

/* KiCaptureUntracedServiceTables - at boot, after every table is registered and before
   KiInitializeSystemTrace: remember the untraced routine arrays. */
VOID KiCaptureUntracedServiceTables(VOID)
{
    for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
        KiUntracedBase[t] = KeServiceDescriptorTable[t].Base;
        KiUntracedShadowBase[t] = KeServiceDescriptorTableShadow[t].Base;
    }
    KiUntracedCaptured = TRUE;
}

/* Append to Buffer at *Used, formatted; FALSE (and nothing more appended) once it is full. */
static BOOLEAN KiAppend(PCHAR Buffer, ULONG Size, PULONG Used, PCSTR Format, ...)
{
    va_list arguments;
    if (*Used >= Size)
        return FALSE;
    va_start(arguments, Format);
    int n = RtlFormatStringV(Buffer + *Used, Size - *Used, Format, arguments);
    va_end(arguments);
    if (n < 0 || *Used + (ULONG)n >= Size) {
        *Used = Size;
        return FALSE;
    }
    *Used += (ULONG)n;
    return TRUE;
}

/* The new trace= value for Spec applied to Old. Result: STATUS_SUCCESS, STATUS_NOT_SUPPORTED
   (a name taken out of trace=all), STATUS_INVALID_PARAMETER (a character trace= cannot hold),
   STATUS_BUFFER_OVERFLOW (longer than Size). */
static NTSTATUS KiApplyTraceSpec(PCSTR Old, PCSTR Spec, PCHAR New, ULONG Size)
{
    for (PCSTR p = Spec; *p; p++)
        if (*p <= ' ' || *p > '~' || *p == '=')
            return STATUS_INVALID_PARAMETER;
    BOOLEAN all = !strcmp(Old, "all") || !strcmp(Old, "1");
    ULONG n = 0;
    New[0] = 0;
    if (Spec[0] != '+' && Spec[0] != '-')                   /* a whole new filter */
        return KiAppend(New, Size, &n, "%s", strcmp(Spec, "none") ? Spec : "") ? STATUS_SUCCESS
                                                                                : STATUS_BUFFER_OVERFLOW;
    PCSTR name = Spec + 1;
    ULONG length = strlen(name);
    if (!length || strchr(name, ','))
        return STATUS_INVALID_PARAMETER;
    if (all) {                                              /* all stays all; "all but" is not trace= syntax */
        KiAppend(New, Size, &n, "%s", Old);
        return Spec[0] == '+' ? STATUS_SUCCESS : STATUS_NOT_SUPPORTED;
    }
    BOOLEAN fits = TRUE;
    for (PCSTR p = Old; *p && fits;) {                      /* every name but this one */
        PCSTR end = p;
        while (*end && *end != ',')
            end++;
        if (!((ULONG)(end - p) == length && !strncmp(p, name, length)) && end > p)
            fits = KiAppend(New, Size, &n, "%s%.*s", n ? "," : "", (int)(end - p), p);
        p = *end ? end + 1 : end;
    }
    if (fits && Spec[0] == '+')
        fits = KiAppend(New, Size, &n, "%s%s", n ? "," : "", name);
    return fits ? STATUS_SUCCESS : STATUS_BUFFER_OVERFLOW;
}

/* Rewrite the command line's trace= word (before init=, where boot options live). */
static NTSTATUS KiSetTraceWord(PCSTR Filter)
{
    static CHAR line[LOADER_COMMAND_LINE_MAX];
    PCSTR s = KeLoaderBlock.CommandLine;
    ULONG n = 0, word = 0;
    BOOLEAN options = TRUE, placed = !*Filter, fits = TRUE;
    line[0] = 0;
    while (*s && fits) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        PCSTR end = s;
        while (*end && *end != ' ')
            end++;
        if (word > 0 && !placed) {                          /* after the kernel's own path */
            fits = KiAppend(line, sizeof(line), &n, " trace=%s", Filter);
            placed = TRUE;
        }
        if (options && !strncmp(s, "init=", 5))
            options = FALSE;
        if (fits && !(options && !strncmp(s, "trace=", 6)))
            fits = KiAppend(line, sizeof(line), &n, "%s%.*s", n ? " " : "", (int)(end - s), s);
        word++;
        s = end;
    }
    if (fits && !placed)
        fits = KiAppend(line, sizeof(line), &n, "%strace=%s", n ? " " : "", Filter);
    if (!fits)
        return STATUS_BUFFER_OVERFLOW;
    memcpy(KeLoaderBlock.CommandLine, line, n + 1);
    return STATUS_SUCCESS;
}

/*
 * KeSetSystemTraceFilter - change what trace= traces, at once. Spec: "+NAME" traces NAME as
 * well, "-NAME" stops tracing it, "all" traces every service (but NtDisplayString, as trace=all),
 * "none" or "" stops tracing, anything else replaces the filter (NAME,NAME as after trace=).
 * Result: STATUS_SUCCESS, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED (timeline on, or a
 * name taken out of "all"), STATUS_BUFFER_OVERFLOW (the command line is full).
 */
NTSTATUS KeSetSystemTraceFilter(PCSTR Spec)
{
    CHAR old[LOADER_COMMAND_LINE_MAX], filter[LOADER_COMMAND_LINE_MAX];
    if (!KiUntracedCaptured || KeTimelineEnabled)
        return STATUS_NOT_SUPPORTED;
    ULONG flags = KeDisableInterrupts();
    if (!KeGetBootOption("trace", old, sizeof(old)))
        old[0] = 0;
    NTSTATUS status = KiApplyTraceSpec(old, Spec, filter, sizeof(filter));
    if (NT_SUCCESS(status))
        status = KiSetTraceWord(filter);
    if (NT_SUCCESS(status)) {
        for (ULONG t = 0; t < NUMBER_SERVICE_TABLES; t++) {
            KeServiceDescriptorTable[t].Base = KiUntracedBase[t];
            KeServiceDescriptorTableShadow[t].Base = KiUntracedShadowBase[t];
        }
        KiSetFastServicePath(TRUE);                         /* KiInitializeSystemTrace closes it */
        if (filter[0])
            KiInitializeSystemTrace();                      /* reads the new trace= */
        else
            DbgPrint("NanoNT: system calls no longer traced\n");
    }
    KeRestoreInterrupts(flags);
    return status;
}

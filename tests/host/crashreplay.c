/*
 * crashreplay.c - crash states of a recorded run, judged on the host (tests/guest/crashreplay.sh,
 * docs/fat.md "Crash consistency, measured").
 *
 *   crashreplay BASE.img WRITES.log [--all] [--samples N] [--fsck-every N] [--seed N]
 *               [--mirror FILE] [--jobs N] [--count-only]
 *
 * WRITES.log is what QEMU's blklogwrites driver recorded while the kernel ran crashload.exe on a
 * copy of BASE.img (tools/run.sh --write-log): the dm-log-writes format, one entry per guest write
 * (its sectors follow) or flush. A crash state is a disk the power cut could leave:
 *   - every prefix of the log (the drive wrote in order and lost the rest);
 *   - within one flush interval (the writes between two flushes), states a volatile drive cache
 *     may leave by losing or reordering writes: everything up to the interval's start, and for
 *     each sector written in the interval its old value or the value of any one of the writes
 *     to it (only single sectors are atomic; the sectors of one write may split).
 *     By default --samples N (8) random such states per interval. With --all: every such state
 *     when the interval has at most 4096 of them; otherwise every state that differs from an
 *     in-order point of the interval (the writes before some write of it applied in order, the
 *     rest lost) in at most two sectors, each of them holding any of its values. Each state
 *     is judged once, however many points it is reached from.
 * Each state is judged by crashcheck.c (mount, the kernel's repair, the content model). fsck.fat
 * -n runs on every --fsck-every'th state; with --all on every prefix and on every reordered
 * state whose metadata (what fsck.fat reads) differs from every state judged before in the
 * same interval. --jobs N splits the states over N processes. The crashload phases (marker
 * writes of \crashphase.dat) give the per-scenario counts.
 * --count-only prints the log's counts (writes, sectors, flushes) and judges nothing: the I/O
 * cost figures of docs/fat.md.
 * Output: one [FAIL] line per failing state (the first 20), the counts per scenario and in all,
 * then "N passed, N failed".
 */
#include "crashreplay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define SECTOR CRASH_SECTOR
#define LOG_FLUSH_FLAG 1u
#define LOG_DISCARD_FLAG 4u
#define FULL_LIMIT 4096u
#define MAX_PHASES 16
#define MAX_JOBS 8
#define MAX_VERSIONS 64
#define MAX_INTERVAL_SECTORS 65536u
#define PHASE_MAGIC "NANONT-CRASHLOAD-PHASE "

/* ------------------------------------------------------------------ the log */
typedef struct _LOG_WRITE {
    unsigned long long Sector;
    unsigned Count;
    const unsigned char *Data;
    unsigned char *Old;                     /* the sectors it overwrote (kept once applied) */
} LOG_WRITE;

static unsigned char *Base;
static LOG_WRITE *Writes;
static unsigned WriteCount;
static unsigned *FlushAfter;               /* FlushAfter[i]: writes before the i-th flush */
static unsigned FlushCount;
static unsigned *PhaseBefore;              /* PhaseBefore[w]: the phase of the prefix of w writes */
static char PhaseName[MAX_PHASES][96];

static unsigned char *ReadFile(const char *Path, size_t *Size)
{
    FILE *F = fopen(Path, "rb");
    unsigned char *Data;
    long Length;

    if (F == NULL || fseek(F, 0, SEEK_END) != 0 || (Length = ftell(F)) < 0) {
        fprintf(stderr, "crashreplay: cannot read %s\n", Path);
        exit(2);
    }
    rewind(F);
    Data = malloc((size_t)Length + 1);
    if (Data == NULL || fread(Data, 1, (size_t)Length, F) != (size_t)Length) {
        fprintf(stderr, "crashreplay: cannot read %s\n", Path);
        exit(2);
    }
    fclose(F);
    *Size = (size_t)Length;
    return Data;
}

static unsigned long long Le64(const unsigned char *P)
{
    unsigned long long V = 0;
    for (int i = 7; i >= 0; i--)
        V = V << 8 | P[i];
    return V;
}

/* ParseLog - the dm-log-writes layout: a super block (magic, version, entry count, sector size),
   then per entry one log sector (sector, sector count, flags, data length) and the data. */
static void ParseLog(const unsigned char *Log, size_t Size)
{
    unsigned long long Entries, Offset = SECTOR;
    unsigned Phase = 0;

    if (Size < SECTOR || Le64(Log) != 0x6a736677736872ull || Le64(Log + 24) % 0x100000000ull != SECTOR) {
        fprintf(stderr, "crashreplay: not a dm-log-writes log with 512-byte sectors\n");
        exit(2);
    }
    Entries = Le64(Log + 16);
    Writes = calloc(Entries + 1, sizeof(*Writes));
    FlushAfter = calloc(Entries + 1, sizeof(*FlushAfter));
    PhaseBefore = calloc(Entries + 2, sizeof(*PhaseBefore));
    strcpy(PhaseName[0], "setup");
    for (unsigned long long e = 0; e < Entries; e++) {
        if (Offset + SECTOR > Size) {
            fprintf(stderr, "crashreplay: log ends inside entry %llu\n", e);
            exit(2);
        }
        unsigned long long Sector = Le64(Log + Offset), Count = Le64(Log + Offset + 8);
        unsigned long long Flags = Le64(Log + Offset + 16);
        Offset += SECTOR;
        if (Flags & LOG_FLUSH_FLAG)
            FlushAfter[FlushCount++] = WriteCount;
        if (Count == 0 || (Flags & LOG_DISCARD_FLAG))
            continue;
        if (Offset + Count * SECTOR > Size || Sector + Count > ImageSectors) {
            fprintf(stderr, "crashreplay: entry %llu out of range\n", e);
            exit(2);
        }
        const unsigned char *Data = Log + Offset;
        PhaseBefore[WriteCount] = Phase;
        if (Count == 1 && memcmp(Data, PHASE_MAGIC, strlen(PHASE_MAGIC)) == 0) {
            /* "NANONT-CRASHLOAD-PHASE <number> <name>" (crashload.c's Phase) */
            char *Rest;
            unsigned long Number = strtoul((const char *)Data + strlen(PHASE_MAGIC), &Rest, 10);
            if (Number > 0 && Number < MAX_PHASES) {
                Phase = (unsigned)Number;
                snprintf(PhaseName[Phase], sizeof(PhaseName[Phase]), "%.90s", Rest + (*Rest == ' '));
            }
        }
        Writes[WriteCount].Sector = Sector;
        Writes[WriteCount].Count = (unsigned)Count;
        Writes[WriteCount].Data = Data;
        WriteCount++;
        Offset += Count * SECTOR;
    }
    PhaseBefore[WriteCount] = Phase;
}

/* ApplyWrite - put write W into Current (and the fsck mirror), keeping what it overwrote. */
static void ApplyWrite(unsigned W)
{
    size_t Bytes = (size_t)Writes[W].Count * SECTOR;
    if (Writes[W].Old == NULL) {
        Writes[W].Old = malloc(Bytes);
        memcpy(Writes[W].Old, Current + Writes[W].Sector * SECTOR, Bytes);
    }
    memcpy(Current + Writes[W].Sector * SECTOR, Writes[W].Data, Bytes);
    FsckMirrorWrite(Writes[W].Sector, Writes[W].Data, Writes[W].Count);
}

/* UndoWrites - take writes [First, End) out of Current again, newest first. */
static void UndoWrites(unsigned First, unsigned End)
{
    for (unsigned k = End; k-- > First;) {
        memcpy(Current + Writes[k].Sector * SECTOR, Writes[k].Old, (size_t)Writes[k].Count * SECTOR);
        FsckMirrorWrite(Writes[k].Sector, Writes[k].Old, Writes[k].Count);
    }
}

/* ------------------------------------------------------------------ results */
/* Each job counts in its own slot of a shared mapping; the parent adds them up. */
typedef struct _JOB_RESULT {
    unsigned Passed, Failed;
    unsigned Prefix[MAX_PHASES], Reordered[MAX_PHASES], FsckRuns[MAX_PHASES];
    unsigned FailLines;
    char Fail[20][700];
} JOB_RESULT;

static JOB_RESULT *Results, *Mine;
static unsigned Jobs = 1, JobIndex, FsckEvery = 8, Samples = 8;
static unsigned long long StateIndex;       /* every state, in the same order in every job */
static int All, HaveMirror, CountOnly;
static unsigned long long Rng = 0x9E3779B97F4A7C15ull;

/* The metadata keys of the states judged in the current interval (an open-addressed set). */
static unsigned long long *Seen;
static unsigned SeenCap, SeenCount;

static int SeenInsert(unsigned long long Key, unsigned long long *Set, unsigned *Count, unsigned Cap)
{
    Key |= 1;                                   /* 0 marks an empty slot */
    for (unsigned i = (unsigned)(Key % Cap);; i = (i + 1) % Cap) {
        if (Set[i] == Key)
            return 0;
        if (Set[i] == 0) {
            if (*Count + 1 >= Cap / 2) {
                fprintf(stderr, "crashreplay: too many states in one interval\n");
                exit(2);
            }
            Set[i] = Key;
            ++*Count;
            return 1;
        }
    }
}

static unsigned Random(unsigned Bound)
{
    Rng ^= Rng << 13;
    Rng ^= Rng >> 7;
    Rng ^= Rng << 17;
    return (unsigned)(Rng % Bound);
}

/* Judge - the state now in Current + overlay, if it is this job's. Prefix: a prefix state
   (else a reordered one). */
static void Judge(int Prefix, unsigned Phase, const char *What, unsigned A, unsigned B)
{
    unsigned long long Key = 0;
    int Ok, RunFsck;

    if (StateIndex++ % Jobs != JobIndex) {
        OverlayClear();
        return;
    }
    if (Prefix)
        Mine->Prefix[Phase]++;
    else
        Mine->Reordered[Phase]++;
    Ok = CheckState(&Key);
    if (Ok && HaveMirror) {
        if (!All)
            RunFsck = (StateIndex - 1) % FsckEvery == 0;
        else
            RunFsck = Prefix || SeenInsert(Key, Seen, &SeenCount, SeenCap);
        if (RunFsck) {
            Mine->FsckRuns[Phase]++;
            Ok = Fsck();
        }
    }
    if (Ok) {
        Mine->Passed++;
    } else {
        if (Mine->FailLines < 20)
            snprintf(Mine->Fail[Mine->FailLines++], sizeof(Mine->Fail[0]), "[FAIL] %s %u/%u (%.90s): %.500s",
                     What, A, B, PhaseName[Phase], CheckWhy);
        Mine->Failed++;
    }
    OverlayClear();
}

/* ------------------------------------------------------------------ reordered states */
/* The distinct sectors of the interval's writes and, per sector, the writes that carry it. */
typedef struct _SECTOR_CHOICE {
    unsigned long long Sector;
    unsigned Count;                         /* writes to it in the interval */
    const unsigned char *Data[MAX_VERSIONS];
} SECTOR_CHOICE;

static SECTOR_CHOICE *Choices;
static unsigned ChoiceCount, IntervalPhase, IntervalNumber, IntervalStates;
static unsigned *WriteChoice;               /* per sector of each write: (choice, version) */

static void CollectInterval(unsigned First, unsigned End)
{
    unsigned n = 0;
    ChoiceCount = 0;
    for (unsigned w = First; w < End; w++) {
        for (unsigned i = 0; i < Writes[w].Count; i++, n++) {
            unsigned long long S = Writes[w].Sector + i;
            unsigned c = 0;
            if (n == MAX_INTERVAL_SECTORS) {
                fprintf(stderr, "crashreplay: more than %u sectors written in one interval\n",
                        MAX_INTERVAL_SECTORS);
                exit(2);
            }
            while (c < ChoiceCount && Choices[c].Sector != S)
                c++;
            if (c == ChoiceCount) {
                Choices[c].Sector = S;
                Choices[c].Count = 0;
                ChoiceCount++;
            }
            if (Choices[c].Count == MAX_VERSIONS) {
                fprintf(stderr, "crashreplay: sector %llu written more than %u times in one interval\n",
                        S, MAX_VERSIONS);
                exit(2);
            }
            Choices[c].Data[Choices[c].Count++] = Writes[w].Data + (size_t)i * SECTOR;
            WriteChoice[n] = c << 8 | Choices[c].Count;
        }
    }
}

/* JudgePick - the state where sector c holds its old value (Pick[c] 0) or the Pick[c]-th
   write's. */
static void JudgePick(const unsigned char *Pick)
{
    for (unsigned c = 0; c < ChoiceCount; c++)
        if (Pick[c] != 0)
            OverlaySet(Choices[c].Sector, Choices[c].Data[Pick[c] - 1]);
    Judge(0, IntervalPhase, "reordered state of flush interval", IntervalNumber, IntervalStates++);
}

/* The pick vectors of the bounded enumeration already judged in this interval. */
static unsigned long long *Picked;
static unsigned PickedCap, PickedCount;

static unsigned long long PickHash(const unsigned char *Pick)
{
    unsigned long long H = 0x243F6A8885A308D3ull;
    for (unsigned c = 0; c < ChoiceCount; c++)
        H = (H ^ Pick[c]) * 0x100000001B3ull + (H >> 29);
    return H;
}

static void JudgeOnce(const unsigned char *Pick)
{
    if (SeenInsert(PickHash(Pick), Picked, &PickedCount, PickedCap))
        JudgePick(Pick);
}

/* Bounded - every state within two sectors of an in-order point of the interval: for each
   point (writes [First, First + p) applied in order), the point itself, and every change of
   one or two of its sectors to another of their values (old, or any write's). */
static void Bounded(unsigned First, unsigned End)
{
    unsigned char *Point = calloc(ChoiceCount, 1), *Pick = malloc(ChoiceCount);
    unsigned n = 0;

    PickedCount = 0;
    memset(Picked, 0, (size_t)PickedCap * sizeof(*Picked));
    for (unsigned p = First; p <= End; p++) {
        memcpy(Pick, Point, ChoiceCount);
        JudgeOnce(Pick);
        for (unsigned a = 0; a < ChoiceCount; a++) {
            for (unsigned va = 0; va <= Choices[a].Count; va++) {
                if (va == Point[a])
                    continue;
                Pick[a] = (unsigned char)va;
                JudgeOnce(Pick);
                for (unsigned b = a + 1; b < ChoiceCount; b++) {
                    for (unsigned vb = 0; vb <= Choices[b].Count; vb++) {
                        if (vb == Point[b])
                            continue;
                        Pick[b] = (unsigned char)vb;
                        JudgeOnce(Pick);
                    }
                    Pick[b] = Point[b];
                }
            }
            Pick[a] = Point[a];
        }
        if (p < End)                            /* the next point: write p applied */
            for (unsigned i = 0; i < Writes[p].Count; i++, n++)
                Point[WriteChoice[n] >> 8] = (unsigned char)(WriteChoice[n] & 0xFF);
    }
    free(Point);
    free(Pick);
}

static void Reorder(unsigned First, unsigned End)
{
    unsigned char *Pick;
    double Total = 1;

    CollectInterval(First, End);
    if (ChoiceCount == 0)
        return;
    Pick = calloc(ChoiceCount, 1);
    for (unsigned c = 0; c < ChoiceCount; c++)
        Total *= Choices[c].Count + 1;
    SeenCount = 0;
    memset(Seen, 0, (size_t)SeenCap * sizeof(*Seen));
    IntervalStates = 0;
    if (All && Total <= FULL_LIMIT) {
        /* every combination, as a mixed-radix counter */
        for (;;) {
            JudgePick(Pick);
            unsigned c = 0;
            while (c < ChoiceCount && ++Pick[c] > Choices[c].Count)
                Pick[c++] = 0;
            if (c == ChoiceCount)
                break;
        }
    } else if (All) {
        Bounded(First, End);
    } else {
        for (unsigned n = 0; n < Samples; n++) {
            for (unsigned c = 0; c < ChoiceCount; c++)
                Pick[c] = (unsigned char)Random(Choices[c].Count + 1);
            JudgePick(Pick);
        }
    }
    free(Pick);
}

/* ------------------------------------------------------------------ one job */
/* RunJob - walk the log: the prefix state before each write, and at each flush the reordered
   states of the interval it closes (judged over Current without that interval). */
static void RunJob(const char *Mirror)
{
    unsigned Interval = 0, IntervalStart = 0, NextFlush = 0;
    char Path[4096];

    if (Mirror != NULL) {
        if (Jobs > 1)
            snprintf(Path, sizeof(Path), "%s.%u", Mirror, JobIndex);
        else
            snprintf(Path, sizeof(Path), "%s", Mirror);
        if (!FsckOpenMirror(Path)) {
            fprintf(stderr, "crashreplay: cannot write %s\n", Path);
            exit(2);
        }
        HaveMirror = 1;
    }
    for (unsigned w = 0; w <= WriteCount; w++) {
        while (NextFlush < FlushCount && FlushAfter[NextFlush] == w) {
            if (w - IntervalStart > 1) {
                UndoWrites(IntervalStart, w);
                IntervalPhase = PhaseBefore[IntervalStart + 1];
                IntervalNumber = Interval;
                Reorder(IntervalStart, w);
                for (unsigned k = IntervalStart; k < w; k++)
                    ApplyWrite(k);
            }
            Interval++;
            IntervalStart = w;
            NextFlush++;
        }
        Judge(1, PhaseBefore[w], "prefix of the log, writes", w, WriteCount);
        if (w < WriteCount)
            ApplyWrite(w);
    }
    if (Mirror != NULL && Jobs > 1)
        unlink(Path);
}

int main(int argc, char **argv)
{
    size_t BaseSize, LogSize;
    const char *Mirror = NULL;
    unsigned char *Log;

    if (argc < 3) {
        fprintf(stderr, "usage: crashreplay BASE.img WRITES.log [--all] [--samples N] "
                        "[--fsck-every N] [--seed N] [--mirror FILE] [--jobs N] [--count-only]\n");
        return 2;
    }
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--all") == 0)
            All = 1;
        else if (strcmp(argv[i], "--samples") == 0 && i + 1 < argc)
            Samples = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--fsck-every") == 0 && i + 1 < argc)
            FsckEvery = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            Rng = strtoull(argv[++i], NULL, 0) | 1;
        else if (strcmp(argv[i], "--mirror") == 0 && i + 1 < argc)
            Mirror = argv[++i];
        else if (strcmp(argv[i], "--count-only") == 0)
            CountOnly = 1;
        else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
            Jobs = (unsigned)strtoul(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "crashreplay: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    if (FsckEvery == 0)
        FsckEvery = 1;
    if (Jobs == 0 || Jobs > MAX_JOBS) {
        fprintf(stderr, "crashreplay: --jobs takes 1..%u\n", MAX_JOBS);
        return 2;
    }
    Base = ReadFile(argv[1], &BaseSize);
    ImageSectors = BaseSize / SECTOR;
    Current = Base;
    Log = ReadFile(argv[2], &LogSize);
    ParseLog(Log, LogSize);
    OverlaySetup();
    Choices = calloc(MAX_INTERVAL_SECTORS, sizeof(*Choices));
    WriteChoice = calloc(MAX_INTERVAL_SECTORS, sizeof(*WriteChoice));
    SeenCap = PickedCap = 1u << 20;
    Seen = calloc(SeenCap, sizeof(*Seen));
    Picked = calloc(PickedCap, sizeof(*Picked));
    Results = mmap(NULL, sizeof(JOB_RESULT) * Jobs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (Choices == NULL || WriteChoice == NULL || Seen == NULL || Picked == NULL || Results == MAP_FAILED) {
        fprintf(stderr, "crashreplay: out of memory\n");
        return 2;
    }
    memset(Results, 0, sizeof(JOB_RESULT) * Jobs);
    printf("crashreplay: %u writes, %u flushes in the log\n", WriteCount, FlushCount);
    if (CountOnly) {
        unsigned long long Sectors = 0;
        for (unsigned w = 0; w < WriteCount; w++)
            Sectors += Writes[w].Count;
        printf("crashreplay: %llu sectors written\n", Sectors);
        return 0;
    }
    fflush(stdout);

    int Broken = 0;
    for (JobIndex = 0; JobIndex < Jobs; JobIndex++) {
        pid_t Pid = Jobs == 1 ? 0 : fork();
        if (Pid < 0) {
            fprintf(stderr, "crashreplay: fork failed\n");
            return 2;
        }
        if (Pid == 0) {
            Mine = &Results[JobIndex];
            RunJob(Mirror);
            if (Jobs == 1)
                break;
            _exit(0);
        }
    }
    for (unsigned j = 0; Jobs > 1 && j < Jobs; j++) {
        int Status;
        if (wait(&Status) < 0 || !WIFEXITED(Status) || WEXITSTATUS(Status) != 0)
            Broken = 1;
    }

    unsigned Passed = 0, Failed = 0, Lines = 0, Total = 0, Prefixes = 0, Fscks = 0;
    for (unsigned j = 0; j < Jobs; j++) {
        Passed += Results[j].Passed;
        Failed += Results[j].Failed;
        for (unsigned l = 0; l < Results[j].FailLines && Lines < 20; l++, Lines++)
            printf("%s\n", Results[j].Fail[l]);
    }
    for (unsigned p = 0; p < MAX_PHASES; p++) {
        unsigned Pre = 0, Re = 0, Fs = 0;
        for (unsigned j = 0; j < Jobs; j++) {
            Pre += Results[j].Prefix[p];
            Re += Results[j].Reordered[p];
            Fs += Results[j].FsckRuns[p];
        }
        if (Pre + Re == 0)
            continue;
        printf("crashreplay: %-70s %7u states (%u prefixes, %u reordered), fsck.fat -n on %u\n",
               PhaseName[p], Pre + Re, Pre, Re, Fs);
        Total += Pre + Re;
        Prefixes += Pre;
        Fscks += Fs;
    }
    printf("crashreplay: %u crash states checked: %u prefixes, %u reordered within %u flush "
           "intervals; fsck.fat -n on %u repaired images (%s)\n",
           Total, Prefixes, Total - Prefixes, FlushCount, Fscks,
           All ? "every prefix, every distinct metadata of an interval" : "a share");
    if (Broken) {
        printf("[FAIL] a replay job died\n");
        Failed++;
    }
    if (Failed == 0)
        printf("[OK] every crash state mounts, repairs clean and holds whole versions only\n");
    printf("%u passed, %u failed\n", Passed, Failed);
    return Failed == 0 ? 0 : 1;
}

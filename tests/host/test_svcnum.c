/*
 * test_svcnum.c - host test: table 0 keeps WRK's numbering. Reads the generated numbers header
 * (build/inc/svcnum.h, from ke/services.tab) and WRK's table (tests/host/wrk_services.txt,
 * Windows Server 2003 SP1) and checks that every WRK service has WRK's index and argument dwords,
 * that nothing else sits in WRK's index range, and that NanoNT's own services come after WRK's
 * last index. Run from the repository root.
 */
#include <stddef.h>
#include "hosttest.h"
#include "svclimit.h"

#define SVCNUM_HEADER  "build/inc/svcnum.h"
#define WRK_TABLE      "tests/host/wrk_services.txt"
#define WRK_SERVICES   295         /* 0x000..0x126 */
#define MAX_SERVICES   4096

typedef struct {
    char Name[112];
    long Number, Dwords, Implemented;
} GENERATED;

static GENERATED Generated[MAX_SERVICES];
static int GeneratedCount;
static long ServiceCount = -1;

/* The entry of Name (with its Nt prefix), created on first use. */
static GENERATED *Entry(const char *Name)
{
    for (int i = 0; i < GeneratedCount; i++)
        if (strcmp(Generated[i].Name, Name) == 0)
            return &Generated[i];
    if (GeneratedCount == MAX_SERVICES || strlen(Name) >= sizeof(Generated[0].Name))
        return NULL;
    GENERATED *g = &Generated[GeneratedCount++];
    snprintf(g->Name, sizeof(g->Name), "%s", Name);
    g->Number = g->Dwords = g->Implemented = -1;
    return g;
}

/* Reads SERVICE_NUMBER_x / SERVICE_ARGUMENT_DWORDS_x / SERVICE_IMPLEMENTED_x and the count. */
static int ReadHeader(void)
{
    static const struct { const char *Prefix; size_t Field; } Kinds[] = {
        { "SERVICE_NUMBER_", offsetof(GENERATED, Number) },
        { "SERVICE_ARGUMENT_DWORDS_", offsetof(GENERATED, Dwords) },
        { "SERVICE_IMPLEMENTED_", offsetof(GENERATED, Implemented) },
    };
    char Line[512], Name[256];
    long Value;
    FILE *f = fopen(SVCNUM_HEADER, "r");

    if (f == NULL) {
        printf("[FAIL] %s missing (run from the repository root after make)\n", SVCNUM_HEADER);
        return 0;
    }
    while (fgets(Line, sizeof(Line), f) != NULL) {
        if (sscanf(Line, "#define KI_SERVICE_COUNT %li", &Value) == 1) {
            ServiceCount = Value;
            continue;
        }
        if (sscanf(Line, "#define %255s %li", Name, &Value) != 2)
            continue;
        for (size_t k = 0; k < sizeof(Kinds) / sizeof(Kinds[0]); k++) {
            size_t n = strlen(Kinds[k].Prefix);
            GENERATED *g;
            if (strncmp(Name, Kinds[k].Prefix, n) != 0 || (g = Entry(Name + n)) == NULL)
                continue;
            *(long *)((char *)g + Kinds[k].Field) = Value;
            break;
        }
    }
    fclose(f);
    return 1;
}

static GENERATED *Find(const char *Name)
{
    for (int i = 0; i < GeneratedCount; i++)
        if (strcmp(Generated[i].Name, Name) == 0)
            return &Generated[i];
    return NULL;
}

HT_TEST(EveryWrkServiceAtItsWrkIndex)
{
    char Line[256], Name[128], Full[160];
    long Index, Dwords, Expected = 0;
    unsigned LineNumber = 0;
    FILE *f = fopen(WRK_TABLE, "r");

    if (f == NULL) {
        printf("[FAIL] cannot open %s\n", WRK_TABLE);
        ht_failed_now = 1;
        return;
    }
    while (fgets(Line, sizeof(Line), f) != NULL) {
        LineNumber++;
        if (Line[0] == '#' || Line[0] == '\n')
            continue;
        if (sscanf(Line, "%li %127s %li", &Index, Name, &Dwords) != 3) {
            printf("[FAIL] %s:%u: not `Index Name Dwords'\n", WRK_TABLE, LineNumber);
            ht_failed_now = 1;
            continue;
        }
        /* the reference itself: consecutive indexes from 0 */
        HT_CHECK_EQ(Expected, Index);
        Expected = Index + 1;
        snprintf(Full, sizeof(Full), "Nt%s", Name);
        GENERATED *g = Find(Full);
        if (g == NULL) {
            printf("[FAIL] %s (WRK 0x%03lx) has no SERVICE_NUMBER in %s\n", Full, Index,
                   SVCNUM_HEADER);
            ht_failed_now = 1;
            continue;
        }
        if (g->Number != Index || g->Dwords != Dwords) {
            printf("[FAIL] %s: WRK has index 0x%03lx, %ld dwords; NanoNT 0x%03lx, %ld dwords\n",
                   Full, Index, Dwords, g->Number, g->Dwords);
            ht_failed_now = 1;
        }
    }
    fclose(f);
    HT_CHECK_EQ(WRK_SERVICES, Expected);
}

/* Indexes 0..0x126 hold WRK's services only; NanoNT's own are numbered after them. */
HT_TEST(NanoNtServicesAfterWrk)
{
    int Wrk = 0;

    HT_CHECK(ServiceCount > WRK_SERVICES - 1);
    for (int i = 0; i < GeneratedCount; i++) {
        const GENERATED *g = &Generated[i];
        HT_CHECK(g->Number >= 0 && g->Number < ServiceCount);
        HT_CHECK(g->Dwords >= 0 && g->Dwords <= SERVICE_MAXIMUM_ARGUMENT_DWORDS);
        HT_CHECK(g->Implemented == 0 || g->Implemented == 1);
        if (g->Number < WRK_SERVICES)
            Wrk++;
    }
    HT_CHECK_EQ(WRK_SERVICES, Wrk);
    HT_CHECK_EQ(ServiceCount, GeneratedCount);
    static const char *const Own[] = {
        "NtEchoArguments", "NtRecordOrRecoveryTrapFrame", "NtCreateUserProcessFromPath",
        "NtBenchNull", "NtBenchNull16", "NtBenchControl", "NtNanoDiskControl",
        "NtRecordTrapFrame", "NtRecoverTrapFrame",
    };
    for (size_t i = 0; i < sizeof(Own) / sizeof(Own[0]); i++) {
        const GENERATED *g = Find(Own[i]);
        if (g == NULL || g->Number < WRK_SERVICES || g->Implemented != 1) {
            printf("[FAIL] %s: expected an implemented service after 0x126, got %s0x%lx\n",
                   Own[i], g ? "" : "none ", g ? g->Number : 0L);
            ht_failed_now = 1;
        }
    }
}

/* The numbers researchers quote, and services NanoNT implements at WRK's index. */
HT_TEST(WellKnownNumbers)
{
    static const struct { const char *Name; long Number, Dwords, Implemented; } Known[] = {
        { "NtClose", 0x1B, 1, 1 }, { "NtContinue", 0x22, 2, 1 },
        { "NtTerminateProcess", 0x10A, 2, 1 }, { "NtCreateFile", 0x27, 11, 1 },
        { "NtAcceptConnectPort", 0x000, 6, 0 }, { "NtGetCurrentProcessorNumber", 0x126, 0, 0 },
        { "NtAccessCheckByTypeResultListAndAuditAlarmByHandle", 0x007, 17, 0 },
    };
    for (size_t i = 0; i < sizeof(Known) / sizeof(Known[0]); i++) {
        const GENERATED *g = Find(Known[i].Name);
        HT_CHECK(g != NULL);
        if (g == NULL)
            continue;
        HT_CHECK_EQ(Known[i].Number, g->Number);
        HT_CHECK_EQ(Known[i].Dwords, g->Dwords);
        HT_CHECK_EQ(Known[i].Implemented, g->Implemented);
    }
}

__attribute__((constructor(200))) static void Setup(void)
{
    if (!ReadHeader())
        exit(1);
}

HT_MAIN()

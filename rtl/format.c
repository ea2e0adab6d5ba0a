/*
 * format.c - RtlFormatString / RtlFormatStringV: bounded printf-style formatting for DbgPrint, the
 * kernel's messages and ntdll, with snprintf's contract and NT's wide-string conversions (see
 * inc/rtl.h for the accepted conversions).
 *
 * It uses no libc and no libgcc: the kernel links without them, so 64-bit numbers are converted by
 * a long division in 16-bit pieces that needs only 32-bit divides. Nothing here may depend on the
 * kernel either: ntdll links this file too.
 */
#include "rtl.h"

#define RTLP_MAXIMUM_FIELD 0x7FFFFFF /* clamp for widths and precisions written in the format */

/* Where the output goes: Count is what the whole output would have needed, stored or not. */
typedef struct _RTLP_FORMAT_OUTPUT {
    char *Buffer;
    SIZE_T Size;
    SIZE_T Count;
} RTLP_FORMAT_OUTPUT, *PRTLP_FORMAT_OUTPUT;

/* One parsed conversion specification. */
typedef struct _RTLP_FORMAT_SPEC {
    BOOLEAN LeftJustify, ZeroPad, Alternate, PlusSign, SpaceSign, Wide;
    LONG Width;       /* 0 = none */
    LONG Precision;   /* -1 = none */
    ULONG Length;     /* size of the integer argument in bytes: 1, 2, 4 or 8 */
} RTLP_FORMAT_SPEC, *PRTLP_FORMAT_SPEC;

/*
 * RtlpPutChar - append one character, storing it only while room remains for the terminator.
 */
static inline VOID RtlpPutChar(PRTLP_FORMAT_OUTPUT Output, char Character)
{
    if (Output->Count + 1 < Output->Size) {
        Output->Buffer[Output->Count] = Character;
    }
    Output->Count++;
}

/*
 * RtlpPutRepeat - append Count copies of Character (nothing when Count <= 0). Counts past the end
 * of the buffer without looping over them, so a huge width costs nothing.
 */
static VOID RtlpPutRepeat(PRTLP_FORMAT_OUTPUT Output, char Character, LONG Count)
{
    if (Count <= 0) {
        return;
    }
    while (Count > 0 && Output->Count + 1 < Output->Size) {
        Output->Buffer[Output->Count++] = Character;
        Count--;
    }
    Output->Count += (SIZE_T)Count;
}

/*
 * RtlpDivideInPlace - divide *Value by Divisor (2..16) and return the remainder, using only 32-bit
 * divisions: the dividend is taken 16 bits at a time, so each partial dividend stays below 2^20.
 */
static ULONG RtlpDivideInPlace(ULONGLONG *Value, ULONG Divisor)
{
    ULONG High = (ULONG)(*Value >> 32), Low = (ULONG)*Value;
    ULONG Remainder = 0, Part, QuotientHigh = 0, QuotientLow = 0;

    if (High == 0) {
        *Value = Low / Divisor;
        return Low % Divisor;
    }
    for (int Shift = 16; Shift >= 0; Shift -= 16) {
        Part = (Remainder << 16) | ((High >> Shift) & 0xFFFF);
        QuotientHigh |= (Part / Divisor) << Shift;
        Remainder = Part % Divisor;
    }
    for (int Shift = 16; Shift >= 0; Shift -= 16) {
        Part = (Remainder << 16) | ((Low >> Shift) & 0xFFFF);
        QuotientLow |= (Part / Divisor) << Shift;
        Remainder = Part % Divisor;
    }
    *Value = ((ULONGLONG)QuotientHigh << 32) | QuotientLow;
    return Remainder;
}

/*
 * RtlpFormatInteger - one integer conversion: Magnitude with its sign, in Base, honouring flags,
 * width and precision as C's printf does. Prefix is "0x"/"0X" for '#' with hex, else NULL.
 */
static VOID RtlpFormatInteger(PRTLP_FORMAT_OUTPUT Output, PRTLP_FORMAT_SPEC Spec,
                              ULONGLONG Magnitude, BOOLEAN Negative, BOOLEAN Signed,
                              ULONG Base, BOOLEAN Upper)
{
    const char *DigitSet = Upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char Digits[24], Prefix[2];
    LONG DigitCount = 0, PrefixCount = 0, Zeros = 0, Padding;
    BOOLEAN IsZero = (Magnitude == 0);

    while (Magnitude != 0) {
        Digits[DigitCount++] = DigitSet[RtlpDivideInPlace(&Magnitude, Base)];
    }
    /* "%.0d" of 0 prints no digits; otherwise zero is one digit. */
    if (IsZero && Spec->Precision != 0) {
        Digits[DigitCount++] = '0';
    }

    if (Signed) {
        if (Negative) {
            Prefix[PrefixCount++] = '-';
        } else if (Spec->PlusSign) {
            Prefix[PrefixCount++] = '+';
        } else if (Spec->SpaceSign) {
            Prefix[PrefixCount++] = ' ';
        }
    } else if (Spec->Alternate && Base == 16 && !IsZero) {
        Prefix[PrefixCount++] = '0';
        Prefix[PrefixCount++] = Upper ? 'X' : 'x';
    }

    if (Spec->Precision > DigitCount) {
        Zeros = Spec->Precision - DigitCount;
    }
    /* '#' with octal: the first printed digit must be a 0. */
    if (Spec->Alternate && Base == 8 && Zeros == 0 &&
        (DigitCount == 0 || Digits[DigitCount - 1] != '0')) {
        Zeros = 1;
    }
    /* '0' pads with zeros after the sign, unless '-' or a precision was given. */
    if (Spec->ZeroPad && !Spec->LeftJustify && Spec->Precision < 0 &&
        Spec->Width > PrefixCount + Zeros + DigitCount) {
        Zeros = Spec->Width - PrefixCount - DigitCount;
    }
    Padding = Spec->Width - PrefixCount - Zeros - DigitCount;

    if (!Spec->LeftJustify) {
        RtlpPutRepeat(Output, ' ', Padding);
    }
    for (LONG Index = 0; Index < PrefixCount; Index++) {
        RtlpPutChar(Output, Prefix[Index]);
    }
    RtlpPutRepeat(Output, '0', Zeros);
    while (DigitCount > 0) {
        RtlpPutChar(Output, Digits[--DigitCount]);
    }
    if (Spec->LeftJustify) {
        RtlpPutRepeat(Output, ' ', Padding);
    }
}

/*
 * RtlpFormatText - a %s / %ws / %wZ / %c conversion. Narrow points at Length chars, or Wide at
 * Length WCHARs (narrowed: anything above 0x7F becomes '?'). Width pads with spaces.
 */
static VOID RtlpFormatText(PRTLP_FORMAT_OUTPUT Output, PRTLP_FORMAT_SPEC Spec,
                           const char *Narrow, PCWSTR Wide, LONG Length)
{
    LONG Padding = Spec->Width - Length;

    if (!Spec->LeftJustify) {
        RtlpPutRepeat(Output, ' ', Padding);
    }
    for (LONG Index = 0; Index < Length; Index++) {
        if (Narrow != NULL) {
            RtlpPutChar(Output, Narrow[Index]);
        } else {
            RtlpPutChar(Output, Wide[Index] < 0x80 ? (char)Wide[Index] : '?');
        }
    }
    if (Spec->LeftJustify) {
        RtlpPutRepeat(Output, ' ', Padding);
    }
}

/*
 * RtlpParseNumber - read decimal digits at *Cursor (advancing it), clamped to a sane field size.
 */
static LONG RtlpParseNumber(const char **Cursor)
{
    LONG Value = 0;

    while (**Cursor >= '0' && **Cursor <= '9') {
        Value = Value * 10 + (**Cursor - '0');
        if (Value > RTLP_MAXIMUM_FIELD) {
            Value = RTLP_MAXIMUM_FIELD;
        }
        (*Cursor)++;
    }
    return Value;
}

/*
 * RtlFormatStringV - format into Buffer (Size bytes) from Format and Arguments.
 * Returns the length the complete output has (like vsnprintf); stores at most Size - 1 characters
 * and a terminator when Size > 0. Buffer may be NULL when Size is 0, to measure.
 */
int RtlFormatStringV(char *Buffer, SIZE_T Size, const char *Format, va_list Arguments)
{
    RTLP_FORMAT_OUTPUT Output = { Buffer, Buffer != NULL ? Size : 0, 0 };
    RTLP_FORMAT_SPEC Spec;
    const char *Start, *Text;
    PCWSTR WideText;
    PCUNICODE_STRING Counted;
    ULONGLONG Magnitude;
    LONGLONG SignedValue;
    LONG Length;
    char Character;
    WCHAR WideCharacter;
    va_list Args;

    va_copy(Args, Arguments);
    while (*Format != 0) {
        if (*Format != '%') {
            RtlpPutChar(&Output, *Format++);
            continue;
        }
        Start = Format++;

        /* flags */
        Spec = (RTLP_FORMAT_SPEC){ .Precision = -1, .Length = 4 };
        for (;; Format++) {
            if (*Format == '-') Spec.LeftJustify = TRUE;
            else if (*Format == '0') Spec.ZeroPad = TRUE;
            else if (*Format == '#') Spec.Alternate = TRUE;
            else if (*Format == '+') Spec.PlusSign = TRUE;
            else if (*Format == ' ') Spec.SpaceSign = TRUE;
            else break;
        }

        /* width: a negative '*' argument means '-' and its magnitude */
        if (*Format == '*') {
            Format++;
            Spec.Width = va_arg(Args, int);
            if (Spec.Width < 0) {
                Spec.LeftJustify = TRUE;
                Spec.Width = (Spec.Width < -RTLP_MAXIMUM_FIELD) ? RTLP_MAXIMUM_FIELD : -Spec.Width;
            }
            if (Spec.Width > RTLP_MAXIMUM_FIELD) {
                Spec.Width = RTLP_MAXIMUM_FIELD;
            }
        } else {
            Spec.Width = RtlpParseNumber(&Format);
        }

        /* precision: a negative '*' argument means none */
        if (*Format == '.') {
            Format++;
            if (*Format == '*') {
                Format++;
                Spec.Precision = va_arg(Args, int);
                if (Spec.Precision < 0) {
                    Spec.Precision = -1;
                } else if (Spec.Precision > RTLP_MAXIMUM_FIELD) {
                    Spec.Precision = RTLP_MAXIMUM_FIELD;
                }
            } else {
                Spec.Precision = RtlpParseNumber(&Format);
            }
        }

        /* length modifiers, C's and NT's (I64, I32, I, w) */
        if (Format[0] == 'h' && Format[1] == 'h') {
            Spec.Length = 1;
            Format += 2;
        } else if (Format[0] == 'h') {
            Spec.Length = 2;
            Format++;
        } else if ((Format[0] == 'l' && Format[1] == 'l') ||
                   (Format[0] == 'I' && Format[1] == '6' && Format[2] == '4')) {
            Spec.Length = 8;
            Format += (Format[0] == 'l') ? 2 : 3;
        } else if (Format[0] == 'I' && Format[1] == '3' && Format[2] == '2') {
            Format += 3;
        } else if (Format[0] == 'l') {
            Spec.Wide = TRUE; /* %ls and %lc are wide; integers take a long (32-bit on x86) */
            Spec.Length = (sizeof(long) == 8) ? 8 : 0;
            Format++;
        } else if (Format[0] == 'w') {
            Spec.Wide = TRUE;
            Format++;
        } else if (Format[0] == 'j' || Format[0] == 'q' || Format[0] == 'L') {
            Spec.Length = 8;
            Format++;
        } else if (Format[0] == 'z' || Format[0] == 't' || Format[0] == 'I') {
            Spec.Length = (sizeof(SIZE_T) == 8) ? 8 : 0; /* pointer-sized: 32-bit on x86 */
            Format++;
        }

        switch (*Format) {
        case 'd':
        case 'i':
            if (Spec.Length == 8) {
                SignedValue = va_arg(Args, long long);
            } else {
                SignedValue = va_arg(Args, int);
                if (Spec.Length == 1) {
                    SignedValue = (signed char)SignedValue;
                } else if (Spec.Length == 2) {
                    SignedValue = (short)SignedValue;
                }
            }
            /* the magnitude of the most negative value is computed unsigned, without overflow */
            Magnitude = (SignedValue < 0) ? 0 - (ULONGLONG)SignedValue : (ULONGLONG)SignedValue;
            RtlpFormatInteger(&Output, &Spec, Magnitude, SignedValue < 0, TRUE, 10, FALSE);
            break;

        case 'u':
        case 'x':
        case 'X':
        case 'o':
            if (Spec.Length == 8) {
                Magnitude = va_arg(Args, unsigned long long);
            } else {
                Magnitude = va_arg(Args, unsigned int);
                if (Spec.Length == 1) {
                    Magnitude = (UCHAR)Magnitude;
                } else if (Spec.Length == 2) {
                    Magnitude = (USHORT)Magnitude;
                }
            }
            RtlpFormatInteger(&Output, &Spec, Magnitude, FALSE, FALSE,
                              *Format == 'u' ? 10 : (*Format == 'o' ? 8 : 16), *Format == 'X');
            break;

        case 'p':
            /* DbgPrint style: all 8 digits, uppercase, no "0x" */
            Spec.Precision = 2 * sizeof(PVOID);
            Spec.Alternate = FALSE;
            Spec.ZeroPad = FALSE;
            RtlpFormatInteger(&Output, &Spec, (ULONG_PTR)va_arg(Args, PVOID), FALSE, FALSE,
                              16, TRUE);
            break;

        case 'c':
        case 'C':
            if (Spec.Wide || (*Format == 'C' && Spec.Length != 2)) { /* %hC is narrow */
                WideCharacter = (WCHAR)va_arg(Args, int);
                Spec.Precision = -1;
                RtlpFormatText(&Output, &Spec, NULL, &WideCharacter, 1);
            } else {
                Character = (char)va_arg(Args, int);
                RtlpFormatText(&Output, &Spec, &Character, NULL, 1);
            }
            break;

        case 's':
        case 'S':
            if (Spec.Wide || (*Format == 'S' && Spec.Length != 2)) { /* %hS is narrow */
                WideText = va_arg(Args, PCWSTR);
                if (WideText == NULL) {
                    goto NullString;
                }
                /* never read past the precision: the string need not be terminated there */
                for (Length = 0; (Spec.Precision < 0 || Length < Spec.Precision) &&
                                 WideText[Length] != 0; Length++) {
                }
                RtlpFormatText(&Output, &Spec, NULL, WideText, Length);
            } else {
                Text = va_arg(Args, const char *);
                if (Text == NULL) {
                    goto NullString;
                }
                for (Length = 0; (Spec.Precision < 0 || Length < Spec.Precision) &&
                                 Text[Length] != 0; Length++) {
                }
                RtlpFormatText(&Output, &Spec, Text, NULL, Length);
            }
            break;

        case 'Z':
            /* %wZ: a counted UNICODE_STRING; only the wide form exists here */
            if (!Spec.Wide) {
                goto Unknown;
            }
            Counted = va_arg(Args, PCUNICODE_STRING);
            if (Counted == NULL || Counted->Buffer == NULL) {
                goto NullString;
            }
            Length = Counted->Length / sizeof(WCHAR);
            if (Spec.Precision >= 0 && Length > Spec.Precision) {
                Length = Spec.Precision;
            }
            RtlpFormatText(&Output, &Spec, NULL, Counted->Buffer, Length);
            break;

        NullString:
            Length = 6;
            if (Spec.Precision >= 0 && Length > Spec.Precision) {
                Length = Spec.Precision;
            }
            RtlpFormatText(&Output, &Spec, "(null)", NULL, Length);
            break;

        case '%':
            RtlpPutChar(&Output, '%');
            break;

        case 0:
            /* the format ends inside a specification: print what there is and stop */
            while (Start < Format) {
                RtlpPutChar(&Output, *Start++);
            }
            continue;

        default:
        Unknown:
            /* unknown conversions (and %n, which is refused) are printed as written */
            while (Start <= Format) {
                RtlpPutChar(&Output, *Start++);
            }
            break;
        }
        Format++;
    }
    va_end(Args);

    if (Output.Size != 0) {
        Output.Buffer[Output.Count < Output.Size ? Output.Count : Output.Size - 1] = 0;
    }
    return Output.Count > 0x7FFFFFFF ? 0x7FFFFFFF : (int)Output.Count;
}

/*
 * RtlFormatString - RtlFormatStringV with a variable argument list (snprintf semantics).
 */
int RtlFormatString(char *Buffer, SIZE_T Size, const char *Format, ...)
{
    va_list Arguments;
    int Result;

    va_start(Arguments, Format);
    Result = RtlFormatStringV(Buffer, Size, Format, Arguments);
    va_end(Arguments);
    return Result;
}

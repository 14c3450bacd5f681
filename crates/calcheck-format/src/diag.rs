//! Structural diagnostics: rule violations found in a blob that still decodes.
//!
//! Decoders do not stop at the first oddity. They return the decoded value together with a list of
//! [`Diagnostic`]s, each pointing at a byte offset and the spec field name, so that checks can turn
//! them into findings. Quirks that real Outlook files carry (see `docs/formats/quirks.md` and
//! formats.md §9 in the shared reference) are reported at [`DiagSeverity::Info`] or not at all.

use core::fmt;

/// How serious a structural diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagSeverity {
    /// A benign quirk seen in real Outlook data; worth showing to a forensic reviewer only.
    Info,
    /// A spec violation that Outlook tolerates, or data a reader can still use.
    Warning,
    /// Corruption: Outlook or Exchange misreads, drops or crashes on such data.
    Error,
}

impl fmt::Display for DiagSeverity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiagSeverity::Info => "info",
            DiagSeverity::Warning => "warning",
            DiagSeverity::Error => "error",
        })
    }
}

/// What rule a diagnostic is about. The set is shared by every decoder so that checks can match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum DiagKind {
    // --- shared by all blobs ---
    /// A version field does not hold the value the spec requires.
    BadVersion,
    /// A field holds a value outside its enumeration.
    BadEnumValue,
    /// A reserved field or reserved block is not zero / not empty.
    NonZeroReserved,
    /// Bytes are left after the end of the structure.
    TrailingBytes,
    /// The blob ends early but what is there can still be used.
    TruncatedTail,

    // --- RecurrencePattern [MS-OXOCAL] 2.2.1.44.1 ---
    /// RecurFrequency and PatternType do not form a legal combination.
    IllegalPatternCombination,
    /// Period is outside the range allowed for its frequency.
    BadPeriod,
    /// The pattern-specific data (day mask, day of month, N) is out of range.
    BadPatternSpecific,
    /// FirstDateTime differs from the value the spec's algorithm gives.
    FirstDateTimeMismatch,
    /// A date that must be a midnight value is not.
    NotMidnight,
    /// Dates that must be ascending are not.
    UnsortedDates,
    /// A date list that must not repeat does repeat.
    DuplicateDates,
    /// ModifiedInstanceCount is greater than DeletedInstanceCount.
    ModifiedExceedsDeleted,
    /// EndType and EndDate/OccurrenceCount disagree (e.g. never-ending without 0x5AE980DF).
    EndMismatch,
    /// EndDate is before StartDate.
    EndBeforeStart,
    /// SlidingFlag is set on an appointment.
    SlidingFlagSet,
    /// A date that must be an occurrence of the pattern (StartDate, a deleted instance date) is not one.
    NotAnOccurrence,

    // --- AppointmentRecurrencePattern [MS-OXOCAL] 2.2.1.44.5 and exceptions ---
    /// WriterVersion2 is not one of the values Outlook writes (0x3008, 0x3009).
    UnusualWriterVersion2,
    /// ExceptionCount differs from ModifiedInstanceCount.
    ExceptionCountMismatch,
    /// A length pair does not satisfy Length == Length2 + 1.
    StringLengthMismatch,
    /// OverrideFlags has bits outside the defined ARO_* set.
    UnknownOverrideFlags,
    /// An exception's OriginalStartDate lies outside the series.
    ExceptionOutsideSeries,
    /// An exception's OriginalStartDate is not among the DeletedInstanceDates.
    ExceptionNotDeleted,
    /// The exceptions' new start dates do not match ModifiedInstanceDates.
    ExceptionDatesMismatch,
    /// ExceptionInfo entries are not in ascending order (seen in real Outlook blobs).
    ExceptionOrder,
    /// An exception ends before it starts.
    ExceptionEndBeforeStart,
    /// An ExtendedException's start/end/original start differ from its ExceptionInfo.
    ExtendedExceptionMismatch,
    /// ChangeHighlightSize is below 4.
    BadChangeHighlightSize,
    /// The ANSI and wide-character forms of an exception string differ.
    AnsiWideMismatch,
    /// A recurrence field is outside the range Outlook can represent (time offsets, dates past 4500).
    OutOfRange,

    // --- TZDEFINITION / TZRULE [MS-OXOCAL] 2.2.1.41 ---
    /// cbHeader does not match the header fields that follow it.
    HeaderSizeMismatch,
    /// The key name flag is missing or the key name is empty (the Outlook crash of KB 2553248).
    EmptyKeyName,
    /// cRules is zero.
    NoRules,
    /// Rule bytes follow a cRules of zero, or data follows the last rule.
    DataAfterRules,
    /// No rule carries TZRULE_FLAG_EFFECTIVE_TZREG.
    NoEffectiveRule,
    /// More than one rule carries TZRULE_FLAG_EFFECTIVE_TZREG.
    MultipleEffectiveRules,
    /// Rules are not in ascending order of their start year.
    RulesNotSorted,
    /// A SYSTEMTIME transition date is not valid.
    BadTransitionDate,

    // --- GlobalObjectId [MS-OXOCAL] 2.2.1.27 ---
    /// The 16-byte class identifier is not the one the spec fixes.
    BadClassId,
    /// Size does not match the bytes that follow it.
    SizeMismatch,
    /// The instance date (YH/YL/M/D) is not a real date.
    BadInstanceDate,
    // --- .msg streams [MS-OXMSG] 2.2-2.4 ---
    /// An index or offset points outside the stream or table it refers to.
    IndexOutOfBounds,
    /// The same property or name-map id is defined more than once.
    DuplicateEntry,
}

/// One rule violation found while decoding, located by byte offset and spec field name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    /// Which rule.
    pub kind: DiagKind,
    /// How serious.
    pub severity: DiagSeverity,
    /// Spec name of the structure, e.g. `ExceptionInfo`.
    pub structure: &'static str,
    /// Spec name of the field, e.g. `SubjectLength2`.
    pub field: &'static str,
    /// Byte offset of the field from the start of the blob.
    pub offset: usize,
    /// One sentence for a person, without a trailing period.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at offset {} ({}.{}): {}",
            self.severity, self.offset, self.structure, self.field, self.message
        )
    }
}

/// Collects diagnostics while a decoder runs.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one diagnostic.
    pub fn push(
        &mut self,
        kind: DiagKind,
        severity: DiagSeverity,
        structure: &'static str,
        field: &'static str,
        offset: usize,
        message: impl Into<String>,
    ) {
        self.0.push(Diagnostic {
            kind,
            severity,
            structure,
            field,
            offset,
            message: message.into(),
        });
    }

    /// The collected list.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

/// A decoded value together with the structural diagnostics found while decoding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<T> {
    /// The decoded value.
    pub value: T,
    /// Rule violations, in the order found (ascending offset within each pass).
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Decoded<T> {
    /// True when any diagnostic has the given kind.
    pub fn has(&self, kind: DiagKind) -> bool {
        self.diagnostics.iter().any(|d| d.kind == kind)
    }

    /// The most serious severity among the diagnostics, if any.
    pub fn worst(&self) -> Option<DiagSeverity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

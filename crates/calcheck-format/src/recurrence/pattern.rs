//! RecurrencePattern ([MS-OXOCAL] 2.2.1.44.1): types, decoding and the pattern-level rules.
//!
//! The same structure is the first part of PidLidAppointmentRecur and the whole of
//! PidLidTaskRecurrence. Its layout is fixed except for PatternTypeSpecific (0, 4 or 8 bytes,
//! chosen by PatternType) and the two instance-date arrays.

use chrono::NaiveDate;

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostics};
use crate::error::Result;
use crate::reader::Reader;
use crate::time::{MINUTES_PER_DAY, NO_END_DATE, format_minutes, minutes_to_date};

use super::day_mask;
use super::expand::{self, Rule};

/// ReaderVersion and WriterVersion of every RecurrencePattern ([MS-OXOCAL] 2.2.1.44.1).
pub const PATTERN_VERSION: u16 = 0x3004;

/// Occurrences expanded at most when a rule needs the N-th occurrence (EndType 0x2022).
///
/// Outlook's own limit for "end after" is 999; the margin keeps the check meaningful for
/// hand-made blobs while bounding the work a hostile OccurrenceCount can cause.
pub const VALIDATION_OCCURRENCE_LIMIT: u32 = 10_000;

/// Structure name used in errors and diagnostics.
pub(crate) const STRUCTURE: &str = "RecurrencePattern";

/// Declares a spec enumeration stored as an integer, keeping unknown values.
macro_rules! spec_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident : $repr:ty {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value outside the enumeration, kept as read.
            Unknown($repr),
        }

        impl $name {
            /// Every named value, in spec order.
            pub const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The value as stored in the blob.
            pub fn value(self) -> $repr {
                <$repr>::from(self)
            }

            /// False for [`Self::Unknown`].
            pub fn is_known(self) -> bool {
                !matches!(self, $name::Unknown(_))
            }
        }

        impl From<$repr> for $name {
            fn from(value: $repr) -> Self {
                match value {
                    $( $value => $name::$variant, )*
                    other => $name::Unknown(other),
                }
            }
        }

        impl From<$name> for $repr {
            fn from(value: $name) -> $repr {
                match value {
                    $( $name::$variant => $value, )*
                    $name::Unknown(other) => other,
                }
            }
        }
    };
}

spec_enum! {
    /// RecurFrequency ([MS-OXOCAL] 2.2.1.44.1): how often the series repeats.
    pub enum RecurFrequency: u16 {
        /// 0x200A, daily (also "every weekday" with PatternType Week).
        Daily = 0x200A,
        /// 0x200B, weekly.
        Weekly = 0x200B,
        /// 0x200C, monthly.
        Monthly = 0x200C,
        /// 0x200D, yearly.
        Yearly = 0x200D,
    }
}

spec_enum! {
    /// PatternType ([MS-OXOCAL] 2.2.1.44.1): the kind of pattern and the shape of PatternTypeSpecific.
    pub enum PatternType: u16 {
        /// 0x0000, every Period minutes (whole days); no PatternTypeSpecific.
        Day = 0x0000,
        /// 0x0001, on the days of a day mask every Period weeks.
        Week = 0x0001,
        /// 0x0002, on a day of the month every Period months.
        Month = 0x0002,
        /// 0x0003, on the N-th matching weekday of the month every Period months.
        MonthNth = 0x0003,
        /// 0x0004, on the last day of the month every Period months.
        MonthEnd = 0x0004,
        /// 0x000A, Hijri calendar Month.
        HjMonth = 0x000A,
        /// 0x000B, Hijri calendar MonthNth.
        HjMonthNth = 0x000B,
        /// 0x000C, Hijri calendar MonthEnd.
        HjMonthEnd = 0x000C,
    }
}

spec_enum! {
    /// CalendarType ([MS-OXOCAL] 2.2.1.44.1): the calendar the pattern counts in.
    pub enum CalendarType: u16 {
        /// 0x0000, the default: Gregorian, or Hijri for the Hj* pattern types.
        Default = 0x0000,
        /// 0x0001, CAL_GREGORIAN.
        Gregorian = 0x0001,
        /// 0x0002, CAL_GREGORIAN_US.
        GregorianUs = 0x0002,
        /// 0x0003, CAL_JAPAN.
        Japan = 0x0003,
        /// 0x0004, CAL_TAIWAN.
        Taiwan = 0x0004,
        /// 0x0005, CAL_KOREA.
        Korea = 0x0005,
        /// 0x0006, CAL_HIJRI.
        Hijri = 0x0006,
        /// 0x0007, CAL_THAI.
        Thai = 0x0007,
        /// 0x0008, CAL_HEBREW.
        Hebrew = 0x0008,
        /// 0x0009, CAL_GREGORIAN_ME_FRENCH.
        GregorianMeFrench = 0x0009,
        /// 0x000A, CAL_GREGORIAN_ARABIC.
        GregorianArabic = 0x000A,
        /// 0x000B, CAL_GREGORIAN_XLIT_ENGLISH.
        GregorianXlitEnglish = 0x000B,
        /// 0x000C, CAL_GREGORIAN_XLIT_FRENCH.
        GregorianXlitFrench = 0x000C,
        /// 0x000E, CAL_LUNAR_JAPANESE.
        LunarJapanese = 0x000E,
        /// 0x000F, CAL_CHINESE_LUNAR.
        ChineseLunar = 0x000F,
        /// 0x0010, CAL_SAKA.
        Saka = 0x0010,
        /// 0x0011, CAL_LUNAR_ETO_CHN.
        LunarEtoChn = 0x0011,
        /// 0x0012, CAL_LUNAR_ETO_KOR.
        LunarEtoKor = 0x0012,
        /// 0x0013, CAL_LUNAR_ROKUYOU.
        LunarRokuyou = 0x0013,
        /// 0x0014, CAL_LUNAR_KOREAN.
        LunarKorean = 0x0014,
        /// 0x0017, CAL_UMALQURA.
        UmAlQura = 0x0017,
    }
}

spec_enum! {
    /// EndType ([MS-OXOCAL] 2.2.1.44.1): how the series ends.
    pub enum EndType: u32 {
        /// 0x00002021, after EndDate.
        EndAfterDate = 0x0000_2021,
        /// 0x00002022, after OccurrenceCount occurrences.
        EndAfterNOccurrences = 0x0000_2022,
        /// 0x00002023, never.
        NeverEnd = 0x0000_2023,
        /// 0xFFFFFFFF, never (the older value readers must also accept).
        NeverEndLegacy = 0xFFFF_FFFF,
    }
}

impl EndType {
    /// True for both never-ending values.
    pub fn is_never(self) -> bool {
        matches!(self, EndType::NeverEnd | EndType::NeverEndLegacy)
    }
}

impl PatternType {
    /// True for the Hijri pattern types (HjMonth, HjMonthNth, HjMonthEnd).
    pub fn is_hijri(self) -> bool {
        matches!(
            self,
            PatternType::HjMonth | PatternType::HjMonthNth | PatternType::HjMonthEnd
        )
    }

    /// Size in bytes of PatternTypeSpecific for this pattern type ([MS-OXOCAL] 2.2.1.44.1).
    ///
    /// Unknown pattern types are read with no PatternTypeSpecific, as MFCMAPI (and therefore
    /// CalCheck) does, so that our view of a broken blob matches theirs.
    pub fn specific_size(self) -> usize {
        match self {
            PatternType::Day | PatternType::Unknown(_) => 0,
            PatternType::Week
            | PatternType::Month
            | PatternType::MonthEnd
            | PatternType::HjMonth
            | PatternType::HjMonthEnd => 4,
            PatternType::MonthNth | PatternType::HjMonthNth => 8,
        }
    }
}

impl CalendarType {
    /// True for the calendar types that count in the Gregorian calendar.
    ///
    /// CAL_GREGORIAN_* variants differ only in localized names, so their dates follow the same
    /// rules as CAL_GREGORIAN.
    pub fn is_gregorian(self) -> bool {
        matches!(
            self,
            CalendarType::Default
                | CalendarType::Gregorian
                | CalendarType::GregorianUs
                | CalendarType::GregorianMeFrench
                | CalendarType::GregorianArabic
                | CalendarType::GregorianXlitEnglish
                | CalendarType::GregorianXlitFrench
        )
    }
}

/// PatternTypeSpecific ([MS-OXOCAL] 2.2.1.44.1.2): the details of the pattern, shaped by PatternType.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatternTypeSpecific {
    /// No field (PatternType Day, or an unknown PatternType).
    None,
    /// Week: the days of the week, a [`day_mask`].
    Week {
        /// Day bits, Sunday = 0x01 ... Saturday = 0x40.
        day_mask: u32,
    },
    /// Month, MonthEnd, HjMonth, HjMonthEnd: the day of the month.
    Month {
        /// Day of the month, 1..=31.
        day: u32,
    },
    /// MonthNth, HjMonthNth: the N-th matching day of the month.
    MonthNth {
        /// Day bits, Sunday = 0x01 ... Saturday = 0x40.
        day_mask: u32,
        /// Which match: 1..=4, or 5 for the last.
        n: u32,
    },
}

impl PatternTypeSpecific {
    /// Size in bytes of this variant in the blob.
    pub fn size(self) -> usize {
        match self {
            PatternTypeSpecific::None => 0,
            PatternTypeSpecific::Week { .. } | PatternTypeSpecific::Month { .. } => 4,
            PatternTypeSpecific::MonthNth { .. } => 8,
        }
    }
}

/// RecurrencePattern ([MS-OXOCAL] 2.2.1.44.1).
///
/// Dates are minutes since 1601-01-01 in the series' local wall clock. The instance counts of
/// the blob are the lengths of the two date vectors.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecurrencePattern {
    /// ReaderVersion, MUST be 0x3004.
    pub reader_version: u16,
    /// WriterVersion, MUST be 0x3004.
    pub writer_version: u16,
    /// RecurFrequency.
    pub recur_frequency: RecurFrequency,
    /// PatternType.
    pub pattern_type: PatternType,
    /// CalendarType.
    pub calendar_type: CalendarType,
    /// FirstDateTime ([MS-OXOCAL] 2.2.1.44.1.1): the anchor of the Period cycle.
    pub first_date_time: u32,
    /// Period: minutes (Day), weeks (Week) or months (Month kinds).
    pub period: u32,
    /// SlidingFlag: tasks only; MUST be 0 for appointments.
    pub sliding_flag: u32,
    /// PatternTypeSpecific.
    pub pattern_type_specific: PatternTypeSpecific,
    /// EndType.
    pub end_type: EndType,
    /// OccurrenceCount.
    pub occurrence_count: u32,
    /// FirstDOW: first day of the week, 0 = Sunday ... 6 = Saturday.
    pub first_dow: u32,
    /// DeletedInstanceDates: original dates of deleted and of modified instances (midnight).
    pub deleted_instance_dates: Vec<u32>,
    /// ModifiedInstanceDates: dates of modified instances (midnight).
    pub modified_instance_dates: Vec<u32>,
    /// StartDate: midnight of the first occurrence.
    pub start_date: u32,
    /// EndDate: midnight of the last occurrence, or 0x5AE980DF for a never-ending series.
    pub end_date: u32,
}

impl RecurrencePattern {
    /// StartDate as a calendar date (local wall clock).
    pub fn start(&self) -> NaiveDate {
        minutes_to_date(self.start_date)
    }

    /// EndDate as a calendar date, or `None` for a never-ending series.
    pub fn end(&self) -> Option<NaiveDate> {
        end_bound(self)
    }

    /// DeletedInstanceDates as calendar dates.
    pub fn deleted_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.deleted_instance_dates
            .iter()
            .map(|&m| minutes_to_date(m))
    }

    /// ModifiedInstanceDates as calendar dates.
    pub fn modified_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.modified_instance_dates
            .iter()
            .map(|&m| minutes_to_date(m))
    }
}

/// Byte offsets of the variable-position fields, for diagnostics.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct PatternLayout {
    pub pattern_type_specific: usize,
    pub end_type: usize,
    pub occurrence_count: usize,
    pub first_dow: usize,
    pub deleted_instance_dates: usize,
    pub modified_instance_count: usize,
    pub modified_instance_dates: usize,
    pub start_date: usize,
    pub end_date: usize,
}

/// Fixed offsets of the leading fields ([MS-OXOCAL] 2.2.1.44.1).
pub(crate) mod offsets {
    pub const READER_VERSION: usize = 0;
    pub const WRITER_VERSION: usize = 2;
    pub const RECUR_FREQUENCY: usize = 4;
    pub const PATTERN_TYPE: usize = 6;
    pub const CALENDAR_TYPE: usize = 8;
    pub const FIRST_DATE_TIME: usize = 10;
    pub const PERIOD: usize = 14;
    pub const SLIDING_FLAG: usize = 18;
    pub const PATTERN_TYPE_SPECIFIC: usize = 22;
}

/// Which property the pattern came from; a few rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PatternUse {
    /// PidLidTaskRecurrence: SlidingFlag may be set.
    Task,
    /// PidLidAppointmentRecur.
    Appointment,
}

/// Decodes a bare RecurrencePattern (PidLidTaskRecurrence, [MS-OXOCAL] 2.2.1.44.1).
///
/// Bytes after the pattern are reported as [`DiagKind::TrailingBytes`].
pub fn decode_recurrence_pattern(data: &[u8]) -> Result<Decoded<RecurrencePattern>> {
    let mut r = Reader::new(data, STRUCTURE);
    let (value, layout) = read_pattern(&mut r)?;
    let mut diags = Diagnostics::new();
    check_pattern(&value, &layout, PatternUse::Task, &mut diags);
    let rest = r.rest();
    if !rest.is_empty() {
        let all_zero = rest.iter().all(|&b| b == 0);
        diags.push(
            DiagKind::TrailingBytes,
            if all_zero {
                DiagSeverity::Info
            } else {
                DiagSeverity::Warning
            },
            STRUCTURE,
            "EndDate",
            r.offset(),
            format!(
                "{} {}byte(s) follow the end of the RecurrencePattern",
                rest.len(),
                if all_zero { "zero " } else { "" }
            ),
        );
    }
    Ok(Decoded {
        value,
        diagnostics: diags.into_vec(),
    })
}

/// Reads the pattern at the cursor; fails only when a fixed field or an instance array does not fit.
pub(crate) fn read_pattern(r: &mut Reader<'_>) -> Result<(RecurrencePattern, PatternLayout)> {
    r.set_structure(STRUCTURE);
    let reader_version = r.u16("ReaderVersion")?;
    let writer_version = r.u16("WriterVersion")?;
    let recur_frequency = RecurFrequency::from(r.u16("RecurFrequency")?);
    let pattern_type = PatternType::from(r.u16("PatternType")?);
    let calendar_type = CalendarType::from(r.u16("CalendarType")?);
    let first_date_time = r.u32("FirstDateTime")?;
    let period = r.u32("Period")?;
    let sliding_flag = r.u32("SlidingFlag")?;
    let mut layout = PatternLayout {
        pattern_type_specific: r.offset(),
        ..PatternLayout::default()
    };
    let pattern_type_specific = match pattern_type.specific_size() {
        4 if matches!(pattern_type, PatternType::Week) => PatternTypeSpecific::Week {
            day_mask: r.u32("PatternTypeSpecific.Week")?,
        },
        4 => PatternTypeSpecific::Month {
            day: r.u32("PatternTypeSpecific.Day")?,
        },
        8 => PatternTypeSpecific::MonthNth {
            day_mask: r.u32("PatternTypeSpecific.DayOfWeek")?,
            n: r.u32("PatternTypeSpecific.N")?,
        },
        _ => PatternTypeSpecific::None,
    };
    layout.end_type = r.offset();
    let end_type = EndType::from(r.u32("EndType")?);
    layout.occurrence_count = r.offset();
    let occurrence_count = r.u32("OccurrenceCount")?;
    layout.first_dow = r.offset();
    let first_dow = r.u32("FirstDOW")?;
    layout.deleted_instance_dates = r.offset() + 4;
    let deleted_instance_dates = r.u32_array("DeletedInstanceCount", "DeletedInstanceDates")?;
    layout.modified_instance_count = r.offset();
    layout.modified_instance_dates = r.offset() + 4;
    let modified_instance_dates = r.u32_array("ModifiedInstanceCount", "ModifiedInstanceDates")?;
    layout.start_date = r.offset();
    let start_date = r.u32("StartDate")?;
    layout.end_date = r.offset();
    let end_date = r.u32("EndDate")?;
    let value = RecurrencePattern {
        reader_version,
        writer_version,
        recur_frequency,
        pattern_type,
        calendar_type,
        first_date_time,
        period,
        sliding_flag,
        pattern_type_specific,
        end_type,
        occurrence_count,
        first_dow,
        deleted_instance_dates,
        modified_instance_dates,
        start_date,
        end_date,
    };
    Ok((value, layout))
}

/// Pushes a diagnostic about the RecurrencePattern structure.
fn push(
    diags: &mut Diagnostics,
    kind: DiagKind,
    severity: DiagSeverity,
    field: &'static str,
    offset: usize,
    message: String,
) {
    diags.push(kind, severity, STRUCTURE, field, offset, message);
}

/// Applies the pattern rules of [MS-OXOCAL] 2.2.1.44.1 (formats.md §2.2).
pub(crate) fn check_pattern(
    p: &RecurrencePattern,
    layout: &PatternLayout,
    usage: PatternUse,
    diags: &mut Diagnostics,
) {
    use DiagKind as K;
    use DiagSeverity::{Error, Info, Warning};

    if p.reader_version != PATTERN_VERSION {
        let msg = format!(
            "ReaderVersion is {:#06x}, expected 0x3004",
            p.reader_version
        );
        push(
            diags,
            K::BadVersion,
            Error,
            "ReaderVersion",
            offsets::READER_VERSION,
            msg,
        );
    }
    if p.writer_version != PATTERN_VERSION {
        // Readers key on ReaderVersion; a different WriterVersion does not change the layout.
        let msg = format!(
            "WriterVersion is {:#06x}, expected 0x3004",
            p.writer_version
        );
        push(
            diags,
            K::BadVersion,
            Warning,
            "WriterVersion",
            offsets::WRITER_VERSION,
            msg,
        );
    }
    if let RecurFrequency::Unknown(v) = p.recur_frequency {
        let msg = format!("RecurFrequency {v:#06x} is not one of 0x200A..0x200D");
        push(
            diags,
            K::BadEnumValue,
            Error,
            "RecurFrequency",
            offsets::RECUR_FREQUENCY,
            msg,
        );
    }
    if let PatternType::Unknown(v) = p.pattern_type {
        let msg = format!(
            "PatternType {v:#06x} is not a defined pattern type, so the size of PatternTypeSpecific is unknown (read as 0 bytes)"
        );
        push(
            diags,
            K::BadEnumValue,
            Error,
            "PatternType",
            offsets::PATTERN_TYPE,
            msg,
        );
    }
    if let CalendarType::Unknown(v) = p.calendar_type {
        let msg = format!("CalendarType {v:#06x} is not a defined calendar type");
        push(
            diags,
            K::BadEnumValue,
            Error,
            "CalendarType",
            offsets::CALENDAR_TYPE,
            msg,
        );
    }
    check_combination(p, diags);
    check_period(p, diags);
    check_specific(p, layout, diags);

    match p.end_type {
        EndType::Unknown(v) => {
            let msg = format!("EndType {v:#010x} is not 0x2021, 0x2022, 0x2023 or 0xFFFFFFFF");
            push(
                diags,
                K::BadEnumValue,
                Error,
                "EndType",
                layout.end_type,
                msg,
            );
        }
        EndType::NeverEndLegacy => {
            let msg = "EndType 0xFFFFFFFF is the legacy never-ending value (0x2023 is current)";
            push(
                diags,
                K::BadEnumValue,
                Info,
                "EndType",
                layout.end_type,
                msg.to_owned(),
            );
        }
        _ => {}
    }
    if p.first_dow > 6 {
        let msg = format!("FirstDOW {} is not a day of the week (0..=6)", p.first_dow);
        push(
            diags,
            K::BadEnumValue,
            Error,
            "FirstDOW",
            layout.first_dow,
            msg,
        );
    }
    if p.sliding_flag != 0 && usage == PatternUse::Appointment {
        // Only regenerating tasks slide; Outlook ignores the flag on appointments.
        let msg = format!(
            "SlidingFlag is {:#x} but MUST be 0 for appointments",
            p.sliding_flag
        );
        push(
            diags,
            K::SlidingFlagSet,
            Warning,
            "SlidingFlag",
            offsets::SLIDING_FLAG,
            msg,
        );
    }

    check_end(p, layout, diags);
    check_dates(p, layout, diags);
    check_against_rule(p, layout, diags);
}

/// RecurFrequency / PatternType combinations (formats.md §2.2 rule 1).
fn check_combination(p: &RecurrencePattern, diags: &mut Diagnostics) {
    use DiagSeverity::{Error, Warning};
    use PatternType as P;
    use RecurFrequency as F;
    let legal = match (p.recur_frequency, p.pattern_type) {
        (F::Unknown(_), _) | (_, P::Unknown(_)) => return,
        (F::Daily, P::Day | P::Week) | (F::Weekly, P::Week) => true,
        (F::Monthly | F::Yearly, pt) => !matches!(pt, P::Day | P::Week),
        _ => false,
    };
    if !legal {
        let msg = format!(
            "RecurFrequency {:#06x} cannot be combined with PatternType {:#06x}",
            p.recur_frequency.value(),
            p.pattern_type.value()
        );
        push(
            diags,
            DiagKind::IllegalPatternCombination,
            Error,
            "PatternType",
            offsets::PATTERN_TYPE,
            msg,
        );
    }
    if let (F::Daily, P::Week) = (p.recur_frequency, p.pattern_type) {
        // Daily + Week is how Outlook stores "every weekday"; other masks have no UI meaning.
        if let PatternTypeSpecific::Week { day_mask } = p.pattern_type_specific {
            if day_mask != day_mask::WEEKDAYS {
                let msg = format!(
                    "a daily pattern of type Week should be \"every weekday\" (mask 0x3E) but the mask is {day_mask:#x}"
                );
                push(
                    diags,
                    DiagKind::IllegalPatternCombination,
                    Warning,
                    "PatternTypeSpecific",
                    offsets::PATTERN_TYPE_SPECIFIC,
                    msg,
                );
            }
        }
    }
    if p.pattern_type.is_hijri() && p.calendar_type != CalendarType::Default {
        let msg = format!(
            "Hijri pattern types need CalendarType 0 but it is {:#06x}",
            p.calendar_type.value()
        );
        push(
            diags,
            DiagKind::IllegalPatternCombination,
            Warning,
            "CalendarType",
            offsets::CALENDAR_TYPE,
            msg,
        );
    }
}

/// Period range per frequency (formats.md §2.2 rule 2, §9.21).
fn check_period(p: &RecurrencePattern, diags: &mut Diagnostics) {
    use DiagSeverity::{Error, Warning};
    let period = p.period;
    let problem: Option<(DiagSeverity, String)> = match (p.recur_frequency, p.pattern_type) {
        (_, PatternType::Unknown(_)) | (RecurFrequency::Unknown(_), _) => None,
        (_, PatternType::Day) => {
            if period == 0 || period % MINUTES_PER_DAY != 0 {
                Some((
                    Error,
                    format!("daily Period {period} is not a whole number of days in minutes"),
                ))
            } else if period / MINUTES_PER_DAY > 999 {
                Some((
                    Error,
                    format!(
                        "daily Period of {} days exceeds 999",
                        period / MINUTES_PER_DAY
                    ),
                ))
            } else {
                None
            }
        }
        (_, PatternType::Week) => (!(1..=99).contains(&period)).then(|| {
            (
                Error,
                format!("weekly Period {period} is outside 1..=99 weeks"),
            )
        }),
        (RecurFrequency::Yearly, _) => {
            if period == 12 {
                None
            } else if period != 0 && period % 12 == 0 && period <= 99 * 12 {
                // [MS-OXCICAL] lets "every N years" be written with a multiple of 12.
                Some((
                    Warning,
                    format!("yearly Period {period} is a multiple of 12 but not 12"),
                ))
            } else {
                Some((Error, format!("yearly Period {period} MUST be 12")))
            }
        }
        _ => (!(1..=99).contains(&period)).then(|| {
            (
                Error,
                format!("monthly Period {period} is outside 1..=99 months"),
            )
        }),
    };
    if let Some((severity, msg)) = problem {
        push(
            diags,
            DiagKind::BadPeriod,
            severity,
            "Period",
            offsets::PERIOD,
            msg,
        );
    }
}

/// PatternTypeSpecific ranges (formats.md §2.2 rule 3).
fn check_specific(p: &RecurrencePattern, layout: &PatternLayout, diags: &mut Diagnostics) {
    let at = layout.pattern_type_specific;
    let mut bad = |field: &'static str, offset: usize, msg: String| {
        push(
            diags,
            DiagKind::BadPatternSpecific,
            DiagSeverity::Error,
            field,
            offset,
            msg,
        );
    };
    let mask_problem = |mask: u32| -> Option<String> {
        if mask == 0 {
            Some("the day mask is empty".to_owned())
        } else if mask & !day_mask::ALL != 0 {
            Some(format!(
                "the day mask {mask:#x} has bits above 0x40 (Saturday)"
            ))
        } else {
            None
        }
    };
    match p.pattern_type_specific {
        PatternTypeSpecific::None => {}
        PatternTypeSpecific::Week { day_mask } => {
            if let Some(msg) = mask_problem(day_mask) {
                bad("PatternTypeSpecific.Week", at, msg);
            }
        }
        PatternTypeSpecific::Month { day } => {
            // The day of a MonthEnd pattern carries no meaning, so only Month kinds are checked.
            let checked = matches!(p.pattern_type, PatternType::Month | PatternType::HjMonth);
            if checked && !(1..=31).contains(&day) {
                bad(
                    "PatternTypeSpecific.Day",
                    at,
                    format!("day of month {day} is outside 1..=31"),
                );
            }
        }
        PatternTypeSpecific::MonthNth { day_mask, n } => {
            if let Some(msg) = mask_problem(day_mask) {
                bad("PatternTypeSpecific.DayOfWeek", at, msg);
            }
            if !(1..=5).contains(&n) {
                bad(
                    "PatternTypeSpecific.N",
                    at + 4,
                    format!("N {n} is outside 1..=5 (5 = last)"),
                );
            }
        }
    }
}

/// EndType versus EndDate / OccurrenceCount (formats.md §2.2 rules 4 and 5).
fn check_end(p: &RecurrencePattern, layout: &PatternLayout, diags: &mut Diagnostics) {
    use DiagKind as K;
    use DiagSeverity::{Error, Warning};
    if p.end_type.is_never() {
        if p.end_date != NO_END_DATE {
            let msg = format!(
                "never-ending series must have EndDate 0x5AE980DF (4500-12-31 23:59) but it is {:#010x} ({})",
                p.end_date,
                format_minutes(p.end_date)
            );
            push(
                diags,
                K::EndMismatch,
                Error,
                "EndDate",
                layout.end_date,
                msg,
            );
        }
        return;
    }
    if !p.end_type.is_known() {
        return;
    }
    if p.end_date == NO_END_DATE {
        let msg = format!(
            "EndType {:#06x} ends the series but EndDate is the never-ending value 0x5AE980DF",
            p.end_type.value()
        );
        push(
            diags,
            K::EndMismatch,
            Error,
            "EndDate",
            layout.end_date,
            msg,
        );
    } else if p.end_date > NO_END_DATE {
        let msg = format!(
            "EndDate {} is past 4500-12-31, Outlook's last date",
            format_minutes(p.end_date)
        );
        push(
            diags,
            K::OutOfRange,
            Warning,
            "EndDate",
            layout.end_date,
            msg,
        );
    }
    if p.end_date < p.start_date {
        let msg = format!(
            "EndDate {} is before StartDate {}",
            format_minutes(p.end_date),
            format_minutes(p.start_date)
        );
        push(
            diags,
            K::EndBeforeStart,
            Error,
            "EndDate",
            layout.end_date,
            msg,
        );
    }
    if p.end_type == EndType::EndAfterNOccurrences {
        if p.occurrence_count == 0 {
            let msg = "EndType 0x2022 ends after N occurrences but OccurrenceCount is 0".to_owned();
            push(
                diags,
                K::EndMismatch,
                Error,
                "OccurrenceCount",
                layout.occurrence_count,
                msg,
            );
        } else if p.occurrence_count > 999 {
            // The "End after" box of Outlook stops at 999; not a spec rule (formats.md §2.2 rule 10).
            let msg = format!(
                "OccurrenceCount {} exceeds the 999 Outlook's UI allows",
                p.occurrence_count
            );
            push(
                diags,
                K::OutOfRange,
                Warning,
                "OccurrenceCount",
                layout.occurrence_count,
                msg,
            );
        }
    }
}

/// Midnight, order and duplicate rules of the date fields (formats.md §2.2 rules 7-9).
fn check_dates(p: &RecurrencePattern, layout: &PatternLayout, diags: &mut Diagnostics) {
    use DiagKind as K;
    use DiagSeverity::{Error, Warning};
    if p.start_date % MINUTES_PER_DAY != 0 {
        let msg = format!(
            "StartDate {} is not a midnight value",
            format_minutes(p.start_date)
        );
        push(
            diags,
            K::NotMidnight,
            Error,
            "StartDate",
            layout.start_date,
            msg,
        );
    }
    if p.end_date % MINUTES_PER_DAY != 0 && p.end_date != NO_END_DATE {
        let msg = format!(
            "EndDate {} is not a midnight value",
            format_minutes(p.end_date)
        );
        push(
            diags,
            K::NotMidnight,
            Error,
            "EndDate",
            layout.end_date,
            msg,
        );
    }
    let deleted_count = p.deleted_instance_dates.len();
    let modified_count = p.modified_instance_dates.len();
    if modified_count > deleted_count {
        let msg = format!(
            "ModifiedInstanceCount {modified_count} is greater than DeletedInstanceCount {deleted_count}"
        );
        push(
            diags,
            K::ModifiedExceedsDeleted,
            Error,
            "ModifiedInstanceCount",
            layout.modified_instance_count,
            msg,
        );
    }
    // Deleted dates SHOULD NOT repeat; modified dates MUST NOT (two instances cannot share a day).
    check_date_list(
        &p.deleted_instance_dates,
        "DeletedInstanceDates",
        layout.deleted_instance_dates,
        Warning,
        diags,
    );
    check_date_list(
        &p.modified_instance_dates,
        "ModifiedInstanceDates",
        layout.modified_instance_dates,
        Error,
        diags,
    );
}

/// One instance-date list: midnight values, ascending, and duplicates at `dup_severity`.
fn check_date_list(
    dates: &[u32],
    field: &'static str,
    start: usize,
    dup_severity: DiagSeverity,
    diags: &mut Diagnostics,
) {
    let at = |i: usize| start + 4 * i;
    for (i, &d) in dates.iter().enumerate() {
        if d % MINUTES_PER_DAY != 0 {
            let msg = format!("{field}[{i}] {} is not a midnight value", format_minutes(d));
            push(
                diags,
                DiagKind::NotMidnight,
                DiagSeverity::Error,
                field,
                at(i),
                msg,
            );
        }
    }
    for (i, pair) in dates.windows(2).enumerate() {
        if let [a, b] = pair {
            if b < a {
                let msg = format!(
                    "{field}[{}] {} is before the previous date {}",
                    i + 1,
                    format_minutes(*b),
                    format_minutes(*a)
                );
                push(
                    diags,
                    DiagKind::UnsortedDates,
                    DiagSeverity::Error,
                    field,
                    at(i + 1),
                    msg,
                );
            } else if a == b {
                let msg = format!(
                    "{field}[{}] {} repeats the previous date",
                    i + 1,
                    format_minutes(*b)
                );
                push(
                    diags,
                    DiagKind::DuplicateDates,
                    dup_severity,
                    field,
                    at(i + 1),
                    msg,
                );
            }
        }
    }
}

/// Rules that need the Gregorian occurrence arithmetic: FirstDateTime, the N-th occurrence,
/// and that StartDate and every deleted date are occurrences.
fn check_against_rule(p: &RecurrencePattern, layout: &PatternLayout, diags: &mut Diagnostics) {
    use DiagKind as K;
    use DiagSeverity::{Error, Warning};
    // Non-Gregorian and invalid patterns cannot be expanded; their other problems are reported above.
    let Ok(rule) = Rule::from_pattern(p) else {
        return;
    };

    let expected = rule.first_date_time(minutes_to_date(p.start_date));
    if let Some(expected) = expected {
        if expected != p.first_date_time {
            let msg = format!(
                "FirstDateTime is {} but the pattern and StartDate give {expected}",
                p.first_date_time
            );
            push(
                diags,
                K::FirstDateTimeMismatch,
                Error,
                "FirstDateTime",
                offsets::FIRST_DATE_TIME,
                msg,
            );
        }
    }

    let start = minutes_to_date(p.start_date);
    if !rule.matches(start, start) {
        let msg = format!("StartDate {start} is not a day on which the pattern occurs");
        push(
            diags,
            K::NotAnOccurrence,
            Warning,
            "StartDate",
            layout.start_date,
            msg,
        );
    }

    if p.end_type == EndType::EndAfterNOccurrences
        && (1..=VALIDATION_OCCURRENCE_LIMIT).contains(&p.occurrence_count)
        && p.end_date != NO_END_DATE
    {
        let last = expand::occurrences(p, p.occurrence_count as usize)
            .ok()
            .and_then(|occ| occ.enumerate().last());
        if let Some((i, last)) = last {
            let end = minutes_to_date(p.end_date);
            if i + 1 == p.occurrence_count as usize && last != end {
                let msg = format!(
                    "EndDate {end} is not the date of occurrence {} ({last})",
                    p.occurrence_count
                );
                push(
                    diags,
                    K::EndMismatch,
                    Error,
                    "EndDate",
                    layout.end_date,
                    msg,
                );
            }
        }
    }

    let end = end_bound(p);
    for (i, &d) in p.deleted_instance_dates.iter().enumerate() {
        let date = minutes_to_date(d);
        let inside = date >= start && end.is_none_or(|end| date <= end);
        if !inside || !rule.matches(start, date) {
            let why = if inside {
                "is not a day on which the pattern occurs"
            } else {
                "is outside the series"
            };
            let msg = format!("DeletedInstanceDates[{i}] {date} {why}");
            push(
                diags,
                K::NotAnOccurrence,
                Warning,
                "DeletedInstanceDates",
                layout.deleted_instance_dates + 4 * i,
                msg,
            );
        }
    }
}

/// The last date the series can occur on (EndDate), or `None` when it never ends.
pub(crate) fn end_bound(p: &RecurrencePattern) -> Option<NaiveDate> {
    if p.end_type.is_never() || p.end_date >= NO_END_DATE {
        None
    } else {
        Some(minutes_to_date(p.end_date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::error::Error;
    use crate::recurrence::encode::encode_recurrence_pattern;
    use crate::time::naive_to_minutes;

    /// [MS-OXOCAL] 4.1.1.1 "Weekly Recurrence BLOB Without Exceptions", pattern part.
    #[rustfmt::skip]
    const SPEC_WEEKLY: [u8; 54] = [
        0x04, 0x30,             // ReaderVersion 0x3004
        0x04, 0x30,             // WriterVersion 0x3004
        0x0B, 0x20,             // RecurFrequency weekly
        0x01, 0x00,             // PatternType Week
        0x00, 0x00,             // CalendarType default
        0xC0, 0x21, 0x00, 0x00, // FirstDateTime 8640
        0x01, 0x00, 0x00, 0x00, // Period 1 week
        0x00, 0x00, 0x00, 0x00, // SlidingFlag
        0x32, 0x00, 0x00, 0x00, // PatternTypeSpecific M|Th|F
        0x22, 0x20, 0x00, 0x00, // EndType after N occurrences
        0x0C, 0x00, 0x00, 0x00, // OccurrenceCount 12
        0x00, 0x00, 0x00, 0x00, // FirstDOW Sunday
        0x00, 0x00, 0x00, 0x00, // DeletedInstanceCount 0
        0x00, 0x00, 0x00, 0x00, // ModifiedInstanceCount 0
        0x80, 0x20, 0xBC, 0x0C, // StartDate 2007-03-26
        0x20, 0xAD, 0xBC, 0x0C, // EndDate 2007-04-20
    ];

    fn day(y: i32, m: u32, d: u32) -> u32 {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        naive_to_minutes(date.and_time(chrono::NaiveTime::MIN)).unwrap()
    }

    /// The spec's weekly example as a value: every Mon/Thu/Fri from 2007-03-26, 12 occurrences.
    fn weekly() -> RecurrencePattern {
        RecurrencePattern {
            reader_version: 0x3004,
            writer_version: 0x3004,
            recur_frequency: RecurFrequency::Weekly,
            pattern_type: PatternType::Week,
            calendar_type: CalendarType::Default,
            first_date_time: 8640,
            period: 1,
            sliding_flag: 0,
            pattern_type_specific: PatternTypeSpecific::Week { day_mask: 0x32 },
            end_type: EndType::EndAfterNOccurrences,
            occurrence_count: 12,
            first_dow: 0,
            deleted_instance_dates: vec![],
            modified_instance_dates: vec![],
            start_date: day(2007, 3, 26),
            end_date: day(2007, 4, 20),
        }
    }

    /// Diagnostics of `p` checked as an appointment pattern.
    fn check(p: &RecurrencePattern, usage: PatternUse) -> Vec<Diagnostic> {
        let bytes = encode_recurrence_pattern(p);
        let mut r = Reader::new(&bytes, STRUCTURE);
        let (decoded, layout) = read_pattern(&mut r).unwrap();
        assert_eq!(&decoded, p);
        let mut diags = Diagnostics::new();
        check_pattern(&decoded, &layout, usage, &mut diags);
        diags.into_vec()
    }

    /// The single diagnostic of `p`, which must have `kind`.
    fn only(p: &RecurrencePattern, kind: DiagKind) -> Diagnostic {
        let diags = check(p, PatternUse::Appointment);
        assert_eq!(diags.len(), 1, "{diags:#?}");
        assert_eq!(diags[0].kind, kind, "{diags:#?}");
        diags[0].clone()
    }

    #[test]
    fn pattern_spec_example_decodes_cleanly() {
        let decoded = decode_recurrence_pattern(&SPEC_WEEKLY).unwrap();
        assert_eq!(decoded.value, weekly());
        assert!(decoded.diagnostics.is_empty(), "{:#?}", decoded.diagnostics);
        assert_eq!(encode_recurrence_pattern(&decoded.value), SPEC_WEEKLY);
    }

    #[test]
    fn pattern_truncated_inside_each_fixed_field_is_error() {
        // Cutting the blob inside a field names that field and its offset.
        let cases = [
            (1, "ReaderVersion", 0),
            (3, "WriterVersion", 2),
            (5, "RecurFrequency", 4),
            (7, "PatternType", 6),
            (9, "CalendarType", 8),
            (12, "FirstDateTime", 10),
            (16, "Period", 14),
            (20, "SlidingFlag", 18),
            (24, "PatternTypeSpecific.Week", 22),
            (28, "EndType", 26),
            (32, "OccurrenceCount", 30),
            (36, "FirstDOW", 34),
            (40, "DeletedInstanceCount", 38),
            (44, "ModifiedInstanceCount", 42),
            (48, "StartDate", 46),
            (53, "EndDate", 50),
        ];
        for (len, field, offset) in cases {
            let err = decode_recurrence_pattern(&SPEC_WEEKLY[..len]).unwrap_err();
            assert!(matches!(err, Error::Truncated { .. }), "{err}");
            assert_eq!(
                (err.structure(), err.field(), err.offset()),
                ("RecurrencePattern", field, offset)
            );
        }
        assert!(decode_recurrence_pattern(&[]).is_err());
    }

    #[test]
    fn pattern_instance_count_that_cannot_fit_is_error() {
        let mut bytes = SPEC_WEEKLY.to_vec();
        bytes[38..42].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        let err = decode_recurrence_pattern(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                Error::CountTooLarge {
                    count: 0xFFFF_FFFF,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!((err.field(), err.offset()), ("DeletedInstanceCount", 38));
        let mut bytes = SPEC_WEEKLY.to_vec();
        bytes[42..46].copy_from_slice(&3u32.to_le_bytes());
        let err = decode_recurrence_pattern(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                Error::CountTooLarge {
                    count: 3,
                    available: 8,
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!((err.field(), err.offset()), ("ModifiedInstanceCount", 42));
    }

    #[test]
    fn pattern_trailing_bytes_are_reported() {
        let mut bytes = SPEC_WEEKLY.to_vec();
        bytes.extend([0, 0]);
        let d = decode_recurrence_pattern(&bytes).unwrap();
        assert_eq!(d.diagnostics.len(), 1);
        let t = &d.diagnostics[0];
        assert_eq!(
            (t.kind, t.severity, t.offset),
            (DiagKind::TrailingBytes, DiagSeverity::Info, 54)
        );
        bytes.push(7);
        let d = decode_recurrence_pattern(&bytes).unwrap();
        assert_eq!(d.diagnostics[0].severity, DiagSeverity::Warning);
    }

    #[test]
    fn pattern_versions() {
        let mut p = weekly();
        p.reader_version = 0x3005;
        let d = only(&p, DiagKind::BadVersion);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Error, "ReaderVersion", 0)
        );
        let mut p = weekly();
        p.writer_version = 0x3005;
        let d = only(&p, DiagKind::BadVersion);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Warning, "WriterVersion", 2)
        );
    }

    #[test]
    fn pattern_unknown_enum_values() {
        let mut p = weekly();
        p.recur_frequency = RecurFrequency::Unknown(0x200E);
        assert_eq!(only(&p, DiagKind::BadEnumValue).field, "RecurFrequency");
        let mut p = weekly();
        p.calendar_type = CalendarType::Unknown(0x0D);
        assert_eq!(only(&p, DiagKind::BadEnumValue).field, "CalendarType");
        let mut p = weekly();
        p.first_dow = 7;
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::BadEnumValue && d.field == "FirstDOW"),
            "{d:#?}"
        );
        // An unknown PatternType is read without PatternTypeSpecific, as MFCMAPI does.
        let mut p = weekly();
        p.pattern_type = PatternType::Unknown(5);
        p.pattern_type_specific = PatternTypeSpecific::None;
        let d = only(&p, DiagKind::BadEnumValue);
        assert_eq!((d.field, d.severity), ("PatternType", DiagSeverity::Error));
    }

    #[test]
    fn pattern_end_type_values() {
        let mut p = weekly();
        p.end_type = EndType::Unknown(0x2024);
        let d = only(&p, DiagKind::BadEnumValue);
        assert_eq!((d.field, d.offset), ("EndType", 26));
        let mut p = weekly();
        p.end_type = EndType::NeverEndLegacy;
        p.end_date = NO_END_DATE;
        let d = only(&p, DiagKind::BadEnumValue);
        assert_eq!(d.severity, DiagSeverity::Info);
        assert_eq!(EndType::from(0xFFFF_FFFF), EndType::NeverEndLegacy);
        assert_eq!(u32::from(EndType::Unknown(7)), 7);
    }

    #[test]
    fn pattern_illegal_combinations() {
        let mut p = weekly();
        p.recur_frequency = RecurFrequency::Monthly;
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::IllegalPatternCombination
                    && d.severity == DiagSeverity::Error)
        );
        // Daily + Week is "every weekday" only.
        let mut p = weekly();
        p.recur_frequency = RecurFrequency::Daily;
        let d = only(&p, DiagKind::IllegalPatternCombination);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Warning, 22));
        // Hijri patterns need CalendarType 0.
        let mut p = weekly();
        p.recur_frequency = RecurFrequency::Monthly;
        p.pattern_type = PatternType::HjMonth;
        p.calendar_type = CalendarType::Hijri;
        p.pattern_type_specific = PatternTypeSpecific::Month { day: 3 };
        p.end_type = EndType::NeverEnd;
        p.end_date = NO_END_DATE;
        let d = only(&p, DiagKind::IllegalPatternCombination);
        assert_eq!(d.field, "CalendarType");
    }

    #[test]
    fn pattern_period_ranges() {
        let daily = |period: u32| {
            let mut p = weekly();
            p.recur_frequency = RecurFrequency::Daily;
            p.pattern_type = PatternType::Day;
            p.pattern_type_specific = PatternTypeSpecific::None;
            p.period = period;
            p.end_type = EndType::NeverEnd;
            p.end_date = NO_END_DATE;
            p.first_date_time = p.start_date % period.max(1);
            p
        };
        assert!(check(&daily(1440), PatternUse::Appointment).is_empty());
        let d = check(&daily(1000), PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::BadPeriod && d.offset == 14),
            "{d:#?}"
        );
        let d = check(&daily(1440 * 1000), PatternUse::Appointment);
        assert!(d.iter().any(|d| d.kind == DiagKind::BadPeriod), "{d:#?}");
        let mut p = weekly();
        p.period = 100;
        let d = check(&p, PatternUse::Appointment);
        assert!(d.iter().any(|d| d.kind == DiagKind::BadPeriod), "{d:#?}");
        let yearly = |period: u32| {
            let mut p = weekly();
            p.recur_frequency = RecurFrequency::Yearly;
            p.pattern_type = PatternType::Month;
            p.pattern_type_specific = PatternTypeSpecific::Month { day: 26 };
            p.period = period;
            p.end_type = EndType::NeverEnd;
            p.end_date = NO_END_DATE;
            p
        };
        let d = check(&yearly(24), PatternUse::Appointment);
        let bad: Vec<_> = d.iter().filter(|d| d.kind == DiagKind::BadPeriod).collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].severity, DiagSeverity::Warning);
        let d = check(&yearly(13), PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::BadPeriod && d.severity == DiagSeverity::Error)
        );
    }

    #[test]
    fn pattern_specific_ranges() {
        let mut p = weekly();
        p.pattern_type_specific = PatternTypeSpecific::Week { day_mask: 0 };
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::BadPatternSpecific && d.offset == 22)
        );
        p.pattern_type_specific = PatternTypeSpecific::Week { day_mask: 0x82 };
        let d = check(&p, PatternUse::Appointment);
        assert!(d.iter().any(|d| d.kind == DiagKind::BadPatternSpecific));
        let mut p = weekly();
        p.recur_frequency = RecurFrequency::Monthly;
        p.pattern_type = PatternType::MonthNth;
        p.pattern_type_specific = PatternTypeSpecific::MonthNth {
            day_mask: 0x02,
            n: 6,
        };
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::BadPatternSpecific && d.offset == 26),
            "{d:#?}"
        );
        p.pattern_type = PatternType::Month;
        p.pattern_type_specific = PatternTypeSpecific::Month { day: 32 };
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter().any(|d| d.kind == DiagKind::BadPatternSpecific),
            "{d:#?}"
        );
    }

    #[test]
    fn pattern_end_rules() {
        // Never-ending needs EndDate 0x5AE980DF.
        let mut p = weekly();
        p.end_type = EndType::NeverEnd;
        let d = only(&p, DiagKind::EndMismatch);
        assert_eq!(
            (d.severity, d.field, d.offset),
            (DiagSeverity::Error, "EndDate", 50)
        );
        // A finite series cannot end on the never-ending marker.
        let mut p = weekly();
        p.end_type = EndType::EndAfterDate;
        p.end_date = NO_END_DATE;
        assert_eq!(only(&p, DiagKind::EndMismatch).field, "EndDate");
        // OccurrenceCount 0 with EndType 0x2022.
        let mut p = weekly();
        p.occurrence_count = 0;
        assert_eq!(only(&p, DiagKind::EndMismatch).field, "OccurrenceCount");
        // EndDate must be the 12th occurrence (2007-04-20), not the 11th.
        let mut p = weekly();
        p.end_date = day(2007, 4, 19);
        let d = only(&p, DiagKind::EndMismatch);
        assert!(d.message.contains("2007-04-20"), "{}", d.message);
        // More than Outlook's 999 occurrences is only a warning.
        let mut p = weekly();
        p.end_type = EndType::EndAfterDate;
        p.occurrence_count = 1000;
        assert!(check(&p, PatternUse::Appointment).is_empty());
        p.end_type = EndType::EndAfterNOccurrences;
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::OutOfRange && d.severity == DiagSeverity::Warning)
        );
        // EndDate past 4500 and before StartDate.
        let mut p = weekly();
        p.end_type = EndType::EndAfterDate;
        p.end_date = NO_END_DATE + 1; // 4501-01-01 00:00
        let d = only(&p, DiagKind::OutOfRange);
        assert_eq!(d.field, "EndDate");
        let mut p = weekly();
        p.end_type = EndType::EndAfterDate;
        p.end_date = day(2007, 3, 19);
        let d = only(&p, DiagKind::EndBeforeStart);
        assert_eq!(d.severity, DiagSeverity::Error);
    }

    #[test]
    fn pattern_sliding_flag_only_for_appointments() {
        let mut p = weekly();
        p.sliding_flag = 1;
        let d = only(&p, DiagKind::SlidingFlagSet);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Warning, 18));
        assert!(check(&p, PatternUse::Task).is_empty());
    }

    #[test]
    fn pattern_date_lists() {
        let mut p = weekly();
        p.start_date += 60;
        let d = check(&p, PatternUse::Appointment);
        assert!(
            d.iter()
                .any(|d| d.kind == DiagKind::NotMidnight && d.field == "StartDate"),
            "{d:#?}"
        );
        let mut p = weekly();
        p.end_type = EndType::EndAfterDate;
        p.end_date += 1;
        assert_eq!(only(&p, DiagKind::NotMidnight).field, "EndDate");
        // Deleted: 2007-03-29 and 2007-03-26 (unsorted), then a repeat, then a non-midnight value.
        let mut p = weekly();
        p.deleted_instance_dates = vec![day(2007, 3, 29), day(2007, 3, 26)];
        let d = only(&p, DiagKind::UnsortedDates);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Error, 42 + 4));
        p.deleted_instance_dates = vec![day(2007, 3, 26), day(2007, 3, 26)];
        assert_eq!(
            only(&p, DiagKind::DuplicateDates).severity,
            DiagSeverity::Warning
        );
        p.deleted_instance_dates = vec![day(2007, 3, 26) + 600];
        assert_eq!(only(&p, DiagKind::NotMidnight).offset, 42);
        // Modified dates MUST NOT repeat and cannot outnumber deleted dates.
        let mut p = weekly();
        p.deleted_instance_dates = vec![day(2007, 3, 26), day(2007, 3, 29)];
        p.modified_instance_dates = vec![day(2007, 3, 27), day(2007, 3, 27)];
        assert_eq!(
            only(&p, DiagKind::DuplicateDates).severity,
            DiagSeverity::Error
        );
        p.modified_instance_dates = vec![day(2007, 3, 27), day(2007, 3, 28), day(2007, 3, 30)];
        let d = only(&p, DiagKind::ModifiedExceedsDeleted);
        assert_eq!((d.field, d.offset), ("ModifiedInstanceCount", 50));
    }

    #[test]
    fn pattern_rule_based_checks() {
        let mut p = weekly();
        p.first_date_time = 0;
        let d = only(&p, DiagKind::FirstDateTimeMismatch);
        assert_eq!((d.severity, d.offset), (DiagSeverity::Error, 10));
        // 2007-03-27 is a Tuesday, not one of Mon/Thu/Fri; 2007-05-04 is after the series.
        let mut p = weekly();
        p.deleted_instance_dates = vec![day(2007, 3, 27), day(2007, 5, 4)];
        let d = check(&p, PatternUse::Appointment);
        assert_eq!(d.len(), 2, "{d:#?}");
        assert!(d.iter().all(|d| d.kind == DiagKind::NotAnOccurrence && d.severity == DiagSeverity::Warning));
        assert!(d[1].message.contains("outside"), "{}", d[1].message);
        // A StartDate that is not a pattern day (and the EndDate that follows from it).
        let mut p = weekly();
        p.end_type = EndType::EndAfterDate;
        p.start_date = day(2007, 3, 27);
        let d = only(&p, DiagKind::NotAnOccurrence);
        assert_eq!(d.field, "StartDate");
        // Non-Gregorian calendars are not checked against the Gregorian rule.
        let mut p = weekly();
        p.calendar_type = CalendarType::Hebrew;
        p.first_date_time = 1;
        assert!(check(&p, PatternUse::Appointment).is_empty());
    }

    #[test]
    fn pattern_enum_round_trips() {
        for &v in RecurFrequency::KNOWN {
            assert_eq!(RecurFrequency::from(v.value()), v);
        }
        for &v in PatternType::KNOWN {
            assert_eq!(PatternType::from(v.value()), v);
            assert!(v.is_known());
        }
        for &v in CalendarType::KNOWN {
            assert_eq!(CalendarType::from(v.value()), v);
        }
        assert_eq!(CalendarType::from(0x0D), CalendarType::Unknown(0x0D));
        assert!(!PatternType::from(5).is_known());
        assert_eq!(PatternType::MonthNth.specific_size(), 8);
        assert!(CalendarType::GregorianUs.is_gregorian());
        assert!(!CalendarType::Hebrew.is_gregorian());
    }
}

//! Property tests: random valid recurrence blobs ([MS-OXOCAL] 2.2.1.44) survive encode → decode
//! unchanged and raise no Error-severity diagnostic.
//!
//! Values cover every PatternType, CalendarType and EndType, WriterVersion2 0x3008 and 0x3009,
//! and exceptions with random ARO_* flags and strings. Gregorian series take their StartDate,
//! EndDate, FirstDateTime and instance dates from the pattern's own occurrences; other
//! calendars get arbitrary but ordered midnight dates (their rules are not checked).
#![allow(
    missing_docs,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]

use calcheck_format::recurrence::expand::expected_first_date_time;
use calcheck_format::recurrence::{
    AnsiString, AppointmentRecurrencePattern, CalendarType, ChangeHighlight, EndType,
    ExceptionInfo, ExtendedException, OverrideFlags, PatternType, PatternTypeSpecific,
    RecurFrequency, RecurrencePattern, WideString, day_mask, decode_appointment_recurrence,
    decode_recurrence_pattern, encode_appointment_recurrence, encode_recurrence_pattern,
    occurrences,
};
use calcheck_format::time::{MINUTES_PER_DAY, NO_END_DATE, naive_to_minutes};
use calcheck_format::{DiagSeverity, Diagnostic};
use chrono::NaiveDate;
use proptest::prelude::*;

/// Draws numbers from the random words proptest supplies (shrinking moves them towards 0).
struct Draw<'a> {
    words: &'a [u32],
    next: usize,
}

impl Draw<'_> {
    fn word(&mut self) -> u32 {
        let w = self.words.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        w
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.word() % (hi - lo + 1)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.word() as usize % items.len()]
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.word() % 100 < percent
    }

    /// Text of printable ASCII and Latin-1 characters, which windows-1252 stores as the same
    /// byte values, so the ANSI and wide forms agree.
    fn text(&mut self, max: u32) -> String {
        let len = self.range(0, max);
        (0..len)
            .map(|_| {
                let c = if self.chance(85) {
                    self.range(0x20, 0x7E)
                } else {
                    self.range(0xA0, 0xFF)
                };
                char::from_u32(c).unwrap()
            })
            .collect()
    }
}

fn midnight(date: NaiveDate) -> u32 {
    naive_to_minutes(date.and_time(chrono::NaiveTime::MIN)).unwrap()
}

/// The recurrence shapes Outlook writes, as (frequency, pattern type).
const SHAPES: [(RecurFrequency, PatternType); 12] = [
    (RecurFrequency::Daily, PatternType::Day),
    (RecurFrequency::Daily, PatternType::Week),
    (RecurFrequency::Weekly, PatternType::Week),
    (RecurFrequency::Monthly, PatternType::Month),
    (RecurFrequency::Monthly, PatternType::MonthNth),
    (RecurFrequency::Monthly, PatternType::MonthEnd),
    (RecurFrequency::Yearly, PatternType::Month),
    (RecurFrequency::Yearly, PatternType::MonthNth),
    (RecurFrequency::Yearly, PatternType::MonthEnd),
    (RecurFrequency::Monthly, PatternType::HjMonth),
    (RecurFrequency::Monthly, PatternType::HjMonthNth),
    (RecurFrequency::Yearly, PatternType::HjMonthEnd),
];

const END_TYPES: [EndType; 4] = [
    EndType::EndAfterDate,
    EndType::EndAfterNOccurrences,
    EndType::NeverEnd,
    EndType::NeverEndLegacy,
];

/// A valid RecurrencePattern plus the dates its exceptions may use.
fn build_pattern(d: &mut Draw<'_>) -> RecurrencePattern {
    let (recur_frequency, pattern_type) = d.pick(&SHAPES);
    let calendar_type = if pattern_type.is_hijri() {
        CalendarType::Default
    } else {
        d.pick(CalendarType::KNOWN)
    };
    let period = match (recur_frequency, pattern_type) {
        (_, PatternType::Day) => MINUTES_PER_DAY * d.range(1, 999),
        (_, PatternType::Week) if recur_frequency == RecurFrequency::Daily => 1,
        (_, PatternType::Week) => d.range(1, 99),
        (RecurFrequency::Yearly, _) => 12,
        _ => d.range(1, 99),
    };
    let mask = if recur_frequency == RecurFrequency::Daily {
        day_mask::WEEKDAYS
    } else {
        d.range(1, 0x7F)
    };
    let pattern_type_specific = match pattern_type {
        PatternType::Day => PatternTypeSpecific::None,
        PatternType::Week => PatternTypeSpecific::Week { day_mask: mask },
        PatternType::MonthNth | PatternType::HjMonthNth => PatternTypeSpecific::MonthNth {
            day_mask: mask,
            n: d.range(1, 5),
        },
        _ => PatternTypeSpecific::Month {
            day: d.range(1, 31),
        },
    };
    let end_type = d.pick(&END_TYPES);
    let first = NaiveDate::from_ymd_opt(1995, 1, 1).unwrap()
        + chrono::Days::new(u64::from(d.range(0, 15_000)));
    let mut p = RecurrencePattern {
        reader_version: 0x3004,
        writer_version: 0x3004,
        recur_frequency,
        pattern_type,
        calendar_type,
        first_date_time: 0,
        period,
        sliding_flag: 0,
        pattern_type_specific,
        end_type,
        occurrence_count: d.range(1, 60),
        first_dow: d.range(0, 6),
        deleted_instance_dates: vec![],
        modified_instance_dates: vec![],
        start_date: midnight(first),
        end_date: NO_END_DATE,
    };
    if end_type == EndType::EndAfterDate {
        // Generous end dates: Outlook stores the date the user picked, occurrence or not.
        p.end_date = p.start_date + MINUTES_PER_DAY * d.range(0, 3000);
    }
    let gregorian = calendar_type.is_gregorian() && !pattern_type.is_hijri();
    let dates: Vec<u32> = if gregorian {
        // Anchor StartDate on the first occurrence and derive the dependent fields.
        let first_occurrence = {
            let mut probe = p.clone();
            probe.end_type = EndType::NeverEnd;
            occurrences(&probe, 1).unwrap().next().unwrap()
        };
        p.start_date = midnight(first_occurrence);
        if p.end_type == EndType::EndAfterDate {
            p.end_date = p.end_date.max(p.start_date);
        }
        p.first_date_time = expected_first_date_time(&p).unwrap();
        let all: Vec<u32> = occurrences(&p, 60).unwrap().map(midnight).collect();
        if p.end_type == EndType::EndAfterNOccurrences {
            p.end_date = *all.last().unwrap();
        }
        all
    } else {
        p.first_date_time = d.word() % (MINUTES_PER_DAY * 400);
        if p.end_type == EndType::EndAfterNOccurrences {
            p.end_date = p.start_date + MINUTES_PER_DAY * d.range(0, 3000);
        }
        let last = if p.end_type.is_never() {
            p.start_date + MINUTES_PER_DAY * 3000
        } else {
            p.end_date
        };
        let mut v: Vec<u32> = (0..d.range(0, 20))
            .map(|_| {
                p.start_date + MINUTES_PER_DAY * d.range(0, (last - p.start_date) / MINUTES_PER_DAY)
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    // Deleted: a random subset of the occurrences; modified: a subset of those.
    p.deleted_instance_dates = dates.iter().copied().filter(|_| d.chance(30)).collect();
    p.modified_instance_dates = p
        .deleted_instance_dates
        .iter()
        .copied()
        .filter(|_| d.chance(60))
        .collect();
    p
}

/// A valid AppointmentRecurrencePattern with exceptions for every modified date.
fn build_appointment(words: &[u32]) -> AppointmentRecurrencePattern {
    let mut d = Draw { words, next: 0 };
    let pattern = build_pattern(&mut d);
    let start_time_offset = d.range(0, 1439);
    let end_time_offset = start_time_offset + d.range(0, 2880);
    let mut a = AppointmentRecurrencePattern::new(pattern, start_time_offset, end_time_offset);
    a.writer_version2 = if d.chance(30) { 0x3008 } else { 0x3009 };
    let modified = a.pattern.modified_instance_dates.clone();
    a.exception_count = u16::try_from(modified.len()).unwrap();
    for day in modified {
        // The instance keeps its day (the modified date) and gets new times.
        let start = day + d.range(0, 1439);
        let end = start + d.range(0, 600);
        let original = day + start_time_offset;
        let flags = OverrideFlags(d.range(0, 0x03FF) as u16);
        let subject = flags
            .contains(OverrideFlags::ARO_SUBJECT)
            .then(|| d.text(60));
        let location = flags
            .contains(OverrideFlags::ARO_LOCATION)
            .then(|| d.text(40));
        let ansi = |s: &Option<String>| {
            s.as_ref().map(|s| {
                AnsiString::new(
                    s.chars()
                        .map(|c| u8::try_from(u32::from(c)).unwrap())
                        .collect(),
                )
            })
        };
        let mut value = |f: OverrideFlags| flags.contains(f).then(|| d.word());
        a.exception_info.push(ExceptionInfo {
            offset: 0,
            start_date_time: start,
            end_date_time: end,
            original_start_date: original,
            override_flags: flags,
            subject: ansi(&subject),
            meeting_type: value(OverrideFlags::ARO_MEETINGTYPE),
            reminder_delta: value(OverrideFlags::ARO_REMINDERDELTA),
            reminder_set: value(OverrideFlags::ARO_REMINDER),
            location: ansi(&location),
            busy_status: value(OverrideFlags::ARO_BUSYSTATUS),
            attachment: value(OverrideFlags::ARO_ATTACHMENT),
            sub_type: value(OverrideFlags::ARO_SUBTYPE),
            appointment_color: value(OverrideFlags::ARO_APPTCOLOR),
        });
        let strings = flags.intersects(OverrideFlags::ARO_SUBJECT | OverrideFlags::ARO_LOCATION);
        a.extended_exception.push(ExtendedException {
            offset: 0,
            change_highlight: a.has_change_highlight().then(|| ChangeHighlight {
                size: 4,
                value: d.word(),
                reserved: vec![],
            }),
            reserved_block_ee1: vec![],
            start_date_time: strings.then_some(start),
            end_date_time: strings.then_some(end),
            original_start_date: strings.then_some(original),
            wide_char_subject: subject.as_deref().map(WideString::new),
            wide_char_location: location.as_deref().map(WideString::new),
            reserved_block_ee2: strings.then(Vec::new),
        });
    }
    a
}

/// The decoded value with byte offsets cleared, for comparison with a generated value.
fn without_offsets(mut a: AppointmentRecurrencePattern) -> AppointmentRecurrencePattern {
    for e in &mut a.exception_info {
        e.offset = 0;
    }
    for e in &mut a.extended_exception {
        e.offset = 0;
    }
    a
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags
        .iter()
        .filter(|d| d.severity == DiagSeverity::Error)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn appointment_round_trip_valid(words in proptest::collection::vec(any::<u32>(), 64..400)) {
        let a = build_appointment(&words);
        let bytes = encode_appointment_recurrence(&a);
        let decoded = decode_appointment_recurrence(&bytes).unwrap();
        prop_assert!(errors(&decoded.diagnostics).is_empty(), "{:#?}\n{:#?}", decoded.diagnostics, a);
        // Offsets point at the entries: the first field of each is the value decoded.
        for e in &decoded.value.exception_info {
            prop_assert_eq!(&bytes[e.offset..e.offset + 4], &e.start_date_time.to_le_bytes());
        }
        prop_assert_eq!(encode_appointment_recurrence(&decoded.value), bytes);
        prop_assert_eq!(without_offsets(decoded.value), a);
    }

    #[test]
    fn pattern_round_trip_valid(words in proptest::collection::vec(any::<u32>(), 64..200), sliding in 0u32..2) {
        // PidLidTaskRecurrence: the bare pattern, where SlidingFlag is allowed.
        let mut d = Draw { words: &words, next: 0 };
        let mut p = build_pattern(&mut d);
        p.sliding_flag = sliding;
        let bytes = encode_recurrence_pattern(&p);
        let decoded = decode_recurrence_pattern(&bytes).unwrap();
        prop_assert!(errors(&decoded.diagnostics).is_empty(), "{:#?}\n{:#?}", decoded.diagnostics, p);
        prop_assert_eq!(decoded.value, p);
    }
}

#[test]
fn generator_covers_every_shape_calendar_and_end_type() {
    // The strategy above is only as good as its reach: check that fixed seeds hit every value.
    let mut shapes = std::collections::HashSet::new();
    let mut calendars = std::collections::HashSet::new();
    let mut ends = std::collections::HashSet::new();
    let mut with_exceptions = 0;
    let mut state = 0x1234_5678u32;
    for _ in 0..4000 {
        let words: Vec<u32> = (0..300)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state
            })
            .collect();
        let a = build_appointment(&words);
        shapes.insert(a.pattern.pattern_type);
        calendars.insert(a.pattern.calendar_type);
        ends.insert(a.pattern.end_type);
        if !a.exception_info.is_empty() {
            with_exceptions += 1;
        }
    }
    assert_eq!(shapes.len(), PatternType::KNOWN.len());
    assert_eq!(calendars.len(), CalendarType::KNOWN.len());
    assert_eq!(ends.len(), END_TYPES.len());
    assert!(with_exceptions > 500, "{with_exceptions}");
}

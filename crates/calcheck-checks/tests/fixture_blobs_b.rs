//! Builds the recurrence and time-zone blobs the CC2xx/CC3xx fixtures use
//! (`testdata/blobs/fixtures/{recurrence,tzdef,tzreg}/*.bin`) with calcheck-format's encoders, and checks
//! that the committed files are exactly what the builders write, so every blob has reproducible
//! provenance. `CALCHECK_WRITE_BLOBS=1 cargo test -p calcheck-checks --test fixture_blobs_b` (re)writes them.
//!
//! The well-formed blobs are also decoded here and must give no diagnostic at all; the broken ones must
//! give the diagnostic or error they were built to carry, so a builder that stops producing its defect
//! fails the test instead of silently weakening the check fixtures.

use std::path::PathBuf;

use calcheck_format::recurrence::appointment::{
    AnsiString, ChangeHighlight, ExceptionInfo, ExtendedException, OverrideFlags, WideString,
};
use calcheck_format::recurrence::expand::expected_first_date_time;
use calcheck_format::recurrence::{
    AppointmentRecurrencePattern, CalendarType, EndType, PatternType, PatternTypeSpecific,
    RecurFrequency, RecurrencePattern, decode_appointment_recurrence,
    encode_appointment_recurrence,
};
use calcheck_format::time::{NO_END_DATE, naive_to_minutes};
use calcheck_format::tzdef::{
    SystemTime, TZDEFINITION_FLAG_VALID_KEYNAME, TzDefinition, TzRule, decode_tz_definition,
    encode_tz_definition,
};
use calcheck_format::tzreg::{TzReg, decode_tzreg, encode_tzreg};
use calcheck_format::{DiagKind, Error};
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// `testdata/blobs/fixtures`.
fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/blobs/fixtures")
}

/// Minutes since 1601 of a local date and time.
fn at(date: NaiveDate, hour: u32, minute: u32) -> u32 {
    naive_to_minutes(date.and_hms_opt(hour, minute, 0).unwrap()).unwrap()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The first Monday on or after `d`.
fn monday_from(d: NaiveDate) -> NaiveDate {
    let mut d = d;
    while d.weekday() != Weekday::Mon {
        d = d.succ_opt().unwrap();
    }
    d
}

/// Every Monday from `start`, `count` occurrences, `start_minute`..`end_minute` local, current versions.
fn mondays(
    start: NaiveDate,
    count: u32,
    start_minute: u32,
    end_minute: u32,
) -> AppointmentRecurrencePattern {
    let last = start
        .checked_add_days(Days::new(7 * u64::from(count - 1)))
        .unwrap();
    let mut pattern = RecurrencePattern {
        reader_version: 0x3004,
        writer_version: 0x3004,
        recur_frequency: RecurFrequency::Weekly,
        pattern_type: PatternType::Week,
        calendar_type: CalendarType::Default,
        first_date_time: 0,
        period: 1,
        sliding_flag: 0,
        pattern_type_specific: PatternTypeSpecific::Week { day_mask: 0x02 },
        end_type: EndType::EndAfterNOccurrences,
        occurrence_count: count,
        first_dow: 0,
        deleted_instance_dates: vec![],
        modified_instance_dates: vec![],
        start_date: at(start, 0, 0),
        end_date: at(last, 0, 0),
    };
    pattern.first_date_time = expected_first_date_time(&pattern).unwrap();
    AppointmentRecurrencePattern::new(pattern, start_minute, end_minute)
}

/// The weekly base series: Mondays from 2024-05-06, ten occurrences, 10:00-10:30.
fn base() -> AppointmentRecurrencePattern {
    mondays(ymd(2024, 5, 6), 10, 600, 630)
}

/// Adds one exception that moves the instance of `original` to `new_start` (30 minutes long) with a new
/// subject, as Outlook writes it (ExceptionInfo, ExtendedException with ChangeHighlight and wide subject).
fn with_exception(
    mut a: AppointmentRecurrencePattern,
    original: u32,
    new_start: u32,
    subject: &str,
) -> AppointmentRecurrencePattern {
    let day = |m: u32| m - m % 1440;
    a.pattern.deleted_instance_dates.push(day(original));
    a.pattern.modified_instance_dates.push(day(new_start));
    a.exception_count += 1;
    a.exception_info.push(ExceptionInfo {
        start_date_time: new_start,
        end_date_time: new_start + 30,
        original_start_date: original,
        override_flags: OverrideFlags::ARO_SUBJECT,
        subject: Some(AnsiString::new(subject.as_bytes().to_vec())),
        ..ExceptionInfo::default()
    });
    a.extended_exception.push(ExtendedException {
        change_highlight: Some(ChangeHighlight {
            size: 4,
            value: 0,
            reserved: vec![],
        }),
        start_date_time: Some(new_start),
        end_date_time: Some(new_start + 30),
        original_start_date: Some(original),
        wide_char_subject: Some(WideString::new(subject)),
        reserved_block_ee2: Some(vec![]),
        ..ExtendedException::default()
    });
    a
}

/// The base series with its 2024-05-13 10:00 instance moved to 2024-05-14 11:00, subject "Moved review".
fn one_exception() -> AppointmentRecurrencePattern {
    with_exception(
        base(),
        at(ymd(2024, 5, 13), 10, 0),
        at(ymd(2024, 5, 14), 11, 0),
        "Moved review",
    )
}

/// US Pacific time from 2007 (daylight time from the second Sunday of March to the first Sunday of
/// November, [MS-OXOCAL] 4.1.4), with the given rule flags.
fn pacific_2007(flags: u16) -> TzRule {
    TzRule::new(
        2007,
        flags,
        480,
        0,
        -60,
        SystemTime::relative(11, 0, 1, 2, 0),
        SystemTime::relative(3, 0, 2, 2, 0),
    )
}

/// US Pacific time before 2007 (first Sunday of April to last Sunday of October).
fn pacific_2006() -> TzRule {
    TzRule::new(
        2006,
        0,
        480,
        0,
        -60,
        SystemTime::relative(10, 0, 5, 2, 0),
        SystemTime::relative(4, 0, 1, 2, 0),
    )
}

/// PidLidAppointmentTimeZoneDefinitionRecur as Outlook writes it for Pacific time: two rules, the current
/// one flagged effective and recur-current (0x0003).
fn pacific_recur() -> TzDefinition {
    TzDefinition::new(
        "Pacific Standard Time",
        vec![pacific_2006(), pacific_2007(0x0003)],
    )
}

/// The 76-byte shape of the KB 2553248 StartDisplay: cbHeader 6, wReserved 2, cchKeyName 0, one rule.
///
/// The blog post preserves the SmartView parse of the header and of the rule's first fields but not the
/// rule's biases and dates; a zone without daylight saving time (biases 0) stands in for them.
fn null_key_name(rule_flags: u16) -> TzDefinition {
    let rule = TzRule::new(
        1601,
        rule_flags,
        0,
        0,
        0,
        SystemTime::default(),
        SystemTime::default(),
    );
    TzDefinition::new("", vec![rule])
}

/// A blob to write: folder, file name, bytes, and what decoding it must show.
struct Blob {
    path: &'static str,
    bytes: Vec<u8>,
    expect: Expect,
}

/// What decoding a blob must give.
enum Expect {
    /// A recurrence blob without any diagnostic.
    CleanRecurrence,
    /// A recurrence blob with at least one diagnostic of this kind.
    RecurrenceDiag(DiagKind),
    /// A recurrence blob that does not decode.
    RecurrenceError,
    /// A TZDEFINITION without any diagnostic.
    CleanTz,
    /// A TZDEFINITION with at least one diagnostic of this kind.
    TzDiag(DiagKind),
    /// A TZDEFINITION that does not decode.
    TzError,
    /// A TZREG without any diagnostic.
    CleanTzReg,
    /// A TZREG that does not decode.
    TzRegError,
}

fn rec(path: &'static str, a: &AppointmentRecurrencePattern, expect: Expect) -> Blob {
    Blob {
        path,
        bytes: encode_appointment_recurrence(a),
        expect,
    }
}

fn tz(path: &'static str, def: &TzDefinition, expect: Expect) -> Blob {
    Blob {
        path,
        bytes: encode_tz_definition(def),
        expect,
    }
}

fn blobs() -> Vec<Blob> {
    use Expect::{
        CleanRecurrence, CleanTz, CleanTzReg, RecurrenceDiag, RecurrenceError, TzDiag, TzError,
        TzRegError,
    };
    let mut out = Vec::new();

    // --- PidLidAppointmentRecur ---
    out.push(rec("recurrence/weekly-clean.bin", &base(), CleanRecurrence));
    out.push(rec(
        "recurrence/weekly-one-exception.bin",
        &one_exception(),
        CleanRecurrence,
    ));
    let y1990 = monday_from(ymd(1990, 1, 1));
    out.push(rec(
        "recurrence/weekly-1990.bin",
        &mondays(y1990, 10, 600, 630),
        CleanRecurrence,
    ));
    let y2030 = monday_from(ymd(2030, 1, 1));
    out.push(rec(
        "recurrence/weekly-2030.bin",
        &mondays(y2030, 10, 600, 630),
        CleanRecurrence,
    ));
    let y2040 = monday_from(ymd(2040, 1, 1));
    out.push(rec(
        "recurrence/weekly-2040.bin",
        &mondays(y2040, 10, 600, 630),
        CleanRecurrence,
    ));

    let mut never = base();
    never.pattern.end_type = EndType::NeverEnd;
    never.pattern.end_date = NO_END_DATE;
    out.push(rec(
        "recurrence/weekly-never-ending.bin",
        &never,
        CleanRecurrence,
    ));

    // StartDate 0 and StartTimeOffset 0: the series "starts" at 1601-01-01 00:00 (CalCheck 0001).
    let mut zero_start = base();
    zero_start.pattern.start_date = 0;
    zero_start.start_time_offset = 0;
    out.push(rec(
        "recurrence/zero-start.bin",
        &zero_start,
        RecurrenceDiag(DiagKind::EndMismatch),
    ));

    // StartDate 4501-01-03, past CalCheck's 4501-01-02 upper limit (CalCheck 0004).
    let late = NO_END_DATE + 1 + 2 * 1440;
    let mut past_start = base();
    past_start.pattern.start_date = late;
    past_start.pattern.end_date = late + 63 * 1440;
    out.push(rec(
        "recurrence/start-past-4501.bin",
        &past_start,
        RecurrenceDiag(DiagKind::OutOfRange),
    ));

    // EndDate 0 with both time offsets 0: the series "ends" at 1601-01-01 00:00 (CalCheck 0005).
    let mut zero_end = base();
    zero_end.pattern.end_type = EndType::EndAfterDate;
    zero_end.pattern.end_date = 0;
    zero_end.start_time_offset = 0;
    zero_end.end_time_offset = 0;
    out.push(rec(
        "recurrence/zero-end.bin",
        &zero_end,
        RecurrenceDiag(DiagKind::EndBeforeStart),
    ));

    // An end-by-date series whose EndDate is 4501-01-03 (CalCheck 0008).
    let mut past_end = base();
    past_end.pattern.end_type = EndType::EndAfterDate;
    past_end.pattern.end_date = late;
    out.push(rec(
        "recurrence/end-past-4501.bin",
        &past_end,
        RecurrenceDiag(DiagKind::OutOfRange),
    ));

    // SubjectLength equal to SubjectLength2 instead of one more (CalCheck 0013).
    let mut mismatch = one_exception();
    if let Some(s) = mismatch.exception_info[0].subject.as_mut() {
        s.length = s.length2;
    }
    out.push(rec(
        "recurrence/subject-length-mismatch.bin",
        &mismatch,
        RecurrenceDiag(DiagKind::StringLengthMismatch),
    ));

    // SubjectLength2 says 200 bytes; 12 are written and the blob ends before 200 more.
    let mut overrun = one_exception();
    if let Some(s) = overrun.exception_info[0].subject.as_mut() {
        s.length2 = 200;
        s.length = 201;
    }
    out.push(rec(
        "recurrence/subject-overrun.bin",
        &overrun,
        RecurrenceDiag(DiagKind::TruncatedTail),
    ));

    // An exception of an instance a week before the series starts (CalCheck 0014).
    let before = with_exception(
        base(),
        at(ymd(2024, 4, 29), 10, 0),
        at(ymd(2024, 4, 29), 11, 0),
        "Too early",
    );
    out.push(rec(
        "recurrence/exception-before-series.bin",
        &before,
        RecurrenceDiag(DiagKind::ExceptionOutsideSeries),
    ));

    // An exception of an instance a week after the last one (CalCheck 0015).
    let after = with_exception(
        base(),
        at(ymd(2024, 7, 15), 10, 0),
        at(ymd(2024, 7, 15), 11, 0),
        "Too late",
    );
    out.push(rec(
        "recurrence/exception-after-series.bin",
        &after,
        RecurrenceDiag(DiagKind::ExceptionOutsideSeries),
    ));

    // Zero-length occurrences at 10:00 and an exception of the last one (2024-07-08 10:00), which
    // CalCheck's bound (EndDate + EndTimeOffset) excluded although it is an occurrence of the series.
    let last = with_exception(
        mondays(ymd(2024, 5, 6), 10, 600, 600),
        at(ymd(2024, 7, 8), 10, 0),
        at(ymd(2024, 7, 8), 11, 0),
        "Last one",
    );
    out.push(rec(
        "recurrence/zero-length-last-exception.bin",
        &last,
        CleanRecurrence,
    ));

    // Twenty Mondays, the second to the twelfth moved from 10:00 to 11:00 the same day: eleven exceptions.
    let mut eleven = mondays(ymd(2024, 5, 6), 20, 600, 630);
    for week in 1..=11 {
        let day = ymd(2024, 5, 6)
            .checked_add_days(Days::new(7 * week))
            .unwrap();
        eleven = with_exception(eleven, at(day, 10, 0), at(day, 11, 0), "Later");
    }
    out.push(rec(
        "recurrence/weekly-eleven-exceptions.bin",
        &eleven,
        CleanRecurrence,
    ));

    // ModifiedInstanceCount 1 but no deleted instance: the modified instance replaces nothing.
    let mut exceeds = one_exception();
    exceeds.pattern.deleted_instance_dates.clear();
    out.push(rec(
        "recurrence/modified-exceeds-deleted.bin",
        &exceeds,
        RecurrenceDiag(DiagKind::ModifiedExceedsDeleted),
    ));

    // The first 40 bytes of the clean blob: the RecurrencePattern itself is cut short (CalCheck 0009).
    let mut cut = encode_appointment_recurrence(&base());
    cut.truncate(40);
    out.push(Blob {
        path: "recurrence/truncated-pattern.bin",
        bytes: cut,
        expect: RecurrenceError,
    });

    // --- TZDEFINITION ---
    out.push(tz("tzdef/pacific-recur.bin", &pacific_recur(), CleanTz));
    out.push(tz(
        "tzdef/pacific-startdisplay.bin",
        &TzDefinition::new("Pacific Standard Time", vec![pacific_2007(0x0002)]),
        CleanTz,
    ));
    let utc = TzRule::new(
        2007,
        0x0003,
        0,
        0,
        -60,
        SystemTime::default(),
        SystemTime::default(),
    );
    out.push(tz(
        "tzdef/utc-recur.bin",
        &TzDefinition::new("UTC", vec![utc]),
        CleanTz,
    ));
    out.push(tz(
        "tzdef/null-keyname-startdisplay.bin",
        &null_key_name(0x0002),
        TzDiag(DiagKind::EmptyKeyName),
    ));
    out.push(tz(
        "tzdef/null-keyname-recur.bin",
        &null_key_name(0x0003),
        TzDiag(DiagKind::EmptyKeyName),
    ));
    // wFlags without TZDEFINITION_FLAG_VALID_KEYNAME: no cchKeyName at all; cbHeader covers wFlags and cRules.
    let mut no_flag = pacific_recur();
    no_flag.flags = 0;
    no_flag.cch_key_name = None;
    no_flag.key_name = None;
    no_flag.cb_header = 4;
    out.push(tz(
        "tzdef/no-keyname-flag.bin",
        &no_flag,
        TzDiag(DiagKind::EmptyKeyName),
    ));
    out.push(tz(
        "tzdef/blank-keyname.bin",
        &TzDefinition::new("   ", vec![pacific_2007(0x0002)]),
        TzDiag(DiagKind::EmptyKeyName),
    ));
    // cRules says 2 but only one rule follows.
    let mut short = pacific_recur();
    short.rules.truncate(1);
    out.push(tz("tzdef/rules-cut-short.bin", &short, TzError));
    // cRules 0 followed by the two rules (the shape of MFCMAPI's TIMEZONEDEFINITION test 3).
    let mut zero_rules = pacific_recur();
    zero_rules.c_rules = 0;
    out.push(tz(
        "tzdef/crules-zero.bin",
        &zero_rules,
        TzDiag(DiagKind::NoRules),
    ));
    // bMinorVersion 0, which Outlook's reader rejects.
    let mut minor0 = pacific_recur();
    minor0.minor_version = 0;
    out.push(tz(
        "tzdef/minor-version-0.bin",
        &minor0,
        TzDiag(DiagKind::BadVersion),
    ));
    debug_assert_eq!(TZDEFINITION_FLAG_VALID_KEYNAME, 0x0002);

    // --- TZREG ---
    let pacific = TzReg::from_rule(&pacific_2007(0));
    out.push(Blob {
        path: "tzreg/pacific.bin",
        bytes: encode_tzreg(&pacific),
        expect: CleanTzReg,
    });
    let eastern = TzReg {
        l_bias: 300,
        ..pacific.clone()
    };
    out.push(Blob {
        path: "tzreg/eastern.bin",
        bytes: encode_tzreg(&eastern),
        expect: CleanTzReg,
    });
    let mut short_reg = encode_tzreg(&pacific);
    short_reg.truncate(40);
    out.push(Blob {
        path: "tzreg/short-40.bin",
        bytes: short_reg,
        expect: TzRegError,
    });
    out
}

/// Checks that a blob decodes the way it was built to.
fn verify(b: &Blob) {
    let p = b.path;
    match &b.expect {
        Expect::CleanRecurrence => {
            let d = decode_appointment_recurrence(&b.bytes).unwrap();
            assert!(d.diagnostics.is_empty(), "{p}: {:#?}", d.diagnostics);
        }
        Expect::RecurrenceDiag(kind) => {
            let d = decode_appointment_recurrence(&b.bytes).unwrap();
            assert!(d.has(*kind), "{p}: no {kind:?} in {:#?}", d.diagnostics);
        }
        Expect::RecurrenceError => {
            assert!(
                matches!(
                    decode_appointment_recurrence(&b.bytes),
                    Err(Error::Truncated { .. })
                ),
                "{p}"
            );
        }
        Expect::CleanTz => {
            let d = decode_tz_definition(&b.bytes).unwrap();
            assert!(d.diagnostics.is_empty(), "{p}: {:#?}", d.diagnostics);
        }
        Expect::TzDiag(kind) => {
            let d = decode_tz_definition(&b.bytes).unwrap();
            assert!(d.has(*kind), "{p}: no {kind:?} in {:#?}", d.diagnostics);
        }
        Expect::TzError => assert!(decode_tz_definition(&b.bytes).is_err(), "{p}"),
        Expect::CleanTzReg => {
            let d = decode_tzreg(&b.bytes).unwrap();
            assert!(d.diagnostics.is_empty(), "{p}: {:#?}", d.diagnostics);
        }
        Expect::TzRegError => assert!(decode_tzreg(&b.bytes).is_err(), "{p}"),
    }
}

#[test]
fn fixture_blobs_match_their_builders() {
    let write = std::env::var_os("CALCHECK_WRITE_BLOBS").is_some();
    let all = blobs();
    for b in &all {
        verify(b);
        let path = root().join(b.path);
        if write {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &b.bytes).unwrap();
        } else {
            let stored = std::fs::read(&path).unwrap_or_else(|e| {
                panic!(
                    "{}: {e} (run with CALCHECK_WRITE_BLOBS=1 to write it)",
                    path.display()
                )
            });
            assert!(stored == b.bytes, "{} differs from its builder", b.path);
        }
    }
    // Every committed blob under these folders has a builder.
    for dir in ["recurrence", "tzdef", "tzreg"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let rel = format!("{dir}/{name}");
            assert!(all.iter().any(|b| b.path == rel), "{rel} has no builder");
        }
    }
}

#[test]
fn seed_blob_has_the_kb_2553248_shape() {
    // The blog's SmartView dump: cb 76, bMajorVersion 2, bMinorVersion 1, cbHeader 6, wReserved 2,
    // cchKeyName 0, cRules 1, rule version 2.1, rule "wReserved" 0x3E, wTZRuleFlags 0x0002.
    let b = encode_tz_definition(&null_key_name(0x0002));
    assert_eq!(b.len(), 76);
    assert_eq!(&b[..10], &[2, 1, 6, 0, 2, 0, 0, 0, 1, 0]);
    assert_eq!(&b[10..16], &[2, 1, 0x3E, 0, 2, 0]);
}

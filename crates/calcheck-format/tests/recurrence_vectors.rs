//! Decodes every published recurrence vector ([MS-OXOCAL] 2.2.1.44) and checks what its source states.
//!
//! The vectors live outside the repository in `../shared/vectors` (see its README.md). Expected
//! values come from the sections each source publishes: MFCMAPI's SmartView output (compared
//! line by line by field name), msgreader's JSON fixtures, hughbe's assertions (corrected where
//! the source is wrong), OpenChange's assertions and the [MS-OXOCAL] example tables. The
//! "Cross-check (derived)" sections are never used as expectations.
#![allow(
    missing_docs,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use calcheck_format::recurrence::{
    AppointmentRecurrencePattern, CalendarType, EndType, ExceptionInfo, ExtendedException,
    OverrideFlags, PatternType, PatternTypeSpecific, RecurFrequency, RecurrencePattern,
    TailSection, day_mask, decode_appointment_recurrence, decode_recurrence_pattern,
    encode_appointment_recurrence, encode_recurrence_pattern,
};
use calcheck_format::time::{minutes_to_date, minutes_to_naive};
use calcheck_format::{DiagKind, DiagSeverity, Diagnostic};
use chrono::NaiveDate;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Loading

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hex_bytes(text: &str) -> Vec<u8> {
    calcheck_format::hex::decode_hex(text).unwrap()
}

fn read_vector(kind: &str, name: &str) -> (Vec<u8>, String) {
    let dir = vectors_dir().join(kind);
    let hex = std::fs::read_to_string(dir.join(format!("{name}.hex")))
        .unwrap_or_else(|e| panic!("{kind}/{name}.hex: {e}"));
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.txt")))
        .unwrap_or_else(|e| panic!("{kind}/{name}.expected.txt: {e}"));
    (hex_bytes(&hex), expected)
}

/// Decodes an appointment vector and checks that the encoder gives the same bytes back.
fn appointment(name: &str) -> (AppointmentRecurrencePattern, Vec<Diagnostic>, String) {
    let (bytes, expected) = read_vector("appointment_recur", name);
    let decoded = decode_appointment_recurrence(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        encode_appointment_recurrence(&decoded.value),
        bytes,
        "{name}: re-encoding differs"
    );
    (decoded.value, decoded.diagnostics, expected)
}

fn pattern_vector(name: &str) -> (RecurrencePattern, Vec<Diagnostic>, String) {
    let (bytes, expected) = read_vector("recurrence_pattern", name);
    let decoded = decode_recurrence_pattern(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(
        encode_recurrence_pattern(&decoded.value),
        bytes,
        "{name}: re-encoding differs"
    );
    (decoded.value, decoded.diagnostics, expected)
}

fn minutes(y: i32, m: u32, d: u32, hh: u32, mm: u32) -> u32 {
    let dt = NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(hh, mm, 0)
        .unwrap();
    calcheck_format::time::naive_to_minutes(dt).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn assert_no_errors(name: &str, diags: &[Diagnostic]) {
    let errors: Vec<_> = diags
        .iter()
        .filter(|d| d.severity == DiagSeverity::Error)
        .collect();
    assert!(errors.is_empty(), "{name}: unexpected errors {errors:#?}");
}

fn assert_clean(name: &str, diags: &[Diagnostic]) {
    assert!(
        diags.is_empty(),
        "{name}: unexpected diagnostics {diags:#?}"
    );
}

fn kinds(diags: &[Diagnostic]) -> Vec<DiagKind> {
    diags.iter().map(|d| d.kind).collect()
}

// ---------------------------------------------------------------------------------------------
// MFCMAPI SmartView output: every published line, compared by field name

/// A value MFCMAPI prints.
#[derive(Debug, Clone, PartialEq)]
enum Published {
    /// `Name: 0xHEX [= rendering]`; the rendering is kept for dates and flag names.
    Num(u64, String),
    /// `Name: "text"`.
    Text(String),
    /// `cb: N lpb: HEX` of the unparsed data.
    Bytes(Vec<u8>),
}

/// Parses the published SmartView text into `path -> value`, with paths such as
/// `ExceptionInfo[0]/Subject` or `ExtendedException[1]/ChangeHighlight/ChangeHighlightSize`.
fn parse_mfcmapi(expected: &str) -> Vec<(String, Published)> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut in_block = false;
    for line in expected.lines() {
        if line.starts_with("## Cross-check") {
            break;
        }
        if line == "Recurrence Pattern" || line == "Appointment Recurrence Pattern" {
            in_block = true;
            stack.clear();
            continue;
        }
        if !in_block || line.trim().is_empty() {
            continue;
        }
        if let Some(size) = line.strip_prefix("Unparsed data size = ") {
            let v = u64::from_str_radix(size.trim_start_matches("0x"), 16).unwrap();
            out.push((
                "UnparsedDataSize".to_owned(),
                Published::Num(v, String::new()),
            ));
            stack.clear();
            continue;
        }
        let depth = line.chars().take_while(|&c| c == '\t').count();
        let text = line.trim_start_matches('\t');
        stack.retain(|(d, _)| *d < depth);
        let prefix: String = stack
            .iter()
            .fold(String::new(), |acc, (_, s)| acc + s + "/");
        if let Some(rest) = text.strip_prefix("cb: ") {
            let (_, lpb) = rest.split_once(" lpb: ").unwrap();
            out.push(("UnparsedData".to_owned(), Published::Bytes(hex_bytes(lpb))));
        } else if let Some((name, value)) = text.split_once(": ") {
            let value = if let Some(s) = value.strip_prefix('"') {
                Published::Text(s.strip_suffix('"').unwrap().to_owned())
            } else {
                let (num, rendering) = value.split_once(" = ").unwrap_or((value, ""));
                let n = u64::from_str_radix(num.trim_start_matches("0x"), 16)
                    .unwrap_or_else(|e| panic!("{line}: {e}"));
                Published::Num(n, rendering.to_owned())
            };
            out.push((format!("{prefix}{name}"), value));
        } else if text.starts_with("0x") {
            // A bare value under a header such as `DeletedInstanceDates[0]`.
            let (num, rendering) = text.split_once(" = ").unwrap();
            let n = u64::from_str_radix(num.trim_start_matches("0x"), 16).unwrap();
            out.push((
                prefix.trim_end_matches('/').to_owned(),
                Published::Num(n, rendering.to_owned()),
            ));
        } else {
            stack.push((depth, text.to_owned()));
        }
    }
    out
}

/// MFCMAPI's rendering of minutes since 1601, e.g. `02:30:00.000 PM 2/17/2011`.
fn mfcmapi_time(minutes: u32) -> String {
    minutes_to_naive(minutes)
        .format("%I:%M:%S%.3f %p %-m/%-d/%Y")
        .to_string()
}

/// Splits `Name[3]` into `("Name", 3)`.
fn indexed(segment: &str) -> Option<(&str, usize)> {
    let (name, rest) = segment.split_once('[')?;
    Some((name, rest.strip_suffix(']')?.parse().ok()?))
}

/// What we decoded for one published MFCMAPI path: the number, an optional date rendering to
/// compare, or text.
enum Ours {
    Num(u64),
    Time(u64),
    Flags(u64, String),
    Text(String),
    Bytes(Vec<u8>),
}

fn ours_pattern(p: &RecurrencePattern, path: &str) -> Option<Ours> {
    let n = |v: u32| Some(Ours::Num(u64::from(v)));
    let t = |v: u32| Some(Ours::Time(u64::from(v)));
    match path {
        "ReaderVersion" => n(p.reader_version.into()),
        "WriterVersion" => n(p.writer_version.into()),
        "RecurFrequency" => n(u16::from(p.recur_frequency).into()),
        "PatternType" => n(u16::from(p.pattern_type).into()),
        "CalendarType" => n(u16::from(p.calendar_type).into()),
        "FirstDateTime" => n(p.first_date_time),
        "Period" => n(p.period),
        "SlidingFlag" => n(p.sliding_flag),
        "PatternTypeSpecific/WeekRecurrencePattern" => match p.pattern_type_specific {
            PatternTypeSpecific::Week { day_mask } => n(day_mask),
            _ => None,
        },
        "PatternTypeSpecific/MonthRecurrencePattern" => match p.pattern_type_specific {
            PatternTypeSpecific::Month { day } => n(day),
            _ => None,
        },
        "PatternTypeSpecific/DayOfWeek" => match p.pattern_type_specific {
            PatternTypeSpecific::MonthNth { day_mask, .. } => n(day_mask),
            _ => None,
        },
        "PatternTypeSpecific/N" => match p.pattern_type_specific {
            PatternTypeSpecific::MonthNth { n: v, .. } => n(v),
            _ => None,
        },
        "EndType" => n(p.end_type.into()),
        "OccurrenceCount" => n(p.occurrence_count),
        "FirstDOW" => n(p.first_dow),
        "DeletedInstanceCount" => n(p.deleted_instance_dates.len() as u32),
        "ModifiedInstanceCount" => n(p.modified_instance_dates.len() as u32),
        "StartDate" => t(p.start_date),
        "EndDate" => t(p.end_date),
        _ => {
            let (name, i) = indexed(path)?;
            match name {
                "DeletedInstanceDates" => t(*p.deleted_instance_dates.get(i)?),
                "ModifiedInstanceDates" => t(*p.modified_instance_dates.get(i)?),
                _ => None,
            }
        }
    }
}

fn ours_exception_info(e: &ExceptionInfo, field: &str) -> Option<Ours> {
    let n = |v: Option<u32>| v.map(|v| Ours::Num(u64::from(v)));
    match field {
        "StartDateTime" => Some(Ours::Time(e.start_date_time.into())),
        "EndDateTime" => Some(Ours::Time(e.end_date_time.into())),
        "OriginalStartDate" => Some(Ours::Time(e.original_start_date.into())),
        "OverrideFlags" => Some(Ours::Flags(
            e.override_flags.0.into(),
            e.override_flags.names().join(" | "),
        )),
        "SubjectLength" => e.subject.as_ref().map(|s| Ours::Num(s.length.into())),
        "SubjectLength2" => e.subject.as_ref().map(|s| Ours::Num(s.length2.into())),
        "Subject" => e.subject.as_ref().map(|s| Ours::Text(s.text(1252))),
        "MeetingType" => n(e.meeting_type),
        "ReminderDelta" => n(e.reminder_delta),
        "ReminderSet" => n(e.reminder_set),
        "LocationLength" => e.location.as_ref().map(|s| Ours::Num(s.length.into())),
        "LocationLength2" => e.location.as_ref().map(|s| Ours::Num(s.length2.into())),
        "Location" => e.location.as_ref().map(|s| Ours::Text(s.text(1252))),
        "BusyStatus" => n(e.busy_status),
        "Attachment" => n(e.attachment),
        "SubType" => n(e.sub_type),
        "AppointmentColor" => n(e.appointment_color),
        _ => None,
    }
}

/// The ExceptionInfo fields MFCMAPI prints for an entry, given what we decoded: the fixed four,
/// each present optional field, and (for a non-empty string) the string itself.
fn exception_info_fields(e: &ExceptionInfo) -> Vec<&'static str> {
    let mut f = vec![
        "StartDateTime",
        "EndDateTime",
        "OriginalStartDate",
        "OverrideFlags",
    ];
    if let Some(s) = &e.subject {
        f.extend(["SubjectLength", "SubjectLength2"]);
        if !s.bytes.is_empty() {
            f.push("Subject");
        }
    }
    for (v, name) in [
        (e.meeting_type, "MeetingType"),
        (e.reminder_delta, "ReminderDelta"),
        (e.reminder_set, "ReminderSet"),
    ] {
        if v.is_some() {
            f.push(name);
        }
    }
    if let Some(s) = &e.location {
        f.extend(["LocationLength", "LocationLength2"]);
        if !s.bytes.is_empty() {
            f.push("Location");
        }
    }
    for (v, name) in [
        (e.busy_status, "BusyStatus"),
        (e.attachment, "Attachment"),
        (e.sub_type, "SubType"),
        (e.appointment_color, "AppointmentColor"),
    ] {
        if v.is_some() {
            f.push(name);
        }
    }
    f
}

fn ours_extended(e: &ExtendedException, field: &str) -> Option<Ours> {
    let num = |v: u64| Some(Ours::Num(v));
    let time = |v: Option<u32>| v.map(|v| Ours::Time(v.into()));
    match field {
        "ChangeHighlight/ChangeHighlightSize" => {
            e.change_highlight.as_ref().and_then(|c| num(c.size.into()))
        }
        "ChangeHighlight/ChangeHighlightValue" => e
            .change_highlight
            .as_ref()
            .and_then(|c| num(c.value.into())),
        "ReservedBlockEE1Size" => num(e.reserved_block_ee1.len() as u64),
        "StartDateTime" => time(e.start_date_time),
        "EndDateTime" => time(e.end_date_time),
        "OriginalStartDate" => time(e.original_start_date),
        "WideCharSubjectLength" => e
            .wide_char_subject
            .as_ref()
            .and_then(|s| num(s.units.len() as u64)),
        "WideCharSubject" => e.wide_char_subject.as_ref().map(|s| Ours::Text(s.text())),
        "WideCharLocationLength" => e
            .wide_char_location
            .as_ref()
            .and_then(|s| num(s.units.len() as u64)),
        "WideCharLocation" => e.wide_char_location.as_ref().map(|s| Ours::Text(s.text())),
        "ReservedBlockEE2Size" => e
            .reserved_block_ee2
            .as_ref()
            .and_then(|b| num(b.len() as u64)),
        _ => None,
    }
}

fn extended_fields(e: &ExtendedException) -> Vec<&'static str> {
    let mut f = Vec::new();
    if e.change_highlight.is_some() {
        f.extend([
            "ChangeHighlight/ChangeHighlightSize",
            "ChangeHighlight/ChangeHighlightValue",
        ]);
    }
    f.push("ReservedBlockEE1Size");
    if e.start_date_time.is_some() {
        f.extend(["StartDateTime", "EndDateTime", "OriginalStartDate"]);
    }
    if let Some(s) = &e.wide_char_subject {
        f.push("WideCharSubjectLength");
        if !s.units.is_empty() {
            f.push("WideCharSubject");
        }
    }
    if let Some(s) = &e.wide_char_location {
        f.push("WideCharLocationLength");
        if !s.units.is_empty() {
            f.push("WideCharLocation");
        }
    }
    if e.reserved_block_ee2.is_some() {
        f.push("ReservedBlockEE2Size");
    }
    f
}

fn ours_appointment(a: &AppointmentRecurrencePattern, path: &str) -> Option<Ours> {
    let n = |v: u64| Some(Ours::Num(v));
    match path {
        "ReaderVersion2" => n(a.reader_version2.into()),
        "WriterVersion2" => n(a.writer_version2.into()),
        "StartTimeOffset" => Some(Ours::Time(a.start_time_offset.into())),
        "EndTimeOffset" => Some(Ours::Time(a.end_time_offset.into())),
        "ExceptionCount" => n(a.exception_count.into()),
        "ReservedBlock1Size" => n(a.reserved_block1.len() as u64),
        "ReservedBlock2Size" => n(a.reserved_block2.len() as u64),
        "UnparsedDataSize" => n(a.trailing.len() as u64),
        "UnparsedData" => Some(Ours::Bytes(a.trailing.clone())),
        _ => {
            let (head, field) = path.split_once('/').unwrap_or((path, ""));
            match indexed(head) {
                Some(("ExceptionInfo", i)) => ours_exception_info(a.exception_info.get(i)?, field),
                Some(("ExtendedException", i)) => {
                    ours_extended(a.extended_exception.get(i)?, field)
                }
                _ => ours_pattern(&a.pattern, path),
            }
        }
    }
}

/// Compares one published value with ours; returns a description of the difference.
fn compare(path: &str, published: &Published, ours: Option<Ours>) -> Option<String> {
    let Some(ours) = ours else {
        return Some(format!(
            "{path}: published {published:?} but we have no such field"
        ));
    };
    let ok = match (published, &ours) {
        (Published::Num(p, _), Ours::Num(o)) => p == o,
        (Published::Num(p, rendering), Ours::Time(o)) => {
            // Dates also check the rendering (the last ` = ` part) against our conversion.
            let shown = rendering.rsplit(" = ").next().unwrap_or("");
            p == o && shown == mfcmapi_time(*o as u32)
        }
        (Published::Num(p, rendering), Ours::Flags(o, names)) => {
            // MFCMAPI prints a flag value without any set bit as "0x0".
            p == o && (rendering == names || (names.is_empty() && rendering == "0x0"))
        }
        (Published::Text(p), Ours::Text(o)) => p == o,
        (Published::Bytes(p), Ours::Bytes(o)) => p == o,
        _ => false,
    };
    let shown = match ours {
        Ours::Num(v) => format!("{v:#x}"),
        Ours::Time(v) => format!("{v:#x} = {}", mfcmapi_time(v as u32)),
        Ours::Flags(v, names) => format!("{v:#x} = {names}"),
        Ours::Text(s) => format!("{s:?}"),
        Ours::Bytes(b) => format!("{} bytes", b.len()),
    };
    (!ok).then(|| format!("{path}: published {published:?}, ours {shown}"))
}

/// Checks every published line of an MFCMAPI AppointmentRecurrencePattern output, and that
/// every ExceptionInfo / ExtendedException field we decoded is one MFCMAPI printed.
fn check_mfcmapi_appointment(name: &str, a: &AppointmentRecurrencePattern, expected: &str) {
    let published = parse_mfcmapi(expected);
    assert!(
        published.len() > 20,
        "{name}: parser found only {} lines",
        published.len()
    );
    let mut problems: Vec<String> = published
        .iter()
        .filter_map(|(path, value)| compare(path, value, ours_appointment(a, path)))
        .collect();
    // The reverse direction: entry counts and the field set of each entry.
    let mut per_entry: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, _) in &published {
        if let Some((head, field)) = path.split_once('/') {
            per_entry
                .entry(head.to_owned())
                .or_default()
                .push(field.to_owned());
        }
    }
    let entries = |prefix: &str| per_entry.keys().filter(|k| k.starts_with(prefix)).count();
    if entries("ExceptionInfo[") != a.exception_info.len() {
        problems.push(format!(
            "published {} ExceptionInfo entries",
            entries("ExceptionInfo[")
        ));
    }
    if entries("ExtendedException[") != a.extended_exception.len() {
        problems.push(format!(
            "published {} ExtendedException entries",
            entries("ExtendedException[")
        ));
    }
    for (i, e) in a.exception_info.iter().enumerate() {
        let mut want: Vec<String> = exception_info_fields(e)
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut got = per_entry
            .get(&format!("ExceptionInfo[{i}]"))
            .cloned()
            .unwrap_or_default();
        want.sort();
        got.sort();
        if want != got {
            problems.push(format!(
                "ExceptionInfo[{i}] fields: published {got:?}, ours {want:?}"
            ));
        }
    }
    for (i, e) in a.extended_exception.iter().enumerate() {
        let mut want: Vec<String> = extended_fields(e).into_iter().map(str::to_owned).collect();
        let mut got = per_entry
            .get(&format!("ExtendedException[{i}]"))
            .cloned()
            .unwrap_or_default();
        want.sort();
        got.sort();
        if want != got {
            problems.push(format!(
                "ExtendedException[{i}] fields: published {got:?}, ours {want:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
}

fn check_mfcmapi_pattern(name: &str, p: &RecurrencePattern, expected: &str) {
    let published = parse_mfcmapi(expected);
    assert!(
        published.len() > 15,
        "{name}: parser found only {} lines",
        published.len()
    );
    let problems: Vec<String> = published
        .iter()
        .filter_map(|(path, value)| compare(path, value, ours_pattern(p, path)))
        .collect();
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    let dates = |prefix: &str| {
        published
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .count()
    };
    assert_eq!(
        dates("DeletedInstanceDates["),
        p.deleted_instance_dates.len(),
        "{name}"
    );
    assert_eq!(
        dates("ModifiedInstanceDates["),
        p.modified_instance_dates.len(),
        "{name}"
    );
}

#[test]
fn mfcmapi_parser_reads_nested_lines() {
    // The helper itself: nested headers, bare values, strings and flag renderings.
    let text = "Recurrence Pattern\n\tPeriod: 0x00000002 = 2\n\tPatternTypeSpecific\n\t\tWeekRecurrencePattern: 0x00000010 = rdfThu\n\tDeletedInstanceCount: 0x00000001 = 1\n\t\tDeletedInstanceDates[0]\n\t\t\t0x0CDB6A80 = 12:00:00.000 AM 2/17/2011\nAppointment Recurrence Pattern\n\tExtendedException[0]\n\t\tChangeHighlight\n\t\t\tChangeHighlightSize: 0x00000004\n\t\tWideCharSubject: \"a b\"\n## Cross-check\n\tPeriod: 0x9\n";
    let parsed = parse_mfcmapi(text);
    let keys: Vec<&str> = parsed.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "Period",
            "PatternTypeSpecific/WeekRecurrencePattern",
            "DeletedInstanceCount",
            "DeletedInstanceDates[0]",
            "ExtendedException[0]/ChangeHighlight/ChangeHighlightSize",
            "ExtendedException[0]/WideCharSubject",
        ]
    );
    assert_eq!(
        parsed[3].1,
        Published::Num(0x0CDB_6A80, "12:00:00.000 AM 2/17/2011".to_owned())
    );
    assert_eq!(parsed[5].1, Published::Text("a b".to_owned()));
    assert_eq!(mfcmapi_time(0x0CDB_6DE6), "02:30:00.000 PM 2/17/2011");
}

#[test]
fn mfcmapi_appointmentrecurrencepattern_1() {
    let name = "mfcmapi-APPOINTMENTRECURRENCEPATTERN-1";
    let (a, diags, expected) = appointment(name);
    check_mfcmapi_appointment(name, &a, &expected);
    assert_clean(name, &diags);
}

#[test]
fn mfcmapi_appointmentrecurrencepattern_2_trailing_bytes() {
    // Published: "Unparsed data size = 0x0000013C" followed by the bytes; a second, different
    // tail was appended to a clean 80-byte blob.
    let name = "mfcmapi-APPOINTMENTRECURRENCEPATTERN-2";
    let (a, diags, expected) = appointment(name);
    check_mfcmapi_appointment(name, &a, &expected);
    assert_eq!(a.trailing.len(), 0x13C);
    assert_eq!(kinds(&diags), [DiagKind::TrailingBytes]);
    assert_eq!(diags[0].severity, DiagSeverity::Warning);
    assert_eq!(diags[0].offset, 80);
    assert!(a.truncated.is_none());
}

#[test]
fn mfcmapi_appointmentrecurrencepattern_3() {
    let name = "mfcmapi-APPOINTMENTRECURRENCEPATTERN-3";
    let (a, diags, expected) = appointment(name);
    check_mfcmapi_appointment(name, &a, &expected);
    assert_clean(name, &diags);
}

#[test]
fn mfcmapi_appointmentrecurrencepattern_4_unsorted_exceptions() {
    // 443 deleted and 81 modified instances (more than MFCMAPI's 500-entry cap would allow for
    // the sum), never-ending, and ExceptionInfo entries out of order in five places while
    // ModifiedInstanceDates is sorted (vectors README): Info only, never an error.
    let name = "mfcmapi-APPOINTMENTRECURRENCEPATTERN-4";
    let (a, diags, expected) = appointment(name);
    check_mfcmapi_appointment(name, &a, &expected);
    assert_eq!(a.pattern.deleted_instance_dates.len(), 443);
    assert_eq!(a.pattern.modified_instance_dates.len(), 81);
    assert_eq!(a.pattern.end_type, EndType::NeverEnd);
    assert!(
        diags.iter().all(|d| d.kind == DiagKind::ExceptionOrder),
        "{diags:#?}"
    );
    assert!(diags.iter().all(|d| d.severity == DiagSeverity::Info));
    assert_eq!(diags.len(), 5);
    // The published output shows ExceptionInfo[65] on 1/3/2012 and [66] on 11/14/2011.
    let step = diags
        .iter()
        .find(|d| d.offset == a.exception_info[66].offset);
    assert!(step.is_some(), "no ExceptionOrder at ExceptionInfo[66]");
}

#[test]
fn mfcmapi_recurrencepattern_1() {
    let name = "mfcmapi-RECURRENCEPATTERN-1";
    let (p, diags, expected) = pattern_vector(name);
    check_mfcmapi_pattern(name, &p, &expected);
    assert_clean(name, &diags);
}

#[test]
fn mfcmapi_recurrencepattern_2() {
    let name = "mfcmapi-RECURRENCEPATTERN-2";
    let (p, diags, expected) = pattern_vector(name);
    check_mfcmapi_pattern(name, &p, &expected);
    assert_clean(name, &diags);
}

#[test]
fn mfcmapi_recurrencepattern_3() {
    let name = "mfcmapi-RECURRENCEPATTERN-3";
    let (p, diags, expected) = pattern_vector(name);
    check_mfcmapi_pattern(name, &p, &expected);
    assert_clean(name, &diags);
}

// ---------------------------------------------------------------------------------------------
// msgreader JSON (`apptRecur`)

fn json_u32(v: &Value, what: &str) -> u32 {
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_else(|| panic!("{what}: not a u32: {v}"))
}

fn json_dates(v: &Value, what: &str) -> Vec<u32> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what}: not an array"))
        .iter()
        .map(|d| json_u32(d, what))
        .collect()
}

/// Compares a decoded blob with msgreader's `apptRecur` JSON; unknown keys fail the test so
/// that every published value is checked, and absent optional keys must be absent in ours too.
fn check_msgreader_json(name: &str, a: &AppointmentRecurrencePattern, json: &Value) {
    let mut problems = Vec::new();
    fn eq(problems: &mut Vec<String>, what: &str, published: u64, ours: u64) {
        if published != ours {
            problems.push(format!("{what}: published {published}, ours {ours}"));
        }
    }
    let top = json.as_object().unwrap();
    let p = &a.pattern;
    for (key, v) in top {
        match key.as_str() {
            "recurrencePattern" => {
                let rp = v.as_object().unwrap();
                for (k, v) in rp {
                    let what = format!("recurrencePattern.{k}");
                    match k.as_str() {
                        "recurFrequency" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            u16::from(p.recur_frequency).into(),
                        ),
                        "patternType" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            u16::from(p.pattern_type).into(),
                        ),
                        "calendarType" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            u16::from(p.calendar_type).into(),
                        ),
                        "firstDateTime" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            p.first_date_time.into(),
                        ),
                        "period" => eq(&mut problems, &what, v.as_u64().unwrap(), p.period.into()),
                        "slidingFlag" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            p.sliding_flag.into(),
                        ),
                        "endType" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            u32::from(p.end_type).into(),
                        ),
                        "occurrenceCount" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            p.occurrence_count.into(),
                        ),
                        "firstDOW" => {
                            eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                p.first_dow.into(),
                            );
                        }
                        "startDate" => eq(
                            &mut problems,
                            &what,
                            v.as_u64().unwrap(),
                            p.start_date.into(),
                        ),
                        "endDate" => {
                            eq(&mut problems, &what, v.as_u64().unwrap(), p.end_date.into());
                        }
                        "deletedInstanceDates" => {
                            assert_eq!(
                                json_dates(v, &what),
                                p.deleted_instance_dates,
                                "{name}: {what}"
                            );
                        }
                        "modifiedInstanceDates" => {
                            assert_eq!(
                                json_dates(v, &what),
                                p.modified_instance_dates,
                                "{name}: {what}"
                            );
                        }
                        "patternTypeWeek" => match p.pattern_type_specific {
                            PatternTypeSpecific::Week { day_mask } => {
                                eq(
                                    &mut problems,
                                    &what,
                                    v["dayOfWeekBits"].as_u64().unwrap(),
                                    day_mask.into(),
                                );
                            }
                            other => problems.push(format!("{what}: ours is {other:?}")),
                        },
                        "patternTypeMonth" => match p.pattern_type_specific {
                            PatternTypeSpecific::Month { day } => {
                                eq(&mut problems, &what, v["day"].as_u64().unwrap(), day.into());
                            }
                            other => problems.push(format!("{what}: ours is {other:?}")),
                        },
                        other => {
                            panic!("{name}: unhandled msgreader key recurrencePattern.{other}")
                        }
                    }
                }
                // msgreader prints patternTypeWeek / patternTypeMonth exactly when there is one.
                let has_specific = rp
                    .keys()
                    .any(|k| k.starts_with("patternType") && k != "patternType");
                assert_eq!(
                    has_specific,
                    p.pattern_type_specific != PatternTypeSpecific::None,
                    "{name}"
                );
            }
            "startTimeOffset" => eq(
                &mut problems,
                key,
                v.as_u64().unwrap(),
                a.start_time_offset.into(),
            ),
            "endTimeOffset" => eq(
                &mut problems,
                key,
                v.as_u64().unwrap(),
                a.end_time_offset.into(),
            ),
            "exceptionInfo" => {
                let list = v.as_array().unwrap();
                assert_eq!(
                    list.len(),
                    a.exception_info.len(),
                    "{name}: exceptionInfo count"
                );
                for (i, (je, e)) in list.iter().zip(&a.exception_info).enumerate() {
                    let ext = &a.extended_exception[i];
                    let je = je.as_object().unwrap();
                    for (k, v) in je {
                        let what = format!("exceptionInfo[{i}].{k}");
                        let opt = |o: Option<u32>| o.map_or(u64::MAX, u64::from);
                        match k.as_str() {
                            "startDateTime" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                e.start_date_time.into(),
                            ),
                            "endDateTime" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                e.end_date_time.into(),
                            ),
                            "originalStartTime" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                e.original_start_date.into(),
                            ),
                            "overrideFlags" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                e.override_flags.0.into(),
                            ),
                            "meetingType" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                opt(e.meeting_type),
                            ),
                            "reminderDelta" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                opt(e.reminder_delta),
                            ),
                            "reminderSet" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                opt(e.reminder_set),
                            ),
                            "busyStatus" => {
                                eq(
                                    &mut problems,
                                    &what,
                                    v.as_u64().unwrap(),
                                    opt(e.busy_status),
                                );
                            }
                            "attachment" => {
                                eq(&mut problems, &what, v.as_u64().unwrap(), opt(e.attachment));
                            }
                            "subType" => {
                                eq(&mut problems, &what, v.as_u64().unwrap(), opt(e.sub_type));
                            }
                            "appointmentColor" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                opt(e.appointment_color),
                            ),
                            "changeHighlight" => eq(
                                &mut problems,
                                &what,
                                v.as_u64().unwrap(),
                                ext.change_highlight
                                    .as_ref()
                                    .map_or(u64::MAX, |c| c.value.into()),
                            ),
                            "subject" | "location" => {
                                let want = v.as_str().unwrap();
                                let (ansi, wide) = if k == "subject" {
                                    (&e.subject, &ext.wide_char_subject)
                                } else {
                                    (&e.location, &ext.wide_char_location)
                                };
                                let ansi = ansi.as_ref().map(|s| s.text(1252));
                                let wide = wide
                                    .as_ref()
                                    .map(calcheck_format::recurrence::WideString::text);
                                if ansi.as_deref() != Some(want) || wide.as_deref() != Some(want) {
                                    problems.push(format!(
                                        "{what}: published {want:?}, ours {ansi:?} / {wide:?}"
                                    ));
                                }
                            }
                            other => {
                                panic!("{name}: unhandled msgreader key exceptionInfo.{other}")
                            }
                        }
                    }
                    // Every override field we decoded must be one msgreader printed.
                    let present = [
                        ("subject", e.subject.is_some()),
                        ("meetingType", e.meeting_type.is_some()),
                        ("reminderDelta", e.reminder_delta.is_some()),
                        ("reminderSet", e.reminder_set.is_some()),
                        ("location", e.location.is_some()),
                        ("busyStatus", e.busy_status.is_some()),
                        ("attachment", e.attachment.is_some()),
                        ("subType", e.sub_type.is_some()),
                        ("appointmentColor", e.appointment_color.is_some()),
                    ];
                    for (k, ours) in present {
                        assert_eq!(
                            je.contains_key(k),
                            ours,
                            "{name}: exceptionInfo[{i}].{k} presence"
                        );
                    }
                }
            }
            other => panic!("{name}: unhandled msgreader key {other}"),
        }
    }
    assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
}

/// The JSON block of a msgreader `.expected.txt` (between the published heading and the cross-check).
fn msgreader_json(expected: &str) -> Value {
    let start = expected.find("## Published expected decode").unwrap();
    let body = &expected[start..];
    let open = body.find('{').unwrap();
    let close = body.find("\n## Cross-check").unwrap_or(body.len());
    serde_json::from_str(body[open..close].trim()).unwrap()
}

fn check_msgreader_vector(slug: &str) -> (AppointmentRecurrencePattern, Vec<Diagnostic>) {
    let name = format!("msgreader-{slug}");
    let (a, diags, expected) = appointment(&name);
    check_msgreader_json(&name, &a, &msgreader_json(&expected));
    (a, diags)
}

#[test]
fn msgreader_7_days_everyday_zero_padding() {
    // Real Outlook blob with 4 zero bytes after ReservedBlock2Size: reported, at most a warning.
    let (a, diags) = check_msgreader_vector("7-days-everyday");
    assert_eq!(a.trailing, [0, 0, 0, 0]);
    assert_eq!(kinds(&diags), [DiagKind::TrailingBytes]);
    assert!(diags[0].severity <= DiagSeverity::Warning);
}

#[test]
fn msgreader_a_daily_1_every_weekday() {
    // "Every weekday" is RecurFrequency Daily with PatternType Week (formats.md §9.5).
    let (a, diags) = check_msgreader_vector("a-daily-1");
    assert_eq!(a.pattern.recur_frequency, RecurFrequency::Daily);
    assert_eq!(a.pattern.pattern_type, PatternType::Week);
    assert_clean("a-daily-1", &diags);
}

#[test]
fn msgreader_a_monthly_1() {
    let (_, diags) = check_msgreader_vector("a-monthly-1");
    assert_clean("a-monthly-1", &diags);
}

#[test]
fn msgreader_a_weekly_1() {
    let (_, diags) = check_msgreader_vector("a-weekly-1");
    assert_clean("a-weekly-1", &diags);
}

#[test]
fn msgreader_a_yearly_1() {
    let (_, diags) = check_msgreader_vector("a-yearly-1");
    assert_clean("a-yearly-1", &diags);
}

#[test]
fn msgreader_friday_lunch() {
    // EndDate 2023-12-31 is a Sunday after the last Friday: Outlook stores the end date the
    // user picked for "end by", which must not be reported.
    let (a, diags) = check_msgreader_vector("friday-lunch");
    assert_eq!(minutes_to_date(a.pattern.end_date), date(2023, 12, 31));
    assert_clean("friday-lunch", &diags);
}

#[test]
fn msgreader_lanch_time_every_friday_in_2023_chgs1() {
    let (_, diags) = check_msgreader_vector("lanch-time-every-friday-in-2023-chgs1");
    assert_clean("chgs1", &diags);
}

#[test]
fn msgreader_lanch_time_every_friday_in_2023_chgs2() {
    let (a, diags) = check_msgreader_vector("lanch-time-every-friday-in-2023-chgs2");
    assert_eq!(a.exception_info[0].override_flags.0, 0x0275);
    assert_clean("chgs2", &diags);
}

#[test]
fn msgreader_lanch_time_every_friday_in_2023_org() {
    let (_, diags) = check_msgreader_vector("lanch-time-every-friday-in-2023-org");
    assert_clean("org", &diags);
}

#[test]
fn msgreader_msg_blobs_match_expected_json() {
    // The blobs extracted from msgreader's .msg files (testdata/blobs/recurrence/msgreader,
    // see its README) against the project's own JSON fixtures.
    let msg_dir = vectors_dir().join("msg/msgreader");
    let bin_dir = repo_dir().join("testdata/blobs/recurrence/msgreader");
    let mut with_recur = 0;
    let mut files: Vec<_> = std::fs::read_dir(&msg_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let file = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = file.strip_suffix(".expected.json") else {
            continue;
        };
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let bin = bin_dir.join(format!("{stem}.bin"));
        match json.get("apptRecur") {
            Some(recur) => {
                with_recur += 1;
                let bytes =
                    std::fs::read(&bin).unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
                let decoded = decode_appointment_recurrence(&bytes).unwrap();
                check_msgreader_json(stem, &decoded.value, recur);
                assert_no_errors(stem, &decoded.diagnostics);
                assert_eq!(
                    encode_appointment_recurrence(&decoded.value),
                    bytes,
                    "{stem}"
                );
            }
            None => assert!(!bin.exists(), "{stem} has no apptRecur but a .bin exists"),
        }
    }
    assert_eq!(with_recur, 9);
}

// ---------------------------------------------------------------------------------------------
// hughbe/MsgReader (assertions, two of them wrong in the source)

#[test]
fn hughbe_recurring_appointment_weekly_su_th() {
    let name = "hughbe-recurring-appointment-weekly-su-th";
    let (a, diags, _) = appointment(name);
    let p = &a.pattern;
    assert_eq!(p.reader_version, 0x3004);
    assert_eq!(p.writer_version, 0x3004);
    assert_eq!(p.recur_frequency, RecurFrequency::Weekly);
    assert_eq!(p.pattern_type, PatternType::Week);
    assert_eq!(p.calendar_type, CalendarType::Default);
    assert_eq!(p.first_date_time, 0x0000_21C0);
    assert_eq!(p.period, 1);
    assert_eq!(p.sliding_flag, 0);
    assert_eq!(p.occurrence_count, 49);
    assert_eq!(p.first_dow, 0); // .sunday
    assert!(p.deleted_instance_dates.is_empty());
    assert!(p.modified_instance_dates.is_empty());
    // The source asserts patternTypeSpecific [.x, .sa, .tu]: it reads the spec's MSB-first bit
    // diagram backwards (formats.md §9.6). The item's PidLidRecurrencePattern string says
    // "every Sunday and Thursday", which is mask 0x11 with Su = 0x01.
    assert_eq!(
        p.pattern_type_specific,
        PatternTypeSpecific::Week { day_mask: 0x11 }
    );
    assert_eq!(day_mask::names(0x11), ["Su", "Th"]);
    // The source asserts startDate/endDate as Unix 24892272000 / 24906787200 (year ~2758): it
    // adds the 1601->1970 offset instead of subtracting it (formats.md §9.7). Reproduce its
    // arithmetic to show it is the same stored value, then check the right dates.
    let wrong = |m: u32| u64::from(m) * 60 + 11_644_473_600;
    assert_eq!(wrong(p.start_date), 24_892_272_000);
    assert_eq!(wrong(p.end_date), 24_906_787_200);
    assert_eq!(minutes_to_date(p.start_date), date(2020, 10, 22));
    assert_eq!(minutes_to_date(p.end_date), date(2021, 4, 8));
    assert_eq!(a.reader_version2, 0x3006);
    assert_eq!(a.writer_version2, 0x3009);
    assert_eq!(a.start_time_offset, 0x1E0); // 8:00 AM
    assert_eq!(a.end_time_offset, 0x1FE); // 8:30 AM
    assert_eq!(a.exception_count, 0);
    assert!(a.exception_info.is_empty());
    assert!(a.reserved_block1.is_empty());
    assert!(a.extended_exception.is_empty());
    assert!(a.reserved_block2.is_empty());
    assert_clean(name, &diags);
}

// ---------------------------------------------------------------------------------------------
// OpenChange (the source asserts that every case decodes; two are cut after ExceptionCount)

#[test]
fn openchange_appointment_case0_truncated_yearly() {
    // "cut just when ReservedBlock1Size should begin" (76 bytes); WriterVersion2 0x3007.
    let name = "openchange-get_AppointmentRecurrencePattern-case0-truncated-yearly";
    let (a, diags, _) = appointment(name);
    assert_eq!(a.pattern.recur_frequency, RecurFrequency::Yearly);
    assert_eq!(a.writer_version2, 0x3007);
    let t = a.truncated.as_ref().unwrap();
    assert_eq!(
        (t.section, t.offset, t.end()),
        (TailSection::ReservedBlock1, 76, 76)
    );
    assert!(diags.iter().any(|d| d.kind == DiagKind::TruncatedTail));
    assert!(
        diags
            .iter()
            .any(|d| d.kind == DiagKind::UnusualWriterVersion2)
    );
    assert_no_errors(name, &diags);
}

#[test]
fn openchange_appointment_case1_yearly() {
    let name = "openchange-get_AppointmentRecurrencePattern-case1-yearly";
    let (a, diags, _) = appointment(name);
    assert_eq!(a.pattern.recur_frequency, RecurFrequency::Yearly);
    assert!(a.truncated.is_none());
    assert_clean(name, &diags);
}

#[test]
fn openchange_appointment_case2_weekly() {
    let name = "openchange-get_AppointmentRecurrencePattern-case2-weekly";
    let (a, diags, _) = appointment(name);
    assert_eq!(a.pattern.recur_frequency, RecurFrequency::Weekly);
    assert!(a.truncated.is_none());
    assert_clean(name, &diags);
}

#[test]
fn openchange_appointment_case3_weekly_deleted_and_exception() {
    // "same than case 2 but with canceled instances and exceptions".
    let name = "openchange-get_AppointmentRecurrencePattern-case3-weekly-deleted-and-exception";
    let (a, diags, _) = appointment(name);
    let (case2, _, _) = appointment("openchange-get_AppointmentRecurrencePattern-case2-weekly");
    assert_eq!(
        a.pattern.pattern_type_specific,
        case2.pattern.pattern_type_specific
    );
    assert_eq!(a.pattern.period, case2.pattern.period);
    assert!(!a.pattern.deleted_instance_dates.is_empty());
    assert!(a.exception_count > 0);
    assert_eq!(a.exception_info.len(), usize::from(a.exception_count));
    assert_clean(name, &diags);
}

#[test]
fn openchange_appointment_case4_truncated_weekly() {
    // "As case 0 is cut at the beginning of ReservedBlock1Size" (72 bytes); WriterVersion2 0x3006.
    let name = "openchange-get_AppointmentRecurrencePattern-case4-truncated-weekly";
    let (a, diags, _) = appointment(name);
    assert_eq!(a.pattern.recur_frequency, RecurFrequency::Weekly);
    assert_eq!(a.writer_version2, 0x3006);
    let t = a.truncated.as_ref().unwrap();
    assert_eq!(
        (t.section, t.offset, t.end()),
        (TailSection::ReservedBlock1, 72, 72)
    );
    assert!(diags.iter().any(|d| d.kind == DiagKind::TruncatedTail));
    assert_no_errors(name, &diags);
}

#[test]
fn openchange_recurrence_pattern_case0() {
    // Asserted: DeletedInstanceCount == 2, ModifiedInstanceCount == 1; 66 bytes, no tail.
    let name = "openchange-get_RecurrencePattern-case0";
    let (p, diags, _) = pattern_vector(name);
    assert_eq!(p.deleted_instance_dates.len(), 2);
    assert_eq!(p.modified_instance_dates.len(), 1);
    assert_eq!(p.recur_frequency, RecurFrequency::Weekly);
    assert_clean(name, &diags);
}

// ---------------------------------------------------------------------------------------------
// [MS-OXOCAL] section 4 examples

#[test]
fn oxocal_4_1_1_1_weekly_no_exceptions() {
    let name = "oxocal-4.1.1.1-weekly-no-exceptions";
    let (a, diags, _) = appointment(name);
    let p = &a.pattern;
    assert_eq!((p.reader_version, p.writer_version), (0x3004, 0x3004));
    assert_eq!(p.recur_frequency, RecurFrequency::Weekly);
    assert_eq!(p.pattern_type, PatternType::Week);
    assert_eq!(p.calendar_type, CalendarType::Default);
    assert_eq!(p.first_date_time, 8640); // January 7, 1601
    assert_eq!(p.period, 1);
    assert_eq!(p.sliding_flag, 0);
    // Monday 0x02 + Thursday 0x10 + Friday 0x20.
    assert_eq!(
        p.pattern_type_specific,
        PatternTypeSpecific::Week { day_mask: 0x32 }
    );
    assert_eq!(p.end_type, EndType::EndAfterNOccurrences);
    assert_eq!(p.occurrence_count, 12);
    // "Beginning Monday, March 26, 2007 ... 10:00 AM - 10:30 AM".
    assert_eq!(minutes_to_date(p.start_date), date(2007, 3, 26));
    assert_eq!((a.start_time_offset, a.end_time_offset), (600, 630));
    assert_clean(name, &diags);
}

#[test]
fn oxocal_4_1_1_2_weekly_with_exception() {
    let name = "oxocal-4.1.1.2-weekly-with-exception";
    let (bytes, _) = read_vector("appointment_recur", name);
    assert_eq!(bytes.len(), 0x0106);
    let (a, diags, _) = appointment(name);
    assert_eq!(a.pattern.occurrence_count, 12);
    assert_eq!(
        a.pattern.deleted_instance_dates,
        [minutes(2007, 4, 16, 0, 0)]
    );
    assert_eq!(a.exception_info.len(), 1);
    let e = &a.exception_info[0];
    assert_eq!(e.original_start_date, minutes(2007, 4, 16, 10, 0));
    assert_eq!(e.start_date_time, minutes(2007, 4, 16, 11, 0));
    assert_eq!(e.end_date_time, minutes(2007, 4, 16, 11, 30));
    assert_eq!(
        e.subject.as_ref().unwrap().text(1252),
        "Simple Recurrence with exceptions"
    );
    assert_eq!(e.location.as_ref().unwrap().text(1252), "34/4141");
    let x = &a.extended_exception[0];
    assert_eq!(
        x.wide_char_subject.as_ref().unwrap().text(),
        "Simple Recurrence with exceptions"
    );
    assert_eq!(x.wide_char_location.as_ref().unwrap().text(), "34/4141");
    assert_clean(name, &diags);
}

#[test]
fn oxocal_4_1_1_3_daily_with_deletions() {
    let name = "oxocal-4.1.1.3-daily-with-deletions";
    let (bytes, _) = read_vector("appointment_recur", name);
    assert_eq!(bytes.len(), 0x54);
    let (a, diags, _) = appointment(name);
    let p = &a.pattern;
    assert_eq!(p.recur_frequency, RecurFrequency::Daily);
    assert_eq!(p.pattern_type, PatternType::Day);
    assert_eq!(p.calendar_type, CalendarType::Default);
    assert_eq!(p.first_date_time, 1440); // 215,776,800 % 4320
    assert_eq!(p.start_date, 215_776_800);
    assert_eq!(p.period, 4320);
    assert_eq!(p.sliding_flag, 0);
    assert_eq!(p.end_type, EndType::EndAfterDate);
    // The spec table says "0C 00 00 00 - Not used" but its own hex holds 0A (formats.md §9.15).
    assert_eq!(p.occurrence_count, 10);
    assert_eq!(p.first_dow, 0);
    // The table's "4/19/2007" is a typo: A0 C1 DC 0C is 2011-04-19, and the characteristics
    // say the 4/19/2011 and 4/22/2011 instances were deleted.
    assert_eq!(
        p.deleted_instance_dates,
        [minutes(2011, 4, 19, 0, 0), minutes(2011, 4, 22, 0, 0)]
    );
    assert_eq!(minutes_to_date(p.start_date), date(2011, 4, 7));
    assert_eq!(minutes_to_date(p.end_date), date(2011, 5, 4));
    assert_eq!((a.start_time_offset, a.end_time_offset), (480, 510));
    assert_clean(name, &diags);
}

#[test]
fn oxocal_4_1_1_4_nmonthly_with_exceptions() {
    let name = "oxocal-4.1.1.4-nmonthly-with-exceptions";
    let (a, diags, _) = appointment(name);
    let p = &a.pattern;
    // RRULE:FREQ=MONTHLY;INTERVAL=3;COUNT=10;BYDAY=SU,SA;BYSETPOS=3 from 2/9/2008.
    assert_eq!(p.recur_frequency, RecurFrequency::Monthly);
    assert_eq!(p.pattern_type, PatternType::MonthNth);
    assert_eq!(p.period, 3);
    assert_eq!(
        p.pattern_type_specific,
        PatternTypeSpecific::MonthNth {
            day_mask: 0x41,
            n: 3
        }
    );
    assert_eq!(p.end_type, EndType::EndAfterNOccurrences);
    assert_eq!(p.occurrence_count, 10);
    assert_eq!(minutes_to_date(p.start_date), date(2008, 2, 9));
    assert_eq!(
        p.deleted_instance_dates,
        [minutes(2008, 5, 10, 0, 0), minutes(2008, 8, 9, 0, 0)]
    );
    assert_eq!(p.modified_instance_dates[0], minutes(2008, 5, 11, 0, 0));
    assert_eq!((a.start_time_offset, a.end_time_offset), (840, 1020));
    assert_eq!(a.exception_info.len(), 2);
    let e0 = &a.exception_info[0];
    assert_eq!(e0.start_date_time, minutes(2008, 5, 11, 14, 0));
    assert_eq!(e0.original_start_date, minutes(2008, 5, 10, 14, 0));
    assert_eq!(e0.override_flags, OverrideFlags(0));
    let e1 = &a.exception_info[1];
    assert_eq!(e1.override_flags, OverrideFlags::ARO_LOCATION);
    assert_eq!(e1.location.as_ref().unwrap().text(1252), "new location");
    assert_eq!(e1.end_date_time, minutes(2008, 8, 9, 17, 0));
    assert_clean(name, &diags);
}

#[test]
fn oxocal_4_1_1_6_yearly_hebrew_lunar_with_exception() {
    let name = "oxocal-4.1.1.6-yearly-hebrew-lunar-with-exception";
    let (bytes, _) = read_vector("appointment_recur", name);
    assert_eq!(bytes.len(), 0x7A);
    let (a, diags, _) = appointment(name);
    let p = &a.pattern;
    assert_eq!(p.recur_frequency, RecurFrequency::Yearly);
    assert_eq!(p.pattern_type, PatternType::Month);
    assert_eq!(p.calendar_type, CalendarType::Hebrew);
    assert_eq!(p.first_date_time, 685_440);
    assert_eq!(p.period, 12);
    assert_eq!(p.sliding_flag, 0);
    assert_eq!(
        p.pattern_type_specific,
        PatternTypeSpecific::Month { day: 3 }
    );
    assert_eq!(p.end_type, EndType::NeverEnd);
    assert_eq!(p.occurrence_count, 0x0A);
    assert_eq!((a.start_time_offset, a.end_time_offset), (480, 510));
    // The exception: busy status tentative, reminder 60 minutes before, body changed.
    let e = &a.exception_info[0];
    assert_eq!(e.busy_status, Some(1));
    assert_eq!(e.reminder_delta, Some(60));
    assert!(
        e.override_flags
            .contains(OverrideFlags::ARO_EXCEPTIONAL_BODY)
    );
    // Hebrew lunar dates cannot be checked with Gregorian arithmetic, so none is reported.
    assert!(calcheck_format::recurrence::occurrences(p, 10).is_err());
    assert_clean(name, &diags);
}

#[test]
fn every_vector_decodes_without_error_severity() {
    // Every published vector is real or spec data; none may raise an Error diagnostic.
    for kind in ["appointment_recur", "recurrence_pattern"] {
        let dir = vectors_dir().join(kind);
        let mut count = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "hex") {
                continue;
            }
            count += 1;
            let bytes = hex_bytes(&std::fs::read_to_string(&path).unwrap());
            let name = path.display().to_string();
            let diags = if kind == "appointment_recur" {
                decode_appointment_recurrence(&bytes).unwrap().diagnostics
            } else {
                decode_recurrence_pattern(&bytes).unwrap().diagnostics
            };
            assert_no_errors(&name, &diags);
        }
        assert_eq!(count, if kind == "appointment_recur" { 24 } else { 4 });
    }
}

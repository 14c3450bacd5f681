//! Hunts for panics, hangs, runaway allocations and broken invariants in the PidLidAppointmentRecur
//! decoder ([MS-OXOCAL] 2.2.1.44.5) and the occurrence expansion ([MS-OXOCAL] 2.2.1.44.1).
//!
//! Any input is offered to `decode_appointment_recurrence`; an `Err` is a correct answer. A decoded
//! blob is then used the way the checks use it: every occurrence is walked with
//! `recurrence::expand::occurrences` (capped, because a never-ending daily series from 1601 has about
//! a million dates), every deleted date is tested with `is_occurrence`, and every field of every
//! ExceptionInfo and ExtendedException is read, strings included, in several code pages. The
//! invariants the decoder documents are asserted: `encode(decode(bytes)) == bytes`, the occurrence
//! walk is strictly ascending, stays within the cap, and agrees with `is_occurrence`.
#![no_main]

use calcheck_format::recurrence::expand::expected_first_date_time;
use calcheck_format::recurrence::{
    AnsiString, AppointmentRecurrencePattern, decode_appointment_recurrence,
    decode_appointment_recurrence_with_codepage, encode_appointment_recurrence,
};
use calcheck_format::time::format_minutes;
use libfuzzer_sys::fuzz_target;

mod recurrence_support;

/// Code pages the ANSI strings are read in: Western, Japanese, UTF-8, US-ASCII and an unknown one.
const CODEPAGES: [u16; 5] = [1252, 932, 65001, 20127, 0xFFFF];

fn touch_ansi(s: Option<&AnsiString>) {
    if let Some(s) = s {
        for cp in CODEPAGES {
            let _ = s.text(cp);
        }
    }
}

fn walk(a: &AppointmentRecurrencePattern) {
    let p = &a.pattern;
    let _ = expected_first_date_time(p);
    recurrence_support::check_walk(p);
    for &d in p
        .deleted_instance_dates
        .iter()
        .chain(&p.modified_instance_dates)
    {
        let _ = format_minutes(d);
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = decode_appointment_recurrence(data) else {
        return;
    };
    for diagnostic in &decoded.diagnostics {
        let _ = diagnostic.to_string();
    }
    let a = &decoded.value;
    let _ = a.has_change_highlight();
    let _ = a.truncated.as_ref().map(|t| t.end());
    walk(a);

    for e in &a.exception_info {
        let _ = format_minutes(e.start_date_time);
        let _ = format_minutes(e.end_date_time);
        let _ = format_minutes(e.original_start_date);
        let _ = e.override_flags.names();
        let _ = e.override_flags.unknown_bits();
        touch_ansi(e.subject.as_ref());
        touch_ansi(e.location.as_ref());
        let _ = (
            e.meeting_type,
            e.reminder_delta,
            e.reminder_set,
            e.busy_status,
            e.attachment,
            e.sub_type,
            e.appointment_color,
        );
    }
    for ee in &a.extended_exception {
        let _ = ee
            .change_highlight
            .as_ref()
            .map(|c| (c.size, c.value, c.reserved.len()));
        for t in [ee.start_date_time, ee.end_date_time, ee.original_start_date]
            .into_iter()
            .flatten()
        {
            let _ = format_minutes(t);
        }
        let _ = ee.wide_char_subject.as_ref().map(|s| s.text());
        let _ = ee.wide_char_location.as_ref().map(|s| s.text());
        let _ = ee.reserved_block_ee2.as_ref().map(Vec::len);
    }

    // The code page only changes how ANSI strings compare with the wide ones, never the structure.
    if !a.exception_info.is_empty() {
        let other = decode_appointment_recurrence_with_codepage(data, 932).expect("decoded once");
        assert_eq!(&other.value, a);
    }

    // The encoder documents `encode(decode(bytes)) == bytes` for values the decoder produced.
    assert_eq!(
        encode_appointment_recurrence(a),
        data,
        "AppointmentRecurrencePattern did not round-trip"
    );
});

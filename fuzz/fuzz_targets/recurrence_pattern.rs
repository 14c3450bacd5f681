//! Hunts for panics, hangs, runaway allocations and broken invariants in the bare RecurrencePattern
//! decoder ([MS-OXOCAL] 2.2.1.44.1, the whole of PidLidTaskRecurrence).
//!
//! Any input is offered to `decode_recurrence_pattern`; an `Err` is a correct answer. A decoded
//! pattern must re-encode to the input bytes, and its occurrence walk (capped) must be strictly
//! ascending and agree with `is_occurrence`, as for the appointment blob.
#![no_main]

use calcheck_format::recurrence::expand::expected_first_date_time;
use calcheck_format::recurrence::{decode_recurrence_pattern, encode_recurrence_pattern};
use calcheck_format::time::format_minutes;
use libfuzzer_sys::fuzz_target;

mod recurrence_support;

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = decode_recurrence_pattern(data) else {
        return;
    };
    for diagnostic in &decoded.diagnostics {
        let _ = diagnostic.to_string();
    }
    let p = &decoded.value;
    let _ = (
        p.recur_frequency.is_known(),
        p.pattern_type.is_hijri(),
        p.calendar_type.is_gregorian(),
    );
    let _ = p.pattern_type_specific.size();
    let _ = expected_first_date_time(p);
    let _ = format_minutes(p.start_date);
    let _ = format_minutes(p.end_date);

    recurrence_support::check_walk(p);

    // Trailing bytes are only a diagnostic and are not part of the value, so compare the prefix.
    let encoded = encode_recurrence_pattern(p);
    assert_eq!(
        data.get(..encoded.len()),
        Some(encoded.as_slice()),
        "RecurrencePattern did not round-trip"
    );
});

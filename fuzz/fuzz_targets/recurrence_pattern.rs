//! Hunts for panics, hangs, runaway allocations and broken invariants in the bare RecurrencePattern
//! decoder ([MS-OXOCAL] 2.2.1.44.1, the whole of PidLidTaskRecurrence).
//!
//! Any input is offered to `decode_recurrence_pattern`; an `Err` is a correct answer. A decoded
//! pattern must re-encode to the input bytes, and its occurrence walk (capped) must be strictly
//! ascending and agree with `is_occurrence`, as for the appointment blob.
#![no_main]

use calcheck_format::recurrence::expand::{
    expected_first_date_time, is_occurrence, last_date, occurrences,
};
use calcheck_format::recurrence::{decode_recurrence_pattern, encode_recurrence_pattern};
use calcheck_format::time::{NO_END_DATE, format_minutes, minutes_to_date};
use libfuzzer_sys::fuzz_target;

/// Most occurrences walked per input: enough to cross many years and month ends, few enough that the
/// walk does not dominate the run time (5 000 made the target ten times slower than the decoder).
const OCCURRENCE_CAP: usize = 1_000;

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

    let start = minutes_to_date(p.start_date);
    let end = if p.end_type.is_never() || p.end_date >= NO_END_DATE {
        None
    } else {
        Some(minutes_to_date(p.end_date))
    };
    if let Ok(dates) = occurrences(p, OCCURRENCE_CAP) {
        let mut previous = None;
        let mut n = 0usize;
        for date in dates {
            n += 1;
            assert!(n <= OCCURRENCE_CAP, "the walk went past its cap");
            assert!(
                previous.is_none_or(|prev| prev < date),
                "dates are not strictly ascending"
            );
            assert!(
                date >= start && date <= last_date(),
                "{date} is outside StartDate..4500-12-31"
            );
            if end.is_none_or(|e| date <= e) {
                assert_eq!(
                    is_occurrence(p, date),
                    Ok(true),
                    "walked {date} is not an occurrence"
                );
            }
            previous = Some(date);
        }
    }
    for &d in p
        .deleted_instance_dates
        .iter()
        .chain(&p.modified_instance_dates)
    {
        let _ = is_occurrence(p, minutes_to_date(d));
    }

    // Trailing bytes are only a diagnostic and are not part of the value, so compare the prefix.
    let encoded = encode_recurrence_pattern(p);
    assert_eq!(
        data.get(..encoded.len()),
        Some(encoded.as_slice()),
        "RecurrencePattern did not round-trip"
    );
});

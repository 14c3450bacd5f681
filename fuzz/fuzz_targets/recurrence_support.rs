//! The occurrence-walk invariants both recurrence targets assert (not a target itself).

use calcheck_format::recurrence::RecurrencePattern;
use calcheck_format::recurrence::expand::{is_occurrence, last_date, occurrences};
use calcheck_format::time::{NO_END_DATE, minutes_to_date};

/// Most occurrences walked per input: enough to cross many years and month ends, few enough that the
/// walk does not dominate the run time (5 000 made the target ten times slower than the decoder).
pub const OCCURRENCE_CAP: usize = 1_000;

/// Walks `p`'s occurrences (capped) the way the checks do and asserts that the walk stays within
/// its cap, is strictly ascending, stays within StartDate..4500-12-31 and, within the series'
/// bounds, agrees with `is_occurrence`; then tests every deleted and modified date.
pub fn check_walk(p: &RecurrencePattern) {
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
            // Within the series' bounds the walk and the arithmetic test must agree.
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
}

//! Hunts for panics, hangs and broken invariants in the TZREG decoder ([MS-OXOCAL] 2.2.1.39).
//!
//! Any input is offered to `decode_tzreg`; an `Err` is a correct answer. A decoded structure is then
//! compared with a TZRULE built from its own fields (`matches_rule` must say yes), converted back with
//! `TzReg::from_rule`, re-encoded, and asked for UTC conversions at local times that straddle its own
//! transition dates, so that the daylight-time arithmetic meets every value the fields can hold.
#![no_main]

use calcheck_format::time::{minutes_to_naive, naive_to_minutes};
use calcheck_format::tzdef::{SystemTime, TzRule};
use calcheck_format::tzreg::{TzReg, decode_tzreg, encode_tzreg};
use chrono::NaiveDateTime;
use libfuzzer_sys::fuzz_target;

/// Local times at and around the transitions of `dates` in a few years, plus fixed far ends.
fn probe_times(dates: &[SystemTime]) -> Vec<NaiveDateTime> {
    let mut out = vec![
        minutes_to_naive(0),
        minutes_to_naive(u32::MAX),
        NaiveDateTime::MIN,
        NaiveDateTime::MAX,
    ];
    for year in [1601, 2007, 2024, 4500, 9999] {
        for st in dates {
            if let Some(at) = st.transition_in(year) {
                out.push(at);
                if let Some(m) = naive_to_minutes(at) {
                    for delta in [-61i64, -1, 1, 59, 60, 61, 1440] {
                        if let Some(shifted) = m.checked_add_signed(delta as i32) {
                            out.push(minutes_to_naive(shifted));
                        }
                    }
                }
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(decoded) = decode_tzreg(data) else {
        return;
    };
    for diagnostic in &decoded.diagnostics {
        let _ = diagnostic.to_string();
    }
    let reg: &TzReg = &decoded.value;
    let _ = reg.has_dst();
    for st in [&reg.st_standard_date, &reg.st_daylight_date] {
        let _ = st.transition_problem();
        let _ = st.to_naive();
        let _ = st.time_of_day();
    }

    // A TZRULE carrying the same fields describes the same zone, whatever the values.
    let rule = TzRule::new(
        reg.w_standard_year,
        0,
        reg.l_bias,
        reg.l_standard_bias,
        reg.l_daylight_bias,
        reg.st_standard_date,
        reg.st_daylight_date,
    );
    assert!(
        reg.matches_rule(&rule),
        "a TZREG must match a TZRULE made of its own fields"
    );
    let back = TzReg::from_rule(&rule);
    assert!(back.matches_rule(&rule));

    for local in probe_times(&[reg.st_standard_date, reg.st_daylight_date]) {
        let _ = reg.is_daylight_at(local);
        let bias = reg.bias_at(local);
        let utc = reg.local_to_utc(local);
        // The same fields give the same answer through the TZRULE path.
        assert_eq!(rule.bias_at(local), bias);
        assert_eq!(rule.local_to_utc(local), utc);
    }

    // Every field, including bytes past the 48, is kept, so encoding gives the input back.
    assert_eq!(encode_tzreg(reg), data, "TZREG did not round-trip");
});

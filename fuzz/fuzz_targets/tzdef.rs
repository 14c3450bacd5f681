//! Hunts for panics, hangs and broken invariants in the TZDEFINITION decoder ([MS-OXOCAL] 2.2.1.41).
//!
//! Any input is offered to `decode_tz_definition`; an `Err` is a correct answer. A decoded definition
//! is then walked the way the checks walk it: the key-name state, the effective rule, the rule for
//! every year of a range (plus each rule's own year and the far ends of the calendar), and UTC
//! conversions at local times around every transition of every rule. The value must also survive
//! encode-then-decode unchanged, and the rule lookups must agree with each other.
#![no_main]

use calcheck_format::time::{minutes_to_naive, naive_to_minutes};
use calcheck_format::tzdef::{TzDefinition, decode_tz_definition, encode_tz_definition};
use chrono::{Datelike, NaiveDateTime};
use libfuzzer_sys::fuzz_target;

/// Rules walked one by one; a definition may hold 1024, and each costs a few conversions.
const RULE_CAP: usize = 64;

/// Years whose rule is looked up: a span of ordinary years plus the edges of every range involved.
fn probe_years(def: &TzDefinition) -> Vec<i32> {
    let mut years: Vec<i32> = (1995..=2035).collect();
    years.extend([
        i32::MIN,
        -1,
        0,
        1,
        1600,
        1601,
        4500,
        9999,
        65_535,
        65_536,
        262_143,
        i32::MAX,
    ]);
    for rule in def.rules.iter().take(RULE_CAP) {
        let y = i32::from(rule.w_year());
        years.extend([y - 1, y, y + 1]);
    }
    years
}

/// Local times at and around the transitions of the first rules, plus fixed far ends.
fn probe_times(def: &TzDefinition) -> Vec<NaiveDateTime> {
    let mut out = vec![
        minutes_to_naive(0),
        minutes_to_naive(u32::MAX),
        NaiveDateTime::MIN,
        NaiveDateTime::MAX,
    ];
    for rule in def.rules.iter().take(RULE_CAP) {
        let y = i32::from(rule.w_year());
        for year in [y, y.saturating_add(1), 2024] {
            for st in [&rule.st_standard_date, &rule.st_daylight_date] {
                let Some(at) = st.transition_in(year) else {
                    continue;
                };
                out.push(at);
                if let Some(m) = naive_to_minutes(at) {
                    for delta in [-61, -1, 1, 60, 61] {
                        if let Some(shifted) = m.checked_add_signed(delta) {
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
    let Ok(decoded) = decode_tz_definition(data) else {
        return;
    };
    for diagnostic in &decoded.diagnostics {
        let _ = diagnostic.to_string();
    }
    let def = &decoded.value;
    let _ = def.key_name_state();
    let effective = def.effective_rule();
    assert!(effective.is_none_or(|r| r.is_effective()));

    for year in probe_years(def) {
        let rule = def.rule_for_year(year);
        // A definition with rules always has one for any year; the first rule covers earlier years.
        assert_eq!(rule.is_some(), !def.rules.is_empty());
        if let Some(rule) = rule {
            let first = def.rules.first().map(|r| r.w_year());
            assert!(i32::from(rule.w_year()) <= year || Some(rule.w_year()) == first);
        }
    }

    for rule in def.rules.iter().take(RULE_CAP) {
        let _ = rule.x();
        let _ = rule.is_recur_current();
        let _ = rule.has_dst();
        let _ = rule.st_start.to_naive();
        for st in [&rule.st_standard_date, &rule.st_daylight_date] {
            let _ = st.transition_problem();
        }
    }

    for local in probe_times(def) {
        let utc = def.local_to_utc(local);
        let _ = def.utc_offset_at(local);
        // The definition converts with the rule of the local time's year.
        let by_rule = def
            .rule_for_year(local.year())
            .and_then(|r| r.local_to_utc(local));
        assert_eq!(utc, by_rule);
        if let Some(rule) = def.rule_for_year(local.year()) {
            let _ = rule.is_daylight_at(local);
        }
    }

    // Every stored field is kept, so the value survives encode-then-decode.
    let again =
        decode_tz_definition(&encode_tz_definition(def)).expect("an encoded TZDEFINITION decodes");
    assert_eq!(&again.value, def, "TZDEFINITION did not round-trip");
});

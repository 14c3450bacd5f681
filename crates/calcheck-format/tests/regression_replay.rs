//! No-panic replay of the fuzz crashers kept under `testdata/regression/<target>/` (house style B5, B6).
//!
//! Every file in a target's folder goes through the decoder that fuzz target drives, followed by the
//! same walk the target performs (occurrence expansion, rule lookups, UTC conversion, the encode
//! round trip), so an input that once crashed the fuzzer must now return. Folders of targets that other
//! crates own (`msg`, `pst_*`) are replayed by those crates' own sweeps. Every file must also be
//! listed in `testdata/regression/README.md`, which says where it came from.

use std::path::{Path, PathBuf};

use calcheck_format::goid::{decode_global_object_id, encode_global_object_id};
use calcheck_format::recurrence::expand::{is_occurrence, occurrences};
use calcheck_format::recurrence::{
    RecurrencePattern, decode_appointment_recurrence, decode_recurrence_pattern,
    encode_appointment_recurrence, encode_recurrence_pattern,
};
use calcheck_format::time::{minutes_to_date, minutes_to_naive};
use calcheck_format::tzdef::{decode_tz_definition, encode_tz_definition};
use calcheck_format::tzreg::{decode_tzreg, encode_tzreg};
use chrono::{Datelike, NaiveDateTime};

/// The fuzz targets of this crate's decoders, as named in `fuzz/Cargo.toml`.
const TARGETS: [&str; 5] = ["recurrence", "recurrence_pattern", "tzdef", "tzreg", "goid"];

/// Most occurrences walked, as in the fuzz targets.
const OCCURRENCE_CAP: usize = 1_000;

fn regression_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/regression")
}

/// The files of one target's folder, sorted (none when the folder does not exist).
fn files(target: &str) -> Vec<PathBuf> {
    let dir = regression_dir().join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "bin"))
        .collect();
    out.sort();
    out
}

fn walk_pattern(p: &RecurrencePattern) {
    if let Ok(dates) = occurrences(p, OCCURRENCE_CAP) {
        let mut previous = None;
        for date in dates {
            assert!(previous.is_none_or(|prev| prev < date));
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

fn probe_times() -> Vec<NaiveDateTime> {
    let mut out = vec![NaiveDateTime::MIN, NaiveDateTime::MAX];
    for m in [0, 213_655_680, 220_000_000, u32::MAX] {
        out.push(minutes_to_naive(m));
    }
    out
}

/// Runs one input through the decoder and walk of `target`.
fn replay(target: &str, data: &[u8]) {
    match target {
        "recurrence" => {
            if let Ok(d) = decode_appointment_recurrence(data) {
                walk_pattern(&d.value.pattern);
                for e in &d.value.exception_info {
                    let _ = e.subject.as_ref().map(|s| s.text(1252));
                    let _ = e.location.as_ref().map(|s| s.text(932));
                }
                assert_eq!(encode_appointment_recurrence(&d.value), data);
            }
        }
        "recurrence_pattern" => {
            if let Ok(d) = decode_recurrence_pattern(data) {
                walk_pattern(&d.value);
                let encoded = encode_recurrence_pattern(&d.value);
                assert_eq!(data.get(..encoded.len()), Some(encoded.as_slice()));
            }
        }
        "tzdef" => {
            if let Ok(d) = decode_tz_definition(data) {
                let def = &d.value;
                let _ = def.effective_rule();
                for year in (1995..=2035).chain([i32::MIN, 0, i32::MAX]) {
                    let _ = def.rule_for_year(year);
                }
                for t in probe_times() {
                    assert_eq!(
                        def.local_to_utc(t),
                        def.rule_for_year(t.year()).and_then(|r| r.local_to_utc(t))
                    );
                }
                let again = decode_tz_definition(&encode_tz_definition(def)).unwrap();
                assert_eq!(&again.value, def);
            }
        }
        "tzreg" => {
            if let Ok(d) = decode_tzreg(data) {
                for t in probe_times() {
                    let _ = d.value.local_to_utc(t);
                }
                assert_eq!(encode_tzreg(&d.value), data);
            }
        }
        "goid" => {
            if let Ok(d) = decode_global_object_id(data) {
                let _ = d.value.ical_uid();
                let _ = d.value.instance_date();
                assert_eq!(encode_global_object_id(&d.value), data);
                let clean = decode_global_object_id(&d.value.clean()).unwrap();
                assert!(!clean.value.is_instance());
            }
        }
        other => unreachable!("no replay for {other}"),
    }
}

#[test]
fn regression_files_replay_without_panic() {
    for target in TARGETS {
        for path in files(target) {
            let data = std::fs::read(&path).unwrap();
            let outcome = std::panic::catch_unwind(|| replay(target, &data));
            assert!(outcome.is_ok(), "{} panics again", path.display());
        }
    }
}

#[test]
fn regression_files_are_listed_in_readme() {
    let readme = std::fs::read_to_string(regression_dir().join("README.md"))
        .expect("testdata/regression/README.md says where each file came from");
    for target in TARGETS {
        for path in files(target) {
            let rel = Path::new(target).join(path.file_name().unwrap());
            let rel = rel.to_string_lossy().replace('\\', "/");
            assert!(
                readme.contains(&rel),
                "{rel} is not listed in testdata/regression/README.md"
            );
        }
    }
}

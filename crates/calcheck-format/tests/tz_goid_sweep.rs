//! No-panic sweep for the TZDEFINITION, TZREG and GlobalObjectId decoders.
//!
//! Every prefix and many single-byte mutations of every vector (`shared/vectors/{tzdefinition,tzstruct,
//! global_object_id}`) and every fixture blob (`testdata/blobs/{tzdef,tzreg,goid}`) go through the
//! decoder. Whatever it returns, the helpers that later code calls on a decoded value must not panic
//! either, and a value that decodes must survive encode-then-decode unchanged.

use std::path::{Path, PathBuf};

use calcheck_format::goid::{decode_global_object_id, encode_global_object_id};
use calcheck_format::tzdef::{decode_tz_definition, encode_tz_definition};
use calcheck_format::tzreg::{decode_tzreg, encode_tzreg};
use chrono::{NaiveDate, NaiveDateTime};

#[derive(Clone, Copy, Debug)]
enum Kind {
    TzDef,
    TzReg,
    Goid,
}

fn hex_to_bytes(text: &str) -> Vec<u8> {
    calcheck_format::hex::decode_hex(text).unwrap()
}

fn files_under(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// (kind, name, bytes) for every vector and fixture blob.
fn inputs() -> Vec<(Kind, String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let vectors = root.join("../../../shared/vectors");
    let blobs = root.join("../../testdata/blobs");
    let mut out = Vec::new();
    for (kind, vector_dir, blob_dir) in [
        (Kind::TzDef, "tzdefinition", "tzdef"),
        (Kind::TzReg, "tzstruct", "tzreg"),
        (Kind::Goid, "global_object_id", "goid"),
    ] {
        let mut files = Vec::new();
        files_under(&vectors.join(vector_dir), "hex", &mut files);
        let hex_count = files.len();
        files_under(&blobs.join(blob_dir), "bin", &mut files);
        assert!(
            hex_count > 0 && files.len() > hex_count,
            "{vector_dir}: no inputs found"
        );
        for path in files {
            let raw = std::fs::read(&path).unwrap();
            let bytes = if path.extension().is_some_and(|e| e == "hex") {
                hex_to_bytes(std::str::from_utf8(&raw).unwrap())
            } else {
                raw
            };
            out.push((kind, path.display().to_string(), bytes));
        }
    }
    out
}

/// Local times that probe every rule year and both sides of common transitions.
fn probe_times() -> Vec<NaiveDateTime> {
    let mut out = Vec::new();
    for (y, m, d, h) in [
        (1601, 1, 1, 0),
        (2006, 4, 2, 2),
        (2007, 3, 11, 2),
        (2007, 11, 4, 1),
        (2020, 5, 31, 2),
        (2024, 12, 31, 23),
        (9999, 12, 31, 23),
    ] {
        out.push(
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, 30, 0)
                .unwrap(),
        );
    }
    out.push(NaiveDateTime::MIN);
    out.push(NaiveDateTime::MAX);
    out
}

/// Decodes one input and, when it decodes, exercises the helpers and the encode/decode round trip.
fn exercise(kind: Kind, bytes: &[u8], times: &[NaiveDateTime]) {
    match kind {
        Kind::TzDef => {
            let Ok(d) = decode_tz_definition(bytes) else {
                return;
            };
            let def = &d.value;
            let _ = def.key_name_state();
            let _ = def.effective_rule();
            for year in [i32::MIN, 0, 1601, 2007, 2020, i32::MAX] {
                let _ = def.rule_for_year(year);
            }
            for &t in times {
                let _ = def.bias_at(t);
                let _ = def.local_to_utc(t);
            }
            for rule in &def.rules {
                let _ = rule.x();
                let _ = rule.st_start.to_naive();
                for &t in times {
                    let _ = rule.local_to_utc(t);
                }
                for year in [0, 2007, 262_143] {
                    let _ = rule.st_standard_date.transition_in(year);
                    let _ = rule.st_daylight_date.transition_problem();
                }
            }
            let again = decode_tz_definition(&encode_tz_definition(def)).unwrap();
            assert_eq!(&again.value, def);
        }
        Kind::TzReg => {
            let Ok(d) = decode_tzreg(bytes) else {
                return;
            };
            let reg = &d.value;
            for &t in times {
                let _ = reg.local_to_utc(t);
            }
            if let Ok(def) = decode_tz_definition(bytes) {
                for rule in &def.value.rules {
                    let _ = reg.matches_rule(rule);
                }
            }
            let again = decode_tzreg(&encode_tzreg(reg)).unwrap();
            assert_eq!(&again.value, reg);
        }
        Kind::Goid => {
            let Ok(d) = decode_global_object_id(bytes) else {
                return;
            };
            let id = &d.value;
            let _ = id.instance_date();
            let _ = id.creation_time_utc();
            let _ = id.vcal_uid();
            let _ = id.ical_uid();
            assert!(!id.clean_id().is_instance());
            let again = decode_global_object_id(&encode_global_object_id(id)).unwrap();
            assert_eq!(&again.value, id);
        }
    }
}

#[test]
fn sweep_every_prefix() {
    let times = probe_times();
    let mut n = 0;
    for (kind, _name, bytes) in inputs() {
        for len in 0..=bytes.len() {
            exercise(kind, &bytes[..len], &times);
            n += 1;
        }
    }
    assert!(n > 1000);
}

#[test]
fn sweep_single_byte_mutations() {
    let times = probe_times();
    for (kind, _name, bytes) in inputs() {
        for i in 0..bytes.len() {
            let original = bytes[i];
            for value in [
                0x00,
                0xFF,
                0x80,
                original ^ 0x01,
                original.wrapping_add(1),
                0x02,
            ] {
                let mut mutated = bytes.clone();
                mutated[i] = value;
                exercise(kind, &mutated, &times);
            }
        }
    }
}

#[test]
fn sweep_wrong_decoder_for_each_input() {
    // A blob passed to the wrong decoder (a check that mixes up properties) must not panic either.
    let times = probe_times();
    for (_, _, bytes) in inputs() {
        for kind in [Kind::TzDef, Kind::TzReg, Kind::Goid] {
            exercise(kind, &bytes, &times);
        }
    }
}

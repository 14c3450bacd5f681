//! No-panic sweep over the recurrence decoders ([MS-OXOCAL] 2.2.1.44) and the occurrence iterator.
//!
//! Every prefix of every vector, many single-byte mutations and count fields set to their
//! maximum are fed to both decoders; whatever decodes is expanded into occurrences. Each call
//! must simply return. Whatever decodes must also encode back to exactly the bytes it came from
//! (the decoder keeps every byte, including truncated and trailing parts).
#![allow(
    missing_docs,
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::panic
)]

use std::path::PathBuf;

use calcheck_format::recurrence::expand::{expected_first_date_time, is_occurrence};
use calcheck_format::recurrence::{
    decode_appointment_recurrence, decode_appointment_recurrence_with_codepage,
    decode_recurrence_pattern, encode_appointment_recurrence, encode_recurrence_pattern,
    occurrences,
};
use calcheck_format::time::minutes_to_date;

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

/// Every recurrence blob we have: the shared hex vectors and the committed fixtures.
fn all_blobs() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for kind in ["appointment_recur", "recurrence_pattern"] {
        for entry in std::fs::read_dir(vectors_dir().join(kind)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "hex") {
                let text = std::fs::read_to_string(&path).unwrap();
                let bytes = calcheck_format::hex::decode_hex(&text).unwrap();
                out.push((path.display().to_string(), bytes));
            }
        }
    }
    let fixtures =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/blobs/recurrence");
    for dir in [fixtures.join("msgreader")] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "bin") {
                out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
            }
        }
    }
    // The msgreader fixtures repeat the msgreader hex vectors byte for byte; sweep each blob once.
    out.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    out.dedup_by(|a, b| a.1 == b.1);
    assert!(out.len() >= 28, "only {} blobs", out.len());
    out
}

/// Runs both decoders and the iterator on `data`; returns whether the appointment decoder succeeded.
fn exercise(data: &[u8]) -> bool {
    if let Ok(d) = decode_recurrence_pattern(data) {
        let p = &d.value;
        let encoded = encode_recurrence_pattern(p);
        assert_eq!(
            encoded.as_slice(),
            &data[..encoded.len()],
            "pattern re-encoding differs"
        );
        if let Ok(occ) = occurrences(p, 500) {
            let dates: Vec<_> = occ.collect();
            assert!(dates.len() <= 500);
            assert!(
                dates.windows(2).all(|w| w[0] < w[1]),
                "occurrences not ascending"
            );
        }
        for &m in p.deleted_instance_dates.iter().take(8) {
            let _ = is_occurrence(p, minutes_to_date(m));
        }
        let _ = is_occurrence(p, minutes_to_date(p.end_date));
        let _ = expected_first_date_time(p);
    }
    let _ = decode_appointment_recurrence_with_codepage(data, 932);
    match decode_appointment_recurrence(data) {
        Ok(d) => {
            assert_eq!(
                encode_appointment_recurrence(&d.value),
                data,
                "appointment re-encoding differs"
            );
            for diag in &d.diagnostics {
                assert!(
                    diag.offset <= data.len(),
                    "diagnostic offset past the end: {diag}"
                );
            }
            true
        }
        Err(e) => {
            assert!(e.offset() <= data.len(), "error offset past the end: {e}");
            false
        }
    }
}

#[test]
fn sweep_every_prefix() {
    for (name, blob) in all_blobs() {
        // Every prefix of small blobs; a stride of 7 through the 4.5 KB MFCMAPI vector, whose
        // length is mostly 443 repetitive instance dates.
        let step = if blob.len() > 1000 { 7 } else { 1 };
        for len in (0..=blob.len()).step_by(step) {
            exercise(&blob[..len]);
        }
        // The full blob decodes (vectors are all readable).
        assert!(exercise(&blob), "{name}");
    }
}

#[test]
fn sweep_single_byte_mutations() {
    for (_, blob) in all_blobs() {
        // Four values per position; all positions of small blobs; a stride through the 4.5 KB MFCMAPI vector.
        let step = if blob.len() > 1000 { 29 } else { 1 };
        for pos in (0..blob.len()).step_by(step) {
            let original = blob[pos];
            for value in [0x00, 0xFF, original ^ 0x01, original ^ 0x80] {
                if value == original {
                    continue;
                }
                let mut m = blob.clone();
                m[pos] = value;
                exercise(&m);
            }
        }
    }
}

/// Writes `value` as little-endian bytes at `offset` when it fits.
fn put(blob: &mut [u8], offset: usize, value: &[u8]) {
    if let Some(slot) = blob.get_mut(offset..offset + value.len()) {
        slot.copy_from_slice(value);
    }
}

#[test]
fn sweep_count_fields_at_maximum() {
    let max32 = u32::MAX.to_le_bytes();
    for (name, blob) in all_blobs() {
        let Ok(d) = decode_appointment_recurrence(&blob) else {
            panic!("{name}")
        };
        let v = &d.value;
        let p = &v.pattern;
        let pts = p.pattern_type_specific.size();
        let deleted_count = 34 + pts;
        let modified_count = deleted_count + 4 + 4 * p.deleted_instance_dates.len();
        let pattern_end = modified_count + 4 + 4 * p.modified_instance_dates.len() + 8;
        let mut fields: Vec<(usize, Vec<u8>)> = vec![
            (14, max32.to_vec()),                 // Period
            (26 + pts, max32.to_vec()),           // OccurrenceCount
            (deleted_count, max32.to_vec()),      // DeletedInstanceCount
            (modified_count, max32.to_vec()),     // ModifiedInstanceCount
            (pattern_end + 16, vec![0xFF, 0xFF]), // ExceptionCount
        ];
        for e in &v.exception_info {
            fields.push((e.offset + 14, vec![0xFF, 0xFF])); // SubjectLength or the next field
            fields.push((e.offset + 16, vec![0xFF, 0xFF])); // SubjectLength2 or the next field
        }
        for e in &v.extended_exception {
            fields.push((e.offset, max32.to_vec())); // ChangeHighlightSize or ReservedBlockEE1Size
            fields.push((e.offset + 4, max32.to_vec()));
            fields.push((e.offset + 8, max32.to_vec()));
        }
        if let Some(first) = v.extended_exception.first() {
            fields.push((first.offset - 4, max32.to_vec())); // ReservedBlock1Size
        }
        if v.truncated.is_none() {
            let rb2 = blob.len() - v.trailing.len() - 4;
            fields.push((rb2, max32.to_vec())); // ReservedBlock2Size
        }
        for (offset, value) in fields {
            let mut m = blob.clone();
            put(&mut m, offset, &value);
            exercise(&m);
        }
    }
}

//! Decode throughput of the blob decoders on real vectors ([MS-OXOCAL] 2.2.1.44, 2.2.1.41, 2.2.1.27).
//!
//! Each benchmark decodes one blob per iteration (criterion's `Throughput::Elements(1)`), so the
//! reported `elem/s` is blobs per second on one core. The blobs come from `../shared/vectors`: the
//! largest recurrence blob we have (443 deleted / 81 modified instances), a typical weekly series with
//! no exceptions (the [MS-OXOCAL] 4.1.1.1 example), a two-rule TZDEFINITION and a GlobalObjectId.
//! The `parts` group times two pieces of the weekly decode, for the profile in the same document.
//! Run with `cargo bench -p calcheck-format --bench decode`; `docs/performance.md` records the figures.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::path::PathBuf;

use calcheck_format::goid::decode_global_object_id;
use calcheck_format::recurrence::expand::occurrences;
use calcheck_format::recurrence::{decode_appointment_recurrence, decode_recurrence_pattern};
use calcheck_format::time::minutes_to_date;
use calcheck_format::tzdef::decode_tz_definition;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// The bytes of `../shared/vectors/<kind>/<name>.hex`.
fn vector(kind: &str, name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/vectors")
        .join(kind)
        .join(format!("{name}.hex"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    calcheck_format::hex::decode_hex(&text).unwrap()
}

fn decoders(c: &mut Criterion) {
    let largest = vector(
        "appointment_recur",
        "mfcmapi-APPOINTMENTRECURRENCEPATTERN-4",
    );
    let weekly = vector("appointment_recur", "oxocal-4.1.1.1-weekly-no-exceptions");
    let tzdef = vector("tzdefinition", "mfcmapi-TIMEZONEDEFINITION-1");
    let goid = vector("global_object_id", "mfcmapi-GLOBALOBJECTID-1");

    // Sanity: the blobs are the ones the figures describe, and they decode.
    let big = decode_appointment_recurrence(&largest).unwrap().value;
    assert_eq!(big.pattern.deleted_instance_dates.len(), 443);
    assert_eq!(big.pattern.modified_instance_dates.len(), 81);
    assert!(
        decode_appointment_recurrence(&weekly)
            .unwrap()
            .value
            .exception_info
            .is_empty()
    );

    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    g.bench_function("appointment_recur/weekly-no-exceptions", |b| {
        b.iter(|| decode_appointment_recurrence(black_box(&weekly)));
    });
    g.bench_function("recurrence_pattern/weekly-no-exceptions", |b| {
        b.iter(|| decode_recurrence_pattern(black_box(&weekly)));
    });
    g.bench_function("appointment_recur/largest-443-deleted-81-modified", |b| {
        b.iter(|| decode_appointment_recurrence(black_box(&largest)));
    });
    g.bench_function("tzdefinition/eastern-2-rules", |b| {
        b.iter(|| decode_tz_definition(black_box(&tzdef)));
    });
    g.bench_function("global_object_id/mfcmapi-1", |b| {
        b.iter(|| decode_global_object_id(black_box(&goid)));
    });
    g.finish();

    // Parts of the weekly decode, to show where its time goes: the decoder checks that EndDate is the
    // 12th occurrence by walking the series, and converts several minute values to dates.
    let pattern = decode_recurrence_pattern(&weekly).unwrap().value;
    let mut g = c.benchmark_group("parts");
    g.throughput(Throughput::Elements(1));
    g.bench_function("expand/weekly-12-occurrences", |b| {
        b.iter(|| occurrences(black_box(&pattern), 12).map(Iterator::count));
    });
    g.bench_function("time/minutes_to_date", |b| {
        b.iter(|| minutes_to_date(black_box(pattern.start_date)));
    });
    g.finish();
}

criterion_group!(benches, decoders);
criterion_main!(benches);

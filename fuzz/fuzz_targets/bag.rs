//! Hunts for panics in the calcheck-bag/1 and Graph JSON reader (`calcheck_model::source::bag`): any
//! bytes are offered as a JSON document, and a readable one is written back as a bag and read again,
//! which must give the same number of items.
#![no_main]

use std::path::Path;

use calcheck_model::source::bag::{parse_document, write};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = parse_document(data, Path::new("fuzz.json")) else {
        return;
    };
    let dumped = write::document(None, &doc.items);
    let text = serde_json::to_vec(&dumped).expect("a bag serializes");
    let again = parse_document(&text, Path::new("again.json")).expect("a dump reads back");
    assert_eq!(again.items.len(), doc.items.len());
});

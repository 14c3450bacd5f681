//! Fuzz target `msg`: hunts for panics, hangs and runaway allocations in the .msg reader.
//!
//! The bytes are read as a whole compound file by `calcheck_model::source::msg::read_msg_bytes`:
//! the CFB container (the `cfb` crate), the property streams, the named-property map, multi-valued
//! streams, recipients, attachments and nested embedded messages. An `Err` (not a compound file,
//! no property stream) is a correct outcome; only a panic or a timeout is a finding.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(item) = calcheck_model::source::msg::read_msg_bytes(data, Path::new("fuzz.msg")) {
        // Decode the blobs too, the way the checks will see them.
        let _ = item.decoded();
        for (_, embedded) in item.exception_items() {
            let _ = embedded.decoded();
        }
    }
});

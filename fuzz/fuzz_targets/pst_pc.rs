//! Hunts for panics in property contexts ([MS-PST] 2.3.3): the PC's BTH, and the decoding of every
//! value, inline or on the heap, single- and multi-valued ([MS-PST] 2.3.3.4), with the shared
//! `calcheck_format::props::decode_value`.
//!
//! The input is a list of heap blocks, each prefixed by a 2-byte length.
#![no_main]

mod pst_support;

use calcheck_pst::ltp::{Heap, is_hid, pc_entries, pc_inline};
use calcheck_pst::value::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, blocks) = pst_support::split_blocks(data);
    let Ok(heap) = Heap::new(blocks, format, "fuzz") else {
        return;
    };
    let Ok(entries) = pc_entries(&heap) else {
        return;
    };
    for e in entries {
        let bytes = if pc_inline(e.ty) {
            e.value.to_le_bytes().to_vec()
        } else if is_hid(e.value) {
            match heap.item(e.value) {
                Ok(b) => b.to_vec(),
                Err(_) => continue,
            }
        } else {
            continue;
        };
        if let Ok(v) = decode(e.ty, &bytes, 1252) {
            let _ = format!("{v:?}");
        }
    }
});

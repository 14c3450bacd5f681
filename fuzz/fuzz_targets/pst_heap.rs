//! Hunts for panics in the heap-on-node ([MS-PST] 2.3.1) and the BTH walk on it (2.3.2): page maps,
//! HIDs of every block, and index levels that point back at themselves.
//!
//! The input is a list of heap blocks, each prefixed by a 2-byte length; then every HID the
//! blocks could address is looked up, and the BTH at the user root is walked.
#![no_main]

mod pst_support;

use calcheck_pst::Format;
use calcheck_pst::ltp::{Bth, Heap};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (format, blocks) = pst_support::split_blocks(data);
    let Ok(heap) = Heap::new(blocks, format, "fuzz") else {
        return;
    };
    let blocks = heap.block_count() as u32;
    for block in 0..blocks.min(8) {
        for index in 0..64u32 {
            let shift = if format == Format::Unicode4k { 19 } else { 16 };
            if let Ok(item) = heap.item((block << shift) | (index << 5)) {
                assert!(item.len() <= 0xFFFF);
            }
        }
    }
    if let Ok(bth) = Bth::open(&heap, heap.user_root) {
        if let Ok(records) = bth.records() {
            for (k, d) in records {
                assert_eq!(k.len(), bth.key_size);
                assert_eq!(d.len(), bth.data_size);
            }
        }
    }
});

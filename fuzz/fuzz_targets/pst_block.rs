//! Hunts for panics in the internal-block decoders of the node database: XBLOCK/XXBLOCK data
//! trees ([MS-PST] 2.2.2.8.3.1-2) and SLBLOCK/SIBLOCK sub-node trees (2.2.2.8.3.3-4), in the
//! ANSI and Unicode layouts, and in the block encodings of [MS-PST] 5.1-5.2.
//!
//! The first byte picks the layout; decoded counts must match what the bytes can hold, and
//! every encoding must round-trip.
#![no_main]

use calcheck_pst::Format;
use calcheck_pst::crypt::{CryptMethod, decode, encode};
use calcheck_pst::ndb::{SubBlock, parse_subblock, parse_xblock};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, block)) = data.split_first() else {
        return;
    };
    let format = if selector & 1 == 0 {
        Format::Ansi
    } else {
        Format::Unicode
    };
    if let Ok(x) = parse_xblock(block, format, "fuzz") {
        assert!(8 + x.bids.len() * format.id_size() <= block.len());
    }
    if let Ok(s) = parse_subblock(block, format, "fuzz") {
        let n = match s {
            SubBlock::Leaf(v) => v.len() * 3,
            SubBlock::Intermediate(v) => v.len() * 2,
        };
        assert!(n * format.id_size() <= block.len());
    }
    for method in [CryptMethod::Permute, CryptMethod::Cyclic] {
        let mut bytes = block.to_vec();
        encode(method, &mut bytes, u64::from(selector));
        decode(method, &mut bytes, u64::from(selector));
        assert_eq!(bytes, block, "{method:?} did not round-trip");
    }
});

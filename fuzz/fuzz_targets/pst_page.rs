//! Hunts for panics in the B-tree page decoder ([MS-PST] 2.2.2.7.7 BTPAGE, 2.2.2.7.1 PAGETRAILER)
//! of all three layouts (ANSI, Unicode, OST 2013 4 KiB pages), for both trees.
//!
//! The first byte picks the layout and the tree; the next 8 bytes are the page id the caller
//! expects. A decoded page must hold no more entries than fit in its entry area.
#![no_main]

use calcheck_pst::Format;
use calcheck_pst::header::Bref;
use calcheck_pst::page::{PageEntries, Tree, parse_page};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some((bid, page)) = rest.split_first_chunk::<8>() else {
        return;
    };
    let format = match selector % 3 {
        0 => Format::Ansi,
        1 => Format::Unicode,
        _ => Format::Unicode4k,
    };
    let tree = if selector & 0x80 == 0 {
        Tree::Node
    } else {
        Tree::Block
    };
    let bref = Bref {
        bid: u64::from_le_bytes(*bid),
        ib: 0x4400,
    };
    if let Ok(p) = parse_page(page, format, tree, bref) {
        let count = match &p.entries {
            PageEntries::Intermediate(v) => v.len(),
            PageEntries::Nodes(v) => v.len(),
            PageEntries::Blocks(v) => v.len(),
        };
        assert!(
            count * 12 <= format.page_size(),
            "more entries than the page can hold"
        );
    }
});

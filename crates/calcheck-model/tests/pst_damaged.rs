//! Damage inside one message must not stop the scan: a block CRC mismatch becomes a `ReadIssue`
//! on the item (the data is still used), and a block whose trailer names another block makes
//! that one message an `UnreadableItem` while every other item is read.
//!
//! The damaged files are copies of the 4 KiB corpus OST, written to the test's scratch folder.

use std::path::PathBuf;

use calcheck_model::source::pst::PstSource;
use calcheck_model::{CalendarSource, Locator};
use calcheck_pst::Pst;

fn corpus_ost() -> PathBuf {
    std::env::var_os("CALCHECK_CORPUS")
        .map_or_else(|| PathBuf::from("/work/shared/corpus"), PathBuf::from)
        .join("pst/pstextractor__pstextractortest@outlook.com.ost")
}

/// File offset of the BLOCKTRAILER of the data block of message `nid` (OST 2013 layout: blocks
/// in 512-byte slots ending with a 24-byte trailer: cb, wSig, dwCRC, bid, ...).
fn trailer_of(pst: &Pst, nid: u32) -> usize {
    let mut w = Vec::new();
    let node = pst.ndb().node(nid, &mut w).unwrap();
    assert_eq!(node.bid_data & 2, 0, "the message's data is a single block");
    let b = pst.ndb().block_entry(node.bid_data, &mut w).unwrap();
    let slot = (usize::from(b.cb) + 24).div_ceil(512) * 512;
    b.bref.ib as usize + slot - 24
}

#[test]
fn pst_damaged_block_crc_is_an_issue_and_wrong_block_an_unreadable_item() {
    let original = std::fs::read(corpus_ost()).unwrap();
    let pst = Pst::from_bytes(original.clone()).unwrap();
    let source = PstSource::open(corpus_ost()).unwrap();
    let nids: Vec<u32> = source.item_nids().collect();
    assert_eq!(nids.len(), 175);
    let (crc_victim, bid_victim) = (nids[3], nids[10]);

    let mut damaged = original;
    let crc_at = trailer_of(&pst, crc_victim) + 4;
    damaged[crc_at] ^= 0xFF;
    let bid_at = trailer_of(&pst, bid_victim) + 8;
    damaged[bid_at] ^= 0x40;

    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pst_damaged.ost");
    std::fs::write(&path, &damaged).unwrap();
    let source = PstSource::open(&path).unwrap();
    let results: Vec<_> = source.items().collect();
    assert_eq!(results.len(), 175);
    let mut readable = 0;
    for r in &results {
        match r {
            Ok(item) => {
                readable += 1;
                let Locator::PstNode(nid) = item.item_ref.locator else {
                    panic!()
                };
                if nid == crc_victim {
                    assert_eq!(item.issues.len(), 1, "{:?}", item.issues);
                    assert!(
                        item.issues[0].reason.contains("crc mismatch"),
                        "{:?}",
                        item.issues
                    );
                    assert!(item.props.get(&calcheck_model::names::SUBJECT).is_some());
                } else {
                    assert!(item.issues.is_empty(), "{:?}", item.issues);
                }
            }
            Err(u) => {
                assert_eq!(u.item_ref.locator, Locator::PstNode(bid_victim));
                assert!(u.reason.contains("BLOCKTRAILER"), "{}", u.reason);
                assert!(u.item_ref.entry_id.is_some());
            }
        }
    }
    assert_eq!(readable, 174);
    let _ = std::fs::remove_file(&path);
}

//! Builders of small synthetic structures for the unit tests: Unicode headers, pages, blocks,
//! heaps and a minimal Unicode file with an NBT and a BBT of one leaf page each.
//!
//! Every builder computes the CRCs and signatures [MS-PST] 5.3 and 5.5 define, so a test can
//! break exactly one thing at a time.
#![allow(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::cast_possible_truncation
)]

use crate::crc::{compute_crc, compute_sig};
use crate::header::Bref;

/// A Unicode (wVer 23) header naming the two B-tree roots, with both CRCs.
pub(crate) fn unicode_header(nbt: Bref, bbt: Bref, crypt: u8, eof: u64) -> Vec<u8> {
    let mut h = vec![0u8; 564];
    h[0..4].copy_from_slice(b"!BDN");
    h[8..10].copy_from_slice(b"SM");
    h[10..12].copy_from_slice(&23u16.to_le_bytes());
    h[12..14].copy_from_slice(&19u16.to_le_bytes());
    h[184..192].copy_from_slice(&eof.to_le_bytes());
    h[216..224].copy_from_slice(&nbt.bid.to_le_bytes());
    h[224..232].copy_from_slice(&nbt.ib.to_le_bytes());
    h[232..240].copy_from_slice(&bbt.bid.to_le_bytes());
    h[240..248].copy_from_slice(&bbt.ib.to_le_bytes());
    h[512] = 0x80;
    h[513] = crypt;
    seal_header(&mut h);
    h
}

/// Recomputes both header CRCs after a test changed a field.
pub(crate) fn seal_header(h: &mut [u8]) {
    let partial = compute_crc(&h[8..8 + 471]);
    h[4..8].copy_from_slice(&partial.to_le_bytes());
    let full = compute_crc(&h[8..8 + 516]);
    h[524..528].copy_from_slice(&full.to_le_bytes());
}

/// A 512-byte Unicode B-tree page holding `entries` (each `entry_size` bytes).
pub(crate) fn unicode_page(
    entries: &[Vec<u8>],
    entry_size: u8,
    level: u8,
    ptype: u8,
    bref: Bref,
) -> Vec<u8> {
    let mut p = vec![0u8; 512];
    let mut at = 0;
    for e in entries {
        p[at..at + e.len()].copy_from_slice(e);
        at += usize::from(entry_size);
    }
    p[488] = entries.len() as u8;
    p[489] = (488 / usize::from(entry_size)) as u8;
    p[490] = entry_size;
    p[491] = level;
    seal_unicode_page(&mut p, ptype, bref);
    p
}

/// Writes the PAGETRAILER of a Unicode page (type, signature, CRC, bid).
pub(crate) fn seal_unicode_page(p: &mut [u8], ptype: u8, bref: Bref) {
    p[496] = ptype;
    p[497] = ptype;
    p[498..500].copy_from_slice(&compute_sig(bref.ib, bref.bid).to_le_bytes());
    let crc = compute_crc(&p[..496]);
    p[500..504].copy_from_slice(&crc.to_le_bytes());
    p[504..512].copy_from_slice(&bref.bid.to_le_bytes());
}

/// An NBTENTRY of a Unicode file.
pub(crate) fn nbt_entry(nid: u32, bid_data: u64, bid_sub: u64, parent: u32) -> Vec<u8> {
    let mut e = Vec::with_capacity(32);
    e.extend_from_slice(&u64::from(nid).to_le_bytes());
    e.extend_from_slice(&bid_data.to_le_bytes());
    e.extend_from_slice(&bid_sub.to_le_bytes());
    e.extend_from_slice(&parent.to_le_bytes());
    e.extend_from_slice(&[0; 4]);
    e
}

/// A BBTENTRY of a Unicode file.
pub(crate) fn bbt_entry(bref: Bref, cb: u16) -> Vec<u8> {
    let mut e = Vec::with_capacity(24);
    e.extend_from_slice(&bref.bid.to_le_bytes());
    e.extend_from_slice(&bref.ib.to_le_bytes());
    e.extend_from_slice(&cb.to_le_bytes());
    e.extend_from_slice(&2u16.to_le_bytes());
    e.extend_from_slice(&[0; 4]);
    e
}

/// A BTENTRY of a Unicode file.
pub(crate) fn bt_entry(key: u64, child: Bref) -> Vec<u8> {
    let mut e = Vec::with_capacity(24);
    e.extend_from_slice(&key.to_le_bytes());
    e.extend_from_slice(&child.bid.to_le_bytes());
    e.extend_from_slice(&child.ib.to_le_bytes());
    e
}

/// A Unicode block: `data`, padding to 64 bytes, and a BLOCKTRAILER.
pub(crate) fn unicode_block(data: &[u8], bref: Bref) -> Vec<u8> {
    let total = (data.len() + 16).div_ceil(64) * 64;
    let mut b = vec![0u8; total];
    b[..data.len()].copy_from_slice(data);
    let t = total - 16;
    b[t..t + 2].copy_from_slice(&(data.len() as u16).to_le_bytes());
    b[t + 2..t + 4].copy_from_slice(&compute_sig(bref.ib, bref.bid).to_le_bytes());
    b[t + 4..t + 8].copy_from_slice(&compute_crc(data).to_le_bytes());
    b[t + 8..t + 16].copy_from_slice(&bref.bid.to_le_bytes());
    b
}

/// One heap block: HNHDR (or HNPAGEHDR when `header` is `None`), the allocations, the page map.
pub(crate) fn heap_block(header: Option<(u8, u32)>, allocs: &[&[u8]]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&[0, 0]); // ibHnpm, set below
    if let Some((client_sig, user_root)) = header {
        b.push(0xEC);
        b.push(client_sig);
        b.extend_from_slice(&user_root.to_le_bytes());
        b.extend_from_slice(&[0; 4]); // rgbFillLevel
    }
    let mut offsets = vec![b.len() as u16];
    for a in allocs {
        b.extend_from_slice(a);
        offsets.push(b.len() as u16);
    }
    // Page maps are 2-byte aligned.
    if b.len() % 2 == 1 {
        b.push(0);
    }
    let ib = b.len() as u16;
    b[0..2].copy_from_slice(&ib.to_le_bytes());
    b.extend_from_slice(&(allocs.len() as u16).to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    for o in offsets {
        b.extend_from_slice(&o.to_le_bytes());
    }
    b
}

/// The HID of allocation `index` (1-based) in block `block`.
pub(crate) fn hid(index: u32, block: u32) -> u32 {
    (block << 16) | (index << 5)
}

/// A BTHHEADER.
pub(crate) fn bth_header(key: u8, data: u8, levels: u8, root: u32) -> Vec<u8> {
    let mut h = vec![0xB5, key, data, levels];
    h.extend_from_slice(&root.to_le_bytes());
    h
}

/// A minimal Unicode file: header, one NBT leaf page, one BBT leaf page and the given data
/// blocks (bid, bytes); `nodes` are (nid, bid_data, bid_sub).
pub(crate) fn mini_file(nodes: &[(u32, u64, u64)], blocks: &[(u64, Vec<u8>)]) -> Vec<u8> {
    let nbt = Bref {
        bid: 0x100,
        ib: 0x400,
    };
    let bbt = Bref {
        bid: 0x104,
        ib: 0x600,
    };
    let mut body = Vec::new();
    let mut bbt_entries = Vec::new();
    let mut at = 0x800u64;
    for (bid, data) in blocks {
        let bref = Bref { bid: *bid, ib: at };
        let b = unicode_block(data, bref);
        bbt_entries.push(bbt_entry(bref, data.len() as u16));
        at += b.len() as u64;
        body.extend_from_slice(&b);
    }
    let nbt_entries: Vec<Vec<u8>> = nodes
        .iter()
        .map(|&(n, d, s)| nbt_entry(n, d, s, 0))
        .collect();
    let mut file = unicode_header(nbt, bbt, 0, at);
    file.resize(0x400, 0);
    file.extend_from_slice(&unicode_page(&nbt_entries, 32, 0, 0x81, nbt));
    file.extend_from_slice(&unicode_page(&bbt_entries, 24, 0, 0x80, bbt));
    file.resize(0x800, 0);
    file.extend_from_slice(&body);
    file
}

//! B-tree pages of the node and block B-trees ([MS-PST] 2.2.2.7.7 BTPAGE, 2.2.2.7.1 PAGETRAILER).
//!
//! A page is 512 bytes (ANSI, Unicode) or 4096 bytes (OST 2013). It holds `cEnt` entries of
//! `cbEnt` bytes each, a level (`cLevel`, 0 for leaves) and a trailer with the page type, a
//! signature, a CRC and the page's own id. Intermediate entries (BTENTRY) hold the smallest key of
//! a child page and a reference to it; leaf entries are NBTENTRY or BBTENTRY records.

use calcheck_format::Reader;

use crate::bytes_at;
use crate::crc::{compute_crc, compute_sig};
use crate::error::{Error, Result, Warning};
use crate::header::{Bref, Format};

/// `ptypeBBT`: a page of the block B-tree.
pub const PTYPE_BBT: u8 = 0x80;
/// `ptypeNBT`: a page of the node B-tree.
pub const PTYPE_NBT: u8 = 0x81;

/// Which B-tree a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tree {
    /// The node B-tree (NBT).
    Node,
    /// The block B-tree (BBT).
    Block,
}

impl Tree {
    /// The page type byte of this tree's pages.
    pub fn ptype(self) -> u8 {
        match self {
            Tree::Node => PTYPE_NBT,
            Tree::Block => PTYPE_BBT,
        }
    }

    /// The spec abbreviation.
    pub fn name(self) -> &'static str {
        match self {
            Tree::Node => "NBT",
            Tree::Block => "BBT",
        }
    }
}

/// An intermediate entry: the smallest key below `child` ([MS-PST] 2.2.2.7.7.2 BTENTRY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BtEntry {
    /// `btkey`: a NID (NBT) or BID (BBT).
    pub key: u64,
    /// `BREF` of the child page.
    pub child: Bref,
}

/// A leaf entry of the node B-tree ([MS-PST] 2.2.2.7.7.4 NBTENTRY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NbtEntry {
    /// The node id.
    pub nid: u32,
    /// The block holding the node's data (a data block or an XBLOCK/XXBLOCK).
    pub bid_data: u64,
    /// The block holding the node's sub-node tree, 0 when there is none.
    pub bid_sub: u64,
    /// The parent node (folders: the parent folder; messages: the folder).
    pub nid_parent: u32,
}

/// A leaf entry of the block B-tree ([MS-PST] 2.2.2.7.7.3 BBTENTRY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BbtEntry {
    /// The block id and file offset.
    pub bref: Bref,
    /// Stored size of the block's data (without padding and trailer).
    pub cb: u16,
    /// Size after inflating (OST 2013); equal to `cb` when the block is not compressed.
    pub cb_inflated: u16,
    /// Reference count.
    pub refs: u16,
}

/// The entries of a page, by kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageEntries {
    /// An intermediate page (`cLevel` > 0).
    Intermediate(Vec<BtEntry>),
    /// A leaf page of the node B-tree.
    Nodes(Vec<NbtEntry>),
    /// A leaf page of the block B-tree.
    Blocks(Vec<BbtEntry>),
}

/// A decoded B-tree page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BtPage {
    /// `cLevel`: 0 for leaves.
    pub level: u8,
    /// The entries, sorted by key as the spec requires (not re-sorted here).
    pub entries: PageEntries,
    /// A CRC or signature problem that did not stop the page from being used.
    pub warning: Option<Warning>,
}

/// Where a B-tree page is, in the words errors and warnings use: its tree, BID and file offset.
pub(crate) fn page_location(tree: Tree, bref: Bref) -> String {
    format!(
        "{} page bid {:#x} at file offset {:#x}",
        tree.name(),
        bref.bid,
        bref.ib
    )
}

/// Decodes a B-tree page read from `bref` of `tree`.
///
/// The page type and the page id in the trailer must match, or the page is refused (the parent
/// pointed at something that is not this page). A CRC or signature mismatch is kept as a warning:
/// the entries are still checked one by one by the walk.
pub fn parse_page(bytes: &[u8], format: Format, tree: Tree, bref: Bref) -> Result<BtPage> {
    // Built only when something is reported: pages are parsed on every page-cache miss, and
    // formatting the text for each of them was a large share of parsing one.
    let location = || page_location(tree, bref);
    let page_size = format.page_size();
    let page = bytes.get(..page_size).ok_or_else(|| {
        Error::corrupt(
            "BTPAGE",
            location(),
            format!("page is shorter than {page_size} bytes"),
        )
    })?;
    let perr = |e| Error::parse(location(), e);

    // Offsets of the fields after rgentries, and the CRC-covered length, per layout.
    let (meta_at, trailer_at, crc_len) = match format {
        Format::Ansi => (496, 500, 500),
        Format::Unicode => (488, 496, 496),
        Format::Unicode4k => (4056, 4072, 4072),
    };
    let mut m = Reader::new(page, "BTPAGE");
    m.skip(meta_at, "rgentries").map_err(perr)?;
    let (count, entry_size, level) = if format == Format::Unicode4k {
        let c = m.u16("cEnt").map_err(perr)?;
        m.skip(2, "cEntMax").map_err(perr)?;
        let cb = m.u8("cbEnt").map_err(perr)?;
        let l = m.u8("cLevel").map_err(perr)?;
        (usize::from(c), usize::from(cb), l)
    } else {
        let c = m.u8("cEnt").map_err(perr)?;
        m.skip(1, "cEntMax").map_err(perr)?;
        let cb = m.u8("cbEnt").map_err(perr)?;
        let l = m.u8("cLevel").map_err(perr)?;
        (usize::from(c), usize::from(cb), l)
    };

    let mut t = Reader::new(page, "PAGETRAILER");
    t.skip(trailer_at, "page data").map_err(perr)?;
    let ptype = t.u8("ptype").map_err(perr)?;
    let ptype_repeat = t.u8("ptypeRepeat").map_err(perr)?;
    let sig = t.u16("wSig").map_err(perr)?;
    let (crc, bid) = if format == Format::Ansi {
        let b = u64::from(t.u32("bid").map_err(perr)?);
        (t.u32("dwCRC").map_err(perr)?, b)
    } else {
        let c = t.u32("dwCRC").map_err(perr)?;
        (c, t.u64("bid").map_err(perr)?)
    };
    if ptype != tree.ptype() || ptype_repeat != ptype {
        return Err(Error::corrupt(
            "PAGETRAILER",
            location(),
            format!(
                "ptype {ptype:#04x}/{ptype_repeat:#04x} is not the {} page type {:#04x}",
                tree.name(),
                tree.ptype()
            ),
        ));
    }
    if bid != bref.bid {
        return Err(Error::corrupt(
            "PAGETRAILER",
            location(),
            format!(
                "trailer bid {bid:#x} differs from the bid {:#x} the parent names",
                bref.bid
            ),
        ));
    }
    let mut warning = None;
    let computed = compute_crc(page.get(..crc_len).unwrap_or_default());
    if computed != crc {
        warning = Some(Warning::new(
            "PAGETRAILER",
            location(),
            format!(
                "crc mismatch (stored {crc:#010x}, computed {computed:#010x}); entries used anyway"
            ),
        ));
    } else if sig != compute_sig(bref.ib, bref.bid) {
        warning = Some(Warning::new(
            "PAGETRAILER",
            location(),
            format!("wSig {sig:#06x} differs from ComputeSig(ib, bid)"),
        ));
    }

    let id = format.id_size();
    let min_size = match (level, tree) {
        (0, Tree::Node) => 4 * id,
        (0, Tree::Block) => 2 * id + 4,
        _ => 3 * id,
    };
    if entry_size < min_size {
        return Err(Error::corrupt(
            "BTPAGE",
            location(),
            format!("cbEnt {entry_size} is smaller than the {min_size} bytes an entry needs"),
        ));
    }
    let area = page.get(..meta_at).unwrap_or_default();
    let needed = count.saturating_mul(entry_size);
    if needed > area.len() {
        return Err(Error::corrupt(
            "BTPAGE",
            location(),
            format!(
                "cEnt {count} x cbEnt {entry_size} does not fit in the {} entry bytes",
                area.len()
            ),
        ));
    }
    let chunks = area.chunks_exact(entry_size).take(count);
    // Every field is read straight from its entry: the size checks above leave room for all of
    // them, except OST 2013 block entries of 20 or 21 bytes, which lack room for `cRef`. Those
    // are refused as the checked reader refuses them. (A checked read per field was most of the
    // cost of parsing a page.)
    let full_size = match (level, tree) {
        (0, Tree::Block) if format == Format::Unicode4k => 2 * id + 6,
        _ => min_size,
    };
    if entry_size < full_size {
        if let Some(chunk) = area.get(..entry_size).filter(|_| count > 0) {
            let mut r = Reader::new(chunk, "BBTENTRY");
            read_id(&mut r, format, "BREF.bid").map_err(perr)?;
            read_id(&mut r, format, "BREF.ib").map_err(perr)?;
            r.u16("cb").map_err(perr)?;
            r.u16("cbInflated").map_err(perr)?;
            r.u16("cRef").map_err(perr)?;
        }
    }
    let entries = if level > 0 {
        PageEntries::Intermediate(
            chunks
                .map(|c| BtEntry {
                    key: id_at(c, 0, format),
                    child: Bref {
                        bid: id_at(c, id, format),
                        ib: id_at(c, 2 * id, format),
                    },
                })
                .collect(),
        )
    } else if tree == Tree::Node {
        PageEntries::Nodes(
            chunks
                .map(|c| NbtEntry {
                    // The NID field is 8 bytes wide in Unicode files, of which only the low 32
                    // bits are used.
                    nid: id_at(c, 0, format) as u32,
                    bid_data: id_at(c, id, format),
                    bid_sub: id_at(c, 2 * id, format),
                    nid_parent: u32_at(c, 3 * id),
                })
                .collect(),
        )
    } else {
        PageEntries::Blocks(
            chunks
                .map(|c| {
                    let cb = u16_at(c, 2 * id);
                    // OST 2013 adds the inflated size right after the stored size.
                    let (cb_inflated, refs_at) = if format == Format::Unicode4k {
                        (u16_at(c, 2 * id + 2), 2 * id + 4)
                    } else {
                        (cb, 2 * id + 2)
                    };
                    BbtEntry {
                        bref: Bref {
                            bid: id_at(c, 0, format),
                            ib: id_at(c, id, format),
                        },
                        cb,
                        cb_inflated,
                        refs: u16_at(c, refs_at),
                    }
                })
                .collect(),
        )
    };
    Ok(BtPage {
        level,
        entries,
        warning,
    })
}

/// The little-endian `u16` at `at` in an entry whose size was checked (0 if it is not there).
#[inline]
pub(crate) fn u16_at(b: &[u8], at: usize) -> u16 {
    bytes_at(b, at).map_or(0, u16::from_le_bytes)
}

/// The little-endian `u32` at `at` in an entry whose size was checked (0 if it is not there).
#[inline]
pub(crate) fn u32_at(b: &[u8], at: usize) -> u32 {
    bytes_at(b, at).map_or(0, u32::from_le_bytes)
}

/// The block id, node id or file offset at `at` in an entry whose size was checked: 4 bytes
/// (ANSI) or 8 bytes (0 if they are not there).
#[inline]
pub(crate) fn id_at(b: &[u8], at: usize, format: Format) -> u64 {
    match format {
        Format::Ansi => u64::from(u32_at(b, at)),
        Format::Unicode | Format::Unicode4k => bytes_at(b, at).map_or(0, u64::from_le_bytes),
    }
}

/// Reads a block id, node id or file offset: 4 bytes (ANSI) or 8 bytes.
pub(crate) fn read_id(
    r: &mut Reader<'_>,
    format: Format,
    field: &'static str,
) -> calcheck_format::Result<u64> {
    match format {
        Format::Ansi => r.u32(field).map(u64::from),
        Format::Unicode | Format::Unicode4k => r.u64(field),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{bbt_entry, bt_entry, nbt_entry, seal_unicode_page, unicode_page};

    const AT: Bref = Bref {
        bid: 0x20,
        ib: 0x4400,
    };

    #[test]
    fn page_nbt_leaf_entries() {
        let p = unicode_page(
            &[
                nbt_entry(0x21, 0x4, 0, 0),
                nbt_entry(0x122, 0x8, 0xA, 0x122),
            ],
            32,
            0,
            PTYPE_NBT,
            AT,
        );
        let page = parse_page(&p, Format::Unicode, Tree::Node, AT).unwrap();
        assert_eq!(page.level, 0);
        assert_eq!(page.warning, None);
        let PageEntries::Nodes(v) = page.entries else {
            panic!()
        };
        assert_eq!(
            v[1],
            NbtEntry {
                nid: 0x122,
                bid_data: 0x8,
                bid_sub: 0xA,
                nid_parent: 0x122
            }
        );
    }

    #[test]
    fn page_bbt_leaf_and_intermediate_entries() {
        let b = Bref {
            bid: 0x8,
            ib: 0x1000,
        };
        let p = unicode_page(&[bbt_entry(b, 100)], 24, 0, PTYPE_BBT, AT);
        let PageEntries::Blocks(v) = parse_page(&p, Format::Unicode, Tree::Block, AT)
            .unwrap()
            .entries
        else {
            panic!()
        };
        assert_eq!(
            v,
            vec![BbtEntry {
                bref: b,
                cb: 100,
                cb_inflated: 100,
                refs: 2
            }]
        );
        let p = unicode_page(&[bt_entry(0x4, b)], 24, 1, PTYPE_BBT, AT);
        let page = parse_page(&p, Format::Unicode, Tree::Block, AT).unwrap();
        assert_eq!(
            page.entries,
            PageEntries::Intermediate(vec![BtEntry { key: 0x4, child: b }])
        );
    }

    #[test]
    fn page_of_wrong_type_or_id_is_refused() {
        let p = unicode_page(&[], 32, 0, PTYPE_BBT, AT);
        assert!(matches!(
            parse_page(&p, Format::Unicode, Tree::Node, AT),
            Err(Error::Corrupt { .. })
        ));
        let other = Bref {
            bid: 0x24,
            ib: AT.ib,
        };
        assert!(matches!(
            parse_page(&p, Format::Unicode, Tree::Block, other),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(
            parse_page(&p[..300], Format::Unicode, Tree::Block, AT),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn page_crc_mismatch_is_a_warning() {
        let mut p = unicode_page(&[nbt_entry(0x21, 0x4, 0, 0)], 32, 0, PTYPE_NBT, AT);
        p[100] ^= 0xFF;
        let page = parse_page(&p, Format::Unicode, Tree::Node, AT).unwrap();
        assert!(page.warning.unwrap().message.contains("crc mismatch"));
    }

    #[test]
    fn page_counts_that_do_not_fit_are_refused() {
        let mut p = unicode_page(&[], 32, 0, PTYPE_NBT, AT);
        p[488] = 20; // 20 x 32 > 488
        seal_unicode_page(&mut p, PTYPE_NBT, AT);
        assert!(matches!(
            parse_page(&p, Format::Unicode, Tree::Node, AT),
            Err(Error::Corrupt { .. })
        ));
        let mut p = unicode_page(&[], 32, 0, PTYPE_NBT, AT);
        p[490] = 8; // an NBTENTRY needs 32 bytes
        seal_unicode_page(&mut p, PTYPE_NBT, AT);
        assert!(matches!(
            parse_page(&p, Format::Unicode, Tree::Node, AT),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn page_ansi_and_4k_layouts() {
        // ANSI: 12-byte BBTENTRY, trailer ptype, ptypeRepeat, wSig, bid, dwCRC at 500.
        let at = Bref {
            bid: 0x1C4,
            ib: 0x4800,
        };
        let mut p = vec![0u8; 512];
        p[0..4].copy_from_slice(&0x64u32.to_le_bytes());
        p[4..8].copy_from_slice(&0x5000u32.to_le_bytes());
        p[8..10].copy_from_slice(&0x24u16.to_le_bytes());
        p[10..12].copy_from_slice(&1u16.to_le_bytes());
        p[496] = 1;
        p[497] = 41;
        p[498] = 12;
        p[500] = PTYPE_BBT;
        p[501] = PTYPE_BBT;
        p[502..504].copy_from_slice(&compute_sig(at.ib, at.bid).to_le_bytes());
        p[504..508].copy_from_slice(&(at.bid as u32).to_le_bytes());
        let crc = compute_crc(&p[..500]);
        p[508..512].copy_from_slice(&crc.to_le_bytes());
        let page = parse_page(&p, Format::Ansi, Tree::Block, at).unwrap();
        assert_eq!(page.warning, None);
        let PageEntries::Blocks(v) = page.entries else {
            panic!()
        };
        assert_eq!(
            v[0].bref,
            Bref {
                bid: 0x64,
                ib: 0x5000
            }
        );
        assert_eq!(v[0].cb, 0x24);

        // 4 KiB: two-byte cEnt/cEntMax, the BBTENTRY has cbInflated after cb, trailer at 4072.
        let at = Bref {
            bid: 0x4AAF,
            ib: 0x1F_2000,
        };
        let mut p = vec![0u8; 4096];
        p[0..8].copy_from_slice(&0x68Cu64.to_le_bytes());
        p[8..16].copy_from_slice(&0x3000u64.to_le_bytes());
        p[16..18].copy_from_slice(&380u16.to_le_bytes());
        p[18..20].copy_from_slice(&558u16.to_le_bytes());
        p[4056..4058].copy_from_slice(&1u16.to_le_bytes());
        p[4058..4060].copy_from_slice(&169u16.to_le_bytes());
        p[4060] = 24;
        p[4072] = PTYPE_BBT;
        p[4073] = PTYPE_BBT;
        p[4074..4076].copy_from_slice(&compute_sig(at.ib, at.bid).to_le_bytes());
        let crc = compute_crc(&p[..4072]);
        p[4076..4080].copy_from_slice(&crc.to_le_bytes());
        p[4080..4088].copy_from_slice(&at.bid.to_le_bytes());
        let page = parse_page(&p, Format::Unicode4k, Tree::Block, at).unwrap();
        assert_eq!(page.warning, None);
        let PageEntries::Blocks(v) = page.entries else {
            panic!()
        };
        assert_eq!((v[0].cb, v[0].cb_inflated), (380, 558));

        // A 4 KiB block entry of 20 bytes has no room for cRef (offset 20): refused as a
        // truncated BBTENTRY, and accepted when the page has no entries to read.
        p[4060] = 20;
        let crc = compute_crc(&p[..4072]);
        p[4076..4080].copy_from_slice(&crc.to_le_bytes());
        assert!(matches!(
            parse_page(&p, Format::Unicode4k, Tree::Block, at),
            Err(Error::Parse {
                source: calcheck_format::Error::Truncated {
                    structure: "BBTENTRY",
                    field: "cRef",
                    offset: 20,
                    ..
                },
                ..
            })
        ));
        p[4056..4058].copy_from_slice(&0u16.to_le_bytes());
        let crc = compute_crc(&p[..4072]);
        p[4076..4080].copy_from_slice(&crc.to_le_bytes());
        let page = parse_page(&p, Format::Unicode4k, Tree::Block, at).unwrap();
        assert_eq!(page.entries, PageEntries::Blocks(Vec::new()));
    }
}

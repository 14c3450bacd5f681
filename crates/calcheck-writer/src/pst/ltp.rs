//! The lists, tables and properties layer of a PST ([MS-PST] 2.3): heap-on-node, BTH, property
//! contexts and table contexts, built in memory for one node and written through the NDB layer.
//!
//! Values larger than a heap allocation may be (3580 bytes) go to sub-nodes of the node being
//! built, and a table's row matrix goes to a sub-node once it outgrows one allocation, cut so
//! that no row straddles two blocks ([MS-PST] 2.3.4.4).

use std::collections::BTreeMap;
use std::io::{self, Seek, Write};

use super::ndb::{MAX_BLOCK_DATA, Ndb, SubnodeEntry};

/// `bClientSig` of a property context.
pub const SIG_PC: u8 = 0xBC;
/// `bClientSig` of a table context.
pub const SIG_TC: u8 = 0x7C;
/// `bType` of a BTHHEADER.
const SIG_BTH: u8 = 0xB5;
/// Largest heap allocation ([MS-PST] 2.3.1.1: larger values go to sub-nodes).
pub const MAX_ALLOC: usize = 3580;
/// NID type of a sub-node holding an LTP value or row matrix (`NID_TYPE_LTP`).
const NID_TYPE_LTP: u32 = 0x1F;

/// PidTagLtpRowId: the first column of every table.
pub const TAG_ROW_ID: u32 = 0x67F2_0003;
/// PidTagLtpRowVer: the second column of every table.
pub const TAG_ROW_VER: u32 = 0x67F3_0003;

/// One block of a heap being built: its header size and its allocations.
#[derive(Debug, Default)]
struct HeapBlock {
    header: usize,
    allocs: Vec<Vec<u8>>,
}

impl HeapBlock {
    fn data_len(&self) -> usize {
        self.header + self.allocs.iter().map(Vec::len).sum::<usize>()
    }

    /// Bytes the block takes with `extra` more bytes in one more allocation.
    fn size_with(&self, extra: usize, more: usize) -> usize {
        let data = self.data_len() + extra;
        // HNPAGEMAP: cAlloc, cFree and cAlloc + 1 offsets, 2-byte aligned.
        data.next_multiple_of(2) + 4 + 2 * (self.allocs.len() + more + 1)
    }
}

/// The header size of heap block `i`: HNHDR (12 bytes) for block 0, HNBITMAPHDR (66 bytes) for
/// blocks 8, 136, 264, ... and HNPAGEHDR (2 bytes) for the others ([MS-PST] 2.3.1.2-2.3.1.4).
fn header_size(i: usize) -> usize {
    if i == 0 {
        12
    } else if i >= 8 && (i - 8) % 128 == 0 {
        66
    } else {
        2
    }
}

/// A heap-on-node being built ([MS-PST] 2.3.1).
#[derive(Debug)]
pub struct Heap {
    client_sig: u8,
    blocks: Vec<HeapBlock>,
    user_root: u32,
}

impl Heap {
    /// An empty heap for a client (`SIG_PC`, `SIG_TC`).
    pub fn new(client_sig: u8) -> Self {
        Heap {
            client_sig,
            blocks: vec![HeapBlock {
                header: header_size(0),
                allocs: Vec::new(),
            }],
            user_root: 0,
        }
    }

    /// Allocates `bytes` (at most [`MAX_ALLOC`]) and returns its HID.
    pub fn alloc(&mut self, bytes: &[u8]) -> u32 {
        assert!(
            bytes.len() <= MAX_ALLOC,
            "heap allocation of {} bytes",
            bytes.len()
        );
        let fits = self.blocks.last().is_some_and(|b| {
            b.size_with(bytes.len(), 1) <= MAX_BLOCK_DATA && b.allocs.len() < 2047
        });
        if !fits {
            let i = self.blocks.len();
            self.blocks.push(HeapBlock {
                header: header_size(i),
                allocs: Vec::new(),
            });
        }
        let block = self.blocks.len() - 1;
        let b = &mut self.blocks[block];
        b.allocs.push(bytes.to_vec());
        hid(b.allocs.len(), block)
    }

    /// Replaces the bytes of an allocation with bytes of the same length.
    pub fn patch(&mut self, hid: u32, bytes: &[u8]) {
        let block = (hid >> 16) as usize;
        let index = ((hid >> 5) & 0x7FF) as usize;
        let slot = &mut self.blocks[block].allocs[index - 1];
        assert_eq!(slot.len(), bytes.len(), "a patch must keep the size");
        slot.copy_from_slice(bytes);
    }

    /// Sets `hidUserRoot`.
    pub fn set_user_root(&mut self, hid: u32) {
        self.user_root = hid;
    }

    /// The heap's data blocks, each with its header and HNPAGEMAP.
    pub fn into_blocks(self) -> Vec<Vec<u8>> {
        let sizes: Vec<usize> = self.blocks.iter().map(|b| b.size_with(0, 0)).collect();
        let level = |i: usize| sizes.get(i).map_or(0, |&s| fill_level(MAX_BLOCK_DATA - s));
        let mut out = Vec::with_capacity(self.blocks.len());
        for (i, b) in self.blocks.iter().enumerate() {
            let mut data = vec![0u8; 2];
            if i == 0 {
                data.push(0xEC);
                data.push(self.client_sig);
                data.extend_from_slice(&self.user_root.to_le_bytes());
                data.extend_from_slice(&fill_levels(&level, 0, 8));
            } else if b.header == 66 {
                data.extend_from_slice(&fill_levels(&level, i, 128));
            }
            let mut offsets = vec![data.len() as u16];
            for a in &b.allocs {
                data.extend_from_slice(a);
                offsets.push(data.len() as u16);
            }
            if data.len() % 2 == 1 {
                data.push(0);
            }
            let ib = data.len() as u16;
            data[0..2].copy_from_slice(&ib.to_le_bytes());
            data.extend_from_slice(&(b.allocs.len() as u16).to_le_bytes());
            data.extend_from_slice(&0u16.to_le_bytes());
            for o in offsets {
                data.extend_from_slice(&o.to_le_bytes());
            }
            debug_assert_eq!(data.len(), sizes[i]);
            out.push(data);
        }
        out
    }
}

/// The HID of allocation `index` (1-based) of block `block`.
fn hid(index: usize, block: usize) -> u32 {
    ((block as u32) << 16) | ((index as u32) << 5)
}

/// `rgbFillLevel` entries for blocks `first..first + count`, two 4-bit entries a byte, the lower
/// block in the low nibble.
fn fill_levels(level: &dyn Fn(usize) -> u8, first: usize, count: usize) -> Vec<u8> {
    (0..count / 2)
        .map(|j| level(first + 2 * j) | (level(first + 2 * j + 1) << 4))
        .collect()
}

/// The fill level of a heap block with `free` bytes left ([MS-PST] 2.3.1.5 FILL_LEVEL).
fn fill_level(free: usize) -> u8 {
    const LIMITS: [usize; 15] = [
        3584, 2560, 2048, 1792, 1536, 1280, 1024, 768, 512, 256, 128, 64, 32, 16, 8,
    ];
    LIMITS
        .iter()
        .position(|&l| free >= l)
        .map_or(0x0F, |p| p as u8)
}

/// Builds a BTH over `records` (key and data bytes, sorted by key) and returns the HID of its
/// BTHHEADER ([MS-PST] 2.3.2). `header` is an 8-byte allocation made earlier to hold it.
pub fn bth(heap: &mut Heap, header: u32, key: u8, data: u8, records: &[Vec<u8>]) -> u32 {
    let rec = usize::from(key) + usize::from(data);
    let mut level: Vec<(Vec<u8>, u32)> = Vec::new();
    for chunk in records.chunks(MAX_ALLOC / rec) {
        let bytes: Vec<u8> = chunk.concat();
        level.push((chunk[0][..usize::from(key)].to_vec(), heap.alloc(&bytes)));
    }
    let mut levels = 0u8;
    while level.len() > 1 {
        levels += 1;
        let per = MAX_ALLOC / (usize::from(key) + 4);
        let mut next = Vec::new();
        for group in level.chunks(per) {
            let mut bytes = Vec::new();
            for (k, h) in group {
                bytes.extend_from_slice(k);
                bytes.extend_from_slice(&h.to_le_bytes());
            }
            next.push((group[0].0.clone(), heap.alloc(&bytes)));
        }
        level = next;
    }
    let root = level.first().map_or(0, |l| l.1);
    let mut h = vec![SIG_BTH, key, data, levels];
    h.extend_from_slice(&root.to_le_bytes());
    heap.patch(header, &h);
    header
}

/// Sub-nodes of the node being built: values too large for the heap, row matrices, and
/// whatever the caller adds (recipient and attachment tables, attachments).
#[derive(Debug, Default)]
pub struct Subnodes {
    /// The entries so far.
    pub entries: Vec<SubnodeEntry>,
    next_ltp: u32,
}

impl Subnodes {
    /// An empty set.
    pub fn new() -> Self {
        Subnodes {
            entries: Vec::new(),
            // LTP sub-node ids start above the range Outlook reserves (0x8000 >> 5).
            next_ltp: 0x400,
        }
    }

    /// Writes `data` as a new LTP sub-node and returns its id.
    pub fn add_value<W: Write + Seek>(&mut self, ndb: &mut Ndb<W>, data: &[u8]) -> io::Result<u32> {
        let chunks: Vec<Vec<u8>> = data.chunks(MAX_BLOCK_DATA).map(<[u8]>::to_vec).collect();
        self.add_blocks(ndb, &chunks)
    }

    /// Writes pre-cut blocks as a new LTP sub-node and returns its id.
    pub fn add_blocks<W: Write + Seek>(
        &mut self,
        ndb: &mut Ndb<W>,
        chunks: &[Vec<u8>],
    ) -> io::Result<u32> {
        let nid = (self.next_ltp << 5) | NID_TYPE_LTP;
        self.next_ltp += 1;
        let bid_data = ndb.write_data_blocks(chunks)?;
        self.entries.push(SubnodeEntry {
            nid,
            bid_data,
            bid_sub: 0,
        });
        Ok(nid)
    }
}

/// The heap reference of a variable-size value: HNID 0 for an empty value, a HID when it fits
/// in the heap, else a new sub-node.
fn hnid_of<W: Write + Seek>(
    ndb: &mut Ndb<W>,
    heap: &mut Heap,
    subs: &mut Subnodes,
    bytes: &[u8],
) -> io::Result<u32> {
    if bytes.is_empty() {
        Ok(0)
    } else if bytes.len() <= MAX_ALLOC {
        Ok(heap.alloc(bytes))
    } else {
        subs.add_value(ndb, bytes)
    }
}

/// A property context record to write: id, type, and the value bytes in PST form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PcProp {
    /// `wPropId`.
    pub id: u16,
    /// `wPropType`.
    pub ty: u16,
    /// The value as stored ([MS-PST] 2.3.3.3): for types of 4 bytes or less the (zero-padded)
    /// value itself, else the bytes the HNID points at.
    pub bytes: Vec<u8>,
}

/// True when a PC record holds values of type `ty` in `dwValueHnid` itself.
pub fn pc_inline(ty: u16) -> bool {
    matches!(ty, 0x0001 | 0x0002 | 0x0003 | 0x0004 | 0x000A | 0x000B)
}

/// Writes a property context ([MS-PST] 2.3.3) and returns its data tree id.
pub fn write_pc<W: Write + Seek>(
    ndb: &mut Ndb<W>,
    props: &[PcProp],
    subs: &mut Subnodes,
) -> io::Result<u64> {
    let mut heap = Heap::new(SIG_PC);
    let header = heap.alloc(&[0; 8]);
    let mut sorted: Vec<&PcProp> = props.iter().collect();
    sorted.sort_by_key(|p| p.id);
    let mut records = Vec::with_capacity(sorted.len());
    for p in sorted {
        let value = if pc_inline(p.ty) {
            let mut v = [0u8; 4];
            let n = p.bytes.len().min(4);
            v[..n].copy_from_slice(&p.bytes[..n]);
            u32::from_le_bytes(v)
        } else {
            hnid_of(ndb, &mut heap, subs, &p.bytes)?
        };
        let mut r = Vec::with_capacity(8);
        r.extend_from_slice(&p.id.to_le_bytes());
        r.extend_from_slice(&p.ty.to_le_bytes());
        r.extend_from_slice(&value.to_le_bytes());
        records.push(r);
    }
    bth(&mut heap, header, 2, 6, &records);
    heap.set_user_root(header);
    ndb.write_data_blocks(&heap.into_blocks())
}

/// Size of a table cell of type `ty`: fixed values of 8 bytes or less inline, everything else
/// as a 4-byte HNID ([MS-PST] 2.3.4.2).
pub fn cell_size(ty: u16) -> usize {
    match ty {
        0x000B => 1,
        0x0002 => 2,
        0x0005 | 0x0006 | 0x0007 | 0x0014 | 0x0040 => 8,
        _ => 4,
    }
}

/// One row of a table: its row id and its cells by full tag (value bytes in PST form).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TcRow {
    /// `dwRowID`.
    pub id: u32,
    /// Cell values by tag; a column the row has no value for is marked absent in the bitmap.
    pub cells: BTreeMap<u32, Vec<u8>>,
}

/// Writes a table context ([MS-PST] 2.3.4) with `columns` (besides the row id and version
/// columns) and `rows` (in row order), and returns its data tree id.
pub fn write_tc<W: Write + Seek>(
    ndb: &mut Ndb<W>,
    columns: &[u32],
    rows: &[TcRow],
    subs: &mut Subnodes,
) -> io::Result<u64> {
    let mut tags: Vec<u32> = columns
        .iter()
        .copied()
        .filter(|t| *t != TAG_ROW_ID && *t != TAG_ROW_VER)
        .collect();
    tags.sort_unstable();
    tags.dedup();
    assert!(tags.len() + 2 <= 255, "a table has at most 255 columns");

    // Row layout: row id and version, 8-byte cells, 4-byte cells, 2-byte, 1-byte, bitmap.
    let mut offsets: BTreeMap<u32, (u16, u8)> = BTreeMap::new();
    offsets.insert(TAG_ROW_ID, (0, 4));
    offsets.insert(TAG_ROW_VER, (4, 4));
    let mut at = 8usize;
    for size in [8, 4, 2, 1] {
        for t in &tags {
            if cell_size(*t as u16) == size {
                offsets.insert(*t, (at as u16, size as u8));
                at += size;
            }
        }
    }
    let end_4b = 8 + tags
        .iter()
        .map(|t| cell_size(*t as u16))
        .filter(|s| *s >= 4)
        .sum::<usize>();
    let end_2b = end_4b + 2 * tags.iter().filter(|t| cell_size(**t as u16) == 2).count();
    let end_1b = end_2b + tags.iter().filter(|t| cell_size(**t as u16) == 1).count();
    debug_assert_eq!(end_1b, at);
    let ncols = tags.len() + 2;
    let row_size = end_1b + ncols.div_ceil(8);
    // Bits: row id 0, row version 1, then the other columns in tag order.
    let mut bits: BTreeMap<u32, u8> = BTreeMap::new();
    bits.insert(TAG_ROW_ID, 0);
    bits.insert(TAG_ROW_VER, 1);
    for (i, t) in tags.iter().enumerate() {
        bits.insert(*t, (i + 2) as u8);
    }

    let mut heap = Heap::new(SIG_TC);
    let index_header = heap.alloc(&[0; 8]);
    let info_len = 22 + 8 * ncols;
    let info_hid = heap.alloc(&vec![0u8; info_len]);

    let mut matrix = Vec::with_capacity(rows.len() * row_size);
    for (n, row) in rows.iter().enumerate() {
        let mut r = vec![0u8; row_size];
        r[0..4].copy_from_slice(&row.id.to_le_bytes());
        r[4..8].copy_from_slice(&(n as u32 + 1).to_le_bytes());
        let mut present = vec![TAG_ROW_ID, TAG_ROW_VER];
        for (tag, bytes) in &row.cells {
            let Some(&(off, size)) = offsets.get(tag) else {
                continue;
            };
            let (off, size) = (usize::from(off), usize::from(size));
            if cell_size(*tag as u16) == 4 && !is_fixed4(*tag as u16) {
                let h = hnid_of(ndb, &mut heap, subs, bytes)?;
                r[off..off + 4].copy_from_slice(&h.to_le_bytes());
            } else {
                let n = bytes.len().min(size);
                r[off..off + n].copy_from_slice(&bytes[..n]);
            }
            present.push(*tag);
        }
        for tag in present {
            let bit = usize::from(bits[&tag]);
            r[end_1b + bit / 8] |= 0x80 >> (bit % 8);
        }
        matrix.extend_from_slice(&r);
    }
    let hnid_rows = if matrix.is_empty() {
        0
    } else if matrix.len() <= MAX_ALLOC {
        heap.alloc(&matrix)
    } else {
        let per_block = MAX_BLOCK_DATA / row_size * row_size;
        let chunks: Vec<Vec<u8>> = matrix.chunks(per_block).map(<[u8]>::to_vec).collect();
        subs.add_blocks(ndb, &chunks)?
    };

    let mut index: Vec<Vec<u8>> = rows
        .iter()
        .enumerate()
        .map(|(n, row)| {
            let mut r = row.id.to_le_bytes().to_vec();
            r.extend_from_slice(&(n as u32).to_le_bytes());
            r
        })
        .collect();
    index.sort_by_key(|r| u32::from_le_bytes([r[0], r[1], r[2], r[3]]));
    let hid_row_index = bth(&mut heap, index_header, 4, 4, &index);

    let mut info = vec![SIG_TC, ncols as u8];
    for e in [end_4b, end_2b, end_1b, row_size] {
        info.extend_from_slice(&(e as u16).to_le_bytes());
    }
    info.extend_from_slice(&hid_row_index.to_le_bytes());
    info.extend_from_slice(&hnid_rows.to_le_bytes());
    info.extend_from_slice(&0u32.to_le_bytes()); // hidIndex: deprecated
    for (tag, (off, size)) in &offsets {
        info.extend_from_slice(&tag.to_le_bytes());
        info.extend_from_slice(&off.to_le_bytes());
        info.push(*size);
        info.push(bits[tag]);
    }
    heap.patch(info_hid, &info);
    heap.set_user_root(info_hid);
    ndb.write_data_blocks(&heap.into_blocks())
}

/// True for the 4-byte types a cell holds inline (the other 4-byte cells are HNIDs).
fn is_fixed4(ty: u16) -> bool {
    matches!(ty, 0x0003 | 0x0004 | 0x000A)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_levels_follow_the_spec_table() {
        assert_eq!(fill_level(8000), 0x0);
        assert_eq!(fill_level(3584), 0x0);
        assert_eq!(fill_level(3000), 0x1);
        assert_eq!(fill_level(100), 0xB);
        assert_eq!(fill_level(7), 0xF);
    }

    #[test]
    fn heap_blocks_get_the_right_headers() {
        assert_eq!(header_size(0), 12);
        assert_eq!(header_size(1), 2);
        assert_eq!(header_size(8), 66);
        assert_eq!(header_size(136), 66);
        assert_eq!(header_size(137), 2);
    }
}

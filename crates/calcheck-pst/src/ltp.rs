//! The lists, tables and properties layer ([MS-PST] 2.3): heap-on-node, BTH, property contexts
//! and table contexts.
//!
//! A heap-on-node (HN) turns a node's data blocks into numbered allocations addressed by HIDs. A
//! BTH is a small B-tree whose records live in heap allocations. A property context (PC) is a BTH
//! from property id to (type, value or HNID); a table context (TC) is a column description, a
//! row index (a BTH from row id to row number) and a row matrix whose cells are located by the
//! column descriptions and guarded by a cell existence bitmap.

use std::borrow::Cow;

use calcheck_format::Reader;

use crate::crypt::{self, CryptMethod};
use crate::error::{Error, Result, Warning, Warnings};
use crate::header::Format;
use crate::ndb::{Blocks, give_back, take_reused};

/// `bSig` of an HNHDR.
const HN_SIG: u8 = 0xEC;
/// `bClientSig` of a BTH.
pub const SIG_BTH: u8 = 0xB5;
/// `bClientSig` of a property context.
pub const SIG_PC: u8 = 0xBC;
/// `bClientSig` of a table context.
pub const SIG_TC: u8 = 0x7C;

/// Deepest BTH accepted (`bIdxLevels` is a byte; real heaps have 0 to 2 index levels).
const MAX_BTH_LEVELS: u8 = 8;

/// The page map of one heap block: where `rgibAlloc` starts and `cAlloc`, or why the block
/// cannot be used.
///
/// The offsets are read from the block when an allocation is looked up rather than copied into a
/// list, which saves an allocation per heap block; they were checked to ascend when the block was
/// opened.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PageMap {
    Ok { at: usize, count: u16 },
    Bad(String),
}

/// One block of a heap with its page map.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HeapBlock {
    data: Vec<u8>,
    map: PageMap,
    /// For a block read still encoded: one bit per allocation (bit `i` for allocation `i`,
    /// counted from 1) that is still encoded. Empty when the whole block is decoded.
    pending: Vec<u64>,
}

/// Bytes at the start of a heap block that readers use: the HNHDR of the first block
/// ([MS-PST] 2.3.1.2, 12 bytes), else `ibHnpm` (the first field of HNPAGEHDR and HNBITMAPHDR).
fn header_len(first: bool) -> usize {
    if first { 12 } else { 2 }
}

impl HeapBlock {
    fn new(data: Vec<u8>) -> Self {
        let map = parse_page_map(&data);
        HeapBlock {
            data,
            map,
            pending: Vec::new(),
        }
    }

    /// A block whose bytes are still encoded with `method`: the header and the page map are
    /// decoded now and the allocations only when [`Heap::decode_item`] asks for them. When the
    /// layout is not the usual one (allocations overlapping the header, a page map that cannot
    /// be read) the whole block is decoded, so every reading of it is the usual one.
    fn new_encoded(mut data: Vec<u8>, method: CryptMethod, first: bool) -> Self {
        let hdr = header_len(first).min(data.len());
        if let Some(head) = data.get_mut(..hdr) {
            crypt::decode(method, head, 0);
        }
        let ib = u16_at(&data, 0).map_or(0, usize::from);
        if ib >= hdr && ib <= data.len() {
            if let Some(map) = data.get_mut(ib..) {
                crypt::decode(method, map, 0);
            }
            let map = parse_page_map(&data);
            if let PageMap::Ok { at, count } = map {
                if u16_at(&data, at).is_some_and(|first| usize::from(first) >= hdr) {
                    // Bits 1 to `count` set, a word at a time: the word holding bit `count`
                    // keeps the bits up to it, and bit 0 (there is no allocation 0) is clear.
                    let count = usize::from(count);
                    let mut pending = vec![u64::MAX; count / 64 + 1];
                    if let Some(last) = pending.last_mut() {
                        *last >>= 63 - count % 64;
                    }
                    if let Some(first) = pending.first_mut() {
                        *first &= !1;
                    }
                    return HeapBlock { data, map, pending };
                }
            }
            // Decode what lies between the header and the page map, which is all that is left.
            if let Some(middle) = data.get_mut(hdr..ib) {
                crypt::decode(method, middle, 0);
            }
            return HeapBlock {
                data,
                map,
                pending: Vec::new(),
            };
        }
        if let Some(rest) = data.get_mut(hdr..) {
            crypt::decode(method, rest, 0);
        }
        HeapBlock::new(data)
    }

    /// Decodes allocation `index` if it is still encoded.
    fn decode_allocation(&mut self, index: usize, method: CryptMethod) {
        if !self.is_pending(index) {
            return;
        }
        if let Some(bytes) = self
            .allocation_bounds(index)
            .and_then(|(s, e)| self.data.get_mut(usize::from(s)..usize::from(e)))
        {
            crypt::decode(method, bytes, 0);
        }
        if let Some(w) = self.pending.get_mut(index / 64) {
            *w &= !(1 << (index % 64));
        }
    }

    /// Where allocation `index` (1-based) starts and ends in the block, from the page map:
    /// `rgibAlloc` has `cAlloc + 1` entries and allocation `i` spans entries `i - 1` and `i`,
    /// read as one 4-byte slice. `None` for an index the page map does not have (or a bad map).
    fn allocation_bounds(&self, index: usize) -> Option<(u16, u16)> {
        let PageMap::Ok { at, count } = self.map else {
            return None;
        };
        if index == 0 || index > usize::from(count) {
            return None;
        }
        let entry = at + 2 * (index - 1);
        match self.data.get(entry..entry + 4) {
            Some([s0, s1, e0, e1]) => Some((
                u16::from_le_bytes([*s0, *s1]),
                u16::from_le_bytes([*e0, *e1]),
            )),
            _ => None,
        }
    }

    /// True when allocation `index` of this block is still encoded.
    fn is_pending(&self, index: usize) -> bool {
        !self.pending.is_empty()
            && self
                .pending
                .get(index / 64)
                .is_some_and(|w| w >> (index % 64) & 1 == 1)
    }
}

impl Drop for HeapBlock {
    fn drop(&mut self) {
        // The next node this thread opens reads its blocks into this buffer.
        crate::ndb::recycle_buffer(core::mem::take(&mut self.data));
    }
}

/// Where a heap lives, as warnings and errors name it: kept as ids and a borrowed path and turned
/// into text only when a message needs it, since building the text for every node a message
/// opens was a measurable part of reading one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeapLocation<'a> {
    /// Any text (tests, fuzzing, callers outside the crate).
    Text(Cow<'a, str>),
    /// A node of the node B-tree: `nid 0x...`.
    Nid(u32),
    /// A sub-node of the node at the location: `location/sub 0x...`. Nested sub-nodes (the
    /// attachments of an embedded message) chain their parents' locations, so that no text is
    /// made for a node until a warning or error names it.
    Sub(&'a HeapLocation<'a>, u32),
}

impl HeapLocation<'_> {
    /// The same location, borrowing its text rather than copying it.
    pub fn reborrow(&self) -> HeapLocation<'_> {
        match self {
            HeapLocation::Text(t) => HeapLocation::Text(Cow::Borrowed(t)),
            HeapLocation::Nid(nid) => HeapLocation::Nid(*nid),
            HeapLocation::Sub(parent, nid) => HeapLocation::Sub(parent, *nid),
        }
    }
}

impl core::fmt::Display for HeapLocation<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            HeapLocation::Text(t) => f.write_str(t),
            HeapLocation::Nid(nid) => write!(f, "nid {nid:#x}"),
            HeapLocation::Sub(path, nid) => write!(f, "{path}/sub {nid:#x}"),
        }
    }
}

/// A heap-on-node over the data blocks of one node ([MS-PST] 2.3.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heap<'a> {
    /// The first block (every heap has one), held apart so a heap of one block has no list.
    first: HeapBlock,
    rest: Vec<HeapBlock>,
    /// `bClientSig`: what the heap holds (PC, TC, BTH).
    pub client_sig: u8,
    /// `hidUserRoot`: the client's root allocation (the BTH header of a PC, the TCINFO of a TC).
    pub user_root: u32,
    /// Where the heap lives, for messages: `nid 0x...`.
    pub location: HeapLocation<'a>,
    /// The file layout, which decides how a HID names its block.
    format: Format,
    /// How the allocations still marked pending in the blocks are encoded.
    method: CryptMethod,
}

/// True when an HNID is a HID (its low five bits, the NID type, are zero) rather than a sub-node NID
/// ([MS-PST] 2.3.3.2).
pub fn is_hid(hnid: u32) -> bool {
    hnid.trailing_zeros() >= 5
}

/// The parts of a HID ([MS-PST] 2.3.1.1): type (must be 0), 1-based index, block index.
///
/// In OST 2013 files (4 KiB pages) the three low bits of `hidBlockIndex` are taken by flags and
/// the block index is the 13 bits above them, as the OST 2013 notes in `docs/formats/pst.md`
/// describe; no file of the corpus has a heap of more than one block there, so this layout is
/// not confirmed by real data (both readings agree on every HID the corpus holds).
pub fn split_hid(hid: u32, format: Format) -> (u8, u16, u16) {
    let block = match format {
        Format::Ansi | Format::Unicode => hid >> 16,
        Format::Unicode4k => hid >> 19,
    };
    (
        (hid & 0x1F) as u8,
        ((hid >> 5) & 0x7FF) as u16,
        block as u16,
    )
}

/// The little-endian `u16` at `at` in `b`.
fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    crate::bytes_at(b, at).map(u16::from_le_bytes)
}

impl Heap<'static> {
    /// Opens the heap stored in `blocks` (the node's data, in order).
    ///
    /// The first block must start with a valid HNHDR; page maps of later blocks are checked when
    /// one of their allocations is used, so one bad block does not hide the others.
    pub fn new(
        blocks: Vec<Vec<u8>>,
        format: Format,
        location: impl Into<String>,
    ) -> Result<Heap<'static>> {
        Heap::from_blocks(
            Blocks::from(blocks),
            format,
            HeapLocation::Text(Cow::Owned(location.into())),
        )
    }
}

impl<'a> Heap<'a> {
    /// Like [`Heap::new`], from the blocks [`crate::ndb::Ndb::node_blocks`] returns and with a
    /// location that is only turned into text when something is reported.
    pub fn from_blocks(
        blocks: Blocks,
        format: Format,
        location: HeapLocation<'a>,
    ) -> Result<Heap<'a>> {
        Heap::open(blocks, format, location, None)
    }

    /// Like [`Heap::from_blocks`], from blocks still encoded with `method` (as
    /// [`crate::ndb::Ndb::node_blocks_encoded`] returns them when it leaves them encoded).
    ///
    /// Only the headers and page maps are decoded; every allocation must be decoded with
    /// [`Heap::decode_item`] (or [`Heap::decode_bth`]) before it is read, else [`Heap::item`]
    /// refuses it. A reader of a large table that needs a few of its allocations decodes those
    /// and not the rest.
    pub fn from_encoded_blocks(
        blocks: Blocks,
        format: Format,
        location: HeapLocation<'a>,
        method: CryptMethod,
    ) -> Result<Heap<'a>> {
        Heap::open(blocks, format, location, Some(method))
    }

    fn open(
        blocks: Blocks,
        format: Format,
        location: HeapLocation<'a>,
        encoded: Option<CryptMethod>,
    ) -> Result<Heap<'a>> {
        let Some((first, rest)) = blocks.into_parts() else {
            return Err(Error::corrupt(
                "HNHDR",
                location.to_string(),
                "the node has no data",
            ));
        };
        let open_block = |data: Vec<u8>, is_first: bool| match encoded {
            Some(method) => HeapBlock::new_encoded(data, method, is_first),
            None => HeapBlock::new(data),
        };
        let first = open_block(first, true);
        // The HNHDR fields up to hidUserRoot, from one checked slice; a block too short for them
        // is refused by the field-by-field reader, which names the field that is missing.
        let fields = first
            .data
            .get(..8)
            .and_then(|h| <[u8; 8]>::try_from(h).ok());
        let (sig, client_sig, user_root) =
            if let Some([_, _, sig, client_sig, r0, r1, r2, r3]) = fields {
                (sig, client_sig, u32::from_le_bytes([r0, r1, r2, r3]))
            } else {
                let perr = |e| Error::parse(location.to_string(), e);
                let mut r = Reader::new(&first.data, "HNHDR");
                r.skip(2, "ibHnpm").map_err(perr)?;
                let sig = r.u8("bSig").map_err(perr)?;
                let client_sig = r.u8("bClientSig").map_err(perr)?;
                (sig, client_sig, r.u32("hidUserRoot").map_err(perr)?)
            };
        if sig != HN_SIG {
            return Err(Error::corrupt(
                "HNHDR",
                location.to_string(),
                format!("bSig {sig:#04x} is not {HN_SIG:#04x}; the node is not a heap"),
            ));
        }
        // Nearly every heap is one block; collecting its empty list of further blocks still
        // took about 75 instructions.
        let rest = if rest.is_empty() {
            Vec::new()
        } else {
            rest.into_iter().map(|b| open_block(b, false)).collect()
        };
        Ok(Heap {
            first,
            rest,
            client_sig,
            user_root,
            location,
            format,
            method: encoded.unwrap_or(CryptMethod::None),
        })
    }

    /// Decodes allocation `hid` of a heap opened with [`Heap::from_encoded_blocks`], if it is
    /// still encoded; anything that is not an allocation of the heap is left to [`Heap::item`]
    /// to report.
    pub fn decode_item(&mut self, hid: u32) {
        if hid == 0 || self.method == CryptMethod::None {
            return;
        }
        let (ty, index, block) = split_hid(hid, self.format);
        if ty != 0 {
            return;
        }
        let method = self.method;
        if let Some(b) = self.block_mut(usize::from(block)) {
            b.decode_allocation(usize::from(index), method);
        }
    }

    /// Decodes every allocation still encoded (see [`Heap::decode_item`]).
    pub fn decode_all(&mut self) {
        let method = self.method;
        if method == CryptMethod::None {
            return;
        }
        for b in core::iter::once(&mut self.first).chain(self.rest.iter_mut()) {
            if let PageMap::Ok { count, .. } = b.map {
                for i in 1..=usize::from(count) {
                    b.decode_allocation(i, method);
                }
            }
            b.pending.clear();
        }
    }

    /// Decodes the BTHHEADER at `hid` and every node of the BTH below it, as
    /// [`Bth::for_each_record`] will visit them (see [`Heap::decode_item`]). A BTH that cannot
    /// be walked is left for [`Bth::open`] and [`Bth::for_each_record`] to report.
    pub fn decode_bth(&mut self, hid: u32) {
        self.decode_item(hid);
        let Ok(header) = self.item(hid) else {
            return;
        };
        let (Some(&key_size), Some(&levels), Some(root)) = (
            header.get(1),
            header.get(3),
            header.get(4..).and_then(crate::u32_at),
        ) else {
            return;
        };
        let limit = self.allocation_count() + 1;
        let mut stack = vec![(root, levels)];
        let mut children = Vec::new();
        let mut visited = 0usize;
        while let Some((hid, level)) = stack.pop() {
            visited += 1;
            if visited > limit {
                return;
            }
            self.decode_item(hid);
            if level == 0 {
                continue;
            }
            let size = usize::from(key_size) + 4;
            let Ok(bytes) = self.item(hid) else {
                continue;
            };
            children.clear();
            children.extend(
                bytes
                    .chunks_exact(size)
                    .filter_map(|c| c.get(usize::from(key_size)..).and_then(crate::u32_at)),
            );
            stack.extend(children.iter().rev().map(|&c| (c, level - 1)));
        }
    }

    /// The block with this index.
    fn block(&self, index: usize) -> Option<&HeapBlock> {
        match index.checked_sub(1) {
            None => Some(&self.first),
            Some(i) => self.rest.get(i),
        }
    }

    /// The block with this index, to decode in.
    fn block_mut(&mut self, index: usize) -> Option<&mut HeapBlock> {
        match index.checked_sub(1) {
            None => Some(&mut self.first),
            Some(i) => self.rest.get_mut(i),
        }
    }

    /// Number of blocks.
    pub fn block_count(&self) -> usize {
        1 + self.rest.len()
    }

    /// Total number of allocations (an upper bound on the records a walk can visit).
    pub fn allocation_count(&self) -> usize {
        core::iter::once(&self.first)
            .chain(&self.rest)
            .map(|b| match b.map {
                PageMap::Ok { count, .. } => usize::from(count),
                PageMap::Bad(_) => 0,
            })
            .sum()
    }

    /// The bytes of allocation `hid`. HID 0 is the empty allocation.
    pub fn item(&self, hid: u32) -> Result<&[u8]> {
        if hid == 0 {
            return Ok(&[]);
        }
        match self.decoded_allocation(hid) {
            Some(bytes) => Ok(bytes),
            None => self.item_checked(hid),
        }
    }

    /// The bytes of allocation `hid` when it is a readable, decoded allocation of the heap, else
    /// `None`: the lookup every value read makes, kept free of the error reporting so that it
    /// stays a few instructions (building the errors' context made each lookup several times
    /// dearer). Whatever it refuses, [`Heap::item_checked`] refuses with the reason.
    #[inline]
    pub(crate) fn decoded_allocation(&self, hid: u32) -> Option<&[u8]> {
        let (ty, index, block) = split_hid(hid, self.format);
        if ty != 0 {
            return None;
        }
        let block = self.block(usize::from(block))?;
        let i = usize::from(index);
        let (start, end) = block.allocation_bounds(i)?;
        if block.is_pending(i) {
            return None;
        }
        block.data.get(usize::from(start)..usize::from(end))
    }

    /// [`Heap::item`] with every check made in turn, so a refused HID gets the error naming the
    /// first thing wrong with it.
    #[cold]
    #[inline(never)]
    fn item_checked(&self, hid: u32) -> Result<&[u8]> {
        let (ty, index, block) = split_hid(hid, self.format);
        let loc = || format!("{} hid {hid:#x}", self.location);
        if ty != 0 {
            return Err(Error::corrupt(
                "HID",
                loc(),
                format!("hidType {ty:#x} is not 0 (this is a nid, not a hid)"),
            ));
        }
        let Some(block_ref) = self.block(usize::from(block)) else {
            return Err(Error::corrupt(
                "HID",
                loc(),
                format!(
                    "hidBlockIndex {block} but the heap has {} blocks",
                    self.block_count()
                ),
            ));
        };
        let count = match &block_ref.map {
            PageMap::Ok { count, .. } => *count,
            PageMap::Bad(why) => return Err(Error::corrupt("HNPAGEMAP", loc(), why.clone())),
        };
        let i = usize::from(index);
        let Some((start, end)) = block_ref.allocation_bounds(i) else {
            return Err(Error::corrupt(
                "HID",
                loc(),
                format!("hidIndex {index} but the block has {count} allocations"),
            ));
        };
        let bytes = block_ref
            .data
            .get(usize::from(start)..usize::from(end))
            .ok_or_else(|| {
                Error::corrupt(
                    "HNPAGEMAP",
                    loc(),
                    format!("allocation {start}..{end} lies outside its block"),
                )
            })?;
        if block_ref.is_pending(i) {
            return Err(Error::corrupt(
                "HID",
                loc(),
                "the allocation was read before it was decoded",
            ));
        }
        Ok(bytes)
    }
}

fn parse_page_map(block: &[u8]) -> PageMap {
    // Fields are taken with checked slices, not a reader: no error here carries a reader's
    // offset, and every heap block a message opens comes through this function.
    let Some(ib) = u16_at(block, 0) else {
        return PageMap::Bad("block is too short for ibHnpm".to_owned());
    };
    let Some(map) = block.get(usize::from(ib)..) else {
        return PageMap::Bad(format!(
            "ibHnpm {ib} lies past the end of the {}-byte block",
            block.len()
        ));
    };
    // cAlloc, then cFree (not used).
    let (Some(count), Some(_free)) = (u16_at(map, 0), u16_at(map, 2)) else {
        return PageMap::Bad(format!("HNPAGEMAP at {ib} is truncated"));
    };
    let entries = usize::from(count) + 1;
    let Some(offsets) = map.get(4..4 + entries * 2) else {
        return PageMap::Bad(format!("cAlloc {count} does not fit in the block"));
    };
    // Allocations lie between the header and the page map, in ascending order. (Starting from 0,
    // the first offset always passes; the loop is kept this small because every heap block a
    // message opens goes through it.)
    let mut last = 0u16;
    for pair in offsets.chunks_exact(2) {
        let v = <[u8; 2]>::try_from(pair).map_or(0, u16::from_le_bytes);
        if v < last {
            return PageMap::Bad("rgibAlloc offsets are not ascending within the block".to_owned());
        }
        last = v;
    }
    if last > ib {
        return PageMap::Bad("rgibAlloc offsets are not ascending within the block".to_owned());
    }
    PageMap::Ok {
        at: usize::from(ib) + 4,
        count,
    }
}

/// A BTH ([MS-PST] 2.3.2) read from a heap.
#[derive(Debug, Clone, Copy)]
pub struct Bth<'h> {
    heap: &'h Heap<'h>,
    /// `cbKey`.
    pub key_size: usize,
    /// `cbEnt`.
    pub data_size: usize,
    levels: u8,
    root: u32,
}

impl<'h> Bth<'h> {
    /// Opens the BTH whose BTHHEADER is allocation `hid`.
    pub fn open(heap: &'h Heap<'h>, hid: u32) -> Result<Bth<'h>> {
        let loc = || format!("{} hid {hid:#x}", heap.location);
        let bytes = heap.item(hid)?;
        let perr = |e| Error::parse(loc(), e);
        let mut r = Reader::new(bytes, "BTHHEADER");
        let ty = r.u8("bType").map_err(perr)?;
        let key_size = usize::from(r.u8("cbKey").map_err(perr)?);
        let data_size = usize::from(r.u8("cbEnt").map_err(perr)?);
        let levels = r.u8("bIdxLevels").map_err(perr)?;
        let root = r.u32("hidRoot").map_err(perr)?;
        if ty != SIG_BTH {
            return Err(Error::corrupt(
                "BTHHEADER",
                loc(),
                format!("bType {ty:#04x} is not {SIG_BTH:#04x}"),
            ));
        }
        if !matches!(key_size, 2 | 4 | 8 | 16) || levels > MAX_BTH_LEVELS {
            return Err(Error::corrupt(
                "BTHHEADER",
                loc(),
                format!("cbKey {key_size} / bIdxLevels {levels} are outside what the spec allows"),
            ));
        }
        Ok(Bth {
            heap,
            key_size,
            data_size,
            levels,
            root,
        })
    }

    /// Every leaf record as (key, data), in key order.
    pub fn records(&self) -> Result<Vec<(&'h [u8], &'h [u8])>> {
        let mut out = Vec::with_capacity(self.record_hint());
        self.for_each_record(|k, d| out.push((k, d)))?;
        Ok(out)
    }

    /// The number of records when the root is a leaf (the usual case), else 0: a capacity for
    /// the lists readers fill, bounded by the size of one allocation.
    pub fn record_hint(&self) -> usize {
        let size = self.key_size + self.data_size;
        if self.levels != 0 || self.root == 0 || size == 0 {
            return 0;
        }
        self.heap.item(self.root).map_or(0, |b| b.len() / size)
    }

    /// Calls `f` with every leaf record as (key, data), in key order, without collecting them.
    ///
    /// On an error the records before it have been passed to `f` already; callers drop what
    /// they gathered, as they would drop a partial [`Bth::records`].
    pub fn for_each_record(&self, mut f: impl FnMut(&'h [u8], &'h [u8])) -> Result<()> {
        if self.root == 0 {
            return Ok(());
        }
        let limit = self.heap.allocation_count() + 1;
        let mut visited = 0usize;
        // The root is taken first and the stack only holds index children, so a BTH whose root
        // is a leaf (every small property context) allocates nothing for the walk.
        let mut next = Some((self.root, self.levels));
        let mut stack: Vec<(u32, u8)> = Vec::new();
        while let Some((hid, level)) = next.take().or_else(|| stack.pop()) {
            visited += 1;
            let loc = || format!("{} hid {hid:#x}", self.heap.location);
            if visited > limit {
                return Err(Error::limit(
                    "BTH",
                    loc(),
                    "visited more allocations than the heap has",
                ));
            }
            let bytes = self.heap.item(hid)?;
            if level == 0 {
                let size = self.key_size + self.data_size;
                if size == 0 || bytes.len() % size != 0 {
                    return Err(Error::corrupt(
                        "BTH",
                        loc(),
                        format!(
                            "leaf of {} bytes is not a whole number of {size}-byte records",
                            bytes.len()
                        ),
                    ));
                }
                for c in bytes.chunks_exact(size) {
                    let (k, d) = c.split_at(self.key_size);
                    f(k, d);
                }
            } else {
                let size = self.key_size + 4;
                if bytes.len() % size != 0 {
                    return Err(Error::corrupt(
                        "BTH",
                        loc(),
                        format!(
                            "index of {} bytes is not a whole number of {size}-byte records",
                            bytes.len()
                        ),
                    ));
                }
                // Pushed in reverse so children are visited in key order.
                for c in bytes.chunks_exact(size).rev() {
                    if let Some(child) = c.get(self.key_size..).and_then(crate::u32_at) {
                        stack.push((child, level - 1));
                    }
                }
            }
        }
        Ok(())
    }
}

/// One record of a property context: property id, stored type and `dwValueHnid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PcEntry {
    /// `wPropId`.
    pub id: u16,
    /// `wPropType`.
    pub ty: u16,
    /// `dwValueHnid`: the value itself (types of 4 bytes or less) or an HNID.
    pub value: u32,
}

/// The records of a property context ([MS-PST] 2.3.3).
pub fn pc_entries(heap: &Heap<'_>) -> Result<Vec<PcEntry>> {
    let mut out = Vec::new();
    pc_entries_into(heap, &mut out)?;
    Ok(out)
}

/// [`pc_entries`] into `out`, which is cleared first: a reader that reads many property contexts
/// reuses one list rather than allocating one per context.
pub fn pc_entries_into(heap: &Heap<'_>, out: &mut Vec<PcEntry>) -> Result<()> {
    out.clear();
    if heap.client_sig != SIG_PC {
        return Err(Error::corrupt(
            "HNHDR",
            heap.location.to_string(),
            format!(
                "bClientSig {:#04x} is not a property context ({SIG_PC:#04x})",
                heap.client_sig
            ),
        ));
    }
    if let Some(leaf) = pc_leaf(heap) {
        out.extend(leaf.chunks_exact(8).map(pc_record));
        return Ok(());
    }
    let bth = Bth::open(heap, heap.user_root)?;
    if bth.key_size != 2 || bth.data_size != 6 {
        return Err(Error::corrupt(
            "BTHHEADER",
            heap.location.to_string(),
            format!(
                "a property context needs cbKey 2 and cbEnt 6, not {} and {}",
                bth.key_size, bth.data_size
            ),
        ));
    }
    // A PC whose root is one whole leaf was read by `pc_leaf` above (a leaf it refuses, `item`
    // refuses too); a leaf that is not a whole number of records, and index levels, take the
    // general walk, which reports them.
    // Straight from the records into a list of the right size, rather than through a list of
    // record slices.
    out.reserve(bth.record_hint());
    bth.for_each_record(|k, d| {
        if let ([k0, k1], [t0, t1, v0, v1, v2, v3]) = (k, d) {
            out.push(PcEntry {
                id: u16::from_le_bytes([*k0, *k1]),
                ty: u16::from_le_bytes([*t0, *t1]),
                value: u32::from_le_bytes([*v0, *v1, *v2, *v3]),
            });
        }
    })
}

/// The records of a property context whose BTHHEADER ([MS-PST] 2.3.2.1) is well formed and names
/// a leaf root of whole 8-byte records, both decoded allocations of the heap: every PC of a
/// calendar item. The header's five fields are read straight from its bytes, as [`Bth::open`] and
/// [`pc_entries`] would check them (`bType` 0xB5, `cbKey` 2, `cbEnt` 6, no index levels, a nonzero
/// root); anything else gives `None` and takes the general way, which says what is wrong. Opening
/// the BTH through the checked reader cost about 230 instructions a PC.
fn pc_leaf<'h>(heap: &'h Heap<'h>) -> Option<&'h [u8]> {
    let &[b_type, cb_key, cb_ent, levels, r0, r1, r2, r3] = heap
        .decoded_allocation(heap.user_root)?
        .first_chunk::<8>()?;
    let root = u32::from_le_bytes([r0, r1, r2, r3]);
    if b_type != SIG_BTH || cb_key != 2 || cb_ent != 6 || levels != 0 || root == 0 {
        return None;
    }
    heap.decoded_allocation(root)
        .filter(|leaf| leaf.len() % 8 == 0)
}

/// The PC record in an 8-byte slice of a BTH leaf (`chunks_exact(8)` only gives such slices).
fn pc_record(record: &[u8]) -> PcEntry {
    match record {
        [k0, k1, t0, t1, v0, v1, v2, v3] => PcEntry {
            id: u16::from_le_bytes([*k0, *k1]),
            ty: u16::from_le_bytes([*t0, *t1]),
            value: u32::from_le_bytes([*v0, *v1, *v2, *v3]),
        },
        _ => PcEntry {
            id: 0,
            ty: 0,
            value: 0,
        },
    }
}

/// True when a value of type code `ty` is stored in the 4-byte `dwValueHnid` of a PC record.
///
/// Matched on the codes themselves (PtypUnspecified, PtypNull, PtypInteger16, PtypInteger32,
/// PtypFloating32, PtypErrorCode, PtypBoolean), which is asked for every record of every PC.
pub fn pc_inline(ty: u16) -> bool {
    matches!(ty, 0x0000..=0x0004 | 0x000A | 0x000B)
}

/// True when a table cell of type code `ty` holds the value itself (fixed types of 8 bytes or less).
///
/// Matched on the codes themselves: the types of [`pc_inline`] plus PtypFloating64,
/// PtypCurrency, PtypFloatingTime, PtypInteger64 and PtypTime; multi-valued codes have bit 0x1000
/// set and so never match.
pub fn tc_inline(ty: u16) -> bool {
    matches!(ty, 0x0000..=0x0007 | 0x000A | 0x000B | 0x0014 | 0x0040)
}

/// One column of a table context ([MS-PST] 2.3.4.2 TCOLDESC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ColumnDesc {
    /// `tag`: property id and type.
    pub tag: u32,
    /// `ibData`: offset of the cell in the row.
    pub offset: u16,
    /// `cbData`: size of the cell.
    pub size: u8,
    /// `iBit`: the column's bit in the cell existence bitmap.
    pub bit: u8,
}

/// The header of a table context ([MS-PST] 2.3.4.1 TCINFO).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// `rgTCOLDESC`.
    pub columns: Vec<ColumnDesc>,
    /// `rgib`: ends of the 4/8-byte, 2-byte and 1-byte cell groups, and the row size (`TCI_bm`).
    pub ends: [u16; 4],
    /// `hidRowIndex`: the BTH from row id to row number.
    pub hid_row_index: u32,
    /// `hnidRows`: the row matrix (a HID, or a sub-node NID for large tables).
    pub hnid_rows: u32,
}

impl TableInfo {
    /// Size of one row (`rgib[TCI_bm]`).
    pub fn row_size(&self) -> usize {
        usize::from(self.ends[3])
    }

    /// Offset of the cell existence bitmap in a row (`rgib[TCI_1b]`).
    pub fn ceb_offset(&self) -> usize {
        usize::from(self.ends[2])
    }
}

/// Reads the TCINFO of a table context heap.
pub fn tc_info(heap: &Heap<'_>) -> Result<TableInfo> {
    tc_info_with(heap, Vec::new())
}

/// [`tc_info`] with the column descriptions put in `columns` (cleared first), so that a reader
/// of many tables can reuse one list (see [`give_back_columns`]).
pub(crate) fn tc_info_with(heap: &Heap<'_>, mut columns: Vec<ColumnDesc>) -> Result<TableInfo> {
    let loc = || format!("{} hid {:#x}", heap.location, heap.user_root);
    if heap.client_sig != SIG_TC {
        return Err(Error::corrupt(
            "HNHDR",
            heap.location.to_string(),
            format!(
                "bClientSig {:#04x} is not a table context ({SIG_TC:#04x})",
                heap.client_sig
            ),
        ));
    }
    let bytes = heap.item(heap.user_root)?;
    let perr = |e| Error::parse(loc(), e);
    let mut r = Reader::new(bytes, "TCINFO");
    let ty = r.u8("bType").map_err(perr)?;
    if ty != SIG_TC {
        return Err(Error::corrupt(
            "TCINFO",
            loc(),
            format!("bType {ty:#04x} is not {SIG_TC:#04x}"),
        ));
    }
    let at = r.offset();
    let count = r.u8("cCols").map_err(perr)?;
    let mut ends = [0u16; 4];
    for e in &mut ends {
        *e = r.u16("rgib").map_err(perr)?;
    }
    let hid_row_index = r.u32("hidRowIndex").map_err(perr)?;
    let hnid_rows = r.u32("hnidRows").map_err(perr)?;
    r.skip(4, "hidIndex").map_err(perr)?;
    r.check_count(u64::from(count), 8, "cCols", at)
        .map_err(perr)?;
    // The count was checked against the bytes that remain, so the descriptions are taken as one
    // slice and split into their fields directly rather than read field by field.
    let descs = r
        .bytes(usize::from(count) * 8, "rgTCOLDESC")
        .map_err(perr)?;
    // Mapped from exact 8-byte chunks, so the list is grown once to its size and filled
    // without a capacity test per column.
    columns.clear();
    columns.extend(descs.chunks_exact(8).map(|c| match c {
        [t0, t1, t2, t3, o0, o1, size, bit] => ColumnDesc {
            tag: u32::from_le_bytes([*t0, *t1, *t2, *t3]),
            offset: u16::from_le_bytes([*o0, *o1]),
            size: *size,
            bit: *bit,
        },
        // `chunks_exact(8)` gives only 8-byte chunks.
        _ => ColumnDesc {
            tag: 0,
            offset: 0,
            size: 0,
            bit: 0,
        },
    }));
    if !(ends[0] <= ends[1] && ends[1] <= ends[2] && ends[2] <= ends[3]) {
        return Err(Error::corrupt(
            "TCINFO",
            loc(),
            format!("rgib {ends:?} is not ascending"),
        ));
    }
    // The bitmap must hold one bit per column and end inside the row.
    let ceb_len = usize::from(count).div_ceil(8);
    if usize::from(ends[2]) + ceb_len > usize::from(ends[3]) {
        return Err(Error::corrupt(
            "TCINFO",
            loc(),
            "the cell existence bitmap does not fit in the row",
        ));
    }
    for c in &columns {
        if usize::from(c.offset) + usize::from(c.size) > usize::from(ends[2])
            || usize::from(c.bit) >= ceb_len * 8
        {
            return Err(Error::corrupt(
                "TCOLDESC",
                loc(),
                format!(
                    "column {:#010x} (ibData {}, cbData {}, iBit {}) lies outside the row",
                    c.tag, c.offset, c.size, c.bit
                ),
            ));
        }
    }
    Ok(TableInfo {
        columns,
        ends,
        hid_row_index,
        hnid_rows,
    })
}

/// The content of one cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// The cell existence bitmap marks the cell absent: the row has no such property.
    Absent,
    /// The value itself (fixed types of 8 bytes or less).
    Inline(&'a [u8]),
    /// An HNID of the value (variable-size types and GUIDs).
    Hnid(u32),
}

/// Reads the cell of `col` in `row`, honouring the cell existence bitmap.
pub fn cell<'a>(info: &TableInfo, row: &'a [u8], col: &ColumnDesc) -> Option<Cell<'a>> {
    let ceb = row.get(info.ceb_offset()..)?;
    let byte = ceb.get(usize::from(col.bit / 8))?;
    if byte & (0x80 >> (col.bit % 8)) == 0 {
        return Some(Cell::Absent);
    }
    let bytes =
        row.get(usize::from(col.offset)..usize::from(col.offset) + usize::from(col.size))?;
    if tc_inline(col.tag as u16) {
        Some(Cell::Inline(bytes))
    } else {
        match bytes {
            [a, b, c, d] => Some(Cell::Hnid(u32::from_le_bytes([*a, *b, *c, *d]))),
            _ => None,
        }
    }
}

/// The rows of a table in row-index order, each as (dwRowID, row bytes).
///
/// `matrix` is the row matrix: one heap allocation, or the data blocks of a sub-node (rows do
/// not straddle blocks, so each block holds a whole number of rows).
pub fn table_rows<'m, B: AsRef<[u8]>>(
    heap: &Heap<'_>,
    info: &TableInfo,
    matrix: &'m [B],
    warnings: &mut Warnings,
) -> Result<Vec<(u32, &'m [u8])>> {
    let row_size = info.row_size();
    // A matrix of one block (every heap allocation, and most sub-nodes) is indexed directly;
    // only a matrix of several blocks gets a list of its rows.
    let single = match matrix {
        [one] => Some(one.as_ref()),
        _ => None,
    };
    let mut all: Vec<&'m [u8]> = Vec::new();
    if row_size > 0 && single.is_none() {
        // Sized once from the blocks in memory: grown block by block, a large folder's list of
        // rows was copied each time it doubled.
        all.reserve_exact(
            matrix
                .iter()
                .map(|b| b.as_ref().len() / row_size)
                .sum::<usize>(),
        );
        for block in matrix {
            all.extend(block.as_ref().chunks_exact(row_size));
        }
    }
    let row_count = match single {
        Some(b) if row_size > 0 => b.len() / row_size,
        _ => all.len(),
    };
    let row_at = |row: usize| -> Option<&'m [u8]> {
        match single {
            Some(b) if row < row_count => b.get(row * row_size..(row + 1) * row_size),
            Some(_) => None,
            None => all.get(row).copied(),
        }
    };
    if info.hid_row_index == 0 {
        return Ok(Vec::new());
    }
    let bth = Bth::open(heap, info.hid_row_index)?;
    if bth.key_size != 4 || !(bth.data_size == 4 || bth.data_size == 2) {
        return Err(Error::corrupt(
            "TCROWID",
            heap.location.to_string(),
            format!(
                "row index has cbKey {} cbEnt {}, not 4 and 4 (or 2)",
                bth.key_size, bth.data_size
            ),
        ));
    }
    // The (row, id) pairs go through the thread's reused list: only the rows are kept.
    let mut index = take_reused(&ROW_INDEX);
    index.clear();
    // One record per row as a rule: the matrix in memory says how many rows there are where the
    // BTH's hint (its first leaf) falls short, as it does for a table of several leaves.
    index.reserve(bth.record_hint().max(row_count));
    let walked = bth.for_each_record(|k, d| {
        let id = match k {
            [a, b, c, e] => u32::from_le_bytes([*a, *b, *c, *e]),
            _ => return,
        };
        let row = match d {
            [a, b, c, e] => u32::from_le_bytes([*a, *b, *c, *e]),
            [a, b] => u32::from(u16::from_le_bytes([*a, *b])),
            _ => return,
        };
        index.push((row, id));
    });
    if let Err(e) = walked {
        give_back(&ROW_INDEX, index, ROW_INDEX_KEEP);
        return Err(e);
    }
    // Writers usually keep the row index in row order already.
    if !index.is_sorted() {
        index.sort_unstable();
    }
    let mut out = Vec::with_capacity(index.len());
    for &(row, id) in &index {
        match row_at(row as usize) {
            Some(bytes) => out.push((id, bytes)),
            None => warnings.push(Warning::new(
                "TCROWID",
                heap.location.to_string(),
                format!("row id {id:#x} points at row {row} but the matrix has {row_count} rows"),
            )),
        }
    }
    give_back(&ROW_INDEX, index, ROW_INDEX_KEEP);
    Ok(out)
}

/// Column descriptions kept by a thread above this many are freed after use (a table has a few
/// dozen columns; the count is a 16-bit field).
const TC_COLUMNS_KEEP: usize = 1024;

thread_local! {
    /// The column descriptions of the table a thread read last, given back when it is done
    /// with them: every recipient and attachment table of every message has its own.
    static TC_COLUMNS: std::cell::Cell<Vec<ColumnDesc>> =
        const { std::cell::Cell::new(Vec::new()) };
}

/// [`tc_info`] into the thread's reused column list.
pub(crate) fn tc_info_reusing(heap: &Heap<'_>) -> Result<TableInfo> {
    tc_info_with(heap, take_reused(&TC_COLUMNS))
}

/// Gives the column list of a table read with [`tc_info_reusing`] back to the thread.
pub(crate) fn give_back_columns(info: TableInfo) {
    give_back(&TC_COLUMNS, info.columns, TC_COLUMNS_KEEP);
}

/// Row-index pairs kept by a thread above this many are freed after use (a folder's contents
/// table can have tens of thousands of rows; a message's tables have a few).
const ROW_INDEX_KEEP: usize = 4096;

thread_local! {
    /// The (row, row id) pairs of the table [`table_rows`] is reading: every recipient and
    /// attachment table of every message reads one, and a new list for each was one of the
    /// allocations of reading an item.
    static ROW_INDEX: std::cell::Cell<Vec<(u32, u32)>> =
        const { std::cell::Cell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::{bth_header, heap_block, hid};

    fn heap(blocks: Vec<Vec<u8>>) -> Heap<'static> {
        Heap::new(blocks, Format::Unicode, "nid 0x21").unwrap()
    }

    #[test]
    fn heap_locations_display_as_their_path() {
        // The locations message warnings name, e.g. the attachment table of an embedded message
        // ([MS-PST] 2.4.1: NID_ATTACHMENT_TABLE 0x671, a sub-node of the embedded message).
        let message = HeapLocation::Nid(0x0020_0024);
        assert_eq!(message.to_string(), "nid 0x200024");
        let attachment = HeapLocation::Sub(&message, 0x8025);
        let embedded = HeapLocation::Text(Cow::Owned(format!("{attachment}/sub 0x8045")));
        let table = HeapLocation::Sub(&embedded, 0x671);
        assert_eq!(
            table.to_string(),
            "nid 0x200024/sub 0x8025/sub 0x8045/sub 0x671"
        );
        assert_eq!(table.reborrow(), table);
        assert_eq!(
            HeapLocation::Sub(&attachment, 0x692).reborrow().to_string(),
            "nid 0x200024/sub 0x8025/sub 0x692"
        );
    }

    #[test]
    fn heap_items_by_hid() {
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[b"first", b"", b"third"],
        )]);
        assert_eq!((h.client_sig, h.user_root), (SIG_PC, 0x20));
        assert_eq!(h.item(hid(1, 0)).unwrap(), b"first");
        assert_eq!(h.item(hid(2, 0)).unwrap(), b"");
        assert_eq!(h.item(hid(3, 0)).unwrap(), b"third");
        assert_eq!(h.item(0).unwrap(), b"");
        assert!(matches!(
            h.item(hid(4, 0)),
            Err(Error::Corrupt {
                structure: "HID",
                ..
            })
        ));
        assert!(matches!(
            h.item(hid(1, 1)),
            Err(Error::Corrupt {
                structure: "HID",
                ..
            })
        ));
        // A NID (type bits set) is not a HID.
        assert!(h.item(0x692).is_err());
    }

    #[test]
    fn heap_second_block_and_bad_page_map() {
        let mut second = heap_block(None, &[b"next"]);
        let h = heap(vec![heap_block(Some((SIG_PC, 0)), &[b"a"]), second.clone()]);
        assert_eq!(h.item(hid(1, 1)).unwrap(), b"next");
        // ibHnpm past the end of the block: only allocations of that block fail.
        second[0] = 0xFF;
        second[1] = 0x7F;
        let h = heap(vec![heap_block(Some((SIG_PC, 0)), &[b"a"]), second]);
        assert_eq!(h.item(hid(1, 0)).unwrap(), b"a");
        assert!(matches!(
            h.item(hid(1, 1)),
            Err(Error::Corrupt {
                structure: "HNPAGEMAP",
                ..
            })
        ));
    }

    #[test]
    fn heap_without_signature_is_refused() {
        let mut b = heap_block(Some((SIG_PC, 0)), &[b"a"]);
        b[2] = 0;
        assert!(matches!(
            Heap::new(vec![b], Format::Unicode, "x"),
            Err(Error::Corrupt {
                structure: "HNHDR",
                ..
            })
        ));
        assert!(Heap::new(Vec::new(), Format::Unicode, "x").is_err());
        assert!(Heap::new(vec![vec![0xEC]], Format::Unicode, "x").is_err());
    }

    #[test]
    fn encoded_heap_marks_every_allocation_pending_across_bitmap_words() {
        // 130 allocations span three words of the pending bitmap (bits 1 to 130). Each one is
        // refused until it is decoded and then reads as written; one past the end never exists.
        let allocs: Vec<Vec<u8>> = (0u8..130).map(|i| vec![i, i ^ 0x5A]).collect();
        let refs: Vec<&[u8]> = allocs.iter().map(Vec::as_slice).collect();
        let mut block = heap_block(Some((SIG_PC, hid(1, 0))), &refs);
        crypt::encode(CryptMethod::Permute, &mut block, 0);
        let mut heap = Heap::from_encoded_blocks(
            Blocks::from(vec![block]),
            Format::Unicode,
            HeapLocation::Text(Cow::Borrowed("x")),
            CryptMethod::Permute,
        )
        .unwrap();
        assert_eq!((heap.client_sig, heap.user_root), (SIG_PC, hid(1, 0)));
        assert_eq!(heap.allocation_count(), 130);
        for (i, expected) in (1u32..=130).zip(&allocs) {
            assert!(
                heap.item(hid(i, 0)).is_err(),
                "allocation {i} read while encoded"
            );
            heap.decode_item(hid(i, 0));
            assert_eq!(
                heap.item(hid(i, 0)).unwrap(),
                expected.as_slice(),
                "allocation {i}"
            );
        }
        heap.decode_item(hid(131, 0));
        assert!(heap.item(hid(131, 0)).is_err());
    }

    #[test]
    fn hid_block_index_of_ost_2013() {
        assert_eq!(split_hid(0x0001_0040, Format::Unicode), (0, 2, 1));
        assert_eq!(split_hid(0x0008_0040, Format::Unicode4k), (0, 2, 1));
        assert_eq!(split_hid(0x0001_0040, Format::Unicode4k), (0, 2, 0));
    }

    /// A property context with PR_MESSAGE_CLASS (heap) and PR_IMPORTANCE (inline) records.
    fn pc_heap() -> Heap<'static> {
        #[rustfmt::skip]
        let records = [
            0x17, 0x00,  0x03, 0x00,  2, 0, 0, 0,                 // 0x0017 PtypInteger32 = 2
            0x1A, 0x00,  0x1F, 0x00,  0x40, 0, 0, 0,              // 0x001A PtypString at hid 0x40
        ];
        let class = [b'I', 0, b'P', 0, b'M', 0];
        heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(2, 6, 0, hid(3, 0)), &class, &records],
        )])
    }

    #[test]
    fn pc_records() {
        let h = pc_heap();
        let entries = pc_entries(&h).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0],
            PcEntry {
                id: 0x17,
                ty: 0x3,
                value: 2
            }
        );
        assert_eq!(
            entries[1],
            PcEntry {
                id: 0x1A,
                ty: 0x1F,
                value: 0x40
            }
        );
        assert!(pc_inline(0x0003) && !pc_inline(0x001F) && !pc_inline(0x0040));
        assert_eq!(
            h.item(entries[1].value).unwrap(),
            &[b'I', 0, b'P', 0, b'M', 0]
        );
        // A reused list is cleared first: it holds this PC's records only.
        let mut reused = vec![PcEntry {
            id: 0x3001,
            ty: 0x1F,
            value: 0x60,
        }];
        pc_entries_into(&h, &mut reused).unwrap();
        assert_eq!(reused, entries);
        // A list given back past its bound is dropped; one within it is handed out again, and
        // a list without room does not push it out.
        drop(take_reused(&ROW_INDEX));
        give_back(&ROW_INDEX, vec![(1, 2); ROW_INDEX_KEEP + 1], ROW_INDEX_KEEP);
        assert_eq!(take_reused(&ROW_INDEX).capacity(), 0);
        give_back(&ROW_INDEX, vec![(1, 2)], ROW_INDEX_KEEP);
        give_back(&ROW_INDEX, Vec::new(), ROW_INDEX_KEEP);
        assert_eq!(take_reused(&ROW_INDEX), [(1, 2)]);
    }

    #[test]
    fn inline_types_are_the_fixed_types_of_four_and_eight_bytes() {
        use calcheck_format::props::PropType;
        // [MS-PST] 2.3.3.3: a PC record holds values of 4 bytes or less itself; 2.3.4.4.1: a
        // TC cell holds fixed-size values of 8 bytes or less itself, never multi-valued ones.
        for ty in 0..=u16::MAX {
            // Multi-valued types have no fixed size.
            let fixed = PropType::from_code(ty).and_then(PropType::fixed_size);
            assert_eq!(pc_inline(ty), fixed.is_some_and(|n| n <= 4), "{ty:#06x}");
            assert_eq!(tc_inline(ty), fixed.is_some_and(|n| n <= 8), "{ty:#06x}");
        }
    }

    #[test]
    fn pc_of_wrong_shape_is_refused() {
        let h = heap(vec![heap_block(
            Some((SIG_TC, hid(1, 0))),
            &[&bth_header(2, 6, 0, 0)],
        )]);
        assert!(pc_entries(&h).is_err());
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(4, 4, 0, 0)],
        )]);
        assert!(pc_entries(&h).is_err());
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&[0xB0, 2, 6, 0, 0, 0, 0, 0]],
        )]);
        assert!(pc_entries(&h).is_err());
    }

    #[test]
    fn pc_leaf_shortcut_leaves_odd_shapes_to_the_general_walk() {
        // [MS-PST] 2.3.2.1: hidRoot 0 is a BTH without records.
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(2, 6, 0, 0)],
        )]);
        assert_eq!(pc_entries(&h).unwrap(), Vec::new());
        // A leaf of 12 bytes is one and a half 8-byte records: refused, not cut short.
        let leaf = [0x17, 0x00, 0x03, 0x00, 9, 0, 0, 0, 0x18, 0x00, 0x03, 0x00];
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(2, 6, 0, hid(2, 0)), &leaf],
        )]);
        assert!(pc_entries(&h).is_err());
        // A leaf root naming an allocation the heap does not have is refused too.
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(2, 6, 0, hid(5, 0))],
        )]);
        assert!(pc_entries(&h).is_err());
    }

    #[test]
    fn bth_index_level_and_self_reference() {
        // One index level whose record points at the leaf.
        #[rustfmt::skip]
        let index = [0x17, 0x00, 0x60, 0, 0, 0]; // key 0x0017 -> hid 0x60 (third allocation)
        let leaf = [0x17, 0x00, 0x03, 0x00, 9, 0, 0, 0];
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(2, 6, 1, hid(2, 0)), &index, &leaf],
        )]);
        assert_eq!(
            pc_entries(&h).unwrap(),
            vec![PcEntry {
                id: 0x17,
                ty: 3,
                value: 9
            }]
        );

        // Eight index levels whose records all point back at their own allocation: each level
        // multiplies the visits by four, and the walk stops at the heap's allocation count.
        let self_ref: Vec<u8> = [0x17, 0x00, 0x40, 0, 0, 0].repeat(4);
        let h = heap(vec![heap_block(
            Some((SIG_PC, hid(1, 0))),
            &[&bth_header(2, 6, 8, hid(2, 0)), &self_ref],
        )]);
        assert!(matches!(pc_entries(&h), Err(Error::Limit { .. })));
    }

    /// A table context of two columns (PR_DISPLAY_NAME, PR_RECIPIENT_TYPE) and two rows; the
    /// second row's PR_DISPLAY_NAME cell is marked absent in the cell existence bitmap.
    fn tc_heap() -> Heap<'static> {
        // Row layout: 0 dwRowID, 4 PR_RECIPIENT_TYPE, 8 PR_DISPLAY_NAME (HNID), 12 bitmap; 13 bytes.
        #[rustfmt::skip]
        let mut tcinfo = vec![
            0x7C, 3,                          // bType, cCols
            12, 0, 12, 0, 12, 0, 13, 0,       // rgib: 4b end, 2b end, 1b end, row size
            0x40, 0, 0, 0,                    // hidRowIndex = hid 2
            0x80, 0, 0, 0,                    // hnidRows = hid 4
            0, 0, 0, 0,                       // hidIndex
        ];
        #[rustfmt::skip]
        let cols: [(u32, u16, u8, u8); 3] = [
            (0x67F2_0003, 0, 4, 0),
            (0x0C15_0003, 4, 4, 1),
            (0x3001_001F, 8, 4, 2),
        ];
        for (tag, off, size, bit) in cols {
            tcinfo.extend_from_slice(&tag.to_le_bytes());
            tcinfo.extend_from_slice(&off.to_le_bytes());
            tcinfo.push(size);
            tcinfo.push(bit);
        }
        #[rustfmt::skip]
        let row_index = [
            0x10, 0, 0, 0,  1, 0, 0, 0,       // row id 0x10 is row 1
            0x0F, 0, 0, 0,  0, 0, 0, 0,       // row id 0x0F is row 0
        ];
        #[rustfmt::skip]
        let rows = [
            0x0F, 0, 0, 0,  1, 0, 0, 0,  0xA0, 0, 0, 0,  0b1110_0000,  // name at hid 5
            0x10, 0, 0, 0,  2, 0, 0, 0,  0xFF, 0, 0, 0,  0b1100_0000,  // name absent
        ];
        let name = [b'A', 0, b'n', 0, b'n', 0];
        heap(vec![heap_block(
            Some((SIG_TC, hid(1, 0))),
            &[
                &tcinfo,
                &bth_header(4, 4, 0, hid(3, 0)),
                &row_index,
                &rows,
                &name,
            ],
        )])
    }

    #[test]
    fn tc_rows_cells_and_existence_bitmap() {
        let h = tc_heap();
        let info = tc_info(&h).unwrap();
        assert_eq!(info.columns.len(), 3);
        assert_eq!(info.row_size(), 13);
        let matrix = vec![h.item(info.hnid_rows).unwrap().to_vec()];
        let mut w = Vec::new();
        let rows = table_rows(&h, &info, &matrix, &mut w).unwrap();
        assert!(w.is_empty());
        assert_eq!(
            rows.iter().map(|r| r.0).collect::<Vec<_>>(),
            vec![0x0F, 0x10]
        );
        let name = info.columns[2];
        assert_eq!(cell(&info, rows[0].1, &name), Some(Cell::Hnid(0xA0)));
        assert_eq!(h.item(0xA0).unwrap(), &[b'A', 0, b'n', 0, b'n', 0]);
        // The bytes say 0xFF but the bitmap says the cell does not exist.
        assert_eq!(cell(&info, rows[1].1, &name), Some(Cell::Absent));
        assert_eq!(
            cell(&info, rows[1].1, &info.columns[1]),
            Some(Cell::Inline(&[2, 0, 0, 0]))
        );
    }

    #[test]
    fn tc_row_index_beyond_matrix_is_a_warning() {
        let h = tc_heap();
        let info = tc_info(&h).unwrap();
        let matrix = vec![h.item(info.hnid_rows).unwrap()[..13].to_vec()];
        let mut w = Vec::new();
        let rows = table_rows(&h, &info, &matrix, &mut w).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn tc_column_outside_row_is_refused() {
        let h = tc_heap();
        let mut bytes = h.item(h.user_root).unwrap().to_vec();
        bytes[22 + 2 * 8 + 4] = 40; // ibData of the third column
        let bad = heap(vec![heap_block(Some((SIG_TC, hid(1, 0))), &[&bytes])]);
        assert!(matches!(
            tc_info(&bad),
            Err(Error::Corrupt {
                structure: "TCOLDESC",
                ..
            })
        ));
        let mut bytes = h.item(h.user_root).unwrap().to_vec();
        bytes[1] = 200; // cCols beyond the TCINFO allocation
        let bad = heap(vec![heap_block(Some((SIG_TC, hid(1, 0))), &[&bytes])]);
        assert!(matches!(tc_info(&bad), Err(Error::Parse { .. })));
    }
}

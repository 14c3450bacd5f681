//! The node database layer ([MS-PST] 2.2): B-tree lookups, blocks, data trees and sub-node trees.
//!
//! Every walk here is iterative and bounded: a B-tree descent must lose one level per page (so a
//! page that points at itself or at a sibling is an error, not a loop), data trees have at most
//! two internal levels, sub-node trees lose one level per block, and every walk counts the blocks
//! it visits. Offsets and sizes are checked against the file size before anything is read.

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::LocalKey;

use calcheck_format::Reader;

use crate::crc::{compute_crc, compute_sig};
use crate::crypt;
use crate::error::{Error, Result, Warning, Warnings};
use crate::header::{Bref, Format, Header};
use crate::io::ReadAt;
use crate::page::{
    BbtEntry, BtPage, NbtEntry, PageEntries, Tree, id_at, page_location, parse_page, read_id,
    u16_at, u32_at,
};

/// Deepest B-tree accepted. Real files have 2 to 5 levels; `cLevel` must fall by one per page.
const MAX_BTREE_DEPTH: u8 = 16;
/// Most data blocks one node's data tree may list.
const MAX_NODE_BLOCKS: usize = 1 << 16;
/// Most sub-node blocks one sub-node tree may have.
const MAX_SUBNODE_BLOCKS: usize = 1 << 16;
/// Largest node data assembled in memory (a message's property heap is far smaller).
pub const MAX_NODE_DATA: u64 = 64 << 20;

/// Page-cache shards; each has its own lock, so threads rarely wait on each other.
const CACHE_SHARDS: usize = 16;
/// Pages kept per shard.
const CACHE_PER_SHARD: usize = 64;

/// Node type of a NID: its low 5 bits ([MS-PST] 2.2.2.1).
pub fn nid_type(nid: u32) -> u8 {
    (nid & 0x1F) as u8
}

/// True when a BID names an internal block (XBLOCK, XXBLOCK, SLBLOCK, SIBLOCK): bit 1 ([MS-PST] 2.2.2.2).
pub fn bid_is_internal(bid: u64) -> bool {
    bid & 0x2 != 0
}

/// The BID with the reserved bit 0 cleared, as the BBT is keyed.
fn bid_key(bid: u64) -> u64 {
    bid & !1
}

type Shard = Mutex<Vec<(u64, Arc<BtPage>)>>;

/// The kinds of reads that keep read windows of their own (see [`ReadWindows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    /// Data blocks: the blocks of the messages being read, close to each other.
    Blocks,
    /// B-tree pages, which lie in other parts of the file than the blocks they list.
    Pages,
}

impl Stream {
    /// Size of one read window of this stream: an aligned span of the file a thread keeps after
    /// reading it.
    const fn window_size(self) -> u64 {
        match self {
            Stream::Blocks => 32 * 1024,
            Stream::Pages => 8 * 1024,
        }
    }

    /// Read windows of this stream kept per thread.
    const fn windows(self) -> usize {
        match self {
            Stream::Blocks => 4,
            Stream::Pages => 8,
        }
    }

    /// Index of the stream in [`ReadWindows::pools`].
    const fn index(self) -> usize {
        match self {
            Stream::Blocks => 0,
            Stream::Pages => 1,
        }
    }
}

/// Numbers each [`Ndb`], so a thread's read windows are never served to another file.
static NEXT_NDB_ID: AtomicU64 = AtomicU64::new(1);

/// The spans of one file a thread read last. The blocks of one message usually lie within a few
/// kilobytes of each other but are read one by one, smallest 64 bytes, so reading them through
/// aligned 32 KiB windows turns most of the small reads into copies from memory instead of
/// system calls (on the generated 2 GB mailbox 94 % of them). Each thread has its own windows,
/// so threads never wait on each other, and memory stays at 192 KiB per thread.
///
/// The B-tree pages a message's lookups need lie elsewhere (in the generated mailbox, at the end
/// of the file), so blocks and pages have windows of their own: when they shared four windows,
/// the pages pushed out the blocks' windows, which were then read again for the message's next
/// block (the one-thread pass over the generated mailbox read 72 MB for 49 MB of blocks and
/// pages; with a pool of each, 52 MB). A page's window is smaller because the pages one pass
/// needs are spread over more places than the blocks.
///
/// In a fragmented file a window may serve nothing but the read that filled it, and then copying
/// 32 KiB to serve a 1 KiB read costs more than the system call it saves. So the windows count
/// their hits: when fewer than half of the last [`WINDOW_TRIAL`] reads were served from memory,
/// the thread reads directly for the next [`WINDOW_PAUSE`] reads and then tries again.
struct ReadWindows {
    owner: u64,
    pools: [WindowPool; 2],
}

/// The read windows of one [`Stream`], most recently used first, and their hit counts.
struct WindowPool {
    spans: Vec<(u64, Vec<u8>)>,
    reads: u32,
    hits: u32,
    paused: u32,
}

impl WindowPool {
    /// No window yet.
    const fn new() -> Self {
        WindowPool {
            spans: Vec::new(),
            reads: 0,
            hits: 0,
            paused: 0,
        }
    }
}

/// Reads over which the windows' hit rate is judged.
const WINDOW_TRIAL: u32 = 64;
/// Direct reads made before trying the windows again after a poor trial.
const WINDOW_PAUSE: u32 = 512;

/// Leaf pages kept per thread and tree.
const LEAVES_PER_THREAD: usize = 8;

/// The B-tree leaf pages a thread used last, per tree (node B-tree first), each with its first and
/// last key, most recently used first.
///
/// The NIDs and BIDs of one message are close to each other, so their lookups land on the same few
/// leaves; finding a key in a remembered leaf skips the descent from the root (a lock, a cache
/// scan and a reference count per level). In a well-formed tree a key between a leaf's first and
/// last keys can only be in that leaf, so the answer is the descent's. Only leaves reached without
/// any page warning are remembered, so the warnings an item collects do not depend on which leaves
/// a thread happened to have, and a key that is not found is always looked up from the root.
///
/// The pages of the thread's last descent from the root are kept too, per tree and level: the
/// upper levels of a tree are the same few pages for every descent, and taking them from here
/// skips the shared page cache's lock and scan.
struct LeafCache {
    owner: u64,
    leaves: [Vec<(u64, u64, Arc<BtPage>)>; 2],
    paths: [Vec<(u64, Arc<BtPage>)>; 2],
}

thread_local! {
    static LEAF_CACHE: RefCell<LeafCache> = const {
        RefCell::new(LeafCache {
            owner: 0,
            leaves: [Vec::new(), Vec::new()],
            paths: [Vec::new(), Vec::new()],
        })
    };
}

impl LeafCache {
    /// Forgets everything when the cache holds another file's pages, and takes it for `owner`.
    fn claim(&mut self, owner: u64) {
        if self.owner != owner {
            self.owner = owner;
            for l in &mut self.leaves {
                l.clear();
            }
            for p in &mut self.paths {
                p.clear();
            }
        }
    }
}

/// Index of a tree in the per-thread caches.
fn tree_index(tree: Tree) -> usize {
    usize::from(tree == Tree::Block)
}

impl ReadWindows {
    /// No window yet, for the file numbered `owner`.
    const fn new(owner: u64) -> Self {
        ReadWindows {
            owner,
            pools: [WindowPool::new(), WindowPool::new()],
        }
    }
}

thread_local! {
    static READ_WINDOWS: RefCell<ReadWindows> = const { RefCell::new(ReadWindows::new(0)) };
}

/// Largest buffer a thread keeps for reads its windows cannot serve: a whole block of any format
/// fits (at most 64 KiB of data and its trailer, and pages are smaller).
const DIRECT_READ_KEEP: usize = 80 * 1024;

thread_local! {
    /// The buffer for reads the windows cannot serve (a range longer than the windows, or any
    /// read while they are paused), and for a range put together from two windows: reused,
    /// because a new zero-filled buffer for each such read cost more than the checks of the
    /// block read into it.
    static DIRECT_READS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Calls `f` with the thread's buffer for reads the windows cannot serve ([`DIRECT_READS`]), or
/// with a new one if it is in use (it never is: nothing done with the bytes reads the file), and
/// frees the buffer's room afterwards when a long read grew it past [`DIRECT_READ_KEEP`].
fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    DIRECT_READS.with(|cell| {
        let mut held = cell.try_borrow_mut().ok();
        let mut fresh = Vec::new();
        let r = f(held.as_deref_mut().unwrap_or(&mut fresh));
        if let Some(held) = held.as_deref_mut()
            && held.capacity() > DIRECT_READ_KEEP
        {
            *held = Vec::new();
        }
        r
    })
}

/// The thread's reused list `list`, taken out of its slot (a new list when it is already taken,
/// which nothing does): cleared by whoever fills it, and given back with [`give_back`]. Working
/// on a list of its own, the caller keeps its length and capacity in registers, which it could
/// not through a borrow of the slot.
pub(crate) fn take_reused<T: 'static>(list: &'static LocalKey<Cell<Vec<T>>>) -> Vec<T> {
    // A thread whose slots are being torn down gets a new list; it never panics.
    list.try_with(Cell::take).unwrap_or_default()
}

/// Puts a list taken with [`take_reused`] back for the thread's next use, unless it grew past
/// `keep` elements (one damaged or huge structure does not hold memory for the thread's life) or
/// has no room at all (it would only push out a list that has some).
pub(crate) fn give_back<T: 'static>(
    list: &'static LocalKey<Cell<Vec<T>>>,
    held: Vec<T>,
    keep: usize,
) {
    if held.capacity() != 0 && held.capacity() <= keep {
        // A thread whose slots are being torn down frees the list instead.
        let _ = list.try_with(|slot| slot.set(held));
    }
}

/// Blocks larger than this are read into recycled buffers; smaller ones are cheap to allocate.
const POOLED_BLOCK_MIN: usize = 1024;
/// Capacity of a new recycled buffer: a whole Unicode block, so any later block fits.
const POOLED_BUFFER_SIZE: usize = 8192;
/// Largest buffer kept for reuse (an inflated OST 2013 block is at most 64 KiB).
const POOLED_BUFFER_MAX: usize = 64 * 1024;
/// Buffers kept per thread.
const POOLED_BUFFERS: usize = 16;

thread_local! {
    /// Block buffers this thread has finished with. Allocating and freeing a few kilobytes per
    /// block went through the general allocator's slow paths and cost about as much as decoding
    /// the block; a message's heap blocks give their buffers back here when the heap is dropped.
    static BLOCK_BUFFERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// A recycled buffer with room for `len` bytes when the thread has one and the block is large;
/// its old bytes are still in it.
fn pooled_buffer(len: usize) -> Option<Vec<u8>> {
    if len <= POOLED_BLOCK_MIN {
        return None;
    }
    let reused = BLOCK_BUFFERS.with(|cell| cell.try_borrow_mut().ok().and_then(|mut v| v.pop()));
    reused.filter(|b| b.capacity() >= len)
}

/// An empty buffer with room for `len` bytes: a recycled one for large blocks when the thread
/// has one, else a new one.
pub(crate) fn block_buffer(len: usize) -> Vec<u8> {
    let mut b = pooled_buffer(len).unwrap_or_else(|| new_block_buffer(len));
    b.clear();
    b
}

/// A new buffer for a block of `len` bytes: large ones get room for any later block, so that
/// they can be recycled.
fn new_block_buffer(len: usize) -> Vec<u8> {
    if len <= POOLED_BLOCK_MIN {
        Vec::with_capacity(len)
    } else {
        Vec::with_capacity(len.max(POOLED_BUFFER_SIZE))
    }
}

/// A buffer of exactly `len` bytes, for a block that is about to be written over every byte of
/// it: a recycled one keeps whatever its last block left in it, so only bytes beyond that
/// block's length are zero-filled (filling every buffer with zeros only to overwrite them was a
/// measurable part of reading a block).
fn block_buffer_sized(len: usize) -> Vec<u8> {
    let mut b = pooled_buffer(len).unwrap_or_else(|| new_block_buffer(len));
    b.truncate(len);
    b.resize(len, 0);
    b
}

/// Gives a buffer back for [`block_buffer`] to hand out again (small and very large buffers are
/// simply freed, and so is any buffer beyond the thread's quota).
pub(crate) fn recycle_buffer(buf: Vec<u8>) {
    if !(POOLED_BUFFER_SIZE..=POOLED_BUFFER_MAX).contains(&buf.capacity()) {
        return;
    }
    BLOCK_BUFFERS.with(|cell| {
        if let Ok(mut v) = cell.try_borrow_mut() {
            if v.len() < POOLED_BUFFERS {
                v.push(buf);
            }
        }
    });
}

/// The node database of one file: the input, its header, and a small cache of B-tree pages.
pub struct Ndb {
    id: u64,
    src: Box<dyn ReadAt>,
    header: Header,
    len: u64,
    cache: Vec<Shard>,
}

impl core::fmt::Debug for Ndb {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Ndb")
            .field("header", &self.header)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

/// A node as the NBT or a sub-node tree lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeEntry {
    /// The node id.
    pub nid: u32,
    /// The data block or data tree root.
    pub bid_data: u64,
    /// The sub-node tree root, 0 when there is none.
    pub bid_sub: u64,
}

/// The sub-nodes of one node, sorted by NID ([MS-PST] 2.2.2.8.3.3 SLENTRY).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubnodeMap {
    entries: Vec<NodeEntry>,
}

impl Drop for SubnodeMap {
    fn drop(&mut self) {
        // The next node this thread opens lists its sub-nodes in this list.
        give_back(
            &SUBNODE_ENTRIES,
            core::mem::take(&mut self.entries),
            SUBNODE_ENTRIES_KEEP,
        );
    }
}

/// Sub-node entries kept by a thread above this many are freed with their map (a message has a
/// few dozen sub-nodes).
const SUBNODE_ENTRIES_KEEP: usize = 4096;

thread_local! {
    /// The entry list of the last sub-node map this thread dropped ([`take_reused`]): every
    /// message and attachment with sub-nodes lists them, and a new list for each was one of the
    /// allocations of reading an item.
    static SUBNODE_ENTRIES: Cell<Vec<NodeEntry>> = const { Cell::new(Vec::new()) };
}

impl SubnodeMap {
    /// The sub-node with this NID.
    pub fn get(&self, nid: u32) -> Option<NodeEntry> {
        self.entries
            .binary_search_by_key(&nid, |e| e.nid)
            .ok()
            .and_then(|i| self.entries.get(i).copied())
    }

    /// All sub-nodes.
    pub fn iter(&self) -> impl Iterator<Item = &NodeEntry> {
        self.entries.iter()
    }

    /// Number of sub-nodes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The data blocks of one node, in order.
///
/// Nearly every node is a single block, so the first block is held on its own and a list is
/// only allocated for the blocks after it: reading a message opens several nodes, and a list per
/// node was a measurable share of the allocations of reading one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blocks {
    first: Option<Vec<u8>>,
    rest: Vec<Vec<u8>>,
}

impl Blocks {
    /// Adds the next block.
    fn push(&mut self, block: Vec<u8>) {
        if self.first.is_none() {
            self.first = Some(block);
        } else {
            self.rest.push(block);
        }
    }

    /// Number of blocks.
    pub fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    /// True when the node has no data.
    pub fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    /// The blocks, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.first.iter().chain(self.rest.iter()).map(Vec::as_slice)
    }

    /// The first block and the blocks after it, or `None` when the node has no data.
    pub fn into_parts(self) -> Option<(Vec<u8>, Vec<Vec<u8>>)> {
        self.first.map(|first| (first, self.rest))
    }

    /// The blocks as a list.
    pub fn into_vec(self) -> Vec<Vec<u8>> {
        match self.first {
            None => Vec::new(),
            Some(first) => {
                let mut v = Vec::with_capacity(1 + self.rest.len());
                v.push(first);
                v.extend(self.rest);
                v
            }
        }
    }

    /// The node's data as one byte string; a single block is handed over without a copy.
    pub fn into_bytes(self) -> Vec<u8> {
        match self.first {
            None => Vec::new(),
            Some(first) if self.rest.is_empty() => first,
            Some(first) => {
                let size = first.len() + self.rest.iter().map(Vec::len).sum::<usize>();
                let mut v = Vec::with_capacity(size);
                v.extend_from_slice(&first);
                for b in &self.rest {
                    v.extend_from_slice(b);
                }
                v
            }
        }
    }
}

impl From<Vec<Vec<u8>>> for Blocks {
    fn from(blocks: Vec<Vec<u8>>) -> Self {
        let mut it = blocks.into_iter();
        Blocks {
            first: it.next(),
            rest: it.collect(),
        }
    }
}

/// One decoded internal block of a data tree ([MS-PST] 2.2.2.8.3.1-2 XBLOCK/XXBLOCK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XBlock {
    /// 1 for an XBLOCK (children are data blocks), 2 for an XXBLOCK (children are XBLOCKs).
    pub level: u8,
    /// `lcbTotal`: the total data size the tree describes.
    pub total: u32,
    /// `rgbid`.
    pub bids: Vec<u64>,
}

/// Decodes an XBLOCK or XXBLOCK.
pub fn parse_xblock(bytes: &[u8], format: Format, location: &str) -> Result<XBlock> {
    let perr = |e| Error::parse(location.to_owned(), e);
    let mut r = Reader::new(bytes, "XBLOCK");
    let btype = r.u8("btype").map_err(perr)?;
    let level = r.u8("cLevel").map_err(perr)?;
    if btype != 0x01 || !(level == 1 || level == 2) {
        return Err(Error::corrupt(
            "XBLOCK",
            location,
            format!("btype {btype:#04x} cLevel {level} is neither an XBLOCK nor an XXBLOCK"),
        ));
    }
    let at = r.offset();
    let count = r.u16("cEnt").map_err(perr)?;
    let total = r.u32("lcbTotal").map_err(perr)?;
    let id = format.id_size();
    r.check_count(u64::from(count), id, "cEnt", at)
        .map_err(perr)?;
    let mut bids = Vec::with_capacity(usize::from(count));
    for _ in 0..count {
        bids.push(read_id(&mut r, format, "rgbid").map_err(perr)?);
    }
    Ok(XBlock { level, total, bids })
}

/// One decoded sub-node block ([MS-PST] 2.2.2.8.3.3 SLBLOCK, 2.2.2.8.3.4 SIBLOCK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubBlock {
    /// An SLBLOCK (`cLevel` 0): the sub-nodes themselves.
    Leaf(Vec<NodeEntry>),
    /// An SIBLOCK (`cLevel` 1): (first NID, child SLBLOCK) pairs.
    Intermediate(Vec<(u32, u64)>),
}

/// Decodes an SLBLOCK or SIBLOCK.
pub fn parse_subblock(bytes: &[u8], format: Format, location: &str) -> Result<SubBlock> {
    let mut leaf = Vec::new();
    Ok(
        match parse_subblock_into(bytes, format, &|| location.to_owned(), &mut leaf)? {
            None => SubBlock::Leaf(leaf),
            Some(children) => SubBlock::Intermediate(children),
        },
    )
}

/// Decodes an SLBLOCK or SIBLOCK: the entries of an SLBLOCK are appended to `leaf` (and `None`
/// returned), the (first NID, child SLBLOCK) pairs of an SIBLOCK are returned.
///
/// The location is built only when the block is refused, and the entries go straight into the
/// caller's list, so a sub-node tree of one block costs no allocation beyond that list.
fn parse_subblock_into(
    bytes: &[u8],
    format: Format,
    location: &dyn Fn() -> String,
    leaf: &mut Vec<NodeEntry>,
) -> Result<Option<Vec<(u32, u64)>>> {
    let perr = |e| Error::parse(location(), e);
    let mut r = Reader::new(bytes, "SLBLOCK");
    let btype = r.u8("btype").map_err(perr)?;
    let level = r.u8("cLevel").map_err(perr)?;
    if btype != 0x02 || level > 1 {
        return Err(Error::corrupt(
            "SLBLOCK",
            location(),
            format!("btype {btype:#04x} cLevel {level} is neither an SLBLOCK nor an SIBLOCK"),
        ));
    }
    let at = r.offset();
    let count = r.u16("cEnt").map_err(perr)?;
    if format != Format::Ansi {
        r.skip(4, "dwPadding").map_err(perr)?;
    }
    let id = format.id_size();
    let entry_size = if level == 0 { 3 * id } else { 2 * id };
    r.check_count(u64::from(count), entry_size, "cEnt", at)
        .map_err(perr)?;
    if level == 0 {
        read_slentries(&mut r, count, format, leaf).map_err(perr)?;
        Ok(None)
    } else {
        let mut v = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let nid = read_id(&mut r, format, "SIENTRY.nid").map_err(perr)? as u32;
            let bid = read_id(&mut r, format, "SIENTRY.bid").map_err(perr)?;
            v.push((nid, bid));
        }
        Ok(Some(v))
    }
}

/// Appends the `count` SLENTRY records at the reader's position to `out`; the caller has checked
/// that they fit. They are taken as one slice and read field by field from it.
fn read_slentries(
    r: &mut Reader<'_>,
    count: u16,
    format: Format,
    out: &mut Vec<NodeEntry>,
) -> core::result::Result<(), calcheck_format::Error> {
    let id = format.id_size();
    let entries = r.bytes(usize::from(count) * 3 * id, "rgentries")?;
    out.extend(entries.chunks_exact(3 * id).map(|e| NodeEntry {
        nid: id_at(e, 0, format) as u32,
        bid_data: id_at(e, id, format),
        bid_sub: id_at(e, 2 * id, format),
    }));
    Ok(())
}

impl Ndb {
    /// Reads and verifies the header of `src`.
    pub fn open(src: Box<dyn ReadAt>) -> Result<Ndb> {
        let len = src.len();
        let want = usize::try_from(len.min(crate::header::HEADER_SIZE as u64)).unwrap_or(0);
        let mut buf = vec![0u8; want];
        src.read_exact_at(&mut buf, 0).map_err(|source| Error::Io {
            structure: "HEADER",
            offset: 0,
            source,
        })?;
        let header = Header::parse(&buf)?;
        let cache = (0..CACHE_SHARDS).map(|_| Mutex::new(Vec::new())).collect();
        Ok(Ndb {
            id: NEXT_NDB_ID.fetch_add(1, Ordering::Relaxed),
            src,
            header,
            len,
            cache,
        })
    }

    /// The decoded header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The file size.
    pub fn file_len(&self) -> u64 {
        self.len
    }

    /// Reads `len` bytes at `offset` after checking they lie inside the file (the tests' view of
    /// [`Ndb::with_range`]).
    #[cfg(test)]
    fn read_range(
        &self,
        offset: u64,
        len: usize,
        stream: Stream,
        structure: &'static str,
    ) -> Result<Vec<u8>> {
        self.with_range(offset, len, stream, structure, <[u8]>::to_vec)
    }

    /// Calls `f` with the `len` bytes at `offset`, after checking they lie inside the file: from
    /// the thread's read windows of `stream` when they hold them, else from a read of just those
    /// bytes.
    ///
    /// Handing out a borrowed slice lets a block be checked and decoded straight out of the
    /// window, in one pass instead of a copy followed by an in-place decode.
    fn with_range<R>(
        &self,
        offset: u64,
        len: usize,
        stream: Stream,
        structure: &'static str,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Result<R> {
        let end = offset.checked_add(len as u64);
        if end.is_none_or(|e| e > self.len) {
            return Err(Error::corrupt(
                structure,
                format!("file offset {offset:#x}"),
                format!(
                    "{len} bytes would end past the end of the {}-byte file",
                    self.len
                ),
            ));
        }
        let mut f = Some(f);
        if let Some(r) = self.read_windowed(offset, len, stream, &mut f) {
            return Ok(r);
        }
        with_scratch(|buf| {
            if buf.len() < len {
                buf.resize(len, 0);
            }
            let buf = buf.get_mut(..len).unwrap_or_default();
            self.src
                .read_exact_at(buf, offset)
                .map_err(|source| Error::Io {
                    structure,
                    offset,
                    source,
                })?;
            let f = f.ok_or_else(|| {
                Error::corrupt(structure, format!("file offset {offset:#x}"), "read twice")
            })?;
            Ok(f(buf))
        })
    }

    /// `f` applied to the `len` bytes at `offset` in the calling thread's read windows of
    /// `stream`, or `None` (and `f` left in place) when the range runs past the window after its
    /// own or a window cannot be read: the caller then reads the range itself, so an I/O error
    /// names the exact range.
    ///
    /// A range that runs on into the next window (about one block in forty on the generated
    /// mailbox) is put together from both windows, since the blocks after it need the next
    /// window anyway; reading it on its own cost a system call, and later a second copy of its
    /// bytes when the next window was read (the one-thread pass read 51.6 MB in 3 059 calls that
    /// way, 49.7 MB in 1 739 this way).
    fn read_windowed<R>(
        &self,
        offset: u64,
        len: usize,
        stream: Stream,
        f: &mut Option<impl FnOnce(&[u8]) -> R>,
    ) -> Option<R> {
        let window_size = stream.window_size();
        let start = offset - offset % window_size;
        let at = usize::try_from(offset - start).ok()?;
        let end = at.checked_add(len)?;
        if end as u64 > 2 * window_size {
            return None;
        }
        READ_WINDOWS.with(|cell| {
            let mut held = cell.try_borrow_mut().ok()?;
            if held.owner != self.id {
                *held = ReadWindows::new(self.id);
            }
            let windows = held.pools.get_mut(stream.index())?;
            if windows.paused > 0 {
                windows.paused -= 1;
                return None;
            }
            if windows.reads >= WINDOW_TRIAL {
                if windows.hits * 2 < windows.reads {
                    windows.paused = WINDOW_PAUSE;
                    windows.spans.clear();
                }
                windows.reads = 0;
                windows.hits = 0;
            }
            windows.reads += 1;
            let mut hit = self.bring_window(windows, stream, start)?;
            if end as u64 <= window_size {
                windows.hits += u32::from(hit);
                let bytes = windows.spans.first().and_then(|(_, b)| b.get(at..end))?;
                return f.take().map(|f| f(bytes));
            }
            hit &= self.bring_window(windows, stream, start + window_size)?;
            windows.hits += u32::from(hit);
            // The range's own window is now second, the next one first.
            let head = windows.spans.get(1).and_then(|(_, b)| b.get(at..))?;
            let tail_len = end - usize::try_from(window_size).ok()?;
            let tail = windows.spans.first().and_then(|(_, b)| b.get(..tail_len))?;
            if head.len() + tail.len() != len {
                return None;
            }
            with_scratch(|buf| {
                buf.clear();
                buf.extend_from_slice(head);
                buf.extend_from_slice(tail);
                f.take().map(|f| f(buf))
            })
        })
    }

    /// Makes the window of `stream` that starts at `start` the most recently used one in
    /// `windows`, reading it (into the least recently used one's buffer when all are taken) if
    /// it is not held. Says whether it was held; `None` when it cannot be read.
    ///
    /// Inlined always: it is part of every read, and as a call (even marked `#[inline]`) it
    /// cost about 50 instructions more per read than the same steps written in place.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn bring_window(&self, windows: &mut WindowPool, stream: Stream, start: u64) -> Option<bool> {
        let found = windows.spans.iter().position(|(s, _)| *s == start);
        let index = if let Some(i) = found {
            i
        } else {
            let size =
                usize::try_from(stream.window_size().min(self.len.checked_sub(start)?)).ok()?;
            let mut span = if windows.spans.len() >= stream.windows() {
                windows.spans.pop().map(|(_, b)| b).unwrap_or_default()
            } else {
                Vec::new()
            };
            span.resize(size, 0);
            self.src.read_exact_at(&mut span, start).ok()?;
            windows.spans.push((start, span));
            windows.spans.len() - 1
        };
        // Most recently used first, so the last one is the one to reuse.
        if index != 0 {
            let span = windows.spans.remove(index);
            windows.spans.insert(0, span);
        }
        Some(found.is_some())
    }

    fn shard(&self, ib: u64) -> Option<&Shard> {
        let idx = (ib / self.header.format.page_size() as u64) as usize % CACHE_SHARDS;
        self.cache.get(idx)
    }

    /// Reads a B-tree page, from the cache when it is there.
    fn page(&self, bref: Bref, tree: Tree) -> Result<Arc<BtPage>> {
        if let Some(shard) = self.shard(bref.ib) {
            if let Ok(guard) = shard.lock() {
                if let Some((_, p)) = guard.iter().find(|(ib, _)| *ib == bref.ib) {
                    return Ok(Arc::clone(p));
                }
            }
        }
        let size = self.header.format.page_size();
        // Parsed straight out of the read window, without a copy of the page first.
        let format = self.header.format;
        let page =
            Arc::new(
                self.with_range(bref.ib, size, Stream::Pages, "BTPAGE", |bytes| {
                    parse_page(bytes, format, tree, bref)
                })??,
            );
        if let Some(shard) = self.shard(bref.ib) {
            if let Ok(mut guard) = shard.lock() {
                if guard.len() >= CACHE_PER_SHARD {
                    guard.remove(0);
                }
                guard.push((bref.ib, Arc::clone(&page)));
            }
        }
        Ok(page)
    }

    /// Descends `tree` to the leaf page that would hold `key`, and says whether no page on the way
    /// had a warning.
    fn descend_path(
        &self,
        tree: Tree,
        key: u64,
        warnings: &mut Warnings,
    ) -> Result<(Arc<BtPage>, bool)> {
        let root = match tree {
            Tree::Node => self.header.nbt_root,
            Tree::Block => self.header.bbt_root,
        };
        let mut bref = root;
        let mut expected: Option<u8> = None;
        let mut clean = true;
        for depth in 0..=usize::from(MAX_BTREE_DEPTH) {
            let page = if let Some(page) = self.path_page(tree, depth, bref.ib) {
                page
            } else {
                let page = self.page(bref, tree)?;
                self.remember_path(tree, depth, bref.ib, &page);
                page
            };
            if let Some(w) = &page.warning {
                warnings.push(w.clone());
                clean = false;
            }
            let location = || page_location(tree, bref);
            match expected {
                Some(level) if page.level != level => {
                    return Err(Error::corrupt(
                        "BTPAGE",
                        location(),
                        format!(
                            "cLevel {} where the parent page implies {level}",
                            page.level
                        ),
                    ));
                }
                None if page.level > MAX_BTREE_DEPTH => {
                    return Err(Error::limit(
                        "BTPAGE",
                        location(),
                        format!(
                            "root cLevel {} is deeper than {MAX_BTREE_DEPTH}",
                            page.level
                        ),
                    ));
                }
                _ => {}
            }
            let PageEntries::Intermediate(entries) = &page.entries else {
                return Ok((page, clean));
            };
            // The child whose first key is the largest one not above `key`.
            let idx = entries.partition_point(|e| e.key <= key);
            let Some(entry) = idx.checked_sub(1).and_then(|i| entries.get(i)) else {
                return Err(Error::NotFound {
                    tree: tree.name().to_owned(),
                    what: if tree == Tree::Node { "nid" } else { "bid" },
                    id: key,
                });
            };
            bref = entry.child;
            expected = Some(page.level.saturating_sub(1));
        }
        Err(Error::limit(
            "BTPAGE",
            format!("{} descent for key {key:#x}", tree.name()),
            format!("more than {MAX_BTREE_DEPTH} levels"),
        ))
    }

    /// The page at file offset `ib` if the thread's last descent of `tree` met it at `depth`.
    fn path_page(&self, tree: Tree, depth: usize, ib: u64) -> Option<Arc<BtPage>> {
        LEAF_CACHE.with(|cell| {
            let cache = cell.try_borrow().ok()?;
            if cache.owner != self.id {
                return None;
            }
            let (at, page) = cache.paths.get(tree_index(tree))?.get(depth)?;
            (*at == ib).then(|| Arc::clone(page))
        })
    }

    /// Remembers that the thread's descent of `tree` met `page`, at file offset `ib`, at `depth`.
    fn remember_path(&self, tree: Tree, depth: usize, ib: u64, page: &Arc<BtPage>) {
        LEAF_CACHE.with(|cell| {
            let Ok(mut cache) = cell.try_borrow_mut() else {
                return;
            };
            cache.claim(self.id);
            let Some(path) = cache.paths.get_mut(tree_index(tree)) else {
                return;
            };
            // Levels below `depth` belonged to another branch; they are replaced as the descent
            // goes on.
            path.truncate(depth);
            if path.len() == depth {
                path.push((ib, Arc::clone(page)));
            }
        });
    }

    /// Looks a node up in the node B-tree.
    pub fn node(&self, nid: u32, warnings: &mut Warnings) -> Result<NbtEntry> {
        self.lookup(Tree::Node, u64::from(nid), warnings, |page| {
            match &page.entries {
                PageEntries::Nodes(entries) => entries.iter().find(|e| e.nid == nid).copied(),
                _ => None,
            }
        })?
        .ok_or_else(|| Error::NotFound {
            tree: "NBT".to_owned(),
            what: "nid",
            id: u64::from(nid),
        })
    }

    /// The entry `find` picks for `key` out of its leaf of `tree`: from a leaf this thread
    /// remembers, else after a descent from the root (whose leaf is remembered when no page on the
    /// way had a warning). `Ok(None)` when the leaf has no such entry.
    fn lookup<T>(
        &self,
        tree: Tree,
        key: u64,
        warnings: &mut Warnings,
        find: impl Fn(&BtPage) -> Option<T>,
    ) -> Result<Option<T>> {
        if let Some(e) = self.cached_leaf(tree, key, &find) {
            return Ok(Some(e));
        }
        let (page, clean) = self.descend_path(tree, key, warnings)?;
        let found = find(&page);
        if found.is_some() && clean {
            self.remember_leaf(tree, page);
        }
        Ok(found)
    }

    /// Looks `key` up in the leaves of `tree` this thread remembers.
    fn cached_leaf<T>(
        &self,
        tree: Tree,
        key: u64,
        find: impl Fn(&BtPage) -> Option<T>,
    ) -> Option<T> {
        LEAF_CACHE.with(|cell| {
            let cache = cell.try_borrow().ok()?;
            if cache.owner != self.id {
                return None;
            }
            cache
                .leaves
                .get(tree_index(tree))?
                .iter()
                .find(|(first, last, _)| *first <= key && key <= *last)
                .and_then(|(_, _, page)| find(page))
        })
    }

    /// Remembers a leaf reached without warnings (see [`LeafCache`]).
    fn remember_leaf(&self, tree: Tree, page: Arc<BtPage>) {
        let range = match &page.entries {
            PageEntries::Nodes(v) => v
                .first()
                .zip(v.last())
                .map(|(a, b)| (u64::from(a.nid), u64::from(b.nid))),
            PageEntries::Blocks(v) => v
                .first()
                .zip(v.last())
                .map(|(a, b)| (bid_key(a.bref.bid), bid_key(b.bref.bid))),
            PageEntries::Intermediate(_) => None,
        };
        let Some((first, last)) = range else {
            return;
        };
        LEAF_CACHE.with(|cell| {
            let Ok(mut cache) = cell.try_borrow_mut() else {
                return;
            };
            cache.claim(self.id);
            if let Some(leaves) = cache.leaves.get_mut(tree_index(tree)) {
                leaves.retain(|(f, _, _)| *f != first);
                leaves.insert(0, (first, last, page));
                leaves.truncate(LEAVES_PER_THREAD);
            }
        });
    }

    /// Looks a block up in the block B-tree.
    pub fn block_entry(&self, bid: u64, warnings: &mut Warnings) -> Result<BbtEntry> {
        let key = bid_key(bid);
        self.lookup(Tree::Block, key, warnings, |page| match &page.entries {
            PageEntries::Blocks(entries) => {
                entries.iter().find(|e| bid_key(e.bref.bid) == key).copied()
            }
            _ => None,
        })?
        .ok_or_else(|| Error::NotFound {
            tree: "BBT".to_owned(),
            what: "bid",
            id: bid,
        })
    }

    /// Every leaf entry of the node B-tree, in key order (a bounded, iterative walk).
    pub fn all_nodes(&self, warnings: &mut Warnings) -> Result<Vec<NbtEntry>> {
        let mut out = Vec::new();
        self.walk(Tree::Node, warnings, |page| {
            if let PageEntries::Nodes(v) = &page.entries {
                out.extend_from_slice(v);
            }
        })?;
        Ok(out)
    }

    /// Every leaf entry of the block B-tree, in key order.
    pub fn all_blocks(&self, warnings: &mut Warnings) -> Result<Vec<BbtEntry>> {
        let mut out = Vec::new();
        self.walk(Tree::Block, warnings, |page| {
            if let PageEntries::Blocks(v) = &page.entries {
                out.extend_from_slice(v);
            }
        })?;
        Ok(out)
    }

    fn walk(
        &self,
        tree: Tree,
        warnings: &mut Warnings,
        mut leaf: impl FnMut(&BtPage),
    ) -> Result<()> {
        let root = match tree {
            Tree::Node => self.header.nbt_root,
            Tree::Block => self.header.bbt_root,
        };
        // A file cannot hold more pages than its size allows; more visits mean a loop.
        let max_pages = self.len / self.header.format.page_size() as u64 + 1;
        let mut visited = 0u64;
        let mut stack: Vec<(Bref, Option<u8>)> = vec![(root, None)];
        while let Some((bref, expected)) = stack.pop() {
            visited += 1;
            if visited > max_pages {
                return Err(Error::limit(
                    "BTPAGE",
                    format!("{} walk", tree.name()),
                    format!("visited more than the {max_pages} pages the file can hold"),
                ));
            }
            let page = self.page(bref, tree)?;
            if let Some(w) = &page.warning {
                warnings.push(w.clone());
            }
            if expected.is_some_and(|l| l != page.level) || page.level > MAX_BTREE_DEPTH {
                return Err(Error::corrupt(
                    "BTPAGE",
                    format!(
                        "{} page bid {:#x} at file offset {:#x}",
                        tree.name(),
                        bref.bid,
                        bref.ib
                    ),
                    format!("cLevel {} does not fit its place in the tree", page.level),
                ));
            }
            match &page.entries {
                PageEntries::Intermediate(entries) => {
                    // Pushed in reverse so children are visited in key order.
                    for e in entries.iter().rev() {
                        stack.push((e.child, Some(page.level - 1)));
                    }
                }
                _ => leaf(&page),
            }
        }
        Ok(())
    }

    /// Reads one block: looks it up, checks its trailer, decodes and inflates external blocks.
    ///
    /// A CRC or signature mismatch is pushed to `warnings` and the data is returned anyway; a
    /// trailer that names another block id is an error (the BBT points at the wrong place).
    pub fn read_block(&self, bid: u64, warnings: &mut Warnings) -> Result<Vec<u8>> {
        self.read_block_with(bid, true, warnings)
    }

    /// True when external blocks may be read still encoded (see [`Ndb::node_blocks_encoded`]):
    /// the file uses NDB_CRYPT_PERMUTE, whose byte substitution does not depend on where a byte
    /// lies, so any part of a block can be decoded on its own later, and its blocks are not
    /// compressed (in OST 2013 files they are inflated after decoding).
    pub fn partial_decoding(&self) -> bool {
        self.header.crypt == crypt::CryptMethod::Permute && self.header.format != Format::Unicode4k
    }

    /// [`Ndb::read_block`], leaving external blocks encoded when `decode` is false and
    /// [`Ndb::partial_decoding`] allows it.
    fn read_block_with(&self, bid: u64, decode: bool, warnings: &mut Warnings) -> Result<Vec<u8>> {
        let entry = self.block_entry(bid, warnings)?;
        self.read_listed_block(bid, entry, decode, warnings)
    }

    /// [`Ndb::read_block_with`] for a block whose BBT entry has been looked up.
    fn read_listed_block(
        &self,
        bid: u64,
        entry: BbtEntry,
        decode: bool,
        warnings: &mut Warnings,
    ) -> Result<Vec<u8>> {
        let keep_encoded = !decode && self.partial_decoding();
        let crypt = self.header.crypt;
        let decoded = self.with_stored_block(bid, entry, warnings, |data| {
            // Internal blocks are never encoded ([MS-PST] 5.1).
            if bid_is_internal(bid) || keep_encoded || crypt == crypt::CryptMethod::None {
                let mut out = block_buffer(data.len());
                out.extend_from_slice(data);
                out
            } else {
                // Decoded straight out of the read window over every byte of `out`.
                let mut out = block_buffer_sized(data.len());
                crypt::decode_to(crypt, data, bid_key(bid), &mut out);
                out
            }
        })?;
        if self.is_compressed(entry) {
            let size = usize::from(entry.cb_inflated);
            let ib = entry.bref.ib;
            let inflated = inflate(&decoded, block_buffer(size), size, || {
                block_location(bid, ib)
            });
            recycle_buffer(decoded);
            return inflated;
        }
        Ok(decoded)
    }

    /// True when the block `entry` lists is stored compressed (only OST 2013 files compress
    /// blocks; the BBT then gives a larger inflated size).
    fn is_compressed(&self, entry: BbtEntry) -> bool {
        self.header.format == Format::Unicode4k && entry.cb_inflated != entry.cb
    }

    /// Calls `f` with the data of block `bid`, whose BBT entry is `entry`, as the file stores it
    /// (still encoded, and still compressed in an OST 2013 file), after checking its trailer: a
    /// CRC or signature mismatch is pushed to `warnings` and `f` is called anyway; a trailer that
    /// names another block id is an error (the BBT points at the wrong place).
    ///
    /// The data is handed out of the thread's read window, so a caller that only parses it (a
    /// sub-node block) needs no copy of it.
    fn with_stored_block<R>(
        &self,
        bid: u64,
        entry: BbtEntry,
        warnings: &mut Warnings,
        f: impl FnOnce(&[u8]) -> R,
    ) -> Result<R> {
        let format = self.header.format;
        let ib = entry.bref.ib;
        // Built only when something is reported: most blocks are fine, and formatting the text
        // for each of them was a measurable share of a whole check.
        let location = || block_location(bid, ib);
        let cb = usize::from(entry.cb);
        let trailer_size = format.block_trailer_size();
        let align = format.block_alignment();
        let total = ((cb + trailer_size) as u64).div_ceil(align) * align;
        let checked = |raw: &[u8]| -> Result<R> {
            let trailer_at = total as usize - trailer_size;
            let perr = |e| Error::parse(location(), e);
            // The trailer's fields are taken from one checked slice rather than read one by one.
            let mut t = Reader::new(raw, "BLOCKTRAILER");
            t.skip(trailer_at, "block data").map_err(perr)?;
            let fields_len = if format == Format::Ansi { 12 } else { 16 };
            let fields = t.bytes(fields_len, "cb").map_err(perr)?;
            // cb, wSig, then bid and dwCRC (ANSI) or dwCRC and bid (Unicode).
            let t_cb = u16_at(fields, 0);
            let t_sig = u16_at(fields, 2);
            let (t_crc, t_bid) = if format == Format::Ansi {
                (u32_at(fields, 8), id_at(fields, 4, format))
            } else {
                (u32_at(fields, 4), id_at(fields, 8, format))
            };
            if bid_key(t_bid) != bid_key(bid) {
                return Err(Error::corrupt(
                    "BLOCKTRAILER",
                    location(),
                    format!("trailer bid {t_bid:#x} is not the block that was looked up"),
                ));
            }
            if t_cb != entry.cb {
                warnings.push(Warning::new(
                    "BLOCKTRAILER",
                    location(),
                    format!(
                        "trailer cb {t_cb} differs from the BBT's {}; the BBT size is used",
                        entry.cb
                    ),
                ));
            }
            let data = raw.get(..cb).unwrap_or_default();
            let computed = compute_crc(data);
            if computed != t_crc {
                warnings.push(Warning::new(
                    "BLOCKTRAILER",
                    location(),
                    format!("crc mismatch (stored {t_crc:#010x}, computed {computed:#010x}); data used anyway"),
                ));
            } else if t_sig != compute_sig(ib, bid_key(bid)) {
                warnings.push(Warning::new(
                    "BLOCKTRAILER",
                    location(),
                    format!("wSig {t_sig:#06x} differs from ComputeSig(ib, bid)"),
                ));
            }
            Ok(f(data))
        };
        self.with_range(ib, total as usize, Stream::Blocks, "BLOCK", checked)?
    }

    /// The data blocks of a node, in order: one block, or the leaves of an XBLOCK/XXBLOCK tree.
    ///
    /// Fails when the tree describes more than `max_size` bytes.
    pub fn node_data(
        &self,
        bid: u64,
        max_size: u64,
        warnings: &mut Warnings,
    ) -> Result<Vec<Vec<u8>>> {
        self.node_blocks(bid, max_size, warnings)
            .map(Blocks::into_vec)
    }

    /// Like [`Ndb::node_data`], as [`Blocks`], which hold a node of one block without a list.
    pub fn node_blocks(&self, bid: u64, max_size: u64, warnings: &mut Warnings) -> Result<Blocks> {
        self.node_blocks_with(bid, max_size, true, warnings)
    }

    /// Like [`Ndb::node_blocks`], with the data blocks still encoded when
    /// [`Ndb::partial_decoding`] is true (else decoded, as [`Ndb::node_blocks`] returns them);
    /// every check of the blocks (trailer, CRC, sizes) is made as usual.
    ///
    /// Large tables are read this way so that only the bytes a reader looks at are decoded.
    pub fn node_blocks_encoded(
        &self,
        bid: u64,
        max_size: u64,
        warnings: &mut Warnings,
    ) -> Result<Blocks> {
        self.node_blocks_with(bid, max_size, false, warnings)
    }

    fn node_blocks_with(
        &self,
        bid: u64,
        max_size: u64,
        decode: bool,
        warnings: &mut Warnings,
    ) -> Result<Blocks> {
        let mut out = Blocks::default();
        if bid == 0 {
            return Ok(out);
        }
        if !bid_is_internal(bid) {
            out.push(self.read_block_with(bid, decode, warnings)?);
            return Ok(out);
        }
        let format = self.header.format;
        let root_loc = format!("data tree bid {bid:#x}");
        let root = parse_xblock(&self.read_block(bid, warnings)?, format, &root_loc)?;
        if u64::from(root.total) > max_size {
            return Err(Error::limit(
                "XBLOCK",
                root_loc,
                format!("lcbTotal {} is above the {max_size}-byte limit", root.total),
            ));
        }
        let mut leaves: Vec<u64> = Vec::new();
        if root.level == 2 {
            for &child in &root.bids {
                let loc = format!("data tree bid {bid:#x} child XBLOCK bid {child:#x}");
                if !bid_is_internal(child) {
                    return Err(Error::corrupt(
                        "XXBLOCK",
                        loc,
                        "child is not an internal block",
                    ));
                }
                let x = parse_xblock(&self.read_block(child, warnings)?, format, &loc)?;
                if x.level != 1 {
                    return Err(Error::corrupt(
                        "XXBLOCK",
                        loc,
                        format!("child has cLevel {}, not 1", x.level),
                    ));
                }
                leaves.extend_from_slice(&x.bids);
                if leaves.len() > MAX_NODE_BLOCKS {
                    return Err(Error::limit(
                        "XXBLOCK",
                        root_loc,
                        format!("more than {MAX_NODE_BLOCKS} data blocks"),
                    ));
                }
            }
        } else {
            leaves = root.bids;
        }
        out.rest.reserve(leaves.len().min(MAX_NODE_BLOCKS));
        let mut size = 0u64;
        for child in leaves {
            if bid_is_internal(child) {
                return Err(Error::corrupt(
                    "XBLOCK",
                    format!("data tree bid {bid:#x} entry bid {child:#x}"),
                    "a data block entry names an internal block",
                ));
            }
            let block = self.read_block_with(child, decode, warnings)?;
            size += block.len() as u64;
            if size > u64::from(root.total) {
                return Err(Error::corrupt(
                    "XBLOCK",
                    root_loc,
                    format!("blocks hold more than lcbTotal {} bytes", root.total),
                ));
            }
            out.push(block);
        }
        if size != u64::from(root.total) {
            warnings.push(Warning::new(
                "XBLOCK",
                root_loc,
                format!("blocks hold {size} bytes but lcbTotal says {}", root.total),
            ));
        }
        Ok(out)
    }

    /// The total size a data tree describes, without reading its leaves.
    pub fn node_data_size(&self, bid: u64, warnings: &mut Warnings) -> Result<u64> {
        if bid == 0 {
            return Ok(0);
        }
        if !bid_is_internal(bid) {
            let e = self.block_entry(bid, warnings)?;
            return Ok(u64::from(e.cb_inflated));
        }
        let x = parse_xblock(
            &self.read_block(bid, warnings)?,
            self.header.format,
            &format!("data tree bid {bid:#x}"),
        )?;
        Ok(u64::from(x.total))
    }

    /// The sub-node tree rooted at `bid` (an SLBLOCK or SIBLOCK), flattened and sorted by NID.
    pub fn subnodes(&self, bid: u64, warnings: &mut Warnings) -> Result<SubnodeMap> {
        if bid == 0 {
            return Ok(SubnodeMap::default());
        }
        let mut entries = take_reused(&SUBNODE_ENTRIES);
        entries.clear();
        let format = self.header.format;
        // The root is taken first and the stack only holds the children of an SIBLOCK, so the
        // usual tree of one SLBLOCK allocates nothing for the walk.
        let mut next: Option<(u64, Option<u8>)> = Some((bid, None));
        let mut stack: Vec<(u64, Option<u8>)> = Vec::new();
        let mut visited = 0usize;
        while let Some((b, expected)) = next.take().or_else(|| stack.pop()) {
            visited += 1;
            let loc = || format!("sub-node tree bid {bid:#x} block bid {b:#x}");
            if visited > MAX_SUBNODE_BLOCKS {
                return Err(Error::limit(
                    "SIBLOCK",
                    loc(),
                    format!("more than {MAX_SUBNODE_BLOCKS} blocks"),
                ));
            }
            if !bid_is_internal(b) {
                return Err(Error::corrupt(
                    "SLBLOCK",
                    loc(),
                    "sub-node block id is not an internal block",
                ));
            }
            let entry = self.block_entry(b, warnings)?;
            let parsed = if self.is_compressed(entry) {
                let block = self.read_listed_block(b, entry, true, warnings)?;
                let parsed = parse_subblock_into(&block, format, &loc, &mut entries);
                recycle_buffer(block);
                parsed
            } else {
                // Internal blocks are never encoded, so an uncompressed one is parsed straight
                // out of the read window, without a copy.
                self.with_stored_block(b, entry, warnings, |data| {
                    parse_subblock_into(data, format, &loc, &mut entries)
                })?
            };
            match parsed? {
                None => {
                    if expected.is_some_and(|l| l != 0) {
                        return Err(Error::corrupt(
                            "SLBLOCK",
                            loc(),
                            "an SIBLOCK entry points at a block of the wrong level",
                        ));
                    }
                }
                Some(children) => {
                    // SIBLOCKs have cLevel 1 and point at SLBLOCKs; nothing deeper is defined.
                    if expected.is_some() {
                        return Err(Error::corrupt(
                            "SIBLOCK",
                            loc(),
                            "an SIBLOCK points at another SIBLOCK",
                        ));
                    }
                    for (_, child) in children.into_iter().rev() {
                        stack.push((child, Some(0)));
                    }
                }
            }
        }
        // Writers store sub-nodes in NID order, so the (stable) sort, which allocates scratch
        // space for longer lists, is usually not needed.
        if !entries.is_sorted_by_key(|e| e.nid) {
            entries.sort_by_key(|e| e.nid);
        }
        let before = entries.len();
        entries.dedup_by_key(|e| e.nid);
        if entries.len() != before {
            warnings.push(Warning::new(
                "SLBLOCK",
                format!("sub-node tree bid {bid:#x}"),
                format!("{} duplicate sub-node ids ignored", before - entries.len()),
            ));
        }
        Ok(SubnodeMap { entries })
    }
}

/// Where a block lies, as its warnings and errors name it.
fn block_location(bid: u64, ib: u64) -> String {
    format!("block bid {bid:#x} at file offset {ib:#x}")
}

/// Inflates a zlib-compressed OST 2013 block to exactly `size` bytes, into `out`.
fn inflate(
    data: &[u8],
    mut out: Vec<u8>,
    size: usize,
    location: impl Fn() -> String,
) -> Result<Vec<u8>> {
    out.clear();
    out.resize(size, 0);
    let mut z = flate2::Decompress::new(true);
    match z.decompress(data, &mut out, flate2::FlushDecompress::Finish) {
        Ok(flate2::Status::StreamEnd) if z.total_out() as usize == size => Ok(out),
        Ok(_) => Err(Error::corrupt(
            "BLOCK",
            location(),
            format!(
                "zlib data inflates to {} bytes, not the {size} the BBT says",
                z.total_out()
            ),
        )),
        Err(e) => Err(Error::corrupt(
            "BLOCK",
            location(),
            format!("zlib data is corrupt: {e}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::MemSource;
    use crate::testkit::{bt_entry, mini_file, seal_header, seal_unicode_page, unicode_page};

    fn ndb(bytes: Vec<u8>) -> Ndb {
        Ndb::open(Box::new(MemSource::new(bytes))).unwrap()
    }

    #[test]
    fn windowed_reads_return_the_file_bytes_and_never_another_files() {
        // Two files of the same size whose bytes differ everywhere past the header, read
        // alternately at the same offsets, across window boundaries and up to the end, through
        // the windows of either stream.
        let size = 5 * Stream::Blocks.window_size() as usize + 1234;
        let mut a = mini_file(&[], &[]);
        a.resize(size, 0);
        for (i, b) in a.iter_mut().enumerate().skip(4096) {
            *b = (i * 7 % 251) as u8;
        }
        let mut b = a.clone();
        for x in b.iter_mut().skip(4096) {
            *x = !*x;
        }
        let (na, nb) = (ndb(a.clone()), ndb(b.clone()));
        for stream in [Stream::Blocks, Stream::Pages] {
            let ws = stream.window_size() as usize;
            let mut cases = vec![
                (4096, 64),
                (ws - 10, 20),
                (ws - 64, 64),
                (ws, 512),
                (3 * ws - 1, 2),
                (ws - 5, ws + 10),
                (10, 2 * ws - 20),
                (ws + 1, 2 * ws),
                (size - 100, 100),
            ];
            cases.extend((0..200).map(|i| (4096 + i * 797 % (size - 9000), 1 + i * 37 % 4000)));
            for &(off, len) in &cases {
                for (n, bytes) in [(&na, &a), (&nb, &b)] {
                    assert_eq!(
                        n.read_range(off as u64, len, stream, "TEST").unwrap(),
                        bytes[off..off + len],
                        "offset {off} len {len}"
                    );
                }
            }
            // One file alone: now most reads are served by windows filled by earlier ones.
            for (off, len) in cases {
                assert_eq!(
                    na.read_range(off as u64, len, stream, "TEST").unwrap(),
                    a[off..off + len]
                );
            }
            assert!(na.read_range(size as u64 - 10, 11, stream, "TEST").is_err());
        }
    }

    /// A source that counts the reads made of it.
    struct Counting(MemSource, Arc<AtomicU64>);

    impl ReadAt for Counting {
        fn len(&self) -> u64 {
            self.0.len()
        }
        fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
            self.1.fetch_add(1, Ordering::Relaxed);
            self.0.read_exact_at(buf, offset)
        }
    }

    /// A file of `size` bytes (the mini file's header, then byte `i` = `i * mul % modulus`), an
    /// [`Ndb`] over it and the count of the reads the Ndb makes from it.
    fn counted_file(size: usize, mul: usize, modulus: usize) -> (Vec<u8>, Arc<AtomicU64>, Ndb) {
        let mut bytes = mini_file(&[], &[]);
        bytes.resize(size, 0);
        for (i, b) in bytes.iter_mut().enumerate().skip(4096) {
            *b = (i * mul % modulus) as u8;
        }
        let reads = Arc::new(AtomicU64::new(0));
        let n = Ndb::open(Box::new(Counting(
            MemSource::new(bytes.clone()),
            Arc::clone(&reads),
        )))
        .unwrap();
        (bytes, reads, n)
    }

    #[test]
    fn a_range_across_a_window_boundary_is_served_from_both_windows() {
        // Reading 20 bytes across the boundary after the second window reads the second and
        // third windows whole; ranges inside either of them, or across the same boundary, are
        // then served without reading the file again, and a read of the same boundary after other
        // windows pushed both out reads them again.
        let ws = Stream::Blocks.window_size() as usize;
        let (bytes, reads, n) = counted_file(8 * ws, 31, 239);
        let read = |at: usize, len: usize| {
            let got = n
                .read_range(at as u64, len, Stream::Blocks, "TEST")
                .unwrap();
            assert_eq!(got, bytes[at..at + len], "offset {at} len {len}");
        };
        let start = reads.load(Ordering::Relaxed);
        read(2 * ws - 10, 20);
        assert_eq!(reads.load(Ordering::Relaxed), start + 2);
        read(ws, 64);
        read(3 * ws - 64, 64);
        read(2 * ws - 1000, 3000);
        read(ws, 2 * ws);
        assert_eq!(reads.load(Ordering::Relaxed), start + 2);
        for i in 4..4 + Stream::Blocks.windows() {
            read(i * ws, 64);
        }
        let before = reads.load(Ordering::Relaxed);
        read(2 * ws - 10, 20);
        assert_eq!(reads.load(Ordering::Relaxed), before + 2);
    }

    #[test]
    fn block_and_page_reads_keep_windows_of_their_own() {
        // Reads of one stream never drop the other stream's windows: after filling every block
        // window, as many page windows as there are elsewhere in the file leave the block
        // windows in place, so the blocks are served again without a read of the file. The
        // source counts its reads to show it.
        let bw = Stream::Blocks.window_size() as usize;
        let pw = Stream::Pages.window_size() as usize;
        let blocks = Stream::Blocks.windows();
        let pages = Stream::Pages.windows();
        let (bytes, reads, n) = counted_file(blocks * bw + pages * pw + 4096, 13, 241);
        let block_at = |i: usize| i * bw + 100;
        let page_at = |i: usize| blocks * bw + i * pw + 100;
        for i in 0..blocks {
            n.read_range(block_at(i) as u64, 64, Stream::Blocks, "TEST")
                .unwrap();
        }
        for i in 0..pages {
            n.read_range(page_at(i) as u64, 64, Stream::Pages, "TEST")
                .unwrap();
        }
        let before = reads.load(Ordering::Relaxed);
        for i in 0..blocks {
            let at = block_at(i) + 64;
            assert_eq!(
                n.read_range(at as u64, 32, Stream::Blocks, "TEST").unwrap(),
                bytes[at..at + 32]
            );
        }
        for i in 0..pages {
            let at = page_at(i) + 64;
            assert_eq!(
                n.read_range(at as u64, 32, Stream::Pages, "TEST").unwrap(),
                bytes[at..at + 32]
            );
        }
        assert_eq!(reads.load(Ordering::Relaxed), before);
    }

    /// An XBLOCK/XXBLOCK of a Unicode file.
    fn xblock(level: u8, total: u32, bids: &[u64]) -> Vec<u8> {
        let mut b = vec![0x01, level];
        b.extend_from_slice(&(bids.len() as u16).to_le_bytes());
        b.extend_from_slice(&total.to_le_bytes());
        for bid in bids {
            b.extend_from_slice(&bid.to_le_bytes());
        }
        b
    }

    /// An SLBLOCK (`level` 0, entries nid/bidData/bidSub) or SIBLOCK (`level` 1, nid/bid).
    fn subblock(level: u8, entries: &[&[u64]]) -> Vec<u8> {
        let mut b = vec![0x02, level];
        b.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        for e in entries {
            for v in *e {
                b.extend_from_slice(&v.to_le_bytes());
            }
        }
        b
    }

    #[test]
    fn ndb_reads_nodes_and_blocks() {
        let db = ndb(mini_file(&[(0x21, 0x4, 0)], &[(0x4, b"hello".to_vec())]));
        let mut w = Vec::new();
        let n = db.node(0x21, &mut w).unwrap();
        assert_eq!((n.bid_data, n.bid_sub), (0x4, 0));
        assert_eq!(db.read_block(0x4, &mut w).unwrap(), b"hello");
        // Bit 0 of a BID is reserved and ignored for lookups.
        assert_eq!(db.read_block(0x5, &mut w).unwrap(), b"hello");
        assert!(w.is_empty(), "{w:?}");
        assert!(matches!(db.node(0x22, &mut w), Err(Error::NotFound { .. })));
        assert!(matches!(
            db.read_block(0x8, &mut w),
            Err(Error::NotFound { .. })
        ));
    }

    #[test]
    fn ndb_block_crc_mismatch_is_a_warning_and_wrong_trailer_an_error() {
        let mut file = mini_file(&[], &[(0x4, b"hello".to_vec()), (0x8, b"world".to_vec())]);
        file[0x800] ^= 0x20; // "hello" -> "Hello": the stored CRC no longer matches
        let db = ndb(file.clone());
        let mut w = Vec::new();
        assert_eq!(db.read_block(0x4, &mut w).unwrap(), b"Hello");
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("crc mismatch"), "{w:?}");
        // The trailer of the second block (at 0x840) names another block id.
        file[0x840 + 64 - 8] = 0x4;
        let db = ndb(file);
        assert!(matches!(
            db.read_block(0x8, &mut Vec::new()),
            Err(Error::Corrupt {
                structure: "BLOCKTRAILER",
                ..
            })
        ));
    }

    #[test]
    fn ndb_permute_encoded_block_is_decoded() {
        let mut data = b"calendar".to_vec();
        crypt::encode(crypt::CryptMethod::Permute, &mut data, 0x4);
        let mut file = mini_file(&[], &[(0x4, data)]);
        file[513] = 1;
        seal_header(&mut file);
        assert_eq!(
            ndb(file).read_block(0x4, &mut Vec::new()).unwrap(),
            b"calendar"
        );
    }

    #[test]
    fn ndb_block_past_end_of_file_is_an_error() {
        let mut file = mini_file(&[], &[(0x4, vec![7; 40])]);
        file.truncate(0x820);
        assert!(matches!(
            ndb(file).read_block(0x4, &mut Vec::new()),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn ndb_page_pointing_to_itself_is_an_error_not_a_loop() {
        let mut file = mini_file(&[(0x21, 0x4, 0)], &[(0x4, vec![1])]);
        // Replace the NBT root (0x400) by an intermediate page whose only child is itself.
        let root = Bref {
            bid: 0x100,
            ib: 0x400,
        };
        let page = unicode_page(&[bt_entry(0, root)], 24, 1, 0x81, root);
        file[0x400..0x600].copy_from_slice(&page);
        let db = ndb(file.clone());
        assert!(matches!(
            db.node(0x21, &mut Vec::new()),
            Err(Error::Corrupt { .. })
        ));
        assert!(db.all_nodes(&mut Vec::new()).is_err());
        // A root claiming 200 levels is refused before any descent.
        file[0x400 + 491] = 200;
        seal_unicode_page(&mut file[0x400..0x600], 0x81, root);
        assert!(matches!(
            ndb(file).node(0x21, &mut Vec::new()),
            Err(Error::Limit { .. })
        ));
    }

    #[test]
    fn ndb_data_tree_of_two_blocks() {
        let file = mini_file(
            &[],
            &[
                (0x6, xblock(1, 6, &[0x4, 0x8])),
                (0x4, b"abc".to_vec()),
                (0x8, b"def".to_vec()),
            ],
        );
        let db = ndb(file);
        let mut w = Vec::new();
        assert_eq!(
            db.node_data(0x6, MAX_NODE_DATA, &mut w).unwrap(),
            vec![b"abc".to_vec(), b"def".to_vec()]
        );
        assert!(w.is_empty());
        assert_eq!(db.node_data_size(0x6, &mut w).unwrap(), 6);
        assert!(matches!(
            db.node_data(0x6, 5, &mut w),
            Err(Error::Limit { .. })
        ));
    }

    #[test]
    fn ndb_data_tree_levels_must_fall() {
        // An XXBLOCK whose child is itself.
        let db = ndb(mini_file(&[], &[(0x6, xblock(2, 6, &[0x6]))]));
        assert!(matches!(
            db.node_data(0x6, MAX_NODE_DATA, &mut Vec::new()),
            Err(Error::Corrupt { .. })
        ));
        // An XBLOCK listing an internal block as data.
        let db = ndb(mini_file(
            &[],
            &[(0x6, xblock(1, 6, &[0xA])), (0xA, vec![0; 4])],
        ));
        assert!(matches!(
            db.node_data(0x6, MAX_NODE_DATA, &mut Vec::new()),
            Err(Error::Corrupt { .. })
        ));
        // lcbTotal larger than the data: a warning, the data is used.
        let db = ndb(mini_file(
            &[],
            &[(0x6, xblock(1, 9, &[0x4])), (0x4, b"abc".to_vec())],
        ));
        let mut w = Vec::new();
        assert_eq!(db.node_data(0x6, MAX_NODE_DATA, &mut w).unwrap().len(), 1);
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn ndb_xblock_count_beyond_block_is_refused() {
        let mut b = xblock(1, 0, &[0x4]);
        b[2..4].copy_from_slice(&500u16.to_le_bytes());
        let err = parse_xblock(&b, Format::Unicode, "test").unwrap_err();
        assert!(matches!(
            err,
            Error::Parse {
                source: calcheck_format::Error::CountTooLarge { count: 500, .. },
                ..
            }
        ));
        assert!(matches!(
            parse_xblock(&[0x02, 0x01, 0, 0], Format::Unicode, "test"),
            Err(Error::Corrupt { .. })
        ));
    }

    #[test]
    fn ndb_subnode_tree_through_an_siblock() {
        let sl = subblock(0, &[&[0x692, 0x4, 0], &[0x671, 0x8, 0]]);
        let si = subblock(1, &[&[0x671, 0xA]]);
        let db = ndb(mini_file(
            &[],
            &[(0xA, sl), (0xE, si), (0x4, vec![1]), (0x8, vec![2])],
        ));
        let map = db.subnodes(0xE, &mut Vec::new()).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map.get(0x692).map(|e| e.bid_data), Some(0x4));
        assert_eq!(map.get(0x671).map(|e| e.bid_data), Some(0x8));
        assert_eq!(map.get(0x999), None);
        // An SIBLOCK pointing at itself is refused.
        let si = subblock(1, &[&[0x671, 0xE]]);
        let db = ndb(mini_file(&[], &[(0xE, si)]));
        assert!(db.subnodes(0xE, &mut Vec::new()).is_err());
    }

    #[test]
    fn ndb_subnode_block_is_checked_like_any_block() {
        // The SLBLOCK is parsed out of the read window, after the same trailer checks as a block
        // that is copied: a CRC mismatch is a warning and the entries are still read, a trailer
        // naming another block is an error. The block is the file's first, at 0x800, and its 56
        // bytes make a 128-byte block whose trailer starts at byte 112.
        let sl = subblock(0, &[&[0x692, 0x4, 0], &[0x671, 0x8, 0]]);
        let good = mini_file(&[], &[(0xA, sl)]);
        let trailer = 0x800 + 112;
        let mut bad_crc = good.clone();
        bad_crc[trailer + 4] ^= 0xFF;
        let mut w = Vec::new();
        let map = ndb(bad_crc).subnodes(0xA, &mut w).unwrap();
        assert_eq!(map.get(0x671).map(|e| e.bid_data), Some(0x8));
        assert_eq!(map.get(0x692).map(|e| e.bid_data), Some(0x4));
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("crc mismatch"), "{w:?}");
        let mut other_bid = good.clone();
        other_bid[trailer + 8] = 0x1E;
        let err = ndb(other_bid).subnodes(0xA, &mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("trailer bid 0x1e"), "{err}");
        let mut w = Vec::new();
        assert_eq!(ndb(good).subnodes(0xA, &mut w).unwrap().len(), 2);
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn ndb_inflate_checks_the_size() {
        let data = [
            0x78, 0x9C, 0x4B, 0x4C, 0x4A, 0x06, 0x00, 0x02, 0x4D, 0x01, 0x27,
        ]; // zlib("abc")
        let t = || "t".to_owned();
        assert_eq!(inflate(&data, Vec::new(), 3, t).unwrap(), b"abc");
        // A reused buffer's old bytes do not leak into the result.
        assert_eq!(inflate(&data, vec![7; 10], 3, t).unwrap(), b"abc");
        assert!(inflate(&data, Vec::new(), 4, t).is_err());
        assert!(inflate(&data, Vec::new(), 2, t).is_err());
        assert!(inflate(&data[..5], Vec::new(), 3, t).is_err());
    }
}

//! The node database layer of a Unicode PST ([MS-PST] 2.2): file space, blocks with trailers,
//! data trees (XBLOCK/XXBLOCK), sub-node trees (SLBLOCK/SIBLOCK), the node and block B-trees, the
//! allocation maps (AMap, PMap, FMap, FPMap), the density list and the header.
//!
//! Space is handed out strictly in file order, so every block is written once, in sequence, and
//! nothing but the B-tree records and the allocation bitmaps stays in memory. The map pages of an
//! allocation section are written as zeros when the section is entered and filled in by
//! [`Ndb::finish`], which also writes the B-trees, the density list and the header last.

use std::io::{self, Seek, SeekFrom, Write};

use calcheck_pst::crc::{compute_crc, compute_sig};
use calcheck_pst::crypt::{self, CryptMethod};

/// Size of a page ([MS-PST] 2.2.2.7).
const PAGE: u64 = 512;
/// Offset of the first AMap page ([MS-PST] 2.2.2.7.2).
const FIRST_AMAP: u64 = 0x4400;
/// Offset of the density list page ([MS-PST] 2.2.2.7.4).
const DLIST_AT: u64 = 0x4200;
/// Bytes one AMap page maps: 496 bytes of bits, 64 bytes a bit ([MS-PST] 2.2.2.7.2).
const AMAP_SPAN: u64 = 496 * 8 * 64;
/// One PMap follows every eighth AMap ([MS-PST] 2.2.2.7.3).
const PMAP_EVERY: u64 = 8;
/// The header's rgbFM covers the first 128 AMaps; FMap pages cover 496 AMaps each after that.
const FMAP_FIRST: u64 = 128;
/// AMaps one FMap page covers.
const FMAP_EVERY: u64 = 496;
/// The header's rgbFP covers the first 1024 PMaps (8192 AMaps); FPMap pages cover 3968 PMaps.
const FPMAP_FIRST: u64 = 8192;
/// AMaps one FPMap page covers (496 bytes of bits, one bit per PMap, eight AMaps per PMap).
const FPMAP_EVERY: u64 = 496 * 8 * 8;
/// Largest payload of a data block: 8 KiB minus the 16-byte trailer ([MS-PST] 2.2.2.8).
pub const MAX_BLOCK_DATA: usize = 8176;
/// Block ids a data tree lists per XBLOCK: (8176 - 8) / 8.
const XBLOCK_ENTRIES: usize = 1021;
/// SLENTRYs per SLBLOCK: (8176 - 8) / 24.
const SLBLOCK_ENTRIES: usize = 340;
/// SIENTRYs per SIBLOCK: (8176 - 8) / 16.
const SIBLOCK_ENTRIES: usize = 510;

/// `ptypeBBT`.
const PTYPE_BBT: u8 = 0x80;
/// `ptypeNBT`.
const PTYPE_NBT: u8 = 0x81;
/// `ptypeFMap`.
const PTYPE_FMAP: u8 = 0x82;
/// `ptypePMap`.
const PTYPE_PMAP: u8 = 0x83;
/// `ptypeAMap`.
const PTYPE_AMAP: u8 = 0x84;
/// `ptypeFPMap`.
const PTYPE_FPMAP: u8 = 0x85;
/// `ptypeDL`.
const PTYPE_DLIST: u8 = 0x86;

/// How external data blocks are encoded ([MS-PST] 5.1, 5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Crypt {
    /// `NDB_CRYPT_NONE`.
    #[default]
    None,
    /// `NDB_CRYPT_PERMUTE` ("compressible encryption"), the Outlook default.
    Permute,
    /// `NDB_CRYPT_CYCLIC` ("high encryption").
    Cyclic,
}

impl Crypt {
    fn method(self) -> CryptMethod {
        match self {
            Crypt::None => CryptMethod::None,
            Crypt::Permute => CryptMethod::Permute,
            Crypt::Cyclic => CryptMethod::Cyclic,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Crypt::None => 0,
            Crypt::Permute => 1,
            Crypt::Cyclic => 2,
        }
    }
}

/// A leaf record of the block B-tree.
#[derive(Debug, Clone, Copy)]
struct BlockRecord {
    bid: u64,
    ib: u64,
    cb: u16,
}

/// A leaf record of the node B-tree.
#[derive(Debug, Clone, Copy)]
pub struct NodeRecord {
    /// The node id.
    pub nid: u32,
    /// Its data block or data tree.
    pub bid_data: u64,
    /// Its sub-node tree, 0 for none.
    pub bid_sub: u64,
    /// Parent node (folder of a message, parent of a folder).
    pub parent: u32,
}

/// One entry of a sub-node tree: a sub-node id and its data and sub-node trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubnodeEntry {
    /// The sub-node id (unique within its tree).
    pub nid: u32,
    /// Its data block or data tree.
    pub bid_data: u64,
    /// Its own sub-node tree, 0 for none.
    pub bid_sub: u64,
}

/// What [`Ndb::finish`] reports about the file it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSummary {
    /// File size (`ROOT.ibFileEof`).
    pub size: u64,
    /// Blocks in the block B-tree.
    pub blocks: usize,
    /// Nodes in the node B-tree.
    pub nodes: usize,
    /// AMap pages (allocation sections).
    pub amaps: u64,
}

/// The NDB writer: a sequential allocator over the output, plus the B-tree records.
pub struct Ndb<W: Write + Seek> {
    out: W,
    /// Next free byte; everything before it has been written.
    pos: u64,
    crypt: Crypt,
    next_bid: u64,
    next_page_bid: u64,
    blocks: Vec<BlockRecord>,
    nodes: Vec<NodeRecord>,
    /// 496 bytes of allocation bits per AMap page, in file order.
    amap: Vec<u8>,
    unique: u32,
}

/// Offset of AMap page `k`.
fn amap_at(k: u64) -> u64 {
    FIRST_AMAP + k * AMAP_SPAN
}

/// The map pages at the start of allocation section `k`, in file order: AMap, then a PMap every
/// eighth section, an FMap every 496 sections from the 128th, an FPMap every 31744 from the 8192nd.
fn map_pages(k: u64) -> Vec<u8> {
    let mut v = vec![PTYPE_AMAP];
    if k % PMAP_EVERY == 0 {
        v.push(PTYPE_PMAP);
    }
    if k >= FMAP_FIRST && (k - FMAP_FIRST) % FMAP_EVERY == 0 {
        v.push(PTYPE_FMAP);
    }
    if k >= FPMAP_FIRST && (k - FPMAP_FIRST) % FPMAP_EVERY == 0 {
        v.push(PTYPE_FPMAP);
    }
    v
}

fn round_up(v: u64, to: u64) -> u64 {
    v.div_ceil(to) * to
}

impl<W: Write + Seek> Ndb<W> {
    /// Starts a file on `out` (which must be empty and positioned at 0).
    pub fn new(mut out: W, crypt: Crypt, unique: u32) -> io::Result<Self> {
        // The header, the unused space and the density list are written by `finish`.
        out.write_all(&vec![0u8; FIRST_AMAP as usize])?;
        let mut ndb = Ndb {
            out,
            pos: FIRST_AMAP,
            crypt,
            // Block ids advance by 4: bit 0 is reserved and bit 1 marks internal blocks.
            next_bid: 4,
            next_page_bid: 4,
            blocks: Vec::new(),
            nodes: Vec::new(),
            amap: Vec::new(),
            unique,
        };
        ndb.enter_section(0)?;
        Ok(ndb)
    }

    /// The section (AMap index) an offset falls in.
    fn section_of(ib: u64) -> u64 {
        (ib - FIRST_AMAP) / AMAP_SPAN
    }

    /// Reserves the map pages of section `k` (written as zeros for now) and marks them used.
    fn enter_section(&mut self, k: u64) -> io::Result<()> {
        debug_assert_eq!(self.pos, amap_at(k));
        let pages = map_pages(k).len() as u64;
        self.amap.resize((k as usize + 1) * 496, 0);
        let len = pages * PAGE;
        self.out.write_all(&vec![0u8; len as usize])?;
        self.mark(self.pos, len);
        self.pos += len;
        Ok(())
    }

    /// Sets the AMap bits of `len` bytes at `ib` (both multiples of 64, inside one section).
    fn mark(&mut self, ib: u64, len: u64) {
        let k = Self::section_of(ib);
        let first = (ib - amap_at(k)) / 64;
        for slot in first..first + len / 64 {
            let byte = (k * 496 + slot / 8) as usize;
            // The first slot of a section is the high bit of its first byte.
            self.amap[byte] |= 0x80 >> (slot % 8);
        }
    }

    /// Hands out `size` bytes aligned to `align`, inside one allocation section, writing zeros
    /// over whatever is skipped. Returns the offset.
    fn alloc(&mut self, size: u64, align: u64) -> io::Result<u64> {
        debug_assert!(size <= AMAP_SPAN - 4 * PAGE);
        loop {
            let k = Self::section_of(self.pos);
            if k as usize * 496 >= self.amap.len() {
                // The previous allocation ended exactly where this section starts.
                self.enter_section(k)?;
                continue;
            }
            let at = round_up(self.pos, align);
            let end = amap_at(k + 1);
            if at + size <= end {
                self.out.write_all(&vec![0u8; (at - self.pos) as usize])?;
                self.pos = at;
                self.mark(at, size);
                return Ok(at);
            }
            // The rest of this section stays free; the next one starts with its map pages.
            self.out.write_all(&vec![0u8; (end - self.pos) as usize])?;
            self.pos = end;
        }
    }

    fn new_bid(&mut self, internal: bool) -> u64 {
        let bid = self.next_bid | if internal { 2 } else { 0 };
        self.next_bid += 4;
        bid
    }

    /// Writes one block (payload, padding to 64 bytes, BLOCKTRAILER) and returns its id.
    ///
    /// External blocks are encoded with the file's method first; the CRC covers the stored bytes.
    pub fn write_block(&mut self, data: &[u8], internal: bool) -> io::Result<u64> {
        assert!(
            data.len() <= MAX_BLOCK_DATA,
            "block of {} bytes",
            data.len()
        );
        let bid = self.new_bid(internal);
        let mut payload = data.to_vec();
        if !internal {
            crypt::encode(self.crypt.method(), &mut payload, bid);
        }
        let total = round_up(payload.len() as u64 + 16, 64);
        let ib = self.alloc(total, 64)?;
        let mut b = payload;
        b.resize(total as usize - 16, 0);
        let cb = data.len() as u16;
        b.extend_from_slice(&cb.to_le_bytes());
        b.extend_from_slice(&compute_sig(ib, bid).to_le_bytes());
        b.extend_from_slice(&compute_crc(&b[..data.len()]).to_le_bytes());
        b.extend_from_slice(&bid.to_le_bytes());
        self.out.write_all(&b)?;
        self.pos += total;
        self.blocks.push(BlockRecord { bid, ib, cb });
        Ok(bid)
    }

    /// Writes node data cut into blocks at the given boundaries: one block, or an XBLOCK (or
    /// XXBLOCK) over them ([MS-PST] 2.2.2.8.3.2). Returns the data tree's id (0 for no data).
    pub fn write_data_blocks(&mut self, chunks: &[Vec<u8>]) -> io::Result<u64> {
        match chunks {
            [] => Ok(0),
            [one] => self.write_block(one, false),
            _ => {
                let total: u64 = chunks.iter().map(|c| c.len() as u64).sum();
                let mut bids = Vec::with_capacity(chunks.len());
                for c in chunks {
                    bids.push(self.write_block(c, false)?);
                }
                self.write_xtree(&bids, total, chunks)
            }
        }
    }

    /// Writes `data` as node data, cut into full-size blocks.
    pub fn write_data(&mut self, data: &[u8]) -> io::Result<u64> {
        let chunks: Vec<Vec<u8>> = data.chunks(MAX_BLOCK_DATA).map(<[u8]>::to_vec).collect();
        self.write_data_blocks(&chunks)
    }

    /// XBLOCK over up to 1021 blocks, else an XXBLOCK over XBLOCKs of 1021 blocks each.
    fn write_xtree(&mut self, bids: &[u64], total: u64, chunks: &[Vec<u8>]) -> io::Result<u64> {
        let total32 = u32::try_from(total).map_err(|_| io::Error::other("node data over 4 GiB"))?;
        if bids.len() <= XBLOCK_ENTRIES {
            return self.write_block(&xblock(1, total32, bids), true);
        }
        let mut children = Vec::new();
        let mut at = 0;
        for group in bids.chunks(XBLOCK_ENTRIES) {
            let size: u64 = chunks[at..at + group.len()]
                .iter()
                .map(|c| c.len() as u64)
                .sum();
            at += group.len();
            children.push(self.write_block(&xblock(1, size as u32, group), true)?);
        }
        if children.len() > XBLOCK_ENTRIES {
            return Err(io::Error::other("node data beyond what an XXBLOCK holds"));
        }
        self.write_block(&xblock(2, total32, &children), true)
    }

    /// Writes a sub-node tree ([MS-PST] 2.2.2.8.3.3): one SLBLOCK, or an SIBLOCK over SLBLOCKs.
    /// Returns 0 when there are no entries.
    pub fn write_subnodes(&mut self, entries: &[SubnodeEntry]) -> io::Result<u64> {
        if entries.is_empty() {
            return Ok(0);
        }
        let mut sorted = entries.to_vec();
        sorted.sort_by_key(|e| e.nid);
        if sorted.len() <= SLBLOCK_ENTRIES {
            return self.write_block(&slblock(&sorted), true);
        }
        let mut si = Vec::new();
        for group in sorted.chunks(SLBLOCK_ENTRIES) {
            let bid = self.write_block(&slblock(group), true)?;
            si.push((group[0].nid, bid));
        }
        if si.len() > SIBLOCK_ENTRIES {
            return Err(io::Error::other("too many sub-nodes for one SIBLOCK"));
        }
        let mut b = vec![0x02, 0x01];
        b.extend_from_slice(&(si.len() as u16).to_le_bytes());
        b.extend_from_slice(&[0; 4]);
        for (nid, bid) in si {
            b.extend_from_slice(&u64::from(nid).to_le_bytes());
            b.extend_from_slice(&bid.to_le_bytes());
        }
        self.write_block(&b, true)
    }

    /// Records a node of the node B-tree.
    pub fn add_node(&mut self, node: NodeRecord) {
        self.nodes.push(node);
    }

    /// Writes the B-trees, the allocation maps, the density list and the header, and returns the
    /// output with a summary.
    pub fn finish(mut self, rgnid: &[u32; 32]) -> io::Result<(W, FileSummary)> {
        self.nodes.sort_by_key(|n| n.nid);
        for w in self.nodes.windows(2) {
            if w[0].nid == w[1].nid {
                return Err(io::Error::other(format!(
                    "node {:#x} written twice",
                    w[0].nid
                )));
            }
        }
        // Leaf entries back to back; each starts with its 8-byte key (NID or BID).
        let mut nbt_entries = Vec::with_capacity(self.nodes.len() * 32);
        for n in &self.nodes {
            nbt_entries.extend_from_slice(&u64::from(n.nid).to_le_bytes());
            nbt_entries.extend_from_slice(&n.bid_data.to_le_bytes());
            nbt_entries.extend_from_slice(&n.bid_sub.to_le_bytes());
            nbt_entries.extend_from_slice(&n.parent.to_le_bytes());
            nbt_entries.extend_from_slice(&[0; 4]);
        }
        let nbt_root = self.write_btree(PTYPE_NBT, 32, &nbt_entries)?;
        drop(nbt_entries);

        // The BBT lists every block written so far; writing its pages adds no blocks.
        self.blocks.sort_by_key(|b| b.bid);
        let mut bbt_entries = Vec::with_capacity(self.blocks.len() * 24);
        for b in &self.blocks {
            bbt_entries.extend_from_slice(&b.bid.to_le_bytes());
            bbt_entries.extend_from_slice(&b.ib.to_le_bytes());
            bbt_entries.extend_from_slice(&b.cb.to_le_bytes());
            // cRef: the B-tree's reference plus the one of the node that uses the block.
            bbt_entries.extend_from_slice(&2u16.to_le_bytes());
            bbt_entries.extend_from_slice(&[0; 4]);
        }
        let bbt_root = self.write_btree(PTYPE_BBT, 24, &bbt_entries)?;
        drop(bbt_entries);

        // The file ends where the last allocation section ends.
        let last = Self::section_of(self.pos - 1);
        let eof = amap_at(last + 1);
        self.out.write_all(&vec![0u8; (eof - self.pos) as usize])?;
        self.pos = eof;
        let sections = last + 1;

        let mut free_total = 0u64;
        let mut dlist: Vec<(u32, u32)> = Vec::new();
        for k in 0..sections {
            let bits = &self.amap[(k * 496) as usize..(k * 496 + 496) as usize];
            let free: u32 = bits.iter().map(|b| b.count_zeros()).sum();
            free_total += u64::from(free) * 64;
            if free > 0 {
                dlist.push((k as u32, free));
            }
            let mut at = amap_at(k);
            for ptype in map_pages(k) {
                let data: Vec<u8> = if ptype == PTYPE_AMAP {
                    bits.to_vec()
                } else {
                    // PMap, FMap and FPMap are deprecated: 0xFF marks everything as taken, so
                    // an old client never allocates through them ([MS-PST] 2.2.2.7.3, 2.2.2.7.5, 2.2.2.7.6).
                    vec![0xFF; 496]
                };
                // Map pages carry their own offset as the page id and no signature.
                let page = page_bytes(&data, ptype, 0, at);
                self.out.seek(SeekFrom::Start(at))?;
                self.out.write_all(&page)?;
                at += PAGE;
            }
        }

        // Density list: sections with free space, the emptiest first ([MS-PST] 2.2.2.7.4).
        dlist.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        dlist.truncate(119);
        let mut dl = vec![0u8; 496];
        dl[0] = 0x01; // DFL_BACKFILL_COMPLETE
        dl[1] = dlist.len() as u8;
        dl[4..8].copy_from_slice(&(last as u32).to_le_bytes());
        for (i, (page, free)) in dlist.iter().enumerate() {
            let entry = (page & 0xFFFFF) | ((free & 0xFFF) << 20);
            dl[8 + 4 * i..12 + 4 * i].copy_from_slice(&entry.to_le_bytes());
        }
        let dl_page = page_bytes(&dl, PTYPE_DLIST, compute_sig(DLIST_AT, DLIST_AT), DLIST_AT);
        self.out.seek(SeekFrom::Start(DLIST_AT))?;
        self.out.write_all(&dl_page)?;

        let header = self.header(rgnid, eof, amap_at(last), free_total, nbt_root, bbt_root);
        self.out.seek(SeekFrom::Start(0))?;
        self.out.write_all(&header)?;
        self.out.seek(SeekFrom::Start(eof))?;
        self.out.flush()?;
        let summary = FileSummary {
            size: eof,
            blocks: self.blocks.len(),
            nodes: self.nodes.len(),
            amaps: sections,
        };
        Ok((self.out, summary))
    }

    /// Writes a B-tree over `entries` (leaf entries of `leaf_size` bytes back to back, sorted by
    /// the 8-byte key each starts with); returns the root (bid, ib).
    fn write_btree(
        &mut self,
        ptype: u8,
        leaf_size: usize,
        entries: &[u8],
    ) -> io::Result<(u64, u64)> {
        let leaf_max = 488 / leaf_size;
        let mut level: Vec<(u64, u64, u64)> = Vec::new(); // (first key, bid, ib)
        let groups: Vec<&[u8]> = if entries.is_empty() {
            vec![&[]]
        } else {
            entries.chunks(leaf_max * leaf_size).collect()
        };
        for group in groups {
            let raw: Vec<&[u8]> = group.chunks(leaf_size).collect();
            let (bid, ib) = self.write_bt_page(ptype, 0, leaf_size, leaf_max, &raw)?;
            let key = group
                .get(..8)
                .map_or(0, |k| u64::from_le_bytes(k.try_into().unwrap_or_default()));
            level.push((key, bid, ib));
        }
        let mut depth = 0u8;
        while level.len() > 1 {
            depth += 1;
            let mut next = Vec::new();
            for group in level.chunks(20) {
                let raw: Vec<Vec<u8>> = group
                    .iter()
                    .map(|(key, bid, ib)| {
                        let mut e = Vec::with_capacity(24);
                        e.extend_from_slice(&key.to_le_bytes());
                        e.extend_from_slice(&bid.to_le_bytes());
                        e.extend_from_slice(&ib.to_le_bytes());
                        e
                    })
                    .collect();
                let refs: Vec<&[u8]> = raw.iter().map(Vec::as_slice).collect();
                let (bid, ib) = self.write_bt_page(ptype, depth, 24, 20, &refs)?;
                next.push((group[0].0, bid, ib));
            }
            level = next;
        }
        Ok((level[0].1, level[0].2))
    }

    fn write_bt_page(
        &mut self,
        ptype: u8,
        level: u8,
        entry_size: usize,
        max: usize,
        entries: &[&[u8]],
    ) -> io::Result<(u64, u64)> {
        let ib = self.alloc(PAGE, PAGE)?;
        let bid = self.next_page_bid;
        self.next_page_bid += 4;
        let mut data = vec![0u8; 496];
        for (i, e) in entries.iter().enumerate() {
            data[i * entry_size..i * entry_size + e.len()].copy_from_slice(e);
        }
        data[488] = entries.len() as u8;
        data[489] = max as u8;
        data[490] = entry_size as u8;
        data[491] = level;
        let page = page_bytes(&data, ptype, compute_sig(ib, bid), bid);
        self.out.write_all(&page)?;
        self.pos += PAGE;
        Ok((bid, ib))
    }

    fn header(
        &self,
        rgnid: &[u32; 32],
        eof: u64,
        amap_last: u64,
        amap_free: u64,
        nbt: (u64, u64),
        bbt: (u64, u64),
    ) -> Vec<u8> {
        let mut h = vec![0u8; 564];
        h[0..4].copy_from_slice(b"!BDN");
        h[8..10].copy_from_slice(b"SM");
        h[10..12].copy_from_slice(&23u16.to_le_bytes()); // wVer: Unicode
        h[12..14].copy_from_slice(&19u16.to_le_bytes()); // wVerClient
        h[14] = 0x01; // bPlatformCreate
        h[15] = 0x01; // bPlatformAccess
        h[32..40].copy_from_slice(&self.next_page_bid.to_le_bytes()); // bidNextP
        h[40..44].copy_from_slice(&self.unique.to_le_bytes()); // dwUnique
        for (i, v) in rgnid.iter().enumerate() {
            h[44 + 4 * i..48 + 4 * i].copy_from_slice(&v.to_le_bytes());
        }
        // ROOT at 180.
        h[184..192].copy_from_slice(&eof.to_le_bytes());
        h[192..200].copy_from_slice(&amap_last.to_le_bytes());
        h[200..208].copy_from_slice(&amap_free.to_le_bytes());
        // cbPMapFree stays 0: every PMap is filled.
        h[216..224].copy_from_slice(&nbt.0.to_le_bytes());
        h[224..232].copy_from_slice(&nbt.1.to_le_bytes());
        h[232..240].copy_from_slice(&bbt.0.to_le_bytes());
        h[240..248].copy_from_slice(&bbt.1.to_le_bytes());
        h[248] = 0x02; // fAMapValid: VALID_AMAP2
        // rgbFM and rgbFP are deprecated and filled with 0xFF.
        h[256..512].fill(0xFF);
        h[512] = 0x80; // bSentinel
        h[513] = self.crypt.byte();
        h[516..524].copy_from_slice(&self.next_bid.to_le_bytes()); // bidNextB
        let partial = compute_crc(&h[8..8 + 471]);
        h[4..8].copy_from_slice(&partial.to_le_bytes());
        let full = compute_crc(&h[8..8 + 516]);
        h[524..528].copy_from_slice(&full.to_le_bytes());
        h
    }
}

/// A page: 496 data bytes and a PAGETRAILER (ptype twice, signature, CRC of the data, page id).
fn page_bytes(data: &[u8], ptype: u8, sig: u16, bid: u64) -> Vec<u8> {
    let mut p = data.to_vec();
    p.resize(496, 0);
    p.push(ptype);
    p.push(ptype);
    p.extend_from_slice(&sig.to_le_bytes());
    let crc = compute_crc(&p[..496]);
    p.extend_from_slice(&crc.to_le_bytes());
    p.extend_from_slice(&bid.to_le_bytes());
    p
}

/// An XBLOCK (`level` 1) or XXBLOCK (`level` 2).
fn xblock(level: u8, total: u32, bids: &[u64]) -> Vec<u8> {
    let mut b = vec![0x01, level];
    b.extend_from_slice(&(bids.len() as u16).to_le_bytes());
    b.extend_from_slice(&total.to_le_bytes());
    for bid in bids {
        b.extend_from_slice(&bid.to_le_bytes());
    }
    b
}

/// An SLBLOCK over entries sorted by nid.
fn slblock(entries: &[SubnodeEntry]) -> Vec<u8> {
    let mut b = vec![0x02, 0x00];
    b.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    b.extend_from_slice(&[0; 4]);
    for e in entries {
        b.extend_from_slice(&u64::from(e.nid).to_le_bytes());
        b.extend_from_slice(&e.bid_data.to_le_bytes());
        b.extend_from_slice(&e.bid_sub.to_le_bytes());
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_pages_follow_the_spec_intervals() {
        assert_eq!(map_pages(0), vec![PTYPE_AMAP, PTYPE_PMAP]);
        assert_eq!(map_pages(1), vec![PTYPE_AMAP]);
        assert_eq!(map_pages(8), vec![PTYPE_AMAP, PTYPE_PMAP]);
        assert_eq!(map_pages(128), vec![PTYPE_AMAP, PTYPE_PMAP, PTYPE_FMAP]);
        assert_eq!(
            map_pages(128 + 496),
            vec![PTYPE_AMAP, PTYPE_PMAP, PTYPE_FMAP]
        );
        assert_eq!(map_pages(8192), vec![PTYPE_AMAP, PTYPE_PMAP, PTYPE_FPMAP]);
        // [MS-PST] 2.2.2.7.3: the first PMap is at 0x4600, right after the first AMap.
        assert_eq!(amap_at(0) + PAGE, 0x4600);
        assert_eq!(amap_at(1) - amap_at(0), 253_952);
    }
}

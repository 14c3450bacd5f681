//! Writes Unicode PST files ([MS-PST], `wVer` 23) from the same [`Message`] descriptions the .msg
//! writer uses, for fixtures and for generated mailboxes of any size.
//!
//! [`PstWriter`] streams: every message is turned into blocks and written as soon as it is added,
//! and only what the B-trees, the folder tables and the named-property map need is kept until
//! [`PstWriter::finish`]. The layers follow the spec:
//!
//! | module | layer | spec |
//! |---|---|---|
//! | [`ndb`] | header, AMap/PMap/FMap/FPMap, density list, blocks, data and sub-node trees, NBT/BBT | [MS-PST] 2.2 |
//! | [`ltp`] | heap-on-node, BTH, property and table contexts | [MS-PST] 2.3 |
//! | this module | message store, named-property map, folders, messages, recipients, attachments | [MS-PST] 2.4 |
//!
//! The file has the nodes Outlook creates in a new store (message store, name-to-id map, root
//! folder, "Top of Personal Folders", "Search Root", "Deleted Items", the table templates), then
//! the caller's folders and messages. Subjects get the `\u{1}\u{1}` marker Outlook writes in front
//! of PR_SUBJECT ([MS-PST] 2.5.3.1.1: no prefix).

pub mod ltp;
pub mod ndb;
pub mod value;

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{self, BufWriter, Cursor, Seek, Write};
use std::path::Path;

use calcheck_format::Guid;
use calcheck_format::props::PropValue;
use calcheck_model::key::{NamedId, PS_MAPI, PS_PUBLIC_STRINGS, PSETID_APPOINTMENT, PropKey};

use crate::msg::{Attachment, Message, Props, Recipient, Value};
use ltp::{PcProp, Subnodes, TcRow, write_pc, write_tc};
pub use ndb::{Crypt, FileSummary};
use ndb::{Ndb, NodeRecord, SubnodeEntry};

/// NID of the message store.
pub const NID_MESSAGE_STORE: u32 = 0x21;
/// NID of the named-property map.
pub const NID_NAME_TO_ID_MAP: u32 = 0x61;
/// NID of the root folder.
pub const NID_ROOT_FOLDER: u32 = 0x122;
/// NID of "Top of Personal Folders", the IPM subtree.
pub const NID_IPM_SUBTREE: u32 = 0x8022;
/// NID of "Search Root", the finder folder.
pub const NID_SEARCH_ROOT: u32 = 0x8042;
/// NID of "Deleted Items".
pub const NID_DELETED_ITEMS: u32 = 0x8062;
/// NID of a message's recipient table.
const NID_RECIPIENT_TABLE: u32 = 0x692;
/// NID of a message's attachment table.
const NID_ATTACHMENT_TABLE: u32 = 0x671;

/// NID types ([MS-PST] 2.2.2.1).
const NID_TYPE_NORMAL_FOLDER: u32 = 0x02;
const NID_TYPE_NORMAL_MESSAGE: u32 = 0x04;
const NID_TYPE_ATTACHMENT: u32 = 0x05;
const NID_TYPE_ASSOC_MESSAGE: u32 = 0x08;
const NID_TYPE_HIERARCHY_TABLE: u32 = 0x0D;
const NID_TYPE_CONTENTS_TABLE: u32 = 0x0E;
const NID_TYPE_ASSOC_CONTENTS_TABLE: u32 = 0x0F;

/// Buckets of the named-property hash table (PidTagNameidBucketCount).
const NAMEID_BUCKETS: u32 = 251;

/// Columns of a hierarchy table ([MS-PST] 2.4.4.4.1), besides the row id and version.
const HIERARCHY_COLUMNS: [u32; 11] = [
    0x0E30_0102,
    0x0E33_0014,
    0x0E34_0102,
    0x0E38_0003,
    0x3001_001F,
    0x3602_0003,
    0x3603_0003,
    0x360A_000B,
    0x3613_001F,
    0x6635_0003,
    0x6636_0003,
];

/// Columns of a contents table ([MS-PST] 2.4.4.5.1), besides the row id and version.
const CONTENTS_COLUMNS: [u32; 26] = [
    0x0017_0003,
    0x001A_001F,
    0x0036_0003,
    0x0037_001F,
    0x0039_0040,
    0x0042_001F,
    0x0057_000B,
    0x0058_000B,
    0x0070_001F,
    0x0071_0102,
    0x0E03_001F,
    0x0E04_001F,
    0x0E06_0040,
    0x0E07_0003,
    0x0E08_0003,
    0x0E17_0003,
    0x0E30_0102,
    0x0E33_0014,
    0x0E34_0102,
    0x0E38_0003,
    0x0E3C_0102,
    0x0E3D_0102,
    0x1097_0003,
    0x3008_0040,
    0x3013_0102,
    0x65C6_0003,
];

/// Columns of an associated (FAI) contents table ([MS-PST] 2.4.4.6.1).
const ASSOC_COLUMNS: [u32; 16] = [
    0x001A_001F,
    0x0E07_0003,
    0x0E17_0003,
    0x3001_001F,
    0x3008_0040,
    0x6800_001F,
    0x6803_000B,
    0x6805_1003,
    0x682F_001F,
    0x685D_0003,
    0x7003_0003,
    0x7004_0102,
    0x7005_0102,
    0x7006_001F,
    0x7007_0003,
    0x7C06_0003,
];

/// Columns of a recipient table ([MS-PST] 2.4.5.3.1); rows add their own properties.
const RECIPIENT_COLUMNS: [u32; 12] = [
    0x0C15_0003,
    0x0E0F_000B,
    0x0FF9_0102,
    0x0FFE_0003,
    0x0FFF_0102,
    0x3001_001F,
    0x3002_001F,
    0x3003_001F,
    0x300B_0102,
    0x3900_0003,
    0x39FF_001F,
    0x3A40_000B,
];

/// Columns of an attachment table ([MS-PST] 2.4.6.1.1).
const ATTACHMENT_COLUMNS: [u32; 4] = [0x0E20_0003, 0x3704_001F, 0x3705_0003, 0x370B_0003];

/// PR_SUBJECT.
const PROP_SUBJECT: u16 = 0x0037;
/// PR_MESSAGE_SIZE.
const PROP_MESSAGE_SIZE: u16 = 0x0E08;
/// PR_ATTACH_SIZE.
const PROP_ATTACH_SIZE: u16 = 0x0E20;
/// PR_ATTACH_DATA_OBJ.
const PROP_ATTACH_DATA: u16 = 0x3701;
/// PR_ATTACH_METHOD value of an embedded message.
const ATTACH_EMBEDDED_MSG: i32 = 5;

/// A folder of the file being written (its NID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FolderId(pub u32);

/// Options of a new file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PstOptions {
    /// The store's display name (what readers show as the top folder).
    pub display_name: String,
    /// How data blocks are encoded.
    pub crypt: Crypt,
    /// Seed of the store's provider UID and of `dwUnique`, so output is reproducible.
    pub seed: u64,
}

impl Default for PstOptions {
    fn default() -> Self {
        PstOptions {
            display_name: "Personal Folders".to_owned(),
            crypt: Crypt::None,
            seed: 1,
        }
    }
}

/// A message as a folder's contents table lists it: row id and packed cells.
#[derive(Debug)]
struct PackedRow {
    id: u32,
    /// (tag, length, bytes) records.
    data: Vec<u8>,
}

impl PackedRow {
    fn pack(id: u32, cells: &[(u32, Vec<u8>)]) -> Self {
        let mut data = Vec::new();
        for (tag, bytes) in cells {
            data.extend_from_slice(&tag.to_le_bytes());
            data.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            data.extend_from_slice(bytes);
        }
        PackedRow { id, data }
    }

    fn unpack(&self) -> TcRow {
        let mut cells = BTreeMap::new();
        let mut at = 0;
        while at + 8 <= self.data.len() {
            let tag = u32::from_le_bytes(self.data[at..at + 4].try_into().unwrap_or_default());
            let len = u32::from_le_bytes(self.data[at + 4..at + 8].try_into().unwrap_or_default())
                as usize;
            cells.insert(tag, self.data[at + 8..at + 8 + len].to_vec());
            at += 8 + len;
        }
        TcRow { id: self.id, cells }
    }
}

#[derive(Debug)]
struct FolderState {
    parent: u32,
    name: String,
    class: Option<String>,
    children: Vec<u32>,
    contents: Vec<PackedRow>,
    assoc: Vec<PackedRow>,
    unread: u32,
}

/// The store's named-property map: (set, LID or name) → local id 0x8000 + index.
#[derive(Debug, Default)]
struct NameMap {
    ids: HashMap<(Guid, NamedId), u16>,
    entries: Vec<(Guid, NamedId)>,
    guids: Vec<Guid>,
}

impl NameMap {
    fn id(&mut self, set: Guid, id: &NamedId) -> u16 {
        if let Some(v) = self.ids.get(&(set, id.clone())) {
            return *v;
        }
        let local = 0x8000 + self.entries.len() as u16;
        self.ids.insert((set, id.clone()), local);
        self.entries.push((set, id.clone()));
        if set != PS_MAPI && set != PS_PUBLIC_STRINGS && !self.guids.contains(&set) {
            self.guids.push(set);
        }
        local
    }

    fn guid_index(&self, set: &Guid) -> u16 {
        if *set == PS_MAPI {
            1
        } else if *set == PS_PUBLIC_STRINGS {
            2
        } else {
            3 + self.guids.iter().position(|g| g == set).unwrap_or(0) as u16
        }
    }

    /// The PC records of NID 0x61 ([MS-PST] 2.4.7): bucket count, the GUID, entry and string
    /// streams, and the hash buckets.
    fn props(&self) -> Vec<PcProp> {
        let guids: Vec<u8> = self.guids.iter().flat_map(|g| g.to_bytes_le()).collect();
        let mut entries = Vec::new();
        let mut strings = Vec::new();
        let mut buckets: BTreeMap<u32, Vec<u8>> = BTreeMap::new();
        for (index, (set, id)) in self.entries.iter().enumerate() {
            let (first, kind, hash_key) = match id {
                NamedId::Lid(lid) => (*lid, 0u16, *lid),
                NamedId::Name(name) => {
                    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
                    let offset = strings.len() as u32;
                    strings.extend_from_slice(&(utf16.len() as u32).to_le_bytes());
                    strings.extend_from_slice(&utf16);
                    while strings.len() % 4 != 0 {
                        strings.push(0);
                    }
                    (offset, 1u16, calcheck_pst::crc::compute_crc(&utf16))
                }
            };
            let guid_field = (self.guid_index(set) << 1) | kind;
            let mut rec = Vec::with_capacity(8);
            rec.extend_from_slice(&first.to_le_bytes());
            rec.extend_from_slice(&guid_field.to_le_bytes());
            rec.extend_from_slice(&(index as u16).to_le_bytes());
            entries.extend_from_slice(&rec);
            // Hash buckets hold the same record, with the name's CRC for string names.
            let bucket = (hash_key ^ u32::from(guid_field)) % NAMEID_BUCKETS;
            let b = buckets.entry(bucket).or_default();
            b.extend_from_slice(&hash_key.to_le_bytes());
            b.extend_from_slice(&rec[4..]);
        }
        let mut props = vec![
            PcProp {
                id: 0x0001,
                ty: 0x0003,
                bytes: NAMEID_BUCKETS.to_le_bytes().to_vec(),
            },
            PcProp {
                id: 0x0002,
                ty: 0x0102,
                bytes: guids,
            },
            PcProp {
                id: 0x0003,
                ty: 0x0102,
                bytes: entries,
            },
            PcProp {
                id: 0x0004,
                ty: 0x0102,
                bytes: strings,
            },
        ];
        for (bucket, bytes) in buckets {
            props.push(PcProp {
                id: 0x1000 + bucket as u16,
                ty: 0x0102,
                bytes,
            });
        }
        props
    }
}

/// Where a written message is: its NID and the folder it was added to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrittenMessage {
    /// The message's NID.
    pub nid: u32,
    /// Its folder.
    pub folder: FolderId,
}

/// A streaming PST writer.
pub struct PstWriter<W: Write + Seek> {
    ndb: Ndb<W>,
    names: NameMap,
    folders: BTreeMap<u32, FolderState>,
    next_folder: u32,
    next_message: u32,
    next_attachment: u32,
    next_assoc: u32,
    record_key: [u8; 16],
    display_name: String,
}

/// A small deterministic mixer (splitmix64) for the store's ids.
fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed.wrapping_add(n.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl PstWriter<BufWriter<File>> {
    /// Creates (or truncates) the file at `path`.
    pub fn create(path: &Path, options: &PstOptions) -> io::Result<Self> {
        let file = File::create(path)?;
        PstWriter::new(BufWriter::with_capacity(1 << 20, file), options)
    }
}

impl PstWriter<Cursor<Vec<u8>>> {
    /// A writer into memory, for tests.
    pub fn in_memory(options: &PstOptions) -> io::Result<Self> {
        PstWriter::new(Cursor::new(Vec::new()), options)
    }
}

impl<W: Write + Seek> PstWriter<W> {
    /// Starts a new store on `out` (empty, at position 0), with its standard folders.
    pub fn new(out: W, options: &PstOptions) -> io::Result<Self> {
        let mut record_key = [0u8; 16];
        record_key[..8].copy_from_slice(&mix(options.seed, 1).to_le_bytes());
        record_key[8..].copy_from_slice(&mix(options.seed, 2).to_le_bytes());
        let ndb = Ndb::new(out, options.crypt, mix(options.seed, 3) as u32)?;
        let mut w = PstWriter {
            ndb,
            names: NameMap::default(),
            folders: BTreeMap::new(),
            // Folder, message and FAI NIDs start where Outlook's do ([MS-PST] 2.2.2.6 rgnid).
            next_folder: 0x404,
            next_message: 0x1_0001,
            next_attachment: 0x401,
            next_assoc: 0x8001,
            record_key,
            display_name: options.display_name.clone(),
        };
        // A new Outlook store maps these PSETID_Appointment properties first, in this order; libpff
        // refuses a store whose map is empty.
        for lid in [
            0x8205, 0x8223, 0x8231, 0x8216, 0x820D, 0x820E, 0x8235, 0x8236, 0x8233,
        ] {
            w.names.id(PSETID_APPOINTMENT, &NamedId::Lid(lid));
        }
        w.folders
            .insert(NID_ROOT_FOLDER, FolderState::new(NID_ROOT_FOLDER, "", None));
        w.folders.insert(
            NID_IPM_SUBTREE,
            FolderState::new(NID_ROOT_FOLDER, "Top of Personal Folders", None),
        );
        w.folders.insert(
            NID_SEARCH_ROOT,
            FolderState::new(NID_ROOT_FOLDER, "Search Root", None),
        );
        w.folders.insert(
            NID_DELETED_ITEMS,
            FolderState::new(NID_IPM_SUBTREE, "Deleted Items", Some("IPF.Note")),
        );
        for (child, parent) in [
            (NID_IPM_SUBTREE, NID_ROOT_FOLDER),
            (NID_SEARCH_ROOT, NID_ROOT_FOLDER),
            (NID_DELETED_ITEMS, NID_IPM_SUBTREE),
        ] {
            if let Some(f) = w.folders.get_mut(&parent) {
                f.children.push(child);
            }
        }
        Ok(w)
    }

    /// "Top of Personal Folders": where Inbox, Calendar and the other mail folders go.
    pub fn ipm_subtree(&self) -> FolderId {
        FolderId(NID_IPM_SUBTREE)
    }

    /// "Deleted Items".
    pub fn deleted_items(&self) -> FolderId {
        FolderId(NID_DELETED_ITEMS)
    }

    /// The store's provider UID (PR_RECORD_KEY), which every entry id starts with.
    pub fn record_key(&self) -> [u8; 16] {
        self.record_key
    }

    /// Adds a folder under `parent` with a display name and container class (`IPF.Note`,
    /// `IPF.Appointment`, ...).
    pub fn add_folder(&mut self, parent: FolderId, name: &str, class: Option<&str>) -> FolderId {
        let nid = (self.next_folder << 5) | NID_TYPE_NORMAL_FOLDER;
        self.next_folder += 1;
        self.folders
            .insert(nid, FolderState::new(parent.0, name, class));
        if let Some(p) = self.folders.get_mut(&parent.0) {
            p.children.push(nid);
        }
        FolderId(nid)
    }

    /// Writes a message into `folder` and returns its NID.
    pub fn add_message(&mut self, folder: FolderId, message: &Message) -> io::Result<u32> {
        let nid = (self.next_message << 5) | NID_TYPE_NORMAL_MESSAGE;
        self.next_message += 1;
        let (bid_data, bid_sub, props) = self.write_message(message)?;
        self.ndb.add_node(NodeRecord {
            nid,
            bid_data,
            bid_sub,
            parent: folder.0,
        });
        let row = contents_row(nid, &props, &CONTENTS_COLUMNS);
        let read = props
            .iter()
            .find(|p| p.id == 0x0E07 && p.ty == 0x0003)
            .is_none_or(|p| p.bytes.first().is_some_and(|b| b & 1 != 0));
        let f = self
            .folders
            .get_mut(&folder.0)
            .ok_or_else(|| io::Error::other(format!("no folder {:#x}", folder.0)))?;
        f.contents.push(row);
        if !read {
            f.unread += 1;
        }
        Ok(nid)
    }

    /// Writes a folder-associated (FAI) message into `folder` and returns its NID.
    pub fn add_associated(&mut self, folder: FolderId, message: &Message) -> io::Result<u32> {
        let nid = (self.next_assoc << 5) | NID_TYPE_ASSOC_MESSAGE;
        self.next_assoc += 1;
        let (bid_data, bid_sub, props) = self.write_message(message)?;
        self.ndb.add_node(NodeRecord {
            nid,
            bid_data,
            bid_sub,
            parent: folder.0,
        });
        let row = contents_row(nid, &props, &ASSOC_COLUMNS);
        self.folders
            .get_mut(&folder.0)
            .ok_or_else(|| io::Error::other(format!("no folder {:#x}", folder.0)))?
            .assoc
            .push(row);
        Ok(nid)
    }

    /// The PC records of an object's properties (named keys mapped to local ids).
    fn pc_props(&mut self, props: &Props) -> Vec<PcProp> {
        let mut out: Vec<PcProp> = Vec::with_capacity(props.specs().len());
        for spec in props.specs() {
            let id = match &spec.key {
                PropKey::Tagged(id) => *id,
                PropKey::Named { set, id } => self.names.id(*set, id),
            };
            let mut bytes = value::encode(&spec.value);
            if id == PROP_SUBJECT {
                if let Value::Typed(PropValue::Unicode(s)) = &spec.value {
                    if !s.starts_with('\u{1}') {
                        let mut marked = vec![1, 0, 1, 0];
                        marked.extend_from_slice(&bytes);
                        bytes = marked;
                    }
                }
            }
            let p = PcProp {
                id,
                ty: spec.type_code,
                bytes,
            };
            // A later entry for the same id replaces the earlier one: a PC holds one per id.
            if let Some(old) = out.iter_mut().find(|o| o.id == id) {
                *old = p;
            } else {
                out.push(p);
            }
        }
        out
    }

    /// Writes a message's property context and sub-nodes; returns (data, sub-node tree, props).
    fn write_message(&mut self, m: &Message) -> io::Result<(u64, u64, Vec<PcProp>)> {
        let mut props = self.pc_props(m.props());
        let mut subs = Subnodes::new();

        if !m.recipients().is_empty() {
            let mut rows = Vec::new();
            let mut columns: Vec<u32> = RECIPIENT_COLUMNS.to_vec();
            for (i, r) in m.recipients().iter().enumerate() {
                let row = self.recipient_row(i as u32, r);
                columns.extend(row.cells.keys().copied());
                rows.push(row);
            }
            let mut table_subs = Subnodes::new();
            let bid_data = write_tc(&mut self.ndb, &columns, &rows, &mut table_subs)?;
            let bid_sub = self.ndb.write_subnodes(&table_subs.entries)?;
            subs.entries.push(SubnodeEntry {
                nid: NID_RECIPIENT_TABLE,
                bid_data,
                bid_sub,
            });
        }

        if !m.attachments().is_empty() {
            let mut rows = Vec::new();
            for a in m.attachments() {
                let (nid, bid_data, bid_sub, att_props) = self.write_attachment(a)?;
                subs.entries.push(SubnodeEntry {
                    nid,
                    bid_data,
                    bid_sub,
                });
                let mut cells = BTreeMap::new();
                for p in &att_props {
                    let tag = (u32::from(p.id) << 16) | u32::from(p.ty);
                    if ATTACHMENT_COLUMNS.contains(&tag) {
                        cells.insert(tag, p.bytes.clone());
                    }
                }
                rows.push(TcRow { id: nid, cells });
            }
            let mut table_subs = Subnodes::new();
            let bid_data = write_tc(&mut self.ndb, &ATTACHMENT_COLUMNS, &rows, &mut table_subs)?;
            let bid_sub = self.ndb.write_subnodes(&table_subs.entries)?;
            subs.entries.push(SubnodeEntry {
                nid: NID_ATTACHMENT_TABLE,
                bid_data,
                bid_sub,
            });
        }

        if !props.iter().any(|p| p.id == PROP_MESSAGE_SIZE) {
            let size = message_size(&props) + 64 * m.recipients().len() as u32;
            props.push(PcProp {
                id: PROP_MESSAGE_SIZE,
                ty: 0x0003,
                bytes: size.to_le_bytes().to_vec(),
            });
        }
        let bid_data = write_pc(&mut self.ndb, &props, &mut subs)?;
        let bid_sub = self.ndb.write_subnodes(&subs.entries)?;
        Ok((bid_data, bid_sub, props))
    }

    fn recipient_row(&mut self, id: u32, r: &Recipient) -> TcRow {
        let mut cells = BTreeMap::new();
        for p in self.pc_props(r.props()) {
            cells.insert((u32::from(p.id) << 16) | u32::from(p.ty), p.bytes);
        }
        TcRow { id, cells }
    }

    /// Writes an attachment object (and its embedded message) as sub-nodes; returns the
    /// attachment's id, data and sub-node trees, and its properties.
    fn write_attachment(&mut self, a: &Attachment) -> io::Result<(u32, u64, u64, Vec<PcProp>)> {
        let nid = (self.next_attachment << 5) | NID_TYPE_ATTACHMENT;
        self.next_attachment += 1;
        let mut props = self.pc_props(a.props());
        let mut subs = Subnodes::new();
        let method = props
            .iter()
            .find(|p| p.id == 0x3705 && p.ty == 0x0003)
            .and_then(|p| p.bytes.get(..4))
            .map(|b| i32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let mut size = props
            .iter()
            .find(|p| p.id == PROP_ATTACH_DATA)
            .map_or(0, |p| p.bytes.len() as u32);
        if let Some(embedded) = a.embedded_message() {
            let emb_nid = (self.next_message << 5) | NID_TYPE_NORMAL_MESSAGE;
            self.next_message += 1;
            let (bid_data, bid_sub, emb_props) = self.write_message(embedded)?;
            subs.entries.push(SubnodeEntry {
                nid: emb_nid,
                bid_data,
                bid_sub,
            });
            size = emb_props
                .iter()
                .find(|p| p.id == PROP_MESSAGE_SIZE)
                .and_then(|p| p.bytes.get(..4))
                .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            // [MS-PST] 2.3.3.5: a PtypObject value is the sub-node id and size of the object.
            if method == Some(ATTACH_EMBEDDED_MSG)
                && !props.iter().any(|p| p.id == PROP_ATTACH_DATA)
            {
                let mut obj = emb_nid.to_le_bytes().to_vec();
                obj.extend_from_slice(&size.to_le_bytes());
                props.push(PcProp {
                    id: PROP_ATTACH_DATA,
                    ty: 0x000D,
                    bytes: obj,
                });
            }
        }
        if !props.iter().any(|p| p.id == PROP_ATTACH_SIZE) {
            props.push(PcProp {
                id: PROP_ATTACH_SIZE,
                ty: 0x0003,
                bytes: (size + 256).to_le_bytes().to_vec(),
            });
        }
        let bid_data = write_pc(&mut self.ndb, &props, &mut subs)?;
        let bid_sub = self.ndb.write_subnodes(&subs.entries)?;
        Ok((nid, bid_data, bid_sub, props))
    }

    fn entry_id(&self, nid: u32) -> Vec<u8> {
        let mut id = vec![0u8; 4];
        id.extend_from_slice(&self.record_key);
        id.extend_from_slice(&nid.to_le_bytes());
        id
    }

    /// Writes the folders, tables, message store and named-property map, then the B-trees,
    /// allocation maps and header. Returns the output and a summary.
    pub fn finish(mut self) -> io::Result<(W, FileSummary)> {
        let nids: Vec<u32> = self.folders.keys().copied().collect();
        for nid in nids {
            self.write_folder(nid)?;
        }
        // Table templates Outlook copies when it creates folders and messages ([MS-PST] 2.4.4.4-2.4.6).
        for (nid, columns) in [
            (0x60D, &HIERARCHY_COLUMNS[..]),
            (0x60E, &CONTENTS_COLUMNS[..]),
            (0x60F, &ASSOC_COLUMNS[..]),
            (0x610, &CONTENTS_COLUMNS[..]),
            (NID_ATTACHMENT_TABLE, &ATTACHMENT_COLUMNS[..]),
            (NID_RECIPIENT_TABLE, &RECIPIENT_COLUMNS[..]),
        ] {
            self.write_table_node(nid, columns, &[])?;
        }

        let store = vec![
            PcProp {
                id: 0x0FF9,
                ty: 0x0102,
                bytes: self.record_key.to_vec(),
            },
            PcProp {
                id: 0x3001,
                ty: 0x001F,
                bytes: utf16(&self.display_name),
            },
            // FOLDER_IPM_SUBTREE_VALID | FOLDER_IPM_WASTEBASKET_VALID | FOLDER_FINDER_VALID.
            PcProp {
                id: 0x35DF,
                ty: 0x0003,
                bytes: 0x89u32.to_le_bytes().to_vec(),
            },
            PcProp {
                id: 0x35E0,
                ty: 0x0102,
                bytes: self.entry_id(NID_IPM_SUBTREE),
            },
            PcProp {
                id: 0x35E3,
                ty: 0x0102,
                bytes: self.entry_id(NID_DELETED_ITEMS),
            },
            PcProp {
                id: 0x35E7,
                ty: 0x0102,
                bytes: self.entry_id(NID_SEARCH_ROOT),
            },
            PcProp {
                id: 0x6633,
                ty: 0x000B,
                bytes: vec![1],
            },
            PcProp {
                id: 0x67FF,
                ty: 0x0003,
                bytes: vec![0; 4],
            },
        ];
        self.write_pc_node(NID_MESSAGE_STORE, 0, &store)?;
        let names = self.names.props();
        self.write_pc_node(NID_NAME_TO_ID_MAP, 0, &names)?;

        // rgnid: the next index of each NID type ([MS-PST] 2.2.2.6).
        let mut rgnid = [0x400u32; 32];
        rgnid[NID_TYPE_NORMAL_FOLDER as usize] = self.next_folder;
        rgnid[0x03] = 0x4000;
        rgnid[NID_TYPE_NORMAL_MESSAGE as usize] = self.next_message;
        rgnid[NID_TYPE_ATTACHMENT as usize] = self.next_attachment;
        rgnid[NID_TYPE_ASSOC_MESSAGE as usize] = self.next_assoc;
        self.ndb.finish(&rgnid)
    }

    fn write_pc_node(&mut self, nid: u32, parent: u32, props: &[PcProp]) -> io::Result<()> {
        let mut subs = Subnodes::new();
        let bid_data = write_pc(&mut self.ndb, props, &mut subs)?;
        let bid_sub = self.ndb.write_subnodes(&subs.entries)?;
        self.ndb.add_node(NodeRecord {
            nid,
            bid_data,
            bid_sub,
            parent,
        });
        Ok(())
    }

    fn write_table_node(&mut self, nid: u32, columns: &[u32], rows: &[TcRow]) -> io::Result<()> {
        let mut subs = Subnodes::new();
        let bid_data = write_tc(&mut self.ndb, columns, rows, &mut subs)?;
        let bid_sub = self.ndb.write_subnodes(&subs.entries)?;
        self.ndb.add_node(NodeRecord {
            nid,
            bid_data,
            bid_sub,
            parent: 0,
        });
        Ok(())
    }

    /// Writes a folder's PC and its hierarchy, contents and FAI contents tables.
    fn write_folder(&mut self, nid: u32) -> io::Result<()> {
        let Some(f) = self.folders.remove(&nid) else {
            return Ok(());
        };
        let mut props = vec![
            PcProp {
                id: 0x3001,
                ty: 0x001F,
                bytes: utf16(&f.name),
            },
            PcProp {
                id: 0x3602,
                ty: 0x0003,
                bytes: (f.contents.len() as u32).to_le_bytes().to_vec(),
            },
            PcProp {
                id: 0x3603,
                ty: 0x0003,
                bytes: f.unread.to_le_bytes().to_vec(),
            },
            PcProp {
                id: 0x360A,
                ty: 0x000B,
                bytes: vec![u8::from(!f.children.is_empty())],
            },
        ];
        if let Some(class) = &f.class {
            props.push(PcProp {
                id: 0x3613,
                ty: 0x001F,
                bytes: utf16(class),
            });
        }
        self.write_pc_node(nid, f.parent, &props)?;

        let mut hierarchy = Vec::new();
        for child in &f.children {
            // Folders are written in NID order and a child's NID is always above its parent's,
            // so every child is still here.
            let Some(c) = self.folders.get(child) else {
                continue;
            };
            let mut cells = BTreeMap::new();
            cells.insert(0x3001_001F, utf16(&c.name));
            cells.insert(
                0x3602_0003,
                (c.contents.len() as u32).to_le_bytes().to_vec(),
            );
            cells.insert(0x3603_0003, c.unread.to_le_bytes().to_vec());
            cells.insert(0x360A_000B, vec![u8::from(!c.children.is_empty())]);
            if let Some(class) = &c.class {
                cells.insert(0x3613_001F, utf16(class));
            }
            hierarchy.push(TcRow { id: *child, cells });
        }
        let base = nid & !0x1F;
        self.write_table_node(
            base | NID_TYPE_HIERARCHY_TABLE,
            &HIERARCHY_COLUMNS,
            &hierarchy,
        )?;
        let contents: Vec<TcRow> = f.contents.iter().map(PackedRow::unpack).collect();
        self.write_table_node(base | NID_TYPE_CONTENTS_TABLE, &CONTENTS_COLUMNS, &contents)?;
        drop(contents);
        let assoc: Vec<TcRow> = f.assoc.iter().map(PackedRow::unpack).collect();
        self.write_table_node(base | NID_TYPE_ASSOC_CONTENTS_TABLE, &ASSOC_COLUMNS, &assoc)?;
        Ok(())
    }
}

impl FolderState {
    fn new(parent: u32, name: &str, class: Option<&str>) -> Self {
        FolderState {
            parent,
            name: name.to_owned(),
            class: class.map(str::to_owned),
            children: Vec::new(),
            contents: Vec::new(),
            assoc: Vec::new(),
            unread: 0,
        }
    }
}

/// The contents-table row of a message: the template columns it has values for.
fn contents_row(nid: u32, props: &[PcProp], columns: &[u32]) -> PackedRow {
    let cells: Vec<(u32, Vec<u8>)> = props
        .iter()
        .filter_map(|p| {
            let tag = (u32::from(p.id) << 16) | u32::from(p.ty);
            columns.contains(&tag).then(|| (tag, p.bytes.clone()))
        })
        .collect();
    PackedRow::pack(nid, &cells)
}

/// PR_MESSAGE_SIZE as Outlook approximates it: the bytes of the properties.
fn message_size(props: &[PcProp]) -> u32 {
    props.iter().map(|p| 8 + p.bytes.len() as u32).sum::<u32>() + 128
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Writes `messages` into one folder of a new in-memory PST: a convenience for tests.
///
/// `folders` lists (name, container class, messages); each becomes a child of "Top of Personal
/// Folders".
pub fn write_pst_bytes(
    options: &PstOptions,
    folders: &[(&str, &str, Vec<Message>)],
) -> io::Result<Vec<u8>> {
    let mut w = PstWriter::in_memory(options)?;
    let top = w.ipm_subtree();
    for (name, class, messages) in folders {
        let f = w.add_folder(top, name, Some(class));
        for m in messages {
            w.add_message(f, m)?;
        }
    }
    let (cursor, _) = w.finish()?;
    Ok(cursor.into_inner())
}

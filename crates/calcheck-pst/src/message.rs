//! Messages: property contexts, recipient and attachment tables, attachment objects and
//! embedded messages ([MS-PST] 2.4.5-2.4.6), plus the node and table plumbing the other
//! messaging-layer modules share.
//!
//! A message node holds its property context; its sub-node tree holds the recipient table
//! (NID 0x692), the attachment table (NID 0x671), one property context per attachment, values too
//! large for the heap, and, for an attachment with `PR_ATTACH_METHOD` 5, the embedded message as
//! a sub-node of the attachment.

use std::borrow::Cow;

use calcheck_format::props::{PropTag, PropValue};

use crate::error::{Error, Result, Warning, Warnings};
use crate::ltp::{self, Cell, Heap, HeapLocation, PcEntry};
use crate::names::{NameMap, NamedProp};
use crate::ndb::{MAX_NODE_DATA, NodeEntry, SubnodeMap, give_back, recycle_buffer, take_reused};
use crate::{Pst, crypt, u32_at, value};

/// NID of a message's recipient table ([MS-PST] 2.4.1 NID_RECIPIENT_TABLE).
pub const NID_RECIPIENT_TABLE: u32 = 0x692;
/// NID of a message's attachment table ([MS-PST] 2.4.1 NID_ATTACHMENT_TABLE).
pub const NID_ATTACHMENT_TABLE: u32 = 0x671;

/// PR_ATTACH_DATA_BIN / PR_ATTACH_DATA_OBJ property id.
const PROP_ATTACH_DATA: u16 = 0x3701;
/// PR_ATTACH_METHOD property id.
const PROP_ATTACH_METHOD: u16 = 0x3705;
/// PR_MESSAGE_CLASS property id.
const PROP_MESSAGE_CLASS: u16 = 0x001A;
/// PR_MESSAGE_CODEPAGE property id.
const PROP_MESSAGE_CODEPAGE: u16 = 0x3FFD;
/// PR_INTERNET_CPID property id.
const PROP_INTERNET_CPID: u16 = 0x3FDE;
/// PidTagLtpRowId and PidTagLtpRowVer: table bookkeeping columns, not message data.
const LTP_ROW_COLUMNS: [u16; 2] = [0x67F2, 0x67F3];
/// `afEmbeddedMessage` value of PR_ATTACH_METHOD.
const ATTACH_EMBEDDED_MSG: i32 = 5;
/// Deepest nesting of embedded messages opened.
const MAX_EMBED_DEPTH: u32 = 8;
/// Code page assumed when an item does not name one.
const DEFAULT_CODEPAGE: u16 = 1252;
// Type codes compared for every property ([MS-OXCDATA] 2.11.1), as constants rather than
// `PropType::code` calls, which are not inlined across crates and were asked for every entry of
// every property context.
/// PtypInteger32.
const PT_INTEGER32: u16 = 0x0003;
/// PtypString.
const PT_UNICODE: u16 = 0x001F;
/// PtypObject.
const PT_OBJECT: u16 = 0x000D;
/// PtypBinary.
const PT_BINARY: u16 = 0x0102;

/// One property of a message, attachment or table row.
#[derive(Debug, Clone, PartialEq)]
pub struct Prop {
    /// The tag as stored: property id (store-local for 0x8000 and above) and type.
    pub tag: PropTag,
    /// For ids 0x8000 and above: the named property the store's map gives the id.
    pub named: Option<NamedProp>,
    /// The decoded value.
    pub value: PropValue,
    /// Where the value is stored inside the node of its message, attachment or table.
    pub location: ValueLoc,
}

/// Where a property value is stored inside the node that holds it; the node itself is named by
/// [`Message::location`] (plus the table or attachment sub-node for rows and attachments).
///
/// It is a small copyable value rather than text because a message has a hundred or more
/// properties and formatting a locator for each of them was a measurable part of reading one;
/// [`core::fmt::Display`] turns it into text when a report needs it. It is a kind and one 64-bit
/// number, a pair of scalars that the compiler keeps and passes in registers: as an enum of
/// differently shaped variants it was written to the stack with two-byte stores and read back
/// with wider loads, which stall, for every value read.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueLoc {
    kind: LocKind,
    /// The property id, HID or NID; for a cell the row in the high and the column in the low half.
    at: u64,
}

/// The kinds of [`ValueLoc`], as wide as its number: a narrower kind leaves padding that the
/// compiler keeps intact with a load, mask and store each time it writes a location.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u64)]
enum LocKind {
    Inline,
    Heap,
    Subnode,
    Cell,
}

impl ValueLoc {
    /// In the property context's own entry (values of 4 bytes or less), under property id `id`.
    pub fn inline(id: u16) -> Self {
        ValueLoc {
            kind: LocKind::Inline,
            at: u64::from(id),
        }
    }

    /// A heap allocation of the node (HID).
    pub fn heap(hid: u32) -> Self {
        ValueLoc {
            kind: LocKind::Heap,
            at: u64::from(hid),
        }
    }

    /// A sub-node of the node (values too large for the heap).
    pub fn subnode(nid: u32) -> Self {
        ValueLoc {
            kind: LocKind::Subnode,
            at: u64::from(nid),
        }
    }

    /// A table cell: the row, counted from 0 in row-matrix order, and the column's property tag.
    pub fn cell(row: u32, column: u32) -> Self {
        ValueLoc {
            kind: LocKind::Cell,
            at: (u64::from(row) << 32) | u64::from(column),
        }
    }

    /// The row and column of a cell (see [`ValueLoc::cell`]).
    fn row_column(self) -> (u32, u32) {
        ((self.at >> 32) as u32, self.at as u32)
    }
}

impl core::fmt::Display for ValueLoc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let at = self.at;
        match self.kind {
            LocKind::Inline => write!(f, "prop {at:#06x}"),
            LocKind::Heap => write!(f, "hid {at:#x}"),
            LocKind::Subnode => write!(f, "sub {at:#x}"),
            LocKind::Cell => {
                let (row, column) = self.row_column();
                write!(f, "row {row}/col {column:#010x}")
            }
        }
    }
}

/// Shown as the kind with its numbers, as an enum of the kinds would be.
impl core::fmt::Debug for ValueLoc {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let at = self.at;
        match self.kind {
            LocKind::Inline => write!(f, "Inline({at})"),
            LocKind::Heap => write!(f, "Heap({at})"),
            LocKind::Subnode => write!(f, "Subnode({at})"),
            LocKind::Cell => {
                let (row, column) = self.row_column();
                write!(f, "Cell {{ row: {row}, column: {column} }}")
            }
        }
    }
}

/// Where a reader puts the properties it decodes, one collection per object (a message, a table
/// row, an attachment).
///
/// [`Pst::message`] collects [`Prop`]s ([`PropList`]); a caller that keeps properties in a
/// structure of its own implements this to have them built there directly, so that a value is
/// moved once, from the decoder into its final place, rather than into a list and then again.
pub trait PropSink {
    /// One object's properties.
    type Props;
    /// An empty collection with room for `capacity` properties.
    fn props(&self, capacity: usize) -> Self::Props;
    /// Adds a decoded property: the tag as stored (ids of 0x8000 and above are store-local, see
    /// [`Pst::name_map`]), the value, and where the value is stored.
    fn push(&self, props: &mut Self::Props, tag: PropTag, value: PropValue, location: ValueLoc);
    /// [`PropSink::push`] of a value not yet made a [`PropValue`]: the readers pass the common
    /// types' values this way, so that a sink that inlines this can build the variant where it
    /// keeps it rather than copy it there.
    fn push_as(
        &self,
        props: &mut Self::Props,
        tag: PropTag,
        value: impl Into<PropValue>,
        location: ValueLoc,
    ) {
        self.push(props, tag, value.into(), location);
    }
}

/// A value's way into its sink through [`value::decode_with`]: the sink, the collection, and the
/// tag and location to push the value with.
struct SinkPut<'a, S: PropSink> {
    sink: &'a S,
    props: &'a mut S::Props,
    tag: PropTag,
    location: ValueLoc,
}

impl<S: PropSink> value::Put for SinkPut<'_, S> {
    // Inlined into each arm of the decoder, so each variant is built where the sink keeps it.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn put(self, value: impl Into<PropValue>) {
        self.sink
            .push_as(self.props, self.tag, value, self.location);
    }
}

/// The [`PropSink`] of [`Pst::message`]: a list of [`Prop`]s, named ids resolved through the
/// store's name map.
#[derive(Debug, Clone, Copy)]
pub struct PropList<'a> {
    names: &'a NameMap,
}

impl<'a> PropList<'a> {
    /// A sink resolving named ids through `names`.
    pub fn new(names: &'a NameMap) -> Self {
        PropList { names }
    }
}

impl PropSink for PropList<'_> {
    type Props = Vec<Prop>;

    fn props(&self, capacity: usize) -> Vec<Prop> {
        Vec::with_capacity(capacity)
    }

    fn push(&self, props: &mut Vec<Prop>, tag: PropTag, value: PropValue, location: ValueLoc) {
        props.push(Prop {
            tag,
            named: self.names.resolve(tag.id()),
            value,
            location,
        });
    }
}

/// One row of a table context (recipient rows, attachment rows, contents rows); `P` holds the
/// row's properties ([`PropSink::Props`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow<P = Vec<Prop>> {
    /// `dwRowID`: for attachment rows the attachment's sub-node id, for contents rows the message NID.
    pub row_id: u32,
    /// The cells the cell existence bitmap marks present, as properties.
    pub props: P,
}

/// One attachment: its own property context and, for embedded messages, the message.
#[derive(Debug, Clone, PartialEq)]
pub struct Attachment<P = Vec<Prop>> {
    /// The attachment's sub-node id.
    pub nid: u32,
    /// The attachment object's properties (PR_ATTACH_DATA_BIN is not loaded; PR_ATTACH_SIZE gives its size).
    pub props: P,
    /// The embedded message of an attachment with PR_ATTACH_METHOD 5 (afEmbeddedMessage).
    pub embedded: Option<Box<Message<P>>>,
}

/// A decoded message; `P` holds the properties of each object ([`PropSink::Props`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Message<P = Vec<Prop>> {
    /// The message's NID (top-level messages) or sub-node id (embedded messages).
    pub nid: u32,
    /// Where the message's node is, e.g. `nid 0x200024` or `nid 0x200024/sub 0x8025/sub 0x8045`
    /// as displayed: kept as the NID for a top-level message and made text only when shown,
    /// since most messages are never named in a report.
    pub location: HeapLocation<'static>,
    /// The message's properties.
    pub props: P,
    /// The recipient table's rows.
    pub recipients: Vec<TableRow<P>>,
    /// The attachments, in attachment-table order.
    pub attachments: Vec<Attachment<P>>,
    /// Problems met while reading the message that did not stop it from being read.
    pub warnings: Vec<Warning>,
}

impl Message {
    /// The property with this id (any type).
    pub fn prop(&self, id: u16) -> Option<&Prop> {
        find_prop(&self.props, id)
    }

    /// PR_MESSAGE_CLASS.
    pub fn message_class(&self) -> Option<&str> {
        self.prop(PROP_MESSAGE_CLASS).and_then(|p| p.value.as_str())
    }
}

/// The property with id `id` in `props`.
pub fn find_prop(props: &[Prop], id: u16) -> Option<&Prop> {
    props.iter().find(|p| p.tag.id() == id)
}

/// One row of a folder's contents table: the message NID and the cached message class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentsRow {
    /// The message's NID.
    pub nid: u32,
    /// PR_MESSAGE_CLASS as the contents table caches it (the message's own PC is authoritative).
    pub message_class: Option<String>,
}

/// An opened node: its heap (which knows where the node is) and its sub-nodes.
pub(crate) struct Node<'a> {
    pub(crate) heap: Heap<'a>,
    pub(crate) subs: SubnodeMap,
}

/// The row matrix of a table context, borrowed from the heap when it is a heap allocation.
enum Matrix<'n> {
    /// `hnidRows` is 0: the table has no rows.
    Empty,
    /// A heap allocation.
    Heap(&'n [u8]),
    /// The data blocks of a sub-node.
    Blocks(Vec<Vec<u8>>),
}

impl Matrix<'_> {
    /// The rows of the table in row-index order (see [`ltp::table_rows`]).
    fn rows<'m>(
        &'m self,
        heap: &Heap<'_>,
        info: &ltp::TableInfo,
        w: &mut Warnings,
    ) -> Result<Vec<(u32, &'m [u8])>> {
        match self {
            Matrix::Empty => ltp::table_rows::<&[u8]>(heap, info, &[], w),
            Matrix::Heap(b) => ltp::table_rows(heap, info, core::slice::from_ref(b), w),
            Matrix::Blocks(v) => ltp::table_rows(heap, info, v, w),
        }
    }
}

/// The sub-node `nid` of `node`; `what` names the id in the error when the node has no such
/// sub-node.
fn subnode(node: &Node<'_>, nid: u32, what: &'static str) -> Result<NodeEntry> {
    node.subs.get(nid).ok_or_else(|| Error::NotFound {
        tree: format!("sub-node tree of {}", node.heap.location),
        what,
        id: u64::from(nid),
    })
}

impl Pst {
    /// Opens the heap and sub-node tree of a node.
    pub(crate) fn open_node<'a>(
        &self,
        entry: NodeEntry,
        location: HeapLocation<'a>,
        w: &mut Warnings,
    ) -> Result<Node<'a>> {
        self.open_node_with(entry, location, false, w)
    }

    /// Opens the heap and sub-node tree of a node; with `encoded`, and when the file allows it
    /// ([`crate::ndb::Ndb::partial_decoding`]), the heap's allocations are left encoded until a
    /// reader decodes them ([`Heap::from_encoded_blocks`]).
    fn open_node_with<'a>(
        &self,
        entry: NodeEntry,
        location: HeapLocation<'a>,
        encoded: bool,
        w: &mut Warnings,
    ) -> Result<Node<'a>> {
        let format = self.header().format;
        let heap = if encoded && self.ndb().partial_decoding() {
            let blocks = self
                .ndb()
                .node_blocks_encoded(entry.bid_data, MAX_NODE_DATA, w)?;
            Heap::from_encoded_blocks(blocks, format, location, self.header().crypt)?
        } else {
            let blocks = self.ndb().node_blocks(entry.bid_data, MAX_NODE_DATA, w)?;
            Heap::from_blocks(blocks, format, location)?
        };
        let subs = self.ndb().subnodes(entry.bid_sub, w)?;
        Ok(Node { heap, subs })
    }

    /// Opens a node of the node B-tree.
    pub(crate) fn open_top_node(&self, nid: u32, w: &mut Warnings) -> Result<Node<'static>> {
        self.open_top_node_with(nid, false, w)
    }

    /// Opens a node of the node B-tree, its heap left encoded when `encoded` (see
    /// [`Pst::open_node_with`]).
    fn open_top_node_with(
        &self,
        nid: u32,
        encoded: bool,
        w: &mut Warnings,
    ) -> Result<Node<'static>> {
        let e = self.ndb().node(nid, w)?;
        self.open_node_with(
            NodeEntry {
                nid,
                bid_data: e.bid_data,
                bid_sub: e.bid_sub,
            },
            HeapLocation::Nid(nid),
            encoded,
            w,
        )
    }

    /// The bytes an HNID names: a heap allocation, or the data of a sub-node.
    pub(crate) fn hnid_bytes<'n>(
        &self,
        node: &'n Node<'_>,
        hnid: u32,
        w: &mut Warnings,
    ) -> Result<Cow<'n, [u8]>> {
        if ltp::is_hid(hnid) {
            return Ok(Cow::Borrowed(node.heap.item(hnid)?));
        }
        let e = subnode(node, hnid, "nid")?;
        let blocks = self.ndb().node_blocks(e.bid_data, MAX_NODE_DATA, w)?;
        Ok(Cow::Owned(blocks.into_bytes()))
    }

    fn value_location(entry: &PcEntry) -> ValueLoc {
        if ltp::pc_inline(entry.ty) {
            ValueLoc::inline(entry.id)
        } else if ltp::is_hid(entry.value) {
            ValueLoc::heap(entry.value)
        } else {
            ValueLoc::subnode(entry.value)
        }
    }

    /// Reads a property context into properties. `skip` leaves out values by (id, type);
    /// `codepage` decodes PtypString8 (when `None`, the PC's own code page properties decide).
    pub(crate) fn read_props(
        &self,
        node: &Node<'_>,
        skip: &dyn Fn(u16, u16) -> bool,
        codepage: Option<u16>,
        w: &mut Warnings,
    ) -> Result<(Vec<Prop>, Vec<PcEntry>)> {
        let sink = PropList::new(self.name_map());
        let mut entries = Vec::new();
        let (props, _) = self.read_props_into(
            node,
            &|id, ty| !skip(id, ty),
            codepage,
            &sink,
            &mut entries,
            w,
        )?;
        Ok((props, entries))
    }

    /// [`Pst::read_props`] into `sink`, reading the values `keep` accepts (it is asked directly,
    /// not through a negating closure, as it is asked for every entry of every PC), with the PC's
    /// records left in `entries`. Also returns the code page the PC's own properties name
    /// ([`codepage_of_entries`]), whatever `codepage` says, for the tables and attachments of a
    /// message.
    fn read_props_into<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        node: &Node<'_>,
        keep: &K,
        codepage: Option<u16>,
        sink: &S,
        entries: &mut Vec<PcEntry>,
        w: &mut Warnings,
    ) -> Result<(S::Props, u16)> {
        ltp::pc_entries_into(&node.heap, entries)?;
        let entries: &[PcEntry] = entries;
        let own_codepage = codepage_of_entries(entries);
        let codepage = codepage.unwrap_or(own_codepage);
        // Sized for every entry: asking `keep` about each entry twice (to count the kept ones
        // first) costs more than the room reserved for values that are then skipped.
        let mut props = sink.props(entries.len());
        for entry in entries {
            if !keep(entry.id, entry.ty) {
                continue;
            }
            let inline;
            let bytes: &[u8] = if ltp::pc_inline(entry.ty) {
                inline = entry.value.to_le_bytes();
                &inline
            } else if entry.ty == PT_OBJECT {
                &[]
            } else if let Some(bytes) = node.heap.decoded_allocation(entry.value) {
                // Nearly every value is an allocation of the node's own heap: found here
                // without building a `Result` and a `Cow` for it (a fifth of the instructions
                // reading one took).
                bytes
            } else {
                let location = Self::value_location(entry);
                match self.pc_value_elsewhere(node, entry, codepage, w) {
                    Some(Ok(v)) => {
                        sink.push(&mut props, PropTag::new(entry.id, entry.ty), v, location);
                    }
                    Some(Err(why)) => pc_value_warning(node, location, entry.id, &why, w),
                    None => {}
                }
                continue;
            };
            let location = Self::value_location(entry);
            let tag = PropTag::new(entry.id, entry.ty);
            let put = SinkPut {
                sink,
                props: &mut props,
                tag,
                location,
            };
            if let Err(why) = value::decode_with(entry.ty, bytes, codepage, put) {
                pc_value_warning(node, location, entry.id, &why, w);
            }
        }
        Ok((props, own_codepage))
    }

    /// The decoded value of a PC entry that is not a readable allocation of the node's heap: a
    /// sub-node, or a HID that [`Pst::hnid_bytes`] refuses (then a warning says why and the
    /// answer is `None`).
    #[inline(never)]
    fn pc_value_elsewhere(
        &self,
        node: &Node<'_>,
        entry: &PcEntry,
        codepage: u16,
        w: &mut Warnings,
    ) -> Option<core::result::Result<PropValue, String>> {
        match self.hnid_bytes(node, entry.value, w) {
            Ok(bytes) => {
                let decoded = value::decode(entry.ty, &bytes, codepage);
                if let Cow::Owned(b) = bytes {
                    recycle_buffer(b);
                }
                Some(decoded)
            }
            Err(e) => {
                w.push(Warning::new(
                    "PC",
                    format!("{}/{}", node.heap.location, Self::value_location(entry)),
                    format!("value of property {:#06x} unreadable: {e}", entry.id),
                ));
                None
            }
        }
    }

    /// The row matrix of a table context: one heap allocation (borrowed), or the blocks of a
    /// sub-node.
    fn row_matrix<'n>(
        &self,
        node: &'n Node<'_>,
        info: &ltp::TableInfo,
        w: &mut Warnings,
    ) -> Result<Matrix<'n>> {
        if info.hnid_rows == 0 {
            Ok(Matrix::Empty)
        } else if ltp::is_hid(info.hnid_rows) {
            Ok(Matrix::Heap(node.heap.item(info.hnid_rows)?))
        } else {
            let e = subnode(node, info.hnid_rows, "row matrix nid")?;
            self.ndb()
                .node_data(e.bid_data, MAX_NODE_DATA, w)
                .map(Matrix::Blocks)
        }
    }

    /// The bytes of one table cell, or `None` when the cell existence bitmap says the row has no
    /// such property or the cell cannot be read (then a warning at `location` says why).
    fn cell_bytes<'a>(
        &self,
        node: &'a Node<'_>,
        info: &ltp::TableInfo,
        row: &'a [u8],
        col: &ltp::ColumnDesc,
        location: ValueLoc,
        w: &mut Warnings,
    ) -> Option<Cow<'a, [u8]>> {
        let full = || format!("{}/{location}", node.heap.location);
        match ltp::cell(info, row, col) {
            None => {
                w.push(Warning::new(
                    "TCOLDESC",
                    full(),
                    "cell lies outside the row",
                ));
                None
            }
            Some(Cell::Absent) => None,
            Some(Cell::Inline(b)) => Some(Cow::Borrowed(b)),
            // A value in the node's own heap (nearly every one) is found without the `Result`
            // of [`Pst::hnid_bytes`], which is there for the others and for the reasons.
            Some(Cell::Hnid(h)) => match node.heap.decoded_allocation(h) {
                Some(b) => Some(Cow::Borrowed(b)),
                None => match self.hnid_bytes(node, h, w) {
                    Ok(b) => Some(b),
                    Err(e) => {
                        w.push(Warning::new(
                            "TC",
                            full(),
                            format!("cell value unreadable: {e}"),
                        ));
                        None
                    }
                },
            },
        }
    }

    /// The decoded value of a cell that is neither in its row nor an allocation of the node's
    /// heap, through [`Pst::cell_bytes`]: `None` when the row has no such cell or it cannot be
    /// read (then a warning says why).
    #[allow(clippy::too_many_arguments)]
    #[inline(never)]
    fn cell_value_elsewhere(
        &self,
        node: &Node<'_>,
        info: &ltp::TableInfo,
        row: &[u8],
        col: &ltp::ColumnDesc,
        location: ValueLoc,
        codepage: u16,
        w: &mut Warnings,
    ) -> Option<core::result::Result<PropValue, String>> {
        let bytes = self.cell_bytes(node, info, row, col, location, w)?;
        let decoded = value::decode(col.tag as u16, &bytes, codepage);
        if let Cow::Owned(b) = bytes {
            recycle_buffer(b);
        }
        Some(decoded)
    }

    /// Reads every row of a table context; `keep` selects columns by property id and type.
    pub(crate) fn read_table(
        &self,
        node: &Node<'_>,
        keep: &dyn Fn(u16, u16) -> bool,
        codepage: u16,
        w: &mut Warnings,
    ) -> Result<Vec<TableRow>> {
        self.read_table_into(node, keep, codepage, &PropList::new(self.name_map()), w)
    }

    /// [`Pst::read_table`] into `sink`.
    fn read_table_into<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        node: &Node<'_>,
        keep: &K,
        codepage: u16,
        sink: &S,
        w: &mut Warnings,
    ) -> Result<Vec<TableRow<S::Props>>> {
        let mut info = ltp::tc_info_reusing(&node.heap)?;
        let matrix = self.row_matrix(node, &info, w)?;
        let rows = matrix.rows(&node.heap, &info, w)?;
        // The columns to read are the same for every row, so `keep` is asked once per column.
        // The table's own list is filtered in place, which a cell read does not need whole (the
        // row layout is in `info.ends`, each column carries its own offset and bit), rather than
        // into a second list: one allocation less per table, two per item.
        info.columns.retain(|col| {
            let id = (col.tag >> 16) as u16;
            !LTP_ROW_COLUMNS.contains(&id) && keep(id, col.tag as u16)
        });
        let columns = &info.columns;
        let mut out = Vec::with_capacity(rows.len());
        for (i, (row_id, row)) in rows.into_iter().enumerate() {
            let mut props = sink.props(columns.len());
            for col in columns {
                let ty = col.tag as u16;
                let location = ValueLoc::cell(u32::try_from(i).unwrap_or(u32::MAX), col.tag);
                // Cells held in the row and values in the node's own heap, nearly all of them,
                // are read here directly; anything else (and every cell that cannot be read)
                // takes the way that reports why. This is `cell_bytes`' own short path written
                // out once more: going through `cell_bytes` and its `Cow` for every cell cost
                // 16 M more instructions in the 2 GB mailbox's pass even inlined, 40 M if not.
                let bytes = match ltp::cell(&info, row, col) {
                    Some(Cell::Absent) => continue,
                    Some(Cell::Inline(b)) => Some(b),
                    Some(Cell::Hnid(h)) => node.heap.decoded_allocation(h),
                    None => None,
                };
                let tag = PropTag(col.tag);
                let decoded = match bytes {
                    Some(b) => {
                        let put = SinkPut {
                            sink,
                            props: &mut props,
                            tag,
                            location,
                        };
                        value::decode_with(ty, b, codepage, put)
                    }
                    None => {
                        match self
                            .cell_value_elsewhere(node, &info, row, col, location, codepage, w)
                        {
                            Some(Ok(v)) => {
                                sink.push(&mut props, tag, v, location);
                                Ok(())
                            }
                            Some(Err(why)) => Err(why),
                            None => continue,
                        }
                    }
                };
                if let Err(why) = decoded {
                    cell_value_warning(node, location, why, w);
                }
            }
            out.push(TableRow { row_id, props });
        }
        ltp::give_back_columns(info);
        Ok(out)
    }

    /// The rows of a folder's contents table (message NIDs and cached message classes).
    ///
    /// A folder without a contents table has no rows.
    pub fn contents(&self, folder_nid: u32) -> Result<Vec<ContentsRow>> {
        self.contents_with_warnings(folder_nid)
            .map(|(rows, _)| rows)
    }

    /// Like [`Pst::contents`], with the problems met reading the table (CRC mismatches, cells
    /// that could not be read).
    pub fn contents_with_warnings(
        &self,
        folder_nid: u32,
    ) -> Result<(Vec<ContentsRow>, Vec<Warning>)> {
        self.contents_table((folder_nid & !0x1F) | 0x0E)
    }

    /// The rows of a folder's associated contents table: folder-associated information (FAI)
    /// messages such as views, rules and configuration items.
    pub fn associated_contents(&self, folder_nid: u32) -> Result<Vec<ContentsRow>> {
        self.contents_table((folder_nid & !0x1F) | 0x0F)
            .map(|(rows, _)| rows)
    }

    /// The rows of a folder's contents table whose cached message class starts with `prefix`
    /// (ASCII letters compared without regard to case), plus how many rows the table has in all.
    ///
    /// Rows that do not match are passed over on the stored bytes, without decoding their class
    /// into a string: a mail folder has tens of thousands of rows and only its meeting objects
    /// are wanted, so decoding every class was most of the time it took to open a large mailbox.
    pub fn contents_with_class_prefix(
        &self,
        folder_nid: u32,
        prefix: &str,
    ) -> Result<(Vec<ContentsRow>, usize, Vec<Warning>)> {
        self.contents_rows((folder_nid & !0x1F) | 0x0E, Some(prefix))
    }

    fn contents_table(&self, nid: u32) -> Result<(Vec<ContentsRow>, Vec<Warning>)> {
        self.contents_rows(nid, None).map(|(rows, _, w)| (rows, w))
    }

    /// The rows of the contents table `nid` with their cached class, and the table's row count:
    /// every row without `prefix`, else only those whose class starts with it, matched on the
    /// stored bytes before anything is decoded.
    fn contents_rows(
        &self,
        nid: u32,
        prefix: Option<&str>,
    ) -> Result<(Vec<ContentsRow>, usize, Vec<Warning>)> {
        let mut w = Vec::new();
        // The contents table of a large folder is megabytes of rows and values of which the
        // listing needs the row index, each row's cell existence bitmap and class cell, and the
        // classes; so where the file allows it the table is read encoded and only those parts
        // are decoded (a third fewer instructions for the listing of the generated 2 GB mailbox).
        let mut node = match self.open_top_node_with(nid, true, &mut w) {
            Ok(n) => n,
            Err(e) if e.is_missing_node(nid) => return Ok((Vec::new(), 0, w)),
            Err(e) => return Err(e),
        };
        node.heap.decode_item(node.heap.user_root);
        let info = ltp::tc_info(&node.heap)?;
        node.heap.decode_bth(info.hid_row_index);
        let column = info
            .columns
            .iter()
            .find(|c| (c.tag >> 16) as u16 == PROP_MESSAGE_CLASS);
        let mut out = Vec::new();
        // Rows in a sub-node are read encoded too and decoded cell by cell; rows in a heap
        // allocation (small tables) borrow the heap, which is then decoded whole first.
        let partial = self.ndb().partial_decoding();
        if partial && info.hnid_rows != 0 && !ltp::is_hid(info.hnid_rows) {
            let blocks = self.encoded_row_matrix(&node, &info, &mut w)?;
            let rows = ltp::table_rows(&node.heap, &info, &blocks, &mut w)?;
            let total = rows.len();
            // Every row is listed when no class is asked for; with a prefix, most are not.
            if prefix.is_none() {
                out.reserve_exact(total);
            }
            let method = self.header().crypt;
            let ceb = info.ceb_offset()..info.ceb_offset() + info.columns.len().div_ceil(8);
            let class =
                column.map(|c| usize::from(c.offset)..usize::from(c.offset) + usize::from(c.size));
            let mut scratch = Vec::new();
            for (i, (row_id, row)) in rows.into_iter().enumerate() {
                scratch.clear();
                scratch.extend_from_slice(row);
                for range in core::iter::once(&ceb).chain(class.as_ref()) {
                    let end = range.end.min(scratch.len());
                    if let Some(b) = scratch.get_mut(range.start..end) {
                        crypt::decode(method, b, 0);
                    }
                }
                if let Some(Cell::Hnid(h)) = column.and_then(|c| ltp::cell(&info, &scratch, c)) {
                    node.heap.decode_item(h);
                }
                if let Some(r) =
                    self.contents_row(&node, &info, column, i, row_id, &scratch, prefix, &mut w)
                {
                    out.push(r);
                }
            }
            return Ok((out, total, w));
        }
        node.heap.decode_all();
        let matrix = self.row_matrix(&node, &info, &mut w)?;
        let rows = matrix.rows(&node.heap, &info, &mut w)?;
        let total = rows.len();
        for (i, (row_id, row)) in rows.into_iter().enumerate() {
            if let Some(r) = self.contents_row(&node, &info, column, i, row_id, row, prefix, &mut w)
            {
                out.push(r);
            }
        }
        Ok((out, total, w))
    }

    /// The row matrix of a table context stored in a sub-node, its blocks left encoded when
    /// [`crate::ndb::Ndb::partial_decoding`] allows it.
    fn encoded_row_matrix(
        &self,
        node: &Node<'_>,
        info: &ltp::TableInfo,
        w: &mut Warnings,
    ) -> Result<Vec<Vec<u8>>> {
        let e = subnode(node, info.hnid_rows, "row matrix nid")?;
        self.ndb()
            .node_blocks_encoded(e.bid_data, MAX_NODE_DATA, w)
            .map(crate::ndb::Blocks::into_vec)
    }

    /// Row `i` of a contents table as a listing row: `None` when the row is left out because
    /// its class does not start with `prefix` (or cannot be decoded while a prefix is asked).
    #[allow(clippy::too_many_arguments)]
    fn contents_row(
        &self,
        node: &Node<'_>,
        info: &ltp::TableInfo,
        column: Option<&ltp::ColumnDesc>,
        i: usize,
        row_id: u32,
        row: &[u8],
        prefix: Option<&str>,
        w: &mut Warnings,
    ) -> Option<ContentsRow> {
        let location =
            |col: &ltp::ColumnDesc| ValueLoc::cell(u32::try_from(i).unwrap_or(u32::MAX), col.tag);
        let bytes = column.and_then(|col| {
            self.cell_bytes(node, info, row, col, location(col), w)
                .map(|b| (col, b))
        });
        let class = match (bytes, prefix) {
            (Some((col, b)), Some(p)) if starts_with_ascii_ci(col.tag as u16, &b, p) => {
                Some((col, b))
            }
            (_, Some(_)) => return None,
            (found, None) => found,
        };
        let mut message_class = None;
        if let Some((col, b)) = class {
            match value::decode(col.tag as u16, &b, DEFAULT_CODEPAGE) {
                Ok(v) => message_class = v.as_str().map(str::to_owned),
                Err(why) => {
                    w.push(Warning::new(
                        "TC",
                        format!("{}/{}", node.heap.location, location(col)),
                        why,
                    ));
                    // Listing every row, one whose class cannot be decoded stays without a
                    // class, as any unreadable cell leaves its row in the table; a row
                    // selected by class cannot show that it has one.
                    if prefix.is_some() {
                        return None;
                    }
                }
            }
        }
        Some(ContentsRow {
            nid: row_id,
            message_class,
        })
    }

    /// Reads the message with node id `nid`: properties, recipients, attachments and embedded
    /// messages.
    pub fn message(&self, nid: u32) -> Result<Message> {
        self.message_with(nid, &|_, _| true)
    }

    /// Like [`Pst::message`], reading only the property values `keep` accepts (by property id,
    /// store-local for named properties, and type code), in the message, its recipient and
    /// attachment rows, its attachments and its embedded messages. The structure is read whole:
    /// every recipient row, attachment and embedded message is there, with the kept values.
    ///
    /// A check that reads a known set of properties skips decoding the others (bodies, headers,
    /// search keys), which is most of the values of a typical item; values that are not read
    /// cannot report damage either, so [`Message::warnings`] only covers what was kept.
    pub fn message_with(&self, nid: u32, keep: &dyn Fn(u16, u16) -> bool) -> Result<Message> {
        self.message_into(nid, keep, &PropList::new(self.name_map()))
    }

    /// Like [`Pst::message_with`], building each object's properties with `sink` (see
    /// [`PropSink`]). `keep` is a type parameter rather than a `dyn Fn` so that its test, asked for
    /// every entry of every property context and every table column (about two million times in
    /// a pass over the 2 GB bench mailbox), is inlined into the readers' loops.
    pub fn message_into<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        nid: u32,
        keep: &K,
        sink: &S,
    ) -> Result<Message<S::Props>> {
        let mut w = Vec::new();
        let e = self.ndb().node(nid, &mut w)?;
        let entry = NodeEntry {
            nid,
            bid_data: e.bid_data,
            bid_sub: e.bid_sub,
        };
        self.read_message(entry, HeapLocation::Nid(nid), 0, w, keep, sink)
    }

    fn read_message<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        entry: NodeEntry,
        location: HeapLocation<'static>,
        depth: u32,
        mut w: Warnings,
        keep: &K,
        sink: &S,
    ) -> Result<Message<S::Props>> {
        // The nodes below borrow the message's location for their own; it is moved into the
        // message once they are done.
        let (props, recipients, attachments) =
            {
                let node = self.open_node(entry, location.reborrow(), &mut w)?;
                // The code page comes from the entries, not the kept values, so leaving the code
                // page properties out does not change how the other strings decode.
                let mut entries = take_reused(&PC_ENTRIES);
                let read = self.read_props_into(&node, keep, None, sink, &mut entries, &mut w);
                give_back(&PC_ENTRIES, entries, PC_ENTRIES_KEEP);
                let (props, codepage) = read?;

                let table = |nid, what, w: &mut Warnings| {
                    self.sub_table(&node, &location, nid, what, keep, codepage, sink, w)
                };
                let recipients = table(NID_RECIPIENT_TABLE, "recipient table", &mut w);
                let rows = table(NID_ATTACHMENT_TABLE, "attachment table", &mut w);
                let mut attachments = Vec::with_capacity(rows.len());
                for row in rows {
                    attachments.push(self.read_attachment(
                        &node, &location, row, codepage, depth, &mut w, keep, sink,
                    ));
                }
                (props, recipients, attachments)
            };

        Ok(Message {
            nid: entry.nid,
            location,
            props,
            recipients,
            attachments,
            warnings: w,
        })
    }

    /// The rows of the table sub-node `nid` (recipient or attachment table, `what`) of the message
    /// `msg` at `msg_loc`: none when the message has no such sub-node, and none with a warning when
    /// the table cannot be read.
    #[allow(clippy::too_many_arguments)]
    fn sub_table<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        msg: &Node<'_>,
        msg_loc: &HeapLocation<'_>,
        nid: u32,
        what: &'static str,
        keep: &K,
        codepage: u16,
        sink: &S,
        w: &mut Warnings,
    ) -> Vec<TableRow<S::Props>> {
        let Some(e) = msg.subs.get(nid) else {
            return Vec::new();
        };
        let loc = HeapLocation::Sub(msg_loc, nid);
        match self
            .open_node(e, loc.clone(), w)
            .and_then(|t| self.read_table_into(&t, keep, codepage, sink, w))
        {
            Ok(rows) => rows,
            Err(err) => {
                w.push(Warning::new(
                    what,
                    loc.to_string(),
                    format!("unreadable: {err}"),
                ));
                Vec::new()
            }
        }
    }

    /// Reads one attachment object of the message `msg` at `msg_loc`; on failure the attachment
    /// table row stands in for it.
    #[allow(clippy::too_many_arguments)]
    fn read_attachment<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        msg: &Node<'_>,
        msg_loc: &HeapLocation<'_>,
        row: TableRow<S::Props>,
        codepage: u16,
        depth: u32,
        w: &mut Warnings,
        keep: &K,
        sink: &S,
    ) -> Attachment<S::Props> {
        let nid = row.row_id;
        let loc = HeapLocation::Sub(msg_loc, nid);
        let Some(entry) = msg.subs.get(nid) else {
            w.push(Warning::new(
                "attachment",
                loc.to_string(),
                "no sub-node for this attachment row; the table row's cells are used",
            ));
            return Attachment {
                nid,
                props: row.props,
                embedded: None,
            };
        };
        // The file data of ordinary attachments is not needed by any calendar check.
        let keep_value =
            |id: u16, ty: u16| !(id == PROP_ATTACH_DATA && ty == PT_BINARY) && keep(id, ty);
        // Either step failing leaves the table row's cells as the attachment's properties.
        let read = self.open_node(entry, loc.clone(), w).and_then(|node| {
            let mut entries = take_reused(&PC_ENTRIES);
            let read =
                self.read_props_into(&node, &keep_value, Some(codepage), sink, &mut entries, w);
            // From the entries, so the embedded message is found whether or not the method is
            // kept; copied out, as the list goes back for the embedded message's own read.
            let method = entries
                .iter()
                .find(|e| e.id == PROP_ATTACH_METHOD && e.ty == PT_INTEGER32)
                .map(|e| e.value as i32);
            let object = entries
                .iter()
                .find(|e| e.id == PROP_ATTACH_DATA && e.ty == PT_OBJECT)
                .copied();
            give_back(&PC_ENTRIES, entries, PC_ENTRIES_KEEP);
            let (props, _) = read?;
            Ok((node, (props, method, object)))
        });
        let (node, (props, method, object)) = match read {
            Ok(read) => read,
            Err(err) => {
                w.push(Warning::new(
                    "attachment",
                    loc.to_string(),
                    format!("unreadable ({err}); the table row's cells are used"),
                ));
                return Attachment {
                    nid,
                    props: row.props,
                    embedded: None,
                };
            }
        };
        let mut embedded = None;
        if let (Some(ATTACH_EMBEDDED_MSG), Some(obj)) = (method, object) {
            if depth >= MAX_EMBED_DEPTH {
                w.push(Warning::new(
                    "attachment",
                    loc.to_string(),
                    format!(
                        "embedded messages nested deeper than {MAX_EMBED_DEPTH} are not opened"
                    ),
                ));
            } else {
                match self.open_embedded(&node, &obj, &loc, depth, keep, sink) {
                    Ok(m) => embedded = Some(Box::new(m)),
                    Err(err) => w.push(Warning::new(
                        "embedded message",
                        loc.to_string(),
                        format!("unreadable: {err}"),
                    )),
                }
            }
        }
        Attachment {
            nid,
            props,
            embedded,
        }
    }

    /// Opens the embedded message PR_ATTACH_DATA_OBJ names ([MS-PST] 2.3.3.5: a heap allocation
    /// holding the sub-node id and size of the object).
    fn open_embedded<S: PropSink, K: Fn(u16, u16) -> bool + ?Sized>(
        &self,
        att: &Node<'_>,
        obj: &PcEntry,
        loc: &HeapLocation<'_>,
        depth: u32,
        keep: &K,
        sink: &S,
    ) -> Result<Message<S::Props>> {
        let reference = att.heap.item(obj.value)?;
        let sub = u32_at(reference).ok_or_else(|| {
            Error::corrupt(
                "PtypObject",
                format!("{loc}/hid {:#x}", obj.value),
                "the object reference is shorter than 4 bytes",
            )
        })?;
        let entry = att.subs.get(sub).ok_or_else(|| Error::NotFound {
            tree: format!("sub-node tree of {loc}"),
            what: "embedded message nid",
            id: u64::from(sub),
        })?;
        // The message outlives the attachment's location, so its own is made text here, once
        // per embedded message.
        self.read_message(
            entry,
            HeapLocation::Text(Cow::Owned(format!("{loc}/sub {sub:#x}"))),
            depth + 1,
            Vec::new(),
            keep,
            sink,
        )
    }
}

/// Property-context records kept by a thread above this many are freed after use rather than kept
/// for the next PC (a calendar item's PC has a few hundred).
const PC_ENTRIES_KEEP: usize = 4096;

thread_local! {
    /// The records of the property context a thread is reading ([`take_reused`]): every
    /// message and attachment reads one, and a new list for each was one of the allocations of
    /// reading an item.
    static PC_ENTRIES: std::cell::Cell<Vec<PcEntry>> = const { std::cell::Cell::new(Vec::new()) };
}

/// The code page PtypString8 values of a PC are in: PR_MESSAGE_CODEPAGE, else PR_INTERNET_CPID
/// (the first PtypInteger32 entry of each, when it is a nonzero 16-bit value).
///
/// Both are looked for in one pass over the entries, which every PC read makes.
fn codepage_of_entries(entries: &[PcEntry]) -> u16 {
    let (mut message, mut internet) = (None, None);
    for e in entries {
        if e.ty == PT_INTEGER32 {
            match e.id {
                PROP_MESSAGE_CODEPAGE => _ = message.get_or_insert(e.value),
                PROP_INTERNET_CPID => _ = internet.get_or_insert(e.value),
                _ => {}
            }
        }
    }
    let usable = |v: Option<u32>| v.and_then(|v| u16::try_from(v).ok()).filter(|&cp| cp != 0);
    usable(message)
        .or_else(|| usable(internet))
        .unwrap_or(DEFAULT_CODEPAGE)
}

/// Reports a table cell that was read but could not be decoded.
#[cold]
#[inline(never)]
fn cell_value_warning(node: &Node<'_>, location: ValueLoc, why: String, w: &mut Warnings) {
    w.push(Warning::new(
        "TC",
        format!("{}/{location}", node.heap.location),
        why,
    ));
}

/// Reports a PC value that was read but could not be decoded.
#[cold]
#[inline(never)]
fn pc_value_warning(node: &Node<'_>, location: ValueLoc, id: u16, why: &str, w: &mut Warnings) {
    w.push(Warning::new(
        "PC",
        format!("{}/{location}", node.heap.location),
        format!("property {id:#06x}: {why}"),
    ));
}

/// True when the stored string value `bytes` of type `ty` (PtypString or PtypString8) starts with
/// the ASCII text `prefix`, letters compared without regard to case. A class that starts with an
/// ASCII prefix has the same ASCII code units at its start in UTF-16 and in any code page Outlook
/// writes class names in, so the raw bytes answer without decoding.
fn starts_with_ascii_ci(ty: u16, bytes: &[u8], prefix: &str) -> bool {
    let p = prefix.as_bytes();
    if ty == PT_UNICODE {
        bytes.len() >= p.len() * 2
            && bytes
                .chunks_exact(2)
                .zip(p)
                .all(|(u, c)| matches!(u, [lo, 0] if lo.eq_ignore_ascii_case(c)))
    } else {
        bytes
            .get(..p.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcheck_format::props::PropType;

    fn utf16(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn type_code_constants_are_the_prop_type_codes() {
        assert_eq!(PT_INTEGER32, PropType::Integer32.code());
        assert_eq!(PT_UNICODE, PropType::Unicode.code());
        assert_eq!(PT_OBJECT, PropType::Object.code());
        assert_eq!(PT_BINARY, PropType::Binary.code());
    }

    #[test]
    fn class_prefix_is_matched_on_stored_bytes() {
        let unicode = PropType::Unicode.code();
        let ansi = PropType::String8.code();
        let prefix = "IPM.Schedule.Meeting";
        assert!(starts_with_ascii_ci(
            unicode,
            &utf16("IPM.Schedule.Meeting.Request"),
            prefix
        ));
        // Outlook compares message classes without regard to case.
        assert!(starts_with_ascii_ci(
            unicode,
            &utf16("ipm.schedule.meeting.resp.pos"),
            prefix
        ));
        assert!(!starts_with_ascii_ci(unicode, &utf16("IPM.Note"), prefix));
        assert!(!starts_with_ascii_ci(
            unicode,
            &utf16("IPM.Schedule.Meetin"),
            prefix
        ));
        // A non-ASCII unit where the prefix has a letter is not a match.
        assert!(!starts_with_ascii_ci(
            unicode,
            &utf16("IPM.Schedule.Meet\u{0130}ng"),
            prefix
        ));
        assert!(starts_with_ascii_ci(
            ansi,
            b"IPM.Schedule.Meeting.Canceled",
            prefix
        ));
        assert!(!starts_with_ascii_ci(ansi, b"IPM.Appointment", prefix));
    }
}

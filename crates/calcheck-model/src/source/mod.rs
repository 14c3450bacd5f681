//! Input sources: each reader turns one input (a PST/OST file, a .msg file, a folder of them, a JSON
//! or fast-transfer export) into [`CalendarItem`]s, streaming, so that memory does not grow with the input.

pub mod bag;
pub mod fts;
pub mod msg;
pub mod pst;

use std::path::Path;
use std::sync::Arc;

use crate::item::CalendarItem;

/// What kind of input a source reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SourceKind {
    /// A PST file.
    Pst,
    /// An OST file.
    Ost,
    /// One .msg or .oft file.
    Msg,
    /// A folder of .msg files, read as one calendar.
    MsgFolder,
    /// A calcheck-bag/1 or Graph JSON file.
    Json,
    /// A fast-transfer stream (EWS ExportItems, Graph exportItems).
    FastTransfer,
}

/// A folder found in the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderInfo {
    /// `/`-separated path from the root folder.
    pub path: String,
    /// PR_CONTAINER_CLASS, e.g. `IPF.Appointment`.
    pub container_class: Option<String>,
    /// Number of messages in the folder's contents table.
    pub item_count: u32,
    /// True when calcheck reads this folder's items as calendar items.
    pub is_calendar: bool,
}

/// What a source knows about its input as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceInfo {
    /// The input path.
    pub path: Arc<Path>,
    /// The kind of input.
    pub kind: SourceKind,
    /// Display name of the store, if it has one.
    pub display_name: Option<String>,
    /// The mailbox owner's address, if the store records it.
    pub mailbox_owner: Option<String>,
    /// Folders found (for .msg inputs, one pseudo-folder).
    pub folders: Vec<FolderInfo>,
    /// Remarks for the log, e.g. "the PST has a password (a checksum only, not encryption)".
    pub notes: Vec<String>,
}

/// An item that could not be read at all: the scan goes on and a check reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadableItem {
    /// Where it is.
    pub item_ref: crate::item::ItemRef,
    /// Why it could not be read.
    pub reason: String,
}

/// One result of a source's item stream.
pub type ItemResult = Result<CalendarItem, UnreadableItem>;

/// A readable input. Implementations are `Send + Sync` so items can be decoded on several threads.
pub trait CalendarSource: Send + Sync {
    /// What the source knows about its input.
    fn info(&self) -> &SourceInfo;

    /// The number of calendar items, when known without reading them.
    fn item_count_hint(&self) -> Option<usize> {
        None
    }

    /// Every calendar item, in a deterministic order.
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_>;

    /// The number of items [`item_at`](Self::item_at) reads, when the source can read any item on its
    /// own by position (a PST lists its calendar items' NIDs before reading any, a folder its files), so
    /// that items can be decoded on several threads. `None`, the default, for sources that can only
    /// stream [`items`](Self::items).
    fn indexed_len(&self) -> Option<usize> {
        None
    }

    /// Reads the item at position `index`: the same result [`items`](Self::items) yields at that
    /// position. `None` when `index` is not below [`indexed_len`](Self::indexed_len) or the source
    /// cannot read by position.
    fn item_at(&self, _index: usize) -> Option<ItemResult> {
        None
    }
}

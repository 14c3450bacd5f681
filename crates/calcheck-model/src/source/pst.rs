//! The PST/OST reader as a calendar source: `calcheck_pst` ([MS-PST]) turned into [`CalendarItem`]s.
//!
//! Opening a file reads its header, message store, folder tree and the list of calendar items:
//! every message of every calendar folder (PR_CONTAINER_CLASS `IPF.Appointment*`, found anywhere
//! in the tree whatever its name) and, unless switched off, the meeting objects
//! (`IPM.Schedule.Meeting.*`) of other folders, chosen by the message class their contents table
//! caches so that mail is never decoded. Items are then read one at a time as the iterator
//! reaches them, so memory does not grow with the file. A message that cannot be read becomes an
//! [`UnreadableItem`] and the scan goes on; problems inside a readable message (a block CRC
//! mismatch, an unreadable attachment) become [`ReadIssue`]s on the item.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calcheck_format::props::{PropTag, PropValue};
use calcheck_pst::{
    FileKind, Format, Message, NameId, NameMap, PropSink, Pst, Selection, StoreInfo, ValueLoc,
};

use crate::bag::{PropertyBag, ValueLocation};
use crate::item::{
    Attachment, CalendarItem, ItemRef, Locator, ReadIssue, Recipient, hex_upper, push_hex_upper,
};
use crate::key::{NamedId, PropKey};
use crate::names::KeyDef;
use crate::source::{
    CalendarSource, FolderInfo, ItemResult, SourceInfo, SourceKind, UnreadableItem,
};

pub use calcheck_pst::Selection as PstSelection;

/// A PST/OST file that could not be opened at all.
#[derive(Debug, thiserror::Error)]
#[error("{}: {source}", file.display())]
pub struct PstError {
    /// The file.
    pub file: PathBuf,
    /// Why: an I/O error, not a PST/OST file, a corrupt header (CRC mismatch), an unreadable root.
    /// Boxed so the error stays small where paths are large (Windows), as `Result`s should.
    #[source]
    pub source: Box<calcheck_pst::Error>,
}

/// One calendar item to read: its NID and the path of its folder.
#[derive(Debug, Clone)]
struct Entry {
    nid: u32,
    folder: Arc<str>,
}

/// A PST or OST file as a calendar source.
pub struct PstSource {
    pst: Pst,
    info: SourceInfo,
    store: StoreInfo,
    entries: Vec<Entry>,
    /// With [`PstSource::reading_only`]: one bit per store-local property id to read.
    wanted: Option<Box<[u64]>>,
    /// The registered slot ([`PropDef::slot`](crate::names::PropDef::slot)) of every store-local
    /// property id, [`NO_SLOT`] for unregistered ones, resolved once per store so that building
    /// an item's property bags neither hashes keys nor walks the name map per property.
    slots: Box<[u16]>,
    /// The hex of the store's entry ids up to the NID ([`StoreInfo::entry_id`]), which is the same
    /// for every message of the store: made once, so that an item's entry id is this and the eight
    /// digits of its NID rather than 24 bytes turned into hex (about 280 instructions an item).
    entry_id_prefix: Option<String>,
}

/// Where the NID starts in a store's entry ids (see [`StoreInfo::entry_id`]): after the flags and
/// the store's record key.
const ENTRY_ID_NID_AT: usize = 20;

/// The entry id of the message `nid` as uppercase hex, `prefix` being the hex of the entry id's
/// bytes before the NID (see [`PstSource::entry_id_prefix`]).
fn entry_id_hex(prefix: &str, nid: u32) -> String {
    let mut hex = Vec::with_capacity(prefix.len() + 8);
    hex.extend_from_slice(prefix.as_bytes());
    push_hex_upper(&mut hex, &nid.to_le_bytes());
    // Both parts are ASCII, so this never fails.
    String::from_utf8(hex).unwrap_or_default()
}

/// The slot of a store-local property id no registered definition names.
const NO_SLOT: u16 = u16::MAX;

impl core::fmt::Debug for PstSource {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PstSource")
            .field("info", &self.info)
            .field("items", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl PstSource {
    /// Opens `path` and lists its calendar items (meeting objects outside calendar folders included).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, PstError> {
        Self::open_with(path, Selection::default())
    }

    /// Opens `path` and lists the calendar items `selection` asks for.
    ///
    /// Fails when the file cannot be read, is not a PST/OST, has a corrupt header, or its message
    /// store or root folder cannot be read; everything below the root is read with warnings.
    pub fn open_with(path: impl AsRef<Path>, selection: Selection) -> Result<Self, PstError> {
        let path = path.as_ref();
        let err = |source| PstError {
            file: path.to_path_buf(),
            source: Box::new(source),
        };
        let pst = Pst::open(path).map_err(err)?;
        let store = pst.store().map_err(err)?;
        let mut tree = pst.folders_uncounted().map_err(err)?;
        let (listed, entry_warnings) = pst.calendar_entries(&mut tree, selection);

        let header = pst.header();
        let mut notes = vec![format!(
            "{} {} file (wVer {}), block encoding {}",
            match header.format {
                Format::Ansi => "ANSI",
                Format::Unicode => "Unicode",
                Format::Unicode4k => "Unicode 4 KiB-page",
            },
            match header.kind {
                FileKind::Pst => "PST",
                FileKind::Ost => "OST",
                FileKind::Pab => "PAB",
            },
            header.version,
            match header.crypt {
                calcheck_pst::crypt::CryptMethod::None => "none",
                calcheck_pst::crypt::CryptMethod::Permute => "permute (compressible)",
                calcheck_pst::crypt::CryptMethod::Cyclic => "cyclic (high)",
            }
        )];
        if let (FileKind::Pst, Some(crc)) = (header.kind, store.password_checksum) {
            notes.push(format!(
                "the PST has a password (PR_PST_PASSWORD checksum {crc:#010x}); a PST password is a checksum, not encryption, and was not needed to read the file"
            ));
        }
        if !tree.folders.iter().any(calcheck_pst::Folder::is_calendar) {
            notes.push(
                "no calendar folder (PR_CONTAINER_CLASS IPF.Appointment*) was found".to_owned(),
            );
        }
        for w in store
            .warnings
            .iter()
            .chain(pst.name_map_warnings())
            .chain(&tree.warnings)
            .chain(&entry_warnings)
        {
            notes.push(w.to_string());
        }

        let folders: Vec<FolderInfo> = tree
            .folders
            .iter()
            .filter(|f| f.parent.is_some())
            .map(|f| FolderInfo {
                path: f.path.clone(),
                container_class: f.container_class.clone(),
                item_count: f.message_count,
                is_calendar: f.is_calendar(),
            })
            .collect();
        let paths: Vec<Arc<str>> = tree
            .folders
            .iter()
            .map(|f| Arc::from(f.path.as_str()))
            .collect();
        let entries = listed
            .into_iter()
            .map(|e| Entry {
                nid: e.nid,
                folder: paths
                    .get(e.folder)
                    .cloned()
                    .unwrap_or_else(|| Arc::from("")),
            })
            .collect();
        let info = SourceInfo {
            path: Arc::from(path),
            kind: if header.kind == FileKind::Ost {
                SourceKind::Ost
            } else {
                SourceKind::Pst
            },
            display_name: store.display_name.clone().filter(|n| !n.is_empty()),
            mailbox_owner: store.mailbox_owner.clone().filter(|n| !n.is_empty()),
            folders,
            notes,
        };
        let slots = slot_table(&pst);
        let entry_id_prefix = store
            .entry_id(0)
            .and_then(|id| id.get(..ENTRY_ID_NID_AT).map(hex_upper));
        Ok(PstSource {
            pst,
            info,
            store,
            entries,
            wanted: None,
            slots,
            entry_id_prefix,
        })
    }

    /// Reads only the properties with these keys (and the named ids the store's map cannot
    /// resolve, so their read issue is still reported); the structure of every item, its
    /// recipient rows, attachments and exceptions, is read whole.
    ///
    /// A check reads about a hundred and fifty known properties; an item stores many more (bodies,
    /// headers, search keys, flags), so reading only [`names::read_keys`](crate::names::read_keys)
    /// skips decoding and storing most values. Damage inside a value that is not read is not
    /// reported.
    #[must_use]
    pub fn reading_only(mut self, keys: impl IntoIterator<Item = PropKey>) -> Self {
        let mut bits = vec![0u64; 1024].into_boxed_slice();
        let mut set = |id: u16| {
            if let Some(word) = bits.get_mut(usize::from(id / 64)) {
                *word |= 1 << (id % 64);
            }
        };
        let names = self.pst.name_map();
        for key in keys {
            match key {
                PropKey::Tagged(id) => set(id),
                PropKey::Named { set: guid, id } => {
                    let named = calcheck_pst::NamedProp {
                        guid,
                        id: match id {
                            NamedId::Lid(lid) => NameId::Lid(lid),
                            NamedId::Name(name) => NameId::Name(name),
                        },
                    };
                    if let Some(local) = names.local_id(&named) {
                        set(local);
                    }
                }
            }
        }
        for id in 0x8000..=u16::MAX {
            if !names.contains(id) {
                set(id);
            }
        }
        self.wanted = Some(bits);
        self
    }

    /// The underlying reader, for structure-level access.
    pub fn pst(&self) -> &Pst {
        &self.pst
    }

    /// The message store's properties.
    pub fn store(&self) -> &StoreInfo {
        &self.store
    }

    /// The NIDs of the calendar items, in the order [`CalendarSource::items`] yields them.
    pub fn item_nids(&self) -> impl Iterator<Item = u32> + '_ {
        self.entries.iter().map(|e| e.nid)
    }

    /// Reads one listed item.
    // ItemResult is the model's shared item type; its size is the model's choice, not this reader's.
    #[allow(clippy::result_large_err)]
    fn read(&self, entry: &Entry) -> ItemResult {
        let mut item_ref = ItemRef::new(
            self.info.path.clone(),
            entry.folder.clone(),
            Locator::PstNode(entry.nid),
        );
        item_ref.entry_id = self
            .entry_id_prefix
            .as_deref()
            .map(|prefix| entry_id_hex(prefix, entry.nid));
        let sink = BagSink {
            slots: &self.slots,
            names: self.pst.name_map(),
        };
        let read = match &self.wanted {
            Some(bits) => self.pst.message_into(
                entry.nid,
                &|id, _| {
                    bits.get(usize::from(id / 64))
                        .is_some_and(|w| w & (1 << (id % 64)) != 0)
                },
                &sink,
            ),
            None => self.pst.message_into(entry.nid, &|_, _| true, &sink),
        };
        match read {
            Ok(m) => Ok(to_item(m, item_ref)),
            Err(e) => Err(UnreadableItem {
                item_ref,
                reason: e.to_string(),
            }),
        }
    }
}

impl CalendarSource for PstSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn item_count_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }

    #[allow(clippy::result_large_err)]
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(self.entries.iter().map(|e| self.read(e)))
    }

    fn indexed_len(&self) -> Option<usize> {
        Some(self.entries.len())
    }

    #[allow(clippy::result_large_err)]
    fn item_at(&self, index: usize) -> Option<ItemResult> {
        self.entries.get(index).map(|e| self.read(e))
    }
}

/// The registered slot of every store-local property id of `pst` (see [`PstSource::slots`]):
/// tagged ids as the registry gives them, named ids through the store's name map. Every local id
/// the map gives a registered named property gets its slot, even when a damaged map gives one
/// property several ids, so that the slot always agrees with [`crate::names::slot_of`].
fn slot_table(pst: &Pst) -> Box<[u16]> {
    let mut slots = vec![NO_SLOT; 0x1_0000].into_boxed_slice();
    let mut set = |id: u16, slot: usize| {
        if let (Some(s), Ok(slot)) = (slots.get_mut(usize::from(id)), u16::try_from(slot)) {
            *s = slot;
        }
    };
    for def in crate::names::ALL {
        if let KeyDef::Tag(id) = def.key {
            set(id, def.slot());
        }
    }
    for (local, named) in pst.name_map().iter() {
        if local < 0x8000 {
            continue;
        }
        let key = PropKey::Named {
            set: named.guid,
            id: match &named.id {
                NameId::Lid(lid) => NamedId::Lid(*lid),
                NameId::Name(name) => NamedId::Name(name.clone()),
            },
        };
        if let Some(slot) = crate::names::slot_of(&key) {
            set(local, slot);
        }
    }
    slots
}

/// The properties of one object as the PST reader builds them for the model: the bag, and the
/// named-property ids the store's map cannot resolve (left out of the bag, reported as one issue).
struct Bag {
    bag: PropertyBag,
    unresolved: Vec<PropTag>,
}

/// Builds the model's property bags directly as the PST reader decodes values (see
/// [`PropSink`]): each value is moved once, into its bag, with its key and slot found through the
/// store's [`slot_table`].
struct BagSink<'a> {
    slots: &'a [u16],
    names: &'a NameMap,
}

impl BagSink<'_> {
    /// The model key of a store-local property id no registered definition names: tagged ids as
    /// they are, named ids through the store's map. `None` for a named id the map does not know.
    fn unregistered_key(&self, id: u16) -> Option<PropKey> {
        if id < 0x8000 {
            return Some(PropKey::Tagged(id));
        }
        let named = self.names.resolve(id)?;
        let id = match named.id {
            NameId::Lid(lid) => NamedId::Lid(lid),
            NameId::Name(name) => NamedId::Name(name),
        };
        Some(PropKey::Named {
            set: named.guid,
            id,
        })
    }

    /// [`PropSink::push`] of a property no registered definition names: its key comes from the
    /// store's name map, and a named id the map does not know is left out and recorded. Out of
    /// line, as a check pass reads only registered properties.
    #[inline(never)]
    fn push_unregistered(
        &self,
        props: &mut Bag,
        tag: PropTag,
        value: PropValue,
        location: ValueLoc,
    ) {
        let Some(key) = self.unregistered_key(tag.id()) else {
            props.unresolved.push(tag);
            return;
        };
        props.bag.insert_stored(
            key,
            tag.type_code(),
            value,
            Some(ValueLocation::Pst(location)),
            None,
        );
    }
}

impl PropSink for BagSink<'_> {
    type Props = Bag;

    fn props(&self, capacity: usize) -> Bag {
        Bag {
            bag: PropertyBag::with_capacity(capacity),
            unresolved: Vec::new(),
        }
    }

    // Inlined into the reader's loop over values, as the reader's generic code is built here:
    // a plain `#[inline]` left it a call, and passing the value and its location through memory
    // to it cost 2.3 % of the pass's instructions.
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn push(&self, props: &mut Bag, tag: PropTag, value: PropValue, location: ValueLoc) {
        self.push_as(props, tag, value, location);
    }

    // The value is made a `PropValue` only where the bag keeps it (see
    // `PropertyBag::insert_stored_in_slot`).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    fn push_as(
        &self,
        props: &mut Bag,
        tag: PropTag,
        value: impl Into<PropValue>,
        location: ValueLoc,
    ) {
        let slot = self
            .slots
            .get(usize::from(tag.id()))
            .copied()
            .unwrap_or(NO_SLOT);
        // Registered properties (every one a check pass reads) go straight into their slot,
        // keyed by the registry's definition: no key is built here, and a named id needs no
        // name-map lookup. The table holds each definition's own slot (`slot_table`), so the
        // slot and the key of the definition there are all the bag needs.
        match crate::names::key_at(usize::from(slot)) {
            Some(key) => props.bag.insert_stored_in_slot(
                key,
                slot,
                tag.type_code(),
                value,
                ValueLocation::Pst(location),
            ),
            None => self.push_unregistered(props, tag, value.into(), location),
        }
    }
}

/// Turns a decoded message into a calendar item at `item_ref`.
fn to_item(m: Message<Bag>, mut item_ref: ItemRef) -> CalendarItem {
    let mut issues = Vec::new();
    let props = bag(m.props, &mut issues, || "message".to_owned());
    // Sized up front: grown push by push, each item's lists took the reallocating path (about
    // 180 instructions a list) where one allocation of the right size does.
    let mut recipients = Vec::with_capacity(m.recipients.len());
    for (row, r) in m.recipients.into_iter().enumerate() {
        let props = bag(r.props, &mut issues, || format!("recipient row {row}"));
        recipients.push(Recipient {
            row: u32::try_from(row).unwrap_or(u32::MAX),
            props,
        });
    }
    let mut attachments = Vec::with_capacity(m.attachments.len());
    for (index, a) in m.attachments.into_iter().enumerate() {
        let index = u32::try_from(index).unwrap_or(u32::MAX);
        let props = bag(a.props, &mut issues, || format!("attachment {index}"));
        let embedded = a.embedded.map(|e| {
            let mut child_ref = ItemRef::new(
                item_ref.file.clone(),
                item_ref.folder.clone(),
                Locator::Attachment(index),
            );
            // Sized for the parent's path and the parent, so that the push does not grow it.
            child_ref.parents = Vec::with_capacity(item_ref.parents.len() + 1);
            child_ref.parents.extend_from_slice(&item_ref.parents);
            child_ref.parents.push(item_ref.locator.clone());
            Box::new(to_item(*e, child_ref))
        });
        attachments.push(Attachment {
            index,
            props,
            embedded,
        });
    }
    for w in m.warnings {
        issues.push(ReadIssue {
            what: format!("{} at {}", w.structure, w.location),
            reason: w.message,
        });
    }
    item_ref.fill_from(&props);
    // Made last, from its parts, so that the item is built in place (see `from_parts`).
    CalendarItem::from_parts(item_ref, props, recipients, attachments, issues)
}

/// An object's bag; named ids the store's map could not resolve are recorded as one issue in
/// `issues`, the item's (`what` names the object they belong to).
fn bag(props: Bag, issues: &mut Vec<ReadIssue>, what: impl Fn() -> String) -> PropertyBag {
    if !props.unresolved.is_empty() {
        let tags: Vec<String> = props.unresolved.iter().map(ToString::to_string).collect();
        issues.push(ReadIssue {
            what: format!("named properties of the {}", what()),
            reason: format!(
                "{} named-property ids ({}) have no entry in the store's name-to-id map, so they are left out",
                tags.len(),
                tags.join(", ")
            ),
        });
    }
    props.bag
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_id_hex_is_the_whole_id_in_hex() {
        let store = StoreInfo {
            record_key: Some(*b"\x01\x23\x45\x67\x89\xAB\xCD\xEF\xFE\xDC\xBA\x98\x76\x54\x32\x10"),
            display_name: None,
            ipm_subtree: None,
            mailbox_owner: None,
            password_checksum: None,
            props: Vec::new(),
            warnings: Vec::new(),
        };
        let prefix = store
            .entry_id(0)
            .and_then(|id| id.get(..ENTRY_ID_NID_AT).map(hex_upper))
            .unwrap();
        for nid in [0, 0x21, 0x0020_0024, u32::MAX] {
            let whole = hex_upper(&store.entry_id(nid).unwrap());
            assert_eq!(entry_id_hex(&prefix, nid), whole);
        }
    }
}

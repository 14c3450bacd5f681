//! Walks the storages of one .msg compound file and builds a [`CalendarItem`] ([MS-OXMSG] 2.2-2.4).
//!
//! The byte-level decoding of each stream is done by `calcheck_format::msg`; this module opens the
//! streams with the `cfb` crate, resolves named properties through the file's name map, decodes
//! values with the item's code page and recurses into recipients, attachments and embedded
//! messages. Anything that fails below the top-level property stream becomes a [`ReadIssue`] on
//! the item being read, so one bad property never hides the rest of the item.

use std::io::{self, Read, Seek};
use std::path::Path;
use std::sync::Arc;

use calcheck_format::msg::{
    self, ATTACHMENT_PREFIX, EMBEDDED_MESSAGE_STORAGE, HeaderKind, NAMEID_ENTRY_STREAM,
    NAMEID_GUID_STREAM, NAMEID_STORAGE, NAMEID_STRING_STREAM, NameIdMap, NamedIdentity,
    PROPERTIES_STREAM, PropertyEntry, PropertyStream, RECIPIENT_PREFIX,
};
use calcheck_format::props::{CP_WINDOWS_1252, MvBase, PropTag, PropType, PropValue, decode_value};
use cfb::CompoundFile;

use crate::bag::{Property, PropertyBag};
use crate::item::{Attachment, CalendarItem, ItemRef, Locator, ReadIssue, Recipient};
use crate::key::{NamedId, PropKey};
use crate::names;

/// How many embedded messages deep the reader follows attachments. Outlook nests an exception
/// message one level below its series and an attachment of that exception one more; anything far
/// deeper is either a crafted file or a loop, and is reported instead of followed.
pub const MAX_EMBEDDING_DEPTH: u32 = 8;

/// The largest stream whose value the reader loads (64 MiB). Calendar properties are small; a
/// larger stream is an attachment payload or a corrupt size, and is reported instead of loaded.
pub const MAX_STREAM_LEN: u64 = 64 * 1024 * 1024;

/// The most properties read from one property stream. Real messages carry a few hundred; a
/// stream with more is crafted or corrupt, and reading all of it would make building the property
/// bag (one linear lookup per insert) quadratic in the stream size.
pub const MAX_PROPERTIES: usize = 16_384;

/// PidTagAttachMethod value of a custom OLE storage attachment ([MS-OXCMSG] 2.2.2.9), whose
/// `__substg1.0_3701000D` storage is not a message.
const AFSTORAGE: i32 = 6;

/// Why the top-level message could not be read at all.
#[derive(Debug)]
pub(super) enum TopLevelError {
    /// The top-level `__properties_version1.0` stream is absent.
    MissingPropertyStream,
    /// It could not be read from the compound file.
    Io(io::Error),
    /// It is shorter than its header.
    BadPropertyStream(calcheck_format::Error),
}

/// Reads the top-level message of an open compound file.
pub(super) fn read_top_level<F: Read + Seek>(
    cf: &mut CompoundFile<F>,
    file: Arc<Path>,
) -> Result<CalendarItem, TopLevelError> {
    let props_path = stream_path("", PROPERTIES_STREAM);
    if !cf.is_stream(&props_path) {
        return Err(TopLevelError::MissingPropertyStream);
    }
    let data = read_stream(cf, &props_path).map_err(TopLevelError::Io)?;
    let stream = msg::parse_property_stream(&data, HeaderKind::TopLevel)
        .map_err(TopLevelError::BadPropertyStream)?;

    let mut reader = MsgReader {
        cf,
        names: NameIdMap::default(),
    };
    let mut name_issues = Vec::new();
    reader.names = reader.read_name_map(&mut name_issues);

    let item_ref = ItemRef::new(file, "", Locator::MsgFile);
    let mut item = reader.read_message("", stream, item_ref, CP_WINDOWS_1252, 0);
    // Name-map problems concern the whole file; list them first.
    name_issues.append(&mut item.issues);
    item.issues = name_issues;
    Ok(item)
}

struct MsgReader<'c, F> {
    cf: &'c mut CompoundFile<F>,
    names: NameIdMap,
}

impl<F: Read + Seek> MsgReader<'_, F> {
    /// Reads `__nameid_version1.0`; a file without one simply has no named properties.
    fn read_name_map(&mut self, issues: &mut Vec<ReadIssue>) -> NameIdMap {
        if !self.cf.is_storage(format!("/{NAMEID_STORAGE}")) {
            return NameIdMap::default();
        }
        let mut streams: [Vec<u8>; 3] = Default::default();
        for (slot, name) in streams.iter_mut().zip([
            NAMEID_GUID_STREAM,
            NAMEID_ENTRY_STREAM,
            NAMEID_STRING_STREAM,
        ]) {
            let path = stream_path(NAMEID_STORAGE, name);
            if !self.cf.is_stream(&path) {
                // The GUID and string streams are legitimately empty or absent when no named
                // property uses a custom set or a string name.
                continue;
            }
            match read_stream(self.cf, &path) {
                Ok(data) => *slot = data,
                Err(e) => issues.push(issue(
                    "named-property map",
                    format!("cannot read {}: {e}", display_path(&path)),
                )),
            }
        }
        let [guids, entries, strings] = &streams;
        let decoded = msg::parse_nameid(guids, entries, strings);
        for d in decoded.diagnostics {
            issues.push(issue("named-property map", d.to_string()));
        }
        decoded.value
    }

    /// Reads the message whose property stream is already decoded, at `storage` ("" for the root).
    fn read_message(
        &mut self,
        storage: &str,
        stream: calcheck_format::Decoded<PropertyStream>,
        item_ref: ItemRef,
        inherited_codepage: u16,
        depth: u32,
    ) -> CalendarItem {
        let mut item = CalendarItem::new(item_ref);
        for d in &stream.diagnostics {
            item.issue(
                format!(
                    "property stream {}",
                    display_path(&stream_path(storage, PROPERTIES_STREAM))
                ),
                d.to_string(),
            );
        }
        let stream = stream.value;
        let codepage = message_codepage(&stream.entries).unwrap_or(inherited_codepage);
        item.props = self.read_bag(storage, &stream.entries, codepage, &mut item.issues);
        item.item_ref.fill_from(&item.props);

        let children = self.child_storages(storage, &mut item.issues);
        let mut recipient_count = 0u32;
        let mut attachment_count = 0u32;
        for (name, index) in &children.recipients {
            recipient_count += 1;
            let path = join(storage, name);
            match self.read_child_bag(&path, codepage) {
                Ok((props, mut issues)) => {
                    item.issues.append(&mut issues);
                    item.recipients.push(Recipient { row: *index, props });
                }
                Err(reason) => item.issue(format!("recipient {index}"), reason),
            }
        }
        for (name, index) in &children.attachments {
            attachment_count += 1;
            let path = join(storage, name);
            match self.read_child_bag(&path, codepage) {
                Ok((props, mut issues)) => {
                    item.issues.append(&mut issues);
                    let embedded = self.read_embedded(&path, &props, &item, codepage, depth);
                    let embedded = match embedded {
                        Ok(e) => e.map(Box::new),
                        Err(reason) => {
                            item.issue(format!("attachment {index}"), reason);
                            None
                        }
                    };
                    item.attachments.push(Attachment {
                        index: *index,
                        props,
                        embedded,
                    });
                }
                Err(reason) => item.issue(format!("attachment {index}"), reason),
            }
        }

        // The header counts are what Outlook believes the message holds; storages that are missing
        // or extra mean the file was cut or assembled by hand.
        if let Some(h) = stream.header {
            if h.recipient_count != recipient_count {
                item.issue(
                    "recipient table",
                    format!(
                        "the property stream header counts {} recipients but {recipient_count} recipient storages exist",
                        h.recipient_count
                    ),
                );
            }
            if h.attachment_count != attachment_count {
                item.issue(
                    "attachment table",
                    format!(
                        "the property stream header counts {} attachments but {attachment_count} attachment storages exist",
                        h.attachment_count
                    ),
                );
            }
        }
        item
    }

    /// Opens the embedded message of an attachment, if it has one.
    fn read_embedded(
        &mut self,
        attach_path: &str,
        attach_props: &PropertyBag,
        parent: &CalendarItem,
        codepage: u16,
        depth: u32,
    ) -> Result<Option<CalendarItem>, String> {
        let storage = join(attach_path, EMBEDDED_MESSAGE_STORAGE);
        if !self.cf.is_storage(format!("/{storage}")) {
            return Ok(None);
        }
        if attach_props.i32(&names::ATTACH_METHOD) == Some(AFSTORAGE) {
            // A custom OLE storage, not a message.
            return Ok(None);
        }
        if depth + 1 > MAX_EMBEDDING_DEPTH {
            return Err(format!(
                "the embedded message is nested more than {MAX_EMBEDDING_DEPTH} levels deep and was not read"
            ));
        }
        let props_path = stream_path(&storage, PROPERTIES_STREAM);
        if !self.cf.is_stream(&props_path) {
            return Err(format!(
                "the embedded message storage {storage} has no {PROPERTIES_STREAM} stream"
            ));
        }
        let data = read_stream(self.cf, &props_path)
            .map_err(|e| format!("cannot read {}: {e}", display_path(&props_path)))?;
        let stream = msg::parse_property_stream(&data, HeaderKind::Embedded).map_err(|e| {
            format!("the embedded message's property stream cannot be decoded: {e}")
        })?;

        let mut item_ref = ItemRef::new(
            parent.item_ref.file.clone(),
            parent.item_ref.folder.clone(),
            Locator::MsgStorage(storage.clone()),
        );
        item_ref.parents.clone_from(&parent.item_ref.parents);
        item_ref.parents.push(parent.item_ref.locator.clone());
        Ok(Some(self.read_message(
            &storage,
            stream,
            item_ref,
            codepage,
            depth + 1,
        )))
    }

    /// Reads the property stream of a recipient or attachment storage into a bag.
    fn read_child_bag(
        &mut self,
        storage: &str,
        codepage: u16,
    ) -> Result<(PropertyBag, Vec<ReadIssue>), String> {
        let props_path = stream_path(storage, PROPERTIES_STREAM);
        if !self.cf.is_stream(&props_path) {
            return Err(format!(
                "the storage {storage} has no {PROPERTIES_STREAM} stream"
            ));
        }
        let data = read_stream(self.cf, &props_path)
            .map_err(|e| format!("cannot read {}: {e}", display_path(&props_path)))?;
        let stream = msg::parse_property_stream(&data, HeaderKind::RecipientOrAttachment)
            .map_err(|e| format!("the property stream cannot be decoded: {e}"))?;
        let mut issues: Vec<ReadIssue> = stream
            .diagnostics
            .iter()
            .map(|d| {
                issue(
                    format!("property stream {}", display_path(&props_path)),
                    d.to_string(),
                )
            })
            .collect();
        let bag = self.read_bag(storage, &stream.value.entries, codepage, &mut issues);
        Ok((bag, issues))
    }

    /// Turns property entries into a bag, reading stream values; failures become issues.
    fn read_bag(
        &mut self,
        storage: &str,
        entries: &[PropertyEntry],
        codepage: u16,
        issues: &mut Vec<ReadIssue>,
    ) -> PropertyBag {
        let mut bag = PropertyBag::new();
        let entries = if entries.len() > MAX_PROPERTIES {
            issues.push(issue(
                format!(
                    "property stream {}",
                    display_path(&stream_path(storage, PROPERTIES_STREAM))
                ),
                format!(
                    "the stream has {} entries; only the first {MAX_PROPERTIES} were read",
                    entries.len()
                ),
            ));
            entries.get(..MAX_PROPERTIES).unwrap_or(entries)
        } else {
            entries
        };
        for entry in entries {
            match self.read_property(storage, entry, codepage) {
                Ok(prop) => bag.insert(prop),
                Err(reason) => issues.push(issue(
                    format!(
                        "property {} in {}",
                        entry.tag,
                        display_path(&stream_path(storage, PROPERTIES_STREAM))
                    ),
                    reason,
                )),
            }
        }
        bag
    }

    /// Reads one property's value.
    fn read_property(
        &mut self,
        storage: &str,
        entry: &PropertyEntry,
        codepage: u16,
    ) -> Result<Property, String> {
        let tag = entry.tag;
        let key = self.key_for(tag)?;
        let Some(ty) = tag.prop_type() else {
            return Err(format!(
                "the property type 0x{:04X} is not defined, so its value cannot be located",
                tag.type_code()
            ));
        };

        if let Some(inline) = entry.inline_value() {
            let value = decode_value(ty, inline, codepage).map_err(|e| e.to_string())?;
            return Ok(located(
                key,
                tag,
                value,
                format!(
                    "{} offset {}",
                    display_path(&stream_path(storage, PROPERTIES_STREAM)),
                    entry.offset
                ),
            ));
        }

        let value_path = stream_path(storage, &msg::substg_name(tag));
        let value = match ty {
            PropType::Object => {
                if self.cf.is_storage(&value_path) {
                    // An embedded message or OLE storage: opened separately, not a byte value.
                    PropValue::Object(Vec::new())
                } else {
                    PropValue::Object(self.value_stream(&value_path, entry, ty)?)
                }
            }
            PropType::Multiple(base) => self.read_multivalue(&value_path, tag, base, codepage)?,
            _ => {
                let bytes = self.value_stream(&value_path, entry, ty)?;
                decode_value(ty, &bytes, codepage).map_err(|e| e.to_string())?
            }
        };
        Ok(located(
            key,
            tag,
            value,
            display_path(&value_path).to_owned(),
        ))
    }

    /// The store-independent key of a tag, resolving named ids through the name map.
    fn key_for(&self, tag: PropTag) -> Result<PropKey, String> {
        if !tag.is_named() {
            return Ok(PropKey::Tagged(tag.id()));
        }
        let entry = self.names.get(tag.id()).ok_or_else(|| {
            format!(
                "named property id 0x{:04X} is not in the file's named-property map",
                tag.id()
            )
        })?;
        let id = match &entry.id {
            NamedIdentity::Lid(lid) => NamedId::Lid(*lid),
            NamedIdentity::Name(name) => NamedId::Name(name.clone()),
        };
        Ok(PropKey::Named {
            set: entry.guid,
            id,
        })
    }

    /// The bytes of a single value stream. A missing stream is an empty value when the entry
    /// declares an empty one (Outlook omits some empty streams), and an error otherwise.
    fn value_stream(
        &mut self,
        path: &str,
        entry: &PropertyEntry,
        ty: PropType,
    ) -> Result<Vec<u8>, String> {
        if self.cf.is_stream(path) {
            return read_stream(self.cf, path)
                .map_err(|e| format!("cannot read {}: {e}", display_path(path)));
        }
        // Size counts the terminator of strings ([MS-OXMSG] 2.4.2.2), so an empty string is 2 or 1.
        let empty_size = match ty {
            PropType::Unicode => 2,
            PropType::String8 => 1,
            _ => 0,
        };
        if entry.declared_size() <= empty_size {
            return Ok(Vec::new());
        }
        Err(format!(
            "the value stream {} is missing (the entry declares {} bytes)",
            display_path(path),
            entry.declared_size()
        ))
    }

    /// Reads a multi-valued property from its stream(s).
    fn read_multivalue(
        &mut self,
        path: &str,
        tag: PropTag,
        base: MvBase,
        codepage: u16,
    ) -> Result<PropValue, String> {
        if !self.cf.is_stream(path) {
            return Err(format!(
                "the value stream {} is missing",
                display_path(path)
            ));
        }
        let data = read_stream(self.cf, path)
            .map_err(|e| format!("cannot read {}: {e}", display_path(path)))?;
        if !matches!(base, MvBase::String8 | MvBase::Unicode | MvBase::Binary) {
            return msg::decode_fixed_multivalue(base, &data).map_err(|e| e.to_string());
        }
        let lengths = msg::parse_multivalue_lengths(base, &data).map_err(|e| e.to_string())?;
        let storage = path.rsplit_once('/').map_or("", |(s, _)| s);
        let mut values = Vec::with_capacity(lengths.len());
        // The number of value streams is bounded by the length stream's size, which was read.
        for index in 0..lengths.len() {
            let index = u32::try_from(index).map_err(|e| e.to_string())?;
            let value_path = format!(
                "{storage}/{}",
                msg::multivalue_value_stream_name(tag, index)
            );
            if !self.cf.is_stream(&value_path) {
                return Err(format!(
                    "the value stream {} is missing",
                    display_path(&value_path)
                ));
            }
            values.push(
                read_stream(self.cf, &value_path)
                    .map_err(|e| format!("cannot read {}: {e}", display_path(&value_path)))?,
            );
        }
        let slices: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
        msg::decode_variable_multivalue(base, &slices, codepage).map_err(|e| e.to_string())
    }

    /// The recipient and attachment storages directly under `storage`, sorted by number.
    fn child_storages(&self, storage: &str, issues: &mut Vec<ReadIssue>) -> Children {
        let mut children = Children::default();
        let dir = if storage.is_empty() {
            "/".to_owned()
        } else {
            format!("/{storage}")
        };
        let entries = match self.cf.read_storage(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                issues.push(issue("storage", format!("cannot list {dir}: {e}")));
                return children;
            }
        };
        for e in entries.filter(cfb::Entry::is_storage) {
            let name = e.name();
            if let Some(i) = msg::storage_index(name, RECIPIENT_PREFIX) {
                children.recipients.push((name.to_owned(), i));
            } else if let Some(i) = msg::storage_index(name, ATTACHMENT_PREFIX) {
                children.attachments.push((name.to_owned(), i));
            }
        }
        children.recipients.sort_by_key(|(_, i)| *i);
        children.attachments.sort_by_key(|(_, i)| *i);
        children
    }
}

#[derive(Default)]
struct Children {
    recipients: Vec<(String, u32)>,
    attachments: Vec<(String, u32)>,
}

/// PR_MESSAGE_CODEPAGE, else PR_INTERNET_CPID, when stored inline and a valid code page number.
fn message_codepage(entries: &[PropertyEntry]) -> Option<u16> {
    let find = |tag: u32| {
        entries
            .iter()
            .find(|e| e.tag.0 == tag)
            .and_then(PropertyEntry::inline_value)
            .map(|v| i32::from_le_bytes([v[0], v[1], v[2], v[3]]))
            .and_then(|cp| u16::try_from(cp).ok())
            .filter(|cp| *cp != 0)
    };
    find(names::MESSAGE_CODEPAGE.tag().unwrap_or_default())
        .or_else(|| find(names::INTERNET_CODEPAGE.tag().unwrap_or_default()))
}

fn located(key: PropKey, tag: PropTag, value: PropValue, location: String) -> Property {
    let mut prop = Property::new(key, tag.type_code(), value);
    prop.location = Some(location.into());
    prop
}

fn issue(what: impl Into<String>, reason: impl Into<String>) -> ReadIssue {
    ReadIssue {
        what: what.into(),
        reason: reason.into(),
    }
}

/// `parent/name`, or `name` at the root.
fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    }
}

/// The absolute compound-file path of stream `name` in `storage`.
fn stream_path(storage: &str, name: &str) -> String {
    format!("/{}", join(storage, name))
}

/// A compound-file path as shown to people: without the leading slash.
fn display_path(path: &str) -> &str {
    path.strip_prefix('/').unwrap_or(path)
}

/// Reads a whole stream, refusing streams larger than [`MAX_STREAM_LEN`].
fn read_stream<F: Read + Seek>(cf: &mut CompoundFile<F>, path: &str) -> io::Result<Vec<u8>> {
    let stream = cf.open_stream(path)?;
    let len = stream.len();
    if len > MAX_STREAM_LEN {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the stream is {len} bytes, above the {MAX_STREAM_LEN}-byte limit"),
        ));
    }
    // The length was checked, so the buffer is bounded; read_to_end still grows it only as bytes
    // actually arrive.
    let mut out = Vec::new();
    stream.take(MAX_STREAM_LEN).read_to_end(&mut out)?;
    Ok(out)
}

//! Builds Outlook .msg files ([MS-OXMSG]) from a readable description, for tests and fixtures.
//!
//! A [`Message`] holds properties (set by [MS-OXPROPS] name through calcheck's registry, or by
//! [`PropKey`] and type code), [`Recipient`]s and [`Attachment`]s, whose embedded messages are
//! again [`Message`]s. [`Message::to_bytes`] lays them out the way Outlook does: one
//! `__properties_version1.0` stream per object (32/24/8-byte headers), `__substg1.0_XXXXYYYY`
//! streams for strings, binaries and multi-valued values, `__recip_version1.0_#N` and
//! `__attach_version1.0_#N` storages, `__substg1.0_3701000D` storages for embedded messages, and
//! one `__nameid_version1.0` map (GUID, entry and string streams) shared by the whole file.
//!
//! Every layer can be broken on purpose: [`Value::raw`] stores bytes as given, [`Object::add_key`]
//! adds a second entry for a key, [`Object::raw_entry`] appends a hand-made 16-byte entry,
//! [`Object::raw_stream`] replaces or adds any stream (including the name map's), and
//! [`Object::omit_stream`] leaves one out; [`Message::header_counts`] writes wrong counters.
//!
//! The output is deterministic: storages carry a fixed timestamp, so the same description always
//! gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Cursor, Write};
use std::path::Path;
use std::time::{Duration, SystemTime};

use calcheck_format::Guid;
use calcheck_format::msg::{
    ATTACHMENT_PREFIX, EMBEDDED_MESSAGE_STORAGE, NAMEID_ENTRY_STREAM, NAMEID_GUID_STREAM,
    NAMEID_STORAGE, NAMEID_STRING_STREAM, PROPERTIES_STREAM, PS_MAPI, PS_PUBLIC_STRINGS,
    RECIPIENT_PREFIX, is_inline, multivalue_value_stream_name, substg_name,
};
use calcheck_format::props::{MvBase, PropTag, PropType, PropValue};
use calcheck_model::key::{NamedId, PropKey};
use calcheck_model::names::{self, PropDef};

/// The Flags most Outlook-written entries carry: PROPATTR_READABLE | PROPATTR_WRITABLE.
pub const DEFAULT_FLAGS: u32 = 0x6;

/// PidTagAttachMethod afEmbeddedMessage ([MS-OXCMSG] 2.2.2.9).
pub const AF_EMBEDDED_MESSAGE: i32 = 5;

/// PidTagAttachmentFlags afException ([MS-OXOCAL] 2.2.10.1.2).
pub const AF_EXCEPTION: i32 = 0x2;

/// The timestamp written on every storage: 2000-01-01 00:00 UTC, so output is reproducible.
fn fixed_timestamp() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(946_684_800)
}

/// A property value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A typed value, encoded the way its type is stored ([MS-OXMSG] 2.1, 2.4.2).
    Typed(PropValue),
    /// Bytes written as they are: the 8 value bytes of an inline entry (zero-padded or cut), or the
    /// content of the value stream.
    Raw(Vec<u8>),
}

impl Value {
    /// A PtypTime value (FILETIME ticks, UTC).
    pub fn time(filetime: u64) -> Self {
        Value::Typed(PropValue::Time(filetime))
    }

    /// A PtypString8 value, encoded in `codepage`.
    pub fn string8(text: &str, codepage: u16) -> Self {
        Value::Typed(PropValue::String8 {
            text: text.into(),
            codepage,
        })
    }

    /// Bytes written exactly as given.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Value::Raw(bytes.into())
    }

    /// A PtypMultipleInteger32 value.
    pub fn mv_i32(values: &[i32]) -> Self {
        Value::Typed(PropValue::Multiple(
            MvBase::Integer32,
            values.iter().map(|v| PropValue::I32(*v)).collect(),
        ))
    }

    /// A PtypMultipleString value.
    pub fn mv_unicode(values: &[&str]) -> Self {
        Value::Typed(PropValue::Multiple(
            MvBase::Unicode,
            values
                .iter()
                .map(|v| PropValue::Unicode((*v).into()))
                .collect(),
        ))
    }

    /// A PtypMultipleBinary value.
    pub fn mv_binary(values: &[&[u8]]) -> Self {
        Value::Typed(PropValue::Multiple(
            MvBase::Binary,
            values
                .iter()
                .map(|v| PropValue::Binary(v.to_vec()))
                .collect(),
        ))
    }

    /// The type code a typed value is naturally stored with (`None` for raw bytes).
    pub fn natural_type(&self) -> Option<u16> {
        match self {
            Value::Typed(v) => Some(type_of(v).code()),
            Value::Raw(_) => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Typed(PropValue::Unicode(s.into()))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Typed(PropValue::Unicode(s.into()))
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Typed(PropValue::I32(v))
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Typed(PropValue::Bool(v))
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Typed(PropValue::Binary(v))
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Typed(PropValue::Binary(v.to_vec()))
    }
}

impl From<PropValue> for Value {
    fn from(v: PropValue) -> Self {
        Value::Typed(v)
    }
}

/// One property to write: identity, the type code written into its tag, value and entry flags.
#[derive(Debug, Clone, PartialEq)]
pub struct PropSpec {
    /// Identity; named keys are given file-local ids through the name map.
    pub key: PropKey,
    /// The type code written into the tag (may deliberately disagree with the value).
    pub type_code: u16,
    /// The value.
    pub value: Value,
    /// The entry's Flags field.
    pub flags: u32,
}

/// A hand-made 16-byte property-stream entry, written after the regular ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawEntry {
    /// The tag, as stored.
    pub tag: u32,
    /// The flags, as stored.
    pub flags: u32,
    /// The 8 value bytes, as stored.
    pub value: [u8; 8],
}

/// The properties and stream overrides of one object (message, recipient or attachment).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Props {
    specs: Vec<PropSpec>,
    raw_entries: Vec<RawEntry>,
    raw_streams: Vec<(String, Vec<u8>)>,
    omitted: Vec<String>,
}

impl Props {
    /// The properties, in the order they will be written.
    pub fn specs(&self) -> &[PropSpec] {
        &self.specs
    }
}

/// Anything that has properties: [`Message`], [`Recipient`], [`Attachment`].
pub trait Object: Sized {
    /// The object's properties.
    fn props_mut(&mut self) -> &mut Props;

    /// Sets a registered property by [MS-OXPROPS] or MAPI name (e.g. `PidTagSubject`,
    /// `dispidApptRecur`), replacing an earlier value of the same property. The type code is the
    /// value's own type, or the registry's type for raw bytes.
    ///
    /// # Panics
    /// When the name is not in calcheck's registry (a typo in a test).
    fn set(self, name: &str, value: impl Into<Value>) -> Self {
        let def = names::by_name(name)
            .unwrap_or_else(|| panic!("{name:?} is not a property in calcheck's registry"));
        self.set_def(def, value)
    }

    /// Sets a registered property, replacing an earlier value of the same property.
    fn set_def(self, def: &PropDef, value: impl Into<Value>) -> Self {
        let value = value.into();
        let type_code = value.natural_type().unwrap_or(def.ty.code());
        self.set_key(def.key.to_key(), type_code, value)
    }

    /// Sets a property by key and type code, replacing an earlier entry with the same key.
    fn set_key(mut self, key: PropKey, type_code: u16, value: impl Into<Value>) -> Self {
        let spec = PropSpec {
            key,
            type_code,
            value: value.into(),
            flags: DEFAULT_FLAGS,
        };
        let specs = &mut self.props_mut().specs;
        if let Some(existing) = specs.iter_mut().find(|s| s.key == spec.key) {
            *existing = spec;
        } else {
            specs.push(spec);
        }
        self
    }

    /// Adds a property entry even when the key is already present, to write duplicates.
    fn add_key(mut self, key: PropKey, type_code: u16, value: impl Into<Value>) -> Self {
        self.props_mut().specs.push(PropSpec {
            key,
            type_code,
            value: value.into(),
            flags: DEFAULT_FLAGS,
        });
        self
    }

    /// Removes every entry of a registered property.
    ///
    /// # Panics
    /// When the name is not in calcheck's registry.
    fn remove(mut self, name: &str) -> Self {
        let def = names::by_name(name)
            .unwrap_or_else(|| panic!("{name:?} is not a property in calcheck's registry"));
        self.props_mut().specs.retain(|s| !def.key.matches(&s.key));
        self
    }

    /// Appends a hand-made entry to the property stream (after the regular entries).
    fn raw_entry(mut self, tag: u32, flags: u32, value: [u8; 8]) -> Self {
        self.props_mut()
            .raw_entries
            .push(RawEntry { tag, flags, value });
        self
    }

    /// Writes stream `name` (relative to this object's storage, may contain `/`) with exactly
    /// these bytes, replacing whatever the writer would have written there.
    fn raw_stream(mut self, name: &str, bytes: impl Into<Vec<u8>>) -> Self {
        self.props_mut()
            .raw_streams
            .push((name.to_owned(), bytes.into()));
        self
    }

    /// Leaves stream `name` (relative to this object's storage) out of the file.
    fn omit_stream(mut self, name: &str) -> Self {
        self.props_mut().omitted.push(name.to_owned());
        self
    }
}

/// The counters of a message's property-stream header ([MS-OXMSG] 2.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderCounts {
    /// Next Recipient ID.
    pub next_recipient_id: u32,
    /// Next Attachment ID.
    pub next_attachment_id: u32,
    /// Recipient Count.
    pub recipient_count: u32,
    /// Attachment Count.
    pub attachment_count: u32,
}

/// A message: the top-level item of a file, or an embedded message of an attachment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Message {
    props: Props,
    recipients: Vec<Recipient>,
    attachments: Vec<Attachment>,
    header: Option<HeaderCounts>,
}

impl Object for Message {
    fn props_mut(&mut self) -> &mut Props {
        &mut self.props
    }
}

impl Message {
    /// An empty message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a recipient row.
    pub fn recipient(mut self, r: Recipient) -> Self {
        self.recipients.push(r);
        self
    }

    /// Adds an attachment.
    pub fn attachment(mut self, a: Attachment) -> Self {
        self.attachments.push(a);
        self
    }

    /// Writes these header counters instead of the true ones.
    pub fn header_counts(mut self, counts: HeaderCounts) -> Self {
        self.header = Some(counts);
        self
    }

    /// The properties set so far.
    pub fn props(&self) -> &Props {
        &self.props
    }

    /// The recipients added so far.
    pub fn recipients(&self) -> &[Recipient] {
        &self.recipients
    }

    /// The attachments added so far.
    pub fn attachments(&self) -> &[Attachment] {
        &self.attachments
    }

    /// The whole .msg file.
    pub fn to_bytes(&self) -> io::Result<Vec<u8>> {
        let mut names = NameMap::default();
        self.collect_names(&mut names);
        let mut layout = Layout::default();
        layout.message(self, "", true, &names);
        layout.name_map(&names);
        // The root's overrides come last so that they can replace the name map's streams too.
        layout.overrides("", &self.props);
        layout.write()
    }

    /// Writes the .msg file to `path`.
    pub fn write_to(&self, path: &Path) -> io::Result<()> {
        std::fs::write(path, self.to_bytes()?)
    }

    fn collect_names(&self, names: &mut NameMap) {
        names.collect(&self.props);
        for r in &self.recipients {
            names.collect(&r.props);
        }
        for a in &self.attachments {
            names.collect(&a.props);
            if let Some(m) = &a.embedded {
                m.collect_names(names);
            }
        }
    }
}

/// A recipient row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recipient {
    props: Props,
}

impl Object for Recipient {
    fn props_mut(&mut self) -> &mut Props {
        &mut self.props
    }
}

impl Recipient {
    /// An empty recipient row.
    pub fn new() -> Self {
        Self::default()
    }

    /// An SMTP recipient with display name, address and PR_RECIPIENT_TYPE (1 To/required,
    /// 2 Cc/optional, 3 Bcc/resource).
    pub fn smtp(display_name: &str, address: &str, recipient_type: i32) -> Self {
        Recipient::new()
            .set_def(&names::RECIPIENT_TYPE, recipient_type)
            .set_def(&names::DISPLAY_NAME, display_name)
            .set_def(&names::ADDRESS_TYPE, "SMTP")
            .set_def(&names::EMAIL_ADDRESS, address)
            .set_def(&names::SMTP_ADDRESS, address)
            .set_def(&names::RECIPIENT_DISPLAY_NAME, display_name)
    }

    /// The properties set so far.
    pub fn props(&self) -> &Props {
        &self.props
    }
}

/// An attachment, optionally with an embedded message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attachment {
    props: Props,
    embedded: Option<Message>,
}

impl Object for Attachment {
    fn props_mut(&mut self) -> &mut Props {
        &mut self.props
    }
}

impl Attachment {
    /// An empty attachment.
    pub fn new() -> Self {
        Self::default()
    }

    /// An attachment holding `message` as an embedded message (PR_ATTACH_METHOD 5).
    pub fn embedded(message: Message) -> Self {
        let mut a = Attachment::new().set_def(&names::ATTACH_METHOD, AF_EMBEDDED_MESSAGE);
        a.embedded = Some(message);
        a
    }

    /// A recurrence exception attachment the way Outlook writes one ([MS-OXOCAL] 2.2.10.1):
    /// embedded message, hidden, afException, rendering position 0xFFFFFFFF.
    pub fn exception(message: Message) -> Self {
        Attachment::embedded(message)
            .set_def(&names::ATTACHMENT_HIDDEN, true)
            .set_def(&names::ATTACHMENT_FLAGS, AF_EXCEPTION)
            .set_def(&names::RENDERING_POSITION, -1)
            .set_def(&names::ATTACH_FLAGS, 0)
            .set_def(&names::ATTACHMENT_LINK_ID, 0)
    }

    /// Replaces the embedded message.
    pub fn with_embedded(mut self, message: Option<Message>) -> Self {
        self.embedded = message;
        self
    }

    /// The properties set so far.
    pub fn props(&self) -> &Props {
        &self.props
    }

    /// The embedded message, if any.
    pub fn embedded_message(&self) -> Option<&Message> {
        self.embedded.as_ref()
    }
}

/// The file-wide named-property map: key → property index, plus the custom GUIDs in order.
#[derive(Debug, Default)]
struct NameMap {
    keys: Vec<(Guid, NamedId)>,
    guids: Vec<Guid>,
}

impl NameMap {
    fn collect(&mut self, props: &Props) {
        for spec in &props.specs {
            if let PropKey::Named { set, id } = &spec.key {
                if !self.keys.iter().any(|(s, i)| s == set && i == id) {
                    self.keys.push((*set, id.clone()));
                }
                if *set != PS_MAPI && *set != PS_PUBLIC_STRINGS && !self.guids.contains(set) {
                    self.guids.push(*set);
                }
            }
        }
    }

    /// The file-local property id of a key.
    fn prop_id(&self, key: &PropKey) -> u16 {
        match key {
            PropKey::Tagged(id) => *id,
            PropKey::Named { set, id } => {
                let index = self
                    .keys
                    .iter()
                    .position(|(s, i)| s == set && i == id)
                    .unwrap_or(0);
                0x8000u16.saturating_add(u16::try_from(index).unwrap_or(u16::MAX))
            }
        }
    }

    /// The GUID index of a property set in the entry stream.
    fn guid_index(&self, set: &Guid) -> u16 {
        if *set == PS_MAPI {
            1
        } else if *set == PS_PUBLIC_STRINGS {
            2
        } else {
            let i = self.guids.iter().position(|g| g == set).unwrap_or(0);
            3u16.saturating_add(u16::try_from(i).unwrap_or(u16::MAX))
        }
    }
}

/// The streams and storages of the file being written, by path relative to the root.
#[derive(Debug, Default)]
struct Layout {
    storages: BTreeSet<String>,
    streams: BTreeMap<String, Vec<u8>>,
}

impl Layout {
    fn message(&mut self, m: &Message, storage: &str, top_level: bool, names: &NameMap) {
        let counts = m.header.unwrap_or(HeaderCounts {
            next_recipient_id: count(m.recipients.len()),
            next_attachment_id: count(m.attachments.len()),
            recipient_count: count(m.recipients.len()),
            attachment_count: count(m.attachments.len()),
        });
        let mut header = vec![0u8; 8];
        for v in [
            counts.next_recipient_id,
            counts.next_attachment_id,
            counts.recipient_count,
            counts.attachment_count,
        ] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        if top_level {
            header.extend_from_slice(&[0; 8]);
        }
        self.object(storage, header, &m.props, &[], names);

        for (i, r) in m.recipients.iter().enumerate() {
            let path = join(storage, &format!("{RECIPIENT_PREFIX}{i:08X}"));
            self.object(&path, vec![0; 8], &r.props, &[], names);
            self.overrides(&path, &r.props);
        }
        for (i, a) in m.attachments.iter().enumerate() {
            let path = join(storage, &format!("{ATTACHMENT_PREFIX}{i:08X}"));
            let mut extra = Vec::new();
            if let Some(embedded) = &a.embedded {
                let emb_path = join(&path, EMBEDDED_MESSAGE_STORAGE);
                self.message(embedded, &emb_path, false, names);
                self.overrides(&emb_path, &embedded.props);
                // [MS-OXMSG] 2.4.2.2: the entry of an embedded message has Size 0xFFFFFFFF and
                // Reserved 1; its value is the storage, not a stream.
                if !a
                    .props
                    .specs
                    .iter()
                    .any(|s| s.key == PropKey::Tagged(0x3701))
                {
                    let mut value = [0u8; 8];
                    value[..4].copy_from_slice(&u32::MAX.to_le_bytes());
                    value[4..].copy_from_slice(&1u32.to_le_bytes());
                    extra.push(RawEntry {
                        tag: 0x3701_000D,
                        flags: DEFAULT_FLAGS,
                        value,
                    });
                }
            }
            self.object(&path, vec![0; 8], &a.props, &extra, names);
            self.overrides(&path, &a.props);
        }
    }

    /// Writes the property stream and value streams of one object.
    fn object(
        &mut self,
        storage: &str,
        mut stream: Vec<u8>,
        props: &Props,
        extra: &[RawEntry],
        names: &NameMap,
    ) {
        if !storage.is_empty() {
            self.storages.insert(storage.to_owned());
        }
        for spec in &props.specs {
            let tag = PropTag::new(names.prop_id(&spec.key), spec.type_code);
            let (value, value_streams) = encode(tag, &spec.value);
            stream.extend_from_slice(&tag.0.to_le_bytes());
            stream.extend_from_slice(&spec.flags.to_le_bytes());
            stream.extend_from_slice(&value);
            for (name, bytes) in value_streams {
                self.streams.insert(join(storage, &name), bytes);
            }
        }
        for e in extra.iter().chain(&props.raw_entries) {
            stream.extend_from_slice(&e.tag.to_le_bytes());
            stream.extend_from_slice(&e.flags.to_le_bytes());
            stream.extend_from_slice(&e.value);
        }
        self.streams
            .insert(join(storage, PROPERTIES_STREAM), stream);
    }

    /// Applies an object's raw streams and omissions.
    fn overrides(&mut self, storage: &str, props: &Props) {
        for (name, bytes) in &props.raw_streams {
            self.streams.insert(join(storage, name), bytes.clone());
        }
        for name in &props.omitted {
            let path = join(storage, name);
            self.streams.remove(&path);
            // Omitting a storage drops everything below it.
            let prefix = format!("{path}/");
            self.streams.retain(|k, _| !k.starts_with(&prefix));
            self.storages
                .retain(|k| *k != path && !k.starts_with(&prefix));
        }
    }

    /// Writes `__nameid_version1.0` ([MS-OXMSG] 2.2.3).
    fn name_map(&mut self, names: &NameMap) {
        let mut guids = Vec::new();
        for g in &names.guids {
            guids.extend_from_slice(&g.to_bytes_le());
        }
        let mut entries = Vec::new();
        let mut strings = Vec::new();
        for (index, (set, id)) in names.keys.iter().enumerate() {
            let (first, kind) = match id {
                NamedId::Lid(lid) => (*lid, 0u16),
                NamedId::Name(name) => {
                    let offset = count(strings.len());
                    let utf16: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
                    strings.extend_from_slice(&count(utf16.len()).to_le_bytes());
                    strings.extend_from_slice(&utf16);
                    // Each name starts on a 4-byte boundary.
                    while strings.len() % 4 != 0 {
                        strings.push(0);
                    }
                    (offset, 1u16)
                }
            };
            entries.extend_from_slice(&first.to_le_bytes());
            entries.extend_from_slice(&((names.guid_index(set) << 1) | kind).to_le_bytes());
            entries.extend_from_slice(&u16::try_from(index).unwrap_or(u16::MAX).to_le_bytes());
        }
        self.storages.insert(NAMEID_STORAGE.to_owned());
        self.streams
            .insert(join(NAMEID_STORAGE, NAMEID_GUID_STREAM), guids);
        self.streams
            .insert(join(NAMEID_STORAGE, NAMEID_ENTRY_STREAM), entries);
        self.streams
            .insert(join(NAMEID_STORAGE, NAMEID_STRING_STREAM), strings);
    }

    /// Creates the compound file.
    fn write(&self) -> io::Result<Vec<u8>> {
        let mut storages = self.storages.clone();
        // Raw streams may live in storages nobody declared; create every ancestor.
        for path in self.streams.keys() {
            let mut parent = path.as_str();
            while let Some((p, _)) = parent.rsplit_once('/') {
                storages.insert(p.to_owned());
                parent = p;
            }
        }
        let mut cf =
            cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))?;
        // BTreeSet order puts every storage after its parent.
        for s in &storages {
            cf.create_storage(format!("/{s}"))?;
        }
        for (path, bytes) in &self.streams {
            let mut stream = cf.create_stream(format!("/{path}"))?;
            stream.write_all(bytes)?;
        }
        let entries: Vec<_> = cf.walk().map(|e| e.path().to_path_buf()).collect();
        for path in entries {
            cf.set_created_time(&path, fixed_timestamp())?;
            cf.set_modified_time(&path, fixed_timestamp())?;
        }
        cf.flush()?;
        Ok(cf.into_inner().into_inner())
    }
}

/// Encodes a value for the entry with `tag`: the 8 entry value bytes and the value streams.
fn encode(tag: PropTag, value: &Value) -> ([u8; 8], Vec<(String, Vec<u8>)>) {
    let ty = tag.prop_type();
    if ty.is_none_or(is_inline) {
        // Inline types, and undefined types (whose value a reader cannot locate anyway).
        let bytes = match value {
            Value::Typed(v) => value_bytes(v),
            Value::Raw(b) => b.clone(),
        };
        return (slot(&bytes), Vec::new());
    }
    let main = substg_name(tag);
    match (ty, value) {
        (Some(PropType::Multiple(base)), Value::Typed(PropValue::Multiple(_, items))) => {
            encode_multivalue(tag, base, items)
        }
        (_, Value::Raw(bytes)) => (
            sized(size_of_stream(ty, bytes.len())),
            vec![(main, bytes.clone())],
        ),
        (_, Value::Typed(v)) => {
            let bytes = value_bytes(v);
            (sized(size_of_stream(ty, bytes.len())), vec![(main, bytes)])
        }
    }
}

fn encode_multivalue(
    tag: PropTag,
    base: MvBase,
    items: &[PropValue],
) -> ([u8; 8], Vec<(String, Vec<u8>)>) {
    let main = substg_name(tag);
    if let Some(size) = base.element().fixed_size() {
        let mut stream = Vec::new();
        for item in items {
            let mut b = value_bytes(item);
            b.resize(size, 0);
            stream.extend_from_slice(&b);
        }
        return (sized(count(stream.len())), vec![(main, stream)]);
    }
    let mut lengths = Vec::new();
    let mut streams = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let mut b = value_bytes(item);
        // Values of multi-valued strings carry their terminator, and the length counts it.
        match base {
            MvBase::Unicode => b.extend_from_slice(&[0, 0]),
            MvBase::String8 => b.push(0),
            _ => {}
        }
        lengths.extend_from_slice(&count(b.len()).to_le_bytes());
        if base == MvBase::Binary {
            lengths.extend_from_slice(&[0; 4]);
        }
        streams.push((multivalue_value_stream_name(tag, count(i)), b));
    }
    let size = count(lengths.len());
    streams.insert(0, (main, lengths));
    (sized(size), streams)
}

/// The Size field of a stream value: stream length, plus the terminator of strings.
fn size_of_stream(ty: Option<PropType>, len: usize) -> u32 {
    let extra = match ty {
        Some(PropType::Unicode) => 2,
        Some(PropType::String8) => 1,
        _ => 0,
    };
    count(len).saturating_add(extra)
}

/// The 8 value bytes {Size, Reserved = 0} of a stream-stored value.
fn sized(size: u32) -> [u8; 8] {
    let mut v = [0u8; 8];
    v[..4].copy_from_slice(&size.to_le_bytes());
    v
}

/// Up to 8 bytes, zero-padded.
fn slot(bytes: &[u8]) -> [u8; 8] {
    let mut v = [0u8; 8];
    let n = bytes.len().min(8);
    v[..n].copy_from_slice(&bytes[..n]);
    v
}

/// The stored bytes of a single value (strings without terminator).
fn value_bytes(v: &PropValue) -> Vec<u8> {
    match v {
        PropValue::I16(x) => x.to_le_bytes().to_vec(),
        PropValue::I32(x) => x.to_le_bytes().to_vec(),
        PropValue::F32(x) => x.to_le_bytes().to_vec(),
        PropValue::F64(x) | PropValue::FloatingTime(x) => x.to_le_bytes().to_vec(),
        PropValue::Currency(x) | PropValue::I64(x) => x.to_le_bytes().to_vec(),
        PropValue::ErrorCode(x) => x.to_le_bytes().to_vec(),
        PropValue::Bool(b) => vec![u8::from(*b)],
        PropValue::Unicode(s) => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        PropValue::String8 { text, codepage } => {
            let enc = codepage::to_encoding(*codepage).unwrap_or(encoding_rs::WINDOWS_1252);
            enc.encode(text).0.into_owned()
        }
        PropValue::Time(t) => t.to_le_bytes().to_vec(),
        PropValue::Guid(g) => g.to_bytes_le().to_vec(),
        PropValue::Binary(b) | PropValue::Object(b) => b.clone(),
        // Nested multi-valued values have no single byte form; a null or unknown value is empty.
        _ => Vec::new(),
    }
}

/// The type a value is naturally stored with.
fn type_of(v: &PropValue) -> PropType {
    match v {
        PropValue::I16(_) => PropType::Integer16,
        PropValue::I32(_) => PropType::Integer32,
        PropValue::F32(_) => PropType::Floating32,
        PropValue::F64(_) => PropType::Floating64,
        PropValue::Currency(_) => PropType::Currency,
        PropValue::FloatingTime(_) => PropType::FloatingTime,
        PropValue::ErrorCode(_) => PropType::ErrorCode,
        PropValue::Bool(_) => PropType::Boolean,
        PropValue::I64(_) => PropType::Integer64,
        PropValue::Unicode(_) => PropType::Unicode,
        PropValue::String8 { .. } => PropType::String8,
        PropValue::Time(_) => PropType::Time,
        PropValue::Guid(_) => PropType::Guid,
        PropValue::Binary(_) => PropType::Binary,
        PropValue::Object(_) => PropType::Object,
        PropValue::Multiple(base, _) => PropType::Multiple(*base),
        _ => PropType::Null,
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcheck_format::msg::{HeaderKind, NamedIdentity, parse_nameid, parse_property_stream};

    fn stream(cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str) -> Vec<u8> {
        use std::io::Read;
        let mut out = Vec::new();
        cf.open_stream(path).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn writer_lays_out_streams_the_way_oxmsg_says() {
        let m = Message::new()
            .set("PidTagSubject", "Hi")
            .set("PidLidBusyStatus", 2)
            .recipient(Recipient::smtp("A", "a@example.com", 1));
        let bytes = m.to_bytes().unwrap();
        let mut cf = cfb::CompoundFile::open(Cursor::new(bytes)).unwrap();

        let props = stream(&mut cf, "/__properties_version1.0");
        let d = parse_property_stream(&props, HeaderKind::TopLevel).unwrap();
        assert!(d.diagnostics.is_empty());
        assert_eq!(d.value.header.unwrap().recipient_count, 1);
        // PidTagSubject: Size = 2 UTF-16 units + 2 for the terminator ([MS-OXMSG] 2.4.2.2).
        assert_eq!(d.value.entries[0].tag, PropTag(0x0037_001F));
        assert_eq!(d.value.entries[0].declared_size(), 6);
        assert_eq!(stream(&mut cf, "/__substg1.0_0037001F"), b"H\0i\0");
        // The named property got the first property index: id 0x8000, type PtypInteger32.
        assert_eq!(d.value.entries[1].tag, PropTag(0x8000_0003));
        assert_eq!(
            d.value.entries[1].inline_value(),
            Some(&[2, 0, 0, 0, 0, 0, 0, 0])
        );

        let map = parse_nameid(
            &stream(&mut cf, "/__nameid_version1.0/__substg1.0_00020102"),
            &stream(&mut cf, "/__nameid_version1.0/__substg1.0_00030102"),
            &stream(&mut cf, "/__nameid_version1.0/__substg1.0_00040102"),
        );
        assert!(map.diagnostics.is_empty());
        let e = map.value.get(0x8000).unwrap();
        assert_eq!(e.guid, calcheck_model::key::PSETID_APPOINTMENT);
        assert_eq!(e.id, NamedIdentity::Lid(0x8205));
        assert!(cf.is_stream("/__recip_version1.0_#00000000/__properties_version1.0"));
    }

    #[test]
    fn writer_output_is_deterministic() {
        let m = Message::new()
            .set("PidTagSubject", "Same")
            .attachment(Attachment::exception(
                Message::new().set("PidTagSubject", "x"),
            ));
        assert_eq!(m.to_bytes().unwrap(), m.to_bytes().unwrap());
    }
}

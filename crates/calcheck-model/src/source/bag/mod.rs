//! The `calcheck-bag/1` JSON reader: Graph event JSON and calcheck's property-bag documents as
//! calendar items (docs/inputs.md).
//!
//! Three shapes are accepted: one item object; `{"format": "calcheck-bag/1", "items": [...]}`; and a
//! Graph response body as saved (`{"value": [...]}` of events, or one event). An item carries
//! `singleValueExtendedProperties` and `multiValueExtendedProperties` the way Graph returns them
//! ([`id`] parses the ids, [`value`] the values), optionally MAPI-level `recipients` and `attachments`
//! (each with `properties`, attachments with an `embedded` item of the same shape), and Graph's own
//! `organizer` and `attendees`, which [`graph`] maps as derived values.
//!
//! What an item can carry is set in its [`Coverage`]: without a recipient table (neither `recipients` nor
//! `attendees`) or a MAPI-level attachment table, the checks that need them report CC903 instead of
//! passing. Items with the same Graph `id` in one input are merged, because a CI job that needs more
//! properties than one URL can request fetches the event several times ([`request`]).
//!
//! A file is read whole when the source is opened; a file that is not JSON or not one of the shapes
//! is an error, while a bad property inside an item becomes a [`ReadIssue`](crate::ReadIssue) (CC902).

pub mod graph;
pub mod id;
pub mod request;
pub mod value;
pub mod write;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::bag::{Property, PropertyBag, Provenance};
use crate::item::{Attachment, CalendarItem, Coverage, ItemRef, Locator, Recipient};
use crate::source::{
    CalendarSource, FolderInfo, ItemResult, SourceInfo, SourceKind, UnreadableItem,
};

/// The `format` value of a calcheck property-bag document.
pub const FORMAT: &str = "calcheck-bag/1";

/// How deep `embedded` items may nest (the .msg reader's limit, for the same reasons).
pub const MAX_EMBEDDING_DEPTH: u32 = crate::source::msg::MAX_EMBEDDING_DEPTH;

/// The largest JSON file read (256 MiB): an export of a whole calendar is far smaller.
pub const MAX_FILE_LEN: u64 = 256 * 1024 * 1024;

/// A JSON input that could not be read at all.
#[derive(Debug, thiserror::Error)]
#[error("{}: {kind}", file.display())]
pub struct BagError {
    /// The file.
    pub file: PathBuf,
    /// Why.
    #[source]
    pub kind: BagErrorKind,
}

/// Why a JSON input could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BagErrorKind {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(#[source] std::io::Error),
    /// The file is larger than [`MAX_FILE_LEN`].
    #[error("the file is {0} bytes, above the {MAX_FILE_LEN}-byte limit")]
    TooLarge(u64),
    /// The bytes are not JSON.
    #[error("not valid JSON ({0})")]
    Json(#[source] serde_json::Error),
    /// The JSON is not one of the accepted shapes.
    #[error("{0}")]
    Shape(String),
    /// The JSON is a Graph exportItems response, which holds fast-transfer streams.
    #[error(
        "a Graph exportItems response (value[].data): it holds fast-transfer streams, not events"
    )]
    GraphExport,
}

fn err(file: &Path, kind: BagErrorKind) -> BagError {
    BagError {
        file: file.to_path_buf(),
        kind,
    }
}

/// True when `doc` is a Graph `exportItems` response: `value[]` of objects with a `data` string.
pub fn is_graph_export(doc: &Value) -> bool {
    doc.get("value").and_then(Value::as_array).is_some_and(|v| {
        !v.is_empty()
            && v.iter().all(|e| {
                e.get("data").is_some_and(Value::is_string)
                    && e.get("singleValueExtendedProperties").is_none()
            })
    })
}

/// Reads a file of at most [`MAX_FILE_LEN`] bytes.
pub(crate) fn read_limited(path: &Path) -> Result<Vec<u8>, BagErrorKind> {
    let len = std::fs::metadata(path).map_err(BagErrorKind::Io)?.len();
    if len > MAX_FILE_LEN {
        return Err(BagErrorKind::TooLarge(len));
    }
    std::fs::read(path).map_err(BagErrorKind::Io)
}

/// What one parsed document holds.
#[derive(Debug, Default)]
pub struct Document {
    /// Items (or unreadable items) in document order.
    pub items: Vec<ItemResult>,
    /// The document's `display_name`, if it has one.
    pub display_name: Option<String>,
    /// The document's `mailbox_owner`, if it has one.
    pub mailbox_owner: Option<String>,
}

/// Keys that make a JSON object an item.
const ITEM_KEYS: [&str; 10] = [
    "singleValueExtendedProperties",
    "multiValueExtendedProperties",
    "properties",
    "organizer",
    "attendees",
    "recipients",
    "attachments",
    "unreadable",
    "subject",
    "iCalUId",
];

/// Parses the bytes of one JSON file named `file`.
pub fn parse_document(data: &[u8], file: &Path) -> Result<Document, BagError> {
    // A UTF-8 byte-order mark is what PowerShell's Out-File writes; it is not part of the JSON.
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let doc: Value = serde_json::from_slice(data).map_err(|e| err(file, BagErrorKind::Json(e)))?;
    let shape = |m: &str| err(file, BagErrorKind::Shape(m.to_owned()));
    let Value::Object(top) = &doc else {
        return Err(shape("the JSON is not an object"));
    };
    if is_graph_export(&doc) {
        return Err(err(file, BagErrorKind::GraphExport));
    }
    let file_arc: Arc<Path> = Arc::from(file);
    let mut out = Document::default();
    let (list, base, bag_doc) = if let Some(format) = top.get("format") {
        if format.as_str() != Some(FORMAT) {
            return Err(shape(&format!(
                "the document's format is {format}, not \"{FORMAT}\""
            )));
        }
        out.display_name = top
            .get("display_name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        out.mailbox_owner = top
            .get("mailbox_owner")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let items = top
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| shape("a calcheck-bag/1 document needs an \"items\" array"))?;
        (items.as_slice(), "/items", true)
    } else if let Some(value) = top.get("value") {
        let items = value
            .as_array()
            .ok_or_else(|| shape("\"value\" is not an array of events"))?;
        (items.as_slice(), "/value", false)
    } else if ITEM_KEYS.iter().any(|k| top.contains_key(*k)) {
        out.items.push(read_item(top, "", &file_arc, false));
        return Ok(out);
    } else {
        return Err(shape(
            "the JSON is neither a calcheck-bag/1 document, a Graph response (\"value\") nor an item \
             (no extended properties, attendees, recipients or attachments)",
        ));
    };
    for (i, v) in list.iter().enumerate() {
        let pointer = format!("{base}/{i}");
        match v {
            Value::Object(obj) => out.items.push(read_item(obj, &pointer, &file_arc, bag_doc)),
            _ => out.items.push(Err(UnreadableItem {
                item_ref: ItemRef::new(file_arc.clone(), "", Locator::JsonPointer(pointer)),
                reason: "the item is not a JSON object".to_owned(),
            })),
        }
    }
    Ok(out)
}

/// Reads one top-level item; `bag_doc` is true inside a calcheck-bag/1 document.
#[allow(clippy::result_large_err)]
fn read_item(
    obj: &Map<String, Value>,
    pointer: &str,
    file: &Arc<Path>,
    bag_doc: bool,
) -> ItemResult {
    let folder = obj.get("folder").and_then(Value::as_str).unwrap_or("");
    let item_ref = ItemRef::new(
        file.clone(),
        folder,
        Locator::JsonPointer(pointer.to_owned()),
    );
    if let Some(reason) = obj.get("unreadable") {
        return Err(UnreadableItem {
            item_ref,
            reason: reason
                .as_str()
                .map_or_else(|| reason.to_string(), str::to_owned),
        });
    }
    Ok(build_item(obj, pointer, item_ref, bag_doc, 0))
}

/// Builds an item (top-level or embedded) from its JSON object.
fn build_item(
    obj: &Map<String, Value>,
    pointer: &str,
    item_ref: ItemRef,
    bag_doc: bool,
    depth: u32,
) -> CalendarItem {
    let mut item = CalendarItem::new(item_ref);
    let mut issues: Vec<(String, String)> = Vec::new();
    item.props = read_properties(obj, pointer, &mut issues);

    if let Some(org) = obj.get("organizer") {
        graph::map_organizer(org, &mut item.props, pointer);
    }
    item.coverage = Coverage {
        recipients: false,
        attachments: false,
    };
    if let Some(rows) = obj.get("recipients") {
        item.coverage.recipients = true;
        match rows.as_array() {
            Some(rows) => {
                for (i, r) in rows.iter().enumerate() {
                    let at = format!("{pointer}/recipients/{i}");
                    let row = r
                        .get("row")
                        .and_then(Value::as_u64)
                        .and_then(|n| u32::try_from(n).ok())
                        .unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
                    let props = r
                        .as_object()
                        .map_or_else(PropertyBag::new, |o| read_properties(o, &at, &mut issues));
                    item.recipients.push(Recipient { row, props });
                }
            }
            None => issues.push((
                "recipient table".to_owned(),
                "\"recipients\" is not an array".to_owned(),
            )),
        }
    } else if let Some(attendees) = obj.get("attendees") {
        item.coverage.recipients = true;
        let list = attendees.as_array().map(Vec::as_slice).unwrap_or_default();
        item.recipients = graph::map_attendees(obj.get("organizer"), list, pointer, &mut issues);
    }

    if let Some(atts) = obj.get("attachments").and_then(Value::as_array) {
        // Graph's own attachment resources (fileAttachment, itemAttachment) carry no MAPI properties and
        // never the hidden exception attachments; only calcheck's MAPI-level list is an attachment table.
        let mapi_level = bag_doc || atts.iter().any(|a| a.get("properties").is_some());
        if mapi_level {
            item.coverage.attachments = true;
            for (i, a) in atts.iter().enumerate() {
                item.attachments.push(read_attachment(
                    a,
                    i,
                    pointer,
                    &item,
                    bag_doc,
                    depth,
                    &mut issues,
                ));
            }
        }
    }

    if let Some(list) = obj.get("issues").and_then(Value::as_array) {
        for i in list {
            let what = i.get("what").and_then(Value::as_str).unwrap_or("item");
            let reason = i.get("reason").and_then(Value::as_str).unwrap_or("");
            issues.push((what.to_owned(), reason.to_owned()));
        }
    }
    for (what, reason) in issues {
        item.issue(what, reason);
    }
    item.item_ref.fill_from(&item.props);
    if item.item_ref.subject.is_none() {
        item.item_ref.subject = obj
            .get("subject")
            .and_then(Value::as_str)
            .map(str::to_owned);
    }
    item
}

/// Reads one attachment and its embedded item.
fn read_attachment(
    a: &Value,
    i: usize,
    pointer: &str,
    parent: &CalendarItem,
    bag_doc: bool,
    depth: u32,
    issues: &mut Vec<(String, String)>,
) -> Attachment {
    let at = format!("{pointer}/attachments/{i}");
    let index = a
        .get("index")
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
    let props = a
        .as_object()
        .map_or_else(PropertyBag::new, |o| read_properties(o, &at, issues));
    let embedded = match a.get("embedded") {
        Some(Value::Object(e)) if depth < MAX_EMBEDDING_DEPTH => {
            let e_pointer = format!("{at}/embedded");
            let mut item_ref = ItemRef::new(
                parent.item_ref.file.clone(),
                parent.item_ref.folder.clone(),
                Locator::JsonPointer(e_pointer.clone()),
            );
            item_ref.parents.clone_from(&parent.item_ref.parents);
            item_ref.parents.push(parent.item_ref.locator.clone());
            Some(Box::new(build_item(
                e,
                &e_pointer,
                item_ref,
                bag_doc,
                depth + 1,
            )))
        }
        Some(Value::Object(_)) => {
            issues.push((
                format!("attachment {index}"),
                format!(
                    "the embedded item is nested more than {MAX_EMBEDDING_DEPTH} levels deep and was not read"
                ),
            ));
            None
        }
        Some(Value::Null) | None => None,
        Some(_) => {
            issues.push((
                format!("attachment {index}"),
                "\"embedded\" is not an item object".to_owned(),
            ));
            None
        }
    };
    Attachment {
        index,
        props,
        embedded,
    }
}

/// Reads the extended properties of an object: Graph's two lists and calcheck's `properties`.
fn read_properties(
    obj: &Map<String, Value>,
    pointer: &str,
    issues: &mut Vec<(String, String)>,
) -> PropertyBag {
    let mut bag = PropertyBag::new();
    for list in [
        "singleValueExtendedProperties",
        "multiValueExtendedProperties",
        "properties",
    ] {
        let Some(v) = obj.get(list) else { continue };
        let Some(entries) = v.as_array() else {
            issues.push((list.to_owned(), format!("\"{list}\" is not an array")));
            continue;
        };
        for (i, e) in entries.iter().enumerate() {
            let at = format!("json {pointer}/{list}/{i}");
            match read_property(e, at) {
                Ok(p) => bag.insert(p),
                Err((what, why)) => issues.push((what, why)),
            }
        }
    }
    bag
}

/// Reads one `{"id": ..., "value": ...}` entry.
fn read_property(e: &Value, location: String) -> Result<Property, (String, String)> {
    let Some(id_text) = e.get("id").and_then(Value::as_str) else {
        return Err((
            format!("property at {location}"),
            "the entry has no \"id\" string".to_owned(),
        ));
    };
    let what = || format!("property {id_text:?}");
    let ext = id::parse_id(id_text).map_err(|e| (what(), e.to_string()))?;
    let codepage = e
        .get("codepage")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok());
    let raw = e.get("value").unwrap_or(&Value::Null);
    let value = value::parse_value(ext.ty, raw, codepage).map_err(|e| (what(), e))?;
    let mut p = Property::new(ext.key, ext.ty.code(), value);
    if e.get("derived").and_then(Value::as_bool) == Some(true) {
        p.provenance = Provenance::Derived;
    }
    p.location = Some(location.into());
    Ok(p)
}

/// Merges items that share a Graph `id` (one event fetched by several requests): properties are united
/// (a later value replaces an earlier one), and tables are taken from the first copy that has them.
fn merge_by_graph_id(items: Vec<(Option<String>, ItemResult)>) -> (Vec<ItemResult>, usize) {
    let mut out: Vec<ItemResult> = Vec::new();
    let mut ids: Vec<Option<String>> = Vec::new();
    let mut merged = 0;
    for (gid, result) in items {
        let target = gid
            .as_ref()
            .and_then(|g| ids.iter().position(|x| x.as_ref() == Some(g)));
        match (target.and_then(|t| out.get_mut(t)), result) {
            (Some(Ok(into)), Ok(from)) => {
                merged += 1;
                for p in from.props.iter() {
                    into.props.insert(p.clone());
                }
                if !into.coverage.recipients && from.coverage.recipients {
                    into.recipients = from.recipients;
                    into.coverage.recipients = true;
                }
                if !into.coverage.attachments && from.coverage.attachments {
                    into.attachments = from.attachments;
                    into.coverage.attachments = true;
                }
                into.issues.extend(from.issues);
                let (subject, start, entry) = (
                    into.item_ref.subject.take(),
                    into.item_ref.start.take(),
                    into.item_ref.entry_id.take(),
                );
                into.item_ref.fill_from(&into.props);
                into.item_ref.subject = into.item_ref.subject.take().or(subject);
                into.item_ref.start = into.item_ref.start.or(start);
                into.item_ref.entry_id = into.item_ref.entry_id.take().or(entry);
                into.reset_decoded();
            }
            (_, result) => {
                out.push(result);
                ids.push(gid);
            }
        }
    }
    (out, merged)
}

/// The Graph `id` of each item of a document (`None` for calcheck-bag items and unreadable ones).
fn graph_ids(data: &[u8]) -> Vec<Option<String>> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let Ok(doc) = serde_json::from_slice::<Value>(data) else {
        return Vec::new();
    };
    let id_of = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
    match doc.get("value").and_then(Value::as_array) {
        Some(list) => list.iter().map(id_of).collect(),
        None if doc.get("format").is_none() => vec![id_of(&doc)],
        None => Vec::new(),
    }
}

/// A JSON input (one file, or a folder of `.json` files read as one calendar) as a calendar source.
#[derive(Debug, Clone)]
pub struct BagSource {
    info: SourceInfo,
    items: Vec<ItemResult>,
}

impl BagSource {
    /// Reads one JSON file. Fails when it cannot be read, is not JSON, or is not one of the shapes.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, BagError> {
        let path = path.as_ref();
        let data = read_limited(path).map_err(|k| err(path, k))?;
        Self::from_bytes(&data, path)
    }

    /// Reads a JSON document from memory; `path` names it in item references and errors.
    pub fn from_bytes(data: &[u8], path: &Path) -> Result<Self, BagError> {
        let doc = parse_document(data, path)?;
        let ids = graph_ids(data);
        let tagged = doc
            .items
            .into_iter()
            .enumerate()
            .map(|(i, r)| (ids.get(i).cloned().flatten(), r))
            .collect();
        Ok(Self::build(
            path,
            tagged,
            doc.display_name,
            doc.mailbox_owner,
        ))
    }

    /// Reads every `.json` file of `dir` (not its subfolders), in file-name order, as one calendar; Graph
    /// exportItems responses among them are read as fast-transfer exports. A file that cannot be read is an
    /// unreadable item; the folder is an error only when it cannot be listed.
    pub fn open_folder(dir: impl AsRef<Path>) -> Result<Self, BagError> {
        let dir = dir.as_ref();
        let mut files = json_files(dir).map_err(|e| err(dir, BagErrorKind::Io(e)))?;
        files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        let mut tagged = Vec::new();
        let (mut display_name, mut mailbox_owner) = (None, None);
        for f in &files {
            #[allow(clippy::result_large_err)]
            let unreadable = |reason: String| -> ItemResult {
                Err(UnreadableItem {
                    item_ref: ItemRef::new(
                        Arc::from(f.as_path()),
                        "",
                        Locator::JsonPointer(String::new()),
                    ),
                    reason,
                })
            };
            let data = match read_limited(f) {
                Ok(d) => d,
                Err(k) => {
                    tagged.push((None, unreadable(k.to_string())));
                    continue;
                }
            };
            match parse_document(&data, f) {
                Ok(doc) => {
                    let ids = graph_ids(&data);
                    display_name = display_name.or(doc.display_name);
                    mailbox_owner = mailbox_owner.or(doc.mailbox_owner);
                    for (i, r) in doc.items.into_iter().enumerate() {
                        tagged.push((ids.get(i).cloned().flatten(), r));
                    }
                }
                // A Graph exportItems response in the folder is part of the same calendar.
                Err(BagError {
                    kind: BagErrorKind::GraphExport,
                    ..
                }) => match crate::source::fts::read_export(&data, f) {
                    Ok(items) => tagged.extend(items.into_iter().map(|r| (None, r))),
                    Err(reason) => tagged.push((None, unreadable(reason))),
                },
                Err(e) => tagged.push((None, unreadable(e.kind.to_string()))),
            }
        }
        Ok(Self::build(dir, tagged, display_name, mailbox_owner))
    }

    fn build(
        path: &Path,
        tagged: Vec<(Option<String>, ItemResult)>,
        display_name: Option<String>,
        mailbox_owner: Option<String>,
    ) -> Self {
        let (items, merged) = merge_by_graph_id(tagged);
        let mut folders: Vec<FolderInfo> = Vec::new();
        for r in &items {
            let folder = match r {
                Ok(i) => &i.item_ref.folder,
                Err(u) => &u.item_ref.folder,
            };
            match folders.iter_mut().find(|f| *f.path == **folder) {
                Some(f) => f.item_count = f.item_count.saturating_add(1),
                None => folders.push(FolderInfo {
                    path: folder.to_string(),
                    container_class: None,
                    item_count: 1,
                    is_calendar: true,
                }),
            }
        }
        let mut notes = Vec::new();
        if merged > 0 {
            notes.push(format!(
                "{merged} response(s) for events already read were merged into them by Graph id"
            ));
        }
        BagSource {
            info: SourceInfo {
                path: Arc::from(path),
                kind: SourceKind::Json,
                display_name,
                mailbox_owner,
                folders,
                notes,
            },
            items,
        }
    }
}

/// The `.json` files directly in `dir` (any letter case).
pub fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let is_json = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json && path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

impl CalendarSource for BagSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }

    fn item_count_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }

    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(self.items.iter().cloned())
    }

    fn indexed_len(&self) -> Option<usize> {
        Some(self.items.len())
    }

    fn item_at(&self, index: usize) -> Option<ItemResult> {
        self.items.get(index).cloned()
    }
}

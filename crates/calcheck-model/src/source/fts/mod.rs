//! Fast-transfer exports as calendar items: EWS `ExportItems` and Graph `exportItems` (docs/inputs.md).
//!
//! The only CI input with full recipient rows and exception attachments. Accepted, detected by content:
//! raw stream bytes (`.fts`/`.bin`, as EWSEditor and common scripts save them), base64 text of the same,
//! an EWS SOAP `ExportItemsResponse` (one item per `ExportItemsResponseMessage`, its `Data` element), a
//! Graph `exportItems` JSON response (`value[].data`), and folders of these (one calendar). Each stream is
//! unframed and lexed by `calcheck_format::fts`; properties keep their byte offset in the (joined) stream
//! as their location, named properties are keyed by the set and LID or name the stream carries inline.
//!
//! An export item that cannot be decoded at all is an unreadable item (CC901); a stream that stops early
//! keeps what was read, with the lexer's error (offset and element) as a read issue (CC902).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calcheck_format::fts::lexer::{FtsNameId, FtsProperty, MessageContent};
use calcheck_format::fts::{lex_message_content, unframe};
use serde_json::Value;

use crate::bag::{Property, PropertyBag};
use crate::item::{Attachment, CalendarItem, ItemRef, Locator, Recipient};
use crate::key::{NamedId, PropKey};
use crate::names;
use crate::source::bag::value::decode_base64;
use crate::source::bag::{BagError, BagErrorKind, is_graph_export, read_limited};
use crate::source::{
    CalendarSource, FolderInfo, ItemResult, SourceInfo, SourceKind, UnreadableItem,
};

/// File extensions read as fast-transfer exports in a folder (any letter case).
pub const EXTENSIONS: [&str; 4] = ["fts", "bin", "b64", "xml"];

/// One stream found in an export file: where it is, and its bytes or why they could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportEntry {
    /// Where in the file.
    pub locator: Locator,
    /// The decoded bytes, or why not.
    pub data: Result<Vec<u8>, String>,
}

/// True when `text` is base64 text (with whitespace) and nothing else.
fn is_base64_text(text: &[u8]) -> bool {
    text.len() >= 8
        && text.iter().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=') || b.is_ascii_whitespace()
        })
}

/// The content of every element named `local` (any namespace prefix) in `xml`, with its byte offset.
fn elements<'a>(xml: &'a str, local: &str) -> Vec<(usize, &'a str, &'a str)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = xml.get(from..).and_then(|t| t.find('<')) {
        let start = from + rel;
        let Some(tag_end) = xml
            .get(start..)
            .and_then(|t| t.find('>'))
            .map(|e| start + e)
        else {
            break;
        };
        let tag = xml.get(start + 1..tag_end).unwrap_or("");
        let name = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("");
        let local_name = name.rsplit(':').next().unwrap_or(name);
        if local_name == local && !tag.starts_with('/') {
            let attrs = tag;
            if tag.ends_with('/') {
                out.push((start, attrs, ""));
                from = tag_end + 1;
                continue;
            }
            let close = format!("</{name}>");
            let body_start = tag_end + 1;
            let Some(body_len) = xml.get(body_start..).and_then(|t| t.find(&close)) else {
                break;
            };
            out.push((
                start,
                attrs,
                xml.get(body_start..body_start + body_len).unwrap_or(""),
            ));
            from = body_start + body_len + close.len();
        } else {
            from = tag_end + 1;
        }
    }
    out
}

/// The streams of a SOAP `ExportItemsResponse` (or any XML with `Data` elements).
fn soap_entries(xml: &str) -> Vec<ExportEntry> {
    let messages = elements(xml, "ExportItemsResponseMessage");
    if messages.is_empty() {
        return elements(xml, "Data")
            .into_iter()
            .map(|(at, _, body)| ExportEntry {
                locator: Locator::StreamOffset(at as u64),
                data: decode_base64(body),
            })
            .collect();
    }
    messages
        .into_iter()
        .map(|(at, attrs, body)| {
            let data = if let Some((_, _, d)) = elements(body, "Data").first() {
                decode_base64(d)
            } else {
                let text = elements(body, "MessageText")
                    .first()
                    .map_or("no message text", |(_, _, t)| *t)
                    .trim()
                    .to_owned();
                let class = if attrs.contains("\"Error\"") {
                    "an error"
                } else {
                    "no data"
                };
                Err(format!(
                    "the ExportItems response message holds {class}: {text}"
                ))
            };
            ExportEntry {
                locator: Locator::StreamOffset(at as u64),
                data,
            }
        })
        .collect()
}

/// The streams of a Graph `exportItems` response.
fn graph_entries(doc: &Value) -> Vec<ExportEntry> {
    let list = doc
        .get("value")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    list.iter()
        .enumerate()
        .map(|(i, e)| ExportEntry {
            locator: Locator::JsonPointer(format!("/value/{i}")),
            data: match e.get("data").and_then(Value::as_str) {
                Some(d) => decode_base64(d),
                None => Err(format!(
                    "the exportItems entry has no data: {}",
                    e.get("error")
                        .map_or_else(|| "no error given".to_owned(), Value::to_string)
                )),
            },
        })
        .collect()
}

/// Splits an export file into its streams, detecting the container by content.
pub fn export_entries(data: &[u8]) -> Result<Vec<ExportEntry>, String> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let first = data.iter().find(|b| !b.is_ascii_whitespace()).copied();
    match first {
        Some(b'{') => {
            let doc: Value =
                serde_json::from_slice(data).map_err(|e| format!("not valid JSON ({e})"))?;
            if !is_graph_export(&doc) {
                return Err(
                    "the JSON is not a Graph exportItems response (value[].data)".to_owned(),
                );
            }
            Ok(graph_entries(&doc))
        }
        Some(b'<') => {
            let xml =
                std::str::from_utf8(data).map_err(|e| format!("the XML is not UTF-8 ({e})"))?;
            let entries = soap_entries(xml);
            if entries.is_empty() {
                return Err("the XML holds no ExportItems Data element".to_owned());
            }
            Ok(entries)
        }
        _ if is_base64_text(data) && !calcheck_format::fts::frame::looks_framed(data) => {
            let text = std::str::from_utf8(data).map_err(|e| e.to_string())?;
            Ok(vec![ExportEntry {
                locator: Locator::StreamOffset(0),
                data: decode_base64(text),
            }])
        }
        _ => Ok(vec![ExportEntry {
            locator: Locator::StreamOffset(0),
            data: Ok(data.to_vec()),
        }]),
    }
}

/// The store-independent key of a stream property.
fn key_of(p: &FtsProperty) -> PropKey {
    match &p.name {
        Some(n) => PropKey::Named {
            set: n.guid,
            id: match &n.id {
                FtsNameId::Lid(l) => NamedId::Lid(*l),
                FtsNameId::Name(s) => NamedId::Name(s.clone()),
            },
        },
        None => PropKey::Tagged(p.id),
    }
}

fn bag_of(props: &[FtsProperty]) -> PropertyBag {
    props
        .iter()
        .map(|p| {
            let mut prop = Property::new(key_of(p), p.type_code, p.value.clone());
            prop.location = Some(format!("stream offset {}", p.offset).into());
            prop
        })
        .collect()
}

/// Builds an item from a lexed message.
fn build_item(content: &MessageContent, item_ref: ItemRef) -> CalendarItem {
    let mut item = CalendarItem::new(item_ref);
    item.props = bag_of(&content.props);
    item.item_ref.fill_from(&item.props);
    for (i, r) in content.recipients.iter().enumerate() {
        item.recipients.push(Recipient {
            row: u32::try_from(i).unwrap_or(u32::MAX),
            props: bag_of(&r.props),
        });
    }
    for (i, a) in content.attachments.iter().enumerate() {
        let props = bag_of(&a.props);
        let index = props
            .i32(&names::ATTACH_NUMBER)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or_else(|| u32::try_from(i).unwrap_or(u32::MAX));
        let embedded = a.embedded.as_ref().map(|e| {
            let mut r = ItemRef::new(
                item.item_ref.file.clone(),
                item.item_ref.folder.clone(),
                Locator::StreamOffset(e.offset as u64),
            );
            r.parents.clone_from(&item.item_ref.parents);
            r.parents.push(item.item_ref.locator.clone());
            Box::new(build_item(e, r))
        });
        item.attachments.push(Attachment {
            index,
            props,
            embedded,
        });
    }
    item
}

/// Reads the stream of one export entry into an item.
// ItemResult is the model's shared item type; its size is the model's choice, not this reader's.
#[allow(clippy::result_large_err)]
pub fn read_stream(data: &[u8], item_ref: ItemRef) -> ItemResult {
    let unframed = match unframe(data) {
        Ok(u) => u,
        Err(e) => {
            return Err(UnreadableItem {
                item_ref,
                reason: format!("the export framing cannot be read: {e}"),
            });
        }
    };
    let lexed = lex_message_content(&unframed.stream);
    let c = &lexed.content;
    if c.props.is_empty() && c.recipients.is_empty() && c.attachments.is_empty() {
        let reason = match &lexed.error {
            Some(e) => format!("the fast-transfer stream cannot be read: {e}"),
            None => "the fast-transfer stream holds no message".to_owned(),
        };
        return Err(UnreadableItem { item_ref, reason });
    }
    let mut item = build_item(c, item_ref);
    for w in &unframed.warnings {
        item.issue(
            "fast-transfer framing",
            format!("at offset {}: {}", w.offset, w.message),
        );
    }
    if let Some(e) = &lexed.error {
        item.issue(
            "fast-transfer stream",
            format!("{e}; the properties before it were read"),
        );
    }
    if lexed.trailing > 0 {
        item.issue(
            "fast-transfer stream",
            format!(
                "{} byte(s) follow the message and were not read",
                lexed.trailing
            ),
        );
    }
    Ok(item)
}

/// Every item of one export file's bytes (`file` names it).
#[allow(clippy::result_large_err)]
pub fn read_export(data: &[u8], file: &Path) -> Result<Vec<ItemResult>, String> {
    let file: Arc<Path> = Arc::from(file);
    Ok(export_entries(data)?
        .into_iter()
        .map(|e| {
            let item_ref = ItemRef::new(file.clone(), "", e.locator);
            match e.data {
                Ok(bytes) => read_stream(&bytes, item_ref),
                Err(reason) => Err(UnreadableItem { item_ref, reason }),
            }
        })
        .collect())
}

/// A fast-transfer export (one file, or a folder of them read as one calendar) as a calendar source.
#[derive(Debug, Clone)]
pub struct FtsSource {
    info: SourceInfo,
    items: Vec<ItemResult>,
}

fn err(path: &Path, kind: BagErrorKind) -> BagError {
    BagError {
        file: path.to_path_buf(),
        kind,
    }
}

impl FtsSource {
    /// Reads one export file. Fails when it cannot be read or holds no export at all.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, BagError> {
        let path = path.as_ref();
        let data = read_limited(path).map_err(|k| err(path, k))?;
        Self::from_bytes(&data, path)
    }

    /// Reads an export from memory; `path` names it.
    pub fn from_bytes(data: &[u8], path: &Path) -> Result<Self, BagError> {
        let items = read_export(data, path).map_err(|m| err(path, BagErrorKind::Shape(m)))?;
        Ok(Self::build(path, items))
    }

    /// Reads every export file of `dir` (extensions [`EXTENSIONS`], not subfolders) in file-name order as one
    /// calendar; a file that cannot be read is an unreadable item.
    pub fn open_folder(dir: impl AsRef<Path>) -> Result<Self, BagError> {
        let dir = dir.as_ref();
        let mut items = Vec::new();
        for f in export_files(dir).map_err(|e| err(dir, BagErrorKind::Io(e)))? {
            let read = read_limited(&f)
                .map_err(|k| k.to_string())
                .and_then(|data| read_export(&data, &f));
            match read {
                Ok(mut v) => items.append(&mut v),
                Err(reason) => items.push(Err(UnreadableItem {
                    item_ref: ItemRef::new(Arc::from(f.as_path()), "", Locator::StreamOffset(0)),
                    reason,
                })),
            }
        }
        Ok(Self::build(dir, items))
    }

    fn build(path: &Path, items: Vec<ItemResult>) -> Self {
        FtsSource {
            info: SourceInfo {
                path: Arc::from(path),
                kind: SourceKind::FastTransfer,
                display_name: None,
                mailbox_owner: None,
                folders: vec![FolderInfo {
                    path: String::new(),
                    container_class: None,
                    item_count: u32::try_from(items.len()).unwrap_or(u32::MAX),
                    is_calendar: true,
                }],
                notes: Vec::new(),
            },
            items,
        }
    }
}

/// The export files directly in `dir`, sorted by name.
pub fn export_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let ok = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)));
        if ok && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

impl CalendarSource for FtsSource {
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

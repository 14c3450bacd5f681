//! Test support: readable `.item.toml` fixtures turned into calendar items.
//!
//! A fixture is a property bag written by name, so a reader can see what an item holds:
//!
//! ```toml
//! # fires: CC107 start-after-end — the start is one hour after the end
//! [options]
//! now = "2026-01-01T00:00:00Z"
//!
//! [item]
//! PidTagMessageClass = "IPM.Appointment"
//! PidLidAppointmentStartWhole = "2024-05-01T10:00:00Z"
//! PidLidAppointmentEndWhole = "2024-05-01T09:00:00Z"
//! PidLidAppointmentRecur = { hex = "0430 0430 ..." }        # or { file = "blobs/recurrence/x.bin" }
//!
//! [[item.recipients]]
//! PidTagDisplayName = "Alice"
//! PidTagRecipientTrackStatusTime = "1601-01-01T00:00:00Z"
//!
//! [[item.attachments]]
//! PidTagAttachMethod = 5
//! [item.attachments.embedded]
//! PidLidExceptionReplaceTime = "2024-05-08T10:00:00Z"
//! ```
//!
//! `[[items]]` instead of `[item]` gives several items (for store-wide checks); `repeat = N` in an
//! `[[items]]` table stands for N copies of that item, `folder = "/Inbox"` puts the item in another folder
//! than `/Calendar`, and `unreadable = "reason"` makes the item one the source could not read. In `[options]`, `also = ["check-name", …]` runs more checks next to the
//! folder's (for CC903, which reports on other checks), and `mailbox_owner = "…"` is the owner address
//! the source itself records. Values follow the
//! registry type of the property: times as RFC 3339 text or raw FILETIME integers, integers as numbers
//! or `"0x…"` text, booleans, strings, binaries as `{ hex = … }`, `{ file = … }` (relative to `testdata/`)
//! or `{ text = … }` (UTF-8 bytes). `{ type = "PtypInteger32", value = … }` stores a value with a type other
//! than the registry's, `{ error = 0x8004010F }` a PtypErrorCode, and `{ derived = true, value = … }` a
//! value marked as derived. Unknown property names are an error, so a typo cannot make a test pass.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calcheck_checks::Options;
use calcheck_format::props::{MvBase, PropType, PropValue};
use calcheck_format::time;
use calcheck_model::{
    Attachment, CalendarItem, ItemRef, ItemResult, Locator, PropDef, Property, Provenance,
    Recipient, UnreadableItem, names,
};

/// The repository's `testdata/` folder.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// A parsed fixture: options, items, and what the fixture asks of the run.
pub struct Fixture {
    pub options: Options,
    pub items: Vec<ItemResult>,
    /// Checks to run besides the folder's own (`[options] also`).
    pub extra_checks: Vec<String>,
    /// The mailbox owner the source records (`[options] mailbox_owner`).
    pub mailbox_owner: Option<String>,
}

/// Reads a fixture file; panics with the file name and reason on a malformed fixture (tests only).
pub fn load(path: &Path) -> Fixture {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text, path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses fixture text; `path` names the items' file.
pub fn parse(text: &str, path: &Path) -> Result<Fixture, String> {
    let doc: toml::Table = text.parse().map_err(|e| format!("not TOML: {e}"))?;
    let mut options = Options::at(time::FILETIME_2025_01_01);
    let mut extra_checks = Vec::new();
    let mut mailbox_owner = None;
    if let Some(o) = doc.get("options").and_then(toml::Value::as_table) {
        if let Some(a) = o.get("also").and_then(toml::Value::as_array) {
            extra_checks = a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
        }
        mailbox_owner = o
            .get("mailbox_owner")
            .and_then(toml::Value::as_str)
            .map(str::to_owned);
        if let Some(now) = o.get("now") {
            options.now = parse_time(now)?;
        }
        if let Some(m) = o.get("mailbox").and_then(toml::Value::as_array) {
            options.mailbox_addresses = m
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
        }
        options.no_org = o
            .get("no_org")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
        options.no_dup = o
            .get("no_dup")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false);
    }
    let file: Arc<Path> = Arc::from(path);
    let tables: Vec<&toml::Table> = match (doc.get("item"), doc.get("items")) {
        (Some(toml::Value::Table(t)), None) => vec![t],
        (None, Some(toml::Value::Array(a))) => a
            .iter()
            .map(|v| v.as_table().ok_or("[[items]] entries must be tables"))
            .collect::<Result<_, _>>()?,
        _ => return Err("a fixture needs exactly one of [item] or [[items]]".into()),
    };
    let mut items = Vec::new();
    for t in tables {
        let repeat = match t.get("repeat") {
            None => 1,
            Some(v) => usize::try_from(int(v)?).map_err(|e| format!("repeat: {e}"))?,
        };
        let mut t = t.clone();
        t.remove("repeat");
        let unreadable = t.remove("unreadable");
        let folder = match t.remove("folder") {
            None => "/Calendar".to_owned(),
            Some(f) => f.as_str().ok_or("folder must be a string")?.to_owned(),
        };
        for _ in 0..repeat {
            let r = ItemRef::new(
                file.clone(),
                folder.as_str(),
                Locator::JsonPointer(format!("/items/{}", items.len())),
            );
            match &unreadable {
                Some(reason) => items.push(Err(UnreadableItem {
                    item_ref: r,
                    reason: reason
                        .as_str()
                        .ok_or("unreadable must be a string")?
                        .to_owned(),
                })),
                None => items.push(Ok(build_item(&t, r)?)),
            }
        }
    }
    Ok(Fixture {
        options,
        items,
        extra_checks,
        mailbox_owner,
    })
}

fn build_item(t: &toml::Table, item_ref: ItemRef) -> Result<CalendarItem, String> {
    let mut item = CalendarItem::new(item_ref);
    for (k, v) in t {
        match k.as_str() {
            "recipients" => {
                for (row, r) in v
                    .as_array()
                    .ok_or("recipients must be an array")?
                    .iter()
                    .enumerate()
                {
                    let mut rec = Recipient {
                        row: row as u32,
                        ..Recipient::default()
                    };
                    for (rk, rv) in r.as_table().ok_or("a recipient must be a table")? {
                        rec.props.insert(property(rk, rv)?);
                    }
                    item.recipients.push(rec);
                }
            }
            "attachments" => {
                for (index, a) in v
                    .as_array()
                    .ok_or("attachments must be an array")?
                    .iter()
                    .enumerate()
                {
                    let a = a.as_table().ok_or("an attachment must be a table")?;
                    let mut att = Attachment {
                        index: index as u32,
                        ..Attachment::default()
                    };
                    for (ak, av) in a {
                        if ak == "embedded" {
                            let mut r = item.item_ref.clone();
                            r.parents.push(r.locator.clone());
                            r.locator = Locator::Attachment(index as u32);
                            r.subject = None;
                            r.start = None;
                            let e =
                                build_item(av.as_table().ok_or("embedded must be a table")?, r)?;
                            att.embedded = Some(Box::new(e));
                        } else {
                            att.props.insert(property(ak, av)?);
                        }
                    }
                    item.attachments.push(att);
                }
            }
            "issues" => {
                for i in v.as_array().ok_or("issues must be an array")? {
                    let what = i.get("what").and_then(toml::Value::as_str).unwrap_or("?");
                    let reason = i.get("reason").and_then(toml::Value::as_str).unwrap_or("?");
                    item.issue(what, reason);
                }
            }
            "coverage" => {
                let c = v.as_table().ok_or("coverage must be a table")?;
                item.coverage.recipients = c
                    .get("recipients")
                    .and_then(toml::Value::as_bool)
                    .unwrap_or(true);
                item.coverage.attachments = c
                    .get("attachments")
                    .and_then(toml::Value::as_bool)
                    .unwrap_or(true);
            }
            _ => item.props.insert(property(k, v)?),
        }
    }
    let props = item.props.clone();
    item.item_ref.fill_from(&props);
    Ok(item)
}

fn def(name: &str) -> Result<&'static PropDef, String> {
    names::by_name(name)
        .ok_or_else(|| format!("unknown property name {name:?} (not in the registry)"))
}

fn property(name: &str, v: &toml::Value) -> Result<Property, String> {
    let d = def(name)?;
    let mut ty = d.ty;
    let mut provenance = Provenance::Stored;
    let mut v = v;
    if let Some(t) = v.as_table() {
        if let Some(code) = t.get("error").and_then(toml::Value::as_integer) {
            return Ok(Property::new(
                d.key.to_key(),
                0x000A,
                PropValue::ErrorCode(code as u32),
            ));
        }
        if t.get("derived").and_then(toml::Value::as_bool) == Some(true) {
            provenance = Provenance::Derived;
            v = t.get("value").ok_or("derived needs a value")?;
        } else if let Some(tn) = t.get("type").and_then(toml::Value::as_str) {
            ty = type_by_name(tn)?;
            v = t.get("value").ok_or("type needs a value")?;
        }
    }
    let value = value_of(ty, v).map_err(|e| format!("{name}: {e}"))?;
    let mut p = Property::new(d.key.to_key(), ty.code(), value);
    p.provenance = provenance;
    Ok(p)
}

fn type_by_name(name: &str) -> Result<PropType, String> {
    (0u16..=0x1FFF)
        .filter_map(PropType::from_code)
        .find(|t| t.name().eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("unknown type {name:?}"))
}

fn int(v: &toml::Value) -> Result<i64, String> {
    match v {
        toml::Value::Integer(i) => Ok(*i),
        toml::Value::String(s) if s.starts_with("0x") || s.starts_with("0X") => {
            i64::from_str_radix(&s[2..], 16).map_err(|e| e.to_string())
        }
        _ => Err(format!("expected an integer, got {v}")),
    }
}

fn parse_time(v: &toml::Value) -> Result<u64, String> {
    match v {
        toml::Value::Integer(i) => Ok(*i as u64),
        toml::Value::String(s) => {
            let dt = chrono::DateTime::parse_from_rfc3339(s)
                .map_err(|e| format!("bad time {s:?}: {e}"))?;
            time::utc_to_filetime(dt.with_timezone(&chrono::Utc))
                .ok_or_else(|| format!("time {s} before 1601"))
        }
        toml::Value::Datetime(d) => parse_time(&toml::Value::String(d.to_string())),
        _ => Err(format!("expected a time, got {v}")),
    }
}

fn binary(v: &toml::Value) -> Result<Vec<u8>, String> {
    let t = v
        .as_table()
        .ok_or("expected { hex = … }, { file = … } or { text = … }")?;
    if let Some(h) = t.get("hex").and_then(toml::Value::as_str) {
        return calcheck_format::hex::decode_hex(h);
    }
    if let Some(f) = t.get("file").and_then(toml::Value::as_str) {
        let p = testdata().join(f);
        return std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()));
    }
    if let Some(s) = t.get("text").and_then(toml::Value::as_str) {
        return Ok(s.as_bytes().to_vec());
    }
    Err("expected { hex = … }, { file = … } or { text = … }".into())
}

fn value_of(ty: PropType, v: &toml::Value) -> Result<PropValue, String> {
    Ok(match ty {
        PropType::Integer16 => PropValue::I16(int(v)? as i16),
        PropType::Integer32 => PropValue::I32(int(v)? as i32),
        PropType::Integer64 => PropValue::I64(int(v)?),
        PropType::Boolean => PropValue::Bool(v.as_bool().ok_or("expected a boolean")?),
        PropType::Time => PropValue::Time(parse_time(v)?),
        PropType::Unicode => PropValue::Unicode(v.as_str().ok_or("expected a string")?.into()),
        PropType::String8 => PropValue::String8 {
            text: v.as_str().ok_or("expected a string")?.into(),
            codepage: 1252,
        },
        PropType::Binary => PropValue::Binary(binary(v)?),
        PropType::Multiple(base) => {
            let arr = v.as_array().ok_or("expected an array")?;
            let vals = arr
                .iter()
                .map(|e| value_of(base.element(), e))
                .collect::<Result<Vec<_>, _>>()?;
            PropValue::Multiple(base, vals)
        }
        PropType::Null => PropValue::Null,
        other => return Err(format!("fixtures cannot write {} values yet", other.name())),
    })
}

/// Multi-valued base helper so fixtures can name MV types.
pub const MV_I32: MvBase = MvBase::Integer32;

//! Writes items as calcheck-bag/1 JSON (`calcheck dump --format bag`): the same shape the reader takes,
//! so a dump reads back into the same model and the same findings.
//!
//! Properties are written the way Graph writes them (`singleValueExtendedProperties` and
//! `multiValueExtendedProperties` of `{"id", "value"}` with string values); recipient rows and
//! attachments go in MAPI-level `recipients` and `attachments` lists with `properties`, attachments with
//! their `embedded` item. Values Graph has no type for use calcheck's extensions ([`super::id`],
//! [`super::value`]); PtypString8 keeps its code page in `codepage`, derived values say `"derived": true`,
//! and what the reader could not read is kept in `issues`.

use calcheck_format::props::{MvBase, PropType, PropValue};
use serde_json::{Map, Value, json};

use super::FORMAT;
use super::id::format_id;
use super::value::format_value;
use crate::bag::{Property, PropertyBag, Provenance};
use crate::item::CalendarItem;
use crate::source::{ItemResult, SourceInfo};

/// The type a property is written with: its stored type, or the one its value shows when the stored code
/// is not a MAPI type.
fn prop_type(p: &Property) -> PropType {
    if let Some(t) = PropType::from_code(p.type_code) {
        return t;
    }
    match &p.value {
        PropValue::Null => PropType::Null,
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
        _ => PropType::Unspecified,
    }
}

/// One `{"id", "value"}` entry.
fn entry(p: &Property) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), Value::String(format_id(&p.key, prop_type(p))));
    m.insert("value".into(), format_value(&p.value));
    let codepage = match &p.value {
        PropValue::String8 { codepage, .. } => Some(*codepage),
        PropValue::Multiple(MvBase::String8, vs) => vs.iter().find_map(|v| match v {
            PropValue::String8 { codepage, .. } => Some(*codepage),
            _ => None,
        }),
        _ => None,
    };
    if let Some(cp) = codepage {
        m.insert("codepage".into(), json!(cp));
    }
    if p.provenance == Provenance::Derived {
        m.insert("derived".into(), Value::Bool(true));
    }
    Value::Object(m)
}

/// A bag as one `properties` list.
fn properties(bag: &PropertyBag) -> Value {
    Value::Array(bag.iter().map(entry).collect())
}

/// An item (top-level or embedded) as a JSON object.
pub fn item_to_json(item: &CalendarItem) -> Value {
    let mut m = Map::new();
    if !item.item_ref.folder.is_empty() {
        m.insert(
            "folder".into(),
            Value::String(item.item_ref.folder.to_string()),
        );
    }
    // Where the item came from, for a person reading the dump; the reader ignores it.
    m.insert(
        "source".into(),
        Value::String(format!(
            "{} {}",
            item.item_ref.file.display(),
            item.item_ref.locator
        )),
    );
    let (multi, single): (Vec<&Property>, Vec<&Property>) = item
        .props
        .iter()
        .partition(|p| matches!(prop_type(p), PropType::Multiple(_)));
    m.insert(
        "singleValueExtendedProperties".into(),
        Value::Array(single.into_iter().map(entry).collect()),
    );
    m.insert(
        "multiValueExtendedProperties".into(),
        Value::Array(multi.into_iter().map(entry).collect()),
    );
    if item.coverage.recipients {
        let rows = item
            .recipients
            .iter()
            .map(|r| json!({ "row": r.row, "properties": properties(&r.props) }))
            .collect();
        m.insert("recipients".into(), Value::Array(rows));
    }
    if item.coverage.attachments {
        let atts = item
            .attachments
            .iter()
            .map(|a| {
                let mut am = Map::new();
                am.insert("index".into(), json!(a.index));
                am.insert("properties".into(), properties(&a.props));
                if let Some(e) = &a.embedded {
                    am.insert("embedded".into(), item_to_json(e));
                }
                Value::Object(am)
            })
            .collect();
        m.insert("attachments".into(), Value::Array(atts));
    }
    if !item.issues.is_empty() {
        let issues = item
            .issues
            .iter()
            .map(|i| json!({ "what": i.what, "reason": i.reason }))
            .collect();
        m.insert("issues".into(), Value::Array(issues));
    }
    Value::Object(m)
}

/// One result of a source as a JSON item: a readable item, or `{"unreadable": reason}`.
pub fn result_to_json(result: &ItemResult) -> Value {
    match result {
        Ok(item) => item_to_json(item),
        Err(u) => {
            let mut m = Map::new();
            if !u.item_ref.folder.is_empty() {
                m.insert(
                    "folder".into(),
                    Value::String(u.item_ref.folder.to_string()),
                );
            }
            m.insert(
                "source".into(),
                Value::String(format!(
                    "{} {}",
                    u.item_ref.file.display(),
                    u.item_ref.locator
                )),
            );
            m.insert("unreadable".into(), Value::String(u.reason.clone()));
            Value::Object(m)
        }
    }
}

/// A calcheck-bag/1 document holding `items`, with the store facts of `info` that checks use. Outlook
/// templates (`.oft`) are left out: they are forms, not items of a calendar, and calcheck does not check them.
pub fn document<'a>(
    info: Option<&SourceInfo>,
    items: impl IntoIterator<Item = &'a ItemResult>,
) -> Value {
    let mut m = Map::new();
    m.insert("format".into(), Value::String(FORMAT.to_owned()));
    if let Some(info) = info {
        if let Some(n) = &info.display_name {
            m.insert("display_name".into(), Value::String(n.clone()));
        }
        if let Some(o) = &info.mailbox_owner {
            m.insert("mailbox_owner".into(), Value::String(o.clone()));
        }
    }
    m.insert(
        "items".into(),
        Value::Array(
            items
                .into_iter()
                .filter(|r| !r.as_ref().is_ok_and(CalendarItem::is_template))
                .map(result_to_json)
                .collect(),
        ),
    );
    Value::Object(m)
}

//! Writes fast-transfer streams ([MS-OXCFXICS] `messageContent`) and the containers EWS `ExportItems` and
//! Graph `exportItems` deliver them in, from a model item, for tests and fixtures.
//!
//! The stream follows the grammar the reader lexes (`calcheck_format::fts::lexer`): the message's
//! properties, `FXDelProp(PidTagMessageRecipients)`, the recipients (`StartRecip` ... `EndToRecip`),
//! `FXDelProp(PidTagMessageAttachments)`, the attachments (`NewAttach`, PidTagAttachNumber, properties,
//! `StartEmbed` messageContent `EndEmbed`, `EndAttach`). Named properties carry their set and LID or name
//! inline; Booleans are 2 bytes; strings are written as code-page strings (0x84B0 for PtypString,
//! `0x8000 | codepage` for PtypString8), as Exchange does. PtypObject properties are left out: an embedded
//! message travels as `StartEmbed`, not as a value.

use core::fmt::Write as _;

use calcheck_format::fts::lexer::{
    END_ATTACH, END_EMBED, END_TO_RECIP, FX_DEL_PROP, NEW_ATTACH, START_EMBED, START_RECIP,
};
use calcheck_format::props::{PropType, PropValue};
use calcheck_model::bag::{Property, PropertyBag};
use calcheck_model::item::CalendarItem;
use calcheck_model::key::{NamedId, PropKey};
use calcheck_model::names;

/// PidTagMessageRecipients, named by the FXDelProp before the recipients.
const MESSAGE_RECIPIENTS: u32 = 0x0E12_000D;
/// PidTagMessageAttachments, named by the FXDelProp before the attachments.
const MESSAGE_ATTACHMENTS: u32 = 0x0E13_000D;

fn u32le(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A string value's bytes with its terminator.
fn string_bytes(v: &PropValue) -> Option<(u16, Vec<u8>)> {
    match v {
        PropValue::Unicode(s) => {
            let mut b: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
            b.extend_from_slice(&[0, 0]);
            Some((0x84B0, b))
        }
        PropValue::String8 { text, codepage } => {
            let enc = codepage::to_encoding(*codepage).unwrap_or(encoding_rs::WINDOWS_1252);
            let mut b = enc.encode(text).0.into_owned();
            b.push(0);
            Some((0x8000 | (codepage & 0x7FFF), b))
        }
        _ => None,
    }
}

/// The bytes of one single value of a fixed or variable type.
fn single(out: &mut Vec<u8>, v: &PropValue) {
    match v {
        PropValue::I16(x) => out.extend_from_slice(&x.to_le_bytes()),
        PropValue::I32(x) => out.extend_from_slice(&x.to_le_bytes()),
        PropValue::F32(x) => out.extend_from_slice(&x.to_le_bytes()),
        PropValue::F64(x) | PropValue::FloatingTime(x) => out.extend_from_slice(&x.to_le_bytes()),
        PropValue::Currency(x) | PropValue::I64(x) => out.extend_from_slice(&x.to_le_bytes()),
        PropValue::ErrorCode(x) => out.extend_from_slice(&x.to_le_bytes()),
        PropValue::Bool(b) => out.extend_from_slice(&u16::from(*b).to_le_bytes()),
        PropValue::Time(t) => out.extend_from_slice(&t.to_le_bytes()),
        PropValue::Guid(g) => out.extend_from_slice(&g.to_bytes_le()),
        PropValue::Binary(b) | PropValue::Object(b) => {
            u32le(out, b.len() as u32);
            out.extend_from_slice(b);
        }
        other => {
            if let Some((_, b)) = string_bytes(other) {
                u32le(out, b.len() as u32);
                out.extend_from_slice(&b);
            }
        }
    }
}

/// Writes one propValue.
fn prop(out: &mut Vec<u8>, p: &Property, named_index: &mut Vec<PropKey>) {
    if p.prop_type() == Some(PropType::Object) {
        return;
    }
    let id = match &p.key {
        PropKey::Tagged(id) => *id,
        key @ PropKey::Named { .. } => {
            let i = named_index
                .iter()
                .position(|k| k == key)
                .unwrap_or_else(|| {
                    named_index.push(key.clone());
                    named_index.len() - 1
                });
            0x8000u16.saturating_add(i as u16)
        }
    };
    let stored = match &p.value {
        PropValue::Multiple(_, _) => p.type_code,
        v => string_bytes(v).map_or(p.type_code, |(t, _)| t),
    };
    u32le(out, (u32::from(id) << 16) | u32::from(stored));
    if let PropKey::Named { set, id } = &p.key {
        out.extend_from_slice(&set.to_bytes_le());
        match id {
            NamedId::Lid(lid) => {
                out.push(0);
                u32le(out, *lid);
            }
            NamedId::Name(name) => {
                out.push(1);
                out.extend(name.encode_utf16().flat_map(u16::to_le_bytes));
                out.extend_from_slice(&[0, 0]);
            }
        }
    }
    match &p.value {
        PropValue::Multiple(_, values) => {
            u32le(out, values.len() as u32);
            for v in values {
                single(out, v);
            }
        }
        v => single(out, v),
    }
}

fn props(out: &mut Vec<u8>, bag: &PropertyBag, skip: Option<&PropKey>, named: &mut Vec<PropKey>) {
    for p in bag.iter() {
        if Some(&p.key) != skip {
            prop(out, p, named);
        }
    }
}

fn content(out: &mut Vec<u8>, item: &CalendarItem, named: &mut Vec<PropKey>) {
    props(out, &item.props, None, named);
    u32le(out, FX_DEL_PROP);
    u32le(out, MESSAGE_RECIPIENTS);
    for r in &item.recipients {
        u32le(out, START_RECIP);
        props(out, &r.props, None, named);
        u32le(out, END_TO_RECIP);
    }
    u32le(out, FX_DEL_PROP);
    u32le(out, MESSAGE_ATTACHMENTS);
    let attach_number = names::ATTACH_NUMBER.key.to_key();
    for a in &item.attachments {
        u32le(out, NEW_ATTACH);
        // PidTagAttachNumber comes first ([MS-OXCFXICS] 2.2.4.3.3, attachment).
        u32le(out, 0x0E21_0003);
        out.extend_from_slice(&(a.index as i32).to_le_bytes());
        props(out, &a.props, Some(&attach_number), named);
        if let Some(e) = &a.embedded {
            u32le(out, START_EMBED);
            content(out, e, named);
            u32le(out, END_EMBED);
        }
        u32le(out, END_ATTACH);
    }
}

/// The `messageContent` of `item`, unframed.
pub fn message_content(item: &CalendarItem) -> Vec<u8> {
    let mut out = Vec::new();
    content(&mut out, item, &mut Vec::new());
    out
}

/// `item` as an export delivers it: framed, in TransferBuffers of `chunk` bytes (a small chunk cuts through
/// values, as real exports do).
pub fn export(item: &CalendarItem, chunk: usize) -> Vec<u8> {
    calcheck_format::fts::frame(&message_content(item), chunk)
}

/// Base64 of `bytes`, wrapped at 76 characters like SOAP output.
pub fn base64_text(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i > 0 && i % 76 == 0 {
            out.push('\n');
        }
        out.push(c);
    }
    out.push('\n');
    out
}

/// An EWS `ExportItemsResponse` holding `exports` (framed streams), one response message each, in the
/// shape of the ExportItems documentation's response example.
pub fn soap_response(exports: &[Vec<u8>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <s:Body>\n    <m:ExportItemsResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\">\n      <m:ResponseMessages>\n",
    );
    for (i, e) in exports.iter().enumerate() {
        let _ = write!(
            out,
            "        <m:ExportItemsResponseMessage ResponseClass=\"Success\">\n          <m:ResponseCode>NoError</m:ResponseCode>\n          <m:ItemId Id=\"AAMkAGZpeHR1cmU{i}AAA=\" ChangeKey=\"FwAAAA==\"/>\n          <m:Data>\n{}          </m:Data>\n        </m:ExportItemsResponseMessage>\n",
            base64_text(e)
        );
    }
    out.push_str(
        "      </m:ResponseMessages>\n    </m:ExportItemsResponse>\n  </s:Body>\n</s:Envelope>\n",
    );
    out
}

/// A Graph `exportItems` response holding `exports`.
pub fn graph_export_json(exports: &[Vec<u8>]) -> String {
    use base64::Engine as _;
    let value: Vec<serde_json::Value> = exports
        .iter()
        .enumerate()
        .map(|(i, e)| {
            serde_json::json!({
                "itemId": format!("AAMkAGZpeHR1cmU{i}AAA="),
                "changeKey": "FwAAAA==",
                "data": base64::engine::general_purpose::STANDARD.encode(e),
            })
        })
        .collect();
    let doc = serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.exportItemResponse)",
        "value": value,
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

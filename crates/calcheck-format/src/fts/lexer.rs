//! The [MS-OXCFXICS] `messageContent` element of a fast-transfer stream (2.2.4.3, 2.2.4.1): properties,
//! recipients and attachments with embedded messages, as EWS `ExportItems` and Graph `exportItems` send one
//! message (without a StartMessage marker).
//!
//! ```text
//! messageContent  = propList MessageChildren
//! MessageChildren = [PidTagFXDelProp] *recipient [PidTagFXDelProp] *attachment
//! recipient       = PidTagStartRecip propList PidTagEndToRecip
//! attachment      = PidTagNewAttach PidTagAttachNumber attachmentContent PidTagEndAttach
//! attachmentContent = propList [embeddedMessage]
//! embeddedMessage = PidTagStartEmbed messageContent PidTagEndEmbed
//! ```
//!
//! Lexical rules (2.2.4.1.1-3): a propValue is a u32 tag; a named property (id 0x8000 or above) carries its
//! GUID, a kind byte (0 LID, 1 name) and the u32 LID or a NUL-terminated UTF-16LE name inline; a Boolean is
//! 2 bytes; variable-size values (strings, binaries, PtypServerId, PtypObject) have a u32 length; a
//! multi-valued property has a u32 count, then its values. A type with the high bit set is a code-page
//! string, `0x8000 | codepage` (0x84B0 is UTF-16LE); calcheck also reads the multi-valued form
//! `0x9000 | codepage` for code pages below 4096 (no Windows code page lies in 4096-8191, so this cannot
//! misread a single-valued one). Markers and meta-properties are u32 tags of type PtypInteger32.
//!
//! The lexer never panics and allocates nothing from an unchecked count: every length and count is
//! checked against the bytes that remain. It returns what it read up to the first error, and the error
//! (offset, element, field), so a cut export still shows its properties. Nesting of embedded messages is
//! bounded by [`MAX_DEPTH`].

use crate::guid::Guid;
use crate::props::{
    CP_UTF16LE, CP_WINDOWS_1252, MvBase, PropType, PropValue, decode_string8, decode_utf16le,
    decode_value,
};
use crate::reader::Reader;
use crate::{Error, Result};

/// PidTagStartEmbed.
pub const START_EMBED: u32 = 0x4001_0003;
/// PidTagEndEmbed.
pub const END_EMBED: u32 = 0x4002_0003;
/// PidTagStartRecip.
pub const START_RECIP: u32 = 0x4003_0003;
/// PidTagEndToRecip.
pub const END_TO_RECIP: u32 = 0x4004_0003;
/// PidTagNewAttach.
pub const NEW_ATTACH: u32 = 0x4000_0003;
/// PidTagEndAttach.
pub const END_ATTACH: u32 = 0x400E_0003;
/// MetaTagFXDelProp: the next u32 names a property (PidTagMessageRecipients 0x0E12000D or
/// PidTagMessageAttachments 0x0E13000D) whose old contents the receiver deletes.
pub const FX_DEL_PROP: u32 = 0x4016_0003;

/// Every marker of [MS-OXCFXICS] 2.2.4.1.4: a tag with one of these values ends a propList.
const MARKERS: [u32; 24] = [
    0x4009_0003, // StartTopFld
    0x400B_0003, // EndFolder
    0x400A_0003, // StartSubFld
    0x400C_0003, // StartMessage
    0x400D_0003, // EndMessage
    0x4010_0003, // StartFAIMsg
    START_EMBED,
    END_EMBED,
    START_RECIP,
    END_TO_RECIP,
    NEW_ATTACH,
    END_ATTACH,
    0x4012_0003, // IncrSyncChg
    0x407D_0003, // IncrSyncChgPartial
    0x4013_0003, // IncrSyncDel
    0x4014_0003, // IncrSyncEnd
    0x402F_0003, // IncrSyncRead
    0x403A_0003, // IncrSyncStateBegin
    0x403B_0003, // IncrSyncStateEnd
    0x4074_000B, // IncrSyncProgressMode
    0x4075_000B, // IncrSyncProgressPerMsg
    0x4015_0003, // IncrSyncMessage
    0x407B_0102, // IncrSyncGroupInfo
    0x4018_0003, // FXErrorInfo
];

/// Property ids of meta-properties ([MS-OXCFXICS] 2.2.4.1.5) that are lexed like properties but describe
/// the transfer, not the message: MetaTagDnPrefix, EcWarning, NewFXFolder, IncrementalSyncMessagePartial,
/// IncrSyncGroupId.
const META_IDS: [u16; 5] = [0x4008, 0x400F, 0x4011, 0x407A, 0x407C];

/// How many embedded messages deep the lexer follows (the .msg reader's limit).
pub const MAX_DEPTH: u32 = 8;

/// The identity of a named property as the stream carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FtsNameId {
    /// A LID.
    Lid(u32),
    /// A string name.
    Name(String),
}

/// A named property's set and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FtsName {
    /// The property set.
    pub guid: Guid,
    /// LID or name.
    pub id: FtsNameId,
}

/// One property of the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct FtsProperty {
    /// The property id (0x8000 and above: named, see `name`).
    pub id: u16,
    /// The type code as it decodes: code-page strings read as PtypString (0x001F) for UTF-16 and
    /// PtypString8 (0x001E) otherwise, or their multi-valued forms.
    pub type_code: u16,
    /// The type code as stored in the stream.
    pub stored_type: u16,
    /// The name, for named properties.
    pub name: Option<FtsName>,
    /// The value.
    pub value: PropValue,
    /// Byte offset of the property tag in the (joined) stream.
    pub offset: usize,
}

/// A recipient row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FtsRecipient {
    /// Byte offset of its StartRecip marker.
    pub offset: usize,
    /// Its properties.
    pub props: Vec<FtsProperty>,
}

/// An attachment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FtsAttachment {
    /// Byte offset of its NewAttach marker.
    pub offset: usize,
    /// Its properties (PidTagAttachNumber first).
    pub props: Vec<FtsProperty>,
    /// The embedded message, if any.
    pub embedded: Option<Box<MessageContent>>,
}

/// A `messageContent` element.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MessageContent {
    /// Byte offset where it starts.
    pub offset: usize,
    /// The message's properties.
    pub props: Vec<FtsProperty>,
    /// The recipient rows.
    pub recipients: Vec<FtsRecipient>,
    /// The attachments.
    pub attachments: Vec<FtsAttachment>,
    /// Meta-properties and FXDelProp tags seen (for forensic output), as `(offset, tag)`.
    pub meta: Vec<(usize, u32)>,
}

/// What the lexer read, and the error that stopped it, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Lexed {
    /// Everything read before the error (all of it when there was none).
    pub content: MessageContent,
    /// The error that stopped lexing.
    pub error: Option<Error>,
    /// Bytes left after the messageContent (0 when the whole stream was one message).
    pub trailing: usize,
}

/// Lexes one `messageContent` from the start of `stream`.
pub fn lex_message_content(stream: &[u8]) -> Lexed {
    let mut r = Reader::new(stream, "messageContent");
    let mut content = MessageContent::default();
    let error = message_content(&mut r, &mut content, 0, false).err();
    let trailing = if error.is_none() { r.remaining() } else { 0 };
    Lexed {
        content,
        error,
        trailing,
    }
}

/// The next u32 without consuming it.
fn peek_u32(r: &Reader<'_>) -> Option<u32> {
    let b: [u8; 4] = r.rest().get(..4)?.try_into().ok()?;
    Some(u32::from_le_bytes(b))
}

fn unexpected(r: &Reader<'_>, field: &'static str, tag: u32) -> Error {
    Error::BadValue {
        structure: r.structure(),
        field,
        offset: r.offset(),
        value: u64::from(tag),
    }
}

/// Reads a messageContent into `out`; inside an embedded message it stops before PidTagEndEmbed.
fn message_content(
    r: &mut Reader<'_>,
    out: &mut MessageContent,
    depth: u32,
    embedded: bool,
) -> Result<()> {
    out.offset = r.offset();
    r.set_structure("messageContent");
    prop_list(r, &mut out.props, &mut out.meta)?;
    loop {
        let Some(tag) = peek_u32(r) else {
            if r.remaining() > 0 {
                // Fewer than four bytes: a cut tag.
                r.set_structure("messageContent");
                r.u32("PropertyTag")?;
            }
            if embedded {
                return Err(Error::Truncated {
                    structure: "embeddedMessage",
                    field: "PidTagEndEmbed",
                    offset: r.offset(),
                    needed: 4,
                    available: 0,
                });
            }
            return Ok(());
        };
        match tag {
            FX_DEL_PROP => {
                let at = r.offset();
                r.set_structure("MessageChildren");
                r.u32("MetaTagFXDelProp")?;
                let deleted = r.u32("PropertyTag")?;
                out.meta.push((at, deleted));
            }
            START_RECIP => {
                let mut rec = FtsRecipient {
                    offset: r.offset(),
                    props: Vec::new(),
                };
                r.set_structure("recipient");
                r.u32("PidTagStartRecip")?;
                prop_list(r, &mut rec.props, &mut out.meta)?;
                r.set_structure("recipient");
                let end = r.u32("PidTagEndToRecip")?;
                if end != END_TO_RECIP {
                    return Err(Error::BadValue {
                        structure: "recipient",
                        field: "PidTagEndToRecip",
                        offset: r.offset() - 4,
                        value: u64::from(end),
                    });
                }
                out.recipients.push(rec);
            }
            NEW_ATTACH => {
                let mut att = FtsAttachment {
                    offset: r.offset(),
                    ..FtsAttachment::default()
                };
                r.set_structure("attachment");
                r.u32("PidTagNewAttach")?;
                prop_list(r, &mut att.props, &mut out.meta)?;
                if peek_u32(r) == Some(START_EMBED) {
                    if depth + 1 > MAX_DEPTH {
                        return Err(Error::BadValue {
                            structure: "embeddedMessage",
                            field: "depth",
                            offset: r.offset(),
                            value: u64::from(depth + 1),
                        });
                    }
                    r.set_structure("embeddedMessage");
                    r.u32("PidTagStartEmbed")?;
                    let mut inner = MessageContent::default();
                    let result = message_content(r, &mut inner, depth + 1, true);
                    att.embedded = Some(Box::new(inner));
                    if let Err(e) = result {
                        out.attachments.push(att);
                        return Err(e);
                    }
                    r.set_structure("embeddedMessage");
                    r.u32("PidTagEndEmbed")?;
                }
                r.set_structure("attachment");
                let end = r.u32("PidTagEndAttach");
                match end {
                    Ok(END_ATTACH) => out.attachments.push(att),
                    Ok(other) => {
                        out.attachments.push(att);
                        return Err(Error::BadValue {
                            structure: "attachment",
                            field: "PidTagEndAttach",
                            offset: r.offset() - 4,
                            value: u64::from(other),
                        });
                    }
                    Err(e) => {
                        out.attachments.push(att);
                        return Err(e);
                    }
                }
            }
            END_EMBED if embedded => return Ok(()),
            _ if MARKERS.contains(&tag) => {
                r.set_structure("messageContent");
                return Err(unexpected(r, "marker", tag));
            }
            _ => {
                // A property after the recipients or attachments breaks the grammar; it is kept with the
                // message's properties, and the offset in its record shows where it was.
                prop_list(r, &mut out.props, &mut out.meta)?;
            }
        }
    }
}

/// Reads propValues until a marker, FXDelProp or the end.
fn prop_list(
    r: &mut Reader<'_>,
    props: &mut Vec<FtsProperty>,
    meta: &mut Vec<(usize, u32)>,
) -> Result<()> {
    while let Some(tag) = peek_u32(r) {
        if tag == FX_DEL_PROP || MARKERS.contains(&tag) {
            return Ok(());
        }
        let at = r.offset();
        let p = prop_value(r)?;
        if META_IDS.contains(&p.id) {
            meta.push((at, tag));
        } else {
            props.push(p);
        }
    }
    Ok(())
}

/// Reads one propValue.
fn prop_value(r: &mut Reader<'_>) -> Result<FtsProperty> {
    let offset = r.offset();
    r.set_structure("propValue");
    let tag = r.u32("PropertyTag")?;
    let id = (tag >> 16) as u16;
    let stored_type = (tag & 0xFFFF) as u16;
    let name = if id >= 0x8000 {
        r.set_structure("namedPropInfo");
        let guid = r.guid("PropertySet")?;
        let kind_at = r.offset();
        let kind = r.u8("Flag")?;
        let nid = match kind {
            0 => FtsNameId::Lid(r.u32("Dispid")?),
            1 => FtsNameId::Name(nul_terminated_utf16(r)?),
            other => {
                return Err(Error::BadValue {
                    structure: "namedPropInfo",
                    field: "Flag",
                    offset: kind_at,
                    value: u64::from(other),
                });
            }
        };
        Some(FtsName { guid, id: nid })
    } else {
        None
    };
    r.set_structure("propValue");
    let (type_code, value) = value_of(r, stored_type)?;
    Ok(FtsProperty {
        id,
        type_code,
        stored_type,
        name,
        value,
        offset,
    })
}

/// A NUL-terminated UTF-16LE name; the terminator must lie in the bytes that remain.
fn nul_terminated_utf16(r: &mut Reader<'_>) -> Result<String> {
    let rest = r.rest();
    let units = rest.len() / 2;
    let end = (0..units).find(|&i| rest.get(2 * i..2 * i + 2) == Some(&[0, 0][..]));
    let Some(end) = end else {
        return Err(Error::Truncated {
            structure: "namedPropInfo",
            field: "Name",
            offset: r.offset(),
            needed: rest.len() + 2,
            available: rest.len(),
        });
    };
    let bytes = r.bytes(end * 2, "Name")?;
    r.skip(2, "Name terminator")?;
    Ok(decode_utf16le(bytes).into())
}

/// A u32 length and that many bytes.
fn sized<'a>(r: &mut Reader<'a>, field: &'static str) -> Result<&'a [u8]> {
    let at = r.offset();
    let len = r.u32(field)?;
    r.check_count(u64::from(len), 1, field, at)?;
    r.bytes(len as usize, field)
}

/// Decodes a code-page string.
fn codepage_string(bytes: &[u8], codepage: u16) -> PropValue {
    if codepage == CP_UTF16LE {
        PropValue::Unicode(decode_utf16le(bytes))
    } else {
        PropValue::String8 {
            text: decode_string8(bytes, codepage),
            codepage,
        }
    }
}

/// Reads the value of a property stored with type `stored`; returns the effective type code and value.
fn value_of(r: &mut Reader<'_>, stored: u16) -> Result<(u16, PropValue)> {
    if stored & 0x8000 != 0 {
        let single_cp = stored & 0x7FFF;
        let mv_cp = stored & 0x6FFF;
        if stored & 0x1000 != 0 && mv_cp < 0x1000 {
            let count_at = r.offset();
            let count = r.u32("ValueCount")?;
            r.check_count(u64::from(count), 4, "ValueCount", count_at)?;
            let mut values = Vec::new();
            for _ in 0..count {
                values.push(codepage_string(sized(r, "Length")?, mv_cp));
            }
            let (base, code) = if mv_cp == CP_UTF16LE {
                (MvBase::Unicode, 0x101F)
            } else {
                (MvBase::String8, 0x101E)
            };
            return Ok((code, PropValue::Multiple(base, values)));
        }
        let code = if single_cp == CP_UTF16LE {
            0x001F
        } else {
            0x001E
        };
        return Ok((code, codepage_string(sized(r, "Length")?, single_cp)));
    }
    let Some(ty) = PropType::from_code(stored) else {
        return Err(Error::BadValue {
            structure: "propValue",
            field: "PropertyType",
            offset: r.offset() - 4,
            value: u64::from(stored),
        });
    };
    let value = match ty {
        PropType::Multiple(base) => {
            let count_at = r.offset();
            let count = r.u32("ValueCount")?;
            let elem = base.element();
            let min = elem.fixed_size().unwrap_or(4);
            r.check_count(u64::from(count), min.max(1), "ValueCount", count_at)?;
            let mut values = Vec::new();
            for _ in 0..count {
                values.push(single(r, elem)?);
            }
            PropValue::Multiple(base, values)
        }
        _ => single(r, ty)?,
    };
    Ok((stored, value))
}

/// One single-valued value of type `ty`.
fn single(r: &mut Reader<'_>, ty: PropType) -> Result<PropValue> {
    if ty == PropType::Boolean {
        // [MS-OXCFXICS] 2.2.4.1.1.1: a Boolean is 2 bytes in the stream.
        return Ok(PropValue::Bool(r.u16("Boolean")? != 0));
    }
    let bytes = match ty.fixed_size() {
        Some(n) => r.bytes(n, "FixedValue")?,
        None => sized(r, "Length")?,
    };
    decode_value(ty, bytes, CP_WINDOWS_1252)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(v: u32) -> [u8; 4] {
        v.to_le_bytes()
    }

    #[test]
    fn booleans_are_two_bytes_and_code_page_strings_decode() {
        let mut s = Vec::new();
        // PidTagReadReceiptRequested (0x0029000B) = false, as the ExportItems sample writes it: 2 bytes.
        s.extend_from_slice(&[0x0B, 0x00, 0x29, 0x00, 0x00, 0x00]);
        // PidTagSubject as code page 1200 (0x84B0): "Hi" + NUL in UTF-16LE.
        s.extend_from_slice(&[0xB0, 0x84, 0x37, 0x00]);
        s.extend_from_slice(&le(6));
        s.extend_from_slice(&[b'H', 0, b'i', 0, 0, 0]);
        // PidTagMessageClass as code page 1252 (0x84E4).
        s.extend_from_slice(&[0xE4, 0x84, 0x1A, 0x00]);
        s.extend_from_slice(&le(4));
        s.extend_from_slice(b"IPM\0");
        // A multi-valued UTF-16 string (0x94B0) with two values.
        s.extend_from_slice(&[0xB0, 0x94, 0x01, 0x10]);
        s.extend_from_slice(&le(2));
        s.extend_from_slice(&le(2));
        s.extend_from_slice(&[b'a', 0]);
        s.extend_from_slice(&le(0));
        let lexed = lex_message_content(&s);
        assert_eq!(lexed.error, None);
        let p = &lexed.content.props;
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].value, PropValue::Bool(false));
        assert_eq!(p[1].value, PropValue::Unicode("Hi".into()));
        assert_eq!(p[1].type_code, 0x001F);
        assert_eq!(p[1].stored_type, 0x84B0);
        assert_eq!(p[1].offset, 6);
        assert_eq!(
            p[2].value,
            PropValue::String8 {
                text: "IPM".into(),
                codepage: 1252
            }
        );
        assert_eq!(
            p[3].value,
            PropValue::Multiple(
                MvBase::Unicode,
                vec![
                    PropValue::Unicode("a".into()),
                    PropValue::Unicode("".into())
                ]
            )
        );
    }

    #[test]
    fn named_properties_carry_their_names_inline() {
        let mut s = Vec::new();
        // A named Integer32 with LID 0x8205 in PSETID_Appointment, then one with a string name.
        s.extend_from_slice(&[0x03, 0x00, 0x00, 0x80]);
        s.extend_from_slice(&[
            0x02, 0x20, 0x06, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
        ]);
        s.push(0);
        s.extend_from_slice(&le(0x8205));
        s.extend_from_slice(&le(2));
        s.extend_from_slice(&[0x0B, 0x00, 0x01, 0x80]);
        s.extend_from_slice(&[
            0x29, 0x03, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46,
        ]);
        s.push(1);
        s.extend_from_slice(&[b'K', 0, b'w', 0, 0, 0]);
        s.extend_from_slice(&[1, 0]);
        let lexed = lex_message_content(&s);
        assert_eq!(lexed.error, None);
        let p = &lexed.content.props;
        let n0 = p[0].name.as_ref().unwrap();
        assert_eq!(
            n0.guid.to_string(),
            "{00062002-0000-0000-C000-000000000046}"
        );
        assert_eq!(n0.id, FtsNameId::Lid(0x8205));
        assert_eq!(p[0].value, PropValue::I32(2));
        assert_eq!(p[1].name.as_ref().unwrap().id, FtsNameId::Name("Kw".into()));
        assert_eq!(p[1].value, PropValue::Bool(true));
    }

    #[test]
    fn recipients_attachments_and_embedded_messages_nest() {
        let mut s = Vec::new();
        s.extend_from_slice(&[0x03, 0x00, 0x17, 0x00, 1, 0, 0, 0]);
        s.extend_from_slice(&le(FX_DEL_PROP));
        s.extend_from_slice(&le(0x0E12_000D));
        s.extend_from_slice(&le(START_RECIP));
        s.extend_from_slice(&[0x03, 0x00, 0x15, 0x0C, 1, 0, 0, 0]);
        s.extend_from_slice(&le(END_TO_RECIP));
        s.extend_from_slice(&le(FX_DEL_PROP));
        s.extend_from_slice(&le(0x0E13_000D));
        s.extend_from_slice(&le(NEW_ATTACH));
        s.extend_from_slice(&[0x03, 0x00, 0x21, 0x0E, 0, 0, 0, 0]);
        s.extend_from_slice(&le(START_EMBED));
        s.extend_from_slice(&[0x03, 0x00, 0x17, 0x00, 2, 0, 0, 0]);
        s.extend_from_slice(&le(END_EMBED));
        s.extend_from_slice(&le(END_ATTACH));
        let lexed = lex_message_content(&s);
        assert_eq!(lexed.error, None);
        let c = &lexed.content;
        assert_eq!(c.recipients.len(), 1);
        assert_eq!(c.recipients[0].offset, 16);
        assert_eq!(c.attachments.len(), 1);
        let e = c.attachments[0].embedded.as_ref().unwrap();
        assert_eq!(e.props[0].value, PropValue::I32(2));
        assert_eq!(c.meta.len(), 2);
        assert_eq!(lexed.trailing, 0);
    }

    #[test]
    fn unbalanced_markers_and_values_past_the_end_are_errors_with_offsets() {
        // An attachment whose embedded message never ends.
        let mut s = Vec::new();
        s.extend_from_slice(&le(NEW_ATTACH));
        s.extend_from_slice(&le(START_EMBED));
        s.extend_from_slice(&[0x03, 0x00, 0x17, 0x00, 2, 0, 0, 0]);
        let lexed = lex_message_content(&s);
        let e = lexed.error.unwrap();
        assert_eq!(e.structure(), "embeddedMessage");
        assert_eq!(e.offset(), 16);
        // The embedded message's property was still read.
        let emb = lexed.content.attachments[0].embedded.as_ref().unwrap();
        assert_eq!(emb.props.len(), 1);

        // A binary whose length runs past the end.
        let mut s = vec![0x02, 0x01, 0x37, 0x00];
        s.extend_from_slice(&le(100));
        s.extend_from_slice(&[1, 2, 3]);
        let e = lex_message_content(&s).error.unwrap();
        assert_eq!(e.offset(), 4);
        assert_eq!(e.structure(), "propValue");

        // A recipient closed by the wrong marker.
        let mut s = le(START_RECIP).to_vec();
        s.extend_from_slice(&le(END_ATTACH));
        let e = lex_message_content(&s).error.unwrap();
        assert_eq!(e.structure(), "recipient");

        // A multi-valued count that cannot fit.
        let mut s = vec![0x03, 0x10, 0x01, 0x00];
        s.extend_from_slice(&le(0xFFFF_FFFF));
        let e = lex_message_content(&s).error.unwrap();
        assert!(matches!(e, Error::CountTooLarge { .. }), "{e}");
    }

    #[test]
    fn nesting_is_bounded() {
        let mut s = Vec::new();
        for _ in 0..=MAX_DEPTH + 1 {
            s.extend_from_slice(&le(NEW_ATTACH));
            s.extend_from_slice(&le(START_EMBED));
        }
        let e = lex_message_content(&s).error.unwrap();
        assert_eq!(e.field(), "depth");
    }

    #[test]
    fn no_prefix_panics() {
        let mut s = Vec::new();
        s.extend_from_slice(&le(NEW_ATTACH));
        s.extend_from_slice(&[0xB0, 0x84, 0x37, 0x00, 4, 0, 0, 0, b'a', 0, 0, 0]);
        s.extend_from_slice(&le(START_EMBED));
        s.extend_from_slice(&[0x03, 0x00, 0x00, 0x80]);
        s.extend_from_slice(&[0; 16]);
        s.push(1);
        s.extend_from_slice(&[b'x', 0, 0, 0, 1, 0, 0, 0]);
        s.extend_from_slice(&le(END_EMBED));
        s.extend_from_slice(&le(END_ATTACH));
        assert_eq!(lex_message_content(&s).error, None);
        for n in 0..s.len() {
            let _ = lex_message_content(&s[..n]);
        }
    }
}

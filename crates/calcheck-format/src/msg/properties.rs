//! The `__properties_version1.0` stream of a .msg message, recipient or attachment ([MS-OXMSG] 2.4).
//!
//! The stream is a header (32 bytes for the top-level message, 24 for an embedded message, 8 for a
//! recipient or attachment) followed by 16-byte entries {PropertyTag u32, Flags u32, Value 8 bytes}.
//! For the fixed-length types of at most 8 bytes the value is stored in the entry; for every other
//! type the 8 bytes are {Size u32, Reserved u32} and the value lives in a `__substg1.0_` stream.

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostics};
use crate::error::Result;
use crate::props::PropTag;
use crate::reader::Reader;

/// Size of one property entry in bytes.
pub const PROPERTY_ENTRY_SIZE: usize = 16;

/// Which object a property stream belongs to; it fixes the header size ([MS-OXMSG] 2.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HeaderKind {
    /// The top-level message of the file: 32-byte header.
    TopLevel,
    /// A message embedded in an attachment (`__substg1.0_3701000D`): 24-byte header.
    Embedded,
    /// A recipient or attachment storage: 8-byte header.
    RecipientOrAttachment,
}

impl HeaderKind {
    /// The header size in bytes.
    pub const fn header_len(self) -> usize {
        match self {
            HeaderKind::TopLevel => 32,
            HeaderKind::Embedded => 24,
            HeaderKind::RecipientOrAttachment => 8,
        }
    }
}

/// The counters of a message's property-stream header ([MS-OXMSG] 2.4.1.1 and 2.4.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PropertiesHeader {
    /// Next Recipient ID: the id the next recipient storage would get.
    pub next_recipient_id: u32,
    /// Next Attachment ID: the id the next attachment storage would get.
    pub next_attachment_id: u32,
    /// Recipient Count: the number of recipient storages.
    pub recipient_count: u32,
    /// Attachment Count: the number of attachment storages.
    pub attachment_count: u32,
}

/// One 16-byte property entry ([MS-OXMSG] 2.4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropertyEntry {
    /// Byte offset of the entry in the stream.
    pub offset: usize,
    /// Property Tag: id and type.
    pub tag: PropTag,
    /// Flags: PROPATTR_MANDATORY 0x1, PROPATTR_READABLE 0x2, PROPATTR_WRITABLE 0x4.
    pub flags: u32,
    /// The 8 value bytes as stored: the value itself for inline types, {Size, Reserved} otherwise.
    pub value: [u8; 8],
}

impl PropertyEntry {
    /// True when the value is stored in the entry itself (see [`super::is_inline`]).
    pub fn is_inline(&self) -> bool {
        self.tag.prop_type().is_some_and(super::is_inline)
    }

    /// The inline value bytes, for inline types.
    pub fn inline_value(&self) -> Option<&[u8; 8]> {
        self.is_inline().then_some(&self.value)
    }

    /// The declared Size of a value stored in a stream (the first 4 value bytes).
    ///
    /// [MS-OXMSG] 2.4.2.2: the stream size for binaries and multi-valued types, the stream size plus
    /// 2 (PtypString) or plus 1 (PtypString8), and 0xFFFFFFFF for embedded-message and storage objects.
    pub fn declared_size(&self) -> u32 {
        let [a, b, c, d, ..] = self.value;
        u32::from_le_bytes([a, b, c, d])
    }

    /// The Reserved field of a stream-stored value (the last 4 value bytes).
    pub fn reserved(&self) -> u32 {
        let [.., a, b, c, d] = self.value;
        u32::from_le_bytes([a, b, c, d])
    }
}

/// A decoded property stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyStream {
    /// Which header the stream was decoded with.
    pub kind: HeaderKind,
    /// The counters of a message header (`None` for recipient and attachment streams).
    pub header: Option<PropertiesHeader>,
    /// The entries in stream order, duplicates included.
    pub entries: Vec<PropertyEntry>,
}

/// Decodes a `__properties_version1.0` stream.
///
/// Fails only when the stream is shorter than its header. A partial entry at the end, a duplicate
/// tag or an unknown property type is reported as a diagnostic and the rest is still decoded.
pub fn parse_property_stream(data: &[u8], kind: HeaderKind) -> Result<Decoded<PropertyStream>> {
    let mut r = Reader::new(data, "PropertyStream");
    let mut diags = Diagnostics::new();
    let header = match kind {
        HeaderKind::TopLevel | HeaderKind::Embedded => {
            r.skip(8, "Reserved")?;
            let header = PropertiesHeader {
                next_recipient_id: r.u32("NextRecipientID")?,
                next_attachment_id: r.u32("NextAttachmentID")?,
                recipient_count: r.u32("RecipientCount")?,
                attachment_count: r.u32("AttachmentCount")?,
            };
            if kind == HeaderKind::TopLevel {
                r.skip(8, "Reserved")?;
            }
            Some(header)
        }
        HeaderKind::RecipientOrAttachment => {
            r.skip(8, "Reserved")?;
            None
        }
    };

    // The entry count comes from the bytes present, never from a stored count.
    let mut entries = Vec::with_capacity(r.remaining() / PROPERTY_ENTRY_SIZE);
    // One bit per property id, so that duplicate detection stays linear in the stream size.
    let mut seen = [0u64; 1024];
    r.set_structure("PropertyEntry");
    while r.remaining() >= PROPERTY_ENTRY_SIZE {
        let offset = r.offset();
        let tag = PropTag(r.u32("PropertyTag")?);
        let flags = r.u32("Flags")?;
        let mut value = [0u8; 8];
        value.copy_from_slice(r.bytes(8, "Value")?);
        if tag.prop_type().is_none() {
            diags.push(
                DiagKind::BadEnumValue,
                DiagSeverity::Warning,
                "PropertyEntry",
                "PropertyTag",
                offset,
                format!(
                    "property {tag} has the undefined type 0x{:04X}",
                    tag.type_code()
                ),
            );
        } else if test_and_set(&mut seen, tag.id()) {
            diags.push(
                DiagKind::DuplicateEntry,
                DiagSeverity::Warning,
                "PropertyEntry",
                "PropertyTag",
                offset,
                format!("property id 0x{:04X} appears more than once", tag.id()),
            );
        }
        entries.push(PropertyEntry {
            offset,
            tag,
            flags,
            value,
        });
    }
    if !r.is_empty() {
        diags.push(
            DiagKind::TrailingBytes,
            DiagSeverity::Warning,
            "PropertyStream",
            "PropertyEntry",
            r.offset(),
            format!("{} bytes after the last whole 16-byte entry", r.remaining()),
        );
    }
    Ok(Decoded {
        value: PropertyStream {
            kind,
            header,
            entries,
        },
        diagnostics: diags.into_vec(),
    })
}

/// Marks `id` as seen and says whether it had been seen before.
fn test_and_set(seen: &mut [u64; 1024], id: u16) -> bool {
    let bit = 1u64 << (id % 64);
    match seen.get_mut(usize::from(id / 64)) {
        Some(word) => {
            let was = *word & bit != 0;
            *word |= bit;
            was
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    #[rustfmt::skip]
    const TOP_LEVEL: &[u8] = &[
        0, 0, 0, 0, 0, 0, 0, 0,             // Reserved
        1, 0, 0, 0,                         // NextRecipientID = 1
        2, 0, 0, 0,                         // NextAttachmentID = 2
        1, 0, 0, 0,                         // RecipientCount = 1
        2, 0, 0, 0,                         // AttachmentCount = 2
        0, 0, 0, 0, 0, 0, 0, 0,             // Reserved
        // PidTagImportance 0x00170003 = 2, flags 6 (readable, writable).
        0x03, 0x00, 0x17, 0x00,  6, 0, 0, 0,  2, 0, 0, 0, 0, 0, 0, 0,
        // PidTagSubject 0x0037001F in a stream of 10 bytes: Size = 12 (stream + 2), Reserved = 0.
        0x1F, 0x00, 0x37, 0x00,  6, 0, 0, 0,  12, 0, 0, 0, 0, 0, 0, 0,
    ];

    #[test]
    fn property_stream_top_level_header_and_entries() {
        let d = parse_property_stream(TOP_LEVEL, HeaderKind::TopLevel).unwrap();
        assert!(d.diagnostics.is_empty());
        let s = d.value;
        assert_eq!(
            s.header,
            Some(PropertiesHeader {
                next_recipient_id: 1,
                next_attachment_id: 2,
                recipient_count: 1,
                attachment_count: 2
            })
        );
        assert_eq!(s.entries.len(), 2);
        assert_eq!(s.entries[0].tag, PropTag(0x0017_0003));
        assert_eq!(s.entries[0].offset, 32);
        assert_eq!(s.entries[0].inline_value(), Some(&[2, 0, 0, 0, 0, 0, 0, 0]));
        assert_eq!(s.entries[1].inline_value(), None);
        assert_eq!(s.entries[1].declared_size(), 12);
        assert_eq!(s.entries[1].reserved(), 0);
    }

    #[test]
    fn property_stream_header_sizes_follow_the_object_kind() {
        // The same two entries after an 8-byte header decode as a recipient/attachment stream.
        let mut child = vec![0u8; 8];
        child.extend_from_slice(&TOP_LEVEL[32..]);
        let d = parse_property_stream(&child, HeaderKind::RecipientOrAttachment).unwrap();
        assert_eq!(d.value.header, None);
        assert_eq!(d.value.entries.len(), 2);
        assert_eq!(d.value.entries[0].offset, 8);
        // An embedded message drops the last 8 reserved bytes of the top-level header.
        let mut emb = TOP_LEVEL[..24].to_vec();
        emb.extend_from_slice(&TOP_LEVEL[32..]);
        let d = parse_property_stream(&emb, HeaderKind::Embedded).unwrap();
        assert_eq!(d.value.header.unwrap().attachment_count, 2);
        assert_eq!(d.value.entries[1].tag, PropTag(0x0037_001F));
    }

    #[test]
    fn property_stream_shorter_than_header_is_an_error() {
        let err = parse_property_stream(&TOP_LEVEL[..20], HeaderKind::TopLevel).unwrap_err();
        assert!(matches!(
            err,
            Error::Truncated {
                field: "AttachmentCount",
                offset: 20,
                ..
            }
        ));
        assert!(parse_property_stream(&[0; 7], HeaderKind::RecipientOrAttachment).is_err());
    }

    #[test]
    fn property_stream_partial_entry_and_duplicates_are_diagnostics() {
        let mut data = TOP_LEVEL.to_vec();
        // A second PidTagImportance with another type, then 5 stray bytes.
        data.extend_from_slice(&[0x02, 0x00, 0x17, 0x00, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
        data.extend_from_slice(&[1, 2, 3, 4, 5]);
        let d = parse_property_stream(&data, HeaderKind::TopLevel).unwrap();
        assert_eq!(d.value.entries.len(), 3);
        assert!(d.has(DiagKind::DuplicateEntry));
        assert!(d.has(DiagKind::TrailingBytes));
        let trailing = d
            .diagnostics
            .iter()
            .find(|x| x.kind == DiagKind::TrailingBytes)
            .unwrap();
        assert_eq!(trailing.offset, 80);
    }

    #[test]
    fn property_stream_undefined_type_is_a_diagnostic() {
        let mut data = vec![0u8; 8];
        data.extend_from_slice(&[0x08, 0x00, 0x01, 0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let d = parse_property_stream(&data, HeaderKind::RecipientOrAttachment).unwrap();
        assert!(d.has(DiagKind::BadEnumValue));
        assert!(!d.value.entries[0].is_inline());
    }
}

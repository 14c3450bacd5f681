//! The named-property mapping of a .msg file, `__nameid_version1.0` ([MS-OXMSG] 2.2.3).
//!
//! Three streams map the file-local property ids 0x8000 and above to (property set, LID or name):
//! the GUID stream (`__substg1.0_00020102`, 16-byte GUIDs), the entry stream
//! (`__substg1.0_00030102`, 8-byte entries {u32 LID or string offset, u16 (GUID index << 1 | kind),
//! u16 property index}) and the string stream (`__substg1.0_00040102`, {u32 byte length,
//! UTF-16LE name} records padded to 4-byte boundaries). GUID index 1 is PS_MAPI, 2 is
//! PS_PUBLIC_STRINGS, 3 and above index the GUID stream (index − 3); the property id is
//! 0x8000 + property index.

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostics};
use crate::guid::Guid;
use crate::props::decode_utf16le;
use crate::reader::Reader;

/// PS_MAPI {00020328-0000-0000-C000-000000000046}: GUID index 1 of the entry stream.
pub const PS_MAPI: Guid = Guid::from_fields(0x0002_0328, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

/// PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046}: GUID index 2 of the entry stream.
pub const PS_PUBLIC_STRINGS: Guid =
    Guid::from_fields(0x0002_0329, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

/// Size of one entry-stream record.
const ENTRY_SIZE: usize = 8;

/// The identity of a named property inside its property set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NamedIdentity {
    /// MNID_ID: a numeric long id (LID).
    Lid(u32),
    /// MNID_STRING: a name.
    Name(String),
}

/// One resolved entry of the name map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameIdEntry {
    /// The file-local property id, 0x8000 + property index.
    pub prop_id: u16,
    /// The property set.
    pub guid: Guid,
    /// LID or name within the set.
    pub id: NamedIdentity,
    /// Byte offset of the record in the entry stream.
    pub offset: usize,
}

/// The resolved name map of one .msg file, sorted by property id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NameIdMap {
    entries: Vec<NameIdEntry>,
}

impl NameIdMap {
    /// The entry for a file-local property id (0x8000 and above).
    pub fn get(&self, prop_id: u16) -> Option<&NameIdEntry> {
        self.entries
            .binary_search_by_key(&prop_id, |e| e.prop_id)
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// Every entry, by ascending property id.
    pub fn iter(&self) -> impl Iterator<Item = &NameIdEntry> {
        self.entries.iter()
    }

    /// Number of resolved entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Decodes the three streams of `__nameid_version1.0` into a map.
///
/// Never fails: an entry whose GUID index or string offset points outside its stream, or whose
/// property id is already taken, is left out of the map and reported as a diagnostic (offsets are
/// into the entry stream, except for a partial GUID at the end of the GUID stream).
pub fn parse_nameid(
    guid_stream: &[u8],
    entry_stream: &[u8],
    string_stream: &[u8],
) -> Decoded<NameIdMap> {
    let mut diags = Diagnostics::new();

    let guids: Vec<Guid> = guid_stream
        .chunks_exact(16)
        .filter_map(|c| <[u8; 16]>::try_from(c).ok())
        .map(Guid::from_bytes_le)
        .collect();
    if guid_stream.len() % 16 != 0 {
        diags.push(
            DiagKind::TrailingBytes,
            DiagSeverity::Warning,
            "NameIdGuidStream",
            "GUID",
            guids.len() * 16,
            format!(
                "the GUID stream is {} bytes, not a multiple of 16",
                guid_stream.len()
            ),
        );
    }

    let mut entries: Vec<NameIdEntry> = Vec::with_capacity(entry_stream.len() / ENTRY_SIZE);
    let mut r = Reader::new(entry_stream, "NameIdEntry");
    while r.remaining() >= ENTRY_SIZE {
        let offset = r.offset();
        // The loop condition guarantees the 8 bytes, so these reads cannot fail; a failure would
        // only end the loop early.
        let (Ok(name_or_offset), Ok(index_and_kind), Ok(prop_index)) = (
            r.u32("NameIdentifierOrStringOffset"),
            r.u16("IndexAndKind"),
            r.u16("PropertyIndex"),
        ) else {
            break;
        };
        let is_string = index_and_kind & 1 == 1;
        let guid_index = index_and_kind >> 1;

        let guid = match guid_index {
            1 => Some(PS_MAPI),
            2 => Some(PS_PUBLIC_STRINGS),
            n if n >= 3 => guids.get(usize::from(n - 3)).copied(),
            _ => None,
        };
        let Some(guid) = guid else {
            diags.push(
                DiagKind::IndexOutOfBounds,
                DiagSeverity::Error,
                "NameIdEntry",
                "GuidIndex",
                offset + 4,
                format!(
                    "GUID index {guid_index} of property index {prop_index} is outside the GUID stream ({} GUIDs)",
                    guids.len()
                ),
            );
            continue;
        };

        let Some(prop_id) = 0x8000u16.checked_add(prop_index) else {
            diags.push(
                DiagKind::IndexOutOfBounds,
                DiagSeverity::Error,
                "NameIdEntry",
                "PropertyIndex",
                offset + 6,
                format!("property index {prop_index} is above 0x7FFF"),
            );
            continue;
        };

        let id = if is_string {
            let Some(name) = name_at(string_stream, name_or_offset) else {
                diags.push(
                    DiagKind::IndexOutOfBounds,
                    DiagSeverity::Error,
                    "NameIdEntry",
                    "StringOffset",
                    offset,
                    format!(
                        "string offset {name_or_offset} of property index {prop_index} is outside the string stream ({} bytes)",
                        string_stream.len()
                    ),
                );
                continue;
            };
            NamedIdentity::Name(name)
        } else {
            NamedIdentity::Lid(name_or_offset)
        };

        entries.push(NameIdEntry {
            prop_id,
            guid,
            id,
            offset,
        });
    }
    if !r.is_empty() {
        diags.push(
            DiagKind::TrailingBytes,
            DiagSeverity::Warning,
            "NameIdEntry",
            "Entry",
            r.offset(),
            format!("{} bytes after the last whole 8-byte entry", r.remaining()),
        );
    }

    // Sort by id (stable, so the first definition of an id stays first) and drop later duplicates.
    entries.sort_by_key(|e| e.prop_id);
    let mut unique: Vec<NameIdEntry> = Vec::with_capacity(entries.len());
    for e in entries {
        if unique.last().is_some_and(|last| last.prop_id == e.prop_id) {
            diags.push(
                DiagKind::DuplicateEntry,
                DiagSeverity::Warning,
                "NameIdEntry",
                "PropertyIndex",
                e.offset + 6,
                format!(
                    "property index {} is defined more than once; the first definition is used",
                    e.prop_id.wrapping_sub(0x8000)
                ),
            );
            continue;
        }
        unique.push(e);
    }

    Decoded {
        value: NameIdMap { entries: unique },
        diagnostics: diags.into_vec(),
    }
}

/// The name stored at `offset` in the string stream: u32 byte length, then UTF-16LE.
fn name_at(strings: &[u8], offset: u32) -> Option<String> {
    let mut r = Reader::new(
        strings.get(usize::try_from(offset).ok()?..)?,
        "NameIdString",
    );
    let len = r.u32("NameLength").ok()?;
    let bytes = r.bytes(usize::try_from(len).ok()?, "Name").ok()?;
    Some(decode_utf16le(bytes).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PSETID_APPOINTMENT: Guid =
        Guid::from_fields(0x0006_2002, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

    fn guid_stream() -> Vec<u8> {
        PSETID_APPOINTMENT.to_bytes_le().to_vec()
    }

    #[test]
    fn nameid_spec_example_string_entry() {
        // [MS-OXMSG] 3.2 example: entry 10 00 00 00 07 00 05 00 is a string-named property with string
        // offset 0x10, GUID index 3 (the first GUID of the GUID stream) and property index 5; the
        // string stream holds length 0x1C at offset 0x10 followed by the 28-byte UTF-16LE name.
        let entry = [0x10, 0, 0, 0, 0x07, 0x00, 0x05, 0x00];
        let mut strings = vec![0u8; 0x10];
        strings.extend_from_slice(&0x1Cu32.to_le_bytes());
        for u in "Keywords-ish!!".encode_utf16() {
            strings.extend_from_slice(&u.to_le_bytes());
        }
        let d = parse_nameid(&guid_stream(), &entry, &strings);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        let e = d.value.get(0x8005).unwrap();
        assert_eq!(e.guid, PSETID_APPOINTMENT);
        assert_eq!(e.id, NamedIdentity::Name("Keywords-ish!!".into()));
    }

    #[test]
    fn nameid_lid_entries_and_builtin_sets() {
        #[rustfmt::skip]
        let entries = [
            0x16, 0x82, 0, 0,  0x06, 0x00,  0x00, 0x00, // LID 0x8216, GUID index 3, property index 0
            0x03, 0x00, 0, 0,  0x02, 0x00,  0x01, 0x00, // LID 0x0003, GUID index 1 (PS_MAPI), index 1
            0x00, 0x00, 0, 0,  0x05, 0x00,  0x02, 0x00, // string at 0, GUID index 2 (PS_PUBLIC_STRINGS)
        ];
        let mut strings = 8u32.to_le_bytes().to_vec();
        for u in "Tags".encode_utf16() {
            strings.extend_from_slice(&u.to_le_bytes());
        }
        let d = parse_nameid(&guid_stream(), &entries, &strings);
        assert!(d.diagnostics.is_empty());
        let m = d.value;
        assert_eq!(m.len(), 3);
        assert_eq!(m.get(0x8000).unwrap().id, NamedIdentity::Lid(0x8216));
        assert_eq!(m.get(0x8000).unwrap().guid, PSETID_APPOINTMENT);
        assert_eq!(m.get(0x8001).unwrap().guid, PS_MAPI);
        assert_eq!(m.get(0x8002).unwrap().guid, PS_PUBLIC_STRINGS);
        assert_eq!(
            m.get(0x8002).unwrap().id,
            NamedIdentity::Name("Tags".into())
        );
        assert!(m.get(0x8003).is_none());
    }

    #[test]
    fn nameid_guid_index_outside_stream_is_a_diagnostic() {
        // GUID index 4 needs a second GUID in the GUID stream; there is only one. GUID index 0 is
        // not defined at all.
        #[rustfmt::skip]
        let entries = [
            0x16, 0x82, 0, 0,  0x08, 0x00,  0x00, 0x00,
            0x16, 0x82, 0, 0,  0x00, 0x00,  0x01, 0x00,
            0x17, 0x82, 0, 0,  0x06, 0x00,  0x02, 0x00,
        ];
        let d = parse_nameid(&guid_stream(), &entries, &[]);
        let bad: Vec<_> = d
            .diagnostics
            .iter()
            .filter(|x| x.kind == DiagKind::IndexOutOfBounds)
            .collect();
        assert_eq!(bad.len(), 2);
        assert_eq!((bad[0].field, bad[0].offset), ("GuidIndex", 4));
        assert_eq!((bad[1].field, bad[1].offset), ("GuidIndex", 12));
        assert_eq!(d.value.len(), 1);
        assert_eq!(d.value.get(0x8002).unwrap().id, NamedIdentity::Lid(0x8217));
    }

    #[test]
    fn nameid_string_offset_outside_stream_is_a_diagnostic() {
        #[rustfmt::skip]
        let entries = [
            0xF0, 0xFF, 0xFF, 0xFF,  0x05, 0x00,  0x00, 0x00, // offset far past the end
            0x00, 0x00, 0x00, 0x00,  0x05, 0x00,  0x01, 0x00, // length runs past the end
        ];
        let strings = [0xFF, 0, 0, 0, b'a', 0];
        let d = parse_nameid(&[], &entries, &strings);
        assert_eq!(d.value.len(), 0);
        let offsets: Vec<_> = d
            .diagnostics
            .iter()
            .map(|x| (x.kind, x.field, x.offset))
            .collect();
        assert_eq!(
            offsets,
            vec![
                (DiagKind::IndexOutOfBounds, "StringOffset", 0),
                (DiagKind::IndexOutOfBounds, "StringOffset", 8)
            ]
        );
    }

    #[test]
    fn nameid_duplicates_and_partial_records() {
        #[rustfmt::skip]
        let entries = [
            0x16, 0x82, 0, 0,  0x06, 0x00,  0x00, 0x00,
            0x17, 0x82, 0, 0,  0x06, 0x00,  0x00, 0x00, // same property index again
            0xFF, 0xFF, 0xFF, 0xFF,  0x06, 0x00,  0xFF, 0xFF, // property index 0xFFFF: id overflows
            1, 2, 3,                                     // partial record
        ];
        let mut guids = guid_stream();
        guids.push(0xAA);
        let d = parse_nameid(&guids, &entries, &[]);
        assert_eq!(d.value.len(), 1);
        assert_eq!(d.value.get(0x8000).unwrap().id, NamedIdentity::Lid(0x8216));
        assert!(d.has(DiagKind::DuplicateEntry));
        assert!(d.has(DiagKind::TrailingBytes));
        assert_eq!(
            d.diagnostics
                .iter()
                .filter(|x| x.kind == DiagKind::IndexOutOfBounds)
                .count(),
            1
        );
        assert_eq!(
            d.diagnostics
                .iter()
                .filter(|x| x.kind == DiagKind::TrailingBytes)
                .count(),
            2
        );
    }
}

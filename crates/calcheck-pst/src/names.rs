//! The named-property map ([MS-PST] 2.4.7): store-local property ids 0x8000 and above resolved to
//! (property set GUID, LID or name).
//!
//! The map is the property context of NID 0x61. Its entry stream holds 8-byte NAMEID records
//! (`dwPropertyID`, `wGuid` with the string flag in bit 0, `wPropIdx`); the GUID stream holds the
//! property sets beyond the two predefined ones, and the string stream holds the names of string
//! named properties. Ids are matched by GUID *and* LID, unlike libpff, which matches LIDs alone.

use rustc_hash::FxHashMap;

use calcheck_format::{Guid, Reader};

use crate::error::{Warning, Warnings};
use crate::ltp;
use crate::{NID_NAME_TO_ID_MAP, Pst};

/// PS_MAPI {00020328-0000-0000-C000-000000000046}, `wGuid` 1.
pub const PS_MAPI: Guid = Guid::from_fields(0x0002_0328, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
/// PS_PUBLIC_STRINGS {00020329-0000-0000-C000-000000000046}, `wGuid` 2.
pub const PS_PUBLIC_STRINGS: Guid =
    Guid::from_fields(0x0002_0329, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

/// PidTagNameidStreamGuid.
const PROP_STREAM_GUID: u16 = 0x0002;
/// PidTagNameidStreamEntry.
const PROP_STREAM_ENTRY: u16 = 0x0003;
/// PidTagNameidStreamString.
const PROP_STREAM_STRING: u16 = 0x0004;

/// The id of a named property inside its property set.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameId {
    /// A numeric long id (MNID_ID).
    Lid(u32),
    /// A string name (MNID_STRING).
    Name(String),
}

/// A named property: property set and id or name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamedProp {
    /// The property set.
    pub guid: Guid,
    /// LID or name.
    pub id: NameId,
}

/// The store's map from local property ids (0x8000 and above) to named properties.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameMap {
    map: FxHashMap<u16, NamedProp>,
}

impl NameMap {
    /// The named property behind a local id, for ids 0x8000 and above.
    pub fn resolve(&self, id: u16) -> Option<NamedProp> {
        if id < 0x8000 {
            return None;
        }
        self.map.get(&id).cloned()
    }

    /// True when the map names the local id `id` (0x8000 and above).
    pub fn contains(&self, id: u16) -> bool {
        id >= 0x8000 && self.map.contains_key(&id)
    }

    /// The local id a named property has in this store.
    pub fn local_id(&self, named: &NamedProp) -> Option<u16> {
        self.map.iter().find(|(_, v)| *v == named).map(|(k, _)| *k)
    }

    /// Every mapped local id with its named property, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u16, &NamedProp)> {
        self.map.iter().map(|(&id, named)| (id, named))
    }

    /// Number of mapped ids.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Builds the map from the three streams, reporting records that cannot be resolved.
    pub fn from_streams(guids: &[u8], entries: &[u8], strings: &[u8], w: &mut Warnings) -> NameMap {
        let mut map = FxHashMap::default();
        if entries.len() % 8 != 0 {
            w.push(Warning::new(
                "NAMEID",
                "nid 0x61",
                format!(
                    "entry stream of {} bytes is not a whole number of 8-byte records",
                    entries.len()
                ),
            ));
        }
        for (i, rec) in entries.chunks_exact(8).enumerate() {
            let mut r = Reader::new(rec, "NAMEID");
            let (Ok(prop), Ok(guid_n), Ok(idx)) =
                (r.u32("dwPropertyID"), r.u16("wGuid"), r.u16("wPropIdx"))
            else {
                continue;
            };
            let is_string = guid_n & 1 != 0;
            let guid_index = guid_n >> 1;
            let guid = match guid_index {
                1 => Some(PS_MAPI),
                2 => Some(PS_PUBLIC_STRINGS),
                n if n >= 3 => {
                    let at = usize::from(n - 3) * 16;
                    guids
                        .get(at..at + 16)
                        .and_then(|g| <[u8; 16]>::try_from(g).ok())
                        .map(Guid::from_bytes_le)
                }
                _ => None,
            };
            let Some(guid) = guid else {
                w.push(Warning::new(
                    "NAMEID",
                    format!("nid 0x61 entry {i}"),
                    format!("wGuid {guid_index} names no property set"),
                ));
                continue;
            };
            let id = if is_string {
                let Some(name) = read_name(strings, prop as usize) else {
                    w.push(Warning::new(
                        "NAMEID",
                        format!("nid 0x61 entry {i}"),
                        format!("string offset {prop} lies outside the string stream"),
                    ));
                    continue;
                };
                NameId::Name(name)
            } else {
                NameId::Lid(prop)
            };
            let local = 0x8000u32 + u32::from(idx);
            let Ok(local) = u16::try_from(local) else {
                w.push(Warning::new(
                    "NAMEID",
                    format!("nid 0x61 entry {i}"),
                    format!("wPropIdx {idx} is beyond 0x7fff"),
                ));
                continue;
            };
            if map.insert(local, NamedProp { guid, id }).is_some() {
                w.push(Warning::new(
                    "NAMEID",
                    format!("nid 0x61 entry {i}"),
                    format!("id {local:#06x} is mapped twice"),
                ));
            }
        }
        NameMap { map }
    }
}

/// A name in the string stream: a 4-byte byte length, then UTF-16LE text.
fn read_name(strings: &[u8], at: usize) -> Option<String> {
    let rest = strings.get(at..)?;
    let mut r = Reader::new(rest, "NAMEID string");
    let len = r.u32("length").ok()? as usize;
    let bytes = r.bytes(len, "name").ok()?;
    Some(calcheck_format::props::decode_utf16le(bytes).into())
}

impl Pst {
    /// The named-property map, read on first use. When it cannot be read, the map is empty and
    /// [`Pst::name_map_warnings`] says why.
    pub fn name_map(&self) -> &NameMap {
        &self.names_with_warnings().0
    }

    /// Problems found reading the named-property map.
    pub fn name_map_warnings(&self) -> &[Warning] {
        &self.names_with_warnings().1
    }

    fn names_with_warnings(&self) -> &(NameMap, Vec<Warning>) {
        self.names.get_or_init(|| {
            let mut w = Vec::new();
            let map = self.load_name_map(&mut w).unwrap_or_else(|e| {
                w.push(Warning::new(
                    "name-to-id map",
                    "nid 0x61",
                    format!("unreadable, named properties stay unresolved: {e}"),
                ));
                NameMap::default()
            });
            (map, w)
        })
    }

    fn load_name_map(&self, w: &mut Warnings) -> crate::Result<NameMap> {
        let node = self.open_top_node(NID_NAME_TO_ID_MAP, w)?;
        let entries = ltp::pc_entries(&node.heap)?;
        let stream = |id: u16, w: &mut Warnings| -> Vec<u8> {
            let Some(e) = entries.iter().find(|e| e.id == id) else {
                return Vec::new();
            };
            self.hnid_bytes(&node, e.value, w).map_or_else(
                |err| {
                    w.push(Warning::new(
                        "name-to-id map",
                        "nid 0x61",
                        format!("stream {id:#06x}: {err}"),
                    ));
                    Vec::new()
                },
                std::borrow::Cow::into_owned,
            )
        };
        let guids = stream(PROP_STREAM_GUID, w);
        let entry_stream = stream(PROP_STREAM_ENTRY, w);
        let strings = stream(PROP_STREAM_STRING, w);
        Ok(NameMap::from_streams(&guids, &entry_stream, &strings, w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_map_resolves_lids_and_strings_by_guid() {
        // PSETID_Appointment {00062002-0000-0000-C000-000000000046} as the first GUID-stream entry.
        let appt = Guid::from_fields(0x0006_2002, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
        let guids = appt.to_bytes_le();
        #[rustfmt::skip]
        let entries = [
            0x16, 0x82, 0, 0,  3 << 1, 0,  0, 0,     // LID 0x8216 in GUID-stream entry 0 -> id 0x8000
            0, 0, 0, 0,  (2 << 1) | 1, 0,  1, 0,     // string at offset 0 in PS_PUBLIC_STRINGS -> 0x8001
        ];
        let strings = [8, 0, 0, 0, b'K', 0, b'e', 0, b'y', 0, b's', 0];
        let mut w = Vec::new();
        let map = NameMap::from_streams(&guids, &entries, &strings, &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            map.resolve(0x8000),
            Some(NamedProp {
                guid: appt,
                id: NameId::Lid(0x8216)
            })
        );
        assert_eq!(
            map.resolve(0x8001),
            Some(NamedProp {
                guid: PS_PUBLIC_STRINGS,
                id: NameId::Name("Keys".into())
            })
        );
        assert_eq!(map.resolve(0x0037), None);
    }

    #[test]
    fn name_map_reports_unresolvable_records() {
        #[rustfmt::skip]
        let entries = [
            1, 0, 0, 0,  9 << 1, 0,  0, 0,           // GUID-stream entry 6 does not exist
            200, 0, 0, 0,  (1 << 1) | 1, 0,  1, 0,   // string offset past the stream
        ];
        let mut w = Vec::new();
        let map = NameMap::from_streams(&[], &entries, &[], &mut w);
        assert!(map.is_empty());
        assert_eq!(w.len(), 2);
    }
}

//! Pure parsers for the streams of an Outlook .msg/.oft compound file ([MS-OXMSG] 2.1-2.4).
//!
//! A .msg file is a compound file (CFB). The message's properties live in one
//! `__properties_version1.0` stream per object (fixed-size values inline, the others in
//! `__substg1.0_XXXXYYYY` streams), named-property identities in the `__nameid_version1.0`
//! storage, recipients and attachments in sub-storages, embedded messages in
//! `__substg1.0_3701000D` storages. This module decodes the bytes of those streams; opening the
//! compound file itself is the job of the reader in `calcheck-model`, which hands the stream
//! contents to these functions.
//!
//! | function | stream | spec |
//! |---|---|---|
//! | [`parse_property_stream`] | `__properties_version1.0` | [MS-OXMSG] 2.4 |
//! | [`parse_nameid`] | `__nameid_version1.0/__substg1.0_0002/3/40102` | [MS-OXMSG] 2.2.3 |
//! | [`split_fixed_multivalue`] | `__substg1.0_XXXX1003` and the other fixed-size multi-valued types | [MS-OXMSG] 2.1.4.2.2.1 |
//! | [`parse_multivalue_lengths`] | `__substg1.0_XXXX101F` (the length stream of a variable-size multi-valued property) | [MS-OXMSG] 2.1.4.2.2.2 |

mod multivalue;
mod nameid;
mod properties;

pub use multivalue::{
    decode_fixed_multivalue, decode_variable_multivalue, parse_multivalue_lengths,
    split_fixed_multivalue,
};
pub use nameid::{NameIdEntry, NameIdMap, NamedIdentity, PS_MAPI, PS_PUBLIC_STRINGS, parse_nameid};
pub use properties::{
    HeaderKind, PROPERTY_ENTRY_SIZE, PropertiesHeader, PropertyEntry, PropertyStream,
    parse_property_stream,
};

use crate::props::{PropTag, PropType};

/// Name of the property stream of every message, recipient and attachment storage.
pub const PROPERTIES_STREAM: &str = "__properties_version1.0";

/// Name of the storage holding the named-property mapping (top level only).
pub const NAMEID_STORAGE: &str = "__nameid_version1.0";

/// Stream of the named-property map holding the GUIDs (16 bytes each).
pub const NAMEID_GUID_STREAM: &str = "__substg1.0_00020102";

/// Stream of the named-property map holding the 8-byte entries.
pub const NAMEID_ENTRY_STREAM: &str = "__substg1.0_00030102";

/// Stream of the named-property map holding the string names.
pub const NAMEID_STRING_STREAM: &str = "__substg1.0_00040102";

/// Prefix of recipient storages, followed by the row number as 8 uppercase hex digits.
pub const RECIPIENT_PREFIX: &str = "__recip_version1.0_#";

/// Prefix of attachment storages, followed by the attachment number as 8 uppercase hex digits.
pub const ATTACHMENT_PREFIX: &str = "__attach_version1.0_#";

/// Prefix of property value streams and storages, followed by the tag as 8 uppercase hex digits.
pub const SUBSTG_PREFIX: &str = "__substg1.0_";

/// Name of the storage of an embedded message inside an attachment storage (PR_ATTACH_DATA_OBJ).
pub const EMBEDDED_MESSAGE_STORAGE: &str = "__substg1.0_3701000D";

/// The name of the stream (or storage) holding the value of `tag`: `__substg1.0_XXXXYYYY`.
pub fn substg_name(tag: PropTag) -> String {
    format!("{SUBSTG_PREFIX}{:08X}", tag.0)
}

/// The name of the `index`-th value stream of a variable-size multi-valued property:
/// `__substg1.0_XXXXYYYY-ZZZZZZZZ` ([MS-OXMSG] 2.1.4.2.2.2).
pub fn multivalue_value_stream_name(tag: PropTag, index: u32) -> String {
    format!("{SUBSTG_PREFIX}{:08X}-{index:08X}", tag.0)
}

/// The row or attachment number encoded in a storage name such as `__recip_version1.0_#0000000A`.
///
/// Returns `None` when `name` does not start with `prefix` or the rest is not 8 hex digits.
pub fn storage_index(name: &str, prefix: &str) -> Option<u32> {
    let hex = name.strip_prefix(prefix)?;
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// The tag encoded in a value stream name `__substg1.0_XXXXYYYY` (without a `-ZZZZZZZZ` suffix).
pub fn substg_tag(name: &str) -> Option<PropTag> {
    let hex = name.strip_prefix(SUBSTG_PREFIX)?;
    if hex.len() != 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(hex, 16).ok().map(PropTag)
}

/// True when a property of this type keeps its value inside the 8-byte slot of its property-stream
/// entry ([MS-OXMSG] 2.4.2.1: the fixed-length types of at most 8 bytes). Every other type (strings,
/// binaries, objects, GUIDs and all multi-valued types) keeps it in a `__substg1.0_` stream or storage.
pub fn is_inline(ty: PropType) -> bool {
    ty.fixed_size().is_some_and(|n| n <= 8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_names_use_uppercase_hex_tags() {
        // [MS-OXMSG] 2.1.3: PidTagSubject (0x0037001F) is stored in __substg1.0_0037001F.
        assert_eq!(substg_name(PropTag(0x0037_001F)), "__substg1.0_0037001F");
        assert_eq!(
            multivalue_value_stream_name(PropTag(0x8013_101F), 10),
            "__substg1.0_8013101F-0000000A"
        );
        assert_eq!(
            substg_tag("__substg1.0_3701000D"),
            Some(PropTag(0x3701_000D))
        );
        assert_eq!(substg_tag("__substg1.0_8013101F-00000000"), None);
        assert_eq!(
            storage_index("__recip_version1.0_#0000000A", RECIPIENT_PREFIX),
            Some(10)
        );
        assert_eq!(
            storage_index("__recip_version1.0_#1", RECIPIENT_PREFIX),
            None
        );
        assert_eq!(
            storage_index("__attach_version1.0_#0000000G", ATTACHMENT_PREFIX),
            None
        );
    }

    #[test]
    fn inline_types_are_the_fixed_ones_up_to_eight_bytes() {
        assert!(is_inline(PropType::Integer32));
        assert!(is_inline(PropType::Time));
        assert!(is_inline(PropType::Boolean));
        // PtypGuid is fixed-size but 16 bytes, so it lives in a stream.
        assert!(!is_inline(PropType::Guid));
        assert!(!is_inline(PropType::Unicode));
        assert!(!is_inline(PropType::Multiple(
            crate::props::MvBase::Integer32
        )));
    }
}

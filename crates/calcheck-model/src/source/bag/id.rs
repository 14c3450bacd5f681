//! Extended-property identifiers as Microsoft Graph and EWS write them.
//!
//! Graph names a MAPI property by one of three strings (Graph "Outlook extended properties overview",
//! id formats): `{type} {proptag}` for a tagged property, `{type} {guid} Id {id}` for a named property
//! with a numeric LID, and `{type} {guid} Name {name}` for a named property with a string name. The type
//! is one of Graph's names (`Binary`, `Integer`, `SystemTime`, `StringArray`, ...), the same names EWS
//! uses in `ExtendedFieldURI/@PropertyType`. calcheck reads every part case-insensitively (the name
//! after `Name` keeps its case), accepts EWS's distinguished property-set names (`Appointment`,
//! `PublicStrings`, ...) in place of a GUID, and numbers in hex (`0x8216`) or decimal (`33302`).
//!
//! Types Graph does not have, which a dump of a .msg or PST item may need, are written as the type code in
//! hex (`0x00FB`), or `String8` for PtypString8 (its code page goes in the property's `codepage` field).

use core::fmt;

use calcheck_format::Guid;
use calcheck_format::props::{MvBase, PropType};

use crate::key::{NamedId, PROPERTY_SETS, PropKey};

/// PSETID_UnifiedMessaging {4442858E-A9E3-4E80-B900-317A210CC15B}, a distinguished set in EWS.
const PSETID_UNIFIED_MESSAGING: Guid = Guid::from_fields(
    0x4442_858E,
    0xA9E3,
    0x4E80,
    [0xB9, 0x00, 0x31, 0x7A, 0x21, 0x0C, 0xC1, 0x5B],
);

/// PSETID_Sharing {00062040-0000-0000-C000-000000000046}, a distinguished set in EWS.
const PSETID_SHARING: Guid = Guid::from_fields(0x0006_2040, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

/// A parsed extended-property identifier: the property and the type its value is written in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedId {
    /// The property.
    pub key: PropKey,
    /// The value's type.
    pub ty: PropType,
}

/// Graph's (and EWS's) type names with the MAPI types they stand for. `String8` is calcheck's own, for
/// dumps of PtypString8 values.
const TYPE_NAMES: &[(&str, PropType)] = &[
    ("Binary", PropType::Binary),
    ("Boolean", PropType::Boolean),
    ("CLSID", PropType::Guid),
    ("Currency", PropType::Currency),
    ("Double", PropType::Floating64),
    ("Float", PropType::Floating32),
    ("Integer", PropType::Integer32),
    ("Long", PropType::Integer64),
    ("Short", PropType::Integer16),
    ("SystemTime", PropType::Time),
    ("String", PropType::Unicode),
    ("ApplicationTime", PropType::FloatingTime),
    ("Error", PropType::ErrorCode),
    ("Null", PropType::Null),
    ("Object", PropType::Object),
    ("String8", PropType::String8),
];

/// The multi-valued form of a single-valued type, when MAPI has one.
fn multiple_of(ty: PropType) -> Option<PropType> {
    let base = match ty {
        PropType::Integer16 => MvBase::Integer16,
        PropType::Integer32 => MvBase::Integer32,
        PropType::Floating32 => MvBase::Floating32,
        PropType::Floating64 => MvBase::Floating64,
        PropType::Currency => MvBase::Currency,
        PropType::FloatingTime => MvBase::FloatingTime,
        PropType::Integer64 => MvBase::Integer64,
        PropType::String8 => MvBase::String8,
        PropType::Unicode => MvBase::Unicode,
        PropType::Time => MvBase::Time,
        PropType::Guid => MvBase::Guid,
        PropType::Binary => MvBase::Binary,
        _ => return None,
    };
    Some(PropType::Multiple(base))
}

/// Parses a type: a Graph/EWS name (`Integer`, `StringArray`), an [MS-OXCDATA] name (`PtypInteger32`), or
/// a type code in hex (`0x0003`).
pub fn parse_type(text: &str) -> Option<PropType> {
    if let Some(code) = parse_number(text) {
        return u16::try_from(code).ok().and_then(PropType::from_code);
    }
    let (single, array) = match strip_suffix_ignore_case(text, "Array") {
        Some(s) => (s, true),
        None => (text, false),
    };
    let ty = TYPE_NAMES
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(single))
        .map(|(_, t)| *t);
    match (ty, array) {
        (Some(t), false) => Some(t),
        (Some(t), true) => multiple_of(t),
        (None, _) => {
            // The spec's own names, single- and multi-valued.
            (0u16..=0x1FFF)
                .filter_map(PropType::from_code)
                .find(|t| t.name().eq_ignore_ascii_case(text))
        }
    }
}

/// The name calcheck writes for a type: Graph's where Graph has one, else the type code in hex.
pub fn type_name(ty: PropType) -> String {
    let (single, suffix) = match ty {
        PropType::Multiple(base) => (base.element(), "Array"),
        t => (t, ""),
    };
    match TYPE_NAMES.iter().find(|(_, t)| *t == single) {
        Some((name, _)) => format!("{name}{suffix}"),
        None => format!("0x{:04X}", ty.code()),
    }
}

/// `text` without a case-insensitive `suffix`, if it ends with one.
fn strip_suffix_ignore_case<'a>(text: &'a str, suffix: &str) -> Option<&'a str> {
    let split = text.len().checked_sub(suffix.len())?;
    let (head, tail) = (text.get(..split)?, text.get(split..)?);
    (tail.eq_ignore_ascii_case(suffix) && !head.is_empty()).then_some(head)
}

/// A number in hex (`0x8216`, any case) or decimal.
pub fn parse_number(text: &str) -> Option<u32> {
    let t = text.trim();
    match t.get(..2) {
        Some(p) if p.eq_ignore_ascii_case("0x") => u32::from_str_radix(t.get(2..)?, 16).ok(),
        _ => t.parse().ok(),
    }
}

/// A property set: a GUID (braces optional) or a distinguished name (`Appointment`, `PublicStrings`,
/// also written `PS_PUBLIC_STRINGS` or `PSETID_Appointment`).
pub fn parse_property_set(text: &str) -> Option<Guid> {
    if let Ok(g) = text.parse::<Guid>() {
        return Some(g);
    }
    let squeezed: String = text.chars().filter(|c| *c != '_').collect();
    let bare = ["PSETID", "PS"]
        .iter()
        .find_map(|p| {
            squeezed
                .get(..p.len())
                .filter(|h| h.eq_ignore_ascii_case(p))
                .and_then(|_| squeezed.get(p.len()..))
        })
        .unwrap_or(&squeezed);
    let extra = [
        ("UnifiedMessaging", PSETID_UNIFIED_MESSAGING),
        ("Sharing", PSETID_SHARING),
    ];
    PROPERTY_SETS
        .iter()
        .chain(extra.iter())
        .find(|(n, _)| n.eq_ignore_ascii_case(bare) || n.eq_ignore_ascii_case(&squeezed))
        .map(|(_, g)| *g)
}

/// Splits off the first whitespace-separated word; returns it and the rest (trimmed at the start).
fn word(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start();
    if t.is_empty() {
        return None;
    }
    match t.find(char::is_whitespace) {
        Some(i) => Some((t.get(..i)?, t.get(i..)?.trim_start())),
        None => Some((t, "")),
    }
}

/// Why an identifier could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError(pub String);

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses one of the three Graph id forms.
pub fn parse_id(text: &str) -> Result<ExtendedId, IdError> {
    let err = |why: &str| IdError(format!("{text:?} is not an extended-property id: {why}"));
    let (ty_word, rest) = word(text).ok_or_else(|| err("it is empty"))?;
    let ty = parse_type(ty_word).ok_or_else(|| err("the type is not a MAPI type name"))?;
    let (second, rest) = word(rest).ok_or_else(|| err("the property tag or set is missing"))?;
    if rest.is_empty() {
        // `{type} {proptag}`: the property id, or a whole tag whose upper half is the id.
        let n = parse_number(second).ok_or_else(|| err("the property tag is not a number"))?;
        let id = if n > 0xFFFF { n >> 16 } else { n };
        let id = u16::try_from(id).map_err(|_| err("the property tag is out of range"))?;
        if id >= 0x8000 {
            return Err(err(
                "a tag of 0x8000 or above is a named property and needs its property set",
            ));
        }
        return Ok(ExtendedId {
            key: PropKey::Tagged(id),
            ty,
        });
    }
    let set = parse_property_set(second).ok_or_else(|| err("the property set is not a GUID"))?;
    let (kind, rest) = word(rest).ok_or_else(|| err("`Id` or `Name` is missing"))?;
    let id = if kind.eq_ignore_ascii_case("Id") {
        let n = parse_number(rest).ok_or_else(|| err("the id after `Id` is not a number"))?;
        NamedId::Lid(n)
    } else if kind.eq_ignore_ascii_case("Name") {
        if rest.is_empty() {
            return Err(err("the name after `Name` is empty"));
        }
        NamedId::Name(rest.to_owned())
    } else {
        return Err(err("expected `Id` or `Name` after the property set"));
    };
    Ok(ExtendedId {
        key: PropKey::Named { set, id },
        ty,
    })
}

/// Formats a key and type as a Graph id (`Binary {00062002-0000-0000-C000-000000000046} Id 0x8216`).
pub fn format_id(key: &PropKey, ty: PropType) -> String {
    let ty = type_name(ty);
    match key {
        PropKey::Tagged(id) => format!("{ty} 0x{id:04X}"),
        PropKey::Named {
            set,
            id: NamedId::Lid(lid),
        } => format!("{ty} {set} Id 0x{lid:04X}"),
        PropKey::Named {
            set,
            id: NamedId::Name(name),
        } => format!("{ty} {set} Name {name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{PS_PUBLIC_STRINGS, PSETID_APPOINTMENT, PSETID_MEETING};

    #[test]
    fn graph_id_forms_parse_case_insensitively() {
        // The three forms of the Graph overview's id table, with PidLidAppointmentRecur (LID 0x8216 in
        // PSETID_Appointment, [MS-OXPROPS]) and PidTagSubject (0x0037).
        let recur = parse_id("Binary {00062002-0000-0000-C000-000000000046} Id 0x8216").unwrap();
        assert_eq!(recur.key, PropKey::lid(PSETID_APPOINTMENT, 0x8216));
        assert_eq!(recur.ty, PropType::Binary);
        let lower = parse_id("binary {00062002-0000-0000-c000-000000000046} id 33302").unwrap();
        assert_eq!(lower, recur);
        let named =
            parse_id("StringArray {00020329-0000-0000-C000-000000000046} Name Keywords").unwrap();
        assert_eq!(named.key, PropKey::name(PS_PUBLIC_STRINGS, "Keywords"));
        assert_eq!(named.ty, PropType::Multiple(MvBase::Unicode));
        let tag = parse_id("String 0x0037").unwrap();
        assert_eq!(tag.key, PropKey::Tagged(0x0037));
        assert_eq!(parse_id("String 0x0037001F").unwrap(), tag);
        assert_eq!(parse_id("STRING 55").unwrap(), tag);
    }

    #[test]
    fn distinguished_set_names_are_guid_aliases() {
        // EWS DistinguishedPropertySetId values name the same sets as their GUIDs.
        let a = parse_id("Binary Meeting Id 0x3").unwrap();
        assert_eq!(a.key, PropKey::lid(PSETID_MEETING, 3));
        let b = parse_id("Integer PSETID_Appointment Id 0x8205").unwrap();
        assert_eq!(b.key, PropKey::lid(PSETID_APPOINTMENT, 0x8205));
        assert_eq!(
            parse_property_set("PS_PUBLIC_STRINGS"),
            Some(PS_PUBLIC_STRINGS)
        );
        assert_eq!(
            parse_property_set("unifiedmessaging"),
            Some(PSETID_UNIFIED_MESSAGING)
        );
    }

    #[test]
    fn bad_ids_say_why() {
        for bad in [
            "",
            "Binary",
            "Nonsense 0x0037",
            "String 0x8001",
            "String {nope} Id 1",
            "String Appointment Lid 1",
            "String Appointment Name",
        ] {
            assert!(parse_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ids_round_trip_through_format() {
        for (key, ty) in [
            (PropKey::Tagged(0x0E08), PropType::Integer64),
            (PropKey::lid(PSETID_APPOINTMENT, 0x8216), PropType::Binary),
            (
                PropKey::name(PS_PUBLIC_STRINGS, "Key words"),
                PropType::Multiple(MvBase::Unicode),
            ),
            (PropKey::Tagged(0x0037), PropType::String8),
            (PropKey::Tagged(0x6701), PropType::ServerId),
        ] {
            let text = format_id(&key, ty);
            assert_eq!(parse_id(&text).unwrap(), ExtendedId { key, ty }, "{text}");
        }
        assert_eq!(
            type_name(PropType::Multiple(MvBase::Integer32)),
            "IntegerArray"
        );
        assert_eq!(type_name(PropType::ServerId), "0x00FB");
    }
}

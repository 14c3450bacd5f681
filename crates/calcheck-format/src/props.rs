//! MAPI property tags, types and values ([MS-OXCDATA] 2.11), shared by every input reader.
//!
//! The .msg reader, the PST/OST reader and the JSON/fast-transfer readers all turn raw bytes into
//! [`PropValue`]s with [`decode_value`], so that a property read from any source compares equal.

use crate::error::{Error, Result};
use crate::guid::Guid;
use crate::reader::Reader;

/// The string type of [`PropValue`] text: up to 24 bytes are stored inline, without a heap
/// allocation (most property strings are that short), and it derefs to `str` like `String`.
pub use compact_str::CompactString;

/// A property tag: the property id in the high 16 bits, the [`PropType`] code in the low 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PropTag(pub u32);

impl PropTag {
    /// Builds a tag from an id and a type code.
    pub const fn new(id: u16, ty: u16) -> Self {
        PropTag(((id as u32) << 16) | ty as u32)
    }

    /// The property id (named properties are 0x8000 and above).
    pub const fn id(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// The raw type code.
    pub const fn type_code(self) -> u16 {
        self.0 as u16
    }

    /// The decoded type, if the code is one MAPI defines.
    pub fn prop_type(self) -> Option<PropType> {
        PropType::from_code(self.type_code())
    }

    /// True for ids in the named-property range.
    pub const fn is_named(self) -> bool {
        self.id() >= 0x8000
    }
}

impl core::fmt::Display for PropTag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "0x{:08X}", self.0)
    }
}

/// Multi-valued flag of a type code.
pub const MV_FLAG: u16 = 0x1000;

/// A MAPI property type ([MS-OXCDATA] 2.11.1). Multi-valued types are `Multiple(base)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum PropType {
    /// PtypUnspecified 0x0000.
    Unspecified,
    /// PtypNull 0x0001.
    Null,
    /// PtypInteger16 0x0002.
    Integer16,
    /// PtypInteger32 0x0003.
    Integer32,
    /// PtypFloating32 0x0004.
    Floating32,
    /// PtypFloating64 0x0005.
    Floating64,
    /// PtypCurrency 0x0006.
    Currency,
    /// PtypFloatingTime 0x0007.
    FloatingTime,
    /// PtypErrorCode 0x000A.
    ErrorCode,
    /// PtypBoolean 0x000B.
    Boolean,
    /// PtypObject / PtypEmbeddedTable 0x000D.
    Object,
    /// PtypInteger64 0x0014.
    Integer64,
    /// PtypString8 0x001E (8-bit string in a code page).
    String8,
    /// PtypString 0x001F (UTF-16LE).
    Unicode,
    /// PtypTime 0x0040 (FILETIME).
    Time,
    /// PtypGuid 0x0048.
    Guid,
    /// PtypServerId 0x00FB.
    ServerId,
    /// PtypRestriction 0x00FD.
    Restriction,
    /// PtypRuleAction 0x00FE.
    RuleAction,
    /// PtypBinary 0x0102.
    Binary,
    /// A multi-valued type (code | 0x1000) over the given base type.
    Multiple(MvBase),
}

/// Base types that can be multi-valued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum MvBase {
    /// 0x1002.
    Integer16,
    /// 0x1003.
    Integer32,
    /// 0x1004.
    Floating32,
    /// 0x1005.
    Floating64,
    /// 0x1006.
    Currency,
    /// 0x1007.
    FloatingTime,
    /// 0x1014.
    Integer64,
    /// 0x101E.
    String8,
    /// 0x101F.
    Unicode,
    /// 0x1040.
    Time,
    /// 0x1048.
    Guid,
    /// 0x1102.
    Binary,
}

impl MvBase {
    /// The single-valued type of each element.
    pub fn element(self) -> PropType {
        match self {
            MvBase::Integer16 => PropType::Integer16,
            MvBase::Integer32 => PropType::Integer32,
            MvBase::Floating32 => PropType::Floating32,
            MvBase::Floating64 => PropType::Floating64,
            MvBase::Currency => PropType::Currency,
            MvBase::FloatingTime => PropType::FloatingTime,
            MvBase::Integer64 => PropType::Integer64,
            MvBase::String8 => PropType::String8,
            MvBase::Unicode => PropType::Unicode,
            MvBase::Time => PropType::Time,
            MvBase::Guid => PropType::Guid,
            MvBase::Binary => PropType::Binary,
        }
    }
}

impl PropType {
    /// Decodes a type code; `None` for codes MAPI does not define.
    pub fn from_code(code: u16) -> Option<Self> {
        Some(match code {
            0x0000 => PropType::Unspecified,
            0x0001 => PropType::Null,
            0x0002 => PropType::Integer16,
            0x0003 => PropType::Integer32,
            0x0004 => PropType::Floating32,
            0x0005 => PropType::Floating64,
            0x0006 => PropType::Currency,
            0x0007 => PropType::FloatingTime,
            0x000A => PropType::ErrorCode,
            0x000B => PropType::Boolean,
            0x000D => PropType::Object,
            0x0014 => PropType::Integer64,
            0x001E => PropType::String8,
            0x001F => PropType::Unicode,
            0x0040 => PropType::Time,
            0x0048 => PropType::Guid,
            0x00FB => PropType::ServerId,
            0x00FD => PropType::Restriction,
            0x00FE => PropType::RuleAction,
            0x0102 => PropType::Binary,
            0x1002 => PropType::Multiple(MvBase::Integer16),
            0x1003 => PropType::Multiple(MvBase::Integer32),
            0x1004 => PropType::Multiple(MvBase::Floating32),
            0x1005 => PropType::Multiple(MvBase::Floating64),
            0x1006 => PropType::Multiple(MvBase::Currency),
            0x1007 => PropType::Multiple(MvBase::FloatingTime),
            0x1014 => PropType::Multiple(MvBase::Integer64),
            0x101E => PropType::Multiple(MvBase::String8),
            0x101F => PropType::Multiple(MvBase::Unicode),
            0x1040 => PropType::Multiple(MvBase::Time),
            0x1048 => PropType::Multiple(MvBase::Guid),
            0x1102 => PropType::Multiple(MvBase::Binary),
            _ => return None,
        })
    }

    /// The type code.
    pub fn code(self) -> u16 {
        match self {
            PropType::Unspecified => 0x0000,
            PropType::Null => 0x0001,
            PropType::Integer16 => 0x0002,
            PropType::Integer32 => 0x0003,
            PropType::Floating32 => 0x0004,
            PropType::Floating64 => 0x0005,
            PropType::Currency => 0x0006,
            PropType::FloatingTime => 0x0007,
            PropType::ErrorCode => 0x000A,
            PropType::Boolean => 0x000B,
            PropType::Object => 0x000D,
            PropType::Integer64 => 0x0014,
            PropType::String8 => 0x001E,
            PropType::Unicode => 0x001F,
            PropType::Time => 0x0040,
            PropType::Guid => 0x0048,
            PropType::ServerId => 0x00FB,
            PropType::Restriction => 0x00FD,
            PropType::RuleAction => 0x00FE,
            PropType::Binary => 0x0102,
            PropType::Multiple(b) => b.element().code() | MV_FLAG,
        }
    }

    /// Size in bytes of a fixed-size value, `None` for variable-size and multi-valued types.
    pub fn fixed_size(self) -> Option<usize> {
        Some(match self {
            PropType::Null | PropType::Unspecified => 0,
            PropType::Integer16 | PropType::Boolean => 2,
            PropType::Integer32 | PropType::Floating32 | PropType::ErrorCode => 4,
            PropType::Floating64
            | PropType::Currency
            | PropType::FloatingTime
            | PropType::Integer64
            | PropType::Time => 8,
            PropType::Guid => 16,
            _ => return None,
        })
    }

    /// The [MS-OXCDATA] name, e.g. `PtypBinary`.
    pub fn name(self) -> &'static str {
        match self {
            PropType::Unspecified => "PtypUnspecified",
            PropType::Null => "PtypNull",
            PropType::Integer16 => "PtypInteger16",
            PropType::Integer32 => "PtypInteger32",
            PropType::Floating32 => "PtypFloating32",
            PropType::Floating64 => "PtypFloating64",
            PropType::Currency => "PtypCurrency",
            PropType::FloatingTime => "PtypFloatingTime",
            PropType::ErrorCode => "PtypErrorCode",
            PropType::Boolean => "PtypBoolean",
            PropType::Object => "PtypObject",
            PropType::Integer64 => "PtypInteger64",
            PropType::String8 => "PtypString8",
            PropType::Unicode => "PtypString",
            PropType::Time => "PtypTime",
            PropType::Guid => "PtypGuid",
            PropType::ServerId => "PtypServerId",
            PropType::Restriction => "PtypRestriction",
            PropType::RuleAction => "PtypRuleAction",
            PropType::Binary => "PtypBinary",
            PropType::Multiple(MvBase::Integer16) => "PtypMultipleInteger16",
            PropType::Multiple(MvBase::Integer32) => "PtypMultipleInteger32",
            PropType::Multiple(MvBase::Floating32) => "PtypMultipleFloating32",
            PropType::Multiple(MvBase::Floating64) => "PtypMultipleFloating64",
            PropType::Multiple(MvBase::Currency) => "PtypMultipleCurrency",
            PropType::Multiple(MvBase::FloatingTime) => "PtypMultipleFloatingTime",
            PropType::Multiple(MvBase::Integer64) => "PtypMultipleInteger64",
            PropType::Multiple(MvBase::String8) => "PtypMultipleString8",
            PropType::Multiple(MvBase::Unicode) => "PtypMultipleString",
            PropType::Multiple(MvBase::Time) => "PtypMultipleTime",
            PropType::Multiple(MvBase::Guid) => "PtypMultipleGuid",
            PropType::Multiple(MvBase::Binary) => "PtypMultipleBinary",
        }
    }
}

/// A decoded property value. Strings are text, with the type they were stored as kept.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum PropValue {
    /// PtypNull / PtypUnspecified.
    Null,
    /// PtypInteger16.
    I16(i16),
    /// PtypInteger32.
    I32(i32),
    /// PtypFloating32.
    F32(f32),
    /// PtypFloating64.
    F64(f64),
    /// PtypCurrency (scaled by 10 000).
    Currency(i64),
    /// PtypFloatingTime (OLE automation date).
    FloatingTime(f64),
    /// PtypErrorCode: the property exists but its value could not be computed by the writer.
    ErrorCode(u32),
    /// PtypBoolean.
    Bool(bool),
    /// PtypInteger64.
    I64(i64),
    /// PtypString (UTF-16LE on disk).
    Unicode(CompactString),
    /// PtypString8, decoded with the item's code page.
    String8 {
        /// The decoded text.
        text: CompactString,
        /// The Windows code page used to decode it.
        codepage: u16,
    },
    /// PtypTime: FILETIME ticks, UTC.
    Time(u64),
    /// PtypGuid.
    Guid(Guid),
    /// PtypBinary and the other opaque byte types (ServerId, Restriction, RuleAction).
    Binary(Vec<u8>),
    /// PtypObject: the bytes of the object stream, if the source gives them (embedded messages are
    /// opened separately by the readers).
    Object(Vec<u8>),
    /// A multi-valued property: the element values, all of the base type.
    Multiple(MvBase, Vec<PropValue>),
}

impl PropValue {
    /// The value as an `i32`, if it is an integer type that fits.
    pub fn as_i32(&self) -> Option<i32> {
        match self {
            PropValue::I32(v) => Some(*v),
            PropValue::I16(v) => Some(i32::from(*v)),
            PropValue::I64(v) => i32::try_from(*v).ok(),
            _ => None,
        }
    }

    /// The value as a `bool` (PtypBoolean, or a non-zero integer).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            PropValue::Bool(b) => Some(*b),
            PropValue::I32(v) => Some(*v != 0),
            PropValue::I16(v) => Some(*v != 0),
            _ => None,
        }
    }

    /// The text of a string value.
    // Inlined across crates: the checks read strings through it many times per item, and with
    // the compact string's deref (its length and place come from its last byte) it is no longer
    // small enough to be inlined without asking.
    #[inline]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PropValue::Unicode(s) | PropValue::String8 { text: s, .. } => Some(s),
            _ => None,
        }
    }

    /// The FILETIME of a PtypTime value.
    pub fn as_time(&self) -> Option<u64> {
        match self {
            PropValue::Time(t) => Some(*t),
            _ => None,
        }
    }

    /// The bytes of a binary value.
    pub fn as_binary(&self) -> Option<&[u8]> {
        match self {
            PropValue::Binary(b) | PropValue::Object(b) => Some(b),
            _ => None,
        }
    }
}

/// Windows code page of UTF-16LE, used where a code-page string type says 0x04B0.
pub const CP_UTF16LE: u16 = 1200;

/// Windows-1252, the default code page when an item does not say.
pub const CP_WINDOWS_1252: u16 = 1252;

/// Decodes 8-bit text in a Windows code page, replacing what cannot be decoded.
///
/// Unknown code pages fall back to windows-1252, which maps every byte.
pub fn decode_string8(bytes: &[u8], codepage: u16) -> CompactString {
    let bytes = trim_nul8(bytes);
    if codepage == CP_UTF16LE {
        return decode_utf16le(bytes);
    }
    let enc = codepage::to_encoding(codepage).unwrap_or(encoding_rs::WINDOWS_1252);
    // Text the code page maps to itself (ASCII in most code pages) comes back borrowed and is
    // copied once, inline when short; decoded text moves its buffer over.
    let (text, _) = enc.decode_without_bom_handling(bytes);
    CompactString::from(text)
}

/// Decodes UTF-16LE text, dropping one trailing NUL if present and replacing unpaired surrogates.
pub fn decode_utf16le(bytes: &[u8]) -> CompactString {
    // Strings in MAPI streams are often NUL-terminated; the terminators are not part of the value.
    let mut units = bytes.chunks_exact(2);
    let mut end = units.len();
    while end > 0 && units.nth_back(0).is_some_and(|u| u == [0, 0]) {
        end -= 1;
    }
    let text = bytes.get(..end * 2).unwrap_or_default();
    if let Some(ascii) = ascii_of_utf16le(text) {
        return ascii;
    }
    // The units are read straight from the bytes, without a list of them first.
    let units = text.chunks_exact(2).map(|u| match u {
        [lo, hi] => u16::from_le_bytes([*lo, *hi]),
        _ => 0,
    });
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Bits of four UTF-16LE units read as one little-endian `u64` that are zero only when all four
/// are ASCII: each unit's high byte and the top bit of its low byte.
const NOT_ASCII: u64 = 0xFF80_FF80_FF80_FF80;

/// Longest text, in UTF-16 units, that [`ascii_of_utf16le`] narrows on the stack.
const STACK_TEXT_UNITS: usize = 64;

/// The stack buffer ASCII text is narrowed into: aligned so that the UTF-8 check of the standard
/// library reads it a word pair at a time from its first byte.
#[repr(align(16))]
struct Narrowed([u8; STACK_TEXT_UNITS]);

/// Clears the high byte of each 16-bit unit of `v` and packs the four low bytes together, in
/// order: the UTF-16LE units of four ASCII characters become their four UTF-8 bytes.
fn narrow_quad(v: u64) -> u64 {
    let pairs = (v | (v >> 8)) & 0x0000_FFFF_0000_FFFF;
    (pairs | (pairs >> 16)) & 0xFFFF_FFFF
}

/// The text of UTF-16LE code units that are all ASCII, or `None` when one is not.
///
/// Most property strings are ASCII; for them each UTF-16 unit is one byte of UTF-8, which skips
/// the general decoder (a measurable share of reading an item). Text of up to 64 units is
/// narrowed eight units at a time into a stack buffer without any test in the loop, the units
/// all ORed together to be tested once at the end; the narrowed buffer is then checked as UTF-8
/// (its zero padding is ASCII too), which the standard library does a word pair at a time, and
/// copied into the string, inline (no allocation) up to 24 bytes.
///
/// Each eight narrowed bytes are put together in a register and written with one aligned 8-byte
/// store, the width at which the UTF-8 check reads them back: bytes written in smaller pieces
/// (a copy, or four-byte stores) cannot be forwarded to those wider loads, and the processor
/// stalled on them until the stores had drained (perf put a third of this function's samples
/// there).
fn ascii_of_utf16le(text: &[u8]) -> Option<CompactString> {
    let len = text.len() / 2;
    if len > STACK_TEXT_UNITS {
        // Longer text is on the heap whatever the string type; the buffer built is kept.
        return ascii_of_utf16le_pushed(text).map(CompactString::from);
    }
    let mut buf = Narrowed([0; STACK_TEXT_UNITS]);
    let mut seen = 0u64;
    let mut octets = text.chunks_exact(16);
    let mut words = buf.0.chunks_exact_mut(8);
    // The octets come first in the zip: when they run out, no word has been taken for them.
    for (octet, out) in (&mut octets).zip(&mut words) {
        // `chunks_exact(16)` only gives 16-byte pieces; were it not so, the stand-in is not ASCII.
        let (lo, hi) = octet.split_at_checked(8).unwrap_or_default();
        let lo = u64::from_le_bytes(lo.try_into().unwrap_or([0xFF; 8]));
        let hi = u64::from_le_bytes(hi.try_into().unwrap_or([0xFF; 8]));
        seen |= lo | hi;
        out.copy_from_slice(&(narrow_quad(lo) | narrow_quad(hi) << 32).to_le_bytes());
    }
    // The last one to seven units, put together in a register as one more word: from the last
    // eight units of the text when there are that many (the overlap shifted out), from its first
    // and last four when there are four to seven, and unit by unit only below four.
    let rest = octets.remainder().len() / 2;
    if rest > 0 {
        let quad = |at: usize| {
            let bytes = text.get(at..at + 8).and_then(|q| q.try_into().ok());
            u64::from_le_bytes(bytes.unwrap_or([0xFF; 8]))
        };
        let word = if len >= 8 {
            let (lo, hi) = (quad(2 * len - 16), quad(2 * len - 8));
            seen |= lo | hi;
            (narrow_quad(lo) | narrow_quad(hi) << 32) >> (8 * (8 - rest))
        } else if len >= 4 {
            // The two quads overlap when there are fewer than eight units; the bytes they share
            // are the same, so ORing them together is harmless.
            let (first, last) = (quad(0), quad(2 * len - 8));
            seen |= first | last;
            narrow_quad(first) | narrow_quad(last) << (8 * (len - 4))
        } else {
            let mut word = 0u64;
            for (k, unit) in text.chunks_exact(2).enumerate() {
                if let [lo, hi] = unit {
                    let unit = u64::from(u16::from_le_bytes([*lo, *hi]));
                    seen |= unit;
                    word |= (unit & 0xFF) << (8 * k);
                }
            }
            word
        };
        if let Some(out) = words.next() {
            out.copy_from_slice(&word.to_le_bytes());
        }
    }
    if seen & NOT_ASCII != 0 {
        return None;
    }
    let padded = buf.0.get(..len.div_ceil(16) * 16)?;
    core::str::from_utf8(padded)
        .ok()?
        .get(..len)
        .map(CompactString::from)
}

/// [`ascii_of_utf16le`] for text longer than its stack buffer: four units are
/// tested and copied per step, as one little-endian `u64` whose high bytes must be zero and whose
/// low bytes must be below 0x80, each character pushed as it is known to be ASCII (so the bytes
/// need no UTF-8 check).
fn ascii_of_utf16le_pushed(text: &[u8]) -> Option<String> {
    // Built by pushing characters known to be ASCII, so the bytes need no second validation
    // pass (which cost as much as the test and copy here).
    let mut out = String::with_capacity(text.len() / 2);
    let mut quads = text.chunks_exact(8);
    for quad in &mut quads {
        let v = u64::from_le_bytes(quad.try_into().ok()?);
        if v & NOT_ASCII != 0 {
            return None;
        }
        for shift in [0, 16, 32, 48] {
            out.push(char::from((v >> shift) as u8 & 0x7F));
        }
    }
    for unit in quads.remainder().chunks_exact(2) {
        match unit {
            [lo, 0] if *lo < 0x80 => out.push(char::from(*lo)),
            _ => return None,
        }
    }
    Some(out)
}

fn trim_nul8(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    bytes.get(..end).unwrap_or_default()
}

/// Decodes one single-valued property value of type `ty` from exactly the bytes given.
///
/// Fixed-size types need at least their size (extra bytes are ignored, as in the 8-byte slots of
/// .msg property streams); variable-size types take the whole slice. `codepage` is used for
/// PtypString8. Multi-valued types are decoded by the readers, which know their container layout.
pub fn decode_value(ty: PropType, bytes: &[u8], codepage: u16) -> Result<PropValue> {
    let mut r = Reader::new(bytes, "PropertyValue");
    Ok(match ty {
        PropType::Null | PropType::Unspecified => PropValue::Null,
        PropType::Integer16 => PropValue::I16(r.u16("Integer16")? as i16),
        PropType::Integer32 => PropValue::I32(r.i32("Integer32")?),
        PropType::Floating32 => PropValue::F32(f32::from_bits(r.u32("Floating32")?)),
        PropType::Floating64 => PropValue::F64(f64::from_bits(r.u64("Floating64")?)),
        PropType::Currency => PropValue::Currency(r.u64("Currency")? as i64),
        PropType::FloatingTime => PropValue::FloatingTime(f64::from_bits(r.u64("FloatingTime")?)),
        PropType::ErrorCode => PropValue::ErrorCode(r.u32("ErrorCode")?),
        // [MS-OXCDATA] 2.11.1: a Boolean is one byte of 0 or 1; writers pad it to 2 or 4 bytes.
        PropType::Boolean => PropValue::Bool(r.u8("Boolean")? != 0),
        PropType::Integer64 => PropValue::I64(r.u64("Integer64")? as i64),
        PropType::Time => PropValue::Time(r.u64("Time")?),
        PropType::Guid => PropValue::Guid(r.guid("Guid")?),
        PropType::Unicode => PropValue::Unicode(decode_utf16le(bytes)),
        PropType::String8 => PropValue::String8 {
            text: decode_string8(bytes, codepage),
            codepage,
        },
        PropType::Binary | PropType::ServerId | PropType::Restriction | PropType::RuleAction => {
            PropValue::Binary(bytes.to_vec())
        }
        PropType::Object => PropValue::Object(bytes.to_vec()),
        PropType::Multiple(_) => {
            return Err(Error::BadValue {
                structure: "PropertyValue",
                field: "PropertyType",
                offset: 0,
                value: u64::from(ty.code()),
            });
        }
    })
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #[test]
        fn utf16_decoding_equals_the_standard_lossy_decoder(bytes in proptest::collection::vec(
            proptest::prop_oneof![proptest::num::u8::ANY, 0u8..0x80, proptest::strategy::Just(0u8)], 0..64)) {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            let end = units.iter().rposition(|&u| u != 0).map_or(0, |i| i + 1);
            proptest::prop_assert_eq!(super::decode_utf16le(&bytes), String::from_utf16_lossy(&units[..end]));
        }

        // Mostly ASCII units, so that the ASCII path is taken, and left for the general decoder
        // at every position, with NUL terminators and an odd trailing byte now and then.
        #[test]
        fn mostly_ascii_utf16_decodes_as_the_standard_lossy_decoder(
            units in proptest::collection::vec(proptest::prop_oneof![
                8 => 1u16..0x80,
                1 => proptest::strategy::Just(0u16),
                1 => proptest::num::u16::ANY,
            ], 0..160),
            odd in proptest::option::of(proptest::num::u8::ANY),
        ) {
            let mut bytes: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
            bytes.extend(odd);
            let end = units.iter().rposition(|&u| u != 0).map_or(0, |i| i + 1);
            proptest::prop_assert_eq!(super::decode_utf16le(&bytes), String::from_utf16_lossy(&units[..end]));
        }
    }

    fn utf16le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn utf16le_text_of_every_length_around_the_short_buffer() {
        // ASCII text of 0 to 66 characters, with and without a NUL terminator: narrowed on the
        // stack up to 64 units (at every remainder of the eight units a step takes, so through
        // each way the last units are read), pushed character by character above.
        let alphabet = "Weekly status meeting, room 4.12 (building B) - please be on time!";
        for len in 0..=alphabet.len() {
            let text = &alphabet[..len];
            let mut bytes = utf16le(text);
            assert_eq!(decode_utf16le(&bytes), text, "length {len}");
            bytes.extend([0, 0]);
            assert_eq!(decode_utf16le(&bytes), text, "length {len} with a NUL");
        }
    }

    #[test]
    fn one_non_ascii_unit_anywhere_in_text_of_every_length_is_decoded() {
        // The ASCII path reads the last units through overlapping words (the last eight units,
        // or the first and last four): a unit that is not ASCII at any position of text of any
        // length up to past the stack buffer must send the text to the general decoder.
        for len in 1..=66 {
            for at in 0..len {
                for odd in ['\u{e9}', '\u{4f1a}'] {
                    let text: String = (0..len)
                        .map(|i| {
                            if i == at {
                                odd
                            } else {
                                char::from(b'a' + (i % 26) as u8)
                            }
                        })
                        .collect();
                    assert_eq!(decode_utf16le(&utf16le(&text)), text, "{len} {at} {odd}");
                }
            }
        }
    }

    #[test]
    fn utf16le_text_that_is_not_ascii() {
        // U+00E9 has a zero high byte but is not ASCII; U+4F1A and U+8B70 have both bytes set.
        assert_eq!(decode_utf16le(&utf16le("Café")), "Café");
        assert_eq!(decode_utf16le(&utf16le("会議 room")), "会議 room");
        // A non-ASCII unit after 64 ASCII ones (pushed), and after 20 (narrowed on the stack,
        // where the units are tested once at the end), in a whole quad and in the tail.
        let long = format!("{}é", "a".repeat(64));
        assert_eq!(decode_utf16le(&utf16le(&long)), long);
        let middle = format!("{}é and more text", "a".repeat(20));
        assert_eq!(decode_utf16le(&utf16le(&middle)), middle);
        let tail = format!("{}会", "b".repeat(20));
        assert_eq!(decode_utf16le(&utf16le(&tail)), tail);
        // U+1F4C5 (calendar) is the surrogate pair D83D DCC5.
        assert_eq!(
            decode_utf16le(&[0x3D, 0xD8, 0xC5, 0xDC, b'x', 0]),
            "\u{1F4C5}x"
        );
    }

    #[test]
    fn utf16le_edge_cases() {
        // An unpaired high surrogate, and a low surrogate alone, become U+FFFD each.
        assert_eq!(
            decode_utf16le(&[b'a', 0, 0x3D, 0xD8, b'b', 0]),
            "a\u{FFFD}b"
        );
        assert_eq!(decode_utf16le(&[0xC5, 0xDC]), "\u{FFFD}");
        // Every trailing NUL unit is dropped, an inner one is kept.
        assert_eq!(
            decode_utf16le(&[b'a', 0, 0, 0, b'b', 0, 0, 0, 0, 0]),
            "a\0b"
        );
        // An odd trailing byte is not part of any unit.
        assert_eq!(decode_utf16le(&[b'O', 0, b'K', 0, b'!']), "OK");
        assert_eq!(decode_utf16le(&[0x41]), "");
        assert_eq!(decode_utf16le(&[]), "");
        assert_eq!(decode_utf16le(&[0, 0, 0, 0]), "");
        // A high byte of 0x00 with a low byte of 0x80..0xFF is Latin-1, not ASCII.
        assert_eq!(decode_utf16le(&[b'n', 0, 0xE3, 0, b'o', 0]), "não");
    }

    use super::*;

    #[test]
    fn prop_tag_splits_id_and_type() {
        // PR_RECIPIENT_TRACKSTATUS_TIME is 0x5FFB0040 ([MS-OXPROPS] 2.900).
        let t = PropTag(0x5FFB_0040);
        assert_eq!(t.id(), 0x5FFB);
        assert_eq!(t.prop_type(), Some(PropType::Time));
        assert_eq!(PropTag::new(0x5FFB, 0x0040), t);
        assert_eq!(t.to_string(), "0x5FFB0040");
    }

    #[test]
    fn prop_type_codes_round_trip() {
        for code in 0u16..=0x1FFF {
            if let Some(t) = PropType::from_code(code) {
                assert_eq!(t.code(), code);
            }
        }
        assert_eq!(
            PropType::from_code(0x1003),
            Some(PropType::Multiple(MvBase::Integer32))
        );
        assert_eq!(PropType::from_code(0x0008), None);
    }

    #[test]
    fn decode_value_fixed_and_strings() {
        assert_eq!(
            decode_value(PropType::Boolean, &[1, 0, 0, 0], 0).unwrap(),
            PropValue::Bool(true)
        );
        assert_eq!(
            decode_value(
                PropType::Integer32,
                &[0xFF, 0xFF, 0xFF, 0xFF, 9, 9, 9, 9],
                0
            )
            .unwrap(),
            PropValue::I32(-1)
        );
        assert_eq!(
            decode_value(PropType::Unicode, &[b'H', 0, b'i', 0, 0, 0], 0).unwrap(),
            PropValue::Unicode("Hi".into())
        );
        // 0xE9 is "é" in windows-1252 and "й" in windows-1251.
        assert_eq!(
            decode_value(PropType::String8, &[0xE9, 0], 1252)
                .unwrap()
                .as_str(),
            Some("é")
        );
        assert_eq!(
            decode_value(PropType::String8, &[0xE9], 1251)
                .unwrap()
                .as_str(),
            Some("й")
        );
        assert!(decode_value(PropType::Time, &[0; 7], 0).is_err());
    }
}

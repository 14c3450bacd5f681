//! Property values as the LTP layer stores them ([MS-PST] 2.3.3.3-2.3.3.5, [MS-OXCDATA] 2.11).
//!
//! Single values go through [`calcheck_format::props::decode_value`], so a property read from a
//! PST compares equal to the same property read from a .msg file. Multi-valued properties have a
//! PST-specific layout: fixed-size elements are packed; variable-size ones (strings, binaries)
//! start with a count and an offset table.

use calcheck_format::Reader;
use calcheck_format::props::{
    CompactString, MvBase, PropType, PropValue, decode_utf16le, decode_value,
};

/// Decodes the bytes of one property value of type code `ty`.
///
/// Returns a lowercase reason when the bytes cannot be decoded.
// The readers' loops over values use [`decode_with`], which builds the value where the sink keeps
// it; this is the same decoding for the places that want the value back (values in sub-nodes,
// contents-table cells), so the common types' short paths are written once, there.
pub fn decode(ty: u16, bytes: &[u8], codepage: u16) -> Result<PropValue, String> {
    let mut kept = None;
    decode_with(ty, bytes, codepage, Keep(&mut kept))?;
    kept.ok_or_else(|| "no value decoded".to_owned())
}

/// A [`Put`] that keeps the value for [`decode`].
struct Keep<'a>(&'a mut Option<PropValue>);

impl Put for Keep<'_> {
    #[inline]
    fn put(self, value: impl Into<PropValue>) {
        *self.0 = Some(value.into());
    }
}

/// Decodes the bytes of one property value of type code `ty` and hands the value to `put`; the
/// reason is returned when the bytes cannot be decoded (and `put` is not called).
// The types nearly every value has are decoded here directly, as
// [`calcheck_format::props::decode_value`] decodes them (fixed types from their first bytes,
// extra bytes ignored): going through the type lookup, the checked reader and the error
// conversion cost more than the decoding itself for these. A value too short for its type takes
// the general way ([`decode_other`], out of line), so its error is the usual one.
// Each common type calls `put` in its own arm, so a sink inlined as `put` builds that variant in
// its final place. Through [`decode`]'s one `Result` the compiler merged the variants into a
// stack temporary with a tag byte and a 31-byte copy, and the sink then copied that temporary
// with 16-byte loads straddling the fresh narrower stores: store-forwarding stalls on nearly
// every value read.
#[allow(clippy::inline_always)]
#[inline(always)]
pub fn decode_with(ty: u16, bytes: &[u8], codepage: u16, put: impl Put) -> Result<(), String> {
    match ty {
        0x0003 => {
            if let Some(b) = bytes.first_chunk::<4>() {
                put.put(I32(i32::from_le_bytes(*b)));
                return Ok(());
            }
        }
        0x000B => {
            if let Some(&b) = bytes.first() {
                put.put(Bool(b != 0));
                return Ok(());
            }
        }
        0x0040 => {
            if let Some(b) = bytes.first_chunk::<8>() {
                put.put(Time(u64::from_le_bytes(*b)));
                return Ok(());
            }
        }
        0x001F => {
            put.put(Unicode(decode_utf16le(bytes)));
            return Ok(());
        }
        0x0102 => {
            put.put(Binary(bytes.to_vec()));
            return Ok(());
        }
        _ => {}
    }
    decode_other(ty, bytes, codepage).map(|v| put.put(v))
}

/// Where [`decode_with`] puts a decoded value.
///
/// A trait rather than a closure: its `put` is marked to be inlined into each of
/// [`decode_with`]'s arms, which a closure cannot be (as a call, the value went through memory
/// again).
pub trait Put {
    /// Takes the decoded value.
    fn put(self, value: impl Into<PropValue>);
}

/// The common types' values as [`decode_with`] hands them over: each becomes its [`PropValue`]
/// variant only where the sink keeps it ([`Put`]).
struct I32(i32);
/// See [`I32`].
struct Bool(bool);
/// See [`I32`].
struct Time(u64);
/// See [`I32`].
struct Unicode(CompactString);
/// See [`I32`].
struct Binary(Vec<u8>);

impl From<I32> for PropValue {
    #[inline]
    fn from(v: I32) -> Self {
        PropValue::I32(v.0)
    }
}

impl From<Bool> for PropValue {
    #[inline]
    fn from(v: Bool) -> Self {
        PropValue::Bool(v.0)
    }
}

impl From<Time> for PropValue {
    #[inline]
    fn from(v: Time) -> Self {
        PropValue::Time(v.0)
    }
}

impl From<Unicode> for PropValue {
    #[inline]
    fn from(v: Unicode) -> Self {
        PropValue::Unicode(v.0)
    }
}

impl From<Binary> for PropValue {
    #[inline]
    fn from(v: Binary) -> Self {
        PropValue::Binary(v.0)
    }
}

/// [`decode`] for the types it does not decode itself, and for values too short for their type.
#[inline(never)]
fn decode_other(ty: u16, bytes: &[u8], codepage: u16) -> Result<PropValue, String> {
    let Some(pt) = PropType::from_code(ty) else {
        return Err(format!("unknown property type {ty:#06x}"));
    };
    match pt {
        PropType::Multiple(base) => decode_multiple(base, bytes, codepage),
        // The PST stores an embedded object as a reference to a sub-node; the readers open it
        // separately, so the value itself carries no bytes.
        PropType::Object => Ok(PropValue::Object(Vec::new())),
        _ => decode_value(pt, bytes, codepage).map_err(|e| e.to_string()),
    }
}

fn decode_multiple(base: MvBase, bytes: &[u8], codepage: u16) -> Result<PropValue, String> {
    let elem = base.element();
    if let Some(size) = elem.fixed_size() {
        // [MS-PST] 2.3.3.4.1: fixed-size elements are packed one after the other.
        if size == 0 || bytes.len() % size != 0 {
            return Err(format!(
                "multi-valued {} of {} bytes is not a whole number of {size}-byte values",
                elem.name(),
                bytes.len()
            ));
        }
        let values = bytes
            .chunks_exact(size)
            .map(|c| decode_value(elem, c, codepage).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(PropValue::Multiple(base, values));
    }
    // [MS-PST] 2.3.3.4.2: ulCount, rgulDataOffsets[ulCount], then the values back to back.
    if bytes.is_empty() {
        return Ok(PropValue::Multiple(base, Vec::new()));
    }
    let mut r = Reader::new(bytes, "MultiValue");
    let count = r.u32("ulCount").map_err(|e| e.to_string())?;
    r.check_count(u64::from(count), 4, "ulCount", 0)
        .map_err(|e| e.to_string())?;
    let mut offsets = Vec::with_capacity(count as usize);
    for _ in 0..count {
        offsets.push(r.u32("rgulDataOffsets").map_err(|e| e.to_string())? as usize);
    }
    let mut values = Vec::with_capacity(offsets.len());
    for (i, &start) in offsets.iter().enumerate() {
        let end = offsets.get(i + 1).copied().unwrap_or(bytes.len());
        let item = bytes.get(start..end).ok_or_else(|| {
            format!(
                "value {i} of the multi-valued property spans {start}..{end}, outside its {} bytes",
                bytes.len()
            )
        })?;
        values.push(decode_value(elem, item, codepage).map_err(|e| e.to_string())?);
    }
    Ok(PropValue::Multiple(base, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_valued_strings_use_offset_table() {
        #[rustfmt::skip]
        let bytes = [
            2, 0, 0, 0,          // ulCount = 2
            12, 0, 0, 0,         // offset of "A"
            14, 0, 0, 0,         // offset of "BC"
            b'A', 0, b'B', 0, b'C', 0,
        ];
        let v = decode(0x101F, &bytes, 1252).unwrap();
        assert_eq!(
            v,
            PropValue::Multiple(
                MvBase::Unicode,
                vec![
                    PropValue::Unicode("A".into()),
                    PropValue::Unicode("BC".into())
                ]
            )
        );
    }

    #[test]
    fn multi_valued_fixed_values_are_packed() {
        let bytes = [1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF];
        let v = decode(0x1003, &bytes, 1252).unwrap();
        assert_eq!(
            v,
            PropValue::Multiple(
                MvBase::Integer32,
                vec![PropValue::I32(1), PropValue::I32(-1)]
            )
        );
        assert!(decode(0x1003, &bytes[..7], 1252).is_err());
    }

    #[test]
    fn multi_valued_bad_offsets_are_errors() {
        let bytes = [1, 0, 0, 0, 200, 0, 0, 0];
        assert!(decode(0x1102, &bytes, 1252).is_err());
        // A count that cannot fit is refused before any allocation.
        assert!(decode(0x1102, &[0xFF, 0xFF, 0xFF, 0x7F], 1252).is_err());
    }

    #[test]
    fn common_types_decode_as_the_shared_decoder_decodes_them() {
        // The direct paths of `decode_with` (which `decode` goes through) must give what
        // `decode_value` gives, value or error, for every length: exact, padded (PC and TC cells
        // pad Booleans to 4 bytes) and too short.
        let samples: [&[u8]; 7] = [
            &[],
            &[0x01],
            &[0x01, 0x00],
            &[0x2A, 0x00, 0x00, 0x80],
            &[0x00, 0x40, 0xDD, 0xA3, 0xE8, 0x4A, 0xD8, 0x01],
            &[b'I', 0, b'P', 0, b'M', 0, 0, 0, 0xFF],
            &[0x3D, 0xD8, 0x00, 0xDE, 0x00, 0xD8],
        ];
        for ty in [0x0003u16, 0x000B, 0x0040, 0x001F, 0x0102] {
            let pt = PropType::from_code(ty).unwrap();
            for bytes in samples {
                let general = decode_value(pt, bytes, 1252).map_err(|e| e.to_string());
                assert_eq!(
                    decode(ty, bytes, 1252),
                    general,
                    "type {ty:#06x} bytes {bytes:?}"
                );
            }
        }
        // [MS-OXCDATA] 2.11.1: a Boolean is one byte, nonzero for true; an Integer32 is
        // little-endian; PtypTime is a little-endian FILETIME.
        assert_eq!(
            decode(0x000B, &[0x01, 0, 0, 0], 1252),
            Ok(PropValue::Bool(true))
        );
        assert_eq!(
            decode(0x0003, &[0x2A, 0x00, 0x00, 0x80], 1252),
            Ok(PropValue::I32(i32::MIN + 42))
        );
        assert_eq!(
            decode(
                0x0040,
                &[0x00, 0x40, 0xDD, 0xA3, 0xE8, 0x4A, 0xD8, 0x01],
                1252
            ),
            Ok(PropValue::Time(0x01D8_4AE8_A3DD_4000))
        );
        assert!(decode(0x0040, &[0x01, 0x02], 1252).is_err());
    }

    #[test]
    fn unknown_type_is_an_error() {
        assert!(decode(0x0008, &[0; 4], 1252).is_err());
    }
}

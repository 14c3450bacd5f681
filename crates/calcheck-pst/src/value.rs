//! Property values as the LTP layer stores them ([MS-PST] 2.3.3.3-2.3.3.5, [MS-OXCDATA] 2.11).
//!
//! Single values go through [`calcheck_format::props::decode_value`], so a property read from a
//! PST compares equal to the same property read from a .msg file. Multi-valued properties have a
//! PST-specific layout: fixed-size elements are packed; variable-size ones (strings, binaries)
//! start with a count and an offset table.

use calcheck_format::Reader;
use calcheck_format::props::{MvBase, PropType, PropValue, decode_value};

/// Decodes the bytes of one property value of type code `ty`.
///
/// Returns a lowercase reason when the bytes cannot be decoded.
pub fn decode(ty: u16, bytes: &[u8], codepage: u16) -> Result<PropValue, String> {
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
    fn unknown_type_is_an_error() {
        assert!(decode(0x0008, &[0; 4], 1252).is_err());
    }
}

//! Property values in the byte form the LTP layer stores them ([MS-PST] 2.3.3.3-2.3.3.4,
//! [MS-OXCDATA] 2.11): fixed-size values little-endian, strings without terminator,
//! multi-valued fixed-size values packed, multi-valued variable-size values as a count, an offset
//! table and the values back to back.

use calcheck_format::props::{MvBase, PropValue};

use crate::msg::Value;

/// The stored bytes of `value` for a property whose tag says type `type_code`.
///
/// [`Value::Raw`] bytes are stored as given, so a test can write any damage; a typed value is
/// encoded by its own type (a tag that disagrees with it is written as asked).
pub fn encode(value: &Value) -> Vec<u8> {
    match value {
        Value::Raw(b) => b.clone(),
        Value::Typed(v) => typed(v),
    }
}

fn typed(v: &PropValue) -> Vec<u8> {
    match v {
        PropValue::I16(x) => x.to_le_bytes().to_vec(),
        PropValue::I32(x) => x.to_le_bytes().to_vec(),
        PropValue::F32(x) => x.to_le_bytes().to_vec(),
        PropValue::F64(x) | PropValue::FloatingTime(x) => x.to_le_bytes().to_vec(),
        PropValue::Currency(x) | PropValue::I64(x) => x.to_le_bytes().to_vec(),
        PropValue::ErrorCode(x) => x.to_le_bytes().to_vec(),
        PropValue::Bool(b) => vec![u8::from(*b)],
        PropValue::Unicode(s) => s.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        PropValue::String8 { text, codepage } => {
            let enc = codepage::to_encoding(*codepage).unwrap_or(encoding_rs::WINDOWS_1252);
            enc.encode(text).0.into_owned()
        }
        PropValue::Time(t) => t.to_le_bytes().to_vec(),
        PropValue::Guid(g) => g.to_bytes_le().to_vec(),
        PropValue::Binary(b) | PropValue::Object(b) => b.clone(),
        PropValue::Multiple(base, items) => multiple(*base, items),
        _ => Vec::new(),
    }
}

fn multiple(base: MvBase, items: &[PropValue]) -> Vec<u8> {
    if let Some(size) = base.element().fixed_size() {
        let mut out = Vec::with_capacity(items.len() * size);
        for item in items {
            let mut b = typed(item);
            b.resize(size, 0);
            out.extend_from_slice(&b);
        }
        return out;
    }
    // ulCount, rgulDataOffsets[ulCount] (from the start of the value), then the values.
    let values: Vec<Vec<u8>> = items.iter().map(typed).collect();
    let mut out = Vec::new();
    out.extend_from_slice(&(values.len() as u32).to_le_bytes());
    let mut at = 4 + 4 * values.len();
    for v in &values {
        out.extend_from_slice(&(at as u32).to_le_bytes());
        at += v.len();
    }
    for v in values {
        out.extend_from_slice(&v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcheck_pst::value::decode;

    #[test]
    fn values_round_trip_through_the_reader_decoder() {
        for (ty, v) in [
            (0x0003, PropValue::I32(-7)),
            (0x0040, PropValue::Time(133_000_000_000_000_000)),
            (0x001F, PropValue::Unicode("Zoë".into())),
            (0x0102, PropValue::Binary(vec![1, 2, 3])),
            (
                0x101F,
                PropValue::Multiple(
                    MvBase::Unicode,
                    vec![
                        PropValue::Unicode("A".into()),
                        PropValue::Unicode("BC".into()),
                    ],
                ),
            ),
            (
                0x1003,
                PropValue::Multiple(
                    MvBase::Integer32,
                    vec![PropValue::I32(1), PropValue::I32(2)],
                ),
            ),
        ] {
            let bytes = encode(&Value::Typed(v.clone()));
            assert_eq!(decode(ty, &bytes, 1252).unwrap(), v);
        }
        // [MS-PST] 2.3.3.4.2: ulCount 2, offsets 12 and 14, then "A" and "BC" in UTF-16LE.
        let mv = encode(&Value::mv_unicode(&["A", "BC"]));
        assert_eq!(
            mv,
            [
                2, 0, 0, 0, 12, 0, 0, 0, 14, 0, 0, 0, b'A', 0, b'B', 0, b'C', 0
            ]
        );
    }
}

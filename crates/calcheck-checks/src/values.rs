//! Formatting property values for evidence, logs and CSV cells.

use calcheck_format::props::PropValue;
use calcheck_format::time;

/// How many bytes of a binary value evidence shows before eliding the rest.
const MAX_HEX_BYTES: usize = 64;

/// A value as a person reads it: times as UTC, binaries as hex (elided past 64 bytes).
pub fn format_value(v: &PropValue) -> String {
    match v {
        PropValue::Null => "(null)".to_owned(),
        PropValue::I16(x) => x.to_string(),
        PropValue::I32(x) => format!("{x} (0x{x:08X})"),
        PropValue::I64(x) => x.to_string(),
        PropValue::F32(x) => x.to_string(),
        PropValue::F64(x) | PropValue::FloatingTime(x) => x.to_string(),
        PropValue::Currency(x) => format!("{}.{:04}", x / 10_000, (x % 10_000).abs()),
        PropValue::ErrorCode(x) => format!("error 0x{x:08X}"),
        PropValue::Bool(b) => b.to_string(),
        PropValue::Unicode(s) | PropValue::String8 { text: s, .. } => format!("{s:?}"),
        PropValue::Time(ft) => time::format_filetime(*ft),
        PropValue::Guid(g) => g.to_string(),
        PropValue::Binary(b) | PropValue::Object(b) => format_hex(b),
        PropValue::Multiple(_, vs) => {
            let parts: Vec<String> = vs.iter().map(format_value).collect();
            format!("[{}]", parts.join(", "))
        }
        _ => format!("{v:?}"),
    }
}

/// Bytes as uppercase hex, elided past 64 bytes with the total length.
pub fn format_hex(b: &[u8]) -> String {
    let shown = b.get(..MAX_HEX_BYTES).unwrap_or(b);
    let hex = calcheck_model::item::hex_upper(shown);
    if b.len() > MAX_HEX_BYTES {
        format!("{hex}… ({} bytes)", b.len())
    } else {
        hex
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_value_times_and_binaries() {
        // FILETIME 0 is 1601-01-01 00:00 UTC, the KB 938650 "no response time" value.
        assert_eq!(format_value(&PropValue::Time(0)), "1601-01-01 00:00:00 UTC");
        assert_eq!(format_value(&PropValue::Binary(vec![0xDE, 0xAD])), "DEAD");
        assert!(format_value(&PropValue::Binary(vec![0; 100])).ends_with("(100 bytes)"));
    }
}

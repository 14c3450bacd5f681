//! Extended-property values in JSON: as Graph sends them (every value a string) and as native JSON.
//!
//! Graph's `singleValueLegacyExtendedProperty.value` is a string whatever the type: base64 for Binary,
//! ISO 8601 for SystemTime, decimal text for integers, `true`/`false` for Boolean; multi-valued
//! properties carry an array of such strings. calcheck also reads JSON numbers, booleans and arrays,
//! so a hand-written bag can say `"value": 3`. A SystemTime may also be a JSON number of FILETIME ticks,
//! which is how `calcheck dump` writes times that ISO 8601 cannot (after the year 9999).

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use calcheck_format::props::{CP_WINDOWS_1252, PropType, PropValue};
use calcheck_format::{Guid, time};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use serde_json::Value;

use super::id::parse_number;

/// Base64 as Graph and EWS write it, read leniently about padding and trailing bits.
pub(crate) const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes base64 text, ignoring the whitespace that wrapped SOAP and PowerShell output carries.
pub fn decode_base64(text: &str) -> Result<Vec<u8>, String> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    BASE64
        .decode(compact.as_bytes())
        .map_err(|e| format!("the value is not valid base64 ({e})"))
}

/// Parses an ISO 8601 time (Graph writes `2024-03-06T13:00:00Z` or with seven fractional digits; a
/// time without an offset is UTC) into FILETIME ticks.
pub fn parse_time(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let utc = DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").map(|n| n.and_utc()))
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").map(|n| n.and_utc()))
        .map_err(|_| format!("{t:?} is not an ISO 8601 time"))?;
    time::utc_to_filetime(utc).ok_or_else(|| format!("{t:?} is before 1601-01-01"))
}

/// Formats FILETIME ticks as ISO 8601 with all seven fractional digits, so the value reads back exactly;
/// `None` past the year 9999, which ISO 8601 cannot write with four digits.
pub fn format_time(ticks: u64) -> Option<String> {
    let dt = time::filetime_to_utc(ticks);
    if dt.year() > 9999 || dt == DateTime::<Utc>::MAX_UTC {
        return None;
    }
    Some(format!(
        "{}.{:07}Z",
        dt.format("%Y-%m-%dT%H:%M:%S"),
        ticks % time::TICKS_PER_SECOND
    ))
}

/// A JSON number or numeric string as an `i64` (decimal, or hex with `0x`).
fn integer(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_u64().map(|u| u as i64))
            .or_else(|| {
                // 3.0 is an integer written by a tool that only knows doubles.
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e18)
                    .map(|f| f as i64)
            }),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>()
                .ok()
                .or_else(|| t.parse::<u64>().ok().map(|u| u as i64))
                .or_else(|| parse_number(t).map(i64::from))
        }
        _ => None,
    }
}

/// A JSON number or numeric string as an `f64`.
fn float(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A JSON string, or the text a JSON scalar stands for.
fn text(v: &Value) -> Option<&str> {
    v.as_str()
}

/// Parses a value of type `ty`. `codepage` applies to PtypString8 (windows-1252 when not given).
pub fn parse_value(ty: PropType, v: &Value, codepage: Option<u16>) -> Result<PropValue, String> {
    if let PropType::Multiple(base) = ty {
        let Value::Array(items) = v else {
            return Err("a multi-valued property needs an array of values".to_owned());
        };
        let values = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                parse_value(base.element(), item, codepage).map_err(|e| format!("value {i}: {e}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(PropValue::Multiple(base, values));
    }
    let bad = |what: &str| format!("the value is not {what}: {v}");
    let int_in = |lo: i64, hi: i64, what: &str| {
        integer(v)
            .filter(|n| (lo..=hi).contains(n))
            .ok_or_else(|| bad(what))
    };
    Ok(match ty {
        PropType::Null | PropType::Unspecified => PropValue::Null,
        PropType::Integer16 => {
            // Unsigned spellings of negative values (65535) are common in tools that print words.
            let n = int_in(i64::from(i16::MIN), i64::from(u16::MAX), "a 16-bit integer")?;
            PropValue::I16(n as u16 as i16)
        }
        PropType::Integer32 => {
            let n = int_in(i64::from(i32::MIN), i64::from(u32::MAX), "a 32-bit integer")?;
            PropValue::I32(n as u32 as i32)
        }
        PropType::ErrorCode => {
            let n = int_in(i64::from(i32::MIN), i64::from(u32::MAX), "an error code")?;
            PropValue::ErrorCode(n as u32)
        }
        PropType::Integer64 => PropValue::I64(integer(v).ok_or_else(|| bad("an integer"))?),
        PropType::Currency => PropValue::Currency(integer(v).ok_or_else(|| bad("an integer"))?),
        PropType::Floating32 => PropValue::F32(float(v).ok_or_else(|| bad("a number"))? as f32),
        PropType::Floating64 => PropValue::F64(float(v).ok_or_else(|| bad("a number"))?),
        PropType::FloatingTime => PropValue::FloatingTime(float(v).ok_or_else(|| bad("a number"))?),
        PropType::Boolean => PropValue::Bool(match v {
            Value::Bool(b) => *b,
            Value::String(s) if s.trim().eq_ignore_ascii_case("true") => true,
            Value::String(s) if s.trim().eq_ignore_ascii_case("false") => false,
            other => match integer(other) {
                Some(0) => false,
                Some(1) => true,
                _ => return Err(bad("true or false")),
            },
        }),
        PropType::Time => PropValue::Time(match v {
            Value::String(s) => parse_time(s)?,
            Value::Number(n) => n.as_u64().ok_or_else(|| bad("FILETIME ticks"))?,
            _ => return Err(bad("an ISO 8601 time")),
        }),
        PropType::Unicode => PropValue::Unicode(text(v).ok_or_else(|| bad("a string"))?.into()),
        PropType::String8 => PropValue::String8 {
            text: text(v).ok_or_else(|| bad("a string"))?.into(),
            codepage: codepage.unwrap_or(CP_WINDOWS_1252),
        },
        PropType::Guid => {
            let s = text(v).ok_or_else(|| bad("a GUID"))?;
            PropValue::Guid(s.parse::<Guid>().map_err(|e| e.to_string())?)
        }
        PropType::Binary | PropType::ServerId | PropType::Restriction | PropType::RuleAction => {
            PropValue::Binary(decode_base64(
                text(v).ok_or_else(|| bad("a base64 string"))?,
            )?)
        }
        PropType::Object => PropValue::Object(decode_base64(
            text(v).ok_or_else(|| bad("a base64 string"))?,
        )?),
        PropType::Multiple(_) => return Err("nested multi-valued value".to_owned()),
        other => return Err(format!("values of type {} cannot be read", other.name())),
    })
}

/// Writes a value the way Graph does: a string (an array of strings when multi-valued); times past the
/// year 9999 as a number of FILETIME ticks.
pub fn format_value(v: &PropValue) -> Value {
    let s = |t: String| Value::String(t);
    match v {
        PropValue::Null => Value::Null,
        PropValue::I16(x) => s(x.to_string()),
        PropValue::I32(x) => s(x.to_string()),
        PropValue::I64(x) | PropValue::Currency(x) => s(x.to_string()),
        PropValue::F32(x) => s(x.to_string()),
        PropValue::F64(x) | PropValue::FloatingTime(x) => s(x.to_string()),
        PropValue::ErrorCode(x) => s(x.to_string()),
        PropValue::Bool(b) => s(b.to_string()),
        PropValue::Unicode(t) | PropValue::String8 { text: t, .. } => s(t.as_str().to_owned()),
        PropValue::Time(ft) => format_time(*ft).map_or_else(|| Value::from(*ft), s),
        PropValue::Guid(g) => s(g.to_string()),
        PropValue::Binary(b) | PropValue::Object(b) => s(BASE64.encode(b)),
        PropValue::Multiple(_, vs) => Value::Array(vs.iter().map(format_value).collect()),
        other => s(format!("{other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcheck_format::props::MvBase;
    use serde_json::json;

    #[test]
    fn graph_string_values_parse() {
        assert_eq!(
            parse_value(PropType::Integer32, &json!("-1"), None).unwrap(),
            PropValue::I32(-1)
        );
        assert_eq!(
            parse_value(PropType::Integer32, &json!("4294967295"), None).unwrap(),
            PropValue::I32(-1)
        );
        assert_eq!(
            parse_value(PropType::Boolean, &json!("True"), None).unwrap(),
            PropValue::Bool(true)
        );
        assert_eq!(
            parse_value(PropType::Binary, &json!("AQID"), None).unwrap(),
            PropValue::Binary(vec![1, 2, 3])
        );
        // FILETIME 0 is 1601-01-01 00:00 UTC ([MS-DTYP] 2.3.3).
        assert_eq!(
            parse_value(PropType::Time, &json!("1601-01-01T00:00:00Z"), None).unwrap(),
            PropValue::Time(0)
        );
        // 2024-03-06 13:00 UTC is 13354203600 s after 1601-01-01 (Python datetime difference).
        assert_eq!(
            parse_value(PropType::Time, &json!("2024-03-06T13:00:00.0000000"), None).unwrap(),
            PropValue::Time(133_542_036_000_000_000)
        );
    }

    #[test]
    fn native_json_values_parse() {
        assert_eq!(
            parse_value(PropType::Integer32, &json!(3), None).unwrap(),
            PropValue::I32(3)
        );
        assert_eq!(
            parse_value(PropType::Boolean, &json!(false), None).unwrap(),
            PropValue::Bool(false)
        );
        assert_eq!(
            parse_value(
                PropType::Multiple(MvBase::Integer32),
                &json!([1, "2"]),
                None
            )
            .unwrap(),
            PropValue::Multiple(
                MvBase::Integer32,
                vec![PropValue::I32(1), PropValue::I32(2)]
            )
        );
    }

    #[test]
    fn bad_values_are_errors() {
        for (ty, v) in [
            (PropType::Integer32, json!("x")),
            (PropType::Integer16, json!(70000)),
            (PropType::Binary, json!("@@@")),
            (PropType::Time, json!("yesterday")),
            (PropType::Time, json!("0001-01-01T00:00:00Z")),
            (PropType::Multiple(MvBase::Unicode), json!("a")),
            (PropType::Boolean, json!("maybe")),
        ] {
            assert!(parse_value(ty, &v, None).is_err(), "{ty:?} {v}");
        }
    }

    #[test]
    fn formatted_values_read_back_exactly() {
        for (ty, v) in [
            (PropType::Time, PropValue::Time(133_541_892_001_234_567)),
            (PropType::Time, PropValue::Time(u64::MAX)),
            (PropType::Floating32, PropValue::F32(0.1)),
            (PropType::Floating64, PropValue::F64(-1.0e-300)),
            (PropType::Integer16, PropValue::I16(-5)),
            (PropType::Binary, PropValue::Binary(vec![0, 255, 7])),
        ] {
            assert_eq!(parse_value(ty, &format_value(&v), None).unwrap(), v);
        }
    }
}

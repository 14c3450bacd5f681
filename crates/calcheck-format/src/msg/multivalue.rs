//! Multi-valued property streams of a .msg file ([MS-OXMSG] 2.1.4).
//!
//! A fixed-size multi-valued property (PtypMultipleInteger32, PtypMultipleTime, PtypMultipleGuid, …)
//! keeps its values packed in one `__substg1.0_XXXXYYYY` stream. A variable-size one
//! (PtypMultipleString, PtypMultipleString8, PtypMultipleBinary) has a length stream
//! `__substg1.0_XXXXYYYY` — 4 bytes per value for strings, 8 bytes {length, reserved} per value for
//! binaries — and one value stream `__substg1.0_XXXXYYYY-ZZZZZZZZ` per value.

use crate::error::{Error, Result};
use crate::props::{MvBase, PropValue, decode_value};
use crate::reader::Reader;

/// Splits the stream of a fixed-size multi-valued property into its element slices.
///
/// Fails when `base` is not a fixed-size type, or when the stream ends inside an element.
pub fn split_fixed_multivalue(base: MvBase, data: &[u8]) -> Result<Vec<&[u8]>> {
    let size = fixed_element_size(base)?;
    let mut r = Reader::new(data, "FixedMultiValueStream");
    let mut out = Vec::with_capacity(data.len() / size);
    while !r.is_empty() {
        out.push(r.bytes(size, "Value")?);
    }
    Ok(out)
}

/// Decodes the stream of a fixed-size multi-valued property into a [`PropValue::Multiple`].
pub fn decode_fixed_multivalue(base: MvBase, data: &[u8]) -> Result<PropValue> {
    let elem = base.element();
    let values = split_fixed_multivalue(base, data)?
        .into_iter()
        .map(|bytes| decode_value(elem, bytes, 0))
        .collect::<Result<Vec<_>>>()?;
    Ok(PropValue::Multiple(base, values))
}

/// Reads the length stream of a variable-size multi-valued property: one length per value.
///
/// Strings have 4-byte entries; binaries have 8-byte entries whose first 4 bytes are the length.
/// Fails when `base` is not a variable-size type, or when the stream ends inside an entry.
pub fn parse_multivalue_lengths(base: MvBase, data: &[u8]) -> Result<Vec<u32>> {
    let entry = match base {
        MvBase::String8 | MvBase::Unicode => 4,
        MvBase::Binary => 8,
        _ => return Err(not_variable(base)),
    };
    let mut r = Reader::new(data, "MultiValueLengthStream");
    let mut out = Vec::with_capacity(data.len() / entry);
    while !r.is_empty() {
        out.push(r.u32("Length")?);
        if entry == 8 {
            r.skip(4, "Reserved")?;
        }
    }
    Ok(out)
}

/// Decodes the value streams of a variable-size multi-valued property, in index order.
///
/// Strings are decoded as UTF-16LE (PtypMultipleString) or in `codepage` (PtypMultipleString8),
/// with their terminators dropped; binaries are kept as they are.
pub fn decode_variable_multivalue(
    base: MvBase,
    values: &[&[u8]],
    codepage: u16,
) -> Result<PropValue> {
    if !matches!(base, MvBase::String8 | MvBase::Unicode | MvBase::Binary) {
        return Err(not_variable(base));
    }
    let elem = base.element();
    let decoded = values
        .iter()
        .map(|bytes| decode_value(elem, bytes, codepage))
        .collect::<Result<Vec<_>>>()?;
    Ok(PropValue::Multiple(base, decoded))
}

fn fixed_element_size(base: MvBase) -> Result<usize> {
    base.element()
        .fixed_size()
        .filter(|n| *n > 0)
        .ok_or(Error::BadValue {
            structure: "FixedMultiValueStream",
            field: "PropertyType",
            offset: 0,
            value: u64::from(base.element().code()),
        })
}

fn not_variable(base: MvBase) -> Error {
    Error::BadValue {
        structure: "MultiValueLengthStream",
        field: "PropertyType",
        offset: 0,
        value: u64::from(base.element().code() | crate::props::MV_FLAG),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_multivalue_integer32_and_time() {
        // PidLidNonSendToTrackStatus-like PtypMultipleInteger32: {3, 4}.
        let data = [3, 0, 0, 0, 4, 0, 0, 0];
        assert_eq!(
            decode_fixed_multivalue(MvBase::Integer32, &data).unwrap(),
            PropValue::Multiple(
                MvBase::Integer32,
                vec![PropValue::I32(3), PropValue::I32(4)]
            )
        );
        let t = 0x01D9_2631_F59B_7800u64.to_le_bytes();
        assert_eq!(
            decode_fixed_multivalue(MvBase::Time, &t).unwrap(),
            PropValue::Multiple(MvBase::Time, vec![PropValue::Time(0x01D9_2631_F59B_7800)])
        );
        assert_eq!(
            decode_fixed_multivalue(MvBase::Integer32, &[]).unwrap(),
            PropValue::Multiple(MvBase::Integer32, vec![])
        );
    }

    #[test]
    fn fixed_multivalue_partial_element_is_an_error() {
        let err = split_fixed_multivalue(MvBase::Integer32, &[1, 0, 0, 0, 2, 0]).unwrap_err();
        assert!(matches!(
            err,
            Error::Truncated {
                offset: 4,
                needed: 4,
                available: 2,
                ..
            }
        ));
        // A variable-size base has no fixed element size.
        assert!(split_fixed_multivalue(MvBase::Unicode, &[0; 4]).is_err());
    }

    #[test]
    fn multivalue_lengths_strings_and_binaries() {
        assert_eq!(
            parse_multivalue_lengths(MvBase::Unicode, &[6, 0, 0, 0, 2, 0, 0, 0]).unwrap(),
            vec![6, 2]
        );
        // Binary entries are {length, reserved}.
        assert_eq!(
            parse_multivalue_lengths(MvBase::Binary, &[3, 0, 0, 0, 0xAA, 0xBB, 0, 0]).unwrap(),
            vec![3]
        );
        assert!(parse_multivalue_lengths(MvBase::Binary, &[3, 0, 0, 0]).is_err());
        assert!(parse_multivalue_lengths(MvBase::Integer32, &[]).is_err());
    }

    #[test]
    fn variable_multivalue_strings_drop_terminators() {
        let a = [b'a', 0, b'b', 0, 0, 0];
        let b = [b'c', 0, 0, 0];
        assert_eq!(
            decode_variable_multivalue(MvBase::Unicode, &[&a, &b], 0).unwrap(),
            PropValue::Multiple(
                MvBase::Unicode,
                vec![
                    PropValue::Unicode("ab".into()),
                    PropValue::Unicode("c".into())
                ]
            )
        );
        let s8 = [0xE9, 0];
        let v = decode_variable_multivalue(MvBase::String8, &[&s8], 1252).unwrap();
        let PropValue::Multiple(_, items) = v else {
            unreachable!("multi-valued")
        };
        assert_eq!(items[0].as_str(), Some("é"));
        assert!(decode_variable_multivalue(MvBase::Time, &[], 0).is_err());
    }
}

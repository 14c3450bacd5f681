//! Property tests: the TZDEFINITION, TZREG and GlobalObjectId encoders and decoders are inverses.
//!
//! For random values whose layout is self-consistent (flags agree with the optional fields, counts with
//! the vectors, `cbRule` with the extension), `decode(encode(x)) == x`. For arbitrary bytes that decode,
//! `encode(decode(bytes)) == bytes`: the decoders keep every stored byte.

use calcheck_format::Guid;
use calcheck_format::goid::{GlobalObjectId, decode_global_object_id, encode_global_object_id};
use calcheck_format::tzdef::{
    SystemTime, TZDEFINITION_FLAG_VALID_GUID, TZDEFINITION_FLAG_VALID_KEYNAME, TZRULE_SIZE,
    TzDefinition, TzRule, decode_tz_definition, encode_tz_definition,
};
use calcheck_format::tzreg::{TzReg, decode_tzreg, encode_tzreg};
use proptest::collection::vec;
use proptest::prelude::*;

fn systemtime() -> impl Strategy<Value = SystemTime> {
    proptest::array::uniform8(any::<u16>()).prop_map(|w| SystemTime {
        w_year: w[0],
        w_month: w[1],
        w_day_of_week: w[2],
        w_day: w[3],
        w_hour: w[4],
        w_minute: w[5],
        w_second: w[6],
        w_milliseconds: w[7],
    })
}

/// A rule whose `cb_rule` and `extension` agree: either 0x3E plus the extension, or any shorter value
/// with no extension.
fn rule() -> impl Strategy<Value = TzRule> {
    let sizes = prop_oneof![
        vec(any::<u8>(), 0..8)
            .prop_map(|ext| (TZRULE_SIZE + u16::try_from(ext.len()).unwrap(), ext)),
        (0..TZRULE_SIZE).prop_map(|cb| (cb, Vec::new())),
    ];
    (
        (any::<u8>(), any::<u8>(), sizes, any::<u16>()),
        (systemtime(), any::<i32>(), any::<i32>(), any::<i32>()),
        (systemtime(), systemtime()),
    )
        .prop_map(
            |(
                (major_version, minor_version, (cb_rule, extension), flags),
                (st_start, l_bias, l_standard_bias, l_daylight_bias),
                (st_standard_date, st_daylight_date),
            )| TzRule {
                major_version,
                minor_version,
                cb_rule,
                flags,
                st_start,
                l_bias,
                l_standard_bias,
                l_daylight_bias,
                st_standard_date,
                st_daylight_date,
                extension,
            },
        )
}

fn definition() -> impl Strategy<Value = TzDefinition> {
    (
        (any::<u8>(), any::<u16>(), any::<u16>()),
        proptest::option::of(any::<[u8; 16]>()),
        proptest::option::of(".{0,12}"),
        vec(rule(), 0..4),
        vec(any::<u8>(), 0..8),
    )
        .prop_map(
            |((minor_version, cb_header, extra_flags), guid, key_name, rules, trailing)| {
                let mut flags = extra_flags & !0x0003;
                if guid.is_some() {
                    flags |= TZDEFINITION_FLAG_VALID_GUID;
                }
                if key_name.is_some() {
                    flags |= TZDEFINITION_FLAG_VALID_KEYNAME;
                }
                TzDefinition {
                    major_version: 2,
                    minor_version,
                    cb_header,
                    flags,
                    guid: guid.map(Guid::from_bytes_le),
                    cch_key_name: key_name
                        .as_ref()
                        .map(|k: &String| u16::try_from(k.encode_utf16().count()).unwrap()),
                    key_name,
                    c_rules: u16::try_from(rules.len()).unwrap(),
                    rules,
                    trailing,
                }
            },
        )
}

fn tzreg() -> impl Strategy<Value = TzReg> {
    (
        (any::<i32>(), any::<i32>(), any::<i32>()),
        (any::<u16>(), systemtime(), any::<u16>(), systemtime()),
        vec(any::<u8>(), 0..8),
    )
        .prop_map(
            |(
                (l_bias, l_standard_bias, l_daylight_bias),
                (w_standard_year, st_standard_date, w_daylight_year, st_daylight_date),
                trailing,
            )| TzReg {
                l_bias,
                l_standard_bias,
                l_daylight_bias,
                w_standard_year,
                st_standard_date,
                w_daylight_year,
                st_daylight_date,
                trailing,
            },
        )
}

/// An id whose Size agrees with what a decoder can see: Size = Data length with any trailing bytes, or a
/// Size larger than the Data that is there and nothing after it.
fn goid() -> impl Strategy<Value = GlobalObjectId> {
    let body = prop_oneof![
        (vec(any::<u8>(), 0..24), vec(any::<u8>(), 0..6)).prop_map(|(data, trailing)| (
            u32::try_from(data.len()).unwrap(),
            data,
            trailing
        )),
        (vec(any::<u8>(), 0..24), 1u32..=u32::MAX).prop_map(|(data, extra)| {
            let size = u32::try_from(data.len()).unwrap().saturating_add(extra);
            (size, data, Vec::new())
        }),
    ];
    (
        (any::<[u8; 16]>(), any::<u16>(), any::<u8>(), any::<u8>()),
        (any::<u64>(), any::<[u8; 8]>()),
        body,
    )
        .prop_map(
            |((class_id, year, month, day), (creation_time, x), (size, data, trailing))| {
                GlobalObjectId {
                    class_id,
                    year,
                    month,
                    day,
                    creation_time,
                    x,
                    size,
                    data,
                    trailing,
                }
            },
        )
}

proptest! {
    #[test]
    fn tzdef_decode_encode_round_trip(def in definition()) {
        let bytes = encode_tz_definition(&def);
        let decoded = decode_tz_definition(&bytes).unwrap();
        prop_assert_eq!(decoded.value, def);
    }

    #[test]
    fn tzreg_decode_encode_round_trip(reg in tzreg()) {
        let bytes = encode_tzreg(&reg);
        let decoded = decode_tzreg(&bytes).unwrap();
        prop_assert_eq!(decoded.value, reg);
    }

    #[test]
    fn goid_decode_encode_round_trip(id in goid()) {
        let bytes = encode_global_object_id(&id);
        let decoded = decode_global_object_id(&bytes).unwrap();
        prop_assert_eq!(decoded.value, id);
    }

    #[test]
    fn tzdef_arbitrary_bytes_re_encode_exactly(mut bytes in vec(any::<u8>(), 0..300)) {
        // Steer half the inputs past the version check so the rest of the decoder is exercised.
        if bytes.len() > 1 && bytes[0] % 2 == 0 {
            bytes[0] = 2;
        }
        if let Ok(d) = decode_tz_definition(&bytes) {
            // Only unpaired UTF-16 surrogates in the key name are not kept byte for byte.
            if !d.value.key_name.as_deref().unwrap_or("").contains('\u{FFFD}') {
                prop_assert_eq!(encode_tz_definition(&d.value), bytes);
            }
        }
    }

    #[test]
    fn tzreg_arbitrary_bytes_re_encode_exactly(bytes in vec(any::<u8>(), 0..64)) {
        if let Ok(d) = decode_tzreg(&bytes) {
            prop_assert_eq!(encode_tzreg(&d.value), bytes);
        }
    }

    #[test]
    fn goid_arbitrary_bytes_re_encode_exactly(bytes in vec(any::<u8>(), 0..80)) {
        if let Ok(d) = decode_global_object_id(&bytes) {
            prop_assert_eq!(encode_global_object_id(&d.value), bytes);
        }
    }
}

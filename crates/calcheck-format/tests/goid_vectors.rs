//! GlobalObjectId decoder against the published test vectors ([MS-OXOCAL] 2.2.1.27/28, [MS-OXCICAL] UID).
//!
//! One test per vector in `shared/vectors/global_object_id/`. Expected values come from what each source
//! states (MFCMAPI's SmartView text, the opush/Zimbra/hermEX assertions), never from the derived
//! "Cross-check" sections. The msgreader `.msg` fixtures are checked through the blobs extracted once
//! into `testdata/blobs/goid/msgreader/`.

use std::path::PathBuf;

use calcheck_format::goid::{
    GOID_CLASS_ID, GlobalObjectId, decode_global_object_id, encode_global_object_id,
};
use calcheck_format::{Decoded, DiagKind, DiagSeverity, Error};
use chrono::NaiveDate;
use serde_json::Value;

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/vectors")
}

fn blobs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/blobs")
}

fn hex_to_bytes(text: &str) -> Vec<u8> {
    calcheck_format::hex::decode_hex(text).unwrap()
}

fn upper_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02X}");
        s
    })
}

/// The blob bytes, its hex text as stored, and the expected-values file.
fn vector(name: &str) -> (Vec<u8>, String, String) {
    let dir = vectors().join("global_object_id");
    let hex = std::fs::read_to_string(dir.join(format!("{name}.hex"))).unwrap();
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.txt"))).unwrap();
    (hex_to_bytes(&hex), hex.trim().to_owned(), expected)
}

fn decode_vector(name: &str) -> (Decoded<GlobalObjectId>, Vec<u8>, String, String) {
    let (bytes, hex, expected) = vector(name);
    let d = decode_global_object_id(&bytes).unwrap();
    assert_eq!(
        encode_global_object_id(&d.value),
        bytes,
        "{name}: re-encode"
    );
    (d, bytes, hex, expected)
}

fn kinds(d: &Decoded<GlobalObjectId>) -> Vec<(DiagKind, DiagSeverity)> {
    d.diagnostics.iter().map(|x| (x.kind, x.severity)).collect()
}

fn no_errors(d: &Decoded<GlobalObjectId>, name: &str) {
    assert!(
        d.worst() < Some(DiagSeverity::Error),
        "{name}: {:?}",
        d.diagnostics
    );
}

/// The hex text with the four instance-date bytes (hex digits 32..40) replaced by zeros, which is what the
/// sources call the "clean form" or "same bytes with YH/YL/M/D zeroed".
fn zero_date_digits(hex: &str) -> String {
    format!("{}00000000{}", &hex[..32], &hex[40..])
}

/// Every "name = value" / "name: value" line of MFCMAPI's SmartView text, with the `cb:`/`lpb:` lines
/// attached to the line above them, as (name, value text) pairs.
fn smartview(expected: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut parent = String::new();
    for line in expected.lines().skip_while(|l| l.starts_with('#')).skip(2) {
        if line.starts_with("## ") {
            break;
        }
        let body = line.trim();
        if body.is_empty() {
            continue;
        }
        if let Some(rest) = body.strip_prefix("cb: ") {
            let (cb, lpb) = rest.split_once(" lpb: ").unwrap();
            out.push((format!("{parent}.cb"), cb.to_owned()));
            out.push((format!("{parent}.lpb"), lpb.to_owned()));
            continue;
        }
        // "Year: 0x07DB = 2011" and "Byte Array ID = s_rgbSPlus": the first separator ends the name.
        let sep = [" = ", ": "]
            .into_iter()
            .filter_map(|p| body.find(p).map(|i| (i, p)))
            .min();
        let (name, value) = sep.map_or((body, ""), |(i, p)| (&body[..i], &body[i + p.len()..]));
        name.clone_into(&mut parent);
        out.push((name.to_owned(), value.to_owned()));
    }
    out
}

/// The leading number of a SmartView value: `0x07DB = 2011` → 0x07DB, `0xHI:0xLO ...` → one `u64`.
fn leading_number(value: &str) -> u64 {
    let first = value.split_whitespace().next().unwrap();
    let hex = |s: &str| u64::from_str_radix(s.strip_prefix("0x").unwrap(), 16).unwrap();
    match first.split_once(':') {
        Some((hi, lo)) => (hex(hi) << 32) | hex(lo),
        None => hex(first),
    }
}

/// Checks a decoded id against every line of MFCMAPI's SmartView output.
fn assert_smartview(name: &str, id: &GlobalObjectId, expected: &str) {
    let lines = smartview(expected);
    assert_eq!(lines.len(), 12, "{name}: {lines:?}");
    for (field, value) in &lines {
        match field.as_str() {
            // MFCMAPI names the fixed class id s_rgbSPlus.
            "Byte Array ID" => {
                assert_eq!(value, "s_rgbSPlus");
                assert_eq!(id.class_id, GOID_CLASS_ID);
            }
            "Byte Array ID.cb" => assert_eq!(value, "16"),
            "Byte Array ID.lpb" => assert_eq!(*value, upper_hex(&id.class_id)),
            "Year" => assert_eq!(leading_number(value), u64::from(id.year), "{name}"),
            "Month" => assert_eq!(leading_number(value), u64::from(id.month), "{name}"),
            "Day" => assert_eq!(leading_number(value), u64::from(id.day), "{name}"),
            "Creation Time" => {
                assert_eq!(leading_number(value), id.creation_time, "{name}");
                // The part after the FILETIME is MFCMAPI's rendering of it in UTC.
                let shown = value.split_once(" = ").unwrap().1;
                let ours = id
                    .creation_time_utc()
                    .format("%I:%M:%S%.3f %p %-m/%-d/%Y")
                    .to_string();
                assert_eq!(shown, ours, "{name}");
            }
            // X is printed as two DWORDs "0xHI:0xLO"; it is all zero in both MFCMAPI vectors.
            "X" => assert_eq!(leading_number(value), u64::from_le_bytes(id.x), "{name}"),
            "Size" => assert_eq!(leading_number(value), u64::from(id.size), "{name}"),
            "Data" => assert_eq!(value, ""),
            "Data.cb" => assert_eq!(value.parse::<usize>().unwrap(), id.data.len()),
            "Data.lpb" => assert_eq!(*value, upper_hex(&id.data)),
            other => panic!("{name}: unexpected SmartView line {other}"),
        }
    }
}

#[test]
fn goid_mfcmapi_1_no_instance() {
    let name = "mfcmapi-GLOBALOBJECTID-1";
    let (d, _, hex, expected) = decode_vector(name);
    assert_smartview(name, &d.value, &expected);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    assert!(!d.value.is_instance());
    assert_eq!(d.value.ical_uid(), hex);
}

#[test]
fn goid_mfcmapi_2_instance_2011_01_18() {
    let name = "mfcmapi-GLOBALOBJECTID-2";
    let (d, _, hex, expected) = decode_vector(name);
    assert_smartview(name, &d.value, &expected);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    // MFCMAPI prints Year 2011, Month January, Day 18.
    assert_eq!(
        d.value.instance_date(),
        NaiveDate::from_ymd_opt(2011, 1, 18)
    );
    assert!(d.value.is_instance());
    assert_eq!(upper_hex(&d.value.clean()), zero_date_digits(&hex));
}

#[test]
fn goid_opush_decompress1_random_x() {
    let name = "opush-testDecompress1";
    let (d, _, _, _) = decode_vector(name);
    // opush asserts getUid() == this hex (no instance date).
    assert_eq!(
        d.value.ical_uid(),
        "040000008200E00074C5B7101A82E008000000006DBB15E46333549A5D48E37D6E66ED3B1000000088E298BE26F88187D35441F639991034"
    );
    assert!(!d.value.is_instance());
    // CreationTime and X hold random bytes: X is reported, only as information.
    assert_eq!(
        kinds(&d),
        vec![(DiagKind::NonZeroReserved, DiagSeverity::Info)]
    );
    no_errors(&d, name);
}

#[test]
fn goid_opush_decompress2_vcal_uid() {
    let name = "opush-testDecompress2-vcal-uid";
    let (d, _, _, _) = decode_vector(name);
    let id = &d.value;
    // opush asserts getUid() == "3762653734646564", the hex of the ASCII UID "7be74ded".
    let uid = id.vcal_uid().unwrap();
    assert_eq!(upper_hex(uid.as_bytes()), "3762653734646564");
    assert_eq!(uid, "7be74ded");
    // [MS-OXCICAL] exports the embedded UID itself; opush's hex form is its own convention.
    assert_eq!(id.ical_uid(), "7be74ded");
    // Instance date bytes 07DA 0A 17 = 2010-10-23.
    assert_eq!(id.instance_date(), NaiveDate::from_ymd_opt(2010, 10, 23));
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

/// opush vectors 3–5: the UID is the clean form and the recurrence id's date is the instance date.
fn opush_instance(name: &str, date: NaiveDate, uid: Option<&str>) {
    let (d, _, hex, _) = decode_vector(name);
    let id = &d.value;
    assert_eq!(
        id.ical_uid(),
        uid.map_or_else(|| zero_date_digits(&hex), str::to_owned),
        "{name}"
    );
    assert_eq!(id.instance_date(), Some(date), "{name}");
    assert!(id.is_instance());
    assert_eq!(
        kinds(&d),
        vec![(DiagKind::NonZeroReserved, DiagSeverity::Info)],
        "{name}"
    );
    no_errors(&d, name);
}

#[test]
fn goid_opush_decompress3_instance_2010_10_13() {
    // getUid() as asserted; getRecurrenceId() is "Wed Oct 13 12:00:00 CEST 2010".
    opush_instance(
        "opush-testDecompress3-instance-2010-10-13",
        NaiveDate::from_ymd_opt(2010, 10, 13).unwrap(),
        Some(
            "040000008200E00074C5B7101A82E008000000006DBB15E46333549A5D48E37D6E66ED3B10000000EB7523FA41CE256CF911970CF605B651",
        ),
    );
}

#[test]
fn goid_opush_decompress4_instance_2010_10_11() {
    // getUid() == the clean form; getRecurrenceId() is "Mon Oct 11 15:00:00 CEST 2010".
    opush_instance(
        "opush-testDecompress4-instance-2010-10-11",
        NaiveDate::from_ymd_opt(2010, 10, 11).unwrap(),
        None,
    );
}

#[test]
fn goid_opush_decompress5_instance_2010_10_26() {
    // getUid() == the clean form; getRecurrenceId() is "Tue Oct 26 12:00:00 CEST 2010".
    opush_instance(
        "opush-testDecompress5-instance-2010-10-26",
        NaiveDate::from_ymd_opt(2010, 10, 26).unwrap(),
        None,
    );
}

#[test]
fn goid_opush_raw_bytes_not_a_goid_is_an_error() {
    let (bytes, _, _) = vector("opush-testDecompressRawBytes-not-a-goid");
    assert_eq!(bytes, [0xCC, 0x55, 0x66, 0x77]);
    let err = decode_global_object_id(&bytes).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Truncated {
                structure: "GlobalObjectId",
                offset: 0,
                needed: 16,
                available: 4,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn goid_oxcical_cancel_instance_clean_uid() {
    let name = "oxcical-cancel-instance-clean-uid";
    let (d, bytes, hex, _) = decode_vector(name);
    // The exported UID is the uppercase hex of these bytes, and they are already clean.
    assert_eq!(d.value.ical_uid(), hex);
    assert_eq!(d.value.clean(), bytes);
    assert!(!d.value.is_instance());
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

#[test]
fn goid_oxcical_cancel_instance_goid_2008_05_28() {
    let name = "oxcical-cancel-instance-goid-2008-05-28";
    let (d, _, _, _) = decode_vector(name);
    let exported = "040000008200E00074C5B7101A82E008000000003046642B576AC801000000000000000010000000622C639E40D09342B747A1672730CBBA";
    // YH/YL/M/D = 07 D8 05 1C = 2008-05-28; the UID Outlook exports is the same bytes with them zeroed.
    assert_eq!(
        d.value.instance_date(),
        NaiveDate::from_ymd_opt(2008, 5, 28)
    );
    assert_eq!(d.value.ical_uid(), exported);
    assert_eq!(upper_hex(&d.value.clean()), exported);
    // It is the clean form of the vector above.
    let (clean, _, _) = vector("oxcical-cancel-instance-clean-uid");
    assert_eq!(d.value.clean(), clean);
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

#[test]
fn goid_zimbra_outlook_goid_no_instance() {
    let name = "zimbra-outlook-goid-no-instance";
    let (d, _, hex, _) = decode_vector(name);
    // uid == the same uppercase hex string; isException() == false.
    assert_eq!(d.value.ical_uid(), hex);
    assert!(!d.value.is_instance());
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
}

/// Standard base64 without line breaks, for the Zimbra assertion.
fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = u32::try_from(ALPHABET.iter().position(|&a| a == c).unwrap()).unwrap();
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xFF).unwrap());
        }
    }
    out
}

#[test]
fn goid_zimbra_vcal_uid_exception_2006_10_03() {
    let name = "zimbra-vcal-uid-exception-2006-10-03";
    let (d, bytes, _, _) = decode_vector(name);
    let id = &d.value;
    // uid == "foobar123@abc.com"; isException() == true; the recurrence id is on 2006-10-03.
    assert_eq!(id.vcal_uid(), Some("foobar123@abc.com"));
    assert_eq!(id.ical_uid(), "foobar123@abc.com");
    assert!(id.is_instance());
    assert_eq!(id.instance_date(), NaiveDate::from_ymd_opt(2006, 10, 3));
    assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
    // uidToGlobalObjId("foobar123@abc.com", 2006-10-03) gives this base64, i.e. exactly these bytes; our
    // encoder builds the same id from the same inputs.
    let zimbra = base64_decode(
        "BAAAAIIA4AB0xbcQGoLgCAfWCgMAAAAAAAAAAAAAAAAAAAAAHgAAAHZDYWwtVWlkAQAAAGZvb2JhcjEyM0BhYmMuY29tAA==",
    );
    assert_eq!(zimbra, bytes);
    let mut data = b"vCal-Uid\x01\x00\x00\x00".to_vec();
    data.extend_from_slice(b"foobar123@abc.com\0");
    let ours = GlobalObjectId::new(NaiveDate::from_ymd_opt(2006, 10, 3), 0, data);
    assert_eq!(encode_global_object_id(&ours), zimbra);
}

#[test]
fn msgreader_msg_global_object_ids_match_expected_json() {
    let dir = vectors().join("msg/msgreader");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let Some(slug) = file.strip_suffix(".expected.json") else {
            continue;
        };
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let want = json["globalAppointmentID"].as_str().unwrap();
        let goid_path = blobs().join(format!("goid/msgreader/{slug}-globalobjectid.bin"));
        let goid = std::fs::read(goid_path).unwrap();
        let d = decode_global_object_id(&goid).unwrap();
        // msgreader's globalAppointmentID is PidLidGlobalObjectId as uppercase hex.
        assert_eq!(
            upper_hex(&encode_global_object_id(&d.value)),
            want,
            "{slug}"
        );
        assert_eq!(upper_hex(&goid), want, "{slug}");
        assert!(d.diagnostics.is_empty(), "{slug}: {:?}", d.diagnostics);
        // These are series masters and single items: no instance date, so the clean id is identical.
        assert!(!d.value.is_instance(), "{slug}");
        let clean_path = blobs().join(format!("goid/msgreader/{slug}-cleanglobalobjectid.bin"));
        let clean = std::fs::read(clean_path).unwrap();
        assert_eq!(d.value.clean(), clean, "{slug}");
        let dc = decode_global_object_id(&clean).unwrap();
        assert!(dc.diagnostics.is_empty(), "{slug}: {:?}", dc.diagnostics);
        n += 1;
    }
    assert_eq!(n, 13);
}

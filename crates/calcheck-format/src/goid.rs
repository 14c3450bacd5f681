//! GlobalObjectId, the meeting identifier of PidLidGlobalObjectId and PidLidCleanGlobalObjectId
//! ([MS-OXOCAL] 2.2.1.27 and 2.2.1.28; iCalendar UID mapping in [MS-OXCICAL] 2.1.3.1.1.20.26).
//!
//! Layout: a fixed 16-byte class id, the instance date (year big-endian, month, day; all zero on a series
//! or single meeting), a creation FILETIME, 8 reserved bytes, a `u32` Size and Size bytes of Data.
//! The clean form has the instance date zeroed and is shared by a series and all its instances.
//! Ids that came from iCalendar carry the foreign UID in Data behind a "vCal-Uid" marker.

use chrono::{DateTime, NaiveDate, Utc};

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostic, Diagnostics};
use crate::error::Result;
use crate::reader::Reader;
use crate::time::filetime_to_utc;

/// The "Byte Array ID" every GlobalObjectId starts with ([MS-OXOCAL] 2.2.1.27).
pub const GOID_CLASS_ID: [u8; 16] = [
    0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00, 0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08,
];

/// Bytes before Data: class id 16, instance date 4, CreationTime 8, X 8, Size 4.
pub const GOID_HEADER_SIZE: usize = 40;

/// Marker at the start of Data for a UID imported from iCalendar.
pub const VCAL_UID_MARKER: &[u8; 8] = b"vCal-Uid";

/// The version word that follows [`VCAL_UID_MARKER`] (`01 00 00 00`).
pub const VCAL_UID_VERSION: [u8; 4] = [0x01, 0x00, 0x00, 0x00];

const GOID: &str = "GlobalObjectId";

/// A decoded GlobalObjectId ([MS-OXOCAL] 2.2.1.27).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GlobalObjectId {
    /// "Byte Array ID": must be [`GOID_CLASS_ID`].
    pub class_id: [u8; 16],
    /// YH and YL: the instance year, stored big-endian; 0 when the id is not for one instance.
    pub year: u16,
    /// M: the instance month 1..=12, or 0.
    pub month: u8,
    /// D: the instance day 1..=31, or 0.
    pub day: u8,
    /// "Creation Time": FILETIME (UTC) when the id was made; random or 0 in some third-party ids.
    pub creation_time: u64,
    /// X: reserved, "MUST be all zeros"; third-party ids carry random bytes here.
    pub x: [u8; 8],
    /// Size as stored (the length Data should have).
    pub size: u32,
    /// Data: the bytes Size covers, or every remaining byte when Size claims more than there is.
    pub data: Vec<u8>,
    /// Bytes after the Size bytes of Data.
    pub trailing: Vec<u8>,
}

impl GlobalObjectId {
    /// A spec-conformant id with the given instance date, creation time and Data (Size = Data length).
    ///
    /// Years above `u16::MAX` and Data longer than `u32::MAX` are capped; build the struct directly for
    /// deliberately broken ids.
    pub fn new(instance_date: Option<NaiveDate>, creation_time: u64, data: Vec<u8>) -> Self {
        use chrono::Datelike;
        let (year, month, day) = instance_date.map_or((0, 0, 0), |d| {
            (
                u16::try_from(d.year()).unwrap_or(0),
                u8::try_from(d.month()).unwrap_or(0),
                u8::try_from(d.day()).unwrap_or(0),
            )
        });
        GlobalObjectId {
            class_id: GOID_CLASS_ID,
            year,
            month,
            day,
            creation_time,
            x: [0; 8],
            size: u32::try_from(data.len()).unwrap_or(u32::MAX),
            data,
            trailing: Vec::new(),
        }
    }

    /// True when the instance date bytes (YH, YL, M, D) are not all zero: the id names one occurrence
    /// (an exception, or a meeting message for one instance).
    pub fn is_instance(&self) -> bool {
        self.year != 0 || self.month != 0 || self.day != 0
    }

    /// The instance date, when the bytes form a real date.
    pub fn instance_date(&self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(
            i32::from(self.year),
            u32::from(self.month),
            u32::from(self.day),
        )
    }

    /// The creation time as UTC (every FILETIME is representable).
    pub fn creation_time_utc(&self) -> DateTime<Utc> {
        filetime_to_utc(self.creation_time)
    }

    /// The third-party UID when Data is `"vCal-Uid"`, `01 00 00 00`, the UID bytes and a NUL.
    ///
    /// The UID ends at the first NUL (or at the end of Data); `None` when the marker is absent or the UID
    /// is not UTF-8.
    pub fn vcal_uid(&self) -> Option<&str> {
        let rest = self.data.strip_prefix(VCAL_UID_MARKER.as_slice())?;
        let uid = rest.strip_prefix(VCAL_UID_VERSION.as_slice())?;
        let end = uid.iter().position(|&b| b == 0).unwrap_or(uid.len());
        core::str::from_utf8(uid.get(..end)?).ok()
    }

    /// The id with the instance date zeroed, as [`GlobalObjectId`].
    pub fn clean_id(&self) -> GlobalObjectId {
        GlobalObjectId {
            year: 0,
            month: 0,
            day: 0,
            ..self.clone()
        }
    }

    /// The CleanGlobalObjectId bytes ([MS-OXOCAL] 2.2.1.28): this id with YH, YL, M and D set to 0.
    pub fn clean(&self) -> Vec<u8> {
        encode_global_object_id(&self.clean_id())
    }

    /// The iCalendar UID this id exports as ([MS-OXCICAL] 2.1.3.1.1.20.26): the embedded UID of a
    /// vCal-Uid id, otherwise the uppercase hex of the clean id.
    pub fn ical_uid(&self) -> String {
        match self.vcal_uid() {
            Some(uid) => uid.to_owned(),
            None => to_upper_hex(&self.clean()),
        }
    }
}

fn to_upper_hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02X}");
    }
    s
}

/// Decodes a GlobalObjectId or CleanGlobalObjectId.
///
/// Fails only when fewer than the 40 header bytes are given. A wrong class id, an instance date that is
/// not a date, non-zero X and a Size that disagrees with the remaining bytes are diagnostics; Data is
/// never sized from Size alone (it takes what is there).
pub fn decode_global_object_id(data: &[u8]) -> Result<Decoded<GlobalObjectId>> {
    let (mut value, body, trailing, diags) = read_parts(data)?;
    value.data = body.to_vec();
    value.trailing = trailing.to_vec();
    Ok(Decoded {
        value,
        diagnostics: diags.into_vec(),
    })
}

/// The diagnostics [`decode_global_object_id`] gives for `data`, or its error, without building the
/// value: a check that only reports problems spares the copies of Data and of the trailing bytes.
pub fn global_object_id_diagnostics(data: &[u8]) -> Result<Vec<Diagnostic>> {
    read_parts(data).map(|(_, _, _, diags)| diags.into_vec())
}

/// Reads the fields of a GlobalObjectId and checks them (see [`decode_global_object_id`]): the id
/// with every field but Data and the trailing bytes (left empty, which allocates nothing), those two
/// still borrowed from the input, and the diagnostics.
fn read_parts(data: &[u8]) -> Result<(GlobalObjectId, &[u8], &[u8], Diagnostics)> {
    let mut r = Reader::new(data, GOID);
    let mut diags = Diagnostics::new();
    let mut class_id = [0u8; 16];
    class_id.copy_from_slice(r.bytes(16, "ByteArrayID")?);
    let date_at = r.offset();
    let year = r.u16_be("YH/YL")?;
    let month = r.u8("M")?;
    let day = r.u8("D")?;
    let creation_time = r.u64("CreationTime")?;
    let x_at = r.offset();
    let mut x = [0u8; 8];
    x.copy_from_slice(r.bytes(8, "X")?);
    let size_at = r.offset();
    let size = r.u32("Size")?;

    if class_id != GOID_CLASS_ID {
        diags.push(
            DiagKind::BadClassId,
            DiagSeverity::Error,
            GOID,
            "ByteArrayID",
            0,
            "the first 16 bytes are not the GlobalObjectId class identifier",
        );
    }
    let any_date = year != 0 || month != 0 || day != 0;
    if any_date
        && NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day)).is_none()
    {
        diags.push(
            DiagKind::BadInstanceDate,
            DiagSeverity::Warning,
            GOID,
            "YH/YL",
            date_at,
            format!("instance date {year:04}-{month:02}-{day:02} is not a real date"),
        );
    }
    if x != [0u8; 8] {
        diags.push(
            DiagKind::NonZeroReserved,
            DiagSeverity::Info,
            GOID,
            "X",
            x_at,
            "reserved X bytes are not zero (common in ids made by other software)",
        );
    }

    let rest = r.rest();
    let (body, trailing) = usize::try_from(size)
        .ok()
        .and_then(|n| rest.split_at_checked(n))
        .unwrap_or((rest, &[]));
    if !trailing.is_empty() {
        diags.push(
            DiagKind::SizeMismatch,
            DiagSeverity::Warning,
            GOID,
            "Size",
            size_at,
            format!(
                "Size is {size} but {} bytes follow it; the rest is kept as trailing bytes",
                rest.len()
            ),
        );
    } else if u64::from(size) != body.len() as u64 {
        diags.push(
            DiagKind::SizeMismatch,
            DiagSeverity::Warning,
            GOID,
            "Size",
            size_at,
            format!(
                "Size is {size} but only {} bytes follow it; Data is cut short",
                rest.len()
            ),
        );
    }

    let id = GlobalObjectId {
        class_id,
        year,
        month,
        day,
        creation_time,
        x,
        size,
        data: Vec::new(),
        trailing: Vec::new(),
    };
    Ok((id, body, trailing, diags))
}

/// Writes a GlobalObjectId exactly as described: `size` as given (even when it disagrees with `data`),
/// then `data` and `trailing`.
pub fn encode_global_object_id(id: &GlobalObjectId) -> Vec<u8> {
    let mut out = Vec::with_capacity(GOID_HEADER_SIZE + id.data.len() + id.trailing.len());
    out.extend_from_slice(&id.class_id);
    out.extend_from_slice(&id.year.to_be_bytes());
    out.push(id.month);
    out.push(id.day);
    out.extend_from_slice(&id.creation_time.to_le_bytes());
    out.extend_from_slice(&id.x);
    out.extend_from_slice(&id.size.to_le_bytes());
    out.extend_from_slice(&id.data);
    out.extend_from_slice(&id.trailing);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn hex(s: &str) -> Vec<u8> {
        crate::hex::decode_hex(s).unwrap()
    }

    fn kinds(d: &Decoded<GlobalObjectId>) -> Vec<(DiagKind, DiagSeverity)> {
        d.diagnostics.iter().map(|x| (x.kind, x.severity)).collect()
    }

    /// [MS-OXOCAL] 4.1.3: the PidLidGlobalObjectId of an exception moved from 2008-03-25.
    const SPEC_4_1_3: &str = "040000008200E00074C5B7101A82E00807D803195025D461E473C8010000000000000000100000002A5844B3A444F74A9C246C60886F116B";

    #[test]
    fn decodes_spec_example_4_1_3() {
        let bytes = hex(SPEC_4_1_3);
        let d = decode_global_object_id(&bytes).unwrap();
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        let id = &d.value;
        // The spec's table: year 0x07D8 (2008, big-endian), month 3, day 0x19 (25), Size 16.
        assert_eq!((id.year, id.month, id.day), (2008, 3, 25));
        assert_eq!(id.instance_date(), NaiveDate::from_ymd_opt(2008, 3, 25));
        assert!(id.is_instance());
        // The spec's table shows the creation time as 2008/02/20 17:16:51.
        assert_eq!(
            id.creation_time_utc()
                .format("%Y/%m/%d %H:%M:%S")
                .to_string(),
            "2008/02/20 17:16:51"
        );
        assert_eq!(id.size, 16);
        assert_eq!(id.data, hex("2A5844B3A444F74A9C246C60886F116B"));
        assert_eq!(encode_global_object_id(id), bytes);
        // The clean id zeroes exactly bytes 16..20.
        let mut clean = bytes.clone();
        clean[16..20].copy_from_slice(&[0, 0, 0, 0]);
        assert_eq!(id.clean(), clean);
        assert!(!id.clean_id().is_instance());
        assert_eq!(id.vcal_uid(), None);
        assert_eq!(id.ical_uid(), SPEC_4_1_3.replace("07D80319", "00000000"));
    }

    #[test]
    fn error_shorter_than_header() {
        let bytes = hex(SPEC_4_1_3);
        for (len, field) in [
            (0, "ByteArrayID"),
            (4, "ByteArrayID"),
            (17, "YH/YL"),
            (18, "M"),
            (19, "D"),
            (27, "CreationTime"),
            (35, "X"),
            (39, "Size"),
        ] {
            let err = decode_global_object_id(&bytes[..len]).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::Truncated {
                        structure: "GlobalObjectId",
                        ..
                    }
                ),
                "{err:?}"
            );
            assert_eq!(err.field(), field, "{len}");
        }
    }

    #[test]
    fn diag_bad_class_id() {
        let mut bytes = hex(SPEC_4_1_3);
        bytes[0] = 0x05;
        let d = decode_global_object_id(&bytes).unwrap();
        assert_eq!(kinds(&d), vec![(DiagKind::BadClassId, DiagSeverity::Error)]);
    }

    #[test]
    fn diag_bad_instance_date() {
        let mut bytes = hex(SPEC_4_1_3);
        bytes[18] = 2;
        bytes[19] = 30;
        let d = decode_global_object_id(&bytes).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::BadInstanceDate, DiagSeverity::Warning)]
        );
        assert_eq!(d.diagnostics[0].offset, 16);
        assert!(d.value.is_instance());
        assert_eq!(d.value.instance_date(), None);
        // A year without month and day is not a date either.
        bytes[18] = 0;
        bytes[19] = 0;
        assert!(
            decode_global_object_id(&bytes)
                .unwrap()
                .has(DiagKind::BadInstanceDate)
        );
    }

    #[test]
    fn diag_non_zero_x_is_info() {
        let mut bytes = hex(SPEC_4_1_3);
        bytes[30] = 0x5D;
        let d = decode_global_object_id(&bytes).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::NonZeroReserved, DiagSeverity::Info)]
        );
        assert_eq!(d.diagnostics[0].offset, 28);
    }

    #[test]
    fn diag_size_larger_than_data_takes_what_is_there() {
        let mut bytes = hex(SPEC_4_1_3);
        bytes[36..40].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        let d = decode_global_object_id(&bytes).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::SizeMismatch, DiagSeverity::Warning)]
        );
        assert_eq!(d.value.data.len(), 16);
        assert!(d.value.trailing.is_empty());
        assert_eq!(encode_global_object_id(&d.value), bytes);
    }

    #[test]
    fn diag_size_smaller_than_data_keeps_trailing() {
        let mut bytes = hex(SPEC_4_1_3);
        bytes[36] = 10;
        let d = decode_global_object_id(&bytes).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::SizeMismatch, DiagSeverity::Warning)]
        );
        assert_eq!(d.diagnostics[0].offset, 36);
        assert_eq!((d.value.data.len(), d.value.trailing.len()), (10, 6));
        assert_eq!(encode_global_object_id(&d.value), bytes);
    }

    #[test]
    fn header_only_id_with_size_zero_is_clean() {
        // Size says 16 but nothing follows.
        let d = decode_global_object_id(&hex(SPEC_4_1_3)[..40]).unwrap();
        assert!(d.has(DiagKind::SizeMismatch));
        assert!(d.value.data.is_empty());
        let id = GlobalObjectId::new(None, 0, Vec::new());
        let d = decode_global_object_id(&encode_global_object_id(&id)).unwrap();
        assert!(d.diagnostics.is_empty());
        assert_eq!(d.value, id);
    }

    #[test]
    fn vcal_uid_form() {
        let mut data = b"vCal-Uid".to_vec();
        data.extend_from_slice(&[1, 0, 0, 0]);
        data.extend_from_slice(b"abc@example.com\0");
        let id = GlobalObjectId::new(NaiveDate::from_ymd_opt(2006, 10, 3), 0, data);
        assert_eq!(id.size, 12 + 15 + 1);
        assert_eq!(id.vcal_uid(), Some("abc@example.com"));
        assert_eq!(id.ical_uid(), "abc@example.com");
        // Without the version word it is not the vCal-Uid form.
        let mut other = id.clone();
        other.data[8] = 2;
        assert_eq!(other.vcal_uid(), None);
        assert!(
            other
                .ical_uid()
                .starts_with("040000008200E00074C5B7101A82E00800000000")
        );
        // Not UTF-8: no UID.
        let mut other = id;
        other.data[12] = 0xFF;
        assert_eq!(other.vcal_uid(), None);
    }

    #[test]
    fn diagnostics_alone_are_the_decoders() {
        // The spec's id, each broken form above, and every truncation: the diagnostics-only reader
        // gives the decoder's diagnostics, or its error, exactly.
        let spec = hex(SPEC_4_1_3);
        let mut inputs = vec![spec.clone()];
        for (at, byte) in [
            (0, 0x05),
            (18, 2),
            (19, 30),
            (30, 0x5D),
            (36, 10),
            (39, 0xFF),
        ] {
            let mut b = spec.clone();
            b[at] = byte;
            inputs.push(b);
        }
        inputs.extend((0..spec.len()).map(|n| spec[..n].to_vec()));
        for bytes in &inputs {
            let decoded = decode_global_object_id(bytes).map(|d| d.diagnostics);
            assert_eq!(global_object_id_diagnostics(bytes), decoded, "{bytes:02X?}");
        }
        // [MS-OXOCAL] 4.1.3's id is clean; bytes cut after 17 lack the month byte M.
        assert_eq!(global_object_id_diagnostics(&spec), Ok(Vec::new()));
        assert_eq!(
            global_object_id_diagnostics(&spec[..18])
                .unwrap_err()
                .field(),
            "M"
        );
    }

    #[test]
    fn new_caps_and_dates() {
        let id = GlobalObjectId::new(NaiveDate::from_ymd_opt(2011, 1, 18), 1, vec![7; 3]);
        let bytes = encode_global_object_id(&id);
        assert_eq!(&bytes[16..20], &[0x07, 0xDB, 0x01, 0x12]);
        assert_eq!(bytes.len(), 43);
    }
}

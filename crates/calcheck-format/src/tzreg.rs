//! TZREG, the 48-byte time-zone structure of PidLidTimeZoneStruct ([MS-OXOCAL] 2.2.1.39, example 4.1.5).
//!
//! It holds one set of biases and transition dates (no history), which Outlook uses to expand a recurring
//! series. [MS-OXOCAL] 2.2.1.41 requires the effective rule of PidLidAppointmentTimeZoneDefinitionRecur
//! to carry the same values; [`TzReg::matches_rule`] makes that comparison.

use chrono::NaiveDateTime;

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostics};
use crate::error::Result;
use crate::reader::Reader;
use crate::tzdef::{TzRule, apply_bias, bias_at, check_transitions, is_daylight};

pub use crate::tzdef::SystemTime;

/// Size of a TZREG in bytes.
pub const TZREG_SIZE: usize = 48;

const TZREG: &str = "TZREG";

/// A decoded TZREG ([MS-OXOCAL] 2.2.1.39).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TzReg {
    /// `lBias`: minutes, UTC = local + lBias + (lStandardBias or lDaylightBias).
    pub l_bias: i32,
    /// `lStandardBias`: minutes added to `l_bias` during standard time.
    pub l_standard_bias: i32,
    /// `lDaylightBias`: minutes added to `l_bias` during daylight time.
    pub l_daylight_bias: i32,
    /// `wStandardYear`: the spec requires it to equal `st_standard_date.w_year`; Outlook's reader skips it.
    pub w_standard_year: u16,
    /// `stStandardDate`: when daylight time ends.
    pub st_standard_date: SystemTime,
    /// `wDaylightYear`: the spec requires it to equal `st_daylight_date.w_year`; Outlook's reader skips it.
    pub w_daylight_year: u16,
    /// `stDaylightDate`: when daylight time starts.
    pub st_daylight_date: SystemTime,
    /// Bytes after the 48 bytes of the structure.
    pub trailing: Vec<u8>,
}

impl TzReg {
    /// The TZREG that carries the same values as a TZRULE (year fields copied from the SYSTEMTIMEs).
    pub fn from_rule(rule: &TzRule) -> Self {
        TzReg {
            l_bias: rule.l_bias,
            l_standard_bias: rule.l_standard_bias,
            l_daylight_bias: rule.l_daylight_bias,
            w_standard_year: rule.st_standard_date.w_year,
            st_standard_date: rule.st_standard_date,
            w_daylight_year: rule.st_daylight_date.w_year,
            st_daylight_date: rule.st_daylight_date,
            trailing: Vec::new(),
        }
    }

    /// True when the structure has daylight saving time (both transition dates set).
    pub fn has_dst(&self) -> bool {
        !self.st_standard_date.is_unset() && !self.st_daylight_date.is_unset()
    }

    /// True when the TZRULE describes the same zone: equal `lBias`, `lStandardBias`, `stStandardDate`,
    /// `stDaylightDate`, and equal `lDaylightBias` whenever there is daylight time.
    ///
    /// [MS-OXOCAL] 2.2.1.41 calls the two properties inconsistent otherwise. `lDaylightBias` is ignored
    /// when neither has transition dates because it can never apply: Outlook itself writes −60 next to
    /// "no DST" (the Tokyo blobs of the msgreader fixtures).
    pub fn matches_rule(&self, rule: &TzRule) -> bool {
        let no_dst_anywhere = !self.has_dst() && !rule.has_dst();
        self.l_bias == rule.l_bias
            && self.l_standard_bias == rule.l_standard_bias
            && (no_dst_anywhere || self.l_daylight_bias == rule.l_daylight_bias)
            && self.st_standard_date == rule.st_standard_date
            && self.st_daylight_date == rule.st_daylight_date
    }

    /// True when `local` (wall clock) falls in daylight time.
    pub fn is_daylight_at(&self, local: NaiveDateTime) -> bool {
        let shift = i64::from(self.l_standard_bias) - i64::from(self.l_daylight_bias);
        is_daylight(&self.st_standard_date, &self.st_daylight_date, shift, local)
    }

    /// The bias in minutes at a local time: UTC = local + bias.
    pub fn bias_at(&self, local: NaiveDateTime) -> i64 {
        bias_at(
            self.l_bias,
            self.l_standard_bias,
            self.l_daylight_bias,
            &self.st_standard_date,
            &self.st_daylight_date,
            local,
        )
    }

    /// Converts a local wall-clock time to UTC.
    pub fn local_to_utc(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        apply_bias(local, self.bias_at(local))
    }
}

/// Decodes a TZREG.
///
/// Fails only when fewer than 48 bytes are given (Outlook's reader also requires 48). Year fields that
/// differ from their SYSTEMTIME, invalid transition dates and extra bytes are diagnostics.
pub fn decode_tzreg(data: &[u8]) -> Result<Decoded<TzReg>> {
    let mut r = Reader::new(data, TZREG);
    let mut diags = Diagnostics::new();
    let l_bias = r.i32("lBias")?;
    let l_standard_bias = r.i32("lStandardBias")?;
    let l_daylight_bias = r.i32("lDaylightBias")?;
    let std_year_at = r.offset();
    let w_standard_year = r.u16("wStandardYear")?;
    let std_at = r.offset();
    let st_standard_date = SystemTime::read(&mut r, "stStandardDate")?;
    let dst_year_at = r.offset();
    let w_daylight_year = r.u16("wDaylightYear")?;
    let dst_at = r.offset();
    let st_daylight_date = SystemTime::read(&mut r, "stDaylightDate")?;

    for (year, st, at, field, st_field) in [
        (
            w_standard_year,
            &st_standard_date,
            std_year_at,
            "wStandardYear",
            "stStandardDate",
        ),
        (
            w_daylight_year,
            &st_daylight_date,
            dst_year_at,
            "wDaylightYear",
            "stDaylightDate",
        ),
    ] {
        if year != st.w_year {
            diags.push(
                DiagKind::BadTransitionDate,
                DiagSeverity::Warning,
                TZREG,
                field,
                at,
                format!("{field} is {year} but {st_field}.wYear is {}", st.w_year),
            );
        }
    }
    check_transitions(
        &mut diags,
        TZREG,
        &st_standard_date,
        std_at,
        &st_daylight_date,
        dst_at,
    );

    let trailing_at = r.offset();
    let trailing = r.rest().to_vec();
    if !trailing.is_empty() {
        diags.push(
            DiagKind::TrailingBytes,
            DiagSeverity::Warning,
            TZREG,
            "stDaylightDate",
            trailing_at,
            format!("{} bytes follow the 48-byte structure", trailing.len()),
        );
    }
    Ok(Decoded {
        value: TzReg {
            l_bias,
            l_standard_bias,
            l_daylight_bias,
            w_standard_year,
            st_standard_date,
            w_daylight_year,
            st_daylight_date,
            trailing,
        },
        diagnostics: diags.into_vec(),
    })
}

/// Writes a TZREG exactly as described, including mismatched year fields and `trailing` bytes.
pub fn encode_tzreg(reg: &TzReg) -> Vec<u8> {
    let mut out = Vec::with_capacity(TZREG_SIZE + reg.trailing.len());
    out.extend_from_slice(&reg.l_bias.to_le_bytes());
    out.extend_from_slice(&reg.l_standard_bias.to_le_bytes());
    out.extend_from_slice(&reg.l_daylight_bias.to_le_bytes());
    out.extend_from_slice(&reg.w_standard_year.to_le_bytes());
    out.extend_from_slice(&reg.st_standard_date.to_bytes());
    out.extend_from_slice(&reg.w_daylight_year.to_le_bytes());
    out.extend_from_slice(&reg.st_daylight_date.to_bytes());
    out.extend_from_slice(&reg.trailing);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    use chrono::NaiveDate;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    #[rustfmt::skip]
    const PACIFIC: [u8; 48] = [
        0xE0, 0x01, 0x00, 0x00,                         // lBias 480
        0x00, 0x00, 0x00, 0x00,                         // lStandardBias 0
        0xC4, 0xFF, 0xFF, 0xFF,                         // lDaylightBias -60
        0x00, 0x00,                                     // wStandardYear 0
        0x00, 0x00, 0x0B, 0x00, 0x00, 0x00, 0x01, 0x00, // stStandardDate: 1st Sunday of November
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //   02:00
        0x00, 0x00,                                     // wDaylightYear 0
        0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x02, 0x00, // stDaylightDate: 2nd Sunday of March
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, //   02:00
    ];

    fn kinds(d: &Decoded<TzReg>) -> Vec<(DiagKind, DiagSeverity)> {
        d.diagnostics.iter().map(|x| (x.kind, x.severity)).collect()
    }

    #[test]
    fn decodes_spec_example_4_1_5() {
        let d = decode_tzreg(&PACIFIC).unwrap();
        assert!(d.diagnostics.is_empty());
        let reg = d.value;
        assert_eq!(
            (reg.l_bias, reg.l_standard_bias, reg.l_daylight_bias),
            (480, 0, -60)
        );
        assert_eq!(reg.st_standard_date, SystemTime::relative(11, 0, 1, 2, 0));
        assert_eq!(reg.st_daylight_date, SystemTime::relative(3, 0, 2, 2, 0));
        assert_eq!(encode_tzreg(&reg), PACIFIC);
        // Pacific 2024: DST from 2024-03-10 02:00 to 2024-11-03 02:00.
        assert_eq!(
            reg.local_to_utc(dt(2024, 3, 10, 1, 0)),
            Some(dt(2024, 3, 10, 9, 0))
        );
        assert_eq!(
            reg.local_to_utc(dt(2024, 3, 10, 3, 0)),
            Some(dt(2024, 3, 10, 10, 0))
        );
        assert_eq!(reg.bias_at(dt(2024, 11, 3, 2, 0)), 480);
        assert!(reg.is_daylight_at(dt(2024, 11, 3, 1, 0)));
    }

    #[test]
    fn error_shorter_than_48_bytes() {
        let err = decode_tzreg(&PACIFIC[..47]).unwrap_err();
        assert_eq!(
            err,
            Error::Truncated {
                structure: "TZREG",
                field: "stDaylightDate",
                offset: 32,
                needed: 16,
                available: 15
            }
        );
        assert_eq!(decode_tzreg(&[]).unwrap_err().field(), "lBias");
        assert_eq!(
            decode_tzreg(&PACIFIC[..13]).unwrap_err().field(),
            "wStandardYear"
        );
    }

    #[test]
    fn diag_year_fields_differ_from_systemtime() {
        let mut reg = decode_tzreg(&PACIFIC).unwrap().value;
        reg.w_standard_year = 2007;
        reg.w_daylight_year = 1;
        let d = decode_tzreg(&encode_tzreg(&reg)).unwrap();
        assert_eq!(
            kinds(&d),
            vec![
                (DiagKind::BadTransitionDate, DiagSeverity::Warning),
                (DiagKind::BadTransitionDate, DiagSeverity::Warning)
            ]
        );
        assert_eq!(
            (d.diagnostics[0].field, d.diagnostics[0].offset),
            ("wStandardYear", 12)
        );
        assert_eq!(
            (d.diagnostics[1].field, d.diagnostics[1].offset),
            ("wDaylightYear", 30)
        );
    }

    #[test]
    fn diag_trailing_bytes() {
        let mut bytes = PACIFIC.to_vec();
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        let d = decode_tzreg(&bytes).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::TrailingBytes, DiagSeverity::Warning)]
        );
        assert_eq!(d.diagnostics[0].offset, 48);
        assert_eq!(encode_tzreg(&d.value), bytes);
    }

    #[test]
    fn diag_bad_transition_date() {
        let mut reg = decode_tzreg(&PACIFIC).unwrap().value;
        reg.st_daylight_date.w_day = 9;
        let d = decode_tzreg(&encode_tzreg(&reg)).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::BadTransitionDate, DiagSeverity::Error)]
        );
        assert_eq!(
            (d.diagnostics[0].field, d.diagnostics[0].offset),
            ("stDaylightDate", 32)
        );
    }

    #[test]
    fn matches_rule_compares_biases_and_transitions() {
        let reg = decode_tzreg(&PACIFIC).unwrap().value;
        let rule = TzRule::new(
            2007,
            3,
            480,
            0,
            -60,
            SystemTime::relative(11, 0, 1, 2, 0),
            SystemTime::relative(3, 0, 2, 2, 0),
        );
        assert!(reg.matches_rule(&rule));
        assert_eq!(TzReg::from_rule(&rule), reg);
        let mut other = rule.clone();
        other.l_bias = 300;
        assert!(!reg.matches_rule(&other));
        let mut other = rule.clone();
        other.l_daylight_bias = -30;
        assert!(!reg.matches_rule(&other));
        let mut other = rule.clone();
        other.st_daylight_date.w_day = 1;
        assert!(!reg.matches_rule(&other));
        let mut other = rule;
        other.st_standard_date.w_hour = 3;
        assert!(!reg.matches_rule(&other));
    }

    #[test]
    fn matches_rule_ignores_daylight_bias_without_dst() {
        // Tokyo: PidLidTimeZoneStruct with lDaylightBias −60 and a Recur rule with 0 both mean "no DST".
        let reg = TzReg {
            l_bias: -540,
            l_standard_bias: 0,
            l_daylight_bias: -60,
            w_standard_year: 0,
            st_standard_date: SystemTime::default(),
            w_daylight_year: 0,
            st_daylight_date: SystemTime::default(),
            trailing: Vec::new(),
        };
        let rule = TzRule::new(
            1601,
            3,
            -540,
            0,
            0,
            SystemTime::default(),
            SystemTime::default(),
        );
        assert!(reg.matches_rule(&rule));
        assert_eq!(reg.bias_at(dt(2023, 1, 13, 12, 0)), -540);
    }
}

//! TZDEFINITION and TZRULE, the time-zone streams of PidLidAppointmentTimeZoneDefinition{StartDisplay,EndDisplay,Recur}
//! ([MS-OXOCAL] 2.2.1.41, and Outlook's "About persisting TZDEFINITION to a stream" reference).
//!
//! The stream is a small header (versions, `cbHeader`, `wFlags`, an optional GUID, the registry key name)
//! followed by `cRules` TZRULEs. Each rule says from which year on it applies and carries the fields of a
//! TZREG: biases and the two transition dates as SYSTEMTIMEs.
//!
//! The header is laid out the way Outlook's reference reader reads it: the GUID is present only when
//! `wFlags & TZDEFINITION_FLAG_VALID_GUID`, and `cchKeyName` + the key name only when
//! `wFlags & TZDEFINITION_FLAG_VALID_KEYNAME`. The open specification instead calls `wFlags` "Reserved, MUST
//! be 0x0002" and always lists `cchKeyName`; both readings agree on every blob that follows the spec.
//!
//! This module also holds [`SystemTime`], shared with [`crate::tzreg`], and the rule evaluation that turns a
//! blob's local wall-clock time into UTC.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use crate::diag::{Decoded, DiagKind, DiagSeverity, Diagnostics};
use crate::error::{Error, Result};
use crate::guid::Guid;
use crate::reader::Reader;

/// `bMajorVersion` every reader understands; Outlook treats other values as "property absent".
pub const TZ_BIN_VERSION_MAJOR: u8 = 0x02;

/// Lowest `bMinorVersion` Outlook's reader accepts; higher values may append data that readers skip.
pub const TZ_BIN_VERSION_MINOR: u8 = 0x01;

/// `wFlags` bit: a 16-byte GUID follows the flags.
pub const TZDEFINITION_FLAG_VALID_GUID: u16 = 0x0001;

/// `wFlags` bit: `cchKeyName` and the key name follow (the spec requires this bit).
pub const TZDEFINITION_FLAG_VALID_KEYNAME: u16 = 0x0002;

/// TZRULE flag R: the rule matches PidLidTimeZoneStruct of a recurring series.
pub const TZRULE_FLAG_RECUR_CURRENT_TZREG: u16 = 0x0001;

/// TZRULE flag E: the rule is the effective (current) one.
pub const TZRULE_FLAG_EFFECTIVE_TZREG: u16 = 0x0002;

/// `cbRule` the spec requires: the bytes of a rule after the `cbRule` field (flags through stDaylightDate).
pub const TZRULE_SIZE: u16 = 0x003E;

/// Bytes of a rule from `bMajorVersion` through `stDaylightDate` when `cbRule` is 0x3E.
pub const TZRULE_FULL_SIZE: usize = 4 + TZRULE_SIZE as usize;

/// Most rules a definition may carry (`TZ_MAX_RULES`).
pub const TZ_MAX_RULES: u16 = 1024;

/// Longest registry key name (`MAX_PATH`).
pub const MAX_KEY_NAME: u16 = 260;

const DEF: &str = "TZDEFINITION";
const RULE: &str = "TZRULE";

// ---------------------------------------------------------------------------------------------
// SYSTEMTIME
// ---------------------------------------------------------------------------------------------

/// A Windows SYSTEMTIME (16 bytes, eight little-endian `u16`s), as used for TZRULE `stStart` and for the
/// transition dates of TZRULE and TZREG ([MS-DTYP] 2.3.13).
///
/// As a transition date it has three forms ([MS-OXOCAL] 2.2.1.39): `wMonth` 0 means "no transition";
/// `wYear` 0 means a relative date ("the `wDay`-th `wDayOfWeek` of `wMonth`", where `wDay` 5 is the last);
/// any other `wYear` means an absolute date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SystemTime {
    /// `wYear`: the year, or 0 for a relative transition date.
    pub w_year: u16,
    /// `wMonth`: 1..=12, or 0 for "no transition".
    pub w_month: u16,
    /// `wDayOfWeek`: 0 (Sunday) ..= 6 (Saturday).
    pub w_day_of_week: u16,
    /// `wDay`: the day of the month, or for a relative date the week 1..=5 (5 = last).
    pub w_day: u16,
    /// `wHour`: 0..=23.
    pub w_hour: u16,
    /// `wMinute`: 0..=59.
    pub w_minute: u16,
    /// `wSecond`: 0..=59.
    pub w_second: u16,
    /// `wMilliseconds`: 0..=999.
    pub w_milliseconds: u16,
}

impl SystemTime {
    /// Encoded size in bytes.
    pub const SIZE: usize = 16;

    /// Decodes the 16 on-disk bytes.
    pub fn from_bytes(b: [u8; 16]) -> Self {
        let mut w = [0u16; 8];
        for (value, chunk) in w.iter_mut().zip(b.chunks_exact(2)) {
            if let [lo, hi] = chunk {
                *value = u16::from_le_bytes([*lo, *hi]);
            }
        }
        let [
            w_year,
            w_month,
            w_day_of_week,
            w_day,
            w_hour,
            w_minute,
            w_second,
            w_milliseconds,
        ] = w;
        SystemTime {
            w_year,
            w_month,
            w_day_of_week,
            w_day,
            w_hour,
            w_minute,
            w_second,
            w_milliseconds,
        }
    }

    /// Encodes to the 16 on-disk bytes.
    pub fn to_bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        let fields = self.fields();
        for (chunk, value) in out.chunks_exact_mut(2).zip(fields) {
            chunk.copy_from_slice(&value.to_le_bytes());
        }
        out
    }

    fn fields(&self) -> [u16; 8] {
        [
            self.w_year,
            self.w_month,
            self.w_day_of_week,
            self.w_day,
            self.w_hour,
            self.w_minute,
            self.w_second,
            self.w_milliseconds,
        ]
    }

    /// Reads a SYSTEMTIME for `field`.
    pub(crate) fn read(r: &mut Reader<'_>, field: &'static str) -> Result<Self> {
        let b = r.bytes(Self::SIZE, field)?;
        let mut a = [0u8; 16];
        a.copy_from_slice(b);
        Ok(Self::from_bytes(a))
    }

    /// A relative transition date: the `week`-th (1..=5, 5 = last) `day_of_week` (0 = Sunday) of `month`
    /// at `hour:minute`.
    pub fn relative(month: u16, day_of_week: u16, week: u16, hour: u16, minute: u16) -> Self {
        SystemTime {
            w_month: month,
            w_day_of_week: day_of_week,
            w_day: week,
            w_hour: hour,
            w_minute: minute,
            ..SystemTime::default()
        }
    }

    /// True when `wMonth` is 0: as a transition date this means "no transition".
    pub fn is_unset(&self) -> bool {
        self.w_month == 0
    }

    /// True for a relative transition date (`wYear` 0).
    pub fn is_relative(&self) -> bool {
        self.w_year == 0
    }

    /// The time of day (`wHour`..`wMilliseconds`), if every part is in range.
    pub fn time_of_day(&self) -> Option<NaiveTime> {
        NaiveTime::from_hms_milli_opt(
            u32::from(self.w_hour),
            u32::from(self.w_minute),
            u32::from(self.w_second),
            u32::from(self.w_milliseconds),
        )
    }

    /// The value read as an absolute date and time (ignoring `wDayOfWeek`), if it is a real one.
    ///
    /// This is how TZRULE `stStart` reads: Outlook writes January 1 of the rule's year there.
    pub fn to_naive(&self) -> Option<NaiveDateTime> {
        let date = NaiveDate::from_ymd_opt(
            i32::from(self.w_year),
            u32::from(self.w_month),
            u32::from(self.w_day),
        )?;
        Some(date.and_time(self.time_of_day()?))
    }

    /// The local wall-clock instant at which this transition happens in `year`.
    ///
    /// Relative dates resolve to the `wDay`-th `wDayOfWeek` of `wMonth` in `year` (week 5 = the last such
    /// weekday of the month); absolute dates are their own date whatever `year` is. `None` when the date
    /// is unset or not valid.
    pub fn transition_in(&self, year: i32) -> Option<NaiveDateTime> {
        if self.is_unset() {
            return None;
        }
        if !self.is_relative() {
            return self.to_naive();
        }
        if self.w_day_of_week > 6 || !(1..=5).contains(&self.w_day) {
            return None;
        }
        let month = u32::from(self.w_month);
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let first_dow = first.weekday().num_days_from_sunday();
        let offset = (u32::from(self.w_day_of_week) + 7 - first_dow) % 7;
        let mut day = 1 + offset + 7 * (u32::from(self.w_day) - 1);
        // Week 5 means "last": step back a week when the month has only four such weekdays. The
        // month's length is counted rather than asked of a date per step: checks convert series
        // times by the thousand, and building dates was most of that cost.
        let last = days_in_month(first);
        while day > last && day > 7 {
            day -= 7;
        }
        Some(first.with_day(day)?.and_time(self.time_of_day()?))
    }

    /// Why this SYSTEMTIME is not a usable transition date, if it is not; `None` for a valid or unset date.
    pub fn transition_problem(&self) -> Option<String> {
        if self.is_unset() {
            return None;
        }
        if self.w_month > 12 {
            return Some(format!("wMonth {} is not a month", self.w_month));
        }
        if self.is_relative() {
            if self.w_day_of_week > 6 {
                return Some(format!(
                    "wDayOfWeek {} is not a weekday",
                    self.w_day_of_week
                ));
            }
            if !(1..=5).contains(&self.w_day) {
                return Some(format!(
                    "wDay {} is not a week of the month (1..=5) in a relative date",
                    self.w_day
                ));
            }
        } else if NaiveDate::from_ymd_opt(
            i32::from(self.w_year),
            u32::from(self.w_month),
            u32::from(self.w_day),
        )
        .is_none()
        {
            return Some(format!(
                "absolute date {:04}-{:02}-{:02} does not exist",
                self.w_year, self.w_month, self.w_day
            ));
        }
        if self.time_of_day().is_none() {
            return Some(format!(
                "time {}:{}:{}.{} is out of range",
                self.w_hour, self.w_minute, self.w_second, self.w_milliseconds
            ));
        }
        None
    }
}

/// Reports the problems of a pair of transition dates (shared by TZRULE and TZREG).
///
/// `std_at` and `dst_at` are the offsets of stStandardDate and stDaylightDate.
pub(crate) fn check_transitions(
    diags: &mut Diagnostics,
    structure: &'static str,
    std: &SystemTime,
    std_at: usize,
    dst: &SystemTime,
    dst_at: usize,
) {
    for (st, at, field) in [
        (std, std_at, "stStandardDate"),
        (dst, dst_at, "stDaylightDate"),
    ] {
        if let Some(problem) = st.transition_problem() {
            diags.push(
                DiagKind::BadTransitionDate,
                DiagSeverity::Error,
                structure,
                field,
                at,
                problem,
            );
        }
    }
    if std.is_unset() != dst.is_unset() {
        let (field, at) = if std.is_unset() {
            ("stStandardDate", std_at)
        } else {
            ("stDaylightDate", dst_at)
        };
        diags.push(
            DiagKind::BadTransitionDate,
            DiagSeverity::Error,
            structure,
            field,
            at,
            "only one of the two transition dates is set, so daylight time never starts or never ends",
        );
    }
}

/// The number of days in the month of `first` (proleptic Gregorian calendar, as chrono counts).
fn days_in_month(first: NaiveDate) -> u32 {
    match first.month() {
        4 | 6 | 9 | 11 => 30,
        2 if first.leap_year() => 29,
        2 => 28,
        _ => 31,
    }
}

/// True when `local` (wall clock) is in daylight time under the given transition dates.
///
/// Windows semantics: stDaylightDate is given in standard time and stStandardDate in daylight time.
/// `shift` is how far the clock moves forward when daylight time starts (`lStandardBias − lDaylightBias`,
/// normally 60). Wall-clock times that do not exist (skipped by a forward jump) take the offset in force
/// before the jump, and times that occur twice take their first occurrence, as RFC 5545 3.3.5 prescribes.
/// When daylight time starts later in the year than it ends (southern hemisphere), it spans the turn of
/// the year.
pub(crate) fn is_daylight(
    std: &SystemTime,
    dst: &SystemTime,
    shift: i64,
    local: NaiveDateTime,
) -> bool {
    if std.is_unset() || dst.is_unset() {
        return false;
    }
    let year = local.year();
    let (Some(dst_start), Some(std_start)) = (dst.transition_in(year), std.transition_in(year))
    else {
        return false;
    };
    // A forward jump at the start makes [dst_start, dst_start + shift) nonexistent: still standard time.
    // A negative shift makes the end jump forward instead: [std_start, std_start − shift) is daylight.
    let begin = apply_bias(dst_start, shift.max(0)).unwrap_or(dst_start);
    let end = apply_bias(std_start, (-shift).max(0)).unwrap_or(std_start);
    match begin.cmp(&end) {
        core::cmp::Ordering::Less => begin <= local && local < end,
        core::cmp::Ordering::Greater => local >= begin || local < end,
        core::cmp::Ordering::Equal => false,
    }
}

/// The bias in minutes (UTC = local + bias) for a TZREG-shaped set of fields at a local time.
pub(crate) fn bias_at(
    l_bias: i32,
    l_standard_bias: i32,
    l_daylight_bias: i32,
    std: &SystemTime,
    dst: &SystemTime,
    local: NaiveDateTime,
) -> i64 {
    let shift = i64::from(l_standard_bias) - i64::from(l_daylight_bias);
    let extra = if is_daylight(std, dst, shift, local) {
        l_daylight_bias
    } else {
        l_standard_bias
    };
    i64::from(l_bias) + i64::from(extra)
}

/// `local + bias` minutes, `None` when it leaves chrono's range.
pub(crate) fn apply_bias(local: NaiveDateTime, bias: i64) -> Option<NaiveDateTime> {
    local.checked_add_signed(TimeDelta::try_minutes(bias)?)
}

// ---------------------------------------------------------------------------------------------
// TZRULE
// ---------------------------------------------------------------------------------------------

/// One TZRULE ([MS-OXOCAL] 2.2.1.41.1): the TZREG fields that apply from January 1 of `st_start.w_year`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TzRule {
    /// `bMajorVersion` (spec: 0x02).
    pub major_version: u8,
    /// `bMinorVersion` (spec: 0x01).
    pub minor_version: u8,
    /// `cbRule` (the spec's "Reserved, MUST be 0x003E"): bytes of the rule after this field.
    pub cb_rule: u16,
    /// `wFlags` (the spec's "TZRule flags"): [`TZRULE_FLAG_RECUR_CURRENT_TZREG`], [`TZRULE_FLAG_EFFECTIVE_TZREG`].
    pub flags: u16,
    /// `stStart`: the spec's `wYear` followed by its 14 "X" bytes, which are really the rest of a SYSTEMTIME
    /// (Outlook writes January 1 of the rule's year; see [`TzRule::x`] for the raw bytes).
    pub st_start: SystemTime,
    /// `lBias`: minutes, UTC = local + lBias + (lStandardBias or lDaylightBias).
    pub l_bias: i32,
    /// `lStandardBias`: minutes added to `l_bias` during standard time.
    pub l_standard_bias: i32,
    /// `lDaylightBias`: minutes added to `l_bias` during daylight time.
    pub l_daylight_bias: i32,
    /// `stStandardDate`: when daylight time ends (given in daylight wall-clock time).
    pub st_standard_date: SystemTime,
    /// `stDaylightDate`: when daylight time starts (given in standard wall-clock time).
    pub st_daylight_date: SystemTime,
    /// Bytes after `stDaylightDate` covered by a `cbRule` larger than 0x3E (a later minor version's fields).
    pub extension: Vec<u8>,
}

impl TzRule {
    /// A spec-conformant rule (version 2.1, `cbRule` 0x3E) starting on January 1 of `year`, written the
    /// way Outlook writes `stStart`.
    pub fn new(
        year: u16,
        flags: u16,
        l_bias: i32,
        l_standard_bias: i32,
        l_daylight_bias: i32,
        st_standard_date: SystemTime,
        st_daylight_date: SystemTime,
    ) -> Self {
        TzRule {
            major_version: TZ_BIN_VERSION_MAJOR,
            minor_version: TZ_BIN_VERSION_MINOR,
            cb_rule: TZRULE_SIZE,
            flags,
            st_start: SystemTime {
                w_year: year,
                w_month: 1,
                w_day: 1,
                ..SystemTime::default()
            },
            l_bias,
            l_standard_bias,
            l_daylight_bias,
            st_standard_date,
            st_daylight_date,
            extension: Vec::new(),
        }
    }

    /// The spec's `wYear`: the year from whose January 1 this rule applies.
    pub fn w_year(&self) -> u16 {
        self.st_start.w_year
    }

    /// The spec's 14 "X" bytes exactly as stored (the `stStart` SYSTEMTIME after its `wYear`).
    pub fn x(&self) -> [u8; 14] {
        let b = self.st_start.to_bytes();
        let mut out = [0u8; 14];
        out.copy_from_slice(b.get(2..).unwrap_or(&[0u8; 14]));
        out
    }

    /// True when the rule carries [`TZRULE_FLAG_EFFECTIVE_TZREG`].
    pub fn is_effective(&self) -> bool {
        self.flags & TZRULE_FLAG_EFFECTIVE_TZREG != 0
    }

    /// True when the rule carries [`TZRULE_FLAG_RECUR_CURRENT_TZREG`].
    pub fn is_recur_current(&self) -> bool {
        self.flags & TZRULE_FLAG_RECUR_CURRENT_TZREG != 0
    }

    /// True when the rule has daylight saving time (both transition dates set).
    pub fn has_dst(&self) -> bool {
        !self.st_standard_date.is_unset() && !self.st_daylight_date.is_unset()
    }

    /// True when `local` (wall clock) falls in daylight time under this rule.
    pub fn is_daylight_at(&self, local: NaiveDateTime) -> bool {
        let shift = i64::from(self.l_standard_bias) - i64::from(self.l_daylight_bias);
        is_daylight(&self.st_standard_date, &self.st_daylight_date, shift, local)
    }

    /// The bias in minutes at a local time: UTC = local + bias (Eastern Standard Time: 300 or 240).
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

    /// Converts a local wall-clock time to UTC under this rule.
    pub fn local_to_utc(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        apply_bias(local, self.bias_at(local))
    }
}

// ---------------------------------------------------------------------------------------------
// TZDEFINITION
// ---------------------------------------------------------------------------------------------

/// What a TZDEFINITION says about its registry key name.
///
/// Anything but [`KeyNameState::Present`] is the null/empty `szKeyName` that crashed Outlook 2010 with
/// KB 2553248 installed when it appeared on PidLidAppointmentTimeZoneDefinitionStartDisplay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyNameState {
    /// `wFlags` lacks [`TZDEFINITION_FLAG_VALID_KEYNAME`], so the stream has no `cchKeyName` at all.
    Missing,
    /// `cchKeyName` is 0.
    Empty,
    /// `cchKeyName` > 0 but every character is NUL or white space.
    Blank,
    /// A usable key name.
    Present,
}

/// A decoded TZDEFINITION stream ([MS-OXOCAL] 2.2.1.41).
///
/// The fields are kept exactly as stored, including inconsistent ones (`c_rules` is the stored count;
/// `rules` holds the rules that count covered), so that [`encode_tz_definition`] reproduces the input.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TzDefinition {
    /// `bMajorVersion` (always [`TZ_BIN_VERSION_MAJOR`] in a decoded value).
    pub major_version: u8,
    /// `bMinorVersion` (spec: 0x01).
    pub minor_version: u8,
    /// `cbHeader` as stored: spec value 6 + 2·cchKeyName (+16 with a GUID).
    pub cb_header: u16,
    /// `wFlags` (the spec's "Reserved, MUST be 0x0002").
    pub flags: u16,
    /// The time-zone GUID, present when `flags` has [`TZDEFINITION_FLAG_VALID_GUID`].
    pub guid: Option<Guid>,
    /// `cchKeyName` as stored; `None` when the field is absent (`flags` lacks the key-name bit).
    pub cch_key_name: Option<u16>,
    /// The registry key name (UTF-16LE, not NUL-terminated): `None` when absent, `Some("")` when
    /// `cchKeyName` is 0. Unpaired surrogates decode to U+FFFD.
    pub key_name: Option<String>,
    /// `cRules` as stored.
    pub c_rules: u16,
    /// The `cRules` rules.
    pub rules: Vec<TzRule>,
    /// Bytes after the last rule (or after `cRules` when it is 0).
    pub trailing: Vec<u8>,
}

impl TzDefinition {
    /// A spec-conformant definition (version 2.1, key-name flag, matching `cbHeader` and `cRules`).
    ///
    /// Counts that do not fit their 16-bit fields are capped; use the struct fields directly to build a
    /// deliberately broken stream.
    pub fn new(key_name: &str, rules: Vec<TzRule>) -> Self {
        let cch = u16::try_from(key_name.encode_utf16().count()).unwrap_or(u16::MAX);
        TzDefinition {
            major_version: TZ_BIN_VERSION_MAJOR,
            minor_version: TZ_BIN_VERSION_MINOR,
            cb_header: cch.saturating_mul(2).saturating_add(6),
            flags: TZDEFINITION_FLAG_VALID_KEYNAME,
            guid: None,
            cch_key_name: Some(cch),
            key_name: Some(key_name.to_owned()),
            c_rules: u16::try_from(rules.len()).unwrap_or(u16::MAX),
            rules,
            trailing: Vec::new(),
        }
    }

    /// Classifies the key name (see [`KeyNameState`]).
    pub fn key_name_state(&self) -> KeyNameState {
        match (&self.cch_key_name, &self.key_name) {
            (None, _) => KeyNameState::Missing,
            (Some(0), _) | (Some(_), None) => KeyNameState::Empty,
            (Some(_), Some(name)) => {
                if name.chars().all(|c| c == '\0' || c.is_whitespace()) {
                    KeyNameState::Blank
                } else {
                    KeyNameState::Present
                }
            }
        }
    }

    /// The first rule flagged [`TZRULE_FLAG_EFFECTIVE_TZREG`]: the rule the writer considered current.
    ///
    /// It need not be the last rule (Morocco: rule 13 of 15).
    pub fn effective_rule(&self) -> Option<&TzRule> {
        self.rules.iter().find(|r| r.is_effective())
    }

    /// The rule that applies to dates in `year` ([MS-OXOCAL] 2.2.1.41.1; TZDEFINITION remarks).
    ///
    /// A rule applies from January 1 of its `wYear` until the next rule's year, and the first rule also
    /// applies to every earlier date. For unsorted rules this picks the rule with the greatest `wYear` not
    /// after `year` (the first of equals), which is the same answer for sorted rules. `None` without rules.
    pub fn rule_for_year(&self, year: i32) -> Option<&TzRule> {
        let mut best: Option<&TzRule> = None;
        for rule in &self.rules {
            if i32::from(rule.w_year()) <= year && best.is_none_or(|b| rule.w_year() > b.w_year()) {
                best = Some(rule);
            }
        }
        best.or_else(|| self.rules.first())
    }

    /// The bias in minutes at a local wall-clock time (UTC = local + bias), using the rule for its year.
    pub fn bias_at(&self, local: NaiveDateTime) -> Option<i64> {
        self.rule_for_year(local.year()).map(|r| r.bias_at(local))
    }

    /// The UTC offset in minutes at a local wall-clock time (local = UTC + offset; the negated bias).
    pub fn utc_offset_at(&self, local: NaiveDateTime) -> Option<i64> {
        self.bias_at(local).map(|b| -b)
    }

    /// Converts a local wall-clock time (e.g. a time inside PidLidAppointmentRecur) to UTC.
    pub fn local_to_utc(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        apply_bias(local, self.bias_at(local)?)
    }
}

/// Decodes a TZDEFINITION stream.
///
/// Fails only when the stream cannot be read: a `bMajorVersion` other than 2 (the layout of another major
/// version is unknown, and Outlook treats such a property as absent), a field cut short, or a `cRules` or
/// `cchKeyName` the remaining bytes cannot hold. Every other rule violation becomes a diagnostic.
pub fn decode_tz_definition(data: &[u8]) -> Result<Decoded<TzDefinition>> {
    let mut r = Reader::new(data, DEF);
    let mut diags = Diagnostics::new();

    let major_version = r.u8("bMajorVersion")?;
    if major_version != TZ_BIN_VERSION_MAJOR {
        return Err(Error::BadValue {
            structure: DEF,
            field: "bMajorVersion",
            offset: 0,
            value: u64::from(major_version),
        });
    }
    let minor_version = r.u8("bMinorVersion")?;
    if minor_version < TZ_BIN_VERSION_MINOR {
        diags.push(
            DiagKind::BadVersion,
            DiagSeverity::Error,
            DEF,
            "bMinorVersion",
            1,
            format!(
                "bMinorVersion {minor_version} is below 1; Outlook's reader rejects the property"
            ),
        );
    }
    let cb_header_at = r.offset();
    let cb_header = r.u16("cbHeader")?;
    let flags_at = r.offset();
    let flags = r.u16("wFlags")?;
    let known = TZDEFINITION_FLAG_VALID_GUID | TZDEFINITION_FLAG_VALID_KEYNAME;
    if flags & !known != 0 {
        diags.push(
            DiagKind::NonZeroReserved,
            DiagSeverity::Warning,
            DEF,
            "wFlags",
            flags_at,
            format!("wFlags {flags:#06x} has bits other than 0x0001 and 0x0002"),
        );
    }
    let guid = if flags & TZDEFINITION_FLAG_VALID_GUID != 0 {
        Some(r.guid("guid")?)
    } else {
        None
    };

    let mut cch_key_name = None;
    let mut key_name = None;
    if flags & TZDEFINITION_FLAG_VALID_KEYNAME != 0 {
        let cch_at = r.offset();
        let cch = r.u16("cchKeyName")?;
        r.check_count(u64::from(cch), 2, "cchKeyName", cch_at)?;
        let units = r.utf16(usize::from(cch), "KeyName")?;
        cch_key_name = Some(cch);
        key_name = Some(String::from_utf16_lossy(&units));
        if cch > MAX_KEY_NAME {
            diags.push(
                DiagKind::OutOfRange,
                DiagSeverity::Warning,
                DEF,
                "cchKeyName",
                cch_at,
                format!("cchKeyName {cch} exceeds the registry limit of {MAX_KEY_NAME} characters"),
            );
        }
        if cch == 0 {
            diags.push(
                DiagKind::EmptyKeyName,
                DiagSeverity::Error,
                DEF,
                "cchKeyName",
                cch_at,
                "the time zone key name is empty (cchKeyName 0), which crashed Outlook 2010 (KB 2553248)",
            );
        } else if key_name
            .as_deref()
            .is_some_and(|n| n.chars().all(|c| c == '\0' || c.is_whitespace()))
        {
            diags.push(
                DiagKind::EmptyKeyName,
                DiagSeverity::Error,
                DEF,
                "KeyName",
                cch_at + 2,
                "the time zone key name holds only NUL or blank characters",
            );
        }
    } else {
        diags.push(
            DiagKind::EmptyKeyName,
            DiagSeverity::Error,
            DEF,
            "wFlags",
            flags_at,
            "wFlags lacks TZDEFINITION_FLAG_VALID_KEYNAME, so the definition has no key name (KB 2553248)",
        );
    }

    // cbHeader counts from wFlags through cRules.
    let expected_cb = r.offset() + 2 - flags_at;
    if usize::from(cb_header) != expected_cb {
        diags.push(
            DiagKind::HeaderSizeMismatch,
            DiagSeverity::Warning,
            DEF,
            "cbHeader",
            cb_header_at,
            format!("cbHeader is {cb_header} but the header fields take {expected_cb} bytes"),
        );
    }

    let c_rules_at = r.offset();
    let c_rules = r.u16("cRules")?;
    if c_rules == 0 {
        diags.push(
            DiagKind::NoRules,
            DiagSeverity::Error,
            DEF,
            "cRules",
            c_rules_at,
            "cRules is 0, but a definition needs at least one rule",
        );
    } else if c_rules > TZ_MAX_RULES {
        diags.push(
            DiagKind::OutOfRange,
            DiagSeverity::Warning,
            DEF,
            "cRules",
            c_rules_at,
            format!("cRules {c_rules} exceeds TZ_MAX_RULES ({TZ_MAX_RULES})"),
        );
    }
    r.check_count(u64::from(c_rules), TZRULE_FULL_SIZE, "cRules", c_rules_at)?;

    r.set_structure(RULE);
    let mut rules = Vec::with_capacity(usize::from(c_rules));
    let mut offsets = Vec::with_capacity(usize::from(c_rules));
    for _ in 0..c_rules {
        offsets.push(r.offset());
        rules.push(read_rule(&mut r, &mut diags)?);
    }
    r.set_structure(DEF);

    check_rule_set(&rules, &offsets, &mut diags);

    let trailing_at = r.offset();
    let trailing = r.rest().to_vec();
    if !trailing.is_empty() {
        let (severity, message) = if c_rules == 0 {
            (
                DiagSeverity::Warning,
                format!(
                    "{} bytes follow a cRules of 0 (rules that the count leaves out)",
                    trailing.len()
                ),
            )
        } else if minor_version > TZ_BIN_VERSION_MINOR {
            (
                DiagSeverity::Info,
                format!(
                    "{} bytes follow the last rule; minor version {minor_version} may append data",
                    trailing.len()
                ),
            )
        } else {
            (
                DiagSeverity::Warning,
                format!("{} bytes follow the last rule", trailing.len()),
            )
        };
        diags.push(
            DiagKind::DataAfterRules,
            severity,
            DEF,
            "TZRules",
            trailing_at,
            message,
        );
    }

    Ok(Decoded {
        value: TzDefinition {
            major_version,
            minor_version,
            cb_header,
            flags,
            guid,
            cch_key_name,
            key_name,
            c_rules,
            rules,
            trailing,
        },
        diagnostics: diags.into_vec(),
    })
}

fn read_rule(r: &mut Reader<'_>, diags: &mut Diagnostics) -> Result<TzRule> {
    let at = r.offset();
    let major_version = r.u8("bMajorVersion")?;
    let minor_version = r.u8("bMinorVersion")?;
    let cb_rule_at = r.offset();
    let cb_rule = r.u16("cbRule")?;
    let flags_at = r.offset();
    let flags = r.u16("wFlags")?;
    let st_start = SystemTime::read(r, "stStart")?;
    let l_bias = r.i32("lBias")?;
    let l_standard_bias = r.i32("lStandardBias")?;
    let l_daylight_bias = r.i32("lDaylightBias")?;
    let std_at = r.offset();
    let st_standard_date = SystemTime::read(r, "stStandardDate")?;
    let dst_at = r.offset();
    let st_daylight_date = SystemTime::read(r, "stDaylightDate")?;
    let extension = match cb_rule.checked_sub(TZRULE_SIZE) {
        Some(extra) if extra > 0 => r.bytes(usize::from(extra), "cbRule")?.to_vec(),
        _ => Vec::new(),
    };

    if major_version != TZ_BIN_VERSION_MAJOR {
        diags.push(
            DiagKind::BadVersion,
            DiagSeverity::Error,
            RULE,
            "bMajorVersion",
            at,
            format!("rule bMajorVersion is {major_version}, not 2; Outlook's reader rejects the property"),
        );
    }
    if minor_version < TZ_BIN_VERSION_MINOR {
        diags.push(
            DiagKind::BadVersion,
            DiagSeverity::Error,
            RULE,
            "bMinorVersion",
            at + 1,
            format!("rule bMinorVersion is {minor_version}, below 1; Outlook's reader rejects the property"),
        );
    }
    if cb_rule < TZRULE_SIZE {
        diags.push(
            DiagKind::HeaderSizeMismatch,
            DiagSeverity::Error,
            RULE,
            "cbRule",
            cb_rule_at,
            format!(
                "cbRule is {cb_rule}, less than the {TZRULE_SIZE} bytes of rule fields; readers that follow cbRule misplace the next rule"
            ),
        );
    } else if cb_rule > TZRULE_SIZE {
        diags.push(
            DiagKind::HeaderSizeMismatch,
            DiagSeverity::Info,
            RULE,
            "cbRule",
            cb_rule_at,
            format!(
                "cbRule is {cb_rule}: {} extension bytes were skipped",
                cb_rule - TZRULE_SIZE
            ),
        );
    }
    let known = TZRULE_FLAG_RECUR_CURRENT_TZREG | TZRULE_FLAG_EFFECTIVE_TZREG;
    if flags & !known != 0 {
        diags.push(
            DiagKind::NonZeroReserved,
            DiagSeverity::Warning,
            RULE,
            "wFlags",
            flags_at,
            format!("rule wFlags {flags:#06x} has bits other than 0x0001 and 0x0002"),
        );
    }
    if flags & known == TZRULE_FLAG_RECUR_CURRENT_TZREG {
        diags.push(
            DiagKind::BadEnumValue,
            DiagSeverity::Warning,
            RULE,
            "wFlags",
            flags_at,
            "TZRULE_FLAG_RECUR_CURRENT_TZREG is set on a rule that is not the effective rule",
        );
    }
    check_transitions(
        diags,
        RULE,
        &st_standard_date,
        std_at,
        &st_daylight_date,
        dst_at,
    );

    Ok(TzRule {
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
    })
}

/// Checks the rules as a set: exactly one effective rule, ascending years.
fn check_rule_set(rules: &[TzRule], offsets: &[usize], diags: &mut Diagnostics) {
    let Some(&first_at) = offsets.first() else {
        return;
    };
    let effective: Vec<usize> = rules
        .iter()
        .zip(offsets)
        .filter(|(rule, _)| rule.is_effective())
        .map(|(_, at)| *at)
        .collect();
    match effective.as_slice() {
        [] => diags.push(
            DiagKind::NoEffectiveRule,
            DiagSeverity::Warning,
            RULE,
            "wFlags",
            first_at,
            "no rule carries TZRULE_FLAG_EFFECTIVE_TZREG",
        ),
        [_] => {}
        [_, second, ..] => diags.push(
            DiagKind::MultipleEffectiveRules,
            DiagSeverity::Warning,
            RULE,
            "wFlags",
            *second + 4,
            format!(
                "{} rules carry TZRULE_FLAG_EFFECTIVE_TZREG; exactly one may",
                effective.len()
            ),
        ),
    }
    for (pair, at) in rules.windows(2).zip(offsets.iter().skip(1)) {
        let [prev, next] = pair else {
            continue;
        };
        if next.w_year() <= prev.w_year() {
            diags.push(
                DiagKind::RulesNotSorted,
                DiagSeverity::Warning,
                RULE,
                "wYear",
                *at + 6,
                format!(
                    "rule for {} follows the rule for {}; rules must be in ascending years without overlap",
                    next.w_year(),
                    prev.w_year()
                ),
            );
        }
    }
}

/// Writes a TZDEFINITION exactly as described by `def`, consistent or not.
///
/// Every stored field is written as given: `cb_header`, `flags` and `c_rules` are not recomputed, the GUID
/// and `cchKeyName` are written when they are `Some` (whatever `flags` says), the key name when it is
/// `Some`, then every rule (with its `cb_rule` and `extension`) and `trailing`. This lets fixtures build
/// broken streams such as an empty key name or a `cRules` of 0 followed by rules.
pub fn encode_tz_definition(def: &TzDefinition) -> Vec<u8> {
    let mut out = Vec::with_capacity(16 + def.rules.len() * TZRULE_FULL_SIZE + def.trailing.len());
    out.push(def.major_version);
    out.push(def.minor_version);
    out.extend_from_slice(&def.cb_header.to_le_bytes());
    out.extend_from_slice(&def.flags.to_le_bytes());
    if let Some(guid) = def.guid {
        out.extend_from_slice(&guid.to_bytes_le());
    }
    if let Some(cch) = def.cch_key_name {
        out.extend_from_slice(&cch.to_le_bytes());
    }
    if let Some(name) = &def.key_name {
        for unit in name.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
    }
    out.extend_from_slice(&def.c_rules.to_le_bytes());
    for rule in &def.rules {
        encode_rule(rule, &mut out);
    }
    out.extend_from_slice(&def.trailing);
    out
}

fn encode_rule(rule: &TzRule, out: &mut Vec<u8>) {
    out.push(rule.major_version);
    out.push(rule.minor_version);
    out.extend_from_slice(&rule.cb_rule.to_le_bytes());
    out.extend_from_slice(&rule.flags.to_le_bytes());
    out.extend_from_slice(&rule.st_start.to_bytes());
    out.extend_from_slice(&rule.l_bias.to_le_bytes());
    out.extend_from_slice(&rule.l_standard_bias.to_le_bytes());
    out.extend_from_slice(&rule.l_daylight_bias.to_le_bytes());
    out.extend_from_slice(&rule.st_standard_date.to_bytes());
    out.extend_from_slice(&rule.st_daylight_date.to_bytes());
    out.extend_from_slice(&rule.extension);
}

#[cfg(test)]
mod tests {

    #[test]
    fn relative_transitions_step_back_exactly_as_date_checks_did() {
        // The former rule: step back a week while the date does not exist, asking chrono each time.
        let reference = |st: &SystemTime, year: i32| {
            if st.is_unset() || st.w_day_of_week > 6 || !(1..=5).contains(&st.w_day) {
                return None;
            }
            let month = u32::from(st.w_month);
            let first = NaiveDate::from_ymd_opt(year, month, 1)?;
            let offset =
                (u32::from(st.w_day_of_week) + 7 - first.weekday().num_days_from_sunday()) % 7;
            let mut day = 1 + offset + 7 * (u32::from(st.w_day) - 1);
            while NaiveDate::from_ymd_opt(year, month, day).is_none() && day > 7 {
                day -= 7;
            }
            Some(NaiveDate::from_ymd_opt(year, month, day)?.and_time(st.time_of_day()?))
        };
        for year in (1599..=2101).chain([0, 4, 100, 400, 9999]) {
            for month in 0..=13 {
                for dow in 0..=7 {
                    for week in 0..=6 {
                        let st = SystemTime::relative(month, dow, week, 2, 0);
                        assert_eq!(
                            st.transition_in(year),
                            reference(&st, year),
                            "{year} {month} {dow} {week}"
                        );
                    }
                }
            }
        }
        // The last Sunday of March 2024 is the 31st, of February 2024 (a leap year) the 25th.
        assert_eq!(
            SystemTime::relative(3, 0, 5, 1, 0).transition_in(2024),
            NaiveDate::from_ymd_opt(2024, 3, 31)
                .unwrap()
                .and_hms_opt(1, 0, 0)
        );
        assert_eq!(
            SystemTime::relative(2, 4, 5, 0, 0).transition_in(2024),
            NaiveDate::from_ymd_opt(2024, 2, 29)
                .unwrap()
                .and_hms_opt(0, 0, 0)
        );
    }
    use super::*;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, 0)
            .unwrap()
    }

    /// Eastern Standard Time from 2007 on: DST from the 2nd Sunday of March 02:00 to the 1st Sunday of
    /// November 02:00, bias 300, daylight bias −60 (the rule of [MS-OXOCAL] 4.1.4 with bias 300).
    fn est_2007(flags: u16) -> TzRule {
        TzRule::new(
            2007,
            flags,
            300,
            0,
            -60,
            SystemTime::relative(11, 0, 1, 2, 0),
            SystemTime::relative(3, 0, 2, 2, 0),
        )
    }

    /// Eastern Standard Time 1987–2006: DST from the 1st Sunday of April to the last Sunday of October.
    fn est_2006(flags: u16) -> TzRule {
        TzRule::new(
            2006,
            flags,
            300,
            0,
            -60,
            SystemTime::relative(10, 0, 5, 2, 0),
            SystemTime::relative(4, 0, 1, 2, 0),
        )
    }

    fn est_definition() -> TzDefinition {
        TzDefinition::new("Eastern Standard Time", vec![est_2006(0), est_2007(0x0002)])
    }

    fn decode(def: &TzDefinition) -> Decoded<TzDefinition> {
        decode_tz_definition(&encode_tz_definition(def)).unwrap()
    }

    fn kinds(d: &Decoded<TzDefinition>) -> Vec<(DiagKind, DiagSeverity)> {
        d.diagnostics.iter().map(|x| (x.kind, x.severity)).collect()
    }

    #[test]
    fn systemtime_bytes_round_trip() {
        let st = SystemTime {
            w_year: 2024,
            w_month: 2,
            w_day_of_week: 4,
            w_day: 29,
            w_hour: 23,
            w_minute: 59,
            w_second: 58,
            w_milliseconds: 999,
        };
        let b = st.to_bytes();
        assert_eq!(&b[..4], &[0xE8, 0x07, 0x02, 0x00]);
        assert_eq!(SystemTime::from_bytes(b), st);
        assert_eq!(
            st.to_naive(),
            Some(dt(2024, 2, 29, 23, 59) + TimeDelta::milliseconds(58_999))
        );
    }

    #[test]
    fn relative_transition_dates_resolve_per_year() {
        // 2nd Sunday of March: 2007-03-11, 1st Sunday of November: 2007-11-04.
        assert_eq!(
            SystemTime::relative(3, 0, 2, 2, 0).transition_in(2007),
            Some(dt(2007, 3, 11, 2, 0))
        );
        assert_eq!(
            SystemTime::relative(11, 0, 1, 2, 0).transition_in(2007),
            Some(dt(2007, 11, 4, 2, 0))
        );
        // Week 5 = last: October 2006 has four Sundays after the 1st (29th is the last).
        assert_eq!(
            SystemTime::relative(10, 0, 5, 2, 0).transition_in(2006),
            Some(dt(2006, 10, 29, 2, 0))
        );
        // Week 5 where the month has five such days: Sundays of October 2023 are 1, 8, 15, 22, 29.
        assert_eq!(
            SystemTime::relative(10, 0, 5, 3, 0).transition_in(2023),
            Some(dt(2023, 10, 29, 3, 0))
        );
        // Last Saturday of February in a leap year: 2024-02-24.
        assert_eq!(
            SystemTime::relative(2, 6, 5, 0, 0).transition_in(2024),
            Some(dt(2024, 2, 24, 0, 0))
        );
        // An absolute date is itself, whatever year is asked.
        let abs = SystemTime {
            w_year: 2010,
            w_month: 3,
            w_day: 28,
            w_hour: 2,
            ..SystemTime::default()
        };
        assert_eq!(abs.transition_in(2011), Some(dt(2010, 3, 28, 2, 0)));
        assert_eq!(SystemTime::default().transition_in(2007), None);
        assert_eq!(
            SystemTime::relative(3, 7, 2, 2, 0).transition_in(2007),
            None
        );
        assert_eq!(
            SystemTime::relative(3, 0, 0, 2, 0).transition_in(2007),
            None
        );
        assert_eq!(
            SystemTime::relative(13, 0, 1, 2, 0).transition_in(2007),
            None
        );
        assert_eq!(
            SystemTime::relative(3, 0, 1, 24, 0).transition_in(2007),
            None
        );
    }

    #[test]
    fn est_2007_utc_around_spring_forward() {
        let rule = est_2007(0x0002);
        // Before the jump: EST, UTC = local + 300.
        assert_eq!(
            rule.local_to_utc(dt(2007, 3, 11, 1, 59)),
            Some(dt(2007, 3, 11, 6, 59))
        );
        // 02:30 does not exist on 2007-03-11; it takes the offset before the jump (RFC 5545 3.3.5).
        assert_eq!(rule.bias_at(dt(2007, 3, 11, 2, 30)), 300);
        assert_eq!(
            rule.local_to_utc(dt(2007, 3, 11, 2, 30)),
            Some(dt(2007, 3, 11, 7, 30))
        );
        // From 03:00 EDT: UTC = local + 240.
        assert!(rule.is_daylight_at(dt(2007, 3, 11, 3, 0)));
        assert_eq!(
            rule.local_to_utc(dt(2007, 3, 11, 3, 0)),
            Some(dt(2007, 3, 11, 7, 0))
        );
        // The day before is standard time.
        assert_eq!(rule.bias_at(dt(2007, 3, 10, 12, 0)), 300);
    }

    #[test]
    fn est_2007_utc_around_fall_back() {
        let rule = est_2007(0x0002);
        assert_eq!(
            rule.local_to_utc(dt(2007, 11, 4, 0, 59)),
            Some(dt(2007, 11, 4, 4, 59))
        );
        // 01:30 happens twice; the first occurrence (EDT) is meant.
        assert_eq!(rule.bias_at(dt(2007, 11, 4, 1, 30)), 240);
        assert_eq!(
            rule.local_to_utc(dt(2007, 11, 4, 1, 30)),
            Some(dt(2007, 11, 4, 5, 30))
        );
        // From 02:00 (daylight clock) it is EST again.
        assert!(!rule.is_daylight_at(dt(2007, 11, 4, 2, 0)));
        assert_eq!(
            rule.local_to_utc(dt(2007, 11, 4, 2, 0)),
            Some(dt(2007, 11, 4, 7, 0))
        );
        assert_eq!(rule.bias_at(dt(2007, 7, 1, 12, 0)), 240);
        assert_eq!(rule.bias_at(dt(2007, 1, 15, 12, 0)), 300);
        assert_eq!(rule.bias_at(dt(2007, 12, 31, 23, 59)), 300);
    }

    #[test]
    fn rule_for_year_follows_wyear_and_first_rule_covers_earlier_dates() {
        let def = est_definition();
        assert_eq!(def.rule_for_year(1990).map(TzRule::w_year), Some(2006));
        assert_eq!(def.rule_for_year(2006).map(TzRule::w_year), Some(2006));
        assert_eq!(def.rule_for_year(2007).map(TzRule::w_year), Some(2007));
        assert_eq!(def.rule_for_year(2100).map(TzRule::w_year), Some(2007));
        assert_eq!(def.effective_rule().map(TzRule::w_year), Some(2007));
        // 2006 rules: DST from 2006-04-02 (1st Sunday of April) to 2006-10-29 (last Sunday of October).
        assert_eq!(
            def.local_to_utc(dt(2006, 3, 15, 12, 0)),
            Some(dt(2006, 3, 15, 17, 0))
        );
        assert_eq!(
            def.local_to_utc(dt(2006, 4, 1, 12, 0)),
            Some(dt(2006, 4, 1, 17, 0))
        );
        assert_eq!(
            def.local_to_utc(dt(2006, 4, 2, 3, 0)),
            Some(dt(2006, 4, 2, 7, 0))
        );
        assert_eq!(
            def.local_to_utc(dt(2006, 10, 29, 1, 30)),
            Some(dt(2006, 10, 29, 5, 30))
        );
        assert_eq!(
            def.local_to_utc(dt(2006, 10, 29, 2, 0)),
            Some(dt(2006, 10, 29, 7, 0))
        );
        // 2007 rules: mid-March is already daylight time, early November 2007 too (until the 4th).
        assert_eq!(def.utc_offset_at(dt(2007, 3, 15, 12, 0)), Some(-240));
        assert_eq!(def.utc_offset_at(dt(2007, 11, 2, 12, 0)), Some(-240));
        assert_eq!(def.utc_offset_at(dt(2006, 11, 2, 12, 0)), Some(-300));
        // The first rule applies before its own year.
        assert_eq!(def.bias_at(dt(2005, 7, 1, 12, 0)), Some(240));
        assert_eq!(TzDefinition::new("X", Vec::new()).rule_for_year(2007), None);
    }

    #[test]
    fn rule_for_year_unsorted_picks_greatest_year_not_after() {
        let def = TzDefinition::new("X", vec![est_2007(0x0002), est_2006(0)]);
        assert_eq!(def.rule_for_year(2006).map(TzRule::w_year), Some(2006));
        assert_eq!(def.rule_for_year(2008).map(TzRule::w_year), Some(2007));
        // Before every rule: the first rule in stream order.
        assert_eq!(def.rule_for_year(2000).map(TzRule::w_year), Some(2007));
    }

    #[test]
    fn southern_hemisphere_dst_spans_new_year() {
        // AUS Eastern Standard Time (2008+): bias −600, DST from 1st Sunday October to 1st Sunday April.
        let rule = TzRule::new(
            2008,
            2,
            -600,
            0,
            -60,
            SystemTime::relative(4, 0, 1, 3, 0),
            SystemTime::relative(10, 0, 1, 2, 0),
        );
        // 2024-01-15 12:00 AEDT = 01:00 UTC; 2024-06-15 12:00 AEST = 02:00 UTC.
        assert_eq!(
            rule.local_to_utc(dt(2024, 1, 15, 12, 0)),
            Some(dt(2024, 1, 15, 1, 0))
        );
        assert_eq!(
            rule.local_to_utc(dt(2024, 6, 15, 12, 0)),
            Some(dt(2024, 6, 15, 2, 0))
        );
        // 2024-04-07 is the 1st Sunday of April: 02:59 is still AEDT, 03:00 is AEST.
        assert_eq!(rule.bias_at(dt(2024, 4, 7, 2, 59)), -660);
        assert_eq!(rule.bias_at(dt(2024, 4, 7, 3, 0)), -600);
        // 2024-10-06 is the 1st Sunday of October: 02:30 does not exist, 03:00 is AEDT.
        assert_eq!(rule.bias_at(dt(2024, 10, 6, 2, 30)), -600);
        assert_eq!(rule.bias_at(dt(2024, 10, 6, 3, 0)), -660);
    }

    #[test]
    fn no_dst_uses_standard_bias_even_with_daylight_bias() {
        // Tokyo as Outlook writes it: lDaylightBias −60 but no transition dates (formats §9.11).
        let rule = TzRule::new(
            1601,
            2,
            -540,
            0,
            -60,
            SystemTime::default(),
            SystemTime::default(),
        );
        assert!(!rule.has_dst());
        assert_eq!(rule.bias_at(dt(2023, 7, 1, 12, 0)), -540);
        assert_eq!(
            rule.local_to_utc(dt(2023, 7, 1, 12, 0)),
            Some(dt(2023, 7, 1, 3, 0))
        );
    }

    #[test]
    fn consistent_definition_decodes_without_diagnostics() {
        let def = est_definition();
        let bytes = encode_tz_definition(&def);
        // 2 + 2 + 2 + 2 + 42 (21 UTF-16 units) + 2 header bytes and two 66-byte rules.
        assert_eq!(bytes.len(), 10 + 42 + 2 * 66);
        assert_eq!(&bytes[..6], &[0x02, 0x01, 0x30, 0x00, 0x02, 0x00]);
        let d = decode_tz_definition(&bytes).unwrap();
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(d.value, def);
        assert_eq!(d.value.key_name_state(), KeyNameState::Present);
        assert_eq!(encode_tz_definition(&d.value), bytes);
    }

    #[test]
    fn guid_flag_adds_sixteen_header_bytes() {
        let mut def = est_definition();
        def.flags |= TZDEFINITION_FLAG_VALID_GUID;
        def.guid = Some(Guid::from_fields(
            0x1234_5678,
            0x9ABC,
            0xDEF0,
            [1, 2, 3, 4, 5, 6, 7, 8],
        ));
        def.cb_header += 16;
        let d = decode(&def);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(d.value, def);
    }

    #[test]
    fn real_data_quirks_are_not_flagged() {
        // Non-zero "X" (stStart = January 1), Recur effective rule 0x0002 only, effective rule not the last,
        // and lDaylightBias −60 without transitions (formats §9.9–9.11).
        let tokyo = TzRule::new(
            2008,
            0,
            -540,
            0,
            -60,
            SystemTime::default(),
            SystemTime::default(),
        );
        let def = TzDefinition::new("X", vec![est_2006(0x0002), est_2007(0), tokyo]);
        let d = decode(&def);
        assert!(d.diagnostics.is_empty(), "{:?}", d.diagnostics);
        assert_eq!(
            d.value.rules[0].x(),
            [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        );
    }

    #[test]
    fn error_bad_major_version() {
        let mut bytes = encode_tz_definition(&est_definition());
        bytes[0] = 3;
        let err = decode_tz_definition(&bytes).unwrap_err();
        assert_eq!(
            err,
            Error::BadValue {
                structure: "TZDEFINITION",
                field: "bMajorVersion",
                offset: 0,
                value: 3
            }
        );
    }

    #[test]
    fn error_truncated_header_fields() {
        let bytes = encode_tz_definition(&est_definition());
        for (len, field) in [
            (0, "bMajorVersion"),
            (1, "bMinorVersion"),
            (3, "cbHeader"),
            (5, "wFlags"),
            (7, "cchKeyName"),
        ] {
            let err = decode_tz_definition(&bytes[..len]).unwrap_err();
            assert!(matches!(err, Error::Truncated { .. }), "{len}: {err:?}");
            assert_eq!(err.field(), field, "{len}");
        }
        let err = decode_tz_definition(&bytes[..50]).unwrap_err();
        assert_eq!(err.field(), "cRules");
    }

    #[test]
    fn error_truncated_guid() {
        let err = decode_tz_definition(&[0x02, 0x01, 0x16, 0x00, 0x03, 0x00, 0xAA]).unwrap_err();
        assert_eq!(err.field(), "guid");
        assert_eq!(err.offset(), 6);
    }

    #[test]
    fn error_key_name_longer_than_blob() {
        #[rustfmt::skip]
        let bytes = [
            0x02, 0x01,             // bMajorVersion, bMinorVersion
            0x0C, 0x00,             // cbHeader
            0x02, 0x00,             // wFlags: key name present
            0xFF, 0xFF,             // cchKeyName 65535
            0x55, 0x00, 0x54, 0x00, // "UT" and nothing more
        ];
        let err = decode_tz_definition(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                Error::CountTooLarge {
                    count: 0xFFFF,
                    offset: 6,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.field(), "cchKeyName");
    }

    #[test]
    fn error_rule_count_larger_than_blob() {
        let mut def = est_definition();
        def.c_rules = 3;
        let bytes = encode_tz_definition(&def);
        let err = decode_tz_definition(&bytes).unwrap_err();
        assert!(
            matches!(err, Error::CountTooLarge { count: 3, .. }),
            "{err:?}"
        );
        assert_eq!(err.field(), "cRules");
        assert_eq!(err.offset(), 50);
    }

    #[test]
    fn error_rule_extension_truncated() {
        let mut def = est_definition();
        def.rules[1].cb_rule = TZRULE_SIZE + 10;
        let bytes = encode_tz_definition(&def);
        let err = decode_tz_definition(&bytes).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Truncated {
                    structure: "TZRULE",
                    field: "cbRule",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn diag_minor_version_zero() {
        let mut def = est_definition();
        def.minor_version = 0;
        assert_eq!(
            kinds(&decode(&def)),
            vec![(DiagKind::BadVersion, DiagSeverity::Error)]
        );
    }

    #[test]
    fn diag_rule_versions() {
        let mut def = est_definition();
        def.rules[0].major_version = 3;
        def.rules[1].minor_version = 0;
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![
                (DiagKind::BadVersion, DiagSeverity::Error),
                (DiagKind::BadVersion, DiagSeverity::Error)
            ]
        );
        assert_eq!(d.diagnostics[0].offset, 52);
        assert_eq!(d.diagnostics[1].offset, 52 + 66 + 1);
    }

    #[test]
    fn diag_header_size_mismatch_is_a_warning() {
        let mut def = est_definition();
        def.cb_header = 6;
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::HeaderSizeMismatch, DiagSeverity::Warning)]
        );
        assert_eq!(d.diagnostics[0].offset, 2);
        assert_eq!(d.value.cb_header, 6);
    }

    #[test]
    fn diag_cb_rule_short_and_long() {
        let mut def = est_definition();
        def.rules[0].cb_rule = 0x20;
        def.rules[1].cb_rule = TZRULE_SIZE + 4;
        def.rules[1].extension = vec![9, 9, 9, 9];
        def.minor_version = 2;
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![
                (DiagKind::HeaderSizeMismatch, DiagSeverity::Error),
                (DiagKind::HeaderSizeMismatch, DiagSeverity::Info)
            ]
        );
        assert_eq!(d.value, def);
    }

    #[test]
    fn diag_empty_key_name_kb2553248_layout() {
        // The EWS-created StartDisplay that crashed Outlook 2010 with KB 2553248: 76 bytes, cbHeader 6,
        // wFlags 0x0002, cchKeyName 0, one effective rule.
        let rule = TzRule::new(
            2012,
            TZRULE_FLAG_EFFECTIVE_TZREG,
            300,
            0,
            -60,
            SystemTime::relative(11, 0, 1, 2, 0),
            SystemTime::relative(3, 0, 2, 2, 0),
        );
        let def = TzDefinition::new("", vec![rule]);
        let bytes = encode_tz_definition(&def);
        assert_eq!(bytes.len(), 76);
        assert_eq!(
            &bytes[..10],
            &[0x02, 0x01, 0x06, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00]
        );
        let d = decode_tz_definition(&bytes).unwrap();
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::EmptyKeyName, DiagSeverity::Error)]
        );
        assert_eq!(d.diagnostics[0].field, "cchKeyName");
        assert_eq!(d.value.key_name.as_deref(), Some(""));
        assert_eq!(d.value.key_name_state(), KeyNameState::Empty);
    }

    #[test]
    fn diag_missing_key_name_flag() {
        let mut def = est_definition();
        def.flags = 0;
        def.cch_key_name = None;
        def.key_name = None;
        def.cb_header = 4;
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::EmptyKeyName, DiagSeverity::Error)]
        );
        assert_eq!(d.diagnostics[0].field, "wFlags");
        assert_eq!(d.value.key_name_state(), KeyNameState::Missing);
        assert_eq!(d.value, def);
    }

    #[test]
    fn diag_blank_key_name() {
        let def = TzDefinition::new("\0\0", vec![est_2007(2)]);
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::EmptyKeyName, DiagSeverity::Error)]
        );
        assert_eq!(d.value.key_name_state(), KeyNameState::Blank);
    }

    #[test]
    fn diag_key_name_too_long() {
        let name = "A".repeat(261);
        let d = decode(&TzDefinition::new(&name, vec![est_2007(2)]));
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::OutOfRange, DiagSeverity::Warning)]
        );
        assert_eq!(d.value.key_name.as_deref(), Some(name.as_str()));
    }

    #[test]
    fn diag_no_rules_and_data_after() {
        let mut def = TzDefinition::new("Eastern Standard Time", Vec::new());
        let d = decode(&def);
        assert_eq!(kinds(&d), vec![(DiagKind::NoRules, DiagSeverity::Error)]);
        // cRules 0 followed by rule bytes (MFCMAPI TIMEZONEDEFINITION-3 shape).
        def.trailing = encode_tz_definition(&est_definition()).split_off(52);
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![
                (DiagKind::NoRules, DiagSeverity::Error),
                (DiagKind::DataAfterRules, DiagSeverity::Warning)
            ]
        );
        assert_eq!(d.diagnostics[1].offset, 52);
        assert_eq!(d.value.trailing.len(), 132);
    }

    #[test]
    fn diag_trailing_bytes_after_rules() {
        let mut def = est_definition();
        def.trailing = vec![0, 0, 0, 0];
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::DataAfterRules, DiagSeverity::Warning)]
        );
        assert_eq!(d.diagnostics[0].offset, 52 + 132);
        // A later minor version may append data: only informational.
        def.minor_version = 2;
        assert_eq!(
            kinds(&decode(&def)),
            vec![(DiagKind::DataAfterRules, DiagSeverity::Info)]
        );
    }

    #[test]
    fn diag_too_many_rules() {
        let rules = (0..1025u16)
            .map(|i| est_2007(if i == 0 { 2 } else { 0 }))
            .collect::<Vec<_>>();
        let rules: Vec<TzRule> = rules
            .into_iter()
            .enumerate()
            .map(|(i, mut r)| {
                r.st_start.w_year = 1000 + i as u16;
                r
            })
            .collect();
        let d = decode(&TzDefinition::new("X", rules));
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::OutOfRange, DiagSeverity::Warning)]
        );
        assert_eq!(d.value.rules.len(), 1025);
    }

    #[test]
    fn diag_effective_rule_count() {
        let none = decode(&TzDefinition::new("X", vec![est_2006(0), est_2007(0)]));
        assert_eq!(
            kinds(&none),
            vec![(DiagKind::NoEffectiveRule, DiagSeverity::Warning)]
        );
        assert_eq!(none.value.effective_rule(), None);
        let two = decode(&TzDefinition::new("X", vec![est_2006(2), est_2007(3)]));
        assert_eq!(
            kinds(&two),
            vec![(DiagKind::MultipleEffectiveRules, DiagSeverity::Warning)]
        );
        assert_eq!(two.diagnostics[0].offset, 12 + 66 + 4);
        assert_eq!(two.value.effective_rule().map(TzRule::w_year), Some(2006));
    }

    #[test]
    fn diag_rules_not_sorted() {
        let d = decode(&TzDefinition::new("X", vec![est_2007(0), est_2006(2)]));
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::RulesNotSorted, DiagSeverity::Warning)]
        );
        assert_eq!(d.diagnostics[0].offset, 12 + 66 + 6);
        // Two rules for the same year overlap.
        let d = decode(&TzDefinition::new("X", vec![est_2007(0), est_2007(2)]));
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::RulesNotSorted, DiagSeverity::Warning)]
        );
    }

    #[test]
    fn diag_bad_transition_dates() {
        let cases = [
            SystemTime::relative(13, 0, 1, 2, 0),
            SystemTime::relative(11, 7, 1, 2, 0),
            SystemTime::relative(11, 0, 0, 2, 0),
            SystemTime::relative(11, 0, 6, 2, 0),
            SystemTime::relative(11, 0, 1, 24, 0),
            SystemTime::relative(11, 0, 1, 2, 60),
            SystemTime {
                w_year: 2021,
                w_month: 2,
                w_day: 30,
                ..SystemTime::default()
            },
        ];
        for st in cases {
            let mut rule = est_2007(2);
            rule.st_standard_date = st;
            let d = decode(&TzDefinition::new("X", vec![rule]));
            assert_eq!(
                kinds(&d),
                vec![(DiagKind::BadTransitionDate, DiagSeverity::Error)],
                "{st:?}"
            );
            assert_eq!(d.diagnostics[0].field, "stStandardDate");
            // stStandardDate follows bMajor/bMinor/cbRule (4), wFlags (2), stStart (16) and three biases (12).
            assert_eq!(d.diagnostics[0].offset, 12 + 34);
        }
        // Only one of the two dates set: DST never ends.
        let mut rule = est_2007(2);
        rule.st_standard_date = SystemTime::default();
        let d = decode(&TzDefinition::new("X", vec![rule]));
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::BadTransitionDate, DiagSeverity::Error)]
        );
        // Valid absolute dates are fine.
        let mut rule = est_2007(2);
        rule.st_standard_date = SystemTime {
            w_year: 2024,
            w_month: 2,
            w_day: 29,
            ..SystemTime::default()
        };
        assert!(
            decode(&TzDefinition::new("X", vec![rule]))
                .diagnostics
                .is_empty()
        );
    }

    #[test]
    fn diag_unknown_flag_bits() {
        let mut def = est_definition();
        def.flags |= 0x0004;
        def.rules[0].flags = 0x0008;
        let d = decode(&def);
        assert_eq!(
            kinds(&d),
            vec![
                (DiagKind::NonZeroReserved, DiagSeverity::Warning),
                (DiagKind::NonZeroReserved, DiagSeverity::Warning)
            ]
        );
    }

    #[test]
    fn diag_recur_flag_without_effective_flag() {
        let d = decode(&TzDefinition::new("X", vec![est_2006(1), est_2007(2)]));
        assert_eq!(
            kinds(&d),
            vec![(DiagKind::BadEnumValue, DiagSeverity::Warning)]
        );
    }

    #[test]
    fn encoder_writes_inconsistent_layouts_verbatim() {
        let mut def = est_definition();
        def.c_rules = 0;
        def.cch_key_name = Some(2);
        let bytes = encode_tz_definition(&def);
        assert_eq!(&bytes[6..8], &[0x02, 0x00]);
        assert_eq!(&bytes[50..52], &[0x00, 0x00]);
        assert_eq!(bytes.len(), 52 + 132);
    }
}

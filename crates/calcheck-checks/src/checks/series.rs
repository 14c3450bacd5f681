//! Helpers shared by the recurrence (CC2xx) and time-zone (CC3xx) checks; not a check itself.
//!
//! They give every such check the same answers: which items are appointments, the decoded
//! PidLidAppointmentRecur ([MS-OXOCAL] 2.2.1.44), the series' time zones for turning the blob's local
//! wall-clock minutes into UTC ([MS-OXOCAL] 2.2.1.39, 2.2.1.41), CalCheck's date exemptions, and how a
//! decoder [`Diagnostic`] becomes a finding.

use std::sync::Arc;

use calcheck_format::recurrence::{AppointmentRecurrencePattern, ExceptionInfo};
use calcheck_format::time::{self, TICKS_PER_MINUTE};
use calcheck_format::tzdef::{SystemTime, TzDefinition};
use calcheck_format::tzreg::TzReg;
use calcheck_format::{Decoded, DiagKind, DiagSeverity, Diagnostic};
use calcheck_model::decoded::View;
use calcheck_model::{CalendarItem, PropDef, names};
use chrono::Datelike;

use crate::facts::{contains_any_lowercase, starts_with_ignore_ascii_case};
use crate::finding::Finding;
use crate::meta::Severity;

/// The message class of embedded exception messages ([MS-OXOCAL] 2.2.10.2; seen in every real file).
pub(crate) const EXCEPTION_CLASS_PREFIX: &str =
    "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}";

/// The words CalCheck treats as "this is a birthday" (`rgstrBDayText`), lowercase.
const BIRTHDAY_WORDS: [&str; 5] = [
    "birthday",
    "b-day",
    "anniversaire",
    "geburtstag",
    "cumpleaños",
];

/// True when the message class does not rule the item out as an appointment.
///
/// A calendar folder read from a PST holds appointments and meeting requests; a folder of .msg files
/// may also hold notes, contacts or tasks, which carry no appointment properties at all. Items whose
/// class is missing or empty count as appointments (CC109 and CC111 report the class itself).
pub(crate) fn is_appointment_class(item: &CalendarItem) -> bool {
    let class = item.message_class();
    // Nearly every item's class starts with "IPM.Appointment" as written, which one exact comparison
    // settles.
    class.is_empty()
        || class.starts_with("IPM.Appointment")
        || [
            "IPM.APPOINTMENT",
            "IPM.SCHEDULE.MEETING.REQUEST",
            "IPM.SCHEDULE.MEETING.CANCELED",
            "IPM.OLE.CLASS.{00061055",
        ]
        .iter()
        .any(|p| starts_with_ignore_ascii_case(class, p))
}

/// PidLidRecurring is true (the only authoritative recurrence flag, formats.md §9.19).
pub(crate) fn is_recurring(item: &CalendarItem) -> bool {
    item.facts().recurring.unwrap_or(false)
}

/// True when CalCheck skips its "unusual date" warnings for the item: an all-day event
/// (PidLidAppointmentSubType) or a subject naming a birthday (`ProcessCalendar.cpp`, `CheckSubject`).
pub(crate) fn exempt_from_date_warnings(item: &CalendarItem) -> bool {
    let all_day = item
        .props
        .bool(&names::APPOINTMENT_SUB_TYPE)
        .unwrap_or(false);
    all_day
        || item
            .props
            .str(&names::SUBJECT)
            .is_some_and(|s| contains_any_lowercase(s, &BIRTHDAY_WORDS))
}

/// The decoded PidLidAppointmentRecur, when the property is present and decodes.
pub(crate) fn recurrence(item: &CalendarItem) -> Option<&Decoded<AppointmentRecurrencePattern>> {
    item.decoded().recurrence.as_ref()?.as_ref().ok()
}

/// True when the blob has the 18 bytes after the RecurrencePattern (time offsets, ExceptionCount).
pub(crate) fn has_tail_header(a: &AppointmentRecurrencePattern) -> bool {
    !matches!(&a.truncated, Some(t) if t.section == calcheck_format::recurrence::TailSection::Header)
}

/// One exception the decoder found outside the series (DiagKind::ExceptionOutsideSeries).
pub(crate) struct OutsideException<'a> {
    /// Index of the ExceptionInfo, when the diagnostic's offset names one.
    pub index: Option<usize>,
    /// The ExceptionInfo.
    pub info: Option<&'a ExceptionInfo>,
    /// The decoder's diagnostic.
    pub diag: &'a Diagnostic,
}

impl OutsideException<'_> {
    /// Evidence name and value: `ExceptionInfo[i].OriginalStartDate (offset n)` and the date.
    pub(crate) fn evidence(&self) -> (String, String) {
        match (self.index, self.info) {
            (Some(i), Some(e)) => (
                format!(
                    "ExceptionInfo[{i}].OriginalStartDate (offset {})",
                    self.diag.offset
                ),
                minutes_evidence(e.original_start_date),
            ),
            _ => (
                format!("offset {}", self.diag.offset),
                self.diag.message.clone(),
            ),
        }
    }
}

/// The decoder's ExceptionOutsideSeries diagnostics split into exceptions before the series' StartDate
/// (CC211) and at or after its end (CC212).
///
/// The split follows the diagnostics rather than recomputing the bounds, so that every such diagnostic
/// is reported by exactly one of the two checks (CC213 leaves this kind to them).
pub(crate) fn exceptions_outside_series(
    r: &Decoded<AppointmentRecurrencePattern>,
) -> (Vec<OutsideException<'_>>, Vec<OutsideException<'_>>) {
    let mut before = Vec::new();
    let mut after = Vec::new();
    for d in r
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagKind::ExceptionOutsideSeries)
    {
        let found = r
            .value
            .exception_info
            .iter()
            .enumerate()
            .find(|(_, e)| e.offset + 8 == d.offset);
        let is_before = match found {
            Some((_, e)) => e.original_start_date < r.value.pattern.start_date,
            None => d.message.contains("before"),
        };
        let o = OutsideException {
            index: found.map(|(i, _)| i),
            info: found.map(|(_, e)| e),
            diag: d,
        };
        if is_before {
            before.push(o);
        } else {
            after.push(o);
        }
    }
    (before, after)
}

/// Series start in local minutes since 1601: StartDate + StartTimeOffset, as CalCheck computes it.
pub(crate) fn series_start(a: &AppointmentRecurrencePattern) -> u64 {
    u64::from(a.pattern.start_date) + u64::from(a.start_time_offset)
}

/// Series end in local minutes since 1601: EndDate + EndTimeOffset, as CalCheck computes it.
pub(crate) fn series_end(a: &AppointmentRecurrencePattern) -> u64 {
    u64::from(a.pattern.end_date) + u64::from(a.end_time_offset)
}

/// Local minutes as a FILETIME-scaled value, for comparing with CalCheck's FILETIME thresholds.
pub(crate) fn minutes_ticks(minutes: u64) -> u64 {
    minutes.saturating_mul(TICKS_PER_MINUTE)
}

/// Local minutes as `YYYY-MM-DD HH:MM`, also for sums past the `u32` range.
pub(crate) fn format_local(minutes: u64) -> String {
    let days = minutes / u64::from(time::MINUTES_PER_DAY);
    let rest = (minutes % u64::from(time::MINUTES_PER_DAY)) as i64;
    time::epoch_1601()
        .checked_add_days(chrono::Days::new(days))
        .and_then(|d| d.checked_add_signed(chrono::TimeDelta::minutes(rest)))
        .map_or_else(
            || format!("{minutes} minutes after 1601"),
            |d| d.format("%Y-%m-%d %H:%M").to_string(),
        )
}

/// A stored minutes field with its raw value, e.g. `0x0CE9E5A0 (2023-01-06 00:00)`.
pub(crate) fn minutes_evidence(minutes: u32) -> String {
    format!("{minutes:#010X} ({})", time::format_minutes(minutes))
}

/// The UTC candidates of one local time, one per zone of a [`SeriesZones`] at most, kept inline:
/// checks convert a few times per exception, and a list on the heap cost more than the conversion.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct UtcTimes {
    /// How many of `times` are filled.
    len: usize,
    /// The distinct candidates, in zone order.
    times: [u64; MAX_ZONES],
}

impl UtcTimes {
    /// Adds `m` unless it is already there (or the list is full, which [`SeriesZones::of`] never
    /// lets happen: it knows at most two zones).
    fn add(&mut self, m: u64) {
        if !self.contains(&m)
            && let Some(slot) = self.times.get_mut(self.len)
        {
            *slot = m;
            self.len += 1;
        }
    }
}

impl std::ops::Deref for UtcTimes {
    type Target = [u64];

    fn deref(&self) -> &[u64] {
        self.times.get(..self.len).unwrap_or(&[])
    }
}

/// More zones than a series can have (TZDefRecur and PidLidTimeZoneStruct, or one fallback).
const MAX_ZONES: usize = 3;

/// One source of the series' time zone.
#[derive(Debug, Clone, Copy)]
enum ZoneSource<'a> {
    /// PidLidAppointmentTimeZoneDefinitionRecur (or StartDisplay as a fallback): rules per year.
    Definition(&'a TzDefinition),
    /// PidLidTimeZoneStruct.
    Reg(&'a TzReg),
    /// A fixed offset (UTC = local + bias) derived from the series master.
    Bias(i64),
}

/// The time zones in which a series' local wall-clock times may be meant.
///
/// [MS-OXOCAL] 2.2.1.41 makes PidLidTimeZoneStruct win when it and the effective rule of
/// PidLidAppointmentTimeZoneDefinitionRecur disagree, while Outlook 2007 and later expand with the
/// definition's rule for each year. Checks that compare times accept a match under any of them, so a
/// disagreement between the two (CC305's finding) does not also turn into false mismatches.
///
/// The zones are kept inline: two checks build this for every recurring item, and a list on the heap
/// cost an allocation each time for at most two entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct SeriesZones<'a> {
    /// How many of `zones` are filled.
    len: usize,
    /// The zones with the name of their source, in the order they are tried.
    zones: [Option<(&'static str, ZoneSource<'a>)>; MAX_ZONES],
}

/// The fields of a TZREG-shaped rule that its bias at a local time is computed from: `lBias`,
/// `lStandardBias`, `lDaylightBias`, `stStandardDate`, `stDaylightDate`. [`TzRule::bias_at`] and
/// [`TzReg::bias_at`] hand exactly these to one function, so equal fields give equal biases.
///
/// [`TzRule::bias_at`]: calcheck_format::tzdef::TzRule::bias_at
type BiasFields<'a> = (i32, i32, i32, &'a SystemTime, &'a SystemTime);

impl<'a> SeriesZones<'a> {
    /// Adds a zone (a series has at most [`MAX_ZONES`]; a further one would be ignored).
    fn push(&mut self, name: &'static str, zone: ZoneSource<'a>) {
        if let Some(slot) = self.zones.get_mut(self.len) {
            *slot = Some((name, zone));
            self.len += 1;
        }
    }

    /// The zones with their names, in order.
    fn iter(&self) -> impl Iterator<Item = &(&'static str, ZoneSource<'a>)> {
        self.zones.iter().flatten()
    }

    /// The zones of `item`'s series: TZDefRecur and PidLidTimeZoneStruct; else TZDefStartDisplay; else
    /// the offset between PidLidAppointmentStartWhole and the blob's first start (no daylight saving).
    pub(crate) fn of(item: &'a CalendarItem, a: &AppointmentRecurrencePattern) -> Self {
        let d = item.decoded();
        let mut zones = SeriesZones::default();
        if let Some(Ok(def)) = &d.tz_recur
            && !def.value.rules.is_empty()
        {
            zones.push(
                "PidLidAppointmentTimeZoneDefinitionRecur",
                ZoneSource::Definition(&def.value),
            );
        }
        if let Some(Ok(reg)) = &d.tz_struct {
            zones.push("PidLidTimeZoneStruct", ZoneSource::Reg(&reg.value));
        }
        if zones.is_empty()
            && let Some(Ok(def)) = &d.tz_start_display
            && !def.value.rules.is_empty()
        {
            zones.push(
                "PidLidAppointmentTimeZoneDefinitionStartDisplay",
                ZoneSource::Definition(&def.value),
            );
        }
        if zones.is_empty()
            && has_tail_header(a)
            && let Some(start) = item.facts().start
        {
            let local = i64::try_from(series_start(a)).unwrap_or(i64::MAX);
            let utc = i64::try_from(start / TICKS_PER_MINUTE).unwrap_or(i64::MAX);
            zones.push(
                "the offset of PidLidAppointmentStartWhole",
                ZoneSource::Bias(utc.saturating_sub(local)),
            );
        }
        zones
    }

    /// True when no time zone is known at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when a zone comes from a stored time-zone property (not from the master's own offset).
    pub(crate) fn has_stored_zone(&self) -> bool {
        self.iter().any(|(_, z)| !matches!(z, ZoneSource::Bias(_)))
    }

    /// The names of the zone sources, joined for evidence.
    pub(crate) fn describe(&self) -> String {
        let names: Vec<&str> = self.iter().map(|(n, _)| *n).collect();
        names.join(", ")
    }

    /// `local` (minutes since 1601, wall clock) as UTC minutes since 1601 under each zone, deduplicated.
    pub(crate) fn to_utc(&self, local: u64) -> UtcTimes {
        let mut out = UtcTimes::default();
        let Ok(local32) = u32::try_from(local) else {
            return out;
        };
        let naive = time::minutes_to_naive(local32);
        // The rule fields behind the last bias worked out: PidLidTimeZoneStruct usually repeats the
        // definition's rule for the year, and then its bias is that one (see [`BiasFields`]).
        let mut last: Option<(BiasFields<'_>, i64)> = None;
        for (_, zone) in self.iter() {
            // UTC = local + bias, in whole minutes. Adding the bias to the minutes gives what
            // `local_to_utc` and `naive_to_minutes` give, without the round trip through a date:
            // both are whole minutes, a u32 of minutes plus a bias of two i32 stays far inside
            // chrono's range, and a result before 1601 or past u32 is dropped either way.
            let bias = match zone {
                // `TzDefinition::bias_at`, with the rule it picks kept for the next zone.
                ZoneSource::Definition(def) => def.rule_for_year(naive.year()).map(|rule| {
                    let fields = (
                        rule.l_bias,
                        rule.l_standard_bias,
                        rule.l_daylight_bias,
                        &rule.st_standard_date,
                        &rule.st_daylight_date,
                    );
                    let bias = rule.bias_at(naive);
                    last = Some((fields, bias));
                    bias
                }),
                ZoneSource::Reg(reg) => {
                    let fields = (
                        reg.l_bias,
                        reg.l_standard_bias,
                        reg.l_daylight_bias,
                        &reg.st_standard_date,
                        &reg.st_daylight_date,
                    );
                    Some(match last {
                        Some((seen, bias)) if seen == fields => bias,
                        _ => reg.bias_at(naive),
                    })
                }
                ZoneSource::Bias(bias) => Some(*bias),
            };
            if let Some(m) = bias
                .and_then(|b| i64::from(local32).checked_add(b))
                .and_then(|m| u32::try_from(m).ok())
            {
                out.add(u64::from(m));
            }
        }
        out
    }

    /// The UTC candidates of `local` formatted for evidence, e.g. `2023-01-06 03:00 UTC`.
    pub(crate) fn describe_utc(&self, local: u64) -> String {
        let list: Vec<String> = self
            .to_utc(local)
            .iter()
            .map(|m| format!("{} UTC", format_local(*m)))
            .collect();
        if list.is_empty() {
            "(cannot be converted)".to_owned()
        } else {
            list.join(" or ")
        }
    }
}

/// The item itself (`None`) and each embedded message of its attachments (`Some(attachment index)`).
pub(crate) fn item_and_exceptions(
    item: &CalendarItem,
) -> impl Iterator<Item = (Option<u32>, &CalendarItem)> {
    std::iter::once((None, item)).chain(item.exception_items().map(|(a, e)| (Some(a.index), e)))
}

/// The three TZDEFINITION properties of an item with their decoded views, in [MS-OXOCAL] order.
pub(crate) fn tz_definitions(
    item: &CalendarItem,
) -> [(&'static PropDef, &View<Arc<TzDefinition>>); 3] {
    let d = item.decoded();
    [
        (
            &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
            &d.tz_start_display,
        ),
        (
            &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
            &d.tz_end_display,
        ),
        (&names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR, &d.tz_recur),
    ]
}

/// A FILETIME as whole minutes since 1601 (seconds dropped), for comparisons at minute precision.
pub(crate) fn filetime_minutes(ft: u64) -> u64 {
    ft / TICKS_PER_MINUTE
}

/// The finding severity of a decoder diagnostic: Info, Warning and Error map one to one.
pub(crate) fn severity_of(d: &Diagnostic) -> Severity {
    match d.severity {
        DiagSeverity::Info => Severity::Info,
        DiagSeverity::Warning => Severity::Warning,
        DiagSeverity::Error => Severity::Error,
    }
}

/// Adds a diagnostic's location and rule to a finding: byte offset, `structure.field`, rule kind and
/// the decoder's own rating.
pub(crate) fn diag_evidence(f: &mut Finding, property: &str, d: &Diagnostic) {
    f.evidence("property", property);
    f.evidence("offset", format!("{} ({:#X})", d.offset, d.offset));
    f.evidence("field", format!("{}.{}", d.structure, d.field));
    f.evidence("rule", format!("{:?} ({})", d.kind, d.severity));
}

/// How a nested item is named in messages: empty for the item itself, else `"Exception in attachment N: "`.
pub(crate) fn exception_prefix(attachment: Option<u32>) -> String {
    attachment.map_or_else(String::new, |n| format!("Exception in attachment {n}: "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vector(rel: &str) -> Vec<u8> {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/vectors")
            .join(rel);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        calcheck_format::hex::decode_hex(&text).unwrap()
    }

    #[test]
    fn utc_candidates_are_the_decoders_conversions() {
        // [MS-OXOCAL] 4.1.4 and 4.1.5: Pacific time as a TZDEFINITION and as a TZREG.
        let def = calcheck_format::tzdef::decode_tz_definition(&vector(
            "tzdefinition/oxocal-4.1.4-pacific-2-rules.hex",
        ))
        .unwrap()
        .value;
        let reg = calcheck_format::tzreg::decode_tzreg(&vector(
            "tzstruct/oxocal-4.1.5-pacific-tzreg.hex",
        ))
        .unwrap()
        .value;
        let mut zones = SeriesZones::default();
        zones.push("def", ZoneSource::Definition(&def));
        zones.push("reg", ZoneSource::Reg(&reg));
        // 2024-07-01 12:00 Pacific daylight time is 19:00 UTC; 2024-01-15 12:00 standard time is 20:00.
        let at = |y, m, d, h| {
            let t = chrono::NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap();
            u64::from(time::naive_to_minutes(t).unwrap())
        };
        assert_eq!(&*zones.to_utc(at(2024, 7, 1, 12)), [at(2024, 7, 1, 19)]);
        assert_eq!(&*zones.to_utc(at(2024, 1, 15, 12)), [at(2024, 1, 15, 20)]);
        // Every local time, including the edges of the minutes range and times around the
        // transitions, converts as the decoders' own local_to_utc does.
        let mut locals: Vec<u64> =
            vec![0, 1, 479, 480, u64::from(u32::MAX), u64::from(u32::MAX) + 1];
        locals.extend((0..4000u64).map(|i| at(1990, 1, 1, 0) + i * 7 * 60 + i % 61));
        for y in [2006, 2007, 2024] {
            for (m, d) in [(3, 11), (3, 12), (4, 2), (10, 29), (11, 5)] {
                for minute in (0..=240).step_by(15) {
                    locals.push(at(y, m, d, 0) + minute);
                }
            }
        }
        for local in locals {
            let mut want: Vec<u64> = Vec::new();
            if let Ok(l) = u32::try_from(local) {
                let naive = time::minutes_to_naive(l);
                for m in [
                    def.local_to_utc(naive).and_then(time::naive_to_minutes),
                    reg.local_to_utc(naive).and_then(time::naive_to_minutes),
                ]
                .into_iter()
                .flatten()
                {
                    if !want.contains(&u64::from(m)) {
                        want.push(u64::from(m));
                    }
                }
            }
            assert_eq!(&*zones.to_utc(local), want.as_slice(), "{local}");
        }
    }

    #[test]
    fn format_local_handles_sums_past_u32() {
        // 0x5AE980DF is 4500-12-31 23:59 ([MS-OXOCAL] 2.2.1.44.1, EndDate of a never-ending series).
        assert_eq!(format_local(0x5AE9_80DF), "4500-12-31 23:59");
        assert_eq!(format_local(0x5AE9_80DF + 1), "4501-01-01 00:00");
        assert_eq!(format_local(u64::from(u32::MAX) + 1440).len(), 16);
    }
}

//! CC216 series-start-mismatch: the series master's start or end differs from the first occurrence in PidLidAppointmentRecur.

use calcheck_format::time::format_filetime;
use calcheck_model::{CalendarItem, names};

use crate::checks::series::{
    SeriesZones, filetime_minutes, format_local, has_tail_header, is_recurring, minutes_evidence,
    recurrence,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// On a recurring item, that PidLidAppointmentStartWhole and PidLidAppointmentEndWhole (UTC) are the
    /// start and end of the series' first occurrence as PidLidAppointmentRecur gives them: StartDate plus
    /// StartTimeOffset, and StartDate plus EndTimeOffset, in the series' local time, converted to UTC with
    /// PidLidAppointmentTimeZoneDefinitionRecur or PidLidTimeZoneStruct (a match under either is accepted).
    /// Items without any of these time zones, and blobs cut short before the time offsets, are not checked.
    /// The comparison is at minute precision.
    ///
    /// ## Why it matters
    /// Views that do not expand the series (lists, searches, reminders, sync clients) use the master's
    /// start and end. When they disagree with the pattern, the series is listed at the wrong time, and
    /// clients that rebuild the pattern from the master move every occurrence.
    ///
    /// ## How to fix
    /// Open the series in Outlook, open its recurrence and save it; Outlook rewrites the master's times
    /// from the pattern.
    ///
    /// ## Example
    /// A daily 09:00 series in Pacific time whose StartWhole says 09:00 UTC: it was written without the
    /// time-zone conversion.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.5, 2.2.1.6, 2.2.1.44.5 (StartTimeOffset, EndTimeOffset). Not in CalCheck.
    pub SeriesStartMismatch,
    code: "CC216", name: "series-start-mismatch", severity: Warning, category: Recurrence,
    calcheck: [],
    summary: "The series master's start or end is not the pattern's first occurrence",
}

impl Check for SeriesStartMismatch {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_recurring(item) {
            return;
        }
        let Some(r) = recurrence(item) else { return };
        let a = &r.value;
        if !has_tail_header(a) {
            return;
        }
        let zones = SeriesZones::of(item, a);
        // The fallback zone is derived from StartWhole itself, so it would prove nothing.
        if !zones.has_stored_zone() {
            return;
        }
        let date = u64::from(a.pattern.start_date);
        for (def, offset, what) in [
            (
                &names::APPOINTMENT_START_WHOLE,
                a.start_time_offset,
                "start",
            ),
            (&names::APPOINTMENT_END_WHOLE, a.end_time_offset, "end"),
        ] {
            let stored = if what == "start" {
                item.facts().start
            } else {
                item.facts().end
            };
            let Some(t) = stored else {
                continue;
            };
            let local = date + u64::from(offset);
            if zones.to_utc(local).contains(&filetime_minutes(t)) {
                continue;
            }
            let f = cx.report(
                self,
                format!(
                    "{} is {} but the first occurrence's {what} is {}",
                    def.name,
                    format_filetime(t),
                    zones.describe_utc(local)
                ),
            );
            f.detail(format!(
                "PidLidAppointmentRecur gives {} local time (StartDate + {}), converted with {}",
                format_local(local),
                if what == "start" {
                    "StartTimeOffset"
                } else {
                    "EndTimeOffset"
                },
                zones.describe()
            ));
            f.evidence(def.name, format_filetime(t));
            f.evidence("StartDate", minutes_evidence(a.pattern.start_date));
            f.evidence(
                if what == "start" {
                    "StartTimeOffset"
                } else {
                    "EndTimeOffset"
                },
                offset.to_string(),
            );
        }
    }
}

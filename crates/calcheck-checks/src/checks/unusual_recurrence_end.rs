//! CC209 unusual-recurrence-end: a series with an end date ends on or before 1995-01-01, or further ahead than the run's future limit.

use calcheck_format::time;
use calcheck_model::CalendarItem;

use crate::checks::series::{
    exempt_from_date_warnings, format_local, minutes_evidence, minutes_ticks, recurrence,
    series_end,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// The series end from PidLidAppointmentRecur (EndDate plus EndTimeOffset, the blob's local wall
    /// clock). It warns when the end is on or before 1995-01-01 00:00 (CalCheck 0006), or later than "now"
    /// plus `future_years` (ten by default) but not past 4501-01-02 (CalCheck 0007). Never-ending series
    /// (EndType 0x2023 or 0xFFFFFFFF) are skipped: their EndDate is Outlook's 4500-12-31 marker. All-day
    /// series and items whose subject names a birthday are skipped as CalCheck skips them. Zero and
    /// past-4501 ends are CC208's errors.
    ///
    /// CalCheck 0007 compared with a fixed 2025-01-01, so since then it warns about every series that
    /// ends in the future; calcheck's limit moves with the run's "now". CalCheck skipped never-ending
    /// series only for 0007; calcheck skips them for both warnings.
    ///
    /// ## Why it matters
    /// A series ending decades away, when it was set to end "by" a date or after a number of occurrences,
    /// usually comes from a mistyped year or a conversion error; the series then runs far longer than
    /// intended and keeps blocking free/busy.
    ///
    /// ## How to fix
    /// Check the series' end in Outlook and correct it; ignore the warning if it is intended.
    ///
    /// ## Example
    /// A series meant to end in 2026 whose end date was imported as 2206.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.1. CalCheck 0006: `WARNING: Recurrence End Date/Time is earlier than Jan 1
    /// 1995. This might be intentional but may also indicate a problem.` CalCheck 0007: `WARNING:
    /// Recurrence End Date/Time is later than Jan 1 2025. This might be intentional but may also indicate a
    /// problem.`
    pub UnusualRecurrenceEnd,
    code: "CC209", name: "unusual-recurrence-end", severity: Warning, category: Recurrence,
    calcheck: ["0006", "0007"],
    summary: "Recurrence with an end date ends before 1995 or unusually far in the future",
}

impl Check for UnusualRecurrenceEnd {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let a = &r.value;
        if a.pattern.end_type.is_never() {
            return;
        }
        let end = series_end(a);
        let ticks = minutes_ticks(end);
        let limit = cx.options.future_limit();
        let unusual = ticks <= time::FILETIME_1995_01_01 || ticks > limit;
        // The exemption reads the subject, so it is asked only about the few unusual dates.
        let (message, number) = if end == 0
            || ticks > time::FILETIME_4501_01_02
            || !unusual
            || exempt_from_date_warnings(item)
        {
            return;
        } else if ticks <= time::FILETIME_1995_01_01 {
            (
                "Recurrence End Date/Time is earlier than Jan 1 1995. This might be intentional but may also indicate a problem".to_owned(),
                "0006",
            )
        } else if ticks > limit {
            (
                format!(
                    "Recurrence End Date/Time is later than {} ({} years from now). This might be intentional but may also indicate a problem",
                    time::filetime_to_utc(limit).format("%Y-%m-%d"),
                    cx.options.future_years
                ),
                "0007",
            )
        } else {
            return;
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        f.evidence("EndType", format!("{:#010X}", a.pattern.end_type.value()));
        f.evidence("EndDate", minutes_evidence(a.pattern.end_date));
        f.evidence("EndTimeOffset", a.end_time_offset.to_string());
        f.evidence("series end (local)", format_local(end));
    }
}

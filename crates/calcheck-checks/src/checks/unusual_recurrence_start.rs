//! CC207 unusual-recurrence-start: the series starts on or before 1995-01-01, or further ahead than the run's future limit.

use calcheck_format::time;
use calcheck_model::CalendarItem;

use crate::checks::series::{
    exempt_from_date_warnings, format_local, minutes_evidence, minutes_ticks, recurrence,
    series_start,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// The series start from PidLidAppointmentRecur (StartDate plus StartTimeOffset, the blob's local wall
    /// clock). It warns when the start is on or before 1995-01-01 00:00 (CalCheck 0002), or later than
    /// "now" plus `future_years` (ten by default) but not past 4501-01-02 (CalCheck 0003). Zero and
    /// past-4501 starts are CC206's errors. All-day series (PidLidAppointmentSubType) and items whose
    /// subject names a birthday ("birthday", "b-day", "anniversaire", "geburtstag", "cumpleaños") are
    /// skipped, as CalCheck skips them.
    ///
    /// CalCheck 0003 compared with a fixed 2025-01-01, so since then it warns about every new series;
    /// calcheck's limit moves with the run's "now" (`--now`). CalCheck also dropped this warning when the
    /// item already had an error; calcheck always reports it.
    ///
    /// ## Why it matters
    /// A series that starts decades away is usually a typo or a date conversion error in an import, and
    /// its occurrences are not where the user expects them.
    ///
    /// ## How to fix
    /// If the start is wrong, edit the series' recurrence. If it is intended, ignore the warning or raise
    /// `--future-years`.
    ///
    /// ## Example
    /// A weekly meeting imported with the year 2205 instead of 2025.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.1. CalCheck 0002: `WARNING: Recurrence Start Date/Time is earlier than Jan 1
    /// 1995. This might be intentional but may also indicate a problem.` CalCheck 0003: `WARNING:
    /// Recurrence Start Date/Time is later than Jan 1 2025. This might be intentional but may also indicate
    /// a problem.`
    pub UnusualRecurrenceStart,
    code: "CC207", name: "unusual-recurrence-start", severity: Warning, category: Recurrence,
    calcheck: ["0002", "0003"],
    summary: "Recurrence starts before 1995 or unusually far in the future",
}

impl Check for UnusualRecurrenceStart {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let a = &r.value;
        let start = series_start(a);
        let ticks = minutes_ticks(start);
        let limit = cx.options.future_limit();
        let unusual = ticks <= time::FILETIME_1995_01_01 || ticks > limit;
        // The exemption reads the subject, so it is asked only about the few unusual dates.
        let (message, number) = if start == 0
            || ticks > time::FILETIME_4501_01_02
            || !unusual
            || exempt_from_date_warnings(item)
        {
            return;
        } else if ticks <= time::FILETIME_1995_01_01 {
            (
                "Recurrence Start Date/Time is earlier than Jan 1 1995. This might be intentional but may also indicate a problem".to_owned(),
                "0002",
            )
        } else if ticks > limit {
            (
                format!(
                    "Recurrence Start Date/Time is later than {} ({} years from now). This might be intentional but may also indicate a problem",
                    time::filetime_to_utc(limit).format("%Y-%m-%d"),
                    cx.options.future_years
                ),
                "0003",
            )
        } else {
            return;
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        f.evidence("StartDate", minutes_evidence(a.pattern.start_date));
        f.evidence("StartTimeOffset", a.start_time_offset.to_string());
        f.evidence("series start (local)", format_local(start));
    }
}

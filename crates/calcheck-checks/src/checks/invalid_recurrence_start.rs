//! CC206 invalid-recurrence-start: the series starts at the zero date or past 4501-01-02.

use calcheck_format::time;
use calcheck_model::CalendarItem;

use crate::checks::series::{
    format_local, minutes_evidence, minutes_ticks, recurrence, series_start,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// The series start CalCheck computes from PidLidAppointmentRecur: StartDate plus StartTimeOffset,
    /// in minutes since 1601. It is an error when it is 0 (1601-01-01 00:00, CalCheck 0001) or later than
    /// 4501-01-02 00:00 (CalCheck 0004), past the last date Outlook can represent. Both values are the
    /// blob's local wall clock; the limits are date-level, so no time-zone conversion is needed.
    ///
    /// ## Why it matters
    /// Outlook cannot place a series that starts at the epoch or after 4500; such blobs come from writers
    /// that lost the date, and they hang or crash clients that expand the series.
    ///
    /// ## How to fix
    /// Recreate the series with a real start date.
    ///
    /// ## Example
    /// A blob whose StartDate and StartTimeOffset are both 0.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.1, 2.2.1.44.5. CalCheck 0001: `ERROR: Recurrence Start is set to zero. Check
    /// the recurrence data on this item.` CalCheck 0004: `ERROR: Recurrence Start Date/Time is past the
    /// upper limit. Check the recurrence data on this item.`
    pub InvalidRecurrenceStart,
    code: "CC206", name: "invalid-recurrence-start", severity: Error, category: Recurrence,
    calcheck: ["0001", "0004"],
    summary: "Recurrence starts at 1601-01-01 or after 4501-01-02",
}

impl Check for InvalidRecurrenceStart {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let a = &r.value;
        let start = series_start(a);
        let (message, number) = if start == 0 {
            ("Recurrence Start is set to zero", "0001")
        } else if minutes_ticks(start) > time::FILETIME_4501_01_02 {
            ("Recurrence Start Date/Time is past the upper limit", "0004")
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

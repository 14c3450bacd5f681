//! CC212 exception-after-series: an exception replaces an instance that would start after the series ends.

use calcheck_model::CalendarItem;

use crate::checks::series::{
    exceptions_outside_series, format_local, minutes_evidence, recurrence, series_end,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Each ExceptionInfo in PidLidAppointmentRecur: its OriginalStartDate, the start of the instance the
    /// exception replaces, must be earlier than the series end, EndDate plus EndTimeOffset. One finding per
    /// item (CalCheck reported 0015 once per item), with every offending exception as evidence.
    ///
    /// For a series of zero-length occurrences (EndTimeOffset equal to StartTimeOffset) CalCheck's bound
    /// excluded the last occurrence itself, so an exception of that occurrence was reported; calcheck lets
    /// the last occurrence's own start through.
    ///
    /// ## Why it matters
    /// An exception after the end of the series belongs to no occurrence; Outlook can hang or crash
    /// expanding the series.
    ///
    /// ## How to fix
    /// Delete the series and recreate it, or have the organizer send a new series. Shortening a series in
    /// some third-party clients leaves such exceptions behind; extending the series again and deleting the
    /// occurrence is another way out.
    ///
    /// ## Example
    /// A series that ends 2024-05-31 with an exception whose OriginalStartDate is 2024-06-07 10:00.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.2. CalCheck 0015: `ERROR: Recurrence Original Start Time occurs after the end
    /// of the series. This could cause a hang or crash in Outlook.`
    pub ExceptionAfterSeries,
    code: "CC212", name: "exception-after-series", severity: Error, category: Recurrence,
    calcheck: ["0015"],
    summary: "An exception replaces an instance after the series ends",
}

impl Check for ExceptionAfterSeries {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let (_, after) = exceptions_outside_series(r);
        if after.is_empty() {
            return;
        }
        let f = cx.report(
            self,
            "Recurrence Original Start Time occurs after the end of the series",
        );
        f.detail("This could cause a hang or crash in Outlook: the exception replaces an occurrence the series does not have");
        f.evidence("EndDate", minutes_evidence(r.value.pattern.end_date));
        f.evidence("EndTimeOffset", r.value.end_time_offset.to_string());
        f.evidence("series end (local)", format_local(series_end(&r.value)));
        for o in &after {
            let (name, value) = o.evidence();
            f.evidence(name, value);
        }
    }
}

//! CC211 exception-before-series: an exception replaces an instance that would start before the series does.

use calcheck_model::CalendarItem;

use crate::checks::series::{exceptions_outside_series, minutes_evidence, recurrence};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Each ExceptionInfo in PidLidAppointmentRecur: its OriginalStartDate, the start of the instance the
    /// exception replaces, must not be earlier than the series' StartDate (midnight of the first
    /// occurrence). CalCheck reported this once per item (0014); calcheck reports one finding per item too,
    /// with every offending exception as evidence.
    ///
    /// The exception's new start may legitimately lie before the series start (the first occurrence moved
    /// a day earlier); CalCheck's author disabled that test for this reason, and calcheck does not run it.
    /// The original start cannot: it names an occurrence of the pattern.
    ///
    /// ## Why it matters
    /// An exception for an instance that never existed confuses every client's expansion; Outlook can hang
    /// or crash opening the series.
    ///
    /// ## How to fix
    /// Delete the series and recreate it, or have the organizer send a new series.
    ///
    /// ## Example
    /// A series starting 2024-05-06 with an exception whose OriginalStartDate is 2024-04-29 10:00.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.2. CalCheck 0014: `ERROR: Recurrence Original Start Time is set before the
    /// start of the series. This could cause a hang or crash in Outlook.`
    pub ExceptionBeforeSeries,
    code: "CC211", name: "exception-before-series", severity: Error, category: Recurrence,
    calcheck: ["0014"],
    summary: "An exception replaces an instance before the series starts",
}

impl Check for ExceptionBeforeSeries {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let (before, _) = exceptions_outside_series(r);
        if before.is_empty() {
            return;
        }
        let f = cx.report(
            self,
            "Recurrence Original Start Time is set before the start of the series",
        );
        f.detail("This could cause a hang or crash in Outlook: the exception replaces an occurrence the series does not have");
        f.evidence("StartDate", minutes_evidence(r.value.pattern.start_date));
        for o in &before {
            let (name, value) = o.evidence();
            f.evidence(name, value);
        }
    }
}

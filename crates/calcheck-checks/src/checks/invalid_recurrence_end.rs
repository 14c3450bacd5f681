//! CC208 invalid-recurrence-end: the series ends at the zero date, or past 4501-01-02 without being never-ending.

use calcheck_format::time;
use calcheck_model::CalendarItem;

use crate::checks::series::{
    format_local, minutes_evidence, minutes_ticks, recurrence, series_end,
};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// The series end CalCheck computes from PidLidAppointmentRecur: EndDate plus EndTimeOffset, in
    /// minutes since 1601 (the blob's local wall clock). It is an error when it is 0 (CalCheck 0005), or
    /// later than 4501-01-02 00:00 while the EndType is not "never" (CalCheck 0008). A never-ending series
    /// stores EndDate 4500-12-31 23:59, so its computed end may pass 4501-01-01 legitimately.
    ///
    /// ## Why it matters
    /// A zero end puts the last occurrence before the first; an end past 4500 that is not the never-ending
    /// marker means the date fields are corrupt. Clients then show no occurrences, or loop expanding them.
    ///
    /// ## How to fix
    /// Open the series and set its end again ("End by", "End after" or "No end date"), or recreate it.
    ///
    /// ## Example
    /// A series that ends after 10 occurrences whose EndDate was written as 0.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.1. CalCheck 0005: `ERROR: Recurrence End Date/Time is set to zero. Check the
    /// recurrence data on this item.` CalCheck 0008: `ERROR: Recurrence End Date/Time is past the upper
    /// limit. Check the recurrence data on this item.`
    pub InvalidRecurrenceEnd,
    code: "CC208", name: "invalid-recurrence-end", severity: Error, category: Recurrence,
    calcheck: ["0005", "0008"],
    summary: "Recurrence ends at 1601-01-01, or after 4501-01-02 without being never-ending",
}

impl Check for InvalidRecurrenceEnd {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let a = &r.value;
        let end = series_end(a);
        let never = a.pattern.end_type.is_never();
        let (message, number) = if end == 0 {
            ("Recurrence End Date/Time is set to zero", "0005")
        } else if minutes_ticks(end) > time::FILETIME_4501_01_02 && !never {
            ("Recurrence End Date/Time is past the upper limit", "0008")
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

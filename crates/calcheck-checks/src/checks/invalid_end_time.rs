//! CC105 invalid-end-time: PidLidAppointmentEndWhole is zero (1601-01-01) or past 4501-01-02.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{TimeClass, classify_time};

declare_check! {
    /// ## What it checks
    /// That the item's end (PidLidAppointmentEndWhole) is a time Outlook can show: not the FILETIME zero
    /// (1601-01-01 00:00, CalCheck 0021) and before 4501-01-02 00:00 (CalCheck 0024).
    ///
    /// ## Why it matters
    /// A zero end means the end was never written; an end past 4501 makes the item span every day of every
    /// view. Outlook then draws it wrongly or not at all, and free/busy blocks the wrong time.
    ///
    /// ## How to fix
    /// Open the item from a list view and set a real end, or delete and recreate it.
    ///
    /// ## Example
    /// A series master whose end was written as the "no end date" marker of the recurrence blob plus a day.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.6. CalCheck 0021: `ERROR: End Date/Time is set to Zero. Please check this item.`
    /// CalCheck 0024: `ERROR: End Date/Time is past the upper limit. Please check this item.`
    pub InvalidEndTime,
    code: "CC105", name: "invalid-end-time", severity: Error, category: ItemProps,
    calcheck: ["0021", "0024"],
    summary: "Item end is 1601-01-01 (zero) or past 4501-01-02",
}

impl Check for InvalidEndTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(end) = item.facts().end else {
            return;
        };
        let (message, number) = match classify_time(end, cx.options.future_limit()) {
            TimeClass::Zero => (
                "End Date/Time is set to Zero. Please check this item",
                "0021",
            ),
            TimeClass::PastUpperLimit => (
                "End Date/Time is past the upper limit. Please check this item",
                "0024",
            ),
            _ => return,
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        prop_evidence(f, item, &names::APPOINTMENT_END_WHOLE);
    }
}

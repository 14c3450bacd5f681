//! CC102 invalid-start-time: PidLidAppointmentStartWhole is zero (1601-01-01) or past 4501-01-02.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{TimeClass, classify_time};

declare_check! {
    /// ## What it checks
    /// That the item's start (PidLidAppointmentStartWhole) is a time Outlook can show: not the FILETIME
    /// zero (1601-01-01 00:00, CalCheck 0016) and before 4501-01-02 00:00 (CalCheck 0019), the day after
    /// the "no end date" marker 4501-01-01.
    ///
    /// ## Why it matters
    /// A zero start means the start was never written; a start past 4501 lies beyond every calendar
    /// view. Either way the item cannot be found in the calendar, and Outlook's reminder and free/busy
    /// code may fail on it.
    ///
    /// ## How to fix
    /// Open the item from a list view (View > Change View > List) and set a real start, or delete and
    /// recreate it.
    ///
    /// ## Example
    /// An item imported by a tool that wrote 0 for a missing start time.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.5. CalCheck 0016: `ERROR: Start Date/Time is to Zero. Please check this item.`
    /// CalCheck 0019: `ERROR: Start Date/Time is past the upper limit. Please check this item.`
    pub InvalidStartTime,
    code: "CC102", name: "invalid-start-time", severity: Error, category: ItemProps,
    calcheck: ["0016", "0019"],
    summary: "Item start is 1601-01-01 (zero) or past 4501-01-02",
}

impl Check for InvalidStartTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(start) = item.facts().start else {
            return;
        };
        let (message, number) = match classify_time(start, cx.options.future_limit()) {
            TimeClass::Zero => ("Start Date/Time is to Zero. Please check this item", "0016"),
            TimeClass::PastUpperLimit => (
                "Start Date/Time is past the upper limit. Please check this item",
                "0019",
            ),
            _ => return,
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        prop_evidence(f, item, &names::APPOINTMENT_START_WHOLE);
    }
}

//! CC107 start-after-end: PidLidAppointmentStartWhole is later than PidLidAppointmentEndWhole.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That the item's start (PidLidAppointmentStartWhole) is not later than its end
    /// (PidLidAppointmentEndWhole). Equal times are allowed: zero-length appointments are legal.
    ///
    /// ## Why it matters
    /// An item that ends before it starts has a negative duration. Outlook draws nothing for it, free/busy
    /// publishing skips it, and Exchange's calendar repair treats it as corrupt.
    ///
    /// ## How to fix
    /// Correct the start or end in Outlook; if the item cannot be opened, delete and recreate it.
    ///
    /// ## Example
    /// A meeting created through EWS with start and end swapped.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.5, 2.2.1.6. Not in CalCheck; CalVerifier: "ERROR: Start Time is greater than the End Time."
    pub StartAfterEnd,
    code: "CC107", name: "start-after-end", severity: Error, category: ItemProps,
    calcheck: [],
    summary: "Item starts after it ends",
}

impl Check for StartAfterEnd {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if let (Some(start), Some(end)) = (item.facts().start, item.facts().end)
            && start > end
        {
            let f = cx.report(self, "Start Time is later than the End Time");
            prop_evidence(f, item, &names::APPOINTMENT_START_WHOLE);
            prop_evidence(f, item, &names::APPOINTMENT_END_WHOLE);
        }
    }
}

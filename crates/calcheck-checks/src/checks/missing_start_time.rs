//! CC101 missing-start-time: the item has no PidLidAppointmentStartWhole.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That the item has PidLidAppointmentStartWhole (dispidApptStartWhole), the UTC start of the
    /// appointment or of the first occurrence of a series. A value stored with another type than PtypTime,
    /// or as an error placeholder, counts as missing, as it did for CalCheck.
    ///
    /// ## Why it matters
    /// Outlook places an item on the calendar grid by its start; without it the item vanishes from
    /// the calendar views and from free/busy.
    ///
    /// ## How to fix
    /// Open the item in Outlook and set a start time, or delete and recreate it.
    ///
    /// ## Example
    /// An item written by a third-party sync tool that set only PR_START_DATE.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.5. CalCheck 0020: "ERROR: Missing Appointment Start Time! Please check this item."
    pub MissingStartTime,
    code: "CC101", name: "missing-start-time", severity: Error, category: ItemProps,
    calcheck: ["0020"],
    summary: "Item has no PidLidAppointmentStartWhole",
}

impl Check for MissingStartTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        // CalCheck reads the property as PT_SYSTIME; absent, an error placeholder or another type all
        // leave the item without a usable start.
        if item.facts().start.is_none() {
            let f = cx.report(self, "Missing Appointment Start Time");
            prop_evidence(f, item, &names::APPOINTMENT_START_WHOLE);
            prop_evidence(f, item, &names::MESSAGE_CLASS);
        }
    }
}

//! CC104 missing-end-time: the item has no PidLidAppointmentEndWhole.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That the item has PidLidAppointmentEndWhole (dispidApptEndWhole), the UTC end of the appointment or
    /// of the first occurrence of a series. A value stored with another type than PtypTime, or as an error
    /// placeholder, counts as missing, as it did for CalCheck.
    ///
    /// ## Why it matters
    /// Without an end Outlook cannot size the item on the calendar grid; it may show it as zero-length,
    /// not at all, or fail to open it, and free/busy ignores it.
    ///
    /// ## How to fix
    /// Open the item in Outlook and set an end time, or delete and recreate it.
    ///
    /// ## Example
    /// An item written by a third-party sync tool that set only PR_END_DATE.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.6. CalCheck 0025: `ERROR: Missing Appointment End Time! Please check this item.`
    pub MissingEndTime,
    code: "CC104", name: "missing-end-time", severity: Error, category: ItemProps,
    calcheck: ["0025"],
    summary: "Item has no PidLidAppointmentEndWhole",
}

impl Check for MissingEndTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item.facts().end.is_none() {
            let f = cx.report(self, "Missing Appointment End Time! Please check this item");
            prop_evidence(f, item, &names::APPOINTMENT_END_WHOLE);
            prop_evidence(f, item, &names::MESSAGE_CLASS);
        }
    }
}

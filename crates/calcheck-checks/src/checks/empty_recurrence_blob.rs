//! CC204 empty-recurrence-blob: PidLidAppointmentRecur exists but holds no bytes.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That PidLidAppointmentRecur (dispidApptRecur), when present, is not a zero-length binary.
    ///
    /// ## Why it matters
    /// An empty blob is a series without dates. Outlook cannot expand it, and depending on the version
    /// shows nothing or refuses to open the item.
    ///
    /// ## How to fix
    /// Recreate the series, or have the organizer send an update so the attendee copy is rewritten.
    ///
    /// ## Example
    /// A recurring meeting after a failed sync that truncated the property to nothing.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44. CalCheck 0010: `ERROR: The Appointment Recurrence data is empty! Please check
    /// this item.`
    pub EmptyRecurrenceBlob,
    code: "CC204", name: "empty-recurrence-blob", severity: Error, category: Recurrence,
    calcheck: ["0010"],
    summary: "PidLidAppointmentRecur is empty",
}

impl Check for EmptyRecurrenceBlob {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item
            .props
            .binary(&names::APPOINTMENT_RECUR)
            .is_some_and(<[u8]>::is_empty)
        {
            let f = cx.report(self, "The Appointment Recurrence data is empty");
            f.evidence(names::APPOINTMENT_RECUR.name, "0 bytes");
            prop_evidence(f, item, &names::RECURRING);
        }
    }
}

//! CC205 unreadable-recurrence-blob: PidLidAppointmentRecur cannot be decoded at all.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That PidLidAppointmentRecur (dispidApptRecur) decodes: its RecurrencePattern must be complete and
    /// every instance count must fit in the bytes that follow it. The finding names the structure, field
    /// and byte offset at which decoding stopped. A blob that decodes but breaks rules is CC213's; an empty
    /// one is CC204's.
    ///
    /// CalCheck handed the blob to MrMAPI and reported 0009 when MrMAPI failed, including when it merely
    /// took longer than one second; calcheck decodes the blob itself, so 0009 means the bytes are broken.
    ///
    /// ## Why it matters
    /// If the pattern cannot be read, no client can expand the series: occurrences vanish, and opening the
    /// item can fail.
    ///
    /// ## How to fix
    /// Recreate the series. For a meeting, ask the organizer to send an update.
    ///
    /// ## Example
    /// A blob cut off after 40 bytes, in the middle of the RecurrencePattern.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.1, 2.2.1.44.5. CalCheck 0009: `ERROR: <hex> when parsing the Recurrence data.`
    /// (and two variants about MrMAPI's temporary files).
    pub UnreadableRecurrenceBlob,
    code: "CC205", name: "unreadable-recurrence-blob", severity: Error, category: Recurrence,
    calcheck: ["0009"],
    summary: "PidLidAppointmentRecur cannot be decoded",
}

impl Check for UnreadableRecurrenceBlob {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(Err(e)) = &item.decoded().recurrence else {
            return;
        };
        let len = item
            .props
            .binary(&names::APPOINTMENT_RECUR)
            .map_or(0, <[u8]>::len);
        if len == 0 {
            return;
        }
        let f = cx.report(self, "Error when parsing the Recurrence data");
        f.detail(format!(
            "{e}; the recurrence pattern cannot be read, so the series cannot be expanded"
        ));
        f.evidence("offset", format!("{} ({:#X})", e.offset(), e.offset()));
        f.evidence("field", format!("{}.{}", e.structure(), e.field()));
        f.evidence("length", format!("{len} bytes"));
        prop_evidence(f, item, &names::APPOINTMENT_RECUR);
        prop_evidence(f, item, &names::RECURRING);
    }
}

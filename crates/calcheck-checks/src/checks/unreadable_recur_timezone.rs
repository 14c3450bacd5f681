//! CC303 unreadable-recur-timezone: a recurring item's PidLidAppointmentTimeZoneDefinitionRecur cannot be decoded.

use calcheck_model::{CalendarItem, names};

use crate::checks::series::is_recurring;
use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That the PidLidAppointmentTimeZoneDefinitionRecur (dispidApptTZDefRecur) of a recurring item
    /// decodes as a TZDEFINITION: bMajorVersion 2, and every field, the key name and cRules rules present
    /// in the bytes. The finding names the field and byte offset where decoding stopped. Definitions that
    /// decode but have no key name are CC302's; other rule violations (a minor version below 1, rule
    /// headers, missing effective rule) are CC306's, which marks those Outlook's reader rejects with
    /// CalCheck's 0055 as well. Undecodable definitions on single items, and in the other two properties,
    /// are also CC306's.
    ///
    /// ## Why it matters
    /// Outlook uses this definition to place the occurrences of the series; when it cannot read it,
    /// opening single occurrences of the meeting fails.
    ///
    /// ## How to fix
    /// Open the series in Outlook, set its time zone again in the recurrence dialog and save, or recreate
    /// it. For a meeting, the organizer's update rewrites the attendees' copies.
    ///
    /// ## Example
    /// A definition cut off after its header: cRules says 1 but no rule bytes follow.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.41. CalCheck 0055: `ERROR: Missing required data in prop dispidApptTZDefRecur.
    /// Please check this item.`
    pub UnreadableRecurTimezone,
    code: "CC303", name: "unreadable-recur-timezone", severity: Error, category: TimeZones,
    calcheck: ["0055"],
    summary: "A recurring item's PidLidAppointmentTimeZoneDefinitionRecur cannot be decoded",
}

impl Check for UnreadableRecurTimezone {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_recurring(item) {
            return;
        }
        let Some(Err(e)) = &item.decoded().tz_recur else {
            return;
        };
        let f = cx.report(self, "Missing required data in prop dispidApptTZDefRecur");
        f.detail(format!("{e}; the time zone of the series cannot be read"));
        f.evidence("offset", format!("{} ({:#X})", e.offset(), e.offset()));
        f.evidence("field", format!("{}.{}", e.structure(), e.field()));
        prop_evidence(f, item, &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR);
    }
}

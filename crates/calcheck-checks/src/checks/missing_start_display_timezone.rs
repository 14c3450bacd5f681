//! CC301 missing-start-display-timezone: a recurring item has no PidLidAppointmentTimeZoneDefinitionStartDisplay.

use calcheck_model::{CalendarItem, names};

use crate::checks::series::is_recurring;
use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That a recurring item (PidLidRecurring true) has PidLidAppointmentTimeZoneDefinitionStartDisplay
    /// (dispidApptTZDefStartDisplay) as a binary. Single items may lack it: CalCheck accepts that, and so
    /// does Outlook, which then shows the start in the local time zone. A value that is present but cannot
    /// be read counts as missing. What the property holds is checked by CC302 and CC306.
    ///
    /// ## Why it matters
    /// Outlook reads this property to show and edit the series in the time zone it was created in; a
    /// customer's Outlook crashed on recurring meetings without it, which is why CalCheck tests for it.
    ///
    /// ## How to fix
    /// Open the series in Outlook, set its time zone in the recurrence dialog and save. For a meeting, the
    /// organizer's update rewrites the attendees' copies.
    ///
    /// ## Example
    /// A recurring meeting created through an old EWS client that never wrote the TZDEFINITION properties.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.42. CalCheck 0027: `ERROR: Missing required prop dispidApptTZDefStartDisplay.
    /// Please check this item.`
    pub MissingStartDisplayTimezone,
    code: "CC301", name: "missing-start-display-timezone", severity: Error, category: TimeZones,
    calcheck: ["0027"],
    summary: "Recurring item has no PidLidAppointmentTimeZoneDefinitionStartDisplay",
}

impl Check for MissingStartDisplayTimezone {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let def = &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY;
        if is_recurring(item) && item.props.binary(def).is_none() {
            let f = cx.report(self, "Missing required prop dispidApptTZDefStartDisplay");
            prop_evidence(f, item, def);
            prop_evidence(f, item, &names::RECURRING);
            prop_evidence(f, item, &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR);
            prop_evidence(f, item, &names::TIME_ZONE_STRUCT);
        }
    }
}

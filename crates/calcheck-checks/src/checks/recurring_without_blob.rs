//! CC202 recurring-without-blob: PidLidRecurring is true but there is no PidLidAppointmentRecur.

use calcheck_model::{CalendarItem, names};

use crate::checks::series::is_recurring;
use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That an item whose PidLidRecurring (dispidRecurring) is true has the recurrence pattern,
    /// PidLidAppointmentRecur (dispidApptRecur). A property that exists but cannot be read counts as
    /// absent, since no reader can use it. An empty value is CC204's.
    ///
    /// ## Why it matters
    /// The recurrence blob is the series: its dates, exceptions and deletions. A "recurring" item without
    /// it cannot be expanded; Outlook shows a single instance or fails to open the item.
    ///
    /// ## How to fix
    /// Recreate the series. If it is a meeting, have the organizer send an update.
    ///
    /// ## Example
    /// A series copied by a migration tool that skipped binary named properties.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.12, 2.2.1.44. CalCheck 0012: `ERROR: There is no Appointment Recurrence but
    /// dispidRecurring is set to True! Please check this item.`
    pub RecurringWithoutBlob,
    code: "CC202", name: "recurring-without-blob", severity: Error, category: Recurrence,
    calcheck: ["0012"],
    summary: "Recurring item has no PidLidAppointmentRecur",
}

impl Check for RecurringWithoutBlob {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if is_recurring(item) && item.props.binary(&names::APPOINTMENT_RECUR).is_none() {
            let f = cx.report(
                self,
                "There is no Appointment Recurrence but dispidRecurring is set to True",
            );
            prop_evidence(f, item, &names::RECURRING);
            prop_evidence(f, item, &names::APPOINTMENT_RECUR);
            prop_evidence(f, item, &names::RECURRENCE_TYPE);
        }
    }
}

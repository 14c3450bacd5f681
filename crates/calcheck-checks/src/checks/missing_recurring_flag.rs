//! CC201 missing-recurring-flag: the item has no PidLidRecurring (dispidRecurring) boolean.

use calcheck_format::props::PropValue;
use calcheck_model::{CalendarItem, names};

use crate::checks::series::is_appointment_class;
use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That an appointment or meeting request carries PidLidRecurring (dispidRecurring) as a PtypBoolean.
    /// A value stored with another type counts as missing, as it does for CalCheck and Outlook, which read
    /// the property as PT_BOOLEAN.
    ///
    /// Embedded exception messages are not checked: they inherit the series' properties
    /// ([MS-OXOCAL] 2.2.10.2), and real Outlook exceptions do not carry PidLidRecurring. Items whose
    /// message class says they are not appointments (notes, contacts, tasks, meeting responses in a folder
    /// of .msg files) are left to CC110 instead of being reported here.
    ///
    /// ## Why it matters
    /// Outlook decides from PidLidRecurring whether to expand the item as a series. Without it a series is
    /// shown as one appointment, or not at all, and free/busy is wrong.
    ///
    /// ## How to fix
    /// Open the item in Outlook and save it again, or recreate it. KB 827432 describes the symptom.
    ///
    /// ## Example
    /// An appointment written by a sync tool that set only the start, end and subject.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.12. CalCheck 0026: `ERROR: Missing required prop dispidRecurring. See KB 827432
    /// https://support.microsoft.com/en-us/kb/827432`
    pub MissingRecurringFlag,
    code: "CC201", name: "missing-recurring-flag", severity: Error, category: Recurrence,
    calcheck: ["0026"],
    summary: "Item has no PidLidRecurring boolean",
}

impl Check for MissingRecurringFlag {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_appointment_class(item) {
            return;
        }
        let stored = item.props.get(&names::RECURRING);
        let detail = match stored.map(|p| &p.value) {
            Some(PropValue::Bool(_)) => return,
            None => "PidLidRecurring is absent. See KB 827432 https://support.microsoft.com/en-us/kb/827432".to_owned(),
            Some(PropValue::ErrorCode(code)) => format!(
                "PidLidRecurring could not be read (error {code:#010X}), so Outlook sees no value. See KB 827432 https://support.microsoft.com/en-us/kb/827432"
            ),
            Some(_) => format!(
                "PidLidRecurring is stored with type {:#06X}, not PtypBoolean (0x000B), so readers that ask for a boolean do not find it. See KB 827432 https://support.microsoft.com/en-us/kb/827432",
                stored.map_or(0, |p| p.type_code)
            ),
        };
        let f = cx.report(self, "Missing required prop dispidRecurring");
        f.detail(detail);
        prop_evidence(f, item, &names::RECURRING);
        prop_evidence(f, item, &names::MESSAGE_CLASS);
        prop_evidence(f, item, &names::APPOINTMENT_RECUR);
    }
}

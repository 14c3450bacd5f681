//! CC203 blob-without-recurring-flag: PidLidRecurring is false but the item has recurrence data or a recurrence type.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That an item whose PidLidRecurring (dispidRecurring) is false has neither a recurrence pattern
    /// (PidLidAppointmentRecur, dispidApptRecur) nor a PidLidRecurrenceType (dispidRecurType) other than 0.
    /// An item without PidLidRecurring at all is CC201's.
    ///
    /// CalCheck meant to report this (0011) when the blob exists and the recurrence type is not 0, but read
    /// the recurrence type only after the test ran, so 0011 never fired. calcheck runs the test as intended,
    /// and also reports a blob with no recurrence type, which [MS-OXOCAL] forbids on single items as well.
    ///
    /// ## Why it matters
    /// Outlook, Exchange and mobile clients disagree about whether such an item is a series: one shows it
    /// once, another expands the blob. Updates and cancellations then reach only some of the copies.
    ///
    /// ## How to fix
    /// Decide whether the item should recur; open it in Outlook and set or remove the recurrence, then
    /// save. Recreate it if that does not help.
    ///
    /// ## Example
    /// A single appointment converted from a series by a tool that cleared PidLidRecurring but left the blob.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.12, 2.2.1.24, 2.2.1.44 ("MUST NOT exist on single-instance objects").
    /// CalCheck 0011: `ERROR: The dispidRecurring property and other RecurType properties do not agree.
    /// Please check this item.`
    pub BlobWithoutRecurringFlag,
    code: "CC203", name: "blob-without-recurring-flag", severity: Error, category: Recurrence,
    calcheck: ["0011"],
    summary: "Non-recurring item has recurrence data or a recurrence type",
}

impl Check for BlobWithoutRecurringFlag {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let p = &item.props;
        if item.facts().recurring != Some(false) {
            return;
        }
        let blob = p.binary(&names::APPOINTMENT_RECUR).is_some();
        let recur_type = p.i32(&names::RECURRENCE_TYPE).filter(|t| *t != 0);
        let detail = match (blob, recur_type) {
            (false, None) => return,
            (true, None) => {
                "PidLidRecurring is false but PidLidAppointmentRecur is present".to_owned()
            }
            (false, Some(t)) => format!("PidLidRecurring is false but PidLidRecurrenceType is {t}"),
            (true, Some(t)) => format!(
                "PidLidRecurring is false but PidLidAppointmentRecur is present and PidLidRecurrenceType is {t}"
            ),
        };
        let f = cx.report(
            self,
            "The dispidRecurring property and other RecurType properties do not agree",
        );
        f.detail(detail);
        prop_evidence(f, item, &names::RECURRING);
        prop_evidence(f, item, &names::RECURRENCE_TYPE);
        prop_evidence(f, item, &names::APPOINTMENT_RECUR);
    }
}

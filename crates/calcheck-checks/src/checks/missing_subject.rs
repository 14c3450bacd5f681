//! CC108 missing-subject: a current or recurring item has no subject.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{is_current, subject_str};

declare_check! {
    /// ## What it checks
    /// Whether PR_SUBJECT is absent or empty on an item that is recurring (PidLidRecurring) or ends at or
    /// after "now" (PidLidAppointmentEndWhole). Past single items are left alone, as CalCheck left them:
    /// nobody looks for them by subject any more. The PST subject prefix marker is removed before the test.
    ///
    /// CalCheck compared with its local time treated as UTC and dropped this warning when an error had
    /// already been found on the item; calcheck compares UTC with UTC and always reports it.
    ///
    /// ## Why it matters
    /// An item without a subject is hard to find and to tell apart in the calendar, in reminders and in
    /// meeting updates; it is also a sign that a tool wrote the item without the usual properties.
    ///
    /// ## How to fix
    /// Open the item and give it a subject.
    ///
    /// ## Example
    /// A weekly series created by a mobile device that left the subject empty.
    ///
    /// ## References
    /// [MS-OXCMSG] 2.2.1.46. CalCheck 0032: `WARNING: No Subject on this item. You should add a Subject to
    /// this item.`
    pub MissingSubject,
    code: "CC108", name: "missing-subject", severity: Warning, category: ItemProps,
    calcheck: ["0032"],
    summary: "A current or recurring item has no subject",
}

impl Check for MissingSubject {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if subject_str(item).is_some_and(|s| !s.is_empty()) || !is_current(item, cx.options.now) {
            return;
        }
        let f = cx.report(
            self,
            "No Subject on this item. You should add a Subject to this item",
        );
        prop_evidence(f, item, &names::SUBJECT);
        prop_evidence(f, item, &names::RECURRING);
        prop_evidence(f, item, &names::APPOINTMENT_END_WHOLE);
    }
}

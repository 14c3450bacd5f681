//! CC402 missing-sender-name: a meeting has no PR_SENDER_NAME.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::is_meeting;

declare_check! {
    /// ## What it checks
    /// Whether a meeting (asfMeeting set) lacks PR_SENDER_NAME, the display name of whoever sent the
    /// meeting (the organizer or a delegate). Plain appointments are not checked. A value stored as an
    /// error placeholder or with a non-string type counts as missing; an empty string does not.
    ///
    /// ## Why it matters
    /// The sender (the organizer, or a delegate sending on the organizer's behalf) is part of how Outlook
    /// shows and answers a meeting. A meeting without it shows a blank sender; CalCheck points to KB 2825677
    /// for this condition.
    ///
    /// ## How to fix
    /// Ask the organizer to send an update; for the organizer's own copy, recreate the meeting.
    ///
    /// ## Example
    /// A meeting imported from an .ics file by a tool that set the organizer but no sender.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.10, [MS-OXOMSG] (PidTagSenderName). CalCheck 0029: `ERROR: Missing PR_SENDER_NAME
    /// property! See KB 2825677 for additional information: https://support.microsoft.com/en-us/kb/2825677`
    pub MissingSenderName,
    code: "CC402", name: "missing-sender-name", severity: Error, category: Meetings,
    calcheck: ["0029"],
    summary: "A meeting has no PR_SENDER_NAME",
}

impl Check for MissingSenderName {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if is_meeting(item) && item.props.str(&names::SENDER_NAME).is_none() {
            let f = cx.report(
                self,
                "Missing PR_SENDER_NAME property! See KB 2825677 for additional information: https://support.microsoft.com/en-us/kb/2825677",
            );
            prop_evidence(f, item, &names::SENDER_NAME);
            prop_evidence(f, item, &names::APPOINTMENT_STATE_FLAGS);
        }
    }
}

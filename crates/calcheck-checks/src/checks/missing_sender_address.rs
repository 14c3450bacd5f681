//! CC404 missing-sender-address: a meeting-state item has no PR_SENDER_EMAIL_ADDRESS.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{non_empty, state_flags};

declare_check! {
    /// ## What it checks
    /// Whether PR_SENDER_EMAIL_ADDRESS is missing or empty on an item whose PidLidAppointmentStateFlags is
    /// not zero. Plain appointments (flags 0) are not checked, as in CalCheck.
    ///
    /// ## Why it matters
    /// The sender's address tells Outlook who sent the meeting (the organizer or a delegate); responses
    /// and delegate processing rely on it.
    ///
    /// ## How to fix
    /// Ask the organizer to send an update; for the organizer's own copy, recreate the meeting.
    ///
    /// ## Example
    /// A meeting created through a third-party API that set the organizer but never the sender.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.10, [MS-OXOMSG] (PidTagSenderEmailAddress). CalCheck 0031: `ERROR: No Sender
    /// Address! Check the PR_SENDER properties on this item.`
    pub MissingSenderAddress,
    code: "CC404", name: "missing-sender-address", severity: Error, category: Meetings,
    calcheck: ["0031"],
    summary: "A meeting has no sender address (PR_SENDER_EMAIL_ADDRESS)",
}

impl Check for MissingSenderAddress {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if state_flags(item) != 0 && non_empty(&item.props, &names::SENDER_EMAIL_ADDRESS).is_none()
        {
            let f = cx.report(
                self,
                "No Sender Address! Check the PR_SENDER properties on this item",
            );
            prop_evidence(f, item, &names::SENDER_EMAIL_ADDRESS);
            prop_evidence(f, item, &names::SENDER_NAME);
            prop_evidence(f, item, &names::APPOINTMENT_STATE_FLAGS);
        }
    }
}

//! CC403 missing-organizer-address: a meeting-state item has no PR_SENT_REPRESENTING_EMAIL_ADDRESS.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{non_empty, state_flags};

declare_check! {
    /// ## What it checks
    /// Whether PR_SENT_REPRESENTING_EMAIL_ADDRESS (the organizer's address) is missing or empty on an item
    /// whose PidLidAppointmentStateFlags is not zero, i.e. any item in a meeting state (meeting, received,
    /// canceled). Plain appointments (flags 0) are not checked, as in CalCheck.
    ///
    /// ## Why it matters
    /// Responses, updates and the "attendee became organizer" protection all compare addresses. Without the
    /// organizer's address Outlook cannot tell who owns the meeting, and responses cannot be delivered.
    ///
    /// ## How to fix
    /// Ask the organizer to send an update; for the organizer's own copy, recreate the meeting.
    ///
    /// ## Example
    /// A meeting written by an ActiveSync device that set only the organizer's display name.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.10, [MS-OXOMSG] (PidTagSentRepresentingEmailAddress). CalCheck 0030: `ERROR: No
    /// Organizer Address! Check the PR_SENT_REPRESENTING properties on this item.`
    pub MissingOrganizerAddress,
    code: "CC403", name: "missing-organizer-address", severity: Error, category: Meetings,
    calcheck: ["0030"],
    summary: "A meeting has no organizer address (PR_SENT_REPRESENTING_EMAIL_ADDRESS)",
}

impl Check for MissingOrganizerAddress {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if state_flags(item) != 0
            && non_empty(&item.props, &names::SENT_REPRESENTING_EMAIL_ADDRESS).is_none()
        {
            let f = cx.report(
                self,
                "No Organizer Address! Check the PR_SENT_REPRESENTING properties on this item",
            );
            prop_evidence(f, item, &names::SENT_REPRESENTING_EMAIL_ADDRESS);
            prop_evidence(f, item, &names::SENT_REPRESENTING_NAME);
            prop_evidence(f, item, &names::APPOINTMENT_STATE_FLAGS);
        }
    }
}

//! CC401 missing-organizer-name: a meeting has no PR_SENT_REPRESENTING_NAME.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::is_meeting;

declare_check! {
    /// ## What it checks
    /// Whether a meeting (asfMeeting set in PidLidAppointmentStateFlags) lacks PR_SENT_REPRESENTING_NAME,
    /// the organizer's display name on a calendar item. Plain appointments are not checked: they need no
    /// organizer. A value stored as an error placeholder or with a non-string type counts as missing; an
    /// empty string does not (CalCheck tested presence only).
    ///
    /// ## Why it matters
    /// Outlook shows the organizer of a meeting from this property. Without it the meeting shows no
    /// organizer, and responses and updates lose track of who owns the meeting; CalCheck points to KB
    /// 2825677 for this condition.
    ///
    /// ## How to fix
    /// Ask the organizer to send an update, which rewrites the attendee's copy; for the organizer's own
    /// copy, recreate the meeting.
    ///
    /// ## Example
    /// A meeting copied into the calendar by a sync tool that did not carry the sender properties.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.10 (asfMeeting), [MS-OXOMSG] (PidTagSentRepresentingName). CalCheck 0028:
    /// `ERROR: Missing PR_SENT_REPRESENTING_NAME property! See KB 2825677 for additional information:
    /// https://support.microsoft.com/en-us/kb/2825677`
    pub MissingOrganizerName,
    code: "CC401", name: "missing-organizer-name", severity: Error, category: Meetings,
    calcheck: ["0028"],
    summary: "A meeting has no PR_SENT_REPRESENTING_NAME",
}

impl Check for MissingOrganizerName {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if is_meeting(item) && item.props.str(&names::SENT_REPRESENTING_NAME).is_none() {
            let f = cx.report(
                self,
                "Missing PR_SENT_REPRESENTING_NAME property! See KB 2825677 for additional information: https://support.microsoft.com/en-us/kb/2825677",
            );
            prop_evidence(f, item, &names::SENT_REPRESENTING_NAME);
            prop_evidence(f, item, &names::APPOINTMENT_STATE_FLAGS);
        }
    }
}

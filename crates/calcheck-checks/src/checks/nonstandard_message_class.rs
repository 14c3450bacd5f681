//! CC110 nonstandard-message-class: a current or recurring item's class is not one Outlook uses for appointments.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::is_current;

/// The classes CalCheck accepts (compared case-insensitively, whole string).
const STANDARD_CLASSES: [&str; 5] = [
    "IPM.Appointment",
    "IPM.Appointment.Live Meeting Request",
    "IPM.Appointment.Location",
    "IPM.Appointment.MeetingPlace",
    "IPM.Appointment.MP",
];

/// Meeting messages: requests, responses and cancellations ([MS-OXOCAL] 2.2.6-2.2.8).
const MEETING_MESSAGE_PREFIX: &str = "IPM.Schedule.Meeting.";

declare_check! {
    /// ## What it checks
    /// Whether the PR_MESSAGE_CLASS of an item that is recurring or ends at or after "now" is one of the
    /// classes CalCheck accepts: `IPM.Appointment`, `IPM.Appointment.Live Meeting Request`,
    /// `IPM.Appointment.Location`, `IPM.Appointment.MeetingPlace` or `IPM.Appointment.MP` (case-insensitive).
    /// Empty and missing classes are CC109's and CC111's.
    ///
    /// Meeting messages (`IPM.Schedule.Meeting.Request`, `.Resp.Pos`, `.Canceled`, …) are not reported.
    /// The PST/OST reader hands them over from the Inbox, Sent Items and Deleted Items too, so that the
    /// meeting checks can look at them (the two real OSTs of calcheck's corpus hold eleven such messages
    /// there), and they are messages about a meeting, not damaged appointments. CalCheck read only the
    /// Calendar folder and would have warned about a meeting message found there; calcheck does not,
    /// wherever it is. CalCheck also dropped this warning when an error had already been found on the
    /// item; calcheck always reports it.
    ///
    /// ## Why it matters
    /// Outlook opens and draws calendar items by their class. An item with a custom or foreign class (a
    /// retired custom form, a task or note moved into the calendar) may not open, may open the wrong form,
    /// or may be left out of free/busy.
    ///
    /// ## How to fix
    /// If the class belongs to a custom form that is still in use, nothing is wrong. Otherwise recreate the
    /// item as a normal appointment, or move the foreign item out of the calendar.
    ///
    /// ## Example
    /// A recurring meeting saved with a custom form `IPM.Appointment.Contoso` whose form was removed.
    ///
    /// ## References
    /// [MS-OXCMSG] 2.2.1.3, [MS-OXOCAL] 2.2.1. CalCheck 0034: `WARNING: Message Class (<class>) is not
    /// standard for a Calendar item and may indicate a problem.`
    pub NonstandardMessageClass,
    code: "CC110", name: "nonstandard-message-class", severity: Warning, category: ItemProps,
    calcheck: ["0034"],
    summary: "A current or recurring item has a message class Outlook does not use for appointments",
}

impl Check for NonstandardMessageClass {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(class) = item.props.str(&names::MESSAGE_CLASS) else {
            return;
        };
        // Nearly every item is a plain "IPM.Appointment", which one exact comparison settles.
        let standard = || {
            class == "IPM.Appointment"
                || STANDARD_CLASSES
                    .iter()
                    .any(|c| c.eq_ignore_ascii_case(class))
        };
        let meeting_message = || {
            class
                .get(..MEETING_MESSAGE_PREFIX.len())
                .is_some_and(|p| p.eq_ignore_ascii_case(MEETING_MESSAGE_PREFIX))
        };
        if class.is_empty() || standard() || meeting_message() || !is_current(item, cx.options.now)
        {
            return;
        }
        let f = cx.report(
            self,
            format!(
                "Message Class ({class}) is not standard for a Calendar item and may indicate a problem"
            ),
        );
        prop_evidence(f, item, &names::MESSAGE_CLASS);
        prop_evidence(f, item, &names::RECURRING);
        prop_evidence(f, item, &names::APPOINTMENT_END_WHOLE);
    }
}

//! CC412 organizer-row-without-address: the recipient row flagged as organizer has no address.

use calcheck_model::{CalendarItem, names};

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{RecipientScreen, is_organizer_row, non_empty, recipient_evidence};

declare_check! {
    /// ## What it checks
    /// Whether a recipient row flagged recipOrganizer (0x2 in PR_RECIPIENT_FLAGS) has no PR_EMAIL_ADDRESS
    /// (missing, empty, or an error placeholder). One finding per such row.
    ///
    /// In CalCheck this test was practically unreachable, because a missing address had already been
    /// replaced by the text "NONE"; calcheck's is live.
    ///
    /// ## Why it matters
    /// Outlook sends responses to the organizer row and uses it to decide who owns the meeting. Without an
    /// address, responses cannot be delivered and the organizer checks (CC405) cannot run.
    ///
    /// ## How to fix
    /// Ask the organizer to send an update, which rewrites the row; for the organizer's own copy, recreate
    /// the meeting.
    ///
    /// ## Example
    /// A meeting saved by a device that kept the organizer's name but dropped the legacy DN.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10 (recipOrganizer). CalCheck 0053: `ERROR: Recipient Table Organizer has a bad or
    /// missing email address property.`
    pub OrganizerRowWithoutAddress,
    code: "CC412", name: "organizer-row-without-address", severity: Error, category: Meetings,
    calcheck: ["0053"],
    needs: { recipients },
    summary: "The organizer row of the recipient table has no address",
}

impl Check for OrganizerRowWithoutAddress {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !cx
            .recipient_screen(item)
            .may(RecipientScreen::ORGANIZER_WITHOUT_ADDRESS)
        {
            return;
        }
        for r in item.recipients.iter().filter(|r| is_organizer_row(r)) {
            if non_empty(&r.props, &names::EMAIL_ADDRESS).is_some() {
                continue;
            }
            let f = cx.report(
                self,
                "Recipient Table Organizer has a bad or missing email address property",
            );
            recipient_evidence(f, r, &names::DISPLAY_NAME);
            recipient_evidence(f, r, &names::RECIPIENT_FLAGS);
            recipient_evidence(f, r, &names::ADDRESS_TYPE);
            recipient_evidence(f, r, &names::EMAIL_ADDRESS);
        }
    }
}

//! CC409 recipient-bad-address-type: a recipient row's PR_ADDRTYPE is damaged, or missing next to an address.

use calcheck_model::{CalendarItem, names};

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{RecipientScreen, report_incomplete_recipient_rows};

declare_check! {
    /// ## What it checks
    /// Every row of the recipient table for a PR_ADDRTYPE that is stored as an error placeholder, or that is
    /// missing or empty while the row has an address (PR_EMAIL_ADDRESS): an address whose type is unknown
    /// cannot be resolved. Rows with neither a type nor an address are unresolved names; CalCheck's author
    /// found reporting them "REALLY chatty" and of little use, and calcheck leaves them alone too. One
    /// finding per item lists every bad row.
    ///
    /// CalCheck meant to test error values but could never reach that branch (an exact-tag comparison ran
    /// first), so 0050 never fired; calcheck's test is live.
    ///
    /// ## Why it matters
    /// Outlook and Exchange route meeting requests, updates and free/busy lookups by address type. A row
    /// without one is skipped or fails when the meeting is sent, so that attendee silently stops getting
    /// updates.
    ///
    /// ## How to fix
    /// Remove the attendee and add them again from the address book, then send an update.
    ///
    /// ## Example
    /// A meeting written by a sync tool that copied attendee addresses but not their types.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3 (recipient properties). CalCheck 0050: `ERROR: Bad or missing
    /// address type exists on entries in the Recipient Table for this item.`
    pub RecipientBadAddressType,
    code: "CC409", name: "recipient-bad-address-type", severity: Error, category: Meetings,
    calcheck: ["0050"],
    needs: { recipients },
    summary: "A recipient row has a damaged or missing address type",
}

impl Check for RecipientBadAddressType {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !cx
            .recipient_screen(item)
            .may(RecipientScreen::BAD_ADDRESS_TYPE)
        {
            return;
        }
        report_incomplete_recipient_rows(
            self,
            item,
            cx,
            &names::ADDRESS_TYPE,
            &names::EMAIL_ADDRESS,
            "Bad or missing address type exists on entries in the Recipient Table for this item",
        );
    }
}

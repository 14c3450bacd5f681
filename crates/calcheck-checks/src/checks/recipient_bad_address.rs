//! CC410 recipient-bad-address: a recipient row's PR_EMAIL_ADDRESS is damaged, or missing next to a type.

use calcheck_model::{CalendarItem, names};

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{RecipientScreen, report_incomplete_recipient_rows};

declare_check! {
    /// ## What it checks
    /// Every row of the recipient table for a PR_EMAIL_ADDRESS that is stored as an error placeholder, or
    /// that is missing or empty while the row has an address type (PR_ADDRTYPE): the row claims to be
    /// resolved but has nowhere to send to. Rows with neither are unresolved names and are left alone, as
    /// in CC409. One finding per item lists every bad row.
    ///
    /// CalCheck's version of this test sat in the same unreachable branch as 0050 and never fired;
    /// calcheck's is live.
    ///
    /// ## Why it matters
    /// Meeting requests and updates to that attendee fail or go nowhere, and free/busy lookups for them
    /// fail.
    ///
    /// ## How to fix
    /// Remove the attendee and add them again from the address book, then send an update.
    ///
    /// ## Example
    /// A room added by an add-in that wrote the type "EX" but no legacy DN.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3. CalCheck 0051: `ERROR: Bad or missing email address exists on
    /// entries in the Recipient Table for this item.`
    pub RecipientBadAddress,
    code: "CC410", name: "recipient-bad-address", severity: Error, category: Meetings,
    calcheck: ["0051"],
    needs: { recipients },
    summary: "A recipient row has a damaged or missing email address",
}

impl Check for RecipientBadAddress {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !cx.recipient_screen(item).may(RecipientScreen::BAD_ADDRESS) {
            return;
        }
        report_incomplete_recipient_rows(
            self,
            item,
            cx,
            &names::EMAIL_ADDRESS,
            &names::ADDRESS_TYPE,
            "Bad or missing email address exists on entries in the Recipient Table for this item",
        );
    }
}

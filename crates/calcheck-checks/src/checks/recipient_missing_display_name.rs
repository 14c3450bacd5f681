//! CC411 recipient-missing-display-name: a recipient row has no PR_DISPLAY_NAME.

use calcheck_model::{CalendarItem, names};

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{RecipientScreen, non_empty, recipient_evidence};

declare_check! {
    /// ## What it checks
    /// Every row of the recipient table for a PR_DISPLAY_NAME that is missing, empty, or stored as an error
    /// placeholder. One finding per item lists every such row.
    ///
    /// CalCheck reached this test only for rows with an empty address type (an early `continue` skipped
    /// every resolved row), and reported it once per bad row; calcheck tests every row and reports once per
    /// item.
    ///
    /// ## Why it matters
    /// Outlook shows attendees by display name in the meeting form, the tracking page and the Scheduling
    /// Assistant. A row without one shows as a blank attendee, which users cannot identify or remove with
    /// confidence, and is a sign that the row was written by a broken tool.
    ///
    /// ## How to fix
    /// Remove the blank attendee and add the person again from the address book, then send an update.
    ///
    /// ## Example
    /// A meeting created by a script that added attendees by address only, without names.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3. CalCheck 0052: `ERROR: Bad or missing display name entry
    /// exists in the Recipient Table on this item.`
    pub RecipientMissingDisplayName,
    code: "CC411", name: "recipient-missing-display-name", severity: Error, category: Meetings,
    calcheck: ["0052"],
    needs: { recipients },
    summary: "A recipient row has no display name",
}

impl Check for RecipientMissingDisplayName {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !cx
            .recipient_screen(item)
            .may(RecipientScreen::MISSING_DISPLAY_NAME)
        {
            return;
        }
        let bad: Vec<&calcheck_model::Recipient> = item
            .recipients
            .iter()
            .filter(|r| non_empty(&r.props, &names::DISPLAY_NAME).is_none())
            .collect();
        if bad.is_empty() {
            return;
        }
        let rows: Vec<String> = bad.iter().map(|r| r.row.to_string()).collect();
        let f = cx.report(
            self,
            "Bad or missing display name entry exists in the Recipient Table on this item",
        );
        f.detail(format!("rows: {}", rows.join(", ")));
        for r in bad {
            recipient_evidence(f, r, &names::DISPLAY_NAME);
            recipient_evidence(f, r, &names::EMAIL_ADDRESS);
        }
    }
}

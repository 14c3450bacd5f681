//! CC413 duplicate-recipients: the same attendee appears twice in the recipient table.

use calcheck_model::{CalendarItem, Recipient, names};

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{RecipientScreen, recipient_evidence, recipient_label};

/// The resend bits that [MS-OXOMSG] allows in PR_RECIPIENT_TYPE; cleared before comparing.
const RECIPIENT_TYPE_RESEND_BITS: i32 = 0x1000_0000 | 0x8000_0000_u32 as i32;

declare_check! {
    /// ## What it checks
    /// Whether two rows of the recipient table agree on display name, address, address type, recipient
    /// type (To/Cc/Bcc, with the resend bits cleared) and recipient flags, as CalCheck's key did. Values are
    /// compared exactly. One finding per item names every repeated row and the row it repeats.
    ///
    /// CalCheck compared only rows with an empty address type (an early `continue` skipped the others);
    /// calcheck compares every row.
    ///
    /// ## Why it matters
    /// A duplicated attendee gets every update twice, and Outlook's tracking and free/busy lookups count
    /// them twice. CalCheck warns that free/busy lookups can be affected.
    ///
    /// ## How to fix
    /// Open the meeting, remove the repeated attendee, and send an update.
    ///
    /// ## Example
    /// A meeting whose attendee list was merged twice by a sync tool.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3.1 (PidTagRecipientType). CalCheck 0054: `ERROR: Recipient Table
    /// contains duplicated entries. Free Busy lookups could be affected.`
    pub DuplicateRecipients,
    code: "CC413", name: "duplicate-recipients", severity: Error, category: Meetings,
    calcheck: ["0054"],
    needs: { recipients },
    summary: "The recipient table lists the same attendee twice",
}

/// CalCheck's duplicate key of a row: display name, address, address type, recipient type, flags.
fn key(r: &Recipient) -> (&str, &str, &str, Option<i32>, Option<i32>) {
    let text = |d: &names::PropDef| r.props.str(d).unwrap_or("");
    (
        text(&names::DISPLAY_NAME),
        text(&names::EMAIL_ADDRESS),
        text(&names::ADDRESS_TYPE),
        r.props
            .i32(&names::RECIPIENT_TYPE)
            .map(|t| t & !RECIPIENT_TYPE_RESEND_BITS),
        r.props.i32(&names::RECIPIENT_FLAGS),
    )
}

/// Rows whose addresses are compared on the stack; a longer table is compared in a list on the heap.
const STACK_ROWS: usize = 32;

/// True when no two rows have the same PR_EMAIL_ADDRESS (a missing one counts as empty).
fn all_addresses_differ(rows: &[Recipient]) -> bool {
    fn address(r: &Recipient) -> &str {
        r.props.str(&names::EMAIL_ADDRESS).unwrap_or("")
    }
    let distinct = |addresses: &[&str]| {
        addresses
            .iter()
            .enumerate()
            .all(|(i, a)| !addresses.iter().take(i).any(|b| b == a))
    };
    // Most tables are short: their addresses are gathered without an allocation per item.
    if rows.len() <= STACK_ROWS {
        let mut addresses = [""; STACK_ROWS];
        for (slot, r) in addresses.iter_mut().zip(rows) {
            *slot = address(r);
        }
        distinct(addresses.get(..rows.len()).unwrap_or(&[]))
    } else {
        let addresses: Vec<&str> = rows.iter().map(address).collect();
        distinct(&addresses)
    }
}

impl Check for DuplicateRecipients {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item.recipients.len() < 2
            || !cx
                .recipient_screen(item)
                .may(RecipientScreen::REPEATED_ADDRESS)
        {
            return;
        }
        // Two rows with the same key have the same address, so rows whose addresses all differ need no
        // key at all (one lookup per row instead of five).
        if all_addresses_differ(&item.recipients) {
            return;
        }
        let keys: Vec<_> = item.recipients.iter().map(key).collect();
        let mut pairs: Vec<(&Recipient, &Recipient)> = Vec::new();
        for (i, k) in keys.iter().enumerate() {
            if let Some(j) = keys.iter().take(i).position(|e| e == k)
                && let (Some(first), Some(again)) = (item.recipients.get(j), item.recipients.get(i))
            {
                pairs.push((first, again));
            }
        }
        if pairs.is_empty() {
            return;
        }
        let detail: Vec<String> = pairs
            .iter()
            .map(|(a, b)| {
                format!(
                    "row {} repeats row {} ({})",
                    b.row,
                    a.row,
                    recipient_label(b)
                )
            })
            .collect();
        let f = cx.report(
            self,
            "Recipient Table contains duplicated entries. Free Busy lookups could be affected",
        );
        f.detail(detail.join("; "));
        for (_, again) in pairs {
            recipient_evidence(f, again, &names::DISPLAY_NAME);
            recipient_evidence(f, again, &names::EMAIL_ADDRESS);
            recipient_evidence(f, again, &names::ADDRESS_TYPE);
            recipient_evidence(f, again, &names::RECIPIENT_TYPE);
            recipient_evidence(f, again, &names::RECIPIENT_FLAGS);
        }
    }
}

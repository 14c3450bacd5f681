//! CC406 attendee-became-organizer: this mailbox "organized" a meeting whose organizer is someone else.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{is_organized_by_me, non_empty};

declare_check! {
    /// ## What it checks
    /// For a meeting this mailbox organized by its state flags (asfMeeting set, asfReceived and asfForward
    /// clear), whether the organizer address (PR_SENT_REPRESENTING_EMAIL_ADDRESS or its SMTP form) is one
    /// of the mailbox owner's addresses. The owner's addresses come from `--mailbox` (legacy DN, SMTP and
    /// proxy addresses; a `type:` prefix such as `SMTP:` is ignored) and from the store itself when it
    /// records one. Values that are not addresses (no `@` and not a `/o=` DN) are ignored, and addresses
    /// are compared like with like: an organizer known only by its legacy DN is not reported when only
    /// the owner's SMTP address is known, since the two cannot be matched offline (the real Outlook.com
    /// OST of calcheck's corpus stores the organizer as a DN without an SMTP form).
    ///
    /// When no owner address is known — a .msg file, or a PST without an owner and no `--mailbox` — the
    /// check does nothing: offline there is nothing to compare with. `--no-org` turns it off. Items without
    /// an organizer address are CC403's.
    ///
    /// ## Why it matters
    /// This is the "attendee became organizer" corruption: a device (classically an ActiveSync phone)
    /// rewrote an attendee's copy so that Outlook believes the attendee organizes the meeting. The attendee
    /// then sends updates that overwrite everyone's copy, and the real organizer's changes stop arriving
    /// (KB 2563324).
    ///
    /// ## How to fix
    /// Delete the attendee's copy and ask the organizer to send an update (or to forward the meeting); update
    /// or remove the device software that rewrote it.
    ///
    /// ## Example
    /// A meeting accepted on an old phone, after which the attendee's calendar shows "You are the organizer".
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.10, KB 2563324. CalCheck 0042: `ERROR: The organizer of this meeting is potentially
    /// incorrect. See KB 2563324: https://support.microsoft.com/en-us/kb/2563324`
    pub AttendeeBecameOrganizer,
    code: "CC406", name: "attendee-became-organizer", severity: Error, category: Meetings,
    calcheck: ["0042"],
    summary: "A meeting marked as organized by this mailbox names another organizer",
}

/// An address as compared: lowercase, with a leading `type:` (e.g. `SMTP:`, `X500:`) removed.
fn normalize(address: &str) -> String {
    let a = address.trim();
    let a = match a.split_once(':') {
        Some((prefix, rest)) if !prefix.contains('/') && !prefix.contains('@') => rest,
        _ => a,
    };
    a.to_lowercase()
}

/// True when the text is an X.500 / legacy Exchange DN (`/o=…`).
fn is_dn(text: &str) -> bool {
    text.to_ascii_lowercase().starts_with("/o=")
}

/// True when the text looks like an address: SMTP (`@`) or a DN.
fn is_address(text: &str) -> bool {
    text.contains('@') || is_dn(text)
}

impl Check for AttendeeBecameOrganizer {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if cx.options.no_org || !is_organized_by_me(item) {
            return;
        }
        let owner: Vec<String> = cx
            .options
            .mailbox_addresses
            .iter()
            .map(String::as_str)
            .chain(cx.source.mailbox_owner.as_deref())
            .map(normalize)
            .filter(|a| is_address(a))
            .collect();
        if owner.is_empty() {
            return;
        }
        let organizer: Vec<String> = [
            &names::SENT_REPRESENTING_EMAIL_ADDRESS,
            &names::SENT_REPRESENTING_SMTP_ADDRESS,
        ]
        .into_iter()
        .filter_map(|d| non_empty(&item.props, d))
        .map(normalize)
        .collect();
        // Compare like with like: an organizer known only by its legacy DN cannot be told apart from the
        // owner when only the owner's SMTP address is known (and the other way round).
        let comparable = organizer
            .iter()
            .any(|a| owner.iter().any(|o| is_dn(a) == is_dn(o)));
        if organizer.is_empty() || !comparable || organizer.iter().any(|a| owner.contains(a)) {
            return;
        }
        let f = cx.report(
            self,
            "The organizer of this meeting is potentially incorrect. See KB 2563324: https://support.microsoft.com/en-us/kb/2563324",
        );
        prop_evidence(f, item, &names::APPOINTMENT_STATE_FLAGS);
        prop_evidence(f, item, &names::SENT_REPRESENTING_EMAIL_ADDRESS);
        if item
            .props
            .get(&names::SENT_REPRESENTING_SMTP_ADDRESS)
            .is_some()
        {
            prop_evidence(f, item, &names::SENT_REPRESENTING_SMTP_ADDRESS);
        }
        f.evidence("mailbox owner addresses", owner.join(", "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_strips_proxy_type_prefix_only() {
        assert_eq!(normalize("SMTP:Alice@Contoso.com"), "alice@contoso.com");
        assert_eq!(normalize("X500:/o=Contoso/cn=Alice"), "/o=contoso/cn=alice");
        // A DN has no type prefix; its first ':' is not one.
        assert_eq!(
            normalize("/o=Contoso/ou=A:B/cn=x"),
            "/o=contoso/ou=a:b/cn=x"
        );
        assert!(is_address("/O=CONTOSO/CN=ALICE"));
        assert!(!is_address("Alice Smith"));
    }
}

//! CC405 organizer-mismatch: a series' organizer row in the recipient table is not PR_SENT_REPRESENTING.

use calcheck_model::{CalendarItem, PropertyBag, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{is_organizer_row, is_recurring, non_empty, recipient_evidence};

declare_check! {
    /// ## What it checks
    /// For a recurring item, whether the recipient row flagged recipOrganizer (0x2 in PR_RECIPIENT_FLAGS)
    /// names the same mailbox as PR_SENT_REPRESENTING_EMAIL_ADDRESS. Addresses are compared
    /// case-insensitively, and only like with like: the row's PR_EMAIL_ADDRESS with the item's address when
    /// both have the same address type, and either PR_SMTP_ADDRESS with the other side's SMTP form. When no
    /// pair of the same type exists (an EX row against an SMTP organizer with no SMTP form stored), nothing
    /// is reported, because the two cannot be compared offline. Items without an organizer row, or whose
    /// organizer row or item has no address, are left to CC412 and CC403.
    ///
    /// CalCheck kept both addresses in global variables that were not reset between items, so one item's
    /// organizer could be compared with the next item's; calcheck compares within one item only.
    ///
    /// ## Why it matters
    /// Outlook treats the recipOrganizer row as the organizer when it sends updates and tracks responses.
    /// If it disagrees with the item's organizer, attendees can receive updates from the wrong person, or
    /// the real organizer loses control of the series.
    ///
    /// ## How to fix
    /// Have the real organizer send an update to all attendees; if that fails, cancel the series and send a
    /// new one.
    ///
    /// ## Example
    /// A series whose organizer row still names the previous owner of a mailbox after a migration.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10 (PidTagRecipientFlags, recipOrganizer). CalCheck 0041: `ERROR: SENT_REPRESENTING
    /// address does not match Organizer Address from the Recipient Table.  /RecipTable: <addr>
    /// /SentRepresenting: <addr>.`
    pub OrganizerMismatch,
    code: "CC405", name: "organizer-mismatch", severity: Error, category: Meetings,
    calcheck: ["0041"],
    needs: { recipients },
    summary: "A series' organizer row does not match PR_SENT_REPRESENTING_EMAIL_ADDRESS",
}

/// One typed address: (address type, address) as stored; both compare without regard to case.
type TypedAddress<'a> = (&'a str, &'a str);

/// The typed addresses of one side: the address with its type, then the SMTP address; at most two, kept
/// inline (this runs for every recurring item, and a list on the heap cost more than the comparison).
struct TypedAddresses<'a>([Option<TypedAddress<'a>>; 2]);

impl<'a> TypedAddresses<'a> {
    /// The addresses, in order.
    fn iter(&self) -> impl Iterator<Item = &TypedAddress<'a>> {
        self.0.iter().flatten()
    }

    /// True when the side has no address.
    fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// The typed addresses of one side: (address type, address), empty addresses dropped.
fn typed_addresses<'a>(
    bag: &'a PropertyBag,
    type_def: &names::PropDef,
    addr_def: &names::PropDef,
    smtp_def: &names::PropDef,
) -> TypedAddresses<'a> {
    let typed = non_empty(bag, addr_def).map(|a| (bag.str(type_def).unwrap_or(""), a));
    let smtp = non_empty(bag, smtp_def).map(|a| ("smtp", a));
    TypedAddresses([typed, smtp])
}

/// Two address types are the same: equal once ASCII capitals are lowered.
fn same_type(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// Two addresses are the same: equal once lowercased (`to_lowercase`). Most addresses are ASCII, whose
/// lowercase is the ASCII one, so they are compared in place; series are checked by the hundred
/// thousand and this check usually finds nothing.
fn same_address(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

impl Check for OrganizerMismatch {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_recurring(item) {
            return;
        }
        let item_side = typed_addresses(
            &item.props,
            &names::SENT_REPRESENTING_ADDRESS_TYPE,
            &names::SENT_REPRESENTING_EMAIL_ADDRESS,
            &names::SENT_REPRESENTING_SMTP_ADDRESS,
        );
        if item_side.is_empty() {
            return;
        }
        for r in item.recipients.iter().filter(|r| is_organizer_row(r)) {
            let row_side = typed_addresses(
                &r.props,
                &names::ADDRESS_TYPE,
                &names::EMAIL_ADDRESS,
                &names::SMTP_ADDRESS,
            );
            let same_address = row_side
                .iter()
                .any(|(_, a)| item_side.iter().any(|(_, b)| same_address(a, b)));
            let comparable = row_side
                .iter()
                .any(|(t, _)| !t.is_empty() && item_side.iter().any(|(u, _)| same_type(t, u)));
            if same_address || !comparable {
                continue;
            }
            let row_addr = non_empty(&r.props, &names::EMAIL_ADDRESS).unwrap_or("");
            let item_addr =
                non_empty(&item.props, &names::SENT_REPRESENTING_EMAIL_ADDRESS).unwrap_or("");
            let f = cx.report(
                self,
                format!(
                    "SENT_REPRESENTING address does not match Organizer Address from the Recipient Table.  /RecipTable: {}  /SentRepresenting: {}",
                    row_addr.to_lowercase(),
                    item_addr.to_lowercase()
                ),
            );
            prop_evidence(f, item, &names::SENT_REPRESENTING_ADDRESS_TYPE);
            prop_evidence(f, item, &names::SENT_REPRESENTING_EMAIL_ADDRESS);
            if item
                .props
                .get(&names::SENT_REPRESENTING_SMTP_ADDRESS)
                .is_some()
            {
                prop_evidence(f, item, &names::SENT_REPRESENTING_SMTP_ADDRESS);
            }
            recipient_evidence(f, r, &names::RECIPIENT_FLAGS);
            recipient_evidence(f, r, &names::ADDRESS_TYPE);
            recipient_evidence(f, r, &names::EMAIL_ADDRESS);
            if r.props.get(&names::SMTP_ADDRESS).is_some() {
                recipient_evidence(f, r, &names::SMTP_ADDRESS);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_types_compare_as_their_lowercase_forms() {
        // The comparison the check made before it compared in place: lowercase both, then equal.
        let pairs = [
            (
                "/O=ExchangeLabs/CN=Recipients/CN=ann",
                "/o=exchangelabs/cn=recipients/cn=ann",
            ),
            ("ann@example.com", "ANN@EXAMPLE.COM"),
            ("ann@example.com", "bob@example.com"),
            ("Ärger@example.com", "ärger@EXAMPLE.com"),
            // KELVIN SIGN lowercases to an ASCII k.
            ("\u{212A}elvin@example.com", "kelvin@example.com"),
            ("", ""),
            ("a", ""),
        ];
        for (a, b) in pairs {
            assert_eq!(
                same_address(a, b),
                a.to_lowercase() == b.to_lowercase(),
                "{a} {b}"
            );
        }
        assert!(same_type("EX", "ex") && same_type("SMTP", "smtp") && !same_type("EX", "SMTP"));
    }
}

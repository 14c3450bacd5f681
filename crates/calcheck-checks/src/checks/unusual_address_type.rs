//! CC414 unusual-address-type: a meeting attendee's address type is neither EX nor SMTP.

use calcheck_model::{CalendarItem, names};

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{RecipientScreen, is_meeting, non_empty, recipient_evidence, recipient_label};

declare_check! {
    /// ## What it checks
    /// On meetings (asfMeeting set), whether any recipient row has a PR_ADDRTYPE other than `EX` or `SMTP`
    /// (compared case-insensitively; CalCheck compared case-sensitively). Missing or damaged types are
    /// CC409's. One finding per item lists the rows.
    ///
    /// Plain appointments are not checked, unlike CalCheck: their recipient table holds only the owner's own
    /// organizer row, which nothing looks up, and Outlook writes it with the type `UNKNOWN` in profiles
    /// without an Exchange or SMTP identity (real items in calcheck's corpus).
    ///
    /// ## Why it matters
    /// Exchange resolves attendees of type EX and SMTP directly. Other types (X400, FAX, a custom transport,
    /// a contact-group MAPIPDL) need extra lookups that make the Scheduling Assistant and free/busy slow,
    /// and may fail outright.
    ///
    /// ## How to fix
    /// Replace such attendees with address-book entries that resolve to EX or SMTP, then send an update.
    ///
    /// ## Example
    /// A meeting migrated from a Lotus Notes system whose attendees kept the type "NOTES".
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3. CalCheck 0058: `WARNING: Email address type not Exchange or
    /// SMTP on entries in Recipient Table. This could cause performance problems on address lookups.`
    pub UnusualAddressType,
    code: "CC414", name: "unusual-address-type", severity: Warning, category: Meetings,
    calcheck: ["0058"],
    needs: { recipients },
    summary: "A meeting attendee's address type is neither EX nor SMTP",
}

impl Check for UnusualAddressType {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_meeting(item)
            || !cx
                .recipient_screen(item)
                .may(RecipientScreen::ODD_ADDRESS_TYPE)
        {
            return;
        }
        let odd: Vec<&calcheck_model::Recipient> = item
            .recipients
            .iter()
            .filter(|r| {
                non_empty(&r.props, &names::ADDRESS_TYPE).is_some_and(|t| {
                    !t.eq_ignore_ascii_case("EX") && !t.eq_ignore_ascii_case("SMTP")
                })
            })
            .collect();
        if odd.is_empty() {
            return;
        }
        let who: Vec<String> = odd.iter().map(|r| recipient_label(r)).collect();
        let f = cx.report(
            self,
            "Email address type not Exchange or SMTP on entries in Recipient Table. This could cause performance problems on address lookups",
        );
        f.detail(format!("rows: {}", who.join(", ")));
        for r in odd {
            recipient_evidence(f, r, &names::ADDRESS_TYPE);
            recipient_evidence(f, r, &names::EMAIL_ADDRESS);
        }
    }
}

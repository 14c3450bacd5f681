//! CC408 track-status-time-1601: a recipient's PR_RECIPIENT_TRACKSTATUS_TIME is 1601-01-01 (zero).

use calcheck_format::time;
use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, describe};
use crate::declare_check;
use crate::engine::Check;

/// FILETIME of 1601-01-02 00:00: any response time before it is the zero date or a rounding of it.
const FILETIME_1601_01_02: u64 = 24 * 3600 * time::TICKS_PER_SECOND;

declare_check! {
    /// ## What it checks
    /// Every recipient row for a PR_RECIPIENT_TRACKSTATUS_TIME (0x5FFB0040, the UTC time the attendee
    /// responded) equal to 1601-01-01, the FILETIME zero. Recipient rows of embedded exception items are
    /// checked too. A cell that is absent is not a value: only a stored 1601 time fires.
    ///
    /// ## Why it matters
    /// Outlook and Exchange treat a 1601-01-01 response time as a response at the start of time. Meeting
    /// tracking then shows wrong responses, and updates to the meeting fail or loop (KB 938650).
    ///
    /// ## How to fix
    /// Have the organizer resend the meeting update, or remove and re-add the attendee.
    ///
    /// ## Example
    /// A meeting written by a migration tool that copied an empty response time as zero.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.4.10 (PidTagRecipientTrackStatusTime); KB 938650. Not checked by CalCheck, which never reads
    /// the property.
    pub TrackStatusTime1601,
    code: "CC408", name: "track-status-time-1601", severity: Error, category: Meetings,
    calcheck: [],
    needs: { recipients },
    summary: "A recipient's response time is 1601-01-01",
}

impl TrackStatusTime1601 {
    fn check_rows(
        &self,
        item: &CalendarItem,
        top: &CalendarItem,
        cx: &mut ItemCx<'_>,
        attachment: Option<u32>,
    ) {
        for r in &item.recipients {
            let Some(p) = r.props.get(&names::RECIPIENT_TRACK_STATUS_TIME) else {
                continue;
            };
            let Some(t) = p.value.as_time() else { continue };
            if t < FILETIME_1601_01_02 {
                let who = r
                    .props
                    .str(&names::DISPLAY_NAME)
                    .or_else(|| r.props.str(&names::EMAIL_ADDRESS))
                    .unwrap_or("(no name)")
                    .to_owned();
                let derived = p.provenance == calcheck_model::Provenance::Derived;
                let path = attachment
                    .map(|n| format!(" of the exception in attachment {n}"))
                    .unwrap_or_default();
                let f = cx.report(
                    self,
                    format!("Recipient {who:?}{path} has a response time of 1601-01-01"),
                );
                f.evidence(
                    format!("recipient {} PidTagRecipientTrackStatusTime", r.row),
                    describe(p),
                );
                if let Some(s) = r.props.get(&names::RECIPIENT_TRACK_STATUS) {
                    f.evidence(
                        format!("recipient {} PidTagRecipientTrackStatus", r.row),
                        describe(s),
                    );
                }
                f.evidence(
                    names::MESSAGE_CLASS.name,
                    format!("{:?}", top.message_class()),
                );
                f.derived(derived);
            }
        }
    }
}

impl Check for TrackStatusTime1601 {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        self.check_rows(item, item, cx, None);
        for (a, e) in item.exception_items() {
            self.check_rows(e, item, cx, Some(a.index));
        }
    }
}

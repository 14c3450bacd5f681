//! CC502 duplicate-item: two items with the same subject, organizer, location, recurrence flag, start and end.

use crate::context::{StoreCx, duplicates};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Pairs of items in one calendar with the same subject, organizer name (PR_SENT_REPRESENTING_NAME),
    /// location, recurring flag, and start and end (PidLidAppointmentStartWhole/EndWhole, compared as UTC
    /// FILETIMEs to the tick). The newer item (later PR_CREATION_TIME, or later in the input) is reported,
    /// with the older one as the related item.
    ///
    /// Items are compared within one folder only, and meeting messages (`IPM.Schedule.Meeting.*`) are
    /// left out: a PST or OST source also lists the meeting requests of the Inbox and Deleted Items, which
    /// carry the times of their meeting (in `aspose__SampleOstFile.ost` of calcheck's corpus, a meeting of
    /// the Calendar has its request both in the Inbox and in Deleted Items, and Deleted Items holds two
    /// copies of another request).
    ///
    /// ## Why it matters
    /// Duplicates appear after sync or migration problems. Users see two copies of a meeting, free/busy counts
    /// the time twice, and deleting one copy may cancel the meeting for everyone.
    ///
    /// ## How to fix
    /// Check which copy is current (the organizer's updates go to one of them) and delete the other.
    ///
    /// ## Example
    /// The same weekly meeting imported twice from a PST backup.
    ///
    /// ## References
    /// CalCheck 0049: "ERROR: Duplicate item in the Calendar. Please check this item." CalCheck compared 12-hour
    /// text times, so noon and midnight collided; calcheck compares exact FILETIMEs. `--no-dup` skips this check.
    pub DuplicateItem,
    code: "CC502", name: "duplicate-item", severity: Error, category: Store,
    calcheck: ["0049"],
    summary: "Two items have the same subject, organizer, location, start and end",
}

impl Check for DuplicateItem {
    fn check_store(&self, cx: &mut StoreCx<'_>) {
        if cx.options.no_dup {
            return;
        }
        // Meeting messages (a request in the Inbox, two copies of one request in Deleted Items) carry the
        // times of their meeting and are not calendar items; they are left out. Duplicates are looked
        // for within one folder, as CalCheck looked within the calendar it opened, and each copy is
        // reported against the oldest item with its key (by creation time, as CalCheck ordered them).
        let items = cx.items;
        let hits = duplicates(
            items
                .iter()
                .filter(|s| !s.meeting_message())
                .map(|s| (s, s.dup_key())),
        );
        for (s, earlier) in hits {
            let other = cx.detail(earlier);
            let f = cx.report(self, s, "Duplicate item in the Calendar");
            if let Some(other) = other {
                f.related(other.item_ref.clone());
                f.evidence("duplicate of", describe_ref(&other.item_ref));
            }
        }
    }
}

fn describe_ref(r: &calcheck_model::ItemRef) -> String {
    format!(
        "{} {} ({})",
        r.folder,
        r.subject.as_deref().unwrap_or("(no subject)"),
        r.locator
    )
}

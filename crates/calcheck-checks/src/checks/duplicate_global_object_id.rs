//! CC503 duplicate-global-object-id: two calendar items share a GlobalObjectId or CleanGlobalObjectId.

use calcheck_model::item::hex_upper;

use std::collections::BTreeMap;

use crate::context::{ItemSummary, StoreCx, duplicates};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Whether two calendar items of one folder carry the same PidLidGlobalObjectId (CalCheck 0046), the
    /// same PidLidCleanGlobalObjectId (0047), or both (0048). Items are taken in PR_CREATION_TIME order, as
    /// CalCheck took them, so the newer item is reported with the older one as the related item.
    ///
    /// Ids are compared byte for byte. CalCheck searched each id's hex text inside the stored ids, so an
    /// id that was a prefix or any substring of a longer one counted as a duplicate; calcheck does not.
    /// Items marked as exceptions (PidLidIsException) are not compared by CleanGlobalObjectId, since an
    /// exception shares it with its series by design. Meeting messages kept in the calendar
    /// (`IPM.Schedule.Meeting.*`) are skipped: a request or response carries the ids of the meeting it is
    /// about. CalCheck compared only items that had both ids; calcheck compares each id wherever present.
    ///
    /// ## Why it matters
    /// Outlook and Exchange find the calendar item an update or response belongs to by these ids. With two
    /// items sharing one, an update lands on either of them, so one copy goes stale, and deleting one may
    /// cancel the meeting for everyone.
    ///
    /// ## How to fix
    /// Decide which copy is current (the one the organizer's last update reached) and delete the other.
    ///
    /// ## Example
    /// A meeting copied with Ctrl+C/Ctrl+V by a tool that kept the ids instead of clearing them as Outlook
    /// does.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.27, 2.2.1.28. CalCheck 0046: `ERROR: PidLidGlobalObjectId values match on two
    /// items.` 0047: `ERROR: PidLidCleanGlobalObjectId values match on two items.` 0048: "ERROR:
    /// PidLidGlobalObjectId and PidLidCleanGlobalObjectId values match on two items."
    pub DuplicateGlobalObjectId,
    code: "CC503", name: "duplicate-global-object-id", severity: Error, category: Store,
    calcheck: ["0046", "0047", "0048"],
    summary: "Two calendar items share a GlobalObjectId or CleanGlobalObjectId",
}

impl Check for DuplicateGlobalObjectId {
    fn check_store(&self, cx: &mut StoreCx<'_>) {
        // Ids are compared within one folder: the same meeting in two calendar folders (a copied
        // archive calendar, say) is two calendars' business, not a duplicate in one of them. Each item
        // is reported against the oldest item with its id.
        let items = cx.items;
        let calendar = || items.iter().filter(|s| !s.meeting_message());
        // The two sorts are independent and are this check's whole cost (about 0.7 ms each on the
        // generated mailbox), the longest store task: on two threads they run side by side.
        let (by_goid, by_clean) = rayon::join(
            || duplicates(calendar().map(|s| (s, s.goid()))),
            || duplicates(calendar().map(|s| (s, s.clean_goid().filter(|_| !s.is_exception())))),
        );
        // Both lists are in source order; each item that either names is one finding.
        let mut hits: BTreeMap<usize, Hit<'_>> = BTreeMap::new();
        for (s, first) in by_goid {
            hits.entry(s.index).or_insert((s, None, None)).1 = Some(first);
        }
        for (s, first) in by_clean {
            hits.entry(s.index).or_insert((s, None, None)).2 = Some(first);
        }
        let hits: Vec<Hit<'_>> = hits.into_values().collect();
        for (s, goid_dup, clean_dup) in hits {
            let (message, number, earlier) = match (goid_dup, clean_dup) {
                (Some(g), Some(_)) => (
                    "PidLidGlobalObjectId and PidLidCleanGlobalObjectId values match on two items",
                    "0048",
                    g,
                ),
                (Some(g), None) => ("PidLidGlobalObjectId values match on two items", "0046", g),
                (None, Some(c)) => (
                    "PidLidCleanGlobalObjectId values match on two items",
                    "0047",
                    c,
                ),
                (None, None) => continue,
            };
            // Every detail the finding shows is asked for before the finding is made (see
            // `StoreCx::detail`).
            let this = cx.detail(s);
            let first = cx.detail(earlier);
            let other = clean_dup
                .filter(|c| goid_dup.is_some_and(|g| g.index != c.index))
                .map(|c| cx.detail(c));
            let f = cx.report(self, s, message);
            f.calcheck(number);
            if let Some(first) = first {
                f.related(first.item_ref.clone());
            }
            if goid_dup.is_some()
                && let Some(g) = this.and_then(|d| d.goid.as_deref())
            {
                f.evidence("PidLidGlobalObjectId", hex_upper(g));
            }
            if clean_dup.is_some()
                && let Some(c) = this.and_then(|d| d.clean_goid.as_deref())
            {
                f.evidence("PidLidCleanGlobalObjectId", hex_upper(c));
            }
            if let Some(first) = first {
                f.evidence("same id as", describe_ref(&first.item_ref));
            }
            if let Some(Some(other)) = other {
                f.related(other.item_ref.clone());
            }
        }
    }
}

/// An item with a duplicate id: the item, the oldest item with its GlobalObjectId and the oldest
/// with its CleanGlobalObjectId.
type Hit<'a> = (
    &'a ItemSummary,
    Option<&'a ItemSummary>,
    Option<&'a ItemSummary>,
);

fn describe_ref(r: &calcheck_model::ItemRef) -> String {
    format!(
        "{} {} ({})",
        r.folder,
        r.subject.as_deref().unwrap_or("(no subject)"),
        r.locator
    )
}

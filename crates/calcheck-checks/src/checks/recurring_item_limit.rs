//! CC501 recurring-item-limit: a calendar folder holds more recurring items than Outlook handles well.

use std::collections::BTreeMap;

use crate::context::{ItemSummary, StoreCx};
use crate::declare_check;
use crate::engine::Check;
use crate::meta::Severity;

/// More recurring items than this in one folder earns the warning (CalCheck 0060).
const WARN_ABOVE: usize = 1250;
/// This many recurring items in one folder is Outlook's limit (CalCheck 0061).
const LIMIT: usize = 1300;

declare_check! {
    /// ## What it checks
    /// Counts the recurring items (PidLidRecurring true) of each calendar folder of the input. More than
    /// 1250 earns a warning (CalCheck 0060); 1300 or more is an error (CalCheck 0061). Meeting messages
    /// (`IPM.Schedule.Meeting.*`) kept in the folder are not counted. There is one finding per folder, on
    /// the recurring item that crossed the threshold (the 1251st, or the 1300th, in the order the input
    /// lists them), with the folder's count as evidence.
    ///
    /// CalCheck compared its running count with exactly 1250 and 1299 while it processed each row, so it
    /// said "reached the limit of 1300" at 1299, and said nothing at all when that particular row was
    /// skipped by its holiday, past-item or conflict filters. calcheck counts the whole folder first.
    ///
    /// ## Why it matters
    /// Outlook expands recurring series when it builds calendar views and reminders. Beyond about 1300
    /// recurring items in one calendar folder, series stop appearing and reminders are missed.
    ///
    /// ## How to fix
    /// Delete recurring series that have ended, or end old open-ended series (set an end date in the past
    /// and keep a new series from today).
    ///
    /// ## Example
    /// A long-lived mailbox where every weekly one-on-one of the last twelve years is still an open series.
    ///
    /// ## References
    /// formats.md §9.21 (the 1300-item limit). CalCheck 0060: `WARNING: Number of Recurring Appointments is
    /// greater than 1250. The maximum is 1300. To prevent hitting the limit please delete some older
    /// recurring appointments.` CalCheck 0061: `ERROR: Number of Recurring Appointments reached the limit of
    /// 1300. To correct this please delete some older recurring appointments.`
    pub RecurringItemLimit,
    code: "CC501", name: "recurring-item-limit", severity: Warning, category: Store,
    calcheck: ["0060", "0061"],
    summary: "A calendar folder has more than 1250 recurring items",
}

impl Check for RecurringItemLimit {
    fn check_store(&self, cx: &mut StoreCx<'_>) {
        let mut folders: BTreeMap<&str, Vec<&ItemSummary>> = BTreeMap::new();
        for s in cx
            .items
            .iter()
            .filter(|s| s.recurring() && !s.meeting_message())
        {
            folders.entry(cx.folder(s)).or_default().push(s);
        }
        let mut hits: Vec<(&ItemSummary, usize, &str)> = Vec::new();
        for (folder, items) in &folders {
            let count = items.len();
            let at = if count >= LIMIT {
                LIMIT
            } else if count > WARN_ABOVE {
                WARN_ABOVE + 1
            } else {
                continue;
            };
            if let Some(s) = items.get(at - 1) {
                hits.push((s, count, folder));
            }
        }
        for (s, count, folder) in hits {
            let f = if count >= LIMIT {
                let f = cx.report(
                    self,
                    s,
                    "Number of Recurring Appointments reached the limit of 1300. To correct this please delete some older recurring appointments",
                );
                f.severity(Severity::Error).calcheck("0061");
                f
            } else {
                let f = cx.report(
                    self,
                    s,
                    "Number of Recurring Appointments is greater than 1250. The maximum is 1300. To prevent hitting the limit please delete some older recurring appointments",
                );
                f.calcheck("0060");
                f
            };
            f.detail(format!(
                "the folder {folder:?} holds {count} recurring items; this is recurring item number {} in it",
                if count >= LIMIT { LIMIT } else { WARN_ABOVE + 1 }
            ));
            f.evidence("recurring items in the folder", count.to_string());
        }
    }
}

//! CC115 too-many-attachments: a recurring item has more than 25 attachments.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::is_recurring;

/// CalCheck's limit: more than this many attachments on a series is suspicious.
const MAX_ATTACHMENTS: usize = 25;

declare_check! {
    /// ## What it checks
    /// Whether a recurring item (PidLidRecurring) has more than 25 rows in its attachment table. Each
    /// modified occurrence of a series is stored as an attachment, so the count includes exceptions.
    /// CalCheck counted only when PR_HASATTACH was true; calcheck counts the table it read.
    ///
    /// ## Why it matters
    /// Many attachments on a series usually mean many exceptions, often created by a device or add-in
    /// that rewrites occurrences again and again. Such series grow large, sync slowly, and are where
    /// exception corruption tends to show up.
    ///
    /// ## How to fix
    /// Check the series' exceptions. If they are not wanted, end the series and create a new one from
    /// today, which starts without exceptions.
    ///
    /// ## Example
    /// A daily stand-up where a phone's calendar app saved each occurrence as an exception.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.10 (exceptions as attachments). CalCheck 0037: `WARNING: More than 25 attachments (<n>)
    /// which may indicate a problem with exceptions on this recurring meeting.`
    pub TooManyAttachments,
    code: "CC115", name: "too-many-attachments", severity: Warning, category: ItemProps,
    calcheck: ["0037"],
    needs: { attachments },
    summary: "A recurring item has more than 25 attachments",
}

impl Check for TooManyAttachments {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let count = item.attachments.len();
        if !is_recurring(item) || count <= MAX_ATTACHMENTS {
            return;
        }
        let exceptions = item.attachments.iter().filter(|a| a.is_exception()).count();
        let f = cx.report(
            self,
            format!(
                "More than 25 attachments ({count}) which may indicate a problem with exceptions on this recurring meeting"
            ),
        );
        f.evidence("attachments", count.to_string());
        f.evidence("attachments marked afException", exceptions.to_string());
        prop_evidence(f, item, &names::RECURRING);
    }
}

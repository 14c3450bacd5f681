//! CC116 unreadable-attachment-table: the attachment table of a recurring item could not be read.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::is_recurring;

declare_check! {
    /// ## What it checks
    /// Whether the reader could not read the attachment table of a recurring item, or a whole attachment of
    /// it: a read issue about the `attachment table` (either reader) or `attachment <n>` (the .msg reader).
    /// A recurring item keeps its exceptions there. CalCheck opened the table only when PR_HASATTACH was true; calcheck reads the table
    /// of every item, so it reports a damaged table whatever PR_HASATTACH says. The same damage also shows
    /// as CC902 unreadable-property; this check is the CalCheck-numbered view of it for series.
    ///
    /// ## Why it matters
    /// The exceptions of a series live in its attachments. If they cannot be read, Outlook shows the
    /// modified occurrences at their original times, or fails to open the series.
    ///
    /// ## How to fix
    /// Run the Inbox Repair Tool (scanpst.exe) on the PST or re-create the OST. If the series stays damaged,
    /// delete it and create it again.
    ///
    /// ## Example
    /// A PST series whose attachment table sub-node points at a block that fails its CRC.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.10, [MS-PST] 2.4.6. CalCheck 0036: `ERROR: Unable to access the attachment table for
    /// this item. Error: <hex8>.`
    pub UnreadableAttachmentTable,
    code: "CC116", name: "unreadable-attachment-table", severity: Error, category: ItemProps,
    calcheck: ["0036"],
    needs: { attachments },
    summary: "The attachment table of a recurring item could not be read",
}

/// True when a read issue says the attachment table, or a whole attachment, could not be read: the
/// .msg reader names them `attachment table` and `attachment <n>`, the PST reader `attachment table at
/// <where>`. (The PST reader's `attachment at <where>` issues keep the row from the table, so the table
/// itself was read.)
fn is_attachment_issue(what: &str) -> bool {
    what == "attachment table"
        || what.starts_with("attachment table at ")
        || what
            .strip_prefix("attachment ")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

impl Check for UnreadableAttachmentTable {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_recurring(item) {
            return;
        }
        let issues: Vec<&calcheck_model::ReadIssue> = item
            .issues
            .iter()
            .filter(|i| is_attachment_issue(&i.what))
            .collect();
        if issues.is_empty() {
            return;
        }
        let f = cx.report(self, "Unable to access the attachment table for this item");
        let reasons: Vec<String> = issues
            .iter()
            .map(|i| format!("{}: {}", i.what, i.reason))
            .collect();
        f.detail(reasons.join("; "));
        prop_evidence(f, item, &names::HAS_ATTACHMENTS);
        f.evidence("attachments read", item.attachments.len().to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::is_attachment_issue;

    #[test]
    fn attachment_issue_subjects() {
        assert!(is_attachment_issue("attachment table"));
        assert!(is_attachment_issue("attachment table at nid 0x671"));
        assert!(is_attachment_issue("attachment 3"));
        assert!(!is_attachment_issue("attachment at nid 0x8025"));
        assert!(!is_attachment_issue("attachment 3 property 0x3701"));
        assert!(!is_attachment_issue("recipient table"));
    }
}

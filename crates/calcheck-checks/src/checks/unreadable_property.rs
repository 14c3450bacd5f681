//! CC902 unreadable-property: part of an item (a property, the recipient or attachment table) could not be read.

use calcheck_model::CalendarItem;

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Reports each part of an item that the reader could not read: one property value, the recipient table,
    /// the attachment table, or an embedded exception message. The rest of the item is still checked.
    ///
    /// ## Why it matters
    /// Damage to one property is how corruption usually starts; checks that need the missing part cannot
    /// vouch for the item.
    ///
    /// ## How to fix
    /// Run the Inbox Repair Tool (scanpst.exe) on the PST, or re-sync the OST; if the item stays damaged,
    /// recreate it.
    ///
    /// ## Example
    /// A .msg whose `__substg1.0_8216...` stream is shorter than its size in the property stream says.
    ///
    /// ## References
    /// [MS-PST] 2.3, [MS-OXMSG] 2.1.
    pub UnreadableProperty,
    code: "CC902", name: "unreadable-property", severity: Warning, category: Unreadable,
    calcheck: [],
    summary: "Part of the item could not be read",
}

impl Check for UnreadableProperty {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        report_issues(self, item, cx, None);
        for (a, e) in item.exception_items() {
            report_issues(self, e, cx, Some(a.index));
        }
    }
}

fn report_issues(
    check: &UnreadableProperty,
    item: &CalendarItem,
    cx: &mut ItemCx<'_>,
    attachment: Option<u32>,
) {
    if item.issues.is_empty() {
        return;
    }
    let path = attachment
        .map(|n| format!(" (exception in attachment {n})"))
        .unwrap_or_default();
    for issue in &item.issues {
        let f = cx.report(check, format!("Could not read {}{path}", issue.what));
        f.detail(issue.reason.clone());
    }
}

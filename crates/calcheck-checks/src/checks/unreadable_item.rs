//! CC901 unreadable-item: an item the reader could not read at all.

use calcheck_model::UnreadableItem;

use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Reports every item that the input reader could not read at all (a damaged property context, a
    /// missing node, a truncated stream). The scan goes on with the other items.
    ///
    /// ## Why it matters
    /// An item calcheck cannot read is often one Outlook cannot read either: it may be invisible in the
    /// calendar, or make Outlook fail when the folder syncs.
    ///
    /// ## How to fix
    /// Run the Inbox Repair Tool (scanpst.exe) on the PST, or re-sync the OST; then check again.
    ///
    /// ## Example
    /// A PST message whose property context block fails its signature check.
    ///
    /// ## References
    /// [MS-PST] 2.2, [MS-OXMSG] 2.1.
    pub UnreadableItemCheck,
    code: "CC901", name: "unreadable-item", severity: Error, category: Unreadable,
    calcheck: [],
    summary: "Item could not be read",
}

impl Check for UnreadableItemCheck {
    fn check_unreadable(&self, item: &UnreadableItem, cx: &mut ItemCx<'_>) {
        let f = cx.report(self, "Item could not be read");
        f.detail(item.reason.clone());
    }
}

//! CC117 conflict-item: PR_MSG_STATUS marks the item as a conflict (MSGSTATUS_IN_CONFLICT).

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::MSGSTATUS_IN_CONFLICT;

declare_check! {
    /// ## What it checks
    /// Whether PR_MSG_STATUS (0x0E170003) has MSGSTATUS_IN_CONFLICT (0x800): Outlook found two versions
    /// of the item during synchronization and kept both. CalCheck reported this only with its `-F` switch,
    /// while moving the item away; calcheck always reports it and moves nothing.
    ///
    /// ## Why it matters
    /// A conflict item is one copy of a meeting that Outlook could not reconcile with the server's. Until
    /// the conflict is resolved, the user may see stale times, and updates may apply to the wrong copy.
    ///
    /// ## How to fix
    /// Open the item in Outlook; the InfoBar offers to keep one version. Conflicts are also collected in the
    /// Sync Issues\Conflicts folder.
    ///
    /// ## Example
    /// A meeting changed on a phone and in Outlook while offline.
    ///
    /// ## References
    /// [MS-OXPROPS] PidTagMessageStatus (MSGSTATUS_IN_CONFLICT is 0x800 in the MAPI headers). CalCheck 0062:
    /// `INFO: Moving conflict item to CalCheck folder.`
    pub ConflictItem,
    code: "CC117", name: "conflict-item", severity: Warning, category: ItemProps,
    calcheck: ["0062"],
    summary: "Item is marked as a synchronization conflict",
}

impl Check for ConflictItem {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item
            .props
            .i32(&names::MESSAGE_STATUS)
            .is_some_and(|s| s & MSGSTATUS_IN_CONFLICT != 0)
        {
            let f = cx.report(
                self,
                "Conflict item: PR_MSG_STATUS has MSGSTATUS_IN_CONFLICT",
            );
            prop_evidence(f, item, &names::MESSAGE_STATUS);
        }
    }
}

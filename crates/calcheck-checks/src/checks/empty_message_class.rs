//! CC109 empty-message-class: PR_MESSAGE_CLASS is present but empty.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Whether PR_MESSAGE_CLASS is stored with an empty string. A missing message class is CC111's.
    ///
    /// ## Why it matters
    /// Outlook picks the form that opens an item by its message class. With an empty class it cannot tell
    /// that the item is an appointment: the item may not show on the calendar or may open as a plain
    /// message.
    ///
    /// ## How to fix
    /// Delete the item and recreate it; the class cannot be set from Outlook's user interface.
    ///
    /// ## Example
    /// An item written by a migration tool that copied a NULL class as "".
    ///
    /// ## References
    /// [MS-OXCMSG] 2.2.1.3, [MS-OXOCAL] 2.2.1. CalCheck 0033: `ERROR: No Message Class! Please check this item.`
    pub EmptyMessageClass,
    code: "CC109", name: "empty-message-class", severity: Error, category: ItemProps,
    calcheck: ["0033"],
    summary: "PR_MESSAGE_CLASS is empty",
}

impl Check for EmptyMessageClass {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item.props.str(&names::MESSAGE_CLASS) == Some("") {
            let f = cx.report(self, "No Message Class! Please check this item");
            prop_evidence(f, item, &names::MESSAGE_CLASS);
        }
    }
}

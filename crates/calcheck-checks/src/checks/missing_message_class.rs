//! CC111 missing-message-class: the item has no PR_MESSAGE_CLASS.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Whether PR_MESSAGE_CLASS is missing: absent, stored as an error placeholder, or stored with a type
    /// that is not a string. An empty class is CC109's.
    ///
    /// ## Why it matters
    /// Every message must have a class ([MS-OXCMSG]); Outlook chooses the form and the icon by it. Without
    /// one the item cannot be opened as an appointment and may not appear on the calendar.
    ///
    /// ## How to fix
    /// Delete the item and recreate it.
    ///
    /// ## Example
    /// A PST item whose property context lost the 0x001A property.
    ///
    /// ## References
    /// [MS-OXCMSG] 2.2.1.3. CalCheck 0035: `ERROR: Missing required prop PR_MESSAGE_CLASS. Please check this
    /// item.` CalCheck ran this test even when its configuration turned message-class tests off.
    pub MissingMessageClass,
    code: "CC111", name: "missing-message-class", severity: Error, category: ItemProps,
    calcheck: ["0035"],
    summary: "Item has no PR_MESSAGE_CLASS",
}

impl Check for MissingMessageClass {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item.props.str(&names::MESSAGE_CLASS).is_none() {
            let f = cx.report(
                self,
                "Missing required prop PR_MESSAGE_CLASS. Please check this item",
            );
            prop_evidence(f, item, &names::MESSAGE_CLASS);
        }
    }
}

//! CC113 large-item: PR_MESSAGE_SIZE is 10, 25 or 50 MiB or more.

use calcheck_format::props::PropValue;
use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

/// CalCheck's thresholds, largest first, with their numbers and the size named in the message.
const TIERS: [(u64, &str, &str); 3] = [
    (52_428_800, "0038", "50M"),
    (26_214_400, "0039", "25M"),
    (10_485_760, "0040", "10M"),
];

declare_check! {
    /// ## What it checks
    /// Whether the item's size (PR_MESSAGE_SIZE, or PR_MESSAGE_SIZE_EXTENDED when only that is stored) is
    /// at least 50 MiB (CalCheck 0038), 25 MiB (0039) or 10 MiB (0040). Only the largest threshold reached
    /// is reported. Inputs that do not store a size (most .msg files) are not checked.
    ///
    /// ## Why it matters
    /// A calendar item that large usually carries a pile of exception attachments, large attachments
    /// copied into every occurrence, or runaway properties. Such items are slow to open and sync, can hit
    /// the server's message size limit, and can stop the whole calendar from syncing.
    ///
    /// ## How to fix
    /// Remove large attachments from the item. For a series with thousands of exceptions, end the series
    /// and create a new one.
    ///
    /// ## Example
    /// A daily meeting whose organizer attached a 20 MB deck to each of forty exceptions.
    ///
    /// ## References
    /// [MS-OXPROPS] PidTagMessageSize, PidTagMessageSizeExtended. CalCheck 0038: `WARNING: Message Size
    /// Exceeds 50M which may indicate a problem with attachments/exceptions/properties on this item.` 0039
    /// and 0040 say the same for 25M and 10M.
    pub LargeItem,
    code: "CC113", name: "large-item", severity: Warning, category: ItemProps,
    calcheck: ["0038", "0039", "0040"],
    summary: "Item is 10 MiB or larger",
}

impl Check for LargeItem {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        // PR_MESSAGE_SIZE and PR_MESSAGE_SIZE_EXTENDED share the id 0x0E08; the stored type decides.
        let (size, def) = match item.props.value(&names::MESSAGE_SIZE) {
            Some(PropValue::I32(s)) => (u64::from(*s as u32), &names::MESSAGE_SIZE),
            Some(PropValue::I64(s)) => (
                u64::try_from(*s).unwrap_or(0),
                &names::MESSAGE_SIZE_EXTENDED,
            ),
            _ => return,
        };
        let Some((_, number, label)) = TIERS.iter().find(|(min, _, _)| size >= *min) else {
            return;
        };
        let f = cx.report(
            self,
            format!(
                "Message Size Exceeds {label} which may indicate a problem with attachments/exceptions/properties on this item"
            ),
        );
        f.calcheck(number);
        prop_evidence(f, item, def);
        f.evidence("attachments", item.attachments.len().to_string());
    }
}

//! CC112 missing-delivery-time: the item has no PR_MESSAGE_DELIVERY_TIME.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Whether PR_MESSAGE_DELIVERY_TIME (0x0E060040) is missing on any item, meeting or not, as CalCheck
    /// tested it (CalVerifier tested meetings only). A value of another type or an error placeholder counts
    /// as missing. Every Outlook-written item in calcheck's real-data corpus has it, appointments created
    /// locally included (`testdata/README.md`, "Checks A review").
    ///
    /// ## Why it matters
    /// PR_MESSAGE_DELIVERY_TIME is the time the store received the item ([MS-OXPROPS] 2.790). CalCheck's
    /// author found that calendar items without it can cause calendar synchronization problems between
    /// Exchange and Outlook's cached copy.
    ///
    /// ## How to fix
    /// Recreate the item (or copy it and delete the original), so that the store stamps a delivery time.
    ///
    /// ## Example
    /// An appointment created through a third-party MAPI tool that never submitted or saved it through the
    /// store's usual path.
    ///
    /// ## References
    /// [MS-OXOMSG] 2.2.3.9. CalCheck 0059: `ERROR: Missing required prop PR_MESSAGE_DELIVERY_TIME. This can
    /// cause Calendar sync problems.`
    pub MissingDeliveryTime,
    code: "CC112", name: "missing-delivery-time", severity: Error, category: ItemProps,
    calcheck: ["0059"],
    summary: "Item has no PR_MESSAGE_DELIVERY_TIME",
}

impl Check for MissingDeliveryTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if item.props.time(&names::MESSAGE_DELIVERY_TIME).is_none() {
            let f = cx.report(
                self,
                "Missing required prop PR_MESSAGE_DELIVERY_TIME. This can cause Calendar sync problems",
            );
            prop_evidence(f, item, &names::MESSAGE_DELIVERY_TIME);
            prop_evidence(f, item, &names::MESSAGE_CLASS);
        }
    }
}

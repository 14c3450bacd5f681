//! CC407 missing-global-object-id: PidLidGlobalObjectId or PidLidCleanGlobalObjectId is missing.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use crate::facts::{ASF_RECEIVED, AUX_COPIED, is_meeting, state_flags};

declare_check! {
    /// ## What it checks
    /// Whether the item carries both meeting identifiers, PidLidGlobalObjectId and
    /// PidLidCleanGlobalObjectId (an empty value counts as missing):
    ///
    /// - only the GlobalObjectId (CalCheck 0043) or only the CleanGlobalObjectId (CalCheck 0045): reported
    ///   on any item, because Outlook writes the two together;
    /// - neither (CalCheck 0044): reported on received meetings only (asfMeeting and asfReceived). An
    ///   attendee's copy is made from a meeting request, which carries the ids, so a copy without them
    ///   was stripped by some tool. CalCheck reported 0044 on every item, and CalVerifier on every meeting;
    ///   but plain appointments are saved without ids (several real Outlook items in calcheck's corpus),
    ///   and so were both organizer copies of meetings in the corpus (`hughbe__Meeting.msg`, sent, and
    ///   `aspose__Test_Meeting.msg`), so neither is reported.
    ///
    /// Items marked as copies (auxApptFlagCopied in PidLidAppointmentAuxiliaryFlags) are skipped: Outlook
    /// removes the ids of copied meetings by design. CalCheck dropped these warnings when an error had
    /// already been found on the item; calcheck always reports them.
    ///
    /// ## Why it matters
    /// The ids tie every copy of a meeting together: the organizer's item, each attendee's item, requests,
    /// responses and exceptions. A meeting without them cannot be matched with its updates, so updates
    /// arrive as new meetings and responses are not tracked. CalCheck points to KB 2714118.
    ///
    /// ## How to fix
    /// For an attendee's copy, delete it and ask the organizer to send an update. For the organizer's copy,
    /// recreate the meeting and send it again.
    ///
    /// ## Example
    /// A meeting imported from an .ics file by a tool that did not derive the ids from the UID.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.27, 2.2.1.28. CalCheck 0043: `WARNING: The dispidCleanGlobalObjectID property is
    /// not populated on this item. Please see KB 2714118: https://support.microsoft.com/en-us/kb/2714118`
    /// 0044: `WARNING: The dispidGlobalObjectID and the dispidCleanGlobalObjectID properties are not
    /// populated on this item. …` 0045: `WARNING: The dispidGlobalObjectID property is not populated on
    /// this item. …`
    pub MissingGlobalObjectId,
    code: "CC407", name: "missing-global-object-id", severity: Warning, category: Meetings,
    calcheck: ["0043", "0044", "0045"],
    summary: "An item lacks one of its GlobalObjectIds, or a received meeting lacks both",
}

/// CalCheck's KB reference, appended to each message.
const KB: &str = "Please see KB 2714118: https://support.microsoft.com/en-us/kb/2714118";

impl Check for MissingGlobalObjectId {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let p = &item.props;
        if p.i32(&names::APPOINTMENT_AUXILIARY_FLAGS)
            .is_some_and(|a| a & AUX_COPIED != 0)
        {
            return;
        }
        let has = |d: &names::PropDef| p.binary(d).is_some_and(|b| !b.is_empty());
        let (message, number) = match (
            has(&names::GLOBAL_OBJECT_ID),
            has(&names::CLEAN_GLOBAL_OBJECT_ID),
        ) {
            (true, true) => return,
            (true, false) => (
                format!(
                    "The dispidCleanGlobalObjectID property is not populated on this item. {KB}"
                ),
                "0043",
            ),
            (false, true) => (
                format!("The dispidGlobalObjectID property is not populated on this item. {KB}"),
                "0045",
            ),
            (false, false) if is_meeting(item) && state_flags(item) & ASF_RECEIVED != 0 => (
                format!(
                    "The dispidGlobalObjectID and the dispidCleanGlobalObjectID properties are not populated on this item. {KB}"
                ),
                "0044",
            ),
            (false, false) => return,
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        prop_evidence(f, item, &names::GLOBAL_OBJECT_ID);
        prop_evidence(f, item, &names::CLEAN_GLOBAL_OBJECT_ID);
        prop_evidence(f, item, &names::APPOINTMENT_STATE_FLAGS);
    }
}

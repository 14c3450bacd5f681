//! The property registry: every property calcheck reads, by its [MS-OXPROPS] canonical name.
//!
//! Checks, the input readers and `calcheck ci-props` all take property identities from here, so the
//! list of what a CI job must request from Graph or EWS is the list the checks actually read.

use std::sync::OnceLock;

use calcheck_format::Guid;
use calcheck_format::props::{MvBase, PropType};
use rustc_hash::FxHashMap;

use crate::key::{
    NamedId, PSETID_APPOINTMENT, PSETID_CALENDAR_ASSISTANT, PSETID_COMMON, PSETID_MEETING,
    PSETID_TASK, PropKey,
};

/// How a registered property is identified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDef {
    /// A tagged property id.
    Tag(u16),
    /// A named property with a numeric LID in a property set.
    Lid(Guid, u32),
    /// A named property with a string name in a property set.
    Name(Guid, &'static str),
}

impl KeyDef {
    /// True when `key` is this property.
    pub fn matches(&self, key: &PropKey) -> bool {
        match (self, key) {
            (KeyDef::Tag(a), PropKey::Tagged(b)) => a == b,
            (
                KeyDef::Lid(s, l),
                PropKey::Named {
                    set,
                    id: NamedId::Lid(lid),
                },
            ) => s == set && l == lid,
            (
                KeyDef::Name(s, n),
                PropKey::Named {
                    set,
                    id: NamedId::Name(name),
                },
            ) => s == set && n == name,
            _ => false,
        }
    }

    /// The owned key.
    // Always inlined: the readers build a registered property's key with it once per value, and
    // with the sink inlined once per decoded type the compiler stopped inlining it into the table
    // reader (a call for each of 407 007 cells, 10 M instructions).
    #[allow(clippy::inline_always)]
    #[inline(always)]
    pub fn to_key(&self) -> PropKey {
        match *self {
            KeyDef::Tag(id) => PropKey::Tagged(id),
            KeyDef::Lid(set, lid) => PropKey::lid(set, lid),
            KeyDef::Name(set, name) => PropKey::name(set, name),
        }
    }
}

/// A registered property: canonical name, MAPI/legacy name, identity and expected type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PropDef {
    /// [MS-OXPROPS] canonical name, e.g. `PidLidAppointmentRecur`.
    pub name: &'static str,
    /// The MAPI or legacy name tools such as MFCMAPI and CalCheck print, e.g. `dispidApptRecur`.
    pub alt_name: &'static str,
    /// Tag id, or property set and LID/name.
    pub key: KeyDef,
    /// The type the spec gives it.
    pub ty: PropType,
    /// Where property bags keep this property's position: the index in [`ALL`] of the first
    /// definition with the same identity. Private, so that only the registry makes definitions.
    slot: u16,
}

impl PropDef {
    /// The registered slot of this property: below [`SLOTS`], shared by definitions that name the
    /// same property with different types (PR_MESSAGE_SIZE and PR_MESSAGE_SIZE_EXTENDED).
    pub fn slot(&self) -> usize {
        usize::from(self.slot)
    }

    /// The full tag of a tagged property (`None` for named ones, whose id is store-local).
    pub fn tag(&self) -> Option<u32> {
        match self.key {
            KeyDef::Tag(id) => Some((u32::from(id) << 16) | u32::from(self.ty.code())),
            _ => None,
        }
    }
}

macro_rules! registry {
    ($( $konst:ident = $name:literal, $alt:literal, $key:expr, $ty:expr; )*) => {
        /// The definitions' positions in [`ALL`], so that each definition can name its own.
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        enum Position { $( $konst ),* }
        /// The identities in declaration order, for [`first_with_key`].
        const KEYS: &[KeyDef] = &[ $( $key ),* ];
        $(
            #[doc = concat!("`", $name, "` (`", $alt, "`).")]
            pub const $konst: PropDef = PropDef {
                name: $name,
                alt_name: $alt,
                key: $key,
                ty: $ty,
                slot: first_with_key(KEYS, Position::$konst as usize),
            };
        )*
        /// Every registered property, in declaration order.
        pub const ALL: &[&PropDef] = &[ $( &$konst ),* ];
    };
}

/// The number of registered slots (one per definition; definitions of the same property share
/// the first one's, leaving the others unused).
pub const SLOTS: usize = ALL.len();

/// The position of the first identity in `keys` equal to `keys[i]`, computed when compiling.
// A const fn cannot call `get` on a slice of a non-Copy-comparable type in a loop any other way;
// the loop bounds keep every index inside `keys`.
#[allow(clippy::indexing_slicing, clippy::cast_possible_truncation)]
const fn first_with_key(keys: &[KeyDef], i: usize) -> u16 {
    let mut j = 0;
    while j < i {
        if key_def_eq(&keys[j], &keys[i]) {
            return j as u16;
        }
        j += 1;
    }
    i as u16
}

/// [`KeyDef`] equality usable in constants.
const fn key_def_eq(left: &KeyDef, right: &KeyDef) -> bool {
    match (left, right) {
        (KeyDef::Tag(id), KeyDef::Tag(other_id)) => *id == *other_id,
        (KeyDef::Lid(set, lid), KeyDef::Lid(other_set, other_lid)) => {
            *lid == *other_lid && guid_eq(set, other_set)
        }
        (KeyDef::Name(set, name), KeyDef::Name(other_set, other_name)) => {
            guid_eq(set, other_set) && str_eq(name, other_name)
        }
        _ => false,
    }
}

/// [`Guid`] equality usable in constants.
#[allow(clippy::indexing_slicing)]
const fn guid_eq(a: &Guid, b: &Guid) -> bool {
    if a.data1 != b.data1 || a.data2 != b.data2 || a.data3 != b.data3 {
        return false;
    }
    let mut k = 0;
    while k < 8 {
        if a.data4[k] != b.data4[k] {
            return false;
        }
        k += 1;
    }
    true
}

/// String equality usable in constants.
#[allow(clippy::indexing_slicing)]
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut k = 0;
    while k < a.len() {
        if a[k] != b[k] {
            return false;
        }
        k += 1;
    }
    true
}

const A: Guid = PSETID_APPOINTMENT;
const M: Guid = PSETID_MEETING;
const C: Guid = PSETID_COMMON;
const T: Guid = PSETID_TASK;
const CA: Guid = PSETID_CALENDAR_ASSISTANT;
use KeyDef::{Lid, Tag};
use PropType::{Binary, Boolean, Integer32, Integer64, Time, Unicode};
const MV_I32: PropType = PropType::Multiple(MvBase::Integer32);
const MV_STR: PropType = PropType::Multiple(MvBase::Unicode);

registry! {
    // Appointment [MS-OXOCAL] 2.2.1.
    APPOINTMENT_SEQUENCE = "PidLidAppointmentSequence", "dispidApptSequence", Lid(A, 0x8201), Integer32;
    APPOINTMENT_SEQUENCE_TIME = "PidLidAppointmentSequenceTime", "dispidApptSeqTime", Lid(A, 0x8202), Time;
    APPOINTMENT_LAST_SEQUENCE = "PidLidAppointmentLastSequence", "dispidApptLastSequence", Lid(A, 0x8203), Integer32;
    CHANGE_HIGHLIGHT = "PidLidChangeHighlight", "dispidChangeHighlight", Lid(A, 0x8204), Integer32;
    BUSY_STATUS = "PidLidBusyStatus", "dispidBusyStatus", Lid(A, 0x8205), Integer32;
    F_EXCEPTIONAL_BODY = "PidLidFExceptionalBody", "dispidFExceptionalBody", Lid(A, 0x8206), Boolean;
    APPOINTMENT_AUXILIARY_FLAGS = "PidLidAppointmentAuxiliaryFlags", "dispidApptAuxFlags", Lid(A, 0x8207), Integer32;
    LOCATION = "PidLidLocation", "dispidLocation", Lid(A, 0x8208), Unicode;
    APPOINTMENT_START_WHOLE = "PidLidAppointmentStartWhole", "dispidApptStartWhole", Lid(A, 0x820D), Time;
    APPOINTMENT_END_WHOLE = "PidLidAppointmentEndWhole", "dispidApptEndWhole", Lid(A, 0x820E), Time;
    APPOINTMENT_DURATION = "PidLidAppointmentDuration", "dispidApptDuration", Lid(A, 0x8213), Integer32;
    APPOINTMENT_COLOR = "PidLidAppointmentColor", "dispidApptColor", Lid(A, 0x8214), Integer32;
    APPOINTMENT_SUB_TYPE = "PidLidAppointmentSubType", "dispidApptSubType", Lid(A, 0x8215), Boolean;
    APPOINTMENT_RECUR = "PidLidAppointmentRecur", "dispidApptRecur", Lid(A, 0x8216), Binary;
    APPOINTMENT_STATE_FLAGS = "PidLidAppointmentStateFlags", "dispidApptStateFlags", Lid(A, 0x8217), Integer32;
    RESPONSE_STATUS = "PidLidResponseStatus", "dispidResponseStatus", Lid(A, 0x8218), Integer32;
    APPOINTMENT_REPLY_TIME = "PidLidAppointmentReplyTime", "dispidApptReplyTime", Lid(A, 0x8220), Time;
    RECURRING = "PidLidRecurring", "dispidRecurring", Lid(A, 0x8223), Boolean;
    INTENDED_BUSY_STATUS = "PidLidIntendedBusyStatus", "dispidIntendedBusyStatus", Lid(A, 0x8224), Integer32;
    EXCEPTION_REPLACE_TIME = "PidLidExceptionReplaceTime", "dispidExceptionReplaceTime", Lid(A, 0x8228), Time;
    F_INVITED = "PidLidFInvited", "dispidFInvited", Lid(A, 0x8229), Boolean;
    F_EXCEPTIONAL_ATTENDEES = "PidLidFExceptionalAttendees", "dispidFExceptionalAttendees", Lid(A, 0x822B), Boolean;
    APPOINTMENT_REPLY_NAME = "PidLidAppointmentReplyName", "dispidApptReplyName", Lid(A, 0x8230), Unicode;
    RECURRENCE_TYPE = "PidLidRecurrenceType", "dispidRecurType", Lid(A, 0x8231), Integer32;
    RECURRENCE_PATTERN = "PidLidRecurrencePattern", "dispidRecurPattern", Lid(A, 0x8232), Unicode;
    TIME_ZONE_STRUCT = "PidLidTimeZoneStruct", "dispidTimeZoneStruct", Lid(A, 0x8233), Binary;
    TIME_ZONE_DESCRIPTION = "PidLidTimeZoneDescription", "dispidTimeZoneDesc", Lid(A, 0x8234), Unicode;
    CLIP_START = "PidLidClipStart", "dispidClipStart", Lid(A, 0x8235), Time;
    CLIP_END = "PidLidClipEnd", "dispidClipEnd", Lid(A, 0x8236), Time;
    ALL_ATTENDEES_STRING = "PidLidAllAttendeesString", "dispidAllAttendeesString", Lid(A, 0x8238), Unicode;
    TO_ATTENDEES_STRING = "PidLidToAttendeesString", "dispidToAttendeesString", Lid(A, 0x823B), Unicode;
    CC_ATTENDEES_STRING = "PidLidCcAttendeesString", "dispidCCAttendeesString", Lid(A, 0x823C), Unicode;
    ORGANIZER_ALIAS = "PidLidOrganizerAlias", "dispidOrgAlias", Lid(A, 0x8243), Unicode;
    APPOINTMENT_NOT_ALLOW_PROPOSE = "PidLidAppointmentNotAllowPropose", "dispidApptNotAllowPropose", Lid(A, 0x825A), Boolean;
    APPOINTMENT_UNSENDABLE_RECIPIENTS = "PidLidAppointmentUnsendableRecipients", "dispidApptUnsendableRecips", Lid(A, 0x825D), Binary;
    APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY = "PidLidAppointmentTimeZoneDefinitionStartDisplay", "dispidApptTZDefStartDisplay", Lid(A, 0x825E), Binary;
    APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY = "PidLidAppointmentTimeZoneDefinitionEndDisplay", "dispidApptTZDefEndDisplay", Lid(A, 0x825F), Binary;
    APPOINTMENT_TIME_ZONE_DEFINITION_RECUR = "PidLidAppointmentTimeZoneDefinitionRecur", "dispidApptTZDefRecur", Lid(A, 0x8260), Binary;
    // Meeting [MS-OXOCAL] 2.2.1 and 2.2.5-6.
    ATTENDEE_CRITICAL_CHANGE = "PidLidAttendeeCriticalChange", "LID_ATTENDEE_CRITICAL_CHANGE", Lid(M, 0x0001), Time;
    WHERE = "PidLidWhere", "LID_WHERE", Lid(M, 0x0002), Unicode;
    GLOBAL_OBJECT_ID = "PidLidGlobalObjectId", "LID_GLOBAL_OBJID", Lid(M, 0x0003), Binary;
    IS_RECURRING = "PidLidIsRecurring", "LID_IS_RECURRING", Lid(M, 0x0005), Boolean;
    IS_EXCEPTION = "PidLidIsException", "LID_IS_EXCEPTION", Lid(M, 0x000A), Boolean;
    TIME_ZONE = "PidLidTimeZone", "LID_TIME_ZONE", Lid(M, 0x000C), Integer32;
    OWNER_CRITICAL_CHANGE = "PidLidOwnerCriticalChange", "LID_OWNER_CRITICAL_CHANGE", Lid(M, 0x001A), Time;
    CALENDAR_TYPE = "PidLidCalendarType", "LID_CALENDAR_TYPE", Lid(M, 0x001C), Integer32;
    CLEAN_GLOBAL_OBJECT_ID = "PidLidCleanGlobalObjectId", "dispidCleanGlobalObjId", Lid(M, 0x0023), Binary;
    APPOINTMENT_MESSAGE_CLASS = "PidLidAppointmentMessageClass", "dispidApptMessageClass", Lid(M, 0x0024), Unicode;
    MEETING_TYPE = "PidLidMeetingType", "dispidMeetingType", Lid(M, 0x0026), Integer32;
    // Common [MS-OXCMSG], [MS-OXORMDR].
    REMINDER_DELTA = "PidLidReminderDelta", "dispidReminderDelta", Lid(C, 0x8501), Integer32;
    REMINDER_TIME = "PidLidReminderTime", "dispidReminderTime", Lid(C, 0x8502), Time;
    REMINDER_SET = "PidLidReminderSet", "dispidReminderSet", Lid(C, 0x8503), Boolean;
    COMMON_START = "PidLidCommonStart", "dispidCommonStart", Lid(C, 0x8516), Time;
    COMMON_END = "PidLidCommonEnd", "dispidCommonEnd", Lid(C, 0x8517), Time;
    NON_SENDABLE_TO = "PidLidNonSendableTo", "dispidNonSendableTo", Lid(C, 0x8536), Unicode;
    NON_SENDABLE_CC = "PidLidNonSendableCc", "dispidNonSendableCC", Lid(C, 0x8537), Unicode;
    NON_SENDABLE_BCC = "PidLidNonSendableBcc", "dispidNonSendableBCC", Lid(C, 0x8538), Unicode;
    PROPERTY_DEFINITION_STREAM = "PidLidPropertyDefinitionStream", "dispidPropDefStream", Lid(C, 0x8540), Binary;
    NON_SEND_TO_TRACK_STATUS = "PidLidNonSendToTrackStatus", "dispidNonSendToTrackStatus", Lid(C, 0x8543), MV_I32;
    NON_SEND_CC_TRACK_STATUS = "PidLidNonSendCcTrackStatus", "dispidNonSendCcTrackStatus", Lid(C, 0x8544), MV_I32;
    NON_SEND_BCC_TRACK_STATUS = "PidLidNonSendBccTrackStatus", "dispidNonSendBccTrackStatus", Lid(C, 0x8545), MV_I32;
    REMINDER_SIGNAL_TIME = "PidLidReminderSignalTime", "dispidReminderNextTime", Lid(C, 0x8560), Time;
    // Task and CalendarAssistant.
    TASK_RECURRENCE = "PidLidTaskRecurrence", "dispidTaskRecur", Lid(T, 0x8116), Binary;
    CLIENT_INTENT = "PidLidClientIntent", "dispidClientIntent", Lid(CA, 0x0015), Integer32;
    SERVER_PROCESSED = "PidLidServerProcessed", "dispidExchangeProcessed", Lid(CA, 0x85CC), Boolean;
    SERVER_PROCESSING_ACTIONS = "PidLidServerProcessingActions", "dispidExchangeProcessingAction", Lid(CA, 0x85CD), Integer32;
    // Tagged properties of messages [MS-OXPROPS].
    IMPORTANCE = "PidTagImportance", "PR_IMPORTANCE", Tag(0x0017), Integer32;
    MESSAGE_CLASS = "PidTagMessageClass", "PR_MESSAGE_CLASS", Tag(0x001A), Unicode;
    SENSITIVITY = "PidTagSensitivity", "PR_SENSITIVITY", Tag(0x0036), Integer32;
    SUBJECT = "PidTagSubject", "PR_SUBJECT", Tag(0x0037), Unicode;
    CLIENT_SUBMIT_TIME = "PidTagClientSubmitTime", "PR_CLIENT_SUBMIT_TIME", Tag(0x0039), Time;
    SENT_REPRESENTING_SEARCH_KEY = "PidTagSentRepresentingSearchKey", "PR_SENT_REPRESENTING_SEARCH_KEY", Tag(0x003B), Binary;
    SENT_REPRESENTING_ENTRY_ID = "PidTagSentRepresentingEntryId", "PR_SENT_REPRESENTING_ENTRYID", Tag(0x0041), Binary;
    SENT_REPRESENTING_NAME = "PidTagSentRepresentingName", "PR_SENT_REPRESENTING_NAME", Tag(0x0042), Unicode;
    START_DATE = "PidTagStartDate", "PR_START_DATE", Tag(0x0060), Time;
    END_DATE = "PidTagEndDate", "PR_END_DATE", Tag(0x0061), Time;
    OWNER_APPOINTMENT_ID = "PidTagOwnerAppointmentId", "PR_OWNER_APPT_ID", Tag(0x0062), Integer32;
    RESPONSE_REQUESTED = "PidTagResponseRequested", "PR_RESPONSE_REQUESTED", Tag(0x0063), Boolean;
    SENT_REPRESENTING_ADDRESS_TYPE = "PidTagSentRepresentingAddressType", "PR_SENT_REPRESENTING_ADDRTYPE", Tag(0x0064), Unicode;
    SENT_REPRESENTING_EMAIL_ADDRESS = "PidTagSentRepresentingEmailAddress", "PR_SENT_REPRESENTING_EMAIL_ADDRESS", Tag(0x0065), Unicode;
    CONVERSATION_TOPIC = "PidTagConversationTopic", "PR_CONVERSATION_TOPIC", Tag(0x0070), Unicode;
    REPLY_REQUESTED = "PidTagReplyRequested", "PR_REPLY_REQUESTED", Tag(0x0C17), Boolean;
    SENDER_ENTRY_ID = "PidTagSenderEntryId", "PR_SENDER_ENTRYID", Tag(0x0C19), Binary;
    SENDER_NAME = "PidTagSenderName", "PR_SENDER_NAME", Tag(0x0C1A), Unicode;
    SENDER_SEARCH_KEY = "PidTagSenderSearchKey", "PR_SENDER_SEARCH_KEY", Tag(0x0C1D), Binary;
    SENDER_ADDRESS_TYPE = "PidTagSenderAddressType", "PR_SENDER_ADDRTYPE", Tag(0x0C1E), Unicode;
    SENDER_EMAIL_ADDRESS = "PidTagSenderEmailAddress", "PR_SENDER_EMAIL_ADDRESS", Tag(0x0C1F), Unicode;
    MESSAGE_DELIVERY_TIME = "PidTagMessageDeliveryTime", "PR_MESSAGE_DELIVERY_TIME", Tag(0x0E06), Time;
    MESSAGE_FLAGS = "PidTagMessageFlags", "PR_MESSAGE_FLAGS", Tag(0x0E07), Integer32;
    MESSAGE_SIZE = "PidTagMessageSize", "PR_MESSAGE_SIZE", Tag(0x0E08), Integer32;
    MESSAGE_SIZE_EXTENDED = "PidTagMessageSizeExtended", "PR_MESSAGE_SIZE_EXTENDED", Tag(0x0E08), Integer64;
    MESSAGE_STATUS = "PidTagMessageStatus", "PR_MSG_STATUS", Tag(0x0E17), Integer32;
    HAS_ATTACHMENTS = "PidTagHasAttachments", "PR_HASATTACH", Tag(0x0E1B), Boolean;
    NORMALIZED_SUBJECT = "PidTagNormalizedSubject", "PR_NORMALIZED_SUBJECT", Tag(0x0E1D), Unicode;
    ATTACH_NUMBER = "PidTagAttachNumber", "PR_ATTACH_NUM", Tag(0x0E21), Integer32;
    RECORD_KEY = "PidTagRecordKey", "PR_RECORD_KEY", Tag(0x0FF9), Binary;
    ENTRY_ID = "PidTagEntryId", "PR_ENTRYID", Tag(0x0FFF), Binary;
    BODY = "PidTagBody", "PR_BODY", Tag(0x1000), Unicode;
    ICON_INDEX = "PidTagIconIndex", "PR_ICON_INDEX", Tag(0x1080), Integer32;
    DISPLAY_NAME = "PidTagDisplayName", "PR_DISPLAY_NAME", Tag(0x3001), Unicode;
    ADDRESS_TYPE = "PidTagAddressType", "PR_ADDRTYPE", Tag(0x3002), Unicode;
    EMAIL_ADDRESS = "PidTagEmailAddress", "PR_EMAIL_ADDRESS", Tag(0x3003), Unicode;
    CREATION_TIME = "PidTagCreationTime", "PR_CREATION_TIME", Tag(0x3007), Time;
    LAST_MODIFICATION_TIME = "PidTagLastModificationTime", "PR_LAST_MODIFICATION_TIME", Tag(0x3008), Time;
    SEARCH_KEY = "PidTagSearchKey", "PR_SEARCH_KEY", Tag(0x300B), Binary;
    CONTAINER_CLASS = "PidTagContainerClass", "PR_CONTAINER_CLASS", Tag(0x3613), Unicode;
    ATTACH_DATA_OBJECT = "PidTagAttachDataObject", "PR_ATTACH_DATA_OBJ", Tag(0x3701), PropType::Object;
    ATTACH_FILENAME = "PidTagAttachFilename", "PR_ATTACH_FILENAME", Tag(0x3704), Unicode;
    ATTACH_METHOD = "PidTagAttachMethod", "PR_ATTACH_METHOD", Tag(0x3705), Integer32;
    ATTACH_LONG_FILENAME = "PidTagAttachLongFilename", "PR_ATTACH_LONG_FILENAME", Tag(0x3707), Unicode;
    RENDERING_POSITION = "PidTagRenderingPosition", "PR_RENDERING_POSITION", Tag(0x370B), Integer32;
    ATTACH_FLAGS = "PidTagAttachFlags", "PR_ATTACH_FLAGS", Tag(0x3714), Integer32;
    SMTP_ADDRESS = "PidTagSmtpAddress", "PR_SMTP_ADDRESS", Tag(0x39FE), Unicode;
    INTERNET_CODEPAGE = "PidTagInternetCodepage", "PR_INTERNET_CPID", Tag(0x3FDE), Integer32;
    MESSAGE_CODEPAGE = "PidTagMessageCodepage", "PR_MESSAGE_CODEPAGE", Tag(0x3FFD), Integer32;
    SENDER_SMTP_ADDRESS = "PidTagSenderSmtpAddress", "PR_SENDER_SMTP_ADDRESS", Tag(0x5D01), Unicode;
    SENT_REPRESENTING_SMTP_ADDRESS = "PidTagSentRepresentingSmtpAddress", "PR_SENT_REPRESENTING_SMTP_ADDRESS", Tag(0x5D02), Unicode;
    // Recipient rows [MS-OXOCAL] 2.2.4.10, [MS-OXOMSG] 2.2.3.
    RECIPIENT_TYPE = "PidTagRecipientType", "PR_RECIPIENT_TYPE", Tag(0x0C15), Integer32;
    RECIPIENT_ORDER = "PidTagRecipientOrder", "PR_RECIPIENT_ORDER", Tag(0x5FDF), Integer32;
    RECIPIENT_PROPOSED = "PidTagRecipientProposed", "PR_RECIPIENT_PROPOSED", Tag(0x5FE1), Boolean;
    RECIPIENT_PROPOSED_START_TIME = "PidTagRecipientProposedStartTime", "PR_RECIPIENT_PROPOSEDSTARTTIME", Tag(0x5FE3), Time;
    RECIPIENT_PROPOSED_END_TIME = "PidTagRecipientProposedEndTime", "PR_RECIPIENT_PROPOSEDENDTIME", Tag(0x5FE4), Time;
    RECIPIENT_DISPLAY_NAME = "PidTagRecipientDisplayName", "PR_RECIPIENT_DISPLAY_NAME", Tag(0x5FF6), Unicode;
    RECIPIENT_ENTRY_ID = "PidTagRecipientEntryId", "PR_RECIPIENT_ENTRYID", Tag(0x5FF7), Binary;
    RECIPIENT_TRACK_STATUS_TIME = "PidTagRecipientTrackStatusTime", "PR_RECIPIENT_TRACKSTATUS_TIME", Tag(0x5FFB), Time;
    RECIPIENT_FLAGS = "PidTagRecipientFlags", "PR_RECIPIENT_FLAGS", Tag(0x5FFD), Integer32;
    RECIPIENT_TRACK_STATUS = "PidTagRecipientTrackStatus", "PR_RECIPIENT_TRACKSTATUS", Tag(0x5FFF), Integer32;
    // Exception attachments [MS-OXOCAL] 2.2.10.1.
    EXCEPTION_REPLACE_TIME_ATTACH = "PidTagExceptionReplaceTime", "PR_EXCEPTION_REPLACETIME", Tag(0x7FF9), Time;
    ATTACHMENT_LINK_ID = "PidTagAttachmentLinkId", "PR_ATTACHMENT_LINKID", Tag(0x7FFA), Integer32;
    EXCEPTION_START_TIME = "PidTagExceptionStartTime", "PR_EXCEPTION_STARTTIME", Tag(0x7FFB), Time;
    EXCEPTION_END_TIME = "PidTagExceptionEndTime", "PR_EXCEPTION_ENDTIME", Tag(0x7FFC), Time;
    ATTACHMENT_FLAGS = "PidTagAttachmentFlags", "PR_ATTACHMENT_FLAGS", Tag(0x7FFD), Integer32;
    ATTACHMENT_HIDDEN = "PidTagAttachmentHidden", "PR_ATTACHMENT_HIDDEN", Tag(0x7FFE), Boolean;
    // Message store [MS-PST] 2.4.3, [MS-OXPROPS].
    IPM_SUBTREE_ENTRY_ID = "PidTagIpmSubtreeEntryId", "PR_IPM_SUBTREE_ENTRYID", Tag(0x35E0), Binary;
    MAILBOX_OWNER_NAME = "PidTagMailboxOwnerName", "PR_MAILBOX_OWNER_NAME", Tag(0x661C), Unicode;
    MAILBOX_OWNER_ENTRY_ID = "PidTagMailboxOwnerEntryId", "PR_MAILBOX_OWNER_ENTRYID", Tag(0x661B), Binary;
    PST_PASSWORD = "PidTagPstPassword", "PR_PST_PASSWORD", Tag(0x67FF), Integer32;
    KEYWORDS = "PidNameKeywords", "Keywords", KeyDef::Name(crate::key::PS_PUBLIC_STRINGS, "Keywords"), MV_STR;
    ATTACH_SIZE = "PidTagAttachSize", "PR_ATTACH_SIZE", Tag(0x0E20), Integer32;
    INSTANCE_KEY = "PidTagInstanceKey", "PR_INSTANCE_KEY", Tag(0x0FF6), Binary;
}

/// Tagged properties that no check reads, so they are not registered, but that a report shows:
/// PR_LAST_MODIFIER_NAME (0x3FFA), a column of the CalCheck.log item listing.
pub const LISTING_ONLY_TAGS: &[u16] = &[0x3FFA];

/// Every property key checks and reports read: the registry and [`LISTING_ONLY_TAGS`]. A reader
/// that is told to read only these (`PstSource::reading_only`) gives the same findings and
/// listings as one that reads everything.
pub fn read_keys() -> impl Iterator<Item = PropKey> {
    ALL.iter()
        .map(|d| d.key.to_key())
        .chain(LISTING_ONLY_TAGS.iter().map(|&id| PropKey::Tagged(id)))
}

/// Looks a registered property up by canonical or alternate name (case-insensitive).
pub fn by_name(name: &str) -> Option<&'static PropDef> {
    ALL.iter()
        .copied()
        .find(|d| d.name.eq_ignore_ascii_case(name) || d.alt_name.eq_ignore_ascii_case(name))
}

/// The registered definition of a key, if any (the first one whose identity matches).
pub fn lookup(key: &PropKey) -> Option<&'static PropDef> {
    slot_of(key).and_then(|slot| ALL.get(slot).copied())
}

/// The identity of the definition at `slot` in [`ALL`] (its `key`), or `None` past the end.
///
/// Read from a table of identities: a reader that knows a slot has the key with one load, where
/// through [`ALL`] it waited for the definition's address first.
#[allow(clippy::inline_always)]
#[inline(always)]
pub(crate) fn key_at(slot: usize) -> Option<&'static KeyDef> {
    KEYS.get(slot)
}

/// The registered slot of a key ([`PropDef::slot`]), if the key is registered.
///
/// Readers that build property bags call this once per property, so it is a hash lookup rather
/// than a walk of the registry.
pub fn slot_of(key: &PropKey) -> Option<usize> {
    static SLOT_OF: OnceLock<FxHashMap<PropKey, u16>> = OnceLock::new();
    let map = SLOT_OF.get_or_init(|| {
        let mut map = FxHashMap::default();
        for def in ALL {
            map.entry(def.key.to_key()).or_insert(def.slot);
        }
        map
    });
    map.get(key).map(|&s| usize::from(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slot_belongs_to_the_definition_at_it() {
        // Readers look a definition up by slot and take that slot as the definition's own
        // (`PropertyBag::insert_stored_in_slot`, with the key from `key_at`): the definition at
        // a slot must have that slot and the identity of every definition sharing it.
        for (i, def) in ALL.iter().enumerate() {
            let owner = ALL.get(def.slot()).unwrap();
            assert_eq!(owner.slot(), def.slot(), "{}", def.name);
            assert_eq!(owner.key, def.key, "{}", def.name);
            assert_eq!(key_at(i), Some(&def.key), "{}", def.name);
        }
        assert_eq!(key_at(ALL.len()), None);
    }

    #[test]
    fn registry_names_are_unique() {
        for (i, a) in ALL.iter().enumerate() {
            for b in &ALL[i + 1..] {
                assert_ne!(a.name, b.name, "duplicate canonical name");
            }
        }
    }

    #[test]
    fn registry_tags_match_formats_reference() {
        // Tags as [MS-OXPROPS] prints them (shared/docs/formats.md §1.3).
        assert_eq!(RECIPIENT_TRACK_STATUS_TIME.tag(), Some(0x5FFB_0040));
        assert_eq!(MESSAGE_CLASS.tag(), Some(0x001A_001F));
        assert_eq!(ATTACH_DATA_OBJECT.tag(), Some(0x3701_000D));
        assert_eq!(MESSAGE_STATUS.tag(), Some(0x0E17_0003));
        assert!(
            APPOINTMENT_RECUR
                .key
                .matches(&PropKey::lid(PSETID_APPOINTMENT, 0x8216))
        );
        assert!(
            !APPOINTMENT_RECUR
                .key
                .matches(&PropKey::lid(PSETID_MEETING, 0x8216))
        );
        assert_eq!(by_name("dispidApptRecur"), Some(&APPOINTMENT_RECUR));
    }
}

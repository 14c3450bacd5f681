//! The registry: every check, one line each, sorted by code.

// The registry names every check the `checks` module exports, so a glob import is the honest form.
#[allow(clippy::wildcard_imports)]
use crate::checks::*;
use crate::engine::Check;

/// Every check calcheck has, sorted by code.
pub const CHECKS: &[&dyn Check] = &[
    &MissingStartTime,
    &InvalidStartTime,
    &UnusualStartTime,
    &MissingEndTime,
    &InvalidEndTime,
    &UnusualEndTime,
    &StartAfterEnd,
    &MissingSubject,
    &EmptyMessageClass,
    &NonstandardMessageClass,
    &MissingMessageClass,
    &MissingDeliveryTime,
    &LargeItem,
    &CorruptPropertyDefinitionStream,
    &TooManyAttachments,
    &UnreadableAttachmentTable,
    &ConflictItem,
    &MissingOrganizerName,
    &MissingSenderName,
    &MissingOrganizerAddress,
    &MissingSenderAddress,
    &OrganizerMismatch,
    &AttendeeBecameOrganizer,
    &MissingGlobalObjectId,
    &TrackStatusTime1601,
    &RecipientBadAddressType,
    &RecipientBadAddress,
    &RecipientMissingDisplayName,
    &OrganizerRowWithoutAddress,
    &DuplicateRecipients,
    &UnusualAddressType,
    &MalformedGlobalObjectId,
    &RecurringItemLimit,
    &DuplicateItem,
    &DuplicateGlobalObjectId,
    &UnreadableItemCheck,
    &UnreadableProperty,
    &CheckSkipped,
];

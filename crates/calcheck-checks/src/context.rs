//! What a check sees besides the item: run options, and for store checks the compact per-item summaries.

use calcheck_format::time;
use calcheck_model::{CalendarItem, ItemRef, Property, SourceInfo, names};

use crate::finding::Finding;
use crate::meta::{CheckInfo, CheckMeta};
use crate::values::format_value;

/// Options that change what checks consider a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// "Now" as a FILETIME (UTC). Defaults to the current time; `--now` makes runs reproducible.
    pub now: u64,
    /// Times more than this many years after `now` are "unusually far in the future" (CalCheck used a fixed 2025).
    pub future_years: u32,
    /// The mailbox owner's addresses (legacy DN, SMTP, proxy addresses), for the attendee-became-organizer check.
    pub mailbox_addresses: Vec<String>,
    /// Skip the attendee-became-organizer test (`--no-org`).
    pub no_org: bool,
    /// Skip duplicate detection (`--no-dup`).
    pub no_dup: bool,
}

impl Options {
    /// Options with "now" set to the given FILETIME and every other setting at its default.
    pub fn at(now: u64) -> Self {
        Options {
            now,
            future_years: 10,
            mailbox_addresses: Vec::new(),
            no_org: false,
            no_dup: false,
        }
    }

    /// Options with "now" = the current time.
    pub fn current() -> Self {
        Options::at(time::utc_to_filetime(chrono::Utc::now()).unwrap_or(0))
    }

    /// The FILETIME after which a time counts as unusually far in the future.
    pub fn future_limit(&self) -> u64 {
        let years = u64::from(self.future_years);
        // A Julian year of 365.25 days is close enough for a warning threshold.
        self.now
            .saturating_add(years * 36_525 * 24 * 3600 * time::TICKS_PER_SECOND / 100)
    }
}

/// The per-item context a check reports into.
pub struct ItemCx<'a> {
    /// Run options.
    pub options: &'a Options,
    /// The source the item came from.
    pub source: &'a SourceInfo,
    item_ref: &'a ItemRef,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> ItemCx<'a> {
    /// A context for checking `item_ref`.
    pub fn new(options: &'a Options, source: &'a SourceInfo, item_ref: &'a ItemRef) -> Self {
        ItemCx {
            options,
            source,
            item_ref,
            findings: Vec::new(),
        }
    }

    /// Reports a finding of `check` on the current item; returns it for adding evidence.
    pub fn report(&mut self, check: &impl CheckInfo, message: impl Into<String>) -> &mut Finding {
        self.report_meta(check.meta(), message)
    }

    /// Reports a finding by metadata.
    pub fn report_meta(
        &mut self,
        meta: &'static CheckMeta,
        message: impl Into<String>,
    ) -> &mut Finding {
        self.findings
            .push(Finding::new(meta, self.item_ref.clone(), message));
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// The findings reported so far.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }

    /// The mailbox owner's addresses for this item's source (see [`mailbox_addresses`]).
    pub fn mailbox_addresses(&self) -> Vec<&str> {
        mailbox_addresses(self.options, self.source)
    }
}

/// The mailbox owner's addresses for one source: the `--mailbox` addresses, plus the store's own owner when
/// the source records one. Both count: after a migration the user may give the old legacy DN while the
/// store records the new one.
pub fn mailbox_addresses<'a>(options: &'a Options, source: &'a SourceInfo) -> Vec<&'a str> {
    let mut out: Vec<&str> = options
        .mailbox_addresses
        .iter()
        .map(String::as_str)
        .collect();
    if let Some(owner) = source.mailbox_owner.as_deref()
        && !out.iter().any(|a| a.eq_ignore_ascii_case(owner))
    {
        out.push(owner);
    }
    out
}

/// Adds a property of `item` as evidence (or says it is missing).
pub fn prop_evidence(f: &mut Finding, item: &CalendarItem, def: &calcheck_model::PropDef) {
    let value = match item.props.get(def) {
        Some(p) => describe(p),
        None => "(missing)".to_owned(),
    };
    f.evidence(def.name, value);
}

/// A property's value as a person reads it, marked when derived.
pub fn describe(p: &Property) -> String {
    let v = format_value(&p.value);
    match p.provenance {
        calcheck_model::Provenance::Stored => v,
        calcheck_model::Provenance::Derived => format!("{v} (derived)"),
    }
}

/// The compact facts store-wide checks need about one item; kept for every item, so it stays small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSummary {
    /// Position in the source's item stream.
    pub index: usize,
    /// Where the item lives.
    pub item_ref: ItemRef,
    /// PidLidRecurring is true.
    pub recurring: bool,
    /// PidLidIsException is true.
    pub is_exception: bool,
    /// PR_CREATION_TIME, to decide which of two duplicates is the newer.
    pub creation_time: Option<u64>,
    /// The duplicate key (subject, organizer, location, recurring, start and end in UTC) as a 128-bit hash,
    /// when start and end exist. Equal keys give equal hashes; two different keys among a million items
    /// collide with a probability near 10^-27, so the store keeps 16 bytes per item instead of the key's
    /// text (no report shows the key: a duplicate finding names the other item).
    pub dup_key: Option<u128>,
    /// PidLidGlobalObjectId bytes.
    pub goid: Option<Vec<u8>>,
    /// PidLidCleanGlobalObjectId bytes.
    pub clean_goid: Option<Vec<u8>>,
    /// PR_MSG_STATUS has MSGSTATUS_IN_CONFLICT.
    pub in_conflict: bool,
    /// PR_MESSAGE_CLASS is a meeting message (`IPM.Schedule.Meeting.*`: a request, response or
    /// cancellation), which shares the ids of the meeting it is about and is not a calendar item itself.
    pub meeting_message: bool,
}

impl ItemSummary {
    /// Summarises `item`.
    pub fn of(index: usize, item: &CalendarItem) -> Self {
        let p = &item.props;
        let recurring = p.bool(&names::RECURRING).unwrap_or(false);
        let start = p.time(&names::APPOINTMENT_START_WHOLE);
        let end = p.time(&names::APPOINTMENT_END_WHOLE);
        let dup_key = match (start, end) {
            (Some(s), Some(e)) => Some(key_hash(&(
                p.str(&names::SUBJECT).unwrap_or(""),
                p.str(&names::SENT_REPRESENTING_NAME).unwrap_or(""),
                p.str(&names::LOCATION).unwrap_or(""),
                recurring,
                s,
                e,
            ))),
            _ => None,
        };
        ItemSummary {
            index,
            item_ref: item.item_ref.clone(),
            recurring,
            is_exception: p.bool(&names::IS_EXCEPTION).unwrap_or(false),
            creation_time: p.time(&names::CREATION_TIME),
            dup_key,
            goid: p
                .binary(&names::GLOBAL_OBJECT_ID)
                .filter(|b| !b.is_empty())
                .map(<[u8]>::to_vec),
            clean_goid: p
                .binary(&names::CLEAN_GLOBAL_OBJECT_ID)
                .filter(|b| !b.is_empty())
                .map(<[u8]>::to_vec),
            in_conflict: p
                .i32(&names::MESSAGE_STATUS)
                .is_some_and(|s| s & 0x800 != 0),
            meeting_message: p
                .str(&names::MESSAGE_CLASS)
                .and_then(|c| c.get(..21))
                .is_some_and(|c| c.eq_ignore_ascii_case("IPM.Schedule.Meeting.")),
        }
    }
}

/// A 128-bit hash of `key`: two SipHash-1-3 runs of std's [`DefaultHasher`](std::hash::DefaultHasher)
/// (fixed keys, so equal within one build) told apart by a leading byte. Strings hash with their length,
/// so field boundaries cannot shift between keys.
fn key_hash(key: &impl std::hash::Hash) -> u128 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        key.hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// What a store-wide check sees: every item's summary, in source order.
pub struct StoreCx<'a> {
    /// Run options.
    pub options: &'a Options,
    /// The source.
    pub source: &'a SourceInfo,
    /// One summary per readable item, in source order.
    pub items: &'a [ItemSummary],
    pub(crate) findings: Vec<Finding>,
}

impl<'a> StoreCx<'a> {
    /// A context over `items`.
    pub fn new(options: &'a Options, source: &'a SourceInfo, items: &'a [ItemSummary]) -> Self {
        StoreCx {
            options,
            source,
            items,
            findings: Vec::new(),
        }
    }

    /// Reports a finding of `check` on `item`.
    pub fn report(
        &mut self,
        check: &impl CheckInfo,
        item: &ItemSummary,
        message: impl Into<String>,
    ) -> &mut Finding {
        let mut f = Finding::new(check.meta(), item.item_ref.clone(), message);
        f.item_index = item.index;
        self.findings.push(f);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// The findings reported so far.
    pub fn into_findings(self) -> Vec<Finding> {
        self.findings
    }
}

/// PR_LAST_MODIFIER_NAME (0x3FFA, PtypString): not in the property registry because no check reads it;
/// CALITEMS.CSV and the log's "Last Modifier" line show it, as CalCheck did.
const LAST_MODIFIER_NAME: u16 = 0x3FFA;

/// One item's listing columns, for CALITEMS.CSV (`-A`) and the log's "Properties to help investigate this
/// reported item" block. Built only when the engine is asked to collect rows, and only kept for the items
/// a report needs (see [`crate::engine::RowMode`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRow {
    /// Position in the source's item stream (matches [`Finding::item_index`]).
    pub index: usize,
    /// Where the item lives (file, folder, locator, entry id, subject, start).
    pub item_ref: ItemRef,
    /// PidLidLocation.
    pub location: Option<String>,
    /// PR_MESSAGE_SIZE in bytes (PR_MESSAGE_SIZE_EXTENDED when only that is stored).
    pub size: Option<u64>,
    /// PidLidAppointmentEndWhole (FILETIME, UTC).
    pub end: Option<u64>,
    /// PR_MESSAGE_CLASS.
    pub message_class: Option<String>,
    /// PR_LAST_MODIFIER_NAME.
    pub last_modifier: Option<String>,
    /// PR_LAST_MODIFICATION_TIME (FILETIME, UTC).
    pub last_modified: Option<u64>,
    /// Number of rows in the recipient table.
    pub recipients: usize,
    /// PidLidRecurring.
    pub recurring: bool,
    /// Number of rows in the attachment table.
    pub attachments: usize,
    /// PidLidAppointmentSubType (all-day event).
    pub all_day: Option<bool>,
    /// PR_SENT_REPRESENTING_NAME (CalCheck's "Organizer Name").
    pub organizer_name: Option<String>,
    /// PR_SENT_REPRESENTING_EMAIL_ADDRESS (CalCheck's "Organizer Address").
    pub organizer_address: Option<String>,
    /// PR_SENDER_NAME.
    pub sender_name: Option<String>,
    /// PR_SENDER_EMAIL_ADDRESS.
    pub sender_address: Option<String>,
    /// PidLidAppointmentStateFlags.
    pub state_flags: Option<i32>,
    /// PidLidClipStart: for a recurring item, the start of the series' first day (UTC).
    pub clip_start: Option<u64>,
    /// PidLidClipEnd: for a recurring item, the end of the series' last day (UTC; 4500-08-31 when it has no end).
    pub clip_end: Option<u64>,
    /// PidLidTimeZoneStruct as uppercase hex.
    pub time_zone_struct: Option<String>,
    /// The recurrence blob's summary, when PidLidAppointmentRecur is present and decodes.
    pub recurrence: Option<RecurrenceRow>,
    /// True when at least one finding is about this item.
    pub flagged: bool,
}

/// What CALITEMS.CSV and the log show of a decoded recurrence blob ([MS-OXOCAL] 2.2.1.44), the fields
/// CalCheck took from MrMAPI's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecurrenceRow {
    /// StartDate: midnight of the first occurrence, minutes since 1601 on the series' local wall clock.
    pub start_date: u32,
    /// EndDate: midnight of the last occurrence (0x5AE980DF, 4500-12-31, for a series without end).
    pub end_date: u32,
    /// EndType in words, as MrMAPI prints it (`End After Date`, `End After X Occurrences`, `Never End`).
    pub end_type: String,
    /// OccurrenceCount.
    pub occurrence_count: u32,
    /// ExceptionCount.
    pub exceptions: u16,
    /// Number of DeletedInstanceDates (deleted and modified occurrences).
    pub deleted_instances: usize,
    /// Number of ModifiedInstanceDates.
    pub modified_instances: usize,
}

impl RecurrenceRow {
    /// The summary of a decoded blob.
    pub fn of(r: &calcheck_format::recurrence::AppointmentRecurrencePattern) -> Self {
        use calcheck_format::recurrence::EndType;
        let p = &r.pattern;
        let end_type = match p.end_type {
            EndType::EndAfterDate => "End After Date".to_owned(),
            EndType::EndAfterNOccurrences => "End After X Occurrences".to_owned(),
            EndType::NeverEnd | EndType::NeverEndLegacy => "Never End".to_owned(),
            EndType::Unknown(v) => format!("Unknown (0x{v:08X})"),
        };
        RecurrenceRow {
            start_date: p.start_date,
            end_date: p.end_date,
            end_type,
            occurrence_count: p.occurrence_count,
            exceptions: r.exception_count,
            deleted_instances: p.deleted_instance_dates.len(),
            modified_instances: p.modified_instance_dates.len(),
        }
    }
}

impl ItemRow {
    /// The listing columns of `item` (position `index` in its source), not yet flagged.
    pub fn of(index: usize, item: &CalendarItem) -> Self {
        let p = &item.props;
        let text = |def: &calcheck_model::PropDef| p.str(def).map(str::to_owned);
        let size = p
            .i32(&names::MESSAGE_SIZE)
            .and_then(|s| u64::try_from(s).ok())
            .or_else(|| match p.value(&names::MESSAGE_SIZE_EXTENDED) {
                Some(calcheck_format::props::PropValue::I64(s)) => u64::try_from(*s).ok(),
                _ => None,
            });
        let last_modifier = p
            .get_key(&calcheck_model::PropKey::Tagged(LAST_MODIFIER_NAME))
            .and_then(|prop| prop.value.as_str())
            .map(str::to_owned);
        ItemRow {
            index,
            item_ref: item.item_ref.clone(),
            location: text(&names::LOCATION),
            size,
            end: p.time(&names::APPOINTMENT_END_WHOLE),
            message_class: text(&names::MESSAGE_CLASS),
            last_modifier,
            last_modified: p.time(&names::LAST_MODIFICATION_TIME),
            recipients: item.recipients.len(),
            recurring: p.bool(&names::RECURRING).unwrap_or(false),
            attachments: item.attachments.len(),
            all_day: p.bool(&names::APPOINTMENT_SUB_TYPE),
            organizer_name: text(&names::SENT_REPRESENTING_NAME),
            organizer_address: text(&names::SENT_REPRESENTING_EMAIL_ADDRESS),
            sender_name: text(&names::SENDER_NAME),
            sender_address: text(&names::SENDER_EMAIL_ADDRESS),
            state_flags: p.i32(&names::APPOINTMENT_STATE_FLAGS),
            clip_start: p.time(&names::CLIP_START),
            clip_end: p.time(&names::CLIP_END),
            time_zone_struct: p
                .binary(&names::TIME_ZONE_STRUCT)
                .map(calcheck_model::item::hex_upper),
            recurrence: match &item.decoded().recurrence {
                Some(Ok(d)) => Some(RecurrenceRow::of(&d.value)),
                _ => None,
            },
            flagged: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use calcheck_model::SourceKind;

    use super::*;

    #[test]
    fn mailbox_addresses_add_the_store_owner_once() {
        let mut options = Options::at(0);
        options.mailbox_addresses = vec!["/o=Org1/cn=user1".into()];
        let mut source = SourceInfo {
            path: Arc::from(Path::new("a.pst")),
            kind: SourceKind::Pst,
            display_name: None,
            mailbox_owner: Some("/o=Org2/cn=user1".into()),
            folders: vec![],
            notes: vec![],
        };
        assert_eq!(
            mailbox_addresses(&options, &source),
            ["/o=Org1/cn=user1", "/o=Org2/cn=user1"]
        );
        // The same address in another letter case is not added twice (legacy DNs compare case-insensitively).
        source.mailbox_owner = Some("/O=ORG1/CN=USER1".into());
        assert_eq!(mailbox_addresses(&options, &source), ["/o=Org1/cn=user1"]);
    }
}

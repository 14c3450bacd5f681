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
    /// The duplicate key (subject, organizer, location, recurring, start and end in UTC), when start and end exist.
    pub dup_key: Option<String>,
    /// PidLidGlobalObjectId bytes.
    pub goid: Option<Vec<u8>>,
    /// PidLidCleanGlobalObjectId bytes.
    pub clean_goid: Option<Vec<u8>>,
    /// PR_MSG_STATUS has MSGSTATUS_IN_CONFLICT.
    pub in_conflict: bool,
}

impl ItemSummary {
    /// Summarises `item`.
    pub fn of(index: usize, item: &CalendarItem) -> Self {
        let p = &item.props;
        let recurring = p.bool(&names::RECURRING).unwrap_or(false);
        let start = p.time(&names::APPOINTMENT_START_WHOLE);
        let end = p.time(&names::APPOINTMENT_END_WHOLE);
        let dup_key = match (start, end) {
            (Some(s), Some(e)) => Some(format!(
                "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
                p.str(&names::SUBJECT).unwrap_or(""),
                p.str(&names::SENT_REPRESENTING_NAME).unwrap_or(""),
                p.str(&names::LOCATION).unwrap_or(""),
                recurring,
                s,
                e
            )),
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
        }
    }
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

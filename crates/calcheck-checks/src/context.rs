//! What a check sees besides the item: run options, and for store checks the compact per-item summaries.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use calcheck_format::time;
use calcheck_model::{CalendarItem, ItemRef, Locator, Property, SourceInfo, names};

use crate::facts::RecipientScreen;
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
    /// The item this context was made for (see [`ItemCx::for_item`]), whose screen may be kept.
    item: Option<&'a CalendarItem>,
    /// The recipient screen of `item`, worked out when a check first asks for it.
    screen: Option<RecipientScreen>,
}

impl<'a> ItemCx<'a> {
    /// A context for checking `item_ref`.
    pub fn new(options: &'a Options, source: &'a SourceInfo, item_ref: &'a ItemRef) -> Self {
        ItemCx {
            options,
            source,
            item_ref,
            findings: Vec::new(),
            item: None,
            screen: None,
        }
    }

    /// A context for checking `item`, which keeps what checks share about it (see
    /// [`ItemCx::recipient_screen`]) for the next check.
    pub fn for_item(options: &'a Options, source: &'a SourceInfo, item: &'a CalendarItem) -> Self {
        ItemCx {
            item: Some(item),
            ..ItemCx::new(options, source, &item.item_ref)
        }
    }

    /// A context for `item` whose screen lets every recipient check look at the rows, so that a
    /// test sees what the checks report without the screen.
    #[cfg(test)]
    pub(crate) fn unscreened(
        options: &'a Options,
        source: &'a SourceInfo,
        item: &'a CalendarItem,
    ) -> Self {
        ItemCx {
            screen: Some(RecipientScreen::ALL),
            ..ItemCx::for_item(options, source, item)
        }
    }

    /// The [`RecipientScreen`] of `item`: worked out once per context made for this very item
    /// with [`ItemCx::for_item`], afresh for any other.
    pub fn recipient_screen(&mut self, item: &CalendarItem) -> RecipientScreen {
        // The context borrows its item for its whole life, so the same address is the same item.
        if !self.item.is_some_and(|own| std::ptr::eq(own, item)) {
            return RecipientScreen::of(item);
        }
        *self.screen.get_or_insert_with(|| RecipientScreen::of(item))
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

/// A folder of one source, numbered in the order the engine first met it. Summaries carry the number
/// instead of the path, so a store keeps each folder path once however many items it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FolderId(pub u32);

/// The folder paths of one source, each kept once, numbered by [`FolderId`].
#[derive(Debug, Clone, Default)]
pub struct Folders {
    paths: Vec<Box<str>>,
    ids: HashMap<Box<str>, FolderId>,
    /// The folder numbered last, which the next item usually shares (sources list a folder's items
    /// together).
    last: Option<FolderId>,
}

impl Folders {
    /// The number of `path`, numbering it when it is new.
    pub fn intern(&mut self, path: &str) -> FolderId {
        if let Some(last) = self.last
            && self.path(last) == path
        {
            return last;
        }
        if let Some(&id) = self.ids.get(path) {
            self.last = Some(id);
            return id;
        }
        // More than 4 billion folders cannot be listed in one store; saturating keeps the count honest.
        let id = FolderId(u32::try_from(self.paths.len()).unwrap_or(u32::MAX));
        self.paths.push(path.into());
        self.ids.insert(path.into(), id);
        self.last = Some(id);
        id
    }

    /// The path of folder `id` (empty for a number this table did not give out).
    pub fn path(&self, id: FolderId) -> &str {
        usize::try_from(id.0)
            .ok()
            .and_then(|i| self.paths.get(i))
            .map_or("", |p| p)
    }
}

/// The facts store-wide checks need about one item; the engine keeps one for every item, so it holds no
/// text and nothing on the heap (72 bytes). Ids and keys are kept as 128-bit hashes: equal values give
/// equal hashes, and two different values among a million items collide with a probability near 10^-27.
/// What a finding shows of an item (its [`ItemRef`], its GlobalObjectId bytes) is read again, for the
/// few items a store-wide finding names, as an [`ItemDetail`] (see [`StoreCx::detail`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSummary {
    /// Position in the source's item stream.
    pub index: usize,
    /// PR_CREATION_TIME (meaningful when [`ItemSummary::creation_time`] says it is present).
    creation_time: u64,
    /// The duplicate key's hash (see [`ItemSummary::dup_key`]).
    dup_key: [u64; 2],
    /// The hash of the PidLidGlobalObjectId bytes.
    goid: [u64; 2],
    /// The hash of the PidLidCleanGlobalObjectId bytes.
    clean_goid: [u64; 2],
    /// The folder the item lives in; the engine numbers it when it merges the item's results.
    pub folder: FolderId,
    /// The `FLAG_*` bits.
    flags: u8,
}

/// PidLidRecurring is true.
const FLAG_RECURRING: u8 = 1;
/// PidLidIsException is true.
const FLAG_EXCEPTION: u8 = 1 << 1;
/// The class is a meeting message.
const FLAG_MEETING_MESSAGE: u8 = 1 << 2;
/// PR_CREATION_TIME is present.
const FLAG_CREATION_TIME: u8 = 1 << 3;
/// The duplicate key exists (start and end are present).
const FLAG_DUP_KEY: u8 = 1 << 4;
/// A non-empty PidLidGlobalObjectId is present.
const FLAG_GOID: u8 = 1 << 5;
/// A non-empty PidLidCleanGlobalObjectId is present.
const FLAG_CLEAN_GOID: u8 = 1 << 6;

impl ItemSummary {
    /// Summarises `item`, at position `index` of its source, in folder 0 (the engine sets the folder).
    pub fn of(index: usize, item: &CalendarItem) -> Self {
        let p = &item.props;
        let facts = item.facts();
        let recurring = facts.recurring.unwrap_or(false);
        let mut flags = 0;
        let mut set = |flag: u8, on: bool| {
            if on {
                flags |= flag;
            }
        };
        set(FLAG_RECURRING, recurring);
        set(
            FLAG_EXCEPTION,
            p.bool(&names::IS_EXCEPTION).unwrap_or(false),
        );
        set(
            FLAG_MEETING_MESSAGE,
            p.str(&names::MESSAGE_CLASS)
                .and_then(|c| c.get(..21))
                .is_some_and(|c| c.eq_ignore_ascii_case("IPM.Schedule.Meeting.")),
        );
        let creation_time = p.time(&names::CREATION_TIME);
        set(FLAG_CREATION_TIME, creation_time.is_some());
        // The duplicate key: subject, organizer, location, recurring, start and end in UTC. No report
        // shows it (a duplicate finding names the other item), so its hash is all that is kept.
        let dup_key = match (facts.start, facts.end) {
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
        set(FLAG_DUP_KEY, dup_key.is_some());
        let id = |def: &calcheck_model::PropDef| p.binary(def).filter(|b| !b.is_empty());
        let goid_bytes = id(&names::GLOBAL_OBJECT_ID);
        let goid = goid_bytes.map(|b| key_hash(&b));
        set(FLAG_GOID, goid.is_some());
        // A series or single meeting stores the same bytes in both ids, and equal bytes hash alike.
        let clean_goid = match (id(&names::CLEAN_GLOBAL_OBJECT_ID), goid_bytes) {
            (Some(clean), Some(bytes)) if clean == bytes => goid,
            (clean, _) => clean.map(|b| key_hash(&b)),
        };
        set(FLAG_CLEAN_GOID, clean_goid.is_some());
        ItemSummary {
            index,
            creation_time: creation_time.unwrap_or(0),
            dup_key: dup_key.unwrap_or_default(),
            goid: goid.unwrap_or_default(),
            clean_goid: clean_goid.unwrap_or_default(),
            folder: FolderId::default(),
            flags,
        }
    }

    fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }

    /// PidLidRecurring is true.
    pub fn recurring(&self) -> bool {
        self.has(FLAG_RECURRING)
    }

    /// PidLidIsException is true.
    pub fn is_exception(&self) -> bool {
        self.has(FLAG_EXCEPTION)
    }

    /// PR_MESSAGE_CLASS is a meeting message (`IPM.Schedule.Meeting.*`: a request, response or
    /// cancellation), which shares the ids of the meeting it is about and is not a calendar item itself.
    pub fn meeting_message(&self) -> bool {
        self.has(FLAG_MEETING_MESSAGE)
    }

    /// PR_CREATION_TIME, to decide which of two duplicates is the newer.
    pub fn creation_time(&self) -> Option<u64> {
        self.has(FLAG_CREATION_TIME).then_some(self.creation_time)
    }

    /// The duplicate key (subject, organizer, location, recurring, start and end in UTC) as a 128-bit
    /// hash, when start and end exist.
    pub fn dup_key(&self) -> Option<u128> {
        self.has(FLAG_DUP_KEY).then(|| join(self.dup_key))
    }

    /// The PidLidGlobalObjectId bytes as a 128-bit hash, when the property is present and not empty.
    pub fn goid(&self) -> Option<u128> {
        self.has(FLAG_GOID).then(|| join(self.goid))
    }

    /// The PidLidCleanGlobalObjectId bytes as a 128-bit hash, when present and not empty.
    pub fn clean_goid(&self) -> Option<u128> {
        self.has(FLAG_CLEAN_GOID).then(|| join(self.clean_goid))
    }
}

/// The two halves of a 128-bit hash as one number.
fn join(halves: [u64; 2]) -> u128 {
    (u128::from(halves[0]) << 64) | u128::from(halves[1])
}

/// A 128-bit hash of `key`, as two halves (see [`Hash128`]). Strings and byte slices hash with their
/// length or a terminator, so field boundaries cannot shift between keys.
fn key_hash(key: &impl std::hash::Hash) -> [u64; 2] {
    let mut h = Hash128::default();
    key.hash(&mut h);
    h.finish128()
}

/// A 128-bit hash for telling keys of one store apart, about ten times cheaper than two SipHash runs
/// (which the summaries used before, and which were most of their cost).
///
/// Two 64-bit lanes take every 8-byte word of the input (a shorter last word carries its length), each
/// with its own odd multiplier and rotation, and end in the MurmurHash3 finaliser. In each lane a step
/// is a bijection of the state for a given word, so two inputs that differ in one word never collide;
/// other differences collide in both lanes at once with a probability near 2^-128 for data that is
/// not built to collide. It is not keyed: a file crafted to collide could at worst make two items
/// look like duplicates, which a crafted file can also do by carrying duplicates.
struct Hash128 {
    a: u64,
    b: u64,
    len: u64,
}

impl Default for Hash128 {
    fn default() -> Self {
        // The first digits of pi, as arbitrary non-zero starting states.
        Hash128 {
            a: 0x243F_6A88_85A3_08D3,
            b: 0x1319_8A2E_0370_7344,
            len: 0,
        }
    }
}

impl Hash128 {
    /// Multiplier of lane a (the 64-bit golden ratio).
    const KA: u64 = 0x9E37_79B9_7F4A_7C15;
    /// Multiplier of lane b (a 64-bit prime of xxHash).
    const KB: u64 = 0xC2B2_AE3D_27D4_EB4F;

    fn word(&mut self, w: u64) {
        self.a = (self.a ^ w).wrapping_mul(Self::KA).rotate_left(29);
        self.b = (self.b ^ w).wrapping_mul(Self::KB).rotate_left(31);
    }

    /// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
    fn fmix(mut x: u64) -> u64 {
        x ^= x >> 33;
        x = x.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        x ^= x >> 33;
        x = x.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
        x ^ (x >> 33)
    }

    /// The two halves of the hash.
    fn finish128(&self) -> [u64; 2] {
        [
            Self::fmix(self.a ^ self.len),
            Self::fmix(self.b ^ self.len.rotate_left(32) ^ self.a),
        ]
    }
}

impl std::hash::Hasher for Hash128 {
    fn write(&mut self, bytes: &[u8]) {
        self.len = self.len.wrapping_add(bytes.len() as u64);
        let mut words = bytes.chunks_exact(8);
        for w in words.by_ref() {
            let mut word = [0u8; 8];
            word.copy_from_slice(w);
            self.word(u64::from_le_bytes(word));
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            // The tail's bytes, little-endian, with its length (1..=7) in the top byte, so "a" and
            // "a\0" differ. Shifting the bytes in place of copying them into an array spares a call
            // to `memcpy` for every string of a key.
            let mut word = (tail.len() as u64) << 56;
            for (i, b) in tail.iter().enumerate() {
                word |= u64::from(*b) << (8 * i);
            }
            self.word(word);
        }
    }

    fn write_u8(&mut self, n: u8) {
        // What `write(&[n])` does, without the slice: strings end with a 0xFF byte and flags are bytes.
        self.len = self.len.wrapping_add(1);
        self.word((1 << 56) | u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.len = self.len.wrapping_add(8);
        self.word(n);
    }

    fn finish(&self) -> u64 {
        self.finish128()[0]
    }
}

/// What a store-wide finding shows of an item: where it lives and its GlobalObjectId bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemDetail {
    /// Where the item lives.
    pub item_ref: ItemRef,
    /// PidLidGlobalObjectId bytes, when present and not empty.
    pub goid: Option<Vec<u8>>,
    /// PidLidCleanGlobalObjectId bytes, when present and not empty.
    pub clean_goid: Option<Vec<u8>>,
}

impl ItemDetail {
    /// The detail of an item known only by its reference (no GlobalObjectIds).
    pub fn named(item_ref: ItemRef) -> Self {
        ItemDetail {
            item_ref,
            goid: None,
            clean_goid: None,
        }
    }

    /// The detail of `item`, which it consumes (its reference is moved, not copied).
    pub fn of(mut item: CalendarItem) -> Self {
        ItemDetail::taken_from(&mut item)
    }

    /// The detail of `item`, whose reference is moved out (leaving one to the same file, with
    /// nothing else in it): the engine checks an item where its source put it, and moving a whole
    /// item cost a copy of over a kilobyte.
    pub(crate) fn taken_from(item: &mut CalendarItem) -> Self {
        let bytes = |def: &calcheck_model::PropDef| {
            item.props
                .binary(def)
                .filter(|b| !b.is_empty())
                .map(<[u8]>::to_vec)
        };
        let goid = bytes(&names::GLOBAL_OBJECT_ID);
        let clean_goid = bytes(&names::CLEAN_GLOBAL_OBJECT_ID);
        let empty = ItemRef::new(Arc::clone(&item.item_ref.file), "", Locator::MsgFile);
        ItemDetail {
            item_ref: std::mem::replace(&mut item.item_ref, empty),
            goid,
            clean_goid,
        }
    }
}

/// What a store-wide check sees: every item's summary, in source order, and the details of the items
/// its findings name.
///
/// The engine runs the store checks once with the details it has (every item's for a source it can only
/// stream, none for a source it can read again by position). A finding that needs the detail of an item
/// the engine does not have asks for it with [`StoreCx::detail`]; the engine then reads those items
/// again and runs the store checks afresh, keeping only the findings of a run that lacked nothing. Store
/// checks are deterministic, so the second run asks for the same items and finds them all.
pub struct StoreCx<'a> {
    /// Run options.
    pub options: &'a Options,
    /// The source.
    pub source: &'a SourceInfo,
    /// One summary per readable item, in source order.
    pub items: &'a [ItemSummary],
    folders: &'a Folders,
    details: &'a HashMap<usize, ItemDetail>,
    missing: BTreeSet<usize>,
    pub(crate) findings: Vec<Finding>,
}

impl<'a> StoreCx<'a> {
    /// A context over `items`, whose folders `folders` numbers, with the details known so far.
    pub fn new(
        options: &'a Options,
        source: &'a SourceInfo,
        items: &'a [ItemSummary],
        folders: &'a Folders,
        details: &'a HashMap<usize, ItemDetail>,
    ) -> Self {
        StoreCx {
            options,
            source,
            items,
            folders,
            details,
            missing: BTreeSet::new(),
            findings: Vec::new(),
        }
    }

    /// The path of the folder `item` lives in.
    pub fn folder(&self, item: &ItemSummary) -> &'a str {
        self.folders.path(item.folder)
    }

    /// The detail of `item`, or `None` after noting that the engine must read it again. A check asks
    /// for every detail a finding needs before it gives up on the finding, so that one more run has
    /// them all.
    pub fn detail(&mut self, item: &ItemSummary) -> Option<&'a ItemDetail> {
        let found = self.details.get(&item.index);
        if found.is_none() {
            self.missing.insert(item.index);
        }
        found
    }

    /// Reports a finding of `check` on `item`.
    pub fn report(
        &mut self,
        check: &impl CheckInfo,
        item: &ItemSummary,
        message: impl Into<String>,
    ) -> &mut Finding {
        let item_ref = match self.detail(item) {
            Some(d) => d.item_ref.clone(),
            // This run's findings are dropped (the item is read again and the checks run afresh), so a
            // reference naming the folder is enough for now.
            None => ItemRef::new(
                self.source.path.clone(),
                self.folder(item),
                Locator::MsgFile,
            ),
        };
        let mut f = Finding::new(check.meta(), item_ref, message);
        f.item_index = item.index;
        self.findings.push(f);
        let last = self.findings.len() - 1;
        &mut self.findings[last]
    }

    /// The findings reported so far, and the positions of the items whose details were missing (when
    /// there are any, the findings are incomplete).
    pub fn into_findings(self) -> (Vec<Finding>, BTreeSet<usize>) {
        (self.findings, self.missing)
    }
}

/// Every item that shares its folder and key with an older item, paired with the oldest item of that
/// folder and key, in source order. Store checks use it to find duplicates within a folder.
///
/// "Older" is by PR_CREATION_TIME, items without one last, and by position among equal times, so
/// the newer copy is reported against the oldest, as CalCheck did.
///
/// The keys are sorted rather than looked up in a hash map: the work is n log n whatever keys the
/// input holds (no bucket for crafted keys to pile into), and the summaries are read once, in their
/// order. Only the keys and small indexes are sorted, by the key alone (a 128-bit hash, nearly always
/// unique); the few runs of equal keys are then sorted by folder and age, so the common case pays
/// for one integer comparison per step instead of three.
pub fn duplicates<'a>(
    items: impl IntoIterator<Item = (&'a ItemSummary, Option<u128>)>,
) -> Vec<(&'a ItemSummary, &'a ItemSummary)> {
    let mut keyed: Vec<(u128, &'a ItemSummary)> = items
        .into_iter()
        .filter_map(|(s, key)| Some((key?, s)))
        .collect();
    keyed.sort_unstable_by_key(|&(key, _)| key);
    let mut found: Vec<(&ItemSummary, &ItemSummary)> = Vec::new();
    let mut group: Vec<&ItemSummary> = Vec::new();
    for run in keyed
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|run| run.len() > 1)
    {
        group.clear();
        group.extend(run.iter().map(|&(_, s)| s));
        // Ages are unique (positions are), so the unstable sort gives the one order there is.
        group.sort_unstable_by_key(|s| (s.folder, age(s)));
        for in_folder in group.chunk_by(|a, b| a.folder == b.folder) {
            if let Some((first, rest)) = in_folder.split_first() {
                found.extend(rest.iter().map(|&s| (s, *first)));
            }
        }
    }
    found.sort_unstable_by_key(|(s, _)| s.index);
    found
}

/// An item's place in creation order as one number: PR_CREATION_TIME above (items without one
/// last), the position in the source below.
fn age(s: &ItemSummary) -> u128 {
    (u128::from(s.creation_time().unwrap_or(u64::MAX)) << 64) | s.index as u128
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
            end: item.facts().end,
            message_class: text(&names::MESSAGE_CLASS),
            last_modifier,
            last_modified: p.time(&names::LAST_MODIFICATION_TIME),
            recipients: item.recipients.len(),
            recurring: item.facts().recurring.unwrap_or(false),
            attachments: item.attachments.len(),
            all_day: p.bool(&names::APPOINTMENT_SUB_TYPE),
            organizer_name: text(&names::SENT_REPRESENTING_NAME),
            organizer_address: text(&names::SENT_REPRESENTING_EMAIL_ADDRESS),
            sender_name: text(&names::SENDER_NAME),
            sender_address: text(&names::SENDER_EMAIL_ADDRESS),
            state_flags: item.facts().state_flags,
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

    use calcheck_model::{Locator, SourceKind};

    use super::*;

    #[test]
    fn summaries_hold_no_text_and_stay_small() {
        // issue 7: the engine keeps one summary per item, so peak memory grows with it per item.
        assert!(std::mem::size_of::<ItemSummary>() <= 72);
        let mut folders = Folders::default();
        let a = folders.intern("/Top of Personal Folders/Calendar");
        let b = folders.intern("/Top of Personal Folders/Calendar/Holidays");
        assert_ne!(a, b);
        assert_eq!(folders.intern("/Top of Personal Folders/Calendar"), a);
        // Asked again right away (the next item of the same folder), and after another folder.
        assert_eq!(folders.intern("/Top of Personal Folders/Calendar"), a);
        assert_eq!(
            folders.intern("/Top of Personal Folders/Calendar/Holidays"),
            b
        );
        assert_eq!(
            folders.path(b),
            "/Top of Personal Folders/Calendar/Holidays"
        );
        assert_eq!(folders.path(FolderId(7)), "");
    }

    #[test]
    fn duplicates_name_the_oldest_item_of_each_folder_and_key() {
        let (a, b) = (FolderId(0), FolderId(1));
        // (folder, key, creation time) at positions 0..
        let spec: [(FolderId, Option<u128>, Option<u64>); 8] = [
            (a, Some(7), Some(500)),
            (a, None, Some(100)),
            (b, Some(7), Some(300)),
            (a, Some(7), Some(200)),
            (a, Some(9), Some(100)),
            (b, Some(7), None),
            (a, Some(7), None),
            (a, Some(7), Some(200)),
        ];
        let items: Vec<ItemSummary> = spec
            .iter()
            .enumerate()
            .map(|(index, &(folder, _, created))| ItemSummary {
                index,
                folder,
                flags: if created.is_some() {
                    FLAG_CREATION_TIME
                } else {
                    0
                },
                creation_time: created.unwrap_or(0),
                dup_key: [0; 2],
                goid: [0; 2],
                clean_goid: [0; 2],
            })
            .collect();
        let found: Vec<(usize, usize)> =
            duplicates(items.iter().zip(spec.iter().map(|&(_, key, _)| key)))
                .into_iter()
                .map(|(s, first)| (s.index, first.index))
                .collect();
        // Position 3 is the oldest of folder a's key 7 (created at 200, before position 7's equal
        // time); the same key in folder b is another group, whose item without a creation time
        // counts as the newest; items without a key are never duplicates. Listed in source order.
        assert_eq!(found, [(0, 3), (5, 2), (6, 3), (7, 3)]);
        assert!(duplicates(std::iter::empty()).is_empty());
    }

    #[test]
    fn hash128_tells_apart_many_ids_and_field_boundaries() {
        // 100 000 GlobalObjectId-like 56-byte ids differing in one counter, and as many short texts:
        // no two share either half of their hash.
        let mut seen = std::collections::HashSet::new();
        let mut halves = (
            std::collections::HashSet::new(),
            std::collections::HashSet::new(),
        );
        for n in 0u32..100_000 {
            let mut goid = vec![0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00];
            goid.extend_from_slice(&[0; 44]);
            goid.extend_from_slice(&n.to_le_bytes());
            for h in [
                key_hash(&goid.as_slice()),
                key_hash(&format!("Meeting {n}")),
            ] {
                assert!(seen.insert(h), "{n}");
                assert!(halves.0.insert(h[0]) && halves.1.insert(h[1]), "{n}");
            }
        }
        // Moving a character from one field to the next, or adding a NUL, changes the key.
        assert_ne!(key_hash(&("ab", "c")), key_hash(&("a", "bc")));
        assert_ne!(key_hash(&b"a".as_slice()), key_hash(&b"a\0".as_slice()));
        assert_ne!(key_hash(&(true, 1u64)), key_hash(&(false, 1u64)));
        assert_eq!(key_hash(&("ab", 7u64)), key_hash(&("ab", 7u64)));
    }

    #[test]
    fn hash128_byte_shortcut_is_the_one_byte_write() {
        use std::hash::Hasher;
        // `write_u8` stands for `write(&[n])`, and a tail is read as its bytes little-endian with the
        // length in the top byte: the hash of a key is the same whichever path its bytes take.
        for n in 0..=255u8 {
            let (mut a, mut b) = (Hash128::default(), Hash128::default());
            a.write_u8(n);
            b.write(&[n]);
            assert_eq!(a.finish128(), b.finish128(), "{n}");
        }
        let bytes: Vec<u8> = (1..=23).collect();
        for len in 0..bytes.len() {
            let mut h = Hash128::default();
            h.write(&bytes[..len]);
            let mut want = Hash128::default();
            let mut words = bytes[..len].chunks(8);
            for w in words.by_ref() {
                let mut word = [0u8; 8];
                word[..w.len()].copy_from_slice(w);
                if w.len() < 8 {
                    word[7] = w.len() as u8;
                }
                want.word(u64::from_le_bytes(word));
            }
            want.len = len as u64;
            assert_eq!(h.finish128(), want.finish128(), "{len}");
        }
    }

    #[test]
    fn summary_keeps_ids_and_key_only_as_hashes() {
        let mut item = CalendarItem::new(ItemRef::new(
            Arc::from(Path::new("a.pst")),
            "/Calendar",
            Locator::PstNode(0x2004),
        ));
        let mut put = |def: &calcheck_model::PropDef, v: calcheck_format::props::PropValue| {
            item.props
                .insert(Property::new(def.key.to_key(), def.ty.code(), v));
        };
        use calcheck_format::props::PropValue;
        put(&names::GLOBAL_OBJECT_ID, PropValue::Binary(vec![1, 2, 3]));
        put(&names::CLEAN_GLOBAL_OBJECT_ID, PropValue::Binary(vec![]));
        put(&names::APPOINTMENT_START_WHOLE, PropValue::Time(10));
        put(&names::RECURRING, PropValue::Bool(true));
        let s = ItemSummary::of(3, &item);
        assert_eq!(s.index, 3);
        assert!(s.recurring() && !s.is_exception() && !s.meeting_message());
        assert_eq!(s.creation_time(), None);
        // No end: no duplicate key. An empty id counts as absent, as it did when the bytes were kept.
        assert_eq!(s.dup_key(), None);
        assert!(s.goid().is_some());
        assert_eq!(s.clean_goid(), None);
        let mut other = item.clone();
        other.props.insert(Property::new(
            names::GLOBAL_OBJECT_ID.key.to_key(),
            0x0102,
            PropValue::Binary(vec![1, 2, 4]),
        ));
        assert_ne!(ItemSummary::of(3, &other).goid(), s.goid());
        assert_eq!(ItemSummary::of(9, &item.clone()).goid(), s.goid());
    }

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

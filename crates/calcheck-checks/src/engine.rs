//! The engine: runs the selected checks over every item of every source and returns one sorted [`Report`].
//!
//! Sorting, selection and severity overrides happen here, once; reporters only serialize.
//!
//! Items are decoded and checked on several threads ([`rayon`]): a source that reads items by position
//! ([`CalendarSource::item_at`], e.g. a PST) is read in chunks of positions, each chunk decoded and
//! checked in parallel; a streaming source is read in order and its items checked in parallel. Every
//! chunk's results are merged in item order, so the summaries the store-wide checks see, the findings and
//! the rows are the same whatever the thread count, and so is every report built from them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use calcheck_model::{
    CalendarItem, CalendarSource, ItemRef, ItemResult, Locator, SourceInfo, UnreadableItem,
};
use rayon::prelude::*;

use crate::context::{Folders, ItemCx, ItemDetail, ItemRow, ItemSummary, Options, StoreCx};
use crate::finding::Finding;
use crate::meta::{CheckInfo, Severity};

/// Which items [`Check::check_item`] can report on. The engine calls a check only for those: most
/// items are single appointments, and a dozen checks look only at series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Any item.
    #[default]
    Every,
    /// Items with PidLidRecurring true ([`crate::facts::is_recurring`]).
    Recurring,
    /// Items whose PidLidAppointmentRecur decodes (`item.decoded().recurrence` is `Some(Ok(_))`).
    WithRecurrence,
}

/// A check. Hooks default to doing nothing, so a check implements only what it needs.
pub trait Check: CheckInfo + Sync {
    /// Checks one readable item.
    fn check_item(&self, _item: &CalendarItem, _cx: &mut ItemCx<'_>) {}

    /// The items [`Check::check_item`] can report on; it must report nothing on the others (it
    /// may still be called for them, and then returns at once).
    fn scope(&self) -> Scope {
        Scope::Every
    }

    /// Checks an item that could not be read at all.
    fn check_unreadable(&self, _item: &UnreadableItem, _cx: &mut ItemCx<'_>) {}

    /// Checks the store as a whole (cross-item checks), from compact per-item summaries.
    fn check_store(&self, _cx: &mut StoreCx<'_>) {}
}

/// Counts for one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceReport {
    /// What the source knows about itself.
    pub info: SourceInfo,
    /// Calendar items read (readable ones).
    pub items: usize,
    /// Items that could not be read.
    pub unreadable: usize,
    /// Items with PidLidRecurring true.
    pub recurring: usize,
    /// Listing rows, in source order, as [`RowMode`] asked (empty with [`RowMode::None`]).
    pub rows: Vec<ItemRow>,
    /// Messages that are plainly not calendar items (see `CalendarItem::is_calendar_item`) and Outlook
    /// templates (`CalendarItem::is_template`), by message class with a count each; they are not checked
    /// and not counted as items.
    pub skipped: BTreeMap<String, usize>,
}

/// Which items' [`ItemRow`]s the engine keeps, for reporters that list item properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RowMode {
    /// No rows (the default: checks alone need none).
    #[default]
    None,
    /// Rows of the items with findings and of the items those findings name as related (the log's
    /// property block and CalCheckErr.csv's "Other Item" columns need them).
    Flagged,
    /// A row for every readable item (CALITEMS.CSV, `-A`).
    All,
}

/// Which rows the item pass keeps (see [`Engine::run_source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeepRows {
    /// None.
    None,
    /// Only items with item findings; the rest are read again when a store check flags them.
    WithFindings,
    /// Every item's.
    All,
}

/// The result of a run: sources, findings (sorted), and the options used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Options of the run ("now" among them).
    pub options: Options,
    /// One entry per input source, in input order.
    pub sources: Vec<SourceReport>,
    /// Every finding, sorted by (source, item position, check code, message).
    pub findings: Vec<Finding>,
}

impl Report {
    /// Number of findings of each severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Number of distinct items with at least one finding.
    pub fn problem_items(&self) -> usize {
        let mut seen: Vec<(
            &std::path::Path,
            &calcheck_model::Locator,
            &Vec<calcheck_model::Locator>,
        )> = self
            .findings
            .iter()
            .map(|f| (&*f.item.file, &f.item.locator, &f.item.parents))
            .collect();
        seen.sort();
        seen.dedup();
        seen.len()
    }

    /// The most serious severity found.
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
    }
}

/// Positions read and checked together from a source that reads by position. Large enough that the
/// threads rarely wait for each other at the end of a chunk, small enough that a chunk's results (a
/// summary and a few findings per item) stay small.
const INDEXED_CHUNK: usize = 2048;

/// Items taken from a streaming source before they are checked in parallel; they are held decoded, so the
/// chunk is kept short.
const STREAM_CHUNK: usize = 64;

/// What the store checks of one source found, with the rows of the items they read again.
struct StoreRun {
    findings: Vec<Finding>,
    rows: Vec<ItemRow>,
}

/// The item checks to run on items of one [`Coverage`](calcheck_model::Coverage), worked out once
/// per engine instead of once per item.
struct ItemPlan {
    /// The checks whose needs the coverage meets, in code order, by [`Scope`]: those for every
    /// item, for series, and for items whose recurrence blob decodes.
    run: [Vec<&'static dyn Check>; 3],
    /// The checks skipped because the coverage lacks a part they need, in code order.
    skipped: Vec<&'static crate::meta::CheckMeta>,
}

impl ItemPlan {
    /// The plan for items whose source carries the recipient table when `recipients` is true and the
    /// attachment table when `attachments` is true.
    fn of(checks: &[&'static dyn Check], recipients: bool, attachments: bool) -> Self {
        let mut run = [Vec::new(), Vec::new(), Vec::new()];
        let mut skipped = Vec::new();
        for check in checks {
            let needs = check.meta().needs;
            if (needs.recipients && !recipients) || (needs.attachments && !attachments) {
                skipped.push(check.meta());
            } else {
                let list = match check.scope() {
                    Scope::Every => &mut run[0],
                    Scope::Recurring => &mut run[1],
                    Scope::WithRecurrence => &mut run[2],
                };
                list.push(*check);
            }
        }
        ItemPlan { run, skipped }
    }
}

/// Runs checks over sources.
pub struct Engine {
    checks: Vec<&'static dyn Check>,
    /// The item checks for each coverage, indexed by [`plan_index`].
    plans: [ItemPlan; 4],
    /// CC903 is among the checks (it reports the checks a coverage skips).
    reports_skipped: bool,
    options: Options,
    overrides: BTreeMap<&'static str, Severity>,
    rows: RowMode,
    threads: usize,
}

/// What the engine keeps of one item once it has been checked.
enum Outcome {
    /// Not a calendar item, or a template: counted by this label.
    Skipped(String),
    /// A readable calendar item.
    Checked {
        findings: Vec<Finding>,
        summary: ItemSummary,
        /// Where the item lives: only its folder path when the source can read it again, else all a
        /// store finding may show of it.
        place: Place,
        // Boxed: most items keep no row, and the outcomes of a chunk are moved twice.
        row: Option<Box<ItemRow>>,
    },
    /// An item that could not be read.
    Unreadable(Vec<Finding>),
}

/// Where a checked item lives, as much as the engine keeps of it.
enum Place {
    /// The folder path (the item can be read again by position).
    Folder(Arc<str>),
    /// The item's detail (a streamed source cannot read it again).
    Detail(Box<ItemDetail>),
}

/// One source's results so far, merged in item order.
#[derive(Default)]
struct Merged {
    findings: Vec<Finding>,
    summaries: Vec<ItemSummary>,
    folders: Folders,
    /// The details the engine has, by position: every item's for a streamed source, none otherwise.
    details: HashMap<usize, ItemDetail>,
    rows: Vec<ItemRow>,
    unreadable: usize,
    skipped: BTreeMap<String, usize>,
}

impl Merged {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Skipped(label) => *self.skipped.entry(label).or_insert(0) += 1,
            Outcome::Checked {
                findings,
                mut summary,
                place,
                row,
            } => {
                self.findings.extend(findings);
                summary.folder = match place {
                    Place::Folder(path) => self.folders.intern(&path),
                    Place::Detail(detail) => {
                        let id = self.folders.intern(&detail.item_ref.folder);
                        self.details.insert(summary.index, *detail);
                        id
                    }
                };
                self.summaries.push(summary);
                // Unboxed only when there is a row: `extend` with `row.map(|r| *r)` copied a
                // whole `Option<ItemRow>` (most of it unset) for every item.
                if let Some(row) = row {
                    self.rows.push(*row);
                }
            }
            Outcome::Unreadable(findings) => {
                self.unreadable += 1;
                self.findings.extend(findings);
            }
        }
    }
}

impl Engine {
    /// An engine running `checks` with `options`.
    pub fn new(checks: Vec<&'static dyn Check>, options: Options) -> Self {
        let mut checks = checks;
        checks.sort_by_key(|c| c.meta().code);
        checks.dedup_by_key(|c| c.meta().code);
        let plans = [
            ItemPlan::of(&checks, false, false),
            ItemPlan::of(&checks, false, true),
            ItemPlan::of(&checks, true, false),
            ItemPlan::of(&checks, true, true),
        ];
        let skip_code = crate::checks::CheckSkipped.meta().code;
        let reports_skipped = checks.iter().any(|c| c.meta().code == skip_code);
        Engine {
            checks,
            plans,
            reports_skipped,
            options,
            overrides: BTreeMap::new(),
            rows: RowMode::None,
            threads: 0,
        }
    }

    /// Decodes and checks on `threads` threads; 0 (the default) uses the current [`rayon`] pool: the
    /// caller's when called inside one, else the global pool (one thread per core, or
    /// `RAYON_NUM_THREADS`). The report is the same whatever the thread count.
    pub fn set_threads(&mut self, threads: usize) {
        self.threads = threads;
    }

    /// The thread count set with [`set_threads`](Self::set_threads) (0: the current pool's).
    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on a pool of the configured size, or on the current pool.
    fn in_pool<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        if self.threads == 0 {
            return f();
        }
        match rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
        {
            Ok(pool) => pool.install(f),
            // No thread could be started: the current pool still gives the same report.
            Err(_) => f(),
        }
    }

    /// Keeps per-item listing rows in each [`SourceReport`] as `mode` says.
    pub fn collect_rows(&mut self, mode: RowMode) {
        self.rows = mode;
    }

    /// Overrides the severity of every finding of the check with this code.
    pub fn override_severity(&mut self, code: &'static str, severity: Severity) {
        self.overrides.insert(code, severity);
    }

    /// The checks that run, sorted by code.
    pub fn checks(&self) -> &[&'static dyn Check] {
        &self.checks
    }

    /// The run options.
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// Runs every check over every source and returns the sorted report.
    pub fn run(&self, sources: &[&dyn CalendarSource]) -> Report {
        self.in_pool(|| self.run_here(sources))
    }

    /// Runs every input into a report of its own, several inputs at once, for batch mode's one log per
    /// mailbox. Each input is opened (`open`: a source, or the reason it cannot be read) only when its
    /// turn comes and dropped once its report is made, and `each` gets the report, or that reason, on the
    /// thread that made it, so that a caller can write it out at once: memory holds only the inputs being
    /// checked, however many there are. Returns what `each` returned, in input order.
    pub fn run_each_opened<'s, I: Sync, E, T: Send>(
        &self,
        inputs: &[I],
        open: impl Fn(usize, &I) -> Result<Box<dyn CalendarSource + 's>, E> + Sync,
        each: impl Fn(usize, Result<Report, E>) -> T + Sync,
    ) -> Vec<T> {
        self.in_pool(|| {
            inputs
                .par_iter()
                .enumerate()
                .map(|(index, input)| {
                    let report = open(index, input).map(|source| self.run_here(&[&*source]));
                    each(index, report)
                })
                .collect()
        })
    }

    /// [`run`](Self::run) on the current pool.
    fn run_here(&self, sources: &[&dyn CalendarSource]) -> Report {
        let results: Vec<(SourceReport, Vec<Finding>)> = sources
            .par_iter()
            .map(|source| self.run_source(*source))
            .collect();
        let mut report = Report {
            options: self.options.clone(),
            sources: Vec::with_capacity(results.len()),
            findings: Vec::new(),
        };
        for (source_index, (summary, mut findings)) in results.into_iter().enumerate() {
            for f in &mut findings {
                f.source_index = source_index;
            }
            report.sources.push(summary);
            report.findings.extend(findings);
        }
        self.finish(&mut report.findings);
        report
    }

    /// Runs the checks over one source, on the current [`rayon`] pool; findings are not yet sorted.
    pub fn run_source(&self, source: &dyn CalendarSource) -> (SourceReport, Vec<Finding>) {
        let info = source.info();
        let indexed = source.indexed_len();
        // One summary per position at most: reserving them up front keeps the list from doubling past
        // the size it needs (the source already holds its list of positions, so this is no new bound).
        let mut merged = Merged {
            summaries: Vec::with_capacity(indexed.unwrap_or(0)),
            ..Merged::default()
        };
        // With `Flagged`, a source that can read an item again keeps only the rows of items with item
        // findings now and reads the few that store checks flag afterwards; a streaming source cannot,
        // so it keeps every row until the store checks have run.
        let keep_rows = match (self.rows, indexed) {
            (RowMode::None, _) => KeepRows::None,
            (RowMode::Flagged, Some(_)) => KeepRows::WithFindings,
            _ => KeepRows::All,
        };
        if let Some(len) = indexed {
            let check_chunk = |start: usize| -> Vec<Outcome> {
                let end = start.saturating_add(INDEXED_CHUNK).min(len);
                (start..end)
                    .into_par_iter()
                    .filter_map(|i| {
                        // Checked where `item_at` returned it (see `outcome`), and dropped here.
                        let mut read = source.item_at(i);
                        read.as_mut()
                            .map(|r| self.outcome(i, r, info, keep_rows, false))
                    })
                    .collect()
            };
            // Each chunk is merged while the next one is checked: merging is serial (about 0.6 ms
            // of a 105 ms one-thread pass, three times that on two threads, where it frees what the
            // other thread allocated), and done between chunks it left the other threads idle.
            // Chunks are still merged in order, so the result does not change.
            let mut pending: Vec<Outcome> = Vec::new();
            let mut start = 0;
            while start < len {
                let done = std::mem::take(&mut pending);
                let ((), next) = rayon::join(
                    || {
                        for outcome in done {
                            merged.add(outcome);
                        }
                    },
                    || check_chunk(start),
                );
                pending = next;
                start = start.saturating_add(INDEXED_CHUNK);
            }
            for outcome in pending {
                merged.add(outcome);
            }
        } else {
            let mut items = source.items().enumerate();
            loop {
                let batch: Vec<(usize, ItemResult)> = items.by_ref().take(STREAM_CHUNK).collect();
                if batch.is_empty() {
                    break;
                }
                let chunk: Vec<Outcome> = batch
                    .into_par_iter()
                    .map(|(i, mut r)| self.outcome(i, &mut r, info, keep_rows, true))
                    .collect();
                for outcome in chunk {
                    merged.add(outcome);
                }
            }
        }

        let Merged {
            mut findings,
            summaries,
            folders,
            mut details,
            mut rows,
            unreadable,
            skipped,
        } = merged;
        let reread = self.run_store_checks(source, &summaries, &folders, &mut details, keep_rows);
        findings.extend(reread.findings);
        rows.extend(reread.rows);

        if self.rows != RowMode::None {
            self.finish_rows(source, &details, &findings, &mut rows, keep_rows);
        }
        let recurring = summaries.iter().filter(|s| s.recurring()).count();
        let report = SourceReport {
            info: info.clone(),
            items: summaries.len(),
            unreadable,
            recurring,
            rows,
            skipped,
        };
        (report, findings)
    }

    /// Checks one item (or reports one unreadable item) at position `index`.
    fn outcome(
        &self,
        index: usize,
        result: &mut ItemResult,
        info: &SourceInfo,
        keep_rows: KeepRows,
        keep_details: bool,
    ) -> Outcome {
        // The item is checked where the source returned it, and left there for the caller to
        // drop: a calendar item is over a kilobyte, and moving it (out of the result, or the
        // result into this call) cost a copy of all of it for every item.
        let item = match result {
            Ok(item) => item,
            Err(bad) => {
                let mut cx = ItemCx::new(&self.options, info, &bad.item_ref);
                for check in &self.checks {
                    check.check_unreadable(bad, &mut cx);
                }
                let mut findings = cx.into_findings();
                for f in &mut findings {
                    f.item_index = index;
                }
                return Outcome::Unreadable(findings);
            }
        };
        if item.is_template() {
            return Outcome::Skipped(format!(
                "Outlook template (.oft) of {}",
                item.message_class()
            ));
        }
        if !item.is_calendar_item() {
            return Outcome::Skipped(item.message_class().to_owned());
        }
        let findings = self.check_item(index, item, info);
        let row = match keep_rows {
            KeepRows::None => None,
            KeepRows::WithFindings if findings.is_empty() => None,
            KeepRows::WithFindings | KeepRows::All => Some(Box::new(ItemRow::of(index, item))),
        };
        let summary = ItemSummary::of(index, item);
        let place = if keep_details {
            Place::Detail(Box::new(ItemDetail::taken_from(item)))
        } else {
            // The folder path is shared with the item (and every other item of its folder).
            Place::Folder(item.item_ref.folder.clone())
        };
        Outcome::Checked {
            findings,
            summary,
            place,
            row,
        }
    }

    /// Runs the store checks over one source's summaries. When a finding needs the detail of an item the
    /// engine does not keep (a source read by position keeps none), the items asked for are read again,
    /// in parallel, and the store checks run afresh; only the findings of a run that lacked no detail
    /// are kept (see [`StoreCx`]). With [`KeepRows::WithFindings`], the rows of the items read again
    /// are returned too, so that [`finish_rows`](Self::finish_rows) need not read them a second time.
    fn run_store_checks(
        &self,
        source: &dyn CalendarSource,
        summaries: &[ItemSummary],
        folders: &Folders,
        details: &mut HashMap<usize, ItemDetail>,
        keep_rows: KeepRows,
    ) -> StoreRun {
        let info = source.info();
        let mut rows = Vec::new();
        // Every round reads only items that no earlier round read, so the loop ends; store checks are
        // deterministic, so the second round normally lacks nothing.
        loop {
            // The store-wide checks are independent of each other, so each runs in its own
            // context on the pool; their findings are put back in check order, the order they
            // had when they ran one after another.
            let details_now: &HashMap<usize, ItemDetail> = details;
            let per_check: Vec<(Vec<Finding>, BTreeSet<usize>)> = self
                .checks
                .par_iter()
                // One check per task: the few checks with store work (CC502 and CC503 take
                // about 1 ms each on the generated mailbox) sit next to each other in code order,
                // and rayon's default split put them all on one thread.
                .with_max_len(1)
                .map(|check| {
                    let mut cx = StoreCx::new(&self.options, info, summaries, folders, details_now);
                    check.check_store(&mut cx);
                    cx.into_findings()
                })
                .collect();
            let mut findings = Vec::new();
            let mut missing = BTreeSet::new();
            for (f, m) in per_check {
                findings.extend(f);
                missing.extend(m);
            }
            if missing.is_empty() {
                return StoreRun { findings, rows };
            }
            let missing: Vec<usize> = missing.into_iter().collect();
            let read: Vec<(usize, ItemDetail, Option<ItemRow>)> = missing
                .into_par_iter()
                .map(|i| {
                    let (detail, row) = match source.item_at(i) {
                        Some(Ok(item)) => {
                            let row = (keep_rows == KeepRows::WithFindings)
                                .then(|| ItemRow::of(i, &item));
                            (ItemDetail::of(item), row)
                        }
                        Some(Err(bad)) => (ItemDetail::named(bad.item_ref), None),
                        // A source that cannot read again an item it read before breaks
                        // `item_at`'s promise; the finding still names the file and folder.
                        None => {
                            let folder = summaries
                                .iter()
                                .find(|s| s.index == i)
                                .map_or("", |s| folders.path(s.folder));
                            let item_ref =
                                ItemRef::new(info.path.clone(), folder, Locator::MsgFile);
                            (ItemDetail::named(item_ref), None)
                        }
                    };
                    (i, detail, row)
                })
                .collect();
            for (i, detail, row) in read {
                details.insert(i, detail);
                rows.extend(row);
            }
        }
    }

    /// Marks the rows of flagged items and, with [`RowMode::Flagged`], leaves only the rows of the items
    /// the findings are about or name as related, reading again those of a source read by position that
    /// only a store check flagged and that [`run_store_checks`](Self::run_store_checks) did not read.
    /// Rows end sorted by position.
    fn finish_rows(
        &self,
        source: &dyn CalendarSource,
        details: &HashMap<usize, ItemDetail>,
        findings: &[Finding],
        rows: &mut Vec<ItemRow>,
        keep_rows: KeepRows,
    ) {
        let flagged: BTreeSet<usize> = findings.iter().map(|f| f.item_index).collect();
        let related: std::collections::HashSet<&ItemRef> =
            findings.iter().flat_map(|f| &f.related).collect();
        if self.rows == RowMode::Flagged {
            if keep_rows == KeepRows::WithFindings {
                // Store findings name items by position; related items are named by reference, and
                // every reference a store finding shows came from the details, which map it back to
                // its position.
                let related_at: BTreeSet<usize> = details
                    .iter()
                    .filter(|(_, d)| related.contains(&d.item_ref))
                    .map(|(i, _)| *i)
                    .collect();
                rows.retain(|r| flagged.contains(&r.index) || related_at.contains(&r.index));
                rows.sort_by_key(|r| r.index);
                rows.dedup_by_key(|r| r.index);
                let have: BTreeSet<usize> = rows.iter().map(|r| r.index).collect();
                let wanted: Vec<usize> = flagged
                    .union(&related_at)
                    .copied()
                    .filter(|i| !have.contains(i))
                    .collect();
                let extra: Vec<ItemRow> = wanted
                    .into_par_iter()
                    .filter_map(|i| match source.item_at(i) {
                        Some(Ok(item)) if item.is_calendar_item() && !item.is_template() => {
                            Some(ItemRow::of(i, &item))
                        }
                        _ => None,
                    })
                    .collect();
                rows.extend(extra);
                rows.sort_by_key(|r| r.index);
            } else {
                rows.retain(|r| flagged.contains(&r.index) || related.contains(&r.item_ref));
            }
        }
        for row in rows.iter_mut() {
            row.flagged = flagged.contains(&row.index);
        }
    }

    /// Runs the item checks over one item (position `index` in its source).
    pub fn check_item(&self, index: usize, item: &CalendarItem, info: &SourceInfo) -> Vec<Finding> {
        let mut cx = ItemCx::for_item(&self.options, info, item);
        // A check that needs a part the source cannot carry (Coverage) would see an empty table and
        // pass; it is skipped instead, and CC903 says so, once per item, when it is selected.
        let plan = &self.plans[plan_index(item.coverage)];
        let [every, series, with_recurrence] = &plan.run;
        for check in every {
            check.check_item(item, &mut cx);
        }
        if !series.is_empty() && crate::facts::is_recurring(item) {
            for check in series {
                check.check_item(item, &mut cx);
            }
        }
        if !with_recurrence.is_empty() && matches!(item.decoded().recurrence, Some(Ok(_))) {
            for check in with_recurrence {
                check.check_item(item, &mut cx);
            }
        }
        if !plan.skipped.is_empty() && self.reports_skipped {
            let skip_meta = crate::checks::CheckSkipped.meta();
            report_skipped(&mut cx, skip_meta, &plan.skipped, item.coverage);
        }
        let mut out = cx.into_findings();
        // The scopes ran the checks out of code order; each check's own findings keep their order.
        out.sort_by_key(|f| f.check.code);
        for f in &mut out {
            f.item_index = index;
        }
        out
    }

    /// Applies severity overrides and sorts deterministically.
    pub fn finish(&self, findings: &mut [Finding]) {
        for f in findings.iter_mut() {
            if let Some(s) = self.overrides.get(f.check.code) {
                f.severity = *s;
            }
        }
        findings.sort_by(|a, b| {
            (
                a.source_index,
                a.item_index,
                a.check.code,
                &a.message,
                &a.item.parents,
            )
                .cmp(&(
                    b.source_index,
                    b.item_index,
                    b.check.code,
                    &b.message,
                    &b.item.parents,
                ))
        });
    }
}

/// The index of the [`ItemPlan`] for items of `coverage` (0 to 3).
fn plan_index(coverage: calcheck_model::Coverage) -> usize {
    usize::from(coverage.recipients) * 2 + usize::from(coverage.attachments)
}

/// Reports CC903 for the checks skipped on one item, naming what the source lacks.
fn report_skipped(
    cx: &mut ItemCx<'_>,
    meta: &'static crate::meta::CheckMeta,
    skipped: &[&'static crate::meta::CheckMeta],
    coverage: calcheck_model::Coverage,
) {
    // Name only the parts that the skipped checks needed.
    let mut missing = Vec::new();
    if !coverage.recipients && skipped.iter().any(|m| m.needs.recipients) {
        missing.push("the recipient table");
    }
    if !coverage.attachments && skipped.iter().any(|m| m.needs.attachments) {
        missing.push("the attachment table");
    }
    let list: Vec<String> = skipped
        .iter()
        .map(|m| format!("{} {}", m.code, m.name))
        .collect();
    let f = cx.report_meta(
        meta,
        format!(
            "{} check(s) skipped: the input does not carry {}",
            skipped.len(),
            missing.join(" or ")
        ),
    );
    f.evidence("skipped checks", list.join(", "));
}

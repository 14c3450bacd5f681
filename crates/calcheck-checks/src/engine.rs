//! The engine: runs the selected checks over every item of every source and returns one sorted [`Report`].
//!
//! Sorting, selection and severity overrides happen here, once; reporters only serialize.

use std::collections::BTreeMap;

use calcheck_model::{CalendarItem, CalendarSource, SourceInfo, UnreadableItem};

use crate::context::{ItemCx, ItemRow, ItemSummary, Options, StoreCx};
use crate::finding::Finding;
use crate::meta::{CheckInfo, Severity};

/// A check. Hooks default to doing nothing, so a check implements only what it needs.
pub trait Check: CheckInfo + Sync {
    /// Checks one readable item.
    fn check_item(&self, _item: &CalendarItem, _cx: &mut ItemCx<'_>) {}

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

/// Runs checks over sources.
pub struct Engine {
    checks: Vec<&'static dyn Check>,
    options: Options,
    overrides: BTreeMap<&'static str, Severity>,
    rows: RowMode,
}

impl Engine {
    /// An engine running `checks` with `options`.
    pub fn new(checks: Vec<&'static dyn Check>, options: Options) -> Self {
        let mut checks = checks;
        checks.sort_by_key(|c| c.meta().code);
        checks.dedup_by_key(|c| c.meta().code);
        Engine {
            checks,
            options,
            overrides: BTreeMap::new(),
            rows: RowMode::None,
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
        let mut report = Report {
            options: self.options.clone(),
            sources: Vec::new(),
            findings: Vec::new(),
        };
        for (source_index, source) in sources.iter().enumerate() {
            let (summary, mut findings) = self.run_source(*source);
            for f in &mut findings {
                f.source_index = source_index;
            }
            report.sources.push(summary);
            report.findings.extend(findings);
        }
        self.finish(&mut report.findings);
        report
    }

    /// Runs the checks over one source; findings are not yet sorted.
    pub fn run_source(&self, source: &dyn CalendarSource) -> (SourceReport, Vec<Finding>) {
        let info = source.info();
        let mut findings = Vec::new();
        let mut summaries = Vec::new();
        let mut rows = Vec::new();
        let mut unreadable = 0;
        let mut skipped = BTreeMap::new();
        for (index, result) in source.items().enumerate() {
            match result {
                Ok(item) if item.is_template() => {
                    *skipped
                        .entry(format!(
                            "Outlook template (.oft) of {}",
                            item.message_class()
                        ))
                        .or_insert(0) += 1;
                }
                Ok(item) if !item.is_calendar_item() => {
                    *skipped.entry(item.message_class().to_owned()).or_insert(0) += 1;
                }
                Ok(item) => {
                    findings.extend(self.check_item(index, &item, info));
                    summaries.push(ItemSummary::of(index, &item));
                    if self.rows != RowMode::None {
                        rows.push(ItemRow::of(index, &item));
                    }
                }
                Err(bad) => {
                    unreadable += 1;
                    let mut cx = ItemCx::new(&self.options, info, &bad.item_ref);
                    for check in &self.checks {
                        check.check_unreadable(&bad, &mut cx);
                    }
                    findings.extend(cx.into_findings().into_iter().map(|mut f| {
                        f.item_index = index;
                        f
                    }));
                }
            }
        }
        let mut cx = StoreCx::new(&self.options, info, &summaries);
        for check in &self.checks {
            check.check_store(&mut cx);
        }
        findings.extend(cx.into_findings());
        // Which items are flagged is known only now, after the store checks; with `Flagged` the rows of
        // the other items are dropped here, so memory peaks at one source's rows.
        let flagged: std::collections::HashSet<usize> =
            findings.iter().map(|f| f.item_index).collect();
        let related: std::collections::HashSet<&calcheck_model::ItemRef> =
            findings.iter().flat_map(|f| &f.related).collect();
        for row in &mut rows {
            row.flagged = flagged.contains(&row.index);
        }
        if self.rows == RowMode::Flagged {
            rows.retain(|r| r.flagged || related.contains(&r.item_ref));
        }
        let recurring = summaries.iter().filter(|s| s.recurring).count();
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

    /// Runs the item checks over one item (position `index` in its source).
    pub fn check_item(&self, index: usize, item: &CalendarItem, info: &SourceInfo) -> Vec<Finding> {
        let mut cx = ItemCx::new(&self.options, info, &item.item_ref);
        // A check that needs a part the source cannot carry (Coverage) would see an empty table and
        // pass; it is skipped instead, and CC903 says so, once per item, when it is selected.
        let mut skipped: Vec<&'static crate::meta::CheckMeta> = Vec::new();
        for check in &self.checks {
            let needs = check.meta().needs;
            if (needs.recipients && !item.coverage.recipients)
                || (needs.attachments && !item.coverage.attachments)
            {
                skipped.push(check.meta());
                continue;
            }
            check.check_item(item, &mut cx);
        }
        let skip_meta = crate::checks::CheckSkipped.meta();
        if !skipped.is_empty() && self.checks.iter().any(|c| c.meta().code == skip_meta.code) {
            report_skipped(&mut cx, skip_meta, &skipped, item.coverage);
        }
        let mut out = cx.into_findings();
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

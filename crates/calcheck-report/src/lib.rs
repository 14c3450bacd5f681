//! calcheck's reporters: they turn one [`Report`] into CalCheck.log, CalCheckErr.csv, CALITEMS.CSV, JSON v1
//! or SARIF 2.1.0 (docs/output.md describes every format).
//!
//! Reporters only serialize: selection, severity overrides and sorting happened once, in
//! [`calcheck_checks::Engine`]. What a report cannot carry about the run itself (tool version, wall-clock
//! start and finish, inputs that could not be opened at all) comes in a [`RunInfo`].

#![warn(missing_docs)]

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::Path;

use calcheck_checks::{Finding, ItemRow, Report, SourceReport};
use calcheck_format::time;
use calcheck_model::ItemRef;
use chrono::{DateTime, Utc};

pub mod calitems;
pub mod csv;
pub mod json;
pub mod log;
pub mod master;
pub mod sarif;

pub use calitems::ItemsCsvReporter;
pub use csv::ErrCsvReporter;
pub use json::JsonReporter;
pub use log::LogReporter;
pub use master::{MailboxSummary, MasterReporter};
pub use sarif::SarifReporter;

/// Writes a report in one format.
pub trait Reporter {
    /// Serializes `report` to `out`.
    fn write(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The tool's name as every format prints it.
pub const TOOL_NAME: &str = "calcheck";

/// An input that could not be opened or read at all (the run went on with the others).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The path as the user gave it (or as found inside a folder the user gave).
    pub path: String,
    /// Why it could not be read, lowercase, no trailing period.
    pub reason: String,
}

/// What reporters need to know about the run besides the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunInfo {
    /// calcheck's version, e.g. `0.1.0`.
    pub tool_version: String,
    /// When the run started (UTC). Runs with `--now` use "now" here, so output is reproducible.
    pub started: DateTime<Utc>,
    /// When the run finished (UTC).
    pub finished: DateTime<Utc>,
    /// Inputs that could not be read at all.
    pub input_errors: Vec<InputError>,
}

impl RunInfo {
    /// Run info for `tool_version` whose start and finish are both `at` (reproducible output).
    pub fn at(tool_version: impl Into<String>, at: DateTime<Utc>) -> Self {
        RunInfo {
            tool_version: tool_version.into(),
            started: at,
            finished: at,
            input_errors: Vec::new(),
        }
    }
}

/// Counts every format reports at the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    /// Distinct items with at least one finding.
    pub problem_items: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Readable calendar items, over all inputs.
    pub items: usize,
    /// Recurring items (PidLidRecurring true), over all inputs.
    pub recurring_items: usize,
    /// Items that could not be read, over all inputs.
    pub unreadable_items: usize,
}

impl Totals {
    /// The totals of `report`.
    pub fn of(report: &Report) -> Self {
        use calcheck_checks::Severity;
        Totals {
            problem_items: report.problem_items(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            items: report.sources.iter().map(|s| s.items).sum(),
            recurring_items: report.sources.iter().map(|s| s.recurring).sum(),
            unreadable_items: report.sources.iter().map(|s| s.unreadable).sum(),
        }
    }
}

/// The findings about one item, with its listing row when the engine kept one.
#[derive(Debug, Clone, Copy)]
pub struct ItemGroup<'a> {
    /// The item's source.
    pub source: Option<&'a SourceReport>,
    /// Every finding about the item, in report order.
    pub findings: &'a [Finding],
    /// The item's row, if the engine collected rows.
    pub row: Option<&'a ItemRow>,
}

impl ItemGroup<'_> {
    /// The item (from its first finding).
    pub fn item(&self) -> Option<&ItemRef> {
        self.findings.first().map(|f| &f.item)
    }
}

/// Splits the report's findings into one group per item. The engine sorts findings by source and item
/// position, so the findings about one item are adjacent.
pub fn item_groups(report: &Report) -> Vec<ItemGroup<'_>> {
    report
        .findings
        .chunk_by(|a, b| (a.source_index, a.item_index) == (b.source_index, b.item_index))
        .map(|findings| {
            let first = findings.first();
            let source = first.and_then(|f| report.sources.get(f.source_index));
            let row = first.zip(source).and_then(|(f, s)| row_at(s, f.item_index));
            ItemGroup {
                source,
                findings,
                row,
            }
        })
        .collect()
}

/// The row of the item at position `index` of `source` (rows are kept in source order).
pub fn row_at(source: &SourceReport, index: usize) -> Option<&ItemRow> {
    source
        .rows
        .binary_search_by_key(&index, |r| r.index)
        .ok()
        .and_then(|i| source.rows.get(i))
}

/// An index of the rows of one report by item reference, to find related items' rows.
pub struct RowIndex<'a> {
    rows: HashMap<&'a ItemRef, &'a ItemRow>,
}

impl<'a> RowIndex<'a> {
    /// Indexes every row of `report`.
    pub fn new(report: &'a Report) -> Self {
        let rows = report
            .sources
            .iter()
            .flat_map(|s| &s.rows)
            .map(|r| (&r.item_ref, r))
            .collect();
        RowIndex { rows }
    }

    /// The row of `item`, if kept.
    pub fn get(&self, item: &ItemRef) -> Option<&'a ItemRow> {
        self.rows.get(item).copied()
    }
}

/// A FILETIME as `YYYY-MM-DD HH:MM:SS UTC` (24-hour clock, UTC stated).
pub fn utc_text(filetime: u64) -> String {
    time::format_filetime(filetime)
}

/// A FILETIME as RFC 3339 / ISO 8601 with a `Z`, e.g. `2025-01-01T10:00:00Z`.
pub fn iso_time(filetime: u64) -> String {
    iso_datetime(time::filetime_to_utc(filetime))
}

/// A UTC time as RFC 3339 with a `Z` and no fractional seconds unless it has some.
pub fn iso_datetime(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A UTC time as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn utc_datetime_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The item's locator with its parents, outermost first, e.g. `nid 0x00200024 / attachment 0`.
pub fn locator_text(item: &ItemRef) -> String {
    let mut parts: Vec<String> = item.parents.iter().map(ToString::to_string).collect();
    parts.push(item.locator.to_string());
    parts.join(" / ")
}

/// A path as the user gave it.
pub fn path_text(path: &Path) -> String {
    path.display().to_string()
}

/// True when the item's end is before "now"; for a recurring item the series' end counts: PidLidClipEnd,
/// else the day after the blob's EndDate (a local date, so this is off by at most the UTC offset).
pub fn is_past(row: &ItemRow, now: u64) -> bool {
    let end = if row.recurring {
        row.clip_end
            .or_else(|| {
                row.recurrence.as_ref().map(|r| {
                    time::minutes_to_filetime(r.end_date.saturating_add(time::MINUTES_PER_DAY))
                })
            })
            .or(row.end)
    } else {
        row.end
    };
    end.is_some_and(|e| e < now)
}

/// A recurrence blob date (minutes since 1601, local wall clock) as `YYYY-MM-DD`.
pub fn blob_date(minutes: u32) -> String {
    time::minutes_to_date(minutes)
        .format("%Y-%m-%d")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_time_is_rfc3339_utc() {
        // FILETIME 0x01DB5BE019BA4000 is 2025-01-01 00:00:00 UTC ([MS-DTYP] 2.3.3; CalCheck's ftHigh).
        assert_eq!(iso_time(time::FILETIME_2025_01_01), "2025-01-01T00:00:00Z");
        assert_eq!(
            utc_text(time::FILETIME_2025_01_01),
            "2025-01-01 00:00:00 UTC"
        );
    }
}

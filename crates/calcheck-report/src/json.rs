//! JSON output, version 1: a frozen wire format (docs/output.md) built from the report through `From`
//! conversions, so that changing an internal type can never silently change the output.
//!
//! Adding a field is a compatible change; renaming or removing one needs `"version": 2`.

use std::io::{self, Write};

use calcheck_checks::{Check, Evidence, Finding, Report, SourceReport};
use calcheck_model::{FolderInfo, ItemRef};
use serde::{Deserialize, Serialize};

use crate::log::kind_text;
use crate::{
    InputError, Reporter, RunInfo, Totals, iso_datetime, iso_time, locator_text, path_text,
};

/// The wire format's version.
pub const VERSION: u32 = 1;

/// The whole JSON document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportV1 {
    /// Always 1.
    pub version: u32,
    /// The tool that wrote it.
    pub tool: ToolV1,
    /// "Now" for the checks (RFC 3339, UTC).
    pub now: String,
    /// When the run started (RFC 3339, UTC).
    pub started: String,
    /// When the run finished (RFC 3339, UTC).
    pub finished: String,
    /// Options that changed what counts as a problem.
    pub options: OptionsV1,
    /// Every input that was read, in input order.
    pub inputs: Vec<InputV1>,
    /// Inputs that could not be read at all.
    pub input_errors: Vec<InputErrorV1>,
    /// Every finding, sorted by input, item position and code.
    pub findings: Vec<FindingV1>,
    /// Counts.
    pub totals: TotalsV1,
}

/// Tool name and version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolV1 {
    /// `calcheck`.
    pub name: String,
    /// The version, e.g. `0.1.0`.
    pub version: String,
}

/// The run's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionsV1 {
    /// Items later than now plus this many years are "unusually far in the future".
    pub future_years: u32,
    /// That limit (RFC 3339, UTC).
    pub future_limit: String,
    /// The mailbox owner's addresses given with `--mailbox`.
    pub mailbox_addresses: Vec<String>,
    /// The attendee-became-organizer test was off.
    pub no_org: bool,
    /// Duplicate detection was off.
    pub no_dup: bool,
}

/// One input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputV1 {
    /// The path as given.
    pub path: String,
    /// `pst`, `ost`, `msg`, `msg-folder`, `json` or `fast-transfer`.
    pub kind: String,
    /// The store's display name, if it has one.
    pub display_name: Option<String>,
    /// The mailbox owner, if the store records one.
    pub mailbox_owner: Option<String>,
    /// Folders found.
    pub folders: Vec<FolderV1>,
    /// Remarks, e.g. that the PST has a password.
    pub notes: Vec<String>,
    /// Readable calendar items.
    pub items: usize,
    /// Items that could not be read.
    pub unreadable_items: usize,
    /// Recurring items.
    pub recurring_items: usize,
    /// Messages that are not calendar items and were not checked, counted by message class.
    pub skipped_non_calendar: std::collections::BTreeMap<String, usize>,
}

/// One folder of an input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderV1 {
    /// `/`-separated path.
    pub path: String,
    /// PR_CONTAINER_CLASS.
    pub container_class: Option<String>,
    /// Messages in the folder.
    pub item_count: u32,
    /// True when its items were checked as calendar items.
    pub is_calendar: bool,
}

/// An input that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputErrorV1 {
    /// The path as given.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FindingV1 {
    /// Check code, e.g. `CC101`.
    pub code: String,
    /// Check name, e.g. `missing-start-time`.
    pub name: String,
    /// `info`, `warning` or `error` (after `--severity` overrides).
    pub severity: String,
    /// The CalCheck v2.6 error number, e.g. `0020`, if the finding has one.
    pub calcheck: Option<String>,
    /// One sentence.
    pub message: String,
    /// More explanation.
    pub detail: Option<String>,
    /// The item.
    pub item: ItemV1,
    /// The property values that fired the check.
    pub evidence: Vec<EvidenceV1>,
    /// Other items involved (duplicates).
    pub related: Vec<ItemV1>,
    /// True when the finding rests on values calcheck derived rather than read.
    pub derived: bool,
}

/// Where an item is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemV1 {
    /// The input file.
    pub file: String,
    /// Folder path inside the file (empty for .msg files).
    pub folder: String,
    /// Source-specific locator with parents, e.g. `nid 0x00200024` or `message / attachment 0`.
    pub locator: String,
    /// PR_ENTRYID as uppercase hex.
    pub entry_id: Option<String>,
    /// PR_SUBJECT.
    pub subject: Option<String>,
    /// Start (RFC 3339, UTC).
    pub start: Option<String>,
}

/// One piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceV1 {
    /// Property name.
    pub name: String,
    /// Its value as a person reads it.
    pub value: String,
}

/// Counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalsV1 {
    /// Distinct items with findings.
    pub problem_items: usize,
    /// Error findings.
    pub errors: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Info findings.
    pub infos: usize,
    /// Readable calendar items.
    pub items: usize,
    /// Recurring items.
    pub recurring_items: usize,
    /// Unreadable items.
    pub unreadable_items: usize,
    /// Unreadable inputs.
    pub input_errors: usize,
}

impl From<&ItemRef> for ItemV1 {
    fn from(r: &ItemRef) -> Self {
        ItemV1 {
            file: path_text(&r.file),
            folder: r.folder.to_string(),
            locator: locator_text(r),
            entry_id: r.entry_id.clone(),
            subject: r.subject.clone(),
            start: r.start.map(iso_time),
        }
    }
}

impl From<&Evidence> for EvidenceV1 {
    fn from(e: &Evidence) -> Self {
        EvidenceV1 {
            name: e.name.clone(),
            value: e.value.clone(),
        }
    }
}

impl From<&Finding> for FindingV1 {
    fn from(f: &Finding) -> Self {
        FindingV1 {
            code: f.check.code.to_owned(),
            name: f.check.name.to_owned(),
            severity: f.severity.as_str().to_owned(),
            calcheck: f.calcheck.map(str::to_owned),
            message: f.message.clone(),
            detail: f.detail.clone(),
            item: ItemV1::from(&f.item),
            evidence: f.evidence.iter().map(EvidenceV1::from).collect(),
            related: f.related.iter().map(ItemV1::from).collect(),
            derived: f.derived,
        }
    }
}

impl From<&FolderInfo> for FolderV1 {
    fn from(f: &FolderInfo) -> Self {
        FolderV1 {
            path: f.path.clone(),
            container_class: f.container_class.clone(),
            item_count: f.item_count,
            is_calendar: f.is_calendar,
        }
    }
}

/// The wire name of a source kind.
pub fn kind_name(kind: calcheck_model::SourceKind) -> &'static str {
    use calcheck_model::SourceKind;
    match kind {
        SourceKind::Pst => "pst",
        SourceKind::Ost => "ost",
        SourceKind::Msg => "msg",
        SourceKind::MsgFolder => "msg-folder",
        SourceKind::Json => "json",
        SourceKind::FastTransfer => "fast-transfer",
        _ => {
            // A kind added after version 1 falls back to its log description.
            kind_text(kind)
        }
    }
}

impl From<&SourceReport> for InputV1 {
    fn from(s: &SourceReport) -> Self {
        InputV1 {
            path: path_text(&s.info.path),
            kind: kind_name(s.info.kind).to_owned(),
            display_name: s.info.display_name.clone(),
            mailbox_owner: s.info.mailbox_owner.clone(),
            folders: s.info.folders.iter().map(FolderV1::from).collect(),
            notes: s.info.notes.clone(),
            items: s.items,
            unreadable_items: s.unreadable,
            recurring_items: s.recurring,
            skipped_non_calendar: s.skipped.clone(),
        }
    }
}

impl From<&InputError> for InputErrorV1 {
    fn from(e: &InputError) -> Self {
        InputErrorV1 {
            path: e.path.clone(),
            reason: e.reason.clone(),
        }
    }
}

impl ReportV1 {
    /// The wire form of `report` for the run `run`.
    pub fn new(report: &Report, run: &RunInfo) -> Self {
        let t = Totals::of(report);
        let o = &report.options;
        ReportV1 {
            version: VERSION,
            tool: ToolV1 {
                name: crate::TOOL_NAME.to_owned(),
                version: run.tool_version.clone(),
            },
            now: iso_time(o.now),
            started: iso_datetime(run.started),
            finished: iso_datetime(run.finished),
            options: OptionsV1 {
                future_years: o.future_years,
                future_limit: iso_time(o.future_limit()),
                mailbox_addresses: o.mailbox_addresses.clone(),
                no_org: o.no_org,
                no_dup: o.no_dup,
            },
            inputs: report.sources.iter().map(InputV1::from).collect(),
            input_errors: run.input_errors.iter().map(InputErrorV1::from).collect(),
            findings: report.findings.iter().map(FindingV1::from).collect(),
            totals: TotalsV1 {
                problem_items: t.problem_items,
                errors: t.errors,
                warnings: t.warnings,
                infos: t.infos,
                items: t.items,
                recurring_items: t.recurring_items,
                unreadable_items: t.unreadable_items,
                input_errors: run.input_errors.len(),
            },
        }
    }
}

/// Writes JSON v1, pretty-printed, with a final newline.
#[derive(Debug, Clone)]
pub struct JsonReporter {
    run: RunInfo,
}

impl JsonReporter {
    /// A JSON reporter for the run described by `run`.
    pub fn new(run: RunInfo) -> Self {
        JsonReporter { run }
    }
}

impl Reporter for JsonReporter {
    fn write(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let doc = ReportV1::new(report, &self.run);
        // `io::Error::from` hands back the original I/O error (a closed pipe stays recognizable).
        serde_json::to_writer_pretty(&mut *out, &doc).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }
}

/// The list of checks (`calcheck checks --format json`), version 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecksV1 {
    /// Always 1.
    pub version: u32,
    /// Every check, sorted by code.
    pub checks: Vec<CheckV1>,
}

/// One check's metadata and documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckV1 {
    /// Code, e.g. `CC101`.
    pub code: String,
    /// kebab-case name.
    pub name: String,
    /// Default severity.
    pub severity: String,
    /// Category, e.g. `item properties`.
    pub category: String,
    /// CalCheck v2.6 error numbers it covers.
    pub calcheck: Vec<String>,
    /// One line.
    pub summary: String,
    /// The Markdown documentation.
    pub explanation: String,
    /// True when it reads the recipient table.
    pub needs_recipients: bool,
    /// True when it reads attachments or exception items.
    pub needs_attachments: bool,
}

impl From<&dyn Check> for CheckV1 {
    fn from(c: &dyn Check) -> Self {
        let m = c.meta();
        CheckV1 {
            code: m.code.to_owned(),
            name: m.name.to_owned(),
            severity: m.severity.as_str().to_owned(),
            category: m.category.as_str().to_owned(),
            calcheck: m.calcheck.iter().map(|s| (*s).to_owned()).collect(),
            summary: m.summary.to_owned(),
            explanation: explanation_text(m.explanation),
            needs_recipients: m.needs.recipients,
            needs_attachments: m.needs.attachments,
        }
    }
}

impl ChecksV1 {
    /// The wire form of `checks`.
    pub fn new(checks: &[&dyn Check]) -> Self {
        ChecksV1 {
            version: VERSION,
            checks: checks.iter().map(|c| CheckV1::from(*c)).collect(),
        }
    }
}

/// A check's explanation as Markdown: doc comments keep the space after `///`, which is removed here.
pub fn explanation_text(raw: &str) -> String {
    let mut s: String = raw
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let trimmed = s.trim_end().len();
    s.truncate(trimmed);
    s
}

//! The master summary of a batch run (`calcheck DIR_OF_PSTS/ -O OUT`): `CalCheckMaster.log`, shaped like the
//! summary CalCheck's 2017 multi-mailbox mode wrote next to one `CalCheck_<mailbox>.log` per mailbox, and
//! `CalCheckMaster.json`, the same list for programs (docs/output.md, "Batch mode").
//!
//! Each mailbox's own log and CSV are written by the ordinary reporters from its own [`Report`]; this module
//! only lists the mailboxes, which of them have problems, and those that could not be read.

use std::fmt::Write as _;
use std::io::{self, Write};

use calcheck_checks::{Options, Report, Severity};
use calcheck_model::SourceKind;
use serde::{Deserialize, Serialize};

use crate::json::{OptionsV1, ToolV1, kind_name};
use crate::log::{kind_text, line, one_line};
use crate::{
    InputError, RunInfo, Totals, iso_datetime, iso_time, path_text, utc_datetime_text, utc_text,
};

/// How a mailbox came out of the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailboxStatus {
    /// No error or warning finding (info findings may exist).
    Clean,
    /// At least one error or warning finding.
    Problems,
    /// The input could not be read at all.
    Unreadable,
}

impl MailboxStatus {
    /// The JSON summary's word for it: `ok`, `problems` or `unreadable`.
    pub fn as_str(self) -> &'static str {
        match self {
            MailboxStatus::Clean => "ok",
            MailboxStatus::Problems => "problems",
            MailboxStatus::Unreadable => "unreadable",
        }
    }
}

/// One mailbox (one input) of a batch run, as the master summary lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxSummary {
    /// The input path as found.
    pub path: String,
    /// The kind of input, when it could be read.
    pub kind: Option<SourceKind>,
    /// The store's display name, if it has one.
    pub display_name: Option<String>,
    /// The mailbox owner, if the store records one.
    pub mailbox_owner: Option<String>,
    /// The file name of the mailbox's CalCheck log in the output folder, when one was written.
    pub log: Option<String>,
    /// The file name of the mailbox's CalCheckErr CSV in the output folder, when one was written.
    pub csv: Option<String>,
    /// The mailbox's counts (all zero for an unreadable input).
    pub totals: Totals,
    /// Why the input could not be read, for an unreadable one.
    pub reason: Option<String>,
}

impl MailboxSummary {
    /// The summary of a report over one input whose log and CSV were written as `log` and `csv`.
    pub fn of(report: &Report, log: impl Into<String>, csv: impl Into<String>) -> Self {
        let source = report.sources.first();
        MailboxSummary {
            path: source.map_or_else(String::new, |s| path_text(&s.info.path)),
            kind: source.map(|s| s.info.kind),
            display_name: source.and_then(|s| s.info.display_name.clone()),
            mailbox_owner: source.and_then(|s| s.info.mailbox_owner.clone()),
            log: Some(log.into()),
            csv: Some(csv.into()),
            totals: Totals::of(report),
            reason: None,
        }
    }

    /// The summary of an input that could not be read.
    pub fn unreadable(error: &InputError) -> Self {
        MailboxSummary {
            path: error.path.clone(),
            kind: None,
            display_name: None,
            mailbox_owner: None,
            log: None,
            csv: None,
            totals: Totals::default(),
            reason: Some(error.reason.clone()),
        }
    }

    /// Clean, with problems, or unreadable.
    pub fn status(&self) -> MailboxStatus {
        if self.reason.is_some() {
            MailboxStatus::Unreadable
        } else if self.totals.errors + self.totals.warnings > 0 {
            MailboxStatus::Problems
        } else {
            MailboxStatus::Clean
        }
    }

    /// The most serious severity found in the mailbox.
    pub fn worst(&self) -> Option<Severity> {
        if self.totals.errors > 0 {
            Some(Severity::Error)
        } else if self.totals.warnings > 0 {
            Some(Severity::Warning)
        } else if self.totals.infos > 0 {
            Some(Severity::Info)
        } else {
            None
        }
    }
}

/// Writes `CalCheckMaster.log` and `CalCheckMaster.json` for a batch run.
#[derive(Debug, Clone)]
pub struct MasterReporter {
    run: RunInfo,
    options: Options,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The totals over every mailbox.
fn sum(mailboxes: &[MailboxSummary]) -> Totals {
    let mut t = Totals::default();
    for m in mailboxes {
        t.problem_items += m.totals.problem_items;
        t.errors += m.totals.errors;
        t.warnings += m.totals.warnings;
        t.infos += m.totals.infos;
        t.items += m.totals.items;
        t.recurring_items += m.totals.recurring_items;
        t.unreadable_items += m.totals.unreadable_items;
    }
    t
}

impl MasterReporter {
    /// A master reporter for the run described by `run`, checked with `options`.
    pub fn new(run: RunInfo, options: Options) -> Self {
        MasterReporter { run, options }
    }

    /// Writes `CalCheckMaster.log`: one line per mailbox, those with problems first, in input order within
    /// each group (CRLF line ends, like CalCheck.log).
    pub fn write_log(&self, mailboxes: &[MailboxSummary], out: &mut dyn Write) -> io::Result<()> {
        let count = |s: MailboxStatus| mailboxes.iter().filter(|m| m.status() == s).count();
        line(out, "Calendar Checking Tool - Master Summary")?;
        line(out, "=======================================")?;
        line(
            out,
            &format!(
                "{} {}: offline check of Outlook calendar items, one log per mailbox. All times are UTC, 24-hour clock.",
                crate::TOOL_NAME,
                self.run.tool_version
            ),
        )?;
        line(
            out,
            &format!("Start: {}", utc_datetime_text(self.run.started)),
        )?;
        line(
            out,
            &format!(
                "Checked as of: {} (items that end before this are past items)",
                utc_text(self.options.now)
            ),
        )?;
        line(
            out,
            &format!(
                "Mailboxes: {} ({} with problems, {} without, {} unreadable)",
                mailboxes.len(),
                count(MailboxStatus::Problems),
                count(MailboxStatus::Clean),
                count(MailboxStatus::Unreadable)
            ),
        )?;
        for (status, title) in [
            (MailboxStatus::Problems, "Mailboxes with problems:"),
            (MailboxStatus::Clean, "Mailboxes without problems:"),
            (
                MailboxStatus::Unreadable,
                "Mailboxes that could not be read:",
            ),
        ] {
            let group: Vec<&MailboxSummary> =
                mailboxes.iter().filter(|m| m.status() == status).collect();
            if group.is_empty() {
                continue;
            }
            line(out, "")?;
            line(out, title)?;
            for m in group {
                line(out, &mailbox_line(m))?;
            }
        }
        let t = sum(mailboxes);
        line(out, "")?;
        line(out, "CalCheck Results:")?;
        line(out, "=================")?;
        line(out, &format!("Problem Items: {}", t.problem_items))?;
        line(out, &format!("Errors found: {}", t.errors))?;
        line(out, &format!("Warnings found: {}", t.warnings))?;
        line(out, &format!("Info found: {}", t.infos))?;
        line(out, &format!("Total Calendar Items: {}", t.items))?;
        line(
            out,
            &format!("Number of Recurring Items: {}", t.recurring_items),
        )?;
        if t.unreadable_items > 0 {
            line(out, &format!("Unreadable Items: {}", t.unreadable_items))?;
        }
        line(
            out,
            &format!("Finish: {}", utc_datetime_text(self.run.finished)),
        )
    }

    /// Writes `CalCheckMaster.json` (pretty-printed, with a final newline).
    pub fn write_json(&self, mailboxes: &[MailboxSummary], out: &mut dyn Write) -> io::Result<()> {
        let doc = self.json(mailboxes);
        serde_json::to_writer_pretty(&mut *out, &doc)?;
        out.write_all(b"\n")
    }

    /// The JSON summary as a value.
    pub fn json(&self, mailboxes: &[MailboxSummary]) -> MasterV1 {
        let o = &self.options;
        let t = sum(mailboxes);
        let count = |s: MailboxStatus| mailboxes.iter().filter(|m| m.status() == s).count();
        MasterV1 {
            version: 1,
            tool: ToolV1 {
                name: crate::TOOL_NAME.to_owned(),
                version: self.run.tool_version.clone(),
            },
            now: iso_time(o.now),
            started: iso_datetime(self.run.started),
            finished: iso_datetime(self.run.finished),
            options: OptionsV1 {
                future_years: o.future_years,
                future_limit: iso_time(o.future_limit()),
                mailbox_addresses: o.mailbox_addresses.clone(),
                no_org: o.no_org,
                no_dup: o.no_dup,
            },
            mailboxes: mailboxes.iter().map(MailboxV1::from).collect(),
            totals: MasterTotalsV1 {
                mailboxes: mailboxes.len(),
                with_problems: count(MailboxStatus::Problems),
                without_problems: count(MailboxStatus::Clean),
                unreadable: count(MailboxStatus::Unreadable),
                problem_items: t.problem_items,
                errors: t.errors,
                warnings: t.warnings,
                infos: t.infos,
                items: t.items,
                recurring_items: t.recurring_items,
                unreadable_items: t.unreadable_items,
            },
        }
    }
}

/// One mailbox's line in the master log.
fn mailbox_line(m: &MailboxSummary) -> String {
    let path = one_line(&m.path);
    if let Some(reason) = &m.reason {
        return format!("{path}: {}", one_line(reason));
    }
    let t = &m.totals;
    let mut text = format!(
        "{path} ({}): {}",
        m.kind.map_or("input", kind_text),
        plural(t.items + t.unreadable_items, "item", "items")
    );
    if m.status() == MailboxStatus::Problems {
        let _ = write!(
            text,
            ", {}, {}, {}",
            plural(t.problem_items, "problem item", "problem items"),
            plural(t.errors, "error", "errors"),
            plural(t.warnings, "warning", "warnings")
        );
    }
    if t.infos > 0 {
        let _ = write!(text, ", {}", plural(t.infos, "info", "infos"));
    }
    if let Some(log) = &m.log {
        let _ = write!(text, " - see {}", one_line(log));
    }
    text
}

/// `CalCheckMaster.json`, version 1. Adding a field is compatible; renaming or removing one needs version 2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterV1 {
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
    /// Every mailbox, in input order.
    pub mailboxes: Vec<MailboxV1>,
    /// Counts over every mailbox.
    pub totals: MasterTotalsV1,
}

/// One mailbox of the JSON summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxV1 {
    /// The input path as found.
    pub path: String,
    /// `pst`, `ost`, `msg-folder`, ...; `null` when the input could not be read.
    pub kind: Option<String>,
    /// `problems` (an error or warning finding), `ok` or `unreadable`.
    pub status: String,
    /// Why the input could not be read, or `null`.
    pub reason: Option<String>,
    /// The store's display name, if it has one.
    pub display_name: Option<String>,
    /// The mailbox owner, if the store records one.
    pub mailbox_owner: Option<String>,
    /// The mailbox's CalCheck log, a file name in the output folder (`null` when unreadable).
    pub log: Option<String>,
    /// The mailbox's CalCheckErr CSV, a file name in the output folder (`null` when unreadable).
    pub csv: Option<String>,
    /// `error`, `warning` or `info`: the most serious finding, or `null`.
    pub worst: Option<String>,
    /// Distinct items with at least one finding.
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
    /// Items that could not be read.
    pub unreadable_items: usize,
}

impl From<&MailboxSummary> for MailboxV1 {
    fn from(m: &MailboxSummary) -> Self {
        let t = &m.totals;
        MailboxV1 {
            path: m.path.clone(),
            kind: m.kind.map(|k| kind_name(k).to_owned()),
            status: m.status().as_str().to_owned(),
            reason: m.reason.clone(),
            display_name: m.display_name.clone(),
            mailbox_owner: m.mailbox_owner.clone(),
            log: m.log.clone(),
            csv: m.csv.clone(),
            worst: m.worst().map(|s| s.as_str().to_owned()),
            problem_items: t.problem_items,
            errors: t.errors,
            warnings: t.warnings,
            infos: t.infos,
            items: t.items,
            recurring_items: t.recurring_items,
            unreadable_items: t.unreadable_items,
        }
    }
}

/// Counts over every mailbox of the JSON summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MasterTotalsV1 {
    /// Mailboxes listed.
    pub mailboxes: usize,
    /// Mailboxes with an error or warning finding.
    pub with_problems: usize,
    /// Mailboxes read without an error or warning finding.
    pub without_problems: usize,
    /// Mailboxes that could not be read.
    pub unreadable: usize,
    /// Distinct items with at least one finding.
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
    /// Items that could not be read.
    pub unreadable_items: usize,
}

//! Batch mode: `calcheck DIR_OF_PSTS/ -O OUT` checks every mailbox of a folder, several at once, and writes
//! one `CalCheck_<name>.log` and `CalCheckErr_<name>.csv` per mailbox (`CALITEMS_<name>.CSV` with `-A`), as
//! CalCheck's multi-mailbox mode named them, plus `CalCheckMaster.log` and `CalCheckMaster.json` listing
//! which mailboxes have problems and which could not be read (docs/output.md, "Batch mode").
//!
//! Each mailbox is its own report: its log holds its own items, findings and totals, and is written as soon
//! as the mailbox is done, so memory holds only the mailboxes being checked. An input that cannot be read
//! does not stop the others; it is listed in the master summary and makes the exit status 2.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use calcheck_checks::{Engine, Report, Severity};
use calcheck_model::CalendarSource;
use calcheck_report::{
    ErrCsvReporter, InputError, ItemsCsvReporter, LogReporter, MailboxSummary, MasterReporter,
    Reporter, RunInfo,
};
use chrono::{DateTime, Utc};

use crate::args::{CheckArgs, FailOn};
use crate::inputs::Inputs;
use crate::{EXIT_FINDINGS, EXIT_OK, EXIT_TROUBLE, output, plural, progress, threshold};

/// The master log's file name.
pub const MASTER_LOG: &str = "CalCheckMaster.log";
/// The master JSON summary's file name.
pub const MASTER_JSON: &str = "CalCheckMaster.json";

/// The files written for one mailbox, by file name in the output folder.
struct Names {
    log: String,
    csv: String,
    items: String,
}

/// A file-name-safe form of `name`: characters that Windows or a shell treat specially become `_`.
fn safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c == ' ');
    if trimmed.is_empty() {
        "input".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// The name a mailbox's files carry: the input's file name without its extension (a folder's name for a
/// folder of .msg files). Names are unique without regard to letter case (Windows folders ignore it): a
/// second `user.pst` in another subfolder, or `user.ost` next to `user.pst`, gets `_2`, `_3`, ... in input
/// order, so the same inputs always get the same names.
fn mailbox_name(path: &Path, is_folder: bool, used: &mut HashSet<String>) -> String {
    let base = if is_folder {
        path.file_name()
    } else {
        path.file_stem()
    }
    .map_or_else(|| "input".to_owned(), |n| safe(&n.to_string_lossy()));
    let mut name = base.clone();
    let mut n = 1;
    while !used.insert(name.to_lowercase()) {
        n += 1;
        name = format!("{base}_{n}");
    }
    name
}

/// A mailbox of the batch: a source opened while the inputs were walked (a folder of .msg files, a
/// file named on the command line), or a PST/OST file found in a folder, opened when its turn comes.
enum Mailbox<'a> {
    Opened(&'a dyn CalendarSource),
    Deferred(&'a Path),
}

impl Mailbox<'_> {
    /// The input's path, and whether it is a folder (of .msg files).
    fn path(&self) -> (&Path, bool) {
        match self {
            Mailbox::Opened(s) => {
                let info = s.info();
                (
                    &info.path,
                    info.kind == calcheck_model::SourceKind::MsgFolder,
                )
            }
            Mailbox::Deferred(path) => (path, false),
        }
    }
}

/// The mailboxes of `inputs` in input order: the opened sources with the deferred files put back where
/// the walk found them.
fn mailboxes(inputs: &Inputs) -> Vec<Mailbox<'_>> {
    let mut out = Vec::with_capacity(inputs.sources.len() + inputs.deferred.len());
    let mut deferred = inputs.deferred.iter().peekable();
    for (i, source) in inputs.sources.iter().enumerate() {
        while let Some((_, path)) = deferred.next_if(|(before, _)| *before <= i) {
            out.push(Mailbox::Deferred(path));
        }
        out.push(Mailbox::Opened(source.as_ref()));
    }
    out.extend(deferred.map(|(_, path)| Mailbox::Deferred(path)));
    out
}

fn names_for(mailboxes: &[Mailbox<'_>]) -> Vec<Names> {
    let mut used = HashSet::new();
    mailboxes
        .iter()
        .map(|m| {
            let (path, is_folder) = m.path();
            let name = mailbox_name(path, is_folder, &mut used);
            Names {
                log: format!("CalCheck_{name}.log"),
                csv: format!("CalCheckErr_{name}.csv"),
                items: format!("CALITEMS_{name}.CSV"),
            }
        })
        .collect()
}

/// Writes one mailbox's files from its report; returns its line of the master summary.
fn write_mailbox(
    a: &CheckArgs,
    report: &Report,
    names: &Names,
    started: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> anyhow::Result<MailboxSummary> {
    let dir = &a.output_dir;
    let run = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        started: started.unwrap_or(now),
        finished: started.unwrap_or_else(Utc::now),
        input_errors: Vec::new(),
    };
    let render =
        |r: &mut dyn Reporter, path: &Path| output::write_atomic(path, |w| r.write(report, w));
    render(&mut LogReporter::new(run), &dir.join(&names.log))?;
    render(&mut ErrCsvReporter, &dir.join(&names.csv))?;
    if a.all_items {
        render(&mut ItemsCsvReporter, &dir.join(&names.items))?;
    }
    Ok(MailboxSummary::of(report, &names.log, &names.csv))
}

/// Runs batch mode over `inputs` (PST/OST files in folders not opened yet: each is opened when its turn
/// comes and closed when its files are written); returns the exit status.
pub fn run(
    a: &CheckArgs,
    engine: &Engine,
    inputs: &Inputs,
    now: DateTime<Utc>,
    started: Option<DateTime<Utc>>,
    show_progress: bool,
) -> anyhow::Result<u8> {
    let mailboxes = mailboxes(inputs);
    let names = names_for(&mailboxes);
    let mut targets: Vec<PathBuf> = vec![
        a.output_dir.join(MASTER_LOG),
        a.output_dir.join(MASTER_JSON),
    ];
    for n in &names {
        targets.push(a.output_dir.join(&n.log));
        targets.push(a.output_dir.join(&n.csv));
        if a.all_items {
            targets.push(a.output_dir.join(&n.items));
        }
    }
    for t in &targets {
        output::ensure_not_input(t, &inputs.files)?;
    }

    // The number of items is known only once a mailbox is opened, so the bar counts items and their
    // rate without a total.
    let progress = progress::Progress::new(
        format!("{} mailboxes", mailboxes.len()),
        None,
        show_progress,
    );
    let results =
        engine.run_each_opened(
            &mailboxes,
            |_, mailbox| match mailbox {
                Mailbox::Opened(s) => Ok(Box::new(progress::ProgressSource::new(*s, &progress))
                    as Box<dyn CalendarSource>),
                Mailbox::Deferred(path) => inputs
                    .open_deferred(path)
                    .map(|s| Box::new(progress::ProgressSource::owning(s, &progress)) as _),
            },
            |index, report| -> anyhow::Result<Result<MailboxSummary, InputError>> {
                let report = match report {
                    Ok(r) => r,
                    Err(e) => return Ok(Err(e)),
                };
                let names = names.get(index).context("a mailbox without a name")?;
                write_mailbox(a, &report, names, started, now).map(Ok)
            },
        );
    progress.finish();
    let mut summaries = Vec::with_capacity(results.len() + inputs.errors.len());
    let mut unopened = Vec::new();
    for r in results {
        match r? {
            Ok(summary) => summaries.push(summary),
            Err(e) => unopened.push(e),
        }
    }
    // Inputs that could not be read are listed after the mailboxes: first those found so while walking
    // the inputs (already named on standard error), then the PST/OST files that could not be opened.
    for e in &unopened {
        let _ = writeln!(io::stderr().lock(), "calcheck: {}: {}", e.path, e.reason);
    }
    let errors: Vec<InputError> = inputs.errors.iter().chain(&unopened).cloned().collect();
    summaries.extend(errors.iter().map(MailboxSummary::unreadable));

    let run = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        started: started.unwrap_or(now),
        finished: started.unwrap_or_else(Utc::now),
        input_errors: errors,
    };
    let master = MasterReporter::new(run, engine.options().clone());
    let log = a.output_dir.join(MASTER_LOG);
    output::write_atomic(&log, |w| master.write_log(&summaries, w))?;
    output::write_atomic(&a.output_dir.join(MASTER_JSON), |w| {
        master.write_json(&summaries, w)
    })?;

    if !a.quiet {
        let line = summary_line(&summaries, &log.display().to_string());
        let mut out = io::stdout().lock();
        out.write_all(line.as_bytes())?;
        out.write_all(b"\n")?;
        out.flush()?;
    }
    Ok(exit_code(&summaries, a.fail_on))
}

/// The one-line summary, e.g. `2 of 5 mailboxes have problems: 7 problem items, 5 errors, 2 warnings;
/// 1 mailbox could not be read - see OUT/CalCheckMaster.log`.
fn summary_line(mailboxes: &[MailboxSummary], see: &str) -> String {
    use calcheck_report::master::MailboxStatus;
    let count = |s: MailboxStatus| mailboxes.iter().filter(|m| m.status() == s).count();
    let (problems, unreadable) = (
        count(MailboxStatus::Problems),
        count(MailboxStatus::Unreadable),
    );
    let read = mailboxes.len() - unreadable;
    let sum = |f: fn(&MailboxSummary) -> usize| mailboxes.iter().map(f).sum::<usize>();
    let mut line = if read == 0 {
        "Nothing was checked".to_owned()
    } else if problems == 0 {
        format!(
            "No known errors or problems were found in {} ({})",
            plural(read, "mailbox", "mailboxes"),
            plural(
                sum(|m| m.totals.items + m.totals.unreadable_items),
                "calendar item",
                "calendar items"
            )
        )
    } else {
        format!(
            "{problems} of {} {}: {}, {}, {}",
            plural(read, "mailbox", "mailboxes"),
            if problems == 1 {
                "has problems"
            } else {
                "have problems"
            },
            plural(
                sum(|m| m.totals.problem_items),
                "problem item",
                "problem items"
            ),
            plural(sum(|m| m.totals.errors), "error", "errors"),
            plural(sum(|m| m.totals.warnings), "warning", "warnings")
        )
    };
    if unreadable > 0 {
        let _ = write!(
            line,
            "; {} could not be read",
            plural(unreadable, "mailbox", "mailboxes")
        );
    }
    let _ = write!(line, " - see {see}");
    line
}

/// 2 when a mailbox could not be read, else 1 when a finding in any mailbox is at or above `fail_on`.
fn exit_code(mailboxes: &[MailboxSummary], fail_on: FailOn) -> u8 {
    if mailboxes.iter().any(|m| m.reason.is_some()) {
        return EXIT_TROUBLE;
    }
    let worst: Option<Severity> = mailboxes.iter().filter_map(MailboxSummary::worst).max();
    match (threshold(fail_on), worst) {
        (Some(t), Some(w)) if w >= t => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_file_stems_made_unique_in_input_order() {
        let mut used = HashSet::new();
        let mut name = |p: &str, folder: bool| mailbox_name(Path::new(p), folder, &mut used);
        assert_eq!(name("mail/user.pst", false), "user");
        assert_eq!(name("mail/old/User.ost", false), "User_2");
        assert_eq!(name("mail/old/user.pst", false), "user_3");
        assert_eq!(name("mail/msgs", true), "msgs");
        assert_eq!(name("mail/a:b?.pst", false), "a_b_");
        assert_eq!(name("mail/...pst", false), "input");
    }
}

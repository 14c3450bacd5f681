//! The `calcheck` command: glue between arguments, input readers, the check engine and the reporters.
//!
//! Exit status: 0 when no finding is at or above `--fail-on`, 1 when one is, 2 on a usage error or when an
//! input could not be read (the other inputs are still checked and reported). A closed standard output
//! (`calcheck ... | head`) ends the run quietly with 0.

mod args;
mod batch;
mod ci;
mod inputs;
mod output;
mod progress;

/// The allocator. A check allocates a few dozen short-lived values per item (strings and binaries
/// of its properties, its property bags) and frees them all when the item is done; mimalloc's
/// per-thread free lists do that about a tenth of a whole check faster than the system allocator
/// (docs/performance.md), and the same on every platform, as ruff does on Windows.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, anyhow, bail};
use calcheck_checks::{Engine, Options, Report, RowMode, Severity, registry, select};
use calcheck_format::time;
use calcheck_model::CalendarSource;
use calcheck_report::json::{ChecksV1, explanation_text};
use calcheck_report::{
    ErrCsvReporter, ItemsCsvReporter, JsonReporter, LogReporter, Reporter, RunInfo, SarifReporter,
    Totals,
};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Parser;

use crate::args::{CheckArgs, Cli, Command, FailOn, Format, ListFormat};

/// Exit status for "nothing at or above the threshold".
const EXIT_OK: u8 = 0;
/// Exit status for "findings at or above the threshold".
const EXIT_FINDINGS: u8 = 1;
/// Exit status for usage errors and unreadable inputs.
const EXIT_TROUBLE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Check(a)) => check(&a),
        None => check(&cli.check),
        Some(Command::Explain { check }) => explain(&check),
        Some(Command::Checks { format }) => list(format),
        Some(Command::Dump { input, output, .. }) => ci::dump(&input, output.as_ref()),
        Some(Command::CiProps { target, max_length }) => ci::ci_props(target, max_length),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::from(EXIT_OK),
        Err(e) => {
            let _ = writeln!(io::stderr().lock(), "calcheck: {e:#}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

/// True when the error chain ends in a closed pipe: the reader went away, which is not a failure.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Parses `--now`: RFC 3339, or a bare date meaning midnight UTC.
fn parse_now(s: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    bail!("invalid --now {s:?}: expected RFC 3339 (2025-06-01T12:00:00Z) or a date (2025-06-01)")
}

/// Applies `--severity SELECTOR=LEVEL` overrides.
fn apply_severities(engine: &mut Engine, specs: &[String]) -> anyhow::Result<()> {
    for spec in specs {
        let (sel, level) = spec
            .split_once('=')
            .ok_or_else(|| anyhow!("invalid --severity {spec:?}: expected SELECTOR=LEVEL"))?;
        let level = Severity::parse(level.trim()).ok_or_else(|| {
            anyhow!("invalid --severity {spec:?}: the level must be info, warning or error")
        })?;
        let mut any = false;
        for c in registry::CHECKS {
            if select::matches(sel, *c) {
                engine.override_severity(c.meta().code, level);
                any = true;
            }
        }
        if !any {
            return Err(select::UnknownSelector(sel.trim().to_owned()).into());
        }
    }
    Ok(())
}

/// Writes `text` to standard output.
fn stdout_text(text: &str) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

fn check(a: &CheckArgs) -> anyhow::Result<u8> {
    // Options that the chosen format would silently ignore are mistakes worth saying so.
    if a.format == Format::Calcheck && a.output.is_some() {
        bail!(
            "--output is for --format json or sarif; CalCheck files go to the folder given with -O"
        );
    }
    if a.format != Format::Calcheck && a.all_items {
        bail!("-A writes CALITEMS.CSV, which only --format calcheck writes");
    }
    let checks = select::select(&a.select, &a.ignore)?;
    let (now, started) = match &a.now {
        Some(s) => {
            let t = parse_now(s)?;
            (t, Some(t))
        }
        None => (Utc::now(), None),
    };
    let mut options = Options::at(
        time::utc_to_filetime(now).ok_or_else(|| anyhow!("--now is before 1601-01-01"))?,
    );
    options.future_years = a.future_years;
    options.mailbox_addresses.clone_from(&a.mailbox);
    options.no_org = a.no_org;
    options.no_dup = a.no_dup;
    let mut engine = Engine::new(checks, options);
    engine.set_threads(a.threads);
    apply_severities(&mut engine, &a.severity)?;
    engine.collect_rows(match (a.format, a.all_items) {
        (Format::Calcheck, true) => RowMode::All,
        (Format::Calcheck, false) => RowMode::Flagged,
        // JSON and SARIF carry no item listing.
        _ => RowMode::None,
    });

    // Check the output paths before the (possibly long) run, so a typo fails fast.
    let targets = output_targets(a);
    if a.format == Format::Calcheck {
        std::fs::create_dir_all(&a.output_dir).with_context(|| {
            format!("cannot create the output folder {}", a.output_dir.display())
        })?;
    }

    let inputs = inputs::open_all(
        &a.inputs,
        inputs::OpenOptions {
            threads: a.threads,
            every_property: false,
            // Only batch mode (CalCheck files for a folder holding PST/OST files) has deferred files.
            defer_pst_in_folders: a.format == Format::Calcheck,
        },
    );
    for t in &targets {
        output::ensure_not_input(t, &inputs.files)?;
    }
    let quiet = a.quiet;
    for e in &inputs.errors {
        let _ = writeln!(io::stderr().lock(), "calcheck: {}: {}", e.path, e.reason);
    }
    let show_progress = !quiet && io::stderr().is_terminal();
    // A folder of PST/OST files is a batch of mailboxes: one log each and a master summary.
    if a.format == Format::Calcheck && inputs.pst_in_folder {
        return batch::run(a, &engine, &inputs, now, started, show_progress);
    }
    let plain: Vec<&dyn CalendarSource> = inputs.sources.iter().map(AsRef::as_ref).collect();
    let progress = progress::Progress::over(&plain, show_progress);
    let wrapped: Vec<progress::ProgressSource<'_>> = plain
        .iter()
        .map(|s| progress::ProgressSource::new(*s, &progress))
        .collect();
    let refs: Vec<&dyn CalendarSource> = wrapped.iter().map(|s| s as &dyn CalendarSource).collect();
    let report = engine.run(&refs);
    progress.finish();

    let run = RunInfo {
        tool_version: env!("CARGO_PKG_VERSION").to_owned(),
        started: started.unwrap_or(now),
        finished: started.unwrap_or_else(Utc::now),
        input_errors: inputs.errors.clone(),
    };
    let see = write_reports(a, &report, &run)?;
    if !quiet {
        let line = summary(&report, &run, see.as_deref());
        if a.format == Format::Calcheck {
            stdout_text(&format!("{line}\n"))?;
        } else {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }
    Ok(exit_code(&report, &run, a.fail_on))
}

/// The files a run will write.
fn output_targets(a: &CheckArgs) -> Vec<PathBuf> {
    match a.format {
        Format::Calcheck => {
            let mut t = vec![
                a.output_dir.join("CalCheck.log"),
                a.output_dir.join("CalCheckErr.csv"),
            ];
            if a.all_items {
                t.push(a.output_dir.join("CALITEMS.CSV"));
            }
            t
        }
        Format::Json | Format::Sarif => a.output.iter().cloned().collect(),
    }
}

/// Writes the reports; returns the file the summary should point at.
fn write_reports(a: &CheckArgs, report: &Report, run: &RunInfo) -> anyhow::Result<Option<String>> {
    let render =
        |r: &mut dyn Reporter, path: &Path| output::write_atomic(path, |w| r.write(report, w));
    match a.format {
        Format::Calcheck => {
            let log = a.output_dir.join("CalCheck.log");
            render(&mut LogReporter::new(run.clone()), &log)?;
            render(&mut ErrCsvReporter, &a.output_dir.join("CalCheckErr.csv"))?;
            if a.all_items {
                render(&mut ItemsCsvReporter, &a.output_dir.join("CALITEMS.CSV"))?;
            }
            Ok(Some(log.display().to_string()))
        }
        Format::Json | Format::Sarif => {
            let mut reporter: Box<dyn Reporter> = if a.format == Format::Json {
                Box::new(JsonReporter::new(run.clone()))
            } else {
                Box::new(SarifReporter::new(run.clone()))
            };
            if let Some(path) = &a.output {
                render(reporter.as_mut(), path)?;
                Ok(Some(path.display().to_string()))
            } else {
                let mut out = io::stdout().lock();
                reporter.write(report, &mut out)?;
                out.flush()?;
                Ok(None)
            }
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary, e.g. `3 problem items in user.pst: 2 errors, 1 warning - see ./CalCheck.log`.
fn summary(report: &Report, run: &RunInfo, see: Option<&str>) -> String {
    let t = Totals::of(report);
    let what = match report.sources.as_slice() {
        [one] => one.info.path.display().to_string(),
        many => plural(many.len(), "input", "inputs"),
    };
    let mut line = if report.sources.is_empty() {
        "Nothing was checked".to_owned()
    } else if report.findings.is_empty() {
        format!(
            "No known errors or problems were found in {} of {what}",
            plural(
                t.items + t.unreadable_items,
                "calendar item",
                "calendar items"
            )
        )
    } else {
        let mut counts = vec![
            plural(t.errors, "error", "errors"),
            plural(t.warnings, "warning", "warnings"),
        ];
        if t.infos > 0 {
            counts.push(plural(t.infos, "info", "infos"));
        }
        format!(
            "{} in {what}: {}",
            plural(t.problem_items, "problem item", "problem items"),
            counts.join(", ")
        )
    };
    if !run.input_errors.is_empty() {
        let _ = write!(
            line,
            "; {} could not be read",
            plural(run.input_errors.len(), "input", "inputs")
        );
    }
    if let Some(see) = see {
        let _ = write!(line, " - see {see}");
    }
    line
}

/// The lowest severity that makes the exit status 1, if any.
fn threshold(fail_on: FailOn) -> Option<Severity> {
    match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    }
}

fn exit_code(report: &Report, run: &RunInfo, fail_on: FailOn) -> u8 {
    if !run.input_errors.is_empty() {
        return EXIT_TROUBLE;
    }
    match (threshold(fail_on), report.worst()) {
        (Some(t), Some(w)) if w >= t => EXIT_FINDINGS,
        _ => EXIT_OK,
    }
}

fn explain(selector: &str) -> anyhow::Result<u8> {
    let Some(c) = select::find(selector) else {
        return Err(select::UnknownSelector(selector.to_owned()).into());
    };
    let m = c.meta();
    let mut text = format!(
        "{} {}\nSeverity: {}\nCategory: {}\n",
        m.code,
        m.name,
        m.severity,
        m.category.as_str()
    );
    if !m.calcheck.is_empty() {
        let _ = writeln!(text, "CalCheck: {}", m.calcheck.join(", "));
    }
    let _ = write!(
        text,
        "Summary: {}\n\n{}\n",
        m.summary,
        explanation_text(m.explanation)
    );
    stdout_text(&text)?;
    Ok(EXIT_OK)
}

fn list(format: ListFormat) -> anyhow::Result<u8> {
    match format {
        ListFormat::Json => {
            let mut text = serde_json::to_string_pretty(&ChecksV1::new(registry::CHECKS))?;
            text.push('\n');
            stdout_text(&text)?;
        }
        ListFormat::Text => {
            let mut text = String::new();
            for c in registry::CHECKS {
                let m = c.meta();
                let cc = if m.calcheck.is_empty() {
                    "-".to_owned()
                } else {
                    m.calcheck.join(",")
                };
                let _ = writeln!(
                    text,
                    "{:<6} {:<8} {:<32} {:<10} {}",
                    m.code,
                    m.severity.as_str(),
                    m.name,
                    cc,
                    m.summary
                );
            }
            stdout_text(&text)?;
        }
    }
    Ok(EXIT_OK)
}

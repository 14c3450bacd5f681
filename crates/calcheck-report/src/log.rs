//! CalCheck.log: the human-readable report, shaped like CalCheck v2.6's log (calcheck-reference.md §6.1)
//! with the seed's per-item "Properties to help investigate this reported item" block, and with CalCheck's
//! defects fixed (§9): 24-hour times with UTC stated, UTF-8 text, every problem item listed.
//!
//! Lines end with CRLF because helpdesks open the file in Notepad on Windows.

use std::io::{self, Write};

use calcheck_checks::{Finding, ItemRow, Report, SourceReport};
use calcheck_model::{ItemRef, SourceKind};

use crate::{
    ItemGroup, Reporter, RunInfo, Totals, blob_date, item_groups, locator_text, path_text,
    utc_datetime_text, utc_text,
};

/// Writes CalCheck.log.
#[derive(Debug, Clone)]
pub struct LogReporter {
    run: RunInfo,
}

impl LogReporter {
    /// A log reporter for the run described by `run`.
    pub fn new(run: RunInfo) -> Self {
        LogReporter { run }
    }
}

/// Writes one line and CRLF.
pub(crate) fn line(out: &mut dyn Write, text: &str) -> io::Result<()> {
    out.write_all(text.as_bytes())?;
    out.write_all(b"\r\n")
}

/// Keeps a value on one line: control characters (line breaks above all) are shown escaped, so a subject
/// with a newline cannot forge a log line.
pub(crate) fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

fn opt_text(v: Option<&str>) -> String {
    v.map_or_else(|| "(not set)".to_owned(), one_line)
}

fn opt_time(v: Option<u64>) -> String {
    v.map_or_else(|| "(not set)".to_owned(), utc_text)
}

/// How the log names an input's kind.
pub fn kind_text(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Pst => "PST file",
        SourceKind::Ost => "OST file",
        SourceKind::Msg => ".msg file",
        SourceKind::MsgFolder => "folder of .msg files",
        SourceKind::Json => "JSON file",
        SourceKind::FastTransfer => "fast-transfer stream",
        _ => "input",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl LogReporter {
    fn header(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        line(out, "Calendar Checking Tool")?;
        line(out, "=======================")?;
        line(
            out,
            &format!(
                "{} {}: offline check of Outlook calendar items. All times are UTC, 24-hour clock.",
                crate::TOOL_NAME,
                self.run.tool_version
            ),
        )?;
        line(
            out,
            &format!("Start: {}", utc_datetime_text(self.run.started)),
        )?;
        let o = &report.options;
        line(
            out,
            &format!(
                "Checked as of: {} (items that end before this are past items)",
                utc_text(o.now)
            ),
        )?;
        line(
            out,
            &format!(
                "Far-future limit: {} ({} after that)",
                utc_text(o.future_limit()),
                plural(o.future_years as usize, "year", "years")
            ),
        )?;
        if !o.mailbox_addresses.is_empty() {
            line(
                out,
                &format!(
                    "Mailbox addresses given: {}",
                    one_line(&o.mailbox_addresses.join(", "))
                ),
            )?;
        }
        if o.no_org {
            line(out, "The attendee-became-organizer test is off (--no-org).")?;
        }
        if o.no_dup {
            line(out, "Duplicate item detection is off (--no-dup).")?;
        }
        Ok(())
    }

    fn source(s: &SourceReport, out: &mut dyn Write) -> io::Result<()> {
        line(out, "")?;
        line(
            out,
            &format!(
                "Input: {} ({})",
                one_line(&path_text(&s.info.path)),
                kind_text(s.info.kind)
            ),
        )?;
        if let Some(name) = &s.info.display_name {
            line(out, &format!("Store display name: {}", one_line(name)))?;
        }
        if let Some(owner) = &s.info.mailbox_owner {
            line(out, &format!("Mailbox owner: {}", one_line(owner)))?;
        }
        for note in &s.info.notes {
            line(out, &format!("Note: {}", one_line(note)))?;
        }
        // A .msg input's pseudo-folder has no path and says nothing the "Found" line does not.
        let calendars: Vec<_> = s
            .info
            .folders
            .iter()
            .filter(|f| f.is_calendar && !f.path.is_empty())
            .collect();
        for f in calendars {
            line(
                out,
                &format!(
                    "Calendar folder: {} ({}): {}",
                    one_line(&f.path),
                    one_line(f.container_class.as_deref().unwrap_or("no container class")),
                    plural(f.item_count as usize, "item", "items")
                ),
            )?;
        }
        line(
            out,
            &format!(
                "Found {} in the Calendar ({} recurring, {} unreadable).",
                plural(s.items + s.unreadable, "item", "items"),
                s.recurring,
                s.unreadable
            ),
        )?;
        if !s.skipped.is_empty() {
            let classes: Vec<String> = s
                .skipped
                .iter()
                .map(|(c, n)| format!("{} ({n})", one_line(c)))
                .collect();
            let total: usize = s.skipped.values().sum();
            line(
                out,
                &format!(
                    "Skipped {} that {} not calendar items or are templates: {}.",
                    plural(total, "message", "messages"),
                    if total == 1 { "is" } else { "are" },
                    classes.join(", ")
                ),
            )?;
        }
        Ok(())
    }

    fn finding(f: &Finding, out: &mut dyn Write) -> io::Result<()> {
        let numbers = match f.calcheck {
            Some(n) => format!("{} {}, CalCheck {n}", f.check.code, f.check.name),
            None => format!("{} {}", f.check.code, f.check.name),
        };
        line(
            out,
            &format!(
                "{}: {} [{numbers}]",
                f.severity.calcheck_prefix(),
                one_line(&f.message)
            ),
        )?;
        if let Some(d) = &f.detail {
            line(out, &format!("    Detail: {}", one_line(d)))?;
        }
        for e in &f.evidence {
            line(
                out,
                &format!("    {}: {}", one_line(&e.name), one_line(&e.value)),
            )?;
        }
        for r in &f.related {
            line(out, &format!("    Other item: {}", related_text(r)))?;
        }
        if f.derived {
            line(
                out,
                "    (This finding rests on values calcheck derived, not on stored properties.)",
            )?;
        }
        Ok(())
    }

    fn properties(group: &ItemGroup<'_>, out: &mut dyn Write) -> io::Result<()> {
        let Some(item) = group.item() else {
            return Ok(());
        };
        line(out, "Properties to help investigate this reported item:")?;
        line(
            out,
            &format!("Subject: {}", opt_text(item.subject.as_deref())),
        )?;
        if let Some(row) = group.row {
            row_properties(item, row, out)?;
        } else {
            line(out, &format!("Start Time: {}", opt_time(item.start)))?;
        }
        line(out, &format!("File: {}", one_line(&path_text(&item.file))))?;
        if !item.folder.is_empty() {
            line(out, &format!("Folder: {}", one_line(&item.folder)))?;
        }
        line(out, &format!("Locator: {}", one_line(&locator_text(item))))?;
        if let Some(id) = &item.entry_id {
            line(out, &format!("Entry ID: {id}"))?;
        }
        Ok(())
    }

    fn results(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let t = Totals::of(report);
        line(out, "")?;
        line(
            out,
            "CalCheck Results:  (Errors and Warnings may add up to more than the number of problem items when there are multiple problems found in one item)",
        )?;
        line(out, "=================")?;
        if report.findings.is_empty() {
            line(out, "No known errors or problems were found.")?;
        } else {
            line(out, &format!("Problem Items: {}", t.problem_items))?;
            line(out, &format!("Errors found: {}", t.errors))?;
            line(out, &format!("Warnings found: {}", t.warnings))?;
            line(out, &format!("Info found: {}", t.infos))?;
        }
        line(out, &format!("Total Calendar Items: {}", t.items))?;
        line(
            out,
            &format!("Number of Recurring Items: {}", t.recurring_items),
        )?;
        if t.unreadable_items > 0 {
            line(out, &format!("Unreadable Items: {}", t.unreadable_items))?;
        }
        if !self.run.input_errors.is_empty() {
            line(
                out,
                &format!("Unreadable Inputs: {}", self.run.input_errors.len()),
            )?;
        }
        if report.sources.len() > 1 {
            for (i, s) in report.sources.iter().enumerate() {
                let mine = report.findings.iter().filter(|f| f.source_index == i);
                let (mut e, mut w) = (0, 0);
                for f in mine {
                    match f.severity {
                        calcheck_checks::Severity::Error => e += 1,
                        calcheck_checks::Severity::Warning => w += 1,
                        calcheck_checks::Severity::Info => {}
                    }
                }
                line(
                    out,
                    &format!(
                        "{}: {}, {}, {}",
                        one_line(&path_text(&s.info.path)),
                        plural(s.items + s.unreadable, "item", "items"),
                        plural(e, "error", "errors"),
                        plural(w, "warning", "warnings")
                    ),
                )?;
            }
        }
        Ok(())
    }
}

fn row_properties(item: &ItemRef, row: &ItemRow, out: &mut dyn Write) -> io::Result<()> {
    line(
        out,
        &format!("Location: {}", opt_text(row.location.as_deref())),
    )?;
    line(out, &format!("Start Time: {}", opt_time(item.start)))?;
    line(out, &format!("End Time: {}", opt_time(row.end)))?;
    line(
        out,
        &format!("Last Modifier: {}", opt_text(row.last_modifier.as_deref())),
    )?;
    line(
        out,
        &format!("Last Modified Time: {}", opt_time(row.last_modified)),
    )?;
    line(
        out,
        &format!("Is a recurring appointment: {}", row.recurring),
    )?;
    line(
        out,
        &format!("Sender Name: {}", opt_text(row.sender_name.as_deref())),
    )?;
    line(
        out,
        &format!(
            "Sender Address: {}",
            opt_text(row.sender_address.as_deref())
        ),
    )?;
    line(
        out,
        &format!(
            "Organizer Name: {}",
            opt_text(row.organizer_name.as_deref())
        ),
    )?;
    line(
        out,
        &format!(
            "Organizer Address: {}",
            opt_text(row.organizer_address.as_deref())
        ),
    )?;
    if let Some(r) = &row.recurrence {
        line(
            out,
            &format!(
                "Recurrence Start: {} (local date, from the recurrence blob)",
                blob_date(r.start_date)
            ),
        )?;
        line(
            out,
            &format!(
                "Recurrence End: {} (local date, from the recurrence blob)",
                blob_date(r.end_date)
            ),
        )?;
        let end_type = if r.end_type == "End After X Occurrences" {
            format!(
                "{} ({})",
                r.end_type,
                plural(r.occurrence_count as usize, "occurrence", "occurrences")
            )
        } else {
            r.end_type.clone()
        };
        line(out, &format!("Recurrence End Type: {end_type}"))?;
        line(out, &format!("Number of Exceptions: {}", r.exceptions))?;
    } else if row.recurring {
        line(
            out,
            &format!(
                "Recurrence Start: {} (PidLidClipStart)",
                opt_time(row.clip_start)
            ),
        )?;
        line(
            out,
            &format!("Recurrence End: {} (PidLidClipEnd)", opt_time(row.clip_end)),
        )?;
    }
    Ok(())
}

fn related_text(r: &ItemRef) -> String {
    let mut place = one_line(&path_text(&r.file));
    if !r.folder.is_empty() {
        place = format!("{place} {}", one_line(&r.folder));
    }
    let mut parts = vec![
        format!(
            "{} in {place}",
            one_line(r.subject.as_deref().unwrap_or("(no subject)"))
        ),
        one_line(&locator_text(r)),
    ];
    if let Some(start) = r.start {
        parts.push(format!("start {}", utc_text(start)));
    }
    if let Some(id) = &r.entry_id {
        parts.push(format!("entry id {id}"));
    }
    parts.join(", ")
}

impl Reporter for LogReporter {
    fn write(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.header(report, out)?;
        for s in &report.sources {
            Self::source(s, out)?;
        }
        for e in &self.run.input_errors {
            line(out, "")?;
            line(
                out,
                &format!(
                    "ERROR: could not read {}: {}",
                    one_line(&e.path),
                    one_line(&e.reason)
                ),
            )?;
        }
        for group in item_groups(report) {
            line(out, "")?;
            for f in group.findings {
                Self::finding(f, out)?;
            }
            Self::properties(&group, out)?;
        }
        self.results(report, out)?;
        line(
            out,
            &format!("Finish: {}", utc_datetime_text(self.run.finished)),
        )
    }
}

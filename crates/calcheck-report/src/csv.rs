//! CalCheckErr.csv: one record per flagged item, with CalCheck v2.6's columns (calcheck-reference.md §6.2),
//! its `-E` columns (EntryID, ErrorNum) and calcheck's own (Codes, File, Folder, Locator).
//!
//! Unlike CalCheck, cells are quoted by the `csv` crate instead of sanitized (CalCheck truncated subjects at
//! line breaks), the file is UTF-8 with a byte-order mark so Excel reads it as UTF-8, records end with CRLF,
//! times are UTC on a 24-hour clock, and cells that Excel would run as formulas are neutralized.

use std::io::{self, Write};

use calcheck_checks::Report;

use crate::{Reporter, RowIndex, is_past, item_groups, locator_text, path_text};

/// The UTF-8 byte-order mark. Excel opens a CSV as UTF-8 only when it starts with one.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The columns of CalCheckErr.csv, in order.
pub const ERR_COLUMNS: &[&str] = &[
    "Subject",
    "Location",
    "Start Time",
    "End Time",
    "Recurring",
    "Organizer",
    "Is Past Item",
    "Errors and Warnings",
    "Other Item Subject",
    "Other Item Start",
    "Other Item End",
    "EntryID",
    "ErrorNum",
    "Codes",
    "File",
    "Folder",
    "Locator",
];

/// Writes CalCheckErr.csv.
#[derive(Debug, Clone, Default)]
pub struct ErrCsvReporter;

/// Makes a cell safe to open in a spreadsheet: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return is prefixed with `'` so Excel and LibreOffice show it as text instead of evaluating it (OWASP
/// "CSV injection").
pub fn neutralize(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// A FILETIME as a spreadsheet-friendly UTC time, `YYYY-MM-DD HH:MM:SS` (no zone suffix, so Excel parses it).
pub fn csv_time(filetime: u64) -> String {
    calcheck_format::time::filetime_to_utc(filetime)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Opens a CSV writer with CRLF records, after writing the BOM.
pub(crate) fn writer(out: &mut dyn Write) -> io::Result<::csv::Writer<&mut dyn Write>> {
    out.write_all(UTF8_BOM)?;
    Ok(::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out))
}

/// Turns a `csv` error into an I/O error (the writer only fails on I/O).
pub(crate) fn io_err(e: ::csv::Error) -> io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn opt_time(t: Option<u64>) -> String {
    t.map(csv_time).unwrap_or_default()
}

/// Adds `s` to a space-separated list unless it is there already.
fn push_unique(list: &mut Vec<&'static str>, s: &'static str) {
    if !list.contains(&s) {
        list.push(s);
    }
}

impl Reporter for ErrCsvReporter {
    fn write(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out)?;
        w.write_record(ERR_COLUMNS).map_err(io_err)?;
        let rows = RowIndex::new(report);
        let now = report.options.now;
        for group in item_groups(report) {
            let Some(item) = group.item() else { continue };
            let row = group.row;
            let messages: Vec<String> = group
                .findings
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} [{}]",
                        f.severity.calcheck_prefix(),
                        f.message,
                        f.check.code
                    )
                })
                .collect();
            let mut numbers = Vec::new();
            let mut codes = Vec::new();
            for f in group.findings {
                if let Some(n) = f.calcheck {
                    push_unique(&mut numbers, n);
                }
                push_unique(&mut codes, f.check.code);
            }
            let other = group.findings.iter().find_map(|f| f.related.first());
            let other_row = other.and_then(|o| rows.get(o));
            let record = [
                item.subject.clone().unwrap_or_default(),
                row.and_then(|r| r.location.clone()).unwrap_or_default(),
                opt_time(item.start),
                opt_time(row.and_then(|r| r.end)),
                row.map(|r| r.recurring.to_string()).unwrap_or_default(),
                row.and_then(|r| r.organizer_name.clone())
                    .unwrap_or_default(),
                if row.is_some_and(|r| is_past(r, now)) {
                    "True".to_owned()
                } else {
                    String::new()
                },
                messages.join(" | "),
                other.and_then(|o| o.subject.clone()).unwrap_or_default(),
                opt_time(other.and_then(|o| o.start)),
                opt_time(other_row.and_then(|r| r.end)),
                item.entry_id.clone().unwrap_or_default(),
                numbers.join(" "),
                codes.join(" "),
                path_text(&item.file),
                item.folder.to_string(),
                locator_text(item),
            ];
            w.write_record(record.iter().map(|c| neutralize(c)))
                .map_err(io_err)?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralize_prefixes_formula_starts() {
        // OWASP's CSV injection list: =, +, -, @, tab and carriage return start a formula in Excel.
        assert_eq!(neutralize("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralize("+1"), "'+1");
        assert_eq!(neutralize("-1"), "'-1");
        assert_eq!(neutralize("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralize("\tx"), "'\tx");
        assert_eq!(neutralize("Team sync"), "Team sync");
        assert_eq!(neutralize(""), "");
    }
}

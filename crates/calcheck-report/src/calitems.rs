//! CALITEMS.CSV (`-A`): one record per readable item, flagged or not, with CalCheck v2.6's columns
//! (calcheck-reference.md §6.3) plus where the item is (File, Folder, Locator, EntryID).
//!
//! Differences from CalCheck, all deliberate: no `Calendar For :` line before the header (it made the file
//! unreadable for CSV parsers; the File column says the same), UTF-8 with BOM, CRLF records, proper quoting,
//! 24-hour UTC times, and addresses as stored (CalCheck lowercased them). The recurrence columns come from
//! the decoded PidLidAppointmentRecur (CalCheck ran MrMAPI on it); when the blob cannot be decoded, the
//! start and end dates fall back to PidLidClipStart/PidLidClipEnd.

use std::io::{self, Write};

use calcheck_checks::Report;

use crate::csv::{io_err, neutralize, writer};
use crate::{Reporter, blob_date, locator_text, path_text};

/// A recurrence column, empty when the item has no decodable blob.
fn rec(
    row: &calcheck_checks::ItemRow,
    f: impl Fn(&calcheck_checks::RecurrenceRow) -> String,
) -> String {
    row.recurrence.as_ref().map(f).unwrap_or_default()
}

/// The columns of CALITEMS.CSV, in order.
pub const ITEM_COLUMNS: &[&str] = &[
    "Subject",
    "Location",
    "Size",
    "Start Date",
    "Start Time",
    "End Date",
    "End Time",
    "Msg Class",
    "Last Modifier",
    "Last Mod Date",
    "Last Mod Time",
    "Num Recips",
    "Recurring",
    "Attachments",
    "All Day Event",
    "Organizer Name",
    "Organizer Address",
    "Sender Name",
    "Sender Address",
    "Appt State Flags",
    "Recur Start Date",
    "Recur End Date",
    "Recur End Type",
    "Num Exceptions",
    "Deleted Instances",
    "Modified Instances",
    "Timezone Struct",
    "Flagged by CalCheck",
    "File",
    "Folder",
    "Locator",
    "EntryID",
];

/// Writes CALITEMS.CSV from the rows the engine kept (run it with [`calcheck_checks::RowMode::All`]).
#[derive(Debug, Clone, Default)]
pub struct ItemsCsvReporter;

fn date(t: Option<u64>) -> String {
    t.map(|t| {
        calcheck_format::time::filetime_to_utc(t)
            .format("%Y-%m-%d")
            .to_string()
    })
    .unwrap_or_default()
}

fn clock(t: Option<u64>) -> String {
    t.map(|t| {
        calcheck_format::time::filetime_to_utc(t)
            .format("%H:%M:%S")
            .to_string()
    })
    .unwrap_or_default()
}

impl Reporter for ItemsCsvReporter {
    fn write(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out)?;
        w.write_record(ITEM_COLUMNS).map_err(io_err)?;
        for s in &report.sources {
            for r in &s.rows {
                let item = &r.item_ref;
                let text = |v: &Option<String>| v.clone().unwrap_or_default();
                let record = [
                    text(&item.subject),
                    text(&r.location),
                    r.size.map(|s| s.to_string()).unwrap_or_default(),
                    date(item.start),
                    clock(item.start),
                    date(r.end),
                    clock(r.end),
                    text(&r.message_class),
                    text(&r.last_modifier),
                    date(r.last_modified),
                    clock(r.last_modified),
                    r.recipients.to_string(),
                    r.recurring.to_string(),
                    r.attachments.to_string(),
                    r.all_day.map(|b| b.to_string()).unwrap_or_default(),
                    text(&r.organizer_name),
                    text(&r.organizer_address),
                    text(&r.sender_name),
                    text(&r.sender_address),
                    r.state_flags
                        .map(|f| format!("{f:02X}"))
                        .unwrap_or_default(),
                    match (&r.recurrence, r.recurring) {
                        (Some(rec), _) => blob_date(rec.start_date),
                        (None, true) => date(r.clip_start),
                        (None, false) => String::new(),
                    },
                    match (&r.recurrence, r.recurring) {
                        (Some(rec), _) => blob_date(rec.end_date),
                        (None, true) => date(r.clip_end),
                        (None, false) => String::new(),
                    },
                    rec(r, |x| x.end_type.clone()),
                    rec(r, |x| x.exceptions.to_string()),
                    rec(r, |x| x.deleted_instances.to_string()),
                    rec(r, |x| x.modified_instances.to_string()),
                    text(&r.time_zone_struct),
                    r.flagged.to_string(),
                    path_text(&item.file),
                    item.folder.to_string(),
                    locator_text(item),
                    text(&item.entry_id),
                ];
                w.write_record(record.iter().map(|c| neutralize(c)))
                    .map_err(io_err)?;
            }
        }
        w.flush()
    }
}

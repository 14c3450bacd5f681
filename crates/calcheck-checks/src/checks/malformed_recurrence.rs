//! CC213 malformed-recurrence: every other rule PidLidAppointmentRecur breaks, one finding per decoder diagnostic.

use calcheck_format::DiagKind;
use calcheck_model::{CalendarItem, names};

use crate::checks::series::{diag_evidence, recurrence, severity_of};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

/// Diagnostic kinds that have a check of their own: CC210 (string lengths), CC211 and CC212 (exceptions
/// outside the series).
const OWNED_ELSEWHERE: [DiagKind; 2] = [
    DiagKind::StringLengthMismatch,
    DiagKind::ExceptionOutsideSeries,
];

declare_check! {
    /// ## What it checks
    /// Every structural rule of PidLidAppointmentRecur that the decoder checks and no other check covers:
    /// versions, enumerations, Period and pattern ranges, FirstDateTime, midnight dates, sorted and
    /// unique instance dates, ModifiedInstanceCount against DeletedInstanceCount and ExceptionCount,
    /// EndType against EndDate and OccurrenceCount, override flags, ExtendedException consistency, reserved
    /// blocks, truncated tails and trailing bytes. Each diagnostic becomes one finding with its byte offset,
    /// `structure.field` and rule, and keeps the decoder's rating: Info, Warning or Error (the decoder in
    /// `calcheck_format::recurrence` documents each rule and why it has its rating).
    ///
    /// Quirks that real Outlook files carry are rated Info and worded as such: four zero bytes after the
    /// structure (Outlook pads some blobs), ExceptionInfo entries out of date order (Outlook writes them in
    /// the order the exceptions were made), WriterVersion2 0x3006 or 0x3007.
    ///
    /// ## Why it matters
    /// Clients differ in how they read a blob that breaks these rules: one expands the series, another
    /// drops occurrences or exceptions, and some crash. The offset lets a forensic reviewer find the bytes.
    ///
    /// ## How to fix
    /// For errors, recreate the series (or have the organizer send an update). Info findings need no
    /// action; warnings are worth a look when the series also misbehaves.
    ///
    /// ## Example
    /// A weekly series whose ModifiedInstanceCount (3) exceeds its DeletedInstanceCount (2).
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.1 to 2.2.1.44.5; MFCMAPI's RecurrencePattern and AppointmentRecurrencePattern
    /// parsers. CalCheck has no such check: MrMAPI parsed the blob for it and CalCheck read only a few
    /// printed fields.
    pub MalformedRecurrence,
    code: "CC213", name: "malformed-recurrence", severity: Warning, category: Recurrence,
    calcheck: [],
    summary: "PidLidAppointmentRecur breaks a structural rule (severity from the decoder)",
}

impl Check for MalformedRecurrence {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        for d in r
            .diagnostics
            .iter()
            .filter(|d| !OWNED_ELSEWHERE.contains(&d.kind))
        {
            let f = cx.report(
                self,
                format!(
                    "Recurrence data ({}.{}): {}",
                    d.structure, d.field, d.message
                ),
            );
            f.severity(severity_of(d));
            diag_evidence(f, names::APPOINTMENT_RECUR.name, d);
        }
    }
}

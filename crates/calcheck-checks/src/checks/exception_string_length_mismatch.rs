//! CC210 exception-string-length-mismatch: an exception's subject or location has inconsistent lengths, or does not fit in the blob.

use calcheck_format::recurrence::{AppointmentRecurrencePattern, OverrideFlags, TailSection};
use calcheck_format::{DiagKind, Reader};
use calcheck_model::{CalendarItem, names};

use crate::checks::series::{diag_evidence, recurrence};
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// The exception strings of PidLidAppointmentRecur. In each ExceptionInfo that overrides the subject
    /// or location, SubjectLength / LocationLength must be SubjectLength2 / LocationLength2 + 1, and the
    /// Length2 bytes must not contain a NUL (readers then show a shorter string than the lengths say).
    /// It also reports a subject or location, ANSI in ExceptionInfo or wide in ExtendedException, whose
    /// length runs past the end of the blob. Each problem is one finding with its byte offset.
    ///
    /// CalCheck compared the string MrMAPI printed with SubjectLength2 / LocationLength2; MrMAPI prints the
    /// string only when Length = Length2 + 1, so CalCheck caught the same three cases.
    ///
    /// ## Why it matters
    /// A wrong length shifts every field after it: the rest of the exception data is misread, and Outlook
    /// shows wrong exception details or none, and free/busy details for the exception do not display.
    ///
    /// ## How to fix
    /// Delete the affected occurrence's exception (or the whole series) and recreate it; for a meeting, the
    /// organizer can send an update for that occurrence.
    ///
    /// ## Example
    /// An exception whose SubjectLength is 12 while SubjectLength2 is 12 (it should be 13).
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.44.2, 2.2.1.44.4. CalCheck 0013: `ERROR: Recurrence Exception data mismatch.
    /// Could cause Free Busy details not to display.`
    pub ExceptionStringLengthMismatch,
    code: "CC210", name: "exception-string-length-mismatch", severity: Error, category: Recurrence,
    calcheck: ["0013"],
    summary: "An exception's subject or location lengths are inconsistent or run past the blob",
}

const DETAIL: &str = "Could cause Free Busy details not to display: the fields after the string are read from the wrong bytes";

impl Check for ExceptionStringLengthMismatch {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        for d in r
            .diagnostics
            .iter()
            .filter(|d| d.kind == DiagKind::StringLengthMismatch)
        {
            let f = cx.report(
                self,
                format!("Recurrence Exception data mismatch: {}", d.message),
            );
            f.detail(DETAIL);
            diag_evidence(f, names::APPOINTMENT_RECUR.name, d);
        }
        if let Some(o) = string_overrun(&r.value) {
            let f = cx.report(
                self,
                format!(
                    "Recurrence Exception data mismatch: {}[{}] {} needs {} bytes but only {} remain in the blob",
                    o.structure, o.index, o.field, o.needed, o.available
                ),
            );
            f.detail(format!(
                "{DETAIL}; the decoder stops at this exception, so it and every later one are lost"
            ));
            f.evidence("property", names::APPOINTMENT_RECUR.name);
            f.evidence("offset", format!("{} ({:#X})", o.offset, o.offset));
            f.evidence("field", format!("{}.{}", o.structure, o.field));
        }
    }
}

/// A string of an exception whose declared length runs past the end of the blob.
struct Overrun {
    structure: &'static str,
    index: usize,
    field: &'static str,
    offset: usize,
    needed: usize,
    available: usize,
}

/// Re-reads the incomplete exception at which the decoder stopped and says whether a string did not fit.
///
/// The decoder keeps the bytes of the entry it could not finish ([`calcheck_format::recurrence::Truncation`]);
/// reading them again field by field shows whether the entry ended inside its fixed fields (a plain
/// truncation, CC213's) or inside a subject or location whose length says more bytes than there are.
fn string_overrun(a: &AppointmentRecurrencePattern) -> Option<Overrun> {
    let t = a.truncated.as_ref()?;
    let (structure, index, result) = match t.section {
        TailSection::ExceptionInfo => (
            "ExceptionInfo",
            a.exception_info.len(),
            read_exception_info_strings(&t.partial),
        ),
        TailSection::ExtendedException => {
            let index = a.extended_exception.len();
            let flags = a.exception_info.get(index)?.override_flags;
            (
                "ExtendedException",
                index,
                read_extended_strings(&t.partial, flags, a.has_change_highlight()),
            )
        }
        _ => return None,
    };
    let calcheck_format::Error::Truncated {
        field,
        offset,
        needed,
        available,
        ..
    } = result.err()?
    else {
        return None;
    };
    const STRINGS: [&str; 4] = ["Subject", "Location", "WideCharSubject", "WideCharLocation"];
    STRINGS.contains(&field).then(|| Overrun {
        structure,
        index,
        field,
        offset: t.offset + offset,
        needed,
        available,
    })
}

/// Reads an ExceptionInfo's fields up to its location string ([MS-OXOCAL] 2.2.1.44.2).
fn read_exception_info_strings(bytes: &[u8]) -> calcheck_format::Result<()> {
    let mut r = Reader::new(bytes, "ExceptionInfo");
    r.skip(12, "StartDateTime")?;
    let flags = OverrideFlags(r.u16("OverrideFlags")?);
    if flags.contains(OverrideFlags::ARO_SUBJECT) {
        r.u16("SubjectLength")?;
        let n = r.u16("SubjectLength2")?;
        r.bytes(usize::from(n), "Subject")?;
    }
    for (flag, name) in [
        (OverrideFlags::ARO_MEETINGTYPE, "MeetingType"),
        (OverrideFlags::ARO_REMINDERDELTA, "ReminderDelta"),
        (OverrideFlags::ARO_REMINDER, "ReminderSet"),
    ] {
        if flags.contains(flag) {
            r.u32(name)?;
        }
    }
    if flags.contains(OverrideFlags::ARO_LOCATION) {
        r.u16("LocationLength")?;
        let n = r.u16("LocationLength2")?;
        r.bytes(usize::from(n), "Location")?;
    }
    Ok(())
}

/// Reads an ExtendedException's fields up to its wide location ([MS-OXOCAL] 2.2.1.44.4).
fn read_extended_strings(
    bytes: &[u8],
    flags: OverrideFlags,
    change_highlight: bool,
) -> calcheck_format::Result<()> {
    let mut r = Reader::new(bytes, "ExtendedException");
    if change_highlight {
        let size = r.u32("ChangeHighlightSize")?;
        r.skip(size as usize, "ChangeHighlightValue")?;
    }
    let ee1 = r.u32("ReservedBlockEE1Size")?;
    r.skip(ee1 as usize, "ReservedBlockEE1")?;
    if !flags.intersects(OverrideFlags::ARO_SUBJECT | OverrideFlags::ARO_LOCATION) {
        return Ok(());
    }
    r.skip(12, "StartDateTime")?;
    if flags.contains(OverrideFlags::ARO_SUBJECT) {
        let n = r.u16("WideCharSubjectLength")?;
        r.utf16(usize::from(n), "WideCharSubject")?;
    }
    if flags.contains(OverrideFlags::ARO_LOCATION) {
        let n = r.u16("WideCharLocationLength")?;
        r.utf16(usize::from(n), "WideCharLocation")?;
    }
    Ok(())
}

//! CC415 malformed-global-object-id: PidLidGlobalObjectId or PidLidCleanGlobalObjectId does not decode cleanly.

use calcheck_format::DiagSeverity;
use calcheck_format::goid::global_object_id_diagnostics;
use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// Decodes PidLidGlobalObjectId and PidLidCleanGlobalObjectId ([MS-OXOCAL] 2.2.1.27) and reports a value
    /// shorter than the 40-byte header, and every warning or error the decoder raises: a ByteArrayID that
    /// is not the GlobalObjectId class id, an instance date (YH/YL/M/D) that is not a date, or a Size that
    /// disagrees with the bytes that follow. The decoder's informational notes (for example non-zero
    /// reserved X bytes, common in ids made by other calendar software) are not reported. Each problem is
    /// one finding with its byte offset and field.
    ///
    /// ## Why it matters
    /// Outlook and Exchange match requests, responses and exceptions to a meeting by comparing these ids.
    /// A malformed id may never match, so updates create duplicates and responses are lost.
    ///
    /// ## How to fix
    /// For an attendee's copy, delete it and ask the organizer to send an update. For the organizer's copy,
    /// recreate the meeting.
    ///
    /// ## Example
    /// A meeting imported by a tool that wrote the iCalendar UID's bytes directly, without the 40-byte header.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.27, 2.2.1.28. Not checked by CalCheck, which compared the ids only as hex text.
    pub MalformedGlobalObjectId,
    code: "CC415", name: "malformed-global-object-id", severity: Warning, category: Meetings,
    calcheck: [],
    summary: "A GlobalObjectId or CleanGlobalObjectId is malformed",
}

impl Check for MalformedGlobalObjectId {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        // Only the decoder's diagnostics are reported, so the ids are read without building their
        // values. A series or single meeting stores the same bytes in both ids, and equal bytes give
        // equal diagnostics.
        let goid = item.props.binary(&names::GLOBAL_OBJECT_ID);
        let goid_diags = goid.map(global_object_id_diagnostics);
        let clean = item.props.binary(&names::CLEAN_GLOBAL_OBJECT_ID);
        let same = matches!((clean, goid), (Some(c), Some(g)) if c == g);
        let clean_own = if same {
            None
        } else {
            clean.map(global_object_id_diagnostics)
        };
        let clean_diags = if same {
            goid_diags.as_ref()
        } else {
            clean_own.as_ref()
        };
        for (def, view) in [
            (&names::GLOBAL_OBJECT_ID, goid_diags.as_ref()),
            (&names::CLEAN_GLOBAL_OBJECT_ID, clean_diags),
        ] {
            match view {
                None => {}
                Some(Err(e)) => {
                    let f = cx.report(self, format!("{} cannot be decoded", def.name));
                    f.detail(e.to_string());
                    prop_evidence(f, item, def);
                }
                Some(Ok(diagnostics)) => {
                    for d in diagnostics
                        .iter()
                        .filter(|d| d.severity >= DiagSeverity::Warning)
                    {
                        let f =
                            cx.report(self, format!("{} is malformed: {}", def.name, d.message));
                        f.detail(d.to_string());
                        prop_evidence(f, item, def);
                    }
                }
            }
        }
    }
}

//! CC106 unusual-end-time: the end is on or before 1995-01-01, or further in the future than the run's limit.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use calcheck_format::time::format_filetime;

use crate::facts::{TimeClass, classify_time, exempt_from_date_warnings};

declare_check! {
    /// ## What it checks
    /// Whether the item's end (PidLidAppointmentEndWhole) is on or before 1995-01-01 00:00 UTC (CalCheck
    /// 0022), or later than "now" plus `future_years` (ten by default; CalCheck 0023). All-day events and
    /// items whose subject names a birthday are skipped, as in CC103 unusual-start-time. Zero and
    /// past-4501 ends are CC105's.
    ///
    /// CalCheck compared with a fixed 2025-01-01 and so warned about every current meeting after that
    /// date; calcheck's limit moves with the run's "now". For a series master the end is the end of the
    /// first occurrence, so a never-ending series does not fire here.
    ///
    /// ## Why it matters
    /// An end decades away is usually a typo or a conversion error; the item then blocks free/busy for
    /// years or disappears from the views.
    ///
    /// ## How to fix
    /// Correct the end if it is wrong; if it is intended, ignore the warning or raise `--future-years`.
    ///
    /// ## Example
    /// A one-hour meeting whose end was saved in 2125 instead of 2025.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.6. CalCheck 0022: `WARNING: End Date/Time is earlier than Jan 1 1995. This might be
    /// intentional but may also indicate a problem.` CalCheck 0023: `WARNING: End Date/Time is later than
    /// Jan 1 2025. This might be intentional but may also indicate a problem.`
    pub UnusualEndTime,
    code: "CC106", name: "unusual-end-time", severity: Warning, category: ItemProps,
    calcheck: ["0022", "0023"],
    summary: "Item end is before 1995 or unusually far in the future",
}

impl Check for UnusualEndTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(end) = item.facts().end else {
            return;
        };
        let limit = cx.options.future_limit();
        let class = classify_time(end, limit);
        // The exemption reads the subject, so it is asked only about the few unusual times.
        if !matches!(class, TimeClass::Early | TimeClass::Late) || exempt_from_date_warnings(item) {
            return;
        }
        let (message, number) = match class {
            TimeClass::Early => (
                "End Date/Time is earlier than Jan 1 1995. This might be intentional but may also indicate a problem".to_owned(),
                "0022",
            ),
            TimeClass::Late => (
                format!(
                    "End Date/Time is later than {} ({} years from now). This might be intentional but may also indicate a problem",
                    format_filetime(limit),
                    cx.options.future_years
                ),
                "0023",
            ),
            _ => return,
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        prop_evidence(f, item, &names::APPOINTMENT_END_WHOLE);
    }
}

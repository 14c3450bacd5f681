//! CC103 unusual-start-time: the start is on or before 1995-01-01, or further in the future than the run's limit.

use calcheck_model::{CalendarItem, names};

use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;
use calcheck_format::time::format_filetime;

use crate::facts::{TimeClass, classify_time, exempt_from_date_warnings};

declare_check! {
    /// ## What it checks
    /// Whether the item's start (PidLidAppointmentStartWhole) is on or before 1995-01-01 00:00 UTC
    /// (CalCheck 0017), or later than "now" plus `future_years` (ten by default; CalCheck 0018). All-day
    /// events (PidLidAppointmentSubType) and items whose subject names a birthday ("birthday", "b-day",
    /// "anniversaire", "geburtstag", "cumpleaños") are skipped, as CalCheck skips them: they are meant to
    /// reach far into the past or future. Zero and past-4501 starts are CC102's.
    ///
    /// CalCheck compared with a fixed 2025-01-01, so after that date it warned about every current
    /// meeting; calcheck's limit moves with the run's "now" (`--now`). CalCheck also dropped this warning
    /// when an error had already been found on the item; calcheck always reports it.
    ///
    /// ## Why it matters
    /// A start decades away is usually a typo (2205 for 2025) or a date conversion gone wrong in an import
    /// or sync tool. The item then seems to vanish from the calendar.
    ///
    /// ## How to fix
    /// If the date is wrong, correct it. If it is intended (a long-running series), ignore the warning or
    /// raise `--future-years`.
    ///
    /// ## Example
    /// A meeting imported with its year parsed as two digits, starting in 1925.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.5. CalCheck 0017: `WARNING: Start Date/Time is earlier than Jan 1 1995. This might
    /// be intentional but may also indicate a problem.` CalCheck 0018: `WARNING: Start Date/Time is later
    /// than Jan 1 2025. This might be intentional but may also indicate a problem.`
    pub UnusualStartTime,
    code: "CC103", name: "unusual-start-time", severity: Warning, category: ItemProps,
    calcheck: ["0017", "0018"],
    summary: "Item start is before 1995 or unusually far in the future",
}

impl Check for UnusualStartTime {
    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(start) = item.facts().start else {
            return;
        };
        let limit = cx.options.future_limit();
        let class = classify_time(start, limit);
        // The exemption reads the subject, so it is asked only about the few unusual times.
        if !matches!(class, TimeClass::Early | TimeClass::Late) || exempt_from_date_warnings(item) {
            return;
        }
        let (message, number) = match class {
            TimeClass::Early => (
                "Start Date/Time is earlier than Jan 1 1995. This might be intentional but may also indicate a problem".to_owned(),
                "0017",
            ),
            TimeClass::Late => (
                format!(
                    "Start Date/Time is later than {} ({} years from now). This might be intentional but may also indicate a problem",
                    format_filetime(limit),
                    cx.options.future_years
                ),
                "0018",
            ),
            _ => return,
        };
        let f = cx.report(self, message);
        f.calcheck(number);
        prop_evidence(f, item, &names::APPOINTMENT_START_WHOLE);
    }
}

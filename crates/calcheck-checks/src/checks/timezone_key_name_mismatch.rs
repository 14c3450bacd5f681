//! CC304 timezone-key-name-mismatch: a recurring item's StartDisplay and Recur time zones have different key names.

use calcheck_format::tzdef::KeyNameState;
use calcheck_model::CalendarItem;

use crate::checks::series::is_recurring;
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// On a recurring item, that PidLidAppointmentTimeZoneDefinitionStartDisplay and
    /// PidLidAppointmentTimeZoneDefinitionRecur name the same Windows time zone (key names compared without
    /// regard to case, as registry keys are). Both must decode with a key name; missing or empty names are
    /// CC301's and CC302's. PidLidAppointmentTimeZoneDefinitionEndDisplay is not compared: the end of an
    /// appointment may be in another zone by the user's choice (a flight from London to Casablanca), and
    /// real Outlook files carry a different EndDisplay on series.
    ///
    /// ## Why it matters
    /// Outlook creates a series in one zone and writes it to both properties. When they differ, the series
    /// is shown in one zone and expanded in another; edits made in the recurrence dialog then move the
    /// occurrences by the difference between the zones. It may also be intentional, hence a warning.
    ///
    /// ## How to fix
    /// Open the series, check the time zone in its recurrence dialog, and save.
    ///
    /// ## Example
    /// A series whose StartDisplay says "Pacific Standard Time" while its Recur says "UTC", written by a
    /// sync tool that converted only the recurrence to UTC.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.41, 2.2.1.42. Not in CalCheck.
    pub TimezoneKeyNameMismatch,
    code: "CC304", name: "timezone-key-name-mismatch", severity: Warning, category: TimeZones,
    calcheck: [],
    summary: "Start and recurrence time zones of a series differ",
}

impl Check for TimezoneKeyNameMismatch {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_recurring(item) {
            return;
        }
        let d = item.decoded();
        let (Some(Ok(start)), Some(Ok(recur))) = (&d.tz_start_display, &d.tz_recur) else {
            return;
        };
        if start.value.key_name_state() != KeyNameState::Present
            || recur.value.key_name_state() != KeyNameState::Present
        {
            return;
        }
        let (Some(a), Some(b)) = (&start.value.key_name, &recur.value.key_name) else {
            return;
        };
        // The same name (the usual case) needs no lowercased copies to compare.
        if a == b {
            return;
        }
        let trim = |s: &str| s.trim_end_matches('\0').to_lowercase();
        if trim(a) == trim(b) {
            return;
        }
        let f = cx.report(
            self,
            format!("The series starts in time zone {a:?} but recurs in time zone {b:?}"),
        );
        f.detail("PidLidAppointmentTimeZoneDefinitionStartDisplay and PidLidAppointmentTimeZoneDefinitionRecur name different zones; this may be intended, but usually the series is shown in one zone and expanded in the other");
        f.evidence(
            "PidLidAppointmentTimeZoneDefinitionStartDisplay key name",
            format!("{a:?}"),
        );
        f.evidence(
            "PidLidAppointmentTimeZoneDefinitionRecur key name",
            format!("{b:?}"),
        );
    }
}

//! CC215 recurrence-type-mismatch: PidLidRecurrenceType disagrees with the RecurFrequency of PidLidAppointmentRecur.

use calcheck_format::recurrence::RecurFrequency;
use calcheck_model::{CalendarItem, names};

use crate::checks::series::recurrence;
use crate::context::{ItemCx, prop_evidence};
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// That PidLidRecurrenceType (dispidRecurType: 1 daily, 2 weekly, 3 monthly, 4 yearly) names the
    /// frequency of the pattern in PidLidAppointmentRecur (RecurFrequency 0x200A to 0x200D). "Every N
    /// years" may be written as a monthly pattern with a Period of 12·N, and a yearly pattern is a monthly
    /// one with Period 12, so monthly and yearly types are accepted for each other when the Period is a
    /// multiple of 12. The check runs only when both are present and the frequency is one of the four;
    /// items without PidLidRecurrenceType (real holiday series omit it) are not reported.
    ///
    /// ## Why it matters
    /// Views, searches and older clients read the recurrence type instead of decoding the blob; when the two
    /// disagree, the series is listed or restricted as the wrong kind, and a type of 0 can make a client
    /// treat the series as a single appointment.
    ///
    /// ## How to fix
    /// Open the series in Outlook, open its recurrence and save it again; this rewrites both properties.
    ///
    /// ## Example
    /// A weekly series (RecurFrequency 0x200B) with PidLidRecurrenceType 1 (daily).
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.24 (PidLidRecurrenceType), 2.2.1.44.1 (RecurFrequency). Not in CalCheck, whose
    /// 0011 compares the recurrence type with PidLidRecurring only.
    pub RecurrenceTypeMismatch,
    code: "CC215", name: "recurrence-type-mismatch", severity: Warning, category: Recurrence,
    calcheck: [],
    summary: "PidLidRecurrenceType disagrees with the pattern's RecurFrequency",
}

impl Check for RecurrenceTypeMismatch {
    // Every finding is about the decoded PidLidAppointmentRecur, so an item without one has none.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::WithRecurrence
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        let Some(r) = recurrence(item) else { return };
        let Some(recur_type) = item.props.i32(&names::RECURRENCE_TYPE) else {
            return;
        };
        let p = &r.value.pattern;
        let twelve = p.period != 0 && p.period % 12 == 0;
        let (expected, ok) = match p.recur_frequency {
            RecurFrequency::Daily => (1, recur_type == 1),
            RecurFrequency::Weekly => (2, recur_type == 2),
            RecurFrequency::Monthly => (3, recur_type == 3 || (twelve && recur_type == 4)),
            RecurFrequency::Yearly => (4, recur_type == 4 || (twelve && recur_type == 3)),
            RecurFrequency::Unknown(_) => return,
        };
        if ok {
            return;
        }
        let f = cx.report(
            self,
            format!(
                "PidLidRecurrenceType is {recur_type} but the recurrence pattern is {} (type {expected})",
                frequency_name(p.recur_frequency)
            ),
        );
        f.evidence(
            "RecurFrequency",
            format!("{:#06X}", p.recur_frequency.value()),
        );
        f.evidence("Period", p.period.to_string());
        prop_evidence(f, item, &names::RECURRENCE_TYPE);
        prop_evidence(f, item, &names::RECURRING);
    }
}

fn frequency_name(f: RecurFrequency) -> &'static str {
    match f {
        RecurFrequency::Daily => "daily",
        RecurFrequency::Weekly => "weekly",
        RecurFrequency::Monthly => "monthly",
        RecurFrequency::Yearly => "yearly",
        RecurFrequency::Unknown(_) => "unknown",
    }
}

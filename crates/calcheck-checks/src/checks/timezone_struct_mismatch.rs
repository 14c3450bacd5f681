//! CC305 timezone-struct-mismatch: the effective rule of PidLidAppointmentTimeZoneDefinitionRecur differs from PidLidTimeZoneStruct.

use calcheck_format::tzdef::{SystemTime, TzRule};
use calcheck_format::tzreg::TzReg;
use calcheck_model::CalendarItem;

use crate::checks::series::is_recurring;
use crate::context::ItemCx;
use crate::declare_check;
use crate::engine::Check;

declare_check! {
    /// ## What it checks
    /// On a recurring item with both properties, that the effective rule of
    /// PidLidAppointmentTimeZoneDefinitionRecur (the rule flagged TZRULE_FLAG_EFFECTIVE_TZREG) carries the
    /// values of PidLidTimeZoneStruct: lBias, lStandardBias, stStandardDate, stDaylightDate, and
    /// lDaylightBias when either has daylight saving time (Outlook writes lDaylightBias −60 next to "no
    /// daylight saving" in zones such as Tokyo, where it never applies). The year fields of PidLidTimeZoneStruct
    /// are not compared; Outlook's reader skips them.
    ///
    /// Whether the effective rule also has TZRULE_FLAG_RECUR_CURRENT_TZREG does not matter here: the spec
    /// wants it, Outlook often writes the effective rule without it, and when the values agree both
    /// properties describe the same zone anyway.
    ///
    /// ## Why it matters
    /// [MS-OXOCAL] calls the two properties inconsistent in that case and makes PidLidTimeZoneStruct win, so
    /// clients that follow the spec expand the series in one zone while clients that trust the definition
    /// use another: occurrences move by the difference, typically one hour around daylight-saving changes.
    ///
    /// ## How to fix
    /// Open the series in Outlook, set the time zone again in its recurrence dialog and save; Outlook
    /// writes both properties from the same zone.
    ///
    /// ## Example
    /// A series whose TZDefRecur effective rule is Pacific time (bias 480) while PidLidTimeZoneStruct holds
    /// Eastern time (bias 300), left by a client that updated only one of them.
    ///
    /// ## References
    /// [MS-OXOCAL] 2.2.1.39, 2.2.1.41; the Outlook MAPI reference on PidLidAppointmentTimeZoneDefinitionRecur
    /// ("these properties must be synchronized"). Not in CalCheck.
    pub TimezoneStructMismatch,
    code: "CC305", name: "timezone-struct-mismatch", severity: Warning, category: TimeZones,
    calcheck: [],
    summary: "PidLidAppointmentTimeZoneDefinitionRecur and PidLidTimeZoneStruct describe different zones",
}

impl Check for TimezoneStructMismatch {
    // Only series (PidLidRecurring true) can give a finding.
    fn scope(&self) -> crate::engine::Scope {
        crate::engine::Scope::Recurring
    }

    fn check_item(&self, item: &CalendarItem, cx: &mut ItemCx<'_>) {
        if !is_recurring(item) {
            return;
        }
        let d = item.decoded();
        let (Some(Ok(def)), Some(Ok(reg))) = (&d.tz_recur, &d.tz_struct) else {
            return;
        };
        let Some(rule) = def.value.effective_rule() else {
            return;
        };
        let reg = &reg.value;
        if reg.matches_rule(rule) {
            return;
        }
        let diffs = differences(reg, rule);
        let f = cx.report(
            self,
            format!(
                "The effective rule of PidLidAppointmentTimeZoneDefinitionRecur{} differs from PidLidTimeZoneStruct ({})",
                def.value
                    .key_name
                    .as_ref()
                    .map(|k| format!(" ({k})"))
                    .unwrap_or_default(),
                diffs.join(", ")
            ),
        );
        f.detail("[MS-OXOCAL] 2.2.1.41 makes PidLidTimeZoneStruct win, so the series is expanded in that zone by clients that follow the spec and in the definition's zone by others");
        f.evidence("effective rule wFlags", format!("{:#06X}", rule.flags));
        f.evidence(
            "effective rule",
            describe(
                rule.l_bias,
                rule.l_standard_bias,
                rule.l_daylight_bias,
                &rule.st_standard_date,
                &rule.st_daylight_date,
            ),
        );
        f.evidence(
            "PidLidTimeZoneStruct",
            describe(
                reg.l_bias,
                reg.l_standard_bias,
                reg.l_daylight_bias,
                &reg.st_standard_date,
                &reg.st_daylight_date,
            ),
        );
    }
}

/// The fields that differ, by name.
fn differences(reg: &TzReg, rule: &TzRule) -> Vec<&'static str> {
    let mut out = Vec::new();
    if reg.l_bias != rule.l_bias {
        out.push("lBias");
    }
    if reg.l_standard_bias != rule.l_standard_bias {
        out.push("lStandardBias");
    }
    if reg.l_daylight_bias != rule.l_daylight_bias && (reg.has_dst() || rule.has_dst()) {
        out.push("lDaylightBias");
    }
    if reg.st_standard_date != rule.st_standard_date {
        out.push("stStandardDate");
    }
    if reg.st_daylight_date != rule.st_daylight_date {
        out.push("stDaylightDate");
    }
    out
}

/// Biases and transition dates as one line.
fn describe(bias: i32, std_bias: i32, dst_bias: i32, std: &SystemTime, dst: &SystemTime) -> String {
    format!(
        "lBias {bias}, lStandardBias {std_bias}, lDaylightBias {dst_bias}, stStandardDate {}, stDaylightDate {}",
        transition(std),
        transition(dst)
    )
}

/// A SYSTEMTIME transition date as a person reads it: "2nd Sunday of March 02:00", or an absolute date.
fn transition(st: &SystemTime) -> String {
    const WEEKS: [&str; 5] = ["1st", "2nd", "3rd", "4th", "last"];
    const DAYS: [&str; 7] = [
        "Sunday",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
    ];
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    if st.is_unset() {
        return "none".to_owned();
    }
    let month = usize::from(st.w_month)
        .checked_sub(1)
        .and_then(|m| MONTHS.get(m))
        .map_or_else(|| format!("month {}", st.w_month), |m| (*m).to_owned());
    let time = format!("{:02}:{:02}", st.w_hour, st.w_minute);
    if st.is_relative() {
        let week = usize::from(st.w_day)
            .checked_sub(1)
            .and_then(|w| WEEKS.get(w))
            .map_or_else(|| format!("week {}", st.w_day), |w| (*w).to_owned());
        let day = DAYS
            .get(usize::from(st.w_day_of_week))
            .map_or_else(|| format!("day {}", st.w_day_of_week), |d| (*d).to_owned());
        format!("{week} {day} of {month} {time}")
    } else {
        format!("{:04}-{:02}-{:02} {time}", st.w_year, st.w_month, st.w_day)
    }
}

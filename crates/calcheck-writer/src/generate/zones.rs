//! Real Windows time zones for generated items: the registry key name, the display name, the
//! current rule (bias and daylight-saving transitions as the Windows registry's TZI holds them),
//! the TZDEFINITION and TZREG blobs built with the format crate's encoders, and local-to-UTC
//! conversion.
//!
//! The conversion is computed here from the rule, not with the format crate's `TzRule`, so that
//! the checks, which use the format crate, are compared with an independent computation.

use calcheck_format::tzdef::{
    SystemTime, TZRULE_FLAG_EFFECTIVE_TZREG, TZRULE_FLAG_RECUR_CURRENT_TZREG, TzDefinition, TzRule,
    encode_tz_definition,
};
use calcheck_format::tzreg::{TzReg, encode_tzreg};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

/// A daylight-saving transition as TZI stores it: month, week (1-4, 5 = last), weekday
/// (0 = Sunday) and local hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    /// 1..=12.
    pub month: u32,
    /// 1..=5, 5 meaning the last such weekday of the month.
    pub week: u32,
    /// 0 = Sunday ... 6 = Saturday.
    pub weekday: u32,
    /// Local hour of the change.
    pub hour: u32,
}

/// A Windows time zone and its current rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    /// Registry key name (the TZDEFINITION key name).
    pub key: &'static str,
    /// Display name (PidLidTimeZoneDescription).
    pub display: &'static str,
    /// Bias in minutes: UTC = local + bias (+ daylight bias in summer).
    pub bias: i32,
    /// Daylight bias in minutes (-60 where there is daylight saving time).
    pub daylight_bias: i32,
    /// Start of standard time (end of daylight time), in local daylight time.
    pub standard: Option<Transition>,
    /// Start of daylight time, in local standard time.
    pub daylight: Option<Transition>,
}

#[allow(clippy::unnecessary_wraps)] // Zones without daylight time use `None`.
const fn t(month: u32, week: u32, weekday: u32, hour: u32) -> Option<Transition> {
    Some(Transition {
        month,
        week,
        weekday,
        hour,
    })
}

/// The zones generated items use, with the rules Windows has for them since 2007.
pub const ZONES: [Zone; 8] = [
    Zone {
        key: "W. Europe Standard Time",
        display: "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        bias: -60,
        daylight_bias: -60,
        standard: t(10, 5, 0, 3),
        daylight: t(3, 5, 0, 2),
    },
    Zone {
        key: "Eastern Standard Time",
        display: "(UTC-05:00) Eastern Time (US & Canada)",
        bias: 300,
        daylight_bias: -60,
        standard: t(11, 1, 0, 2),
        daylight: t(3, 2, 0, 2),
    },
    Zone {
        key: "Pacific Standard Time",
        display: "(UTC-08:00) Pacific Time (US & Canada)",
        bias: 480,
        daylight_bias: -60,
        standard: t(11, 1, 0, 2),
        daylight: t(3, 2, 0, 2),
    },
    Zone {
        key: "GMT Standard Time",
        display: "(UTC+00:00) Dublin, Edinburgh, Lisbon, London",
        bias: 0,
        daylight_bias: -60,
        standard: t(10, 5, 0, 2),
        daylight: t(3, 5, 0, 1),
    },
    Zone {
        key: "Tokyo Standard Time",
        display: "(UTC+09:00) Osaka, Sapporo, Tokyo",
        bias: -540,
        daylight_bias: 0,
        standard: None,
        daylight: None,
    },
    Zone {
        key: "India Standard Time",
        display: "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi",
        bias: -330,
        daylight_bias: 0,
        standard: None,
        daylight: None,
    },
    Zone {
        key: "AUS Eastern Standard Time",
        display: "(UTC+10:00) Canberra, Melbourne, Sydney",
        bias: -600,
        daylight_bias: -60,
        standard: t(4, 1, 0, 3),
        daylight: t(10, 1, 0, 2),
    },
    Zone {
        key: "Arab Standard Time",
        display: "(UTC+03:00) Kuwait, Riyadh",
        bias: -180,
        daylight_bias: 0,
        standard: None,
        daylight: None,
    },
];

fn weekday_of(n: u32) -> Weekday {
    [
        Weekday::Sun,
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
    ][n as usize % 7]
}

impl Transition {
    /// The local date and time of the transition in `year`.
    pub fn in_year(self, year: i32) -> NaiveDateTime {
        let day = nth_weekday(year, self.month, weekday_of(self.weekday), self.week);
        day.and_hms_opt(self.hour, 0, 0).unwrap_or_default()
    }

    fn system_time(self) -> SystemTime {
        SystemTime::relative(
            self.month as u16,
            self.weekday as u16,
            self.week as u16,
            self.hour as u16,
            0,
        )
    }
}

/// The `week`-th `weekday` of a month (5: the last one).
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, week: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default();
    let shift = (7 + weekday.num_days_from_sunday() - first.weekday().num_days_from_sunday()) % 7;
    let mut day = first + Duration::days(i64::from(shift) + 7 * i64::from(week.saturating_sub(1)));
    while day.month() != month {
        day -= Duration::days(7);
    }
    day
}

impl Zone {
    /// The zone with this key name.
    pub fn by_key(key: &str) -> Zone {
        ZONES
            .iter()
            .find(|z| z.key == key)
            .copied()
            .unwrap_or(ZONES[0])
    }

    /// True when `local` falls in daylight saving time.
    pub fn is_daylight(&self, local: NaiveDateTime) -> bool {
        let (Some(std), Some(dst)) = (self.standard, self.daylight) else {
            return false;
        };
        let year = local.year();
        let starts = dst.in_year(year);
        let ends = std.in_year(year);
        if starts < ends {
            local >= starts && local < ends
        } else {
            // Southern hemisphere: daylight time spans the new year.
            local >= starts || local < ends
        }
    }

    /// Minutes to add to local time to get UTC at `local`.
    pub fn utc_offset(&self, local: NaiveDateTime) -> i64 {
        i64::from(self.bias)
            + if self.is_daylight(local) {
                i64::from(self.daylight_bias)
            } else {
                0
            }
    }

    /// `local` in UTC.
    pub fn to_utc(&self, local: NaiveDateTime) -> NaiveDateTime {
        local + Duration::minutes(self.utc_offset(local))
    }

    /// The TZRULE of this zone ([MS-OXOCAL] 2.2.1.41.1), effective since 2007.
    pub fn rule(&self, flags: u16) -> TzRule {
        let unset = SystemTime::from_bytes([0; 16]);
        TzRule::new(
            2007,
            flags,
            self.bias,
            0,
            self.daylight_bias,
            self.standard.map_or(unset, Transition::system_time),
            self.daylight.map_or(unset, Transition::system_time),
        )
    }

    /// PidLidAppointmentTimeZoneDefinitionStartDisplay / EndDisplay: the effective rule only.
    pub fn display_definition(&self) -> Vec<u8> {
        encode_tz_definition(&TzDefinition::new(
            self.key,
            vec![self.rule(TZRULE_FLAG_EFFECTIVE_TZREG)],
        ))
    }

    /// PidLidAppointmentTimeZoneDefinitionRecur: the rule flagged effective and current.
    pub fn recur_definition(&self) -> Vec<u8> {
        encode_tz_definition(&TzDefinition::new(
            self.key,
            vec![self.rule(TZRULE_FLAG_EFFECTIVE_TZREG | TZRULE_FLAG_RECUR_CURRENT_TZREG)],
        ))
    }

    /// PidLidTimeZoneStruct: the same rule as a TZREG.
    pub fn tzreg(&self) -> Vec<u8> {
        encode_tzreg(&TzReg::from_rule(&self.rule(TZRULE_FLAG_EFFECTIVE_TZREG)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn daylight_saving_dates_of_2024() {
        // EU summer time 2024: 31 March to 27 October; US: 10 March to 3 November;
        // Australia (NSW): until 7 April and from 6 October.
        let eu = Zone::by_key("W. Europe Standard Time");
        assert_eq!(eu.daylight.unwrap().in_year(2024), dt(2024, 3, 31, 2));
        assert_eq!(eu.standard.unwrap().in_year(2024), dt(2024, 10, 27, 3));
        assert_eq!(eu.to_utc(dt(2024, 7, 1, 9)), dt(2024, 7, 1, 7));
        assert_eq!(eu.to_utc(dt(2024, 1, 15, 9)), dt(2024, 1, 15, 8));
        let us = Zone::by_key("Eastern Standard Time");
        assert_eq!(us.daylight.unwrap().in_year(2024), dt(2024, 3, 10, 2));
        assert_eq!(us.standard.unwrap().in_year(2024), dt(2024, 11, 3, 2));
        assert_eq!(us.to_utc(dt(2024, 7, 4, 9)), dt(2024, 7, 4, 13));
        let au = Zone::by_key("AUS Eastern Standard Time");
        assert_eq!(au.to_utc(dt(2024, 1, 10, 10)), dt(2024, 1, 9, 23));
        assert_eq!(au.to_utc(dt(2024, 6, 10, 10)), dt(2024, 6, 10, 0));
        let india = Zone::by_key("India Standard Time");
        assert_eq!(
            india.to_utc(dt(2024, 6, 10, 10)),
            dt(2024, 6, 10, 4) + Duration::minutes(30)
        );
    }
}

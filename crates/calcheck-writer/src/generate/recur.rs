//! Recurring series for generated items: every pattern kind Outlook writes, their occurrence
//! dates, and the RecurrencePattern that describes them ([MS-OXOCAL] 2.2.1.44.1).
//!
//! Occurrences and FirstDateTime are computed here from the spec's definitions, independently of
//! the format crate's expansion, so that the checks (which use that expansion) are tested against
//! a second implementation. Hijri patterns use the tabular (arithmetic) Islamic calendar.

use calcheck_format::recurrence::{
    CalendarType, EndType, PatternType, PatternTypeSpecific, RecurFrequency, RecurrencePattern,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

use super::zones::nth_weekday;

/// EndDate of a series that never ends: 4500-12-31 23:59 ([MS-OXOCAL] 2.2.1.44.1).
pub const NO_END_DATE: u32 = 0x5AE9_80DF;

/// What a series repeats on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every `days` days (Daily / Day).
    Daily {
        /// Days between occurrences.
        days: u32,
    },
    /// Every weekday, Monday to Friday (Daily / Week with mask 0x3E).
    EveryWeekday,
    /// On the days of `mask` every `weeks` weeks (Weekly / Week).
    Weekly {
        /// Weeks between occurrences.
        weeks: u32,
        /// Day mask, Sunday = 0x01 ... Saturday = 0x40.
        mask: u32,
    },
    /// On day `day` every `months` months (Monthly / Month).
    Monthly {
        /// Months between occurrences.
        months: u32,
        /// Day of the month (1..=28, so every month has it).
        day: u32,
    },
    /// On the `n`-th day of `mask` every `months` months (Monthly / MonthNth; `n` 5 = last).
    MonthNth {
        /// Months between occurrences.
        months: u32,
        /// Day mask.
        mask: u32,
        /// 1..=4, or 5 for the last.
        n: u32,
    },
    /// On the last day of the month every `months` months (Monthly / MonthEnd).
    MonthEnd {
        /// Months between occurrences.
        months: u32,
    },
    /// Every year on `month`/`day` (Yearly / Month, Period 12).
    Yearly {
        /// 1..=12.
        month: u32,
        /// 1..=28.
        day: u32,
    },
    /// Every year on the `n`-th day of `mask` of `month` (Yearly / MonthNth, Period 12).
    YearlyNth {
        /// 1..=12.
        month: u32,
        /// Day mask.
        mask: u32,
        /// 1..=4, or 5 for the last.
        n: u32,
    },
    /// On Hijri day `day` every `months` Hijri months (Monthly / HjMonth).
    Hijri {
        /// Hijri months between occurrences.
        months: u32,
        /// Day of the Hijri month (1..=29).
        day: u32,
    },
}

/// How a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// After this many occurrences.
    After(u32),
    /// On or before this date.
    By(NaiveDate),
    /// Never.
    Never,
}

/// A series: what, from when, how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    /// The pattern kind.
    pub kind: Kind,
    /// Requested first date; the first occurrence is the first pattern date on or after it.
    pub from: NaiveDate,
    /// The end.
    pub end: End,
    /// First day of the week (0 = Sunday), as the user's settings have it.
    pub first_dow: u32,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.map_or(31, |n| n.pred_opt().map_or(31, |d| d.day()))
}

fn month_index(d: NaiveDate) -> i64 {
    i64::from(d.year()) * 12 + i64::from(d.month0())
}

fn from_month_index(i: i64) -> (i32, u32) {
    ((i.div_euclid(12)) as i32, (i.rem_euclid(12) + 1) as u32)
}

/// The dates of `mask` in the month, in order.
fn mask_days(year: i32, month: u32, mask: u32) -> Vec<NaiveDate> {
    (1..=days_in_month(year, month))
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .filter(|d| mask & (1 << d.weekday().num_days_from_sunday()) != 0)
        .collect()
}

/// The `n`-th (5: last) date of `mask` in a month.
fn nth_of_mask(year: i32, month: u32, mask: u32, n: u32) -> Option<NaiveDate> {
    let days = mask_days(year, month, mask);
    if n >= 5 {
        days.last().copied()
    } else {
        days.get(n as usize - 1).copied()
    }
}

/// Minutes since 1601-01-01 of a date (local midnight).
pub fn minutes(d: NaiveDate) -> u32 {
    let epoch = NaiveDate::from_ymd_opt(1601, 1, 1).unwrap_or_default();
    ((d - epoch).num_minutes()) as u32
}

/// Minutes since 1601-01-01 of a local date and time.
pub fn minutes_at(t: NaiveDateTime) -> u32 {
    let epoch = NaiveDate::from_ymd_opt(1601, 1, 1)
        .unwrap_or_default()
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    ((t - epoch).num_minutes()) as u32
}

impl Series {
    /// Every occurrence date, capped at `cap` (never-ending series are cut there).
    pub fn occurrences(&self, cap: usize) -> Vec<NaiveDate> {
        let limit = match self.end {
            End::After(n) => (n as usize).min(cap),
            _ => cap,
        };
        let last = match self.end {
            End::By(d) => d,
            _ => NaiveDate::from_ymd_opt(4500, 12, 31).unwrap_or_default(),
        };
        let mut out = Vec::new();
        let mut push = |d: NaiveDate, out: &mut Vec<NaiveDate>| {
            if d >= self.from && d <= last && out.len() < limit {
                out.push(d);
            }
            out.len() >= limit || d > last
        };
        match self.kind {
            Kind::Daily { days } => {
                let mut d = self.from;
                while !push(d, &mut out) {
                    d += Duration::days(i64::from(days));
                }
            }
            Kind::EveryWeekday => self.weekly(1, 0x3E, &mut out, &mut push),
            Kind::Weekly { weeks, mask } => self.weekly(weeks, mask, &mut out, &mut push),
            Kind::Monthly { months, day } => self.monthly(months, &mut out, &mut push, |y, m| {
                NaiveDate::from_ymd_opt(y, m, day)
            }),
            Kind::MonthNth { months, mask, n } => {
                self.monthly(months, &mut out, &mut push, |y, m| {
                    nth_of_mask(y, m, mask, n)
                });
            }
            Kind::MonthEnd { months } => self.monthly(months, &mut out, &mut push, |y, m| {
                NaiveDate::from_ymd_opt(y, m, days_in_month(y, m))
            }),
            Kind::Yearly { month, day } => self.monthly(12, &mut out, &mut push, |y, m| {
                (m == month)
                    .then(|| NaiveDate::from_ymd_opt(y, m, day))
                    .flatten()
            }),
            Kind::YearlyNth { month, mask, n } => {
                self.monthly(12, &mut out, &mut push, |y, m| {
                    (m == month).then(|| nth_of_mask(y, m, mask, n)).flatten()
                });
            }
            Kind::Hijri { months, day } => {
                let (hy, hm, _) = hijri_from_date(self.from);
                let mut i = i64::from(hy) * 12 + i64::from(hm) - 1;
                loop {
                    let (y, m) = ((i.div_euclid(12)) as i32, (i.rem_euclid(12) + 1) as u32);
                    let d = date_from_hijri(y, m, day);
                    if d >= self.from && push(d, &mut out) {
                        break;
                    }
                    i += i64::from(months);
                }
            }
        }
        out
    }

    fn weekly(
        &self,
        weeks: u32,
        mask: u32,
        out: &mut Vec<NaiveDate>,
        push: &mut dyn FnMut(NaiveDate, &mut Vec<NaiveDate>) -> bool,
    ) {
        let mut week = self.week_start(self.from);
        loop {
            for i in 0..7 {
                let d = week + Duration::days(i);
                if mask & (1 << d.weekday().num_days_from_sunday()) != 0
                    && d >= self.from
                    && push(d, out)
                {
                    return;
                }
            }
            week += Duration::days(7 * i64::from(weeks));
        }
    }

    fn monthly(
        &self,
        months: u32,
        out: &mut Vec<NaiveDate>,
        push: &mut dyn FnMut(NaiveDate, &mut Vec<NaiveDate>) -> bool,
        day_of: impl Fn(i32, u32) -> Option<NaiveDate>,
    ) {
        // The cycle starts at the first month (from `from`) that has a pattern date on or after it.
        let mut i = month_index(self.from);
        let mut started = false;
        loop {
            let (y, m) = from_month_index(i);
            if let Some(d) = day_of(y, m).filter(|d| *d >= self.from) {
                started = true;
                if push(d, out) {
                    return;
                }
            }
            i += if started { i64::from(months) } else { 1 };
            if y > 4500 {
                return;
            }
        }
    }

    /// The first day of the week (per `first_dow`) containing `d`.
    fn week_start(&self, d: NaiveDate) -> NaiveDate {
        let back = (7 + d.weekday().num_days_from_sunday() - self.first_dow) % 7;
        d - Duration::days(i64::from(back))
    }

    /// RecurFrequency, PatternType, Period and PatternTypeSpecific of the kind.
    fn shape(&self) -> (RecurFrequency, PatternType, u32, PatternTypeSpecific) {
        match self.kind {
            Kind::Daily { days } => (
                RecurFrequency::Daily,
                PatternType::Day,
                days * 1440,
                PatternTypeSpecific::None,
            ),
            Kind::EveryWeekday => (
                RecurFrequency::Daily,
                PatternType::Week,
                1,
                PatternTypeSpecific::Week { day_mask: 0x3E },
            ),
            Kind::Weekly { weeks, mask } => (
                RecurFrequency::Weekly,
                PatternType::Week,
                weeks,
                PatternTypeSpecific::Week { day_mask: mask },
            ),
            Kind::Monthly { months, day } => (
                RecurFrequency::Monthly,
                PatternType::Month,
                months,
                PatternTypeSpecific::Month { day },
            ),
            Kind::MonthNth { months, mask, n } => (
                RecurFrequency::Monthly,
                PatternType::MonthNth,
                months,
                PatternTypeSpecific::MonthNth { day_mask: mask, n },
            ),
            Kind::MonthEnd { months } => (
                RecurFrequency::Monthly,
                PatternType::MonthEnd,
                months,
                PatternTypeSpecific::Month { day: 31 },
            ),
            Kind::Yearly { day, .. } => (
                RecurFrequency::Yearly,
                PatternType::Month,
                12,
                PatternTypeSpecific::Month { day },
            ),
            Kind::YearlyNth { mask, n, .. } => (
                RecurFrequency::Yearly,
                PatternType::MonthNth,
                12,
                PatternTypeSpecific::MonthNth { day_mask: mask, n },
            ),
            Kind::Hijri { months, day } => (
                RecurFrequency::Monthly,
                PatternType::HjMonth,
                months,
                PatternTypeSpecific::Month { day },
            ),
        }
    }

    /// PidLidRecurrenceType: 1 daily, 2 weekly, 3 monthly, 4 yearly.
    pub fn recurrence_type(&self) -> i32 {
        match self.shape().0 {
            RecurFrequency::Daily => 1,
            RecurFrequency::Weekly => 2,
            RecurFrequency::Monthly => 3,
            _ => 4,
        }
    }

    /// FirstDateTime as [MS-OXOCAL] 2.2.1.44.1.1 defines it for a series starting on `start`.
    fn first_date_time(&self, start: NaiveDate, period: u32) -> u32 {
        let epoch = NaiveDate::from_ymd_opt(1601, 1, 1).unwrap_or_default();
        match self.kind {
            Kind::Daily { .. } => minutes(start) % period,
            Kind::EveryWeekday | Kind::Weekly { .. } => {
                minutes(self.week_start(start)) % (10080 * period)
            }
            Kind::Hijri { .. } => {
                // The same rule on the Hijri calendar: whole Hijri months since the month holding
                // 1601-01-01, modulo Period, counted from the start of that month.
                let (y0, m0, _) = hijri_from_date(epoch);
                let (y, m, _) = hijri_from_date(start);
                let months =
                    (i64::from(y) * 12 + i64::from(m)) - (i64::from(y0) * 12 + i64::from(m0));
                let skip = months.rem_euclid(i64::from(period));
                let i = i64::from(y0) * 12 + i64::from(m0) - 1 + skip;
                let first =
                    date_from_hijri(i.div_euclid(12) as i32, (i.rem_euclid(12) + 1) as u32, 1);
                if first < epoch { 0 } else { minutes(first) }
            }
            _ => {
                let months = month_index(start) - month_index(epoch);
                let skip = months.rem_euclid(i64::from(period));
                let (y, m) = from_month_index(month_index(epoch) + skip);
                minutes(NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(epoch))
            }
        }
    }

    /// The RecurrencePattern of the series with these deleted (original dates of deleted and
    /// modified instances) and modified (new dates of modified instances) dates.
    pub fn pattern(
        &self,
        occurrences: &[NaiveDate],
        deleted: &[NaiveDate],
        modified: &[NaiveDate],
    ) -> RecurrencePattern {
        let (frequency, pattern_type, period, specific) = self.shape();
        let start = occurrences.first().copied().unwrap_or(self.from);
        let (end_type, count, end_date) = match self.end {
            End::After(n) => (
                EndType::EndAfterNOccurrences,
                n,
                minutes(*occurrences.last().unwrap_or(&start)),
            ),
            End::By(_) => (
                EndType::EndAfterDate,
                occurrences.len() as u32,
                minutes(*occurrences.last().unwrap_or(&start)),
            ),
            // Outlook writes 10 as the count of a series without end ([MS-OXOCAL] 2.2.1.44.1).
            End::Never => (EndType::NeverEnd, 10, NO_END_DATE),
        };
        let mut deleted: Vec<u32> = deleted.iter().map(|d| minutes(*d)).collect();
        deleted.sort_unstable();
        let mut modified: Vec<u32> = modified.iter().map(|d| minutes(*d)).collect();
        modified.sort_unstable();
        RecurrencePattern {
            reader_version: 0x3004,
            writer_version: 0x3004,
            recur_frequency: frequency,
            pattern_type,
            calendar_type: CalendarType::Default,
            first_date_time: self.first_date_time(start, period),
            period,
            sliding_flag: 0,
            pattern_type_specific: specific,
            end_type,
            occurrence_count: count,
            first_dow: self.first_dow,
            deleted_instance_dates: deleted,
            modified_instance_dates: modified,
            start_date: minutes(start),
            end_date,
        }
    }

    /// A description like Outlook's PidLidRecurrencePattern.
    pub fn describe(&self, from: &str, to: &str) -> String {
        let days = |mask: u32| {
            [
                "Sunday",
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
            ]
            .iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, d)| *d)
            .collect::<Vec<_>>()
            .join(", ")
        };
        let nth =
            |n: u32| ["first", "second", "third", "fourth", "last"][(n.clamp(1, 5) - 1) as usize];
        let what = match self.kind {
            Kind::Daily { days: 1 } => "every day".to_owned(),
            Kind::Daily { days } => format!("every {days} days"),
            Kind::EveryWeekday => "every weekday".to_owned(),
            Kind::Weekly { weeks: 1, mask } => format!("every {}", days(mask)),
            Kind::Weekly { weeks, mask } => format!("every {weeks} weeks on {}", days(mask)),
            Kind::Monthly { months, day } => format!("day {day} of every {months} month(s)"),
            Kind::MonthNth { months, mask, n } => {
                format!("the {} {} of every {months} month(s)", nth(n), days(mask))
            }
            Kind::MonthEnd { months } => format!("the last day of every {months} month(s)"),
            Kind::Yearly { month, day } => format!("every year on {day}/{month}"),
            Kind::YearlyNth { month, mask, n } => {
                format!("the {} {} of month {month} every year", nth(n), days(mask))
            }
            Kind::Hijri { months, day } => format!("day {day} of every {months} Hijri month(s)"),
        };
        format!("{what} from {from} to {to}")
    }
}

/// Julian day number of a proleptic Gregorian date.
fn jdn(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + 1_721_425
}

fn from_jdn(j: i64) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt((j - 1_721_425) as i32).unwrap_or_default()
}

/// Julian day number of a date of the tabular Islamic calendar (civil epoch, JDN 1948440 =
/// 1 Muharram 1 AH; leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29 of each 30-year cycle).
fn hijri_jdn(year: i32, month: u32, day: u32) -> i64 {
    let (y, m, d) = (i64::from(year), i64::from(month), i64::from(day));
    d + (59 * (m - 1) + 1) / 2 + (y - 1) * 354 + (3 + 11 * y).div_euclid(30) + 1_948_439
}

/// A Hijri date as a Gregorian date.
pub fn date_from_hijri(year: i32, month: u32, day: u32) -> NaiveDate {
    from_jdn(hijri_jdn(year, month, day))
}

/// A Gregorian date as a Hijri (year, month, day).
pub fn hijri_from_date(d: NaiveDate) -> (i32, u32, u32) {
    let j = jdn(d);
    let mut year = ((30 * (j - 1_948_440) + 10_646).div_euclid(10_631)) as i32;
    if hijri_jdn(year, 1, 1) > j {
        year -= 1;
    }
    let mut month = 12;
    while month > 1 && hijri_jdn(year, month, 1) > j {
        month -= 1;
    }
    let day = (j - hijri_jdn(year, month, 1) + 1) as u32;
    (year, month, day)
}

/// The `n`-th `weekday` of a month, re-exported for the item builders.
pub fn nth(year: i32, month: u32, weekday: Weekday, n: u32) -> NaiveDate {
    nth_weekday(year, month, weekday, n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn hijri_dates_of_the_tabular_calendar() {
        // 1 Muharram 1 AH is 16 July 622 (Julian) = 19 July 622 (proleptic Gregorian).
        assert_eq!(date_from_hijri(1, 1, 1), d(622, 7, 19));
        // Ramadan 1445 AH began on 11 March 2024 and Eid al-Fitr (1 Shawwal) fell on 10 April 2024.
        assert_eq!(date_from_hijri(1445, 9, 1), d(2024, 3, 11));
        assert_eq!(date_from_hijri(1445, 10, 1), d(2024, 4, 10));
        assert_eq!(hijri_from_date(d(2024, 3, 11)), (1445, 9, 1));
        assert_eq!(hijri_from_date(d(2024, 3, 10)), (1445, 8, 29));
    }

    #[test]
    #[allow(clippy::many_single_char_names)]
    fn occurrences_follow_the_pattern_definitions() {
        let s = |kind, from, end| Series {
            kind,
            from,
            end,
            first_dow: 0,
        };
        // Monday, Wednesday, Friday every second week from Wednesday 2024-01-03.
        let w = s(
            Kind::Weekly {
                weeks: 2,
                mask: 0x2A,
            },
            d(2024, 1, 3),
            End::After(5),
        );
        assert_eq!(
            w.occurrences(100),
            vec![
                d(2024, 1, 3),
                d(2024, 1, 5),
                d(2024, 1, 15),
                d(2024, 1, 17),
                d(2024, 1, 19)
            ]
        );
        // The last weekday of every second month.
        let m = s(
            Kind::MonthNth {
                months: 2,
                mask: 0x3E,
                n: 5,
            },
            d(2024, 1, 1),
            End::After(3),
        );
        assert_eq!(
            m.occurrences(100),
            vec![d(2024, 1, 31), d(2024, 3, 29), d(2024, 5, 31)]
        );
        // Month end, ending by a date.
        let e = s(
            Kind::MonthEnd { months: 1 },
            d(2024, 1, 10),
            End::By(d(2024, 4, 15)),
        );
        assert_eq!(
            e.occurrences(100),
            vec![d(2024, 1, 31), d(2024, 2, 29), d(2024, 3, 31)]
        );
        // The second Tuesday of November every year.
        let y = s(
            Kind::YearlyNth {
                month: 11,
                mask: 0x04,
                n: 2,
            },
            d(2023, 12, 1),
            End::After(2),
        );
        assert_eq!(y.occurrences(100), vec![d(2024, 11, 12), d(2025, 11, 11)]);
    }

    #[test]
    fn first_date_time_matches_the_spec_examples() {
        // [MS-OXOCAL] 2.2.1.44.1.1: a weekly series with Sunday week start and Period 1 has
        // FirstDateTime 8640 (1601-01-07); a series every 3 months from February 2008 has 44640
        // (one month); a yearly series starting in December has 480960 (eleven months).
        let weekly = Series {
            kind: Kind::Weekly {
                weeks: 1,
                mask: 0x02,
            },
            from: d(2024, 3, 4),
            end: End::Never,
            first_dow: 0,
        };
        assert_eq!(weekly.first_date_time(d(2024, 3, 4), 1), 8640);
        let quarterly = Series {
            kind: Kind::Monthly { months: 3, day: 5 },
            from: d(2008, 2, 5),
            end: End::Never,
            first_dow: 0,
        };
        assert_eq!(quarterly.first_date_time(d(2008, 2, 5), 3), 44640);
        let yearly = Series {
            kind: Kind::Yearly { month: 12, day: 1 },
            from: d(2024, 12, 1),
            end: End::Never,
            first_dow: 0,
        };
        assert_eq!(yearly.first_date_time(d(2024, 12, 1), 12), 480_960);
    }
}

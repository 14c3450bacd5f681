//! Occurrence dates of a Gregorian RecurrencePattern ([MS-OXOCAL] 2.2.1.44.1, 2.2.1.44.1.1).
//!
//! [`occurrences`] walks the dates on which a series occurs, from StartDate to EndDate or for
//! OccurrenceCount occurrences, and never past 4500-12-31 (Outlook's last date) or a caller's
//! cap, so a never-ending or hostile pattern cannot loop for long. Deleted and modified
//! instances are not removed: the iterator lists the pattern's dates, which is what the
//! spec's rules about DeletedInstanceDates and EndDate refer to.
//!
//! Only the Gregorian calendar is supported. Hijri pattern types and other calendar types
//! (lunar calendars with 13-month years, eras) return [`Unsupported`].

use core::fmt;

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::time::{
    MINUTES_PER_DAY, MINUTES_PER_WEEK, epoch_1601, minutes_to_date, naive_to_minutes,
};

use super::day_mask;
use super::pattern::{
    CalendarType, EndType, PatternType, PatternTypeSpecific, RecurrencePattern, end_bound,
};

/// Why a pattern cannot be expanded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unsupported {
    /// The calendar is not Gregorian (Hebrew, lunar, Hijri, era calendars ...).
    CalendarType(CalendarType),
    /// Hijri or unknown pattern types.
    PatternType(PatternType),
    /// The pattern's own fields make it meaningless (Period 0, empty day mask, N outside 1..=5 ...).
    InvalidPattern(&'static str),
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::CalendarType(c) => {
                write!(
                    f,
                    "calendar type {:#06x} is not supported (only Gregorian)",
                    c.value()
                )
            }
            Unsupported::PatternType(p) => {
                write!(
                    f,
                    "pattern type {:#06x} is not supported (Hijri or unknown)",
                    p.value()
                )
            }
            Unsupported::InvalidPattern(why) => write!(f, "the pattern is invalid: {why}"),
        }
    }
}

impl std::error::Error for Unsupported {}

/// Outlook's last representable date, built once at compile time.
const LAST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(4500, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// Outlook's last representable date (EndDate of a never-ending series, 0x5AE980DF).
pub fn last_date() -> NaiveDate {
    LAST_DATE
}

/// The weekday numbered from Sunday = 0, as FirstDOW stores it.
fn weekday_from_sunday(n: u32) -> Weekday {
    match n {
        1 => Weekday::Mon,
        2 => Weekday::Tue,
        3 => Weekday::Wed,
        4 => Weekday::Thu,
        5 => Weekday::Fri,
        6 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}

/// What day of the month a monthly rule picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MonthDay {
    /// Day D, or the last day in months shorter than D (formats.md §9.23).
    Day(u32),
    /// The N-th day matching the mask; N = 5 is the last.
    Nth { mask: u32, n: u32 },
    /// The last day.
    End,
}

/// A validated Gregorian pattern rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Every `days` days from StartDate.
    Daily { days: u64 },
    /// On `mask` days of every `weeks`-th week; weeks start on `first_dow`.
    Weekly {
        weeks: u64,
        mask: u32,
        first_dow: Weekday,
    },
    /// Every `months`-th month on the day `day` picks.
    Monthly { months: u32, day: MonthDay },
}

impl Rule {
    /// The rule of a Gregorian pattern, or why it has none.
    pub(crate) fn from_pattern(p: &RecurrencePattern) -> Result<Rule, Unsupported> {
        if !p.calendar_type.is_gregorian() {
            return Err(Unsupported::CalendarType(p.calendar_type));
        }
        let period = p.period;
        let mask_ok = |m: u32| m & day_mask::ALL != 0 && m & !day_mask::ALL == 0;
        match (p.pattern_type, p.pattern_type_specific) {
            (PatternType::Day, _) => {
                if period == 0 || period % MINUTES_PER_DAY != 0 {
                    return Err(Unsupported::InvalidPattern(
                        "daily Period is not a whole number of days",
                    ));
                }
                Ok(Rule::Daily {
                    days: u64::from(period / MINUTES_PER_DAY),
                })
            }
            (PatternType::Week, PatternTypeSpecific::Week { day_mask }) => {
                if period == 0 {
                    return Err(Unsupported::InvalidPattern("weekly Period is 0"));
                }
                if !mask_ok(day_mask) {
                    return Err(Unsupported::InvalidPattern(
                        "the day mask is empty or has undefined bits",
                    ));
                }
                if p.first_dow > 6 {
                    return Err(Unsupported::InvalidPattern(
                        "FirstDOW is not a day of the week",
                    ));
                }
                Ok(Rule::Weekly {
                    weeks: u64::from(period),
                    mask: day_mask,
                    first_dow: weekday_from_sunday(p.first_dow),
                })
            }
            (PatternType::Month | PatternType::MonthNth | PatternType::MonthEnd, pts) => {
                if period == 0 {
                    return Err(Unsupported::InvalidPattern("monthly Period is 0"));
                }
                let day = match (p.pattern_type, pts) {
                    (PatternType::Month, PatternTypeSpecific::Month { day })
                        if (1..=31).contains(&day) =>
                    {
                        MonthDay::Day(day)
                    }
                    (PatternType::MonthNth, PatternTypeSpecific::MonthNth { day_mask, n })
                        if mask_ok(day_mask) && (1..=5).contains(&n) =>
                    {
                        MonthDay::Nth { mask: day_mask, n }
                    }
                    (PatternType::MonthEnd, _) => MonthDay::End,
                    _ => {
                        return Err(Unsupported::InvalidPattern(
                            "the day of the month is invalid",
                        ));
                    }
                };
                Ok(Rule::Monthly {
                    months: period,
                    day,
                })
            }
            (PatternType::Week, _) => Err(Unsupported::InvalidPattern(
                "a Week pattern has no day mask",
            )),
            (pt, _) => Err(Unsupported::PatternType(pt)),
        }
    }

    /// True when `date` is a date of the rule for a series starting on `start` (and `date >= start`).
    pub(crate) fn matches(&self, start: NaiveDate, date: NaiveDate) -> bool {
        if date < start {
            return false;
        }
        match *self {
            Rule::Daily { days } => {
                let diff = date.signed_duration_since(start).num_days().unsigned_abs();
                diff % days == 0
            }
            Rule::Weekly {
                weeks,
                mask,
                first_dow,
            } => {
                if !day_mask::contains(mask, date.weekday()) {
                    return false;
                }
                let diff = week_start(date, first_dow)
                    .signed_duration_since(week_start(start, first_dow))
                    .num_days()
                    .unsigned_abs();
                (diff / 7) % weeks == 0
            }
            Rule::Monthly { months, day } => {
                let diff = month_index(date) - month_index(start);
                diff >= 0
                    && diff % i64::from(months) == 0
                    && pick_in_month(date.year(), date.month(), day) == Some(date)
            }
        }
    }

    /// FirstDateTime as [MS-OXOCAL] 2.2.1.44.1.1 computes it for a series starting on `start`.
    pub(crate) fn first_date_time(&self, start: NaiveDate) -> Option<u32> {
        match *self {
            Rule::Daily { days } => {
                let start = naive_to_minutes(start.and_time(chrono::NaiveTime::MIN))?;
                let period = u64::from(MINUTES_PER_DAY).checked_mul(days)?;
                u32::try_from(u64::from(start) % period).ok()
            }
            Rule::Weekly {
                weeks, first_dow, ..
            } => {
                let ws = naive_to_minutes(
                    week_start(start, first_dow).and_time(chrono::NaiveTime::MIN),
                )?;
                let period = u64::from(MINUTES_PER_WEEK).checked_mul(weeks)?;
                u32::try_from(u64::from(ws) % period).ok()
            }
            Rule::Monthly { months, .. } => {
                let since_1601 = month_index(start) - month_index(epoch_1601().date());
                let offset = u32::try_from(since_1601.rem_euclid(i64::from(months))).ok()?;
                let date = epoch_1601().checked_add_months(Months::new(offset))?;
                naive_to_minutes(date)
            }
        }
    }
}

/// The first day of the week containing `date`, weeks starting on `first_dow`.
fn week_start(date: NaiveDate, first_dow: Weekday) -> NaiveDate {
    let back = (date.weekday().num_days_from_sunday() + 7 - first_dow.num_days_from_sunday()) % 7;
    date.checked_sub_days(Days::new(u64::from(back)))
        .unwrap_or(NaiveDate::MIN)
}

/// Months since year 0, for month arithmetic.
fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

/// Number of days in a month of the proleptic Gregorian calendar (31 for a month that is not one).
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => 31,
    }
}

/// The date a monthly rule picks in one month.
fn pick_in_month(year: i32, month: u32, day: MonthDay) -> Option<NaiveDate> {
    let dim = days_in_month(year, month);
    match day {
        MonthDay::Day(d) => NaiveDate::from_ymd_opt(year, month, d.min(dim)),
        MonthDay::End => NaiveDate::from_ymd_opt(year, month, dim),
        MonthDay::Nth { mask, n } => {
            // The weekday of day d follows from the weekday of the 1st, so only the picked day is
            // built as a date.
            let first = NaiveDate::from_ymd_opt(year, month, 1)?.weekday();
            let mut matches =
                (1..=dim).filter(|d| day_mask::contains(mask, weekday_after(first, d - 1)));
            let picked = if n >= 5 {
                matches.next_back()
            } else {
                matches.nth((n as usize).saturating_sub(1))
            }?;
            NaiveDate::from_ymd_opt(year, month, picked)
        }
    }
}

/// The weekday `days` days after `day`.
fn weekday_after(day: Weekday, days: u32) -> Weekday {
    weekday_from_sunday((day.num_days_from_sunday() + days % 7) % 7)
}

/// Where the iteration stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Limit {
    /// Last date allowed (EndDate, or 4500-12-31).
    last: NaiveDate,
    /// Number of occurrences allowed (OccurrenceCount for EndType 0x2022, and the cap).
    count: usize,
}

/// Iterator over the occurrence dates of a pattern; see [`occurrences`].
#[derive(Debug, Clone)]
pub struct Occurrences {
    rule: Rule,
    start: NaiveDate,
    /// Where blocks are counted from: the start of StartDate's week for a weekly rule, the 1st of its
    /// month for a monthly one, StartDate itself for a daily one.
    origin: NaiveDate,
    limit: Limit,
    /// Index of the next block (day, week or month period) to generate.
    block: u64,
    /// Next day within the current week (weekly rules only), 0..7.
    day_in_week: u8,
    emitted: usize,
    done: bool,
}

/// The occurrence dates of `pattern`, at most `cap` of them.
///
/// Dates run from StartDate; they stop after EndDate (EndType 0x2021 and unknown values),
/// after OccurrenceCount dates (EndType 0x2022), at 4500-12-31, or after `cap` dates,
/// whichever comes first. Deleted instances are included (see the module documentation).
pub fn occurrences(pattern: &RecurrencePattern, cap: usize) -> Result<Occurrences, Unsupported> {
    let rule = Rule::from_pattern(pattern)?;
    let start = minutes_to_date(pattern.start_date);
    let mut last = last_date();
    let mut count = cap;
    match pattern.end_type {
        EndType::EndAfterNOccurrences => {
            count = count.min(usize::try_from(pattern.occurrence_count).unwrap_or(usize::MAX));
        }
        EndType::NeverEnd | EndType::NeverEndLegacy => {}
        EndType::EndAfterDate | EndType::Unknown(_) => {
            if let Some(end) = end_bound(pattern) {
                last = last.min(end);
            }
        }
    }
    let origin = match rule {
        Rule::Daily { .. } => Some(start),
        Rule::Weekly { first_dow, .. } => Some(week_start(start, first_dow)),
        Rule::Monthly { .. } => start.with_day(1),
    };
    Ok(Occurrences {
        rule,
        start,
        // StartDate always has a 1st of its month; MIN is never reached.
        origin: origin.unwrap_or(NaiveDate::MIN),
        limit: Limit { last, count },
        block: 0,
        day_in_week: 0,
        emitted: 0,
        done: start > last,
    })
}

/// True when `date` is an occurrence of `pattern` between StartDate and EndDate.
///
/// This is arithmetic, not a walk, so it is cheap for any date. For EndType 0x2022 the bound is
/// the stored EndDate (the spec makes it the N-th occurrence; the decoder checks that).
pub fn is_occurrence(pattern: &RecurrencePattern, date: NaiveDate) -> Result<bool, Unsupported> {
    let rule = Rule::from_pattern(pattern)?;
    let start = minutes_to_date(pattern.start_date);
    let within = end_bound(pattern).is_none_or(|end| date <= end) && date <= last_date();
    Ok(within && rule.matches(start, date))
}

/// FirstDateTime as [MS-OXOCAL] 2.2.1.44.1.1 derives it from the pattern and StartDate.
pub fn expected_first_date_time(pattern: &RecurrencePattern) -> Result<u32, Unsupported> {
    let rule = Rule::from_pattern(pattern)?;
    rule.first_date_time(minutes_to_date(pattern.start_date))
        .ok_or(Unsupported::InvalidPattern("StartDate is out of range"))
}

impl Occurrences {
    /// The next candidate date of the rule, in ascending order; `None` past 4500-12-31.
    fn next_candidate(&mut self) -> Option<NaiveDate> {
        let last = LAST_DATE;
        loop {
            let candidate = match self.rule {
                Rule::Daily { days } => {
                    let offset = self.block.checked_mul(days)?;
                    self.block += 1;
                    self.origin.checked_add_days(Days::new(offset))?
                }
                Rule::Weekly {
                    weeks,
                    mask,
                    first_dow,
                } => {
                    let in_week = self.day_in_week;
                    let block = self.block;
                    self.day_in_week += 1;
                    if self.day_in_week == 7 {
                        self.day_in_week = 0;
                        self.block += 1;
                    }
                    // Weeks start on FirstDOW, so the weekday of a day follows from its place in the
                    // week and days outside the mask are passed over without building their date.
                    // A later day of the mask stops the walk wherever a skipped day would have.
                    if !day_mask::contains(mask, weekday_after(first_dow, u32::from(in_week))) {
                        continue;
                    }
                    let offset = block
                        .checked_mul(weeks)?
                        .checked_mul(7)?
                        .checked_add(u64::from(in_week))?;
                    let day = self.origin.checked_add_days(Days::new(offset))?;
                    if day > last {
                        return None;
                    }
                    day
                }
                Rule::Monthly { months, day } => {
                    let offset = u32::try_from(self.block.checked_mul(u64::from(months))?).ok()?;
                    self.block += 1;
                    let first = self.origin.checked_add_months(Months::new(offset))?;
                    if first > last {
                        return None;
                    }
                    match pick_in_month(first.year(), first.month(), day) {
                        Some(d) => d,
                        None => continue,
                    }
                }
            };
            if candidate > last {
                return None;
            }
            return Some(candidate);
        }
    }
}

impl Iterator for Occurrences {
    type Item = NaiveDate;

    fn next(&mut self) -> Option<NaiveDate> {
        if self.done || self.emitted >= self.limit.count {
            self.done = true;
            return None;
        }
        loop {
            let Some(date) = self.next_candidate() else {
                self.done = true;
                return None;
            };
            if date < self.start {
                // Only days of the first week or month can fall before StartDate.
                continue;
            }
            if date > self.limit.last {
                self.done = true;
                return None;
            }
            self.emitted += 1;
            return Some(date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recurrence::pattern::{RecurFrequency, RecurrencePattern};
    use crate::time::NO_END_DATE;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn minutes(date: NaiveDate) -> u32 {
        naive_to_minutes(date.and_time(chrono::NaiveTime::MIN)).unwrap()
    }

    fn pattern(
        frequency: RecurFrequency,
        pattern_type: PatternType,
        specific: PatternTypeSpecific,
        period: u32,
        start: NaiveDate,
    ) -> RecurrencePattern {
        RecurrencePattern {
            reader_version: 0x3004,
            writer_version: 0x3004,
            recur_frequency: frequency,
            pattern_type,
            calendar_type: CalendarType::Default,
            first_date_time: 0,
            period,
            sliding_flag: 0,
            pattern_type_specific: specific,
            end_type: EndType::NeverEnd,
            occurrence_count: 10,
            first_dow: 0,
            deleted_instance_dates: vec![],
            modified_instance_dates: vec![],
            start_date: minutes(start),
            end_date: NO_END_DATE,
        }
    }

    #[test]
    fn walk_lists_exactly_the_dates_the_rule_matches() {
        // The walk steps through weeks and months; `Rule::matches` is arithmetic on one date. Over every
        // day of two years they must agree, for weekly masks with every FirstDOW and for every monthly
        // kind, including February of a leap year and of 1900 (not a leap year).
        let mut rules = Vec::new();
        for first_dow in 0..7 {
            for mask in [0x01, 0x22, 0x3E, 0x7F, 0x40] {
                rules.push((
                    PatternType::Week,
                    PatternTypeSpecific::Week { day_mask: mask },
                    2,
                    first_dow,
                ));
            }
        }
        for n in 1..=5 {
            rules.push((
                PatternType::MonthNth,
                PatternTypeSpecific::MonthNth { day_mask: 0x3E, n },
                1,
                0,
            ));
            rules.push((
                PatternType::MonthNth,
                PatternTypeSpecific::MonthNth { day_mask: 0x41, n },
                3,
                0,
            ));
        }
        for day in [1, 29, 30, 31] {
            rules.push((PatternType::Month, PatternTypeSpecific::Month { day }, 1, 0));
        }
        rules.push((
            PatternType::MonthEnd,
            PatternTypeSpecific::Month { day: 31 },
            1,
            0,
        ));
        for start in [ymd(1899, 11, 13), ymd(2023, 12, 28), ymd(2024, 1, 31)] {
            for &(pattern_type, specific, period, first_dow) in &rules {
                let mut p = pattern(
                    RecurFrequency::Weekly,
                    pattern_type,
                    specific,
                    period,
                    start,
                );
                p.first_dow = first_dow;
                let rule = Rule::from_pattern(&p).unwrap();
                let walked: Vec<NaiveDate> = occurrences(&p, 1000)
                    .unwrap()
                    .take_while(|d| *d < start + chrono::Days::new(731))
                    .collect();
                let matched: Vec<NaiveDate> = (0..731)
                    .map(|i| start + chrono::Days::new(i))
                    .filter(|d| rule.matches(start, *d))
                    .collect();
                assert_eq!(
                    walked, matched,
                    "{pattern_type:?} {specific:?} {first_dow} {start}"
                );
            }
        }
        for year in [1900, 2000, 2023, 2024] {
            for month in 1..=12 {
                let first = ymd(year, month, 1);
                let next = first.checked_add_months(Months::new(1)).unwrap();
                let days = u32::try_from((next - first).num_days()).unwrap();
                assert_eq!(days_in_month(year, month), days, "{year}-{month}");
            }
        }
    }

    #[test]
    fn occurrences_weekly_spec_example_4_1_1_1() {
        // [MS-OXOCAL] 4.1.1.1: every Mon/Thu/Fri from Monday 2007-03-26, ends after 12
        // occurrences, EndDate 2007-04-20.
        let mut p = pattern(
            RecurFrequency::Weekly,
            PatternType::Week,
            PatternTypeSpecific::Week { day_mask: 0x32 },
            1,
            ymd(2007, 3, 26),
        );
        p.end_type = EndType::EndAfterNOccurrences;
        p.occurrence_count = 12;
        let dates: Vec<_> = occurrences(&p, 1000).unwrap().collect();
        assert_eq!(dates.len(), 12);
        assert_eq!(dates[0], ymd(2007, 3, 26));
        assert_eq!(dates[1], ymd(2007, 3, 29));
        assert_eq!(dates[11], ymd(2007, 4, 20));
        assert_eq!(expected_first_date_time(&p), Ok(8640));
    }

    #[test]
    fn occurrences_monthnth_spec_example_4_1_1_4() {
        // [MS-OXOCAL] 4.1.1.4: the third weekend day every three months from 2008-02-09, ten
        // occurrences, EndDate 2010-05-08; FirstDateTime 44640 (one month: 1601-02-01).
        let mut p = pattern(
            RecurFrequency::Monthly,
            PatternType::MonthNth,
            PatternTypeSpecific::MonthNth {
                day_mask: 0x41,
                n: 3,
            },
            3,
            ymd(2008, 2, 9),
        );
        p.end_type = EndType::EndAfterNOccurrences;
        let dates: Vec<_> = occurrences(&p, 1000).unwrap().collect();
        assert_eq!(dates.len(), 10);
        assert_eq!(dates[1], ymd(2008, 5, 10));
        assert_eq!(dates[2], ymd(2008, 8, 9));
        assert_eq!(dates[9], ymd(2010, 5, 8));
        assert_eq!(expected_first_date_time(&p), Ok(44640));
    }

    #[test]
    fn occurrences_daily_every_three_days_spec_example_4_1_1_3() {
        // [MS-OXOCAL] 4.1.1.3: every three days from 2011-04-07 to 2011-05-04; the deleted
        // instances 2011-04-19 and 2011-04-22 are occurrences; FirstDateTime 1440.
        let mut p = pattern(
            RecurFrequency::Daily,
            PatternType::Day,
            PatternTypeSpecific::None,
            4320,
            ymd(2011, 4, 7),
        );
        p.end_type = EndType::EndAfterDate;
        p.end_date = minutes(ymd(2011, 5, 4));
        let dates: Vec<_> = occurrences(&p, 1000).unwrap().collect();
        assert_eq!(dates.first(), Some(&ymd(2011, 4, 7)));
        assert_eq!(dates.last(), Some(&ymd(2011, 5, 4)));
        assert_eq!(dates.len(), 10);
        assert!(is_occurrence(&p, ymd(2011, 4, 19)).unwrap());
        assert!(is_occurrence(&p, ymd(2011, 4, 22)).unwrap());
        assert!(!is_occurrence(&p, ymd(2011, 4, 20)).unwrap());
        assert!(!is_occurrence(&p, ymd(2011, 5, 7)).unwrap());
        assert_eq!(expected_first_date_time(&p), Ok(1440));
    }

    #[test]
    fn occurrences_month_day_31_falls_on_last_day() {
        // formats.md §9.23: day 31 in a 30-day month is the last day.
        let p = pattern(
            RecurFrequency::Monthly,
            PatternType::Month,
            PatternTypeSpecific::Month { day: 31 },
            1,
            ymd(2023, 1, 31),
        );
        let dates: Vec<_> = occurrences(&p, 4).unwrap().collect();
        assert_eq!(
            dates,
            [
                ymd(2023, 1, 31),
                ymd(2023, 2, 28),
                ymd(2023, 3, 31),
                ymd(2023, 4, 30)
            ]
        );
    }

    #[test]
    fn occurrences_month_end_and_last_weekday() {
        let p = pattern(
            RecurFrequency::Monthly,
            PatternType::MonthEnd,
            PatternTypeSpecific::Month { day: 31 },
            2,
            ymd(2024, 1, 31),
        );
        let dates: Vec<_> = occurrences(&p, 3).unwrap().collect();
        assert_eq!(
            dates,
            [ymd(2024, 1, 31), ymd(2024, 3, 31), ymd(2024, 5, 31)]
        );
        // The spec's own example: the last weekday of every two months (mask 0x3E, N 5).
        let p = pattern(
            RecurFrequency::Monthly,
            PatternType::MonthNth,
            PatternTypeSpecific::MonthNth {
                day_mask: 0x3E,
                n: 5,
            },
            2,
            ymd(2024, 3, 29),
        );
        let dates: Vec<_> = occurrences(&p, 3).unwrap().collect();
        assert_eq!(
            dates,
            [ymd(2024, 3, 29), ymd(2024, 5, 31), ymd(2024, 7, 31)]
        );
    }

    #[test]
    fn occurrences_yearly_and_first_date_time() {
        // msgreader "A yearly 1": Yearly/Month day 12, Period 12, StartDate 2022-12-12,
        // FirstDateTime 480960 (1601-12-01).
        let p = pattern(
            RecurFrequency::Yearly,
            PatternType::Month,
            PatternTypeSpecific::Month { day: 12 },
            12,
            ymd(2022, 12, 12),
        );
        assert_eq!(expected_first_date_time(&p), Ok(480_960));
        let dates: Vec<_> = occurrences(&p, 2).unwrap().collect();
        assert_eq!(dates, [ymd(2022, 12, 12), ymd(2023, 12, 12)]);
    }

    #[test]
    fn occurrences_every_weekday_and_first_dow() {
        // msgreader "A daily 1": Daily/Week mask 0x3E, FirstDateTime 8640.
        let p = pattern(
            RecurFrequency::Daily,
            PatternType::Week,
            PatternTypeSpecific::Week { day_mask: 0x3E },
            1,
            ymd(2022, 12, 12),
        );
        assert_eq!(expected_first_date_time(&p), Ok(8640));
        let dates: Vec<_> = occurrences(&p, 6).unwrap().collect();
        assert_eq!(dates[4], ymd(2022, 12, 16));
        assert_eq!(dates[5], ymd(2022, 12, 19));
        // OpenChange case 2: every two weeks on Tu/Th/F, weeks starting Monday, FirstDateTime 10080.
        let mut p = pattern(
            RecurFrequency::Weekly,
            PatternType::Week,
            PatternTypeSpecific::Week { day_mask: 0x34 },
            2,
            ymd(2015, 2, 27),
        );
        p.first_dow = 1;
        assert_eq!(expected_first_date_time(&p), Ok(10080));
        let dates: Vec<_> = occurrences(&p, 3).unwrap().collect();
        assert_eq!(
            dates,
            [ymd(2015, 2, 27), ymd(2015, 3, 10), ymd(2015, 3, 12)]
        );
    }

    #[test]
    fn occurrences_never_ending_stops_at_cap_and_4500() {
        let p = pattern(
            RecurFrequency::Daily,
            PatternType::Day,
            PatternTypeSpecific::None,
            1440,
            ymd(4500, 12, 29),
        );
        assert_eq!(occurrences(&p, 1_000_000).unwrap().count(), 3);
        let p = pattern(
            RecurFrequency::Daily,
            PatternType::Day,
            PatternTypeSpecific::None,
            1440,
            ymd(2000, 1, 1),
        );
        assert_eq!(occurrences(&p, 5).unwrap().count(), 5);
        assert_eq!(occurrences(&p, 0).unwrap().count(), 0);
    }

    #[test]
    fn occurrences_unsupported_calendars_and_patterns() {
        let mut p = pattern(
            RecurFrequency::Yearly,
            PatternType::Month,
            PatternTypeSpecific::Month { day: 3 },
            12,
            ymd(2008, 4, 8),
        );
        p.calendar_type = CalendarType::Hebrew;
        assert_eq!(
            occurrences(&p, 10).unwrap_err(),
            Unsupported::CalendarType(CalendarType::Hebrew)
        );
        p.calendar_type = CalendarType::Default;
        p.pattern_type = PatternType::HjMonth;
        let err = occurrences(&p, 10).unwrap_err();
        assert_eq!(err, Unsupported::PatternType(PatternType::HjMonth));
        assert!(err.to_string().contains("not supported"));
        p.pattern_type = PatternType::Month;
        p.period = 0;
        assert!(matches!(
            occurrences(&p, 10),
            Err(Unsupported::InvalidPattern(_))
        ));
    }
}

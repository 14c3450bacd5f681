//! Time helpers: minutes since 1601 (RTime) and FILETIME, to and from `chrono` values.
//!
//! Blob dates ([MS-OXOCAL] 2.2.1.44) are minutes since 1601-01-01 00:00 in the series' *local*
//! wall clock, so they convert to [`NaiveDateTime`]. PtypTime properties are FILETIMEs (100 ns
//! ticks since 1601-01-01 UTC), so they convert to `DateTime<Utc>`. Every function is total:
//! no input panics, and conversions back return `None` outside the representable range.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// Minutes in a day; blob dates must be multiples of this.
pub const MINUTES_PER_DAY: u32 = 1440;

/// Minutes in a week.
pub const MINUTES_PER_WEEK: u32 = 10_080;

/// The EndDate of a never-ending series: 4500-12-31 23:59 as minutes since 1601 ([MS-OXOCAL] 2.2.1.44.1).
pub const NO_END_DATE: u32 = 0x5AE9_80DF;

/// FILETIME ticks (100 ns) per second.
pub const TICKS_PER_SECOND: u64 = 10_000_000;

/// FILETIME ticks per minute.
pub const TICKS_PER_MINUTE: u64 = 600_000_000;

/// Seconds from 1601-01-01 to the Unix epoch.
pub const UNIX_EPOCH_SECONDS_SINCE_1601: i64 = 11_644_473_600;

/// FILETIME of 1995-01-01 00:00 UTC, CalCheck's "too early" boundary.
pub const FILETIME_1995_01_01: u64 = 0x01B9_B90A_9F21_C000;

/// FILETIME of 2025-01-01 00:00 UTC, the fixed "too late" boundary CalCheck v2.6 used.
pub const FILETIME_2025_01_01: u64 = 0x01DB_5BE0_19BA_4000;

/// FILETIME of 4500-12-31 23:59 UTC, Outlook's "no end" marker.
pub const FILETIME_4500_12_31_2359: u64 = 0x0CB3_4557_8019_FA00;

/// FILETIME of 4501-01-01 00:00 UTC.
pub const FILETIME_4501_01_01: u64 = 0x0CB3_4557_A3DD_4000;

/// FILETIME of 4501-01-02 00:00 UTC, CalCheck's "past the upper limit" boundary.
pub const FILETIME_4501_01_02: u64 = 0x0CB3_4620_CE47_0000;

/// 1601-01-01, built once at compile time: decoders convert blob dates by the thousand.
const EPOCH_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1601, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// 1601-01-01 00:00, the epoch of both RTime and FILETIME.
pub fn epoch_1601() -> NaiveDateTime {
    EPOCH_DATE.and_time(NaiveTime::MIN)
}

/// Minutes since 1601 (local wall clock) to a date and time.
///
/// Every `u32` is representable (the largest is in the year 9767).
pub fn minutes_to_naive(minutes: u32) -> NaiveDateTime {
    // The minute of the day is below 1440, so it is always a valid time of day.
    let time = NaiveTime::from_num_seconds_from_midnight_opt((minutes % MINUTES_PER_DAY) * 60, 0)
        .unwrap_or(NaiveTime::MIN);
    match days_after_epoch(minutes / MINUTES_PER_DAY) {
        Some(date) => date.and_time(time),
        None => NaiveDateTime::MAX,
    }
}

/// The date `days` days after 1601-01-01, counted from the start of the common era rather than added
/// day by day to the epoch.
fn days_after_epoch(days: u32) -> Option<NaiveDate> {
    let days = i32::try_from(days).ok()?;
    NaiveDate::from_num_days_from_ce_opt(EPOCH_DATE.num_days_from_ce().checked_add(days)?)
}

/// A date and time to minutes since 1601; `None` before 1601 or past the `u32` range.
///
/// Seconds and fractions are dropped (the value is floored to the minute).
pub fn naive_to_minutes(dt: NaiveDateTime) -> Option<u32> {
    let epoch = epoch_1601();
    if dt < epoch {
        return None;
    }
    u32::try_from(dt.signed_duration_since(epoch).num_minutes()).ok()
}

/// The calendar date of a minutes-since-1601 value.
pub fn minutes_to_date(minutes: u32) -> NaiveDate {
    days_after_epoch(minutes / MINUTES_PER_DAY).unwrap_or(NaiveDate::MAX)
}

/// FILETIME (100 ns ticks since 1601-01-01 UTC) to a UTC time.
///
/// Every `u64` is representable (the largest is in the year 60056).
pub fn filetime_to_utc(ticks: u64) -> DateTime<Utc> {
    let secs = (ticks / TICKS_PER_SECOND) as i64 - UNIX_EPOCH_SECONDS_SINCE_1601;
    let nanos = (ticks % TICKS_PER_SECOND) as u32 * 100;
    DateTime::from_timestamp(secs, nanos).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// A UTC time to FILETIME; `None` before 1601 or past the `u64` range.
///
/// Sub-100 ns parts are dropped.
pub fn utc_to_filetime(dt: DateTime<Utc>) -> Option<u64> {
    let secs = dt.timestamp().checked_add(UNIX_EPOCH_SECONDS_SINCE_1601)?;
    let secs = u64::try_from(secs).ok()?;
    let ticks = secs.checked_mul(TICKS_PER_SECOND)?;
    ticks.checked_add(u64::from(dt.timestamp_subsec_nanos() / 100))
}

/// FILETIME to minutes since 1601 (floored); `None` past the `u32` range.
pub fn filetime_to_minutes(ticks: u64) -> Option<u32> {
    u32::try_from(ticks / TICKS_PER_MINUTE).ok()
}

/// Minutes since 1601 to FILETIME. Every `u32` fits.
pub fn minutes_to_filetime(minutes: u32) -> u64 {
    u64::from(minutes) * TICKS_PER_MINUTE
}

/// Formats minutes since 1601 as `YYYY-MM-DD HH:MM` (the blob's own local wall clock).
pub fn format_minutes(minutes: u32) -> String {
    minutes_to_naive(minutes)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Formats a FILETIME as `YYYY-MM-DD HH:MM:SS[.fffffff] UTC`.
pub fn format_filetime(ticks: u64) -> String {
    let dt = filetime_to_utc(ticks);
    let frac = ticks % TICKS_PER_SECOND;
    if frac == 0 {
        dt.format("%Y-%m-%d %H:%M:%S UTC").to_string()
    } else {
        format!("{}.{frac:07} UTC", dt.format("%Y-%m-%d %H:%M:%S"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Days, TimeDelta, Timelike, Weekday};

    fn ymd_hm(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn minutes_epoch_is_monday_1601() {
        // [MS-OXOCAL] 2.2.1.44.1.1: minute 0 is 1601-01-01 00:00, which was a Monday.
        let t = minutes_to_naive(0);
        assert_eq!(t, ymd_hm(1601, 1, 1, 0, 0));
        assert_eq!(t.weekday(), Weekday::Mon);
        assert_eq!(naive_to_minutes(t), Some(0));
    }

    #[test]
    fn minutes_no_end_date_is_4500_12_31_2359() {
        // [MS-OXOCAL] 2.2.1.44.1: a never-ending series has EndDate 0x5AE980DF = 4500-12-31 23:59.
        assert_eq!(minutes_to_naive(NO_END_DATE), ymd_hm(4500, 12, 31, 23, 59));
        assert_eq!(
            naive_to_minutes(ymd_hm(4500, 12, 31, 23, 59)),
            Some(NO_END_DATE)
        );
        assert_eq!(
            naive_to_minutes(ymd_hm(4501, 1, 1, 0, 0)),
            Some(NO_END_DATE + 1)
        );
    }

    #[test]
    fn minutes_spec_example_dates() {
        // [MS-OXOCAL] 4.1.1.1: StartDate 0x0CBC2080 is 2007-03-26, EndDate 0x0CBCAD20 is 2007-04-20.
        assert_eq!(minutes_to_naive(0x0CBC_2080), ymd_hm(2007, 3, 26, 0, 0));
        assert_eq!(minutes_to_naive(0x0CBC_AD20), ymd_hm(2007, 4, 20, 0, 0));
        // MFCMAPI APPOINTMENTRECURRENCEPATTERN-1: 0x0CDB6DE6 = 02:30 PM 2/17/2011.
        assert_eq!(minutes_to_naive(0x0CDB_6DE6), ymd_hm(2011, 2, 17, 14, 30));
    }

    #[test]
    fn minutes_agree_with_chrono_arithmetic_from_the_epoch() {
        // The conversion counts days from the common era; chrono's own addition of days and minutes
        // to 1601-01-01 must give the same instant everywhere in the u32 range.
        let epoch = NaiveDate::from_ymd_opt(1601, 1, 1)
            .unwrap()
            .and_time(NaiveTime::MIN);
        let mut m: u32 = 0;
        loop {
            let want = epoch
                .checked_add_days(Days::new(u64::from(m / MINUTES_PER_DAY)))
                .unwrap()
                + TimeDelta::minutes(i64::from(m % MINUTES_PER_DAY));
            assert_eq!(minutes_to_naive(m), want, "{m}");
            assert_eq!(minutes_to_date(m), want.date(), "{m}");
            let Some(next) = m.checked_add(999_983) else {
                break;
            };
            m = next;
        }
        for m in [1, 1439, 1440, 1441, u32::MAX - 1, u32::MAX] {
            let want = epoch + TimeDelta::minutes(i64::from(m));
            assert_eq!(minutes_to_naive(m), want, "{m}");
        }
    }

    #[test]
    fn minutes_extremes_do_not_panic() {
        let t = minutes_to_naive(u32::MAX);
        assert_eq!(naive_to_minutes(t), Some(u32::MAX));
        assert_eq!(naive_to_minutes(ymd_hm(1600, 12, 31, 23, 59)), None);
        assert_eq!(naive_to_minutes(t + TimeDelta::minutes(1)), None);
    }

    #[test]
    fn filetime_calcheck_boundaries() {
        // The FILETIME constants CalCheck (ProcessCalendar.cpp) compares against.
        let cases = [
            (FILETIME_1995_01_01, ymd_hm(1995, 1, 1, 0, 0)),
            (FILETIME_2025_01_01, ymd_hm(2025, 1, 1, 0, 0)),
            (FILETIME_4500_12_31_2359, ymd_hm(4500, 12, 31, 23, 59)),
            (FILETIME_4501_01_01, ymd_hm(4501, 1, 1, 0, 0)),
            (FILETIME_4501_01_02, ymd_hm(4501, 1, 2, 0, 0)),
        ];
        for (ft, want) in cases {
            assert_eq!(filetime_to_utc(ft).naive_utc(), want, "{ft:#x}");
            assert_eq!(utc_to_filetime(want.and_utc()), Some(ft));
        }
        assert_eq!(
            filetime_to_minutes(FILETIME_4500_12_31_2359),
            Some(NO_END_DATE)
        );
        assert_eq!(minutes_to_filetime(NO_END_DATE), FILETIME_4500_12_31_2359);
    }

    #[test]
    fn filetime_zero_is_1601_and_extremes_total() {
        assert_eq!(filetime_to_utc(0).naive_utc(), ymd_hm(1601, 1, 1, 0, 0));
        assert_eq!(utc_to_filetime(filetime_to_utc(0)), Some(0));
        let max = filetime_to_utc(u64::MAX);
        assert_eq!(utc_to_filetime(max), Some(u64::MAX));
        assert_eq!(
            utc_to_filetime(ymd_hm(1600, 12, 31, 23, 59).and_utc()),
            None
        );
        assert_eq!(filetime_to_minutes(u64::MAX), None);
    }

    #[test]
    fn filetime_keeps_sub_second_ticks() {
        // aspose__SampleOstFile.ost carries StartWhole values such as 21:54:25.7457241.
        let t = filetime_to_utc(FILETIME_2025_01_01 + 7_457_241);
        assert_eq!(t.nanosecond(), 745_724_100);
        assert_eq!(utc_to_filetime(t), Some(FILETIME_2025_01_01 + 7_457_241));
        assert_eq!(
            format_filetime(FILETIME_2025_01_01 + 7_457_241),
            "2025-01-01 00:00:00.7457241 UTC"
        );
    }
}

//! Recurrence blobs: PidLidAppointmentRecur and PidLidTaskRecurrence ([MS-OXOCAL] 2.2.1.44).
//!
//! * [`decode_recurrence_pattern`] reads a bare [`RecurrencePattern`] ([MS-OXOCAL] 2.2.1.44.1),
//!   the whole of PidLidTaskRecurrence.
//! * [`decode_appointment_recurrence`] reads an [`AppointmentRecurrencePattern`]
//!   ([MS-OXOCAL] 2.2.1.44.5): the pattern, the 0x3006 tail, the [`ExceptionInfo`] and
//!   [`ExtendedException`] arrays.
//! * [`encode`] writes both structures back, byte for byte, including inconsistent values.
//! * [`expand`] lists the occurrence dates of a Gregorian pattern.
//!
//! Decoding returns [`crate::Error`] only when the RecurrencePattern itself cannot be read (it
//! ends inside a fixed field, or an instance count cannot fit). Everything after the pattern is
//! decoded as far as the bytes go; a short tail becomes a [`crate::DiagKind::TruncatedTail`]
//! diagnostic and [`Truncation`] says where the blob ended. Every rule the blob breaks is
//! reported as a [`crate::Diagnostic`]; `docs/formats/recurrence.md` lists them with their
//! severities and the real data behind each choice.

pub mod appointment;
pub mod encode;
pub mod expand;
pub mod pattern;

pub use appointment::{
    AnsiString, AppointmentRecurrencePattern, ChangeHighlight, ExceptionInfo, ExtendedException,
    OverrideFlags, TailSection, Truncation, WideString, decode_appointment_recurrence,
    decode_appointment_recurrence_with_codepage,
};
pub use encode::{encode_appointment_recurrence, encode_recurrence_pattern};
pub use expand::{Occurrences, Unsupported, occurrences};
pub use pattern::{
    CalendarType, EndType, PatternType, PatternTypeSpecific, RecurFrequency, RecurrencePattern,
    decode_recurrence_pattern,
};

/// Day-of-week bits of the Week and MonthNth PatternTypeSpecific fields ([MS-OXOCAL] 2.2.1.44.1.2).
///
/// Sunday is the lowest bit. The spec draws its bit diagram most significant bit first, which
/// some readers misread (formats.md §9.6); the values here are the ones real blobs carry.
pub mod day_mask {
    use chrono::Weekday;

    /// Sunday.
    pub const SU: u32 = 0x01;
    /// Monday.
    pub const M: u32 = 0x02;
    /// Tuesday.
    pub const TU: u32 = 0x04;
    /// Wednesday.
    pub const W: u32 = 0x08;
    /// Thursday.
    pub const TH: u32 = 0x10;
    /// Friday.
    pub const F: u32 = 0x20;
    /// Saturday.
    pub const SA: u32 = 0x40;
    /// Monday to Friday, the mask of "every weekday" patterns.
    pub const WEEKDAYS: u32 = 0x3E;
    /// Saturday and Sunday.
    pub const WEEKEND: u32 = 0x41;
    /// Every defined bit; anything above is invalid.
    pub const ALL: u32 = 0x7F;

    /// Short names in bit order, as `(bit, name)`.
    pub const NAMES: [(u32, &str); 7] = [
        (SU, "Su"),
        (M, "M"),
        (TU, "Tu"),
        (W, "W"),
        (TH, "Th"),
        (F, "F"),
        (SA, "Sa"),
    ];

    /// The bit of one weekday.
    pub fn bit(day: Weekday) -> u32 {
        1 << day.num_days_from_sunday()
    }

    /// True when `mask` includes `day`.
    pub fn contains(mask: u32, day: Weekday) -> bool {
        mask & bit(day) != 0
    }

    /// The names of the days set in `mask`, Sunday first (undefined bits are ignored).
    pub fn names(mask: u32) -> Vec<&'static str> {
        NAMES
            .iter()
            .filter(|(b, _)| mask & b != 0)
            .map(|(_, n)| *n)
            .collect()
    }

    /// The days set in `mask` joined with `|`, e.g. `Su|Th`; `-` for none.
    pub fn format(mask: u32) -> String {
        let names = names(mask);
        if names.is_empty() {
            "-".to_owned()
        } else {
            names.join("|")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::day_mask;
    use chrono::Weekday;

    #[test]
    fn day_mask_sunday_is_lowest_bit() {
        // formats.md §9.6: Su = 0x01 ... Sa = 0x40; hughbe's Su|Th blob stores 0x11.
        assert_eq!(day_mask::bit(Weekday::Sun), 0x01);
        assert_eq!(day_mask::bit(Weekday::Sat), 0x40);
        assert_eq!(day_mask::format(0x11), "Su|Th");
        assert_eq!(day_mask::format(day_mask::WEEKDAYS), "M|Tu|W|Th|F");
        assert_eq!(day_mask::format(0), "-");
        assert!(day_mask::contains(0x32, Weekday::Thu));
        assert!(!day_mask::contains(0x32, Weekday::Wed));
    }
}

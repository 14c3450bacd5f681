//! Facts about an item that several checks share: meeting state, recurrence, all-day and "birthday"
//! exemptions, the future window, and CalCheck's time classes ([MS-OXOCAL] 2.2.1, CalCheck `TimeCheck`).
//!
//! Each fact is computed the same way for every check, so two checks never disagree about, say, whether
//! an item is a meeting.

use calcheck_format::props::PropValue;
use calcheck_format::time;
use calcheck_model::{CalendarItem, PropertyBag, Recipient, names};

use crate::context::describe;
use crate::finding::Finding;

/// asfMeeting: the item is a meeting ([MS-OXOCAL] 2.2.1.10).
pub const ASF_MEETING: i32 = 0x1;
/// asfReceived: the item was received (this mailbox is an attendee).
pub const ASF_RECEIVED: i32 = 0x2;
/// asfCanceled: the meeting was canceled.
pub const ASF_CANCELED: i32 = 0x4;
/// asfForward: the item was forwarded (CalCheck's and MFCMAPI's name; not in the spec's table).
pub const ASF_FORWARD: i32 = 0x8;
/// auxApptFlagCopied: the item is a copy; Outlook removes the GlobalObjectIds of copies by design.
pub const AUX_COPIED: i32 = 0x1;
/// recipOrganizer in PR_RECIPIENT_FLAGS ([MS-OXOCAL] 2.2.4.10).
pub const RECIP_ORGANIZER: i32 = 0x2;
/// MSGSTATUS_IN_CONFLICT in PR_MSG_STATUS.
pub const MSGSTATUS_IN_CONFLICT: i32 = 0x800;

/// PidLidAppointmentStateFlags, or 0 when absent (CalCheck's default).
pub fn state_flags(item: &CalendarItem) -> i32 {
    item.facts().state_flags.unwrap_or(0)
}

/// True when asfMeeting is set.
pub fn is_meeting(item: &CalendarItem) -> bool {
    state_flags(item) & ASF_MEETING != 0
}

/// True when this mailbox organized the meeting: asfMeeting set, asfReceived and asfForward clear
/// (CalCheck's `FAsfOrgdMtg`).
pub fn is_organized_by_me(item: &CalendarItem) -> bool {
    let f = state_flags(item);
    f & ASF_MEETING != 0 && f & (ASF_RECEIVED | ASF_FORWARD) == 0
}

/// PidLidRecurring is true (the only authoritative recurrence flag, formats.md §9.19).
pub fn is_recurring(item: &CalendarItem) -> bool {
    item.facts().recurring.unwrap_or(false)
}

/// PidLidAppointmentSubType is true (an all-day event).
pub fn is_all_day(item: &CalendarItem) -> bool {
    item.props
        .bool(&names::APPOINTMENT_SUB_TYPE)
        .unwrap_or(false)
}

/// The subject as displayed (the PST prefix marker removed), or `None` when absent or not a string.
pub fn subject(item: &CalendarItem) -> Option<String> {
    item.props
        .str(&names::SUBJECT)
        .map(calcheck_model::item::display_subject)
}

/// The words CalCheck treats as "this is a birthday" (English, French, German, Spanish), lowercase.
const BIRTHDAY_WORDS: [&str; 5] = [
    "birthday",
    "b-day",
    "anniversaire",
    "geburtstag",
    "cumpleaños",
];

/// The subject as displayed, borrowed from the item (see [`subject`]).
pub fn subject_str(item: &CalendarItem) -> Option<&str> {
    item.props
        .str(&names::SUBJECT)
        .map(calcheck_model::item::display_subject_str)
}

/// True when the subject contains one of CalCheck's birthday words (case-insensitive).
pub fn has_birthday_text(item: &CalendarItem) -> bool {
    subject_str(item).is_some_and(|s| contains_any_lowercase(s, &BIRTHDAY_WORDS))
}

/// True when `text`, lowercased, contains one of `words` (which are lowercase), as
/// `text.to_lowercase().contains(word)` says. ASCII text, the common case, is compared in place; other
/// text is lowercased first, because Unicode lowercasing can turn a non-ASCII character into ASCII
/// letters (KELVIN SIGN into `k`).
pub fn contains_any_lowercase(text: &str, words: &[&str]) -> bool {
    if !text.is_ascii() {
        let lower = text.to_lowercase();
        return words.iter().any(|w| lower.contains(w));
    }
    let hay = text.as_bytes();
    words.iter().any(|w| {
        let w = w.as_bytes();
        // An ASCII text cannot contain a non-ASCII word.
        w.is_ascii()
            && (w.is_empty() || hay.windows(w.len()).any(|win| win.eq_ignore_ascii_case(w)))
    })
}

/// `text.to_ascii_uppercase().starts_with(prefix)` for an ASCII `prefix`, without the copy.
pub fn starts_with_ignore_ascii_case(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// True when the "unusual date" warnings skip the item: CalCheck exempts all-day events and items
/// whose subject names a birthday, because both are legitimately decades in the past or future.
pub fn exempt_from_date_warnings(item: &CalendarItem) -> bool {
    is_all_day(item) || has_birthday_text(item)
}

/// True when the item is recurring or ends at or after `now` (CalCheck's "current" items, for which the
/// subject and message-class warnings are worth raising). A missing end counts as the distant past,
/// as in CalCheck.
pub fn is_current(item: &CalendarItem, now: u64) -> bool {
    is_recurring(item) || item.facts().end.is_some_and(|end| end >= now)
}

/// CalCheck's classes of a start or end time (`TimeCheck` for single items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeClass {
    /// FILETIME 0 (1601-01-01 00:00).
    Zero,
    /// At or before 1995-01-01 00:00.
    Early,
    /// After the future limit (now + `Options::future_years`).
    Late,
    /// At or after 4501-01-02 00:00, past anything Outlook can show.
    PastUpperLimit,
    /// None of the above.
    Normal,
}

/// Classifies a single item's start or end time as CalCheck's `TimeCheck` does, with the fixed
/// 2025-01-01 threshold replaced by `future_limit`.
pub fn classify_time(ft: u64, future_limit: u64) -> TimeClass {
    if ft == 0 {
        TimeClass::Zero
    } else if ft <= time::FILETIME_1995_01_01 {
        TimeClass::Early
    } else if ft >= time::FILETIME_4501_01_02 {
        TimeClass::PastUpperLimit
    } else if ft > future_limit {
        TimeClass::Late
    } else {
        TimeClass::Normal
    }
}

/// True when the recipient row carries recipOrganizer.
pub fn is_organizer_row(r: &Recipient) -> bool {
    r.props
        .i32(&names::RECIPIENT_FLAGS)
        .is_some_and(|f| f & RECIP_ORGANIZER != 0)
}

/// How a recipient row is named in messages: display name, else address, else its row number.
pub fn recipient_label(r: &Recipient) -> String {
    r.props
        .str(&names::DISPLAY_NAME)
        .filter(|s| !s.is_empty())
        .or_else(|| r.props.str(&names::EMAIL_ADDRESS).filter(|s| !s.is_empty()))
        .map_or_else(|| format!("row {}", r.row), |s| format!("{s:?}"))
}

/// Adds a recipient row's property as evidence, named `recipient <row> <property>`.
pub fn recipient_evidence(f: &mut Finding, r: &Recipient, def: &names::PropDef) {
    let value = match r.props.get(def) {
        Some(p) => describe(p),
        None => "(missing)".to_owned(),
    };
    f.evidence(format!("recipient {} {}", r.row, def.name), value);
}

/// A string property that is present, a string, and not empty.
pub fn non_empty<'a>(bag: &'a PropertyBag, def: &names::PropDef) -> Option<&'a str> {
    bag.str(def).filter(|s| !s.is_empty())
}

/// True when the property is stored as a PtypErrorCode placeholder (a value the writer could not produce).
pub fn is_error_value(bag: &PropertyBag, def: &names::PropDef) -> bool {
    bag.get(def)
        .is_some_and(|p| matches!(p.value, PropValue::ErrorCode(_)))
}

/// Reports one finding of `check` listing every recipient row whose `field` is damaged (an error
/// placeholder), or missing or empty while the row has `partner`: the row claims to be resolved but is
/// incomplete. Rows with neither are unresolved names and are left alone. CC409 (address type next to an
/// address) and CC410 (address next to an address type) are the two directions of this rule.
pub fn report_incomplete_recipient_rows(
    check: &impl crate::meta::CheckInfo,
    item: &CalendarItem,
    cx: &mut crate::context::ItemCx<'_>,
    field: &names::PropDef,
    partner: &names::PropDef,
    message: &str,
) {
    // One lookup of `field` answers both "damaged" and "missing or empty"; the partner is read only for
    // the few rows without the field.
    let bad: Vec<&Recipient> = item
        .recipients
        .iter()
        .filter(|r| match r.props.get(field).map(|p| &p.value) {
            Some(PropValue::ErrorCode(_)) => true,
            Some(v) if v.as_str().is_some_and(|s| !s.is_empty()) => false,
            _ => non_empty(&r.props, partner).is_some(),
        })
        .collect();
    if bad.is_empty() {
        return;
    }
    let who: Vec<String> = bad.iter().map(|r| recipient_label(r)).collect();
    let f = cx.report(check, message);
    f.detail(format!("rows: {}", who.join(", ")));
    for r in bad {
        recipient_evidence(f, r, &names::ADDRESS_TYPE);
        recipient_evidence(f, r, &names::EMAIL_ADDRESS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_search_matches_to_lowercase_contains() {
        let words = BIRTHDAY_WORDS;
        assert!(contains_any_lowercase("Anna's BIRTHDAY party", &words));
        assert!(contains_any_lowercase("Geburtstag Oma", &words));
        assert!(contains_any_lowercase("CUMPLEAÑOS de Ana", &words));
        assert!(!contains_any_lowercase("Weekly sync", &words));
        assert!(!contains_any_lowercase("", &words));
        // Unicode lowercases KELVIN SIGN (U+212A) to an ASCII `k`, so non-ASCII text is lowercased whole.
        assert!("\u{212A}elvin".to_lowercase().contains("kelvin"));
        assert!(contains_any_lowercase("\u{212A}elvin", &["kelvin"]));
        assert!(starts_with_ignore_ascii_case(
            "ipm.Appointment.X",
            "IPM.APPOINTMENT"
        ));
        assert!(!starts_with_ignore_ascii_case(
            "IPM.Appoint",
            "IPM.APPOINTMENT"
        ));
        assert!(!starts_with_ignore_ascii_case(
            "IPM.Äppointment",
            "IPM.APPOINTMENT"
        ));
    }

    #[test]
    fn classify_time_uses_calchecks_bounds() {
        let limit = time::FILETIME_2025_01_01;
        assert_eq!(classify_time(0, limit), TimeClass::Zero);
        // CalCheck's ftLow comparison is "earlier or equal".
        assert_eq!(
            classify_time(time::FILETIME_1995_01_01, limit),
            TimeClass::Early
        );
        assert_eq!(
            classify_time(time::FILETIME_1995_01_01 + 1, limit),
            TimeClass::Normal
        );
        // ftClipEndPlus is inclusive for single items.
        assert_eq!(
            classify_time(time::FILETIME_4501_01_02, limit),
            TimeClass::PastUpperLimit
        );
        assert_eq!(
            classify_time(time::FILETIME_4501_01_02 - 1, limit),
            TimeClass::Late
        );
        assert_eq!(classify_time(limit, limit), TimeClass::Normal);
        assert_eq!(classify_time(limit + 1, limit), TimeClass::Late);
    }
}

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

/// What one pass over an item's own recipient rows says about the recipient-table checks: for each
/// of them, whether some row could give it a finding.
///
/// Six checks read the same few properties of every row (display name, address, address type,
/// flags) and nearly always find nothing; each looked them up again and built its own list of rows.
/// The screen reads them once per item, and a check whose bit is clear returns at once. A set bit
/// only says "look": the check then runs exactly as before, so a screen that says "look" too often
/// would cost time but never change a finding, while every bit is set whenever its check would
/// report (the tests compare the two).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecipientScreen {
    bits: u8,
}

impl RecipientScreen {
    /// A row lacks a non-empty display name (CC411).
    pub const MISSING_DISPLAY_NAME: u8 = 1;
    /// A row's address is damaged, or missing or empty next to an address type (CC410).
    pub const BAD_ADDRESS: u8 = 1 << 1;
    /// A row's address type is damaged, or missing or empty next to an address (CC409).
    pub const BAD_ADDRESS_TYPE: u8 = 1 << 2;
    /// An organizer row lacks a non-empty address (CC412).
    pub const ORGANIZER_WITHOUT_ADDRESS: u8 = 1 << 3;
    /// A row's non-empty address type is neither `EX` nor `SMTP` (CC414, which also needs a meeting).
    pub const ODD_ADDRESS_TYPE: u8 = 1 << 4;
    /// Two rows share an address (CC413 compares their whole keys then).
    pub const REPEATED_ADDRESS: u8 = 1 << 5;

    /// Every bit: each check looks at the rows.
    #[cfg(test)]
    pub(crate) const ALL: RecipientScreen = RecipientScreen { bits: u8::MAX };

    /// Rows whose addresses are compared on the stack; a longer table sets
    /// [`RecipientScreen::REPEATED_ADDRESS`] and leaves the comparison to CC413. Meetings mostly
    /// have a few attendees, and a larger array cost more to clear than the lookups it saves.
    const STACK_ROWS: usize = 8;

    /// Screens the rows of `item` (not those of its exceptions).
    pub fn of(item: &CalendarItem) -> Self {
        let rows = &item.recipients;
        let mut bits = 0;
        let mut addresses = [""; Self::STACK_ROWS];
        if rows.len() > Self::STACK_ROWS {
            bits |= Self::REPEATED_ADDRESS;
        }
        for (i, r) in rows.iter().enumerate() {
            let p = &r.props;
            // Each value is read once and judged as the checks judge it: `bag.str` hides a
            // PtypErrorCode placeholder, and an empty string counts as missing.
            let address = p.get(&names::EMAIL_ADDRESS).map(|p| &p.value);
            let address_type = p.get(&names::ADDRESS_TYPE).map(|p| &p.value);
            let address_ok = text(address).is_some_and(|s| !s.is_empty());
            let type_text = text(address_type).filter(|s| !s.is_empty());
            if non_empty(p, &names::DISPLAY_NAME).is_none() {
                bits |= Self::MISSING_DISPLAY_NAME;
            }
            if damaged(address) || (!address_ok && type_text.is_some()) {
                bits |= Self::BAD_ADDRESS;
            }
            if damaged(address_type) || (type_text.is_none() && address_ok) {
                bits |= Self::BAD_ADDRESS_TYPE;
            }
            if !address_ok && is_organizer_row(r) {
                bits |= Self::ORGANIZER_WITHOUT_ADDRESS;
            }
            if type_text
                .is_some_and(|t| !t.eq_ignore_ascii_case("EX") && !t.eq_ignore_ascii_case("SMTP"))
            {
                bits |= Self::ODD_ADDRESS_TYPE;
            }
            // CC413's address of a row: the string, empty when missing or damaged.
            let shown = text(address).unwrap_or("");
            if addresses
                .get(..i)
                .is_some_and(|before| before.contains(&shown))
            {
                bits |= Self::REPEATED_ADDRESS;
            }
            if let Some(slot) = addresses.get_mut(i) {
                *slot = shown;
            }
        }
        RecipientScreen { bits }
    }

    /// True when the check of `bit` must look at the rows.
    pub fn may(self, bit: u8) -> bool {
        self.bits & bit != 0
    }
}

/// A value's text, as `bag.str` gives it for a value that is not a PtypErrorCode placeholder.
fn text(value: Option<&PropValue>) -> Option<&str> {
    value.and_then(PropValue::as_str)
}

/// True for a PtypErrorCode placeholder.
fn damaged(value: Option<&PropValue>) -> bool {
    matches!(value, Some(PropValue::ErrorCode(_)))
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

    /// A recipient row from (display name, address, address type, flags); `Err(code)` stores a
    /// PtypErrorCode placeholder instead of the string.
    fn row(
        n: u32,
        display: Option<Result<&str, u32>>,
        address: Option<Result<&str, u32>>,
        address_type: Option<Result<&str, u32>>,
        flags: Option<i32>,
    ) -> Recipient {
        let mut r = Recipient {
            row: n,
            ..Recipient::default()
        };
        let mut put = |def: &names::PropDef, v: Option<Result<&str, u32>>| {
            let value = match v {
                None => return,
                Some(Ok(s)) => PropValue::Unicode(s.into()),
                Some(Err(code)) => PropValue::ErrorCode(code),
            };
            r.props.insert(calcheck_model::Property::new(
                def.key.to_key(),
                0x001F,
                value,
            ));
        };
        put(&names::DISPLAY_NAME, display);
        put(&names::EMAIL_ADDRESS, address);
        put(&names::ADDRESS_TYPE, address_type);
        if let Some(f) = flags {
            r.props.insert(calcheck_model::Property::new(
                names::RECIPIENT_FLAGS.key.to_key(),
                0x0003,
                PropValue::I32(f),
            ));
        }
        r
    }

    /// A meeting (asfMeeting) with `rows` as its recipient table.
    fn meeting(rows: Vec<Recipient>) -> CalendarItem {
        use std::path::Path;
        use std::sync::Arc;
        let mut item = CalendarItem::new(calcheck_model::ItemRef::new(
            Arc::from(Path::new("x.msg")),
            "",
            calcheck_model::Locator::MsgFile,
        ));
        item.props.insert(calcheck_model::Property::new(
            names::APPOINTMENT_STATE_FLAGS.key.to_key(),
            0x0003,
            PropValue::I32(ASF_MEETING),
        ));
        item.recipients = rows;
        item
    }

    #[test]
    fn recipient_screen_flags_the_rows_each_check_reports() {
        const NOT_FOUND: u32 = 0x8004_010F;
        let alice = || {
            row(
                0,
                Some(Ok("Alice")),
                Some(Ok("alice@example.com")),
                Some(Ok("SMTP")),
                Some(1),
            )
        };
        // Resolved rows with distinct addresses and EX or SMTP types: nothing to look at.
        let ex = row(
            1,
            Some(Ok("Bob")),
            Some(Ok("/o=Contoso/cn=Bob")),
            Some(Ok("EX")),
            Some(RECIP_ORGANIZER),
        );
        let screen = RecipientScreen::of(&meeting(vec![alice(), ex]));
        assert_eq!(screen, RecipientScreen::default());
        // [MS-OXOCAL] 2.2.4.10: recipOrganizer (0x2) on a row without an address.
        let organizer = row(1, Some(Ok("Org")), None, None, Some(RECIP_ORGANIZER));
        assert_eq!(
            RecipientScreen::of(&meeting(vec![alice(), organizer])).bits,
            RecipientScreen::ORGANIZER_WITHOUT_ADDRESS
        );
        // An address type other than EX or SMTP, an empty display name, and a repeated address.
        let x400 = row(
            1,
            Some(Ok("")),
            Some(Ok("alice@example.com")),
            Some(Ok("X400")),
            None,
        );
        assert_eq!(
            RecipientScreen::of(&meeting(vec![alice(), x400])).bits,
            RecipientScreen::ODD_ADDRESS_TYPE
                | RecipientScreen::MISSING_DISPLAY_NAME
                | RecipientScreen::REPEATED_ADDRESS
        );
        // A damaged address next to a type, and a missing type next to an address.
        let damaged = row(
            1,
            Some(Ok("D")),
            Some(Err(NOT_FOUND)),
            Some(Ok("SMTP")),
            None,
        );
        let untyped = row(2, Some(Ok("U")), Some(Ok("u@example.com")), None, None);
        assert_eq!(
            RecipientScreen::of(&meeting(vec![alice(), damaged, untyped])).bits,
            RecipientScreen::BAD_ADDRESS | RecipientScreen::BAD_ADDRESS_TYPE
        );
    }

    #[test]
    fn recipient_screen_never_hides_a_finding() {
        use crate::checks::{
            DuplicateRecipients, OrganizerRowWithoutAddress, RecipientBadAddress,
            RecipientBadAddressType, RecipientMissingDisplayName, UnusualAddressType,
        };
        use crate::context::{ItemCx, Options};
        use crate::engine::Check;
        // Every combination of these values on two rows: a check run without the screen reports only
        // when its bit is set, and with the screen it reports the same.
        let texts: [Option<Result<&str, u32>>; 4] =
            [None, Some(Ok("")), Some(Ok("x")), Some(Err(0x8004_010F))];
        let types: [Option<Result<&str, u32>>; 5] = [
            None,
            Some(Ok("")),
            Some(Ok("SMTP")),
            Some(Ok("fax")),
            Some(Err(0x8004_010F)),
        ];
        let checks: [(&dyn Check, u8); 6] = [
            (
                &RecipientMissingDisplayName,
                RecipientScreen::MISSING_DISPLAY_NAME,
            ),
            (&RecipientBadAddress, RecipientScreen::BAD_ADDRESS),
            (&RecipientBadAddressType, RecipientScreen::BAD_ADDRESS_TYPE),
            (
                &OrganizerRowWithoutAddress,
                RecipientScreen::ORGANIZER_WITHOUT_ADDRESS,
            ),
            (&UnusualAddressType, RecipientScreen::ODD_ADDRESS_TYPE),
            (&DuplicateRecipients, RecipientScreen::REPEATED_ADDRESS),
        ];
        let options = Options::at(0);
        let source = calcheck_model::SourceInfo {
            path: std::sync::Arc::from(std::path::Path::new("x.msg")),
            kind: calcheck_model::SourceKind::Msg,
            display_name: None,
            mailbox_owner: None,
            folders: Vec::new(),
            notes: Vec::new(),
        };
        let mut cases = 0;
        // Per check: some combination gave a finding, some gave none.
        let mut seen = [[false; 2]; 6];
        for d in texts {
            for a in texts {
                for t in types {
                    for flags in [None, Some(RECIP_ORGANIZER)] {
                        let other = row(0, Some(Ok("x")), a, Some(Ok("SMTP")), None);
                        let item = meeting(vec![other, row(1, d, a, t, flags)]);
                        let screen = RecipientScreen::of(&item);
                        for ((check, bit), seen) in checks.iter().zip(&mut seen) {
                            let bit = *bit;
                            let mut cx = ItemCx::unscreened(&options, &source, &item);
                            check.check_item(&item, &mut cx);
                            let reported = !cx.into_findings().is_empty();
                            // A repeated address only makes CC413 compare whole rows; every
                            // other bit is set exactly when its check reports.
                            if bit == RecipientScreen::REPEATED_ADDRESS {
                                assert!(!reported || screen.may(bit), "{d:?} {a:?} {t:?}");
                            } else {
                                assert_eq!(
                                    reported,
                                    screen.may(bit),
                                    "{d:?} {a:?} {t:?} {flags:?} {bit}"
                                );
                            }
                            // With the screen, the check reports the same.
                            let mut cx = ItemCx::for_item(&options, &source, &item);
                            check.check_item(&item, &mut cx);
                            assert_eq!(reported, !cx.into_findings().is_empty());
                            seen[usize::from(reported)] = true;
                        }
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 160);
        assert_eq!(seen, [[true; 2]; 6]);
    }
}

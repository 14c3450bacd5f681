//! The calendar item: properties, recipient rows, attachments (with exception messages opened as
//! embedded items), where it lives, and what could not be read.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use crate::bag::PropertyBag;
use crate::decoded::DecodedViews;
use crate::names;

/// How a source addresses one item, precise enough to find it again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Locator {
    /// A PST/OST node id (NID), in the hierarchy of the file.
    PstNode(u32),
    /// A .msg file (the whole file is the item).
    MsgFile,
    /// A storage path inside a compound file, e.g. `__attach_version1.0_#00000000/__substg1.0_3701000D`.
    MsgStorage(String),
    /// A JSON pointer into a JSON input, e.g. `/value/3`.
    JsonPointer(String),
    /// A byte offset into a fast-transfer stream.
    StreamOffset(u64),
    /// The n-th attachment of the parent item (embedded exception messages).
    Attachment(u32),
}

impl core::fmt::Display for Locator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Locator::PstNode(nid) => write!(f, "nid 0x{nid:08X}"),
            Locator::MsgFile => f.write_str("message"),
            Locator::MsgStorage(p) => write!(f, "storage {p}"),
            Locator::JsonPointer(p) => write!(f, "json {p}"),
            Locator::StreamOffset(o) => write!(f, "offset {o}"),
            Locator::Attachment(n) => write!(f, "attachment {n}"),
        }
    }
}

/// Where an item lives: file, folder path, locator, entry id, subject and start.
///
/// A forensic reviewer must be able to find the item again from this alone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ItemRef {
    /// The input file.
    pub file: Arc<Path>,
    /// Folder path inside the file, `/`-separated from the root folder's display name (empty for .msg).
    /// Shared: every item of a folder holds the same path, which a source makes once.
    pub folder: Arc<str>,
    /// Source-specific locator.
    pub locator: Locator,
    /// PR_ENTRYID (or the best stable id the source has) as uppercase hex.
    pub entry_id: Option<String>,
    /// PR_SUBJECT as displayed.
    pub subject: Option<String>,
    /// PidLidAppointmentStartWhole (FILETIME, UTC), falling back to PR_START_DATE.
    pub start: Option<u64>,
    /// For embedded items: the locator path of the parents, outermost first.
    pub parents: Vec<Locator>,
}

impl ItemRef {
    /// A reference to an item of `file` at `locator`, with the other fields empty.
    pub fn new(file: Arc<Path>, folder: impl Into<Arc<str>>, locator: Locator) -> Self {
        ItemRef {
            file,
            folder: folder.into(),
            locator,
            entry_id: None,
            subject: None,
            start: None,
            parents: Vec::new(),
        }
    }

    /// Fills subject, start and entry id from the item's own properties.
    pub fn fill_from(&mut self, props: &PropertyBag) {
        if self.subject.is_none() {
            self.subject = props.str(&names::SUBJECT).map(display_subject);
        }
        if self.start.is_none() {
            self.start = props
                .time(&names::APPOINTMENT_START_WHOLE)
                .or_else(|| props.time(&names::START_DATE));
        }
        if self.entry_id.is_none() {
            self.entry_id = props.binary(&names::ENTRY_ID).map(hex_upper);
        }
    }
}

/// True for message classes Outlook keeps in calendar folders: appointments and their custom forms,
/// meeting requests/responses/cancellations, and embedded recurrence exceptions ([MS-OXOCAL] 2.2.1, 2.2.6,
/// 2.2.10). Comparison is case-insensitive, as Outlook's is.
pub fn is_calendar_class(class: &str) -> bool {
    // Nearly every item's class is exactly this, which one comparison of bytes settles.
    if class == "IPM.Appointment" {
        return true;
    }
    const PREFIXES: [&str; 3] = [
        "IPM.Appointment",
        "IPM.Schedule.Meeting",
        "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}",
    ];
    PREFIXES.iter().any(|p| {
        class.len() >= p.len()
            && class
                .get(..p.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(p))
            && matches!(class.as_bytes().get(p.len()), None | Some(b'.'))
    })
}

/// Strips the `\u{1}` + prefix-length marker that PST subjects carry ([MS-PST] 2.5.3.1.1).
pub fn display_subject(raw: &str) -> String {
    display_subject_str(raw).to_owned()
}

/// [`display_subject`] without the copy: the displayed part of `raw`.
pub fn display_subject_str(raw: &str) -> &str {
    let mut chars = raw.chars();
    if chars.next() == Some('\u{1}') {
        // The second character encodes the length of a prefix such as "RE: "; the rest is the subject.
        chars.next();
        return chars.as_str();
    }
    raw
}

/// Bytes as uppercase hex without separators.
pub fn hex_upper(bytes: &[u8]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    push_hex_upper(&mut out, bytes);
    // The digits are ASCII, so this never fails.
    String::from_utf8(out).unwrap_or_default()
}

/// Appends the uppercase hex digits of `bytes` to `out`, as [`hex_upper`] writes them.
///
/// Every item's entry id is written with it, so each byte's two digits are copied from a table
/// made at compile time, rather than formatted, pushed as chars (which encodes each one as UTF-8)
/// or looked up one nibble at a time.
pub(crate) fn push_hex_upper(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        out.extend_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
}

/// The two uppercase hex digits of every byte value, for [`hex_upper`].
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut table = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = [DIGITS[b >> 4], DIGITS[b & 0x0F]];
        b += 1;
    }
    table
};

/// Something that could not be read for an item: kept on the item so checks can report it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadIssue {
    /// What was being read, e.g. `property 0x8216`, `recipient table`, `attachment 2`.
    pub what: String,
    /// Why it failed, one sentence without a trailing period.
    pub reason: String,
}

/// What the source can carry. Checks that need data a source cannot carry report that they were
/// skipped for the item instead of passing silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Coverage {
    /// The recipient table is present as MAPI rows.
    pub recipients: bool,
    /// The attachment table (and embedded exception messages) is present.
    pub attachments: bool,
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage {
            recipients: true,
            attachments: true,
        }
    }
}

/// One recipient row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recipient {
    /// Row index in the recipient table.
    pub row: u32,
    /// The row's properties.
    pub props: PropertyBag,
}

/// One attachment, with its embedded message opened when it has one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Attachment {
    /// Index in the attachment table.
    pub index: u32,
    /// The attachment object's properties.
    pub props: PropertyBag,
    /// The embedded message (PR_ATTACH_DATA_OBJ with PR_ATTACH_METHOD 5), e.g. a recurrence exception.
    pub embedded: Option<Box<CalendarItem>>,
}

impl Attachment {
    /// True when the attachment is marked as a recurrence exception (afException in PR_ATTACHMENT_FLAGS).
    pub fn is_exception(&self) -> bool {
        self.props
            .i32(&names::ATTACHMENT_FLAGS)
            .is_some_and(|f| f & 0x2 != 0)
    }
}

/// The item's most-read scalar properties, read once (see [`CalendarItem::facts`]).
///
/// Each field holds what the matching [`PropertyBag`] accessor returns, so `item.facts().start` is
/// `item.props.time(&names::APPOINTMENT_START_WHOLE)`: checks ask for these dozens of times per item,
/// and a bag lookup hashes and compares a property key every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ItemFacts {
    /// PidLidAppointmentStartWhole as a FILETIME (`props.time`).
    pub start: Option<u64>,
    /// PidLidAppointmentEndWhole as a FILETIME (`props.time`).
    pub end: Option<u64>,
    /// PidLidRecurring (`props.bool`).
    pub recurring: Option<bool>,
    /// PidLidAppointmentStateFlags (`props.i32`).
    pub state_flags: Option<i32>,
}

impl ItemFacts {
    /// Reads the facts from `props`.
    pub fn of(props: &PropertyBag) -> Self {
        ItemFacts {
            start: props.time(&names::APPOINTMENT_START_WHOLE),
            end: props.time(&names::APPOINTMENT_END_WHOLE),
            recurring: props.bool(&names::RECURRING),
            state_flags: props.i32(&names::APPOINTMENT_STATE_FLAGS),
        }
    }
}

/// One calendar item as read from any source.
///
/// Two items are equal when what was read is equal; the views and facts computed from it on first use
/// are not compared.
#[derive(Debug, Clone)]
pub struct CalendarItem {
    /// Where it lives.
    pub item_ref: ItemRef,
    /// The message's properties, named ones resolved.
    pub props: PropertyBag,
    /// The recipient table.
    pub recipients: Vec<Recipient>,
    /// The attachment table.
    pub attachments: Vec<Attachment>,
    /// What the source could not read for this item.
    pub issues: Vec<ReadIssue>,
    /// What the source can carry at all.
    pub coverage: Coverage,
    /// The blobs decoded once, on first use (see [`CalendarItem::decoded`]).
    views: OnceLock<DecodedViews>,
    /// The most-read properties, read once, on first use (see [`CalendarItem::facts`]).
    facts: OnceLock<ItemFacts>,
}

impl PartialEq for CalendarItem {
    fn eq(&self, other: &Self) -> bool {
        self.item_ref == other.item_ref
            && self.props == other.props
            && self.recipients == other.recipients
            && self.attachments == other.attachments
            && self.issues == other.issues
            && self.coverage == other.coverage
    }
}

impl CalendarItem {
    /// An empty item at `item_ref`.
    pub fn new(item_ref: ItemRef) -> Self {
        Self::from_parts(
            item_ref,
            PropertyBag::new(),
            Vec::new(),
            Vec::new(),
            Vec::new(),
        )
    }

    /// An item made of parts a reader has already built, with the default coverage. Made as the
    /// reader's last step, the item is built where it is returned to; an item built first and
    /// then filled in was copied whole (over a kilobyte) on its way out, for every item read.
    pub fn from_parts(
        item_ref: ItemRef,
        props: PropertyBag,
        recipients: Vec<Recipient>,
        attachments: Vec<Attachment>,
        issues: Vec<ReadIssue>,
    ) -> Self {
        CalendarItem {
            item_ref,
            props,
            recipients,
            attachments,
            issues,
            coverage: Coverage::default(),
            views: OnceLock::new(),
            facts: OnceLock::new(),
        }
    }

    /// The item's calendar blobs, decoded on first use and kept.
    ///
    /// Readers build an item completely before checks look at it; a property changed after the first
    /// call is not seen here (call [`CalendarItem::reset_decoded`] after such a change).
    pub fn decoded(&self) -> &DecodedViews {
        self.views.get_or_init(|| DecodedViews::of(&self.props))
    }

    /// Forgets the decoded views and the facts, so the next [`CalendarItem::decoded`] and
    /// [`CalendarItem::facts`] read the current properties.
    pub fn reset_decoded(&mut self) {
        self.views = OnceLock::new();
        self.facts = OnceLock::new();
    }

    /// The item's most-read properties, read on first use and kept (the same caveat as for
    /// [`CalendarItem::decoded`] applies to properties changed afterwards).
    pub fn facts(&self) -> &ItemFacts {
        self.facts.get_or_init(|| ItemFacts::of(&self.props))
    }

    /// The message class, or an empty string.
    pub fn message_class(&self) -> &str {
        self.props.str(&names::MESSAGE_CLASS).unwrap_or("")
    }

    /// True unless the item is plainly not a calendar item: it has a message class that is not a calendar
    /// class (a note, contact or task saved as .msg next to meetings) and none of the appointment
    /// properties. Items without a class, or with a calendar property, are checked: a missing class or an
    /// odd class on an appointment is itself a finding.
    pub fn is_calendar_item(&self) -> bool {
        let class = self.message_class();
        class.is_empty()
            || is_calendar_class(class)
            || self.props.get(&names::APPOINTMENT_START_WHOLE).is_some()
            || self.props.get(&names::APPOINTMENT_END_WHOLE).is_some()
            || self.props.get(&names::APPOINTMENT_RECUR).is_some()
            || self.props.get(&names::GLOBAL_OBJECT_ID).is_some()
    }

    /// True for an Outlook template (`.oft`): a form to create items from, not an item of a calendar. It
    /// legitimately has no start, end, organizer or delivery time, so it is not checked.
    pub fn is_template(&self) -> bool {
        self.item_ref.parents.is_empty()
            && self.item_ref.locator == Locator::MsgFile
            && self
                .item_ref
                .file
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("oft"))
    }

    /// Records an issue.
    pub fn issue(&mut self, what: impl Into<String>, reason: impl Into<String>) {
        self.issues.push(ReadIssue {
            what: what.into(),
            reason: reason.into(),
        });
    }

    /// The exception attachments' embedded items.
    pub fn exception_items(&self) -> impl Iterator<Item = (&Attachment, &CalendarItem)> {
        self.attachments
            .iter()
            .filter_map(|a| a.embedded.as_deref().map(|e| (a, e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_classes_by_prefix() {
        // [MS-OXOCAL] 2.2.1 (IPM.Appointment and custom forms), 2.2.6 (meeting objects), and the class of
        // embedded exceptions observed in real Outlook files (formats.md §1.3).
        for c in [
            "IPM.Appointment",
            "ipm.appointment.Live Meeting Request",
            "IPM.Schedule.Meeting.Request",
            "IPM.Schedule.Meeting.Resp.Pos",
            "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}",
        ] {
            assert!(is_calendar_class(c), "{c}");
        }
        for c in [
            "IPM.Note",
            "IPM.Contact",
            "IPM.Task",
            "IPM.AppointmentX",
            "",
        ] {
            assert!(!is_calendar_class(c), "{c}");
        }
    }

    #[test]
    fn display_subject_strips_pst_prefix_marker() {
        // [MS-PST] 2.5.3.1.1.1: PidTagSubject starts with 0x01 and a prefix length when it has a prefix.
        assert_eq!(display_subject("\u{1}\u{4}RE: Lunch"), "RE: Lunch");
        assert_eq!(display_subject("Lunch"), "Lunch");
        assert_eq!(display_subject_str("\u{1}\u{4}RE: Lunch"), "RE: Lunch");
        // A marker with nothing after it leaves an empty subject.
        assert_eq!(display_subject_str("\u{1}"), "");
        assert_eq!(hex_upper(&[0x00, 0xAB, 0x10]), "00AB10");
        let all: Vec<u8> = (0..=255).collect();
        let formatted = all.iter().fold(String::new(), |mut s, b| {
            use core::fmt::Write;
            let _ = write!(s, "{b:02X}");
            s
        });
        assert_eq!(hex_upper(&all), formatted);
        assert_eq!(hex_upper(&[]), "");
        let mut pushed = b"x".to_vec();
        push_hex_upper(&mut pushed, &[0x0F, 0xA0]);
        assert_eq!(pushed, b"x0FA0");
    }

    #[test]
    fn facts_are_the_bag_values_read_once() {
        use calcheck_format::props::PropValue;
        let mut item = CalendarItem::new(ItemRef::new(
            Arc::from(Path::new("x.msg")),
            "",
            Locator::MsgFile,
        ));
        let put = |item: &mut CalendarItem, def: &names::PropDef, v: PropValue| {
            item.props
                .insert(crate::Property::new(def.key.to_key(), def.ty.code(), v));
        };
        put(
            &mut item,
            &names::APPOINTMENT_START_WHOLE,
            PropValue::Time(5),
        );
        // A PtypErrorCode placeholder reads as missing, as the bag's accessors say.
        put(
            &mut item,
            &names::APPOINTMENT_END_WHOLE,
            PropValue::ErrorCode(0x8004_010F),
        );
        put(&mut item, &names::RECURRING, PropValue::Bool(false));
        let copy = item.clone();
        assert_eq!(
            *item.facts(),
            ItemFacts {
                start: Some(5),
                end: None,
                recurring: Some(false),
                state_flags: None,
            }
        );
        // What was read is compared, not what was computed from it.
        assert_eq!(item, copy);
        put(
            &mut item,
            &names::APPOINTMENT_STATE_FLAGS,
            PropValue::I32(3),
        );
        assert_eq!(item.facts().state_flags, None);
        item.reset_decoded();
        assert_eq!(item.facts().state_flags, Some(3));
    }

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn item_types_are_send_and_sync() {
        assert_send_sync::<CalendarItem>();
        assert_send_sync::<ItemRef>();
    }
}

//! Calendar items and mail notes as Outlook writes them ([MS-OXOCAL] 2.2, [MS-OXOMSG] 2.2):
//! an [`Appt`] describes one appointment, meeting or series in local time and builds the
//! [`Message`] with UTC times, time-zone blobs, ids, recipient rows and exception attachments.

use calcheck_format::goid::{GlobalObjectId, encode_global_object_id};
use calcheck_format::recurrence::{
    AnsiString, AppointmentRecurrencePattern, ChangeHighlight, ExceptionInfo, ExtendedException,
    OverrideFlags, WideString, encode_appointment_recurrence,
};
use calcheck_format::time::utc_to_filetime;
use calcheck_model::key::PropKey;
use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::recur::{End, Series, minutes_at};
use super::rng::Rng;
use super::zones::Zone;
use crate::fixtures::EXCEPTION_CLASS;
use crate::msg::{Attachment, Message, Object, Recipient, Value};

/// A person: display name and SMTP address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Display name.
    pub name: String,
    /// SMTP address.
    pub email: String,
}

const FIRST: [&str; 24] = [
    "Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kemal",
    "Lena", "Mateo", "Nadia", "Oscar", "Priya", "Quentin", "Rosa", "Sven", "Tara", "Umar", "Vera",
    "Wei", "Yuki",
];
const LAST: [&str; 20] = [
    "Adler", "Brooks", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito",
    "Jansen", "Kowalski", "Larsen", "Moreau", "Novak", "Okafor", "Petrov", "Rossi", "Schmidt",
    "Tanaka", "Weber",
];
const WORDS: [&str; 32] = [
    "budget",
    "review",
    "planning",
    "roadmap",
    "sync",
    "design",
    "release",
    "customer",
    "hiring",
    "quarterly",
    "security",
    "migration",
    "training",
    "launch",
    "retro",
    "kickoff",
    "forecast",
    "audit",
    "vendor",
    "onboarding",
    "workshop",
    "status",
    "capacity",
    "pricing",
    "support",
    "analytics",
    "strategy",
    "offsite",
    "demo",
    "interview",
    "backlog",
    "handover",
];
const PLACES: [&str; 10] = [
    "Room 4.01",
    "Room 2.17",
    "Board room",
    "Cafeteria",
    "Microsoft Teams Meeting",
    "Building B, floor 3",
    "Client office",
    "Room 1.05",
    "Zoom",
    "Lab",
];

/// The mailbox owner: organizer of the owner's meetings, attendee of received ones.
pub fn owner() -> Person {
    Person {
        name: "Olivia Owner".to_owned(),
        email: "olivia.owner@example.com".to_owned(),
    }
}

/// The `i`-th person of the generated address book (never the owner).
pub fn person(i: usize) -> Person {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    Person {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}@example.com",
            first.to_lowercase(),
            last.to_lowercase()
        ),
    }
}

/// `n` distinct people from a random place in the address book.
pub fn people(rng: &mut Rng, n: usize) -> Vec<Person> {
    let start = rng.below(400) as usize;
    (0..n).map(|k| person(start + k * 7)).collect()
}

/// A short title from the word list.
pub fn title(rng: &mut Rng) -> String {
    let a = rng.pick(&WORDS);
    let b = rng.pick(&WORDS);
    let mut t = format!("{a} {b}");
    if let Some(c) = t.get_mut(..1) {
        c.make_ascii_uppercase();
    }
    t
}

/// A location.
pub fn place(rng: &mut Rng) -> String {
    (*rng.pick(&PLACES)).to_owned()
}

/// Text of about `len` characters.
pub fn text(rng: &mut Rng, len: usize) -> String {
    let mut s = String::with_capacity(len + 16);
    while s.len() < len {
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
        s.push(if rng.chance(1, 12) { '\n' } else { ' ' });
    }
    s.truncate(len);
    s
}

/// FILETIME of a UTC date and time.
pub fn ft(t: NaiveDateTime) -> u64 {
    utc_to_filetime(Utc.from_utc_datetime(&t)).unwrap_or(0)
}

/// FILETIME ticks per minute.
pub const TICKS_PER_MINUTE: u64 = 600_000_000;

/// An attendee of a meeting: person, PR_RECIPIENT_TYPE (1 required, 2 optional, 3 resource),
/// PR_RECIPIENT_TRACKSTATUS and, when there is a response, its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Who.
    pub person: Person,
    /// 1 required, 2 optional, 3 resource.
    pub kind: i32,
    /// respNone 0, respTentative 2, respAccepted 3, respDeclined 4.
    pub track_status: i32,
    /// PR_RECIPIENT_TRACKSTATUS_TIME (FILETIME), with a response.
    pub track_time: Option<u64>,
}

/// What happens to one occurrence of a series.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The occurrence was deleted.
    Deleted,
    /// The occurrence was moved by some minutes on its own day and maybe renamed or relocated.
    Modified {
        /// Minutes the start moves (may be negative).
        shift: i64,
        /// A new subject.
        subject: Option<String>,
        /// A new location.
        location: Option<String>,
    },
}

/// A recurring series of an [`Appt`]: the pattern and the changed occurrences (by index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recurrence {
    /// The pattern.
    pub series: Series,
    /// Changed occurrences, by occurrence index.
    pub changes: Vec<(usize, Change)>,
}

/// One calendar item to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appt {
    /// PR_MESSAGE_CLASS.
    pub class: String,
    /// PR_SUBJECT.
    pub subject: String,
    /// PidLidLocation.
    pub location: String,
    /// The item's time zone.
    pub zone: Zone,
    /// Local start (of the first occurrence for a series; the time of day for all of them).
    pub start: NaiveDateTime,
    /// Duration in minutes.
    pub minutes: u32,
    /// An all-day event (PidLidAppointmentSubType).
    pub all_day: bool,
    /// The organizer (the owner for own items).
    pub organizer: Person,
    /// Attendees; a meeting has at least one.
    pub attendees: Vec<Attendee>,
    /// The owner's copy of a meeting someone else organized.
    pub received: bool,
    /// PR_CREATION_TIME.
    pub created: u64,
    /// The 16 Data bytes of the GlobalObjectId.
    pub uid: Vec<u8>,
    /// The series, if recurring.
    pub recurrence: Option<Recurrence>,
    /// PidLidReminderDelta (minutes); `None` for no reminder.
    pub reminder: Option<i32>,
}

impl Appt {
    /// True when the item is a meeting (has attendees).
    pub fn is_meeting(&self) -> bool {
        !self.attendees.is_empty()
    }

    fn utc(&self, local: NaiveDateTime) -> u64 {
        ft(self.zone.to_utc(local))
    }

    /// The occurrence dates of the series (capped at 1000 for series without end).
    pub fn occurrences(&self) -> Vec<NaiveDate> {
        self.recurrence
            .as_ref()
            .map(|r| r.series.occurrences(1000))
            .unwrap_or_default()
    }

    /// The GlobalObjectId ([MS-OXOCAL] 2.2.1.27): no instance date on a master or single item.
    pub fn goid(&self) -> Vec<u8> {
        encode_global_object_id(&GlobalObjectId::new(None, self.created, self.uid.clone()))
    }

    /// The recurrence blob of the series ([MS-OXOCAL] 2.2.1.44.5).
    pub fn recurrence_blob(&self) -> Option<AppointmentRecurrencePattern> {
        let r = self.recurrence.as_ref()?;
        let occ = self.occurrences();
        let time = self.start.time();
        let mut deleted = Vec::new();
        let mut modified = Vec::new();
        let mut infos = Vec::new();
        let mut extended = Vec::new();
        let mut changes = r.changes.clone();
        changes.sort_by_key(|c| c.0);
        for (i, change) in &changes {
            let Some(date) = occ.get(*i) else { continue };
            deleted.push(*date);
            if let Change::Modified {
                shift,
                subject,
                location,
            } = change
            {
                let original = date.and_time(time);
                let start = original + Duration::minutes(*shift);
                let end = start + Duration::minutes(i64::from(self.minutes));
                modified.push(start.date());
                let mut flags = 0u16;
                if subject.is_some() {
                    flags |= OverrideFlags::ARO_SUBJECT.0;
                }
                if location.is_some() {
                    flags |= OverrideFlags::ARO_LOCATION.0;
                }
                let ansi = |s: &String| AnsiString::new(s.as_bytes().to_vec());
                infos.push(ExceptionInfo {
                    start_date_time: minutes_at(start),
                    end_date_time: minutes_at(end),
                    original_start_date: minutes_at(original),
                    override_flags: OverrideFlags(flags),
                    subject: subject.as_ref().map(ansi),
                    location: location.as_ref().map(ansi),
                    ..ExceptionInfo::default()
                });
                let strings = flags != 0;
                extended.push(ExtendedException {
                    change_highlight: Some(ChangeHighlight {
                        size: 4,
                        value: 0,
                        reserved: Vec::new(),
                    }),
                    start_date_time: strings.then(|| minutes_at(start)),
                    end_date_time: strings.then(|| minutes_at(end)),
                    original_start_date: strings.then(|| minutes_at(original)),
                    wide_char_subject: subject.as_deref().map(WideString::new),
                    wide_char_location: location.as_deref().map(WideString::new),
                    reserved_block_ee2: strings.then(Vec::new),
                    ..ExtendedException::default()
                });
            }
        }
        let pattern = r.series.pattern(&occ, &deleted, &modified);
        let start_offset = minutes_of_day(self.start);
        let mut blob =
            AppointmentRecurrencePattern::new(pattern, start_offset, start_offset + self.minutes);
        blob.exception_count = infos.len() as u16;
        blob.exception_info = infos;
        blob.extended_exception = extended;
        Some(blob)
    }

    /// The local start and end of the first occurrence (or of the single item).
    pub fn first_span(&self) -> (NaiveDateTime, NaiveDateTime) {
        let start = match self.occurrences().first() {
            Some(d) => d.and_time(self.start.time()),
            None => self.start,
        };
        (start, start + Duration::minutes(i64::from(self.minutes)))
    }

    /// The message.
    pub fn build(&self) -> Message {
        let (start, end) = self.first_span();
        let created = self.created;
        let mut m = Message::new()
            .set("PidTagMessageClass", self.class.as_str())
            .set("PidTagSubject", self.subject.as_str())
            .set("PidTagNormalizedSubject", self.subject.as_str())
            .set("PidTagConversationTopic", self.subject.as_str())
            .set("PidTagSentRepresentingName", self.organizer.name.as_str())
            .set("PidTagSentRepresentingAddressType", "SMTP")
            .set(
                "PidTagSentRepresentingEmailAddress",
                self.organizer.email.as_str(),
            )
            .set("PidTagSenderName", self.organizer.name.as_str())
            .set("PidTagSenderAddressType", "SMTP")
            .set("PidTagSenderEmailAddress", self.organizer.email.as_str())
            .set("PidTagMessageDeliveryTime", Value::time(created))
            .set("PidTagCreationTime", Value::time(created))
            .set(
                "PidTagLastModificationTime",
                Value::time(created + 5 * TICKS_PER_MINUTE),
            )
            .set("PidTagMessageFlags", 1)
            .set("PidTagInternetCodepage", 65001)
            .set("PidTagImportance", 1)
            .set("PidTagSensitivity", 0)
            .set("PidLidAppointmentStartWhole", Value::time(self.utc(start)))
            .set("PidLidAppointmentEndWhole", Value::time(self.utc(end)))
            .set("PidTagStartDate", Value::time(self.utc(start)))
            .set("PidTagEndDate", Value::time(self.utc(end)))
            .set("PidLidAppointmentDuration", self.minutes as i32)
            .set("PidLidAppointmentSubType", self.all_day)
            .set("PidLidLocation", self.location.as_str())
            .set("PidLidWhere", self.location.as_str())
            .set("PidLidAppointmentSequence", 0)
            .set("PidLidBusyStatus", if self.all_day { 0 } else { 2 })
            .set("PidLidIntendedBusyStatus", if self.all_day { 0 } else { 2 })
            .set(
                "PidLidAppointmentTimeZoneDefinitionStartDisplay",
                self.zone.display_definition(),
            )
            .set(
                "PidLidAppointmentTimeZoneDefinitionEndDisplay",
                self.zone.display_definition(),
            )
            .set("PidLidGlobalObjectId", self.goid())
            .set("PidLidCleanGlobalObjectId", self.goid())
            .set("PidLidRecurring", self.recurrence.is_some());
        m = match self.reminder {
            Some(delta) => m
                .set("PidLidReminderSet", true)
                .set("PidLidReminderDelta", delta),
            None => m.set("PidLidReminderSet", false),
        };
        // asfMeeting 0x1, asfReceived 0x2; respOrganized 1, respAccepted 3, respNone 0.
        let (state, response) = match (self.is_meeting(), self.received) {
            (false, _) => (0, 0),
            (true, false) => (1, 1),
            (true, true) => (3, 3),
        };
        m = m
            .set("PidLidAppointmentStateFlags", state)
            .set("PidLidResponseStatus", response);
        if self.is_meeting() {
            let names = |kind: i32| {
                self.attendees
                    .iter()
                    .filter(|a| a.kind == kind)
                    .map(|a| a.person.name.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            m = m
                .set("PidLidToAttendeesString", names(1))
                .set("PidLidCcAttendeesString", names(2))
                .set_key(PropKey::Tagged(0x0E04), 0x001F, names(1))
                .set_key(PropKey::Tagged(0x0E03), 0x001F, names(2));
            for r in self.recipient_rows() {
                m = m.recipient(r);
            }
        }
        if let (Some(r), Some(blob)) = (&self.recurrence, self.recurrence_blob()) {
            let occ = self.occurrences();
            let first = occ.first().copied().unwrap_or(start.date());
            let last = occ.last().copied().unwrap_or(first);
            let midnight = |d: NaiveDate| self.utc(d.and_hms_opt(0, 0, 0).unwrap_or_default());
            let clip_end = match r.series.end {
                // [MS-OXOCAL] 2.2.1.15: 31 August 4500 11:59 PM for a series without end.
                End::Never => ft(NaiveDate::from_ymd_opt(4500, 8, 31)
                    .and_then(|d| d.and_hms_opt(23, 59, 0))
                    .unwrap_or_default()),
                _ => midnight(last),
            };
            let fmt = |t: NaiveDateTime| t.format("%H:%M").to_string();
            m = m
                .set("PidLidIsRecurring", true)
                .set("PidLidRecurrenceType", r.series.recurrence_type())
                .set(
                    "PidLidRecurrencePattern",
                    r.series.describe(&fmt(start), &fmt(end)),
                )
                .set(
                    "PidLidAppointmentRecur",
                    encode_appointment_recurrence(&blob),
                )
                .set(
                    "PidLidAppointmentTimeZoneDefinitionRecur",
                    self.zone.recur_definition(),
                )
                .set("PidLidTimeZoneStruct", self.zone.tzreg())
                .set("PidLidTimeZoneDescription", self.zone.display)
                .set("PidLidClipStart", Value::time(midnight(first)))
                .set("PidLidClipEnd", Value::time(clip_end));
            let exceptions = self.exception_attachments(&blob);
            m = m.set("PidTagHasAttachments", !exceptions.is_empty());
            for a in exceptions {
                m = m.attachment(a);
            }
        }
        m
    }

    /// The recipient rows: the organizer's row, then one per attendee ([MS-OXOCAL] 2.2.4.10).
    pub fn recipient_rows(&self) -> Vec<Recipient> {
        let mut rows = vec![
            // recipSendable | recipOrganizer.
            Recipient::smtp(&self.organizer.name, &self.organizer.email, 1)
                .set("PidTagRecipientFlags", 0x3)
                .set("PidTagRecipientTrackStatus", 0),
        ];
        for a in &self.attendees {
            let mut r = Recipient::smtp(&a.person.name, &a.person.email, a.kind)
                .set("PidTagRecipientFlags", 0x1)
                .set("PidTagRecipientTrackStatus", a.track_status);
            if let Some(t) = a.track_time {
                r = r.set("PidTagRecipientTrackStatusTime", Value::time(t));
            }
            rows.push(r);
        }
        rows
    }

    /// One exception attachment per modified occurrence ([MS-OXOCAL] 2.2.10.1-2).
    fn exception_attachments(&self, blob: &AppointmentRecurrencePattern) -> Vec<Attachment> {
        let mut out = Vec::new();
        for info in &blob.exception_info {
            let start = info.start();
            let end = info.end();
            let original = info.original_start();
            let subject = info
                .subject
                .as_ref()
                .map_or(self.subject.clone(), |s| s.text(65001));
            let mut e = Message::new()
                .set("PidTagMessageClass", EXCEPTION_CLASS)
                .set("PidTagSubject", subject)
                .set("PidLidAppointmentStartWhole", Value::time(self.utc(start)))
                .set("PidLidAppointmentEndWhole", Value::time(self.utc(end)))
                .set(
                    "PidLidExceptionReplaceTime",
                    Value::time(self.utc(original)),
                )
                .set("PidLidIsException", true)
                .set("PidLidAppointmentStateFlags", i32::from(self.is_meeting()))
                .set("PidLidBusyStatus", 2)
                .set(
                    "PidLidAppointmentTimeZoneDefinitionStartDisplay",
                    self.zone.display_definition(),
                )
                .set(
                    "PidLidAppointmentTimeZoneDefinitionEndDisplay",
                    self.zone.display_definition(),
                );
            if let Some(loc) = &info.location {
                e = e.set("PidLidLocation", loc.text(65001));
            }
            if self.is_meeting() {
                for r in self.recipient_rows() {
                    e = e.recipient(r);
                }
            }
            // PR_EXCEPTION_STARTTIME/ENDTIME hold the local wall clock ([MS-OXOCAL] 2.2.10.1.4-5);
            // PR_EXCEPTION_REPLACETIME the original start in UTC.
            out.push(
                Attachment::exception(e)
                    .set("PidTagDisplayName", "Untitled")
                    .set("PidTagExceptionStartTime", Value::time(ft(start)))
                    .set("PidTagExceptionEndTime", Value::time(ft(end)))
                    .set(
                        "PidTagExceptionReplaceTime",
                        Value::time(self.utc(original)),
                    ),
            );
        }
        out
    }
}

fn minutes_of_day(t: NaiveDateTime) -> u32 {
    use chrono::Timelike;
    t.hour() * 60 + t.minute()
}

/// What a mail note holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note<'a> {
    /// PR_SUBJECT.
    pub subject: &'a str,
    /// The sender.
    pub from: &'a Person,
    /// To recipients.
    pub to: &'a [Person],
    /// Cc recipients.
    pub cc: &'a [Person],
    /// PR_MESSAGE_DELIVERY_TIME (FILETIME).
    pub delivered: u64,
    /// Characters of body text.
    pub body: usize,
    /// Bytes of a file attachment (0 for none).
    pub attachment: usize,
}

/// A received mail note with recipients, a body and, optionally, a file attachment.
pub fn note(rng: &mut Rng, n: &Note<'_>) -> Message {
    let Note {
        subject,
        from,
        to,
        cc,
        delivered,
        body,
        attachment,
    } = *n;
    let join = |p: &[Person]| {
        p.iter()
            .map(|x| x.name.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let mut m = Message::new()
        .set("PidTagMessageClass", "IPM.Note")
        .set("PidTagSubject", subject)
        .set("PidTagNormalizedSubject", subject)
        .set("PidTagConversationTopic", subject)
        .set("PidTagSenderName", from.name.as_str())
        .set("PidTagSenderAddressType", "SMTP")
        .set("PidTagSenderEmailAddress", from.email.as_str())
        .set("PidTagSentRepresentingName", from.name.as_str())
        .set("PidTagSentRepresentingAddressType", "SMTP")
        .set("PidTagSentRepresentingEmailAddress", from.email.as_str())
        .set(
            "PidTagClientSubmitTime",
            Value::time(delivered - TICKS_PER_MINUTE),
        )
        .set("PidTagMessageDeliveryTime", Value::time(delivered))
        .set("PidTagCreationTime", Value::time(delivered))
        .set("PidTagLastModificationTime", Value::time(delivered))
        .set("PidTagMessageFlags", i32::from(rng.chance(4, 5)))
        .set("PidTagImportance", 1)
        .set("PidTagInternetCodepage", 65001)
        .set_key(PropKey::Tagged(0x0E04), 0x001F, join(to))
        .set_key(PropKey::Tagged(0x0E03), 0x001F, join(cc))
        .set("PidTagBody", text(rng, body));
    for p in to {
        m = m.recipient(Recipient::smtp(&p.name, &p.email, 1));
    }
    for p in cc {
        m = m.recipient(Recipient::smtp(&p.name, &p.email, 2));
    }
    if attachment > 0 {
        let mut data = Vec::with_capacity(attachment);
        while data.len() < attachment {
            data.extend_from_slice(&rng.next_u64().to_le_bytes());
        }
        data.truncate(attachment);
        let name = format!("{}.pdf", title(rng).replace(' ', "-").to_lowercase());
        m = m.set("PidTagHasAttachments", true).attachment(
            Attachment::new()
                .set("PidTagAttachMethod", 1)
                .set("PidTagAttachFilename", name.as_str())
                .set("PidTagAttachLongFilename", name.as_str())
                .set("PidTagDisplayName", name.as_str())
                .set_key(PropKey::Tagged(0x3701), 0x0102, data),
        );
    }
    m
}

//! The .msg fixtures of `testdata/msg/`, described here so that they can be regenerated
//! (`cargo run -p calcheck-writer --example write_msg_fixtures`) and so that tests know what
//! the files must contain.
//!
//! Both items live in the W. Europe time zone (UTC+1, daylight saving from the last Sunday of
//! March to the last Sunday of October) and are written the way Outlook writes them
//! ([MS-OXOCAL] 2.2.1, 2.2.4, 2.2.10): StartWhole/EndWhole in UTC, TZDEFINITION blobs for the
//! start and end zones, a GlobalObjectId, one recipient row per attendee plus the organizer row.

use calcheck_format::goid::{GlobalObjectId, encode_global_object_id};
use calcheck_format::recurrence::AnsiString;
use calcheck_format::recurrence::expand::expected_first_date_time;
use calcheck_format::recurrence::{
    AppointmentRecurrencePattern, CalendarType, ChangeHighlight, EndType, ExceptionInfo,
    ExtendedException, OverrideFlags, PatternType, PatternTypeSpecific, RecurFrequency,
    RecurrencePattern, WideString, day_mask, encode_appointment_recurrence,
};
use calcheck_format::time::{naive_to_minutes, utc_to_filetime};
use calcheck_format::tzdef::{
    SystemTime, TZRULE_FLAG_EFFECTIVE_TZREG, TZRULE_FLAG_RECUR_CURRENT_TZREG, TzDefinition, TzRule,
    encode_tz_definition,
};
use calcheck_format::tzreg::{TzReg, encode_tzreg};
use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::msg::{Attachment, Message, Object, Recipient, Value};

/// One fixture file.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// File name in `testdata/msg/`.
    pub file_name: &'static str,
    /// What it shows, one sentence (copied into the folder README).
    pub description: &'static str,
    /// The message to write.
    pub message: Message,
}

/// Every fixture of `testdata/msg/`.
pub fn all() -> Vec<Fixture> {
    vec![
        Fixture {
            file_name: "meeting-with-attendees.msg",
            description: "a single meeting organized by Olivia with two required attendees, one optional attendee and a room",
            message: meeting_with_attendees(),
        },
        Fixture {
            file_name: "weekly-series-one-exception.msg",
            description: "a weekly Monday series of 10 occurrences whose third instance moved to Tuesday 14:00 with a new subject (one exception attachment)",
            message: weekly_series_one_exception(),
        },
    ]
}

/// The W. Europe time zone key name.
pub const TZ_KEY: &str = "W. Europe Standard Time";

/// Organizer of both fixtures.
pub const ORGANIZER: (&str, &str) = ("Olivia Organizer", "olivia@example.com");

/// Attendees of the meeting fixture: display name, address, PR_RECIPIENT_TYPE.
pub const MEETING_ATTENDEES: [(&str, &str, i32); 4] = [
    ("Rick Required", "rick@example.com", 1),
    ("Rita Required", "rita@example.com", 1),
    ("Otto Optional", "otto@example.com", 2),
    ("Room 4.01", "room401@example.com", 3),
];

/// Subject of the meeting fixture.
pub const MEETING_SUBJECT: &str = "Project review";

/// Subject of the series fixture.
pub const SERIES_SUBJECT: &str = "Weekly sync";

/// Subject of the moved instance of the series fixture.
pub const EXCEPTION_SUBJECT: &str = "Weekly sync (moved to Tuesday)";

/// The message class of an exception's embedded message as Outlook writes it.
pub const EXCEPTION_CLASS: &str = "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}";

/// `YYYY-MM-DD HH:MM` as a date-time.
fn dt(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .expect("a valid fixture date")
}

/// FILETIME of a UTC date-time.
pub fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> u64 {
    utc_to_filetime(Utc.from_utc_datetime(&dt(y, m, d, h, min))).expect("in range")
}

/// Minutes since 1601 of a local date-time.
pub fn local_minutes(y: i32, m: u32, d: u32, h: u32, min: u32) -> u32 {
    naive_to_minutes(dt(y, m, d, h, min)).expect("in range")
}

/// The W. Europe rule: UTC+1, daylight time (+1 h) from the last Sunday of March 02:00 to the
/// last Sunday of October 03:00.
pub(crate) fn w_europe_rule(flags: u16) -> TzRule {
    TzRule::new(
        2007,
        flags,
        -60,
        0,
        -60,
        SystemTime::relative(10, 0, 5, 3, 0),
        SystemTime::relative(3, 0, 5, 2, 0),
    )
}

pub(crate) fn tz_display() -> Vec<u8> {
    encode_tz_definition(&TzDefinition::new(
        TZ_KEY,
        vec![w_europe_rule(TZRULE_FLAG_EFFECTIVE_TZREG)],
    ))
}

pub(crate) fn goid(seed: u8) -> Vec<u8> {
    // Data as Outlook writes it for its own meetings: 16 bytes of a UID ([MS-OXOCAL] 2.2.1.27).
    let data: Vec<u8> = (0u8..16).map(|i| i.wrapping_mul(17) ^ seed).collect();
    encode_global_object_id(&GlobalObjectId::new(None, utc(2024, 2, 20, 10, 0), data))
}

pub(crate) fn organizer_row() -> Recipient {
    // The organizer's own row: To, with recipSendable | recipOrganizer ([MS-OXOCAL] 2.2.4.10).
    Recipient::smtp(ORGANIZER.0, ORGANIZER.1, 1)
        .set("PidTagRecipientFlags", 0x3)
        .set("PidTagRecipientTrackStatus", 0)
}

pub(crate) fn organized_by_olivia(subject: &str) -> Message {
    Message::new()
        .set("PidTagSubject", subject)
        .set("PidTagNormalizedSubject", subject)
        .set("PidTagSentRepresentingName", ORGANIZER.0)
        .set("PidTagSentRepresentingAddressType", "SMTP")
        .set("PidTagSentRepresentingEmailAddress", ORGANIZER.1)
        .set("PidTagSenderName", ORGANIZER.0)
        .set("PidTagSenderAddressType", "SMTP")
        .set("PidTagSenderEmailAddress", ORGANIZER.1)
        .set(
            "PidTagMessageDeliveryTime",
            Value::time(utc(2024, 2, 20, 10, 0)),
        )
        .set("PidTagCreationTime", Value::time(utc(2024, 2, 20, 10, 0)))
        .set(
            "PidTagLastModificationTime",
            Value::time(utc(2024, 2, 20, 10, 5)),
        )
        .set("PidTagInternetCodepage", 65001)
        // asfMeeting: the organizer's copy of a meeting.
        .set("PidLidAppointmentStateFlags", 1)
        .set("PidLidResponseStatus", 1)
        .set("PidLidBusyStatus", 2)
        .set("PidLidIntendedBusyStatus", 2)
        .set("PidLidLocation", "Room 4.01")
        .set("PidLidAppointmentSequence", 0)
        .set(
            "PidLidAppointmentTimeZoneDefinitionStartDisplay",
            tz_display(),
        )
        .set(
            "PidLidAppointmentTimeZoneDefinitionEndDisplay",
            tz_display(),
        )
        .set("PidLidReminderSet", true)
        .set("PidLidReminderDelta", 15)
}

/// The meeting fixture: 2024-03-04 09:00-10:00 W. Europe (08:00-09:00 UTC).
pub fn meeting_with_attendees() -> Message {
    let mut m = organized_by_olivia(MEETING_SUBJECT)
        .set("PidTagMessageClass", "IPM.Appointment")
        .set(
            "PidLidAppointmentStartWhole",
            Value::time(utc(2024, 3, 4, 8, 0)),
        )
        .set(
            "PidLidAppointmentEndWhole",
            Value::time(utc(2024, 3, 4, 9, 0)),
        )
        .set("PidTagStartDate", Value::time(utc(2024, 3, 4, 8, 0)))
        .set("PidTagEndDate", Value::time(utc(2024, 3, 4, 9, 0)))
        .set("PidLidAppointmentDuration", 60)
        .set("PidLidRecurring", false)
        .set("PidLidGlobalObjectId", goid(1))
        .set("PidLidCleanGlobalObjectId", goid(1))
        .set("PidLidToAttendeesString", "Rick Required; Rita Required")
        .set("PidLidCcAttendeesString", "Otto Optional")
        .recipient(organizer_row());
    for (name, address, ty) in MEETING_ATTENDEES {
        m = m.recipient(
            Recipient::smtp(name, address, ty)
                .set("PidTagRecipientFlags", 0x1)
                .set("PidTagRecipientTrackStatus", 0),
        );
    }
    m
}

/// The recurrence of the series fixture: every Monday 09:00-10:00 local from 2024-03-04, 10
/// occurrences; the 2024-03-18 instance moved to 2024-03-19 14:00-15:00 with a new subject.
pub fn weekly_series_recurrence() -> AppointmentRecurrencePattern {
    let mut pattern = RecurrencePattern {
        reader_version: 0x3004,
        writer_version: 0x3004,
        recur_frequency: RecurFrequency::Weekly,
        pattern_type: PatternType::Week,
        calendar_type: CalendarType::Default,
        first_date_time: 0,
        period: 1,
        sliding_flag: 0,
        pattern_type_specific: PatternTypeSpecific::Week {
            day_mask: day_mask::M,
        },
        end_type: EndType::EndAfterNOccurrences,
        occurrence_count: 10,
        first_dow: 1,
        deleted_instance_dates: vec![local_minutes(2024, 3, 18, 0, 0)],
        modified_instance_dates: vec![local_minutes(2024, 3, 19, 0, 0)],
        start_date: local_minutes(2024, 3, 4, 0, 0),
        end_date: local_minutes(2024, 5, 6, 0, 0),
    };
    pattern.first_date_time =
        expected_first_date_time(&pattern).expect("a Gregorian weekly pattern");

    let start = local_minutes(2024, 3, 19, 14, 0);
    let end = local_minutes(2024, 3, 19, 15, 0);
    let original = local_minutes(2024, 3, 18, 9, 0);
    let mut recur = AppointmentRecurrencePattern::new(pattern, 9 * 60, 10 * 60);
    recur.exception_count = 1;
    recur.exception_info = vec![ExceptionInfo {
        offset: 0,
        start_date_time: start,
        end_date_time: end,
        original_start_date: original,
        override_flags: OverrideFlags::ARO_SUBJECT,
        subject: Some(AnsiString::new(EXCEPTION_SUBJECT.as_bytes().to_vec())),
        ..ExceptionInfo::default()
    }];
    recur.extended_exception = vec![ExtendedException {
        offset: 0,
        change_highlight: Some(ChangeHighlight {
            size: 4,
            value: 0,
            reserved: Vec::new(),
        }),
        reserved_block_ee1: Vec::new(),
        start_date_time: Some(start),
        end_date_time: Some(end),
        original_start_date: Some(original),
        wide_char_subject: Some(WideString::new(EXCEPTION_SUBJECT)),
        wide_char_location: None,
        reserved_block_ee2: Some(Vec::new()),
    }];
    recur
}

/// The series fixture, with its exception attachment.
pub fn weekly_series_one_exception() -> Message {
    let recur_tz = TzDefinition::new(
        TZ_KEY,
        vec![w_europe_rule(
            TZRULE_FLAG_EFFECTIVE_TZREG | TZRULE_FLAG_RECUR_CURRENT_TZREG,
        )],
    );
    let tzreg = TzReg::from_rule(&w_europe_rule(TZRULE_FLAG_EFFECTIVE_TZREG));
    // The moved instance: 2024-03-19 14:00-15:00 local = 13:00-14:00 UTC; it replaces the
    // 2024-03-18 09:00 local (08:00 UTC) instance.
    let exception = Message::new()
        .set("PidTagMessageClass", EXCEPTION_CLASS)
        .set("PidTagSubject", EXCEPTION_SUBJECT)
        .set(
            "PidLidAppointmentStartWhole",
            Value::time(utc(2024, 3, 19, 13, 0)),
        )
        .set(
            "PidLidAppointmentEndWhole",
            Value::time(utc(2024, 3, 19, 14, 0)),
        )
        .set(
            "PidLidExceptionReplaceTime",
            Value::time(utc(2024, 3, 18, 8, 0)),
        )
        .set("PidLidIsException", true)
        .set("PidLidAppointmentStateFlags", 1)
        .set("PidLidBusyStatus", 2)
        .set(
            "PidLidAppointmentTimeZoneDefinitionStartDisplay",
            tz_display(),
        )
        .set(
            "PidLidAppointmentTimeZoneDefinitionEndDisplay",
            tz_display(),
        )
        .recipient(organizer_row())
        .recipient(
            Recipient::smtp("Rick Required", "rick@example.com", 1)
                .set("PidTagRecipientFlags", 0x1),
        );
    let attachment = Attachment::exception(exception)
        .set("PidTagDisplayName", "Untitled")
        // Informational local times of the exception ([MS-OXOCAL] 2.2.10.1.4-5), and the original
        // instance's start in UTC ([MS-OXPROPS] PidTagExceptionReplaceTime).
        .set(
            "PidTagExceptionStartTime",
            Value::time(utc(2024, 3, 19, 14, 0)),
        )
        .set(
            "PidTagExceptionEndTime",
            Value::time(utc(2024, 3, 19, 15, 0)),
        )
        .set(
            "PidTagExceptionReplaceTime",
            Value::time(utc(2024, 3, 18, 8, 0)),
        );

    organized_by_olivia(SERIES_SUBJECT)
        .set("PidTagMessageClass", "IPM.Appointment")
        .set(
            "PidLidAppointmentStartWhole",
            Value::time(utc(2024, 3, 4, 8, 0)),
        )
        .set(
            "PidLidAppointmentEndWhole",
            Value::time(utc(2024, 3, 4, 9, 0)),
        )
        .set("PidLidAppointmentDuration", 60)
        .set("PidLidRecurring", true)
        .set("PidLidIsRecurring", true)
        .set("PidLidRecurrenceType", 2)
        .set(
            "PidLidRecurrencePattern",
            "every Monday from 09:00 to 10:00",
        )
        .set(
            "PidLidAppointmentRecur",
            encode_appointment_recurrence(&weekly_series_recurrence()),
        )
        .set(
            "PidLidAppointmentTimeZoneDefinitionRecur",
            encode_tz_definition(&recur_tz),
        )
        .set("PidLidTimeZoneStruct", encode_tzreg(&tzreg))
        .set(
            "PidLidTimeZoneDescription",
            "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna",
        )
        .set("PidLidClipStart", Value::time(utc(2024, 3, 3, 23, 0)))
        .set("PidLidClipEnd", Value::time(utc(2024, 5, 5, 22, 0)))
        .set("PidLidGlobalObjectId", goid(2))
        .set("PidLidCleanGlobalObjectId", goid(2))
        .set("PidTagHasAttachments", true)
        .recipient(organizer_row())
        .recipient(
            Recipient::smtp("Rick Required", "rick@example.com", 1)
                .set("PidTagRecipientFlags", 0x1),
        )
        .attachment(attachment)
}

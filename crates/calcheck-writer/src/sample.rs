//! The sample calendar of `testdata/sample-calendar/`: a folder of .msg files that the README's first
//! command checks, so that a new user sees calcheck find real problems in files whose licence is clear.
//!
//! Two items are healthy (the `testdata/msg` fixtures); every other item carries exactly one defect from
//! the seed documents, built on purpose, so the findings are known by construction:
//!
//! | file | defect | expected finding |
//! |---|---|---|
//! | `03-ews-meeting-null-keyname.msg` | TZDEFINITION StartDisplay with `cchKeyName` 0 (EWS, KB 2553248) | CC302 |
//! | `04-accepted-at-1601.msg` | an attendee's PR_RECIPIENT_TRACKSTATUS_TIME is 1601-01-01 (KB 938650) | CC408 |
//! | `05-broken-exception.msg` | ExceptionInfo SubjectLength ≠ SubjectLength2 + 1 | CC210 (CalCheck 0013) |
//! | `06-project-review-copy.msg` | a second copy of `01-project-review.msg` | CC502 (0049), CC503 (0048) |
//! | `07-swapped-times.msg` | start after end | CC107 |
//!
//! Regenerate with `cargo run -p calcheck-writer --example write_sample_calendar`.

use calcheck_format::recurrence::{AnsiString, encode_appointment_recurrence};
use calcheck_format::tzdef::{TZRULE_FLAG_EFFECTIVE_TZREG, TzDefinition, encode_tz_definition};

use crate::fixtures::{
    self, goid, meeting_with_attendees, organized_by_olivia, organizer_row, tz_display, utc,
    w_europe_rule, weekly_series_one_exception, weekly_series_recurrence,
};
use crate::msg::{Message, Object, Recipient, Value};

/// One file of the sample calendar.
#[derive(Debug, Clone)]
pub struct SampleItem {
    /// File name in `testdata/sample-calendar/`.
    pub file_name: &'static str,
    /// What is wrong with it, or "healthy".
    pub defect: &'static str,
    /// The codes calcheck must report on it (empty for healthy items).
    pub expected: &'static [&'static str],
    /// The message to write.
    pub message: Message,
}

/// Every item of the sample calendar, in file-name order.
pub fn all() -> Vec<SampleItem> {
    vec![
        SampleItem {
            file_name: "01-project-review.msg",
            defect: "healthy: a single meeting with four attendees",
            expected: &[],
            message: meeting_with_attendees(),
        },
        SampleItem {
            file_name: "02-weekly-sync.msg",
            defect: "healthy: a weekly series with one moved instance and its exception attachment",
            expected: &[],
            message: weekly_series_one_exception(),
        },
        SampleItem {
            file_name: "03-ews-meeting-null-keyname.msg",
            defect: "TZDEFINITION StartDisplay with an empty key name, as EWS wrote them (KB 2553248)",
            expected: &["CC302"],
            message: ews_meeting_null_keyname(),
        },
        SampleItem {
            file_name: "04-accepted-at-1601.msg",
            defect: "an attendee accepted at 1601-01-01 (PR_RECIPIENT_TRACKSTATUS_TIME = 0, KB 938650)",
            expected: &["CC408"],
            message: accepted_at_1601(),
        },
        SampleItem {
            file_name: "05-broken-exception.msg",
            defect: "an exception whose SubjectLength is not SubjectLength2 + 1 (CalCheck 0013)",
            expected: &["CC210"],
            message: broken_exception(),
        },
        SampleItem {
            file_name: "06-project-review-copy.msg",
            defect: "a second copy of 01-project-review.msg, created a minute later",
            expected: &["CC502", "CC503"],
            message: meeting_with_attendees()
                .set("PidTagCreationTime", Value::time(utc(2024, 2, 20, 10, 1))),
        },
        SampleItem {
            file_name: "07-swapped-times.msg",
            defect: "an appointment that ends an hour before it starts",
            expected: &["CC107"],
            message: swapped_times(),
        },
    ]
}

/// A meeting whose StartDisplay TZDEFINITION has `cchKeyName` 0, the blob EWS wrote before the fix for
/// KB 2553248 and that crashed Outlook 2010 (seed 001): flag 0x0002 set, no key name, one rule.
fn ews_meeting_null_keyname() -> Message {
    let null_key = encode_tz_definition(&TzDefinition::new(
        "",
        vec![w_europe_rule(TZRULE_FLAG_EFFECTIVE_TZREG)],
    ));
    organized_by_olivia("Budget call (created through EWS)")
        .set("PidTagMessageClass", "IPM.Appointment")
        .set(
            "PidLidAppointmentStartWhole",
            Value::time(utc(2024, 3, 6, 13, 0)),
        )
        .set(
            "PidLidAppointmentEndWhole",
            Value::time(utc(2024, 3, 6, 13, 30)),
        )
        .set("PidLidAppointmentDuration", 30)
        .set("PidLidRecurring", false)
        .set("PidLidGlobalObjectId", goid(3))
        .set("PidLidCleanGlobalObjectId", goid(3))
        .set("PidLidAppointmentTimeZoneDefinitionStartDisplay", null_key)
        .set(
            "PidLidAppointmentTimeZoneDefinitionEndDisplay",
            tz_display(),
        )
        .recipient(organizer_row())
        .recipient(
            Recipient::smtp("Rick Required", "rick@example.com", 1)
                .set("PidTagRecipientFlags", 0x1),
        )
}

/// A meeting on which Rita "accepted" at FILETIME 0.
fn accepted_at_1601() -> Message {
    organized_by_olivia("Quarterly planning")
        .set("PidTagMessageClass", "IPM.Appointment")
        .set(
            "PidLidAppointmentStartWhole",
            Value::time(utc(2024, 3, 7, 9, 0)),
        )
        .set(
            "PidLidAppointmentEndWhole",
            Value::time(utc(2024, 3, 7, 10, 0)),
        )
        .set("PidLidAppointmentDuration", 60)
        .set("PidLidRecurring", false)
        .set("PidLidGlobalObjectId", goid(4))
        .set("PidLidCleanGlobalObjectId", goid(4))
        .recipient(organizer_row())
        .recipient(
            Recipient::smtp("Rick Required", "rick@example.com", 1)
                .set("PidTagRecipientFlags", 0x1)
                .set("PidTagRecipientTrackStatus", 3)
                .set(
                    "PidTagRecipientTrackStatusTime",
                    Value::time(utc(2024, 2, 21, 8, 30)),
                ),
        )
        .recipient(
            Recipient::smtp("Rita Required", "rita@example.com", 1)
                .set("PidTagRecipientFlags", 0x1)
                .set("PidTagRecipientTrackStatus", 3)
                .set("PidTagRecipientTrackStatusTime", Value::time(0)),
        )
}

/// The weekly series again (new ids and subject), with the exception's SubjectLength one too large:
/// readers that trust SubjectLength read one byte too many and misalign everything after it.
fn broken_exception() -> Message {
    let mut recur = weekly_series_recurrence();
    if let Some(e) = recur.exception_info.first_mut() {
        let bytes = fixtures::EXCEPTION_SUBJECT.as_bytes().to_vec();
        let mut s = AnsiString::new(bytes);
        s.length = s.length.saturating_add(1);
        e.subject = Some(s);
    }
    weekly_series_one_exception()
        .set("PidTagSubject", "Team standup")
        .set("PidTagNormalizedSubject", "Team standup")
        .set("PidLidGlobalObjectId", goid(5))
        .set("PidLidCleanGlobalObjectId", goid(5))
        .set(
            "PidLidAppointmentRecur",
            encode_appointment_recurrence(&recur),
        )
}

/// An appointment that ends before it starts.
fn swapped_times() -> Message {
    organized_by_olivia("Dentist")
        .set("PidTagMessageClass", "IPM.Appointment")
        .set("PidLidAppointmentStateFlags", 0)
        .set(
            "PidLidAppointmentStartWhole",
            Value::time(utc(2024, 3, 8, 15, 0)),
        )
        .set(
            "PidLidAppointmentEndWhole",
            Value::time(utc(2024, 3, 8, 14, 0)),
        )
        .set("PidLidRecurring", false)
        .set("PidLidGlobalObjectId", goid(7))
        .set("PidLidCleanGlobalObjectId", goid(7))
        .recipient(organizer_row())
}

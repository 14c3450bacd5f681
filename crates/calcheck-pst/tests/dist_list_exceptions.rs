//! The recurring meeting of `javalibpst__dist-list.pst`: its two exception attachments open as
//! embedded messages whose start and end are the ExceptionInfo entries of the series'
//! PidLidAppointmentRecur ([MS-OXOCAL] 2.2.1.44.2, 2.2.10).
//!
//! ExceptionInfo times are local (minutes since 1601 in the series' time zone); the embedded
//! messages' PidLidAppointmentStartWhole/EndWhole are UTC. The series' PidLidTimeZoneStruct
//! converts one into the other. The counts asserted come from the corpus description
//! (shared/corpus/SOURCES.md: 3 deleted + 2 modified instances, ExceptionCount 2, 2 exception
//! attachments, Pacific Standard Time), which was cross-checked there with the peer tools.

mod common;

use calcheck_format::recurrence::decode_appointment_recurrence;
use calcheck_format::time::{filetime_to_utc, minutes_to_naive};
use calcheck_format::tzreg::decode_tzreg;
use calcheck_pst::{Message, NameId, PropValue, Pst};

const PSETID_APPOINTMENT: calcheck_format::Guid =
    calcheck_format::Guid::from_fields(0x0006_2002, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

fn named(m: &Message, lid: u32) -> Option<&PropValue> {
    m.props.iter().find_map(|p| match &p.named {
        Some(n) if n.guid == PSETID_APPOINTMENT && n.id == NameId::Lid(lid) => Some(&p.value),
        _ => None,
    })
}

fn time(m: &Message, lid: u32) -> u64 {
    named(m, lid).and_then(PropValue::as_time).unwrap()
}

#[test]
fn dist_list_exceptions_match_exception_info() {
    let pst = Pst::open(common::corpus_dir().join("pst/javalibpst__dist-list.pst")).unwrap();
    let calendars = pst.calendar_folders().unwrap();
    assert_eq!(calendars.len(), 1);
    let rows = pst.contents(calendars[0].nid).unwrap();
    assert_eq!(rows.len(), 1);
    let master = pst.message(rows[0].nid).unwrap();
    assert_eq!(master.message_class(), Some("IPM.Appointment"));

    let blob = named(&master, 0x8216)
        .and_then(PropValue::as_binary)
        .unwrap();
    let recur = decode_appointment_recurrence(blob).unwrap().value;
    assert_eq!(recur.pattern.deleted_instance_dates.len(), 3);
    assert_eq!(recur.pattern.modified_instance_dates.len(), 2);
    assert_eq!(recur.exception_count, 2);
    let tz = decode_tzreg(
        named(&master, 0x8233)
            .and_then(PropValue::as_binary)
            .unwrap(),
    )
    .unwrap()
    .value;
    // Pacific Standard Time: UTC-8 (lBias 480 minutes), with daylight saving time.
    assert_eq!(tz.l_bias, 480);

    // Both attachments are exceptions (afException in PR_ATTACHMENT_FLAGS) holding an embedded
    // message (PR_ATTACH_METHOD 5).
    assert_eq!(master.attachments.len(), 2);
    let mut embedded: Vec<&Message> = Vec::new();
    for a in &master.attachments {
        let flags = a
            .props
            .iter()
            .find(|p| p.tag.id() == 0x7FFD)
            .and_then(|p| p.value.as_i32());
        assert_eq!(flags.map(|f| f & 0x2), Some(0x2));
        let method = a
            .props
            .iter()
            .find(|p| p.tag.id() == 0x3705)
            .and_then(|p| p.value.as_i32());
        assert_eq!(method, Some(5));
        embedded.push(
            a.embedded
                .as_deref()
                .expect("exception attachment opens as a message"),
        );
    }

    let mut infos: Vec<_> = recur.exception_info.iter().collect();
    infos.sort_by_key(|e| e.start_date_time);
    embedded.sort_by_key(|m| time(m, 0x820D));
    for (info, exc) in infos.iter().zip(&embedded) {
        let start_utc = tz.local_to_utc(info.start()).unwrap();
        let end_utc = tz.local_to_utc(info.end()).unwrap();
        assert_eq!(filetime_to_utc(time(exc, 0x820D)).naive_utc(), start_utc);
        assert_eq!(filetime_to_utc(time(exc, 0x820E)).naive_utc(), end_utc);
        // The exception is a real instance of the series: its original start is one of the
        // deleted instance dates (midnight of the original day, [MS-OXOCAL] 2.2.1.44.1).
        let day = minutes_to_naive(info.original_start_date).date();
        assert!(
            recur
                .pattern
                .deleted_instance_dates
                .iter()
                .any(|&d| minutes_to_naive(d).date() == day)
        );
        assert!(exc.warnings.is_empty(), "{:?}", exc.warnings);
    }
}

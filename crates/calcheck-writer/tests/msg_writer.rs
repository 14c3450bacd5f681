//! The .msg writer checked by two independent readers: extract-msg 0.57.0 (through
//! `scripts/peer_msg.py`) and calcheck's own reader. Expected values are the fixture descriptions
//! (`calcheck_writer::fixtures`), never a reader's output.

use std::path::{Path, PathBuf};
use std::process::Command;

use calcheck_format::props::{MvBase, PropValue};
use calcheck_format::recurrence::decode_appointment_recurrence;
use calcheck_format::tzdef::{KeyNameState, TzDefinition, encode_tz_definition};
use calcheck_format::{DiagSeverity, Guid};
use calcheck_model::key::{PS_PUBLIC_STRINGS, PSETID_APPOINTMENT, PropKey};
use calcheck_model::names;
use calcheck_model::source::msg::{read_msg_bytes, read_msg_file};
use calcheck_writer::fixtures::{
    self, EXCEPTION_CLASS, EXCEPTION_SUBJECT, MEETING_ATTENDEES, MEETING_SUBJECT, ORGANIZER,
    SERIES_SUBJECT, TZ_KEY, utc,
};
use calcheck_writer::msg::{HeaderCounts, Message, Object, Value};
use serde_json::Value as Json;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tmp(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// Runs extract-msg on the files; fails clearly when python3 or extract_msg is missing.
fn peer(paths: &[PathBuf]) -> serde_json::Map<String, Json> {
    let script = repo().join("scripts/peer_msg.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(paths)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 ({e}); install it and run scripts/ci-deps.sh")
        });
    assert!(
        out.status.success(),
        "{} failed: {}\n(run scripts/ci-deps.sh to install extract-msg 0.57.0)",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Json = serde_json::from_slice(&out.stdout).unwrap();
    json["files"].as_object().unwrap().clone()
}

#[test]
fn msg_fixtures_in_testdata_are_up_to_date() {
    for f in fixtures::all() {
        let path = repo().join("testdata/msg").join(f.file_name);
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == f.message.to_bytes().unwrap(),
            "{} differs from its description; regenerate with `cargo run -p calcheck-writer --example write_msg_fixtures`",
            path.display()
        );
    }
    // The README lists every generated file.
    let readme = std::fs::read_to_string(repo().join("testdata/msg/README.md")).unwrap();
    for f in fixtures::all() {
        assert!(
            readme.contains(f.file_name),
            "README.md does not list {}",
            f.file_name
        );
    }
}

#[test]
fn msg_writer_output_reads_back_in_extract_msg() {
    let meeting = tmp("writer-meeting.msg");
    let series = tmp("writer-series.msg");
    fixtures::meeting_with_attendees()
        .write_to(&meeting)
        .unwrap();
    fixtures::weekly_series_one_exception()
        .write_to(&series)
        .unwrap();
    let p = peer(&[meeting.clone(), series.clone()]);

    let m = &p[meeting.to_str().unwrap()];
    assert_eq!(m["message_class"], "IPM.Appointment");
    assert_eq!(m["subject"], MEETING_SUBJECT);
    // 2024-03-04 09:00-10:00 W. Europe = 08:00-09:00 UTC; extract-msg prints microseconds.
    assert_eq!(m["start_whole_us"], utc(2024, 3, 4, 8, 0) / 10);
    assert_eq!(m["end_whole_us"], utc(2024, 3, 4, 9, 0) / 10);
    assert_eq!(m["tz_start_display"], TZ_KEY);
    assert_eq!(m["tz_end_display"], TZ_KEY);
    assert_eq!(m["has_recur_blob"], false);
    let recips = m["recipients"].as_array().unwrap();
    assert_eq!(recips.len(), 1 + MEETING_ATTENDEES.len());
    assert_eq!(recips[0]["email"], ORGANIZER.1);
    for (r, (name, address, ty)) in recips[1..].iter().zip(MEETING_ATTENDEES) {
        // Raw PR_RECIPIENT_TYPE: extract-msg's enum would print required attendees as ORGANIZER.
        assert_eq!(r["type"], ty);
        assert_eq!(r["display_name"], name);
        assert_eq!(r["email"], address);
        assert_eq!(r["smtp"], address);
        assert_eq!(r["address_type"], "SMTP");
    }

    let s = &p[series.to_str().unwrap()];
    assert_eq!(s["subject"], SERIES_SUBJECT);
    assert_eq!(s["tz_recur"], TZ_KEY);
    let rec = &s["recurrence"];
    let want = fixtures::weekly_series_recurrence().pattern;
    assert_eq!(rec["recur_frequency"], want.recur_frequency.value());
    assert_eq!(rec["pattern_type"], want.pattern_type.value());
    assert_eq!(rec["first_date_time"], want.first_date_time);
    assert_eq!(rec["period"], want.period);
    assert_eq!(rec["end_type"], want.end_type.value());
    assert_eq!(rec["occurrence_count"], want.occurrence_count);
    assert_eq!(rec["first_dow"], want.first_dow);
    // Monday is 0x02 in [MS-OXOCAL]; extract-msg names that bit Friday but returns the integer.
    assert_eq!(rec["pattern_type_specific"], 0x02);
    assert_eq!(rec["start_date"], want.start_date);
    assert_eq!(rec["end_date"], want.end_date);
    assert_eq!(
        rec["deleted_instance_dates"],
        Json::from(want.deleted_instance_dates)
    );
    assert_eq!(
        rec["modified_instance_dates"],
        Json::from(want.modified_instance_dates)
    );
    let atts = s["attachments"].as_array().unwrap();
    assert_eq!(atts.len(), 1);
    assert_eq!(atts[0]["method"], 5);
    assert_eq!(atts[0]["flags"], 2);
    assert_eq!(atts[0]["hidden"], true);
    let e = &atts[0]["embedded"];
    assert_eq!(e["message_class"], EXCEPTION_CLASS);
    assert_eq!(e["subject"], EXCEPTION_SUBJECT);
    assert_eq!(e["start_whole_us"], utc(2024, 3, 19, 13, 0) / 10);
    assert_eq!(e["recipients"].as_array().unwrap().len(), 2);
}

#[test]
fn msg_writer_output_reads_back_in_calcheck() {
    let series = tmp("writer-series-calcheck.msg");
    fixtures::weekly_series_one_exception()
        .write_to(&series)
        .unwrap();
    let item = read_msg_file(&series).unwrap();
    assert!(item.issues.is_empty(), "{:?}", item.issues);
    assert_eq!(item.props.str(&names::SUBJECT), Some(SERIES_SUBJECT));
    assert_eq!(item.props.bool(&names::RECURRING), Some(true));
    let blob = item.props.binary(&names::APPOINTMENT_RECUR).unwrap();
    let decoded = decode_appointment_recurrence(blob).unwrap();
    assert!(
        decoded.worst().is_none_or(|w| w < DiagSeverity::Warning),
        "{:?}",
        decoded.diagnostics
    );
    let want = fixtures::weekly_series_recurrence();
    assert_eq!(decoded.value.pattern, want.pattern);
    assert_eq!(
        decoded.value.exception_info[0].original_start_date,
        want.exception_info[0].original_start_date
    );
    assert_eq!(
        (item.attachments.len(), item.exception_items().count()),
        (1, 1)
    );
    let (a, e) = item.exception_items().next().unwrap();
    assert!(a.is_exception());
    assert_eq!(e.message_class(), EXCEPTION_CLASS);
    assert_eq!(e.item_ref.start, Some(utc(2024, 3, 19, 13, 0)));
    assert_eq!(
        e.props.time(&names::EXCEPTION_REPLACE_TIME),
        Some(utc(2024, 3, 18, 8, 0))
    );
    // The embedded message's named properties resolve through the file's one name map.
    assert_eq!(e.props.bool(&names::IS_EXCEPTION), Some(true));
}

#[test]
fn msg_writer_round_trips_every_value_shape() {
    let custom_set: Guid = "{11223344-5566-7788-99AA-BBCCDDEEFF00}".parse().unwrap();
    let m = Message::new()
        .set("PidTagMessageClass", "IPM.Appointment")
        .set("PidNameKeywords", Value::mv_unicode(&["red", "", "blue"]))
        .set("PidLidNonSendToTrackStatus", Value::mv_i32(&[0, 3, -1]))
        .set_key(
            PropKey::Tagged(0x6101),
            0x1102,
            Value::mv_binary(&[b"ab", b""]),
        )
        .set_key(
            PropKey::Tagged(0x6102),
            0x101E,
            PropValue::Multiple(
                MvBase::String8,
                vec![PropValue::String8 {
                    text: "é".into(),
                    codepage: 1252,
                }],
            ),
        )
        .set_key(PropKey::Tagged(0x6103), 0x0048, PropValue::Guid(custom_set))
        .set_key(PropKey::Tagged(0x6104), 0x0014, PropValue::I64(-5))
        .set_key(PropKey::Tagged(0x6105), 0x0005, PropValue::F64(1.5))
        .set_key(PropKey::Tagged(0x6106), 0x0002, PropValue::I16(-2))
        .set_key(PropKey::Tagged(0x6107), 0x0040, Value::time(0))
        .set("PidTagSubject", Value::string8("Grüße", 1252))
        .set("PidLidFInvited", false)
        .set_key(
            PropKey::name(PS_PUBLIC_STRINGS, "x-custom"),
            0x001F,
            "named by string",
        )
        .set_key(PropKey::lid(custom_set, 0x1234), 0x0003, 77);
    let item = read_msg_bytes(&m.to_bytes().unwrap(), Path::new("shapes.msg")).unwrap();
    assert!(item.issues.is_empty(), "{:?}", item.issues);
    let v = |key: PropKey| item.props.get_key(&key).unwrap().value.clone();
    let unicode = |s: &str| PropValue::Unicode(s.into());
    assert_eq!(
        item.props.get(&names::KEYWORDS).unwrap().value,
        PropValue::Multiple(
            MvBase::Unicode,
            vec![unicode("red"), unicode(""), unicode("blue")]
        )
    );
    assert_eq!(
        item.props
            .get(&names::NON_SEND_TO_TRACK_STATUS)
            .unwrap()
            .value,
        PropValue::Multiple(
            MvBase::Integer32,
            vec![PropValue::I32(0), PropValue::I32(3), PropValue::I32(-1)]
        )
    );
    assert_eq!(
        v(PropKey::Tagged(0x6101)),
        PropValue::Multiple(
            MvBase::Binary,
            vec![PropValue::Binary(b"ab".to_vec()), PropValue::Binary(vec![])]
        )
    );
    assert_eq!(
        v(PropKey::Tagged(0x6102)),
        PropValue::Multiple(
            MvBase::String8,
            vec![PropValue::String8 {
                text: "é".into(),
                codepage: 1252
            }]
        )
    );
    assert_eq!(v(PropKey::Tagged(0x6103)), PropValue::Guid(custom_set));
    assert_eq!(v(PropKey::Tagged(0x6104)), PropValue::I64(-5));
    assert_eq!(v(PropKey::Tagged(0x6105)), PropValue::F64(1.5));
    assert_eq!(v(PropKey::Tagged(0x6106)), PropValue::I16(-2));
    // A 1601-01-01 time (FILETIME 0) is kept as a value, not dropped.
    assert_eq!(v(PropKey::Tagged(0x6107)), PropValue::Time(0));
    assert_eq!(
        item.props.get(&names::SUBJECT).unwrap().value,
        PropValue::String8 {
            text: "Grüße".into(),
            codepage: 1252
        }
    );
    assert_eq!(item.props.bool(&names::F_INVITED), Some(false));
    assert_eq!(
        v(PropKey::name(PS_PUBLIC_STRINGS, "x-custom")),
        unicode("named by string")
    );
    assert_eq!(v(PropKey::lid(custom_set, 0x1234)), PropValue::I32(77));
}

#[test]
fn msg_writer_writes_deliberately_broken_data() {
    // A TZDEFINITION with cchKeyName 0 (the null szKeyName of KB 2553248), a duplicate
    // PidLidAppointmentStartWhole, a hand-made entry and wrong header counts.
    let mut null_key = TzDefinition::new("", Vec::new());
    null_key.cch_key_name = Some(0);
    let start = PropKey::lid(PSETID_APPOINTMENT, 0x820D);
    let m = Message::new()
        .set("PidTagMessageClass", "IPM.Appointment")
        .set(
            "PidLidAppointmentTimeZoneDefinitionStartDisplay",
            encode_tz_definition(&null_key),
        )
        .set_key(start.clone(), 0x0040, Value::time(utc(2024, 1, 1, 0, 0)))
        .add_key(start, 0x0040, Value::time(utc(2024, 1, 2, 0, 0)))
        .raw_entry(0x6110_0003, 0x6, [7, 0, 0, 0, 0, 0, 0, 0])
        .header_counts(HeaderCounts {
            next_recipient_id: 0,
            next_attachment_id: 0,
            recipient_count: 2,
            attachment_count: 0,
        });
    let item = read_msg_bytes(&m.to_bytes().unwrap(), Path::new("broken.msg")).unwrap();
    let tz = item
        .decoded()
        .tz_start_display
        .as_ref()
        .unwrap()
        .as_ref()
        .unwrap();
    assert_eq!(tz.value.key_name_state(), KeyNameState::Empty);
    // Both entries were written; the reader keeps the later value and reports the duplicate.
    assert_eq!(
        item.props.time(&names::APPOINTMENT_START_WHOLE),
        Some(utc(2024, 1, 2, 0, 0))
    );
    assert!(
        item.issues
            .iter()
            .any(|i| i.reason.contains("appears more than once"))
    );
    assert_eq!(
        item.props.get_key(&PropKey::Tagged(0x6110)).unwrap().value,
        PropValue::I32(7)
    );
    assert!(item.issues.iter().any(|i| i.what == "recipient table"));
}

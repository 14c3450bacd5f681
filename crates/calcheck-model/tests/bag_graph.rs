//! Graph event JSON read by `BagSource` gives the same findings as the same item read from .msg
//! (testdata/bag/README.md): the sample calendar's defects, seen through Graph's response shape.

mod bag_support;

use bag_support::{Seen, codes, findings, testdata};
use calcheck_model::source::bag::{BagErrorKind, BagSource};
use calcheck_model::source::msg::MsgSource;
use calcheck_model::{CalendarSource, Provenance, names};

/// Splits off the CC903 notes: a Graph event never carries the attachment table, so every one of them
/// has one, and the .msg copy has none.
fn without_skipped(all: Vec<Seen>) -> (Vec<Seen>, Vec<Seen>) {
    all.into_iter().partition(|s| s.code != "CC903")
}

/// The CC903 note of one item, naming the attachment table and the exception-attachment check.
fn assert_attachment_checks_skipped(skipped: &[Seen]) {
    assert_eq!(skipped.len(), 1, "{skipped:?}");
    let s = &skipped[0];
    assert!(s.message.contains("the attachment table"), "{s:?}");
    assert!(s.evidence.iter().any(|e| e.contains("CC214")), "{s:?}");
}

fn msg(file: &str) -> MsgSource {
    MsgSource::open(testdata(&format!("sample-calendar/{file}"))).unwrap()
}

fn bag(file: &str) -> BagSource {
    BagSource::open(testdata(&format!("bag/{file}"))).unwrap()
}

#[test]
fn graph_event_with_empty_tz_key_name_matches_msg() {
    // testdata/bag/ews-meeting-null-keyname.json is sample item 03 as a Graph event, with some ids in
    // lower case, a distinguished set name, a decimal LID and native JSON values.
    let (from_graph, skipped) = without_skipped(findings(&bag("ews-meeting-null-keyname.json")));
    let from_msg = findings(&msg("03-ews-meeting-null-keyname.msg"));
    assert_eq!(from_graph, from_msg);
    // The sample calendar's README: CC302 (TZDEFINITION with cchKeyName 0, KB 2553248).
    assert_eq!(codes(&from_graph), ["CC302"]);
    assert_attachment_checks_skipped(&skipped);
}

#[test]
fn graph_attendee_replied_at_1601_matches_msg_and_says_derived() {
    // attendees[1].status.time is 1601-01-01T00:00:00Z: Graph's field, mapped to
    // PR_RECIPIENT_TRACKSTATUS_TIME as a derived value.
    let source = bag("accepted-at-1601.json");
    let (from_graph, skipped) = without_skipped(findings(&source));
    assert_attachment_checks_skipped(&skipped);
    let from_msg = findings(&msg("04-accepted-at-1601.msg"));
    assert_eq!(codes(&from_graph), ["CC408"]);
    assert_eq!(codes(&from_msg), ["CC408"]);
    assert!(
        from_graph[0].derived,
        "the Graph finding rests on a Graph field"
    );
    assert!(!from_msg[0].derived);
    let strip = |s: &Seen| (s.code, s.message.clone(), s.evidence.clone());
    assert_eq!(strip(&from_graph[0]), strip(&from_msg[0]));

    let item = source.items().next().unwrap().unwrap();
    let rita = item
        .recipients
        .iter()
        .find(|r| r.props.str(&names::DISPLAY_NAME) == Some("Rita Required"))
        .unwrap();
    let t = rita.props.get(&names::RECIPIENT_TRACK_STATUS_TIME).unwrap();
    assert_eq!(t.value.as_time(), Some(0));
    assert_eq!(t.provenance, Provenance::Derived);
    // Rick accepted (Graph "accepted" = respAccepted 3, [MS-OXOCAL] 2.2.1.11).
    let rick = item
        .recipients
        .iter()
        .find(|r| r.props.str(&names::DISPLAY_NAME) == Some("Rick Required"))
        .unwrap();
    assert_eq!(rick.props.i32(&names::RECIPIENT_TRACK_STATUS), Some(3));
}

#[test]
fn graph_series_with_broken_exception_info_matches_msg_and_reports_skipped_checks() {
    let (from_graph, skipped) = without_skipped(findings(&bag("broken-exception.json")));
    let from_msg = findings(&msg("05-broken-exception.msg"));
    // The .msg carries the exception attachment; Graph cannot, so CC214 is skipped (CC903, Info)
    // instead of passing, and every other finding is the same.
    assert_eq!(codes(&from_msg), ["CC210"]);
    assert_eq!(from_graph, from_msg);
    assert_attachment_checks_skipped(&skipped);
}

#[test]
fn graph_event_without_attendees_skips_recipient_checks() {
    let json = br#"{"subject": "x", "singleValueExtendedProperties": [
        {"id": "String 0x001A", "value": "IPM.Appointment"}]}"#;
    let source = BagSource::from_bytes(json, std::path::Path::new("x.json")).unwrap();
    let item = source.items().next().unwrap().unwrap();
    assert!(!item.coverage.recipients && !item.coverage.attachments);
    let seen = findings(&source);
    let skipped = seen.iter().find(|s| s.code == "CC903").unwrap();
    assert!(
        skipped.message.contains("the recipient table"),
        "{skipped:?}"
    );
}

#[test]
fn three_shapes_are_accepted_and_others_refused() {
    let event = r#"{"id": "A", "subject": "s", "singleValueExtendedProperties": [
        {"id": "String 0x0037", "value": "s"}]}"#;
    let one = BagSource::from_bytes(event.as_bytes(), "a.json".as_ref()).unwrap();
    let graph = format!(r#"{{"value": [{event}]}}"#);
    let many = BagSource::from_bytes(graph.as_bytes(), "b.json".as_ref()).unwrap();
    let doc =
        format!(r#"{{"format": "calcheck-bag/1", "items": [{event}, {{"unreadable": "gone"}}]}}"#);
    let bag_doc = BagSource::from_bytes(doc.as_bytes(), "c.json".as_ref()).unwrap();
    assert_eq!(one.items().count(), 1);
    assert_eq!(many.items().count(), 1);
    let results: Vec<_> = bag_doc.items().collect();
    assert_eq!(results.len(), 2);
    assert_eq!(results[1].as_ref().unwrap_err().reason, "gone");
    for (bad, why) in [
        (&b"not json"[..], "json"),
        (br#"{"format": "other/2", "items": []}"#, "format"),
        (br#"{"foo": 1}"#, "shape"),
        (br#"{"value": [{"itemId": "x", "data": "AQ=="}]}"#, "export"),
    ] {
        let e = BagSource::from_bytes(bad, "d.json".as_ref()).unwrap_err();
        let ok = match why {
            "json" => matches!(e.kind, BagErrorKind::Json(_)),
            "export" => matches!(e.kind, BagErrorKind::GraphExport),
            _ => matches!(e.kind, BagErrorKind::Shape(_)),
        };
        assert!(ok, "{why}: {e}");
    }
}

#[test]
fn responses_for_one_event_merge_by_graph_id() {
    let part1 = r#"{"value": [{"id": "E1", "attendees": [],
        "singleValueExtendedProperties": [{"id": "String 0x0037", "value": "s"}]}]}"#;
    let part2 = r#"{"value": [{"id": "E1",
        "singleValueExtendedProperties": [{"id": "Boolean Appointment Id 0x8223", "value": "false"}]},
        {"id": "E2", "singleValueExtendedProperties": []}]}"#;
    let dir = std::env::temp_dir().join(format!("calcheck-bag-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("1.json"), part1).unwrap();
    std::fs::write(dir.join("2.json"), part2).unwrap();
    std::fs::write(dir.join("3.json"), "{").unwrap();
    let source = BagSource::open_folder(&dir).unwrap();
    let results: Vec<_> = source.items().collect();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(results.len(), 3, "E1 once, E2, and the broken file");
    let e1 = results[0].as_ref().unwrap();
    assert_eq!(e1.props.str(&names::SUBJECT), Some("s"));
    assert_eq!(e1.props.bool(&names::RECURRING), Some(false));
    assert!(e1.coverage.recipients);
    assert!(results[2].is_err());
    assert_eq!(source.info().notes.len(), 1);
}

#[test]
fn bad_properties_become_read_issues() {
    let json = br#"{"singleValueExtendedProperties": [
        {"id": "Binary Appointment Id 0x8216", "value": "not base64!"},
        {"id": "Integer 0x8001", "value": "1"},
        {"value": "no id"},
        {"id": "String 0x0037", "value": "kept"}]}"#;
    let source = BagSource::from_bytes(json, "e.json".as_ref()).unwrap();
    let item = source.items().next().unwrap().unwrap();
    assert_eq!(item.issues.len(), 3, "{:?}", item.issues);
    assert_eq!(item.props.str(&names::SUBJECT), Some("kept"));
    assert!(findings(&source).iter().any(|s| s.code == "CC902"));
}

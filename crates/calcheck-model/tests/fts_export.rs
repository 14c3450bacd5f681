//! Fast-transfer exports read by `FtsSource`: the test-only writer's fixtures (testdata/fts/README.md) in
//! every container give the same findings as the same items read from .msg, a folder of streams is one
//! calendar, and the ExportItems documentation sample reads as far as its shortened bytes allow.

mod bag_support;

use std::path::{Path, PathBuf};

use bag_support::{codes, findings, testdata};
use calcheck_format::props::PropValue;
use calcheck_model::source::fts::FtsSource;
use calcheck_model::source::msg::{MsgFolderSource, read_msg_file};
use calcheck_model::{CalendarItem, CalendarSource, Locator, names};
use calcheck_writer::fts;

/// The sample calendar's items, read from their committed .msg files.
fn sample_items() -> Vec<(PathBuf, CalendarItem)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(testdata("sample-calendar"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "msg"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let item = read_msg_file(&p).unwrap();
            (p, item)
        })
        .collect()
}

fn sample(name: &str) -> CalendarItem {
    sample_items()
        .into_iter()
        .find(|(p, _)| p.file_name().unwrap().to_str().unwrap().starts_with(name))
        .unwrap()
        .1
}

/// The committed fixtures and how the writer builds them.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let export = |name: &str| fts::export(&sample(name), 61);
    vec![
        ("meeting-accepted-at-1601.fts", export("04")),
        (
            "meeting-with-attendees.b64",
            fts::base64_text(&export("01")).into_bytes(),
        ),
        (
            "weekly-series-exception.xml",
            fts::soap_response(&[export("02")]).into_bytes(),
        ),
        (
            "graph-export-two-items.json",
            fts::graph_export_json(&[export("01"), export("05")]).into_bytes(),
        ),
    ]
}

#[test]
fn fixtures_are_what_the_writer_builds() {
    for (name, bytes) in fixtures() {
        let path = testdata(&format!("fts/{name}"));
        if std::env::var_os("CALCHECK_WRITE_FIXTURES").is_some() {
            std::fs::write(&path, &bytes).unwrap();
        }
        let committed = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            committed == bytes,
            "{name} differs from the writer's output"
        );
    }
}

fn single_msg(path: &Path) -> calcheck_model::source::msg::MsgSource {
    calcheck_model::source::msg::MsgSource::open(path).unwrap()
}

#[test]
fn every_sample_item_in_every_container_gives_the_msg_findings() {
    for (path, item) in sample_items() {
        let expected = findings(&single_msg(&path));
        let framed = fts::export(&item, 61);
        let containers: Vec<(&str, Vec<u8>)> = vec![
            ("raw unframed", fts::message_content(&item)),
            ("raw framed", framed.clone()),
            ("base64", fts::base64_text(&framed).into_bytes()),
            (
                "soap",
                fts::soap_response(std::slice::from_ref(&framed)).into_bytes(),
            ),
            (
                "graph",
                fts::graph_export_json(std::slice::from_ref(&framed)).into_bytes(),
            ),
        ];
        for (kind, bytes) in containers {
            let source = FtsSource::from_bytes(&bytes, Path::new("x.fts")).unwrap();
            let got = findings(&source);
            assert_eq!(got, expected, "{} as {kind}", path.display());
        }
    }
}

#[test]
fn committed_fixtures_read_with_recipients_track_status_and_exception_attachment() {
    let meeting = FtsSource::open(testdata("fts/meeting-accepted-at-1601.fts")).unwrap();
    assert_eq!(codes(&findings(&meeting)), ["CC408"]);
    let item = meeting.items().next().unwrap().unwrap();
    assert_eq!(item.recipients.len(), 3);
    let rick = &item.recipients[1];
    assert_eq!(rick.props.i32(&names::RECIPIENT_TRACK_STATUS), Some(3));
    let t = rick.props.get(&names::RECIPIENT_TRACK_STATUS_TIME).unwrap();
    assert!(
        t.location
            .as_ref()
            .unwrap()
            .to_string()
            .starts_with("stream offset ")
    );

    let series = FtsSource::open(testdata("fts/weekly-series-exception.xml")).unwrap();
    assert!(findings(&series).is_empty());
    let item = series.items().next().unwrap().unwrap();
    let recur = item.decoded().recurrence.clone().unwrap().unwrap().value;
    // The series fixture: one deleted (2024-03-18) and one modified (2024-03-19) instance.
    assert_eq!(recur.pattern.deleted_instance_dates.len(), 1);
    assert_eq!(recur.pattern.modified_instance_dates.len(), 1);
    let (att, exception) = item.exception_items().next().unwrap();
    assert!(att.is_exception());
    assert_eq!(
        exception.props.str(&names::MESSAGE_CLASS),
        Some("IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}")
    );
    assert!(matches!(
        exception.item_ref.locator,
        Locator::StreamOffset(_)
    ));

    let graph = FtsSource::open(testdata("fts/graph-export-two-items.json")).unwrap();
    assert_eq!(graph.items().count(), 2);
    assert_eq!(codes(&findings(&graph)), ["CC210"]);
    let b64 = FtsSource::open(testdata("fts/meeting-with-attendees.b64")).unwrap();
    assert!(findings(&b64).is_empty());
}

#[test]
fn a_folder_of_streams_is_one_calendar() {
    let dir = std::env::temp_dir().join(format!("calcheck-fts-folder-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (_, item)) in sample_items().iter().enumerate() {
        let framed = fts::export(item, 97);
        let (name, bytes) = match i % 3 {
            0 => (format!("{i:02}.fts"), framed),
            1 => (
                format!("{i:02}.b64"),
                fts::base64_text(&framed).into_bytes(),
            ),
            _ => (
                format!("{i:02}.xml"),
                fts::soap_response(&[framed]).into_bytes(),
            ),
        };
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let source = FtsSource::open_folder(&dir).unwrap();
    let got = findings(&source);
    std::fs::remove_dir_all(&dir).unwrap();
    let expected = findings(&MsgFolderSource::open(testdata("sample-calendar")).unwrap());
    // The duplicate pair (CC502, CC503) is found across files, as in the .msg folder.
    assert!(codes(&got).contains(&"CC502"));
    assert_eq!(got, expected);
}

#[test]
fn the_exportitems_documentation_sample_reads_as_far_as_its_bytes_allow() {
    // testdata/fts/README.md: Microsoft's "Successful ExportItems Response Example", shortened by its
    // authors. Item 3 keeps its framing (Config, IsInterfaceOk, TellPartnerVersion, a TransferBuffer that
    // declares 8210 bytes) and the start of a message; items 1 and 2 lost bytes inside their framing.
    let source = FtsSource::open(testdata("fts/ms-exportitems-sample.xml")).unwrap();
    let results: Vec<_> = source.items().collect();
    assert_eq!(results.len(), 3);
    for r in &results[..2] {
        let u = r.as_ref().unwrap_err();
        assert!(u.reason.contains("offset"), "{}", u.reason);
    }
    let item = results[2].as_ref().unwrap();
    // Values as the sample's bytes hold them: PidTagMessageClass "IPM.Note" and PidTagSubject
    // "Interesting - from EWSMA" as code-page 1200 strings, PidTagImportance 1, PidTagSensitivity 0,
    // PidTagReadReceiptRequested false as a 2-byte Boolean.
    assert_eq!(item.props.str(&names::MESSAGE_CLASS), Some("IPM.Note"));
    assert_eq!(
        item.props.str(&names::SUBJECT),
        Some("Interesting - from EWSMA")
    );
    assert_eq!(item.props.i32(&names::IMPORTANCE), Some(1));
    assert_eq!(item.props.i32(&names::SENSITIVITY), Some(0));
    let rrr = item
        .props
        .get_key(&calcheck_model::PropKey::Tagged(0x0029))
        .unwrap();
    assert_eq!(rrr.value, PropValue::Bool(false));
    let issues: Vec<String> = item.issues.iter().map(|i| i.reason.clone()).collect();
    assert!(
        issues
            .iter()
            .any(|i| i.contains("TransferBuffer declares 8210 bytes")),
        "{issues:?}"
    );
    assert!(issues.iter().any(|i| i.contains("propValue")), "{issues:?}");
    // An IPM.Note is not a calendar item: the engine skips it.
    assert!(!item.is_calendar_item());
}

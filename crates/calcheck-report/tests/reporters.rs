//! Every reporter on one fixed report: the engine runs the registry's checks over hand-built items (a
//! start after its end, a missing start, an unreadable item, a duplicate pair, a 1601 response time, a
//! damaged property), and each format is snapshotted. Format rules that a snapshot cannot show (CRLF, the
//! BOM, CSV quoting, SARIF's required fields) are asserted directly.

use std::path::Path;
use std::sync::Arc;

use calcheck_checks::{Engine, Options, Report, RowMode, Severity, select};
use calcheck_format::props::PropValue;
use calcheck_format::time::utc_to_filetime;
use calcheck_model::{
    CalendarItem, CalendarSource, FolderInfo, ItemRef, ItemResult, Locator, Property, Provenance,
    Recipient, SourceInfo, SourceKind, UnreadableItem, names,
};
use calcheck_report::json::ReportV1;
use calcheck_report::sarif::SarifLog;
use calcheck_report::{
    ErrCsvReporter, InputError, ItemsCsvReporter, JsonReporter, LogReporter, Reporter, RunInfo,
    SarifReporter,
};
use chrono::{TimeZone, Utc};

struct VecSource {
    info: SourceInfo,
    items: Vec<ItemResult>,
}

impl CalendarSource for VecSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(self.items.clone().into_iter())
    }
}

fn ft(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> u64 {
    utc_to_filetime(Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()).unwrap()
}

fn set(it: &mut CalendarItem, def: &names::PropDef, v: PropValue) {
    it.props
        .insert(Property::new(def.key.to_key(), def.ty.code(), v));
}

fn text(it: &mut CalendarItem, def: &names::PropDef, v: &str) {
    set(it, def, PropValue::Unicode(v.into()));
}

fn hex(s: &str) -> Vec<u8> {
    calcheck_format::hex::decode_hex(s).unwrap()
}

/// The checks the fixture is built to trigger; naming them keeps the snapshots stable as checks are added.
const FIXTURE_CHECKS: &[&str] = &["CC101", "CC107", "CC408", "CC502", "CC901", "CC902"];

fn pst() -> Arc<Path> {
    Arc::from(Path::new("mail/user.pst"))
}

/// A meeting in `/Top of Personal Folders/Calendar` of the PST, node `nid`.
fn item(nid: u32, subject: &str, start: Option<u64>, end: u64) -> CalendarItem {
    let mut it = CalendarItem::new(ItemRef::new(
        pst(),
        "/Top of Personal Folders/Calendar",
        Locator::PstNode(nid),
    ));
    text(&mut it, &names::MESSAGE_CLASS, "IPM.Appointment");
    text(&mut it, &names::SUBJECT, subject);
    text(&mut it, &names::LOCATION, "Room 4.01");
    if let Some(s) = start {
        set(&mut it, &names::APPOINTMENT_START_WHOLE, PropValue::Time(s));
    }
    set(&mut it, &names::APPOINTMENT_END_WHOLE, PropValue::Time(end));
    text(&mut it, &names::SENT_REPRESENTING_NAME, "Ann Organizer");
    text(
        &mut it,
        &names::SENT_REPRESENTING_EMAIL_ADDRESS,
        "/o=Org/ou=OU/cn=Recipients/cn=ann",
    );
    text(&mut it, &names::SENDER_NAME, "Ann Organizer");
    text(
        &mut it,
        &names::SENDER_EMAIL_ADDRESS,
        "/o=Org/ou=OU/cn=Recipients/cn=ann",
    );
    set(
        &mut it,
        &names::LAST_MODIFICATION_TIME,
        PropValue::Time(ft(2025, 3, 4, 12, 0)),
    );
    set(&mut it, &names::MESSAGE_SIZE, PropValue::I32(4096));
    set(&mut it, &names::APPOINTMENT_STATE_FLAGS, PropValue::I32(1));
    set(
        &mut it,
        &names::ENTRY_ID,
        PropValue::Binary(vec![0, 0, 0, 0, 0xAB, 0xCD, (nid & 0xFF) as u8]),
    );
    // PR_LAST_MODIFIER_NAME (0x3FFA001F) is read by tag.
    it.props.insert(Property::new(
        calcheck_model::PropKey::Tagged(0x3FFA),
        0x001F,
        PropValue::Unicode("Bob Delegate".into()),
    ));
    it.item_ref.fill_from(&it.props.clone());
    it
}

fn fixed_report() -> (Report, RunInfo) {
    report_with_rows(RowMode::All)
}

fn report_with_rows(mode: RowMode) -> (Report, RunInfo) {
    let now = ft(2025, 6, 1, 0, 0);
    let h = 36_000_000_000u64;
    let d = 24 * h;

    // A recurring meeting with nothing wrong, in the past series-wise (ClipEnd before now).
    let mut weekly = item(
        0x200024,
        "Weekly sync",
        Some(ft(2025, 1, 6, 9, 0)),
        ft(2025, 1, 6, 9, 30),
    );
    set(&mut weekly, &names::RECURRING, PropValue::Bool(true));
    set(
        &mut weekly,
        &names::CLIP_START,
        PropValue::Time(ft(2025, 1, 6, 0, 0)),
    );
    set(
        &mut weekly,
        &names::CLIP_END,
        PropValue::Time(ft(2025, 3, 31, 0, 0)),
    );
    // A real PidLidAppointmentRecur (hughbe/MsgReader "Recurring Appointment.msg", shared/vectors/
    // appointment_recur/hughbe-recurring-appointment-weekly-su-th): StartDate 2020-10-22, EndDate
    // 2021-04-08, EndType EndAfterNOccurrences with 49 occurrences, no exceptions.
    set(
        &mut weekly,
        &names::APPOINTMENT_RECUR,
        PropValue::Binary(hex(
            "043004300B2001000000C02100000100000000000000110000002220000031000000000000000000000000000000\
             E016290DE0C72C0D0630000009300000E0010000FE01000000000000000000000000",
        )),
    );
    set(
        &mut weekly,
        &names::TIME_ZONE_STRUCT,
        PropValue::Binary(vec![0xC4, 0xFF, 0xFF, 0xFF]),
    );

    // Start after end: CC107.
    let backwards = item(
        0x200044,
        "Backwards",
        Some(ft(2025, 7, 1, 15, 0)),
        ft(2025, 7, 1, 14, 0),
    );

    // No start, and a subject that would be a formula in Excel: CC101.
    let no_start = item(
        0x200064,
        "=HYPERLINK(\"http://example.invalid\",\"click\")",
        None,
        ft(2025, 8, 1, 10, 0),
    );

    let unreadable = UnreadableItem {
        item_ref: ItemRef::new(
            pst(),
            "/Top of Personal Folders/Calendar",
            Locator::PstNode(0x200084),
        ),
        reason: "block 0x1F4 fails its CRC check".into(),
    };

    // A duplicate pair with commas, quotes and a line break in the subject: CC502 on the newer copy.
    let dup_subject = "Lunch, \"with\" team\nsecond line";
    let mut older = item(
        0x2000A4,
        dup_subject,
        Some(ft(2025, 5, 1, 12, 0)),
        ft(2025, 5, 1, 13, 0),
    );
    set(
        &mut older,
        &names::CREATION_TIME,
        PropValue::Time(ft(2025, 4, 1, 8, 0)),
    );
    let mut newer = item(
        0x2000C4,
        dup_subject,
        Some(ft(2025, 5, 1, 12, 0)),
        ft(2025, 5, 1, 13, 0),
    );
    set(
        &mut newer,
        &names::CREATION_TIME,
        PropValue::Time(ft(2025, 4, 2, 8, 0)),
    );

    // A recipient whose response time is 1601-01-01, derived from another representation: CC408.
    let mut tracked = item(
        0x2000E4,
        "Café ☕ Besprechung",
        Some(ft(2025, 6, 2, 8, 0)),
        ft(2025, 6, 2, 9, 0) + d,
    );
    let mut r = Recipient {
        row: 1,
        ..Recipient::default()
    };
    r.props.insert(Property::new(
        names::DISPLAY_NAME.key.to_key(),
        0x001F,
        PropValue::Unicode("Carl Attendee".into()),
    ));
    let mut t = Property::new(
        names::RECIPIENT_TRACK_STATUS_TIME.key.to_key(),
        0x0040,
        PropValue::Time(0),
    );
    t.provenance = Provenance::Derived;
    r.props.insert(t);
    tracked.recipients.push(r);
    // And a property that could not be read: CC902, overridden to info below.
    tracked.issue(
        "property PidLidAppointmentRecur",
        "stream is 12 bytes shorter than its size",
    );

    let pst_source = VecSource {
        info: SourceInfo {
            path: pst(),
            kind: SourceKind::Pst,
            display_name: Some("Personal Folders".into()),
            mailbox_owner: Some("Ann Organizer".into()),
            folders: vec![
                FolderInfo {
                    path: "/Top of Personal Folders/Calendar".into(),
                    container_class: Some("IPF.Appointment".into()),
                    item_count: 7,
                    is_calendar: true,
                },
                FolderInfo {
                    path: "/Top of Personal Folders/Inbox".into(),
                    container_class: Some("IPF.Note".into()),
                    item_count: 12,
                    is_calendar: false,
                },
            ],
            notes: vec!["the PST has a password (a CRC of it, not encryption)".into()],
        },
        items: vec![
            Ok(weekly),
            Ok(backwards),
            Ok(no_start),
            Err(unreadable),
            Ok(older),
            Ok(newer),
            Ok(tracked),
        ],
    };

    let msg_path: Arc<Path> = Arc::from(Path::new("mail/one.msg"));
    let mut single = CalendarItem::new(ItemRef::new(msg_path.clone(), "", Locator::MsgFile));
    text(&mut single, &names::MESSAGE_CLASS, "IPM.Appointment");
    text(&mut single, &names::SUBJECT, "Dentist");
    set(
        &mut single,
        &names::APPOINTMENT_START_WHOLE,
        PropValue::Time(ft(2025, 2, 3, 7, 30)),
    );
    set(
        &mut single,
        &names::APPOINTMENT_END_WHOLE,
        PropValue::Time(ft(2025, 2, 3, 8, 0)),
    );
    single.item_ref.fill_from(&single.props.clone());
    let msg_source = VecSource {
        info: SourceInfo {
            path: msg_path,
            kind: SourceKind::Msg,
            display_name: None,
            mailbox_owner: None,
            folders: vec![],
            notes: vec![],
        },
        items: vec![Ok(single)],
    };

    let mut options = Options::at(now);
    options.mailbox_addresses = vec!["/o=Org/ou=OU/cn=Recipients/cn=ann".into()];
    let selected: Vec<String> = FIXTURE_CHECKS.iter().map(|c| (*c).to_owned()).collect();
    let mut engine = Engine::new(select::select(&selected, &[]).unwrap(), options);
    engine.override_severity("CC902", Severity::Info);
    engine.collect_rows(mode);
    let report = engine.run(&[&pst_source, &msg_source]);
    let mut run = RunInfo::at(
        "0.0.0-test",
        Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 0).unwrap(),
    );
    run.finished = Utc.with_ymd_and_hms(2025, 6, 1, 0, 0, 3).unwrap();
    run.input_errors.push(InputError {
        path: "mail/broken.pst".into(),
        reason: "not a readable PST: header CRC mismatch".into(),
    });
    (report, run)
}

fn render(r: &mut dyn Reporter, report: &Report) -> Vec<u8> {
    let mut out = Vec::new();
    r.write(report, &mut out).unwrap();
    out
}

fn assert_crlf_lines(bytes: &[u8]) {
    for (i, w) in bytes.windows(2).enumerate() {
        if w[1] == b'\n' {
            assert_eq!(w[0], b'\r', "bare LF at byte {}", i + 1);
        }
    }
}

#[test]
fn fixed_report_has_expected_findings() {
    let (report, _) = fixed_report();
    let got: Vec<(usize, usize, &str, Severity)> = report
        .findings
        .iter()
        .map(|f| (f.source_index, f.item_index, f.check.code, f.severity))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, 1, "CC107", Severity::Error),
            (0, 2, "CC101", Severity::Error),
            (0, 3, "CC901", Severity::Error),
            (0, 5, "CC502", Severity::Error),
            (0, 6, "CC408", Severity::Error),
            (0, 6, "CC902", Severity::Info),
        ]
    );
    assert_eq!(report.sources[0].rows.len(), 6);
    assert_eq!(report.sources[1].rows.len(), 1);
}

#[test]
fn engine_keeps_rows_of_flagged_and_related_items_only() {
    let (report, _) = report_with_rows(RowMode::Flagged);
    let kept: Vec<(usize, bool)> = report.sources[0]
        .rows
        .iter()
        .map(|r| (r.index, r.flagged))
        .collect();
    // Index 4 is not flagged but is the older copy the duplicate finding names; index 0 is dropped.
    assert_eq!(
        kept,
        [(1, true), (2, true), (4, false), (5, true), (6, true)]
    );
    assert!(report.sources[1].rows.is_empty());
    let (none, _) = report_with_rows(RowMode::None);
    assert!(none.sources.iter().all(|s| s.rows.is_empty()));
}

#[test]
fn log_snapshot() {
    let (report, run) = fixed_report();
    let bytes = render(&mut LogReporter::new(run), &report);
    assert_crlf_lines(&bytes);
    let text = String::from_utf8(bytes).unwrap();
    // The newline inside the duplicate's subject must not start a new log line.
    assert!(text.contains("Subject: Lunch, \"with\" team\\nsecond line\r\n"));
    insta::assert_snapshot!("log", text.replace("\r\n", "\n"));
}

#[test]
fn log_without_findings_says_so() {
    let (mut report, run) = fixed_report();
    report.findings.clear();
    let text = String::from_utf8(render(&mut LogReporter::new(run), &report)).unwrap();
    assert!(text.contains("\r\nNo known errors or problems were found.\r\n"));
    assert!(!text.contains("Problem Items:"));
}

#[test]
fn err_csv_snapshot() {
    let (report, _) = fixed_report();
    let bytes = render(&mut ErrCsvReporter, &report);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM first");
    let body = bytes.get(3..).unwrap();
    // Parse it back: one header and one record per flagged item, every subject intact.
    let mut rd = csv::ReaderBuilder::new().from_reader(body);
    let headers = rd.headers().unwrap().clone();
    assert_eq!(headers.get(0), Some("Subject"));
    assert_eq!(headers.len(), 17);
    let records: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 5, "five flagged items");
    assert_eq!(
        records[1].get(0),
        Some("'=HYPERLINK(\"http://example.invalid\",\"click\")"),
        "formula neutralized"
    );
    assert_eq!(records[3].get(0), Some("Lunch, \"with\" team\nsecond line"));
    assert_eq!(records[3].get(8), Some("Lunch, \"with\" team\nsecond line"));
    assert_eq!(
        records[3].get(10),
        Some("2025-05-01 13:00:00"),
        "other item end"
    );
    let text = String::from_utf8(body.to_vec()).unwrap();
    insta::assert_snapshot!("err_csv", text.replace("\r\n", "⏎\n"));
}

#[test]
fn items_csv_snapshot() {
    let (report, _) = fixed_report();
    let bytes = render(&mut ItemsCsvReporter, &report);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let body = bytes.get(3..).unwrap();
    let mut rd = csv::ReaderBuilder::new().from_reader(body);
    let records: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 7, "every readable item of both inputs");
    let flagged: Vec<&str> = records.iter().map(|r| r.get(27).unwrap()).collect();
    // The weekly series' recurrence columns come from its decoded blob.
    let weekly = &records[0];
    assert_eq!(weekly.get(20), Some("2020-10-22"));
    assert_eq!(weekly.get(21), Some("2021-04-08"));
    assert_eq!(weekly.get(22), Some("End After X Occurrences"));
    assert_eq!(weekly.get(23), Some("0"));
    assert_eq!(
        flagged,
        ["false", "true", "true", "false", "true", "true", "false"]
    );
    let text = String::from_utf8(body.to_vec()).unwrap();
    insta::assert_snapshot!("items_csv", text.replace("\r\n", "⏎\n"));
}

#[test]
fn json_snapshot_and_round_trip() {
    let (report, run) = fixed_report();
    let bytes = render(&mut JsonReporter::new(run.clone()), &report);
    let doc: ReportV1 = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc, ReportV1::new(&report, &run));
    assert_eq!(doc.version, 1);
    assert_eq!(doc.totals.errors, 5);
    assert_eq!(doc.totals.infos, 1);
    assert_eq!(doc.totals.input_errors, 1);
    let dup = &doc.findings[3];
    assert_eq!(dup.related.len(), 1);
    assert_eq!(dup.related[0].locator, "nid 0x002000A4");
    assert_eq!(dup.item.start.as_deref(), Some("2025-05-01T12:00:00Z"));
    insta::assert_snapshot!("json", String::from_utf8(bytes).unwrap());
}

#[test]
fn sarif_snapshot_and_required_fields() {
    let (report, run) = fixed_report();
    let bytes = render(&mut SarifReporter::new(run), &report);
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    // Required by the SARIF 2.1.0 schema: sarifLog.version and runs; run.tool.driver.name; result.message;
    // reportingDescriptor.id; invocation.executionSuccessful; notification.message.
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "calcheck");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), calcheck_checks::registry::CHECKS.len());
    for r in rules {
        assert!(r["id"].as_str().unwrap().starts_with("CC"));
        assert!(!r["shortDescription"]["text"].as_str().unwrap().is_empty());
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 6);
    for res in results {
        let idx = usize::try_from(res["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(["note", "warning", "error"].contains(&res["level"].as_str().unwrap()));
        assert!(!res["message"]["text"].as_str().unwrap().is_empty());
        let loc = &res["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "mail/user.pst"
        );
        assert!(
            loc["logicalLocations"]
                .as_array()
                .is_some_and(|l| !l.is_empty())
        );
    }
    assert_eq!(results[5]["level"], "note");
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    assert!(
        inv["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("mail/broken.pst")
    );
    // The typed structs read it back unchanged.
    let typed: SarifLog = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(typed.runs[0].results.len(), 6);
    // The rules are the whole registry, which grows as checks are added: the snapshot keeps only the
    // fixture's rules, and rule indexes (checked above) as placeholders.
    // Explanations are long and edited often; check them here and keep them out of the snapshot.
    let fixture_rules: Vec<serde_json::Value> = rules
        .iter()
        .filter(|r| FIXTURE_CHECKS.contains(&r["id"].as_str().unwrap()))
        .cloned()
        .map(|mut r| {
            let check = select::find(r["id"].as_str().unwrap()).unwrap();
            let explanation = calcheck_report::json::explanation_text(check.meta().explanation);
            assert!(explanation.starts_with("## What it checks"));
            assert_eq!(r["fullDescription"]["text"], explanation.as_str());
            assert_eq!(r["help"]["text"], explanation.as_str());
            assert_eq!(r["help"]["markdown"], explanation.as_str());
            r["fullDescription"]["text"] = "<explanation>".into();
            r["help"]["text"] = "<explanation>".into();
            r["help"]["markdown"] = "<explanation>".into();
            r
        })
        .collect();
    let mut v = v;
    v["runs"][0]["tool"]["driver"]["rules"] = serde_json::Value::from(fixture_rules);
    for res in v["runs"][0]["results"].as_array_mut().unwrap() {
        res["ruleIndex"] = serde_json::Value::from("<index into the registry>");
    }
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&v).unwrap());
}

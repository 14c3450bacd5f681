//! The recurrence and time-zone checks (CC2xx, CC3xx) on real data: every .msg/.oft and PST/OST of the
//! shared corpus (`shared/corpus`), and the published recurrence and time-zone vectors (`shared/vectors`).
//!
//! Real Outlook data must not look broken. The assertions come from what the sources publish about the
//! data, not from calcheck's output: formats.md §3.3 and §9.4 (Outlook pads "7 days, everyday" with 4 zero
//! bytes), the MFCMAPI vector's own parse (the order of ExceptionInfo entries in
//! APPOINTMENTRECURRENCEPATTERN-4), and the vectors README (Outlook's effective rules flagged 0x0002, the
//! Morocco EndDisplay next to a GMT StartDisplay in hughbe's recurring appointment).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calcheck_checks::{Engine, Finding, Options, Severity, select};
use calcheck_format::props::PropValue;
use calcheck_format::time;
use calcheck_model::source::msg::MsgSource;
use calcheck_model::source::pst::PstSource;
use calcheck_model::{
    CalendarItem, CalendarSource, ItemRef, ItemResult, Locator, Property, SourceInfo, SourceKind,
    names,
};

/// `shared/` next to the repository.
fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The checks under test: every CC2xx and CC3xx.
fn engine() -> Engine {
    let checks = select::select(&["CC2".to_owned(), "CC3".to_owned()], &[]).unwrap();
    assert!(
        checks.len() >= 22,
        "only {} CC2xx/CC3xx checks",
        checks.len()
    );
    // A fixed "now" keeps the run reproducible; 2026-06-01 is after every item of the corpus was made.
    let now = time::utc_to_filetime("2026-06-01T00:00:00Z".parse().unwrap()).unwrap();
    Engine::new(checks, Options::at(now))
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(shared().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    out
}

fn describe(f: &Finding) -> String {
    format!(
        "{} {} {} {}: {}",
        f.item.file.file_name().unwrap().to_string_lossy(),
        f.item.locator,
        f.check.code,
        f.severity,
        f.message
    )
}

/// Every CC2xx/CC3xx finding on the corpus, with the number of items checked.
fn corpus_findings() -> (Vec<Finding>, usize) {
    let engine = engine();
    let mut sources: Vec<Box<dyn CalendarSource>> = Vec::new();
    for path in files("corpus/msg") {
        sources.push(Box::new(MsgSource::open(&path).unwrap()));
    }
    for path in files("corpus/pst") {
        // Password-protected and empty stores open too; a file the reader rejects has no items to check.
        if let Ok(s) = PstSource::open(&path) {
            sources.push(Box::new(s));
        }
    }
    let refs: Vec<&dyn CalendarSource> = sources.iter().map(AsRef::as_ref).collect();
    let report = engine.run(&refs);
    let items = report.sources.iter().map(|s| s.items).sum();
    (report.findings, items)
}

#[test]
fn corpus_has_no_errors_and_only_explained_notes() {
    let (findings, items) = corpus_findings();
    // The corpus holds 27 .msg/.oft files and about 180 calendar items in its PSTs and OSTs.
    assert!(items > 150, "only {items} items read");
    let errors: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(describe)
        .collect();
    assert!(
        errors.is_empty(),
        "errors on real data:\n{}",
        errors.join("\n")
    );
    let warnings: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Warning)
        .map(describe)
        .collect();
    assert!(
        warnings.is_empty(),
        "warnings on real data:\n{}",
        warnings.join("\n")
    );
    // formats.md §3.3 step 7 and §9.4: Outlook leaves 4 zero bytes after "7 days, everyday"; that is the
    // one Info note, worded as zero padding.
    let infos: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .collect();
    let seven = infos
        .iter()
        .filter(|f| {
            f.item.file.to_string_lossy().contains("7_days_everyday")
                && f.check.code == "CC213"
                && f.message.contains("4 zero byte(s)")
        })
        .count();
    assert_eq!(
        seven,
        1,
        "{:#?}",
        infos.iter().map(|f| describe(f)).collect::<Vec<_>>()
    );
    assert_eq!(
        infos.len(),
        1,
        "unexplained notes: {:#?}",
        infos.iter().map(|f| describe(f)).collect::<Vec<_>>()
    );
}

/// A recurring item with the given calendar blobs (named property -> bytes).
///
/// A vector is a lone property value: the item it came from is not known, so its attachment table is
/// marked as not carried (checks that need it, CC214, are skipped rather than seeing an empty table).
fn item(name: &str, blobs: &[(&names::PropDef, Vec<u8>)]) -> CalendarItem {
    let mut it = CalendarItem::new(ItemRef::new(
        Arc::from(Path::new(name)),
        "/Calendar",
        Locator::MsgFile,
    ));
    it.coverage.attachments = false;
    let mut put = |def: &names::PropDef, v: PropValue| {
        it.props
            .insert(Property::new(def.key.to_key(), def.ty.code(), v));
    };
    put(
        &names::MESSAGE_CLASS,
        PropValue::Unicode("IPM.Appointment".into()),
    );
    put(&names::RECURRING, PropValue::Bool(true));
    for (def, bytes) in blobs {
        put(def, PropValue::Binary(bytes.clone()));
    }
    it
}

fn hex_vector(rel: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(shared().join("vectors").join(rel)).unwrap();
    calcheck_format::hex::decode_hex(&text).unwrap()
}

struct Items(SourceInfo, Vec<CalendarItem>);

impl CalendarSource for Items {
    fn info(&self) -> &SourceInfo {
        &self.0
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(self.1.iter().cloned().map(Ok))
    }
}

fn run(items: Vec<CalendarItem>) -> Vec<Finding> {
    let source = Items(
        SourceInfo {
            path: Arc::from(Path::new("vectors")),
            kind: SourceKind::Json,
            display_name: None,
            mailbox_owner: None,
            folders: vec![],
            notes: vec![],
        },
        items,
    );
    engine().run(&[&source]).findings
}

#[test]
fn mfcmapi_vector_4_exception_order_is_only_noted() {
    // MFCMAPI's own parse lists the ExceptionInfo entries with their starts; every place where an entry
    // starts before the one it follows must be an Info note, and nothing else may be reported about
    // this real Outlook blob (without TZ properties and attachments CC214 and CC216 have nothing to compare).
    let rel = "appointment_recur/mfcmapi-APPOINTMENTRECURRENCEPATTERN-4";
    let expected =
        std::fs::read_to_string(shared().join("vectors").join(format!("{rel}.expected.txt")))
            .unwrap();
    let starts: Vec<(usize, String)> = expected
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("ExceptionInfo[")?;
            let (i, tail) = rest.split_once("]: start=")?;
            Some((i.parse().ok()?, tail.get(..16)?.to_owned()))
        })
        .collect();
    assert!(
        starts.len() > 50,
        "parse of the expected text found {} entries",
        starts.len()
    );
    let steps: Vec<usize> = starts
        .windows(2)
        .filter(|w| w[1].1 < w[0].1)
        .map(|w| w[1].0)
        .collect();
    // The item carries the blob alone, so only the recurrence checks are looked at (CC301 rightly
    // reports that this synthetic series has no StartDisplay).
    let findings: Vec<Finding> = run(vec![item(
        rel,
        &[(&names::APPOINTMENT_RECUR, hex_vector(&format!("{rel}.hex")))],
    )])
    .into_iter()
    .filter(|f| f.check.code.starts_with("CC2"))
    .collect();
    let got: Vec<String> = findings.iter().map(describe).collect();
    assert_eq!(findings.len(), steps.len(), "{got:#?}");
    for i in &steps {
        assert!(
            findings.iter().any(|f| f.check.code == "CC213"
                && f.severity == Severity::Info
                && f.message.contains(&format!("ExceptionInfo[{i}] starts"))),
            "no note for ExceptionInfo[{i}]: {got:#?}"
        );
    }
}

#[test]
fn outlook_time_zone_vectors_give_no_findings() {
    let tz = |rel: &str| hex_vector(&format!("tzdefinition/{rel}.hex"));
    let reg = |rel: &str| hex_vector(&format!("tzstruct/{rel}.hex"));
    let items = vec![
        // hughbe's recurring appointment: GMT start and recurrence, Morocco end (15 rules, effective rule 13).
        item(
            "hughbe-recurring",
            &[
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
                    tz("hughbe-recurring-appointment-gmt-recur"),
                ),
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
                    tz("hughbe-recurring-appointment-morocco-15-rules-enddisplay"),
                ),
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
                    tz("hughbe-recurring-appointment-gmt-recur"),
                ),
                (
                    &names::TIME_ZONE_STRUCT,
                    reg("hughbe-recurring-appointment-gmt"),
                ),
            ],
        ),
        // msgreader "7 days, everyday": the Recur effective rule carries 0x0002 only.
        item(
            "msgreader-7-days",
            &[
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
                    tz("msgreader-a-daily-1-startdisplay"),
                ),
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
                    tz("msgreader-7-days-everyday-recur"),
                ),
                (&names::TIME_ZONE_STRUCT, reg("msgreader-7-days-everyday")),
            ],
        ),
        // msgreader "A daily 1": effective rule 0x0003, lDaylightBias 0.
        item(
            "msgreader-a-daily-1",
            &[
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
                    tz("msgreader-a-daily-1-startdisplay"),
                ),
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
                    tz("msgreader-a-daily-1-recur"),
                ),
                (&names::TIME_ZONE_STRUCT, reg("msgreader-a-daily-1")),
            ],
        ),
        // [MS-OXOCAL] 4.1.4 and 4.1.5: Pacific time, two rules, and its TZREG.
        item(
            "oxocal-pacific",
            &[
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
                    tz("oxocal-4.1.4-pacific-2-rules"),
                ),
                (
                    &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
                    tz("oxocal-4.1.4-pacific-2-rules"),
                ),
                (&names::TIME_ZONE_STRUCT, reg("oxocal-4.1.5-pacific-tzreg")),
            ],
        ),
    ];
    let findings = run(items);
    // No CC2xx finding either: none of these items has a recurrence blob, and CC202 would report that;
    // so only the time-zone checks are looked at here.
    let tz_findings: Vec<String> = findings
        .iter()
        .filter(|f| f.check.code.starts_with("CC3"))
        .map(describe)
        .collect();
    assert!(tz_findings.is_empty(), "{tz_findings:#?}");
}

#[test]
fn published_recurrence_vectors_are_at_most_warnings() {
    // Every published PidLidAppointmentRecur vector as the blob of a recurring item. None may give an
    // error. Warnings are allowed only where formats.md §9 says the data is damaged but usable: the
    // second tail appended to MFCMAPI's vector 2 (§9.4) and the OpenChange blobs that stop after
    // ExceptionCount (§9.3).
    let mut items = Vec::new();
    for path in files("vectors/appointment_recur") {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".hex") {
            let bytes = hex_vector(&format!("appointment_recur/{name}"));
            items.push(item(stem, &[(&names::APPOINTMENT_RECUR, bytes)]));
        }
    }
    assert!(items.len() >= 20, "only {} vectors", items.len());
    let findings: Vec<Finding> = run(items)
        .into_iter()
        .filter(|f| f.check.code.starts_with("CC2"))
        .collect();
    let all: Vec<String> = findings.iter().map(describe).collect();
    for f in &findings {
        let file = f.item.file.to_string_lossy();
        match f.severity {
            Severity::Error => panic!("error on a published vector: {}", describe(f)),
            Severity::Warning => {
                let explained = (file.contains("mfcmapi-APPOINTMENTRECURRENCEPATTERN-2")
                    && f.message.contains("follow the end"))
                    || (file.contains("openchange")
                        && file.contains("truncated")
                        && f.message.contains("ends before ReservedBlock1Size"));
                assert!(explained, "unexplained warning {}: {all:#?}", describe(f));
            }
            Severity::Info => {}
        }
    }
}

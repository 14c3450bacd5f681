//! No-panic sweep of the recurrence and time-zone checks (CC2xx, CC3xx): every prefix of every blob under
//! `testdata/blobs/` is given to an item as each of its calendar blob properties, on the item and on an
//! embedded exception message, and every check must return (style.md B5, "no-panic sweep").

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calcheck_checks::{Engine, Options, select};
use calcheck_format::props::PropValue;
use calcheck_format::time;
use calcheck_model::{
    Attachment, CalendarItem, CalendarSource, ItemRef, ItemResult, Locator, Property, SourceInfo,
    SourceKind, names,
};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "bin") {
            out.push(p);
        }
    }
}

fn put(bag: &mut calcheck_model::PropertyBag, def: &names::PropDef, v: PropValue) {
    bag.insert(Property::new(def.key.to_key(), def.ty.code(), v));
}

/// A recurring item carrying `blob` in every calendar blob property, with an exception attachment whose
/// embedded message carries it too.
fn item(blob: &[u8], n: usize) -> CalendarItem {
    let blobs = [
        &names::APPOINTMENT_RECUR,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_START_DISPLAY,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_END_DISPLAY,
        &names::APPOINTMENT_TIME_ZONE_DEFINITION_RECUR,
        &names::TIME_ZONE_STRUCT,
    ];
    let file: Arc<Path> = Arc::from(Path::new("sweep"));
    let mut embedded = CalendarItem::new(ItemRef::new(file.clone(), "", Locator::Attachment(0)));
    put(
        &mut embedded.props,
        &names::MESSAGE_CLASS,
        PropValue::Unicode("IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}".into()),
    );
    put(
        &mut embedded.props,
        &names::EXCEPTION_REPLACE_TIME,
        PropValue::Time(0x01DA_A000_0000_0000),
    );
    put(
        &mut embedded.props,
        &names::APPOINTMENT_START_WHOLE,
        PropValue::Time(0x01DA_A000_0000_0000),
    );
    for def in blobs {
        put(&mut embedded.props, def, PropValue::Binary(blob.to_vec()));
    }
    let mut it = CalendarItem::new(ItemRef::new(file, "/Calendar", Locator::PstNode(n as u32)));
    put(
        &mut it.props,
        &names::MESSAGE_CLASS,
        PropValue::Unicode("IPM.Appointment".into()),
    );
    put(&mut it.props, &names::RECURRING, PropValue::Bool(true));
    put(&mut it.props, &names::RECURRENCE_TYPE, PropValue::I32(2));
    put(
        &mut it.props,
        &names::APPOINTMENT_START_WHOLE,
        PropValue::Time(0x01DA_9000_0000_0000),
    );
    put(
        &mut it.props,
        &names::APPOINTMENT_END_WHOLE,
        PropValue::Time(0x01DA_9000_1000_0000),
    );
    for def in blobs {
        put(&mut it.props, def, PropValue::Binary(blob.to_vec()));
    }
    let mut att = Attachment {
        index: 0,
        ..Attachment::default()
    };
    put(&mut att.props, &names::ATTACH_METHOD, PropValue::I32(5));
    put(&mut att.props, &names::ATTACHMENT_FLAGS, PropValue::I32(2));
    put(
        &mut att.props,
        &names::EXCEPTION_REPLACE_TIME_ATTACH,
        PropValue::Time(0x01DA_A000_0000_0000),
    );
    att.embedded = Some(Box::new(embedded));
    it.attachments.push(att);
    it
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

#[test]
fn every_prefix_of_every_blob_is_checked_without_panic() {
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/blobs"),
        &mut files,
    );
    assert!(files.len() > 50, "only {} blobs", files.len());
    let checks = select::select(&["CC2".to_owned(), "CC3".to_owned()], &[]).unwrap();
    let engine = Engine::new(checks, Options::at(time::FILETIME_2025_01_01));
    let mut items = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let step = if bytes.len() > 400 { 7 } else { 1 };
        for len in (0..=bytes.len()).step_by(step) {
            items.push(item(&bytes[..len], items.len()));
        }
    }
    let source = Items(
        SourceInfo {
            path: Arc::from(Path::new("sweep")),
            kind: SourceKind::Json,
            display_name: None,
            mailbox_owner: None,
            folders: vec![],
            notes: vec![],
        },
        items,
    );
    let report = engine.run(&[&source]);
    // Every full-length blob that is not a recurrence blob is an undecodable one, so findings abound;
    // what matters is that the run returned for every item.
    assert_eq!(report.sources[0].items, source.1.len());
    assert!(!report.findings.is_empty());
}

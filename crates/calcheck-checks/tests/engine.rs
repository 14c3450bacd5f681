//! Engine behaviour on hand-built items: selection, ordering, store checks and severity overrides.

use std::path::Path;
use std::sync::Arc;

use calcheck_checks::{Engine, Options, Severity, select};
use calcheck_format::props::PropValue;
use calcheck_model::{
    CalendarItem, CalendarSource, ItemRef, ItemResult, Locator, Property, SourceInfo, SourceKind,
    UnreadableItem, names,
};

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

fn file() -> Arc<Path> {
    Arc::from(Path::new("test.pst"))
}

fn item(n: u32, subject: &str, start: u64, end: u64) -> CalendarItem {
    let mut it = CalendarItem::new(ItemRef::new(file(), "/Calendar", Locator::PstNode(n)));
    let set = |it: &mut CalendarItem, def: &names::PropDef, v: PropValue| {
        it.props
            .insert(Property::new(def.key.to_key(), def.ty.code(), v));
    };
    set(
        &mut it,
        &names::MESSAGE_CLASS,
        PropValue::Unicode("IPM.Appointment".into()),
    );
    set(&mut it, &names::SUBJECT, PropValue::Unicode(subject.into()));
    set(
        &mut it,
        &names::APPOINTMENT_START_WHOLE,
        PropValue::Time(start),
    );
    set(&mut it, &names::APPOINTMENT_END_WHOLE, PropValue::Time(end));
    it.item_ref.fill_from(&it.props.clone());
    it
}

fn source(items: Vec<ItemResult>) -> VecSource {
    VecSource {
        info: SourceInfo {
            path: file(),
            kind: SourceKind::Pst,
            display_name: None,
            mailbox_owner: None,
            folders: vec![],
            notes: vec![],
        },
        items,
    }
}

#[test]
fn engine_reports_item_store_and_unreadable_findings_in_order() {
    let h = 36_000_000_000u64; // one hour in FILETIME ticks
    let base = calcheck_format::time::FILETIME_2025_01_01;
    let bad = UnreadableItem {
        item_ref: ItemRef::new(file(), "/Calendar", Locator::PstNode(3)),
        reason: "block signature mismatch".into(),
    };
    let src = source(vec![
        Ok(item(1, "Standup", base, base + h)),
        Ok(item(2, "Backwards", base + 2 * h, base + h)),
        Err(bad),
        Ok(item(4, "Standup", base, base + h)),
    ]);
    // Only the checks this test is about: the full registry has checks that fire on these bare items.
    let selected = select::select(&["CC107".into(), "CC502".into(), "CC901".into()], &[]).unwrap();
    let engine = Engine::new(selected, Options::at(base));
    let report = engine.run(&[&src]);
    let got: Vec<(usize, &str)> = report
        .findings
        .iter()
        .map(|f| (f.item_index, f.check.code))
        .collect();
    // Item 1 (index 1) starts after it ends; index 2 is unreadable; index 3 duplicates index 0.
    assert_eq!(got, vec![(1, "CC107"), (2, "CC901"), (3, "CC502")]);
    assert_eq!(report.findings[2].related[0].locator, Locator::PstNode(1));
    assert_eq!(report.sources[0].items, 3);
    assert_eq!(report.sources[0].unreadable, 1);
    assert_eq!(report.problem_items(), 3);
}

#[test]
fn engine_selection_and_overrides() {
    let base = calcheck_format::time::FILETIME_2025_01_01;
    let src = source(vec![Ok(item(1, "Backwards", base + 10, base))]);
    assert!(select::select(&["CC999".into()], &[]).is_err());
    let only_dup = select::select(&["0049".into()], &[]).unwrap();
    assert_eq!(only_dup.len(), 1);
    assert!(
        Engine::new(only_dup, Options::at(base))
            .run(&[&src])
            .findings
            .is_empty()
    );
    let mut engine = Engine::new(
        // A code prefix selects CC101-CC109; of those only CC107 applies to this item.
        select::select(&["CC10".into()], &[]).unwrap(),
        Options::at(base),
    );
    engine.override_severity("CC107", Severity::Warning);
    let report = engine.run(&[&src]);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.findings[0].severity, Severity::Warning);
    assert_eq!(report.worst(), Some(Severity::Warning));
}

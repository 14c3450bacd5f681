//! `calcheck dump --format bag` round trip: every calendar item of every corpus PST/OST/.msg file and of
//! the sample calendar, written as calcheck-bag/1 and read back, gives the same findings as the original
//! (everything but the file and locator, which name the input by design).

mod bag_support;

use std::path::{Path, PathBuf};

use bag_support::{findings, testdata};
use calcheck_model::CalendarSource;
use calcheck_model::source::ItemResult;
use calcheck_model::source::bag::{BagSource, write};
use calcheck_model::source::msg::{MsgFolderSource, MsgSource};
use calcheck_model::source::pst::PstSource;

fn corpus() -> PathBuf {
    std::env::var_os("CALCHECK_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
        PathBuf::from,
    )
}

/// Dumps `source` and reads the dump back.
fn round_trip(source: &dyn CalendarSource) -> BagSource {
    let results: Vec<ItemResult> = source.items().collect();
    let doc = write::document(Some(source.info()), &results);
    let text = serde_json::to_vec(&doc).unwrap();
    BagSource::from_bytes(&text, Path::new("dump.json")).unwrap()
}

/// Asserts the same findings; returns how many items were compared.
fn assert_same(name: &str, source: &dyn CalendarSource) -> usize {
    let back = round_trip(source);
    let before = findings(source);
    let after = findings(&back);
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a, "{name}: a finding differs after the round trip");
    }
    assert_eq!(before.len(), after.len(), "{name}: {before:#?}\n{after:#?}");
    back.items().count()
}

fn sorted_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_corpus_msg_round_trips_with_identical_findings() {
    let mut items = 0;
    for path in sorted_files(&corpus().join("msg")) {
        let source = MsgSource::open(&path).unwrap();
        items += assert_same(&path.display().to_string(), &source);
    }
    // 27 files; the .oft template is left out of its dump, as calcheck does not check it.
    assert_eq!(items, 26);
}

#[test]
fn every_corpus_pst_round_trips_with_identical_findings() {
    let mut items = 0;
    for path in sorted_files(&corpus().join("pst")) {
        // The corrupt test file cannot be opened at all; the others are inputs.
        let Ok(source) = PstSource::open(&path) else {
            continue;
        };
        items += assert_same(&path.display().to_string(), &source);
    }
    assert!(items >= 195, "{items} items compared");
}

#[test]
fn sample_calendar_round_trips_as_one_calendar() {
    // The folder is one calendar: the duplicate pair (CC502, CC503) must survive the round trip too.
    let source = MsgFolderSource::open(testdata("sample-calendar")).unwrap();
    let before = findings(&source);
    assert!(before.iter().any(|f| f.code == "CC502"));
    assert_eq!(assert_same("sample-calendar", &source), 7);
}

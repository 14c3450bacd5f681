//! The engine's parallel run: the report (findings, their order, counts and rows) is the same whatever the
//! thread count and whether a source is read by position or streamed, on the real corpus PST/OST files,
//! the sample calendar, and a synthetic source large enough to span several chunks with duplicates across
//! chunk boundaries.
//!
//! Reporters are pure functions of a [`Report`] (and the run's times), so equal reports give
//! byte-identical logs, CSV, JSON and SARIF; the CLI tests compare the files themselves.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use calcheck_checks::{Engine, Options, Report, RowMode, registry, select};
use calcheck_format::props::PropValue;
use calcheck_model::source::msg::MsgFolderSource;
use calcheck_model::source::pst::PstSource;
use calcheck_model::{
    CalendarItem, CalendarSource, ItemRef, ItemResult, Locator, Property, SourceInfo, SourceKind,
    UnreadableItem, names,
};

/// 2025-06-01 00:00:00 UTC as a FILETIME, the "now" of every run here.
fn now() -> u64 {
    calcheck_format::time::utc_to_filetime(
        chrono::DateTime::parse_from_rfc3339("2025-06-01T00:00:00Z")
            .unwrap()
            .to_utc(),
    )
    .unwrap()
}

fn run(sources: &[&dyn CalendarSource], threads: usize, rows: RowMode) -> Report {
    let mut engine = Engine::new(registry::CHECKS.to_vec(), Options::at(now()));
    engine.collect_rows(rows);
    engine.set_threads(threads);
    engine.run(sources)
}

fn corpus_pst() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pst");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// A source that hides its positional reads, so the engine has to stream it.
struct Streamed<'a>(&'a dyn CalendarSource);

impl CalendarSource for Streamed<'_> {
    fn info(&self) -> &SourceInfo {
        self.0.info()
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        self.0.items()
    }
}

#[test]
fn corpus_reports_are_the_same_on_one_and_four_threads() {
    let files = corpus_pst();
    let sources: Vec<PstSource> = files
        .iter()
        .filter_map(|p| PstSource::open(p).ok())
        .collect();
    // Only the file with a corrupt header (corpus/SOURCES.md) cannot be opened.
    assert_eq!(sources.len(), files.len() - 1);
    assert!(
        PstSource::open(
            files
                .iter()
                .find(|p| p.ends_with("aspose__AddingBulkMessagesWithImprovedPerformance.pst"))
                .unwrap()
        )
        .is_err()
    );
    let refs: Vec<&dyn CalendarSource> = sources.iter().map(|s| s as &dyn CalendarSource).collect();
    for rows in [RowMode::None, RowMode::Flagged, RowMode::All] {
        let one = run(&refs, 1, rows);
        let four = run(&refs, 4, rows);
        assert_eq!(one, four, "rows {rows:?}");
        assert!(!one.findings.is_empty(), "the corpus has findings");
    }
    // The OST alone, streamed versus read by position: the rows a store check needs are read again.
    let ost = sources
        .iter()
        .find(|s| s.info().kind == SourceKind::Ost && s.item_count_hint() > Some(100))
        .unwrap();
    let streamed = Streamed(ost);
    for rows in [RowMode::Flagged, RowMode::All] {
        assert_eq!(
            run(&[ost], 2, rows),
            run(&[&streamed], 3, rows),
            "rows {rows:?}"
        );
    }
}

#[test]
fn sample_calendar_report_is_the_same_on_one_and_four_threads() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample-calendar");
    let folder = MsgFolderSource::open(&dir).unwrap();
    let streamed = Streamed(&folder);
    let one = run(&[&folder], 1, RowMode::Flagged);
    assert_eq!(one, run(&[&folder], 4, RowMode::Flagged));
    assert_eq!(one, run(&[&streamed], 4, RowMode::Flagged));
    // testdata/sample-calendar/README.md: 03 CC302, 04 CC408, 05 CC210, 06 (a copy of 01) CC502 and
    // CC503, 07 CC107; the copy names 01 as the related item, whose row is kept for the log.
    assert_eq!(one.sources[0].items, 7);
    let got: Vec<(usize, &str)> = one
        .findings
        .iter()
        .map(|f| (f.item_index, f.check.code))
        .collect();
    assert_eq!(
        got,
        [
            (2, "CC302"),
            (3, "CC408"),
            (4, "CC210"),
            (5, "CC502"),
            (5, "CC503"),
            (6, "CC107")
        ]
    );
    let rows: Vec<usize> = one.sources[0].rows.iter().map(|r| r.index).collect();
    assert_eq!(rows, [0, 2, 3, 4, 5, 6]);
}

/// A synthetic calendar: `n` items, item `i` at hour `i`, with copies placed across chunk boundaries.
struct Synthetic {
    info: SourceInfo,
    n: usize,
    /// (copy position, original position): the copy has the original's key.
    copies: Vec<(usize, usize)>,
    /// Positions that cannot be read.
    unreadable: Vec<usize>,
}

const HOUR: u64 = 36_000_000_000;

impl Synthetic {
    fn new(n: usize, copies: Vec<(usize, usize)>, unreadable: Vec<usize>) -> Self {
        Synthetic {
            info: SourceInfo {
                path: Arc::from(Path::new("synthetic.pst")),
                kind: SourceKind::Pst,
                display_name: None,
                mailbox_owner: None,
                folders: vec![],
                notes: vec![],
            },
            n,
            copies,
            unreadable,
        }
    }

    #[allow(clippy::result_large_err)]
    fn make(&self, index: usize) -> ItemResult {
        let nid = u32::try_from(index).unwrap() * 32 + 4;
        let item_ref = ItemRef::new(self.info.path.clone(), "/Calendar", Locator::PstNode(nid));
        if self.unreadable.contains(&index) {
            return Err(UnreadableItem {
                item_ref,
                reason: "block signature mismatch".into(),
            });
        }
        let key = self
            .copies
            .iter()
            .find(|(copy, _)| *copy == index)
            .map_or(index, |(_, original)| *original);
        let mut it = CalendarItem::new(item_ref);
        let start = calcheck_format::time::FILETIME_2025_01_01 + key as u64 * HOUR;
        let values = [
            (
                &names::MESSAGE_CLASS,
                PropValue::Unicode("IPM.Appointment".into()),
            ),
            (
                &names::SUBJECT,
                PropValue::Unicode(format!("Item {key}").into()),
            ),
            (&names::APPOINTMENT_START_WHOLE, PropValue::Time(start)),
            (&names::APPOINTMENT_END_WHOLE, PropValue::Time(start + HOUR)),
            // Copies are created later than their originals, so they are the ones reported.
            (
                &names::CREATION_TIME,
                PropValue::Time(calcheck_format::time::FILETIME_2025_01_01 + index as u64),
            ),
        ];
        for (def, v) in values {
            it.props
                .insert(Property::new(def.key.to_key(), def.ty.code(), v));
        }
        let props = it.props.clone();
        it.item_ref.fill_from(&props);
        Ok(it)
    }
}

// ItemResult is the model's shared item type; its size is the model's choice.
#[allow(clippy::result_large_err)]
impl CalendarSource for Synthetic {
    fn info(&self) -> &SourceInfo {
        &self.info
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new((0..self.n).map(|i| self.make(i)))
    }
    fn indexed_len(&self) -> Option<usize> {
        Some(self.n)
    }
    fn item_at(&self, index: usize) -> Option<ItemResult> {
        (index < self.n).then(|| self.make(index))
    }
}

#[test]
fn duplicates_across_chunks_are_found_and_merged_in_order() {
    // 5000 positions span three chunks of the indexed path and many of the streaming one.
    let copies = vec![(4100, 10), (2047, 2048), (4999, 0)];
    let src = Synthetic::new(5000, copies, vec![3000]);
    let streamed = Streamed(&src);
    let selected = select::select(&["CC502".into(), "CC901".into()], &[]).unwrap();
    let mut reports = Vec::new();
    for (source, threads) in [
        (&src as &dyn CalendarSource, 1),
        (&src, 2),
        (&src, 4),
        (&streamed, 1),
        (&streamed, 4),
    ] {
        let mut engine = Engine::new(selected.clone(), Options::at(now()));
        engine.collect_rows(RowMode::Flagged);
        engine.set_threads(threads);
        reports.push(engine.run(&[source]));
    }
    let first = &reports[0];
    for r in &reports[1..] {
        assert_eq!(first, r);
    }
    let got: Vec<(usize, &str, Option<Locator>)> = first
        .findings
        .iter()
        .map(|f| {
            (
                f.item_index,
                f.check.code,
                f.related.first().map(|r| r.locator.clone()),
            )
        })
        .collect();
    // Position p holds nid p*32+4; each copy names its original as the related item.
    assert_eq!(
        got,
        vec![
            (2048, "CC502", Some(Locator::PstNode(2047 * 32 + 4))),
            (3000, "CC901", None),
            (4100, "CC502", Some(Locator::PstNode(10 * 32 + 4))),
            (4999, "CC502", Some(Locator::PstNode(4))),
        ]
    );
    assert_eq!(first.sources[0].items, 4999);
    assert_eq!(first.sources[0].unreadable, 1);
    // Rows: the three copies (flagged) and their three originals (related); none for the unreadable item.
    let rows: Vec<(usize, bool)> = first.sources[0]
        .rows
        .iter()
        .map(|r| (r.index, r.flagged))
        .collect();
    assert_eq!(
        rows,
        vec![
            (0, false),
            (10, false),
            (2047, false),
            (2048, true),
            (4100, true),
            (4999, true)
        ]
    );
}

/// A source whose reads take a while (as a disk read does) and record the thread that made them.
struct Slow {
    inner: Synthetic,
    threads: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

// ItemResult is the model's shared item type; its size is the model's choice.
#[allow(clippy::result_large_err)]
impl CalendarSource for Slow {
    fn info(&self) -> &SourceInfo {
        self.inner.info()
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        self.inner.items()
    }
    fn indexed_len(&self) -> Option<usize> {
        self.inner.indexed_len()
    }
    fn item_at(&self, index: usize) -> Option<ItemResult> {
        std::thread::sleep(std::time::Duration::from_millis(1));
        self.threads
            .lock()
            .unwrap()
            .insert(format!("{:?}", std::thread::current().id()));
        self.inner.item_at(index)
    }
}

#[test]
fn items_are_read_on_as_many_threads_as_asked() {
    for threads in [1, 4] {
        let src = Slow {
            inner: Synthetic::new(200, vec![], vec![]),
            threads: std::sync::Mutex::new(std::collections::BTreeSet::new()),
        };
        let mut engine = Engine::new(registry::CHECKS.to_vec(), Options::at(now()));
        engine.set_threads(threads);
        let start = std::time::Instant::now();
        let report = engine.run(&[&src]);
        let elapsed = start.elapsed();
        assert_eq!(report.sources[0].items, 200);
        let used = src.threads.lock().unwrap().len();
        // 200 reads of 1 ms each: one thread needs at least 200 ms; four share them out.
        if threads == 1 {
            assert_eq!(used, 1);
            assert!(elapsed >= std::time::Duration::from_millis(200));
        } else {
            assert!(used > 1, "{used} thread(s) read the items");
        }
    }
}

/// A source that counts the reads of each position.
struct Counted {
    inner: Synthetic,
    reads: std::sync::Mutex<std::collections::BTreeMap<usize, usize>>,
}

// ItemResult is the model's shared item type; its size is the model's choice.
#[allow(clippy::result_large_err)]
impl CalendarSource for Counted {
    fn info(&self) -> &SourceInfo {
        self.inner.info()
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        self.inner.items()
    }
    fn indexed_len(&self) -> Option<usize> {
        self.inner.indexed_len()
    }
    fn item_at(&self, index: usize) -> Option<ItemResult> {
        *self.reads.lock().unwrap().entry(index).or_insert(0) += 1;
        self.inner.item_at(index)
    }
}

#[test]
fn only_items_that_store_findings_name_are_read_again() {
    // The engine keeps no reference per item of a source it can read by position: a duplicate and the
    // item it copies are read a second time to name them, every other item once, whatever the rows.
    for rows in [RowMode::None, RowMode::Flagged, RowMode::All] {
        let src = Counted {
            inner: Synthetic::new(3000, vec![(2500, 7), (2999, 2048)], vec![1000]),
            reads: std::sync::Mutex::new(std::collections::BTreeMap::new()),
        };
        let report = run(&[&src], 2, rows);
        let codes: Vec<(usize, &str)> = report
            .findings
            .iter()
            .filter(|f| f.check.code == "CC502")
            .map(|f| (f.item_index, f.check.code))
            .collect();
        assert_eq!(codes, [(2500, "CC502"), (2999, "CC502")]);
        let related: Vec<&Locator> = report
            .findings
            .iter()
            .filter(|f| f.check.code == "CC502")
            .flat_map(|f| f.related.iter().map(|r| &r.locator))
            .collect();
        assert_eq!(
            related,
            [
                &Locator::PstNode(7 * 32 + 4),
                &Locator::PstNode(2048 * 32 + 4)
            ]
        );
        let reads = src.reads.lock().unwrap();
        let again: Vec<usize> = reads
            .iter()
            .filter(|(_, n)| **n > 1)
            .map(|(i, _)| *i)
            .collect();
        // With rows of flagged items, the unreadable item (CC901) is asked for its row once more.
        let expected: Vec<usize> = match rows {
            RowMode::Flagged => vec![7, 1000, 2048, 2500, 2999],
            _ => vec![7, 2048, 2500, 2999],
        };
        assert_eq!(again, expected, "{rows:?}");
        assert!(reads.values().all(|n| *n <= 2), "{rows:?}: {reads:?}");
        assert_eq!(reads.len(), 3000);
    }
}

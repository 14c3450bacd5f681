//! `PstSource::reading_only(names::read_keys())`, the property filter the CLI's checks use, gives
//! the same report (findings, their values and order, item counts, every listing row) as reading
//! every property, on every readable corpus PST/OST and on the generated mailbox with every
//! defect (testdata/pst/small-defects), while really leaving properties out.

use std::path::{Path, PathBuf};

use calcheck_checks::{Engine, Options, Report, RowMode, registry};
use calcheck_model::source::pst::PstSource;
use calcheck_model::{CalendarSource, names};

/// 2025-01-01 00:00:00 UTC as a FILETIME, the "now" of testdata/pst/small-defects/README.md.
const NOW: u64 = 133_801_632_000_000_000;

fn run(source: &dyn CalendarSource) -> Report {
    let mut engine = Engine::new(registry::CHECKS.to_vec(), Options::at(NOW));
    engine.collect_rows(RowMode::All);
    engine.set_threads(2);
    engine.run(&[source])
}

fn inputs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("../../../shared/corpus/pst"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files.push(root.join("../../testdata/pst/small-defects/mailbox.pst"));
    files
}

#[test]
fn reading_only_checked_properties_changes_no_report() {
    let mut compared = 0;
    let mut findings = 0;
    for path in inputs() {
        let Ok(full) = PstSource::open(&path) else {
            continue;
        };
        let only = PstSource::open(&path)
            .unwrap()
            .reading_only(names::read_keys());
        let (a, b) = (run(&full), run(&only));
        assert_eq!(a, b, "{}", path.display());
        compared += 1;
        findings += a.findings.len();
    }
    // Every corpus file but the one with a corrupt header, plus the generated one, with findings.
    assert!(compared >= 19, "{compared}");
    assert!(findings > 20, "{findings}");
}

#[test]
fn reading_only_leaves_unchecked_properties_out() {
    let path = inputs()
        .into_iter()
        .find(|p| p.ends_with("pstextractor__pstextractortest@outlook.com.ost"))
        .unwrap();
    let full = PstSource::open(&path).unwrap();
    let only = PstSource::open(&path)
        .unwrap()
        .reading_only(names::read_keys());
    let (mut all, mut kept, mut bodies) = (0, 0, 0);
    for i in 0..full.indexed_len().unwrap() {
        let a = full.item_at(i).unwrap().unwrap();
        let b = only.item_at(i).unwrap().unwrap();
        all += a.props.len();
        kept += b.props.len();
        // PR_BODY is registered; PR_RTF_COMPRESSED (0x1009) and PR_HTML (0x1013) are not.
        bodies += usize::from(
            a.props
                .iter()
                .any(|p| p.key == calcheck_model::PropKey::Tagged(0x1009)),
        );
        assert!(
            b.props
                .iter()
                .all(|p| p.key != calcheck_model::PropKey::Tagged(0x1009))
        );
        assert_eq!(a.recipients.len(), b.recipients.len());
        assert_eq!(a.attachments.len(), b.attachments.len());
        assert_eq!(a.props.str(&names::SUBJECT), b.props.str(&names::SUBJECT));
    }
    assert!(bodies > 100, "{bodies} items with an RTF body");
    assert!(kept * 2 < all, "{kept} of {all} properties kept");
}

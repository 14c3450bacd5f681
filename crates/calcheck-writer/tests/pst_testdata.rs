//! The generated PST of `testdata/pst/small-defects/` is exactly what the generator writes for the
//! command in `testdata/pst/README.md`, and calcheck, with every check, reports exactly the
//! findings its manifest lists on it.

use std::collections::BTreeSet;
use std::path::Path;

use calcheck_checks::{Engine, Options, registry};
use calcheck_model::Locator;
use calcheck_model::source::pst::PstSource;
use calcheck_writer::generate::{Defect, Format, GenOptions, Size, generate};

#[test]
fn pst_testdata_small_defects_matches_the_generator_and_its_manifest() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/pst/small-defects");
    let out = std::env::temp_dir().join(format!("calcheck-gen-{}-testdata", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let defects: Vec<Defect> = Defect::ALL
        .iter()
        .copied()
        .filter(|d| !matches!(d, Defect::RecurringLimit | Defect::RecurringLimitWarning))
        .collect();
    generate(&GenOptions {
        size: Size::Small,
        defects,
        seed: 1,
        format: Format::Pst,
        out: out.clone(),
    })
    .unwrap();
    for name in ["mailbox.pst", "manifest.json"] {
        let committed = std::fs::read(dir.join(name)).unwrap();
        assert!(
            committed == std::fs::read(out.join(name)).unwrap(),
            "testdata/pst/small-defects/{name} differs from the generator's output; rerun the command in testdata/pst/README.md"
        );
    }
    let _ = std::fs::remove_dir_all(&out);

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let mut expected = BTreeSet::new();
    for d in manifest["defects"].as_array().unwrap() {
        let nid = d["item"]["pst_nid"].as_str().unwrap();
        let nid = u32::from_str_radix(nid.trim_start_matches("0x"), 16).unwrap();
        for code in d["expected"].as_array().unwrap() {
            expected.insert((nid, code.as_str().unwrap().to_owned()));
        }
    }
    let source = PstSource::open(dir.join("mailbox.pst")).unwrap();
    let engine = Engine::new(
        registry::CHECKS.to_vec(),
        Options::at(calcheck_format::time::FILETIME_2025_01_01),
    );
    let report = engine.run(&[&source]);
    let got: BTreeSet<(u32, String)> = report
        .findings
        .iter()
        .map(|f| match f.item.locator {
            Locator::PstNode(nid) if f.item.parents.is_empty() => (nid, f.check.code.to_owned()),
            ref other => panic!("finding on {other} {:?}: {}", f.item.parents, f.message),
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(report.findings.len(), expected.len());
}

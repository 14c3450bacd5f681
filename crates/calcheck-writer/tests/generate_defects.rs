//! The generated defect mailbox, checked by calcheck with every check: the findings are exactly
//! the manifest's (every injected defect found where the manifest says, with the codes it
//! lists, and nothing on any healthy item), in the PST and in the folders of .msg files.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calcheck_checks::{Engine, Options, registry};
use calcheck_model::source::msg::MsgFolderSource;
use calcheck_model::source::pst::PstSource;
use calcheck_model::{CalendarSource, Locator};
use calcheck_writer::generate::{Defect, Format, GenOptions, Size, generate};

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("calcheck-gen-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// 2025-01-01T00:00:00Z, the manifest's "now".
const NOW: u64 = calcheck_format::time::FILETIME_2025_01_01;

/// (where, code, message) of every finding of a run over `sources`.
fn findings(sources: &[&dyn CalendarSource], out: &Path) -> Vec<(String, String, String)> {
    let engine = Engine::new(registry::CHECKS.to_vec(), Options::at(NOW));
    let report = engine.run(sources);
    report
        .findings
        .iter()
        .map(|f| {
            let at = match &f.item.locator {
                Locator::PstNode(nid) if f.item.parents.is_empty() => {
                    format!("{} 0x{nid:08X}", f.item.folder)
                }
                Locator::MsgFile if f.item.parents.is_empty() => f
                    .item
                    .file
                    .strip_prefix(out)
                    .unwrap_or(&f.item.file)
                    .to_string_lossy()
                    .into_owned(),
                other => format!("{} {other} in {:?}", f.item.folder, f.item.parents),
            };
            (at, f.check.code.to_owned(), f.message.clone())
        })
        .collect()
}

fn compare(what: &str, got: &[(String, String, String)], expected: &BTreeSet<(String, String)>) {
    let got_set: BTreeSet<(String, String)> =
        got.iter().map(|(a, c, _)| (a.clone(), c.clone())).collect();
    let unexpected: Vec<_> = got
        .iter()
        .filter(|(a, c, _)| !expected.contains(&(a.clone(), c.clone())))
        .collect();
    let missing: Vec<_> = expected.difference(&got_set).collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "{what}: findings differ from the manifest\nunexpected: {unexpected:#?}\nmissing: {missing:#?}"
    );
}

#[test]
fn generate_defects_are_found_exactly_in_pst_and_msg() {
    let out = temp("defects");
    let manifest = generate(&GenOptions {
        size: Size::Small,
        defects: Defect::ALL.to_vec(),
        seed: 7,
        format: Format::Both,
        out: out.clone(),
    })
    .unwrap();
    assert_eq!(manifest.defects.len(), Defect::ALL.len());
    assert_eq!(manifest.now, "2025-01-01T00:00:00Z");

    // The PST.
    let pst = PstSource::open(out.join("mailbox.pst")).unwrap();
    let got = findings(&[&pst], &out);
    let expected: BTreeSet<(String, String)> = manifest
        .defects
        .iter()
        .flat_map(|d| {
            let at = format!("{} {}", d.item.folder, d.item.pst_nid.as_deref().unwrap());
            d.expected.iter().map(move |c| (at.clone(), c.clone()))
        })
        .collect();
    compare("PST", &got, &expected);

    // The .msg folders, one source each (as `calcheck check DIR` reads them).
    let mut got = Vec::new();
    for dir in &manifest.msg_folders {
        let source = MsgFolderSource::open(out.join(dir)).unwrap();
        got.extend(findings(&[&source], &out));
    }
    let expected: BTreeSet<(String, String)> = manifest
        .defects
        .iter()
        .flat_map(|d| {
            let at = d.item.msg_file.clone().unwrap();
            d.expected.iter().map(move |c| (at.clone(), c.clone()))
        })
        .collect();
    compare(".msg", &got, &expected);
    let _ = std::fs::remove_dir_all(&out);
}

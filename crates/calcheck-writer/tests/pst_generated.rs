//! Generated mailboxes are read by the peer tools without errors, with the folders and item
//! counts the manifest gives: `pffinfo` and `pffexport -m all` (libpff), `readpst` (libpst), and
//! calcheck's own reader. The small size carries every defect, the medium size none, and on the
//! medium size calcheck, with every check, reports nothing: the generator's healthy items are
//! healthy by every rule calcheck knows.
//!
//! The 2 GB size is checked by hand (README, "For developers"): `cargo xtask gen --size 2g`, then
//! the same tools over the file.

mod pst_support;

use std::path::Path;

use calcheck_checks::{Engine, Options, registry};
use calcheck_model::CalendarSource;
use calcheck_model::source::pst::PstSource;
use calcheck_writer::generate::{Defect, Format, GenOptions, Manifest, Size, generate};
use pst_support::{PffExport, ReadPst, temp_dir};

fn check_peers(manifest: &Manifest, out: &Path) {
    let file = out.join("mailbox.pst");
    let pff = PffExport::run(&file, out);
    for f in &manifest.folders {
        let entry = pff
            .entries
            .iter()
            .find(|e| e.kind == "folder" && e.name == f.name)
            .unwrap_or_else(|| panic!("pffexport did not export folder {}", f.path));
        // libpff skips, on purpose, the classes it has no item type for: the custom class of
        // the wrong-message-class defect.
        let skipped = pff.skipped_in(&entry.dir);
        assert!(
            skipped.iter().all(|c| *c == "IPM.Appointment.Custom"),
            "{skipped:?}"
        );
        assert_eq!(
            pff.items_in(&entry.dir).len() + skipped.len(),
            f.items,
            "pffexport items of {}",
            f.path
        );
    }
    let rp = ReadPst::run(&file, out);
    for f in &manifest.folders {
        // Every item is processed, notes as e-mail and calendar items as events; readpst counts
        // a folder's sub-folders as items done too.
        let subfolders = manifest
            .folders
            .iter()
            .filter(|c| c.path.rsplit_once('/').is_some_and(|(p, _)| p == f.path))
            .count();
        if f.items + subfolders > 0 {
            assert_eq!(
                rp.count(&f.name),
                (f.items + subfolders, 0),
                "readpst counts of {}",
                f.path
            );
        }
    }
    let source = PstSource::open(&file).unwrap();
    assert!(
        source.info().notes.len() == 1,
        "our reader's notes: {:?}",
        source.info().notes
    );
    let items: Vec<_> = source.items().collect();
    let calendar: usize = manifest
        .folders
        .iter()
        .filter(|f| f.calendar)
        .map(|f| f.items)
        .sum();
    assert_eq!(items.len(), calendar);
    assert!(items.iter().all(Result::is_ok));
}

#[test]
fn pst_generated_small_with_every_defect_is_read_by_the_peers() {
    let out = temp_dir("generated-small");
    let manifest = generate(&GenOptions {
        size: Size::Small,
        defects: Defect::ALL.to_vec(),
        seed: 11,
        format: Format::Pst,
        out: out.clone(),
    })
    .unwrap();
    check_peers(&manifest, &out);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn pst_generated_medium_is_read_by_the_peers_and_has_no_finding() {
    let out = temp_dir("generated-medium");
    let manifest = generate(&GenOptions {
        size: Size::Medium,
        defects: Vec::new(),
        seed: 3,
        format: Format::Pst,
        out: out.clone(),
    })
    .unwrap();
    assert!(manifest.counts.mail >= 3000 && manifest.counts.calendar >= 1000);
    assert!(manifest.counts.recurring_with_exceptions >= 200);
    check_peers(&manifest, &out);
    let source = PstSource::open(out.join("mailbox.pst")).unwrap();
    let engine = Engine::new(
        registry::CHECKS.to_vec(),
        Options::at(calcheck_format::time::FILETIME_2025_01_01),
    );
    let report = engine.run(&[&source]);
    let shown: Vec<String> = report
        .findings
        .iter()
        .take(10)
        .map(|f| format!("{} {:?}: {}", f.check.code, f.item.subject, f.message))
        .collect();
    assert!(
        report.findings.is_empty(),
        "{} findings: {shown:#?}",
        report.findings.len()
    );
    assert_eq!(report.sources[0].items, manifest.counts.calendar);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn pst_generated_output_depends_only_on_the_seed() {
    let run = |seed, name| {
        let out = temp_dir(name);
        let manifest = generate(&GenOptions {
            size: Size::Small,
            defects: vec![Defect::TruncatedBlob, Defect::DuplicateItem],
            seed,
            format: Format::Both,
            out: out.clone(),
        })
        .unwrap();
        let pst = std::fs::read(out.join("mailbox.pst")).unwrap();
        let json = std::fs::read_to_string(out.join("manifest.json")).unwrap();
        let msg =
            std::fs::read(out.join(manifest.defects[0].item.msg_file.as_ref().unwrap())).unwrap();
        let _ = std::fs::remove_dir_all(&out);
        (pst, json, msg)
    };
    let a = run(5, "seed-a");
    let b = run(5, "seed-b");
    let c = run(6, "seed-c");
    assert!(a == b, "the same seed gives the same files");
    assert!(
        a.0 != c.0 && a.1 != c.1,
        "another seed gives another mailbox"
    );
}

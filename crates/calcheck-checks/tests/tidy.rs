//! Tidy: the repository rules that keep the check registry, its fixtures and its generated docs in step
//! (style.md B3, B5, B8), checked by `cargo test`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calcheck_checks::docs::{self, category_digit, source_path};
use calcheck_checks::registry::CHECKS;

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The sections every explanation has, in this order.
const SECTIONS: [&str; 5] = [
    "## What it checks",
    "## Why it matters",
    "## How to fix",
    "## Example",
    "## References",
];

/// Extensions of files that are binary by nature, whatever their bytes.
const BINARY_EXTENSIONS: [&str; 6] = ["bin", "msg", "oft", "pst", "ost", "eml"];

fn read_dir_sorted(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_check_file_is_registered_under_its_name() {
    let dir = root().join("crates/calcheck-checks/src/checks");
    let registered: BTreeSet<String> = CHECKS.iter().map(|c| source_path(c.meta())).collect();
    for path in read_dir_sorted(&dir) {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if file == "mod.rs" || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // Files without a declaration are helper modules shared by several checks.
        if !text.contains("declare_check!") {
            continue;
        }
        let rel = format!("crates/calcheck-checks/src/checks/{file}");
        assert!(
            registered.contains(&rel),
            "{rel} declares a check that is not in registry.rs"
        );
    }
    for c in CHECKS {
        let m = c.meta();
        let expected = format!(
            "crates/calcheck-checks/src/checks/{}.rs",
            m.name.replace('-', "_")
        );
        assert_eq!(
            source_path(m),
            expected,
            "{} {}: the file name must be the check name in snake_case",
            m.code,
            m.name
        );
    }
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut previous = "";
    for c in CHECKS {
        let m = c.meta();
        assert!(codes.insert(m.code), "code {} is used twice", m.code);
        assert!(names.insert(m.name), "name {} is used twice", m.name);
        let digits = m.code.strip_prefix("CC").unwrap_or("");
        assert!(
            digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()),
            "{}: a code is CC and three digits",
            m.code
        );
        assert_eq!(
            digits.chars().next(),
            Some(category_digit(m.category)),
            "{}: the first digit must be the category's ({:?})",
            m.code,
            m.category
        );
        assert!(
            previous < m.code,
            "registry.rs must be sorted by code: {} comes after {previous}",
            m.code
        );
        previous = m.code;
        assert!(
            !m.name.is_empty()
                && m.name.split('-').all(|w| {
                    !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                }),
            "{}: the name {:?} must be kebab-case",
            m.code,
            m.name
        );
        for n in m.calcheck {
            assert!(
                n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()),
                "{}: CalCheck number {n:?} must be four digits",
                m.code
            );
        }
        assert!(
            !m.summary.ends_with('.'),
            "{}: the summary has no trailing period",
            m.code
        );
    }
}

#[test]
fn explanations_have_the_five_sections_in_order() {
    for c in CHECKS {
        let m = c.meta();
        let text = docs::explanation_markdown(m.explanation);
        let mut at = 0;
        for s in SECTIONS {
            let found = text
                .lines()
                .enumerate()
                .skip(at)
                .find(|(_, l)| l.trim_end() == s)
                .map(|(i, _)| i);
            match found {
                Some(i) => at = i + 1,
                None => panic!(
                    "{} {}: the explanation lacks {s:?} (or has it out of order)",
                    m.code, m.name
                ),
            }
        }
    }
}

#[test]
fn every_check_has_firing_and_passing_fixtures() {
    let items = root().join("testdata/items");
    for c in CHECKS {
        let m = c.meta();
        let dir = items.join(m.name);
        let files: Vec<String> = if dir.is_dir() {
            read_dir_sorted(&dir)
                .iter()
                .filter_map(|p| p.file_name().and_then(|n| n.to_str()).map(str::to_owned))
                .filter(|n| n.ends_with(".item.toml"))
                .collect()
        } else {
            Vec::new()
        };
        assert!(
            files.iter().any(|f| f.starts_with("fires-")),
            "{} {}: testdata/items/{}/ needs a fires-*.item.toml fixture",
            m.code,
            m.name,
            m.name
        );
        assert!(
            files.iter().any(|f| f.starts_with("ok-")),
            "{} {}: testdata/items/{}/ needs an ok-*.item.toml fixture",
            m.code,
            m.name,
            m.name
        );
    }
    let names: BTreeSet<&str> = CHECKS.iter().map(|c| c.meta().name).collect();
    for path in read_dir_sorted(&items) {
        if path.is_dir() {
            let folder = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            assert!(
                names.contains(folder),
                "testdata/items/{folder}/ names no registered check"
            );
        }
    }
}

#[test]
fn generated_check_docs_are_up_to_date() {
    let root = root();
    let expected = docs::render();
    let mut stale = Vec::new();
    for f in &expected {
        let on_disk = std::fs::read_to_string(root.join(&f.path)).unwrap_or_default();
        if on_disk != f.contents {
            stale.push(f.path.clone());
        }
    }
    let wanted: BTreeSet<&str> = expected.iter().map(|f| f.path.as_str()).collect();
    let dir = root.join(docs::DOCS_DIR);
    if dir.is_dir() {
        for p in read_dir_sorted(&dir) {
            let rel = format!(
                "{}/{}",
                docs::DOCS_DIR,
                p.file_name().and_then(|n| n.to_str()).unwrap_or("")
            );
            if !wanted.contains(rel.as_str()) {
                stale.push(format!("{rel} (no longer generated)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "docs/checks is out of date; run `cargo xtask docs`. Stale: {stale:?}"
    );
}

/// True when a file under testdata/ is binary: a binary extension, a NUL byte, or not UTF-8.
fn is_binary(path: &Path) -> bool {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if BINARY_EXTENSIONS.contains(&ext.as_str()) {
        return true;
    }
    match std::fs::read(path) {
        Ok(bytes) => bytes.contains(&0) || std::str::from_utf8(&bytes).is_err(),
        Err(_) => false,
    }
}

/// Every file under `dir`, depth first.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for p in read_dir_sorted(dir) {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn every_binary_under_testdata_is_described_in_a_readme() {
    let testdata = root().join("testdata");
    let mut files = Vec::new();
    walk(&testdata, &mut files);
    let mut undocumented = Vec::new();
    for f in files.iter().filter(|f| is_binary(f)) {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        // A README in the file's folder or any folder above it, up to testdata/, must name the file.
        let mut described = false;
        let mut dir = f.parent();
        while let Some(d) = dir {
            if let Ok(text) = std::fs::read_to_string(d.join("README.md"))
                && text.contains(name)
            {
                described = true;
                break;
            }
            if d == testdata {
                break;
            }
            dir = d.parent();
        }
        if !described {
            undocumented.push(f.strip_prefix(&testdata).unwrap_or(f).display().to_string());
        }
    }
    assert!(
        undocumented.is_empty(),
        "binaries under testdata/ that no README.md names: {undocumented:?}"
    );
}

/// Style B5: an orphaned snapshot (its fixture renamed or deleted) must fail CI rather than linger.
#[test]
fn every_fixture_snapshot_has_its_fixture() {
    let snapshots = root().join("crates/calcheck-checks/tests/snapshots");
    let items = root().join("testdata/items");
    let mut orphans = Vec::new();
    for path in read_dir_sorted(&snapshots) {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let Some(rest) = name.strip_prefix("fixtures__check_fixtures@") else {
            continue;
        };
        let Some(rest) = rest.strip_suffix(".snap") else {
            orphans.push(format!("{name}: not a .snap file (a pending .snap.new?)"));
            continue;
        };
        let Some((dir, file)) = rest.split_once("__") else {
            orphans.push(format!("{name}: no folder part"));
            continue;
        };
        if !items.join(dir).join(file).is_file() {
            orphans.push(format!(
                "{name}: testdata/items/{dir}/{file} does not exist"
            ));
        }
    }
    assert!(
        orphans.is_empty(),
        "orphaned snapshots (delete them):\n{}",
        orphans.join("\n")
    );
}

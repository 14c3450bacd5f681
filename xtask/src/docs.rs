//! `cargo xtask docs [--check]`: writes the generated check documentation (`docs/checks/`) from the
//! registry, or with `--check` fails when the files on disk are stale (style.md B8).
//!
//! The content comes from `calcheck_checks::docs::render`, the same function the tidy test compares
//! against, so the task and `cargo test` cannot disagree.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use calcheck_checks::docs::{self, GeneratedFile};

/// The repository root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs the task on its arguments.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => bail!("usage: cargo xtask docs [--check]"),
    };
    let root = root();
    let files = docs::render();
    let stale = stale_files(&root, &files)?;
    if check {
        if stale.is_empty() {
            eprintln!("docs/checks is up to date ({} files)", files.len());
            return Ok(());
        }
        bail!(
            "docs/checks is out of date; run `cargo xtask docs`. Stale: {}",
            stale.join(", ")
        );
    }
    let dir = root.join(docs::DOCS_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for f in &files {
        let path = root.join(&f.path);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current != f.contents {
            std::fs::write(&path, &f.contents)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {}", f.path);
        }
    }
    for extra in extra_files(&root, &files)? {
        let path = root.join(&extra);
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        eprintln!("removed {extra} (no check by that name)");
    }
    Ok(())
}

/// Generated files whose contents differ from the disk, and files on disk that are not generated.
fn stale_files(root: &Path, files: &[GeneratedFile]) -> anyhow::Result<Vec<String>> {
    let mut stale: Vec<String> = files
        .iter()
        .filter(|f| {
            std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(&f.contents)
        })
        .map(|f| f.path.clone())
        .collect();
    stale.extend(extra_files(root, files)?);
    Ok(stale)
}

/// Files in docs/checks/ that the registry no longer generates (a renamed or removed check).
fn extra_files(root: &Path, files: &[GeneratedFile]) -> anyhow::Result<Vec<String>> {
    let dir = root.join(docs::DOCS_DIR);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut extra = Vec::new();
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
    {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let rel = format!("{}/{name}", docs::DOCS_DIR);
        if !files.iter().any(|f| f.path == rel) {
            extra.push(rel);
        }
    }
    extra.sort();
    Ok(extra)
}

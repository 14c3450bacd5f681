//! `cargo xtask fuzz-seed` and `cargo xtask fuzz-smoke`: prepare and briefly run the cargo-fuzz targets.
//!
//! The seed corpus is every blob the project already has: the fixture blobs under `testdata/blobs/`,
//! the published vectors under `../shared/vectors/<kind>/*.hex` (decoded to bytes), and the minimized
//! crashers under `testdata/regression/<target>/`; the whole-file targets (`msg`, `pst_file`, `bag`, `fts`)
//! get the small real and generated files (`../shared/corpus`, `testdata/`). Starting from real Outlook blobs lets libFuzzer reach
//! the exception arrays and the TZRULE loop within seconds instead of hours (section B6 of the house style).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::decode::parse_hex;

/// Fuzz targets owned by the blob decoders, with the fixture folders and vector kinds that seed them.
///
/// A recurrence blob starts with a RecurrencePattern, so the two recurrence targets share seeds.
const SEEDS: &[(&str, &[&str], &[&str])] = &[
    (
        "recurrence",
        &["recurrence"],
        &["appointment_recur", "recurrence_pattern"],
    ),
    (
        "recurrence_pattern",
        &["recurrence"],
        &["recurrence_pattern", "appointment_recur"],
    ),
    ("tzdef", &["tzdef"], &["tzdefinition"]),
    ("tzreg", &["tzreg"], &["tzstruct"]),
    ("goid", &["goid"], &["global_object_id"]),
];

/// Whole-file targets and where their seeds come from: folders (relative to the repository root, or to
/// `../shared` with a `shared/` prefix) and the file extensions taken from each. Files larger than
/// [`MAX_WHOLE_FILE_SEED`] are left out, because libFuzzer mutates small inputs far faster.
const WHOLE_FILE_SEEDS: &[(&str, &[&str], &[&str])] = &[
    (
        "msg",
        &[
            "testdata/msg",
            "testdata/sample-calendar",
            "shared/corpus/msg",
            "shared/vectors/msg/msgreader",
        ],
        &["msg", "oft"],
    ),
    ("pst_file", &["shared/corpus/pst"], &["pst", "ost"]),
    ("bag", &["testdata/bag"], &["json"]),
    (
        "fts",
        &["testdata/fts"],
        &["fts", "b64", "xml", "json", "bin"],
    ),
];

/// The largest file `fuzz-seed` copies into a whole-file corpus.
const MAX_WHOLE_FILE_SEED: u64 = 1 << 20;

/// Default run time of each target in `fuzz-smoke`, in seconds.
const SMOKE_SECONDS: u64 = 30;

/// The repository root (the parent of `xtask/`).
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// Every file under `dir` (recursively) whose name ends with `.ext`, sorted; none when `dir` is absent.
fn files_with_ext(dir: &Path, ext: &str) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in
            std::fs::read_dir(&d).with_context(|| format!("cannot list {}", d.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == ext) {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A corpus file name for `path`: its path below `base` with separators replaced, under a prefix.
fn seed_name(prefix: &str, base: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    let flat: String = rel
        .to_string_lossy()
        .chars()
        .map(|c| if c == '/' || c == '\\' { '_' } else { c })
        .collect();
    format!("{prefix}-{flat}")
}

/// Runs `cargo xtask fuzz-seed [--vectors DIR]`.
pub fn seed(args: &[String]) -> anyhow::Result<()> {
    let root = repo_root();
    let vectors = match args {
        [] => root.join("../shared/vectors"),
        [flag, dir] if flag == "--vectors" => PathBuf::from(dir),
        _ => bail!("usage: cargo xtask fuzz-seed [--vectors DIR]"),
    };
    let blobs = root.join("testdata/blobs");
    let regression = root.join("testdata/regression");
    if !vectors.is_dir() {
        eprintln!(
            "note: {} not found; seeding from testdata only",
            vectors.display()
        );
    }
    let mut counts = BTreeMap::new();
    for &(target, blob_dirs, vector_kinds) in SEEDS {
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("cannot create {}", corpus.display()))?;
        let mut seeds: Vec<(String, Vec<u8>)> = Vec::new();
        for dir in blob_dirs {
            for path in files_with_ext(&blobs.join(dir), "bin")? {
                let bytes = std::fs::read(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                seeds.push((seed_name("blob", &blobs, &path), bytes));
            }
        }
        for kind in vector_kinds {
            for path in files_with_ext(&vectors.join(kind), "hex")? {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let bytes =
                    parse_hex(&text).with_context(|| format!("bad hex in {}", path.display()))?;
                seeds.push((seed_name("vector", &vectors, &path), bytes));
            }
        }
        let regression_dir = regression.join(target);
        for path in files_with_ext(&regression_dir, "bin")? {
            let bytes =
                std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
            seeds.push((seed_name("regression", &regression, &path), bytes));
        }
        for (name, bytes) in &seeds {
            let out = corpus.join(name);
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
        }
        counts.insert(target, seeds.len());
    }
    let shared = vectors
        .parent()
        .map_or_else(|| root.join("../shared"), Path::to_path_buf);
    for &(target, dirs, exts) in WHOLE_FILE_SEEDS {
        let corpus = root.join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("cannot create {}", corpus.display()))?;
        let mut n = 0;
        for dir in dirs {
            let base = match dir.strip_prefix("shared/") {
                Some(rest) => shared.join(rest),
                None => root.join(dir),
            };
            for ext in exts {
                for path in files_with_ext(&base, ext)? {
                    let size = std::fs::metadata(&path).map_or(u64::MAX, |m| m.len());
                    if size > MAX_WHOLE_FILE_SEED {
                        continue;
                    }
                    let out = corpus.join(seed_name(dir.replace('/', "_").as_str(), &base, &path));
                    std::fs::copy(&path, &out).with_context(|| {
                        format!("cannot copy {} to {}", path.display(), out.display())
                    })?;
                    n += 1;
                }
            }
        }
        counts.insert(target, n);
    }
    for (target, n) in counts {
        println!("fuzz/corpus/{target}: {n} seeds");
    }
    Ok(())
}

/// The targets `cargo fuzz list` reports, in its order.
fn targets(fuzz_dir: &Path) -> anyhow::Result<Vec<String>> {
    let out = Command::new("cargo")
        .args(["fuzz", "list"])
        .current_dir(fuzz_dir)
        .output()
        .context("could not start `cargo fuzz list` (is cargo-fuzz installed?)")?;
    if !out.status.success() {
        bail!(
            "`cargo fuzz list` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect())
}

/// Runs `cargo xtask fuzz-smoke [SECONDS]`: every target for SECONDS (default 30) on the stable toolchain.
pub fn smoke(args: &[String]) -> anyhow::Result<()> {
    let seconds = match args {
        [] => SMOKE_SECONDS,
        [s] => s
            .parse::<u64>()
            .ok()
            .filter(|&n| n > 0)
            .with_context(|| format!("SECONDS must be a positive whole number, not {s:?}"))?,
        _ => bail!("usage: cargo xtask fuzz-smoke [SECONDS]"),
    };
    let fuzz_dir = repo_root().join("fuzz");
    let max_time = format!("-max_total_time={seconds}");
    let mut failed = Vec::new();
    for target in targets(&fuzz_dir)? {
        // Each target starts from fuzz/corpus/<target>; create it so a fresh checkout works too.
        std::fs::create_dir_all(fuzz_dir.join("corpus").join(&target))?;
        eprintln!("+ (cd fuzz && cargo fuzz run -s none {target} -- {max_time})");
        let status = Command::new("cargo")
            .args(["fuzz", "run", "-s", "none", &target, "--", &max_time])
            .current_dir(&fuzz_dir)
            .status()
            .context("could not start cargo fuzz")?;
        if !status.success() {
            failed.push(target);
        }
    }
    if !failed.is_empty() {
        bail!(
            "fuzz targets failed: {}; see fuzz/artifacts/<target>/",
            failed.join(", ")
        );
    }
    Ok(())
}

//! What `cargo xtask bench` and `cargo xtask bench-pst` share: where the corpus is, timing child
//! processes with their peak memory, medians, and rerunning a task from an optimized build.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// The repository root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The corpus's PST/OST folder: `$CALCHECK_CORPUS/pst`, else `../shared/corpus/pst` beside the checkout.
pub fn corpus_dir() -> PathBuf {
    std::env::var_os("CALCHECK_CORPUS")
        .map_or_else(|| workspace_root().join("../shared/corpus"), PathBuf::from)
        .join("pst")
}

/// Corpus PST/OST files, smallest first.
pub fn corpus_files() -> anyhow::Result<Vec<PathBuf>> {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("pst") || x.eq_ignore_ascii_case("ost"))
        })
        .collect();
    files.sort_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()));
    Ok(files)
}

/// The median of `v` (the upper one of an even count); zero when `v` is empty.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// One timed child process: wall time and peak RSS in KiB (from `/usr/bin/time -f %M`, when present).
pub struct Timed {
    pub elapsed: Duration,
    pub rss_kib: Option<u64>,
    pub stdout: String,
}

/// Runs `program` with `args` under `/usr/bin/time` when it exists; fails when the program does.
pub fn timed(program: &Path, args: &[&std::ffi::OsStr]) -> anyhow::Result<Timed> {
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%M"]).arg(program);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    let start = Instant::now();
    let out = cmd
        .output()
        .with_context(|| format!("cannot run {}", program.display()))?;
    let elapsed = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!(
            "{} failed with {}: {}",
            program.display(),
            out.status,
            stderr.trim()
        );
    }
    Ok(Timed {
        elapsed,
        rss_kib: stderr.lines().last().and_then(|l| l.trim().parse().ok()),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
    })
}

/// Runs `pffexport -q -m all -t OUT/x FILE` (libpff, Debian `pff-tools`) once, in an emptied `out`
/// that is removed again afterwards; fails when pffexport cannot run or fails.
pub fn pffexport(file: &Path, out: &Path) -> anyhow::Result<Timed> {
    let _ = std::fs::remove_dir_all(out);
    std::fs::create_dir_all(out)?;
    let target = out.join("x");
    let t = timed(
        Path::new("pffexport"),
        &[
            "-q".as_ref(),
            "-m".as_ref(),
            "all".as_ref(),
            "-t".as_ref(),
            target.as_os_str(),
            file.as_os_str(),
        ],
    )
    .context("pffexport (install pff-tools: scripts/ci-deps.sh)");
    let _ = std::fs::remove_dir_all(out);
    t
}

/// Timings of a debug build say nothing: when this is one, runs `cargo xtask TASK ARGS` from an
/// optimized build instead and returns `true` (the caller then stops).
pub fn rerun_in_release(task: &str, args: &[String]) -> anyhow::Result<bool> {
    if !cfg!(debug_assertions) {
        return Ok(false);
    }
    eprintln!("{task}: rerunning in release mode");
    let status = Command::new("cargo")
        .args(["run", "--quiet", "--release", "-p", "xtask", "--", task])
        .args(args)
        .status()
        .context("could not start cargo")?;
    if !status.success() {
        bail!("{task} failed with {status}");
    }
    Ok(true)
}

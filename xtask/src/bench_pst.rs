//! `cargo xtask bench-pst [FILE] [--runs N] [--peer-runs N]`: walks every message of a PST/OST file
//! (the largest corpus file by default) with calcheck's reader and with libpff's `pffexport -m all`,
//! in the same run, and prints items/s, MB/s, the ratio of the medians and the peak resident memory.
//!
//! "Every message" means every row of every folder's contents and associated contents tables,
//! decoded with properties, recipients, attachments and embedded messages; pffexport does the
//! same work and also writes it out, which is its job. The second table walks every corpus file in
//! a fresh process and prints its peak RSS next to the file size: the reader uses positional reads
//! and decodes one message at a time, so the peak must not grow with the file.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use calcheck_model::CalendarSource;
use calcheck_model::source::pst::PstSource;

use crate::measure::{self, corpus_files, median};

/// What one walk did.
struct Walk {
    messages: usize,
    unreadable: usize,
    elapsed: Duration,
}

/// Reads every message of every folder once.
fn walk(path: &Path) -> anyhow::Result<Walk> {
    let start = Instant::now();
    let source = PstSource::open(path)?;
    let pst = source.pst();
    let tree = pst.folders()?;
    let (mut messages, mut unreadable) = (0, 0);
    for folder in &tree.folders {
        let mut rows = pst.contents(folder.nid).unwrap_or_default();
        rows.extend(pst.associated_contents(folder.nid).unwrap_or_default());
        for row in rows {
            match pst.message(row.nid) {
                Ok(m) => {
                    messages += 1;
                    std::hint::black_box(&m);
                }
                Err(_) => unreadable += 1,
            }
        }
    }
    // The calendar items are what calcheck reads in the end; list them so the source is exercised.
    std::hint::black_box(source.item_count_hint());
    Ok(Walk {
        messages,
        unreadable,
        elapsed: start.elapsed(),
    })
}

/// Peak resident set size of this process in KiB (Linux `VmHWM`), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Entry point of `cargo xtask bench-pst`.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    if measure::rerun_in_release("bench-pst", args)? {
        return Ok(());
    }
    let mut file = None;
    let mut runs = 5usize;
    let mut peer_runs = 3usize;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().context("--runs needs a number")?.parse()?,
            "--peer-runs" => {
                peer_runs = it.next().context("--peer-runs needs a number")?.parse()?;
            }
            // Internal: one walk in a fresh process, for the peak-memory table.
            "--walk-once" => {
                let path = it.next().context("--walk-once needs a file")?;
                let w = walk(Path::new(path))?;
                println!("{} {}", w.messages, peak_rss_kib().unwrap_or(0));
                return Ok(());
            }
            other if other.starts_with("--") => bail!("unknown option {other}"),
            other => file = Some(PathBuf::from(other)),
        }
    }
    let file = match file {
        Some(f) => f,
        None => corpus_files()?
            .pop()
            .context("no PST/OST file in the corpus; pass FILE")?,
    };
    let bytes = std::fs::metadata(&file)?.len();
    let mb = bytes as f64 / 1e6;
    println!("file: {} ({bytes} bytes)", file.display());

    let mut ours = Vec::new();
    let mut messages = 0;
    for _ in 0..runs.max(1) {
        let w = walk(&file)?;
        messages = w.messages;
        if w.unreadable > 0 {
            println!("note: {} messages unreadable", w.unreadable);
        }
        ours.push(w.elapsed);
    }
    let ours = median(ours);
    let out = std::env::temp_dir().join(format!("calcheck-bench-pst-{}", std::process::id()));
    let mut theirs = Vec::new();
    let mut their_rss = None;
    for _ in 0..peer_runs.max(1) {
        let measure::Timed {
            elapsed: t,
            rss_kib: rss,
            ..
        } = measure::pffexport(&file, &out)?;
        theirs.push(t);
        their_rss = rss.or(their_rss);
    }
    let theirs = median(theirs);

    let rate = |d: Duration| {
        let s = d.as_secs_f64().max(1e-9);
        (messages as f64 / s, mb / s)
    };
    let (our_items, our_mb) = rate(ours);
    let (peer_items, peer_mb) = rate(theirs);
    println!(
        "{messages} messages, median of {runs} runs (calcheck) and {peer_runs} runs (pffexport):"
    );
    println!(
        "  {:<22} {:>12} {:>12} {:>10} {:>12}",
        "reader", "time", "items/s", "MB/s", "peak RSS"
    );
    println!(
        "  {:<22} {:>10.1}ms {:>12.0} {:>10.1} {:>9} KiB",
        "calcheck-pst",
        ours.as_secs_f64() * 1e3,
        our_items,
        our_mb,
        peak_rss_kib().map_or_else(|| "?".to_owned(), |r| r.to_string())
    );
    println!(
        "  {:<22} {:>10.1}ms {:>12.0} {:>10.1} {:>9} KiB",
        "pffexport -m all",
        theirs.as_secs_f64() * 1e3,
        peer_items,
        peer_mb,
        their_rss.map_or_else(|| "?".to_owned(), |r| r.to_string())
    );
    println!(
        "  ratio (pffexport time / calcheck time): {:.1}x",
        theirs.as_secs_f64() / ours.as_secs_f64().max(1e-9)
    );

    println!("peak RSS of one walk per corpus file, each in a fresh process:");
    println!(
        "  {:>10} {:>9} {:>12}  file",
        "bytes", "messages", "peak RSS"
    );
    let exe = std::env::current_exe()?;
    for f in corpus_files()? {
        let out = Command::new(&exe)
            .arg("bench-pst")
            .arg("--walk-once")
            .arg(&f)
            .output()?;
        let size = std::fs::metadata(&f)?.len();
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if out.status.success() {
            let text = String::from_utf8_lossy(&out.stdout);
            let mut parts = text.split_whitespace();
            let (n, rss) = (parts.next().unwrap_or("?"), parts.next().unwrap_or("?"));
            println!("  {size:>10} {n:>9} {rss:>8} KiB  {name}");
        } else {
            println!("  {size:>10} {:>9} {:>12}  {name} (not readable)", "-", "-");
        }
    }
    Ok(())
}

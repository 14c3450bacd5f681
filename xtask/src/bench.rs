//! `cargo xtask bench [FILE...] [--runs N] [--peer-runs N] [--no-gen]`: how fast calcheck checks a
//! mailbox next to the tools that can only read it, measured in one run on the same files.
//!
//! For each input (FILE, else the 2 GB generated mailbox when `cargo xtask gen` exists, plus the largest
//! corpus file) it times, as fresh processes with their peak resident memory (`/usr/bin/time`):
//! - `calcheck FILE` (the full check: open, decode every calendar item, run every check, write
//!   CalCheck.log and CalCheckErr.csv) on every core, on one thread and on two;
//! - `pffexport -m all FILE` (libpff, Debian `pff-tools`), which reads and writes out every item;
//! - `readpst -D FILE` (libpst, Debian `pst-utils`), which converts every folder to mbox files,
//!   deleted items included;
//! - a pypff (PyPI `libpff-python`, installed here when missing, never in CI) script that walks only the
//!   calendar folders and reads every property of their messages, recipients and attachments.
//!
//! It also times decode + checks in this process on one thread (the source opened beforehand) for calendar
//! items per second per core, and prints the ratios against the issue's targets. Times are medians.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use calcheck_checks::{Engine, Options, RowMode, registry};
use calcheck_model::source::pst::PstSource;
use calcheck_model::{CalendarSource, names};

use crate::measure::{self, Timed, corpus_files, median, timed, workspace_root};

/// The pypff walk: every folder whose PR_CONTAINER_CLASS starts with `IPF.Appointment`, every message in
/// it, and every property (named ones resolved through the map, as calcheck does) of the message, its
/// recipients and its attachments. pypff does not open embedded messages, so exceptions are not read;
/// that favours pypff.
const PYPFF_SCRIPT: &str = r#"
import sys
import pypff

def read_sets(obj):
    n = 0
    for i in range(obj.number_of_record_sets):
        for e in obj.get_record_set(i).entries:
            e.entry_type, e.value_type, e.data
            if e.entry_type >= 0x8000:
                e.name_to_id_map_entry
            n += 1
    return n

def container_class(folder):
    try:
        for e in folder.get_record_set(0).entries:
            if e.entry_type == 0x3613:
                return e.data_as_string or ""
    except (IOError, OSError):
        pass
    return ""

def walk(folder, counts):
    if container_class(folder).startswith("IPF.Appointment"):
        for i in range(folder.number_of_sub_messages):
            try:
                m = folder.get_sub_message(i)
                counts[1] += read_sets(m)
                r = m.recipients
                if r is not None:
                    counts[1] += read_sets(r)
                for a in range(m.number_of_attachments):
                    counts[1] += read_sets(m.get_attachment(a))
                counts[0] += 1
            except (IOError, OSError):
                counts[2] += 1
    for i in range(folder.number_of_sub_folders):
        walk(folder.get_sub_folder(i), counts)

f = pypff.file()
f.open(sys.argv[1])
counts = [0, 0, 0]
walk(f.root_folder, counts)
print(counts[0], counts[1], counts[2])
"#;

/// The largest PST under `dir`, if any.
fn largest_pst(dir: &Path) -> Option<PathBuf> {
    let mut best: Option<(u64, PathBuf)> = None;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pst")) {
                let len = e.metadata().map_or(0, |m| m.len());
                if best.as_ref().is_none_or(|(l, _)| len > *l) {
                    best = Some((len, p));
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

/// The 2 GB generated mailbox: reused from `target/bench/gen-2g` when it is there, else generated with
/// `cargo xtask gen --size 2g` (issue 6). `None`, with the reason printed, when the generator is missing or
/// fails.
fn generated_mailbox() -> Option<PathBuf> {
    let dir = workspace_root().join("target/bench/gen-2g");
    if let Some(p) =
        largest_pst(&dir).filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 1 << 30))
    {
        return Some(p);
    }
    let exe = std::env::current_exe().ok()?;
    println!(
        "generating the 2 GB mailbox: cargo xtask gen --size 2g --out {}",
        dir.display()
    );
    let _ = std::fs::create_dir_all(&dir);
    let out = Command::new(exe)
        .args(["gen", "--size", "2g", "--out"])
        .arg(&dir)
        .output();
    match out {
        Ok(o) if o.status.success() => largest_pst(&dir),
        Ok(o) => {
            let why = String::from_utf8_lossy(&o.stderr);
            println!(
                "note: the generated mailbox is not available ({}); benchmarking the corpus only",
                why.lines()
                    .find(|l| l.contains("rror"))
                    .unwrap_or("cargo xtask gen failed")
                    .trim()
            );
            None
        }
        Err(e) => {
            println!("note: cannot run the generator ({e}); benchmarking the corpus only");
            None
        }
    }
}

/// Median time and largest peak RSS over `runs` runs of `f`.
fn repeat(
    runs: usize,
    mut f: impl FnMut() -> anyhow::Result<Timed>,
) -> anyhow::Result<(Duration, Option<u64>, String)> {
    let mut times = Vec::new();
    let mut rss: Option<u64> = None;
    let mut stdout = String::new();
    for _ in 0..runs.max(1) {
        let t = f()?;
        times.push(t.elapsed);
        rss = rss.max(t.rss_kib);
        stdout = t.stdout;
    }
    Ok((median(times), rss, stdout))
}

/// Makes sure `import pypff` works, installing PyPI `libpff-python` when it does not.
fn ensure_pypff() -> anyhow::Result<()> {
    let ok = |c: &mut Command| c.output().is_ok_and(|o| o.status.success());
    if ok(Command::new("python3").args(["-c", "import pypff"])) {
        return Ok(());
    }
    println!("installing libpff-python with pip (for the pypff comparison only)");
    let base = [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "libpff-python",
    ];
    if !ok(Command::new("python3").args(base))
        && !ok(Command::new("python3")
            .args(base)
            .arg("--break-system-packages"))
    {
        bail!("cannot install libpff-python with pip");
    }
    Ok(())
}

/// What [`in_process`] measures: medians of the open and of the decode + check pass on one and on
/// two threads.
struct InProcess {
    items: usize,
    open: Duration,
    one: Duration,
    two: Duration,
}

/// Calendar items checked, the median time to open the file, and the median decode + check time on
/// one and on two threads, in this process (no process start, no report writing). The one- and
/// two-thread passes alternate, so that whatever else the machine does during the measurement
/// weighs on both alike rather than on whichever ran second.
fn in_process(file: &Path, runs: usize) -> anyhow::Result<InProcess> {
    let mut opens = Vec::new();
    let mut checks = [Vec::new(), Vec::new()];
    let mut items = 0;
    for _ in 0..runs.max(1) {
        for (threads, times) in [1, 2].into_iter().zip(checks.iter_mut()) {
            let start = Instant::now();
            // As the CLI opens it: only the properties checks and reports read.
            let source = PstSource::open(file)?.reading_only(names::read_keys());
            opens.push(start.elapsed());
            let mut engine = Engine::new(registry::CHECKS.to_vec(), Options::current());
            engine.collect_rows(RowMode::Flagged);
            engine.set_threads(threads);
            let start = Instant::now();
            let report = engine.run(&[&source as &dyn CalendarSource]);
            times.push(start.elapsed());
            let s = report.sources.first().context("no source in the report")?;
            items = s.items + s.unreadable;
        }
    }
    let [one, two] = checks;
    Ok(InProcess {
        items,
        open: median(opens),
        one: median(one),
        two: median(two),
    })
}

/// Bytes this process has read through system calls so far (Linux `rchar`), if known.
fn bytes_read() -> Option<u64> {
    let io = std::fs::read_to_string("/proc/self/io").ok()?;
    let line = io.lines().find(|l| l.starts_with("rchar:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Bytes of `file` one open and check reads, in this process (the reader's `pread`s; the page cache
/// does not change the count).
fn bytes_read_by_check(file: &Path) -> anyhow::Result<Option<u64>> {
    let before = bytes_read();
    let source = PstSource::open(file)?.reading_only(names::read_keys());
    let engine = Engine::new(registry::CHECKS.to_vec(), Options::current());
    std::hint::black_box(engine.run(&[&source as &dyn CalendarSource]));
    Ok(before.zip(bytes_read()).map(|(b, a)| a.saturating_sub(b)))
}

/// The 1-minute load average (Linux), to tell a busy machine's figures from a quiet one's.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".to_owned())
}

fn kib_text(k: Option<u64>) -> String {
    k.map_or_else(
        || "?".to_owned(),
        |k| format!("{:.1} MB", k as f64 * 1024.0 / 1e6),
    )
}

fn verdict(ok: bool) -> &'static str {
    if ok { "meets" } else { "MISSES" }
}

/// Benchmarks one input.
fn bench_file(file: &Path, calcheck: &Path, runs: usize, peer_runs: usize) -> anyhow::Result<()> {
    let bytes = std::fs::metadata(file)?.len();
    println!();
    println!("file: {} ({:.1} MB)", file.display(), bytes as f64 / 1e6);
    let out = std::env::temp_dir().join(format!("calcheck-bench-{}", std::process::id()));
    std::fs::create_dir_all(&out)?;
    let check = |threads: &str| -> anyhow::Result<Timed> {
        let args: Vec<&std::ffi::OsStr> = vec![
            file.as_os_str(),
            "-O".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
            "--fail-on".as_ref(),
            "never".as_ref(),
            "--threads".as_ref(),
            threads.as_ref(),
        ];
        timed(calcheck, &args)
    };
    let (all, all_rss, _) = repeat(runs, || check("0"))?;
    let (one, one_rss, _) = repeat(runs, || check("1"))?;
    let (two, two_rss, _) = repeat(runs, || check("2"))?;
    let rss = all_rss.max(one_rss).max(two_rss);
    // In process, the decode + check pass is timed alone, so the thread speed-up is not hidden by the
    // process start and the file open, which are the same on any number of threads.
    let in_runs = runs.max(1) * 4;
    let InProcess {
        items,
        open,
        one: decode_check,
        two: decode_check_2,
    } = in_process(file, in_runs)?;
    let per_core = items as f64 / decode_check.as_secs_f64().max(1e-9);
    let read = bytes_read_by_check(file)?;

    let pff_out = out.join("pffexport");
    let (pff, pff_rss, _) = repeat(peer_runs, || measure::pffexport(file, &pff_out))?;

    let pst_out = out.join("readpst");
    let readpst = repeat(peer_runs, || {
        let _ = std::fs::remove_dir_all(&pst_out);
        std::fs::create_dir_all(&pst_out)?;
        timed(
            Path::new("readpst"),
            &[
                "-q".as_ref(),
                "-D".as_ref(),
                "-o".as_ref(),
                pst_out.as_os_str(),
                file.as_os_str(),
            ],
        )
    });
    let _ = std::fs::remove_dir_all(&pst_out);

    let script = out.join("pypff_calendar.py");
    std::fs::write(&script, PYPFF_SCRIPT)?;
    let pypff = ensure_pypff().and_then(|()| {
        repeat(peer_runs, || {
            timed(
                Path::new("python3"),
                &[script.as_os_str(), file.as_os_str()],
            )
        })
    });
    let _ = std::fs::remove_dir_all(&out);

    let secs = |d: Duration| d.as_secs_f64().max(1e-9);
    let rate = |d: Duration| items as f64 / secs(d);
    println!("{items} calendar items; calcheck medians of {runs} runs, peers of {peer_runs}:");
    println!(
        "  {:<40} {:>10} {:>12} {:>10}",
        "", "time", "items/s", "peak RSS"
    );
    let row = |name: &str, d: Duration, rss: Option<u64>| {
        println!(
            "  {name:<40} {:>8.1}ms {:>12.0} {:>10}",
            secs(d) * 1e3,
            rate(d),
            kib_text(rss)
        );
    };
    row("calcheck (all cores)", all, all_rss);
    row("calcheck --threads 1", one, one_rss);
    row("calcheck --threads 2", two, two_rss);
    row("pffexport -m all", pff, pff_rss);
    let readpst = match readpst {
        Ok((d, r, _)) => {
            row("readpst -D", d, r);
            Some(d)
        }
        Err(e) => {
            println!("  readpst -D: not measured ({e:#})");
            None
        }
    };
    let pypff = match pypff {
        Ok((d, r, stdout)) => {
            row("pypff calendar walk", d, r);
            println!(
                "  pypff read: {} (items, properties, unreadable)",
                stdout.trim()
            );
            Some(d)
        }
        Err(e) => {
            println!("  pypff calendar walk: not measured ({e:#})");
            None
        }
    };
    println!(
        "  in process (median of {in_runs}): open {:.1} ms; decode + checks {:.1} ms on one thread = {per_core:.0} calendar items/s per core, {:.1} ms on two",
        secs(open) * 1e3,
        secs(decode_check) * 1e3,
        secs(decode_check_2) * 1e3
    );
    if let Some(r) = read {
        println!(
            "  bytes read by one check: {:.1} MB of the {:.1} MB file ({:.0}%): only the calendar folders' messages and the other folders' contents tables",
            r as f64 / 1e6,
            bytes as f64 / 1e6,
            r as f64 * 100.0 / (bytes as f64).max(1.0)
        );
    }
    let vs_pff = secs(pff) / secs(all);
    let speedup = secs(decode_check) / secs(decode_check_2);
    println!(
        "  whole process, 1 to 2 threads: {:.2}x",
        secs(one) / secs(two)
    );
    println!("  against the targets:");
    println!(
        "    pffexport time / calcheck time: {vs_pff:.1}x (target >= 20x: {})",
        verdict(vs_pff >= 20.0)
    );
    if let Some(r) = readpst {
        println!(
            "    readpst time / calcheck time: {:.1}x (no target)",
            secs(r) / secs(all)
        );
    }
    if let Some(p) = pypff {
        let vs_pypff = secs(p) / secs(all);
        println!(
            "    pypff time / calcheck time: {vs_pypff:.1}x (target >= 50x: {})",
            verdict(vs_pypff >= 50.0)
        );
    }
    println!(
        "    decode + checks per core: {per_core:.0} items/s (target >= 200000: {})",
        verdict(per_core >= 200_000.0)
    );
    println!(
        "    decode + checks speed-up from 1 to 2 threads: {speedup:.2}x (target >= 1.7x: {})",
        verdict(speedup >= 1.7)
    );
    println!(
        "    peak RSS: {} (target < 200 MB: {})",
        kib_text(rss),
        verdict(rss.is_some_and(|k| k * 1024 < 200_000_000))
    );
    Ok(())
}

/// Peak RSS of `calcheck FILE` for every corpus file, each in a fresh process, next to the file's size.
fn rss_table(calcheck: &Path, extra: &[PathBuf]) -> anyhow::Result<()> {
    println!();
    println!("peak RSS of calcheck FILE (all checks, all cores), one fresh process per file:");
    println!("  {:>12} {:>10}  file", "bytes", "peak RSS");
    let out = std::env::temp_dir().join(format!("calcheck-bench-rss-{}", std::process::id()));
    let mut files = corpus_files()?;
    files.extend(extra.iter().cloned());
    for f in files {
        let size = std::fs::metadata(&f)?.len();
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let args: Vec<&std::ffi::OsStr> = vec![
            f.as_os_str(),
            "-O".as_ref(),
            out.as_os_str(),
            "-q".as_ref(),
            "--fail-on".as_ref(),
            "never".as_ref(),
        ];
        match timed(calcheck, &args) {
            Ok(t) => println!("  {size:>12} {:>10}  {name}", kib_text(t.rss_kib)),
            Err(_) => println!("  {size:>12} {:>10}  {name} (not readable)", "-"),
        }
    }
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

/// Entry point of `cargo xtask bench`.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    if measure::rerun_in_release("bench", args)? {
        return Ok(());
    }
    let mut files = Vec::new();
    let mut runs = 5usize;
    let mut peer_runs = 3usize;
    let mut use_generated = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--runs" => runs = it.next().context("--runs needs a number")?.parse()?,
            "--peer-runs" => {
                peer_runs = it.next().context("--peer-runs needs a number")?.parse()?;
            }
            "--no-gen" => use_generated = false,
            other if other.starts_with("--") => bail!("unknown option {other}"),
            other => files.push(PathBuf::from(other)),
        }
    }
    // The calcheck binary of the same optimized build, beside this one.
    let status = Command::new("cargo")
        .args(["build", "--quiet", "--release", "-p", "calcheck-cli"])
        .status()
        .context("could not start cargo")?;
    if !status.success() {
        bail!("cannot build calcheck");
    }
    let exe = std::env::current_exe()?;
    let calcheck = exe.with_file_name(format!("calcheck{}", std::env::consts::EXE_SUFFIX));
    let mut generated = Vec::new();
    if files.is_empty() {
        if use_generated && let Some(g) = generated_mailbox() {
            generated.push(g.clone());
            files.push(g);
        }
        files.push(
            corpus_files()?
                .pop()
                .context("no PST/OST file in the corpus; pass FILE")?,
        );
    }
    println!(
        "machine: {} cores, load average {} before the run; calcheck {}",
        std::thread::available_parallelism().map_or(0, usize::from),
        load_average(),
        calcheck.display()
    );
    for f in &files {
        bench_file(f, &calcheck, runs, peer_runs)?;
    }
    rss_table(&calcheck, &generated)
}

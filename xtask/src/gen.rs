//! `cargo xtask gen --size small|medium|2g --defects all|none|NAME,... --seed N --out DIR
//! [--format pst|msg|both]`: writes a generated mailbox (`calcheck_writer::generate`) and its
//! `manifest.json`, and prints what it wrote, how long it took and the peak memory.

use std::path::PathBuf;

use anyhow::{Context, bail};
use calcheck_writer::generate::{Defect, Format, GenOptions, Size, generate};

const USAGE: &str = "usage: cargo xtask gen [--size small|medium|2g] [--defects all|none|NAME,...] [--seed N] [--out DIR] [--format pst|msg|both]";

pub fn run(args: &[String]) -> anyhow::Result<()> {
    let mut size = Size::Small;
    let mut defects = Vec::new();
    let mut seed = 1u64;
    let mut format = Format::Pst;
    let mut out = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = || {
            it.next()
                .with_context(|| format!("{a} needs a value; {USAGE}"))
        };
        match a.as_str() {
            "--size" => {
                let v = value()?;
                size = Size::parse(v).with_context(|| format!("unknown size {v:?}; {USAGE}"))?;
            }
            "--defects" => defects = Defect::parse_list(value()?).map_err(anyhow::Error::msg)?,
            "--seed" => seed = value()?.parse().context("--seed takes a number")?,
            "--format" => {
                let v = value()?;
                format =
                    Format::parse(v).with_context(|| format!("unknown format {v:?}; {USAGE}"))?;
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "-h" | "--help" => {
                println!("{USAGE}");
                println!("defects:");
                for d in Defect::ALL {
                    println!(
                        "  {:28} {:18} {}",
                        d.name(),
                        d.expected().join(","),
                        d.description()
                    );
                }
                return Ok(());
            }
            other => bail!("unknown argument {other:?}; {USAGE}"),
        }
    }
    let out = out.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../target/gen")
            .join(size.name())
    });
    let manifest = generate(&GenOptions {
        size,
        defects,
        seed,
        format,
        out: out.clone(),
    })
    .with_context(|| format!("generating into {}", out.display()))?;
    let c = &manifest.counts;
    println!(
        "wrote {} ({} bytes): {} notes, {} calendar items ({} recurring, {} with exceptions, {} exception attachments), {} defects; manifest.json",
        out.display(),
        manifest.pst_bytes,
        c.mail,
        c.calendar,
        c.recurring,
        c.recurring_with_exceptions,
        c.exceptions,
        manifest.defects.len()
    );
    println!(
        "took {:.1} s, peak RSS {}",
        manifest.seconds,
        peak_rss().unwrap_or_else(|| "unknown".to_owned())
    );
    Ok(())
}

/// VmHWM of this process (Linux), e.g. `12 MiB`.
fn peak_rss() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{} MiB", kib / 1024))
}

//! Developer tasks for calcheck, run as `cargo xtask <task>`.
//!
//! Tasks: `ci` runs everything `.ci/run` runs, in the same order.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::Command;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some(other) => bail!("unknown task {other:?}; try `cargo xtask help`"),
        None | Some("help") => {
            println!("cargo xtask ci    run fmt, clippy, tests and the fuzz build, as .ci/run does");
            Ok(())
        }
    }
}

/// Runs one command, echoing it, and fails with its name when it fails.
fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    eprintln!("+ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("could not start {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

fn ci() -> anyhow::Result<()> {
    run("cargo", &["fmt", "--all", "--check"])?;
    run("cargo", &["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"])?;
    run("cargo", &["test", "--workspace", "--locked"])?;
    Ok(())
}

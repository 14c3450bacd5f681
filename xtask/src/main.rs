//! Developer tasks for calcheck, run as `cargo xtask <task>`.
//!
//! Tasks: `ci` runs everything `.ci/run` runs, in the same order.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod bench_pst;
mod decode;
mod docs;
mod fuzz;
mod r#gen;
mod inspect;
mod measure;
mod tidy;

/// The calcheck binary's allocator, so that the benchmark's in-process figures measure what
/// `calcheck` does (see crates/calcheck-cli/src/main.rs).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::Command;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench::run(&args[1..]),
        Some("bench-pst") => bench_pst::run(&args[1..]),
        Some("inspect") => inspect::run(&args[1..]),
        Some("decode") => decode::run(&args[1..]),
        Some("docs") => docs::run(&args[1..]),
        Some("tidy") => tidy::run(&args[1..]),
        Some("gen") => r#gen::run(&args[1..]),
        Some("fuzz-seed") => fuzz::seed(&args[1..]),
        Some("fuzz-smoke") => fuzz::smoke(&args[1..]),
        None | Some("help") => {
            println!(
                "cargo xtask ci    run fmt, clippy, tests and the fuzz build, as .ci/run does"
            );
            println!("cargo xtask decode KIND HEX|@FILE  dump a blob (KIND: recur, tzdef, ...)");
            println!(
                "cargo xtask docs [--check]         write docs/checks/ from the registry (or check it)"
            );
            println!(
                "cargo xtask tidy                    run the tidy rules (registry, fixtures, docs, READMEs)"
            );
            println!(
                "cargo xtask inspect FILE.msg        print what calcheck reads from a .msg/.oft file"
            );
            println!("cargo xtask bench [FILE]            time calcheck vs pffexport and pypff");
            println!("cargo xtask bench-pst [FILE]        time a PST walk vs pffexport -m all");
            println!(
                "cargo xtask gen [--size S] [--defects D] ... generate a mailbox (gen --help)"
            );
            println!("cargo xtask fuzz-seed [--vectors D] fill fuzz/corpus/ with known blobs");
            println!("cargo xtask fuzz-smoke [SECONDS]    run every fuzz target (default 30 s)");
            Ok(())
        }
        Some(other) => bail!("unknown task {other:?}; try `cargo xtask help`"),
    }
}

/// Runs one command, echoing it, and fails with its name when it fails.
fn run(program: &str, args: &[&str]) -> anyhow::Result<()> {
    run_env(program, args, &[])
}

/// Like [`run`], with extra environment variables.
fn run_env(program: &str, args: &[&str], envs: &[(&str, &str)]) -> anyhow::Result<()> {
    eprintln!("+ {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .envs(envs.iter().copied())
        .status()
        .with_context(|| format!("could not start {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed with {status}", args.join(" "));
    }
    Ok(())
}

fn ci() -> anyhow::Result<()> {
    run("cargo", &["fmt", "--all", "--check"])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--locked",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    run("cargo", &["test", "--workspace", "--locked"])?;
    // Rustdoc warnings (broken intra-doc links, missing docs) fail CI like clippy warnings do.
    run_env(
        "cargo",
        &["doc", "--workspace", "--no-deps", "--locked"],
        &[("RUSTDOCFLAGS", "-D warnings")],
    )?;
    fuzz_build()?;
    Ok(())
}

/// Builds every fuzz target on the stable toolchain; running them is `cargo xtask fuzz-smoke`.
fn fuzz_build() -> anyhow::Result<()> {
    let have_fuzz = Command::new("cargo")
        .args(["fuzz", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_fuzz {
        bail!(
            "cargo-fuzz is not installed; run scripts/ci-deps.sh (or `cargo install cargo-fuzz`)"
        );
    }
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    eprintln!("+ (cd fuzz && cargo fuzz build -s none)");
    let status = Command::new("cargo")
        .args(["fuzz", "build", "-s", "none"])
        .current_dir(&dir)
        .status()
        .context("could not start cargo fuzz")?;
    if !status.success() {
        bail!("`cargo fuzz build -s none` failed with {status}");
    }
    Ok(())
}

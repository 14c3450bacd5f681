//! `cargo xtask tidy`: runs the repository's tidy rules (registry, fixtures, generated docs, binaries
//! named in READMEs), which live in `crates/calcheck-checks/tests/tidy.rs` so that `cargo test` runs them too.

/// Runs the task on its arguments.
pub fn run(args: &[String]) -> anyhow::Result<()> {
    if !args.is_empty() {
        anyhow::bail!("usage: cargo xtask tidy");
    }
    crate::run(
        "cargo",
        &["test", "-p", "calcheck-checks", "--test", "tidy"],
    )
}

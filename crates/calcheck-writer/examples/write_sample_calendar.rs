//! Writes the sample calendar of `testdata/sample-calendar/` (see `calcheck_writer::sample`).
//!
//! Run from anywhere: `cargo run -p calcheck-writer --example write_sample_calendar`.
#![allow(clippy::print_stdout)]

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample-calendar");
    std::fs::create_dir_all(&dir)?;
    for item in calcheck_writer::sample::all() {
        let path = dir.join(item.file_name);
        item.message.write_to(&path)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

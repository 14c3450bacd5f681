//! Writes the generated .msg fixtures of `testdata/msg/` (see `calcheck_writer::fixtures`).
//!
//! Run from anywhere: `cargo run -p calcheck-writer --example write_msg_fixtures`.
#![allow(clippy::print_stdout)]

use std::path::Path;

fn main() -> std::io::Result<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/msg");
    std::fs::create_dir_all(&dir)?;
    for f in calcheck_writer::fixtures::all() {
        let path = dir.join(f.file_name);
        f.message.write_to(&path)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

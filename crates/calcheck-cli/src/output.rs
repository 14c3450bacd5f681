//! Writing output files safely: each file is written to a temporary file beside it and renamed into place,
//! so a crash or a full disk never leaves half a CSV; and no output may overwrite an input.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// Writes `path` through `fill`, atomically as far as the file system allows (write a temporary file in
/// the same folder, then rename it over the target; on Windows `fs::rename` replaces an existing file too).
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map_or_else(|| "output".to_owned(), |n| n.to_string_lossy().into_owned());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> io::Result<()> {
        let mut w = BufWriter::new(File::create(&tmp)?);
        fill(&mut w)?;
        let file = w.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        // The temporary file is ours; removing it is best effort, the write error is what matters.
        let _ = fs::remove_file(&tmp);
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// Fails when `target` is one of the input files, so calcheck never writes over what it reads.
pub fn ensure_not_input(target: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(target_real) = fs::canonicalize(target) else {
        // A target that does not exist yet cannot be an input.
        return Ok(());
    };
    for input in inputs {
        if fs::canonicalize(input).is_ok_and(|i| i == target_real) {
            bail!(
                "refusing to write {}: it is one of the inputs",
                target.display()
            );
        }
    }
    Ok(())
}

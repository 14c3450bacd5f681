//! The CI commands: `calcheck dump` (any input as calcheck-bag/1 JSON) and `calcheck ci-props` (what a
//! CI job must request from Graph or EWS), both described in docs/inputs.md.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::bail;
use calcheck_model::source::ItemResult;
use calcheck_model::source::bag::{request, write};

use crate::args::CiTarget;
use crate::{inputs, output};

/// `calcheck dump INPUT [-o FILE]`: every item of every source of `input`, readable or not, as one
/// calcheck-bag/1 document. Exit status 2 when the input cannot be read.
pub fn dump(input: &Path, out: Option<&PathBuf>) -> anyhow::Result<u8> {
    let opened = inputs::open_all(
        std::slice::from_ref(&input.to_path_buf()),
        inputs::OpenOptions {
            threads: 0,
            every_property: true,
            defer_pst_in_folders: false,
        },
    );
    if let Some(e) = opened.errors.first() {
        bail!("{}: {}", e.path, e.reason);
    }
    if let Some(target) = out {
        output::ensure_not_input(target, &opened.files)?;
    }
    let results: Vec<ItemResult> = opened.sources.iter().flat_map(|s| s.items()).collect();
    let info = opened.sources.first().map(|s| s.info());
    let doc = write::document(info, &results);
    let mut text = serde_json::to_string_pretty(&doc)?;
    text.push('\n');
    if let Some(path) = out {
        output::write_atomic(path, |w| w.write_all(text.as_bytes()))?;
    } else {
        let mut so = io::stdout().lock();
        so.write_all(text.as_bytes())?;
        so.flush()?;
    }
    Ok(0)
}

/// `calcheck ci-props --for graph|ews`: the `$expand` parameters, one request per line, or the EWS
/// `<t:AdditionalProperties>` block.
pub fn ci_props(target: CiTarget, max_length: usize) -> anyhow::Result<u8> {
    let text = match target {
        CiTarget::Graph => {
            let mut t = request::graph_expand_requests(max_length).join("\n");
            t.push('\n');
            t
        }
        CiTarget::Ews => request::ews_additional_properties(),
    };
    let mut so = io::stdout().lock();
    so.write_all(text.as_bytes())?;
    so.flush()?;
    Ok(0)
}

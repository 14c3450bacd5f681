//! Tidy-style test: every registered property that a check (or the decoded views the checks use) reads is
//! in what `calcheck ci-props` tells a CI job to request, or lives on recipient rows or attachments, which
//! Graph's attendees stand in for or CC903 reports as missing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use calcheck_model::names;
use calcheck_model::source::bag::request::{
    self, DEFAULT_MAX_QUERY_LEN, Scope, ews_additional_properties, graph_expand_requests,
};

fn crate_dir(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `IDENT -> canonical name`, from the registry's own source (`IDENT = "PidLid...", ...`).
fn registry_idents() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(crate_dir("calcheck-model/src/names.rs")).unwrap();
    text.lines()
        .filter_map(|l| {
            let (ident, rest) = l.trim().split_once(" = \"")?;
            let name = rest.split('"').next()?;
            (ident
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                && name.starts_with("Pid"))
            .then(|| (ident.to_owned(), name.to_owned()))
        })
        .collect()
}

/// Every `names::IDENT` in the given files.
fn idents_read(files: &[PathBuf]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, _) in text.match_indices("names::") {
            let ident: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                .collect();
            if ident.len() > 1 {
                out.insert(ident);
            }
        }
    }
    out
}

#[test]
fn every_property_a_check_reads_is_requested_or_a_table_property() {
    let mut files = Vec::new();
    rust_files(&crate_dir("calcheck-checks/src"), &mut files);
    files.push(crate_dir("calcheck-model/src/decoded.rs"));
    files.push(crate_dir("calcheck-model/src/item.rs"));
    let read = idents_read(&files);
    assert!(read.len() > 30, "the scan found {} names", read.len());

    let registry = registry_idents();
    let graph = graph_expand_requests(DEFAULT_MAX_QUERY_LEN).join("\n");
    let ews = ews_additional_properties();
    let mut tables = Vec::new();
    for ident in &read {
        let (_, canonical) = registry
            .iter()
            .find(|(i, _)| i == ident)
            .unwrap_or_else(|| panic!("names::{ident} is not in the registry source"));
        let def = names::by_name(canonical).unwrap();
        match request::scope(def) {
            Scope::Item => {
                let id = request::graph_id(def);
                assert!(
                    graph.contains(&format!("'{id}'")),
                    "{canonical} ({id}) is not requested from Graph"
                );
                assert!(
                    ews.contains(&request::ews_field_uri(def)),
                    "{canonical} is not in the EWS block"
                );
            }
            Scope::Recipient | Scope::Attachment => tables.push(canonical.clone()),
            Scope::Store => {
                panic!("checks read the store property {canonical}, which no CI input carries")
            }
        }
    }
    // Recipient-row properties are filled from Graph's attendees or a fast-transfer stream; attachment
    // properties come only from fast-transfer streams and bags, else the checks report CC903.
    assert!(tables.iter().any(|n| n == "PidTagRecipientTrackStatusTime"));
    assert!(tables.iter().any(|n| n == "PidTagAttachmentFlags"));
}

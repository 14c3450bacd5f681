//! Shared helpers of the bag and fast-transfer tests: run every check over a source and compare
//! findings without the parts that name the input (file, locator), which differ between inputs by design.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use calcheck_checks::{Engine, Options, registry};
use calcheck_model::CalendarSource;

/// The repository's `testdata/`.
pub fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

/// "Now" of these tests: 2026-06-01, after every sample item.
pub fn options() -> Options {
    Options::at(134_247_456_000_000_000)
}

/// One finding as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seen {
    /// Code.
    pub code: &'static str,
    /// Severity as text.
    pub severity: String,
    /// Message.
    pub message: String,
    /// Detail.
    pub detail: Option<String>,
    /// Evidence, `name = value`, with the derived marker and related items' locators removed.
    pub evidence: Vec<String>,
    /// Subject and start of the item and of the related items.
    pub items: Vec<(Option<String>, Option<u64>)>,
    /// Whether the finding rests on derived values.
    pub derived: bool,
}

/// Every finding of every check on `source`, in report order.
pub fn findings(source: &dyn CalendarSource) -> Vec<Seen> {
    let engine = Engine::new(registry::CHECKS.to_vec(), options());
    let report = engine.run(&[source]);
    report
        .findings
        .iter()
        .map(|f| Seen {
            code: f.check.code,
            severity: f.severity.to_string(),
            message: f.message.clone(),
            detail: f.detail.clone(),
            evidence: f
                .evidence
                .iter()
                .map(|e| {
                    let value = e.value.trim_end_matches(" (derived)");
                    // A related item's evidence ends with its locator, which names the input.
                    let value = match value.rfind(" (") {
                        Some(i) if matches!(e.name.as_str(), "duplicate of" | "same id as") => {
                            value.get(..i).unwrap_or(value)
                        }
                        _ => value,
                    };
                    format!("{} = {value}", e.name)
                })
                .collect(),
            items: std::iter::once(&f.item)
                .chain(&f.related)
                .map(|r| (r.subject.clone(), r.start))
                .collect(),
            derived: f.derived,
        })
        .collect()
}

/// The codes of `seen`.
pub fn codes(seen: &[Seen]) -> Vec<&'static str> {
    seen.iter().map(|s| s.code).collect()
}

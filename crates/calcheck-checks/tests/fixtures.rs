//! Runs every `testdata/items/<check-name>/*.item.toml` with only that check enabled and snapshots the
//! findings. `fires-*` fixtures must produce at least one finding of the check, `ok-*` fixtures none.

mod common;

use std::fmt::Write;

use calcheck_checks::{Engine, Finding, select};
use calcheck_model::{CalendarSource, ItemResult, SourceInfo, SourceKind};

struct FixtureSource {
    info: SourceInfo,
    items: Vec<ItemResult>,
}

impl CalendarSource for FixtureSource {
    fn info(&self) -> &SourceInfo {
        &self.info
    }
    fn items(&self) -> Box<dyn Iterator<Item = ItemResult> + Send + '_> {
        Box::new(self.items.iter().cloned())
    }
}

fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let _ = writeln!(
            out,
            "{} {} [{}] item {}: {}",
            f.check.code,
            f.severity,
            f.calcheck.unwrap_or("-"),
            f.item_index,
            f.message
        );
        if let Some(d) = &f.detail {
            let _ = writeln!(out, "    detail: {d}");
        }
        for e in &f.evidence {
            let _ = writeln!(out, "    {} = {}", e.name, e.value);
        }
        if f.derived {
            let _ = writeln!(out, "    (rests on derived data)");
        }
    }
    out
}

#[test]
fn check_fixtures() {
    insta::glob!(
        "../../../testdata/items",
        "*/*.item.toml",
        |path: &std::path::Path| {
            let check_name = path
                .parent()
                .and_then(Path::file_name)
                .and_then(|n| n.to_str())
                .unwrap_or("");
            let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let check = select::find(check_name)
                .unwrap_or_else(|| panic!("{}: folder names no check", path.display()));
            let fixture = common::load(path);
            let source = FixtureSource {
                info: SourceInfo {
                    path: std::sync::Arc::from(Path::new(file_name)),
                    kind: SourceKind::Json,
                    display_name: None,
                    mailbox_owner: fixture.mailbox_owner,
                    folders: vec![],
                    notes: vec![],
                },
                items: fixture.items,
            };
            let mut checks = vec![check];
            for extra in &fixture.extra_checks {
                checks.push(select::find(extra).unwrap_or_else(|| {
                    panic!("{}: `also` names no check: {extra}", path.display())
                }));
            }
            let engine = Engine::new(checks, fixture.options);
            let report = engine.run(&[&source]);
            let own: Vec<&Finding> = report
                .findings
                .iter()
                .filter(|f| f.check.code == check.meta().code)
                .collect();
            if file_name.starts_with("fires-") {
                assert!(
                    !own.is_empty(),
                    "{}: expected {} to fire",
                    path.display(),
                    check.meta().code
                );
            } else if file_name.starts_with("ok-") {
                assert!(
                    report.findings.is_empty(),
                    "{}: expected no finding, got:\n{}",
                    path.display(),
                    render(&report.findings)
                );
            } else {
                panic!("{}: fixture names start with fires- or ok-", path.display());
            }
            insta::assert_snapshot!(render(&report.findings));
        }
    );
}

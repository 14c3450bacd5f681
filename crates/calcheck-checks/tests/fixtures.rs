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

/// Every check that declares a narrower [`Scope`](calcheck_checks::Scope) than every item, run by
/// hand on each fixture item outside it, reports nothing: the engine, which no longer calls it for
/// such items, loses no finding.
#[test]
fn checks_report_nothing_outside_their_scope() {
    use std::sync::Arc;

    use calcheck_checks::registry::CHECKS;
    use calcheck_checks::{ItemCx, Scope};
    let mut outside = 0;
    let mut scoped = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(common::testdata().join("items"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_str().is_some_and(|s| s.ends_with(".item.toml")))
            .collect();
        files.sort();
        for path in files {
            let fixture = common::load(&path);
            let info = SourceInfo {
                path: Arc::from(path.as_path()),
                kind: SourceKind::Msg,
                display_name: None,
                mailbox_owner: fixture.mailbox_owner.clone(),
                folders: Vec::new(),
                notes: Vec::new(),
            };
            for item in fixture.items.iter().filter_map(|r| r.as_ref().ok()) {
                let recurring = item
                    .props
                    .bool(&calcheck_model::names::RECURRING)
                    .unwrap_or(false);
                let with_recurrence = matches!(item.decoded().recurrence, Some(Ok(_)));
                for check in CHECKS {
                    let inside = match check.scope() {
                        Scope::Every => continue,
                        Scope::Recurring => recurring,
                        Scope::WithRecurrence => with_recurrence,
                    };
                    scoped += 1;
                    if inside {
                        continue;
                    }
                    outside += 1;
                    let mut cx = ItemCx::new(&fixture.options, &info, &item.item_ref);
                    check.check_item(item, &mut cx);
                    let findings = cx.into_findings();
                    assert!(
                        findings.is_empty(),
                        "{} reported outside its scope on {}: {}",
                        check.meta().code,
                        path.display(),
                        findings[0].message
                    );
                }
            }
        }
    }
    // The fixtures hold both single items and series, so both sides of every scope were seen.
    assert!(outside > 0 && outside < scoped, "{outside} of {scoped}");
}

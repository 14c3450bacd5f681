//! The CI inputs through the command line: Graph/bag JSON files and folders as inputs with the usual exit
//! codes, JSON and SARIF; `calcheck dump` and `calcheck ci-props`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn testdata(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn calcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calcheck"))
        .args(args)
        .output()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("calcheck-ci-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn json_of(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn graph_json_input_has_the_usual_exit_codes_json_and_sarif() {
    let file = testdata("bag/accepted-at-1601.json");
    let f = file.to_str().unwrap();
    let out = calcheck(&["--format", "json", "--now", "2026-06-01", f]);
    assert_eq!(out.status.code(), Some(1), "an error finding exits 1");
    let v = json_of(&out);
    assert_eq!(v["inputs"][0]["kind"], "json");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["CC408", "CC903"]);
    assert_eq!(v["findings"][0]["derived"], true);

    let sarif = calcheck(&["--format", "sarif", "--now", "2026-06-01", f]);
    assert_eq!(sarif.status.code(), Some(1));
    let s = json_of(&sarif);
    assert_eq!(s["runs"][0]["results"][0]["ruleId"], "CC408");
    assert_eq!(s["runs"][0]["results"][0]["properties"]["derived"], true);

    let quiet = calcheck(&["--format", "json", "--fail-on", "never", f]);
    assert_eq!(quiet.status.code(), Some(0));
}

#[test]
fn broken_json_is_an_input_error_and_a_folder_of_json_is_one_calendar() {
    let dir = scratch("folder");
    std::fs::copy(testdata("bag/accepted-at-1601.json"), dir.join("a.json")).unwrap();
    std::fs::copy(
        testdata("bag/ews-meeting-null-keyname.json"),
        dir.join("b.json"),
    )
    .unwrap();
    let bad = dir.join("bad.data");
    std::fs::write(&bad, "{ not json").unwrap();
    let out = calcheck(&[
        "--format",
        "json",
        dir.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the broken file named on the command line"
    );
    let v = json_of(&out);
    assert_eq!(v["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(v["inputs"][0]["items"], 2);
    assert!(
        v["input_errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("not valid JSON")
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn dump_writes_a_bag_that_reads_back_with_the_same_findings() {
    let dir = scratch("dump");
    let bag = dir.join("sample.json");
    let sample = testdata("sample-calendar");
    let out = calcheck(&[
        "dump",
        sample.to_str().unwrap(),
        "-o",
        bag.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codes = |p: &Path| {
        let o = calcheck(&[
            "--format",
            "json",
            "--now",
            "2026-06-01",
            p.to_str().unwrap(),
        ]);
        let v = json_of(&o);
        let mut c: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect();
        c.sort();
        c
    };
    assert_eq!(codes(&bag), codes(&sample));
    let missing = calcheck(&["dump", dir.join("nope.msg").to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ci_props_prints_the_registry_requests() {
    let graph = calcheck(&["ci-props", "--for", "graph"]);
    assert_eq!(graph.status.code(), Some(0));
    let text = String::from_utf8(graph.stdout).unwrap();
    let expected = calcheck_model::source::bag::request::graph_expand_requests(
        calcheck_model::source::bag::request::DEFAULT_MAX_QUERY_LEN,
    );
    assert_eq!(text.lines().collect::<Vec<_>>(), expected);
    let ews = calcheck(&["ci-props", "--for", "ews"]);
    let text = String::from_utf8(ews.stdout).unwrap();
    assert!(text.starts_with("<t:AdditionalProperties>\n"));
    assert!(text.contains(
        r#"DistinguishedPropertySetId="Appointment" PropertyId="33302" PropertyType="Binary""#
    ));
    let bad = calcheck(&["ci-props", "--for", "imap"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn fast_transfer_exports_are_inputs_of_their_own_kind() {
    let run = |rel: &str| {
        let f = testdata(rel);
        let out = calcheck(&[
            "--format",
            "json",
            "--now",
            "2026-06-01",
            f.to_str().unwrap(),
        ]);
        (out.status.code(), json_of(&out))
    };
    let (code, v) = run("fts/meeting-accepted-at-1601.fts");
    assert_eq!(code, Some(1));
    assert_eq!(v["inputs"][0]["kind"], "fast-transfer");
    assert_eq!(v["findings"][0]["code"], "CC408");
    assert_eq!(
        v["findings"][0]["derived"], false,
        "a stream carries the stored value"
    );
    // A Graph exportItems response is a .json file, read as fast-transfer.
    let (code, v) = run("fts/graph-export-two-items.json");
    assert_eq!(code, Some(1));
    assert_eq!(v["inputs"][0]["kind"], "fast-transfer");
    assert_eq!(v["inputs"][0]["items"], 2);
    // The shortened documentation sample: two unreadable items (CC901), one note that is not checked.
    let (_, v) = run("fts/ms-exportitems-sample.xml");
    assert_eq!(v["inputs"][0]["unreadable_items"], 2);
    let (code, v) = run("fts/weekly-series-exception.xml");
    assert_eq!(code, Some(0));
    assert_eq!(v["inputs"][0]["recurring_items"], 1);
}

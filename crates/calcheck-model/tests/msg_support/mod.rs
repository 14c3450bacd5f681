//! Shared helpers of the .msg reader tests: where the corpus is, how to run the extract-msg peer,
//! and small converters for the values peers print.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use calcheck_model::CalendarItem;
use calcheck_model::source::msg::read_msg_file;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared reference material next to the checkout (`../shared`).
pub fn shared() -> PathBuf {
    repo_root().join("../shared")
}

/// Every file of a folder with one of the extensions, sorted.
pub fn files_in(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.iter().any(|x| x.eq_ignore_ascii_case(e)))
        })
        .collect();
    out.sort();
    out
}

/// The 27 .msg/.oft files of `shared/corpus/msg`.
pub fn corpus_files() -> Vec<PathBuf> {
    let files = files_in(&shared().join("corpus/msg"), &["msg", "oft"]);
    assert_eq!(files.len(), 27, "shared/corpus/msg should hold 27 files");
    files
}

/// The 13 msgreader .msg files of `shared/vectors/msg/msgreader`.
pub fn msgreader_files() -> Vec<PathBuf> {
    let files = files_in(&shared().join("vectors/msg/msgreader"), &["msg"]);
    assert_eq!(
        files.len(),
        13,
        "shared/vectors/msg/msgreader should hold 13 .msg files"
    );
    files
}

/// Reads a file with our reader, failing the test with the error.
pub fn read(path: &Path) -> CalendarItem {
    read_msg_file(path).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `scripts/peer_msg.py` (extract-msg 0.57.0) on the files and returns its JSON `files` map.
///
/// Fails with a clear message when python3 or extract_msg is missing: run `scripts/ci-deps.sh`.
pub fn peer(paths: &[PathBuf]) -> serde_json::Map<String, serde_json::Value> {
    let script = repo_root().join("scripts/peer_msg.py");
    let out = Command::new("python3")
        .arg(&script)
        .args(paths)
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run python3 for the extract-msg peer ({e}); install python3 and run scripts/ci-deps.sh")
        });
    assert!(
        out.status.success(),
        "{} failed ({}): {}\n(run scripts/ci-deps.sh to install extract-msg 0.57.0)",
        script.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("peer_msg.py prints JSON");
    assert_eq!(
        json["extract_msg_version"], "0.57.0",
        "the tests were written against extract-msg 0.57.0"
    );
    json["files"].as_object().cloned().expect("a files map")
}

/// FILETIME ticks of an RFC 1123 date as msgreader prints it (`Fri, 06 Jan 2023 03:00:00 GMT`).
pub fn rfc1123_to_filetime(s: &str) -> u64 {
    let dt = chrono::DateTime::parse_from_rfc2822(&s.replace("GMT", "+0000"))
        .unwrap_or_else(|e| panic!("not an RFC 1123 date {s:?}: {e}"));
    calcheck_format::time::utc_to_filetime(dt.with_timezone(&chrono::Utc)).expect("in range")
}

/// Uppercase hex.
pub fn hex(bytes: &[u8]) -> String {
    calcheck_model::item::hex_upper(bytes)
}

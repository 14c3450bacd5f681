//! Batch mode end to end (`calcheck DIR_OF_PSTS/ -O OUT`): one CalCheck log and CSV per mailbox, the master
//! summary (`CalCheckMaster.log`, `CalCheckMaster.json`), an unreadable file among readable ones, file-name
//! collisions, exit statuses; and byte-identical output whatever `--threads` says, in batch mode and in
//! the ordinary single-log, JSON and SARIF modes.
//!
//! The mailboxes are corpus files linked (never copied into the repository) into a scratch folder at test
//! time. Facts about them come from peer tools (shared/corpus/SOURCES.md):
//! - `aspose__Test_part1.pst`: pffexport 20180714 exports 9 appointments from its Calendar folder, all
//!   "Weekly meeting" sent by Saqib Razzaq, from 2011-06-22 05:30 to 06:00 UTC, with no location: nine
//!   copies of one item, so eight duplicates (CC502, CalCheck 0049).
//! - `javalibpst__dist-list.pst`: one weekly recurring appointment (readpst: 1 VEVENT, 1 RRULE).
//! - `aspose__AddingBulkMessagesWithImprovedPerformance.pst`: a corrupt header; pffinfo reports the stored
//!   dwCRCPartial 1112305074 = 0x424C6DB2 as a checksum mismatch.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const NOW: &str = "2025-06-01T00:00:00Z";
const TEST_PART1: &str = "aspose__Test_part1.pst";
const DIST_LIST: &str = "javalibpst__dist-list.pst";
const CORRUPT: &str = "aspose__AddingBulkMessagesWithImprovedPerformance.pst";

fn pst_corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/pst")
        .join(name)
}

/// A fresh, empty scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("batch-{test}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Links (or, where links are not possible, copies) a corpus file into `dir` as `name`.
fn link(corpus_name: &str, dir: &Path, name: &str) {
    fs::create_dir_all(dir).unwrap();
    let from = pst_corpus(corpus_name);
    let to = dir.join(name);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&from, &to).unwrap();
    #[cfg(not(unix))]
    fs::copy(&from, &to).unwrap();
}

fn calcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_calcheck"))
        .args(args)
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder of mailboxes: the duplicates PST, the series PST twice (the second in a subfolder, so the
/// names collide) and the corrupt PST.
fn mailboxes(test: &str) -> PathBuf {
    let dir = scratch(test).join("mailboxes");
    link(TEST_PART1, &dir, TEST_PART1);
    link(DIST_LIST, &dir, DIST_LIST);
    link(DIST_LIST, &dir.join("archive"), DIST_LIST);
    link(CORRUPT, &dir, CORRUPT);
    dir
}

/// Every file of `dir` by name, with its bytes, sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn folder_of_psts_writes_a_log_per_mailbox_and_a_master_summary() {
    let dir = mailboxes("master");
    let out = dir.parent().unwrap().join("out");
    let o = calcheck(&[
        s(&dir),
        "--select",
        "CC502,CC901",
        "--now",
        NOW,
        "-A",
        "-O",
        s(&out),
    ]);
    // One file could not be read: status 2, yet every other mailbox was checked and written.
    assert_eq!(code(&o), 2, "{}", text(&o.stderr));
    let corrupt = dir.join(CORRUPT);
    assert!(
        text(&o.stderr).contains(&format!("calcheck: {}: ", corrupt.display())),
        "{}",
        text(&o.stderr)
    );
    let master_log = out.join("CalCheckMaster.log");
    assert_eq!(
        text(&o.stdout),
        format!(
            "1 of 3 mailboxes has problems: 8 problem items, 8 errors, 0 warnings; 1 mailbox could not be read - see {}\n",
            master_log.display()
        )
    );
    let names: Vec<String> = files(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "CALITEMS_aspose__Test_part1.CSV",
            "CALITEMS_javalibpst__dist-list.CSV",
            "CALITEMS_javalibpst__dist-list_2.CSV",
            "CalCheckErr_aspose__Test_part1.csv",
            "CalCheckErr_javalibpst__dist-list.csv",
            "CalCheckErr_javalibpst__dist-list_2.csv",
            "CalCheckMaster.json",
            "CalCheckMaster.log",
            "CalCheck_aspose__Test_part1.log",
            "CalCheck_javalibpst__dist-list.log",
            "CalCheck_javalibpst__dist-list_2.log",
        ]
    );

    // The JSON summary: mailboxes in input order (a folder's files, then its subfolders), unreadable last.
    let v: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("CalCheckMaster.json")).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["now"], NOW);
    let m = v["mailboxes"].as_array().unwrap();
    let got: Vec<(&str, &str, u64, u64)> = m
        .iter()
        .map(|b| {
            (
                b["path"].as_str().unwrap(),
                b["status"].as_str().unwrap(),
                b["items"].as_u64().unwrap(),
                b["errors"].as_u64().unwrap(),
            )
        })
        .collect();
    let p = |name: &str| dir.join(name).display().to_string();
    let archived = dir.join("archive").join(DIST_LIST).display().to_string();
    assert_eq!(
        got,
        [
            (p(TEST_PART1).as_str(), "problems", 9, 8),
            (p(DIST_LIST).as_str(), "ok", 1, 0),
            (archived.as_str(), "ok", 1, 0),
            (p(CORRUPT).as_str(), "unreadable", 0, 0),
        ]
    );
    assert_eq!(m[0]["kind"], "pst");
    assert_eq!(m[0]["worst"], "error");
    assert_eq!(m[0]["log"], "CalCheck_aspose__Test_part1.log");
    assert_eq!(m[0]["csv"], "CalCheckErr_aspose__Test_part1.csv");
    assert_eq!(m[1]["recurring_items"], 1);
    assert_eq!(m[2]["log"], "CalCheck_javalibpst__dist-list_2.log");
    assert!(m[3]["log"].is_null());
    assert!(
        m[3]["reason"]
            .as_str()
            .unwrap()
            .contains("crc mismatch (stored 0x424c6db2"),
        "{}",
        m[3]["reason"]
    );
    assert_eq!(v["totals"]["mailboxes"], 4);
    assert_eq!(v["totals"]["with_problems"], 1);
    assert_eq!(v["totals"]["without_problems"], 2);
    assert_eq!(v["totals"]["unreadable"], 1);
    assert_eq!(v["totals"]["items"], 11);
    assert_eq!(v["totals"]["errors"], 8);

    // The master log lists the mailbox with problems first, and the unreadable one with its reason.
    let log = text(&fs::read(&master_log).unwrap());
    assert!(log.starts_with("Calendar Checking Tool - Master Summary\r\n"));
    assert!(log.contains("\r\nMailboxes: 4 (1 with problems, 2 without, 1 unreadable)\r\n"));
    assert!(log.contains(&format!(
        "\r\nMailboxes with problems:\r\n{} (PST file): 9 items, 8 problem items, 8 errors, 0 warnings - see CalCheck_aspose__Test_part1.log\r\n",
        p(TEST_PART1)
    )));
    assert!(log.contains(&format!(
        "\r\nMailboxes that could not be read:\r\n{}: not a readable PST/OST file: ",
        p(CORRUPT)
    )));
    assert!(log.contains("\r\nErrors found: 8\r\n"));
    assert!(log.ends_with("Finish: 2025-06-01 00:00:00 UTC\r\n"));

    // Each mailbox's log is about that mailbox alone.
    let one = text(&fs::read(out.join("CalCheck_aspose__Test_part1.log")).unwrap());
    assert!(one.contains(&format!("\r\nInput: {} (PST file)\r\n", p(TEST_PART1))));
    assert!(!one.contains(DIST_LIST));
    assert_eq!(
        one.matches("\r\nERROR: Duplicate item in the Calendar [CC502")
            .count(),
        8
    );
    let csv = fs::read(out.join("CalCheckErr_aspose__Test_part1.csv")).unwrap();
    let mut rd = csv::Reader::from_reader(csv.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert!(rows.iter().all(|r| &r[0] == "Weekly meeting"));
    let items = fs::read(out.join("CALITEMS_aspose__Test_part1.CSV")).unwrap();
    let mut rd = csv::Reader::from_reader(items.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    assert_eq!(rd.records().count(), 9);
}

#[test]
fn batch_exit_status_follows_fail_on_when_every_mailbox_is_read() {
    let dir = scratch("status").join("mailboxes");
    link(TEST_PART1, &dir, TEST_PART1);
    link(DIST_LIST, &dir, DIST_LIST);
    let out = dir.parent().unwrap().join("out");
    let args = ["--select", "CC502", "--now", NOW, "-O", s(&out)];
    let o = calcheck(&[&[s(&dir)], &args[..]].concat());
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let o = calcheck(&[&[s(&dir), "--fail-on", "never"], &args[..]].concat());
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    // The series PST alone has no duplicate: status 0 and the "nothing found" summary.
    let only = scratch("status-one").join("mailboxes");
    link(DIST_LIST, &only, DIST_LIST);
    let o = calcheck(&[
        s(&only),
        "--select",
        "CC502",
        "--now",
        NOW,
        "-O",
        s(&out),
        "-q",
    ]);
    assert_eq!(code(&o), 0, "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
}

#[test]
fn folder_of_msg_files_stays_one_calendar() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample-calendar");
    let out = scratch("msg-folder");
    let o = calcheck(&[s(&sample), "--now", NOW, "-O", s(&out)]);
    assert_eq!(code(&o), 1, "{}", text(&o.stderr));
    let names: Vec<String> = files(&out).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["CalCheck.log", "CalCheckErr.csv"]);
}

/// Asserts that two folders' files are byte-identical, naming the first file that differs.
fn assert_same_files(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) {
    let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(a), names(b));
    for ((name, x), (_, y)) in a.iter().zip(b) {
        assert!(x == y, "{name} differs");
    }
}

#[test]
fn output_is_byte_identical_on_one_and_four_threads() {
    // Batch mode over the mailboxes folder (all checks, every item listed).
    let dir = mailboxes("threads");
    let root = dir.parent().unwrap().to_path_buf();
    let mut outputs = Vec::new();
    for threads in ["1", "4"] {
        let out = root.join(format!("out-{threads}"));
        let o = calcheck(&[
            s(&dir),
            "--now",
            NOW,
            "-A",
            "--threads",
            threads,
            "-O",
            s(&out),
        ]);
        assert_eq!(code(&o), 2, "{}", text(&o.stderr));
        // The summary line names the output folder, which differs between the two runs.
        let summary = text(&o.stdout).replace(s(&out), "OUT");
        outputs.push((files(&out), summary));
    }
    assert_eq!(outputs[0].0.len(), 11);
    assert_same_files(&outputs[0].0, &outputs[1].0);
    assert_eq!(outputs[0].1, outputs[1].1);

    // One log over the largest corpus file (an OST with 4 KiB pages) and the sample calendar, in every
    // format.
    let ost = pst_corpus("pstextractor__pstextractortest@outlook.com.ost");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample-calendar");
    let mut runs = Vec::new();
    for threads in ["1", "4"] {
        let out = root.join(format!("single-{threads}"));
        let common = [s(&ost), s(&sample), "--now", NOW, "--threads", threads];
        let o = calcheck(&[&common[..], &["-A", "-O", s(&out)]].concat());
        assert_eq!(code(&o), 1, "{}", text(&o.stderr));
        let json = calcheck(&[&common[..], &["--format", "json"]].concat());
        let sarif = calcheck(&[&common[..], &["--format", "sarif"]].concat());
        assert_eq!(code(&json), 1);
        runs.push((files(&out), text(&json.stdout), text(&sarif.stdout)));
    }
    assert_eq!(
        runs[0].0.len(),
        3,
        "CalCheck.log, CalCheckErr.csv and CALITEMS.CSV"
    );
    assert!(runs[0].1.contains("\"code\": \"CC502\""));
    assert!(runs[0].2.contains("\"ruleId\": \"CC502\""));
    assert_same_files(&runs[0].0, &runs[1].0);
    assert!(runs[0].1 == runs[1].1, "the JSON differs");
    assert!(runs[0].2 == runs[1].2, "the SARIF differs");
}

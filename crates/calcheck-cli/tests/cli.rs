//! The `calcheck` binary end to end: exit codes, every output format on real .msg files from the shared
//! corpus, selectors, `explain` and `checks`, unreadable inputs, folders mixing good and bad files, and a
//! closed standard output.
//!
//! Facts about the corpus files were read with the peer tool extract-msg 0.57.0 (scripts/peer_msg.py):
//! `aspose__appointment-draft.msg` is an IPM.Appointment with an empty subject and no
//! PR_MESSAGE_DELIVERY_TIME (0x0E060040); `aspose__sample.oft` is an Outlook template, which calcheck skips;
//! `hughbe__Meeting.msg`
//! is an IPM.Appointment starting at 13248777600000000 µs after 1601-01-01, i.e. 2020-11-02 08:00:00 UTC.
//! Runs select single checks so that checks added later do not change what these tests expect.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const NOW: &str = "2025-06-01T00:00:00Z";

fn corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/msg")
        .join(name)
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/msg")
}

/// A fresh, empty scratch folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{test}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
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

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn clean_file_exits_0_and_writes_log_and_csv() {
    let out = scratch("clean");
    let meeting = corpus("hughbe__Meeting.msg");
    let o = calcheck(&[
        s(&meeting),
        "--select",
        "CC101",
        "--now",
        NOW,
        "-O",
        s(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("No known errors or problems were found in 1 calendar item of ")
    );
    let log = fs::read(out.join("CalCheck.log")).unwrap();
    assert!(log.starts_with(b"Calendar Checking Tool\r\n=======================\r\n"));
    let log = String::from_utf8(log).unwrap();
    assert!(log.contains("\r\nNo known errors or problems were found.\r\n"));
    assert!(log.contains("\r\nStart: 2025-06-01 00:00:00 UTC\r\n"));
    let csv = fs::read(out.join("CalCheckErr.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBFSubject,Location,Start Time,End Time,"));
    assert_eq!(csv.split(|b| *b == b'\n').count() - 1, 1, "header only");
    assert!(!out.join("CALITEMS.CSV").exists(), "only with -A");
}

#[test]
fn finding_exits_1_and_fail_on_and_severity_change_that() {
    let out = scratch("finding");
    let draft = corpus("aspose__appointment-draft.msg");
    let run = |extra: &[&str]| {
        let mut args = vec![s(&draft), "--select", "CC112", "--now", NOW, "-O", s(&out)];
        args.extend_from_slice(extra);
        calcheck(&args)
    };
    let o = run(&[]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("1 problem item in "),
        "summary: {}",
        stdout(&o)
    );
    assert!(stdout(&o).contains(": 1 error, 0 warnings - see "));
    let log = fs::read_to_string(out.join("CalCheck.log")).unwrap();
    assert!(log.contains(
        "\r\nERROR: Missing required prop PR_MESSAGE_DELIVERY_TIME. This can cause Calendar sync \
         problems [CC112 missing-delivery-time, CalCheck 0059]\r\n"
    ), "{log}");
    assert!(
        log.contains("\r\nProperties to help investigate this reported item:\r\nSubject: \r\n"),
        "{log}"
    );
    assert!(log.contains("\r\nProblem Items: 1\r\nErrors found: 1\r\n"));

    assert_eq!(code(&run(&["--fail-on", "never"])), 0);
    assert_eq!(code(&run(&["--severity", "CC112=warning"])), 0);
    assert_eq!(
        code(&run(&[
            "--severity",
            "0059=warning",
            "--fail-on",
            "warning"
        ])),
        1
    );
    assert_eq!(
        code(&run(&[
            "--ignore",
            "missing-delivery-time",
            "--select",
            "CC112,CC107"
        ])),
        0
    );
}

#[test]
fn json_output_on_a_real_file() {
    let draft = corpus("aspose__appointment-draft.msg");
    let o = calcheck(&[
        s(&draft),
        "--select",
        "CC112",
        "--now",
        NOW,
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(o.stderr.is_empty(), "quiet: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["now"], NOW);
    assert_eq!(v["inputs"][0]["kind"], "msg");
    assert_eq!(v["inputs"][0]["items"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "CC112");
    assert_eq!(f["calcheck"], "0059");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["item"]["subject"], "");
    assert!(
        f["item"]["file"]
            .as_str()
            .unwrap()
            .ends_with("aspose__appointment-draft.msg")
    );
    assert_eq!(v["totals"]["errors"], 1);
}

#[test]
fn sarif_output_to_a_file() {
    let out = scratch("sarif");
    let target = out.join("result.sarif");
    let draft = corpus("aspose__appointment-draft.msg");
    let o = calcheck(&[
        s(&draft),
        "--select",
        "CC112",
        "--now",
        NOW,
        "--format",
        "sarif",
        "--output",
        s(&target),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "the summary goes to stderr with --format sarif"
    );
    let v: serde_json::Value = serde_json::from_slice(&fs::read(&target).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "calcheck");
    assert_eq!(run["results"][0]["ruleId"], "CC112");
    assert_eq!(run["results"][0]["level"], "error");
    let uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.ends_with("aspose__appointment-draft.msg"), "{uri}");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn all_items_lists_every_item_of_a_folder() {
    let out = scratch("calitems");
    let o = calcheck(&[
        s(&corpus_dir()),
        "--select",
        "CC112",
        "--now",
        NOW,
        "-A",
        "-O",
        s(&out),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let files = fs::read_dir(corpus_dir())
        .unwrap()
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| x.eq_ignore_ascii_case("msg") || x.eq_ignore_ascii_case("oft"))
        })
        .count();
    let bytes = fs::read(out.join("CALITEMS.CSV")).unwrap();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("BOM");
    let mut rd = csv::Reader::from_reader(body);
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    // ../shared/corpus/SOURCES.md marks five .msg files as "no calendar item (control sample)": a task,
    // a contact and three notes; aspose__sample.oft is an Outlook template. They are skipped, not checked,
    // and the log says so.
    let controls = [
        "aspose__sample.oft",
        "poi__msgClassTask.msg",
        "poi__msgClassContact.msg",
        "poi__outlook_30_msg.msg",
        "poi__quick.msg",
        "hiraoka__nonUnicodeMail.msg",
    ];
    assert_eq!(
        rows.len(),
        files - controls.len(),
        "one row per calendar item"
    );
    for c in controls {
        assert!(
            !rows.iter().any(|r| r[col("File")].ends_with(c)),
            "{c} is not a calendar item"
        );
    }
    let log = fs::read_to_string(out.join("CalCheck.log")).unwrap();
    assert!(
        log.contains(
            "Skipped 6 messages that are not calendar items or are templates: IPM.Contact (1), \
             IPM.Note (3), IPM.Task (1), Outlook template (.oft) of IPM.Appointment (1)."
        ),
        "{log}"
    );
    let row = |file: &str| {
        rows.iter()
            .find(|r| r[col("File")].ends_with(file))
            .unwrap()
    };
    let meeting = row("hughbe__Meeting.msg");
    assert_eq!(&meeting[col("Start Date")], "2020-11-02");
    assert_eq!(&meeting[col("Start Time")], "08:00:00");
    assert_eq!(&meeting[col("Flagged by CalCheck")], "false");
    assert_eq!(
        &row("aspose__appointment-draft.msg")[col("Flagged by CalCheck")],
        "true"
    );
}

#[test]
fn unknown_selector_exits_2() {
    let meeting = corpus("hughbe__Meeting.msg");
    for args in [
        vec![s(&meeting), "--select", "CC999"],
        vec![s(&meeting), "--ignore", "no-such-check"],
        vec![s(&meeting), "--severity", "CC999=error"],
        vec![s(&meeting), "--severity", "CC101=fatal"],
        vec![s(&meeting), "--now", "yesterday"],
        vec![s(&meeting), "--output", "x.json"],
        vec![s(&meeting), "--format", "json", "-A"],
    ] {
        let o = calcheck(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(stderr(&o).starts_with("calcheck: "), "{}", stderr(&o));
    }
    let o = calcheck(&[s(&meeting), "--select", "CC999"]);
    assert!(stderr(&o).contains("unknown check selector \"CC999\""));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(code(&calcheck(&[])), 2);
    assert_eq!(code(&calcheck(&["--no-such-flag", "x.msg"])), 2);
    assert_eq!(code(&calcheck(&["--help"])), 0);
}

#[test]
fn explain_prints_a_checks_documentation() {
    for sel in ["CC101", "missing-start-time", "0020", "cc101"] {
        let o = calcheck(&["explain", sel]);
        assert_eq!(code(&o), 0, "{sel}");
        let text = stdout(&o);
        assert!(
            text.starts_with("CC101 missing-start-time\nSeverity: error\n"),
            "{text}"
        );
        assert!(text.contains("CalCheck: 0020\n"));
        assert!(text.contains("\n## What it checks\n"));
    }
    let o = calcheck(&["explain", "CC999"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("unknown check selector"));
}

#[test]
fn checks_lists_every_check() {
    let o = calcheck(&["checks"]);
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    let line = text.lines().find(|l| l.starts_with("CC101 ")).unwrap();
    assert!(
        line.contains("missing-start-time") && line.contains("0020"),
        "{line}"
    );
    assert!(text.lines().any(|l| l.starts_with("CC502 ")));

    let o = calcheck(&["checks", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), text.lines().count());
    let cc101 = checks.iter().find(|c| c["code"] == "CC101").unwrap();
    assert_eq!(cc101["name"], "missing-start-time");
    assert_eq!(cc101["calcheck"][0], "0020");
    assert!(
        cc101["explanation"]
            .as_str()
            .unwrap()
            .starts_with("## What it checks")
    );
}

#[test]
fn unreadable_inputs_exit_2_with_the_file_and_the_reason() {
    let dir = scratch("corrupt");
    let bad_msg = dir.join("broken.msg");
    fs::write(&bad_msg, b"this is not a compound file").unwrap();
    // A PST header signature followed by nothing: no PST reader can open it.
    let bad_pst = dir.join("broken.pst");
    fs::write(&bad_pst, b"!BDN\0\0\0\0SM").unwrap();
    let missing = dir.join("missing.msg");
    let out = dir.join("out");
    let o = calcheck(&[
        s(&bad_msg),
        s(&bad_pst),
        s(&missing),
        "--now",
        NOW,
        "-O",
        s(&out),
    ]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "calcheck: {}: not a readable .msg file: not a compound file",
            bad_msg.display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!("calcheck: {}: ", bad_pst.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("calcheck: {}: cannot read: ", missing.display())),
        "{err}"
    );
    // The log is still written and names every unreadable input.
    let log = fs::read_to_string(out.join("CalCheck.log")).unwrap();
    assert!(log.contains(&format!("ERROR: could not read {}: ", bad_pst.display())));
    assert!(log.contains("\r\nUnreadable Inputs: 3\r\n"));
    // A file whose extension and first bytes say nothing is not guessed at.
    let txt = dir.join("notes.txt");
    fs::write(&txt, b"hello").unwrap();
    let o = calcheck(&[s(&txt), "-O", s(&out)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("not a PST, OST or .msg file"));
}

#[test]
fn folder_mixing_good_and_bad_files_checks_the_good_ones() {
    let dir = scratch("mixed");
    fs::copy(corpus("hughbe__Meeting.msg"), dir.join("a-good.msg")).unwrap();
    fs::write(dir.join("b-bad.msg"), b"garbage").unwrap();
    fs::write(dir.join("c-bad.pst"), b"!BDN garbage").unwrap();
    fs::write(dir.join("readme.txt"), b"ignored").unwrap();
    let o = calcheck(&[
        s(&dir),
        "--select",
        "CC101,CC901",
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    // The PST cannot be opened at all: exit 2, but the .msg files were still checked.
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1);
    assert_eq!(inputs[0]["kind"], "msg-folder");
    assert_eq!(inputs[0]["items"], 1, "the good .msg was read");
    assert_eq!(
        inputs[0]["unreadable_items"], 1,
        "the bad .msg is an unreadable item"
    );
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["code"], "CC901");
    assert!(
        findings[0]["item"]["file"]
            .as_str()
            .unwrap()
            .ends_with("b-bad.msg")
    );
    let errors = v["input_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["path"].as_str().unwrap().ends_with("c-bad.pst"));
}

#[test]
fn now_makes_the_log_reproducible() {
    let a = scratch("repro-a");
    let b = scratch("repro-b");
    for out in [&a, &b] {
        let o = calcheck(&[s(&corpus_dir()), "--now", NOW, "-A", "-O", s(out)]);
        assert_ne!(code(&o), 2, "{}", stderr(&o));
    }
    for name in ["CalCheck.log", "CalCheckErr.csv", "CALITEMS.CSV"] {
        assert_eq!(
            fs::read(a.join(name)).unwrap(),
            fs::read(b.join(name)).unwrap(),
            "{name}"
        );
    }
    let log = fs::read(a.join("CalCheck.log")).unwrap();
    for (i, w) in log.windows(2).enumerate() {
        if w[1] == b'\n' {
            assert_eq!(w[0], b'\r', "bare LF at byte {}", i + 1);
        }
    }
    // No temporary files are left beside the outputs.
    let names: Vec<String> = fs::read_dir(&a)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

#[test]
fn output_never_overwrites_an_input() {
    let dir = scratch("overwrite");
    let input = dir.join("meeting.msg");
    fs::copy(corpus("hughbe__Meeting.msg"), &input).unwrap();
    let before = fs::read(&input).unwrap();
    let o = calcheck(&[s(&input), "--format", "json", "--output", s(&input)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("it is one of the inputs"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[test]
fn closed_stdout_exits_0_quietly() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_calcheck"))
        .args([
            s(&corpus_dir()),
            "--now",
            NOW,
            "--format",
            "json",
            "--fail-on",
            "never",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end before calcheck writes anything, as `| head -c0` would.
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert!(
        !err.contains("Broken pipe") && !err.contains("panicked"),
        "{err}"
    );
}

#[test]
fn all_items_shows_the_decoded_recurrence_of_the_series_fixture() {
    // testdata/msg is generated by calcheck-writer (testdata/msg/README.md): a weekly Monday series from
    // 2024-03-04 to 2024-05-06 (10 occurrences) with the 2024-03-18 instance moved to 2024-03-19.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/msg");
    let out = scratch("fixtures");
    let o = calcheck(&[
        s(&fixtures),
        "--now",
        NOW,
        "-A",
        "-O",
        s(&out),
        "--fail-on",
        "never",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bytes = fs::read(out.join("CALITEMS.CSV")).unwrap();
    let mut rd = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    let headers = rd.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let series = rows
        .iter()
        .find(|r| r[col("File")].ends_with("weekly-series-one-exception.msg"))
        .unwrap();
    assert_eq!(&series[col("Subject")], "Weekly sync");
    assert_eq!(&series[col("Recurring")], "true");
    assert_eq!(&series[col("Recur Start Date")], "2024-03-04");
    assert_eq!(&series[col("Recur End Date")], "2024-05-06");
    assert_eq!(&series[col("Recur End Type")], "End After X Occurrences");
    assert_eq!(&series[col("Num Exceptions")], "1");
    assert_eq!(&series[col("Deleted Instances")], "1");
    assert_eq!(&series[col("Modified Instances")], "1");
    assert_eq!(&series[col("Attachments")], "1");
}

fn pst_corpus(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/pst")
        .join(name)
}

#[test]
fn pst_with_a_corrupt_header_exits_2_with_the_reason() {
    // The corpus keeps this file because its header CRC does not match (shared/corpus/SOURCES.md); every
    // peer tool refuses it too, pffinfo with "mismatch in file header checksum (1112305074 != ...)":
    // the stored dwCRCPartial is 1112305074 = 0x424C6DB2.
    let pst = pst_corpus("aspose__AddingBulkMessagesWithImprovedPerformance.pst");
    let out = scratch("corrupt-pst");
    let o = calcheck(&[s(&pst), "--now", NOW, "-O", s(&out)]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(
        err.starts_with(&format!(
            "calcheck: {}: not a readable PST/OST file: ",
            pst.display()
        )),
        "{err}"
    );
    assert!(err.contains("crc mismatch (stored 0x424c6db2"), "{err}");
    assert!(
        stdout(&o).starts_with("Nothing was checked; 1 input could not be read - see "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn pst_and_ost_inputs_are_read_and_reported() {
    // pffexport 20180714 exports 9 appointments, all with the subject "Weekly meeting", from the
    // Calendar folder of aspose__Test_part1.pst.
    let pst = pst_corpus("aspose__Test_part1.pst");
    let ost = pst_corpus("aspose__SampleOstFile.ost");
    let o = calcheck(&[
        s(&pst),
        s(&ost),
        "--select",
        "CC101",
        "--now",
        NOW,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["kind"], "pst");
    assert_eq!(inputs[0]["items"], 9);
    let calendar = inputs[0]["folders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["is_calendar"] == true)
        .unwrap();
    assert_eq!(calendar["path"], "Top of Personal Folders/Calendar");
    assert_eq!(calendar["item_count"], 9);
    assert_eq!(inputs[1]["kind"], "ost");

    // The log lists the calendar folder, and -A lists the nine items with their folder and node.
    let out = scratch("pst-log");
    let o = calcheck(&[
        s(&pst),
        "--select",
        "CC101",
        "--now",
        NOW,
        "-A",
        "-O",
        s(&out),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let log = fs::read_to_string(out.join("CalCheck.log")).unwrap();
    assert!(log.contains(
        "\r\nCalendar folder: Top of Personal Folders/Calendar (IPF.Appointment): 9 items\r\n"
    ));
    let bytes = fs::read(out.join("CALITEMS.CSV")).unwrap();
    let mut rd = csv::Reader::from_reader(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap());
    let rows: Vec<csv::StringRecord> = rd.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 9);
    assert!(rows.iter().all(|r| &r[0] == "Weekly meeting"));
    assert!(rows.iter().all(|r| r[30].starts_with("nid 0x")));
}

/// The README's first command checks `testdata/sample-calendar`; every item there was built with exactly
/// one known defect (or none) by `calcheck_writer::sample`, so the findings must be exactly those.
#[test]
fn sample_calendar_gives_exactly_the_built_in_defects() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/sample-calendar");
    let o = calcheck(&[s(&dir), "--now", NOW, "--format", "json", "-q"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["item"]["file"].as_str().unwrap();
            let name = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (name, f["code"].as_str().unwrap().to_owned())
        })
        .collect();
    got.sort();
    let mut want: Vec<(String, String)> = calcheck_writer::sample::all()
        .iter()
        .flat_map(|i| {
            i.expected
                .iter()
                .map(|c| (i.file_name.to_owned(), (*c).to_owned()))
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
}

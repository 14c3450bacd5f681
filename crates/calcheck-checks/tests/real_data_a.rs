//! The item, meeting and store-wide checks (CC1xx, CC4xx, CC5xx, and CC903) on real data: every .msg/.oft
//! and PST/OST of the shared corpus (`shared/corpus`).
//!
//! Real Outlook data must not look broken. The expected findings below are the reviewed ones of
//! `testdata/README.md` ("Checks A review"): each rests on the property values the files hold, and all of
//! them are on items that Aspose, not Outlook, wrote (corpus `SOURCES.md`). Every other item must be clean.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calcheck_checks::{Engine, Options, select};
use calcheck_format::time;
use calcheck_model::CalendarSource;
use calcheck_model::source::msg::MsgSource;
use calcheck_model::source::pst::PstSource;

/// `shared/` next to the repository.
fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The corpus files of one folder, sorted.
fn files(dir: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(shared().join("corpus").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    out.sort();
    out
}

/// The checks under test with a fixed "now" (2026-06-01, after every item of the corpus was made).
fn engine(mailbox: &[&str]) -> Engine {
    let checks = select::select(
        &["CC1".into(), "CC4".into(), "CC5".into(), "CC903".into()],
        &[],
    )
    .unwrap();
    assert!(checks.len() >= 36, "only {} checks selected", checks.len());
    let mut options =
        Options::at(time::utc_to_filetime("2026-06-01T00:00:00Z".parse().unwrap()).unwrap());
    options.mailbox_addresses = mailbox.iter().map(|s| (*s).to_owned()).collect();
    Engine::new(checks, options)
}

/// Findings of `engine` on one source, counted by (file name, code, CalCheck number).
fn findings(
    engine: &Engine,
    source: &dyn CalendarSource,
    into: &mut BTreeMap<(String, String, String), usize>,
) {
    let report = engine.run(&[source]);
    for f in &report.findings {
        let file = f
            .item
            .file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        *into
            .entry((
                file,
                f.check.code.to_owned(),
                f.calcheck.unwrap_or("-").to_owned(),
            ))
            .or_insert(0) += 1;
    }
}

fn expect(list: &[(&str, &str, &str, usize)]) -> BTreeMap<(String, String, String), usize> {
    list.iter()
        .map(|(f, c, n, k)| (((*f).to_owned(), (*c).to_owned(), (*n).to_owned()), *k))
        .collect()
}

#[test]
fn msg_corpus_findings_are_only_on_aspose_written_items() {
    let engine = engine(&[]);
    let mut got = BTreeMap::new();
    for f in files("msg") {
        let source = MsgSource::open(&f).unwrap();
        findings(&engine, &source, &mut got);
    }
    let want = expect(&[
        // A draft that Aspose wrote (sender "test@gmail.com <test@gmail.com>" as an address): a meeting
        // (state flags 1) without delivery time, organizer name or organizer address, whose only attendee
        // has the address type "UNKNOWN".
        ("aspose__appointment-draft.msg", "CC112", "0059", 1),
        ("aspose__appointment-draft.msg", "CC401", "0028", 1),
        ("aspose__appointment-draft.msg", "CC403", "0030", 1),
        ("aspose__appointment-draft.msg", "CC414", "0058", 1),
        // aspose__sample.oft is an Outlook template (a meeting form with no times, delivery time,
        // organizer or sender): the engine skips templates instead of checking them, so it has no finding.
    ]);
    assert_eq!(got, want);
}

#[test]
fn pst_corpus_findings_are_only_on_aspose_written_items() {
    let engine = engine(&[]);
    let mut got = BTreeMap::new();
    let mut opened = 0;
    for f in files("pst") {
        // One file has a corrupt header and is refused by every reader (corpus SOURCES.md).
        let Ok(source) = PstSource::open(&f) else {
            assert!(
                f.to_string_lossy()
                    .contains("AddingBulkMessagesWithImprovedPerformance"),
                "{} does not open",
                f.display()
            );
            continue;
        };
        opened += 1;
        findings(&engine, &source, &mut got);
    }
    assert_eq!(opened, 19);
    let want = expect(&[
        // Aspose's PST chunk holds nine copies of "Weekly meeting" with the same organizer, start, end
        // and even creation time: the eight later ones are duplicates of the first.
        ("aspose__Test_part1.pst", "CC502", "0049", 8),
    ]);
    assert_eq!(got, want);
}

#[test]
fn outlook_com_ost_organizer_matches_its_owner_only_like_with_like() {
    let ost = shared().join("corpus/pst/pstextractor__pstextractortest@outlook.com.ost");
    let source = PstSource::open(&ost).unwrap();
    // The owner's meeting "meeting with attachments (jpg, pdf, text)" (its request is in Sent Items) stores
    // the organizer as this legacy DN only, without an SMTP form.
    let owner_dn = "/o=First Organization/ou=Exchange Administrative Group(FYDIBOHF23SPDLT)/cn=Recipients/cn=0003000040B2FAE2";
    let count = |mailbox: &[&str]| {
        let report = engine(mailbox).run(&[&source]);
        report
            .findings
            .iter()
            .filter(|f| f.check.code == "CC406")
            .count()
    };
    assert_eq!(count(&["SMTP:pstextractortest@outlook.com", owner_dn]), 0);
    // With only the SMTP address known, a DN organizer cannot be compared, so nothing is reported.
    assert_eq!(count(&["pstextractortest@outlook.com"]), 0);
    // Another mailbox's DN does not match the organizer: the check does fire.
    assert_eq!(
        count(&["/o=First Organization/cn=Recipients/cn=someone-else"]),
        1
    );
}

#[test]
fn outlook_com_property_definition_stream_decodes() {
    let ost = shared().join("corpus/pst/pstextractor__pstextractortest@outlook.com.ost");
    let source = PstSource::open(&ost).unwrap();
    // The only PidLidPropertyDefinitionStream of the corpus: Outlook.com's acceptance of "meeting with
    // attachments" carries a PropDefV2 stream (Version 0x0103, little-endian) with one field definition.
    let streams: Vec<Vec<u8>> = source
        .items()
        .filter_map(Result::ok)
        .filter_map(|item| {
            item.props
                .binary(&calcheck_model::names::PROPERTY_DEFINITION_STREAM)
                .map(<[u8]>::to_vec)
        })
        .collect();
    assert_eq!(streams.len(), 1);
    assert_eq!(streams[0].len(), 96);
    assert_eq!(streams[0].get(..6), Some(&[0x03, 0x01, 0x01, 0, 0, 0][..]));
    let checks = select::select(&["CC114".into()], &[]).unwrap();
    let report = Engine::new(checks, Options::at(0)).run(&[&source]);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

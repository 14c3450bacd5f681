//! Broken .msg input: each kind of damage is a clear error (file unusable) or a `ReadIssue` on the
//! item (the rest still read), never a panic or a hang. Damaged files are built with
//! calcheck-writer or by mutating the bytes of real files.

mod msg_support;

use std::path::Path;

use calcheck_format::props::PropValue;
use calcheck_model::CalendarItem;
use calcheck_model::names;
use calcheck_model::source::msg::{MAX_EMBEDDING_DEPTH, MsgErrorKind, read_msg_bytes};
use calcheck_writer::msg::{Attachment, HeaderCounts, Message, Object, Recipient, Value};

use msg_support::{corpus_files, msgreader_files};

const NAME: &str = "broken.msg";

fn read_ok(m: &Message) -> CalendarItem {
    read_msg_bytes(&m.to_bytes().unwrap(), Path::new(NAME)).unwrap_or_else(|e| panic!("{e}"))
}

fn has_issue(item: &CalendarItem, what: &str, reason: &str) -> bool {
    item.issues
        .iter()
        .any(|i| i.what.contains(what) && i.reason.contains(reason))
}

fn basic() -> Message {
    Message::new()
        .set("PidTagMessageClass", "IPM.Appointment")
        .set("PidTagSubject", "Broken on purpose")
        .set("PidLidBusyStatus", 2)
}

#[test]
fn msg_not_a_compound_file_is_an_error_naming_the_file() {
    for data in [
        &b""[..],
        b"hello, this is plain text and not a compound file",
        &[0u8; 600],
    ] {
        let err = read_msg_bytes(data, Path::new(NAME)).unwrap_err();
        assert!(
            matches!(err.kind, MsgErrorKind::NotCompoundFile(_)),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.starts_with("broken.msg: not a compound file ("),
            "{text}"
        );
    }
}

#[test]
fn msg_missing_property_stream_is_an_error() {
    let m = basic().omit_stream("__properties_version1.0");
    let err = read_msg_bytes(&m.to_bytes().unwrap(), Path::new(NAME)).unwrap_err();
    assert!(
        matches!(err.kind, MsgErrorKind::MissingPropertyStream),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains("no top-level __properties_version1.0 stream")
    );
}

#[test]
fn msg_property_stream_shorter_than_its_header_is_an_error() {
    // The top-level header is 32 bytes ([MS-OXMSG] 2.4.1.1): Reserved (8), NextRecipientID,
    // NextAttachmentID, RecipientCount, AttachmentCount (4 each, the last at offset 20), Reserved (8).
    // 20 bytes end right before AttachmentCount.
    let m = basic().raw_stream("__properties_version1.0", vec![0u8; 20]);
    let err = read_msg_bytes(&m.to_bytes().unwrap(), Path::new(NAME)).unwrap_err();
    let MsgErrorKind::BadPropertyStream(inner) = &err.kind else {
        panic!("{err}");
    };
    assert_eq!((inner.field(), inner.offset()), ("AttachmentCount", 20));
}

#[test]
fn msg_truncated_property_stream_keeps_the_whole_entries() {
    // Cut the stream in the middle of its third entry: two properties survive, the cut is an issue.
    let full = basic().to_bytes().unwrap();
    let item = read_msg_bytes(&full, Path::new(NAME)).unwrap();
    let props_stream = stream_of(&full, "/__properties_version1.0");
    let cut = props_stream[..32 + 16 * 2 + 7].to_vec();
    let m = basic().raw_stream("__properties_version1.0", cut);
    let broken = read_ok(&m);
    assert_eq!(item.props.len(), 3);
    assert_eq!(broken.props.len(), 2);
    assert_eq!(broken.props.str(&names::SUBJECT), Some("Broken on purpose"));
    assert!(has_issue(
        &broken,
        "property stream",
        "7 bytes after the last whole 16-byte entry"
    ));
}

#[test]
fn msg_missing_value_stream_is_an_issue_and_the_rest_is_read() {
    let m = basic().omit_stream("__substg1.0_0037001F");
    let item = read_ok(&m);
    assert_eq!(item.props.str(&names::SUBJECT), None);
    assert_eq!(item.message_class(), "IPM.Appointment");
    assert_eq!(item.props.i32(&names::BUSY_STATUS), Some(2));
    assert!(has_issue(
        &item,
        "property 0x0037001F",
        "the value stream __substg1.0_0037001F is missing"
    ));
}

#[test]
fn msg_nameid_guid_index_outside_its_stream_is_an_issue() {
    // One entry: LID 0x8205 with GUID index 3 while the GUID stream is empty, so property 0x8000
    // (PidLidBusyStatus as written) cannot be resolved.
    let entry = [0x05, 0x82, 0, 0, 0x06, 0x00, 0x00, 0x00];
    let m = basic()
        .raw_stream("__nameid_version1.0/__substg1.0_00020102", Vec::new())
        .raw_stream("__nameid_version1.0/__substg1.0_00030102", entry.to_vec());
    let item = read_ok(&m);
    assert!(has_issue(
        &item,
        "named-property map",
        "GUID index 3 of property index 0 is outside the GUID stream (0 GUIDs)"
    ));
    assert!(has_issue(
        &item,
        "property 0x80000003",
        "named property id 0x8000 is not in the file's named-property map"
    ));
    assert_eq!(item.props.str(&names::SUBJECT), Some("Broken on purpose"));
}

#[test]
fn msg_nameid_string_offset_outside_its_stream_is_an_issue() {
    // A string-named entry (kind bit 1) whose string offset is past the end of the string stream.
    let entry = [0x00, 0x10, 0, 0, 0x05, 0x00, 0x00, 0x00];
    let m = basic().raw_stream("__nameid_version1.0/__substg1.0_00030102", entry.to_vec());
    let item = read_ok(&m);
    assert!(has_issue(
        &item,
        "named-property map",
        "string offset 4096 of property index 0 is outside the string stream"
    ));
}

#[test]
fn msg_embedding_deeper_than_the_limit_is_an_issue_not_a_hang() {
    // Twelve messages, each the embedded message of its parent's only attachment.
    let mut m = basic().set("PidTagSubject", "level 12");
    for level in (0..12).rev() {
        m = basic()
            .set("PidTagSubject", format!("level {level}"))
            .attachment(Attachment::embedded(m));
    }
    let item = read_ok(&m);
    let mut depth = 0;
    let mut cur = &item;
    while let Some(next) = cur.attachments.first().and_then(|a| a.embedded.as_deref()) {
        depth += 1;
        assert_eq!(next.item_ref.parents.len(), depth);
        cur = next;
    }
    assert_eq!(depth, MAX_EMBEDDING_DEPTH as usize);
    assert_eq!(cur.item_ref.subject.as_deref(), Some("level 8"));
    assert!(has_issue(
        cur,
        "attachment 0",
        "nested more than 8 levels deep"
    ));
}

#[test]
fn msg_embedded_storage_without_property_stream_is_an_issue() {
    let m = basic().attachment(
        Attachment::exception(basic()).omit_stream("__substg1.0_3701000D/__properties_version1.0"),
    );
    let item = read_ok(&m);
    assert_eq!(item.attachments.len(), 1);
    assert!(item.attachments[0].embedded.is_none());
    assert!(item.attachments[0].is_exception());
    assert!(has_issue(
        &item,
        "attachment 0",
        "has no __properties_version1.0 stream"
    ));
}

#[test]
fn msg_recipient_without_property_stream_is_an_issue_and_others_are_read() {
    let m = basic()
        .recipient(
            Recipient::smtp("Broken", "broken@example.com", 1)
                .omit_stream("__properties_version1.0"),
        )
        .recipient(Recipient::smtp("Fine", "fine@example.com", 2));
    let item = read_ok(&m);
    assert_eq!(item.recipients.len(), 1);
    assert_eq!(item.recipients[0].row, 1);
    assert_eq!(
        item.recipients[0].props.str(&names::EMAIL_ADDRESS),
        Some("fine@example.com")
    );
    assert!(has_issue(
        &item,
        "recipient 0",
        "has no __properties_version1.0 stream"
    ));
}

#[test]
fn msg_header_counts_that_disagree_with_the_storages_are_issues() {
    let m = basic()
        .recipient(Recipient::smtp("A", "a@example.com", 1))
        .header_counts(HeaderCounts {
            next_recipient_id: 1,
            next_attachment_id: 3,
            recipient_count: 1,
            attachment_count: 3,
        });
    let item = read_ok(&m);
    assert!(has_issue(
        &item,
        "attachment table",
        "counts 3 attachments but 0 attachment storages exist"
    ));
    assert!(!has_issue(&item, "recipient table", ""));
}

#[test]
fn msg_undefined_property_type_and_duplicates_are_issues() {
    let m = basic()
        // Type 0x0008 is not a MAPI type ([MS-OXCDATA] 2.11.1), so the value cannot be located.
        .raw_entry(0x4001_0008, 6, [1, 2, 3, 4, 5, 6, 7, 8])
        // A second PidLidBusyStatus entry: MAPI objects hold one value per id; the later one wins.
        .add_key(names::BUSY_STATUS.key.to_key(), 0x0003, 3);
    let item = read_ok(&m);
    assert!(has_issue(
        &item,
        "property 0x40010008",
        "the property type 0x0008 is not defined"
    ));
    assert!(has_issue(
        &item,
        "property stream",
        "appears more than once"
    ));
    assert_eq!(item.props.i32(&names::BUSY_STATUS), Some(3));
}

#[test]
fn msg_wrong_size_values_are_issues() {
    // A PtypGuid value must be 16 bytes; a 3-byte stream cannot be one.
    let m = basic()
        .set_key(
            calcheck_model::PropKey::Tagged(0x6001),
            0x0048,
            Value::raw(vec![1, 2, 3]),
        )
        // A PtypMultipleInteger32 stream whose last value is cut.
        .set_key(
            calcheck_model::PropKey::Tagged(0x6002),
            0x1003,
            Value::raw(vec![1, 0, 0, 0, 2, 0]),
        );
    let item = read_ok(&m);
    assert!(has_issue(&item, "property 0x60010048", "Guid"));
    assert!(has_issue(
        &item,
        "property 0x60021003",
        "needs 4 bytes but only 2 remain"
    ));
}

#[test]
fn msg_missing_multivalue_value_stream_is_an_issue() {
    let m = basic()
        .set("PidNameKeywords", Value::mv_unicode(&["a", "b"]))
        .omit_stream("__substg1.0_8001101F-00000001");
    let item = read_ok(&m);
    assert!(item.props.get(&names::KEYWORDS).is_none());
    assert!(has_issue(
        &item,
        "property 0x8001101F",
        "__substg1.0_8001101F-00000001 is missing"
    ));
}

/// Every prefix of every real file, and deterministic byte flips, must read or fail cleanly.
#[test]
fn msg_truncated_and_mutated_real_files_never_panic() {
    let mut files = corpus_files();
    files.extend(msgreader_files());
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut outcomes = [0usize; 2];
    for path in files.iter().step_by(3) {
        let data = std::fs::read(path).unwrap();
        for len in (0..data.len()).step_by(4099) {
            outcomes[usize::from(read_msg_bytes(&data[..len], path).is_ok())] += 1;
        }
        for _ in 0..40 {
            let mut d = data.clone();
            for _ in 0..8 {
                // xorshift64: a fixed sequence, so a failure reproduces.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                let at = (state % d.len() as u64) as usize;
                d[at] ^= (state >> 56) as u8 | 1;
            }
            outcomes[usize::from(read_msg_bytes(&d, path).is_ok())] += 1;
        }
    }
    // Both outcomes occur: the sweep really reached the parsers and not only the CFB header check.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}

#[test]
fn msg_string8_uses_the_message_code_page() {
    // 0xC0 0xE1 is "Аб" in windows-1251 and "Àá" in windows-1252.
    let bytes = vec![0xC0, 0xE1];
    let with_cp = basic().set("PidTagMessageCodepage", 1251).set_key(
        calcheck_model::PropKey::Tagged(0x0037),
        0x001E,
        Value::raw(bytes.clone()),
    );
    let item = read_ok(&with_cp);
    assert_eq!(
        item.props.get(&names::SUBJECT).unwrap().value,
        PropValue::String8 {
            text: "Аб".into(),
            codepage: 1251
        }
    );
    // PR_INTERNET_CPID is used when PR_MESSAGE_CODEPAGE is absent.
    let inet = basic().set("PidTagInternetCodepage", 1251).set_key(
        calcheck_model::PropKey::Tagged(0x0037),
        0x001E,
        Value::raw(bytes.clone()),
    );
    assert_eq!(read_ok(&inet).props.str(&names::SUBJECT), Some("Аб"));
    // Neither: windows-1252.
    let none = basic().set_key(
        calcheck_model::PropKey::Tagged(0x0037),
        0x001E,
        Value::raw(bytes),
    );
    assert_eq!(read_ok(&none).props.str(&names::SUBJECT), Some("Àá"));
}

fn stream_of(file: &[u8], path: &str) -> Vec<u8> {
    use std::io::Read;
    let mut cf = cfb::CompoundFile::open(std::io::Cursor::new(file)).unwrap();
    let mut out = Vec::new();
    cf.open_stream(path).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn msg_oversized_property_stream_is_cut_with_an_issue() {
    use calcheck_model::source::msg::MAX_PROPERTIES;
    // 20 000 distinct PtypInteger32 entries (ids 0x1000 upwards) after the 32-byte header.
    let mut stream = vec![0u8; 32];
    for i in 0..20_000u32 {
        stream.extend_from_slice(&((0x1000 + i) << 16 | 0x0003).to_le_bytes());
        stream.extend_from_slice(&[6, 0, 0, 0]);
        stream.extend_from_slice(&i.to_le_bytes());
        stream.extend_from_slice(&[0; 4]);
    }
    let m = basic().raw_stream("__properties_version1.0", stream);
    let started = std::time::Instant::now();
    let item = read_ok(&m);
    assert_eq!(item.props.len(), MAX_PROPERTIES);
    assert!(has_issue(
        &item,
        "property stream",
        "the stream has 20000 entries; only the first 16384 were read"
    ));
    // Generous bound: the point is that the cut keeps the bag from going quadratic.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

//! Proof that the PST writer's files are read by the peer tools with the folders, counts and
//! property values that were written: libpff (`pffinfo`, `pffexport`), libpst (`readpst`) and
//! calcheck's own reader (`calcheck_pst`, `PstSource`).
//!
//! The store exercises every structure the writer has: permute-encoded blocks, data trees
//! (XBLOCK, XXBLOCK), sub-node trees of both levels (SLBLOCK, SIBLOCK), heaps of more than eight
//! blocks (HNBITMAPHDR), BTHs with index levels, row matrices in sub-nodes, multi-level NBT and
//! BBT pages, files of more than one allocation section, recipients, file attachments and
//! embedded exception messages.

mod pst_support;

use std::path::Path;

use calcheck_format::props::PropValue;
use calcheck_model::key::PropKey;
use calcheck_model::{CalendarSource, source::pst::PstSource};
use calcheck_writer::fixtures;
use calcheck_writer::msg::{Attachment, Message, Object, Recipient, Value};
use calcheck_writer::pst::{Crypt, PstOptions, PstWriter};
use pst_support::{
    PffExport, ReadPst, assert_has_records, expected_records, item_sets, subject, temp_dir,
};

/// 2024-01-01 00:00 UTC as FILETIME.
const JAN_2024: u64 = 133_485_408_000_000_000;
const MINUTE: u64 = 600_000_000;

/// A note as a mail client stores a received message.
fn note(i: usize, body: usize) -> Message {
    let text: String = format!("Line {i} of the report. ")
        .repeat(body / 20 + 1)
        .chars()
        .take(body)
        .collect();
    Message::new()
        .set("PidTagMessageClass", "IPM.Note")
        .set("PidTagSubject", format!("Status report {i:04}"))
        .set("PidTagSenderName", "Sam Sender")
        .set("PidTagSenderAddressType", "SMTP")
        .set("PidTagSenderEmailAddress", "sam@example.com")
        .set("PidTagSentRepresentingName", "Sam Sender")
        .set("PidTagSentRepresentingAddressType", "SMTP")
        .set("PidTagSentRepresentingEmailAddress", "sam@example.com")
        .set(
            "PidTagMessageDeliveryTime",
            Value::time(JAN_2024 + i as u64 * MINUTE),
        )
        .set(
            "PidTagClientSubmitTime",
            Value::time(JAN_2024 + i as u64 * MINUTE - MINUTE),
        )
        .set("PidTagMessageFlags", 1)
        .set("PidTagInternetCodepage", 65001)
        .set("PidTagBody", text)
        // PR_DISPLAY_TO and PR_DISPLAY_CC: what mail clients (and readpst) show as To and Cc.
        .set_key(PropKey::Tagged(0x0E04), 0x001F, "Olivia Owner")
        .set_key(PropKey::Tagged(0x0E03), 0x001F, "Carl Copy")
        .recipient(Recipient::smtp("Olivia Owner", "olivia@example.com", 1))
        .recipient(Recipient::smtp("Carl Copy", "carl@example.com", 2))
}

fn file_attachment(name: &str, data: Vec<u8>) -> Attachment {
    Attachment::new()
        .set("PidTagAttachMethod", 1)
        .set("PidTagAttachFilename", name)
        .set("PidTagAttachLongFilename", name)
        .set_key(PropKey::Tagged(0x3701), 0x0102, data)
}

/// The file name and data of a file attachment description.
fn file_of(a: &Attachment) -> (String, Vec<u8>) {
    let value = |id| {
        a.props()
            .specs()
            .iter()
            .find(|s| s.key == PropKey::Tagged(id))
            .map(|s| s.value.clone())
    };
    match (value(0x3704), value(0x3701)) {
        (
            Some(Value::Typed(PropValue::Unicode(name))),
            Some(Value::Typed(PropValue::Binary(data))),
        ) => (name.into(), data),
        other => panic!("not a file attachment: {other:?}"),
    }
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// The folders of the test store: (name, container class, messages).
fn store() -> Vec<(&'static str, &'static str, Vec<Message>)> {
    let mut inbox = vec![note(0, 400), note(1, 300), note(2, 200)];
    // A 20 000-byte attachment: a data tree of three blocks in the attachment's sub-node tree.
    inbox[1] = inbox[1]
        .clone()
        .attachment(file_attachment("report.txt", pattern(20_000, 7)));
    // 300 recipients: the recipient table's row matrix lives in a sub-node; 400 attachments: the
    // message's sub-node tree needs an SIBLOCK over two SLBLOCKs.
    let mut big = inbox[2].clone();
    for r in 0..300 {
        big = big.recipient(Recipient::smtp(
            &format!("Reader {r:03}"),
            &format!("reader{r:03}@example.com"),
            2,
        ));
    }
    for a in 0..400 {
        big = big.attachment(file_attachment(
            &format!("part{a:03}.bin"),
            pattern(40, a as u8),
        ));
    }
    inbox[2] = big;
    let calendar = vec![
        fixtures::meeting_with_attendees(),
        fixtures::weekly_series_one_exception(),
    ];
    // 1200 notes: a contents table whose heap has more than eight blocks, a row index with an
    // index level, a row matrix in a sub-node, and node and block B-trees of several levels.
    let archive: Vec<Message> = (100..1300).map(|i| note(i, 60 + i % 500)).collect();
    vec![
        ("Inbox", "IPF.Note", inbox),
        ("Calendar", "IPF.Appointment", calendar),
        ("Archive", "IPF.Note", archive),
    ]
}

/// Writes the store; returns the NIDs of every folder's messages, in order.
fn write(
    path: &Path,
    crypt: Crypt,
    folders: &[(&str, &str, Vec<Message>)],
) -> Vec<(u32, Vec<u32>)> {
    let options = PstOptions {
        display_name: "Generated store".to_owned(),
        crypt,
        seed: 42,
    };
    let mut w = PstWriter::create(path, &options).unwrap();
    let top = w.ipm_subtree();
    let mut out = Vec::new();
    for (name, class, messages) in folders {
        let f = w.add_folder(top, name, Some(class));
        let nids = messages
            .iter()
            .map(|m| w.add_message(f, m).unwrap())
            .collect();
        out.push((f.0, nids));
    }
    let (_, summary) = w.finish().unwrap();
    assert_eq!(summary.size, std::fs::metadata(path).unwrap().len());
    out
}

fn check_libpff(
    file: &Path,
    work: &Path,
    folders: &[(&str, &str, Vec<Message>)],
    nids: &[(u32, Vec<u32>)],
) {
    let pff = PffExport::run(file, work);
    let top = pff.get(0x8022);
    assert_eq!(top.name, "Top of Personal Folders");
    for ((name, _, messages), (folder_nid, message_nids)) in folders.iter().zip(nids) {
        let f = pff.get(*folder_nid);
        assert_eq!(&f.name, name);
        assert_eq!(
            f.parent_dir, top.dir,
            "{name} is a child of the IPM subtree"
        );
        assert_eq!(pff.items_in(&f.dir).len(), messages.len(), "{name}: items");
        for (m, nid) in messages.iter().zip(message_nids) {
            let item = pff.get(*nid);
            let what = format!("{name}/{}", subject(m));
            let sets = item_sets(&item.dir.join("ItemValues.txt"));
            assert_eq!(sets.len(), 1, "{what}");
            assert_has_records(&what, &sets[0], &expected_records(m.props()));

            let rows = item_sets(&item.dir.join("RecipientsItemValues.txt"));
            assert_eq!(rows.len(), m.recipients().len(), "{what}: recipients");
            for (row, r) in rows.iter().zip(m.recipients()) {
                assert_has_records(
                    &format!("{what} recipient"),
                    row,
                    &expected_records(r.props()),
                );
            }

            let atts = item_sets(&item.dir.join("Attachments").join("ItemValues.txt"));
            assert_eq!(atts.len(), m.attachments().len(), "{what}: attachments");
            for (i, a) in m.attachments().iter().enumerate() {
                let dir = item.dir.join("Attachments");
                if let Some(embedded) = a.embedded_message() {
                    // The exception: its own property records, found under the attachment.
                    let sub = pff
                        .entries
                        .iter()
                        .find(|e| e.kind != "folder" && e.parent_dir.starts_with(&dir))
                        .unwrap_or_else(|| panic!("{what}: embedded message not exported"));
                    let sets = item_sets(&sub.dir.join("ItemValues.txt"));
                    assert_has_records(
                        &format!("{what} exception"),
                        &sets[0],
                        &expected_records(embedded.props()),
                    );
                } else {
                    let (name, data) = file_of(a);
                    // pffexport names the file "N_NAME", N counted from 1 and zero-padded to the
                    // width of the attachment count.
                    let width = m.attachments().len().to_string().len();
                    let got = std::fs::read(dir.join(format!("{:0width$}_{name}", i + 1)))
                        .unwrap_or_else(|e| panic!("{what}: attachment {i} {name}: {e}"));
                    assert_eq!(got, data, "{what}: attachment {name}");
                }
            }
        }
    }
}

fn check_readpst(file: &Path, work: &Path, folders: &[(&str, &str, Vec<Message>)]) {
    let rp = ReadPst::run(file, work);
    let store = "Generated store";
    for (name, class, messages) in folders {
        assert_eq!(
            rp.count(name),
            (messages.len(), 0),
            "readpst counts of {name}"
        );
        let items = rp.items(store, name);
        assert_eq!(items.len(), messages.len(), "{name}: readpst item files");
        // readpst writes items in node order, which is the order they were added.
        for ((n, text), m) in items.iter().zip(messages) {
            let subject = subject(m);
            if *class == "IPF.Appointment" {
                assert!(
                    text.contains(&format!("SUMMARY:{subject}\n")),
                    "{name} {n}: {text}"
                );
                for (lid, label) in [(0x820D, "DTSTART"), (0x820E, "DTEND")] {
                    let t = m
                        .props()
                        .specs()
                        .iter()
                        .find(|s| {
                            s.key == PropKey::lid(calcheck_model::key::PSETID_APPOINTMENT, lid)
                        })
                        .map(|s| match s.value {
                            Value::Typed(PropValue::Time(t)) => t,
                            _ => unreachable!(),
                        })
                        .unwrap();
                    let dt = calcheck_format::time::filetime_to_utc(t);
                    let line = format!("{label};VALUE=DATE-TIME:{}\n", dt.format("%Y%m%dT%H%M%SZ"));
                    assert!(text.contains(&line), "{name} {n}: no {line:?} in {text}");
                }
            } else {
                assert!(
                    text.contains(&format!("Subject: {subject}\n")),
                    "{name} {n}: {text}"
                );
                // readpst builds To and Cc from PR_DISPLAY_TO and PR_DISPLAY_CC, not from the
                // recipient table.
                assert!(text.contains("To: Olivia Owner\n"), "{name} {n}: {text}");
                assert!(text.contains("Cc: Carl Copy\n"), "{name} {n}: {text}");
                let files = rp.attachments(store, name, *n);
                if m.attachments().len() > 340 {
                    // More sub-nodes than one SLBLOCK holds: the tree is an SIBLOCK, which libpst
                    // 0.6.76 does not read ("Unknown constant [0x102] at start of id2 values"), so
                    // readpst writes the message without attachments. libpff and calcheck's
                    // reader read them (above and below).
                    assert!(files.is_empty(), "{name} {n}: readpst now reads SIBLOCKs");
                } else {
                    assert_eq!(
                        files.len(),
                        m.attachments().len(),
                        "{name} {n}: readpst attachments"
                    );
                    for a in m.attachments() {
                        let (file_name, data) = file_of(a);
                        assert_eq!(
                            files.get(&file_name),
                            Some(&data),
                            "{name} {n}: {file_name}"
                        );
                    }
                }
            }
        }
    }
}

fn check_own_reader(file: &Path, folders: &[(&str, &str, Vec<Message>)], nids: &[(u32, Vec<u32>)]) {
    let pst = calcheck_pst::Pst::open(file).unwrap();
    let tree = pst.folders().unwrap();
    assert!(tree.warnings.is_empty(), "{:?}", tree.warnings);
    for ((name, class, messages), (folder_nid, message_nids)) in folders.iter().zip(nids) {
        let f = tree.folders.iter().find(|f| f.nid == *folder_nid).unwrap();
        assert_eq!(f.path, format!("Top of Personal Folders/{name}"));
        assert_eq!(f.container_class.as_deref(), Some(*class));
        assert_eq!(f.message_count as usize, messages.len());
        let rows = pst.contents(*folder_nid).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.nid).collect::<Vec<_>>(),
            *message_nids
        );
        for (m, nid) in messages.iter().zip(message_nids).take(20) {
            let read = pst.message(*nid).unwrap();
            assert!(read.warnings.is_empty(), "{:?}", read.warnings);
            assert_eq!(read.recipients.len(), m.recipients().len());
            assert_eq!(read.attachments.len(), m.attachments().len());
            assert_eq!(
                read.prop(0x0037).and_then(|p| p.value.as_str()),
                Some(format!("\u{1}\u{1}{}", subject(m)).as_str())
            );
        }
    }
    // The calendar source reads both calendar items and the exception.
    let source = PstSource::open(file).unwrap();
    let items: Vec<_> = source.items().map(Result::unwrap).collect();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1].attachments.len(), 1);
    assert!(items[1].attachments[0].embedded.is_some());
}

#[test]
fn pst_peers_read_every_structure_permute_encoded() {
    let work = temp_dir("peers-permute");
    let file = work.join("store.pst");
    let folders = store();
    let nids = write(&file, Crypt::Permute, &folders);
    // More than one allocation section (253 952 bytes each).
    assert!(std::fs::metadata(&file).unwrap().len() > 2 * 253_952);
    check_libpff(&file, &work, &folders, &nids);
    check_readpst(&file, &work, &folders);
    check_own_reader(&file, &folders, &nids);
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn pst_peers_read_an_unencoded_store() {
    let work = temp_dir("peers-none");
    let file = work.join("store.pst");
    let folders = vec![
        ("Inbox", "IPF.Note", vec![note(0, 100)]),
        (
            "Calendar",
            "IPF.Appointment",
            vec![
                fixtures::meeting_with_attendees(),
                fixtures::weekly_series_one_exception(),
            ],
        ),
    ];
    let nids = write(&file, Crypt::None, &folders);
    check_libpff(&file, &work, &folders, &nids);
    check_readpst(&file, &work, &folders);
    check_own_reader(&file, &folders, &nids);
    let _ = std::fs::remove_dir_all(&work);
}

#[test]
fn pst_peers_read_a_value_that_needs_an_xxblock() {
    // 9 MB is more than one XBLOCK can list (1021 blocks of 8176 bytes).
    let work = temp_dir("peers-xxblock");
    let file = work.join("store.pst");
    let big = note(5, 100).attachment(file_attachment("big.bin", pattern(9_000_000, 3)));
    let folders = vec![("Inbox", "IPF.Note", vec![big])];
    let nids = write(&file, Crypt::Permute, &folders);
    check_libpff(&file, &work, &folders, &nids);
    check_readpst(&file, &work, &folders);
    let _ = std::fs::remove_dir_all(&work);
}

//! Proof against libpff: on every readable corpus PST/OST, the folder tree, the per-folder
//! message counts and, for calendar folders, every item's message class, subject, start, end,
//! recipient count and attachment count equal what `pffexport` (libpff 20180714) reports.
//!
//! pffexport is run by the test (see `common/mod.rs`); nothing is copied from its output into
//! the test. Where libpff is known to be wrong (shared/docs/peers.md) the test says so and
//! compares with the spec instead.

#![allow(clippy::print_stderr)]

mod common;

use calcheck_pst::{NameId, PropValue, Pst};
use common::{PffExport, item_values, pff_time, text_field, utf16};

/// PSETID_Appointment.
const PSETID_APPOINTMENT: calcheck_format::Guid =
    calcheck_format::Guid::from_fields(0x0006_2002, 0, 0, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);

/// Strips the `\u{1}` + prefix-length marker PST subjects carry ([MS-PST] 2.5.3.1.1.1), as libpff does.
fn display_subject(raw: &str) -> String {
    let mut chars = raw.chars();
    if chars.next() == Some('\u{1}') {
        chars.next();
        return chars.as_str().to_owned();
    }
    raw.to_owned()
}

fn named_time(m: &calcheck_pst::Message, lid: u32) -> Option<u64> {
    m.props.iter().find_map(|p| match (&p.named, &p.value) {
        (Some(n), PropValue::Time(t))
            if n.guid == PSETID_APPOINTMENT && n.id == NameId::Lid(lid) =>
        {
            Some(*t)
        }
        _ => None,
    })
}

fn compare_with_pffexport(file_name: &str) {
    let file = common::corpus_dir().join("pst").join(file_name);
    let pst = Pst::open(&file).unwrap_or_else(|e| panic!("{file_name}: {e}"));
    let tree = pst.folders().unwrap();
    assert!(tree.warnings.is_empty(), "{file_name}: {:?}", tree.warnings);
    let pff = PffExport::run(&file);
    let root = pff.root_dir();

    // 1. The folder tree: the same folders (by NID), names and parents. pffexport lists the
    //    root folder's descendants, not the root folder itself.
    let ours: Vec<_> = tree.folders.iter().filter(|f| f.parent.is_some()).collect();
    let mut our_nids: Vec<u32> = ours.iter().map(|f| f.nid).collect();
    let mut pff_nids: Vec<u32> = pff.folders.iter().map(|f| f.nid).collect();
    our_nids.sort_unstable();
    pff_nids.sort_unstable();
    assert_eq!(our_nids, pff_nids, "{file_name}: folder NIDs differ");
    let mut dir_of = std::collections::HashMap::new();
    dir_of.insert(0x122u32, root.clone());
    for f in &ours {
        let p = pff.folders.iter().find(|p| p.nid == f.nid).unwrap();
        assert_eq!(f.name, p.name, "{file_name}: name of folder {:#x}", f.nid);
        assert_eq!(
            f.parent,
            Some(p.parent),
            "{file_name}: parent of folder {:#x} ({})",
            f.nid,
            f.path
        );
        dir_of.insert(f.nid, p.dir.clone());
    }

    // 2. Message counts. libpff lists a folder's sub-items from the node B-tree: sub-folders,
    //    messages and folder-associated (FAI) messages; pffexport exports the messages, skips
    //    some kinds on purpose ("Skipped export of item: I out of: N", in the log) and prints
    //    "Unable to ... item I out of N" for the ones libpff cannot read (peers.md: the 12
    //    Test_part1 contacts with a PtypUnspecified property). Neither line names its folder, but N
    //    is the folder's sub-item count, and pffexport exports a folder's sub-folders before its
    //    messages, so a skipped line belongs to the folder created last or one of its ancestors.
    let total = |f: &calcheck_pst::Folder| {
        (f.subfolder_count + f.message_count + f.associated_count) as usize
    };
    let by_nid: std::collections::HashMap<u32, &calcheck_pst::Folder> =
        tree.folders.iter().map(|f| (f.nid, f)).collect();
    let nid_of_dir: std::collections::HashMap<&str, u32> =
        dir_of.iter().map(|(n, d)| (d.as_str(), *n)).collect();
    let mut attributed: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    for (i, n, class, context) in &pff.skipped {
        let mut at = nid_of_dir.get(context.as_str()).copied();
        while let Some(nid) = at {
            let f = by_nid[&nid];
            if total(f) == *n {
                break;
            }
            at = f.parent;
        }
        let nid = at.unwrap_or_else(|| {
            panic!("{file_name}: skipped item {i} of {n} ({class}) fits no folder")
        });
        *attributed.entry(nid).or_default() += 1;
    }
    for (i, n) in &pff.unreadable {
        let f = ours
            .iter()
            .find(|f| {
                let done = pff.items_in(&dir_of[&f.nid]).count()
                    + attributed.get(&f.nid).copied().unwrap_or(0);
                total(f) == *n && done < (f.message_count + f.associated_count) as usize
            })
            .unwrap_or_else(|| panic!("{file_name}: unreadable item {i} of {n} fits no folder"));
        *attributed.entry(f.nid).or_default() += 1;
    }
    for f in &ours {
        let pff_count =
            pff.items_in(&dir_of[&f.nid]).count() + attributed.get(&f.nid).copied().unwrap_or(0);
        assert_eq!(
            (f.message_count + f.associated_count) as usize,
            pff_count,
            "{file_name}: messages + FAI messages of folder {}",
            f.path
        );
    }

    // 3. Calendar items: class, subject, start, end, recipients and attachments.
    let mut checked = 0;
    for f in tree.folders.iter().filter(|f| f.is_calendar()) {
        let dir = &dir_of[&f.nid];
        let rows = pst.contents(f.nid).unwrap();
        assert_eq!(rows.len(), f.message_count as usize);
        for row in rows {
            let m = pst
                .message(row.nid)
                .unwrap_or_else(|e| panic!("{file_name}: message {:#x}: {e}", row.nid));
            let item = pff.item_in(dir, row.nid).unwrap_or_else(|| {
                panic!(
                    "{file_name}: pffexport has no item {:#x} in {}",
                    row.nid, f.path
                )
            });
            let item_dir = std::path::Path::new(&item.dir);
            let values = item_values(&item_dir.join("ItemValues.txt"));
            let pff_class = values.get(&(0x1a, 0x1f)).map(|b| utf16(b)).or_else(|| {
                values
                    .get(&(0x1a, 0x1e))
                    .map(|b| String::from_utf8_lossy(b).trim_end_matches('\0').to_owned())
            });
            let class = m.message_class().map(str::to_owned);
            assert_eq!(class, pff_class, "{file_name}: class of {:#x}", row.nid);

            let main_txt = item_dir.join(if item.kind == "meeting" {
                "Meeting.txt"
            } else {
                "Appointment.txt"
            });
            let subject = m
                .prop(0x0037)
                .and_then(|p| p.value.as_str())
                .map(display_subject);
            assert_eq!(
                subject,
                text_field(&main_txt, "Subject"),
                "{file_name}: subject of {:#x}",
                row.nid
            );

            let is_meeting_object = class
                .as_deref()
                .is_some_and(|c| c.starts_with("IPM.Schedule.Meeting"));
            if is_meeting_object {
                // peers.md: pffexport writes no start, end or recipients for IPM.Schedule.Meeting.*
                // items, and no attachments either; those are checked in ost_4k.rs against the spec.
                continue;
            }
            let start = named_time(&m, 0x820D).map(pff_time);
            let end = named_time(&m, 0x820E).map(pff_time);
            assert_eq!(
                start,
                text_field(&main_txt, "Start time"),
                "{file_name}: start of {:#x}",
                row.nid
            );
            assert_eq!(
                end,
                text_field(&main_txt, "End time"),
                "{file_name}: end of {:#x}",
                row.nid
            );

            let pff_recipients =
                text_field(&item_dir.join("RecipientsItemValues.txt"), "Number of sets")
                    .map_or(0, |n| n.parse::<usize>().unwrap());
            assert_eq!(
                m.recipients.len(),
                pff_recipients,
                "{file_name}: recipients of {:#x}",
                row.nid
            );
            // The Attachments folder holds one file or folder per attachment, plus the `-d` dump of
            // the attachment table.
            let pff_attachments = std::fs::read_dir(item_dir.join("Attachments")).map_or(0, |d| {
                d.filter(|e| e.as_ref().is_ok_and(|e| e.file_name() != "ItemValues.txt"))
                    .count()
            });
            assert_eq!(
                m.attachments.len(),
                pff_attachments,
                "{file_name}: attachments of {:#x}",
                row.nid
            );
            assert!(m.warnings.is_empty(), "{file_name}: {:?}", m.warnings);
            checked += 1;
        }
    }
    eprintln!(
        "{file_name}: {} folders, {checked} calendar items compared",
        ours.len()
    );
}

macro_rules! peer_tests {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[test]
            fn $test() {
                compare_with_pffexport($file);
            }
        )*

        #[test]
        fn peer_tests_cover_every_readable_corpus_file() {
            let listed = [$($file),*];
            for f in common::corpus_pst_files() {
                let name = f.file_name().unwrap().to_string_lossy().into_owned();
                assert!(name == common::CORRUPT_FILE || listed.contains(&name.as_str()), "{name} is not compared");
            }
        }
    };
}

peer_tests! {
    aspose_outlook_1 => "aspose__Outlook_1.pst",
    aspose_sample_ost => "aspose__SampleOstFile.ost",
    aspose_test_part1 => "aspose__Test_part1.pst",
    aspose_password_protected => "aspose__passwordprotectedPST.pst",
    gopst_32_bit_ansi => "gopst__32-bit.pst",
    hughbe_outlook98_backup_ansi => "hughbe__Outlook98Backup.pst",
    hughbe_outlook => "hughbe__hughbe_Outlook.pst",
    javalibpst_dist_list => "javalibpst__dist-list.pst",
    javalibpst_passworded => "javalibpst__passworded.pst",
    outlookpstrs_empty => "outlookpstrs__Empty.pst",
    pst2john_2003_compressible => "pst2john__2003_compressable-encryption_quickquick.pst",
    pst2john_2003_high_encryption => "pst2john__2003_high-encryption_quickquick.pst",
    pst2john_2003_no_encryption => "pst2john__2003_no-encryption_quickquick.pst",
    pst2john_2007_default => "pst2john__2007_default_a1sellers.pst",
    pst2john_97_ansi_password => "pst2john__97_outlook_pass12345.pst",
    pst2john_password => "pst2john__password.pst",
    pstextractor_ost_4k => "pstextractor__pstextractortest@outlook.com.ost",
    pstsdk_test_ansi => "pstsdk__test_ansi.pst",
    pstsdk_test_unicode => "pstsdk__test_unicode.pst",
}

#[test]
fn corrupt_header_is_a_clear_error() {
    let file = common::corpus_dir().join("pst").join(common::CORRUPT_FILE);
    let err = Pst::open(&file).unwrap_err();
    // Every peer refuses this file for the same reason (SOURCES.md: "Invalid HEADER dwCRCPartial:
    // 0x424C6DB2" in outlook-pst); the message must name the field and both values.
    let text = err.to_string();
    assert!(
        matches!(
            err,
            calcheck_pst::Error::CrcMismatch {
                structure: "HEADER.dwCRCPartial",
                stored: 0x424C_6DB2,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains("dwCRCPartial")
            && text.contains("0x424c6db2")
            && text.contains("header is corrupt"),
        "{text}"
    );
}
